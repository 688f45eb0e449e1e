/* vwire_tcp_metrics_flush (`ip tcp_metrics flush`): the instance forgets
 * the Fast Open cookies it cached per destination, so the next Fast Open
 * SYN asks for a cookie again instead of carrying data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>

#include "stack_host_test_util.h"

static int setup(void **state)
{
	struct packetdrill_interface *ifc = ht_new(state);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_timestamps", "0"), 0);
	return 0;
}

/* A non-blocking MSG_FASTOPEN sendto of len bytes: the SYN it sends. */
static struct tseg fastopen_syn(struct packetdrill_interface *ifc, size_t len, ssize_t ret)
{
	struct sockaddr_in dst = ht_sin(HT_REMOTE, HT_PORT);
	int fd = ifc->socket(ifc->userdata, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ifc->fcntl(ifc->userdata, fd, F_SETFL, O_NONBLOCK), 0);
	static const char data[100];
	assert_int_equal(ifc->sendto(ifc->userdata, fd, data, len, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), ret);
	uint8_t buf[2048];
	struct tseg syn;
	assert_true(ht_recv(ifc, &syn, buf, sizeof(buf)));
	assert_int_equal(syn.flags, TH_SYN);
	return syn;
}

static void flush_forgets_the_cookie(void **state)
{
	struct packetdrill_interface *ifc = *state;
	struct tseg syn = fastopen_syn(ifc, 0, -1);
	assert_int_equal(syn.opt.fo_len, 0);            /* a cookie request */
	/* the server's SYN-ACK with a cookie, which the instance caches */
	struct tcp_fastopen_cookie ck = { .len = 4, .val = { 9, 8, 7, 6 } };
	assert_int_equal(ht_send_fastopen_synack(ifc, syn.sport, 500, syn.seq + 1, &ck), 0);
	ht_count_packets(ifc);

	/* cached: the next SYN carries data and the cookie */
	syn = fastopen_syn(ifc, 10, 10);
	assert_int_equal(syn.len, 10);
	assert_int_equal(syn.opt.fo_len, 4);

	vwire_tcp_metrics_flush(ifc->userdata);
	syn = fastopen_syn(ifc, 10, -1);
	assert_int_equal(syn.len, 0);
	assert_int_equal(syn.opt.fo_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(flush_forgets_the_cookie, setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
