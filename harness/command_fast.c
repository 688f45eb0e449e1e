/* See command_fast.h. The script is accepted only when every line is one
 * whose meaning needs no shell state (no variables, quoting tricks, control
 * flow, builtins that change the shell), so that running the plain lines in
 * separate /bin/sh processes, in order, does what one shell would do; and
 * a sysctl line is done in-process only when each key names an existing
 * regular file, the only case in which procps sysctl -q prints nothing and
 * just stats, opens with O_WRONLY|O_TRUNC, writes "value\n" and closes.
 * Anything else falls back to the real programs. */
#include "command_fast.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAST_MAX_SCRIPT (64 * 1024)
#define FAST_MAX_LINES 512
#define FAST_MAX_WORDS 32

enum line_kind { LINE_SKIP, LINE_EXIT, LINE_SYSCTL, LINE_SHELL, LINE_SCRIPT };

#define FAST_MAX_DEPTH 4

struct script_line;
struct script {
	char *text; /* owns the lines' text */
	struct script_line *lines;
	int n;
};

struct script_line {
	enum line_kind kind;
	char *text;       /* the line as written (for LINE_SHELL and fallbacks) */
	int exit_status;  /* LINE_EXIT: -1 for a bare `exit` */
	bool ends;        /* `exec CMD`: the script ends with CMD's status */
	int nargs;        /* LINE_SYSCTL: key=value words, unquoted */
	char *args[FAST_MAX_WORDS];
	struct script *sub; /* LINE_SCRIPT: `/bin/sh FILE`, FILE's lines */
};

static struct script *parse_script(char *text, bool procps, int depth);

/* Characters that mean the same to sh inside and outside a word. */
static bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_./:=,+@%-", c) != NULL;
}

/* Output redirections a plain line may end with. */
static const char *const redirections[] = {
	" > /dev/null 2>&1", " >/dev/null 2>&1", " > /dev/null", " >/dev/null",
	" 2>&1", " 2> /dev/null", " 2>/dev/null",
};

/* Length of the line without a trailing redirection. */
static size_t strip_redirection(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(redirections) / sizeof(redirections[0]); i++) {
		size_t n = strlen(redirections[i]);
		if (len > n && memcmp(line + len - n, redirections[i], n) == 0)
			return len - n;
	}
	return len;
}

/* Splits into words, removing double quotes around runs of characters that
 * are literal inside them. Returns the word count, or -1 for anything sh
 * would read differently (a variable, a backslash, a glob, a ';'...). The
 * words are written into buf, which must hold len + FAST_MAX_WORDS bytes. */
static int split_words(const char *line, size_t len, char *buf, char **words)
{
	int n = 0;
	size_t i = 0;
	char *out = buf;
	while (i < len) {
		if (line[i] == ' ' || line[i] == '\t') {
			i++;
			continue;
		}
		if (n == FAST_MAX_WORDS)
			return -1;
		words[n++] = out;
		while (i < len && line[i] != ' ' && line[i] != '\t') {
			if (line[i] == '"') {
				for (i++; i < len && line[i] != '"'; i++) {
					if (strchr("$`\\!", line[i]) || line[i] == '\n' ||
					    (unsigned char)line[i] < ' ')
						return -1;
					*out++ = line[i];
				}
				if (i == len)
					return -1;
				i++;
			} else if (plain_char(line[i])) {
				*out++ = line[i++];
			} else {
				return -1;
			}
		}
		*out++ = '\0';
	}
	return n;
}

/* Builtins that change the shell's own state: a line starting with one
 * would not mean the same in a shell of its own. */
static bool stateful_builtin(const char *w)
{
	static const char *const names[] = {
		"cd", "export", "set", "unset", "alias", "unalias", "read", "shift", "eval",
		"exec", "trap", "umask", "ulimit", "readonly", "local", "getopts", "hash",
		"wait", "command", "type", "times", "return", "break", "continue", "source",
		".", "fc", "jobs", "fg", "bg", "if", "then", "else", "elif", "fi", "while",
		"until", "for", "do", "done", "case", "esac", "function", "select",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i]) == 0)
			return true;
	return false;
}

/* The executable sh would run for a command word, into path; false when
 * there is none (sh would then print its own "not found"). */
static bool find_program(const char *word, char *path, size_t len)
{
	if (strchr(word, '/')) {
		snprintf(path, len, "%s", word);
		return access(path, X_OK) == 0;
	}
	const char *dirs = getenv("PATH");
	if (!dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		int w = snprintf(path, len, "%.*s/%s", (int)n, n ? dirs : ".", word);
		struct stat st;
		if (w > 0 && (size_t)w < len && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			return true;
		dirs += n + (dirs[n] == ':');
	}
	return false;
}

/* True when `sysctl` on PATH is procps' (whose behaviour the shortcut
 * reproduces), not a wrapper of someone's. */
static bool sysctl_is_procps(void)
{
	char path[4096], real[4096];
	if (!find_program("sysctl", path, sizeof(path)) || !realpath(path, real))
		return false;
	return strcmp(real, "/usr/sbin/sysctl") == 0 || strcmp(real, "/sbin/sysctl") == 0;
}

/* net.a.b=value with a key of plain dotted names under net. */
static bool sysctl_assignment(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w || !eq[1] || strncmp(w, "net.", 4) != 0)
		return false;
	bool dot = true;
	for (const char *p = w; p < eq; p++) {
		if (*p == '.') {
			if (dot)
				return false;
			dot = true;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			   *p == '-' || (*p >= 'A' && *p <= 'Z')) {
			dot = false;
		} else {
			return false;
		}
	}
	if (dot || strchr(eq + 1, '\t'))
		return false;
	return true;
}

/* Classifies one line; false when the script cannot take the shortcut. */
static struct script *nested_script(const char *line, bool procps, int depth);

static bool classify(struct script_line *l, char *line, bool procps, int depth)
{
	size_t len = strlen(line);
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	size_t lead = strspn(line, " \t");
	l->text = line;
	if (lead == len || line[lead] == '#') {
		l->kind = LINE_SKIP;
		return true;
	}
	if ((l->sub = nested_script(line + lead, procps, depth))) {
		l->kind = LINE_SCRIPT;
		return true;
	}
	char *buf = malloc(len + FAST_MAX_WORDS + 1);
	char *words[FAST_MAX_WORDS];
	if (!buf)
		return false;
	size_t body = strip_redirection(line, len);
	int n = split_words(line + lead, body - lead, buf, words);
	if (n > 0 && strcmp(words[0], "exit") == 0 && body == len && n <= 2) {
		l->kind = LINE_EXIT;
		l->exit_status = -1;
		if (n == 2) {
			size_t d = strlen(words[1]);
			if (d == 0 || d > 3 || strspn(words[1], "0123456789") != d ||
			    atoi(words[1]) > 255) {
				free(buf);
				return false;
			}
			l->exit_status = atoi(words[1]);
		}
		free(buf);
		return true;
	}
	/* `exec CMD ARGS`: CMD runs and its status ends the script, which is
	 * what running it and then exiting does (lines after it never run). */
	if (n >= 2 && strcmp(words[0], "exec") == 0 && body == len) {
		l->ends = true;
		memmove(&words[0], &words[1], (size_t)(n - 1) * sizeof(words[0]));
		n--;
	}
	if (n <= 0 || stateful_builtin(words[0]) || strchr(words[0], '=')) {
		free(buf);
		return false;
	}
	char path[4096];
	if (!find_program(words[0], path, sizeof(path))) {
		free(buf);
		return false;
	}
	l->kind = LINE_SHELL;
	if (procps && n >= 3 && strcmp(words[0], "sysctl") == 0 && strcmp(words[1], "-q") == 0) {
		bool all = true;
		for (int i = 2; i < n; i++)
			all = all && sysctl_assignment(words[i]);
		if (all) {
			l->kind = LINE_SYSCTL;
			l->nargs = n - 2;
			for (int i = 2; i < n; i++)
				l->args[i - 2] = strdup(words[i]);
		}
	}
	free(buf);
	return true;
}

/* Runs lines through one /bin/sh -c; its exit status as sh reports one. */
static int run_shell(const char *text)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 126;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", text, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 126;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void key_path(const char *arg, char *path, size_t len)
{
	size_t k = (size_t)(strchr(arg, '=') - arg);
	snprintf(path, len, "/proc/sys/%.*s", (int)k, arg);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
}

/* Does the line's writes as procps sysctl -q would; false (nothing or
 * only identical rewrites done) when one key is not a plain file, so the
 * caller runs the real sysctl instead. */
static bool sysctl_in_process(const struct script_line *l)
{
	char path[4096];
	struct stat st;
	for (int i = 0; i < l->nargs; i++) {
		key_path(l->args[i], path, sizeof(path));
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			return false;
	}
	for (int i = 0; i < l->nargs; i++) {
		key_path(l->args[i], path, sizeof(path));
		const char *value = strchr(l->args[i], '=') + 1;
		size_t n = strlen(value);
		char *text = malloc(n + 2);
		if (!text)
			return false;
		memcpy(text, value, n);
		text[n] = '\n';
		int fd = open(path, O_WRONLY | O_TRUNC);
		ssize_t w = fd >= 0 ? write(fd, text, n + 1) : -1;
		free(text);
		if (fd >= 0 && close(fd) == 0 && w == (ssize_t)(n + 1))
			continue;
		return false; /* rerunning the line rewrites the same bytes */
	}
	return true;
}

/* True when the `sh` a PATH search finds is /bin/sh itself, so that
 * `sh FILE` reads FILE with the same shell as `/bin/sh FILE`. */
static bool sh_is_bin_sh(void)
{
	static int known = -1;
	if (known < 0) {
		char path[4096], real[4096], bin[4096];
		known = find_program("sh", path, sizeof(path)) && realpath(path, real) &&
			realpath("/bin/sh", bin) && strcmp(real, bin) == 0;
	}
	return known;
}

/* "/bin/sh FILE" or "sh FILE" (what command.c makes of a non-executable script) or an
 * executable FILE starting with "#!/bin/sh": the script FILE, else NULL. */
static char *script_file(const char *line)
{
	const char *p = line;
	bool via_sh = strncmp(p, "/bin/sh ", 8) == 0;
	if (via_sh)
		p += 8 + strspn(p + 8, " \t");
	else if (strncmp(p, "sh ", 3) == 0 && sh_is_bin_sh())
		p += 3 + strspn(p + 3, " \t"), via_sh = true;
	else if (!strchr(p, '/'))
		return NULL;
	size_t n = strlen(p);
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!plain_char(p[i]))
			return NULL;
	char *file = strndup(p, n);
	if (file && !via_sh) {
		/* Executed directly: only a /bin/sh script is the same thing. */
		char head[16] = "";
		FILE *f = access(file, X_OK) == 0 ? fopen(file, "r") : NULL;
		if (f) {
			if (!fgets(head, sizeof(head), f))
				head[0] = '\0';
			fclose(f);
		}
		if (strcmp(head, "#!/bin/sh\n") != 0) {
			free(file);
			return NULL;
		}
	}
	return file;
}

static char *read_script(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return NULL;
	char *text = malloc(FAST_MAX_SCRIPT + 1);
	size_t n = text ? fread(text, 1, FAST_MAX_SCRIPT + 1, f) : 0;
	fclose(f);
	if (!text || n > FAST_MAX_SCRIPT || memchr(text, '\0', n)) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static void free_script(struct script *sc)
{
	if (!sc)
		return;
	for (int i = 0; i < sc->n; i++) {
		struct script_line *l = &sc->lines[i];
		if (l->kind == LINE_SYSCTL)
			for (int a = 0; a < l->nargs; a++)
				free(l->args[a]);
		free_script(l->sub);
	}
	free(sc->lines);
	free(sc->text);
	free(sc);
}

static struct script *nested_script(const char *line, bool procps, int depth)
{
	if (depth >= FAST_MAX_DEPTH)
		return NULL;
	char *file = script_file(line);
	char *text = file ? read_script(file) : NULL;
	free(file);
	return text ? parse_script(text, procps, depth + 1) : NULL;
}

/* Takes text; NULL when one line is not of the kinds above. A line ending
 * in a backslash goes on with the next (sh drops backslash-newline), but
 * not in a comment, where sh keeps it. */
static struct script *parse_script(char *text, bool procps, int depth)
{
	struct script *sc = calloc(1, sizeof(*sc));
	if (sc)
		sc->lines = calloc(FAST_MAX_LINES, sizeof(*sc->lines));
	if (!sc || !sc->lines) {
		free(sc);
		free(text);
		return NULL;
	}
	sc->text = text;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len;
		while ((len = strlen(line)) && line[len - 1] == '\\' && next) {
			if (line[strspn(line, " \t")] == '#')
				goto reject;
			/* Join in place: the next line follows the backslash. */
			char *after = strchr(next, '\n');
			size_t m = after ? (size_t)(after - next) : strlen(next);
			memmove(line + len - 1, next, m);
			line[len - 1 + m] = '\0';
			next = after ? after + 1 : NULL;
		}
		if (len && line[len - 1] == '\\')
			goto reject;
		if (sc->n == FAST_MAX_LINES ||
		    !classify(&sc->lines[sc->n++], line, procps, depth))
			goto reject;
	}
	return sc;
reject:
	free_script(sc);
	return NULL;
}

/* Runs what has gathered in the pending shell text; the status of its
 * last line, or last when there is none. */
static int flush_shell(FILE **pending, char **text, size_t *len, int last)
{
	if (!*pending)
		return last;
	fclose(*pending);
	*pending = NULL;
	int status = run_shell(*text);
	free(*text);
	*text = NULL;
	*len = 0;
	return status;
}

/* The status of the script, as sh would end it. */
static int execute(const struct script *sc)
{
	int status = 0;
	FILE *pending = NULL;
	char *text = NULL;
	size_t len = 0;
	for (int i = 0; i < sc->n; i++) {
		const struct script_line *l = &sc->lines[i];
		if (l->kind == LINE_SKIP)
			continue;
		if (l->kind == LINE_EXIT) {
			status = flush_shell(&pending, &text, &len, status);
			return l->exit_status >= 0 ? l->exit_status : status;
		}
		if (l->kind == LINE_SCRIPT) {
			status = flush_shell(&pending, &text, &len, status);
			status = execute(l->sub);
			continue;
		}
		if (l->kind == LINE_SYSCTL) {
			status = flush_shell(&pending, &text, &len, status);
			if (sysctl_in_process(l)) {
				status = 0;
				if (l->ends)
					return status;
				continue;
			}
		}
		if (!pending && !(pending = open_memstream(&text, &len)))
			return 126;
		fprintf(pending, "%s\n", l->text);
		if (l->ends)
			return flush_shell(&pending, &text, &len, status);
	}
	return flush_shell(&pending, &text, &len, status);
}

int command_fast_run(const char *cmd)
{
	const char *off = getenv("VWIRE_COMMAND_FAST");
	if (off && strcmp(off, "0") == 0)
		return -1;
	char *text = strdup(cmd);
	if (!text)
		return -1;
	struct script *sc = parse_script(text, sysctl_is_procps(), 0);
	if (!sc)
		return -1;
	int status = execute(sc);
	free_script(sc);
	return status;
}
