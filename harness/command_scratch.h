/* The /proc/sys/net a command of a target with sysctls sees: the target's
 * values as files, whose changes are applied to the target afterwards.
 *
 * Speed: the tree used to be written in full for every command (~70 files
 * created, read back and deleted: ~800 syscalls, about a third of a
 * command's own cost). Now a read-only tree of the current values (the
 * lower) is written once per set of values and shared by every script of
 * the run, and each command gets an overlay of it with an empty upper
 * folder, so only the files a command writes exist there to read back.
 * Where overlayfs is missing, the command's child writes the full tree
 * into the upper folder and bind-mounts it, as before
 * (VWIRE_SCRATCH_OVERLAY=0 forces that, for tests). */
#ifndef VWIRE_COMMAND_SCRATCH_H
#define VWIRE_COMMAND_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "target.h"

struct command_scratch {
	char lower[160]; /* the shared tree of the current values */
	char top[160];   /* this command's: top/up (upper), top/work */
};

/* In the script's process, before the command's fork. 0 or -1. */
int command_scratch_prepare(struct target *t, struct command_scratch *sc);

/* In the command's child, in its own mount namespace: mounts the tree on
 * /proc/sys/net. 0 or -1 (errno set). */
int command_scratch_mount(struct target *t, const struct command_scratch *sc);

/* After the command: each sysctl whose file the command changed is set on
 * the target (refusals reported with verbose); then this command's part of
 * the tree is removed. */
void command_scratch_finish(struct target *t, struct command_scratch *sc, bool verbose);

/* In bin/vwire's parent at the end of a run: removes the shared trees of
 * the run whose process is owner, and those left by runs that are gone. */
void command_scratch_cleanup(pid_t owner);

/* The file's first len-1 bytes without trailing blanks. 0 or -1. */
int command_scratch_read(const char *path, char *buf, size_t len);

#endif
