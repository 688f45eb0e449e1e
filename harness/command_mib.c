/* See command_mib.h. /proc/net/netstat's layout: for each group, a line
 * of names and a line of values, each starting with "Group:". */
#include "command_mib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB_MAX 256

static int write_text(const char *dir, const char *file, const char *text, size_t len)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	if (len)
		fwrite(text, 1, len, f);
	return fclose(f);
}

/* One group's two lines from the counters of that group, in order. */
static void write_group(FILE *f, struct target *t, const char *group)
{
	const char *g, *name;
	uint64_t v;
	fprintf(f, "%s:", group);
	for (size_t i = 0; i < MIB_MAX && t->mib(t->ifc.userdata, i, &g, &name, &v) == 0; i++)
		if (!strcmp(g, group))
			fprintf(f, " %s", name);
	fprintf(f, "\n%s:", group);
	for (size_t i = 0; i < MIB_MAX && t->mib(t->ifc.userdata, i, &g, &name, &v) == 0; i++)
		if (!strcmp(g, group))
			fprintf(f, " %llu", (unsigned long long)v);
	fputc('\n', f);
}

int command_mib_prepare(struct target *t, const char *dir, const char *history, size_t len)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/netstat", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	/* the groups, each once, in the order the target lists them */
	const char *groups[MIB_MAX];
	size_t n = 0;
	const char *g, *name;
	uint64_t v;
	for (size_t i = 0; i < MIB_MAX && t->mib(t->ifc.userdata, i, &g, &name, &v) == 0; i++) {
		size_t k = 0;
		while (k < n && strcmp(groups[k], g))
			k++;
		if (k == n)
			groups[n++] = g;
	}
	for (size_t k = 0; k < n; k++)
		write_group(f, t, groups[k]);
	if (fclose(f))
		return -1;
	if (write_text(dir, "snmp", "", 0) || write_text(dir, "snmp6", "", 0))
		return -1;
	return len ? write_text(dir, "nstat-history", history, len) : 0;
}

void command_mib_env(const char *dir)
{
	static const struct { const char *var, *file; } files[] = {
		{ "PROC_NET_NETSTAT", "netstat" }, { "PROC_NET_SNMP", "snmp" },
		{ "PROC_NET_SNMP6", "snmp6" }, { "NSTAT_HISTORY", "nstat-history" },
	};
	char path[4200];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
		setenv(files[i].var, path, 1);
	}
}

size_t command_mib_history(const char *dir, char *buf)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/nstat-history", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, COMMAND_MIB_HISTORY_MAX, f);
	fclose(f);
	return n == COMMAND_MIB_HISTORY_MAX ? 0 : n; /* cut short: start afresh */
}
