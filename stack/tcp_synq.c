/* A listener's SYN queue (RFC 4987): half-open connections kept as small
 * request entries instead of full sockets, the SYN-ACK retransmission of
 * each (tcp_synack_retries), SYN cookies when the queue is full
 * (tcp_syncookies=1) or always (=2), and the promotion of a request to a
 * real socket once the peer answers.
 *
 * Admission follows Linux's tcp_conn_request: the queue counts as full
 * once it holds more than the listen backlog (itself capped by somaxconn);
 * without cookies a peer is also refused once fewer than a quarter of
 * tcp_max_syn_backlog entries remain; a full accept queue drops the SYN.
 * A request becomes a socket (in SYN-RECEIVED, exactly as if it had been
 * one all along) on the first segment that is not a plain retransmitted
 * SYN; the normal state machine then takes that segment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fastopen.h"
#include "tcp_internal.h"
#include "tcp_syncookie.h"

#define SYNQ_MIN_BUCKETS 64
#define COOKIE_RECENT_US (120LL * 1000000) /* TCP_SYNCOOKIE_VALID: 2 minutes */

/* One half-open connection: what the SYN said and what we answered. */
struct tcp_req {
	struct tcp_req *hnext;          /* hash chain */
	struct tcp_synq *q;
	struct vs_timer timer;          /* SYN-ACK retransmission */
	struct vs_addr laddr, raddr;
	uint16_t rport, peer_mss, peer_win;
	uint8_t ws, retrans;
	bool mss_ok, ws_ok, sack_ok, ts_ok, ecn_ok;
	uint32_t irs, iss, ts_recent;
	int64_t first_sent;
};

struct tcp_synq {
	struct tcp_sock *l;
	struct tcp_req **bucket;
	uint32_t nbucket;               /* a power of two */
	int len;
	int64_t last_cookie;            /* when a cookie last went out; -1 never */
};

size_t tcp_synq_request_size(void)
{
	return sizeof(struct tcp_req);
}

static struct tcp_synflood_stats *stats(struct vstack *vs)
{
	return &vs->tcp->flood;
}

static uint32_t tuple_hash(const struct vs_addr *raddr, uint16_t rport)
{
	uint32_t h = rport * 0x9e3779b1u;
	const uint8_t *p = raddr->family == AF_INET ? (const uint8_t *)&raddr->u.v4
						    : (const uint8_t *)&raddr->u.v6;
	size_t n = raddr->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h ^ (h >> 15);
}

static struct tcp_synq *synq_get(struct tcp_sock *l)
{
	if (l->synq)
		return l->synq;
	struct tcp_synq *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->bucket = calloc(SYNQ_MIN_BUCKETS, sizeof(*q->bucket));
	if (!q->bucket) {
		free(q);
		return NULL;
	}
	q->nbucket = SYNQ_MIN_BUCKETS;
	q->l = l;
	q->last_cookie = -1;
	l->synq = q;
	stats(l->vs)->mem_bytes += sizeof(*q) + SYNQ_MIN_BUCKETS * sizeof(*q->bucket);
	return q;
}

static void grow(struct tcp_synq *q)
{
	uint32_t n = q->nbucket * 2;
	struct tcp_req **b = calloc(n, sizeof(*b));
	if (!b)
		return;     /* longer chains, still correct */
	for (uint32_t i = 0; i < q->nbucket; i++) {
		struct tcp_req *r = q->bucket[i], *next;
		for (; r; r = next) {
			next = r->hnext;
			uint32_t h = tuple_hash(&r->raddr, r->rport) & (n - 1);
			r->hnext = b[h];
			b[h] = r;
		}
	}
	free(q->bucket);
	stats(q->l->vs)->mem_bytes += (size_t)(n - q->nbucket) * sizeof(*b);
	q->bucket = b;
	q->nbucket = n;
}

static struct tcp_req **find(struct tcp_synq *q, const struct vs_addr *laddr,
			     const struct vs_addr *raddr, uint16_t rport)
{
	struct tcp_req **p = &q->bucket[tuple_hash(raddr, rport) & (q->nbucket - 1)];
	for (; *p; p = &(*p)->hnext)
		if ((*p)->rport == rport && vs_addr_eq(&(*p)->raddr, raddr) &&
		    vs_addr_eq(&(*p)->laddr, laddr))
			return p;
	return NULL;
}

static void describe(const struct tcp_req *r, struct vwire_conn *c)
{
	struct tcp_sock *l = r->q->l;
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->family = r->laddr.family;
	if (r->laddr.family == AF_INET) {
		memcpy(c->local_addr, &r->laddr.u.v4, 4);
		memcpy(c->remote_addr, &r->raddr.u.v4, 4);
	} else {
		memcpy(c->local_addr, &r->laddr.u.v6, 16);
		memcpy(c->remote_addr, &r->raddr.u.v6, 16);
	}
	c->local_port = l->lport;
	c->remote_port = r->rport;
	c->state = VWIRE_TCP_SYN_RECV;
}

static void report(struct tcp_req *r, int old_state, int new_state)
{
	struct vwire_conn c;
	describe(r, &c);
	vs_report_state(r->q->l->vs, &c, old_state, new_state);
}

/* Unlinks and frees the entry *p points to. */
static void req_free(struct tcp_req **p, bool quiet)
{
	struct tcp_req *r = *p;
	struct vstack *vs = r->q->l->vs;
	*p = r->hnext;
	r->q->len--;
	vs_timer_cancel(vs, &r->timer);
	if (!quiet)
		report(r, VWIRE_TCP_SYN_RECV, VWIRE_TCP_CLOSE);
	stats(vs)->req_count--;
	stats(vs)->mem_bytes -= sizeof(*r);
	free(r);
}

/* The options the SYN carried, as the socket builder takes them. */
static struct tcp_opts req_opts(const struct tcp_req *r)
{
	struct tcp_opts o = { 0 };
	o.mss_ok = r->mss_ok;
	o.mss = r->peer_mss;
	o.ws_ok = r->ws_ok;
	o.ws = r->ws;
	o.sack_ok = r->sack_ok;
	o.ts_ok = r->ts_ok;
	o.tsval = r->ts_recent;
	return o;
}

static void req_lseg(const struct tcp_req *r, const struct tcp_opts *o, struct tcp_lseg *s)
{
	memset(s, 0, sizeof(*s));
	s->src = &r->raddr;
	s->dst = &r->laddr;
	s->sport = r->rport;
	s->dport = r->q->l->lport;
	s->seq = r->irs;
	s->win = r->peer_win;
	s->flags = TH_SYN | (r->ecn_ok ? TH_ECE | TH_CWR : 0);
	s->opt = o;
}

/* The SYN-ACK of a request (or of a cookie), built by the same code as a
 * socket's: a throw-away TCB that is never linked anywhere. */
static void send_synack(struct tcp_sock *l, const struct tcp_lseg *s, uint32_t iss,
			bool ecn_ok, bool cookie_ts, uint32_t cookie_tsval)
{
	struct tcp_sock tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.vs = l->vs;
	tmp.family = l->family;
	tcp_timers_init(&tmp);
	tcp_fastopen_sock_init(&tmp);
	tcp_syn_child_init(&tmp, l, s, iss);
	tmp.state = VWIRE_TCP_SYN_RECV;
	tmp.ecn_ok = ecn_ok;
	tmp.cookie_ts = cookie_ts;
	tmp.cookie_tsval = cookie_tsval;
	tcp_fastopen_take_synack_cookie(&tmp, l);
	tcp_send_syn(&tmp);
	/* The key copy tcp_syn_child_init made from a signing listener (and
	 * its count in md5_sockets) goes with the throw-away TCB. */
	tcp_md5_free(&tmp);
}

static void req_send_synack(struct tcp_req *r)
{
	struct tcp_opts o = req_opts(r);
	struct tcp_lseg s;
	req_lseg(r, &o, &s);
	send_synack(r->q->l, &s, r->iss, r->ecn_ok, false, 0);
}

static int64_t req_timeout(const struct tcp_req *r)
{
	int64_t t = (int64_t)TCP_RTO_INIT_US << (r->retrans < 10 ? r->retrans : 10);
	return t > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : t;
}

static void req_timer_fire(struct vstack *vs, struct vs_timer *t)
{
	struct tcp_req *r = (struct tcp_req *)((char *)t - offsetof(struct tcp_req, timer));
	struct tcp_synq *q = r->q;
	if (r->retrans >= vs->knobs.tcp_synack_retries) {
		struct tcp_req **p = find(q, &r->laddr, &r->raddr, r->rport);
		stats(vs)->expired++;
		if (p)
			req_free(p, false);
		return;
	}
	r->retrans++;
	stats(vs)->synack_retrans++;
	req_send_synack(r);
	vs_timer_arm(vs, &r->timer, vs_now(vs) + req_timeout(r));
}

/* The request becomes a socket in SYN-RECEIVED, its retransmission state
 * carried over; the caller hands it the segment that arrived. */
static struct tcp_sock *promote(struct tcp_req **p)
{
	struct tcp_req *r = *p;
	struct tcp_sock *l = r->q->l;
	struct vstack *vs = l->vs;
	struct tcp_sock *c = tcp_sock_alloc(vs, l->family);
	if (!c)
		return NULL;
	struct tcp_opts o = req_opts(r);
	struct tcp_lseg s;
	req_lseg(r, &o, &s);
	tcp_syn_child_init(c, l, &s, r->iss);
	c->ecn_ok = r->ecn_ok;
	c->state = VWIRE_TCP_SYN_RECV;     /* already reported as the request */
	tcp_table_rehash(l->vs, c);
	c->parent = l;
	l->synq_len++;
	c->snd_nxt = c->snd_max = r->iss + 1;
	c->first_rexmit_time = r->first_sent;
	c->retransmits = r->retrans;
	c->backoff = r->retrans;
	c->total_retrans = r->retrans;
	c->segs_out = 1u + r->retrans;
	if (vs_timer_armed(&r->timer))
		vs_timer_arm(vs, &c->rexmit_timer, r->timer.deadline);
	stats(vs)->promoted++;
	req_free(p, true);
	return c;
}

static bool cookie_recent(const struct tcp_synq *q, int64_t now)
{
	return q && q->last_cookie >= 0 && now - q->last_cookie < COOKIE_RECENT_US;
}

static struct tcp_cookie_tuple cookie_tuple(const struct tcp_lseg *s, uint32_t peer_isn)
{
	struct tcp_cookie_tuple t;
	memset(&t, 0, sizeof(t));
	t.laddr = *s->dst;
	t.raddr = *s->src;
	t.lport = s->dport;
	t.rport = s->sport;
	t.peer_isn = peer_isn;
	return t;
}

static void send_cookie(struct tcp_sock *l, struct tcp_synq *q, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	struct vs_knobs *k = &vs->knobs;
	int family = s->src->family;
	uint16_t mss = s->opt->mss_ok ? s->opt->mss : TCP_MSS_DEFAULT;
	int index = tcp_cookie_mss_index(family, mss);
	struct tcp_cookie_tuple t = cookie_tuple(s, s->seq);
	uint32_t iss = tcp_cookie_encode(vs->seed, &t, tcp_cookie_counter(vs_now(vs)), index);
	/* The SYN-ACK states the options as usual; with timestamps, TSval
	 * remembers what the peer offered (its wscale, SACK, ECN). */
	struct tcp_opts o = *s->opt;
	o.mss = tcp_cookie_mss_value(family, index);
	struct tcp_lseg cs = *s;
	cs.opt = &o;
	bool ts = k->tcp_timestamps && s->opt->ts_ok;
	bool ecn = ts && tcp_ecn_syn_ok(vs, s->flags, s->tos);
	uint32_t tsval = 0;
	if (ts) {
		bool ws = k->tcp_window_scaling && s->opt->ws_ok;
		tsval = tcp_cookie_tsval((uint32_t)(vs_now(vs) / 1000), ws ? s->opt->ws : -1,
					 k->tcp_sack && s->opt->sack_ok, ecn);
	}
	send_synack(l, &cs, iss, ecn, ts, tsval);
	q->last_cookie = vs_now(vs);
	stats(vs)->cookies_sent++;
}

/* An ACK that may carry one of our cookies: a socket built from it, or
 * NULL when it does not. */
static struct tcp_sock *cookie_ack(struct tcp_sock *l, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	struct vs_knobs *k = &vs->knobs;
	if (!k->tcp_syncookies || !cookie_recent(l->synq, vs_now(vs)))
		return NULL;
	struct tcp_cookie_tuple t = cookie_tuple(s, s->seq - 1);
	int index = tcp_cookie_decode(vs->seed, &t, tcp_cookie_counter(vs_now(vs)), s->ack - 1);
	struct tcp_opts o = { 0 };
	bool ecn = false;
	if (index >= 0 && s->opt->ts_ok && k->tcp_timestamps) {
		int ws;
		bool sack;
		if (!tcp_cookie_ts_decode(s->opt->tsecr, &ws, &sack, &ecn)) {
			index = -1;
		} else {
			o.ts_ok = true;
			o.tsval = s->opt->tsval;
			o.sack_ok = sack;
			o.ws_ok = ws >= 0;
			o.ws = ws >= 0 ? (uint8_t)ws : 0;
		}
	}
	if (index < 0) {
		stats(vs)->cookies_bad++;
		return NULL;
	}
	if (l->aq_len > l->backlog) {
		stats(vs)->dropped++;
		return l;                /* accept queue full: drop the ACK */
	}
	struct tcp_sock *c = tcp_sock_alloc(vs, l->family);
	if (!c)
		return l;
	o.mss_ok = true;
	o.mss = tcp_cookie_mss_value(s->src->family, index);
	struct tcp_lseg cs = *s;
	cs.seq = s->seq - 1;
	cs.opt = &o;
	cs.flags = TH_SYN | (ecn ? TH_ECE | TH_CWR : 0);
	tcp_syn_child_init(c, l, &cs, s->ack - 1);
	c->ecn_ok = ecn;
	c->parent = l;
	l->synq_len++;
	c->snd_nxt = c->snd_max = s->ack;
	c->retransmits = 1;        /* no RTT sample from a SYN-ACK nobody timed */
	c->first_rexmit_time = vs_now(vs);
	tcp_set_state(c, VWIRE_TCP_SYN_RECV);
	stats(vs)->cookies_ok++;
	return c;
}

static void new_request(struct tcp_sock *l, struct tcp_synq *q, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	struct tcp_req *r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->q = q;
	vs_timer_init(&r->timer, req_timer_fire);
	r->laddr = *s->dst;
	r->raddr = *s->src;
	r->rport = s->sport;
	r->irs = s->seq;
	r->peer_win = s->win;
	r->mss_ok = s->opt->mss_ok;
	r->peer_mss = s->opt->mss;
	r->ws_ok = s->opt->ws_ok;
	r->ws = s->opt->ws;
	r->sack_ok = s->opt->sack_ok;
	r->ts_ok = s->opt->ts_ok;
	r->ts_recent = s->opt->tsval;
	r->ecn_ok = tcp_ecn_syn_ok(vs, s->flags, s->tos);
	r->iss = tcp_isn(vs, &r->laddr, l->lport, &r->raddr, r->rport);
	r->first_sent = vs_now(vs);
	if ((uint32_t)q->len >= q->nbucket)
		grow(q);
	uint32_t h = tuple_hash(&r->raddr, r->rport) & (q->nbucket - 1);
	r->hnext = q->bucket[h];
	q->bucket[h] = r;
	q->len++;
	struct tcp_synflood_stats *st = stats(vs);
	st->requests++;
	st->req_count++;
	if (st->req_count > st->req_peak)
		st->req_peak = st->req_count;
	st->mem_bytes += sizeof(*r);
	if (st->mem_bytes > st->mem_peak)
		st->mem_peak = st->mem_bytes;
	report(r, VWIRE_TCP_CLOSE, VWIRE_TCP_SYN_RECV);
	req_send_synack(r);
	vs_timer_arm(vs, &r->timer, vs_now(vs) + req_timeout(r));
}

/* A SYN for a listener with no request for its 4-tuple yet. */
static void syn_input(struct tcp_sock *l, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	struct vs_knobs *k = &vs->knobs;
	struct tcp_synq *q = synq_get(l);
	if (!q)
		return;
	int qlen = q->len + l->synq_len;
	bool want_cookie = false;
	if (k->tcp_syncookies == 2 || qlen > l->backlog) {
		if (!k->tcp_syncookies) {
			stats(vs)->dropped++;
			return;
		}
		want_cookie = true;
	}
	if (l->aq_len > l->backlog) {
		stats(vs)->dropped++;  /* LISTENOVERFLOWS: the peer retransmits */
		return;
	}
	int max_syn = k->tcp_max_syn_backlog > 0 ? k->tcp_max_syn_backlog : 1;
	if (!want_cookie && !k->tcp_syncookies && max_syn - qlen < (max_syn >> 2)) {
		stats(vs)->dropped++;
		return;
	}
	if (want_cookie)
		send_cookie(l, q, s);
	else if (!tcp_fastopen_syn(l, s))   /* Fast Open: a full child at once */
		new_request(l, q, s);
}

struct tcp_sock *tcp_synq_input(struct tcp_sock *l, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	uint8_t f = s->flags;
	if (f & TH_SYN)
		stats(vs)->syns++;
	struct tcp_req **p = l->synq ? find(l->synq, s->dst, s->src, s->sport) : NULL;
	if (p) {
		if ((f & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN && s->seq == (*p)->irs) {
			req_send_synack(*p);    /* our SYN-ACK was lost */
			return NULL;
		}
		return promote(p);
	}
	if (f & TH_RST)
		return NULL;
	if (f & TH_ACK) {
		if (!(f & TH_SYN)) {
			struct tcp_sock *c = cookie_ack(l, s);
			if (c == l)
				return NULL;
			if (c)
				return c;
		}
		tcp_send_reset_reply(vs, s->src, s->dst, s->raw, s->raw_len, s->seglen);
		return NULL;
	}
	if (!(f & TH_SYN))
		return NULL;
	syn_input(l, s);
	return NULL;
}

bool tcp_synq_icmp(struct tcp_sock *l, const struct vs_addr *laddr,
		   const struct vs_addr *raddr, uint16_t rport, uint32_t seq, bool abort)
{
	struct tcp_req **p = l->synq ? find(l->synq, laddr, raddr, rport) : NULL;
	if (!p)
		return false;
	/* Only an error quoting our SYN-ACK itself counts (Linux's
	 * tcp_req_err); the request then goes, as one whose SYN-ACK timed
	 * out would, and a later ACK for it meets a RST. */
	if (seq != (*p)->iss)
		tcp_mib_inc(l->vs, TCP_MIB_OUT_OF_WINDOW_ICMPS);
	else if (abort)
		req_free(p, false);
	return true;
}

void tcp_synq_free(struct tcp_sock *l)
{
	struct tcp_synq *q = l->synq;
	if (!q)
		return;
	for (uint32_t i = 0; i < q->nbucket; i++)
		while (q->bucket[i])
			req_free(&q->bucket[i], false);
	stats(l->vs)->mem_bytes -= sizeof(*q) + q->nbucket * sizeof(*q->bucket);
	free(q->bucket);
	free(q);
	l->synq = NULL;
}

int tcp_synq_len(const struct tcp_sock *l)
{
	return l->synq ? l->synq->len : 0;
}

int tcp_synq_list(struct tcp_sock *l, struct vwire_conn *out, int n, int max)
{
	struct tcp_synq *q = l->synq;
	if (!q)
		return n;
	for (uint32_t i = 0; i < q->nbucket; i++)
		for (struct tcp_req *r = q->bucket[i]; r; r = r->hnext) {
			if (n < max)
				describe(r, &out[n]);
			n++;
		}
	return n;
}

void tcp_synflood_stats(struct vstack *vs, struct tcp_synflood_stats *out)
{
	*out = vs->tcp->flood;
	out->req_size = sizeof(struct tcp_req);
	out->sock_size = sizeof(struct tcp_sock);
	out->socks = vs->tcp->count;
}
