/* tun0 and the network around it, inside the target's namespace.
 *
 * The set-up packetdrill documents for Linux: a TUN device (IP packets,
 * no packet-info header, no offloads) holding the local address with the
 * script's netmask, MTU from --mtu, a host route to the remote address
 * through the gateway (a device route when the gateway is not on-link),
 * loopback up. IPv6 duplicate address detection and router solicitations
 * are off so the address works at once and the wire stays quiet.
 * Everything is done with ioctls, so no external tool is needed.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel_target.h"

/* The IPv6 SIOCSIFADDR argument (Linux's struct in6_ifreq); its header
 * clashes with glibc's netinet/in.h. */
struct kt_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

#define KT_V6_DEFAULT_PREFIX 64
#define KT_V4_DEFAULT_PREFIX 16

static int fail(char *err, size_t errlen, const char *what)
{
	int saved = errno;
	snprintf(err, errlen, "kernel target: %s: %s", what, strerror(saved));
	errno = saved;
	return -1;
}

/* "::ffff:192.168.0.1" -> "192.168.0.1": the wire is IPv4 then. */
static const char *v4_text(const char *ip)
{
	if (strncasecmp(ip, "::ffff:", 7) == 0)
		return ip + 7;
	return ip;
}

static int mask_bits(const unsigned char *b, size_t n)
{
	int bits = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 7; k >= 0; k--) {
			if (!(b[i] & (1u << k)))
				return bits;
			bits++;
		}
	return bits;
}

/* The prefix length of a netmask given as an address of the family, or
 * as a number; the default when absent or of the other family. */
static int prefix_len(const char *mask, int family, int dflt)
{
	unsigned char b[16];
	if (mask == NULL || mask[0] == '\0')
		return dflt;
	if (mask[0] == '/')
		mask++;
	if (inet_pton(family, mask, b) == 1)
		return mask_bits(b, family == AF_INET ? 4 : 16);
	char *end;
	long n = strtol(mask, &end, 10);
	if (*end == '\0' && n >= 0 && n <= (family == AF_INET ? 32 : 128))
		return (int)n;
	return dflt;
}

static bool same_prefix(const void *a, const void *b, int bits)
{
	const unsigned char *x = a, *y = b;
	int i = 0;
	for (; bits >= 8; bits -= 8, i++)
		if (x[i] != y[i])
			return false;
	if (bits == 0)
		return true;
	unsigned char m = (unsigned char)(0xff << (8 - bits));
	return (x[i] & m) == (y[i] & m);
}

static int set_flags_up(int sock, const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

static int set_mtu(int sock, int mtu)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", KT_TUN_NAME);
	ifr.ifr_mtu = mtu;
	return ioctl(sock, SIOCSIFMTU, &ifr);
}

static int open_tun(struct kernel_target *kt, char *err, size_t errlen)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s (open /dev/net/tun: %s)",
			 KT_NEEDS_PRIVILEGE, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", KT_TUN_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "%s (TUNSETIFF %s: %s)",
			 KT_NEEDS_PRIVILEGE, KT_TUN_NAME, strerror(errno));
		close(fd);
		return -1;
	}
	/* Checksum and segmentation offload, as packetdrill's tun0 has: Linux
	 * then sends the large segments the corpus expects (scripts that
	 * want MSS-sized ones say `ethtool -K tun0 tso off gso off`). The
	 * checksums are filled in as packets are read (kernel_csum.c). */
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) < 0) {
		snprintf(err, errlen, "kernel target: TUNSETOFFLOAD %s: %s",
			 KT_TUN_NAME, strerror(errno));
		close(fd);
		return -1;
	}
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 512);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	kt->tun_fd = fd;
	return 0;
}

static int setup_v4(const char *local, const char *mask, const char *gw,
		    const char *remote, char *err, size_t errlen)
{
	struct in_addr l, g, r;
	if (inet_pton(AF_INET, v4_text(local), &l) != 1 ||
	    inet_pton(AF_INET, v4_text(remote), &r) != 1) {
		snprintf(err, errlen, "kernel target: bad IPv4 address "
			 "(local %s, remote %s)", local, remote);
		errno = EINVAL;
		return -1;
	}
	int bits = prefix_len(mask, AF_INET, KT_V4_DEFAULT_PREFIX);
	bool have_gw = gw[0] && inet_pton(AF_INET, v4_text(gw), &g) == 1 &&
		       same_prefix(&g, &l, bits);
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail(err, errlen, "socket(AF_INET)");

	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", KT_TUN_NAME);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr = l;
	int rc = ioctl(sock, SIOCSIFADDR, &ifr);
	if (rc == 0) {
		sin = (struct sockaddr_in *)&ifr.ifr_netmask;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr =
			bits ? htonl(0xffffffffu << (32 - bits)) : 0;
		rc = ioctl(sock, SIOCSIFNETMASK, &ifr);
	}
	if (rc < 0) {
		close(sock);
		return fail(err, errlen, "set IPv4 address of " KT_TUN_NAME);
	}

	struct rtentry rt;
	memset(&rt, 0, sizeof(rt));
	sin = (struct sockaddr_in *)&rt.rt_dst;
	sin->sin_family = AF_INET;
	sin->sin_addr = r;
	sin = (struct sockaddr_in *)&rt.rt_genmask;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = 0xffffffffu;
	rt.rt_flags = RTF_UP | RTF_HOST;
	if (have_gw) {
		sin = (struct sockaddr_in *)&rt.rt_gateway;
		sin->sin_family = AF_INET;
		sin->sin_addr = g;
		rt.rt_flags |= RTF_GATEWAY;
	}
	char dev[IFNAMSIZ] = KT_TUN_NAME;
	rt.rt_dev = dev;
	/* A remote inside the local subnet needs no route of its own. */
	rc = ioctl(sock, SIOCADDRT, &rt);
	if (rc < 0 && errno == EEXIST)
		rc = 0;
	close(sock);
	return rc < 0 ? fail(err, errlen, "add IPv4 route to remote") : 0;
}

static int setup_v6(const char *local, const char *mask, const char *gw,
		    const char *remote, char *err, size_t errlen)
{
	struct in6_addr l, g, r;
	if (inet_pton(AF_INET6, local, &l) != 1 ||
	    inet_pton(AF_INET6, remote, &r) != 1) {
		snprintf(err, errlen, "kernel target: bad IPv6 address "
			 "(local %s, remote %s)", local, remote);
		errno = EINVAL;
		return -1;
	}
	int bits = prefix_len(mask, AF_INET6, KT_V6_DEFAULT_PREFIX);
	bool have_gw = gw[0] && inet_pton(AF_INET6, gw, &g) == 1 &&
		       same_prefix(&g, &l, bits);
	int sock = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail(err, errlen, "socket(AF_INET6)");
	int ifindex = (int)if_nametoindex(KT_TUN_NAME);

	struct kt_in6_ifreq ifr6 = { .addr = l, .prefixlen = (uint32_t)bits,
				     .ifindex = ifindex };
	if (ioctl(sock, SIOCSIFADDR, &ifr6) < 0) {
		close(sock);
		return fail(err, errlen, "set IPv6 address of " KT_TUN_NAME);
	}
	struct in6_rtmsg rt;
	memset(&rt, 0, sizeof(rt));
	rt.rtmsg_dst = r;
	rt.rtmsg_dst_len = 128;
	rt.rtmsg_metric = 1;
	rt.rtmsg_flags = RTF_UP | RTF_HOST;
	rt.rtmsg_ifindex = ifindex;
	if (have_gw) {
		rt.rtmsg_gateway = g;
		rt.rtmsg_flags |= RTF_GATEWAY;
	}
	int rc = ioctl(sock, SIOCADDRT, &rt);
	if (rc < 0 && errno == EEXIST)
		rc = 0;
	close(sock);
	return rc < 0 ? fail(err, errlen, "add IPv6 route to remote") : 0;
}

/* Per-interface IPv6 knobs; absent when the kernel has no IPv6. */
static void quiet_ipv6(const char *ifname)
{
	static const char *const knobs[][2] = {
		{ "accept_dad", "0" },
		{ "dad_transmits", "0" },
		{ "router_solicitations", "0" },
	};
	char path[128];
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s",
			 ifname, knobs[i][0]);
		(void)kt_write_proc(path, knobs[i][1]);
	}
}

/* Whether the local address can be used yet: IPv6 keeps an address
 * tentative until the link's operational state (set asynchronously by
 * the kernel's link watcher) is up, even with DAD off. */
static bool usable(const char *local, int family)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return false;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", KT_TUN_NAME);
	bool ok = ioctl(sock, SIOCGIFFLAGS, &ifr) == 0 &&
		  (ifr.ifr_flags & IFF_RUNNING);
	close(sock);
	if (!ok || family != AF_INET6)
		return ok;
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	if (inet_pton(AF_INET6, local, &sin6.sin6_addr) != 1)
		return true; /* reported by setup_v6 already */
	sock = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return false;
	ok = bind(sock, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(sock);
	return ok;
}

#define KT_READY_WAIT_MS 3000

static int wait_usable(const char *local, int family, char *err,
		       size_t errlen)
{
	for (int ms = 0; ms < KT_READY_WAIT_MS; ms++) {
		if (usable(local, family))
			return 0;
		usleep(1000);
	}
	snprintf(err, errlen, "kernel target: %s (%s) not usable after %d ms",
		 KT_TUN_NAME, local, KT_READY_WAIT_MS);
	errno = ETIMEDOUT;
	return -1;
}

static int setup_and_wait(const struct vwire_net_config *n, int family,
			  char *err, size_t errlen)
{
	int rc = family == AF_INET6 ?
		setup_v6(n->local_ip, n->netmask_ip, n->gateway_ip,
			 n->remote_ip, err, errlen) :
		setup_v4(n->local_ip, n->netmask_ip, n->gateway_ip,
			 n->remote_ip, err, errlen);
	return rc < 0 ? rc : wait_usable(n->local_ip, family, err, errlen);
}

int kt_tun_setup(struct kernel_target *kt, char *err, size_t errlen)
{
	const struct vwire_net_config *n = &kt->net;
	quiet_ipv6("default");
	quiet_ipv6("all");
	if (open_tun(kt, err, errlen) < 0)
		return -1;
	quiet_ipv6(KT_TUN_NAME);

	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail(err, errlen, "socket(AF_INET)");
	int rc = set_flags_up(sock, "lo");
	if (rc == 0 && n->mtu > 0)
		rc = set_mtu(sock, n->mtu);
	if (rc == 0)
		rc = set_flags_up(sock, KT_TUN_NAME);
	int saved = errno;
	close(sock);
	errno = saved;
	if (rc < 0)
		return fail(err, errlen, "bring up " KT_TUN_NAME);
	/* Best effort: without it packets are stamped when read. */
	(void)kt_sniff_open(kt);

	if (!kt->net_given) {
		/* No configure: packetdrill's defaults, both families. */
		struct vwire_net_config v6;
		memset(&v6, 0, sizeof(v6));
		snprintf(v6.local_ip, sizeof(v6.local_ip), "fd3d:0a0b:17d6::1");
		snprintf(v6.remote_ip, sizeof(v6.remote_ip), "fd3d:fa7b:d17d::1");
		snprintf(v6.gateway_ip, sizeof(v6.gateway_ip),
			 "fd3d:0a0b:17d6:8888::1");
		if (setup_and_wait(n, AF_INET, err, errlen) < 0)
			return -1;
		return setup_and_wait(&v6, AF_INET6, err, errlen);
	}
	return setup_and_wait(n, n->ip_mode == VWIRE_IPV6 ? AF_INET6 : AF_INET,
			      err, errlen);
}
