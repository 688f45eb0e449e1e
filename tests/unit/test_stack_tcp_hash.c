/* The connection table's hash (stack/tcp_hash.c): TCBs found by 4-tuple
 * once synchronizing, listeners by port, through growth, removal and
 * chains shared by several tuples; a connection beats a listener, a
 * listener bound to the address beats a wildcard one; bind's check by
 * port. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

static struct fake_host *host_new(void)
{
	struct fake_host *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	fake_host_init(h, "10.0.0.1", 3);
	return h;
}

static void host_free(struct fake_host *h)
{
	fake_host_free(h);
	free(h);
}

static struct vs_addr v4(uint32_t a)
{
	struct vs_addr x = { .family = AF_INET };
	x.u.v4.s_addr = htonl(a);
	return x;
}

/* A TCB with the given 4-tuple in the given state, as a handshake leaves
 * it (the table hashes it on the change of state). */
static struct tcp_sock *conn(struct vstack *vs, struct vs_addr l, uint16_t lport,
			     struct vs_addr r, uint16_t rport, int state)
{
	struct tcp_sock *ts = tcp_sock_new(vs, AF_INET);
	assert_non_null(ts);
	ts->laddr = l;
	ts->lport = lport;
	ts->raddr = r;
	ts->rport = rport;
	ts->bound = true;
	tcp_set_state(ts, state);
	return ts;
}

static struct tcp_sock *listener(struct vstack *vs, struct vs_addr l, uint16_t port)
{
	struct tcp_sock *ts = tcp_sock_new(vs, AF_INET);
	assert_non_null(ts);
	ts->reuseport = true; /* several on one port, for precedence */
	assert_int_equal(tcp_bind(vs, ts, &l, port), 0);
	assert_int_equal(tcp_listen(vs, ts, 16), 0);
	return ts;
}

static struct tcp_sock *find(struct vstack *vs, struct vs_addr l, uint16_t lport,
			     struct vs_addr r, uint16_t rport, bool *is_listener)
{
	bool dummy;
	return tcp_table_lookup(vs, &l, lport, &r, rport, is_listener ? is_listener : &dummy);
}

#define N_CONNS 5000

static void test_insert_lookup_remove(void **state)
{
	struct fake_host *h = host_new();
	struct vstack *vs = &h->vs;
	struct vs_addr me = v4(0x0a000001);
	struct tcp_sock **c = calloc(N_CONNS, sizeof(*c));
	for (int i = 0; i < N_CONNS; i++)
		c[i] = conn(vs, me, 80, v4(0x0a100000u + (uint32_t)i / 7), (uint16_t)(2000 + i % 7),
			    VWIRE_TCP_ESTABLISHED);
	/* The array grew past its first 64 buckets, one entry per bucket. */
	assert_int_equal(vs->tcp->est_n, N_CONNS);
	assert_true(vs->tcp->est_buckets >= N_CONNS);
	for (int i = 0; i < N_CONNS; i++) {
		bool is_l = true;
		assert_ptr_equal(find(vs, me, 80, c[i]->raddr, c[i]->rport, &is_l), c[i]);
		assert_false(is_l);
	}
	/* Neither another peer port nor another local port nor the reversed
	 * tuple matches. */
	assert_null(find(vs, me, 80, c[0]->raddr, 1999, NULL));
	assert_null(find(vs, me, 81, c[0]->raddr, c[0]->rport, NULL));
	assert_null(find(vs, c[0]->raddr, c[0]->rport, me, 80, NULL));
	/* Removing every other one leaves the rest findable. */
	for (int i = 0; i < N_CONNS; i += 2) {
		c[i]->orphan = true;
		tcp_destroy(c[i]);
	}
	assert_int_equal(vs->tcp->est_n, N_CONNS / 2);
	for (int i = 0; i < N_CONNS; i++) {
		struct vs_addr r = v4(0x0a100000u + (uint32_t)i / 7);
		struct tcp_sock *got = find(vs, me, 80, r, (uint16_t)(2000 + i % 7), NULL);
		if (i % 2)
			assert_ptr_equal(got, c[i]);
		else
			assert_null(got);
	}
	/* Back to CLOSED: out of the hash, though still in the table. */
	tcp_set_state(c[1], VWIRE_TCP_CLOSE);
	assert_null(find(vs, me, 80, c[1]->raddr, c[1]->rport, NULL));
	assert_int_equal(vs->tcp->est_n, N_CONNS / 2 - 1);
	/* Then the array shrinks as the table empties. */
	for (int i = 1; i < N_CONNS; i += 2)
		tcp_destroy(c[i]);
	assert_int_equal(vs->tcp->est_n, 0);
	assert_true(vs->tcp->est_buckets <= 128);
	free(c);
	host_free(h);
}

/* Tuples that share one bucket of the 64 the array starts with. */
static void test_collisions(void **state)
{
	struct fake_host *h = host_new();
	struct vstack *vs = &h->vs;
	struct vs_addr me = v4(0x0a000001), peer = v4(0x0a000002);
	uint16_t ports[4];
	int found = 0;
	uint32_t want = tcp_tuple_hash(&me, 80, &peer, 1024) & 63;
	for (uint32_t p = 1024; found < 4 && p < 65535; p++)
		if ((tcp_tuple_hash(&me, 80, &peer, (uint16_t)p) & 63) == want)
			ports[found++] = (uint16_t)p;
	assert_int_equal(found, 4);
	struct tcp_sock *c[4];
	for (int i = 0; i < 4; i++)
		c[i] = conn(vs, me, 80, peer, ports[i], VWIRE_TCP_ESTABLISHED);
	assert_int_equal(vs->tcp->est_buckets, 64); /* still one shared chain */
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(find(vs, me, 80, peer, ports[i], NULL), c[i]);
	/* Out of the middle of the chain, then its head. */
	tcp_destroy(c[1]);
	assert_null(find(vs, me, 80, peer, ports[1], NULL));
	assert_ptr_equal(find(vs, me, 80, peer, ports[0], NULL), c[0]);
	assert_ptr_equal(find(vs, me, 80, peer, ports[2], NULL), c[2]);
	tcp_destroy(c[3]);
	assert_ptr_equal(find(vs, me, 80, peer, ports[0], NULL), c[0]);
	assert_ptr_equal(find(vs, me, 80, peer, ports[2], NULL), c[2]);
	assert_null(find(vs, me, 80, peer, ports[3], NULL));
	host_free(h);
}

static void test_listener_and_connection_precedence(void **state)
{
	struct fake_host *h = host_new();
	struct vstack *vs = &h->vs;
	struct vs_addr me = v4(0x0a000001), other = v4(0x0a000009), any = v4(0);
	struct vs_addr peer = v4(0x0a000002);
	struct tcp_sock *wild_old = listener(vs, any, 80);
	struct tcp_sock *wild_new = listener(vs, any, 80);
	bool is_l = false;
	/* Wildcards only: the oldest. */
	assert_ptr_equal(find(vs, me, 80, peer, 5000, &is_l), wild_old);
	assert_true(is_l);
	/* One bound to the address itself wins there, not elsewhere. */
	struct tcp_sock *exact = listener(vs, me, 80);
	assert_ptr_equal(find(vs, me, 80, peer, 5000, &is_l), exact);
	assert_true(is_l);
	assert_ptr_equal(find(vs, other, 80, peer, 5000, &is_l), wild_old);
	/* Another port, and a port sharing the listener bucket (80 + 256),
	 * has nobody. */
	assert_null(find(vs, me, 81, peer, 5000, &is_l));
	assert_false(is_l);
	assert_null(find(vs, me, 80 + TCP_LISTEN_BUCKETS, peer, 5000, &is_l));
	/* A connection on the port takes its own tuple; the listener the rest. */
	struct tcp_sock *c = conn(vs, me, 80, peer, 5000, VWIRE_TCP_SYN_RECV);
	assert_ptr_equal(find(vs, me, 80, peer, 5000, &is_l), c);
	assert_false(is_l);
	assert_ptr_equal(find(vs, me, 80, peer, 5001, &is_l), exact);
	assert_true(is_l);
	/* Of two TCBs on one tuple, the newer. */
	struct tcp_sock *c2 = conn(vs, me, 80, peer, 5000, VWIRE_TCP_ESTABLISHED);
	assert_ptr_equal(find(vs, me, 80, peer, 5000, NULL), c2);
	tcp_destroy(c2);
	assert_ptr_equal(find(vs, me, 80, peer, 5000, NULL), c);
	/* The listeners go: the wildcards take over, the newer last. */
	tcp_close(vs, exact);
	assert_ptr_equal(find(vs, me, 80, peer, 5001, &is_l), wild_old);
	tcp_close(vs, wild_old);
	assert_ptr_equal(find(vs, me, 80, peer, 5001, &is_l), wild_new);
	tcp_close(vs, wild_new);
	assert_null(find(vs, me, 80, peer, 5001, &is_l));
	assert_false(is_l);
	assert_ptr_equal(find(vs, me, 80, peer, 5000, NULL), c);
	host_free(h);
}

/* bind's conflict check walks the port's chain: ports sharing a chain do
 * not conflict, the same port does until its holder goes. */
static void test_bind_by_port(void **state)
{
	struct fake_host *h = host_new();
	struct vstack *vs = &h->vs;
	struct vs_addr any = v4(0);
	struct tcp_sock *a = tcp_sock_new(vs, AF_INET);
	struct tcp_sock *b = tcp_sock_new(vs, AF_INET);
	struct tcp_sock *c = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_bind(vs, a, &any, 5000), 0);
	assert_int_equal(tcp_bind(vs, b, &any, 5000 + TCP_BIND_BUCKETS), 0);
	assert_int_equal(tcp_bind(vs, c, &any, 5000), -EADDRINUSE);
	/* An accepted child holds its port too (bound by the handshake). */
	struct tcp_sock *child = conn(vs, v4(0x0a000001), 6000, v4(0x0a000002), 7000,
				      VWIRE_TCP_ESTABLISHED);
	tcp_table_bind_hash(vs, child);
	assert_int_equal(tcp_bind(vs, c, &any, 6000), -EADDRINUSE);
	tcp_destroy(child);
	assert_int_equal(tcp_bind(vs, c, &any, 6000), 0);
	tcp_destroy(a);
	struct tcp_sock *d = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_bind(vs, d, &any, 5000), 0);
	host_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_listener_and_connection_precedence),
		cmocka_unit_test(test_bind_by_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
