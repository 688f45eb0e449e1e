/* See code_server.h. Requests travel on a SOCK_SEQPACKET socket that every
 * script's child inherits: one byte carrying four descriptors (the
 * request's own stream socket, stdout, stderr, progress). The server forks
 * a keeper per request, which reads the job from the stream socket, forks
 * the interpreter that runs it, and writes its exit status back; when the
 * script's process goes away first (its time limit), the stream socket
 * ends and the keeper kills the interpreter, as PR_SET_PDEATHSIG does for
 * a python3 that code_batch.c starts itself. */
#include "code_server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define SERVER_FD 3

extern char **environ;

/* This process's end of the server's socket; -1 without a server. The one
 * piece of state: set in the parent before it forks the scripts' children,
 * which use it read-only. */
static int server_fd = -1;

/* argv[1]: the socket's descriptor, argv[2]: the driver. A job on the
 * stream socket: a line of decimal sizes, then the parts back to back:
 * LIMIT, cwd, the environment (NUL-separated), then each TEXT. */
static const char server[] =
	"import array, os, select, socket, sys\n"
	"import _signal\n"
	"srv = socket.socket(fileno=int(sys.argv[1]))\n"
	"driver = compile(sys.argv[2], '<string>', 'exec')\n"
	"del sys.argv[1:]\n"
	"_signal.signal(_signal.SIGCHLD, _signal.SIG_IGN)\n"
	"def job(conv):\n"
	"    buf = b''\n"
	"    while b'\\n' not in buf:\n"
	"        chunk = conv.recv(65536)\n"
	"        if not chunk:\n"
	"            os._exit(0)\n"
	"        buf += chunk\n"
	"    head, _, body = buf.partition(b'\\n')\n"
	"    sizes = [int(x) for x in head.split()]\n"
	"    parts = [body]\n"
	"    have, need = len(body), sum(sizes)\n"
	"    while have < need:\n"
	"        chunk = conv.recv(max(65536, need - have))\n"
	"        if not chunk:\n"
	"            os._exit(0)\n"
	"        parts.append(chunk)\n"
	"        have += len(chunk)\n"
	"    body, out, at = b''.join(parts), [], 0\n"
	"    for n in sizes:\n"
	"        out.append(body[at:at + n])\n"
	"        at += n\n"
	"    return out\n"
	"def interpreter(fds, parts):\n"
	"    for src, dst in zip(fds[1:], (1, 2, 3)):\n"
	"        os.dup2(src, dst)\n"
	"    for fd in fds:\n"
	"        os.close(fd)\n"
	"    os.chdir(parts[1])\n"
	"    os.environ.clear()\n"
	"    for kv in parts[2].split(b'\\0'):\n"
	"        k, eq, v = kv.partition(b'=')\n"
	"        if eq and k:\n"
	"            os.environb[k] = v\n"
	"    sys.stdout = open(1, 'w', closefd=False)\n"
	"    sys.stderr = open(2, 'w', buffering=1, closefd=False, errors='backslashreplace')\n"
	"    sys.argv = ['-c'] + [os.fsdecode(p) for p in [parts[0]] + parts[3:]]\n"
	"    code = 0\n"
	"    try:\n"
	"        exec(driver, {'__name__': '__main__', '__builtins__': __builtins__})\n"
	"    except SystemExit as e:\n"
	"        code = e.code if isinstance(e.code, int) else 1\n"
	"    except BaseException:\n"
	"        import traceback\n"
	"        traceback.print_exc()\n"
	"        code = 1\n"
	"    try:\n"
	"        sys.stdout.flush()\n"
	"        sys.stderr.flush()\n"
	"    except OSError:\n"
	"        code = 120\n"
	"    os._exit(code & 0xff)\n"
	"def keeper(fds):\n"
	"    _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)\n"
	"    srv.detach()\n"
	"    conv = socket.socket(fileno=fds[0])\n"
	"    parts = job(conv)\n"
	"    pid = os.fork()\n"
	"    if pid == 0:\n"
	"        try:\n"
	"            conv.detach()\n"
	"            interpreter(fds, parts)\n"
	"        finally:\n"
	"            os._exit(127)\n"
	"    for fd in fds[1:]:\n"
	"        os.close(fd)\n"
	"    pidfd = os.pidfd_open(pid)\n"
	"    while True:\n"
	"        ready = select.select([conv, pidfd], [], [])[0]\n"
	"        if pidfd in ready:\n"
	"            break\n"
	"        if not conv.recv(1):\n"
	"            os.kill(pid, 9)\n"
	"            break\n"
	"    status = os.waitpid(pid, 0)[1]\n"
	"    code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)\n"
	"    try:\n"
	"        conv.sendall(b'%d\\n' % code)\n"
	"    except OSError:\n"
	"        pass\n"
	"    os._exit(0)\n"
	"while True:\n"
	"    msg, anc, _, _ = srv.recvmsg(1, socket.CMSG_SPACE(4 * 4))\n"
	"    fds = array.array('i')\n"
	"    for level, kind, data in anc:\n"
	"        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:\n"
	"            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])\n"
	"    if not msg and not fds:\n"
	"        break\n"
	"    if len(fds) == 4 and os.fork() == 0:\n"
	"        try:\n"
	"            keeper(list(fds))\n"
	"        finally:\n"
	"            os._exit(0)\n"
	"    for fd in fds:\n"
	"        os.close(fd)\n";

int code_server_start(const char *python, const char *driver)
{
	const char *off = getenv("VWIRE_CODE_SERVER");
	if ((off && strcmp(off, "0") == 0) || server_fd >= 0)
		return off ? -1 : 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* Ends with vwire; holds none of vwire's output pipes. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(0);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		}
		/* dup2 onto itself would keep SOCK_CLOEXEC: clear it then. */
		if (sv[1] == SERVER_FD ? fcntl(sv[1], F_SETFD, 0) < 0 : dup2(sv[1], SERVER_FD) < 0)
			_exit(127);
		char fd[8];
		snprintf(fd, sizeof(fd), "%d", SERVER_FD);
		execl(python, "python3", "-c", server, fd, driver, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	server_fd = sv[0];
	return 0;
}

void code_server_stop(void)
{
	if (server_fd >= 0)
		close(server_fd);
	server_fd = -1;
}

static bool send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		len -= (size_t)k;
	}
	return true;
}

/* The environment as NUL-separated K=V entries. */
static char *environment_blob(size_t *len)
{
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n += strlen(*e) + 1;
	char *blob = malloc(n + 1);
	if (!blob)
		return NULL;
	size_t at = 0;
	for (char **e = environ; e && *e; e++) {
		size_t k = strlen(*e) + 1;
		memcpy(blob + at, *e, k);
		at += k;
	}
	*len = n;
	return blob;
}

static bool send_job(int conv, char *const *texts, size_t n, unsigned limit_secs)
{
	char limit[16], cwd[4096];
	snprintf(limit, sizeof(limit), "%u", limit_secs);
	if (!getcwd(cwd, sizeof(cwd)))
		return false;
	size_t env_len = 0;
	char *env = environment_blob(&env_len);
	if (!env)
		return false;
	char *head = NULL;
	size_t head_len = 0;
	FILE *f = open_memstream(&head, &head_len);
	bool ok = f != NULL;
	if (f) {
		fprintf(f, "%zu %zu %zu", strlen(limit), strlen(cwd), env_len);
		for (size_t i = 0; i < n; i++)
			fprintf(f, " %zu", strlen(texts[i]));
		fputc('\n', f);
		ok = fclose(f) == 0;
	}
	ok = ok && send_all(conv, head, head_len) && send_all(conv, limit, strlen(limit)) &&
	     send_all(conv, cwd, strlen(cwd)) && send_all(conv, env, env_len);
	for (size_t i = 0; ok && i < n; i++)
		ok = send_all(conv, texts[i], strlen(texts[i]));
	free(head);
	free(env);
	return ok;
}

int code_server_submit(char *const *texts, size_t n, unsigned limit_secs, int err_fd,
		       int progress_fd)
{
	if (server_fd < 0)
		return -1;
	int conv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, conv))
		return -1;
	int fds[4] = { conv[1], STDOUT_FILENO, err_fd, progress_fd };
	char one = 'r';
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(fds))];
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	ssize_t k;
	while ((k = sendmsg(server_fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	close(conv[1]);
	/* A job cut short ends the keeper before anything runs. */
	if (k != 1 || !send_job(conv[0], texts, n, limit_secs)) {
		close(conv[0]);
		return -1;
	}
	return conv[0];
}

int code_server_status(int conv)
{
	char buf[32];
	size_t got = 0;
	ssize_t k;
	while (got < sizeof(buf) - 1 && (k = read(conv, buf + got, sizeof(buf) - 1 - got)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)k;
		if (memchr(buf, '\n', got))
			break;
	}
	close(conv);
	buf[got] = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	if (end == buf || *end != '\n' || v < 0 || v > 255)
		return -1;
	return (int)v;
}
