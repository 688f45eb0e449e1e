/* Measuring helpers shared by the stack's benchmark and soak tests. */
#ifndef VWIRE_BENCH_TEST_UTIL_H
#define VWIRE_BENCH_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* CPU time this process has used, in seconds. */
static inline double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A count from the environment (a run's size), or dflt when unset. */
static inline uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 10) : dflt;
}

#endif
