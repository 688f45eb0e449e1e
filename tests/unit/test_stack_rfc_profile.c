/* net.vwire.rfc_profile: where Linux's defaults depart from an RFC
 * requirement, profile 1 does the RFC's thing (stack/host.h lists them),
 * and profile 0 keeps Linux's. Each case is checked both ways, through
 * tcp_input() on a fake host. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>

#define FX_EXTRA_MEMBERS uint32_t peer_ts;
#include "stack_fake_conn_test_util.h"

#define PEER_ISN 1000000u
#define SEC 1000000LL

static int setup(void **state)
{
	struct fx *f = fx_new(state, 11);
	f->h.vs.knobs.tcp_early_retrans = 0;
	return 0;
}

/* Passive open; the peer offers mss and, if asked, timestamps. */
static void passive_open(struct fx *f, uint16_t mss, bool timestamps, uint16_t win)
{
	fx_listen(f, 5);
	struct tcp_opts o = { .mss_ok = true, .mss = mss, .ts_ok = timestamps, .tsval = 500 };
	fx_peer_syn(f, PEER_ISN, 65535, o);
	struct tseg sa = fx_expect(f);
	f->iss = sa.seq;
	f->peer_ts = 501;
	struct tcp_opts a = { .ts_ok = timestamps, .tsval = f->peer_ts, .tsecr = sa.opt.tsval };
	fx_peer_ack_accept(f, PEER_ISN, win, a);
}

static void profile(struct fx *f, int on)
{
	f->h.vs.knobs.vwire_rfc_profile = on;
}

static void test_initial_window_rfc5681(void **state)
{
	struct fx *f = *state;
	profile(f, 1);
	passive_open(f, 1000, false, 65535);
	assert_int_equal(f->ts->cwnd, 4);   /* min(4000, max(2000, 4380)) / 1000 */
	char data[20000] = { 0 };
	assert_int_equal(tcp_send(&f->h.vs, f->ts, data, sizeof(data), 0), (int)sizeof(data));
	uint32_t sent = 0;
	while (f->h.queued)
		sent += fx_expect(f).len;
	assert_int_equal(sent, 4000);
}

static void test_initial_window_rfc5681_large_mss(void **state)
{
	struct fx *f = *state;
	profile(f, 1);
	passive_open(f, 1460, false, 65535);
	assert_int_equal(f->ts->cwnd, 3);   /* 4380 / 1460 */
}

static void test_initial_window_after_lost_syn_is_one_segment(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	profile(f, 1);
	f->ts = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EINPROGRESS);
	struct tseg syn = fx_expect(f);
	f->lport = syn.sport;
	f->iss = syn.seq;
	vs_timers_run_until(vs, vs_timers_next(vs));   /* the SYN goes again */
	assert_int_equal(fx_expect(f).flags, TH_SYN);
	struct tcp_opts o = { .mss_ok = true, .mss = 1000 };
	fx_inject(f, (struct tseg){ .seq = PEER_ISN, .ack = f->iss + 1, .flags = TH_SYN | TH_ACK,
				    .win = 65535, .opt = o, .syn_opts = true });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(f->ts->cwnd, 1);
}

static void test_initial_window_linux_default(void **state)
{
	struct fx *f = *state;
	passive_open(f, 1000, false, 65535);
	assert_int_equal(f->ts->cwnd, 10);
}

/* The SYN's retransmission times (s after connect) and when connect()
 * gives up. */
static void syn_schedule(struct fx *f, const int64_t *want, size_t n, int64_t gives_up)
{
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	int64_t t0 = vs->now_usecs;
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EINPROGRESS);
	fake_host_drain(&f->h);
	for (size_t i = 0; i < n; i++) {
		int64_t next = vs_timers_next(vs);
		assert_int_equal(next - t0, want[i] * SEC);
		vs_timers_run_until(vs, next);
		assert_int_equal(fx_expect(f).flags, TH_SYN);
		assert_int_equal(tcp_state(f->ts), VWIRE_TCP_SYN_SENT);
	}
	assert_int_equal(vs_timers_next(vs) - t0, gives_up * SEC);
	vs_timers_run_until(vs, vs_timers_next(vs));
	assert_int_equal(f->h.queued, 0);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
}

static void test_syn_backoff_doubles_and_lasts_3_minutes(void **state)
{
	struct fx *f = *state;
	profile(f, 1);
	/* RFC 6298 5.5 from the first retransmission; R2 past 180 s: the
	 * next RTO, 128 s capped at the 120 s maximum, ends it at 247 s */
	const int64_t want[] = { 1, 3, 7, 15, 31, 63, 127 };
	syn_schedule(f, want, sizeof(want) / sizeof(want[0]), 247);
}

static void test_syn_backoff_linux_default(void **state)
{
	struct fx *f = *state;
	const int64_t want[] = { 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	syn_schedule(f, want, sizeof(want) / sizeof(want[0]), 131);
}

/* Data without a timestamp option on a timestamped connection. */
static ssize_t data_without_ts(struct fx *f)
{
	passive_open(f, 1000, true, 65535);
	fake_host_drain(&f->h);
	const uint8_t data[100] = { 1 };
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 1,
				    .flags = TH_ACK | TH_PSH, .win = 65535, .data = data,
				    .len = sizeof(data) });
	char buf[200];
	return tcp_recv(&f->h.vs, f->ts, buf, sizeof(buf), 0);
}

static void test_segment_without_timestamp_dropped(void **state)
{
	struct fx *f = *state;
	profile(f, 1);
	assert_int_equal(data_without_ts(f), -EAGAIN);
	assert_int_equal(f->h.queued, 0);            /* silently: no ACK */
	assert_int_equal(f->ts->rcv_nxt, PEER_ISN + 1);
}

static void test_segment_without_timestamp_linux_default(void **state)
{
	struct fx *f = *state;
	assert_int_equal(data_without_ts(f), 100);
}

/* A write into a zero window; returns the first probe. */
static struct tseg first_probe(struct fx *f)
{
	passive_open(f, 1000, false, 0);
	assert_int_equal(tcp_send(&f->h.vs, f->ts, "abcd", 4, 0), 4);
	assert_int_equal(f->h.queued, 0);
	assert_true(vs_timer_armed(&f->ts->persist_timer));
	vs_timers_run_until(&f->h.vs, vs_timers_next(&f->h.vs));
	return fx_expect(f);
}

static void test_zero_window_probe_carries_an_octet(void **state)
{
	struct fx *f = *state;
	profile(f, 1);
	struct tseg p = first_probe(f);
	assert_int_equal(p.seq, f->iss + 1);
	assert_int_equal(p.len, 1);
	assert_int_equal(tcp_flight_size(f->ts), 0);   /* a probe, not the flight */
	/* Still closed: the peer ACKs without taking it; probing goes on. */
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 0 });
	fake_host_drain(&f->h);
	vs_timers_run_until(&f->h.vs, vs_timers_next(&f->h.vs));
	p = fx_expect(f);
	assert_int_equal(p.seq, f->iss + 1);
	assert_int_equal(p.len, 1);
	/* The peer takes the octet but its window stays closed: the next
	 * probe carries the next octet. */
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 2, .flags = TH_ACK,
				    .win = 0 });
	assert_int_equal(f->ts->snd_una, f->iss + 2);
	fake_host_drain(&f->h);
	assert_true(vs_timer_armed(&f->ts->persist_timer));
	vs_timers_run_until(&f->h.vs, vs_timers_next(&f->h.vs));
	p = fx_expect(f);
	assert_int_equal(p.seq, f->iss + 2);
	assert_int_equal(p.len, 1);
	/* It takes that one and opens its window: the rest follows. */
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 3, .flags = TH_ACK,
				    .win = 100 });
	assert_int_equal(f->ts->snd_una, f->iss + 3);
	p = fx_expect(f);
	assert_int_equal(p.seq, f->iss + 3);
	assert_int_equal(p.len, 2);
}

static void test_zero_window_probe_linux_default(void **state)
{
	struct fx *f = *state;
	struct tseg p = first_probe(f);
	assert_int_equal(p.seq, f->iss);    /* SND.UNA - 1 */
	assert_int_equal(p.len, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_initial_window_rfc5681),
		T(test_initial_window_rfc5681_large_mss),
		T(test_initial_window_after_lost_syn_is_one_segment),
		T(test_initial_window_linux_default),
		T(test_syn_backoff_doubles_and_lasts_3_minutes),
		T(test_syn_backoff_linux_default),
		T(test_segment_without_timestamp_dropped),
		T(test_segment_without_timestamp_linux_default),
		T(test_zero_window_probe_carries_an_octet),
		T(test_zero_window_probe_linux_default),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
