#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# host.sh - the host deployment: embargo and the project's rules in the
# client's own namespace (OUTPUT, plus DNS answers on INPUT), no gateway
# filtering.  The NXDOMAIN answer is delivered locally; decided flows are
# enforced by the kernel; other traffic works.  Also: the ruleset installs
# idempotently and removes completely.  TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"

rules() { nsc "$REPO_ROOT/scripts/rules" "$@" --syntax iptables --mode host; }
count() { { nsc iptables-save; nsc ip6tables-save; } | grep -c -- "EMBARGO"; }

rules install >/dev/null
n1=$(count)
rules install >/dev/null
is "$n1" "$(count)" "install twice: the same rules ($n1 lines), not doubled"
like "-A OUTPUT -j EMBARGO_Q" "$(nsc iptables-save -t mangle)" "host: queue chain on OUTPUT"
like "-A INPUT -j EMBARGO_QIN" "$(nsc ip6tables-save -t mangle)" "host: DNS answers on INPUT (IPv6 too)"

ip netns exec "$NS_C" "$EMBARGO" run --queue 0 --blocklist "$LIVE_TMP/test.list" \
	--log "$LIVE_TMP/events.jsonl" </dev/null >/dev/null 2>"$LIVE_TMP/embargo.err" &
EMB_PID=$!
wait_for 10 grep -q "running:" "$LIVE_TMP/embargo.err" || { echo "Bail out! embargo did not start"; exit 1; }

is "NOERROR $S4" "$(dns $S4 www.example.org)" "host: other names resolve"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "host: NXDOMAIN delivered to the local resolver client"
is "NXDOMAIN" "$(dns $S6 upd.kaspersky.com AAAA)" "host: NXDOMAIN over IPv6 too"
is 0 "$(https www.example.org $S4)" "host: other TLS works"
st=$(https upd.kaspersky.com $S4)
[ "$st" != 0 ] && [ "$st" != 28 ]; tap_ok $? "host: blocked SNI reset (curl $st)"
st=$(http www.example.org $K6)
[ "$st" != 0 ]; tap_ok $? "host: listed IPv6 prefix unreachable (curl $st)"
is 0 "$(http www.example.org $S6)" "host: other HTTP over IPv6 works"
stop_embargo TERM
is 0 "$?" "host: clean exit"

rules remove
is 0 "$(count)" "remove: no embargo rule or chain left"
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "removed: nothing filtered"
tap_done
