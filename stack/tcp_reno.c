/* Reno/NewReno (RFC 5681, 6582): halve on loss, one segment per window
 * in congestion avoidance. */
#include "tcp_internal.h"

static void reno_cong_avoid(struct tcp_sock *ts, uint32_t acked)
{
	if (!tcp_is_cwnd_limited(ts))
		return;
	if (ts->cwnd < ts->ssthresh) {
		acked = tcp_slow_start(ts, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(ts, ts->cwnd, acked);
}

static uint32_t reno_ssthresh(struct tcp_sock *ts)
{
	uint32_t h = ts->cwnd >> 1;
	return h > 2 ? h : 2;
}

static uint32_t reno_undo_cwnd(struct tcp_sock *ts)
{
	return ts->cwnd > ts->prior_cwnd ? ts->cwnd : ts->prior_cwnd;
}

const struct tcp_cc_ops tcp_reno_ops = {
	.name = "reno",
	.ssthresh = reno_ssthresh,
	.cong_avoid = reno_cong_avoid,
	.undo_cwnd = reno_undo_cwnd,
};
