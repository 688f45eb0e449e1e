/* The syntax tree of a packetdrill script.
 *
 * This header is the contract between the front end (lexer, grammar,
 * semantic checks, printer) and the run loop. The tree records what the
 * script says, literally: relative times stay relative, symbolic
 * constants stay names until checks resolve them, and every node carries
 * the source position it came from so errors can name line and column.
 */
#ifndef VWIRE_AST_H
#define VWIRE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct src_pos {
	int line;   /* 1-based */
	int column; /* 1-based, of the first character of the construct */
};

/* ---------------------------------------------------------------- times */

enum time_kind {
	TIME_ABSOLUTE, /* 0.100          */
	TIME_RELATIVE, /* +0.100         */
	TIME_ANY,      /* *              */
};

struct event_time {
	enum time_kind kind;
	int64_t usecs;        /* start (or only) time, microseconds */
	bool has_range;       /* 0.1~0.2 or +0.1~+0.2 */
	bool range_relative;  /* the upper bound was written with '+' */
	int64_t range_usecs;  /* upper bound of the range */
};

/* ----------------------------------------------------------- expressions
 * System-call arguments and results. Structs are generic: a struct is a
 * list of fields, a field is a name, an optional parenthesised argument
 * (msg_name(...)=..., msg_iov(1)=[...]) and a value.
 */
enum expr_kind {
	EXPR_ELLIPSIS, /* ...                              */
	EXPR_INT,      /* 42, -1, 0x1f                     */
	EXPR_WORD,     /* SOL_SOCKET, TCP_NODELAY, NULL    */
	EXPR_STRING,   /* "text" (escapes already decoded) */
	EXPR_BINOP,    /* a | b  (flag sets)               */
	EXPR_LIST,     /* [a, b, ...]; [N] is a 1-list     */
	EXPR_STRUCT,   /* {field=value, ...}               */
	EXPR_CALL,     /* htons(8080), inet_addr("1.2.3.4") */
};

struct expr;

struct expr_list {
	struct expr **items;
	size_t count;
};

struct struct_field {
	char *name;        /* "fd", "msg_iov", "cmsg_data"; NULL: positional ({...,1000}) */
	struct expr *arg;  /* msg_iov(1): the 1; else NULL   */
	struct expr *value;
	struct src_pos pos;
};

struct expr {
	enum expr_kind kind;
	struct src_pos pos;
	union {
		int64_t num;               /* EXPR_INT  */
		char *word;                /* EXPR_WORD */
		struct {                   /* EXPR_STRING */
			char *bytes;
			size_t len;
		} string;
		struct {                   /* EXPR_BINOP */
			char op;           /* '|' only, today */
			struct expr *lhs, *rhs;
		} binop;
		struct expr_list list;     /* EXPR_LIST */
		struct {                   /* EXPR_STRUCT */
			struct struct_field *fields;
			size_t count;
		} fields;
		struct {                   /* EXPR_CALL */
			char *name;
			struct expr_list args;
		} call;
	} u;
	/* Filled by the semantic checks for EXPR_WORD naming a constant. */
	bool resolved;
	int64_t value;
	/* Nesting depth below this node (front end: bounds recursion). */
	uint32_t depth;
};

/* ------------------------------------------------------------- packets */

enum packet_direction { DIR_INBOUND /* < */, DIR_OUTBOUND /* > */ };

enum ecn_mark {
	ECN_UNSPECIFIED, /* no prefix: not checked outbound, Not-ECT inbound */
	ECN_NOECN,       /* [noecn] */
	ECN_ECT0,        /* [ect0]  */
	ECN_ECT1,        /* [ect1]  */
	ECN_CE,          /* [ce]    */
	ECN_ECT01,       /* [ect01]: either ECT codepoint */
};

/* TCP flag bits, as on the wire. */
enum {
	TCPF_FIN = 0x01, TCPF_SYN = 0x02, TCPF_RST = 0x04, TCPF_PSH = 0x08,
	TCPF_ACK = 0x10, TCPF_URG = 0x20, TCPF_ECE = 0x40, TCPF_CWR = 0x80,
	TCPF_AE  = 0x100, /* accurate-ECN bit (the NS bit), if ever written */
};

enum tcp_option_kind {
	OPT_EOL, OPT_NOP, OPT_MSS, OPT_WSCALE, OPT_SACK_PERMITTED, OPT_SACK,
	OPT_TIMESTAMP, OPT_FASTOPEN /* FO, kind 34 */, OPT_EXP_FASTOPEN /* exp-FO, kind 254 + 0xf989 */,
	OPT_MD5, OPT_GENERIC /* kind N [length L] [data] */,
};

struct sack_block { uint32_t left, right; };

struct tcp_option {
	enum tcp_option_kind kind;
	struct src_pos pos;
	union {
		uint16_t mss;
		uint8_t wscale;
		struct { struct sack_block *blocks; size_t count; } sack;
		struct { uint32_t val, ecr; } ts;
		struct { uint8_t *bytes; size_t len; bool has_cookie; } cookie; /* FO / exp-FO */
		struct { uint8_t *bytes; size_t len; } md5;
		struct { uint8_t kind; int length; /* -1: derive */ uint8_t *data; size_t data_len; } generic;
	} u;
};

struct tcp_options {
	bool any;               /* <...>: options not checked */
	struct tcp_option *items;
	size_t count;
};

struct tcp_packet {
	char flags_text[16];    /* as written, e.g. "S.", "P.", "-" */
	uint16_t flags;         /* TCPF_* bits */
	bool seq_any;           /* `...` instead of START:END(LEN) */
	uint32_t seq_start, seq_end, payload_len;
	bool has_ack;  uint32_t ack;
	bool has_win;  uint32_t win;
	bool has_urg;  uint32_t urg;
	struct tcp_options *options; /* NULL: none written (outbound: not checked) */
	struct src_pos seq_pos;      /* of START (or `...`), for errors */
};

struct udp_packet {
	uint32_t payload_len;
};

struct icmp_packet {
	char *type_name;   /* "unreachable", "packet_too_big", "time_exceeded", "echo_request", ... or a number */
	char *code_name;   /* "port_unreachable", "frag_needed", ...; NULL when absent */
	bool has_mtu; uint32_t mtu;
	/* The quoted TCP/UDP segment, [START:END(LEN)]; absent: harness picks. */
	bool has_quote;
	bool quote_any;             /* written [...]: no quote given either */
	uint8_t quote_proto;        /* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t quote_start, quote_end, quote_len;
	/* Resolved by the checks: ICMP or ICMPv6 type and code numbers. */
	int type, code;
	struct src_pos type_pos, code_pos; /* for errors */
};

enum encap_kind { ENCAP_GRE, ENCAP_MPLS };

struct mpls_label { uint32_t label, tc, ttl; bool bottom; };

/* GRE ...: / MPLS ...: headers before the inner packet, outermost first. */
struct encapsulation {
	enum encap_kind kind;
	struct src_pos pos;
	/* GRE: the fields written (flags, protocol, key, seq ...) as name=value
	 * pairs; kept generic because GRE's syntax has many optional parts. */
	struct expr *gre_fields; /* EXPR_STRUCT, or NULL */
	struct mpls_label *labels;
	size_t label_count;
};

/* An explicit outer IP header: `IPV4 a.b.c.d > e.f.g.h:` */
struct ip_header_spec {
	int version;            /* 4 or 6 */
	char *src, *dst;        /* textual addresses as written */
};

enum packet_kind { PKT_TCP, PKT_UDP, PKT_ICMP };

struct packet {
	enum packet_direction dir;
	enum packet_kind kind;
	struct ip_header_spec *ip;   /* NULL: script's default addresses */
	struct encapsulation *encaps;
	size_t encap_count;
	enum ecn_mark ecn;
	bool has_tos;       uint8_t tos;
	bool has_ttl;       uint8_t ttl;
	bool has_flowlabel; uint32_t flowlabel;
	union {
		struct tcp_packet tcp;
		struct udp_packet udp;
		struct icmp_packet icmp;
	} u;
	struct src_pos pos;  /* of the direction '<' or '>' */
};

/* --------------------------------------------------------- system calls */

struct syscall {
	char *name;             /* "socket", "write", ... */
	struct expr_list args;
	struct expr *result;    /* the value after '=' (EXPR_INT, EXPR_WORD or EXPR_ELLIPSIS) */
	char *errno_name;       /* "EINPROGRESS" or NULL */
	char *errno_text;       /* "(Operation now in progress)" without parentheses, or NULL */
	bool blocking;          /* `start...end call()` */
	struct event_time end;  /* when blocking: the end time as written */
	/* Filled by the checks: index into the call table, resolved errno. */
	int call_id;
	int errno_value;
	struct src_pos pos;       /* of the call's name */
	struct src_pos errno_pos; /* of the errno name, when given */
};

/* ---------------------------------------------------------------- events */

enum event_kind {
	EVENT_PACKET,
	EVENT_SYSCALL,
	EVENT_COMMAND, /* `shell command` */
	EVENT_CODE,    /* %{ python }%   */
};

struct event {
	enum event_kind kind;
	struct src_pos pos;       /* of the event's time */
	struct event_time time;
	bool time_omitted;        /* init command before the first event: no time written */
	union {
		struct packet *packet;
		struct syscall *syscall;
		char *command;        /* text between the backticks */
		char *code;           /* text between %{ and }% */
	} u;
};

/* --------------------------------------------------------------- options */

/* `--name=value` lines at the top of a script. */
struct script_option {
	char *name;   /* without the leading dashes */
	char *value;  /* NULL for a bare flag */
	struct src_pos pos;
};

struct script {
	char *path;
	struct script_option *options;
	size_t option_count;
	struct event *events;
	size_t event_count;
};

/* Free a whole tree; NULL is fine. */
void script_free(struct script *s);

#endif
