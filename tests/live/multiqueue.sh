#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# multiqueue.sh - a queue range: one thread per queue, flows spread over
# them by the ruleset's hash, every flow judged whole by one thread; a
# reload reaches every thread.  TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
list=$LIVE_TMP/test.list
write_list "$list"
live_rules --queue 0-1 || { echo "Bail out! rules did not install"; exit 1; }
start_embargo --queue 0-1 --blocklist "$list" || { echo "Bail out! embargo did not start"; exit 1; }
like "running: queues 0-1" "$(grep running: "$LIVE_TMP/embargo.err")" "start-up line names both queues"
is 2 "$(nsg awk '$1 == 0 || $1 == 1' /proc/net/netfilter/nfnetlink_queue | wc -l)" \
	"both queues bound"

ok_all=0 blocked=0
for i in $(seq 12); do
	[ "$(dns $S4 host$i.example.org)" = "NOERROR $S4" ] && ok_all=$((ok_all + 1))
	[ "$(dns $S4 s$i.upd.kaspersky.com)" = "NXDOMAIN" ] && blocked=$((blocked + 1))
done
is 12 "$ok_all" "12 flows of allowed names all answered"
is 12 "$blocked" "12 flows of blocked names all NXDOMAIN"
for i in 1 2 3 4; do
	st=$(https s0$i.upd.kaspersky.com $S4)
	[ "$st" != 0 ] && [ "$st" != 28 ]; tap_ok $? "TLS flow $i blocked by whichever thread has it (curl $st)"
	is 0 "$(https www$i.example.org $S6)" "TLS flow $i of an allowed name works"
done

kill -USR1 "$EMB_PID"
wait_for 5 grep -q '"queue":1' "$LIVE_TMP/embargo.err"
q0=$(grep 'stats (SIGUSR1)' "$LIVE_TMP/embargo.err" | grep -o '"queue":0,"capture":{"packets":[0-9]*' | grep -o '[0-9]*$')
q1=$(grep 'stats (SIGUSR1)' "$LIVE_TMP/embargo.err" | grep -o '"queue":1,"capture":{"packets":[0-9]*' | grep -o '[0-9]*$')
[ "${q0:-0}" -gt 0 ] && [ "${q1:-0}" -gt 0 ]; tap_ok $? "both threads saw packets ($q0, $q1)"

printf '@category update\n@action reject\nnewly-blocked.example\n' >>"$list"
kill -HUP "$EMB_PID"
wait_for 10 grep -q "reloaded:" "$LIVE_TMP/embargo.err"
tap_ok $? "reload with two threads"
blocked=0
for i in $(seq 8); do
	[ "$(dns $S4 h$i.newly-blocked.example)" = "NXDOMAIN" ] && blocked=$((blocked + 1))
done
is 8 "$blocked" "after reload every thread blocks the new name"
stop_embargo TERM
is 0 "$?" "SIGTERM: both threads stop cleanly"
is 0 "$(nsg awk '$1 == 0 || $1 == 1' /proc/net/netfilter/nfnetlink_queue | wc -l)" \
	"both queues unbound"
tap_done
