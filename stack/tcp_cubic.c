/* CUBIC (RFC 9438) with Linux's defaults: beta 0.7 (717/1024), C 0.4
 * (bic_scale 41), fast convergence, the Reno-friendly region, and HyStart
 * (ACK train and delay increase) ending slow start. Time is in 1/1024 s
 * units as Linux computes W(t) = C (t - K)^3 + W_max. */
#include <string.h>

#include "tcp_internal.h"

#define BETA_SCALE 1024
#define CUBIC_BETA 717              /* 0.7 * 1024 */
#define BIC_SCALE 41                /* C = 0.4: 41 * 10 / 1024 */
#define BICTCP_HZ 10                /* time unit 2^-10 s */
#define CUBE_RTT_SCALE (BIC_SCALE * 10)
#define BETA_SCALE_FRIENDLY (8 * (BETA_SCALE + CUBIC_BETA) / 3 / (BETA_SCALE - CUBIC_BETA))
#define HYSTART_LOW_WINDOW 16
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_ACK_DELTA_US 2000
#define HYSTART_DELAY_MIN_US 4000
#define HYSTART_DELAY_MAX_US 16000
#define HZ_US 1000                  /* Linux's jiffy at HZ=1000 */

struct cubic {
	uint32_t cnt, last_max_cwnd, last_cwnd;
	int64_t last_time, epoch_start;     /* in jiffies; epoch 0: none */
	uint32_t origin_point, K, delay_min, ack_cnt, tcp_cwnd;
	uint8_t sample_cnt, found;
	int64_t round_start, last_ack;      /* us */
	uint32_t end_seq, curr_rtt;
};

_Static_assert(sizeof(struct cubic) <= sizeof(((struct tcp_sock *)0)->cc_priv),
	       "CUBIC state fits the TCB's slot");

static struct cubic *ca(struct tcp_sock *ts)
{
	return (struct cubic *)ts->cc_priv;
}

static int64_t jiffies(const struct tcp_sock *ts)
{
	return vs_now(ts->vs) / HZ_US;
}

/* floor(cbrt(a)) by bisection on 64-bit integers. */
uint64_t tcp_cubic_root(uint64_t a)
{
	uint64_t lo = 0, hi = 2097152; /* 2^21: (2^21)^3 = 2^63 */
	while (lo < hi) {
		uint64_t mid = (lo + hi + 1) / 2;
		if (mid * mid * mid <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* W_cubic(t) in segments, t in 1/1024 s since the epoch began: the target
 * RFC 9438 4.2 gives, in Linux's fixed point. */
uint32_t tcp_cubic_target(uint32_t origin, uint32_t K, uint64_t t)
{
	uint64_t offs = t < K ? K - t : t - K;
	uint32_t delta = (uint32_t)((CUBE_RTT_SCALE * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
	return t < K ? origin - delta : origin + delta;
}

/* K = cbrt(W_max - cwnd) / C), in 1/1024 s. */
uint32_t tcp_cubic_K(uint32_t wmax, uint32_t cwnd)
{
	uint64_t factor = (1ULL << (10 + 3 * BICTCP_HZ)) / CUBE_RTT_SCALE;
	return (uint32_t)tcp_cubic_root(factor * (wmax - cwnd));
}

static void hystart_reset(struct tcp_sock *ts)
{
	struct cubic *c = ca(ts);
	c->round_start = c->last_ack = vs_now(ts->vs);
	c->end_seq = ts->snd_max;
	c->curr_rtt = ~0u;
	c->sample_cnt = 0;
}

static void cubic_reset(struct tcp_sock *ts)
{
	struct cubic *c = ca(ts);
	memset(c, 0, offsetof(struct cubic, sample_cnt));
	c->found = 0;
}

static void cubic_init(struct tcp_sock *ts)
{
	cubic_reset(ts);
	hystart_reset(ts);
}

static void cubic_update(struct tcp_sock *ts, uint32_t cwnd, uint32_t acked)
{
	struct cubic *c = ca(ts);
	int64_t now = jiffies(ts);
	c->ack_cnt += acked;
	if (c->last_cwnd == cwnd && now - c->last_time <= 1000 / 32)
		return;
	if (!(c->epoch_start && now == c->last_time)) {
		c->last_cwnd = cwnd;
		c->last_time = now;
		if (c->epoch_start == 0) {
			c->epoch_start = now ? now : 1;
			c->ack_cnt = acked;
			c->tcp_cwnd = cwnd;
			if (c->last_max_cwnd <= cwnd) {
				c->K = 0;
				c->origin_point = cwnd;
			} else {
				c->K = tcp_cubic_K(c->last_max_cwnd, cwnd);
				c->origin_point = c->last_max_cwnd;
			}
		}
		uint64_t t = (uint64_t)(now - c->epoch_start);
		t += c->delay_min / HZ_US;
		t = (t << BICTCP_HZ) / 1000;
		uint32_t target = tcp_cubic_target(c->origin_point, c->K, t);
		c->cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
		/* Unknown bandwidth: grow at least 5% per RTT at first. */
		if (c->last_max_cwnd == 0 && c->cnt > 20)
			c->cnt = 20;
	}
	/* Reno-friendly region (RFC 9438 4.3). */
	uint32_t delta = (cwnd * BETA_SCALE_FRIENDLY) >> 3;
	if (delta == 0)
		delta = 1;
	while (c->ack_cnt > delta) {
		c->ack_cnt -= delta;
		c->tcp_cwnd++;
	}
	if (c->tcp_cwnd > cwnd) {
		uint32_t max_cnt = cwnd / (c->tcp_cwnd - cwnd);
		if (c->cnt > max_cnt)
			c->cnt = max_cnt;
	}
	if (c->cnt < 2)
		c->cnt = 2;
}

static void cubic_cong_avoid(struct tcp_sock *ts, uint32_t acked)
{
	if (!tcp_is_cwnd_limited(ts))
		return;
	if (ts->cwnd < ts->ssthresh) {
		acked = tcp_slow_start(ts, acked);
		if (!acked)
			return;
	}
	cubic_update(ts, ts->cwnd, acked);
	tcp_cong_avoid_ai(ts, ca(ts)->cnt, acked);
}

static uint32_t cubic_ssthresh(struct tcp_sock *ts)
{
	struct cubic *c = ca(ts);
	c->epoch_start = 0;
	/* Fast convergence (RFC 9438 4.7). */
	if (ts->cwnd < c->last_max_cwnd)
		c->last_max_cwnd = ts->cwnd * (BETA_SCALE + CUBIC_BETA) / (2 * BETA_SCALE);
	else
		c->last_max_cwnd = ts->cwnd;
	uint32_t s = ts->cwnd * CUBIC_BETA / BETA_SCALE;
	return s > 2 ? s : 2;
}

static uint32_t cubic_undo_cwnd(struct tcp_sock *ts)
{
	return ts->cwnd > ts->prior_cwnd ? ts->cwnd : ts->prior_cwnd;
}

static void cubic_set_state(struct tcp_sock *ts, int state)
{
	if (state == TCP_CA_LOSS) {
		cubic_reset(ts);
		hystart_reset(ts);
	}
}

static void cubic_event(struct tcp_sock *ts, enum tcp_ca_event ev)
{
	struct cubic *c = ca(ts);
	if (ev != CA_EVENT_TX_START)
		return;
	/* After an idle period keep to the curve: shift the epoch. */
	int64_t now = jiffies(ts);
	int64_t delta = now - ts->last_data_sent / HZ_US;
	if (c->epoch_start && delta > 0) {
		c->epoch_start += delta;
		if (c->epoch_start > now)
			c->epoch_start = now;
	}
}

static void hystart_update(struct tcp_sock *ts, uint32_t delay)
{
	struct cubic *c = ca(ts);
	int64_t now = vs_now(ts->vs);
	if (seq_gt(ts->snd_una, c->end_seq))
		hystart_reset(ts);
	/* ACK train: closely spaced ACKs spanning half the minimum delay. */
	if (now - c->last_ack <= HYSTART_ACK_DELTA_US) {
		c->last_ack = now;
		uint32_t threshold = (c->delay_min + 1000) >> 1;
		if (now - c->round_start > threshold) {
			c->found = 1;
			ts->ssthresh = ts->cwnd;
		}
	}
	/* Delay increase over the round's first samples. */
	if (c->curr_rtt > delay)
		c->curr_rtt = delay;
	if (c->sample_cnt < HYSTART_MIN_SAMPLES) {
		c->sample_cnt++;
	} else {
		uint32_t th = c->delay_min >> 3;
		th = th < HYSTART_DELAY_MIN_US ? HYSTART_DELAY_MIN_US :
		     th > HYSTART_DELAY_MAX_US ? HYSTART_DELAY_MAX_US : th;
		if (c->curr_rtt > c->delay_min + th) {
			c->found = 1;
			ts->ssthresh = ts->cwnd;
		}
	}
}

static void cubic_acked(struct tcp_sock *ts, uint32_t pkts, int64_t rtt_us)
{
	struct cubic *c = ca(ts);
	(void)pkts;
	if (rtt_us < 0)
		return;
	/* No delay samples for a second after a reduction. */
	if (c->epoch_start && jiffies(ts) - c->epoch_start < 1000)
		return;
	uint32_t delay = rtt_us > 0 ? (uint32_t)rtt_us : 1;
	if (c->delay_min == 0 || c->delay_min > delay)
		c->delay_min = delay;
	if (!c->found && ts->cwnd < ts->ssthresh && ts->cwnd >= HYSTART_LOW_WINDOW)
		hystart_update(ts, delay);
}

const struct tcp_cc_ops tcp_cubic_ops = {
	.name = "cubic",
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.undo_cwnd = cubic_undo_cwnd,
	.set_state = cubic_set_state,
	.cwnd_event = cubic_event,
	.pkts_acked = cubic_acked,
};
