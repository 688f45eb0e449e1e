/* recvmsg's control messages against the script's msg_control list: the
 * same number of messages, in order, each with the level, type and data
 * the script names. The data is read by the shape of the expectation: an
 * int (TCP_CM_INQ, IP_TOS, IPV6_TCLASS, ...), a struct sock_extended_err
 * (ee_* fields), a struct scm_timestamping (scm_sec/scm_nsec: the software
 * timestamp, in script time), a string of bytes, or `...`. */
#include "cmsg_private.h"

#include <linux/errqueue.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "run_loop.h"

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

/* One named field, when the script gives it (`...` or absent: any). */
static int check_field(const char *where, const struct expr *want, const char *name,
		       long long got, char *msg, size_t mlen)
{
	const struct expr *w = call_field(want, name);
	if (!w || w->kind == EXPR_ELLIPSIS)
		return 0;
	long long v;
	if (call_eval_int(w, &v, msg, mlen))
		return -1;
	if (v != got)
		return fail(msg, mlen, "Bad %s %s: expected: %lld actual: %lld", where, name, v, got);
	return 0;
}

static int check_extended_err(const char *where, const struct expr *want,
			      const struct cmsghdr *cm, char *msg, size_t mlen)
{
	struct sock_extended_err ee;
	if (cm->cmsg_len < CMSG_LEN(sizeof(ee)))
		return fail(msg, mlen, "Bad %s: expected a struct sock_extended_err but got %zu bytes",
			    where, (size_t)(cm->cmsg_len - CMSG_LEN(0)));
	memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
	return check_field(where, want, "ee_errno", ee.ee_errno, msg, mlen) ||
	       check_field(where, want, "ee_origin", ee.ee_origin, msg, mlen) ||
	       check_field(where, want, "ee_type", ee.ee_type, msg, mlen) ||
	       check_field(where, want, "ee_code", ee.ee_code, msg, mlen) ||
	       check_field(where, want, "ee_info", ee.ee_info, msg, mlen) ||
	       check_field(where, want, "ee_data", ee.ee_data, msg, mlen);
}

/* The script writes when, relative to its start, the stamp was taken;
 * the target stamped it on its own clock. */
static int check_timestamping(struct run_state *rs, const char *where, const struct expr *want,
			      const struct cmsghdr *cm, char *msg, size_t mlen)
{
	struct scm_timestamping_view { struct timespec ts[3]; } st;
	if (cm->cmsg_len < CMSG_LEN(sizeof(st)))
		return fail(msg, mlen, "Bad %s: expected a struct scm_timestamping but got %zu bytes",
			    where, (size_t)(cm->cmsg_len - CMSG_LEN(0)));
	memcpy(&st, CMSG_DATA(cm), sizeof(st));
	long long sec = 0, nsec = 0;
	const struct expr *s = call_field(want, "scm_sec"), *n = call_field(want, "scm_nsec");
	if ((s && call_eval_int(s, &sec, msg, mlen)) || (n && call_eval_int(n, &nsec, msg, mlen)))
		return -1;
	long long want_us = sec * 1000000LL + nsec / 1000;
	long long got_abs = (long long)st.ts[0].tv_sec * 1000000LL + st.ts[0].tv_nsec / 1000;
	long long got_us = got_abs - rs->start_abs;
	long long tol = rl_tolerance(rs, want_us);
	if (got_us < want_us - tol || got_us > want_us + tol) {
		char e[32], a[32], t[32];
		rl_fmt_time(want_us, e, sizeof(e));
		rl_fmt_time(got_us, a, sizeof(a));
		rl_fmt_time(tol, t, sizeof(t));
		return fail(msg, mlen, "Bad %s timestamp: expected: %s sec actual: %s sec; tolerance %s sec",
			    where, e, a, t);
	}
	return 0;
}

static int check_int_data(const char *where, const struct expr *want, const struct cmsghdr *cm,
			  char *msg, size_t mlen)
{
	long long v;
	if (call_eval_int(want, &v, msg, mlen))
		return -1;
	size_t n = cm->cmsg_len - CMSG_LEN(0);
	long long got;
	if (n >= sizeof(int)) {
		int i;
		memcpy(&i, CMSG_DATA(cm), sizeof(i));
		got = i;
	} else if (n == 1) { /* IP_TOS and IP_TTL come as one byte */
		got = *(const unsigned char *)CMSG_DATA(cm);
	} else {
		return fail(msg, mlen, "Bad %s: expected an int but got %zu bytes", where, n);
	}
	if ((int)v != (int)got && v != got)
		return fail(msg, mlen, "Bad %s cmsg_data: expected: %lld actual: %lld", where, v, got);
	return 0;
}

static int check_data(struct run_state *rs, const char *where, const struct expr *want,
		      const struct cmsghdr *cm, char *msg, size_t mlen)
{
	if (!want || want->kind == EXPR_ELLIPSIS)
		return 0;
	if (want->kind == EXPR_STRUCT) {
		if (call_field(want, "scm_sec") || call_field(want, "scm_nsec"))
			return check_timestamping(rs, where, want, cm, msg, mlen);
		return check_extended_err(where, want, cm, msg, mlen);
	}
	if (want->kind == EXPR_STRING) {
		size_t n = cm->cmsg_len - CMSG_LEN(0);
		if (n != want->u.string.len || memcmp(CMSG_DATA(cm), want->u.string.bytes, n))
			return fail(msg, mlen, "Bad %s cmsg_data: the bytes differ", where);
		return 0;
	}
	return check_int_data(where, want, cm, msg, mlen);
}

int cmsg_check(struct run_state *rs, const struct expr *want, const struct msghdr *got,
	       char *msg, size_t mlen)
{
	if (!want || want->kind == EXPR_ELLIPSIS)
		return 0;
	if (want->kind != EXPR_LIST)
		return fail(msg, mlen, "msg_control at line %d must be a list of cmsgs", want->pos.line);
	struct cmsghdr *cm = got->msg_controllen ? CMSG_FIRSTHDR((struct msghdr *)got) : NULL;
	size_t i = 0;
	for (; i < want->u.list.count; i++) {
		const struct expr *item = want->u.list.items[i];
		long long level = 0, type = 0;
		const struct expr *lv = call_field(item, "cmsg_level");
		const struct expr *ty = call_field(item, "cmsg_type");
		if ((lv && call_eval_int(lv, &level, msg, mlen)) ||
		    (ty && call_eval_int(ty, &type, msg, mlen)))
			return -1;
		char where[64];
		snprintf(where, sizeof(where), "recvmsg cmsg %zu", i + 1);
		if (!cm)
			return fail(msg, mlen,
				    "Bad %s: expected cmsg_level %lld cmsg_type %lld but the target returned no more control messages",
				    where, level, type);
		if ((lv && cm->cmsg_level != level) || (ty && cm->cmsg_type != type))
			return fail(msg, mlen,
				    "Bad %s: expected cmsg_level %lld cmsg_type %lld actual: cmsg_level %d cmsg_type %d",
				    where, level, type, cm->cmsg_level, cm->cmsg_type);
		if (check_data(rs, where, call_field(item, "cmsg_data"), cm, msg, mlen))
			return -1;
		cm = CMSG_NXTHDR((struct msghdr *)got, cm);
	}
	if (cm)
		return fail(msg, mlen,
			    "Bad recvmsg cmsg %zu: the script expects %zu control messages but the target returned more (cmsg_level %d cmsg_type %d)",
			    i + 1, want->u.list.count, cm->cmsg_level, cm->cmsg_type);
	return 0;
}
