/* In-script --define lines, applied before the script is parsed. */
#ifndef VWIRE_DEFINE_SCRIPT_H
#define VWIRE_DEFINE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "frontend.h"

/* Whether line is a --define=... line (after blanks, *indent of them). The
 * preprocessor leaves such lines unsubstituted, so both must agree. */
bool is_define_line(const char *line, size_t n, size_t *indent);

/* Add each --define=NAME[=VALUE] line of text to cfg (unless cfg has NAME
 * already). False with err filled on a bad define. */
bool script_defines_apply(const char *name, const char *text, size_t len, struct config *cfg,
			  struct diag *err);

#endif
