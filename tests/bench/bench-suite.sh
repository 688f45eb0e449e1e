#!/bin/sh
# The suite runner's own overhead: 167 scripts (the corpus's count) run on 2
# workers against tests/py/fake_vwire.py, which costs only its own start-up.
# overhead = the run's total wall time (bin/vwire-suite start to exit, reports
# included) minus the scripts' own time (sum of each bin/vwire process's wall
# time, divided by the 2 workers). Goal: under 2 s.
PYTHON=${PYTHON:-/usr/bin/python3}
N=${BENCH_SCRIPTS:-167}
JOBS=2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" - "$work/suite" "$N" <<'PY'
import pathlib, sys
root, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
body = ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n"
        "+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
        "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n+.1 < . 1:1(0) ack 1 win 257\n")
for i in range(n):
    path = root / f"area{i % 30:02d}" / f"script{i:03d}.pkt"
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = "// fake: fail line=5 kind=field field=tcp_ack\n" if i % 10 == 0 else ""
    path.write_text(body + extra)
PY
start=$("$PYTHON" -c 'import time; print(time.monotonic())')
"$PYTHON" bin/vwire-suite run "$work/suite" -j $JOBS --vwire tests/py/fake_vwire.py \
	--report "$work/out" >/dev/null
rc=$?
end=$("$PYTHON" -c 'import time; print(time.monotonic())')
if [ "$rc" -ne 1 ]; then echo "bench-suite: unexpected exit $rc"; exit 1; fi
"$PYTHON" - "$work/out/results.json" "$start" "$end" $JOBS <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
own = sum(e["duration_usecs"] for e in doc["scripts"]) / 1e6 / int(sys.argv[4])
print(f"suite runner: {doc['totals']['scripts']} scripts, -j {sys.argv[4]}, fake vwire")
print(f"  total wall {wall:.2f} s, scripts' own {own:.2f} s (sum / workers)")
print(f"  runner overhead {wall - own:.2f} s (goal < 2 s){'' if wall - own < 2 else '  OVER GOAL'}")
PY
