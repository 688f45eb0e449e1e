/* The connection table's hash chains, so that finding a segment's
 * connection costs the same with a million entries as with one:
 * connections (every state but CLOSED and LISTEN) by 4-tuple, listeners
 * by local port. A chain's order carries no meaning; when two entries
 * could take a segment, allocation order decides, as it did when the
 * table was one list scanned from the newest entry. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

#define EST_MIN_BUCKETS 64

/* Mixes one 32-bit word into h (a multiply-xorshift round). */
static uint32_t mix(uint32_t h, uint32_t w)
{
	h ^= w;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

static uint32_t addr_hash(uint32_t h, const struct vs_addr *a)
{
	/* The same bytes vs_addr_eq compares. */
	if (a->family == AF_INET)
		return mix(h, a->u.v4.s_addr);
	uint32_t w[4];
	memcpy(w, &a->u.v6, sizeof(w));
	for (int i = 0; i < 4; i++)
		h = mix(h, w[i]);
	return h;
}

uint32_t tcp_tuple_hash(const struct vs_addr *laddr, uint16_t lport,
			const struct vs_addr *raddr, uint16_t rport)
{
	uint32_t h = mix(0x6a09e667u, (uint32_t)lport << 16 | rport);
	h = addr_hash(h, laddr);
	h = addr_hash(h, raddr);
	return mix(h, 0);
}

static void chain_insert(struct tcp_sock **head, struct tcp_sock *ts)
{
	ts->hash_next = *head;
	if (*head)
		(*head)->hash_pprev = &ts->hash_next;
	*head = ts;
	ts->hash_pprev = head;
}

static void chain_remove(struct tcp_sock *ts)
{
	*ts->hash_pprev = ts->hash_next;
	if (ts->hash_next)
		ts->hash_next->hash_pprev = ts->hash_pprev;
	ts->hash_next = NULL;
	ts->hash_pprev = NULL;
}

static struct tcp_sock **est_bucket(struct tcp_table *t, const struct vs_addr *laddr,
				    uint16_t lport, const struct vs_addr *raddr,
				    uint16_t rport)
{
	return &t->est[tcp_tuple_hash(laddr, lport, raddr, rport) & (t->est_buckets - 1)];
}

/* Moves every connection to an array of n buckets (a power of two); false
 * when out of memory, in which case the old array stays and chains just
 * get longer. */
static bool est_resize(struct tcp_table *t, size_t n)
{
	struct tcp_sock **nb = calloc(n, sizeof(*nb));
	if (!nb)
		return false;
	struct tcp_sock **old = t->est;
	size_t old_n = t->est_buckets;
	t->est = nb;
	t->est_buckets = n;
	for (size_t i = 0; i < old_n; i++)
		while (old[i]) {
			struct tcp_sock *ts = old[i];
			chain_remove(ts);
			chain_insert(est_bucket(t, &ts->laddr, ts->lport, &ts->raddr,
						ts->rport), ts);
		}
	free(old);
	return true;
}

static bool est_grow(struct tcp_table *t)
{
	return est_resize(t, t->est_buckets ? t->est_buckets * 2 : EST_MIN_BUCKETS);
}

static void unhash(struct tcp_table *t, struct tcp_sock *ts)
{
	if (ts->hashed == TCP_HASH_NONE)
		return;
	chain_remove(ts);
	if (ts->hashed == TCP_HASH_EST) {
		t->est_n--;
		/* a quarter full: half the size, as the burst that grew it ends */
		if (t->est_buckets > EST_MIN_BUCKETS && t->est_n < t->est_buckets / 4)
			est_resize(t, t->est_buckets / 2);
	}
	ts->hashed = TCP_HASH_NONE;
}

void tcp_table_rehash(struct vstack *vs, struct tcp_sock *ts)
{
	struct tcp_table *t = vs->tcp;
	if (!t)
		return;
	unhash(t, ts);
	if (!ts->prev && t->head != ts)
		return; /* a throw-away TCB, never in the table (tcp_synq.c) */
	if (ts->state == VWIRE_TCP_CLOSE)
		return;
	if (ts->state == VWIRE_TCP_LISTEN) {
		chain_insert(&t->listen[ts->lport % TCP_LISTEN_BUCKETS], ts);
		ts->hashed = TCP_HASH_LISTEN;
		return;
	}
	if (t->est_n >= t->est_buckets && !est_grow(t) && !t->est)
		abort(); /* no array at all: nothing sane to do */
	chain_insert(est_bucket(t, &ts->laddr, ts->lport, &ts->raddr, ts->rport), ts);
	ts->hashed = TCP_HASH_EST;
	t->est_n++;
}

void tcp_table_bind_hash(struct vstack *vs, struct tcp_sock *ts)
{
	struct tcp_table *t = vs->tcp;
	if (!t || ts->bhash_pprev || !ts->bound)
		return;
	if (!ts->prev && t->head != ts)
		return; /* a throw-away TCB (tcp_synq.c) */
	struct tcp_sock **head = &t->bind[ts->lport % TCP_BIND_BUCKETS];
	ts->bhash_next = *head;
	if (*head)
		(*head)->bhash_pprev = &ts->bhash_next;
	*head = ts;
	ts->bhash_pprev = head;
}

struct tcp_sock *tcp_table_bound_on(struct vstack *vs, uint16_t port)
{
	return vs->tcp->bind[port % TCP_BIND_BUCKETS];
}

void tcp_table_unhash(struct vstack *vs, struct tcp_sock *ts)
{
	if (!vs->tcp)
		return;
	unhash(vs->tcp, ts);
	if (ts->bhash_pprev) {
		*ts->bhash_pprev = ts->bhash_next;
		if (ts->bhash_next)
			ts->bhash_next->bhash_pprev = ts->bhash_pprev;
		ts->bhash_next = NULL;
		ts->bhash_pprev = NULL;
	}
}

void tcp_table_hash_free(struct tcp_table *t)
{
	free(t->est);
	t->est = NULL;
	t->est_buckets = t->est_n = 0;
}

/* Does a listener's bound address accept segments for laddr? IPv4 packets
 * also reach a wildcard AF_INET6 listener (dual-stack, as Linux). */
static bool local_matches(const struct tcp_sock *ts, const struct vs_addr *laddr)
{
	if (vs_addr_any(&ts->laddr))
		return ts->laddr.family == laddr->family || ts->family == AF_INET6;
	return vs_addr_eq(&ts->laddr, laddr);
}

/* A connection wins over a listener; of two connections with one 4-tuple
 * the newer; of listeners, the newest bound to laddr itself, else the
 * oldest wildcard one. */
struct tcp_sock *tcp_table_lookup(struct vstack *vs, const struct vs_addr *laddr,
				  uint16_t lport, const struct vs_addr *raddr,
				  uint16_t rport, bool *is_listener)
{
	struct tcp_table *t = vs->tcp;
	*is_listener = false;
	if (t->est_buckets) {
		struct tcp_sock *best = NULL;
		for (struct tcp_sock *ts = *est_bucket(t, laddr, lport, raddr, rport); ts;
		     ts = ts->hash_next)
			if (ts->lport == lport && ts->rport == rport &&
			    ts->state != VWIRE_TCP_CLOSE && ts->state != VWIRE_TCP_LISTEN &&
			    vs_addr_eq(&ts->raddr, raddr) && vs_addr_eq(&ts->laddr, laddr) &&
			    (!best || ts->link_seq > best->link_seq))
				best = ts;
		if (best)
			return best;
	}
	struct tcp_sock *exact = NULL, *wild = NULL;
	for (struct tcp_sock *ts = t->listen[lport % TCP_LISTEN_BUCKETS]; ts; ts = ts->hash_next) {
		if (ts->lport != lport || ts->state != VWIRE_TCP_LISTEN || !local_matches(ts, laddr))
			continue;
		if (!vs_addr_any(&ts->laddr)) {
			if (!exact || ts->link_seq > exact->link_seq)
				exact = ts;
		} else if (!wild || ts->link_seq < wild->link_seq) {
			wild = ts;
		}
	}
	struct tcp_sock *l = exact ? exact : wild;
	*is_listener = l != NULL;
	return l;
}
