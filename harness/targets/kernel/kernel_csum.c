/* Checksums of what the kernel sends through tun0. tun0 offers checksum
 * and segmentation offload (as packetdrill's does, so Linux sends the
 * large segments the corpus expects); the kernel then leaves the TCP/UDP
 * checksum for the "hardware" to fill in. This is that hardware: it
 * writes the checksums the packet would carry on a wire. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel_target.h"

#define KT_PROTO_TCP 6
#define KT_PROTO_UDP 17

static uint32_t sum_bytes(uint32_t sum, const unsigned char *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* The L4 checksum at offset csum_at of the segment seg (len bytes), over
 * a pseudo-header already summed into pseudo. */
static void fill_l4(unsigned char *seg, size_t len, size_t csum_at, uint32_t pseudo,
		    int proto)
{
	if (len < csum_at + 2)
		return;
	put16(seg + csum_at, 0);
	uint16_t c = fold(sum_bytes(pseudo, seg, len));
	if (proto == KT_PROTO_UDP && c == 0)
		c = 0xffff;
	put16(seg + csum_at, c);
}

static size_t csum_offset(int proto)
{
	return proto == KT_PROTO_TCP ? 16 : proto == KT_PROTO_UDP ? 6 : 0;
}

static void fix_v4(unsigned char *p, size_t len)
{
	size_t ihl = (size_t)(p[0] & 0xf) * 4;
	size_t total = (size_t)(p[2] << 8 | p[3]);
	if (ihl < 20 || total < ihl || total > len)
		return;
	put16(p + 10, 0);
	put16(p + 10, fold(sum_bytes(0, p, ihl)));
	int proto = p[9];
	bool fragment = (p[6] & 0x3f) || p[7];
	size_t at = csum_offset(proto);
	if (!at || fragment)
		return;
	size_t l4 = total - ihl;
	uint32_t pseudo = sum_bytes(0, p + 12, 8) + (uint32_t)proto + (uint32_t)l4;
	fill_l4(p + ihl, l4, at, pseudo, proto);
}

static void fix_v6(unsigned char *p, size_t len)
{
	if (len < 40)
		return;
	size_t l4 = (size_t)(p[4] << 8 | p[5]);
	int proto = p[6]; /* extension headers: left as the kernel wrote them */
	size_t at = csum_offset(proto);
	if (!at || 40 + l4 > len)
		return;
	uint32_t pseudo = sum_bytes(0, p + 8, 32) + (uint32_t)proto + (uint32_t)l4;
	fill_l4(p + 40, l4, at, pseudo, proto);
}

void kt_fill_checksums(unsigned char *pkt, size_t len)
{
	if (len < 1)
		return;
	if (pkt[0] >> 4 == 4 && len >= 20)
		fix_v4(pkt, len);
	else if (pkt[0] >> 4 == 6)
		fix_v6(pkt, len);
}
