/* `tc` in a command of a target that models its device's qdisc
 * (command_tc.c): a wrapper first on the command's PATH notes that the
 * command changed tun0's root qdisc (qdisc add, replace, change or del),
 * so that vwire reads the result back (command_qdisc.h) only then; and a
 * root fq that the namespace's kernel cannot install (no sch_fq) is still
 * the target's device's: the wrapper notes the kind and reports success,
 * as on a host that has it. The command fast path does the plain forms
 * itself (command_tc_in_process), with the same notes. */
#ifndef VWIRE_COMMAND_TC_H
#define VWIRE_COMMAND_TC_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the wrapper into dir/.vwire-bin (made if need be) and the
 * folder's path into bin. 0, or -1 (the command then runs without it). */
int command_tc_prepare(const char *dir, char *bin, size_t len);

/* A line `tc qdisc VERB dev tun0 root [KIND [limit N]]` whose request
 * vwire sends itself (speed: no shell, tc, rm, cat for the corpus's one
 * tc line each): VERB add, replace, change, del or delete (a deletion
 * names no kind), KIND a fifo (pfifo, bfifo, pfifo_head_drop; limit in
 * plain digits) or fq without options. True when argv is such a line. */
bool command_tc_in_process_form(int argc, char *const argv[]);

/* Does such a line as the wrapper would (the same notes in dir). 0 when
 * done (tc would have printed nothing and exited 0), -1 when the kernel
 * refused it: nothing was changed, and the caller runs the real line,
 * whose tc says why. */
int command_tc_in_process(const char *dir, int argc, char *const argv[]);

/* After the command: whether it changed tun0's root qdisc; kind gets the
 * kind the kernel lacked ("fq"), or "" when the kernel's own qdisc tells. */
bool command_tc_changed(const char *dir, char *kind, size_t klen);

#endif
