/* The private network namespace a command of a virtual target runs in
 * gets a device named tun0, as packetdrill's scripts assume the test
 * interface is called (`tc qdisc ... dev tun0`, `ethtool -K tun0 ...`,
 * `ip route change REMOTE via GW dev tun0 ...`): a TUN device, up, with
 * the script's local address and a route to the remote one, as the
 * kernel target's tun0 has. Nothing is sent on it; it lives as long as
 * the command (its descriptor stays open across the shell's exec). The
 * target's listeners get listening sockets there too (nothing connects
 * to them), so /proc/net/tcp lists them. */
#include "command_netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TUN0 "tun0"

static int set_up(int sock, const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	memcpy(sa, &sin, sizeof(sin));
}

/* IPv4 address, netmask and the host route to the remote (through the
 * gateway when it is on the link). */
static int set_v4(int sock, const struct config *cfg)
{
	struct in_addr local, mask, remote, gw;
	if (inet_pton(AF_INET, cfg->local_ip, &local) != 1 ||
	    inet_pton(AF_INET, cfg->remote_ip, &remote) != 1)
		return 0; /* not IPv4 text: nothing to configure */
	if (inet_pton(AF_INET, cfg->netmask_ip, &mask) != 1)
		mask.s_addr = htonl(0xffff0000u);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TUN0);
	set_sin(&ifr.ifr_addr, local);
	if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
		return -1;
	set_sin(&ifr.ifr_netmask, mask);
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
		return -1;
	struct rtentry rt;
	memset(&rt, 0, sizeof(rt));
	struct in_addr all = { .s_addr = 0xffffffffu };
	set_sin(&rt.rt_dst, remote);
	set_sin(&rt.rt_genmask, all);
	rt.rt_flags = RTF_UP | RTF_HOST;
	if (inet_pton(AF_INET, cfg->gateway_ip, &gw) == 1 && gw.s_addr != local.s_addr &&
	    (gw.s_addr & mask.s_addr) == (local.s_addr & mask.s_addr)) {
		set_sin(&rt.rt_gateway, gw);
		rt.rt_flags |= RTF_GATEWAY;
	}
	char dev[IFNAMSIZ] = TUN0;
	rt.rt_dev = dev;
	if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int command_netns_tun0(const struct config *cfg, char *err, size_t errlen)
{
	int fd = open("/dev/net/tun", O_RDWR); /* kept across exec: tun0 lives */
	if (fd < 0) {
		snprintf(err, errlen, "open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TUN0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "create %s: %s", TUN0, strerror(errno));
		close(fd);
		return -1;
	}
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int rc = set_up(sock, "lo");
	if (rc == 0)
		rc = set_up(sock, TUN0);
	if (rc == 0 && cfg->ip_mode != VWIRE_IPV6)
		rc = set_v4(sock, cfg);
	if (rc < 0)
		snprintf(err, errlen, "configure %s: %s", TUN0, strerror(errno));
	close(sock);
	return rc;
}

int command_netns_listeners(const struct vwire_conn *conns, int n)
{
	int made = 0;
	for (int i = 0; i < n; i++) {
		const struct vwire_conn *c = &conns[i];
		if (c->state != VWIRE_TCP_LISTEN || (c->family != AF_INET && c->family != AF_INET6))
			continue;
		int fd = socket(c->family, SOCK_STREAM, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_storage ss;
		memset(&ss, 0, sizeof(ss));
		socklen_t len;
		if (c->family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			sin->sin_family = AF_INET;
			sin->sin_port = htons(c->local_port);
			memcpy(&sin->sin_addr, c->local_addr, 4);
			len = sizeof(*sin);
		} else {
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(c->local_port);
			memcpy(&sin6->sin6_addr, c->local_addr, 16);
			len = sizeof(*sin6);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) == 0 && listen(fd, 1) == 0)
			made++;
		else
			close(fd); /* an address the namespace lacks: not shown */
	}
	return made;
}
