/* The run loop's entry point. */
#ifndef VWIRE_RUN_H
#define VWIRE_RUN_H

#include "config.h"

/* Exit codes of bin/vwire. */
enum { EXIT_PASS = 0, EXIT_SCRIPT_FAILED = 1, EXIT_USAGE = 2 };

/* Run each script against cfg's target (one child process per script when
 * there are several) and return the exit code for the whole run: 2 if any
 * script could not be read or parsed, else 1 if any failed, else 0. */
int run_scripts(struct config *cfg, int count, char **paths);

#endif
