/* `command`: /bin/sh -c in the script's folder, a direct child of vwire.
 * For a target with sysctls, the shell runs in its own mount and network
 * namespaces with the target's sysctls as files over /proc/sys/net
 * (command_scratch.h); what it changed there is applied to the target
 * afterwards. */
#include "run_loop.h"
#include "command_fast.h"
#include "command_metrics.h"
#include "command_mib.h"
#include "command_netns.h"
#include "command_scratch.h"
#include "command_qdisc.h"
#include "command_tc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


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
		if (st.st_size >= (off_t)sizeof(body) || command_scratch_read(path, body, sizeof(body)) ||
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

/* tun0's root qdisc, as "kind limit\n" on fd (the parent reads it). */
static void report_qdisc(int fd)
{
	long limit;
	char kind[32];
	if (command_qdisc_read(kind, sizeof(kind), &limit) == 0) {
		char line[64];
		int n = snprintf(line, sizeof(line), "%s %ld\n", kind[0] ? kind : "-", limit);
		if (write(fd, line, (size_t)n) != n)
			limit = -1; /* the parent then keeps what it knew */
	}
	close(fd);
}

/* Speed: the exit of the last process in a network namespace with a TUN
 * device in it waits for the device's unregistration (~30 ms of RCU grace
 * periods), and vwire waits for the command's exit. So a second process,
 * forked once tun0 exists, holds the namespace and the device and is
 * killed when the command's process ends (PR_SET_PDEATHSIG): the
 * teardown then happens in a process nobody waits for. With qdisc_fd,
 * the holder is told instead (SIGTERM), reads what the command left on
 * tun0's root qdisc and reports it on qdisc_fd before it goes: the
 * command itself stays vwire's own child (scripts rely on $PPID). */
static void fork_namespace_holder(int qdisc_fd)
{
	pid_t parent = getpid();
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigset_t old;
	sigemptyset(&old);
	if (qdisc_fd >= 0)
		sigprocmask(SIG_BLOCK, &term, &old);
	pid_t pid = fork();
	if (pid != 0) {
		if (qdisc_fd >= 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (pid > 0)
				close(qdisc_fd); /* the holder reports */
		}
		return; /* the command (on failure: holds the namespace itself) */
	}
	if (prctl(PR_SET_PDEATHSIG, qdisc_fd >= 0 ? SIGTERM : SIGKILL))
		_exit(0);
	if (getppid() != parent) {
		if (qdisc_fd >= 0)
			report_qdisc(qdisc_fd); /* the command is already over */
		_exit(0);
	}
	/* Keeps only the TUN descriptor (and the report's): no output ends
	 * or report pipes held open by a process that outlives the command. */
	DIR *d = opendir("/proc/self/fd");
	int keep = d ? dirfd(d) : -1;
	for (struct dirent *e; d && (e = readdir(d));) {
		char link[300], target[64];
		int fd = atoi(e->d_name);
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = e->d_name[0] == '.' || fd == keep || fd == qdisc_fd ? -1 :
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
			if (fd != qdisc_fd)
				close(fd);
	if (qdisc_fd >= 0) {
		int sig;
		while (sigwait(&term, &sig) != 0)
			;
		report_qdisc(qdisc_fd);
		_exit(0);
	}
	for (;;)
		pause();
}

/* The tc and ip wrappers a command's programs find first on PATH. */
struct wrappers {
	const char *dir; /* the command's scratch folder */
	bool metrics, tc;
};

/* Writes them (dir/.vwire-bin) and puts them on PATH: only once the
 * command runs a program (the fast path does the corpus's tc and ip lines
 * itself, so most commands need none). */
static void put_wrappers(void *arg)
{
	const struct wrappers *w = arg;
	char bin[4200];
	bool metrics = w->metrics && command_metrics_prepare(w->dir, bin, sizeof(bin)) == 0;
	bool tc = w->tc && command_tc_prepare(w->dir, bin, sizeof(bin)) == 0;
	if (!metrics && !tc)
		return;
	const char *path = getenv("PATH");
	char *both = NULL;
	if (asprintf(&both, "%s:%s", bin, path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin") > 0) {
		setenv("PATH", both, 1); /* copies it */
		free(both);
	}
}

static void child_exec(struct run_state *rs, const char *cmd,
		       const struct command_scratch *scratch,
		       int qdisc_fd, const struct vwire_conn *conns, int nconns)
{
	if (scratch) {
		if (unshare(CLONE_NEWNS | CLONE_NEWNET) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    command_scratch_mount(rs->target, scratch)) {
			fprintf(stderr, "vwire: cannot isolate the command: %s\n", strerror(errno));
			_exit(126);
		}
	}
	if (chdir(rs->script_dir)) {
		fprintf(stderr, "vwire: cannot enter %s: %s\n", rs->script_dir, strerror(errno));
		_exit(126);
	}
	/* nstat sees the target's counters (command_mib.h). */
	if (scratch && rs->target->mib)
		command_mib_env(scratch->top);
	/* `ip tcp_metrics flush` reaches the target (command_metrics.h), and
	 * `tc` on tun0 the target's device (command_tc.h): done in-process
	 * by the fast path, else by wrappers first on the command's PATH. */
	struct wrappers w = {
		.dir = scratch ? scratch->top : NULL,
		.metrics = scratch && rs->target->tcp_metrics_flush,
		.tc = scratch && qdisc_fd >= 0,
	};
	char *fixed = rewrite_unexecutable(cmd);
	if (fixed)
		cmd = fixed;
	if (scratch) {
		char err[256];
		/* Not fatal: the command then reports what it misses. */
		if (command_netns_tun0(rs->cfg, err, sizeof(err)) && rs->cfg->verbose)
			fprintf(stderr, "vwire: no tun0 for the command: %s\n", err);
		/* The target's listeners, as /proc/net/tcp would list them. */
		command_netns_listeners(conns, nconns);
		/* The device as the script's earlier commands left it (a fifo:
		 * what the kernel here cannot install is known to vwire only). */
		if (qdisc_fd >= 0 && rs->qdisc_known && rs->qdisc_limit >= 0 &&
		    strstr(rs->qdisc_kind, "fifo") &&
		    command_qdisc_install(rs->qdisc_limit) && rs->cfg->verbose)
			fprintf(stderr, "vwire: cannot restore tun0's qdisc\n");
		fflush(NULL);
		fork_namespace_holder(qdisc_fd);
		/* Speed: sysctl, tc and ip lines without an exec each
		 * (command_fast.h). */
		struct command_fast_device dev = {
			.mark_dir = w.dir, .tc = w.tc, .metrics = w.metrics,
			.before_child = put_wrappers, .arg = &w,
		};
		int status = command_fast_run(cmd, &dev);
		if (status >= 0) {
			fflush(NULL);
			_exit(status);
		}
	}
	put_wrappers(&w);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* The holder's report of tun0's qdisc, taken when the command's tc
 * changed it (forced: a kind the kernel here lacked); a change reaches
 * the target. */
static void update_qdisc(struct run_state *rs, int fd, bool changed, const char *forced)
{
	char line[64], kind[32];
	ssize_t n = read(fd, line, sizeof(line) - 1);
	if (n <= 0 || !changed)
		return;
	line[n] = '\0';
	long limit;
	if (sscanf(line, "%31s %ld", kind, &limit) != 2)
		return;
	if (!strcmp(kind, "-"))
		kind[0] = '\0';
	if (forced[0]) {
		snprintf(kind, sizeof(kind), "%s", forced);
		limit = -1;
	}
	const char *old = rs->qdisc_known ? rs->qdisc_kind : "";
	long old_limit = rs->qdisc_known ? rs->qdisc_limit : -1;
	if (!strcmp(kind, old) && limit == old_limit)
		return;
	rs->qdisc_known = true;
	snprintf(rs->qdisc_kind, sizeof(rs->qdisc_kind), "%s", kind);
	rs->qdisc_limit = limit;
	struct target *t = rs->target;
	if (t->set_qdisc(t->ifc.userdata, kind, limit) && rs->cfg->verbose)
		fprintf(stderr, "vwire: target refused qdisc %s limit %ld\n", kind, limit);
}

int command_run(struct run_state *rs, const struct event *ev)
{
	const char *cmd = ev->u.command;
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("PACKETDRILL_PID", pid, 1);

	bool isolate = rs->target->sysctl_name && geteuid() == 0;
	struct command_scratch scratch;
	if (isolate) {
		if (command_scratch_prepare(rs->target, &scratch)) {
			rl_fail_plain(rs, ev, FAIL_COMMAND, "cannot prepare the sysctl scratch tree");
			return -1;
		}
	} else if (rs->target->sysctl_name && !rs->sysctl_note_printed) {
		rs->sysctl_note_printed = true;
		if (rs->cfg->verbose)
			fprintf(stderr, "vwire: not root: commands run without isolation, sysctl writes do not reach the target\n");
	}
	if (isolate && rs->target->mib &&
	    command_mib_prepare(rs->target, scratch.top, rs->nstat_history,
				rs->nstat_history_len) && rs->cfg->verbose)
		fprintf(stderr, "vwire: cannot write the counters for nstat\n");
	if (rs->cfg->verbose)
		fprintf(stderr, "`%s`\n", cmd);
	/* The target's connections, for the namespace to mirror its listeners
	 * (read here: the child must not call into the target). */
	struct vwire_conn conns[256];
	int nconns = 0;
	if (isolate && rs->target->connections) {
		nconns = rs->target->connections(rs->target->ifc.userdata, conns, 256);
		if (nconns > 256)
			nconns = 256;
	}
	/* A target that models the device's qdisc hears what tc did to tun0. */
	int qdisc_pipe[2] = { -1, -1 };
	if (isolate && rs->target->set_qdisc && pipe2(qdisc_pipe, O_CLOEXEC))
		qdisc_pipe[0] = qdisc_pipe[1] = -1;
	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		rl_fail_plain(rs, ev, FAIL_COMMAND, "cannot fork for the command: %s", strerror(errno));
		if (qdisc_pipe[0] >= 0) {
			close(qdisc_pipe[0]);
			close(qdisc_pipe[1]);
		}
		return -1;
	}
	if (child == 0) {
		if (qdisc_pipe[0] >= 0)
			close(qdisc_pipe[0]);
		child_exec(rs, cmd, isolate ? &scratch : NULL, qdisc_pipe[1], conns, nconns);
	}
	int status = 0;
	if (qdisc_pipe[1] >= 0)
		close(qdisc_pipe[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (qdisc_pipe[0] >= 0) {
		char forced[32];
		bool changed = command_tc_changed(scratch.top, forced, sizeof(forced));
		update_qdisc(rs, qdisc_pipe[0], changed, forced);
		close(qdisc_pipe[0]);
	}
	if (isolate) {
		if (rs->target->tcp_metrics_flush && command_metrics_flushed(scratch.top))
			rs->target->tcp_metrics_flush(rs->target->ifc.userdata);
		if (rs->target->mib)
			rs->nstat_history_len = command_mib_history(scratch.top, rs->nstat_history);
		command_scratch_finish(rs->target, &scratch, rs->cfg->verbose);
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
