/* The target's descriptors versus the process's live ones.
 *
 * The run loop maps the script's numbers to whatever a target returns
 * (harness/fd_map.c), so this table is not there for the script's sake:
 * it keeps the script's calls inside the target. vwire's process has
 * files of its own open (stdio, the pcap, the pipe to its parent); a
 * descriptor the target never handed out must answer EBADF, never reach
 * one of those (0, 1 and 2 excepted: they stay stdio, as in packetdrill
 * itself). Like Linux, a new descriptor gets the lowest free number
 * (>= 3, or >= the F_DUPFD argument), so on a script that numbers as
 * Linux does both maps are the identity. Callers hold kt->lock.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <unistd.h>

#include "kernel_target.h"

void kt_fds_init(struct kernel_target *kt)
{
	for (int i = 0; i < KT_MAX_FDS; i++)
		kt->fds[i] = i < 3 ? i : -1;
}

int kt_fd_live(struct kernel_target *kt, int fd)
{
	if (fd < 0 || fd >= KT_MAX_FDS || kt->fds[fd] < 0) {
		errno = EBADF;
		return -1;
	}
	return kt->fds[fd];
}

int kt_fd_add(struct kernel_target *kt, int live_fd, int lowest)
{
	for (int i = lowest < 3 ? 3 : lowest; i < KT_MAX_FDS; i++)
		if (kt->fds[i] < 0) {
			kt->fds[i] = live_fd;
			return i;
		}
	close(live_fd);
	errno = EMFILE;
	return -1;
}

int kt_fd_release(struct kernel_target *kt, int fd)
{
	int live = kt_fd_live(kt, fd);
	if (live >= 0 && fd >= 3)
		kt->fds[fd] = -1;
	return live;
}

int kt_fd_script(struct kernel_target *kt, int live_fd)
{
	for (int i = 0; i < KT_MAX_FDS; i++)
		if (kt->fds[i] == live_fd)
			return i;
	return -1;
}

void kt_fds_close_all(struct kernel_target *kt)
{
	for (int i = 3; i < KT_MAX_FDS; i++)
		if (kt->fds[i] >= 0) {
			close(kt->fds[i]);
			kt->fds[i] = -1;
		}
}
