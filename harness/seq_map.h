/* Mapping between the script's sequence/timestamp numbers and live ones.
 *
 * The remote's numbers (inbound seq, outbound ack, outbound SACK blocks,
 * inbound TS val) are written in the script as they are on the wire. The
 * target's numbers are relative to what it chose: its ISN, learned from
 * its first SYN or SYN-ACK, and its TS clock, learned from its first TS
 * option. All arithmetic is modulo 2^32.
 */
#ifndef VWIRE_SEQ_MAP_H
#define VWIRE_SEQ_MAP_H

#include <stdbool.h>
#include <stdint.h>

struct seq_map {
	bool local_isn_known;
	uint32_t local_isn;      /* live = script + local_isn */
	bool ts_known;
	uint32_t ts_offset;      /* live TS val = script TS val + ts_offset */
	int64_t ts_tick_usecs;   /* --tcp_ts_tick_usecs, 0: unset */
	uint32_t ts_val_slack;   /* ticks a checked TS val may be off by */
};

/* ts_tick_usecs and tolerance_usecs (the run's --tolerance_usecs) give the
 * slack allowed on outbound TS vals when they are checked. */
void seq_map_init(struct seq_map *m, int64_t ts_tick_usecs,
		  int64_t tolerance_usecs);

/* Learn from an outbound packet: when SYN is set and the ISN is not yet
 * known, local_isn = live_seq - script_seq. When the packet carries a TS
 * option and the offset is not yet known, ts_offset = live_val -
 * script_val (has_script_ts false: script_val taken as 0). */
void seq_map_learn_isn(struct seq_map *m, uint32_t script_seq, uint32_t live_seq);
void seq_map_learn_ts(struct seq_map *m, uint32_t script_val, uint32_t live_val);

/* Target's sequence space. */
uint32_t seq_map_local_to_live(const struct seq_map *m, uint32_t script);
uint32_t seq_map_local_to_script(const struct seq_map *m, uint32_t live);
/* Target's TS clock. */
uint32_t seq_map_ts_to_live(const struct seq_map *m, uint32_t script);
uint32_t seq_map_ts_to_script(const struct seq_map *m, uint32_t live);

/* Named uses, so callers say which rule they apply. */
static inline uint32_t seq_map_inbound_ack(const struct seq_map *m, uint32_t a)
{ return seq_map_local_to_live(m, a); }
static inline uint32_t seq_map_inbound_sack(const struct seq_map *m, uint32_t s)
{ return seq_map_local_to_live(m, s); }
static inline uint32_t seq_map_inbound_ecr(const struct seq_map *m, uint32_t e)
{ return seq_map_ts_to_live(m, e); }
static inline uint32_t seq_map_outbound_seq(const struct seq_map *m, uint32_t live)
{ return seq_map_local_to_script(m, live); }
static inline uint32_t seq_map_outbound_ts_val(const struct seq_map *m, uint32_t live)
{ return seq_map_ts_to_script(m, live); }

/* |a - b| modulo 2^32 (the shorter way round). */
uint32_t seq_distance(uint32_t a, uint32_t b);

#endif
