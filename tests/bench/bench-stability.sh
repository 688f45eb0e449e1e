#!/bin/sh
# Verdict stability under load: suites/ and the corpus (each one
# `bin/vwire -j N` process, as bench-suites.sh and bench-corpus.sh run
# them) RUNS times while another process (a shell busy loop) keeps a core
# loaded. A verdict changed = a script whose PASS/FAIL/ERROR is not the
# same in every run (only verdict lines count: a stray line of output is
# not a script). A run that does not print one verdict per script counts
# as broken. Goal: none of either.
# RUNS comes from BENCH_RUNS (default 100, the issue's figure: about 10
# minutes on 2 cores); `make bench` runs 10 unless BENCH_RUNS is given
# (tests/bench/run-bench.sh), so the count used is printed with the result.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE=${VWIRE:-$ROOT/bin/vwire}
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
RUNS=${BENCH_RUNS:-100}
JOBS=${JOBS:-$(nproc)}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
FLAGS="--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"
work=$(mktemp -d)
sh -c 'while :; do :; done' &
burner=$!
trap 'kill "$burner" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
suites=$(cd "$ROOT/suites" && ls */*.pkt | grep -v 'v6\.pkt$')
corpus=$(cd "$CORPUS" && find gtests -name '*.pkt' ! -name '*v6.pkt' | sort)
expected=$(( $(printf '%s\n' "$suites" | wc -l) + $(printf '%s\n' "$corpus" | wc -l) ))
# "VERDICT script" for verdict lines only; the rest of the line (the
# failure text, which may hold times) is not compared.
verdicts() { grep -E '^(PASS|FAIL|ERROR) ' | sed -E 's/^(PASS|FAIL|ERROR) ([^:]*).*/\1 \2/'; }
echo "stability: $RUNS runs (BENCH_RUNS; the goal's figure is 100) of $expected scripts, -j $JOBS, a busy loop on a core"
start=$(date +%s.%N)
i=0
broken=0
while [ "$i" -lt "$RUNS" ]; do
	# shellcheck disable=SC2086
	(cd "$ROOT/suites" && "$VWIRE" --ip_version=ipv4 --timeout_secs=10 -j "$JOBS" $suites 2>/dev/null) | verdicts >"$work/run.$i"
	# shellcheck disable=SC2086
	(cd "$CORPUS" && VWIRE_TIMEOUT_SECS=60 "$VWIRE" $FLAGS -j "$JOBS" $corpus 2>/dev/null) | verdicts >>"$work/run.$i"
	got=$(wc -l <"$work/run.$i")
	if [ "$got" -ne "$expected" ]; then
		echo "  run $i: $got verdicts of $expected scripts"
		broken=$((broken + 1))
	fi
	i=$((i + 1))
done
end=$(date +%s.%N)
# Each script's distinct verdicts; more than one = changed, shown with how
# many runs gave each.
cat "$work"/run.* | sort | uniq -c | awk '{n[$3]++; v[$3] = v[$3] " " $2 " x" $1}
	END {for (s in n) if (n[s] > 1) print s ":" v[s]}' | sort >"$work/changed"
changed=$(wc -l <"$work/changed")
sed 's/^/  changed: /' "$work/changed" | head -n 20
echo "stability: $RUNS runs of $expected scripts (suites + corpus, -j $JOBS) with a busy loop loading a core: $changed scripts changed verdict, $broken runs broken (goal 0); $(echo "$end - $start" | bc) s"
[ "$changed" -eq 0 ] && [ "$broken" -eq 0 ]
