/* A send buffer the user sized (SO_SNDBUF) is charged as Linux charges
 * it: each size-goal chunk of payload costs its bytes plus a packet
 * buffer's overhead, and a new chunk starts only while the charge is
 * under the limit. So SO_SNDBUF 1000 (4608, the floor) takes three
 * 1000-byte chunks, and poll says writable only with a third free. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"

#define PEER_ISN 7000000u

static int setup(void **state)
{
	fx_new(state, 3);
	return 0;
}

/* MSS 1000, the peer's window `win` (so the size goal is win / 2). */
static void open_conn(struct fx *f, uint16_t win)
{
	fx_listen(f, 5);
	fx_peer_syn(f, PEER_ISN, 65535, (struct tcp_opts){ .mss_ok = true, .mss = 1000 });
	f->iss = fx_expect(f).seq;
	fx_peer_ack_accept(f, PEER_ISN, win, (struct tcp_opts){ 0 });
}

static void test_small_sndbuf_takes_three_chunks(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f, 2000);
	int v = 1000;
	assert_int_equal(tcp_setsockopt(vs, f->ts, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	uint8_t d[10000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 3000);
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), -EAGAIN);
	assert_false(tcp_poll(vs, f->ts) & POLLOUT);
	/* The first two chunks acknowledged: one chunk's charge is left,
	 * under two thirds of 4608, and two more chunks fit. */
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 2001, .flags = TH_ACK,
				    .win = 2000 });
	assert_true(tcp_poll(vs, f->ts) & POLLOUT);
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 2000);
}

/* Without SO_SNDBUF the buffer is the autotuned one: no such charge. */
static void test_default_sndbuf_is_not_charged(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	open_conn(f, 2000);
	uint8_t d[10000] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 10000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_small_sndbuf_takes_three_chunks),
		T(test_default_sndbuf_is_not_charged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
