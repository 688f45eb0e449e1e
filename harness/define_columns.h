/* Where each -D substitution sits, so that columns the scanner counts in
 * the substituted text can be reported in the script's own text. */
#ifndef VWIRE_DEFINE_COLUMNS_H
#define VWIRE_DEFINE_COLUMNS_H

#include <stddef.h>

struct col_shift {
	int line;               /* 1-based line of the substitution */
	int out_col, out_len;   /* the value's place in the substituted line */
	int orig_col, orig_len; /* the name's place in the original line */
};

struct col_map {
	struct col_shift *v;
	size_t n, cap;
	size_t cursor; /* first entry on or after the last line asked about */
};

void col_map_add(struct col_map *m, int line, int out_col, int out_len, int orig_col, int orig_len);

/* The original column of column col of the substituted line. A column
 * inside a substituted value maps to the start of the name it replaced.
 * Lines must be asked about in non-decreasing order. */
int col_map_orig(struct col_map *m, int line, int col);

void col_map_free(struct col_map *m);

#endif
