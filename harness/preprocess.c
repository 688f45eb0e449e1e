/* Defines (-D NAME=VALUE) and FreeBSD-style #ifdef blocks, applied to the
 * script text before it is lexed. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "define_script.h"
#include "frontend_internal.h"

struct text_buf {
	char *data;
	size_t len, cap;
};

static void buf_put(struct text_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			abort();
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void set_error(struct diag *err, const char *name, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set_error(struct diag *err, const char *name, int line, int col, const char *fmt, ...)
{
	snprintf(err->file, sizeof(err->file), "%s", name);
	err->line = line;
	err->column = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static bool is_word_start(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_word_char(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9');
}

static const struct define *find_define(const struct config *cfg, const char *s, size_t n)
{
	if (!cfg)
		return NULL;
	for (size_t i = 0; i < cfg->define_count; i++)
		if (strlen(cfg->defines[i].name) == n && !memcmp(cfg->defines[i].name, s, n))
			return &cfg->defines[i];
	return NULL;
}

/* Whether NAME counts at line_no: the platform's name, a command-line
 * define, or a script --define written on an earlier line. */
static bool name_is_defined(const struct config *cfg, const char *s, size_t n, int line_no)
{
	if (n == strlen(VWIRE_PLATFORM_NAME) && !memcmp(s, VWIRE_PLATFORM_NAME, n))
		return true;
	const struct define *d = find_define(cfg, s, n);
	return d && d->line < line_no;
}

/* Copy one line, replacing defined words by their values. */
static void put_substituted(struct text_buf *out, const char *s, size_t n, const struct config *cfg,
			    int line_no, struct col_map *map)
{
	if (!cfg || cfg->define_count == 0) {
		buf_put(out, s, n);
		return;
	}
	size_t i = 0, copied = 0, line_start = out->len;
	while (i < n) {
		if (!is_word_char(s[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && is_word_char(s[i]))
			i++;
		if (!is_word_start(s[start]))
			continue;
		const struct define *d = find_define(cfg, s + start, i - start);
		if (d) {
			buf_put(out, s + copied, start - copied);
			size_t vlen = strlen(d->value);
			if (map)
				col_map_add(map, line_no, (int)(out->len - line_start) + 1, (int)vlen,
					    (int)start + 1, (int)(i - start));
			buf_put(out, d->value, vlen);
			copied = i;
		}
	}
	buf_put(out, s + copied, n - copied);
}

/* The directive on a line, if any: returns its keyword length and sets
 * arg and arg_len to the rest (trimmed). */
static size_t directive(const char *line, size_t n, const char **kw, const char **arg, size_t *arg_len)
{
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= n || line[i] != '#')
		return 0;
	size_t k = i + 1;
	while (k < n && is_word_char(line[k]))
		k++;
	*kw = line + i + 1;
	size_t a = k;
	while (a < n && (line[a] == ' ' || line[a] == '\t'))
		a++;
	size_t e = n;
	while (e > a && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
		e--;
	*arg = line + a;
	*arg_len = e - a;
	return k - i - 1;
}

static bool kw_is(const char *kw, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(kw, want, n);
}

void ifdef_init(struct ifdef_tracker *t)
{
	memset(t, 0, sizeof(*t));
	t->active = true;
}

int ifdef_line(struct ifdef_tracker *t, const char *name, const char *line, size_t n, int line_no,
	       const struct config *cfg, struct diag *err)
{
	const char *kw, *arg;
	size_t arg_len, kw_len = directive(line, n, &kw, &arg, &arg_len);
	if (!kw_len)
		return 0;
	int col = (int)(kw - line); /* column of '#' (1-based) */
	if (kw_is(kw, kw_len, "ifdef") || kw_is(kw, kw_len, "ifndef")) {
		if (t->depth == IFDEF_MAX_DEPTH) {
			set_error(err, name, line_no, col, "#ifdef blocks nested too deeply");
			return -1;
		}
		size_t w = 0;
		while (w < arg_len && is_word_char(arg[w]))
			w++;
		if (w == 0 || w != arg_len || !is_word_start(arg[0])) {
			set_error(err, name, line_no, col, "expected one name after #%.*s", (int)kw_len, kw);
			return -1;
		}
		bool cond = name_is_defined(cfg, arg, w, line_no);
		if (kw_is(kw, kw_len, "ifndef"))
			cond = !cond;
		t->stack[t->depth].taken = cond;
		t->stack[t->depth].parent_active = t->active;
		t->stack[t->depth].in_else = false;
		t->stack[t->depth].line = line_no;
		t->stack[t->depth].col = col;
		t->depth++;
		t->active = t->active && cond;
	} else if (kw_is(kw, kw_len, "else")) {
		if (t->depth == 0 || t->stack[t->depth - 1].in_else) {
			set_error(err, name, line_no, col, t->depth ? "second #else in one #ifdef block" : "#else without #ifdef");
			return -1;
		}
		t->stack[t->depth - 1].in_else = true;
		t->active = t->stack[t->depth - 1].parent_active && !t->stack[t->depth - 1].taken;
	} else if (kw_is(kw, kw_len, "endif")) {
		if (t->depth == 0) {
			set_error(err, name, line_no, col, "#endif without #ifdef");
			return -1;
		}
		t->depth--;
		t->active = t->stack[t->depth].parent_active;
	} else if (kw_is(kw, kw_len, "if") || kw_is(kw, kw_len, "elif") || kw_is(kw, kw_len, "define") ||
		   kw_is(kw, kw_len, "undef") || kw_is(kw, kw_len, "include")) {
		set_error(err, name, line_no, col, "unsupported directive '#%.*s' (vwire knows #ifdef, #ifndef, #else, #endif)",
			  (int)kw_len, kw);
		return -1;
	} else {
		return 0; /* not a directive vwire knows of: the lexer decides */
	}
	return 1;
}

bool ifdef_end(const struct ifdef_tracker *t, const char *name, struct diag *err)
{
	if (t->depth == 0)
		return true;
	set_error(err, name, t->stack[t->depth - 1].line, t->stack[t->depth - 1].col, "#ifdef without #endif");
	return false;
}

char *preprocess_script(const char *name, const char *text, size_t len,
			const struct config *cfg, size_t *out_len, struct col_map *map, struct diag *err)
{
	struct text_buf out = { 0 };
	buf_put(&out, "", 0);
	struct ifdef_tracker blocks;
	ifdef_init(&blocks);
	int line_no = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		line_no++;
		int r = ifdef_line(&blocks, name, line, n, line_no, cfg, err);
		if (r < 0)
			goto fail;
		if (r == 0 && blocks.active) {
			size_t indent;
			if (is_define_line(line, n, &indent))
				buf_put(&out, line, n); /* its own name stays a name */
			else
				put_substituted(&out, line, n, cfg, line_no, map);
		}
		if (nl)
			buf_put(&out, "\n", 1);
	}
	if (!ifdef_end(&blocks, name, err))
		goto fail;
	*out_len = out.len;
	return out.data;
fail:
	free(out.data);
	return NULL;
}
