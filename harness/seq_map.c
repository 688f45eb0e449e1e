/* Script <-> live sequence and timestamp numbers (modulo 2^32). */
#include "seq_map.h"

#include <string.h>

void seq_map_init(struct seq_map *m, int64_t ts_tick_usecs,
		  int64_t tolerance_usecs)
{
	memset(m, 0, sizeof(*m));
	m->ts_tick_usecs = ts_tick_usecs;
	/* A TS val may be late by the timing tolerance, plus one tick of
	 * rounding either side. */
	if (ts_tick_usecs > 0 && tolerance_usecs > 0)
		m->ts_val_slack = (uint32_t)((tolerance_usecs + ts_tick_usecs - 1) /
					     ts_tick_usecs) + 1;
	else
		m->ts_val_slack = 1;
}

void seq_map_learn_isn(struct seq_map *m, uint32_t script_seq, uint32_t live_seq)
{
	if (m->local_isn_known)
		return;
	m->local_isn = live_seq - script_seq;
	m->local_isn_known = true;
}

void seq_map_learn_ts(struct seq_map *m, uint32_t script_val, uint32_t live_val)
{
	if (m->ts_known)
		return;
	m->ts_offset = live_val - script_val;
	m->ts_known = true;
}

void seq_map_new_connection(struct seq_map *m)
{
	m->local_isn_known = false;
	m->remote_isn_known = false;
	m->ts_known = false;
}

void seq_map_inbound_syn(struct seq_map *m, uint32_t script_seq, bool ack)
{
	if (!m->remote_isn_known) {
		m->remote_isn = script_seq;
		m->remote_isn_known = true;
	}
	if (!ack)
		m->local_isn_known = false;
}

uint32_t seq_map_remote_to_live(const struct seq_map *m, uint32_t script)
{
	return m ? script + m->remote_isn : script;
}

uint32_t seq_map_remote_to_script(const struct seq_map *m, uint32_t live)
{
	return m ? live - m->remote_isn : live;
}

uint32_t seq_map_local_to_live(const struct seq_map *m, uint32_t script)
{
	return m ? script + m->local_isn : script;
}

uint32_t seq_map_local_to_script(const struct seq_map *m, uint32_t live)
{
	return m ? live - m->local_isn : live;
}

uint32_t seq_map_ts_to_live(const struct seq_map *m, uint32_t script)
{
	return m ? script + m->ts_offset : script;
}

uint32_t seq_map_ts_to_script(const struct seq_map *m, uint32_t live)
{
	return m ? live - m->ts_offset : live;
}

uint32_t seq_distance(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	return d > 0x80000000u ? (uint32_t)-d : d;
}
