/* The packetdrill interface shim: each entry takes the instance lock,
 * runs the call, and turns a negative errno into -1 with errno set. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"
#include "vstack.h"

#define VS_EXPORT __attribute__((visibility("default")))

static struct vstack *lock_vs(void *ud)
{
	struct vstack *vs = ud;
	pthread_mutex_lock(&vs->lock);
	return vs;
}

static long finish(struct vstack *vs, long r)
{
	pthread_mutex_unlock(&vs->lock);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define CALL(expr) do { struct vstack *vs = lock_vs(ud); long r_ = (expr); return finish(vs, r_); } while (0)

static void ifc_free(void *ud)
{
	vs_instance_free(ud);
}

static int ifc_socket(void *ud, int d, int t, int p) { CALL(vs_sys_socket(vs, d, t, p)); }
static int ifc_bind(void *ud, int fd, const struct sockaddr *a, socklen_t l) { CALL(vs_sys_bind(vs, fd, a, l)); }
static int ifc_listen(void *ud, int fd, int b) { CALL(vs_sys_listen(vs, fd, b)); }
static int ifc_accept(void *ud, int fd, struct sockaddr *a, socklen_t *l) { CALL(vs_sys_accept(vs, fd, a, l)); }
static int ifc_connect(void *ud, int fd, const struct sockaddr *a, socklen_t l) { CALL(vs_sys_connect(vs, fd, a, l)); }
static int ifc_close(void *ud, int fd) { CALL(vs_sys_close(vs, fd)); }
static int ifc_shutdown(void *ud, int fd, int how) { CALL(vs_sys_shutdown(vs, fd, how)); }

static ssize_t ifc_readv(void *ud, int fd, const struct iovec *iov, int n)
{
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	CALL(vs_sys_recvmsg(vs, fd, &m, 0, false));
}

static ssize_t ifc_read(void *ud, int fd, void *buf, size_t len)
{
	struct iovec v = { buf, len };
	return ifc_readv(ud, fd, &v, 1);
}

static ssize_t ifc_recvfrom(void *ud, int fd, void *buf, size_t len, int flags,
			    struct sockaddr *src, socklen_t *alen)
{
	struct iovec v = { buf, len };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct vstack *vs = lock_vs(ud);
	long r = vs_sys_recvmsg(vs, fd, &m, flags, true);
	/* TCP reports no source address: a successful call sets length 0. */
	if (r >= 0 && src && alen)
		*alen = 0;
	return finish(vs, r);
}

static ssize_t ifc_recv(void *ud, int fd, void *buf, size_t len, int flags)
{
	return ifc_recvfrom(ud, fd, buf, len, flags, NULL, NULL);
}

static ssize_t ifc_recvmsg(void *ud, int fd, struct msghdr *m, int flags)
{
	CALL(vs_sys_recvmsg(vs, fd, m, flags, true));
}

static ssize_t ifc_writev(void *ud, int fd, const struct iovec *iov, int n)
{
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	CALL(vs_sys_sendmsg(vs, fd, &m, 0, false));
}

static ssize_t ifc_write(void *ud, int fd, const void *buf, size_t len)
{
	struct iovec v = { (void *)buf, len };
	return ifc_writev(ud, fd, &v, 1);
}

static ssize_t ifc_sendto(void *ud, int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *dst, socklen_t alen)
{
	struct iovec v = { (void *)buf, len };
	struct msghdr m = { .msg_name = (void *)dst, .msg_namelen = alen,
			    .msg_iov = &v, .msg_iovlen = 1 };
	CALL(vs_sys_sendmsg(vs, fd, &m, flags, true));
}

static ssize_t ifc_send(void *ud, int fd, const void *buf, size_t len, int flags)
{
	return ifc_sendto(ud, fd, buf, len, flags, NULL, 0);
}

static ssize_t ifc_sendmsg(void *ud, int fd, const struct msghdr *m, int flags)
{
	CALL(vs_sys_sendmsg(vs, fd, m, flags, true));
}

static int ifc_fcntl(void *ud, int fd, int cmd, ...)
{
	long arg = 0;
	if (cmd == F_SETFL || cmd == F_SETFD) {
		va_list ap;
		va_start(ap, cmd);
		arg = va_arg(ap, long);
		va_end(ap);
	}
	CALL(vs_sys_fcntl(vs, fd, cmd, arg));
}

static int ifc_ioctl(void *ud, int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	CALL(vs_sys_ioctl(vs, fd, req, arg));
}

static int ifc_getsockopt(void *ud, int fd, int level, int name, void *val, socklen_t *len)
{
	CALL(vs_sys_getsockopt(vs, fd, level, name, val, len));
}

static int ifc_setsockopt(void *ud, int fd, int level, int name, const void *val, socklen_t len)
{
	CALL(vs_sys_setsockopt(vs, fd, level, name, val, len));
}

static int ifc_poll(void *ud, struct pollfd *fds, nfds_t n, int timeout)
{
	CALL(vs_sys_poll(vs, fds, n, timeout));
}

static int ifc_netdev_send(void *ud, const void *buf, size_t len)
{
	struct vstack *vs = lock_vs(ud);
	long r = 0;
	if (!buf && len)
		r = -EFAULT;
	else
		vs_ip_input(vs, buf, len); /* a dropped packet is not an error */
	/* Let blocked calls re-check whatever this packet changed. */
	if (vs->blocked)
		vs_wakeup(vs);
	return (int)finish(vs, r);
}

static int ifc_netdev_receive(void *ud, void *buf, size_t *count)
{
	struct vstack *vs = lock_vs(ud);
	long r = !buf || !count ? -EFAULT : vs_wire_pop(vs->wire, buf, count, vs_now(vs));
	return (int)finish(vs, r);
}

static int ifc_usleep(void *ud, useconds_t usec)
{
	struct vstack *vs = lock_vs(ud);
	vs_timers_run_until(vs, vs_now(vs) + (int64_t)usec);
	if (vs->blocked)
		vs_wakeup(vs);
	return (int)finish(vs, 0);
}

static int ifc_gettimeofday(void *ud, struct timeval *tv, void *tz)
{
	(void)tz;
	struct vstack *vs = lock_vs(ud);
	long r = 0;
	if (!tv)
		r = -EFAULT;
	else {
		tv->tv_sec = (time_t)(vs_now(vs) / 1000000);
		tv->tv_usec = (suseconds_t)(vs_now(vs) % 1000000);
	}
	return (int)finish(vs, r);
}

static int ifc_epoll_create(void *ud, int size) { CALL(vs_sys_epoll_create(vs, size)); }
static int ifc_epoll_ctl(void *ud, int epfd, int op, int fd, struct epoll_event *ev)
{
	CALL(vs_sys_epoll_ctl(vs, epfd, op, fd, ev));
}
static int ifc_epoll_wait(void *ud, int epfd, struct epoll_event *evs, int max, int timeout)
{
	CALL(vs_sys_epoll_wait(vs, epfd, evs, max, timeout));
}
static int ifc_pipe(void *ud, int fds[2]) { CALL(vs_sys_pipe(vs, fds)); }

static int ifc_splice(void *ud, int in, loff_t *off_in, int out, loff_t *off_out,
		      size_t len, unsigned int flags)
{
	CALL(vs_sys_splice(vs, in, off_in, out, off_out, len, flags));
}

/* "seed=N" (comma- or space-separated words; unknown words are ignored so
 * flags meant for other targets do no harm). */
static void parse_flags(struct vstack *vs, const char *flags)
{
	if (!flags)
		return;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", flags);
	char *save = NULL;
	for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		unsigned long long v;
		if (sscanf(w, "seed=%llu", &v) == 1) {
			vs->seed = v;
			vs->net.seed = v;
		}
	}
}

VS_EXPORT void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	struct vstack *vs = vs_instance_new();
	if (!vs)
		return;
	parse_flags(vs, flags);
	*ifc = (struct packetdrill_interface){
		.userdata = vs, .free = ifc_free, .socket = ifc_socket,
		.bind = ifc_bind, .listen = ifc_listen, .accept = ifc_accept,
		.connect = ifc_connect, .read = ifc_read, .readv = ifc_readv,
		.recv = ifc_recv, .recvfrom = ifc_recvfrom, .recvmsg = ifc_recvmsg,
		.write = ifc_write, .writev = ifc_writev, .send = ifc_send,
		.sendto = ifc_sendto, .sendmsg = ifc_sendmsg, .fcntl = ifc_fcntl,
		.ioctl = ifc_ioctl, .close = ifc_close, .shutdown = ifc_shutdown,
		.getsockopt = ifc_getsockopt, .setsockopt = ifc_setsockopt,
		.poll = ifc_poll, .netdev_send = ifc_netdev_send,
		.netdev_receive = ifc_netdev_receive, .usleep = ifc_usleep,
		.gettimeofday = ifc_gettimeofday, .epoll_create = ifc_epoll_create,
		.epoll_ctl = ifc_epoll_ctl, .epoll_wait = ifc_epoll_wait,
		.pipe = ifc_pipe, .splice = ifc_splice,
	};
}

VS_EXPORT int vwire_configure(void *ud, const struct vwire_net_config *cfg)
{
	struct vstack *vs = lock_vs(ud);
	long r = cfg ? vs_instance_configure(vs, cfg) : -EFAULT;
	return (int)finish(vs, r);
}

VS_EXPORT int vwire_sysctl_set(void *ud, const char *name, const char *value)
{
	CALL(vs_sysctl_set(vs, name, value));
}

VS_EXPORT int vwire_sysctl_get(void *ud, const char *name, char *buf, size_t len)
{
	CALL(vs_sysctl_get(vs, name, buf, len));
}

VS_EXPORT const char *vwire_sysctl_name(void *ud, size_t index)
{
	(void)ud;
	return vs_sysctl_name(index);
}

VS_EXPORT int vwire_connections(void *ud, struct vwire_conn *out, int max)
{
	struct vstack *vs = lock_vs(ud);
	long r = max > 0 && !out ? -EFAULT : tcp_list_connections(vs, out, max < 0 ? 0 : max);
	return (int)finish(vs, r);
}

VS_EXPORT void vwire_set_state_hook(void *ud, vwire_state_hook_t hook, void *ctx)
{
	struct vstack *vs = lock_vs(ud);
	vs->state_hook = hook;
	vs->state_hook_ctx = hook ? ctx : NULL;
	finish(vs, 0);
}

VS_EXPORT int vwire_blocked_calls(void *ud)
{
	struct vstack *vs = lock_vs(ud);
	return (int)finish(vs, vs->blocked);
}

VS_EXPORT int64_t vwire_next_timer(void *ud)
{
	struct vstack *vs = lock_vs(ud);
	int64_t t = vs_timers_next(vs);
	/* a paced packet's release is a moment the harness must reach too */
	int64_t r = vs_wire_next_release(vs->wire, vs_now(vs));
	if (r >= 0 && (t < 0 || r < t))
		t = r;
	pthread_mutex_unlock(&vs->lock);
	return t;
}

VS_EXPORT int vwire_set_qdisc(void *ud, const char *kind, long limit)
{
	struct vstack *vs = lock_vs(ud);
	vs_wire_set_qdisc_limit(vs->wire, limit < 0 ? -1 : limit);
	/* fq paces each socket's packets by the departure times TCP gives
	 * them (tcp_cc.c's EDT pacing); the other qdiscs do not pace. */
	vs->dev_paced = kind && !strcmp(kind, "fq");
	/* Room again: senders waiting on local congestion retry on their
	 * own timers, as they would on a host. */
	return (int)finish(vs, 0);
}

VS_EXPORT void vwire_tcp_metrics_flush(void *ud)
{
	struct vstack *vs = lock_vs(ud);
	tcp_metrics_flush(vs);
	finish(vs, 0);
}

VS_EXPORT int vwire_mib(void *ud, size_t index, const char **group, const char **name,
		       uint64_t *value)
{
	struct vstack *vs = lock_vs(ud);
	int r = tcp_mib_entry(vs, index, group, name, value);
	pthread_mutex_unlock(&vs->lock);
	return r;
}

VS_EXPORT int vstack_getsockname(void *ud, int fd, struct sockaddr *a, socklen_t *l)
{
	CALL(vs_sys_getsockname(vs, fd, a, l));
}

VS_EXPORT int vstack_getpeername(void *ud, int fd, struct sockaddr *a, socklen_t *l)
{
	CALL(vs_sys_getpeername(vs, fd, a, l));
}
