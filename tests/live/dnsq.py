#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""dnsq.py - a tiny DNS client for the live tests (RFC 1035 §4.1 by hand).

  dnsq.py SERVER NAME [--type A|AAAA] [--timeout S]
      prints one line: "NOERROR <first address>", "NXDOMAIN", "RCODE <n>"
      or "TIMEOUT"; exit status 0 whatever the answer.
  dnsq.py SERVER NAME --also NAME2 [--also NAME3...]
      the same, then NAME2... from the same socket (one 5-tuple): one line
      per name.
  dnsq.py SERVER NAME --count N [--interval S] [--timeout S]
      steady traffic: N queries one after the other, each waiting for its
      answer; prints "sent N answered A noerror E nxdomain X timeout T".
  dnsq.py SERVER NAME --burst N [--timeout S]
      N queries at once from one socket, then counts the answers that
      arrive within the timeout: "sent N answered A".
"""
import argparse
import random
import socket
import struct
import sys
import time

TYPES = {"A": 1, "AAAA": 28}


def query(name, qtype, qid):
    hdr = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)  # RD
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split("."))
    return hdr + q + b"\x00" + struct.pack("!HH", qtype, 1)


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def parse(msg):
    qid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    rcode = flags & 0xF
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    addr = None
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1 and rdlen == 4:
            addr = socket.inet_ntop(socket.AF_INET, msg[off:off + 4])
            break
        if rtype == 28 and rdlen == 16:
            addr = socket.inet_ntop(socket.AF_INET6, msg[off:off + 16])
            break
        off += rdlen
    return qid, rcode, addr


def sock_for(server):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    return socket.socket(fam, socket.SOCK_DGRAM)


def one(s, server, name, qtype, timeout):
    qid = random.randrange(65536)
    s.sendto(query(name, qtype, qid), (server, 53))
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return "TIMEOUT"
        s.settimeout(left)
        try:
            msg = s.recv(4096)
        except socket.timeout:
            return "TIMEOUT"
        rid, rcode, addr = parse(msg)
        if rid != qid:
            continue
        if rcode == 0:
            return "NOERROR %s" % addr
        if rcode == 3:
            return "NXDOMAIN"
        return "RCODE %d" % rcode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("name")
    ap.add_argument("--type", default="A", choices=TYPES)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--interval", type=float, default=0.0)
    ap.add_argument("--burst", type=int, default=0)
    ap.add_argument("--also", action="append", default=[])
    a = ap.parse_args()
    s = sock_for(a.server)
    qtype = TYPES[a.type]
    if a.burst:
        ids = set()
        for _ in range(a.burst):
            qid = random.randrange(65536)
            ids.add(qid)
            s.sendto(query(a.name, qtype, qid), (a.server, 53))
        got = 0
        end = time.monotonic() + a.timeout
        while time.monotonic() < end:
            s.settimeout(max(end - time.monotonic(), 0.001))
            try:
                rid, _, _ = parse(s.recv(4096))
            except socket.timeout:
                break
            if rid in ids:
                ids.discard(rid)
                got += 1
        print("sent %d answered %d" % (a.burst, got))
        return 0
    if a.count:
        c = {"NOERROR": 0, "NXDOMAIN": 0, "TIMEOUT": 0, "RCODE": 0}
        for _ in range(a.count):
            c[one(s, a.server, a.name, qtype, a.timeout).split()[0]] += 1
            if a.interval:
                time.sleep(a.interval)
        print("sent %d answered %d noerror %d nxdomain %d timeout %d" %
              (a.count, a.count - c["TIMEOUT"], c["NOERROR"], c["NXDOMAIN"], c["TIMEOUT"]))
        return 0
    for name in [a.name] + a.also:
        print(one(s, a.server, name, qtype, a.timeout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
