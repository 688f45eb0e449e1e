/* Hostile raw packets that a script cannot write, sent through
 * netdev_send: bad checksums, truncated and lying IP/TCP lengths, option
 * lists that overrun the header or hold a length under 2, oversized
 * packets (a 64 KiB datagram). Each must be dropped silently (RFC 9293 3.10.7: a segment that
 * fails the checksum is discarded; RFC 791: a datagram whose lengths do
 * not fit is discarded), or answered as a good segment would be; never
 * answered with garbage, and afterwards the stack still works. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>

#include "stack_host_test_util.h"

#define U ifc->userdata

static int setup(void **state)
{
	struct packetdrill_interface *ifc = ht_new(state);
	assert_non_null(ifc->userdata);
	assert_true(ht_listener(ifc) >= 0);
	return 0;
}

/* A good SYN from the remote, as raw IPv4 bytes (MSS 1000 offered). */
static size_t good_syn(uint8_t *pkt, uint16_t sport)
{
	struct tseg syn = { .sport = sport, .dport = HT_PORT, .seq = 1000, .flags = TH_SYN,
		.win = 65535, .syn_opts = true, .opt = { .mss_ok = true, .mss = 1000 } };
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	uint8_t seg[128];
	size_t n = tu_build(seg, &syn, &src, &dst);
	return ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n);
}

/* Recomputes the TCP checksum over len bytes of segment after ihl. */
static void fix_tcp_csum(uint8_t *pkt, size_t ihl, size_t len)
{
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	tu_put16(pkt + ihl + 16, 0);
	tu_put16(pkt + ihl + 16, tcp_checksum(&src, &dst, pkt + ihl, len));
}

static void fix_ip_csum(uint8_t *pkt)
{
	tu_put16(pkt + 10, 0);
	tu_put16(pkt + 10, ht_csum(pkt, (size_t)(pkt[0] & 0xf) * 4));
}

/* Sends, then counts what the stack answered. */
static int answers(struct packetdrill_interface *ifc, const uint8_t *pkt, size_t n)
{
	ifc->netdev_send(U, pkt, n);
	return ht_count_packets(ifc);
}

/* After any hostile input the listener still completes a handshake, and
 * the SYN-ACK carries the MSS option (the stack's state is sane). */
static void assert_listener_works(struct packetdrill_interface *ifc, uint16_t sport)
{
	uint8_t pkt[256], buf[2048];
	ifc->netdev_send(U, pkt, good_syn(pkt, sport));
	struct tseg sa;
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, 1001);
	assert_true(sa.opt.mss_ok);
}

static void test_bad_tcp_checksum_is_dropped(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint8_t pkt[256];
	size_t n = good_syn(pkt, 40001);
	pkt[20 + 16] ^= 0x5a;
	assert_int_equal(answers(ifc, pkt, n), 0);
	assert_listener_works(ifc, 40001);
}

static void test_bad_ip_checksum_is_dropped(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint8_t pkt[256];
	size_t n = good_syn(pkt, 40002);
	pkt[10] ^= 0x01;
	assert_int_equal(answers(ifc, pkt, n), 0);
	assert_listener_works(ifc, 40002);
}

static void test_lying_ip_lengths_are_dropped(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint8_t pkt[256];
	size_t n = good_syn(pkt, 40003);
	/* Total length claims more than arrived. */
	tu_put16(pkt + 2, (uint16_t)(n + 1));
	fix_ip_csum(pkt);
	assert_int_equal(answers(ifc, pkt, n), 0);
	/* Total length shorter than the IP header. */
	n = good_syn(pkt, 40003);
	tu_put16(pkt + 2, 19);
	fix_ip_csum(pkt);
	assert_int_equal(answers(ifc, pkt, n), 0);
	/* IHL under 5, and IHL past the end. */
	n = good_syn(pkt, 40003);
	pkt[0] = 0x44;
	assert_int_equal(answers(ifc, pkt, n), 0);
	n = good_syn(pkt, 40003);
	pkt[0] = 0x4f;
	tu_put16(pkt + 2, 40);
	assert_int_equal(answers(ifc, pkt, 40), 0);
	/* Not IPv4 at all, and a packet shorter than any IP header. */
	n = good_syn(pkt, 40003);
	pkt[0] = 0x55;
	assert_int_equal(answers(ifc, pkt, n), 0);
	for (size_t k = 0; k < 20; k++)
		assert_int_equal(answers(ifc, pkt, k), 0);
	assert_listener_works(ifc, 40003);
}

static void test_trailing_padding_is_trimmed(void **state)
{
	/* Bytes past the IP total length (link padding) are not part of the
	 * segment: the SYN is good and gets its SYN-ACK. */
	struct packetdrill_interface *ifc = *state;
	uint8_t pkt[256];
	size_t n = good_syn(pkt, 40004);
	memset(pkt + n, 0xee, 18);
	ifc->netdev_send(U, pkt, n + 18);
	uint8_t buf[2048];
	struct tseg sa;
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, 1001);
}

static void test_truncated_tcp_headers_are_dropped(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint8_t pkt[256];
	size_t n = good_syn(pkt, 40005);
	/* Every IP-consistent cut of the TCP header: under 20 bytes, or
	 * shorter than its data offset says. */
	for (size_t cut = 20; cut < n; cut++) {
		uint8_t c[256];
		memcpy(c, pkt, cut);
		tu_put16(c + 2, (uint16_t)cut);
		fix_ip_csum(c);
		if (cut >= 20 + 18)
			fix_tcp_csum(c, 20, cut - 20);
		assert_int_equal(answers(ifc, c, cut), 0);
	}
	/* Data offset under 5 words, and past the segment. */
	for (int doff = 0; doff < 16; doff++) {
		if ((size_t)doff * 4 >= 20 && (size_t)doff * 4 <= n - 20)
			continue;
		n = good_syn(pkt, 40005);
		pkt[20 + 12] = (uint8_t)(doff << 4);
		fix_tcp_csum(pkt, 20, n - 20);
		assert_int_equal(answers(ifc, pkt, n), 0);
	}
	assert_listener_works(ifc, 40005);
}

/* A SYN whose option area (padded to 4) holds raw bytes. */
static size_t syn_with_options(uint8_t *pkt, uint16_t sport, const uint8_t *opts, size_t olen)
{
	uint8_t seg[80] = { 0 };
	size_t padded = (olen + 3) & ~(size_t)3;
	tu_put16(seg, sport);
	tu_put16(seg + 2, HT_PORT);
	tu_put32(seg + 4, 1000);
	seg[12] = (uint8_t)(((20 + padded) / 4) << 4);
	seg[13] = TH_SYN;
	tu_put16(seg + 14, 65535);
	memcpy(seg + 20, opts, olen);
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	tu_put16(seg + 16, tcp_checksum(&src, &dst, seg, 20 + padded));
	return ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, 20 + padded);
}

static void test_overrunning_and_short_options(void **state)
{
	/* Options that overrun the header or have a length under 2 cannot be
	 * skipped: the stack drops the segment or answers it as if the list
	 * ended there, and then still works. An answer must be a SYN-ACK for
	 * this SYN; in it, no MSS learned from the bad bytes can show. */
	struct packetdrill_interface *ifc = *state;
	static const struct { uint8_t bytes[40]; size_t len; } cases[] = {
		{ { 2, 40, 5, 0xb4 }, 4 },              /* MSS claiming 40 bytes */
		{ { 1, 1, 8, 20, 0, 0 }, 6 },           /* TS running past the end */
		{ { 30, 0, 2, 4, 5, 0xb4 }, 6 },        /* zero length, then MSS */
		{ { 30, 1, 2, 4, 5, 0xb4 }, 6 },        /* length one */
		{ { 5, 255 }, 2 },                      /* SACK of 255 bytes */
		{ { 1, 1, 1, 3 }, 4 },                  /* kind with no length byte */
		{ { 254, 39, 0xf9, 0x89 }, 4 },         /* exp-FO overrunning */
		{ { 34, 3, 0xaa }, 3 },                 /* FO cookie of one byte */
		{ { 19, 18, 1, 2, 3 }, 5 },             /* MD5 cut short */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[256], buf[2048];
		uint16_t sport = (uint16_t)(41000 + i);
		ifc->netdev_send(U, pkt, syn_with_options(pkt, sport, cases[i].bytes, cases[i].len));
		struct tseg sa;
		size_t cap = sizeof(buf);
		int got = 0;
		while (ht_recv(ifc, &sa, buf, cap)) {
			got++;
			assert_int_equal(sa.flags, TH_SYN | TH_ACK);
			assert_int_equal(sa.dport, sport);
			assert_int_equal(sa.ack, 1001);
		}
		assert_true(got <= 1);
		assert_listener_works(ifc, (uint16_t)(42000 + i));
	}
}

static void test_oversized_packets(void **state)
{
	/* A 64 KiB IP datagram (total length 65535) carrying one segment to
	 * an established connection: accepted up to the receive window or
	 * dropped; what is acknowledged never exceeds what was sent. */
	struct packetdrill_interface *ifc = *state;
	int lfd = -1;
	uint32_t snd_nxt = 0;
	ifc->free(ifc->userdata);
	ht_init(ifc);
	int fd = ht_connection(ifc, &lfd, &snd_nxt);
	assert_true(fd >= 0);
	static uint8_t data[65535 - 40], pkt[70000];
	memset(data, 'x', sizeof(data));
	struct tseg s = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001, .ack = snd_nxt,
		.flags = TH_ACK | TH_PSH, .win = 65535, .data = data, .len = sizeof(data) };
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	static uint8_t seg[70000];
	size_t n = tu_build(seg, &s, &src, &dst);
	size_t len = ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n);
	assert_int_equal(len, 65535);
	ifc->netdev_send(U, pkt, len);
	uint8_t buf[2048];
	struct tseg ack;
	bool acked = false;
	while (ht_recv(ifc, &ack, buf, sizeof(buf))) {
		assert_int_equal(ack.flags & (TH_SYN | TH_RST), 0);
		acked = true;
		assert_true(ack.ack >= 1001 && ack.ack <= 1001 + sizeof(data));
	}
	(void)acked;
	int fl = ifc->fcntl(U, fd, F_GETFL);
	ifc->fcntl(U, fd, F_SETFL, fl | O_NONBLOCK);
	static uint8_t rd[70000];
	ssize_t r = ifc->read(U, fd, rd, sizeof(rd));
	assert_true(r == -1 || (r > 0 && (size_t)r <= sizeof(data)));
	/* Bytes past the total length again count as padding, not data. */
	ifc->netdev_send(U, pkt, len + 100);
	while (ht_recv(ifc, &ack, buf, sizeof(buf)))
		assert_true(ack.ack <= 1001 + sizeof(data));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_tcp_checksum_is_dropped, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ip_checksum_is_dropped, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_lying_ip_lengths_are_dropped, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_trailing_padding_is_trimmed, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_tcp_headers_are_dropped, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_overrunning_and_short_options, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_oversized_packets, setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
