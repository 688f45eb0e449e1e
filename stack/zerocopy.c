/* MSG_ZEROCOPY completions (SO_ZEROCOPY). Each send that queues bytes gets
 * the next id; when the peer has acknowledged all of its bytes Linux frees
 * the last buffer that referenced it and queues a notification on the
 * error queue, extending the tail notification's range [ee_info, ee_data]
 * when the ids follow on. The stack always copies the user's data, so
 * every notification carries SO_EE_CODE_ZEROCOPY_COPIED, as Linux's do
 * when the device copied the pages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"
#include "tcp_seq.h"

struct vs_zc_pending {
	uint32_t id;
	uint32_t end_seq;     /* one past the send's last byte */
};

int vs_zc_setsockopt(struct vs_socket *s, int v)
{
	if (v != 0 && v != 1)
		return -EINVAL;
	struct vs_sockext *x = vs_sockext_get(s);
	if (!x)
		return -ENOMEM;
	x->zerocopy = v;
	return 0;
}

int vs_zc_getsockopt(const struct vs_socket *s)
{
	return s->ext && s->ext->zerocopy;
}

void vs_zc_after_send(struct vstack *vs, struct vs_socket *s, int flags, size_t sent)
{
	(void)vs;
	struct vs_sockext *x = s->ext;
	if (!(flags & MSG_ZEROCOPY) || !sent || !x || !x->zerocopy)
		return; /* without SO_ZEROCOPY the flag is ignored, as Linux does */
	if (x->zc_n == x->zc_cap) {
		size_t cap = x->zc_cap ? x->zc_cap * 2 : 8;
		struct vs_zc_pending *p = realloc(x->zc, cap * sizeof(*p));
		if (!p)
			return;
		x->zc = p;
		x->zc_cap = cap;
	}
	x->zc[x->zc_n++] = (struct vs_zc_pending){ .id = x->zc_next_id++,
		.end_seq = tcp_write_seq(s->ts) };
}

/* The ids [lo, hi] completed: extend the tail notification or queue one. */
static void notify(struct vstack *vs, struct vs_sockext *x, uint32_t lo, uint32_t hi)
{
	struct sock_extended_err *tail = vs_errq_tail_zerocopy(x);
	if (tail && tail->ee_data + 1 == lo &&
	    (uint64_t)tail->ee_data - tail->ee_info + 1 + (hi - lo + 1) < (1ULL << 32)) {
		tail->ee_data = hi;
		vs_errq_touched(vs, x);
		return;
	}
	struct sock_extended_err ee = { .ee_errno = 0,
		.ee_origin = SO_EE_ORIGIN_ZEROCOPY,
		.ee_code = SO_EE_CODE_ZEROCOPY_COPIED, .ee_info = lo, .ee_data = hi };
	vs_errq_push(vs, x, &ee, -1, NULL, 0);
}

void vs_zc_acked(struct vstack *vs, struct vs_sockext *x, uint32_t snd_una)
{
	size_t done = 0;
	while (done < x->zc_n && seq_leq(x->zc[done].end_seq, snd_una))
		done++;
	if (!done)
		return;
	/* One completion per send, in order, as each buffer is freed. */
	for (size_t i = 0; i < done; i++)
		notify(vs, x, x->zc[i].id, x->zc[i].id);
	memmove(x->zc, x->zc + done, (x->zc_n - done) * sizeof(*x->zc));
	x->zc_n -= done;
}
