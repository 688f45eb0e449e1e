/* Lines of /proc/net/tcp and /proc/net/tcp6 as struct vwire_conn.
 *
 * Addresses are the in-memory words of the network-order address printed
 * as host-order hex, so reading each word back as a number and storing it
 * in host order gives the network-order bytes again. Ports are plain hex,
 * the state is Linux's TCP state number (TIME-WAIT is 6). IPv4-mapped
 * IPv6 entries are reported as IPv4: that is what is on the wire.
 */
#ifndef _GNU_SOURCE /* the Makefile sets it; make asan's CFLAGS do not */
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel_proc_tcp.h"

static int parse_addr(const char *hex, uint8_t out[16], int words)
{
	if ((int)strlen(hex) != 8 * words)
		return -1;
	memset(out, 0, 16);
	for (int i = 0; i < words; i++) {
		char word[9];
		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		char *end;
		uint32_t v = (uint32_t)strtoul(word, &end, 16);
		if (*end != '\0')
			return -1;
		memcpy(out + 4 * i, &v, 4);
	}
	return 0;
}

static int is_v4_mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0xff, 0xff };
	return memcmp(a, prefix, 12) == 0;
}

int kt_parse_proc_tcp_line(const char *line, int v6, struct vwire_conn *c,
			   unsigned long *inode)
{
	char la[40], ra[40];
	unsigned lport, rport, state;
	/* sl: local rem st tx:rx tr:when retrnsmt uid timeout inode */
	int n = sscanf(line,
		       " %*d: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x "
		       "%*x:%*x %*x %*u %*d %lu",
		       la, &lport, ra, &rport, &state, inode);
	if (n != 6 || lport > 0xffff || rport > 0xffff || state > 0xff)
		return -1;
	memset(c, 0, sizeof(*c));
	int words = v6 ? 4 : 1;
	if (parse_addr(la, c->local_addr, words) < 0 ||
	    parse_addr(ra, c->remote_addr, words) < 0)
		return -1;
	c->family = v6 ? AF_INET6 : AF_INET;
	if (v6 && is_v4_mapped(c->local_addr) &&
	    (is_v4_mapped(c->remote_addr) ||
	     memcmp(c->remote_addr, (uint8_t[16]){ 0 }, 16) == 0)) {
		memmove(c->local_addr, c->local_addr + 12, 4);
		memset(c->local_addr + 4, 0, 12);
		memmove(c->remote_addr, c->remote_addr + 12, 4);
		memset(c->remote_addr + 4, 0, 12);
		c->family = AF_INET;
	}
	c->local_port = (uint16_t)lport;
	c->remote_port = (uint16_t)rport;
	c->state = (int)state;
	c->fd = -1;
	return 0;
}
