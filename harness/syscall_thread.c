/* The syscall thread: every call runs on it, so the main loop can go on
 * (and move time) while a blocking call sleeps inside the target. */
#include "run_loop.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	struct run_state *rs = arg;
	pthread_mutex_lock(&rs->lock);
	for (;;) {
		while (!rs->quit && (!rs->job || rs->job_taken))
			pthread_cond_wait(&rs->cond, &rs->lock);
		if (rs->quit)
			break;
		struct syscall_job *job = rs->job;
		rs->job_taken = true;
		job->tid = (pid_t)syscall(SYS_gettid);
		pthread_mutex_unlock(&rs->lock);
		int err = 0;
		long ret = call_args_invoke(rs, job->call_state, &err);
		pthread_mutex_lock(&rs->lock);
		job->ret = ret;
		job->err = err;
		job->returned = true;
		pthread_cond_broadcast(&rs->cond);
	}
	pthread_mutex_unlock(&rs->lock);
	return NULL;
}

int syscall_thread_start(struct run_state *rs)
{
	if (pthread_create(&rs->thread, NULL, thread_main, rs))
		return -1;
	rs->thread_started = true;
	return 0;
}

void syscall_thread_stop(struct run_state *rs)
{
	if (!rs->thread_started)
		return;
	pthread_mutex_lock(&rs->lock);
	rs->quit = true;
	pthread_cond_broadcast(&rs->cond);
	pthread_mutex_unlock(&rs->lock);
	/* A thread stuck in the target never comes back: leave it. */
	if (!rs->stuck)
		pthread_join(rs->thread, NULL);
	else
		pthread_detach(rs->thread);
	rs->thread_started = false;
}

void syscall_thread_submit(struct run_state *rs, struct syscall_job *job)
{
	pthread_mutex_lock(&rs->lock);
	job->returned = false;
	job->returned_usecs = -1;
	rs->job = job;
	rs->job_taken = false;
	pthread_cond_broadcast(&rs->cond);
	pthread_mutex_unlock(&rs->lock);
}

/* Without the extension: the thread's state in /proc, 'S' when asleep. */
static bool thread_sleeping(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'S' || p[2] == 'D');
}

int syscall_thread_settle(struct run_state *rs, struct syscall_job *job)
{
	struct timespec pause = { 0, 20000 };
	for (unsigned spins = 0;; spins++) {
		pthread_mutex_lock(&rs->lock);
		bool returned = job->returned, taken = rs->job == job && rs->job_taken;
		pid_t tid = job->tid;
		pthread_mutex_unlock(&rs->lock);
		if (returned)
			return 1;
		if (taken) {
			struct target *t = rs->target;
			if (t->blocked_calls) {
				if (t->blocked_calls(t->ifc.userdata) > 0)
					return 0;
			} else if (thread_sleeping(tid)) {
				/* Seen asleep twice: not a passing lock wait. */
				nanosleep(&pause, NULL);
				pthread_mutex_lock(&rs->lock);
				returned = job->returned;
				pthread_mutex_unlock(&rs->lock);
				if (returned)
					return 1;
				if (thread_sleeping(tid))
					return 0;
			}
		}
		if (spins > 64)
			nanosleep(&pause, NULL);
		else
			sched_yield();
	}
}
