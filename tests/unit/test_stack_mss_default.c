/* The send MSS a connection assumes when the peer's SYN has no MSS option
 * (RFC 9293 3.7.1, MUST-15): 536 over IPv4, 1220 over IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#define RPORT 5000
#define LPORT 8080
#define PEER_ISN 1000000u

static struct vs_addr addr(int family, const char *text)
{
	struct vs_addr a = { .family = family };
	assert_int_equal(inet_pton(family, text, family == AF_INET ? (void *)&a.u.v4 : (void *)&a.u.v6), 1);
	return a;
}

static void inject(struct fake_host *h, const struct vs_addr *src, const struct vs_addr *dst,
		   struct tseg s)
{
	uint8_t buf[256];
	s.sport = RPORT;
	s.dport = LPORT;
	size_t n = tu_build(buf, &s, src, dst);
	tcp_input(&h->vs, src, dst, 0, buf, n);
}

/* A passive open whose SYN carries no options; the accepted child's MSS. */
static int mss_without_option(int family, const char *local, const char *remote)
{
	struct fake_host h;
	fake_host_init(&h, "192.168.0.1", 3);
	struct vs_addr l = addr(family, local), r = addr(family, remote);
	struct tcp_sock *ls = tcp_sock_new(&h.vs, family);
	struct vs_addr any = { .family = family };
	assert_int_equal(tcp_bind(&h.vs, ls, &any, LPORT), 0);
	assert_int_equal(tcp_listen(&h.vs, ls, 5), 0);
	inject(&h, &r, &l, (struct tseg){ .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
					  .syn_opts = true });
	struct fake_pkt *p = fake_host_pop(&h);
	assert_non_null(p);
	struct tseg sa;
	assert_true(tu_parse(p->data, p->len, &sa));
	free(p);
	inject(&h, &r, &l, (struct tseg){ .seq = PEER_ISN + 1, .ack = sa.seq + 1,
					  .flags = TH_ACK, .win = 65535 });
	int err;
	struct tcp_sock *c = tcp_accept(&h.vs, ls, &err);
	assert_non_null(c);
	int mss = tcp_current_mss(c);
	fake_host_free(&h);
	return mss;
}

static void test_ipv4_assumes_536(void **state)
{
	assert_int_equal(mss_without_option(AF_INET, "192.168.0.1", "192.0.2.1"), 536);
}

static void test_ipv6_assumes_1220(void **state)
{
	assert_int_equal(mss_without_option(AF_INET6, "fd3d:a0b:17d6::1", "fd3d:fa7b:d17d::1"),
			 1220);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_assumes_536),
		cmocka_unit_test(test_ipv6_assumes_1220),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
