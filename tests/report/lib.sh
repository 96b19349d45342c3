# SPDX-License-Identifier: GPL-2.0-or-later
#
# lib.sh - shared by the tests/report/*.sh TAP tests: the EMBARGO binary
# check, a temporary directory, and ok/fail/skip helpers.  Sourced, not run.
#
# Each test: EMBARGO=path/to/embargo tests/report/NAME.sh (any directory).

if [ -z "$EMBARGO" ]; then
	echo "1..0 # SKIP EMBARGO is not set (path to the embargo binary)"
	exit 0
fi
case "$EMBARGO" in
/*) ;;
*) EMBARGO="$(pwd)/$EMBARGO" ;;
esac
if [ ! -x "$EMBARGO" ]; then
	echo "Bail out! EMBARGO=$EMBARGO is not executable"
	exit 1
fi
# Paths in arguments and expected output are relative to the repository root.
cd "$(dirname "$0")/../.." || exit 1
PCAP=tests/pcap
HERE=tests/report
LIST=$PCAP/test.list
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/report-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0

# ok DESCRIPTION: the check passed.
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# fail DESCRIPTION [DETAIL FILE]: the check failed; the file's head as diagnostics.
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ -n "$2" ] && [ -s "$2" ]; then
		head -n 30 "$2" | sed 's/^/# /'
	fi
}

# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
	d=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		ok "$d"
	else
		fail "$d" "$tmp/check.out"
	fi
}

# skip DESCRIPTION REASON
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# same DESCRIPTION EXPECTED ACTUAL: the files are byte for byte equal.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		diff -u "$2" "$3" >"$tmp/diff" 2>&1
		fail "$1" "$tmp/diff"
	fi
}

# rc_is DESCRIPTION WANT GOT
rc_is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		echo "exit status $3, expected $2" >"$tmp/rc"
		fail "$1" "$tmp/rc"
	fi
}

# done_testing: the plan, and the exit status.
done_testing() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
