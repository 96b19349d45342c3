#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# reload.sh - SIGHUP under steady traffic: not one query lost, a newly
# listed name is blocked from then on; a broken list keeps the running one
# and the error names FILE:LINE.  TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
list=$LIVE_TMP/test.list
write_list "$list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }
start_embargo --queue 0 --blocklist "$list" || { echo "Bail out! embargo did not start"; exit 1; }

is "NOERROR $S4" "$(dns $S4 newly-blocked.example)" "before reload: the new name resolves"
is 0 "$(https newly-blocked.example $S4)" "before reload: the new name's TLS works"

# 600 sequential queries, each waiting up to 1 s for its answer (about 3 s).
ip netns exec "$NS_C" "$PY" "$LIVE_DIR/dnsq.py" $S4 steady.example.net --count 600 --interval 0.004 \
	--timeout 1 >"$LIVE_TMP/steady.out" &
steady=$!
LIVE_PIDS+=($steady)
sleep 1
write_list "$list"
printf '@category update\n@action reject\nnewly-blocked.example\n' >>"$list"
kill -HUP "$EMB_PID"
wait_for 10 grep -q "reloaded:" "$LIVE_TMP/embargo.err"
tap_ok $? "SIGHUP: reload logged"
for _ in $(seq 100); do kill -0 $steady 2>/dev/null || break; sleep 0.1; done
wait $steady
is "sent 600 answered 600 noerror 600 nxdomain 0 timeout 0" "$(cat "$LIVE_TMP/steady.out")" \
	"steady traffic across the reload: no query lost"
is "NXDOMAIN" "$(dns $S4 newly-blocked.example)" "after reload: the new name is NXDOMAIN"
st=$(https newly-blocked.example $S4)
[ "$st" != 0 ]; tap_ok $? "after reload: the new name's TLS fails (curl $st)"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "after reload: old entries still blocked"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "after reload: other names resolve"

# A broken list: keep the running one, say where the error is.
cp "$list" "$LIVE_TMP/good.list"
printf '@action explode\n' >>"$list"
bad_line=$(wc -l <"$list")
kill -HUP "$EMB_PID"
wait_for 10 grep -q "keeping the running lists" "$LIVE_TMP/embargo.err"
tap_ok $? "broken list: reload refused, running lists kept"
like "$list:$bad_line:" "$(cat "$LIVE_TMP/embargo.err")" "broken list: error names FILE:LINE"
is "NXDOMAIN" "$(dns $S4 newly-blocked.example)" "broken list: entries of the running list still apply"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "broken list: other names resolve"
kill -0 "$EMB_PID"
tap_ok $? "broken list: daemon still running"

# Fixed again: a later reload works.
cp "$LIVE_TMP/good.list" "$list"
sed -i '/newly-blocked.example/d' "$list"
reloads() {	# reloads N: more than N successful reloads logged
	[ "$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")" -gt "$1" ]
}
n=$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")
kill -HUP "$EMB_PID"
wait_for 10 reloads "$n"
tap_ok $? "fixed list: reload accepted"
is "NOERROR $S4" "$(dns $S4 newly-blocked.example)" "entry removed: the name resolves again"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
tap_done
