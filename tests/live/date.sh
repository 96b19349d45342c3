#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# date.sh - the enforcement date takes effect at run time, at the second it
# passes, with no restart: names resolve and a keep-alive HTTP connection
# to a Kaspersky name works before it; afterwards the name is NXDOMAIN, new
# connections fail and the long-lived one is cut.  Then again with a reload
# while a matched connection waits for the date: it is still cut.  TAP;
# needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
at=$(($(date +%s) + 8))
when=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)
write_list "$LIVE_TMP/test.list" "$when"
live_rules || { echo "Bail out! rules did not install"; exit 1; }
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not start"; exit 1; }
diag "enforcement date $when"

# One connection across the date: a request every 0.5 s until date + 4 s.
ip netns exec "$NS_C" "$PY" "$LIVE_DIR/keepalive.py" $S4 touch.kaspersky.com --at "$at" \
	--for $((at - $(date +%s) + 4)) >"$LIVE_TMP/keepalive.out" &
ka=$!
LIVE_PIDS+=($ka)
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "before the date: Kaspersky name resolves"
is 0 "$(https upd.kaspersky.com $S4)" "before the date: Kaspersky TLS works"
n=$(events 'e.get("name")=="upd.kaspersky.com" and e["enforced"] is False')
[ "$n" -ge 1 ]; tap_ok $? "before the date: matches logged with enforced false ($n)"

for _ in $(seq 150); do [ "$(date +%s)" -gt "$at" ] && break; sleep 0.1; done
wait_for 5 grep -q "enforcement begins" "$LIVE_TMP/embargo.err"
tap_ok $? "the date passing is logged"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "after the date: the name is NXDOMAIN, no restart"
st=$(https upd.kaspersky.com $S4)
[ "$st" != 0 ]; tap_ok $? "after the date: new TLS connections fail (curl $st)"
n=$(events 'e.get("name")=="upd.kaspersky.com" and e["enforced"] is True')
[ "$n" -ge 1 ]; tap_ok $? "after the date: matches logged with enforced true ($n)"

for _ in $(seq 150); do kill -0 $ka 2>/dev/null || break; sleep 0.1; done
wait $ka
out=$(cat "$LIVE_TMP/keepalive.out")
diag "keep-alive connection: $out"
like "ok_before [1-9]" "$out" "keep-alive connection worked before the date"
like "ok_after 0 fail_after [1-9]" "$out" "keep-alive connection cut after the date"

# A reload while a matched connection waits for its date: the date still
# cuts it.  HTTP names every request, so this checks the daemon's reload
# path end to end; test_engine covers a TLS flow, whose name is not seen
# again after a reload and which only its kept match can cut.
reloaded() {	# reloaded N: more than N "reloaded:" lines
	[ "$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")" -gt "$1" ]
}
hup() {
	local n
	n=$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")
	kill -HUP "$EMB_PID"
	wait_for 10 reloaded "$n"
}
at=$(($(date +%s) + 8))
when=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)
write_list "$LIVE_TMP/test.list" "$when"
hup; tap_ok $? "reload: a new list with a later date ($when)"
ip netns exec "$NS_C" "$PY" "$LIVE_DIR/keepalive.py" $S4 touch2.kaspersky.com --at "$at" \
	--for $((at - $(date +%s) + 4)) >"$LIVE_TMP/keepalive2.out" &
ka=$!
LIVE_PIDS+=($ka)
logged() {	# logged EXPR: an event matches EXPR (read again at each try)
	[ "$(events "$1")" -ge 1 ]
}
wait_for 5 logged 'e.get("name")=="touch2.kaspersky.com"'
tap_ok $? "the second keep-alive connection is matched and logged"
hup; tap_ok $? "reload while it waits for the date (same list)"
for _ in $(seq 150); do kill -0 $ka 2>/dev/null || break; sleep 0.1; done
wait $ka
out=$(cat "$LIVE_TMP/keepalive2.out")
diag "keep-alive connection across a reload: $out"
like "ok_before [1-9]" "$out" "across a reload: the connection worked before the date"
like "ok_after 0 fail_after [1-9]" "$out" "across a reload: the connection is cut after the date"

stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
tap_done
