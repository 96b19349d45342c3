#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# failure.sh - the defined behaviour on each failure (embargo.conf(5),
# FAILURE BEHAVIOUR), the ones bypass.sh and reload.sh do not cover:
#   - bad command lines and configuration files: exit 2 and one line naming
#     the option, or the file, line and field;
#   - the clock before clock_sanity (a router without RTC booting in 1970):
#     insane_clock_policy enforce judges at clock_sanity, log at the clock as
#     it is, accept passes everything unjudged; a reload that makes the clock
#     sane again goes back to normal.  Simulated the honest way: a
#     clock_sanity far in the future makes today's clock the implausible one;
#   - a packet that cannot be judged (a UDP header with a length below 8):
#     error_verdict accept passes it, drop drops it, both counted;
#   - an IPv6 packet a host could read differently from the filter (two
#     Fragment headers): dropped whatever error_verdict says, counted;
#   - the kernel queue overflowing: counted (kernel drops with fail_open off,
#     undelivered packet ids with fail_open on) and warned about;
#   - the event log's file system full (a 16 KiB tmpfs) and /dev/full:
#     events dropped and counted, a warning, traffic unaffected; writing
#     resumes when there is room again.
# TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
list=$LIVE_TMP/test.list
write_list "$list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }

at_least() {	# at_least CMD N: CMD (run again at each try) prints N or more
	[ "$($1)" -ge "$2" ]
}

more_than() {	# more_than N PATTERN: the daemon's log has more than N lines matching
	[ "$(grep -c "$2" "$LIVE_TMP/embargo.err")" -gt "$1" ]
}

usr1() {	# usr1: SIGUSR1, wait for its two lines, print them
	local n
	n=$(grep -c "stats (SIGUSR1)" "$LIVE_TMP/embargo.err")
	kill -USR1 "$EMB_PID"
	wait_for 5 more_than $((n + 1)) "stats (SIGUSR1)"
	grep "stats (SIGUSR1)" "$LIVE_TMP/embargo.err" | tail -2
}

field() {	# field GROUP KEY TEXT: a counter from a stats line
	"$PY" -c '
import json, sys
for line in sys.argv[3].splitlines():
    obj = json.loads(line.split(": ", 3)[-1])
    if sys.argv[1] in obj:
        print(obj[sys.argv[1]][sys.argv[2]])
        break' "$1" "$2" "$3"
}

hup() {	# hup: SIGHUP and wait for the "reloaded:" line
	local n
	n=$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")
	kill -HUP "$EMB_PID"
	wait_for 10 more_than "$n" "reloaded:"
}

# ----------------------------------------------- bad input: one clear line

bad_run() {	# bad_run ARGS...: stderr of a start that must fail, and "rc=N"
	local out rc
	out=$(nsg "$EMBARGO" run --queue 0 --blocklist "$list" "$@" 2>&1 </dev/null)
	rc=$?
	echo "$out"
	echo "rc=$rc"
}
out=$(bad_run --max-flows 5)
is "embargo: error: command line: --max-flows: '5' is out of range (expected flows per queue, 16-67108864)
rc=2" "$out" "bad option value: exit 2, one line naming the option and the range"
out=$(bad_run --bogus)
is "embargo: error: command line: unknown option '--bogus' (see embargo run --help)
rc=2" "$out" "unknown option: one line"
out=$(bad_run --seccomp)
is "embargo: error: command line: --seccomp needs a value (see embargo run --help)
rc=2" "$out" "missing value: one line"
out=$(bad_run --set insane_clock_policy=maybe)
is "embargo: error: command line: --set insane_clock_policy: 'maybe' is not valid (expected enforce, log or accept)
rc=2" "$out" "--set with a bad value: one line"
printf '# embargo.conf\n\nmax_flows = 5\n' >"$LIVE_TMP/bad.conf"
out=$(bad_run -c "$LIVE_TMP/bad.conf")
is "embargo: error: $LIVE_TMP/bad.conf:3: max_flows: '5' is out of range (expected flows per queue, 16-67108864)
rc=2" "$out" "bad configuration line: FILE:LINE: field"
printf '[mark]\ndrop = 0x01000000\n' >"$LIVE_TMP/bad.conf"
out=$(bad_run -c "$LIVE_TMP/bad.conf")
is "embargo: error: $LIVE_TMP/bad.conf:2: mark_drop: same value as mark_accept (0x01000000)
rc=2" "$out" "cross-field error: the line that set the field"

# ------------------------------------------------------- implausible clock

# A rule dated 2090 (after today) and one dated 2100.  With clock_sanity
# 2099-01-01 today's clock is "1970": implausibly early.
clist=$LIVE_TMP/clock.list
cat >"$clist" <<EOF
@list clocktest
@category update
@action reject
@enforce 2090-01-01T00:00:00Z
kaspersky.com
@category later
@enforce 2100-01-01T00:00:00Z
later.example
EOF
conf=$LIVE_TMP/clock.conf
clock_conf() {	# clock_conf SANITY POLICY
	printf 'blocklist = %s\nclock_sanity = %s\ninsane_clock_policy = %s\n' \
		"$clist" "$1" "$2" >"$conf"
}

clock_conf 2020-01-01 enforce
start_embargo --queue 0 -c "$conf" || { echo "Bail out! embargo did not start"; exit 1; }
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "sane clock: a 2090 rule only logs"
! grep -q "before clock_sanity" "$LIVE_TMP/embargo.err"
tap_ok $? "sane clock: no clock warning"
stop_embargo TERM

clock_conf 2099-01-01 enforce
: >"$LIVE_TMP/events.jsonl"
start_embargo --queue 0 -c "$conf" || { echo "Bail out! embargo did not start"; exit 1; }
like "not before 2099-01-01T00:00:00.000000Z \(enforce\)" \
	"$(grep running: "$LIVE_TMP/embargo.err")" "start-up line names clock_sanity and the policy"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" \
	"clock before clock_sanity, enforce: the 2090 rule applies"
wait_for 5 grep -q "is before clock_sanity 2099-01-01T00:00:00.000000Z: policy judged as of" \
	"$LIVE_TMP/embargo.err"
tap_ok $? "  warned once, naming the times"
is "NOERROR $S4" "$(dns $S4 www.later.example)" \
	"  a rule dated after clock_sanity (2100) still only logs"
st=$(https upd.kaspersky.com $S4)
[ "$st" != 0 ]; tap_ok $? "  TLS to the blocked name fails (curl $st)"
is 1 "$(events 'e.get("name") == "upd.kaspersky.com" and e.get("enforced") is True and e.get("app_proto") == "dns"')" \
	"  the event says enforced"
s=$(usr1)
[ "$(field daemon clock_insane "$s")" -gt 0 ]; tap_ok $? "  packets counted as clock_insane"
is 1 "$(grep -c "before clock_sanity" "$LIVE_TMP/embargo.err")" "  the warning is not repeated"
# NTP sets the clock: here, a reload lowers clock_sanity below it.
clock_conf 2020-01-01 enforce
hup; tap_ok $? "clock made plausible (reload)"
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "  the 2090 rule only logs again"
wait_for 5 grep -q "is plausible again" "$LIVE_TMP/embargo.err"
tap_ok $? "  logged"
stop_embargo TERM
is 0 "$?" "  clean exit"

clock_conf 2099-01-01 log
: >"$LIVE_TMP/events.jsonl"
start_embargo --queue 0 -c "$conf" || { echo "Bail out! embargo did not start"; exit 1; }
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "insane clock, policy log: the 2090 rule only logs"
is 1 "$(events 'e.get("name") == "upd.kaspersky.com" and e.get("enforced") is False and e.get("dns_type") == "query"')" \
	"  the event says not enforced"
wait_for 5 grep -q "(insane_clock_policy log)" "$LIVE_TMP/embargo.err"
tap_ok $? "  warned"
stop_embargo TERM

clock_conf 2099-01-01 accept
: >"$LIVE_TMP/events.jsonl"
start_embargo --queue 0 -c "$conf" --set clock_sanity=2099-01-01 ||
	{ echo "Bail out! embargo did not start"; exit 1; }
is "NOERROR $S4" "$(dns $S4 upd.kaspersky.com)" "insane clock, policy accept: DNS passes"
is 0 "$(https upd.kaspersky.com $S4)" "  TLS passes"
s=$(usr1)
[ "$(field daemon unjudged "$s")" -gt 0 ]; tap_ok $? "  counted as unjudged"
is 0 "$(field engine names "$s")" "  nothing reached the engine"
is 0 "$(events 'e.get("event_type") in ("match", "name")')" "  no decision events"
stop_embargo TERM

# -------------------------------------------------- a packet not judgeable

# UDP to port 53 whose header says it is 4 bytes long: queued by the DNS
# rule, forwarded by the kernel, undecodable here.  40 bytes on the wire, so
# the server can count exactly these.
nss iptables -w -t raw -I PREROUTING -s $C4 -p udp -m length --length 40 -j ACCEPT
srv_count() {
	nss iptables -w -t raw -L PREROUTING -v -x -n | awk '/length 40/ { print $1; exit }'
}
send_bad_udp() {
	nsc "$PY" -c '
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, UDP, Raw, send
send(IP(dst=sys.argv[1]) / UDP(sport=40053, dport=53, len=4) / Raw(b"x" * 12), count=5, verbose=False)
' $S4
}
start_embargo --queue 0 --blocklist "$list" || { echo "Bail out! embargo did not start"; exit 1; }
c0=$(srv_count)
send_bad_udp
wait_for 3 at_least srv_count $((c0 + 5))
tap_ok $? "error_verdict accept (default): the 5 undecodable packets pass"
s=$(usr1)
is 5 "$(field daemon errors "$s")" "  counted as errors"
is 0 "$(field daemon error_dropped "$s")" "  none dropped"
stop_embargo TERM
start_embargo --queue 0 --blocklist "$list" --set error_verdict=drop ||
	{ echo "Bail out! embargo did not start"; exit 1; }
c0=$(srv_count)
send_bad_udp
sleep 1
is "$c0" "$(srv_count)" "error_verdict drop: none reaches the server"
s=$(usr1)
is 5 "$(field daemon error_dropped "$s")" "  5 counted as dropped"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "  well-formed traffic unaffected"
stop_embargo TERM

# ------------------------------------------ ambiguous IPv6 header chains

# DNS queries over IPv6 with atomic Fragment headers (RFC 8200 §4.1
# allows one).  Linux strips them one at a time, so a host reads a query
# behind any number of them (proved first with the daemon stopped:
# --queue-bypass).  The gateway's conntrack strips one before the queue,
# so with two the filter sees one and reads the query as the host will;
# with three or more it sees two or more, a chain it does not read, and
# drops it even with error_verdict accept, counted as ambiguous.
nss ip6tables -w -t raw -I PREROUTING -s $C6 -p udp --dport 53 -j ACCEPT
srv6_count() {
	nss ip6tables -w -t raw -L PREROUTING -v -x -n | awk '/udp dpt:53/ { print $1; exit }'
}
frag6_port=40100
send_frag6() {	# send_frag6 NAME HEADERS: 3 queries with HEADERS atomic Fragment headers
	frag6_port=$((frag6_port + 1))	# a new flow each time
	nsc "$PY" -c '
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IPv6, IPv6ExtHdrFragment, UDP, DNS, DNSQR, send
p = IPv6(dst=sys.argv[1])
for i in range(int(sys.argv[3])):
    p = p / IPv6ExtHdrFragment(offset=0, m=0, id=0x5eed0 + i)
p = p / UDP(sport=int(sys.argv[4]), dport=53) / DNS(id=0x6a6a, qd=DNSQR(qname=sys.argv[2]))
send(p, count=3, verbose=False)
' $S6 "$1" "$2" $frag6_port
}
c0=$(srv6_count)
send_frag6 dnl-01.kaspersky.com 3
wait_for 3 at_least srv6_count $((c0 + 3))
tap_ok $? "three Fragment headers, no daemon (bypass): all 3 reach the server"
start_embargo --queue 0 --blocklist "$list" || { echo "Bail out! embargo did not start"; exit 1; }
c0=$(srv6_count)
send_frag6 dnl-01.kaspersky.com 3
send_frag6 www.example.org 3
sleep 1
is "$c0" "$(srv6_count)" "three Fragment headers, error_verdict accept: none of the 6 reaches the server"
s=$(usr1)
is 6 "$(field engine ambiguous "$s")" "  counted as ambiguous"
is 0 "$(field daemon errors "$s")" "  not counted as errors"
is 0 "$(events 'e.get("event_type") == "match"')" "  no match event: nothing was read"
for h in 1 2; do
	c0=$(srv6_count)
	send_frag6 www.example.org $h
	wait_for 3 at_least srv6_count $((c0 + 3))
	tap_ok $? "$h atomic Fragment header(s), another name: read and passed"
	c0=$(srv6_count)
	send_frag6 dnl-0$h.kaspersky.com $h
	sleep 1
	is "$c0" "$(srv6_count)" "$h atomic Fragment header(s), a blocked name: stopped"
	is 1 "$(events "e.get('event_type') == 'match' and e.get('name') == 'dnl-0$h.kaspersky.com'")" \
		"  one match event (one flow)"
done
is 6 "$(field engine ambiguous "$(usr1)")" "  no more counted as ambiguous"
stop_embargo TERM

# --------------------------------------------------- queue overflow counted

kstat() {	# kstat FIELD: a field of queue 0 in /proc (1-based)
	nsg awk -v f="$1" '$1 == 0 { print $f }' /proc/net/netfilter/nfnetlink_queue
}
start_embargo --queue 0 --blocklist "$list" --queue-maxlen 4 --no-fail-open ||
	{ echo "Bail out! embargo did not start"; exit 1; }
kill -STOP "$EMB_PID"
out=$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --burst 40 --timeout 1.5)
kill -CONT "$EMB_PID"
is "sent 40 answered 0" "$out" "fail_open off, daemon stopped, queue full: nothing passes"
wait_for 5 grep -q "queue 0: overloaded: .* [1-9][0-9]* dropped by the kernel (queue full)" \
	"$LIVE_TMP/embargo.err"
tap_ok $? "  the daemon warns with the kernel's drop count"
s=$(usr1)
kd=$(field kernel dropped "$s")
[ "$kd" -ge 30 ] && [ "$kd" = "$(kstat 6)" ]
tap_ok $? "  SIGUSR1 shows the kernel's count ($kd = /proc column 6)"
is 1 "$(field daemon overload_warnings "$s")" "  one warning"
stop_embargo TERM

# fail_open on, a socket buffer too small for the burst: the kernel passes
# what it cannot deliver and counts nothing; the ids it skipped show it.
start_embargo --queue 0 --blocklist "$list" --rcvbuf 4K ||
	{ echo "Bail out! embargo did not start"; exit 1; }
kill -STOP "$EMB_PID"
out=$(nsc "$PY" "$LIVE_DIR/dnsq.py" $S4 www.example.org --burst 40 --timeout 1.5)
kill -CONT "$EMB_PID"
n=${out##* }
[ "$n" -ge 20 ]; tap_ok $? "fail_open on, socket buffer full: the overflow passes ($out)"
dns $S4 www.example.org >/dev/null	# the next id shows the gap
s=$(usr1)
u=$(field capture undelivered "$s")
[ "$u" -ge 20 ]; tap_ok $? "  counted as undelivered ($u)"
wait_for 5 grep -q "not delivered (socket buffer full: passed unfiltered)" "$LIVE_TMP/embargo.err"
tap_ok $? "  warned: passed unfiltered"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "  blocking as before"
stop_embargo TERM

# ---------------------------------------------------------- log file full

# A 16 KiB tmpfs, mounted in the daemon's own mount namespace.
mkdir "$LIVE_TMP/tiny"
EMB_WRAP=(unshare --mount --propagation private /bin/sh -c
	'mount -t tmpfs -o size=16k tmpfs "$0" && exec "$@"' "$LIVE_TMP/tiny")
start_embargo --queue 0 --blocklist "$list" --log "$LIVE_TMP/tiny/events.jsonl" ||
	{ echo "Bail out! embargo did not start"; exit 1; }
EMB_WRAP=()
nx=0
for i in $(seq 80); do
	[ "$(dns $S4 "n$i.kaspersky.com")" = NXDOMAIN ] && nx=$((nx + 1))
done
is 80 "$nx" "log file system full: every blocked question still answered NXDOMAIN"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "  other names resolve"
is 0 "$(https www.example.org $S4)" "  TLS works"
s=$(usr1)
d=$(field events dropped "$s")
w=$(field events written "$s")
[ "$d" -gt 0 ] && [ $((d + w)) = "$(field events events "$s")" ]
tap_ok $? "  events dropped and counted ($w written + $d dropped = all)"
grep -q "events: $LIVE_TMP/tiny/events.jsonl: No space left on device: dropping events" \
	"$LIVE_TMP/embargo.err"
tap_ok $? "  warned once: ENOSPC"
is 1 "$(grep -c "No space left on device" "$LIVE_TMP/embargo.err")" "  not repeated"
# Room again (through the daemon's view of its mount namespace).
: >"/proc/$EMB_PID/root$LIVE_TMP/tiny/events.jsonl"
dns $S4 again.kaspersky.com >/dev/null
wait_for 5 grep -q "events: $LIVE_TMP/tiny/events.jsonl: writing again" "$LIVE_TMP/embargo.err"
tap_ok $? "room again: writing resumes, logged"
grep -q again.kaspersky.com "/proc/$EMB_PID/root$LIVE_TMP/tiny/events.jsonl"
tap_ok $? "  the new event is in the file"
stop_embargo TERM
is 0 "$?" "  clean exit"

start_embargo --queue 0 --blocklist "$list" --log /dev/full ||
	{ echo "Bail out! embargo did not start"; exit 1; }
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "log to /dev/full: blocking"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "  other names resolve"
s=$(usr1)
[ "$(field events dropped "$s")" -ge 1 ]; tap_ok $? "  the event dropped, counted"
stop_embargo TERM
is 0 "$?" "  clean exit"
tap_done
