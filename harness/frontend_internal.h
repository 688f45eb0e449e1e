/* Front-end internals shared by its files (not a public contract). */
#ifndef VWIRE_FRONTEND_INTERNAL_H
#define VWIRE_FRONTEND_INTERNAL_H

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

/* The platform name #ifdef accepts besides -D names. */
#define VWIRE_PLATFORM_NAME "Linux"

#endif
