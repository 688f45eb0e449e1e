/* vstack: vwire's reference TCP/IP stack, for programs that embed it.
 *
 * An instance is a whole host with one interface, a virtual clock and its
 * own descriptors. Drive it through the packetdrill interface table
 * (harness/packetdrill.h): socket calls, netdev_send/netdev_receive for
 * the wire, usleep to let virtual time pass. Every entry point is thread
 * safe; a blocking call waits until another thread's call unblocks it.
 */
#ifndef VSTACK_H
#define VSTACK_H

#include <stddef.h>
#include <stdint.h>

#include "packetdrill.h"
#include "vwire_target.h"

/* Fills ifc with a new instance (ifc->userdata). flags: "" or a comma- or
 * space-separated list; "seed=N" sets the ISN key. ifc->free(userdata)
 * frees the instance and all it holds. On failure ifc->userdata is NULL. */
void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc);

/* The extensions of vwire_target.h, also exported under these names. */
int vwire_configure(void *userdata, const struct vwire_net_config *cfg);
int vwire_sysctl_set(void *userdata, const char *name, const char *value);
int vwire_sysctl_get(void *userdata, const char *name, char *buf, size_t len);
const char *vwire_sysctl_name(void *userdata, size_t index);
int vwire_connections(void *userdata, struct vwire_conn *out, int max);
void vwire_set_state_hook(void *userdata, vwire_state_hook_t hook, void *ctx);
int vwire_blocked_calls(void *userdata);
int64_t vwire_next_timer(void *userdata);
int vwire_set_qdisc(void *userdata, const char *kind, long limit);
void vwire_tcp_metrics_flush(void *userdata);
int vwire_mib(void *userdata, size_t index, const char **group, const char **name,
	      uint64_t *value);

/* getsockname/getpeername, which packetdrill's table lacks. */
int vstack_getsockname(void *userdata, int fd, struct sockaddr *addr, socklen_t *len);
int vstack_getpeername(void *userdata, int fd, struct sockaddr *addr, socklen_t *len);

#endif
