/* The vwire extensions the kernel target offers: vwire_configure,
 * vwire_connections and vwire_sent_time.
 *
 * It deliberately offers no vwire_sysctl_*: the process is inside its own
 * namespace, so a backtick command's `sysctl -w` or `echo > /proc/sys/...`
 * already reaches this kernel's namespace, and the run loop's sysctl
 * capture (meant for stacks that have no /proc) must stay out of the way.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_proc_tcp.h"
#include "kernel_target.h"

int vwire_configure(void *userdata, const struct vwire_net_config *cfg);
int vwire_connections(void *userdata, struct vwire_conn *out, int max);
int64_t vwire_sent_time(void *userdata);

/* When Linux sent the packet netdev_receive returned last (kernel_sniff.c). */
int64_t vwire_sent_time(void *userdata)
{
	const struct kernel_target *kt = userdata;
	return kt ? kt->last_sent_usecs : -1;
}

int vwire_configure(void *userdata, const struct vwire_net_config *cfg)
{
	struct kernel_target *kt = userdata;
	if (kt == NULL || cfg == NULL) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&kt->lock);
	kt->net = *cfg;
	if (kt->net.mtu <= 0)
		kt->net.mtu = 1500;
	kt->net_given = true;
	/* Set up again if a call came first and used the defaults. */
	if (kt->net_ready)
		kt->ns_pid = 0;
	pthread_mutex_unlock(&kt->lock);
	return kt_ensure_ready(kt);
}

struct inode_fd {
	unsigned long inode;
	int fd;
};

/* Socket inode of every script descriptor, from /proc/self/fd. */
static size_t socket_inodes(struct kernel_target *kt, struct inode_fd *out,
			    size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&kt->lock);
	for (int fd = 3; fd < KT_MAX_FDS && n < max; fd++) {
		if (kt->fds[fd] < 0)
			continue;
		char path[64], link[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", kt->fds[fd]);
		ssize_t len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		unsigned long inode;
		if (sscanf(link, "socket:[%lu]", &inode) == 1)
			out[n++] = (struct inode_fd){ inode, fd };
	}
	pthread_mutex_unlock(&kt->lock);
	return n;
}

static int read_table(const char *path, int v6, const struct inode_fd *fds,
		      size_t nfds, struct vwire_conn *out, int max, int count)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return count; /* no IPv6: no tcp6 */
	char line[512];
	if (fgets(line, sizeof(line), f) == NULL) { /* the header */
		fclose(f);
		return count;
	}
	while (fgets(line, sizeof(line), f)) {
		struct vwire_conn c;
		unsigned long inode;
		if (kt_parse_proc_tcp_line(line, v6, &c, &inode) < 0)
			continue;
		for (size_t i = 0; inode != 0 && i < nfds; i++)
			if (fds[i].inode == inode)
				c.fd = fds[i].fd;
		if (count < max && out != NULL)
			out[count] = c;
		count++;
	}
	fclose(f);
	return count;
}

int vwire_connections(void *userdata, struct vwire_conn *out, int max)
{
	struct kernel_target *kt = userdata;
	if (kt_ensure_ready(kt) < 0 || kt_netns_enter(kt) < 0)
		return -1;
	struct inode_fd *fds = calloc(KT_MAX_FDS, sizeof(*fds));
	if (fds == NULL)
		return -1;
	size_t nfds = socket_inodes(kt, fds, KT_MAX_FDS);
	/* thread-self: /proc/net follows the thread group leader's
	 * namespace, this thread's is the one that counts. */
	int count = read_table("/proc/thread-self/net/tcp", 0, fds, nfds,
			       out, max, 0);
	count = read_table("/proc/thread-self/net/tcp6", 1, fds, nfds, out,
			   max, count);
	free(fds);
	return count;
}
