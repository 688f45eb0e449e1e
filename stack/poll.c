/* poll and epoll over the instance's descriptors, waiting in virtual time.
 * Edge-triggered epoll reports a descriptor when a readiness bit rises or,
 * for EPOLLIN, when more data has arrived since the last report, which is
 * when Linux's wakeups would fire. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct ep_item {
	struct vs_file *file;
	int fd;
	struct epoll_event ev;
	bool disabled;        /* EPOLLONESHOT fired */
	unsigned last_mask;   /* for EPOLLET */
	int last_inq;
	uint64_t last_err_gen; /* error reports seen at the last report */
};

struct vs_epoll {
	struct ep_item *items;
	size_t n, cap;
};

#define EP_ALWAYS (EPOLLERR | EPOLLHUP)
#define EP_CTL_FLAGS (EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP)

unsigned vs_file_poll(struct vstack *vs, struct vs_file *f)
{
	switch (f->kind) {
	case VS_FILE_SOCKET:
		/* A socket closed under a blocked call has no TCB any more. */
		if (!f->u.sock.ts)
			return 0;
		return tcp_poll(vs, f->u.sock.ts) |
		       (vs_errq_pending(&f->u.sock) ? POLLERR : 0);
	case VS_FILE_PIPE_READ:
	case VS_FILE_PIPE_WRITE:
		return vs_pipe_poll(f);
	default:
		return 0;
	}
}

int vs_sys_poll(struct vstack *vs, struct pollfd *fds, nfds_t n, int timeout_ms)
{
	if (n > VS_MAX_FDS)
		return -EINVAL;
	if (n && !fds)
		return -EFAULT;
	int64_t deadline = timeout_ms < 0 ? -1 : vs_now(vs) + (int64_t)timeout_ms * 1000;
	for (;;) {
		int ready = 0;
		for (nfds_t i = 0; i < n; i++) {
			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;
			struct vs_file *f = vs_fd_get(vs, fds[i].fd);
			unsigned m = f ? vs_file_poll(vs, f) : POLLNVAL;
			m &= (unsigned)fds[i].events | POLLERR | POLLHUP | POLLNVAL;
			fds[i].revents = (short)m;
			if (m)
				ready++;
		}
		if (ready || timeout_ms == 0)
			return ready;
		if (vs_wait(vs, deadline) == -ETIMEDOUT) {
			for (nfds_t i = 0; i < n; i++)
				fds[i].revents = 0;
			return 0;
		}
	}
}

int vs_sys_epoll_create(struct vstack *vs, int size)
{
	if (size <= 0)
		return -EINVAL;
	struct vs_file *f = vs_file_new(VS_FILE_EPOLL);
	if (!f)
		return -ENOMEM;
	f->u.ep = calloc(1, sizeof(*f->u.ep));
	if (!f->u.ep) {
		free(f);
		return -ENOMEM;
	}
	int fd = vs_fd_install(vs, f);
	if (fd < 0)
		vs_file_put(vs, f);
	return fd;
}

void vs_epoll_free(struct vs_epoll *ep)
{
	if (!ep)
		return;
	free(ep->items);
	free(ep);
}

static struct ep_item *ep_find(struct vs_epoll *ep, struct vs_file *f, int fd)
{
	for (size_t i = 0; i < ep->n; i++)
		if (ep->items[i].file == f && ep->items[i].fd == fd)
			return &ep->items[i];
	return NULL;
}

static void ep_remove(struct vs_epoll *ep, struct ep_item *it)
{
	size_t i = (size_t)(it - ep->items);
	memmove(&ep->items[i], &ep->items[i + 1], (ep->n - i - 1) * sizeof(*it));
	ep->n--;
}

void vs_epoll_forget(struct vstack *vs, struct vs_file *f)
{
	for (int fd = 0; fd < VS_MAX_FDS; fd++) {
		struct vs_file *e = vs->fds->files[fd];
		if (!e || e->kind != VS_FILE_EPOLL)
			continue;
		struct vs_epoll *ep = e->u.ep;
		for (size_t i = ep->n; i-- > 0;)
			if (ep->items[i].file == f)
				ep_remove(ep, &ep->items[i]);
	}
}

static void ep_arm(struct vstack *vs, struct ep_item *it)
{
	it->disabled = false;
	/* Linux checks readiness at once on ADD/MOD: a ready descriptor is
	 * reported even under EPOLLET, so the edge memory starts empty. */
	it->last_mask = 0;
	it->last_inq = 0;
	(void)vs;
}

int vs_sys_epoll_ctl(struct vstack *vs, int epfd, int op, int fd,
		     struct epoll_event *ev)
{
	struct vs_file *e = vs_fd_get(vs, epfd);
	struct vs_file *f = vs_fd_get(vs, fd);
	if (!e || !f)
		return -EBADF;
	if (op != EPOLL_CTL_DEL && !ev)
		return -EFAULT;
	if (f->kind == VS_FILE_EPOLL && f == e)
		return -EINVAL;
	if (e->kind != VS_FILE_EPOLL)
		return -EINVAL;
	if (f->kind == VS_FILE_EPOLL)
		return -EPERM; /* nesting is not supported */
	struct vs_epoll *ep = e->u.ep;
	struct ep_item *it = ep_find(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		if ((ev->events & EPOLLEXCLUSIVE) && (ev->events & EPOLLONESHOT))
			return -EINVAL;
		if (ep->n == ep->cap) {
			size_t cap = ep->cap ? ep->cap * 2 : 8;
			struct ep_item *items = realloc(ep->items, cap * sizeof(*items));
			if (!items)
				return -ENOMEM;
			ep->items = items;
			ep->cap = cap;
		}
		it = &ep->items[ep->n++];
		*it = (struct ep_item){ .file = f, .fd = fd, .ev = *ev };
		ep_arm(vs, it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if ((ev->events & EPOLLEXCLUSIVE) || (it->ev.events & EPOLLEXCLUSIVE))
			return -EINVAL;
		it->ev = *ev;
		ep_arm(vs, it);
		return 0;
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		ep_remove(ep, it);
		return 0;
	default:
		return -EINVAL;
	}
}

/* What item it reports now (0: nothing), updating its edge memory when it
 * reports. */
static unsigned ep_check(struct vstack *vs, struct ep_item *it)
{
	if (it->disabled)
		return 0;
	unsigned want = (it->ev.events & ~(unsigned)EP_CTL_FLAGS) | EP_ALWAYS;
	unsigned cur = vs_file_poll(vs, it->file) & want;
	if (!(it->ev.events & EPOLLET))
		return cur;
	int inq = 0;
	if (it->file->kind == VS_FILE_SOCKET && (cur & EPOLLIN)) {
		inq = tcp_inq(vs, it->file->u.sock.ts);
		if (inq < 0)
			inq = 0;
	}
	bool rose = (cur & ~it->last_mask) != 0;
	bool more_data = (cur & EPOLLIN) && inq > it->last_inq;
	/* Every error report is a wakeup of its own, as sk_error_report. */
	bool more_err = (cur & EPOLLERR) && it->file->kind == VS_FILE_SOCKET &&
			vs_errq_gen(&it->file->u.sock) != it->last_err_gen;
	/* Bits that fell are forgotten, so their next rise is an edge. */
	it->last_mask &= cur;
	if (!(cur & EPOLLIN))
		it->last_inq = 0;
	else if (inq < it->last_inq)
		it->last_inq = inq;
	return rose || more_data || more_err ? cur : 0;
}

static void ep_reported(struct vstack *vs, struct ep_item *it, unsigned mask)
{
	it->last_mask = mask;
	if (it->file->kind == VS_FILE_SOCKET)
		it->last_err_gen = vs_errq_gen(&it->file->u.sock);
	if (it->file->kind == VS_FILE_SOCKET && (mask & EPOLLIN)) {
		int inq = tcp_inq(vs, it->file->u.sock.ts);
		it->last_inq = inq > 0 ? inq : 0;
	}
	if (it->ev.events & EPOLLONESHOT)
		it->disabled = true;
}

int vs_sys_epoll_wait(struct vstack *vs, int epfd, struct epoll_event *evs,
		      int max, int timeout_ms)
{
	struct vs_file *e = vs_fd_get(vs, epfd);
	if (!e)
		return -EBADF;
	if (e->kind != VS_FILE_EPOLL || max <= 0)
		return -EINVAL;
	if (!evs)
		return -EFAULT;
	int64_t deadline = timeout_ms < 0 ? -1 : vs_now(vs) + (int64_t)timeout_ms * 1000;
	e->refs++;
	int n = 0;
	for (;;) {
		struct vs_epoll *ep = e->u.ep;
		for (size_t i = 0; i < ep->n && n < max; i++) {
			unsigned m = ep_check(vs, &ep->items[i]);
			if (!m)
				continue;
			ep_reported(vs, &ep->items[i], m);
			evs[n].events = m;
			evs[n].data = ep->items[i].ev.data;
			n++;
		}
		if (n || timeout_ms == 0 || e->closed)
			break;
		if (vs_wait(vs, deadline) == -ETIMEDOUT)
			break;
	}
	vs_file_put(vs, e);
	return n;
}
