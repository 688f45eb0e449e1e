/* The lwIP target: Debian's liblwip driven through vwire's target contract.
 *
 * liblwip is built with NO_SYS=0 (an OS port with threads), but the adapter
 * never starts lwIP's tcpip_thread: every call runs lwIP code on the calling
 * thread under the core lock (LWIP_TCPIP_CORE_LOCKING), inbound packets are
 * handed to ip_input() directly, and lwIP's timers run from usleep(). The
 * adapter provides the sys_* functions the library calls through its PLT
 * (sys_now, semaphores, mailboxes, the core lock), so time is virtual and
 * a thread asleep in a blocking call is counted exactly.
 */
#ifndef VWIRE_LWIP_TARGET_H
#define VWIRE_LWIP_TARGET_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "lwip/netif.h"

#include "vwire_target.h"

/* lwIP numbers its sockets from LWIP_SOCKET_OFFSET (1); Linux gives a
 * process's first socket 3. The bias makes both sequences agree. */
#define LWT_FD_BIAS 2

/* gettimeofday() reads a fixed epoch plus the virtual clock, so runs
 * repeat exactly and pcap timestamps look like dates. */
#define LWT_EPOCH_SECS 1700000000LL

/* Connections the state hook follows at once. */
#define LWT_MAX_CONNS 128

/* Outbound packets waiting for netdev_receive(). */
struct lwt_packet {
	struct lwt_packet *next;
	size_t len;
	uint8_t data[];
};

/* A thread asleep on a semaphore or a mailbox. */
struct lwt_waiter {
	struct lwt_waiter *next;
	const void *object;     /* the sys_sem or sys_mbox it waits on */
	int64_t deadline_us;    /* virtual clock; -1: no timeout */
	bool woken, timed_out;
	pthread_cond_t cond;
};

/* The one place of mutable state in this library: lwIP itself is a
 * process-wide singleton, so its adapter is one too. */
struct lwt_globals {
	bool lwip_started, configured;
	struct netif netif;
	struct vwire_net_config cfg;

	/* virtual clock, microseconds since lwIP started */
	_Atomic int64_t now_us;

	/* the core lock lwIP takes around every API call and input */
	pthread_mutex_t core;

	/* semaphores, mailboxes and their sleepers */
	pthread_mutex_t sys_lock;
	pthread_cond_t settle_cond;  /* blocked or in_calls changed */
	struct lwt_waiter *waiters;  /* oldest first */
	int blocked;                 /* threads asleep in a wait */
	int in_calls;                /* threads inside a socket call */

	/* the wire towards the harness */
	pthread_mutex_t wire_lock;
	struct lwt_packet *out_head, *out_tail;
	size_t out_count;

	/* features already reported as missing (lwip_note.c) */
	pthread_mutex_t notes_lock;
	char notes_seen[64][64];
	size_t notes_count;

	/* control blocks a shutdown(SHUT_RDWR) detached from their socket
	 * (lwIP closes the netconn's side; the descriptor stays open) */
	struct { const void *pcb; int fd; } detached[64];

	/* state-change hook and the states it last saw (lwip_states.c) */
	vwire_state_hook_t state_hook;
	void *state_ctx;
	struct vwire_conn seen[LWT_MAX_CONNS];
	const void *seen_pcb[LWT_MAX_CONNS];
	int seen_count;
};

extern struct lwt_globals lwt_g;

/* lwip_clock.c */
int64_t lwt_now_us(void);
int lwt_usleep(void *userdata, unsigned int usec);
int lwt_gettimeofday(void *userdata, struct timeval *tv, void *tz);
int64_t vwire_next_timer(void *userdata);

/* lwip_sys.c */
void lwt_core_lock(void);
void lwt_core_unlock(void);
int64_t lwt_earliest_waiter_deadline(void);
int lwt_wake_expired_waiters(int64_t now_us);
void lwt_wait_settled(void);
void lwt_call_enter(void);
void lwt_call_leave(void);
int vwire_blocked_calls(void *userdata);

/* lwip_netif.c */
int lwt_start(void);
int lwt_netdev_send(void *userdata, const void *buf, size_t count);
int lwt_netdev_receive(void *userdata, void *buf, size_t *count);
void lwt_drop_queued_packets(void);
int vwire_configure(void *userdata, const struct vwire_net_config *cfg);

/* lwip_note.c: "lwIP lacks X" on stderr, once per feature */
void lwt_note_lacks(const char *what, const char *detail);

/* lwip_options.c */
int lwt_getsockopt(void *userdata, int fd, int level, int optname,
		   void *optval, socklen_t *optlen);
int lwt_setsockopt(void *userdata, int fd, int level, int optname,
		   const void *optval, socklen_t optlen);
int lwt_fcntl(void *userdata, int fd, int cmd, ...);
int lwt_ioctl(void *userdata, int fd, unsigned long request, ...);

/* lwip_connections.c */
void lwt_remember_pcb(int fd);
int lwt_list_connections(struct vwire_conn *out, const void **pcbs, int max);

/* lwip_states.c */
void lwt_report_state_changes(void);

/* lwip_calls.c */
struct packetdrill_interface;
void lwt_fill_calls(struct packetdrill_interface *ifc);

#endif
