/* Virtual time: the clock lwIP reads (sys_now) and the harness's usleep.
 *
 * usleep(d) runs, in deadline order, every lwIP timer and every timed
 * wait due before now + d, with the clock set to each deadline as it
 * fires, then sets the clock to now + d. lwIP's timers have millisecond
 * resolution (sys_now); the clock itself keeps microseconds.
 */
#include "lwip_target.h"

#include "lwip/sys.h"
#include "lwip/timeouts.h"

/* gettimeofday() reads a fixed epoch plus the virtual clock, so runs
 * repeat exactly and pcap timestamps look like dates. */


int64_t lwt_now_us(void)
{
	return atomic_load(&lwt_g.now_us);
}

u32_t sys_now(void)
{
	return (u32_t)(lwt_now_us() / 1000);
}

u32_t sys_jiffies(void)
{
	return sys_now();
}

/* Caller holds the core lock. lwIP's next timer deadline, -1: none. */
static int64_t lwip_timer_deadline(void)
{
	if (!lwt_g.lwip_started)
		return -1;
	u32_t sleep_ms = sys_timeouts_sleeptime();
	if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return -1;
	return ((int64_t)sys_now() + sleep_ms) * 1000;
}

static int64_t earliest(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Caller holds the core lock. Fires what is due at the current time; a
 * woken sleeper runs (without the core lock) until it settles. */
static void fire_due(void)
{
	if (lwt_g.lwip_started)
		sys_check_timeouts();
	lwt_report_state_changes();
	if (lwt_wake_expired_waiters(lwt_now_us())) {
		lwt_core_unlock();
		lwt_wait_settled();
		lwt_core_lock();
	}
}

int lwt_usleep(void *userdata, unsigned int usec)
{
	(void)userdata;
	lwt_core_lock();
	int64_t target = lwt_now_us() + usec;
	fire_due();
	for (int guard = 0; guard < 10000000; guard++) {
		int64_t next = earliest(lwip_timer_deadline(), lwt_earliest_waiter_deadline());
		if (next < 0 || next > target)
			break;
		if (next > lwt_now_us())
			atomic_store(&lwt_g.now_us, next);
		fire_due();
		/* Something still due after firing would spin: stop. */
		int64_t again = earliest(lwip_timer_deadline(), lwt_earliest_waiter_deadline());
		if (again >= 0 && again <= lwt_now_us())
			break;
	}
	if (target > lwt_now_us())
		atomic_store(&lwt_g.now_us, target);
	fire_due();
	lwt_core_unlock();
	return 0;
}

int lwt_gettimeofday(void *userdata, struct timeval *tv, void *tz)
{
	(void)userdata;
	(void)tz;
	int64_t us = lwt_now_us();
	tv->tv_sec = (time_t)(LWT_EPOCH_SECS + us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
	return 0;
}

int64_t vwire_next_timer(void *userdata)
{
	(void)userdata;
	lwt_core_lock();
	int64_t next = earliest(lwip_timer_deadline(), lwt_earliest_waiter_deadline());
	lwt_core_unlock();
	if (next < 0)
		return -1;
	int64_t now = lwt_now_us();
	if (next < now)
		next = now;
	return next + LWT_EPOCH_SECS * 1000000LL;
}
