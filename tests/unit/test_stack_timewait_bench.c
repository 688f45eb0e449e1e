/* The cost of many TIME-WAIT entries, in virtual time: VWIRE_TW_CONNS
 * connections (default 5000; tests/bench/bench-timewait.sh runs a
 * million) from distinct peers (10.x.y.z, ports 1024-65535) to one
 * listener. Each is opened by a crafted SYN and ACK, accepted, closed by
 * the stack (so its end is the one in TIME-WAIT, RFC 9293 3.6) and the
 * peer's ACK+FIN; 10 virtual microseconds apart, so that a million are
 * all in TIME-WAIT at once. Measured: CPU time to create them (everything
 * from the SYN to TIME-WAIT, the fake link's queue included), heap held
 * per entry (mallinfo2 growth, mmapped blocks included, once all are in
 * TIME-WAIT and the link drained: the entry, its hash bucket share and its
 * timer heap slot), CPU time for the clock to pass 2*MSL after the last
 * (every entry's timer fires), and that nothing is left. Asserted: all
 * reach TIME-WAIT as compact entries (tcp_timewait.c), all expire, the
 * heap returns to where it was (no per-entry leak), and (without a
 * sanitizer's allocator) an entry holds under 512 bytes, against the
 * 1.7 KB a whole TCB held. VWIRE_TW_VERBOSE prints the figures. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
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

#define PORT 80
#define GAP_US 10 /* 100,000 connections a virtual second: a million fit in 2*MSL */
#define TW_BYTES_BOUND 512

static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd; /* large arrays are mmapped */
}

/* Peer i: 64512 ports per address, addresses from 10.0.0.2 up. */
static void peer_of(uint64_t i, struct vs_addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->u.v4.s_addr = htonl(0x0a000002u + (uint32_t)(i / 64512));
	*port = (uint16_t)(1024 + i % 64512);
}

static void send_seg(struct fake_host *h, const struct vs_addr *src, const struct tseg *s)
{
	uint8_t buf[80];
	size_t n = tu_build(buf, s, src, &h->vs.local_addr);
	tcp_input(&h->vs, src, &h->vs.local_addr, 0, buf, n);
}

/* The stack's one segment to the peer since the last call. */
static struct tseg take_seg(struct fake_host *h, struct fake_pkt **keep)
{
	struct fake_pkt *p = fake_host_pop(h);
	assert_non_null(p);
	struct tseg s;
	assert_true(tu_parse(p->data, p->len, &s));
	fake_host_drain(h);
	*keep = p;
	return s;
}

/* Opens, accepts and closes connection i; its end ends in TIME-WAIT. */
static void one_connection(struct fake_host *h, struct tcp_sock *lis, uint64_t i)
{
	struct vs_addr peer;
	uint16_t port;
	peer_of(i, &peer, &port);
	uint32_t isn = (uint32_t)(i * 2654435761u);
	struct tseg syn = { .sport = port, .dport = PORT, .seq = isn, .flags = TH_SYN,
			    .win = 64240, .syn_opts = true,
			    .opt = { .mss_ok = true, .mss = 1460, .sack_ok = true,
				     .ws_ok = true, .ws = 7 } };
	send_seg(h, &peer, &syn);
	struct fake_pkt *p;
	struct tseg synack = take_seg(h, &p);
	free(p);
	assert_int_equal(synack.flags, TH_SYN | TH_ACK);
	struct tseg ack = { .sport = port, .dport = PORT, .seq = isn + 1,
			    .ack = synack.seq + 1, .flags = TH_ACK, .win = 502 };
	send_seg(h, &peer, &ack);
	int err;
	struct tcp_sock *ts = tcp_accept(&h->vs, lis, &err);
	assert_non_null(ts);
	tcp_close(&h->vs, ts);
	struct tseg fin = take_seg(h, &p);
	free(p);
	assert_true(fin.flags & TH_FIN);
	struct tseg finack = { .sport = port, .dport = PORT, .seq = isn + 1,
			       .ack = fin.seq + 1, .flags = TH_FIN | TH_ACK, .win = 502 };
	send_seg(h, &peer, &finack);
	fake_host_drain(h); /* the stack's ACK of our FIN */
	vs_timers_run_until(&h->vs, h->vs.now_usecs + GAP_US);
}

static void test_timewait_entries(void **state)
{
	uint64_t n = env_u64("VWIRE_TW_CONNS", 5000);
	struct fake_host *h = calloc(1, sizeof(*h));
	fake_host_init(h, "10.0.0.1", 7);
	h->vs.knobs.tcp_timestamps = 0; /* the peer sends none */
	struct tcp_sock *lis = tcp_sock_new(&h->vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(&h->vs, lis, &any, PORT), 0);
	assert_int_equal(tcp_listen(&h->vs, lis, 128), 0);
	size_t heap0 = heap_in_use();
	int64_t virt0 = h->vs.now_usecs;

	double c0 = cpu_seconds();
	for (uint64_t i = 0; i < n; i++)
		one_connection(h, lis, i);
	double c1 = cpu_seconds();
	int64_t virt1 = h->vs.now_usecs;
	size_t heap1 = heap_in_use();
	/* The listener is the one TCB left; every connection is a compact
	 * entry, none expired while the run lasts less than 2*MSL. */
	assert_int_equal(h->vs.tcp->count, 1);
	uint64_t live = (uint64_t)h->vs.tcp->tw_n;
	if (n * GAP_US < 59 * 1000000ULL)
		assert_int_equal(live, n);

	double c2 = cpu_seconds();
	vs_timers_run_until(&h->vs, h->vs.now_usecs + 61 * 1000000LL);
	double c3 = cpu_seconds();
	assert_int_equal(h->vs.tcp->count, 1); /* the listener alone */
	assert_int_equal(h->vs.tcp->tw_n, 0);
	size_t heap2 = heap_in_use();

	double per_tw = live ? ((double)heap1 - (double)heap0) / (double)live : 0;
	if (getenv("VWIRE_TW_VERBOSE")) {
		printf("bench-timewait: %llu connections to TIME-WAIT in %.2f s CPU "
		       "(%.0f per second: SYN, ACK, accept, close, FIN+ACK, one core), "
		       "%.1f virtual s\n", (unsigned long long)n, c1 - c0, (double)n / (c1 - c0),
		       (double)(virt1 - virt0) / 1e6);
		printf("bench-timewait: %llu entries held at once: %.0f bytes each, %.1f MB "
		       "(mallinfo2 heap growth; the entry struct is %zu bytes)\n",
		       (unsigned long long)live, per_tw,
		       ((double)heap1 - (double)heap0) / 1e6, tcp_tw_entry_size());
		printf("bench-timewait: expiring them: %.2f s CPU for the clock to pass "
		       "2*MSL (60 s), %.0f per second; heap after: %+lld bytes\n", c3 - c2,
		       (double)live / (c3 - c2), (long long)heap2 - (long long)heap0);
		printf("bench-timewait: per connection: %.1f us to create, %.1f us to expire\n",
		       (c1 - c0) * 1e6 / (double)n, (c3 - c2) * 1e6 / (double)n);
	}
	/* A sanitizer's allocator is invisible to mallinfo2. */
	if (heap1 > heap0) {
		assert_true(per_tw < TW_BYTES_BOUND);
		assert_true(heap2 <= heap0 + n / 8 + 65536);
	}
	fake_host_free(h);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timewait_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
