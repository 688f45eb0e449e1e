/* The namespace a command of a virtual target runs in: a tun0 for the
 * corpus's `tc`/`ethtool`/`ip` commands, and listening sockets standing
 * for the target's listeners (command_netns.c). Called in the command's
 * child after it entered its own network namespace, so that a cache of a
 * prepared namespace can replace them. */
#ifndef VWIRE_COMMAND_NETNS_H
#define VWIRE_COMMAND_NETNS_H

#include <stddef.h>

#include "config.h"
#include "vwire_target.h"

/* Create tun0 in the current network namespace, up, with cfg's IPv4
 * address and a route to the remote. Returns 0, or -1 with err set. */
int command_netns_tun0(const struct config *cfg, char *err, size_t errlen);

/* Listening sockets in the current namespace for the target's listeners
 * among conns (state VWIRE_TCP_LISTEN), so that what a command reads of
 * the namespace's sockets (/proc/net/tcp, ss) shows them. The sockets are
 * left open across exec: the command holds them while it runs. Returns
 * how many it made. */
int command_netns_listeners(const struct vwire_conn *conns, int n);

#endif
