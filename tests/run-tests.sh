#!/bin/sh
# Runs every test: the C unit tests (cmocka), then pytest. Ends with one
# summary line, "N passed, N failed", over both.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
passed=0
failed=0

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED)  \]|^\[  FAILED  \] [a-z_]' >/dev/null
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed before its summary
	if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; fi
	echo "unit $(basename "$t"): $p passed, $f failed"
	passed=$((passed + p)); failed=$((failed + f))
done

pyout=$(mktemp)
VWIRE_BUILD=$BUILD "$PYTHON" -m pytest -q -p no:cacheprovider tests/py 2>&1 | tee "$pyout"
p=$(tail -n 5 "$pyout" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | tail -n 1)
f=$(tail -n 5 "$pyout" | grep -oE '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {if (NR) print s}')
rm -f "$pyout"
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
[ -n "$p" ] || [ -n "$f" ] || { echo "pytest produced no summary"; failed=$((failed + 1)); }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
