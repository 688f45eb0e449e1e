/* ICMP errors for a listener's half-open request (a SYN-RECEIVED entry
 * of its SYN queue), as Linux treats them: over IPv4, net or host
 * unreachable quoting the SYN-ACK drops the request, so the peer's ACK
 * then meets a RST; port unreachable, or a quote of another sequence
 * number, leaves it, and the handshake completes. A quote of another
 * sequence number counts in TcpExt OutOfWindowIcmps (vwire_mib). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>

#include "stack_host_test_util.h"

/* A non-blocking listener: accept() must not wait in a test. */
static int nonblocking_listener(struct packetdrill_interface *ifc)
{
	int lfd = ht_listener(ifc);
	assert_true(lfd >= 0);
	assert_int_equal(ifc->fcntl(ifc->userdata, lfd, F_SETFL, O_NONBLOCK), 0);
	return lfd;
}

/* The peer's SYN; the SYN-ACK's raw IP packet into synack (its length). */
static size_t syn_and_synack(struct packetdrill_interface *ifc, uint8_t *synack, size_t cap,
			     struct tseg *sa)
{
	struct tseg syn = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1000,
		.flags = TH_SYN, .win = 65535, .syn_opts = true,
		.opt = { .mss_ok = true, .mss = 1460 } };
	assert_int_equal(ht_send(ifc, &syn), 0);
	size_t n = cap;
	assert_int_equal(ifc->netdev_receive(ifc->userdata, synack, &n), 0);
	assert_true(tu_parse(synack + 20, n - 20, sa));
	assert_int_equal(sa->flags, TH_SYN | TH_ACK);
	return n;
}

/* ICMP destination unreachable (code) from the peer quoting pkt's IP
 * header and 8 bytes of TCP, with its sequence number replaced by seq. */
static void send_unreach(struct packetdrill_interface *ifc, uint8_t code,
			 const uint8_t *pkt, uint32_t seq)
{
	uint8_t icmp[8 + 28], out[100];
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = code;
	memcpy(icmp + 8, pkt, 28);
	tu_put32(icmp + 8 + 20 + 4, seq);
	tu_put16(icmp + 2, ht_csum(icmp, sizeof(icmp)));
	size_t n = ht_ipv4(out, IPPROTO_ICMP, HT_REMOTE, HT_LOCAL, icmp, sizeof(icmp));
	assert_int_equal(ifc->netdev_send(ifc->userdata, out, n), 0);
}

static uint64_t out_of_window_icmps(struct packetdrill_interface *ifc)
{
	const char *group, *name;
	uint64_t v;
	for (size_t i = 0; vwire_mib(ifc->userdata, i, &group, &name, &v) == 0; i++)
		if (!strcmp(group, "TcpExt") && !strcmp(name, "OutOfWindowIcmps"))
			return v;
	fail_msg("no TcpExt OutOfWindowIcmps");
	return 0;
}

static void send_ack(struct packetdrill_interface *ifc, const struct tseg *sa)
{
	struct tseg ack = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001,
		.ack = sa->seq + 1, .flags = TH_ACK, .win = 65535 };
	assert_int_equal(ht_send(ifc, &ack), 0);
}

static void host_unreachable_drops_the_request(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd = nonblocking_listener(ifc);
	uint8_t synack[200], buf[200];
	struct tseg sa, r;
	syn_and_synack(ifc, synack, sizeof(synack), &sa);
	send_unreach(ifc, 1, synack, sa.seq);
	send_ack(ifc, &sa);
	assert_true(ht_recv(ifc, &r, buf, sizeof(buf)));
	assert_int_equal(r.flags, TH_RST);
	assert_int_equal(r.seq, sa.seq + 1);
	assert_int_equal(ifc->accept(ifc->userdata, lfd, NULL, NULL), -1);
}

static void other_errors_leave_the_request(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd = nonblocking_listener(ifc);
	uint8_t synack[200], buf[200];
	struct tseg sa, r;
	syn_and_synack(ifc, synack, sizeof(synack), &sa);
	send_unreach(ifc, 3, synack, sa.seq);          /* port unreachable */
	assert_int_equal(out_of_window_icmps(ifc), 0);
	send_unreach(ifc, 1, synack, sa.seq + 1);      /* not our SYN-ACK */
	assert_int_equal(out_of_window_icmps(ifc), 1);
	send_ack(ifc, &sa);
	assert_false(ht_recv(ifc, &r, buf, sizeof(buf)));
	assert_true(ifc->accept(ifc->userdata, lfd, NULL, NULL) >= 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, ht_setup, ht_teardown)
	const struct CMUnitTest tests[] = {
		T(host_unreachable_drops_the_request),
		T(other_errors_leave_the_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
