#!/bin/sh
# The TCP engine's figures (tests/unit/test_stack_bench.c, test_stack_soak.c):
# segments per second through the engine on one core and bytes per second
# of a 100 MB bulk transfer between two instances (clean virtual link, no
# delay), heap bytes per established connection and per TIME-WAIT entry
# (mallinfo2 deltas over 2000 connections), then the full-size soak: 100 MB
# each way over a link that drops, duplicates, reorders and delays.
BUILD=${BUILD:-build}
bench=$BUILD/tests/test_stack_bench
soak=$BUILD/tests/test_stack_soak
[ -x "$bench" ] && [ -x "$soak" ] || { echo "bench-stack: build first (make)"; exit 1; }
VWIRE_BENCH_MB=100 VWIRE_BENCH_CONNS=2000 taskset -c 0 "$bench" 2>&1 | grep -E '^bench-stack|FAILED' || exit 1
start=$(date +%s.%N)
VWIRE_SOAK_MB=100 VWIRE_SOAK_VERBOSE=1 timeout 1200 "$soak" 2>&1 | grep -E '^soak:|PASSED|FAILED'
rc=$?
end=$(date +%s.%N)
echo "bench-stack: soak 100 MB each way (3 links): $(echo "$end - $start" | bc) s wall"
exit $rc
