/* In-script --define lines, applied before the script is parsed. */
#ifndef VWIRE_DEFINE_SCRIPT_H
#define VWIRE_DEFINE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "frontend.h"

/* Add each --define=NAME[=VALUE] line of text to cfg (unless cfg has NAME
 * already). False with err filled on a bad define. */
bool script_defines_apply(const char *name, const char *text, size_t len, struct config *cfg,
			  struct diag *err);

#endif
