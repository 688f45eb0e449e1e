/* Syntax-tree constructors and script_free. */
#include <stdlib.h>
#include <string.h>

#include "ast_build.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *p = xmalloc(n + 1);
	memcpy(p, s, n + 1);
	return p;
}

/* Grow *items (of *count elements) to hold one more, doubling capacity at
 * powers of two so appends stay amortised O(1). */
static void *grow(void *items, size_t count, size_t elem)
{
	if (count == 0 || (count & (count - 1)) == 0)
		items = xrealloc(items, (count ? count * 2 : 1) * elem);
	return items;
}

/* ------------------------------------------------------------- scripts */

struct script *script_new(const char *path)
{
	struct script *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path ? path : "");
	return s;
}

bool script_add_option(struct script *s, char *text)
{
	s->options = grow(s->options, s->option_count, sizeof(*s->options));
	struct script_option *o = &s->options[s->option_count++];
	memset(o, 0, sizeof(*o));
	char *eq = strchr(text, '=');
	if (eq) {
		*eq = '\0';
		o->value = xstrdup(eq + 1);
	}
	o->name = text;
	return o->name[0] != '\0';
}

struct event *event_new(enum event_kind kind, struct src_pos pos)
{
	struct event *ev = xcalloc(1, sizeof(*ev));
	ev->kind = kind;
	ev->pos = pos;
	return ev;
}

void script_add_event(struct script *s, struct event *ev)
{
	s->events = grow(s->events, s->event_count, sizeof(*s->events));
	s->events[s->event_count++] = *ev;
	free(ev);
}

void event_free_contents(struct event *ev)
{
	switch (ev->kind) {
	case EVENT_PACKET: packet_free(ev->u.packet); break;
	case EVENT_SYSCALL: syscall_free(ev->u.syscall); break;
	case EVENT_COMMAND: free(ev->u.command); break;
	case EVENT_CODE: free(ev->u.code); break;
	}
}

void script_free(struct script *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->option_count; i++) {
		free(s->options[i].name);
		free(s->options[i].value);
	}
	free(s->options);
	for (size_t i = 0; i < s->event_count; i++)
		event_free_contents(&s->events[i]);
	free(s->events);
	free(s->path);
	free(s);
}

/* --------------------------------------------------------- expressions */

struct expr *expr_new(enum expr_kind kind, struct src_pos pos)
{
	struct expr *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->pos = pos;
	return e;
}

struct expr *expr_new_int(int64_t v, struct src_pos pos)
{
	struct expr *e = expr_new(EXPR_INT, pos);
	e->u.num = v;
	return e;
}

struct expr *expr_new_word(char *word, struct src_pos pos)
{
	struct expr *e = expr_new(EXPR_WORD, pos);
	e->u.word = word;
	return e;
}

struct expr *expr_new_string(char *bytes, size_t len, struct src_pos pos)
{
	struct expr *e = expr_new(EXPR_STRING, pos);
	e->u.string.bytes = bytes;
	e->u.string.len = len;
	return e;
}

struct expr *expr_new_list(struct src_pos pos)
{
	return expr_new(EXPR_LIST, pos);
}

static void note_child_depth(struct expr *parent, const struct expr *child)
{
	if (child && child->depth + 1 > parent->depth)
		parent->depth = child->depth + 1;
}

void list_add(struct expr *list, struct expr *item)
{
	struct expr_list *l = &list->u.list;
	l->items = grow(l->items, l->count, sizeof(*l->items));
	l->items[l->count++] = item;
	note_child_depth(list, item);
}

struct expr *expr_new_struct(struct src_pos pos)
{
	return expr_new(EXPR_STRUCT, pos);
}

void struct_add_field(struct expr *st, char *name, struct expr *arg,
		      struct expr *value, struct src_pos pos)
{
	st->u.fields.fields = grow(st->u.fields.fields, st->u.fields.count,
				   sizeof(*st->u.fields.fields));
	struct struct_field *f = &st->u.fields.fields[st->u.fields.count++];
	f->name = name;
	f->arg = arg;
	f->value = value;
	f->pos = pos;
	note_child_depth(st, arg);
	note_child_depth(st, value);
}

void struct_take_field(struct expr *dst, struct expr *holder)
{
	for (size_t i = 0; i < holder->u.fields.count; i++) {
		struct struct_field *f = &holder->u.fields.fields[i];
		struct_add_field(dst, f->name, f->arg, f->value, f->pos);
	}
	free(holder->u.fields.fields);
	free(holder);
}

struct expr *expr_new_binop(char op, struct expr *lhs, struct expr *rhs, struct src_pos pos)
{
	struct expr *e = expr_new(EXPR_BINOP, pos);
	e->u.binop.op = op;
	e->u.binop.lhs = lhs;
	e->u.binop.rhs = rhs;
	note_child_depth(e, lhs);
	note_child_depth(e, rhs);
	return e;
}

struct expr *expr_new_call(char *name, struct expr *args, struct src_pos pos)
{
	struct expr *e = expr_new(EXPR_CALL, pos);
	e->u.call.name = name;
	e->u.call.args = args->u.list;
	e->depth = args->depth;
	free(args);
	return e;
}

bool field_name_from_expr(struct expr *e, char **name, struct expr **arg)
{
	if (e->kind == EXPR_WORD) {
		*name = e->u.word;
		*arg = NULL;
		free(e);
		return true;
	}
	if (e->kind == EXPR_CALL && e->u.call.args.count == 1) {
		*name = e->u.call.name;
		*arg = e->u.call.args.items[0];
		free(e->u.call.args.items);
		free(e);
		return true;
	}
	return false;
}

void expr_list_free(struct expr_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		expr_free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case EXPR_ELLIPSIS:
	case EXPR_INT:
		break;
	case EXPR_WORD:
		free(e->u.word);
		break;
	case EXPR_STRING:
		free(e->u.string.bytes);
		break;
	case EXPR_BINOP:
		expr_free(e->u.binop.lhs);
		expr_free(e->u.binop.rhs);
		break;
	case EXPR_LIST:
		expr_list_free(&e->u.list);
		break;
	case EXPR_STRUCT:
		for (size_t i = 0; i < e->u.fields.count; i++) {
			free(e->u.fields.fields[i].name);
			expr_free(e->u.fields.fields[i].arg);
			expr_free(e->u.fields.fields[i].value);
		}
		free(e->u.fields.fields);
		break;
	case EXPR_CALL:
		free(e->u.call.name);
		expr_list_free(&e->u.call.args);
		break;
	}
	free(e);
}

/* ------------------------------------------------------------- packets */

struct packet *packet_new(void)
{
	return xcalloc(1, sizeof(struct packet));
}

struct packet *packet_merge(struct packet *head, struct packet *body)
{
	body->ip = head->ip;
	body->encaps = head->encaps;
	body->encap_count = head->encap_count;
	body->ecn = head->ecn;
	body->has_tos = head->has_tos;
	body->tos = head->tos;
	body->has_ttl = head->has_ttl;
	body->ttl = head->ttl;
	body->has_flowlabel = head->has_flowlabel;
	body->flowlabel = head->flowlabel;
	free(head);
	return body;
}

static void encapsulation_free_contents(struct encapsulation *e)
{
	expr_free(e->gre_fields);
	free(e->labels);
}

void encapsulation_free(struct encapsulation *e)
{
	if (!e)
		return;
	encapsulation_free_contents(e);
	free(e);
}

void packet_free(struct packet *p)
{
	if (!p)
		return;
	if (p->ip) {
		free(p->ip->src);
		free(p->ip->dst);
		free(p->ip);
	}
	for (size_t i = 0; i < p->encap_count; i++)
		encapsulation_free_contents(&p->encaps[i]);
	free(p->encaps);
	switch (p->kind) {
	case PKT_TCP:
		tcp_options_free(p->u.tcp.options);
		break;
	case PKT_UDP:
		break;
	case PKT_ICMP:
		free(p->u.icmp.type_name);
		free(p->u.icmp.code_name);
		break;
	}
	free(p);
}

enum ecn_mark ecn_from_name(const char *name)
{
	if (!strcmp(name, "noecn")) return ECN_NOECN;
	if (!strcmp(name, "ect0")) return ECN_ECT0;
	if (!strcmp(name, "ect1")) return ECN_ECT1;
	if (!strcmp(name, "ce")) return ECN_CE;
	if (!strcmp(name, "ect01")) return ECN_ECT01;
	return ECN_UNSPECIFIED;
}

struct ip_header_spec *ip_header_new(int version, char *src, char *dst)
{
	struct ip_header_spec *h = xcalloc(1, sizeof(*h));
	h->version = version;
	h->src = src;
	h->dst = dst;
	return h;
}

struct encapsulation *encapsulation_new(enum encap_kind kind, struct src_pos pos)
{
	struct encapsulation *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->pos = pos;
	return e;
}

void packet_add_encap(struct packet *p, struct encapsulation *e)
{
	p->encaps = grow(p->encaps, p->encap_count, sizeof(*p->encaps));
	p->encaps[p->encap_count++] = *e;
	free(e);
}

/* MPLS items: `label N [tc N] [ttl N] [S]`, repeated; the last label is the
 * bottom of the stack unless one is marked with S. */
bool mpls_labels_from_items(struct encapsulation *e, const struct expr *items)
{
	bool any_bottom = false;
	for (size_t i = 0; i < items->u.fields.count; i++) {
		const struct struct_field *f = &items->u.fields.fields[i];
		bool has_num = f->value != NULL;
		int64_t v = has_num ? f->value->u.num : 0;
		if (!strcmp(f->name, "label")) {
			if (!has_num || v < 0 || v > 0xfffff)
				return false;
			e->labels = grow(e->labels, e->label_count, sizeof(*e->labels));
			e->labels[e->label_count++] = (struct mpls_label){ (uint32_t)v, 0, 64, false };
			continue;
		}
		if (e->label_count == 0)
			return false;
		struct mpls_label *l = &e->labels[e->label_count - 1];
		if (!strcmp(f->name, "tc") && has_num && v >= 0 && v <= 7)
			l->tc = (uint32_t)v;
		else if (!strcmp(f->name, "ttl") && has_num && v >= 0 && v <= 255)
			l->ttl = (uint32_t)v;
		else if ((!strcmp(f->name, "S") || !strcmp(f->name, "bottom")) && !has_num)
			l->bottom = any_bottom = true;
		else
			return false;
	}
	if (e->label_count == 0)
		return false;
	if (!any_bottom)
		e->labels[e->label_count - 1].bottom = true;
	return true;
}

bool tcp_flags_parse(const char *text, uint16_t *flags)
{
	*flags = 0;
	if (!strcmp(text, "-"))
		return true;
	if (strlen(text) >= 16)
		return false;
	for (const char *p = text; *p; p++) {
		uint16_t bit;
		switch (*p) {
		case 'S': bit = TCPF_SYN; break;
		case 'F': bit = TCPF_FIN; break;
		case 'R': bit = TCPF_RST; break;
		case 'P': bit = TCPF_PSH; break;
		case 'U': bit = TCPF_URG; break;
		case 'E': bit = TCPF_ECE; break;
		case 'W': bit = TCPF_CWR; break;
		case '.': bit = TCPF_ACK; break;
		default: return false;
		}
		if (*flags & bit)
			return false; /* a flag written twice is a typo */
		*flags |= bit;
	}
	return true;
}

/* --------------------------------------------------------- TCP options */

struct tcp_options *tcp_options_new(void)
{
	return xcalloc(1, sizeof(struct tcp_options));
}

void tcp_options_add(struct tcp_options *o, struct tcp_option *opt)
{
	o->items = grow(o->items, o->count, sizeof(*o->items));
	o->items[o->count++] = *opt;
	free(opt);
}

void tcp_option_free_contents(struct tcp_option *opt)
{
	switch (opt->kind) {
	case OPT_SACK: free(opt->u.sack.blocks); break;
	case OPT_FASTOPEN:
	case OPT_EXP_FASTOPEN: free(opt->u.cookie.bytes); break;
	case OPT_MD5: free(opt->u.md5.bytes); break;
	case OPT_GENERIC: free(opt->u.generic.data); break;
	default: break;
	}
}

void tcp_option_free(struct tcp_option *opt)
{
	if (!opt)
		return;
	tcp_option_free_contents(opt);
	free(opt);
}

void tcp_options_free(struct tcp_options *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->count; i++)
		tcp_option_free_contents(&o->items[i]);
	free(o->items);
	free(o);
}

struct tcp_option *tcp_option_new(enum tcp_option_kind kind, struct src_pos pos)
{
	struct tcp_option *opt = xcalloc(1, sizeof(*opt));
	opt->kind = kind;
	opt->pos = pos;
	return opt;
}

void sack_from_list(struct tcp_option *opt, const struct expr *list)
{
	size_t n = list->u.list.count / 2;
	opt->u.sack.blocks = xcalloc(n, sizeof(struct sack_block));
	opt->u.sack.count = n;
	for (size_t i = 0; i < n; i++) {
		opt->u.sack.blocks[i].left = (uint32_t)list->u.list.items[2 * i]->u.num;
		opt->u.sack.blocks[i].right = (uint32_t)list->u.list.items[2 * i + 1]->u.num;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

bool hex_decode(const char *text, uint8_t **bytes, size_t *len)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	size_t n = strlen(text);
	if (n == 0 || n % 2)
		return false;
	uint8_t *out = xmalloc(n / 2);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return false;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*bytes = out;
	*len = n / 2;
	return true;
}

/* -------------------------------------------------------- system calls */

struct syscall *syscall_new(char *name, struct expr *args)
{
	struct syscall *sc = xcalloc(1, sizeof(*sc));
	sc->name = name;
	sc->args = args->u.list;
	free(args);
	sc->call_id = -1;
	return sc;
}

void syscall_free(struct syscall *sc)
{
	if (!sc)
		return;
	free(sc->name);
	expr_list_free(&sc->args);
	expr_free(sc->result);
	free(sc->errno_name);
	free(sc->errno_text);
	free(sc);
}
