/* The socket calls of the contract, on lwIP's socket API.
 *
 * Descriptors are lwIP's plus LWT_FD_BIAS. Every call is counted while it
 * runs (lwt_call_enter) so virtual time waits for a woken call to settle.
 * What lwIP's API cannot do fails with the errno Linux gives for an
 * unsupported operation, and a note names the missing feature.
 */
#include "lwip_target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/sockets.h"

#include "packetdrill.h"

static int to_lwip(int fd)
{
	return fd - LWT_FD_BIAS;
}

static int from_lwip(int fd)
{
	return fd < 0 ? fd : fd + LWT_FD_BIAS;
}

/* Runs one lwIP call counted as "inside a call", keeping its errno. */
#define LWT_CALL(type, expr)                      \
	do {                                      \
		lwt_call_enter();                 \
		type r_ = (expr);                 \
		int e_ = errno;                   \
		lwt_call_leave();                 \
		errno = e_;                       \
		return r_;                        \
	} while (0)

static int unsupported(const char *what, int err)
{
	lwt_note_lacks(what, NULL);
	errno = err;
	return -1;
}

static int lwt_socket(void *u, int domain, int type, int protocol)
{
	(void)u;
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && domain != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (base == SOCK_STREAM && protocol != 0 && protocol != IPPROTO_TCP) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	lwt_call_enter();
	int s = lwip_socket(domain, base, protocol);
	int e = errno;
	if (s >= 0 && (flags & SOCK_NONBLOCK))
		lwip_fcntl(s, F_SETFL, O_NONBLOCK);
	lwt_call_leave();
	errno = e;
	return from_lwip(s);
}

static int lwt_bind(void *u, int fd, const struct sockaddr *a, socklen_t len)
{
	(void)u;
	LWT_CALL(int, lwip_bind(to_lwip(fd), a, len));
}

static int lwt_listen(void *u, int fd, int backlog)
{
	(void)u;
	LWT_CALL(int, lwip_listen(to_lwip(fd), backlog));
}

static int lwt_accept(void *u, int fd, struct sockaddr *a, socklen_t *len)
{
	(void)u;
	lwt_call_enter();
	int s = lwip_accept(to_lwip(fd), a, len);
	int e = errno;
	lwt_call_leave();
	errno = e;
	return from_lwip(s);
}

static int lwt_connect(void *u, int fd, const struct sockaddr *a, socklen_t len)
{
	(void)u;
	LWT_CALL(int, lwip_connect(to_lwip(fd), a, len));
}

static ssize_t lwt_read(void *u, int fd, void *buf, size_t n)
{
	(void)u;
	LWT_CALL(ssize_t, lwip_read(to_lwip(fd), buf, n));
}

static ssize_t lwt_readv(void *u, int fd, const struct iovec *iov, int n)
{
	(void)u;
	LWT_CALL(ssize_t, lwip_readv(to_lwip(fd), iov, n));
}

/* Flags lwIP ignores or lacks; Linux-only ones fail as Linux fails them
 * on a socket that does not support them. */
static int check_send_flags(int *flags)
{
	if (*flags & MSG_FASTOPEN)
		return unsupported("TCP Fast Open (MSG_FASTOPEN)", EOPNOTSUPP);
	if (*flags & MSG_ZEROCOPY)
		return unsupported("MSG_ZEROCOPY", EOPNOTSUPP);
	if (*flags & MSG_EOR) {
		/* Accepted by Linux on TCP; lwIP has no record boundaries. */
		lwt_note_lacks("MSG_EOR", "flag ignored");
		*flags &= ~MSG_EOR;
	}
	return 0;
}

static int check_recv_flags(int flags)
{
	if (flags & MSG_ERRQUEUE)
		return unsupported("the error queue (MSG_ERRQUEUE)", EAGAIN);
	if (flags & MSG_OOB)
		return unsupported("urgent data (MSG_OOB)", EINVAL);
	return 0;
}

static ssize_t lwt_recv(void *u, int fd, void *buf, size_t n, int flags)
{
	(void)u;
	if (check_recv_flags(flags))
		return -1;
	LWT_CALL(ssize_t, lwip_recv(to_lwip(fd), buf, n, flags));
}

static ssize_t lwt_recvfrom(void *u, int fd, void *buf, size_t n, int flags,
			    struct sockaddr *a, socklen_t *len)
{
	(void)u;
	if (check_recv_flags(flags))
		return -1;
	LWT_CALL(ssize_t, lwip_recvfrom(to_lwip(fd), buf, n, flags, a, len));
}

static ssize_t lwt_recvmsg(void *u, int fd, struct msghdr *m, int flags)
{
	(void)u;
	if (check_recv_flags(flags))
		return -1;
	LWT_CALL(ssize_t, lwip_recvmsg(to_lwip(fd), m, flags));
}

static ssize_t lwt_write(void *u, int fd, const void *buf, size_t n)
{
	(void)u;
	LWT_CALL(ssize_t, lwip_write(to_lwip(fd), buf, n));
}

static ssize_t lwt_writev(void *u, int fd, const struct iovec *iov, int n)
{
	(void)u;
	LWT_CALL(ssize_t, lwip_writev(to_lwip(fd), iov, n));
}

static ssize_t lwt_send(void *u, int fd, const void *buf, size_t n, int flags)
{
	(void)u;
	if (check_send_flags(&flags))
		return -1;
	LWT_CALL(ssize_t, lwip_send(to_lwip(fd), buf, n, flags));
}

static ssize_t lwt_sendto(void *u, int fd, const void *buf, size_t n, int flags,
			  const struct sockaddr *a, socklen_t len)
{
	(void)u;
	if (check_send_flags(&flags))
		return -1;
	LWT_CALL(ssize_t, lwip_sendto(to_lwip(fd), buf, n, flags, a, len));
}

static ssize_t lwt_sendmsg(void *u, int fd, const struct msghdr *m, int flags)
{
	(void)u;
	if (check_send_flags(&flags))
		return -1;
	if (m && m->msg_controllen > 0)
		return unsupported("control messages on send (cmsg)", EOPNOTSUPP);
	LWT_CALL(ssize_t, lwip_sendmsg(to_lwip(fd), m, flags));
}

static int lwt_close(void *u, int fd)
{
	(void)u;
	LWT_CALL(int, lwip_close(to_lwip(fd)));
}

static int lwt_shutdown(void *u, int fd, int how)
{
	(void)u;
	if (how == SHUT_RDWR) {
		lwt_core_lock();
		lwt_remember_pcb(fd);
		lwt_core_unlock();
	}
	LWT_CALL(int, lwip_shutdown(to_lwip(fd), how));
}

static int lwt_poll(void *u, struct pollfd *fds, nfds_t n, int timeout)
{
	(void)u;
	struct pollfd *mine = calloc(n ? n : 1, sizeof(*mine));
	if (!mine) {
		errno = ENOMEM;
		return -1;
	}
	for (nfds_t i = 0; i < n; i++) {
		mine[i] = fds[i];
		if (fds[i].fd >= 0)
			mine[i].fd = to_lwip(fds[i].fd);
	}
	lwt_call_enter();
	int r = lwip_poll(mine, n, timeout);
	int e = errno;
	lwt_call_leave();
	for (nfds_t i = 0; i < n; i++)
		fds[i].revents = mine[i].revents;
	free(mine);
	errno = e;
	return r;
}

static int lwt_epoll_create(void *u, int size)
{
	(void)u;
	(void)size;
	return unsupported("epoll", ENOSYS);
}

static int lwt_epoll_ctl(void *u, int epfd, int op, int fd, struct epoll_event *ev)
{
	(void)u;
	(void)epfd;
	(void)op;
	(void)fd;
	(void)ev;
	return unsupported("epoll", ENOSYS);
}

static int lwt_epoll_wait(void *u, int epfd, struct epoll_event *evs, int max, int timeout)
{
	(void)u;
	(void)epfd;
	(void)evs;
	(void)max;
	(void)timeout;
	return unsupported("epoll", ENOSYS);
}

static int lwt_pipe(void *u, int fds[2])
{
	(void)u;
	(void)fds;
	return unsupported("pipes", ENOSYS);
}

static int lwt_splice(void *u, int in, loff_t *off_in, int out, loff_t *off_out,
		      size_t len, unsigned int flags)
{
	(void)u;
	(void)in;
	(void)off_in;
	(void)out;
	(void)off_out;
	(void)len;
	(void)flags;
	return unsupported("splice", ENOSYS);
}

void lwt_fill_calls(struct packetdrill_interface *ifc)
{
	ifc->socket = lwt_socket;
	ifc->bind = lwt_bind;
	ifc->listen = lwt_listen;
	ifc->accept = lwt_accept;
	ifc->connect = lwt_connect;
	ifc->read = lwt_read;
	ifc->readv = lwt_readv;
	ifc->recv = lwt_recv;
	ifc->recvfrom = lwt_recvfrom;
	ifc->recvmsg = lwt_recvmsg;
	ifc->write = lwt_write;
	ifc->writev = lwt_writev;
	ifc->send = lwt_send;
	ifc->sendto = lwt_sendto;
	ifc->sendmsg = lwt_sendmsg;
	ifc->close = lwt_close;
	ifc->shutdown = lwt_shutdown;
	ifc->poll = lwt_poll;
	ifc->epoll_create = lwt_epoll_create;
	ifc->epoll_ctl = lwt_epoll_ctl;
	ifc->epoll_wait = lwt_epoll_wait;
	ifc->pipe = lwt_pipe;
	ifc->splice = lwt_splice;
}
