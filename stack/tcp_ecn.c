/* Explicit Congestion Notification (RFC 3168) as Linux does it with
 * net.ipv4.tcp_ecn: 1 asks for ECN on outgoing connections and accepts it
 * on incoming ones, 2 (the default) only accepts it, 0 neither.
 *
 * Handshake: the SYN carries ECE|CWR, an ECN-setup SYN-ACK ECE alone.
 * After it, new data goes out as ECT(0) (pure ACKs and retransmissions
 * as not-ECT); a CE mark on arriving data makes every segment we send
 * carry ECE until the peer's CWR; an ECE from the peer reduces cwnd once
 * per window (tcp_ecn_enter_cwr) and puts CWR on the next
 * new data segment. */
#include "tcp_internal.h"

#define IP_ECN_MASK 0x3
#define IP_ECN_ECT0 0x2
#define IP_ECN_CE 0x3

bool tcp_ecn_syn_ok(const struct vstack *vs, uint8_t flags, uint8_t tos)
{
	/* An ECN-setup SYN has ECE and CWR; one that is itself ECT-marked is
	 * suspect (RFC 3168 6.1.1) and gets no ECN. */
	return vs->knobs.tcp_ecn != 0 && (flags & (TH_ECE | TH_CWR)) == (TH_ECE | TH_CWR) &&
	       (tos & IP_ECN_MASK) == 0;
}

uint8_t tcp_ecn_syn_flags(struct tcp_sock *ts)
{
	if (ts->state == VWIRE_TCP_SYN_RECV)
		return ts->ecn_ok ? TH_ECE : 0;
	/* Active open: ask on the first SYN only; a retransmitted SYN goes
	 * without, in case ECN-setup SYNs are what is being dropped. */
	int k = ts->vs->knobs.tcp_ecn;
	bool first = ts->retransmits == 0;
	ts->ecn_ok = first && (k == 1 || k == 3 || k == 4);
	return ts->ecn_ok ? TH_ECE | TH_CWR : 0;
}

void tcp_ecn_synack_input(struct tcp_sock *ts, uint8_t flags)
{
	/* A SYN-ACK agrees with ECE alone; a SYN (simultaneous open) with
	 * both flags. */
	uint8_t want = (flags & TH_ACK) ? TH_ECE : TH_ECE | TH_CWR;
	if (ts->ecn_ok && (flags & (TH_ECE | TH_CWR)) != want)
		ts->ecn_ok = false;
}

uint8_t tcp_ecn_output(struct tcp_sock *ts, uint8_t *flags, uint32_t seq, uint32_t len,
		       bool retrans)
{
	(void)seq;
	if (!ts->ecn_ok)
		return 0;
	uint8_t ect = 0;
	if (len && !retrans) {
		ect = IP_ECN_ECT0;
		if (ts->ecn_queue_cwr) {
			ts->ecn_queue_cwr = false;
			*flags |= TH_CWR;
		}
	}
	if (ts->ecn_demand_cwr)
		*flags |= TH_ECE;
	return ect;
}

/* The sender's side of an ECE (RFC 3168 6.1.2), as Linux's tcp_enter_cwr:
 * once per window (the CWR state lasts until what was outstanding is
 * acknowledged), ssthresh from the congestion module, cwnd brought down
 * to it by the loss-recovery code's proportional rate reduction. */
void tcp_ecn_enter_cwr(struct tcp_sock *ts)
{
	if (ts->ca_state >= TCP_CA_CWR)
		return;
	ts->undo_marker = 0;
	ts->high_seq = ts->snd_nxt;
	ts->tlp_high_seq = 0;
	ts->cwnd_cnt = 0;
	ts->prior_cwnd = ts->cwnd;
	ts->prr_delivered = 0;
	ts->prr_out = 0;
	ts->ssthresh = tcp_cc_ssthresh(ts);
	ts->ecn_queue_cwr = true;
	tcp_cc_set_state(ts, TCP_CA_CWR);
}

void tcp_ecn_input(struct tcp_sock *ts, uint8_t flags, uint8_t tos, uint32_t len)
{
	if (!ts->ecn_ok)
		return;
	if ((flags & TH_ECE) && (flags & TH_ACK) && !(flags & TH_SYN))
		tcp_ecn_enter_cwr(ts);
	if (!len)
		return;
	if (flags & TH_CWR) {
		ts->ecn_demand_cwr = false;
		ts->ack_now = true;          /* its cwnd may be tiny: ACK at once */
	}
	if ((tos & IP_ECN_MASK) == IP_ECN_CE && !ts->ecn_demand_cwr) {
		/* Do not delay the ACKs that echo it (quick-ack mode, 2). */
		ts->ecn_demand_cwr = true;
		ts->pingpong = false;
		if (ts->quick < 2)
			ts->quick = 2;
		ts->ato_us = TCP_ATO_MIN_US;
	}
}
