/* Helpers for the host side's unit tests (header-only): an instance
 * through the packetdrill interface, IPv4 framing of hand-built segments,
 * and a handshake that yields an accepted connection. */
#ifndef STACK_HOST_TEST_UTIL_H
#define STACK_HOST_TEST_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "packetdrill.h"
#include "stack_test_util.h"
#include "vstack.h"

#define HT_LOCAL "192.168.0.1"
#define HT_REMOTE "192.0.2.1"
#define HT_PORT 8080
#define HT_RPORT 40000

static inline void ht_init(struct packetdrill_interface *ifc)
{
	packetdrill_interface_init("seed=1", ifc);
	struct vwire_net_config cfg = { .ip_mode = VWIRE_IPV4, .local_ip = HT_LOCAL,
		.remote_ip = HT_REMOTE, .gateway_ip = HT_LOCAL,
		.netmask_ip = "255.255.0.0", .mtu = 1500, .seed = 1 };
	vwire_configure(ifc->userdata, &cfg);
}

/* For a cmocka setup: a new instance, kept in *state too. */
static inline struct packetdrill_interface *ht_new(void **state)
{
	struct packetdrill_interface *ifc = calloc(1, sizeof(*ifc));
	if (ifc)
		ht_init(ifc);
	*state = ifc;
	return ifc;
}

static inline int ht_setup(void **state)
{
	return ht_new(state) ? 0 : -1;
}

/* The cmocka teardown for ht_new's instance. */
static inline int ht_teardown(void **state)
{
	struct packetdrill_interface *ifc = *state;
	ifc->free(ifc->userdata);
	free(ifc);
	return 0;
}

static inline uint16_t ht_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An IPv4 header (checksummed) in front of l4 of len bytes. */
static inline size_t ht_ipv4(uint8_t *pkt, uint8_t proto, const char *src,
			     const char *dst, const uint8_t *l4, size_t len)
{
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	tu_put16(pkt + 2, (uint16_t)(20 + len));
	pkt[8] = 64;
	pkt[9] = proto;
	inet_pton(AF_INET, src, pkt + 12);
	inet_pton(AF_INET, dst, pkt + 16);
	tu_put16(pkt + 10, ht_csum(pkt, 20));
	memcpy(pkt + 20, l4, len);
	return 20 + len;
}

/* Sends a segment from the remote host to us. */
static inline int ht_send(struct packetdrill_interface *ifc, const struct tseg *s)
{
	uint8_t seg[2048], pkt[2100];
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	size_t n = tu_build(seg, s, &src, &dst);
	size_t len = ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n);
	return ifc->netdev_send(ifc->userdata, pkt, len);
}

/* A remote server's SYN-ACK (sequence seq, acking ack) to our client
 * port dport: MSS 1460 and, when ck is given, its Fast Open cookie. */
static inline int ht_send_fastopen_synack(struct packetdrill_interface *ifc, uint16_t dport,
					  uint32_t seq, uint32_t ack,
					  const struct tcp_fastopen_cookie *ck)
{
	uint8_t seg[100], pkt[200];
	memset(seg, 0, sizeof(seg));
	uint8_t *o = seg + 20;
	size_t ol = 0;
	o[ol++] = TCPOPT_MSS; o[ol++] = 4; o[ol++] = 1460 >> 8; o[ol++] = 1460 & 0xff;
	if (ck)
		ol += tcp_fastopen_put_option(o + ol, 40 - ol, ck);
	while (ol % 4)
		o[ol++] = TCPOPT_NOP;
	tu_put16(seg, HT_PORT);
	tu_put16(seg + 2, dport);
	tu_put32(seg + 4, seq);
	tu_put32(seg + 8, ack);
	seg[12] = (uint8_t)(((20 + ol) / 4) << 4);
	seg[13] = TH_SYN | TH_ACK;
	tu_put16(seg + 14, 65535);
	struct vs_addr src = tu_v4(HT_REMOTE), me = tu_v4(HT_LOCAL);
	tu_put16(seg + 16, tcp_checksum(&src, &me, seg, 20 + ol));
	size_t n = ht_ipv4(pkt, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, 20 + ol);
	return ifc->netdev_send(ifc->userdata, pkt, n);
}

/* The next TCP segment the stack sent (false if none). */
static inline bool ht_recv(struct packetdrill_interface *ifc, struct tseg *s,
			   uint8_t *buf, size_t cap)
{
	size_t n = cap;
	if (ifc->netdev_receive(ifc->userdata, buf, &n) != 0 || n < 40 || buf[9] != IPPROTO_TCP)
		return false;
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
	return tu_parse(buf + ihl, n - ihl, s);
}

static inline int ht_count_packets(struct packetdrill_interface *ifc)
{
	uint8_t buf[2048];
	int k = 0;
	size_t n = sizeof(buf);
	while (ifc->netdev_receive(ifc->userdata, buf, &n) == 0) {
		k++;
		n = sizeof(buf);
	}
	return k;
}

static inline struct sockaddr_in ht_sin(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* A listener on HT_PORT. */
static inline int ht_listener(struct packetdrill_interface *ifc)
{
	int fd = ifc->socket(ifc->userdata, AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = ht_sin("0.0.0.0", HT_PORT);
	if (fd < 0 || ifc->bind(ifc->userdata, fd, (struct sockaddr *)&a, sizeof(a)) ||
	    ifc->listen(ifc->userdata, fd, 8))
		return -1;
	return fd;
}

/* The remote side's handshake with listener lfd (SYN in, SYN-ACK out,
 * ACK in). *snd_nxt gets the next sequence the stack will send. */
static inline bool ht_handshake(struct packetdrill_interface *ifc, uint32_t *snd_nxt)
{
	*snd_nxt = 0;
	struct tseg syn = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1000,
		.flags = TH_SYN, .win = 65535, .syn_opts = true,
		.opt = { .mss_ok = true, .mss = 1460 } };
	if (ht_send(ifc, &syn))
		return false;
	uint8_t buf[2048];
	struct tseg sa;
	if (!ht_recv(ifc, &sa, buf, sizeof(buf)) || sa.flags != (TH_SYN | TH_ACK))
		return false;
	struct tseg ack = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001,
		.ack = sa.seq + 1, .flags = TH_ACK, .win = 65535 };
	*snd_nxt = sa.seq + 1;
	return ht_send(ifc, &ack) == 0;
}

/* Listener plus handshake plus accept: the connection's fd. */
static inline int ht_connection(struct packetdrill_interface *ifc, int *lfd,
				uint32_t *snd_nxt)
{
	*lfd = ht_listener(ifc);
	if (*lfd < 0 || !ht_handshake(ifc, snd_nxt))
		return -1;
	return ifc->accept(ifc->userdata, *lfd, NULL, NULL);
}

/* Remote data to the connection, seq relative to the handshake above. */
static inline int ht_send_data(struct packetdrill_interface *ifc, uint32_t off,
			       const void *data, uint32_t len, uint32_t ack, uint8_t flags)
{
	struct tseg s = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001 + off,
		.ack = ack, .flags = (uint8_t)(TH_ACK | flags), .win = 65535,
		.data = data, .len = len };
	return ht_send(ifc, &s);
}

#endif
