/* What the command wrappers (command_tc.h, command_metrics.h) share: the
 * real program they stand in front of, and their file in dir/.vwire-bin. */
#ifndef VWIRE_COMMAND_WRAPPER_H
#define VWIRE_COMMAND_WRAPPER_H

#include <stddef.h>
#include <stdio.h>

/* Finds the real `name` on PATH (into real, rlen bytes), makes
 * dir/.vwire-bin (its path into bin) and opens dir/.vwire-bin/name for
 * writing, into path (4200 bytes). NULL when any of that fails, or when
 * dir or the real program's path holds a quote (the wrappers quote both). */
FILE *command_wrapper_open(const char *dir, const char *name, char *real, size_t rlen,
			   char *bin, size_t len, char path[4200]);

/* Closes the wrapper and makes it executable: 0, or -1. */
int command_wrapper_close(FILE *f, const char *path);

#endif
