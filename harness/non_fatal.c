/* --non_fatal=packet,syscall: a failure of a kind the flag names is
 * reported as packetdrill reports it and the script goes on; the verdict
 * stays a pass, as packetdrill's does for these warnings. A call stuck in
 * the target, a target refusing a packet, or an unexpected packet still
 * end the run. */
#include "run_loop.h"

#include <string.h>

/* A mismatched or late packet was seen: consumed, so the next expected
 * packet is compared with the next live one. */
static void consume_front(struct run_state *rs)
{
	if (!rs->queue_len)
		return;
	memmove(rs->queue, rs->queue + 1, (rs->queue_len - 1) * sizeof(*rs->queue));
	rs->queue_len--;
}

bool rl_non_fatal(struct run_state *rs, const struct event *ev, enum failure_kind kind,
		  const char *msg, const char *expected_text, const char *actual_text)
{
	const struct config *cfg = rs->cfg;
	if (rs->result->failure.set || !ev)
		return false;
	if (ev->kind == EVENT_PACKET) {
		if (!cfg->non_fatal_packet || (kind != FAIL_FIELD && kind != FAIL_PAYLOAD &&
					       kind != FAIL_TIMING && kind != FAIL_MISSING))
			return false;
		fprintf(stderr, "%s:%d: error handling packet: %s\n", rs->script_path, ev->pos.line, msg);
		if (expected_text)
			fprintf(stderr, "script packet: %s\n", expected_text);
		if (actual_text)
			fprintf(stderr, "actual packet: %s\n", actual_text);
		if (kind != FAIL_MISSING)
			consume_front(rs);
		return true;
	}
	if (ev->kind == EVENT_SYSCALL) {
		if (!cfg->non_fatal_syscall || rs->stuck)
			return false;
		fprintf(stderr, "%s:%d: runtime error in %s call: %s\n", rs->script_path,
			ev->pos.line, ev->u.syscall->name, msg);
		return true;
	}
	return false;
}
