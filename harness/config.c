/* The run's configuration: packetdrill's defaults and their cleanup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ip_mode = VWIRE_IPV4;
	cfg->bind_port = 8080;
	cfg->connect_port = 8080;
	cfg->mtu = 1500;
	cfg->tolerance_usecs = 4000;
	cfg->seed = 1;
}

static void set_default(char *dst, size_t len, bool is_set, const char *value)
{
	if (!is_set)
		snprintf(dst, len, "%s", value);
}

void config_finish(struct config *cfg)
{
	bool v6 = cfg->ip_mode == VWIRE_IPV6;
	set_default(cfg->local_ip, sizeof(cfg->local_ip), cfg->local_ip_set,
		    v6 ? "fd3d:0a0b:17d6::1" : "192.168.0.1");
	set_default(cfg->remote_ip, sizeof(cfg->remote_ip), cfg->remote_ip_set,
		    v6 ? "fd3d:fa7b:d17d::1" : "192.0.2.1");
	set_default(cfg->gateway_ip, sizeof(cfg->gateway_ip), cfg->gateway_ip_set,
		    v6 ? "fd3d:0a0b:17d6:8888::1" : "192.168.0.1");
	set_default(cfg->netmask_ip, sizeof(cfg->netmask_ip), cfg->netmask_ip_set,
		    v6 ? "ffff:ffff:ffff:ffff::" : "255.255.0.0");
}

void config_free(struct config *cfg)
{
	free(cfg->target);
	free(cfg->so_flags);
	free(cfg->init_scripts);
	free(cfg->json_path);
	free(cfg->pcap_path);
	for (size_t i = 0; i < cfg->define_count; i++) {
		free(cfg->defines[i].name);
		free(cfg->defines[i].value);
	}
	free(cfg->defines);
	memset(cfg, 0, sizeof(*cfg));
}
