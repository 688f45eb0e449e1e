/* The packet layer's one way of failing: the message into the caller's
 * buffer, -1 back. */
#include "packet.h"

#include <stdarg.h>
#include <stdio.h>

int packet_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
