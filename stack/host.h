/* One instance of the reference stack: its clock, its knobs, its wire, its
 * lock. Everything the TCP engine needs from the rest of the host is here;
 * everything the host needs from TCP is in tcp.h.
 *
 * Locking: one mutex per instance (vs->lock). Every entry point of the
 * packetdrill interface takes it; TCP code runs with it held. Blocking
 * calls wait on vs->wake with the lock released; vs_wakeup() wakes them.
 */
#ifndef VSTACK_HOST_H
#define VSTACK_HOST_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vwire_target.h"

struct tcp_table;
struct vs_wire;
struct vs_fdtable;
struct vs_timer_heap;
struct vs_host_private;

/* An IP address of either family. IPv4 is kept as IPv4 (family AF_INET),
 * also for IPv4-mapped-IPv6 sockets: the socket layer maps at its edge. */
struct vs_addr {
	int family;          /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* The knobs, each named for its Linux sysctl (net.ipv4.<name>). The sysctl
 * registry (sysctl.c) maps names to these fields; defaults are Linux's. */
struct vs_knobs {
	int tcp_rmem[3];              /* 4096 131072 6291456 */
	int tcp_wmem[3];              /* 4096 16384 4194304 */
	int tcp_timestamps;           /* 1 */
	int tcp_sack;                 /* 1 */
	int tcp_dsack;                /* 1 */
	int tcp_window_scaling;       /* 1 */
	int tcp_syn_retries;          /* 6 */
	int tcp_synack_retries;       /* 5 */
	int tcp_syn_linear_timeouts;  /* 4 */
	int tcp_fin_timeout;          /* 60 (seconds) */
	int tcp_keepalive_time;       /* 7200 */
	int tcp_keepalive_intvl;      /* 75 */
	int tcp_keepalive_probes;     /* 9 */
	int tcp_syncookies;           /* 1 */
	int tcp_max_syn_backlog;      /* 1024 */
	int tcp_rfc1337;              /* 0 */
	int tcp_retries1;             /* 3 */
	int tcp_retries2;             /* 15 */
	int tcp_orphan_retries;       /* 0 (means 8) */
	int tcp_abort_on_overflow;    /* 0 */
	int tcp_challenge_ack_limit;  /* 1000 per second (Linux 6.x: 2147483647) */
	int tcp_invalid_ratelimit;    /* 500 ms */
	int tcp_min_rtt_wlen;         /* 300 */
	int tcp_reordering;           /* 3 */
	int tcp_max_reordering;       /* 300 */
	int tcp_frto;                 /* 2 */
	int tcp_recovery;             /* 1 (RACK) */
	int tcp_early_retrans;        /* 3 */
	int tcp_slow_start_after_idle;/* 1 */
	int tcp_ecn;                  /* 2 */
	int tcp_mtu_probing;          /* 0 */
	int tcp_base_mss;             /* 1024 */
	int tcp_min_snd_mss;          /* 48 */
	int tcp_mtu_probe_floor;      /* 48 */
	int tcp_probe_interval;       /* 600 */
	int tcp_probe_threshold;      /* 8 */
	int tcp_no_metrics_save;      /* 0 */
	int tcp_moderate_rcvbuf;      /* 1 */
	int tcp_notsent_lowat;        /* UINT32_MAX as -1 */
	int tcp_min_tso_segs;         /* 2 */
	int tcp_tso_win_divisor;      /* 3 */
	int tcp_autocorking;          /* 1 */
	int tcp_tw_reuse;             /* 2 */
	int tcp_fastopen;             /* 1 */
	unsigned char tcp_fastopen_key[16]; /* net.ipv4.tcp_fastopen_key, as Linux stores it */
	int tcp_fastopen_key_set;     /* 0: none given (a seed-derived key is used) */
	int tcp_workaround_signed_windows; /* 0 */
	int tcp_app_win;              /* 31 */
	int tcp_adv_win_scale;        /* 1 */
	int tcp_rto_min_us;           /* 200000 */
	int tcp_delack_min_us;        /* 40000 (net.ipv4.tcp_delack_min? kept for tests) */
	char tcp_congestion_control[16]; /* "cubic" */
	int somaxconn;                /* net.core.somaxconn 4096 */
	int rmem_max;                 /* net.core.rmem_max 212992 */
	int wmem_max;                 /* net.core.wmem_max 212992 */
	int rmem_default;             /* net.core.rmem_default 212992 */
	int wmem_default;             /* net.core.wmem_default 212992 */
	int ip_local_port_range[2];   /* 32768 60999 */
	int ip_default_ttl;           /* 64 */
	int ip_no_pmtu_disc;          /* 0 */
	/* net.vwire.rfc_profile (vwire's own; Linux has no such sysctl): 0
	 * follows Linux's defaults; 1 does the RFC's thing where those defaults
	 * depart from an RFC requirement: an initial window of RFC 5681 3.1
	 * (one segment after a lost SYN or SYN-ACK),
	 * zero-window probes carrying an octet of data (RFC 9293 3.8.6.1),
	 * SYN RTO doubling from the first retransmission (RFC 6298 5.5; over
	 * tcp_syn_linear_timeouts) and kept up for at least 3 minutes (RFC
	 * 9293 MUST-23; over tcp_syn_retries), and segments without a
	 * timestamp on a timestamped connection dropped (RFC 7323 3.2). */
	int vwire_rfc_profile;
};

struct vstack {
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* blocking calls wait here */
	int blocked;                  /* threads asleep on wake (see vwire_target.h) */

	int64_t now_usecs;            /* the virtual clock */
	struct vs_timer_heap *timers; /* timer.c */

	struct vs_knobs knobs;
	struct vwire_net_config net;  /* as configured by the harness */
	struct vs_addr local_addr, remote_addr;
	int mtu;

	struct vs_wire *wire;         /* wire.c: packets for netdev_receive */
	bool dev_paced;               /* the device's qdisc is fq: TCP paces (EDT) */
	struct vs_fdtable *fds;       /* socket.c */
	struct tcp_table *tcp;        /* tcp_table.c */

	uint64_t seed;                /* ISN key and anything else random */
	uint16_t ip_id;               /* next IPv4 identification */

	vwire_state_hook_t state_hook;
	void *state_hook_ctx;

	struct vs_host_private *priv; /* the host side's own state (host_internal.h) */
};

/* ---------------------------------------------------------------- clock */
static inline int64_t vs_now(const struct vstack *vs) { return vs->now_usecs; }

/* ---------------------------------------------------------------- timers
 * One ordered structure for every timer of the instance (timer.c). A timer
 * is embedded in its owner; the callback runs with vs->lock held and the
 * clock set to the timer's deadline. */
struct vs_timer;
typedef void (*vs_timer_fn)(struct vstack *vs, struct vs_timer *t);
struct vs_timer {
	int64_t deadline;     /* usecs; meaningful while armed */
	vs_timer_fn fn;
	size_t heap_index;    /* position in the heap, or SIZE_MAX when not armed */
};
void vs_timer_init(struct vs_timer *t, vs_timer_fn fn);
void vs_timer_arm(struct vstack *vs, struct vs_timer *t, int64_t deadline);
void vs_timer_cancel(struct vstack *vs, struct vs_timer *t);
static inline bool vs_timer_armed(const struct vs_timer *t) { return t->heap_index != (size_t)-1; }
/* Fire, in deadline order, every timer due at or before `until`, setting
 * the clock to each deadline as it fires; then set the clock to `until`. */
void vs_timers_run_until(struct vstack *vs, int64_t until);
/* The earliest armed deadline, or -1. */
int64_t vs_timers_next(const struct vstack *vs);
/* Frees the heap (at instance teardown); owners' timers become unarmed. */
void vs_timers_free(struct vstack *vs);

/* ---------------------------------------------------------------- IP out
 * Hand a transport segment to IP (ip.c): it adds the IPv4 or IPv6 header
 * (ttl/hop limit from knobs, tos/traffic class as given: ECN bits are the
 * low two) and queues the packet on the wire for netdev_receive.
 * Returns 0, or -ENOBUFS when the device refused it (local congestion). */
int vs_ip_output(struct vstack *vs, const struct vs_addr *src,
		 const struct vs_addr *dst, uint8_t proto, uint8_t tos,
		 const uint8_t *l4, size_t len);
/* Whether the device would refuse a packet now (its queue is full). */
bool vs_ip_output_blocked(const struct vstack *vs);
/* The same, for a packet a pacing qdisc holds until depart_us (the
 * earliest departure time TCP stamped on it; 0 or past: at once). */
int vs_ip_output_at(struct vstack *vs, const struct vs_addr *src,
		    const struct vs_addr *dst, uint8_t proto, uint8_t tos,
		    const uint8_t *l4, size_t len, int64_t depart_us);

/* The MSS our interface allows for a peer: MTU minus IP and TCP headers. */
int vs_iface_mss(const struct vstack *vs, int family);

/* ---------------------------------------------------------------- wakeups
 * Something a blocked call may be waiting for has changed (data, space,
 * state, error). Broadcasts vs->wake and zeroes vs->blocked. */
void vs_wakeup(struct vstack *vs);

/* The socket layer follows a connection's data for the reports that ride
 * on its error queue (SO_TIMESTAMPING, MSG_ZEROCOPY; errqueue.c). The
 * engine calls these when a segment with data leaves (payload: its bytes)
 * and when snd_una advances; fd is the connection's descriptor or -1. */
void vs_sock_transmitted(struct vstack *vs, int fd, uint32_t seq,
			 const uint8_t *payload, uint32_t len);
void vs_sock_acked(struct vstack *vs, int fd, uint32_t snd_una);

/* Report a TCP state change to the harness's hook, if one is set. */
void vs_report_state(struct vstack *vs, const struct vwire_conn *conn,
		     int old_state, int new_state);

#endif
