/* One stack instance: creation with Linux's defaults, configuration from
 * the script's network, teardown, wakeups and state reports. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

#define VS_EPOCH_USECS 1000000 /* the clock starts 1 s past zero */

void vs_knobs_default(struct vs_knobs *k)
{
	*k = (struct vs_knobs){
		.tcp_rmem = { 4096, 131072, 6291456 },
		.tcp_wmem = { 4096, 16384, 4194304 },
		.tcp_timestamps = 1, .tcp_sack = 1, .tcp_dsack = 1,
		.tcp_window_scaling = 1, .tcp_syn_retries = 6,
		.tcp_synack_retries = 5, .tcp_syn_linear_timeouts = 4,
		.tcp_fin_timeout = 60, .tcp_keepalive_time = 7200,
		.tcp_keepalive_intvl = 75, .tcp_keepalive_probes = 9,
		.tcp_syncookies = 1, .tcp_max_syn_backlog = 1024,
		.tcp_rfc1337 = 0, .tcp_retries1 = 3, .tcp_retries2 = 15,
		.tcp_orphan_retries = 0, .tcp_abort_on_overflow = 0,
		.tcp_challenge_ack_limit = 2147483647,
		.tcp_invalid_ratelimit = 500, .tcp_min_rtt_wlen = 300,
		.tcp_reordering = 3, .tcp_max_reordering = 300, .tcp_frto = 2,
		.tcp_recovery = 1, .tcp_early_retrans = 3,
		.tcp_slow_start_after_idle = 1, .tcp_ecn = 2,
		.tcp_mtu_probing = 0, .tcp_base_mss = 1024,
		.tcp_min_snd_mss = 48, .tcp_mtu_probe_floor = 48,
		.tcp_probe_interval = 600, .tcp_probe_threshold = 8,
		.tcp_no_metrics_save = 0, .tcp_moderate_rcvbuf = 1,
		.tcp_notsent_lowat = -1, .tcp_min_tso_segs = 2,
		.tcp_tso_win_divisor = 3, .tcp_autocorking = 1,
		.tcp_tw_reuse = 2, .tcp_fastopen = 1,
		.tcp_workaround_signed_windows = 0, .tcp_app_win = 31,
		.tcp_adv_win_scale = 1, .tcp_rto_min_us = 200000,
		.tcp_delack_min_us = 40000, .tcp_congestion_control = "cubic",
		.somaxconn = 4096, .rmem_max = 212992, .wmem_max = 212992,
		.rmem_default = 212992, .wmem_default = 212992,
		.ip_local_port_range = { 32768, 60999 }, .ip_default_ttl = 64,
		.ip_no_pmtu_disc = 0,
	};
}

static int parse_addr(const char *text, int family, struct vs_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	void *dst = family == AF_INET ? (void *)&out->u.v4 : (void *)&out->u.v6;
	return inet_pton(family, text, dst) == 1 ? 0 : -EINVAL;
}

/* The defaults before the harness configures: the corpus's usual network. */
static const struct vwire_net_config default_net = {
	.ip_mode = VWIRE_IPV4, .local_ip = "192.168.0.1",
	.remote_ip = "192.0.2.1", .gateway_ip = "192.168.0.1",
	.netmask_ip = "255.255.0.0", .mtu = 1500, .seed = 0,
};

int vs_instance_configure(struct vstack *vs, const struct vwire_net_config *cfg)
{
	int family;
	switch (cfg->ip_mode) {
	case VWIRE_IPV4: case VWIRE_IPV4_MAPPED_IPV6: family = AF_INET; break;
	case VWIRE_IPV6: family = AF_INET6; break;
	default: return -EINVAL;
	}
	struct vs_addr local, remote;
	if (parse_addr(cfg->local_ip, family, &local) ||
	    parse_addr(cfg->remote_ip, family, &remote))
		return -EINVAL;
	int min_mtu = family == AF_INET ? 68 : 1280;
	if (cfg->mtu != 0 && (cfg->mtu < min_mtu || cfg->mtu > 65535))
		return -EINVAL;
	vs->net = *cfg;
	vs->local_addr = local;
	vs->remote_addr = remote;
	vs->mtu = cfg->mtu ? cfg->mtu : 1500;
	vs->seed = cfg->seed;
	return 0;
}

struct vstack *vs_instance_new(void)
{
	struct vstack *vs = calloc(1, sizeof(*vs));
	if (!vs)
		return NULL;
	pthread_mutex_init(&vs->lock, NULL);
	pthread_cond_init(&vs->wake, NULL);
	vs->now_usecs = VS_EPOCH_USECS;
	vs_knobs_default(&vs->knobs);
	vs->priv = calloc(1, sizeof(*vs->priv));
	vs->wire = vs_wire_new(VS_WIRE_MAX_PACKETS);
	vs->fds = vs_fdtable_new();
	if (!vs->priv || !vs->wire || !vs->fds || vs_instance_configure(vs, &default_net)) {
		vs_instance_free(vs);
		return NULL;
	}
	vs->tcp = tcp_table_new(vs);
	if (!vs->tcp) {
		vs_instance_free(vs);
		return NULL;
	}
	return vs;
}

void vs_instance_free(struct vstack *vs)
{
	if (!vs)
		return;
	/* The engine owns every TCB (attached or not); the descriptor table
	 * only points at them, so it goes after without touching them. */
	if (vs->tcp)
		tcp_table_free(vs, vs->tcp);
	vs->tcp = NULL;
	vs_fdtable_free(vs);
	vs_timers_free(vs);
	vs_wire_free(vs->wire);
	if (vs->priv) {
		vs_sysctl_free_extras(vs);
		free(vs->priv);
	}
	pthread_cond_destroy(&vs->wake);
	pthread_mutex_destroy(&vs->lock);
	free(vs);
}

bool vs_is_local_addr(const struct vstack *vs, const struct vs_addr *a)
{
	if (a->family != vs->local_addr.family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == vs->local_addr.u.v4.s_addr;
	return !memcmp(&a->u.v6, &vs->local_addr.u.v6, sizeof(a->u.v6));
}

int vs_iface_mss(const struct vstack *vs, int family)
{
	int hdr = family == AF_INET6 ? 40 + 20 : 20 + 20;
	return vs->mtu - hdr;
}

void vs_wakeup(struct vstack *vs)
{
	vs->priv->wake_gen++;
	vs->blocked = 0;
	pthread_cond_broadcast(&vs->wake);
}

static void wait_deadline_fired(struct vstack *vs, struct vs_timer *t)
{
	(void)t;
	vs_wakeup(vs);
}

int vs_wait(struct vstack *vs, int64_t deadline)
{
	if (deadline >= 0 && vs_now(vs) >= deadline)
		return -ETIMEDOUT;
	/* The deadline is a timer like any other, so the harness sees it as
	 * the next thing the target will do and steps time exactly there. */
	struct vs_timer t;
	vs_timer_init(&t, wait_deadline_fired);
	if (deadline >= 0)
		vs_timer_arm(vs, &t, deadline);
	uint64_t gen = vs->priv->wake_gen;
	vs->blocked++;
	while (gen == vs->priv->wake_gen)
		pthread_cond_wait(&vs->wake, &vs->lock);
	if (vs_timer_armed(&t))
		vs_timer_cancel(vs, &t);
	return deadline >= 0 && vs_now(vs) >= deadline ? -ETIMEDOUT : 0;
}

void vs_report_state(struct vstack *vs, const struct vwire_conn *conn,
		     int old_state, int new_state)
{
	if (vs->state_hook)
		vs->state_hook(vs->state_hook_ctx, conn, old_state, new_state,
			       vs_now(vs));
}
