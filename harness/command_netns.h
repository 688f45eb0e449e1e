/* The namespace a command of a virtual target runs in: a tun0 for the
 * corpus's `tc`/`ethtool`/`ip` commands (command_netns.c). One function,
 * called in the command's child after it entered its own network
 * namespace, so that a cache of a prepared namespace can replace it. */
#ifndef VWIRE_COMMAND_NETNS_H
#define VWIRE_COMMAND_NETNS_H

#include <stddef.h>

#include "config.h"

/* Create tun0 in the current network namespace, up, with cfg's IPv4
 * address and a route to the remote. Returns 0, or -1 with err set. */
int command_netns_tun0(const struct config *cfg, char *err, size_t errlen);

#endif
