#!/bin/sh
# suites/ against the built-in stack (IPv4) in ONE multi-script
# `bin/vwire -j N` process (N = JOBS, default the number of cores; each
# script in a child of its own, 10 s limit each so a hang shows as a slow
# figure): wall time (date before and after), scripts per second, the
# pass count, and the ratio of the scripts' virtual time (sum of each
# --json's virtual_usecs) to the wall time. Goal: under 5 s. (The suite
# runner's own figure is `bin/vwire-suite run suites --report DIR`.)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE="$ROOT/bin/vwire"
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-$(nproc)}
[ -x "$VWIRE" ] || { echo "bench-suites: $VWIRE not built"; exit 1; }
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$ROOT/suites" || exit 1
scripts=$(ls */*.pkt | grep -v 'v6\.pkt$')
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$VWIRE" --ip_version=ipv4 --timeout_secs=10 -j "$JOBS" --json="$out/r.json" $scripts >"$out/verdicts" 2>/dev/null
end=$(date +%s.%N)
"$PYTHON" - "$out" "$start" "$end" "$JOBS" <<'PY'
import glob, json, sys
out, start, end, jobs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
lines = open(out + "/verdicts").read().splitlines()
n = len(lines)
pas = sum(l.startswith("PASS ") for l in lines)
hung = sum("time limit" in l for l in lines)
virt = 0
for f in glob.glob(out + "/r.json.*"):
    try:
        virt += json.load(open(f)).get("virtual_usecs") or 0
    except (OSError, ValueError):
        pass
wall = end - start
print(f"bench-suites: {n} scripts in {wall:.2f} s wall (one bin/vwire -j {jobs}; goal < 5 s), "
      f"{n / wall:.1f} scripts/s: {pas} pass, {n - pas - hung} fail, {hung} timed out")
print(f"bench-suites: virtual time {virt / 1e6:.1f} s, {virt / 1e6 / wall:.1f}x the wall time")
PY
