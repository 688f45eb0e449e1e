/* RACK (RFC 8985, stack/tcp_rack.c): the reordering window is min_rtt/4
 * once reordering was seen, zero at the dupack threshold or in recovery;
 * a segment is lost when one sent after it was delivered and RTT plus
 * the window has passed since it was sent, else the wait is returned. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#define MSS 1000u
#define RTT 10000

struct fx {
	struct fake_host h;
	struct tcp_sock *ts;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	fake_host_init(&f->h, "192.168.0.1", 7);
	struct tcp_sock *ts = tcp_sock_alloc(&f->h.vs, AF_INET);
	ts->mss_cache = MSS;
	ts->sack_ok = true;
	ts->snd_una = ts->snd_max = 1;
	ts->rto.have_sample = true;
	ts->rto.min_rtt_us = RTT;
	ts->rto.srtt_us = RTT;
	f->ts = ts;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tcp_destroy(f->ts);
	fake_host_free(&f->h);
	free(f);
	return 0;
}

/* n single-MSS segments, each sent `gap` microseconds after the last. */
static void send_spaced(struct fx *f, int n, int64_t gap)
{
	for (int i = 0; i < n; i++) {
		tcp_sb_on_send(f->ts, f->ts->snd_max, MSS, false, false);
		f->ts->snd_max += MSS;
		vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + gap);
	}
}

static void sack(struct tcp_sock *ts, uint32_t l, uint32_t r)
{
	struct tcp_ack_state st = { .first_ackt = -1, .last_ackt = -1, .first_sackt = -1 };
	const uint32_t b[1][2] = { { l, r } };
	tcp_sb_sacktag(ts, b, 1, ts->snd_una, &st);
}

static void test_reo_wnd_rules(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_spaced(f, 5, 0);
	sack(ts, 4001, 5001);
	assert_int_equal(tcp_rack_reo_wnd(ts), RTT / 4);     /* below dupthresh */
	sack(ts, 2001, 4001);
	assert_int_equal(ts->sacked_out, 3);
	ts->reord_seen = 0;
	assert_int_equal(tcp_rack_reo_wnd(ts), 0);           /* dupthresh met */
	ts->reord_seen = 1;
	assert_int_equal(tcp_rack_reo_wnd(ts), RTT / 4);     /* reordering seen */
	ts->rack.reo_wnd_steps = 8;                          /* D-SACK steps, capped */
	assert_int_equal(tcp_rack_reo_wnd(ts), RTT);
}

static void test_lost_after_rtt_plus_window(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_spaced(f, 2, 1000);           /* sent at t0 and t0 + 1 ms */
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + RTT - 1000);
	sack(ts, 1001, 2001);              /* the second arrives after 10 ms */
	assert_int_equal(ts->rack.rtt_us, RTT);
	uint32_t wait;
	tcp_rack_detect_loss(ts, &wait);
	assert_int_equal(ts->lost_out, 0);
	/* 11 ms since the first was sent; it may wait 10 + 2.5 ms */
	assert_int_equal(wait, RTT + RTT / 4 - 11000);
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + wait);
	tcp_rack_detect_loss(ts, &wait);
	assert_int_equal(ts->lost_out, 1);
	assert_int_equal(wait, 0);
	assert_true(ts->sb.v[0].flags & SB_LOST);
}

static void test_nothing_lost_that_was_sent_later(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_spaced(f, 3, 1000);
	sack(ts, 1, 1001);                 /* the oldest delivered */
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + 10 * RTT);
	uint32_t wait;
	tcp_rack_detect_loss(ts, &wait);
	assert_int_equal(ts->lost_out, 0); /* RTO's job, not RACK's */
	assert_int_equal(wait, 0);
}

static void test_quick_sack_of_retransmission_is_ignored(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_spaced(f, 2, 0);
	ts->sb.v[1].flags |= SB_EVER_RETRANS;
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + RTT / 2);
	tcp_rack_advance(ts, ts->sb.v[1].flags, ts->sb.v[1].end, ts->sb.v[1].xmit_us);
	assert_false(ts->rack.advanced);   /* under min_rtt: the original's ACK */
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + RTT);
	tcp_rack_advance(ts, ts->sb.v[1].flags, ts->sb.v[1].end, ts->sb.v[1].xmit_us);
	assert_true(ts->rack.advanced);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reo_wnd_rules),
		T(test_lost_after_rtt_plus_window),
		T(test_nothing_lost_that_was_sent_later),
		T(test_quick_sack_of_retransmission_is_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
