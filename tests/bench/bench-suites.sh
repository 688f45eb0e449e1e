#!/bin/sh
# Wall time of a whole suites/ run against the built-in stack (IPv4, one
# script at a time), and the pass count. Goal: under 5 s for the lot.
# Each script is bounded by a 10 s timeout so a hanging stack shows up as
# a slow figure rather than a stuck bench.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE="$ROOT/bin/vwire"
[ -x "$VWIRE" ] || { echo "bench-suites: $VWIRE not built"; exit 1; }
cd "$ROOT/suites" || exit 1
start=$(date +%s.%N)
pass=0; fail=0; hung=0
for f in */*.pkt; do
	case "$f" in *v6.pkt) continue ;; esac
	(cd "$(dirname "$f")" && timeout 10 "$VWIRE" --ip_version=ipv4 "$(basename "$f")" >/dev/null 2>&1)
	case $? in
	0) pass=$((pass + 1)) ;;
	124) hung=$((hung + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
end=$(date +%s.%N)
wall=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
echo "bench-suites: $((pass + fail + hung)) scripts in ${wall}s wall (goal < 5 s): $pass pass, $fail fail, $hung timed out"
