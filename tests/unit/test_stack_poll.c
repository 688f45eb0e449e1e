/* poll and epoll: readiness, POLLNVAL, timeouts in virtual time,
 * level- and edge-triggered reports, EPOLLONESHOT, epoll_ctl errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <sys/time.h>

#include "stack_host_test_util.h"

struct conn {
	struct packetdrill_interface ifc;
	int lfd, fd;
	uint32_t snd_nxt;
};

static int setup(void **state)
{
	struct conn *c = calloc(1, sizeof(*c));
	ht_init(&c->ifc);
	c->fd = ht_connection(&c->ifc, &c->lfd, &c->snd_nxt);
	assert_true(c->fd > c->lfd);
	ht_count_packets(&c->ifc);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct conn *c = *state;
	c->ifc.free(c->ifc.userdata);
	free(c);
	return 0;
}

static int64_t now_us(struct packetdrill_interface *ifc)
{
	struct timeval tv;
	ifc->gettimeofday(ifc->userdata, &tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void test_poll_readiness(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	struct pollfd p[3] = { { .fd = c->fd, .events = POLLIN | POLLOUT },
			       { .fd = 77, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	assert_int_equal(c->ifc.poll(u, p, 3, 0), 2);
	assert_int_equal(p[0].revents, POLLOUT);
	assert_int_equal(p[1].revents, POLLNVAL);
	assert_int_equal(p[2].revents, 0);
	assert_int_equal(ht_send_data(&c->ifc, 0, "abc", 3, c->snd_nxt, TH_PSH), 0);
	assert_int_equal(c->ifc.poll(u, p, 1, 0), 1);
	assert_int_equal(p[0].revents, POLLIN | POLLOUT);
	/* The listener is readable once a connection waits in its queue. */
	struct pollfd lp = { .fd = c->lfd, .events = POLLIN };
	assert_int_equal(c->ifc.poll(u, &lp, 1, 0), 0);
	errno = 0;
	assert_int_equal(c->ifc.poll(u, NULL, 1, 0), -1);
	assert_int_equal(errno, EFAULT);
}

struct poll_call {
	struct conn *c;
	int result;
};

static void *do_poll(void *arg)
{
	struct poll_call *pc = arg;
	struct pollfd p = { .fd = pc->c->lfd, .events = POLLIN };
	pc->result = pc->c->ifc.poll(pc->c->ifc.userdata, &p, 1, 500);
	return NULL;
}

static void test_poll_timeout_is_virtual(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	struct pollfd p = { .fd = c->lfd, .events = POLLIN };
	int64_t t0 = now_us(&c->ifc);
	assert_int_equal(c->ifc.poll(u, &p, 1, 0), 0);
	assert_int_equal(now_us(&c->ifc), t0); /* a zero timeout costs no time */
	struct poll_call pc = { .c = c, .result = -2 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, do_poll, &pc), 0);
	for (int i = 0; i < 2000000 && vwire_blocked_calls(u) != 1; i++)
		sched_yield();
	assert_int_equal(vwire_blocked_calls(u), 1);
	/* The poll's deadline is a timer the harness sees; passing it ends
	 * the poll (and nothing before it does). */
	int64_t next = vwire_next_timer(u);
	assert_true(next > t0 && next <= t0 + 500000);
	c->ifc.usleep(u, 499999);
	for (int i = 0; i < 2000000 && vwire_blocked_calls(u) != 1; i++)
		sched_yield();
	assert_int_equal(pc.result, -2);
	c->ifc.usleep(u, 1);
	pthread_join(th, NULL);
	assert_int_equal(pc.result, 0);
	assert_int_equal(now_us(&c->ifc), t0 + 500000);
}

static void test_epoll_level_and_edge(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	int ep = c->ifc.epoll_create(u, 1);
	assert_true(ep > c->fd);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.fd = c->fd }, out[4];
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_ADD, c->fd, &ev), 0);
	errno = 0;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_ADD, c->fd, &ev), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	assert_int_equal(out[0].events, EPOLLOUT);
	assert_int_equal(out[0].data.fd, c->fd);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 0); /* no new edge */
	assert_int_equal(ht_send_data(&c->ifc, 0, "abcd", 4, c->snd_nxt, TH_PSH), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	assert_int_equal(out[0].events, EPOLLIN | EPOLLOUT);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 0);
	/* More data while still readable is a new edge. */
	assert_int_equal(ht_send_data(&c->ifc, 4, "ef", 2, c->snd_nxt, TH_PSH), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	char buf[8];
	assert_int_equal(c->ifc.read(u, c->fd, buf, 1), 1);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 0);

	/* Level-triggered: reported every time. */
	ev.events = EPOLLIN;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_MOD, c->fd, &ev), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	assert_int_equal(out[0].events, EPOLLIN);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	/* One-shot: once, until re-armed. */
	ev.events = EPOLLIN | EPOLLONESHOT;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_MOD, c->fd, &ev), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 0);
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_MOD, c->fd, &ev), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 1);
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_DEL, c->fd, NULL), 0);
	errno = 0;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_DEL, c->fd, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 4, 0), 0);
}

static void test_epoll_errors_and_close(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	struct epoll_event ev = { .events = EPOLLIN }, out[1];
	errno = 0;
	assert_int_equal(c->ifc.epoll_create(u, 0), -1);
	assert_int_equal(errno, EINVAL);
	int ep = c->ifc.epoll_create(u, 1);
	errno = 0;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_ADD, 99, &ev), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(c->ifc.epoll_ctl(u, c->fd, EPOLL_CTL_ADD, c->lfd, &ev), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_ADD, c->fd, &ev), 0);
	assert_int_equal(ht_send_data(&c->ifc, 0, "x", 1, c->snd_nxt, TH_PSH), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 1, 0), 1);
	/* A closed descriptor leaves every epoll set. */
	assert_int_equal(c->ifc.close(u, c->fd), 0);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 1, 0), 0);
}

static void test_epoll_wait_timeout_advances_with_usleep(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	int ep = c->ifc.epoll_create(u, 1);
	struct epoll_event out[1];
	int64_t t0 = now_us(&c->ifc);
	assert_int_equal(c->ifc.epoll_wait(u, ep, out, 1, 0), 0);
	assert_int_equal(now_us(&c->ifc), t0);
	c->ifc.usleep(u, 250000);
	assert_int_equal(now_us(&c->ifc), t0 + 250000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_poll_readiness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_timeout_is_virtual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoll_level_and_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoll_errors_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoll_wait_timeout_advances_with_usleep, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
