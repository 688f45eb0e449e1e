/* See code_batch.h. The programs go to the driver as arguments; the driver
 * writes the index of each program it starts to fd 3, so that whatever
 * ends the process (an exception, sys.exit, the alarm) is charged to the
 * right program. */
#include "code_batch.h"
#include "code_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRESS_FD 3

/* Mirrors what `python3 -c` does at the end of a program: SystemExit with
 * 0/None goes on, an int is the exit status, anything else is printed
 * and gives 1; an exception prints its traceback without the driver's own
 * frame, so the line numbers are the program's. */
static const char driver[] =
	/* Speed: `signal` (through enum) and `traceback` (through tokenize,
	 * re, linecache) took 15 ms to import, more than python's own start
	 * (12 ms), for each script with a code block; _signal is the C
	 * module behind signal, and traceback is only needed on an error. */
	"import os, sys\n"
	"try:\n"
	"    from _signal import alarm\n"
	"except ImportError:\n"
	"    from signal import alarm\n"
	"limit = int(sys.argv[1])\n"
	"blocks = sys.argv[2:]\n"
	"del sys.argv[1:]\n"
	"for i, text in enumerate(blocks):\n"
	"    os.write(3, b'%d\\n' % i)\n"
	"    alarm(limit)\n"
	"    try:\n"
	"        exec(compile(text, '<string>', 'exec'),\n"
	"             {'__name__': '__main__', '__builtins__': __builtins__})\n"
	"    except SystemExit as e:\n"
	"        if e.code is None or e.code == 0:\n"
	"            continue\n"
	"        if isinstance(e.code, int):\n"
	"            sys.stdout.flush()\n"
	"            os._exit(e.code & 0xff)\n"
	"        print(e.code, file=sys.stderr)\n"
	"        sys.stdout.flush()\n"
	"        os._exit(1)\n"
	"    except BaseException as e:\n"
	"        import traceback\n"
	"        traceback.print_exception(type(e), e, e.__traceback__.tb_next)\n"
	"        sys.stderr.flush()\n"
	"        sys.stdout.flush()\n"
	"        os._exit(1)\n"
	"    finally:\n"
	"        alarm(0)\n";

/* The last index written to the progress pipe. */
static size_t last_index(int fd)
{
	char buf[4096];
	size_t last = 0;
	ssize_t k;
	char line[32];
	size_t len = 0;
	while ((k = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < k; i++) {
			if (buf[i] == '\n') {
				line[len] = '\0';
				last = (size_t)strtoul(line, NULL, 10);
				len = 0;
			} else if (len + 1 < sizeof(line)) {
				line[len++] = buf[i];
			}
		}
	}
	return last;
}

const char *code_batch_driver(void)
{
	return driver;
}

/* The interpreter for a request the server could not take. */
static pid_t start_python(const char *python, char *const *texts, size_t n, const char *limit,
			  int err_w, int err_r, int progress_w, int progress_r)
{
	const char **argv = calloc(n + 5, sizeof(*argv));
	if (!argv)
		return -1;
	argv[0] = "python3";
	argv[1] = "-c";
	argv[2] = driver;
	argv[3] = limit;
	for (size_t i = 0; i < n; i++)
		argv[4 + i] = texts[i];
	pid_t pid = fork();
	if (pid == 0) {
		/* Dies with the script when the script's time limit kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(err_r);
		close(progress_r);
		dup2(err_w, 2);
		dup2(progress_w, PROGRESS_FD);
		if (err_w != 2 && err_w != PROGRESS_FD)
			close(err_w);
		if (progress_w != PROGRESS_FD)
			close(progress_w);
		execv(python, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", python, strerror(errno));
		_exit(127);
	}
	free(argv);
	return pid;
}

int code_batch_run(const char *python, char *const *texts, size_t n, unsigned limit_secs,
		   size_t *failed, char *errbuf, size_t errlen)
{
	*failed = 0;
	errbuf[0] = '\0';
	if (n == 0)
		return 0;
	char limit[16];
	snprintf(limit, sizeof(limit), "%u", limit_secs);
	int err[2], progress[2];
	if (pipe(err))
		return -1;
	if (pipe(progress)) {
		close(err[0]);
		close(err[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = -1;
	int conv = code_server_submit(texts, n, limit_secs, err[1], progress[1]);
	if (conv < 0 && (pid = start_python(python, texts, n, limit, err[1], err[0], progress[1],
					    progress[0])) < 0) {
		close(err[0]);
		close(err[1]);
		close(progress[0]);
		close(progress[1]);
		return -1;
	}
	close(err[1]);
	close(progress[1]);
	size_t got = 0;
	ssize_t k;
	char sink[512];
	/* Keep the first errlen-1 bytes, but drain the pipe to the end. */
	while ((k = read(err[0], got < errlen - 1 ? errbuf + got : sink,
			 got < errlen - 1 ? errlen - 1 - got : sizeof(sink))) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (got < errlen - 1)
			got += (size_t)k;
	}
	errbuf[got] = '\0';
	close(err[0]);
	int rc;
	if (conv >= 0) {
		rc = code_server_status(conv);
	} else {
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	}
	*failed = last_index(progress[0]);
	close(progress[0]);
	return rc;
}
