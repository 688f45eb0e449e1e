/* Loss recovery (stack/tcp_recovery.c): PRR's arithmetic against
 * RFC 6937's example (20 segments in flight, one lost, ssthresh 10:
 * one segment out per two delivered) and its slow-start reduction bound;
 * fast recovery entered on the third SACK with RACK (reordering window
 * zero at the dupack threshold) and the lost head resent; the RTO
 * marking everything lost with cwnd back to one. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#define MSS 1000u

struct fx {
	struct fake_host h;
	struct tcp_sock *ts;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	fake_host_init(&f->h, "192.168.0.1", 7);
	struct tcp_sock *ts = tcp_sock_alloc(&f->h.vs, AF_INET);
	ts->state = VWIRE_TCP_ESTABLISHED;
	ts->laddr = tu_v4("192.168.0.1");
	ts->raddr = tu_v4("192.0.2.1");
	ts->mss_cache = MSS;
	ts->sack_ok = true;
	ts->snd_una = ts->snd_max = ts->snd_nxt = ts->snd_buf_seq = 1;
	ts->snd_wnd = 1 << 20;
	snprintf(ts->cong_name, sizeof(ts->cong_name), "reno");
	tcp_cc_select(ts);
	ts->rto.have_sample = true;
	ts->rto.min_rtt_us = ts->rto.srtt_us = 10000;
	f->h.vs.knobs.tcp_recovery = 1;        /* RACK, Linux's default */
	f->h.vs.knobs.tcp_max_reordering = 300;
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

/* n segments of one MSS each, with their bytes in the send buffer. */
static void send_segments(struct tcp_sock *ts, int n)
{
	static const uint8_t zero[MSS];
	for (int i = 0; i < n; i++) {
		tcp_buf_append(&ts->sndbuf, zero, MSS, (size_t)1 << 24);
		tcp_sb_on_send(ts, ts->snd_max, MSS, false, false);
		ts->snd_max += MSS;
	}
	ts->snd_nxt = ts->snd_max;
}

static void sack_seg(struct tcp_sock *ts, int k)
{
	struct tcp_ack_state st = { .first_ackt = -1, .last_ackt = -1, .first_sackt = -1 };
	const uint32_t b[1][2] = { { 1 + (uint32_t)k * MSS, 1 + (uint32_t)(k + 1) * MSS } };
	tcp_sb_sacktag(ts, b, 1, ts->snd_una, &st);
}

static void test_prr_rfc6937_example(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	ts->cwnd = 20;
	send_segments(ts, 20);
	for (int k = 1; k <= 3; k++)
		sack_seg(ts, k);
	tcp_sb_mark_lost(ts, 0);
	tcp_enter_recovery(ts);
	assert_int_equal(ts->ssthresh, 10);     /* Reno halves */
	assert_int_equal(ts->prior_cwnd, 20);
	/* the third dupack: the fast retransmit must go */
	tcp_cwnd_reduction(ts, 1, 1, 0);
	assert_int_equal(ts->cwnd - tcp_packets_in_flight(ts), 1);
	ts->sb.v[0].flags |= SB_RETRANS;
	ts->retrans_out++;
	ts->prr_out++;
	/* then one new segment per two delivered while the pipe exceeds
	 * ssthresh; once it is down to ssthresh, one per one delivered */
	uint32_t delivered = 1;
	for (int k = 4; k < 20; k++) {
		sack_seg(ts, k);
		delivered++;
		int pipe = (int)tcp_packets_in_flight(ts);
		tcp_cwnd_reduction(ts, 1, 0, 0);
		int sends = (int)ts->cwnd - pipe;
		assert_int_equal(sends, pipe > 10 ? (int)(delivered % 2) : 10 - pipe);
		if (sends > 0)
			send_segments(ts, sends);
		assert_true(ts->prr_out <= (delivered * 10 + 19) / 20 ||
			    tcp_packets_in_flight(ts) <= 10);
	}
	assert_int_equal(tcp_packets_in_flight(ts), 10);
	assert_int_equal(ts->prr_out, 10);  /* 6 while proportional, then 4 */
}

static void test_prr_slow_start_reduction_bound(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	ts->cwnd = 10;
	send_segments(ts, 10);
	for (int i = 0; i < 8; i++)
		tcp_sb_mark_lost(ts, i);
	tcp_enter_recovery(ts);
	assert_int_equal(ts->ssthresh, 5);
	sack_seg(ts, 8);
	sack_seg(ts, 9);
	assert_int_equal(tcp_packets_in_flight(ts), 0);
	/* pipe below ssthresh: what was delivered, plus one on a cumulative
	 * ACK, never beyond ssthresh */
	tcp_cwnd_reduction(ts, 2, 0, ACKF_SND_UNA_ADVANCED);
	assert_int_equal(ts->cwnd, 3);
	tcp_cwnd_reduction(ts, 2, 0, 0);
	assert_int_equal(ts->cwnd, 4);
	tcp_cwnd_reduction(ts, 9, 0, 0);
	assert_int_equal(ts->cwnd, 5);
}

static void test_third_sack_enters_recovery(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_segments(ts, 10);
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + 10000);
	struct tcp_opts o = { .nsack = 1 };
	for (int k = 1; k <= 3; k++) {
		o.sack[0][0] = 1 + MSS;
		o.sack[0][1] = 1 + (uint32_t)(k + 1) * MSS;
		tcp_recovery_ack(ts, 1, &o, 0, 1);
		if (k < 3) {
			assert_int_equal(ts->ca_state, TCP_CA_DISORDER);
			assert_int_equal(ts->lost_out, 0);
		}
	}
	assert_int_equal(ts->ca_state, TCP_CA_RECOVERY);
	assert_int_equal(ts->lost_out, 1);          /* only the head precedes */
	assert_int_equal(ts->ssthresh, 5);
	assert_int_equal(ts->retrans_out, 1);
	struct fake_pkt *p = fake_host_pop(&f->h);
	assert_non_null(p);
	struct tseg s;
	assert_true(tu_parse(p->data, p->len, &s));
	assert_int_equal(s.seq, 1);
	assert_int_equal(s.len, MSS);
	free(p);
	/* the ACK of everything ends recovery at ssthresh */
	tcp_buf_drop(&ts->sndbuf, 10 * MSS);
	ts->snd_buf_seq += 10 * MSS;
	ts->snd_una = 1 + 10 * MSS;
	tcp_recovery_ack(ts, ts->snd_una, NULL, 0, 1);
	assert_int_equal(ts->ca_state, TCP_CA_OPEN);
	assert_int_equal(ts->cwnd, 5);
	assert_int_equal(ts->packets_out, 0);
}

static void test_rfc6675_islost_without_rack(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	f->h.vs.knobs.tcp_recovery = 0;
	send_segments(ts, 10);
	struct tcp_opts o = { .nsack = 2 };
	o.sack[0][0] = 1 + 4 * MSS;        /* 5th to 7th */
	o.sack[0][1] = 1 + 7 * MSS;
	o.sack[1][0] = 1 + 8 * MSS;        /* 9th */
	o.sack[1][1] = 1 + 9 * MSS;
	tcp_recovery_ack(ts, 1, &o, 0, 1);
	assert_int_equal(ts->ca_state, TCP_CA_RECOVERY);
	/* four SACKed above segments 1-4: lost; the 8th has only one above */
	assert_int_equal(ts->lost_out, 4);
	assert_true(ts->sb.v[0].flags & SB_LOST);
	assert_int_equal(ts->sb.v[7].start, 1 + 7 * MSS);
	assert_false(ts->sb.v[7].flags & SB_LOST);
}

static void test_rto_marks_all_lost(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	ts->cwnd = 10;
	send_segments(ts, 6);
	sack_seg(ts, 4);
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + 300000);
	tcp_enter_loss(ts);
	assert_int_equal(ts->ca_state, TCP_CA_LOSS);
	assert_int_equal(ts->lost_out, 5);          /* all but the SACKed one */
	assert_int_equal(ts->cwnd, 1);
	assert_int_equal(ts->ssthresh, 5);
	assert_true(tcp_retransmit_ent(ts, 0, 1) == 0);
	assert_int_equal(ts->retrans_out, 1);
	assert_int_equal(tcp_packets_in_flight(ts), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_prr_rfc6937_example),
		T(test_prr_slow_start_reduction_bound),
		T(test_third_sack_enters_recovery),
		T(test_rfc6675_islost_without_rack),
		T(test_rto_marks_all_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
