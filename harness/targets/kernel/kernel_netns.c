/* The kernel target's private network namespace.
 *
 * The namespace is made with unshare(CLONE_NEWNET) by the thread that
 * initialises the target, which moves that thread (the run loop's main
 * thread): threads and processes it starts later inherit it, so backtick
 * commands see the namespace's kernel. A thread that was already running
 * (a syscall thread made earlier) joins it with setns() at its first
 * call that creates a socket or reads /proc/net.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_target.h"

#define KT_THREAD_NETNS "/proc/thread-self/ns/net"

int kt_write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

static int read_proc(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

#define KT_SYSCTL_TCP "/proc/sys/net/ipv4/"
#define KT_CHILD_EHASH "1024"

/* A namespace made from the host's shares the host's TCP hash table, whose
 * size follows the machine's memory (262144 buckets here): every read of
 * /proc/net/tcp walks all of it, 4 ms, which tcp_state pays in real time.
 * So: one namespace whose tcp_child_ehash_entries gives the next a table
 * of its own, then that next one, with the two limits the kernel derives
 * from the table's size set back to the values the big table gives. */
static int unshare_small_ehash(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	char tw[32], syn[32];
	if (kt_write_proc(KT_SYSCTL_TCP "tcp_child_ehash_entries",
			  KT_CHILD_EHASH) < 0 ||
	    read_proc(KT_SYSCTL_TCP "tcp_max_tw_buckets", tw, sizeof(tw)) < 0 ||
	    read_proc(KT_SYSCTL_TCP "tcp_max_syn_backlog", syn, sizeof(syn)) < 0)
		return 0; /* an older kernel: the shared table it is */
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	(void)kt_write_proc(KT_SYSCTL_TCP "tcp_max_tw_buckets", tw);
	(void)kt_write_proc(KT_SYSCTL_TCP "tcp_max_syn_backlog", syn);
	return 0;
}

int kt_netns_create(struct kernel_target *kt, char *err, size_t errlen)
{
	if (kt->ns_fd >= 0 && kt->ns_pid == getpid())
		return 0;
	/* A namespace made before a fork belongs to the parent: a script's
	 * child gets a fresh one, and the parent's tun0 is not ours. */
	if (kt->ns_fd >= 0) {
		close(kt->ns_fd);
		kt->ns_fd = -1;
	}
	if (kt->tun_fd >= 0) {
		close(kt->tun_fd);
		kt->tun_fd = -1;
	}
	kt_sniff_close(kt);
	kt->net_ready = false;

	if (unshare_small_ehash() < 0) {
		snprintf(err, errlen, "%s (unshare(CLONE_NEWNET): %s)",
			 KT_NEEDS_PRIVILEGE, strerror(errno));
		return -1;
	}
	int fd = open(KT_THREAD_NETNS, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "kernel target: cannot open %s: %s",
			 KT_THREAD_NETNS, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Keep our own descriptors out of the low numbers scripts use. */
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 512);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	kt->ns_fd = fd;
	kt->ns_dev = st.st_dev;
	kt->ns_ino = st.st_ino;
	kt->ns_pid = getpid();
	return 0;
}

int kt_netns_enter(struct kernel_target *kt)
{
	struct stat st;
	if (kt->ns_fd < 0) {
		errno = ENETDOWN;
		return -1;
	}
	if (stat(KT_THREAD_NETNS, &st) == 0 && st.st_dev == kt->ns_dev &&
	    st.st_ino == kt->ns_ino)
		return 0;
	return setns(kt->ns_fd, CLONE_NEWNET);
}
