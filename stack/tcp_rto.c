/* The retransmission-timeout estimator (RFC 6298), with Linux's floor:
 * RTO = SRTT + max(4 * RTTVAR, rto_min), clamped to rto_max. */
#include "tcp_internal.h"

void tcp_rto_init(struct tcp_rto *r)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->rto_us = TCP_RTO_INIT_US;
	r->min_rtt_us = 0;
	r->last_rtt_us = 0;
	r->have_sample = false;
}

void tcp_rto_sample(struct tcp_rto *r, int64_t rtt_us, int64_t min_us, int64_t max_us)
{
	if (rtt_us < 1)
		rtt_us = 1; /* a sample of zero still counts */
	r->last_rtt_us = rtt_us;
	if (!r->have_sample) {
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->min_rtt_us = rtt_us;
		r->have_sample = true;
	} else {
		int64_t err = rtt_us - r->srtt_us;
		if (err < 0)
			err = -err;
		/* beta = 1/4, alpha = 1/8 */
		r->rttvar_us = (3 * r->rttvar_us + err) / 4;
		r->srtt_us = (7 * r->srtt_us + rtt_us) / 8;
		if (rtt_us < r->min_rtt_us)
			r->min_rtt_us = rtt_us;
	}
	int64_t var = 4 * r->rttvar_us;
	if (var < min_us)
		var = min_us;
	int64_t rto = r->srtt_us + var;
	if (rto > max_us)
		rto = max_us;
	r->rto_us = rto;
}
