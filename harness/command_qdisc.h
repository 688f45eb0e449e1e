/* The root queueing discipline of a command's tun0 (command_qdisc.c):
 * what a `tc qdisc` line in a command did to the device, read back over
 * rtnetlink so a virtual target can model it (vwire_target.h's
 * vwire_set_qdisc_limit), and put back in the next command's fresh
 * namespace so that the commands of one script see one device. */
#ifndef VWIRE_COMMAND_QDISC_H
#define VWIRE_COMMAND_QDISC_H

#include <stddef.h>

/* tun0's root qdisc: its kind ("pfifo", "fq", ...) and a limit in
 * packets: -1 when it sets none of its own (not a fifo), else the fifo's
 * limit (a bfifo's bytes counted in 1500-byte packets, at least 1 unless
 * 0). Returns 0, or -1 when it cannot be read. */
int command_qdisc_read(char *kind, size_t klen, long *limit);

/* Makes tun0's root qdisc a pfifo of that limit (limit >= 0). 0 or -1. */
int command_qdisc_install(long limit);

/* What `tc qdisc VERB dev tun0 root ...` asks of rtnetlink. */
enum qdisc_verb { QDISC_ADD, QDISC_REPLACE, QDISC_CHANGE, QDISC_DELETE };

/* Sends tc's request for tun0's root: kind ("" for a deletion), and for a
 * fifo a limit (-1: none given, the kernel's default). 0 when the kernel
 * acknowledged it, else the negative errno it answered (or -EIO). */
int command_qdisc_request(enum qdisc_verb verb, const char *kind, long limit);

#endif
