#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bypass.sh - failure behaviour, as documented in embargo.conf(5):
#   - SIGKILL: the queue has no listener, the rules' bypass lets traffic
#     flow (unfiltered) until embargo is back;
#   - a listener that stops reading (SIGSTOP): with fail_open (default) the
#     packets that overflow the queue pass; with fail_open off they are
#     dropped (and counted by the kernel);
#   - rules installed with --no-bypass: no listener, no traffic.
# TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }

kstat() {	# kstat FIELD: a field of queue 0 in /proc (1-based, see capture_nfq.h)
	nsg awk -v f="$1" '$1 == 0 { print $f }' /proc/net/netfilter/nfnetlink_queue
}

start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not start"; exit 1; }
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "running: blocked name is blocked"
stop_embargo KILL
is "" "$(kstat 1)" "after SIGKILL the kernel lists no listener for queue 0"
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "after SIGKILL: DNS flows (bypass)"
is 0 "$(https upd.kaspersky.com $S4)" "after SIGKILL: TLS flows (bypass)"
is 0 "$(https www.example.org $S6)" "after SIGKILL: IPv6 flows (bypass)"

# Fail-open on (default), listener stopped: what overflows the queue passes.
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" --queue-maxlen 4 ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is "NOERROR $S4" "$(dns $S4 www.example.org)" "restarted: traffic passes"
kill -STOP "$EMB_PID"
out=$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --burst 40 --timeout 1.5)
kill -CONT "$EMB_PID"
n=${out##* }
[ "$n" -ge 30 ]; tap_ok $? "fail-open, listener stopped: overflow passes ($out)"
[ "$n" -le 36 ]; tap_ok $? "fail-open, listener stopped: the queued 4 wait for the verdict ($out)"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "resumed: blocking again"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"

# Fail-open off: overflow is dropped while the listener is stopped.
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" --queue-maxlen 4 --no-fail-open ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
like "fail-open off" "$(grep running: "$LIVE_TMP/embargo.err")" "start-up line says fail-open off"
d0=$(kstat 6)
kill -STOP "$EMB_PID"
out=$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --burst 40 --timeout 1.5)
kill -CONT "$EMB_PID"
is "sent 40 answered 0" "$out" "fail-open off, listener stopped: nothing passes"
d1=$(kstat 6)
[ $((d1 - d0)) -ge 30 ]; tap_ok $? "fail-open off: the kernel counts the overflow as dropped ($d0 -> $d1)"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "resumed: traffic passes again"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "resumed: blocking again"
stop_embargo KILL
is "NOERROR $S4" "$(dns $S4 www.example.org)" "fail-open off, SIGKILL: bypass still lets traffic flow"

# Rules without bypass: no listener means no traffic through queued rules.
nsg "$REPO_ROOT/scripts/rules" install --syntax iptables --no-bypass >/dev/null
is "TIMEOUT" "$(dns $S4 www.example.org A 1)" "--no-bypass rules, no listener: DNS fails closed"
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is "NOERROR $S4" "$(dns $S4 www.example.org)" "--no-bypass rules, listener back: traffic passes"
stop_embargo TERM
nsg "$REPO_ROOT/scripts/rules" remove --syntax iptables
is "" "$(nsg iptables -w -t mangle -S | grep -i embargo)" "rules remove: no embargo chain left"
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "rules removed: nothing is queued"
tap_done
