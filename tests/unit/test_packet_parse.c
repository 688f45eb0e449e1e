/* Parsing malformed packets: every lie in a length field, bad options and
 * bad checksums give an error string, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>

#include "checksum.h"
#include "packet.h"
#include "packet_test_util.h"

static uint8_t pkt[256];
static size_t pkt_len;
static char err[PACKET_ERR_LEN];

/* A valid IPv4 TCP packet with 4 option bytes of room and 8 data bytes. */
static int setup_v4(void **state)
{
	struct packet_ctx ctx;
	struct packet *p = tp_tcp(DIR_INBOUND, TCPF_ACK, 1, 8);

	tp_ctx(&ctx, VWIRE_IPV4);
	tp_opt(p, OPT_MSS)->u.mss = 1000;
	if (packet_build(p, &ctx, NULL, pkt, sizeof(pkt), &pkt_len, err, sizeof(err)))
		return -1;
	tp_free(p);
	return 0;
}

/* Recompute both checksums after a test edits the bytes. */
static void fix_sums(void)
{
	size_t ihl = (size_t)(pkt[0] & 0xf) * 4, total = (size_t)(pkt[2] << 8 | pkt[3]);

	pkt[10] = pkt[11] = 0;
	pkt[10] = (uint8_t)(csum_buffer(pkt, ihl) >> 8);
	pkt[11] = (uint8_t)csum_buffer(pkt, ihl);
	pkt[ihl + 16] = pkt[ihl + 17] = 0;
	uint16_t s = csum_l4_v4(pkt + 12, pkt + 16, IPPROTO_TCP, pkt + ihl, total - ihl);
	pkt[ihl + 16] = (uint8_t)(s >> 8);
	pkt[ihl + 17] = (uint8_t)s;
}

static void expect_error(size_t len, const char *needle)
{
	struct live_packet lp;

	err[0] = 0;
	assert_int_equal(packet_parse(pkt, len, &lp, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
	assert_null(lp.bytes);
}

static void test_valid(void **state)
{
	struct live_packet lp, copy;

	assert_int_equal(packet_parse(pkt, pkt_len, &lp, err, sizeof(err)), 0);
	assert_int_equal(lp.payload_len, 8);
	assert_int_equal(lp.options[0].u.mss, 1000);
	assert_int_equal(live_packet_clone(&copy, &lp), 0);
	live_packet_free(&lp);
	assert_int_equal(copy.options[0].u.mss, 1000);
	assert_int_equal(copy.seq, 1);
	live_packet_free(&copy);
}

static void test_truncated(void **state)
{
	expect_error(0, "empty");
	expect_error(10, "IPv4 header truncated");
	expect_error(pkt_len - 1, "total length");
}

static void test_bad_version(void **state)
{
	pkt[0] = 0x55;
	expect_error(pkt_len, "IP version 5");
}

static void test_bad_ihl(void **state)
{
	pkt[0] = 0x44;
	expect_error(pkt_len, "header length 16");
	pkt[0] = 0x4f; /* 60 bytes, the packet has 52 */
	expect_error(pkt_len, "header length 60 beyond");
	pkt[0] = 0x46; /* 24 bytes, but total length says 20 */
	pkt[2] = 0; pkt[3] = 20;
	expect_error(pkt_len, "shorter than its header");
}

static void test_total_length_lies(void **state)
{
	pkt[2] = 0x01; pkt[3] = 0x00; /* 256 > the 52 bytes we have */
	fix_sums();
	expect_error(pkt_len, "total length 256 but only");
}

static void test_bad_ip_checksum(void **state)
{
	pkt[10] ^= 0xff;
	expect_error(pkt_len, "bad IPv4 header checksum");
}

static void test_fragment(void **state)
{
	pkt[6] = 0x20; /* MF */
	fix_sums();
	expect_error(pkt_len, "fragment");
}

static void test_data_offset(void **state)
{
	pkt[32] = 0x40; /* 16 bytes */
	fix_sums();
	expect_error(pkt_len, "data offset 16 bytes (< 20)");
	pkt[32] = 0xf0; /* 60 bytes, the segment has 32 */
	fix_sums();
	expect_error(pkt_len, "beyond the segment");
}

static void test_tcp_truncated(void **state)
{
	pkt[2] = 0; pkt[3] = 30; /* 10 bytes of TCP */
	fix_sums();
	expect_error(30, "TCP header truncated");
}

static void test_option_length_zero_one_overrun(void **state)
{
	pkt[41] = 0;
	fix_sums();
	expect_error(pkt_len, "length 0 (< 2)");
	pkt[41] = 1;
	fix_sums();
	expect_error(pkt_len, "length 1 (< 2)");
	pkt[40] = 99; pkt[41] = 5; /* 5 bytes in a 4-byte option area */
	fix_sums();
	expect_error(pkt_len, "overruns");
	pkt[40] = 1; pkt[41] = 1; pkt[42] = 1; pkt[43] = 8; /* TS kind at the last byte */
	fix_sums();
	expect_error(pkt_len, "no length byte");
	pkt[40] = 2; pkt[41] = 3; pkt[42] = 1; pkt[43] = 1; /* mss of length 3 */
	fix_sums();
	expect_error(pkt_len, "mss option length 3");
}

static void test_bad_tcp_checksum(void **state)
{
	pkt[pkt_len - 1] ^= 1;
	expect_error(pkt_len, "bad TCP checksum");
}

static void test_eol_ends_options(void **state)
{
	struct live_packet lp;

	pkt[40] = 0; pkt[41] = 0xff; /* garbage after EOL is padding */
	fix_sums();
	assert_int_equal(packet_parse(pkt, pkt_len, &lp, err, sizeof(err)), 0);
	assert_int_equal(lp.option_count, 1);
	assert_int_equal(lp.options[0].kind, OPT_EOL);
	live_packet_free(&lp);
}

static void test_ipv6_lies_and_ext_headers(void **state)
{
	struct packet_ctx ctx;
	struct packet p = { .dir = DIR_INBOUND, .kind = PKT_UDP };
	uint8_t b[200], e[208];
	size_t len;
	struct live_packet lp;

	tp_ctx(&ctx, VWIRE_IPV6);
	p.u.udp.payload_len = 4;
	assert_int_equal(packet_build(&p, &ctx, NULL, b, sizeof(b), &len, err, sizeof(err)), 0);
	memcpy(pkt, b, len);
	b[5] = 200; /* payload length lies */
	assert_int_equal(packet_parse(b, len, &lp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "IPv6 payload length"));
	assert_int_equal(packet_parse(b, 30, &lp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "IPv6 header truncated"));
	b[5] = 12;
	b[44] = 0; b[45] = 9; /* UDP length lies */
	assert_int_equal(packet_parse(b, len, &lp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "UDP length 9"));

	/* A destination-options header (8 bytes) in front of UDP is skipped;
	 * the pseudo-header length is the UDP length, so the sum still holds. */
	memcpy(e, pkt, 40);
	e[6] = 60;
	e[5] = 20;
	memset(e + 40, 0, 8);
	e[40] = IPPROTO_UDP;
	memcpy(e + 48, pkt + 40, 12);
	assert_int_equal(packet_parse(e, 60, &lp, err, sizeof(err)), 0);
	assert_int_equal(lp.protocol, IPPROTO_UDP);
	assert_int_equal(lp.payload_len, 4);
	live_packet_free(&lp);
	e[41] = 5; /* 48 bytes long: beyond the packet */
	assert_int_equal(packet_parse(e, 60, &lp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "extension header"));
	e[6] = 44;
	assert_int_equal(packet_parse(e, 60, &lp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "fragment"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid, setup_v4),
		cmocka_unit_test_setup(test_truncated, setup_v4),
		cmocka_unit_test_setup(test_bad_version, setup_v4),
		cmocka_unit_test_setup(test_bad_ihl, setup_v4),
		cmocka_unit_test_setup(test_total_length_lies, setup_v4),
		cmocka_unit_test_setup(test_bad_ip_checksum, setup_v4),
		cmocka_unit_test_setup(test_fragment, setup_v4),
		cmocka_unit_test_setup(test_data_offset, setup_v4),
		cmocka_unit_test_setup(test_tcp_truncated, setup_v4),
		cmocka_unit_test_setup(test_option_length_zero_one_overrun, setup_v4),
		cmocka_unit_test_setup(test_bad_tcp_checksum, setup_v4),
		cmocka_unit_test_setup(test_eol_ends_options, setup_v4),
		cmocka_unit_test(test_ipv6_lies_and_ext_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
