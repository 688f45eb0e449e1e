/* A fixture for the TCP engine's unit tests on a fake host (header-only;
 * include after <cmocka.h>): struct fx holds the fake host, both
 * addresses and the sockets under test; the helpers inject the peer's
 * segments, take what the engine sent, and run a passive open step by
 * step so that each test keeps its own options and checks.
 *
 * Before inclusion a test may define LOCAL, REMOTE, RPORT and LPORT (the
 * defaults below), and FX_EXTRA_MEMBERS to add members of its own to
 * struct fx. */
#ifndef STACK_FAKE_CONN_TEST_UTIL_H
#define STACK_FAKE_CONN_TEST_UTIL_H

#define STACK_TEST_FAKE_HOST
#include "stack_test_util.h"

#ifndef LOCAL
#define LOCAL "192.168.0.1"
#endif
#ifndef REMOTE
#define REMOTE "192.0.2.1"
#endif
#ifndef RPORT
#define RPORT 5000
#endif
#ifndef LPORT
#define LPORT 8080
#endif
#ifndef FX_EXTRA_MEMBERS
#define FX_EXTRA_MEMBERS
#endif

struct fx {
	struct fake_host h;
	struct vs_addr local, remote;
	struct tcp_sock *listener, *ts;
	uint32_t iss;     /* our ISN as seen on the wire */
	uint16_t lport;   /* our port on the wire: fx_inject's default */
	FX_EXTRA_MEMBERS
};

/* A fixture on a new fake host seeded with seed, kept in *state. */
static inline struct fx *fx_new(void **state, uint64_t seed)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	fake_host_init(&f->h, LOCAL, seed);
	f->local = tu_v4(LOCAL);
	f->remote = tu_v4(REMOTE);
	f->lport = LPORT;
	*state = f;
	return f;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;
	fake_host_free(&f->h);
	free(f);
	return 0;
}

/* The peer's segment s into the engine. Ports left 0 go from RPORT to
 * f->lport (f->ts may be gone, closed: it is never read here). */
static inline void fx_inject(struct fx *f, struct tseg s)
{
	uint8_t buf[2048];
	if (!s.sport)
		s.sport = RPORT;
	if (!s.dport)
		s.dport = f->lport;
	size_t n = tu_build(buf, &s, &f->remote, &f->local);
	tcp_input(&f->h.vs, &f->remote, &f->local, 0, buf, n);
}

/* The oldest segment the engine sent, parsed; the test fails if there is
 * none. data is NULL: the bytes went with the packet. */
static inline struct tseg fx_expect(struct fx *f)
{
	struct fake_pkt *p = fake_host_pop(&f->h);
	assert_non_null(p);
	struct tseg s;
	assert_true(tu_parse(p->data, p->len, &s));
	s.data = NULL;
	free(p);
	return s;
}

static inline void fx_advance(struct fx *f, int64_t us)
{
	vs_timers_run_until(&f->h.vs, f->h.vs.now_usecs + us);
}

/* f->listener: a socket listening on LPORT (any address). */
static inline void fx_listen(struct fx *f, int backlog)
{
	struct vstack *vs = &f->h.vs;
	f->listener = tcp_sock_new(vs, AF_INET);
	struct vs_addr any = { .family = AF_INET };
	assert_int_equal(tcp_bind(vs, f->listener, &any, LPORT), 0);
	assert_int_equal(tcp_listen(vs, f->listener, backlog), 0);
	f->lport = LPORT;
}

/* The peer's SYN (sequence isn, window win, options o) to the listener. */
static inline void fx_peer_syn(struct fx *f, uint32_t isn, uint16_t win, struct tcp_opts o)
{
	fx_inject(f, (struct tseg){ .seq = isn, .flags = TH_SYN, .win = win, .opt = o,
				    .syn_opts = true });
}

/* The peer's ACK of our SYN-ACK (f->iss must hold its sequence) with
 * window win and options o; then f->ts: the connection accepted. */
static inline void fx_peer_ack_accept(struct fx *f, uint32_t isn, uint16_t win,
				      struct tcp_opts o)
{
	fx_inject(f, (struct tseg){ .seq = isn + 1, .ack = f->iss + 1, .flags = TH_ACK,
				    .win = win, .opt = o });
	int err;
	f->ts = tcp_accept(&f->h.vs, f->listener, &err);
	assert_non_null(f->ts);
}

#endif
