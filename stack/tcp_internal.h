/* The TCP engine's private header: the TCB, the table, and the functions
 * the engine's files share. Nothing outside stack/tcp_*.c includes it. */
#ifndef VSTACK_TCP_INTERNAL_H
#define VSTACK_TCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "tcp.h"
#include "tcp_fastopen.h"
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
/* RFC 9293 3.7.1 MUST-15: IPv6's default send MSS, 1280 - 60 (Linux's
 * mss_clamp for IPv6 without an MSS option). */
#define TCP_MSS_DEFAULT_V6 1220
#endif
#define TCP_RTO_INIT_US 1000000
/* RFC 6298 5.7: the RTO data starts with when the handshake gave no RTT
 * sample (Linux's TCP_TIMEOUT_FALLBACK). */
#define TCP_RTO_FALLBACK_US 3000000
#define TCP_SYN_R2_MIN_US 180000000 /* RFC 9293 MUST-23: 3 minutes */
#define TCP_RTO_MAX_US 120000000
#define TCP_TIMEWAIT_US 60000000
#define TCP_ATO_MIN_US 40000
#define TCP_DELACK_MAX_US 200000
#define TCP_MAX_QUICKACKS 16
#define TCP_PERSIST_MIN_US 200000
#define TCP_RESOURCE_PROBE_US 500000 /* retry after local congestion (Linux's interval) */

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

/* ------------------------------------------------- loss scoreboard */
/* One entry per transmitted chunk of the retransmission queue (Linux's
 * skb), split where SACK blocks end so each is wholly SACKed or not. */
#define SB_SACKED 0x01          /* TCPCB_SACKED_ACKED */
#define SB_LOST 0x02            /* TCPCB_LOST */
#define SB_RETRANS 0x04         /* a retransmission is in flight */
#define SB_EVER_RETRANS 0x08
#define SB_PSH 0x10
#define SB_FIN 0x20
struct tcp_sb_ent {
	uint32_t start, end;        /* end includes the FIN */
	int64_t xmit_us;            /* last (re)transmission */
	uint16_t pcount;
	uint8_t flags;
};
struct tcp_scoreboard {
	struct tcp_sb_ent *v;
	int n, cap;
};
/* RACK (RFC 8985) state */
struct tcp_rack {
	int64_t mstamp;             /* xmit time of the most recent delivered */
	uint32_t end_seq, rtt_us;
	bool advanced;
	uint8_t reo_wnd_steps, reo_wnd_persist, dsack_seen;
	uint32_t last_delivered;
};

/* What one ACK did to the scoreboard (Linux's FLAG_* subset). */
#define ACKF_DATA 0x01
#define ACKF_WIN_UPDATE 0x02
#define ACKF_DATA_ACKED 0x04
#define ACKF_RETRANS_DATA_ACKED 0x08
#define ACKF_SYN_ACKED 0x10
#define ACKF_DATA_SACKED 0x20
#define ACKF_ECE 0x40
#define ACKF_LOST_RETRANS 0x80
#define ACKF_ORIG_SACK_ACKED 0x200
#define ACKF_SND_UNA_ADVANCED 0x400
#define ACKF_DSACKING 0x800
#define ACKF_DSACK_TLP 0x1000
#define ACKF_SET_XMIT_TIMER 0x2000
#define ACKF_ACKED (ACKF_DATA_ACKED | ACKF_SYN_ACKED)
#define ACKF_NOT_DUP (ACKF_DATA | ACKF_WIN_UPDATE | ACKF_ACKED)
#define ACKF_CA_ALERT (ACKF_DATA_SACKED | ACKF_ECE | ACKF_DSACKING)
#define ACKF_FORWARD_PROGRESS (ACKF_ACKED | ACKF_DATA_SACKED)
struct tcp_ack_state {
	int flag;
	uint32_t acked_pcount, sacked_pcount, newly_lost;
	uint32_t reord;             /* lowest sequence delivered out of order */
	bool reord_valid;
	int64_t first_ackt, last_ackt, first_sackt; /* xmit times, -1 none */
	int dsack_segs;
};

/* ------------------------------------------------------------- TCB */
struct tcp_sock {
	struct vstack *vs;
	struct tcp_sock *next, *prev;   /* table list */
	/* tcp_table.c's hash chains: by 4-tuple while synchronizing or
	 * synchronized, by local port while listening */
	struct tcp_sock *hash_next, **hash_pprev;
	struct tcp_sock *bhash_next, **bhash_pprev; /* bound sockets by port */
	uint64_t link_seq;              /* allocation order: lookup precedence */
	uint8_t hashed;                 /* TCP_HASH_NONE, _EST or _LISTEN */
	bool ever_listened;             /* may have children to forget on destroy */
	bool tw_queued;                 /* entered TIME-WAIT orphaned: to compact */
	struct tcp_sock *tw_queue_next;
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
	uint8_t urg_state, urg_byte;    /* received urgent data (tcp_urg.c) */
	bool oobinline;                 /* SO_OOBINLINE */
	struct tcp_md5_keys *md5;       /* TCP_MD5SIG keys (tcp_md5.c), NULL: none */
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
	bool probe_octet;               /* a zero-window probe carried snd_una's octet */
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
	int dupacks; uint32_t recover; bool in_recovery; /* in_recovery: ca_state == Recovery */

	/* loss recovery, as Linux counts it (tcp_sack.c, tcp_recovery.c,
	 * tcp_rack.c); lost_out and retrans_out are with the statistics */
	struct tcp_scoreboard sb;
	uint32_t packets_out, sacked_out, fack; bool fack_valid;
	uint8_t ca_state;
	uint32_t high_seq, prior_cwnd, prior_ssthresh, prr_delivered, prr_out;
	uint32_t undo_marker; int undo_retrans; bool undo_valid;
	uint32_t retrans_stamp;          /* TS clock of the first retransmission; 0 none */
	uint32_t reordering, reord_seen, dsack_dups, lost_total;
	bool frto, tlp_retrans, is_cwnd_limited, reo_armed;
	uint32_t max_packets_out, cwnd_usage_seq, cwnd_used; int64_t cwnd_stamp;
	struct tcp_rack rack;
	int64_t wstamp_ns;               /* EDT pacing: the next departure (tcp_cc.c) */
	uint32_t paced_segs_out;         /* data segments (MSS-sized) sent, for it */
	const struct tcp_cc_ops *cc;
	uint64_t cc_priv[12];            /* the algorithm's own state */
	/* busy / rwnd-limited / sndbuf-limited chronographs (tcp_info.c) */
	int chrono_type; int64_t chrono_start, chrono_stat[3];

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

	/* MSG_EOR boundaries not yet acknowledged (tcp_eor.c) */
	struct tcp_eor_marks *eor_marks;

	/* SYN flood defence (tcp_synq.c): a listener's request entries; a
	 * cookie SYN-ACK's TSval carrying the options */
	struct tcp_synq *synq;
	bool cookie_ts; uint32_t cookie_tsval;

	/* ECN (RFC 3168, tcp_ecn.c) */
	bool ecn_ok;                     /* negotiated */
	bool ecn_demand_cwr;             /* CE seen: ECE on what we send until CWR */
	bool ecn_queue_cwr;              /* ECE seen: CWR on the next new data */

	struct tcp_fastopen_sock tfo;   /* TCP Fast Open (tcp_fastopen.c) */
};

/* tcp_mib.c: counters as Linux names them in /proc/net/netstat */
enum tcp_mib { TCP_MIB_OUT_OF_WINDOW_ICMPS, TCP_MIB_MAX };
void tcp_mib_inc(struct vstack *vs, enum tcp_mib m);

#define TCP_HASH_NONE 0
#define TCP_HASH_EST 1
#define TCP_HASH_LISTEN 2
#define TCP_LISTEN_BUCKETS 256
#define TCP_BIND_BUCKETS 1024

struct tcp_table {
	struct tcp_sock *head;
	int count;
	uint64_t next_link_seq;
	/* connections by 4-tuple: a power-of-two array of chains, doubled
	 * when it holds more entries than buckets; listeners by local port */
	struct tcp_sock **est;
	size_t est_buckets, est_n;
	struct tcp_sock *listen[TCP_LISTEN_BUCKETS];
	/* bound sockets (and TIME-WAIT entries) by local port, for bind's
	 * conflict check */
	struct tcp_sock *bind[TCP_BIND_BUCKETS];
	struct tcp_tw *tw_bind[TCP_BIND_BUCKETS];
	/* compact TIME-WAIT entries (tcp_timewait.c) by 4-tuple, and the
	 * TCBs waiting to become one when the current event is done */
	struct tcp_tw **tw, *tw_head;
	size_t tw_buckets, tw_n;
	struct tcp_sock *tw_queue;
	int md5_sockets;                 /* sockets holding TCP_MD5SIG keys */
	struct tcp_synflood_stats flood; /* tcp_synq.c's counters */
	uint16_t next_ephemeral;
	int64_t challenge_stamp; int challenge_count; /* global, as Linux */
	struct tcp_fastopen_cache tfo_cache;          /* tcp_fastopen.c */
	uint64_t mib[TCP_MIB_MAX];                    /* tcp_mib.c */
};

/* tcp_table.c */
void tcp_table_link(struct vstack *vs, struct tcp_sock *ts);
void tcp_table_unlink(struct vstack *vs, struct tcp_sock *ts);
/* Puts ts in the hash chain its state and addresses call for (none while
 * CLOSED); tcp_set_state calls it on every change of state. */
void tcp_table_rehash(struct vstack *vs, struct tcp_sock *ts);
void tcp_table_unhash(struct vstack *vs, struct tcp_sock *ts);
void tcp_table_hash_free(struct tcp_table *t);
/* ts was just bound (bound set, lport chosen): into the port's chain. */
void tcp_table_bind_hash(struct vstack *vs, struct tcp_sock *ts);
/* The chain holding the sockets bound to port (->bhash_next; others
 * share it), or NULL. */
struct tcp_sock *tcp_table_bound_on(struct vstack *vs, uint16_t port);
uint32_t tcp_tuple_hash(const struct vs_addr *laddr, uint16_t lport,
			const struct vs_addr *raddr, uint16_t rport);

/* tcp_timewait.c: compact TIME-WAIT entries */
struct tcp_tw;
struct tcp_tw_seg {               /* what TIME-WAIT looks at in a segment */
	uint32_t seq, end, len, tsval;
	uint8_t flags;
	bool ts_ok;
};
/* What TIME-WAIT keeps of the receive side, a TCB's or an entry's. */
struct tcp_tw_rcv {
	uint32_t rcv_nxt, rcv_wup, rcv_adv, ts_recent;
	int64_t ts_recent_stamp;
	bool ts_ok;
};
enum tcp_tw_action {
	TCP_TW_DROP, TCP_TW_ACK, TCP_TW_CHALLENGE_ACK, TCP_TW_ACK_RESTART, /* restart: 2MSL */
	TCP_TW_KILL, TCP_TW_REOPEN,     /* reopen: gone, a listener may take the SYN */
};
/* RFC 9293 3.10.7.4 in TIME-WAIT: one rule for a TCB and an entry. */
enum tcp_tw_action tcp_tw_decide(struct vstack *vs, const struct tcp_tw_rcv *r,
				 const struct tcp_tw_seg *s);
/* RFC 5961 7: may one more challenge ACK go this second (instance-wide)? */
bool tcp_challenge_ack_allowed(struct vstack *vs);
size_t tcp_tw_entry_size(void);
/* Replaces ts (orphaned, in TIME-WAIT) with an entry and frees it; false
 * (ts untouched) when it cannot be. */
bool tcp_tw_adopt(struct tcp_sock *ts);
/* ts entered TIME-WAIT orphaned inside an event that may still use it:
 * tcp_tw_adopt_queued, at the event's end, compacts it. */
void tcp_tw_queue(struct tcp_sock *ts);
void tcp_tw_dequeue(struct tcp_sock *ts);
void tcp_tw_adopt_queued(struct vstack *vs);
struct tcp_tw *tcp_tw_lookup(struct vstack *vs, const struct vs_addr *laddr, uint16_t lport,
			     const struct vs_addr *raddr, uint16_t rport);
/* *reopen: the entry is gone and a listener may take the SYN. */
void tcp_tw_input(struct vstack *vs, struct tcp_tw *tw, const struct tcp_tw_seg *s,
		  bool *reopen);
int tcp_tw_list(struct vstack *vs, struct vwire_conn *out, int n, int max);
bool tcp_tw_port_conflict(struct vstack *vs, const struct tcp_sock *me,
			  const struct vs_addr *addr, uint16_t port);
void tcp_tw_free_all(struct vstack *vs);
struct tcp_sock *tcp_table_lookup(struct vstack *vs, const struct vs_addr *laddr,
				  uint16_t lport, const struct vs_addr *raddr,
				  uint16_t rport, bool *is_listener);
int tcp_table_pick_port(struct vstack *vs, struct tcp_sock *ts);
bool vs_addr_eq(const struct vs_addr *a, const struct vs_addr *b);
bool vs_addr_any(const struct vs_addr *a);
void tcp_conn_describe(const struct tcp_sock *ts, struct vwire_conn *c);
/* c zeroed, then its addresses and ports from a 4-tuple. */
void tcp_conn_describe_tuple(struct vwire_conn *c, const struct vs_addr *laddr, uint16_t lport,
			     const struct vs_addr *raddr, uint16_t rport);

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
/* A bare ACK with no TCB behind it (TIME-WAIT entries): timestamps if
 * ts_ok, the window field as given. */
void tcp_send_bare_ack(struct vstack *vs, const struct vs_addr *src, const struct vs_addr *dst,
		       uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		       uint16_t win, bool ts_ok, uint32_t tsecr, uint8_t tos);
void tcp_send_reset_reply(struct vstack *vs, const struct vs_addr *src,
			  const struct vs_addr *dst, const uint8_t *seg,
			  size_t len, uint32_t seglen);
int tcp_send_segment(struct tcp_sock *ts, uint32_t seq, uint32_t len,
		     uint8_t flags, bool retrans);
/* The same, with the PSH the scoreboard keeps for a retransmission of it
 * (sb_psh) apart from the flag on the wire. */
int tcp_send_segment_psh(struct tcp_sock *ts, uint32_t seq, uint32_t len,
			 uint8_t flags, bool retrans, bool sb_psh);
void tcp_send_probe(struct tcp_sock *ts);     /* zero-window / keepalive */
void tcp_send_zero_window_probe(struct tcp_sock *ts);
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

/* tcp_cc.c: the congestion-control interface and its dispatch. */
#define TCP_CA_OPEN 0
#define TCP_CA_DISORDER 1
#define TCP_CA_CWR 2
#define TCP_CA_RECOVERY 3
#define TCP_CA_LOSS 4
#define TCP_INFINITE_SSTHRESH 0x7fffffff
enum tcp_ca_event { CA_EVENT_TX_START, CA_EVENT_CWND_RESTART, CA_EVENT_COMPLETE_CWR,
		    CA_EVENT_LOSS };
struct tcp_cc_ops {
	const char *name;
	void (*init)(struct tcp_sock *ts);
	uint32_t (*ssthresh)(struct tcp_sock *ts);      /* on loss */
	void (*cong_avoid)(struct tcp_sock *ts, uint32_t acked);
	uint32_t (*undo_cwnd)(struct tcp_sock *ts);
	void (*set_state)(struct tcp_sock *ts, int new_state);
	void (*cwnd_event)(struct tcp_sock *ts, enum tcp_ca_event ev);
	void (*pkts_acked)(struct tcp_sock *ts, uint32_t pkts, int64_t rtt_us);
};
extern const struct tcp_cc_ops tcp_reno_ops, tcp_cubic_ops;
/* tcp_cubic.c's window function, exposed for its unit test */
uint64_t tcp_cubic_root(uint64_t a);
uint32_t tcp_cubic_target(uint32_t origin, uint32_t K, uint64_t t);
uint32_t tcp_cubic_K(uint32_t wmax, uint32_t cwnd);
const struct tcp_cc_ops *tcp_cc_find(const char *name);
void tcp_cc_init(struct tcp_sock *ts);
uint32_t tcp_cc_initial_window(const struct tcp_sock *ts); /* segments */
void tcp_cc_select(struct tcp_sock *ts);           /* from ts->cong_name */
void tcp_cc_set_state(struct tcp_sock *ts, int state);
void tcp_cc_event(struct tcp_sock *ts, enum tcp_ca_event ev);
bool tcp_is_cwnd_limited(const struct tcp_sock *ts);
uint32_t tcp_slow_start(struct tcp_sock *ts, uint32_t acked);
void tcp_cong_avoid_ai(struct tcp_sock *ts, uint32_t w, uint32_t acked);
void tcp_cwnd_validate(struct tcp_sock *ts, bool is_cwnd_limited);
void tcp_cc_before_send(struct tcp_sock *ts);      /* restart after idle */
uint32_t tcp_cc_ssthresh(struct tcp_sock *ts);
uint64_t tcp_pacing_rate(const struct tcp_sock *ts);   /* bytes/s, 0 = none */
/* With a fq qdisc: the departure time (us) of the packet about to go,
 * and after it, the next one's (prior_ns: what the first returned). */
int64_t tcp_pacing_depart(struct tcp_sock *ts, int64_t *prior_ns);
void tcp_pacing_sent(struct tcp_sock *ts, uint32_t segs, uint32_t bytes, int64_t prior_ns);
uint32_t tcp_tso_autosize(const struct tcp_sock *ts, uint32_t mss, uint32_t max_bytes);
void tcp_cc_cong_avoid(struct tcp_sock *ts, uint32_t acked);
uint32_t tcp_cc_undo_cwnd(struct tcp_sock *ts);
void tcp_cc_pkts_acked(struct tcp_sock *ts, uint32_t pkts, int64_t rtt_us);
uint32_t tcp_current_ssthresh(const struct tcp_sock *ts);
uint32_t tcp_flight_size(const struct tcp_sock *ts);  /* bytes snd_max - snd_una */
uint32_t tcp_packets_in_flight(const struct tcp_sock *ts);

/* tcp_sack.c: the scoreboard */
void tcp_sb_free(struct tcp_sock *ts);
void tcp_sb_on_send(struct tcp_sock *ts, uint32_t seq, uint32_t len, bool fin, bool psh);
int tcp_sb_split(struct tcp_sock *ts, int i, uint32_t at);
int tcp_sb_find(const struct tcp_sock *ts, uint32_t seq);
void tcp_sb_sacktag(struct tcp_sock *ts, const uint32_t blocks[][2], int n,
		    uint32_t ack, struct tcp_ack_state *st);
void tcp_sb_clean(struct tcp_sock *ts, uint32_t ack, struct tcp_ack_state *st);
void tcp_sb_mark_lost(struct tcp_sock *ts, int i);
void tcp_sb_mark_lost_6675(struct tcp_sock *ts);
uint32_t tcp_sb_pcount(const struct tcp_sock *ts, uint32_t len);
void tcp_check_sack_reordering(struct tcp_sock *ts, uint32_t low_seq, bool ts_based);
uint32_t tcp_highest_sack_seq(const struct tcp_sock *ts);

/* tcp_rack.c */
void tcp_rack_advance(struct tcp_sock *ts, uint8_t flags, uint32_t end_seq, int64_t xmit_us);
uint32_t tcp_rack_reo_wnd(const struct tcp_sock *ts);
void tcp_rack_detect_loss(struct tcp_sock *ts, uint32_t *reo_timeout);
bool tcp_rack_mark_lost(struct tcp_sock *ts);
void tcp_rack_update_reo_wnd(struct tcp_sock *ts, struct tcp_ack_state *st);
void tcp_rack_reo_timeout(struct tcp_sock *ts);

/* tcp_recovery.c: the ACK's part in loss recovery, PRR, RTO recovery */
void tcp_recovery_ack(struct tcp_sock *ts, uint32_t ack, const struct tcp_opts *o,
		      int flag, uint32_t prior_snd_una);
void tcp_recovery_old_ack(struct tcp_sock *ts, uint32_t ack, const struct tcp_opts *o);
void tcp_enter_loss(struct tcp_sock *ts);
void tcp_xmit_retransmit_queue(struct tcp_sock *ts);
int tcp_retransmit_ent(struct tcp_sock *ts, int i, uint32_t segs);
void tcp_enter_recovery(struct tcp_sock *ts);
void tcp_cwnd_reduction(struct tcp_sock *ts, uint32_t newly_acked_sacked,
			uint32_t newly_lost, int flag);
void tcp_simple_retransmit(struct tcp_sock *ts);
void tcp_info_fill_recovery(const struct tcp_sock *ts, struct tcp_info *ti);
#define TCP_CHRONO_UNSPEC 0
#define TCP_CHRONO_BUSY 1
#define TCP_CHRONO_RWND_LIMITED 2
#define TCP_CHRONO_SNDBUF_LIMITED 3
void tcp_chrono_start(struct tcp_sock *ts, int type);
void tcp_chrono_stop(struct tcp_sock *ts, int type);

/* tcp_isn.c */
uint32_t tcp_isn(const struct vstack *vs, const struct vs_addr *laddr, uint16_t lport,
		 const struct vs_addr *raddr, uint16_t rport);

/* tcp_eor.c: MSG_EOR boundaries; a segment never crosses one. */
void tcp_eor_mark(struct tcp_sock *ts, uint32_t seq);
uint32_t tcp_eor_clamp(struct tcp_sock *ts, uint32_t seq, uint32_t len);
bool tcp_eor_boundary(const struct tcp_sock *ts, uint32_t seq);
void tcp_eor_free(struct tcp_sock *ts);

/* tcp_notsent.c: TCP_NOTSENT_LOWAT and the size goal of queued chunks. */
uint32_t tcp_notsent_lowat(const struct tcp_sock *ts); /* UINT32_MAX: none */
uint32_t tcp_notsent_bytes(const struct tcp_sock *ts);
uint32_t tcp_size_goal(const struct tcp_sock *ts);
size_t tcp_notsent_room(const struct tcp_sock *ts, size_t want);
bool tcp_notsent_writable(const struct tcp_sock *ts);

/* tcp_synq.c: a segment for a listener, as tcp_input parsed it. */
struct tcp_lseg {
	const struct vs_addr *src, *dst;
	uint16_t sport, dport, win;
	uint32_t seq, ack, seglen;      /* seglen: payload + SYN + FIN */
	uint8_t flags, tos;
	const struct tcp_opts *opt;
	const uint8_t *raw;
	size_t raw_len;
	const uint8_t *data;            /* payload (SYN data for Fast Open) */
	uint32_t len;
};
/* The socket a SYN (or a request, or a cookie) stands for, not yet sent
 * anything, not in any state; iss is our initial sequence number. */
void tcp_syn_child_init(struct tcp_sock *c, struct tcp_sock *l, const struct tcp_lseg *s,
			uint32_t iss);
/* A segment for a listener: the socket (a promoted request, a cookie's)
 * that must now process it, or NULL when the listener dealt with it. */
struct tcp_sock *tcp_synq_input(struct tcp_sock *l, const struct tcp_lseg *s);
/* An ICMP error quoting a segment of a request of listener l (laddr,
 * raddr:rport): abort drops the request when the quote is its SYN-ACK.
 * False when l has no such request. */
bool tcp_synq_icmp(struct tcp_sock *l, const struct vs_addr *laddr,
		   const struct vs_addr *raddr, uint16_t rport, uint32_t seq, bool abort);
void tcp_synq_free(struct tcp_sock *l);
int tcp_synq_len(const struct tcp_sock *l);
/* Appends the listener's requests (as SYN-RECEIVED) to out[n..max). */
int tcp_synq_list(struct tcp_sock *l, struct vwire_conn *out, int n, int max);

/* tcp_ecn.c (RFC 3168) */
bool tcp_ecn_syn_ok(const struct vstack *vs, uint8_t flags, uint8_t tos);
uint8_t tcp_ecn_syn_flags(struct tcp_sock *ts);          /* for SYN / SYN-ACK */
void tcp_ecn_synack_input(struct tcp_sock *ts, uint8_t flags); /* active open */
/* Outgoing non-SYN segment: adds ECE/CWR to *flags, returns the ECN
 * codepoint for the IP header. */
uint8_t tcp_ecn_output(struct tcp_sock *ts, uint8_t *flags, uint32_t seq, uint32_t len,
		       bool retrans);
/* Incoming segment in a synchronized state. */
void tcp_ecn_input(struct tcp_sock *ts, uint8_t flags, uint8_t tos, uint32_t len);
/* An ECE arrived: the CWR state and its cwnd reduction (Linux's
 * tcp_enter_cwr; a no-op while already reducing). */
void tcp_ecn_enter_cwr(struct tcp_sock *ts);

/* tcp_urg.c: received urgent data as Linux keeps it (one byte out of
 * band at the urgent mark, BSD pointer semantics). */
void tcp_urg_input(struct tcp_sock *ts, uint32_t seq, uint16_t urp, bool urg,
		   const uint8_t *data, uint32_t len);
/* Before an in-band read: drops the urgent byte at the head (unless
 * SO_OOBINLINE or peeking: *skip then says where the read starts) and
 * returns how many bytes may be read before the mark. */
size_t tcp_urg_readable(struct tcp_sock *ts, bool peek, size_t *skip);
void tcp_urg_after_read(struct tcp_sock *ts);
bool tcp_urg_at_head(const struct tcp_sock *ts);  /* mark at the read point */

/* tcp_md5.c: TCP MD5 signatures (RFC 2385). */
int tcp_md5_setsockopt(struct tcp_sock *ts, int name, const void *val, unsigned len);
void tcp_md5_inherit(struct tcp_sock *child, const struct tcp_sock *listener);
void tcp_md5_free(struct tcp_sock *ts);
/* Whether a received segment passes RFC 2385 for socket ts (which may be a
 * listener): signed iff ts has a key for the peer, with a good digest. */
/* Whether a segment carries no MD5 option (all a keyless receiver accepts). */
bool tcp_md5_unsigned(const uint8_t *seg, size_t len);
bool tcp_md5_inbound_ok(struct tcp_sock *ts, const struct vs_addr *src,
			const struct vs_addr *dst, const uint8_t *seg, size_t len);
/* For send_raw: the key for a segment from local to remote (NULL: none);
 * the options rewritten to carry the signature (returns their length);
 * and the signature written into the finished segment. */
const struct tcp_md5_key *tcp_md5_key_for(struct vstack *vs, const struct vs_addr *local,
					  uint16_t lport, const struct vs_addr *remote,
					  uint16_t rport);
size_t tcp_md5_options(uint8_t out[40], const uint8_t *opts, size_t optlen, bool syn);
void tcp_md5_sign(const struct tcp_md5_key *key, const struct vs_addr *src,
		  const struct vs_addr *dst, uint8_t *seg, size_t len);

/* tcp_input.c helpers shared with the timers */
void tcp_deliver_wakeup(struct tcp_sock *ts);

#endif
