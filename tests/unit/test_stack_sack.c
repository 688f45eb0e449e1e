/* The SACK scoreboard (stack/tcp_sack.c): entries split at SACK edges,
 * blocks merging onto SACKed neighbours, D-SACK told apart, the
 * cumulative ACK trimming the head, and RFC 6675's pipe as Linux counts
 * it (packets out - SACKed - lost + retransmitted). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#define MSS 1000u

struct fx {
	struct fake_host h;
	struct tcp_sock *ts;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	fake_host_init(&f->h, "192.168.0.1", 7);
	f->ts = tcp_sock_alloc(&f->h.vs, AF_INET);
	f->ts->mss_cache = MSS;
	f->ts->sack_ok = true;
	f->ts->snd_una = f->ts->snd_max = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tcp_destroy(f->ts);
	fake_host_free(&f->h);
	free(f);
	return 0;
}

/* `n` MSS sent as one chunk from sequence 1, as a TSO burst. */
static void send_burst(struct tcp_sock *ts, uint32_t n)
{
	tcp_sb_on_send(ts, ts->snd_max, n * MSS, false, true);
	ts->snd_max += n * MSS;
}

static struct tcp_ack_state fresh(void)
{
	return (struct tcp_ack_state){ .first_ackt = -1, .last_ackt = -1, .first_sackt = -1 };
}

static void sack(struct tcp_sock *ts, uint32_t l, uint32_t r, struct tcp_ack_state *st)
{
	const uint32_t b[1][2] = { { l, r } };
	tcp_sb_sacktag(ts, b, 1, ts->snd_una, st);
}

static void test_block_splits_entry(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_burst(ts, 10);
	assert_int_equal(ts->sb.n, 1);
	assert_int_equal(ts->packets_out, 10);
	struct tcp_ack_state st = fresh();
	sack(ts, 3001, 5001, &st);
	assert_int_equal(ts->sb.n, 3);
	assert_int_equal(ts->sb.v[1].start, 3001);
	assert_int_equal(ts->sb.v[1].end, 5001);
	assert_true(ts->sb.v[1].flags & SB_SACKED);
	assert_int_equal(ts->sacked_out, 2);
	assert_int_equal(ts->packets_out, 10);
	assert_int_equal(st.sacked_pcount, 2);
	assert_true(st.flag & ACKF_DATA_SACKED);
	assert_int_equal(tcp_highest_sack_seq(ts), 5001);
	/* PSH stays on the tail piece only (tcp_fragment) */
	assert_false(ts->sb.v[0].flags & SB_PSH);
	assert_true(ts->sb.v[2].flags & SB_PSH);
}

static void test_adjacent_blocks_and_repeats(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_burst(ts, 10);
	struct tcp_ack_state st = fresh();
	sack(ts, 2001, 3001, &st);
	st = fresh();
	sack(ts, 2001, 4001, &st);          /* grows to the right */
	assert_int_equal(ts->sacked_out, 2);
	assert_int_equal(st.sacked_pcount, 1);
	st = fresh();
	sack(ts, 2001, 4001, &st);          /* the same news again */
	assert_int_equal(st.sacked_pcount, 0);
	assert_int_equal(ts->sacked_out, 2);
	assert_false(st.flag & ACKF_DATA_SACKED);
}

static void test_dsack_below_ack_is_not_a_sack(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_burst(ts, 4);
	struct tcp_ack_state st = fresh();
	tcp_sb_clean(ts, 2001, &st);
	ts->snd_una = 2001;
	assert_int_equal(ts->packets_out, 2);
	assert_int_equal(st.acked_pcount, 2);
	st = fresh();
	const uint32_t b[2][2] = { { 1001, 2001 }, { 3001, 4001 } };
	tcp_sb_sacktag(ts, b, 2, 2001, &st);
	assert_true(st.flag & ACKF_DSACKING);
	assert_int_equal(ts->dsack_dups, 1);
	assert_int_equal(ts->sacked_out, 1);   /* only the second block */
	/* RFC 2883 4.2: a first block inside the second is a D-SACK too */
	st = fresh();
	const uint32_t c[2][2] = { { 3001, 3501 }, { 3001, 4001 } };
	tcp_sb_sacktag(ts, c, 2, 2001, &st);
	assert_true(st.flag & ACKF_DSACKING);
}

static void test_cumulative_ack_trims_head(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	send_burst(ts, 5);
	struct tcp_ack_state st = fresh();
	tcp_sb_clean(ts, 2501, &st);
	assert_int_equal(ts->sb.n, 1);
	assert_int_equal(ts->sb.v[0].start, 2501);
	assert_int_equal(ts->packets_out, 3);     /* 2500 bytes left: 3 packets */
	assert_int_equal(st.acked_pcount, 2);
	st = fresh();
	tcp_sb_clean(ts, 5001, &st);
	assert_int_equal(ts->sb.n, 0);
	assert_int_equal(ts->packets_out, 0);
}

static void test_pipe_counts_lost_and_retransmitted(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	for (int i = 0; i < 6; i++)
		send_burst(ts, 1);
	struct tcp_ack_state st = fresh();
	sack(ts, 4001, 6001, &st);
	assert_int_equal(tcp_packets_in_flight(ts), 4);
	tcp_sb_mark_lost(ts, 0);
	tcp_sb_mark_lost(ts, 1);
	assert_int_equal(ts->lost_out, 2);
	assert_int_equal(tcp_packets_in_flight(ts), 2);
	tcp_sb_mark_lost(ts, 4);             /* SACKed: never lost */
	assert_int_equal(ts->lost_out, 2);
	ts->sb.v[0].flags |= SB_RETRANS;     /* as tcp_retransmit_ent does */
	ts->retrans_out++;
	assert_int_equal(tcp_packets_in_flight(ts), 3);
	/* a SACK of the resent segment takes it out of lost and retrans */
	st = fresh();
	sack(ts, 1, 1001, &st);
	assert_int_equal(ts->lost_out, 1);
	assert_int_equal(ts->retrans_out, 0);
	assert_int_equal(tcp_packets_in_flight(ts), 2);
}

static void test_sack_of_hole_detects_reordering(void **state)
{
	struct fx *f = *state;
	struct tcp_sock *ts = f->ts;
	for (int i = 0; i < 10; i++)
		send_burst(ts, 1);
	struct tcp_ack_state st = fresh();
	sack(ts, 8001, 9001, &st);
	st = fresh();
	sack(ts, 2001, 3001, &st);       /* below the highest SACK: reordering */
	assert_true(st.reord_valid);
	assert_int_equal(st.reord, 2001);
	tcp_check_sack_reordering(ts, st.reord, false);
	assert_int_equal(ts->reordering, 7);   /* (9001 - 2001) / MSS */
	assert_int_equal(ts->reord_seen, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_block_splits_entry),
		T(test_adjacent_blocks_and_repeats),
		T(test_dsack_below_ack_is_not_a_sack),
		T(test_cumulative_ack_trims_head),
		T(test_pipe_counts_lost_and_retransmitted),
		T(test_sack_of_hole_detects_reordering),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
