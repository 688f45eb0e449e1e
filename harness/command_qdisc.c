/* See command_qdisc.h. Plain rtnetlink (RTM_GETQDISC, RTM_NEWQDISC): an
 * exec of tc for every command would cost more than the command. */
#include "command_qdisc.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TUN0 "tun0"
#define BFIFO_PACKET_BYTES 1500

struct qdisc_req {
	struct nlmsghdr nh;
	struct tcmsg tc;
	char attrs[128];
};

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A request about tun0's qdiscs, with no attributes yet. */
static void init_req(struct qdisc_req *r, int ifindex, unsigned short type,
		     unsigned short flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->tc));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
	r->tc.tcm_family = AF_UNSPEC;
	r->tc.tcm_ifindex = ifindex;
}

static void add_attr(struct qdisc_req *r, unsigned short type, const void *data,
		     size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* The kind and limit one RTM_NEWQDISC message describes, if it is
 * tun0's root. */
static int parse_qdisc(const struct nlmsghdr *nh, int ifindex, char *out, size_t klen,
		       long *limit)
{
	const struct tcmsg *tc = NLMSG_DATA(nh);
	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*tc)) || tc->tcm_ifindex != ifindex ||
	    tc->tcm_parent != TC_H_ROOT)
		return 0;
	const char *kind = NULL;
	const struct tc_fifo_qopt *fifo = NULL;
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*tc));
	for (const struct rtattr *a = (const struct rtattr *)((const char *)tc +
							       NLMSG_ALIGN(sizeof(*tc)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == TCA_KIND)
			kind = RTA_DATA(a);
		else if (a->rta_type == TCA_OPTIONS && RTA_PAYLOAD(a) >= sizeof(*fifo))
			fifo = RTA_DATA(a);
	}
	*limit = -1;
	snprintf(out, klen, "%s", kind ? kind : "");
	if (!kind || !fifo)
		return 1;
	if (!strcmp(kind, "pfifo") || !strcmp(kind, "pfifo_head_drop"))
		*limit = fifo->limit;
	else if (!strcmp(kind, "bfifo"))
		*limit = fifo->limit == 0 ? 0 :
			 fifo->limit < BFIFO_PACKET_BYTES ? 1 : fifo->limit / BFIFO_PACKET_BYTES;
	return 1;
}

int command_qdisc_read(char *kind, size_t klen, long *limit)
{
	int ifindex = (int)if_nametoindex(TUN0);
	if (ifindex <= 0)
		return -1;
	int fd = nl_open();
	if (fd < 0)
		return -1;
	struct qdisc_req req;
	init_req(&req, ifindex, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP);
	int rc = -1;
	*limit = -1;
	snprintf(kind, klen, "%s", "");
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		goto out;
	for (;;) {
		char buf[16384];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		int left = (int)n;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (nh->nlmsg_type == NLMSG_ERROR)
				goto out;
			if (nh->nlmsg_type == RTM_NEWQDISC)
				parse_qdisc(nh, ifindex, kind, klen, limit);
		}
	}
out:
	close(fd);
	return rc;
}

int command_qdisc_request(enum qdisc_verb verb, const char *kind, long limit)
{
	int ifindex = (int)if_nametoindex(TUN0);
	if (ifindex <= 0)
		return -ENODEV;
	int fd = nl_open();
	if (fd < 0)
		return -EIO;
	/* The flags tc(8) gives each verb. */
	static const unsigned short flags[] = {
		[QDISC_ADD] = NLM_F_CREATE | NLM_F_EXCL,
		[QDISC_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
		[QDISC_CHANGE] = 0,
		[QDISC_DELETE] = 0,
	};
	struct qdisc_req req;
	init_req(&req, ifindex, verb == QDISC_DELETE ? RTM_DELQDISC : RTM_NEWQDISC,
		 (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags[verb]));
	req.tc.tcm_parent = TC_H_ROOT;
	if (kind && kind[0])
		add_attr(&req, TCA_KIND, kind, strlen(kind) + 1);
	if (limit >= 0) {
		struct tc_fifo_qopt opt = { .limit = (unsigned)limit };
		add_attr(&req, TCA_OPTIONS, &opt, sizeof(opt));
	}
	int rc = -EIO;
	if (send(fd, &req, req.nh.nlmsg_len, 0) >= 0) {
		char buf[4096];
		ssize_t n;
		while ((n = recv(fd, buf, sizeof(buf), 0)) < 0 && errno == EINTR)
			;
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
		    nh->nlmsg_type == NLMSG_ERROR)
			rc = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	}
	close(fd);
	return rc;
}

int command_qdisc_install(long limit)
{
	if (limit < 0)
		return -1;
	return command_qdisc_request(QDISC_REPLACE, "pfifo", limit) == 0 ? 0 : -1;
}
