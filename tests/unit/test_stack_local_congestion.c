/* Local congestion: a device that refuses packets (a qdisc with no room,
 * `tc qdisc add dev tun0 root pfifo limit 0`). The wire's bound follows
 * the qdisc's limit; a segment the device refused was never sent (no
 * sequence space used, no scoreboard entry); the probe and
 * retransmission timers try again at a fixed 500 ms without backing off,
 * and every refused attempt counts toward TCP_USER_TIMEOUT and
 * tcpi_probes, as on Linux. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"
#include "host_internal.h"

#define PEER_ISN 1000000u

static int setup(void **state)
{
	fx_new(state, 7);
	return 0;
}

/* Passive open without options to ESTABLISHED, 100 ms of RTT. */
static void open_conn(struct fx *f)
{
	fx_listen(f, 5);
	fx_peer_syn(f, PEER_ISN, 65535, (struct tcp_opts){ .mss_ok = true, .mss = 1460 });
	struct tseg sa = fx_expect(f);
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	f->iss = sa.seq;
	fx_advance(f, 100000);
	fx_peer_ack_accept(f, PEER_ISN, 65535, (struct tcp_opts){ 0 });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
}

static void ack(struct fx *f, uint32_t upto)
{
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = upto, .flags = TH_ACK,
				    .win = 65535 });
}

static struct tcp_info info(struct fx *f)
{
	struct tcp_info ti;
	memset(&ti, 0, sizeof(ti));
	tcp_fill_info(f->ts, &ti);
	return ti;
}

static void test_wire_bound_follows_qdisc_limit(void **state)
{
	(void)state;
	struct vs_wire *w = vs_wire_new(4);
	uint8_t pkt[20] = { 0x45 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), 0);
	assert_true(vs_wire_full(w));
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), -ENOBUFS);
	/* a fifo of 2 in front of the device: two more wait */
	vs_wire_set_qdisc_limit(w, 2);
	assert_false(vs_wire_full(w));
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), 0);
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), 0);
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), -ENOBUFS);
	/* a fifo of 0 refuses everything, even with the device's ring empty */
	size_t len = sizeof(pkt);
	while (vs_wire_pop(w, pkt, &len, 0) == 0)
		len = sizeof(pkt);
	vs_wire_set_qdisc_limit(w, 0);
	assert_true(vs_wire_full(w));
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), -ENOBUFS);
	assert_int_equal(vs_wire_count(w), 0);
	/* no fifo: the device's own ring again */
	vs_wire_set_qdisc_limit(w, -1);
	assert_int_equal(vs_wire_push(w, pkt, sizeof(pkt)), 0);
	vs_wire_free(w);
}

/* Nothing in flight and the device refuses: the probe timer retries every
 * 500 ms, each try a probe without backoff, and TCP_USER_TIMEOUT counts
 * from the first probe. */
static void test_user_timeout_counts_refused_probes(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	int v = 3000;
	assert_int_equal(tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof(v)), 0);
	assert_int_equal(tcp_send(vs, f->ts, "first", 5, 0), 5);
	struct tseg s = fx_expect(f);
	assert_int_equal(s.len, 5);
	vs_timers_run_until(vs, vs->now_usecs + 100000);
	ack(f, f->iss + 6);

	f->h.dev_blocked = true;
	assert_int_equal(tcp_send(vs, f->ts, "second", 6, 0), 6);
	assert_int_equal(f->h.queued, 0);
	assert_int_equal(f->ts->snd_nxt, f->iss + 6);   /* nothing was sent */
	assert_int_equal(tcp_flight_size(f->ts), 0);
	int64_t first = vs_timers_next(vs);
	assert_true(first > vs->now_usecs);
	assert_int_equal(first - vs->now_usecs, tcp_rto_us(f->ts));
	vs_timers_run_until(vs, first);
	assert_int_equal(info(f).tcpi_probes, 1);
	for (int i = 2; i <= 6; i++) {
		assert_int_equal(vs_timers_next(vs), first + (int64_t)(i - 1) * 500000);
		vs_timers_run_until(vs, vs_timers_next(vs));
		assert_int_equal(info(f).tcpi_probes, i);
		assert_int_equal(info(f).tcpi_backoff, 0);
		assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	}
	/* 3 s after the first probe the connection is gone */
	vs_timers_run_until(vs, first + 3000000 - 1);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	vs_timers_run_until(vs, first + 3000000);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_send(vs, f->ts, "x", 1, 0), -ETIMEDOUT);
	assert_int_equal(info(f).tcpi_probes, 6);
	assert_int_equal(f->h.queued, 0);
}

/* Once the device has room again, the next retry sends the data. */
static void test_data_goes_out_when_device_has_room(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	f->h.dev_blocked = true;
	assert_int_equal(tcp_send(vs, f->ts, "held", 4, 0), 4);
	vs_timers_run_until(vs, vs_timers_next(vs));
	assert_int_equal(f->h.queued, 0);
	assert_int_equal(info(f).tcpi_probes, 1);
	f->h.dev_blocked = false;
	int64_t next = vs_timers_next(vs);
	vs_timers_run_until(vs, next);
	struct tseg s = fx_expect(f);
	assert_int_equal(s.seq, f->iss + 1);
	assert_int_equal(s.len, 4);
	assert_true(s.flags & TH_PSH);
	ack(f, f->iss + 5);
	assert_int_equal(info(f).tcpi_probes, 0);
	assert_int_equal(tcp_flight_size(f->ts), 0);
}

/* A retransmission the device refuses: tried again 500 ms later, with no
 * backoff; it goes out when there is room. */
static void test_refused_retransmission_retries_without_backoff(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f);
	uint8_t d[1000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 1000);
	fx_expect(f);
	f->h.dev_blocked = true;
	int64_t rto_at = vs_timers_next(vs);
	vs_timers_run_until(vs, rto_at);
	assert_int_equal(f->h.queued, 0);
	assert_int_equal(info(f).tcpi_backoff, 0);
	assert_int_equal(info(f).tcpi_retrans, 0);
	assert_int_equal(vs_timers_next(vs), rto_at + 500000);
	f->h.dev_blocked = false;
	vs_timers_run_until(vs, rto_at + 500000);
	struct tseg s = fx_expect(f);
	assert_int_equal(s.seq, f->iss + 1);
	assert_int_equal(s.len, 1000);
	assert_int_equal(info(f).tcpi_backoff, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_bound_follows_qdisc_limit),
		T(test_user_timeout_counts_refused_probes),
		T(test_data_goes_out_when_device_has_room),
		T(test_refused_retransmission_retries_without_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
