/* The harness's packet layer: inbound packets built from the syntax tree,
 * outbound packets parsed from what a target sends, the comparison of a
 * live packet with the script's expected one, and packetdrill-style
 * printing of live packets.
 *
 * Sequence and timestamp mapping lives in seq_map.h, checksums in
 * checksum.h, pcap files in pcap_writer.h.
 *
 * Every function reports failure as text in a caller buffer and a -1
 * return; none aborts on bad input.
 */
#ifndef VWIRE_PACKET_H
#define VWIRE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "seq_map.h"
#include "vwire_target.h"

/* Largest packet the layer builds or parses. */
#define PACKET_MAX_BYTES 65535
/* Room for one error message. */
#define PACKET_ERR_LEN 256

/* The experimental fast-open option (kind 254) begins with this magic
 * (RFC 6994 experiment id of TCP Fast Open). */
#define PACKET_EXP_FO_MAGIC 0xf989

/* Write the message into err (when given) and return -1: how every
 * function of the layer fails (packet_error.c). */
int packet_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ context */

/* The script's network as the packet layer needs it. Addresses are binary,
 * network order; IPv4 uses the first 4 bytes. In IPv4-mapped-IPv6 mode the
 * wire is IPv4 (wire_version 4). */
struct packet_ctx {
	enum vwire_ip_mode ip_mode;
	int wire_version;           /* 4 or 6 */
	uint8_t local_addr[16];     /* the target's address */
	uint8_t remote_addr[16];    /* the script's remote host */
	/* Host order. The run loop updates them as it learns them (e.g. the
	 * target's ephemeral port from its SYN after connect()). */
	uint16_t local_port;        /* the target's port */
	uint16_t remote_port;       /* the script's port */
	int mtu;                    /* --mtu (for defaults only) */
	uint16_t next_ip_id;        /* IPv4 id of the next inbound packet */
};

/* Fill ctx from textual addresses ("192.168.0.1", "fd3d::1",
 * "::ffff:192.0.2.1" — the last accepted in mapped mode). Ports are host
 * order. Returns 0, or -1 with err set. */
int packet_ctx_init(struct packet_ctx *ctx, enum vwire_ip_mode mode,
		    const char *local_ip, const char *remote_ip,
		    uint16_t local_port, uint16_t remote_port, int mtu,
		    char *err, size_t errlen);

/* ----------------------------------------------------------- building */

/* Build the bytes of inbound packet pkt (pkt->dir must be DIR_INBOUND):
 * IP header (script's addresses unless pkt->ip names others), TCP/UDP/ICMP,
 * options exactly as written, zero payload, correct checksums. Inbound ack,
 * SACK blocks and TS ecr are mapped to live values through map (map may be
 * NULL: no mapping). ICMP errors quote a packet from the target to the
 * remote, its sequence number mapped to live. GRE (fields key N, seq N,
 * checksum, protocol N) and MPLS encapsulations are written outermost
 * first; pkt->ip then names the outer header, the inner one uses the
 * script's addresses. Writes at most cap bytes to
 * buf and the length to *len. Returns 0, or -1 with err set. */
int packet_build(const struct packet *pkt, struct packet_ctx *ctx,
		 const struct seq_map *map, uint8_t *buf, size_t cap,
		 size_t *len, char *err, size_t errlen);

/* ------------------------------------------------------------ parsing */

#define LIVE_MAX_OPTIONS 40
#define LIVE_MAX_SACK_BLOCKS 4

/* A parsed live packet. It owns a copy of the bytes; options point into
 * the copy and into its own arrays, so do not copy the struct by value:
 * use live_packet_clone. Free with live_packet_free. */
struct live_packet {
	uint8_t *bytes;             /* the whole packet (owned) */
	size_t len;

	int ip_version;             /* 4 or 6 */
	uint8_t src[16], dst[16];   /* network order; IPv4 in 4 first bytes */
	uint8_t tos;                /* IPv4 TOS / IPv6 traffic class (with ECN bits) */
	uint8_t ttl;                /* TTL / hop limit */
	uint32_t flowlabel;         /* IPv6 only */
	uint16_t ip_id;             /* IPv4 only */
	bool df;                    /* IPv4 don't-fragment bit */
	uint8_t protocol;           /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 */
	size_t l4_offset;           /* where the TCP/UDP/ICMP header starts */

	uint16_t src_port, dst_port; /* host order (TCP and UDP) */

	/* TCP */
	uint32_t seq, ack;
	uint16_t flags;             /* TCPF_* (with TCPF_AE for the NS bit) */
	uint16_t window, urg_ptr;
	size_t tcp_header_len;
	struct tcp_option options[LIVE_MAX_OPTIONS];
	size_t option_count;
	struct sack_block sack_blocks[LIVE_MAX_SACK_BLOCKS];

	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest;         /* the 4 bytes after the checksum (mtu, ...) */

	const uint8_t *payload;     /* into bytes */
	size_t payload_len;
};

/* Parse len bytes (IPv4 or IPv6, decided by the version nibble). Lengths
 * and checksums are validated; IPv6 extension headers (hop-by-hop,
 * routing, destination options) are skipped, fragments rejected. Returns
 * 0, or -1 with err set (out then holds nothing to free). */
int packet_parse(const uint8_t *buf, size_t len, struct live_packet *out,
		 char *err, size_t errlen);
void live_packet_free(struct live_packet *p);
/* After the struct itself was moved (assigned, memmove'd, realloc'd):
 * point its SACK options at its own block array again. */
void live_packet_relink(struct live_packet *p);
/* Deep copy; returns 0 or -1 (no memory). */
int live_packet_clone(struct live_packet *dst, const struct live_packet *src);

/* True if the packet is TCP and carries a TS option; fills val/ecr. */
bool live_packet_ts(const struct live_packet *p, uint32_t *val, uint32_t *ecr);

/* --------------------------------------------------------- comparison */

/* Learn the mapping from an outbound live packet the script expects: the
 * target's ISN from its first SYN (live seq - script seq) and its TS
 * offset from its first TS option (live val - script val, or - 0 when the
 * script writes no TS). Call before packet_compare; later calls keep what
 * was learned first. */
void packet_learn_mapping(struct seq_map *map, const struct packet *expected,
			  const struct live_packet *live);

enum packet_compare_flags {
	/* Check the TS val of outbound packets (the run loop sets it when the
	 * script gives --tcp_ts_tick_usecs, as packetdrill does). */
	PKT_CMP_TS_VAL = 1u << 0,
	/* Do not check the sequence number (a run of joined segments checks
	 * it on the first piece only). */
	PKT_CMP_NO_SEQ = 1u << 1,
};

struct packet_mismatch {
	char field[48];      /* "tcp_psh", "tcp_seq", "tcp_options", "payload", ... */
	char expected[64];   /* "1 (0x1)" */
	char actual[64];     /* "0 (0x0)" */
	char text[PACKET_ERR_LEN]; /* the full packetdrill-style sentence */
};

/* Compare live outbound packet with expected (DIR_OUTBOUND), in script
 * terms: live seq and TS val are mapped back with map. Fields the script
 * leaves out are not checked. Returns 0 when they agree, 1 with *mm filled
 * on the first mismatch. */
int packet_compare(const struct packet *expected, const struct live_packet *live,
		   const struct seq_map *map, unsigned flags,
		   struct packet_mismatch *mm);

/* A run of live TCP segments that join up to one expected packet (with a
 * START:END(LEN) range): consecutive sequence numbers from the expected
 * start, the same flags except that PSH may be absent and FIN must be
 * absent before the last piece, total payload equal to the expected one.
 * Each piece is checked against expected like packet_compare. Returns 0 if
 * the run matches, 1 with *mm filled on a mismatch, 2 (mm->text says how
 * many bytes are missing) when the pieces so far are a valid beginning and
 * more bytes are needed: the run loop then waits for the next segment. */
int packet_compare_run(const struct packet *expected,
		       const struct live_packet *const *lives, size_t count,
		       const struct seq_map *map, unsigned flags,
		       struct packet_mismatch *mm);

/* The mirror of a joined run: whether the first START:END(LEN) bytes of a
 * longer live TCP segment (a super-segment from a stack or device doing
 * segmentation offload) match expected, with PSH not checked and FIN not
 * allowed on that front piece. Returns 0 if so, 1 with *mm filled. The run
 * loop then keeps the rest of the segment queued for the next expected
 * packet. */
int packet_compare_front(const struct packet *expected, const struct live_packet *live,
			 const struct seq_map *map, unsigned flags,
			 struct packet_mismatch *mm);

/* Whether live belongs to the script's connection: from the target's
 * local address to the remote one (either family in mapped mode). */
bool packet_is_from_local(const struct live_packet *live,
			  const struct packet_ctx *ctx);

/* --------------------------------------------------------- formatting */

/* Print live as packetdrill prints packets in script terms, e.g.
 * "F. 1:1(0) ack 2 win 257 <nop,nop,TS val 100 ecr 200>"; with verbose,
 * prefixed by "src:port > dst:port ". Seq/ack/TS are mapped back with map
 * (NULL: raw values). dir selects the mapping (an outbound packet's seq
 * and TS val are the target's; an inbound one's ack and ecr are).
 * Returns the length written (truncated to len-1). */
size_t packet_format(const struct live_packet *live, enum packet_direction dir,
		     const struct seq_map *map, bool verbose,
		     char *buf, size_t len);

/* Format the TCP option list as "<mss 1460,nop,wscale 7>" (no mapping). */
size_t packet_format_options(const struct tcp_option *opts, size_t count,
			     char *buf, size_t len);

#endif
