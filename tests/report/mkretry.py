#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkretry.py OUT.pcap - a capture of a client retrying a blocked update
# every second, for the aggregation tests (tests/report/aggregate.sh).
# Standard library only: Ethernet / IPv4 (RFC 791, header checksum) / UDP
# (RFC 768, checksum 0: none) / DNS query (RFC 1035 §4.1).
#
#   2024-10-01T09:00:00Z + i s, i = 0..149   192.0.2.10:40000+i  A s1.upd.kaspersky.com
#   + 30 s                                   192.0.2.11:41000    A www.kaspersky.com
#   + 90.5 s                                 192.0.2.10:42000    A dnl-01.geo.kaspersky.com
import struct
import sys

T0 = 1727773200  # 2024-10-01T09:00:00Z


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def query(qid, name):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def frame(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    eth = bytes.fromhex("020000000001" "020000000002") + b"\x08\x00"
    return eth + hdr + udp


def main():
    pkts = []
    for i in range(150):
        pkts.append((T0 + i, 0, frame("192.0.2.10", 40000 + i, "192.0.2.53", 53,
                                      query(i, "s1.upd.kaspersky.com"))))
    pkts.append((T0 + 30, 0, frame("192.0.2.11", 41000, "192.0.2.53", 53,
                                   query(1000, "www.kaspersky.com"))))
    pkts.append((T0 + 90, 500000, frame("192.0.2.10", 42000, "192.0.2.53", 53,
                                        query(2000, "dnl-01.geo.kaspersky.com"))))
    pkts.sort(key=lambda p: (p[0], p[1]))
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, data in pkts:
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)


main()
