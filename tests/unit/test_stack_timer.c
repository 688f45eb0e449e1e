/* The timer heap: order, ties, cancel, re-arm, arming from a callback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* What the callbacks record, reached through each timer's owner. */
struct log {
	int order[64];
	int nfired;
	struct vs_timer *rearm_me;
};

struct rec {
	struct vs_timer t;
	int id;
	int64_t fired_at;
	struct log *log;
};

static void fire(struct vstack *vs, struct vs_timer *t)
{
	struct rec *r = (struct rec *)t;
	struct log *l = r->log;
	r->fired_at = vs->now_usecs;
	l->order[l->nfired++] = r->id;
	if (t == l->rearm_me) {
		l->rearm_me = NULL;
		vs_timer_arm(vs, t, vs->now_usecs + 5);
	}
}

static void setup_vs(struct vstack *vs, struct log *l)
{
	memset(vs, 0, sizeof(*vs));
	memset(l, 0, sizeof(*l));
	vs->now_usecs = 1000;
}

static void test_fires_in_deadline_order(void **state)
{
	struct vstack vs;
	struct log lg;
	setup_vs(&vs, &lg);
	struct rec r[5];
	int64_t when[5] = { 1500, 1100, 1300, 1300, 1900 };
	for (int i = 0; i < 5; i++) {
		r[i].id = i;
		r[i].log = &lg;
		vs_timer_init(&r[i].t, fire);
		assert_false(vs_timer_armed(&r[i].t));
		vs_timer_arm(&vs, &r[i].t, when[i]);
	}
	assert_int_equal(vs_timers_next(&vs), 1100);
	vs_timers_run_until(&vs, 1600);
	assert_int_equal(lg.nfired, 4);
	int want[] = { 1, 2, 3, 0 }; /* ties in arming order */
	assert_memory_equal(lg.order, want, sizeof(want));
	assert_int_equal(r[2].fired_at, 1300);
	assert_int_equal(vs.now_usecs, 1600);
	assert_int_equal(vs_timers_next(&vs), 1900);
	vs_timers_free(&vs);
	assert_false(vs_timer_armed(&r[4].t));
}

static void test_cancel_and_rearm(void **state)
{
	struct vstack vs;
	struct log lg;
	setup_vs(&vs, &lg);
	struct rec r[40];
	for (int i = 0; i < 40; i++) {
		r[i].id = i;
		r[i].log = &lg;
		vs_timer_init(&r[i].t, fire);
		vs_timer_arm(&vs, &r[i].t, 2000 + (i * 37) % 40);
	}
	for (int i = 0; i < 40; i += 2)
		vs_timer_cancel(&vs, &r[i].t);
	vs_timer_cancel(&vs, &r[0].t); /* twice is harmless */
	vs_timer_arm(&vs, &r[1].t, 5000); /* moves it later */
	vs_timers_run_until(&vs, 10000);
	assert_int_equal(lg.nfired, 19 + 1);
	assert_int_equal(lg.order[lg.nfired - 1], 1);
	for (int i = 1; i < lg.nfired; i++)
		assert_true(r[lg.order[i - 1]].fired_at <= r[lg.order[i]].fired_at);
	assert_int_equal(vs_timers_next(&vs), -1);
	vs_timers_free(&vs);
}

static void test_callback_may_rearm(void **state)
{
	struct vstack vs;
	struct log lg;
	setup_vs(&vs, &lg);
	struct rec r = { .id = 7, .log = &lg };
	vs_timer_init(&r.t, fire);
	vs_timer_arm(&vs, &r.t, 1010);
	lg.rearm_me = &r.t;
	vs_timers_run_until(&vs, 1012);
	assert_int_equal(lg.nfired, 1);
	assert_true(vs_timer_armed(&r.t));
	vs_timers_run_until(&vs, 1015);
	assert_int_equal(lg.nfired, 2);
	assert_int_equal(r.fired_at, 1015);
	vs_timers_free(&vs);
}

static void test_empty_heap(void **state)
{
	struct vstack vs;
	struct log lg;
	setup_vs(&vs, &lg);
	assert_int_equal(vs_timers_next(&vs), -1);
	vs_timers_run_until(&vs, 5000);
	assert_int_equal(vs.now_usecs, 5000);
	vs_timers_free(&vs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_in_deadline_order),
		cmocka_unit_test(test_cancel_and_rearm),
		cmocka_unit_test(test_callback_may_rearm),
		cmocka_unit_test(test_empty_heap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
