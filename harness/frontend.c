/* From a script file to a checked syntax tree: read, preprocess, parse,
 * apply the script's options, check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_build.h"
#include "frontend_internal.h"
#include "define_script.h"
#include "options.h"
#include "parser.h"
#include "lexer.h"

/* Scripts are small; a cap keeps a stray huge file from eating memory. */
#define MAX_SCRIPT_BYTES (256u << 20)

void diag_print(const struct diag *d, FILE *out)
{
	if (d->line > 0)
		fprintf(out, "%s:%d:%d: %s\n", d->file, d->line, d->column, d->message);
	else
		fprintf(out, "%s: %s\n", d->file, d->message);
}

static void diag_set(struct diag *err, const char *file, int line, int col, const char *msg)
{
	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = col;
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

struct script *script_parse_text(const char *name, const char *text, size_t len,
				 const struct config *cfg, struct diag *err)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	size_t plen;
	struct col_map cols = { 0 };
	char *pre = preprocess_script(name, text, len, cfg, &plen, &cols, err);
	if (!pre) {
		col_map_free(&cols);
		return NULL;
	}

	struct parse_ctx ctx = { 0 };
	ctx.script = script_new(name);
	ctx.err = err;
	ctx.line = 1;
	ctx.col = 1;
	ctx.cols = &cols;
	yyscan_t scanner;
	if (vw_yylex_init_extra(&ctx, &scanner)) {
		free(pre);
		col_map_free(&cols);
		script_free(ctx.script);
		diag_set(err, name, 0, 0, "cannot start the scanner");
		return NULL;
	}
	YY_BUFFER_STATE buf = vw_yy_scan_bytes(pre, (int)plen, scanner);
	int rc = yyparse(scanner, &ctx);
	vw_yy_delete_buffer(buf, scanner);
	vw_yylex_destroy(scanner);
	free(pre);
	col_map_free(&cols);
	free(ctx.buf);
	if (rc != 0 || ctx.failed) {
		if (!ctx.failed)
			diag_set(err, name, ctx.line, col_map_orig(&cols, ctx.line, ctx.col), rc == 2 ? "script too deeply nested" : "syntax error");
		snprintf(err->file, sizeof(err->file), "%s", name);
		script_free(ctx.script);
		return NULL;
	}
	return ctx.script;
}

static char *read_file(const char *path, size_t *len, struct diag *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_set(err, path, 0, 0, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *data = malloc(cap);
	if (!data)
		abort();
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_SCRIPT_BYTES) {
				fclose(f);
				free(data);
				diag_set(err, path, 0, 0, "script too large");
				return NULL;
			}
			cap *= 2;
			char *d = realloc(data, cap);
			if (!d)
				abort();
			data = d;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		diag_set(err, path, 0, 0, "read error");
		return NULL;
	}
	*len = n;
	return data;
}

/* A script's --name=value lines, through the command line's table. */
static bool apply_script_options(const struct script *s, struct config *cfg, struct diag *err)
{
	for (size_t i = 0; i < s->option_count; i++) {
		const struct script_option *o = &s->options[i];
		if (!strcmp(o->name, "define"))
			continue; /* applied before parsing, see define_script.c */
		char msg[400];
		if (!options_apply_named(cfg, o->name, o->value, msg, sizeof(msg))) {
			diag_set(err, s->path, o->pos.line, o->pos.column, msg);
			return false;
		}
	}
	config_finish(cfg);
	char msg[400];
	if (!options_check_config(cfg, msg, sizeof(msg))) {
		int line = s->option_count ? s->options[0].pos.line : 0;
		int col = s->option_count ? s->options[0].pos.column : 0;
		diag_set(err, s->path, line, col, msg);
		return false;
	}
	return true;
}

struct script *script_load(const char *path, struct config *cfg, struct diag *err)
{
	memset(err, 0, sizeof(*err));
	size_t len;
	char *text = read_file(path, &len, err);
	if (!text)
		return NULL;
	if (!script_defines_apply(path, text, len, cfg, err)) {
		free(text);
		return NULL;
	}
	struct script *s = script_parse_text(path, text, len, cfg, err);
	free(text);
	if (!s)
		return NULL;
	if (!apply_script_options(s, cfg, err) || script_check(s, cfg, err) != 0) {
		script_free(s);
		return NULL;
	}
	return s;
}
