/* packet_compare: every mismatch kind with packetdrill's field name and
 * wording; joined runs of segments; packetdrill-style formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "packet_test_util.h"

#define ISN 1000000u
#define TS_OFF 5000u

static struct seq_map map;
static char err[PACKET_ERR_LEN];

/* Build the bytes of a "live" segment from an AST packet (raw numbers,
 * no mapping) and parse them. */
static void make_live(const struct packet *p, struct live_packet *lp)
{
	struct packet_ctx ctx;
	uint8_t b[4096];
	size_t len;

	tp_ctx(&ctx, VWIRE_IPV4);
	assert_int_equal(packet_build(p, &ctx, NULL, b, sizeof(b), &len, err, sizeof(err)), 0);
	assert_int_equal(packet_parse(b, len, lp, err, sizeof(err)), 0);
}

/* A live FIN-ACK: seq ISN+1, ack 2, win 257, <nop,nop,TS val TS_OFF+100 ecr 200>. */
static struct packet *live_fin_ack(uint16_t flags, uint32_t len)
{
	struct packet *l = tp_tcp(DIR_INBOUND, flags, ISN + 1, len);

	l->u.tcp.flags = flags;
	tp_ack(l, 2);
	tp_win(l, 257);
	tp_opt(l, OPT_NOP);
	tp_opt(l, OPT_NOP);
	tp_opt_ts(l, TS_OFF + 100, 200);
	return l;
}

static struct packet *expected_fin_ack(uint16_t flags, uint32_t len)
{
	struct packet *e = tp_tcp(DIR_OUTBOUND, flags, 1, len);

	tp_ack(e, 2);
	return e;
}

static int setup(void **state)
{
	seq_map_init(&map, 0, 4000);
	seq_map_learn_isn(&map, 0, ISN);
	seq_map_learn_ts(&map, 0, TS_OFF);
	return 0;
}

/* Compare expected e with the live packet built from l; returns the
 * mismatch text ("" when they agree). */
static const char *cmp(struct packet *e, struct packet *l, unsigned flags)
{
	static struct packet_mismatch mm;
	struct live_packet lp;
	int rc;

	make_live(l, &lp);
	rc = packet_compare(e, &lp, &map, flags, &mm);
	live_packet_free(&lp);
	assert_int_equal(rc, mm.text[0] ? 1 : 0);
	return rc ? mm.text : "";
}

static void test_match(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_FIN | TCPF_ACK, 0), *l = live_fin_ack(TCPF_FIN | TCPF_ACK, 0);

	assert_string_equal(cmp(e, l, 0), "");
	tp_free(e);
	tp_free(l);
}

static void test_each_flag(void **state)
{
	static const struct { uint16_t bit; const char *name; } flags[] = {
		{ TCPF_FIN, "tcp_fin" }, { TCPF_SYN, "tcp_syn" }, { TCPF_RST, "tcp_rst" },
		{ TCPF_PSH, "tcp_psh" }, { TCPF_URG, "tcp_urg" }, { TCPF_ECE, "tcp_ece" },
		{ TCPF_CWR, "tcp_cwr" },
	};
	size_t i;
	char want[160];

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct packet *e = expected_fin_ack(TCPF_ACK | flags[i].bit, 0);
		struct packet *l = live_fin_ack(TCPF_ACK, 0);

		snprintf(want, sizeof(want), "live packet field %s: expected: 1 (0x1) vs actual: 0 (0x0)",
			 flags[i].name);
		assert_string_equal(cmp(e, l, 0), want);
		tp_free(e);
		tp_free(l);
	}
	{
		struct packet *e = expected_fin_ack(TCPF_ACK, 0), *l = live_fin_ack(TCPF_ACK, 0);

		e->u.tcp.flags = TCPF_FIN; /* no ACK expected */
		e->u.tcp.has_ack = false;
		assert_string_equal(cmp(e, l, 0), "live packet field tcp_fin: expected: 1 (0x1) vs actual: 0 (0x0)");
		e->u.tcp.flags = 0;
		assert_string_equal(cmp(e, l, 0), "live packet field tcp_ack: expected: 0 (0x0) vs actual: 1 (0x1)");
		tp_free(e);
		tp_free(l);
	}
}

static void test_seq_ack_window_urg(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_ACK, 0), *l = live_fin_ack(TCPF_ACK, 0);

	e->u.tcp.seq_start = e->u.tcp.seq_end = 2;
	assert_string_equal(cmp(e, l, 0), "live packet field tcp_seq: expected: 2 (0x2) vs actual: 1 (0x1)");
	assert_string_equal(cmp(e, l, PKT_CMP_NO_SEQ), "");
	e->u.tcp.seq_start = e->u.tcp.seq_end = 1;
	e->u.tcp.ack = 1001;
	assert_string_equal(cmp(e, l, 0), "live packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 2 (0x2)");
	e->u.tcp.has_ack = false; /* ack not given: not checked */
	assert_string_equal(cmp(e, l, 0), "");
	tp_win(e, 256);
	assert_string_equal(cmp(e, l, 0), "live packet field tcp_window: expected: 256 (0x100) vs actual: 257 (0x101)");
	e->u.tcp.win = 257;
	e->u.tcp.has_urg = true;
	e->u.tcp.urg = 3;
	assert_string_equal(cmp(e, l, 0), "live packet field tcp_urg_ptr: expected: 3 (0x3) vs actual: 0 (0x0)");
	e->u.tcp.has_urg = false;
	e->u.tcp.seq_any = true;
	e->u.tcp.seq_start = 77;
	e->u.tcp.payload_len = 5;
	assert_string_equal(cmp(e, l, 0), ""); /* ... : neither seq nor length */
	tp_free(e);
	tp_free(l);
}

static void test_payload_length(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_ACK, 1000), *l = live_fin_ack(TCPF_ACK, 500);

	assert_string_equal(cmp(e, l, 0), "live packet payload: expected 1000 bytes vs actual 500 bytes");
	tp_free(e);
	tp_free(l);
}

static void test_options(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_ACK, 0), *l = live_fin_ack(TCPF_ACK, 0);
	struct packet_mismatch mm;
	struct live_packet lp;

	/* Not written: not checked; <...>: not checked. */
	assert_string_equal(cmp(e, l, 0), "");
	tp_opt(e, OPT_NOP);
	e->u.tcp.options->any = true;
	assert_string_equal(cmp(e, l, 0), "");
	e->u.tcp.options->any = false;
	/* Fewer option bytes: packetdrill sees the IP length first. */
	assert_string_equal(cmp(e, l, 0), "live packet field ipv4_total_length: expected: 41 (0x29) vs actual: 52 (0x34)");
	tp_opt(e, OPT_NOP);
	tp_opt_ts(e, 100, 200);
	assert_string_equal(cmp(e, l, 0), "");
	e->u.tcp.options->items[2].u.ts.ecr = 201;
	assert_string_equal(cmp(e, l, 0),
			    "bad value in outbound TCP option (kind=8): expected: TS val 100 ecr 201 actual: TS val 100 ecr 200");
	e->u.tcp.options->items[2].u.ts.ecr = 200;
	/* TS val only checked with the flag, then mapped by the offset. */
	e->u.tcp.options->items[2].u.ts.val = 150;
	assert_string_equal(cmp(e, l, 0), "");
	assert_string_equal(cmp(e, l, PKT_CMP_TS_VAL),
			    "bad value in outbound TCP option (kind=8): expected: TS val 150 ecr 200 actual: TS val 100 ecr 200");
	e->u.tcp.options->items[2].u.ts.val = 101; /* within the slack */
	assert_string_equal(cmp(e, l, PKT_CMP_TS_VAL), "");
	/* Same length, other kinds. */
	e->u.tcp.options->items[0].kind = OPT_EOL;
	make_live(l, &lp);
	assert_int_equal(packet_compare(e, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_options");
	assert_non_null(strstr(mm.text, "bad outbound TCP options"));
	live_packet_free(&lp);
	tp_free(e);
	tp_free(l);
}

static void test_option_values(void **state)
{
	const struct sack_block a[] = { { 1, 101 } }, b[] = { { 1, 201 } };
	uint8_t c1[8] = { 0, 0xab, 0xaa, 0xab, 0xe8, 0xe9, 0x54, 0xc2 }, c2[8] = { 0xf4, 0x9b, 0x0e, 0xf9, 0x89, 0xd9, 0xf6, 0x24 };
	struct packet *e = tp_tcp(DIR_OUTBOUND, TCPF_SYN | TCPF_ACK, 0, 0);
	struct packet *l = tp_tcp(DIR_INBOUND, TCPF_SYN | TCPF_ACK, ISN, 0);
	struct tcp_option *o;

	tp_opt(e, OPT_MSS)->u.mss = 1460;
	tp_opt(l, OPT_MSS)->u.mss = 1400;
	assert_string_equal(cmp(e, l, 0), "bad value in outbound TCP option (kind=2): expected: mss 1460 actual: mss 1400");
	e->u.tcp.options->items[0].u.mss = 1400;
	tp_opt(e, OPT_NOP); tp_opt(l, OPT_NOP);
	tp_opt(e, OPT_WSCALE)->u.wscale = 7;
	tp_opt(l, OPT_WSCALE)->u.wscale = 8;
	assert_string_equal(cmp(e, l, 0), "bad value in outbound TCP option (kind=3): expected: wscale 7 actual: wscale 8");
	l->u.tcp.options->items[2].u.wscale = 7;
	tp_opt(e, OPT_NOP); tp_opt(l, OPT_NOP);
	tp_opt(e, OPT_NOP); tp_opt(l, OPT_NOP);
	/* An outbound SACK names the remote's bytes: compared unmapped. */
	tp_opt_sack(e, a, 1);
	tp_opt_sack(l, b, 1);
	assert_string_equal(cmp(e, l, 0), "bad value in outbound TCP option (kind=5): expected: sack 1:101 actual: sack 1:201");
	l->u.tcp.options->items[5].u.sack.blocks[0].right = 101;
	assert_string_equal(cmp(e, l, 0), "");
	tp_opt(e, OPT_NOP); tp_opt(l, OPT_NOP);
	tp_opt(e, OPT_NOP); tp_opt(l, OPT_NOP);
	o = tp_opt(e, OPT_FASTOPEN);
	o->u.cookie.bytes = c1; o->u.cookie.len = 8; o->u.cookie.has_cookie = true;
	o = tp_opt(l, OPT_FASTOPEN);
	o->u.cookie.bytes = c2; o->u.cookie.len = 8; o->u.cookie.has_cookie = true;
	assert_string_equal(cmp(e, l, 0),
			    "bad value in outbound TCP option (kind=34): expected: FO 00abaaabe8e954c2 actual: FO f49b0ef989d9f624");
	tp_free(e);
	tp_free(l);
}

static void test_ip_fields(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_ACK, 0), *l = live_fin_ack(TCPF_ACK, 0);

	e->ecn = ECN_ECT0;
	assert_string_equal(cmp(e, l, 0), "live packet field ipv4_ecn: expected: 2 (0x2) vs actual: 0 (0x0)");
	l->ecn = ECN_ECT1;
	e->ecn = ECN_ECT01;
	assert_string_equal(cmp(e, l, 0), "");
	e->ecn = ECN_UNSPECIFIED;
	e->has_ttl = true; e->ttl = 32;
	assert_string_equal(cmp(e, l, 0), "live packet field ipv4_ttl: expected: 32 (0x20) vs actual: 64 (0x40)");
	e->has_ttl = false;
	e->has_tos = true; e->tos = 0x10;
	assert_string_equal(cmp(e, l, 0), "live packet field ipv4_tos: expected: 16 (0x10) vs actual: 0 (0x0)");
	e->has_tos = false;
	e->kind = PKT_UDP;
	assert_string_equal(cmp(e, l, 0), "live packet field ip_protocol: expected: 17 (0x11) vs actual: 6 (0x6)");
	e->kind = PKT_TCP;
	tp_free(e);
	tp_free(l);
}

/* The front bytes of a longer live segment (offload) match a shorter
 * expected one; the rest is the run loop's to keep. */
static void test_front_of_super_segment(void **state)
{
	struct packet *l = live_fin_ack(TCPF_PSH | TCPF_ACK, 3000);
	struct packet *e = expected_fin_ack(TCPF_ACK, 1000);
	struct live_packet lp;
	struct packet_mismatch mm;

	make_live(l, &lp);
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 0);
	/* PSH is not checked on the front piece. */
	e->u.tcp.flags = TCPF_PSH | TCPF_ACK;
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 0);
	/* The expected start must be the live start. */
	e->u.tcp.seq_start = 1001;
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_seq");
	e->u.tcp.seq_start = 1;
	/* A FIN cannot be on a piece that has bytes after it. */
	e->u.tcp.flags = TCPF_FIN | TCPF_ACK;
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_fin");
	/* Other fields are still checked (the ack here). */
	e->u.tcp.flags = TCPF_ACK;
	tp_ack(e, 3);
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_ack_seq");
	tp_free(e);
	/* Not longer than expected: nothing to split. */
	e = expected_fin_ack(TCPF_ACK, 3000);
	assert_int_equal(packet_compare_front(e, &lp, &map, 0, &mm), 1);
	live_packet_free(&lp);
	tp_free(e);
	tp_free(l);
}

/* Live segments that join up to one expected packet. */
static void test_joined_run(void **state)
{
	struct packet *e = expected_fin_ack(TCPF_PSH | TCPF_ACK, 3000);
	struct packet *p[3];
	struct live_packet lp[3];
	const struct live_packet *run[3] = { &lp[0], &lp[1], &lp[2] };
	struct packet_mismatch mm;
	size_t i;

	for (i = 0; i < 3; i++) {
		p[i] = live_fin_ack(i == 2 ? TCPF_PSH | TCPF_ACK : TCPF_ACK, 1000);
		p[i]->u.tcp.seq_start = ISN + 1 + 1000 * (uint32_t)i;
		make_live(p[i], &lp[i]);
	}
	assert_int_equal(packet_compare_run(e, run, 3, &map, 0, &mm), 0);
	/* One or two segments: a valid beginning, more bytes needed. */
	assert_int_equal(packet_compare_run(e, run, 1, &map, 0, &mm), 2);
	assert_string_equal(mm.text, "live packet payload: expected 3000 bytes vs actual 1000 bytes so far");
	assert_int_equal(packet_compare_run(e, run, 2, &map, 0, &mm), 2);
	/* packet_compare alone sees the short payload. */
	assert_int_equal(packet_compare(e, run[0], &map, 0, &mm), 1);
	assert_string_equal(mm.text, "live packet payload: expected 3000 bytes vs actual 1000 bytes");
	/* Too many bytes. */
	{
		const struct live_packet *four[4] = { &lp[0], &lp[1], &lp[2], &lp[2] };

		assert_int_equal(packet_compare_run(e, four, 4, &map, 0, &mm), 1);
		assert_string_equal(mm.field, "payload");
	}
	/* A gap in the sequence. */
	run[1] = &lp[2];
	run[2] = &lp[1];
	assert_int_equal(packet_compare_run(e, run, 3, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_seq");
	/* The completing piece must carry PSH. */
	run[0] = &lp[0]; run[1] = &lp[1]; run[2] = &lp[0];
	run[2] = &lp[1];
	{
		struct live_packet nopsh;

		p[2]->u.tcp.flags = TCPF_ACK;
		make_live(p[2], &nopsh);
		run[2] = &nopsh;
		assert_int_equal(packet_compare_run(e, run, 3, &map, 0, &mm), 1);
		assert_string_equal(mm.field, "tcp_psh");
		live_packet_free(&nopsh);
	}
	for (i = 0; i < 3; i++)
		live_packet_free(&lp[i]);
	for (i = 0; i < 3; i++) {
		p[i]->u.tcp.flags = i == 1 ? TCPF_FIN | TCPF_ACK : TCPF_ACK;
		make_live(p[i], &lp[i]);
	}
	run[0] = &lp[0]; run[1] = &lp[1]; run[2] = &lp[2];
	assert_int_equal(packet_compare_run(e, run, 3, &map, 0, &mm), 1);
	assert_string_equal(mm.field, "tcp_fin"); /* FIN on a middle piece */
	for (i = 0; i < 3; i++) {
		live_packet_free(&lp[i]);
		tp_free(p[i]);
	}
	tp_free(e);
}

static void test_learn_mapping(void **state)
{
	struct seq_map m;
	struct packet *e = tp_tcp(DIR_OUTBOUND, TCPF_SYN | TCPF_ACK, 0, 0);
	struct packet *l = tp_tcp(DIR_INBOUND, TCPF_SYN | TCPF_ACK, 0xfffffff0u, 0);
	struct live_packet lp;

	tp_opt_ts(e, 50, 0);
	tp_opt(e, OPT_NOP); tp_opt(e, OPT_NOP);
	tp_opt_ts(l, 1050, 0);
	tp_opt(l, OPT_NOP); tp_opt(l, OPT_NOP);
	make_live(l, &lp);
	seq_map_init(&m, 0, 4000);
	packet_learn_mapping(&m, e, &lp);
	assert_true(m.local_isn_known);
	assert_int_equal(m.local_isn, 0xfffffff0u);
	assert_true(m.ts_known);
	assert_int_equal(m.ts_offset, 1000);
	live_packet_free(&lp);
	tp_free(e);
	tp_free(l);
}

static void test_format(void **state)
{
	struct packet *l = live_fin_ack(TCPF_FIN | TCPF_ACK, 0);
	struct live_packet lp;
	char out[256];
	const struct sack_block blk[] = { { ISN + 1, ISN + 11 } };

	make_live(l, &lp);
	packet_format(&lp, DIR_OUTBOUND, &map, false, out, sizeof(out));
	assert_string_equal(out, "F. 1:1(0) ack 2 win 257 <nop,nop,TS val 100 ecr 200>");
	packet_format(&lp, DIR_OUTBOUND, &map, true, out, sizeof(out));
	assert_string_equal(out, "192.0.2.1:40000 > 192.168.0.1:8080 F. 1:1(0) ack 2 win 257 <nop,nop,TS val 100 ecr 200>");
	assert_int_equal(packet_format(&lp, DIR_OUTBOUND, &map, false, out, 8), 7);
	assert_string_equal(out, "F. 1:1(");
	live_packet_free(&lp);
	tp_free(l);

	/* Inbound: the ack, ecr and SACK name the target's numbers. */
	l = tp_tcp(DIR_INBOUND, TCPF_ACK, 1, 100);
	tp_ack(l, ISN + 1);
	tp_win(l, 1000);
	tp_opt(l, OPT_NOP); tp_opt(l, OPT_NOP);
	tp_opt_sack(l, blk, 1);
	make_live(l, &lp);
	packet_format(&lp, DIR_INBOUND, &map, false, out, sizeof(out));
	assert_string_equal(out, ". 1:101(100) ack 1 win 1000 <nop,nop,sack 1:11>");
	live_packet_free(&lp);
	tp_free(l);
}

/* From-local test in each mode, and the option printer. */
static void test_from_local_and_options_text(void **state)
{
	static const enum vwire_ip_mode modes[] = { VWIRE_IPV4, VWIRE_IPV6, VWIRE_IPV4_MAPPED_IPV6 };
	struct tcp_option opts[3];
	char out[128];
	size_t i;

	for (i = 0; i < 3; i++) {
		struct packet_ctx ctx, rev;
		struct packet *p = tp_tcp(DIR_INBOUND, TCPF_ACK, 1, 0);
		struct live_packet lp;
		uint8_t b[128];
		size_t len;

		tp_ctx(&ctx, modes[i]);
		/* Swap the hosts so the built packet goes local -> remote. */
		rev = ctx;
		memcpy(rev.local_addr, ctx.remote_addr, 16);
		memcpy(rev.remote_addr, ctx.local_addr, 16);
		assert_int_equal(packet_build(p, &rev, NULL, b, sizeof(b), &len, err, sizeof(err)), 0);
		assert_int_equal(packet_parse(b, len, &lp, err, sizeof(err)), 0);
		assert_true(packet_is_from_local(&lp, &ctx));
		assert_false(packet_is_from_local(&lp, &rev));
		live_packet_free(&lp);
		tp_free(p);
	}
	memset(opts, 0, sizeof(opts));
	opts[0].kind = OPT_MSS; opts[0].u.mss = 1460;
	opts[1].kind = OPT_NOP;
	opts[2].kind = OPT_WSCALE; opts[2].u.wscale = 7;
	packet_format_options(opts, 3, out, sizeof(out));
	assert_string_equal(out, "<mss 1460,nop,wscale 7>");
}

/* UDP and ICMP expectations. */
static void test_udp_icmp(void **state)
{
	struct packet_ctx ctx;
	struct packet u = { .dir = DIR_INBOUND, .kind = PKT_UDP };
	struct packet ic = { .dir = DIR_INBOUND, .kind = PKT_ICMP };
	struct packet_mismatch mm;
	struct live_packet lp;
	uint8_t b[256];
	size_t len;
	char out[128];

	tp_ctx(&ctx, VWIRE_IPV4);
	u.u.udp.payload_len = 10;
	assert_int_equal(packet_build(&u, &ctx, NULL, b, sizeof(b), &len, err, sizeof(err)), 0);
	assert_int_equal(packet_parse(b, len, &lp, err, sizeof(err)), 0);
	u.dir = DIR_OUTBOUND;
	assert_int_equal(packet_compare(&u, &lp, &map, 0, &mm), 0);
	u.u.udp.payload_len = 11;
	assert_int_equal(packet_compare(&u, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.text, "live packet payload: expected 11 bytes vs actual 10 bytes");
	packet_format(&lp, DIR_OUTBOUND, &map, false, out, sizeof(out));
	assert_string_equal(out, "udp (10)");
	live_packet_free(&lp);

	ic.u.icmp.type_name = "unreachable";
	ic.u.icmp.code_name = "port_unreachable";
	ic.u.icmp.has_quote = true;
	ic.u.icmp.quote_proto = IPPROTO_UDP;
	ic.u.icmp.quote_len = 10;
	assert_int_equal(packet_build(&ic, &ctx, NULL, b, sizeof(b), &len, err, sizeof(err)), 0);
	assert_int_equal(packet_parse(b, len, &lp, err, sizeof(err)), 0);
	assert_int_equal(lp.payload[9], IPPROTO_UDP); /* the quoted header's protocol */
	assert_int_equal(lp.payload[24] << 8 | lp.payload[25], 18); /* quoted UDP length */
	ic.dir = DIR_OUTBOUND;
	ic.u.icmp.type_name = NULL;
	ic.u.icmp.type = 3;
	ic.u.icmp.code = 3;
	assert_int_equal(packet_compare(&ic, &lp, &map, 0, &mm), 0);
	ic.u.icmp.code = 1;
	assert_int_equal(packet_compare(&ic, &lp, &map, 0, &mm), 1);
	assert_string_equal(mm.text, "live packet field icmp_code: expected: 1 (0x1) vs actual: 3 (0x3)");
	packet_format(&lp, DIR_OUTBOUND, &map, false, out, sizeof(out));
	assert_string_equal(out, "icmp type 3 code 3");
	live_packet_free(&lp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_match, setup),
		cmocka_unit_test_setup(test_each_flag, setup),
		cmocka_unit_test_setup(test_seq_ack_window_urg, setup),
		cmocka_unit_test_setup(test_payload_length, setup),
		cmocka_unit_test_setup(test_options, setup),
		cmocka_unit_test_setup(test_option_values, setup),
		cmocka_unit_test_setup(test_ip_fields, setup),
		cmocka_unit_test_setup(test_joined_run, setup),
		cmocka_unit_test_setup(test_front_of_super_segment, setup),
		cmocka_unit_test_setup(test_learn_mapping, setup),
		cmocka_unit_test_setup(test_format, setup),
		cmocka_unit_test_setup(test_from_local_and_options_text, setup),
		cmocka_unit_test_setup(test_udp_icmp, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
