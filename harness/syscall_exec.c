/* A system-call event: evaluate, call on the syscall thread, check the
 * result, errno and out-parameters, and the return time of blocking ones. */
#include "run_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"

/* How long past its end time a blocking call may take before it counts
 * as never returning. */
#define BLOCK_GRACE_USECS 1000000LL

static void job_free(struct syscall_job *job)
{
	if (!job)
		return;
	call_args_free(job->call_state);
	free(job);
}

/* Result, errno, out-parameters. */
static int check_return(struct run_state *rs, struct syscall_job *job)
{
	const struct event *ev = job->ev;
	const struct syscall *sc = ev->u.syscall;
	if (rs->cfg->verbose) {
		char tm[32];
		rl_fmt_time(job->returned_usecs, tm, sizeof(tm));
		fprintf(stderr, "%s %s(...) returned %ld errno %d\n", tm, sc->name, job->ret,
			job->ret < 0 ? job->err : 0);
	}
	const struct expr *res = sc->result;
	enum fd_owner owner;
	bool makes_fd = call_args_new_fd(job->call_state, &owner);
	if (res && res->kind != EXPR_ELLIPSIS) {
		long long want = res->kind == EXPR_INT ? res->u.num : res->value;
		if (makes_fd && want >= 0 && job->ret >= 0) {
			/* The script's number names the new descriptor. */
			if (fd_map_set(&rs->fds, (int)want, (int)job->ret, owner)) {
				rl_fail_call(rs, ev, FAIL_SYSCALL, "too many descriptors");
				return -1;
			}
		} else if (makes_fd && want >= 0) {
			int e = job->err;
			rl_fail_call(rs, ev, FAIL_SYSCALL,
				     "Expected non-negative result but got %ld with errno %d (%s)",
				     job->ret, e, strerror(e));
			return -1;
		} else if (want != job->ret) {
			int e = job->ret < 0 ? job->err : 0;
			rl_fail_call(rs, ev, FAIL_SYSCALL,
				     "Expected result %lld but got %ld with errno %d (%s)",
				     want, job->ret, e, strerror(e));
			return -1;
		}
	}
	if (sc->errno_name && job->ret < 0 && job->err != sc->errno_value) {
		rl_fail_call(rs, ev, FAIL_ERRNO, "Expected errno %d (%s) but got %d (%s)",
			     sc->errno_value, strerror(sc->errno_value), job->err,
			     strerror(job->err));
		return -1;
	}
	char msg[512];
	if (call_args_check(rs, job->call_state, job->ret, msg, sizeof(msg))) {
		rl_fail_call(rs, ev, FAIL_OUTPARAM, "%s", msg);
		return -1;
	}
	int fd = call_args_fd(job->call_state);
	if (fd >= 0)
		rs->socket_under_test = fd;
	if (makes_fd && owner == FD_TARGET && sc->call_id != CALL_FCNTL && job->ret >= 0)
		rs->socket_under_test = (int)job->ret;
	return 0;
}

/* As in packetdrill, "+a...b" ends at b after the previous event (the
 * base a is added to), "a...b" at script time b. */
static long long end_time(const struct run_state *rs, const struct syscall_job *job)
{
	const struct event_time *e = &job->ev->u.syscall->end;
	bool relative = e->kind == TIME_RELATIVE || job->ev->time.kind == TIME_RELATIVE;
	return relative ? rs->base_usecs + e->usecs : e->usecs;
}

static int check_end_time(struct run_state *rs, struct syscall_job *job)
{
	long long end = job->end_usecs, at = job->returned_usecs;
	long long tol = rl_tolerance(rs, end - job->start_usecs);
	if (at < end - tol || at > end + tol) {
		char e[32], a[32], t[32];
		rl_fmt_time(end, e, sizeof(e));
		rl_fmt_time(at, a, sizeof(a));
		rl_fmt_time(tol, t, sizeof(t));
		rl_fail_call(rs, job->ev, FAIL_TIMING,
			     "timing error: expected system call return at %s sec but happened at %s sec; tolerance %s sec",
			     e, a, t);
		return -1;
	}
	return 0;
}

int syscall_event(struct run_state *rs, const struct event *ev,
		  long long start, struct event_record *rec)
{
	const struct syscall *sc = ev->u.syscall;
	rec->actual_usecs = rl_now(rs);
	if (sc->call_id == CALL_TCP_STATE)
		return state_assert(rs, ev);
	char msg[512];
	struct syscall_job *job = calloc(1, sizeof(*job));
	if (!job)
		return -1;
	job->ev = ev;
	job->start_usecs = start;
	job->call_state = call_args_prepare(rs, sc, msg, sizeof(msg));
	if (!job->call_state) {
		rl_fail_call(rs, ev, FAIL_SYSCALL, "%s", msg);
		free(job);
		return -1;
	}
	if (sc->blocking)
		job->end_usecs = end_time(rs, job);
	syscall_thread_submit(rs, job);
	int returned = syscall_thread_settle(rs, job);
	if (!returned) {
		if (!sc->blocking) {
			rs->stuck = true; /* first: this failure is always fatal */
			rl_fail_call(rs, ev, FAIL_SYSCALL,
				     "call blocked but the script does not mark it blocking (write it as +0...END %s(...))",
				     sc->name);
			return -1;
		}
		rs->pending = job;
		return 0;
	}
	job->returned_usecs = rl_now(rs);
	rec->actual_usecs = job->returned_usecs;
	int rc = check_return(rs, job);
	if (!rc && sc->blocking)
		rc = check_end_time(rs, job);
	job_free(job);
	return rc;
}

void syscall_poll_pending(struct run_state *rs)
{
	struct syscall_job *job = rs->pending;
	if (!job || job->returned_usecs >= 0)
		return;
	if (syscall_thread_settle(rs, job))
		job->returned_usecs = rl_now(rs);
}

int syscall_finish_pending(struct run_state *rs)
{
	struct syscall_job *job = rs->pending;
	if (!job)
		return 0;
	long long limit = job->end_usecs + rl_tolerance(rs, job->end_usecs - job->start_usecs) +
			  BLOCK_GRACE_USECS;
	syscall_poll_pending(rs);
	while (job->returned_usecs < 0 && rl_now(rs) < limit)
		rl_step(rs, limit);
	if (job->returned_usecs < 0) {
		char e[32];
		rl_fmt_time(job->end_usecs, e, sizeof(e));
		rs->stuck = true;
		rl_fail_call(rs, job->ev, FAIL_TIMING,
			     "blocking call expected to return at %s sec did not return", e);
		return -1;
	}
	rs->pending = NULL;
	int rc = check_return(rs, job);
	if (!rc)
		rc = check_end_time(rs, job);
	job_free(job);
	return rc;
}
