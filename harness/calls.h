/* The system calls a script may make, by name. The semantic checks reject
 * any other name; the run loop dispatches on the id. */
#ifndef VWIRE_CALLS_H
#define VWIRE_CALLS_H

enum call_id {
	CALL_SOCKET, CALL_BIND, CALL_LISTEN, CALL_ACCEPT, CALL_CONNECT,
	CALL_READ, CALL_READV, CALL_RECV, CALL_RECVFROM, CALL_RECVMSG,
	CALL_WRITE, CALL_WRITEV, CALL_SEND, CALL_SENDTO, CALL_SENDMSG,
	CALL_FCNTL, CALL_IOCTL, CALL_CLOSE, CALL_SHUTDOWN,
	CALL_GETSOCKOPT, CALL_SETSOCKOPT, CALL_POLL,
	CALL_EPOLL_CREATE, CALL_EPOLL_CTL, CALL_EPOLL_WAIT,
	CALL_PIPE, CALL_SPLICE, CALL_SENDFILE, CALL_OPEN,
	CALL_GETSOCKNAME, CALL_GETPEERNAME,
	/* vwire extension: assert a connection's TCP state (see README) */
	CALL_TCP_STATE,
	CALL_COUNT
};

/* -1 when the name is no call vwire knows. */
int call_lookup(const char *name);
const char *call_name(enum call_id id);
/* Arity range, for the semantic checks. */
int call_min_args(enum call_id id);
int call_max_args(enum call_id id);

#endif
