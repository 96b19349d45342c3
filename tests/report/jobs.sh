#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# jobs.sh - `embargo replay -j N` (TAP): the output does not depend on N
# (JSON, EVE, the human report, the summary, CSV, matched packets), JSON
# comes out in timestamp order with the same events as without -j,
# directories expand to the captures inside them in name order, and a
# damaged file fails the run without losing the others.
#
# Usage: EMBARGO=build/src/embargo tests/report/jobs.sh
. "$(dirname "$0")/lib.sh"

# A directory of captures (several link types, IPv6, QUIC, TCP and UDP DNS),
# a file that is not one, and a subdirectory: both are left out.
caps="$tmp/caps"
mkdir -p "$caps/sub"
for f in dates.pcap dns-answers.pcap tls-sni.pcapng http-host.pcap link-sll.pcap \
	evade-quic.pcap dns-tcp.pcap ip-only.pcap; do
	cp "$PCAP/$f" "$caps/$f"
done
cp "$PCAP/demo.pcap" "$caps/sub/"
echo "not a capture" >"$caps/README"
files=$(ls "$caps"/*.pcap "$caps"/*.pcapng | LC_ALL=C sort)

run() {
	out=$1
	shift
	"$EMBARGO" replay --blocklist "$LIST" "$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

run "$tmp/seq.json" --json --all $files
run "$tmp/dir.json" --json --all "$caps"
same "a directory is its capture files in name order" "$tmp/seq.json" "$tmp/dir.json"

for j in 1 2 4; do
	run "$tmp/j$j.json" --json --all -j $j "$caps"
done
same "-j 2 JSON = -j 1" "$tmp/j1.json" "$tmp/j2.json"
same "-j 4 JSON = -j 1" "$tmp/j1.json" "$tmp/j4.json"
rc_is "-j: exit status 1 (matches)" 1 "$(cat "$tmp/j2.json.rc")"

sed 's/^{"timestamp":"\([^"]*\)".*/\1/' "$tmp/j2.json" >"$tmp/ts"
check "-j: events in timestamp order" sort -c "$tmp/ts"
LC_ALL=C sort "$tmp/seq.json" >"$tmp/seq.sorted"
LC_ALL=C sort "$tmp/j2.json" >"$tmp/j2.sorted"
same "-j: the same events as without -j" "$tmp/seq.sorted" "$tmp/j2.sorted"

run "$tmp/h0" $files
run "$tmp/h1" -j 1 "$caps"
run "$tmp/h2" -j 2 "$caps"
same "human report: -j 2 = -j 1" "$tmp/h1" "$tmp/h2"
same "human report: -j = without -j (per-file reports merged)" "$tmp/h0" "$tmp/h2"

run "$tmp/r0" --report $files
run "$tmp/r1" --report -j 1 "$caps"
run "$tmp/r2" --report -j 2 "$caps"
same "--report: -j 2 = -j 1" "$tmp/r1" "$tmp/r2"
same "--report: -j = without -j" "$tmp/r0" "$tmp/r2"
run "$tmp/c1" --report --csv -j 1 "$caps"
run "$tmp/c2" --report --csv -j 2 "$caps"
same "--report --csv: -j 2 = -j 1" "$tmp/c1" "$tmp/c2"

run "$tmp/e1" --eve -j 1 "$caps"
run "$tmp/e2" --eve -j 2 "$caps"
same "--eve: -j 2 = -j 1" "$tmp/e1" "$tmp/e2"
# Every line ends with flow_id and pcap_filename; a flow_id names one file's flow.
if "$PY" - "$tmp/e2" >"$tmp/eve.diag" 2>&1 <<'PYEOF'
import json, sys
files = {}
for line in open(sys.argv[1]):
    ev = json.loads(line)
    keys = list(ev)
    assert keys[-2:] == ["flow_id", "pcap_filename"], keys
    files.setdefault(ev["flow_id"], set()).add(ev["pcap_filename"])
assert files and all(len(v) == 1 for v in files.values()), files
PYEOF
then
	ok "--eve: flow_id and pcap_filename trail every event; flow_id unique per file"
else
	fail "--eve: flow_id and pcap_filename trail every event; flow_id unique per file" \
		"$tmp/eve.diag"
fi

run "$tmp/w1" -j 1 --write-matches "$tmp/w1.pcap" "$caps"
run "$tmp/w2" -j 2 --write-matches "$tmp/w2.pcap" "$caps"
same "--write-matches: -j 2 = -j 1, byte for byte" "$tmp/w1.pcap" "$tmp/w2.pcap"

# A damaged capture among good ones: exit 2, named, the others still read.
cp "$PCAP/bad-garbage.pcap" "$tmp/bad.pcap"
run "$tmp/b2" --json --all -j 2 "$tmp/bad.pcap" $files
if [ "$(cat "$tmp/b2.rc")" = 2 ] && grep -q "$tmp/bad.pcap" "$tmp/b2.err"; then
	ok "-j: a damaged file: exit 2, named on stderr"
else
	fail "-j: a damaged file: exit 2, named on stderr" "$tmp/b2.err"
fi
same "-j: the other files' events are all there" "$tmp/j2.json" "$tmp/b2"

mkdir "$tmp/empty"
run "$tmp/none" -j 2 "$tmp/empty"
if [ "$(cat "$tmp/none.rc")" = 2 ] && grep -q "no pcap or pcapng file" "$tmp/none.err"; then
	ok "a directory without captures is an error"
else
	fail "a directory without captures is an error" "$tmp/none.err"
fi
run "$tmp/quiet" --json -j 2 "$PCAP/lookalikes.pcap" "$PCAP/malformed.pcap"
rc_is "-j: exit status 0 when nothing matched" 0 "$(cat "$tmp/quiet.rc")"
run "$tmp/badj" -j 0 "$caps"
rc_is "-j 0 is refused" 2 "$(cat "$tmp/badj.rc")"

done_testing
