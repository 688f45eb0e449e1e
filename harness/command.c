/* `command`: /bin/sh -c in the script's folder, a direct child of vwire.
 * For a target with sysctls, the shell runs in its own mount and network
 * namespaces with a scratch copy of /proc/sys/net bind-mounted over the
 * real one; what it changed there is applied to the target afterwards. */
#include "run_loop.h"
#include "command_fast.h"
#include "command_netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYSCTL_VALUE_LEN 1024

/* mkdir -p of the folders above path. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* "net.ipv4.tcp_rmem" -> "<dir>/ipv4/tcp_rmem" (the tree stands for
 * /proc/sys/net). */
static int sysctl_path(const char *dir, const char *name, char *buf, size_t len)
{
	if (strncmp(name, "net.", 4) != 0)
		return -1;
	int n = snprintf(buf, len, "%s/%s", dir, name + 4);
	if (n < 0 || (size_t)n >= len)
		return -1;
	for (char *p = buf + strlen(dir) + 1; *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fputc('\n', f);
	return fclose(f);
}

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return 0;
}

/* Whitespace-insensitive: "4096 131072" equals "4096\t131072". */
static bool same_value(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		bool sa = false, sb = false;
		while (*a && *b && *a == *b && *a != ' ' && *a != '\t')
			a++, b++;
		sa = !*a || *a == ' ' || *a == '\t';
		sb = !*b || *b == ' ' || *b == '\t';
		if (!(sa && sb))
			return false;
	}
}

static int fill_scratch(struct run_state *rs, const char *dir)
{
	struct target *t = rs->target;
	char path[4096], value[SYSCTL_VALUE_LEN];
	for (size_t i = 0;; i++) {
		const char *name = t->sysctl_name(t->ifc.userdata, i);
		if (!name)
			break;
		if (sysctl_path(dir, name, path, sizeof(path)) || make_parents(path))
			continue;
		if (t->sysctl_get(t->ifc.userdata, name, value, sizeof(value)))
			continue;
		if (write_file(path, value))
			return -1;
	}
	return 0;
}

static void apply_scratch(struct run_state *rs, const char *dir)
{
	struct target *t = rs->target;
	char path[4096], old[SYSCTL_VALUE_LEN], now[SYSCTL_VALUE_LEN];
	for (size_t i = 0;; i++) {
		const char *name = t->sysctl_name(t->ifc.userdata, i);
		if (!name)
			break;
		if (sysctl_path(dir, name, path, sizeof(path)) ||
		    t->sysctl_get(t->ifc.userdata, name, old, sizeof(old)) ||
		    read_file(path, now, sizeof(now)))
			continue;
		if (!same_value(old, now)) {
			if (t->sysctl_set(t->ifc.userdata, name, now) && rs->cfg->verbose)
				fprintf(stderr, "vwire: target refused sysctl %s=%s\n", name, now);
		}
	}
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf of the scratch tree, in-process (speed: an exec of rm cost more
 * than the rest of the clean-up). */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch tree goes on tmpfs when there is one (speed: creating and
 * deleting ~100 small files on ext4 was most of a command's cost). */
static void scratch_template(char *buf, size_t len)
{
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
			   access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(buf, len, "%s/vwire-sysctl-XXXXXX", base);
}

/* A file that is not executable: a shell script checked out read-only, or
 * a symbolic link stored as a one-line text file naming its target
 * (relative to the link's folder). Returns the file sh should read, or
 * NULL when the word is no such file. */
static char *unexecutable_script(const char *word)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", word);
	for (int depth = 0; depth < 8; depth++) {
		struct stat st;
		if (!strchr(path, '/') || stat(path, &st) || !S_ISREG(st.st_mode) ||
		    access(path, X_OK) == 0)
			return depth ? strdup(path) : NULL;
		char body[512];
		if (st.st_size >= (off_t)sizeof(body) || read_file(path, body, sizeof(body)) ||
		    strpbrk(body, " \t\n") || !body[0] || body[0] == '#')
			return strdup(path);
		char next[4096], dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		*slash = '\0';
		if (body[0] == '/')
			snprintf(next, sizeof(next), "%s", body);
		else
			snprintf(next, sizeof(next), "%.2000s/%.1000s", dir, body);
		if (stat(next, &st))
			return strdup(path);
		snprintf(path, sizeof(path), "%s", next);
	}
	return strdup(path);
}

/* Each line whose first word is such a file runs it through /bin/sh. */
static char *rewrite_unexecutable(const char *cmd)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	bool changed = false;
	const char *p = cmd;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		size_t lead = strspn(p, " \t");
		size_t w = lead < n ? strcspn(p + lead, " \t;&|<>\n") : 0;
		char word[4096] = "";
		if (w && w < sizeof(word)) {
			memcpy(word, p + lead, w);
			word[w] = '\0';
		}
		char *script = word[0] ? unexecutable_script(word) : NULL;
		if (script) {
			fprintf(f, "/bin/sh %s%.*s", script, (int)(n - lead - w), p + lead + w);
			free(script);
			changed = true;
		} else {
			fwrite(p, 1, n, f);
		}
		if (eol)
			fputc('\n', f);
		p += n + (eol ? 1 : 0);
	}
	fclose(f);
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}

/* Speed: the exit of the last process in a network namespace with a TUN
 * device in it waits for the device's unregistration (~30 ms of RCU grace
 * periods), and vwire waits for the command's exit. So a second process,
 * forked once tun0 exists, holds the namespace and the device and is
 * killed when the command's process ends (PR_SET_PDEATHSIG): the
 * teardown then happens in a process nobody waits for. */
static void fork_namespace_holder(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return; /* the command (on failure: holds the namespace itself) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(0);
	/* Keeps only the TUN descriptor: no output ends or report pipes
	 * held open by a process that outlives the command. */
	DIR *d = opendir("/proc/self/fd");
	int keep = d ? dirfd(d) : -1;
	for (struct dirent *e; d && (e = readdir(d));) {
		char link[300], target[64];
		int fd = atoi(e->d_name);
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = e->d_name[0] == '.' || fd == keep ? -1 :
			    readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "/dev/net/tun") != 0)
			close(fd);
	}
	if (d)
		closedir(d);
	else
		for (int fd = 0; fd < 3; fd++)
			close(fd);
	for (;;)
		pause();
}

static void child_exec(struct run_state *rs, const char *cmd, const char *scratch)
{
	if (scratch) {
		if (unshare(CLONE_NEWNS | CLONE_NEWNET) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(scratch, "/proc/sys/net", NULL, MS_BIND | MS_REC, NULL)) {
			fprintf(stderr, "vwire: cannot isolate the command: %s\n", strerror(errno));
			_exit(126);
		}
	}
	if (chdir(rs->script_dir)) {
		fprintf(stderr, "vwire: cannot enter %s: %s\n", rs->script_dir, strerror(errno));
		_exit(126);
	}
	char *fixed = rewrite_unexecutable(cmd);
	if (fixed)
		cmd = fixed;
	if (scratch) {
		char err[256];
		/* Not fatal: the command then reports what it misses. */
		if (command_netns_tun0(rs->cfg, err, sizeof(err)) && rs->cfg->verbose)
			fprintf(stderr, "vwire: no tun0 for the command: %s\n", err);
		fflush(NULL);
		fork_namespace_holder();
		/* Speed: sysctl lines without an exec each (command_fast.h). */
		int status = command_fast_run(cmd);
		if (status >= 0) {
			fflush(NULL);
			_exit(status);
		}
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int command_run(struct run_state *rs, const struct event *ev)
{
	const char *cmd = ev->u.command;
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("PACKETDRILL_PID", pid, 1);

	bool isolate = rs->target->sysctl_name && geteuid() == 0;
	char scratch[64];
	scratch_template(scratch, sizeof(scratch));
	if (isolate) {
		if (!mkdtemp(scratch) || fill_scratch(rs, scratch)) {
			rl_fail_plain(rs, ev, FAIL_COMMAND, "cannot prepare the sysctl scratch tree");
			return -1;
		}
	} else if (rs->target->sysctl_name && !rs->sysctl_note_printed) {
		rs->sysctl_note_printed = true;
		if (rs->cfg->verbose)
			fprintf(stderr, "vwire: not root: commands run without isolation, sysctl writes do not reach the target\n");
	}
	if (rs->cfg->verbose)
		fprintf(stderr, "`%s`\n", cmd);
	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		rl_fail_plain(rs, ev, FAIL_COMMAND, "cannot fork for the command: %s", strerror(errno));
		return -1;
	}
	if (child == 0)
		child_exec(rs, cmd, isolate ? scratch : NULL);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (isolate) {
		apply_scratch(rs, scratch);
		remove_tree(scratch);
	}
	if (WIFSIGNALED(status)) {
		rl_fail_plain(rs, ev, FAIL_COMMAND, "command killed by signal %s: %s",
			      strsignal(WTERMSIG(status)), cmd);
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		rl_fail_plain(rs, ev, FAIL_COMMAND, "command failed with exit status %d: %s",
			      WEXITSTATUS(status), cmd);
		return -1;
	}
	return 0;
}
