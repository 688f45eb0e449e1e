/* The out-of-order queue: a sorted list of non-overlapping segments.
 * New data fills only the gaps between what is already queued, so a
 * retransmission that overlaps queued data never duplicates bytes. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

static struct tcp_reass_seg *seg_new(uint32_t seq, const uint8_t *p, uint32_t len)
{
	struct tcp_reass_seg *s = malloc(sizeof(*s) + len);
	if (!s)
		return NULL;
	s->next = NULL;
	s->seq = seq;
	s->len = len;
	memcpy(s->data, p, len);
	return s;
}

bool tcp_reass_insert(struct tcp_reass *r, uint32_t rcv_nxt, uint32_t seq,
		      const uint8_t *p, uint32_t len)
{
	if (seq_lt(seq, rcv_nxt)) {          /* keep only what is new */
		uint32_t old = rcv_nxt - seq;
		if (old >= len)
			return true;
		p += old;
		len -= old;
		seq = rcv_nxt;
	}
	uint32_t end = seq + len;
	r->recent_left = seq;
	r->recent_right = end;
	bool added = false;
	struct tcp_reass_seg **link = &r->head;
	uint32_t cur = seq;
	while (seq_lt(cur, end)) {
		struct tcp_reass_seg *s = *link;
		if (s && seq_leq(s->seq + s->len, cur)) {   /* entirely before */
			link = &s->next;
			continue;
		}
		uint32_t gap_end = end;
		if (s && seq_lt(s->seq, gap_end))
			gap_end = s->seq;
		if (seq_lt(cur, gap_end)) {                 /* a gap to fill */
			struct tcp_reass_seg *n = seg_new(cur, p + (cur - seq), gap_end - cur);
			if (!n)
				return !added;
			n->next = s;
			*link = n;
			link = &n->next;
			r->bytes += n->len;
			added = true;
			cur = gap_end;
			continue;
		}
		/* cur lies inside s: skip past it */
		cur = s->seq + s->len;
		link = &s->next;
	}
	return !added;
}

struct tcp_reass_seg *tcp_reass_pop(struct tcp_reass *r, uint32_t rcv_nxt, uint32_t *skip)
{
	while (r->head) {
		struct tcp_reass_seg *s = r->head;
		if (seq_gt(s->seq, rcv_nxt))
			return NULL;
		r->head = s->next;
		r->bytes -= s->len;
		if (seq_leq(s->seq + s->len, rcv_nxt)) {   /* wholly old */
			free(s);
			continue;
		}
		*skip = rcv_nxt - s->seq;
		return s;
	}
	return NULL;
}

int tcp_reass_sack_blocks(const struct tcp_reass *r, uint32_t out[][2], int max)
{
	uint32_t runs[64][2];
	int nr = 0;
	for (const struct tcp_reass_seg *s = r->head; s; s = s->next) {
		if (nr > 0 && runs[nr - 1][1] == s->seq)
			runs[nr - 1][1] = s->seq + s->len;
		else if (nr < 64) {
			runs[nr][0] = s->seq;
			runs[nr][1] = s->seq + s->len;
			nr++;
		}
	}
	int n = 0, first = -1;
	for (int i = 0; i < nr; i++)
		if (seq_leq(runs[i][0], r->recent_left) && seq_geq(runs[i][1], r->recent_right))
			first = i;
	if (first >= 0 && n < max) {
		out[n][0] = runs[first][0];
		out[n][1] = runs[first][1];
		n++;
	}
	for (int i = nr - 1; i >= 0 && n < max; i--) {
		if (i == first)
			continue;
		out[n][0] = runs[i][0];
		out[n][1] = runs[i][1];
		n++;
	}
	return n;
}

void tcp_reass_clear(struct tcp_reass *r)
{
	while (r->head) {
		struct tcp_reass_seg *s = r->head;
		r->head = s->next;
		free(s);
	}
	r->bytes = 0;
}
