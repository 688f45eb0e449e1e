/* The RFC 6298 estimator with Linux's 200 ms floor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tcp_internal.h"

#define MIN 200000
#define MAX 120000000

static void test_initial_rto_is_one_second(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r);
	assert_int_equal(r.rto_us, 1000000);
	assert_false(r.have_sample);
}

static void test_first_sample(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r);
	tcp_rto_sample(&r, 100000, MIN, MAX);
	assert_int_equal(r.srtt_us, 100000);
	assert_int_equal(r.rttvar_us, 50000);
	/* SRTT + max(4 * RTTVAR, 200 ms) = 100 + 200 */
	assert_int_equal(r.rto_us, 300000);
	tcp_rto_init(&r);
	tcp_rto_sample(&r, 1000000, MIN, MAX);
	assert_int_equal(r.rto_us, 1000000 + 2000000);
}

static void test_smoothing(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r);
	tcp_rto_sample(&r, 800000, MIN, MAX);
	tcp_rto_sample(&r, 400000, MIN, MAX);
	/* RTTVAR = 3/4 * 400000 + 1/4 * |800000-400000| = 400000 */
	assert_int_equal(r.rttvar_us, 400000);
	/* SRTT = 7/8 * 800000 + 1/8 * 400000 = 750000 */
	assert_int_equal(r.srtt_us, 750000);
	assert_int_equal(r.rto_us, 750000 + 1600000);
	assert_int_equal(r.min_rtt_us, 400000);
}

static void test_bounds(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r);
	tcp_rto_sample(&r, 0, MIN, MAX);
	assert_true(r.rto_us >= MIN);
	tcp_rto_init(&r);
	tcp_rto_sample(&r, 100000000, MIN, MAX);
	assert_int_equal(r.rto_us, MAX);
}

static void test_converges_on_steady_rtt(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r);
	for (int i = 0; i < 200; i++)
		tcp_rto_sample(&r, 50000, MIN, MAX);
	assert_true(r.srtt_us >= 49000 && r.srtt_us <= 51000);
	assert_true(r.rto_us >= 250000 - 2000 && r.rto_us <= 250000 + 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_rto_is_one_second),
		cmocka_unit_test(test_first_sample),
		cmocka_unit_test(test_smoothing),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_converges_on_steady_rtt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
