/* Loss recovery driven by ACKs, as Linux's tcp_ack/tcp_fastretrans_alert
 * run it: the congestion states Open, Disorder, CWR, Recovery and Loss;
 * entering fast recovery on RACK-marked (RFC 8985) or dupack-marked
 * (RFC 6582, no SACK) loss; proportional rate reduction (RFC 6937) while
 * in it; undo of spurious reductions by timestamps (Eifel) or D-SACK;
 * RTO recovery with F-RTO (RFC 5682); the retransmission of lost
 * segments (RFC 6675 NextSeg over the scoreboard). */
#include "tcp_internal.h"

enum { REXMIT_NONE, REXMIT_LOST, REXMIT_NEW };

static bool is_sack(const struct tcp_sock *ts) { return ts->sack_ok; }
static bool is_rack(const struct tcp_sock *ts) { return ts->vs->knobs.tcp_recovery & 1; }

static bool in_cwnd_reduction(const struct tcp_sock *ts)
{
	return ts->ca_state == TCP_CA_CWR || ts->ca_state == TCP_CA_RECOVERY;
}

static uint32_t sb_len(const struct tcp_sb_ent *e)
{
	return e->end - e->start - ((e->flags & SB_FIN) ? 1 : 0);
}

/* ------------------------------------------------ no-SACK dupack counts */
static bool limit_reno_sacked(struct tcp_sock *ts)
{
	uint32_t holes = ts->lost_out ? ts->lost_out : 1;
	if (holes > ts->packets_out)
		holes = ts->packets_out;
	if (ts->sacked_out + holes > ts->packets_out) {
		ts->sacked_out = ts->packets_out - holes;
		return true;
	}
	return false;
}

static void check_reno_reordering(struct tcp_sock *ts, uint32_t addend)
{
	if (!limit_reno_sacked(ts))
		return;
	uint32_t r = ts->packets_out + addend;
	int km = ts->vs->knobs.tcp_max_reordering;
	uint32_t max = km > 0 ? (uint32_t)km : 300;
	ts->reordering = r < max ? r : max;
	ts->reord_seen++;
}

static void add_reno_sack(struct tcp_sock *ts, int num_dupack)
{
	if (!num_dupack)
		return;
	uint32_t prior = ts->sacked_out;
	ts->sacked_out += (uint32_t)num_dupack;
	check_reno_reordering(ts, 0);
	if (ts->sacked_out > prior)
		ts->delivered += ts->sacked_out - prior;
}

static void remove_reno_sacks(struct tcp_sock *ts, uint32_t acked)
{
	if (acked > 0) {
		ts->delivered += acked > ts->sacked_out + 1 ? acked - ts->sacked_out : 1;
		if (acked - 1 >= ts->sacked_out)
			ts->sacked_out = 0;
		else
			ts->sacked_out -= acked - 1;
	}
	check_reno_reordering(ts, acked);
}

/* ------------------------------------------------------------- undo */
static void init_undo(struct tcp_sock *ts)
{
	ts->undo_marker = ts->snd_una;
	ts->undo_valid = true;
	ts->undo_retrans = ts->retrans_out ? (int)ts->retrans_out : -1;
}

static bool any_retrans_done(const struct tcp_sock *ts)
{
	if (ts->retrans_out)
		return true;
	return ts->sb.n && (ts->sb.v[0].flags & SB_EVER_RETRANS);
}

/* Eifel (RFC 3522): the ACK echoes a timestamp from before the first
 * retransmission, so the original arrived. */
static bool packet_delayed(const struct tcp_sock *ts, const struct tcp_opts *o)
{
	return ts->retrans_stamp && o && o->ts_ok && o->tsecr &&
	       (int32_t)(o->tsecr - ts->retrans_stamp) < 0;
}

static bool may_undo(const struct tcp_sock *ts, const struct tcp_opts *o)
{
	return ts->undo_valid && (!ts->undo_retrans || packet_delayed(ts, o));
}

static void undo_cwnd_reduction(struct tcp_sock *ts, bool unmark_loss)
{
	if (unmark_loss) {
		for (int i = 0; i < ts->sb.n; i++)
			ts->sb.v[i].flags &= (uint8_t)~SB_LOST;
		ts->lost_out = 0;
	}
	if (ts->prior_ssthresh) {
		ts->cwnd = tcp_cc_undo_cwnd(ts);
		if (ts->prior_ssthresh > ts->ssthresh)
			ts->ssthresh = ts->prior_ssthresh;
	}
	ts->undo_valid = false;
	ts->rack.advanced = true;
}

static void try_keep_open(struct tcp_sock *ts)
{
	int state = TCP_CA_OPEN;
	if (ts->sacked_out || ts->lost_out || any_retrans_done(ts))
		state = TCP_CA_DISORDER;
	if (ts->ca_state != state) {
		tcp_cc_set_state(ts, state);
		ts->high_seq = ts->snd_max;
	}
}

static void try_to_open(struct tcp_sock *ts)
{
	if (!any_retrans_done(ts))
		ts->retrans_stamp = 0;
	if (ts->ca_state != TCP_CA_CWR)
		try_keep_open(ts);
}

static void end_cwnd_reduction(struct tcp_sock *ts)
{
	if (ts->ssthresh < TCP_INFINITE_SSTHRESH &&
	    (ts->ca_state == TCP_CA_CWR || ts->undo_valid))
		ts->cwnd = ts->ssthresh;
	tcp_cc_event(ts, CA_EVENT_COMPLETE_CWR);
}

static bool try_undo_recovery(struct tcp_sock *ts, const struct tcp_opts *o)
{
	if (may_undo(ts, o))
		undo_cwnd_reduction(ts, false);
	if (ts->snd_una == ts->high_seq && !is_sack(ts)) {
		/* Hold the state until something above high_seq is acked. */
		if (!any_retrans_done(ts))
			ts->retrans_stamp = 0;
		return true;
	}
	tcp_cc_set_state(ts, TCP_CA_OPEN);
	return false;
}

static bool try_undo_dsack(struct tcp_sock *ts)
{
	if (ts->undo_valid && !ts->undo_retrans) {
		if (ts->rack.reo_wnd_persist < 16)
			ts->rack.reo_wnd_persist++;
		undo_cwnd_reduction(ts, false);
		return true;
	}
	return false;
}

static bool try_undo_loss(struct tcp_sock *ts, const struct tcp_opts *o, bool frto_undo)
{
	if (frto_undo || may_undo(ts, o)) {
		undo_cwnd_reduction(ts, true);
		ts->retransmits = 0;
		if (frto_undo || is_sack(ts))
			tcp_cc_set_state(ts, TCP_CA_OPEN);
		return true;
	}
	return false;
}

static bool try_undo_partial(struct tcp_sock *ts, const struct tcp_opts *o, uint32_t prior_snd_una)
{
	if (ts->undo_valid && packet_delayed(ts, o)) {
		/* The hole was filled by the delayed original. */
		tcp_check_sack_reordering(ts, prior_snd_una, true);
		if (ts->retrans_out)
			return true;
		if (!any_retrans_done(ts))
			ts->retrans_stamp = 0;
		undo_cwnd_reduction(ts, true);
		try_keep_open(ts);
		return true;
	}
	return false;
}

/* ------------------------------------------------------ state changes */
static void init_cwnd_reduction(struct tcp_sock *ts)
{
	ts->high_seq = ts->snd_max;
	ts->tlp_high_seq = 0;
	ts->cwnd_cnt = 0;
	ts->prior_cwnd = ts->cwnd;
	ts->prr_delivered = 0;
	ts->prr_out = 0;
	ts->ssthresh = tcp_cc_ssthresh(ts);
}

void tcp_enter_recovery(struct tcp_sock *ts)
{
	ts->prior_ssthresh = 0;
	init_undo(ts);
	if (!in_cwnd_reduction(ts)) {
		ts->prior_ssthresh = tcp_current_ssthresh(ts);
		init_cwnd_reduction(ts);
	}
	tcp_cc_set_state(ts, TCP_CA_RECOVERY);
}

/* PRR (RFC 6937, Linux's variant): send in proportion to what is
 * delivered while the pipe exceeds ssthresh, slow-start back to it
 * otherwise. */
void tcp_cwnd_reduction(struct tcp_sock *ts, uint32_t newly_acked_sacked,
			uint32_t newly_lost, int flag)
{
	if (newly_acked_sacked == 0 || ts->prior_cwnd == 0)
		return;
	int64_t in_flight = tcp_packets_in_flight(ts);
	int64_t delta = (int64_t)ts->ssthresh - in_flight;
	int64_t sndcnt;
	ts->prr_delivered += newly_acked_sacked;
	if (delta < 0) {
		uint64_t dividend = (uint64_t)ts->ssthresh * ts->prr_delivered + ts->prior_cwnd - 1;
		sndcnt = (int64_t)(dividend / ts->prior_cwnd) - ts->prr_out;
	} else {
		int64_t d = (int64_t)ts->prr_delivered - ts->prr_out;
		sndcnt = d > (int64_t)newly_acked_sacked ? d : (int64_t)newly_acked_sacked;
		if ((flag & ACKF_SND_UNA_ADVANCED) && !newly_lost)
			sndcnt++;
		if (sndcnt > delta)
			sndcnt = delta;
	}
	/* the first retransmission of a recovery always goes */
	int64_t floor = ts->prr_out ? 0 : 1;
	if (sndcnt < floor)
		sndcnt = floor;
	ts->cwnd = (uint32_t)(in_flight + sndcnt);
}

static void identify_packet_loss(struct tcp_sock *ts, int *flag)
{
	if (!ts->sb.n)
		return;
	if (!is_sack(ts)) {
		/* NewReno: the head is lost after reordering-many dupacks,
		 * and again after each partial ACK in recovery. */
		bool advanced = (*flag & ACKF_SND_UNA_ADVANCED) != 0;
		if ((ts->ca_state < TCP_CA_RECOVERY && ts->sacked_out >= ts->reordering) ||
		    (ts->ca_state == TCP_CA_RECOVERY && advanced)) {
			struct tcp_sb_ent *e = &ts->sb.v[0];
			if (e->flags & SB_LOST)
				return;
			uint32_t mss = (uint32_t)tcp_current_mss(ts);
			if (e->pcount > 1 && sb_len(e) > mss)
				tcp_sb_split(ts, 0, e->start + mss);
			tcp_sb_mark_lost(ts, 0);
		}
	} else if (is_rack(ts)) {
		uint32_t prior_retrans = ts->retrans_out;
		if (tcp_rack_mark_lost(ts))
			*flag &= ~ACKF_SET_XMIT_TIMER;   /* the REO timer is set */
		if (prior_retrans > ts->retrans_out)
			*flag |= ACKF_LOST_RETRANS;
	}
}

static bool time_to_recover(const struct tcp_sock *ts)
{
	if (ts->lost_out)
		return true;
	/* the classic dupack rule when RACK is off */
	return !is_rack(ts) && ts->sacked_out + 1 > ts->reordering;
}

static void process_loss(struct tcp_sock *ts, const struct tcp_opts *o, int flag,
			 int num_dupack, int *rexmit)
{
	bool recovered = !seq_lt(ts->snd_una, ts->high_seq);
	if ((flag & ACKF_SND_UNA_ADVANCED) && try_undo_loss(ts, o, false))
		return;
	if (ts->frto) {
		/* F-RTO (RFC 5682 3.1, SACK-enhanced): never-resent data
		 * (s)acked means the timeout was spurious. */
		if ((flag & ACKF_ORIG_SACK_ACKED) && try_undo_loss(ts, o, true))
			return;
		if (seq_gt(ts->snd_nxt, ts->high_seq)) {
			if ((flag & ACKF_DATA_SACKED) || num_dupack)
				ts->frto = false;   /* step 3.a: the loss was real */
		} else if ((flag & ACKF_SND_UNA_ADVANCED) && !recovered) {
			ts->high_seq = ts->snd_max;
			/* step 2.b: send new data if any, else fall back */
			uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
			if (seq_lt(ts->snd_nxt, data_end) &&
			    seq_gt(ts->snd_una + ts->snd_wnd, ts->snd_nxt)) {
				*rexmit = REXMIT_NEW;
				return;
			}
			ts->frto = false;
		}
	}
	if (recovered) {
		try_undo_recovery(ts, o);
		return;
	}
	if (!is_sack(ts)) {
		if (seq_gt(ts->snd_nxt, ts->high_seq) && num_dupack)
			add_reno_sack(ts, num_dupack);
		else if (flag & ACKF_SND_UNA_ADVANCED)
			ts->sacked_out = 0;
	}
	*rexmit = REXMIT_LOST;
}

/* tcp_fastretrans_alert: the state machine run on dubious ACKs. */
static void fastretrans_alert(struct tcp_sock *ts, const struct tcp_opts *o,
			      uint32_t prior_snd_una, int num_dupack, int *flag, int *rexmit)
{
	bool do_lost = num_dupack || ((*flag & ACKF_DATA_SACKED) && ts->sacked_out + 1 > ts->reordering);
	bool fast_rexmit = false;
	if (!ts->packets_out && ts->sacked_out)
		ts->sacked_out = 0;
	if (ts->ca_state != TCP_CA_OPEN && !seq_lt(ts->snd_una, ts->high_seq)) {
		switch (ts->ca_state) {
		case TCP_CA_CWR:
			if (ts->snd_una != ts->high_seq) {
				end_cwnd_reduction(ts);
				tcp_cc_set_state(ts, TCP_CA_OPEN);
			}
			break;
		case TCP_CA_RECOVERY:
			if (!is_sack(ts))
				ts->sacked_out = 0;
			if (try_undo_recovery(ts, o))
				return;
			end_cwnd_reduction(ts);
			break;
		default:
			break;
		}
	}
	switch (ts->ca_state) {
	case TCP_CA_RECOVERY:
		if (!(*flag & ACKF_SND_UNA_ADVANCED)) {
			if (!is_sack(ts))
				add_reno_sack(ts, num_dupack);
		} else if (try_undo_partial(ts, o, prior_snd_una)) {
			return;
		}
		if (try_undo_dsack(ts))
			try_to_open(ts);
		identify_packet_loss(ts, flag);
		if (ts->ca_state != TCP_CA_RECOVERY) {
			if (!time_to_recover(ts))
				return;
			tcp_enter_recovery(ts);
		}
		break;
	case TCP_CA_LOSS:
		process_loss(ts, o, *flag, num_dupack, rexmit);
		if (ts->ca_state != TCP_CA_LOSS)
			identify_packet_loss(ts, flag);
		if (!(ts->ca_state == TCP_CA_OPEN || (*flag & ACKF_LOST_RETRANS)))
			return;
		/* cwnd undone or retransmits lost: */
		/* fall through */
	default:
		if (!is_sack(ts)) {
			if (*flag & ACKF_SND_UNA_ADVANCED)
				ts->sacked_out = 0;
			add_reno_sack(ts, num_dupack);
		}
		if (ts->ca_state <= TCP_CA_DISORDER)
			try_undo_dsack(ts);
		identify_packet_loss(ts, flag);
		if (!time_to_recover(ts)) {
			try_to_open(ts);
			return;
		}
		tcp_enter_recovery(ts);
		fast_rexmit = true;
	}
	if (!is_rack(ts) && is_sack(ts) && do_lost) {
		tcp_sb_mark_lost_6675(ts);
		if (fast_rexmit && ts->sb.n)
			tcp_sb_mark_lost(ts, 0);   /* the fast retransmit goes */
	}
	*rexmit = REXMIT_LOST;
}

/* ------------------------------------------------- retransmissions */
/* Resends entry i, or its first `segs` segments; what the peer's window
 * does not cover stays behind. Returns 0 when something went. */
int tcp_retransmit_ent(struct tcp_sock *ts, int i, uint32_t segs)
{
	struct tcp_sb_ent *e = &ts->sb.v[i];
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t wnd_end = ts->snd_una + ts->snd_wnd;
	if (!seq_lt(e->start, wnd_end) && e->start != ts->snd_una)
		return -1;
	uint32_t len = sb_len(e);
	if (tcp_sb_pcount(ts, len) != e->pcount)
		segs = 1;       /* the MSS shrank (PMTU): one new MSS at a time */
	uint32_t cap = segs * mss;
	uint32_t avail = seq_gt(wnd_end, e->start) ? wnd_end - e->start : 0;
	if (avail && avail < cap)
		cap = avail > mss ? avail / mss * mss : avail;
	if (len > cap && cap > 0) {
		tcp_sb_split(ts, i, e->start + cap);
		e = &ts->sb.v[i];
		len = sb_len(e);
	}
	uint8_t flags = TH_ACK;
	if (e->flags & SB_PSH)
		flags |= TH_PSH;
	if (e->flags & SB_FIN)
		flags |= TH_FIN;
	if (tcp_send_segment(ts, e->start, len, flags, true))
		return 1;       /* the device refused it: not retransmitted */
	if (e->pcount > 1)
		ts->total_retrans += e->pcount - 1u;
	if (!(e->flags & SB_RETRANS))
		ts->retrans_out += e->pcount;
	e->flags |= SB_RETRANS | SB_EVER_RETRANS;
	e->xmit_us = vs_now(ts->vs);
	if (!ts->retrans_stamp)
		ts->retrans_stamp = tcp_tsval(ts) ? tcp_tsval(ts) : 1;
	if (ts->undo_retrans < 0)
		ts->undo_retrans = 0;
	ts->undo_retrans += e->pcount;
	return 0;
}

void tcp_xmit_retransmit_queue(struct tcp_sock *ts)
{
	bool rearm = false;
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t max_segs = (65536 - 1 - 320) / mss;
	for (int i = 0; i < ts->sb.n; i++) {
		int64_t segs = (int64_t)ts->cwnd - tcp_packets_in_flight(ts);
		if (segs <= 0)
			break;
		if (segs > max_segs)
			segs = max_segs;
		if (ts->ca_state == TCP_CA_LOSS)
			segs = 1;   /* after an RTO Linux resends MSS by MSS */
		if (ts->retrans_out >= ts->lost_out)
			break;
		uint8_t f = ts->sb.v[i].flags;
		if (!(f & SB_LOST) || (f & (SB_SACKED | SB_RETRANS)))
			continue;
		if (tcp_retransmit_ent(ts, i, (uint32_t)segs))
			break;
		if (in_cwnd_reduction(ts))
			ts->prr_out += ts->sb.v[i].pcount;
		if (i == 0 && !ts->reo_armed)
			rearm = true;
	}
	if (rearm)
		tcp_arm_rexmit(ts);
}

/* RTO (RFC 6298 5.5, RFC 5681 3.1): every unSACKed segment is lost,
 * cwnd goes to one, ssthresh down unless already reduced in this window. */
void tcp_enter_loss(struct tcp_sock *ts)
{
	bool new_recovery = ts->ca_state < TCP_CA_RECOVERY;
	bool reneg = ts->sb.n && (ts->sb.v[0].flags & SB_SACKED);
	if (reneg)
		ts->sacked_out = 0;
	else if (!is_sack(ts))
		ts->sacked_out = 0;
	for (int i = 0; i < ts->sb.n; i++) {
		struct tcp_sb_ent *e = &ts->sb.v[i];
		if (reneg && (e->flags & SB_SACKED)) {
			e->flags &= (uint8_t)~SB_SACKED;
		} else if (i > 0) {
			/* recently sent ones are not lost yet */
			int64_t remaining = (int64_t)ts->rack.rtt_us - (vs_now(ts->vs) - e->xmit_us);
			if (remaining > 0 && !(e->flags & SB_SACKED) && ts->rack.mstamp)
				continue;
		}
		tcp_sb_mark_lost(ts, i);
	}
	if (ts->ca_state <= TCP_CA_DISORDER || !seq_gt(ts->high_seq, ts->snd_una) ||
	    (ts->ca_state == TCP_CA_LOSS && !ts->retransmits)) {
		ts->prior_ssthresh = tcp_current_ssthresh(ts);
		ts->prior_cwnd = ts->cwnd;
		ts->ssthresh = tcp_cc_ssthresh(ts);
		tcp_cc_event(ts, CA_EVENT_LOSS);
		init_undo(ts);
	}
	ts->cwnd = tcp_packets_in_flight(ts) + 1;
	ts->cwnd_cnt = 0;
	uint32_t sysctl_reo = (uint32_t)ts->vs->knobs.tcp_reordering;
	if (ts->ca_state <= TCP_CA_DISORDER && ts->sacked_out >= sysctl_reo &&
	    ts->reordering > sysctl_reo)
		ts->reordering = sysctl_reo;
	tcp_cc_set_state(ts, TCP_CA_LOSS);
	ts->high_seq = ts->snd_max;
	ts->tlp_high_seq = 0;
	ts->frto = ts->vs->knobs.tcp_frto && (new_recovery || ts->retransmits);
}

/* An ICMP "fragmentation needed" shrank the MSS: resend at once what
 * no longer fits, without a cwnd reduction (tcp_simple_retransmit). */
void tcp_simple_retransmit(struct tcp_sock *ts)
{
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	for (int i = 0; i < ts->sb.n; i++) {
		struct tcp_sb_ent *e = &ts->sb.v[i];
		if (sb_len(e) > mss && !(e->flags & SB_SACKED))
			tcp_sb_mark_lost(ts, i);
	}
	if (!ts->lost_out)
		return;
	if (ts->ca_state != TCP_CA_LOSS) {
		ts->high_seq = ts->snd_max;
		ts->ssthresh = tcp_current_ssthresh(ts);
		ts->prior_ssthresh = 0;
		ts->undo_valid = false;
		tcp_cc_set_state(ts, TCP_CA_LOSS);
	}
	tcp_xmit_retransmit_queue(ts);
}

/* ---------------------------------------------------------- the ACK */
static void process_tlp_ack(struct tcp_sock *ts, uint32_t ack, int flag)
{
	if (seq_lt(ack, ts->tlp_high_seq))
		return;
	if (!ts->tlp_retrans || (flag & ACKF_DSACK_TLP)) {
		ts->tlp_high_seq = 0;
	} else if (seq_gt(ack, ts->tlp_high_seq)) {
		/* the probe repaired a loss: reduce cwnd once */
		init_cwnd_reduction(ts);
		tcp_cc_set_state(ts, TCP_CA_CWR);
		end_cwnd_reduction(ts);
		try_keep_open(ts);
	} else if (!(flag & (ACKF_SND_UNA_ADVANCED | ACKF_NOT_DUP | ACKF_DATA_SACKED))) {
		ts->tlp_high_seq = 0;   /* a pure dupack: both arrived */
	}
}

static bool may_raise_cwnd(const struct tcp_sock *ts, int flag)
{
	if (ts->reordering > (uint32_t)ts->vs->knobs.tcp_reordering)
		return flag & ACKF_FORWARD_PROGRESS;
	return flag & ACKF_DATA_ACKED;
}

static void xmit_recovery(struct tcp_sock *ts, int rexmit)
{
	if (rexmit == REXMIT_NONE)
		return;
	if (rexmit == REXMIT_NEW) {
		bool nodelay = ts->push_once;
		ts->push_once = true;
		tcp_output(ts);
		ts->push_once = nodelay;
		if (seq_gt(ts->snd_nxt, ts->high_seq))
			return;
		ts->frto = false;
	}
	tcp_xmit_retransmit_queue(ts);
}

static void sack_and_clean(struct tcp_sock *ts, uint32_t ack, const struct tcp_opts *o,
			   uint32_t prior_fack, struct tcp_ack_state *st)
{
	if (o && o->nsack && is_sack(ts)) {
		tcp_sb_sacktag(ts, (const uint32_t (*)[2])o->sack, o->nsack, ack, st);
		if (st->reord_valid)
			tcp_check_sack_reordering(ts, st->reord, false);
	}
	ts->delivered += st->sacked_pcount;
	st->reord_valid = false;
	tcp_sb_clean(ts, ack, st);
	if (is_sack(ts)) {
		ts->delivered += st->acked_pcount;
		if (st->reord_valid && seq_lt(st->reord, prior_fack))
			tcp_check_sack_reordering(ts, st->reord, false);
	} else if (st->flag & ACKF_DATA_ACKED) {
		remove_reno_sacks(ts, st->acked_pcount);
	}
}

static void init_state(struct tcp_ack_state *st, int flag)
{
	*st = (struct tcp_ack_state){ .flag = flag, .first_ackt = -1, .last_ackt = -1,
				      .first_sackt = -1 };
}

void tcp_recovery_ack(struct tcp_sock *ts, uint32_t ack, const struct tcp_opts *o,
		      int flag, uint32_t prior_snd_una)
{
	struct tcp_ack_state st;
	init_state(&st, flag);
	uint32_t prior_fack = is_sack(ts) && ts->sacked_out ? ts->fack : prior_snd_una;
	uint32_t prior_packets = ts->packets_out;
	uint32_t prior_delivered = ts->delivered;
	uint32_t prior_lost = ts->lost_total;
	int rexmit = REXMIT_NONE;
	if (seq_gt(ack, prior_snd_una))
		st.flag |= ACKF_SND_UNA_ADVANCED;
	if (!prior_packets && !ts->sb.n)
		return;
	sack_and_clean(ts, ack, o, prior_fack, &st);
	if (st.flag & ACKF_DATA_ACKED) {
		int64_t now = vs_now(ts->vs);
		int64_t ca_rtt = st.last_ackt >= 0 && !(st.flag & ACKF_RETRANS_DATA_ACKED) ?
				 now - st.last_ackt : -1;
		tcp_cc_pkts_acked(ts, st.acked_pcount, ca_rtt);
	}
	tcp_rack_update_reo_wnd(ts, &st);
	if (ts->tlp_high_seq)
		process_tlp_ack(ts, ack, st.flag);
	bool dubious = !(st.flag & ACKF_NOT_DUP) || (st.flag & ACKF_CA_ALERT) ||
		       ts->ca_state != TCP_CA_OPEN;
	if (dubious) {
		int num_dupack = 0;
		if (!(st.flag & (ACKF_SND_UNA_ADVANCED | ACKF_NOT_DUP | ACKF_DSACKING)))
			num_dupack = 1;
		fastretrans_alert(ts, o, prior_snd_una, num_dupack, &st.flag, &rexmit);
	}
	if (st.flag & ACKF_SET_XMIT_TIMER) {
		if (ts->packets_out)
			tcp_arm_xmit_timer(ts, true);
		else
			vs_timer_cancel(ts->vs, &ts->rexmit_timer);
	}
	uint32_t acked_sacked = ts->delivered - prior_delivered;
	if (in_cwnd_reduction(ts))
		tcp_cwnd_reduction(ts, acked_sacked, ts->lost_total - prior_lost, st.flag);
	else if (may_raise_cwnd(ts, st.flag))
		tcp_cc_cong_avoid(ts, acked_sacked);
	xmit_recovery(ts, rexmit);
}

/* An ACK below snd_una still carries SACK information (tcp_ack's
 * old_ack path): tag it and let recovery use it, cwnd untouched. */
void tcp_recovery_old_ack(struct tcp_sock *ts, uint32_t ack, const struct tcp_opts *o)
{
	if (!o || !o->nsack || !is_sack(ts) || !ts->sb.n)
		return;
	struct tcp_ack_state st;
	init_state(&st, 0);
	int rexmit = REXMIT_NONE;
	tcp_sb_sacktag(ts, (const uint32_t (*)[2])o->sack, o->nsack, ack, &st);
	if (st.reord_valid)
		tcp_check_sack_reordering(ts, st.reord, false);
	ts->delivered += st.sacked_pcount;
	fastretrans_alert(ts, o, ts->snd_una, 0, &st.flag, &rexmit);
	xmit_recovery(ts, rexmit);
}
