/* State transitions for the state hook. lwIP has no callback for them, so
 * after every step that can change a state (an inbound packet, a timer, a
 * call) the adapter compares the control blocks with the last snapshot;
 * a block that vanished went to CLOSE, a new one came from CLOSE. */
#include "lwip_target.h"

#include <string.h>

static bool same_conn(const struct vwire_conn *a, const void *pa,
		      const struct vwire_conn *b, const void *pb)
{
	return pa == pb && a->local_port == b->local_port &&
	       a->remote_port == b->remote_port &&
	       !memcmp(a->remote_addr, b->remote_addr, sizeof(a->remote_addr));
}

/* Caller holds the core lock. */
void lwt_report_state_changes(void)
{
	if (!lwt_g.state_hook)
		return;
	struct vwire_conn now[LWT_MAX_CONNS];
	const void *pcbs[LWT_MAX_CONNS];
	int n = lwt_list_connections(now, pcbs, LWT_MAX_CONNS);
	if (n > LWT_MAX_CONNS)
		n = LWT_MAX_CONNS;
	int64_t t = lwt_now_us() + LWT_EPOCH_SECS * 1000000LL;
	bool matched[LWT_MAX_CONNS] = { false };
	for (int i = 0; i < n; i++) {
		int old = VWIRE_TCP_CLOSE;
		for (int j = 0; j < lwt_g.seen_count; j++) {
			if (!matched[j] && same_conn(&now[i], pcbs[i], &lwt_g.seen[j], lwt_g.seen_pcb[j])) {
				matched[j] = true;
				old = lwt_g.seen[j].state;
				break;
			}
		}
		if (old != now[i].state)
			lwt_g.state_hook(lwt_g.state_ctx, &now[i], old, now[i].state, t);
	}
	for (int j = 0; j < lwt_g.seen_count; j++) {
		if (!matched[j] && lwt_g.seen[j].state != VWIRE_TCP_CLOSE) {
			struct vwire_conn gone = lwt_g.seen[j];
			gone.state = VWIRE_TCP_CLOSE;
			lwt_g.state_hook(lwt_g.state_ctx, &gone, lwt_g.seen[j].state,
					 VWIRE_TCP_CLOSE, t);
		}
	}
	memcpy(lwt_g.seen, now, sizeof(now[0]) * (size_t)n);
	memcpy(lwt_g.seen_pcb, pcbs, sizeof(pcbs[0]) * (size_t)n);
	lwt_g.seen_count = n;
}
