#!/bin/sh
# The suite runner's overhead on the packetdrill corpus (its 165 ipv4 jobs:
# the 167 scripts less the two *v6.pkt), 2 workers, against the built-in
# stack. Method: the same jobs, with the same bin/vwire argv (--json and
# --pcap included) from the same folders, are run twice, alternately,
# REPS times each:
#   direct: `xargs -P 2` starting each bin/vwire with `env -C FOLDER`, no
#           Python anywhere: what the scripts themselves take on 2 cores;
#   suite:  `bin/vwire-suite run CORPUS --flags-file ci/corpus.flags -j 2`
#           from start to exit: discovery, the pool, schema checks,
#           results.json, junit.xml, the HTML pages, the summary.
# overhead = the median over the REPS pairs of (suite - direct), each pair
# run back to back so both see the same load; and, since wall times on a
# shared machine are noisy, the runner's own CPU time (children excluded),
# which is what it takes from the scripts whatever the load.
# Goal: under 2 s. PATH is the system's for both, as in bench-corpus.sh
# (a pyenv shim costs scripts that run `python3` ~0.5 s each).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
VWIRE=${VWIRE:-$ROOT/bin/vwire}
REPS=${REPS:-5}
JOBS=2
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
[ -x "$VWIRE" ] || { echo "bench-suite: $VWIRE not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One line per job: -C FOLDER bin/vwire ARGS --json=... --pcap=... SCRIPT, for env,
# the argv the runner builds (its own discovery, so the two runs match).
"$PYTHON" - "$ROOT" "$CORPUS" "$VWIRE" "$work/direct" >"$work/jobs" <<'PY'
import os, shlex, sys
root, corpus, vwire, out = sys.argv[1:5]
sys.path.insert(0, os.path.join(root, "reports"))
from vwire_suite import discover, runner
for job in discover.discover([corpus], ["ipv4"], flags_files=[os.path.join(root, "ci", "corpus.flags")]):
    name = runner.slug(job.id)
    argv = ["-C", os.path.dirname(job.script), vwire, *job.args,
            f"--json={out}/json/{name}.json", f"--pcap={out}/pcap/{name}.pcap",
            os.path.basename(job.script)]
    print(" ".join(shlex.quote(a) for a in argv))
PY
count=$(wc -l <"$work/jobs")

# Runs a command; appends "KIND wall own_cpu children_cpu" to the times file.
# The CPU figures come from the command's /proc/PID/stat once it has exited
# and before it is reaped (waitid WNOWAIT): its own user+sys, all threads,
# and that of the processes it waited for (the scripts). Unlike the wall
# time they do not grow when other work loads the machine.
cat >"$work/measure.py" <<'PY'
import os, subprocess, sys, time
kind, times, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
started = time.monotonic()
proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
wall = time.monotonic() - started
with open(f"/proc/{proc.pid}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
tick = os.sysconf("SC_CLK_TCK")
own = (int(fields[11]) + int(fields[12])) / tick
children = (int(fields[13]) + int(fields[14])) / tick
rc = proc.wait()
with open(times, "a") as f:
    f.write(f"{kind} {wall} {own} {children} {rc}\n")
PY
: >"$work/times"
rep=1
while [ "$rep" -le "$REPS" ]; do
	rm -rf "$work/direct" "$work/suite"
	mkdir -p "$work/direct/json" "$work/direct/pcap"
	"$PYTHON" "$work/measure.py" direct "$work/times" xargs -P $JOBS -L 1 -a "$work/jobs" env
	made=$(ls "$work/direct/json" | wc -l)
	[ "$made" -eq "$count" ] || { echo "bench-suite: direct run wrote $made of $count results"; exit 1; }
	"$PYTHON" "$work/measure.py" suite "$work/times" "$PYTHON" "$ROOT/bin/vwire-suite" run \
		"$CORPUS" --flags-file "$ROOT/ci/corpus.flags" -j $JOBS --vwire "$VWIRE" \
		--report "$work/suite"
	rc=$(tail -n 1 "$work/times" | cut -d' ' -f5)
	[ "$rc" -le 1 ] || { echo "bench-suite: vwire-suite exited $rc"; exit 1; }
	rep=$((rep + 1))
done
load=$(cut -d' ' -f1 /proc/loadavg)

"$PYTHON" - "$work/times" "$work/suite/results.json" "$count" "$JOBS" "$load" <<'PY'
import json, statistics, sys
runs = {"direct": [], "suite": []}
for line in open(sys.argv[1]):
    kind, wall, own, children, _ = line.split()
    runs[kind].append((float(wall), float(own), float(children)))
t = json.load(open(sys.argv[2]))["totals"]
jobs = sys.argv[4]
def med(kind, column):
    return statistics.median(r[column] for r in runs[kind])
print(f"suite runner: corpus, {sys.argv[3]} jobs, -j {jobs}, {len(runs['suite'])} runs each, "
      f"load average {sys.argv[5]} at the end ({t['pass']} pass, {t['fail']} fail, {t['error']} error)")
for kind, name in (("direct", f"direct (xargs -P {jobs})"), ("suite", "vwire-suite run")):
    print(f"  {name:<18} wall median {med(kind, 0):.2f} s (min {min(r[0] for r in runs[kind]):.2f}), "
          f"scripts' CPU {med(kind, 2):.2f} s, its own CPU {med(kind, 1):.2f} s")
pairs = [s[0] - d[0] for d, s in zip(runs["direct"], runs["suite"])]
over = statistics.median(pairs)
print(f"  wall overhead {over:.2f} s (median of the pairs' differences: "
      f"{', '.join(f'{p:.2f}' for p in pairs)}; goal < 2 s){'' if over < 2 else '  OVER GOAL'}")
# On 2 busy cores a CPU second the runner spends is one the scripts wait for;
# the wall overhead adds the runner's idle waits (locks, hand-offs) to it.
own = med("suite", 1)
print(f"  runner's own CPU {own:.2f} s (what it takes from the scripts, load or not)")
PY
