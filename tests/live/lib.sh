# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared set-up for the live tests and scripts/demo-live (sourced).
#
#   client ns            gateway ns (embargo)            server ns
#   192.0.2.2     c0 -- g0 192.0.2.1                      dnsmasq, HTTP, HTTPS
#   2001:db8:1::2          2001:db8:1::1
#                             198.51.100.1 g1 -- s0 198.51.100.2
#                             2001:db8:2::1         2001:db8:2::2
#                                                   203.0.113.10, 2001:db8:ffff::10
#                                                   (stand-ins for a Kaspersky prefix)
#
# Documentation addresses only (RFC 5737, RFC 3849); nothing leaves the
# namespaces.  Everything started here is killed, and every namespace
# deleted, by live_cleanup (installed as the EXIT trap by live_setup).
# Every wait is bounded in count and time.  LIVE_KEEP=1 keeps the
# temporary directory (logs, events) for a look after the run.

LIVE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LIVE_DIR/../.." && pwd)
PY=/usr/bin/python3

C4=192.0.2.2 G4C=192.0.2.1 G4S=198.51.100.1 S4=198.51.100.2 K4=203.0.113.10
C6=2001:db8:1::2 G6C=2001:db8:1::1 G6S=2001:db8:2::1 S6=2001:db8:2::2 K6=2001:db8:ffff::10

LIVE_PIDS=()
EMB_PID=
EMB_WRAP=()
TAP_N=0
TAP_FAILED=0

# ----------------------------------------------------------------- TAP

tap_ok() {	# tap_ok COND_EXIT_STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# is WANT GOT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		echo "#   want: $1"
		echo "#   got:  $2"
	fi
}

# like REGEX GOT DESCRIPTION
like() {
	if [[ $2 =~ $1 ]]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		echo "#   want match: $1"
		echo "#   got:        $2"
	fi
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}

# --------------------------------------------------------- requirements

find_embargo() {
	if [ -n "${EMBARGO:-}" ]; then
		# Named explicitly (meson does): its absence is a failure, not a skip.
		if [ ! -x "$EMBARGO" ]; then
			echo "Bail out! EMBARGO=$EMBARGO is not executable"
			exit 1
		fi
		return
	fi
	for b in "$REPO_ROOT/build/src/embargo" "$REPO_ROOT/build/embargo"; do
		if [ -x "$b" ]; then
			EMBARGO=$b
			return
		fi
	done
	skip_all "no embargo binary (build it, or set EMBARGO)"
}

# Skip (TAP) unless root, network namespaces, veth, NFQUEUE and the tools exist.
live_require() {
	local probe=emb-probe-$$ t
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, NFQUEUE)"
	for t in ip iptables ip6tables dnsmasq curl openssl timeout; do
		command -v "$t" >/dev/null 2>&1 || skip_all "$t not installed (scripts/install-deps)"
	done
	[ -x "$PY" ] || skip_all "$PY not installed"
	find_embargo
	ip netns add "$probe" 2>/dev/null || skip_all "cannot create a network namespace"
	if ! ip netns exec "$probe" iptables -w -A FORWARD -j NFQUEUE --queue-num 0 \
		--queue-bypass 2>/dev/null; then
		ip netns del "$probe"
		skip_all "iptables NFQUEUE target unavailable"
	fi
	if ! ip netns exec "$probe" iptables -w -A FORWARD -m connbytes --connbytes 0:1 \
		--connbytes-dir original --connbytes-mode packets -j ACCEPT 2>/dev/null; then
		ip netns del "$probe"
		skip_all "iptables connbytes match unavailable"
	fi
	ip netns del "$probe"
}

# ------------------------------------------------------------ topology

live_cleanup() {
	local p
	set +e
	for p in $EMB_PID "${LIVE_PIDS[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	for p in $EMB_PID "${LIVE_PIDS[@]}"; do
		# Bounded: 50 x 0.1 s, then SIGKILL.
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for ns in "$NS_C" "$NS_G" "$NS_S"; do
		[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${LIVE_KEEP:-}" ]; then
		echo "# kept $LIVE_TMP (LIVE_KEEP is set)"
	elif [ -n "${LIVE_TMP:-}" ] && [ -d "$LIVE_TMP" ]; then
		rm -rf "$LIVE_TMP"
	fi
	return 0
}

nsc() { ip netns exec "$NS_C" "$@"; }
nsg() { ip netns exec "$NS_G" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

live_setup() {
	local id=$$
	NS_C=emb-c-$id NS_G=emb-g-$id NS_S=emb-s-$id
	LIVE_TMP=$(mktemp -d /tmp/embargo-live.XXXXXX)
	# embargo drops to an unprivileged user: its lists and configuration
	# must stay readable to it for SIGHUP reloads.
	chmod 0755 "$LIVE_TMP"
	trap live_cleanup EXIT
	trap 'exit 130' INT TERM

	ip netns add "$NS_C" && ip netns add "$NS_G" && ip netns add "$NS_S" || return 1
	ip link add c0 netns "$NS_C" type veth peer name g0 netns "$NS_G" || return 1
	ip link add s0 netns "$NS_S" type veth peer name g1 netns "$NS_G" || return 1
	for ns in "$NS_C" "$NS_G" "$NS_S"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_C" addr add $C4/24 dev c0
	ip -n "$NS_C" addr add $C6/64 dev c0 nodad
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_C" route add default via $G4C
	ip -n "$NS_C" -6 route add default via $G6C

	ip -n "$NS_G" addr add $G4C/24 dev g0
	ip -n "$NS_G" addr add $G6C/64 dev g0 nodad
	ip -n "$NS_G" addr add $G4S/24 dev g1
	ip -n "$NS_G" addr add $G6S/64 dev g1 nodad
	ip -n "$NS_G" link set g0 up
	ip -n "$NS_G" link set g1 up
	nsg sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n "$NS_G" route add 203.0.113.0/24 via $S4
	ip -n "$NS_G" -6 route add 2001:db8:ffff::/48 via $S6

	ip -n "$NS_S" addr add $S4/24 dev s0
	ip -n "$NS_S" addr add $S6/64 dev s0 nodad
	ip -n "$NS_S" addr add $K4/32 dev lo
	ip -n "$NS_S" addr add $K6/128 dev lo nodad
	ip -n "$NS_S" link set s0 up
	ip -n "$NS_S" route add default via $G4S
	ip -n "$NS_S" -6 route add default via $G6S

	return 0
}

# Server side: dnsmasq answering every name, HTTP on 80 and HTTPS on 443.
live_servers() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LIVE_TMP/key.pem" -out "$LIVE_TMP/cert.pem" -days 2 -subj /CN=embargo-test \
		>/dev/null 2>&1 || { diag "openssl: cannot make a certificate"; return 1; }
	# Started with "ip netns exec" directly (it execs): $! is then the
	# server's own pid, not a subshell's.
	ip netns exec "$NS_S" dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
		--listen-address=$S4,$S6 --address=/#/$S4 --address=/#/$S6 --user=root \
		--pid-file="$LIVE_TMP/dnsmasq.pid" --log-facility="$LIVE_TMP/dnsmasq.log" \
		</dev/null >/dev/null 2>&1 &
	LIVE_PIDS+=($!)
	ip netns exec "$NS_S" "$PY" "$LIVE_DIR/httpd.py" --cert "$LIVE_TMP/cert.pem" \
		--key "$LIVE_TMP/key.pem" </dev/null >/dev/null 2>"$LIVE_TMP/httpd.err" &
	LIVE_PIDS+=($!)
	# The client reaching both across the gateway also proves the routing.
	wait_for 5 dns_ok $S4 probe.example A 0.5 ||
		{ diag "dnsmasq does not answer over IPv4"; return 1; }
	wait_for 5 dns_ok $S6 probe.example AAAA 0.5 ||
		{ diag "dnsmasq does not answer over IPv6"; return 1; }
	wait_for 5 nsc curl -s --max-time 1 http://$S4/ || { diag "httpd does not answer (IPv4)"; return 1; }
	wait_for 5 nsc curl -s --max-time 1 "http://[$S6]/" || { diag "httpd does not answer (IPv6)"; return 1; }
	return 0
}

# The project's iptables rules on the gateway.
live_rules() {
	nsg "$REPO_ROOT/scripts/rules" install --syntax iptables --mode gateway "$@" >/dev/null
}

# start_embargo ARGS...: embargo on the gateway, events to $LIVE_TMP/events.jsonl.
# EMB_WRAP (an array), if set, goes before the binary (e.g. setpriv ...).
EMB_WRAP=()
start_embargo() {
	: >"$LIVE_TMP/embargo.err"
	ip netns exec "$NS_G" "${EMB_WRAP[@]}" "$EMBARGO" run --log "$LIVE_TMP/events.jsonl" "$@" \
		</dev/null >"$LIVE_TMP/embargo.out" 2>>"$LIVE_TMP/embargo.err" &
	EMB_PID=$!
	if ! wait_for 10 grep -q "running:" "$LIVE_TMP/embargo.err"; then
		diag "embargo did not start:"
		sed 's/^/#   /' "$LIVE_TMP/embargo.err"
		return 1
	fi
	return 0
}

# stop_embargo [SIGNAL]: stop and reap it (bounded); returns its exit status.
# stderr is silenced so the shell's own "Killed" notice stays out of the TAP.
stop_embargo() {
	local sig=${1:-TERM} st
	[ -n "$EMB_PID" ] || return 0
	{
		kill -"$sig" "$EMB_PID"
		for _ in $(seq 100); do kill -0 "$EMB_PID" || break; sleep 0.1; done
		kill -KILL "$EMB_PID"
		wait "$EMB_PID"
	} 2>/dev/null
	st=$?
	EMB_PID=
	return $st
}

# ------------------------------------------------------------- clients

# dns SERVER NAME [TYPE] [TIMEOUT]: one line, see dnsq.py.
dns() {
	nsc "$PY" "$LIVE_DIR/dnsq.py" "$1" "$2" --type "${3:-A}" --timeout "${4:-2}"
}

dns_ok() {
	dns "$@" | grep -q "^NOERROR"
}

# https NAME ADDR: curl's exit status through the gateway (0 = page fetched).
https() {
	local a=$2
	[[ $a == *:* ]] && a="[$a]"
	nsc curl -sk --max-time 3 --resolve "$1:443:$a" "https://$1/" -o "$LIVE_TMP/body" 2>/dev/null
	local st=$?
	[ $st = 0 ] && ! grep -q "^ok $1" "$LIVE_TMP/body" && st=99
	echo $st
}

# http NAME ADDR: the same for plain HTTP (Host: NAME).
http() {
	local a=$2
	[[ $a == *:* ]] && a="[$a]"
	nsc curl -s --max-time 3 --resolve "$1:80:$a" "http://$1/" -o "$LIVE_TMP/body" 2>/dev/null
	local st=$?
	[ $st = 0 ] && ! grep -q "^ok $1" "$LIVE_TMP/body" && st=99
	echo $st
}

# events FILTER: count JSON events for which the Python expression FILTER
# (over the dict e) is true.
events() {
	"$PY" - "$LIVE_TMP/events.jsonl" "$1" <<'EOF'
import json, sys
n = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    e = json.loads(line)
    if eval(sys.argv[2], {}, {"e": e}):
        n += 1
print(n)
EOF
}

# A blocklist for the tests: documentation prefixes stand in for Kaspersky's.
# write_list FILE [ENFORCE]
write_list() {
	local enforce=${2:-2024-09-29T00:00:00-04:00}
	cat >"$1" <<EOF
# embargo live-test list (documentation addresses only)
@list livetest
@category update
@enforce $enforce
@action reject
kaspersky.com
@category telemetry
@action drop
kaspersky-labs.com
@category network
@action drop
203.0.113.0/24
2001:db8:ffff::/48
EOF
}
