#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# enforce.sh - after the enforcement date, on the real clock: Kaspersky
# names fail over DNS (NXDOMAIN for the reject action, silence for drop),
# TLS and HTTP, over IPv4 and IPv6; a direct connection into a listed
# prefix fails; every other name works; the events say "enforced": true.
# TAP; needs root; skips without namespaces or NFQUEUE.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not start"; exit 1; }

like "running: queue 0.*fail-open on" "$(grep running: "$LIVE_TMP/embargo.err")" \
	"start-up line names the queue and fail-open"
like "list livetest, category update: reject from 2024-09-29T04:00:00" \
	"$(cat "$LIVE_TMP/embargo.err")" "start-up lines name list, category, action and date"

# DNS
is "NOERROR $S4" "$(dns $S4 www.example.org)" "DNS/IPv4: other names resolve"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "DNS/IPv4: blocked name answered NXDOMAIN (reject)"
is "NXDOMAIN" "$(dns $S4 DNL-03.Geo.Kaspersky.COM)" "DNS/IPv4: mixed-case query also NXDOMAIN"
is "NXDOMAIN" "$(dns $S6 activation-v2.kaspersky.com AAAA)" "DNS/IPv6: blocked name answered NXDOMAIN"
is "NOERROR $S6" "$(dns $S6 www.example.org AAAA)" "DNS/IPv6: other names resolve"
is "TIMEOUT" "$(dns $S4 ksn-1.kaspersky-labs.com A 1)" "DNS/IPv4: drop-action name gets no answer"
is "TIMEOUT" "$(dns $S6 ksn-1.kaspersky-labs.com AAAA 1)" "DNS/IPv6: drop-action name gets no answer"

# TLS (SNI)
is 0 "$(https www.example.org $S4)" "TLS/IPv4: other names work"
st=$(https upd.kaspersky.com $S4)
[ "$st" != 0 ] && [ "$st" != 28 ]; tap_ok $? "TLS/IPv4: blocked SNI reset, fails fast (curl $st)"
is 0 "$(https www.example.org $S6)" "TLS/IPv6: other names work"
st=$(https s00.upd.kaspersky.com $S6)
[ "$st" != 0 ]; tap_ok $? "TLS/IPv6: blocked SNI fails (curl $st)"
st=$(https ksn.kaspersky-labs.com $S4)
[ "$st" != 0 ]; tap_ok $? "TLS/IPv4: drop-action SNI fails (curl $st)"

# HTTP (Host)
is 0 "$(http www.example.org $S4)" "HTTP/IPv4: other names work"
st=$(http touch.kaspersky.com $S4)
[ "$st" != 0 ] && [ "$st" != 28 ]; tap_ok $? "HTTP/IPv4: blocked Host reset, fails fast (curl $st)"
is 0 "$(http www.example.org $S6)" "HTTP/IPv6: other names work"
st=$(http touch.kaspersky.com $S6)
[ "$st" != 0 ]; tap_ok $? "HTTP/IPv6: blocked Host fails (curl $st)"

# Direct connections into the listed prefixes, with an innocent name.
st=$(http www.example.org $K4)
[ "$st" != 0 ]; tap_ok $? "IPv4: connection into a listed prefix fails (curl $st)"
st=$(http www.example.org $K6)
[ "$st" != 0 ]; tap_ok $? "IPv6: connection into a listed prefix fails (curl $st)"
st=$(https www.example.org $K4)
[ "$st" != 0 ]; tap_ok $? "IPv4: TLS into a listed prefix fails (curl $st)"

# The same allowed requests still work afterwards (nothing collateral).
is 0 "$(https www.example.net $S4)" "TLS/IPv4: other names still work afterwards"
is "NOERROR $S4" "$(dns $S4 www.example.net)" "DNS/IPv4: other names still resolve afterwards"

# Events
is 0 "$(events 'e.get("enforced") is False')" "no event says enforced false"
n=$(events 'e["event_type"]=="match" and e["app_proto"]=="dns" and e["name"]=="upd.kaspersky.com" and e["action"]=="reject" and e["enforced"] is True')
[ "$n" -ge 1 ]; tap_ok $? "event: DNS match upd.kaspersky.com, reject, enforced ($n)"
n=$(events 'e["app_proto"]=="dns" and e["name"]=="dnl-03.geo.kaspersky.com"')
[ "$n" -ge 1 ]; tap_ok $? "event: mixed-case name reported canonical ($n)"
n=$(events 'e["app_proto"]=="tls" and e["name"]=="upd.kaspersky.com" and e["enforced"] is True')
[ "$n" -ge 1 ]; tap_ok $? "event: TLS match upd.kaspersky.com ($n)"
n=$(events 'e["app_proto"]=="tls" and e["name"]=="s00.upd.kaspersky.com" and e["dest_ip"]=="'$S6'"')
[ "$n" -ge 1 ]; tap_ok $? "event: TLS match over IPv6 ($n)"
n=$(events 'e["app_proto"]=="http" and e["name"]=="touch.kaspersky.com" and e["enforced"] is True')
[ "$n" -ge 1 ]; tap_ok $? "event: HTTP match touch.kaspersky.com ($n)"
n=$(events 'e["app_proto"]=="ip" and e["dest_ip"]=="'$K4'" and e["action"]=="drop"')
[ "$n" -ge 1 ]; tap_ok $? "event: address match $K4, drop ($n)"
n=$(events 'e["app_proto"]=="ip" and e["dest_ip"]=="'$K6'"')
[ "$n" -ge 1 ]; tap_ok $? "event: address match $K6 ($n)"
is 0 "$(events '"example" in e.get("name","")')" "no event for names that matched nothing"

kill -USR1 "$EMB_PID"
wait_for 5 grep -q "stats (SIGUSR1)" "$LIVE_TMP/embargo.err"
tap_ok $? "SIGUSR1 logs statistics"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
like '"nxdomain":\{"sent":[1-9]' "$(grep 'stats (exit)' "$LIVE_TMP/embargo.err")" \
	"exit statistics count the NXDOMAIN answers sent"

# One resolver 5-tuple (an established conntrack entry) for allowed, blocked
# and allowed questions: a reject must not poison the flow (resolvers and
# forwarders reuse their port).
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is "$(printf 'NOERROR %s\nNXDOMAIN\nNOERROR %s\nTIMEOUT\nNOERROR %s' $S4 $S4 $S4)" \
	"$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --also upd.kaspersky.com \
		--also www.example.org --also ksn.kaspersky-labs.com --also www.example.net \
		--timeout 1)" \
	"one UDP 5-tuple: allowed, rejected, allowed, dropped, allowed"
stop_embargo TERM

# Without CAP_NET_RAW no NXDOMAIN can be sent: UDP questions are dropped
# (the flow unmarked), TCP is still reset through the ruleset.
if command -v setpriv >/dev/null 2>&1; then
	EMB_WRAP=(setpriv --bounding-set -net_raw)
	start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
		{ echo "Bail out! embargo did not restart"; exit 1; }
	EMB_WRAP=()
	like "CAP_NET_RAW is needed" "$(cat "$LIVE_TMP/embargo.err")" \
		"no CAP_NET_RAW: start-up warns"
	is "$(printf 'NOERROR %s\nTIMEOUT\nNOERROR %s' $S4 $S4)" \
		"$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --also upd.kaspersky.com \
			--also www.example.org --timeout 1)" \
		"no CAP_NET_RAW: rejected question dropped, same 5-tuple still answered"
	st=$(https upd.kaspersky.com $S4)
	[ "$st" != 0 ] && [ "$st" != 28 ]; tap_ok $? "no CAP_NET_RAW: TLS still reset (curl $st)"
	stop_embargo TERM
	is 0 "$?" "no CAP_NET_RAW: clean exit"
else
	echo "ok $((TAP_N += 1)) # SKIP setpriv not installed"
fi
tap_done
