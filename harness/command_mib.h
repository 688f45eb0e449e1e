/* nstat(8) in a command of a target with MIB counters (command_mib.c):
 * the command's namespace kernel counts nothing of the target's traffic,
 * so nstat is pointed (PROC_NET_NETSTAT, PROC_NET_SNMP, PROC_NET_SNMP6)
 * at files written from the target's counters (vwire_target.h's
 * vwire_mib), with its history (NSTAT_HISTORY) kept by the script's run,
 * so `nstat >/dev/null` then `nstat | grep Counter` shows what the target
 * counted in between. */
#ifndef VWIRE_COMMAND_MIB_H
#define VWIRE_COMMAND_MIB_H

#include <stddef.h>

#include "target.h"

#define COMMAND_MIB_HISTORY_MAX 4096

/* Before the command: writes dir/netstat (the target's counters),
 * empty dir/snmp and dir/snmp6, and dir/nstat-history (history, len
 * bytes). 0 or -1. */
int command_mib_prepare(struct target *t, const char *dir, const char *history, size_t len);

/* In the command's child: points nstat at those files. */
void command_mib_env(const char *dir);

/* After the command: the history nstat left, into buf (at most
 * COMMAND_MIB_HISTORY_MAX bytes); returns its length (0: none). */
size_t command_mib_history(const char *dir, char *buf);

#endif
