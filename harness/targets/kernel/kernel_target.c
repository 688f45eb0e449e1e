/* The kernel target: packetdrill_interface_init and the set-up it owns.
 *
 * Init unshares a network namespace for the whole calling thread at once
 * (vwire runs each script in a child process of its own, so this never
 * moves vwire's parent), so every later backtick command, its sysctl
 * writes included, lands in the namespace and never on the host. tun0
 * and its addresses come at vwire_configure, or at the first call with
 * packetdrill's default addresses when no configure comes. A process
 * forked after init makes a fresh namespace of its own at that point.
 *
 * Needs root or CAP_NET_ADMIN (with CAP_SYS_ADMIN for unshare); without,
 * init prints why on stderr and leaves the table empty (all NULL), which
 * the loader reports as a target error.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kernel_target.h"
#include "packetdrill.h"

void kt_default_net(struct vwire_net_config *net)
{
	memset(net, 0, sizeof(*net));
	net->ip_mode = VWIRE_IPV4;
	snprintf(net->local_ip, sizeof(net->local_ip), "192.168.0.1");
	snprintf(net->remote_ip, sizeof(net->remote_ip), "192.0.2.1");
	snprintf(net->gateway_ip, sizeof(net->gateway_ip), "192.168.0.1");
	snprintf(net->netmask_ip, sizeof(net->netmask_ip), "255.255.0.0");
	net->mtu = 1500;
}

int kt_ensure_ready(struct kernel_target *kt)
{
	char err[512] = "";
	int rc = 0;
	pthread_mutex_lock(&kt->lock);
	if (kt->net_ready && kt->ns_pid == getpid())
		goto out;
	if (kt_netns_create(kt, err, sizeof(err)) < 0 ||
	    kt_netns_enter(kt) < 0 || kt_tun_setup(kt, err, sizeof(err)) < 0) {
		int saved = errno;
		if (err[0] == '\0')
			snprintf(err, sizeof(err), "kernel target: %s",
				 strerror(saved));
		fprintf(stderr, "%s\n", err);
		errno = saved ? saved : ENETDOWN;
		rc = -1;
		goto out;
	}
	kt->net_ready = true;
out:
	pthread_mutex_unlock(&kt->lock);
	return rc;
}

static void kt_free(void *ud)
{
	struct kernel_target *kt = ud;
	if (kt == NULL)
		return;
	kt_fds_close_all(kt);
	if (kt->tun_fd >= 0)
		close(kt->tun_fd);
	kt_sniff_close(kt);
	if (kt->ns_fd >= 0)
		close(kt->ns_fd);
	pthread_mutex_destroy(&kt->lock);
	free(kt);
}

/* flags (--so_flags) are not used: the network comes from configure. */
void packetdrill_interface_init(const char *flags,
				struct packetdrill_interface *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	struct kernel_target *kt = calloc(1, sizeof(*kt));
	if (kt == NULL) {
		fprintf(stderr, "kernel target: out of memory\n");
		return;
	}
	pthread_mutex_init(&kt->lock, NULL);
	kt_fds_init(kt);
	kt->ns_fd = -1;
	kt->tun_fd = -1;
	kt->sniff_fd = -1;
	kt->last_sent_usecs = -1;
	kt_default_net(&kt->net);

	char err[512];
	if (kt_netns_create(kt, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		kt_free(kt);
		return;
	}
	/* Real time on a shared machine: packets carry the kernel's sending
	 * time (kernel_sniff.c), but calls and injected packets happen when
	 * this thread runs, so ask for a prompt wake-up (best effort: a
	 * higher priority than other jobs, no timer slack). */
	(void)setpriority(PRIO_PROCESS, 0, -10);
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	ifc->userdata = kt;
	ifc->free = kt_free;
	kt_fill_syscalls(ifc);
	kt_fill_netdev(ifc);
}
