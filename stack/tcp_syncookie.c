/* SYN cookies (RFC 4987 3.6) in Linux's layout, as far as it can be seen
 * on the wire:
 *
 *   ISN = H1(tuple) + peer ISN + (count << 24)
 *         + ((H2(tuple, count) + mss index) & 0xffffff)
 *
 * where count is a minute counter and the MSS index points into Linux's
 * table of common MSS values; a cookie is good for two counter values.
 * With timestamps, the low six bits of TSval carry the window scale
 * (0xf: none), SACK (bit 4) and ECN (bit 5), and the ACK's TSecr brings
 * them back. H1 and H2 are SipHash-2-4 under a key drawn from the
 * instance seed, so a run repeats; the counter runs on virtual time. */
#include <string.h>

#include "siphash.h"
#include "tcp_internal.h"
#include "tcp_syncookie.h"

#define COOKIE_BITS 24
#define COOKIE_MASK ((1u << COOKIE_BITS) - 1)
#define COOKIE_MAX_AGE 2                 /* counter values a cookie lives */
#define COOKIE_COUNT_US (60LL * 1000000) /* the counter ticks once a minute */

#define TS_OPT_BITS 6
#define TS_OPT_MASK ((1u << TS_OPT_BITS) - 1)
#define TS_OPT_WSCALE_MASK 0xfu
#define TS_OPT_SACK (1u << 4)
#define TS_OPT_ECN (1u << 5)

/* Linux's tables (net/ipv4/syncookies.c, net/ipv6/syncookies.c). */
static const uint16_t mss_v4[TCP_COOKIE_MSS_COUNT] = { 536, 1300, 1440, 1460 };
static const uint16_t mss_v6[TCP_COOKIE_MSS_COUNT] = { 1280 - 60, 1480 - 60, 1500 - 60, 9000 - 60 };

uint16_t tcp_cookie_mss_value(int family, int index)
{
	if (index < 0 || index >= TCP_COOKIE_MSS_COUNT)
		return 0;
	return family == AF_INET6 ? mss_v6[index] : mss_v4[index];
}

int tcp_cookie_mss_index(int family, uint16_t mss)
{
	int i = TCP_COOKIE_MSS_COUNT - 1;
	while (i > 0 && mss < tcp_cookie_mss_value(family, i))
		i--;
	return i;
}

uint32_t tcp_cookie_counter(int64_t now_us)
{
	return (uint32_t)(now_us / COOKIE_COUNT_US);
}

/* Appends the address's own bytes (4 or 16): an IPv4 message stays short,
 * which halves the SipHash rounds per cookie under a flood. */
static size_t put_addr(uint8_t *p, const struct vs_addr *a)
{
	if (a->family == AF_INET) {
		memcpy(p, &a->u.v4, 4);
		return 4;
	}
	memcpy(p, &a->u.v6, 16);
	return 16;
}

/* One of the two keyed hashes: which (1 or 2) and, for H2, the counter. */
static uint32_t cookie_hash(uint64_t seed, const struct tcp_cookie_tuple *t, int which,
			    uint32_t count)
{
	uint8_t key[VS_SIPHASH_KEY_LEN];
	uint64_t k0 = seed ^ 0x73796e636f6f6b69ULL, k1 = ~seed * 0x9e3779b97f4a7c15ULL;
	memcpy(key, &k0, 8);
	memcpy(key + 8, &k1, 8);
	uint8_t msg[16 + 16 + 4 + 4 + 1];
	size_t n = put_addr(msg, &t->laddr);
	n += put_addr(msg + n, &t->raddr);
	msg[n++] = (uint8_t)(t->lport >> 8);
	msg[n++] = (uint8_t)t->lport;
	msg[n++] = (uint8_t)(t->rport >> 8);
	msg[n++] = (uint8_t)t->rport;
	memcpy(msg + n, &count, 4);
	n += 4;
	msg[n++] = (uint8_t)which;
	return (uint32_t)vs_siphash24(key, msg, n);
}

uint32_t tcp_cookie_encode(uint64_t seed, const struct tcp_cookie_tuple *t, uint32_t count,
			   int mss_index)
{
	return cookie_hash(seed, t, 1, 0) + t->peer_isn + (count << COOKIE_BITS) +
	       ((cookie_hash(seed, t, 2, count) + (uint32_t)mss_index) & COOKIE_MASK);
}

int tcp_cookie_decode(uint64_t seed, const struct tcp_cookie_tuple *t, uint32_t count,
		      uint32_t cookie)
{
	cookie -= cookie_hash(seed, t, 1, 0) + t->peer_isn;
	uint32_t age = (count - (cookie >> COOKIE_BITS)) & (0xffffffffu >> COOKIE_BITS);
	if (age >= COOKIE_MAX_AGE)
		return -1;
	uint32_t index = (cookie - cookie_hash(seed, t, 2, count - age)) & COOKIE_MASK;
	return index < TCP_COOKIE_MSS_COUNT ? (int)index : -1;
}

uint32_t tcp_cookie_tsval(uint32_t ts_now, int wscale, bool sack, bool ecn)
{
	uint32_t opts = wscale >= 0 ? (uint32_t)wscale & TS_OPT_WSCALE_MASK : TS_OPT_WSCALE_MASK;
	if (sack)
		opts |= TS_OPT_SACK;
	if (ecn)
		opts |= TS_OPT_ECN;
	uint32_t ts = (ts_now & ~TS_OPT_MASK) | opts;
	if ((int32_t)(ts - ts_now) > 0)      /* never ahead of the clock */
		ts -= 1u << TS_OPT_BITS;
	return ts;
}

bool tcp_cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack, bool *ecn)
{
	uint32_t opts = tsecr & TS_OPT_MASK;
	uint32_t ws = opts & TS_OPT_WSCALE_MASK;
	*sack = (opts & TS_OPT_SACK) != 0;
	*ecn = (opts & TS_OPT_ECN) != 0;
	if (ws == TS_OPT_WSCALE_MASK) {
		*wscale = -1;
		return true;
	}
	if (ws > 14)                          /* RFC 7323 2.3: at most 14 */
		return false;
	*wscale = (int)ws;
	return true;
}
