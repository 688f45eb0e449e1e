/* The socket API's errno for misuse, descriptor numbering, bind conflicts
 * and non-blocking behaviour, through the packetdrill interface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "stack_host_test_util.h"

static int setup(void **state)
{
	struct packetdrill_interface *ifc = ht_new(state);
	assert_non_null(ifc->userdata);
	return 0;
}

#define U ifc->userdata
#define EXPECT_ERR(call, e) do { errno = 0; assert_int_equal((call), -1); assert_int_equal(errno, (e)); } while (0)

static void test_fds_numbered_from_three_lowest_first(void **state)
{
	struct packetdrill_interface *ifc = *state;
	assert_int_equal(ifc->socket(U, AF_INET, SOCK_STREAM, 0), 3);
	assert_int_equal(ifc->socket(U, AF_INET, SOCK_STREAM, IPPROTO_TCP), 4);
	assert_int_equal(ifc->socket(U, AF_INET6, SOCK_STREAM, 0), 5);
	assert_int_equal(ifc->close(U, 4), 0);
	assert_int_equal(ifc->socket(U, AF_INET, SOCK_STREAM, 0), 4);
	EXPECT_ERR(ifc->close(U, 4 + 100), EBADF);
	assert_int_equal(ifc->close(U, 4), 0);
	EXPECT_ERR(ifc->close(U, 4), EBADF);
}

static void test_socket_bad_arguments(void **state)
{
	struct packetdrill_interface *ifc = *state;
	EXPECT_ERR(ifc->socket(U, AF_UNIX + 100, SOCK_STREAM, 0), EAFNOSUPPORT);
	EXPECT_ERR(ifc->socket(U, AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	EXPECT_ERR(ifc->socket(U, AF_INET, 99, 0), EINVAL);
}

static void test_calls_on_bad_descriptors(void **state)
{
	struct packetdrill_interface *ifc = *state;
	struct sockaddr_in a = ht_sin(HT_LOCAL, HT_PORT);
	char buf[8];
	int pfd[2];
	EXPECT_ERR(ifc->bind(U, 42, (struct sockaddr *)&a, sizeof(a)), EBADF);
	EXPECT_ERR(ifc->listen(U, -1, 1), EBADF);
	EXPECT_ERR(ifc->read(U, 42, buf, sizeof(buf)), EBADF);
	EXPECT_ERR(ifc->write(U, 42, buf, sizeof(buf)), EBADF);
	EXPECT_ERR(ifc->fcntl(U, 42, F_GETFL), EBADF);
	assert_int_equal(ifc->pipe(U, pfd), 0);
	assert_int_equal(pfd[0], 3);
	assert_int_equal(pfd[1], 4);
	EXPECT_ERR(ifc->bind(U, pfd[0], (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
	EXPECT_ERR(ifc->listen(U, pfd[0], 1), ENOTSOCK);
	EXPECT_ERR(ifc->recv(U, pfd[0], buf, 1, 0), ENOTSOCK);
	EXPECT_ERR(ifc->send(U, pfd[1], buf, 1, 0), ENOTSOCK);
	int one = 1;
	EXPECT_ERR(ifc->setsockopt(U, pfd[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), ENOTSOCK);
	/* Pipes still work as files. */
	assert_int_equal(ifc->write(U, pfd[1], "hi", 2), 2);
	assert_int_equal(ifc->read(U, pfd[0], buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "hi", 2);
}

static void test_bind_arguments_and_conflicts(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int fd = ifc->socket(U, AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = ht_sin(HT_LOCAL, HT_PORT);
	EXPECT_ERR(ifc->bind(U, fd, NULL, sizeof(a)), EFAULT);
	EXPECT_ERR(ifc->bind(U, fd, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	EXPECT_ERR(ifc->bind(U, fd, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	struct sockaddr_in other = ht_sin("10.9.9.9", HT_PORT);
	EXPECT_ERR(ifc->bind(U, fd, (struct sockaddr *)&other, sizeof(other)), EADDRNOTAVAIL);
	assert_int_equal(ifc->bind(U, fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(ifc->listen(U, fd, 1), 0);
	int fd2 = ifc->socket(U, AF_INET, SOCK_STREAM, 0);
	EXPECT_ERR(ifc->bind(U, fd2, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	struct sockaddr_in got;
	socklen_t len = sizeof(got);
	assert_int_equal(vstack_getsockname(U, fd, (struct sockaddr *)&got, &len), 0);
	assert_int_equal(len, sizeof(got));
	assert_int_equal(ntohs(got.sin_port), HT_PORT);
}

static void test_nonblocking_calls_return_eagain(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd = ht_listener(ifc);
	assert_true(lfd >= 3);
	assert_int_equal(ifc->fcntl(U, lfd, F_GETFL), O_RDWR);
	assert_int_equal(ifc->fcntl(U, lfd, F_SETFL, O_RDWR | O_NONBLOCK), 0);
	assert_int_equal(ifc->fcntl(U, lfd, F_GETFL), O_RDWR | O_NONBLOCK);
	EXPECT_ERR(ifc->accept(U, lfd, NULL, NULL), EAGAIN);
	uint32_t snd_nxt = 0;
	assert_true(ht_handshake(ifc, &snd_nxt));
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int fd = ifc->accept(U, lfd, (struct sockaddr *)&peer, &len);
	assert_int_equal(fd, lfd + 1);
	assert_int_equal(ntohs(peer.sin_port), HT_RPORT);
	/* accept()ed sockets do not inherit O_NONBLOCK. */
	assert_int_equal(ifc->fcntl(U, fd, F_GETFL), O_RDWR);
	char buf[16];
	EXPECT_ERR(ifc->recv(U, fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	int on = 1;
	assert_int_equal(ifc->ioctl(U, fd, FIONBIO, &on), 0);
	EXPECT_ERR(ifc->read(U, fd, buf, sizeof(buf)), EAGAIN);
	/* Data in: readable, FIONREAD counts it. */
	ht_count_packets(ifc);
	assert_int_equal(ht_send_data(ifc, 0, "hello", 5, snd_nxt, TH_PSH), 0);
	int inq = -1;
	assert_int_equal(ifc->ioctl(U, fd, SIOCINQ, &inq), 0);
	assert_int_equal(inq, 5);
	assert_int_equal(ifc->recv(U, fd, buf, sizeof(buf), MSG_PEEK), 5);
	assert_int_equal(ifc->read(U, fd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	EXPECT_ERR(ifc->read(U, fd, NULL, 10), EFAULT);
	EXPECT_ERR(ifc->write(U, fd, NULL, 10), EFAULT);
	EXPECT_ERR(ifc->ioctl(U, fd, 0x12345678, &inq), ENOTTY);
	EXPECT_ERR(ifc->ioctl(U, lfd, SIOCINQ, &inq), EINVAL);
}

static void test_connect_errors(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int fd = ifc->socket(U, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in r = ht_sin(HT_REMOTE, 8080);
	char buf[4];
	EXPECT_ERR(ifc->read(U, fd, buf, sizeof(buf)), ENOTCONN);
	EXPECT_ERR(ifc->connect(U, fd, (struct sockaddr *)&r, 3), EINVAL);
	EXPECT_ERR(ifc->connect(U, fd, (struct sockaddr *)&r, sizeof(r)), EINPROGRESS);
	EXPECT_ERR(ifc->connect(U, fd, (struct sockaddr *)&r, sizeof(r)), EALREADY);
	/* The SYN went out; a RST answers it: refused. */
	uint8_t pkt[2048];
	struct tseg syn;
	assert_true(ht_recv(ifc, &syn, pkt, sizeof(pkt)));
	assert_int_equal(syn.flags, TH_SYN);
	struct tseg rst = { .sport = 8080, .dport = syn.sport, .seq = 0,
		.ack = syn.seq + 1, .flags = TH_RST | TH_ACK };
	struct vs_addr src = tu_v4(HT_REMOTE), dst = tu_v4(HT_LOCAL);
	uint8_t seg[64], ip[128];
	size_t n = tu_build(seg, &rst, &src, &dst);
	assert_int_equal(ifc->netdev_send(U, ip, ht_ipv4(ip, IPPROTO_TCP, HT_REMOTE, HT_LOCAL, seg, n)), 0);
	int err = 0;
	socklen_t len = sizeof(err);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, ECONNREFUSED);
	EXPECT_ERR(ifc->shutdown(U, fd, 7), EINVAL);
}

static void test_sockopt_validation(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int fd = ifc->socket(U, AF_INET, SOCK_STREAM, 0);
	int one = 1, v = 0;
	socklen_t len = sizeof(v);
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_SOCKET, SO_REUSEADDR, &one, 2), EINVAL);
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_SOCKET, SO_REUSEADDR, NULL, 4), EFAULT);
	EXPECT_ERR(ifc->setsockopt(U, fd, 12345, 1, &one, 4), ENOPROTOOPT);
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_TCP, TCP_NODELAY, &one, 1), EINVAL);
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_SOCKET, SO_TYPE, &one, 4), ENOPROTOOPT);
	EXPECT_ERR(ifc->getsockopt(U, fd, SOL_SOCKET, SO_TYPE, &v, NULL), EFAULT);
	len = (socklen_t)-1;
	EXPECT_ERR(ifc->getsockopt(U, fd, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	len = sizeof(v);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	assert_int_equal(v, SOCK_STREAM);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_DOMAIN, &v, &len), 0);
	assert_int_equal(v, AF_INET);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_PROTOCOL, &v, &len), 0);
	assert_int_equal(v, IPPROTO_TCP);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
	assert_int_equal(v, 0);
	struct timeval tv = { .tv_sec = 2, .tv_usec = 500 }, got;
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL);
	struct timeval bad = { .tv_sec = 1, .tv_usec = 1000000 };
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof(bad)), EDOM);
	assert_int_equal(ifc->setsockopt(U, fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	len = sizeof(got);
	assert_int_equal(ifc->getsockopt(U, fd, SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
	assert_int_equal(got.tv_sec, 2);
	assert_int_equal(got.tv_usec, 500);
	EXPECT_ERR(ifc->setsockopt(U, fd, SOL_IPV6, IPV6_V6ONLY, &one, 4), ENOPROTOOPT);
}

static void test_mapped_ipv6_addresses(void **state)
{
	struct packetdrill_interface *ifc = *state;
	struct vwire_net_config cfg = { .ip_mode = VWIRE_IPV4_MAPPED_IPV6, .local_ip = HT_LOCAL,
		.remote_ip = HT_REMOTE, .mtu = 1500 };
	assert_int_equal(vwire_configure(U, &cfg), 0);
	int fd = ifc->socket(U, AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(HT_PORT) };
	inet_pton(AF_INET6, "::ffff:" HT_LOCAL, &a.sin6_addr);
	assert_int_equal(ifc->bind(U, fd, (struct sockaddr *)&a, sizeof(a)), 0);
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);
	assert_int_equal(vstack_getsockname(U, fd, (struct sockaddr *)&got, &len), 0);
	assert_int_equal(len, sizeof(got));
	assert_int_equal(got.sin6_family, AF_INET6);
	assert_memory_equal(&got.sin6_addr, &a.sin6_addr, 16);
	int one = 1;
	int fd2 = ifc->socket(U, AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(ifc->setsockopt(U, fd2, SOL_IPV6, IPV6_V6ONLY, &one, 4), 0);
	EXPECT_ERR(ifc->bind(U, fd2, (struct sockaddr *)&a, sizeof(a)), EINVAL);
}

static int inq_cmsg(struct packetdrill_interface *ifc, int fd, char *buf, size_t len,
		    int *inq, size_t *ctl_len)
{
	struct iovec v = { buf, len };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = &ctl,
			    .msg_controllen = sizeof(ctl) };
	int r = (int)ifc->recvmsg(U, fd, &m, 0);
	*ctl_len = m.msg_controllen;
	*inq = -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ)
		memcpy(inq, CMSG_DATA(c), sizeof(int));
	return r;
}

static void test_recvmsg_tcp_inq_cmsg(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd;
	uint32_t snd_nxt = 0;
	int fd = ht_connection(ifc, &lfd, &snd_nxt);
	assert_true(fd > lfd);
	char data[100], buf[100];
	memset(data, 'x', sizeof(data));
	assert_int_equal(ht_send_data(ifc, 0, data, sizeof(data), snd_nxt, TH_PSH), 0);
	int inq;
	size_t ctl_len;
	/* Without TCP_INQ no control message comes back. */
	assert_int_equal(inq_cmsg(ifc, fd, buf, 10, &inq, &ctl_len), 10);
	assert_int_equal(ctl_len, 0);
	int one = 1;
	assert_int_equal(ifc->setsockopt(U, fd, SOL_TCP, TCP_INQ, &one, sizeof(one)), 0);
	assert_int_equal(inq_cmsg(ifc, fd, buf, 30, &inq, &ctl_len), 30);
	assert_int_equal(ctl_len, CMSG_SPACE(sizeof(int)));
	assert_int_equal(inq, 60);
	/* The peer's FIN: with nothing left to read the hint is 1. */
	assert_int_equal(ht_send_data(ifc, 100, "", 0, snd_nxt, TH_FIN), 0);
	assert_int_equal(inq_cmsg(ifc, fd, buf, sizeof(buf), &inq, &ctl_len), 60);
	assert_int_equal(inq, 1);
	assert_int_equal(ifc->read(U, fd, buf, sizeof(buf)), 0);
}

/* Remote data with the URG flag and pointer urp. */
static int send_urgent(struct packetdrill_interface *ifc, uint32_t off, const char *data,
		       uint32_t len, uint32_t ack, uint16_t urp)
{
	struct tseg s = { .sport = HT_RPORT, .dport = HT_PORT, .seq = 1001 + off,
		.ack = ack, .flags = TH_ACK | TH_PSH | TH_URG, .win = 65535, .urp = urp,
		.data = (const uint8_t *)data, .len = len };
	return ht_send(ifc, &s);
}

static void test_urgent_data_out_of_band(void **state)
{
	struct packetdrill_interface *ifc = *state;
	int lfd;
	uint32_t snd_nxt = 0;
	int fd = ht_connection(ifc, &lfd, &snd_nxt);
	char buf[32];
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
	EXPECT_ERR(ifc->recv(U, fd, buf, 1, MSG_OOB), EINVAL); /* none yet */
	/* "abcdefghij" with urp 10: the urgent octet is 'j' (BSD pointer). */
	assert_int_equal(send_urgent(ifc, 0, "abcdefghij", 10, snd_nxt, 10), 0);
	assert_int_equal(ifc->poll(U, &p, 1, 0), 1);
	assert_int_equal(p.revents, POLLIN | POLLPRI);
	int mark = -1;
	assert_int_equal(ifc->ioctl(U, fd, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 0);
	/* An in-band read stops just before the mark. */
	assert_int_equal(ifc->read(U, fd, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "abcdefghi", 9);
	assert_int_equal(ifc->ioctl(U, fd, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 1);
	/* The urgent octet alone is not in-band data. */
	assert_int_equal(ifc->poll(U, &p, 1, 0), 1);
	assert_int_equal(p.revents, POLLPRI);
	assert_int_equal(ifc->recv(U, fd, buf, sizeof(buf), MSG_OOB | MSG_PEEK), 1);
	assert_int_equal(ifc->recv(U, fd, buf, sizeof(buf), MSG_OOB), 1);
	assert_int_equal(buf[0], 'j');
	EXPECT_ERR(ifc->recv(U, fd, buf, 1, MSG_OOB), EINVAL); /* read already */
	assert_int_equal(ifc->poll(U, &p, 1, 0), 0);
	/* Later data: the octet at the mark is skipped, not read in band. */
	assert_int_equal(ht_send_data(ifc, 10, "kl", 2, snd_nxt, TH_PSH), 0);
	assert_int_equal(ifc->read(U, fd, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "kl", 2);
	assert_int_equal(ifc->ioctl(U, fd, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 0);

	/* A pointer beyond its segment marks an octet yet to come. */
	assert_int_equal(send_urgent(ifc, 12, "mn", 2, snd_nxt, 4), 0);
	assert_int_equal(ifc->poll(U, &p, 1, 0), 1);
	assert_int_equal(p.revents, POLLIN);
	EXPECT_ERR(ifc->recv(U, fd, buf, 1, MSG_OOB), EAGAIN); /* not yet: never blocks */
	assert_int_equal(ht_send_data(ifc, 14, "op", 2, snd_nxt, TH_PSH), 0);
	assert_int_equal(ifc->poll(U, &p, 1, 0), 1);
	assert_int_equal(p.revents, POLLIN | POLLPRI);
	assert_int_equal(ifc->recv(U, fd, buf, 1, MSG_OOB), 1);
	assert_int_equal(buf[0], 'p');

	/* SO_OOBINLINE keeps urgent octets in the stream (checked at read
	 * time, as Linux: 'p' is still queued, so it is read in band too). */
	int one = 1;
	assert_int_equal(ifc->setsockopt(U, fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)), 0);
	assert_int_equal(send_urgent(ifc, 16, "qr", 2, snd_nxt, 2), 0);
	EXPECT_ERR(ifc->recv(U, fd, buf, 1, MSG_OOB), EINVAL);
	assert_int_equal(ifc->read(U, fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "mnopqr", 6);
}

/* An established connection (its fd) and a pipe, for the splice tests. */
static int connection_and_pipe(struct packetdrill_interface *ifc, uint32_t *snd_nxt, int p[2])
{
	int lfd;
	int fd = ht_connection(ifc, &lfd, snd_nxt);
	assert_int_equal(ifc->pipe(U, p), 0);
	return fd;
}

/* splice from a socket stops before the urgent mark and, stopped on it,
 * returns 0 at once (a blocking call that neither waits nor spins), as
 * Linux's tcp_read_sock: the urgent octet is never spliced. */
static void test_splice_stops_at_urgent_mark(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint32_t snd_nxt = 0;
	int p[2];
	int fd = connection_and_pipe(ifc, &snd_nxt, p);
	assert_int_equal(send_urgent(ifc, 0, "abcde", 5, snd_nxt, 5), 0);
	assert_int_equal(ifc->splice(U, fd, NULL, p[1], NULL, 16, 0), 4);
	assert_int_equal(ifc->splice(U, fd, NULL, p[1], NULL, 1, 0), 0);
	assert_int_equal(ifc->splice(U, fd, NULL, p[1], NULL, 16, 0), 0);
	char buf[16];
	assert_int_equal(ifc->read(U, p[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "abcd", 4);
	/* The octet is still there, out of band. */
	assert_int_equal(ifc->recv(U, fd, buf, 1, MSG_OOB), 1);
	assert_int_equal(buf[0], 'e');
}

static void test_splice_between_socket_and_pipe(void **state)
{
	struct packetdrill_interface *ifc = *state;
	uint32_t snd_nxt = 0;
	int p[2];
	int fd = connection_and_pipe(ifc, &snd_nxt, p);
	assert_int_equal(ht_send_data(ifc, 0, "spliced!", 8, snd_nxt, TH_PSH), 0);
	assert_int_equal(ifc->splice(U, fd, NULL, p[1], NULL, 5, 0), 5);
	char buf[16];
	assert_int_equal(ifc->read(U, p[0], buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "splic", 5);
	loff_t off = 0;
	EXPECT_ERR(ifc->splice(U, fd, NULL, p[1], &off, 3, 0), ESPIPE);
	EXPECT_ERR(ifc->splice(U, fd, NULL, fd, NULL, 3, 0), EINVAL);
	EXPECT_ERR(ifc->splice(U, 99, NULL, p[1], NULL, 3, 0), EBADF);
	/* pipe -> socket: the bytes leave as a segment. */
	ht_count_packets(ifc);
	assert_int_equal(ifc->write(U, p[1], "back", 4), 4);
	assert_int_equal(ifc->splice(U, p[0], NULL, fd, NULL, 4, 0), 4);
	uint8_t pkt[2048];
	struct tseg s;
	assert_true(ht_recv(ifc, &s, pkt, sizeof(pkt)));
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.data, "back", 4);
	/* An IPv4 option given as one byte, as Linux accepts. */
	unsigned char tos = 0x10;
	assert_int_equal(ifc->setsockopt(U, fd, SOL_IP, IP_TOS, &tos, 1), 0);
}

static void test_interface_table_complete(void **state)
{
	struct packetdrill_interface *ifc = *state;
	/* Every member after userdata is a function pointer. */
	void (*fns[sizeof(*ifc) / sizeof(void *) - 1])(void);
	memcpy(fns, (char *)ifc + sizeof(void *), sizeof(fns));
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		assert_non_null(fns[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interface_table_complete, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_recvmsg_tcp_inq_cmsg, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_urgent_data_out_of_band, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_splice_between_socket_and_pipe, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_splice_stops_at_urgent_mark, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_fds_numbered_from_three_lowest_first, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_socket_bad_arguments, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_calls_on_bad_descriptors, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_bind_arguments_and_conflicts, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_nonblocking_calls_return_eagain, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_connect_errors, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_sockopt_validation, setup, ht_teardown),
		cmocka_unit_test_setup_teardown(test_mapped_ipv6_addresses, setup, ht_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
