/* tcp_state(FD_OR_TUPLE) = STATE, and the state timeline for --json. */
#include "run_loop.h"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	[VWIRE_TCP_ESTABLISHED] = "ESTABLISHED", [VWIRE_TCP_SYN_SENT] = "SYN_SENT",
	[VWIRE_TCP_SYN_RECV] = "SYN_RECV", [VWIRE_TCP_FIN_WAIT1] = "FIN_WAIT1",
	[VWIRE_TCP_FIN_WAIT2] = "FIN_WAIT2", [VWIRE_TCP_TIME_WAIT] = "TIME_WAIT",
	[VWIRE_TCP_CLOSE] = "CLOSE", [VWIRE_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[VWIRE_TCP_LAST_ACK] = "LAST_ACK", [VWIRE_TCP_LISTEN] = "LISTEN",
	[VWIRE_TCP_CLOSING] = "CLOSING",
};

const char *tcp_state_name(int s)
{
	if (s >= VWIRE_TCP_ESTABLISHED && s <= VWIRE_TCP_CLOSING)
		return state_names[s];
	return "UNKNOWN";
}

static void format_endpoint(int family, const uint8_t *addr, uint16_t port,
			    char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static void format_conn(const struct vwire_conn *c, char *buf, size_t len)
{
	char r[80], l[80];
	format_endpoint(c->family, c->remote_addr, c->remote_port, r, sizeof(r));
	format_endpoint(c->family, c->local_addr, c->local_port, l, sizeof(l));
	snprintf(buf, len, "%s>%s", r, l);
}

/* Runs inside the target with its locks held: only record. */
static void on_state(void *ctx, const struct vwire_conn *conn, int old_state,
		     int new_state, int64_t usecs)
{
	struct run_state *rs = ctx;
	struct state_record s;
	memset(&s, 0, sizeof(s));
	s.usecs = (long long)usecs - rs->start_abs;
	format_conn(conn, s.conn, sizeof(s.conn));
	snprintf(s.from, sizeof(s.from), "%s", tcp_state_name(old_state));
	snprintf(s.to, sizeof(s.to), "%s", tcp_state_name(new_state));
	pthread_mutex_lock(&rs->lock);
	result_add_state(rs->result, &s);
	pthread_mutex_unlock(&rs->lock);
}

void state_hook_install(struct run_state *rs)
{
	if (rs->target->set_state_hook)
		rs->target->set_state_hook(rs->target->ifc.userdata, on_state, rs);
}

void state_hook_remove(struct run_state *rs)
{
	if (rs->target->set_state_hook && !rs->stuck)
		rs->target->set_state_hook(rs->target->ifc.userdata, NULL, NULL);
}

/* The connection's 4-tuple as the script names it ("r:p>l:p"), or the
 * script's own from its packets. */
static int tuple_of(struct run_state *rs, const struct expr *e, char *buf, size_t len)
{
	if (e->kind == EXPR_STRING) {
		snprintf(buf, len, "%s", e->u.string.bytes);
		return 0;
	}
	struct vwire_conn c;
	memset(&c, 0, sizeof(c));
	c.family = rs->pctx.wire_version == 6 ? AF_INET6 : AF_INET;
	memcpy(c.local_addr, rs->pctx.local_addr, 16);
	memcpy(c.remote_addr, rs->pctx.remote_addr, 16);
	c.local_port = rs->pctx.local_port;
	c.remote_port = rs->pctx.remote_port;
	format_conn(&c, buf, len);
	return 0;
}

int state_assert(struct run_state *rs, const struct event *ev)
{
	const struct syscall *sc = ev->u.syscall;
	const struct expr *what = sc->args.items[0];
	int want = (int)sc->result->value;
	int got = -1;
	struct target *t = rs->target;
	if (t->connections) {
		struct vwire_conn conns[256];
		int n = t->connections(t->ifc.userdata, conns, 256);
		if (n > 256)
			n = 256;
		char name[160], tuple[160];
		if (what->kind != EXPR_INT)
			tuple_of(rs, what, name, sizeof(name));
		got = VWIRE_TCP_CLOSE;
		for (int i = 0; i < n; i++) {
			if (what->kind == EXPR_INT) {
				if (conns[i].fd == fd_map_live(&rs->fds, (int)what->u.num)) {
					got = conns[i].state;
					break;
				}
				continue;
			}
			format_conn(&conns[i], tuple, sizeof(tuple));
			/* The script's own connection is never the listener. */
			if (!strcmp(tuple, name) && conns[i].state != VWIRE_TCP_LISTEN) {
				got = conns[i].state;
				break;
			}
		}
	} else if (what->kind == EXPR_INT && t->ifc.getsockopt) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);
		memset(&ti, 0, sizeof(ti));
		if (t->ifc.getsockopt(t->ifc.userdata, (int)what->u.num, IPPROTO_TCP,
				      TCP_INFO, &ti, &len) == 0)
			got = ti.tcpi_state;
	}
	if (got < 0) {
		rl_fail_call(rs, ev, FAIL_TARGET, "target cannot report states");
		return -1;
	}
	if (got != want) {
		rl_fail_call(rs, ev, FAIL_SYSCALL, "Expected state TCP_%s but got TCP_%s",
			     tcp_state_name(want), tcp_state_name(got));
		return -1;
	}
	return 0;
}
