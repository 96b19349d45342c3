#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# write-matches.sh - `embargo replay --write-matches FILE` (TAP): the file
# is a pcap tshark reads, holding exactly the packets of the flows that
# matched - counted independently, by tshark, from the original capture
# and the 5-tuples of the match events (both directions, the packets before
# the match included); -j gives the same bytes; inputs of different link
# types give a raw-IP file; an unwritable path is an error.
#
# Usage: EMBARGO=build/src/embargo tests/report/write-matches.sh
. "$(dirname "$0")/lib.sh"

if ! command -v tshark >/dev/null 2>&1; then
	echo "1..0 # SKIP tshark is not installed"
	exit 0
fi

# oracle CAPTURE EVENTS: packets of CAPTURE whose 5-tuple is a matched flow's.
oracle() {
	tshark -r "$1" -T fields -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
		-e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport \
		-e ip.proto -e ipv6.nxt 2>/dev/null >"$tmp/fields"
	"$PY" - "$tmp/fields" "$2" <<'PYEOF'
import json, sys
flows = set()
for line in open(sys.argv[2]):
    ev = json.loads(line)
    if ev.get("event_type") != "match":
        continue
    a = (ev["src_ip"], ev["src_port"])
    b = (ev["dest_ip"], ev["dest_port"])
    flows.add((ev["proto"], a, b))
    flows.add((ev["proto"], b, a))
n = 0
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    f += [""] * (10 - len(f))
    src = f[0] or f[1]
    dst = f[2] or f[3]
    sport = f[4] or f[5]
    dport = f[6] or f[7]
    proto = "TCP" if f[4] else "UDP" if f[5] else None
    if not proto or not sport or not dport:
        continue
    # tshark lists every IP header of a tunnelled packet: the innermost is last.
    src, dst = src.split(",")[-1], dst.split(",")[-1]
    if (proto, (src, int(sport)), (dst, int(dport))) in flows:
        n += 1
print(n)
PYEOF
}

count() {
	tshark -r "$1" 2>/dev/null | wc -l | tr -d ' '
}

"$EMBARGO" replay --json --blocklist blocklists --write-matches "$tmp/demo.pcap" \
	"$PCAP/demo.pcap" >"$tmp/demo.json" 2>"$tmp/err"
rc_is "demo: exit status 1 (matches)" 1 "$?"
if tshark -r "$tmp/demo.pcap" >/dev/null 2>"$tmp/err"; then
	ok "tshark reads the file"
else
	fail "tshark reads the file" "$tmp/err"
fi
want=$(oracle "$PCAP/demo.pcap" "$tmp/demo.json")
got=$(count "$tmp/demo.pcap")
all=$(count "$PCAP/demo.pcap")
if [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$want" = "$got" ] && [ "$got" -lt "$all" ]; then
	ok "demo: the $want packets of the matched flows, of $all"
else
	echo "want $want, got $got, of $all" >"$tmp/c"
	fail "demo: the packets of the matched flows" "$tmp/c"
fi
# The handshake before a TLS match is in the file: the ClientHello is not the first.
syn=$(tshark -r "$tmp/demo.pcap" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0" 2>/dev/null |
	wc -l)
if [ "$syn" -gt 0 ]; then
	ok "packets from before the match (the TCP handshake) are kept"
else
	fail "packets from before the match (the TCP handshake) are kept"
fi
if [ "$(tshark -r "$tmp/demo.pcap" -T fields -e frame.encap_type 2>/dev/null | sort -u)" = 1 ]
then
	ok "one link type in: written as captured (Ethernet)"
else
	fail "one link type in: written as captured (Ethernet)"
fi

# Several files, several link types: raw IP, and the same count.
set -- "$PCAP/link-sll.pcap" "$PCAP/link-vlan.pcap" "$PCAP/tls-sni.pcapng" "$PCAP/ip-only.pcap"
"$EMBARGO" replay --json --blocklist "$LIST" --write-matches "$tmp/mixed.pcap" "$@" \
	>"$tmp/mixed.json" 2>"$tmp/err"
want=0
for f in "$@"; do
	"$EMBARGO" replay --json --blocklist "$LIST" "$f" >"$tmp/one.json" 2>/dev/null
	want=$((want + $(oracle "$f" "$tmp/one.json")))
done
got=$(count "$tmp/mixed.pcap")
if [ "$want" -gt 0 ] && [ "$want" = "$got" ]; then
	ok "mixed link types: the $want packets of the matched flows"
else
	echo "want $want, got $got" >"$tmp/c"
	fail "mixed link types: the packets of the matched flows" "$tmp/c"
fi
if capinfos -E "$tmp/mixed.pcap" 2>/dev/null | grep -q "Raw IP"; then
	ok "mixed link types: written as raw IP"
elif ! command -v capinfos >/dev/null 2>&1; then
	skip "mixed link types: written as raw IP" "no capinfos"
else
	capinfos "$tmp/mixed.pcap" >"$tmp/ci" 2>&1
	fail "mixed link types: written as raw IP" "$tmp/ci"
fi

"$EMBARGO" replay --blocklist "$LIST" -j 1 --write-matches "$tmp/j1.pcap" "$@" >/dev/null 2>&1
"$EMBARGO" replay --blocklist "$LIST" -j 3 --write-matches "$tmp/j3.pcap" "$@" >/dev/null 2>&1
same "-j 3 = -j 1, byte for byte" "$tmp/j1.pcap" "$tmp/j3.pcap"
if [ "$(count "$tmp/j1.pcap")" = "$want" ]; then
	ok "-j: the same packets"
else
	fail "-j: the same packets"
fi
tshark -r "$tmp/j1.pcap" -T fields -e frame.time_epoch 2>/dev/null >"$tmp/times"
check "-j: packets in time order" sort -c -n "$tmp/times"

"$EMBARGO" replay --blocklist "$LIST" --write-matches "$tmp/none/x.pcap" "$PCAP/dates.pcap" \
	>/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "$tmp/none/x.pcap" "$tmp/err"; then
	ok "an unwritable path: exit 2, named"
else
	fail "an unwritable path: exit 2, named" "$tmp/err"
fi

done_testing
