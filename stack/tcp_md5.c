/* TCP MD5 signatures (RFC 2385) and the TCP_MD5SIG / TCP_MD5SIG_EXT
 * options, as Linux does them: keys per peer address (or prefix), the
 * option (kind 19, length 18) first in every segment to a peer with a key,
 * no timestamps in a signed SYN and no SACK blocks beside a signature
 * (there is no room), and a segment dropped when it is signed and no key
 * is expected, unsigned and one is, or signed wrongly.
 *
 * The digest covers (RFC 2385 section 2.0): the pseudo-header (addresses,
 * zero-padded protocol, segment length), the TCP header without options
 * and with a zero checksum, the data, then the key. */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "md5.h"
#include "tcp_internal.h"

#define TCPOPT_MD5SIG 19
#define TCPOLEN_MD5SIG 18
#define MD5_OPT_ALIGNED 20 /* nop, nop, kind, len, 16-byte digest */
#define MAX_KEYS 16

struct tcp_md5_key {
	struct vs_addr addr;
	int prefix;                      /* bits of addr that must match */
	uint8_t key[TCP_MD5SIG_MAXKEYLEN];
	int keylen;
};

struct tcp_md5_keys {
	struct tcp_md5_key k[MAX_KEYS];
	int n;
};

/* ------------------------------------------------------------ keys */

static bool prefix_match(const struct vs_addr *a, const struct vs_addr *b, int bits)
{
	if (a->family != b->family)
		return false;
	const uint8_t *x = a->family == AF_INET ? (const uint8_t *)&a->u.v4 : a->u.v6.s6_addr;
	const uint8_t *y = b->family == AF_INET ? (const uint8_t *)&b->u.v4 : b->u.v6.s6_addr;
	int full = bits / 8, rest = bits % 8;
	if (memcmp(x, y, (size_t)full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (x[full] & mask) == (y[full] & mask);
}

/* The longest-prefix key for peer addr, as tcp_md5_do_lookup. */
static const struct tcp_md5_key *lookup(const struct tcp_sock *ts, const struct vs_addr *addr)
{
	if (!ts->md5)
		return NULL;
	const struct tcp_md5_key *best = NULL;
	for (int i = 0; i < ts->md5->n; i++) {
		const struct tcp_md5_key *k = &ts->md5->k[i];
		if (prefix_match(&k->addr, addr, k->prefix) && (!best || k->prefix > best->prefix))
			best = k;
	}
	return best;
}

static void drop_all(struct tcp_sock *ts)
{
	if (!ts->md5)
		return;
	free(ts->md5);
	ts->md5 = NULL;
	ts->vs->tcp->md5_sockets--;
}

/* The key's address from the user's sockaddr: IPv4 on an AF_INET socket;
 * IPv6 (a mapped address meaning IPv4) on an AF_INET6 one. */
static int key_addr(const struct tcp_sock *ts, const struct sockaddr_storage *ss,
		    struct vs_addr *a, int *max_prefix)
{
	memset(a, 0, sizeof(*a));
	if (ts->family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		if (in->sin_family != AF_INET)
			return -EINVAL;
		a->family = AF_INET;
		a->u.v4 = in->sin_addr;
		*max_prefix = 32;
		return 0;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	if (in6->sin6_family != AF_INET6)
		return -EINVAL;
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		a->family = AF_INET;
		memcpy(&a->u.v4, in6->sin6_addr.s6_addr + 12, 4);
		*max_prefix = 32;
		return 0;
	}
	a->family = AF_INET6;
	a->u.v6 = in6->sin6_addr;
	*max_prefix = 128;
	return 0;
}

int tcp_md5_setsockopt(struct tcp_sock *ts, int name, const void *val, unsigned len)
{
	struct tcp_md5sig cmd;
	if (len < sizeof(cmd))
		return -EINVAL;
	memcpy(&cmd, val, sizeof(cmd));
	struct vs_addr a;
	int max_prefix;
	int err = key_addr(ts, &cmd.tcpm_addr, &a, &max_prefix);
	if (err)
		return err;
	int prefix = max_prefix;
	if (name == TCP_MD5SIG_EXT && (cmd.tcpm_flags & TCP_MD5SIG_FLAG_PREFIX)) {
		if (cmd.tcpm_prefixlen > max_prefix)
			return -EINVAL;
		prefix = cmd.tcpm_prefixlen;
	}
	int at = -1;
	for (int i = 0; ts->md5 && i < ts->md5->n; i++)
		if (ts->md5->k[i].prefix == prefix && prefix_match(&ts->md5->k[i].addr, &a, prefix))
			at = i;
	if (cmd.tcpm_keylen == 0) {       /* deletes the key for that peer */
		if (at < 0)
			return -ENOENT;
		ts->md5->k[at] = ts->md5->k[--ts->md5->n];
		if (ts->md5->n == 0)
			drop_all(ts);
		return 0;
	}
	if (cmd.tcpm_keylen > TCP_MD5SIG_MAXKEYLEN)
		return -EINVAL;
	if (!ts->md5) {
		ts->md5 = calloc(1, sizeof(*ts->md5));
		if (!ts->md5)
			return -ENOMEM;
		ts->vs->tcp->md5_sockets++;
	}
	if (at < 0) {
		if (ts->md5->n == MAX_KEYS)
			return -ENOMEM;
		at = ts->md5->n++;
	}
	struct tcp_md5_key *k = &ts->md5->k[at];
	k->addr = a;
	k->prefix = prefix;
	k->keylen = cmd.tcpm_keylen;
	memcpy(k->key, cmd.tcpm_key, (size_t)cmd.tcpm_keylen);
	return 0;
}

void tcp_md5_inherit(struct tcp_sock *child, const struct tcp_sock *listener)
{
	if (!listener->md5 || child->md5)
		return;
	child->md5 = malloc(sizeof(*child->md5));
	if (!child->md5)
		return;
	*child->md5 = *listener->md5;
	child->vs->tcp->md5_sockets++;
}

void tcp_md5_free(struct tcp_sock *ts)
{
	drop_all(ts);
}

/* ------------------------------------------------------------ digest */

static void digest(const struct tcp_md5_key *key, const struct vs_addr *src,
		   const struct vs_addr *dst, const uint8_t *seg, size_t len, uint8_t out[16])
{
	struct vs_md5 m;
	vs_md5_init(&m);
	/* pseudo-header */
	size_t alen = src->family == AF_INET ? 4 : 16;
	vs_md5_update(&m, src->family == AF_INET ? (const void *)&src->u.v4 : (const void *)&src->u.v6, alen);
	vs_md5_update(&m, dst->family == AF_INET ? (const void *)&dst->u.v4 : (const void *)&dst->u.v6, alen);
	if (src->family == AF_INET) {
		uint8_t ph[4] = { 0, IPPROTO_TCP, (uint8_t)(len >> 8), (uint8_t)len };
		vs_md5_update(&m, ph, sizeof(ph));
	} else {
		uint8_t ph[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
				  (uint8_t)len, 0, 0, 0, IPPROTO_TCP };
		vs_md5_update(&m, ph, sizeof(ph));
	}
	/* the fixed header, checksum zero, then the data */
	uint8_t hdr[TCP_HDR_LEN];
	memcpy(hdr, seg, TCP_HDR_LEN);
	hdr[16] = hdr[17] = 0;
	vs_md5_update(&m, hdr, sizeof(hdr));
	size_t doff = (size_t)(seg[12] >> 4) * 4;
	if (doff < len)
		vs_md5_update(&m, seg + doff, len - doff);
	vs_md5_update(&m, key->key, (size_t)key->keylen);
	vs_md5_final(&m, out);
}

/* Where the segment's MD5 option's digest is, or NULL. */
static const uint8_t *find_option(const uint8_t *seg, size_t len)
{
	size_t doff = (size_t)(seg[12] >> 4) * 4;
	if (doff > len)
		return NULL;
	for (size_t i = TCP_HDR_LEN; i < doff;) {
		uint8_t kind = seg[i];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff || seg[i + 1] < 2 || i + seg[i + 1] > doff)
			break;
		if (kind == TCPOPT_MD5SIG && seg[i + 1] == TCPOLEN_MD5SIG)
			return seg + i + 2;
		i += seg[i + 1];
	}
	return NULL;
}

bool tcp_md5_unsigned(const uint8_t *seg, size_t len)
{
	return find_option(seg, len) == NULL;
}

bool tcp_md5_inbound_ok(struct tcp_sock *ts, const struct vs_addr *src,
			const struct vs_addr *dst, const uint8_t *seg, size_t len)
{
	const uint8_t *sig = find_option(seg, len);
	const struct tcp_md5_key *key = ts->vs->tcp->md5_sockets ? lookup(ts, src) : NULL;
	if (!key)
		return sig == NULL;   /* TCPMD5Unexpected */
	if (!sig)
		return false;         /* TCPMD5NotFound */
	uint8_t want[16];
	digest(key, src, dst, seg, len, want);
	return memcmp(want, sig, 16) == 0;
}

/* ------------------------------------------------------------ output */

const struct tcp_md5_key *tcp_md5_key_for(struct vstack *vs, const struct vs_addr *local,
					  uint16_t lport, const struct vs_addr *remote,
					  uint16_t rport)
{
	if (!vs->tcp->md5_sockets)
		return NULL;
	if (tcp_tw_lookup(vs, local, lport, remote, rport))
		return NULL; /* a compact TIME-WAIT entry never has keys */
	bool listener;
	struct tcp_sock *ts = tcp_table_lookup(vs, local, lport, remote, rport, &listener);
	return ts ? lookup(ts, remote) : NULL;
}

size_t tcp_md5_options(uint8_t out[40], const uint8_t *opts, size_t optlen, bool syn)
{
	struct tcp_opts o;
	if (!tcp_opts_parse(opts, optlen, syn, &o))
		memset(&o, 0, sizeof(o));
	uint8_t rest[40];
	size_t n;
	if (syn) {
		o.ts_ok = false;          /* no room for TS beside the signature */
		n = tcp_opts_build_syn(rest, &o);
	} else {
		n = tcp_opts_build_data(rest, &o, 0);
	}
	out[0] = out[1] = TCPOPT_NOP;
	out[2] = TCPOPT_MD5SIG;
	out[3] = TCPOLEN_MD5SIG;
	memset(out + 4, 0, 16);
	if (n > 40 - MD5_OPT_ALIGNED)
		n = 0;
	memcpy(out + MD5_OPT_ALIGNED, rest, n);
	return MD5_OPT_ALIGNED + n;
}

void tcp_md5_sign(const struct tcp_md5_key *key, const struct vs_addr *src,
		  const struct vs_addr *dst, uint8_t *seg, size_t len)
{
	uint8_t d[16];
	digest(key, src, dst, seg, len, d);
	memcpy(seg + TCP_HDR_LEN + 4, d, 16); /* the option leads the list */
}
