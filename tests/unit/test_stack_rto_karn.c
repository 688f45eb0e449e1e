/* The RTO across retransmissions (RFC 6298): Karn's rule keeps the
 * backed-off RTO until an ACK gives a new RTT sample (section 5 after
 * step 5.7, and 5.5), and a handshake that gave no sample starts data
 * with an RTO of 3 s (5.7). Driven through tcp_input() on a fake host,
 * without timestamps so that the only samples are timed segments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"

#define PEER_ISN 1000000u
#define MS 1000

static void fire_next_timer(struct fx *f)
{
	vs_timers_run_until(&f->h.vs, vs_timers_next(&f->h.vs));
}

static int setup(void **state)
{
	struct fx *f = fx_new(state, 7);
	f->h.vs.knobs.tcp_early_retrans = 0; /* the RTO alone resends */
	return 0;
}

static struct tcp_opts syn_opts(void)
{
	struct tcp_opts o = { .mss_ok = true, .mss = 1000, .sack_ok = true };
	return o;
}

/* Passive open without timestamps; the handshake ACK comes rtt later. */
static void passive_open(struct fx *f, int64_t rtt)
{
	fx_listen(f, 5);
	fx_peer_syn(f, PEER_ISN, 65535, syn_opts());
	f->iss = fx_expect(f).seq;
	fx_advance(f, rtt);
	fx_peer_ack_accept(f, PEER_ISN, 65535, (struct tcp_opts){ 0 });
}

static void ack_data(struct fx *f, uint32_t upto)
{
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 1 + upto, .flags = TH_ACK,
				    .win = 65535 });
}

static void test_ack_of_retransmission_keeps_backed_off_rto(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, 100 * MS);
	int64_t base = tcp_rto_us(f->ts);
	assert_int_equal(base, 300 * MS);   /* 100 ms + max(4 * 50 ms, 200 ms) */
	char data[1000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, data, sizeof(data), 0), (int)sizeof(data));
	fake_host_drain(&f->h);
	fire_next_timer(f);                 /* the segment goes again: RTO 600 ms */
	fire_next_timer(f);                 /* and again: RTO 1.2 s */
	fake_host_drain(&f->h);
	vs_timers_run_until(vs, vs->now_usecs + 10 * MS);
	ack_data(f, 1000);                  /* no sample: it was retransmitted */
	assert_int_equal(tcp_rto_us(f->ts), 4 * base);
	assert_int_equal(tcp_send(vs, f->ts, data, sizeof(data), 0), (int)sizeof(data));
	struct tseg s = fx_expect(f);
	assert_int_equal(s.seq, f->iss + 1001);
	int64_t sent = vs->now_usecs;
	assert_int_equal(vs_timers_next(vs) - sent, 4 * base);

	/* A new segment acked without retransmission is a sample: the RTO
	 * collapses back to what SRTT and RTTVAR give. */
	vs_timers_run_until(vs, sent + 100 * MS);
	ack_data(f, 2000);
	assert_true(tcp_rto_us(f->ts) < 2 * base);
	assert_int_equal(f->ts->backoff, 0);
}

static void test_data_after_retransmitted_syn_starts_with_rto_3s(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->h.vs.knobs.tcp_timestamps = 0;
	f->ts = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EINPROGRESS);
	struct tseg syn = fx_expect(f);
	f->lport = syn.sport;
	f->iss = syn.seq;
	fire_next_timer(f);                 /* the SYN goes again after 1 s */
	assert_int_equal(fx_expect(f).flags, TH_SYN);
	vs_timers_run_until(vs, vs->now_usecs + 100 * MS);
	fx_inject(f, (struct tseg){ .seq = PEER_ISN, .ack = f->iss + 1, .flags = TH_SYN | TH_ACK,
				    .win = 65535, .opt = syn_opts(), .syn_opts = true });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_false(f->ts->rto.have_sample);
	assert_int_equal(tcp_rto_us(f->ts), 3000 * MS);
	fake_host_drain(&f->h);
	char data[100] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, data, sizeof(data), 0), (int)sizeof(data));
	fake_host_drain(&f->h);
	int64_t sent = vs->now_usecs;
	fire_next_timer(f);
	assert_int_equal(vs->now_usecs - sent, 3000 * MS);
	assert_int_equal(fx_expect(f).seq, f->iss + 1);
}

static void test_timed_handshake_keeps_its_sample(void **state)
{
	struct fx *f = *state;
	f->h.vs.knobs.tcp_timestamps = 0;
	passive_open(f, 100 * MS);
	assert_true(f->ts->rto.have_sample);
	assert_int_equal(tcp_rto_us(f->ts), 300 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ack_of_retransmission_keeps_backed_off_rto,
						setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_data_after_retransmitted_syn_starts_with_rto_3s,
						setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_timed_handshake_keeps_its_sample, setup,
						fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
