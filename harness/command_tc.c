/* See command_tc.h. */
#include "command_tc.h"
#include "command_wrapper.h"
#include "command_qdisc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHANGED ".vwire-tc-changed"
#define KIND ".vwire-tc-kind"
#define ERRORS ".vwire-tc-errors"   /* tc's own, shown unless the fq is kept */

int command_tc_prepare(const char *dir, char *bin, size_t len)
{
	char real[4096], file[4200];
	FILE *f = command_wrapper_open(dir, "tc", real, sizeof(real), bin, len, file);
	if (!f)
		return -1;
	/* A deletion ends a fq the kernel lacked; a change that worked makes
	 * the kernel's qdisc the one to read; a root fq that failed is kept
	 * (and the kernel's complaint about it dropped). */
	fprintf(f, "#!/bin/sh\n"
		   "# vwire: tun0 is the target's device; note what changes its root qdisc.\n"
		   "e='%s/" ERRORS "'\n"
		   "'%s' \"$@\" 2>\"$e\"\n"
		   "rc=$?\n"
		   "k='%s/" KIND "'\n"
		   "case \" $* \" in\n"
		   "*\" qdisc \"*\" dev tun0\"*\" root\"*)\n"
		   "\tcase \" $* \" in\n"
		   "\t*\" del \"*|*\" delete \"*) : >'%s/" CHANGED "'; rm -f \"$k\" ;;\n"
		   "\t*\" add \"*|*\" replace \"*|*\" change \"*)\n"
		   "\t\t: >'%s/" CHANGED "'\n"
		   "\t\tif [ $rc -eq 0 ]; then rm -f \"$k\"\n"
		   "\t\telse case \" $* \" in *\" root fq \"*) echo fq >\"$k\"; rc=0; : >\"$e\" ;; esac\n"
		   "\t\tfi ;;\n"
		   "\tesac ;;\n"
		   "esac\n"
		   "cat \"$e\" >&2\n"
		   "exit $rc\n", dir, real, dir, dir, dir);
	return command_wrapper_close(f, file);
}

bool command_tc_changed(const char *dir, char *kind, size_t klen)
{
	char path[4200];
	snprintf(kind, klen, "%s", "");
	snprintf(path, sizeof(path), "%s/" CHANGED, dir);
	if (access(path, F_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/" KIND, dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fgets(kind, (int)klen, f))
			kind[strcspn(kind, "\n")] = '\0';
		fclose(f);
	}
	return true;
}

struct tc_line {
	enum qdisc_verb verb;
	const char *kind; /* "" for a deletion */
	long limit;       /* -1: none given */
};

static bool is_fifo(const char *kind)
{
	return !strcmp(kind, "pfifo") || !strcmp(kind, "bfifo") ||
	       !strcmp(kind, "pfifo_head_drop");
}

static bool parse_line(int argc, char *const argv[], struct tc_line *l)
{
	static const char *const verbs[] = {
		[QDISC_ADD] = "add", [QDISC_REPLACE] = "replace",
		[QDISC_CHANGE] = "change", [QDISC_DELETE] = "delete",
	};
	if (argc < 6 || argc > 9 || strcmp(argv[0], "tc") || strcmp(argv[1], "qdisc") ||
	    strcmp(argv[3], "dev") || strcmp(argv[4], "tun0") || strcmp(argv[5], "root"))
		return false;
	int verb = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(argv[2], verbs[i]))
			verb = i;
	if (!strcmp(argv[2], "del"))
		verb = QDISC_DELETE;
	if (verb < 0)
		return false;
	l->verb = (enum qdisc_verb)verb;
	l->kind = "";
	l->limit = -1;
	if (l->verb == QDISC_DELETE)
		return argc == 6;
	if (argc != 7 && argc != 9)
		return false;
	l->kind = argv[6];
	if (argc == 7)
		return is_fifo(l->kind) || !strcmp(l->kind, "fq");
	const char *n = argv[8];
	size_t digits = strspn(n, "0123456789");
	if (!is_fifo(l->kind) || strcmp(argv[7], "limit") || !digits || digits > 9 || n[digits])
		return false;
	l->limit = atol(n);
	return true;
}

bool command_tc_in_process_form(int argc, char *const argv[])
{
	struct tc_line l;
	return parse_line(argc, argv, &l);
}

/* An empty file dir/name, as the wrapper's `: >FILE`. */
static void touch(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

int command_tc_in_process(const char *dir, int argc, char *const argv[])
{
	struct tc_line l;
	if (!parse_line(argc, argv, &l))
		return -1;
	int rc = command_qdisc_request(l.verb, l.kind, l.limit);
	char kind[4200];
	snprintf(kind, sizeof(kind), "%s/" KIND, dir);
	if (rc == 0 || l.verb == QDISC_DELETE) {
		if (rc)
			return -1; /* tc's complaint and status; it notes the change */
		touch(dir, CHANGED);
		unlink(kind);
		return 0;
	}
	if (strcmp(l.kind, "fq"))
		return -1;
	/* A root fq the kernel here cannot install is the target's all the
	 * same (as the wrapper has it). */
	touch(dir, CHANGED);
	FILE *f = fopen(kind, "w");
	if (!f)
		return -1;
	fputs("fq\n", f);
	return fclose(f) ? -1 : 0;
}
