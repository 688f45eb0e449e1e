/* sendmsg's control buffer, built from the script's msg_control list:
 * each {cmsg_level=L, cmsg_type=T, cmsg_data=D} becomes one cmsghdr with
 * D as an int (numbers, constants, flag sets) or as raw bytes (strings). */
#include "cmsg_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The payload of one message: into data (at most cap bytes), its length. */
static int payload(const struct expr *d, unsigned char *data, size_t cap, size_t *n,
		   char *msg, size_t mlen)
{
	if (!d)
		return fail(msg, mlen, "a control message needs cmsg_data");
	if (d->kind == EXPR_STRING) {
		if (d->u.string.len > cap)
			return fail(msg, mlen, "cmsg_data at line %d is too long", d->pos.line);
		memcpy(data, d->u.string.bytes, d->u.string.len);
		*n = d->u.string.len;
		return 0;
	}
	if (d->kind == EXPR_STRUCT || d->kind == EXPR_ELLIPSIS)
		return fail(msg, mlen, "cmsg_data at line %d: only an int or a string can be sent",
			    d->pos.line);
	long long v;
	if (call_eval_int(d, &v, msg, mlen))
		return -1;
	int i = (int)v;
	memcpy(data, &i, sizeof(i));
	*n = sizeof(i);
	return 0;
}

int cmsg_build(const struct expr *list, void **buf, size_t *len, char *msg, size_t mlen)
{
	*buf = NULL;
	*len = 0;
	if (!list || list->kind == EXPR_ELLIPSIS)
		return 0;
	if (list->kind != EXPR_LIST)
		return fail(msg, mlen, "msg_control at line %d must be a list of cmsgs", list->pos.line);
	size_t count = list->u.list.count;
	if (!count)
		return 0;
	enum { DATA_MAX = 256 };
	size_t total = count * CMSG_SPACE(DATA_MAX);
	unsigned char *b = calloc(1, total);
	if (!b)
		return fail(msg, mlen, "out of memory");
	struct msghdr mh = { .msg_control = b, .msg_controllen = total };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		const struct expr *item = list->u.list.items[i];
		const struct expr *lv = call_field(item, "cmsg_level");
		const struct expr *ty = call_field(item, "cmsg_type");
		long long level, type;
		unsigned char data[DATA_MAX];
		size_t n = 0;
		if (!lv || !ty) {
			free(b);
			return fail(msg, mlen, "cmsg at line %d needs cmsg_level and cmsg_type",
				    item->pos.line);
		}
		if (call_eval_int(lv, &level, msg, mlen) || call_eval_int(ty, &type, msg, mlen) ||
		    payload(call_field(item, "cmsg_data"), data, sizeof(data), &n, msg, mlen)) {
			free(b);
			return -1;
		}
		cm->cmsg_level = (int)level;
		cm->cmsg_type = (int)type;
		cm->cmsg_len = CMSG_LEN(n);
		memcpy(CMSG_DATA(cm), data, n);
		used += CMSG_SPACE(n);
		cm = (struct cmsghdr *)((unsigned char *)cm + CMSG_SPACE(n));
	}
	*buf = b;
	*len = used;
	return 0;
}
