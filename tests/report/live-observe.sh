#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# live-observe.sh - the live daemon's logs and metrics (TAP; needs root,
# namespaces and NFQUEUE: the tests/live set-up; skips without them):
# a client retrying a rejected name is logged once, then summarised at
# exit; the Prometheus file appears, is replaced every metrics_interval
# and counts every attempt, the enforcement state and a reload; SIGUSR1
# writes a stats event; log = syslog:SOCKET sends one RFC 5424 message per
# event.  Runs under the default (strict) seccomp filter and as the
# dropped user: the daemon must survive writing its metrics.
#
# Usage: EMBARGO=build/src/embargo tests/report/live-observe.sh
. "$(dirname "$0")/../live/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
write_list "$LIVE_TMP/test.list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }
# The dropped user writes the metrics file into this directory.
mkdir -m 0777 "$LIVE_TMP/metrics"
PROM=$LIVE_TMP/metrics/embargo.prom

start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" --set aggregate_interval=60s \
	--set metrics_file="$PROM" --set metrics_interval=1s ||
	{ echo "Bail out! embargo did not start"; exit 1; }

# A client retrying a rejected update check: ten questions, ten new flows.
for i in $(seq 10); do
	dns $S4 upd.kaspersky.com >/dev/null
done
sleep 1.5
is 1 "$(events 'e["event_type"]=="match" and e.get("name")=="upd.kaspersky.com"')" \
	"ten retries: one event while the interval runs"

wait_for 5 test -s "$PROM"
tap_ok $? "the metrics file appears"
prom=$(cat "$PROM" 2>/dev/null)
like '# HELP embargo_packets_total [^
]+
# TYPE embargo_packets_total counter
embargo_packets_total\{queue="0"\} [1-9]' "$prom" "HELP, TYPE, per-queue packets"
n=$(sed -n 's/^embargo_matches_total{list="livetest",category="update",action="reject",enforced="true"} //p' "$PROM")
[ "${n:-0}" -ge 10 ]; tap_ok $? "every attempt counted in the metrics ($n), repeats too"
like 'embargo_enforced\{list="livetest",category="update",action="reject"\} 1' "$prom" \
	"enforcement state: update enforced"
m1=$(stat -c %Y.%N "$PROM" 2>/dev/null; ls -i "$PROM" | cut -d' ' -f1)
sleep 2.5
m2=$(stat -c %Y.%N "$PROM" 2>/dev/null; ls -i "$PROM" | cut -d' ' -f1)
[ "$m1" != "$m2" ]; tap_ok $? "the file is replaced (renamed over) every metrics_interval"
ls "$LIVE_TMP/metrics" | grep -qv '^embargo.prom$'
tap_ok $((! $?)) "no temporary file left beside it"

kill -USR1 "$EMB_PID"
wait_for 5 grep -q '"event_type":"stats"' "$LIVE_TMP/events.jsonl"
tap_ok $? "SIGUSR1: a stats event in the event log"
n=$(events 'e["event_type"]=="stats" and e["stats"]["matches"].get("livetest/update",0)>=10 and e["stats"]["enforced"]["livetest/update"] is True')
is 1 "$n" "the stats event counts the matches and the enforcement state"

kill -HUP "$EMB_PID"
wait_for 5 grep -q 'embargo_reloads_total{result="ok"} 1' "$PROM"
tap_ok $? "SIGHUP: the reload is counted"

kill -0 "$EMB_PID" 2>/dev/null
tap_ok $? "still running under the seccomp filter after writing metrics"
stop_embargo TERM
is 0 "$?" "SIGTERM: clean exit"
n=$(events 'e["event_type"]=="summary" and e.get("name")=="upd.kaspersky.com" and e["count"]>=9 and e["src_ip"]=="'$C4'"')
is 1 "$n" "at exit the pending summary is written (the other retries)"
! grep -Eq 'seccomp: last refused system call|"refused":[1-9]' "$LIVE_TMP/embargo.err"
tap_ok $? "no system call refused"

# Syslog: a datagram socket standing in for /dev/log.
cat >"$LIVE_TMP/syslogd.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n")
EOF
"$PY" "$LIVE_TMP/syslogd.py" "$LIVE_TMP/log.sock" "$LIVE_TMP/syslog.txt" &
LIVE_PIDS+=($!)
wait_for 5 test -S "$LIVE_TMP/log.sock"
: >"$LIVE_TMP/events.jsonl"
start_embargo --queue 0 --blocklist "$LIVE_TMP/test.list" --log "syslog:$LIVE_TMP/log.sock" ||
	{ echo "Bail out! embargo did not start with syslog"; exit 1; }
like "events to syslog \(RFC 5424, $LIVE_TMP/log.sock\)" "$(grep running: "$LIVE_TMP/embargo.err")" \
	"start-up line names the syslog target"
dns $S4 activation-v2.kaspersky.com >/dev/null
wait_for 5 grep -q "activation-v2" "$LIVE_TMP/syslog.txt"
tap_ok $? "an event reaches syslog"
like '^<29>1 [0-9T:.-]+Z [^ ]+ embargo [0-9]+ match - \{"timestamp":[^
]*"name":"activation-v2.kaspersky.com"' "$(grep activation-v2 "$LIVE_TMP/syslog.txt")" \
	"RFC 5424: daemon.notice, MSGID match, the JSON as the message"
stop_embargo TERM
is 0 "$?" "syslog: clean exit"
[ ! -s "$LIVE_TMP/events.jsonl" ]; tap_ok $? "syslog: nothing written to files or stdout"

tap_done
