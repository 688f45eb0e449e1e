/* Segment output: the send loop (window, congestion window, Nagle, cork,
 * sender SWS avoidance), ACKs and window selection, SYN/SYN-ACK, RSTs and
 * probes. Every segment leaves through send_raw(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <errno.h>
#include <string.h>

#include "tcp_internal.h"

#define TCP_GSO_MAX_BYTES (65536 - 1 - 320) /* Linux: GSO_LEGACY_MAX_SIZE - 1 - MAX_TCP_HEADER */

uint32_t tcp_tsval(const struct tcp_sock *ts)
{
	/* Linux's TS clock ticks in milliseconds. */
	return (uint32_t)(vs_now(ts->vs) / 1000);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

/* The TCP checksum over the pseudo-header (RFC 9293 3.1, RFC 8200 8.1). */
uint16_t tcp_checksum(const struct vs_addr *src, const struct vs_addr *dst,
		      const uint8_t *seg, size_t len)
{
	uint32_t s = 0;
	if (src->family == AF_INET) {
		s = sum16((const uint8_t *)&src->u.v4, 4, s);
		s = sum16((const uint8_t *)&dst->u.v4, 4, s);
	} else {
		s = sum16((const uint8_t *)&src->u.v6, 16, s);
		s = sum16((const uint8_t *)&dst->u.v6, 16, s);
	}
	s += IPPROTO_TCP;
	s += (uint32_t)len;
	s = sum16(seg, len, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static int send_raw(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
		     uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		     uint8_t flags, uint16_t win, uint16_t urp, const uint8_t *opts,
		     size_t optlen, const uint8_t *payload, size_t plen, uint8_t tos,
		    int64_t depart_us)
{
	uint8_t hdr[60], signed_opts[40];
	const struct tcp_md5_key *md5 = tcp_md5_key_for(vs, src, sport, dst, dport);
	if (md5) { /* RFC 2385: the signature rides in front (tcp_md5.c) */
		optlen = tcp_md5_options(signed_opts, opts, optlen, flags & TH_SYN);
		opts = signed_opts;
	}
	size_t hl = TCP_HDR_LEN + optlen;
	put16(hdr, sport);
	put16(hdr + 2, dport);
	put32(hdr + 4, seq);
	put32(hdr + 8, ack);
	hdr[12] = (uint8_t)((hl / 4) << 4);
	hdr[13] = flags;
	put16(hdr + 14, win);
	put16(hdr + 16, 0);
	put16(hdr + 18, urp);
	if (optlen) /* opts may be NULL then: memcpy(NULL, 0) is undefined */
		memcpy(hdr + TCP_HDR_LEN, opts, optlen);
	/* One contiguous buffer: header then payload. */
	uint8_t buf[60 + 65536];
	uint8_t *seg = plen + hl <= sizeof(buf) ? buf : NULL;
	if (!seg)
		return -EMSGSIZE;
	memcpy(seg, hdr, hl);
	if (plen)
		memcpy(seg + hl, payload, plen);
	if (md5)
		tcp_md5_sign(md5, src, dst, seg, hl + plen);
	put16(seg + 16, tcp_checksum(src, dst, seg, hl + plen));
	return vs_ip_output_at(vs, src, dst, IPPROTO_TCP, tos, seg, hl + plen, depart_us);
}

int tcp_current_mss(const struct tcp_sock *ts)
{
	return ts->mss_cache > 0 ? ts->mss_cache : TCP_MSS_DEFAULT;
}

uint16_t tcp_select_window(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	int full = tcp_win_from_space(vs, ts->rcvbuf_limit);
	int free_space = tcp_win_from_space(vs, ts->rcvbuf_limit - (int)ts->rcvbuf.len -
					    (int)ts->reass.bytes);
	int mss = ts->rcv_mss > 0 ? ts->rcv_mss : TCP_MSS_DEFAULT;
	if (mss > full)
		mss = full;
	uint32_t scale = ts->rcv_wscale;
	uint32_t win;
	if (free_space < full / 2) {
		/* Receiver SWS avoidance: never offer a sliver. */
		free_space &= ~((1 << scale) - 1);
		if (free_space < full / 16 || free_space < mss)
			free_space = 0;
	}
	if (free_space < 0)
		free_space = 0;
	if ((uint32_t)free_space > ts->rcv_ssthresh)
		free_space = (int)ts->rcv_ssthresh;
	if (ts->window_clamp > 0 && free_space > ts->window_clamp)
		free_space = ts->window_clamp;
	if (scale) {
		win = ((uint32_t)free_space + (1u << scale) - 1) & ~((1u << scale) - 1);
	} else {
		win = ts->rcv_wnd;
		if ((int)win <= free_space - mss || (int)win > free_space)
			win = (uint32_t)(free_space / mss * mss);
	}
	/* Never shrink the window already offered (RFC 9293 3.8.6.2.2). */
	uint32_t cur = seq_gt(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
	if (win < cur)
		win = (cur + (1u << scale) - 1) & ~((1u << scale) - 1);
	if (win > (65535u << scale))
		win = 65535u << scale;
	ts->rcv_wnd = win;
	ts->rcv_wup = ts->rcv_nxt;
	ts->rcv_adv = ts->rcv_nxt + win;
	return (uint16_t)(win >> scale);
}

/* Options of a non-SYN segment: timestamps, then SACK blocks (a D-SACK
 * block first when one is pending). */
static size_t data_options(struct tcp_sock *ts, uint8_t *buf)
{
	struct tcp_opts o = { 0 };
	o.ts_ok = ts->ts_ok;
	o.tsval = tcp_tsval(ts);
	o.tsecr = ts->ts_recent;
	if (ts->sack_ok && (ts->reass.head || ts->dsack_pending)) {
		int max = ts->ts_ok ? 3 : 4;
		if (ts->dsack_pending) {
			o.sack[0][0] = ts->dsack[0];
			o.sack[0][1] = ts->dsack[1];
			o.nsack = 1;
			ts->dsack_pending = false;
		}
		o.nsack += tcp_reass_sack_blocks(&ts->reass, &o.sack[o.nsack], max - o.nsack);
		return tcp_opts_build_data(buf, &o, max);
	}
	return tcp_opts_build_data(buf, &o, 0);
}

static void after_ack_sent(struct tcp_sock *ts)
{
	vs_timer_cancel(ts->vs, &ts->delack_timer);
	ts->unacked_bytes = 0;
	ts->ack_now = false;
	if (ts->quick > 0)
		ts->quick--;
}

int tcp_send_segment(struct tcp_sock *ts, uint32_t seq, uint32_t len, uint8_t flags,
		     bool retrans)
{
	return tcp_send_segment_psh(ts, seq, len, flags, retrans, flags & TH_PSH);
}

int tcp_send_segment_psh(struct tcp_sock *ts, uint32_t seq, uint32_t len, uint8_t flags,
			 bool retrans, bool sb_psh)
{
	/* The device refuses it (its queue is full): nothing was sent and
	 * nothing changes; the caller tries again later, as Linux does on
	 * local congestion. A bare ACK goes the way of any dropped packet. */
	if ((len || (flags & TH_FIN)) && vs_ip_output_blocked(ts->vs))
		return -ENOBUFS;
	uint8_t opts[40];
	size_t ol = data_options(ts, opts);
	uint8_t payload[65536];
	if (len > sizeof(payload))
		len = sizeof(payload);
	if (len)
		tcp_buf_copy(&ts->sndbuf, seq - ts->snd_buf_seq, payload, len);
	uint16_t win = tcp_select_window(ts);
	uint16_t urp = 0;
	if (ts->urg_pending && seq_gt(ts->snd_up, seq)) {
		flags |= TH_URG;
		uint32_t off = ts->snd_up - seq;
		urp = off > 65535 ? 65535 : (uint16_t)off;
	}
	uint8_t ect = tcp_ecn_output(ts, &flags, seq, len, retrans); /* tcp_ecn.c */
	if (len || (flags & TH_FIN)) { /* onto the scoreboard (tcp_sack.c) */
		int before = ts->sb.n;
		tcp_sb_on_send(ts, seq, len, flags & TH_FIN, sb_psh);
		/* Data resent that was never on the scoreboard (a SYN's data the
		 * SYN-ACK did not cover): marked lost and resent, as Linux
		 * counts it (tcpi_lost, tcpi_retrans), so that RACK can find
		 * the retransmission lost in turn. */
		if (retrans && ts->sb.n > before) {
			struct tcp_sb_ent *e = &ts->sb.v[ts->sb.n - 1];
			e->flags |= SB_LOST | SB_RETRANS | SB_EVER_RETRANS;
			ts->lost_out += e->pcount;
			ts->retrans_out += e->pcount;
		}
	}
	/* Pacing by a fq qdisc (tcp_cc.c): data and FINs leave at the
	 * socket's departure time; bare ACKs are not paced. */
	bool paced = ts->vs->dev_paced && (len || (flags & TH_FIN));
	int64_t prior = 0, depart = paced ? tcp_pacing_depart(ts, &prior) : 0;
	send_raw(ts->vs, &ts->laddr, &ts->raddr, ts->lport, ts->rport, seq, ts->rcv_nxt,
		 flags, win, urp, opts, ol, payload, len, (uint8_t)((ts->tos & ~3) | ect),
		 depart);
	if (paced)
		tcp_pacing_sent(ts, tcp_sb_pcount(ts, len), (uint32_t)(TCP_HDR_LEN + ol + len),
				prior);
	ts->segs_out++;
	ts->last_snd_time = vs_now(ts->vs);
	if (len) {
		vs_sock_transmitted(ts->vs, ts->fd, seq, payload, len);
		ts->data_segs_out++;
		ts->bytes_sent += len;
		ts->last_data_sent = vs_now(ts->vs);
		if (retrans) {
			ts->bytes_retrans += len;
			ts->total_retrans++;
		}
		/* Interactive exchange: a reply within ato of the last receive
		 * makes the connection ping-pong (delayed ACKs ride on data). */
		if (ts->data_segs_in > 0 && vs_now(ts->vs) - ts->last_data_recv < ts->ato_us)
			ts->pingpong = true;
	}
	if (flags & TH_ACK)
		after_ack_sent(ts);
	return 0;
}

void tcp_send_ack(struct tcp_sock *ts)
{
	if (ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_LISTEN ||
	    ts->state == VWIRE_TCP_SYN_SENT)
		return;
	/* snd_max, not snd_nxt: after a timeout snd_nxt goes back to resend,
	 * and an ACK carrying that old sequence number would be unacceptable. */
	tcp_send_segment(ts, ts->snd_max, 0, TH_ACK, false);
}

void tcp_send_probe(struct tcp_sock *ts)
{
	/* An old sequence number forces the peer to answer with an ACK. */
	tcp_send_segment(ts, ts->snd_una - 1, 0, TH_ACK, false);
}

void tcp_send_zero_window_probe(struct tcp_sock *ts)
{
	uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	if (!ts->vs->knobs.vwire_rfc_profile || ts->snd_nxt != ts->snd_una ||
	    !seq_lt(ts->snd_una, data_end)) {
		tcp_send_probe(ts);   /* Linux's probe: no data, SND.UNA - 1 */
		return;
	}
	/* RFC 9293 3.8.6.1: the probe carries one octet of new data. Like
	 * Linux's probe it stays out of the flight and the scoreboard; an
	 * ACK that covers it is taken by ack_input (tcp_input.c). */
	uint8_t opts[40], octet;
	size_t ol = data_options(ts, opts);
	tcp_buf_copy(&ts->sndbuf, ts->snd_una - ts->snd_buf_seq, &octet, 1);
	send_raw(ts->vs, &ts->laddr, &ts->raddr, ts->lport, ts->rport, ts->snd_una,
		 ts->rcv_nxt, TH_ACK, tcp_select_window(ts), 0, opts, ol, &octet, 1,
		 (uint8_t)(ts->tos & ~3), 0);
	ts->segs_out++;
	ts->last_snd_time = vs_now(ts->vs);
	ts->probe_octet = true;
}

void tcp_send_syn(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	bool synack = ts->state == VWIRE_TCP_SYN_RECV;
	struct tcp_opts o = { 0 };
	o.mss_ok = true;
	o.mss = ts->advmss;
	o.sack_ok = ts->sack_ok;
	o.ts_ok = ts->ts_ok;
	o.tsval = ts->cookie_ts ? ts->cookie_tsval : tcp_tsval(ts); /* tcp_synq.c */
	o.tsecr = synack ? ts->ts_recent : 0;
	o.ws_ok = ts->ws_ok;
	o.ws = ts->rcv_wscale;
	uint8_t opts[40];
	size_t ol = tcp_opts_build_syn(opts, &o);
	/* Fast Open: the cookie option, and the data a client's SYN carries. */
	uint32_t syn_data = 0;
	ol += tcp_fastopen_syn_options(ts, opts + ol, sizeof(opts) - ol, &syn_data);
	uint8_t payload[1500];
	if (syn_data > sizeof(payload))
		syn_data = sizeof(payload);
	if (syn_data)
		tcp_buf_copy(&ts->sndbuf, 0, payload, syn_data);
	uint16_t win = (uint16_t)(ts->rcv_wnd > 65535 ? 65535 : ts->rcv_wnd);
	ts->rcv_adv = ts->rcv_nxt + win;
	send_raw(vs, &ts->laddr, &ts->raddr, ts->lport, ts->rport, ts->iss,
		 synack ? ts->rcv_nxt : 0,
		 (synack ? (TH_SYN | TH_ACK) : TH_SYN) | tcp_ecn_syn_flags(ts), win, 0,
		 opts, ol, syn_data ? payload : NULL, syn_data, (uint8_t)ts->tos, 0);
	ts->segs_out++;
	ts->last_snd_time = vs_now(vs);
	if (seq_leq(ts->snd_nxt, ts->iss)) {
		ts->snd_nxt = ts->iss + 1 + syn_data;
		ts->snd_max = seq_max(ts->snd_max, ts->snd_nxt);
	}
	if (syn_data) {
		ts->data_segs_out++;
		ts->bytes_sent += syn_data;
	}
	if (synack)
		after_ack_sent(ts);
}

void tcp_send_rst_for(struct tcp_sock *ts)
{
	uint8_t opts[40];
	struct tcp_opts o = { 0 };
	o.ts_ok = ts->ts_ok;
	o.tsval = tcp_tsval(ts);
	o.tsecr = ts->ts_recent;
	size_t ol = tcp_opts_build_data(opts, &o, 0);
	send_raw(ts->vs, &ts->laddr, &ts->raddr, ts->lport, ts->rport, ts->snd_max,
		 ts->rcv_nxt, TH_RST | TH_ACK, 0, 0, opts, ol, NULL, 0, (uint8_t)ts->tos, 0);
	ts->segs_out++;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void tcp_send_reset_reply(struct vstack *vs, const struct vs_addr *src,
			  const struct vs_addr *dst, const uint8_t *seg, size_t len,
			  uint32_t seglen)
{
	uint8_t flags = seg[13];
	if (flags & TH_RST)
		return;
	uint16_t sport = (uint16_t)(seg[0] << 8 | seg[1]);
	uint16_t dport = (uint16_t)(seg[2] << 8 | seg[3]);
	uint32_t seq = get32(seg + 4), ack = get32(seg + 8);
	/* RFC 9293 3.10.7.1: <SEQ=SEG.ACK><CTL=RST>, or
	 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	if (flags & TH_ACK)
		send_raw(vs, dst, src, dport, sport, ack, 0, TH_RST, 0, 0, NULL, 0, NULL, 0, 0, 0);
	else
		send_raw(vs, dst, src, dport, sport, 0, seq + seglen, TH_RST | TH_ACK, 0, 0,
			 NULL, 0, NULL, 0, 0, 0);
}

void tcp_send_bare_ack(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
		       uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		       uint16_t win, bool ts_ok, uint32_t tsecr, uint8_t tos)
{
	struct tcp_opts o = { 0 };
	o.ts_ok = ts_ok;
	o.tsval = (uint32_t)(vs_now(vs) / 1000); /* tcp_tsval's clock */
	o.tsecr = tsecr;
	uint8_t opts[40];
	size_t ol = tcp_opts_build_data(opts, &o, 0);
	send_raw(vs, src, dst, sport, dport, seq, ack, TH_ACK, win, 0, opts, ol, NULL, 0, tos, 0);
}

void tcp_send_fin_now(struct tcp_sock *ts)
{
	tcp_output(ts);
}

/* Can the segment [seq, seq+len) go now? Applies the peer's window, the
 * congestion window, Nagle/Minshall (RFC 896) and TCP_CORK. */
static bool may_send(struct tcp_sock *ts, uint32_t len, uint32_t avail, bool fin, int mss)
{
	if (len == 0)
		return fin;
	if (len >= (uint32_t)mss)
		return true;
	if (len < avail)          /* cut short by the window, already judged */
		return true;
	if (fin || ts->push_once)
		return true;
	if (ts->cork || ts->more_pending)
		return false;
	if (ts->nodelay)
		return true;
	/* Minshall's Nagle: hold a small segment while another is unacked. */
	if (seq_lt(ts->snd_nxt, ts->snd_max))
		return true;      /* a retransmission is never held back */
	return !(seq_gt(ts->snd_sml, ts->snd_una) && seq_leq(ts->snd_sml, ts->snd_nxt));
}

/* New data goes out the way Linux hands it to a TSO/GSO device: one
 * segment of up to 64 KB covering every full MSS the windows allow now,
 * plus the write's tail when Nagle would let it go alone. Retransmissions
 * stay one MSS each. */
static uint32_t gso_extend(struct tcp_sock *ts, uint32_t avail, uint32_t usable, int mss)
{
	uint32_t gso_max = tcp_tso_autosize(ts, (uint32_t)mss,
					    (uint32_t)(TCP_GSO_MAX_BYTES / mss * mss));
	/* One TSO packet is one of Linux's packet buffers, which a write
	 * fills up to the size goal (half the peer's largest window). */
	uint32_t goal = tcp_size_goal(ts);
	if (gso_max > goal)
		gso_max = goal;
	uint32_t big = avail < usable ? avail : usable;
	if (big > gso_max)
		big = gso_max;
	uint32_t full = big / (uint32_t)mss * (uint32_t)mss;
	uint32_t tail = big - full;
	if (tail && full + tail == avail) {
		bool fin = ts->fin_queued && ts->snd_nxt + big == ts->fin_seq;
		if (may_send(ts, tail, tail, fin, mss))
			return big;
	}
	return full;
}

void tcp_output(struct tcp_sock *ts)
{
	switch (ts->state) {
	case VWIRE_TCP_ESTABLISHED:
	case VWIRE_TCP_CLOSE_WAIT:
	case VWIRE_TCP_FIN_WAIT1:
	case VWIRE_TCP_LAST_ACK:
	case VWIRE_TCP_CLOSING:
		break;
	case VWIRE_TCP_SYN_RECV:
		if (tcp_fastopen_is_passive(ts))
			break;     /* a Fast Open child may send before the ACK */
		return;
	default:
		return;
	}
	int mss = tcp_current_mss(ts);
	bool sent = false, sent_new = false, cwnd_limited = false;
	tcp_cc_before_send(ts);
	for (;;) {
		uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		uint32_t avail = seq_lt(ts->snd_nxt, data_end) ? data_end - ts->snd_nxt : 0;
		/* cwnd counts packets in flight (RFC 6675 pipe, as Linux) */
		uint32_t in_flight = tcp_packets_in_flight(ts);
		if (in_flight >= ts->cwnd && (avail || (ts->fin_queued && !ts->fin_sent))) {
			cwnd_limited = true;
			break;
		}
		uint32_t quota = (ts->cwnd - in_flight) * (uint32_t)mss;
		uint32_t wnd_end = ts->snd_una + ts->snd_wnd;
		uint32_t usable = seq_gt(wnd_end, ts->snd_nxt) ? wnd_end - ts->snd_nxt : 0;
		if (usable > quota)
			usable = quota;
		uint32_t len = avail < (uint32_t)mss ? avail : (uint32_t)mss;
		bool cut = false;
		if (len > usable) {
			/* The first segment does not fit. RFC 9293 sender SWS
			 * avoidance: send what fits only if it is at least half
			 * the largest window the peer ever offered. */
			if (usable > 0 && usable >= ts->max_window / 2) {
				len = usable;
				cut = true;
			} else {
				len = 0;
			}
		}
		bool retrans = seq_lt(ts->snd_nxt, ts->snd_max);
		if (!retrans && !cut && len == (uint32_t)mss && avail > len)
			len = gso_extend(ts, avail, usable, mss);
		len = tcp_eor_clamp(ts, ts->snd_nxt, len);
		bool fin = ts->fin_queued && !cut && ts->snd_nxt + len == ts->fin_seq;
		if (!may_send(ts, len, avail, fin, mss))
			break;
		uint8_t flags = TH_ACK;
		uint32_t end = ts->snd_nxt + len;
		/* PSH where a write ends, and (as Linux, outside recovery, for
		 * writes already complete) on the last segment the windows let
		 * out now and on every multi-segment TSO unit of a burst (the
		 * corpus's slow-start-with-fq and Fast Open bursts); a lone
		 * full-sized segment before the last goes without. Not for
		 * data a MSG_MORE or cork still holds, nor for PRR's trickle. */
		bool complete = !retrans && seq_lt(end, data_end) && !ts->more_pending &&
				seq_geq(ts->psh_seq, end) &&
				ts->ca_state < TCP_CA_RECOVERY;
		/* What a retransmission of it carries again: PSH only where a
		 * Linux TSO packet would have ended, i.e. at a write's end or
		 * the last segment the windows let out now. */
		bool sb_psh = len && (end == ts->psh_seq || cut || tcp_eor_boundary(ts, end) ||
				      (complete && usable - len < (uint32_t)mss));
		if (sb_psh || (complete && len > (uint32_t)mss))
			flags |= TH_PSH;
		if (fin)
			flags |= TH_FIN;
		if (tcp_send_segment_psh(ts, ts->snd_nxt, len, flags, retrans, sb_psh))
			break;     /* local congestion: the probe timer retries */
		if (!ts->rtt_timing && !retrans && len) {
			ts->rtt_timing = true;
			ts->rtt_seq = end;
			ts->rtt_seq_time = vs_now(ts->vs);
		}
		if (!retrans) {
			ts->last_seg_seq = ts->snd_nxt;
			ts->last_seg_len = len;
			ts->last_seg_fin = fin;
			sent_new = true;
		}
		/* Minshall's mark follows new data only (as Linux): a resent
		 * short segment, such as a SYN's data, does not hold the next. */
		if (!retrans && len && len < (uint32_t)mss)
			ts->snd_sml = end;
		ts->snd_nxt = end + (fin ? 1 : 0);
		if (fin)
			ts->fin_sent = true;
		if (seq_gt(ts->snd_nxt, ts->snd_max))
			ts->snd_max = ts->snd_nxt;
		sent = true;
		if (fin)
			break;
	}
	ts->push_once = false;
	{
		/* chronographs: busy while data waits, rwnd-limited when the
		 * peer's window is what holds it (tcp_info.c) */
		uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		uint32_t left = seq_lt(ts->snd_nxt, data_end) ? data_end - ts->snd_nxt : 0;
		uint32_t wnd_end = ts->snd_una + ts->snd_wnd;
		uint32_t room = seq_gt(wnd_end, ts->snd_nxt) ? wnd_end - ts->snd_nxt : 0;
		if (sent_new || left)
			tcp_chrono_start(ts, TCP_CHRONO_BUSY);
		if (left && room < (left < (uint32_t)mss ? left : (uint32_t)mss))
			tcp_chrono_start(ts, TCP_CHRONO_RWND_LIMITED);
		else
			tcp_chrono_stop(ts, TCP_CHRONO_RWND_LIMITED);
	}
	cwnd_limited |= tcp_packets_in_flight(ts) >= ts->cwnd;
	if (sent_new || cwnd_limited)
		tcp_cwnd_validate(ts, cwnd_limited);
	if (sent_new)
		tcp_arm_xmit_timer(ts, false);
	else if (sent && !vs_timer_armed(&ts->rexmit_timer))
		tcp_arm_rexmit(ts);
	/* Data waits (zero window, cork, MSG_MORE) but nothing is in flight to
	 * bring an ACK: the probe timer sends it, or probes, later. This is
	 * also Linux's 200 ms ceiling on TCP_CORK. */
	uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	if (tcp_flight_size(ts) == 0 && seq_lt(ts->snd_nxt, data_end) &&
	    !vs_timer_armed(&ts->rexmit_timer))
		tcp_arm_persist(ts);
}
