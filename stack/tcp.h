/* The TCP engine's face to the rest of the stack (the socket layer and IP
 * input). Every function is called with vs->lock held and never sleeps:
 * where a POSIX call would block, it returns -EAGAIN (or -EINPROGRESS) and
 * the socket layer waits on vs->wake. Errors are negative errno values.
 */
#ifndef VSTACK_TCP_H
#define VSTACK_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"

struct tcp_sock; /* one TCB, or a listener; defined by the engine */
struct tcp_info; /* Linux's layout, <linux/tcp.h> */

/* The engine's per-instance state (connection table, ports, SYN queue
 * budgets). tcp_table_new() is called once by the instance. */
struct tcp_table *tcp_table_new(struct vstack *vs);
void tcp_table_free(struct vstack *vs, struct tcp_table *t);

/* A new, closed socket. family: AF_INET or AF_INET6; v6only and mapped
 * addresses are the socket layer's business. */
struct tcp_sock *tcp_sock_new(struct vstack *vs, int family);
/* The socket layer lets go of the socket (close()): the engine keeps the
 * connection as long as the protocol needs (FIN-WAIT, TIME-WAIT ...),
 * sends RST if unread data remains or SO_LINGER is {1,0}. */
void tcp_close(struct vstack *vs, struct tcp_sock *ts);

int tcp_bind(struct vstack *vs, struct tcp_sock *ts, const struct vs_addr *addr,
	     uint16_t port);
int tcp_listen(struct vstack *vs, struct tcp_sock *ts, int backlog);
/* Next established child from the accept queue, or NULL with *err set
 * (-EAGAIN: none yet; -EINVAL: not listening). */
struct tcp_sock *tcp_accept(struct vstack *vs, struct tcp_sock *ts, int *err);
/* Starts the handshake: returns -EINPROGRESS; later calls report progress
 * (-EALREADY while in SYN-SENT, 0 / -EISCONN once established, or the
 * error that ended it). */
int tcp_connect(struct vstack *vs, struct tcp_sock *ts,
		const struct vs_addr *addr, uint16_t port);

/* Queue data to send: bytes accepted (may be short), -EAGAIN when the send
 * buffer is full, -EPIPE after shutdown(SHUT_WR), or a pending error. */
ssize_t tcp_send(struct vstack *vs, struct tcp_sock *ts, const void *buf,
		 size_t len, int flags);
/* Copy received data: bytes, 0 at end of stream, -EAGAIN when none yet.
 * flags: MSG_PEEK, MSG_WAITALL is the socket layer's loop, MSG_TRUNC. */
ssize_t tcp_recv(struct vstack *vs, struct tcp_sock *ts, void *buf,
		 size_t len, int flags);
int tcp_shutdown(struct vstack *vs, struct tcp_sock *ts, int how);

/* POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP as Linux computes them. */
unsigned tcp_poll(struct vstack *vs, struct tcp_sock *ts);
/* Pending socket error (SO_ERROR); clears it when clear is true. */
int tcp_sock_error(struct vstack *vs, struct tcp_sock *ts, bool clear);

/* Every SOL_SOCKET, SOL_TCP (IPPROTO_TCP) and IPPROTO_IP/IPV6 option that
 * concerns the connection: the engine stores them. */
int tcp_setsockopt(struct vstack *vs, struct tcp_sock *ts, int level,
		   int name, const void *val, unsigned len);
int tcp_getsockopt(struct vstack *vs, struct tcp_sock *ts, int level,
		   int name, void *val, unsigned *len);
/* Bytes readable (FIONREAD/SIOCINQ) and unsent+unacked (SIOCOUTQ). */
int tcp_inq(struct vstack *vs, struct tcp_sock *ts);
int tcp_outq(struct vstack *vs, struct tcp_sock *ts);
/* The TCP_CM_INQ control message's value: bytes readable, or 1 when none
 * remain but the peer's FIN has arrived (as Linux's tcp_inq_hint). */
int tcp_inq_hint(struct vstack *vs, struct tcp_sock *ts);

/* Addresses of a socket, for getsockname/getpeername and accept. */
int tcp_local_name(struct tcp_sock *ts, struct vs_addr *addr, uint16_t *port);
int tcp_peer_name(struct tcp_sock *ts, struct vs_addr *addr, uint16_t *port);
int tcp_state(const struct tcp_sock *ts); /* enum vwire_tcp_state */
/* Sequence number the next byte written will get (Linux's write_seq). */
uint32_t tcp_write_seq(const struct tcp_sock *ts);
/* Urgent data (tcp_urg.c): recv(MSG_OOB) of the octet at the mark (never
 * blocks), whether one is waiting (POLLPRI), whether the read point is at
 * the mark (SIOCATMARK). */
int tcp_recv_urgent(struct vstack *vs, struct tcp_sock *ts, void *buf, size_t len,
		    int flags);
bool tcp_urgent_pending(const struct tcp_sock *ts);
bool tcp_at_urgent_mark(const struct tcp_sock *ts);
/* One past the highest sequence number sent so far. */
uint32_t tcp_snd_max(const struct tcp_sock *ts);

/* A TCP segment from IP input. src/dst as on the wire. */
void tcp_input(struct vstack *vs, const struct vs_addr *src,
	       const struct vs_addr *dst, uint8_t tos, const uint8_t *seg,
	       size_t len);
/* An ICMP error quoting one of our segments (ip.c/icmp.c decoded it).
 * type/code as ICMPv4 or ICMPv6 gives them; mtu for frag-needed /
 * packet-too-big, else 0. quoted: the first bytes of our TCP header. */
void tcp_icmp_error(struct vstack *vs, int family, int type, int code,
		    uint32_t mtu, const struct vs_addr *quoted_src,
		    const struct vs_addr *quoted_dst, const uint8_t *quoted,
		    size_t quoted_len);

/* What the SYN-flood defence did (tcp_synq.c), for tests and the bench:
 * counters since the instance started, the memory request entries hold
 * now and at their peak, and the sizes of a request and a socket. */
struct tcp_synflood_stats {
	uint64_t syns, requests, promoted, cookies_sent, cookies_ok, cookies_bad;
	uint64_t dropped, synack_retrans, expired;
	int req_count, req_peak, socks;
	size_t mem_bytes, mem_peak, req_size, sock_size;
};
void tcp_synflood_stats(struct vstack *vs, struct tcp_synflood_stats *out);

/* The connection table for the vwire_connections extension. */
int tcp_list_connections(struct vstack *vs, struct vwire_conn *out, int max);
/* What the engine keeps per destination (Linux's tcp_metrics: here the
 * Fast Open client cache) is forgotten, as `ip tcp_metrics flush` does. */
void tcp_metrics_flush(struct vstack *vs);
/* The index-th MIB counter (tcp_mib.c): its /proc/net/netstat group and
 * name and its value; -1 past the last. */
int tcp_mib_entry(struct vstack *vs, size_t index, const char **group, const char **name,
		  uint64_t *value);
/* The socket layer tells the engine which descriptor a socket has, so the
 * table and state reports can name it (-1 when closed). */
void tcp_set_fd(struct tcp_sock *ts, int fd);

#endif
