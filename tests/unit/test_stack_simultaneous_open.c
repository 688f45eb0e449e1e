/* Simultaneous open (RFC 9293 Figure 8): our SYN and the peer's cross;
 * the peer's SYN-ACK then completes the handshake, and the ACK for it
 * reports the SYN-ACK's SYN, a sequence number we already had, as a
 * D-SACK block (RFC 2883) when SACK was agreed, as Linux's does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/socket.h>

#define RPORT 8080
#include "stack_fake_conn_test_util.h"

#define PEER_ISN 3000000u

static int setup(void **state)
{
	struct fx *f = fx_new(state, 5);
	f->h.vs.knobs.tcp_timestamps = 0;
	return 0;
}

/* Both SYNs cross, then the peer's SYN-ACK: the ACK we send for it. */
static struct tseg crossing_open(struct fx *f, bool peer_sack)
{
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	tcp_connect(vs, f->ts, &f->remote, RPORT);
	struct tseg syn = fx_expect(f);
	struct tcp_opts o = { .mss_ok = true, .mss = 1460, .sack_ok = peer_sack };
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = PEER_ISN, .flags = TH_SYN,
				    .win = 14600, .opt = o, .syn_opts = true });
	struct tseg sa = fx_expect(f);
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_SYN_RECV);
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = PEER_ISN, .ack = syn.seq + 1,
				    .flags = TH_SYN | TH_ACK, .win = 14600, .opt = o,
				    .syn_opts = true });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	struct tseg ack = fx_expect(f);
	assert_int_equal(ack.flags, TH_ACK);
	assert_int_equal(ack.seq, syn.seq + 1);
	assert_int_equal(ack.ack, PEER_ISN + 1);
	return ack;
}

static void test_synack_of_crossing_open_is_dsacked(void **state)
{
	struct fx *f = *state;
	struct tseg ack = crossing_open(f, true);
	assert_int_equal(ack.opt.nsack, 1);
	assert_int_equal(ack.opt.sack[0][0], PEER_ISN);
	assert_int_equal(ack.opt.sack[0][1], PEER_ISN + 1);
	/* reported once: the next ACK carries no block */
	tcp_send_ack(f->ts);
	assert_int_equal(fx_expect(f).opt.nsack, 0);
}

static void test_no_dsack_without_sack(void **state)
{
	struct fx *f = *state;
	struct tseg ack = crossing_open(f, false);
	assert_int_equal(ack.opt.nsack, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_synack_of_crossing_open_is_dsacked),
		T(test_no_dsack_without_sack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
