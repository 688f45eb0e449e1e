/* Mapping between the script's sequence/timestamp numbers and live ones.
 *
 * As in packetdrill (and tcpdump's relative numbers), a script writes
 * sequence numbers relative to each side's ISN, except in SYN segments:
 * - the target's space: its ISN is learned from its SYN or SYN-ACK (whose
 *   own seq is not checked); every seq, ack and SACK block naming the
 *   target's bytes is script + ISN on the wire;
 * - the remote's space: the ISN is the seq the script writes in its SYN
 *   (sent as written); in other segments the remote's seq, the target's
 *   acks and its SACK blocks are relative to it; the ack of an outbound
 *   SYN-ACK is written as on the wire (ISN + 1).
 * The target's TS clock is learned from its first TS option (ecr values it
 * must echo map back); the remote's TS vals are as written. A new socket()
 * lets all of it be learned again for the next connection; an inbound SYN
 * does so for the target's ISN (a new SYN-ACK will come). All arithmetic
 * is modulo 2^32.
 */
#ifndef VWIRE_SEQ_MAP_H
#define VWIRE_SEQ_MAP_H

#include <stdbool.h>
#include <stdint.h>

struct seq_map {
	bool local_isn_known;
	uint32_t local_isn;      /* live = script + local_isn */
	bool remote_isn_known;
	uint32_t remote_isn;     /* the seq of the remote's SYN */
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

/* A new connection begins (socket()): learn everything again. Offsets
 * stay in force until the new ones are learned. */
void seq_map_new_connection(struct seq_map *m);
/* The script sends a SYN: it sets the remote ISN (when not known); a SYN
 * without ACK opens a connection whose SYN-ACK brings a new target ISN. */
void seq_map_inbound_syn(struct seq_map *m, uint32_t script_seq, bool ack);

/* Remote's sequence space (non-SYN segments). */
uint32_t seq_map_remote_to_live(const struct seq_map *m, uint32_t script);
uint32_t seq_map_remote_to_script(const struct seq_map *m, uint32_t live);

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
/* An inbound segment's own seq: as written in a SYN, else relative. */
static inline uint32_t seq_map_inbound_seq(const struct seq_map *m, uint32_t s, bool syn)
{ return syn ? s : seq_map_remote_to_live(m, s); }
/* An outbound segment's ack: as on the wire in a SYN-ACK, else relative. */
static inline uint32_t seq_map_outbound_ack(const struct seq_map *m, uint32_t a, bool syn)
{ return syn ? a : seq_map_remote_to_script(m, a); }
static inline uint32_t seq_map_outbound_sack(const struct seq_map *m, uint32_t s)
{ return seq_map_remote_to_script(m, s); }
static inline uint32_t seq_map_outbound_seq(const struct seq_map *m, uint32_t live)
{ return seq_map_local_to_script(m, live); }
static inline uint32_t seq_map_outbound_ts_val(const struct seq_map *m, uint32_t live)
{ return seq_map_ts_to_script(m, live); }

/* |a - b| modulo 2^32 (the shorter way round). */
uint32_t seq_distance(uint32_t a, uint32_t b);

#endif
