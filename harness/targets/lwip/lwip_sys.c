/* The OS layer lwIP calls (sys_sem_*, sys_mbox_*, the core lock),
 * provided here instead of by liblwip's own unix port.
 *
 * liblwip reaches these through its PLT, and this object comes first in
 * the dlopen()ed scope, so lwIP uses these. What they add over the port:
 * timeouts run on the virtual clock, and the adapter knows at every moment
 * how many threads sleep in lwIP (vwire_blocked_calls), counted down by
 * the waker itself so a woken thread never looks asleep.
 */
#include "lwip_target.h"

#include <stdlib.h>
#include <time.h>

#include "lwip/sys.h"

struct sys_sem {
	unsigned count;
};

struct sys_mbox {
	void **slots;
	size_t head, len, cap;
};

void lwt_core_lock(void)
{
	pthread_mutex_lock(&lwt_g.core);
}

void lwt_core_unlock(void)
{
	pthread_mutex_unlock(&lwt_g.core);
}

void sys_lock_tcpip_core(void)
{
	lwt_core_lock();
}

void sys_unlock_tcpip_core(void)
{
	lwt_core_unlock();
}

/* -------------------------------------------------------------- waiters */

static void waiter_unlink(struct lwt_waiter *w)
{
	for (struct lwt_waiter **p = &lwt_g.waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			return;
		}
	}
}

/* Caller holds sys_lock. Wakes the oldest sleeper on object. */
static void wake_one(const void *object)
{
	for (struct lwt_waiter *w = lwt_g.waiters; w; w = w->next) {
		if (w->object == object) {
			waiter_unlink(w);
			w->woken = true;
			lwt_g.blocked--;
			pthread_cond_broadcast(&lwt_g.settle_cond);
			pthread_cond_signal(&w->cond);
			return;
		}
	}
}

int64_t lwt_earliest_waiter_deadline(void)
{
	int64_t best = -1;
	pthread_mutex_lock(&lwt_g.sys_lock);
	for (struct lwt_waiter *w = lwt_g.waiters; w; w = w->next)
		if (w->deadline_us >= 0 && (best < 0 || w->deadline_us < best))
			best = w->deadline_us;
	pthread_mutex_unlock(&lwt_g.sys_lock);
	return best;
}

int lwt_wake_expired_waiters(int64_t now_us)
{
	int n = 0;
	pthread_mutex_lock(&lwt_g.sys_lock);
	struct lwt_waiter *w = lwt_g.waiters;
	while (w) {
		struct lwt_waiter *next = w->next;
		if (w->deadline_us >= 0 && w->deadline_us <= now_us) {
			waiter_unlink(w);
			w->woken = true;
			w->timed_out = true;
			lwt_g.blocked--;
			pthread_cond_signal(&w->cond);
			n++;
		}
		w = next;
	}
	if (n)
		pthread_cond_broadcast(&lwt_g.settle_cond);
	pthread_mutex_unlock(&lwt_g.sys_lock);
	return n;
}

/* Until every thread inside a call sleeps again or has returned; bounded
 * by a wall-clock second so a wedged call cannot hang the harness. */
void lwt_wait_settled(void)
{
	struct timespec limit;
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 1;
	pthread_mutex_lock(&lwt_g.sys_lock);
	while (lwt_g.in_calls > lwt_g.blocked) {
		if (pthread_cond_timedwait(&lwt_g.settle_cond, &lwt_g.sys_lock, &limit))
			break;
	}
	pthread_mutex_unlock(&lwt_g.sys_lock);
}

void lwt_call_enter(void)
{
	pthread_mutex_lock(&lwt_g.sys_lock);
	lwt_g.in_calls++;
	pthread_mutex_unlock(&lwt_g.sys_lock);
}

void lwt_call_leave(void)
{
	lwt_core_lock();
	lwt_report_state_changes();
	lwt_core_unlock();
	pthread_mutex_lock(&lwt_g.sys_lock);
	lwt_g.in_calls--;
	pthread_cond_broadcast(&lwt_g.settle_cond);
	pthread_mutex_unlock(&lwt_g.sys_lock);
}

int vwire_blocked_calls(void *userdata)
{
	(void)userdata;
	pthread_mutex_lock(&lwt_g.sys_lock);
	int n = lwt_g.blocked;
	pthread_mutex_unlock(&lwt_g.sys_lock);
	return n;
}

/* Caller holds sys_lock. Sleeps until woken or the virtual timeout (ms, 0:
 * none) passes; returns false on timeout. */
static bool sleep_on(const void *object, u32_t timeout_ms)
{
	struct lwt_waiter w = { .object = object, .deadline_us = -1 };
	if (timeout_ms)
		w.deadline_us = lwt_now_us() + (int64_t)timeout_ms * 1000;
	pthread_cond_init(&w.cond, NULL);
	struct lwt_waiter **tail = &lwt_g.waiters;
	while (*tail)
		tail = &(*tail)->next;
	*tail = &w;
	lwt_g.blocked++;
	pthread_cond_broadcast(&lwt_g.settle_cond);
	while (!w.woken)
		pthread_cond_wait(&w.cond, &lwt_g.sys_lock);
	pthread_cond_destroy(&w.cond);
	return !w.timed_out;
}

static u32_t elapsed_ms(int64_t since_us)
{
	int64_t ms = (lwt_now_us() - since_us) / 1000;
	/* SYS_ARCH_TIMEOUT is reserved for "timed out". */
	return ms >= (int64_t)SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

/* ------------------------------------------------------------ semaphores */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	struct sys_sem *s = calloc(1, sizeof(*s));
	if (!s)
		return ERR_MEM;
	s->count = count;
	*sem = s;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	if (!sem || !*sem)
		return;
	free(*sem);
	*sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem)
{
	pthread_mutex_lock(&lwt_g.sys_lock);
	(*sem)->count++;
	wake_one(*sem);
	pthread_mutex_unlock(&lwt_g.sys_lock);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	int64_t start = lwt_now_us();
	struct sys_sem *s = *sem;
	pthread_mutex_lock(&lwt_g.sys_lock);
	while (s->count == 0) {
		if (!sleep_on(s, timeout) && s->count == 0) {
			pthread_mutex_unlock(&lwt_g.sys_lock);
			return SYS_ARCH_TIMEOUT;
		}
	}
	s->count--;
	pthread_mutex_unlock(&lwt_g.sys_lock);
	return elapsed_ms(start);
}

/* ------------------------------------------------------------- mailboxes */

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	struct sys_mbox *m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_MEM;
	m->cap = size > 0 ? (size_t)size : 16;
	m->slots = calloc(m->cap, sizeof(void *));
	if (!m->slots) {
		free(m);
		return ERR_MEM;
	}
	*mbox = m;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	if (!mbox || !*mbox)
		return;
	free((*mbox)->slots);
	free(*mbox);
	*mbox = NULL;
}

/* Caller holds sys_lock. A full mailbox grows: posting never sleeps, as
 * nothing here would drain it while the poster waits. */
static err_t mbox_put(struct sys_mbox *m, void *msg)
{
	if (m->len == m->cap) {
		size_t cap = m->cap * 2;
		void **slots = calloc(cap, sizeof(void *));
		if (!slots)
			return ERR_MEM;
		for (size_t i = 0; i < m->len; i++)
			slots[i] = m->slots[(m->head + i) % m->cap];
		free(m->slots);
		m->slots = slots;
		m->head = 0;
		m->cap = cap;
	}
	m->slots[(m->head + m->len) % m->cap] = msg;
	m->len++;
	wake_one(m);
	return ERR_OK;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	pthread_mutex_lock(&lwt_g.sys_lock);
	(void)mbox_put(*mbox, msg);
	pthread_mutex_unlock(&lwt_g.sys_lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	pthread_mutex_lock(&lwt_g.sys_lock);
	err_t e = mbox_put(*mbox, msg);
	pthread_mutex_unlock(&lwt_g.sys_lock);
	return e;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}

static void *mbox_take(struct sys_mbox *m)
{
	void *msg = m->slots[m->head];
	m->head = (m->head + 1) % m->cap;
	m->len--;
	return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	int64_t start = lwt_now_us();
	struct sys_mbox *m = *mbox;
	pthread_mutex_lock(&lwt_g.sys_lock);
	while (m->len == 0) {
		if (!sleep_on(m, timeout) && m->len == 0) {
			pthread_mutex_unlock(&lwt_g.sys_lock);
			if (msg)
				*msg = NULL;
			return SYS_ARCH_TIMEOUT;
		}
	}
	void *got = mbox_take(m);
	pthread_mutex_unlock(&lwt_g.sys_lock);
	if (msg)
		*msg = got;
	return elapsed_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	struct sys_mbox *m = *mbox;
	pthread_mutex_lock(&lwt_g.sys_lock);
	if (m->len == 0) {
		pthread_mutex_unlock(&lwt_g.sys_lock);
		return SYS_MBOX_EMPTY;
	}
	void *got = mbox_take(m);
	pthread_mutex_unlock(&lwt_g.sys_lock);
	if (msg)
		*msg = got;
	return 0;
}
