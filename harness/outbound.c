/* Waiting for an outbound packet and matching it with the script's. */
#include "run_loop.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* How long past the window to keep waiting, so a late packet is reported
 * as a timing error with its time rather than as a missing one. */
#define LATE_GRACE_USECS 1000000LL

static void format_live(struct run_state *rs, const struct queued_packet *q,
			char *buf, size_t len)
{
	char tm[32], body[1024];
	rl_fmt_time(q->usecs, tm, sizeof(tm));
	packet_format(&q->live, DIR_OUTBOUND, &rs->map, false, body, sizeof(body));
	snprintf(buf, len, "%s %s", tm, body);
}

static char *format_expected(const struct packet *p, long long usecs, bool any)
{
	char *body = rl_print_packet(p, false);
	char tm[32];
	if (any)
		snprintf(tm, sizeof(tm), "*");
	else
		rl_fmt_time(usecs, tm, sizeof(tm));
	size_t n = strlen(tm) + (body ? strlen(body) : 0) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s %s", tm, body ? body : "");
	free(body);
	return out;
}

/* Wait until the queue holds more than have packets or time passes limit. */
static bool wait_for_packets(struct run_state *rs, size_t have, long long limit)
{
	rl_drain(rs);
	while (rs->queue_len <= have) {
		if (rl_now(rs) >= limit)
			return false;
		if (!rl_step(rs, limit) && rs->queue_len <= have)
			return false;
	}
	return true;
}

static void record_fields(struct event_record *rec, struct run_state *rs,
			  const struct live_packet *lp)
{
	char text[1024];
	packet_format(lp, DIR_OUTBOUND, &rs->map, false, text, sizeof(text));
	free(rec->actual_text);
	rec->actual_text = strdup(text);
	if (lp->protocol != 6)
		return;
	rec->has_fields = true;
	static const struct { uint16_t bit; char c; } letters[] = {
		{ TCPF_SYN, 'S' }, { TCPF_FIN, 'F' }, { TCPF_RST, 'R' }, { TCPF_PSH, 'P' },
		{ TCPF_URG, 'U' }, { TCPF_ECE, 'E' }, { TCPF_CWR, 'W' }, { TCPF_ACK, '.' },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (lp->flags & letters[i].bit)
			rec->flags[n++] = letters[i].c;
	if (!n)
		rec->flags[n++] = '-';
	rec->flags[n] = '\0';
	uint32_t seq = seq_map_outbound_seq(&rs->map, lp->seq);
	rec->seq = seq;
	rec->end_seq = (uint32_t)(seq + lp->payload_len);
	rec->len = (long long)lp->payload_len;
	rec->ack = (lp->flags & TCPF_ACK) ? (long long)lp->ack : -1;
	rec->win = lp->window;
	char opts[512];
	packet_format_options(lp->options, lp->option_count, opts, sizeof(opts));
	/* Stored without the angle brackets, as the JSON format shows. */
	size_t ol = strlen(opts);
	if (ol >= 2 && opts[0] == '<' && opts[ol - 1] == '>') {
		opts[ol - 1] = '\0';
		rec->options = strdup(opts + 1);
	} else {
		rec->options = strdup(opts);
	}
}

static void drop_front(struct run_state *rs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		live_packet_free(&rs->queue[i].live);
	memmove(rs->queue, rs->queue + n, (rs->queue_len - n) * sizeof(rs->queue[0]));
	rs->queue_len -= n;
	for (size_t i = 0; i < rs->queue_len; i++)
		live_packet_relink(&rs->queue[i].live);
}

/* What is left of a super-segment once its first n payload bytes have
 * matched: the same headers, sequence advanced by n. */
static void keep_rest(struct live_packet *lp, size_t n)
{
	lp->seq += (uint32_t)n;
	lp->payload += n;
	lp->payload_len -= n;
}

/* The first outbound packet of a connection we did not open, or an
 * active open's SYN, fixes the ports the script's packets use (an active
 * open picks its own port). */
static void learn_ports(struct run_state *rs, const struct live_packet *lp)
{
	bool active_syn = lp->protocol == 6 && (lp->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;
	if ((rs->script_conn_known && !active_syn) || (lp->protocol != 6 && lp->protocol != 17))
		return;
	if (active_syn) {
		rs->fresh_socket = false;
		if (rs->script_conn_known && (lp->src_port != rs->pctx.local_port ||
					      lp->dst_port != rs->pctx.remote_port))
			rl_retire_ports(rs);
	}
	rs->pctx.local_port = lp->src_port;
	rs->pctx.remote_port = lp->dst_port;
	rs->script_conn_known = true;
}

static bool is_pure_syn(uint16_t flags)
{
	return (flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;
}

/* A segment of a connection the script has left: the one before the
 * current, or, while the script waits for a new socket's SYN, anything
 * from the ports of the one it is leaving (its retransmitted SYN too: a
 * new connect() picks a new port). */
static bool from_other_connection(const struct run_state *rs, const struct packet *exp,
				  const struct live_packet *lp)
{
	if (lp->protocol != 6)
		return false;
	bool current = lp->src_port == rs->pctx.local_port && lp->dst_port == rs->pctx.remote_port;
	size_t n = rs->old_conn_count < RL_OLD_CONNS ? rs->old_conn_count : RL_OLD_CONNS;
	for (size_t i = 0; i < n && !current; i++)
		if (lp->src_port == rs->old_conns[i].local_port &&
		    lp->dst_port == rs->old_conns[i].remote_port)
			return true;
	return rs->fresh_socket && rs->script_conn_known && exp->kind == PKT_TCP &&
	       is_pure_syn(exp->u.tcp.flags) && current;
}

/* Wait for the first packet of the script's connection; others' go. */
static bool wait_for_own_packet(struct run_state *rs, const struct packet *exp,
				long long limit)
{
	for (;;) {
		if (!wait_for_packets(rs, 0, limit))
			return false;
		if (!from_other_connection(rs, exp, &rs->queue[0].live))
			return true;
		if (rs->cfg->verbose) {
			char text[1200];
			format_live(rs, &rs->queue[0], text, sizeof(text));
			fprintf(stderr, "vwire: ignoring a packet of an earlier connection: %s\n", text);
		}
		drop_front(rs, 1);
	}
}

int outbound_expect(struct run_state *rs, const struct event *ev,
		    long long lo, long long hi, struct event_record *rec)
{
	const struct packet *exp = ev->u.packet;
	bool any = lo == LLONG_MIN;
	long long script_time = rec->has_expected ? rec->expected_usecs : 0;
	long long wait_until = any ? LLONG_MAX / 4 : hi + LATE_GRACE_USECS;
	unsigned flags = rs->cfg->tcp_ts_tick_usecs > 0 ? PKT_CMP_TS_VAL : 0;
	char *exp_text = format_expected(exp, script_time, any);
	char act[1200];
	int rc = -1;

	if (!wait_for_own_packet(rs, exp, wait_until)) {
		rec->actual_usecs = rl_now(rs);
		rl_fail_packet(rs, ev, FAIL_MISSING, NULL, exp_text, NULL,
			       "Timed out waiting for packet");
		goto out;
	}
	struct queued_packet *first = &rs->queue[0];
	learn_ports(rs, &first->live);
	packet_learn_mapping(&rs->map, exp, &first->live);
	struct packet_mismatch mm;
	size_t used = 1;
	/* The rest of a split super-segment carries the PSH of the
	 * super-segment's end, which a segmenting device would put on its
	 * last piece only: a PSH the script does not ask for is not held
	 * against it. */
	struct live_packet as_seen = first->live; /* read only: a shallow copy */
	if (first->split_rest && exp->kind == PKT_TCP && !(exp->u.tcp.flags & TCPF_PSH))
		as_seen.flags &= (uint16_t)~TCPF_PSH;
	int cmp = packet_compare(exp, &as_seen, &rs->map, flags, &mm);
	bool joinable = cmp && !rs->cfg->strict_segments && exp->kind == PKT_TCP &&
			!exp->u.tcp.seq_any && first->live.protocol == 6 &&
			first->live.payload_len > 0 &&
			first->live.payload_len < exp->u.tcp.payload_len;
	if (joinable) {
		struct packet_mismatch jm;
		int jr;
		for (;;) {
			const struct live_packet *lives[256];
			size_t n = used < 256 ? used : 256;
			for (size_t i = 0; i < n; i++)
				lives[i] = &rs->queue[i].live;
			jr = packet_compare_run(exp, lives, n, &rs->map, flags, &jm);
			if (jr != 2 || n == 256)
				break;
			if (!wait_for_packets(rs, used, wait_until))
				break;
			used++;
		}
		if (jr == 0) {
			cmp = 0;
		} else if (jr == 2) {
			/* The pieces that came were right but too few. */
			mm = jm;
		}
		first = &rs->queue[0];
		if (cmp)
			used = 1;
	}
	/* The mirror, asked for with --split_segments (packetdrill does not
	 * split, so the corpus keeps its verdicts): a live super-segment
	 * longer than the expected packet gives it its front bytes and stays
	 * queued with the rest. */
	size_t split = 0;
	if (cmp && rs->cfg->split_segments && !rs->cfg->strict_segments && exp->kind == PKT_TCP &&
	    !exp->u.tcp.seq_any && exp->u.tcp.payload_len > 0 &&
	    first->live.protocol == 6 && first->live.payload_len > exp->u.tcp.payload_len) {
		struct packet_mismatch fm;
		if (packet_compare_front(exp, &first->live, &rs->map, flags, &fm) == 0) {
			cmp = 0;
			split = exp->u.tcp.payload_len;
		} else if (strcmp(fm.field, "payload")) {
			mm = fm; /* the piece's own mismatch says more than its length */
		}
	}
	struct queued_packet *last = &rs->queue[used - 1];
	rec->actual_usecs = last->usecs;
	struct live_packet shown = first->live; /* read only: a shallow copy */
	if (split)
		shown.payload_len = split;
	record_fields(rec, rs, &shown);
	format_live(rs, first, act, sizeof(act));
	if (rs->cfg->verbose) {
		for (size_t i = 0; i < used; i++) {
			char tm[32], vt[1024];
			rl_fmt_time(rs->queue[i].usecs, tm, sizeof(tm));
			packet_format(&rs->queue[i].live, DIR_OUTBOUND, &rs->map, true, vt, sizeof(vt));
			fprintf(stderr, "%s > %s\n", tm, vt);
		}
	}
	if (cmp) {
		enum failure_kind kind = !strcmp(mm.field, "payload") ? FAIL_PAYLOAD : FAIL_FIELD;
		rl_fail_packet(rs, ev, kind, mm.field, exp_text, act, "%s", mm.text);
		goto out;
	}
	long long at = first->usecs;
	if (!any && (at < lo || at > hi)) {
		char e[32], a[32], t[32];
		rl_fmt_time(script_time, e, sizeof(e));
		rl_fmt_time(at, a, sizeof(a));
		rl_fmt_time(lo <= script_time ? script_time - lo : 0, t, sizeof(t));
		rl_fail_packet(rs, ev, FAIL_TIMING, NULL, exp_text, act,
			       "timing error: expected outbound packet at %s sec but happened at %s sec; tolerance %s sec",
			       e, a, t);
		goto out;
	}
	rec->actual_usecs = at;
	if (split) {
		keep_rest(&first->live, split);
		first->split_rest = true;
	} else
		drop_front(rs, used);
	rc = 0;
out:
	free(exp_text);
	return rc;
}
