/* Internet checksum arithmetic: one's-complement sums of 16-bit words. */
#include "checksum.h"

#include <string.h>

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t csum_buffer(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

uint16_t csum_l4_v4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		    const void *data, size_t len)
{
	uint8_t pseudo[12];

	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = proto;
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), data, len));
}

uint16_t csum_l4_v6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		    const void *data, size_t len)
{
	uint8_t pseudo[40];

	memcpy(pseudo, src, 16);
	memcpy(pseudo + 16, dst, 16);
	pseudo[32] = (uint8_t)(len >> 24);
	pseudo[33] = (uint8_t)(len >> 16);
	pseudo[34] = (uint8_t)(len >> 8);
	pseudo[35] = (uint8_t)len;
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = proto;
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), data, len));
}
