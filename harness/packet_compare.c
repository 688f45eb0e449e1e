/* Comparing a live outbound packet with the script's expected one, field
 * by field, in packetdrill's order and words. Only what the script names
 * is checked. */
#include "packet.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* What one live piece must show; a joined run overrides seq, length and
 * flags per piece. */
struct expect_view {
	bool check_seq;
	uint32_t seq;
	bool check_len;
	uint32_t payload_len;
	uint16_t flags;
	uint16_t flags_mask; /* bits of flags that are compared */
};

static int mismatch_num(struct packet_mismatch *mm, const char *field,
			uint32_t expected, uint32_t actual)
{
	snprintf(mm->field, sizeof(mm->field), "%s", field);
	snprintf(mm->expected, sizeof(mm->expected), "%u (0x%x)", expected, expected);
	snprintf(mm->actual, sizeof(mm->actual), "%u (0x%x)", actual, actual);
	snprintf(mm->text, sizeof(mm->text),
		 "live packet field %s: expected: %s vs actual: %s",
		 field, mm->expected, mm->actual);
	return 1;
}

static int mismatch_text(struct packet_mismatch *mm, const char *field,
			 const char *expected, const char *actual,
			 const char *fmt, ...)
{
	va_list ap;

	snprintf(mm->field, sizeof(mm->field), "%s", field);
	snprintf(mm->expected, sizeof(mm->expected), "%s", expected);
	snprintf(mm->actual, sizeof(mm->actual), "%s", actual);
	va_start(ap, fmt);
	vsnprintf(mm->text, sizeof(mm->text), fmt, ap);
	va_end(ap);
	return 1;
}

void packet_learn_mapping(struct seq_map *map, const struct packet *expected,
			  const struct live_packet *live)
{
	uint32_t val, ecr, script_val = 0;
	size_t i;

	if (!map || !live || live->protocol != IPPROTO_TCP)
		return;
	/* The ISN itself: later numbers count from it whatever the SYN's
	 * script seq says (packetdrill's convention). */
	if (live->flags & TCPF_SYN)
		seq_map_learn_isn(map, 0, live->seq);
	if (!map->ts_known && live_packet_ts(live, &val, &ecr)) {
		if (expected && expected->kind == PKT_TCP && expected->u.tcp.options) {
			const struct tcp_options *o = expected->u.tcp.options;

			for (i = 0; i < o->count; i++)
				if (o->items[i].kind == OPT_TIMESTAMP)
					script_val = o->items[i].u.ts.val;
		}
		seq_map_learn_ts(map, script_val, val);
	}
}

static const char *option_name(enum tcp_option_kind k)
{
	switch (k) {
	case OPT_EOL: return "eol";
	case OPT_NOP: return "nop";
	case OPT_MSS: return "mss";
	case OPT_WSCALE: return "wscale";
	case OPT_SACK_PERMITTED: return "sackOK";
	case OPT_SACK: return "sack";
	case OPT_TIMESTAMP: return "TS";
	case OPT_FASTOPEN: return "FO";
	case OPT_EXP_FASTOPEN: return "FOEXP";
	case OPT_MD5: return "md5";
	case OPT_GENERIC: return "generic";
	}
	return "?";
}

static int option_wire_kind(const struct tcp_option *o)
{
	static const int kinds[] = {
		[OPT_EOL] = 0, [OPT_NOP] = 1, [OPT_MSS] = 2, [OPT_WSCALE] = 3,
		[OPT_SACK_PERMITTED] = 4, [OPT_SACK] = 5, [OPT_TIMESTAMP] = 8,
		[OPT_FASTOPEN] = 34, [OPT_EXP_FASTOPEN] = 254, [OPT_MD5] = 19,
	};

	if (o->kind == OPT_GENERIC)
		return o->u.generic.kind;
	if ((unsigned)o->kind < sizeof(kinds) / sizeof(kinds[0]))
		return kinds[o->kind];
	return -1;
}

/* Encoded length of an option as the builder writes it. */
static size_t option_wire_len(const struct tcp_option *o)
{
	switch (o->kind) {
	case OPT_EOL: case OPT_NOP: return 1;
	case OPT_MSS: return 4;
	case OPT_WSCALE: return 3;
	case OPT_SACK_PERMITTED: return 2;
	case OPT_SACK: return 2 + 8 * o->u.sack.count;
	case OPT_TIMESTAMP: return 10;
	case OPT_FASTOPEN: return 2 + (o->u.cookie.bytes ? o->u.cookie.len : 0);
	case OPT_EXP_FASTOPEN: return 4 + (o->u.cookie.bytes ? o->u.cookie.len : 0);
	case OPT_MD5: return 18;
	case OPT_GENERIC: {
		size_t d = 2 + (o->u.generic.data ? o->u.generic.data_len : 0);

		return o->u.generic.length > (int)d ? (size_t)o->u.generic.length : d;
	}
	}
	return 0;
}

static void hex(char *buf, size_t len, const uint8_t *b, size_t n)
{
	size_t i, at = 0;

	buf[0] = 0;
	for (i = 0; i < n && at + 3 <= len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%02x", b[i]);
}

/* One option's value, as the mismatch message shows it; sack_map maps a
 * live packet's SACK blocks back to the script's numbers. */
static void option_value(const struct tcp_option *o, uint32_t ts_val,
			 const struct seq_map *sack_map, char *buf, size_t len)
{
	char h[96];
	size_t i, at;

	switch (o->kind) {
	case OPT_MSS: snprintf(buf, len, "mss %u", o->u.mss); break;
	case OPT_WSCALE: snprintf(buf, len, "wscale %u", o->u.wscale); break;
	case OPT_TIMESTAMP:
		snprintf(buf, len, "TS val %u ecr %u", ts_val, o->u.ts.ecr);
		break;
	case OPT_SACK:
		at = (size_t)snprintf(buf, len, "sack");
		for (i = 0; i < o->u.sack.count && at < len; i++)
			at += (size_t)snprintf(buf + at, len - at, " %u:%u",
					       sack_map ? seq_map_outbound_sack(sack_map, o->u.sack.blocks[i].left)
							: o->u.sack.blocks[i].left,
					       sack_map ? seq_map_outbound_sack(sack_map, o->u.sack.blocks[i].right)
							: o->u.sack.blocks[i].right);
		break;
	case OPT_FASTOPEN:
	case OPT_EXP_FASTOPEN:
		hex(h, sizeof(h), o->u.cookie.bytes, o->u.cookie.bytes ? o->u.cookie.len : 0);
		snprintf(buf, len, "%s%s%s", option_name(o->kind), h[0] ? " " : "", h);
		break;
	case OPT_MD5:
		hex(h, sizeof(h), o->u.md5.bytes, o->u.md5.bytes ? o->u.md5.len : 0);
		snprintf(buf, len, "md5 %s", h);
		break;
	case OPT_GENERIC:
		hex(h, sizeof(h), o->u.generic.data, o->u.generic.data ? o->u.generic.data_len : 0);
		snprintf(buf, len, "%u %s", o->u.generic.kind, h);
		break;
	default:
		snprintf(buf, len, "%s", option_name(o->kind));
		break;
	}
}

static bool bytes_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	return alen == 0 || (a && b && memcmp(a, b, alen) == 0);
}

static int compare_options(const struct tcp_options *exp, const struct live_packet *live,
			   const struct seq_map *map, unsigned flags,
			   struct packet_mismatch *mm)
{
	char e[160], a[160];
	size_t i;

	if (exp->count != live->option_count) {
		snprintf(e, sizeof(e), "%zu options", exp->count);
		snprintf(a, sizeof(a), "%zu options", live->option_count);
		return mismatch_text(mm, "tcp_options", e, a,
				     "bad outbound TCP options: expected %zu options vs actual %zu options",
				     exp->count, live->option_count);
	}
	for (i = 0; i < exp->count; i++) {
		const struct tcp_option *x = &exp->items[i], *l = &live->options[i];
		int xk = option_wire_kind(x), lk = option_wire_kind(l);
		uint32_t live_val = 0;
		bool same = true;
		size_t k;

		if (x->kind != l->kind || xk != lk) {
			snprintf(e, sizeof(e), "%s", option_name(x->kind));
			snprintf(a, sizeof(a), "%s", option_name(l->kind));
			return mismatch_text(mm, "tcp_options", e, a,
					     "bad outbound TCP options: option %zu: expected kind %d (%s) vs actual kind %d (%s)",
					     i + 1, xk, e, lk, a);
		}
		switch (x->kind) {
		case OPT_MSS: same = x->u.mss == l->u.mss; break;
		case OPT_WSCALE: same = x->u.wscale == l->u.wscale; break;
		case OPT_SACK:
			/* An outbound SACK names the remote's bytes. */
			same = x->u.sack.count == l->u.sack.count;
			for (k = 0; same && k < x->u.sack.count; k++)
				same = x->u.sack.blocks[k].left ==
					       seq_map_outbound_sack(map, l->u.sack.blocks[k].left) &&
				       x->u.sack.blocks[k].right ==
					       seq_map_outbound_sack(map, l->u.sack.blocks[k].right);
			break;
		case OPT_TIMESTAMP:
			/* The ecr echoes the remote's own TS val: not mapped. */
			live_val = seq_map_outbound_ts_val(map, l->u.ts.val);
			same = x->u.ts.ecr == l->u.ts.ecr;
			if (same && (flags & PKT_CMP_TS_VAL))
				same = seq_distance(x->u.ts.val, live_val) <=
				       (map ? map->ts_val_slack : 0);
			break;
		case OPT_FASTOPEN:
		case OPT_EXP_FASTOPEN:
			same = bytes_equal(x->u.cookie.bytes, x->u.cookie.bytes ? x->u.cookie.len : 0,
					   l->u.cookie.bytes, l->u.cookie.len);
			break;
		case OPT_MD5:
			/* The digest depends on a key the script does not
			 * give: only the presence is checked. */
			break;
		case OPT_GENERIC:
			/* Data only when written; a written length always. */
			if (x->u.generic.length >= 0 &&
			    (size_t)x->u.generic.length != 2 + l->u.generic.data_len) {
				same = false;
				break;
			}
			if (!x->u.generic.data)
				break;
			same = bytes_equal(x->u.generic.data, x->u.generic.data ? x->u.generic.data_len : 0,
					   l->u.generic.data, l->u.generic.data_len);
			break;
		default:
			break;
		}
		if (!same) {
			option_value(x, x->u.ts.val, NULL, e, sizeof(e));
			option_value(l, live_val, map, a, sizeof(a));
			return mismatch_text(mm, "tcp_options", e, a,
					     "bad value in outbound TCP option (kind=%d): expected: %s actual: %s",
					     xk, e, a);
		}
	}
	return 0;
}

static size_t expected_options_len(const struct tcp_options *o)
{
	size_t i, n = 0;

	for (i = 0; i < o->count; i++)
		n += option_wire_len(&o->items[i]);
	return n;
}

static bool ecn_matches(enum ecn_mark m, unsigned bits)
{
	switch (m) {
	case ECN_UNSPECIFIED: return true;
	case ECN_NOECN: return bits == 0;
	case ECN_ECT1: return bits == 1;
	case ECN_ECT0: return bits == 2;
	case ECN_CE: return bits == 3;
	case ECN_ECT01: return bits == 1 || bits == 2;
	}
	return true;
}

static int expected_ecn_bits(enum ecn_mark m)
{
	switch (m) {
	case ECN_ECT1: return 1;
	case ECN_ECT0: case ECN_ECT01: return 2;
	case ECN_CE: return 3;
	default: return 0;
	}
}

static int compare_ip(const struct packet *exp, const struct live_packet *live,
		      struct packet_mismatch *mm)
{
	bool v4 = live->ip_version == 4;

	if (exp->ip && exp->ip->version != live->ip_version)
		return mismatch_num(mm, "ip_version", (uint32_t)exp->ip->version,
				    (uint32_t)live->ip_version);
	if (!ecn_matches(exp->ecn, live->tos & 3))
		return mismatch_num(mm, v4 ? "ipv4_ecn" : "ipv6_ecn",
				    (uint32_t)expected_ecn_bits(exp->ecn), live->tos & 3u);
	if (exp->has_tos && (exp->tos & 0xfc) != (live->tos & 0xfc))
		return mismatch_num(mm, v4 ? "ipv4_tos" : "ipv6_traffic_class",
				    exp->tos & 0xfcu, live->tos & 0xfcu);
	if (exp->has_ttl && exp->ttl != live->ttl)
		return mismatch_num(mm, v4 ? "ipv4_ttl" : "ipv6_hop_limit", exp->ttl, live->ttl);
	if (exp->has_flowlabel && exp->flowlabel != live->flowlabel)
		return mismatch_num(mm, "ipv6_flow_label", exp->flowlabel, live->flowlabel);
	return 0;
}

static const struct { uint16_t bit; const char *name; } tcp_flag_fields[] = {
	{ TCPF_FIN, "tcp_fin" }, { TCPF_SYN, "tcp_syn" }, { TCPF_RST, "tcp_rst" },
	{ TCPF_PSH, "tcp_psh" }, { TCPF_ACK, "tcp_ack" }, { TCPF_URG, "tcp_urg" },
	{ TCPF_ECE, "tcp_ece" }, { TCPF_CWR, "tcp_cwr" }, { TCPF_AE, "tcp_ae" },
};

static int compare_tcp(const struct packet *exp, const struct live_packet *live,
		       const struct seq_map *map, unsigned flags,
		       const struct expect_view *v, struct packet_mismatch *mm)
{
	const struct tcp_packet *t = &exp->u.tcp;
	size_t i;

	if (v->check_len && v->payload_len != live->payload_len) {
		char e[32], a[32];

		snprintf(e, sizeof(e), "%u bytes", v->payload_len);
		snprintf(a, sizeof(a), "%zu bytes", live->payload_len);
		return mismatch_text(mm, "payload", e, a,
				     "live packet payload: expected %u bytes vs actual %zu bytes",
				     v->payload_len, live->payload_len);
	}
	if (compare_ip(exp, live, mm))
		return 1;
	if (t->options && !t->options->any) {
		size_t exp_opts = expected_options_len(t->options);
		size_t live_opts = live->tcp_header_len - 20;

		if (exp_opts != live_opts) {
			size_t iph = live->l4_offset;
			size_t pay = live->payload_len;

			if (live->ip_version == 4)
				return mismatch_num(mm, "ipv4_total_length",
						    (uint32_t)(iph + 20 + exp_opts + pay),
						    (uint32_t)(iph + 20 + live_opts + pay));
			return mismatch_num(mm, "ipv6_payload_len",
					    (uint32_t)(iph - 40 + 20 + exp_opts + pay),
					    (uint32_t)(iph - 40 + 20 + live_opts + pay));
		}
	}
	for (i = 0; i < sizeof(tcp_flag_fields) / sizeof(tcp_flag_fields[0]); i++) {
		uint16_t bit = tcp_flag_fields[i].bit;

		if (!(v->flags_mask & bit))
			continue;
		if ((v->flags & bit) != (live->flags & bit))
			return mismatch_num(mm, tcp_flag_fields[i].name,
					    (v->flags & bit) ? 1 : 0,
					    (live->flags & bit) ? 1 : 0);
	}
	/* A SYN's seq is the ISN the mapping learned from it. */
	if (v->check_seq && !(live->flags & TCPF_SYN)) {
		uint32_t s = seq_map_outbound_seq(map, live->seq);

		if (s != v->seq)
			return mismatch_num(mm, "tcp_seq", v->seq, s);
	}
	if (t->has_ack) {
		uint32_t a = seq_map_outbound_ack(map, live->ack, live->flags & TCPF_SYN);

		if (t->ack != a)
			return mismatch_num(mm, "tcp_ack_seq", t->ack, a);
	}
	if (t->has_win && t->win != live->window)
		return mismatch_num(mm, "tcp_window", t->win, live->window);
	if (t->has_urg && t->urg != live->urg_ptr)
		return mismatch_num(mm, "tcp_urg_ptr", t->urg, live->urg_ptr);
	if (t->options && !t->options->any)
		return compare_options(t->options, live, map, flags, mm);
	return 0;
}

static int compare_proto(const struct packet *exp, const struct live_packet *live,
			 struct packet_mismatch *mm)
{
	static const char *names[] = { "tcp", "udp", "icmp" };
	uint8_t want = exp->kind == PKT_TCP ? IPPROTO_TCP :
		       exp->kind == PKT_UDP ? IPPROTO_UDP :
		       live->ip_version == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

	if (live->protocol == want)
		return 0;
	snprintf(mm->field, sizeof(mm->field), "ip_protocol");
	snprintf(mm->expected, sizeof(mm->expected), "%s", names[exp->kind]);
	snprintf(mm->actual, sizeof(mm->actual), "%u", live->protocol);
	snprintf(mm->text, sizeof(mm->text),
		 "live packet field ip_protocol: expected: %u (0x%x) vs actual: %u (0x%x)",
		 want, want, live->protocol, live->protocol);
	return 1;
}

int packet_compare(const struct packet *expected, const struct live_packet *live,
		   const struct seq_map *map, unsigned flags,
		   struct packet_mismatch *mm)
{
	struct expect_view v;

	memset(mm, 0, sizeof(*mm));
	if (compare_proto(expected, live, mm))
		return 1;
	if (expected->kind == PKT_UDP) {
		if (expected->u.udp.payload_len != live->payload_len)
			return mismatch_text(mm, "payload", "", "",
					     "live packet payload: expected %u bytes vs actual %zu bytes",
					     expected->u.udp.payload_len, live->payload_len);
		return compare_ip(expected, live, mm);
	}
	if (expected->kind == PKT_ICMP) {
		const struct icmp_packet *ic = &expected->u.icmp;

		if (compare_ip(expected, live, mm))
			return 1;
		if (!ic->type_name && ic->type != live->icmp_type)
			return mismatch_num(mm, "icmp_type", (uint32_t)ic->type, live->icmp_type);
		if (!ic->type_name && ic->code != live->icmp_code)
			return mismatch_num(mm, "icmp_code", (uint32_t)ic->code, live->icmp_code);
		return 0;
	}
	v.check_seq = !expected->u.tcp.seq_any && !(flags & PKT_CMP_NO_SEQ);
	v.seq = expected->u.tcp.seq_start;
	v.check_len = !expected->u.tcp.seq_any;
	v.payload_len = expected->u.tcp.payload_len;
	v.flags = expected->u.tcp.flags;
	v.flags_mask = 0x1ff;
	return compare_tcp(expected, live, map, flags, &v, mm);
}

int packet_compare_run(const struct packet *expected,
		       const struct live_packet *const *lives, size_t count,
		       const struct seq_map *map, unsigned flags,
		       struct packet_mismatch *mm)
{
	const struct tcp_packet *t = &expected->u.tcp;
	uint32_t next = t->seq_start;
	uint64_t total = 0;
	size_t i;

	memset(mm, 0, sizeof(*mm));
	if (count == 0)
		return mismatch_text(mm, "payload", "", "", "no live packets to join");
	if (expected->kind != PKT_TCP || t->seq_any)
		return count == 1 ? packet_compare(expected, lives[0], map, flags, mm)
				  : mismatch_text(mm, "payload", "", "",
						  "only TCP segments with a sequence range join up");
	for (i = 0; i < count; i++) {
		const struct live_packet *l = lives[i];
		bool complete;
		struct expect_view v;

		if (compare_proto(expected, l, mm))
			return 1;
		if (l->payload_len == 0 || total + l->payload_len > t->payload_len) {
			char e[32], a[32];

			snprintf(e, sizeof(e), "%u bytes", t->payload_len);
			snprintf(a, sizeof(a), "%llu bytes", (unsigned long long)(total + l->payload_len));
			return mismatch_text(mm, "payload", e, a,
					     "live packet payload: expected %u bytes vs actual %llu bytes",
					     t->payload_len, (unsigned long long)(total + l->payload_len));
		}
		complete = total + l->payload_len == t->payload_len;
		if (complete && i + 1 < count)
			return mismatch_text(mm, "payload", "", "",
					     "live packet payload: %zu segments after the expected %u bytes",
					     count - i - 1, t->payload_len);
		v.check_seq = !(flags & PKT_CMP_NO_SEQ);
		v.seq = next;
		v.check_len = false;
		v.payload_len = 0;
		/* PSH and FIN belong to the piece that completes the run. */
		v.flags = complete ? t->flags : (uint16_t)(t->flags & ~(TCPF_PSH | TCPF_FIN));
		v.flags_mask = complete ? 0x1ff : (uint16_t)(0x1ff & ~TCPF_PSH);
		if (compare_tcp(expected, l, map, flags, &v, mm))
			return 1;
		next += (uint32_t)l->payload_len;
		total += l->payload_len;
	}
	if (total < t->payload_len) {
		snprintf(mm->field, sizeof(mm->field), "payload");
		snprintf(mm->text, sizeof(mm->text),
			 "live packet payload: expected %u bytes vs actual %llu bytes so far",
			 t->payload_len, (unsigned long long)total);
		return 2;
	}
	return 0;
}

int packet_compare_front(const struct packet *expected, const struct live_packet *live,
			 const struct seq_map *map, unsigned flags,
			 struct packet_mismatch *mm)
{
	const struct tcp_packet *t = &expected->u.tcp;
	struct live_packet front;
	struct expect_view v;

	memset(mm, 0, sizeof(*mm));
	if (expected->kind != PKT_TCP || t->seq_any || t->payload_len == 0 ||
	    live->protocol != IPPROTO_TCP || live->payload_len <= t->payload_len)
		return mismatch_text(mm, "payload", "", "",
				     "live packet payload: no longer segment to split");
	/* Only the fields are read, so a shallow copy cut to the expected
	 * length stands for the piece a segmenting device would send first. */
	front = *live;
	front.payload_len = t->payload_len;
	v.check_seq = !(flags & PKT_CMP_NO_SEQ);
	v.seq = t->seq_start;
	v.check_len = true;
	v.payload_len = t->payload_len;
	/* PSH and FIN travel on the last piece of a super-segment: the front
	 * piece must not carry FIN, and PSH is not checked on it. */
	v.flags = t->flags;
	v.flags_mask = (uint16_t)(0x1ff & ~TCPF_PSH);
	if (t->flags & TCPF_FIN)
		return mismatch_text(mm, "tcp_fin", "1", "0",
				     "live packet field tcp_fin: expected FIN on a piece before the segment's end");
	front.flags = (uint16_t)(live->flags & ~TCPF_FIN);
	return compare_tcp(expected, &front, map, flags, &v, mm);
}

bool packet_is_from_local(const struct live_packet *live,
			  const struct packet_ctx *ctx)
{
	size_t n = live->ip_version == 4 ? 4 : 16;

	if (live->ip_version != ctx->wire_version)
		return false;
	return memcmp(live->src, ctx->local_addr, n) == 0 &&
	       memcmp(live->dst, ctx->remote_addr, n) == 0;
}
