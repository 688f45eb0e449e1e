/* ICMPv4 and ICMPv6: echo answered, errors quoting our TCP segments handed
 * to the engine, port unreachable for UDP. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <arpa/inet.h>
#include <errno.h>
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

/* The errno an ICMP error means (Linux's icmp_err_convert and
 * icmpv6_err_convert), or 0 for one that reports nothing. */
static int icmp_errno(int family, int type, int code)
{
	if (family == AF_INET) {
		static const int unreach[16] = {
			ENETUNREACH, EHOSTUNREACH, ENOPROTOOPT, ECONNREFUSED,
			EMSGSIZE, EOPNOTSUPP, ENETUNREACH, EHOSTDOWN, ENONET,
			ENETUNREACH, EHOSTUNREACH, ENETUNREACH, EHOSTUNREACH,
			EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH };
		switch (type) {
		case 3: return code >= 0 && code < 16 ? unreach[code] : 0;
		case 11: return EHOSTUNREACH;
		case 12: return EPROTO;
		default: return 0;
		}
	}
	static const int unreach6[8] = { ENETUNREACH, EACCES, EHOSTUNREACH,
		EHOSTUNREACH, ECONNREFUSED, EACCES, EACCES, EHOSTUNREACH };
	switch (type) {
	case 1: return code >= 0 && code < 8 ? unreach6[code] : EPROTO;
	case 2: return EMSGSIZE;
	case 3: return EHOSTUNREACH;
	case 4: return EPROTO;
	default: return 0;
	}
}

/* IP_RECVERR: Linux queues a TCP socket's ICMP error on its error queue
 * while the connection is being set up (tcp_v4_err, ip_icmp_error),
 * carrying the quoted transport header, the router as offender and the
 * quoted destination as the message's name. */
static void queue_icmp_report(struct vstack *vs, int family, const struct vs_addr *from,
			      int type, int code, uint32_t mtu,
			      const struct vs_addr *qsrc, const struct vs_addr *qdst,
			      const uint8_t *l4, size_t l4len)
{
	struct vwire_conn conns[64];
	int n = tcp_list_connections(vs, conns, 64);
	uint16_t sport = get16(l4), dport = get16(l4 + 2);
	size_t alen = family == AF_INET ? 4 : 16;
	const void *src = family == AF_INET ? (const void *)&qsrc->u.v4 : (const void *)&qsrc->u.v6;
	const void *dst = family == AF_INET ? (const void *)&qdst->u.v4 : (const void *)&qdst->u.v6;
	for (int i = 0; i < n && i < 64; i++) {
		const struct vwire_conn *c = &conns[i];
		if (c->fd < 0 || c->local_port != sport || c->remote_port != dport ||
		    memcmp(c->local_addr, src, alen) || memcmp(c->remote_addr, dst, alen))
			continue;
		if (c->state != VWIRE_TCP_SYN_SENT && c->state != VWIRE_TCP_SYN_RECV)
			return;
		struct vs_file *f = vs_fd_get(vs, c->fd);
		int err = icmp_errno(family, type, code);
		if (!f || f->kind != VS_FILE_SOCKET || !f->u.sock.ext ||
		    !f->u.sock.ext->recverr || !err)
			return;
		struct sock_extended_err ee = { .ee_errno = (uint32_t)err,
			.ee_origin = family == AF_INET ? SO_EE_ORIGIN_ICMP : SO_EE_ORIGIN_ICMP6,
			.ee_type = (uint8_t)type, .ee_code = (uint8_t)code,
			.ee_info = mtu };
		struct vs_errq_addrs a = { .offender = *from, .dest = *qdst,
			.dest_port = dport };
		vs_errq_push_icmp(vs, f->u.sock.ext, &ee, &a, l4, l4len, -1);
		return;
	}
}

/* An error quotes the IP header of a packet we sent and its first bytes. */
static void error_input(struct vstack *vs, int family, const struct vs_addr *from,
			int type, int code, uint32_t mtu, const uint8_t *quote, size_t qlen)
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
	queue_icmp_report(vs, family, from, type, code, mtu, &qsrc, &qdst, quote + off,
			  qlen - off);
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
			error_input(vs, family, src, type, code, code == 4 ? get16(msg + 6) : 0,
				    msg + 8, len - 8);
			return;
		case 4: case 11: case 12:
			error_input(vs, family, src, type, code, 0, msg + 8, len - 8);
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
		error_input(vs, family, src, type, code,
			    (uint32_t)get16(msg + 4) << 16 | get16(msg + 6), msg + 8, len - 8);
		return;
	case 1: case 3: case 4:
		error_input(vs, family, src, type, code, 0, msg + 8, len - 8);
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
