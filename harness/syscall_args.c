/* Arguments of system calls: evaluation from the syntax tree, the call
 * through the target's table, and the out-parameters checked after it. */
#include "run_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "calls.h"
#include "cmsg_private.h"
#include "fd_map.h"

#define MAX_IOV 64
#define MAX_POLL 64
#define DEFAULT_OPT_LEN 256

struct call_args {
	const struct syscall *sc;
	int id;
	long a[6];                 /* integer arguments */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	void *buf;                 /* data buffer, option value */
	size_t buflen;
	struct iovec iov[MAX_IOV];
	int iovcnt;
	struct msghdr msg;
	struct pollfd pfds[MAX_POLL];
	int nfds;
	struct epoll_event epev;
	void *control;             /* msg_control: built (sendmsg) or room (recvmsg) */
	const struct expr *want_control;
	int script_fd[2];          /* the fd arguments as the script wrote them */
	bool host_fd, host_fd2;    /* a[0] / the second fd: a file vwire opened */
	int pfd_script[MAX_POLL];  /* poll's fds as the script wrote them */
	char *path;                /* open() */
	long long offset;          /* sendfile's *offset */
	bool has_offset;
	int pipefd[2];
	int intval;                /* ioctl/getsockopt int out-parameter */
	socklen_t optlen;
	struct linger linger;
	/* What the script expects of out-parameters. */
	const struct expr *want_optval, *want_optlen, *want_int, *want_pipe;
	const struct expr *want_msg_flags, *want_epev;
	const struct expr *want_revents[MAX_POLL];
};

static int fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* An integer: a number, a resolved constant, A|B, htons(), inet_addr(),
 * or [N] (a one-element list, as scripts write ints passed by pointer). */
static int eval_int(const struct expr *e, long long *v, char *msg, size_t len)
{
	long long l, r;
	switch (e->kind) {
	case EXPR_INT:
		*v = e->u.num;
		return 0;
	case EXPR_WORD:
		if (e->resolved) {
			*v = e->value;
			return 0;
		}
		if (!strcmp(e->u.word, "NULL")) {
			*v = 0;
			return 0;
		}
		return fail(msg, len, "unknown symbol '%s' at line %d", e->u.word, e->pos.line);
	case EXPR_BINOP:
		if (eval_int(e->u.binop.lhs, &l, msg, len) || eval_int(e->u.binop.rhs, &r, msg, len))
			return -1;
		*v = l | r;
		return 0;
	case EXPR_LIST:
		if (e->u.list.count == 1)
			return eval_int(e->u.list.items[0], v, msg, len);
		break;
	case EXPR_CALL: {
		const char *n = e->u.call.name;
		if (e->u.call.args.count != 1)
			break;
		const struct expr *a = e->u.call.args.items[0];
		if (!strcmp(n, "inet_addr") && a->kind == EXPR_STRING) {
			struct in_addr in;
			if (inet_pton(AF_INET, a->u.string.bytes, &in) != 1)
				return fail(msg, len, "bad address \"%s\"", a->u.string.bytes);
			*v = (long long)in.s_addr;
			return 0;
		}
		if (eval_int(a, &l, msg, len))
			return -1;
		if (!strcmp(n, "htons") || !strcmp(n, "ntohs")) {
			*v = htons((uint16_t)l);
			return 0;
		}
		if (!strcmp(n, "htonl") || !strcmp(n, "ntohl")) {
			*v = htonl((uint32_t)l);
			return 0;
		}
		break;
	}
	default:
		break;
	}
	return fail(msg, len, "expected an integer at line %d column %d", e->pos.line, e->pos.column);
}

static int arg_int(const struct call_args *c, size_t i, long long *v, char *msg, size_t len)
{
	if (i >= c->sc->args.count)
		return fail(msg, len, "missing argument %zu", i + 1);
	return eval_int(c->sc->args.items[i], v, msg, len);
}

static const struct expr *arg(const struct call_args *c, size_t i)
{
	return i < c->sc->args.count ? c->sc->args.items[i] : NULL;
}

static bool is_ellipsis(const struct expr *e)
{
	return !e || e->kind == EXPR_ELLIPSIS;
}

static const struct expr *field(const struct expr *s, const char *name)
{
	if (!s || s->kind != EXPR_STRUCT)
		return NULL;
	for (size_t i = 0; i < s->u.fields.count; i++)
		if (s->u.fields.fields[i].name && !strcmp(s->u.fields.fields[i].name, name))
			return s->u.fields.fields[i].value;
	return NULL;
}

static const struct struct_field *field_entry(const struct expr *s, const char *name)
{
	if (!s || s->kind != EXPR_STRUCT)
		return NULL;
	for (size_t i = 0; i < s->u.fields.count; i++)
		if (s->u.fields.fields[i].name && !strcmp(s->u.fields.fields[i].name, name))
			return &s->u.fields.fields[i];
	return NULL;
}

int call_eval_int(const struct expr *e, long long *v, char *msg, size_t len)
{
	return eval_int(e, v, msg, len);
}

const struct expr *call_field(const struct expr *s, const char *name)
{
	return field(s, name);
}

/* The script's own address for bind (local) or connect (remote). */
static void default_addr(struct run_state *rs, bool local, struct sockaddr_storage *ss,
			 socklen_t *len)
{
	struct config *cfg = rs->cfg;
	const char *ip = local ? cfg->local_ip : cfg->remote_ip;
	int port = local ? cfg->bind_port : cfg->connect_port;
	memset(ss, 0, sizeof(*ss));
	if (cfg->ip_mode == VWIRE_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &sin->sin_addr);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (cfg->ip_mode == VWIRE_IPV4_MAPPED_IPV6 && !strchr(ip, ':')) {
			char mapped[80];
			snprintf(mapped, sizeof(mapped), "::ffff:%s", ip);
			inet_pton(AF_INET6, mapped, &sin6->sin6_addr);
		} else {
			inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		}
		*len = sizeof(*sin6);
	}
}

/* A sockaddr argument: `...`, or {sa_family=..., sin_port=..., sin_addr=...}. */
static int eval_addr(struct run_state *rs, const struct expr *e, bool local,
		     struct sockaddr_storage *ss, socklen_t *len, char *msg, size_t mlen)
{
	default_addr(rs, local, ss, len);
	if (is_ellipsis(e))
		return 0;
	if (e->kind == EXPR_WORD && e->resolved) {
		/* A bare family (AF_UNSPEC): the script's address with it. */
		((struct sockaddr *)ss)->sa_family = (sa_family_t)e->value;
		return 0;
	}
	if (e->kind != EXPR_STRUCT)
		return fail(msg, mlen, "expected a socket address at line %d", e->pos.line);
	long long fam = AF_INET, port = 0, a = 0;
	const struct expr *f;
	if ((f = field(e, "sa_family")) && eval_int(f, &fam, msg, mlen))
		return -1;
	if (((f = field(e, "sin_port")) || (f = field(e, "sin6_port"))) && eval_int(f, &port, msg, mlen))
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = (uint16_t)port;
		if ((f = field(e, "sin_addr")) && eval_int(f, &a, msg, mlen))
			return -1;
		sin->sin_addr.s_addr = (uint32_t)a;
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = (uint16_t)port;
		f = field(e, "sin6_addr");
		if (f && f->kind == EXPR_CALL && f->u.call.args.count == 1 &&
		    f->u.call.args.items[0]->kind == EXPR_STRING)
			inet_pton(AF_INET6, f->u.call.args.items[0]->u.string.bytes, &sin6->sin6_addr);
		*len = sizeof(*sin6);
	}
	return 0;
}

static bool is_null(const struct expr *e)
{
	return e && e->kind == EXPR_WORD && !strcmp(e->u.word, "NULL");
}

/* A data buffer: `...` (zeros), a string, or NULL: passed as is, for the
 * target to answer EFAULT as the kernel does. */
static int eval_buffer(struct call_args *c, const struct expr *e, long long len,
		       char *msg, size_t mlen)
{
	if (is_null(e)) {
		c->buf = NULL;
		c->buflen = len < 0 ? 0 : (size_t)len;
		return 0;
	}
	if (len < 0 || len > (64LL << 20))
		return fail(msg, mlen, "buffer length %lld out of range", len);
	c->buflen = (size_t)len;
	c->buf = calloc(1, c->buflen ? c->buflen : 1);
	if (!c->buf)
		return fail(msg, mlen, "out of memory");
	if (e && e->kind == EXPR_STRING)
		memcpy(c->buf, e->u.string.bytes, e->u.string.len < c->buflen ? e->u.string.len : c->buflen);
	return 0;
}

/* [{..., N}, ...] or [{iov_base=..., iov_len=N}]: one buffer per entry. */
static int eval_iov(struct call_args *c, const struct expr *e, char *msg, size_t mlen)
{
	if (is_ellipsis(e)) {
		c->iovcnt = 0;
		return 0;
	}
	if (e->kind != EXPR_LIST)
		return fail(msg, mlen, "expected an iovec list at line %d", e->pos.line);
	if (e->u.list.count > MAX_IOV)
		return fail(msg, mlen, "too many iovecs");
	for (size_t i = 0; i < e->u.list.count; i++) {
		const struct expr *s = e->u.list.items[i];
		long long n = 0;
		const struct expr *l = field(s, "iov_len");
		if (!l && s->kind == EXPR_STRUCT && s->u.fields.count == 2)
			l = s->u.fields.fields[1].value;
		if (!l || eval_int(l, &n, msg, mlen))
			return fail(msg, mlen, "iovec without a length at line %d", s->pos.line);
		if (n < 0 || n > (16LL << 20))
			return fail(msg, mlen, "iovec length %lld out of range", n);
		c->iov[i].iov_base = calloc(1, n ? (size_t)n : 1);
		c->iov[i].iov_len = (size_t)n;
		if (!c->iov[i].iov_base)
			return fail(msg, mlen, "out of memory");
		c->iovcnt = (int)i + 1;
	}
	return 0;
}

static int eval_msghdr(struct run_state *rs, struct call_args *c, const struct expr *e,
		       bool sending, char *msg, size_t mlen)
{
	memset(&c->msg, 0, sizeof(c->msg));
	if (is_ellipsis(e))
		return 0;
	if (e->kind != EXPR_STRUCT)
		return fail(msg, mlen, "expected a msghdr at line %d", e->pos.line);
	const struct struct_field *name = field_entry(e, "msg_name");
	if (name) {
		if (eval_addr(rs, name->value, !sending ? false : false, &c->addr, &c->addrlen, msg, mlen))
			return -1;
		c->msg.msg_name = &c->addr;
		c->msg.msg_namelen = sending ? c->addrlen : sizeof(c->addr);
	}
	if (eval_iov(c, field(e, "msg_iov"), msg, mlen))
		return -1;
	c->msg.msg_iov = c->iov;
	c->msg.msg_iovlen = (size_t)c->iovcnt;
	const struct expr *ctl = field(e, "msg_control");
	if (sending) {
		size_t n;
		if (cmsg_build(ctl, &c->control, &n, msg, mlen))
			return -1;
		c->msg.msg_control = c->control;
		c->msg.msg_controllen = n;
	} else if (ctl) {
		/* Room whatever the script expects: what the target sends
		 * unasked is checked against the list too. */
		c->control = calloc(1, CMSG_RECV_SPACE);
		if (!c->control)
			return fail(msg, mlen, "out of memory");
		c->msg.msg_control = c->control;
		c->msg.msg_controllen = CMSG_RECV_SPACE;
		if (!is_ellipsis(ctl))
			c->want_control = ctl;
	}
	const struct expr *fl = field(e, "msg_flags");
	if (fl && !is_ellipsis(fl)) {
		long long v;
		if (eval_int(fl, &v, msg, mlen))
			return -1;
		if (sending)
			c->msg.msg_flags = (int)v;
		else
			c->want_msg_flags = fl;
	}
	return 0;
}

/* setsockopt's value: an int, [int], a linger struct, a string, or `...`. */
static int eval_optval_in(struct call_args *c, const struct expr *e, long long len,
			  char *msg, size_t mlen)
{
	if (e && e->kind == EXPR_STRING) {
		c->buflen = e->u.string.len;
		c->buf = malloc(c->buflen + 1);
		if (!c->buf)
			return fail(msg, mlen, "out of memory");
		memcpy(c->buf, e->u.string.bytes, c->buflen + 1);
		return 0;
	}
	if (e && e->kind == EXPR_STRUCT) {
		const struct expr *on = field(e, "l_onoff"), *lg = field(e, "l_linger");
		if (!on || !lg)
			return fail(msg, mlen, "only struct linger values are supported at line %d", e->pos.line);
		long long a, b;
		if (eval_int(on, &a, msg, mlen) || eval_int(lg, &b, msg, mlen))
			return -1;
		c->linger.l_onoff = (int)a;
		c->linger.l_linger = (int)b;
		c->buf = malloc(sizeof(c->linger));
		if (!c->buf)
			return fail(msg, mlen, "out of memory");
		memcpy(c->buf, &c->linger, sizeof(c->linger));
		c->buflen = sizeof(c->linger);
		return 0;
	}
	if (is_ellipsis(e))
		return eval_buffer(c, NULL, len > 0 ? len : 4, msg, mlen);
	long long v;
	if (eval_int(e, &v, msg, mlen))
		return -1;
	c->intval = (int)v;
	c->buf = malloc(sizeof(int));
	if (!c->buf)
		return fail(msg, mlen, "out of memory");
	memcpy(c->buf, &c->intval, sizeof(int));
	c->buflen = sizeof(int);
	return 0;
}

static int prepare_poll(struct call_args *c, char *msg, size_t mlen)
{
	const struct expr *l = arg(c, 0);
	if (!l || l->kind != EXPR_LIST)
		return fail(msg, mlen, "poll expects a list of pollfd structs");
	if (l->u.list.count > MAX_POLL)
		return fail(msg, mlen, "too many pollfds");
	for (size_t i = 0; i < l->u.list.count; i++) {
		const struct expr *s = l->u.list.items[i];
		long long fd = -1, ev = 0;
		const struct expr *f;
		if ((f = field(s, "fd")) && eval_int(f, &fd, msg, mlen))
			return -1;
		if ((f = field(s, "events")) && eval_int(f, &ev, msg, mlen))
			return -1;
		c->pfds[i].fd = (int)fd;
		c->pfds[i].events = (short)ev;
		c->want_revents[i] = field(s, "revents");
		c->nfds = (int)i + 1;
	}
	long long n, t;
	if (arg_int(c, 1, &n, msg, mlen) || arg_int(c, 2, &t, msg, mlen))
		return -1;
	c->a[1] = (long)n;
	c->a[2] = (long)t;
	return 0;
}

static int prepare_epoll_event(struct call_args *c, const struct expr *e, char *msg, size_t mlen)
{
	memset(&c->epev, 0, sizeof(c->epev));
	if (is_ellipsis(e))
		return 0;
	if (e->kind == EXPR_LIST && e->u.list.count == 1)
		e = e->u.list.items[0];
	long long v;
	const struct expr *f;
	if ((f = field(e, "events"))) {
		if (eval_int(f, &v, msg, mlen))
			return -1;
		c->epev.events = (uint32_t)v;
	}
	if ((f = field(e, "fd")) || (f = field(e, "u32")) || (f = field(e, "u64")) ||
	    (f = field(e, "data"))) {
		if (eval_int(f, &v, msg, mlen))
			return -1;
		c->epev.data.u64 = (uint64_t)v;
	}
	return 0;
}

/* open(PATH, FLAGS[, MODE]): a file of the host, for sendfile; relative
 * paths from the script's folder, where its commands run. */
static int prepare_open(struct run_state *rs, struct call_args *c, long long *v,
			char *msg, size_t mlen)
{
	const struct expr *p = arg(c, 0);
	if (!p || p->kind != EXPR_STRING)
		return fail(msg, mlen, "open expects a file name string");
	if (p->u.string.bytes[0] == '/')
		c->path = strdup(p->u.string.bytes);
	else if (asprintf(&c->path, "%s/%s", rs->script_dir, p->u.string.bytes) < 0)
		c->path = NULL;
	if (!c->path)
		return fail(msg, mlen, "out of memory");
	if (arg_int(c, 1, &v[1], msg, mlen))
		return -1;
	if (c->sc->args.count > 2 && arg_int(c, 2, &v[2], msg, mlen))
		return -1;
	return 0;
}

/* Whether the target's table has what the call needs (sendfile: write). */
static bool target_has_call(struct run_state *rs, int id)
{
	const struct packetdrill_interface *f = &rs->target->ifc;
	switch (id) {
	case CALL_SOCKET: return f->socket;
	case CALL_BIND: return f->bind;
	case CALL_CONNECT: return f->connect;
	case CALL_LISTEN: return f->listen;
	case CALL_ACCEPT: return f->accept;
	case CALL_READ: return f->read;
	case CALL_WRITE: case CALL_SENDFILE: return f->write;
	case CALL_RECV: return f->recv;
	case CALL_SEND: return f->send;
	case CALL_RECVFROM: return f->recvfrom;
	case CALL_SENDTO: return f->sendto;
	case CALL_READV: return f->readv;
	case CALL_WRITEV: return f->writev;
	case CALL_RECVMSG: return f->recvmsg;
	case CALL_SENDMSG: return f->sendmsg;
	case CALL_FCNTL: return f->fcntl;
	case CALL_IOCTL: return f->ioctl;
	case CALL_CLOSE: return f->close;
	case CALL_SHUTDOWN: return f->shutdown;
	case CALL_GETSOCKOPT: return f->getsockopt;
	case CALL_SETSOCKOPT: return f->setsockopt;
	case CALL_POLL: return f->poll;
	case CALL_EPOLL_CREATE: return f->epoll_create;
	case CALL_EPOLL_CTL: return f->epoll_ctl;
	case CALL_EPOLL_WAIT: return f->epoll_wait;
	case CALL_PIPE: return f->pipe;
	case CALL_SPLICE: return f->splice;
	case CALL_OPEN: return true; /* the host's */
	default: return false;
	}
}

/* Script fds to live ones; the script's numbers stay for messages. */
static void translate_fds(struct run_state *rs, struct call_args *c)
{
	int second = -1; /* index of a second fd argument */
	switch (c->id) {
	case CALL_SOCKET: case CALL_PIPE: case CALL_OPEN: case CALL_EPOLL_CREATE:
		return;
	case CALL_POLL:
		for (int i = 0; i < c->nfds; i++) {
			c->pfd_script[i] = c->pfds[i].fd;
			if (c->pfds[i].fd >= 0)
				c->pfds[i].fd = fd_map_live(&rs->fds, c->pfds[i].fd);
		}
		return;
	case CALL_EPOLL_CTL: case CALL_SPLICE:
		second = 2;
		break;
	case CALL_SENDFILE:
		second = 1;
		break;
	default:
		break;
	}
	c->script_fd[0] = (int)c->a[0];
	const struct fd_map_entry *e = fd_map_find(&rs->fds, (int)c->a[0]);
	c->host_fd = e && e->owner == FD_HOST;
	c->a[0] = fd_map_live(&rs->fds, (int)c->a[0]);
	if (second > 0) {
		c->script_fd[1] = (int)c->a[second];
		e = fd_map_find(&rs->fds, (int)c->a[second]);
		c->host_fd2 = e && e->owner == FD_HOST;
		c->a[second] = fd_map_live(&rs->fds, (int)c->a[second]);
	}
}

struct call_args *call_args_prepare(struct run_state *rs, const struct syscall *sc,
				    char *msg, size_t mlen)
{
	struct call_args *c = calloc(1, sizeof(*c));
	if (!c) {
		fail(msg, mlen, "out of memory");
		return NULL;
	}
	c->sc = sc;
	c->id = sc->call_id;
	long long v[6] = { 0 };
	int rc = 0;
	const struct expr *e;
	switch (c->id) {
	case CALL_SOCKET:
		e = arg(c, 0);
		if (is_ellipsis(e))
			v[0] = rs->cfg->ip_mode == VWIRE_IPV4 ? AF_INET : AF_INET6;
		else
			rc = eval_int(e, &v[0], msg, mlen);
		rc = rc || arg_int(c, 1, &v[1], msg, mlen) || arg_int(c, 2, &v[2], msg, mlen);
		break;
	case CALL_BIND:
	case CALL_CONNECT:
		rc = arg_int(c, 0, &v[0], msg, mlen) ||
		     eval_addr(rs, arg(c, 1), c->id == CALL_BIND, &c->addr, &c->addrlen, msg, mlen);
		if (!rc && !is_ellipsis(arg(c, 2)) && !eval_int(arg(c, 2), &v[2], msg, mlen))
			c->addrlen = (socklen_t)v[2];
		break;
	case CALL_LISTEN:
	case CALL_SHUTDOWN:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen);
		break;
	case CALL_ACCEPT:
		rc = arg_int(c, 0, &v[0], msg, mlen);
		c->addrlen = sizeof(c->addr);
		break;
	case CALL_CLOSE:
	case CALL_EPOLL_CREATE:
		rc = arg_int(c, 0, &v[0], msg, mlen);
		break;
	case CALL_READ:
	case CALL_WRITE:
	case CALL_RECV:
	case CALL_SEND:
	case CALL_RECVFROM:
	case CALL_SENDTO:
		e = arg(c, 1);
		/* `...` for the length of a string buffer: the string's. */
		if (e && e->kind == EXPR_STRING && is_ellipsis(arg(c, 2)) && c->sc->args.count > 2)
			v[2] = (long long)e->u.string.len;
		else
			rc = arg_int(c, 2, &v[2], msg, mlen);
		rc = rc || arg_int(c, 0, &v[0], msg, mlen) || eval_buffer(c, e, v[2], msg, mlen);
		if (!rc && c->id != CALL_READ && c->id != CALL_WRITE && c->sc->args.count > 3)
			rc = arg_int(c, 3, &v[3], msg, mlen);
		if (!rc && c->id == CALL_SENDTO)
			rc = eval_addr(rs, arg(c, 4), false, &c->addr, &c->addrlen, msg, mlen);
		if (c->id == CALL_RECVFROM)
			c->addrlen = sizeof(c->addr);
		break;
	case CALL_READV:
	case CALL_WRITEV:
		rc = arg_int(c, 0, &v[0], msg, mlen) || eval_iov(c, arg(c, 1), msg, mlen);
		/* `...` for the count: the list's own length. */
		if (!rc && is_ellipsis(arg(c, 2)) && c->sc->args.count > 2)
			v[2] = c->iovcnt;
		else if (!rc)
			rc = arg_int(c, 2, &v[2], msg, mlen);
		break;
	case CALL_SENDMSG:
	case CALL_RECVMSG:
		rc = arg_int(c, 0, &v[0], msg, mlen) ||
		     eval_msghdr(rs, c, arg(c, 1), c->id == CALL_SENDMSG, msg, mlen) ||
		     arg_int(c, 2, &v[2], msg, mlen);
		break;
	case CALL_FCNTL:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen);
		if (!rc && c->sc->args.count > 2)
			rc = arg_int(c, 2, &v[2], msg, mlen);
		break;
	case CALL_IOCTL:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen);
		e = arg(c, 2);
		if (!rc && e && e->kind == EXPR_LIST)
			c->want_int = e;
		break;
	case CALL_GETSOCKOPT:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen) ||
		     arg_int(c, 2, &v[2], msg, mlen);
		if (rc)
			break;
		e = arg(c, 4);
		c->optlen = DEFAULT_OPT_LEN;
		if (!is_ellipsis(e)) {
			long long n;
			rc = eval_int(e, &n, msg, mlen);
			c->optlen = (socklen_t)n;
			c->want_optlen = e;
		}
		e = arg(c, 3);
		if (!rc)
			rc = eval_buffer(c, NULL, c->optlen > DEFAULT_OPT_LEN ? c->optlen : DEFAULT_OPT_LEN, msg, mlen);
		if (!is_ellipsis(e))
			c->want_optval = e;
		break;
	case CALL_SETSOCKOPT:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen) ||
		     arg_int(c, 2, &v[2], msg, mlen);
		if (rc)
			break;
		e = arg(c, 4);
		if (!is_ellipsis(e))
			rc = eval_int(e, &v[4], msg, mlen);
		if (!rc)
			rc = eval_optval_in(c, arg(c, 3), is_ellipsis(e) ? -1 : v[4], msg, mlen);
		c->optlen = is_ellipsis(e) ? (socklen_t)c->buflen : (socklen_t)v[4];
		break;
	case CALL_POLL:
		rc = prepare_poll(c, msg, mlen);
		break;
	case CALL_EPOLL_CTL:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen) ||
		     arg_int(c, 2, &v[2], msg, mlen) || prepare_epoll_event(c, arg(c, 3), msg, mlen);
		break;
	case CALL_EPOLL_WAIT:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 2, &v[2], msg, mlen) ||
		     arg_int(c, 3, &v[3], msg, mlen);
		e = arg(c, 1);
		if (!rc && !is_ellipsis(e)) {
			c->want_epev = e;
			rc = prepare_epoll_event(c, e, msg, mlen);
		}
		break;
	case CALL_PIPE:
		e = arg(c, 0);
		if (e && e->kind == EXPR_LIST)
			c->want_pipe = e;
		break;
	case CALL_SPLICE:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 2, &v[2], msg, mlen) ||
		     arg_int(c, 4, &v[4], msg, mlen) || arg_int(c, 5, &v[5], msg, mlen);
		break;
	case CALL_OPEN:
		rc = prepare_open(rs, c, v, msg, mlen);
		break;
	case CALL_SENDFILE:
		rc = arg_int(c, 0, &v[0], msg, mlen) || arg_int(c, 1, &v[1], msg, mlen) ||
		     arg_int(c, 3, &v[3], msg, mlen);
		e = arg(c, 2);
		if (!rc && !is_ellipsis(e) && !is_null(e)) {
			rc = eval_int(e, &c->offset, msg, mlen);
			c->has_offset = true;
		}
		if (!rc && (v[3] < 0 || v[3] > (64LL << 20)))
			rc = fail(msg, mlen, "sendfile count %lld out of range", v[3]);
		break;
	default:
		rc = fail(msg, mlen, "%s() is not part of packetdrill's target interface: vwire cannot call it on any target",
			  sc->name);
		break;
	}
	if (!rc && !target_has_call(rs, c->id))
		rc = fail(msg, mlen, "the target (%s) does not implement %s()", rs->target->name, sc->name);
	if (rc) {
		call_args_free(c);
		return NULL;
	}
	for (int i = 0; i < 6; i++)
		c->a[i] = (c->id == CALL_POLL && i > 0) ? c->a[i] : (long)v[i];
	translate_fds(rs, c);
	return c;
}

/* Calls on a file vwire opened for the script: the host's own. */
static long invoke_host(struct call_args *c)
{
	int fd = (int)c->a[0];
	switch (c->id) {
	case CALL_CLOSE: return close(fd);
	case CALL_READ: return read(fd, c->buf, c->buflen);
	case CALL_WRITE: return write(fd, c->buf, c->buflen);
	case CALL_FCNTL: return fcntl(fd, (int)c->a[1], c->a[2]);
	default: errno = ENOTSOCK; return -1;
	}
}

/* sendfile(out, in, offset, count), in being a file vwire opened: read
 * it here and write it to the target's socket, which is all a target of
 * packetdrill's interface can be asked. The file position (or *offset)
 * moves by what the socket took, as the kernel's does. */
static long invoke_sendfile(struct packetdrill_interface *f, struct call_args *c)
{
	if (c->host_fd || !c->host_fd2) {
		errno = EINVAL; /* as Linux: in must be a file, out the socket */
		return -1;
	}
	int in = (int)c->a[1];
	size_t count = (size_t)c->a[3];
	char *b = malloc(count ? count : 1);
	if (!b) {
		errno = ENOMEM;
		return -1;
	}
	ssize_t got = c->has_offset ? pread(in, b, count, (off_t)c->offset) : read(in, b, count);
	if (got <= 0) {
		free(b);
		return got;
	}
	ssize_t w = f->write(f->userdata, (int)c->a[0], b, (size_t)got);
	int saved = errno;
	free(b);
	ssize_t took = w > 0 ? w : 0;
	if (c->has_offset)
		c->offset += took;
	else if (took < got)
		lseek(in, (off_t)(took - got), SEEK_CUR);
	errno = saved;
	return w;
}

long call_args_invoke(struct run_state *rs, struct call_args *c, int *err)
{
	struct packetdrill_interface *f = &rs->target->ifc;
	void *u = f->userdata;
	long r = -1;
	long *a = c->a;
	errno = 0;
	if (c->host_fd && c->id != CALL_SENDFILE) {
		r = invoke_host(c);
		goto out;
	}
#define NEED(fn) do { if (!f->fn) { errno = ENOSYS; goto out; } } while (0)
	switch (c->id) {
	case CALL_SOCKET: NEED(socket); r = f->socket(u, (int)a[0], (int)a[1], (int)a[2]); break;
	case CALL_BIND: NEED(bind); r = f->bind(u, (int)a[0], (struct sockaddr *)&c->addr, c->addrlen); break;
	case CALL_CONNECT: NEED(connect); r = f->connect(u, (int)a[0], (struct sockaddr *)&c->addr, c->addrlen); break;
	case CALL_LISTEN: NEED(listen); r = f->listen(u, (int)a[0], (int)a[1]); break;
	case CALL_ACCEPT: NEED(accept); r = f->accept(u, (int)a[0], (struct sockaddr *)&c->addr, &c->addrlen); break;
	case CALL_READ: NEED(read); r = f->read(u, (int)a[0], c->buf, c->buflen); break;
	case CALL_WRITE: NEED(write); r = f->write(u, (int)a[0], c->buf, c->buflen); break;
	case CALL_RECV: NEED(recv); r = f->recv(u, (int)a[0], c->buf, c->buflen, (int)a[3]); break;
	case CALL_SEND: NEED(send); r = f->send(u, (int)a[0], c->buf, c->buflen, (int)a[3]); break;
	case CALL_RECVFROM: NEED(recvfrom); r = f->recvfrom(u, (int)a[0], c->buf, c->buflen, (int)a[3], (struct sockaddr *)&c->addr, &c->addrlen); break;
	case CALL_SENDTO: NEED(sendto); r = f->sendto(u, (int)a[0], c->buf, c->buflen, (int)a[3], (struct sockaddr *)&c->addr, c->addrlen); break;
	case CALL_READV: NEED(readv); r = f->readv(u, (int)a[0], c->iov, (int)a[2]); break;
	case CALL_WRITEV: NEED(writev); r = f->writev(u, (int)a[0], c->iov, (int)a[2]); break;
	case CALL_RECVMSG: NEED(recvmsg); r = f->recvmsg(u, (int)a[0], &c->msg, (int)a[2]); break;
	case CALL_SENDMSG: NEED(sendmsg); r = f->sendmsg(u, (int)a[0], &c->msg, (int)a[2]); break;
	case CALL_FCNTL: NEED(fcntl); r = f->fcntl(u, (int)a[0], (int)a[1], a[2]); break;
	case CALL_IOCTL:
		NEED(ioctl);
		if (c->want_int || is_ellipsis(arg(c, 2)))
			r = f->ioctl(u, (int)a[0], (unsigned long)a[1], &c->intval);
		else
			r = f->ioctl(u, (int)a[0], (unsigned long)a[1], a[2]);
		break;
	case CALL_CLOSE: NEED(close); r = f->close(u, (int)a[0]); break;
	case CALL_SHUTDOWN: NEED(shutdown); r = f->shutdown(u, (int)a[0], (int)a[1]); break;
	case CALL_GETSOCKOPT: NEED(getsockopt); r = f->getsockopt(u, (int)a[0], (int)a[1], (int)a[2], c->buf, &c->optlen); break;
	case CALL_SETSOCKOPT: NEED(setsockopt); r = f->setsockopt(u, (int)a[0], (int)a[1], (int)a[2], c->buf, c->optlen); break;
	case CALL_POLL: NEED(poll); r = f->poll(u, c->pfds, (nfds_t)a[1], (int)a[2]); break;
	case CALL_EPOLL_CREATE: NEED(epoll_create); r = f->epoll_create(u, (int)a[0]); break;
	case CALL_EPOLL_CTL: NEED(epoll_ctl); r = f->epoll_ctl(u, (int)a[0], (int)a[1], (int)a[2], &c->epev); break;
	case CALL_EPOLL_WAIT: NEED(epoll_wait); r = f->epoll_wait(u, (int)a[0], &c->epev, (int)a[2] > 0 ? 1 : 0, (int)a[3]); break;
	case CALL_PIPE: NEED(pipe); r = f->pipe(u, c->pipefd); break;
	case CALL_SPLICE: NEED(splice); r = f->splice(u, (int)a[0], NULL, (int)a[2], NULL, (size_t)a[4], (unsigned)a[5]); break;
	case CALL_OPEN: r = open(c->path, (int)a[1], (mode_t)a[2]); break;
	case CALL_SENDFILE: NEED(write); r = invoke_sendfile(f, c); break;
	default: errno = ENOSYS; break;
	}
#undef NEED
out:
	*err = errno;
	return r;
}

static int check_int(const char *what, const struct expr *want, long long got,
		     char *msg, size_t mlen)
{
	if (!want || is_ellipsis(want))
		return 0;
	long long v;
	if (eval_int(want, &v, msg, mlen))
		return -1;
	if (v != got)
		return fail(msg, mlen, "Bad %s: expected: %lld actual: %lld", what, v, got);
	return 0;
}

/* An int the target wrote: the script may spell -1 as 0xffffffff. */
static int check_int32(const char *what, const struct expr *want, int got,
		       char *msg, size_t mlen)
{
	if (!want || is_ellipsis(want))
		return 0;
	long long v;
	if (eval_int(want, &v, msg, mlen))
		return -1;
	if (v >= INT32_MIN && v <= (long long)UINT32_MAX && (uint32_t)v == (uint32_t)got)
		return 0;
	return fail(msg, mlen, "Bad %s: expected: %lld actual: %d", what, v, got);
}

int call_args_check(struct run_state *rs, struct call_args *c, long ret, char *msg, size_t mlen)
{
	if (ret < 0)
		return 0;
	switch (c->id) {
	case CALL_GETSOCKOPT: {
		const struct expr *w = c->want_optval;
		if (check_int("getsockopt optlen", c->want_optlen, c->optlen, msg, mlen))
			return -1;
		if (!w)
			return 0;
		if (w->kind == EXPR_STRING) {
			if (strncmp(c->buf, w->u.string.bytes, c->optlen) != 0)
				return fail(msg, mlen, "Bad getsockopt optval: expected: \"%s\" actual: \"%.*s\"",
					    w->u.string.bytes, (int)c->optlen, (char *)c->buf);
			return 0;
		}
		if (w->kind == EXPR_STRUCT) {
			struct linger l;
			memcpy(&l, c->buf, sizeof(l));
			if (check_int("getsockopt l_onoff", field(w, "l_onoff"), l.l_onoff, msg, mlen) ||
			    check_int("getsockopt l_linger", field(w, "l_linger"), l.l_linger, msg, mlen))
				return -1;
			return 0;
		}
		int got;
		memcpy(&got, c->buf, sizeof(got));
		return check_int32("getsockopt optval", w, got, msg, mlen);
	}
	case CALL_IOCTL:
		return check_int32("ioctl value", c->want_int, c->intval, msg, mlen);
	case CALL_POLL:
		for (int i = 0; i < c->nfds; i++) {
			char what[64];
			snprintf(what, sizeof(what), "poll revents for fd %d", c->pfd_script[i]);
			if (check_int(what, c->want_revents[i], (unsigned short)c->pfds[i].revents, msg, mlen))
				return -1;
		}
		return 0;
	case CALL_RECVMSG:
		return check_int("recvmsg msg_flags", c->want_msg_flags, c->msg.msg_flags, msg, mlen) ||
		       cmsg_check(rs, c->want_control, &c->msg, msg, mlen);
	case CALL_EPOLL_WAIT: {
		const struct expr *e = c->want_epev;
		if (!e || ret == 0)
			return 0;
		if (e->kind == EXPR_LIST && e->u.list.count == 1)
			e = e->u.list.items[0];
		const struct expr *f = field(e, "fd");
		if (!f)
			f = field(e, "u64");
		return check_int("epoll_wait events", field(e, "events"), c->epev.events, msg, mlen) ||
		       check_int("epoll_wait data", f, (long long)c->epev.data.u64, msg, mlen);
	}
	case CALL_PIPE:
		/* [A, B] names the two ends, as socket() = N names a socket. */
		if (c->want_pipe && c->want_pipe->u.list.count == 2) {
			for (int i = 0; i < 2; i++) {
				long long want;
				const struct expr *w = c->want_pipe->u.list.items[i];
				if (is_ellipsis(w))
					continue;
				if (eval_int(w, &want, msg, mlen))
					return -1;
				if (fd_map_set(&rs->fds, (int)want, c->pipefd[i], FD_TARGET))
					return fail(msg, mlen, "too many descriptors");
			}
		}
		return 0;
	case CALL_CLOSE:
		fd_map_drop(&rs->fds, c->script_fd[0]);
		return 0;
	default:
		return 0;
	}
}

bool call_args_new_fd(const struct call_args *c, enum fd_owner *owner)
{
	*owner = FD_TARGET;
	switch (c->id) {
	case CALL_SOCKET: case CALL_ACCEPT: case CALL_EPOLL_CREATE:
		return true;
	case CALL_OPEN:
		*owner = FD_HOST;
		return true;
	case CALL_FCNTL:
		*owner = c->host_fd ? FD_HOST : FD_TARGET;
		return c->a[1] == F_DUPFD || c->a[1] == F_DUPFD_CLOEXEC;
	default:
		return false;
	}
}

int call_args_fd(const struct call_args *c)
{
	if (!c)
		return -1;
	switch (c->id) {
	case CALL_SOCKET: case CALL_PIPE: case CALL_POLL: case CALL_EPOLL_CREATE:
	case CALL_EPOLL_WAIT: case CALL_CLOSE:
		return -1;
	default:
		return (int)c->a[0];
	}
}

void call_args_free(struct call_args *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->control);
	free(c->path);
	for (int i = 0; i < c->iovcnt; i++)
		free(c->iov[i].iov_base);
	free(c);
}
