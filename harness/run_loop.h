/* The run loop: one script's events in order against a loaded target, in
 * the target's time. Shared by the files that handle each kind of event
 * (outbound.c, syscall_*.c, command.c, code.c, state_assert.c). */
#ifndef VWIRE_RUN_LOOP_H
#define VWIRE_RUN_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "config.h"
#include "fd_map.h"
#include "packet.h"
#include "pcap_writer.h"
#include "result.h"
#include "seq_map.h"
#include "target.h"

/* Earlier connections whose packets are ignored. */
#define RL_OLD_CONNS 16

/* A packet the target sent, waiting to be matched. */
struct queued_packet {
	struct live_packet live;
	long long usecs;           /* script-relative time it was found */
	bool split_rest;           /* what a split super-segment left (--split_segments) */
};

/* The syscall thread's one job. */
struct syscall_job {
	const struct event *ev;
	long long start_usecs, end_usecs; /* script-relative times */
	bool returned;
	long long returned_usecs;  /* when the main loop saw it return */
	long ret;
	int err;
	pthread_t tid_self;
	pid_t tid;                 /* kernel thread id, for /proc */
	/* Work prepared by syscall_args and checked after the call. */
	void *call_state;
};

struct code_block {
	const struct event *ev;
	unsigned char info[512];   /* the struct tcp_info bytes */
	size_t info_len;           /* 0: no snapshot could be taken */
};

struct run_state {
	struct config *cfg;
	struct script *script;
	const char *script_path;
	char script_dir[4096];
	struct target *target;
	struct result *result;
	struct packet_ctx pctx;
	struct seq_map map;
	struct pcap_writer *pcap;

	long long start_abs;       /* target clock at script time 0 */
	bool virtual_time;         /* target exports vwire_next_timer */
	long long base_usecs;      /* script time later relative times start from */
	long long prev_script_usecs;

	struct queued_packet *queue;
	size_t queue_len, queue_cap;

	int socket_under_test;     /* last fd a call touched, -1 none */
	struct fd_map fds;         /* script fds -> live ones (syscall_*.c) */
	bool script_conn_known;    /* 4-tuple learned from packets */
	bool fresh_socket;         /* socket() since the last new connection */
	/* The ports of the connection before the current one: what it still
	 * sends is not the script's business any more (as in packetdrill,
	 * which matches packets to the script's socket). */
	struct { uint16_t local_port, remote_port; } old_conns[RL_OLD_CONNS];
	size_t old_conn_count;     /* entries used, the latest RL_OLD_CONNS kept */
	unsigned passive_opens;    /* connections the script's SYNs opened */

	/* Syscall thread. */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct syscall_job *job;   /* handed to the thread */
	bool job_taken, job_done, quit;
	struct syscall_job *pending; /* a blocking call still running */
	bool stuck;                /* a call never returned: skip target free */

	struct code_block *codes;
	size_t code_count;
	bool sysctl_note_printed;
	/* tun0's root qdisc as the commands left it (command_qdisc.h);
	 * qdisc_known false: the fresh device's own. */
	bool qdisc_known;
	char qdisc_kind[32];
	long qdisc_limit;
	/* what nstat remembers between the commands (command_mib.h) */
	char nstat_history[4096];
	size_t nstat_history_len;
};

/* Run one loaded script against an opened target; fills r. */
int run_loop_run(struct config *cfg, struct script *s, const char *path,
		 struct target *t, struct result *r);

/* Script-relative target time. */
long long rl_now(struct run_state *rs);
/* Let the target's time reach script time t (virtual: timer by timer),
 * collecting what it sends. */
void rl_advance_to(struct run_state *rs, long long t);
/* One step of time: to the next timer (virtual) or a short sleep.
 * Returns false when a virtual target has nothing left to do. */
bool rl_step(struct run_state *rs, long long limit);
/* The script moves on to a new connection: remember the current ports
 * as the earlier connection's. */
void rl_retire_ports(struct run_state *rs);
/* Take what the target has sent into the queue. */
void rl_drain(struct run_state *rs);
long long rl_tolerance(struct run_state *rs, long long delta);
/* "0.210000" */
void rl_fmt_time(long long usecs, char *buf, size_t len);
/* Print a node with a printer.h function into a new string. */
char *rl_print_packet(const struct packet *p, bool with_dir);
char *rl_print_event(const struct event *ev);
/* Record a failure with the packetdrill-style stderr text. */
void rl_fail_packet(struct run_state *rs, const struct event *ev,
		    enum failure_kind kind, const char *field,
		    const char *expected_text, const char *actual_text,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void rl_fail_call(struct run_state *rs, const struct event *ev,
		  enum failure_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rl_fail_plain(struct run_state *rs, const struct event *ev,
		   enum failure_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* non_fatal.c: true when --non_fatal covers this failure, which it has
 * then reported; the caller records nothing and the script goes on. */
bool rl_non_fatal(struct run_state *rs, const struct event *ev, enum failure_kind kind,
		  const char *msg, const char *expected_text, const char *actual_text);

/* outbound.c */
int outbound_expect(struct run_state *rs, const struct event *ev,
		    long long lo, long long hi, struct event_record *rec);

/* syscall_exec.c: run a call event; blocking ones may stay pending. */
int syscall_event(struct run_state *rs, const struct event *ev,
		  long long start, struct event_record *rec);
/* Wait for a pending blocking call to return and check it. */
int syscall_finish_pending(struct run_state *rs);
/* After a step of time: note whether a pending call has returned. */
void syscall_poll_pending(struct run_state *rs);

/* syscall_thread.c */
int syscall_thread_start(struct run_state *rs);
void syscall_thread_stop(struct run_state *rs);
/* Hand job to the thread; returns at once. */
void syscall_thread_submit(struct run_state *rs, struct syscall_job *job);
/* Wait until the job returned (1) or is asleep in the target (0). */
int syscall_thread_settle(struct run_state *rs, struct syscall_job *job);

/* syscall_args.c: the call itself, run on the syscall thread. */
struct call_args;
/* Evaluate arguments; returns NULL with msg set when they are bad. */
struct call_args *call_args_prepare(struct run_state *rs, const struct syscall *sc,
				    char *msg, size_t msglen);
long call_args_invoke(struct run_state *rs, struct call_args *a, int *err);
/* After the call: out-parameters the script gave values for. Returns 0,
 * or -1 with msg set. */
int call_args_check(struct run_state *rs, struct call_args *a, long ret,
		    char *msg, size_t msglen);
int call_args_fd(const struct call_args *a); /* -1 when none */
/* Whether a successful call made a descriptor, which the script's result
 * then names (fd_map.h), and who owns it. */
bool call_args_new_fd(const struct call_args *a, enum fd_owner *owner);
void call_args_free(struct call_args *a);

/* state_assert.c */
int state_assert(struct run_state *rs, const struct event *ev);
void state_hook_install(struct run_state *rs);
void state_hook_remove(struct run_state *rs);
const char *tcp_state_name(int state);

/* command.c */
int command_run(struct run_state *rs, const struct event *ev);

/* code.c */
int code_snapshot(struct run_state *rs, const struct event *ev);
int code_run_all(struct run_state *rs);

#endif
