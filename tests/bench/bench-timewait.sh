#!/bin/sh
# TIME-WAIT at scale (tests/unit/test_stack_timewait_bench.c): N
# connections from distinct peers to one listener, each closed by the
# stack so that its end waits in TIME-WAIT, then the clock moved past
# 2*MSL; on one core. N = 1,000,000 by default (TW_SIZES: a list, to see
# how the cost grows with N), all created and all expired for real.
# Prints, per size, the CPU time to create and to expire them, the heap
# per entry (mallinfo2, mmapped blocks included), then a summary for the
# largest: memory per entry and in total, creation and expiry rates.
BUILD=${BUILD:-build}
t=$BUILD/tests/test_stack_timewait_bench
[ -x "$t" ] || { echo "bench-timewait: build first (make)"; exit 1; }
SIZES=${TW_SIZES:-1000000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for n in $SIZES; do
	VWIRE_TW_CONNS=$n VWIRE_TW_VERBOSE=1 taskset -c 0 "$t" 2>&1 | grep -E '^bench-timewait|FAILED|ERROR' | tee -a "$out"
done
awk '
/connections to TIME-WAIT in/ { n = $2; c = $7 }
/entries held at once:/ { live = $2; b = $7; mb = $10 }
/expiring them:/ { e = $4 }
END {
	if (!n || c <= 0 || e <= 0) exit 1
	printf "bench-timewait: %d entries: %d bytes each, %.1f MB in all; created at %.0f/s (%.2f s CPU), expired at %.0f/s (%.2f s CPU)\n",
		live, b, mb, n / c, c, live / e, e
}' "$out"
