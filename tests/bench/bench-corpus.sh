#!/bin/sh
# Runs every corpus script (ipv4 variant, flags of RUN-FLAGS.md, each from
# its own folder) against the built-in stack and prints the pass count next
# to the kernel's LINUX-VERDICTS.tsv record, and the wall time.
# TARGET=lwip (or a path, or kernel) runs them against another target.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE=${VWIRE:-$ROOT/bin/vwire}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
FLAGS="--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"
OUT=${OUT:-$(mktemp -d)}
TARGET=${TARGET:-}
[ -n "$TARGET" ] && FLAGS="$FLAGS --target=$TARGET"
# The first line that says what went wrong: vwire's own "file:line:"
# report, else the first error-looking line (a command's output before it,
# such as "Cannot find device", is not the failure).
first_error() {
	grep -m1 -E '^[^ ]+\.pkt:[0-9]+: ' "$1" ||
		grep -m1 -iE 'error|timed out|failed' "$1" || head -n 1 "$1"
}
start=$(date +%s.%N)
pass=0; fail=0; err=0; total=0
for s in $(cd "$CORPUS" && find gtests -name '*.pkt' | sort); do
	case "$s" in *v6.pkt) continue ;; esac
	total=$((total + 1))
	dir=$(dirname "$CORPUS/$s")
	# shellcheck disable=SC2086
	(cd "$dir" && VWIRE_TIMEOUT_SECS=${VWIRE_TIMEOUT_SECS:-60} "$VWIRE" $FLAGS "$(basename "$s")") \
		>"$OUT/$(echo "$s" | tr / _).log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $s" ;;
	1) fail=$((fail + 1)); echo "FAIL $s: $(first_error "$OUT/$(echo "$s" | tr / _).log")" ;;
	*) err=$((err + 1)); echo "ERROR($rc) $s: $(first_error "$OUT/$(echo "$s" | tr / _).log")" ;;
	esac
done
end=$(date +%s.%N)
linux=$(grep -v '^#' "$CORPUS/LINUX-VERDICTS.tsv" | awk -F'\t' '$2=="pass"' | wc -l)
records=$(grep -v '^#' "$CORPUS/LINUX-VERDICTS.tsv" | grep -c .)
echo "corpus: $pass passed, $fail failed, $err errors of $total scripts (ipv4) against ${TARGET:-vstack}; Linux: $linux passed of $records records"
echo "corpus wall time: $(echo "$end - $start" | bc) s"
