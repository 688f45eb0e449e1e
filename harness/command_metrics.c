/* See command_metrics.h. */
#include "command_metrics.h"
#include "command_wrapper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcp_metrics.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK ".vwire-tcp-metrics-flush"

int command_metrics_prepare(const char *dir, char *bin, size_t len)
{
	char real[4096], file[4200];
	FILE *f = command_wrapper_open(dir, "ip", real, sizeof(real), bin, len, file);
	if (!f)
		return -1;
	/* Any word naming the tcp_metrics object (ip accepts prefixes: tcpm)
	 * followed by flush or delete (or a prefix of them). */
	fprintf(f, "#!/bin/sh\n"
		   "# vwire: the target's own TCP metrics hear of a flush.\n"
		   "m=\n"
		   "for a do\n"
		   "\tcase $a in\n"
		   "\ttcpm*|tcp_m*) m=1 ;;\n"
		   "\tf|fl|flu|flus|flush|del|dele|delet|delete) [ -n \"$m\" ] && : >'%s/" MARK "' ;;\n"
		   "\tesac\n"
		   "done\n"
		   "exec '%s' \"$@\"\n", dir, real);
	return command_wrapper_close(f, file);
}

bool command_metrics_flushed(const char *dir)
{
	char mark[4200];
	snprintf(mark, sizeof(mark), "%s/" MARK, dir);
	return access(mark, F_OK) == 0;
}

bool command_metrics_in_process_form(int argc, char *const argv[])
{
	return argc == 4 && !strcmp(argv[0], "ip") &&
	       (!strcmp(argv[1], "tcp_metrics") || !strcmp(argv[1], "tcpm")) &&
	       !strcmp(argv[2], "flush") && !strcmp(argv[3], "all");
}

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr g;
	char attrs[64];
};

/* Sends one generic netlink request; the reply into buf (its length, or
 * -1). */
static ssize_t genl_call(int fd, struct genl_req *req, char *buf, size_t len)
{
	if (send(fd, req, req->nh.nlmsg_len, 0) < 0)
		return -1;
	ssize_t n;
	while ((n = recv(fd, buf, len, 0)) < 0 && errno == EINTR)
		;
	return n;
}

/* The tcp_metrics family's id, or -1. */
static int tcp_metrics_family(int fd)
{
	struct genl_req req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	struct nlattr *a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = (unsigned short)(NLA_HDRLEN + sizeof(TCP_METRICS_GENL_NAME));
	memcpy((char *)a + NLA_HDRLEN, TCP_METRICS_GENL_NAME, sizeof(TCP_METRICS_GENL_NAME));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	char buf[4096];
	ssize_t n = genl_call(fd, &req, buf, sizeof(buf));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	if (n < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || !NLMSG_OK(nh, (size_t)n) ||
	    nh->nlmsg_type != GENL_ID_CTRL)
		return -1;
	int left = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	char *p = (char *)NLMSG_DATA(nh) + GENL_HDRLEN;
	while (left >= NLA_HDRLEN) {
		struct nlattr *at = (struct nlattr *)p;
		if (at->nla_len < NLA_HDRLEN || at->nla_len > left)
			return -1;
		if ((at->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
		    at->nla_len >= NLA_HDRLEN + sizeof(unsigned short)) {
			unsigned short id;
			memcpy(&id, p + NLA_HDRLEN, sizeof(id));
			return id;
		}
		left -= NLA_ALIGN(at->nla_len);
		p += NLA_ALIGN(at->nla_len);
	}
	return -1;
}

int command_metrics_in_process(const char *dir, int argc, char *const argv[])
{
	if (!command_metrics_in_process_form(argc, argv))
		return -1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	int rc = -1;
	int family = tcp_metrics_family(fd);
	if (family > 0) {
		struct genl_req req;
		memset(&req, 0, sizeof(req));
		req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
		req.nh.nlmsg_type = (unsigned short)family;
		req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		req.g.cmd = TCP_METRICS_CMD_DEL;
		req.g.version = TCP_METRICS_GENL_VERSION;
		char buf[4096];
		ssize_t n = genl_call(fd, &req, buf, sizeof(buf));
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
		    nh->nlmsg_type == NLMSG_ERROR &&
		    ((struct nlmsgerr *)NLMSG_DATA(nh))->error == 0)
			rc = 0;
	}
	close(fd);
	if (rc == 0) {
		char mark[4200];
		snprintf(mark, sizeof(mark), "%s/" MARK, dir);
		int m = open(mark, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (m < 0)
			return -1;
		close(m);
	}
	return rc;
}
