/* A Python process started once per multi-script run that forks a fresh
 * interpreter for each script's %{ }% programs (speed: starting python3
 * cost ~12 ms of CPU per script with code blocks, a fork of a started one
 * ~1 ms; in the corpus, 78 of 165 scripts have code blocks). The forked
 * process runs the same driver as code_batch.c's `python3 -c`, with the
 * script's stdout, cwd and environment and the same argv, so the blocks
 * see no difference. Whenever the server cannot take a request,
 * code_batch runs python3 itself. VWIRE_CODE_SERVER=0 turns it off. */
#ifndef VWIRE_CODE_SERVER_H
#define VWIRE_CODE_SERVER_H

#include <stddef.h>

/* Starts the server (python: a path; driver: the program it runs for a
 * request, with sys.argv as `python3 -c driver LIMIT TEXT...` has it).
 * Children forked afterwards can submit to it. 0, or -1. */
int code_server_start(const char *python, const char *driver);

/* Closes this process's end; the server exits once no process has one. */
void code_server_stop(void);

/* Sends a request: the driver runs with argv LIMIT TEXT..., stdout the
 * caller's, stderr err_fd, fd 3 progress_fd. Returns a descriptor for
 * code_server_status, or -1 when the server cannot take it (then nothing
 * runs). The caller keeps its own err_fd and progress_fd. */
int code_server_submit(char *const *texts, size_t n, unsigned limit_secs, int err_fd,
		       int progress_fd);

/* Waits for the request's end: the exit status (128 + signal when killed),
 * or -1 when the server went away without saying. Closes conv. */
int code_server_status(int conv);

#endif
