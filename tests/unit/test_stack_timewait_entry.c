/* Compact TIME-WAIT entries (stack/tcp_timewait.c): an orphan's TCB gives
 * way to one when it reaches TIME-WAIT, and the entry answers as the TCB
 * did: a retransmitted FIN gets the same ACK (window, timestamps) and
 * restarts 2*MSL, a RST at RCV.NXT ends it (not under tcp_rfc1337), a SYN
 * above the old sequence space goes to the listener, a bind of its port
 * needs SO_REUSEADDR; a TCB the user still holds stays whole until
 * close(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#define PORT 80
#define PEER_PORT 40000
#define ISN 1000u
#define PEER_TSVAL 5000u

struct fx {
	struct fake_host h;
	struct tcp_sock *lis;
	struct vs_addr peer;
	uint32_t our_fin;     /* sequence of the stack's FIN */
	struct tseg last_ack; /* the ACK the stack sent for the peer's FIN */
};

static void send_seg(struct fx *f, const struct tseg *s)
{
	uint8_t buf[120];
	size_t n = tu_build(buf, s, &f->peer, &f->h.vs.local_addr);
	tcp_input(&f->h.vs, &f->peer, &f->h.vs.local_addr, 0, buf, n);
}

static struct tseg seg(uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct tseg s = { .sport = PEER_PORT, .dport = PORT, .seq = seq, .ack = ack,
			  .flags = flags, .win = 502 };
	s.opt.ts_ok = true;
	s.opt.tsval = PEER_TSVAL;
	return s;
}

/* The stack's one segment since the last call (fails if none). */
static struct tseg take(struct fx *f)
{
	struct fake_pkt *p = fake_host_pop(&f->h);
	assert_non_null(p);
	struct tseg s;
	assert_true(tu_parse(p->data, p->len, &s));
	free(p);
	fake_host_drain(&f->h);
	return s;
}

/* Handshake, accept; with close_it the user closes (the TCB is an
 * orphan), else shuts down writing and keeps it. Ends in TIME-WAIT. */
static struct tcp_sock *to_timewait(struct fx *f, bool close_it)
{
	struct vstack *vs = &f->h.vs;
	struct tseg syn = seg(ISN, 0, TH_SYN);
	syn.syn_opts = true;
	syn.opt.mss_ok = true;
	syn.opt.mss = 1460;
	syn.opt.ws_ok = true;
	syn.opt.ws = 7;
	send_seg(f, &syn);
	struct tseg synack = take(f);
	assert_int_equal(synack.flags, TH_SYN | TH_ACK);
	struct tseg ack = seg(ISN + 1, synack.seq + 1, TH_ACK);
	ack.opt.tsecr = synack.opt.tsval;
	send_seg(f, &ack);
	int err;
	struct tcp_sock *ts = tcp_accept(vs, f->lis, &err);
	assert_non_null(ts);
	if (close_it)
		tcp_close(vs, ts);
	else
		assert_int_equal(tcp_shutdown(vs, ts, SHUT_WR), 0);
	struct tseg fin = take(f);
	assert_true(fin.flags & TH_FIN);
	f->our_fin = fin.seq;
	struct tseg finack = seg(ISN + 1, fin.seq + 1, TH_FIN | TH_ACK);
	send_seg(f, &finack);
	f->last_ack = take(f);
	assert_int_equal(f->last_ack.ack, ISN + 2);
	return close_it ? NULL : ts;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	fake_host_init(&f->h, "10.0.0.1", 9);
	f->peer = tu_v4("10.0.0.2");
	f->lis = tcp_sock_new(&f->h.vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(&f->h.vs, f->lis, &any, PORT), 0);
	assert_int_equal(tcp_listen(&f->h.vs, f->lis, 16), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fake_host_free(&f->h);
	free(f);
	return 0;
}

static void test_orphan_becomes_entry_and_acks_fin_again(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	to_timewait(f, true);
	assert_int_equal(vs->tcp->count, 1); /* the listener: the TCB is gone */
	assert_int_equal(vs->tcp->tw_n, 1);
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	assert_int_equal(c[0].state, VWIRE_TCP_TIME_WAIT);
	assert_int_equal(c[0].remote_port, PEER_PORT);
	/* The FIN again, 30 s on: the same ACK, a fresh TSval. */
	vs_timers_run_until(vs, vs->now_usecs + 30 * 1000000LL);
	struct tseg finack = seg(ISN + 1, f->our_fin + 1, TH_FIN | TH_ACK);
	finack.opt.tsval = PEER_TSVAL + 1;
	send_seg(f, &finack);
	struct tseg a = take(f);
	assert_int_equal(a.flags, TH_ACK);
	assert_int_equal(a.seq, f->last_ack.seq);
	assert_int_equal(a.ack, f->last_ack.ack);
	assert_int_equal(a.win, f->last_ack.win);
	assert_true(a.opt.ts_ok);
	assert_int_equal(a.opt.tsecr, PEER_TSVAL);
	assert_int_equal(a.opt.tsval, f->last_ack.opt.tsval + 30 * 1000);
	/* 2*MSL restarted: still there just before 60 s from the FIN, gone at. */
	vs_timers_run_until(vs, vs->now_usecs + 60 * 1000000LL - 1);
	assert_int_equal(vs->tcp->tw_n, 1);
	vs_timers_run_until(vs, vs->now_usecs + 1);
	assert_int_equal(vs->tcp->tw_n, 0);
	assert_int_equal(f->h.last_old_state, VWIRE_TCP_TIME_WAIT);
	assert_int_equal(f->h.last_new_state, VWIRE_TCP_CLOSE);
}

static void test_rst_ends_entry_unless_rfc1337(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	to_timewait(f, true);
	/* Off RCV.NXT, in the window: a challenge ACK, the entry stays. */
	send_seg(f, &(struct tseg){ .sport = PEER_PORT, .dport = PORT, .seq = ISN + 3,
				   .flags = TH_RST });
	assert_int_equal(take(f).flags, TH_ACK);
	assert_int_equal(vs->tcp->tw_n, 1);
	vs->knobs.tcp_rfc1337 = 1;
	send_seg(f, &(struct tseg){ .sport = PEER_PORT, .dport = PORT, .seq = ISN + 2,
				   .flags = TH_RST });
	assert_int_equal(vs->tcp->tw_n, 1);
	vs->knobs.tcp_rfc1337 = 0;
	send_seg(f, &(struct tseg){ .sport = PEER_PORT, .dport = PORT, .seq = ISN + 2,
				   .flags = TH_RST });
	assert_int_equal(vs->tcp->tw_n, 0);
	assert_null(fake_host_pop(&f->h));
}

static void test_new_syn_goes_to_listener(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	to_timewait(f, true);
	/* An old SYN (at or below RCV.NXT, no newer timestamp): an ACK. */
	struct tseg old = seg(ISN, 0, TH_SYN);
	old.syn_opts = true;
	old.opt.tsval = PEER_TSVAL;
	send_seg(f, &old);
	assert_int_equal(take(f).flags, TH_ACK);
	assert_int_equal(vs->tcp->tw_n, 1);
	/* One above the old sequence space: a new connection. */
	struct tseg syn = seg(ISN + 100000, 0, TH_SYN);
	syn.syn_opts = true;
	send_seg(f, &syn);
	struct tseg synack = take(f);
	assert_int_equal(synack.flags, TH_SYN | TH_ACK);
	assert_int_equal(synack.ack, ISN + 100001);
	assert_int_equal(vs->tcp->tw_n, 0);
}

static void test_bind_needs_reuseaddr(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	to_timewait(f, true);
	tcp_close(vs, f->lis);
	f->lis = NULL;
	struct vs_addr any = { .family = AF_INET };
	struct tcp_sock *a = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_bind(vs, a, &any, PORT), -EADDRINUSE);
	a->reuseaddr = true;
	assert_int_equal(tcp_bind(vs, a, &any, PORT), 0);
	tcp_close(vs, a);
}

static void test_held_tcb_compacts_on_close(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	struct tcp_sock *ts = to_timewait(f, false);
	assert_int_equal(tcp_state(ts), VWIRE_TCP_TIME_WAIT);
	assert_int_equal(vs->tcp->tw_n, 0); /* the user still holds it */
	vs_timers_run_until(vs, vs->now_usecs + 20 * 1000000LL);
	tcp_close(vs, ts);
	assert_int_equal(vs->tcp->tw_n, 1);
	assert_int_equal(vs->tcp->count, 1);
	/* The 2*MSL started at TIME-WAIT, not at close. */
	vs_timers_run_until(vs, vs->now_usecs + 40 * 1000000LL - 1);
	assert_int_equal(vs->tcp->tw_n, 1);
	vs_timers_run_until(vs, vs->now_usecs + 1);
	assert_int_equal(vs->tcp->tw_n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_orphan_becomes_entry_and_acks_fin_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_ends_entry_unless_rfc1337, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_new_syn_goes_to_listener, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_needs_reuseaddr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_tcb_compacts_on_close, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
