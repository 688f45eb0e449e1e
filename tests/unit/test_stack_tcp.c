/* The TCP engine end to end through stack/tcp.h: segments built by hand go
 * in through tcp_input(), the engine's replies come out of a fake host's
 * IP output. Handshakes both ways, data both ways, every close path,
 * TIME-WAIT, RST cases, SYN retransmission. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP, MSG_MORE; the Makefile sets it too */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#define FX_EXTRA_MEMBERS uint32_t peer_nxt; /* the next sequence number the peer sends */
#include "stack_fake_conn_test_util.h"

#define PEER_ISN 1000000u

/* Pops the next packet the engine sent; fails the test if none. */
static struct tseg expect(struct fx *f, struct fake_pkt **keep)
{
	struct fake_pkt *p = fake_host_pop(&f->h);
	assert_non_null(p);
	struct tseg s;
	assert_true(tu_parse(p->data, p->len, &s));
	assert_int_equal(tcp_checksum(&p->src, &p->dst, p->data, p->len), 0);
	*keep = p;
	return s;
}

static void expect_nothing(struct fx *f)
{
	assert_int_equal(f->h.queued, 0);
}

static int setup(void **state)
{
	fx_new(state, 42);
	return 0;
}

static struct tcp_opts peer_syn_opts(void)
{
	struct tcp_opts o = { .mss_ok = true, .mss = 1460, .sack_ok = true, .ts_ok = true,
			      .tsval = 100, .ws_ok = true, .ws = 7 };
	return o;
}

static struct tcp_opts ts_opt(struct fx *f, uint32_t tsval)
{
	struct tcp_opts o = { .ts_ok = true, .tsval = tsval, .tsecr = tcp_tsval(f->ts) };
	return o;
}

/* Passive open to ESTABLISHED; leaves f->ts accepted. */
static void passive_open(struct fx *f, bool timestamps)
{
	struct vstack *vs = &f->h.vs;
	fx_listen(f, 5);
	struct tcp_opts o = peer_syn_opts();
	o.ts_ok = timestamps;
	fx_inject(f, (struct tseg){ .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
				    .opt = o, .syn_opts = true });
	struct fake_pkt *p;
	struct tseg sa = expect(f, &p);
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.ack, PEER_ISN + 1);
	assert_int_equal(sa.sport, LPORT);
	assert_true(sa.opt.mss_ok);
	assert_int_equal(sa.opt.mss, 1460);
	assert_int_equal(sa.opt.ws, 7);
	assert_int_equal(sa.opt.ts_ok, timestamps);
	if (timestamps)
		assert_int_equal(sa.opt.tsecr, 100);
	/* 65536 bytes of window from rmem 131072, rounded to 1448 or 1460 */
	assert_int_equal(sa.win, timestamps ? 65160 : 64240);
	free(p);
	f->iss = sa.seq;
	int err;
	assert_null(tcp_accept(vs, f->listener, &err));
	assert_int_equal(err, -EAGAIN);
	struct tcp_opts a = { .ts_ok = timestamps, .tsval = 101, .tsecr = sa.opt.tsval };
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .opt = a });
	expect_nothing(f);
	f->ts = tcp_accept(vs, f->listener, &err);
	assert_non_null(f->ts);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(f->ts->snd_wnd, 1000 << 7);
	assert_int_equal(f->ts->mss_cache, timestamps ? 1448 : 1460);
	f->peer_nxt = PEER_ISN + 1;
}

static void test_passive_open(void **state)
{
	struct fx *f = *state;
	passive_open(f, true);
	assert_true(tcp_poll(&f->h.vs, f->ts) & POLLOUT);
	assert_false(tcp_poll(&f->h.vs, f->ts) & POLLIN);
	struct vs_addr a;
	uint16_t port;
	assert_int_equal(tcp_peer_name(f->ts, &a, &port), 0);
	assert_int_equal(port, RPORT);
}

static void test_active_open_and_syn_options(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EINPROGRESS);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EALREADY);
	struct fake_pkt *p;
	struct tseg syn = expect(f, &p);
	assert_int_equal(syn.flags, TH_SYN);
	assert_int_equal(syn.win, 64240);
	assert_true(syn.opt.sack_ok && syn.opt.ts_ok && syn.opt.ws_ok);
	assert_int_equal(syn.opt.ws, 7);
	/* mss, sackOK, TS, nop, wscale */
	assert_int_equal(p->data[12] >> 4, 10);
	assert_int_equal(p->data[24], TCPOPT_SACK_PERM);
	free(p);
	assert_true(syn.sport >= 32768 && syn.sport <= 60999);
	struct tcp_opts o = peer_syn_opts();
	o.tsecr = syn.opt.tsval;
	o.ws = 6;
	fx_inject(f, (struct tseg){ .sport = RPORT, .dport = syn.sport, .seq = PEER_ISN,
				    .ack = syn.seq + 1, .flags = TH_SYN | TH_ACK, .win = 5840,
				    .opt = o, .syn_opts = true });
	struct tseg ack = expect(f, &p);
	free(p);
	assert_int_equal(ack.flags, TH_ACK);
	assert_int_equal(ack.seq, syn.seq + 1);
	assert_int_equal(ack.ack, PEER_ISN + 1);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), 0);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EISCONN);
	assert_int_equal(f->ts->snd_wnd, 5840);
	assert_int_equal(f->ts->snd_wscale, 6);
}

static void test_simultaneous_open(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	tcp_connect(vs, f->ts, &f->remote, RPORT);
	struct fake_pkt *p;
	struct tseg syn = expect(f, &p);
	free(p);
	/* the peer's own SYN crosses ours */
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = PEER_ISN, .flags = TH_SYN,
				    .win = 5840, .opt = peer_syn_opts(), .syn_opts = true });
	struct tseg sa = expect(f, &p);
	free(p);
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa.seq, syn.seq);
	assert_int_equal(sa.ack, PEER_ISN + 1);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_SYN_RECV);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -EALREADY);
	/* and its SYN-ACK completes the handshake */
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = PEER_ISN, .ack = syn.seq + 1,
				    .flags = TH_SYN | TH_ACK, .win = 5840, .opt = peer_syn_opts(),
				    .syn_opts = true });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), 0);
}

static void test_connection_refused(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	tcp_connect(vs, f->ts, &f->remote, RPORT);
	struct fake_pkt *p;
	struct tseg syn = expect(f, &p);
	free(p);
	/* a RST whose ACK does not cover our SYN is ignored */
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = 0, .ack = syn.seq + 7,
				    .flags = TH_RST | TH_ACK });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_SYN_SENT);
	fx_inject(f, (struct tseg){ .dport = syn.sport, .seq = 0, .ack = syn.seq + 1,
				    .flags = TH_RST | TH_ACK });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -ECONNREFUSED);
}

static void test_syn_retransmission_schedule(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	int64_t t0 = vs->now_usecs;
	tcp_connect(vs, f->ts, &f->remote, RPORT);
	fake_host_drain(&f->h);
	/* 4 linear retransmissions 1 s apart, then exponential backoff */
	int64_t want[] = { 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t next = vs_timers_next(vs);
		assert_int_equal(next - t0, want[i] * 1000000);
		vs_timers_run_until(vs, next);
		struct fake_pkt *p;
		struct tseg s = expect(f, &p);
		free(p);
		assert_int_equal(s.flags, TH_SYN);
	}
	assert_int_equal(vs_timers_next(vs) - t0, 131 * 1000000LL);
	vs_timers_run_until(vs, vs_timers_next(vs));
	expect_nothing(f);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_connect(vs, f->ts, &f->remote, RPORT), -ETIMEDOUT);
}

static void test_synack_retransmission(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->listener = tcp_sock_new(vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	tcp_bind(vs, f->listener, &any, LPORT);
	tcp_listen(vs, f->listener, 5);
	fx_inject(f, (struct tseg){ .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
				    .opt = peer_syn_opts(), .syn_opts = true });
	fake_host_drain(&f->h);
	int64_t t0 = vs->now_usecs;
	int64_t want[] = { 1, 3, 7, 15, 31 };
	for (int i = 0; i < 5; i++) {
		vs_timers_run_until(vs, vs_timers_next(vs));
		assert_int_equal(vs->now_usecs - t0, want[i] * 1000000);
		struct fake_pkt *p;
		struct tseg s = expect(f, &p);
		free(p);
		assert_int_equal(s.flags, TH_SYN | TH_ACK);
	}
	vs_timers_run_until(vs, vs_timers_next(vs));
	expect_nothing(f);
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 1); /* just the listener */
}

static void test_listener_close_takes_children(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);           /* f->ts accepted: stays */
	/* one child established in the queue, one embryonic */
	fx_inject(f, (struct tseg){ .sport = 6001, .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
				    .opt = peer_syn_opts(), .syn_opts = true });
	struct fake_pkt *p;
	struct tseg sa = expect(f, &p);
	free(p);
	fx_inject(f, (struct tseg){ .sport = 6001, .seq = PEER_ISN + 1, .ack = sa.seq + 1,
				    .flags = TH_ACK, .win = 100 });
	fx_inject(f, (struct tseg){ .sport = 6002, .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
				    .opt = peer_syn_opts(), .syn_opts = true });
	fake_host_drain(&f->h);
	struct vwire_conn c[8];
	assert_int_equal(tcp_list_connections(vs, c, 8), 4);
	tcp_close(vs, f->listener);
	/* the queued established child is reset, the embryonic one dropped */
	struct tseg r = expect(f, &p);
	free(p);
	assert_true(r.flags & TH_RST);
	assert_int_equal(r.dport, 6001);
	expect_nothing(f);
	assert_int_equal(tcp_list_connections(vs, c, 8), 1);
	assert_int_equal(c[0].state, VWIRE_TCP_ESTABLISHED);
	assert_int_equal(vs_timers_next(vs) >= 0 && vs_timer_armed(&f->ts->rexmit_timer), false);
}

static void test_embryonic_reset(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->listener = tcp_sock_new(vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	tcp_bind(vs, f->listener, &any, LPORT);
	tcp_listen(vs, f->listener, 5);
	fx_inject(f, (struct tseg){ .seq = PEER_ISN, .flags = TH_SYN, .win = 65535,
				    .opt = peer_syn_opts(), .syn_opts = true });
	fake_host_drain(&f->h);
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .flags = TH_RST });
	assert_int_equal(tcp_list_connections(vs, c, 4), 1);
	expect_nothing(f);
}

static void test_data_both_ways(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, true);
	uint8_t out[3000];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)i;
	assert_int_equal(tcp_send(vs, f->ts, out, sizeof(out), 0), 3000);
	/* One GSO-style segment covering the write, as Linux hands its
	 * device; PSH because it ends the write. */
	uint32_t seq = f->iss + 1;
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	assert_int_equal(s.seq, seq);
	assert_int_equal(s.len, 3000);
	assert_memory_equal(s.data, out, s.len);
	assert_true(s.flags & TH_PSH);
	assert_true(s.opt.ts_ok);
	free(p);
	assert_int_equal(tcp_outq(vs, f->ts), 3000);
	/* the loss probe resends the last MSS-sized piece only */
	vs_timers_run_until(vs, vs_timers_next(vs));
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.seq, seq + 2 * 1448);
	assert_int_equal(s.len, 3000 - 2 * 1448);
	/* then the RTO: one MSS from the head */
	vs_timers_run_until(vs, vs_timers_next(vs));
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.seq, seq);
	assert_int_equal(s.len, 1448);
	expect_nothing(f);
	seq += 3000;
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = seq, .flags = TH_ACK,
				    .win = 1000, .opt = ts_opt(f, 200) });
	assert_int_equal(tcp_outq(vs, f->ts), 0);
	assert_false(vs_timer_armed(&f->ts->rexmit_timer));
	/* data from the peer: quick ACK early in the connection */
	const char msg[] = "hello, stack";
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = seq, .flags = TH_ACK | TH_PSH,
				    .win = 1000, .opt = ts_opt(f, 201),
				    .data = (const uint8_t *)msg, .len = sizeof(msg) });
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + sizeof(msg));
	assert_int_equal(a.opt.tsecr, 201);
	assert_int_equal(tcp_inq(vs, f->ts), sizeof(msg));
	assert_true(tcp_poll(vs, f->ts) & POLLIN);
	char in[64];
	assert_int_equal(tcp_recv(vs, f->ts, in, 5, MSG_PEEK), 5);
	assert_int_equal(tcp_recv(vs, f->ts, in, sizeof(in), 0), sizeof(msg));
	assert_string_equal(in, msg);
	assert_int_equal(tcp_recv(vs, f->ts, in, sizeof(in), 0), -EAGAIN);
}

static void test_out_of_order_and_sack(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, true);
	uint8_t d[3000];
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 13);
	uint32_t base = f->peer_nxt;
	fx_inject(f, (struct tseg){ .seq = base + 1000, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .opt = ts_opt(f, 300), .data = d + 1000, .len = 1000 });
	struct fake_pkt *p;
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, base);
	assert_int_equal(a.opt.nsack, 1);
	assert_int_equal(a.opt.sack[0][0], base + 1000);
	assert_int_equal(a.opt.sack[0][1], base + 2000);
	/* the hole fills: everything is acknowledged at once */
	fx_inject(f, (struct tseg){ .seq = base, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .opt = ts_opt(f, 301), .data = d, .len = 1000 });
	a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, base + 2000);
	assert_int_equal(a.opt.nsack, 0);
	/* an old duplicate: D-SACK */
	fx_inject(f, (struct tseg){ .seq = base, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .opt = ts_opt(f, 302), .data = d, .len = 500 });
	a = expect(f, &p);
	free(p);
	assert_int_equal(a.opt.nsack, 1);
	assert_int_equal(a.opt.sack[0][0], base);
	assert_int_equal(a.opt.sack[0][1], base + 500);
	uint8_t in[3000];
	assert_int_equal(tcp_recv(vs, f->ts, in, sizeof(in), 0), 2000);
	assert_memory_equal(in, d, 2000);
}

static void test_delayed_ack_after_quickacks(void **state)
{
	struct fx *f = *state;
	passive_open(f, false);
	f->ts->quick = 0;
	f->ts->ato_us = TCP_ATO_MIN_US;
	uint8_t d[100] = { 0 };
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .data = d, .len = 100 });
	expect_nothing(f);
	fx_advance(f, 39999);
	expect_nothing(f);
	fx_advance(f, 1);
	struct fake_pkt *p;
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + 100);
}

static void test_active_close_and_time_wait(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	tcp_close(vs, f->ts);
	struct fake_pkt *p;
	struct tseg fin = expect(f, &p);
	free(p);
	assert_int_equal(fin.flags, TH_FIN | TH_ACK);
	assert_int_equal(fin.seq, f->iss + 1);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_FIN_WAIT1);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 2, .flags = TH_ACK, .win = 1000 });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_FIN_WAIT2);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 2, .flags = TH_ACK | TH_FIN,
				    .win = 1000 });
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + 1);
	/* The orphan's TCB is now a compact TIME-WAIT entry (tcp_timewait.c):
	 * f->ts is gone, the table lists the entry. */
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	assert_int_equal(c[0].state, VWIRE_TCP_TIME_WAIT);
	/* a retransmitted FIN is ACKed again and restarts the timer */
	fx_advance(f, 30 * 1000000LL);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 2, .flags = TH_ACK | TH_FIN,
				    .win = 1000 });
	a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + 1);
	fx_advance(f, 60 * 1000000LL - 1);
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	assert_int_equal(c[0].state, VWIRE_TCP_TIME_WAIT);
	fx_advance(f, 1);
	assert_int_equal(tcp_list_connections(vs, c, 4), 1);
	/* and the port answers with RST now */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 1, .ack = f->iss + 2, .flags = TH_ACK,
				    .win = 1000 });
	struct tseg r = expect(f, &p);
	free(p);
	assert_int_equal(r.flags, TH_RST);
	assert_int_equal(r.seq, f->iss + 2);
}

static void test_fin_wait2_orphan_timeout(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	vs->knobs.tcp_fin_timeout = 30;
	tcp_close(vs, f->ts);
	fake_host_drain(&f->h);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 2, .flags = TH_ACK, .win = 1000 });
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	assert_int_equal(c[0].state, VWIRE_TCP_FIN_WAIT2);
	fx_advance(f, 30 * 1000000LL - 1);
	assert_int_equal(tcp_list_connections(vs, c, 4), 2);
	fx_advance(f, 1);
	assert_int_equal(tcp_list_connections(vs, c, 4), 1);
	expect_nothing(f);
}

static void test_passive_close(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK | TH_FIN,
				    .win = 1000 });
	struct fake_pkt *p;
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + 1);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE_WAIT);
	char b[8];
	assert_int_equal(tcp_recv(vs, f->ts, b, sizeof(b), 0), 0);
	assert_true(tcp_poll(vs, f->ts) & POLLRDHUP);
	assert_int_equal(tcp_inq(vs, f->ts), 0);
	assert_int_equal(tcp_inq_hint(vs, f->ts), 1); /* EOF shows as 1, as Linux */
	/* our ACK of the FIN was lost: the FIN again is ACKed again */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK | TH_FIN,
				    .win = 1000 });
	a = expect(f, &p);
	free(p);
	assert_int_equal(a.ack, f->peer_nxt + 1);
	tcp_close(vs, f->ts);
	struct tseg fin = expect(f, &p);
	free(p);
	assert_int_equal(fin.flags, TH_FIN | TH_ACK);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 1, .ack = f->iss + 2, .flags = TH_ACK,
				    .win = 1000 });
	struct vwire_conn c[4];
	assert_int_equal(tcp_list_connections(vs, c, 4), 1);
}

static void test_simultaneous_close(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	assert_int_equal(tcp_shutdown(vs, f->ts, SHUT_WR), 0);
	struct fake_pkt *p;
	struct tseg fin = expect(f, &p);
	free(p);
	assert_true(fin.flags & TH_FIN);
	assert_int_equal(tcp_send(vs, f->ts, "x", 1, 0), -EPIPE);
	/* the peer's FIN crosses ours */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK | TH_FIN,
				    .win = 1000 });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSING);
	fake_host_drain(&f->h);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 1, .ack = f->iss + 2, .flags = TH_ACK,
				    .win = 1000 });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_TIME_WAIT);
}

static void test_close_with_unread_data_resets(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = 1000, .data = (const uint8_t *)"abc", .len = 3 });
	fake_host_drain(&f->h);
	tcp_close(vs, f->ts);
	struct fake_pkt *p;
	struct tseg r = expect(f, &p);
	free(p);
	assert_int_equal(r.flags, TH_RST | TH_ACK);
	assert_int_equal(r.seq, f->iss + 1);
	assert_int_equal(r.ack, f->peer_nxt + 3);
}

static void test_linger_zero_resets(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	struct linger l = { 1, 0 };
	assert_int_equal(tcp_setsockopt(vs, f->ts, SOL_SOCKET, SO_LINGER, &l, sizeof(l)), 0);
	tcp_close(vs, f->ts);
	struct fake_pkt *p;
	struct tseg r = expect(f, &p);
	free(p);
	assert_true(r.flags & TH_RST);
}

static void test_rst_rules(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	/* in window but not exact: challenge ACK (RFC 5961 3.2) */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 10, .flags = TH_RST });
	struct fake_pkt *p;
	struct tseg a = expect(f, &p);
	free(p);
	assert_int_equal(a.flags, TH_ACK);
	assert_int_equal(a.ack, f->peer_nxt);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	/* a SYN in a synchronized state: challenge ACK too */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 5, .flags = TH_SYN, .win = 100 });
	a = expect(f, &p);
	free(p);
	assert_int_equal(a.flags, TH_ACK);
	/* out of window: ignored */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt + 10000000, .flags = TH_RST });
	expect_nothing(f);
	/* exact: reset */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .flags = TH_RST });
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_send(vs, f->ts, "x", 1, 0), -ECONNRESET);
	assert_int_equal(tcp_send(vs, f->ts, "x", 1, 0), -EPIPE);
}

static void test_rst_for_no_connection(void **state)
{
	struct fx *f = *state;
	fx_inject(f, (struct tseg){ .dport = 9, .seq = 77, .flags = TH_SYN, .win = 100 });
	struct fake_pkt *p;
	struct tseg r = expect(f, &p);
	free(p);
	assert_int_equal(r.flags, TH_RST | TH_ACK);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, 78);
	fx_inject(f, (struct tseg){ .dport = 9, .seq = 77, .ack = 555, .flags = TH_ACK, .win = 100 });
	r = expect(f, &p);
	free(p);
	assert_int_equal(r.flags, TH_RST);
	assert_int_equal(r.seq, 555);
	fx_inject(f, (struct tseg){ .dport = 9, .seq = 77, .flags = TH_RST });
	expect_nothing(f);
}

static void test_tail_loss_probe_then_rto(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);          /* SACK on: a loss probe comes first */
	tcp_send(vs, f->ts, "data", 4, 0);
	fake_host_drain(&f->h);
	int64_t t0 = vs->now_usecs;
	/* srtt ~0, one segment out: PTO = 2 srtt + 200 ms, capped by the RTO;
	 * then the RTO, then the RTO backed off */
	int64_t rto = tcp_rto_us(f->ts);
	assert_true(rto >= 200000 && rto < 200100);
	int64_t want[] = { rto, 2 * rto, 4 * rto };
	for (int i = 0; i < 3; i++) {
		vs_timers_run_until(vs, vs_timers_next(vs));
		assert_int_equal(vs->now_usecs - t0, want[i]);
		struct fake_pkt *p;
		struct tseg s = expect(f, &p);
		free(p);
		assert_int_equal(s.seq, f->iss + 1);
		assert_int_equal(s.len, 4);
	}
}

static void test_retransmission_timeout_backoff(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->h.vs.knobs.tcp_early_retrans = 0; /* no loss probe */
	passive_open(f, false);
	tcp_send(vs, f->ts, "data", 4, 0);
	fake_host_drain(&f->h);
	int64_t t = vs->now_usecs;
	int64_t rto = tcp_rto_us(f->ts);
	assert_true(rto >= 200000);
	for (int i = 0; i < 3; i++) {
		vs_timers_run_until(vs, vs_timers_next(vs));
		assert_int_equal(vs->now_usecs - t, rto << i);
		t = vs->now_usecs;
		struct fake_pkt *p;
		struct tseg s = expect(f, &p);
		free(p);
		assert_int_equal(s.seq, f->iss + 1);
		assert_int_equal(s.len, 4);
	}
	assert_int_equal(f->ts->total_retrans, 3);
}

static void test_zero_window_probe(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK, .win = 0 });
	tcp_send(vs, f->ts, "data", 4, 0);
	expect_nothing(f);
	assert_true(vs_timer_armed(&f->ts->persist_timer));
	vs_timers_run_until(vs, vs_timers_next(vs));
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	free(p);
	assert_int_equal(s.seq, f->iss);   /* snd_una - 1 */
	assert_int_equal(s.len, 0);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK, .win = 10 });
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 4);
}

static void test_nagle_holds_small_segments(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	tcp_send(vs, f->ts, "a", 1, 0);
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 1);
	tcp_send(vs, f->ts, "b", 1, 0);
	tcp_send(vs, f->ts, "c", 1, 0);
	expect_nothing(f);               /* a small segment is unacked */
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 2, .flags = TH_ACK, .win = 1000 });
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 2);
	int one = 1;
	assert_int_equal(tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	tcp_send(vs, f->ts, "d", 1, 0);
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 1);
}

static void test_sockopts(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	struct tcp_sock *ts = tcp_sock_new(vs, AF_INET);
	int v = 10000;
	unsigned len = sizeof(v);
	assert_int_equal(tcp_setsockopt(vs, ts, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	assert_int_equal(tcp_getsockopt(vs, ts, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
	assert_int_equal(v, 20000);
	v = 1;
	assert_int_equal(tcp_setsockopt(vs, ts, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	len = sizeof(v);
	tcp_getsockopt(vs, ts, SOL_SOCKET, SO_SNDBUF, &v, &len);
	assert_int_equal(v, 4608);
	v = 10;
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), -EINVAL);
	len = sizeof(v);
	tcp_getsockopt(vs, ts, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	assert_int_equal(v, 536);
	v = 0;
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), -EINVAL);
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, TCP_CONGESTION, "reno", 4), 0);
	char name[16];
	len = sizeof(name);
	tcp_getsockopt(vs, ts, IPPROTO_TCP, TCP_CONGESTION, name, &len);
	assert_string_equal(name, "reno");
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, TCP_CONGESTION, "bogus", 5), -ENOENT);
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, 9999, &v, sizeof(v)), -ENOPROTOOPT);
	assert_int_equal(tcp_setsockopt(vs, ts, IPPROTO_TCP, TCP_NODELAY, &v, 2), -EINVAL);
	struct tcp_info ti;
	len = sizeof(ti);
	assert_int_equal(tcp_getsockopt(vs, ts, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	assert_int_equal(ti.tcpi_state, VWIRE_TCP_CLOSE);
	assert_int_equal(ti.tcpi_rto, 1000000);
	tcp_close(vs, ts);
}

static void test_tcp_info_established(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, true);
	struct tcp_info ti;
	unsigned len = sizeof(ti);
	tcp_getsockopt(vs, f->ts, IPPROTO_TCP, TCP_INFO, &ti, &len);
	assert_int_equal(ti.tcpi_state, VWIRE_TCP_ESTABLISHED);
	assert_int_equal(ti.tcpi_snd_mss, 1448);
	assert_int_equal(ti.tcpi_snd_cwnd, 10);
	assert_int_equal(ti.tcpi_snd_wscale, 7);
	assert_int_equal(ti.tcpi_rcv_wscale, 7);
	assert_true(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
	assert_true(ti.tcpi_options & TCPI_OPT_SACK);
	assert_int_equal(ti.tcpi_advmss, 1460);
}

static void test_listen_backlog_drops_syns(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->listener = tcp_sock_new(vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	tcp_bind(vs, f->listener, &any, LPORT);
	tcp_listen(vs, f->listener, 0);
	for (uint16_t port = 6000; port < 6003; port++) {
		fx_inject(f, (struct tseg){ .sport = port, .seq = PEER_ISN, .flags = TH_SYN,
					    .win = 65535, .opt = peer_syn_opts(), .syn_opts = true });
		struct fake_pkt *p = fake_host_pop(&f->h);
		if (!p)
			continue;
		struct tseg sa;
		tu_parse(p->data, p->len, &sa);
		free(p);
		fx_inject(f, (struct tseg){ .sport = port, .seq = PEER_ISN + 1, .ack = sa.seq + 1,
					    .flags = TH_ACK, .win = 100 });
	}
	/* backlog 0 admits one connection (Linux's off-by-one) */
	assert_int_equal(f->listener->aq_len, 1);
	struct tcp_sock *o = tcp_sock_new(vs, AF_INET);
	assert_int_equal(tcp_bind(vs, o, &any, LPORT), -EADDRINUSE);
	tcp_close(vs, o);
}


static void test_cork_and_msg_more(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	int one = 1, zero = 0;
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
	tcp_send(vs, f->ts, "0123456789", 10, 0);
	tcp_send(vs, f->ts, "abcdefghij", 10, 0);
	expect_nothing(f);
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero));
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 20);
	assert_true(s.flags & TH_PSH);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 21, .flags = TH_ACK,
				    .win = 1000 });
	/* MSG_MORE holds even with TCP_NODELAY, and sets no PSH */
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	tcp_send(vs, f->ts, "xy", 2, MSG_MORE);
	expect_nothing(f);
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 2);
	assert_false(s.flags & TH_PSH);
}

static void test_held_data_goes_out_on_probe_timer(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	int64_t t0 = vs->now_usecs;
	tcp_send(vs, f->ts, "held", 4, MSG_MORE);
	expect_nothing(f);
	vs_timers_run_until(vs, vs_timers_next(vs));
	assert_int_equal(vs->now_usecs - t0, tcp_rto_us(f->ts));
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	free(p);
	assert_int_equal(s.len, 4);
	assert_true(s.flags & TH_PSH);
	/* MSG_MORE held it only during the call: an ACK may release more */
	tcp_send(vs, f->ts, "more", 4, MSG_MORE);
	expect_nothing(f);
	fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 5, .flags = TH_ACK, .win = 1000 });
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.seq, f->iss + 5);
	assert_int_equal(s.len, 4);
}

static void test_keepalive_probes_then_reset(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	int v = 10;
	assert_int_equal(tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), 0);
	v = 5;
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v));
	v = 2;
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v));
	v = 1;
	tcp_setsockopt(vs, f->ts, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
	int64_t t0 = vs->now_usecs;
	for (int i = 0; i < 2; i++) {
		vs_timers_run_until(vs, vs_timers_next(vs));
		assert_int_equal(vs->now_usecs - t0, (10 + 5 * i) * 1000000LL);
		struct fake_pkt *p;
		struct tseg s = expect(f, &p);
		free(p);
		assert_int_equal(s.seq, f->iss);  /* snd_una - 1 */
		assert_int_equal(s.len, 0);
	}
	vs_timers_run_until(vs, vs_timers_next(vs));
	assert_int_equal(vs->now_usecs - t0, 20 * 1000000LL);
	struct fake_pkt *p;
	struct tseg r = expect(f, &p);
	free(p);
	assert_true(r.flags & TH_RST);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_sock_error(vs, f->ts, true), ETIMEDOUT);
}

static void test_keepalive_answered_stays_up(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	int v = 10;
	tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v));
	v = 1;
	tcp_setsockopt(vs, f->ts, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
	for (int i = 0; i < 20; i++) {
		vs_timers_run_until(vs, vs_timers_next(vs));
		fake_host_drain(&f->h);
		fx_inject(f, (struct tseg){ .seq = f->peer_nxt, .ack = f->iss + 1, .flags = TH_ACK,
					    .win = 1000 });
	}
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
}

static void test_user_timeout_gives_up(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	int v = 1500;
	assert_int_equal(tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof(v)), 0);
	v = -1;
	assert_int_equal(tcp_setsockopt(vs, f->ts, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof(v)), -EINVAL);
	int64_t t0 = vs->now_usecs;
	tcp_send(vs, f->ts, "lost", 4, 0);
	while (tcp_state(f->ts) == VWIRE_TCP_ESTABLISHED && vs->now_usecs - t0 < 10000000)
		vs_timers_run_until(vs, vs_timers_next(vs));
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_true(vs->now_usecs - t0 >= 1500000 && vs->now_usecs - t0 < 4000000);
	assert_int_equal(tcp_send(vs, f->ts, "x", 1, 0), -ETIMEDOUT);
}

static void test_icmp_unreachable_in_syn_sent_is_hard(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	f->ts = tcp_sock_new(vs, AF_INET);
	tcp_connect(vs, f->ts, &f->remote, RPORT);
	struct fake_pkt *p;
	struct tseg syn = expect(f, &p);
	/* ICMP port unreachable quoting our SYN */
	tcp_icmp_error(vs, AF_INET, 3, 3, 0, &f->local, &f->remote, p->data, 8);
	free(p);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_CLOSE);
	assert_int_equal(tcp_sock_error(vs, f->ts, true), ECONNREFUSED);
	(void)syn;
}

static void test_icmp_unreachable_established_is_soft(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	tcp_send(vs, f->ts, "abc", 3, 0);
	struct fake_pkt *p;
	expect(f, &p);
	tcp_icmp_error(vs, AF_INET, 3, 1, 0, &f->local, &f->remote, p->data, 8);
	free(p);
	assert_int_equal(tcp_state(f->ts), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(tcp_sock_error(vs, f->ts, false), 0);
	assert_int_equal(f->ts->soft_error, EHOSTUNREACH);
}

static void test_pmtu_lowers_mss_and_retransmits(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	passive_open(f, false);
	uint8_t d[1460] = { 0 };
	assert_int_equal(tcp_send(vs, f->ts, d, sizeof(d), 0), 1460);
	struct fake_pkt *p;
	struct tseg s = expect(f, &p);
	assert_int_equal(s.len, 1460);
	tcp_icmp_error(vs, AF_INET, 3, 4, 1200, &f->local, &f->remote, p->data, 8);
	free(p);
	assert_int_equal(f->ts->mss_cache, 1160);
	s = expect(f, &p);
	free(p);
	assert_int_equal(s.seq, f->iss + 1);
	assert_int_equal(s.len, 1160);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_passive_open),
		T(test_active_open_and_syn_options),
		T(test_connection_refused),
		T(test_simultaneous_open),
		T(test_syn_retransmission_schedule),
		T(test_synack_retransmission),
		T(test_embryonic_reset),
		T(test_listener_close_takes_children),
		T(test_data_both_ways),
		T(test_out_of_order_and_sack),
		T(test_delayed_ack_after_quickacks),
		T(test_active_close_and_time_wait),
		T(test_passive_close),
		T(test_fin_wait2_orphan_timeout),
		T(test_simultaneous_close),
		T(test_close_with_unread_data_resets),
		T(test_linger_zero_resets),
		T(test_rst_rules),
		T(test_rst_for_no_connection),
		T(test_retransmission_timeout_backoff),
		T(test_tail_loss_probe_then_rto),
		T(test_zero_window_probe),
		T(test_nagle_holds_small_segments),
		T(test_sockopts),
		T(test_tcp_info_established),
		T(test_listen_backlog_drops_syns),
		T(test_cork_and_msg_more),
		T(test_keepalive_probes_then_reset),
		T(test_keepalive_answered_stays_up),
		T(test_user_timeout_gives_up),
		T(test_held_data_goes_out_on_probe_timer),
		T(test_icmp_unreachable_in_syn_sent_is_hard),
		T(test_icmp_unreachable_established_is_soft),
		T(test_pmtu_lowers_mss_and_retransmits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
