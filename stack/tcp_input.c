/* Segment arrival (RFC 9293 3.10.7): LISTEN, SYN-SENT, the synchronized
 * states and TIME-WAIT; RFC 5961 checks, PAWS (RFC 7323), data delivery,
 * ACK processing, delayed-ACK decisions and FIN handling. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

struct seg {
	const struct vs_addr *src, *dst;
	uint16_t sport, dport, win, urp;
	uint32_t seq, ack, end; /* end: seq + payload + SYN + FIN */
	uint8_t flags, tos;         /* tos: the IP header's, for ECN */
	const uint8_t *raw, *data;
	size_t raw_len;
	uint32_t len;           /* payload bytes */
	struct tcp_opts opt;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void tcp_deliver_wakeup(struct tcp_sock *ts)
{
	vs_wakeup(ts->vs);
}

bool tcp_challenge_ack_allowed(struct vstack *vs)
{
	struct tcp_table *t = vs->tcp;
	int64_t now = vs_now(vs);
	if (now - t->challenge_stamp >= 1000000) {
		t->challenge_stamp = now;
		t->challenge_count = 0;
	}
	if (t->challenge_count >= vs->knobs.tcp_challenge_ack_limit)
		return false;
	t->challenge_count++;
	return true;
}

/* RFC 5961 challenge ACK, rate-limited per second across the instance. */
static void challenge_ack(struct tcp_sock *ts)
{
	if (tcp_challenge_ack_allowed(ts->vs))
		tcp_send_ack(ts);
}

/* Duplicate ACKs for out-of-window pure ACKs are rate-limited
 * (tcp_invalid_ratelimit); anything carrying data is always answered. */
static void dup_ack(struct tcp_sock *ts, const struct seg *s)
{
	int64_t now = vs_now(ts->vs);
	if (s->len && seq_lt(s->seq, ts->rcv_nxt) && ts->sack_ok && ts->vs->knobs.tcp_dsack) {
		/* an old duplicate: report it as a D-SACK (RFC 2883) */
		ts->dsack[0] = s->seq;
		ts->dsack[1] = seq_min(s->seq + s->len, ts->rcv_nxt);
		ts->dsack_pending = true;
	}
	if (s->len == 0 && !(s->flags & (TH_FIN | TH_SYN))) {
		int64_t lim = (int64_t)ts->vs->knobs.tcp_invalid_ratelimit * 1000;
		if (ts->challenge_stamp && now - ts->challenge_stamp < lim)
			return;
		ts->challenge_stamp = now;
	}
	tcp_send_ack(ts);
}

static void set_mss_from_peer(struct tcp_sock *ts)
{
	int mss = ts->peer_mss ? ts->peer_mss : TCP_MSS_DEFAULT;
	int iface = vs_iface_mss(ts->vs, ts->raddr.family);
	if (ts->pmtu > 0) {
		int p = ts->pmtu - (ts->raddr.family == AF_INET ? 40 : 60);
		if (p < iface)
			iface = p;
	}
	if (mss > iface)
		mss = iface;
	if (ts->user_mss && ts->user_mss < mss)
		mss = ts->user_mss;
	if (ts->ts_ok)
		mss -= TCP_TS_ALIGNED_LEN;
	int floor = ts->vs->knobs.tcp_min_snd_mss > 0 ? ts->vs->knobs.tcp_min_snd_mss : 48;
	if (mss < floor)
		mss = floor;
	ts->mss_cache = mss;
}

static void rcv_mss_init(struct tcp_sock *ts)
{
	int hint = ts->advmss < ts->mss_cache ? ts->advmss : ts->mss_cache;
	if (hint > (int)ts->rcv_wnd / 2)
		hint = (int)ts->rcv_wnd / 2;
	if (hint > TCP_MSS_DEFAULT)
		hint = TCP_MSS_DEFAULT;
	ts->rcv_mss = hint < 88 ? 88 : hint;
}

static void inherit_options(struct tcp_sock *c, const struct tcp_sock *l)
{
	c->nodelay = l->nodelay;
	c->cork = l->cork;
	c->keepalive_on = l->keepalive_on;
	c->keepidle = l->keepidle;
	c->keepintvl = l->keepintvl;
	c->keepcnt = l->keepcnt;
	c->linger_on = l->linger_on;
	c->linger_secs = l->linger_secs;
	c->user_mss = l->user_mss;
	c->user_timeout_ms = l->user_timeout_ms;
	c->rcvbuf_limit = l->rcvbuf_limit;
	c->sndbuf_limit = l->sndbuf_limit;
	c->rcvbuf_locked = l->rcvbuf_locked;
	c->sndbuf_locked = l->sndbuf_locked;
	c->notsent_lowat = l->notsent_lowat;
	c->window_clamp = l->window_clamp;
	c->tos = l->tos;
	c->ttl = l->ttl;
	c->inq_opt = l->inq_opt;
	c->reuseaddr = l->reuseaddr;
	memcpy(c->cong_name, l->cong_name, sizeof(c->cong_name));
}

static void negotiate(struct tcp_sock *ts, const struct tcp_opts *o, bool active)
{
	struct vs_knobs *k = &ts->vs->knobs;
	if (!active) {
		ts->ts_ok = k->tcp_timestamps && o->ts_ok;
		ts->sack_ok = k->tcp_sack && o->sack_ok;
		ts->ws_ok = k->tcp_window_scaling && o->ws_ok;
	} else {
		ts->ts_ok = ts->ts_ok && o->ts_ok;
		ts->sack_ok = ts->sack_ok && o->sack_ok;
		ts->ws_ok = ts->ws_ok && o->ws_ok;
	}
	ts->snd_wscale = ts->ws_ok ? o->ws : 0;
	if (!ts->ws_ok)
		ts->rcv_wscale = 0;
	ts->peer_mss = o->mss_ok ? o->mss :
		       ts->raddr.family == AF_INET6 ? TCP_MSS_DEFAULT_V6 : TCP_MSS_DEFAULT;
	if (o->ts_ok) {
		ts->ts_recent = o->tsval;
		ts->ts_recent_stamp = vs_now(ts->vs);
	}
}

void tcp_syn_child_init(struct tcp_sock *c, struct tcp_sock *l, const struct tcp_lseg *s,
			uint32_t iss)
{
	struct vstack *vs = l->vs;
	inherit_options(c, l);
	tcp_md5_inherit(c, l);
	c->laddr = *s->dst;
	c->raddr = *s->src;
	c->lport = s->dport;
	c->rport = s->sport;
	c->bound = true;
	tcp_table_bind_hash(vs, c);
	negotiate(c, s->opt, false);
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_wup = c->rcv_nxt;
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_buf_seq = c->psh_seq = c->iss + 1;
	c->snd_sml = c->iss;
	c->snd_wnd = s->win;              /* never scaled in a SYN */
	c->snd_wl1 = s->seq;
	c->snd_wl2 = c->iss;
	c->max_window = c->snd_wnd;
	c->last_rcv_time = vs_now(vs);
	int adv = vs_iface_mss(vs, c->raddr.family);
	if (c->user_mss && c->user_mss < adv)
		adv = c->user_mss;
	tcp_init_rcv_window(c, adv - (c->ts_ok ? TCP_TS_ALIGNED_LEN : 0));
	if (!c->ws_ok)
		c->rcv_wscale = 0;
	c->rcv_adv = c->rcv_nxt + (c->rcv_wnd > 65535 ? 65535 : c->rcv_wnd);
	c->segs_in = 1;
	c->first_rexmit_time = vs_now(vs);
}

/* LISTEN: the SYN queue and SYN cookies (tcp_synq.c) decide; a segment
 * for a half-open connection may come back as its socket. */
static struct tcp_sock *listen_input(struct tcp_sock *l, const struct seg *s)
{
	/* SYN+FIN (no ACK, no RST): dropped, as Linux does; RFC 9293 would
	 * ignore the FIN, but no real peer sends one (a scan's probe). */
	if ((s->flags & (TH_SYN | TH_FIN | TH_ACK | TH_RST)) == (TH_SYN | TH_FIN))
		return NULL;
	struct tcp_lseg ls = {
		.src = s->src, .dst = s->dst, .sport = s->sport, .dport = s->dport,
		.win = s->win, .seq = s->seq, .ack = s->ack, .seglen = s->end - s->seq,
		.flags = s->flags, .tos = s->tos, .opt = &s->opt, .raw = s->raw,
		.raw_len = s->raw_len, .data = s->data, .len = s->len,
	};
	return tcp_synq_input(l, &ls);
}

static void become_established(struct tcp_sock *ts)
{
	set_mss_from_peer(ts);
	rcv_mss_init(ts);
	ts->retransmits = 0;
	ts->backoff = 0;
	/* RFC 6298 5.7: no RTT sample from the handshake (its SYN or SYN-ACK
	 * went again without timestamps, or a SYN cookie): data starts with
	 * an RTO of 3 s, as Linux's tcp_init_metrics() does. */
	if (!ts->rto.have_sample)
		ts->rto.rto_us = TCP_RTO_FALLBACK_US;
	/* The RFC profile's initial window, now that the MSS is known; one
	 * segment after a lost SYN or SYN-ACK (RFC 5681 3.1). */
	if (ts->vs->knobs.vwire_rfc_profile)
		ts->cwnd = ts->total_retrans ? 1 : tcp_cc_initial_window(ts);
	ts->last_data_recv = vs_now(ts->vs);
	vs_timer_cancel(ts->vs, &ts->rexmit_timer);
	tcp_set_state(ts, VWIRE_TCP_ESTABLISHED);
	tcp_arm_keepalive(ts);
}

static void syn_sent_input(struct tcp_sock *ts, const struct seg *s)
{
	struct vstack *vs = ts->vs;
	bool ack_ok = false;
	if (s->flags & TH_ACK) {
		if (seq_leq(s->ack, ts->iss) || seq_gt(s->ack, ts->snd_max)) {
			if (!(s->flags & TH_RST))
				tcp_send_reset_reply(vs, s->src, s->dst, s->raw, s->raw_len,
						     s->end - s->seq);
			return;
		}
		/* RFC 7323 / Linux: an echoed timestamp from before our first SYN
		 * or from the future marks a bogus SYN-ACK: reset it. */
		uint32_t first_ts = (uint32_t)(ts->first_rexmit_time / 1000);
		if (ts->ts_ok && s->opt.ts_ok && s->opt.tsecr &&
		    (seq_lt(s->opt.tsecr, first_ts) || seq_gt(s->opt.tsecr, tcp_tsval(ts)))) {
			if (!(s->flags & TH_RST))
				tcp_send_reset_reply(vs, s->src, s->dst, s->raw, s->raw_len,
						     s->end - s->seq);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TH_RST) {
		if (ack_ok)
			tcp_reset_conn(ts, ECONNREFUSED);
		return;
	}
	if (!(s->flags & TH_SYN))
		return;
	negotiate(ts, &s->opt, true);
	tcp_ecn_synack_input(ts, s->flags);
	ts->irs = s->seq;
	ts->rcv_nxt = s->seq + 1;
	ts->rcv_wup = ts->rcv_nxt;
	ts->snd_wnd = s->win;
	ts->snd_wl1 = s->seq;
	ts->snd_wl2 = s->ack;
	ts->max_window = ts->snd_wnd;
	ts->last_rcv_time = vs_now(vs);
	if (!ack_ok) {
		/* Simultaneous open: SYN-RECEIVED, answer with a SYN-ACK. */
		tcp_set_state(ts, VWIRE_TCP_SYN_RECV);
		tcp_send_syn(ts);
		tcp_arm_rexmit(ts);
		return;
	}
	ts->snd_una = s->ack;
	vs_sock_acked(vs, ts->fd, ts->snd_una); /* data that rode the SYN */
	if (ts->retransmits == 0 && !ts->ts_ok)
		tcp_rto_sample(&ts->rto, vs_now(vs) - ts->first_rexmit_time,
			       vs->knobs.tcp_rto_min_us, TCP_RTO_MAX_US);
	else if (ts->ts_ok && s->opt.tsecr)
		tcp_rto_sample(&ts->rto, (int64_t)(tcp_tsval(ts) - s->opt.tsecr) * 1000,
			       vs->knobs.tcp_rto_min_us, TCP_RTO_MAX_US);
	become_established(ts);
	/* Fast Open: SYN data the SYN-ACK left unacknowledged goes again at
	 * once, and that segment (or a waiting writer's) carries the ACK. */
	if (!tcp_fastopen_synack(ts, &s->opt, s->data, s->len, (s->flags & TH_FIN) != 0))
		tcp_send_ack(ts);
	tcp_output(ts);
	tcp_deliver_wakeup(ts);
}

/* PAWS (RFC 7323 5.3): a timestamp older than ts_recent marks an old
 * duplicate. */
static bool paws_reject(const struct tcp_sock *ts, const struct seg *s)
{
	if (!ts->ts_ok || !s->opt.ts_ok || (s->flags & TH_RST))
		return false;
	if ((int32_t)(s->opt.tsval - ts->ts_recent) >= 0)
		return false;
	/* ts_recent older than 24 days is no longer trusted */
	return vs_now(ts->vs) - ts->ts_recent_stamp < 24LL * 86400 * 1000000;
}

static bool seq_acceptable(const struct tcp_sock *ts, const struct seg *s)
{
	uint32_t wnd = seq_gt(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
	return !seq_lt(s->end, ts->rcv_wup) && !seq_gt(s->seq, ts->rcv_nxt + wnd);
}

static void queue_to_accept(struct tcp_sock *c)
{
	struct tcp_sock *l = c->parent;
	if (!l)
		return;
	if (l->synq_len > 0)
		l->synq_len--;
	c->in_accept_queue = true;
	c->aq_next = NULL;
	if (l->aq_tail)
		l->aq_tail->aq_next = c;
	else
		l->aq_head = c;
	l->aq_tail = c;
	l->aq_len++;
	tcp_deliver_wakeup(l);
}

/* Takes an RTT sample from the ACK (timestamps when present, as Linux);
 * true when it did. */
static bool rtt_sample(struct tcp_sock *ts, const struct seg *s)
{
	struct vstack *vs = ts->vs;
	int64_t rtt = -1;
	if (ts->ts_ok && s->opt.ts_ok && s->opt.tsecr) {
		rtt = (int64_t)(uint32_t)(tcp_tsval(ts) - s->opt.tsecr) * 1000;
		if (rtt < 0 || rtt > TCP_RTO_MAX_US)
			rtt = -1;
	} else if (ts->rtt_timing && seq_geq(s->ack, ts->rtt_seq) && ts->retransmits == 0) {
		rtt = vs_now(vs) - ts->rtt_seq_time;
	}
	if (ts->rtt_timing && seq_geq(s->ack, ts->rtt_seq))
		ts->rtt_timing = false;
	if (rtt >= 0) {
		int64_t min = vs->knobs.tcp_rto_min_us > 0 ? vs->knobs.tcp_rto_min_us : 200000;
		tcp_rto_sample(&ts->rto, rtt, min, TCP_RTO_MAX_US);
	}
	return rtt >= 0;
}

static void fin_acked(struct tcp_sock *ts)
{
	switch (ts->state) {
	case VWIRE_TCP_FIN_WAIT1:
		tcp_set_state(ts, VWIRE_TCP_FIN_WAIT2);
		vs_timer_cancel(ts->vs, &ts->rexmit_timer);
		if (ts->orphan)
			tcp_arm_fin_wait2(ts);
		tcp_deliver_wakeup(ts);
		break;
	case VWIRE_TCP_CLOSING:
		tcp_enter_timewait(ts);
		break;
	case VWIRE_TCP_LAST_ACK:
		tcp_done(ts);
		break;
	default:
		break;
	}
}

/* ACK processing for the synchronized states. Returns false when the
 * segment must be dropped (and the TCB may be gone: *gone set). */
static bool ack_input(struct tcp_sock *ts, const struct seg *s, bool *gone)
{
	struct vstack *vs = ts->vs;
	if (ts->probe_octet && ts->snd_nxt == ts->snd_una && ts->snd_max == ts->snd_una &&
	    s->ack == ts->snd_una + 1) {
		/* The peer took the octet a zero-window probe carried. */
		ts->snd_nxt = ts->snd_max = s->ack;
	}
	if (seq_gt(s->ack, ts->snd_max)) {
		dup_ack(ts, s);           /* RFC 9293 3.10.7.4: ACK, then drop */
		return false;
	}
	if (seq_lt(s->ack, ts->snd_una - ts->max_window)) {
		challenge_ack(ts);
		return false;
	}
	uint32_t win = (uint32_t)s->win << ts->snd_wscale;
	bool window_update = false;
	if (seq_lt(ts->snd_wl1, s->seq) ||
	    (ts->snd_wl1 == s->seq && seq_leq(ts->snd_wl2, s->ack))) {
		window_update = win != ts->snd_wnd;
		ts->snd_wnd = win;
		ts->snd_wl1 = s->seq;
		ts->snd_wl2 = s->ack;
		if (win > ts->max_window)
			ts->max_window = win;
	}
	uint32_t prior_snd_una = ts->snd_una;
	int flag = (s->len ? ACKF_DATA : 0) | (window_update ? ACKF_WIN_UPDATE : 0);
	if (seq_lt(s->ack, ts->snd_una)) {
		tcp_recovery_old_ack(ts, s->ack, &s->opt);   /* SACK news only */
	} else if (seq_gt(s->ack, ts->snd_una)) {
		uint32_t acked = s->ack - ts->snd_una;
		uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		uint32_t data_acked_to = seq_min(s->ack, data_end);
		if (seq_gt(data_acked_to, ts->snd_buf_seq)) {
			uint32_t n = data_acked_to - ts->snd_buf_seq;
			tcp_buf_drop(&ts->sndbuf, n);
			ts->snd_buf_seq += n;
			ts->bytes_acked += n;
		}
		bool sampled = rtt_sample(ts, s);
		ts->snd_una = s->ack;
		ts->probe_octet = false;
		vs_sock_acked(vs, ts->fd, ts->snd_una); /* zerocopy, timestamps */
		if (seq_lt(ts->snd_nxt, ts->snd_una))
			ts->snd_nxt = ts->snd_una;
		ts->retransmits = 0;
		/* Karn (RFC 6298 5, 5.5): the backed-off RTO stays until an ACK
		 * gives a new RTT sample; a zero-window probe's backoff ends with
		 * the probing. */
		if (sampled || ts->probes)
			ts->backoff = 0;
		ts->probes = 0;
		ts->last_ack_recv_time = vs_now(vs);
		ts->dupacks = 0;
		if (ts->packets_out || ts->sb.n) {
			/* loss recovery and cwnd growth (tcp_recovery.c) */
			tcp_recovery_ack(ts, s->ack, &s->opt, flag, prior_snd_una);
		} else {
			/* nothing on the scoreboard (a SYN's data) */
			uint32_t mss = (uint32_t)tcp_current_mss(ts);
			ts->delivered += (acked + mss - 1) / mss;
			if (tcp_flight_size(ts) > 0)
				tcp_arm_xmit_timer(ts, true);
			else
				vs_timer_cancel(vs, &ts->rexmit_timer);
		}
		if (ts->tlp_high_seq && !ts->sb.n && seq_geq(s->ack, ts->tlp_high_seq))
			ts->tlp_high_seq = 0;
		if (tcp_flight_size(ts) == 0) {
			vs_timer_cancel(vs, &ts->rexmit_timer);
			tcp_chrono_stop(ts, TCP_CHRONO_BUSY);   /* idle if all is acked */
		}
		vs_timer_cancel(vs, &ts->persist_timer);
		if (ts->fin_sent && seq_gt(s->ack, ts->fin_seq)) {
			int before = ts->state;
			fin_acked(ts);
			if (before == VWIRE_TCP_LAST_ACK) {
				*gone = true;
				return false;
			}
		}
		tcp_deliver_wakeup(ts);
	} else if (ts->packets_out || ts->sb.n) {
		/* Same snd_una: a duplicate ACK, SACK news, or a window
		 * update; tcp_recovery_ack tells them apart (RFC 5681 2). */
		if (s->len == 0 && !(s->flags & TH_FIN) && !window_update)
			ts->dupacks++;
		tcp_recovery_ack(ts, s->ack, &s->opt, flag | ((s->flags & TH_FIN) ? ACKF_DATA : 0),
				 prior_snd_una);
	}
	if (window_update && ts->snd_wnd > 0)
		vs_timer_cancel(vs, &ts->persist_timer);
	return true;
}

static void update_ato(struct tcp_sock *ts)
{
	int64_t now = vs_now(ts->vs);
	if (ts->ato_us == 0) {
		uint32_t q = ts->rcv_wnd / (2u * (uint32_t)(ts->rcv_mss > 0 ? ts->rcv_mss : 536));
		if (q < 2)
			q = 2;
		ts->quick = q > TCP_MAX_QUICKACKS ? TCP_MAX_QUICKACKS : (int)q;
		ts->ato_us = TCP_ATO_MIN_US;
	} else {
		int64_t m = now - ts->last_data_recv;
		if (m <= TCP_ATO_MIN_US / 2)
			ts->ato_us = ts->ato_us / 2 + TCP_ATO_MIN_US / 2;
		else if (m < ts->ato_us)
			ts->ato_us = ts->ato_us / 2 + m;
		else if (m > tcp_rto_us(ts)) {
			/* long idle: back to quick ACKs */
			ts->pingpong = false;
			uint32_t q = ts->rcv_wnd / (2u * (uint32_t)ts->rcv_mss);
			if ((int)q > ts->quick)
				ts->quick = q > TCP_MAX_QUICKACKS ? TCP_MAX_QUICKACKS : (int)q;
		}
		if (ts->ato_us > tcp_rto_us(ts))
			ts->ato_us = tcp_rto_us(ts);
	}
	ts->last_data_recv = now;
}

static void deliver_in_order(struct tcp_sock *ts, const uint8_t *p, uint32_t n)
{
	size_t put = tcp_buf_append(&ts->rcvbuf, p, n, (size_t)ts->rcvbuf_limit + 65536);
	ts->rcv_nxt += (uint32_t)put;
	ts->bytes_received += put;
	ts->unacked_bytes += (uint32_t)put;
}

static void do_fin(struct tcp_sock *ts)
{
	ts->rcv_nxt++;
	ts->fin_rcvd = true;
	ts->shut_rd = true;
	ts->ack_now = true;
	switch (ts->state) {
	case VWIRE_TCP_SYN_RECV:
	case VWIRE_TCP_ESTABLISHED:
		tcp_set_state(ts, VWIRE_TCP_CLOSE_WAIT);
		break;
	case VWIRE_TCP_FIN_WAIT1:
		tcp_set_state(ts, VWIRE_TCP_CLOSING);
		break;
	case VWIRE_TCP_FIN_WAIT2:
		tcp_send_ack(ts);
		tcp_enter_timewait(ts);
		break;
	default:
		break;
	}
	tcp_deliver_wakeup(ts);
}

/* Payload and FIN for ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2. */
static void data_input(struct tcp_sock *ts, const struct seg *s)
{
	const uint8_t *p = s->data;
	uint32_t seq = s->seq, len = s->len;
	bool fin = (s->flags & TH_FIN) != 0;
	if (len) {
		ts->data_segs_in++;
		update_ato(ts);
		if (len > (uint32_t)ts->rcv_mss)
			ts->rcv_mss = len > ts->advmss ? ts->advmss : (int)len;
	}
	if (len && seq_lt(seq, ts->rcv_nxt)) {
		uint32_t old = ts->rcv_nxt - seq;
		if (old >= len) {
			/* An old duplicate: D-SACK it (RFC 2883), ACK at once. */
			if (ts->sack_ok && ts->vs->knobs.tcp_dsack) {
				ts->dsack[0] = seq;
				ts->dsack[1] = seq + len;
				ts->dsack_pending = true;
			}
			ts->ack_now = true;
			if (fin && seq + len + 1 == ts->rcv_nxt && ts->fin_rcvd)
				ts->ack_now = true;
			return;
		}
		if (ts->sack_ok && ts->vs->knobs.tcp_dsack) {
			ts->dsack[0] = seq;
			ts->dsack[1] = ts->rcv_nxt;
			ts->dsack_pending = true;
		}
		p += old;
		len -= old;
		seq = ts->rcv_nxt;
		ts->ack_now = true;
	}
	/* Trim what lies beyond the window we offered. */
	uint32_t right = seq_gt(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv : ts->rcv_nxt;
	if (len && seq_gt(seq + len, right)) {
		uint32_t keep = seq_gt(right, seq) ? right - seq : 0;
		len = keep;
		fin = false;
		ts->ack_now = true;
	}
	if (seq == ts->rcv_nxt) {
		if (len) {
			bool had_ooo = ts->reass.head != NULL;
			deliver_in_order(ts, p, len);
			struct tcp_reass_seg *r;
			uint32_t skip;
			while ((r = tcp_reass_pop(&ts->reass, ts->rcv_nxt, &skip)) != NULL) {
				deliver_in_order(ts, r->data + skip, r->len - skip);
				free(r);
			}
			if (had_ooo)
				ts->ack_now = true;
			/* Grow the window we offer as data flows (tcp_grow_window). */
			uint32_t cap = (uint32_t)tcp_win_from_space(ts->vs, ts->rcvbuf_limit);
			if (ts->rcv_ssthresh < cap && len >= (uint32_t)ts->rcv_mss / 2) {
				ts->rcv_ssthresh += 2u * ts->advmss;
				if (ts->rcv_ssthresh > cap)
					ts->rcv_ssthresh = cap;
			}
			tcp_deliver_wakeup(ts);
		}
		if (fin || (ts->ooo_fin && ts->ooo_fin_seq == ts->rcv_nxt)) {
			ts->ooo_fin = false;
			do_fin(ts);
		}
	} else if (len || fin) {
		/* Out of order: queue it, ACK at once with SACK (RFC 5681 4.2). */
		if (len && tcp_reass_insert(&ts->reass, ts->rcv_nxt, seq, p, len) &&
		    ts->sack_ok && ts->vs->knobs.tcp_dsack) {
			ts->dsack[0] = seq;
			ts->dsack[1] = seq + len;
			ts->dsack_pending = true;
		}
		if (fin) {
			ts->ooo_fin = true;
			ts->ooo_fin_seq = seq + len;
		}
		ts->ack_now = true;
	}
	if (ts->state == VWIRE_TCP_TIME_WAIT || ts->state == VWIRE_TCP_CLOSE)
		return;
	if (ts->unacked_bytes > (uint32_t)ts->rcv_mss)
		ts->ack_now = true;         /* more than one full segment */
	if (s->len && ts->quick > 0 && !ts->pingpong)
		ts->ack_now = true;
	if (s->len && !ts->ack_now)
		tcp_arm_delack(ts);
}

/* What TIME-WAIT looks at in a segment. */
static struct tcp_tw_seg tw_seg(const struct seg *s)
{
	return (struct tcp_tw_seg){ .seq = s->seq, .end = s->end, .len = s->len,
				    .tsval = s->opt.tsval, .flags = s->flags,
				    .ts_ok = s->opt.ts_ok };
}

/* A whole TCB in TIME-WAIT (tcp_timewait.c's rule, as an entry's). */
static void timewait_input(struct tcp_sock *ts, const struct seg *s, bool *reopen)
{
	struct vstack *vs = ts->vs;
	struct tcp_tw_rcv r = { .rcv_nxt = ts->rcv_nxt, .rcv_wup = ts->rcv_wup,
				.rcv_adv = ts->rcv_adv, .ts_recent = ts->ts_recent,
				.ts_recent_stamp = ts->ts_recent_stamp, .ts_ok = ts->ts_ok };
	struct tcp_tw_seg seg = tw_seg(s);
	switch (tcp_tw_decide(vs, &r, &seg)) {
	case TCP_TW_DROP:
		break;
	case TCP_TW_CHALLENGE_ACK:
		challenge_ack(ts);
		break;
	case TCP_TW_ACK:
		tcp_send_ack(ts);
		break;
	case TCP_TW_ACK_RESTART:
		tcp_send_ack(ts);
		vs_timer_arm(vs, &ts->wait_timer, vs_now(vs) + TCP_TIMEWAIT_US);
		break;
	case TCP_TW_REOPEN:
		*reopen = true;
		/* fall through */
	case TCP_TW_KILL:
		tcp_done(ts);
		break;
	}
}

static void established_input(struct tcp_sock *ts, const struct seg *s)
{
	struct vstack *vs = ts->vs;
	ts->segs_in++;
	/* RFC 7323 3.2: a non-RST segment without a TSopt on a timestamped
	 * connection SHOULD be dropped silently; Linux keeps it, the RFC
	 * profile drops it. */
	if (vs->knobs.vwire_rfc_profile && ts->ts_ok && !s->opt.ts_ok && !(s->flags & TH_RST))
		return;
	if (paws_reject(ts, s)) {
		dup_ack(ts, s);
		return;
	}
	if (!seq_acceptable(ts, s)) {
		if (s->flags & TH_RST)
			return;
		if (s->flags & TH_SYN) {
			challenge_ack(ts);
			return;
		}
		dup_ack(ts, s);
		return;
	}
	if (s->flags & TH_RST) {
		if (s->seq != ts->rcv_nxt) {
			challenge_ack(ts);     /* RFC 5961 3.2 */
			return;
		}
		if (ts->state == VWIRE_TCP_SYN_RECV && ts->parent && !tcp_fastopen_is_passive(ts)) {
			tcp_done(ts);          /* embryonic: gone quietly */
			return;
		}
		tcp_reset_conn(ts, ECONNRESET);
		return;
	}
	struct seg simul;
	if ((s->flags & TH_SYN) && ts->state == VWIRE_TCP_SYN_RECV && !ts->parent &&
	    (s->flags & TH_ACK) && s->len == 0 && s->seq + 1 == ts->rcv_nxt &&
	    s->ack == ts->snd_nxt) {
		/* Simultaneous open: the peer's SYN-ACK acknowledges our SYN;
		 * take it as the ACK that completes the handshake. */
		simul = *s;
		simul.seq = s->seq + 1;
		simul.flags &= (uint8_t)~TH_SYN;
		/* Its SYN's sequence number is one we had already: the ACK
		 * reports it as a duplicate (a D-SACK, RFC 2883), as Linux's. */
		if (ts->sack_ok && vs->knobs.tcp_dsack) {
			ts->dsack[0] = s->seq;
			ts->dsack[1] = s->seq + 1;
			ts->dsack_pending = true;
		}
		s = &simul;
	}
	if (s->flags & TH_SYN) {
		if (ts->state == VWIRE_TCP_SYN_RECV && s->seq == ts->irs) {
			tcp_send_syn(ts);      /* our SYN-ACK was lost */
			return;
		}
		challenge_ack(ts);             /* RFC 5961 4.2 */
		return;
	}
	if (!(s->flags & TH_ACK))
		return;
	/* Timestamps: remember the peer's for echo (RFC 7323 4.3). */
	if (ts->ts_ok && s->opt.ts_ok && seq_leq(s->seq, ts->rcv_wup) &&
	    (int32_t)(s->opt.tsval - ts->ts_recent) >= 0) {
		ts->ts_recent = s->opt.tsval;
		ts->ts_recent_stamp = vs_now(vs);
	}
	if (ts->state == VWIRE_TCP_SYN_RECV) {
		if (!seq_in(s->ack, ts->snd_una + 1, ts->snd_max + 1)) {
			tcp_send_reset_reply(vs, s->src, s->dst, s->raw, s->raw_len, s->end - s->seq);
			return;
		}
		struct tcp_sock *l = ts->parent;
		if (l && l->aq_len > l->backlog && !ts->in_accept_queue) {
			if (vs->knobs.tcp_abort_on_overflow) {
				tcp_send_rst_for(ts);
				tcp_done(ts);
			}
			return;        /* stays embryonic; the peer retransmits */
		}
		if (ts->retransmits == 0 && !(ts->ts_ok && s->opt.tsecr))
			tcp_rto_sample(&ts->rto, vs_now(vs) - ts->first_rexmit_time,
				       vs->knobs.tcp_rto_min_us, TCP_RTO_MAX_US);
		/* A Fast Open child may have sent data: ack_input takes the rest. */
		ts->snd_una = tcp_fastopen_is_passive(ts) ? ts->iss + 1 : s->ack;
		ts->snd_wnd = (uint32_t)s->win << ts->snd_wscale;
		ts->max_window = ts->snd_wnd;
		ts->snd_wl1 = s->seq;
		ts->snd_wl2 = s->ack;
		rtt_sample(ts, s);
		become_established(ts);
		if (s == &simul)
			ts->ack_now = true; /* RFC 9293 Figure 8 line 7: the SYN,ACK gets its ACK */
		if (l && !ts->in_accept_queue)
			queue_to_accept(ts);
		tcp_deliver_wakeup(ts);
	}
	bool gone = false;
	if (!ack_input(ts, s, &gone))
		return;
	tcp_ecn_input(ts, s->flags, s->tos, s->len);
	tcp_urg_input(ts, s->seq, s->urp, (s->flags & TH_URG) != 0, s->data, s->len);
	ts->last_rcv_time = vs_now(vs);
	switch (ts->state) {
	case VWIRE_TCP_FIN_WAIT1:
	case VWIRE_TCP_FIN_WAIT2:
		if (ts->shut_rd && s->len && seq_gt(s->seq + s->len, ts->rcv_nxt)) {
			/* New data after the read side shut (RFC 1122 4.2.2.13:
			 * MUST reset). Linux answers as for a segment without a
			 * connection, and the socket sees ECONNRESET. */
			tcp_send_reset_reply(vs, s->src, s->dst, s->raw, s->raw_len, s->end - s->seq);
			tcp_reset_conn(ts, ECONNRESET);
			return;
		}
		/* fall through */
	case VWIRE_TCP_ESTABLISHED:
		data_input(ts, s);
		break;
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK: the peer's FIN is in; a
		 * retransmission of old data or of the FIN wants an ACK. */
		if ((s->len || (s->flags & TH_FIN)) && seq_lt(s->seq, ts->rcv_nxt))
			ts->ack_now = true;
		break;
	}
	if (ts->state == VWIRE_TCP_CLOSE)
		return;
	tcp_output(ts);
	if (ts->ack_now && ts->state != VWIRE_TCP_TIME_WAIT)
		tcp_send_ack(ts);
	if (ts->keepalive_on)
		ts->probes = 0;
}

/* A compact TIME-WAIT entry for the segment's 4-tuple takes it (true). */
static bool timewait_entry_input(struct vstack *vs, const struct seg *s, bool *reopen)
{
	struct tcp_tw *tw = tcp_tw_lookup(vs, s->dst, s->dport, s->src, s->sport);
	if (!tw)
		return false;
	if (!tcp_md5_unsigned(s->raw, s->raw_len))
		return true;    /* RFC 2385: an entry has no keys */
	struct tcp_tw_seg seg = tw_seg(s);
	tcp_tw_input(vs, tw, &seg, reopen);
	return true;
}

static void segment_input(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
			  uint8_t tos, const uint8_t *raw, size_t raw_len);

void tcp_input(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
	       uint8_t tos, const uint8_t *raw, size_t raw_len)
{
	segment_input(vs, src, dst, tos, raw, raw_len);
	tcp_tw_adopt_queued(vs); /* connections this segment put in TIME-WAIT */
}

static void segment_input(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
			  uint8_t tos, const uint8_t *raw, size_t raw_len)
{
	if (raw_len < TCP_HDR_LEN)
		return;
	size_t doff = (size_t)(raw[12] >> 4) * 4;
	if (doff < TCP_HDR_LEN || doff > raw_len)
		return;
	if (tcp_checksum(src, dst, raw, raw_len) != 0)
		return;
	struct seg s = { 0 };
	s.src = src;
	s.dst = dst;
	s.sport = (uint16_t)(raw[0] << 8 | raw[1]);
	s.dport = (uint16_t)(raw[2] << 8 | raw[3]);
	s.seq = get32(raw + 4);
	s.ack = get32(raw + 8);
	s.flags = raw[13];
	s.tos = tos;
	s.win = (uint16_t)(raw[14] << 8 | raw[15]);
	s.urp = (uint16_t)(raw[18] << 8 | raw[19]);
	s.raw = raw;
	s.raw_len = raw_len;
	s.data = raw + doff;
	s.len = (uint32_t)(raw_len - doff);
	s.end = s.seq + s.len + !!(s.flags & TH_SYN) + !!(s.flags & TH_FIN);
	if (!tcp_opts_parse(raw + TCP_HDR_LEN, doff - TCP_HDR_LEN, s.flags & TH_SYN, &s.opt))
		return;
	if (s.sport == 0 || s.dport == 0)
		return;
	for (int pass = 0; pass < 2; pass++) {
		bool listener;
		struct tcp_sock *ts = tcp_table_lookup(vs, dst, s.dport, src, s.sport, &listener);
		if (!ts || listener) {
			bool reopen = false;
			if (timewait_entry_input(vs, &s, &reopen)) {
				if (reopen)
					continue;   /* look again: a listener may take the SYN */
				return;
			}
		}
		if (!ts) {
			tcp_send_reset_reply(vs, src, dst, raw, raw_len, s.end - s.seq);
			return;
		}
		if (!tcp_md5_inbound_ok(ts, src, dst, raw, raw_len))
			return;     /* RFC 2385: unsigned, unexpected or forged */
		if (listener) {
			struct tcp_sock *c = listen_input(ts, &s);
			if (c)
				established_input(c, &s);
			return;
		}
		switch (ts->state) {
		case VWIRE_TCP_SYN_SENT:
			ts->segs_in++;
			syn_sent_input(ts, &s);
			return;
		case VWIRE_TCP_TIME_WAIT: {
			bool reopen = false;
			timewait_input(ts, &s, &reopen);
			if (reopen)
				continue;   /* look again: a listener may take the SYN */
			return;
		}
		default:
			established_input(ts, &s);
			return;
		}
	}
}

/* ------------------------------------------------------------- ICMP */

static int unreach_errno_v4(int code)
{
	static const int map[16] = {
		ENETUNREACH, EHOSTUNREACH, ENOPROTOOPT, ECONNREFUSED, EMSGSIZE,
		EOPNOTSUPP, ENETUNREACH, EHOSTDOWN, ENONET, EACCES, EACCES,
		ENETUNREACH, EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH,
	};
	return code >= 0 && code < 16 ? map[code] : EHOSTUNREACH;
}

static int unreach_errno_v6(int code)
{
	switch (code) {
	case 0: return ENETUNREACH;
	case 1: return EACCES;
	case 3: return EHOSTUNREACH;
	case 4: return ECONNREFUSED;
	default: return EHOSTUNREACH;
	}
}

void tcp_icmp_error(struct vstack *vs, int family, int type, int code, uint32_t mtu,
		    const struct vs_addr *quoted_src, const struct vs_addr *quoted_dst,
		    const uint8_t *q, size_t qlen)
{
	if (qlen < 8)
		return;
	uint16_t sport = (uint16_t)(q[0] << 8 | q[1]);
	uint16_t dport = (uint16_t)(q[2] << 8 | q[3]);
	uint32_t seq = get32(q + 4);
	bool listener;
	if (tcp_tw_lookup(vs, quoted_src, sport, quoted_dst, dport))
		return;   /* TIME-WAIT ignores ICMP errors */
	struct tcp_sock *ts = tcp_table_lookup(vs, quoted_src, sport, quoted_dst, dport, &listener);
	if (ts && listener) {
		/* A half-open request, as Linux's tcp_v4_err/tcp_v6_err treat
		 * one: over IPv4 net and host unreachable, time exceeded and
		 * parameter problems abort it; over IPv6 the errors ICMPv6
		 * calls fatal (administratively prohibited, port unreachable,
		 * policy, reject route, parameter problem). Other errors leave
		 * it to its timer. */
		bool v4 = family == AF_INET;
		bool abort = v4 ? (type == 3 && (code == 0 || code == 1)) || type == 11 || type == 12
				: (type == 1 && (code == 1 || (code >= 4 && code <= 6))) || type == 4;
		tcp_synq_icmp(ts, quoted_src, quoted_dst, dport, seq, abort);
		return;
	}
	if (!ts || ts->state == VWIRE_TCP_TIME_WAIT)
		return;
	/* RFC 5927 4.1: only an error quoting data in flight is believed. */
	if (!seq_in(seq, ts->snd_una, ts->snd_max + 1)) {
		tcp_mib_inc(vs, TCP_MIB_OUT_OF_WINDOW_ICMPS);
		return;
	}
	bool v4 = family == AF_INET;
	bool frag = v4 ? (type == 3 && code == 4) : (type == 2);
	bool unreach = v4 ? type == 3 : type == 1;
	if (frag) {
		if (vs->knobs.ip_no_pmtu_disc || mtu == 0)
			return;
		int hdr = v4 ? 40 : 60;
		int minmtu = v4 ? 68 : 1280;
		if ((int)mtu < minmtu)
			mtu = (uint32_t)minmtu;
		if (ts->pmtu && (int)mtu >= ts->pmtu)
			return;
		int old = ts->mss_cache;
		ts->pmtu = (int)mtu;
		if (ts->state == VWIRE_TCP_SYN_SENT && tcp_fastopen_syn_too_big(ts))
			return;        /* the SYN went again at once, without its data */
		int mss = (int)mtu - hdr - (ts->ts_ok ? TCP_TS_ALIGNED_LEN : 0);
		if (mss >= old)
			return;
		int floor = vs->knobs.tcp_min_snd_mss > 0 ? vs->knobs.tcp_min_snd_mss : 48;
		ts->mss_cache = mss < floor ? floor : mss;
		if (ts->state != VWIRE_TCP_SYN_SENT && tcp_flight_size(ts) > 0) {
			/* Resend what was too big at once (tcp_simple_retransmit). */
			ts->rtt_timing = false;
			if (ts->sb.n) {
				tcp_simple_retransmit(ts);
			} else {
				ts->snd_nxt = ts->snd_una;
				tcp_output(ts);
			}
		}
		return;
	}
	if (!unreach)
		return;
	int err = v4 ? unreach_errno_v4(code) : unreach_errno_v6(code);
	/* RFC 9293 3.9.2.2 / RFC 1122 4.2.3.9: net, host and source-route
	 * unreachable are soft (MUST-56, even in SYN-SENT); protocol and
	 * port unreachable are hard and abort in any state (SHLD-26). A
	 * SYN-RECEIVED child still fails on any code, as Linux's does. */
	bool soft = v4 ? (code == 0 || code == 1 || code == 5) : false;
	bool hard = v4 ? (code == 2 || code == 3) : code == 4;
	if (soft && ts->state != VWIRE_TCP_SYN_RECV) {
		ts->soft_error = err;
		return;
	}
	/* A Fast Open child not yet accepted fails like a handshake. */
	if (hard || ts->state == VWIRE_TCP_SYN_SENT || (ts->state == VWIRE_TCP_SYN_RECV &&
	    (!ts->parent || tcp_fastopen_is_passive(ts)))) {
		ts->error = err;          /* hard: the handshake fails */
		tcp_done(ts);
		return;
	}
	ts->soft_error = err;             /* soft: reported only on timeout */
}
