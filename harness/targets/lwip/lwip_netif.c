/* The virtual wire: a netif whose output queues IP packets for
 * netdev_receive() and whose input is netdev_send(); the addresses, MTU
 * and (through the MTU) MSS come from vwire_configure(). */
#include "lwip_target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

/* Packets lwIP sent and nobody collected; beyond this they are dropped
 * (a stack in a loop must not eat the machine's memory). */
#define LWT_MAX_QUEUED 65536

static void queue_packet(struct pbuf *p)
{
	struct lwt_packet *pk = malloc(sizeof(*pk) + p->tot_len);
	if (!pk)
		return;
	pk->next = NULL;
	pk->len = pbuf_copy_partial(p, pk->data, p->tot_len, 0);
	pthread_mutex_lock(&lwt_g.wire_lock);
	if (lwt_g.out_count >= LWT_MAX_QUEUED) {
		pthread_mutex_unlock(&lwt_g.wire_lock);
		free(pk);
		return;
	}
	if (lwt_g.out_tail)
		lwt_g.out_tail->next = pk;
	else
		lwt_g.out_head = pk;
	lwt_g.out_tail = pk;
	lwt_g.out_count++;
	pthread_mutex_unlock(&lwt_g.wire_lock);
}

/* No link layer: lwIP hands us IP packets, no ARP or neighbour discovery. */
static err_t output_ip4(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
	(void)n;
	(void)dst;
	queue_packet(p);
	return ERR_OK;
}

static err_t output_ip6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst)
{
	(void)n;
	(void)dst;
	queue_packet(p);
	return ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
	n->name[0] = 'v';
	n->name[1] = 'w';
	n->output = output_ip4;
	n->output_ip6 = output_ip6;
	n->mtu = (u16_t)(lwt_g.cfg.mtu > 0 ? lwt_g.cfg.mtu : 1500);
	n->mtu6 = n->mtu;
	/* No NETIF_FLAG_ETHARP/IGMP/MLD6: nothing but what sockets send. */
	n->flags = 0;
	return ERR_OK;
}

int lwt_start(void)
{
	if (lwt_g.lwip_started)
		return 0;
	lwt_core_lock();
	lwip_init();
	lwt_g.lwip_started = true;
	lwt_core_unlock();
	return 0;
}

static int parse4(const char *text, ip4_addr_t *out)
{
	struct in_addr a;
	if (!text || inet_pton(AF_INET, text, &a) != 1)
		return -1;
	ip4_addr_set_u32(out, a.s_addr);
	return 0;
}

static int parse6(const char *text, ip6_addr_t *out)
{
	struct in6_addr a;
	if (!text || inet_pton(AF_INET6, text, &a) != 1)
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(out->addr, a.s6_addr, 16);
	return 0;
}

/* The script's IPv4 or IPv6 network on the netif. */
static int add_addresses(struct netif *n, const struct vwire_net_config *cfg)
{
	ip4_addr_t ip4, mask4, gw4;
	ip4_addr_set_zero(&ip4);
	ip4_addr_set_zero(&mask4);
	ip4_addr_set_zero(&gw4);
	bool v6 = cfg->ip_mode == VWIRE_IPV6;
	if (!v6) {
		if (parse4(cfg->local_ip, &ip4))
			return -1;
		if (parse4(cfg->netmask_ip, &mask4))
			IP4_ADDR(&mask4, 255, 255, 0, 0);
		if (parse4(cfg->gateway_ip, &gw4))
			gw4 = ip4;
	}
	if (!netif_add(n, &ip4, &mask4, &gw4, NULL, netif_setup, ip_input))
		return -1;
	if (v6) {
		ip6_addr_t a6;
		s8_t idx = -1;
		if (parse6(cfg->local_ip, &a6) || netif_add_ip6_address(n, &a6, &idx) != ERR_OK)
			return -1;
		/* Preferred at once: no duplicate address detection on the wire. */
		netif_ip6_addr_set_state(n, idx, IP6_ADDR_PREFERRED);
	}
	netif_set_default(n);
	netif_set_link_up(n);
	netif_set_up(n);
	n->rs_count = 0; /* no router solicitations */
	n->ip6_autoconfig_enabled = 0;
	return 0;
}

int vwire_configure(void *userdata, const struct vwire_net_config *cfg)
{
	(void)userdata;
	if (lwt_g.configured) {
		fprintf(stderr, "vwire-lwip: lwIP is a process-wide singleton: configured once only\n");
		return -1;
	}
	lwt_g.cfg = *cfg;
	if (lwt_start())
		return -1;
	lwt_core_lock();
	int rc = add_addresses(&lwt_g.netif, cfg);
	lwt_core_unlock();
	if (rc) {
		fprintf(stderr, "vwire-lwip: cannot set up the interface for %s\n", cfg->local_ip);
		return -1;
	}
	lwt_g.configured = true;
	return 0;
}

int lwt_netdev_send(void *userdata, const void *buf, size_t count)
{
	(void)userdata;
	if (!lwt_g.configured) {
		errno = ENETDOWN;
		return -1;
	}
	if (count == 0 || count > 0xffff) {
		errno = EINVAL;
		return -1;
	}
	lwt_core_lock();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)count, PBUF_RAM);
	if (!p) {
		lwt_core_unlock();
		errno = ENOMEM;
		return -1;
	}
	pbuf_take(p, buf, (u16_t)count);
	/* ip_input() owns p from here, whatever it decides. */
	ip_input(p, &lwt_g.netif);
	lwt_report_state_changes();
	lwt_core_unlock();
	return 0;
}

int lwt_netdev_receive(void *userdata, void *buf, size_t *count)
{
	(void)userdata;
	pthread_mutex_lock(&lwt_g.wire_lock);
	struct lwt_packet *pk = lwt_g.out_head;
	if (!pk) {
		pthread_mutex_unlock(&lwt_g.wire_lock);
		errno = EAGAIN;
		return -1;
	}
	lwt_g.out_head = pk->next;
	if (!lwt_g.out_head)
		lwt_g.out_tail = NULL;
	lwt_g.out_count--;
	pthread_mutex_unlock(&lwt_g.wire_lock);
	size_t n = pk->len < *count ? pk->len : *count;
	memcpy(buf, pk->data, n);
	*count = n;
	free(pk);
	return 0;
}

void lwt_drop_queued_packets(void)
{
	pthread_mutex_lock(&lwt_g.wire_lock);
	struct lwt_packet *pk = lwt_g.out_head;
	while (pk) {
		struct lwt_packet *next = pk->next;
		free(pk);
		pk = next;
	}
	lwt_g.out_head = lwt_g.out_tail = NULL;
	lwt_g.out_count = 0;
	pthread_mutex_unlock(&lwt_g.wire_lock);
}
