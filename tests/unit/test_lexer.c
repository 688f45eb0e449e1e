/* The scanner alone: token kinds, values and positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ast.h"
#include "parser.h"
#include "lexer.h"

struct lexed {
	int tok[64];
	int line[64], col[64];
	char text[64][64];
	int64_t num[64];
	int count;
	struct diag err;
	bool failed;
};

static void free_value(int tok, YYSTYPE *v)
{
	if (tok == INTEGER || tok == ICMP_CODE_NUM)
		free(v->intv.text);
	else if (tok == STRING)
		free(v->strv.bytes);
	else if (tok == WORD || tok == FLAGSTR || tok == FLOAT || tok == OPTION ||
		 tok == COMMAND || tok == CODE || tok == ERRTEXT || tok == IPV4ADDR ||
		 tok == IPV6ADDR || tok == ECN)
		free(v->str);
}

static void lex(const char *text, struct lexed *out)
{
	memset(out, 0, sizeof(*out));
	struct parse_ctx ctx = { 0 };
	ctx.err = &out->err;
	ctx.line = ctx.col = 1;
	yyscan_t scanner;
	assert_int_equal(vw_yylex_init_extra(&ctx, &scanner), 0);
	YY_BUFFER_STATE buf = vw_yy_scan_bytes(text, (int)strlen(text), scanner);
	for (;;) {
		YYSTYPE v;
		YYLTYPE loc;
		memset(&v, 0, sizeof(v));
		int tok = vw_yylex(&v, &loc, scanner);
		if (tok == 0 || out->count == 64)
			break;
		int i = out->count++;
		out->tok[i] = tok;
		out->line[i] = loc.first_line;
		out->col[i] = loc.first_column;
		if (tok == INTEGER || tok == ICMP_CODE_NUM) {
			out->num[i] = v.intv.num;
			snprintf(out->text[i], sizeof(out->text[i]), "%s", v.intv.text);
		} else if (tok == STRING) {
			snprintf(out->text[i], sizeof(out->text[i]), "%.*s", (int)v.strv.len, v.strv.bytes);
		} else if (tok != LEX_ERROR && (tok == WORD || tok == FLAGSTR || tok == FLOAT || tok == OPTION ||
			   tok == COMMAND || tok == CODE || tok == ERRTEXT || tok == IPV4ADDR ||
			   tok == IPV6ADDR || tok == ECN)) {
			snprintf(out->text[i], sizeof(out->text[i]), "%s", v.str);
		}
		free_value(tok, &v);
		if (tok == LEX_ERROR)
			break;
	}
	out->failed = ctx.failed;
	vw_yy_delete_buffer(buf, scanner);
	vw_yylex_destroy(scanner);
	free(ctx.buf);
}

/* A number after an ICMP type is its code only on the type's own line. */
static void test_icmp_code_number(void **state)
{
	(void)state;
	struct lexed l;
	lex("+0 < icmp unreachable 0x4 mtu 9\n+0 < icmp 3\n4 close", &l);
	assert_int_equal(l.tok[4], WORD);
	assert_int_equal(l.tok[5], ICMP_CODE_NUM);
	assert_int_equal(l.num[5], 4);
	assert_int_equal(l.tok[7], INTEGER); /* mtu's value */
	assert_int_equal(l.tok[12], INTEGER); /* the type */
	assert_int_equal(l.tok[13], INTEGER); /* the next event's time */
	assert_int_equal(l.line[13], 3);
	lex("+0 < icmp 3 port_unreachable 4", &l);
	assert_int_equal(l.tok[5], WORD);
	assert_int_equal(l.tok[6], INTEGER); /* a code is there already */
}

static void test_times_and_ellipsis(void **state)
{
	(void)state;
	struct lexed l;
	lex("+0...0.200 +.1~+.105 * 0", &l);
	int want[] = { '+', INTEGER, ELLIPSIS, FLOAT, '+', FLOAT, '~', '+', FLOAT, '*', INTEGER };
	assert_int_equal(l.count, 11);
	for (int i = 0; i < 11; i++)
		assert_int_equal(l.tok[i], want[i]);
	assert_string_equal(l.text[3], "0.200");
	assert_string_equal(l.text[5], ".1");
	assert_int_equal(l.col[2], 3);
	assert_int_equal(l.col[9], 22);
}

static void test_packet_tokens(void **state)
{
	(void)state;
	struct lexed l;
	lex("< [ect0] S. 0:1000(1000) ack 1 win 257 <mss 1460,sackOK,exp-FO,FOEXP>", &l);
	int want[] = { '<', ECN, FLAGSTR, INTEGER, ':', INTEGER, '(', INTEGER, ')', ACK, INTEGER,
		       WIN, INTEGER, '<', MSS, INTEGER, ',', SACKOK, ',', EXPFO, ',', EXPFO, '>' };
	assert_int_equal(l.count, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < l.count; i++)
		assert_int_equal(l.tok[i], want[i]);
	assert_string_equal(l.text[1], "ect0");
	assert_string_equal(l.text[2], "S.");
	assert_int_equal(l.num[5], 1000);
}

static void test_numbers(void **state)
{
	(void)state;
	struct lexed l;
	lex("0x1f -1 3021b9d889017eeb 192.168.0.1 007", &l);
	assert_int_equal(l.count, 5);
	assert_int_equal(l.tok[0], INTEGER);
	assert_int_equal(l.num[0], 31);
	assert_int_equal(l.num[1], -1);
	assert_int_equal(l.tok[2], WORD); /* a hex cookie starting with digits */
	assert_string_equal(l.text[2], "3021b9d889017eeb");
	assert_int_equal(l.tok[3], IPV4ADDR);
	assert_string_equal(l.text[4], "007"); /* text kept as written */
}

static void test_errno_text(void **state)
{
	(void)state;
	struct lexed l;
	lex("connect(3) = -1 EINPROGRESS (Operation now in progress)", &l);
	assert_int_equal(l.tok[l.count - 1], ERRTEXT);
	assert_string_equal(l.text[l.count - 1], "Operation now in progress");
	lex("fcntl(3) = 0x2 (flags O_RDWR)", &l);
	assert_int_equal(l.tok[l.count - 1], ERRTEXT);
	/* Not after a result: a plain parenthesis. */
	lex("htons(8080)", &l);
	assert_int_equal(l.tok[1], '(');
}

static void test_multiline_tokens_keep_start(void **state)
{
	(void)state;
	struct lexed l;
	lex("// c\n  `a\nb`\n /* x\n y */ %{\nz\n}%", &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.tok[0], COMMAND);
	assert_string_equal(l.text[0], "a\nb");
	assert_int_equal(l.line[0], 2);
	assert_int_equal(l.col[0], 3);
	assert_int_equal(l.tok[1], CODE);
	assert_int_equal(l.line[1], 5);
	assert_int_equal(l.col[1], 7);
}

static void test_strings_decode(void **state)
{
	(void)state;
	struct lexed l;
	lex("\"a\\tb\\\"c\\x41\"", &l);
	assert_int_equal(l.tok[0], STRING);
	assert_string_equal(l.text[0], "a\tb\"cA");
}

static void test_errors(void **state)
{
	(void)state;
	struct lexed l;
	lex("close(3)\n  /* open", &l);
	assert_true(l.failed);
	assert_int_equal(l.err.line, 2);
	assert_int_equal(l.err.column, 3);
	assert_non_null(strstr(l.err.message, "unterminated comment"));
	lex("x $", &l);
	assert_true(l.failed);
	assert_int_equal(l.err.column, 3);
	lex("\"abc", &l);
	assert_true(l.failed);
	assert_non_null(strstr(l.err.message, "unterminated string"));
}

static void test_ipv6_header(void **state)
{
	(void)state;
	struct lexed l;
	lex("IPV6 fd3d::1 > fd3d:fa7b::2: S", &l);
	int want[] = { IPV6, IPV6ADDR, '>', IPV6ADDR, ':', FLAGSTR };
	assert_int_equal(l.count, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(l.tok[i], want[i]);
	assert_string_equal(l.text[3], "fd3d:fa7b::2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times_and_ellipsis),
		cmocka_unit_test(test_icmp_code_number),
		cmocka_unit_test(test_packet_tokens),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_errno_text),
		cmocka_unit_test(test_multiline_tokens_keep_start),
		cmocka_unit_test(test_strings_decode),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ipv6_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
