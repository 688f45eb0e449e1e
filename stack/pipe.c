/* Pipes: a bounded byte ring shared by a read end and a write end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct vs_pipe {
	uint8_t buf[VS_PIPE_CAPACITY];
	size_t head, len;
	bool reader_open, writer_open;
};

int vs_sys_pipe(struct vstack *vs, int fds[2])
{
	if (!fds)
		return -EFAULT;
	struct vs_pipe *p = calloc(1, sizeof(*p));
	struct vs_file *r = vs_file_new(VS_FILE_PIPE_READ);
	struct vs_file *w = vs_file_new(VS_FILE_PIPE_WRITE);
	if (!p || !r || !w) {
		free(p);
		free(r);
		free(w);
		return -ENOMEM;
	}
	p->reader_open = p->writer_open = true;
	r->u.pipe = w->u.pipe = p;
	int rfd = vs_fd_install(vs, r);
	if (rfd < 0) {
		free(p);
		free(r);
		free(w);
		return rfd;
	}
	int wfd = vs_fd_install(vs, w);
	if (wfd < 0) {
		vs->fds->files[rfd] = NULL;
		free(p);
		free(r);
		free(w);
		return wfd;
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

/* An end closes; the ring goes with the last end. */
void vs_pipe_release(struct vstack *vs, struct vs_file *f)
{
	(void)vs;
	struct vs_pipe *p = f->u.pipe;
	if (!p)
		return;
	if (f->kind == VS_FILE_PIPE_READ)
		p->reader_open = false;
	else
		p->writer_open = false;
	f->u.pipe = NULL;
	if (!p->reader_open && !p->writer_open)
		free(p);
}

ssize_t vs_pipe_read(struct vstack *vs, struct vs_file *f, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	f->refs++;
	ssize_t r;
	for (;;) {
		struct vs_pipe *p = f->u.pipe;
		if (f->closed || !p) {
			r = -EBADF;
			break;
		}
		if (p->len) {
			size_t n = len < p->len ? len : p->len;
			for (size_t i = 0; i < n; i++)
				((uint8_t *)buf)[i] = p->buf[(p->head + i) % VS_PIPE_CAPACITY];
			p->head = (p->head + n) % VS_PIPE_CAPACITY;
			p->len -= n;
			vs_wakeup(vs); /* a writer may have room now */
			r = (ssize_t)n;
			break;
		}
		if (!p->writer_open) {
			r = 0;
			break;
		}
		if (vs_file_nonblocking(f)) {
			r = -EAGAIN;
			break;
		}
		vs_wait(vs, -1);
	}
	vs_file_put(vs, f);
	return r;
}

ssize_t vs_pipe_write(struct vstack *vs, struct vs_file *f, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r = 0;
	f->refs++;
	while (done < len) {
		struct vs_pipe *p = f->u.pipe;
		if (f->closed || !p) {
			r = -EBADF;
			break;
		}
		if (!p->reader_open) {
			r = -EPIPE;
			break;
		}
		size_t room = VS_PIPE_CAPACITY - p->len;
		if (room) {
			size_t n = len - done < room ? len - done : room;
			for (size_t i = 0; i < n; i++)
				p->buf[(p->head + p->len + i) % VS_PIPE_CAPACITY] =
					((const uint8_t *)buf)[done + i];
			p->len += n;
			done += n;
			vs_wakeup(vs);
			continue;
		}
		if (vs_file_nonblocking(f)) {
			r = -EAGAIN;
			break;
		}
		vs_wait(vs, -1);
	}
	vs_file_put(vs, f);
	return done ? (ssize_t)done : r;
}

unsigned vs_pipe_poll(const struct vs_file *f)
{
	const struct vs_pipe *p = f->u.pipe;
	if (!p)
		return POLLNVAL;
	if (f->kind == VS_FILE_PIPE_READ) {
		unsigned m = p->len ? (POLLIN | POLLRDNORM) : 0;
		return m | (p->writer_open ? 0 : POLLHUP);
	}
	if (!p->reader_open)
		return POLLERR;
	return p->len < VS_PIPE_CAPACITY ? (POLLOUT | POLLWRNORM) : 0;
}

size_t vs_pipe_bytes(const struct vs_file *f)
{
	return f->u.pipe ? f->u.pipe->len : 0;
}

size_t vs_pipe_room(const struct vs_file *f)
{
	return f->u.pipe ? VS_PIPE_CAPACITY - f->u.pipe->len : 0;
}

/* splice between a socket and a pipe, through a bounce buffer: the bytes
 * move as a read from one and a write to the other would move them. */
ssize_t vs_sys_splice(struct vstack *vs, int fd_in, loff_t *off_in, int fd_out,
		      loff_t *off_out, size_t len, unsigned flags)
{
	struct vs_file *in = vs_fd_get(vs, fd_in), *out = vs_fd_get(vs, fd_out);
	if (!in || !out)
		return -EBADF;
	if (in->kind == VS_FILE_PIPE_WRITE || out->kind == VS_FILE_PIPE_READ)
		return -EBADF;
	bool in_pipe = in->kind == VS_FILE_PIPE_READ, out_pipe = out->kind == VS_FILE_PIPE_WRITE;
	if (!in_pipe && !out_pipe)
		return -EINVAL; /* one end must be a pipe */
	if ((in_pipe && off_in) || (out_pipe && off_out))
		return -ESPIPE;
	if ((!in_pipe && in->kind != VS_FILE_SOCKET) || (!out_pipe && out->kind != VS_FILE_SOCKET))
		return -EINVAL;
	if (len == 0)
		return 0;
	bool nonblock = (flags & SPLICE_F_NONBLOCK) != 0;
	if (len > VS_PIPE_CAPACITY)
		len = VS_PIPE_CAPACITY;
	uint8_t *tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	ssize_t r;
	if (!in_pipe && in->u.sock.ts && tcp_at_urgent_mark(in->u.sock.ts)) {
		/* As Linux's tcp_read_sock: splice never reads across the
		 * urgent mark; stopped on it with the octet still queued, it
		 * returns 0 at once rather than wait (or spin). */
		free(tmp);
		return 0;
	}
	if (!in_pipe) {
		/* socket -> pipe: take no more than the pipe holds. */
		out->refs++;
		while (vs_pipe_room(out) == 0 && !out->closed && out->u.pipe &&
		       out->u.pipe->reader_open && !nonblock && !vs_file_nonblocking(out))
			vs_wait(vs, -1);
		size_t room = vs_pipe_room(out);
		bool gone = out->closed || !out->u.pipe;
		vs_file_put(vs, out);
		if (gone) {
			free(tmp);
			return -EBADF;
		}
		if (room == 0) {
			free(tmp);
			return -EAGAIN;
		}
		struct iovec v = { tmp, len < room ? len : room };
		struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
		r = vs_sys_recvmsg(vs, fd_in, &m, nonblock ? MSG_DONTWAIT : 0, true);
		if (r > 0 && (out = vs_fd_get(vs, fd_out)) != NULL)
			r = vs_pipe_write(vs, out, tmp, (size_t)r);
	} else {
		/* pipe -> socket */
		int saved = in->status_flags;
		if (nonblock)
			in->status_flags |= O_NONBLOCK;
		r = vs_pipe_read(vs, in, tmp, len);
		if (vs_fd_get(vs, fd_in) == in)
			in->status_flags = saved;
		if (r > 0) {
			struct iovec v = { tmp, (size_t)r };
			struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
			r = vs_sys_sendmsg(vs, fd_out, &m, nonblock ? MSG_DONTWAIT : 0, true);
		}
	}
	free(tmp);
	return r;
}
