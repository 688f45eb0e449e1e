/* Where the engine sets PSH on new data, as Linux does: on every TSO/GSO
 * unit of a burst of complete writes (not only the last one the windows
 * let out), never on data MSG_MORE still holds; and what a retransmission
 * carries again: PSH only where Linux's TSO packet ended (the write's end
 * or the last unit of the burst), not on a middle unit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"

#define PEER_ISN 5000000u

static int setup(void **state)
{
	struct fx *f = fx_new(state, 11);
	f->h.vs.knobs.tcp_min_tso_segs = 2;   /* Linux's default */
	return 0;
}

/* Passive open, MSS 1000, no other options, 100 ms of RTT, the peer's
 * window win (unscaled). */
static void open_conn_win(struct fx *f, uint16_t win)
{
	fx_listen(f, 5);
	fx_peer_syn(f, PEER_ISN, 65535,
		    (struct tcp_opts){ .mss_ok = true, .mss = 1000, .sack_ok = true });
	f->iss = fx_expect(f).seq;
	fx_advance(f, 100000);
	fx_peer_ack_accept(f, PEER_ISN, win, (struct tcp_opts){ 0 });
}

static void open_conn(struct fx *f)
{
	open_conn_win(f, 65535);
}

static void test_every_unit_of_a_burst_carries_psh(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	uint8_t d[10000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 10000);
	/* the initial window, in units of tcp_min_tso_segs segments */
	uint32_t seq = f->iss + 1;
	int units = 0;
	while (f->h.queued) {
		struct tseg s = fx_expect(f);
		assert_int_equal(s.seq, seq);
		assert_int_equal(s.len, 2000);
		assert_true(s.flags & TH_PSH);
		seq += s.len;
		units++;
	}
	assert_int_equal(units, 5);
	/* Only the last one is a PSH a retransmission carries again. */
	assert_int_equal(f->ts->sb.n, 5);
	for (int i = 0; i < 4; i++)
		assert_false(f->ts->sb.v[i].flags & SB_PSH);
	assert_true(f->ts->sb.v[4].flags & SB_PSH);
}

static void test_burst_cut_by_cwnd_pushes_what_goes(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	uint8_t d[30000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 30000);
	int units = 0;
	while (f->h.queued) {
		struct tseg s = fx_expect(f);
		assert_true(s.flags & TH_PSH);
		units++;
	}
	assert_int_equal(units, 5);              /* cwnd 10, 2 segments each */
	assert_true(f->ts->sb.v[f->ts->sb.n - 1].flags & SB_PSH);
	assert_false(f->ts->sb.v[0].flags & SB_PSH);
}

/* A 2000-byte window: packets no bigger than half of it (Linux's size
 * goal), and the full-sized one before the last goes without PSH. */
static void test_lone_segment_before_the_last_has_no_psh(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn_win(f, 2000);
	uint8_t d[5000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 5000);
	struct tseg a = fx_expect(f), b = fx_expect(f);
	assert_int_equal(f->h.queued, 0);
	assert_int_equal(a.seq, f->iss + 1);
	assert_int_equal(a.len, 1000);
	assert_false(a.flags & TH_PSH);
	assert_int_equal(b.len, 1000);
	assert_true(b.flags & TH_PSH);
}

static void test_msg_more_data_has_no_psh(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	uint8_t d[3100] = { 0 };
	/* Full segments of a MSG_MORE write go, without PSH; the tail waits. */
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), MSG_MORE), 3100);
	uint32_t sent = 0;
	while (f->h.queued) {
		struct tseg s = fx_expect(f);
		assert_false(s.flags & TH_PSH);
		sent += s.len;
	}
	assert_int_equal(sent, 3000);
}

/* A middle unit lost: its retransmission carries no PSH. */
static void test_retransmitted_middle_unit_has_no_psh(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	uint8_t d[6000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 6000);
	fake_host_drain(&f->h);
	/* 1:2001 and 4001:6001 arrive, 2001:4001 is lost: three SACKed
	 * segments above it (the dupack threshold) make it lost at once. */
	vs_timers_run_until(vs, vs->now_usecs + 100000);
	struct tcp_opts o = { .nsack = 1 };
	o.sack[0][0] = f->iss + 4001;
	o.sack[0][1] = f->iss + 6001;
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 2001, .flags = TH_ACK,
				    .win = 65535, .opt = o });
	o.sack[0][0] = f->iss + 3001;
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 2001, .flags = TH_ACK,
				    .win = 65535, .opt = o });
	struct tseg s = fx_expect(f);
	assert_int_equal(s.seq, f->iss + 2001);
	assert_int_equal(s.len, 1000);
	assert_false(s.flags & TH_PSH);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_every_unit_of_a_burst_carries_psh),
		T(test_burst_cut_by_cwnd_pushes_what_goes),
		T(test_lone_segment_before_the_last_has_no_psh),
		T(test_msg_more_data_has_no_psh),
		T(test_retransmitted_middle_unit_has_no_psh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
