/* Sequence arithmetic modulo 2^32, including wrap-around. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tcp_seq.h"

static void test_ordering_without_wrap(void **state)
{
	assert_true(seq_lt(1, 2));
	assert_false(seq_lt(2, 2));
	assert_true(seq_leq(2, 2));
	assert_true(seq_gt(3, 2));
	assert_true(seq_geq(3, 3));
	assert_false(seq_gt(2, 3));
}

static void test_ordering_across_wrap(void **state)
{
	assert_true(seq_lt(0xfffffff0u, 0x10));
	assert_true(seq_gt(0x10, 0xfffffff0u));
	assert_true(seq_leq(0xffffffffu, 0));
	assert_false(seq_lt(0x10, 0xfffffff0u));
	assert_int_equal(seq_max(0xfffffff0u, 5), 5);
	assert_int_equal(seq_min(0xfffffff0u, 5), 0xfffffff0u);
}

static void test_range_membership(void **state)
{
	assert_true(seq_in(5, 5, 10));
	assert_false(seq_in(10, 5, 10));
	assert_true(seq_in(2, 0xfffffffeu, 3));
	assert_false(seq_in(3, 0xfffffffeu, 3));
	assert_false(seq_in(0xfffffffdu, 0xfffffffeu, 3));
	assert_false(seq_in(7, 7, 7)); /* empty range */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordering_without_wrap),
		cmocka_unit_test(test_ordering_across_wrap),
		cmocka_unit_test(test_range_membership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
