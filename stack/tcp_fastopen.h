/* TCP Fast Open (RFC 7413) as Linux does it: the server's cookies and
 * SYN-data children, the client's cookie cache, SYN-data and the socket
 * calls that start it (sendto with MSG_FASTOPEN, TCP_FASTOPEN_CONNECT).
 *
 * The TCB embeds a struct tcp_fastopen_sock; the engine's per-instance
 * table embeds a struct tcp_fastopen_cache. The rest of the engine calls
 * the small hooks below at the points Linux does. */
#ifndef VSTACK_TCP_FASTOPEN_H
#define VSTACK_TCP_FASTOPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "host.h"

/* net.ipv4.tcp_fastopen bits (Documentation/networking/ip-sysctl.rst). */
#define TFO_CLIENT_ENABLE 0x1
#define TFO_SERVER_ENABLE 0x2
#define TFO_CLIENT_NO_COOKIE 0x4
#define TFO_SERVER_COOKIE_NOT_REQD 0x200
#define TFO_SERVER_WO_SOCKOPT1 0x400

#define TFO_COOKIE_MIN 4
#define TFO_COOKIE_MAX 16
#define TFO_COOKIE_SIZE 8             /* what a server generates */
#define TFO_KEY_LEN 16
#define TFO_CACHE_SLOTS 32
#define TCPOPT_FASTOPEN 34
#define TCPOPT_EXP 254
#define TCPOPT_FASTOPEN_MAGIC 0xF989
#define TCPI_OPT_SYN_DATA_BIT 32      /* <linux/tcp.h> TCPI_OPT_SYN_DATA */

struct tcp_sock;
struct tcp_opts;

/* A cookie, or its absence (len -1). len 0 is a cookie request. */
struct tcp_fastopen_cookie {
	int len;
	bool exp;                     /* experimental option 254 + magic */
	uint8_t val[TFO_COOKIE_MAX];
};

struct tcp_fastopen_sock {
	/* listener */
	int max_qlen;                 /* TCP_FASTOPEN, or the backlog under 0x400 */
	int qlen;                     /* children still in SYN-RECEIVED */
	bool key_set;                 /* TCP_FASTOPEN_KEY given */
	uint8_t key[TFO_KEY_LEN];
	bool no_cookie;               /* TCP_FASTOPEN_NO_COOKIE */
	bool synack_cookie;           /* cookie goes in the next SYN-ACK */
	/* passive child */
	bool passive;                 /* created from a SYN by Fast Open */
	bool counted;                 /* still counted in the listener's qlen */
	struct tcp_sock *listener;    /* whose qlen counts it (kept past accept) */
	/* active side */
	bool connect_opt;             /* TCP_FASTOPEN_CONNECT */
	bool deferred;                /* connect() returned 0, SYN waits for data */
	bool req;                     /* the next SYN is a Fast Open SYN */
	const uint8_t *req_data;      /* what the first SYN may carry */
	size_t req_len, copied;
	struct tcp_fastopen_cookie cookie; /* for the first SYN; -1 after it */
	uint16_t mss_clamp;           /* cached MSS used for SYN-data */
	bool syn_fastopen;            /* the SYN carried a Fast Open option */
	bool syn_fastopen_exp;
	bool syn_data;                /* the SYN carried data */
	bool write_pending;           /* a blocked writer waits for the handshake */
	/* both */
	bool syn_data_acked;          /* TCPI_OPT_SYN_DATA */
};

struct tcp_fastopen_cache_entry {
	bool used;
	struct vs_addr addr;
	uint16_t mss;
	struct tcp_fastopen_cookie cookie;
	int try_exp;
	int syn_loss;
};

/* The client's cache, per destination (Linux keeps it in tcp_metrics). */
struct tcp_fastopen_cache {
	struct tcp_fastopen_cache_entry e[TFO_CACHE_SLOTS];
	int next;
};

/* ------------------------------------------------------------ keys */
/* The instance's key from net.ipv4.tcp_fastopen_key's text (4 words). */
int tcp_fastopen_parse_key(const char *text, uint8_t key[TFO_KEY_LEN]);
/* The cookie a server with key gives the client src for a SYN to dst. */
void tcp_fastopen_cookie_for(const uint8_t key[TFO_KEY_LEN], const struct vs_addr *src,
			     const struct vs_addr *dst, struct tcp_fastopen_cookie *out);

/* ------------------------------------------------------------ options */
/* Writes the Fast Open option (padded to 4 bytes as Linux does) if it
 * fits in room; returns its length or 0. */
size_t tcp_fastopen_put_option(uint8_t *buf, size_t room, const struct tcp_fastopen_cookie *c);

/* ------------------------------------------------------------ server */
void tcp_fastopen_sock_init(struct tcp_sock *ts);
void tcp_fastopen_on_listen(struct tcp_sock *l, int backlog);
struct tcp_lseg;
/* A SYN for listener l: true when Fast Open made a child of it (data
 * queued, in the accept queue, SYN-ACK sent). Else a cookie the request's
 * first SYN-ACK must carry may wait in l (tfo.cookie) for ... */
bool tcp_fastopen_syn(struct tcp_sock *l, const struct tcp_lseg *s);
/* ... this, called on the throw-away TCB that sends that SYN-ACK. */
void tcp_fastopen_take_synack_cookie(struct tcp_sock *tmp, struct tcp_sock *l);
bool tcp_fastopen_is_passive(const struct tcp_sock *ts);
/* The handshake of a passive child completed (or it ended). */
void tcp_fastopen_child_done(struct tcp_sock *ts);
/* Listener l goes away: its children stop counting against it. */
void tcp_fastopen_forget_listener(struct tcp_sock *l);

/* ------------------------------------------------------------ client */
/* TCP_FASTOPEN_CONNECT: connect() may return 0 and wait for data.
 * Called by tcp_connect() in SYN-SENT before the SYN: true = defer. */
bool tcp_fastopen_defer_connect(struct tcp_sock *ts);
/* Options and data of an active SYN: writes the Fast Open option into
 * opts (room bytes left), queues the SYN's data to the send buffer and
 * returns in *data_len how much of it the SYN carries. */
size_t tcp_fastopen_syn_options(struct tcp_sock *ts, uint8_t *opts, size_t room,
				uint32_t *data_len);
/* A SYN-ACK arrived for an active socket (after snd_una moved): updates
 * the cache, takes the data (and FIN) it carries; returns true when SYN data must be resent (the segment
 * that resends it acknowledges the SYN-ACK). */
bool tcp_fastopen_synack(struct tcp_sock *ts, const struct tcp_opts *o, const uint8_t *data,
			 uint32_t len, bool fin);
/* ICMP frag-needed for an active SYN (pmtu already lowered): true when
 * the SYN carried data and was sent again without it. */
bool tcp_fastopen_syn_too_big(struct tcp_sock *ts);
/* Whether the socket layer must take this send through Fast Open. */
bool tcp_fastopen_send_wanted(const struct tcp_sock *ts, int flags);
/* sendto/sendmsg with MSG_FASTOPEN, or a write on a deferred socket:
 * starts the handshake with data. Returns bytes the SYN carries, or
 * -EINPROGRESS (none), or an error. */
ssize_t tcp_fastopen_sendmsg(struct vstack *vs, struct tcp_sock *ts, const struct vs_addr *addr,
			     uint16_t port, bool have_addr, const void *buf, size_t len);
/* A blocked writer waits for the handshake: the SYN-ACK's ACK waits for
 * its data (Linux's sk_write_pending). */
void tcp_fastopen_set_write_pending(struct tcp_sock *ts, bool on);
int tcp_fastopen_setsockopt(struct tcp_sock *ts, int name, const void *val, unsigned len);
int tcp_fastopen_getsockopt(struct tcp_sock *ts, int name, void *val, unsigned *len);
/* The engine's state in SYN-SENT for connect(): -EISCONN while deferred. */
int tcp_fastopen_connect_state(const struct tcp_sock *ts);
unsigned tcp_fastopen_poll(const struct tcp_sock *ts);

#endif
