/* Columns after -D substitution, mapped back to the script's own text. */
#include <stdlib.h>

#include "define_columns.h"

void col_map_add(struct col_map *m, int line, int out_col, int out_len, int orig_col, int orig_len)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct col_shift *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			abort();
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = (struct col_shift){ line, out_col, out_len, orig_col, orig_len };
}

int col_map_orig(struct col_map *m, int line, int col)
{
	if (!m)
		return col;
	while (m->cursor < m->n && m->v[m->cursor].line < line)
		m->cursor++;
	int delta = 0;
	for (size_t i = m->cursor; i < m->n && m->v[i].line == line; i++) {
		const struct col_shift *s = &m->v[i];
		if (col < s->out_col)
			break;
		if (col < s->out_col + s->out_len)
			return s->orig_col;
		delta += s->orig_len - s->out_len;
	}
	return col + delta;
}

void col_map_free(struct col_map *m)
{
	free(m->v);
	*m = (struct col_map){ 0 };
}
