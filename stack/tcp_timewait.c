/* Compact TIME-WAIT entries. An orphaned connection in TIME-WAIT needs
 * only what RFC 9293 3.6 asks of that state: its 4-tuple, the sequence
 * numbers to ACK a retransmitted FIN with, the window and timestamp it
 * last offered, and the 2*MSL timer (Linux's inet_timewait_sock keeps the
 * same). So once the segment or close that put it there is done, its TCB
 * gives way to a struct tcp_tw of about a tenth of the size, found by
 * 4-tuple in its own hash. A TCB with something an entry cannot repeat
 * (MD5 keys, ECN, urgent data, a pending D-SACK) stays whole. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

struct tcp_tw {
	struct tcp_tw *hash_next, **hash_pprev;
	struct tcp_tw *next, *prev;     /* every entry, for listing */
	struct tcp_tw *bhash_next, **bhash_pprev; /* entries on one local port */
	struct vs_timer timer;          /* 2*MSL */
	struct vs_addr laddr, raddr;
	uint16_t lport, rport;
	uint32_t snd_nxt, rcv_nxt;      /* snd_nxt: the TCB's snd_max */
	uint32_t rcv_wup, rcv_adv;      /* the window last offered, for acceptability */
	uint32_t win;                   /* window in ACKs, unscaled */
	uint32_t ts_recent;
	uint8_t rcv_wscale, tos;
	bool ts_ok, reuseport;
	int64_t ts_recent_stamp;        /* last: no padding before it */
};

#define TW_MIN_BUCKETS 64
#define TW_CONTAINER(t) ((struct tcp_tw *)((char *)(t) - offsetof(struct tcp_tw, timer)))

size_t tcp_tw_entry_size(void)
{
	return sizeof(struct tcp_tw);
}

static struct tcp_tw **bucket(struct tcp_table *t, const struct vs_addr *laddr,
			      uint16_t lport, const struct vs_addr *raddr, uint16_t rport)
{
	return &t->tw[tcp_tuple_hash(laddr, lport, raddr, rport) & (t->tw_buckets - 1)];
}

static void chain_insert(struct tcp_tw **head, struct tcp_tw *tw)
{
	tw->hash_next = *head;
	if (*head)
		(*head)->hash_pprev = &tw->hash_next;
	*head = tw;
	tw->hash_pprev = head;
}

static void chain_remove(struct tcp_tw *tw)
{
	*tw->hash_pprev = tw->hash_next;
	if (tw->hash_next)
		tw->hash_next->hash_pprev = tw->hash_pprev;
}

/* Moves every entry to an array of n buckets (a power of two); false,
 * the old array kept, when out of memory. */
static bool resize(struct tcp_table *t, size_t n)
{
	struct tcp_tw **nb = calloc(n, sizeof(*nb));
	if (!nb)
		return false;
	struct tcp_tw **old = t->tw;
	size_t old_n = t->tw_buckets;
	t->tw = nb;
	t->tw_buckets = n;
	for (size_t i = 0; i < old_n; i++)
		while (old[i]) {
			struct tcp_tw *tw = old[i];
			chain_remove(tw);
			chain_insert(bucket(t, &tw->laddr, tw->lport, &tw->raddr, tw->rport), tw);
		}
	free(old);
	return true;
}

static bool grow(struct tcp_table *t)
{
	return resize(t, t->tw_buckets ? t->tw_buckets * 2 : TW_MIN_BUCKETS);
}

/* After a burst the array goes back down (a quarter full: half the size),
 * so that its memory is not held once the entries expire. */
static void maybe_shrink(struct tcp_table *t)
{
	if (t->tw_n == 0) {
		free(t->tw);
		t->tw = NULL;
		t->tw_buckets = 0;
	} else if (t->tw_buckets > TW_MIN_BUCKETS && t->tw_n < t->tw_buckets / 4) {
		resize(t, t->tw_buckets / 2);
	}
}

static void describe(const struct tcp_tw *tw, struct vwire_conn *c)
{
	tcp_conn_describe_tuple(c, &tw->laddr, tw->lport, &tw->raddr, tw->rport);
	c->fd = -1;
	c->family = tw->laddr.family; /* a connection's: always set */
	c->state = VWIRE_TCP_TIME_WAIT;
}

/* The entry's end: reported as the TCB's move to CLOSED would be. */
static void tw_kill(struct vstack *vs, struct tcp_tw *tw)
{
	struct tcp_table *t = vs->tcp;
	struct vwire_conn c;
	describe(tw, &c);
	vs_timer_cancel(vs, &tw->timer);
	chain_remove(tw);
	t->tw_n--;
	if (tw->prev)
		tw->prev->next = tw->next;
	else
		t->tw_head = tw->next;
	if (tw->next)
		tw->next->prev = tw->prev;
	*tw->bhash_pprev = tw->bhash_next;
	if (tw->bhash_next)
		tw->bhash_next->bhash_pprev = tw->bhash_pprev;
	free(tw);
	maybe_shrink(t);
	vs_report_state(vs, &c, VWIRE_TCP_TIME_WAIT, VWIRE_TCP_CLOSE);
}

static void tw_expire(struct vstack *vs, struct vs_timer *t)
{
	tw_kill(vs, TW_CONTAINER(t));
}

static bool compactable(const struct tcp_sock *ts)
{
	return ts->state == VWIRE_TCP_TIME_WAIT && ts->orphan && !ts->parent &&
	       !ts->in_accept_queue && !ts->md5 && !ts->ecn_ok && !ts->urg_pending &&
	       !ts->dsack_pending && !ts->reass.head && vs_timer_armed(&ts->wait_timer);
}

bool tcp_tw_adopt(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	struct tcp_table *t = vs->tcp;
	if (!compactable(ts))
		return false;
	if (t->tw_n >= t->tw_buckets && !grow(t) && !t->tw)
		return false;
	struct tcp_tw *tw = calloc(1, sizeof(*tw));
	if (!tw)
		return false;
	tw->laddr = ts->laddr;
	tw->raddr = ts->raddr;
	tw->lport = ts->lport;
	tw->rport = ts->rport;
	tw->snd_nxt = ts->snd_max;
	tw->rcv_nxt = ts->rcv_nxt;
	tw->rcv_wup = ts->rcv_wup;
	tw->rcv_adv = ts->rcv_adv;
	/* Nothing more can arrive or be read: the window every later ACK
	 * would offer is the one offered now (tcp_select_window settles). */
	tw->win = (uint32_t)tcp_select_window(ts) << ts->rcv_wscale;
	tw->rcv_wscale = ts->rcv_wscale;
	tw->ts_ok = ts->ts_ok;
	tw->ts_recent = ts->ts_recent;
	tw->ts_recent_stamp = ts->ts_recent_stamp;
	tw->tos = (uint8_t)(ts->tos & ~3);
	tw->reuseport = ts->reuseport;
	vs_timer_init(&tw->timer, tw_expire);
	int64_t deadline = ts->wait_timer.deadline;
	tcp_destroy(ts);
	chain_insert(bucket(t, &tw->laddr, tw->lport, &tw->raddr, tw->rport), tw);
	t->tw_n++;
	tw->next = t->tw_head;
	if (t->tw_head)
		t->tw_head->prev = tw;
	t->tw_head = tw;
	struct tcp_tw **port = &t->tw_bind[tw->lport % TCP_BIND_BUCKETS];
	tw->bhash_next = *port;
	if (*port)
		(*port)->bhash_pprev = &tw->bhash_next;
	*port = tw;
	tw->bhash_pprev = port;
	vs_timer_arm(vs, &tw->timer, deadline);
	return true;
}

void tcp_tw_queue(struct tcp_sock *ts)
{
	struct tcp_table *t = ts->vs->tcp;
	if (ts->tw_queued)
		return;
	ts->tw_queued = true;
	ts->tw_queue_next = t->tw_queue;
	t->tw_queue = ts;
}

void tcp_tw_dequeue(struct tcp_sock *ts)
{
	if (!ts->tw_queued)
		return;
	for (struct tcp_sock **p = &ts->vs->tcp->tw_queue; *p; p = &(*p)->tw_queue_next)
		if (*p == ts) {
			*p = ts->tw_queue_next;
			break;
		}
	ts->tw_queued = false;
	ts->tw_queue_next = NULL;
}

void tcp_tw_adopt_queued(struct vstack *vs)
{
	struct tcp_table *t = vs->tcp;
	while (t->tw_queue) {
		struct tcp_sock *ts = t->tw_queue;
		t->tw_queue = ts->tw_queue_next;
		ts->tw_queued = false;
		ts->tw_queue_next = NULL;
		tcp_tw_adopt(ts);
	}
}

struct tcp_tw *tcp_tw_lookup(struct vstack *vs, const struct vs_addr *laddr, uint16_t lport,
			     const struct vs_addr *raddr, uint16_t rport)
{
	struct tcp_table *t = vs->tcp;
	if (!t->tw_n)
		return NULL;
	for (struct tcp_tw *tw = *bucket(t, laddr, lport, raddr, rport); tw; tw = tw->hash_next)
		if (tw->lport == lport && tw->rport == rport && vs_addr_eq(&tw->raddr, raddr) &&
		    vs_addr_eq(&tw->laddr, laddr))
			return tw;
	return NULL;
}

static void tw_ack(struct vstack *vs, struct tcp_tw *tw)
{
	tcp_send_bare_ack(vs, &tw->laddr, &tw->raddr, tw->lport, tw->rport, tw->snd_nxt,
			  tw->rcv_nxt, (uint16_t)(tw->win >> tw->rcv_wscale), tw->ts_ok,
			  tw->ts_recent, tw->tos);
	tw->rcv_wup = tw->rcv_nxt;
	tw->rcv_adv = tw->rcv_nxt + tw->win;
}

static bool acceptable(const struct tcp_tw_rcv *r, const struct tcp_tw_seg *s)
{
	uint32_t wnd = seq_gt(r->rcv_adv, r->rcv_nxt) ? r->rcv_adv - r->rcv_nxt : 0;
	return !seq_lt(s->end, r->rcv_wup) && !seq_gt(s->seq, r->rcv_nxt + wnd);
}

/* RFC 7323 5.3 (PAWS), with ts_recent trusted for 24 days. */
static bool paws_reject(struct vstack *vs, const struct tcp_tw_rcv *r, const struct tcp_tw_seg *s)
{
	if (!r->ts_ok || !s->ts_ok || (s->flags & TH_RST))
		return false;
	if ((int32_t)(s->tsval - r->ts_recent) >= 0)
		return false;
	return vs_now(vs) - r->ts_recent_stamp < 24LL * 86400 * 1000000;
}

enum tcp_tw_action tcp_tw_decide(struct vstack *vs, const struct tcp_tw_rcv *r,
				 const struct tcp_tw_seg *s)
{
	if (s->flags & TH_RST) {
		/* RFC 5961 3.2: only a RST at exactly RCV.NXT is believed; one
		 * elsewhere in the window gets a challenge ACK, others nothing. */
		if (s->seq != r->rcv_nxt)
			return acceptable(r, s) ? TCP_TW_CHALLENGE_ACK : TCP_TW_DROP;
		/* RFC 1337: with tcp_rfc1337 set, a RST does not end TIME-WAIT. */
		return vs->knobs.tcp_rfc1337 ? TCP_TW_DROP : TCP_TW_KILL;
	}
	if ((s->flags & TH_SYN) && !(s->flags & TH_ACK)) {
		/* RFC 6191: a SYN above the old sequence space, or with a newer
		 * timestamp, may start a new incarnation. */
		bool newer_ts = r->ts_ok && s->ts_ok && (int32_t)(s->tsval - r->ts_recent) > 0;
		return seq_gt(s->seq, r->rcv_nxt) || newer_ts ? TCP_TW_REOPEN : TCP_TW_ACK;
	}
	if (paws_reject(vs, r, s))
		return TCP_TW_ACK;
	if (s->flags & TH_FIN)
		return TCP_TW_ACK_RESTART;  /* the peer's FIN again: our ACK was lost */
	return s->len || !acceptable(r, s) ? TCP_TW_ACK : TCP_TW_DROP;
}

void tcp_tw_input(struct vstack *vs, struct tcp_tw *tw, const struct tcp_tw_seg *s,
		  bool *reopen)
{
	struct tcp_tw_rcv r = { .rcv_nxt = tw->rcv_nxt, .rcv_wup = tw->rcv_wup,
				.rcv_adv = tw->rcv_adv, .ts_recent = tw->ts_recent,
				.ts_recent_stamp = tw->ts_recent_stamp, .ts_ok = tw->ts_ok };
	switch (tcp_tw_decide(vs, &r, s)) {
	case TCP_TW_DROP:
		break;
	case TCP_TW_CHALLENGE_ACK:
		if (tcp_challenge_ack_allowed(vs))
			tw_ack(vs, tw);
		break;
	case TCP_TW_ACK:
		tw_ack(vs, tw);
		break;
	case TCP_TW_ACK_RESTART:
		tw_ack(vs, tw);
		vs_timer_arm(vs, &tw->timer, vs_now(vs) + TCP_TIMEWAIT_US);
		break;
	case TCP_TW_REOPEN:
		*reopen = true;
		/* fall through */
	case TCP_TW_KILL:
		tw_kill(vs, tw);
		break;
	}
}

int tcp_tw_list(struct vstack *vs, struct vwire_conn *out, int n, int max)
{
	for (const struct tcp_tw *tw = vs->tcp->tw_head; tw; tw = tw->next) {
		if (n < max)
			describe(tw, &out[n]);
		n++;
	}
	return n;
}

/* Does an entry hold the port against a bind (see tcp_table.c's rule:
 * SO_REUSEADDR passes TIME-WAIT, SO_REUSEPORT on both passes anything)? */
bool tcp_tw_port_conflict(struct vstack *vs, const struct tcp_sock *me,
			  const struct vs_addr *addr, uint16_t port)
{
	if (me->reuseaddr)
		return false;
	for (const struct tcp_tw *tw = vs->tcp->tw_bind[port % TCP_BIND_BUCKETS]; tw;
	     tw = tw->bhash_next) {
		if (tw->lport != port)
			continue;
		if (!vs_addr_any(addr) && !vs_addr_any(&tw->laddr) && !vs_addr_eq(addr, &tw->laddr))
			continue;
		if (me->reuseport && tw->reuseport)
			continue;
		return true;
	}
	return false;
}

void tcp_tw_free_all(struct vstack *vs)
{
	struct tcp_table *t = vs->tcp;
	while (t->tw_head) {
		struct tcp_tw *tw = t->tw_head;
		t->tw_head = tw->next;
		vs_timer_cancel(vs, &tw->timer);
		free(tw);
	}
	free(t->tw);
	t->tw = NULL;
	memset(t->tw_bind, 0, sizeof(t->tw_bind));
	t->tw_buckets = t->tw_n = 0;
}
