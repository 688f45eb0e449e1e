/* Congestion control core: initial window 10 (RFC 6928), slow start and
 * congestion avoidance (RFC 5681), NewReno-style fast retransmit entry.
 * Part 2 (CUBIC, SACK recovery, RACK) plugs in behind these functions. */
#include "tcp_internal.h"

#define TCP_INIT_CWND 10

uint32_t tcp_flight_size(const struct tcp_sock *ts)
{
	return ts->snd_max - ts->snd_una;
}

void tcp_cc_init(struct tcp_sock *ts)
{
	ts->cwnd = TCP_INIT_CWND;   /* in segments, as Linux counts */
	ts->ssthresh = 0x7fffffff;
	ts->cwnd_cnt = 0;
	ts->dupacks = 0;
	ts->in_recovery = false;
}

void tcp_cc_on_ack(struct tcp_sock *ts, uint32_t acked)
{
	int mss = ts->mss_cache > 0 ? ts->mss_cache : TCP_MSS_DEFAULT;
	uint32_t segs = (acked + mss - 1) / mss;
	if (ts->in_recovery)
		return;
	if (ts->cwnd < ts->ssthresh) {
		ts->cwnd += segs;                      /* slow start */
		if (ts->cwnd > ts->ssthresh)
			ts->cwnd = ts->ssthresh;
	} else {
		ts->cwnd_cnt += segs;                  /* one segment per window */
		if (ts->cwnd_cnt >= ts->cwnd) {
			ts->cwnd_cnt -= ts->cwnd;
			ts->cwnd++;
		}
	}
	if (ts->cwnd > 1000000)
		ts->cwnd = 1000000;
}

static uint32_t half_flight(const struct tcp_sock *ts)
{
	int mss = ts->mss_cache > 0 ? ts->mss_cache : TCP_MSS_DEFAULT;
	uint32_t segs = tcp_flight_size(ts) / mss;
	if (segs > ts->cwnd)
		segs = ts->cwnd;
	return segs / 2 > 2 ? segs / 2 : 2;
}

void tcp_cc_on_rto(struct tcp_sock *ts)
{
	if (!ts->in_recovery || ts->retransmits == 0)
		ts->ssthresh = half_flight(ts);
	ts->cwnd = 1;
	ts->cwnd_cnt = 0;
	ts->in_recovery = false;
	ts->dupacks = 0;
}

void tcp_cc_on_fast_retransmit(struct tcp_sock *ts)
{
	ts->ssthresh = half_flight(ts);
	ts->cwnd = ts->ssthresh;
	ts->in_recovery = true;
	ts->recover = ts->snd_max;
}

void tcp_cc_on_recovery_end(struct tcp_sock *ts)
{
	ts->in_recovery = false;
	ts->cwnd = ts->ssthresh;
	ts->dupacks = 0;
}
