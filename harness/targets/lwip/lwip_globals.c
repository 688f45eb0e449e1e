/* The adapter's only mutable global: see struct lwt_globals. */
#include "lwip_target.h"

struct lwt_globals lwt_g = {
	.core = PTHREAD_MUTEX_INITIALIZER,
	.sys_lock = PTHREAD_MUTEX_INITIALIZER,
	.settle_cond = PTHREAD_COND_INITIALIZER,
	.wire_lock = PTHREAD_MUTEX_INITIALIZER,
	.notes_lock = PTHREAD_MUTEX_INITIALIZER,
};
