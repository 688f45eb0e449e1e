#!/bin/sh
# SYN-flood figures (tests/unit/test_stack_synflood.c): a million SYNs from
# spoofed sources against one listener (backlog 128, tcp_syncookies=1) in
# virtual time, a legitimate client connecting halfway through and tampered
# cookie ACKs mixed in. SYNs per second is the flood's count over the CPU
# time of the injection loop on one core (building each SYN, the stack's
# input path, the SYN-ACK or cookie, the fake link's queue); peak memory is
# the largest mallinfo2 heap growth sampled every 4096 SYNs, next to the
# stack's own count of bytes held by half-open requests. The test asserts
# the bound it prints, so a failure here is a regression.
BUILD=${BUILD:-build}
t=$BUILD/tests/test_stack_synflood
[ -x "$t" ] || { echo "bench-synflood: build first (make)"; exit 1; }
VWIRE_FLOOD_SYNS=${VWIRE_FLOOD_SYNS:-1000000} VWIRE_FLOOD_VERBOSE=1 taskset -c 0 "$t" 2>&1 |
	grep -E '^bench-synflood|FAILED|PASSED'
