/* MD5 (RFC 1321), for TCP MD5 signatures (RFC 2385). */
#ifndef VSTACK_MD5_H
#define VSTACK_MD5_H

#include <stddef.h>
#include <stdint.h>

struct vs_md5 {
	uint32_t h[4];
	uint64_t bytes;       /* message length so far */
	uint8_t block[64];
	size_t fill;          /* bytes waiting in block */
};

void vs_md5_init(struct vs_md5 *m);
void vs_md5_update(struct vs_md5 *m, const void *data, size_t len);
void vs_md5_final(struct vs_md5 *m, uint8_t digest[16]);

#endif
