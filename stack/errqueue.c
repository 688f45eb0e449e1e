/* The socket error queue (Linux's sk_error_queue): reports queued by
 * MSG_ZEROCOPY completions and SO_TIMESTAMPING, read with
 * recvmsg(MSG_ERRQUEUE) as Linux's ip_recv_error/ipv6_recv_error write
 * them: an optional SCM_TIMESTAMPING, then IP_RECVERR (IPV6_RECVERR on an
 * AF_INET6 socket) carrying struct sock_extended_err and the offender's
 * address. Also the control-message writer every recvmsg uses. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/net_tstamp.h>

#include "host_internal.h"

struct vs_errq_entry {
	struct vs_errq_entry *next;
	struct sock_extended_err ee;
	int64_t stamp_us;     /* < 0: no timestamp */
	struct vs_errq_addrs addrs; /* ICMP: who complained, about what */
	bool has_addrs;
	size_t len;
	uint8_t data[];       /* the packet bytes the report carries */
};

/* Linux's struct scm_timestamping: software, (legacy), hardware. */
struct vs_scm_timestamping {
	struct timespec ts[3];
};

/* ------------------------------------------------------------ cmsgs */

void vs_cmsg_begin(struct vs_cmsg_writer *w, struct msghdr *msg)
{
	w->msg = msg;
	w->used = 0;
	w->room = msg->msg_control ? msg->msg_controllen : 0;
}

void vs_cmsg_put(struct vs_cmsg_writer *w, int level, int type,
		 const void *data, size_t len)
{
	size_t left = w->room - w->used;
	if (left < sizeof(struct cmsghdr)) {
		w->msg->msg_flags |= MSG_CTRUNC;
		return;
	}
	size_t cmlen = CMSG_LEN(len);
	if (left < cmlen) {
		w->msg->msg_flags |= MSG_CTRUNC;
		cmlen = left;
	}
	struct cmsghdr h = { .cmsg_len = cmlen, .cmsg_level = level, .cmsg_type = type };
	uint8_t *at = (uint8_t *)w->msg->msg_control + w->used;
	memcpy(at, &h, sizeof(h));
	memcpy(at + CMSG_LEN(0), data, cmlen - CMSG_LEN(0));
	size_t step = CMSG_SPACE(len);
	w->used += step < left ? step : left;
}

void vs_cmsg_end(struct vs_cmsg_writer *w)
{
	w->msg->msg_controllen = w->used;
}

/* ------------------------------------------------------------ the queue */

struct vs_sockext *vs_sockext_get(struct vs_socket *s)
{
	if (!s->ext)
		s->ext = calloc(1, sizeof(*s->ext));
	return s->ext;
}

void vs_sockext_inherit(struct vs_socket *child, const struct vs_socket *parent)
{
	const struct vs_sockext *px = parent->ext;
	if (!px || !vs_sockext_get(child))
		return;
	child->ext->recverr = px->recverr;
	child->ext->zerocopy = px->zerocopy;
	/* OPT_ID cannot be set on a listener, so only the flags carry over. */
	child->ext->tsflags = px->tsflags;
}

void vs_sockext_free(struct vs_sockext *x)
{
	if (!x)
		return;
	while (x->eq_head) {
		struct vs_errq_entry *e = x->eq_head;
		x->eq_head = e->next;
		free(e);
	}
	free(x->zc);
	vs_ts_free(x);
	free(x);
}

int vs_errq_push(struct vstack *vs, struct vs_sockext *x,
		 const struct sock_extended_err *ee, int64_t stamp_us,
		 const uint8_t *data, size_t len)
{
	return vs_errq_push_icmp(vs, x, ee, NULL, data, len, stamp_us);
}

int vs_errq_push_icmp(struct vstack *vs, struct vs_sockext *x,
		      const struct sock_extended_err *ee,
		      const struct vs_errq_addrs *addrs, const uint8_t *data,
		      size_t len, int64_t stamp_us)
{
	struct vs_errq_entry *e = malloc(sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->ee = *ee;
	e->stamp_us = stamp_us;
	e->has_addrs = addrs != NULL;
	if (addrs)
		e->addrs = *addrs;
	e->len = len;
	if (len)
		memcpy(e->data, data, len);
	if (x->eq_tail)
		x->eq_tail->next = e;
	else
		x->eq_head = e;
	x->eq_tail = e;
	x->eq_gen++;
	vs_wakeup(vs); /* sk_error_report: POLLERR */
	return 0;
}

/* The tail report, if a zerocopy one (zerocopy.c extends its range). */
struct sock_extended_err *vs_errq_tail_zerocopy(struct vs_sockext *x)
{
	if (!x->eq_tail || x->eq_tail->ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY)
		return NULL;
	return &x->eq_tail->ee;
}

void vs_errq_touched(struct vstack *vs, struct vs_sockext *x)
{
	x->eq_gen++;
	vs_wakeup(vs);
}

bool vs_errq_pending(const struct vs_socket *s)
{
	return s->ext && s->ext->eq_head;
}

uint64_t vs_errq_gen(const struct vs_socket *s)
{
	return s->ext ? s->ext->eq_gen : 0;
}

ssize_t vs_errq_recv(struct vstack *vs, struct vs_socket *s, struct msghdr *msg,
		     size_t total)
{
	(void)vs;
	struct vs_sockext *x = s->ext;
	struct vs_errq_entry *e = x ? x->eq_head : NULL;
	if (!e)
		return -EAGAIN;
	x->eq_head = e->next;
	if (!x->eq_head)
		x->eq_tail = NULL;

	size_t copied = e->len;
	if (copied > total) {
		msg->msg_flags |= MSG_TRUNC;
		copied = total;
	}
	size_t off = 0;
	for (size_t i = 0; i < msg->msg_iovlen && off < copied; i++) {
		size_t k = msg->msg_iov[i].iov_len;
		if (k > copied - off)
			k = copied - off;
		memcpy(msg->msg_iov[i].iov_base, e->data + off, k);
		off += k;
	}

	struct vs_cmsg_writer w;
	vs_cmsg_begin(&w, msg);
	if (e->stamp_us >= 0 && (x->tsflags & SOF_TIMESTAMPING_SOFTWARE)) {
		struct vs_scm_timestamping tss;
		memset(&tss, 0, sizeof(tss));
		tss.ts[0].tv_sec = (time_t)(e->stamp_us / 1000000);
		tss.ts[0].tv_nsec = (long)(e->stamp_us % 1000000) * 1000;
		vs_cmsg_put(&w, SOL_SOCKET, SO_TIMESTAMPING_OLD, &tss, sizeof(tss));
	}
	/* For ICMP the offender is the complaining router and msg_name the
	 * quoted packet's destination; for the other origins Linux leaves
	 * the offender AF_UNSPEC (all zero) and the name unset. */
	struct vs_addr none = { 0 };
	const struct vs_addr *offender = e->has_addrs ? &e->addrs.offender : &none;
	if (s->family == AF_INET6) {
		struct { struct sock_extended_err ee; struct sockaddr_in6 off; } h;
		memset(&h, 0, sizeof(h));
		h.ee = e->ee;
		if (e->has_addrs) {
			socklen_t l = sizeof(h.off);
			vs_sockaddr_out(s, offender, 0, (struct sockaddr *)&h.off, &l);
		}
		vs_cmsg_put(&w, SOL_IPV6, IPV6_RECVERR, &h, sizeof(h));
	} else {
		struct { struct sock_extended_err ee; struct sockaddr_in off; } h;
		memset(&h, 0, sizeof(h));
		h.ee = e->ee;
		if (e->has_addrs) {
			socklen_t l = sizeof(h.off);
			vs_sockaddr_out(s, offender, 0, (struct sockaddr *)&h.off, &l);
		}
		vs_cmsg_put(&w, SOL_IP, IP_RECVERR, &h, sizeof(h));
	}
	if (e->has_addrs && msg->msg_name) {
		socklen_t l = msg->msg_namelen;
		vs_sockaddr_out(s, &e->addrs.dest, e->addrs.dest_port,
				msg->msg_name, &l);
		msg->msg_namelen = l;
	} else if (msg->msg_name) {
		msg->msg_namelen = 0;
	}
	vs_cmsg_end(&w);
	msg->msg_flags |= MSG_ERRQUEUE;
	free(e);
	return (ssize_t)copied;
}

/* ------------------------------------------------------------ engine hooks */

static struct vs_sockext *ext_of(struct vstack *vs, int fd)
{
	if (fd < 0)
		return NULL;
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f || f->kind != VS_FILE_SOCKET)
		return NULL;
	return f->u.sock.ext;
}

void vs_sock_transmitted(struct vstack *vs, int fd, uint32_t seq,
			 const uint8_t *payload, uint32_t len)
{
	struct vs_sockext *x = ext_of(vs, fd);
	if (x && x->n_marks)
		vs_ts_transmitted(vs, x, seq, payload, len);
}

void vs_sock_acked(struct vstack *vs, int fd, uint32_t snd_una)
{
	struct vs_sockext *x = ext_of(vs, fd);
	if (!x)
		return;
	if (x->zc_n)
		vs_zc_acked(vs, x, snd_una);
	if (x->n_marks)
		vs_ts_acked(vs, x, snd_una);
}
