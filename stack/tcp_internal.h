/* The TCP engine's private header: the TCB, the table, and the functions
 * the engine's files share. Nothing outside stack/tcp_*.c includes it. */
#ifndef VSTACK_TCP_INTERNAL_H
#define VSTACK_TCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "tcp.h"
#include "tcp_options.h"
#include "tcp_seq.h"

/* TCP header flags. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCP_HDR_LEN 20
#ifndef TCP_MSS_DEFAULT
#define TCP_MSS_DEFAULT 536 /* RFC 9293 3.7.1; <linux/tcp.h> has it too */
#endif
#define TCP_RTO_INIT_US 1000000
#define TCP_RTO_MAX_US 120000000
#define TCP_TIMEWAIT_US 60000000
#define TCP_ATO_MIN_US 40000
#define TCP_DELACK_MAX_US 200000
#define TCP_MAX_QUICKACKS 16
#define TCP_PERSIST_MIN_US 200000

/* ------------------------------------------------------------ buffers */
struct tcp_buf {            /* a byte ring */
	uint8_t *data;
	size_t cap, head, len;
};
void tcp_buf_free(struct tcp_buf *b);
size_t tcp_buf_append(struct tcp_buf *b, const void *p, size_t n, size_t limit);
void tcp_buf_copy(const struct tcp_buf *b, size_t off, void *out, size_t n);
void tcp_buf_drop(struct tcp_buf *b, size_t n);

/* ------------------------------------------------------- reassembly */
struct tcp_reass_seg {
	struct tcp_reass_seg *next;
	uint32_t seq, len;
	uint8_t data[];
};
struct tcp_reass {
	struct tcp_reass_seg *head;   /* sorted by seq, not overlapping */
	size_t bytes;
	uint32_t recent_left, recent_right; /* last block touched, for SACK order */
};
/* Queues [seq, seq+len) beyond rcv_nxt; returns true if all of it was
 * already queued (a duplicate, for D-SACK). */
bool tcp_reass_insert(struct tcp_reass *r, uint32_t rcv_nxt, uint32_t seq,
		      const uint8_t *p, uint32_t len);
/* Takes the segment starting at or before rcv_nxt, trimmed, or NULL. The
 * caller frees it; *skip is how many bytes of its head are old. */
struct tcp_reass_seg *tcp_reass_pop(struct tcp_reass *r, uint32_t rcv_nxt,
				    uint32_t *skip);
/* SACK blocks (RFC 2018 order: the most recent first), returns count. */
int tcp_reass_sack_blocks(const struct tcp_reass *r, uint32_t out[][2], int max);
void tcp_reass_clear(struct tcp_reass *r);

/* ------------------------------------------------------------- RTO */
struct tcp_rto {
	int64_t srtt_us, rttvar_us, rto_us, min_rtt_us, last_rtt_us;
	bool have_sample;
};
void tcp_rto_init(struct tcp_rto *r);
void tcp_rto_sample(struct tcp_rto *r, int64_t rtt_us, int64_t min_us,
		    int64_t max_us);

/* ------------------------------------------------------------- TCB */
struct tcp_sock {
	struct vstack *vs;
	struct tcp_sock *next, *prev;   /* table list */
	int family, state, fd;
	struct vs_addr laddr, raddr;
	uint16_t lport, rport;
	bool bound, orphan;

	/* listener */
	int backlog;
	struct tcp_sock *parent;        /* the listener of a child not yet accepted */
	struct tcp_sock *aq_next;       /* accept queue link */
	struct tcp_sock *aq_head, *aq_tail;
	int aq_len, synq_len;
	bool in_accept_queue;

	/* send side */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_window;
	uint32_t snd_buf_seq;           /* sequence of sndbuf's first byte */
	struct tcp_buf sndbuf;
	int sndbuf_limit;
	bool fin_queued, fin_sent;      /* fin_seq valid once queued */
	uint32_t fin_seq;
	uint32_t psh_seq;               /* end of the last write: PSH there */
	uint32_t snd_up; bool urg_pending;
	bool more_pending;              /* last write had MSG_MORE: hold like a cork */
	bool push_once;                 /* TCP_NODELAY/uncork: push past cork and Nagle once */
	uint32_t snd_sml;               /* end of the last small segment sent (Minshall) */

	/* receive side */
	uint32_t irs, rcv_nxt, rcv_adv, rcv_wup, rcv_wnd;
	uint32_t rcv_ssthresh;
	struct tcp_buf rcvbuf;
	int rcvbuf_limit;
	struct tcp_reass reass;
	bool fin_rcvd, ooo_fin; uint32_t ooo_fin_seq;
	uint32_t rcv_up; bool urg_data;
	uint32_t dsack[2]; bool dsack_pending;

	/* options */
	bool ts_ok, sack_ok, ws_ok;
	uint8_t snd_wscale, rcv_wscale;
	uint32_t ts_recent; int64_t ts_recent_stamp;
	uint16_t peer_mss, advmss, user_mss;
	int mss_cache;                   /* effective send MSS, payload bytes */
	int rcv_mss;
	int pmtu;

	/* timers */
	struct vs_timer rexmit_timer, delack_timer, persist_timer,
		keepalive_timer, wait_timer;
	struct tcp_rto rto;
	int backoff, retransmits, probes, syn_retries_done;
	int64_t rtt_seq_time; uint32_t rtt_seq; bool rtt_timing;
	/* tail loss probe (draft-ietf-tcpm-rack TLP, as Linux): the rexmit
	 * timer runs as a probe timer while tlp_armed */
	bool tlp_armed;
	uint32_t tlp_high_seq;          /* snd_max when a probe went out; 0 none */
	int64_t rto_deadline;           /* where the RTO would fire */
	uint32_t last_seg_seq, last_seg_len; bool last_seg_fin;
	int64_t first_rexmit_time;      /* start of the current retransmit run */
	int64_t last_ack_recv_time;

	/* delayed ACK */
	int quick, pingpong_count; bool pingpong;
	int64_t ato_us, last_rcv_time, last_snd_time, last_data_recv, last_data_sent;
	uint32_t unacked_bytes;          /* in-order bytes since our last ACK */
	bool ack_now;

	/* congestion */
	uint32_t cwnd, ssthresh, cwnd_cnt;
	int dupacks; uint32_t recover; bool in_recovery;

	/* socket options */
	bool nodelay, cork, keepalive_on, reuseaddr, reuseport, linger_on, quickack_opt;
	int linger_secs, keepidle, keepintvl, keepcnt, user_timeout_ms;
	int notsent_lowat, syncnt, window_clamp, tos, ttl, inq_opt;
	char cong_name[16];
	bool rcvbuf_locked, sndbuf_locked;

	/* errors, shutdown */
	int error, soft_error;
	bool shut_rd, shut_wr, rst_rcvd, conn_refused_reported;
	bool connect_started, connect_done_reported;

	/* challenge ACK rate limit */
	int64_t challenge_stamp; int challenge_count;

	/* statistics for TCP_INFO */
	uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
	uint32_t segs_out, segs_in, data_segs_out, data_segs_in, total_retrans;
	uint32_t delivered, lost_out, retrans_out;
};

struct tcp_table {
	struct tcp_sock *head;
	int count;
	uint16_t next_ephemeral;
	int64_t challenge_stamp; int challenge_count; /* global, as Linux */
};

/* tcp_table.c */
void tcp_table_link(struct vstack *vs, struct tcp_sock *ts);
void tcp_table_unlink(struct vstack *vs, struct tcp_sock *ts);
struct tcp_sock *tcp_table_lookup(struct vstack *vs, const struct vs_addr *laddr,
				  uint16_t lport, const struct vs_addr *raddr,
				  uint16_t rport, bool *is_listener);
int tcp_table_pick_port(struct vstack *vs, struct tcp_sock *ts);
bool vs_addr_eq(const struct vs_addr *a, const struct vs_addr *b);
bool vs_addr_any(const struct vs_addr *a);
void tcp_conn_describe(const struct tcp_sock *ts, struct vwire_conn *c);

/* tcp_sock.c */
struct tcp_sock *tcp_sock_alloc(struct vstack *vs, int family);
void tcp_set_state(struct tcp_sock *ts, int state);
void tcp_destroy(struct tcp_sock *ts); /* unlink and free */
void tcp_done(struct tcp_sock *ts);    /* to CLOSED; frees an orphan */
void tcp_reset_conn(struct tcp_sock *ts, int err);
int tcp_win_from_space(const struct vstack *vs, int space);
void tcp_init_rcv_window(struct tcp_sock *ts, int mss);
int tcp_default_rcvbuf(const struct tcp_sock *ts);
int tcp_default_sndbuf(const struct tcp_sock *ts);
void tcp_fill_info(struct tcp_sock *ts, struct tcp_info *ti);

/* tcp_output.c */
void tcp_output(struct tcp_sock *ts);
void tcp_send_ack(struct tcp_sock *ts);
void tcp_send_syn(struct tcp_sock *ts);        /* SYN or SYN-ACK by state */
void tcp_send_rst_for(struct tcp_sock *ts);    /* abort: RST with snd_nxt */
void tcp_send_fin_now(struct tcp_sock *ts);
void tcp_send_reset_reply(struct vstack *vs, const struct vs_addr *src,
			  const struct vs_addr *dst, const uint8_t *seg,
			  size_t len, uint32_t seglen);
int tcp_send_segment(struct tcp_sock *ts, uint32_t seq, uint32_t len,
		     uint8_t flags, bool retrans);
void tcp_send_probe(struct tcp_sock *ts);     /* zero-window / keepalive */
uint16_t tcp_select_window(struct tcp_sock *ts);
int tcp_current_mss(const struct tcp_sock *ts);
uint32_t tcp_tsval(const struct tcp_sock *ts);
uint16_t tcp_checksum(const struct vs_addr *src, const struct vs_addr *dst,
		      const uint8_t *seg, size_t len);

/* tcp_timers.c */
void tcp_timers_init(struct tcp_sock *ts);
void tcp_timers_cancel_all(struct tcp_sock *ts);
void tcp_arm_rexmit(struct tcp_sock *ts);
/* After new data or an advancing ACK: a loss probe if allowed, else RTO. */
void tcp_arm_xmit_timer(struct tcp_sock *ts, bool advancing);
void tcp_arm_delack(struct tcp_sock *ts);
void tcp_arm_persist(struct tcp_sock *ts);
void tcp_arm_keepalive(struct tcp_sock *ts);
void tcp_enter_timewait(struct tcp_sock *ts);
void tcp_arm_fin_wait2(struct tcp_sock *ts);
int64_t tcp_rto_us(const struct tcp_sock *ts);

/* tcp_cc.c: Reno/NewReno core; hooks for part 2's CUBIC/SACK/RACK. */
void tcp_cc_init(struct tcp_sock *ts);
void tcp_cc_on_ack(struct tcp_sock *ts, uint32_t acked);
void tcp_cc_on_rto(struct tcp_sock *ts);
void tcp_cc_on_fast_retransmit(struct tcp_sock *ts);
void tcp_cc_on_recovery_end(struct tcp_sock *ts);
uint32_t tcp_flight_size(const struct tcp_sock *ts);

/* tcp_isn.c */
uint32_t tcp_isn(const struct vstack *vs, const struct vs_addr *laddr, uint16_t lport,
		 const struct vs_addr *raddr, uint16_t rport);

/* tcp_input.c helpers shared with the timers */
void tcp_deliver_wakeup(struct tcp_sock *ts);

#endif
