/* libFuzzer target: the stack's input path. A vstack instance is driven
 * through the packetdrill interface into a state chosen by the input's
 * first byte (listener, connecting, established, half-closed...), over
 * IPv4 or IPv6; the rest of the input is a list of operations: inject a
 * packet (raw, or with its addresses, ports, sequence numbers and checksums
 * made right so it reaches the connection), let virtual time pass, drain
 * what the stack sends, and socket calls. Whatever arrives, the stack must
 * not crash, read or write out of bounds, leak, or emit a malformed packet.
 *
 * Input: [scenario] then records [op][len_hi][len_lo][bytes...]. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "vstack.h"

#define V4_LOCAL "192.168.0.1"
#define V4_REMOTE "192.0.2.1"
#define V6_LOCAL "fd3d:0a0b:17d6::1"
#define V6_REMOTE "fd3d:fa7b:d17d::1"
#define LPORT 8080
#define RPORT 40000
#define MAX_PKT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct world {
	struct packetdrill_interface ifc;
	bool v6;
	uint8_t local[16], remote[16];
	int lfd, fd;          /* listener, connection (-1 when none) */
	uint32_t rcv_nxt;     /* next sequence number the stack expects from us */
	uint32_t snd_nxt;     /* next sequence number the stack will send */
	bool client;          /* the stack connected out (ports swapped) */
	uint8_t *out;         /* scratch for what the stack sends */
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Wraps a TCP segment (checksummed here) in an IP header of the world's
 * family; returns the packet length. */
static size_t wrap(const struct world *w, uint8_t *pkt, uint8_t *seg, size_t n)
{
	size_t ip = w->v6 ? 40 : 20;
	memset(pkt, 0, ip);
	put16(seg + 16, 0);
	uint16_t c = w->v6 ? csum_l4_v6(w->remote, w->local, IPPROTO_TCP, seg, n)
			   : csum_l4_v4(w->remote, w->local, IPPROTO_TCP, seg, n);
	put16(seg + 16, c);
	if (w->v6) {
		pkt[0] = 0x60;
		put16(pkt + 4, (uint16_t)n);
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, w->remote, 16);
		memcpy(pkt + 24, w->local, 16);
	} else {
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)(20 + n));
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, w->remote, 4);
		memcpy(pkt + 16, w->local, 4);
		put16(pkt + 10, csum_buffer(pkt, 20));
	}
	memmove(pkt + ip, seg, n);
	return ip + n;
}

static size_t segment(uint8_t *seg, uint32_t seq, uint32_t ack, uint8_t flags,
		      const uint8_t *opts, size_t olen, bool client)
{
	memset(seg, 0, 20);
	put16(seg, client ? LPORT : RPORT);
	put16(seg + 2, client ? RPORT : LPORT);
	put32(seg + 4, seq);
	put32(seg + 8, ack);
	seg[12] = (uint8_t)(((20 + olen) / 4) << 4);
	seg[13] = flags;
	put16(seg + 14, 65535);
	if (olen)
		memcpy(seg + 20, opts, olen);
	return 20 + olen;
}

/* Everything the stack has sent, checked for sane framing; remembers the
 * connection's next sequence number from its segments. */
static void drain(struct world *w)
{
	for (int k = 0; k < 4096; k++) {
		size_t n = MAX_PKT;
		if (w->ifc.netdev_receive(w->ifc.userdata, w->out, &n) != 0)
			return;
		if (n > MAX_PKT)
			__builtin_trap();
		size_t ip = w->v6 ? 40 : 20;
		if (n < ip + 20 || (w->v6 ? w->out[6] : w->out[9]) != IPPROTO_TCP)
			continue;
		const uint8_t *t = w->out + ip;
		size_t doff = (size_t)(t[12] >> 4) * 4;
		if (doff < 20 || ip + doff > n)
			__builtin_trap(); /* the stack built a bad header */
		uint32_t seq = get32(t + 4);
		uint32_t len = (uint32_t)(n - ip - doff) + !!(t[13] & (TH_SYN | TH_FIN));
		if ((int32_t)(seq + len - w->snd_nxt) > 0 || w->snd_nxt == 0)
			w->snd_nxt = seq + len;
	}
}

static void send_pkt(struct world *w, uint8_t *pkt, size_t n)
{
	w->ifc.netdev_send(w->ifc.userdata, pkt, n);
	drain(w);
}

static bool world_init(struct world *w, uint8_t scenario)
{
	memset(w, 0, sizeof(*w));
	w->lfd = w->fd = -1;
	w->v6 = scenario & 0x80;
	packetdrill_interface_init("seed=1", &w->ifc);
	if (!w->ifc.userdata)
		return false;
	struct vwire_net_config cfg = { .ip_mode = w->v6 ? VWIRE_IPV6 : VWIRE_IPV4,
		.mtu = 1500, .seed = 1 };
	strcpy(cfg.local_ip, w->v6 ? V6_LOCAL : V4_LOCAL);
	strcpy(cfg.remote_ip, w->v6 ? V6_REMOTE : V4_REMOTE);
	strcpy(cfg.gateway_ip, w->v6 ? V6_LOCAL : V4_LOCAL);
	strcpy(cfg.netmask_ip, w->v6 ? "ffff:ffff:ffff:ffff::" : "255.255.0.0");
	if (vwire_configure(w->ifc.userdata, &cfg))
		return false;
	inet_pton(w->v6 ? AF_INET6 : AF_INET, w->v6 ? V6_LOCAL : V4_LOCAL, w->local);
	inet_pton(w->v6 ? AF_INET6 : AF_INET, w->v6 ? V6_REMOTE : V4_REMOTE, w->remote);
	w->out = malloc(MAX_PKT);
	return w->out != NULL;
}

static void fill_addr(const struct world *w, struct sockaddr_storage *ss, socklen_t *len,
		      const uint8_t *ip, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (w->v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (ip)
			memcpy(&a->sin6_addr, ip, 16);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (ip)
			memcpy(&a->sin_addr, ip, 4);
		*len = sizeof(*a);
	}
}

/* Brings the world into the scenario's state (low 3 bits):
 * 0 listener, 1 established (accepted), 2 SYN-SENT, 3 established by
 * connect, 4 FIN-WAIT after a local close, 5 CLOSE-WAIT after a remote FIN,
 * 6 SYN-RECEIVED (handshake not finished), 7 listener with TCP_FASTOPEN. */
static void world_enter(struct world *w, uint8_t scenario)
{
	struct packetdrill_interface *f = &w->ifc;
	void *u = f->userdata;
	int fam = w->v6 ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss;
	socklen_t len;
	uint8_t seg[80], pkt[128];
	static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
					    1, 3, 3, 7 };
	uint8_t s = scenario & 7;
	int one = 1;

	if (s == 2 || s == 3) {
		w->client = true;
		w->fd = f->socket(u, fam, SOCK_STREAM, 0);
		int fl = f->fcntl(u, w->fd, F_GETFL);
		f->fcntl(u, w->fd, F_SETFL, fl | O_NONBLOCK);
		fill_addr(w, &ss, &len, w->remote, RPORT);
		f->connect(u, w->fd, (struct sockaddr *)&ss, len);
		drain(w);
		w->rcv_nxt = 5000;
		if (s == 3) {
			size_t n = segment(seg, 5000, w->snd_nxt, TH_SYN | TH_ACK, syn_opts,
					   sizeof(syn_opts), true);
			send_pkt(w, pkt, wrap(w, pkt, seg, n));
			w->rcv_nxt = 5001;
			n = segment(seg, 5001, w->snd_nxt, TH_ACK, NULL, 0, true);
			send_pkt(w, pkt, wrap(w, pkt, seg, n));
		}
		return;
	}
	w->lfd = f->socket(u, fam, SOCK_STREAM, 0);
	f->setsockopt(u, w->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	fill_addr(w, &ss, &len, NULL, LPORT);
	f->bind(u, w->lfd, (struct sockaddr *)&ss, len);
	if (s == 7) {
		int q = 16;
		f->setsockopt(u, w->lfd, IPPROTO_TCP, TCP_FASTOPEN, &q, sizeof(q));
	}
	f->listen(u, w->lfd, 16);
	int lfl = f->fcntl(u, w->lfd, F_GETFL);
	f->fcntl(u, w->lfd, F_SETFL, lfl | O_NONBLOCK);
	if (s == 0 || s == 7)
		return;
	size_t n = segment(seg, 1000, 0, TH_SYN, syn_opts, sizeof(syn_opts), false);
	send_pkt(w, pkt, wrap(w, pkt, seg, n));
	w->rcv_nxt = 1001;
	if (s == 6)
		return;
	n = segment(seg, 1001, w->snd_nxt, TH_ACK, NULL, 0, false);
	send_pkt(w, pkt, wrap(w, pkt, seg, n));
	w->fd = f->accept(u, w->lfd, NULL, NULL);
	if (w->fd >= 0) {
		int fl = f->fcntl(u, w->fd, F_GETFL);
		f->fcntl(u, w->fd, F_SETFL, fl | O_NONBLOCK);
	}
	if (s == 4 && w->fd >= 0)
		f->close(u, w->fd), w->fd = -1, drain(w);
	if (s == 5) {
		n = segment(seg, 1001, w->snd_nxt, TH_FIN | TH_ACK, NULL, 0, false);
		send_pkt(w, pkt, wrap(w, pkt, seg, n));
		w->rcv_nxt = 1002;
	}
}

/* A fuzzer-given TCP segment, aimed at the connection: ports, and when
 * asked the sequence and acknowledgment numbers, then a right checksum. */
static size_t aimed(struct world *w, uint8_t op, const uint8_t *in, size_t n, uint8_t *pkt,
		    uint8_t *seg)
{
	if (n < 20) {
		memset(seg, 0, 20);
		memcpy(seg, in, n);
		n = 20;
	} else {
		memcpy(seg, in, n);
	}
	put16(seg, w->client ? LPORT : RPORT);
	put16(seg + 2, w->client ? RPORT : LPORT);
	if (op & 0x10) {
		/* Near the edges of the window: offsets of a few bytes, either way. */
		put32(seg + 4, w->rcv_nxt + (uint32_t)(int8_t)seg[4]);
		put32(seg + 8, w->snd_nxt + (uint32_t)(int8_t)seg[8]);
	}
	return wrap(w, pkt, seg, n);
}

static void socket_call(struct world *w, uint8_t op, const uint8_t *in, size_t n)
{
	struct packetdrill_interface *f = &w->ifc;
	void *u = f->userdata;
	static uint8_t buf[70000];
	int fd = w->fd >= 0 ? w->fd : w->lfd;
	if (fd < 0)
		return;
	switch (op % 8) {
	case 0:
		f->read(u, fd, buf, n ? (size_t)in[0] * 256 : sizeof(buf));
		break;
	case 1:
		f->write(u, fd, in, n);
		break;
	case 2:
		f->shutdown(u, fd, n ? in[0] % 3 : SHUT_WR);
		break;
	case 3: {
		struct tcp_info ti;
		socklen_t l = sizeof(ti);
		f->getsockopt(u, fd, IPPROTO_TCP, TCP_INFO, &ti, &l);
		break;
	}
	case 4: {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
		f->poll(u, &p, 1, 0);
		break;
	}
	case 5:
		if (w->lfd >= 0 && w->fd < 0 && (w->fd = f->accept(u, w->lfd, NULL, NULL)) >= 0)
			f->fcntl(u, w->fd, F_SETFL, f->fcntl(u, w->fd, F_GETFL) | O_NONBLOCK);
		break;
	case 6:
		f->close(u, fd);
		if (fd == w->fd)
			w->fd = -1;
		else
			w->lfd = -1;
		break;
	case 7:
		f->recv(u, fd, buf, sizeof(buf), n && (in[0] & 1) ? MSG_PEEK | MSG_DONTWAIT : MSG_DONTWAIT);
		break;
	}
	drain(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[MAX_PKT + 64], seg[MAX_PKT];
	struct world w;
	if (size < 1)
		return 0;
	if (!world_init(&w, data[0])) {
		if (w.ifc.userdata)
			w.ifc.free(w.ifc.userdata);
		free(w.out);
		return 0;
	}
	world_enter(&w, data[0]);
	size_t i = 1;
	while (i + 3 <= size) {
		uint8_t op = data[i];
		size_t n = (size_t)(data[i + 1] << 8 | data[i + 2]);
		i += 3;
		if (n > size - i)
			n = size - i;
		const uint8_t *in = data + i;
		i += n;
		switch (op >> 5) {
		case 0: /* raw bytes onto the wire */
			send_pkt(&w, (uint8_t *)memcpy(pkt, in, n), n);
			break;
		case 1: /* a TCP segment aimed at the connection */
		case 2:
			if (n <= MAX_PKT - 60)
				send_pkt(&w, pkt, aimed(&w, op, in, n, pkt, seg));
			break;
		case 3: /* virtual time */
			w.ifc.usleep(w.ifc.userdata, (useconds_t)(n ? in[0] : 1) * 10000u * (op & 0x1f));
			drain(&w);
			break;
		default:
			socket_call(&w, op, in, n);
			break;
		}
	}
	/* Let every timer run out: retransmissions, TIME-WAIT, keepalives. */
	for (int k = 0; k < 8; k++) {
		w.ifc.usleep(w.ifc.userdata, 30000000);
		drain(&w);
	}
	w.ifc.free(w.ifc.userdata);
	free(w.out);
	return 0;
}
