/* The virtual wire: a bounded FIFO of IP packets the stack sent, read by
 * the harness through netdev_receive. The bound is the device's ring plus
 * what the queueing discipline in front of it may hold: packets pass the
 * qdisc at once while the ring has room, so a fifo of limit N adds N, and
 * a fifo of limit 0 (`tc qdisc add dev tun0 root pfifo limit 0`) refuses
 * every packet, which the sender sees as local congestion. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct wire_packet {
	struct wire_packet *next;
	int64_t release_us;  /* when the qdisc lets it go (pacing) */
	size_t len;
	uint8_t data[];
};

struct vs_wire {
	struct wire_packet *head, *tail;
	size_t count, max;
	size_t ring;         /* the device's own room, without a qdisc */
};

struct vs_wire *vs_wire_new(size_t max_packets)
{
	struct vs_wire *w = calloc(1, sizeof(*w));
	if (w)
		w->max = w->ring = max_packets;
	return w;
}

void vs_wire_free(struct vs_wire *w)
{
	if (!w)
		return;
	while (w->head) {
		struct wire_packet *p = w->head;
		w->head = p->next;
		free(p);
	}
	free(w);
}

void vs_wire_set_qdisc_limit(struct vs_wire *w, long limit)
{
	if (limit < 0)
		w->max = w->ring;
	else if (limit == 0)
		w->max = 0;
	else
		w->max = w->ring + (size_t)limit;
}

bool vs_wire_full(const struct vs_wire *w)
{
	return w->count >= w->max;
}

/* A full wire drops the packet, like a full device queue. */
int vs_wire_push(struct vs_wire *w, const void *pkt, size_t len)
{
	return vs_wire_push_at(w, pkt, len, 0);
}

int vs_wire_push_at(struct vs_wire *w, const void *pkt, size_t len, int64_t release_us)
{
	if (w->count >= w->max)
		return -ENOBUFS;
	struct wire_packet *p = malloc(sizeof(*p) + len);
	if (!p)
		return -ENOMEM;
	p->next = NULL;
	p->release_us = release_us;
	p->len = len;
	memcpy(p->data, pkt, len);
	if (w->tail)
		w->tail->next = p;
	else
		w->head = p;
	w->tail = p;
	w->count++;
	return 0;
}

/* *len in: room in buf; out: bytes copied (a packet larger than the room
 * is cut short, and the rest lost, as a short recv on a packet socket).
 * The first packet due by now_us: a paced one waits for its time while
 * packets of other flows behind it may go (fq keeps a queue per flow). */
int vs_wire_pop(struct vs_wire *w, void *buf, size_t *len, int64_t now_us)
{
	struct wire_packet **pp = &w->head, *prev = NULL;
	while (*pp && (*pp)->release_us > now_us) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	struct wire_packet *p = *pp;
	if (!p)
		return -EAGAIN;
	size_t n = p->len < *len ? p->len : *len;
	memcpy(buf, p->data, n);
	*len = n;
	*pp = p->next;
	if (w->tail == p)
		w->tail = prev;
	w->count--;
	free(p);
	return 0;
}

int64_t vs_wire_next_release(const struct vs_wire *w, int64_t now_us)
{
	int64_t next = -1;
	for (const struct wire_packet *p = w->head; p; p = p->next)
		if (p->release_us > now_us && (next < 0 || p->release_us < next))
			next = p->release_us;
	return next;
}

size_t vs_wire_count(const struct vs_wire *w)
{
	return w->count;
}
