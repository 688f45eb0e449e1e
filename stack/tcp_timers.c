/* The connection timers: retransmission (SYN, SYN-ACK, data), delayed
 * ACK, persist (zero-window probes), keepalive, and the wait timer that
 * ends TIME-WAIT and orphaned FIN-WAIT-2. Each callback runs with
 * vs->lock held and the clock at its deadline. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <errno.h>
#include <stddef.h>

#include "tcp_internal.h"

#define CONTAINER(ptr, field) \
	((struct tcp_sock *)((char *)(ptr) - offsetof(struct tcp_sock, field)))

int64_t tcp_rto_us(const struct tcp_sock *ts)
{
	int64_t rto = ts->rto.rto_us;
	for (int i = 0; i < ts->backoff && rto < TCP_RTO_MAX_US; i++)
		rto <<= 1;
	return rto > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : rto;
}

void tcp_arm_rexmit(struct tcp_sock *ts)
{
	ts->tlp_armed = false;
	ts->reo_armed = false;
	ts->rto_deadline = vs_now(ts->vs) + tcp_rto_us(ts);
	vs_timer_arm(ts->vs, &ts->rexmit_timer, ts->rto_deadline);
}

static bool tlp_allowed(const struct tcp_sock *ts)
{
	int er = ts->vs->knobs.tcp_early_retrans;
	return (er == 3 || er == 4) && ts->sack_ok &&
	       (ts->ca_state == TCP_CA_OPEN || ts->ca_state == TCP_CA_CWR) &&
	       ts->retransmits == 0 && ts->tlp_high_seq == 0 &&
	       tcp_flight_size(ts) > 0 && ts->state != VWIRE_TCP_SYN_SENT &&
	       ts->state != VWIRE_TCP_SYN_RECV;
}

void tcp_arm_xmit_timer(struct tcp_sock *ts, bool advancing)
{
	struct vstack *vs = ts->vs;
	if (!tlp_allowed(ts)) {
		if (advancing || !vs_timer_armed(&ts->rexmit_timer))
			tcp_arm_rexmit(ts);
		return;
	}
	/* PTO = 2 SRTT, plus room for a delayed ACK when one segment is out */
	int64_t pto;
	if (ts->rto.have_sample) {
		pto = 2 * ts->rto.srtt_us;
		int mss = tcp_current_mss(ts);
		if (tcp_flight_size(ts) <= (uint32_t)mss + 1)
			pto += vs->knobs.tcp_rto_min_us > 0 ? vs->knobs.tcp_rto_min_us : 200000;
		else
			pto += 2000;
	} else {
		pto = TCP_RTO_INIT_US;
	}
	int64_t rto_delta = tcp_rto_us(ts);
	if (!advancing && vs_timer_armed(&ts->rexmit_timer) && !ts->tlp_armed)
		rto_delta = ts->rto_deadline - vs_now(vs);
	else if (!advancing && ts->tlp_armed)
		rto_delta = ts->rto_deadline - vs_now(vs);
	if (advancing || !vs_timer_armed(&ts->rexmit_timer))
		ts->rto_deadline = vs_now(vs) + tcp_rto_us(ts);
	if (rto_delta > 0 && rto_delta < pto)
		pto = rto_delta;
	ts->tlp_armed = true;
	ts->reo_armed = false;
	vs_timer_arm(vs, &ts->rexmit_timer, vs_now(vs) + pto);
}

/* The probe: one new segment if the peer's window has room (cwnd does not
 * apply), else the last segment sent again; then wait for the RTO. */
static void send_loss_probe(struct tcp_sock *ts)
{
	ts->tlp_armed = false;
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	if (seq_lt(ts->snd_nxt, data_end) && ts->snd_nxt == ts->snd_max) {
		uint32_t len = data_end - ts->snd_nxt;
		if (len > mss)
			len = mss;
		if (seq_leq(ts->snd_nxt + len, ts->snd_una + ts->snd_wnd)) {
			uint32_t seq = ts->snd_nxt;
			uint8_t flags = TH_ACK | (seq + len == ts->psh_seq ? TH_PSH : 0);
			tcp_send_segment(ts, seq, len, flags, false);
			ts->tlp_retrans = false;
			ts->snd_nxt = ts->snd_max = seq + len;
			ts->last_seg_seq = seq;
			ts->last_seg_len = len;
			ts->last_seg_fin = false;
			ts->tlp_high_seq = ts->snd_max;
			tcp_arm_rexmit(ts);
			return;
		}
	}
	if (ts->sb.n) {
		/* The last segment again, its last MSS only: marked as ever
		 * retransmitted but not as a retransmission in flight. */
		int i = ts->sb.n - 1;
		struct tcp_sb_ent *e = &ts->sb.v[i];
		uint32_t len = e->end - e->start - ((e->flags & SB_FIN) ? 1 : 0);
		if (e->pcount > 1 && len > (uint32_t)(e->pcount - 1) * mss)
			i = tcp_sb_split(ts, i, e->start + (uint32_t)(e->pcount - 1) * mss);
		if (i >= 0 && !(ts->sb.v[i].flags & SB_SACKED)) {
			e = &ts->sb.v[i];
			len = e->end - e->start - ((e->flags & SB_FIN) ? 1 : 0);
			uint8_t flags = TH_ACK | ((e->flags & SB_PSH) ? TH_PSH : 0) |
					((e->flags & SB_FIN) ? TH_FIN : 0);
			tcp_send_segment(ts, e->start, len, flags, true);
			e->flags |= SB_EVER_RETRANS;
			e->xmit_us = vs_now(ts->vs);
			ts->tlp_retrans = true;
			ts->tlp_high_seq = ts->snd_max;
		}
		tcp_arm_rexmit(ts);
		return;
	}
	/* Of a multi-MSS segment only the last MSS-sized piece is resent. */
	if (ts->last_seg_len > mss) {
		uint32_t keep = ts->last_seg_len - (ts->last_seg_len - 1) / mss * mss;
		ts->last_seg_seq += ts->last_seg_len - keep;
		ts->last_seg_len = keep;
	}
	if (ts->last_seg_len || ts->last_seg_fin) {
		uint8_t flags = TH_ACK;
		if (ts->last_seg_len)
			flags |= TH_PSH;
		if (ts->last_seg_fin)
			flags |= TH_FIN;
		tcp_send_segment(ts, ts->last_seg_seq, ts->last_seg_len, flags, true);
		ts->retrans_out++;
	}
	ts->tlp_high_seq = ts->snd_max;
	tcp_arm_rexmit(ts);
}

void tcp_arm_delack(struct tcp_sock *ts)
{
	int64_t ato = ts->ato_us;
	int64_t max_ato = ts->pingpong ? TCP_DELACK_MAX_US : 500000;
	if (ts->rto.have_sample) {
		int64_t rtt = ts->rto.srtt_us < TCP_ATO_MIN_US ? TCP_ATO_MIN_US : ts->rto.srtt_us;
		if (rtt < max_ato)
			max_ato = rtt;
	}
	if (ato > max_ato)
		ato = max_ato;
	int64_t when = vs_now(ts->vs) + ato;
	if (vs_timer_armed(&ts->delack_timer)) {
		/* About to fire anyway: ACK now (as Linux). */
		if (ts->delack_timer.deadline <= vs_now(ts->vs) + ato / 4) {
			tcp_send_ack(ts);
			return;
		}
		/* A pending delayed ACK keeps its earlier deadline. */
		if (ts->delack_timer.deadline <= when)
			return;
	}
	vs_timer_arm(ts->vs, &ts->delack_timer, when);
}

void tcp_arm_persist(struct tcp_sock *ts)
{
	if (vs_timer_armed(&ts->persist_timer))
		return;
	int64_t t = tcp_rto_us(ts);
	if (t < TCP_PERSIST_MIN_US)
		t = TCP_PERSIST_MIN_US;
	vs_timer_arm(ts->vs, &ts->persist_timer, vs_now(ts->vs) + t);
}

void tcp_arm_keepalive(struct tcp_sock *ts)
{
	if (!ts->keepalive_on || ts->state == VWIRE_TCP_LISTEN || ts->state == VWIRE_TCP_CLOSE) {
		vs_timer_cancel(ts->vs, &ts->keepalive_timer);
		return;
	}
	ts->probes = 0;
	vs_timer_arm(ts->vs, &ts->keepalive_timer,
		     vs_now(ts->vs) + (int64_t)ts->keepidle * 1000000);
}

void tcp_enter_timewait(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	tcp_set_state(ts, VWIRE_TCP_TIME_WAIT);
	vs_timer_cancel(vs, &ts->rexmit_timer);
	vs_timer_cancel(vs, &ts->persist_timer);
	vs_timer_cancel(vs, &ts->keepalive_timer);
	vs_timer_cancel(vs, &ts->delack_timer);
	vs_timer_arm(vs, &ts->wait_timer, vs_now(vs) + TCP_TIMEWAIT_US);
	/* An orphan in TIME-WAIT needs no buffers: give the memory back. */
	if (ts->orphan) {
		tcp_buf_free(&ts->sndbuf);
		tcp_buf_free(&ts->rcvbuf);
		tcp_tw_queue(ts); /* a compact entry once the caller is done */
	}
	tcp_reass_clear(&ts->reass);
	tcp_deliver_wakeup(ts);
}

void tcp_arm_fin_wait2(struct tcp_sock *ts)
{
	int secs = ts->vs->knobs.tcp_fin_timeout > 0 ? ts->vs->knobs.tcp_fin_timeout : 60;
	vs_timer_arm(ts->vs, &ts->wait_timer, vs_now(ts->vs) + (int64_t)secs * 1000000);
}

/* The connection gives up: error to the user, RST as Linux sends one. */
static void give_up(struct tcp_sock *ts, int err, bool send_rst)
{
	if (send_rst)
		tcp_send_rst_for(ts);
	ts->error = ts->soft_error && err == ETIMEDOUT ? ts->soft_error : err;
	tcp_done(ts);
}

/* Linux's model of how long `boundary` exponential backoffs last from an
 * RTO of rto_base (tcp_model_timeout). */
static int64_t model_timeout(int boundary, int64_t rto_base)
{
	int thresh = 0;
	while ((rto_base << (thresh + 1)) <= TCP_RTO_MAX_US)
		thresh++;
	if (boundary <= thresh)
		return ((2LL << boundary) - 1) * rto_base;
	return ((2LL << thresh) - 1) * rto_base +
	       (int64_t)(boundary - thresh) * TCP_RTO_MAX_US;
}

static bool timed_out(struct tcp_sock *ts, int boundary, int64_t rto_base)
{
	int64_t elapsed = vs_now(ts->vs) - ts->first_rexmit_time;
	if (ts->user_timeout_ms > 0 && ts->state != VWIRE_TCP_SYN_SENT &&
	    ts->state != VWIRE_TCP_SYN_RECV)
		return elapsed >= (int64_t)ts->user_timeout_ms * 1000;
	if (ts->retransmits == 0)
		return false;
	return elapsed >= model_timeout(boundary, rto_base);
}

static void syn_timeout(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	int retries = ts->syncnt ? ts->syncnt : vs->knobs.tcp_syn_retries;
	bool rfc = vs->knobs.vwire_rfc_profile;
	/* RFC 9293 MUST-23: R2 for a SYN covers at least 3 minutes. */
	bool r2_min_left = rfc && vs_now(vs) - ts->first_rexmit_time < TCP_SYN_R2_MIN_US;
	if (ts->user_timeout_ms > 0 ?
	    vs_now(vs) - ts->first_rexmit_time >= (int64_t)ts->user_timeout_ms * 1000 :
	    (ts->retransmits > 0 && timed_out(ts, retries, TCP_RTO_INIT_US) && !r2_min_left)) {
		give_up(ts, ts->soft_error ? ts->soft_error : ETIMEDOUT, false);
		return;
	}
	ts->retransmits++;
	ts->total_retrans++;
	/* Linux: the first tcp_syn_linear_timeouts retransmissions keep the
	 * initial RTO, then back off exponentially; RFC 6298 5.5 doubles it
	 * every time. */
	if (rfc || ts->retransmits > vs->knobs.tcp_syn_linear_timeouts)
		ts->backoff++;
	tcp_send_syn(ts);
	tcp_arm_rexmit(ts);
}

static void synack_timeout(struct tcp_sock *ts)
{
	int retries = ts->vs->knobs.tcp_synack_retries;
	if (ts->retransmits >= retries) {
		tcp_done(ts); /* the embryonic connection goes away quietly */
		return;
	}
	ts->retransmits++;
	ts->total_retrans++;
	ts->backoff++;
	tcp_send_syn(ts);
	tcp_arm_rexmit(ts);
}

static void rexmit_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_sock *ts = CONTAINER(t, rexmit_timer);
	if (ts->state == VWIRE_TCP_SYN_SENT) {
		syn_timeout(ts);
		return;
	}
	if (ts->state == VWIRE_TCP_SYN_RECV) {
		synack_timeout(ts);
		return;
	}
	if (tcp_flight_size(ts) == 0)
		return;
	if (ts->tlp_armed) {
		send_loss_probe(ts);
		return;
	}
	if (ts->reo_armed) {
		tcp_rack_reo_timeout(ts);   /* RACK's reordering timer (tcp_rack.c) */
		return;
	}
	if (ts->retransmits == 0)
		ts->first_rexmit_time = vs_now(vs) - tcp_rto_us(ts);
	int boundary = vs->knobs.tcp_retries2;
	if (ts->orphan) {
		int orphan = vs->knobs.tcp_orphan_retries;
		boundary = orphan ? orphan : 8;
	}
	if (timed_out(ts, boundary, vs->knobs.tcp_rto_min_us > 0 ? vs->knobs.tcp_rto_min_us : 200000)) {
		give_up(ts, ETIMEDOUT, false);
		return;
	}
	ts->rtt_timing = false;      /* Karn: no samples from retransmissions */
	vs_timer_cancel(vs, &ts->rexmit_timer);
	if (ts->sb.n) {
		/* RTO recovery over the scoreboard (tcp_recovery.c): all
		 * lost, cwnd 1, the head resent, then backoff. */
		tcp_enter_loss(ts);
		ts->retransmits++;
		if (tcp_retransmit_ent(ts, 0, 1) > 0) {
			/* The device refused it: the attempt counts toward the
			 * timeout, but no backoff; try again soon. */
			vs_timer_arm(vs, &ts->rexmit_timer, vs_now(vs) + TCP_RESOURCE_PROBE_US);
			return;
		}
		ts->backoff++;
		tcp_arm_rexmit(ts);
		return;
	}
	/* nothing on the scoreboard (a SYN's data): go back N */
	ts->ssthresh = tcp_cc_ssthresh(ts);
	ts->cwnd = 1;
	tcp_cc_set_state(ts, TCP_CA_LOSS);
	ts->retransmits++;
	ts->backoff++;
	ts->snd_nxt = ts->snd_una;
	tcp_output(ts);
	if (!vs_timer_armed(&ts->rexmit_timer))
		tcp_arm_rexmit(ts);
}

static void delack_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_sock *ts = CONTAINER(t, delack_timer);
	if (ts->pingpong) {
		/* The reply we waited for did not come: stop waiting for one. */
		ts->pingpong = false;
		ts->ato_us = TCP_ATO_MIN_US;
	} else {
		int64_t ato = ts->ato_us * 2, rto = tcp_rto_us(ts);
		ts->ato_us = ato < rto ? ato : rto;
	}
	tcp_send_ack(ts);
}

static void persist_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_sock *ts = CONTAINER(t, persist_timer);
	uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	if (tcp_flight_size(ts) != 0 || !seq_lt(ts->snd_nxt, data_end)) {
		ts->probes = 0;
		return;
	}
	if (ts->probes == 0)
		ts->first_rexmit_time = vs_now(vs);
	int max_probes = vs->knobs.tcp_retries2;
	bool expired = ts->user_timeout_ms > 0 ?
		vs_now(vs) - ts->first_rexmit_time >= (int64_t)ts->user_timeout_ms * 1000 :
		ts->probes >= max_probes;
	if (expired) {
		give_up(ts, ETIMEDOUT, false);
		return;
	}
	uint32_t wnd_end = ts->snd_una + ts->snd_wnd;
	if (seq_lt(ts->snd_nxt, wnd_end)) {
		/* Part of the window opened: send what fits, pushed. */
		uint32_t len = wnd_end - ts->snd_nxt;
		uint32_t avail = data_end - ts->snd_nxt;
		if (len > avail)
			len = avail;
		if (len > (uint32_t)tcp_current_mss(ts))
			len = (uint32_t)tcp_current_mss(ts);
		if (tcp_send_segment(ts, ts->snd_nxt, len, TH_ACK | TH_PSH, false) == 0) {
			ts->snd_nxt += len;
			ts->snd_max = seq_max(ts->snd_max, ts->snd_nxt);
			tcp_arm_rexmit(ts);
			return;
		}
	} else if (!vs_ip_output_blocked(vs)) {
		tcp_send_zero_window_probe(ts);
		ts->probes++;
		ts->backoff++;
		int64_t next = tcp_rto_us(ts);
		if (next < TCP_PERSIST_MIN_US)
			next = TCP_PERSIST_MIN_US;
		vs_timer_arm(vs, &ts->persist_timer, vs_now(vs) + next);
		return;
	}
	/* Local congestion: the device refused what we would send. As Linux,
	 * it counts as a probe (toward TCP_USER_TIMEOUT and tcpi_probes) but
	 * does not back off: the next try is a fixed interval away. */
	ts->probes++;
	vs_timer_arm(vs, &ts->persist_timer, vs_now(vs) + TCP_RESOURCE_PROBE_US);
}

static void keepalive_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_sock *ts = CONTAINER(t, keepalive_timer);
	if (!ts->keepalive_on)
		return;
	if (ts->state != VWIRE_TCP_ESTABLISHED && ts->state != VWIRE_TCP_CLOSE_WAIT &&
	    ts->state != VWIRE_TCP_FIN_WAIT2 && ts->state != VWIRE_TCP_FIN_WAIT1)
		return;
	int64_t idle = vs_now(vs) - ts->last_rcv_time;
	int64_t idle_limit = (int64_t)ts->keepidle * 1000000;
	if (tcp_flight_size(ts) > 0 || ts->sndbuf.len > 0) {
		vs_timer_arm(vs, t, vs_now(vs) + idle_limit);
		return;
	}
	if (ts->probes == 0 && idle < idle_limit) {
		vs_timer_arm(vs, t, ts->last_rcv_time + idle_limit);
		return;
	}
	if ((ts->user_timeout_ms > 0 && idle >= (int64_t)ts->user_timeout_ms * 1000 && ts->probes > 0) ||
	    (ts->user_timeout_ms == 0 && ts->probes >= ts->keepcnt)) {
		give_up(ts, ETIMEDOUT, true);
		return;
	}
	tcp_send_probe(ts);
	ts->probes++;
	vs_timer_arm(vs, t, vs_now(vs) + (int64_t)ts->keepintvl * 1000000);
}

static void wait_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_sock *ts = CONTAINER(t, wait_timer);
	/* tcp_done() frees the TCB only if the user has let go of it. */
	if (ts->state == VWIRE_TCP_TIME_WAIT || ts->state == VWIRE_TCP_FIN_WAIT2)
		tcp_done(ts);
}

void tcp_timers_init(struct tcp_sock *ts)
{
	vs_timer_init(&ts->rexmit_timer, rexmit_fire);
	vs_timer_init(&ts->delack_timer, delack_fire);
	vs_timer_init(&ts->persist_timer, persist_fire);
	vs_timer_init(&ts->keepalive_timer, keepalive_fire);
	vs_timer_init(&ts->wait_timer, wait_fire);
}

void tcp_timers_cancel_all(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	vs_timer_cancel(vs, &ts->rexmit_timer);
	vs_timer_cancel(vs, &ts->delack_timer);
	vs_timer_cancel(vs, &ts->persist_timer);
	vs_timer_cancel(vs, &ts->keepalive_timer);
	vs_timer_cancel(vs, &ts->wait_timer);
}
