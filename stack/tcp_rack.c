/* RACK loss detection (RFC 8985) as Linux runs it with tcp_recovery=1:
 * a segment is lost when one sent after it was delivered and more than
 * RTT + reordering window has passed since it was sent. The reordering
 * window is min_rtt/4 (scaled by D-SACK steps), zero when no reordering
 * was seen and the dupack threshold is met or recovery is under way. */
#include "tcp_internal.h"

#define RACK_RECOVERY_THRESH 16
#define TCP_TIMEOUT_MIN_US 2000   /* Linux's TCP_TIMEOUT_MIN: 2 jiffies */

static int64_t min_rtt_us(const struct tcp_sock *ts)
{
	return ts->rto.have_sample ? ts->rto.min_rtt_us : 0;
}

/* Was (t1, seq1) sent after (t2, seq2)? Ties go by sequence. */
static bool sent_after(int64_t t1, int64_t t2, uint32_t seq1, uint32_t seq2)
{
	return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}

void tcp_rack_advance(struct tcp_sock *ts, uint8_t flags, uint32_t end_seq, int64_t xmit_us)
{
	int64_t rtt = vs_now(ts->vs) - xmit_us;
	/* A fast answer to a retransmission may be to the original. */
	if ((flags & SB_EVER_RETRANS) && rtt < min_rtt_us(ts))
		return;
	ts->rack.advanced = true;
	ts->rack.rtt_us = (uint32_t)rtt;
	if (sent_after(xmit_us, ts->rack.mstamp, end_seq, ts->rack.end_seq)) {
		ts->rack.mstamp = xmit_us;
		ts->rack.end_seq = end_seq;
	}
}

uint32_t tcp_rack_reo_wnd(const struct tcp_sock *ts)
{
	if (!ts->reord_seen) {
		if (ts->ca_state >= TCP_CA_RECOVERY)
			return 0;
		if (ts->sacked_out >= ts->reordering && !(ts->vs->knobs.tcp_recovery & 4))
			return 0;
	}
	int64_t w = (min_rtt_us(ts) >> 2) * (ts->rack.reo_wnd_steps ? ts->rack.reo_wnd_steps : 1);
	int64_t srtt = ts->rto.srtt_us;
	return (uint32_t)(w < srtt ? w : srtt);
}

void tcp_rack_detect_loss(struct tcp_sock *ts, uint32_t *reo_timeout)
{
	*reo_timeout = 0;
	uint32_t reo_wnd = tcp_rack_reo_wnd(ts);
	int64_t now = vs_now(ts->vs);
	for (int i = 0; i < ts->sb.n; i++) {
		struct tcp_sb_ent *e = &ts->sb.v[i];
		if (e->flags & SB_SACKED)
			continue;
		if ((e->flags & SB_LOST) && !(e->flags & SB_RETRANS))
			continue;            /* lost, not yet resent */
		if (!sent_after(ts->rack.mstamp, e->xmit_us, ts->rack.end_seq, e->end))
			continue;
		int64_t remaining = (int64_t)ts->rack.rtt_us + reo_wnd - (now - e->xmit_us);
		if (remaining <= 0) {
			tcp_sb_mark_lost(ts, i);
		} else if ((uint32_t)remaining > *reo_timeout) {
			*reo_timeout = (uint32_t)remaining;
		}
	}
}

bool tcp_rack_mark_lost(struct tcp_sock *ts)
{
	if (!ts->rack.advanced)
		return false;
	ts->rack.advanced = false;
	uint32_t timeout;
	tcp_rack_detect_loss(ts, &timeout);
	if (timeout) {
		/* round up to the jiffy, plus TCP_TIMEOUT_MIN, as Linux */
		int64_t t = ((int64_t)timeout + 999) / 1000 * 1000 + TCP_TIMEOUT_MIN_US;
		int64_t rto = tcp_rto_us(ts);
		ts->reo_armed = true;
		ts->tlp_armed = false;
		vs_timer_arm(ts->vs, &ts->rexmit_timer, vs_now(ts->vs) + (t < rto ? t : rto));
	}
	return timeout != 0;
}

/* D-SACKs widen the window one step, at most once per round trip
 * (RFC 8985 6.2.4); it falls back to one step after 16 recoveries. */
void tcp_rack_update_reo_wnd(struct tcp_sock *ts, struct tcp_ack_state *st)
{
	uint32_t prior_delivered = ts->delivered - st->acked_pcount - st->sacked_pcount;
	if ((ts->vs->knobs.tcp_recovery & 2) || !prior_delivered)
		return;
	if (seq_lt(prior_delivered, ts->rack.last_delivered))
		ts->rack.dsack_seen = 0;
	if (ts->rack.dsack_seen) {
		if (ts->rack.reo_wnd_steps < 255)
			ts->rack.reo_wnd_steps++;
		ts->rack.dsack_seen = 0;
		ts->rack.last_delivered = ts->delivered;
		ts->rack.reo_wnd_persist = RACK_RECOVERY_THRESH;
	} else if (!ts->rack.reo_wnd_persist) {
		ts->rack.reo_wnd_steps = 1;
	}
}

/* The reordering timer fired: mark what has waited long enough. */
void tcp_rack_reo_timeout(struct tcp_sock *ts)
{
	uint32_t prior_inflight = tcp_packets_in_flight(ts);
	uint32_t lost = ts->lost_total;
	uint32_t timeout;
	ts->reo_armed = false;
	tcp_rack_detect_loss(ts, &timeout);
	if (prior_inflight != tcp_packets_in_flight(ts)) {
		if (ts->ca_state != TCP_CA_RECOVERY) {
			tcp_enter_recovery(ts);
			tcp_cwnd_reduction(ts, 1, ts->lost_total - lost, 0);
		}
		tcp_xmit_retransmit_queue(ts);
	}
	if (!vs_timer_armed(&ts->rexmit_timer) && ts->packets_out)
		tcp_arm_xmit_timer(ts, true);
}
