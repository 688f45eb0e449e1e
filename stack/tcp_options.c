/* TCP option encoding and decoding. */
#include <string.h>

#include "tcp_options.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A Fast Open cookie counts only in a SYN and with an even length of
 * 4..16 bytes; an empty one is a request (RFC 7413 4.1.1, as Linux). */
static void parse_fastopen(struct tcp_opts *o, const uint8_t *cookie, int len, bool syn,
			   bool exp)
{
	if (!syn || len < 0 || (len & 1))
		return;
	if (len >= 4 && len <= 16)
		memcpy(o->fo_cookie, cookie, (size_t)len);
	else if (len != 0)
		len = -1;
	o->fo_len = len;
	o->fo_exp = exp;
}

bool tcp_opts_parse(const uint8_t *p, size_t len, bool syn, struct tcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->fo_len = -1;
	size_t i = 0;
	while (i < len) {
		uint8_t kind = p[i];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || p[i + 1] < 2 || i + p[i + 1] > len)
			return false;
		uint8_t olen = p[i + 1];
		const uint8_t *v = p + i + 2;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen == 4 && syn) {
				o->mss_ok = true;
				o->mss = (uint16_t)(v[0] << 8 | v[1]);
			}
			break;
		case TCPOPT_WSCALE:
			if (olen == 3 && syn) {
				o->ws_ok = true;
				o->ws = v[0] > 14 ? 14 : v[0]; /* RFC 7323 2.3 */
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == 2 && syn)
				o->sack_ok = true;
			break;
		case TCPOPT_TS:
			if (olen == 10) {
				o->ts_ok = true;
				o->tsval = get32(v);
				o->tsecr = get32(v + 4);
			}
			break;
		case TCPOPT_SACK:
			if (olen >= 10 && (olen - 2) % 8 == 0 && !syn) {
				int n = (olen - 2) / 8;
				for (int k = 0; k < n && o->nsack < TCP_MAX_SACK_BLOCKS; k++) {
					o->sack[o->nsack][0] = get32(v + 8 * k);
					o->sack[o->nsack][1] = get32(v + 8 * k + 4);
					o->nsack++;
				}
			}
			break;
		case TCPOPT_FASTOPEN_KIND:
			parse_fastopen(o, v, olen - 2, syn, false);
			break;
		case TCPOPT_EXP_KIND:
			if (olen >= 4 && (v[0] << 8 | v[1]) == TCPOPT_FASTOPEN_EXP_MAGIC)
				parse_fastopen(o, v + 2, olen - 4, syn, true);
			break;
		default:
			break;
		}
		i += olen;
	}
	return true;
}

static size_t put_ts(uint8_t *b, const struct tcp_opts *o)
{
	b[0] = TCPOPT_TS;
	b[1] = 10;
	put32(b + 2, o->tsval);
	put32(b + 6, o->tsecr);
	return 10;
}

size_t tcp_opts_build_syn(uint8_t *b, const struct tcp_opts *o)
{
	size_t n = 0;
	if (o->mss_ok) {
		b[n++] = TCPOPT_MSS;
		b[n++] = 4;
		b[n++] = o->mss >> 8;
		b[n++] = o->mss & 0xff;
	}
	if (o->ts_ok) {
		if (o->sack_ok) {
			b[n++] = TCPOPT_SACK_PERM;
			b[n++] = 2;
		} else {
			b[n++] = TCPOPT_NOP;
			b[n++] = TCPOPT_NOP;
		}
		n += put_ts(b + n, o);
	} else if (o->sack_ok) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_SACK_PERM;
		b[n++] = 2;
	}
	if (o->ws_ok) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_WSCALE;
		b[n++] = 3;
		b[n++] = o->ws;
	}
	return n;
}

size_t tcp_opts_build_data(uint8_t *b, const struct tcp_opts *o, int max_sack)
{
	size_t n = 0;
	if (o->ts_ok) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_NOP;
		n += put_ts(b + n, o);
	}
	int ns = o->nsack < max_sack ? o->nsack : max_sack;
	if (ns > 0) {
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_NOP;
		b[n++] = TCPOPT_SACK;
		b[n++] = (uint8_t)(2 + 8 * ns);
		for (int k = 0; k < ns; k++) {
			put32(b + n, o->sack[k][0]);
			put32(b + n + 4, o->sack[k][1]);
			n += 8;
		}
	}
	return n;
}
