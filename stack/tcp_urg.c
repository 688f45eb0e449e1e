/* Received urgent data (RFC 9293 3.8.5), as Linux keeps it: the urgent
 * pointer points one past the urgent octet (tcp_stdurg=0, BSD's reading);
 * a new pointer beyond what was read and received arms the mark, and once
 * the octet at the mark arrives it is held out of band: POLLPRI, read with
 * recv(MSG_OOB), skipped by in-band reads (which stop just before it),
 * unless SO_OOBINLINE keeps it in the stream. SIOCATMARK tells whether the
 * read point is at the mark. */
#include <errno.h>
#include <sys/socket.h>

#include "tcp_internal.h"

enum { URG_NONE, URG_NOTYET, URG_VALID, URG_READ };

/* Sequence number of the next byte an in-band read returns. */
static uint32_t copied_seq(const struct tcp_sock *ts)
{
	return ts->rcv_nxt - (uint32_t)ts->rcvbuf.len - (ts->fin_rcvd ? 1u : 0u);
}

void tcp_urg_input(struct tcp_sock *ts, uint32_t seq, uint16_t urp, bool urg,
		   const uint8_t *data, uint32_t len)
{
	if (urg && urp) {
		uint32_t ptr = seq + urp - 1;
		/* Already read, already passed, or not newer than the mark we have. */
		if (!seq_gt(copied_seq(ts), ptr) && !seq_lt(ptr, ts->rcv_nxt) &&
		    !(ts->urg_state != URG_NONE && !seq_gt(ptr, ts->rcv_up))) {
			ts->urg_state = URG_NOTYET;
			ts->rcv_up = ptr;
			ts->urg_data = true;
		}
	}
	if (ts->urg_state == URG_NOTYET) {
		uint32_t off = ts->rcv_up - seq;
		if (off < len) {
			ts->urg_byte = data[off];
			ts->urg_state = URG_VALID;
			tcp_deliver_wakeup(ts);
		}
	}
}

bool tcp_urg_at_head(const struct tcp_sock *ts)
{
	return ts->urg_state != URG_NONE && ts->rcv_up == copied_seq(ts);
}

size_t tcp_urg_readable(struct tcp_sock *ts, bool peek, size_t *skip)
{
	*skip = 0;
	size_t avail = ts->rcvbuf.len;
	if (ts->urg_state == URG_NONE || ts->oobinline)
		return avail;
	uint32_t off = ts->rcv_up - copied_seq(ts);
	if (off >= avail)
		return avail;
	if (off > 0)
		return off;            /* stop just before the mark */
	if (peek) {
		*skip = 1;
		return avail - 1;
	}
	tcp_buf_drop(&ts->rcvbuf, 1);  /* the urgent octet is out of band */
	return avail - 1;
}

void tcp_urg_after_read(struct tcp_sock *ts)
{
	if (ts->urg_state != URG_NONE && seq_gt(copied_seq(ts), ts->rcv_up)) {
		ts->urg_state = URG_NONE;
		ts->urg_data = false;
	}
}

int tcp_recv_urgent(struct vstack *vs, struct tcp_sock *ts, void *buf, size_t len,
		    int flags)
{
	(void)vs;
	if (ts->oobinline || ts->urg_state == URG_NONE || ts->urg_state == URG_READ)
		return -EINVAL;
	if (ts->urg_state == URG_VALID) {
		if (!(flags & MSG_PEEK))
			ts->urg_state = URG_READ;
		if (len == 0)
			return 0;
		if (buf && !(flags & MSG_TRUNC))
			*(uint8_t *)buf = ts->urg_byte;
		return 1;
	}
	if (ts->state == VWIRE_TCP_CLOSE || ts->shut_rd || ts->fin_rcvd)
		return 0;
	return -EAGAIN;     /* never blocks, as BSD */
}

bool tcp_urgent_pending(const struct tcp_sock *ts)
{
	return ts->urg_state == URG_VALID;
}

bool tcp_at_urgent_mark(const struct tcp_sock *ts)
{
	return tcp_urg_at_head(ts);
}
