/* The congestion-control interface: an ops table per algorithm (CUBIC,
 * the default, and Reno), chosen by TCP_CONGESTION or
 * net.ipv4.tcp_congestion_control, and the parts every algorithm shares
 * as Linux has them: initial window 10 (RFC 6928), slow start with
 * per-packet counting, additive increase with cwnd_cnt, the cwnd-limited
 * test, and restart after idle (tcp_slow_start_after_idle). */
#include <string.h>

#include "tcp_internal.h"

#define TCP_INIT_CWND 10
#define TCP_CWND_CLAMP 1000000u

uint32_t tcp_flight_size(const struct tcp_sock *ts)
{
	return ts->snd_max - ts->snd_una;
}

uint32_t tcp_packets_in_flight(const struct tcp_sock *ts)
{
	if (ts->sb.n == 0) {
		/* nothing on the scoreboard (a SYN's data): count bytes */
		uint32_t mss = (uint32_t)tcp_current_mss(ts);
		uint32_t f = tcp_flight_size(ts);
		return (f + mss - 1) / mss;
	}
	uint32_t left = ts->sacked_out + ts->lost_out;
	uint32_t out = ts->packets_out > left ? ts->packets_out - left : 0;
	return out + ts->retrans_out;
}

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	if (!strcmp(name, "reno"))
		return &tcp_reno_ops;
	if (!strcmp(name, "cubic"))
		return &tcp_cubic_ops;
	return NULL;
}

/* The algorithm named by the socket, (re)initialised when it changed. */
static const struct tcp_cc_ops *ops(struct tcp_sock *ts)
{
	if (!ts->cc || strcmp(ts->cc->name, ts->cong_name))
		tcp_cc_select(ts);
	return ts->cc;
}

void tcp_cc_select(struct tcp_sock *ts)
{
	const struct tcp_cc_ops *o = tcp_cc_find(ts->cong_name);
	ts->cc = o ? o : &tcp_cubic_ops;
	memset(ts->cc_priv, 0, sizeof(ts->cc_priv));
	if (ts->cc->init)
		ts->cc->init(ts);
}

/* Linux's 10 segments (RFC 6928), or with the RFC profile the upper
 * bound of RFC 5681 3.1, min(4*SMSS, max(2*SMSS, 4380 bytes)), in whole
 * segments. */
uint32_t tcp_cc_initial_window(const struct tcp_sock *ts)
{
	if (!ts->vs->knobs.vwire_rfc_profile)
		return TCP_INIT_CWND;
	uint32_t smss = (uint32_t)tcp_current_mss(ts);
	if (smss == 0)
		return 1;
	uint32_t iw = 2 * smss > 4380 ? 2 * smss : 4380;
	if (iw > 4 * smss)
		iw = 4 * smss;
	return iw / smss;
}

void tcp_cc_init(struct tcp_sock *ts)
{
	ts->cwnd = TCP_INIT_CWND;   /* in segments, as Linux counts */
	ts->ssthresh = TCP_INFINITE_SSTHRESH;
	ts->cwnd_cnt = 0;
	ts->dupacks = 0;
	ts->in_recovery = false;
	ts->ca_state = TCP_CA_OPEN;
	ts->reordering = (uint32_t)ts->vs->knobs.tcp_reordering;
	ts->rack.reo_wnd_steps = 1;
	ts->undo_retrans = -1;
	ts->cc = NULL;
}

void tcp_cc_set_state(struct tcp_sock *ts, int state)
{
	const struct tcp_cc_ops *o = ops(ts);
	if (o->set_state)
		o->set_state(ts, state);
	ts->ca_state = (uint8_t)state;
	ts->in_recovery = state == TCP_CA_RECOVERY;
}

void tcp_cc_event(struct tcp_sock *ts, enum tcp_ca_event ev)
{
	const struct tcp_cc_ops *o = ops(ts);
	if (o->cwnd_event)
		o->cwnd_event(ts, ev);
}

/* The hooks the ACK path calls through. */
uint32_t tcp_cc_ssthresh(struct tcp_sock *ts)
{
	return ops(ts)->ssthresh(ts);
}

void tcp_cc_cong_avoid(struct tcp_sock *ts, uint32_t acked)
{
	ops(ts)->cong_avoid(ts, acked);
}

uint32_t tcp_cc_undo_cwnd(struct tcp_sock *ts)
{
	return ops(ts)->undo_cwnd(ts);
}

void tcp_cc_pkts_acked(struct tcp_sock *ts, uint32_t pkts, int64_t rtt_us)
{
	const struct tcp_cc_ops *o = ops(ts);
	if (o->pkts_acked)
		o->pkts_acked(ts, pkts, rtt_us);
}

bool tcp_is_cwnd_limited(const struct tcp_sock *ts)
{
	if (ts->is_cwnd_limited)
		return true;
	/* In slow start, let cwnd grow to twice what was in flight. */
	if (ts->cwnd < ts->ssthresh)
		return ts->cwnd < 2 * ts->max_packets_out;
	return false;
}

uint32_t tcp_slow_start(struct tcp_sock *ts, uint32_t acked)
{
	uint32_t cwnd = ts->cwnd + acked;
	if (cwnd > ts->ssthresh)
		cwnd = ts->ssthresh;
	acked -= cwnd - ts->cwnd;
	ts->cwnd = cwnd < TCP_CWND_CLAMP ? cwnd : TCP_CWND_CLAMP;
	return acked;
}

/* Additive increase: one segment per w segments acknowledged. */
void tcp_cong_avoid_ai(struct tcp_sock *ts, uint32_t w, uint32_t acked)
{
	if (w == 0)
		w = 1;
	if (ts->cwnd_cnt >= w) {
		ts->cwnd_cnt = 0;
		ts->cwnd++;
	}
	ts->cwnd_cnt += acked;
	if (ts->cwnd_cnt >= w) {
		uint32_t delta = ts->cwnd_cnt / w;
		ts->cwnd_cnt -= delta * w;
		ts->cwnd += delta;
	}
	if (ts->cwnd > TCP_CWND_CLAMP)
		ts->cwnd = TCP_CWND_CLAMP;
}

static bool in_cwnd_reduction(const struct tcp_sock *ts)
{
	return ts->ca_state == TCP_CA_CWR || ts->ca_state == TCP_CA_RECOVERY;
}

uint32_t tcp_current_ssthresh(const struct tcp_sock *ts)
{
	if (in_cwnd_reduction(ts))
		return ts->ssthresh;
	uint32_t t = (ts->cwnd >> 1) + (ts->cwnd >> 2);
	return ts->ssthresh > t ? ts->ssthresh : t;
}

/* Limited by the application or the receiver: shrink an unused cwnd. */
static void cwnd_application_limited(struct tcp_sock *ts)
{
	if (ts->ca_state == TCP_CA_OPEN) {
		uint32_t used = ts->cwnd_used > TCP_INIT_CWND ? ts->cwnd_used : TCP_INIT_CWND;
		if (used < ts->cwnd) {
			ts->ssthresh = tcp_current_ssthresh(ts);
			ts->cwnd = (ts->cwnd + used) >> 1;
		}
		ts->cwnd_used = 0;
	}
	ts->cwnd_stamp = vs_now(ts->vs);
}

void tcp_cwnd_validate(struct tcp_sock *ts, bool is_cwnd_limited)
{
	if (!seq_lt(ts->snd_una, ts->cwnd_usage_seq) || is_cwnd_limited ||
	    (!ts->is_cwnd_limited && ts->packets_out > ts->max_packets_out)) {
		ts->is_cwnd_limited = is_cwnd_limited;
		ts->max_packets_out = ts->packets_out;
		ts->cwnd_usage_seq = ts->snd_max;
	}
	if (tcp_is_cwnd_limited(ts)) {
		ts->cwnd_used = 0;
		ts->cwnd_stamp = vs_now(ts->vs);
	} else {
		if (ts->packets_out > ts->cwnd_used)
			ts->cwnd_used = ts->packets_out;
		if (ts->vs->knobs.tcp_slow_start_after_idle &&
		    vs_now(ts->vs) - ts->cwnd_stamp >= tcp_rto_us(ts))
			cwnd_application_limited(ts);
	}
}

/* Before new data goes out of an idle connection: restart from the
 * initial window, halving once per RTO idle (RFC 5681 4.1, as Linux). */
void tcp_cc_before_send(struct tcp_sock *ts)
{
	if (!ts->vs->knobs.tcp_slow_start_after_idle || ts->packets_out ||
	    ts->last_data_sent == 0)
		return;
	int64_t rto = tcp_rto_us(ts);
	int64_t delta = vs_now(ts->vs) - ts->last_data_sent;
	if (delta <= rto)
		return;
	tcp_cc_event(ts, CA_EVENT_CWND_RESTART);
	ts->ssthresh = tcp_current_ssthresh(ts);
	uint32_t iw = tcp_cc_initial_window(ts);
	uint32_t restart = ts->cwnd < iw ? ts->cwnd : iw;
	uint32_t cwnd = ts->cwnd;
	while ((delta -= rto) > 0 && cwnd > restart)
		cwnd >>= 1;
	ts->cwnd = cwnd > restart ? cwnd : restart;
	ts->cwnd_stamp = vs_now(ts->vs);
	ts->cwnd_used = 0;
}

/* The pacing rate, in bytes per second, as Linux derives it from the
 * congestion state: cwnd (or packets out, when larger) segments per smoothed
 * RTT, scaled by 200% in early slow start (cwnd < ssthresh / 2) and by 120%
 * after. 0 means not paced yet: no RTT sample. */
uint64_t tcp_pacing_rate(const struct tcp_sock *ts)
{
	if (ts->rto.srtt_us <= 0)
		return 0;
	uint64_t pkts = ts->cwnd > ts->packets_out ? ts->cwnd : ts->packets_out;
	uint64_t ratio = ts->cwnd < ts->ssthresh / 2 ? 200 : 120;
	return (uint64_t)ts->mss_cache * pkts * ratio * 10000ULL / (uint64_t)ts->rto.srtt_us;
}

/* EDT pacing, as Linux paces when the device's qdisc is fq: a packet
 * leaves at the socket's departure time, never before now. After it the
 * departure time moves on by the packet's length at the pacing rate, less
 * up to half of that when the socket had fallen behind the clock (the
 * credit Linux gives for idle time); the first 10 data segments of a
 * connection go unpaced. Times in nanoseconds, as Linux keeps them. */
int64_t tcp_pacing_depart(struct tcp_sock *ts, int64_t *prior_ns)
{
	int64_t now_ns = vs_now(ts->vs) * 1000;
	*prior_ns = ts->wstamp_ns;
	if (ts->wstamp_ns < now_ns)
		ts->wstamp_ns = now_ns;
	return (ts->wstamp_ns + 999) / 1000;
}

void tcp_pacing_sent(struct tcp_sock *ts, uint32_t segs, uint32_t bytes, int64_t prior_ns)
{
	ts->paced_segs_out += segs;
	uint64_t rate = tcp_pacing_rate(ts);
	if (!rate || ts->paced_segs_out < 10)
		return;
	int64_t len_ns = (int64_t)((uint64_t)bytes * 1000000000ULL / rate);
	int64_t credit = ts->wstamp_ns - prior_ns;
	ts->wstamp_ns += len_ns - (len_ns / 2 < credit ? len_ns / 2 : credit);
}

/* How many bytes one TSO/GSO segment may carry (Linux's TSO autosizing):
 * about 1 ms of the pacing rate (sk_pacing_shift 10), plus a share of the
 * 64 KB maximum on very short paths (tcp_tso_rtt_log 9: 64 KB when the
 * minimum RTT is under 512 us, halving for every doubling above), at least
 * tcp_min_tso_segs segments. max_bytes, a multiple of mss, caps it. */
uint32_t tcp_tso_autosize(const struct tcp_sock *ts, uint32_t mss, uint32_t max_bytes)
{
	uint64_t rate = tcp_pacing_rate(ts);
	if (rate == 0)
		return max_bytes;  /* not paced yet: the device maximum */
	uint64_t bytes = rate >> 10;
	uint64_t r = ts->rto.have_sample ? (uint64_t)ts->rto.min_rtt_us >> 9 : 64;
	if (r < 32)
		bytes += (uint64_t)65536 >> r;
	if (bytes > max_bytes)
		bytes = max_bytes;
	uint64_t segs = bytes / mss;
	uint64_t min_segs = ts->vs->knobs.tcp_min_tso_segs > 0 ? (uint64_t)ts->vs->knobs.tcp_min_tso_segs : 1;
	if (segs < min_segs)
		segs = min_segs;
	uint64_t out = segs * mss;
	return out > max_bytes ? max_bytes : (uint32_t)out;
}
