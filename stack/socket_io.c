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
#include "tcp_fastopen.h"

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
static void put_inq_cmsg(struct vstack *vs, struct tcp_sock *ts, struct vs_cmsg_writer *w)
{
	int on = 0;
	unsigned olen = sizeof(on);
	if (tcp_getsockopt(vs, ts, SOL_TCP, TCP_INQ, &on, &olen) || !on)
		return;
	int inq = tcp_inq_hint(vs, ts);
	if (inq < 0)
		inq = 0;
	vs_cmsg_put(w, SOL_TCP, TCP_CM_INQ, &inq, sizeof(inq));
}

static ssize_t sock_recv(struct vstack *vs, struct vs_file *f, struct msghdr *msg,
			 size_t total, int flags)
{
	struct tcp_sock *ts = f->u.sock.ts;
	if (flags & MSG_OOB) {
		/* The one urgent octet, out of band (tcp_urg.c). */
		bool was_valid = tcp_urgent_pending(ts);
		uint8_t c;
		int r = tcp_recv_urgent(vs, ts, &c, total ? 1 : 0, flags);
		if (r > 0 && !(flags & MSG_TRUNC))
			scatter(msg->msg_iov, msg->msg_iovlen, &c, 1);
		if (r > 0 || (r == 0 && was_valid))
			msg->msg_flags |= MSG_OOB | (total ? 0 : MSG_TRUNC);
		msg->msg_controllen = 0;
		return r;
	}
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
		if ((r = vs_wait_file(vs, f, deadline, -EAGAIN)))
			break;
	}
	free(tmp);
	struct vs_cmsg_writer w;
	vs_cmsg_begin(&w, msg);
	if (!f->closed)
		put_inq_cmsg(vs, ts, &w);
	vs_cmsg_end(&w); /* no control data unless some is written */
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
		if (flags & MSG_ERRQUEUE) /* never blocks; may name an ICMP's target */
			return vs_errq_recv(vs, &f->u.sock, msg, total);
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

/* Linux's MAX_SKB_FRAGS: a zerocopy send pins each iovec element's pages
 * as fragments of the buffer it fills, and a buffer that runs out of
 * fragments ends there (its segment carries PSH, the next one starts a
 * new buffer). */
#define VS_MAX_SKB_FRAGS 17
#define VS_PAGE 4096

/* Where the buffer filled from byte `from` of msg's data runs out of
 * fragments (total if it does not). */
static size_t frags_end(const struct msghdr *msg, size_t from, size_t total)
{
	size_t off = 0, frags = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		size_t l = msg->msg_iov[i].iov_len;
		if (off + l <= from) {
			off += l;
			continue;
		}
		size_t start = from > off ? from - off : 0;
		uintptr_t a = (uintptr_t)msg->msg_iov[i].iov_base + start;
		while (start < l) {
			size_t in_page = VS_PAGE - (a % VS_PAGE);
			size_t k = l - start < in_page ? l - start : in_page;
			if (++frags > VS_MAX_SKB_FRAGS)
				return off + start;
			start += k;
			a += k;
		}
		off += l;
	}
	return total;
}

static bool zerocopy_send(const struct vs_file *f, int flags)
{
	return (flags & MSG_ZEROCOPY) && vs_zc_getsockopt(&f->u.sock);
}

/* frags: the user's iovecs when they shape the buffers (zerocopy). */
static ssize_t sock_send(struct vstack *vs, struct vs_file *f, const uint8_t *buf,
			 size_t len, int flags, const struct msghdr *frags)
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
	vs_ts_before_send(vs, &f->u.sock, len);
	for (;;) {
		size_t end = frags ? frags_end(frags, done, len) : len;
		int cut = end < len ? MSG_EOR : 0; /* a buffer out of fragments */
		r = tcp_send(vs, ts, len ? buf + done : nothing, end - done, pass | cut);
		if (r > 0) {
			done += (size_t)r;
			if (done >= len)
				break;
			continue;
		}
		if (r == 0 || r != -EAGAIN || nonblock)
			break;
		if ((r = vs_wait_file(vs, f, deadline, -EAGAIN)))
			break;
	}
	if (!f->closed) {
		vs_zc_after_send(vs, &f->u.sock, flags, done);
		vs_ts_after_send(vs, &f->u.sock, len, done);
	}
	vs_file_put(vs, f);
	if (done > 0)
		return (ssize_t)done;
	return r;
}

/* TCP Fast Open (tcp_fastopen.c): sendto/sendmsg with MSG_FASTOPEN on an
 * unconnected socket, or a write after a TCP_FASTOPEN_CONNECT connect().
 * The SYN takes what data it can; a blocking caller then waits for the
 * handshake, as connect() would, and writes the rest. */
static ssize_t sock_send_fastopen(struct vstack *vs, struct vs_file *f,
				  const struct msghdr *msg, const uint8_t *buf,
				  size_t len, int flags)
{
	struct tcp_sock *ts = f->u.sock.ts;
	struct vs_addr a;
	uint16_t port = 0;
	bool have_addr = false;
	memset(&a, 0, sizeof(a));
	if (msg->msg_name && msg->msg_namelen >= sizeof(sa_family_t)) {
		const struct sockaddr *sa = msg->msg_name;
		if (sa->sa_family == AF_UNSPEC)
			return -EOPNOTSUPP;
		int err = vs_sockaddr_in(&f->u.sock, sa, msg->msg_namelen, &a, &port);
		if (err)
			return err;
		have_addr = true;
	}
	ssize_t r = tcp_fastopen_sendmsg(vs, ts, &a, port, have_addr, buf, len);
	if (r > 0)
		vs_zc_after_send(vs, &f->u.sock, flags, (size_t)r); /* the SYN's data */
	bool nonblock = vs_file_nonblocking(f) || (flags & MSG_DONTWAIT);
	if ((r < 0 && r != -EINPROGRESS) || nonblock)
		return r;
	size_t copied = r > 0 ? (size_t)r : 0;
	int64_t deadline = vs_deadline_after(vs, f->u.sock.sndtimeo_us);
	f->refs++;
	tcp_fastopen_set_write_pending(ts, copied < len);
	int st;
	while ((st = tcp_state(ts)) == VWIRE_TCP_SYN_SENT || st == VWIRE_TCP_SYN_RECV) {
		if (vs_wait(vs, deadline) == -ETIMEDOUT || f->closed)
			break;
	}
	tcp_fastopen_set_write_pending(ts, false);
	if (f->closed) {
		r = -EBADF;
	} else if (st == VWIRE_TCP_SYN_SENT || st == VWIRE_TCP_SYN_RECV) {
		r = copied ? (ssize_t)copied : -EINPROGRESS; /* SO_SNDTIMEO ran out */
	} else if ((r = tcp_sock_error(vs, ts, true)) != 0) {
		r = -r;
	} else if (copied == len) {
		r = (ssize_t)len;
	} else {
		ssize_t more = sock_send(vs, f, buf + copied, len - copied, flags & ~MSG_FASTOPEN,
					 NULL);
		r = more < 0 ? (copied ? (ssize_t)copied : more) : (ssize_t)copied + more;
	}
	vs_file_put(vs, f);
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
		if (tcp_fastopen_send_wanted(f->u.sock.ts, flags))
			r = sock_send_fastopen(vs, f, msg, buf, total, flags);
		else
			r = sock_send(vs, f, buf, total, flags,
				      zerocopy_send(f, flags) ? msg : NULL);
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
