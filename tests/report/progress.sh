#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# progress.sh - `embargo replay`'s progress line (TAP): nothing when stderr
# is not a terminal; with --progress a final line whose packet count is the
# report's; on a terminal (script(1) gives one) lines drawn over each other
# while a slow capture is read (a FIFO fed in two halves a second apart),
# and the line cleared at the end; --no-progress silences it.
#
# Usage: EMBARGO=build/src/embargo tests/report/progress.sh
. "$(dirname "$0")/lib.sh"

files="$PCAP/dates.pcap $PCAP/dns-answers.pcap $PCAP/tls-sni.pcapng"
esc=$(printf '\033')

"$EMBARGO" replay --blocklist "$LIST" $files >"$tmp/out" 2>"$tmp/err"
if [ ! -s "$tmp/err" ]; then
	ok "stderr not a terminal: no progress"
else
	fail "stderr not a terminal: no progress" "$tmp/err"
fi
"$EMBARGO" replay --blocklist "$LIST" -j 2 $files >/dev/null 2>"$tmp/err"
if [ ! -s "$tmp/err" ]; then
	ok "-j, stderr not a terminal: no progress"
else
	fail "-j, stderr not a terminal: no progress" "$tmp/err"
fi

# The human report's first line: "embargo replay: 3 files, N packets (...)".
packets=$(sed -n '1s/^embargo replay: 3 files, \([0-9]*\) packets.*/\1/p' "$tmp/out")
for j in "" "-j 2"; do
	# shellcheck disable=SC2086
	"$EMBARGO" replay --progress $j --blocklist "$LIST" $files >/dev/null 2>"$tmp/err"
	if [ "$(wc -l <"$tmp/err")" = 1 ] && [ -n "$packets" ] &&
		grep -q "^embargo replay: done: 3 files, $packets packets, " "$tmp/err"; then
		ok "--progress${j:+ $j}: one final line with the report's $packets packets"
	else
		fail "--progress${j:+ $j}: one final line with the report's $packets packets" "$tmp/err"
	fi
done

# A slow capture: a FIFO that gets half of the packets, then the rest a second later.
if ! mkfifo "$tmp/fifo" 2>/dev/null; then
	skip "progress while a slow capture is read" "no mkfifo"
else
	cat >"$tmp/feed.py" <<'PYEOF'
import struct, sys, time
eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
udp = struct.pack("!HHHH", 5000, 6000, 28, 0) + b"x" * 20
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 48, 1, 0, 64, 17, 0, bytes([192, 0, 2, 1]),
                 bytes([192, 0, 2, 2]))
frame = eth + ip + udp
rec = b"".join(struct.pack("<IIII", 1727773200, i, len(frame), len(frame)) + frame
               for i in range(5000))
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + rec)
    f.flush()
    time.sleep(1.2)
    f.write(rec)
PYEOF
	"$PY" "$tmp/feed.py" "$tmp/fifo" &
	"$EMBARGO" replay --progress --blocklist "$LIST" "$tmp/fifo" >/dev/null 2>"$tmp/err"
	wait
	if grep -q "^embargo replay: file 1/1: [0-9]* packets, [0-9]* packets/s$" "$tmp/err" &&
		tail -n 1 "$tmp/err" | grep -q "^embargo replay: done: 1 file, 10000 packets"; then
		ok "--progress, not a terminal: progress as lines while reading, then the total"
	else
		fail "--progress, not a terminal: progress as lines while reading, then the total" \
			"$tmp/err"
	fi
	if command -v script >/dev/null 2>&1; then
		"$PY" "$tmp/feed.py" "$tmp/fifo" &
		script -qec "'$EMBARGO' replay --blocklist '$LIST' '$tmp/fifo' >/dev/null" \
			/dev/null >"$tmp/tty" 2>&1 </dev/null
		wait
		if grep -q "${esc}\[Kembargo replay: file 1/1: " "$tmp/tty" &&
			tail -c 4 "$tmp/tty" | grep -q "${esc}\[K" &&
			! grep -q "done:" "$tmp/tty"; then
			ok "terminal: the line is redrawn in place and cleared at the end"
		else
			od -c "$tmp/tty" | head -n 20 >"$tmp/od"
			fail "terminal: the line is redrawn in place and cleared at the end" "$tmp/od"
		fi
		"$PY" "$tmp/feed.py" "$tmp/fifo" &
		script -qec "'$EMBARGO' replay --no-progress --blocklist '$LIST' '$tmp/fifo' \
			>/dev/null" /dev/null >"$tmp/tty" 2>&1 </dev/null
		wait
		if ! grep -q "embargo replay" "$tmp/tty"; then
			ok "terminal, --no-progress: nothing"
		else
			fail "terminal, --no-progress: nothing" "$tmp/tty"
		fi
	else
		skip "terminal: the line is redrawn in place and cleared at the end" "no script(1)"
		skip "terminal, --no-progress: nothing" "no script(1)"
	fi
fi

done_testing
