/* Socket options, fcntl and ioctl on lwIP, with a note naming each option
 * lwIP lacks (lwIP answers ENOPROTOOPT, as Linux does for an option the
 * protocol does not have). */
#include "lwip_target.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "lwip/sockets.h"

struct opt_name {
	int level, name;
	const char *text;
};

/* Names for the notes; an option not listed is printed by number. */
static const struct opt_name opt_names[] = {
	{ SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF" },
	{ SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF" },
	{ SOL_SOCKET, SO_SNDLOWAT, "SO_SNDLOWAT" },
	{ SOL_SOCKET, SO_RCVLOWAT, "SO_RCVLOWAT" },
	{ SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT" },
	{ SOL_SOCKET, SO_TIMESTAMPING, "SO_TIMESTAMPING" },
	{ SOL_SOCKET, SO_ZEROCOPY, "SO_ZEROCOPY" },
	{ SOL_SOCKET, SO_MAX_PACING_RATE, "SO_MAX_PACING_RATE" },
	{ SOL_SOCKET, SO_MARK, "SO_MARK" },
	{ SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY" },
	{ SOL_SOCKET, SO_OOBINLINE, "SO_OOBINLINE" },
	{ SOL_SOCKET, SO_BINDTODEVICE, "SO_BINDTODEVICE" },
	{ IPPROTO_TCP, TCP_MAXSEG, "TCP_MAXSEG" },
	{ IPPROTO_TCP, TCP_CORK, "TCP_CORK" },
	{ IPPROTO_TCP, TCP_INFO, "TCP_INFO" },
	{ IPPROTO_TCP, TCP_QUICKACK, "TCP_QUICKACK" },
	{ IPPROTO_TCP, TCP_CONGESTION, "TCP_CONGESTION" },
	{ IPPROTO_TCP, TCP_MD5SIG, "TCP_MD5SIG" },
	{ IPPROTO_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT" },
	{ IPPROTO_TCP, TCP_FASTOPEN, "TCP_FASTOPEN" },
	{ IPPROTO_TCP, TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT" },
	{ IPPROTO_TCP, TCP_NOTSENT_LOWAT, "TCP_NOTSENT_LOWAT" },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT" },
	{ IPPROTO_TCP, TCP_LINGER2, "TCP_LINGER2" },
	{ IPPROTO_TCP, TCP_WINDOW_CLAMP, "TCP_WINDOW_CLAMP" },
	{ IPPROTO_TCP, TCP_SYNCNT, "TCP_SYNCNT" },
	{ IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, "TCP_THIN_LINEAR_TIMEOUTS" },
	{ IPPROTO_TCP, TCP_SAVE_SYN, "TCP_SAVE_SYN" },
	{ IPPROTO_TCP, TCP_SAVED_SYN, "TCP_SAVED_SYN" },
	{ IPPROTO_TCP, TCP_REPAIR, "TCP_REPAIR" },
	{ IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, "TCP_ZEROCOPY_RECEIVE" },
	{ IPPROTO_TCP, TCP_INQ, "TCP_INQ" },
	{ IPPROTO_TCP, TCP_TX_DELAY, "TCP_TX_DELAY" },
	{ IPPROTO_IP, IP_RECVERR, "IP_RECVERR" },
	{ IPPROTO_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER" },
	{ IPPROTO_IP, IP_MTU, "IP_MTU" },
	{ IPPROTO_IPV6, IPV6_RECVERR, "IPV6_RECVERR" },
	{ IPPROTO_IPV6, IPV6_MTU_DISCOVER, "IPV6_MTU_DISCOVER" },
};

static void note_option(int level, int name, const char *call)
{
	char what[64], detail[64];
	const char *text = NULL;
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (opt_names[i].level == level && opt_names[i].name == name)
			text = opt_names[i].text;
	if (text)
		snprintf(what, sizeof(what), "%s", text);
	else
		snprintf(what, sizeof(what), "socket option %d at level %d", name, level);
	snprintf(detail, sizeof(detail), "%s fails with ENOPROTOOPT", call);
	lwt_note_lacks(what, detail);
}

/* lwIP's TCP-level options. lwIP refuses every TCP-level option on a
 * listening socket with EINVAL before it looks at the name, so one it does
 * not have at all is answered here, as Linux answers it: ENOPROTOOPT. */
static bool lwip_has_tcp_option(int optname)
{
	switch (optname) {
	case TCP_NODELAY:
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		return true;
	default:
		return false;
	}
}

static int lacking_option(int level, int optname, const char *call)
{
	if (level != IPPROTO_TCP || lwip_has_tcp_option(optname))
		return 0;
	note_option(level, optname, call);
	errno = ENOPROTOOPT;
	return -1;
}

int lwt_getsockopt(void *userdata, int fd, int level, int optname,
		   void *optval, socklen_t *optlen)
{
	(void)userdata;
	if (lacking_option(level, optname, "getsockopt"))
		return -1;
	lwt_call_enter();
	int r = lwip_getsockopt(fd - LWT_FD_BIAS, level, optname, optval, optlen);
	int e = errno;
	lwt_call_leave();
	if (r < 0 && e == ENOPROTOOPT)
		note_option(level, optname, "getsockopt");
	errno = e;
	return r;
}

int lwt_setsockopt(void *userdata, int fd, int level, int optname,
		   const void *optval, socklen_t optlen)
{
	(void)userdata;
	if (lacking_option(level, optname, "setsockopt"))
		return -1;
	lwt_call_enter();
	int r = lwip_setsockopt(fd - LWT_FD_BIAS, level, optname, optval, optlen);
	int e = errno;
	lwt_call_leave();
	if (r < 0 && e == ENOPROTOOPT)
		note_option(level, optname, "setsockopt");
	errno = e;
	return r;
}

/* lwIP knows F_GETFL/F_SETFL with O_NONBLOCK only; Linux ignores the
 * access mode in F_SETFL and reports O_RDWR for a socket. */
int lwt_fcntl(void *userdata, int fd, int cmd, ...)
{
	(void)userdata;
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	int s = fd - LWT_FD_BIAS, r, e;
	switch (cmd) {
	case F_GETFL:
		lwt_call_enter();
		r = lwip_fcntl(s, F_GETFL, 0);
		e = errno;
		lwt_call_leave();
		errno = e;
		return r < 0 ? r : O_RDWR | (r & O_NONBLOCK);
	case F_SETFL:
		lwt_call_enter();
		r = lwip_fcntl(s, F_SETFL, (int)(arg & O_NONBLOCK));
		e = errno;
		lwt_call_leave();
		errno = e;
		return r;
	case F_GETFD:
	case F_SETFD:
		/* No exec() here: close-on-exec has nothing to act on. */
		lwt_call_enter();
		r = lwip_fcntl(s, F_GETFL, 0);
		e = errno;
		lwt_call_leave();
		errno = e;
		return r < 0 ? r : 0;
	default:
		lwt_note_lacks("fcntl commands other than F_GETFL/F_SETFL", NULL);
		errno = EINVAL;
		return -1;
	}
}

int lwt_ioctl(void *userdata, int fd, unsigned long request, ...)
{
	(void)userdata;
	va_list ap;
	va_start(ap, request);
	void *argp = va_arg(ap, void *);
	va_end(ap);
	if (request != FIONREAD && request != FIONBIO) {
		char what[64];
		snprintf(what, sizeof(what), "ioctl 0x%lx", request);
		lwt_note_lacks(what, "fails with ENOTTY");
		errno = ENOTTY;
		return -1;
	}
	lwt_call_enter();
	int r = lwip_ioctl(fd - LWT_FD_BIAS, (long)request, argp);
	int e = errno;
	lwt_call_leave();
	errno = e;
	return r;
}
