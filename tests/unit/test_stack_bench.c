/* Figures for tests/bench/bench-stack.sh, and a quick sanity run in make
 * test: segments per second through the engine on one core, bytes per
 * second of a bulk transfer between two instances over a clean virtual
 * link, heap bytes per established connection and per TIME-WAIT entry.
 *
 * VWIRE_BENCH_MB (default 4) sets the transfer size, VWIRE_BENCH_CONNS
 * (default 200) the number of connections measured for memory. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <time.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"
#include "bench_test_util.h"

#define PORT 9000

static double wall_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks;
}

/* Moves every queued packet of one host into the other: a clean link with
 * no delay. Returns how many moved. */
static uint64_t shuttle(struct fake_host *from, struct fake_host *to)
{
	uint64_t n = 0;
	struct fake_pkt *p;
	while ((p = fake_host_pop(from)) != NULL) {
		tcp_input(&to->vs, &p->src, &p->dst, 0, p->data, p->len);
		free(p);
		n++;
	}
	return n;
}

struct pair {
	struct fake_host a, b;
	struct tcp_sock *lis;
};

static void pair_init(struct pair *p)
{
	fake_host_init(&p->a, "10.0.0.1", 3);
	fake_host_init(&p->b, "10.0.0.2", 4);
	/* A buffer as large as Linux autotunes to, for bulk throughput. */
	p->lis = tcp_sock_new(&p->b.vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(&p->b.vs, p->lis, &any, PORT), 0);
	assert_int_equal(tcp_listen(&p->b.vs, p->lis, 4096), 0);
}

/* Steps both clocks to the next timer of either instance. */
static void step_time(struct pair *p, int64_t max_step)
{
	int64_t na = vs_timers_next(&p->a.vs), nb = vs_timers_next(&p->b.vs);
	int64_t next = na < 0 ? nb : (nb < 0 || na < nb ? na : nb);
	int64_t now = p->a.vs.now_usecs;
	if (next < 0 || next > now + max_step)
		next = now + max_step;
	vs_timers_run_until(&p->a.vs, next);
	vs_timers_run_until(&p->b.vs, next);
}

static struct tcp_sock *connect_one(struct pair *p)
{
	struct tcp_sock *c = tcp_sock_new(&p->a.vs, AF_INET);
	assert_int_equal(tcp_connect(&p->a.vs, c, &p->b.vs.local_addr, PORT), -EINPROGRESS);
	for (int i = 0; i < 4; i++) {
		shuttle(&p->a, &p->b);
		shuttle(&p->b, &p->a);
	}
	assert_int_equal(tcp_state(c), VWIRE_TCP_ESTABLISHED);
	return c;
}

static void test_bulk_throughput(void **state)
{
	uint64_t bytes = env_u64("VWIRE_BENCH_MB", 4) << 20;
	struct pair *p = calloc(1, sizeof(*p));
	pair_init(p);
	struct tcp_sock *c = connect_one(p);
	int err;
	struct tcp_sock *srv = tcp_accept(&p->b.vs, p->lis, &err);
	assert_non_null(srv);
	uint8_t *buf = malloc(65536);
	assert_non_null(buf);
	for (size_t i = 0; i < 65536; i++)
		buf[i] = (uint8_t)(i * 31);
	uint64_t sent = 0, got = 0, segs = 0;
	double c0 = cpu_seconds(), w0 = wall_seconds();
	int64_t v0 = p->a.vs.now_usecs;
	while (got < bytes) {
		while (sent < bytes) {
			size_t n = bytes - sent < 65536 ? bytes - sent : 65536;
			ssize_t r = tcp_send(&p->a.vs, c, buf, n, 0);
			if (r <= 0)
				break;
			sent += (uint64_t)r;
		}
		uint64_t moved = shuttle(&p->a, &p->b);
		for (;;) {
			ssize_t r = tcp_recv(&p->b.vs, srv, buf, 65536, 0);
			if (r <= 0)
				break;
			got += (uint64_t)r;
		}
		moved += shuttle(&p->b, &p->a);
		segs += moved;
		if (!moved)
			step_time(p, 1000);   /* wait for a delayed ACK */
	}
	double cpu = cpu_seconds() - c0, wall = wall_seconds() - w0;
	/* Data goes out GSO-style (up to 64 KB a packet): report packets and
	 * MSS-sized segment equivalents. */
	double mss_segs = (double)bytes / (double)c->mss_cache;
	printf("bench-stack: bulk %llu MB one way: %.0f packets/s, %.0f MSS-segments/s "
	       "(CPU, both ends, one core), %.1f MB/s wall, %.3f s CPU, %llu packets, "
	       "%.3f virtual s\n",
	       (unsigned long long)(bytes >> 20), (double)segs / cpu, mss_segs / cpu,
	       (double)bytes / wall / 1e6, cpu, (unsigned long long)segs,
	       (double)(p->a.vs.now_usecs - v0) / 1e6);
	assert_int_equal(got, bytes);
	free(buf);
	fake_host_free(&p->a);
	fake_host_free(&p->b);
	free(p);
}

static void test_memory_per_connection(void **state)
{
	int n = (int)env_u64("VWIRE_BENCH_CONNS", 200);
	struct pair *p = calloc(1, sizeof(*p));
	pair_init(p);
	struct tcp_sock **cl = calloc((size_t)n, sizeof(*cl));
	struct tcp_sock **sv = calloc((size_t)n, sizeof(*sv));
	/* Each established connection has seen a little data both ways, so its
	 * buffers exist as they would in use. */
	size_t h0 = heap_in_use();
	for (int i = 0; i < n; i++) {
		cl[i] = connect_one(p);
		int err;
		sv[i] = tcp_accept(&p->b.vs, p->lis, &err);
		assert_non_null(sv[i]);
		assert_int_equal(tcp_send(&p->a.vs, cl[i], "ping", 4, 0), 4);
		assert_int_equal(tcp_send(&p->b.vs, sv[i], "pong", 4, 0), 4);
		shuttle(&p->a, &p->b);
		shuttle(&p->b, &p->a);
		char b[8];
		assert_int_equal(tcp_recv(&p->b.vs, sv[i], b, sizeof(b), 0), 4);
		assert_int_equal(tcp_recv(&p->a.vs, cl[i], b, sizeof(b), 0), 4);
	}
	size_t h1 = heap_in_use();
	double per_est = (double)(h1 - h0) / (2.0 * n); /* two ends per connection */
	/* Client closes first: its end goes to TIME-WAIT, the server's is freed. */
	for (int i = 0; i < n; i++) {
		tcp_close(&p->a.vs, cl[i]);
		shuttle(&p->a, &p->b);
		shuttle(&p->b, &p->a);
		tcp_close(&p->b.vs, sv[i]);
		shuttle(&p->b, &p->a);
		shuttle(&p->a, &p->b);
	}
	/* Each client end is now a compact TIME-WAIT entry (tcp_timewait.c). */
	assert_int_equal(p->a.vs.tcp->count, 0);
	assert_int_equal(p->a.vs.tcp->tw_n, n);
	size_t h2 = heap_in_use();
	double per_tw = (double)((double)h2 - (double)h0) / n;
	printf("bench-stack: memory: %.0f bytes per established connection end "
	       "(TCB %zu + buffers), %.0f bytes per TIME-WAIT entry (%d connections)\n",
	       per_est, sizeof(struct tcp_sock), per_tw, n);
	/* A sanitizer's allocator is invisible to mallinfo2: no figures then. */
	if (h1 > h0) {
		assert_true(per_tw < per_est);
		assert_true(per_est < 64 * 1024);
	}
	fake_host_free(&p->a);
	fake_host_free(&p->b);
	free(cl);
	free(sv);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_throughput),
		cmocka_unit_test(test_memory_per_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
