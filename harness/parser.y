/* The grammar of packetdrill scripts (Linux and FreeBSD dialects), built
 * from the language description: every event is a time and an action. */
%code requires {
#include <stdbool.h>
#include <stdint.h>
#include "ast.h"
#include "frontend.h"
#include "define_columns.h"

/* Everything one parse needs; the scanner's extra data too. */
struct parse_ctx {
	struct script *script;
	struct diag *err;
	bool failed;
	int line, col;          /* scanner position, in the substituted text */
	struct col_map *cols;   /* -D substitutions, to report original columns */
	int err_phase;          /* errno-text detector, see lexer.l */
	int tok_line, tok_col;  /* start of a multi-line token */
	char *buf;              /* text of a multi-line token */
	size_t buf_len, buf_cap;
	bool seen_event;
	char last_text[48];     /* text of the last token, for syntax errors */
	int recent[3];          /* the last three tokens, the lookahead last */
	int recent_line;        /* line of recent[2] */
};

struct int_token { int64_t num; char *text; bool overflow; };
struct str_token { char *bytes; size_t len; };
struct seq_spec { bool any; uint32_t start, end, len; };
struct tcp_fields {
	bool has_ack, has_win, has_urg;
	uint32_t ack, win, urg;
};

void parse_error_at(struct parse_ctx *ctx, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
}

%code provides {
int vw_yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
#define yylex vw_yylex
}

%code {
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ast_build.h"

#define POS(l) ((struct src_pos){ (l).first_line, (l).first_column })
/* Record the first error and carry on with a safe value: the scanner
 * then ends the input, and the parser's destructors free the stack. */
#define FAIL(l, ...) parse_error_at(ctx, (l).first_line, (l).first_column, __VA_ARGS__)

static void yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx, const char *msg)
{
	(void)scanner;
	/* Bison's only other message is its stack limit. */
	if (!strcmp(msg, "memory exhausted"))
		msg = "script nested too deeply (parser stack exhausted)";
	parse_error_at(ctx, loc->first_line, loc->first_column, "%s", msg);
}

/* A number used as a number must fit; `what` names it in the error. */
#define NUM_IN(tok, l, lo, hi, what) do { \
	if ((tok).overflow || (tok).num < (int64_t)(lo) || (tok).num > (int64_t)(hi)) \
		FAIL(l, "%s out of range: %s (expected %lld..%lld)", what, (tok).text, (long long)(lo), (long long)(hi)); \
} while (0)

static bool time_from_text(const char *text, int64_t *usecs);
static char *icmp_number_text(struct int_token *tok, YYLTYPE loc, struct parse_ctx *ctx);
static bool result_form(const struct expr *e);
static void append_event(struct parse_ctx *ctx, struct event *ev);
static struct tcp_option *generic_option(uint8_t kind, int length, const char *data,
					 struct src_pos pos, struct parse_ctx *ctx, YYLTYPE data_loc);
}

%define api.pure full

%define parse.error custom
%locations
%lex-param { void *scanner }
%parse-param { void *scanner } { struct parse_ctx *ctx }

%union {
	struct int_token intv;
	struct str_token strv;
	char *str;
	struct expr *expr;
	struct packet *pkt;
	struct tcp_options *opts;
	struct tcp_option *opt;
	struct syscall *sc;
	struct event_time tm;
	struct seq_spec seq;
	struct tcp_fields tf;
	struct encapsulation *encap;
}

%token <intv> INTEGER "an integer"
%token <intv> ICMP_CODE_NUM "an ICMP code number"
%token <str> FLOAT "a number"
%token <str> WORD "a name" FLAGSTR "TCP flags" OPTION "an option line" COMMAND "a command"
%token <str> CODE "a code block" ERRTEXT "errno text ()" IPV4ADDR "an IPv4 address"
%token <str> IPV6ADDR "an IPv6 address" ECN "an ECN mark"
%token <strv> STRING "a string"
%token ELLIPSIS "..." EXPFO "exp-FO" ACK "ack" WIN "win" URG "urg" MSS "mss"
%token WSCALE "wscale" SACKOK "sackOK" SACK "sack" TS "TS" VAL "val"
%token ECR "ecr" NOP "nop" EOL "eol" FO "FO" MD5 "md5" KIND "kind"
%token LENGTH "length" MTU "mtu" UDP "udp" ICMP "icmp" TOS "tos" TTL "ttl"
%token FLOWLABEL "flowlabel" IPV4 "IPV4" IPV6 "IPV6" GRE "GRE" MPLS "MPLS"
%token LEX_ERROR "an invalid token"

%type <tm> time time_value
%type <pkt> packet packet_head packet_body tcp_packet icmp_packet
%type <opts> tcp_options option_list
%type <opt> tcp_option
%type <sc> syscall
%type <expr> expr term opt_args args field_list list_items field encap_items sack_blocks
%type <seq> seq
%type <tf> tcp_fields
%type <str> cookie keyword_name kw_name opt_errno_text icmp_word
%type <encap> encap

%destructor { free($$.text); } <intv>
%destructor { free($$.bytes); } <strv>
%destructor { free($$); } <str>
%destructor { expr_free($$); } <expr>
%destructor { packet_free($$); } <pkt>
%destructor { tcp_options_free($$); } <opts>
%destructor { tcp_option_free($$); } <opt>
%destructor { syscall_free($$); } <sc>
%destructor { encapsulation_free($$); } <encap>

%%

script
	: %empty
	| script event
	| script OPTION {
		if (!script_add_option(ctx->script, $2))
			FAIL(@2, "bad option '--%s': expected --name or --name=value", ctx->script->options[ctx->script->option_count - 1].name);
		ctx->script->options[ctx->script->option_count - 1].pos = POS(@2);
	}
	;

event
	: time action_packet
	| time syscall {
		struct event *ev = event_new(EVENT_SYSCALL, POS(@1));
		ev->time = $1;
		ev->u.syscall = $2;
		append_event(ctx, ev);
	}
	| time ELLIPSIS time_value syscall {
		if ($1.kind == TIME_ANY || $1.has_range)
			FAIL(@1, "a blocking call's start time must be a plain time");
		if ($3.has_range)
			FAIL(@3, "a blocking call's end time must be a plain time");
		struct event *ev = event_new(EVENT_SYSCALL, POS(@1));
		ev->time = $1;
		$4->blocking = true;
		$4->end = $3;
		ev->u.syscall = $4;
		append_event(ctx, ev);
	}
	| time COMMAND {
		struct event *ev = event_new(EVENT_COMMAND, POS(@1));
		ev->time = $1;
		ev->u.command = $2;
		append_event(ctx, ev);
	}
	| time CODE {
		struct event *ev = event_new(EVENT_CODE, POS(@1));
		ev->time = $1;
		ev->u.code = $2;
		append_event(ctx, ev);
	}
	| COMMAND {
		struct event *ev = event_new(EVENT_COMMAND, POS(@1));
		ev->time_omitted = true;
		ev->time.kind = TIME_RELATIVE;
		ev->u.command = $1;
		append_event(ctx, ev);
	}
	| CODE {
		struct event *ev = event_new(EVENT_CODE, POS(@1));
		ev->time_omitted = true;
		ev->time.kind = TIME_RELATIVE;
		ev->u.code = $1;
		append_event(ctx, ev);
	}
	;

action_packet
	: packet {
		struct event *ev = event_new(EVENT_PACKET, POS(@0));
		ev->time = $<tm>0;
		ev->u.packet = $1;
		append_event(ctx, ev);
	}
	;

time
	: '*' {
		$$ = (struct event_time){ .kind = TIME_ANY };
	}
	| time_value
	| time_value '~' time_value {
		if ($3.has_range)
			FAIL(@3, "a time range has one '~'");
		if ($1.kind != $3.kind)
			FAIL(@3, "both ends of a time range must be absolute, or both relative with '+'");
		$$ = $1;
		$$.has_range = true;
		$$.range_relative = $3.kind == TIME_RELATIVE;
		$$.range_usecs = $3.usecs;
	}
	;

time_value
	: INTEGER {
		int64_t us = 0;
		bool ok = !$1.overflow && $1.text[0] != '-' && time_from_text($1.text, &us);
		free($1.text);
		if (!ok)
			FAIL(@1, "bad time: expected seconds such as 0.100");
		$$ = (struct event_time){ .kind = TIME_ABSOLUTE, .usecs = us };
	}
	| FLOAT {
		int64_t us = 0;
		bool ok = time_from_text($1, &us);
		free($1);
		if (!ok)
			FAIL(@1, "time out of range");
		$$ = (struct event_time){ .kind = TIME_ABSOLUTE, .usecs = us };
	}
	| '+' INTEGER {
		int64_t us = 0;
		bool ok = !$2.overflow && $2.text[0] != '-' && time_from_text($2.text, &us);
		free($2.text);
		if (!ok)
			FAIL(@2, "bad time: expected seconds such as 0.100");
		$$ = (struct event_time){ .kind = TIME_RELATIVE, .usecs = us };
	}
	| '+' FLOAT {
		int64_t us = 0;
		bool ok = time_from_text($2, &us);
		free($2);
		if (!ok)
			FAIL(@2, "time out of range");
		$$ = (struct event_time){ .kind = TIME_RELATIVE, .usecs = us };
	}
	;

/* ------------------------------------------------------------- packets */

packet
	: '<' packet_head packet_body {
		$$ = packet_merge($2, $3);
		$$->dir = DIR_INBOUND;
		$$->pos = POS(@1);
	}
	| '>' packet_head packet_body {
		$$ = packet_merge($2, $3);
		$$->dir = DIR_OUTBOUND;
		$$->pos = POS(@1);
	}
	;

packet_head
	: %empty { $$ = packet_new(); }
	| packet_head ECN {
		$$ = $1;
		if ($$->ecn != ECN_UNSPECIFIED)
			FAIL(@2, "a packet has one ECN mark");
		$$->ecn = ecn_from_name($2);
		free($2);
	}
	| packet_head '(' TOS INTEGER ')' {
		$$ = $1;
		NUM_IN($4, @4, 0, 255, "tos");
		$$->has_tos = true;
		$$->tos = (uint8_t)$4.num;
		free($4.text);
	}
	| packet_head '(' TTL INTEGER ')' {
		$$ = $1;
		NUM_IN($4, @4, 0, 255, "ttl");
		$$->has_ttl = true;
		$$->ttl = (uint8_t)$4.num;
		free($4.text);
	}
	| packet_head '(' FLOWLABEL INTEGER ')' {
		$$ = $1;
		NUM_IN($4, @4, 0, 0xfffff, "flowlabel");
		$$->has_flowlabel = true;
		$$->flowlabel = (uint32_t)$4.num;
		free($4.text);
	}
	| packet_head IPV4 IPV4ADDR '>' IPV4ADDR ':' {
		$$ = $1;
		if ($$->ip || $$->encap_count) {
			FAIL(@2, "an explicit IP header comes once, before any encapsulation");
			free($3); free($5);
		} else {
			$$->ip = ip_header_new(4, $3, $5);
		}
	}
	| packet_head IPV6 IPV6ADDR '>' IPV6ADDR ':' {
		$$ = $1;
		if ($$->ip || $$->encap_count) {
			FAIL(@2, "an explicit IP header comes once, before any encapsulation");
			free($3); free($5);
		} else {
			$$->ip = ip_header_new(6, $3, $5);
		}
	}
	| packet_head encap {
		$$ = $1;
		packet_add_encap($$, $2);
	}
	;

encap
	: GRE encap_items ':' {
		$$ = encapsulation_new(ENCAP_GRE, POS(@1));
		$$->gre_fields = $2;
	}
	| GRE ELLIPSIS ':' {
		/* The language page's own spelling: a GRE header with no options. */
		$$ = encapsulation_new(ENCAP_GRE, POS(@1));
		$$->gre_fields = expr_new_struct(POS(@2));
	}
	| MPLS ELLIPSIS ':' {
		/* One entry with the defaults: label 0, tc 0, ttl 64, bottom. */
		$$ = encapsulation_new(ENCAP_MPLS, POS(@1));
		struct expr *items = expr_new_struct(POS(@2));
		struct_add_field(items, xstrdup("label"), NULL, expr_new_int(0, POS(@2)), POS(@2));
		mpls_labels_from_items($$, items);
		expr_free(items);
	}
	| MPLS encap_items ':' {
		$$ = encapsulation_new(ENCAP_MPLS, POS(@1));
		if (!mpls_labels_from_items($$, $2)) {
			parse_error_at(ctx, @1.first_line, @1.first_column,
				       "bad MPLS header: expected label N [tc N] [ttl N] [S], ...");
			expr_free($2);
			encapsulation_free($$);
			YYABORT;
		}
		expr_free($2);
	}
	;

/* `name value` pairs (or bare names), optionally comma separated. */
encap_items
	: %empty { $$ = expr_new_struct(POS(@$)); }
	| encap_items ',' { $$ = $1; }
	| encap_items keyword_name { $$ = $1; struct_add_field($$, $2, NULL, NULL, POS(@2)); }
	| encap_items keyword_name INTEGER {
		$$ = $1;
		if ($3.overflow)
			FAIL(@3, "number out of range: %s", $3.text);
		struct_add_field($$, $2, NULL, expr_new_int($3.num, POS(@3)), POS(@2));
		free($3.text);
	}
	;

packet_body
	: tcp_packet
	| UDP '(' INTEGER ')' {
		NUM_IN($3, @3, 0, 65535, "UDP payload length");
		$$ = packet_new();
		$$->kind = PKT_UDP;
		$$->u.udp.payload_len = (uint32_t)$3.num;
		free($3.text);
	}
	| ICMP icmp_packet { $$ = $2; }
	;

tcp_packet
	: FLAGSTR seq tcp_fields tcp_options {
		$$ = packet_new();
		$$->kind = PKT_TCP;
		struct tcp_packet *t = &$$->u.tcp;
		if (!tcp_flags_parse($1, &t->flags)) {
			parse_error_at(ctx, @1.first_line, @1.first_column,
				       "bad TCP flags '%s': expected letters of SFRPUEW and '.', or '-'", $1);
			free($1);
			packet_free($$);
			tcp_options_free($4);
			YYABORT;
		}
		snprintf(t->flags_text, sizeof(t->flags_text), "%s", $1);
		free($1);
		t->seq_any = $2.any;
		t->seq_start = $2.start;
		t->seq_end = $2.end;
		t->payload_len = $2.len;
		t->has_ack = $3.has_ack; t->ack = $3.ack;
		t->has_win = $3.has_win; t->win = $3.win;
		t->has_urg = $3.has_urg; t->urg = $3.urg;
		t->options = $4;
		t->seq_pos = POS(@2);
	}
	;

seq
	: ELLIPSIS { $$ = (struct seq_spec){ .any = true }; }
	| INTEGER ':' INTEGER '(' INTEGER ')' {
		NUM_IN($1, @1, 0, UINT32_MAX, "sequence number");
		NUM_IN($3, @3, 0, UINT32_MAX, "sequence number");
		NUM_IN($5, @5, 0, UINT32_MAX, "payload length");
		$$ = (struct seq_spec){ false, (uint32_t)$1.num, (uint32_t)$3.num, (uint32_t)$5.num };
		free($1.text); free($3.text); free($5.text);
	}
	;

tcp_fields
	: %empty { $$ = (struct tcp_fields){ 0 }; }
	| tcp_fields ACK INTEGER {
		$$ = $1;
		if ($$.has_ack) FAIL(@2, "'ack' given twice");
		NUM_IN($3, @3, 0, UINT32_MAX, "ack");
		$$.has_ack = true; $$.ack = (uint32_t)$3.num; free($3.text);
	}
	| tcp_fields WIN INTEGER {
		$$ = $1;
		if ($$.has_win) FAIL(@2, "'win' given twice");
		NUM_IN($3, @3, 0, 65535, "window");
		$$.has_win = true; $$.win = (uint32_t)$3.num; free($3.text);
	}
	| tcp_fields URG INTEGER {
		$$ = $1;
		if ($$.has_urg) FAIL(@2, "'urg' given twice");
		NUM_IN($3, @3, 0, 65535, "urgent pointer");
		$$.has_urg = true; $$.urg = (uint32_t)$3.num; free($3.text);
	}
	;

tcp_options
	: %empty { $$ = NULL; }
	| '<' ELLIPSIS '>' { $$ = tcp_options_new(); $$->any = true; }
	| '<' option_list '>' { $$ = $2; }
	;

option_list
	: tcp_option { $$ = tcp_options_new(); tcp_options_add($$, $1); }
	| option_list ',' tcp_option { $$ = $1; tcp_options_add($$, $3); }
	;

tcp_option
	: NOP { $$ = tcp_option_new(OPT_NOP, POS(@1)); }
	| EOL { $$ = tcp_option_new(OPT_EOL, POS(@1)); }
	| MSS INTEGER {
		NUM_IN($2, @2, 0, 65535, "mss");
		$$ = tcp_option_new(OPT_MSS, POS(@1));
		$$->u.mss = (uint16_t)$2.num;
		free($2.text);
	}
	| WSCALE INTEGER {
		NUM_IN($2, @2, 0, 255, "wscale");
		$$ = tcp_option_new(OPT_WSCALE, POS(@1));
		$$->u.wscale = (uint8_t)$2.num;
		free($2.text);
	}
	| SACKOK { $$ = tcp_option_new(OPT_SACK_PERMITTED, POS(@1)); }
	| SACK sack_blocks {
		$$ = tcp_option_new(OPT_SACK, POS(@1));
		sack_from_list($$, $2);
		expr_free($2);
	}
	| TS VAL INTEGER ECR INTEGER {
		NUM_IN($3, @3, 0, UINT32_MAX, "TS val");
		NUM_IN($5, @5, 0, UINT32_MAX, "TS ecr");
		$$ = tcp_option_new(OPT_TIMESTAMP, POS(@1));
		$$->u.ts.val = (uint32_t)$3.num;
		$$->u.ts.ecr = (uint32_t)$5.num;
		free($3.text); free($5.text);
	}
	| FO { $$ = tcp_option_new(OPT_FASTOPEN, POS(@1)); }
	| FO cookie {
		$$ = tcp_option_new(OPT_FASTOPEN, POS(@1));
		if (!hex_decode($2, &$$->u.cookie.bytes, &$$->u.cookie.len)) {
			parse_error_at(ctx, @2.first_line, @2.first_column,
				       "bad fast open cookie '%s': expected an even number of hex digits", $2);
			free($2); tcp_option_free($$); YYABORT;
		}
		$$->u.cookie.has_cookie = true;
		free($2);
	}
	| EXPFO { $$ = tcp_option_new(OPT_EXP_FASTOPEN, POS(@1)); }
	| EXPFO cookie {
		$$ = tcp_option_new(OPT_EXP_FASTOPEN, POS(@1));
		if (!hex_decode($2, &$$->u.cookie.bytes, &$$->u.cookie.len)) {
			parse_error_at(ctx, @2.first_line, @2.first_column,
				       "bad fast open cookie '%s': expected an even number of hex digits", $2);
			free($2); tcp_option_free($$); YYABORT;
		}
		$$->u.cookie.has_cookie = true;
		free($2);
	}
	| MD5 { $$ = tcp_option_new(OPT_MD5, POS(@1)); }
	| MD5 cookie {
		$$ = tcp_option_new(OPT_MD5, POS(@1));
		if (!hex_decode($2, &$$->u.md5.bytes, &$$->u.md5.len)) {
			parse_error_at(ctx, @2.first_line, @2.first_column,
				       "bad md5 digest '%s': expected an even number of hex digits", $2);
			free($2); tcp_option_free($$); YYABORT;
		}
		free($2);
	}
	| KIND INTEGER {
		NUM_IN($2, @2, 0, 255, "option kind");
		$$ = generic_option((uint8_t)$2.num, -1, NULL, POS(@1), ctx, @1);
		free($2.text);
		if (!$$) YYABORT;
	}
	| KIND INTEGER LENGTH INTEGER {
		NUM_IN($2, @2, 0, 255, "option kind");
		NUM_IN($4, @4, 0, 255, "option length");
		$$ = generic_option((uint8_t)$2.num, (int)$4.num, NULL, POS(@1), ctx, @1);
		free($2.text); free($4.text);
		if (!$$) YYABORT;
	}
	| KIND INTEGER cookie {
		NUM_IN($2, @2, 0, 255, "option kind");
		$$ = generic_option((uint8_t)$2.num, -1, $3, POS(@1), ctx, @3);
		free($2.text); free($3);
		if (!$$) YYABORT;
	}
	| KIND INTEGER LENGTH INTEGER cookie {
		NUM_IN($2, @2, 0, 255, "option kind");
		NUM_IN($4, @4, 0, 255, "option length");
		$$ = generic_option((uint8_t)$2.num, (int)$4.num, $5, POS(@1), ctx, @5);
		free($2.text); free($4.text); free($5);
		if (!$$) YYABORT;
	}
	;

sack_blocks
	: INTEGER ':' INTEGER {
		NUM_IN($1, @1, 0, UINT32_MAX, "sack block edge");
		NUM_IN($3, @3, 0, UINT32_MAX, "sack block edge");
		$$ = expr_new_list(POS(@1));
		list_add($$, expr_new_int($1.num, POS(@1)));
		list_add($$, expr_new_int($3.num, POS(@3)));
		free($1.text); free($3.text);
	}
	| sack_blocks INTEGER ':' INTEGER {
		$$ = $1;
		NUM_IN($2, @2, 0, UINT32_MAX, "sack block edge");
		NUM_IN($4, @4, 0, UINT32_MAX, "sack block edge");
		list_add($$, expr_new_int($2.num, POS(@2)));
		list_add($$, expr_new_int($4.num, POS(@4)));
		free($2.text); free($4.text);
	}
	;

cookie
	: WORD
	| INTEGER { $$ = $1.text; }
	;

icmp_word
	: WORD
	| INTEGER { $$ = icmp_number_text(&$1, @1, ctx); }
	;

icmp_packet
	: icmp_word {
		$$ = packet_new();
		$$->kind = PKT_ICMP;
		$$->u.icmp.type_name = $1;
		$$->u.icmp.type_pos = POS(@1);
	}
	| icmp_packet WORD {
		$$ = $1;
		if ($$->u.icmp.code_name || $$->u.icmp.has_mtu || $$->u.icmp.has_quote || $$->u.icmp.quote_any) {
			FAIL(@2, "unexpected '%s' in ICMP packet", $2);
			free($2);
		} else {
			$$->u.icmp.code_name = $2;
		}
		$$->u.icmp.code_pos = POS(@2);
	}
	| icmp_packet ICMP_CODE_NUM {
		/* The lexer makes a number on the ICMP type's line its code, so a
		 * number on the next line still starts the next event. */
		$$ = $1;
		char *code = icmp_number_text(&$2, @2, ctx);
		if ($$->u.icmp.code_name) {
			FAIL(@2, "unexpected '%s' in ICMP packet", code);
			free(code);
		} else {
			$$->u.icmp.code_name = code;
		}
		$$->u.icmp.code_pos = POS(@2);
	}
	| icmp_packet MTU INTEGER {
		$$ = $1;
		if ($$->u.icmp.has_mtu || $$->u.icmp.has_quote || $$->u.icmp.quote_any) FAIL(@2, "unexpected 'mtu'");
		NUM_IN($3, @3, 0, UINT32_MAX, "mtu");
		$$->u.icmp.has_mtu = true;
		$$->u.icmp.mtu = (uint32_t)$3.num;
		free($3.text);
	}
	| icmp_packet '[' INTEGER ':' INTEGER '(' INTEGER ')' ']' {
		$$ = $1;
		if ($$->u.icmp.has_quote || $$->u.icmp.quote_any) FAIL(@2, "an ICMP packet quotes one segment");
		NUM_IN($3, @3, 0, UINT32_MAX, "sequence number");
		NUM_IN($5, @5, 0, UINT32_MAX, "sequence number");
		NUM_IN($7, @7, 0, UINT32_MAX, "payload length");
		$$->u.icmp.has_quote = true;
		$$->u.icmp.quote_proto = 6;
		$$->u.icmp.quote_start = (uint32_t)$3.num;
		$$->u.icmp.quote_end = (uint32_t)$5.num;
		$$->u.icmp.quote_len = (uint32_t)$7.num;
		free($3.text); free($5.text); free($7.text);
	}
	| icmp_packet '[' ELLIPSIS ']' {
		/* Any quoted segment: the harness picks it, as when none is written. */
		$$ = $1;
		if ($$->u.icmp.has_quote || $$->u.icmp.quote_any) FAIL(@2, "an ICMP packet quotes one segment");
		$$->u.icmp.quote_any = true;
	}
	| icmp_packet '[' UDP '(' INTEGER ')' ']' {
		$$ = $1;
		if ($$->u.icmp.has_quote || $$->u.icmp.quote_any) FAIL(@2, "an ICMP packet quotes one segment");
		NUM_IN($5, @5, 0, 65535, "UDP payload length");
		$$->u.icmp.has_quote = true;
		$$->u.icmp.quote_proto = 17;
		$$->u.icmp.quote_len = (uint32_t)$5.num;
		free($5.text);
	}
	;

/* --------------------------------------------------------- system calls */

syscall
	: WORD '(' opt_args ')' '=' expr opt_errno_text {
		$$ = syscall_new($1, $3);
		$$->result = $6;
		if (!result_form($6)) {
			FAIL(@6, "a call's result is a number, a name, a flag set A|B or '...'");
		}
		$$->errno_text = $7;
		$$->pos = POS(@1);
	}
	| WORD '(' opt_args ')' '=' expr WORD opt_errno_text {
		$$ = syscall_new($1, $3);
		$$->result = $6;
		if (!result_form($6)) {
			FAIL(@6, "a call's result is a number, a name, a flag set A|B or '...'");
		}
		$$->errno_name = $7;
		$$->errno_text = $8;
		$$->pos = POS(@1);
		$$->errno_pos = POS(@7);
	}
	;

opt_errno_text
	: %empty { $$ = NULL; }
	| ERRTEXT
	;

opt_args
	: %empty { $$ = expr_new_list(POS(@$)); }
	| args
	;

args
	: expr { $$ = expr_new_list(POS(@1)); list_add($$, $1); }
	| args ',' expr { $$ = $1; list_add($$, $3); }
	;

expr
	: term
	| expr '|' term {
		$$ = expr_new_binop('|', $1, $3, POS(@1));
		if ($$->depth > EXPR_MAX_DEPTH) FAIL(@2, "expression nested too deeply");
	}
	;

term
	: ELLIPSIS { $$ = expr_new(EXPR_ELLIPSIS, POS(@1)); }
	| INTEGER {
		if ($1.overflow)
			FAIL(@1, "number out of range: %s", $1.text);
		$$ = expr_new_int($1.num, POS(@1));
		free($1.text);
	}
	| WORD { $$ = expr_new_word($1, POS(@1)); }
	| FLAGSTR { $$ = expr_new_word($1, POS(@1)); }
	| STRING { $$ = expr_new_string($1.bytes, $1.len, POS(@1)); }
	| '[' ']' { $$ = expr_new_list(POS(@1)); }
	| '[' list_items ']' {
		$$ = $2;
		$$->pos = POS(@1);
		if ($$->depth > EXPR_MAX_DEPTH) FAIL(@1, "expression nested too deeply");
	}
	| '{' '}' { $$ = expr_new_struct(POS(@1)); }
	| '{' field_list '}' {
		$$ = $2;
		$$->pos = POS(@1);
		if ($$->depth > EXPR_MAX_DEPTH) FAIL(@1, "expression nested too deeply");
	}
	| '{' field_list ',' '}' { $$ = $2; $$->pos = POS(@1); }
	| WORD '(' opt_args ')' {
		$$ = expr_new_call($1, $3, POS(@1));
		if ($$->depth > EXPR_MAX_DEPTH) FAIL(@1, "expression nested too deeply");
	}
	;

list_items
	: expr { $$ = expr_new_list(POS(@1)); list_add($$, $1); }
	| list_items ',' expr { $$ = $1; list_add($$, $3); }
	;

field_list
	: field { $$ = expr_new_struct(POS(@1)); struct_take_field($$, $1); }
	| field_list ',' field { $$ = $1; struct_take_field($$, $3); }
	;

/* A field is `name=value`, `name(arg)=value`, or a bare value. The field
 * holder is an EXPR_STRUCT with one field, merged by struct_take_field. */
field
	: expr {
		$$ = expr_new_struct(POS(@1));
		struct_add_field($$, NULL, NULL, $1, POS(@1));
	}
	| expr '=' expr {
		char *name = NULL;
		struct expr *arg = NULL;
		if (!field_name_from_expr($1, &name, &arg)) {
			FAIL(@1, "expected a field name before '='");
			expr_free($1);
			name = xstrdup("?");
		}
		$$ = expr_new_struct(POS(@1));
		struct_add_field($$, name, arg, $3, POS(@1));
	}
	| kw_name '=' expr {
		$$ = expr_new_struct(POS(@1));
		struct_add_field($$, $1, NULL, $3, POS(@1));
	}
	;

/* Names that are keywords elsewhere but may name a field. */
keyword_name
	: WORD
	| FLAGSTR
	| kw_name
	;

kw_name
	: ACK { $$ = xstrdup("ack"); } | WIN { $$ = xstrdup("win"); }
	| URG { $$ = xstrdup("urg"); } | MSS { $$ = xstrdup("mss"); }
	| WSCALE { $$ = xstrdup("wscale"); } | SACK { $$ = xstrdup("sack"); }
	| VAL { $$ = xstrdup("val"); } | ECR { $$ = xstrdup("ecr"); }
	| KIND { $$ = xstrdup("kind"); } | LENGTH { $$ = xstrdup("length"); }
	| MTU { $$ = xstrdup("mtu"); } | TOS { $$ = xstrdup("tos"); }
	| TTL { $$ = xstrdup("ttl"); } | FLOWLABEL { $$ = xstrdup("flowlabel"); }
	;

%%

void parse_error_at(struct parse_ctx *ctx, int line, int col, const char *fmt, ...)
{
	if (ctx->failed)
		return; /* keep the first error */
	ctx->failed = true;
	ctx->err->line = line;
	ctx->err->column = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->err->message, sizeof(ctx->err->message), fmt, ap);
	va_end(ap);
}

/* A call's result: `...`, a number, a name, or names and numbers joined
 * by '|' (fcntl(F_GETFL) = O_RDWR|O_NONBLOCK). */
static bool result_form(const struct expr *e)
{
	if (e->kind == EXPR_BINOP)
		return e->u.binop.lhs->kind != EXPR_ELLIPSIS && result_form(e->u.binop.lhs) &&
		       e->u.binop.rhs->kind != EXPR_ELLIPSIS && result_form(e->u.binop.rhs);
	return e->kind == EXPR_INT || e->kind == EXPR_WORD || e->kind == EXPR_ELLIPSIS;
}

/* An ICMP type or code written as a number (0..255, decimal or 0x hex),
 * kept as its decimal text so printing gives one spelling. */
static char *icmp_number_text(struct int_token *tok, YYLTYPE loc, struct parse_ctx *ctx)
{
	NUM_IN(*tok, loc, 0, 255, "ICMP type or code");
	char *text = malloc(8);
	if (!text)
		abort();
	snprintf(text, 8, "%d", (int)(tok->overflow || tok->num < 0 || tok->num > 255 ? 0 : tok->num));
	free(tok->text);
	return text;
}

/* Seconds as written ("0.100", ".1", "3") to microseconds, exactly. */
static bool time_from_text(const char *text, int64_t *usecs)
{
	int64_t secs = 0, frac = 0;
	const char *p = text;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (secs > 1000000000)
			return false;
		secs = secs * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		int digits = 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 6)
				frac = frac * 10 + (*p - '0');
		for (; digits < 6; digits++)
			frac *= 10;
	}
	*usecs = secs * 1000000 + frac;
	return true;
}

/* `kind N [length L] [HEXDATA]`: a raw option; NULL (error set) on bad data. */
static struct tcp_option *generic_option(uint8_t kind, int length, const char *data,
					 struct src_pos pos, struct parse_ctx *ctx, YYLTYPE data_loc)
{
	struct tcp_option *opt = tcp_option_new(OPT_GENERIC, pos);
	opt->u.generic.kind = kind;
	opt->u.generic.length = length;
	if (data && !hex_decode(data, &opt->u.generic.data, &opt->u.generic.data_len)) {
		parse_error_at(ctx, data_loc.first_line, data_loc.first_column,
			       "bad option data '%s': expected an even number of hex digits", data);
		tcp_option_free(opt);
		return NULL;
	}
	return opt;
}

static void append_event(struct parse_ctx *ctx, struct event *ev)
{
	script_add_event(ctx->script, ev);
	ctx->seen_event = true;
}

/* A token's name for messages: keywords and characters quoted, token
 * classes ("an integer") as they are. */
static const char *symbol_text(yysymbol_kind_t sym, char *buf, size_t len)
{
	const char *name = yysymbol_name(sym);
	size_t n = strlen(name);
	if (n >= 2 && (name[0] == '"' || name[0] == '\'')) {
		name++;
		n -= 2;
	}
	if (memchr(name, ' ', n))
		snprintf(buf, len, "%.*s", (int)n, name);
	else
		snprintf(buf, len, "'%.*s'", (int)n, name);
	return buf;
}

/* Where in a packet a lone expected token is, from the tokens before the
 * offending one. */
static const char *syntax_hint(const struct parse_ctx *ctx, const yysymbol_kind_t *want, int n)
{
	if (n != 1)
		return NULL;
	const int *r = ctx->recent; /* r[2] is the offending token */
	if (!strcmp(yysymbol_name(want[0]), "':'") && r[1] == INTEGER && r[0] == FLAGSTR)
		return "after sequence number start";
	if (!strcmp(yysymbol_name(want[0]), "'('") && r[1] == INTEGER && r[0] == ':')
		return "before the payload length";
	if (!strcmp(yysymbol_name(want[0]), "')'") && r[1] == INTEGER && r[0] == '(')
		return "after the payload length";
	return NULL;
}

/* Build "syntax error: unexpected X, expected Y or Z" with the column of
 * the offending token. */
static int yyreport_syntax_error(const yypcontext_t *pc, void *scanner, struct parse_ctx *ctx)
{
	(void)scanner;
	if (ctx->failed)
		return 0;
	const YYLTYPE *loc = yypcontext_location(pc);
	yysymbol_kind_t got = yypcontext_token(pc);
	yysymbol_kind_t want[6];
	int n = yypcontext_expected_tokens(pc, want, 6);
	char msg[400], tb1[64], tb2[64];
	size_t off = (size_t)snprintf(msg, sizeof(msg), "syntax error: ");
	if (n > 0 && n <= 5) {
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "expected ");
		for (int i = 0; i < n && off < sizeof(msg); i++)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s",
						i == 0 ? "" : (i == n - 1 ? " or " : ", "),
						symbol_text(want[i], tb2, sizeof(tb2)));
		if (off < sizeof(msg))
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, ", got ");
	} else {
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "not expected here: ");
	}
	if (off < sizeof(msg)) {
		const char *what = got == YYSYMBOL_YYEOF ? "end of file" : symbol_text(got, tb1, sizeof(tb1));
		/* A token class ("a name") gets its text too. */
		if (got != YYSYMBOL_YYEOF && strchr(what, ' ') && ctx->last_text[0] &&
		    got != YYSYMBOL_COMMAND && got != YYSYMBOL_CODE)
			snprintf(msg + off, sizeof(msg) - off, "%s '%s'", what, ctx->last_text);
		else
			snprintf(msg + off, sizeof(msg) - off, "%s", what);
	}
	const char *hint = syntax_hint(ctx, want, n);
	if (hint) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, " (%s)", hint);
	}
	parse_error_at(ctx, loc->first_line, loc->first_column, "%s", msg);
	return 0;
}
