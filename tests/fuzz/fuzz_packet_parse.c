/* libFuzzer target: any bytes given to the packet parser must give either
 * a parsed packet or an error string, never an out-of-bounds read; what
 * parses must also format, compare, clone and map without trouble. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "checksum.h"
#include "packet.h"

/* Where the checksum of an upper layer sits, or -1. */
static int l4_csum_offset(uint8_t proto)
{
	switch (proto) {
	case 6: return 16;   /* TCP */
	case 17: return 6;   /* UDP */
	case 1: case 58: return 2; /* ICMP, ICMPv6 */
	default: return -1;
	}
}

/* Make the checksums right where the lengths allow, so the fuzzer also
 * explores what lies behind them (options, lengths of upper layers). */
static void fix_checksums(uint8_t *b, size_t len)
{
	size_t l4, end;
	uint8_t proto;
	int at;
	uint16_t c;

	if (len >= 20 && b[0] >> 4 == 4) {
		size_t ihl = (size_t)(b[0] & 0xf) * 4;

		end = (size_t)(b[2] << 8 | b[3]);
		if (ihl < 20 || ihl > len || end < ihl || end > len)
			return;
		b[10] = b[11] = 0;
		c = csum_buffer(b, ihl);
		b[10] = (uint8_t)(c >> 8);
		b[11] = (uint8_t)c;
		l4 = ihl;
		proto = b[9];
	} else if (len >= 40 && b[0] >> 4 == 6) {
		end = 40 + (size_t)(b[4] << 8 | b[5]);
		if (end > len)
			return;
		l4 = 40;
		proto = b[6];
	} else {
		return;
	}
	at = l4_csum_offset(proto);
	if (at < 0 || l4 + (size_t)at + 2 > end)
		return;
	b[l4 + at] = b[l4 + at + 1] = 0;
	if (proto == 1)
		c = csum_buffer(b + l4, end - l4);
	else if (b[0] >> 4 == 4)
		c = csum_l4_v4(b + 12, b + 16, proto, b + l4, end - l4);
	else
		c = csum_l4_v6(b + 8, b + 24, proto, b + l4, end - l4);
	b[l4 + at] = (uint8_t)(c >> 8);
	b[l4 + at + 1] = (uint8_t)c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void exercise(const uint8_t *data, size_t size);

static void exercise(const uint8_t *data, size_t size)
{
	struct live_packet lp, copy;
	struct packet expected;
	struct tcp_option opts[2];
	struct tcp_options list;
	struct packet_mismatch mm;
	const struct live_packet *run[2];
	struct seq_map map;
	char err[PACKET_ERR_LEN], text[512];

	if (packet_parse(data, size, &lp, err, sizeof(err)) != 0) {
		/* An error must be a terminated, non-empty string. */
		if (!err[0] || strlen(err) >= sizeof(err))
			__builtin_trap();
		return;
	}
	seq_map_init(&map, 1000, 4000);
	memset(&expected, 0, sizeof(expected));
	memset(opts, 0, sizeof(opts));
	expected.dir = DIR_OUTBOUND;
	expected.kind = PKT_TCP;
	expected.u.tcp.flags = TCPF_ACK | TCPF_PSH;
	expected.u.tcp.seq_start = 1;
	expected.u.tcp.payload_len = (uint32_t)(size / 2);
	expected.u.tcp.has_ack = true;
	expected.u.tcp.ack = 1;
	opts[0].kind = OPT_NOP;
	opts[1].kind = OPT_TIMESTAMP;
	list.any = false;
	list.items = opts;
	list.count = 2;
	expected.u.tcp.options = &list;

	packet_learn_mapping(&map, &expected, &lp);
	packet_format(&lp, DIR_OUTBOUND, &map, true, text, sizeof(text));
	packet_format(&lp, DIR_INBOUND, &map, false, text, sizeof(text));
	packet_format_options(lp.options, lp.option_count, text, sizeof(text));
	packet_compare(&expected, &lp, &map, PKT_CMP_TS_VAL, &mm);
	if (live_packet_clone(&copy, &lp) == 0) {
		run[0] = &lp;
		run[1] = &copy;
		packet_compare_run(&expected, run, 2, &map, 0, &mm);
		live_packet_free(&copy);
	}
	expected.u.tcp.options = NULL;
	expected.kind = PKT_UDP;
	packet_compare(&expected, &lp, &map, 0, &mm);
	live_packet_free(&lp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[PACKET_MAX_BYTES];

	exercise(data, size);
	if (size <= sizeof(fixed)) {
		memcpy(fixed, data, size);
		fix_checksums(fixed, size);
		exercise(fixed, size);
	}
	return 0;
}
