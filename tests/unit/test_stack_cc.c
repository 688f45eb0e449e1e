/* Congestion control (stack/tcp_cc.c, tcp_cubic.c, tcp_reno.c): CUBIC's
 * window function against RFC 9438's W(t) = C (t - K)^3 + W_max with
 * K = cbrt(W_max (1 - beta) / C), C = 0.4, beta = 0.7, computed here in
 * floating point; its multiplicative decrease and fast convergence;
 * Reno's slow start and one-per-window growth; selection by name. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

struct fx {
	struct fake_host h;
	struct tcp_sock *ts;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	fake_host_init(&f->h, "192.168.0.1", 7);
	f->ts = tcp_sock_alloc(&f->h.vs, AF_INET);
	f->ts->mss_cache = 1000;
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

static void test_cube_root(void **state)
{
	(void)state;
	assert_int_equal(tcp_cubic_root(0), 0);
	assert_int_equal(tcp_cubic_root(26), 2);
	assert_int_equal(tcp_cubic_root(27), 3);
	assert_int_equal(tcp_cubic_root(1000000000000ULL), 10000);
	assert_int_equal(tcp_cubic_root(999999999999ULL), 9999);
}

/* W(t) from RFC 9438 4.2, t in seconds. */
static double rfc_w(double wmax, double t)
{
	const double c = 0.4, beta = 0.7;
	double k = cbrt(wmax * (1 - beta) / c);
	return c * pow(t - k, 3) + wmax;
}

static void test_window_function_matches_rfc9438(void **state)
{
	(void)state;
	const uint32_t wmaxes[] = { 10, 100, 1000, 5000 };
	for (size_t i = 0; i < sizeof(wmaxes) / sizeof(wmaxes[0]); i++) {
		uint32_t wmax = wmaxes[i];
		uint32_t cwnd = wmax * 717 / 1024;          /* after the decrease */
		uint32_t K = tcp_cubic_K(wmax, cwnd);
		double k_rfc = cbrt((wmax - cwnd) / 0.4);
		assert_true(fabs(K / 1024.0 - k_rfc) < 0.01 + k_rfc * 0.01);
		for (double t = 0; t < 3 * k_rfc + 2; t += 0.25) {
			uint32_t w = tcp_cubic_target(wmax, K, (uint64_t)(t * 1024));
			/* the RFC's W with the same (integer-window) K */
			double want = 0.4 * pow(t - K / 1024.0, 3) + wmax;
			if (want < 0)
				continue;
			assert_true(fabs(w - want) <= 1.0 + want * 0.002);
		}
		/* the curve is flat at K, where it reaches W_max */
		assert_int_equal(tcp_cubic_target(wmax, K, K), wmax);
		assert_true(fabs(rfc_w(wmax, k_rfc) - wmax) < 1e-6);
	}
}

static void test_cubic_decrease_and_fast_convergence(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	tcp_cc_select(ts);
	assert_ptr_equal(ts->cc, &tcp_cubic_ops);
	ts->cwnd = 100;
	assert_int_equal(tcp_cc_ssthresh(ts), 70);        /* beta 0.7 */
	/* a second loss below the last W_max: W_max shrinks further
	 * (RFC 9438 4.7), the window still by beta */
	ts->cwnd = 80;
	assert_int_equal(tcp_cc_ssthresh(ts), 56);
	ts->cwnd = 2;
	assert_int_equal(tcp_cc_ssthresh(ts), 2);         /* floor */
}

static void test_reno_growth(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	snprintf(ts->cong_name, sizeof(ts->cong_name), "reno");
	tcp_cc_select(ts);
	assert_ptr_equal(ts->cc, &tcp_reno_ops);
	ts->is_cwnd_limited = true;
	ts->cwnd = 10;
	ts->ssthresh = 14;
	tcp_cc_cong_avoid(ts, 2);            /* slow start: one per packet */
	assert_int_equal(ts->cwnd, 12);
	tcp_cc_cong_avoid(ts, 5);            /* to ssthresh, then 3 counted */
	assert_int_equal(ts->cwnd, 14);
	assert_int_equal(ts->cwnd_cnt, 3);
	tcp_cc_cong_avoid(ts, 11);           /* a full window: one more */
	assert_int_equal(ts->cwnd, 15);
	assert_int_equal(ts->cwnd_cnt, 0);
	ts->cwnd = 10;
	assert_int_equal(tcp_cc_ssthresh(ts), 5);
	/* not cwnd-limited: no growth (RFC 7661's spirit, as Linux) */
	ts->is_cwnd_limited = false;
	ts->max_packets_out = 2;
	ts->ssthresh = 100;
	tcp_cc_cong_avoid(ts, 4);
	assert_int_equal(ts->cwnd, 10);
}

static void test_unknown_name_falls_back_to_cubic(void **state)
{
	struct fx *f = *state;
	assert_null(tcp_cc_find("vegas"));
	snprintf(f->ts->cong_name, sizeof(f->ts->cong_name), "vegas");
	tcp_cc_select(f->ts);
	assert_ptr_equal(f->ts->cc, &tcp_cubic_ops);
}

/* TSO autosizing: one segment carries about 1 ms of the pacing rate
 * (cwnd * mss / srtt, times 2 in early slow start, 1.2 after), never fewer
 * than tcp_min_tso_segs segments, never more than the device maximum; with
 * no RTT sample yet nothing is paced. */
static void test_tso_autosize_follows_pacing_rate(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	const uint32_t max = 64000;
	ts->cwnd = 10;
	ts->ssthresh = 0x7fffffff;
	f->h.vs.knobs.tcp_min_tso_segs = 2;
	ts->rto.srtt_us = 0;
	ts->rto.have_sample = false;
	assert_int_equal(tcp_pacing_rate(ts), 0);
	assert_int_equal(tcp_tso_autosize(ts, 1000, max), max);

	/* 10 ms RTT: 2 * 10 * 1000 B / 10 ms = 2 MB/s, 1953 B per ms: the
	 * 2-segment floor wins. */
	ts->rto.srtt_us = 10000;
	ts->rto.min_rtt_us = 10000;
	ts->rto.have_sample = true;
	assert_int_equal(tcp_pacing_rate(ts), 2000000);
	assert_int_equal(tcp_tso_autosize(ts, 1000, max), 2000);
	f->h.vs.knobs.tcp_min_tso_segs = 1;
	assert_int_equal(tcp_tso_autosize(ts, 1000, max), 1000);

	/* 1 ms RTT, cwnd 100: 200 MB/s is 195312 B per ms, capped at max. */
	ts->cwnd = 100;
	ts->rto.srtt_us = 1000;
	ts->rto.min_rtt_us = 1000;
	assert_int_equal(tcp_tso_autosize(ts, 1000, max), max);

	/* Past early slow start the ratio is 120%: 10 segments of 1000 B per
	 * 2 ms is 6 MB/s, 5859 B per ms, plus 64 KB >> (2000 >> 9) = 8192 B
	 * for the short path: 14051 B, 14 segments. */
	ts->cwnd = 10;
	ts->ssthresh = 10;
	ts->rto.srtt_us = 2000;
	ts->rto.min_rtt_us = 2000;
	assert_int_equal(tcp_pacing_rate(ts), 6000000);
	assert_int_equal(tcp_tso_autosize(ts, 1000, max), 14000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cube_root),
		T(test_window_function_matches_rfc9438),
		T(test_cubic_decrease_and_fast_convergence),
		T(test_reno_growth),
		T(test_unknown_name_falls_back_to_cubic),
		T(test_tso_autosize_follows_pacing_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
