/* Printing live packets the way packetdrill prints them, in script terms
 * (the target's seq and TS numbers mapped back). */
#include "packet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A bounded appender: keeps the text NUL-terminated and truncates. */
struct out { char *buf; size_t len, at; };

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->at + 1 >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->at, o->len - o->at, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->at += (size_t)n;
	if (o->at >= o->len)
		o->at = o->len - 1;
}

static void put_hex(struct out *o, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put(o, "%02x", b[i]);
}

/* map_sack/map_ecr: whether those name the target's numbers (inbound). */
static void put_options(struct out *o, const struct tcp_option *opts, size_t count,
			const struct seq_map *map, bool outbound)
{
	size_t i, k;

	put(o, "<");
	for (i = 0; i < count; i++) {
		const struct tcp_option *op = &opts[i];

		if (i)
			put(o, ",");
		switch (op->kind) {
		case OPT_EOL: put(o, "eol"); break;
		case OPT_NOP: put(o, "nop"); break;
		case OPT_MSS: put(o, "mss %u", op->u.mss); break;
		case OPT_WSCALE: put(o, "wscale %u", op->u.wscale); break;
		case OPT_SACK_PERMITTED: put(o, "sackOK"); break;
		case OPT_SACK:
			put(o, "sack");
			for (k = 0; k < op->u.sack.count; k++) {
				uint32_t l = op->u.sack.blocks[k].left, r = op->u.sack.blocks[k].right;

				if (!outbound && map) {
					l = seq_map_local_to_script(map, l);
					r = seq_map_local_to_script(map, r);
				} else if (map) {
					l = seq_map_outbound_sack(map, l);
					r = seq_map_outbound_sack(map, r);
				}
				put(o, " %u:%u", l, r);
			}
			break;
		case OPT_TIMESTAMP:
			if (outbound)
				put(o, "TS val %u ecr %u", seq_map_ts_to_script(map, op->u.ts.val), op->u.ts.ecr);
			else
				put(o, "TS val %u ecr %u", op->u.ts.val, seq_map_ts_to_script(map, op->u.ts.ecr));
			break;
		case OPT_FASTOPEN:
		case OPT_EXP_FASTOPEN:
			put(o, op->kind == OPT_FASTOPEN ? "FO" : "FOEXP");
			if (op->u.cookie.bytes && op->u.cookie.len) {
				put(o, " ");
				put_hex(o, op->u.cookie.bytes, op->u.cookie.len);
			}
			break;
		case OPT_MD5:
			put(o, "md5");
			break;
		case OPT_GENERIC:
			put(o, "%u", op->u.generic.kind);
			if (op->u.generic.data && op->u.generic.data_len) {
				put(o, " ");
				put_hex(o, op->u.generic.data, op->u.generic.data_len);
			}
			break;
		}
	}
	put(o, ">");
}

size_t packet_format_options(const struct tcp_option *opts, size_t count,
			     char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (!len)
		return 0;
	buf[0] = 0;
	put_options(&o, opts, count, NULL, true);
	return o.at;
}

static void put_flags(struct out *o, uint16_t f)
{
	static const struct { uint16_t bit; char c; } order[] = {
		{ TCPF_FIN, 'F' }, { TCPF_SYN, 'S' }, { TCPF_RST, 'R' },
		{ TCPF_PSH, 'P' }, { TCPF_ACK, '.' }, { TCPF_URG, 'U' },
		{ TCPF_ECE, 'E' }, { TCPF_CWR, 'W' }, { TCPF_AE, 'A' },
	};
	size_t i;
	bool any = false;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (f & order[i].bit) {
			put(o, "%c", order[i].c);
			any = true;
		}
	if (!any)
		put(o, "-");
}

static void put_addr(struct out *o, int version, const uint8_t *a, uint16_t port)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(version == 4 ? AF_INET : AF_INET6, a, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	put(o, "%s:%u", text, port);
}

size_t packet_format(const struct live_packet *live, enum packet_direction dir,
		     const struct seq_map *map, bool verbose,
		     char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	bool outbound = dir == DIR_OUTBOUND;

	if (!len)
		return 0;
	buf[0] = 0;
	if (verbose) {
		put_addr(&o, live->ip_version, live->src, live->src_port);
		put(&o, " > ");
		put_addr(&o, live->ip_version, live->dst, live->dst_port);
		put(&o, " ");
	}
	switch (live->protocol) {
	case IPPROTO_TCP: {
		bool syn = live->flags & TCPF_SYN;
		uint32_t seq = outbound ? seq_map_local_to_script(map, live->seq)
				: syn ? live->seq : seq_map_remote_to_script(map, live->seq);
		uint32_t ack = outbound ? seq_map_outbound_ack(map, live->ack, syn)
				: seq_map_local_to_script(map, live->ack);

		put_flags(&o, live->flags);
		put(&o, " %u:%u(%zu)", seq, seq + (uint32_t)live->payload_len, live->payload_len);
		if (live->flags & TCPF_ACK)
			put(&o, " ack %u", ack);
		put(&o, " win %u", live->window);
		if (live->flags & TCPF_URG)
			put(&o, " urg %u", live->urg_ptr);
		if (live->option_count) {
			put(&o, " ");
			put_options(&o, live->options, live->option_count, map, outbound);
		}
		break;
	}
	case IPPROTO_UDP:
		put(&o, "udp (%zu)", live->payload_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		put(&o, "icmp%s type %u code %u", live->protocol == IPPROTO_ICMPV6 ? "v6" : "",
		    live->icmp_type, live->icmp_code);
		break;
	default:
		put(&o, "ip protocol %u (%zu bytes)", live->protocol, live->payload_len);
		break;
	}
	return o.at;
}
