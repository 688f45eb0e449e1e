/* The wire and the clock: tun0's descriptor and the real time.
 *
 * netdev_receive hides what a fresh interface sends by itself (IPv6
 * router solicitations, neighbour discovery, MLD reports, IGMP, anything
 * multicast or from a link-local address): a script only ever talks to
 * unicast peers, so none of it is traffic of the script's.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kernel_target.h"
#include "packetdrill.h"

#define KT_IPPROTO_IGMP 2
#define KT_IPPROTO_HOPOPTS 0
#define KT_IPPROTO_ICMPV6 58

static bool v4_noise(const unsigned char *p, size_t len)
{
	if (len < 20)
		return true;
	unsigned dst0 = p[16];
	if (p[9] == KT_IPPROTO_IGMP)
		return true;
	if (dst0 >= 224) /* multicast, reserved, broadcast */
		return true;
	return p[12] == 0 && p[13] == 0 && p[14] == 0 && p[15] == 0;
}

static bool v6_noise(const unsigned char *p, size_t len)
{
	if (len < 40)
		return true;
	const unsigned char *src = p + 8, *dst = p + 24;
	if (dst[0] == 0xff)
		return true;
	if (src[0] == 0xfe && (src[1] & 0xc0) == 0x80)
		return true;
	unsigned next = p[6];
	size_t off = 40;
	if (next == KT_IPPROTO_HOPOPTS && len >= off + 8) {
		next = p[off];
		off += 8u * (p[off + 1] + 1u);
	}
	if (next == KT_IPPROTO_ICMPV6 && len > off) {
		unsigned type = p[off];
		/* MLD queries/reports (130-132, 143), RS/RA/NS/NA/redirect. */
		if ((type >= 130 && type <= 137) || type == 143)
			return true;
	}
	return false;
}

bool kt_is_noise(const unsigned char *pkt, size_t len)
{
	if (len < 1)
		return true;
	switch (pkt[0] >> 4) {
	case 4: return v4_noise(pkt, len);
	case 6: return v6_noise(pkt, len);
	default: return true;
	}
}

static int k_netdev_send(void *ud, const void *buf, size_t count)
{
	struct kernel_target *kt = ud;
	if (kt_ensure_ready(kt) < 0)
		return -1;
	ssize_t n = write(kt->tun_fd, buf, count);
	if (n < 0)
		return -1;
	if ((size_t)n != count) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

static int k_netdev_receive(void *ud, void *buf, size_t *count)
{
	struct kernel_target *kt = ud;
	if (kt_ensure_ready(kt) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(kt->tun_fd, buf, *count);
		if (n < 0)
			return -1; /* EAGAIN: nothing queued */
		/* Noise too: its copy must leave the sniffer's queue. */
		kt->last_sent_usecs = kt_sniff_stamp(kt, buf, (size_t)n);
		if (!kt_is_noise(buf, (size_t)n)) {
			kt_fill_checksums(buf, (size_t)n);
			*count = (size_t)n;
			return 0;
		}
	}
}

/* Real sleep, but it ends as soon as tun0 has a packet to read: the
 * harness polls in short sleeps, and waking at once stamps each outbound
 * packet close to the moment the kernel sent it, not the end of a step
 * (the exact moment, when the sniffer has it, comes from kernel_sniff.c). */
static int k_usleep(void *ud, useconds_t usec)
{
	struct kernel_target *kt = ud;
	struct timespec left = { .tv_sec = usec / 1000000,
				 .tv_nsec = (long)(usec % 1000000) * 1000 };
	if (kt->tun_fd < 0 || kt->ns_pid != getpid()) {
		while (nanosleep(&left, &left) < 0)
			if (errno != EINTR)
				return -1;
		return 0;
	}
	struct pollfd pfd = { .fd = kt->tun_fd, .events = POLLIN };
	int rc = ppoll(&pfd, 1, &left, NULL);
	return rc < 0 && errno != EINTR ? -1 : 0;
}

static int k_gettimeofday(void *ud, struct timeval *tv, void *tz)
{
	return gettimeofday(tv, tz);
}

void kt_fill_netdev(struct packetdrill_interface *ifc)
{
	ifc->netdev_send = k_netdev_send;
	ifc->netdev_receive = k_netdev_receive;
	ifc->usleep = k_usleep;
	ifc->gettimeofday = k_gettimeofday;
}
