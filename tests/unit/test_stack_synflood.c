/* SYN flood (RFC 4987) against one listener, in virtual time.
 *
 * VWIRE_FLOOD_SYNS SYNs (default 200000; `make bench` sends a million) from
 * spoofed sources reach a listener with backlog 128 and tcp_syncookies=1,
 * one every 400 virtual microseconds (2500 SYN/s), SYN-ACK timers running
 * as the clock moves: 80 virtual seconds by default, long enough for the
 * queued requests to expire (63 s with tcp_synack_retries=5) and the queue
 * to fill again, and for the cookie counter to roll over. Asserted:
 *   - the heap the stack holds stays under FLOOD_MEM_BOUND whatever the
 *     count (the SYN queue is capped at backlog + 1 requests; past that
 *     every SYN is answered with a cookie and nothing is kept);
 *   - a legitimate client that connects halfway through completes its
 *     handshake (from a cookie) and moves data both ways;
 *   - ACKs from spoofed sources carrying tampered cookies get a RST and no
 *     socket.
 * The SYNs vary MSS (1200-1499) and one in four has no timestamps, so all
 * four cookie MSS indexes and both cookie kinds are in play. A second run
 * with tcp_syncookies=0 checks the queue alone stays capped and drops the
 * rest. Heap is mallinfo2's uordblks after the fake link's queue is
 * drained, so what is measured is the stack's own memory. With VWIRE_FLOOD_VERBOSE set
 * the figures go to stdout as "bench-synflood:" lines. */
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
#include "tcp_syncookie.h"

#define PORT 80
#define BACKLOG 128
#define SYN_GAP_US 400
/* backlog+1 requests (~200 B each), the queue's hash buckets, the listener
 * and one established connection with its buffers: measured ~60 KB. */
#define FLOOD_MEM_BOUND (128u * 1024)
#define TAMPER_EVERY 1000   /* one spoofed source in this many answers badly */

static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks;
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

struct flood {
	struct fake_host srv, cli;
	struct tcp_sock *lis;
	uint64_t rsts_to_tamper, tampered;
	size_t heap_peak, heap0;
};

/* A spoofed source in 198.18.0.0/15 (RFC 2544's benchmarking range). */
static struct vs_addr spoofed(uint32_t r)
{
	struct vs_addr a = { .family = AF_INET };
	uint32_t ip = 0xc6120000u | (r & 0x1ffff);
	a.u.v4.s_addr = htonl(ip);
	return a;
}

static void inject_syn(struct flood *f, const struct vs_addr *src, uint16_t sport, uint32_t isn)
{
	uint8_t buf[64];
	struct tseg s = { .sport = sport, .dport = PORT, .seq = isn, .flags = TH_SYN,
			  .win = 64240, .syn_opts = true,
			  .opt = { .mss_ok = true, .mss = (uint16_t)(1200 + isn % 300),
				   .sack_ok = true, .ts_ok = isn % 4 != 0, .tsval = isn,
				   .ws_ok = true, .ws = 7 } };
	size_t n = tu_build(buf, &s, src, &f->srv.vs.local_addr);
	tcp_input(&f->srv.vs, src, &f->srv.vs.local_addr, 0, buf, n);
}

/* Whether a SYN-ACK's ISN is a cookie (a queued request's retransmitted
 * SYN-ACK is not: tampering with those is another test's business). */
static bool is_cookie(struct flood *f, const struct fake_pkt *p, const struct tseg *s)
{
	struct tcp_cookie_tuple t;
	memset(&t, 0, sizeof(t));
	t.laddr = p->src;
	t.raddr = p->dst;
	t.lport = s->sport;
	t.rport = s->dport;
	t.peer_isn = s->ack - 1;
	return tcp_cookie_decode(f->srv.vs.seed, &t, tcp_cookie_counter(f->srv.vs.now_usecs),
				 s->seq) >= 0;
}

/* The server's output: packets for the client go to it; SYN-ACKs to
 * spoofed sources vanish, except that one in TAMPER_EVERY is answered with
 * its cookie altered, which must earn a RST. */
static void route_server_output(struct flood *f)
{
	struct fake_pkt *p;
	while ((p = fake_host_pop(&f->srv)) != NULL) {
		if (vs_addr_eq(&p->dst, &f->cli.vs.local_addr)) {
			tcp_input(&f->cli.vs, &p->src, &p->dst, 0, p->data, p->len);
			free(p);
			continue;
		}
		struct tseg s;
		assert_true(tu_parse(p->data, p->len, &s));
		if (s.flags == TH_RST) {
			f->rsts_to_tamper++;
		} else if (s.flags == (TH_SYN | TH_ACK) && s.seq % TAMPER_EVERY == 0 &&
			   is_cookie(f, p, &s)) {
			uint8_t buf[64];
			/* Bits 2 and up: in Linux's layout the low two only move
			 * the MSS index, which a cookie cannot tell from genuine. */
			uint32_t bad = (s.seq ^ (1u << (2 + s.seq % 30))) + 1;
			struct tseg a = { .sport = s.dport, .dport = s.sport, .seq = s.ack,
					  .ack = bad, .flags = TH_ACK, .win = 502,
					  .opt = { .ts_ok = s.opt.ts_ok, .tsval = 1,
						   .tsecr = s.opt.tsval } };
			size_t n = tu_build(buf, &a, &p->dst, &p->src);
			tcp_input(&f->srv.vs, &p->dst, &p->src, 0, buf, n);
			f->tampered++;
		}
		free(p);
	}
}

static void route_client_output(struct flood *f)
{
	struct fake_pkt *p;
	while ((p = fake_host_pop(&f->cli)) != NULL) {
		tcp_input(&f->srv.vs, &p->src, &p->dst, 0, p->data, p->len);
		free(p);
	}
}

static void advance(struct flood *f, int64_t to)
{
	vs_timers_run_until(&f->srv.vs, to);
	vs_timers_run_until(&f->cli.vs, to);
}

static void sample_heap(struct flood *f)
{
	size_t h = heap_in_use();
	if (h > f->heap_peak)
		f->heap_peak = h;
}

/* The legitimate client's whole life, run while the flood goes on: connect,
 * handshake (the server answers with a cookie: its queue is full), then
 * data each way. Returns the server's socket. */
static struct tcp_sock *legit_connect(struct flood *f, struct tcp_sock **cl)
{
	*cl = tcp_sock_new(&f->cli.vs, AF_INET);
	assert_int_equal(tcp_connect(&f->cli.vs, *cl, &f->srv.vs.local_addr, PORT), -EINPROGRESS);
	for (int i = 0; i < 3; i++) {
		route_client_output(f);
		route_server_output(f);
	}
	assert_int_equal(tcp_state(*cl), VWIRE_TCP_ESTABLISHED);
	int err;
	struct tcp_sock *sv = tcp_accept(&f->srv.vs, f->lis, &err);
	assert_non_null(sv);
	assert_int_equal(tcp_state(sv), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(sv->rport, (*cl)->lport);    /* the client's, not a spoofer's */
	assert_int_equal(sv->peer_mss, 1460);         /* cookie index 3, as offered */
	return sv;
}

static void exchange(struct flood *f, struct tcp_sock *cl, struct tcp_sock *sv)
{
	static const char q[] = "GET / HTTP/1.0\r\n\r\n", a[] = "HTTP/1.0 200 OK\r\n\r\n";
	char buf[64];
	assert_int_equal(tcp_send(&f->cli.vs, cl, q, sizeof(q), 0), (ssize_t)sizeof(q));
	route_client_output(f);
	assert_int_equal(tcp_recv(&f->srv.vs, sv, buf, sizeof(buf), 0), (ssize_t)sizeof(q));
	assert_memory_equal(buf, q, sizeof(q));
	assert_int_equal(tcp_send(&f->srv.vs, sv, a, sizeof(a), 0), (ssize_t)sizeof(a));
	route_server_output(f);
	assert_int_equal(tcp_recv(&f->cli.vs, cl, buf, sizeof(buf), 0), (ssize_t)sizeof(a));
	assert_memory_equal(buf, a, sizeof(a));
}

static struct flood *flood_new(void)
{
	struct flood *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->heap0 = heap_in_use();
	fake_host_init(&f->srv, "10.0.0.2", 11);
	fake_host_init(&f->cli, "10.0.0.1", 12);
	f->lis = tcp_sock_new(&f->srv.vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(&f->srv.vs, f->lis, &any, PORT), 0);
	assert_int_equal(tcp_listen(&f->srv.vs, f->lis, BACKLOG), 0);
	f->heap_peak = heap_in_use();
	return f;
}

static void test_flood(void **state)
{
	(void)state;
	uint64_t nsyn = env_u64("VWIRE_FLOOD_SYNS", 200000);
	bool verbose = getenv("VWIRE_FLOOD_VERBOSE") != NULL;
	struct flood *f = flood_new();

	uint32_t rnd = 0x2545f491u;
	struct tcp_sock *cl = NULL, *sv = NULL;
	double c0 = cpu_seconds();
	int64_t v0 = f->srv.vs.now_usecs;
	for (uint64_t i = 0; i < nsyn; i++) {
		uint32_t r = xorshift(&rnd);
		struct vs_addr src = spoofed(r);
		inject_syn(f, &src, (uint16_t)(1024 + (xorshift(&rnd) % 64000)), xorshift(&rnd));
		if (i % 64 == 63) {
			route_server_output(f);
			advance(f, v0 + (int64_t)(i + 1) * SYN_GAP_US);
		}
		if (i % 4096 == 0)
			sample_heap(f);
		if (i == nsyn / 2) {
			route_server_output(f);
			sv = legit_connect(f, &cl);
			exchange(f, cl, sv);
		}
	}
	route_server_output(f);
	double cpu = cpu_seconds() - c0;
	sample_heap(f);
	/* The legitimate connection survived the rest of the flood too. */
	assert_non_null(sv);
	exchange(f, cl, sv);

	struct tcp_synflood_stats st;
	tcp_synflood_stats(&f->srv.vs, &st);
	size_t heap_growth = f->heap_peak - f->heap0;
	if (verbose) {
		printf("bench-synflood: %llu spoofed SYNs, backlog %d, tcp_syncookies=1: "
		       "%.0f SYNs/s handled (CPU, one core, %.3f s; %.1f virtual s)\n",
		       (unsigned long long)nsyn, BACKLOG, (double)nsyn / cpu, cpu,
		       (double)(f->srv.vs.now_usecs - v0) / 1e6);
		printf("bench-synflood: peak heap growth %zu bytes (bound %u), SYN-queue "
		       "memory peak %zu bytes, %d requests at peak (%zu bytes each)\n",
		       heap_growth, FLOOD_MEM_BOUND, st.mem_peak, st.req_peak, st.req_size);
		printf("bench-synflood: %llu cookies sent, %llu requests queued, %llu "
		       "tampered cookie ACKs -> %llu refused, %llu RSTs; legitimate client "
		       "connected and moved data\n",
		       (unsigned long long)st.cookies_sent, (unsigned long long)st.requests,
		       (unsigned long long)f->tampered, (unsigned long long)st.cookies_bad,
		       (unsigned long long)f->rsts_to_tamper);
		printf("bench-synflood: %llu requests expired, %llu SYN-ACK retransmissions\n",
		       (unsigned long long)st.expired, (unsigned long long)st.synack_retrans);
		fflush(stdout);
	}
	/* The queue never held more than the listener admits. */
	assert_true(st.req_peak <= BACKLOG + 1);
	assert_true(st.mem_peak < FLOOD_MEM_BOUND);
	/* Nearly everything past the first backlog's worth went out as cookies. */
	assert_true(st.cookies_sent + st.requests >= nsyn);
	assert_true(st.cookies_sent > nsyn / 2);
	/* Past 63 virtual seconds the first requests timed out and others took
	 * their places: the queue turns over instead of filling for good. */
	if ((int64_t)nsyn * SYN_GAP_US > 64 * 1000000LL) {
		assert_true(st.expired >= BACKLOG);
		assert_true(st.requests > 2 * BACKLOG);
	}
	/* The client's handshake came back as a good cookie. */
	assert_int_equal(st.cookies_ok, 1);
	/* Every tampered cookie refused with a RST, none became a socket. */
	assert_true(f->tampered > 0);
	assert_int_equal(st.cookies_bad, f->tampered);
	assert_int_equal(f->rsts_to_tamper, f->tampered);
	assert_int_equal(st.socks, 2);     /* the listener and the one accepted */
	/* A sanitizer's allocator is invisible to mallinfo2: no bound then. */
	if (f->heap_peak > f->heap0)
		assert_true(heap_growth < FLOOD_MEM_BOUND);

	tcp_close(&f->cli.vs, cl);
	tcp_close(&f->srv.vs, sv);
	fake_host_free(&f->srv);
	fake_host_free(&f->cli);
	free(f);
}

/* Without cookies (tcp_syncookies=0) the queue is the only defence: it
 * stays capped, the rest is dropped, and memory is as bounded as with
 * cookies. (The legitimate client would be refused too: that is what
 * cookies are for.) */
static void test_flood_without_cookies_drops(void **state)
{
	(void)state;
	uint64_t nsyn = env_u64("VWIRE_FLOOD_SYNS", 200000) / 4;
	struct flood *f = flood_new();
	f->srv.vs.knobs.tcp_syncookies = 0;
	uint32_t rnd = 0x9e3779b9u;
	int64_t v0 = f->srv.vs.now_usecs;
	uint64_t synacks = 0;
	for (uint64_t i = 0; i < nsyn; i++) {
		struct vs_addr src = spoofed(xorshift(&rnd));
		inject_syn(f, &src, (uint16_t)(1024 + (xorshift(&rnd) % 64000)), xorshift(&rnd));
		if (i % 64 == 63) {
			synacks += (uint64_t)f->srv.queued;
			fake_host_drain(&f->srv);
			advance(f, v0 + (int64_t)(i + 1) * SYN_GAP_US);
		}
		if (i % 4096 == 0)
			sample_heap(f);
	}
	synacks += (uint64_t)f->srv.queued;
	fake_host_drain(&f->srv);
	sample_heap(f);
	struct tcp_synflood_stats st;
	tcp_synflood_stats(&f->srv.vs, &st);
	assert_int_equal(st.cookies_sent, 0);
	assert_true(st.req_peak <= BACKLOG + 1);
	assert_int_equal(st.requests + st.dropped, nsyn);
	assert_true(st.dropped > nsyn / 2);
	/* one SYN-ACK per request and per retransmission, nothing for drops */
	assert_int_equal(synacks, st.requests + st.synack_retrans);
	assert_int_equal(st.socks, 1);
	if (f->heap_peak > f->heap0)
		assert_true(f->heap_peak - f->heap0 < FLOOD_MEM_BOUND);
	fake_host_free(&f->srv);
	fake_host_free(&f->cli);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_flood_without_cookies_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
