/* The sysctl extension. lwIP's TCP is configured when the library is
 * built (lwipopts.h), not at run time: the adapter lists the Linux knobs
 * that have an lwIP equivalent with the value Debian's build fixed, accepts
 * a write of that same value, and refuses any other with a note. */
#include "lwip_target.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/opt.h"

struct knob {
	const char *name;
	const char *value;  /* lwIP's behaviour in the knob's terms, as /proc/sys shows it */
	const char *why;    /* what fixes it in lwIP */
};

#define STR_(x) #x
#define STR(x) STR_(x)

/* The Linux knobs vwire's suites and the public corpus write. lwIP has
 * none at run time; each shows the value that describes what lwIP does,
 * so writing that value is accepted and any other is refused with a note
 * (the script carries on and fails where the behaviour matters). */
/* Debian's lwipopts.h writes these in hex; /proc/sys shows decimal. */
_Static_assert(TCP_WND == 65535 && TCP_SND_BUF == 65535,
	       "tcp_rmem/tcp_wmem below assume a 65535-byte TCP_WND and TCP_SND_BUF");

static const struct knob knobs[] = {
	{ "net.ipv4.tcp_timestamps", "0", "no RFC 7323 timestamps (LWIP_TCP_TIMESTAMPS=0)" },
	{ "net.ipv4.tcp_sack", "0", "no SACK (LWIP_TCP_SACK_OUT=0)" },
	{ "net.ipv4.tcp_dsack", "0", "no D-SACK" },
	{ "net.ipv4.tcp_fack", "0", "no FACK" },
	{ "net.ipv4.tcp_window_scaling", "1", "window scaling built in (LWIP_WND_SCALE=1)" },
	{ "net.ipv4.tcp_syncookies", "0", "no SYN cookies" },
	{ "net.ipv4.tcp_syn_retries", STR(TCP_SYNMAXRTX), "TCP_SYNMAXRTX" },
	{ "net.ipv4.tcp_synack_retries", STR(TCP_SYNMAXRTX), "TCP_SYNMAXRTX covers SYN-ACKs too" },
	{ "net.ipv4.tcp_syn_linear_timeouts", "0", "SYN retransmissions back off exponentially" },
	{ "net.ipv4.tcp_retries2", STR(TCP_MAXRTX), "TCP_MAXRTX" },
	{ "net.ipv4.tcp_fin_timeout", "20", "TCP_FIN_WAIT_TIMEOUT (20 s)" },
	{ "net.ipv4.tcp_keepalive_time", "7200", "TCP_KEEPIDLE_DEFAULT" },
	{ "net.ipv4.tcp_keepalive_intvl", "75", "TCP_KEEPINTVL_DEFAULT" },
	{ "net.ipv4.tcp_keepalive_probes", "9", "TCP_KEEPCNT_DEFAULT" },
	{ "net.ipv4.tcp_rfc1337", "0", "no run-time TIME-WAIT assassination switch" },
	{ "net.ipv4.tcp_ecn", "0", "no ECN" },
	{ "net.ipv4.tcp_ecn_option", "0", "no ECN" },
	{ "net.ipv4.tcp_early_retrans", "0", "no early retransmit or tail loss probe" },
	{ "net.ipv4.tcp_frto", "0", "no F-RTO" },
	{ "net.ipv4.tcp_recovery", "0", "no RACK" },
	{ "net.ipv4.tcp_reordering", "3", "three duplicate ACKs, fixed" },
	{ "net.ipv4.tcp_no_metrics_save", "1", "no metrics cache" },
	{ "net.ipv4.tcp_slow_start_after_idle", "0", "no cwnd restart after idle" },
	{ "net.ipv4.tcp_autocorking", "0", "no autocorking" },
	{ "net.ipv4.tcp_invalid_ratelimit", "0", "no rate limit on ACKs to invalid segments" },
	{ "net.ipv4.tcp_challenge_ack_limit", "0", "no RFC 5961 challenge ACKs" },
	{ "net.ipv4.tcp_congestion_control", "reno", "lwIP's built-in Reno" },
	{ "net.ipv4.tcp_fastopen", "0", "no TCP Fast Open" },
	{ "net.ipv4.tcp_fastopen_key", "00000000-00000000-00000000-00000000", "no TCP Fast Open" },
	{ "net.ipv4.tcp_notsent_lowat", "4294967295", "no TCP_NOTSENT_LOWAT" },
	{ "net.ipv4.tcp_tso_win_divisor", "3", "no TSO" },
	{ "net.ipv4.tcp_min_tso_segs", "2", "no TSO" },
	{ "net.ipv4.tcp_pacing_ss_ratio", "200", "no pacing" },
	{ "net.ipv4.tcp_pacing_ca_ratio", "120", "no pacing" },
	{ "net.ipv4.tcp_rmem", "4096\t65535\t65535", "TCP_WND" },
	{ "net.ipv4.tcp_wmem", "4096\t65535\t65535", "TCP_SND_BUF" },
};

static const struct knob *find(const char *name)
{
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

/* Same fields, whatever the white space between them ("4096 65535" and
 * "4096\t65535\n" are one value). */
static bool same(const char *a, const char *b)
{
	for (;;) {
		a += strspn(a, " \t\n");
		b += strspn(b, " \t\n");
		size_t la = strcspn(a, " \t\n"), lb = strcspn(b, " \t\n");
		if (la != lb || strncmp(a, b, la))
			return false;
		if (!la)
			return true;
		a += la;
		b += lb;
	}
}

int vwire_sysctl_set(void *userdata, const char *name, const char *value)
{
	(void)userdata;
	const struct knob *k = find(name);
	char what[128], detail[160];
	if (!k) {
		snprintf(what, sizeof(what), "sysctl %s", name);
		lwt_note_lacks(what, NULL);
		errno = ENOENT;
		return -1;
	}
	if (same(k->value, value))
		return 0;
	snprintf(what, sizeof(what), "a run-time setting for %s", name);
	snprintf(detail, sizeof(detail), "fixed at %s when liblwip was built: %s",
		 k->value, k->why);
	lwt_note_lacks(what, detail);
	errno = EINVAL;
	return -1;
}

int vwire_sysctl_get(void *userdata, const char *name, char *buf, size_t len)
{
	(void)userdata;
	const struct knob *k = find(name);
	if (!k) {
		errno = ENOENT;
		return -1;
	}
	snprintf(buf, len, "%s\n", k->value);
	return 0;
}

const char *vwire_sysctl_name(void *userdata, size_t index)
{
	(void)userdata;
	return index < sizeof(knobs) / sizeof(knobs[0]) ? knobs[index].name : NULL;
}
