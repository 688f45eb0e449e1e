#!/bin/sh
# Per-script cost split, over the corpus's ipv4 scripts, one core (-j 1):
#   process start = mean wall time of `bin/vwire --version` (exec, dynamic
#     loading, option parsing), 50 runs;
#   parse = wall time of one `bin/vwire --dry_run` over all the scripts
#     (read, preprocess, lex, parse, check) / the script count;
#   run = wall time of one `bin/vwire -j 1` over all the scripts / count,
#     minus parse (fork of the script's child, target load, the run itself,
#     its commands, the verdict).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE="$ROOT/bin/vwire"
CORPUS=${CORPUS:-$ROOT/../shared/corpus/google-packetdrill}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
FLAGS="--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"
cd "$CORPUS" || exit 1
scripts=$(find gtests -name '*.pkt' ! -name '*v6.pkt' | sort)
n=$(printf '%s\n' "$scripts" | wc -l)
now() { date +%s%N; }
t0=$(now)
i=0
while [ $i -lt 50 ]; do "$VWIRE" --version >/dev/null; i=$((i + 1)); done
t1=$(now)
# shellcheck disable=SC2086
"$VWIRE" $FLAGS --dry_run $scripts >/dev/null 2>&1
t2=$(now)
# shellcheck disable=SC2086
VWIRE_TIMEOUT_SECS=60 "$VWIRE" $FLAGS -j 1 $scripts >/dev/null 2>&1
t3=$(now)
awk -v s="$(( (t1 - t0) / 50 ))" -v p="$(( (t2 - t1) / n ))" -v r="$(( (t3 - t2) / n ))" -v n="$n" 'BEGIN {
	printf "script cost (%d corpus scripts, -j 1): process start %.2f ms, parse %.2f ms, run %.2f ms per script\n",
		n, s / 1e6, p / 1e6, (r - p) / 1e6 }'
