/* `ip tcp_metrics flush` in a command of a virtual target (command_metrics.c):
 * the target keeps its own per-destination TCP metrics (Linux keeps Fast
 * Open cookies there), which the command's namespace kernel knows nothing
 * of. A wrapper `ip` first on the command's PATH notes a flush (or
 * delete) of them, and vwire passes it on to the target afterwards
 * (vwire_target.h's vwire_tcp_metrics_flush); the command fast path does
 * `ip tcp_metrics flush all` itself, with the same note. */
#ifndef VWIRE_COMMAND_METRICS_H
#define VWIRE_COMMAND_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the wrapper into dir/.vwire-bin and the folder's path into bin.
 * Returns 0, or -1 (the command then runs without it). */
int command_metrics_prepare(const char *dir, char *bin, size_t len);

/* `ip tcp_metrics flush all` (or `ip tcpm flush all`): a line vwire does
 * itself (speed: no shell and ip for the corpus's one such line each). */
bool command_metrics_in_process_form(int argc, char *const argv[]);

/* Flushes the namespace's metrics as ip does (one tcp_metrics generic
 * netlink delete without an address) and notes the flush in dir as the
 * wrapper would. 0 when done (ip would have printed nothing, exit 0),
 * -1 when not: nothing was noted, the caller runs the real line. */
int command_metrics_in_process(const char *dir, int argc, char *const argv[]);

/* Whether a command run with that wrapper flushed the metrics. */
bool command_metrics_flushed(const char *dir);

#endif
