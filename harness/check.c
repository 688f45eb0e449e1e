/* Semantic checks after parsing: names resolve, values are possible,
 * times go forward, packets can be built. The first problem is reported
 * with the position of the token it is about. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "frontend.h"
#include "symbols.h"

#define MAX_TCP_OPTION_BYTES 40
#define MAX_WSCALE 14
#define MAX_IP_PAYLOAD 65535

struct checker {
	const struct script *script;
	const struct config *cfg;
	struct diag *err;
};

static int report(struct checker *c, struct src_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int report(struct checker *c, struct src_pos pos, const char *fmt, ...)
{
	snprintf(c->err->file, sizeof(c->err->file), "%s", c->script->path);
	c->err->line = pos.line;
	c->err->column = pos.column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---------------------------------------------------------- expressions */

static const char *const known_functions[] = {
	"htons", "htonl", "ntohs", "ntohl", "inet_addr", "inet6_addr",
};

/* The value of a checked A|B|N expression. */
static int64_t flags_value(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_INT: return e->u.num;
	case EXPR_WORD: return e->value;
	case EXPR_BINOP: return flags_value(e->u.binop.lhs) | flags_value(e->u.binop.rhs);
	default: return 0;
	}
}

static int check_expr(struct checker *c, struct expr *e)
{
	switch (e->kind) {
	case EXPR_ELLIPSIS:
	case EXPR_INT:
	case EXPR_STRING:
		return 0;
	case EXPR_WORD: {
		int64_t v;
		if (!symbol_lookup(e->u.word, &v))
			return report(c, e->pos, "unknown symbolic constant '%s'", e->u.word);
		e->resolved = true;
		e->value = v;
		return 0;
	}
	case EXPR_BINOP:
		if (check_expr(c, e->u.binop.lhs) || check_expr(c, e->u.binop.rhs))
			return -1;
		return 0;
	case EXPR_LIST:
		for (size_t i = 0; i < e->u.list.count; i++)
			if (check_expr(c, e->u.list.items[i]))
				return -1;
		return 0;
	case EXPR_STRUCT:
		for (size_t i = 0; i < e->u.fields.count; i++) {
			struct struct_field *f = &e->u.fields.fields[i];
			if ((f->arg && check_expr(c, f->arg)) || (f->value && check_expr(c, f->value)))
				return -1;
		}
		return 0;
	case EXPR_CALL: {
		bool known = false;
		for (size_t i = 0; i < sizeof(known_functions) / sizeof(known_functions[0]); i++)
			known |= !strcmp(known_functions[i], e->u.call.name);
		if (!known)
			return report(c, e->pos, "unknown function '%s'", e->u.call.name);
		if (e->u.call.args.count != 1)
			return report(c, e->pos, "'%s' takes one argument, %zu given", e->u.call.name, e->u.call.args.count);
		struct expr *arg = e->u.call.args.items[0];
		if (!strncmp(e->u.call.name, "inet", 4)) {
			unsigned char buf[16];
			int fam = e->u.call.name[4] == '6' ? AF_INET6 : AF_INET;
			if (arg->kind != EXPR_STRING || inet_pton(fam, arg->u.string.bytes, buf) != 1)
				return report(c, arg->pos, "'%s' needs an IPv%c address in quotes", e->u.call.name,
					      fam == AF_INET6 ? '6' : '4');
			return 0;
		}
		return check_expr(c, arg);
	}
	}
	return 0;
}

/* ------------------------------------------------------------ tcp_state */

static const char *const tcp_state_names[] = {
	"TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
	"TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT",
	"TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING",
};

/* "addr:port", IPv6 as "[addr]:port". */
static bool valid_endpoint(const char *s, size_t n)
{
	char addr[64];
	const char *colon = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return false;
	size_t alen = (size_t)(colon - s);
	const char *a = s;
	int fam = AF_INET;
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		a++;
		alen -= 2;
		fam = AF_INET6;
	}
	if (alen == 0 || alen >= sizeof(addr))
		return false;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	unsigned char buf[16];
	if (inet_pton(fam, addr, buf) != 1)
		return false;
	const char *p = colon + 1, *end = s + n;
	if (p == end || end - p > 5)
		return false;
	long port = 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		port = port * 10 + (*p - '0');
	}
	return port <= 65535;
}

static int check_tcp_state(struct checker *c, struct syscall *sc)
{
	struct expr *arg = sc->args.items[0];
	if (arg->kind == EXPR_STRING) {
		const char *s = arg->u.string.bytes;
		const char *gt = memchr(s, '>', arg->u.string.len);
		if (!gt || strlen(s) != arg->u.string.len || !valid_endpoint(s, (size_t)(gt - s)) ||
		    !valid_endpoint(gt + 1, strlen(gt + 1)))
			return report(c, arg->pos, "bad connection \"%s\": expected \"a.b.c.d:port>e.f.g.h:port\" (remote>local)", s);
	} else if (arg->kind != EXPR_INT && arg->kind != EXPR_ELLIPSIS) {
		return report(c, arg->pos, "tcp_state takes a descriptor, '...' or \"remote>local\"");
	}
	if (sc->result->kind != EXPR_WORD)
		return report(c, sc->result->pos, "tcp_state's result is a TCP state name such as TCP_ESTABLISHED");
	for (size_t i = 0; i < sizeof(tcp_state_names) / sizeof(tcp_state_names[0]); i++) {
		if (!strcmp(tcp_state_names[i], sc->result->u.word)) {
			int64_t v;
			symbol_lookup(sc->result->u.word, &v);
			sc->result->resolved = true;
			sc->result->value = v;
			return 0;
		}
	}
	return report(c, sc->result->pos, "unknown TCP state '%s'", sc->result->u.word);
}

/* ---------------------------------------------------------- system calls */

static int check_syscall(struct checker *c, struct syscall *sc)
{
	int id = call_lookup(sc->name);
	if (id < 0)
		return report(c, sc->pos, "unknown system call '%s'", sc->name);
	sc->call_id = id;
	int lo = call_min_args(id), hi = call_max_args(id);
	int n = (int)sc->args.count;
	if (n < lo || n > hi) {
		if (lo == hi)
			return report(c, sc->pos, "'%s' takes %d argument%s, %d given", sc->name, lo, lo == 1 ? "" : "s", n);
		return report(c, sc->pos, "'%s' takes %d to %d arguments, %d given", sc->name, lo, hi, n);
	}
	if (sc->errno_name) {
		int v;
		if (!errno_lookup(sc->errno_name, &v))
			return report(c, sc->errno_pos, "unknown errno name '%s'", sc->errno_name);
		sc->errno_value = v;
	}
	if (id == CALL_TCP_STATE)
		return check_tcp_state(c, sc);
	for (size_t i = 0; i < sc->args.count; i++)
		if (check_expr(c, sc->args.items[i]))
			return -1;
	if ((sc->result->kind == EXPR_WORD || sc->result->kind == EXPR_BINOP) && check_expr(c, sc->result))
		return -1;
	if (sc->result->kind == EXPR_BINOP) {
		/* A flag set result is compared as the OR of its parts. */
		sc->result->value = flags_value(sc->result);
		sc->result->resolved = true;
	}
	return 0;
}

/* ------------------------------------------------------------- packets */

static int tcp_option_bytes(const struct tcp_option *o)
{
	switch (o->kind) {
	case OPT_EOL:
	case OPT_NOP: return 1;
	case OPT_MSS: return 4;
	case OPT_WSCALE: return 3;
	case OPT_SACK_PERMITTED: return 2;
	case OPT_SACK: return 2 + 8 * (int)o->u.sack.count;
	case OPT_TIMESTAMP: return 10;
	case OPT_FASTOPEN: return 2 + (int)o->u.cookie.len;
	case OPT_EXP_FASTOPEN: return 4 + (int)o->u.cookie.len;
	case OPT_MD5: return 18;
	case OPT_GENERIC:
		return o->u.generic.length >= 0 ? o->u.generic.length : 2 + (int)o->u.generic.data_len;
	}
	return 0;
}

static int check_tcp_options(struct checker *c, const struct packet *p, const struct tcp_options *opts)
{
	int total = 0;
	for (size_t i = 0; i < opts->count; i++) {
		const struct tcp_option *o = &opts->items[i];
		switch (o->kind) {
		case OPT_WSCALE:
			if (o->u.wscale > MAX_WSCALE)
				return report(c, o->pos, "wscale %u is over the maximum of %d", o->u.wscale, MAX_WSCALE);
			break;
		case OPT_SACK:
			if (o->u.sack.count == 0)
				return report(c, o->pos, "sack needs at least one block LEFT:RIGHT");
			for (size_t k = 0; k < o->u.sack.count; k++)
				if (o->u.sack.blocks[k].left > o->u.sack.blocks[k].right)
					return report(c, o->pos, "sack block %u:%u has its left edge after its right edge",
						      o->u.sack.blocks[k].left, o->u.sack.blocks[k].right);
			break;
		case OPT_MD5:
			if (o->u.md5.bytes && o->u.md5.len != 16)
				return report(c, o->pos, "md5 digest of %zu bytes: expected 16", o->u.md5.len);
			break;
		case OPT_GENERIC:
			if (o->u.generic.length >= 0 && o->u.generic.length < 2 && o->u.generic.kind > 1)
				return report(c, o->pos, "option length %d is under 2", o->u.generic.length);
			if (o->u.generic.length >= 0 && (size_t)o->u.generic.length < 2 + o->u.generic.data_len &&
			    o->u.generic.kind > 1)
				return report(c, o->pos, "option length %d is too short for its %zu data bytes",
					      o->u.generic.length, o->u.generic.data_len);
			break;
		default:
			break;
		}
		total += tcp_option_bytes(o);
		if (total > MAX_TCP_OPTION_BYTES)
			return report(c, o->pos, "TCP options take %d bytes or more, over the %d a header can hold",
				      total, MAX_TCP_OPTION_BYTES);
	}
	/* The data offset counts 32-bit words: an inbound list the builder
	 * cannot pad on its own is a packet that cannot be built. */
	if (p->dir == DIR_INBOUND && total % 4 && opts->count)
		return report(c, opts->items[0].pos,
			      "TCP options take %d bytes, not a multiple of 4 (add nop or eol)", total);
	return 0;
}

struct icmp_name { const char *name; int value; };

static const struct icmp_name icmp4_types[] = {
	{ "echo_reply", 0 }, { "unreachable", 3 }, { "destination_unreachable", 3 },
	{ "packet_too_big", 3 }, /* ICMPv6's name, as IPv4's frag_needed */
	{ "source_quench", 4 }, { "redirect", 5 }, { "echo_request", 8 },
	{ "time_exceeded", 11 }, { "parameter_problem", 12 }, { "timestamp", 13 },
	{ "timestamp_reply", 14 }, { NULL, 0 },
};
static const struct icmp_name icmp6_types[] = {
	{ "unreachable", 1 }, { "destination_unreachable", 1 }, { "packet_too_big", 2 },
	{ "time_exceeded", 3 }, { "parameter_problem", 4 }, { "echo_request", 128 },
	{ "echo_reply", 129 }, { NULL, 0 },
};
static const struct icmp_name icmp4_codes[] = {
	{ "net_unreachable", 0 }, { "host_unreachable", 1 }, { "protocol_unreachable", 2 },
	{ "port_unreachable", 3 }, { "frag_needed", 4 }, { "source_route_failed", 5 },
	{ "net_unknown", 6 }, { "host_unknown", 7 }, { "source_host_isolated", 8 },
	{ "net_prohibited", 9 }, { "host_prohibited", 10 }, { "net_unreachable_for_tos", 11 },
	{ "host_unreachable_for_tos", 12 }, { "packet_filtered", 13 },
	{ "precedence_violation", 14 }, { "precedence_cutoff", 15 },
	{ "ttl_exceeded", 0 }, { "frag_reassembly_time_exceeded", 1 }, { NULL, 0 },
};
/* ICMPv6 codes, with the IPv4 names the corpus also uses under IPv6. */
static const struct icmp_name icmp6_codes[] = {
	{ "no_route", 0 }, { "net_unreachable", 0 }, { "admin_prohibited", 1 },
	{ "host_prohibited", 1 }, { "net_prohibited", 1 }, { "beyond_scope", 2 },
	{ "address_unreachable", 3 }, { "host_unreachable", 3 }, { "port_unreachable", 4 },
	{ "protocol_unreachable", 4 }, { "source_address_failed", 5 }, { "reject_route", 6 },
	{ "frag_needed", 0 }, { "ttl_exceeded", 0 }, { "frag_reassembly_time_exceeded", 1 },
	{ NULL, 0 },
};

static bool icmp_find(const struct icmp_name *table, const char *name, int *value)
{
	char *end;
	long v = strtol(name, &end, 0);
	if (*name >= '0' && *name <= '9' && !*end) {
		*value = (int)v;
		return v >= 0 && v <= 255;
	}
	for (; table->name; table++) {
		if (!strcmp(table->name, name)) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

static int check_icmp(struct checker *c, struct packet *p)
{
	struct icmp_packet *ic = &p->u.icmp;
	bool v6 = p->ip ? p->ip->version == 6 : (c->cfg && c->cfg->ip_mode == VWIRE_IPV6);
	if (!icmp_find(v6 ? icmp6_types : icmp4_types, ic->type_name, &ic->type))
		return report(c, ic->type_pos, "unknown ICMP%s type '%s'", v6 ? "v6" : "", ic->type_name);
	ic->code = 0;
	if (ic->code_name) {
		/* ICMPv6 codes are looked up leniently: the corpus names IPv4 codes
		 * through a -D define it gives only for IPv4, and expects its
		 * IPv6 run to parse; an unknown ICMPv6 code is code 0. */
		if (!icmp_find(v6 ? icmp6_codes : icmp4_codes, ic->code_name, &ic->code)) {
			if (!v6)
				return report(c, ic->code_pos, "unknown ICMP code '%s'", ic->code_name);
			ic->code = 0;
		}
		if (v6 && !strcmp(ic->code_name, "frag_needed"))
			ic->type = 2; /* IPv4's "fragmentation needed" is ICMPv6's packet too big */
	} else if (!v6 && !strcmp(ic->type_name, "packet_too_big")) {
		ic->code = 4; /* frag_needed */
	}
	if (ic->has_quote && ic->quote_proto == 6 && ic->quote_end - ic->quote_start != ic->quote_len)
		return report(c, ic->type_pos, "quoted segment %u:%u is %u bytes but its length says %u",
			      ic->quote_start, ic->quote_end, ic->quote_end - ic->quote_start, ic->quote_len);
	return 0;
}

/* GRE (RFC 2784, RFC 2890): `checksum` (or `csum`) alone, `key N`,
 * `seq N`, `protocol N` (or `proto N`), each once; anything else would be
 * dropped silently when the packet is built. */
static int check_gre(struct checker *c, const struct encapsulation *e)
{
	static const struct { const char *name, *same; bool number; int64_t max; } known[] = {
		{ "checksum", "checksum", false, 0 }, { "csum", "checksum", false, 0 },
		{ "key", "key", true, UINT32_MAX }, { "seq", "seq", true, UINT32_MAX },
		{ "protocol", "protocol", true, 0xffff }, { "proto", "protocol", true, 0xffff },
	};
	const struct expr *f = e->gre_fields;
	for (size_t i = 0; f && i < f->u.fields.count; i++) {
		const struct struct_field *g = &f->u.fields.fields[i];
		size_t k = 0;
		while (k < sizeof(known) / sizeof(known[0]) && strcmp(known[k].name, g->name))
			k++;
		if (k == sizeof(known) / sizeof(known[0]))
			return report(c, g->pos, "unknown GRE field '%s' (expected checksum, key N, seq N or protocol N)",
				      g->name);
		if (known[k].number && !g->value)
			return report(c, g->pos, "GRE %s needs a number", g->name);
		if (!known[k].number && g->value)
			return report(c, g->pos, "GRE %s takes no number", g->name);
		if (g->value && (g->value->u.num < 0 || g->value->u.num > known[k].max))
			return report(c, g->value->pos, "GRE %s out of range: %lld (expected 0..%lld)", g->name,
				      (long long)g->value->u.num, (long long)known[k].max);
		for (size_t j = 0; j < i; j++) {
			const char *prev = f->u.fields.fields[j].name;
			for (size_t m = 0; m < sizeof(known) / sizeof(known[0]); m++)
				if (!strcmp(known[m].name, prev) && !strcmp(known[m].same, known[k].same))
					return report(c, g->pos, "GRE %s given twice", known[k].same);
		}
	}
	return 0;
}

static int check_packet(struct checker *c, struct packet *p)
{
	for (size_t i = 0; i < p->encap_count; i++)
		if (p->encaps[i].kind == ENCAP_GRE && check_gre(c, &p->encaps[i]) != 0)
			return -1;
	if (p->ip) {
		unsigned char buf[16];
		int fam = p->ip->version == 6 ? AF_INET6 : AF_INET;
		if (inet_pton(fam, p->ip->src, buf) != 1)
			return report(c, p->pos, "bad IPv%d address '%s'", p->ip->version, p->ip->src);
		if (inet_pton(fam, p->ip->dst, buf) != 1)
			return report(c, p->pos, "bad IPv%d address '%s'", p->ip->version, p->ip->dst);
	}
	if (p->has_flowlabel && p->ip && p->ip->version != 6)
		return report(c, p->pos, "flowlabel needs an IPv6 packet");
	switch (p->kind) {
	case PKT_TCP: {
		struct tcp_packet *t = &p->u.tcp;
		if (!t->seq_any) {
			uint32_t span = t->seq_end - t->seq_start;
			if (span != t->payload_len)
				return report(c, t->seq_pos, "sequence range %u:%u is %u bytes but its length says %u",
					      t->seq_start, t->seq_end, span, t->payload_len);
			if (t->payload_len > MAX_IP_PAYLOAD)
				return report(c, t->seq_pos, "payload of %u bytes is over the %d an IP packet can carry",
					      t->payload_len, MAX_IP_PAYLOAD);
		}
		if (t->options && !t->options->any)
			return check_tcp_options(c, p, t->options);
		return 0;
	}
	case PKT_UDP:
		return 0;
	case PKT_ICMP:
		return check_icmp(c, p);
	}
	return 0;
}

/* --------------------------------------------------------------- times */

static void format_time(char *buf, size_t len, int64_t us)
{
	snprintf(buf, len, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));
}

/* Times go forward: an absolute time is not before the previous event's. */
static int check_time(struct checker *c, const struct event *ev, int64_t *now)
{
	if (ev->time_omitted)
		return 0;
	const struct event_time *t = &ev->time;
	if (t->kind == TIME_ANY)
		return 0;
	int64_t prev = *now;
	int64_t start = t->kind == TIME_ABSOLUTE ? t->usecs : prev + t->usecs;
	if (t->kind == TIME_ABSOLUTE && t->usecs < *now) {
		char a[32], b[32];
		format_time(a, sizeof(a), t->usecs);
		format_time(b, sizeof(b), *now);
		return report(c, ev->pos, "time goes backwards: %s is before the previous event's %s", a, b);
	}
	if (t->has_range && t->range_usecs < t->usecs)
		return report(c, ev->pos, "time range ends before it starts");
	*now = start;
	if (ev->kind == EVENT_SYSCALL && ev->u.syscall->blocking) {
		const struct event_time *e = &ev->u.syscall->end;
		/* As the run loop times it: a relative "+A...B" ends B after the
		 * previous event, "A...B" at script time B. The events after it
		 * are timed from its start (the packet that wakes it comes while
		 * it blocks), so `now` stays at the start. */
		int64_t end = (t->kind == TIME_RELATIVE || e->kind == TIME_RELATIVE) ? prev + e->usecs : e->usecs;
		if (end < start)
			return report(c, ev->pos, "blocking call ends before it starts");
	}
	return 0;
}

int script_check(struct script *s, const struct config *cfg, struct diag *err)
{
	struct checker c = { s, cfg, err };
	int64_t now = 0;
	for (size_t i = 0; i < s->event_count; i++) {
		struct event *ev = &s->events[i];
		if (check_time(&c, ev, &now))
			return -1;
		int rc = 0;
		if (ev->kind == EVENT_SYSCALL)
			rc = check_syscall(&c, ev->u.syscall);
		else if (ev->kind == EVENT_PACKET)
			rc = check_packet(&c, ev->u.packet);
		if (rc)
			return -1;
	}
	return 0;
}
