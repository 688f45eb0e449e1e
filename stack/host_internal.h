/* The host side's internals, shared by its files (instance, wire, IP, ICMP,
 * descriptors, socket calls, poll, pipes, sysctls, the interface shim).
 * Every vs_sys_* function is called with vs->lock held and returns a
 * negative errno on failure; the interface shim turns that into -1/errno.
 */
#ifndef VSTACK_HOST_INTERNAL_H
#define VSTACK_HOST_INTERNAL_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/errqueue.h>

#include "host.h"
#include "tcp.h"

#define VS_FIRST_FD 3          /* 0..2 are stdin/out/err, as in a process */
#define VS_MAX_FDS 1024        /* RLIMIT_NOFILE's usual soft limit */
#define VS_WIRE_MAX_PACKETS 4096
#define VS_PIPE_CAPACITY 65536 /* Linux's default pipe size */

struct vs_sysctl_extra;

/* Per-instance state the host side keeps beside struct vstack. */
struct vs_host_private {
	uint64_t wake_gen;               /* bumped by every vs_wakeup */
	struct vs_sysctl_extra *extras;  /* sysctls stored but not used */
	size_t n_extras;
};

/* ---------------------------------------------------------------- instance.c */
struct vstack *vs_instance_new(void);
void vs_instance_free(struct vstack *vs);
int vs_instance_configure(struct vstack *vs, const struct vwire_net_config *cfg);
void vs_knobs_default(struct vs_knobs *k);
/* Sleep on vs->wake until a vs_wakeup (or the virtual clock reaching
 * deadline, if >= 0). Returns -ETIMEDOUT once the deadline has passed. */
int vs_wait(struct vstack *vs, int64_t deadline);
bool vs_is_local_addr(const struct vstack *vs, const struct vs_addr *a);

/* ---------------------------------------------------------------- wire.c */
struct vs_wire *vs_wire_new(size_t max_packets);
void vs_wire_free(struct vs_wire *w);
int vs_wire_push(struct vs_wire *w, const void *pkt, size_t len);
/* release_us: when a pacing qdisc lets the packet go (0: at once). */
int vs_wire_push_at(struct vs_wire *w, const void *pkt, size_t len, int64_t release_us);
int vs_wire_pop(struct vs_wire *w, void *buf, size_t *len, int64_t now_us);
/* The earliest release time after now_us of a packet still held; -1 none. */
int64_t vs_wire_next_release(const struct vs_wire *w, int64_t now_us);
size_t vs_wire_count(const struct vs_wire *w);
/* The qdisc's limit in packets: -1 none of its own, 0 refuses everything. */
void vs_wire_set_qdisc_limit(struct vs_wire *w, long limit);
bool vs_wire_full(const struct vs_wire *w);  /* the next push would fail */

/* ---------------------------------------------------------------- ip.c */
uint32_t vs_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t vs_csum_fold(uint32_t sum);
uint32_t vs_pseudo_sum(const struct vs_addr *src, const struct vs_addr *dst,
		       uint8_t proto, size_t len);
/* One packet from the wire. 0 when delivered, or why it was dropped. */
int vs_ip_input(struct vstack *vs, const uint8_t *pkt, size_t len);

/* ---------------------------------------------------------------- icmp.c */
void vs_icmp_input(struct vstack *vs, int family, const struct vs_addr *src,
		   const struct vs_addr *dst, const uint8_t *msg, size_t len);
/* Port unreachable for a UDP datagram nobody listens to (pkt: its IP packet). */
void vs_icmp_port_unreachable(struct vstack *vs, int family,
			      const struct vs_addr *src, const struct vs_addr *dst,
			      const uint8_t *pkt, size_t len);

/* ---------------------------------------------------------------- socket.c */
enum vs_file_kind { VS_FILE_SOCKET = 1, VS_FILE_PIPE_READ, VS_FILE_PIPE_WRITE, VS_FILE_EPOLL };

struct vs_pipe;
struct vs_epoll;

struct vs_sockext;

struct vs_socket {
	struct tcp_sock *ts;
	int family;          /* of the socket: AF_INET or AF_INET6 */
	int type, protocol;
	bool v6only;
	int64_t rcvtimeo_us, sndtimeo_us;  /* 0: wait forever */
	struct vs_sockext *ext; /* error queue and what rides on it; NULL until used */
};

struct vs_file {
	enum vs_file_kind kind;
	int status_flags;    /* O_NONBLOCK (F_GETFL/F_SETFL) */
	int fd_flags;        /* FD_CLOEXEC */
	int refs;            /* the table's, plus blocked calls' */
	bool closed;
	union {
		struct vs_socket sock;
		struct vs_pipe *pipe;
		struct vs_epoll *ep;
	} u;
};

struct vs_fdtable {
	struct vs_file *files[VS_MAX_FDS];
};

struct vs_fdtable *vs_fdtable_new(void);
void vs_fdtable_free(struct vstack *vs);
struct vs_file *vs_fd_get(struct vstack *vs, int fd);
int vs_fd_install(struct vstack *vs, struct vs_file *f); /* lowest free fd */
struct vs_file *vs_file_new(enum vs_file_kind kind);
void vs_file_put(struct vstack *vs, struct vs_file *f);
/* The socket behind fd: -EBADF, -ENOTSOCK otherwise. */
int vs_fd_socket(struct vstack *vs, int fd, struct vs_file **out);
bool vs_file_nonblocking(const struct vs_file *f);
/* One sleep of a blocking call on f: 0 to check again, -EBADF if f was
 * closed meanwhile, timeout_err once the deadline has passed. */
int vs_wait_file(struct vstack *vs, struct vs_file *f, int64_t deadline,
		 int timeout_err);
/* Deadline for a wait of timeo_us from now (0: none, i.e. -1). */
int64_t vs_deadline_after(const struct vstack *vs, int64_t timeo_us);
/* A user's sockaddr as the engine's address and port (sendto's
 * destination for Fast Open uses the same rules as connect). */
int vs_sockaddr_in(const struct vs_socket *s, const struct sockaddr *sa, socklen_t len,
		   struct vs_addr *a, uint16_t *port);
int vs_sockaddr_out(const struct vs_socket *s, const struct vs_addr *a,
		    uint16_t port, struct sockaddr *sa, socklen_t *len);

int vs_sys_socket(struct vstack *vs, int domain, int type, int protocol);
int vs_sys_bind(struct vstack *vs, int fd, const struct sockaddr *sa, socklen_t len);
int vs_sys_listen(struct vstack *vs, int fd, int backlog);
int vs_sys_accept(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len);
int vs_sys_connect(struct vstack *vs, int fd, const struct sockaddr *sa, socklen_t len);
int vs_sys_close(struct vstack *vs, int fd);
int vs_sys_shutdown(struct vstack *vs, int fd, int how);
int vs_sys_getsockname(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len);
int vs_sys_getpeername(struct vstack *vs, int fd, struct sockaddr *sa, socklen_t *len);

/* ---------------------------------------------------------------- socket_io.c */
/* is_sock_call: recv/recvmsg... (ENOTSOCK on a pipe) versus read/readv. */
ssize_t vs_sys_recvmsg(struct vstack *vs, int fd, struct msghdr *msg, int flags,
		       bool is_sock_call);
ssize_t vs_sys_sendmsg(struct vstack *vs, int fd, const struct msghdr *msg,
		       int flags, bool is_sock_call);

/* ---------------------------------------------------------------- socket_ctl.c */
int vs_sys_fcntl(struct vstack *vs, int fd, int cmd, long arg);
int vs_sys_ioctl(struct vstack *vs, int fd, unsigned long req, void *arg);
int vs_sys_getsockopt(struct vstack *vs, int fd, int level, int name,
		      void *val, socklen_t *len);
int vs_sys_setsockopt(struct vstack *vs, int fd, int level, int name,
		      const void *val, socklen_t len);

/* ---------------------------------------------------------------- errqueue.c
 * The socket's error queue (Linux's sk_error_queue) and the control
 * messages recvmsg writes into the caller's msg_control. */
struct vs_errq_entry;
struct vs_zc_pending;
struct vs_ts_mark;

struct vs_sockext {
	struct vs_errq_entry *eq_head, *eq_tail;
	uint64_t eq_gen;             /* bumped by every report (EPOLLET edges) */
	bool recverr;                /* IP_RECVERR / IPV6_RECVERR */
	/* MSG_ZEROCOPY (zerocopy.c) */
	bool zerocopy;               /* SO_ZEROCOPY */
	uint32_t zc_next_id;         /* Linux's sk_zckey */
	struct vs_zc_pending *zc;    /* sends not yet acknowledged, in order */
	size_t zc_n, zc_cap;
	/* SO_TIMESTAMPING (timestamping.c) */
	int tsflags;
	uint32_t tskey_base;         /* write_seq when OPT_ID was set */
	struct vs_ts_mark *marks;    /* last bytes of stamped writes, in order */
	size_t n_marks, cap_marks;
};

/* Writes control messages as Linux's put_cmsg does: CMSG_ALIGN'd, setting
 * MSG_CTRUNC when the room runs out. */
struct vs_cmsg_writer {
	struct msghdr *msg;
	size_t used, room;
};
void vs_cmsg_begin(struct vs_cmsg_writer *w, struct msghdr *msg);
void vs_cmsg_put(struct vs_cmsg_writer *w, int level, int type,
		 const void *data, size_t len);
void vs_cmsg_end(struct vs_cmsg_writer *w); /* sets msg_controllen */

struct vs_sockext *vs_sockext_get(struct vs_socket *s); /* allocates; NULL on ENOMEM */
void vs_sockext_free(struct vs_sockext *x);
/* An accepted socket starts with its listener's settings (not its queue). */
void vs_sockext_inherit(struct vs_socket *child, const struct vs_socket *parent);
/* Queues one report; stamp_us < 0: none. data/len: the packet bytes Linux
 * would attach (copied). */
int vs_errq_push(struct vstack *vs, struct vs_sockext *x,
		 const struct sock_extended_err *ee, int64_t stamp_us,
		 const uint8_t *data, size_t len);
/* The tail report if it is a zerocopy one (whose range may grow), and the
 * wakeup after growing it. */
struct sock_extended_err *vs_errq_tail_zerocopy(struct vs_sockext *x);
void vs_errq_touched(struct vstack *vs, struct vs_sockext *x);
/* An ICMP error's report (IP_RECVERR): the router that sent it and the
 * destination of the packet it quotes. */
struct vs_errq_addrs {
	struct vs_addr offender, dest;
	uint16_t dest_port;
};
int vs_errq_push_icmp(struct vstack *vs, struct vs_sockext *x,
		      const struct sock_extended_err *ee,
		      const struct vs_errq_addrs *addrs, const uint8_t *data,
		      size_t len, int64_t stamp_us);
bool vs_errq_pending(const struct vs_socket *s);
uint64_t vs_errq_gen(const struct vs_socket *s);
/* recvmsg(MSG_ERRQUEUE): one report, or -EAGAIN. */
ssize_t vs_errq_recv(struct vstack *vs, struct vs_socket *s, struct msghdr *msg,
		     size_t total);

/* ---------------------------------------------------------------- zerocopy.c */
int vs_zc_setsockopt(struct vs_socket *s, int v);
int vs_zc_getsockopt(const struct vs_socket *s);
/* After tcp_send accepted bytes of a send with these flags. */
void vs_zc_after_send(struct vstack *vs, struct vs_socket *s, int flags, size_t sent);
void vs_zc_acked(struct vstack *vs, struct vs_sockext *x, uint32_t snd_una);

/* ---------------------------------------------------------------- timestamping.c */
int vs_ts_setsockopt(struct vstack *vs, struct vs_socket *s, int v);
int vs_ts_getsockopt(const struct vs_socket *s);
void vs_ts_before_send(struct vstack *vs, struct vs_socket *s, size_t len);
void vs_ts_after_send(struct vstack *vs, struct vs_socket *s, size_t len, size_t sent);
void vs_ts_transmitted(struct vstack *vs, struct vs_sockext *x, uint32_t seq,
		       const uint8_t *payload, uint32_t len);
void vs_ts_acked(struct vstack *vs, struct vs_sockext *x, uint32_t snd_una);
void vs_ts_free(struct vs_sockext *x);

/* ---------------------------------------------------------------- poll.c */
unsigned vs_file_poll(struct vstack *vs, struct vs_file *f);
int vs_sys_poll(struct vstack *vs, struct pollfd *fds, nfds_t n, int timeout_ms);
int vs_sys_epoll_create(struct vstack *vs, int size);
int vs_sys_epoll_ctl(struct vstack *vs, int epfd, int op, int fd,
		     struct epoll_event *ev);
int vs_sys_epoll_wait(struct vstack *vs, int epfd, struct epoll_event *evs,
		      int max, int timeout_ms);
void vs_epoll_free(struct vs_epoll *ep);
/* A descriptor closes: drop it from every epoll set watching it. */
void vs_epoll_forget(struct vstack *vs, struct vs_file *f);

/* ---------------------------------------------------------------- pipe.c */
int vs_sys_pipe(struct vstack *vs, int fds[2]);
ssize_t vs_pipe_read(struct vstack *vs, struct vs_file *f, void *buf, size_t len);
ssize_t vs_pipe_write(struct vstack *vs, struct vs_file *f, const void *buf, size_t len);
unsigned vs_pipe_poll(const struct vs_file *f);
size_t vs_pipe_bytes(const struct vs_file *f);
size_t vs_pipe_room(const struct vs_file *f);
ssize_t vs_sys_splice(struct vstack *vs, int fd_in, loff_t *off_in, int fd_out,
		      loff_t *off_out, size_t len, unsigned flags);
void vs_pipe_release(struct vstack *vs, struct vs_file *f);

/* ---------------------------------------------------------------- sysctl.c */
int vs_sysctl_set(struct vstack *vs, const char *name, const char *value);
int vs_sysctl_get(struct vstack *vs, const char *name, char *buf, size_t len);
const char *vs_sysctl_name(size_t index);
void vs_sysctl_free_extras(struct vstack *vs);

#endif
