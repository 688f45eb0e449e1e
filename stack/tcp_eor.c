/* MSG_EOR record boundaries on the send side. Linux marks the skb a
 * MSG_EOR write ends in so that nothing written later joins it, neither
 * when queued nor when (re)transmitted. The byte ring has no skbs, so the
 * boundaries are kept as sequence numbers and every segment built from
 * the ring is clamped so that it never crosses one. */
#include <stdlib.h>

#include "tcp_internal.h"

struct tcp_eor_marks {
	uint32_t *seq;      /* ascending (mod 2^32), all beyond snd_una */
	size_t len, cap;
};

void tcp_eor_mark(struct tcp_sock *ts, uint32_t seq)
{
	struct tcp_eor_marks *m = ts->eor_marks;
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return;
		ts->eor_marks = m;
	}
	if (m->len && m->seq[m->len - 1] == seq)
		return;
	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		uint32_t *n = realloc(m->seq, cap * sizeof(*n));
		if (!n)
			return;
		m->seq = n;
		m->cap = cap;
	}
	m->seq[m->len++] = seq;
}

/* Boundaries at or below snd_una are history: drop them. */
static void prune(struct tcp_sock *ts)
{
	struct tcp_eor_marks *m = ts->eor_marks;
	size_t i = 0;
	while (i < m->len && seq_leq(m->seq[i], ts->snd_una))
		i++;
	if (i) {
		for (size_t j = i; j < m->len; j++)
			m->seq[j - i] = m->seq[j];
		m->len -= i;
	}
}

uint32_t tcp_eor_clamp(struct tcp_sock *ts, uint32_t seq, uint32_t len)
{
	struct tcp_eor_marks *m = ts->eor_marks;
	if (!m || !len)
		return len;
	prune(ts);
	for (size_t i = 0; i < m->len; i++) {
		if (seq_gt(m->seq[i], seq)) {
			if (seq_gt(seq + len, m->seq[i]))
				return m->seq[i] - seq;
			break;
		}
	}
	return len;
}

bool tcp_eor_boundary(const struct tcp_sock *ts, uint32_t seq)
{
	const struct tcp_eor_marks *m = ts->eor_marks;
	if (!m)
		return false;
	for (size_t i = 0; i < m->len; i++)
		if (m->seq[i] == seq)
			return true;
	return false;
}

void tcp_eor_free(struct tcp_sock *ts)
{
	if (ts->eor_marks) {
		free(ts->eor_marks->seq);
		free(ts->eor_marks);
		ts->eor_marks = NULL;
	}
}
