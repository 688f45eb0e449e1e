#!/bin/sh
# Runs every suite script with bin/vwire (extra flags in $VWIRE_FLAGS) for
# one IP version and prints "verdict rc file" lines; honours the v4/v6
# file-name suffixes the way the corpus runner does.
cd "$(dirname "$0")/.." || exit 2
VWIRE=${VWIRE:-../bin/vwire}
IPV=${1:-ipv4}
for f in */*.pkt; do
	case "$IPV:$f" in
	ipv6:*v4.pkt|ipv4:*v6.pkt) continue ;;
	esac
	d=$(dirname "$f"); b=$(basename "$f")
	out=$(cd "$d" && timeout 60 "../$VWIRE" --ip_version="$IPV" $VWIRE_FLAGS "$b" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then v=pass; else v=fail; fi
	printf '%s %s %s %s\n' "$v" "$rc" "$f" "$(printf '%s' "$out" | head -n 1)"
done
