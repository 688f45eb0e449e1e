/* Control calls: fcntl, ioctl and the socket options' argument checks.
 * The checks come first, in Linux's order, so a misuse gets Linux's errno;
 * the options that belong to the connection then go to the engine. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <linux/sockios.h>

#include "host_internal.h"

/* F_SETFL may change only these (the access mode stays). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC)

static int access_mode(const struct vs_file *f)
{
	switch (f->kind) {
	case VS_FILE_PIPE_READ: return O_RDONLY;
	case VS_FILE_PIPE_WRITE: return O_WRONLY;
	default: return O_RDWR;
	}
}

int vs_sys_fcntl(struct vstack *vs, int fd, int cmd, long arg)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_GETFL:
		return access_mode(f) | f->status_flags;
	case F_SETFL:
		f->status_flags = (int)arg & SETFL_MASK;
		vs_wakeup(vs); /* a blocked call may now have to return EAGAIN */
		return 0;
	case F_GETFD:
		return f->fd_flags;
	case F_SETFD:
		f->fd_flags = (int)arg & FD_CLOEXEC;
		return 0;
	default:
		return -EINVAL;
	}
}

int vs_sys_ioctl(struct vstack *vs, int fd, unsigned long req, void *arg)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	int v;
	switch (req) {
	case FIONBIO:
		if (!arg)
			return -EFAULT;
		memcpy(&v, arg, sizeof(v));
		if (v)
			f->status_flags |= O_NONBLOCK;
		else
			f->status_flags &= ~O_NONBLOCK;
		return 0;
	case FIONREAD: /* == SIOCINQ */
		if (f->kind == VS_FILE_PIPE_READ || f->kind == VS_FILE_PIPE_WRITE) {
			v = (int)vs_pipe_bytes(f);
		} else if (f->kind == VS_FILE_SOCKET) {
			v = tcp_inq(vs, f->u.sock.ts);
			if (v < 0)
				return v;
		} else {
			return -ENOTTY;
		}
		break;
	case SIOCATMARK:
		if (f->kind != VS_FILE_SOCKET)
			return -ENOTTY;
		v = tcp_at_urgent_mark(f->u.sock.ts);
		break;
	case SIOCOUTQ:
		if (f->kind != VS_FILE_SOCKET)
			return -ENOTTY;
		v = tcp_outq(vs, f->u.sock.ts);
		if (v < 0)
			return v;
		break;
	default:
		return -ENOTTY;
	}
	if (!arg)
		return -EFAULT;
	memcpy(arg, &v, sizeof(v));
	return 0;
}

/* SOL_SOCKET and SOL_TCP options whose value is not an int. */
static bool sol_socket_not_int(int name)
{
	switch (name) {
	case SO_LINGER: case SO_RCVTIMEO_OLD: case SO_SNDTIMEO_OLD:
	case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_NEW: case SO_BINDTODEVICE:
	case SO_ATTACH_FILTER: case SO_DETACH_FILTER: case SO_TXTIME:
	case SO_PEERCRED: case SO_PEERNAME:
		return true;
	default:
		return false;
	}
}

static bool tcp_not_int(int name)
{
	switch (name) {
	case TCP_CONGESTION: case TCP_ULP: case TCP_MD5SIG: case TCP_MD5SIG_EXT:
	case TCP_FASTOPEN_KEY: case TCP_REPAIR_WINDOW: case TCP_REPAIR_OPTIONS:
	case TCP_ZEROCOPY_RECEIVE: case TCP_INFO: case TCP_CC_INFO:
	case TCP_SAVED_SYN:
		return true;
	default:
		return false;
	}
}

static bool level_known(int level)
{
	return level == SOL_SOCKET || level == SOL_TCP || level == SOL_IP ||
	       level == SOL_IPV6;
}

static int timeo_set(int64_t *slot, const void *val, socklen_t len)
{
	struct timeval tv;
	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*slot = 1; /* Linux: a negative timeout does not wait */
		return 0;
	}
	*slot = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	return 0;
}

static int timeo_get(int64_t us, void *val, socklen_t *len)
{
	struct timeval tv = { .tv_sec = us / 1000000, .tv_usec = us % 1000000 };
	socklen_t n = *len < sizeof(tv) ? *len : sizeof(tv);
	memcpy(val, &tv, n);
	*len = n;
	return 0;
}

int vs_sys_setsockopt(struct vstack *vs, int fd, int level, int name,
		      const void *val, socklen_t len)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	if ((int)len < 0)
		return -EINVAL;
	if (!level_known(level))
		return -ENOPROTOOPT;
	if (level == SOL_SOCKET) {
		if (!sol_socket_not_int(name) && len < sizeof(int))
			return -EINVAL;
		if (!val && len)
			return -EFAULT;
		switch (name) {
		case SO_RCVTIMEO_OLD:
			return timeo_set(&f->u.sock.rcvtimeo_us, val, len);
		case SO_SNDTIMEO_OLD:
			return timeo_set(&f->u.sock.sndtimeo_us, val, len);
		case SO_ZEROCOPY:
			{ int v; memcpy(&v, val, sizeof(v)); return vs_zc_setsockopt(&f->u.sock, v); }
		case SO_TIMESTAMPING_OLD:
			{ int v; memcpy(&v, val, sizeof(v)); return vs_ts_setsockopt(vs, &f->u.sock, v); }
		case SO_TYPE: case SO_DOMAIN: case SO_PROTOCOL: case SO_ACCEPTCONN:
		case SO_ERROR: case SO_PEERCRED: case SO_PEERNAME:
			return -ENOPROTOOPT; /* read-only */
		default:
			break;
		}
	} else if (level == SOL_TCP) {
		if (!tcp_not_int(name) && len < sizeof(int))
			return -EINVAL;
		if (!val && len)
			return -EFAULT;
	} else {
		if (!val && len)
			return -EFAULT;
		if (level == SOL_IPV6 && f->u.sock.family != AF_INET6)
			return -ENOPROTOOPT;
		/* IPv4 options take an int or, as Linux allows, a single byte. */
		if (level == SOL_IP && len >= 1 && len < sizeof(int)) {
			int wide = *(const unsigned char *)val;
			err = tcp_setsockopt(vs, f->u.sock.ts, level, name, &wide, sizeof(wide));
			vs_wakeup(vs);
			return err;
		}
		if ((level == SOL_IP && name == IP_RECVERR) ||
		    (level == SOL_IPV6 && name == IPV6_RECVERR)) {
			int v = 0;
			memcpy(&v, val, len < sizeof(v) ? len : sizeof(v));
			struct vs_sockext *x = vs_sockext_get(&f->u.sock);
			if (!x)
				return -ENOMEM;
			x->recverr = v != 0;
			return 0;
		}
		if (level == SOL_IPV6 && name == IPV6_V6ONLY) {
			if (len < sizeof(int))
				return -EINVAL;
			int v;
			memcpy(&v, val, sizeof(v));
			if (tcp_state(f->u.sock.ts) != VWIRE_TCP_CLOSE)
				return -EINVAL;
			f->u.sock.v6only = v != 0;
			return 0;
		}
	}
	err = tcp_setsockopt(vs, f->u.sock.ts, level, name, val, len);
	vs_wakeup(vs); /* e.g. a lower SO_RCVLOWAT or bigger SO_SNDBUF */
	return err;
}

static int put_int(void *val, socklen_t *len, int v)
{
	socklen_t n = *len < sizeof(int) ? *len : sizeof(int);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

int vs_sys_getsockopt(struct vstack *vs, int fd, int level, int name,
		      void *val, socklen_t *len)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	if (!len)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	if (!level_known(level))
		return -ENOPROTOOPT;
	if (!val && *len)
		return -EFAULT;
	struct vs_socket *s = &f->u.sock;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE: return put_int(val, len, s->type);
		case SO_DOMAIN: return put_int(val, len, s->family);
		case SO_PROTOCOL: return put_int(val, len, s->protocol);
		case SO_ACCEPTCONN:
			return put_int(val, len, tcp_state(s->ts) == VWIRE_TCP_LISTEN);
		case SO_ERROR:
			return put_int(val, len, tcp_sock_error(vs, s->ts, true));
		case SO_ZEROCOPY: return put_int(val, len, vs_zc_getsockopt(s));
		case SO_TIMESTAMPING_OLD: return put_int(val, len, vs_ts_getsockopt(s));
		case SO_RCVTIMEO_OLD: return timeo_get(s->rcvtimeo_us, val, len);
		case SO_SNDTIMEO_OLD: return timeo_get(s->sndtimeo_us, val, len);
		default: break;
		}
	} else if (level == SOL_IPV6) {
		if (s->family != AF_INET6)
			return -ENOPROTOOPT;
		if (name == IPV6_V6ONLY)
			return put_int(val, len, s->v6only);
		if (name == IPV6_RECVERR)
			return put_int(val, len, s->ext && s->ext->recverr);
	} else if (level == SOL_IP && name == IP_RECVERR) {
		return put_int(val, len, s->ext && s->ext->recverr);
	}
	unsigned n = *len;
	err = tcp_getsockopt(vs, s->ts, level, name, val, &n);
	if (!err)
		*len = n;
	return err;
}
