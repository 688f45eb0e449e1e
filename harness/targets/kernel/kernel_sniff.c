/* When the kernel sent each packet read from tun0: a packet socket on tun0
 * with kernel receive timestamps, as packetdrill's sniffer has.
 *
 * vwire reads tun0 when ppoll wakes it; on a loaded machine that can be
 * milliseconds after Linux sent the packet, and the lateness is vwire's,
 * not the stack's. The packet socket's copy of an outgoing packet carries
 * the time it was handed to the device. Both see tun0's outgoing packets
 * in the same order, so each packet read from tun0 is matched against the
 * oldest copies (same IP header and transport ports/sequence, checksums
 * aside) and takes the match's timestamp. No match (the socket's buffer
 * overflowed, the socket could not be made): the reading time stands.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kernel_target.h"

#ifndef SO_TIMESTAMPNS_OLD
#define SO_TIMESTAMPNS_OLD SO_TIMESTAMPNS
#endif

/* Bytes compared: IPv6 header + TCP header up to the window. */
#define CMP_BYTES KT_SNIFF_HEAD

int kt_sniff_open(struct kernel_target *kt)
{
	kt->sniff_fd = -1;
	kt->sniff_len = 0;
	unsigned ifindex = if_nametoindex(KT_TUN_NAME);
	if (ifindex == 0)
		return -1;
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	/* Outgoing packets only, cut to their headers: the copies cost the
	 * socket's buffer little, so bulk transfers do not overflow it. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, KT_SNIFF_HEAD),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	int on = 1, size = 16 << 20; /* a cut copy still costs its whole buffer */
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	kt->sniff_fd = fd;
	return 0;
}

void kt_sniff_close(struct kernel_target *kt)
{
	if (kt->sniff_fd >= 0)
		close(kt->sniff_fd);
	kt->sniff_fd = -1;
	kt->sniff_len = 0;
}

/* Moves what the socket holds into the ring (the oldest copies go first
 * when it is full: their tun0 packets are long read). */
static void sniff_drain(struct kernel_target *kt)
{
	for (;;) {
		struct kt_sniffed *slot;
		if (kt->sniff_len == KT_SNIFF_RING) {
			memmove(&kt->sniffed[0], &kt->sniffed[1],
				sizeof(kt->sniffed[0]) * (KT_SNIFF_RING - 1));
			kt->sniff_len--;
		}
		slot = &kt->sniffed[kt->sniff_len];
		char cbuf[CMSG_SPACE(sizeof(struct timespec))];
		struct iovec iov = { .iov_base = slot->head, .iov_len = sizeof(slot->head) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(kt->sniff_fd, &msg, 0);
		if (n < 0)
			return; /* EAGAIN: all read */
		slot->len = (size_t)n;
		slot->usecs = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS_OLD) {
				struct timespec ts;
				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				slot->usecs = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
			}
		}
		if (slot->usecs >= 0)
			kt->sniff_len++;
	}
}

/* Where the transport header starts, 0 if unknown. */
static size_t transport_offset(const unsigned char *p, size_t len)
{
	if (len >= 20 && p[0] >> 4 == 4)
		return (size_t)(p[0] & 15) * 4;
	if (len >= 40 && p[0] >> 4 == 6)
		return 40;
	return 0;
}

/* Same packet: equal bytes over the first CMP_BYTES, skipping the IPv4
 * header checksum and the TCP/UDP checksum (offload fills them late). */
static bool same_packet(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	if (n > CMP_BYTES)
		n = CMP_BYTES;
	if (n < 20 || (alen < CMP_BYTES && alen != blen))
		return false;
	size_t th = transport_offset(a, n);
	bool v4 = a[0] >> 4 == 4;
	unsigned proto = v4 ? a[9] : a[6];
	size_t csum = proto == IPPROTO_TCP ? th + 16 : proto == IPPROTO_UDP ? th + 6 : (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (v4 && (i == 10 || i == 11))
			continue;
		if (th && (i == csum || i == csum + 1))
			continue;
		if (a[i] != b[i])
			return false;
	}
	return true;
}

int64_t kt_sniff_stamp(struct kernel_target *kt, const unsigned char *pkt, size_t len)
{
	if (kt->sniff_fd < 0)
		return -1;
	sniff_drain(kt);
	for (size_t i = 0; i < kt->sniff_len; i++) {
		if (!same_packet(pkt, len, kt->sniffed[i].head, kt->sniffed[i].len))
			continue;
		int64_t usecs = kt->sniffed[i].usecs;
		/* The copies before it belong to packets read already. */
		memmove(&kt->sniffed[0], &kt->sniffed[i + 1],
			sizeof(kt->sniffed[0]) * (kt->sniff_len - i - 1));
		kt->sniff_len -= i + 1;
		return usecs;
	}
	return -1;
}
