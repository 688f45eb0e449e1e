/* The fake target: a packetdrill-interface .so that replays a scenario
 * file (the --so_flags value) instead of running a TCP stack. It keeps a
 * virtual clock and exports vwire_next_timer, vwire_blocked_calls and
 * vwire_connections, so every path of the run loop can be driven.
 *
 * Scenario lines ('#' starts a comment):
 *   call NAME RESULT [errno=N] [int=V] [optlen=V] [revents=V] [block=pkt:N|block=time:U]
 *       the next NAME call returns RESULT (unlisted calls return 0);
 *       int= is the int out-value (getsockopt, ioctl), revents= the first
 *       pollfd's; block= sleeps until N inbound packets have come or the
 *       clock reaches U usecs after start. cmsg=LEVEL:TYPE:HEX (recvmsg,
 *       repeatable) puts a control message with those data bytes in msg_control.
 *   emit at=U PACKET            send PACKET at U usecs after start
 *   emit after=N delay=U PACKET send it U usecs after inbound packet N
 *   conn fd=F state=S           a connection for vwire_connections
 *   abort                       abort() while loading (a crashing target)
 * PACKET: flags=S. seq=REL len=L [ack=RAW] [win=W] [opts=mss:1460,nop,...]
 *   seq is relative to the fake's ISN; addresses 192.168.0.1:8080 ->
 *   192.0.2.1 at the port of the last inbound packet (40000 before any).
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packetdrill.h"
#include "vwire_target.h"

#define FAKE_ISN 1000000u
#define CLOCK_BASE 1000000000LL
#define MAX_ENTRIES 256
#define MAX_QUEUE 256

struct fake_call {
	char name[32];
	long result;
	int err;
	bool used, has_int, has_optlen, has_revents;
	int intval, optlen, revents;
	int block_pkts;            /* 0: none */
	long long block_time;      /* -1: none */
	char cmsgs[4][160];        /* recvmsg: LEVEL:TYPE:HEX each */
	int ncmsgs;
};

struct fake_emit {
	char spec[512];
	long long at;              /* -1 until triggered (after=) */
	int after;                 /* 0: timed by at */
	long long delay;
	bool sent;
};

struct fake_pkt {
	uint8_t bytes[1600];
	size_t len;
};

struct fake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	long long now;
	int inbound;               /* packets received */
	uint16_t remote_port;
	struct fake_call calls[MAX_ENTRIES];
	int ncalls;
	struct fake_emit emits[MAX_ENTRIES];
	int nemits;
	struct vwire_conn conns[16];
	int nconns;
	struct fake_pkt queue[MAX_QUEUE];
	int qhead, qlen;
	int blocked;
	/* The sleeping call's wake condition. */
	bool sleeping, woken;
	int sleep_pkts;
	long long sleep_time;
};

/* ------------------------------------------------------------ packets */

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

static size_t build_options(const char *spec, uint8_t *o)
{
	size_t n = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned a = 0, b = 0;
		if (!strcmp(tok, "nop")) {
			o[n++] = 1;
		} else if (!strcmp(tok, "eol")) {
			o[n++] = 0;
		} else if (!strcmp(tok, "sackOK")) {
			o[n++] = 4; o[n++] = 2;
		} else if (sscanf(tok, "mss:%u", &a) == 1) {
			o[n++] = 2; o[n++] = 4; put16(o + n, a); n += 2;
		} else if (sscanf(tok, "wscale:%u", &a) == 1) {
			o[n++] = 3; o[n++] = 3; o[n++] = (uint8_t)a;
		} else if (sscanf(tok, "ts:%u:%u", &a, &b) == 2) {
			o[n++] = 8; o[n++] = 10; put32(o + n, a); put32(o + n + 4, b); n += 8;
		} else if (sscanf(tok, "sack:%u-%u", &a, &b) == 2) {
			o[n++] = 5; o[n++] = 10; put32(o + n, a); put32(o + n + 4, b); n += 8;
		}
		if (n > 36)
			break;
	}
	while (n % 4)
		o[n++] = 0; /* the header length counts 32-bit words */
	return n;
}

static int build_packet(struct fake *f, const char *spec, struct fake_pkt *out)
{
	char flags[16] = ".", opts[256] = "";
	unsigned seq = 0, len = 0, ack = 0, win = 65535;
	bool has_ack = false;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "flags=", 6))
			snprintf(flags, sizeof(flags), "%s", tok + 6);
		else if (!strncmp(tok, "seq=", 4))
			seq = (unsigned)strtoul(tok + 4, NULL, 0);
		else if (!strncmp(tok, "len=", 4))
			len = (unsigned)strtoul(tok + 4, NULL, 0);
		else if (!strncmp(tok, "ack=", 4))
			ack = (unsigned)strtoul(tok + 4, NULL, 0), has_ack = true;
		else if (!strncmp(tok, "win=", 4))
			win = (unsigned)strtoul(tok + 4, NULL, 0);
		else if (!strncmp(tok, "opts=", 5))
			snprintf(opts, sizeof(opts), "%s", tok + 5);
	}
	uint8_t fl = 0;
	for (const char *c = flags; *c; c++) {
		switch (*c) {
		case 'F': fl |= 0x01; break;
		case 'S': fl |= 0x02; break;
		case 'R': fl |= 0x04; break;
		case 'P': fl |= 0x08; break;
		case '.': fl |= 0x10; break;
		case 'U': fl |= 0x20; break;
		case 'E': fl |= 0x40; break;
		case 'W': fl |= 0x80; break;
		default: break;
		}
	}
	if (has_ack)
		fl |= 0x10;
	uint8_t o[40];
	size_t olen = build_options(opts, o);
	size_t tcp_len = 20 + olen + len;
	size_t total = 20 + tcp_len;
	if (total > sizeof(out->bytes))
		return -1;
	uint8_t *p = out->bytes;
	memset(p, 0, total);
	p[0] = 0x45;
	put16(p + 2, (uint32_t)total);
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = IPPROTO_TCP;
	static const uint8_t src[4] = { 192, 168, 0, 1 }, dst[4] = { 192, 0, 2, 1 };
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, csum_fold(csum_add(0, p, 20)));
	uint8_t *t = p + 20;
	put16(t, 8080);
	put16(t + 2, f->remote_port);
	put32(t + 4, FAKE_ISN + seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)(((20 + olen) / 4) << 4);
	t[13] = fl;
	put16(t + 14, win);
	memcpy(t + 20, o, olen);
	uint32_t s = csum_add(0, p + 12, 8);
	s += IPPROTO_TCP + (uint32_t)tcp_len;
	s = csum_add(s, t, tcp_len);
	put16(t + 16, csum_fold(s));
	out->len = total;
	return 0;
}

/* ------------------------------------------------------------- clock */

static void enqueue(struct fake *f, const char *spec)
{
	if (f->qlen == MAX_QUEUE)
		return;
	struct fake_pkt *p = &f->queue[(f->qhead + f->qlen) % MAX_QUEUE];
	if (build_packet(f, spec, p) == 0)
		f->qlen++;
}

/* Wake the sleeping call if its condition holds (lock held). */
static void check_wake(struct fake *f)
{
	if (!f->sleeping || f->woken)
		return;
	if ((f->sleep_pkts > 0 && f->inbound >= f->sleep_pkts) ||
	    (f->sleep_time >= 0 && f->now >= f->sleep_time)) {
		f->woken = true;
		f->blocked--; /* stops counting at once, before it runs */
		pthread_cond_broadcast(&f->cond);
	}
}

static long long next_deadline(struct fake *f)
{
	long long best = -1;
	for (int i = 0; i < f->nemits; i++) {
		struct fake_emit *e = &f->emits[i];
		if (!e->sent && e->at >= 0 && (best < 0 || e->at < best))
			best = e->at;
	}
	if (f->sleeping && !f->woken && f->sleep_time >= 0 && (best < 0 || f->sleep_time < best))
		best = f->sleep_time;
	return best;
}

/* Fire everything due at or before the current time (lock held). */
static void fire_due(struct fake *f)
{
	for (int i = 0; i < f->nemits; i++) {
		struct fake_emit *e = &f->emits[i];
		if (!e->sent && e->at >= 0 && e->at <= f->now) {
			e->sent = true;
			enqueue(f, e->spec);
		}
	}
	check_wake(f);
}

/* ---------------------------------------------------------- interface */

static struct fake_call *take_call(struct fake *f, const char *name)
{
	for (int i = 0; i < f->ncalls; i++)
		if (!f->calls[i].used && !strcmp(f->calls[i].name, name)) {
			f->calls[i].used = true;
			return &f->calls[i];
		}
	return NULL;
}

/* Look up the canned answer, sleep if it says so, set errno. */
static long answer(struct fake *f, const char *name, struct fake_call *out)
{
	pthread_mutex_lock(&f->lock);
	struct fake_call *c = take_call(f, name);
	struct fake_call none = { .result = 0, .block_time = -1 };
	if (!c)
		c = &none;
	*out = *c;
	if (c->block_pkts > 0 || c->block_time >= 0) {
		f->sleeping = true;
		f->woken = false;
		f->sleep_pkts = c->block_pkts;
		f->sleep_time = c->block_time >= 0 ? CLOCK_BASE + c->block_time : -1;
		f->blocked++;
		check_wake(f);
		while (!f->woken)
			pthread_cond_wait(&f->cond, &f->lock);
		f->sleeping = false;
	}
	pthread_mutex_unlock(&f->lock);
	if (c->result < 0)
		errno = c->err;
	return c->result;
}

#define SIMPLE(nm, ...) \
	static int fake_##nm(void *u, __VA_ARGS__) { struct fake_call c; return (int)answer(u, #nm, &c); }
#define SIMPLE_SZ(nm, ...) \
	static ssize_t fake_##nm(void *u, __VA_ARGS__) { struct fake_call c; return answer(u, #nm, &c); }

SIMPLE(socket, int d, int t, int p)
SIMPLE(bind, int fd, const struct sockaddr *a, socklen_t l)
SIMPLE(listen, int fd, int b)
SIMPLE(accept, int fd, struct sockaddr *a, socklen_t *l)
SIMPLE(connect, int fd, const struct sockaddr *a, socklen_t l)
SIMPLE_SZ(read, int fd, void *b, size_t n)
SIMPLE_SZ(readv, int fd, const struct iovec *v, int n)
SIMPLE_SZ(recv, int fd, void *b, size_t n, int fl)
SIMPLE_SZ(recvfrom, int fd, void *b, size_t n, int fl, struct sockaddr *a, socklen_t *l)
SIMPLE_SZ(write, int fd, const void *b, size_t n)
SIMPLE_SZ(writev, int fd, const struct iovec *v, int n)
SIMPLE_SZ(send, int fd, const void *b, size_t n, int fl)
SIMPLE_SZ(sendto, int fd, const void *b, size_t n, int fl, const struct sockaddr *a, socklen_t l)
SIMPLE_SZ(sendmsg, int fd, const struct msghdr *m, int fl)
SIMPLE(close, int fd)
SIMPLE(shutdown, int fd, int how)
SIMPLE(setsockopt, int fd, int lv, int nm, const void *v, socklen_t l)
SIMPLE(epoll_create, int size)
SIMPLE(epoll_ctl, int e, int op, int fd, struct epoll_event *ev)
SIMPLE(epoll_wait, int e, struct epoll_event *ev, int max, int t)
SIMPLE(pipe, int fds[2])

/* The scenario's control messages, laid out as the kernel would. */
static void put_cmsgs(const struct fake_call *c, struct msghdr *m)
{
	size_t used = 0;
	for (int i = 0; i < c->ncmsgs; i++) {
		int level = 0, type = 0, off = 0;
		if (sscanf(c->cmsgs[i], "%d:%d:%n", &level, &type, &off) < 2 || !off)
			continue;
		unsigned char data[80];
		size_t n = 0;
		for (const char *h = c->cmsgs[i] + off; h[0] && h[1] && n < sizeof(data); h += 2) {
			unsigned v;
			if (sscanf(h, "%2x", &v) != 1)
				break;
			data[n++] = (unsigned char)v;
		}
		if (!m->msg_control || used + CMSG_SPACE(n) > m->msg_controllen) {
			m->msg_flags |= MSG_CTRUNC;
			break;
		}
		struct cmsghdr *cm = (struct cmsghdr *)((char *)m->msg_control + used);
		cm->cmsg_level = level;
		cm->cmsg_type = type;
		cm->cmsg_len = CMSG_LEN(n);
		memcpy(CMSG_DATA(cm), data, n);
		used += CMSG_SPACE(n);
	}
	m->msg_controllen = used;
}

static ssize_t fake_recvmsg(void *u, int fd, struct msghdr *m, int fl)
{
	struct fake_call c;
	ssize_t r = answer(u, "recvmsg", &c);
	if (r >= 0)
		put_cmsgs(&c, m);
	return r;
}

static int fake_fcntl(void *u, int fd, int cmd, ...)
{
	struct fake_call c;
	return (int)answer(u, "fcntl", &c);
}

static int fake_ioctl(void *u, int fd, unsigned long req, ...)
{
	struct fake_call c;
	va_list ap;
	va_start(ap, req);
	int *out = va_arg(ap, int *);
	va_end(ap);
	int r = (int)answer(u, "ioctl", &c);
	if (c.has_int && out)
		*out = c.intval;
	return r;
}

static int fake_getsockopt(void *u, int fd, int level, int name, void *val, socklen_t *len)
{
	if (level == IPPROTO_TCP && name == TCP_INFO) {
		struct tcp_info ti;
		memset(&ti, 0, sizeof(ti));
		ti.tcpi_state = 1;
		ti.tcpi_snd_cwnd = 10;
		ti.tcpi_snd_mss = 1460;
		size_t n = *len < sizeof(ti) ? *len : sizeof(ti);
		memcpy(val, &ti, n);
		*len = (socklen_t)n;
		return 0;
	}
	struct fake_call c;
	int r = (int)answer(u, "getsockopt", &c);
	if (c.has_int && *len >= sizeof(int)) {
		memcpy(val, &c.intval, sizeof(int));
		*len = sizeof(int);
	}
	if (c.has_optlen)
		*len = (socklen_t)c.optlen;
	return r;
}

static int fake_poll(void *u, struct pollfd *fds, nfds_t n, int t)
{
	struct fake_call c;
	int r = (int)answer(u, "poll", &c);
	if (c.has_revents && n > 0)
		fds[0].revents = (short)c.revents;
	return r;
}

static int fake_splice(void *u, int a, loff_t *b, int c2, loff_t *d, size_t n, unsigned fl)
{
	struct fake_call c;
	return (int)answer(u, "splice", &c);
}

static int fake_netdev_send(void *u, const void *buf, size_t count)
{
	struct fake *f = u;
	const uint8_t *p = buf;
	pthread_mutex_lock(&f->lock);
	f->inbound++;
	if (count >= 24 && (p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 0xf) * 4;
		if (count >= ihl + 4)
			f->remote_port = (uint16_t)(p[ihl] << 8 | p[ihl + 1]);
	}
	for (int i = 0; i < f->nemits; i++) {
		struct fake_emit *e = &f->emits[i];
		if (e->after == f->inbound && e->at < 0)
			e->at = f->now + e->delay;
	}
	fire_due(f);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fake_netdev_receive(void *u, void *buf, size_t *count)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	if (!f->qlen) {
		pthread_mutex_unlock(&f->lock);
		errno = EAGAIN;
		return -1;
	}
	struct fake_pkt *p = &f->queue[f->qhead];
	size_t n = p->len < *count ? p->len : *count;
	memcpy(buf, p->bytes, n);
	*count = n;
	f->qhead = (f->qhead + 1) % MAX_QUEUE;
	f->qlen--;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fake_usleep(void *u, useconds_t usec)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	long long end = f->now + usec;
	for (;;) {
		long long d = next_deadline(f);
		if (d < 0 || d > end)
			break;
		if (d > f->now)
			f->now = d;
		fire_due(f);
	}
	f->now = end;
	fire_due(f);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fake_gettimeofday(void *u, struct timeval *tv, void *tz)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	tv->tv_sec = f->now / 1000000;
	tv->tv_usec = f->now % 1000000;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static void fake_free(void *u)
{
	struct fake *f = u;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f);
}

/* --------------------------------------------------------- extensions */

int64_t vwire_next_timer(void *u)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	long long d = next_deadline(f);
	pthread_mutex_unlock(&f->lock);
	return d;
}

int vwire_blocked_calls(void *u)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	int n = f->blocked;
	pthread_mutex_unlock(&f->lock);
	return n;
}

int vwire_connections(void *u, struct vwire_conn *out, int max)
{
	struct fake *f = u;
	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < f->nconns && i < max; i++) {
		out[i] = f->conns[i];
		out[i].remote_port = f->remote_port;
	}
	int n = f->nconns;
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* ----------------------------------------------------------- scenario */

static void parse_call(struct fake *f, char *rest)
{
	if (f->ncalls == MAX_ENTRIES)
		return;
	struct fake_call *c = &f->calls[f->ncalls++];
	memset(c, 0, sizeof(*c));
	c->block_time = -1;
	char *save = NULL;
	char *name = strtok_r(rest, " \t", &save);
	char *res = strtok_r(NULL, " \t", &save);
	if (!name || !res)
		return;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = strtol(res, NULL, 0);
	for (char *tok; (tok = strtok_r(NULL, " \t", &save));) {
		if (!strncmp(tok, "errno=", 6))
			c->err = (int)strtol(tok + 6, NULL, 0);
		else if (!strncmp(tok, "int=", 4))
			c->has_int = true, c->intval = (int)strtol(tok + 4, NULL, 0);
		else if (!strncmp(tok, "optlen=", 7))
			c->has_optlen = true, c->optlen = (int)strtol(tok + 7, NULL, 0);
		else if (!strncmp(tok, "revents=", 8))
			c->has_revents = true, c->revents = (int)strtol(tok + 8, NULL, 0);
		else if (!strncmp(tok, "block=pkt:", 10))
			c->block_pkts = atoi(tok + 10);
		else if (!strncmp(tok, "block=time:", 11))
			c->block_time = strtoll(tok + 11, NULL, 0);
		else if (!strncmp(tok, "cmsg=", 5) && c->ncmsgs < 4)
			snprintf(c->cmsgs[c->ncmsgs++], sizeof(c->cmsgs[0]), "%s", tok + 5);
	}
}

static void parse_emit(struct fake *f, char *rest)
{
	if (f->nemits == MAX_ENTRIES)
		return;
	struct fake_emit *e = &f->emits[f->nemits++];
	memset(e, 0, sizeof(*e));
	e->at = -1;
	while (*rest == ' ')
		rest++;
	for (;;) {
		if (!strncmp(rest, "at=", 3))
			e->at = CLOCK_BASE + strtoll(rest + 3, &rest, 0);
		else if (!strncmp(rest, "after=", 6))
			e->after = (int)strtol(rest + 6, &rest, 0);
		else if (!strncmp(rest, "delay=", 6))
			e->delay = strtoll(rest + 6, &rest, 0);
		else
			break;
		while (*rest == ' ')
			rest++;
	}
	snprintf(e->spec, sizeof(e->spec), "%.500s", rest);
}

static void load_scenario(struct fake *f, const char *path)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "fake target: cannot open scenario '%s'\n", path);
		return;
	}
	char line[1024];
	while (fgets(line, sizeof(line), in)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, "call ", 5))
			parse_call(f, line + 5);
		else if (!strncmp(line, "emit ", 5))
			parse_emit(f, line + 5);
		else if (!strncmp(line, "conn ", 5) && f->nconns < 16) {
			struct vwire_conn *c = &f->conns[f->nconns++];
			int fd = -1, st = 0;
			sscanf(line + 5, "fd=%d state=%d", &fd, &st);
			memset(c, 0, sizeof(*c));
			c->fd = fd;
			c->state = st;
			c->family = AF_INET;
			static const uint8_t l[4] = { 192, 168, 0, 1 }, r[4] = { 192, 0, 2, 1 };
			memcpy(c->local_addr, l, 4);
			memcpy(c->remote_addr, r, 4);
			c->local_port = 8080;
		} else if (!strncmp(line, "abort", 5)) {
			abort();
		}
	}
	fclose(in);
}

void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc)
{
	struct fake *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->now = CLOCK_BASE;
	f->remote_port = 40000;
	if (flags && *flags)
		load_scenario(f, flags);
	memset(ifc, 0, sizeof(*ifc));
	ifc->userdata = f;
	ifc->free = fake_free;
	ifc->socket = fake_socket;
	ifc->bind = fake_bind;
	ifc->listen = fake_listen;
	ifc->accept = fake_accept;
	ifc->connect = fake_connect;
	ifc->read = fake_read;
	ifc->readv = fake_readv;
	ifc->recv = fake_recv;
	ifc->recvfrom = fake_recvfrom;
	ifc->recvmsg = fake_recvmsg;
	ifc->write = fake_write;
	ifc->writev = fake_writev;
	ifc->send = fake_send;
	ifc->sendto = fake_sendto;
	ifc->sendmsg = fake_sendmsg;
	ifc->fcntl = fake_fcntl;
	ifc->ioctl = fake_ioctl;
	ifc->close = fake_close;
	ifc->shutdown = fake_shutdown;
	ifc->getsockopt = fake_getsockopt;
	ifc->setsockopt = fake_setsockopt;
	ifc->poll = fake_poll;
	ifc->netdev_send = fake_netdev_send;
	ifc->netdev_receive = fake_netdev_receive;
	ifc->usleep = fake_usleep;
	ifc->gettimeofday = fake_gettimeofday;
	ifc->epoll_create = fake_epoll_create;
	ifc->epoll_ctl = fake_epoll_ctl;
	ifc->epoll_wait = fake_epoll_wait;
	ifc->pipe = fake_pipe;
	ifc->splice = fake_splice;
}
