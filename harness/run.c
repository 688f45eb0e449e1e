/* bin/vwire's runs: each script in a child process of its own, with a
 * time limit, so one crash or hang never takes the others down. */
#include "run.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "code_batch.h"
#include "code_server.h"
#include "command_scratch.h"
#include "frontend.h"
#include "result.h"
#include "run_loop.h"
#include "target.h"

#define DEFAULT_TIMEOUT_SECS 300

static long long wall_usecs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static const char *ip_version_name(enum vwire_ip_mode m)
{
	return m == VWIRE_IPV6 ? "ipv6" : m == VWIRE_IPV4_MAPPED_IPV6 ? "ipv4-mapped-ipv6" : "ipv4";
}

/* The report's target name for a config that never got to load one. */
static void target_label(const struct config *cfg, char *buf, size_t len)
{
	char path[4096], err[256];
	if (target_resolve(cfg->target, path, sizeof(path), buf, len, err, sizeof(err)))
		snprintf(buf, len, "%s", cfg->target ? cfg->target : "vstack");
}

/* One script, in the child. Writes "LINE\tMESSAGE" to report_fd. */
static int run_one(struct config *cfg, const char *path, const char *json_path, int report_fd)
{
	long long wall0 = wall_usecs();
	struct result r;
	result_init(&r);
	char label[256];
	struct diag d;
	struct script *s = script_load(path, cfg, &d);
	if (!s) {
		diag_print(&d, stderr);
		result_fail(&r, FAIL_PARSE, d.line, d.column, "%s", d.message);
		char text[1200];
		snprintf(text, sizeof(text), "%s:%d:%d: %s", d.file, d.line, d.column, d.message);
		result_set_texts(&r, NULL, NULL, NULL, text);
		target_label(cfg, label, sizeof(label));
	} else {
		struct target t;
		char err[512];
		if (target_open(&t, cfg->target, cfg->so_flags, err, sizeof(err))) {
			fprintf(stderr, "vwire: %s\n", err);
			result_fail(&r, FAIL_TARGET, 0, 0, "%s", err);
			result_set_texts(&r, NULL, NULL, NULL, err);
			r.exit_code = EXIT_USAGE;
			r.verdict = VERDICT_ERROR;
			target_label(cfg, label, sizeof(label));
		} else {
			snprintf(label, sizeof(label), "%s", t.name);
			int stuck = run_loop_run(cfg, s, path, &t, &r);
			target_close(&t, stuck);
		}
	}
	r.wall_usecs = wall_usecs() - wall0;
	if (json_path && json_result_write(&r, json_path, path, label,
					   ip_version_name(cfg->ip_mode), cfg->pcap_path))
		fprintf(stderr, "vwire: cannot write %s\n", json_path);
	if (r.failure.set && report_fd >= 0) {
		char line[1200];
		int n = snprintf(line, sizeof(line), "%d\t%s", r.failure.line, r.failure.message);
		if (n > 0 && write(report_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
			perror("vwire: report pipe");
	}
	int rc = r.exit_code;
	result_free(&r);
	script_free(s);
	fflush(NULL);
	return rc;
}

static int timeout_secs(const struct config *cfg)
{
	if (cfg->timeout_secs > 0)
		return cfg->timeout_secs;
	const char *e = getenv("VWIRE_TIMEOUT_SECS");
	int v = e ? atoi(e) : 0;
	return v > 0 ? v : DEFAULT_TIMEOUT_SECS;
}

/* One script's child and what it left for the parent. */
struct job {
	pid_t pid;
	int report_fd;        /* read end of the child's report pipe */
	FILE *out, *err;      /* its captured stdout and stderr (parallel runs) */
	int status;
	bool done;
	char report[1200];
};

static int jobs_wanted(const struct config *cfg, int count)
{
	long n = cfg->jobs > 0 ? cfg->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n < count ? (int)n : count;
}

/* Ends the script's process group, this process included. */
static void end_own_group(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

/* In a script's child: the child and everything it starts (a command's
 * shell and what that leaves running, the namespace holder, python) form a
 * process group of their own, so that they all end with the script. vwire
 * kills the group once the child is gone (time limit, crash or normal
 * end); when vwire itself dies first, PR_SET_PDEATHSIG tells the child,
 * which kills the group. Without it a backtick `sleep 1000` outlived the
 * time limit and kept vwire's caller waiting on the output pipes. */
static void enter_own_group(pid_t parent)
{
	setpgid(0, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = end_own_group;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		end_own_group(0);
}

/* Forks script i; false when it could not. With capture, the child's
 * stdout and stderr go to unlinked files that are printed when its turn
 * comes, so parallel scripts' output stays in command-line order. */
static bool job_start(struct job *j, struct config *cfg, char **paths, int i, int count,
		      int limit, bool capture)
{
	int pfd[2];
	if (pipe(pfd)) {
		perror("vwire: pipe");
		return false;
	}
	char json[4200];
	const char *json_path = cfg->json_path;
	if (json_path && count > 1) {
		snprintf(json, sizeof(json), "%s.%d", cfg->json_path, i);
		json_path = json;
	}
	j->out = capture ? tmpfile() : NULL;
	j->err = capture ? tmpfile() : NULL;
	if (capture && (!j->out || !j->err)) {
		perror("vwire: tmpfile");
		return false;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		perror("vwire: fork");
		return false;
	}
	if (pid == 0) {
		enter_own_group(parent);
		close(pfd[0]);
		if (capture) {
			dup2(fileno(j->out), STDOUT_FILENO);
			dup2(fileno(j->err), STDERR_FILENO);
		}
		alarm((unsigned)limit);
		_exit(run_one(cfg, paths[i], json_path, pfd[1]));
	}
	close(pfd[1]);
	setpgid(pid, pid); /* as the child does: whichever runs first */
	j->pid = pid;
	j->report_fd = pfd[0];
	return true;
}

/* The child's report (a few hundred bytes, written just before it exits,
 * so it never fills the pipe while the parent waits elsewhere). */
static void job_collect(struct job *j, int status)
{
	size_t n = 0;
	ssize_t k;
	while (n < sizeof(j->report) - 1 &&
	       ((k = read(j->report_fd, j->report + n, sizeof(j->report) - 1 - n)) > 0 ||
		(k < 0 && errno == EINTR)))
		if (k > 0)
			n += (size_t)k;
	j->report[n] = '\0';
	close(j->report_fd);
	j->status = status;
	j->done = true;
}

static void copy_out(FILE *from, FILE *to)
{
	if (!from)
		return;
	fflush(to);
	rewind(from);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
	fclose(from);
	fflush(to);
}

/* Prints a finished script's output and verdict line; its exit code. */
static int job_finish(struct job *j, const char *path, int count, int limit)
{
	copy_out(j->out, stdout);
	copy_out(j->err, stderr);
	int status = j->status, rc;
	char why[900];
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		if (sig == SIGALRM)
			snprintf(why, sizeof(why), "time limit of %d s exceeded (killed)", limit);
		else
			snprintf(why, sizeof(why), "killed by signal SIG%s (%s)", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", strsignal(sig));
		if (count == 1)
			fprintf(stderr, "vwire: %s: %s\n", path, why);
		rc = EXIT_SCRIPT_FAILED;
		snprintf(j->report, sizeof(j->report), "0\t%s", why);
	} else {
		rc = WEXITSTATUS(status);
	}
	if (count > 1) {
		if (rc == EXIT_PASS) {
			printf("PASS %s\n", path);
		} else {
			char *tab = strchr(j->report, '\t');
			int line = atoi(j->report);
			printf("%s %s", rc == EXIT_USAGE ? "ERROR" : "FAIL", path);
			if (line > 0)
				printf(":%d", line);
			printf(": %s\n", tab ? tab + 1 : "failed");
		}
		fflush(stdout);
	}
	return rc;
}

/* Waits for a script's child to end and kills what is left of its
 * process group; the child's pid, still to be reaped (so its pid, which
 * names the group, cannot be reused before the kill). */
static pid_t reap_script_child(void)
{
	siginfo_t si;
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0)
			break;
		if (errno != EINTR)
			return -1;
	}
	kill(-si.si_pid, SIGKILL);
	return si.si_pid;
}

/* Up to --jobs children at once; verdicts and output are printed in the
 * order of the command line as soon as every earlier script is done. */
int run_scripts(struct config *cfg, int count, char **paths)
{
	int worst = EXIT_PASS;
	int limit = timeout_secs(cfg);
	int width = jobs_wanted(cfg, count);
	bool capture = width > 1;
	struct job *jobs = calloc((size_t)count, sizeof(*jobs));
	if (!jobs) {
		perror("vwire: calloc");
		return EXIT_USAGE;
	}
	/* Several scripts: one python for all their %{ }% blocks to fork
	 * from (speed: code_server.h). Failing to start is not an error:
	 * each script then starts python3 itself. */
	if (count > 1)
		code_server_start(CODE_BATCH_PYTHON, code_batch_driver());
	int started = 0, printed = 0, running = 0;
	while (printed < count) {
		while (running < width && started < count) {
			if (!job_start(&jobs[started], cfg, paths, started, count, limit, capture)) {
				worst = EXIT_USAGE;
				count = started; /* no more: finish what runs */
				break;
			}
			started++;
			running++;
		}
		if (printed >= count)
			break;
		if (!jobs[printed].done) {
			int status = 0;
			pid_t pid = reap_script_child();
			if (pid < 0)
				break;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			for (int i = printed; i < started; i++)
				if (jobs[i].pid == pid && !jobs[i].done) {
					job_collect(&jobs[i], status);
					running--;
				}
		}
		while (printed < count && jobs[printed].done) {
			int rc = job_finish(&jobs[printed], paths[printed], count, limit);
			if (rc == EXIT_USAGE)
				worst = EXIT_USAGE;
			else if (rc != EXIT_PASS && worst != EXIT_USAGE)
				worst = EXIT_SCRIPT_FAILED;
			printed++;
		}
	}
	code_server_stop();
	command_scratch_cleanup(getpid()); /* the commands' shared sysctl trees */
	free(jobs);
	return worst;
}
