/* The out-of-order queue: gaps, overlaps, duplicates, SACK blocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

#define NBYTES 4096

static void fill(uint8_t *bytes)
{
	for (size_t i = 0; i < NBYTES; i++)
		bytes[i] = (uint8_t)(i * 7 + 3);
}

/* Drains everything in order from rcv_nxt, checking content; returns the
 * new rcv_nxt. base: the sequence number of bytes[0]. */
static uint32_t drain(const uint8_t *bytes, struct tcp_reass *r, uint32_t base,
		      uint32_t rcv_nxt)
{
	struct tcp_reass_seg *s;
	uint32_t skip;
	while ((s = tcp_reass_pop(r, rcv_nxt, &skip)) != NULL) {
		assert_memory_equal(s->data + skip, bytes + (rcv_nxt - base), s->len - skip);
		rcv_nxt += s->len - skip;
		free(s);
	}
	return rcv_nxt;
}

static void test_fills_holes_in_order(void **state)
{
	uint8_t bytes[NBYTES];
	fill(bytes);
	struct tcp_reass r = { 0 };
	uint32_t base = 1000;
	assert_false(tcp_reass_insert(&r, base, base + 200, bytes + 200, 100));
	assert_false(tcp_reass_insert(&r, base, base + 100, bytes + 100, 50));
	assert_int_equal(drain(bytes, &r, base, base), base); /* hole at the front */
	assert_int_equal(r.bytes, 150);
	uint32_t n = drain(bytes, &r, base, base + 100);
	assert_int_equal(n, base + 150); /* stops at the next hole */
	assert_int_equal(drain(bytes, &r, base, base + 150 + 50), base + 300);
	assert_null(r.head);
	assert_int_equal(r.bytes, 0);
}

static void test_overlaps_do_not_duplicate(void **state)
{
	uint8_t bytes[NBYTES];
	fill(bytes);
	struct tcp_reass r = { 0 };
	uint32_t base = 0xffffff00u; /* across the wrap */
	tcp_reass_insert(&r, base, base + 100, bytes + 100, 100);
	tcp_reass_insert(&r, base, base + 300, bytes + 300, 100);
	/* one segment covering both and the gap between */
	assert_false(tcp_reass_insert(&r, base, base + 50, bytes + 50, 400));
	assert_int_equal(r.bytes, 400);
	/* wholly inside: a duplicate */
	assert_true(tcp_reass_insert(&r, base, base + 120, bytes + 120, 30));
	assert_int_equal(drain(bytes, &r, base, base + 50), base + 450);
}

static void test_old_data_is_trimmed(void **state)
{
	uint8_t bytes[NBYTES];
	fill(bytes);
	struct tcp_reass r = { 0 };
	assert_true(tcp_reass_insert(&r, 500, 400, bytes, 100));
	assert_false(tcp_reass_insert(&r, 500, 450, bytes + 50, 100));
	assert_int_equal(r.bytes, 50);
	assert_int_equal(r.head->seq, 500);
	tcp_reass_clear(&r);
}

static void test_sack_blocks_most_recent_first(void **state)
{
	uint8_t bytes[NBYTES];
	fill(bytes);
	struct tcp_reass r = { 0 };
	tcp_reass_insert(&r, 0, 100, bytes, 100);
	tcp_reass_insert(&r, 0, 300, bytes, 100);
	tcp_reass_insert(&r, 0, 500, bytes, 100);
	tcp_reass_insert(&r, 0, 200, bytes, 50); /* joins the first run */
	uint32_t b[4][2];
	int n = tcp_reass_sack_blocks(&r, b, 4);
	assert_int_equal(n, 3);
	assert_int_equal(b[0][0], 100);
	assert_int_equal(b[0][1], 250);
	assert_int_equal(n, 3);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 2), 2);
	tcp_reass_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fills_holes_in_order),
		cmocka_unit_test(test_overlaps_do_not_duplicate),
		cmocka_unit_test(test_old_data_is_trimmed),
		cmocka_unit_test(test_sack_blocks_most_recent_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
