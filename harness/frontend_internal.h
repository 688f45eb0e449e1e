/* Front-end internals shared by its files (not a public contract). */
#ifndef VWIRE_FRONTEND_INTERNAL_H
#define VWIRE_FRONTEND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "define_columns.h"
#include "frontend.h"

/* Apply #ifdef/#ifndef/#else/#endif blocks (lines outside the taken
 * branches become empty, so line numbers stay) and replace each -D NAME
 * written as a whole word by its value. cfg may be NULL (no defines).
 * Each substitution is recorded in map (if not NULL) so columns can be
 * reported in the original text.
 * Returns a malloc'ed NUL-terminated text, or NULL with err filled. */
char *preprocess_script(const char *name, const char *text, size_t len,
			const struct config *cfg, size_t *out_len, struct col_map *map,
			struct diag *err);

/* FreeBSD-style #ifdef/#ifndef/#else/#endif blocks, read one line at a
 * time. A name counts when it is the platform's, a command-line define,
 * or a script --define on an earlier line (define->line < the #ifdef's). */
#define IFDEF_MAX_DEPTH 64
struct ifdef_tracker {
	struct { bool taken, parent_active, in_else; int line, col; } stack[IFDEF_MAX_DEPTH];
	int depth;
	bool active; /* whether ordinary lines at this point count */
};
void ifdef_init(struct ifdef_tracker *t);
/* 1: the line is a block directive (handled); 0: an ordinary line;
 * -1: a bad directive, err filled. */
int ifdef_line(struct ifdef_tracker *t, const char *name, const char *line, size_t n, int line_no,
	       const struct config *cfg, struct diag *err);
/* False with err filled when a block is still open at the end. */
bool ifdef_end(const struct ifdef_tracker *t, const char *name, struct diag *err);

/* The platform name #ifdef accepts besides -D names. */
#define VWIRE_PLATFORM_NAME "Linux"

#endif
