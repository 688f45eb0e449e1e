#!/bin/sh
# Runs bin/vwire under valgrind (memcheck, definite leaks are errors) over
# every script in suites/, or over the first N when SAMPLE=N. A script's
# own verdict does not matter here, only valgrind's: exit 1 if any run
# reported a memory error or a leak.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VWIRE=${VWIRE:-$ROOT/bin/vwire}
SUPP=$ROOT/tests/hostile/valgrind.supp
SAMPLE=${SAMPLE:-0}
bad=0; n=0
for f in $(find "$ROOT/suites" -name '*.pkt' | sort); do
	[ "$SAMPLE" -gt 0 ] && [ "$n" -ge "$SAMPLE" ] && break
	n=$((n + 1))
	log=$(mktemp)
	(cd "$(dirname "$f")" && valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --suppressions="$SUPP" --log-file="$log" \
		"$VWIRE" --ip_version=ipv4 "$(basename "$f")" >/dev/null 2>&1)
	if [ "$?" -eq 99 ] || [ -s "$log" ]; then
		echo "valgrind: ${f#$ROOT/}"; cat "$log"; bad=$((bad + 1))
	fi
	rm -f "$log"
done
echo "valgrind: $n scripts, $bad with reports"
[ "$bad" -eq 0 ]
