/* The table's socket calls: each is the real system call, made in the
 * target's namespace, with script descriptors turned into live ones on the
 * way in and new live descriptors given script numbers on the way out.
 * The lock is never held across a call that may block.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel_target.h"
#include "packetdrill.h"

static int live(void *ud, int fd)
{
	struct kernel_target *kt = ud;
	pthread_mutex_lock(&kt->lock);
	int l = kt_fd_live(kt, fd);
	pthread_mutex_unlock(&kt->lock);
	return l;
}

static int adopt(void *ud, int live_fd, int lowest)
{
	struct kernel_target *kt = ud;
	if (live_fd < 0)
		return -1;
	pthread_mutex_lock(&kt->lock);
	int fd = kt_fd_add(kt, live_fd, lowest);
	pthread_mutex_unlock(&kt->lock);
	return fd;
}

/* Writing to a socket the peer reset raises SIGPIPE, which would kill
 * vwire; packetdrill's scripts expect just EPIPE. The signal is blocked
 * for the call and a SIGPIPE it raised (sent to this thread) consumed.
 * Not SIG_IGN process-wide: commands would inherit it. */
struct no_sigpipe {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_hold(struct no_sigpipe *h)
{
	sigset_t pipe_set, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &h->old);
	sigpending(&pending);
	h->was_pending = sigismember(&pending, SIGPIPE) == 1;
}

static ssize_t sigpipe_release(struct no_sigpipe *h, ssize_t rc)
{
	int saved = errno;
	if (rc < 0 && saved == EPIPE && !h->was_pending) {
		sigset_t pipe_set;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &h->old, NULL);
	errno = saved;
	return rc;
}

#define WITHOUT_SIGPIPE(call) do { \
		struct no_sigpipe h_; \
		sigpipe_hold(&h_); \
		ssize_t rc_ = (call); \
		return sigpipe_release(&h_, rc_); \
	} while (0)

/* Run the set-up on first need and make sure this thread is inside. */
static int in_namespace(void *ud)
{
	struct kernel_target *kt = ud;
	if (kt_ensure_ready(kt) < 0)
		return -1;
	return kt_netns_enter(kt);
}

static int k_socket(void *ud, int domain, int type, int protocol)
{
	if (in_namespace(ud) < 0)
		return -1;
	return adopt(ud, socket(domain, type, protocol), 3);
}

static int k_bind(void *ud, int fd, const struct sockaddr *a, socklen_t n)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : bind(l, a, n);
}

static int k_listen(void *ud, int fd, int backlog)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : listen(l, backlog);
}

static int k_accept(void *ud, int fd, struct sockaddr *a, socklen_t *n)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : adopt(ud, accept(l, a, n), 3);
}

static int k_connect(void *ud, int fd, const struct sockaddr *a, socklen_t n)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : connect(l, a, n);
}

static ssize_t k_read(void *ud, int fd, void *buf, size_t count)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : read(l, buf, count);
}

static ssize_t k_readv(void *ud, int fd, const struct iovec *iov, int cnt)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : readv(l, iov, cnt);
}

static ssize_t k_recv(void *ud, int fd, void *buf, size_t len, int flags)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : recv(l, buf, len, flags);
}

static ssize_t k_recvfrom(void *ud, int fd, void *buf, size_t len, int flags,
			  struct sockaddr *a, socklen_t *n)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : recvfrom(l, buf, len, flags, a, n);
}

static ssize_t k_recvmsg(void *ud, int fd, struct msghdr *msg, int flags)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : recvmsg(l, msg, flags);
}

static ssize_t k_write(void *ud, int fd, const void *buf, size_t count)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	WITHOUT_SIGPIPE(write(l, buf, count));
}

static ssize_t k_writev(void *ud, int fd, const struct iovec *iov, int cnt)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	WITHOUT_SIGPIPE(writev(l, iov, cnt));
}

static ssize_t k_send(void *ud, int fd, const void *buf, size_t len, int flags)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	WITHOUT_SIGPIPE(send(l, buf, len, flags));
}

static ssize_t k_sendto(void *ud, int fd, const void *buf, size_t len,
			int flags, const struct sockaddr *a, socklen_t n)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	WITHOUT_SIGPIPE(sendto(l, buf, len, flags, a, n));
}

static ssize_t k_sendmsg(void *ud, int fd, const struct msghdr *msg, int flags)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	WITHOUT_SIGPIPE(sendmsg(l, msg, flags));
}

/* fcntl's third argument is absent, an int or a pointer by command. */
static int k_fcntl(void *ud, int fd, int cmd, ...)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	va_list ap;
	va_start(ap, cmd);
	int rc;
	switch (cmd) {
	case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG:
	case F_GETLEASE: case F_GETPIPE_SZ: case F_GET_SEALS:
		rc = fcntl(l, cmd);
		break;
	case F_DUPFD: case F_DUPFD_CLOEXEC: {
		int lowest = va_arg(ap, int);
		rc = adopt(ud, fcntl(l, cmd, 0), lowest);
		break;
	}
	case F_SETFD: case F_SETFL: case F_SETOWN: case F_SETSIG:
	case F_SETLEASE: case F_NOTIFY: case F_SETPIPE_SZ: case F_ADD_SEALS:
		rc = fcntl(l, cmd, va_arg(ap, int));
		break;
	default:
		rc = fcntl(l, cmd, va_arg(ap, void *));
		break;
	}
	va_end(ap);
	return rc;
}

static int k_ioctl(void *ud, int fd, unsigned long request, ...)
{
	int l = live(ud, fd);
	if (l < 0)
		return -1;
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return ioctl(l, request, arg);
}

static int k_close(void *ud, int fd)
{
	struct kernel_target *kt = ud;
	pthread_mutex_lock(&kt->lock);
	int l = kt_fd_release(kt, fd);
	pthread_mutex_unlock(&kt->lock);
	return l < 0 ? -1 : close(l);
}

static int k_shutdown(void *ud, int fd, int how)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : shutdown(l, how);
}

static int k_getsockopt(void *ud, int fd, int level, int name, void *val,
			socklen_t *len)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : getsockopt(l, level, name, val, len);
}

static int k_setsockopt(void *ud, int fd, int level, int name,
			const void *val, socklen_t len)
{
	int l = live(ud, fd);
	return l < 0 ? -1 : setsockopt(l, level, name, val, len);
}

static int k_poll(void *ud, struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct pollfd *lv = calloc(nfds ? nfds : 1, sizeof(*lv));
	if (lv == NULL)
		return -1;
	struct kernel_target *kt = ud;
	pthread_mutex_lock(&kt->lock);
	for (nfds_t i = 0; i < nfds; i++) {
		lv[i] = fds[i];
		if (fds[i].fd >= 0) {
			int l = kt_fd_live(kt, fds[i].fd);
			/* Unknown script fds must come back POLLNVAL. */
			lv[i].fd = l >= 0 ? l : INT_MAX;
		}
	}
	pthread_mutex_unlock(&kt->lock);
	int rc = poll(lv, nfds, timeout);
	int saved = errno;
	for (nfds_t i = 0; i < nfds; i++)
		fds[i].revents = lv[i].revents;
	free(lv);
	errno = saved;
	return rc;
}

static int k_epoll_create(void *ud, int size)
{
	return adopt(ud, epoll_create(size), 3);
}

static int k_epoll_ctl(void *ud, int epfd, int op, int fd,
		       struct epoll_event *ev)
{
	int le = live(ud, epfd);
	int l = le < 0 ? -1 : live(ud, fd);
	return l < 0 ? -1 : epoll_ctl(le, op, l, ev);
}

static int k_epoll_wait(void *ud, int epfd, struct epoll_event *ev, int max,
			int timeout)
{
	int l = live(ud, epfd);
	return l < 0 ? -1 : epoll_wait(l, ev, max, timeout);
}

static int k_pipe(void *ud, int pipefd[2])
{
	int p[2];
	if (pipe2(p, 0) < 0)
		return -1;
	int a = adopt(ud, p[0], 3);
	if (a < 0) {
		close(p[1]);
		return -1;
	}
	int b = adopt(ud, p[1], 3);
	if (b < 0) {
		k_close(ud, a);
		return -1;
	}
	pipefd[0] = a;
	pipefd[1] = b;
	return 0;
}

static int k_splice(void *ud, int fd_in, loff_t *off_in, int fd_out,
		    loff_t *off_out, size_t len, unsigned int flags)
{
	int li = live(ud, fd_in);
	int lo = li < 0 ? -1 : live(ud, fd_out);
	if (lo < 0)
		return -1;
	WITHOUT_SIGPIPE((int)splice(li, off_in, lo, off_out, len, flags));
}

void kt_fill_syscalls(struct packetdrill_interface *ifc)
{
	ifc->socket = k_socket;
	ifc->bind = k_bind;
	ifc->listen = k_listen;
	ifc->accept = k_accept;
	ifc->connect = k_connect;
	ifc->read = k_read;
	ifc->readv = k_readv;
	ifc->recv = k_recv;
	ifc->recvfrom = k_recvfrom;
	ifc->recvmsg = k_recvmsg;
	ifc->write = k_write;
	ifc->writev = k_writev;
	ifc->send = k_send;
	ifc->sendto = k_sendto;
	ifc->sendmsg = k_sendmsg;
	ifc->fcntl = k_fcntl;
	ifc->ioctl = k_ioctl;
	ifc->close = k_close;
	ifc->shutdown = k_shutdown;
	ifc->getsockopt = k_getsockopt;
	ifc->setsockopt = k_setsockopt;
	ifc->poll = k_poll;
	ifc->epoll_create = k_epoll_create;
	ifc->epoll_ctl = k_epoll_ctl;
	ifc->epoll_wait = k_epoll_wait;
	ifc->pipe = k_pipe;
	ifc->splice = k_splice;
}
