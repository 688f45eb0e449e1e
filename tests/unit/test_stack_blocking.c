/* Blocking calls on a second thread, woken by what the main thread does:
 * netdev_send for accept and read, usleep for a receive timeout. The
 * blocked-call counter goes 1 -> 0 at the wakeup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <sys/time.h>

#include "stack_host_test_util.h"

struct call {
	struct packetdrill_interface *ifc;
	int fd;
	long result;
	int err;
	char buf[64];
};

static void wait_blocked(struct packetdrill_interface *ifc, int n)
{
	/* Bounded: the other thread reaches its wait in microseconds. */
	for (int i = 0; i < 2000000 && vwire_blocked_calls(ifc->userdata) != n; i++)
		sched_yield();
	assert_int_equal(vwire_blocked_calls(ifc->userdata), n);
}

static void *do_accept(void *arg)
{
	struct call *c = arg;
	c->result = c->ifc->accept(c->ifc->userdata, c->fd, NULL, NULL);
	c->err = errno;
	return NULL;
}

static void *do_read(void *arg)
{
	struct call *c = arg;
	c->result = c->ifc->read(c->ifc->userdata, c->fd, c->buf, sizeof(c->buf));
	c->err = errno;
	return NULL;
}

static void test_blocking_accept_woken_by_handshake(void **state)
{
	(void)state;
	struct packetdrill_interface ifc;
	ht_init(&ifc);
	struct call c = { .ifc = &ifc, .fd = ht_listener(&ifc), .result = -2 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, do_accept, &c), 0);
	wait_blocked(&ifc, 1);
	uint32_t snd_nxt = 0;
	assert_true(ht_handshake(&ifc, &snd_nxt));
	pthread_join(th, NULL);
	assert_int_equal(vwire_blocked_calls(ifc.userdata), 0);
	assert_int_equal(c.result, c.fd + 1);
	ifc.free(ifc.userdata);
}

static void test_blocking_read_woken_by_data(void **state)
{
	(void)state;
	struct packetdrill_interface ifc;
	ht_init(&ifc);
	int lfd;
	uint32_t snd_nxt = 0;
	struct call c = { .ifc = &ifc, .result = -2 };
	c.fd = ht_connection(&ifc, &lfd, &snd_nxt);
	assert_true(c.fd > lfd);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, do_read, &c), 0);
	wait_blocked(&ifc, 1);
	assert_int_equal(ht_send_data(&ifc, 0, "wake", 4, snd_nxt, TH_PSH), 0);
	pthread_join(th, NULL);
	assert_int_equal(vwire_blocked_calls(ifc.userdata), 0);
	assert_int_equal(c.result, 4);
	assert_memory_equal(c.buf, "wake", 4);
	ifc.free(ifc.userdata);
}

static void test_receive_timeout_in_virtual_time(void **state)
{
	(void)state;
	struct packetdrill_interface ifc;
	ht_init(&ifc);
	int lfd;
	uint32_t snd_nxt = 0;
	struct call c = { .ifc = &ifc, .result = -2 };
	c.fd = ht_connection(&ifc, &lfd, &snd_nxt);
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	assert_int_equal(ifc.setsockopt(ifc.userdata, c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	struct timeval t0, t1;
	ifc.gettimeofday(ifc.userdata, &t0, NULL);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, do_read, &c), 0);
	wait_blocked(&ifc, 1);
	/* The timeout is a timer the harness can see and step to. */
	int64_t next = vwire_next_timer(ifc.userdata);
	int64_t now = (int64_t)t0.tv_sec * 1000000 + t0.tv_usec;
	assert_true(next > now && next <= now + 300000);
	ifc.usleep(ifc.userdata, 100000);
	wait_blocked(&ifc, 1); /* still asleep: 100 ms < 300 ms */
	assert_int_equal(c.result, -2);
	ifc.usleep(ifc.userdata, 200000);
	pthread_join(th, NULL);
	assert_int_equal(c.result, -1);
	assert_int_equal(c.err, EAGAIN);
	ifc.gettimeofday(ifc.userdata, &t1, NULL);
	assert_int_equal((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_usec - t0.tv_usec), 300000);
	ifc.free(ifc.userdata);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocking_accept_woken_by_handshake),
		cmocka_unit_test(test_blocking_read_woken_by_data),
		cmocka_unit_test(test_receive_timeout_in_virtual_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
