#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# privs.sh - least privilege, as embargo(8) SECURITY and embargo.conf(5)
# describe it:
#   - started as root, embargo runs as the user "embargo" (or "nobody" when
#     that does not exist) with CAP_NET_ADMIN only - effective, permitted
#     and bounding set - no supplementary groups, no_new_privs, a seccomp
#     filter, not dumpable;
#   - everything still works after the drop: NXDOMAIN answers (raw sockets
#     opened before it, no CAP_NET_RAW needed to send), TLS resets, the
#     kernel queue counters (root-only file, read through a kept
#     descriptor), SIGHUP reloads of the lists, log rotation (reopen),
#     SIGTERM; an unreadable list on reload is refused and the old one kept;
#   - --no-drop keeps root; an unknown user stops the start with one line;
#   - started unprivileged with ambient capabilities (systemd's User= +
#     AmbientCapabilities=), it keeps its user and trims its capabilities
#     to CAP_NET_ADMIN;
#   - seccomp = log refuses nothing on these paths; seccomp = off installs no
#     filter.
# TAP; needs root.
. "$(dirname "$0")/lib.sh"

live_require
live_setup || { echo "Bail out! namespace set-up failed"; exit 1; }
live_servers || { echo "Bail out! servers did not start"; exit 1; }
list=$LIVE_TMP/test.list
write_list "$list"
live_rules || { echo "Bail out! rules did not install"; exit 1; }

# The user embargo drops to by default.
if id -u embargo >/dev/null 2>&1; then user=embargo; else user=nobody; fi
uid=$(id -u $user)
gid=$(id -g $user)
diag "default user here: $user (uid $uid, gid $gid)"

# Sanitizer builds default to seccomp = off (their runtimes make system calls
# of their own, LeakSanitizer's exit check among them).
if grep -q __asan_init "$EMBARGO" 2>/dev/null; then
	def_mode=off def_sc=0
	diag "sanitizer build: default seccomp off"
else
	def_mode=strict def_sc=2
fi

status() {	# status FIELD: a field of the daemon's /proc/PID/status, tabs squeezed
	awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "/proc/$EMB_PID/status"
}

more_than() {	# more_than N PATTERN: the daemon's log has more than N lines matching
	[ "$(grep -c "$2" "$LIVE_TMP/embargo.err")" -gt "$1" ]
}

stats_after_usr1() {	# the "stats (SIGUSR1)" lines of one more SIGUSR1 (queue + daemon)
	local n
	n=$(grep -c "stats (SIGUSR1)" "$LIVE_TMP/embargo.err")
	kill -USR1 "$EMB_PID"
	wait_for 5 more_than $((n + 1)) "stats (SIGUSR1)"
	grep "stats (SIGUSR1)" "$LIVE_TMP/embargo.err" | tail -2
}

hup() {	# hup: SIGHUP and wait for the "reloaded:" line (status 1 if none comes)
	local n
	n=$(grep -c "reloaded:" "$LIVE_TMP/embargo.err")
	kill -HUP "$EMB_PID"
	wait_for 10 more_than "$n" "reloaded:"
}

# ------------------------------------------------------------ as root

start_embargo --queue 0 --blocklist "$list" ||
	{ echo "Bail out! embargo did not start"; exit 1; }
is "$uid $uid $uid $uid" "$(status Uid)" "uid: real, effective, saved, fs = $user"
is "$gid $gid $gid $gid" "$(status Gid)" "gid: all four = $user's group"
is "" "$(status Groups)" "no supplementary groups"
is "0000000000001000" "$(status CapEff)" "effective capabilities: CAP_NET_ADMIN only"
is "0000000000001000" "$(status CapPrm)" "permitted: CAP_NET_ADMIN only"
is "0000000000001000" "$(status CapBnd)" "bounding set: CAP_NET_ADMIN only"
is "0000000000000000" "$(status CapInh)" "inheritable: none"
is "0000000000000000" "$(status CapAmb)" "ambient: none"
is 1 "$(status NoNewPrivs)" "no_new_privs set"
is $def_sc "$(status Seccomp)" "seccomp: the default ($def_mode) is in force"
[ "$(stat -c %u "/proc/$EMB_PID/environ")" = 0 ]
tap_ok $? "not dumpable: /proc/PID/environ belongs to root, not to $user"
like "privileges: dropped to $user \(uid $uid" "$(cat "$LIVE_TMP/embargo.err")" \
	"start-up line says who it runs as"
like "capabilities CAP_NET_ADMIN \(bounding set too\); no_new_privs; seccomp $def_mode" \
	"$(cat "$LIVE_TMP/embargo.err")" "  ... and with what"
is "$uid" "$(stat -c %u "$LIVE_TMP/events.jsonl")" "the event log was given to $user"

is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "after the drop: NXDOMAIN answers are sent (IPv4)"
is "NXDOMAIN" "$(dns $S6 upd.kaspersky.com AAAA)" "after the drop: NXDOMAIN answers (IPv6)"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "after the drop: other names resolve"
st=$(https upd.kaspersky.com $S4)
[ "$st" != 0 ]; tap_ok $? "after the drop: blocked TLS fails (curl $st)"
is 0 "$(https www.example.org $S4)" "after the drop: other TLS works"
like '"kernel":\{"waiting":0,"dropped":0' "$(stats_after_usr1)" \
	"SIGUSR1 after the drop: kernel queue counters still read"

# Reload after the drop: the list is readable by the user.
printf '@category update\n@action reject\nnewly-blocked.example\n' >>"$list"
hup
tap_ok $? "SIGHUP after the drop: lists reloaded"
is "NXDOMAIN" "$(dns $S4 newly-blocked.example)" "  the new entry applies"
! grep -q "keeping the event log" "$LIVE_TMP/embargo.err"
tap_ok $? "  the event log reopened as $user (no 'keeping' warning)"

# A list the user cannot read: refused, the running lists stay.
chmod 0600 "$list"
kill -HUP "$EMB_PID"
wait_for 10 grep -q "keeping the running lists" "$LIVE_TMP/embargo.err"
tap_ok $? "unreadable list on reload: refused, running lists kept"
like "$list.*(Permission denied|cannot open)" "$(grep -i "error" "$LIVE_TMP/embargo.err")" \
	"  the error names the file"
is "NXDOMAIN" "$(dns $S4 newly-blocked.example)" "  still blocking with the running list"
chmod 0644 "$list"
stop_embargo TERM
is 0 "$?" "SIGTERM after the drop: clean exit"

# Log rotation: a log directory the user may write, the file moved away.
mkdir "$LIVE_TMP/logs"
chown "$uid:$gid" "$LIVE_TMP/logs"
start_embargo --queue 0 --blocklist "$list" --log "$LIVE_TMP/logs/events.jsonl" ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
! grep -q "not writable by the dropped user" "$LIVE_TMP/embargo.err"
tap_ok $? "writable log directory: no rotation warning"
dns $S4 upd.kaspersky.com >/dev/null
mv "$LIVE_TMP/logs/events.jsonl" "$LIVE_TMP/logs/events.jsonl.1"
hup
tap_ok $? "log moved away, SIGHUP: reloaded"
dns $S4 www.kaspersky.com >/dev/null
wait_for 5 grep -q www.kaspersky.com "$LIVE_TMP/logs/events.jsonl"
tap_ok $? "after rotation + SIGHUP: new events in a new file created by $user"
is "$uid" "$(stat -c %u "$LIVE_TMP/logs/events.jsonl")" "  owned by $user"
grep -q upd.kaspersky.com "$LIVE_TMP/logs/events.jsonl.1" &&
	! grep -q www.kaspersky.com "$LIVE_TMP/logs/events.jsonl.1"
tap_ok $? "  the rotated file holds the events before, none after"
stop_embargo TERM

# ----------------------------------------------------------- no drop

start_embargo --queue 0 --blocklist "$list" --no-drop ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is "0 0 0 0" "$(status Uid)" "--no-drop: still root"
[ "$(status CapEff)" != "0000000000001000" ]; tap_ok $? "--no-drop: every capability kept"
is 1 "$(status NoNewPrivs)" "--no-drop: no_new_privs all the same"
like "user = root: running as root" "$(cat "$LIVE_TMP/embargo.err")" "--no-drop: warned"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "--no-drop: blocking"
stop_embargo TERM

out=$(nsg "$EMBARGO" run --queue 0 --blocklist "$list" --user no-such-user-xq 2>&1)
is 2 "$?" "unknown user: exit 2"
is "embargo: error: user: 'no-such-user-xq': no such user" "$out" "  one line naming it"

# --------------------------------------- unprivileged start (systemd)

# As systemd runs the unit: a plain user with CAP_NET_ADMIN and CAP_NET_RAW
# as ambient capabilities.  The log directory must be the user's (LogsDirectory=).
EMB_WRAP=(setpriv --reuid="$uid" --regid="$gid" --clear-groups
	--inh-caps=+net_admin,+net_raw --ambient-caps=+net_admin,+net_raw)
start_embargo --queue 0 --blocklist "$list" --log "$LIVE_TMP/logs/amb.jsonl" ||
	{ echo "Bail out! embargo did not start unprivileged"; exit 1; }
EMB_WRAP=()
is "$uid $uid $uid $uid" "$(status Uid)" "ambient start: user kept"
is "0000000000001000" "$(status CapEff)" "ambient start: CAP_NET_ADMIN only"
is "0000000000000000" "$(status CapAmb)" "ambient start: ambient set cleared"
is "0000000000000000" "$(status CapInh)" "ambient start: inheritable cleared"
is 1 "$(status NoNewPrivs)" "ambient start: no_new_privs"
is $def_sc "$(status Seccomp)" "ambient start: seccomp $def_mode"
like "privileges: started as an unprivileged user" "$(cat "$LIVE_TMP/embargo.err")" \
	"ambient start: says so"
is "NXDOMAIN" "$(dns $S4 upd.kaspersky.com)" "ambient start: NXDOMAIN answers sent"
is "NOERROR $S4" "$(dns $S4 www.example.org)" "ambient start: other names resolve"
stop_embargo TERM
is 0 "$?" "ambient start: clean exit"

# ------------------------------------------------------------ seccomp

# LeakSanitizer's exit check (clone, ptrace) is outside the list.
[ "$def_mode" = off ] && export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
start_embargo --queue 0 --blocklist "$list" --seccomp log ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is 2 "$(status Seccomp)" "seccomp log: a filter too"
dns $S4 upd.kaspersky.com >/dev/null
https upd.kaspersky.com $S4 >/dev/null
hup
like '"seccomp":\{"refused":0\}' "$(stats_after_usr1)" \
	"seccomp log: DNS, TLS, reload, stats: no call refused"
stop_embargo TERM
is 0 "$?" "seccomp log: clean exit"
! grep -q "system call .* refused" "$LIVE_TMP/embargo.err"
tap_ok $? "seccomp log: nothing refused up to the exit"

start_embargo --queue 0 --blocklist "$list" --seccomp off ||
	{ echo "Bail out! embargo did not restart"; exit 1; }
is 0 "$(status Seccomp)" "seccomp off: no filter"
is 1 "$(status NoNewPrivs)" "seccomp off: no_new_privs still"
stop_embargo TERM
tap_done
