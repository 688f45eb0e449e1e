/* SYN cookie encoding (tcp_syncookie.c): pure functions of the key, the
 * connection's addresses and a minute counter, so tests can drive them. */
#ifndef VSTACK_TCP_SYNCOOKIE_H
#define VSTACK_TCP_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"

#define TCP_COOKIE_MSS_COUNT 4

struct tcp_cookie_tuple {
	struct vs_addr laddr, raddr;
	uint16_t lport, rport;
	uint32_t peer_isn;          /* the SYN's sequence number */
};

/* Linux's MSS table: the value at index (0 when out of range) and the
 * largest index whose value does not exceed mss. */
uint16_t tcp_cookie_mss_value(int family, int index);
int tcp_cookie_mss_index(int family, uint16_t mss);
/* The counter for a virtual time. */
uint32_t tcp_cookie_counter(int64_t now_us);

/* Our ISN for the SYN-ACK. */
uint32_t tcp_cookie_encode(uint64_t seed, const struct tcp_cookie_tuple *t, uint32_t count,
			   int mss_index);
/* The MSS index a returning cookie (the ACK's ack - 1) carries, or -1 if
 * it was tampered with or is older than two counter values. */
int tcp_cookie_decode(uint64_t seed, const struct tcp_cookie_tuple *t, uint32_t count,
		      uint32_t cookie);

/* TSval carrying the options in its low six bits (wscale -1: none), and
 * back from the ACK's TSecr; false when the bits are impossible. */
uint32_t tcp_cookie_tsval(uint32_t ts_now, int wscale, bool sack, bool ecn);
bool tcp_cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack, bool *ecn);

#endif
