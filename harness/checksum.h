/* Internet checksums (RFC 1071) and the TCP/UDP/ICMPv6 pseudo-headers
 * (RFC 793, RFC 768, RFC 8200 section 8.1). */
#ifndef VWIRE_CHECKSUM_H
#define VWIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes to a running 32-bit sum (odd final byte padded). */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
/* Fold and complement: the value to store in a header, host order. */
uint16_t csum_fold(uint32_t sum);
/* Checksum of a buffer (IPv4 header, ICMPv4 message). 0 over a buffer
 * that includes its valid checksum. */
uint16_t csum_buffer(const void *data, size_t len);
/* Upper-layer checksum with the IPv4 pseudo-header; src/dst 4 bytes. */
uint16_t csum_l4_v4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		    const void *data, size_t len);
/* Upper-layer checksum with the IPv6 pseudo-header; src/dst 16 bytes. */
uint16_t csum_l4_v6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		    const void *data, size_t len);

#endif
