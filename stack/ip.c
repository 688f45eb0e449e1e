/* IPv4 and IPv6: input validation and dispatch, and output framing. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "host_internal.h"

#define IPV4_HDR 20
#define IPV6_HDR 40
#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

uint32_t vs_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t vs_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t vs_pseudo_sum(const struct vs_addr *src, const struct vs_addr *dst,
		       uint8_t proto, size_t len)
{
	uint32_t sum = 0;
	if (src->family == AF_INET) {
		sum = vs_csum_add(sum, &src->u.v4, 4);
		sum = vs_csum_add(sum, &dst->u.v4, 4);
		sum += proto;
		sum += (uint32_t)len;
	} else {
		sum = vs_csum_add(sum, &src->u.v6, 16);
		sum = vs_csum_add(sum, &dst->u.v6, 16);
		sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
		sum += proto;
	}
	return vs_csum_add(sum, NULL, 0);
}

static bool l4_checksum_ok(const struct vs_addr *src, const struct vs_addr *dst,
			   uint8_t proto, const uint8_t *l4, size_t len)
{
	uint32_t sum = vs_pseudo_sum(src, dst, proto, len);
	return vs_csum_fold(vs_csum_add(sum, l4, len)) == 0;
}

static void dispatch(struct vstack *vs, int family, uint8_t proto, uint8_t tos,
		     const struct vs_addr *src, const struct vs_addr *dst,
		     const uint8_t *pkt, size_t pkt_len, const uint8_t *l4,
		     size_t len, int *verdict)
{
	*verdict = 0;
	switch (proto) {
	case IPPROTO_TCP:
		if (len < 20 || !l4_checksum_ok(src, dst, proto, l4, len)) {
			*verdict = -EBADMSG;
			return;
		}
		tcp_input(vs, src, dst, tos, l4, len);
		return;
	case IPPROTO_ICMP:
		if (family != AF_INET) {
			*verdict = -EPROTONOSUPPORT;
			return;
		}
		vs_icmp_input(vs, family, src, dst, l4, len);
		return;
	case IPPROTO_ICMPV6:
		if (family != AF_INET6 || !l4_checksum_ok(src, dst, proto, l4, len)) {
			*verdict = -EBADMSG;
			return;
		}
		vs_icmp_input(vs, family, src, dst, l4, len);
		return;
	case IPPROTO_UDP:
		/* No UDP sockets: every port is closed. */
		if (len < 8) {
			*verdict = -EBADMSG;
			return;
		}
		vs_icmp_port_unreachable(vs, family, src, dst, pkt, pkt_len);
		return;
	default:
		*verdict = -EPROTONOSUPPORT;
		return;
	}
}

static int ipv4_input(struct vstack *vs, const uint8_t *p, size_t len)
{
	if (len < IPV4_HDR)
		return -EBADMSG;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t total = get16(p + 2);
	if (ihl < IPV4_HDR || ihl > len || total < ihl || total > len)
		return -EBADMSG;
	if (vs_csum_fold(vs_csum_add(0, p, ihl)) != 0)
		return -EBADMSG;
	if (get16(p + 6) & (IPV4_MF | IPV4_OFFMASK))
		return -EMSGSIZE; /* fragments are not reassembled */
	struct vs_addr src = { .family = AF_INET }, dst = { .family = AF_INET };
	memcpy(&src.u.v4, p + 12, 4);
	memcpy(&dst.u.v4, p + 16, 4);
	if (!vs_is_local_addr(vs, &dst))
		return -EADDRNOTAVAIL;
	int verdict;
	dispatch(vs, AF_INET, p[9], p[1], &src, &dst, p, total, p + ihl,
		 total - ihl, &verdict);
	return verdict;
}

static int ipv6_input(struct vstack *vs, const uint8_t *p, size_t len)
{
	if (len < IPV6_HDR)
		return -EBADMSG;
	size_t total = IPV6_HDR + get16(p + 4);
	if (total > len)
		return -EBADMSG;
	struct vs_addr src = { .family = AF_INET6 }, dst = { .family = AF_INET6 };
	memcpy(&src.u.v6, p + 8, 16);
	memcpy(&dst.u.v6, p + 24, 16);
	if (!vs_is_local_addr(vs, &dst))
		return -EADDRNOTAVAIL;
	uint8_t tclass = (uint8_t)(((p[0] & 0x0f) << 4) | (p[1] >> 4));
	uint8_t next = p[6];
	size_t off = IPV6_HDR;
	/* Skip hop-by-hop, routing and destination options; drop fragments. */
	for (;;) {
		if (next == 0 || next == 43 || next == 60) {
			if (off + 8 > total)
				return -EBADMSG;
			size_t ext = ((size_t)p[off + 1] + 1) * 8;
			if (off + ext > total)
				return -EBADMSG;
			next = p[off];
			off += ext;
			continue;
		}
		if (next == 44)
			return -EMSGSIZE;
		break;
	}
	int verdict;
	dispatch(vs, AF_INET6, next, tclass, &src, &dst, p, total, p + off,
		 total - off, &verdict);
	return verdict;
}

int vs_ip_input(struct vstack *vs, const uint8_t *pkt, size_t len)
{
	if (len < 1)
		return -EBADMSG;
	int version = pkt[0] >> 4;
	/* The wire speaks the family of the interface's address. */
	if (version == 4 && vs->local_addr.family == AF_INET)
		return ipv4_input(vs, pkt, len);
	if (version == 6 && vs->local_addr.family == AF_INET6)
		return ipv6_input(vs, pkt, len);
	return -EPROTONOSUPPORT;
}

bool vs_ip_output_blocked(const struct vstack *vs)
{
	return vs_wire_full(vs->wire);
}

int vs_ip_output(struct vstack *vs, const struct vs_addr *src,
		 const struct vs_addr *dst, uint8_t proto, uint8_t tos,
		 const uint8_t *l4, size_t len)
{
	return vs_ip_output_at(vs, src, dst, proto, tos, l4, len, 0);
}

int vs_ip_output_at(struct vstack *vs, const struct vs_addr *src,
		    const struct vs_addr *dst, uint8_t proto, uint8_t tos,
		    const uint8_t *l4, size_t len, int64_t depart_us)
{
	uint8_t pkt[IPV6_HDR + 65535];
	size_t hdr = src->family == AF_INET ? IPV4_HDR : IPV6_HDR;
	if (len > 65535 - (src->family == AF_INET ? IPV4_HDR : 0))
		return -EMSGSIZE;
	memset(pkt, 0, hdr);
	if (src->family == AF_INET) {
		pkt[0] = 0x45;
		pkt[1] = tos;
		put16(pkt + 2, (uint16_t)(hdr + len));
		put16(pkt + 4, vs->ip_id++);
		put16(pkt + 6, vs->knobs.ip_no_pmtu_disc ? 0 : IPV4_DF);
		pkt[8] = (uint8_t)vs->knobs.ip_default_ttl;
		pkt[9] = proto;
		memcpy(pkt + 12, &src->u.v4, 4);
		memcpy(pkt + 16, &dst->u.v4, 4);
		put16(pkt + 10, vs_csum_fold(vs_csum_add(0, pkt, IPV4_HDR)));
	} else {
		pkt[0] = (uint8_t)(0x60 | (tos >> 4));
		pkt[1] = (uint8_t)(tos << 4);
		put16(pkt + 4, (uint16_t)len);
		pkt[6] = proto;
		pkt[7] = (uint8_t)vs->knobs.ip_default_ttl;
		memcpy(pkt + 8, &src->u.v6, 16);
		memcpy(pkt + 24, &dst->u.v6, 16);
	}
	memcpy(pkt + hdr, l4, len);
	return vs_wire_push_at(vs->wire, pkt, hdr + len, depart_us);
}
