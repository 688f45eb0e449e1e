/* Building inbound packets: exact bytes, every option's encoding, and
 * build -> parse round trips for TCP, UDP and ICMP in IPv4, IPv6 and
 * IPv4-mapped-IPv6 mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>

#include "checksum.h"
#include "packet.h"
#include "ast_build.h"
#include "packet_test_util.h"

static uint8_t buf[PACKET_MAX_BYTES];
static char err[PACKET_ERR_LEN];

static size_t build_ok(const struct packet *p, struct packet_ctx *ctx,
		       const struct seq_map *m)
{
	size_t len = 0;
	int rc = packet_build(p, ctx, m, buf, sizeof(buf), &len, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "build error: %s\n", err);
	assert_int_equal(rc, 0);
	return len;
}

static void parse_ok(size_t len, struct live_packet *lp)
{
	int rc = packet_parse(buf, len, lp, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "parse error: %s\n", err);
	assert_int_equal(rc, 0);
}

static void test_tcp_syn_v4_bytes(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	struct live_packet lp;
	const uint8_t want_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 100,
				      0, 0, 0, 0, 1, 3, 3, 7 };
	size_t len;

	tp_ctx(&ctx, VWIRE_IPV4);
	tp_win(p, 32792);
	tp_opt(p, OPT_MSS)->u.mss = 1460;
	tp_opt(p, OPT_SACK_PERMITTED);
	tp_opt_ts(p, 100, 0);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_WSCALE)->u.wscale = 7;
	len = build_ok(p, &ctx, NULL);
	assert_int_equal(len, 20 + 20 + 20);
	assert_int_equal(buf[0], 0x45);
	assert_int_equal(buf[6], 0x40);  /* DF */
	assert_int_equal(buf[8], 64);    /* TTL */
	assert_int_equal(buf[9], IPPROTO_TCP);
	assert_int_equal(csum_buffer(buf, 20), 0);
	assert_memory_equal(buf + 12, "\xc0\x00\x02\x01", 4); /* remote -> local */
	assert_memory_equal(buf + 16, "\xc0\xa8\x00\x01", 4);
	assert_int_equal(buf[20] << 8 | buf[21], 40000);
	assert_int_equal(buf[22] << 8 | buf[23], 8080);
	assert_int_equal(buf[32] >> 4, 10); /* data offset */
	assert_int_equal(buf[33], TCPF_SYN);
	assert_memory_equal(buf + 40, want_opts, sizeof(want_opts));
	assert_int_equal(csum_l4_v4(buf + 12, buf + 16, IPPROTO_TCP, buf + 20, len - 20), 0);

	parse_ok(len, &lp);
	assert_int_equal(lp.ip_version, 4);
	assert_int_equal(lp.flags, TCPF_SYN);
	assert_int_equal(lp.window, 32792);
	assert_int_equal(lp.option_count, 5);
	assert_int_equal(lp.options[0].kind, OPT_MSS);
	assert_int_equal(lp.options[0].u.mss, 1460);
	assert_int_equal(lp.options[2].kind, OPT_TIMESTAMP);
	assert_int_equal(lp.options[2].u.ts.val, 100);
	assert_int_equal(lp.options[4].u.wscale, 7);
	assert_true(lp.df);
	live_packet_free(&lp);
	tp_free(p);
}

static void test_inbound_mapping(void **state)
{
	struct packet_ctx ctx;
	struct seq_map m;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_ACK, 1, 1000);
	const struct sack_block blocks[] = { { 1001, 2001 } };
	struct live_packet lp;

	tp_ctx(&ctx, VWIRE_IPV4);
	seq_map_init(&m, 0, 4000);
	seq_map_learn_isn(&m, 0, 0xfffffff0u);
	seq_map_learn_ts(&m, 0, 5000);
	tp_ack(p, 1);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_NOP);
	tp_opt_ts(p, 700, 10);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_NOP);
	tp_opt_sack(p, blocks, 1);
	parse_ok(build_ok(p, &ctx, &m), &lp);
	assert_int_equal(lp.seq, 1);              /* remote's own */
	assert_int_equal(lp.ack, 0xfffffff1u);    /* 1 + ISN, wrapped */
	assert_int_equal(lp.payload_len, 1000);
	assert_int_equal(lp.options[2].u.ts.val, 700);
	assert_int_equal(lp.options[2].u.ts.ecr, 5010);
	assert_int_equal(lp.options[5].u.sack.blocks[0].left, 1001 + 0xfffffff0u);
	assert_int_equal(lp.options[5].u.sack.blocks[0].right, 2001 + 0xfffffff0u);
	assert_int_equal(lp.window, 65535); /* win not given */
	live_packet_free(&lp);
	tp_free(p);
}

static void test_every_option_encoding(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	struct tcp_option *o;
	uint8_t cookie[4] = { 0xde, 0xad, 0xbe, 0xef }, gdata[2] = { 0xab, 0xcd };
	const struct sack_block blocks[] = { { 1, 2 }, { 3, 4 } };
	const uint8_t want_a[] = {
		34, 6, 0xde, 0xad, 0xbe, 0xef,         /* FO cookie */
		254, 8, 0xf9, 0x89, 0xde, 0xad, 0xbe, 0xef, /* exp FO */
		4, 2, 1, 1, 1, 0,                      /* sackOK nop nop nop eol */
	};
	const uint8_t want_b[] = {
		5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, /* sack */
		19, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		99, 4, 0xab, 0xcd,                     /* generic */
	};
	uint8_t md5[16];
	size_t i, len;

	for (i = 0; i < 16; i++)
		md5[i] = (uint8_t)(i + 1);
	tp_ctx(&ctx, VWIRE_IPV4);
	o = tp_opt(p, OPT_FASTOPEN);
	o->u.cookie.bytes = cookie; o->u.cookie.len = 4; o->u.cookie.has_cookie = true;
	o = tp_opt(p, OPT_EXP_FASTOPEN);
	o->u.cookie.bytes = cookie; o->u.cookie.len = 4; o->u.cookie.has_cookie = true;
	tp_opt(p, OPT_SACK_PERMITTED);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_NOP);
	tp_opt(p, OPT_EOL);
	len = build_ok(p, &ctx, NULL);
	assert_int_equal(len, 40 + sizeof(want_a));
	assert_memory_equal(buf + 40, want_a, sizeof(want_a));
	tp_free(p);

	p = tp_tcp(DIR_INBOUND, TCPF_ACK, 0, 0);
	tp_opt_sack(p, blocks, 2);
	o = tp_opt(p, OPT_MD5);
	o->u.md5.bytes = md5; o->u.md5.len = 16;
	o = tp_opt(p, OPT_GENERIC);
	o->u.generic.kind = 99; o->u.generic.length = -1;
	o->u.generic.data = gdata; o->u.generic.data_len = 2;
	len = build_ok(p, &ctx, NULL);
	assert_int_equal(len, 40 + sizeof(want_b));
	assert_memory_equal(buf + 40, want_b, sizeof(want_b));
	{
		struct live_packet lp;

		parse_ok(len, &lp);
		assert_int_equal(lp.option_count, 3);
		assert_int_equal(lp.options[0].kind, OPT_SACK);
		assert_int_equal(lp.options[0].u.sack.count, 2);
		assert_int_equal(lp.options[0].u.sack.blocks[1].right, 4);
		assert_int_equal(lp.options[1].kind, OPT_MD5);
		assert_int_equal(lp.options[2].kind, OPT_GENERIC);
		assert_int_equal(lp.options[2].u.generic.kind, 99);
		assert_int_equal(lp.options[2].u.generic.data[1], 0xcd);
		live_packet_free(&lp);
	}
	tp_free(p);
}

static void test_tcp_v6_round_trip(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_PSH | TCPF_ACK, 1, 10);
	struct live_packet lp;
	size_t len;

	tp_ctx(&ctx, VWIRE_IPV6);
	tp_ack(p, 1);
	p->has_flowlabel = true; p->flowlabel = 0x12345;
	p->has_ttl = true; p->ttl = 9;
	p->has_tos = true; p->tos = 0x20;
	p->ecn = ECN_CE;
	len = build_ok(p, &ctx, NULL);
	assert_int_equal(len, 40 + 20 + 10);
	assert_int_equal(buf[0] >> 4, 6);
	parse_ok(len, &lp);
	assert_int_equal(lp.ip_version, 6);
	assert_int_equal(lp.flowlabel, 0x12345);
	assert_int_equal(lp.ttl, 9);
	assert_int_equal(lp.tos, 0x23);
	assert_int_equal(lp.flags, TCPF_PSH | TCPF_ACK);
	assert_int_equal(lp.payload_len, 10);
	assert_int_equal(lp.src_port, 40000);
	live_packet_free(&lp);
	tp_free(p);
}

static void test_mapped_mode_is_ipv4(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	struct live_packet lp;

	tp_ctx(&ctx, VWIRE_IPV4_MAPPED_IPV6);
	assert_int_equal(ctx.wire_version, 4);
	p->ecn = ECN_ECT0;
	parse_ok(build_ok(p, &ctx, NULL), &lp);
	assert_int_equal(lp.ip_version, 4);
	assert_memory_equal(lp.dst, "\xc0\xa8\x00\x01", 4);
	assert_int_equal(lp.tos & 3, 2);
	assert_true(packet_is_from_local(&lp, &ctx) == false); /* it is remote -> local */
	live_packet_free(&lp);
	tp_free(p);
}

static void test_udp_round_trips(void **state)
{
	static const enum vwire_ip_mode modes[] = { VWIRE_IPV4, VWIRE_IPV6, VWIRE_IPV4_MAPPED_IPV6 };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct packet_ctx ctx;
		struct packet p = { .dir = DIR_INBOUND, .kind = PKT_UDP };
		struct live_packet lp;

		p.u.udp.payload_len = 33;
		tp_ctx(&ctx, modes[i]);
		parse_ok(build_ok(&p, &ctx, NULL), &lp);
		assert_int_equal(lp.protocol, IPPROTO_UDP);
		assert_int_equal(lp.ip_version, modes[i] == VWIRE_IPV6 ? 6 : 4);
		assert_int_equal(lp.payload_len, 33);
		assert_int_equal(lp.dst_port, 8080);
		live_packet_free(&lp);
	}
}

static void test_icmp_v4_frag_needed(void **state)
{
	struct packet_ctx ctx;
	struct seq_map m;
	struct packet p = { .dir = DIR_INBOUND, .kind = PKT_ICMP };
	struct live_packet lp;
	const uint8_t *q;

	tp_ctx(&ctx, VWIRE_IPV4);
	seq_map_init(&m, 0, 4000);
	seq_map_learn_isn(&m, 0, 1000);
	p.u.icmp.type_name = "unreachable";
	p.u.icmp.code_name = "frag_needed";
	p.u.icmp.has_mtu = true; p.u.icmp.mtu = 1200;
	p.u.icmp.has_quote = true; p.u.icmp.quote_proto = IPPROTO_TCP;
	p.u.icmp.quote_start = 1; p.u.icmp.quote_end = 1461; p.u.icmp.quote_len = 1460;
	parse_ok(build_ok(&p, &ctx, &m), &lp);
	assert_int_equal(lp.protocol, IPPROTO_ICMP);
	assert_int_equal(lp.icmp_type, 3);
	assert_int_equal(lp.icmp_code, 4);
	assert_int_equal(lp.icmp_rest & 0xffff, 1200);
	q = lp.payload; /* the quoted packet: local -> remote */
	assert_int_equal(q[0], 0x45);
	assert_int_equal(q[2] << 8 | q[3], 20 + 20 + 1460);
	assert_memory_equal(q + 12, "\xc0\xa8\x00\x01", 4);
	assert_int_equal(csum_buffer(q, 20), 0);
	assert_int_equal(q[20] << 8 | q[21], 8080);
	assert_int_equal((uint32_t)q[24] << 24 | q[25] << 16 | q[26] << 8 | q[27], 1001);
	live_packet_free(&lp);
}

static void test_icmp_v6_packet_too_big(void **state)
{
	struct packet_ctx ctx;
	struct packet p = { .dir = DIR_INBOUND, .kind = PKT_ICMP };
	struct live_packet lp;

	tp_ctx(&ctx, VWIRE_IPV6);
	p.u.icmp.type_name = "unreachable";
	p.u.icmp.code_name = "frag_needed";
	p.u.icmp.has_mtu = true; p.u.icmp.mtu = 1280;
	parse_ok(build_ok(&p, &ctx, NULL), &lp);
	assert_int_equal(lp.protocol, IPPROTO_ICMPV6);
	assert_int_equal(lp.icmp_type, 2);
	assert_int_equal(lp.icmp_code, 0);
	assert_int_equal(lp.icmp_rest, 1280);
	assert_int_equal(lp.payload[0] >> 4, 6);
	live_packet_free(&lp);

	p.u.icmp.code_name = "port_unreachable";
	p.u.icmp.has_mtu = false;
	parse_ok(build_ok(&p, &ctx, NULL), &lp);
	assert_int_equal(lp.icmp_type, 1);
	assert_int_equal(lp.icmp_code, 4);
	live_packet_free(&lp);
}

static void test_build_errors(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	size_t len, i;
	struct encapsulation enc = { .kind = ENCAP_GRE };
	struct packet icmp = { .dir = DIR_INBOUND, .kind = PKT_ICMP };

	tp_ctx(&ctx, VWIRE_IPV4);
	tp_opt(p, OPT_WSCALE)->u.wscale = 7; /* 3 bytes: not a multiple of 4 */
	assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "multiple of 4"));
	for (i = 0; i < 12; i++)
		tp_opt(p, OPT_MSS)->u.mss = 1;
	assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "40 bytes"));
	tp_free(p);

	p = tp_tcp(DIR_OUTBOUND, TCPF_SYN, 0, 0);
	assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	p->dir = DIR_INBOUND;
	p->u.tcp.seq_any = true;
	assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	p->u.tcp.seq_any = false;
	assert_int_equal(packet_build(p, &ctx, NULL, buf, 30, &len, err, sizeof(err)), -1);
	{
		struct encapsulation two[2] = { { .kind = ENCAP_GRE }, { .kind = ENCAP_GRE } };

		p->encaps = two; p->encap_count = 2;
		assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "GRE inside"));
		(void)enc;
	}
	p->encaps = NULL; p->encap_count = 0;
	p->has_flowlabel = true;
	assert_int_equal(packet_build(p, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	tp_free(p);

	icmp.u.icmp.type_name = "bogus_type";
	assert_int_equal(packet_build(&icmp, &ctx, NULL, buf, sizeof(buf), &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bogus_type"));
	assert_int_equal(packet_ctx_init(&ctx, VWIRE_IPV4, "1.2.3", "1.2.3.4", 1, 2, 1500, err, sizeof(err)), -1);
	assert_int_equal(packet_ctx_init(&ctx, VWIRE_IPV6, "1.2.3.4", "::1", 1, 2, 1500, err, sizeof(err)), -1);
}

static void test_explicit_ip_header_and_ip_id(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_RST, 5, 0);
	struct ip_header_spec ip = { 4, "10.0.0.1", "10.0.0.2" };
	struct live_packet lp;
	uint16_t id;

	tp_ctx(&ctx, VWIRE_IPV4);
	id = ctx.next_ip_id;
	p->ip = &ip;
	parse_ok(build_ok(p, &ctx, NULL), &lp);
	assert_memory_equal(lp.src, "\x0a\x00\x00\x01", 4);
	assert_int_equal(lp.ip_id, id);
	live_packet_free(&lp);
	parse_ok(build_ok(p, &ctx, NULL), &lp);
	assert_int_equal(lp.ip_id, (uint16_t)(id + 1));
	live_packet_free(&lp);
	p->ip = NULL;
	tp_free(p);
}

/* GRE (with a key and a checksum) carrying MPLS carrying the packet. */
static void test_gre_mpls(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_SYN, 0, 0);
	struct encapsulation enc[2];
	struct mpls_label label = { 100, 5, 32, true };
	struct ip_header_spec outer = { 4, "10.0.0.1", "10.0.0.2" };
	struct src_pos pos = { 1, 1 };
	struct expr *fields = expr_new_struct(pos);
	struct live_packet lp, in;
	size_t len;

	tp_ctx(&ctx, VWIRE_IPV4);
	struct_add_field(fields, xstrdup("key"), NULL, expr_new_int(0x1234, pos), pos);
	struct_add_field(fields, xstrdup("checksum"), NULL, NULL, pos);
	memset(enc, 0, sizeof(enc));
	enc[0].kind = ENCAP_GRE;
	enc[0].gre_fields = fields;
	enc[1].kind = ENCAP_MPLS;
	enc[1].labels = &label;
	enc[1].label_count = 1;
	p->encaps = enc;
	p->encap_count = 2;
	p->ip = &outer;
	len = build_ok(p, &ctx, NULL);
	assert_int_equal(len, 20 + 12 + 4 + 40);
	parse_ok(len, &lp);
	assert_int_equal(lp.protocol, 47);
	assert_memory_equal(lp.src, "\x0a\x00\x00\x01", 4);
	assert_int_equal(lp.payload[0] << 8 | lp.payload[1], 0xa000); /* C and K bits */
	assert_int_equal(lp.payload[2] << 8 | lp.payload[3], 0x8847);
	assert_int_equal(csum_buffer(lp.payload, lp.payload_len), 0);
	assert_memory_equal(lp.payload + 8, "\x00\x00\x12\x34", 4);
	/* label 100, tc 5, bottom, ttl 32 */
	assert_memory_equal(lp.payload + 12, "\x00\x06\x4b\x20", 4);
	assert_int_equal(packet_parse(lp.payload + 16, lp.payload_len - 16, &in, err, sizeof(err)), 0);
	assert_int_equal(in.protocol, IPPROTO_TCP);
	assert_int_equal(in.flags, TCPF_SYN);
	assert_memory_equal(in.src, "\xc0\x00\x02\x01", 4);
	live_packet_free(&in);
	live_packet_free(&lp);
	p->ip = NULL;
	p->encaps = NULL;
	p->encap_count = 0;
	expr_free(fields);
	tp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn_v4_bytes),
		cmocka_unit_test(test_inbound_mapping),
		cmocka_unit_test(test_every_option_encoding),
		cmocka_unit_test(test_tcp_v6_round_trip),
		cmocka_unit_test(test_mapped_mode_is_ipv4),
		cmocka_unit_test(test_udp_round_trips),
		cmocka_unit_test(test_icmp_v4_frag_needed),
		cmocka_unit_test(test_icmp_v6_packet_too_big),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_explicit_ip_header_and_ip_id),
		cmocka_unit_test(test_gre_mpls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
