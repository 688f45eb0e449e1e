/* Symbolic constants a script may name, with their values from the
 * system headers (Linux). Table sorted by name for binary search; names
 * that are enum values or absent from older headers carry Linux's value.
 * Written with a generator over the list of names; edit by hand freely,
 * keeping the order (strcmp). */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "symbols.h"

static const struct symbol symbols[] = {
#ifdef AF_INET
	{ "AF_INET", AF_INET },
#endif
#ifdef AF_INET6
	{ "AF_INET6", AF_INET6 },
#endif
#ifdef AF_LOCAL
	{ "AF_LOCAL", AF_LOCAL },
#endif
#ifdef AF_NETLINK
	{ "AF_NETLINK", AF_NETLINK },
#endif
#ifdef AF_PACKET
	{ "AF_PACKET", AF_PACKET },
#endif
#ifdef AF_UNIX
	{ "AF_UNIX", AF_UNIX },
#endif
#ifdef AF_UNSPEC
	{ "AF_UNSPEC", AF_UNSPEC },
#endif
#ifdef E2BIG
	{ "E2BIG", E2BIG },
#endif
#ifdef EACCES
	{ "EACCES", EACCES },
#endif
#ifdef EADDRINUSE
	{ "EADDRINUSE", EADDRINUSE },
#endif
#ifdef EADDRNOTAVAIL
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL },
#endif
#ifdef EAFNOSUPPORT
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
#endif
#ifdef EAGAIN
	{ "EAGAIN", EAGAIN },
#endif
#ifdef EALREADY
	{ "EALREADY", EALREADY },
#endif
#ifdef EBADF
	{ "EBADF", EBADF },
#endif
#ifdef EBADMSG
	{ "EBADMSG", EBADMSG },
#endif
#ifdef EBUSY
	{ "EBUSY", EBUSY },
#endif
#ifdef ECANCELED
	{ "ECANCELED", ECANCELED },
#endif
#ifdef ECHILD
	{ "ECHILD", ECHILD },
#endif
#ifdef ECOMM
	{ "ECOMM", ECOMM },
#endif
#ifdef ECONNABORTED
	{ "ECONNABORTED", ECONNABORTED },
#endif
#ifdef ECONNREFUSED
	{ "ECONNREFUSED", ECONNREFUSED },
#endif
#ifdef ECONNRESET
	{ "ECONNRESET", ECONNRESET },
#endif
#ifdef EDEADLK
	{ "EDEADLK", EDEADLK },
#endif
#ifdef EDESTADDRREQ
	{ "EDESTADDRREQ", EDESTADDRREQ },
#endif
#ifdef EDOM
	{ "EDOM", EDOM },
#endif
#ifdef EDQUOT
	{ "EDQUOT", EDQUOT },
#endif
#ifdef EEXIST
	{ "EEXIST", EEXIST },
#endif
#ifdef EFAULT
	{ "EFAULT", EFAULT },
#endif
#ifdef EFBIG
	{ "EFBIG", EFBIG },
#endif
#ifdef EHOSTDOWN
	{ "EHOSTDOWN", EHOSTDOWN },
#endif
#ifdef EHOSTUNREACH
	{ "EHOSTUNREACH", EHOSTUNREACH },
#endif
#ifdef EIDRM
	{ "EIDRM", EIDRM },
#endif
#ifdef EILSEQ
	{ "EILSEQ", EILSEQ },
#endif
#ifdef EINPROGRESS
	{ "EINPROGRESS", EINPROGRESS },
#endif
#ifdef EINTR
	{ "EINTR", EINTR },
#endif
#ifdef EINVAL
	{ "EINVAL", EINVAL },
#endif
#ifdef EIO
	{ "EIO", EIO },
#endif
#ifdef EISCONN
	{ "EISCONN", EISCONN },
#endif
#ifdef EISDIR
	{ "EISDIR", EISDIR },
#endif
#ifdef EKEYEXPIRED
	{ "EKEYEXPIRED", EKEYEXPIRED },
#endif
#ifdef EKEYREJECTED
	{ "EKEYREJECTED", EKEYREJECTED },
#endif
#ifdef ELOOP
	{ "ELOOP", ELOOP },
#endif
#ifdef EMFILE
	{ "EMFILE", EMFILE },
#endif
#ifdef EMLINK
	{ "EMLINK", EMLINK },
#endif
#ifdef EMSGSIZE
	{ "EMSGSIZE", EMSGSIZE },
#endif
#ifdef ENAMETOOLONG
	{ "ENAMETOOLONG", ENAMETOOLONG },
#endif
#ifdef ENETDOWN
	{ "ENETDOWN", ENETDOWN },
#endif
#ifdef ENETRESET
	{ "ENETRESET", ENETRESET },
#endif
#ifdef ENETUNREACH
	{ "ENETUNREACH", ENETUNREACH },
#endif
#ifdef ENFILE
	{ "ENFILE", ENFILE },
#endif
#ifdef ENOBUFS
	{ "ENOBUFS", ENOBUFS },
#endif
#ifdef ENODATA
	{ "ENODATA", ENODATA },
#endif
#ifdef ENODEV
	{ "ENODEV", ENODEV },
#endif
#ifdef ENOENT
	{ "ENOENT", ENOENT },
#endif
#ifdef ENOEXEC
	{ "ENOEXEC", ENOEXEC },
#endif
#ifdef ENOKEY
	{ "ENOKEY", ENOKEY },
#endif
#ifdef ENOLCK
	{ "ENOLCK", ENOLCK },
#endif
#ifdef ENOLINK
	{ "ENOLINK", ENOLINK },
#endif
#ifdef ENOMEDIUM
	{ "ENOMEDIUM", ENOMEDIUM },
#endif
#ifdef ENOMEM
	{ "ENOMEM", ENOMEM },
#endif
#ifdef ENOMSG
	{ "ENOMSG", ENOMSG },
#endif
#ifdef ENONET
	{ "ENONET", ENONET },
#endif
#ifdef ENOPKG
	{ "ENOPKG", ENOPKG },
#endif
#ifdef ENOPROTOOPT
	{ "ENOPROTOOPT", ENOPROTOOPT },
#endif
#ifdef ENOSPC
	{ "ENOSPC", ENOSPC },
#endif
#ifdef ENOSR
	{ "ENOSR", ENOSR },
#endif
#ifdef ENOSTR
	{ "ENOSTR", ENOSTR },
#endif
#ifdef ENOSYS
	{ "ENOSYS", ENOSYS },
#endif
#ifdef ENOTBLK
	{ "ENOTBLK", ENOTBLK },
#endif
#ifdef ENOTCONN
	{ "ENOTCONN", ENOTCONN },
#endif
#ifdef ENOTDIR
	{ "ENOTDIR", ENOTDIR },
#endif
#ifdef ENOTEMPTY
	{ "ENOTEMPTY", ENOTEMPTY },
#endif
#ifdef ENOTSOCK
	{ "ENOTSOCK", ENOTSOCK },
#endif
#ifdef ENOTSUP
	{ "ENOTSUP", ENOTSUP },
#endif
#ifdef ENOTTY
	{ "ENOTTY", ENOTTY },
#endif
#ifdef ENOTUNIQ
	{ "ENOTUNIQ", ENOTUNIQ },
#endif
#ifdef ENXIO
	{ "ENXIO", ENXIO },
#endif
#ifdef EOPNOTSUPP
	{ "EOPNOTSUPP", EOPNOTSUPP },
#endif
#ifdef EOVERFLOW
	{ "EOVERFLOW", EOVERFLOW },
#endif
#ifdef EPERM
	{ "EPERM", EPERM },
#endif
#ifdef EPFNOSUPPORT
	{ "EPFNOSUPPORT", EPFNOSUPPORT },
#endif
#ifdef EPIPE
	{ "EPIPE", EPIPE },
#endif
#ifdef EPOLLERR
	{ "EPOLLERR", EPOLLERR },
#endif
#ifdef EPOLLET
	{ "EPOLLET", EPOLLET },
#endif
#ifdef EPOLLEXCLUSIVE
	{ "EPOLLEXCLUSIVE", EPOLLEXCLUSIVE },
#endif
#ifdef EPOLLHUP
	{ "EPOLLHUP", EPOLLHUP },
#endif
#ifdef EPOLLIN
	{ "EPOLLIN", EPOLLIN },
#endif
#ifdef EPOLLMSG
	{ "EPOLLMSG", EPOLLMSG },
#endif
#ifdef EPOLLONESHOT
	{ "EPOLLONESHOT", EPOLLONESHOT },
#endif
#ifdef EPOLLOUT
	{ "EPOLLOUT", EPOLLOUT },
#endif
#ifdef EPOLLPRI
	{ "EPOLLPRI", EPOLLPRI },
#endif
#ifdef EPOLLRDBAND
	{ "EPOLLRDBAND", EPOLLRDBAND },
#endif
#ifdef EPOLLRDHUP
	{ "EPOLLRDHUP", EPOLLRDHUP },
#endif
#ifdef EPOLLRDNORM
	{ "EPOLLRDNORM", EPOLLRDNORM },
#endif
#ifdef EPOLLWAKEUP
	{ "EPOLLWAKEUP", EPOLLWAKEUP },
#endif
#ifdef EPOLLWRBAND
	{ "EPOLLWRBAND", EPOLLWRBAND },
#endif
#ifdef EPOLLWRNORM
	{ "EPOLLWRNORM", EPOLLWRNORM },
#endif
#ifdef EPOLL_CLOEXEC
	{ "EPOLL_CLOEXEC", EPOLL_CLOEXEC },
#endif
#ifdef EPOLL_CTL_ADD
	{ "EPOLL_CTL_ADD", EPOLL_CTL_ADD },
#endif
#ifdef EPOLL_CTL_DEL
	{ "EPOLL_CTL_DEL", EPOLL_CTL_DEL },
#endif
#ifdef EPOLL_CTL_MOD
	{ "EPOLL_CTL_MOD", EPOLL_CTL_MOD },
#endif
#ifdef EPROTO
	{ "EPROTO", EPROTO },
#endif
#ifdef EPROTONOSUPPORT
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
#endif
#ifdef EPROTOTYPE
	{ "EPROTOTYPE", EPROTOTYPE },
#endif
#ifdef ERANGE
	{ "ERANGE", ERANGE },
#endif
#ifdef EREMOTEIO
	{ "EREMOTEIO", EREMOTEIO },
#endif
#ifdef EROFS
	{ "EROFS", EROFS },
#endif
#ifdef ESHUTDOWN
	{ "ESHUTDOWN", ESHUTDOWN },
#endif
#ifdef ESOCKTNOSUPPORT
	{ "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT },
#endif
#ifdef ESPIPE
	{ "ESPIPE", ESPIPE },
#endif
#ifdef ESRCH
	{ "ESRCH", ESRCH },
#endif
#ifdef ESTALE
	{ "ESTALE", ESTALE },
#endif
#ifdef ETIME
	{ "ETIME", ETIME },
#endif
#ifdef ETIMEDOUT
	{ "ETIMEDOUT", ETIMEDOUT },
#endif
#ifdef ETOOMANYREFS
	{ "ETOOMANYREFS", ETOOMANYREFS },
#endif
#ifdef ETXTBSY
	{ "ETXTBSY", ETXTBSY },
#endif
#ifdef EUSERS
	{ "EUSERS", EUSERS },
#endif
#ifdef EWOULDBLOCK
	{ "EWOULDBLOCK", EWOULDBLOCK },
#endif
#ifdef EXDEV
	{ "EXDEV", EXDEV },
#endif
#ifdef FD_CLOEXEC
	{ "FD_CLOEXEC", FD_CLOEXEC },
#endif
#ifdef FIOASYNC
	{ "FIOASYNC", FIOASYNC },
#endif
#ifdef FIONBIO
	{ "FIONBIO", FIONBIO },
#endif
#ifdef FIONREAD
	{ "FIONREAD", FIONREAD },
#endif
#ifdef F_DUPFD
	{ "F_DUPFD", F_DUPFD },
#endif
#ifdef F_DUPFD_CLOEXEC
	{ "F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC },
#endif
#ifdef F_GETFD
	{ "F_GETFD", F_GETFD },
#endif
#ifdef F_GETFL
	{ "F_GETFL", F_GETFL },
#endif
#ifdef F_GETLEASE
	{ "F_GETLEASE", F_GETLEASE },
#endif
#ifdef F_GETLK
	{ "F_GETLK", F_GETLK },
#endif
#ifdef F_GETOWN
	{ "F_GETOWN", F_GETOWN },
#endif
#ifdef F_GETPIPE_SZ
	{ "F_GETPIPE_SZ", F_GETPIPE_SZ },
#endif
#ifdef F_GETSIG
	{ "F_GETSIG", F_GETSIG },
#endif
#ifdef F_NOTIFY
	{ "F_NOTIFY", F_NOTIFY },
#endif
#ifdef F_SETFD
	{ "F_SETFD", F_SETFD },
#endif
#ifdef F_SETFL
	{ "F_SETFL", F_SETFL },
#endif
#ifdef F_SETLEASE
	{ "F_SETLEASE", F_SETLEASE },
#endif
#ifdef F_SETLK
	{ "F_SETLK", F_SETLK },
#endif
#ifdef F_SETLKW
	{ "F_SETLKW", F_SETLKW },
#endif
#ifdef F_SETOWN
	{ "F_SETOWN", F_SETOWN },
#endif
#ifdef F_SETPIPE_SZ
	{ "F_SETPIPE_SZ", F_SETPIPE_SZ },
#endif
#ifdef F_SETSIG
	{ "F_SETSIG", F_SETSIG },
#endif
#ifdef IFNAMSIZ
	{ "IFNAMSIZ", IFNAMSIZ },
#endif
#ifdef INADDR_ANY
	{ "INADDR_ANY", INADDR_ANY },
#endif
#ifdef INADDR_BROADCAST
	{ "INADDR_BROADCAST", INADDR_BROADCAST },
#endif
#ifdef INADDR_LOOPBACK
	{ "INADDR_LOOPBACK", INADDR_LOOPBACK },
#endif
#ifdef IPPROTO_GRE
	{ "IPPROTO_GRE", IPPROTO_GRE },
#endif
#ifdef IPPROTO_ICMP
	{ "IPPROTO_ICMP", IPPROTO_ICMP },
#endif
#ifdef IPPROTO_ICMPV6
	{ "IPPROTO_ICMPV6", IPPROTO_ICMPV6 },
#endif
#ifdef IPPROTO_IP
	{ "IPPROTO_IP", IPPROTO_IP },
#endif
#ifdef IPPROTO_IPV6
	{ "IPPROTO_IPV6", IPPROTO_IPV6 },
#endif
#ifdef IPPROTO_MPLS
	{ "IPPROTO_MPLS", IPPROTO_MPLS },
#endif
#ifdef IPPROTO_MPTCP
	{ "IPPROTO_MPTCP", IPPROTO_MPTCP },
#endif
#ifdef IPPROTO_RAW
	{ "IPPROTO_RAW", IPPROTO_RAW },
#endif
#ifdef IPPROTO_SCTP
	{ "IPPROTO_SCTP", IPPROTO_SCTP },
#endif
#ifdef IPPROTO_TCP
	{ "IPPROTO_TCP", IPPROTO_TCP },
#endif
#ifdef IPPROTO_UDP
	{ "IPPROTO_UDP", IPPROTO_UDP },
#endif
#ifdef IPPROTO_UDPLITE
	{ "IPPROTO_UDPLITE", IPPROTO_UDPLITE },
#endif
#ifdef IPV6_AUTOFLOWLABEL
	{ "IPV6_AUTOFLOWLABEL", IPV6_AUTOFLOWLABEL },
#endif
#ifdef IPV6_DONTFRAG
	{ "IPV6_DONTFRAG", IPV6_DONTFRAG },
#endif
#ifdef IPV6_HOPLIMIT
	{ "IPV6_HOPLIMIT", IPV6_HOPLIMIT },
#endif
#ifdef IPV6_MTU
	{ "IPV6_MTU", IPV6_MTU },
#endif
#ifdef IPV6_MTU_DISCOVER
	{ "IPV6_MTU_DISCOVER", IPV6_MTU_DISCOVER },
#endif
#ifdef IPV6_PKTINFO
	{ "IPV6_PKTINFO", IPV6_PKTINFO },
#endif
#ifdef IPV6_PMTUDISC_DO
	{ "IPV6_PMTUDISC_DO", IPV6_PMTUDISC_DO },
#endif
#ifdef IPV6_PMTUDISC_DONT
	{ "IPV6_PMTUDISC_DONT", IPV6_PMTUDISC_DONT },
#endif
#ifdef IPV6_PMTUDISC_PROBE
	{ "IPV6_PMTUDISC_PROBE", IPV6_PMTUDISC_PROBE },
#endif
#ifdef IPV6_PMTUDISC_WANT
	{ "IPV6_PMTUDISC_WANT", IPV6_PMTUDISC_WANT },
#endif
#ifdef IPV6_RECVERR
	{ "IPV6_RECVERR", IPV6_RECVERR },
#endif
#ifdef IPV6_RECVHOPLIMIT
	{ "IPV6_RECVHOPLIMIT", IPV6_RECVHOPLIMIT },
#endif
#ifdef IPV6_RECVPKTINFO
	{ "IPV6_RECVPKTINFO", IPV6_RECVPKTINFO },
#endif
#ifdef IPV6_RECVTCLASS
	{ "IPV6_RECVTCLASS", IPV6_RECVTCLASS },
#endif
#ifdef IPV6_TCLASS
	{ "IPV6_TCLASS", IPV6_TCLASS },
#endif
#ifdef IPV6_UNICAST_HOPS
	{ "IPV6_UNICAST_HOPS", IPV6_UNICAST_HOPS },
#endif
#ifdef IPV6_V6ONLY
	{ "IPV6_V6ONLY", IPV6_V6ONLY },
#endif
#ifdef IP_ADD_MEMBERSHIP
	{ "IP_ADD_MEMBERSHIP", IP_ADD_MEMBERSHIP },
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
	{ "IP_BIND_ADDRESS_NO_PORT", IP_BIND_ADDRESS_NO_PORT },
#endif
#ifdef IP_FREEBIND
	{ "IP_FREEBIND", IP_FREEBIND },
#endif
#ifdef IP_HDRINCL
	{ "IP_HDRINCL", IP_HDRINCL },
#endif
#ifdef IP_MTU
	{ "IP_MTU", IP_MTU },
#endif
#ifdef IP_MTU_DISCOVER
	{ "IP_MTU_DISCOVER", IP_MTU_DISCOVER },
#endif
#ifdef IP_MULTICAST_LOOP
	{ "IP_MULTICAST_LOOP", IP_MULTICAST_LOOP },
#endif
#ifdef IP_MULTICAST_TTL
	{ "IP_MULTICAST_TTL", IP_MULTICAST_TTL },
#endif
#ifdef IP_OPTIONS
	{ "IP_OPTIONS", IP_OPTIONS },
#endif
#ifdef IP_PKTINFO
	{ "IP_PKTINFO", IP_PKTINFO },
#endif
#ifdef IP_PMTUDISC_DO
	{ "IP_PMTUDISC_DO", IP_PMTUDISC_DO },
#endif
#ifdef IP_PMTUDISC_DONT
	{ "IP_PMTUDISC_DONT", IP_PMTUDISC_DONT },
#endif
#ifdef IP_PMTUDISC_INTERFACE
	{ "IP_PMTUDISC_INTERFACE", IP_PMTUDISC_INTERFACE },
#endif
#ifdef IP_PMTUDISC_OMIT
	{ "IP_PMTUDISC_OMIT", IP_PMTUDISC_OMIT },
#endif
#ifdef IP_PMTUDISC_PROBE
	{ "IP_PMTUDISC_PROBE", IP_PMTUDISC_PROBE },
#endif
#ifdef IP_PMTUDISC_WANT
	{ "IP_PMTUDISC_WANT", IP_PMTUDISC_WANT },
#endif
#ifdef IP_RECVERR
	{ "IP_RECVERR", IP_RECVERR },
#endif
#ifdef IP_RECVTOS
	{ "IP_RECVTOS", IP_RECVTOS },
#endif
#ifdef IP_RECVTTL
	{ "IP_RECVTTL", IP_RECVTTL },
#endif
#ifdef IP_RETOPTS
	{ "IP_RETOPTS", IP_RETOPTS },
#endif
#ifdef IP_TOS
	{ "IP_TOS", IP_TOS },
#endif
#ifdef IP_TRANSPARENT
	{ "IP_TRANSPARENT", IP_TRANSPARENT },
#endif
#ifdef IP_TTL
	{ "IP_TTL", IP_TTL },
#endif
#ifdef MSG_BATCH
	{ "MSG_BATCH", MSG_BATCH },
#endif
#ifdef MSG_CMSG_CLOEXEC
	{ "MSG_CMSG_CLOEXEC", MSG_CMSG_CLOEXEC },
#endif
#ifdef MSG_CONFIRM
	{ "MSG_CONFIRM", MSG_CONFIRM },
#endif
#ifdef MSG_CTRUNC
	{ "MSG_CTRUNC", MSG_CTRUNC },
#endif
#ifdef MSG_DONTROUTE
	{ "MSG_DONTROUTE", MSG_DONTROUTE },
#endif
#ifdef MSG_DONTWAIT
	{ "MSG_DONTWAIT", MSG_DONTWAIT },
#endif
#ifdef MSG_EOR
	{ "MSG_EOR", MSG_EOR },
#endif
#ifdef MSG_ERRQUEUE
	{ "MSG_ERRQUEUE", MSG_ERRQUEUE },
#endif
#ifdef MSG_FASTOPEN
	{ "MSG_FASTOPEN", MSG_FASTOPEN },
#endif
#ifdef MSG_FIN
	{ "MSG_FIN", MSG_FIN },
#endif
#ifdef MSG_MORE
	{ "MSG_MORE", MSG_MORE },
#endif
#ifdef MSG_NOSIGNAL
	{ "MSG_NOSIGNAL", MSG_NOSIGNAL },
#endif
#ifdef MSG_OOB
	{ "MSG_OOB", MSG_OOB },
#endif
#ifdef MSG_PEEK
	{ "MSG_PEEK", MSG_PEEK },
#endif
#ifdef MSG_PROXY
	{ "MSG_PROXY", MSG_PROXY },
#endif
#ifdef MSG_RST
	{ "MSG_RST", MSG_RST },
#endif
#ifdef MSG_SYN
	{ "MSG_SYN", MSG_SYN },
#endif
#ifdef MSG_TRUNC
	{ "MSG_TRUNC", MSG_TRUNC },
#endif
#ifdef MSG_WAITALL
	{ "MSG_WAITALL", MSG_WAITALL },
#endif
#ifdef MSG_WAITFORONE
	{ "MSG_WAITFORONE", MSG_WAITFORONE },
#endif
#ifdef MSG_ZEROCOPY
	{ "MSG_ZEROCOPY", MSG_ZEROCOPY },
#endif
	{ "NULL", 0 },
#ifdef O_ACCMODE
	{ "O_ACCMODE", O_ACCMODE },
#endif
#ifdef O_APPEND
	{ "O_APPEND", O_APPEND },
#endif
#ifdef O_ASYNC
	{ "O_ASYNC", O_ASYNC },
#endif
#ifdef O_CLOEXEC
	{ "O_CLOEXEC", O_CLOEXEC },
#endif
#ifdef O_CREAT
	{ "O_CREAT", O_CREAT },
#endif
#ifdef O_DIRECT
	{ "O_DIRECT", O_DIRECT },
#endif
#ifdef O_DIRECTORY
	{ "O_DIRECTORY", O_DIRECTORY },
#endif
#ifdef O_DSYNC
	{ "O_DSYNC", O_DSYNC },
#endif
#ifdef O_EXCL
	{ "O_EXCL", O_EXCL },
#endif
#ifdef O_LARGEFILE
	{ "O_LARGEFILE", O_LARGEFILE },
#endif
#ifdef O_NDELAY
	{ "O_NDELAY", O_NDELAY },
#endif
#ifdef O_NOATIME
	{ "O_NOATIME", O_NOATIME },
#endif
#ifdef O_NOCTTY
	{ "O_NOCTTY", O_NOCTTY },
#endif
#ifdef O_NOFOLLOW
	{ "O_NOFOLLOW", O_NOFOLLOW },
#endif
#ifdef O_NONBLOCK
	{ "O_NONBLOCK", O_NONBLOCK },
#endif
#ifdef O_PATH
	{ "O_PATH", O_PATH },
#endif
#ifdef O_RDONLY
	{ "O_RDONLY", O_RDONLY },
#endif
#ifdef O_RDWR
	{ "O_RDWR", O_RDWR },
#endif
#ifdef O_SYNC
	{ "O_SYNC", O_SYNC },
#endif
#ifdef O_TMPFILE
	{ "O_TMPFILE", O_TMPFILE },
#endif
#ifdef O_TRUNC
	{ "O_TRUNC", O_TRUNC },
#endif
#ifdef O_WRONLY
	{ "O_WRONLY", O_WRONLY },
#endif
#ifdef PF_INET
	{ "PF_INET", PF_INET },
#endif
#ifdef PF_INET6
	{ "PF_INET6", PF_INET6 },
#endif
#ifdef PF_LOCAL
	{ "PF_LOCAL", PF_LOCAL },
#endif
#ifdef PF_NETLINK
	{ "PF_NETLINK", PF_NETLINK },
#endif
#ifdef PF_PACKET
	{ "PF_PACKET", PF_PACKET },
#endif
#ifdef PF_UNIX
	{ "PF_UNIX", PF_UNIX },
#endif
#ifdef PF_UNSPEC
	{ "PF_UNSPEC", PF_UNSPEC },
#endif
#ifdef POLLERR
	{ "POLLERR", POLLERR },
#endif
#ifdef POLLHUP
	{ "POLLHUP", POLLHUP },
#endif
#ifdef POLLIN
	{ "POLLIN", POLLIN },
#endif
#ifdef POLLMSG
	{ "POLLMSG", POLLMSG },
#endif
#ifdef POLLNVAL
	{ "POLLNVAL", POLLNVAL },
#endif
#ifdef POLLOUT
	{ "POLLOUT", POLLOUT },
#endif
#ifdef POLLPRI
	{ "POLLPRI", POLLPRI },
#endif
#ifdef POLLRDBAND
	{ "POLLRDBAND", POLLRDBAND },
#endif
#ifdef POLLRDHUP
	{ "POLLRDHUP", POLLRDHUP },
#endif
#ifdef POLLRDNORM
	{ "POLLRDNORM", POLLRDNORM },
#endif
#ifdef POLLREMOVE
	{ "POLLREMOVE", POLLREMOVE },
#endif
#ifdef POLLWRBAND
	{ "POLLWRBAND", POLLWRBAND },
#endif
#ifdef POLLWRNORM
	{ "POLLWRNORM", POLLWRNORM },
#endif
#ifdef SCM_CREDENTIALS
	{ "SCM_CREDENTIALS", SCM_CREDENTIALS },
#endif
#ifdef SCM_RIGHTS
	{ "SCM_RIGHTS", SCM_RIGHTS },
#endif
#ifdef SCM_TIMESTAMP
	{ "SCM_TIMESTAMP", SCM_TIMESTAMP },
#endif
#ifdef SCM_TIMESTAMPING
	{ "SCM_TIMESTAMPING", SCM_TIMESTAMPING },
#endif
#ifdef SCM_TIMESTAMPING_OPT_STATS
	{ "SCM_TIMESTAMPING_OPT_STATS", SCM_TIMESTAMPING_OPT_STATS },
#endif
#ifdef SCM_TIMESTAMPING_PKTINFO
	{ "SCM_TIMESTAMPING_PKTINFO", SCM_TIMESTAMPING_PKTINFO },
#endif
#ifdef SCM_TIMESTAMPNS
	{ "SCM_TIMESTAMPNS", SCM_TIMESTAMPNS },
#endif
	{ "SCM_TSTAMP_ACK", SCM_TSTAMP_ACK },
	{ "SCM_TSTAMP_SCHED", SCM_TSTAMP_SCHED },
	{ "SCM_TSTAMP_SND", SCM_TSTAMP_SND },
#ifdef SCM_TXTIME
	{ "SCM_TXTIME", SCM_TXTIME },
#endif
#ifdef SHUT_RD
	{ "SHUT_RD", SHUT_RD },
#endif
#ifdef SHUT_RDWR
	{ "SHUT_RDWR", SHUT_RDWR },
#endif
#ifdef SHUT_WR
	{ "SHUT_WR", SHUT_WR },
#endif
#ifdef SIOCATMARK
	{ "SIOCATMARK", SIOCATMARK },
#endif
#ifdef SIOCGSTAMP
	{ "SIOCGSTAMP", SIOCGSTAMP },
#endif
#ifdef SIOCGSTAMPNS
	{ "SIOCGSTAMPNS", SIOCGSTAMPNS },
#endif
#ifdef SIOCINQ
	{ "SIOCINQ", SIOCINQ },
#endif
#ifdef SIOCOUTQ
	{ "SIOCOUTQ", SIOCOUTQ },
#endif
#ifdef SIOCOUTQNSD
	{ "SIOCOUTQNSD", SIOCOUTQNSD },
#endif
#ifdef SOCK_CLOEXEC
	{ "SOCK_CLOEXEC", SOCK_CLOEXEC },
#endif
#ifdef SOCK_DGRAM
	{ "SOCK_DGRAM", SOCK_DGRAM },
#endif
#ifdef SOCK_NONBLOCK
	{ "SOCK_NONBLOCK", SOCK_NONBLOCK },
#endif
#ifdef SOCK_RAW
	{ "SOCK_RAW", SOCK_RAW },
#endif
#ifdef SOCK_RDM
	{ "SOCK_RDM", SOCK_RDM },
#endif
#ifdef SOCK_SEQPACKET
	{ "SOCK_SEQPACKET", SOCK_SEQPACKET },
#endif
#ifdef SOCK_STREAM
	{ "SOCK_STREAM", SOCK_STREAM },
#endif
	{ "SOF_TIMESTAMPING_OPT_CMSG", SOF_TIMESTAMPING_OPT_CMSG },
	{ "SOF_TIMESTAMPING_OPT_ID", SOF_TIMESTAMPING_OPT_ID },
	{ "SOF_TIMESTAMPING_OPT_PKTINFO", SOF_TIMESTAMPING_OPT_PKTINFO },
	{ "SOF_TIMESTAMPING_OPT_STATS", SOF_TIMESTAMPING_OPT_STATS },
	{ "SOF_TIMESTAMPING_OPT_TSONLY", SOF_TIMESTAMPING_OPT_TSONLY },
	{ "SOF_TIMESTAMPING_OPT_TX_SWHW", SOF_TIMESTAMPING_OPT_TX_SWHW },
	{ "SOF_TIMESTAMPING_RAW_HARDWARE", SOF_TIMESTAMPING_RAW_HARDWARE },
	{ "SOF_TIMESTAMPING_RX_HARDWARE", SOF_TIMESTAMPING_RX_HARDWARE },
	{ "SOF_TIMESTAMPING_RX_SOFTWARE", SOF_TIMESTAMPING_RX_SOFTWARE },
	{ "SOF_TIMESTAMPING_SOFTWARE", SOF_TIMESTAMPING_SOFTWARE },
	{ "SOF_TIMESTAMPING_SYS_HARDWARE", SOF_TIMESTAMPING_SYS_HARDWARE },
	{ "SOF_TIMESTAMPING_TX_ACK", SOF_TIMESTAMPING_TX_ACK },
	{ "SOF_TIMESTAMPING_TX_HARDWARE", SOF_TIMESTAMPING_TX_HARDWARE },
	{ "SOF_TIMESTAMPING_TX_SCHED", SOF_TIMESTAMPING_TX_SCHED },
	{ "SOF_TIMESTAMPING_TX_SOFTWARE", SOF_TIMESTAMPING_TX_SOFTWARE },
#ifdef SOL_IP
	{ "SOL_IP", SOL_IP },
#endif
#ifdef SOL_IPV6
	{ "SOL_IPV6", SOL_IPV6 },
#endif
#ifdef SOL_RAW
	{ "SOL_RAW", SOL_RAW },
#endif
#ifdef SOL_SOCKET
	{ "SOL_SOCKET", SOL_SOCKET },
#endif
#ifdef SOL_TCP
	{ "SOL_TCP", SOL_TCP },
#endif
	{ "SOL_UDP", 17 },
#ifdef SOMAXCONN
	{ "SOMAXCONN", SOMAXCONN },
#endif
#ifdef SO_ACCEPTCONN
	{ "SO_ACCEPTCONN", SO_ACCEPTCONN },
#endif
#ifdef SO_ATTACH_FILTER
	{ "SO_ATTACH_FILTER", SO_ATTACH_FILTER },
#endif
#ifdef SO_BINDTODEVICE
	{ "SO_BINDTODEVICE", SO_BINDTODEVICE },
#endif
#ifdef SO_BINDTOIFINDEX
	{ "SO_BINDTOIFINDEX", SO_BINDTOIFINDEX },
#endif
#ifdef SO_BPF_EXTENSIONS
	{ "SO_BPF_EXTENSIONS", SO_BPF_EXTENSIONS },
#endif
#ifdef SO_BROADCAST
	{ "SO_BROADCAST", SO_BROADCAST },
#endif
#ifdef SO_BSDCOMPAT
	{ "SO_BSDCOMPAT", SO_BSDCOMPAT },
#endif
#ifdef SO_BUSY_POLL
	{ "SO_BUSY_POLL", SO_BUSY_POLL },
#endif
#ifdef SO_COOKIE
	{ "SO_COOKIE", SO_COOKIE },
#endif
#ifdef SO_DEBUG
	{ "SO_DEBUG", SO_DEBUG },
#endif
#ifdef SO_DETACH_FILTER
	{ "SO_DETACH_FILTER", SO_DETACH_FILTER },
#endif
#ifdef SO_DOMAIN
	{ "SO_DOMAIN", SO_DOMAIN },
#endif
#ifdef SO_DONTROUTE
	{ "SO_DONTROUTE", SO_DONTROUTE },
#endif
#ifdef SO_EE_CODE_TXTIME_INVALID_PARAM
	{ "SO_EE_CODE_TXTIME_INVALID_PARAM", SO_EE_CODE_TXTIME_INVALID_PARAM },
#endif
#ifdef SO_EE_CODE_TXTIME_MISSED
	{ "SO_EE_CODE_TXTIME_MISSED", SO_EE_CODE_TXTIME_MISSED },
#endif
#ifdef SO_EE_CODE_ZEROCOPY_COPIED
	{ "SO_EE_CODE_ZEROCOPY_COPIED", SO_EE_CODE_ZEROCOPY_COPIED },
#endif
#ifdef SO_EE_ORIGIN_ICMP
	{ "SO_EE_ORIGIN_ICMP", SO_EE_ORIGIN_ICMP },
#endif
#ifdef SO_EE_ORIGIN_ICMP6
	{ "SO_EE_ORIGIN_ICMP6", SO_EE_ORIGIN_ICMP6 },
#endif
#ifdef SO_EE_ORIGIN_LOCAL
	{ "SO_EE_ORIGIN_LOCAL", SO_EE_ORIGIN_LOCAL },
#endif
#ifdef SO_EE_ORIGIN_NONE
	{ "SO_EE_ORIGIN_NONE", SO_EE_ORIGIN_NONE },
#endif
#ifdef SO_EE_ORIGIN_TIMESTAMPING
	{ "SO_EE_ORIGIN_TIMESTAMPING", SO_EE_ORIGIN_TIMESTAMPING },
#endif
#ifdef SO_EE_ORIGIN_TXSTATUS
	{ "SO_EE_ORIGIN_TXSTATUS", SO_EE_ORIGIN_TXSTATUS },
#endif
#ifdef SO_EE_ORIGIN_TXTIME
	{ "SO_EE_ORIGIN_TXTIME", SO_EE_ORIGIN_TXTIME },
#endif
#ifdef SO_EE_ORIGIN_ZEROCOPY
	{ "SO_EE_ORIGIN_ZEROCOPY", SO_EE_ORIGIN_ZEROCOPY },
#endif
#ifdef SO_ERROR
	{ "SO_ERROR", SO_ERROR },
#endif
#ifdef SO_INCOMING_CPU
	{ "SO_INCOMING_CPU", SO_INCOMING_CPU },
#endif
#ifdef SO_INCOMING_NAPI_ID
	{ "SO_INCOMING_NAPI_ID", SO_INCOMING_NAPI_ID },
#endif
#ifdef SO_KEEPALIVE
	{ "SO_KEEPALIVE", SO_KEEPALIVE },
#endif
#ifdef SO_LINGER
	{ "SO_LINGER", SO_LINGER },
#endif
#ifdef SO_LOCK_FILTER
	{ "SO_LOCK_FILTER", SO_LOCK_FILTER },
#endif
#ifdef SO_MARK
	{ "SO_MARK", SO_MARK },
#endif
#ifdef SO_MAX_PACING_RATE
	{ "SO_MAX_PACING_RATE", SO_MAX_PACING_RATE },
#endif
#ifdef SO_NOFCS
	{ "SO_NOFCS", SO_NOFCS },
#endif
#ifdef SO_NO_CHECK
	{ "SO_NO_CHECK", SO_NO_CHECK },
#endif
#ifdef SO_OOBINLINE
	{ "SO_OOBINLINE", SO_OOBINLINE },
#endif
#ifdef SO_PASSCRED
	{ "SO_PASSCRED", SO_PASSCRED },
#endif
#ifdef SO_PEEK_OFF
	{ "SO_PEEK_OFF", SO_PEEK_OFF },
#endif
#ifdef SO_PEERCRED
	{ "SO_PEERCRED", SO_PEERCRED },
#endif
#ifdef SO_PEERNAME
	{ "SO_PEERNAME", SO_PEERNAME },
#endif
#ifdef SO_PRIORITY
	{ "SO_PRIORITY", SO_PRIORITY },
#endif
#ifdef SO_PROTOCOL
	{ "SO_PROTOCOL", SO_PROTOCOL },
#endif
#ifdef SO_RCVBUF
	{ "SO_RCVBUF", SO_RCVBUF },
#endif
#ifdef SO_RCVBUFFORCE
	{ "SO_RCVBUFFORCE", SO_RCVBUFFORCE },
#endif
#ifdef SO_RCVLOWAT
	{ "SO_RCVLOWAT", SO_RCVLOWAT },
#endif
#ifdef SO_RCVTIMEO
	{ "SO_RCVTIMEO", SO_RCVTIMEO },
#endif
#ifdef SO_REUSEADDR
	{ "SO_REUSEADDR", SO_REUSEADDR },
#endif
#ifdef SO_REUSEPORT
	{ "SO_REUSEPORT", SO_REUSEPORT },
#endif
#ifdef SO_RXQ_OVFL
	{ "SO_RXQ_OVFL", SO_RXQ_OVFL },
#endif
#ifdef SO_SELECT_ERR_QUEUE
	{ "SO_SELECT_ERR_QUEUE", SO_SELECT_ERR_QUEUE },
#endif
#ifdef SO_SNDBUF
	{ "SO_SNDBUF", SO_SNDBUF },
#endif
#ifdef SO_SNDBUFFORCE
	{ "SO_SNDBUFFORCE", SO_SNDBUFFORCE },
#endif
#ifdef SO_SNDLOWAT
	{ "SO_SNDLOWAT", SO_SNDLOWAT },
#endif
#ifdef SO_SNDTIMEO
	{ "SO_SNDTIMEO", SO_SNDTIMEO },
#endif
#ifdef SO_TIMESTAMP
	{ "SO_TIMESTAMP", SO_TIMESTAMP },
#endif
#ifdef SO_TIMESTAMPING
	{ "SO_TIMESTAMPING", SO_TIMESTAMPING },
#endif
#ifdef SO_TIMESTAMPNS
	{ "SO_TIMESTAMPNS", SO_TIMESTAMPNS },
#endif
#ifdef SO_TXTIME
	{ "SO_TXTIME", SO_TXTIME },
#endif
#ifdef SO_TYPE
	{ "SO_TYPE", SO_TYPE },
#endif
#ifdef SO_WIFI_STATUS
	{ "SO_WIFI_STATUS", SO_WIFI_STATUS },
#endif
#ifdef SO_ZEROCOPY
	{ "SO_ZEROCOPY", SO_ZEROCOPY },
#endif
#ifdef SPLICE_F_GIFT
	{ "SPLICE_F_GIFT", SPLICE_F_GIFT },
#endif
#ifdef SPLICE_F_MORE
	{ "SPLICE_F_MORE", SPLICE_F_MORE },
#endif
#ifdef SPLICE_F_MOVE
	{ "SPLICE_F_MOVE", SPLICE_F_MOVE },
#endif
#ifdef SPLICE_F_NONBLOCK
	{ "SPLICE_F_NONBLOCK", SPLICE_F_NONBLOCK },
#endif
	{ "TCPI_OPT_ECN", 8 },
	{ "TCPI_OPT_ECN_SEEN", 16 },
	{ "TCPI_OPT_SACK", 2 },
	{ "TCPI_OPT_SYN_DATA", 32 },
	{ "TCPI_OPT_TIMESTAMPS", 1 },
	{ "TCPI_OPT_USEC_TS", 64 },
	{ "TCPI_OPT_WSCALE", 4 },
	{ "TCP_CA_CWR", 2 },
	{ "TCP_CA_Disorder", 1 },
	{ "TCP_CA_Loss", 4 },
	{ "TCP_CA_Open", 0 },
	{ "TCP_CA_Recovery", 3 },
#ifdef TCP_CC_INFO
	{ "TCP_CC_INFO", TCP_CC_INFO },
#endif
	{ "TCP_CLOSE", 7 },
	{ "TCP_CLOSE_WAIT", 8 },
	{ "TCP_CLOSING", 11 },
#ifdef TCP_CM_INQ
	{ "TCP_CM_INQ", TCP_CM_INQ },
#endif
#ifdef TCP_CONGESTION
	{ "TCP_CONGESTION", TCP_CONGESTION },
#endif
#ifdef TCP_CORK
	{ "TCP_CORK", TCP_CORK },
#endif
#ifdef TCP_DEFER_ACCEPT
	{ "TCP_DEFER_ACCEPT", TCP_DEFER_ACCEPT },
#endif
	{ "TCP_ESTABLISHED", 1 },
#ifdef TCP_FASTOPEN
	{ "TCP_FASTOPEN", TCP_FASTOPEN },
#endif
#ifdef TCP_FASTOPEN_CONNECT
	{ "TCP_FASTOPEN_CONNECT", TCP_FASTOPEN_CONNECT },
#endif
#ifdef TCP_FASTOPEN_KEY
	{ "TCP_FASTOPEN_KEY", TCP_FASTOPEN_KEY },
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
	{ "TCP_FASTOPEN_NO_COOKIE", TCP_FASTOPEN_NO_COOKIE },
#endif
	{ "TCP_FIN_WAIT1", 4 },
	{ "TCP_FIN_WAIT2", 5 },
	{ "TCP_INFINITE_SSTHRESH", 0x7fffffff },
#ifdef TCP_INFO
	{ "TCP_INFO", TCP_INFO },
#endif
#ifdef TCP_INQ
	{ "TCP_INQ", TCP_INQ },
#endif
#ifdef TCP_KEEPCNT
	{ "TCP_KEEPCNT", TCP_KEEPCNT },
#endif
#ifdef TCP_KEEPIDLE
	{ "TCP_KEEPIDLE", TCP_KEEPIDLE },
#endif
#ifdef TCP_KEEPINTVL
	{ "TCP_KEEPINTVL", TCP_KEEPINTVL },
#endif
	{ "TCP_LAST_ACK", 9 },
#ifdef TCP_LINGER2
	{ "TCP_LINGER2", TCP_LINGER2 },
#endif
	{ "TCP_LISTEN", 10 },
#ifdef TCP_MAXSEG
	{ "TCP_MAXSEG", TCP_MAXSEG },
#endif
#ifdef TCP_MD5SIG
	{ "TCP_MD5SIG", TCP_MD5SIG },
#endif
#ifdef TCP_MD5SIG_EXT
	{ "TCP_MD5SIG_EXT", TCP_MD5SIG_EXT },
#endif
#ifdef TCP_MD5SIG_MAXKEYLEN
	{ "TCP_MD5SIG_MAXKEYLEN", TCP_MD5SIG_MAXKEYLEN },
#endif
	{ "TCP_NEW_SYN_RECV", 12 },
#ifdef TCP_NODELAY
	{ "TCP_NODELAY", TCP_NODELAY },
#endif
#ifdef TCP_NOTSENT_LOWAT
	{ "TCP_NOTSENT_LOWAT", TCP_NOTSENT_LOWAT },
#endif
#ifdef TCP_QUEUE_SEQ
	{ "TCP_QUEUE_SEQ", TCP_QUEUE_SEQ },
#endif
#ifdef TCP_QUICKACK
	{ "TCP_QUICKACK", TCP_QUICKACK },
#endif
#ifdef TCP_REPAIR
	{ "TCP_REPAIR", TCP_REPAIR },
#endif
#ifdef TCP_REPAIR_OPTIONS
	{ "TCP_REPAIR_OPTIONS", TCP_REPAIR_OPTIONS },
#endif
#ifdef TCP_REPAIR_QUEUE
	{ "TCP_REPAIR_QUEUE", TCP_REPAIR_QUEUE },
#endif
#ifdef TCP_REPAIR_WINDOW
	{ "TCP_REPAIR_WINDOW", TCP_REPAIR_WINDOW },
#endif
#ifdef TCP_SAVED_SYN
	{ "TCP_SAVED_SYN", TCP_SAVED_SYN },
#endif
#ifdef TCP_SAVE_SYN
	{ "TCP_SAVE_SYN", TCP_SAVE_SYN },
#endif
#ifdef TCP_SYNCNT
	{ "TCP_SYNCNT", TCP_SYNCNT },
#endif
	{ "TCP_SYN_RECV", 3 },
	{ "TCP_SYN_SENT", 2 },
#ifdef TCP_THIN_DUPACK
	{ "TCP_THIN_DUPACK", TCP_THIN_DUPACK },
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
	{ "TCP_THIN_LINEAR_TIMEOUTS", TCP_THIN_LINEAR_TIMEOUTS },
#endif
#ifdef TCP_TIMESTAMP
	{ "TCP_TIMESTAMP", TCP_TIMESTAMP },
#endif
	{ "TCP_TIME_WAIT", 6 },
#ifdef TCP_TX_DELAY
	{ "TCP_TX_DELAY", TCP_TX_DELAY },
#endif
#ifdef TCP_ULP
	{ "TCP_ULP", TCP_ULP },
#endif
#ifdef TCP_USER_TIMEOUT
	{ "TCP_USER_TIMEOUT", TCP_USER_TIMEOUT },
#endif
#ifdef TCP_WINDOW_CLAMP
	{ "TCP_WINDOW_CLAMP", TCP_WINDOW_CLAMP },
#endif
#ifdef TCP_ZEROCOPY_RECEIVE
	{ "TCP_ZEROCOPY_RECEIVE", TCP_ZEROCOPY_RECEIVE },
#endif
};

static int compare_symbol(const void *key, const void *elem)
{
	return strcmp(key, ((const struct symbol *)elem)->name);
}

bool symbol_lookup(const char *name, int64_t *value)
{
	const struct symbol *s = bsearch(name, symbols, sizeof(symbols) / sizeof(symbols[0]),
					 sizeof(symbols[0]), compare_symbol);
	if (!s)
		return false;
	*value = s->value;
	return true;
}

bool errno_lookup(const char *name, int *value)
{
	int64_t v;
	if (name[0] != 'E' || !symbol_lookup(name, &v))
		return false;
	/* E-names in the table that are not errno values. */
	if (!strncmp(name, "EPOLL", 5))
		return false;
	*value = (int)v;
	return true;
}

size_t symbol_count(void)
{
	return sizeof(symbols) / sizeof(symbols[0]);
}

const struct symbol *symbol_at(size_t i)
{
	return i < symbol_count() ? &symbols[i] : NULL;
}
