/* One script's events in order, in the target's time. */
#include "run_loop.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calls.h"
#include "printer.h"

#define RL_REAL_STEP_USECS 1000
/* The script's own port for connections it opens. */
#define RL_REMOTE_PORT 40000

long long rl_now(struct run_state *rs)
{
	return target_now_usecs(rs->target) - rs->start_abs;
}

void rl_fmt_time(long long usecs, char *buf, size_t len)
{
	const char *sign = usecs < 0 ? "-" : "";
	long long a = usecs < 0 ? -usecs : usecs;
	snprintf(buf, len, "%s%lld.%06lld", sign, a / 1000000, a % 1000000);
}

long long rl_tolerance(struct run_state *rs, long long delta)
{
	long long tol = rs->cfg->tolerance_usecs;
	if (rs->cfg->tolerance_percent > 0 && delta > 0)
		tol += (long long)(rs->cfg->tolerance_percent / 100.0 * (double)delta);
	return tol;
}

static char *print_to_string(void (*fn)(FILE *, const void *), const void *node)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fn(f, node);
	fclose(f);
	return buf;
}

static void print_pkt_dir(FILE *f, const void *p) { print_packet(f, p); }
static void print_pkt_body(FILE *f, const void *p) { print_packet_body(f, p); }
static void print_ev(FILE *f, const void *e) { print_event(f, e); }

char *rl_print_packet(const struct packet *p, bool with_dir)
{
	return print_to_string(with_dir ? print_pkt_dir : print_pkt_body, p);
}

char *rl_print_event(const struct event *ev)
{
	return print_to_string(print_ev, ev);
}

/* The failure's text goes to stderr and into the result. */
static void finish_failure(struct run_state *rs, const char *text)
{
	fputs(text, stderr);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', stderr);
	free(rs->result->failure.error_text);
	rs->result->failure.error_text = strdup(text);
}

/* The failure's message, unless the run has already failed (the first
 * failure is the one reported). */
#define FAILURE_MSG_LEN 1024
static bool failure_message(const struct run_state *rs, char *msg, const char *fmt, va_list ap)
{
	if (rs->result->failure.set)
		return false;
	vsnprintf(msg, FAILURE_MSG_LEN, fmt, ap);
	return true;
}

void rl_fail_packet(struct run_state *rs, const struct event *ev,
		    enum failure_kind kind, const char *field,
		    const char *expected_text, const char *actual_text,
		    const char *fmt, ...)
{
	struct result *r = rs->result;
	char msg[FAILURE_MSG_LEN];
	va_list ap;
	va_start(ap, fmt);
	bool first = failure_message(rs, msg, fmt, ap);
	va_end(ap);
	if (!first)
		return;
	if (rl_non_fatal(rs, ev, kind, msg, expected_text, actual_text))
		return;
	result_fail(r, kind, ev->pos.line, ev->pos.column, "%s", msg);
	result_set_texts(r, field, expected_text, actual_text, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	fprintf(f, "%s:%d: error handling packet: %s\n", rs->script_path, ev->pos.line, msg);
	if (expected_text)
		fprintf(f, "script packet: %s\n", expected_text);
	if (actual_text)
		fprintf(f, "actual packet: %s\n", actual_text);
	fclose(f);
	finish_failure(rs, text);
	free(text);
}

void rl_fail_call(struct run_state *rs, const struct event *ev,
		  enum failure_kind kind, const char *fmt, ...)
{
	struct result *r = rs->result;
	char msg[FAILURE_MSG_LEN];
	va_list ap;
	va_start(ap, fmt);
	bool first = failure_message(rs, msg, fmt, ap);
	va_end(ap);
	if (!first)
		return;
	if (rl_non_fatal(rs, ev, kind, msg, NULL, NULL))
		return;
	result_fail(r, kind, ev->pos.line, ev->pos.column, "%s", msg);
	char *script_text = rl_print_event(ev);
	result_set_texts(r, NULL, script_text, NULL, NULL);
	free(script_text);
	char text[1400];
	snprintf(text, sizeof(text), "%s:%d: runtime error in %s call: %s\n",
		 rs->script_path, ev->pos.line, ev->u.syscall->name, msg);
	finish_failure(rs, text);
}

void rl_fail_plain(struct run_state *rs, const struct event *ev,
		   enum failure_kind kind, const char *fmt, ...)
{
	struct result *r = rs->result;
	char msg[FAILURE_MSG_LEN];
	va_list ap;
	va_start(ap, fmt);
	bool first = failure_message(rs, msg, fmt, ap);
	va_end(ap);
	if (!first)
		return;
	int line = ev ? ev->pos.line : 0, col = ev ? ev->pos.column : 0;
	result_fail(r, kind, line, col, "%s", msg);
	char text[1400];
	snprintf(text, sizeof(text), "%s:%d: %s\n", rs->script_path, line, msg);
	finish_failure(rs, text);
}

/* ------------------------------------------------------------- packets */

static int queue_push(struct run_state *rs, struct live_packet *lp, long long usecs)
{
	if (rs->queue_len == rs->queue_cap) {
		size_t cap = rs->queue_cap ? rs->queue_cap * 2 : 16;
		struct queued_packet *n = realloc(rs->queue, cap * sizeof(*n));
		if (!n)
			return -1;
		rs->queue = n;
		rs->queue_cap = cap;
	}
	rs->queue[rs->queue_len].live = *lp;
	rs->queue[rs->queue_len].usecs = usecs;
	rs->queue[rs->queue_len].split_rest = false;
	rs->queue_len++;
	/* The structs moved (copied in, maybe realloc'd). */
	for (size_t i = 0; i < rs->queue_len; i++)
		live_packet_relink(&rs->queue[i].live);
	return 0;
}

void rl_drain(struct run_state *rs)
{
	static const size_t cap = PACKET_MAX_BYTES + 1;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return;
	for (int guard = 0; guard < 100000; guard++) {
		size_t count = cap;
		if (rs->target->ifc.netdev_receive(rs->target->ifc.userdata, buf, &count) < 0)
			break;
		long long now = rl_now(rs);
		/* A real-time target may know when it sent the packet. */
		if (rs->target->sent_time) {
			int64_t sent = rs->target->sent_time(rs->target->ifc.userdata);
			if (sent >= 0 && sent - rs->start_abs <= now)
				now = sent - rs->start_abs;
		}
		if (rs->pcap)
			pcap_writer_write(rs->pcap, rs->start_abs + now, buf, count);
		struct live_packet lp;
		char err[PACKET_ERR_LEN];
		if (packet_parse(buf, count, &lp, err, sizeof(err))) {
			if (rs->cfg->verbose)
				fprintf(stderr, "vwire: %s: ignoring a packet the target sent: %s\n",
					rs->script_path, err);
			continue;
		}
		if (!packet_is_from_local(&lp, &rs->pctx)) {
			live_packet_free(&lp);
			continue;
		}
		if (queue_push(rs, &lp, now))
			live_packet_free(&lp);
	}
	free(buf);
}

/* The target's next deadline, script-relative; -1: none. */
static long long next_timer(struct run_state *rs)
{
	int64_t nt = rs->target->next_timer(rs->target->ifc.userdata);
	return nt < 0 ? -1 : (long long)nt - rs->start_abs;
}

bool rl_step(struct run_state *rs, long long limit)
{
	struct target *t = rs->target;
	long long now = rl_now(rs);
	bool progressed = true;
	if (rs->virtual_time) {
		long long nt = next_timer(rs);
		long long to;
		if (nt < 0 || nt > limit) {
			to = limit;
			progressed = false; /* nothing of the target's happens before limit */
		} else {
			to = nt;
		}
		long long d = to - now;
		if (d < 0)
			d = 0;
		if (d > (long long)UINT_MAX)
			d = UINT_MAX;
		t->ifc.usleep(t->ifc.userdata, (useconds_t)d);
		/* A timer that is due but did not fire with a zero sleep. */
		if (d == 0 && next_timer(rs) == nt && nt >= 0)
			t->ifc.usleep(t->ifc.userdata, 1);
		if (!progressed && limit > now)
			progressed = true; /* time itself moved to the limit */
	} else {
		long long d = limit - now;
		if (d > RL_REAL_STEP_USECS)
			d = RL_REAL_STEP_USECS;
		if (d < 1)
			d = 1;
		t->ifc.usleep(t->ifc.userdata, (useconds_t)d);
	}
	syscall_poll_pending(rs);
	rl_drain(rs);
	return progressed;
}

void rl_advance_to(struct run_state *rs, long long t)
{
	syscall_poll_pending(rs);
	rl_drain(rs);
	while (rl_now(rs) < t && !rs->result->failure.set)
		rl_step(rs, t);
}

/* A new socket: its connection gets its own ISNs and TS clock (learned
 * from its SYNs) and its own ports: an active open's come from its SYN
 * (outbound.c), a passive one's from the script's next SYN, sent from a
 * port of its own as packetdrill does, so that it never lands on an
 * earlier connection still open. */
static void new_connection(struct run_state *rs)
{
	seq_map_new_connection(&rs->map);
	rs->fresh_socket = true;
}

void rl_retire_ports(struct run_state *rs)
{
	size_t i = rs->old_conn_count++ % RL_OLD_CONNS;
	rs->old_conns[i].local_port = rs->pctx.local_port;
	rs->old_conns[i].remote_port = rs->pctx.remote_port;
}

static void passive_open_ports(struct run_state *rs, const struct packet *pkt)
{
	if (!rs->fresh_socket || pkt->kind != PKT_TCP ||
	    (pkt->u.tcp.flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN)
		return;
	rs->fresh_socket = false;
	if (rs->passive_opens || rs->script_conn_known)
		rl_retire_ports(rs);
	rs->pctx.local_port = (uint16_t)rs->cfg->bind_port;
	rs->pctx.remote_port = (uint16_t)(RL_REMOTE_PORT + rs->passive_opens++ % 20000);
}

static int inbound_send(struct run_state *rs, const struct event *ev,
			struct event_record *rec)
{
	uint8_t *buf = malloc(PACKET_MAX_BYTES);
	if (!buf)
		return -1;
	size_t len = 0;
	char err[PACKET_ERR_LEN];
	const struct packet *pkt = ev->u.packet;
	passive_open_ports(rs, pkt);
	if (pkt->kind == PKT_TCP && (pkt->u.tcp.flags & TCPF_SYN))
		seq_map_inbound_syn(&rs->map, pkt->u.tcp.seq_start, pkt->u.tcp.flags & TCPF_ACK);
	if (packet_build(ev->u.packet, &rs->pctx, &rs->map, buf, PACKET_MAX_BYTES,
			 &len, err, sizeof(err))) {
		char *exp = rl_print_packet(ev->u.packet, false);
		rl_fail_packet(rs, ev, FAIL_FIELD, NULL, exp, NULL, "%s", err);
		free(exp);
		free(buf);
		return -1;
	}
	long long now = rl_now(rs);
	struct live_packet lp;
	bool parsed = packet_parse(buf, len, &lp, err, sizeof(err)) == 0;
	if (parsed) {
		char text[1024];
		packet_format(&lp, DIR_INBOUND, &rs->map, false, text, sizeof(text));
		rec->actual_text = strdup(text);
		if (rs->cfg->verbose) {
			char tm[32], vt[1024];
			rl_fmt_time(now, tm, sizeof(tm));
			packet_format(&lp, DIR_INBOUND, &rs->map, true, vt, sizeof(vt));
			fprintf(stderr, "%s < %s\n", tm, vt);
		}
		live_packet_free(&lp);
	}
	if (rs->pcap)
		pcap_writer_write(rs->pcap, rs->start_abs + now, buf, len);
	int rc = rs->target->ifc.netdev_send(rs->target->ifc.userdata, buf, len);
	int e = errno;
	free(buf);
	rec->actual_usecs = now;
	if (rc < 0) {
		char *exp = rl_print_packet(ev->u.packet, false);
		rl_fail_packet(rs, ev, FAIL_TARGET, NULL, exp, NULL,
			       "target refused the packet: %s", strerror(e));
		free(exp);
		return -1;
	}
	rec->status = EVST_OK;
	rs->script_conn_known = true;
	syscall_poll_pending(rs);
	rl_drain(rs);
	return 0;
}

/* ---------------------------------------------------------------- loop */

static int event_times(struct run_state *rs, const struct event *ev,
		       long long *lo, long long *hi)
{
	const struct event_time *t = &ev->time;
	if (ev->time_omitted || t->kind == TIME_ANY) {
		*lo = LLONG_MIN;
		*hi = LLONG_MAX;
		return 0;
	}
	*lo = t->kind == TIME_RELATIVE ? rs->base_usecs + t->usecs : t->usecs;
	*hi = *lo;
	if (t->has_range)
		*hi = t->range_relative ? rs->base_usecs + t->range_usecs : t->range_usecs;
	return 0;
}

static void state_init_net(struct run_state *rs, char *err, size_t errlen, int *rc)
{
	struct config *cfg = rs->cfg;
	*rc = packet_ctx_init(&rs->pctx, cfg->ip_mode, cfg->local_ip, cfg->remote_ip,
			      (uint16_t)cfg->bind_port, RL_REMOTE_PORT, cfg->mtu, err, errlen);
}

/* The result's record of an event, with the script's text of it. */
static struct event_record *add_record(struct run_state *rs, const struct event *ev)
{
	static const char *const types[] = { "packet", "syscall", "command", "code" };
	struct event_record *rec = result_add_event(rs->result, ev->pos.line, types[ev->kind]);
	if (!rec)
		return NULL;
	if (ev->kind == EVENT_PACKET) {
		rec->script_text = rl_print_packet(ev->u.packet, false);
		rec->direction = ev->u.packet->dir == DIR_INBOUND ? "inbound" : "outbound";
	} else {
		rec->script_text = rl_print_event(ev);
	}
	return rec;
}

static void run_events(struct run_state *rs)
{
	struct script *s = rs->script;
	size_t i;
	for (i = 0; i < s->event_count && !rs->result->failure.set; i++) {
		const struct event *ev = &s->events[i];
		struct event_record *rec = add_record(rs, ev);
		if (!rec)
			break;
		long long lo, hi;
		event_times(rs, ev, &lo, &hi);
		bool any = lo == LLONG_MIN;
		if (!any) {
			rec->has_expected = true;
			rec->expected_usecs = lo;
		}
		/* A new call waits for the blocking one still running. */
		if (ev->kind == EVENT_SYSCALL && rs->pending && syscall_finish_pending(rs))
			break;
		long long when = any ? rl_now(rs) : lo;
		int rc = 0;
		switch (ev->kind) {
		case EVENT_PACKET:
			if (ev->u.packet->dir == DIR_INBOUND) {
				rl_advance_to(rs, when);
				rc = inbound_send(rs, ev, rec);
			} else {
				long long tol = rl_tolerance(rs, any ? 0 : lo - rs->base_usecs);
				rc = outbound_expect(rs, ev, any ? LLONG_MIN : lo - tol,
						     any ? LLONG_MAX : hi + tol, rec);
				if (rc == 0)
					when = rec->actual_usecs;
			}
			break;
		case EVENT_SYSCALL:
			rl_advance_to(rs, when);
			if (ev->u.syscall->call_id == CALL_SOCKET)
				new_connection(rs);
			rc = syscall_event(rs, ev, when, rec);
			break;
		case EVENT_COMMAND:
			if (!ev->time_omitted)
				rl_advance_to(rs, when);
			rec->actual_usecs = rl_now(rs);
			rc = command_run(rs, ev);
			/* Real time (kernel target): a command's run time is not
			 * script time, as in packetdrill; shift the origin. */
			if (!rs->virtual_time)
				rs->start_abs += rl_now(rs) - rec->actual_usecs;
			break;
		case EVENT_CODE:
			rl_advance_to(rs, when);
			rec->actual_usecs = rl_now(rs);
			rc = code_snapshot(rs, ev);
			break;
		}
		if (rc == 0 && rec->status == EVST_NOT_REACHED)
			rec->status = EVST_OK;
		if (rc)
			rec->status = EVST_FAILED;
		if (!ev->time_omitted)
			rs->base_usecs = when;
	}
	if (!rs->result->failure.set && rs->pending)
		syscall_finish_pending(rs);
	/* The rest of the script was not reached. */
	for (i++; i < s->event_count; i++) {
		if (!add_record(rs, &s->events[i]))
			break;
	}
	if (!rs->result->failure.set)
		code_run_all(rs);
}

int run_loop_run(struct config *cfg, struct script *s, const char *path,
		 struct target *t, struct result *r)
{
	struct run_state *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -1;
	rs->cfg = cfg;
	rs->script = s;
	rs->script_path = path;
	rs->target = t;
	rs->result = r;
	rs->socket_under_test = -1;
	rs->virtual_time = t->next_timer != NULL;
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(rs->script_dir, sizeof(rs->script_dir), "%s", dirname(tmp));
	pthread_mutex_init(&rs->lock, NULL);
	pthread_cond_init(&rs->cond, NULL);
	seq_map_init(&rs->map, cfg->tcp_ts_tick_usecs, cfg->tolerance_usecs);

	char err[512];
	int rc;
	state_init_net(rs, err, sizeof(err), &rc);
	if (rc) {
		rl_fail_plain(rs, NULL, FAIL_TARGET, "bad network configuration: %s", err);
		goto out;
	}
	if (t->configure) {
		struct vwire_net_config nc;
		memset(&nc, 0, sizeof(nc));
		nc.ip_mode = cfg->ip_mode;
		snprintf(nc.local_ip, sizeof(nc.local_ip), "%s", cfg->local_ip);
		snprintf(nc.remote_ip, sizeof(nc.remote_ip), "%s", cfg->remote_ip);
		snprintf(nc.gateway_ip, sizeof(nc.gateway_ip), "%s", cfg->gateway_ip);
		snprintf(nc.netmask_ip, sizeof(nc.netmask_ip), "%s", cfg->netmask_ip);
		nc.mtu = cfg->mtu;
		nc.seed = cfg->seed;
		if (t->configure(t->ifc.userdata, &nc)) {
			rl_fail_plain(rs, NULL, FAIL_TARGET, "target rejected the network configuration");
			goto out;
		}
	}
	if (cfg->pcap_path) {
		rs->pcap = pcap_writer_open(cfg->pcap_path, err, sizeof(err));
		if (!rs->pcap) {
			rl_fail_plain(rs, NULL, FAIL_TARGET, "cannot write pcap: %s", err);
			goto out;
		}
	}
	if (syscall_thread_start(rs)) {
		rl_fail_plain(rs, NULL, FAIL_TARGET, "cannot start the syscall thread");
		goto out;
	}
	rs->start_abs = target_now_usecs(t);
	state_hook_install(rs);
	run_events(rs);
	/* A blocking call still asleep in the target when the script ended
	 * (after a failure) cannot be joined. */
	if (rs->pending) {
		syscall_poll_pending(rs);
		if (rs->pending->returned_usecs < 0)
			rs->stuck = true;
	}
	state_hook_remove(rs);
	r->virtual_usecs = rl_now(rs);
out:
	syscall_thread_stop(rs);
	if (rs->pcap)
		pcap_writer_close(rs->pcap);
	/* A call stuck in the target still uses rs: leave it to the exit. */
	if (rs->stuck)
		return 1;
	for (size_t i = 0; i < rs->queue_len; i++)
		live_packet_free(&rs->queue[i].live);
	free(rs->queue);
	free(rs->codes);
	int stuck = rs->stuck;
	free(rs->pending);
	pthread_mutex_destroy(&rs->lock);
	pthread_cond_destroy(&rs->cond);
	free(rs);
	return stuck;
}
