/* The table of system calls a script may make: name and arity. */
#include <string.h>

#include "calls.h"

struct call_info {
	const char *name;
	int min_args, max_args;
};

/* Indexed by enum call_id. */
static const struct call_info calls[CALL_COUNT] = {
	[CALL_SOCKET]       = { "socket", 3, 3 },
	[CALL_BIND]         = { "bind", 3, 3 },
	[CALL_LISTEN]       = { "listen", 2, 2 },
	[CALL_ACCEPT]       = { "accept", 3, 3 },
	[CALL_CONNECT]      = { "connect", 3, 3 },
	[CALL_READ]         = { "read", 3, 3 },
	[CALL_READV]        = { "readv", 3, 3 },
	[CALL_RECV]         = { "recv", 4, 4 },
	[CALL_RECVFROM]     = { "recvfrom", 6, 6 },
	[CALL_RECVMSG]      = { "recvmsg", 3, 3 },
	[CALL_WRITE]        = { "write", 3, 3 },
	[CALL_WRITEV]       = { "writev", 3, 3 },
	[CALL_SEND]         = { "send", 4, 4 },
	[CALL_SENDTO]       = { "sendto", 6, 6 },
	[CALL_SENDMSG]      = { "sendmsg", 3, 3 },
	[CALL_FCNTL]        = { "fcntl", 2, 3 },
	[CALL_IOCTL]        = { "ioctl", 2, 3 },
	[CALL_CLOSE]        = { "close", 1, 1 },
	[CALL_SHUTDOWN]     = { "shutdown", 2, 2 },
	[CALL_GETSOCKOPT]   = { "getsockopt", 5, 5 },
	[CALL_SETSOCKOPT]   = { "setsockopt", 5, 5 },
	[CALL_POLL]         = { "poll", 3, 3 },
	[CALL_EPOLL_CREATE] = { "epoll_create", 1, 1 },
	[CALL_EPOLL_CTL]    = { "epoll_ctl", 4, 4 },
	[CALL_EPOLL_WAIT]   = { "epoll_wait", 4, 4 },
	[CALL_PIPE]         = { "pipe", 1, 1 },
	[CALL_SPLICE]       = { "splice", 6, 6 },
	[CALL_SENDFILE]     = { "sendfile", 4, 4 },
	[CALL_OPEN]         = { "open", 2, 3 },
	[CALL_GETSOCKNAME]  = { "getsockname", 3, 3 },
	[CALL_GETPEERNAME]  = { "getpeername", 3, 3 },
	[CALL_TCP_STATE]    = { "tcp_state", 1, 1 },
};

int call_lookup(const char *name)
{
	for (int i = 0; i < CALL_COUNT; i++)
		if (!strcmp(calls[i].name, name))
			return i;
	return -1;
}

const char *call_name(enum call_id id)
{
	return (unsigned)id < CALL_COUNT ? calls[id].name : "?";
}

int call_min_args(enum call_id id)
{
	return (unsigned)id < CALL_COUNT ? calls[id].min_args : 0;
}

int call_max_args(enum call_id id)
{
	return (unsigned)id < CALL_COUNT ? calls[id].max_args : 0;
}
