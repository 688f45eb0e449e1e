# mk FILE CHECKS RFC LEVEL KNOBS < body: writes one suite script with the
# header that tools/readme.py turns into the folder's README table.
. "$(dirname "$0")/prologue.sh" 2>/dev/null || true
mk() {
	{
		printf '// checks: %s\n// rfc: %s\n// level: %s\n// knobs: %s\n' "$2" "$3" "$4" "$5"
		[ -n "$LINUX" ] && printf '// linux: %s\n' "$LINUX"
		printf '%s\n' '--tolerance_usecs=20000' '`sh ../common/defaults.sh`'
		[ -n "$LINUX" ] && printf '%s\n' '`sh ../common/rfc-profile.sh`'
		cat
	} > "$1"
}
