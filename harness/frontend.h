/* The front end: from a script file to a checked syntax tree. */
#ifndef VWIRE_FRONTEND_H
#define VWIRE_FRONTEND_H

#include "ast.h"
#include <stdio.h>

#include "config.h"

/* A front-end error: where, and what was expected. */
struct diag {
	char file[512];
	int line, column;
	char message[512];
};

/* Print as "file:line:column: message" on one line. */
void diag_print(const struct diag *d, FILE *out);

/* Read a script, apply -D defines and #ifdef blocks, parse it, apply its
 * --options to *cfg (command-line values set by the user win, as in
 * packetdrill they are applied after), and run the semantic checks.
 * Returns NULL with *err filled on the first error. */
struct script *script_load(const char *path, struct config *cfg,
			   struct diag *err);

/* Parse text already in memory (for tests and the fuzzer): no file, no
 * checks of option values against a config. */
struct script *script_parse_text(const char *name, const char *text,
				 size_t len, const struct config *cfg,
				 struct diag *err);

/* Semantic checks (resolve constants, call names, errno names, times). */
int script_check(struct script *s, const struct config *cfg,
		 struct diag *err);

/* Write a tree back as script text that parses to the same tree. */
void script_print(const struct script *s, FILE *out);

#endif
