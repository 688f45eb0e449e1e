/* SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed 64-bit hash. TCP Fast Open cookies are SipHash-2-4 of
 * the SYN's addresses under the server's key, as Linux computes them. */
#ifndef VSTACK_SIPHASH_H
#define VSTACK_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define VS_SIPHASH_KEY_LEN 16

/* The hash of data[0..len) under the 16-byte key (k0 = the first eight
 * bytes read little-endian, k1 the next eight, as in the paper). */
uint64_t vs_siphash24(const uint8_t key[VS_SIPHASH_KEY_LEN], const void *data, size_t len);

#endif
