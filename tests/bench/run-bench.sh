#!/bin/sh
# `make bench`: runs every tests/bench/bench-*.sh in name order; each prints
# its own figures with the method behind them.
for b in tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "bench $(basename "$b") failed (exit $?)"
done
