/* Soak: two engine instances joined by a virtual link that drops,
 * duplicates, reorders and delays segments at random (seeded). Data moves
 * both ways at once; every byte must arrive intact and in order, then both
 * sides close cleanly.
 *
 * Small by default (16 MB, make test); VWIRE_SOAK_MB=<n> sets the megabytes each
 * way (tests/bench/bench-stack.sh uses 100), VWIRE_SOAK_SEED the seed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"
#include "bench_test_util.h"

#define PORT 7777

struct held {                 /* a packet on the link */
	struct held *next;
	int64_t due;
	int to;                   /* index of the receiving host */
	struct vs_addr src, dst;
	size_t len;
	uint8_t data[];
};

struct link {
	struct held *q;           /* sorted by due time */
	uint64_t rng;
	int drop_pm, dup_pm;      /* per mille */
	int64_t delay_us, jitter_us;
	uint64_t sent, dropped, duplicated;
};

static uint64_t rnd(struct link *l)
{
	l->rng ^= l->rng << 13;
	l->rng ^= l->rng >> 7;
	l->rng ^= l->rng << 17;
	return l->rng;
}

static uint8_t pattern(uint64_t i, int dir)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL + (uint64_t)dir * 0x51;
	return (uint8_t)(x >> 29 ^ x >> 43);
}

static void link_put(struct link *l, struct held *h)
{
	struct held **p = &l->q;
	while (*p && (*p)->due <= h->due)
		p = &(*p)->next;
	h->next = *p;
	*p = h;
}

/* Queues one wire-sized segment with the link's loss, duplication and
 * delay applied. */
static void link_send_one(struct link *l, const struct fake_pkt *p, const uint8_t *seg,
			  size_t len, int to, int64_t now)
{
	l->sent++;
	int copies = 1;
	if ((int)(rnd(l) % 1000) < l->drop_pm) {
		copies = 0;
		l->dropped++;
	} else if ((int)(rnd(l) % 1000) < l->dup_pm) {
		copies = 2;
		l->duplicated++;
	}
	for (int c = 0; c < copies; c++) {
		struct held *h = malloc(sizeof(*h) + len);
		assert_non_null(h);
		h->due = now + l->delay_us + (int64_t)(rnd(l) % (uint64_t)(l->jitter_us + 1));
		h->to = to;
		h->src = p->src;
		h->dst = p->dst;
		h->len = len;
		memcpy(h->data, seg, len);
		link_put(l, h);
	}
}

/* Like a NIC doing TSO, the link cuts a large segment into pieces that fit
 * a 1500-byte MTU: each loses, duplicates and reorders on its own. */
static void link_take_output(struct link *l, struct fake_host *from, int to, int64_t now)
{
	struct fake_pkt *p;
	while ((p = fake_host_pop(from)) != NULL) {
		size_t doff = (size_t)(p->data[12] >> 4) * 4;
		size_t payload = p->len - doff, chunk = 1500 - 20 - doff;
		if (payload > chunk) {
			uint8_t piece[1500];
			uint32_t seq = tu_get32(p->data + 4);
			for (size_t off = 0; off < payload; off += chunk) {
				size_t n = payload - off < chunk ? payload - off : chunk;
				memcpy(piece, p->data, doff);
				memcpy(piece + doff, p->data + doff + off, n);
				tu_put32(piece + 4, seq + (uint32_t)off);
				if (off + n < payload)
					piece[13] &= (uint8_t)~(TH_PSH | TH_FIN);
				tu_put16(piece + 16, 0);
				tu_put16(piece + 16, tcp_checksum(&p->src, &p->dst, piece, doff + n));
				link_send_one(l, p, piece, doff + n, to, now);
			}
			free(p);
			continue;
		}
		link_send_one(l, p, p->data, p->len, to, now);
		free(p);
	}
}

struct side {
	struct fake_host host;
	struct tcp_sock *ts;
	uint64_t sent, received, total;
	uint8_t buf[65536];
};

static void pump_app(struct side *s, int dir)
{
	struct vstack *vs = &s->host.vs;
	if (!s->ts || tcp_state(s->ts) == VWIRE_TCP_SYN_SENT)
		return;
	/* Generate the pattern only when the socket will take some of it. */
	while (s->sent < s->total && (tcp_poll(vs, s->ts) & POLLOUT)) {
		size_t n = s->total - s->sent < 16384 ? s->total - s->sent : 16384;
		for (size_t i = 0; i < n; i++)
			s->buf[i] = pattern(s->sent + i, dir);
		ssize_t r = tcp_send(vs, s->ts, s->buf, n, 0);
		if (r <= 0) {
			assert_int_equal(r, -EAGAIN);
			break;
		}
		s->sent += (uint64_t)r;
	}
	for (;;) {
		ssize_t r = tcp_recv(vs, s->ts, s->buf, sizeof(s->buf), 0);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (s->buf[i] != pattern(s->received + (uint64_t)i, !dir))
				fail_msg("byte %llu corrupt", (unsigned long long)(s->received + (uint64_t)i));
		s->received += (uint64_t)r;
	}
}

static int64_t min_next(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static void run_soak(uint64_t bytes, uint64_t seed, int drop_pm, int dup_pm)
{
	struct side *s = calloc(2, sizeof(*s));
	assert_non_null(s);
	fake_host_init(&s[0].host, "10.0.0.1", seed);
	fake_host_init(&s[1].host, "10.0.0.2", seed + 1);
	struct link l = { .rng = seed * 2654435761u + 1, .drop_pm = drop_pm, .dup_pm = dup_pm,
			  .delay_us = 5000, .jitter_us = 3000 };
	s[0].total = s[1].total = bytes;
	struct vstack *a = &s[0].host.vs, *b = &s[1].host.vs;
	struct tcp_sock *lis = tcp_sock_new(b, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(b, lis, &any, PORT), 0);
	assert_int_equal(tcp_listen(b, lis, 8), 0);
	s[0].ts = tcp_sock_new(a, AF_INET);
	struct vs_addr bad = b->local_addr;
	assert_int_equal(tcp_connect(a, s[0].ts, &bad, PORT), -EINPROGRESS);
	clock_t cpu0 = clock();
	int64_t now = a->now_usecs;
	int64_t limit = now + (int64_t)(600 + bytes / 20000) * 1000000; /* virtual seconds */
	bool closed = false;
	while (now < limit) {
		if (!s[1].ts && !closed) {
			int err;
			s[1].ts = tcp_accept(b, lis, &err);
		}
		pump_app(&s[0], 0);
		pump_app(&s[1], 1);
		bool done = s[0].received == bytes && s[1].received == bytes;
		if (done && !closed) {
			tcp_close(a, s[0].ts);
			tcp_close(b, s[1].ts);
			tcp_close(b, lis);
			/* the engine owns (and frees) them now */
			s[0].ts = s[1].ts = NULL;
			closed = true;
		}
		link_take_output(&l, &s[0].host, 1, now);
		link_take_output(&l, &s[1].host, 0, now);
		int64_t next = min_next(vs_timers_next(a), vs_timers_next(b));
		if (l.q)
			next = min_next(next, l.q->due);
		if (next < 0)
			break;               /* nothing left to happen */
		if (next < now)
			next = now;
		now = next;
		vs_timers_run_until(a, now);
		vs_timers_run_until(b, now);
		while (l.q && l.q->due <= now) {
			struct held *h = l.q;
			l.q = h->next;
			struct vstack *to = &s[h->to].host.vs;
			tcp_input(to, &h->src, &h->dst, 0, h->data, h->len);
			free(h);
		}
		if (closed && a->tcp->count == 0 && b->tcp->count == 0)
			break;
	}
	double cpu = (double)(clock() - cpu0) / CLOCKS_PER_SEC;
	if (getenv("VWIRE_SOAK_VERBOSE"))
		fprintf(stderr, "soak: %llu bytes each way, %llu segments (%.0f/s CPU, "
			"link included), %llu dropped, %llu duplicated, %.1f virtual s, "
			"%.2f s CPU\n", (unsigned long long)bytes,
			(unsigned long long)l.sent, cpu > 0 ? (double)l.sent / cpu : 0.0,
			(unsigned long long)l.dropped, (unsigned long long)l.duplicated,
			(double)(now - 1000000) / 1e6, cpu);
	for (int i = 0; i < 2 && getenv("VWIRE_SOAK_VERBOSE"); i++) {
		struct tcp_sock *t = s[i].ts;
		if (!t || (s[0].received == bytes && s[1].received == bytes))
			continue;
		fprintf(stderr, "side %d: state %d una %u nxt %u max %u wnd %u cwnd %u ssth %u "
			"rcv_nxt %u adv %u rcvbuf %zu sndbuf %zu rexmit %d(%lld) persist %d "
			"retrans %d backoff %d recov %d dup %d\n", i, t->state, t->snd_una,
			t->snd_nxt, t->snd_max, t->snd_wnd, t->cwnd, t->ssthresh, t->rcv_nxt,
			t->rcv_adv, t->rcvbuf.len, t->sndbuf.len, vs_timer_armed(&t->rexmit_timer),
			(long long)t->rexmit_timer.deadline, vs_timer_armed(&t->persist_timer),
			t->retransmits, t->backoff, t->in_recovery, t->dupacks);
	}
	assert_int_equal(s[0].received, bytes);
	assert_int_equal(s[1].received, bytes);
	assert_true(closed);
	/* both ends closed; TIME-WAIT (60 s) has run out too */
	assert_int_equal(a->tcp->count, 0);
	assert_int_equal(b->tcp->count, 0);
	while (l.q) {
		struct held *h = l.q;
		l.q = h->next;
		free(h);
	}
	fake_host_free(&s[0].host);
	fake_host_free(&s[1].host);
	free(s);
}

static void test_clean_link(void **state)
{
	run_soak(env_u64("VWIRE_SOAK_MB", 16) << 20, env_u64("VWIRE_SOAK_SEED", 1), 0, 0);
}

static void test_lossy_link(void **state)
{
	run_soak(env_u64("VWIRE_SOAK_MB", 16) << 20, env_u64("VWIRE_SOAK_SEED", 7), 10, 10);
}

static void test_very_lossy_link(void **state)
{
	run_soak((env_u64("VWIRE_SOAK_MB", 16) << 20) / 4, env_u64("VWIRE_SOAK_SEED", 11), 80, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_link),
		cmocka_unit_test(test_lossy_link),
		cmocka_unit_test(test_very_lossy_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
