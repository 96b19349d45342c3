#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# aggregate.sh - repeated identical events folded into summaries (TAP):
# a client retrying a blocked update every second for 150 s (mkretry.py)
# replayed with --aggregate gives its first event, then one summary per
# minute, exactly as retry-aggregate.expected.jsonl; the counts add up; no
# attempt is lost for `embargo report`; -j aggregates after the merge.
#
# Usage: EMBARGO=build/src/embargo tests/report/aggregate.sh
. "$(dirname "$0")/lib.sh"

if ! "$PY" "$HERE/mkretry.py" "$tmp/retry.pcap" 2>"$tmp/err"; then
	echo "1..0 # SKIP python3 cannot write the capture: $(head -n 1 "$tmp/err")"
	exit 0
fi

"$EMBARGO" replay --json --aggregate --blocklist "$LIST" "$tmp/retry.pcap" >"$tmp/agg" 2>"$tmp/err"
rc=$?
same "--aggregate: first event, then a summary per minute (exact)" \
	"$HERE/retry-aggregate.expected.jsonl" "$tmp/agg"
rc_is "--aggregate: exit status 1 (matches)" 1 "$rc"

"$EMBARGO" replay --json --blocklist "$LIST" "$tmp/retry.pcap" >"$tmp/raw" 2>"$tmp/err"
if [ "$(wc -l <"$tmp/raw")" -eq 152 ] && ! grep -q '"summary"' "$tmp/raw"; then
	ok "without --aggregate every one of the 152 attempts is an event"
else
	fail "without --aggregate every one of the 152 attempts is an event" "$tmp/raw"
fi

# 30 s intervals: 29 + 30 + 30 + 30 + 30 repeats of s1 after its first event.
"$EMBARGO" replay --json --aggregate=30s --blocklist "$LIST" "$tmp/retry.pcap" >"$tmp/agg30"
counts=$(grep '"event_type":"summary"' "$tmp/agg30" | sed 's/.*"count":\([0-9]*\).*/\1/' |
	tr '\n' ' ')
if [ "$counts" = "29 30 30 30 30 " ]; then
	ok "--aggregate=30s: five summaries, 149 repeats"
else
	echo "counts: $counts" >"$tmp/c"
	fail "--aggregate=30s: five summaries, 149 repeats" "$tmp/c"
fi

# embargo report counts a summary as its count: nothing is lost.
if "$EMBARGO" report --csv --blocklist "$LIST" "$tmp/agg" >"$tmp/agg.csv" 2>"$tmp/err" &&
	"$EMBARGO" report --csv --blocklist "$LIST" "$tmp/raw" >"$tmp/raw.csv" 2>>"$tmp/err"; then
	same "report of the aggregated events = report of every event" "$tmp/raw.csv" \
		"$tmp/agg.csv"
else
	fail "report of the aggregated events = report of every event" "$tmp/err"
fi

# -j: aggregation runs on the merged stream, so it does not depend on N.
"$EMBARGO" replay --json --aggregate -j 1 --blocklist "$LIST" "$tmp/retry.pcap" \
	"$PCAP/dates.pcap" "$PCAP/dns-queries.pcap" >"$tmp/j1" 2>"$tmp/err"
"$EMBARGO" replay --json --aggregate -j 3 --blocklist "$LIST" "$tmp/retry.pcap" \
	"$PCAP/dates.pcap" "$PCAP/dns-queries.pcap" >"$tmp/j3" 2>>"$tmp/err"
same "--aggregate -j 3 = -j 1" "$tmp/j1" "$tmp/j3"
if grep -q '"count":59,' "$tmp/j1"; then
	ok "-j: the retries are aggregated"
else
	fail "-j: the retries are aggregated" "$tmp/j1"
fi

"$EMBARGO" replay --aggregate --blocklist "$LIST" "$tmp/retry.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q -- "--aggregate goes with --json" "$tmp/err"; then
	ok "--aggregate without --json: a usage error"
else
	fail "--aggregate without --json: a usage error" "$tmp/err"
fi
"$EMBARGO" replay --json --aggregate=0s --blocklist "$LIST" "$tmp/retry.pcap" >"$tmp/out" \
	2>"$tmp/err"
rc_is "--aggregate=0s is refused" 2 "$?"

done_testing
