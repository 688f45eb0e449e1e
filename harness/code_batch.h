/* Runs a script's %{ }% programs in one Python process instead of one each
 * (speed: interpreter start-up was ~13 ms a block, and some corpus scripts
 * have 30 blocks). Each program still gets fresh globals, its own time
 * limit, and its own error report, as if it had been run by `python3 -c`. */
#ifndef VWIRE_CODE_BATCH_H
#define VWIRE_CODE_BATCH_H

#include <stddef.h>

/* Runs texts[0..n) in order with python (a path), stopping at the first
 * that fails. Returns 0 when all succeed; otherwise what `python3 -c` would
 * have returned for the failing one (128 + signal when killed, as by the
 * SIGALRM of a limit_secs alarm), with its index in *failed and its stderr
 * (as much as fits) in errbuf. -1 when python cannot be started. Goes
 * through the code server when this process has one (code_server.h). */
int code_batch_run(const char *python, char *const *texts, size_t n, unsigned limit_secs,
		   size_t *failed, char *errbuf, size_t errlen);

/* The program that runs texts (also the code server's, code_server.h). */
const char *code_batch_driver(void);

/* The interpreter of %{ }% programs. */
#define CODE_BATCH_PYTHON "/usr/bin/python3"

#endif
