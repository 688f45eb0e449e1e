/* vwire_connections: lwIP's TCP control blocks (listening, active and
 * TIME-WAIT lists) as 4-tuples with Linux-numbered states. */
#include "lwip_target.h"

#include <string.h>

#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

/* lwIP numbers states CLOSED=0 .. TIME_WAIT=10 (enum tcp_state). */
static int linux_state(enum tcp_state s)
{
	switch (s) {
	case LISTEN: return VWIRE_TCP_LISTEN;
	case SYN_SENT: return VWIRE_TCP_SYN_SENT;
	case SYN_RCVD: return VWIRE_TCP_SYN_RECV;
	case ESTABLISHED: return VWIRE_TCP_ESTABLISHED;
	case FIN_WAIT_1: return VWIRE_TCP_FIN_WAIT1;
	case FIN_WAIT_2: return VWIRE_TCP_FIN_WAIT2;
	case CLOSE_WAIT: return VWIRE_TCP_CLOSE_WAIT;
	case CLOSING: return VWIRE_TCP_CLOSING;
	case LAST_ACK: return VWIRE_TCP_LAST_ACK;
	case TIME_WAIT: return VWIRE_TCP_TIME_WAIT;
	case CLOSED:
	default: return VWIRE_TCP_CLOSE;
	}
}

static const void *pcb_of_fd(int fd)
{
	struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd - LWT_FD_BIAS);
	return sock && sock->conn ? (const void *)sock->conn->pcb.tcp : NULL;
}

/* Caller holds the core lock. Called before shutdown(SHUT_RDWR), which
 * makes lwIP let go of the control block while the descriptor stays. */
void lwt_remember_pcb(int fd)
{
	const void *pcb = pcb_of_fd(fd);
	size_t max = sizeof(lwt_g.detached) / sizeof(lwt_g.detached[0]);
	if (!pcb)
		return;
	for (size_t i = 0; i < max; i++) {
		if (!lwt_g.detached[i].pcb || lwt_g.detached[i].fd == fd) {
			lwt_g.detached[i].pcb = pcb;
			lwt_g.detached[i].fd = fd;
			return;
		}
	}
}

/* The descriptor whose netconn owns pcb, or the still open descriptor a
 * shutdown detached it from, or -1. Sockets are few. */
static int fd_of(const void *pcb)
{
	for (int s = LWIP_SOCKET_OFFSET; s < LWIP_SOCKET_OFFSET + 1024; s++) {
		struct lwip_sock *sock = lwip_socket_dbg_get_socket(s);
		if (sock && sock->conn && (const void *)sock->conn->pcb.tcp == pcb)
			return s + LWT_FD_BIAS;
	}
	size_t max = sizeof(lwt_g.detached) / sizeof(lwt_g.detached[0]);
	for (size_t i = 0; i < max; i++) {
		int fd = lwt_g.detached[i].fd;
		if (lwt_g.detached[i].pcb != pcb)
			continue;
		struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd - LWT_FD_BIAS);
		if (sock && sock->conn && !sock->conn->pcb.tcp)
			return fd;
	}
	return -1;
}

static void fill(struct vwire_conn *c, const struct tcp_pcb *pcb, int state)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd_of(pcb);
	c->state = state;
	c->local_port = pcb->local_port;
	c->remote_port = pcb->remote_port;
	if (IP_IS_V6_VAL(pcb->local_ip)) {
		c->family = AF_INET6;
		memcpy(c->local_addr, ip_2_ip6(&pcb->local_ip)->addr, 16);
		memcpy(c->remote_addr, ip_2_ip6(&pcb->remote_ip)->addr, 16);
	} else {
		c->family = AF_INET;
		u32_t l = ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip));
		u32_t r = ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip));
		memcpy(c->local_addr, &l, 4);
		memcpy(c->remote_addr, &r, 4);
	}
}

/* Caller holds the core lock. Like vwire_connections, and each entry's
 * control block in pcbs (may be NULL). */
int lwt_list_connections(struct vwire_conn *out, const void **pcbs, int max)
{
	int n = 0;
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next, n++) {
		if (n >= max)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].fd = fd_of(l);
		out[n].state = VWIRE_TCP_LISTEN;
		out[n].local_port = l->local_port;
		out[n].family = IP_IS_V6_VAL(l->local_ip) ? AF_INET6 : AF_INET;
		if (out[n].family == AF_INET6) {
			memcpy(out[n].local_addr, ip_2_ip6(&l->local_ip)->addr, 16);
		} else {
			u32_t a = ip4_addr_get_u32(ip_2_ip4(&l->local_ip));
			memcpy(out[n].local_addr, &a, 4);
		}
		if (pcbs)
			pcbs[n] = l;
	}
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next, n++) {
		if (n >= max)
			continue;
		fill(&out[n], p, linux_state(p->state));
		if (pcbs)
			pcbs[n] = p;
	}
	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next, n++) {
		if (n >= max)
			continue;
		fill(&out[n], p, VWIRE_TCP_TIME_WAIT);
		if (pcbs)
			pcbs[n] = p;
	}
	return n;
}

int vwire_connections(void *userdata, struct vwire_conn *out, int max)
{
	(void)userdata;
	lwt_core_lock();
	int n = lwt_list_connections(out, NULL, max);
	lwt_core_unlock();
	return n;
}
