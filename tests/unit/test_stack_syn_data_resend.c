/* A Fast Open client whose SYN-ACK acknowledges only the SYN, not its
 * data: the data goes again at once, counted as Linux counts it (lost and
 * retransmitted: tcpi_lost, tcpi_retrans), and that short resent segment
 * is no Nagle/Minshall reason to hold the tail of the next write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/tcp.h>

#include "stack_host_test_util.h"

static int setup(void **state)
{
	struct packetdrill_interface *ifc = ht_new(state);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_fastopen", "0x70403"), 0);
	assert_int_equal(vwire_sysctl_set(ifc->userdata, "net.ipv4.tcp_timestamps", "0"), 0);
	return 0;
}

/* A SYN-ACK to the client's SYN syn: acking `acked` bytes past its ISN
 * (1: the SYN only), with a Fast Open cookie when ck is given. */
static void send_synack(struct packetdrill_interface *ifc, const struct tseg *syn,
			uint32_t acked, const struct tcp_fastopen_cookie *ck)
{
	assert_int_equal(ht_send_fastopen_synack(ifc, syn->sport, 7000, syn->seq + acked, ck), 0);
}

static void syn_data_resent_as_a_retransmission(void **state)
{
	struct packetdrill_interface *ifc = *state;
	void *u = ifc->userdata;
	struct sockaddr_in dst = ht_sin(HT_REMOTE, HT_PORT);
	uint8_t buf[2048];
	struct tseg syn, s;

	/* A first connection fetches a cookie. */
	int fd = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ifc->fcntl(u, fd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(ifc->sendto(u, fd, "x", 1, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), -1);
	assert_true(ht_recv(ifc, &syn, buf, sizeof(buf)));
	struct tcp_fastopen_cookie ck = { .len = 4, .val = { 1, 2, 3, 4 } };
	send_synack(ifc, &syn, 1, &ck);
	ht_count_packets(ifc);

	/* The next SYN carries 1000 bytes; the SYN-ACK covers none of them. */
	int fd2 = ifc->socket(u, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(ifc->fcntl(u, fd2, F_SETFL, O_NONBLOCK), 0);
	uint8_t d[1500];
	memset(d, 'a', sizeof(d));
	assert_int_equal(ifc->sendto(u, fd2, d, 1000, MSG_FASTOPEN,
				     (struct sockaddr *)&dst, sizeof(dst)), 1000);
	assert_true(ht_recv(ifc, &syn, buf, sizeof(buf)));
	assert_int_equal(syn.len, 1000);
	send_synack(ifc, &syn, 1, NULL);
	assert_true(ht_recv(ifc, &s, buf, sizeof(buf)));
	assert_int_equal(s.seq, syn.seq + 1);
	assert_int_equal(s.len, 1000);
	assert_true(s.flags & TH_PSH);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	assert_int_equal(ifc->getsockopt(u, fd2, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
	assert_int_equal(ti.tcpi_retrans, 1);
	assert_int_equal(ti.tcpi_lost, 1);
	assert_int_equal(ti.tcpi_unacked, 1);

	/* A write of more than one MSS goes whole: the short segment in
	 * flight was a retransmission, not new data Nagle waits for. */
	assert_int_equal(ifc->write(u, fd2, d, 1500), 1500);
	uint32_t sent = 0;
	while (ht_recv(ifc, &s, buf, sizeof(buf)))
		sent += s.len;
	assert_int_equal(sent, 1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(syn_data_resent_as_a_retransmission, setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
