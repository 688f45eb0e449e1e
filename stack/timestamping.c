/* SO_TIMESTAMPING transmit reports for TCP, as Linux's tcp_tx_timestamp:
 * the last byte of each write that asked for them is marked; the first
 * time a segment carrying it leaves, SCM_TSTAMP_SCHED then SCM_TSTAMP_SND
 * are queued (TX_SCHED, TX_SOFTWARE); once the peer acknowledges it,
 * SCM_TSTAMP_ACK (TX_ACK). Each report is ee_errno ENOMSG, origin
 * SO_EE_ORIGIN_TIMESTAMPING, ee_info the kind, ee_data the byte's key
 * (with OPT_ID: its offset from write_seq when OPT_ID was set), stamped
 * with the virtual clock. Without OPT_TSONLY a report carries the segment's
 * payload (Linux attaches the packet; its headers are not kept here). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/net_tstamp.h>

#include "host_internal.h"
#include "tcp_seq.h"

#define TS_RECORD (SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE | \
		   SOF_TIMESTAMPING_TX_ACK)

struct vs_ts_mark {
	uint32_t seq;         /* the marked byte */
	uint32_t key;
	int pending;          /* TS_RECORD bits still to report */
	bool tsonly;
	uint8_t *data;        /* the payload of the segment that carried it */
	uint32_t len;
	bool provisional;     /* its write is still being queued */
};

int vs_ts_setsockopt(struct vstack *vs, struct vs_socket *s, int v)
{
	(void)vs;
	if (v & ~SOF_TIMESTAMPING_MASK)
		return -EINVAL;
	int st = tcp_state(s->ts);
	if ((v & SOF_TIMESTAMPING_OPT_ID) &&
	    (st == VWIRE_TCP_CLOSE || st == VWIRE_TCP_LISTEN))
		return -EINVAL; /* a stream's key counts from write_seq */
	struct vs_sockext *x = vs_sockext_get(s);
	if (!x)
		return -ENOMEM;
	if ((v & SOF_TIMESTAMPING_OPT_ID) && !(x->tsflags & SOF_TIMESTAMPING_OPT_ID))
		x->tskey_base = tcp_write_seq(s->ts);
	x->tsflags = v;
	return 0;
}

int vs_ts_getsockopt(const struct vs_socket *s)
{
	return s->ext ? s->ext->tsflags : 0;
}

/* The mark goes in before the bytes are queued, since the engine may send
 * them at once: at the byte the whole write would end at. */
void vs_ts_before_send(struct vstack *vs, struct vs_socket *s, size_t len)
{
	(void)vs;
	struct vs_sockext *x = s->ext;
	if (!len || !x || !(x->tsflags & TS_RECORD))
		return;
	if (x->n_marks == x->cap_marks) {
		size_t cap = x->cap_marks ? x->cap_marks * 2 : 8;
		struct vs_ts_mark *m = realloc(x->marks, cap * sizeof(*m));
		if (!m)
			return;
		x->marks = m;
		x->cap_marks = cap;
	}
	uint32_t last = tcp_write_seq(s->ts) + (uint32_t)len - 1;
	x->marks[x->n_marks++] = (struct vs_ts_mark){ .seq = last,
		.key = (x->tsflags & SOF_TIMESTAMPING_OPT_ID) ? last - x->tskey_base : 0,
		.pending = x->tsflags & TS_RECORD,
		.tsonly = (x->tsflags & SOF_TIMESTAMPING_OPT_TSONLY) != 0,
		.provisional = true };
}

static void report(struct vstack *vs, struct vs_sockext *x, const struct vs_ts_mark *m,
		   int kind);
static void compact(struct vs_sockext *x);

/* A short (or failed) write moves its mark to the byte it really ended
 * at; if that byte has left already, its send reports are due now. */
void vs_ts_after_send(struct vstack *vs, struct vs_socket *s, size_t len, size_t sent)
{
	struct vs_sockext *x = s->ext;
	if (!len || !x || !x->n_marks || !x->marks[x->n_marks - 1].provisional)
		return;
	struct vs_ts_mark *m = &x->marks[x->n_marks - 1];
	m->provisional = false;
	if (sent == 0) {
		m->pending = 0;
		compact(x);
		return;
	}
	if (sent == len)
		return;
	m->seq = tcp_write_seq(s->ts) - 1;
	if (x->tsflags & SOF_TIMESTAMPING_OPT_ID)
		m->key = m->seq - x->tskey_base;
	int tx = m->pending & (SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE);
	if (tx && seq_lt(m->seq, tcp_snd_max(s->ts))) {
		if (tx & SOF_TIMESTAMPING_TX_SCHED)
			report(vs, x, m, SCM_TSTAMP_SCHED);
		if (tx & SOF_TIMESTAMPING_TX_SOFTWARE)
			report(vs, x, m, SCM_TSTAMP_SND);
		m->pending &= ~tx;
		compact(x);
	}
}

static void report(struct vstack *vs, struct vs_sockext *x, const struct vs_ts_mark *m,
		   int kind)
{
	struct sock_extended_err ee = { .ee_errno = ENOMSG,
		.ee_origin = SO_EE_ORIGIN_TIMESTAMPING, .ee_info = (uint32_t)kind,
		.ee_data = m->key };
	vs_errq_push(vs, x, &ee, vs_now(vs), m->tsonly ? NULL : m->data,
		     m->tsonly ? 0 : m->len);
}

/* Drops the marks with nothing left to report. */
static void compact(struct vs_sockext *x)
{
	size_t k = 0;
	for (size_t i = 0; i < x->n_marks; i++) {
		if (x->marks[i].pending)
			x->marks[k++] = x->marks[i];
		else
			free(x->marks[i].data);
	}
	x->n_marks = k;
}

void vs_ts_transmitted(struct vstack *vs, struct vs_sockext *x, uint32_t seq,
		       const uint8_t *payload, uint32_t len)
{
	for (size_t i = 0; i < x->n_marks; i++) {
		struct vs_ts_mark *m = &x->marks[i];
		int tx = m->pending & (SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE);
		if (!tx || !seq_in(m->seq, seq, seq + len))
			continue;
		if (!m->tsonly && !m->data && len) {
			m->data = malloc(len);
			if (m->data) {
				memcpy(m->data, payload, len);
				m->len = len;
			}
		}
		if (tx & SOF_TIMESTAMPING_TX_SCHED)
			report(vs, x, m, SCM_TSTAMP_SCHED);
		if (tx & SOF_TIMESTAMPING_TX_SOFTWARE)
			report(vs, x, m, SCM_TSTAMP_SND);
		m->pending &= ~tx;
	}
	compact(x);
}

void vs_ts_acked(struct vstack *vs, struct vs_sockext *x, uint32_t snd_una)
{
	for (size_t i = 0; i < x->n_marks; i++) {
		struct vs_ts_mark *m = &x->marks[i];
		if (!seq_lt(m->seq, snd_una))
			break; /* marks are in sequence order */
		if (m->pending & SOF_TIMESTAMPING_TX_ACK)
			report(vs, x, m, SCM_TSTAMP_ACK);
		/* Acknowledged bytes will not leave again for the first time. */
		m->pending = 0;
	}
	compact(x);
}

void vs_ts_free(struct vs_sockext *x)
{
	for (size_t i = 0; i < x->n_marks; i++)
		free(x->marks[i].data);
	free(x->marks);
	x->marks = NULL;
	x->n_marks = x->cap_marks = 0;
}
