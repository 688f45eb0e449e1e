/* TCP Fast Open (RFC 7413), with Linux's observable choices: cookies are
 * SipHash-2-4 of the SYN's source and destination addresses under the
 * server key (net.ipv4.tcp_fastopen_key or TCP_FASTOPEN_KEY), the
 * option is kind 34 or the experimental 254 with magic 0xF989 (answered
 * in the format asked), SYN data is accepted into a child that goes to
 * the accept queue at once, and the client caches cookies and the
 * server's MSS per destination for the life of the instance. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <netinet/tcp.h>
#include <string.h>

#include "siphash.h"
#include "tcp_internal.h"

#define MAX_TCP_OPTION_SPACE 40 /* Linux reserves it all for SYN data */

/* ------------------------------------------------------------ keys */

int tcp_fastopen_parse_key(const char *text, uint8_t key[TFO_KEY_LEN])
{
	unsigned w[4];
	if (sscanf(text, "%8x-%8x-%8x-%8x", &w[0], &w[1], &w[2], &w[3]) != 4)
		return -EINVAL;
	/* Linux stores each word little-endian (cpu_to_le32 on x86). */
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 4; b++)
			key[4 * i + b] = (uint8_t)(w[i] >> (8 * b));
	return 0;
}

void tcp_fastopen_cookie_for(const uint8_t key[TFO_KEY_LEN], const struct vs_addr *src,
			     const struct vs_addr *dst, struct tcp_fastopen_cookie *out)
{
	uint8_t msg[32];
	size_t n;
	if (src->family == AF_INET) {
		memcpy(msg, &src->u.v4, 4);
		memcpy(msg + 4, &dst->u.v4, 4);
		n = 8;
	} else {
		memcpy(msg, &src->u.v6, 16);
		memcpy(msg + 16, &dst->u.v6, 16);
		n = 32;
	}
	uint64_t h = vs_siphash24(key, msg, n);
	memset(out, 0, sizeof(*out));
	out->len = TFO_COOKIE_SIZE;
	for (int i = 0; i < 8; i++)
		out->val[i] = (uint8_t)(h >> (8 * i)); /* cpu_to_le64 */
}

/* The server key of listener l: its own, else the instance's; an
 * instance without one derives it from the seed (Linux draws one at
 * random once). */
static void server_key(const struct tcp_sock *l, uint8_t key[TFO_KEY_LEN])
{
	const struct vstack *vs = l->vs;
	if (l->tfo.key_set) {
		memcpy(key, l->tfo.key, TFO_KEY_LEN);
		return;
	}
	if (vs->knobs.tcp_fastopen_key_set) {
		memcpy(key, vs->knobs.tcp_fastopen_key, TFO_KEY_LEN);
		return;
	}
	uint64_t s = vs->seed ^ 0x74666f6b6579ULL;
	for (int i = 0; i < TFO_KEY_LEN; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		key[i] = (uint8_t)(s >> 56);
	}
}

/* ------------------------------------------------------------ options */

size_t tcp_fastopen_put_option(uint8_t *b, size_t room, const struct tcp_fastopen_cookie *c)
{
	if (c->len < 0)
		return 0;
	size_t len = (size_t)c->len + (c->exp ? 4 : 2);
	size_t need = (len + 3) & ~(size_t)3;
	if (need > room)
		return 0;
	size_t n = 0;
	if (c->exp) {
		b[n++] = TCPOPT_EXP;
		b[n++] = (uint8_t)len;
		b[n++] = TCPOPT_FASTOPEN_MAGIC >> 8;
		b[n++] = TCPOPT_FASTOPEN_MAGIC & 0xff;
	} else {
		b[n++] = TCPOPT_FASTOPEN;
		b[n++] = (uint8_t)len;
	}
	memcpy(b + n, c->val, (size_t)c->len);
	n += (size_t)c->len;
	while (n < need)
		b[n++] = TCPOPT_NOP;
	return n;
}

static void cookie_from_opts(const struct tcp_opts *o, struct tcp_fastopen_cookie *c)
{
	memset(c, 0, sizeof(*c));
	c->len = o->fo_len;
	c->exp = o->fo_exp;
	if (c->len > 0)
		memcpy(c->val, o->fo_cookie, (size_t)c->len);
}

/* ------------------------------------------------------------ server */

void tcp_fastopen_sock_init(struct tcp_sock *ts)
{
	memset(&ts->tfo, 0, sizeof(ts->tfo));
	ts->tfo.cookie.len = -1;
}

void tcp_fastopen_on_listen(struct tcp_sock *l, int backlog)
{
	int k = l->vs->knobs.tcp_fastopen;
	/* 0x400: Fast Open on every listener, the backlog as its queue. */
	if ((k & TFO_SERVER_WO_SOCKOPT1) && (k & TFO_SERVER_ENABLE) && l->tfo.max_qlen == 0) {
		int q = backlog < l->vs->knobs.somaxconn ? backlog : l->vs->knobs.somaxconn;
		l->tfo.max_qlen = q;
	}
}

bool tcp_fastopen_is_passive(const struct tcp_sock *ts)
{
	return ts->tfo.passive;
}

static bool queue_has_room(const struct tcp_sock *l)
{
	return l->tfo.max_qlen > 0 && l->tfo.qlen < l->tfo.max_qlen;
}

/* The child goes to the accept queue before the handshake ends. */
static void accept_now(struct tcp_sock *l, struct tcp_sock *c)
{
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

static void create_child(struct tcp_sock *l, struct tcp_sock *c, const uint8_t *data,
			 uint32_t len)
{
	c->tfo.passive = true;
	c->tfo.counted = true;
	c->tfo.listener = l;
	l->tfo.qlen++;
	if (len) {
		size_t put = tcp_buf_append(&c->rcvbuf, data, len, (size_t)c->rcvbuf_limit + 65536);
		c->rcv_nxt += (uint32_t)put;
		c->bytes_received += put;
		c->data_segs_in++;
		c->tfo.syn_data_acked = true;
	}
	c->rcv_wup = c->rcv_nxt;
	accept_now(l, c);
}

/* Fast Open for a SYN that reached listener l (Linux's tcp_try_fastopen):
 * true when a child took the SYN and its data and answered it. Else the
 * SYN-ACK the request sends may have to carry a cookie: kept in l until
 * tcp_fastopen_take_synack_cookie picks it up. */
bool tcp_fastopen_syn(struct tcp_sock *l, const struct tcp_lseg *s)
{
	struct vstack *vs = l->vs;
	int k = vs->knobs.tcp_fastopen;
	l->tfo.synack_cookie = false;
	struct tcp_fastopen_cookie foc, valid = { .len = -1 };
	cookie_from_opts(s->opt, &foc);
	if (!(k & TFO_SERVER_ENABLE) || !(s->len > 0 || foc.len >= 0) || !queue_has_room(l))
		return false;
	bool open = (k & TFO_SERVER_COOKIE_NOT_REQD) || l->tfo.no_cookie;
	if (!open && foc.len >= 0) {
		uint8_t key[TFO_KEY_LEN];
		server_key(l, key);
		tcp_fastopen_cookie_for(key, s->src, s->dst, &valid);
		open = foc.len == TFO_COOKIE_SIZE && !memcmp(foc.val, valid.val, TFO_COOKIE_SIZE);
	}
	if (!open) {
		/* A request or a wrong cookie: the data waits for the
		 * retransmission and the SYN-ACK carries the right cookie, in
		 * the format the client used. */
		if (valid.len > 0) {
			l->tfo.cookie = valid;
			l->tfo.cookie.exp = foc.exp;
			l->tfo.synack_cookie = true;
		}
		return false;
	}
	struct tcp_sock *c = tcp_sock_alloc(vs, l->family);
	if (!c)
		return false;
	tcp_syn_child_init(c, l, s, tcp_isn(vs, s->dst, s->dport, s->src, s->sport));
	c->ecn_ok = tcp_ecn_syn_ok(vs, s->flags, s->tos);
	c->parent = l;
	l->synq_len++;
	create_child(l, c, s->data, s->len);
	tcp_set_state(c, VWIRE_TCP_SYN_RECV);
	c->first_rexmit_time = vs_now(vs);
	tcp_send_syn(c);
	tcp_arm_rexmit(c);
	return true;
}

void tcp_fastopen_take_synack_cookie(struct tcp_sock *tmp, struct tcp_sock *l)
{
	tmp->tfo.synack_cookie = l->tfo.synack_cookie;
	if (l->tfo.synack_cookie)
		tmp->tfo.cookie = l->tfo.cookie;
	l->tfo.synack_cookie = false;
}

void tcp_fastopen_child_done(struct tcp_sock *ts)
{
	if (!ts->tfo.counted)
		return;
	ts->tfo.counted = false;
	struct tcp_sock *l = ts->tfo.listener;
	if (l && l->tfo.qlen > 0)
		l->tfo.qlen--;
	ts->tfo.listener = NULL;
}

void tcp_fastopen_forget_listener(struct tcp_sock *l)
{
	for (struct tcp_sock *o = l->vs->tcp->head; o; o = o->next)
		if (o->tfo.listener == l) {
			o->tfo.listener = NULL;
			o->tfo.counted = false;
		}
}

/* ------------------------------------------------------------ cache */

static struct tcp_fastopen_cache_entry *cache_find(struct tcp_sock *ts, bool create)
{
	struct tcp_fastopen_cache *c = &ts->vs->tcp->tfo_cache;
	for (int i = 0; i < TFO_CACHE_SLOTS; i++)
		if (c->e[i].used && vs_addr_eq(&c->e[i].addr, &ts->raddr))
			return &c->e[i];
	if (!create)
		return NULL;
	struct tcp_fastopen_cache_entry *e = &c->e[c->next];
	c->next = (c->next + 1) % TFO_CACHE_SLOTS;
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->addr = ts->raddr;
	return e;
}

void tcp_metrics_flush(struct vstack *vs)
{
	memset(&vs->tcp->tfo_cache, 0, sizeof(vs->tcp->tfo_cache));
}

static void cache_get(struct tcp_sock *ts, uint16_t *mss, struct tcp_fastopen_cookie *cookie)
{
	struct tcp_fastopen_cache_entry *e = cache_find(ts, false);
	if (!e)
		return;
	if (e->mss)
		*mss = e->mss;
	*cookie = e->cookie;
	if (cookie->len <= 0 && e->try_exp == 1)
		cookie->exp = true;
}

static void cache_set(struct tcp_sock *ts, uint16_t mss, const struct tcp_fastopen_cookie *cookie,
		      bool syn_lost, int try_exp)
{
	struct tcp_fastopen_cache_entry *e = cache_find(ts, true);
	if (mss)
		e->mss = mss;
	if (cookie && cookie->len > 0)
		e->cookie = *cookie;
	else if (try_exp > e->try_exp && e->cookie.len <= 0 && !e->cookie.exp)
		e->try_exp = try_exp;
	e->syn_loss = syn_lost ? e->syn_loss + 1 : 0;
}

/* May the SYN carry data? Fills *cookie (len -1: data without a cookie)
 * and *mss with what the cache knows. */
static bool cookie_check(struct tcp_sock *ts, uint16_t *mss, struct tcp_fastopen_cookie *cookie)
{
	cache_get(ts, mss, cookie);
	if ((ts->vs->knobs.tcp_fastopen & TFO_CLIENT_NO_COOKIE) || ts->tfo.no_cookie) {
		cookie->len = -1;
		return true;
	}
	return cookie->len > 0;
}

/* ------------------------------------------------------------ client */

bool tcp_fastopen_defer_connect(struct tcp_sock *ts)
{
	if (!ts->tfo.connect_opt || ts->tfo.req)
		return false;
	struct tcp_fastopen_cookie c = { .len = 0 };
	uint16_t mss = 0;
	if (cookie_check(ts, &mss, &c)) {
		ts->tfo.deferred = true;
		return true;
	}
	/* No cookie yet: connect() sends a SYN asking for one. */
	ts->tfo.req = true;
	ts->tfo.req_data = NULL;
	ts->tfo.req_len = 0;
	return false;
}

int tcp_fastopen_connect_state(const struct tcp_sock *ts)
{
	return ts->tfo.deferred ? -EISCONN : -EALREADY;
}

unsigned tcp_fastopen_poll(const struct tcp_sock *ts)
{
	/* A deferred connect is writable: the write sends SYN and data. */
	return ts->tfo.deferred && ts->state == VWIRE_TCP_SYN_SENT ? (POLLOUT | POLLWRNORM) : 0;
}

/* Linux's __tcp_mtu_to_mss for the path: the SYN-data room before the
 * option space is reserved. */
static int mtu_to_mss(const struct tcp_sock *ts, uint16_t clamp)
{
	int mss = vs_iface_mss(ts->vs, ts->raddr.family);
	if (ts->pmtu > 0) {
		int p = ts->pmtu - (ts->raddr.family == AF_INET ? 40 : 60);
		if (p < mss)
			mss = p;
	}
	if (clamp && mss > clamp)
		mss = clamp;
	return mss < 48 ? 48 : mss;
}

static void first_syn(struct tcp_sock *ts, struct tcp_fastopen_cookie *out, uint32_t *data_len)
{
	struct tcp_fastopen_sock *f = &ts->tfo;
	uint16_t clamp = ts->advmss;
	struct tcp_fastopen_cookie c = { .len = 0 };
	*data_len = 0;
	f->copied = 0;
	if (cookie_check(ts, &clamp, &c)) {
		if (ts->user_mss && ts->user_mss < clamp)
			clamp = ts->user_mss;
		f->mss_clamp = clamp;
		int space = mtu_to_mss(ts, clamp) - MAX_TCP_OPTION_SPACE;
		size_t n = f->req_len < (size_t)(space > 0 ? space : 0) ? f->req_len : (size_t)space;
		if (n && f->req_data) {
			n = tcp_buf_append(&ts->sndbuf, f->req_data, n, (size_t)ts->sndbuf_limit + 65536);
			f->copied = n;
			*data_len = (uint32_t)n;
			ts->psh_seq = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		}
	} else if (c.len > 0) {
		c.len = 0;
	}
	*out = c;
	f->syn_data = *data_len > 0;
}

size_t tcp_fastopen_syn_options(struct tcp_sock *ts, uint8_t *opts, size_t room,
				uint32_t *data_len)
{
	struct tcp_fastopen_sock *f = &ts->tfo;
	*data_len = 0;
	if (ts->state == VWIRE_TCP_SYN_RECV) {
		/* Only the first SYN-ACK carries a cookie (retransmissions are
		 * made without one, as Linux's). */
		if (!f->synack_cookie)
			return 0;
		f->synack_cookie = false;
		return tcp_fastopen_put_option(opts, room, &f->cookie);
	}
	if (!f->req) {
		/* A retransmitted SYN: no option, no data; what the first one
		 * carried goes again after the handshake. */
		if (f->syn_data && seq_gt(ts->snd_nxt, ts->iss + 1))
			ts->snd_nxt = ts->iss + 1;
		return 0;
	}
	f->req = false;
	struct tcp_fastopen_cookie c;
	first_syn(ts, &c, data_len);
	size_t n = tcp_fastopen_put_option(opts, room, &c);
	if (n) {
		f->syn_fastopen = true;
		f->syn_fastopen_exp = c.exp;
	}
	return n;
}

/* Data (and a FIN) riding on the SYN-ACK join the receive queue, as
 * Linux's tcp_fastopen_add_skb does for an active Fast Open socket. */
static void synack_payload(struct tcp_sock *ts, const uint8_t *data, uint32_t len, bool fin)
{
	if (len) {
		size_t put = tcp_buf_append(&ts->rcvbuf, data, len, (size_t)ts->rcvbuf_limit + 65536);
		ts->rcv_nxt += (uint32_t)put;
		ts->bytes_received += put;
		ts->data_segs_in++;
		if (put < len)
			fin = false;
	}
	if (fin) {
		ts->rcv_nxt++;
		ts->fin_rcvd = true;
		ts->shut_rd = true;
		tcp_set_state(ts, VWIRE_TCP_CLOSE_WAIT);
	}
	ts->rcv_wup = ts->rcv_nxt;
}

bool tcp_fastopen_synack(struct tcp_sock *ts, const struct tcp_opts *o, const uint8_t *data,
			 uint32_t len, bool fin)
{
	struct tcp_fastopen_sock *f = &ts->tfo;
	if (!f->syn_fastopen && !f->syn_data)
		return false;
	/* Data the SYN-ACK acknowledges leaves the send buffer. */
	uint32_t data_end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	uint32_t acked_to = seq_min(ts->snd_una, data_end);
	if (seq_gt(acked_to, ts->snd_buf_seq)) {
		uint32_t n = acked_to - ts->snd_buf_seq;
		tcp_buf_drop(&ts->sndbuf, n);
		ts->snd_buf_seq += n;
		ts->bytes_acked += n;
	}
	if (seq_lt(ts->snd_nxt, ts->snd_una))
		ts->snd_nxt = ts->snd_una; /* the first SYN's data got there after all */
	struct tcp_fastopen_cookie cookie;
	cookie_from_opts(o, &cookie);
	uint16_t mss = o->mss_ok ? o->mss : 0;
	bool data_unacked = f->syn_data && seq_lt(ts->snd_una, ts->snd_max);
	bool syn_drop = false;
	int try_exp = 0;
	if (!f->syn_fastopen)
		cookie.len = -1;          /* an unsolicited cookie is ignored */
	else if (ts->retransmits > 0 || ts->syn_retries_done > 0 || ts->total_retrans > 0)
		syn_drop = cookie.len < 0 && data_unacked;
	else if (cookie.len < 0 && !f->syn_data)
		try_exp = f->syn_fastopen_exp ? 2 : 1; /* asked, got none: try the other format */
	cache_set(ts, mss, &cookie, syn_drop, try_exp);
	/* A SYN counts once in delivered, with its data or without. */
	ts->delivered = 1;
	if (data_unacked) {
		ts->snd_nxt = ts->snd_una;
		return true;
	}
	f->syn_data_acked = f->syn_data;
	synack_payload(ts, data, len, fin);
	if (f->write_pending && !len && !fin) {
		/* The waiting writer's data will carry the ACK (Linux delays it
		 * while sk_write_pending), and that quick reply makes the
		 * exchange interactive: later ACKs are delayed too. */
		ts->pingpong = true;
		tcp_arm_delack(ts);
		return true;
	}
	return false;
}

void tcp_fastopen_set_write_pending(struct tcp_sock *ts, bool on)
{
	ts->tfo.write_pending = on;
}

bool tcp_fastopen_syn_too_big(struct tcp_sock *ts)
{
	if (!ts->tfo.syn_data)
		return false;
	/* As Linux's tcp_simple_retransmit: the SYN again now, alone, with
	 * the MSS the new path MTU allows; the data follows the handshake. */
	int mss = mtu_to_mss(ts, 0);
	if (mss < ts->advmss)
		ts->advmss = (uint16_t)mss;
	ts->total_retrans++;
	tcp_send_syn(ts);
	return true;
}

bool tcp_fastopen_send_wanted(const struct tcp_sock *ts, int flags)
{
	if (ts->tfo.deferred)
		return true;
	if (!(flags & MSG_FASTOPEN))
		return false;
	return ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_SYN_SENT ||
	       ts->state == VWIRE_TCP_SYN_RECV;
}

ssize_t tcp_fastopen_sendmsg(struct vstack *vs, struct tcp_sock *ts, const struct vs_addr *addr,
			     uint16_t port, bool have_addr, const void *buf, size_t len)
{
	struct tcp_fastopen_sock *f = &ts->tfo;
	if (!(vs->knobs.tcp_fastopen & TFO_CLIENT_ENABLE))
		return -EOPNOTSUPP;
	if ((ts->state == VWIRE_TCP_SYN_SENT || ts->state == VWIRE_TCP_SYN_RECV) && !f->deferred)
		return -EALREADY;
	f->req = true;
	f->req_data = buf;
	f->req_len = len;
	f->copied = 0;
	ssize_t r;
	if (f->deferred) {
		f->deferred = false;
		ts->first_rexmit_time = vs_now(vs);
		tcp_send_syn(ts);
		tcp_arm_rexmit(ts);
		r = -EINPROGRESS;
	} else if (!have_addr) {
		r = -EDESTADDRREQ;
	} else {
		r = tcp_connect(vs, ts, addr, port);
	}
	f->req = false;
	f->req_data = NULL;
	f->req_len = 0;
	if (r != -EINPROGRESS)
		return r;
	return f->copied > 0 ? (ssize_t)f->copied : -EINPROGRESS;
}

/* ------------------------------------------------------------ options */

static int opt_int(const void *val, unsigned len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

int tcp_fastopen_setsockopt(struct tcp_sock *ts, int name, const void *val, unsigned len)
{
	struct vstack *vs = ts->vs;
	int v = 0, err;
	bool closed_or_listen = ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_LISTEN;
	switch (name) {
	case TCP_FASTOPEN:
		if ((err = opt_int(val, len, &v)))
			return err;
		if (v < 0 || !closed_or_listen)
			return -EINVAL;
		ts->tfo.max_qlen = v < vs->knobs.somaxconn ? v : vs->knobs.somaxconn;
		return 0;
	case TCP_FASTOPEN_CONNECT:
		if ((err = opt_int(val, len, &v)))
			return err;
		if (v < 0 || v > 1)
			return -EINVAL;
		if (!(vs->knobs.tcp_fastopen & TFO_CLIENT_ENABLE))
			return -EOPNOTSUPP;
		if (ts->state != VWIRE_TCP_CLOSE)
			return -EINVAL;
		ts->tfo.connect_opt = v != 0;
		return 0;
	case TCP_FASTOPEN_NO_COOKIE:
		if ((err = opt_int(val, len, &v)))
			return err;
		if (v < 0 || v > 1 || !closed_or_listen)
			return -EINVAL;
		ts->tfo.no_cookie = v != 0;
		return 0;
	case TCP_FASTOPEN_KEY:
		/* A primary key, or a primary and a backup one. */
		if (len != TFO_KEY_LEN && len != 2 * TFO_KEY_LEN)
			return -EINVAL;
		memcpy(ts->tfo.key, val, TFO_KEY_LEN);
		ts->tfo.key_set = true;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int put_val(void *val, unsigned *len, const void *src, unsigned n)
{
	unsigned k = *len < n ? *len : n;
	memcpy(val, src, k);
	*len = k;
	return 0;
}

int tcp_fastopen_getsockopt(struct tcp_sock *ts, int name, void *val, unsigned *len)
{
	int v;
	switch (name) {
	case TCP_FASTOPEN:
		v = ts->tfo.max_qlen;
		return put_val(val, len, &v, sizeof(v));
	case TCP_FASTOPEN_CONNECT:
		v = ts->tfo.connect_opt;
		return put_val(val, len, &v, sizeof(v));
	case TCP_FASTOPEN_NO_COOKIE:
		v = ts->tfo.no_cookie;
		return put_val(val, len, &v, sizeof(v));
	case TCP_FASTOPEN_KEY: {
		uint8_t key[TFO_KEY_LEN];
		server_key(ts, key);
		return put_val(val, len, key, TFO_KEY_LEN);
	}
	default:
		return -ENOPROTOOPT;
	}
}
