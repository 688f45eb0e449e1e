/* The descriptor table and the socket calls that set up connections:
 * socket, bind, listen, accept, connect, close, shutdown, names. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct vs_fdtable *vs_fdtable_new(void)
{
	return calloc(1, sizeof(struct vs_fdtable));
}

static void file_free(struct vs_file *f)
{
	if (f->kind == VS_FILE_EPOLL)
		vs_epoll_free(f->u.ep);
	if (f->kind == VS_FILE_SOCKET)
		vs_sockext_free(f->u.sock.ext);
	free(f);
}

void vs_fdtable_free(struct vstack *vs)
{
	if (!vs->fds)
		return;
	for (int fd = 0; fd < VS_MAX_FDS; fd++) {
		struct vs_file *f = vs->fds->files[fd];
		if (!f)
			continue;
		if (f->kind == VS_FILE_PIPE_READ || f->kind == VS_FILE_PIPE_WRITE)
			vs_pipe_release(vs, f);
		file_free(f);
	}
	free(vs->fds);
	vs->fds = NULL;
}

struct vs_file *vs_fd_get(struct vstack *vs, int fd)
{
	if (fd < 0 || fd >= VS_MAX_FDS)
		return NULL;
	return vs->fds->files[fd];
}

int vs_fd_install(struct vstack *vs, struct vs_file *f)
{
	for (int fd = VS_FIRST_FD; fd < VS_MAX_FDS; fd++) {
		if (!vs->fds->files[fd]) {
			vs->fds->files[fd] = f;
			return fd;
		}
	}
	return -EMFILE;
}

struct vs_file *vs_file_new(enum vs_file_kind kind)
{
	struct vs_file *f = calloc(1, sizeof(*f));
	if (f) {
		f->kind = kind;
		f->refs = 1;
	}
	return f;
}

void vs_file_put(struct vstack *vs, struct vs_file *f)
{
	(void)vs;
	if (--f->refs == 0)
		file_free(f);
}

int vs_fd_socket(struct vstack *vs, int fd, struct vs_file **out)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	if (f->kind != VS_FILE_SOCKET)
		return -ENOTSOCK;
	*out = f;
	return 0;
}

bool vs_file_nonblocking(const struct vs_file *f)
{
	return (f->status_flags & O_NONBLOCK) != 0;
}

int64_t vs_deadline_after(const struct vstack *vs, int64_t timeo_us)
{
	return timeo_us > 0 ? vs_now(vs) + timeo_us : -1;
}

/* ------------------------------------------------------------ addresses */

static bool v6_is_v4mapped(const struct in6_addr *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return !memcmp(a->s6_addr, prefix, 12);
}

/* A user's sockaddr for socket s, as the engine's address and port. An
 * IPv4-mapped IPv6 address becomes plain IPv4 (the wire is IPv4). */
static int sockaddr_in_(const struct vs_socket *s, const struct sockaddr *sa,
			socklen_t len, struct vs_addr *a, uint16_t *port)
{
	if (!sa)
		return -EFAULT;
	if ((int)len < 0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	if (s->family == AF_INET) {
		if (len < sizeof(struct sockaddr_in))
			return -EINVAL;
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		if (in->sin_family != AF_INET)
			return -EAFNOSUPPORT;
		a->family = AF_INET;
		a->u.v4 = in->sin_addr;
		*port = ntohs(in->sin_port);
		return 0;
	}
	if (len < 24) /* SIN6_LEN_RFC2133: without sin6_scope_id */
		return -EINVAL;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	if (in6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	*port = ntohs(in6->sin6_port);
	if (v6_is_v4mapped(&in6->sin6_addr)) {
		if (s->v6only)
			return -EINVAL;
		a->family = AF_INET;
		memcpy(&a->u.v4, in6->sin6_addr.s6_addr + 12, 4);
		return 0;
	}
	a->family = AF_INET6;
	a->u.v6 = in6->sin6_addr;
	return 0;
}

int vs_sockaddr_in(const struct vs_socket *s, const struct sockaddr *sa, socklen_t len,
		   struct vs_addr *a, uint16_t *port)
{
	return sockaddr_in_(s, sa, len, a, port);
}

int vs_sockaddr_out(const struct vs_socket *s, const struct vs_addr *a,
		    uint16_t port, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t n;
	memset(&ss, 0, sizeof(ss));
	if (s->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		if (a->family == AF_INET)
			in->sin_addr = a->u.v4;
		n = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (a->family == AF_INET) {
			in6->sin6_addr.s6_addr[10] = 0xff;
			in6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(in6->sin6_addr.s6_addr + 12, &a->u.v4, 4);
		} else {
			in6->sin6_addr = a->u.v6;
		}
		n = sizeof(*in6);
	}
	if (!sa)
		return 0;
	if (!len)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	memcpy(sa, &ss, *len < n ? *len : n);
	*len = n;
	return 0;
}

static bool addr_is_any(const struct vs_addr *a)
{
	if (a->family == AF_INET)
		return a->u.v4.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
}

/* ------------------------------------------------------------ calls */

int vs_wait_file(struct vstack *vs, struct vs_file *f, int64_t deadline,
		 int timeout_err)
{
	int r = vs_wait(vs, deadline);
	if (f->closed)
		return -EBADF;
	return r == -ETIMEDOUT ? timeout_err : 0;
}

/* A descriptor for socket file f, or (table full) f and its TCB go. */
static int install_socket(struct vstack *vs, struct vs_file *f)
{
	int fd = vs_fd_install(vs, f);
	if (fd < 0) {
		tcp_close(vs, f->u.sock.ts);
		free(f);
		return fd;
	}
	tcp_set_fd(f->u.sock.ts, fd);
	return fd;
}

/* The socket behind fd and the engine's form of the user's address. */
static int socket_and_addr(struct vstack *vs, int fd, const struct sockaddr *sa,
			   socklen_t len, struct vs_file **f, struct vs_addr *a,
			   uint16_t *port)
{
	int err = vs_fd_socket(vs, fd, f);
	if (err)
		return err;
	return sockaddr_in_(&(*f)->u.sock, sa, len, a, port);
}

int vs_sys_socket(struct vstack *vs, int domain, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (base <= 0 || base > SOCK_PACKET)
		return -EINVAL;
	/* Only TCP is implemented; other types are unsupported protocols. */
	if (base != SOCK_STREAM || (protocol != 0 && protocol != IPPROTO_TCP))
		return -EPROTONOSUPPORT;
	struct vs_file *f = vs_file_new(VS_FILE_SOCKET);
	if (!f)
		return -ENOMEM;
	struct tcp_sock *ts = tcp_sock_new(vs, domain);
	if (!ts) {
		free(f);
		return -ENOMEM;
	}
	f->u.sock = (struct vs_socket){ .ts = ts, .family = domain,
		.type = SOCK_STREAM, .protocol = IPPROTO_TCP };
	if (flags & SOCK_NONBLOCK)
		f->status_flags |= O_NONBLOCK;
	if (flags & SOCK_CLOEXEC)
		f->fd_flags |= FD_CLOEXEC;
	return install_socket(vs, f);
}

int vs_sys_bind(struct vstack *vs, int fd, const struct sockaddr *sa, socklen_t len)
{
	struct vs_file *f;
	struct vs_addr a;
	uint16_t port;
	int err = socket_and_addr(vs, fd, sa, len, &f, &a, &port);
	if (err)
		return err;
	if (!addr_is_any(&a) && !vs_is_local_addr(vs, &a))
		return -EADDRNOTAVAIL;
	return tcp_bind(vs, f->u.sock.ts, &a, port);
}

int vs_sys_listen(struct vstack *vs, int fd, int backlog)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	/* Linux clamps to somaxconn, negative values included (as unsigned). */
	if ((unsigned)backlog > (unsigned)vs->knobs.somaxconn)
		backlog = vs->knobs.somaxconn;
	return tcp_listen(vs, f->u.sock.ts, backlog);
}

int vs_sys_accept(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	if (sa && !len)
		return -EFAULT;
	if (sa && (int)*len < 0)
		return -EINVAL;
	int64_t deadline = vs_deadline_after(vs, f->u.sock.rcvtimeo_us);
	struct tcp_sock *child;
	f->refs++;
	for (;;) {
		child = tcp_accept(vs, f->u.sock.ts, &err);
		if (child || err != -EAGAIN || vs_file_nonblocking(f))
			break;
		if ((err = vs_wait_file(vs, f, deadline, -EAGAIN)))
			break;
	}
	bool closed = f->closed;
	struct vs_socket parent = f->u.sock;
	vs_file_put(vs, f);
	if (!child)
		return err ? err : -EAGAIN;
	if (closed)
		return -EBADF;
	struct vs_file *nf = vs_file_new(VS_FILE_SOCKET);
	if (!nf) {
		tcp_close(vs, child);
		return -ENOMEM;
	}
	nf->u.sock = (struct vs_socket){ .ts = child, .family = parent.family,
		.type = parent.type, .protocol = parent.protocol,
		.v6only = parent.v6only };
	vs_sockext_inherit(&nf->u.sock, &parent);
	int nfd = install_socket(vs, nf);
	if (nfd < 0)
		return nfd;
	if (sa) {
		struct vs_addr a;
		uint16_t port = 0;
		memset(&a, 0, sizeof(a));
		tcp_peer_name(child, &a, &port);
		vs_sockaddr_out(&nf->u.sock, &a, port, sa, len);
	}
	return nfd;
}

int vs_sys_connect(struct vstack *vs, int fd, const struct sockaddr *sa, socklen_t len)
{
	struct vs_file *f;
	struct vs_addr a;
	uint16_t port;
	int err = socket_and_addr(vs, fd, sa, len, &f, &a, &port);
	if (err)
		return err;
	/* The interface speaks one family (a mapped address means IPv4). */
	if (a.family != vs->local_addr.family)
		return -ENETUNREACH;
	err = tcp_connect(vs, f->u.sock.ts, &a, port);
	if (err != -EINPROGRESS || vs_file_nonblocking(f))
		return err;
	/* A blocking connect waits for the handshake to end either way. */
	int64_t deadline = vs_deadline_after(vs, f->u.sock.sndtimeo_us);
	f->refs++;
	for (;;) {
		int st = tcp_state(f->u.sock.ts);
		if (st != VWIRE_TCP_SYN_SENT && st != VWIRE_TCP_SYN_RECV) {
			err = tcp_connect(vs, f->u.sock.ts, &a, port);
			if (err == -EISCONN)
				err = 0;
			break;
		}
		if ((err = vs_wait_file(vs, f, deadline, -EINPROGRESS)))
			break;
	}
	vs_file_put(vs, f);
	return err;
}

int vs_sys_close(struct vstack *vs, int fd)
{
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!f)
		return -EBADF;
	vs->fds->files[fd] = NULL;
	vs_epoll_forget(vs, f);
	f->closed = true;
	switch (f->kind) {
	case VS_FILE_SOCKET:
		tcp_set_fd(f->u.sock.ts, -1);
		tcp_close(vs, f->u.sock.ts);
		f->u.sock.ts = NULL;
		break;
	case VS_FILE_PIPE_READ:
	case VS_FILE_PIPE_WRITE:
		vs_pipe_release(vs, f);
		break;
	case VS_FILE_EPOLL:
		break;
	}
	vs_wakeup(vs); /* calls blocked on this descriptor see it closed */
	vs_file_put(vs, f);
	return 0;
}

int vs_sys_shutdown(struct vstack *vs, int fd, int how)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	err = tcp_shutdown(vs, f->u.sock.ts, how);
	vs_wakeup(vs);
	return err;
}

static int name_of(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len,
		   bool peer)
{
	struct vs_file *f;
	int err = vs_fd_socket(vs, fd, &f);
	if (err)
		return err;
	if (!sa || !len)
		return -EFAULT;
	struct vs_addr a;
	uint16_t port = 0;
	memset(&a, 0, sizeof(a));
	a.family = f->u.sock.family;
	err = peer ? tcp_peer_name(f->u.sock.ts, &a, &port)
		   : tcp_local_name(f->u.sock.ts, &a, &port);
	if (err)
		return err;
	return vs_sockaddr_out(&f->u.sock, &a, port, sa, len);
}

int vs_sys_getsockname(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len)
{
	return name_of(vs, fd, sa, len, false);
}

int vs_sys_getpeername(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len)
{
	return name_of(vs, fd, sa, len, true);
}
