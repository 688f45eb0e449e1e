/* Loading a target: a shared object exporting packetdrill_interface_init,
 * plus the optional extensions of vwire_target.h found with dlsym. */
#ifndef VWIRE_TARGET_LOAD_H
#define VWIRE_TARGET_LOAD_H

#include <stddef.h>

#include "packetdrill.h"
#include "vwire_target.h"

struct target {
	void *handle;                 /* dlopen handle */
	char path[4096];              /* the .so loaded */
	char name[64];                /* vstack | kernel | lwip | the path */
	struct packetdrill_interface ifc;
	vwire_configure_fn configure;
	vwire_sysctl_set_fn sysctl_set;
	vwire_sysctl_get_fn sysctl_get;
	vwire_sysctl_name_fn sysctl_name;
	vwire_connections_fn connections;
	vwire_set_state_hook_fn set_state_hook;
	vwire_blocked_calls_fn blocked_calls;
	vwire_next_timer_fn next_timer;
	vwire_set_qdisc_fn set_qdisc;
	vwire_tcp_metrics_flush_fn tcp_metrics_flush;
	vwire_mib_fn mib;
	vwire_sent_time_fn sent_time;
};

/* Resolve --target / --so_filename: NULL -> <dir of bin/vwire>/../lib/
 * libvstack.so, "kernel" and "lwip" -> the plugins beside it, else a
 * path. Writes the path and the report name. Returns 0 or -1 (err). */
int target_resolve(const char *spec, char *path, size_t path_len,
		   char *name, size_t name_len, char *err, size_t errlen);

/* dlopen, init with flags, find the extensions. Returns 0 or -1 (err). */
int target_open(struct target *t, const char *spec, const char *flags,
		char *err, size_t errlen);
/* ifc.free then dlclose; skip_free when a call is still stuck in it. */
void target_close(struct target *t, int skip_free);

/* The target clock in microseconds. */
long long target_now_usecs(struct target *t);

#endif
