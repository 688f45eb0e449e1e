/* Option encoding in Linux's layouts, decoding, and malformed lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_options.h"

static void test_syn_layout_all_options(void **state)
{
	struct tcp_opts o = { .mss_ok = true, .mss = 1460, .sack_ok = true, .ts_ok = true,
			      .tsval = 0x01020304, .tsecr = 0, .ws_ok = true, .ws = 7 };
	uint8_t b[40];
	size_t n = tcp_opts_build_syn(b, &o);
	const uint8_t want[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
				 1, 3, 3, 7 };
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(b, want, n);
}

static void test_syn_layouts_without_timestamps(void **state)
{
	uint8_t b[40];
	struct tcp_opts o = { .mss_ok = true, .mss = 1460, .sack_ok = true, .ws_ok = true, .ws = 8 };
	const uint8_t want1[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 8 };
	assert_int_equal(tcp_opts_build_syn(b, &o), sizeof(want1));
	assert_memory_equal(b, want1, sizeof(want1));
	o.sack_ok = false;
	const uint8_t want2[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 8 };
	assert_int_equal(tcp_opts_build_syn(b, &o), sizeof(want2));
	assert_memory_equal(b, want2, sizeof(want2));
	o.ts_ok = true;
	o.tsval = 5;
	size_t n = tcp_opts_build_syn(b, &o); /* mss, nop, nop, TS, nop, wscale */
	assert_int_equal(n, 20);
	assert_int_equal(b[4], 1);
	assert_int_equal(b[5], 1);
	assert_int_equal(b[6], 8);
}

static void test_data_layout_and_roundtrip(void **state)
{
	struct tcp_opts o = { .ts_ok = true, .tsval = 77, .tsecr = 99, .nsack = 2,
			      .sack = { { 10, 20 }, { 30, 40 } } };
	uint8_t b[40];
	size_t n = tcp_opts_build_data(b, &o, 3);
	assert_int_equal(n, 12 + 4 + 16);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[2], 8);
	struct tcp_opts p;
	assert_true(tcp_opts_parse(b, n, false, &p));
	assert_true(p.ts_ok);
	assert_int_equal(p.tsval, 77);
	assert_int_equal(p.tsecr, 99);
	assert_int_equal(p.nsack, 2);
	assert_int_equal(p.sack[1][0], 30);
	assert_int_equal(p.sack[1][1], 40);
	/* the cap on blocks */
	assert_int_equal(tcp_opts_build_data(b, &o, 1), 12 + 4 + 8);
}

static void test_parse_syn_options(void **state)
{
	const uint8_t b[] = { 2, 4, 0x02, 0x18, 1, 3, 3, 15, 4, 2, 0 };
	struct tcp_opts p;
	assert_true(tcp_opts_parse(b, sizeof(b), true, &p));
	assert_true(p.mss_ok);
	assert_int_equal(p.mss, 536);
	assert_true(p.ws_ok);
	assert_int_equal(p.ws, 14); /* RFC 7323: clamp to 14 */
	assert_true(p.sack_ok);
	/* MSS outside a SYN is ignored */
	assert_true(tcp_opts_parse(b, sizeof(b), false, &p));
	assert_false(p.mss_ok);
}

static void test_malformed_lists(void **state)
{
	struct tcp_opts p;
	const uint8_t zero_len[] = { 2, 0, 0, 0 };
	assert_false(tcp_opts_parse(zero_len, sizeof(zero_len), true, &p));
	const uint8_t overrun[] = { 8, 10, 0, 0 };
	assert_false(tcp_opts_parse(overrun, sizeof(overrun), false, &p));
	const uint8_t truncated[] = { 1, 1, 2 };
	assert_false(tcp_opts_parse(truncated, sizeof(truncated), true, &p));
	const uint8_t unknown[] = { 99, 4, 1, 2, 1, 0 };
	assert_true(tcp_opts_parse(unknown, sizeof(unknown), true, &p));
	assert_false(p.mss_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_layout_all_options),
		cmocka_unit_test(test_syn_layouts_without_timestamps),
		cmocka_unit_test(test_data_layout_and_roundtrip),
		cmocka_unit_test(test_parse_syn_options),
		cmocka_unit_test(test_malformed_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
