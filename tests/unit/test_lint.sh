#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_lint.sh - `embargo lint` on the fixtures of tests/unit/data/lint and
# the bundled lists: the exact diagnostics on stdout, the count on stderr
# and the exit status (TAP).
#
# Usage: EMBARGO=build/src/embargo tests/unit/test_lint.sh
# Skips when EMBARGO is not set.  Paths in the expected output are relative
# to the repository root, where the script changes to.

if [ -z "${EMBARGO:-}" ]; then
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
cd "$(dirname "$0")/../.." || exit 1
D=tests/unit/data/lint

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-lint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0

report() {	# report OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# lint DESCRIPTION STATUS [ARGS...] < EXPECTED-STDOUT
lint() {
	desc=$1
	want=$2
	shift 2
	cat > "$tmp/want"
	"$EMBARGO" lint "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	bad=0
	if [ "$rc" != "$want" ]; then
		echo "#   exit status $rc, want $want"
		bad=1
	fi
	if ! cmp -s "$tmp/want" "$tmp/out"; then
		diff "$tmp/want" "$tmp/out" | sed 's/^/#   /'
		bad=1
	fi
	report "$bad" "$desc"
}

# stderr_is DESCRIPTION TEXT: the last command's stderr, exactly.
stderr_is() {
	if [ "$(cat "$tmp/err")" = "$2" ]; then
		report 0 "$1"
	else
		echo "#   stderr: $(cat "$tmp/err")"
		report 1 "$1"
	fi
}

lint "a clean list: no output, status 0" 0 $D/clean.list < /dev/null
stderr_is "a clean list: nothing on stderr" ""

lint "every kind of finding, sorted by line; errors give status 1" 1 $D/issues.list <<'EOF'
tests/unit/data/lint/issues.list:5: warning: "x.ads.example" is redundant: "ads.example" (line 4) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:6: warning: "ads.example" repeats the entry at line 4; this copy is ignored
tests/unit/data/lint/issues.list:7: warning: "=exact.ads.example" is redundant: "ads.example" (line 4) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:9: warning: "deep.ads.example" never blocks: the exception "@@deep.ads.example" (line 10) allows every name it covers
tests/unit/data/lint/issues.list:11: note: "=other.ads.example" (telemetry, drop) overrides "ads.example" (ads, drop; line 4) for the names it covers
tests/unit/data/lint/issues.list:13: note: the exception "@@never-used.example" overrides no block rule in the files checked
tests/unit/data/lint/issues.list:14: warning: "tlgslb.com" blocks tlgslb.com, a CDN Kaspersky names resolve to in China and that others share: block the Kaspersky names, never the CDN
tests/unit/data/lint/issues.list:15: warning: "dnl-01.tlgslb.com" is redundant: "tlgslb.com" (line 14) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:15: warning: "dnl-01.tlgslb.com" is under tlgslb.com, a CDN Kaspersky names resolve to in China and that others share: block the Kaspersky names, never the CDN
tests/unit/data/lint/issues.list:17: warning: "192.0.2.128/25" is redundant: "192.0.2.0/24" (line 16) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:18: error: cidr: host bits set in "198.51.100.1/24" (the network is 198.51.100.0/24)
tests/unit/data/lint/issues.list:19: error: domain: empty label in "bad..name.example"
tests/unit/data/lint/issues.list:20: warning: "8.0.0.0/8" blocks 8.8.8.8 (Google Public DNS), a public DNS resolver Kaspersky software falls back to: inspect DNS to it, never block it
tests/unit/data/lint/issues.list:21: warning: "dns.google" blocks dns.google, a public DNS resolver: inspect DNS to it, never block it
tests/unit/data/lint/issues.list:23: warning: "203.0.113.0/24" never blocks: the exception "@@203.0.113.0/24" (line 24) allows all of it
EOF
stderr_is "the count on stderr" "embargo lint: 2 errors, 11 warnings, 2 notes"

lint "--quiet leaves the notes out, not the status" 1 --quiet $D/issues.list <<'EOF'
tests/unit/data/lint/issues.list:5: warning: "x.ads.example" is redundant: "ads.example" (line 4) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:6: warning: "ads.example" repeats the entry at line 4; this copy is ignored
tests/unit/data/lint/issues.list:7: warning: "=exact.ads.example" is redundant: "ads.example" (line 4) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:9: warning: "deep.ads.example" never blocks: the exception "@@deep.ads.example" (line 10) allows every name it covers
tests/unit/data/lint/issues.list:14: warning: "tlgslb.com" blocks tlgslb.com, a CDN Kaspersky names resolve to in China and that others share: block the Kaspersky names, never the CDN
tests/unit/data/lint/issues.list:15: warning: "dnl-01.tlgslb.com" is redundant: "tlgslb.com" (line 14) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:15: warning: "dnl-01.tlgslb.com" is under tlgslb.com, a CDN Kaspersky names resolve to in China and that others share: block the Kaspersky names, never the CDN
tests/unit/data/lint/issues.list:17: warning: "192.0.2.128/25" is redundant: "192.0.2.0/24" (line 16) already covers it with the same list, category and policy
tests/unit/data/lint/issues.list:18: error: cidr: host bits set in "198.51.100.1/24" (the network is 198.51.100.0/24)
tests/unit/data/lint/issues.list:19: error: domain: empty label in "bad..name.example"
tests/unit/data/lint/issues.list:20: warning: "8.0.0.0/8" blocks 8.8.8.8 (Google Public DNS), a public DNS resolver Kaspersky software falls back to: inspect DNS to it, never block it
tests/unit/data/lint/issues.list:21: warning: "dns.google" blocks dns.google, a public DNS resolver: inspect DNS to it, never block it
tests/unit/data/lint/issues.list:23: warning: "203.0.113.0/24" never blocks: the exception "@@203.0.113.0/24" (line 24) allows all of it
EOF

lint "skipped rules of another format: a warning, status 0" 0 $D/skipped.txt <<'EOF'
tests/unit/data/lint/skipped.txt:3: warning: hosts line mapping names to a real address: 2 skipped, the first on this line (only domain and address rules are loaded)
EOF
lint "--strict: the same warning gives status 1" 1 --strict $D/skipped.txt <<'EOF'
tests/unit/data/lint/skipped.txt:3: warning: hosts line mapping names to a real address: 2 skipped, the first on this line (only domain and address rules are loaded)
EOF

lint "an RPZ zone: every error with its line, lint goes on" 1 $D/bad.rpz <<'EOF'
tests/unit/data/lint/bad.rpz:5: error: cidr: host bits set in "192.0.2.1/24" (the network is 192.0.2.0/24)
tests/unit/data/lint/bad.rpz:6: warning: RPZ local-data record: 1 skipped, the first on this line (only domain and address rules are loaded)
tests/unit/data/lint/bad.rpz:7: error: rpz: Syntax error, value expected
EOF

lint "--format: a hosts file read as a plain list" 1 --format list $D/skipped.txt <<'EOF'
tests/unit/data/lint/skipped.txt:2: error: unexpected "ads.example" after the entry "0.0.0.0" (one entry per line)
tests/unit/data/lint/skipped.txt:3: error: unexpected "printer.example" after the entry "192.168.0.1" (one entry per line)
tests/unit/data/lint/skipped.txt:4: error: unexpected "scanner.example" after the entry "192.168.0.2" (one entry per line)
tests/unit/data/lint/skipped.txt:5: error: unexpected "tracker.example" after the entry "0.0.0.0" (one entry per line)
EOF

lint "several files: each in the order given" 1 $D/skipped.txt $D/bad.rpz <<'EOF'
tests/unit/data/lint/skipped.txt:3: warning: hosts line mapping names to a real address: 2 skipped, the first on this line (only domain and address rules are loaded)
tests/unit/data/lint/bad.rpz:5: error: cidr: host bits set in "192.0.2.1/24" (the network is 192.0.2.0/24)
tests/unit/data/lint/bad.rpz:6: warning: RPZ local-data record: 1 skipped, the first on this line (only domain and address rules are loaded)
tests/unit/data/lint/bad.rpz:7: error: rpz: Syntax error, value expected
EOF

lint "a file that cannot be read: an error, the others still checked" 1 \
	$D/no-such.list $D/skipped.txt <<'EOF'
tests/unit/data/lint/no-such.list: error: cannot open: No such file or directory
tests/unit/data/lint/skipped.txt:3: warning: hosts line mapping names to a real address: 2 skipped, the first on this line (only domain and address rules are loaded)
EOF

lint "--config: a configuration error with its line" 1 --config $D/embargo.conf <<'EOF'
tests/unit/data/lint/embargo.conf:4: error: colour: unknown key
EOF
lint "--config with no PATH: the configuration's lists" 0 --config $D/ok.conf <<'EOF'
tests/unit/data/lint/skipped.txt:3: warning: hosts line mapping names to a real address: 2 skipped, the first on this line (only domain and address rules are loaded)
EOF

lint "--off by file stem: the list is not read" 0 --off skipped $D/skipped.txt < /dev/null

lint "the bundled lists: no error and no warning, even with --strict" 0 --strict --quiet \
	blocklists < /dev/null
lint "the bundled lists with the unverified file" 0 --strict --quiet \
	blocklists blocklists/kaspersky-unverified.list.off < /dev/null
"$EMBARGO" lint blocklists > "$tmp/out" 2>&1
grep -q '^blocklists/kaspersky.list:[0-9]*: note: "upd.kaspersky.com" (update, drop) overrides "kaspersky.com" (brand, log; line [0-9]*) for the names it covers$' "$tmp/out"
report $? "the bundled lists: notes say which entry wins over the brand suffix"

# Usage errors: status 2, nothing on stdout.
lint "no PATH and no --config: usage, status 2" 2 < /dev/null
lint "an unknown option: status 2" 2 --bogus $D/clean.list < /dev/null
lint "an unknown format: status 2" 2 --format yaml $D/clean.list < /dev/null
stderr_is "an unknown format: says which" "embargo: lint: unknown format 'yaml'"
"$EMBARGO" lint --help > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" = 0 ] && head -n 1 "$tmp/out" | grep -q '^usage: embargo lint' && [ ! -s "$tmp/err" ]
report $? "--help: usage on stdout, status 0"

echo "1..$n"
[ "$failed" = 0 ]
