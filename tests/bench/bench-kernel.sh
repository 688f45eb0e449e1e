#!/bin/sh
# Agreement of vwire --target=kernel with reference packetdrill on Linux:
# every script of LINUX-VERDICTS.tsv (the ipv4 variant) run one at a time,
# from its own folder, with RUN-FLAGS.md's ipv4 flags, against this
# machine's kernel in a private namespace. Prints the agreement and the
# scripts that differ (vwire's first error line for each), then the
# differential run: the same script on the built-in stack (virtual time)
# against the kernel target's verdict, and where the two part ways.
# Real time: a few minutes. Needs root and /dev/net/tun.
#   KERNEL_BENCH_OUT=FILE  where the per-script table goes (default in /tmp)
#   KERNEL_BENCH_ONLY=RE   run only the scripts whose path matches RE
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE=${VWIRE:-$ROOT/bin/vwire}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
VERDICTS=$CORPUS/LINUX-VERDICTS.tsv
OUT=${KERNEL_BENCH_OUT:-/tmp/vwire-bench-kernel.$$.tsv}
ONLY=${KERNEL_BENCH_ONLY:-.}

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "bench-kernel: skipped (needs root and /dev/net/tun)"
	exit 0
fi
[ -x "$VWIRE" ] || { echo "bench-kernel: $VWIRE is not built"; exit 1; }
[ -f "$VERDICTS" ] || { echo "bench-kernel: no $VERDICTS"; exit 1; }

FLAGS="--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 \
--netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb \
-D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"

# The corpus's symlinks (tcp/common/defaults.sh -> ../../common/defaults.sh)
# arrived as plain files holding the link's text: run a copy with the
# links made again.
WORK=$(mktemp -d /tmp/vwire-bench-kernel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS/." "$WORK/" && chmod -R u+w "$WORK"
find "$WORK" -type f -name '*.sh' ! -perm -u+x | while read -r f; do
	link=$(head -c 256 "$f")
	case $link in *[!A-Za-z0-9./_-]*|'') continue ;; esac
	[ -e "$(dirname "$f")/$link" ] && ln -sf "$link" "$f"
done
CORPUS=$WORK

# Real time on a shared machine: the load goes with the figure.
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
start=$(date +%s)
total=0 agree=0
: >"$OUT"
# One run: sets ours (pass/fail) and first (vwire's first error line).
run_one() {
	log=$(cd "$1" && timeout 300 "$VWIRE" --target=kernel $FLAGS "$2" 2>&1)
	case $? in 0) ours=pass ;; *) ours=fail ;; esac
	first=$(printf '%s\n' "$log" | grep -m1 -E 'error|FAIL|Timed out|failed' | cut -c1-200)
}
# The built-in stack's verdict on the same script: sets stack.
run_stack() {
	(cd "$1" && timeout 60 "$VWIRE" $FLAGS "$2" >/dev/null 2>&1)
	case $? in 0) stack=pass ;; *) stack=fail ;; esac
}
# Columns: script, linux, vwire (first run), first error, vwire after
# reruns, built-in stack. Real time on a shared machine: a disagreement
# that is only a timing error (or bin/vwire being rebuilt under the run)
# gets up to RERUNS more runs; the fifth
# column says whether a rerun agreed (timing noise is a reason only where
# one does).
RERUNS=${KERNEL_BENCH_RERUNS:-2}
grep -v '^#' "$VERDICTS" | grep -E "$ONLY" | while IFS="$(printf '\t')" read -r script linux _; do
	dir=$CORPUS/gtests/net/$(dirname "$script")
	[ -d "$dir" ] || dir=$CORPUS/$(dirname "$script")
	run_one "$dir" "$(basename "$script")"
	once=$ours first_once=$first
	n=0
	while [ "$ours" != "$linux" ] && [ "$n" -lt "$RERUNS" ] &&
		printf '%s' "$first" | grep -qE 'timing error|failed to run command'; do
		run_one "$dir" "$(basename "$script")"
		n=$((n + 1))
	done
	run_stack "$dir" "$(basename "$script")"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$script" "$linux" "$once" "$first_once" "$ours" "$stack" >>"$OUT"
done

total=$(wc -l <"$OUT")
agree=$(awk -F'\t' '$2 == $3' "$OUT" | wc -l)
rerun=$(awk -F'\t' '$2 == $5' "$OUT" | wc -l)
secs=$(( $(date +%s) - start ))
pct() { awk -v a="$1" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * a / t : 0 }'; }
echo "kernel target vs LINUX-VERDICTS.tsv (ipv4): $agree / $total agree" \
	"($(pct "$agree")%) on the first run, $rerun / $total ($(pct "$rerun")%)" \
	"with up to $RERUNS reruns of timing-only disagreements;" \
	"$(awk -F'\t' '$3 == "pass"' "$OUT" | wc -l) pass, ${secs} s wall;" \
	"load average $load_start at the start, $(load) at the end"
echo "differing on the first run (script, linux, vwire, vwire's first error, vwire after reruns, built-in stack):"
awk -F'\t' '$2 != $3 { print "  " $0 }' "$OUT"
# Each difference should be explained in KNOWN-DIFFERENCES.tsv: name the
# ones that are not (after reruns), so a new one stands out.
KNOWN=$ROOT/harness/targets/kernel/KNOWN-DIFFERENCES.tsv
unexplained=$(awk -F'\t' 'NR == FNR { if ($0 !~ /^#/) known[$1] = 1; next }
	$2 != $5 && !($1 in known) { print "  " $1 }' "$KNOWN" "$OUT")
echo "differing after reruns and not in $(basename "$KNOWN"): $(printf '%s\n' "$unexplained" | grep -c .)"
[ -n "$unexplained" ] && printf '%s\n' "$unexplained"
# Differential: the built-in stack against Linux as the kernel target saw
# it (after reruns, so timing noise does not count as a difference).
diff_agree=$(awk -F'\t' '$5 == $6' "$OUT" | wc -l)
echo "differential, built-in stack vs kernel target: $diff_agree / $total" \
	"scripts agree ($(pct "$diff_agree")%);" \
	"$(awk -F'\t' '$6 == "pass"' "$OUT" | wc -l) pass on the built-in stack"
echo "differing (script, kernel, built-in stack):"
awk -F'\t' '$5 != $6 { print "  " $1 "\t" $5 "\t" $6 }' "$OUT"
echo "per-script table: $OUT"
