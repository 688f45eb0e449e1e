/* The sysctl registry: every knob under its Linux name, read as /proc/sys
 * shows it and written with Linux's validation. A few sysctls the corpus
 * writes but the stack does not model are stored and shown back. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also when built with a bare CFLAGS (make asan) */
#endif
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"
#include "tcp_fastopen.h"

enum sysctl_kind { SK_INT, SK_UINT, SK_VEC, SK_CC, SK_EXTRA_INT, SK_EXTRA_KEY };

struct sysctl_def {
	const char *name;
	enum sysctl_kind kind;
	size_t off;      /* in struct vs_knobs */
	int n;           /* vector length */
	long long min, max;
};

struct vs_sysctl_extra {
	const struct sysctl_def *def;
	char value[160];
};

#define K(field) offsetof(struct vs_knobs, field)
#define I4(name, lo, hi) { "net.ipv4." #name, SK_INT, K(name), 1, lo, hi }
#define IMAX INT_MAX
#define IMIN INT_MIN

static const struct sysctl_def defs[] = {
	{ "net.ipv4.tcp_rmem", SK_VEC, K(tcp_rmem), 3, 1, IMAX },
	{ "net.ipv4.tcp_wmem", SK_VEC, K(tcp_wmem), 3, 1, IMAX },
	I4(tcp_timestamps, 0, 2),
	I4(tcp_sack, 0, 1),
	I4(tcp_dsack, 0, 1),
	I4(tcp_window_scaling, 0, 1),
	I4(tcp_syn_retries, 1, 127),
	I4(tcp_synack_retries, 0, 255),
	I4(tcp_syn_linear_timeouts, 0, 127),
	I4(tcp_fin_timeout, 0, IMAX),
	I4(tcp_keepalive_time, 1, IMAX),
	I4(tcp_keepalive_intvl, 1, IMAX),
	I4(tcp_keepalive_probes, 0, 255),
	I4(tcp_syncookies, 0, 2),
	I4(tcp_max_syn_backlog, 0, IMAX),
	I4(tcp_rfc1337, 0, 1),
	I4(tcp_retries1, 0, 255),
	I4(tcp_retries2, 0, IMAX),
	I4(tcp_orphan_retries, 0, IMAX),
	I4(tcp_abort_on_overflow, 0, 1),
	I4(tcp_challenge_ack_limit, 0, IMAX),
	I4(tcp_invalid_ratelimit, 0, IMAX),
	I4(tcp_min_rtt_wlen, 0, 86400),
	I4(tcp_reordering, 1, IMAX),
	I4(tcp_max_reordering, 1, IMAX),
	I4(tcp_frto, 0, 2),
	I4(tcp_recovery, 0, IMAX),
	I4(tcp_early_retrans, 0, 4),
	I4(tcp_slow_start_after_idle, 0, 1),
	I4(tcp_ecn, 0, 5),
	I4(tcp_mtu_probing, 0, 2),
	I4(tcp_base_mss, 1, IMAX),
	I4(tcp_min_snd_mss, 48, 65495),
	I4(tcp_mtu_probe_floor, 48, 65495),
	I4(tcp_probe_interval, 0, IMAX),
	I4(tcp_probe_threshold, 0, IMAX),
	I4(tcp_no_metrics_save, 0, 1),
	I4(tcp_moderate_rcvbuf, 0, 1),
	{ "net.ipv4.tcp_notsent_lowat", SK_UINT, K(tcp_notsent_lowat), 1, 0, UINT_MAX },
	I4(tcp_min_tso_segs, 1, 255),
	I4(tcp_tso_win_divisor, 0, 255),
	I4(tcp_autocorking, 0, 1),
	I4(tcp_tw_reuse, 0, 2),
	I4(tcp_fastopen, IMIN, IMAX),
	I4(tcp_workaround_signed_windows, 0, 1),
	I4(tcp_app_win, 0, 31),
	I4(tcp_adv_win_scale, -31, 31),
	I4(tcp_rto_min_us, 1, IMAX),
	I4(tcp_delack_min_us, 0, IMAX),
	{ "net.ipv4.tcp_congestion_control", SK_CC, K(tcp_congestion_control), 1, 0, 0 },
	{ "net.core.somaxconn", SK_INT, K(somaxconn), 1, 0, IMAX },
	{ "net.core.rmem_max", SK_INT, K(rmem_max), 1, 2304, IMAX },
	{ "net.core.wmem_max", SK_INT, K(wmem_max), 1, 4608, IMAX },
	{ "net.core.rmem_default", SK_INT, K(rmem_default), 1, 2304, IMAX },
	{ "net.core.wmem_default", SK_INT, K(wmem_default), 1, 4608, IMAX },
	{ "net.ipv4.ip_local_port_range", SK_VEC, K(ip_local_port_range), 2, 1, 65535 },
	I4(ip_default_ttl, 1, 255),
	I4(ip_no_pmtu_disc, 0, 3),
	{ "net.vwire.rfc_profile", SK_INT, K(vwire_rfc_profile), 1, 0, 1 },
	/* Stored, not modelled (the corpus's defaults.sh writes them). */
	{ "net.ipv4.tcp_fack", SK_EXTRA_INT, 0, 1, 0, 1 },
	{ "net.ipv4.tcp_ecn_option", SK_EXTRA_INT, 0, 1, 0, 2 },
	{ "net.ipv4.tcp_pacing_ss_ratio", SK_EXTRA_INT, 0, 1, 0, 1000 },
	{ "net.ipv4.tcp_pacing_ca_ratio", SK_EXTRA_INT, 0, 1, 0, 1000 },
	{ "net.ipv4.tcp_fastopen_blackhole_timeout_sec", SK_EXTRA_INT, 0, 1, 0, IMAX },
	{ "net.ipv4.tcp_fastopen_key", SK_EXTRA_KEY, 0, 1, 0, 0 },
};
#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

/* Linux's values for the stored-only ones. */
static const char *extra_default(const struct sysctl_def *d)
{
	if (!strcmp(d->name, "net.ipv4.tcp_ecn_option")) return "2";
	if (!strcmp(d->name, "net.ipv4.tcp_pacing_ss_ratio")) return "200";
	if (!strcmp(d->name, "net.ipv4.tcp_pacing_ca_ratio")) return "120";
	if (!strcmp(d->name, "net.ipv4.tcp_fastopen_blackhole_timeout_sec")) return "0";
	if (!strcmp(d->name, "net.ipv4.tcp_fastopen_key"))
		return "00000000-00000000-00000000-00000000";
	return "0";
}

const char *vs_sysctl_name(size_t index)
{
	return index < N_DEFS ? defs[index].name : NULL;
}

/* "net/ipv4/x" and "/proc/sys/net/ipv4/x" name the same as "net.ipv4.x". */
static const struct sysctl_def *lookup(const char *name)
{
	char norm[128];
	if (!strncmp(name, "/proc/sys/", 10))
		name += 10;
	if (strlen(name) >= sizeof(norm))
		return NULL;
	size_t i = 0;
	for (; name[i]; i++)
		norm[i] = name[i] == '/' ? '.' : name[i];
	norm[i] = '\0';
	for (size_t k = 0; k < N_DEFS; k++)
		if (!strcmp(defs[k].name, norm))
			return &defs[k];
	return NULL;
}

static struct vs_sysctl_extra *extra_slot(struct vstack *vs, const struct sysctl_def *d,
					  bool create)
{
	struct vs_host_private *h = vs->priv;
	for (size_t i = 0; i < h->n_extras; i++)
		if (h->extras[i].def == d)
			return &h->extras[i];
	if (!create)
		return NULL;
	struct vs_sysctl_extra *e = realloc(h->extras, (h->n_extras + 1) * sizeof(*e));
	if (!e)
		return NULL;
	h->extras = e;
	e = &h->extras[h->n_extras++];
	e->def = d;
	e->value[0] = '\0';
	return e;
}

void vs_sysctl_free_extras(struct vstack *vs)
{
	free(vs->priv->extras);
	vs->priv->extras = NULL;
	vs->priv->n_extras = 0;
}

/* Parses up to max integers separated by spaces or tabs, base as strtol
 * with 0 (so 0x70403 works, as with the kernel's parser). */
static int parse_ints(const char *s, long long *out, int max)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return -EINVAL;
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 0);
		if (end == s || errno || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
			return -EINVAL;
		out[n++] = v;
		s = end;
	}
}

static bool valid_key(const char *s)
{
	/* One or two keys, each four groups of 8 hex digits joined by '-'. */
	int groups = 0, digits = 0;
	for (; *s && *s != '\n'; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')) {
			if (++digits > 8)
				return false;
		} else if (*s == '-' || *s == ',') {
			if (digits == 0)
				return false;
			groups++;
			digits = 0;
		} else {
			return false;
		}
	}
	groups += digits > 0;
	return groups == 4 || groups == 8;
}

int vs_sysctl_set(struct vstack *vs, const char *name, const char *value)
{
	if (!name || !value)
		return -EINVAL;
	const struct sysctl_def *d = lookup(name);
	if (!d)
		return -ENOENT;
	uint8_t *base = (uint8_t *)&vs->knobs;
	long long v[3];
	int n;
	switch (d->kind) {
	case SK_CC: {
		char cc[16];
		if (sscanf(value, " %15s", cc) != 1)
			return -EINVAL;
		if (strcmp(cc, "cubic") && strcmp(cc, "reno"))
			return -EINVAL;
		memcpy(base + d->off, cc, sizeof(cc));
		return 0;
	}
	case SK_EXTRA_KEY: {
		struct vs_sysctl_extra *e;
		if (!valid_key(value) || strlen(value) >= sizeof(e->value))
			return -EINVAL;
		e = extra_slot(vs, d, true);
		if (!e)
			return -ENOMEM;
		snprintf(e->value, sizeof(e->value), "%.*s", (int)strcspn(value, "\n"), value);
		/* The primary key is what Fast Open cookies use (tcp_fastopen.c). */
		if (tcp_fastopen_parse_key(value, vs->knobs.tcp_fastopen_key) == 0)
			vs->knobs.tcp_fastopen_key_set = 1;
		return 0;
	}
	default:
		break;
	}
	n = parse_ints(value, v, d->kind == SK_VEC ? d->n : 1);
	/* A vector may be given in part: the rest keeps its value. */
	if (n <= 0)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (v[i] < d->min || v[i] > d->max)
			return -EINVAL;
	if (d->off == K(ip_local_port_range) && d->kind == SK_VEC && (n < 2 || v[0] > v[1]))
		return -EINVAL;
	int *field = (int *)(base + d->off);
	switch (d->kind) {
	case SK_INT:
		field[0] = (int)v[0];
		return 0;
	case SK_UINT:
		field[0] = (int)(unsigned)v[0];
		return 0;
	case SK_VEC:
		for (int i = 0; i < n; i++)
			field[i] = (int)v[i];
		return 0;
	case SK_EXTRA_INT: {
		struct vs_sysctl_extra *e = extra_slot(vs, d, true);
		if (!e)
			return -ENOMEM;
		snprintf(e->value, sizeof(e->value), "%lld", v[0]);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

int vs_sysctl_get(struct vstack *vs, const char *name, char *buf, size_t len)
{
	if (!name || !buf || !len)
		return -EINVAL;
	const struct sysctl_def *d = lookup(name);
	if (!d)
		return -ENOENT;
	const uint8_t *base = (const uint8_t *)&vs->knobs;
	const int *field = (const int *)(base + d->off);
	int w;
	switch (d->kind) {
	case SK_INT:
		w = snprintf(buf, len, "%d", field[0]);
		break;
	case SK_UINT:
		w = snprintf(buf, len, "%u", (unsigned)field[0]);
		break;
	case SK_VEC:
		w = d->n == 3 ? snprintf(buf, len, "%d\t%d\t%d", field[0], field[1], field[2])
			      : snprintf(buf, len, "%d\t%d", field[0], field[1]);
		break;
	case SK_CC:
		w = snprintf(buf, len, "%s", (const char *)field);
		break;
	default: {
		struct vs_sysctl_extra *e = extra_slot(vs, d, false);
		w = snprintf(buf, len, "%s", e ? e->value : extra_default(d));
		break;
	}
	}
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}
