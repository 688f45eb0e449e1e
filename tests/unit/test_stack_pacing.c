/* EDT pacing when the device's qdisc is fq (vs.dev_paced), as Linux
 * paces: each data packet carries a departure time the qdisc holds it to;
 * the first 10 data segments go at once, then the departure time moves on
 * by each packet's length at the pacing rate, less up to half of that
 * when the socket had fallen behind the clock. Bare ACKs are not paced,
 * and nothing is paced without fq. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"
#include "host_internal.h"

#define PEER_ISN 9000000u

struct sent {
	struct tseg s;
	int64_t depart_us;
};

/* The next segment sent and the departure time the qdisc holds it to. */
static struct sent expect(struct fx *f)
{
	struct sent r = { .depart_us = f->h.head ? f->h.head->depart_us : 0 };
	r.s = fx_expect(f);
	return r;
}

static int setup(void **state)
{
	struct fx *f = fx_new(state, 13);
	f->h.vs.knobs.tcp_min_tso_segs = 2;
	f->h.vs.knobs.tcp_timestamps = 0;
	return 0;
}

/* MSS 1460, 100 ms of RTT, a 64000-byte window. */
static void open_conn(struct fx *f)
{
	fx_listen(f, 5);
	fx_peer_syn(f, PEER_ISN, 32792,
		    (struct tcp_opts){ .mss_ok = true, .mss = 1460, .ws_ok = true, .ws = 7 });
	struct sent sa = expect(f);
	assert_int_equal(sa.depart_us, 0);          /* the SYN-ACK is not paced */
	f->iss = sa.s.seq;
	fx_advance(f, 100000);
	fx_peer_ack_accept(f, PEER_ISN, 500, (struct tcp_opts){ 0 });
}

static void ack(struct fx *f, uint32_t upto)
{
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 1 + upto, .flags = TH_ACK,
				    .win = 500 });
}

/* The time in us that bytes take at the socket's pacing rate. */
static int64_t at_rate(struct fx *f, uint32_t bytes)
{
	uint64_t rate = tcp_pacing_rate(f->ts);
	assert_true(rate > 0);
	return (int64_t)((uint64_t)bytes * 1000000000ULL / rate) / 1000;
}

static void test_fq_paces_after_ten_segments(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->h.vs.dev_paced = true;
	open_conn(f);
	static uint8_t d[40000];
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 40000);
	int64_t t0 = vs->now_usecs;
	/* the initial window, 10 segments in 5 units: all at once */
	for (int i = 0; i < 5; i++) {
		struct sent u = expect(f);
		assert_int_equal(u.s.len, 2920);
		assert_int_equal(u.depart_us, t0);
	}
	assert_int_equal(f->h.queued, 0);
	/* 105 ms later an ACK for 2 segments lets 2 units go: the first at
	 * once (the socket is behind the clock), the next half a unit's time
	 * later (the idle credit), the one after a whole unit's time after. */
	vs_timers_run_until(vs, vs->now_usecs + 105000);
	ack(f, 2920);
	int64_t t1 = vs->now_usecs;
	struct sent u6 = expect(f), u7 = expect(f);
	int64_t unit = at_rate(f, 20 + 2920);
	assert_int_equal(u6.depart_us, t1);
	assert_true(u7.depart_us - u6.depart_us >= unit / 2 - 1 &&
		    u7.depart_us - u6.depart_us <= unit / 2 + 1);
	vs_timers_run_until(vs, vs->now_usecs + 3000);
	ack(f, 5840);
	struct sent u8 = expect(f);
	int64_t gap = u8.depart_us - u7.depart_us;
	assert_true(gap >= unit - 2 && gap <= unit + 2);
	/* a bare ACK is not held */
	fake_host_drain(&f->h);
	tcp_send_ack(f->ts);
	struct sent a = expect(f);
	assert_int_equal(a.s.len, 0);
	assert_int_equal(a.depart_us, 0);
}

static void test_no_pacing_without_fq(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	static uint8_t d[40000];
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 40000);
	vs_timers_run_until(vs, vs->now_usecs + 105000);
	ack(f, 2920);
	while (f->h.queued)
		assert_int_equal(expect(f).depart_us, 0);
}

/* The wire holds a paced packet until its departure time; a packet due
 * earlier behind it (another flow's) goes first. */
static void test_wire_holds_paced_packets(void **state)
{
	(void)state;
	struct vs_wire *w = vs_wire_new(8);
	uint8_t a[1] = { 'a' }, b[1] = { 'b' }, out[4];
	assert_int_equal(vs_wire_push_at(w, a, 1, 100), 0);
	assert_int_equal(vs_wire_push_at(w, b, 1, 0), 0);
	size_t len = sizeof(out);
	assert_int_equal(vs_wire_pop(w, out, &len, 50), 0);
	assert_int_equal(out[0], 'b');
	assert_int_equal(vs_wire_next_release(w, 50), 100);
	len = sizeof(out);
	assert_int_equal(vs_wire_pop(w, out, &len, 99), -EAGAIN);
	len = sizeof(out);
	assert_int_equal(vs_wire_pop(w, out, &len, 100), 0);
	assert_int_equal(out[0], 'a');
	assert_int_equal(vs_wire_next_release(w, 100), -1);
	assert_int_equal(vs_wire_count(w), 0);
	/* the tail stays right after taking the last packet from behind */
	assert_int_equal(vs_wire_push_at(w, a, 1, 300), 0);
	assert_int_equal(vs_wire_push_at(w, b, 1, 0), 0);
	len = sizeof(out);
	assert_int_equal(vs_wire_pop(w, out, &len, 0), 0);
	assert_int_equal(vs_wire_push_at(w, b, 1, 0), 0);
	len = sizeof(out);
	assert_int_equal(vs_wire_pop(w, out, &len, 0), 0);
	assert_int_equal(out[0], 'b');
	assert_int_equal(vs_wire_count(w), 1);
	vs_wire_free(w);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_fq_paces_after_ten_segments),
		T(test_no_pacing_without_fq),
		cmocka_unit_test(test_wire_holds_paced_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
