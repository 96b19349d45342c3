#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# before-date.sh - with the policy clock before the enforcement date
# (--as-of), everything works, Kaspersky names included, and every match is
# logged with "enforced": false.  TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" --as-of 2024-09-28T12:00:00Z ||
	{ echo "Bail out! embargo did not start"; exit 1; }

like "policy clock fixed at 2024-09-28T12:00:00" "$(grep running: "$LIVE_TMP/embargo.err")" \
	"start-up line shows the fixed clock"
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "DNS/IPv4: Kaspersky name resolves"
is "NOERROR $S6" "$(dns $S6 upd.kaspersky.com AAAA)" "DNS/IPv6: Kaspersky name resolves"
is "NOERROR $S4" "$(dns $S4 ksn-1.kaspersky-labs.com)" "DNS: drop-action name resolves"
is 0 "$(https upd.kaspersky.com $S4)" "TLS/IPv4: Kaspersky SNI works"
is 0 "$(https upd.kaspersky.com $S6)" "TLS/IPv6: Kaspersky SNI works"
is 0 "$(http touch.kaspersky.com $S4)" "HTTP/IPv4: Kaspersky Host works"
is 0 "$(http touch.kaspersky.com $S6)" "HTTP/IPv6: Kaspersky Host works"
is 0 "$(http www.example.org $K4)" "IPv4: listed prefix reachable"
is 0 "$(http www.example.org $K6)" "IPv6: listed prefix reachable"
# A matched flow keeps working for a while (it stays queued, marked "log").
is 0 "$(https ksn.kaspersky-labs.com $S4)" "TLS: second Kaspersky flow works"

is 0 "$(events 'e.get("enforced") is True')" "no event says enforced true"
n=$(events 'e["event_type"]=="match" and e["enforced"] is False')
[ "$n" -ge 8 ]; tap_ok $? "matches logged with enforced false ($n)"
for app in dns tls http ip; do
	n=$(events 'e["app_proto"]=="'$app'" and e["enforced"] is False')
	[ "$n" -ge 1 ]; tap_ok $? "$app match logged, enforced false ($n)"
done
n=$(events 'e["app_proto"]=="tls" and e["name"]=="upd.kaspersky.com" and e["action"]=="log"')
[ "$n" -ge 1 ]; tap_ok $? "before the date the action in force is log ($n)"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
tap_done
