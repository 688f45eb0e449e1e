/* packetdrill_interface_init for lwIP, and the extensions' hook. */
#include "lwip_target.h"

#include <string.h>

#include "packetdrill.h"

/* lwIP cannot be shut down and started again in one process; free()
 * releases what the adapter holds and leaves lwIP's state to exit(). */
static void lwt_free(void *userdata)
{
	(void)userdata;
	lwt_drop_queued_packets();
}

void vwire_set_state_hook(void *userdata, vwire_state_hook_t hook, void *ctx)
{
	(void)userdata;
	lwt_core_lock();
	lwt_g.state_hook = NULL;
	/* What exists now is the baseline, not a transition. */
	lwt_g.seen_count = lwt_list_connections(lwt_g.seen, lwt_g.seen_pcb, LWT_MAX_CONNS);
	if (lwt_g.seen_count > LWT_MAX_CONNS)
		lwt_g.seen_count = LWT_MAX_CONNS;
	lwt_g.state_hook = hook;
	lwt_g.state_ctx = ctx;
	lwt_core_unlock();
}

void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc)
{
	(void)flags;
	memset(ifc, 0, sizeof(*ifc));
	ifc->userdata = &lwt_g;
	ifc->free = lwt_free;
	lwt_fill_calls(ifc);
	ifc->fcntl = lwt_fcntl;
	ifc->ioctl = lwt_ioctl;
	ifc->getsockopt = lwt_getsockopt;
	ifc->setsockopt = lwt_setsockopt;
	ifc->netdev_send = lwt_netdev_send;
	ifc->netdev_receive = lwt_netdev_receive;
	ifc->usleep = lwt_usleep;
	ifc->gettimeofday = lwt_gettimeofday;
	/* Started now so that calls made before vwire_configure() work. */
	lwt_start();
}
