#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dns-answers.sh - scripts/rules --no-dns-answers: DNS questions are queued,
# answers are not (one queue pass per lookup instead of two); blocked names
# are still refused or dropped, allowed names resolve; the default ruleset
# queues both.  Host mode keeps its INPUT enforcement without the answer
# rules.  TAP; needs root; skips without namespaces or NFQUEUE.
. "$(dirname "$0")/lib.sh"

# more_lines PATTERN N: the daemon's log has more than N lines matching.
more_lines() {
	[ "$(grep -c "$1" "$LIVE_TMP/embargo.err")" -gt "$2" ]
}

# queued: the packets queue 0 handed embargo so far (its SIGUSR1 counters).
queued() {
	local pat='"queue":0,"capture":{"packets":[0-9]*' n
	n=$(grep -c "$pat" "$LIVE_TMP/embargo.err")
	kill -USR1 "$EMB_PID"
	wait_for 5 more_lines "$pat" "$n"
	grep -o "$pat" "$LIVE_TMP/embargo.err" | tail -1 | grep -o '[0-9]*$'
}

# Rule text, no namespace needed.
rules=$("$REPO_ROOT/scripts/rules" print --mode gateway --no-dns-answers)
like "th dport 53 queue" "$rules" "nft, gateway: questions queued"
[[ $rules != *"sport 53"* ]]; tap_ok $? "nft, gateway: answers not queued"
rules=$("$REPO_ROOT/scripts/rules" print --mode host --no-dns-answers)
[[ $rules != *"divert_in"* ]] && [[ $rules == *"chain enforce_in"* ]]
tap_ok $? "nft, host: no answer chain on input, decided flows still enforced there"
rules=$("$REPO_ROOT/scripts/rules" print --mode host --syntax iptables --no-dns-answers)
[[ $rules != *"sport 53"* ]] && [[ $rules == *"-I INPUT 1 -j EMBARGO_ACT"* ]]
tap_ok $? "iptables, host: no answer rules, INPUT enforcement kept"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"
live_rules --no-dns-answers || { echo "Bail out! rules did not install"; exit 1; }
[[ $(nsg iptables-save -t mangle) != *"--sport 53"* ]]
tap_ok $? "installed: no rule queues answers (IPv4)"
[[ $(nsg ip6tables-save -t mangle) != *"--sport 53"* ]]
tap_ok $? "installed: no rule queues answers (IPv6)"
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" ||
	{ echo "Bail out! embargo did not start"; exit 1; }

before=$(queued)
ok=0
for i in 1 2 3 4 5; do
	[ "$(dns $S4 host$i.example.org)" = "NOERROR $S4" ] && ok=$((ok + 1))
done
is 5 "$ok" "questions only: allowed names resolve"
is 5 "$(($(queued) - ${before:-0}))" "questions only: one queued packet per lookup"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "questions only: blocked name answered NXDOMAIN"
is "NXDOMAIN" "$(dns $S6 activation-v2.kaspersky.com AAAA)" \
	"questions only: blocked name answered NXDOMAIN (IPv6)"
is "TIMEOUT" "$(dns $S4 ksn-1.kaspersky-labs.com A 1)" \
	"questions only: drop-action name gets no answer"

# The default ruleset: questions and answers.
live_rules || { echo "Bail out! rules did not install"; exit 1; }
before=$(queued)
ok=0
for i in 1 2 3 4 5; do
	[ "$(dns $S4 again$i.example.org)" = "NOERROR $S4" ] && ok=$((ok + 1))
done
is 5 "$ok" "default rules: allowed names resolve"
is 10 "$(($(queued) - ${before:-0}))" "default rules: question and answer queued per lookup"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
tap_done
