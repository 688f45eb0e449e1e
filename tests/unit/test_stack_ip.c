/* IP input: malformed or misaddressed packets are dropped (no reply),
 * good ones reach TCP; ICMP echo is answered; UDP to a closed port gets
 * port unreachable; IPv6 framing of our output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "stack_host_test_util.h"

struct fx {
	struct packetdrill_interface ifc;
	uint8_t pkt[2100];
	size_t len;
};

/* A SYN to the listener: accepted, it draws a SYN-ACK. */
static size_t build_syn(uint8_t *pkt)
{
	struct tseg syn = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1000,
		.flags = TH_SYN, .win = 65535, .syn_opts = true,
		.opt = { .mss_ok = true, .mss = 1460 } };
	uint8_t seg[128];
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	size_t n = tu_build(seg, &syn, &src, &dst);
	return ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	ht_init(&f->ifc);
	assert_true(ht_listener(&f->ifc) >= 3);
	f->len = build_syn(f->pkt);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	f->ifc.free(f->ifc.userdata);
	free(f);
	return 0;
}

static void refresh_ip_csum(uint8_t *pkt)
{
	tu_put16(pkt + 10, 0);
	tu_put16(pkt + 10, ht_csum(pkt, 20));
}

static int replies_to(struct fx *f, const uint8_t *pkt, size_t len)
{
	assert_int_equal(f->ifc.netdev_send(f->ifc.userdata, pkt, len), 0);
	return ht_count_packets(&f->ifc);
}

static void test_good_syn_is_answered(void **state)
{
	struct fx *f = *state;
	assert_int_equal(replies_to(f, f->pkt, f->len), 1);
}

static void test_malformed_ipv4_dropped(void **state)
{
	struct fx *f = *state;
	uint8_t p[2100];
	memcpy(p, f->pkt, f->len);
	p[10] ^= 0xff; /* header checksum */
	assert_int_equal(replies_to(f, p, f->len), 0);
	memcpy(p, f->pkt, f->len);
	p[f->len - 1] ^= 0x01; /* TCP checksum (last option byte) */
	assert_int_equal(replies_to(f, p, f->len), 0);
	assert_int_equal(replies_to(f, f->pkt, 19), 0); /* truncated header */
	memcpy(p, f->pkt, f->len);
	tu_put16(p + 2, (uint16_t)(f->len + 10)); /* longer than the packet */
	refresh_ip_csum(p);
	assert_int_equal(replies_to(f, p, f->len), 0);
	memcpy(p, f->pkt, f->len);
	p[0] = 0x44; /* IHL below 5 */
	refresh_ip_csum(p);
	assert_int_equal(replies_to(f, p, f->len), 0);
	memcpy(p, f->pkt, f->len);
	tu_put16(p + 6, 0x2000); /* more fragments */
	refresh_ip_csum(p);
	assert_int_equal(replies_to(f, p, f->len), 0);
	memcpy(p, f->pkt, f->len);
	inet_pton(AF_INET, "192.168.0.2", p + 16); /* not our address */
	refresh_ip_csum(p);
	assert_int_equal(replies_to(f, p, f->len), 0);
	memcpy(p, f->pkt, f->len);
	p[0] = 0x65; /* IPv6 on an IPv4 wire */
	assert_int_equal(replies_to(f, p, f->len), 0);
	assert_int_equal(replies_to(f, p, 0), 0);
	/* Trailing bytes past the IP total length are ignored. */
	memcpy(p, f->pkt, f->len);
	memset(p + f->len, 0xee, 6);
	assert_int_equal(replies_to(f, p, f->len + 6), 1);
}

static void test_icmp_echo_answered(void **state)
{
	struct fx *f = *state;
	uint8_t icmp[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', 0, 0, 0, 0 };
	tu_put16(icmp + 2, ht_csum(icmp, sizeof(icmp)));
	uint8_t pkt[64], out[256];
	size_t len = ht_ipv4(pkt, IPPROTO_ICMP, HT_REMOTE, HT_LOCAL, icmp, sizeof(icmp));
	assert_int_equal(f->ifc.netdev_send(f->ifc.userdata, pkt, len), 0);
	size_t n = sizeof(out);
	assert_int_equal(f->ifc.netdev_receive(f->ifc.userdata, out, &n), 0);
	assert_int_equal(n, len);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_int_equal(ht_csum(out, 20), 0);
	assert_int_equal(out[20], 0); /* echo reply */
	assert_memory_equal(out + 24, icmp + 4, sizeof(icmp) - 4);
	assert_int_equal(ht_csum(out + 20, n - 20), 0);
	uint8_t want_dst[4];
	inet_pton(AF_INET, HT_REMOTE, want_dst);
	assert_memory_equal(out + 16, want_dst, 4);
	/* A bad ICMP checksum gets no answer. */
	pkt[20 + 2] ^= 1;
	assert_int_equal(replies_to(f, pkt, len), 0);
}

static void test_udp_to_closed_port_unreachable(void **state)
{
	struct fx *f = *state;
	uint8_t udp[12] = { 0x30, 0x39, 0x00, 0x35, 0, 12, 0, 0, 'q', 'u', 'e', 'r' };
	uint8_t pkt[64], out[256];
	size_t len = ht_ipv4(pkt, IPPROTO_UDP, HT_REMOTE, HT_LOCAL, udp, sizeof(udp));
	assert_int_equal(f->ifc.netdev_send(f->ifc.userdata, pkt, len), 0);
	size_t n = sizeof(out);
	assert_int_equal(f->ifc.netdev_receive(f->ifc.userdata, out, &n), 0);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 3);
	assert_memory_equal(out + 28, pkt, len); /* quotes the datagram */
}

/* An ICMP error quoting our SYN reaches the connection it names. */
static void test_icmp_error_reaches_connection(void **state)
{
	struct fx *f = *state;
	void *u = f->ifc.userdata;
	int fd = f->ifc.socket(u, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in r = ht_sin(HT_REMOTE, 8080);
	errno = 0;
	assert_int_equal(f->ifc.connect(u, fd, (struct sockaddr *)&r, sizeof(r)), -1);
	assert_int_equal(errno, EINPROGRESS);
	uint8_t syn[256];
	size_t n = sizeof(syn);
	assert_int_equal(f->ifc.netdev_receive(u, syn, &n), 0);
	uint8_t icmp[8 + 28] = { 3, 3 }; /* port unreachable, quoting 28 bytes */
	memcpy(icmp + 8, syn, 28);
	tu_put16(icmp + 2, ht_csum(icmp, sizeof(icmp)));
	uint8_t pkt[128];
	size_t len = ht_ipv4(pkt, IPPROTO_ICMP, HT_REMOTE, HT_LOCAL, icmp, sizeof(icmp));
	assert_int_equal(f->ifc.netdev_send(u, pkt, len), 0);
	int err = 0;
	socklen_t elen = sizeof(err);
	assert_int_equal(f->ifc.getsockopt(u, fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, ECONNREFUSED);
}

static void test_ipv6_output_framing(void **state)
{
	struct fx *f = *state;
	struct vwire_net_config cfg = { .ip_mode = VWIRE_IPV6, .local_ip = "fd3d:a0b:17d6::1",
		.remote_ip = "fd3d:fa7b:d17d::1", .mtu = 1520 };
	void *u = f->ifc.userdata;
	assert_int_equal(vwire_configure(u, &cfg), 0);
	int fd = f->ifc.socket(u, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in6 r = { .sin6_family = AF_INET6, .sin6_port = htons(8080) };
	inet_pton(AF_INET6, cfg.remote_ip, &r.sin6_addr);
	errno = 0;
	assert_int_equal(f->ifc.connect(u, fd, (struct sockaddr *)&r, sizeof(r)), -1);
	assert_int_equal(errno, EINPROGRESS);
	uint8_t out[256];
	size_t n = sizeof(out);
	assert_int_equal(f->ifc.netdev_receive(u, out, &n), 0);
	assert_int_equal(out[0] >> 4, 6);
	assert_int_equal(out[6], IPPROTO_TCP);
	assert_int_equal(out[7], 64);
	assert_int_equal((size_t)(out[4] << 8 | out[5]), n - 40);
	struct tseg s;
	assert_true(tu_parse(out + 40, n - 40, &s));
	assert_int_equal(s.flags, TH_SYN);
	assert_int_equal(s.opt.mss, 1460); /* MTU 1520 - 40 - 20 */
	/* ICMPv6 echo: answered with the checksum over the pseudo-header. */
	uint8_t echo[48] = { 0x60, 0, 0, 0, 0, 8, IPPROTO_ICMPV6, 64 };
	inet_pton(AF_INET6, cfg.remote_ip, echo + 8);
	inet_pton(AF_INET6, cfg.local_ip, echo + 24);
	uint8_t *m = echo + 40;
	m[0] = 128; m[4] = 0xab; m[5] = 0xcd; m[7] = 1;
	uint8_t pseudo[40 + 8];
	memcpy(pseudo, echo + 8, 32);
	memset(pseudo + 32, 0, 8);
	pseudo[35] = 8;
	pseudo[39] = IPPROTO_ICMPV6;
	memcpy(pseudo + 40, m, 8);
	tu_put16(m + 2, ht_csum(pseudo, sizeof(pseudo)));
	assert_int_equal(f->ifc.netdev_send(u, echo, sizeof(echo)), 0);
	n = sizeof(out);
	assert_int_equal(f->ifc.netdev_receive(u, out, &n), 0);
	assert_int_equal(n, sizeof(echo));
	assert_int_equal(out[6], IPPROTO_ICMPV6);
	assert_int_equal(out[40], 129);
	assert_memory_equal(out + 24, echo + 8, 16); /* back to the sender */
	memcpy(pseudo, out + 8, 32);
	memcpy(pseudo + 40, out + 40, 8);
	assert_int_equal(ht_csum(pseudo, sizeof(pseudo)), 0);
	errno = 0;
	assert_int_equal(vwire_configure(u, &(struct vwire_net_config){ .ip_mode = VWIRE_IPV4,
		.local_ip = "not-an-address", .remote_ip = HT_REMOTE }), -1);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_syn_is_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_ipv4_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_echo_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_to_closed_port_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error_reaches_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_output_framing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
