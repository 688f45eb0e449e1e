/* Building inbound packets from the syntax tree: IP header, TCP (options
 * exactly as written), UDP, ICMP errors quoting a target->remote packet,
 * with every checksum filled in. */
#include "packet.h"

#include "checksum.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IPV4_HDR 20
#define IPV6_HDR 40
#define TCP_HDR 20
#define DEFAULT_TTL 64
#define DEFAULT_WINDOW 65535


static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Parse an address for a wire of the given version (4 or 6); an
 * IPv4-mapped IPv6 address is accepted for a version-4 wire. */
static int parse_addr(const char *text, int version, uint8_t out[16])
{
	struct in6_addr a6;

	memset(out, 0, 16);
	if (version == 4) {
		if (inet_pton(AF_INET, text, out) == 1)
			return 0;
		if (inet_pton(AF_INET6, text, &a6) == 1 &&
		    IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(out, a6.s6_addr + 12, 4);
			return 0;
		}
		return -1;
	}
	return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

int packet_ctx_init(struct packet_ctx *ctx, enum vwire_ip_mode mode,
		    const char *local_ip, const char *remote_ip,
		    uint16_t local_port, uint16_t remote_port, int mtu,
		    char *err, size_t errlen)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ip_mode = mode;
	ctx->wire_version = mode == VWIRE_IPV6 ? 6 : 4;
	if (!local_ip || parse_addr(local_ip, ctx->wire_version, ctx->local_addr) < 0)
		return packet_fail(err, errlen, "bad local address '%s' for IPv%d",
			    local_ip ? local_ip : "(null)", ctx->wire_version);
	if (!remote_ip || parse_addr(remote_ip, ctx->wire_version, ctx->remote_addr) < 0)
		return packet_fail(err, errlen, "bad remote address '%s' for IPv%d",
			    remote_ip ? remote_ip : "(null)", ctx->wire_version);
	ctx->local_port = local_port;
	ctx->remote_port = remote_port;
	ctx->mtu = mtu > 0 ? mtu : 1500;
	ctx->next_ip_id = 1;
	return 0;
}

/* The TOS / traffic-class byte: the script's tos, its ECN prefix in the
 * low two bits (RFC 3168). */
static uint8_t build_tos(const struct packet *pkt)
{
	uint8_t tos = pkt->has_tos ? pkt->tos : 0;

	switch (pkt->ecn) {
	case ECN_UNSPECIFIED: return tos;
	case ECN_NOECN: return tos & 0xfc;
	case ECN_ECT1: return (tos & 0xfc) | 1;
	case ECN_ECT0:
	case ECN_ECT01: return (tos & 0xfc) | 2;
	case ECN_CE: return tos | 3;
	}
	return tos;
}

/* Write an IP header for l4_len bytes of protocol proto. */
static size_t put_ip_header(uint8_t *b, int version, const uint8_t *src,
			    const uint8_t *dst, uint8_t proto, size_t l4_len,
			    uint8_t tos, uint8_t ttl, uint32_t flowlabel,
			    uint16_t id)
{
	if (version == 4) {
		memset(b, 0, IPV4_HDR);
		b[0] = 0x45;
		b[1] = tos;
		put16(b + 2, (uint32_t)(IPV4_HDR + l4_len));
		put16(b + 4, id);
		put16(b + 6, 0x4000); /* DF */
		b[8] = ttl;
		b[9] = proto;
		memcpy(b + 12, src, 4);
		memcpy(b + 16, dst, 4);
		put16(b + 10, csum_buffer(b, IPV4_HDR));
		return IPV4_HDR;
	}
	put32(b, 6u << 28 | (uint32_t)tos << 20 | (flowlabel & 0xfffff));
	put16(b + 4, (uint32_t)l4_len);
	b[6] = proto;
	b[7] = ttl;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return IPV6_HDR;
}

static uint16_t l4_sum(int version, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, const uint8_t *seg, size_t len)
{
	return version == 4 ? csum_l4_v4(src, dst, proto, seg, len)
			    : csum_l4_v6(src, dst, proto, seg, len);
}

/* Encode the options exactly as written, in order; returns their length
 * or -1. Inbound SACK blocks and TS ecr are the target's numbers. */
static int put_tcp_options(uint8_t *o, const struct tcp_options *opts,
			   const struct seq_map *map, char *err, size_t errlen)
{
	size_t i, n = 0, need;
	uint8_t tmp[64];

	if (!opts)
		return 0;
	if (opts->any)
		return packet_fail(err, errlen, "inbound packet cannot have <...> options");
	for (i = 0; i < opts->count; i++) {
		const struct tcp_option *op = &opts->items[i];
		size_t k;

		switch (op->kind) {
		case OPT_EOL: tmp[0] = 0; need = 1; break;
		case OPT_NOP: tmp[0] = 1; need = 1; break;
		case OPT_MSS:
			tmp[0] = 2; tmp[1] = 4; put16(tmp + 2, op->u.mss); need = 4;
			break;
		case OPT_WSCALE:
			tmp[0] = 3; tmp[1] = 3; tmp[2] = op->u.wscale; need = 3;
			break;
		case OPT_SACK_PERMITTED: tmp[0] = 4; tmp[1] = 2; need = 2; break;
		case OPT_SACK:
			if (op->u.sack.count == 0 || op->u.sack.count > 4)
				return packet_fail(err, errlen, "sack option with %zu blocks (1 to 4 fit)", op->u.sack.count);
			need = 2 + 8 * op->u.sack.count;
			tmp[0] = 5; tmp[1] = (uint8_t)need;
			for (k = 0; k < op->u.sack.count; k++) {
				put32(tmp + 2 + 8 * k, seq_map_inbound_sack(map, op->u.sack.blocks[k].left));
				put32(tmp + 6 + 8 * k, seq_map_inbound_sack(map, op->u.sack.blocks[k].right));
			}
			break;
		case OPT_TIMESTAMP:
			tmp[0] = 8; tmp[1] = 10;
			put32(tmp + 2, op->u.ts.val);
			put32(tmp + 6, seq_map_inbound_ecr(map, op->u.ts.ecr));
			need = 10;
			break;
		case OPT_FASTOPEN:
		case OPT_EXP_FASTOPEN: {
			size_t hdr = op->kind == OPT_FASTOPEN ? 2 : 4;
			size_t clen = op->u.cookie.bytes ? op->u.cookie.len : 0;

			if (hdr + clen > 40)
				return packet_fail(err, errlen, "FO cookie of %zu bytes too long", clen);
			need = hdr + clen;
			tmp[0] = op->kind == OPT_FASTOPEN ? 34 : 254;
			tmp[1] = (uint8_t)need;
			if (hdr == 4)
				put16(tmp + 2, PACKET_EXP_FO_MAGIC);
			if (clen)
				memcpy(tmp + hdr, op->u.cookie.bytes, clen);
			break;
		}
		case OPT_MD5:
			tmp[0] = 19; tmp[1] = 18; need = 18;
			memset(tmp + 2, 0, 16);
			if (op->u.md5.bytes)
				memcpy(tmp + 2, op->u.md5.bytes, op->u.md5.len < 16 ? op->u.md5.len : 16);
			break;
		case OPT_GENERIC: {
			size_t dlen = op->u.generic.data ? op->u.generic.data_len : 0;
			int l = op->u.generic.length < 0 ? (int)(2 + dlen) : op->u.generic.length;

			if (dlen > 38 || l > 40)
				return packet_fail(err, errlen, "option kind %u too long", op->u.generic.kind);
			/* A written length longer than the data is filled
			 * with zeros so the list stays parseable. */
			need = (size_t)l > 2 + dlen ? (size_t)l : 2 + dlen;
			memset(tmp, 0, need);
			tmp[0] = op->u.generic.kind;
			tmp[1] = (uint8_t)l;
			if (dlen)
				memcpy(tmp + 2, op->u.generic.data, dlen);
			break;
		}
		default:
			return packet_fail(err, errlen, "unknown TCP option kind %d", (int)op->kind);
		}
		if (n + need > 40)
			return packet_fail(err, errlen, "TCP options exceed 40 bytes");
		memcpy(o + n, tmp, need);
		n += need;
	}
	if (n % 4)
		return packet_fail(err, errlen, "TCP option list of %zu bytes is not a multiple of 4 (add nop or eol)", n);
	return (int)n;
}

static int build_tcp(const struct packet *pkt, const struct seq_map *map,
		     uint8_t *seg, size_t cap, uint16_t sport, uint16_t dport,
		     size_t *len, char *err, size_t errlen)
{
	const struct tcp_packet *t = &pkt->u.tcp;
	uint8_t opts[40];
	int olen;
	size_t total;

	if (t->seq_any)
		return packet_fail(err, errlen, "inbound TCP packet needs a sequence number, not ...");
	olen = put_tcp_options(opts, t->options, map, err, errlen);
	if (olen < 0)
		return -1;
	total = TCP_HDR + (size_t)olen + t->payload_len;
	if (total > cap)
		return packet_fail(err, errlen, "TCP payload of %u bytes too large", t->payload_len);
	memset(seg, 0, total);
	put16(seg, sport);
	put16(seg + 2, dport);
	put32(seg + 4, seq_map_inbound_seq(map, t->seq_start, t->flags & TCPF_SYN));
	put32(seg + 8, t->has_ack ? seq_map_inbound_ack(map, t->ack) : 0);
	seg[12] = (uint8_t)(((TCP_HDR + olen) / 4) << 4 | ((t->flags & TCPF_AE) ? 1 : 0));
	seg[13] = (uint8_t)t->flags;
	put16(seg + 14, t->has_win ? (t->win > 0xffff ? 0xffff : t->win) : DEFAULT_WINDOW);
	put16(seg + 18, t->has_urg ? t->urg : 0);
	memcpy(seg + TCP_HDR, opts, (size_t)olen);
	*len = total;
	return 0;
}

/* ICMP type/code from the names (or numbers) written, for ICMPv4 or v6. */
struct icmp_name { const char *name; int v4, v6; };

static const struct icmp_name icmp_types[] = {
	{ "echo_reply", 0, 129 }, { "unreachable", 3, 1 },
	{ "destination_unreachable", 3, 1 }, { "source_quench", 4, -1 },
	{ "redirect", 5, 137 }, { "echo_request", 8, 128 },
	{ "time_exceeded", 11, 3 }, { "parameter_problem", 12, 4 },
	{ "packet_too_big", -1, 2 },
};

static const struct icmp_name icmp_unreach_codes[] = {
	{ "net_unreachable", 0, 0 }, { "no_route", 0, 0 },
	{ "host_unreachable", 1, 3 }, { "address_unreachable", 1, 3 },
	{ "protocol_unreachable", 2, 4 }, { "port_unreachable", 3, 4 },
	{ "frag_needed", 4, -1 }, { "source_route_failed", 5, -1 },
	{ "net_unknown", 6, 0 }, { "host_unknown", 7, 3 },
	{ "host_isolated", 8, -1 }, { "net_prohibited", 9, 1 },
	{ "host_prohibited", 10, 1 }, { "admin_prohibited", 13, 1 },
	{ "beyond_scope", -1, 2 },
};

static int lookup(const struct icmp_name *t, size_t n, const char *name, int version)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return version == 4 ? t[i].v4 : t[i].v6;
	v = strtol(name, &end, 0);
	if (*name && !*end && v >= 0 && v <= 255)
		return (int)v;
	return -1;
}

static int icmp_type_code(const struct icmp_packet *ic, int version,
			  int *type, int *code, char *err, size_t errlen)
{
	if (!ic->type_name) {
		*type = ic->type;
		*code = ic->code;
		return 0;
	}
	*type = lookup(icmp_types, sizeof(icmp_types) / sizeof(icmp_types[0]),
		       ic->type_name, version);
	if (*type < 0)
		return packet_fail(err, errlen, "unknown ICMP%s type '%s'", version == 6 ? "v6" : "", ic->type_name);
	*code = 0;
	if (ic->code_name) {
		*code = lookup(icmp_unreach_codes, sizeof(icmp_unreach_codes) / sizeof(icmp_unreach_codes[0]),
			       ic->code_name, version);
		if (version == 6 && *type == 1 && strcasecmp(ic->code_name, "frag_needed") == 0) {
			*type = 2; /* ICMPv6 has "packet too big" instead */
			*code = 0;
		}
		if (*code < 0)
			return packet_fail(err, errlen, "unknown ICMP%s code '%s'", version == 6 ? "v6" : "", ic->code_name);
	}
	return 0;
}

static int build_icmp(const struct packet *pkt, const struct packet_ctx *ctx,
		      int version, const uint8_t *src, const uint8_t *dst,
		      const struct seq_map *map, uint8_t *msg, size_t cap,
		      size_t *len, char *err, size_t errlen)
{
	const struct icmp_packet *ic = &pkt->u.icmp;
	uint8_t proto = ic->has_quote ? ic->quote_proto : IPPROTO_TCP;
	/* Unquoted: the ISN, which is what a SYN_RECV request checks. */
	uint32_t qseq = ic->has_quote ? ic->quote_start : 0;
	uint32_t qlen = ic->has_quote ? ic->quote_len : 0;
	size_t l4hdr = proto == IPPROTO_UDP ? 8 : TCP_HDR, iph, total;
	int type = 0, code = 0;
	uint8_t *q;

	if (icmp_type_code(ic, version, &type, &code, err, errlen) < 0)
		return -1;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return packet_fail(err, errlen, "ICMP can only quote TCP or UDP");
	iph = version == 4 ? IPV4_HDR : IPV6_HDR;
	total = 8 + iph + 8; /* header, quoted IP header, first 8 bytes of L4 */
	if (total > cap)
		return packet_fail(err, errlen, "no room for the ICMP message");
	memset(msg, 0, total);
	msg[0] = (uint8_t)type;
	msg[1] = (uint8_t)code;
	if (ic->has_mtu) {
		if (version == 4)
			put16(msg + 6, ic->mtu);
		else
			put32(msg + 4, ic->mtu);
	}
	/* The quoted packet went from the target to the remote. */
	q = msg + 8;
	put_ip_header(q, version, dst, src, proto, l4hdr + qlen, 0, DEFAULT_TTL, 0, 0);
	q += iph;
	put16(q, ctx->local_port);
	put16(q + 2, ctx->remote_port);
	if (proto == IPPROTO_TCP)
		put32(q + 4, seq_map_local_to_live(map, qseq));
	else
		put16(q + 4, (uint32_t)(8 + qlen));
	if (version == 4)
		put16(msg + 2, csum_buffer(msg, total));
	else
		put16(msg + 2, csum_l4_v6(src, dst, IPPROTO_ICMPV6, msg, total));
	*len = total;
	return 0;
}

/* The packet without encapsulation; explicit_ip: whether pkt->ip names
 * this header's addresses (with encapsulation it names the outer one). */
static int build_plain(const struct packet *pkt, struct packet_ctx *ctx,
		       const struct seq_map *map, bool explicit_ip,
		       uint8_t *buf, size_t cap, size_t *len,
		       char *err, size_t errlen)
{
	uint8_t src[16], dst[16], proto;
	int version = ctx->wire_version;
	size_t iph, l4len = 0;
	uint8_t *seg;

	memcpy(src, ctx->remote_addr, 16);
	memcpy(dst, ctx->local_addr, 16);
	if (explicit_ip && pkt->ip) {
		version = pkt->ip->version;
		if (version != 4 && version != 6)
			return packet_fail(err, errlen, "bad IP version %d", version);
		if (!pkt->ip->src || parse_addr(pkt->ip->src, version, src) < 0)
			return packet_fail(err, errlen, "bad IPv%d source address '%s'", version,
				    pkt->ip->src ? pkt->ip->src : "");
		if (!pkt->ip->dst || parse_addr(pkt->ip->dst, version, dst) < 0)
			return packet_fail(err, errlen, "bad IPv%d destination address '%s'", version,
				    pkt->ip->dst ? pkt->ip->dst : "");
	}
	if (pkt->has_flowlabel && version == 4)
		return packet_fail(err, errlen, "flowlabel on an IPv4 packet");
	iph = version == 4 ? IPV4_HDR : IPV6_HDR;
	if (cap < iph)
		return packet_fail(err, errlen, "buffer too small");
	seg = buf + iph;
	switch (pkt->kind) {
	case PKT_TCP:
		proto = IPPROTO_TCP;
		if (build_tcp(pkt, map, seg, cap - iph, ctx->remote_port, ctx->local_port,
			      &l4len, err, errlen) < 0)
			return -1;
		put16(seg + 16, l4_sum(version, src, dst, proto, seg, l4len));
		break;
	case PKT_UDP:
		proto = IPPROTO_UDP;
		l4len = 8 + (size_t)pkt->u.udp.payload_len;
		if (l4len > cap - iph || l4len > 0xffff)
			return packet_fail(err, errlen, "UDP payload of %u bytes too large", pkt->u.udp.payload_len);
		memset(seg, 0, l4len);
		put16(seg, ctx->remote_port);
		put16(seg + 2, ctx->local_port);
		put16(seg + 4, (uint32_t)l4len);
		put16(seg + 6, l4_sum(version, src, dst, proto, seg, l4len));
		if (seg[6] == 0 && seg[7] == 0)
			seg[6] = seg[7] = 0xff; /* RFC 768: a zero sum is sent as ones */
		break;
	case PKT_ICMP:
		proto = version == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		if (build_icmp(pkt, ctx, version, src, dst, map, seg, cap - iph,
			       &l4len, err, errlen) < 0)
			return -1;
		break;
	default:
		return packet_fail(err, errlen, "unknown packet kind %d", (int)pkt->kind);
	}
	if (iph + l4len > PACKET_MAX_BYTES)
		return packet_fail(err, errlen, "packet of %zu bytes too long", iph + l4len);
	put_ip_header(buf, version, src, dst, proto, l4len, build_tos(pkt),
		      pkt->has_ttl ? pkt->ttl : DEFAULT_TTL,
		      pkt->has_flowlabel ? pkt->flowlabel : 0, ctx->next_ip_id++);
	*len = iph + l4len;
	return 0;
}

/* The value of a GRE field written as `name N` (or a bare `name`). */
static const struct struct_field *gre_field(const struct encapsulation *e,
					    const char *name)
{
	size_t i;

	if (!e->gre_fields || e->gre_fields->kind != EXPR_STRUCT)
		return NULL;
	for (i = 0; i < e->gre_fields->u.fields.count; i++)
		if (strcasecmp(e->gre_fields->u.fields.fields[i].name, name) == 0)
			return &e->gre_fields->u.fields.fields[i];
	return NULL;
}

static bool gre_number(const struct struct_field *f, uint32_t *v)
{
	if (!f || !f->value || f->value->kind != EXPR_INT)
		return false;
	*v = (uint32_t)f->value->u.num;
	return true;
}

/* Write one encapsulation header in front of `inner` bytes (already at
 * buf + at); returns its length or -1. next_proto: the EtherType of what
 * follows. */
static int put_encap(const struct encapsulation *e, uint16_t next_proto,
		     uint8_t *hdr, const uint8_t *inner, size_t inner_len,
		     char *err, size_t errlen)
{
	size_t n = 0, i;

	if (e->kind == ENCAP_MPLS) {
		for (i = 0; i < e->label_count; i++) {
			const struct mpls_label *l = &e->labels[i];

			if (l->label > 0xfffff || l->tc > 7 || l->ttl > 255)
				return packet_fail(err, errlen, "bad MPLS label %u", l->label);
			put32(hdr + n, l->label << 12 | l->tc << 9 |
				       (l->bottom ? 1u << 8 : 0) | l->ttl);
			n += 4;
		}
		return (int)n;
	}
	/* GRE (RFC 2784, keys and sequence numbers RFC 2890). */
	{
		uint32_t key = 0, seq = 0, proto = next_proto;
		bool has_csum = gre_field(e, "checksum") || gre_field(e, "csum");
		bool has_key = gre_number(gre_field(e, "key"), &key);
		bool has_seq = gre_number(gre_field(e, "seq"), &seq);
		uint16_t flags = (uint16_t)((has_csum ? 0x8000 : 0) | (has_key ? 0x2000 : 0) |
					    (has_seq ? 0x1000 : 0));
		size_t csum_at = 0;

		if (!gre_number(gre_field(e, "protocol"), &proto))
			gre_number(gre_field(e, "proto"), &proto);
		put16(hdr, flags);
		put16(hdr + 2, proto & 0xffff);
		n = 4;
		if (has_csum) {
			csum_at = n;
			put32(hdr + n, 0);
			n += 4;
		}
		if (has_key) { put32(hdr + n, key); n += 4; }
		if (has_seq) { put32(hdr + n, seq); n += 4; }
		if (has_csum) {
			uint16_t c = csum_fold(csum_add(csum_add(0, hdr, n), inner, inner_len));

			put16(hdr + csum_at, c);
		}
		return (int)n;
	}
}

int packet_build(const struct packet *pkt, struct packet_ctx *ctx,
		 const struct seq_map *map, uint8_t *buf, size_t cap,
		 size_t *len, char *err, size_t errlen)
{
	enum { ENCAP_ROOM = 512 };
	uint8_t *inner, src[16], dst[16];
	size_t inner_len, room, at, i;
	int version = ctx->wire_version, rc;

	if (!pkt || !buf || !len)
		return packet_fail(err, errlen, "no packet to build");
	if (pkt->dir != DIR_INBOUND)
		return packet_fail(err, errlen, "cannot build an outbound packet");
	if (pkt->encap_count == 0)
		return build_plain(pkt, ctx, map, true, buf, cap, len, err, errlen);

	/* Encapsulated: the inner packet goes at the end of a reserved room,
	 * then each header is written in front of it, innermost first. */
	room = IPV6_HDR + ENCAP_ROOM;
	if (cap <= room)
		return packet_fail(err, errlen, "buffer too small");
	inner = buf + room;
	if (build_plain(pkt, ctx, map, false, inner, cap - room, &inner_len, err, errlen) < 0)
		return -1;
	at = room;
	for (i = pkt->encap_count; i-- > 0;) {
		const struct encapsulation *e = &pkt->encaps[i];
		uint8_t hdr[ENCAP_ROOM];
		uint16_t next;

		if (i + 1 < pkt->encap_count) {
			if (pkt->encaps[i + 1].kind == ENCAP_GRE)
				return packet_fail(err, errlen, "GRE inside another encapsulation is not supported");
			next = 0x8847; /* MPLS unicast */
		} else
			next = ctx->wire_version == 4 ? 0x0800 : 0x86dd;
		if (e->kind == ENCAP_MPLS && e->label_count * 4 > sizeof(hdr))
			return packet_fail(err, errlen, "too many MPLS labels");
		rc = put_encap(e, next, hdr, buf + at, room + inner_len - at, err, errlen);
		if (rc < 0)
			return -1;
		if ((size_t)rc > at - IPV6_HDR)
			return packet_fail(err, errlen, "encapsulation headers too long");
		at -= (size_t)rc;
		memcpy(buf + at, hdr, (size_t)rc);
	}
	/* The outer IP header: the explicit one, else the script's hosts. */
	memcpy(src, ctx->remote_addr, 16);
	memcpy(dst, ctx->local_addr, 16);
	if (pkt->ip) {
		version = pkt->ip->version;
		if ((version != 4 && version != 6) ||
		    !pkt->ip->src || parse_addr(pkt->ip->src, version, src) < 0 ||
		    !pkt->ip->dst || parse_addr(pkt->ip->dst, version, dst) < 0)
			return packet_fail(err, errlen, "bad outer IPv%d header", version);
	}
	{
		size_t iph = version == 4 ? IPV4_HDR : IPV6_HDR;
		size_t l4len = room + inner_len - at;
		uint8_t proto = pkt->encaps[0].kind == ENCAP_GRE ? 47 : 137; /* MPLS-in-IP */

		if (iph + l4len > PACKET_MAX_BYTES)
			return packet_fail(err, errlen, "packet too long");
		put_ip_header(buf + at - iph, version, src, dst, proto, l4len, 0,
			      DEFAULT_TTL, 0, ctx->next_ip_id++);
		memmove(buf, buf + at - iph, iph + l4len);
		*len = iph + l4len;
	}
	return 0;
}
