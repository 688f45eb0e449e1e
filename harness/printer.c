/* Writes the syntax tree back as script text that parses to the same tree. */
#include <inttypes.h>
#include <stdio.h>

#include "frontend.h"
#include "printer.h"

void print_time(FILE *out, const struct event_time *t)
{
	if (t->kind == TIME_ANY) {
		fputc('*', out);
		return;
	}
	fprintf(out, "%s%" PRId64 ".%06" PRId64, t->kind == TIME_RELATIVE ? "+" : "",
		t->usecs / 1000000, t->usecs % 1000000);
	if (t->has_range)
		fprintf(out, "~%s%" PRId64 ".%06" PRId64, t->range_relative ? "+" : "",
			t->range_usecs / 1000000, t->range_usecs % 1000000);
}

static void print_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_expr_list(FILE *out, const struct expr_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		if (i)
			fputs(", ", out);
		print_expr(out, l->items[i]);
	}
}

void print_expr(FILE *out, const struct expr *e)
{
	switch (e->kind) {
	case EXPR_ELLIPSIS:
		fputs("...", out);
		break;
	case EXPR_INT:
		fprintf(out, "%" PRId64, e->u.num);
		break;
	case EXPR_WORD:
		fputs(e->u.word, out);
		break;
	case EXPR_STRING:
		print_string(out, e->u.string.bytes, e->u.string.len);
		break;
	case EXPR_BINOP:
		print_expr(out, e->u.binop.lhs);
		fputc(e->u.binop.op, out);
		print_expr(out, e->u.binop.rhs);
		break;
	case EXPR_LIST:
		fputc('[', out);
		print_expr_list(out, &e->u.list);
		fputc(']', out);
		break;
	case EXPR_STRUCT:
		fputc('{', out);
		for (size_t i = 0; i < e->u.fields.count; i++) {
			const struct struct_field *f = &e->u.fields.fields[i];
			if (i)
				fputs(", ", out);
			if (f->name) {
				fputs(f->name, out);
				if (f->arg) {
					fputc('(', out);
					print_expr(out, f->arg);
					fputc(')', out);
				}
				fputc('=', out);
			}
			if (f->value)
				print_expr(out, f->value);
		}
		fputc('}', out);
		break;
	case EXPR_CALL:
		fprintf(out, "%s(", e->u.call.name);
		print_expr_list(out, &e->u.call.args);
		fputc(')', out);
		break;
	}
}

static void print_hex(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", b[i]);
}

static void print_tcp_option(FILE *out, const struct tcp_option *o)
{
	switch (o->kind) {
	case OPT_EOL: fputs("eol", out); break;
	case OPT_NOP: fputs("nop", out); break;
	case OPT_MSS: fprintf(out, "mss %u", o->u.mss); break;
	case OPT_WSCALE: fprintf(out, "wscale %u", o->u.wscale); break;
	case OPT_SACK_PERMITTED: fputs("sackOK", out); break;
	case OPT_SACK:
		fputs("sack", out);
		for (size_t i = 0; i < o->u.sack.count; i++)
			fprintf(out, " %u:%u", o->u.sack.blocks[i].left, o->u.sack.blocks[i].right);
		break;
	case OPT_TIMESTAMP: fprintf(out, "TS val %u ecr %u", o->u.ts.val, o->u.ts.ecr); break;
	case OPT_FASTOPEN:
	case OPT_EXP_FASTOPEN:
		fputs(o->kind == OPT_FASTOPEN ? "FO" : "exp-FO", out);
		if (o->u.cookie.has_cookie) {
			fputc(' ', out);
			print_hex(out, o->u.cookie.bytes, o->u.cookie.len);
		}
		break;
	case OPT_MD5:
		fputs("md5", out);
		if (o->u.md5.bytes) {
			fputc(' ', out);
			print_hex(out, o->u.md5.bytes, o->u.md5.len);
		}
		break;
	case OPT_GENERIC:
		fprintf(out, "kind %u", o->u.generic.kind);
		if (o->u.generic.length >= 0)
			fprintf(out, " length %d", o->u.generic.length);
		if (o->u.generic.data) {
			fputc(' ', out);
			print_hex(out, o->u.generic.data, o->u.generic.data_len);
		}
		break;
	}
}

static void print_encapsulation(FILE *out, const struct encapsulation *e)
{
	if (e->kind == ENCAP_GRE) {
		fputs("GRE", out);
		const struct expr *f = e->gre_fields;
		for (size_t i = 0; f && i < f->u.fields.count; i++) {
			fprintf(out, " %s", f->u.fields.fields[i].name);
			if (f->u.fields.fields[i].value)
				fprintf(out, " %" PRId64, f->u.fields.fields[i].value->u.num);
		}
	} else {
		fputs("MPLS", out);
		for (size_t i = 0; i < e->label_count; i++) {
			const struct mpls_label *l = &e->labels[i];
			fprintf(out, "%s label %u tc %u ttl %u%s", i ? "," : "", l->label, l->tc, l->ttl,
				l->bottom ? " S" : "");
		}
	}
	fputs(": ", out);
}

static const char *ecn_text(enum ecn_mark m)
{
	switch (m) {
	case ECN_NOECN: return "[noecn] ";
	case ECN_ECT0: return "[ect0] ";
	case ECN_ECT1: return "[ect1] ";
	case ECN_CE: return "[ce] ";
	case ECN_ECT01: return "[ect01] ";
	case ECN_UNSPECIFIED: break;
	}
	return "";
}

void print_packet_body(FILE *out, const struct packet *p)
{
	fputs(ecn_text(p->ecn), out);
	if (p->has_tos)
		fprintf(out, "(tos 0x%02x) ", p->tos);
	if (p->has_ttl)
		fprintf(out, "(ttl %u) ", p->ttl);
	if (p->has_flowlabel)
		fprintf(out, "(flowlabel 0x%x) ", p->flowlabel);
	if (p->ip) /* the space before ':' ends an IPv6 address unambiguously */
		fprintf(out, "IPV%d %s > %s%s: ", p->ip->version, p->ip->src, p->ip->dst,
			p->ip->version == 6 ? " " : "");
	for (size_t i = 0; i < p->encap_count; i++)
		print_encapsulation(out, &p->encaps[i]);
	switch (p->kind) {
	case PKT_TCP: {
		const struct tcp_packet *t = &p->u.tcp;
		fputs(t->flags_text, out);
		if (t->seq_any)
			fputs(" ...", out);
		else
			fprintf(out, " %u:%u(%u)", t->seq_start, t->seq_end, t->payload_len);
		if (t->has_ack)
			fprintf(out, " ack %u", t->ack);
		if (t->has_win)
			fprintf(out, " win %u", t->win);
		if (t->has_urg)
			fprintf(out, " urg %u", t->urg);
		if (t->options) {
			fputs(" <", out);
			if (t->options->any)
				fputs("...", out);
			for (size_t i = 0; !t->options->any && i < t->options->count; i++) {
				if (i)
					fputc(',', out);
				print_tcp_option(out, &t->options->items[i]);
			}
			fputc('>', out);
		}
		break;
	}
	case PKT_UDP:
		fprintf(out, "udp (%u)", p->u.udp.payload_len);
		break;
	case PKT_ICMP: {
		const struct icmp_packet *ic = &p->u.icmp;
		fprintf(out, "icmp %s", ic->type_name);
		if (ic->code_name)
			fprintf(out, " %s", ic->code_name);
		if (ic->has_mtu)
			fprintf(out, " mtu %u", ic->mtu);
		if (ic->has_quote && ic->quote_proto == 17)
			fprintf(out, " [udp (%u)]", ic->quote_len);
		else if (ic->has_quote)
			fprintf(out, " [%u:%u(%u)]", ic->quote_start, ic->quote_end, ic->quote_len);
		else if (ic->quote_any)
			fprintf(out, " [...]");
		break;
	}
	}
}

void print_packet(FILE *out, const struct packet *p)
{
	fputs(p->dir == DIR_INBOUND ? "< " : "> ", out);
	print_packet_body(out, p);
}

void print_syscall(FILE *out, const struct syscall *sc)
{
	fprintf(out, "%s(", sc->name);
	print_expr_list(out, &sc->args);
	fputs(") = ", out);
	print_expr(out, sc->result);
	if (sc->errno_name)
		fprintf(out, " %s", sc->errno_name);
	if (sc->errno_text)
		fprintf(out, " (%s)", sc->errno_text);
}

void print_event(FILE *out, const struct event *ev)
{
	if (!ev->time_omitted) {
		print_time(out, &ev->time);
		if (ev->kind == EVENT_SYSCALL && ev->u.syscall->blocking) {
			fputs("...", out);
			print_time(out, &ev->u.syscall->end);
		}
		fputc(' ', out);
	}
	switch (ev->kind) {
	case EVENT_PACKET:
		print_packet(out, ev->u.packet);
		break;
	case EVENT_SYSCALL:
		print_syscall(out, ev->u.syscall);
		break;
	case EVENT_COMMAND:
		fprintf(out, "`%s`", ev->u.command);
		break;
	case EVENT_CODE:
		fprintf(out, "%%{%s}%%", ev->u.code);
		break;
	}
}

void script_print(const struct script *s, FILE *out)
{
	for (size_t i = 0; i < s->option_count; i++) {
		fprintf(out, "--%s", s->options[i].name);
		if (s->options[i].value)
			fprintf(out, "=%s", s->options[i].value);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->event_count; i++) {
		print_event(out, &s->events[i]);
		fputc('\n', out);
	}
}
