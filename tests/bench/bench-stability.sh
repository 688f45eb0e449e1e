#!/bin/sh
# Verdict stability under load: suites/ and the corpus (each one
# `bin/vwire -j N` process, as bench-suites.sh and bench-corpus.sh run
# them) RUNS times (env BENCH_RUNS, default 100) while another process
# (a shell busy loop) keeps a core loaded; a verdict changed = a script
# whose PASS/FAIL/ERROR differs from the first run's. Goal: none.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE="$ROOT/bin/vwire"
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
verdicts() { sed -E 's/^(PASS|FAIL|ERROR) ([^:]*).*/\1 \2/'; }
start=$(date +%s.%N)
i=0
while [ "$i" -lt "$RUNS" ]; do
	# shellcheck disable=SC2086
	(cd "$ROOT/suites" && "$VWIRE" --ip_version=ipv4 --timeout_secs=10 -j "$JOBS" $suites 2>/dev/null) | verdicts >"$work/run.$i"
	# shellcheck disable=SC2086
	(cd "$CORPUS" && VWIRE_TIMEOUT_SECS=60 "$VWIRE" $FLAGS -j "$JOBS" $corpus 2>/dev/null) | verdicts >>"$work/run.$i"
	i=$((i + 1))
done
end=$(date +%s.%N)
cat "$work"/run.* | sort | uniq | awk '{print $2}' | sort | uniq -d >"$work/changed"
changed=$(wc -l <"$work/changed")
sed 's/^/  changed: /' "$work/changed" | head -n 20
scripts=$(wc -l <"$work/run.0")
echo "stability: $RUNS runs of $scripts scripts (suites + corpus, -j $JOBS) with a busy loop loading a core: $changed scripts changed verdict (goal 0); $(echo "$end - $start" | bc) s"
[ "$changed" -eq 0 ]
