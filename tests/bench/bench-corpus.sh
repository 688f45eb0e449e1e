#!/bin/sh
# The corpus (ipv4 variants, flags of RUN-FLAGS.md) against the built-in
# stack in ONE multi-script `bin/vwire -j N` process (N = JOBS, default the
# number of cores; each script still runs in a child of its own, from the
# corpus root, its commands in the script's folder). Prints each verdict,
# the pass count next to the kernel's LINUX-VERDICTS.tsv record, the wall
# time (date before and after the process), scripts per second, and the
# ratio of the scripts' virtual time (sum of virtual_usecs of each
# script's --json) to that wall time. Goal: under 2 s on 2 cores.
# PATH is the system's (/usr/sbin:/usr/bin:/sbin:/bin) so that a script's
# `python3` or `sysctl` is Debian's, not a user's shim (a pyenv shim alone
# cost ~0.5 s per corpus script using set_sysctls.py).
# TARGET=lwip (or a path, or kernel) runs them against another target;
# SERIAL=1 runs one bin/vwire per script, from its folder, as before.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE=${VWIRE:-$ROOT/bin/vwire}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-$(nproc)}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
FLAGS="--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"
OUT=${OUT:-$(mktemp -d)}
TARGET=${TARGET:-}
[ -n "$TARGET" ] && FLAGS="$FLAGS --target=$TARGET"
export VWIRE_TIMEOUT_SECS=${VWIRE_TIMEOUT_SECS:-60}
cd "$CORPUS" || exit 1
scripts=$(find gtests -name '*.pkt' ! -name '*v6.pkt' | sort)
total=$(printf '%s\n' "$scripts" | wc -l)
start=$(date +%s.%N)
if [ -n "$SERIAL" ]; then
	for s in $scripts; do
		# shellcheck disable=SC2086
		(cd "$(dirname "$s")" && "$VWIRE" $FLAGS "$(basename "$s")") >/dev/null 2>&1
		case $? in 0) echo "PASS $s" ;; 1) echo "FAIL $s" ;; *) echo "ERROR $s" ;; esac
	done >"$OUT/verdicts"
else
	# shellcheck disable=SC2086
	"$VWIRE" $FLAGS -j "$JOBS" --json="$OUT/r.json" $scripts >"$OUT/verdicts" 2>"$OUT/stderr"
fi
end=$(date +%s.%N)
cat "$OUT/verdicts"
pass=$(grep -c '^PASS ' "$OUT/verdicts")
fail=$(grep -c '^FAIL ' "$OUT/verdicts")
err=$(grep -c '^ERROR ' "$OUT/verdicts")
linux=$(grep -v '^#' "$CORPUS/LINUX-VERDICTS.tsv" | awk -F'\t' '$2=="pass"' | wc -l)
records=$(grep -v '^#' "$CORPUS/LINUX-VERDICTS.tsv" | grep -c .)
echo "corpus: $pass passed, $fail failed, $err errors of $total scripts (ipv4) against ${TARGET:-vstack}; Linux: $linux passed of $records records"
"$PYTHON" - "$OUT" "$start" "$end" "$total" "$JOBS" "${SERIAL:+serial}" <<'PY'
import glob, json, sys
out, start, end, n, jobs, serial = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
wall = end - start
virt = 0
for f in glob.glob(out + "/r.json.*"):
    try:
        virt += json.load(open(f)).get("virtual_usecs") or 0
    except (OSError, ValueError):
        pass
mode = "one process per script, serial" if serial else f"one bin/vwire -j {jobs}"
print(f"corpus wall time: {wall:.2f} s ({mode}; goal < 2 s on 2 cores), {n / wall:.1f} scripts/s")
if virt:
    print(f"corpus virtual time: {virt / 1e6:.1f} s, {virt / 1e6 / wall:.1f}x the wall time")
PY
