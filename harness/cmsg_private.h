/* Control messages (msg_control) of sendmsg and recvmsg, and the two
 * expression helpers they share with syscall_args.c. Private to the
 * syscall files of the run loop. */
#ifndef VWIRE_CMSG_PRIVATE_H
#define VWIRE_CMSG_PRIVATE_H

#include <stddef.h>
#include <sys/socket.h>

#include "ast.h"

struct run_state;

/* How much room recvmsg gets for control messages. */
#define CMSG_RECV_SPACE 4096

/* From syscall_args.c: an integer expression (number, constant, A|B,
 * htons(), [N]); 0 or -1 with msg set. */
int call_eval_int(const struct expr *e, long long *v, char *msg, size_t len);
/* The value of field `name` of a struct expression, NULL when absent. */
const struct expr *call_field(const struct expr *s, const char *name);

/* sendmsg: lay out the script's [{cmsg_level=, cmsg_type=, cmsg_data=},
 * ...] as the kernel expects it. *buf is malloc'd (NULL, 0 for []). */
int cmsg_build(const struct expr *list, void **buf, size_t *len,
	       char *msg, size_t mlen);

/* recvmsg: compare what came back with the script's list, message by
 * message and field by field. Timestamps are script-relative times,
 * compared within the run's tolerance. 0, or -1 with msg set. */
int cmsg_check(struct run_state *rs, const struct expr *want,
	       const struct msghdr *got, char *msg, size_t mlen);

#endif
