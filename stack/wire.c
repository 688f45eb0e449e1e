/* The virtual wire: a bounded FIFO of IP packets the stack sent, read by
 * the harness through netdev_receive. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct wire_packet {
	struct wire_packet *next;
	size_t len;
	uint8_t data[];
};

struct vs_wire {
	struct wire_packet *head, *tail;
	size_t count, max;
};

struct vs_wire *vs_wire_new(size_t max_packets)
{
	struct vs_wire *w = calloc(1, sizeof(*w));
	if (w)
		w->max = max_packets;
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

/* A full wire drops the packet, like a full device queue. */
int vs_wire_push(struct vs_wire *w, const void *pkt, size_t len)
{
	if (w->count >= w->max)
		return -ENOBUFS;
	struct wire_packet *p = malloc(sizeof(*p) + len);
	if (!p)
		return -ENOMEM;
	p->next = NULL;
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
 * is cut short, and the rest lost, as a short recv on a packet socket). */
int vs_wire_pop(struct vs_wire *w, void *buf, size_t *len)
{
	struct wire_packet *p = w->head;
	if (!p)
		return -EAGAIN;
	size_t n = p->len < *len ? p->len : *len;
	memcpy(buf, p->data, n);
	*len = n;
	w->head = p->next;
	if (!w->head)
		w->tail = NULL;
	w->count--;
	free(p);
	return 0;
}

size_t vs_wire_count(const struct vs_wire *w)
{
	return w->count;
}
