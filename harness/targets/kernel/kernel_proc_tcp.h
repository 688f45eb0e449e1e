/* Parsing /proc/net/tcp{,6} lines (kernel_proc_tcp.c). */
#ifndef VWIRE_KERNEL_PROC_TCP_H
#define VWIRE_KERNEL_PROC_TCP_H

#include "vwire_target.h"

/* One entry line (not the header): 0 and *c, *inode filled (fd -1), or
 * -1 when the line does not parse. v6: a line of /proc/net/tcp6. */
#pragma GCC visibility push(hidden)
int kt_parse_proc_tcp_line(const char *line, int v6, struct vwire_conn *c,
			   unsigned long *inode);

#pragma GCC visibility pop

#endif
