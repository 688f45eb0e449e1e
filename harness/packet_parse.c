/* Parsing the bytes a target sends: IPv4/IPv6, TCP (with its options),
 * UDP, ICMP. Every length is checked against the bytes actually present
 * before it is used, so no input can make us read out of bounds. */
#include "packet.h"

#include "checksum.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode the option bytes into p->options; a malformed list is an error. */
static int parse_tcp_options(struct live_packet *p, uint8_t *o, size_t len,
			     char *err, size_t errlen)
{
	size_t i = 0, sacks_used = 0;

	while (i < len) {
		struct tcp_option *opt;
		uint8_t kind = o[i];
		size_t olen;

		if (p->option_count >= LIVE_MAX_OPTIONS)
			return packet_fail(err, errlen, "bad TCP options: too many options");
		opt = &p->options[p->option_count];
		memset(opt, 0, sizeof(*opt));
		if (kind == 0) { /* EOL: the rest is padding */
			opt->kind = OPT_EOL;
			p->option_count++;
			return 0;
		}
		if (kind == 1) {
			opt->kind = OPT_NOP;
			p->option_count++;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return packet_fail(err, errlen, "bad TCP options: option kind %u at offset %zu has no length byte", kind, i);
		olen = o[i + 1];
		if (olen < 2)
			return packet_fail(err, errlen, "bad TCP options: option kind %u has length %zu (< 2)", kind, olen);
		if (i + olen > len)
			return packet_fail(err, errlen, "bad TCP options: option kind %u of length %zu overruns the header by %zu bytes",
				    kind, olen, i + olen - len);
		const uint8_t *d = o + i + 2;
		size_t dlen = olen - 2;
		switch (kind) {
		case 2:
			if (olen != 4)
				return packet_fail(err, errlen, "bad TCP options: mss option length %zu (expected 4)", olen);
			opt->kind = OPT_MSS;
			opt->u.mss = get16(d);
			break;
		case 3:
			if (olen != 3)
				return packet_fail(err, errlen, "bad TCP options: wscale option length %zu (expected 3)", olen);
			opt->kind = OPT_WSCALE;
			opt->u.wscale = d[0];
			break;
		case 4:
			if (olen != 2)
				return packet_fail(err, errlen, "bad TCP options: sackOK option length %zu (expected 2)", olen);
			opt->kind = OPT_SACK_PERMITTED;
			break;
		case 5: {
			size_t n = dlen / 8, b;

			if (dlen % 8 || n == 0 || sacks_used + n > LIVE_MAX_SACK_BLOCKS)
				return packet_fail(err, errlen, "bad TCP options: sack option length %zu", olen);
			opt->kind = OPT_SACK;
			opt->u.sack.blocks = &p->sack_blocks[sacks_used];
			opt->u.sack.count = n;
			for (b = 0; b < n; b++) {
				p->sack_blocks[sacks_used + b].left = get32(d + 8 * b);
				p->sack_blocks[sacks_used + b].right = get32(d + 8 * b + 4);
			}
			sacks_used += n;
			break;
		}
		case 8:
			if (olen != 10)
				return packet_fail(err, errlen, "bad TCP options: TS option length %zu (expected 10)", olen);
			opt->kind = OPT_TIMESTAMP;
			opt->u.ts.val = get32(d);
			opt->u.ts.ecr = get32(d + 4);
			break;
		case 19:
			if (olen != 18)
				return packet_fail(err, errlen, "bad TCP options: md5 option length %zu (expected 18)", olen);
			opt->kind = OPT_MD5;
			opt->u.md5.bytes = (uint8_t *)d;
			opt->u.md5.len = dlen;
			break;
		case 34:
			opt->kind = OPT_FASTOPEN;
			opt->u.cookie.bytes = (uint8_t *)d;
			opt->u.cookie.len = dlen;
			opt->u.cookie.has_cookie = dlen > 0;
			break;
		default:
			if (kind == 254 && dlen >= 2 && get16(d) == PACKET_EXP_FO_MAGIC) {
				opt->kind = OPT_EXP_FASTOPEN;
				opt->u.cookie.bytes = (uint8_t *)d + 2;
				opt->u.cookie.len = dlen - 2;
				opt->u.cookie.has_cookie = dlen > 2;
				break;
			}
			opt->kind = OPT_GENERIC;
			opt->u.generic.kind = kind;
			opt->u.generic.length = (int)olen;
			opt->u.generic.data = (uint8_t *)d;
			opt->u.generic.data_len = dlen;
			break;
		}
		p->option_count++;
		i += olen;
	}
	return 0;
}

static int parse_tcp(struct live_packet *p, uint8_t *seg, size_t len,
		     char *err, size_t errlen)
{
	size_t doff;

	if (len < 20)
		return packet_fail(err, errlen, "TCP header truncated: %zu bytes (< 20)", len);
	doff = (size_t)(seg[12] >> 4) * 4;
	if (doff < 20)
		return packet_fail(err, errlen, "TCP data offset %zu bytes (< 20)", doff);
	if (doff > len)
		return packet_fail(err, errlen, "TCP data offset %zu bytes beyond the segment's %zu bytes", doff, len);
	p->src_port = get16(seg);
	p->dst_port = get16(seg + 2);
	p->seq = get32(seg + 4);
	p->ack = get32(seg + 8);
	p->flags = (uint16_t)(seg[13] | ((seg[12] & 1) ? TCPF_AE : 0));
	p->window = get16(seg + 14);
	p->urg_ptr = get16(seg + 18);
	p->tcp_header_len = doff;
	p->payload = seg + doff;
	p->payload_len = len - doff;
	return parse_tcp_options(p, seg + 20, doff - 20, err, errlen);
}

static int check_l4_sum(const struct live_packet *p, const uint8_t *seg,
			size_t len, const char *what, char *err, size_t errlen)
{
	uint16_t s;

	if (p->ip_version == 4)
		s = csum_l4_v4(p->src, p->dst, p->protocol, seg, len);
	else
		s = csum_l4_v6(p->src, p->dst, p->protocol, seg, len);
	if (s != 0)
		return packet_fail(err, errlen, "bad %s checksum", what);
	return 0;
}

static int parse_l4(struct live_packet *p, size_t off, size_t end,
		    char *err, size_t errlen)
{
	uint8_t *seg = p->bytes + off;
	size_t len = end - off;

	p->l4_offset = off;
	switch (p->protocol) {
	case IPPROTO_TCP:
		if (parse_tcp(p, seg, len, err, errlen) < 0)
			return -1;
		return check_l4_sum(p, seg, len, "TCP", err, errlen);
	case IPPROTO_UDP: {
		size_t ulen;

		if (len < 8)
			return packet_fail(err, errlen, "UDP header truncated: %zu bytes (< 8)", len);
		ulen = get16(seg + 4);
		if (ulen != len)
			return packet_fail(err, errlen, "UDP length %zu does not match the %zu bytes of the datagram", ulen, len);
		p->src_port = get16(seg);
		p->dst_port = get16(seg + 2);
		p->payload = seg + 8;
		p->payload_len = len - 8;
		if (p->ip_version == 4 && get16(seg + 6) == 0)
			return 0; /* no checksum (IPv4 only) */
		return check_l4_sum(p, seg, len, "UDP", err, errlen);
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < 8)
			return packet_fail(err, errlen, "ICMP header truncated: %zu bytes (< 8)", len);
		p->icmp_type = seg[0];
		p->icmp_code = seg[1];
		p->icmp_rest = get32(seg + 4);
		p->payload = seg + 8;
		p->payload_len = len - 8;
		if (p->protocol == IPPROTO_ICMP) {
			if (csum_buffer(seg, len) != 0)
				return packet_fail(err, errlen, "bad ICMP checksum");
			return 0;
		}
		return check_l4_sum(p, seg, len, "ICMPv6", err, errlen);
	default:
		p->payload = seg;
		p->payload_len = len;
		return 0; /* another protocol: the caller decides */
	}
}

static int parse_ipv4(struct live_packet *p, char *err, size_t errlen)
{
	const uint8_t *h = p->bytes;
	size_t ihl, total;
	uint16_t frag;

	if (p->len < 20)
		return packet_fail(err, errlen, "IPv4 header truncated: %zu bytes (< 20)", p->len);
	ihl = (size_t)(h[0] & 0xf) * 4;
	if (ihl < 20)
		return packet_fail(err, errlen, "bad IPv4 header length %zu (< 20)", ihl);
	if (ihl > p->len)
		return packet_fail(err, errlen, "IPv4 header length %zu beyond the packet's %zu bytes", ihl, p->len);
	total = get16(h + 2);
	if (total < ihl)
		return packet_fail(err, errlen, "IPv4 total length %zu shorter than its header (%zu)", total, ihl);
	if (total > p->len)
		return packet_fail(err, errlen, "IPv4 total length %zu but only %zu bytes", total, p->len);
	if (csum_buffer(h, ihl) != 0)
		return packet_fail(err, errlen, "bad IPv4 header checksum");
	frag = get16(h + 6);
	if (frag & 0x3fff)
		return packet_fail(err, errlen, "IPv4 fragment (offset %u, MF %u) not supported",
			    (frag & 0x1fff) * 8, (frag >> 13) & 1);
	p->ip_version = 4;
	p->tos = h[1];
	p->ip_id = get16(h + 4);
	p->df = (frag & 0x4000) != 0;
	p->ttl = h[8];
	p->protocol = h[9];
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	return parse_l4(p, ihl, total, err, errlen);
}

static int parse_ipv6(struct live_packet *p, char *err, size_t errlen)
{
	const uint8_t *h = p->bytes;
	size_t end, off = 40;
	uint8_t next;
	int hops;

	if (p->len < 40)
		return packet_fail(err, errlen, "IPv6 header truncated: %zu bytes (< 40)", p->len);
	end = 40 + (size_t)get16(h + 4);
	if (end > p->len)
		return packet_fail(err, errlen, "IPv6 payload length %zu but only %zu bytes after the header",
			    end - 40, p->len - 40);
	p->ip_version = 6;
	p->tos = (uint8_t)((h[0] & 0xf) << 4 | h[1] >> 4);
	p->flowlabel = (uint32_t)(h[1] & 0xf) << 16 | (uint32_t)h[2] << 8 | h[3];
	p->ttl = h[7];
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);
	next = h[6];
	/* Skip hop-by-hop, routing and destination options headers. */
	for (hops = 0; next == 0 || next == 43 || next == 60; hops++) {
		size_t elen;

		if (hops >= 8)
			return packet_fail(err, errlen, "too many IPv6 extension headers");
		if (off + 8 > end)
			return packet_fail(err, errlen, "IPv6 extension header %u truncated", next);
		elen = ((size_t)p->bytes[off + 1] + 1) * 8;
		if (off + elen > end)
			return packet_fail(err, errlen, "IPv6 extension header %u of %zu bytes beyond the packet", next, elen);
		next = p->bytes[off];
		off += elen;
	}
	if (next == 44)
		return packet_fail(err, errlen, "IPv6 fragment header not supported");
	p->protocol = next;
	return parse_l4(p, off, end, err, errlen);
}

int packet_parse(const uint8_t *buf, size_t len, struct live_packet *out,
		 char *err, size_t errlen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!buf || len == 0)
		return packet_fail(err, errlen, "empty packet");
	if (len > PACKET_MAX_BYTES)
		return packet_fail(err, errlen, "packet of %zu bytes is too long", len);
	out->bytes = malloc(len);
	if (!out->bytes)
		return packet_fail(err, errlen, "out of memory");
	memcpy(out->bytes, buf, len);
	out->len = len;
	switch (buf[0] >> 4) {
	case 4: rc = parse_ipv4(out, err, errlen); break;
	case 6: rc = parse_ipv6(out, err, errlen); break;
	default: rc = packet_fail(err, errlen, "bad IP version %u", buf[0] >> 4); break;
	}
	if (rc < 0)
		live_packet_free(out);
	return rc;
}

void live_packet_free(struct live_packet *p)
{
	if (!p)
		return;
	free(p->bytes);
	memset(p, 0, sizeof(*p));
}

void live_packet_relink(struct live_packet *p)
{
	size_t used = 0;

	/* SACK options take their blocks from the array in option order. */
	for (size_t i = 0; i < p->option_count; i++) {
		if (p->options[i].kind != OPT_SACK)
			continue;
		p->options[i].u.sack.blocks = &p->sack_blocks[used];
		used += p->options[i].u.sack.count;
	}
}

int live_packet_clone(struct live_packet *dst, const struct live_packet *src)
{
	char err[PACKET_ERR_LEN];

	/* Parsing again rebuilds every inner pointer for the new copy. */
	return packet_parse(src->bytes, src->len, dst, err, sizeof(err));
}

bool live_packet_ts(const struct live_packet *p, uint32_t *val, uint32_t *ecr)
{
	size_t i;

	if (p->protocol != IPPROTO_TCP)
		return false;
	for (i = 0; i < p->option_count; i++) {
		if (p->options[i].kind == OPT_TIMESTAMP) {
			if (val) *val = p->options[i].u.ts.val;
			if (ecr) *ecr = p->options[i].u.ts.ecr;
			return true;
		}
	}
	return false;
}
