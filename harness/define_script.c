/* A script's own --define=NAME[=VALUE] lines. Defines replace words before
 * the script is lexed, so they are read from the raw text first, top to
 * bottom as the #ifdef blocks go: a define inside a block that does not
 * count is not applied, and an #ifdef sees the defines above it. Names the
 * command line defines keep the command line's value. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "define_script.h"
#include "frontend_internal.h"
#include "options.h"

static bool defined_in_first(const struct config *cfg, size_t first, const char *def, size_t n)
{
	size_t name_len = 0;
	while (name_len < n && def[name_len] != '=')
		name_len++;
	for (size_t i = 0; i < first; i++)
		if (strlen(cfg->defines[i].name) == name_len && !memcmp(cfg->defines[i].name, def, name_len))
			return true;
	return false;
}

static const char key[] = "--define=";

bool is_define_line(const char *line, size_t n, size_t *indent)
{
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	*indent = i;
	return n - i >= sizeof(key) - 1 && !memcmp(line + i, key, sizeof(key) - 1);
}

bool script_defines_apply(const char *name, const char *text, size_t len, struct config *cfg,
			  struct diag *err)
{
	/* The defines cfg has on entry are the command line's; among the
	 * script's own, the last one wins. */
	size_t from_command_line = cfg->define_count;
	struct ifdef_tracker blocks;
	ifdef_init(&blocks);
	size_t pos = 0;
	int line_no = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		line_no++;
		int r = ifdef_line(&blocks, name, line, n, line_no, cfg, err);
		if (r < 0)
			return false;
		if (r > 0 || !blocks.active)
			continue;
		size_t i;
		if (!is_define_line(line, n, &i))
			continue;
		size_t v = i + sizeof(key) - 1, e = v;
		while (e < n && line[e] != ' ' && line[e] != '\t' && line[e] != '\r')
			e++;
		char value[256];
		if (e - v >= sizeof(value) || defined_in_first(cfg, from_command_line, line + v, e - v))
			continue; /* too long: the option check after parsing reports it */
		memcpy(value, line + v, e - v);
		value[e - v] = '\0';
		char msg[400];
		if (!options_apply_named(cfg, "define", value, msg, sizeof(msg))) {
			snprintf(err->file, sizeof(err->file), "%s", name);
			err->line = line_no;
			err->column = (int)i + 1;
			snprintf(err->message, sizeof(err->message), "%s", msg);
			return false;
		}
		/* A name new to cfg counts for #ifdef from the next line on. */
		for (size_t d = from_command_line; d < cfg->define_count; d++)
			if (cfg->defines[d].line == 0)
				cfg->defines[d].line = line_no;
	}
	return ifdef_end(&blocks, name, err);
}
