#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""flood.py - hostile traffic for tests/live/flood.sh, from the client ns.

  flood.py SRC DST --seconds S --rate PPS [--hellos N --hello-port P]

For S seconds, at most PPS raw packets a second (IPv4, built by hand with
correct checksums, through an IPPROTO_RAW socket), round-robin:

  syn      TCP SYN from SRC to DST, random source and destination ports:
           a new half-open flow each time (the server answers RST)
  udp      UDP to a random port with random bytes: a new flow, garbage
  dns      UDP to port 53 with random bytes: DNS parse errors
  frag     the first fragment of a UDP datagram that never completes
           (more fragments set, random id): a fragment train
  badudp   UDP to port 53 whose header claims 4 bytes: undecodable

and, with --hellos N, N real TCP connections to DST:P (a listener that
never reads) each sending the first 3000 bytes of a TLS ClientHello that
announces 16000: unfinished hellos the daemon must buffer or give up.
They are opened over the first half of the run (bounded, non-blocking) and
closed at the end.  Every loop is bounded by the deadline or a count.

Prints one line: "sent N syn A udp B dns C frag D badudp E hellos H".
Only documentation addresses are used (the caller's topology).
"""
import argparse
import os
import random
import resource
import select
import socket
import struct
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, ident=None, flags_frag=0):
    ident = random.getrandbits(16) if ident is None else ident
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag, 64,
                      proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def l4_csum(src, dst, proto, seg):
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, proto, len(seg))
    return csum(pseudo + seg)


def tcp_syn(src, dst, sport, dport):
    seg = struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32), 0, 5 << 4, 0x02,
                      64240, 0, 0)
    c = l4_csum(src, dst, 6, seg)
    return ip4(src, dst, 6, seg[:16] + struct.pack("!H", c) + seg[18:])


def udp(src, dst, sport, dport, data, length=None):
    ulen = 8 + len(data) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, ulen, 0) + data
    c = l4_csum(src, dst, 17, seg) if length is None else 0
    return seg[:6] + struct.pack("!H", c or 0xFFFF) + seg[8:]


def client_hello_prefix():
    """The first 3000 bytes of a 16000-byte TLS record (RFC 8446 5.1) holding one
    ClientHello (4.1.2) whose bulk is a padding extension (RFC 7685): valid as
    far as it goes, so the daemon has to wait for the rest."""
    body = (b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00")
    ext_len = 15996 - len(body) - 2
    ext = struct.pack("!HHH", ext_len, 0x0015, ext_len - 4)
    hs = b"\x01" + (15996).to_bytes(3, "big") + body + ext
    rec = b"\x16\x03\x01" + (16000).to_bytes(2, "big") + hs
    return rec + bytes(3000 - len(rec))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rate", type=int, default=3000)
    ap.add_argument("--hellos", type=int, default=0)
    ap.add_argument("--hello-port", type=int, default=8443)
    a = ap.parse_args()
    src, dst = socket.inet_aton(a.src), socket.inet_aton(a.dst)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, a.hellos + 256), hard))

    kinds = ["syn", "udp", "dns", "frag", "badudp"]
    count = {k: 0 for k in kinds}
    hellos, pending, opened = [], [], 0
    prefix = client_hello_prefix()
    start = time.monotonic()
    deadline = start + a.seconds
    sent = 0
    i = 0
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        # Rate limit: never ahead of PPS * elapsed.
        if sent >= a.rate * (now - start):
            time.sleep(0.002)
        else:
            k = kinds[i % len(kinds)]
            i += 1
            sp = random.randint(1024, 65535)
            if k == "syn":
                pkt = tcp_syn(src, dst, sp, random.randint(1024, 65535))
            elif k == "udp":
                pkt = ip4(src, dst, 17, udp(src, dst, sp, random.randint(1024, 65535),
                                             os.urandom(random.randint(0, 200))))
            elif k == "dns":
                pkt = ip4(src, dst, 17, udp(src, dst, sp, 53, os.urandom(random.randint(12, 300))))
            elif k == "frag":
                data = udp(src, dst, sp, 443, os.urandom(1192), length=1400)
                pkt = ip4(src, dst, 17, data, flags_frag=0x2000)  # MF, offset 0
            else:
                pkt = ip4(src, dst, 17, udp(src, dst, sp, 53, b"x" * 12, length=4))
            try:
                raw.sendto(pkt, (a.dst, 0))
                count[k] += 1
            except OSError:
                pass
            sent += 1
        # Unfinished hellos, spread over the first half of the run.
        want = int(a.hellos * min(1.0, (now - start) / (a.seconds / 2 or 1)))
        while opened < want:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((a.dst, a.hello_port))
            pending.append(s)
            opened += 1
        if pending:
            p = select.poll()
            byfd = {s.fileno(): s for s in pending}
            for fd in byfd:
                p.register(fd, select.POLLOUT)
            for fd, ev in p.poll(0):
                s = byfd[fd]
                pending.remove(s)
                try:
                    if ev & select.POLLOUT and not ev & (select.POLLERR | select.POLLHUP):
                        s.send(prefix)
                        hellos.append(s)
                        continue
                except OSError:
                    pass
                s.close()
    for s in hellos + pending:
        s.close()
    print("sent %d %s hellos %d" % (sent, " ".join("%s %d" % (k, count[k]) for k in kinds),
                                     len(hellos)))


if __name__ == "__main__":
    main()
