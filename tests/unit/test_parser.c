/* The grammar and checks: what trees scripts become, which scripts are
 * refused and where, and that printing a tree gives back the same tree. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "define_columns.h"
#include "frontend.h"
#include "printer.h"

static struct script *parse_checked(const char *text, struct diag *err)
{
	struct config cfg;
	config_init(&cfg);
	config_finish(&cfg);
	struct script *s = script_parse_text("t.pkt", text, strlen(text), &cfg, err);
	if (s && script_check(s, &cfg, err)) {
		script_free(s);
		s = NULL;
	}
	config_free(&cfg);
	return s;
}

static void expect_error(const char *text, int line, int col, const char *fragment)
{
	struct diag err;
	struct script *s = parse_checked(text, &err);
	if (s)
		fail_msg("accepted: %s", text);
	if (err.line != line || err.column != col || !strstr(err.message, fragment))
		fail_msg("%s\n got %d:%d: %s\n want %d:%d: ...%s...", text, err.line, err.column,
			 err.message, line, col, fragment);
}

static void test_syscall_tree(void **state)
{
	(void)state;
	struct diag err;
	struct script *s = parse_checked(
		"+0.25 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
		"+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n", &err);
	assert_non_null(s);
	assert_int_equal(s->event_count, 2);
	const struct event *ev = &s->events[0];
	assert_int_equal(ev->kind, EVENT_SYSCALL);
	assert_int_equal(ev->time.kind, TIME_RELATIVE);
	assert_int_equal(ev->time.usecs, 250000);
	const struct syscall *sc = ev->u.syscall;
	assert_string_equal(sc->name, "setsockopt");
	assert_int_equal(sc->args.count, 5);
	assert_int_equal(sc->args.items[1]->kind, EXPR_WORD);
	assert_true(sc->args.items[1]->resolved);
	const struct expr *st = sc->args.items[3];
	assert_int_equal(st->kind, EXPR_STRUCT);
	assert_int_equal(st->u.fields.count, 2);
	assert_string_equal(st->u.fields.fields[1].name, "l_linger");
	sc = s->events[1].u.syscall;
	assert_int_equal(sc->result->u.num, -1);
	assert_string_equal(sc->errno_name, "EINPROGRESS");
	assert_string_equal(sc->errno_text, "Operation now in progress");
	assert_true(sc->errno_value > 0);
	script_free(s);
}

static void test_packet_tree(void **state)
{
	(void)state;
	struct diag err;
	struct script *s = parse_checked(
		"0.1 < [ect0] S. 0:100(100) ack 1 win 257 <mss 1460,sackOK,TS val 5 ecr 6,nop,wscale 7,sack 1:2,FO 0102030405060708>\n"
		"* > R ...\n", &err);
	if (!s)
		fail_msg("%d:%d: %s", err.line, err.column, err.message);
	const struct packet *p = s->events[0].u.packet;
	assert_int_equal(p->dir, DIR_INBOUND);
	assert_int_equal(p->ecn, ECN_ECT0);
	assert_int_equal(p->u.tcp.flags, TCPF_SYN | TCPF_ACK);
	assert_int_equal(p->u.tcp.payload_len, 100);
	assert_int_equal(p->u.tcp.win, 257);
	const struct tcp_options *o = p->u.tcp.options;
	assert_int_equal(o->count, 7);
	assert_int_equal(o->items[0].u.mss, 1460);
	assert_int_equal(o->items[2].u.ts.ecr, 6);
	assert_int_equal(o->items[5].u.sack.count, 1);
	assert_int_equal(o->items[5].u.sack.blocks[0].right, 2);
	assert_int_equal(o->items[6].u.cookie.len, 8);
	assert_int_equal(o->items[6].u.cookie.bytes[7], 8);
	assert_int_equal(s->events[1].time.kind, TIME_ANY);
	assert_true(s->events[1].u.packet->u.tcp.seq_any);
	script_free(s);
}

static void test_blocking_and_ranges(void **state)
{
	(void)state;
	struct diag err;
	struct script *s = parse_checked("+0...0.2 accept(3, ..., ...) = 4\n+.1~+.2 close(4) = 0\n", &err);
	assert_non_null(s);
	assert_true(s->events[0].u.syscall->blocking);
	assert_int_equal(s->events[0].u.syscall->end.usecs, 200000);
	assert_true(s->events[1].time.has_range);
	assert_true(s->events[1].time.range_relative);
	assert_int_equal(s->events[1].time.range_usecs, 200000);
	script_free(s);
}

static void test_icmp_and_udp(void **state)
{
	(void)state;
	struct diag err;
	struct script *s = parse_checked("0 < icmp unreachable frag_needed mtu 1200 [0:1000(1000)]\n+0 < udp (12)\n", &err);
	assert_non_null(s);
	const struct icmp_packet *ic = &s->events[0].u.packet->u.icmp;
	assert_int_equal(ic->type, 3);
	assert_int_equal(ic->code, 4);
	assert_int_equal(ic->mtu, 1200);
	assert_int_equal(ic->quote_len, 1000);
	assert_int_equal(s->events[1].u.packet->u.udp.payload_len, 12);
	script_free(s);
}

static void test_errors_have_positions(void **state)
{
	(void)state;
	expect_error("0 close(3) = 0\n+0 < S 0 0(0) win 1\n", 2, 10, "expected ':'");
	expect_error("0 setsockopt(3, SOL_SOCKET, SO_FOO, [1], 4) = 0\n", 1, 29, "unknown symbolic constant 'SO_FOO'");
	expect_error("0 close(3) = -1 ENOPE\n", 1, 17, "unknown errno name");
	expect_error("0 nosuchcall(3) = 0\n", 1, 3, "unknown system call");
	expect_error("0 listen(3) = 0\n", 1, 3, "takes 2 arguments, 1 given");
	expect_error("1 close(3) = 0\n0.5 close(4) = 0\n", 2, 1, "time goes backwards");
	expect_error("0 < . 1:1(0) ack 1 <wscale 15>\n", 1, 21, "wscale 15");
	expect_error("0 < . 1:1(0) ack 1 <sack 9:3>\n", 1, 21, "left edge");
	expect_error("0 tcp_state(1, 2) = TCP_CLOSE\n", 1, 3, "takes 1 argument");
	expect_error("0 tcp_state(3) = TCP_NOPE\n", 1, 18, "unknown TCP state");
}

/* Columns counted in substituted text map back into the script's text. */
static void test_define_column_map(void **state)
{
	(void)state;
	struct col_map m = { 0 };
	/* line 2: NAME (col 3, 4 chars) became "1234567" at col 3;
	 * line 2: X (col 10 of the original) became "" at col 13. */
	col_map_add(&m, 2, 3, 7, 3, 4);
	col_map_add(&m, 2, 13, 0, 10, 1);
	assert_int_equal(col_map_orig(&m, 1, 5), 5);   /* other line: unchanged */
	assert_int_equal(col_map_orig(&m, 2, 2), 2);   /* before the value */
	assert_int_equal(col_map_orig(&m, 2, 3), 3);   /* inside: the name's start */
	assert_int_equal(col_map_orig(&m, 2, 9), 3);
	assert_int_equal(col_map_orig(&m, 2, 10), 7);  /* after: shifted by 4 - 7 */
	assert_int_equal(col_map_orig(&m, 2, 13), 11); /* after the empty value too */
	assert_int_equal(col_map_orig(&m, 3, 13), 13);
	assert_int_equal(col_map_orig(NULL, 4, 4), 4);
	col_map_free(&m);
}

/* Positions stored in the tree (used by the checks) are original ones. */
static void test_tree_positions_after_define(void **state)
{
	(void)state;
	struct config cfg;
	config_init(&cfg);
	cfg.defines = calloc(1, sizeof(*cfg.defines));
	cfg.defines[0].name = strdup("LONG_NAME");
	cfg.defines[0].value = strdup("3");
	cfg.define_count = 1;
	config_finish(&cfg);
	const char *text = "0 close(LONG_NAME) = 0\n+0 socket(..., LONG_NAME, NOPE) = 3\n";
	struct diag err;
	struct script *s = script_parse_text("t.pkt", text, strlen(text), &cfg, &err);
	assert_non_null(s);
	assert_int_equal(script_check(s, &cfg, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 27);
	assert_non_null(strstr(err.message, "NOPE"));
	script_free(s);
	config_free(&cfg);
}

static void test_empty_script_is_valid(void **state)
{
	(void)state;
	struct diag err;
	struct script *s = parse_checked("// nothing but a comment\n", &err);
	assert_non_null(s);
	assert_int_equal(s->event_count, 0);
	script_free(s);
}

/* ------------------------------------------------- structural comparison */

static bool expr_equal(const struct expr *a, const struct expr *b);

static bool list_equal(const struct expr_list *a, const struct expr_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!expr_equal(a->items[i], b->items[i]))
			return false;
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool expr_equal(const struct expr *a, const struct expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case EXPR_ELLIPSIS: return true;
	case EXPR_INT: return a->u.num == b->u.num;
	case EXPR_WORD: return !strcmp(a->u.word, b->u.word);
	case EXPR_STRING:
		return a->u.string.len == b->u.string.len &&
		       !memcmp(a->u.string.bytes, b->u.string.bytes, a->u.string.len);
	case EXPR_BINOP:
		return a->u.binop.op == b->u.binop.op && expr_equal(a->u.binop.lhs, b->u.binop.lhs) &&
		       expr_equal(a->u.binop.rhs, b->u.binop.rhs);
	case EXPR_LIST: return list_equal(&a->u.list, &b->u.list);
	case EXPR_STRUCT:
		if (a->u.fields.count != b->u.fields.count)
			return false;
		for (size_t i = 0; i < a->u.fields.count; i++) {
			const struct struct_field *x = &a->u.fields.fields[i], *y = &b->u.fields.fields[i];
			if (!str_equal(x->name, y->name) || !expr_equal(x->arg, y->arg) || !expr_equal(x->value, y->value))
				return false;
		}
		return true;
	case EXPR_CALL:
		return !strcmp(a->u.call.name, b->u.call.name) && list_equal(&a->u.call.args, &b->u.call.args);
	}
	return false;
}

static bool time_equal(const struct event_time *a, const struct event_time *b)
{
	return a->kind == b->kind && a->usecs == b->usecs && a->has_range == b->has_range &&
	       (!a->has_range || (a->range_relative == b->range_relative && a->range_usecs == b->range_usecs));
}

static bool options_equal(const struct tcp_options *a, const struct tcp_options *b)
{
	if (!a || !b)
		return a == b;
	if (a->any != b->any || a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct tcp_option *x = &a->items[i], *y = &b->items[i];
		if (x->kind != y->kind)
			return false;
		switch (x->kind) {
		case OPT_MSS: if (x->u.mss != y->u.mss) return false; break;
		case OPT_WSCALE: if (x->u.wscale != y->u.wscale) return false; break;
		case OPT_TIMESTAMP: if (x->u.ts.val != y->u.ts.val || x->u.ts.ecr != y->u.ts.ecr) return false; break;
		case OPT_SACK:
			if (x->u.sack.count != y->u.sack.count ||
			    memcmp(x->u.sack.blocks, y->u.sack.blocks, x->u.sack.count * sizeof(*x->u.sack.blocks)))
				return false;
			break;
		case OPT_FASTOPEN:
		case OPT_EXP_FASTOPEN:
			if (x->u.cookie.has_cookie != y->u.cookie.has_cookie || x->u.cookie.len != y->u.cookie.len ||
			    (x->u.cookie.len && memcmp(x->u.cookie.bytes, y->u.cookie.bytes, x->u.cookie.len)))
				return false;
			break;
		case OPT_MD5:
			if (x->u.md5.len != y->u.md5.len || (x->u.md5.len && memcmp(x->u.md5.bytes, y->u.md5.bytes, x->u.md5.len)))
				return false;
			break;
		case OPT_GENERIC:
			if (x->u.generic.kind != y->u.generic.kind || x->u.generic.length != y->u.generic.length ||
			    x->u.generic.data_len != y->u.generic.data_len ||
			    (x->u.generic.data_len && memcmp(x->u.generic.data, y->u.generic.data, x->u.generic.data_len)))
				return false;
			break;
		default: break;
		}
	}
	return true;
}

static bool encap_equal(const struct encapsulation *a, const struct encapsulation *b)
{
	if (a->kind != b->kind || a->label_count != b->label_count)
		return false;
	for (size_t i = 0; i < a->label_count; i++)
		if (a->labels[i].label != b->labels[i].label || a->labels[i].tc != b->labels[i].tc ||
		    a->labels[i].ttl != b->labels[i].ttl || a->labels[i].bottom != b->labels[i].bottom)
			return false;
	if (!a->gre_fields || !b->gre_fields)
		return !a->gre_fields == !b->gre_fields ||
		       (a->gre_fields ? a->gre_fields : b->gre_fields)->u.fields.count == 0;
	return expr_equal(a->gre_fields, b->gre_fields);
}

/* The parts of a packet around its TCP, UDP or ICMP body. */
static bool packet_head_equal(const struct packet *a, const struct packet *b)
{
	if (a->ttl != b->ttl || a->has_flowlabel != b->has_flowlabel || a->flowlabel != b->flowlabel)
		return false;
	if (a->ip && (a->ip->version != b->ip->version || strcmp(a->ip->src, b->ip->src) ||
		      strcmp(a->ip->dst, b->ip->dst)))
		return false;
	for (size_t i = 0; i < a->encap_count; i++)
		if (!encap_equal(&a->encaps[i], &b->encaps[i]))
			return false;
	return true;
}

static bool packet_equal(const struct packet *a, const struct packet *b)
{
	if (a->dir != b->dir || a->kind != b->kind || a->ecn != b->ecn || a->has_tos != b->has_tos ||
	    a->tos != b->tos || a->has_ttl != b->has_ttl || a->encap_count != b->encap_count ||
	    (!a->ip) != (!b->ip) || !packet_head_equal(a, b))
		return false;
	if (a->kind == PKT_TCP) {
		const struct tcp_packet *x = &a->u.tcp, *y = &b->u.tcp;
		return !strcmp(x->flags_text, y->flags_text) && x->flags == y->flags && x->seq_any == y->seq_any &&
		       x->seq_start == y->seq_start && x->seq_end == y->seq_end && x->payload_len == y->payload_len &&
		       x->has_ack == y->has_ack && x->ack == y->ack && x->has_win == y->has_win && x->win == y->win &&
		       x->has_urg == y->has_urg && options_equal(x->options, y->options);
	}
	if (a->kind == PKT_ICMP)
		return str_equal(a->u.icmp.type_name, b->u.icmp.type_name) &&
		       str_equal(a->u.icmp.code_name, b->u.icmp.code_name) && a->u.icmp.mtu == b->u.icmp.mtu &&
		       a->u.icmp.has_mtu == b->u.icmp.has_mtu && a->u.icmp.has_quote == b->u.icmp.has_quote &&
		       a->u.icmp.quote_any == b->u.icmp.quote_any && a->u.icmp.quote_proto == b->u.icmp.quote_proto &&
		       a->u.icmp.quote_start == b->u.icmp.quote_start && a->u.icmp.quote_end == b->u.icmp.quote_end &&
		       a->u.icmp.quote_len == b->u.icmp.quote_len;
	return a->u.udp.payload_len == b->u.udp.payload_len;
}

static bool script_equal(const struct script *a, const struct script *b)
{
	if (a->event_count != b->event_count || a->option_count != b->option_count)
		return false;
	for (size_t i = 0; i < a->option_count; i++)
		if (strcmp(a->options[i].name, b->options[i].name) ||
		    !str_equal(a->options[i].value, b->options[i].value))
			return false;
	for (size_t i = 0; i < a->event_count; i++) {
		const struct event *x = &a->events[i], *y = &b->events[i];
		if (x->kind != y->kind || x->time_omitted != y->time_omitted || !time_equal(&x->time, &y->time))
			return false;
		switch (x->kind) {
		case EVENT_PACKET:
			if (!packet_equal(x->u.packet, y->u.packet))
				return false;
			break;
		case EVENT_SYSCALL: {
			const struct syscall *p = x->u.syscall, *q = y->u.syscall;
			if (strcmp(p->name, q->name) || !list_equal(&p->args, &q->args) ||
			    !expr_equal(p->result, q->result) || !str_equal(p->errno_name, q->errno_name) ||
			    !str_equal(p->errno_text, q->errno_text) || p->blocking != q->blocking ||
			    (p->blocking && !time_equal(&p->end, &q->end)))
				return false;
			break;
		}
		case EVENT_COMMAND:
			if (strcmp(x->u.command, y->u.command))
				return false;
			break;
		case EVENT_CODE:
			if (strcmp(x->u.code, y->u.code))
				return false;
			break;
		}
	}
	return true;
}

static struct config corpus_cfg;
static int corpus_checked, corpus_failed;

static int roundtrip_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".pkt"))
		return 0;
	struct config cfg = corpus_cfg;
	struct diag err;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, mem);
	fclose(f);
	fclose(mem);
	struct script *a = script_parse_text(path, text, len, &cfg, &err);
	free(text);
	corpus_checked++;
	if (!a) {
		print_error("%s:%d:%d: %s\n", path, err.line, err.column, err.message);
		corpus_failed++;
		return 0;
	}
	char *printed = NULL;
	size_t plen = 0;
	mem = open_memstream(&printed, &plen);
	script_print(a, mem);
	fclose(mem);
	struct script *b = script_parse_text(path, printed, plen, &cfg, &err);
	free(printed);
	if (!b || !script_equal(a, b)) {
		print_error("%s: printed tree differs\n", path);
		corpus_failed++;
	}
	script_free(a);
	script_free(b);
	return 0;
}

/* Every corpus script (when the corpus is there) parses, prints and parses
 * back to a tree equal field by field. */
static void test_corpus_roundtrip_structural(void **state)
{
	(void)state;
	const char *dir = getenv("VWIRE_CORPUS");
	if (!dir)
		dir = "../shared/corpus/google-packetdrill";
	struct stat st;
	if (stat(dir, &st) != 0)
		skip();
	config_init(&corpus_cfg);
	static struct define defs[] = {
		{ "TFO_COOKIE", "3021b9d889017eeb", 0 }, { "CODE", "host_unreachable", 0 },
		{ "CMSG_LEVEL_IP", "SOL_IP", 0 }, { "CMSG_TYPE_RECVERR", "IP_RECVERR", 0 },
	};
	corpus_cfg.defines = defs;
	corpus_cfg.define_count = 4;
	config_finish(&corpus_cfg);
	corpus_checked = corpus_failed = 0;
	nftw(dir, roundtrip_one, 16, FTW_PHYS);
	assert_true(corpus_checked >= 100);
	assert_int_equal(corpus_failed, 0);
}

static void test_print_round_trip_of_every_form(void **state)
{
	(void)state;
	const char *text =
		"--tolerance_usecs=10000\n"
		"`echo hi`\n"
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 poll([{fd=3, events=POLLIN|POLLOUT, revents=0}], 1, 0) = 0\n"
		"+0 bind(3, {sin_port=htons(8080), sin_addr=inet_addr(\"1.2.3.4\")}, 16) = 0\n"
		"+0 sendmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = 10\n"
		"+0...+0.5 read(3, ..., 10) = 10\n"
		"+0 < IPV4 1.2.3.4 > 5.6.7.8: [ce] (tos 0x3) F.U 1:1(0) ack 2 win 3 urg 4 <kind 30 length 4 0a0b,nop,nop,nop,eol>\n"
		"+0 < IPV6 fd00::1 > fd00::2 : (flowlabel 0x5) - 1:1(0)\n"
		"+0 > icmp unreachable port_unreachable [udp (5)]\n"
		"+0 < icmp 0x3 4 mtu 1200 [1:1(0)]\n"
		"+0 < icmp time_exceeded 1 [...]\n"
		"+0 < IPV4 1.2.3.4 > 5.6.7.8: GRE ...: MPLS ...: . 1:1(0) ack 1 <kind 253,kind 254 length 6 01020304>\n"
		"+0 < IPV4 1.2.3.4 > 5.6.7.8: GRE checksum, key 7, seq 9, protocol 0x86dd: (ttl 3) . 1:1(0) ack 1\n"
		"+0 < MPLS label 5 tc 2 ttl 3, label 6 S: . 1:1(0) ack 1 <md5 00112233445566778899aabbccddeeff,FO 2233,exp-FO,nop,nop>\n"
		"+0 %{ assert 1 }%\n";
	struct diag err;
	struct script *a = parse_checked(text, &err);
	if (!a)
		fail_msg("%d:%d: %s", err.line, err.column, err.message);
	char *printed = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&printed, &len);
	script_print(a, mem);
	fclose(mem);
	struct script *b = parse_checked(printed, &err);
	if (!b)
		fail_msg("reparse: %d:%d: %s\n%s", err.line, err.column, err.message, printed);
	assert_true(script_equal(a, b));
	free(printed);
	script_free(a);
	script_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_tree),
		cmocka_unit_test(test_packet_tree),
		cmocka_unit_test(test_blocking_and_ranges),
		cmocka_unit_test(test_icmp_and_udp),
		cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_empty_script_is_valid),
		cmocka_unit_test(test_define_column_map),
		cmocka_unit_test(test_tree_positions_after_define),
		cmocka_unit_test(test_print_round_trip_of_every_form),
		cmocka_unit_test(test_corpus_roundtrip_structural),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
