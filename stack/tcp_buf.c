/* Send and receive byte rings; they grow on demand up to the caller's limit. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

void tcp_buf_free(struct tcp_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static bool grow(struct tcp_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < need)
		cap *= 2;
	uint8_t *d = malloc(cap);
	if (!d)
		return false;
	if (b->len)
		tcp_buf_copy(b, 0, d, b->len);
	free(b->data);
	b->data = d;
	b->cap = cap;
	b->head = 0;
	return true;
}

size_t tcp_buf_append(struct tcp_buf *b, const void *p, size_t n, size_t limit)
{
	if (b->len >= limit)
		return 0;
	if (n > limit - b->len)
		n = limit - b->len;
	if (b->len + n > b->cap && !grow(b, b->len + n))
		return 0;
	size_t tail = (b->head + b->len) % (b->cap ? b->cap : 1);
	size_t first = b->cap - tail < n ? b->cap - tail : n;
	memcpy(b->data + tail, p, first);
	memcpy(b->data, (const uint8_t *)p + first, n - first);
	b->len += n;
	return n;
}

void tcp_buf_copy(const struct tcp_buf *b, size_t off, void *out, size_t n)
{
	if (n == 0)
		return;
	size_t start = (b->head + off) % b->cap;
	size_t first = b->cap - start < n ? b->cap - start : n;
	memcpy(out, b->data + start, first);
	memcpy((uint8_t *)out + first, b->data, n - first);
}

void tcp_buf_drop(struct tcp_buf *b, size_t n)
{
	if (n > b->len)
		n = b->len;
	b->len -= n;
	b->head = b->len ? (b->head + n) % b->cap : 0;
}
