/* Initial sequence numbers (RFC 6528): a keyed hash of the 4-tuple plus a
 * 4-microsecond clock. The key is the instance seed, so runs repeat. */
#include <string.h>

#include "tcp_internal.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
	/* splitmix64 step: cheap and well-spread; not cryptographic, but the
	 * reference stack needs repeatability more than secrecy. */
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t mix_addr(uint64_t h, const struct vs_addr *a)
{
	uint8_t b[16] = { 0 };
	if (a->family == AF_INET)
		memcpy(b, &a->u.v4, 4);
	else
		memcpy(b, &a->u.v6, 16);
	uint64_t w0, w1;
	memcpy(&w0, b, 8);
	memcpy(&w1, b + 8, 8);
	return mix(mix(h, w0), w1);
}

uint32_t tcp_isn(const struct vstack *vs, const struct vs_addr *laddr, uint16_t lport,
		 const struct vs_addr *raddr, uint16_t rport)
{
	uint64_t h = mix(vs->seed, 0x7463702d69736eULL);
	h = mix_addr(h, laddr);
	h = mix_addr(h, raddr);
	h = mix(h, (uint64_t)lport << 16 | rport);
	return (uint32_t)h + (uint32_t)(vs_now(vs) / 4);
}
