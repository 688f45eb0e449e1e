/* Hand-built syntax-tree packets for the packet layer's unit tests (so
 * they do not depend on the parser). Everything is static storage or
 * calloc'd and freed by test_packet_free. */
#ifndef VWIRE_PACKET_TEST_UTIL_H
#define VWIRE_PACKET_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "packet.h"

static inline struct packet *tp_tcp(enum packet_direction dir, uint16_t flags,
				    uint32_t start, uint32_t len)
{
	struct packet *p = calloc(1, sizeof(*p));

	p->dir = dir;
	p->kind = PKT_TCP;
	p->u.tcp.flags = flags;
	p->u.tcp.seq_start = start;
	p->u.tcp.seq_end = start + len;
	p->u.tcp.payload_len = len;
	return p;
}

static inline void tp_ack(struct packet *p, uint32_t ack)
{
	p->u.tcp.has_ack = true;
	p->u.tcp.ack = ack;
}

static inline void tp_win(struct packet *p, uint32_t win)
{
	p->u.tcp.has_win = true;
	p->u.tcp.win = win;
}

/* Append an option (returns it so the caller fills the value). */
static inline struct tcp_option *tp_opt(struct packet *p, enum tcp_option_kind k)
{
	struct tcp_options *o = p->u.tcp.options;

	if (!o)
		o = p->u.tcp.options = calloc(1, sizeof(*o));
	o->items = realloc(o->items, (o->count + 1) * sizeof(*o->items));
	memset(&o->items[o->count], 0, sizeof(o->items[0]));
	o->items[o->count].kind = k;
	return &o->items[o->count++];
}

static inline void tp_opt_sack(struct packet *p, const struct sack_block *b, size_t n)
{
	struct tcp_option *o = tp_opt(p, OPT_SACK);

	o->u.sack.blocks = calloc(n, sizeof(*b));
	memcpy(o->u.sack.blocks, b, n * sizeof(*b));
	o->u.sack.count = n;
}

static inline void tp_opt_ts(struct packet *p, uint32_t val, uint32_t ecr)
{
	struct tcp_option *o = tp_opt(p, OPT_TIMESTAMP);

	o->u.ts.val = val;
	o->u.ts.ecr = ecr;
}

static inline void tp_free(struct packet *p)
{
	size_t i;

	if (!p)
		return;
	if (p->kind == PKT_TCP && p->u.tcp.options) {
		for (i = 0; i < p->u.tcp.options->count; i++)
			if (p->u.tcp.options->items[i].kind == OPT_SACK)
				free(p->u.tcp.options->items[i].u.sack.blocks);
		free(p->u.tcp.options->items);
		free(p->u.tcp.options);
	}
	free(p);
}

static inline void tp_ctx(struct packet_ctx *ctx, enum vwire_ip_mode mode)
{
	char err[PACKET_ERR_LEN];
	const char *l = mode == VWIRE_IPV6 ? "fd3d:a0b:17d6::1" : "192.168.0.1";
	const char *r = mode == VWIRE_IPV6 ? "fd3d:fa7b:d17d::1" : "192.0.2.1";

	if (mode == VWIRE_IPV4_MAPPED_IPV6) {
		l = "::ffff:192.168.0.1";
		r = "::ffff:192.0.2.1";
	}
	if (packet_ctx_init(ctx, mode, l, r, 8080, 40000, 1500, err, sizeof(err)) != 0)
		abort();
}

#endif
