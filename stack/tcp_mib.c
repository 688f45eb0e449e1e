/* The engine's MIB counters, under the names Linux's /proc/net/netstat
 * gives them (the group, then the counter), for the vwire_mib extension
 * that lets a command's nstat see them. Only the counters the engine
 * keeps are listed: OutOfWindowIcmps, ICMP errors quoting a sequence
 * number the connection (or the request's SYN-ACK) never had in flight. */
#include "tcp_internal.h"

static const struct { const char *group, *name; } mib_names[TCP_MIB_MAX] = {
	[TCP_MIB_OUT_OF_WINDOW_ICMPS] = { "TcpExt", "OutOfWindowIcmps" },
};

void tcp_mib_inc(struct vstack *vs, enum tcp_mib m)
{
	vs->tcp->mib[m]++;
}

int tcp_mib_entry(struct vstack *vs, size_t index, const char **group, const char **name,
		  uint64_t *value)
{
	if (index >= TCP_MIB_MAX)
		return -1;
	*group = mib_names[index].group;
	*name = mib_names[index].name;
	*value = vs->tcp->mib[index];
	return 0;
}
