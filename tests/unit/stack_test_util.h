/* Helpers for the stack's unit tests (header-only).
 *
 * With STACK_TEST_FAKE_HOST defined before inclusion it also provides a
 * minimal host for the TCP engine alone: an instance whose IP output
 * appends segments to a queue the test reads, so the engine can be tested
 * through stack/tcp.h without the real host side (instance, IP, sockets).
 * A test that uses the real instance must not define it.
 */
#ifndef STACK_TEST_UTIL_H
#define STACK_TEST_UTIL_H

#include <errno.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "tcp_internal.h"

/* A TCP segment in host terms, for building and for checking. */
struct tseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, urp;
	struct tcp_opts opt;
	bool syn_opts;        /* build: lay options out as a SYN's */
	const uint8_t *data;  /* build: payload; parse: points into the raw bytes */
	uint32_t len;
};

static inline void tu_put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static inline void tu_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}
static inline uint32_t tu_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Serialises s (checksummed for src -> dst) into buf; returns the length. */
static inline size_t tu_build(uint8_t *buf, const struct tseg *s,
			      const struct vs_addr *src, const struct vs_addr *dst)
{
	uint8_t opts[40];
	size_t ol = s->syn_opts ? tcp_opts_build_syn(opts, &s->opt)
				: tcp_opts_build_data(opts, &s->opt, TCP_MAX_SACK_BLOCKS);
	while (ol % 4)
		opts[ol++] = TCPOPT_NOP;
	tu_put16(buf, s->sport);
	tu_put16(buf + 2, s->dport);
	tu_put32(buf + 4, s->seq);
	tu_put32(buf + 8, s->ack);
	buf[12] = (uint8_t)(((20 + ol) / 4) << 4);
	buf[13] = s->flags;
	tu_put16(buf + 14, s->win);
	tu_put16(buf + 16, 0);
	tu_put16(buf + 18, s->urp);
	memcpy(buf + 20, opts, ol);
	if (s->len)
		memcpy(buf + 20 + ol, s->data, s->len);
	size_t n = 20 + ol + s->len;
	tu_put16(buf + 16, tcp_checksum(src, dst, buf, n));
	return n;
}

static inline bool tu_parse(const uint8_t *buf, size_t n, struct tseg *s)
{
	if (n < 20)
		return false;
	size_t doff = (size_t)(buf[12] >> 4) * 4;
	if (doff < 20 || doff > n)
		return false;
	memset(s, 0, sizeof(*s));
	s->sport = (uint16_t)(buf[0] << 8 | buf[1]);
	s->dport = (uint16_t)(buf[2] << 8 | buf[3]);
	s->seq = tu_get32(buf + 4);
	s->ack = tu_get32(buf + 8);
	s->flags = buf[13];
	s->win = (uint16_t)(buf[14] << 8 | buf[15]);
	s->urp = (uint16_t)(buf[18] << 8 | buf[19]);
	s->data = buf + doff;
	s->len = (uint32_t)(n - doff);
	return tcp_opts_parse(buf + 20, doff - 20, s->flags & TH_SYN, &s->opt);
}

static inline struct vs_addr tu_v4(const char *text)
{
	struct vs_addr a = { .family = AF_INET };
	inet_pton(AF_INET, text, &a.u.v4);
	return a;
}

/* Linux's defaults, as host.h documents them. */
static inline void tu_default_knobs(struct vs_knobs *k)
{
	memset(k, 0, sizeof(*k));
	k->tcp_rmem[0] = 4096; k->tcp_rmem[1] = 131072; k->tcp_rmem[2] = 6291456;
	k->tcp_wmem[0] = 4096; k->tcp_wmem[1] = 16384; k->tcp_wmem[2] = 4194304;
	k->tcp_timestamps = 1; k->tcp_sack = 1; k->tcp_dsack = 1;
	k->tcp_window_scaling = 1; k->tcp_syn_retries = 6; k->tcp_synack_retries = 5;
	k->tcp_syn_linear_timeouts = 4; k->tcp_fin_timeout = 60;
	k->tcp_keepalive_time = 7200; k->tcp_keepalive_intvl = 75;
	k->tcp_keepalive_probes = 9; k->tcp_syncookies = 1;
	k->tcp_max_syn_backlog = 1024; k->tcp_retries1 = 3; k->tcp_retries2 = 15;
	k->tcp_challenge_ack_limit = 1000; k->tcp_invalid_ratelimit = 500;
	k->tcp_reordering = 3; k->tcp_early_retrans = 3; k->tcp_adv_win_scale = 1; k->tcp_rto_min_us = 200000;
	k->tcp_delack_min_us = 40000; k->tcp_min_snd_mss = 48; k->tcp_notsent_lowat = -1;
	strcpy(k->tcp_congestion_control, "cubic");
	k->somaxconn = 4096; k->rmem_max = 212992; k->wmem_max = 212992;
	k->rmem_default = 212992; k->wmem_default = 212992;
	k->ip_local_port_range[0] = 32768; k->ip_local_port_range[1] = 60999;
	k->ip_default_ttl = 64;
}

#ifdef STACK_TEST_FAKE_HOST

/* One fake instance: the engine's vstack plus the queue of segments it
 * has sent. vs must stay the first member (the host callbacks cast). */
struct fake_pkt {
	struct fake_pkt *next;
	int64_t depart_us;     /* a pacing qdisc's release time; 0: at once */
	struct vs_addr src, dst;
	size_t len;
	uint8_t data[];
};
struct fake_host {
	struct vstack vs;
	struct fake_pkt *head, *tail;
	int queued;
	int wakeups;
	int last_old_state, last_new_state, state_changes;
	bool dev_blocked;   /* the device refuses every packet (a full qdisc) */
	int dev_refused;    /* packets it refused */
};

bool vs_ip_output_blocked(const struct vstack *vs)
{
	return ((const struct fake_host *)vs)->dev_blocked;
}

int vs_ip_output(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
		 uint8_t proto, uint8_t tos, const uint8_t *l4, size_t len)
{
	return vs_ip_output_at(vs, src, dst, proto, tos, l4, len, 0);
}

/* The fake device queues at once; the departure time a pacing qdisc
 * would hold the packet to is kept with it. */
int vs_ip_output_at(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
		    uint8_t proto, uint8_t tos, const uint8_t *l4, size_t len, int64_t depart_us)
{
	struct fake_host *h = (struct fake_host *)vs;
	if (h->dev_blocked) {
		h->dev_refused++;
		return -ENOBUFS;
	}
	struct fake_pkt *p = malloc(sizeof(*p) + len);
	if (!p)
		return -ENOMEM;
	p->next = NULL;
	p->depart_us = depart_us;
	p->src = *src;
	p->dst = *dst;
	p->len = len;
	memcpy(p->data, l4, len);
	if (h->tail)
		h->tail->next = p;
	else
		h->head = p;
	h->tail = p;
	h->queued++;
	return 0;
}

int vs_iface_mss(const struct vstack *vs, int family)
{
	return vs->mtu - (family == AF_INET6 ? 40 : 20) - 20;
}

void vs_wakeup(struct vstack *vs)
{
	((struct fake_host *)vs)->wakeups++;
	vs->blocked = 0;
}

/* The socket layer's error-queue hooks: no sockets behind a fake host. */
void vs_sock_transmitted(struct vstack *vs, int fd, uint32_t seq,
			 const uint8_t *payload, uint32_t len)
{
	(void)vs; (void)fd; (void)seq; (void)payload; (void)len;
}

void vs_sock_acked(struct vstack *vs, int fd, uint32_t snd_una)
{
	(void)vs; (void)fd; (void)snd_una;
}

void vs_report_state(struct vstack *vs, const struct vwire_conn *conn, int old_state,
		     int new_state)
{
	struct fake_host *h = (struct fake_host *)vs;
	h->last_old_state = old_state;
	h->last_new_state = new_state;
	h->state_changes++;
}

static inline void fake_host_init(struct fake_host *h, const char *local, uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	tu_default_knobs(&h->vs.knobs);
	h->vs.now_usecs = 1000000;   /* virtual time starts 1 s past zero */
	h->vs.mtu = 1500;
	h->vs.seed = seed;
	h->vs.local_addr = tu_v4(local);
	h->vs.tcp = tcp_table_new(&h->vs);
}

/* Takes the oldest sent packet, or NULL; the caller frees it. */
static inline struct fake_pkt *fake_host_pop(struct fake_host *h)
{
	struct fake_pkt *p = h->head;
	if (p) {
		h->head = p->next;
		if (!h->head)
			h->tail = NULL;
		h->queued--;
	}
	return p;
}

static inline void fake_host_drain(struct fake_host *h)
{
	struct fake_pkt *p;
	while ((p = fake_host_pop(h)) != NULL)
		free(p);
}

static inline void fake_host_free(struct fake_host *h)
{
	fake_host_drain(h);
	tcp_table_free(&h->vs, h->vs.tcp);
	vs_timers_free(&h->vs);
}

#endif /* STACK_TEST_FAKE_HOST */
#endif
