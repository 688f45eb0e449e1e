/* See command_fast.h. The script is accepted only when every line is one
 * whose meaning needs no shell state (no variables but $PPID, quoting
 * tricks, control flow, builtins that change the shell), so that running
 * the plain lines in separate /bin/sh processes, in order, does what one
 * shell would do; and a sysctl line is done in-process only when each key
 * names an existing regular file, the only case in which procps sysctl -q
 * prints nothing and just stats, opens with O_WRONLY|O_TRUNC, writes
 * "value\n" and closes. `echo ARGS > FILE`, the plain `tc qdisc` lines on
 * tun0 and `ip tcp_metrics flush all` are done in-process too when they
 * succeed. Anything else falls back to the real programs. */
#include "command_fast.h"
#include "command_metrics.h"
#include "command_tc.h"

#include <ctype.h>
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

/* LINE_TC, LINE_METRICS, LINE_ECHO: a line that vwire first tries
 * itself, else runs as written. */
enum line_kind { LINE_SKIP, LINE_EXIT, LINE_SYSCTL, LINE_SHELL, LINE_SCRIPT, LINE_TC,
		 LINE_METRICS, LINE_ECHO };

/* What a plain line's trailing redirection does (redirections[] order). */
enum redirect { REDIR_NONE, REDIR_ALL_NULL, REDIR_OUT_NULL, REDIR_ERR_TO_OUT, REDIR_ERR_NULL };

#define FAST_MAX_DEPTH 4

struct script_line;
struct script {
	char *text; /* owns the lines' text */
	struct script_line *lines;
	int n;
	char *file; /* a nested script: its file, and the text read at parse */
	char *read;
};

struct script_line {
	enum line_kind kind;
	char *text;       /* the line as written (for LINE_SHELL and fallbacks) */
	int exit_status;  /* LINE_EXIT: -1 for a bare `exit` */
	bool ends;        /* `exec CMD`: the script ends with CMD's status */
	int nargs;        /* LINE_SYSCTL: key=value words; LINE_SHELL: argv */
	char *args[FAST_MAX_WORDS + 1];
	char *program;    /* LINE_SHELL: the file sh would exec for args[0] */
	enum redirect redirect; /* LINE_SHELL: its trailing redirection */
	struct script *sub; /* LINE_SCRIPT: `/bin/sh FILE`, FILE's lines */
	char *file;       /* LINE_ECHO: the file of its `> FILE` */
};

static struct script *parse_script(char *text, bool procps, int depth);
static int execute(const struct script *sc);

/* The run's device hooks (this is the command's own process: one run). */
static const struct command_fast_device *device;
static bool children_ready;

/* Before the first child process: the wrappers (command_fast_device). */
static void ready_children(void)
{
	if (children_ready)
		return;
	children_ready = true;
	if (device && device->before_child)
		device->before_child(device->arg);
}

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

static const enum redirect redirect_of[] = {
	REDIR_ALL_NULL, REDIR_ALL_NULL, REDIR_OUT_NULL, REDIR_OUT_NULL,
	REDIR_ERR_TO_OUT, REDIR_ERR_NULL, REDIR_ERR_NULL,
};

/* Length of the line without a trailing redirection, whose kind goes to
 * *kind. */
static size_t strip_redirection(const char *line, size_t len, enum redirect *kind)
{
	*kind = REDIR_NONE;
	for (size_t i = 0; i < sizeof(redirections) / sizeof(redirections[0]); i++) {
		size_t n = strlen(redirections[i]);
		if (len > n && memcmp(line + len - n, redirections[i], n) == 0) {
			*kind = redirect_of[i];
			return len - n;
		}
	}
	return len;
}

/* Where a comment starts: a '#' beginning a word outside double quotes
 * (sh ignores the rest of the line); len when there is none, or when a
 * single quote or backslash comes first (split_words refuses those). */
static size_t comment_start(const char *line, size_t len)
{
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == '\'' || line[i] == '\\')
			return len;
		else if (line[i] == '#' && !quoted && i > 0 &&
			 (line[i - 1] == ' ' || line[i - 1] == '\t'))
			return i;
	}
	return len;
}

/* A trailing `> FILE` (or `>FILE`), FILE of plain characters: the offset
 * of its '>', where the line's words end; 0 when there is none. */
static size_t file_redirection(const char *line, size_t len)
{
	size_t i = len;
	while (i > 0 && plain_char(line[i - 1]))
		i--;
	if (i == len)
		return 0;
	while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		i--;
	if (i < 2 || line[i - 1] != '>' || (line[i - 2] != ' ' && line[i - 2] != '\t'))
		return 0;
	return i - 1;
}

/* $PPID or ${PPID} at line (sh's parent: this process's, since sh would
 * be this process): its length, the value into out; 0 if neither. */
static size_t ppid_at(const char *line, size_t len, char *out, size_t *outlen)
{
	size_t n = 0;
	if (len >= 7 && memcmp(line, "${PPID}", 7) == 0)
		n = 7;
	else if (len >= 5 && memcmp(line, "$PPID", 5) == 0 &&
		 (len == 5 || !(isalnum((unsigned char)line[5]) || line[5] == '_')))
		n = 5; /* else a longer name: another variable */
	if (n)
		*outlen = (size_t)snprintf(out, 16, "%d", (int)getppid());
	return n;
}

/* Splits into words, removing double quotes around runs of characters that
 * are literal inside them, and with ppid (*expanded then set) $PPID
 * expanded. Returns the word count, or -1 for anything sh would read
 * differently (another variable, a backslash, a glob, a ';'...). The
 * words are written into buf, which must hold 2 * len + FAST_MAX_WORDS +
 * 16 bytes. */
static int split_words(const char *line, size_t len, char *buf, char **words, bool ppid,
		       bool *expanded)
{
	*expanded = false;
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
			char pid[16];
			size_t pidlen, skip;
			if (line[i] == '"') {
				for (i++; i < len && line[i] != '"'; i++) {
					if (ppid && (skip = ppid_at(line + i, len - i, pid, &pidlen))) {
						*expanded = true;
						memcpy(out, pid, pidlen);
						out += pidlen;
						i += skip - 1;
						continue;
					}
					if (strchr("$`\\!", line[i]) || line[i] == '\n' ||
					    (unsigned char)line[i] < ' ')
						return -1;
					*out++ = line[i];
				}
				if (i == len)
					return -1;
				i++;
			} else if (ppid && (skip = ppid_at(line + i, len - i, pid, &pidlen))) {
				*expanded = true;
				memcpy(out, pid, pidlen);
				out += pidlen;
				i += skip;
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

/* dash's builtins that stateful_builtin lets through: sh runs these
 * itself, not the file of that name on PATH (whose behaviour differs, as
 * /bin/pwd's with symbolic links, /bin/echo's with backslashes). */
static bool shell_builtin(const char *w)
{
	static const char *const names[] = {
		"echo", "printf", "pwd", "kill", "test", "[", "true", "false", ":",
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

/* True when the path is one of these files once links are resolved (the
 * real program, not someone's wrapper of it). */
static bool resolves_to(const char *path, const char *const *names)
{
	char real[4096];
	if (!realpath(path, real))
		return false;
	for (; *names; names++)
		if (strcmp(real, *names) == 0)
			return true;
	return false;
}

/* The kind a LINE_SHELL of these words takes: LINE_TC or LINE_METRICS
 * when vwire does it itself (iproute2's tc or ip at path, a form
 * command_tc.h or command_metrics.h takes, hooks that want it). */
static enum line_kind device_kind(int n, char **words, const char *path)
{
	static const char *const tc[] = { "/usr/sbin/tc", "/sbin/tc", NULL };
	static const char *const ip[] = { "/usr/bin/ip", "/usr/sbin/ip", "/bin/ip", "/sbin/ip",
					  NULL };
	if (!device || !device->mark_dir)
		return LINE_SHELL;
	if (device->tc && strcmp(words[0], "tc") == 0 &&
	    command_tc_in_process_form(n, words) && resolves_to(path, tc))
		return LINE_TC;
	if (device->metrics && strcmp(words[0], "ip") == 0 &&
	    command_metrics_in_process_form(n, words) && resolves_to(path, ip))
		return LINE_METRICS;
	return LINE_SHELL;
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
	line[comment_start(line, len)] = '\0';
	len = strlen(line);
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
	char *buf = malloc(2 * len + FAST_MAX_WORDS + 16);
	char *words[FAST_MAX_WORDS];
	if (!buf)
		return false;
	enum redirect redirect;
	size_t body = strip_redirection(line, len, &redirect);
	/* `> FILE`: a line for sh (or for echo_in_process). */
	size_t to_file = redirect == REDIR_NONE ? file_redirection(line, len) : 0;
	if (to_file > lead)
		body = to_file;
	else
		to_file = 0;
	/* $PPID only here: the parent of a nested script's sh is no process
	 * of the fast path's. */
	bool expanded;
	int n = split_words(line + lead, body - lead, buf, words, depth == 0, &expanded);
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
	/* A script named through $PPID (/tmp/x_${PPID}.sh) is one too. */
	if (expanded && n == 1 && !to_file && redirect == REDIR_NONE && !l->ends &&
	    (l->sub = nested_script(words[0], procps, depth))) {
		free(buf);
		l->kind = LINE_SCRIPT;
		return true;
	}
	char path[4096];
	if (!find_program(words[0], path, sizeof(path))) {
		free(buf);
		return false;
	}
	bool builtin = shell_builtin(words[0]);
	l->kind = builtin || to_file ? LINE_SHELL : device_kind(n, words, path);
	/* echo ARGS > FILE: the write done here (dash's echo: -n is its only
	 * option; split_words left no backslash to interpret). */
	if (to_file && !l->ends && strcmp(words[0], "echo") == 0 &&
	    (n < 2 || strcmp(words[1], "-n") != 0)) {
		l->kind = LINE_ECHO;
		l->file = strdup(line + to_file + 1 + strspn(line + to_file + 1, " \t"));
	}
	/* Run without a shell (execute()): sh would only fork, redirect and
	 * exec this same file with these words -- unless the word names one
	 * of its own builtins, which it runs instead of the file, or the line
	 * writes a file (sh then runs it as written). */
	l->program = builtin || to_file ? NULL : strdup(path);
	l->redirect = redirect;
	l->nargs = n;
	for (int i = 0; i < n; i++)
		l->args[i] = strdup(words[i]);
	l->args[n] = NULL;
	if (procps && n >= 3 && strcmp(words[0], "sysctl") == 0 && strcmp(words[1], "-q") == 0) {
		bool all = true;
		for (int i = 2; i < n; i++)
			all = all && sysctl_assignment(words[i]);
		if (all) {
			for (int i = 0; i < n; i++)
				free(l->args[i]);
			l->kind = LINE_SYSCTL;
			l->nargs = n - 2;
			for (int i = 2; i < n; i++)
				l->args[i - 2] = strdup(words[i]);
			l->args[n - 2] = NULL;
		}
	}
	free(buf);
	/* A line left to sh expands $PPID itself, in a process of its own. */
	if (expanded && (!l->program || l->kind == LINE_SYSCTL || l->kind == LINE_ECHO))
		return false;
	return true;
}

/* A child's exit status as sh reports one (128 + N for signal N). */
static int child_status(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 126;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* /bin/sh with one or two arguments (b may be NULL); its exit status as
 * sh reports one. */
static int run_sh(const char *a, const char *b)
{
	ready_children();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 126;
	if (pid == 0) {
		execl("/bin/sh", "sh", a, b, (char *)NULL);
		_exit(127);
	}
	return child_status(pid);
}

/* Runs lines through one /bin/sh -c. */
static int run_shell(const char *text)
{
	return run_sh("-c", text);
}

/* A plain line as sh runs a simple command: fork, the redirection, exec
 * of the file its PATH search found, argv as written (speed: the sh in
 * between cost an exec per line). Its status as sh reports it. */
static int run_direct(const struct script_line *l)
{
	/* The wrappers may come first on PATH now: look again, as sh would. */
	ready_children();
	char path[4096];
	const char *program = find_program(l->args[0], path, sizeof(path)) ? path : l->program;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 126;
	if (pid == 0) {
		if (l->redirect == REDIR_ALL_NULL || l->redirect == REDIR_OUT_NULL ||
		    l->redirect == REDIR_ERR_NULL) {
			int null = open("/dev/null", O_WRONLY);
			if (null < 0)
				_exit(1); /* sh: cannot create /dev/null */
			int to = l->redirect == REDIR_ERR_NULL ? STDERR_FILENO : STDOUT_FILENO;
			if (null != to) {
				dup2(null, to);
				close(null);
			}
		}
		if (l->redirect == REDIR_ALL_NULL || l->redirect == REDIR_ERR_TO_OUT)
			dup2(STDOUT_FILENO, STDERR_FILENO);
		execv(program, l->args);
		if (errno == ENOEXEC) {
			/* No #! line: sh reads such a file as a script of its own. */
			char *argv[FAST_MAX_WORDS + 2];
			argv[0] = "sh";
			argv[1] = (char *)program;
			for (int i = 1; i <= l->nargs; i++)
				argv[i + 1] = l->args[i];
			execv("/bin/sh", argv);
		}
		_exit(errno == ENOENT ? 127 : 126);
	}
	return child_status(pid);
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

/* echo ARGS > FILE as dash does it: open (create, truncate), the words
 * and a newline in one write. False when that failed (the caller then
 * runs the line: a rewrite of the same bytes). */
static bool echo_in_process(const struct script_line *l)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	if (!f)
		return false;
	for (int i = 1; i < l->nargs; i++)
		fprintf(f, "%s%s", i > 1 ? " " : "", l->args[i]);
	fputc('\n', f);
	if (fclose(f)) {
		free(out);
		return false;
	}
	int fd = open(l->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	ssize_t w = fd >= 0 ? write(fd, out, n) : -1;
	bool ok = fd >= 0 && close(fd) == 0 && w == (ssize_t)n;
	free(out);
	return ok;
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
		if (l->kind == LINE_SYSCTL || l->kind == LINE_SHELL || l->kind == LINE_TC ||
		    l->kind == LINE_METRICS || l->kind == LINE_ECHO)
			for (int a = 0; a < l->nargs; a++)
				free(l->args[a]);
		free(l->program);
		free(l->file);
		free_script(l->sub);
	}
	free(sc->lines);
	free(sc->text);
	free(sc->file);
	free(sc->read);
	free(sc);
}

static struct script *nested_script(const char *line, bool procps, int depth)
{
	if (depth >= FAST_MAX_DEPTH)
		return NULL;
	char *file = script_file(line);
	char *text = file ? read_script(file) : NULL;
	char *read = text ? strdup(text) : NULL;
	struct script *sc = read ? parse_script(text, procps, depth + 1) : NULL;
	if (sc) {
		sc->file = file;
		sc->read = read;
	} else {
		free(read);
		free(file);
		if (!read)
			free(text);
	}
	return sc;
}

/* A nested script runs as parsed only if an earlier line did not change
 * its file; else it runs as sh would run it: /bin/sh FILE. */
static int run_nested(const struct script *sub)
{
	char *now = read_script(sub->file);
	bool same = now && strcmp(now, sub->read) == 0;
	free(now);
	if (same)
		return execute(sub);
	return run_sh(sub->file, NULL);
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
			if (line[strspn(line, " \t")] == '#' || comment_start(line, len) < len)
				goto reject; /* a comment keeps its backslash */
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
			status = run_nested(l->sub);
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
		if (l->kind == LINE_ECHO) {
			status = flush_shell(&pending, &text, &len, status);
			if (echo_in_process(l)) {
				status = 0;
				continue;
			}
			/* Not written: sh says why. */
		}
		if (l->kind == LINE_TC || l->kind == LINE_METRICS) {
			status = flush_shell(&pending, &text, &len, status);
			int done = l->kind == LINE_TC ?
				   command_tc_in_process(device->mark_dir, l->nargs, l->args) :
				   command_metrics_in_process(device->mark_dir, l->nargs, l->args);
			if (done == 0) {
				status = 0;
				if (l->ends)
					return status;
				continue;
			}
			/* Refused: the real line says why (and notes what it does). */
		}
		if ((l->kind == LINE_SHELL || l->kind == LINE_TC || l->kind == LINE_METRICS) &&
		    l->program) {
			status = flush_shell(&pending, &text, &len, status);
			status = run_direct(l);
			if (l->ends)
				return status;
			continue;
		}
		if (!pending && !(pending = open_memstream(&text, &len)))
			return 126;
		fprintf(pending, "%s\n", l->text);
		if (l->ends)
			return flush_shell(&pending, &text, &len, status);
	}
	return flush_shell(&pending, &text, &len, status);
}

int command_fast_run(const char *cmd, const struct command_fast_device *dev)
{
	const char *off = getenv("VWIRE_COMMAND_FAST");
	if (off && strcmp(off, "0") == 0)
		return -1;
	char *text = strdup(cmd);
	if (!text)
		return -1;
	device = dev;
	struct script *sc = parse_script(text, sysctl_is_procps(), 0);
	if (!sc)
		return -1;
	int status = execute(sc);
	free_script(sc);
	return status;
}
