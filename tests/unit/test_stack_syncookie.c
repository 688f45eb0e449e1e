/* SYN cookies: the codec (every MSS index, the wscale/SACK/ECN bits of
 * TSval, tampered bits, expiry) and the listener using it through the
 * engine (tcp_syncookies 0/1/2, a cookie ACK building the connection with
 * the encoded options, bad and stale cookies refused), plus the request
 * queue's SYN-ACK retransmissions and their end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/socket.h>

#include "stack_fake_conn_test_util.h"
#include "tcp_syncookie.h"

#define PEER_ISN 1000000u
#define SEED 42

/* ---------------------------------------------------------------- codec */

static struct tcp_cookie_tuple tuple4(void)
{
	struct tcp_cookie_tuple t;
	memset(&t, 0, sizeof(t));
	t.laddr = tu_v4(LOCAL);
	t.raddr = tu_v4(REMOTE);
	t.lport = LPORT;
	t.rport = RPORT;
	t.peer_isn = PEER_ISN;
	return t;
}

static struct tcp_cookie_tuple tuple6(void)
{
	struct tcp_cookie_tuple t;
	memset(&t, 0, sizeof(t));
	t.laddr.family = t.raddr.family = AF_INET6;
	inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", &t.laddr.u.v6);
	inet_pton(AF_INET6, "2001:db8::1", &t.raddr.u.v6);
	t.lport = LPORT;
	t.rport = RPORT;
	t.peer_isn = 0xfffffff0u;        /* wraps when the hash is added */
	return t;
}

static void test_mss_table(void **state)
{
	(void)state;
	static const struct { int family; uint16_t mss; int index; uint16_t value; } cases[] = {
		{ AF_INET, 100, 0, 536 },   { AF_INET, 536, 0, 536 },
		{ AF_INET, 1299, 0, 536 },  { AF_INET, 1300, 1, 1300 },
		{ AF_INET, 1439, 1, 1300 }, { AF_INET, 1440, 2, 1440 },
		{ AF_INET, 1459, 2, 1440 }, { AF_INET, 1460, 3, 1460 },
		{ AF_INET, 9000, 3, 1460 }, { AF_INET6, 1000, 0, 1220 },
		{ AF_INET6, 1420, 1, 1420 }, { AF_INET6, 1440, 2, 1440 },
		{ AF_INET6, 8939, 2, 1440 }, { AF_INET6, 8940, 3, 8940 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int idx = tcp_cookie_mss_index(cases[i].family, cases[i].mss);
		assert_int_equal(idx, cases[i].index);
		assert_int_equal(tcp_cookie_mss_value(cases[i].family, idx), cases[i].value);
	}
	assert_int_equal(tcp_cookie_mss_value(AF_INET, 4), 0);
	assert_int_equal(tcp_cookie_mss_value(AF_INET, -1), 0);
}

static void test_every_index_round_trips(void **state)
{
	(void)state;
	struct tcp_cookie_tuple ts[2] = { tuple4(), tuple6() };
	for (int k = 0; k < 2; k++)
		for (uint32_t count = 0; count < 300; count += 37)
			for (int i = 0; i < TCP_COOKIE_MSS_COUNT; i++) {
				uint32_t c = tcp_cookie_encode(SEED, &ts[k], count, i);
				assert_int_equal(tcp_cookie_decode(SEED, &ts[k], count, c), i);
				/* still good one counter value (a minute) later */
				assert_int_equal(tcp_cookie_decode(SEED, &ts[k], count + 1, c), i);
			}
}

static void test_expiry(void **state)
{
	(void)state;
	struct tcp_cookie_tuple t = tuple4();
	uint32_t c = tcp_cookie_encode(SEED, &t, 1000, 3);
	assert_int_equal(tcp_cookie_decode(SEED, &t, 1001, c), 3);
	assert_int_equal(tcp_cookie_decode(SEED, &t, 1002, c), -1);
	assert_int_equal(tcp_cookie_decode(SEED, &t, 1100, c), -1);
	/* from the future (a counter not reached yet) */
	assert_int_equal(tcp_cookie_decode(SEED, &t, 999, c), -1);
	/* the counter runs on virtual time, one value a minute */
	assert_int_equal(tcp_cookie_counter(59999999), 0);
	assert_int_equal(tcp_cookie_counter(60000000), 1);
	assert_int_equal(tcp_cookie_counter(3600LL * 1000000), 60);
}

static void test_tampered_refused(void **state)
{
	(void)state;
	struct tcp_cookie_tuple t = tuple4();
	for (int i = 0; i < TCP_COOKIE_MSS_COUNT; i++) {
		uint32_t c = tcp_cookie_encode(SEED, &t, 7, i);
		/* The MSS index sits in the low two bits, added under the hash:
		 * flipping them only moves to another index; every other bit
		 * breaks the cookie. */
		for (int bit = 2; bit < 32; bit++)
			assert_int_equal(tcp_cookie_decode(SEED, &t, 7, c ^ (1u << bit)), -1);
		for (int bit = 0; bit < 2; bit++)
			assert_int_not_equal(tcp_cookie_decode(SEED, &t, 7, c ^ (1u << bit)), i);
		struct tcp_cookie_tuple o = t;
		/* The peer ISN is added in the clear, as in Linux's layout: one
		 * off only moves the index, further off breaks the cookie. */
		o.peer_isn++;
		assert_int_not_equal(tcp_cookie_decode(SEED, &o, 7, c), i);
		o.peer_isn += 1u << 8;
		assert_int_equal(tcp_cookie_decode(SEED, &o, 7, c), -1);
		o = t;
		o.rport++;
		assert_int_equal(tcp_cookie_decode(SEED, &o, 7, c), -1);
		o = t;
		o.raddr.u.v4.s_addr ^= htonl(1);
		assert_int_equal(tcp_cookie_decode(SEED, &o, 7, c), -1);
		/* the local side of the tuple is hashed too */
		o = t;
		o.lport++;
		assert_int_equal(tcp_cookie_decode(SEED, &o, 7, c), -1);
		o = t;
		o.laddr.u.v4.s_addr ^= htonl(1u << 8);
		assert_int_equal(tcp_cookie_decode(SEED, &o, 7, c), -1);
		/* another instance's key */
		assert_int_equal(tcp_cookie_decode(SEED + 1, &t, 7, c), -1);
	}
	/* deterministic: the same key and input give the same cookie */
	assert_int_equal(tcp_cookie_encode(SEED, &t, 7, 2), tcp_cookie_encode(SEED, &t, 7, 2));
	assert_int_not_equal(tcp_cookie_encode(SEED, &t, 7, 2), tcp_cookie_encode(SEED + 1, &t, 7, 2));
}

static void test_timestamp_bits(void **state)
{
	(void)state;
	static const uint32_t nows[] = { 0x12345678u, 1000u, 64u, 0xffffffffu };
	for (size_t n = 0; n < sizeof(nows) / sizeof(nows[0]); n++)
		for (int ws = -1; ws <= 14; ws++)
			for (int bits = 0; bits < 4; bits++) {
				bool sack = bits & 1, ecn = bits & 2;
				uint32_t tsval = tcp_cookie_tsval(nows[n], ws, sack, ecn);
				/* never ahead of the clock, never more than 64 ms behind */
				assert_true((int32_t)(nows[n] - tsval) >= 0);
				assert_true(nows[n] - tsval < 64);
				int ws2;
				bool sack2, ecn2;
				assert_true(tcp_cookie_ts_decode(tsval, &ws2, &sack2, &ecn2));
				assert_int_equal(ws2, ws);
				assert_int_equal(sack2, sack);
				assert_int_equal(ecn2, ecn);
			}
}

/* ------------------------------------------------------- through the engine */

static int setup(void **state)
{
	struct fx *f = fx_new(state, SEED);
	fx_listen(f, 1);
	return 0;
}

/* The next packet sent, parsed; false if none. */
static bool sent(struct fx *f, struct tseg *out)
{
	struct fake_pkt *p = fake_host_pop(&f->h);
	if (!p)
		return false;
	static uint8_t keep[2048];
	memcpy(keep, p->data, p->len < sizeof(keep) ? p->len : sizeof(keep));
	bool ok = tu_parse(keep, p->len, out);
	free(p);
	return ok;
}

static void syn(struct fx *f, uint16_t sport, uint32_t isn, uint16_t mss, bool ts, int ws, bool sack)
{
	struct tcp_opts o = { .mss_ok = true, .mss = mss, .sack_ok = sack, .ts_ok = ts,
			      .tsval = 5000, .ws_ok = ws >= 0, .ws = ws >= 0 ? (uint8_t)ws : 0 };
	fx_inject(f, (struct tseg){ .sport = sport, .seq = isn, .flags = TH_SYN, .win = 65535,
				    .opt = o, .syn_opts = true });
}

static void ack(struct fx *f, uint16_t sport, uint32_t seq, uint32_t ackno, bool ts, uint32_t tsecr)
{
	struct tcp_opts o = { .ts_ok = ts, .tsval = 5001, .tsecr = tsecr };
	fx_inject(f, (struct tseg){ .sport = sport, .seq = seq, .ack = ackno, .flags = TH_ACK,
				    .win = 1000, .opt = o });
}

static void test_cookie_handshake_keeps_options(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 2;
	syn(f, RPORT, PEER_ISN, 1400, true, 9, true);
	struct tseg sa;
	assert_true(sent(f, &sa));
	assert_int_equal(sa.flags, TH_SYN | TH_ACK);
	assert_int_equal(tcp_synq_len(f->listener), 0);   /* nothing remembered */
	struct tcp_cookie_tuple t = tuple4();
	assert_int_equal(sa.seq, tcp_cookie_encode(SEED, &t, tcp_cookie_counter(vs->now_usecs),
						   tcp_cookie_mss_index(AF_INET, 1400)));
	assert_int_equal(sa.opt.mss, 1460);          /* our own MSS, as usual */
	int ws;
	bool sack, ecn;
	assert_true(tcp_cookie_ts_decode(sa.opt.tsval, &ws, &sack, &ecn));
	assert_int_equal(ws, 9);
	assert_true(sack);
	assert_false(ecn);
	vs_timers_run_until(vs, vs->now_usecs + 100000);
	assert_false(sent(f, &sa) && sa.flags & TH_SYN);    /* not retransmitted */
	ack(f, RPORT, PEER_ISN + 1, sa.seq + 1, true, sa.opt.tsval);
	int err;
	struct tcp_sock *c = tcp_accept(vs, f->listener, &err);
	assert_non_null(c);
	assert_int_equal(tcp_state(c), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(c->peer_mss, 1300);          /* the table value below 1400 */
	assert_int_equal(c->snd_wscale, 9);
	assert_int_equal(c->snd_wnd, 1000u << 9);
	assert_true(c->sack_ok && c->ts_ok && c->ws_ok);
	assert_int_equal(c->mss_cache, 1300 - 12);
	tcp_close(vs, c);
}

static void test_cookie_without_timestamps_loses_wscale_and_sack(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 2;
	syn(f, RPORT, PEER_ISN, 1000, false, 7, true);
	struct tseg sa;
	assert_true(sent(f, &sa));
	assert_true(sa.opt.ws_ok && sa.opt.sack_ok);  /* offered in the SYN-ACK */
	ack(f, RPORT, PEER_ISN + 1, sa.seq + 1, false, 0);
	int err;
	struct tcp_sock *c = tcp_accept(vs, f->listener, &err);
	assert_non_null(c);
	assert_false(c->ws_ok || c->sack_ok || c->ts_ok);
	assert_int_equal(c->peer_mss, 536);
	tcp_close(vs, c);
}

static void test_bad_cookie_gets_rst(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 2;
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	struct tseg sa, r;
	assert_true(sent(f, &sa));
	ack(f, RPORT, PEER_ISN + 1, sa.seq + 1 + 8, true, sa.opt.tsval);
	assert_true(sent(f, &r));
	assert_int_equal(r.flags, TH_RST);
	assert_int_equal(r.seq, sa.seq + 1 + 8);
	/* the right cookie from another port is no cookie either */
	ack(f, RPORT + 1, PEER_ISN + 1, sa.seq + 1, true, sa.opt.tsval);
	assert_true(sent(f, &r));
	assert_int_equal(r.flags, TH_RST);
	int err;
	assert_null(tcp_accept(vs, f->listener, &err));
	assert_int_equal(err, -EAGAIN);
	struct tcp_synflood_stats st;
	tcp_synflood_stats(vs, &st);
	assert_int_equal(st.cookies_bad, 2);
	assert_int_equal(st.cookies_ok, 0);
}

static void test_stale_cookie_gets_rst(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 2;
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	struct tseg sa, r;
	assert_true(sent(f, &sa));
	/* keep cookies "recent" with another SYN, then answer far too late */
	vs_timers_run_until(vs, vs->now_usecs + 125LL * 1000000);
	syn(f, RPORT + 9, PEER_ISN, 1460, true, 7, true);
	fake_host_drain(&f->h);
	ack(f, RPORT, PEER_ISN + 1, sa.seq + 1, true, sa.opt.tsval);
	assert_true(sent(f, &r));
	assert_int_equal(r.flags, TH_RST);
	int err;
	assert_null(tcp_accept(vs, f->listener, &err));
}

static void test_cookies_only_when_full_with_1(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 1;
	/* backlog 1: requests while the queue holds at most one */
	syn(f, 6000, PEER_ISN, 1460, true, 7, true);
	syn(f, 6001, PEER_ISN, 1460, true, 7, true);
	assert_int_equal(tcp_synq_len(f->listener), 2);
	syn(f, 6002, PEER_ISN, 1460, true, 7, true);
	assert_int_equal(tcp_synq_len(f->listener), 2);
	struct tcp_synflood_stats st;
	tcp_synflood_stats(vs, &st);
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.cookies_sent, 1);
	assert_int_equal(f->h.queued, 3);              /* every SYN answered */
}

static void test_no_cookies_with_0(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 0;
	syn(f, 6000, PEER_ISN, 1460, true, 7, true);
	syn(f, 6001, PEER_ISN, 1460, true, 7, true);
	fake_host_drain(&f->h);
	syn(f, 6002, PEER_ISN, 1460, true, 7, true);
	assert_int_equal(f->h.queued, 0);              /* dropped */
	struct tcp_synflood_stats st;
	tcp_synflood_stats(vs, &st);
	assert_int_equal(st.cookies_sent, 0);
	assert_int_equal(st.dropped, 1);
	/* and an ACK that looks like a cookie is just an ACK: RST */
	ack(f, 7000, PEER_ISN + 1, 12345, false, 0);
	struct tseg r;
	assert_true(sent(f, &r));
	assert_int_equal(r.flags, TH_RST);
}

static void test_request_synack_retransmission_and_expiry(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	vs->knobs.tcp_syncookies = 0;
	vs->knobs.tcp_synack_retries = 3;
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	struct tseg sa, re;
	assert_true(sent(f, &sa));
	int64_t t0 = vs->now_usecs;
	/* 1 s, then 2 s, then 4 s later, the same SYN-ACK */
	static const int64_t at[] = { 1000000, 3000000, 7000000 };
	for (int i = 0; i < 3; i++) {
		vs_timers_run_until(vs, t0 + at[i] - 1);
		assert_false(sent(f, &re));
		vs_timers_run_until(vs, t0 + at[i]);
		assert_true(sent(f, &re));
		assert_int_equal(re.flags, TH_SYN | TH_ACK);
		assert_int_equal(re.seq, sa.seq);
		assert_int_equal(re.ack, PEER_ISN + 1);
	}
	assert_int_equal(tcp_synq_len(f->listener), 1);
	/* the retransmitted SYN is answered at once, without a new entry */
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	assert_true(sent(f, &re));
	assert_int_equal(re.seq, sa.seq);
	assert_int_equal(tcp_synq_len(f->listener), 1);
	vs_timers_run_until(vs, t0 + 15000000);
	assert_false(sent(f, &re));
	assert_int_equal(tcp_synq_len(f->listener), 0);    /* given up */
	assert_int_equal(f->h.last_new_state, VWIRE_TCP_CLOSE);
	struct tcp_synflood_stats st;
	tcp_synflood_stats(vs, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.synack_retrans, 3);
	assert_int_equal(st.req_count, 0);
}

static void test_request_completes_after_retransmission(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	struct tseg sa;
	assert_true(sent(f, &sa));
	vs_timers_run_until(vs, vs->now_usecs + 1000000);
	assert_true(sent(f, &sa));
	ack(f, RPORT, PEER_ISN + 1, sa.seq + 1, true, sa.opt.tsval);
	int err;
	struct tcp_sock *c = tcp_accept(vs, f->listener, &err);
	assert_non_null(c);
	assert_int_equal(tcp_state(c), VWIRE_TCP_ESTABLISHED);
	assert_int_equal(c->peer_mss, 1460);          /* a request keeps the real MSS */
	assert_int_equal(tcp_synq_len(f->listener), 0);
	struct tcp_synflood_stats st;
	tcp_synflood_stats(vs, &st);
	assert_int_equal(st.promoted, 1);
	tcp_close(vs, c);
}

static void test_requests_listed_as_syn_recv(void **state)
{
	struct fx *f = *state;
	struct vstack *vs = &f->h.vs;
	syn(f, RPORT, PEER_ISN, 1460, true, 7, true);
	struct vwire_conn conns[8];
	int n = tcp_list_connections(vs, conns, 8);
	assert_int_equal(n, 2);
	int syn_recv = 0;
	for (int i = 0; i < n; i++)
		if (conns[i].state == VWIRE_TCP_SYN_RECV) {
			syn_recv++;
			assert_int_equal(conns[i].remote_port, RPORT);
			assert_int_equal(conns[i].local_port, LPORT);
		}
	assert_int_equal(syn_recv, 1);
	/* a RST for it takes it away */
	fx_inject(f, (struct tseg){ .seq = PEER_ISN + 1, .flags = TH_RST });
	assert_int_equal(tcp_list_connections(vs, conns, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mss_table),
		cmocka_unit_test(test_every_index_round_trips),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_tampered_refused),
		cmocka_unit_test(test_timestamp_bits),
		cmocka_unit_test_setup_teardown(test_cookie_handshake_keeps_options, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cookie_without_timestamps_loses_wscale_and_sack,
						setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_cookie_gets_rst, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stale_cookie_gets_rst, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cookies_only_when_full_with_1, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_cookies_with_0, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_request_synack_retransmission_and_expiry,
						setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_request_completes_after_retransmission,
						setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_requests_listed_as_syn_recv, setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
