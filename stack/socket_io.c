/* Data calls: the read and write families, on sockets and pipes, with
 * Linux's blocking, flag and error semantics. All of them funnel into
 * vs_sys_recvmsg / vs_sys_sendmsg. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

#define VS_IOV_MAX 1024

static int iov_total(const struct iovec *iov, size_t n, size_t *total)
{
	if (n > VS_IOV_MAX)
		return -EMSGSIZE;
	if (n && !iov)
		return -EFAULT;
	size_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if ((ssize_t)iov[i].iov_len < 0 || sum + iov[i].iov_len > SSIZE_MAX)
			return -EINVAL;
		if (!iov[i].iov_base && iov[i].iov_len)
			return -EFAULT;
		sum += iov[i].iov_len;
	}
	*total = sum;
	return 0;
}

static void scatter(const struct iovec *iov, size_t n, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < n && len; i++) {
		size_t k = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(iov[i].iov_base, src, k);
		src += k;
		len -= k;
	}
}

static void gather(const struct iovec *iov, size_t n, uint8_t *dst)
{
	for (size_t i = 0; i < n; i++) {
		if (iov[i].iov_len)
			memcpy(dst, iov[i].iov_base, iov[i].iov_len);
		dst += iov[i].iov_len;
	}
}

/* TCP_INQ's control message: bytes left to read, or 1 once the peer has
 * closed and nothing is left (so the reader knows a read will see EOF). */
static void put_inq_cmsg(struct vstack *vs, struct tcp_sock *ts, struct msghdr *msg,
			 size_t room)
{
	int on = 0;
	unsigned olen = sizeof(on);
	if (tcp_getsockopt(vs, ts, SOL_TCP, TCP_INQ, &on, &olen) || !on)
		return;
	if (!msg->msg_control || room < CMSG_SPACE(sizeof(int))) {
		msg->msg_flags |= MSG_CTRUNC;
		return;
	}
	int inq = tcp_inq_hint(vs, ts);
	if (inq < 0)
		inq = 0;
	struct cmsghdr *c = (struct cmsghdr *)msg->msg_control;
	c->cmsg_level = SOL_TCP;
	c->cmsg_type = TCP_CM_INQ;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &inq, sizeof(int));
	msg->msg_controllen = CMSG_SPACE(sizeof(int));
}

static ssize_t sock_recv(struct vstack *vs, struct vs_file *f, struct msghdr *msg,
			 size_t total, int flags)
{
	struct tcp_sock *ts = f->u.sock.ts;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN; /* no errors queued: no timestamping or zerocopy */
	if (flags & MSG_OOB)
		return -EINVAL; /* urgent data is not kept out of band */
	if (tcp_state(ts) == VWIRE_TCP_LISTEN)
		return -ENOTCONN;
	bool nonblock = vs_file_nonblocking(f) || (flags & MSG_DONTWAIT);
	int64_t deadline = vs_deadline_after(vs, f->u.sock.rcvtimeo_us);
	size_t n_iov = msg->msg_iovlen;
	bool direct = n_iov == 1;
	uint8_t *tmp = NULL;
	size_t done = 0;
	ssize_t r = 0;
	f->refs++;
	for (;;) {
		size_t want = total - done;
		void *dst;
		if (direct) {
			dst = (uint8_t *)msg->msg_iov[0].iov_base + done;
		} else {
			int inq = tcp_inq(vs, ts);
			size_t room = inq > 0 && (size_t)inq < want ? (size_t)inq : want;
			free(tmp);
			tmp = malloc(room ? room : 1);
			if (!tmp) {
				r = -ENOMEM;
				break;
			}
			want = room;
			dst = tmp;
		}
		r = total == 0 ? 0 : tcp_recv(vs, ts, dst, want, flags & (MSG_PEEK | MSG_TRUNC));
		if (r > 0 && !direct && !(flags & MSG_TRUNC)) {
			struct iovec rest[VS_IOV_MAX];
			size_t skip = done, k = 0;
			for (size_t i = 0; i < n_iov; i++) {
				size_t l = msg->msg_iov[i].iov_len;
				if (skip >= l) {
					skip -= l;
					continue;
				}
				rest[k].iov_base = (uint8_t *)msg->msg_iov[i].iov_base + skip;
				rest[k++].iov_len = l - skip;
				skip = 0;
			}
			scatter(rest, k, tmp, (size_t)r);
		}
		if (r > 0) {
			done += (size_t)r;
			if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || done >= total)
				break;
			continue;
		}
		if (r == 0 || r != -EAGAIN || nonblock)
			break;
		if (vs_wait(vs, deadline) == -ETIMEDOUT || f->closed) {
			r = f->closed ? -EBADF : -EAGAIN;
			break;
		}
	}
	free(tmp);
	size_t room = msg->msg_controllen;
	msg->msg_controllen = 0; /* no control data unless some is written */
	if (!f->closed)
		put_inq_cmsg(vs, ts, msg, room);
	vs_file_put(vs, f);
	if (done > 0)
		return (ssize_t)done;
	return r;
}

ssize_t vs_sys_recvmsg(struct vstack *vs, int fd, struct msghdr *msg, int flags,
		       bool is_sock_call)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	if (!msg)
		return -EFAULT;
	size_t total;
	int err = iov_total(msg->msg_iov, msg->msg_iovlen, &total);
	if (err)
		return err;
	switch (f->kind) {
	case VS_FILE_SOCKET: {
		msg->msg_flags = 0;
		if (msg->msg_name)
			msg->msg_namelen = 0; /* TCP does not report a source */
		return sock_recv(vs, f, msg, total, flags);
	}
	case VS_FILE_PIPE_READ:
	case VS_FILE_PIPE_WRITE: {
		if (is_sock_call)
			return -ENOTSOCK;
		if (f->kind == VS_FILE_PIPE_WRITE)
			return -EBADF;
		uint8_t *tmp = malloc(total ? total : 1);
		if (!tmp)
			return -ENOMEM;
		ssize_t r = vs_pipe_read(vs, f, tmp, total);
		if (r > 0)
			scatter(msg->msg_iov, msg->msg_iovlen, tmp, (size_t)r);
		free(tmp);
		return r;
	}
	default:
		return is_sock_call ? -ENOTSOCK : -EINVAL;
	}
}

static ssize_t sock_send(struct vstack *vs, struct vs_file *f, const uint8_t *buf,
			 size_t len, int flags)
{
	struct tcp_sock *ts = f->u.sock.ts;
	if ((flags & MSG_OOB) && tcp_state(ts) == VWIRE_TCP_LISTEN)
		return -EOPNOTSUPP;
	bool nonblock = vs_file_nonblocking(f) || (flags & MSG_DONTWAIT);
	int64_t deadline = vs_deadline_after(vs, f->u.sock.sndtimeo_us);
	int pass = flags & (MSG_MORE | MSG_OOB | MSG_EOR | MSG_FASTOPEN | MSG_ZEROCOPY);
	size_t done = 0;
	ssize_t r;
	static const uint8_t nothing[1];
	f->refs++;
	for (;;) {
		r = tcp_send(vs, ts, len ? buf + done : nothing, len - done, pass);
		if (r > 0) {
			done += (size_t)r;
			if (done >= len)
				break;
			continue;
		}
		if (r == 0 || r != -EAGAIN || nonblock)
			break;
		if (vs_wait(vs, deadline) == -ETIMEDOUT || f->closed) {
			r = f->closed ? -EBADF : -EAGAIN;
			break;
		}
	}
	vs_file_put(vs, f);
	if (done > 0)
		return (ssize_t)done;
	return r;
}

ssize_t vs_sys_sendmsg(struct vstack *vs, int fd, const struct msghdr *msg,
		       int flags, bool is_sock_call)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	if (!msg)
		return -EFAULT;
	if (f->kind != VS_FILE_SOCKET && is_sock_call)
		return -ENOTSOCK;
	size_t total;
	int err = iov_total(msg->msg_iov, msg->msg_iovlen, &total);
	if (err)
		return err;
	/* One buffer, so iovecs queued together leave as one segment. */
	uint8_t *buf = malloc(total ? total : 1);
	if (!buf)
		return -ENOMEM;
	gather(msg->msg_iov, msg->msg_iovlen, buf);
	ssize_t r;
	switch (f->kind) {
	case VS_FILE_SOCKET:
		r = sock_send(vs, f, buf, total, flags);
		break;
	case VS_FILE_PIPE_WRITE:
		r = vs_pipe_write(vs, f, buf, total);
		break;
	case VS_FILE_PIPE_READ:
		r = -EBADF;
		break;
	default:
		r = -EINVAL;
		break;
	}
	free(buf);
	return r;
}
