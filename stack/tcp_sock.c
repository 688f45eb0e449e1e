/* The TCB's life and the socket-facing calls: create, connect, send,
 * receive, shutdown, close, poll, socket options and TCP_INFO. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <errno.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp_internal.h"

#define SOCK_MIN_RCVBUF 2304
#define SOCK_MIN_SNDBUF 4608
#define TCP_MIN_MSS 88
#define MAX_TCP_KEEPIDLE 32767
#define MAX_TCP_KEEPINTVL 32767
#define MAX_TCP_KEEPCNT 127
#define TCP_SNDBUF_FLOOR 87040 /* what Linux grows an established sndbuf to */

int tcp_win_from_space(const struct vstack *vs, int space)
{
	int s = vs->knobs.tcp_adv_win_scale;
	if (s <= 0)
		return space - (space >> -s);
	return space - (space >> s);
}

int tcp_default_rcvbuf(const struct tcp_sock *ts)
{
	return ts->vs->knobs.tcp_rmem[1];
}

int tcp_default_sndbuf(const struct tcp_sock *ts)
{
	return ts->vs->knobs.tcp_wmem[1];
}

struct tcp_sock *tcp_sock_alloc(struct vstack *vs, int family)
{
	struct tcp_sock *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	ts->vs = vs;
	ts->family = family;
	ts->state = VWIRE_TCP_CLOSE;
	ts->fd = -1;
	ts->laddr.family = family;
	ts->raddr.family = family;
	ts->rcvbuf_limit = tcp_default_rcvbuf(ts);
	ts->sndbuf_limit = tcp_default_sndbuf(ts);
	ts->mss_cache = TCP_MSS_DEFAULT;
	ts->rcv_mss = TCP_MSS_DEFAULT;
	ts->keepidle = vs->knobs.tcp_keepalive_time;
	ts->keepintvl = vs->knobs.tcp_keepalive_intvl;
	ts->keepcnt = vs->knobs.tcp_keepalive_probes;
	ts->notsent_lowat = 0; /* 0: the sysctl applies (tcp_notsent.c) */
	snprintf(ts->cong_name, sizeof(ts->cong_name), "%s",
		 vs->knobs.tcp_congestion_control[0] ? vs->knobs.tcp_congestion_control : "cubic");
	ts->ato_us = TCP_ATO_MIN_US;
	tcp_rto_init(&ts->rto);
	tcp_cc_init(ts);
	tcp_timers_init(ts);
	tcp_fastopen_sock_init(ts);
	tcp_table_link(vs, ts);
	return ts;
}

struct tcp_sock *tcp_sock_new(struct vstack *vs, int family)
{
	return tcp_sock_alloc(vs, family);
}

void tcp_set_state(struct tcp_sock *ts, int state)
{
	int old = ts->state;
	if (old == state)
		return;
	ts->state = state;
	tcp_table_rehash(ts->vs, ts);
	if (old == VWIRE_TCP_SYN_RECV)
		tcp_fastopen_child_done(ts); /* leaves the listener's Fast Open queue */
	struct vwire_conn c;
	tcp_conn_describe(ts, &c);
	vs_report_state(ts->vs, &c, old, state);
}

void tcp_destroy(struct tcp_sock *ts)
{
	struct vstack *vs = ts->vs;
	/* A listener takes its unaccepted children with it. */
	while (ts->aq_head) {
		struct tcp_sock *c = ts->aq_head;
		ts->aq_head = c->aq_next;
		c->parent = NULL;
		c->in_accept_queue = false;
		c->orphan = true;
		tcp_destroy(c);
	}
	/* ... and its embryonic ones (SYN-RECEIVED), which nobody will accept;
	 * only a socket that listened can have any (no scan per close). */
	for (struct tcp_sock *o = ts->ever_listened ? vs->tcp->head : NULL; o;) {
		if (o->parent == ts) {
			o->parent = NULL;
			o->orphan = true;
			tcp_destroy(o);
			o = vs->tcp->head; /* the list changed: scan again */
			continue;
		}
		o = o->next;
	}
	if (ts->parent) {
		struct tcp_sock *p = ts->parent;
		if (ts->in_accept_queue) {
			struct tcp_sock **l = &p->aq_head, *prev = NULL;
			while (*l && *l != ts) {
				prev = *l;
				l = &(*l)->aq_next;
			}
			if (*l) {
				*l = ts->aq_next;
				if (p->aq_tail == ts)
					p->aq_tail = prev;
				p->aq_len--;
			}
		} else if (p->synq_len > 0) {
			p->synq_len--;
		}
	}
	tcp_timers_cancel_all(ts);
	tcp_tw_dequeue(ts);
	tcp_fastopen_child_done(ts);
	if (ts->ever_listened)
		tcp_fastopen_forget_listener(ts);
	tcp_table_unlink(vs, ts);
	tcp_buf_free(&ts->sndbuf);
	tcp_buf_free(&ts->rcvbuf);
	tcp_reass_clear(&ts->reass);
	tcp_sb_free(ts);
	tcp_eor_free(ts);
	tcp_synq_free(ts);
	tcp_md5_free(ts);
	free(ts);
}

void tcp_done(struct tcp_sock *ts)
{
	tcp_set_state(ts, VWIRE_TCP_CLOSE);
	tcp_timers_cancel_all(ts);
	ts->shut_rd = ts->shut_wr = true;
	tcp_deliver_wakeup(ts);
	if (ts->orphan || (ts->parent && !ts->in_accept_queue))
		tcp_destroy(ts);
}

void tcp_reset_conn(struct tcp_sock *ts, int err)
{
	if (ts->state == VWIRE_TCP_SYN_SENT)
		err = ECONNREFUSED;
	else if (ts->state == VWIRE_TCP_CLOSE_WAIT)
		err = EPIPE;
	else if (ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_TIME_WAIT ||
		 ts->state == VWIRE_TCP_LAST_ACK)
		err = 0;
	if (err)
		ts->error = err;
	ts->rst_rcvd = true;
	tcp_done(ts);
}

static bool has_unread(const struct tcp_sock *ts)
{
	return ts->rcvbuf.len > 0;
}

void tcp_close(struct vstack *vs, struct tcp_sock *ts)
{
	ts->orphan = true;
	ts->fd = -1;
	switch (ts->state) {
	case VWIRE_TCP_LISTEN:
		/* Established children waiting in the queue get a RST. */
		for (struct tcp_sock *c = ts->aq_head; c; c = c->aq_next)
			if (c->state == VWIRE_TCP_ESTABLISHED || c->state == VWIRE_TCP_CLOSE_WAIT ||
			    (c->state == VWIRE_TCP_SYN_RECV && tcp_fastopen_is_passive(c)))
				tcp_send_rst_for(c);
		tcp_set_state(ts, VWIRE_TCP_CLOSE);
		tcp_destroy(ts);
		return;
	case VWIRE_TCP_CLOSE:
	case VWIRE_TCP_SYN_SENT:
		tcp_set_state(ts, VWIRE_TCP_CLOSE);
		tcp_destroy(ts);
		return;
	case VWIRE_TCP_TIME_WAIT:
		tcp_tw_adopt(ts); /* else the TIME-WAIT timer frees it */
		return;
	default:
		break;
	}
	ts->shut_rd = true;   /* close() shuts both directions (SHUTDOWN_MASK) */
	if (has_unread(ts) || (ts->linger_on && ts->linger_secs == 0)) {
		/* Unread data always means RST; SO_LINGER {1,0} resets the
		 * states Linux resets on disconnect. */
		if (has_unread(ts) || (ts->state != VWIRE_TCP_LAST_ACK &&
				       ts->state != VWIRE_TCP_CLOSING))
			tcp_send_rst_for(ts);
		tcp_set_state(ts, VWIRE_TCP_CLOSE);
		tcp_destroy(ts);
		return;
	}
	if (ts->state == VWIRE_TCP_ESTABLISHED || ts->state == VWIRE_TCP_SYN_RECV)
		tcp_set_state(ts, VWIRE_TCP_FIN_WAIT1);
	else if (ts->state == VWIRE_TCP_CLOSE_WAIT)
		tcp_set_state(ts, VWIRE_TCP_LAST_ACK);
	else if (ts->state == VWIRE_TCP_FIN_WAIT2) {
		tcp_arm_fin_wait2(ts);
		return;
	}
	if (!ts->fin_queued) {
		ts->fin_queued = true;
		ts->fin_seq = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		ts->shut_wr = true;
		tcp_output(ts);
	}
}

int tcp_connect(struct vstack *vs, struct tcp_sock *ts, const struct vs_addr *addr,
		uint16_t port)
{
	switch (ts->state) {
	case VWIRE_TCP_SYN_SENT:
	case VWIRE_TCP_SYN_RECV:
		return tcp_fastopen_connect_state(ts); /* -EALREADY, or -EISCONN if deferred */
	case VWIRE_TCP_CLOSE:
		if (ts->connect_started) {
			/* A previous attempt ended: report how, once. */
			ts->connect_started = false;
			int e = ts->error ? ts->error : ECONNABORTED;
			ts->error = 0;
			return -e;
		}
		break;
	case VWIRE_TCP_LISTEN:
		return -EISCONN;
	default:
		if (ts->connect_started && !ts->connect_done_reported) {
			ts->connect_done_reported = true;
			return 0;
		}
		return -EISCONN;
	}
	if (port == 0)
		return -ECONNREFUSED;
	ts->raddr = *addr;
	ts->rport = port;
	if (vs_addr_any(&ts->laddr) || ts->laddr.family != addr->family)
		ts->laddr = addr->family == vs->local_addr.family ? vs->local_addr : ts->laddr;
	if (ts->laddr.family != addr->family || vs_addr_any(&ts->laddr))
		ts->laddr = vs->local_addr;
	if (!ts->bound) {
		int err = tcp_table_pick_port(vs, ts);
		if (err)
			return err;
	}
	ts->iss = tcp_isn(vs, &ts->laddr, ts->lport, &ts->raddr, ts->rport);
	ts->snd_una = ts->snd_nxt = ts->snd_max = ts->iss;
	ts->snd_buf_seq = ts->iss + 1;
	ts->psh_seq = ts->iss + 1;
	ts->snd_sml = ts->iss;
	ts->ts_ok = vs->knobs.tcp_timestamps != 0;
	ts->sack_ok = vs->knobs.tcp_sack != 0;
	ts->ws_ok = vs->knobs.tcp_window_scaling != 0;
	ts->connect_started = true;
	ts->connect_done_reported = false;
	ts->error = 0;
	tcp_init_rcv_window(ts, 0);
	tcp_set_state(ts, VWIRE_TCP_SYN_SENT);
	if (tcp_fastopen_defer_connect(ts))
		return 0;      /* TCP_FASTOPEN_CONNECT: the first write sends the SYN */
	ts->first_rexmit_time = vs_now(vs);
	tcp_send_syn(ts);
	tcp_arm_rexmit(ts);
	return -EINPROGRESS;
}

/* What Linux charges a send buffer for each packet buffer beside its
 * payload (the truesize of an empty TCP skb on x86-64). */
#define TCP_SKB_OVERHEAD 1280

/* Bytes a send buffer of q queued payload bytes holds as Linux counts
 * them: the payload plus the overhead of each size-goal chunk. */
static size_t sndbuf_charge(const struct tcp_sock *ts, size_t q)
{
	size_t g = tcp_size_goal(ts);
	return q + (q + g - 1) / g * TCP_SKB_OVERHEAD;
}

/* The payload bytes the send buffer takes before a writer must wait. A
 * buffer the user sized (SO_SNDBUF) is charged as Linux charges it: the
 * tail chunk fills up, and a new one starts while the charge is below the
 * limit, so small buffers hold less payload than their size. */
static size_t sndbuf_room(const struct tcp_sock *ts)
{
	size_t limit = (size_t)ts->sndbuf_limit;
	if (!ts->sndbuf_locked)
		return limit < TCP_SNDBUF_FLOOR ? TCP_SNDBUF_FLOOR : limit;
	size_t g = tcp_size_goal(ts);
	size_t chunks = (ts->sndbuf.len + g - 1) / g;   /* the tail one fills up */
	/* new chunks start while the charge, chunks * (g + overhead), is
	 * below the limit */
	size_t more = (limit + g + TCP_SKB_OVERHEAD - 1) / (g + TCP_SKB_OVERHEAD);
	return (chunks > more ? chunks : more) * g;
}

static int take_error(struct tcp_sock *ts)
{
	int e = ts->error;
	ts->error = 0;
	return e;
}

ssize_t tcp_send(struct vstack *vs, struct tcp_sock *ts, const void *buf, size_t len,
		 int flags)
{
	if (ts->error)
		return -take_error(ts);
	if (ts->shut_wr)
		return -EPIPE;
	switch (ts->state) {
	case VWIRE_TCP_SYN_RECV:
		if (tcp_fastopen_is_passive(ts))
			break;     /* a Fast Open child may send before the ACK */
		return -EAGAIN;
	case VWIRE_TCP_SYN_SENT:
		return -EAGAIN;
	case VWIRE_TCP_ESTABLISHED:
	case VWIRE_TCP_CLOSE_WAIT:
		break;
	default:
		return -EPIPE;
	}
	if (len == 0)
		return 0;
	size_t limit = sndbuf_room(ts);
	/* MSG_MORE: more is coming, so this call neither pushes a partial
	 * segment nor marks PSH (an ACK arriving later may still send it). */
	ts->more_pending = (flags & MSG_MORE) != 0;
	size_t n = 0;
	if (tcp_notsent_lowat(ts) == UINT32_MAX) {
		n = tcp_buf_append(&ts->sndbuf, buf, len, limit);
	} else {
		/* Chunk by chunk, each pushed as filled (tcp_notsent.c). */
		for (;;) {
			size_t room = tcp_notsent_room(ts, len - n);
			size_t put = room ? tcp_buf_append(&ts->sndbuf, (const uint8_t *)buf + n,
							   room, limit) : 0;
			n += put;
			if (!put || n >= len)
				break;
			if (!ts->more_pending)
				ts->psh_seq = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
			tcp_output(ts);
		}
	}
	if (n == 0) {
		ts->more_pending = false;
		return -EAGAIN;
	}
	if (!ts->more_pending)
		ts->psh_seq = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	if ((flags & MSG_EOR) && n == len)
		tcp_eor_mark(ts, ts->snd_buf_seq + (uint32_t)ts->sndbuf.len);
	if (flags & MSG_OOB) {
		ts->snd_up = ts->psh_seq;
		ts->urg_pending = true;
	}
	tcp_output(ts);
	ts->more_pending = false;
	return (ssize_t)n;
}

/* After the reader frees space, tell the peer if the window grew a lot
 * (RFC 9293 receiver SWS avoidance: by a full MSS or half the buffer). */
static void maybe_window_update(struct tcp_sock *ts)
{
	if (ts->state != VWIRE_TCP_ESTABLISHED && ts->state != VWIRE_TCP_FIN_WAIT1 &&
	    ts->state != VWIRE_TCP_FIN_WAIT2)
		return;
	uint32_t cur = ts->rcv_adv - ts->rcv_nxt;
	int space = tcp_win_from_space(ts->vs, ts->rcvbuf_limit - (int)ts->rcvbuf.len);
	if (space > (int)ts->rcv_ssthresh)
		space = (int)ts->rcv_ssthresh;
	if (space <= 0)
		return;
	if ((uint32_t)space >= 2 * cur && (uint32_t)space - cur >= (uint32_t)ts->rcv_mss)
		tcp_send_ack(ts);
}

ssize_t tcp_recv(struct vstack *vs, struct tcp_sock *ts, void *buf, size_t len, int flags)
{
	if (ts->state == VWIRE_TCP_LISTEN)
		return -ENOTCONN;
	size_t skip, avail = ts->rcvbuf.len ? tcp_urg_readable(ts, flags & MSG_PEEK, &skip) : 0;
	if (avail > 0) {
		size_t n = len < avail ? len : avail;
		if (buf && !(flags & MSG_TRUNC))
			tcp_buf_copy(&ts->rcvbuf, skip, buf, n);
		if (!(flags & MSG_PEEK)) {
			tcp_buf_drop(&ts->rcvbuf, n);
			tcp_urg_after_read(ts);
			maybe_window_update(ts);
		}
		return (ssize_t)n;
	}
	if (len == 0)
		return 0;
	if (ts->error)
		return -take_error(ts);
	if (ts->shut_rd || ts->fin_rcvd)
		return 0;
	if (ts->state == VWIRE_TCP_CLOSE)
		return ts->connect_started || ts->rst_rcvd ? 0 : -ENOTCONN;
	return -EAGAIN;
}

int tcp_shutdown(struct vstack *vs, struct tcp_sock *ts, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	switch (ts->state) {
	case VWIRE_TCP_CLOSE:
		return -ENOTCONN;
	case VWIRE_TCP_LISTEN:
		if (how == SHUT_WR)
			return 0;      /* Linux: nothing to do for a listener */
		/* Linux: shutting a listener's read side stops it */
		while (ts->aq_head) {
			struct tcp_sock *c = ts->aq_head;
			tcp_send_rst_for(c);
			ts->aq_head = c->aq_next;
			c->parent = NULL;
			c->in_accept_queue = false;
			c->orphan = true;
			ts->aq_len--;
			tcp_destroy(c);
		}
		ts->aq_tail = NULL;
		tcp_synq_free(ts);     /* half-open requests go too */
		tcp_set_state(ts, VWIRE_TCP_CLOSE);
		ts->shut_rd = true;
		tcp_deliver_wakeup(ts);
		return 0;
	case VWIRE_TCP_SYN_SENT:
		/* Linux disconnects: back to CLOSED, ready for a new connect() */
		tcp_set_state(ts, VWIRE_TCP_CLOSE);
		tcp_timers_cancel_all(ts);
		ts->connect_started = false;
		tcp_deliver_wakeup(ts);
		return 0;
	default:
		break;
	}
	if (how != SHUT_WR)
		ts->shut_rd = true;
	if (how != SHUT_RD && !ts->fin_queued) {
		ts->shut_wr = true;
		if (ts->state == VWIRE_TCP_ESTABLISHED || ts->state == VWIRE_TCP_SYN_RECV)
			tcp_set_state(ts, VWIRE_TCP_FIN_WAIT1);
		else if (ts->state == VWIRE_TCP_CLOSE_WAIT)
			tcp_set_state(ts, VWIRE_TCP_LAST_ACK);
		else
			return 0;
		ts->fin_queued = true;
		ts->fin_seq = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
		tcp_output(ts);
	}
	tcp_deliver_wakeup(ts);
	return 0;
}

static bool writable(const struct tcp_sock *ts)
{
	if (ts->sndbuf_locked) {
		/* Linux's sk_stream_is_writeable: a third of the buffer free */
		if (sndbuf_charge(ts, ts->sndbuf.len) > (size_t)ts->sndbuf_limit * 2 / 3)
			return false;
	} else if (ts->sndbuf.len > sndbuf_room(ts) * 2 / 3) {
		return false;
	}
	return tcp_notsent_writable(ts);
}

unsigned tcp_poll(struct vstack *vs, struct tcp_sock *ts)
{
	unsigned mask = 0;
	if (ts->state == VWIRE_TCP_LISTEN)
		return ts->aq_head ? (POLLIN | POLLRDNORM) : 0;
	bool both = ts->shut_rd && ts->shut_wr;
	if (both || ts->state == VWIRE_TCP_CLOSE)
		mask |= POLLHUP;
	if (ts->shut_rd || ts->fin_rcvd)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (ts->state != VWIRE_TCP_SYN_SENT &&
	    (ts->state != VWIRE_TCP_SYN_RECV || tcp_fastopen_is_passive(ts))) {
		/* The urgent octet alone at the read point is not in-band data. */
		size_t inband = ts->rcvbuf.len;
		if (inband && tcp_urg_at_head(ts) && !ts->oobinline)
			inband--;
		if (inband > 0)
			mask |= POLLIN | POLLRDNORM;
		if (tcp_urgent_pending(ts))
			mask |= POLLPRI;
		if (!ts->shut_wr) {
			if (writable(ts))
				mask |= POLLOUT | POLLWRNORM;
		} else {
			mask |= POLLOUT | POLLWRNORM;
		}
	}
	if (ts->error)
		mask |= POLLERR;
	return mask | tcp_fastopen_poll(ts);
}

int tcp_sock_error(struct vstack *vs, struct tcp_sock *ts, bool clear)
{
	int e = ts->error ? ts->error : 0;
	if (clear)
		ts->error = 0;
	return e;
}

int tcp_inq(struct vstack *vs, struct tcp_sock *ts)
{
	if (ts->state == VWIRE_TCP_LISTEN)
		return -EINVAL;
	return (int)ts->rcvbuf.len;
}

int tcp_inq_hint(struct vstack *vs, struct tcp_sock *ts)
{
	if (ts->rcvbuf.len == 0 && (ts->fin_rcvd || ts->state == VWIRE_TCP_CLOSE))
		return 1;
	return (int)ts->rcvbuf.len;
}

int tcp_outq(struct vstack *vs, struct tcp_sock *ts)
{
	if (ts->state == VWIRE_TCP_LISTEN)
		return -EINVAL;
	return (int)ts->sndbuf.len;
}

int tcp_local_name(struct tcp_sock *ts, struct vs_addr *addr, uint16_t *port)
{
	*addr = ts->laddr;
	*port = ts->lport;
	return 0;
}

int tcp_peer_name(struct tcp_sock *ts, struct vs_addr *addr, uint16_t *port)
{
	if (ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_LISTEN ||
	    ts->state == VWIRE_TCP_SYN_SENT)
		return -ENOTCONN;
	*addr = ts->raddr;
	*port = ts->rport;
	return 0;
}

int tcp_state(const struct tcp_sock *ts) { return ts->state; }

void tcp_set_fd(struct tcp_sock *ts, int fd) { ts->fd = fd; }

uint32_t tcp_write_seq(const struct tcp_sock *ts)
{
	return ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
}

uint32_t tcp_snd_max(const struct tcp_sock *ts) { return ts->snd_max; }

/* ------------------------------------------------------------ options */

static int get_int(const void *val, unsigned len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int sol_socket_set(struct tcp_sock *ts, int name, const void *val, unsigned len)
{
	struct vstack *vs = ts->vs;
	int v;
	if (name == SO_LINGER) {
		struct linger l;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		ts->linger_on = l.l_onoff != 0;
		ts->linger_secs = l.l_linger;
		return 0;
	}
	int err = get_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case SO_REUSEADDR: ts->reuseaddr = v != 0; return 0;
	case SO_REUSEPORT: ts->reuseport = v != 0; return 0;
	case SO_KEEPALIVE:
		ts->keepalive_on = v != 0;
		tcp_arm_keepalive(ts);
		return 0;
	case SO_RCVBUF: {
		long b = v < 0 ? 0 : v;
		if (b > vs->knobs.rmem_max)
			b = vs->knobs.rmem_max;
		b *= 2;
		ts->rcvbuf_limit = b < SOCK_MIN_RCVBUF ? SOCK_MIN_RCVBUF : (int)b;
		ts->rcvbuf_locked = true;
		return 0;
	}
	case SO_SNDBUF: {
		long b = v < 0 ? 0 : v;
		if (b > vs->knobs.wmem_max)
			b = vs->knobs.wmem_max;
		b *= 2;
		ts->sndbuf_limit = b < SOCK_MIN_SNDBUF ? SOCK_MIN_SNDBUF : (int)b;
		ts->sndbuf_locked = true;
		tcp_deliver_wakeup(ts);
		return 0;
	}
	case SO_OOBINLINE: ts->oobinline = v != 0; return 0;
	case SO_DEBUG: case SO_DONTROUTE: case SO_BROADCAST:
	case SO_PRIORITY: case SO_RCVLOWAT: case SO_TIMESTAMP: case SO_MARK:
	case SO_ZEROCOPY: case SO_BUSY_POLL:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int tcp_level_set(struct tcp_sock *ts, int name, const void *val, unsigned len)
{
	struct vstack *vs = ts->vs;
	if (name == TCP_CONGESTION) {
		char n[16] = { 0 };
		memcpy(n, val, len < sizeof(n) - 1 ? len : sizeof(n) - 1);
		if (strcmp(n, "reno") && strcmp(n, "cubic") && strcmp(n, vs->knobs.tcp_congestion_control))
			return -ENOENT;
		snprintf(ts->cong_name, sizeof(ts->cong_name), "%s", n);
		return 0;
	}
	if (name == TCP_MD5SIG || name == TCP_MD5SIG_EXT)
		return tcp_md5_setsockopt(ts, name, val, len);
	if (name == TCP_FASTOPEN || name == TCP_FASTOPEN_CONNECT ||
	    name == TCP_FASTOPEN_NO_COOKIE || name == TCP_FASTOPEN_KEY)
		return tcp_fastopen_setsockopt(ts, name, val, len);
	int v, err = get_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		ts->nodelay = v != 0;
		if (v) {
			ts->push_once = true;
			tcp_output(ts);
		}
		return 0;
	case TCP_CORK:
		ts->cork = v != 0;
		if (!v) {
			ts->push_once = true;
			tcp_output(ts);
		}
		return 0;
	case TCP_MAXSEG:
		if (v && (v < TCP_MIN_MSS || v > 65535))
			return -EINVAL;
		ts->user_mss = (uint16_t)v;
		return 0;
	case TCP_KEEPIDLE:
		if (v < 1 || v > MAX_TCP_KEEPIDLE)
			return -EINVAL;
		ts->keepidle = v;
		tcp_arm_keepalive(ts);
		return 0;
	case TCP_KEEPINTVL:
		if (v < 1 || v > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		ts->keepintvl = v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > MAX_TCP_KEEPCNT)
			return -EINVAL;
		ts->keepcnt = v;
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > 255)
			return -EINVAL;
		ts->syncnt = v;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		ts->user_timeout_ms = v;
		return 0;
	case TCP_QUICKACK:
		if (v) {
			ts->pingpong = false;
			ts->quick = TCP_MAX_QUICKACKS;
			if (vs_timer_armed(&ts->delack_timer))
				tcp_send_ack(ts);
		} else {
			ts->pingpong = true;
		}
		return 0;
	case TCP_NOTSENT_LOWAT:
		ts->notsent_lowat = v;
		tcp_deliver_wakeup(ts);
		return 0;
	case TCP_INQ:
		if (v < 0 || v > 1)
			return -EINVAL;
		ts->inq_opt = v;
		return 0;
	case TCP_WINDOW_CLAMP:
		if (v < 0)
			return -EINVAL;
		ts->window_clamp = v;
		return 0;
	case TCP_LINGER2: case TCP_DEFER_ACCEPT: case TCP_THIN_LINEAR_TIMEOUTS:
	case TCP_SAVE_SYN: case TCP_TX_DELAY:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int tcp_setsockopt(struct vstack *vs, struct tcp_sock *ts, int level, int name,
		   const void *val, unsigned len)
{
	if (level == SOL_SOCKET)
		return sol_socket_set(ts, name, val, len);
	if (level == IPPROTO_TCP)
		return tcp_level_set(ts, name, val, len);
	if (level == IPPROTO_IP || level == IPPROTO_IPV6) {
		int v;
		if (get_int(val, len, &v))
			return -EINVAL;
		if ((level == IPPROTO_IP && name == IP_TOS) ||
		    (level == IPPROTO_IPV6 && name == IPV6_TCLASS))
			ts->tos = v & 0xff;
		else if (level == IPPROTO_IP && name == IP_TTL)
			ts->ttl = v;
		return 0;
	}
	return -ENOPROTOOPT;
}

static int put_int(void *val, unsigned *len, int v)
{
	unsigned n = *len < sizeof(int) ? *len : sizeof(int);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

void tcp_fill_info(struct tcp_sock *ts, struct tcp_info *ti)
{
	int64_t now = vs_now(ts->vs);
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = (uint8_t)ts->state;
	ti->tcpi_ca_state = ts->in_recovery ? 3 /* TCP_CA_Recovery */ :
		(ts->retransmits ? 4 /* TCP_CA_Loss */ : 0);
	ti->tcpi_retransmits = (uint8_t)ts->retransmits;
	ti->tcpi_probes = (uint8_t)ts->probes;
	ti->tcpi_backoff = (uint8_t)ts->backoff;
	if (ts->ts_ok)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (ts->sack_ok)
		ti->tcpi_options |= TCPI_OPT_SACK;
	if (ts->tfo.syn_data_acked)
		ti->tcpi_options |= TCPI_OPT_SYN_DATA_BIT;
	if (ts->ws_ok) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = ts->snd_wscale & 0xf;
		ti->tcpi_rcv_wscale = ts->rcv_wscale & 0xf;
	}
	ti->tcpi_rto = (uint32_t)tcp_rto_us(ts);
	ti->tcpi_ato = (uint32_t)ts->ato_us;
	ti->tcpi_snd_mss = (uint32_t)ts->mss_cache;
	ti->tcpi_rcv_mss = (uint32_t)ts->rcv_mss;
	if (ts->state != VWIRE_TCP_LISTEN) {
		int mss = ts->mss_cache > 0 ? ts->mss_cache : 1;
		ti->tcpi_unacked = (tcp_flight_size(ts) + mss - 1) / mss;
	} else {
		ti->tcpi_unacked = (uint32_t)ts->aq_len;
		ti->tcpi_sacked = (uint32_t)ts->backlog;
	}
	ti->tcpi_lost = ts->lost_out;
	ti->tcpi_retrans = ts->retrans_out;
	ti->tcpi_last_data_sent = (uint32_t)((now - ts->last_data_sent) / 1000);
	ti->tcpi_last_data_recv = (uint32_t)((now - ts->last_data_recv) / 1000);
	ti->tcpi_last_ack_recv = (uint32_t)((now - ts->last_ack_recv_time) / 1000);
	ti->tcpi_pmtu = (uint32_t)(ts->pmtu ? ts->pmtu : ts->vs->mtu);
	ti->tcpi_rcv_ssthresh = ts->rcv_ssthresh;
	ti->tcpi_rtt = (uint32_t)ts->rto.srtt_us;
	ti->tcpi_rttvar = (uint32_t)ts->rto.rttvar_us;
	ti->tcpi_snd_ssthresh = ts->ssthresh;
	ti->tcpi_snd_cwnd = ts->cwnd;
	ti->tcpi_advmss = ts->advmss;
	ti->tcpi_reordering = (uint32_t)ts->vs->knobs.tcp_reordering;
	ti->tcpi_rcv_space = (uint32_t)tcp_win_from_space(ts->vs, ts->rcvbuf_limit);
	ti->tcpi_total_retrans = ts->total_retrans;
	if (ts->rto.srtt_us > 0)
		ti->tcpi_pacing_rate = (uint64_t)ts->cwnd * (uint64_t)ts->mss_cache * 2000000ULL /
			(uint64_t)ts->rto.srtt_us;
	ti->tcpi_max_pacing_rate = UINT64_MAX;
	ti->tcpi_bytes_acked = ts->bytes_acked;
	ti->tcpi_bytes_received = ts->bytes_received;
	ti->tcpi_segs_out = ts->segs_out;
	ti->tcpi_segs_in = ts->segs_in;
	uint32_t end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	ti->tcpi_notsent_bytes = seq_gt(end, ts->snd_nxt) ? end - ts->snd_nxt : 0;
	ti->tcpi_min_rtt = ts->rto.have_sample ? (uint32_t)ts->rto.min_rtt_us : UINT32_MAX;
	ti->tcpi_data_segs_in = ts->data_segs_in;
	ti->tcpi_data_segs_out = ts->data_segs_out;
	ti->tcpi_delivered = ts->delivered;
	ti->tcpi_bytes_sent = ts->bytes_sent;
	ti->tcpi_bytes_retrans = ts->bytes_retrans;
	ti->tcpi_snd_wnd = ts->snd_wnd;
	tcp_info_fill_recovery(ts, ti);   /* recovery counters (tcp_recovery.c) */
}

static int sol_socket_get(struct tcp_sock *ts, int name, void *val, unsigned *len)
{
	switch (name) {
	case SO_LINGER: {
		struct linger l = { ts->linger_on, ts->linger_secs };
		unsigned n = *len < sizeof(l) ? *len : sizeof(l);
		memcpy(val, &l, n);
		*len = n;
		return 0;
	}
	case SO_REUSEADDR: return put_int(val, len, ts->reuseaddr);
	case SO_REUSEPORT: return put_int(val, len, ts->reuseport);
	case SO_KEEPALIVE: return put_int(val, len, ts->keepalive_on);
	case SO_RCVBUF: return put_int(val, len, ts->rcvbuf_limit);
	case SO_SNDBUF: return put_int(val, len, ts->sndbuf_limit);
	case SO_ERROR: return put_int(val, len, take_error(ts));
	case SO_TYPE: return put_int(val, len, SOCK_STREAM);
	case SO_PROTOCOL: return put_int(val, len, IPPROTO_TCP);
	case SO_DOMAIN: return put_int(val, len, ts->family);
	case SO_ACCEPTCONN: return put_int(val, len, ts->state == VWIRE_TCP_LISTEN);
	default: return -ENOPROTOOPT;
	}
}

static int tcp_level_get(struct tcp_sock *ts, int name, void *val, unsigned *len)
{
	switch (name) {
	case TCP_INFO: {
		struct tcp_info ti;
		tcp_fill_info(ts, &ti);
		unsigned n = *len < sizeof(ti) ? *len : sizeof(ti);
		memcpy(val, &ti, n);
		*len = n;
		return 0;
	}
	case TCP_CONGESTION: {
		unsigned n = *len < sizeof(ts->cong_name) ? *len : sizeof(ts->cong_name);
		memset(val, 0, n);
		memcpy(val, ts->cong_name, n < strlen(ts->cong_name) ? n : strlen(ts->cong_name));
		*len = n;
		return 0;
	}
	case TCP_NODELAY: return put_int(val, len, ts->nodelay);
	case TCP_CORK: return put_int(val, len, ts->cork);
	case TCP_MAXSEG: {
		int v = ts->mss_cache;
		if (ts->user_mss && (ts->state == VWIRE_TCP_CLOSE || ts->state == VWIRE_TCP_LISTEN))
			v = ts->user_mss;
		return put_int(val, len, v);
	}
	case TCP_KEEPIDLE: return put_int(val, len, ts->keepidle);
	case TCP_KEEPINTVL: return put_int(val, len, ts->keepintvl);
	case TCP_KEEPCNT: return put_int(val, len, ts->keepcnt);
	case TCP_SYNCNT: return put_int(val, len, ts->syncnt ? ts->syncnt : ts->vs->knobs.tcp_syn_retries);
	case TCP_USER_TIMEOUT: return put_int(val, len, ts->user_timeout_ms);
	case TCP_QUICKACK: return put_int(val, len, !ts->pingpong);
	case TCP_NOTSENT_LOWAT: return put_int(val, len, ts->notsent_lowat);
	case TCP_INQ: return put_int(val, len, ts->inq_opt);
	case TCP_WINDOW_CLAMP: return put_int(val, len, ts->window_clamp);
	case TCP_FASTOPEN: case TCP_FASTOPEN_CONNECT: case TCP_FASTOPEN_NO_COOKIE:
	case TCP_FASTOPEN_KEY:
		return tcp_fastopen_getsockopt(ts, name, val, len);
	default: return -ENOPROTOOPT;
	}
}

int tcp_getsockopt(struct vstack *vs, struct tcp_sock *ts, int level, int name,
		   void *val, unsigned *len)
{
	if ((int)*len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET)
		return sol_socket_get(ts, name, val, len);
	if (level == IPPROTO_TCP)
		return tcp_level_get(ts, name, val, len);
	if (level == IPPROTO_IP && name == IP_TOS)
		return put_int(val, len, ts->tos);
	if (level == IPPROTO_IPV6 && name == IPV6_TCLASS)
		return put_int(val, len, ts->tos);
	if (level == IPPROTO_IP && name == IP_TTL)
		return put_int(val, len, ts->ttl ? ts->ttl : vs->knobs.ip_default_ttl);
	return -ENOPROTOOPT;
}

/* Our MSS option, window and window scale for a SYN or SYN-ACK, computed
 * from the receive buffer as Linux does (tcp_select_initial_window):
 * round_mss is the payload size the initial window is a multiple of. */
void tcp_init_rcv_window(struct tcp_sock *ts, int round_mss)
{
	struct vstack *vs = ts->vs;
	int adv = vs_iface_mss(vs, ts->raddr.family ? ts->raddr.family : ts->family);
	if (ts->user_mss && ts->user_mss < adv)
		adv = ts->user_mss;
	ts->advmss = (uint16_t)adv;
	if (round_mss <= 0)
		round_mss = adv;
	int full = tcp_win_from_space(vs, ts->rcvbuf_limit);
	int space = full;
	if (ts->window_clamp > 0 && space > ts->window_clamp)
		space = ts->window_clamp;
	if (space > round_mss)
		space = space / round_mss * round_mss;
	ts->rcv_wnd = (uint32_t)(space > 65535 ? 65535 : space);
	ts->rcv_ssthresh = ts->rcv_wnd;
	ts->rcv_wscale = 0;
	if (ts->ws_ok) {
		long max = ts->rcvbuf_locked ? full :
			(vs->knobs.tcp_rmem[2] > vs->knobs.rmem_max ? vs->knobs.tcp_rmem[2] :
			 vs->knobs.rmem_max);
		if (max < full)
			max = full;
		if (ts->window_clamp > 0 && max > ts->window_clamp)
			max = ts->window_clamp;
		while (max > (65535L << ts->rcv_wscale) && ts->rcv_wscale < 14)
			ts->rcv_wscale++;
	}
	ts->ato_us = 0; /* no data yet: the first segment starts quick-ack mode */
}
