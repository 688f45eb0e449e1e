/* The error queue through the packetdrill interface: MSG_ZEROCOPY
 * completions (ids, coalesced ranges, COPIED), SO_TIMESTAMPING reports
 * (SCHED/SND at transmission, ACK at acknowledgement, OPT_ID keys, the
 * virtual clock), the cmsg layout, POLLERR and EPOLLET edges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "stack_host_test_util.h"

struct conn {
	struct packetdrill_interface ifc;
	int lfd, fd;
	uint32_t snd_nxt;   /* the stack's next sequence number at accept */
	uint32_t sent;      /* bytes the test's peer has seen so far */
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

/* The peer acknowledges everything up to relative byte off. */
static void ack_to(struct conn *c, uint32_t off)
{
	struct tseg a = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001,
		.ack = c->snd_nxt + off, .flags = TH_ACK, .win = 65535 };
	assert_int_equal(ht_send(&c->ifc, &a), 0);
}

struct errmsg {
	ssize_t r;
	int flags;
	size_t controllen;
	bool have_ts;
	struct timespec ts;
	int level, type;
	struct sock_extended_err ee;
};

static struct errmsg read_err(struct conn *c)
{
	union { char buf[512]; struct cmsghdr align; } ctl;
	memset(&ctl, 0xaa, sizeof(ctl));
	struct iovec v = { NULL, 0 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct errmsg e = { 0 };
	e.r = c->ifc.recvmsg(c->ifc.userdata, c->fd, &m, MSG_ERRQUEUE);
	e.flags = m.msg_flags;
	e.controllen = m.msg_controllen;
	if (e.r < 0)
		return e;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SO_TIMESTAMPING_OLD) {
			assert_int_equal(h->cmsg_len, CMSG_LEN(3 * sizeof(struct timespec)));
			memcpy(&e.ts, CMSG_DATA(h), sizeof(e.ts));
			e.have_ts = true;
		} else {
			e.level = h->cmsg_level;
			e.type = h->cmsg_type;
			/* sock_extended_err followed by the offender's sockaddr_in */
			assert_int_equal(h->cmsg_len, CMSG_LEN(sizeof(struct sock_extended_err) +
							      sizeof(struct sockaddr_in)));
			memcpy(&e.ee, CMSG_DATA(h), sizeof(e.ee));
		}
	}
	return e;
}

static void set_int(struct conn *c, int level, int name, int v)
{
	assert_int_equal(c->ifc.setsockopt(c->ifc.userdata, c->fd, level, name, &v, sizeof(v)), 0);
}

static void test_errqueue_empty_is_eagain(void **state)
{
	struct conn *c = *state;
	struct errmsg e = read_err(c);
	assert_int_equal(e.r, -1);
	assert_int_equal(errno, EAGAIN);
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	assert_int_equal(c->ifc.poll(c->ifc.userdata, &p, 1, 0), 0);
}

static void test_zerocopy_ids_and_ranges(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	char data[4000] = { 0 };
	/* Without SO_ZEROCOPY the flag is ignored: no notification. */
	assert_int_equal(c->ifc.send(u, c->fd, data, 1000, MSG_ZEROCOPY), 1000);
	ack_to(c, 1000);
	assert_int_equal(read_err(c).r, -1);

	set_int(c, SOL_SOCKET, SO_ZEROCOPY, 1);
	int v = 0;
	socklen_t vl = sizeof(v);
	assert_int_equal(c->ifc.getsockopt(u, c->fd, SOL_SOCKET, SO_ZEROCOPY, &v, &vl), 0);
	assert_int_equal(v, 1);
	v = 2;
	assert_int_equal(c->ifc.setsockopt(u, c->fd, SOL_SOCKET, SO_ZEROCOPY, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);

	/* Not yet acknowledged: nothing; acknowledged: id 0. */
	assert_int_equal(c->ifc.send(u, c->fd, data, 4000, MSG_ZEROCOPY), 4000);
	assert_int_equal(read_err(c).r, -1);
	ack_to(c, 3000);
	assert_int_equal(read_err(c).r, -1);
	ack_to(c, 5000);
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	assert_int_equal(c->ifc.poll(u, &p, 1, 0), 1);
	assert_int_equal(p.revents, POLLERR);
	struct errmsg e = read_err(c);
	assert_int_equal(e.r, 0);
	assert_true(e.flags & MSG_ERRQUEUE);
	assert_false(e.flags & (MSG_TRUNC | MSG_CTRUNC));
	assert_int_equal(e.level, SOL_IP);
	assert_int_equal(e.type, IP_RECVERR);
	assert_false(e.have_ts);
	assert_int_equal(e.ee.ee_errno, 0);
	assert_int_equal(e.ee.ee_origin, SO_EE_ORIGIN_ZEROCOPY);
	assert_int_equal(e.ee.ee_code, SO_EE_CODE_ZEROCOPY_COPIED);
	assert_int_equal(e.ee.ee_info, 0);
	assert_int_equal(e.ee.ee_data, 0);
	assert_int_equal(e.controllen, CMSG_SPACE(sizeof(struct sock_extended_err) +
						  sizeof(struct sockaddr_in)));
	assert_int_equal(c->ifc.poll(u, &p, 1, 0), 0);

	/* Three sends acknowledged one by one before a read: one range. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(c->ifc.send(u, c->fd, data, 100, MSG_ZEROCOPY), 100);
		ack_to(c, 5000 + 100 * (uint32_t)(i + 1));
	}
	e = read_err(c);
	assert_int_equal(e.r, 0);
	assert_int_equal(e.ee.ee_info, 1);
	assert_int_equal(e.ee.ee_data, 3);
	assert_int_equal(read_err(c).r, -1);
}

static void test_zerocopy_closed_socket_keeps_ids(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	int fd = c->ifc.socket(u, AF_INET, SOCK_STREAM, 0);
	int one = 1;
	assert_int_equal(c->ifc.setsockopt(u, fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)), 0);
	assert_int_equal(c->ifc.send(u, fd, "x", 1, MSG_ZEROCOPY), -1);
	assert_int_equal(errno, EPIPE);
	/* The failed send used no id and queued nothing. */
	union { char buf[128]; struct cmsghdr align; } ctl;
	struct msghdr m = { .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	assert_int_equal(c->ifc.recvmsg(u, fd, &m, MSG_ERRQUEUE), -1);
	assert_int_equal(errno, EAGAIN);
}

static int64_t now_us(struct conn *c)
{
	struct timeval tv;
	c->ifc.gettimeofday(c->ifc.userdata, &tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void expect_stamp(struct conn *c, uint32_t kind, uint32_t key, int64_t at_us)
{
	struct errmsg e = read_err(c);
	assert_int_equal(e.r, 0);
	assert_true(e.flags & MSG_ERRQUEUE);
	assert_true(e.flags & MSG_TRUNC); /* the packet did not fit in 0 bytes */
	assert_true(e.have_ts);
	assert_int_equal((int64_t)e.ts.tv_sec * 1000000 + e.ts.tv_nsec / 1000, at_us);
	assert_int_equal(e.ee.ee_errno, ENOMSG);
	assert_int_equal(e.ee.ee_origin, SO_EE_ORIGIN_TIMESTAMPING);
	assert_int_equal(e.ee.ee_info, kind);
	assert_int_equal(e.ee.ee_data, key);
}

static void test_timestamping_reports(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	char data[2000] = { 0 };
	/* OPT_ID needs a connection (a listener's write_seq means nothing). */
	int flags = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
		    SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_SOFTWARE |
		    SOF_TIMESTAMPING_OPT_ID;
	assert_int_equal(c->ifc.setsockopt(u, c->lfd, SOL_SOCKET, SO_TIMESTAMPING_OLD,
					   &flags, sizeof(flags)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(c->ifc.write(u, c->fd, data, 500), 500); /* before: no key base */
	ack_to(c, 500);
	set_int(c, SOL_SOCKET, SO_TIMESTAMPING_OLD, flags);
	set_int(c, SOL_TCP, TCP_NODELAY, 1); /* both writes leave at once */
	int64_t t0 = now_us(c);
	assert_int_equal(c->ifc.write(u, c->fd, data, 1000), 1000);
	assert_int_equal(c->ifc.write(u, c->fd, data, 1000), 1000);
	c->ifc.usleep(u, 10000);
	ack_to(c, 1500);
	c->ifc.usleep(u, 10000);
	ack_to(c, 2500);
	expect_stamp(c, SCM_TSTAMP_SCHED, 999, t0);
	expect_stamp(c, SCM_TSTAMP_SND, 999, t0);
	expect_stamp(c, SCM_TSTAMP_SCHED, 1999, t0);
	expect_stamp(c, SCM_TSTAMP_SND, 1999, t0);
	expect_stamp(c, SCM_TSTAMP_ACK, 999, t0 + 10000);
	expect_stamp(c, SCM_TSTAMP_ACK, 1999, t0 + 20000);
	assert_int_equal(read_err(c).r, -1);
}

static void test_epollerr_edges(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	char data[100] = { 0 };
	set_int(c, SOL_SOCKET, SO_ZEROCOPY, 1);
	int ep = c->ifc.epoll_create(u, 1);
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET, .data.fd = c->fd };
	assert_int_equal(c->ifc.epoll_ctl(u, ep, EPOLL_CTL_ADD, c->fd, &ev), 0);
	struct epoll_event out;
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 1);
	assert_int_equal(out.events, EPOLLOUT);
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 0);
	/* Two completions before a wait: one report. */
	assert_int_equal(c->ifc.send(u, c->fd, data, 100, MSG_ZEROCOPY), 100);
	ack_to(c, 100);
	assert_int_equal(c->ifc.send(u, c->fd, data, 100, MSG_ZEROCOPY), 100);
	ack_to(c, 200);
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 1);
	assert_int_equal(out.events, EPOLLERR | EPOLLOUT);
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 0);
	/* A new completion is a new edge although the queue was never read. */
	assert_int_equal(c->ifc.send(u, c->fd, data, 100, MSG_ZEROCOPY), 100);
	ack_to(c, 300);
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 1);
	assert_int_equal(out.events, EPOLLERR | EPOLLOUT);
	assert_int_equal(c->ifc.epoll_wait(u, ep, &out, 1, 0), 0);
	struct errmsg e = read_err(c);
	assert_int_equal(e.ee.ee_info, 0);
	assert_int_equal(e.ee.ee_data, 2);
}

static void test_cmsg_truncated(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	set_int(c, SOL_SOCKET, SO_ZEROCOPY, 1);
	assert_int_equal(c->ifc.send(u, c->fd, "abc", 3, MSG_ZEROCOPY), 3);
	ack_to(c, 3);
	union { char buf[sizeof(struct cmsghdr) + 4]; struct cmsghdr align; } ctl;
	struct msghdr m = { .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	assert_int_equal(c->ifc.recvmsg(u, c->fd, &m, MSG_ERRQUEUE), 0);
	assert_true(m.msg_flags & MSG_CTRUNC);
	assert_int_equal(m.msg_controllen, sizeof(ctl.buf));
	assert_int_equal(ctl.align.cmsg_level, SOL_IP);
}

/* ICMP host unreachable from router `from` quoting the packet pkt. */
static void send_icmp_unreach(struct conn *c, const char *from, const uint8_t *pkt,
			      size_t len)
{
	uint8_t icmp[8 + 60], out[100];
	size_t q = len < 48 ? len : 48;
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 1;
	memcpy(icmp + 8, pkt, q);
	tu_put16(icmp + 2, ht_csum(icmp, 8 + q));
	size_t n = ht_ipv4(out, IPPROTO_ICMP, from, HT_LOCAL, icmp, 8 + q);
	assert_int_equal(c->ifc.netdev_send(c->ifc.userdata, out, n), 0);
}

static void test_ip_recverr_icmp_in_syn_sent(void **state)
{
	struct conn *c = *state;
	void *u = c->ifc.userdata;
	for (int with_recverr = 0; with_recverr < 2; with_recverr++) {
		int fd = c->ifc.socket(u, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		int on = with_recverr;
		assert_int_equal(c->ifc.setsockopt(u, fd, SOL_IP, IP_RECVERR, &on, sizeof(on)), 0);
		int got = -1;
		socklen_t gl = sizeof(got);
		assert_int_equal(c->ifc.getsockopt(u, fd, SOL_IP, IP_RECVERR, &got, &gl), 0);
		assert_int_equal(got, on);
		struct sockaddr_in to = ht_sin(HT_REMOTE, 9000);
		assert_int_equal(c->ifc.connect(u, fd, (struct sockaddr *)&to, sizeof(to)), -1);
		assert_int_equal(errno, EINPROGRESS);
		uint8_t syn[2048];
		size_t n = sizeof(syn);
		assert_int_equal(c->ifc.netdev_receive(u, syn, &n), 0);
		send_icmp_unreach(c, "10.0.0.9", syn, n);

		union { char buf[256]; struct cmsghdr align; } ctl;
		struct sockaddr_in name;
		memset(&name, 0, sizeof(name));
		uint8_t data[64];
		struct iovec v = { data, sizeof(data) };
		struct msghdr m = { .msg_name = &name, .msg_namelen = sizeof(name),
				    .msg_iov = &v, .msg_iovlen = 1,
				    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		ssize_t r = c->ifc.recvmsg(u, fd, &m, MSG_ERRQUEUE);
		if (!with_recverr) {
			assert_int_equal(r, -1); /* without IP_RECVERR: nothing queued */
			assert_int_equal(errno, EAGAIN);
			c->ifc.close(u, fd);
			continue;
		}
		assert_true(r >= 8); /* the quoted TCP header */
		assert_int_equal(data[2] << 8 | data[3], 9000);
		assert_int_equal(m.msg_namelen, sizeof(name));
		assert_int_equal(ntohs(name.sin_port), 9000);
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		assert_non_null(h);
		assert_int_equal(h->cmsg_level, SOL_IP);
		assert_int_equal(h->cmsg_type, IP_RECVERR);
		struct { struct sock_extended_err ee; struct sockaddr_in off; } e;
		memcpy(&e, CMSG_DATA(h), sizeof(e));
		assert_int_equal(e.ee.ee_errno, EHOSTUNREACH);
		assert_int_equal(e.ee.ee_origin, SO_EE_ORIGIN_ICMP);
		assert_int_equal(e.ee.ee_type, 3);
		assert_int_equal(e.ee.ee_code, 1);
		assert_int_equal(e.off.sin_family, AF_INET);
		char ip[32];
		inet_ntop(AF_INET, &e.off.sin_addr, ip, sizeof(ip));
		assert_string_equal(ip, "10.0.0.9");
		c->ifc.close(u, fd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errqueue_empty_is_eagain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zerocopy_ids_and_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zerocopy_closed_socket_keeps_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timestamping_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epollerr_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmsg_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_recverr_icmp_in_syn_sent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
