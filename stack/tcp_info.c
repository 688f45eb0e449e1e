/* TCP_INFO's loss-recovery fields, counted as Linux counts them:
 * packets, not bytes, from the scoreboard; and the chronographs of busy,
 * receive-window-limited and send-buffer-limited time (in jiffies, as
 * Linux keeps them, reported in microseconds). */
#include <linux/tcp.h>

#include "tcp_internal.h"

void tcp_info_fill_recovery(const struct tcp_sock *ts, struct tcp_info *ti)
{
	ti->tcpi_ca_state = ts->ca_state;
	if (ts->state == VWIRE_TCP_LISTEN)
		return;
	ti->tcpi_unacked = ts->sb.n ? ts->packets_out : ti->tcpi_unacked;
	ti->tcpi_sacked = ts->sacked_out;
	ti->tcpi_lost = ts->lost_out;
	ti->tcpi_retrans = ts->retrans_out;
	ti->tcpi_reordering = ts->reordering;
	ti->tcpi_delivered = ts->delivered;
	ti->tcpi_reord_seen = ts->reord_seen;
	ti->tcpi_dsack_dups = ts->dsack_dups;
	int64_t stat[3] = { ts->chrono_stat[0], ts->chrono_stat[1], ts->chrono_stat[2] };
	if (ts->chrono_type > TCP_CHRONO_UNSPEC)
		stat[ts->chrono_type - 1] += vs_now(ts->vs) / 1000 - ts->chrono_start;
	ti->tcpi_busy_time = (uint64_t)(stat[0] + stat[1] + stat[2]) * 1000;
	ti->tcpi_rwnd_limited = (uint64_t)stat[1] * 1000;
	ti->tcpi_sndbuf_limited = (uint64_t)stat[2] * 1000;
}

static void chrono_set(struct tcp_sock *ts, int type)
{
	int64_t now = vs_now(ts->vs) / 1000;   /* jiffies at HZ=1000 */
	if (ts->chrono_type > TCP_CHRONO_UNSPEC)
		ts->chrono_stat[ts->chrono_type - 1] += now - ts->chrono_start;
	ts->chrono_start = now;
	ts->chrono_type = type;
}

/* The highest-priority condition being timed wins. */
void tcp_chrono_start(struct tcp_sock *ts, int type)
{
	if (type > ts->chrono_type)
		chrono_set(ts, type);
}

void tcp_chrono_stop(struct tcp_sock *ts, int type)
{
	bool empty = ts->sndbuf.len == 0 && !(ts->fin_queued && !seq_gt(ts->snd_una, ts->fin_seq));
	if (empty)
		chrono_set(ts, TCP_CHRONO_UNSPEC);
	else if (type == ts->chrono_type)
		chrono_set(ts, TCP_CHRONO_BUSY);
}
