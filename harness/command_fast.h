/* A shortcut for the commands that dominate a corpus run: a shell script
 * (such as the corpus's defaults.sh) made of `sysctl -q key=value` lines
 * and plain command lines. Its sysctl writes are done in this process,
 * byte for byte as procps sysctl does them, instead of one exec each, and
 * so are `tc qdisc` on tun0 and `ip tcp_metrics flush all` lines of the
 * plain forms (over netlink, as tc and ip would); every other line still
 * runs as sh would run it, in order. */
#ifndef VWIRE_COMMAND_FAST_H
#define VWIRE_COMMAND_FAST_H

#include <stdbool.h>

/* What a command's tc and ip lines reach (command_tc.h,
 * command_metrics.h): with tc (or metrics) set, a line of the in-process
 * form is done here, its notes in mark_dir; before the first program the
 * script runs, before_child(arg) puts the wrappers on PATH (once, and not
 * at all for a script with nothing but in-process lines). */
struct command_fast_device {
	const char *mark_dir;
	bool tc, metrics;
	void (*before_child)(void *arg);
	void *arg;
};

/* For the command's child process, after its namespaces are set up and it
 * is in the script's folder. Returns the exit status the script would have
 * given, or -1 when the command is not such a script (nothing was run: the
 * caller execs /bin/sh as usual). VWIRE_COMMAND_FAST=0 turns it off. dev
 * may be NULL (tc and ip lines then run as programs). */
int command_fast_run(const char *cmd, const struct command_fast_device *dev);

#endif
