/* ICMPv4 and ICMPv6: echo answered, errors quoting our TCP segments handed
 * to the engine, port unreachable for UDP. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <arpa/inet.h>
#include <string.h>

#include "host_internal.h"

#define ICMP_MAX_QUOTE 548 /* RFC 1812: as much as fits in 576 bytes */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Sends an ICMP message (header and body built by the caller, checksum
 * filled in here) from us to dst. */
static void icmp_send(struct vstack *vs, int family, const struct vs_addr *dst,
		      uint8_t *msg, size_t len)
{
	put16(msg + 2, 0);
	uint32_t sum = 0;
	if (family == AF_INET6)
		sum = vs_pseudo_sum(&vs->local_addr, dst, IPPROTO_ICMPV6, len);
	put16(msg + 2, vs_csum_fold(vs_csum_add(sum, msg, len)));
	vs_ip_output(vs, &vs->local_addr, dst,
		     family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, 0, msg, len);
}

static void echo_reply(struct vstack *vs, int family, const struct vs_addr *src,
		       const uint8_t *msg, size_t len)
{
	uint8_t out[65535];
	if (len > sizeof(out))
		return;
	memcpy(out, msg, len);
	out[0] = family == AF_INET ? 0 : 129;
	out[1] = 0;
	icmp_send(vs, family, src, out, len);
}

/* An error quotes the IP header of a packet we sent and its first bytes. */
static void error_input(struct vstack *vs, int family, int type, int code,
			uint32_t mtu, const uint8_t *quote, size_t qlen)
{
	struct vs_addr qsrc = { .family = family }, qdst = { .family = family };
	size_t off;
	uint8_t proto;
	if (family == AF_INET) {
		if (qlen < 20 || (quote[0] >> 4) != 4)
			return;
		off = (size_t)(quote[0] & 0x0f) * 4;
		if (off < 20 || off > qlen)
			return;
		proto = quote[9];
		memcpy(&qsrc.u.v4, quote + 12, 4);
		memcpy(&qdst.u.v4, quote + 16, 4);
	} else {
		if (qlen < 40 || (quote[0] >> 4) != 6)
			return;
		off = 40;
		proto = quote[6];
		memcpy(&qsrc.u.v6, quote + 8, 16);
		memcpy(&qdst.u.v6, quote + 24, 16);
	}
	/* Only errors about our own TCP segments concern anyone here. */
	if (proto != IPPROTO_TCP || !vs_is_local_addr(vs, &qsrc) || qlen - off < 8)
		return;
	tcp_icmp_error(vs, family, type, code, mtu, &qsrc, &qdst, quote + off,
		       qlen - off);
}

void vs_icmp_input(struct vstack *vs, int family, const struct vs_addr *src,
		   const struct vs_addr *dst, const uint8_t *msg, size_t len)
{
	(void)dst;
	if (len < 8)
		return;
	if (family == AF_INET && vs_csum_fold(vs_csum_add(0, msg, len)) != 0)
		return;
	int type = msg[0], code = msg[1];
	if (family == AF_INET) {
		switch (type) {
		case 8:
			echo_reply(vs, family, src, msg, len);
			return;
		case 3: /* destination unreachable; code 4: frag needed */
			error_input(vs, family, type, code, code == 4 ? get16(msg + 6) : 0,
				    msg + 8, len - 8);
			return;
		case 4: case 11: case 12:
			error_input(vs, family, type, code, 0, msg + 8, len - 8);
			return;
		default:
			return;
		}
	}
	switch (type) {
	case 128:
		echo_reply(vs, family, src, msg, len);
		return;
	case 2: /* packet too big */
		error_input(vs, family, type, code,
			    (uint32_t)get16(msg + 4) << 16 | get16(msg + 6), msg + 8, len - 8);
		return;
	case 1: case 3: case 4:
		error_input(vs, family, type, code, 0, msg + 8, len - 8);
		return;
	default:
		return;
	}
}

void vs_icmp_port_unreachable(struct vstack *vs, int family,
			      const struct vs_addr *src, const struct vs_addr *dst,
			      const uint8_t *pkt, size_t len)
{
	(void)dst;
	uint8_t out[8 + ICMP_MAX_QUOTE];
	size_t q = len < ICMP_MAX_QUOTE ? len : ICMP_MAX_QUOTE;
	memset(out, 0, 8);
	out[0] = family == AF_INET ? 3 : 1;  /* destination unreachable */
	out[1] = family == AF_INET ? 3 : 4;  /* port unreachable */
	memcpy(out + 8, pkt, q);
	icmp_send(vs, family, src, out, 8 + q);
}
