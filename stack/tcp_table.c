/* The connection table: every TCB of the instance (listeners, embryonic,
 * established, closing, TIME-WAIT), lookup by 4-tuple, ports, and the
 * listeners' SYN and accept queues. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

struct tcp_table *tcp_table_new(struct vstack *vs)
{
	struct tcp_table *t = calloc(1, sizeof(*t));
	if (t)
		t->next_ephemeral = (uint16_t)vs->knobs.ip_local_port_range[0];
	return t;
}

void tcp_table_free(struct vstack *vs, struct tcp_table *t)
{
	if (!t)
		return;
	vs->tcp = t;
	while (t->head)
		tcp_destroy(t->head);
	tcp_tw_free_all(vs);
	tcp_table_hash_free(t);
	free(t);
	vs->tcp = NULL;
}

bool vs_addr_eq(const struct vs_addr *a, const struct vs_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
}

bool vs_addr_any(const struct vs_addr *a)
{
	if (a->family == AF_INET)
		return a->u.v4.s_addr == INADDR_ANY;
	if (a->family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
	return true;
}

void tcp_table_link(struct vstack *vs, struct tcp_sock *ts)
{
	struct tcp_table *t = vs->tcp;
	ts->link_seq = t->next_link_seq++;
	ts->prev = NULL;
	ts->next = t->head;
	if (t->head)
		t->head->prev = ts;
	t->head = ts;
	t->count++;
}

void tcp_table_unlink(struct vstack *vs, struct tcp_sock *ts)
{
	struct tcp_table *t = vs->tcp;
	tcp_table_unhash(vs, ts);
	if (ts->prev)
		ts->prev->next = ts->next;
	else if (t->head == ts)
		t->head = ts->next;
	else
		return; /* not linked */
	if (ts->next)
		ts->next->prev = ts->prev;
	ts->next = ts->prev = NULL;
	t->count--;
}

static bool port_conflict(struct vstack *vs, const struct tcp_sock *me,
			  const struct vs_addr *addr, uint16_t port)
{
	for (struct tcp_sock *ts = tcp_table_bound_on(vs, port); ts; ts = ts->bhash_next) {
		if (ts == me || !ts->bound || ts->lport != port)
			continue;
		if (!vs_addr_any(addr) && !vs_addr_any(&ts->laddr) &&
		    !vs_addr_eq(addr, &ts->laddr))
			continue;
		if (me->reuseport && ts->reuseport)
			continue;
		if (me->reuseaddr && ts->reuseaddr && ts->state != VWIRE_TCP_LISTEN)
			continue;
		if (me->reuseaddr && ts->state == VWIRE_TCP_TIME_WAIT)
			continue;
		return true;
	}
	return tcp_tw_port_conflict(vs, me, addr, port);
}

int tcp_table_pick_port(struct vstack *vs, struct tcp_sock *ts)
{
	struct tcp_table *t = vs->tcp;
	int lo = vs->knobs.ip_local_port_range[0], hi = vs->knobs.ip_local_port_range[1];
	if (lo <= 0 || hi < lo) {
		lo = 32768;
		hi = 60999;
	}
	int span = hi - lo + 1;
	for (int i = 0; i < span; i++) {
		int p = t->next_ephemeral;
		if (p < lo || p > hi)
			p = lo;
		t->next_ephemeral = (uint16_t)(p + 1 > hi ? lo : p + 1);
		if (!port_conflict(vs, ts, &ts->laddr, (uint16_t)p)) {
			ts->lport = (uint16_t)p;
			ts->bound = true;
			tcp_table_bind_hash(vs, ts);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

int tcp_bind(struct vstack *vs, struct tcp_sock *ts, const struct vs_addr *addr,
	     uint16_t port)
{
	if (ts->bound || ts->state != VWIRE_TCP_CLOSE)
		return -EINVAL;
	if (port && port_conflict(vs, ts, addr, port))
		return -EADDRINUSE;
	ts->laddr = *addr;
	if (!port)
		return tcp_table_pick_port(vs, ts);
	ts->lport = port;
	ts->bound = true;
	tcp_table_bind_hash(vs, ts);
	return 0;
}

int tcp_listen(struct vstack *vs, struct tcp_sock *ts, int backlog)
{
	if (ts->state != VWIRE_TCP_CLOSE && ts->state != VWIRE_TCP_LISTEN)
		return -EINVAL;
	if (ts->connect_started)
		return -EINVAL;
	if (backlog < 0 || backlog > vs->knobs.somaxconn)
		backlog = vs->knobs.somaxconn;
	ts->backlog = backlog;
	tcp_fastopen_on_listen(ts, backlog);
	if (ts->state == VWIRE_TCP_LISTEN)
		return 0;
	if (!ts->bound) {
		int err = tcp_table_pick_port(vs, ts);
		if (err)
			return err;
	} else {
		for (struct tcp_sock *o = vs->tcp->listen[ts->lport % TCP_LISTEN_BUCKETS]; o;
		     o = o->hash_next)
			if (o != ts && o->state == VWIRE_TCP_LISTEN && o->lport == ts->lport &&
			    !(o->reuseport && ts->reuseport) &&
			    (vs_addr_any(&o->laddr) || vs_addr_any(&ts->laddr) ||
			     vs_addr_eq(&o->laddr, &ts->laddr)))
				return -EADDRINUSE;
	}
	ts->ever_listened = true;
	tcp_set_state(ts, VWIRE_TCP_LISTEN);
	return 0;
}

struct tcp_sock *tcp_accept(struct vstack *vs, struct tcp_sock *ts, int *err)
{
	if (ts->state != VWIRE_TCP_LISTEN) {
		*err = -EINVAL;
		return NULL;
	}
	struct tcp_sock *c = ts->aq_head;
	if (!c) {
		*err = -EAGAIN;
		return NULL;
	}
	ts->aq_head = c->aq_next;
	if (!ts->aq_head)
		ts->aq_tail = NULL;
	ts->aq_len--;
	c->aq_next = NULL;
	c->parent = NULL;
	c->in_accept_queue = false;
	*err = 0;
	return c;
}

static void copy_addr(uint8_t *out, const struct vs_addr *a)
{
	if (a->family == AF_INET)
		memcpy(out, &a->u.v4, 4);
	else if (a->family == AF_INET6)
		memcpy(out, &a->u.v6, 16);
}

void tcp_conn_describe_tuple(struct vwire_conn *c, const struct vs_addr *laddr, uint16_t lport,
			     const struct vs_addr *raddr, uint16_t rport)
{
	memset(c, 0, sizeof(*c));
	copy_addr(c->local_addr, laddr);
	copy_addr(c->remote_addr, raddr);
	c->local_port = lport;
	c->remote_port = rport;
}

static void fill_conn(const struct tcp_sock *ts, struct vwire_conn *c)
{
	tcp_conn_describe_tuple(c, &ts->laddr, ts->lport, &ts->raddr, ts->rport);
	c->fd = ts->fd;
	c->family = ts->laddr.family ? ts->laddr.family : ts->family;
	c->state = ts->state;
}

void tcp_conn_describe(const struct tcp_sock *ts, struct vwire_conn *c)
{
	fill_conn(ts, c);
}

int tcp_list_connections(struct vstack *vs, struct vwire_conn *out, int max)
{
	/* TIME-WAIT entries first: they were, as the newest TCBs, before
	 * tcp_timewait.c compacted them. */
	int n = tcp_tw_list(vs, out, 0, max);
	for (struct tcp_sock *ts = vs->tcp->head; ts; ts = ts->next) {
		if (ts->state == VWIRE_TCP_CLOSE && !ts->bound)
			continue;
		if (n < max)
			fill_conn(ts, &out[n]);
		n++;
		if (ts->state == VWIRE_TCP_LISTEN)
			n = tcp_synq_list(ts, out, n, max); /* its half-open requests */
	}
	return n;
}
