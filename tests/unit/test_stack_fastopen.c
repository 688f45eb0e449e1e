/* TCP Fast Open: SipHash-2-4 against the paper's vectors, the cookie the
 * corpus expects for its key and addresses, and the server and client
 * flows driven through the packetdrill interface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>

#include "siphash.h"
#include "stack_host_test_util.h"

#define CORPUS_KEY "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4"

/* ------------------------------------------------------------ SipHash */

static void siphash_paper_vectors(void **state)
{
	(void)state;
	uint8_t key[16], msg[15];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	/* Appendix A of the SipHash paper: 15 bytes 00..0e under 00..0f. */
	assert_true(vs_siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
	/* The reference implementation's first vector: the empty message. */
	assert_true(vs_siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	/* Changing one key bit changes the hash. */
	key[15] ^= 1;
	assert_true(vs_siphash24(key, msg, 15) != 0xa129ca6149be45e5ULL);
}

static void expect_cookie(const struct tcp_fastopen_cookie *c, const char *hex)
{
	char got[2 * TFO_COOKIE_MAX + 1] = { 0 };
	for (int i = 0; i < c->len; i++)
		snprintf(got + 2 * i, 3, "%02x", c->val[i]);
	assert_string_equal(got, hex);
}

static void cookie_for_corpus_key(void **state)
{
	(void)state;
	uint8_t key[TFO_KEY_LEN];
	assert_int_equal(tcp_fastopen_parse_key(CORPUS_KEY, key), 0);
	struct tcp_fastopen_cookie c;
	struct vs_addr client = tu_v4("192.0.2.1"), server = tu_v4("192.168.0.1");
	tcp_fastopen_cookie_for(key, &client, &server, &c);
	assert_int_equal(c.len, 8);
	expect_cookie(&c, "3021b9d889017eeb");   /* RUN-FLAGS.md, ipv4 */
	struct vs_addr c6 = { .family = AF_INET6 }, s6 = { .family = AF_INET6 };
	inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", &c6.u.v6);
	inet_pton(AF_INET6, "fd3d:0a0b:17d6::1", &s6.u.v6);
	tcp_fastopen_cookie_for(key, &c6, &s6, &c);
	expect_cookie(&c, "c1d1e9742a47a9bc");   /* RUN-FLAGS.md, ipv6 */
	/* The direction matters: the cookie is for this client. */
	tcp_fastopen_cookie_for(key, &server, &client, &c);
	assert_true(memcmp(c.val, "\x30\x21\xb9\xd8\x89\x01\x7e\xeb", 8) != 0);
	assert_int_equal(tcp_fastopen_parse_key("nonsense", key), -EINVAL);
}

static void option_layout(void **state)
{
	(void)state;
	uint8_t b[40];
	struct tcp_fastopen_cookie req = { .len = 0 };
	/* A request: kind 34, length 2, padded with two NOPs. */
	assert_int_equal(tcp_fastopen_put_option(b, sizeof(b), &req), 4);
	assert_memory_equal(b, "\x22\x02\x01\x01", 4);
	req.exp = true;
	assert_int_equal(tcp_fastopen_put_option(b, sizeof(b), &req), 4);
	assert_memory_equal(b, "\xfe\x04\xf9\x89", 4);
	struct tcp_fastopen_cookie c = { .len = 8, .val = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	assert_int_equal(tcp_fastopen_put_option(b, sizeof(b), &c), 12);
	assert_memory_equal(b, "\x22\x0a\x01\x02\x03\x04\x05\x06\x07\x08\x01\x01", 12);
	assert_int_equal(tcp_fastopen_put_option(b, 8, &c), 0); /* no room */
	/* And it parses back. */
	struct tcp_opts o;
	assert_true(tcp_opts_parse(b, 12, true, &o));
	assert_int_equal(o.fo_len, 8);
	assert_false(o.fo_exp);
	assert_memory_equal(o.fo_cookie, c.val, 8);
	assert_true(tcp_opts_parse(b, 12, false, &o)); /* not in a non-SYN */
	assert_int_equal(o.fo_len, -1);
}

/* ------------------------------------------------------------ flows */

static int setup(void **state)
{
	struct packetdrill_interface *ifc = ht_new(state);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_fastopen", "0x70403"), 0);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_fastopen_key", CORPUS_KEY), 0);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_timestamps", "0"), 0);
	return 0;
}

/* A SYN from the remote host with an MSS option, a Fast Open option
 * (cookie len -1: none) and data. */
static void send_syn(struct packetdrill_interface *ifc, uint16_t sport, uint32_t seq,
		     const struct tcp_fastopen_cookie *cookie, const void *data, uint32_t len)
{
	uint8_t seg[1600], pkt[1700];
	memset(seg, 0, 60);
	size_t ol = 0;
	uint8_t *o = seg + 20;
	o[ol++] = TCPOPT_MSS;
	o[ol++] = 4;
	o[ol++] = 1460 >> 8;
	o[ol++] = 1460 & 0xff;
	ol += tcp_fastopen_put_option(o + ol, 40 - ol, cookie);
	tu_put16(seg, sport);
	tu_put16(seg + 2, HT_PORT);
	tu_put32(seg + 4, seq);
	seg[12] = (uint8_t)(((20 + ol) / 4) << 4);
	seg[13] = TH_SYN;
	tu_put16(seg + 14, 65535);
	if (len)	/* data may be NULL for a bare SYN: memcpy(NULL, 0) is UB */
		memcpy(seg + 20 + ol, data, len);
	size_t n = 20 + ol + len;
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	tu_put16(seg + 16, tcp_checksum(&src, &dst, seg, n));
	size_t plen = ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n);
	assert_int_equal(ifc->netdev_send(ifc->userdata, pkt, plen), 0);
}

static void cookie_of(const struct tseg *s, struct tcp_fastopen_cookie *c)
{
	memset(c, 0, sizeof(*c));
	c->len = s->opt.fo_len;
	c->exp = s->opt.fo_exp;
	if (c->len > 0)
		memcpy(c->val, s->opt.fo_cookie, (size_t)c->len);
}

static void server_flow(void **state)
{
	struct packetdrill_interface *ifc = *state;
	void *u = ifc->userdata;
	int lfd = ht_listener(ifc);
	assert_true(lfd >= 0);
	assert_int_equal(ifc->fcntl(u, lfd, F_SETFL, O_NONBLOCK), 0);
	int one = 1;
	assert_int_equal(ifc->setsockopt(u, lfd, IPPROTO_TCP, TCP_FASTOPEN, &one, sizeof(one)), 0);
	uint8_t buf[2048];
	struct tseg sa;

	/* A cookie request: the SYN-ACK carries the cookie for our address. */
	struct tcp_fastopen_cookie req = { .len = 0 };
	send_syn(ifc, 40001, 1000, &req, NULL, 0);
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, 1001);
	struct tcp_fastopen_cookie got;
	cookie_of(&sa, &got);
	assert_int_equal(got.len, 8);
	expect_cookie(&got, "3021b9d889017eeb");

	/* A wrong cookie with data: the data is not acknowledged, the SYN-ACK
	 * gives the right cookie, nothing is ready to accept. */
	struct tcp_fastopen_cookie bad = got;
	bad.val[0] ^= 0xff;
	send_syn(ifc, 40002, 5000, &bad, "0123456789", 10);
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.ack, 5001);
	cookie_of(&sa, &got);
	expect_cookie(&got, "3021b9d889017eeb");
	assert_int_equal(ifc->accept(u, lfd, NULL, NULL), -1);

	/* The right cookie: the data is acknowledged in the SYN-ACK (without
	 * a cookie), and the child is accepted and readable at once. */
	cookie_of(&sa, &got);
	send_syn(ifc, 40003, 9000, &got, "0123456789", 10);
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, 9011);
	assert_int_equal(sa.opt.fo_len, -1);
	int fd = ifc->accept(u, lfd, NULL, NULL);
	assert_true(fd >= 0);
	char rd[32];
	assert_int_equal(ifc->read(u, fd, rd, sizeof(rd)), 10);
	assert_memory_equal(rd, "0123456789", 10);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	assert_int_equal(ifc->getsockopt(u, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
	assert_true(ti.tcpi_options & TCPI_OPT_SYN_DATA_BIT);
	assert_int_equal(ti.tcpi_state, VWIRE_TCP_SYN_RECV);

	/* The queue holds one such child (TCP_FASTOPEN 1): the next SYN-data
	 * falls back to a plain handshake. */
	send_syn(ifc, 40004, 20000, &got, "abc", 3);
	assert_true(ht_recv(ifc, &sa, buf, sizeof(buf)));
	assert_int_equal(sa.ack, 20001);
	int q = -1;
	socklen_t ql = sizeof(q);
	assert_int_equal(ifc->getsockopt(u, lfd, IPPROTO_TCP, TCP_FASTOPEN, &q, &ql), 0);
	assert_int_equal(q, 1);
}

static void client_flow(void **state)
{
	struct packetdrill_interface *ifc = *state;
	void *u = ifc->userdata;
	struct sockaddr_in dst = ht_sin(HT_REMOTE, HT_PORT);
	uint8_t buf[2048];
	struct tseg syn;

	/* No cookie yet: a non-blocking sendto asks for one and says
	 * EINPROGRESS; the SYN carries no data. */
	int fd = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ifc->fcntl(u, fd, F_SETFL, O_NONBLOCK), 0);
	errno = 0;
	assert_int_equal(ifc->sendto(u, fd, "hello", 5, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_true(ht_recv(ifc, &syn, buf, sizeof(buf)));
	assert_int_equal(syn.flags, TH_SYN);
	assert_int_equal(syn.len, 0);
	assert_int_equal(syn.opt.fo_len, 0);
	/* The server answers with a cookie, which the instance keeps. */
	struct tcp_fastopen_cookie ck = { .len = 4, .val = { 0xab, 0xcd, 0x12, 0x34 } };
	assert_int_equal(ht_send_fastopen_synack(ifc, syn.sport, 7000, syn.seq + 1, &ck), 0);
	struct tseg ack;
	assert_true(ht_recv(ifc, &ack, buf, sizeof(buf)));
	assert_int_equal(ack.flags, TH_ACK);
	assert_int_equal(ack.ack, 7001);

	/* With the cookie cached, the next connection's SYN carries the
	 * data and the cookie, and sendto reports the bytes it took. */
	int fd2 = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ifc->fcntl(u, fd2, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(ifc->sendto(u, fd2, "hello", 5, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), 5);
	assert_true(ht_recv(ifc, &syn, buf, sizeof(buf)));
	assert_int_equal(syn.flags, TH_SYN);
	assert_int_equal(syn.len, 5);
	assert_memory_equal(syn.data, "hello", 5);
	assert_int_equal(syn.opt.fo_len, 4);
	assert_memory_equal(syn.opt.fo_cookie, ck.val, 4);
	/* A second MSG_FASTOPEN while the handshake runs: EALREADY. */
	errno = 0;
	assert_int_equal(ifc->sendto(u, fd2, "x", 1, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), -1);
	assert_int_equal(errno, EALREADY);

	/* Client Fast Open off: EOPNOTSUPP. */
	assert_int_equal(vwire_sysctl_set(u, "net.ipv4.tcp_fastopen", "0"), 0);
	int fd3 = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	errno = 0;
	assert_int_equal(ifc->sendto(u, fd3, "x", 1, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	int v = 1;
	errno = 0;
	assert_int_equal(ifc->setsockopt(u, fd3, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &v, sizeof(v)), -1);
	assert_int_equal(errno, EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_paper_vectors),
		cmocka_unit_test(cookie_for_corpus_key),
		cmocka_unit_test(option_layout),
		cmocka_unit_test_setup_teardown(server_flow, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(client_flow, setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
