/* The instance's timer heap: a binary min-heap ordered by deadline, ties
 * broken by arming order so runs are deterministic. */
#include <stdlib.h>

#include "host.h"

struct heap_entry {
	struct vs_timer *t;
	uint64_t order;
};

struct vs_timer_heap {
	struct heap_entry *e;
	size_t n, cap;
	uint64_t next_order;
};

#define NOT_ARMED ((size_t)-1)

static struct vs_timer_heap *heap_of(struct vstack *vs)
{
	if (!vs->timers)
		vs->timers = calloc(1, sizeof(*vs->timers));
	return vs->timers;
}

static bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->t->deadline != b->t->deadline)
		return a->t->deadline < b->t->deadline;
	return a->order < b->order;
}

static void place(struct vs_timer_heap *h, size_t i, struct heap_entry e)
{
	h->e[i] = e;
	e.t->heap_index = i;
}

static void sift_up(struct vs_timer_heap *h, size_t i)
{
	struct heap_entry e = h->e[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!before(&e, &h->e[p]))
			break;
		place(h, i, h->e[p]);
		i = p;
	}
	place(h, i, e);
}

static void sift_down(struct vs_timer_heap *h, size_t i)
{
	struct heap_entry e = h->e[i];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const struct heap_entry *best = &e;
		if (l < h->n && before(&h->e[l], best)) {
			m = l;
			best = &h->e[l];
		}
		if (l + 1 < h->n && before(&h->e[l + 1], best))
			m = l + 1;
		if (m == i)
			break;
		place(h, i, h->e[m]);
		i = m;
	}
	place(h, i, e);
}

/* A quarter full: half the room, so a burst's memory (a million TIME-WAIT
 * timers) goes back once it has fired. Amortized O(1), as the doubling. */
static void maybe_shrink(struct vs_timer_heap *h)
{
	if (h->cap <= 64 || h->n >= h->cap / 4)
		return;
	struct heap_entry *e = realloc(h->e, h->cap / 2 * sizeof(*e));
	if (!e)
		return; /* keep the larger array */
	h->e = e;
	h->cap /= 2;
}

static void heap_remove(struct vs_timer_heap *h, size_t i)
{
	struct vs_timer *t = h->e[i].t;
	t->heap_index = NOT_ARMED;
	h->n--;
	if (i != h->n) {
		place(h, i, h->e[h->n]);
		/* The moved entry may belong above or below its new slot. */
		sift_down(h, i);
		sift_up(h, i);
	}
	maybe_shrink(h);
}

void vs_timer_init(struct vs_timer *t, vs_timer_fn fn)
{
	t->deadline = 0;
	t->fn = fn;
	t->heap_index = NOT_ARMED;
}

void vs_timer_arm(struct vstack *vs, struct vs_timer *t, int64_t deadline)
{
	struct vs_timer_heap *h = heap_of(vs);
	if (!h)
		abort(); /* out of memory before the first timer: nothing sane to do */
	if (vs_timer_armed(t))
		heap_remove(h, t->heap_index);
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct heap_entry *e = realloc(h->e, cap * sizeof(*e));
		if (!e)
			abort();
		h->e = e;
		h->cap = cap;
	}
	t->deadline = deadline;
	struct heap_entry ne = { t, h->next_order++ };
	h->n++;
	place(h, h->n - 1, ne);
	sift_up(h, h->n - 1);
}

void vs_timer_cancel(struct vstack *vs, struct vs_timer *t)
{
	if (!vs_timer_armed(t) || !vs->timers)
		return;
	heap_remove(vs->timers, t->heap_index);
}

void vs_timers_run_until(struct vstack *vs, int64_t until)
{
	struct vs_timer_heap *h = vs->timers;
	while (h && h->n > 0 && h->e[0].t->deadline <= until) {
		struct vs_timer *t = h->e[0].t;
		heap_remove(h, 0);
		if (t->deadline > vs->now_usecs)
			vs->now_usecs = t->deadline;
		t->fn(vs, t);
		h = vs->timers;
	}
	if (until > vs->now_usecs)
		vs->now_usecs = until;
}

int64_t vs_timers_next(const struct vstack *vs)
{
	const struct vs_timer_heap *h = vs->timers;
	if (!h || h->n == 0)
		return -1;
	return h->e[0].t->deadline;
}

/* Frees the heap itself; the timers belong to their owners. */
void vs_timers_free(struct vstack *vs)
{
	if (!vs->timers)
		return;
	for (size_t i = 0; i < vs->timers->n; i++)
		vs->timers->e[i].t->heap_index = NOT_ARMED;
	free(vs->timers->e);
	free(vs->timers);
	vs->timers = NULL;
}
