#!/bin/sh
# `make bench`: runs every tests/bench/bench-*.sh in name order; each prints
# its own figures with the method behind them. The stability bench's 100
# runs take about 10 minutes, so `make bench` does 10 unless BENCH_RUNS says
# otherwise (`make bench BENCH_RUNS=100` for the issue's figure).
BENCH_RUNS=${BENCH_RUNS:-10}
export BENCH_RUNS
for b in tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "bench $(basename "$b") failed (exit $?)"
done
