/* MD5 (RFC 1321 test suite) and TCP MD5 signatures (RFC 2385) through the
 * packetdrill interface: TCP_MD5SIG argument errors, unsigned, forged and
 * unexpected segments dropped, a signed SYN answered by a signed SYN-ACK
 * (signature first, no timestamps beside it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/tcp.h>
#include <stdio.h>

#include "md5.h"
#include "stack_host_test_util.h"

static void hex(const uint8_t d[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_md5_rfc1321_vectors(void **state)
{
	(void)state;
	static const char *const in[] = { "", "a", "abc", "message digest",
		"abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890" };
	static const char *const out[] = { "d41d8cd98f00b204e9800998ecf8427e",
		"0cc175b9c0f1b6a831c399e269772661", "900150983cd24fb0d6963f7d28e17f72",
		"f96b697d7cb7938d525a2f31aaf161d0", "c3fcd3d76192e4007dfb496cca67e13b",
		"d174ab98d277d9f5a5611c2c9f419d9f", "57edf4a22be3c955ac49da2e2107b67a" };
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct vs_md5 m;
		uint8_t d[16];
		char h[33];
		vs_md5_init(&m);
		/* fed in two pieces, so block boundaries are crossed unevenly */
		size_t n = strlen(in[i]), half = n / 3;
		vs_md5_update(&m, in[i], half);
		vs_md5_update(&m, in[i] + half, n - half);
		vs_md5_final(&m, d);
		hex(d, h);
		assert_string_equal(h, out[i]);
	}
}

static int set_key(struct packetdrill_interface *ifc, int fd, const char *peer,
		   const char *key, int keylen)
{
	struct tcp_md5sig k;
	memset(&k, 0, sizeof(k));
	struct sockaddr_in *a = (struct sockaddr_in *)&k.tcpm_addr;
	a->sin_family = AF_INET;
	inet_pton(AF_INET, peer, &a->sin_addr);
	k.tcpm_keylen = (uint16_t)keylen;
	if (key)
		memcpy(k.tcpm_key, key, strlen(key));
	return ifc->setsockopt(ifc->userdata, fd, SOL_TCP, TCP_MD5SIG, &k, sizeof(k));
}

/* RFC 2385's digest of an IPv4 segment, written out from the RFC. */
static void rfc2385_digest(const char *src, const char *dst, const uint8_t *seg,
			   size_t len, const char *key, uint8_t out[16])
{
	uint8_t ph[12];
	inet_pton(AF_INET, src, ph);
	inet_pton(AF_INET, dst, ph + 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	tu_put16(ph + 10, (uint16_t)len);
	uint8_t hdr[20];
	memcpy(hdr, seg, 20);
	hdr[16] = hdr[17] = 0;
	size_t doff = (size_t)(seg[12] >> 4) * 4;
	struct vs_md5 m;
	vs_md5_init(&m);
	vs_md5_update(&m, ph, sizeof(ph));
	vs_md5_update(&m, hdr, sizeof(hdr));
	vs_md5_update(&m, seg + doff, len - doff);
	vs_md5_update(&m, key, strlen(key));
	vs_md5_final(&m, out);
}

/* A SYN from the remote host with <nop,nop,md5,mss 1460,nop,nop,TS>,
 * signed with key (NULL: the option's digest left zero). */
static int send_signed_syn(struct packetdrill_interface *ifc, uint16_t sport,
			   const char *key)
{
	uint8_t seg[56], pkt[100];
	memset(seg, 0, sizeof(seg));
	tu_put16(seg, sport);
	tu_put16(seg + 2, HT_PORT);
	tu_put32(seg + 4, 1000);
	seg[12] = (56 / 4) << 4;
	seg[13] = TH_SYN;
	tu_put16(seg + 14, 65535);
	uint8_t *o = seg + 20;
	o[0] = o[1] = TCPOPT_NOP;
	o[2] = 19;
	o[3] = 18;
	o[20] = TCPOPT_MSS; o[21] = 4; tu_put16(o + 22, 1460);
	o[24] = o[25] = TCPOPT_NOP; o[26] = TCPOPT_TS; o[27] = 10;
	tu_put32(o + 28, 777);
	if (key)
		rfc2385_digest(HT_REMOTE, HT_LOCAL, seg, sizeof(seg), key, o + 4);
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	tu_put16(seg + 16, tcp_checksum(&src, &dst, seg, sizeof(seg)));
	size_t n = ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, sizeof(seg));
	return ifc->netdev_send(ifc->userdata, pkt, n);
}

static void test_md5sig_argument_errors(void **state)
{
	struct packetdrill_interface *ifc = *state;
	void *u = ifc->userdata;
	int fd = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	struct tcp_md5sig k;
	memset(&k, 0, sizeof(k));
	errno = 0;
	assert_int_equal(ifc->setsockopt(u, fd, SOL_TCP, TCP_MD5SIG, &k, sizeof(k) - 1), -1);
	assert_int_equal(errno, EINVAL);
	/* AF_UNSPEC address on an IPv4 socket */
	k.tcpm_keylen = 4;
	assert_int_equal(ifc->setsockopt(u, fd, SOL_TCP, TCP_MD5SIG, &k, sizeof(k)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(set_key(ifc, fd, HT_REMOTE, "x", TCP_MD5SIG_MAXKEYLEN + 1), -1);
	assert_int_equal(errno, EINVAL);
	/* deleting a key that is not there */
	assert_int_equal(set_key(ifc, fd, HT_REMOTE, NULL, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(set_key(ifc, fd, HT_REMOTE, "secret", 6), 0);
	assert_int_equal(set_key(ifc, fd, HT_REMOTE, NULL, 0), 0);
}

static void test_signed_listener(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint8_t buf[2048];
	struct tseg sa;
	int lfd = ht_listener(ifc);
	assert_int_equal(set_key(ifc, lfd, HT_REMOTE, "secret", 6), 0);

	/* Unsigned, and signed with the wrong key: dropped, no answer. */
	struct tseg syn = { .sport = 40001, .dport = HT_PORT, .seq = 1000,
		.flags = TH_SYN, .win = 65535, .syn_opts = true,
		.opt = { .mss_ok = true, .mss = 1460 } };
	assert_int_equal(ht_send(ifc, &syn), 0);
	assert_int_equal(ht_count_packets(ifc), 0);
	assert_int_equal(send_signed_syn(ifc, 40002, "wrong!"), 0);
	assert_int_equal(ht_count_packets(ifc), 0);

	/* Signed right: a signed SYN-ACK, signature first, no timestamps. */
	assert_int_equal(send_signed_syn(ifc, 40003, "secret"), 0);
	size_t n = sizeof(buf);
	assert_int_equal(ifc->netdev_receive(ifc->userdata, buf, &n), 0);
	assert_true(tu_parse(buf + 20, n - 20, &sa));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, 1001);
	const uint8_t *seg = buf + 20, *o = seg + 20;
	assert_int_equal(o[0], TCPOPT_NOP);
	assert_int_equal(o[1], TCPOPT_NOP);
	assert_int_equal(o[2], 19);
	assert_int_equal(o[3], 18);
	assert_false(sa.opt.ts_ok);
	assert_true(sa.opt.mss_ok);
	uint8_t want[16];
	rfc2385_digest(HT_LOCAL, HT_REMOTE, seg, n - 20, "secret", want);
	assert_memory_equal(o + 4, want, 16);
}

static void test_unexpected_signature_dropped(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd = ht_listener(ifc);
	assert_true(lfd >= 0);
	/* No key here: a signed SYN is dropped (Linux: TCPMD5Unexpected). */
	assert_int_equal(send_signed_syn(ifc, 40004, "secret"), 0);
	assert_int_equal(ht_count_packets(ifc), 0);
	/* ... while an unsigned one is answered. */
	struct tseg syn = { .sport = 40005, .dport = HT_PORT, .seq = 1000,
		.flags = TH_SYN, .win = 65535, .syn_opts = true,
		.opt = { .mss_ok = true, .mss = 1460 } };
	assert_int_equal(ht_send(ifc, &syn), 0);
	assert_int_equal(ht_count_packets(ifc), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md5_rfc1321_vectors),
		cmocka_unit_test_setup_teardown(test_md5sig_argument_errors, ht_setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_signed_listener, ht_setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_unexpected_signature_dropped, ht_setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
