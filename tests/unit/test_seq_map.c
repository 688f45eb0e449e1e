/* Script <-> live sequence and timestamp mapping, both ways, with
 * wrap-around at 2^32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seq_map.h"

static void test_isn_learned_once(void **state)
{
	struct seq_map m;

	seq_map_init(&m, 0, 4000);
	assert_false(m.local_isn_known);
	seq_map_learn_isn(&m, 0, 1000000);
	assert_true(m.local_isn_known);
	assert_int_equal(m.local_isn, 1000000);
	seq_map_learn_isn(&m, 0, 5); /* later SYNs do not relearn */
	assert_int_equal(m.local_isn, 1000000);
	/* script ack 1 -> live ISN + 1; live seq ISN + 1 -> script 1 */
	assert_int_equal(seq_map_inbound_ack(&m, 1), 1000001);
	assert_int_equal(seq_map_outbound_seq(&m, 1000001), 1);
	assert_int_equal(seq_map_inbound_sack(&m, 1001), 1001001);
}

static void test_isn_nonzero_script_seq(void **state)
{
	struct seq_map m;

	seq_map_init(&m, 0, 4000);
	seq_map_learn_isn(&m, 100, 1100);
	assert_int_equal(m.local_isn, 1000);
	assert_int_equal(seq_map_outbound_seq(&m, 1100), 100);
}

static void test_wraparound(void **state)
{
	struct seq_map m;

	seq_map_init(&m, 0, 4000);
	seq_map_learn_isn(&m, 0, 0xfffffff0u);
	assert_int_equal(seq_map_inbound_ack(&m, 0x20), 0x10);
	assert_int_equal(seq_map_outbound_seq(&m, 0x10), 0x20);
	assert_int_equal(seq_map_outbound_seq(&m, 0xfffffff0u), 0);
	/* A script number past 2^32 - ISN wraps too. */
	assert_int_equal(seq_map_inbound_ack(&m, 0xffffffffu), 0xffffffefu);
}

static void test_ts_offset(void **state)
{
	struct seq_map m;

	seq_map_init(&m, 1000, 4000);
	seq_map_learn_ts(&m, 100, 0xfffffffeu);
	assert_true(m.ts_known);
	assert_int_equal(m.ts_offset, 0xfffffffeu - 100);
	/* The script's ecr 100 is the stack's val 0xfffffffe. */
	assert_int_equal(seq_map_inbound_ecr(&m, 100), 0xfffffffeu);
	assert_int_equal(seq_map_inbound_ecr(&m, 110), 8);
	assert_int_equal(seq_map_outbound_ts_val(&m, 8), 110);
	seq_map_learn_ts(&m, 0, 0);
	assert_int_equal(m.ts_offset, 0xfffffffeu - 100);
}

static void test_ts_slack(void **state)
{
	struct seq_map m;

	seq_map_init(&m, 1000, 4000); /* 4 ms at 1 ms ticks: 4 + 1 */
	assert_int_equal(m.ts_val_slack, 5);
	seq_map_init(&m, 1000, 4500);
	assert_int_equal(m.ts_val_slack, 6);
	seq_map_init(&m, 0, 4000);
	assert_int_equal(m.ts_val_slack, 1);
}

static void test_null_map_is_identity(void **state)
{
	assert_int_equal(seq_map_local_to_live(NULL, 77), 77);
	assert_int_equal(seq_map_ts_to_script(NULL, 77), 77);
}

static void test_distance(void **state)
{
	assert_int_equal(seq_distance(5, 3), 2);
	assert_int_equal(seq_distance(3, 5), 2);
	assert_int_equal(seq_distance(2, 0xfffffffeu), 4);
	assert_int_equal(seq_distance(0xfffffffeu, 2), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isn_learned_once),
		cmocka_unit_test(test_isn_nonzero_script_seq),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_ts_offset),
		cmocka_unit_test(test_ts_slack),
		cmocka_unit_test(test_null_map_is_identity),
		cmocka_unit_test(test_distance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
