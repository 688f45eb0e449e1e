/* TCP_NOTSENT_LOWAT (and the sysctl tcp_notsent_lowat): how much unsent
 * data a writer may queue, and when the socket counts as writable.
 *
 * Linux copies a write into skbs of one "size goal" each and, before it
 * opens a new skb, requires the unsent bytes to be below the low-water
 * mark; the skb being filled may always be completed. The first skb is
 * pushed as soon as it is filled, and what the windows do not let out is
 * split off as the new tail. The byte ring mimics that: unsent data is
 * cut into size-goal chunks starting at snd_nxt. */
#include "tcp_internal.h"

uint32_t tcp_notsent_lowat(const struct tcp_sock *ts)
{
	if (ts->notsent_lowat > 0)
		return (uint32_t)ts->notsent_lowat;
	int k = ts->vs->knobs.tcp_notsent_lowat;
	return k == -1 || k == 0 ? UINT32_MAX : (uint32_t)k;
}

uint32_t tcp_notsent_bytes(const struct tcp_sock *ts)
{
	uint32_t end = ts->snd_buf_seq + (uint32_t)ts->sndbuf.len;
	return seq_gt(end, ts->snd_nxt) ? end - ts->snd_nxt : 0;
}

/* tcp_xmit_size_goal: as large as GSO allows, bounded by half the largest
 * window the peer offered, in whole MSS. */
uint32_t tcp_size_goal(const struct tcp_sock *ts)
{
	uint32_t mss = (uint32_t)tcp_current_mss(ts);
	uint32_t goal = 65536 - 1 - 320;
	if (ts->max_window > TCP_MSS_DEFAULT && goal > ts->max_window / 2)
		goal = ts->max_window / 2;
	goal = goal / mss * mss;
	return goal ? goal : mss;
}

size_t tcp_notsent_room(const struct tcp_sock *ts, size_t want)
{
	uint32_t lowat = tcp_notsent_lowat(ts);
	if (lowat == UINT32_MAX)
		return want;
	uint32_t goal = tcp_size_goal(ts);
	uint32_t notsent = tcp_notsent_bytes(ts);
	uint32_t partial = notsent % goal;
	size_t room;
	if (partial)
		room = goal - partial;        /* complete the tail chunk */
	else if (notsent < lowat)
		room = goal;                  /* a new chunk may start */
	else
		room = 0;
	return room < want ? room : want;
}

/* For poll, as Linux's tcp_stream_memory_free(sk, wake=1): the unsent
 * bytes must be below half the mark, so a woken writer finds real room. */
bool tcp_notsent_writable(const struct tcp_sock *ts)
{
	uint32_t lowat = tcp_notsent_lowat(ts);
	return lowat == UINT32_MAX || (uint64_t)tcp_notsent_bytes(ts) * 2 < lowat;
}
