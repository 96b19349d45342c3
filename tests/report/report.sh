#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# report.sh - `embargo report` and `replay --report` (TAP).  Inputs are
# fixed event files: the golden replay outputs of tests/pcap and the
# aggregated retries of this directory, so these tables do not move when
# the engine does.  Checked: the text, CSV and period reports exactly,
# stdin, bad lines (FILE:LINE on stderr, exit 1, the rest still counted),
# hostile input (a capture file, a huge line, a cut last line) without a
# crash, an unreadable file (exit 2), and replay --report = replay --json
# piped into report.
#
# Usage: EMBARGO=build/src/embargo tests/report/report.sh
. "$(dirname "$0")/lib.sh"

IN="$PCAP/dates.expected.jsonl $PCAP/dns-answers-all.expected.jsonl $PCAP/tls-sni.expected.jsonl
$PCAP/http-host.expected.jsonl $PCAP/ip-only.expected.jsonl $HERE/retry-aggregate.expected.jsonl"

# shellcheck disable=SC2086
"$EMBARGO" report --blocklist "$LIST" $IN >"$tmp/txt" 2>"$tmp/err"
rc_is "text report: exit status 0" 0 "$?"
same "text report (exact)" "$HERE/report.expected.txt" "$tmp/txt"
# shellcheck disable=SC2086
"$EMBARGO" report --csv --blocklist "$LIST" $IN >"$tmp/csv" 2>"$tmp/err"
same "CSV report (exact)" "$HERE/report.expected.csv" "$tmp/csv"
# shellcheck disable=SC2086
"$EMBARGO" report --top 3 --from 2024-09-29T04:00:00Z --to 2024-10-01T09:01:00Z \
	--blocklist "$LIST" $IN >"$tmp/period" 2>"$tmp/err"
same "compliance for a period, top 3 (exact)" "$HERE/report-period.expected.txt" "$tmp/period"

# shellcheck disable=SC2086
cat $IN | "$EMBARGO" report --csv --blocklist "$LIST" - >"$tmp/stdin" 2>"$tmp/err"
same "events from stdin (-)" "$HERE/report.expected.csv" "$tmp/stdin"

# Bad lines among good ones: reported with file and line, skipped, counted.
{
	head -n 3 "$PCAP/dates.expected.jsonl"
	echo "this is not json"
	echo '{"timestamp":"2024-10-01T00:00:00Z","event_type":"match","src_ip":"192.0.2.1"}'
	echo '{"event_type":"stats","stats":{"a":{"b":[1,2,3]}}}'
	tail -n +4 "$PCAP/dates.expected.jsonl"
	printf '{"timestamp":"2024-10-01T00:00:00Z","event_type":"mat'
} >"$tmp/mixed.jsonl"
"$EMBARGO" report --csv --blocklist "$LIST" "$tmp/mixed.jsonl" >"$tmp/mixed.csv" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q "^embargo: $tmp/mixed.jsonl:4: skipped: invalid JSON" "$tmp/err" &&
	grep -q "^embargo: $tmp/mixed.jsonl:5: skipped: match event without a valid" "$tmp/err" &&
	grep -q "^embargo: $tmp/mixed.jsonl:$(($(wc -l <"$tmp/mixed.jsonl") + 1)): skipped" \
		"$tmp/err" && [ "$(wc -l <"$tmp/err")" = 3 ]; then
	ok "bad lines: FILE:LINE on stderr (the cut last line too), exit 1"
else
	fail "bad lines: FILE:LINE on stderr (the cut last line too), exit 1" "$tmp/err"
fi
"$EMBARGO" report --csv --blocklist "$LIST" "$PCAP/dates.expected.jsonl" >"$tmp/clean.csv"
same "bad lines: the good ones count as without them" "$tmp/clean.csv" "$tmp/mixed.csv"

# Hostile input: binary data, a huge line.  Reported, no crash.
"$EMBARGO" report --no-blocklist "$PCAP/demo.pcap" >"$tmp/out" 2>"$tmp/err"
rc_is "a capture file as events: exit 1 (all lines skipped), no crash" 1 "$?"
"$PY" -c 'print("{\"a\":\"" + "x" * 200000 + "\"}")' >"$tmp/huge.jsonl"
"$EMBARGO" report --no-blocklist "$tmp/huge.jsonl" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q "huge.jsonl:1: skipped: longer than" "$tmp/err"; then
	ok "a 200 kB line: skipped as too long"
else
	fail "a 200 kB line: skipped as too long" "$tmp/err"
fi
"$PY" -c 'print("{\"a\":" + "[" * 100 + "]" * 100 + "}")' >"$tmp/deep.jsonl"
"$EMBARGO" report --no-blocklist "$tmp/deep.jsonl" >"$tmp/out" 2>"$tmp/err"
if [ "$?" = 1 ] && grep -q "nested too deep" "$tmp/err"; then
	ok "nesting 100 deep: skipped"
else
	fail "nesting 100 deep: skipped" "$tmp/err"
fi
seq 1 100 | sed 's/.*/garbage/' >"$tmp/many.jsonl"
"$EMBARGO" report --no-blocklist "$tmp/many.jsonl" >"$tmp/out" 2>"$tmp/err"
if [ "$(wc -l <"$tmp/err")" = 21 ] && grep -q "100 bad lines skipped" "$tmp/out"; then
	ok "100 bad lines: 20 messages, then counted quietly"
else
	fail "100 bad lines: 20 messages, then counted quietly" "$tmp/err"
fi

"$EMBARGO" report --no-blocklist "$tmp/missing.jsonl" "$PCAP/dates.expected.jsonl" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "missing.jsonl" "$tmp/err" && grep -q "^attempts: 7 " "$tmp/out"
then
	ok "an unreadable file: exit 2, named, the others reported"
else
	fail "an unreadable file: exit 2, named, the others reported" "$tmp/err"
fi
"$EMBARGO" report --from 2024-10-02 --to 2024-10-01 --no-blocklist "$tmp/mixed.jsonl" \
	>/dev/null 2>&1
rc_is "--to before --from: exit 2" 2 "$?"

# replay --report is replay --json piped into report (but for the heading's file count).
set -- "$PCAP/dates.pcap" "$PCAP/dns-answers.pcap" "$PCAP/tls-sni.pcapng"
"$EMBARGO" replay --report --blocklist "$LIST" "$@" >"$tmp/rr" 2>"$tmp/err"
rc_is "replay --report: exit status 1 (matches)" 1 "$?"
"$EMBARGO" replay --json --blocklist "$LIST" "$@" 2>/dev/null |
	"$EMBARGO" report --blocklist "$LIST" - >"$tmp/pr" 2>"$tmp/err"
sed 1d "$tmp/rr" >"$tmp/rr1"
sed 1d "$tmp/pr" >"$tmp/pr1"
same "replay --report = replay --json | report" "$tmp/pr1" "$tmp/rr1"
if head -n 1 "$tmp/rr" | grep -q "^embargo report: 3 files, "; then
	ok "replay --report counts the capture files"
else
	fail "replay --report counts the capture files" "$tmp/rr"
fi
"$EMBARGO" replay --report --csv --blocklist "$LIST" "$@" >"$tmp/rc" 2>/dev/null
"$EMBARGO" replay --json --blocklist "$LIST" "$@" 2>/dev/null |
	"$EMBARGO" report --csv --blocklist "$LIST" - >"$tmp/pc" 2>/dev/null
same "replay --report --csv = replay --json | report --csv" "$tmp/pc" "$tmp/rc"
"$EMBARGO" replay --report --json --blocklist "$LIST" "$@" >/dev/null 2>&1
rc_is "replay --report --json: a usage error" 2 "$?"

done_testing
