/* The SACK scoreboard (RFC 6675, counted as Linux counts it): the
 * retransmission queue as entries of [start, end), each wholly SACKed or
 * not, with packets_out, sacked_out, lost_out and retrans_out kept in the
 * TCB. SACK blocks split entries at their edges; a cumulative ACK drops or
 * trims entries from the head; D-SACK (RFC 2883) is told apart here. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

uint32_t tcp_sb_pcount(const struct tcp_sock *ts, uint32_t len)
{
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t n = (len + mss - 1) / mss;
	return n ? n : 1;
}

static uint32_t ent_len(const struct tcp_sb_ent *e)
{
	return e->end - e->start - ((e->flags & SB_FIN) ? 1 : 0);
}

void tcp_sb_free(struct tcp_sock *ts)
{
	free(ts->sb.v);
	ts->sb.v = NULL;
	ts->sb.n = ts->sb.cap = 0;
	ts->packets_out = ts->sacked_out = ts->lost_out = ts->retrans_out = 0;
}

static bool sb_reserve(struct tcp_scoreboard *sb, int more)
{
	if (sb->n + more <= sb->cap)
		return true;
	int cap = sb->cap ? sb->cap * 2 : 16;
	while (cap < sb->n + more)
		cap *= 2;
	struct tcp_sb_ent *v = realloc(sb->v, (size_t)cap * sizeof(*v));
	if (!v)
		return false;
	sb->v = v;
	sb->cap = cap;
	return true;
}

void tcp_sb_on_send(struct tcp_sock *ts, uint32_t seq, uint32_t len, bool fin, bool psh)
{
	struct tcp_scoreboard *sb = &ts->sb;
	uint32_t end = seq + len + (fin ? 1 : 0);
	if (sb->n) {
		uint32_t tail = sb->v[sb->n - 1].end;
		if (seq_leq(end, tail))
			return;              /* already queued: not new */
		if (seq_lt(seq, tail)) {
			len -= tail - seq;
			seq = tail;
		}
	}
	if (seq_lt(seq, ts->snd_una) || !sb_reserve(sb, 1))
		return;
	if (tcp_packets_in_flight(ts) == 0)
		tcp_cc_event(ts, CA_EVENT_TX_START);
	struct tcp_sb_ent *e = &sb->v[sb->n++];
	e->start = seq;
	e->end = end;
	e->xmit_us = vs_now(ts->vs);
	e->pcount = (uint16_t)tcp_sb_pcount(ts, len);
	e->flags = (uint8_t)((fin ? SB_FIN : 0) | (psh ? SB_PSH : 0));
	ts->packets_out += e->pcount;
	if (ts->ca_state == TCP_CA_CWR || ts->ca_state == TCP_CA_RECOVERY)
		ts->prr_out += e->pcount;    /* new data sent during PRR */
}

int tcp_sb_find(const struct tcp_sock *ts, uint32_t seq)
{
	for (int i = 0; i < ts->sb.n; i++)
		if (seq_geq(seq, ts->sb.v[i].start) && seq_lt(seq, ts->sb.v[i].end))
			return i;
	return -1;
}

static void account(struct tcp_sock *ts, const struct tcp_sb_ent *e, int sign)
{
	uint32_t p = e->pcount;
	if (sign < 0)
		p = (uint32_t)-(int32_t)p;
	ts->packets_out += p;
	if (e->flags & SB_SACKED)
		ts->sacked_out += p;
	if (e->flags & SB_LOST)
		ts->lost_out += p;
	if (e->flags & SB_RETRANS)
		ts->retrans_out += p;
}

/* Splits entry i so that a new entry begins at `at`; the PSH stays on the
 * tail, as Linux's tcp_fragment leaves it. Returns the tail's index. */
int tcp_sb_split(struct tcp_sock *ts, int i, uint32_t at)
{
	struct tcp_scoreboard *sb = &ts->sb;
	if (i < 0 || i >= sb->n || !seq_gt(at, sb->v[i].start) || !seq_lt(at, sb->v[i].end))
		return -1;
	if (!sb_reserve(sb, 1))
		return -1;
	struct tcp_sb_ent *e = &sb->v[i];
	account(ts, e, -1);
	memmove(&sb->v[i + 2], &sb->v[i + 1], (size_t)(sb->n - i - 1) * sizeof(*e));
	sb->n++;
	struct tcp_sb_ent *t = &sb->v[i + 1];
	*t = *e;
	t->start = at;
	e->end = at;
	e->flags &= (uint8_t)~(SB_PSH | SB_FIN);
	e->pcount = (uint16_t)tcp_sb_pcount(ts, ent_len(e));
	t->pcount = (uint16_t)tcp_sb_pcount(ts, ent_len(t));
	account(ts, e, 1);
	account(ts, t, 1);
	return i + 1;
}

void tcp_sb_mark_lost(struct tcp_sock *ts, int i)
{
	struct tcp_sb_ent *e = &ts->sb.v[i];
	if (e->flags & SB_SACKED)
		return;
	if (e->flags & SB_LOST) {
		if (e->flags & SB_RETRANS) {
			/* a retransmission lost again */
			e->flags &= (uint8_t)~SB_RETRANS;
			ts->retrans_out -= e->pcount;
		}
	} else {
		e->flags |= SB_LOST;
		ts->lost_out += e->pcount;
		ts->lost_total += e->pcount;
	}
}

/* RFC 6675 IsLost(): an unSACKed entry with at least DupThresh
 * (tcp_reordering) SACKed segments above it is lost. The loss marking
 * used when RACK is off (tcp_recovery=0). */
void tcp_sb_mark_lost_6675(struct tcp_sock *ts)
{
	uint32_t above = 0;
	for (int i = ts->sb.n - 1; i >= 0; i--) {
		struct tcp_sb_ent *e = &ts->sb.v[i];
		if (e->flags & SB_SACKED)
			above += e->pcount;
		else if (above >= ts->reordering)
			tcp_sb_mark_lost(ts, i);
	}
}

/* The end of the highest SACKed entry; snd_una when nothing is SACKed. */
uint32_t tcp_highest_sack_seq(const struct tcp_sock *ts)
{
	return ts->sacked_out && ts->fack_valid ? ts->fack : ts->snd_una;
}

/* tcp_check_sack_reordering: data below the highest SACK arrived late. */
void tcp_check_sack_reordering(struct tcp_sock *ts, uint32_t low_seq, bool ts_based)
{
	(void)ts_based;
	uint32_t fack = tcp_highest_sack_seq(ts);
	if (!seq_lt(low_seq, fack))
		return;
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t metric = fack - low_seq;
	if (metric > ts->reordering * mss) {
		uint32_t r = (metric + mss - 1) / mss;
		int km = ts->vs->knobs.tcp_max_reordering;
		uint32_t max = km > 0 ? (uint32_t)km : 300;
		ts->reordering = r < max ? r : max;
	}
	ts->reord_seen++;
}

/* RFC 2883 4: the first block is a D-SACK if it lies below the cumulative
 * ACK or inside the second block. */
static bool is_dsack(const uint32_t blocks[][2], int n, uint32_t ack, uint32_t prior_una)
{
	if (n < 1)
		return false;
	if (seq_lt(blocks[0][0], ack) || seq_lt(blocks[0][0], prior_una))
		return true;
	return n > 1 && seq_geq(blocks[0][0], blocks[1][0]) && seq_leq(blocks[0][1], blocks[1][1]);
}

static void sacktag_one(struct tcp_sock *ts, struct tcp_sb_ent *e, struct tcp_ack_state *st)
{
	if (e->flags & SB_SACKED)
		return;
	tcp_rack_advance(ts, e->flags, e->end, e->xmit_us);
	if (e->flags & SB_RETRANS) {
		/* Only a lost-then-resent segment stops counting as out. */
		if (e->flags & SB_LOST) {
			e->flags &= (uint8_t)~(SB_LOST | SB_RETRANS);
			ts->lost_out -= e->pcount;
			ts->retrans_out -= e->pcount;
		}
	} else {
		if (!(e->flags & SB_EVER_RETRANS)) {
			/* a hole's original arrived: reordering */
			if (seq_lt(e->start, tcp_highest_sack_seq(ts)) &&
			    (!st->reord_valid || seq_lt(e->start, st->reord))) {
				st->reord = e->start;
				st->reord_valid = true;
			}
			if (!seq_gt(e->end, ts->high_seq))
				st->flag |= ACKF_ORIG_SACK_ACKED;
			if (st->first_sackt < 0)
				st->first_sackt = e->xmit_us;
		}
		if (e->flags & SB_LOST) {
			e->flags &= (uint8_t)~SB_LOST;
			ts->lost_out -= e->pcount;
		}
	}
	e->flags |= SB_SACKED;
	st->flag |= ACKF_DATA_SACKED;
	ts->sacked_out += e->pcount;
	st->sacked_pcount += e->pcount;
	if (!ts->fack_valid || ts->sacked_out == e->pcount || seq_gt(e->end, ts->fack)) {
		ts->fack = e->end;
		ts->fack_valid = true;
	}
}

void tcp_sb_sacktag(struct tcp_sock *ts, const uint32_t blocks[][2], int n, uint32_t ack,
		    struct tcp_ack_state *st)
{
	int first = 0;
	if (is_dsack(blocks, n, ack, ts->snd_una)) {
		st->flag |= ACKF_DSACKING;
		uint32_t segs = tcp_sb_pcount(ts, blocks[0][1] - blocks[0][0]);
		st->dsack_segs = (int)segs;
		ts->dsack_dups += segs;
		ts->rack.dsack_seen = 1;
		/* A D-SACK of the loss probe: the original was not lost. */
		if (ts->tlp_high_seq && ts->tlp_retrans &&
		    seq_geq(blocks[0][1], ts->tlp_high_seq - (uint32_t)tcp_current_mss(ts)) &&
		    seq_leq(blocks[0][1], ts->tlp_high_seq))
			st->flag |= ACKF_DSACK_TLP;
		if (ts->undo_valid && ts->undo_retrans > 0) {
			ts->undo_retrans -= (int)segs;
			if (ts->undo_retrans < 0)
				ts->undo_retrans = 0;
		}
		first = 1;
	}
	for (int b = first; b < n; b++) {
		uint32_t l = blocks[b][0], r = blocks[b][1];
		if (!seq_lt(l, r) || seq_gt(r, ts->snd_max))
			continue;
		if (seq_lt(l, ack))
			l = ack;
		if (!seq_lt(l, r))
			continue;
		/* Cut entries at the block's edges, then tag what is inside. */
		int i = tcp_sb_find(ts, l);
		if (i >= 0 && ts->sb.v[i].start != l && !(ts->sb.v[i].flags & SB_SACKED))
			tcp_sb_split(ts, i, l);
		int j = tcp_sb_find(ts, r);
		if (j >= 0 && ts->sb.v[j].start != r && !(ts->sb.v[j].flags & SB_SACKED))
			tcp_sb_split(ts, j, r);
		for (int k = 0; k < ts->sb.n; k++) {
			struct tcp_sb_ent *e = &ts->sb.v[k];
			if (seq_geq(e->start, l) && seq_leq(e->end, r))
				sacktag_one(ts, e, st);
		}
	}
}

/* What acknowledging (part of) entry e tells: RTT times, reordering,
 * RACK's progress (tcp_clean_rtx_queue's per-skb part). */
static void note_acked(struct tcp_sock *ts, const struct tcp_sb_ent *e, uint32_t pcount,
		       struct tcp_ack_state *st)
{
	uint8_t f = e->flags;
	if (f & SB_EVER_RETRANS) {
		st->flag |= ACKF_RETRANS_DATA_ACKED;
	} else if (!(f & SB_SACKED)) {
		if (st->first_ackt < 0)
			st->first_ackt = e->xmit_us;
		st->last_ackt = e->xmit_us;
		if (!st->reord_valid || seq_lt(e->start, st->reord)) {
			st->reord = e->start;
			st->reord_valid = true;
		}
		if (!seq_gt(e->end, ts->high_seq))
			st->flag |= ACKF_ORIG_SACK_ACKED;
	}
	if (!(f & SB_SACKED)) {
		st->acked_pcount += pcount;
		tcp_rack_advance(ts, f, e->end, e->xmit_us);
	}
	st->flag |= ACKF_DATA_ACKED | ACKF_SET_XMIT_TIMER;
}

/* Drops what the cumulative ACK covers (trimming a partly covered head). */
void tcp_sb_clean(struct tcp_sock *ts, uint32_t ack, struct tcp_ack_state *st)
{
	struct tcp_scoreboard *sb = &ts->sb;
	int drop = 0;
	for (; drop < sb->n; drop++) {
		struct tcp_sb_ent *e = &sb->v[drop];
		if (seq_gt(e->end, ack))
			break;
		note_acked(ts, e, e->pcount, st);
		account(ts, e, -1);
	}
	if (drop) {
		memmove(sb->v, &sb->v[drop], (size_t)(sb->n - drop) * sizeof(*sb->v));
		sb->n -= drop;
	}
	if (sb->n && seq_gt(ack, sb->v[0].start)) {
		/* Partly acknowledged head: trim it (tcp_trim_head). */
		struct tcp_sb_ent *e = &sb->v[0];
		uint32_t before = e->pcount, start = e->start;
		account(ts, e, -1);
		e->start = ack;
		e->pcount = (uint16_t)tcp_sb_pcount(ts, ent_len(e));
		account(ts, e, 1);
		struct tcp_sb_ent gone = *e;
		gone.start = start;     /* the acked part, for reordering */
		note_acked(ts, &gone, before > e->pcount ? before - e->pcount : 0, st);
	}
	if (!sb->n) {
		ts->packets_out = ts->sacked_out = ts->lost_out = ts->retrans_out = 0;
	}
}
