/* TCP option encoding and decoding (RFC 9293, 7323, 2018), laid out in
 * the order Linux writes them. */
#ifndef VSTACK_TCP_OPTIONS_H
#define VSTACK_TCP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8
#define TCPOPT_FASTOPEN_KIND 34
#define TCPOPT_EXP_KIND 254
#define TCPOPT_FASTOPEN_EXP_MAGIC 0xF989

#define TCP_MAX_SACK_BLOCKS 4
#define TCP_TS_ALIGNED_LEN 12 /* nop, nop, TS */

struct tcp_opts {
	bool mss_ok, ws_ok, sack_ok, ts_ok;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	int nsack;
	uint32_t sack[TCP_MAX_SACK_BLOCKS][2]; /* left, right edges */
	/* Fast Open (RFC 7413 kind 34, or 254 with magic 0xF989): fo_len -1
	 * when absent or malformed, 0 for a cookie request. */
	int fo_len;
	bool fo_exp;
	uint8_t fo_cookie[16];
};

/* Parses the options area; returns false on a malformed option list. */
bool tcp_opts_parse(const uint8_t *p, size_t len, bool syn, struct tcp_opts *o);

/* Options of a SYN or SYN-ACK: the present fields of o (mss_ok, sack_ok,
 * ts_ok, ws_ok). Returns the length written (a multiple of 4, <= 40). */
size_t tcp_opts_build_syn(uint8_t *buf, const struct tcp_opts *o);

/* Options of any other segment: nop,nop,TS if ts_ok, then nop,nop,SACK
 * with up to max_sack of o's blocks. Returns the length written. */
size_t tcp_opts_build_data(uint8_t *buf, const struct tcp_opts *o, int max_sack);

#endif
