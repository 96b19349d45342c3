#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkseeds.py - build the seed corpora of the fuzz targets (tests/fuzz/).

Extracts small inputs from captures - ../shared/corpus/pcap when present
and the project's own tests/pcap - and synthesises the structured inputs
some targets take (see the comment at the top of each fuzz_<name>.c for the
input formats).  Only short payloads and frame sequences are written, never
whole captures; each target gets at most a few dozen seeds per kind.

Files are named by the SHA-1 of their content, as libFuzzer names corpus
entries, so a file already there is not written twice; seeds that a
minimisation dropped do come back, so run "scripts/fuzz -t 0 --minimize all"
afterwards.

Usage (from the repository root, Debian's python3-scapy):
    /usr/bin/python3 tests/fuzz/mkseeds.py [--pcaps DIR]... [--out DIR]
"""

import argparse
import glob
import gzip
import hashlib
import logging
import os
import random
import re
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (  # noqa: E402
    GRE, IP, UDP, TCP, VXLAN, CookedLinux, CookedLinuxV2, Ether, IPv6,
    Loopback, PcapReader, Raw, fragment, fragment6, IPv6ExtHdrFragment,
)
from scapy.contrib.geneve import GENEVE  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# fuzz_packet.c link_types[]: the index byte for each link type.
PACKET_DLT_INDEX = {0: 0, 1: 1, 12: 2, 14: 3, 101: 4, 108: 5, 113: 6, 228: 7, 229: 8,
                    239: 9, 276: 10}
METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"CONNECT ",
           b"PATCH ", b"TRACE ", b"PROPFIND ")
QUIC_VERSIONS = (0x00000001, 0x6B3343CF, 0xFF000016, 0xFF000017, 0xFF00001D, 0xFF000022,
                 0xFACEB001, 0xFACEB002)


class Seeds:
    """Seeds of one target, deduplicated, with a cap per source file."""

    def __init__(self, out, name, cap, per_file):
        self.dir = os.path.join(out, name)
        self.cap, self.per_file = cap, per_file
        self.items, self.seen, self.count = [], set(), {}

    def add(self, data, src="", max_len=8192):
        if not data or len(data) > max_len or len(self.items) >= self.cap:
            return False
        if self.count.get(src, 0) >= self.per_file:
            return False
        h = hashlib.sha1(data).hexdigest()
        if h in self.seen:
            return False
        self.seen.add(h)
        self.count[src] = self.count.get(src, 0) + 1
        self.items.append((h, data))
        return True

    def write(self):
        os.makedirs(self.dir, exist_ok=True)
        new = 0
        for h, data in self.items:
            path = os.path.join(self.dir, h)
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(data)
                new += 1
        return new


# ---- reading captures ----------------------------------------------------

def frames(path):
    """(linktype, frame bytes, dissected packet) for every frame of a capture."""
    try:
        reader = PcapReader(path)
    except Exception:
        return
    classes = {Ether: 1, CookedLinux: 113, CookedLinuxV2: 276, Loopback: 0, IP: 101,
               IPv6: 101}
    try:
        for pkt in reader:
            lt = classes.get(type(pkt), getattr(reader, "linktype", None))
            if lt is None:
                continue
            yield lt, bytes(pkt), pkt
    except Exception:
        return


def ip_layer(pkt):
    for cls in (IP, IPv6):
        if cls in pkt:
            return pkt[cls]
    return None


def ip_bytes(ip):
    """The IP packet cut to its own length (no Ethernet padding)."""
    raw = bytes(ip)
    if isinstance(ip, IP):
        return raw[:ip.len] if ip.len else raw
    return raw[:40 + ip.plen]


def l4(pkt):
    """(proto, src, dst, sport, dport, seq, flags, payload) or None."""
    ip = ip_layer(pkt)
    if ip is None:
        return None
    raw = ip_bytes(ip)
    if isinstance(ip, IP):
        if ip.flags.MF or ip.frag:
            return None
        proto, off = ip.proto, ip.ihl * 4
    else:
        proto, off = ip.nh, 40
    src, dst = ip.src, ip.dst
    body = raw[off:]
    if proto == 6 and len(body) >= 20:
        sport, dport, seq = struct.unpack("!HHI", body[:8])
        doff = (body[12] >> 4) * 4
        return 6, src, dst, sport, dport, seq, body[13], body[doff:]
    if proto == 17 and len(body) >= 8:
        sport, dport = struct.unpack("!HH", body[:4])
        return 17, src, dst, sport, dport, 0, 0, body[8:]
    return None


def client_streams(pkts, limit=20000):
    """The first bytes each TCP sender sent, in sequence order: {key: bytes}."""
    segs = {}
    for p in pkts:
        t = l4(p)
        if not t or t[0] != 6 or not t[7]:
            continue
        key = t[1:5]
        segs.setdefault(key, []).append((t[5], t[7]))
    out = {}
    for key, lst in segs.items():
        base = lst[0][0]
        data = b""
        for seq, payload in sorted(lst, key=lambda s: (s[0] - base) & 0xFFFFFFFF):
            rel = (seq - base) & 0xFFFFFFFF
            if rel > len(data) or rel > limit:
                continue
            data += payload[len(data) - rel:]
        out[key] = data[:limit]
    return out


def tls_handshake(stream):
    """The first handshake message carried by the TLS records of @stream."""
    hs, i = b"", 0
    while i + 5 <= len(stream) and stream[i] == 22:
        n = struct.unpack("!H", stream[i + 3:i + 5])[0]
        hs += stream[i + 5:i + 5 + n]
        i += 5 + n
        if len(hs) >= 4 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
            return hs[:4 + int.from_bytes(hs[1:4], "big")]
    return None


def http_head(stream):
    end = stream.find(b"\r\n\r\n")
    return stream[:end + 4] if end >= 0 else stream[:4096]


# ---- QUIC synthetic inputs (fuzz_quic.c, odd first byte) -------------------

def varint(v):
    if v < 0x40:
        return bytes([v])
    if v < 0x4000:
        return struct.pack("!H", 0x4000 | v)
    return struct.pack("!I", 0x80000000 | v)


def quic_spec(flags, dcid, scid, payload, token=b""):
    return (bytes([flags, len(dcid)]) + dcid + bytes([len(scid)]) + scid +
            bytes([len(token)]) + token + struct.pack("!H", len(payload)) + payload)


def crypto(off, data):
    return b"\x06" + varint(off) + varint(len(data)) + data


# ---- the targets ---------------------------------------------------------

def from_captures(paths, S):
    for path in paths:
        src = os.path.basename(path)
        fr = list(frames(path))
        pkts = [p for _, _, p in fr]
        # packet: whole frames behind the link-type index byte.
        for lt, raw, _ in fr[:40]:
            if lt in PACKET_DLT_INDEX:
                S["packet"].add(bytes([PACKET_DLT_INDEX[lt]]) + raw, src, 1600)
        # dns, quic: UDP payloads.
        for p in pkts:
            t = l4(p)
            if not t:
                continue
            proto, _, _, sport, dport, _, _, payload = t
            if proto == 17 and 53 in (sport, dport):
                S["dns"].add(payload, src, 1500)
            if proto == 6 and 53 in (sport, dport) and len(payload) > 2:
                n = struct.unpack("!H", payload[:2])[0]
                if n == len(payload) - 2:
                    S["dns"].add(payload[2:], src, 1500)
            if proto == 17 and payload and payload[0] & 0x80 and len(payload) >= 5:
                if struct.unpack("!I", payload[1:5])[0] in QUIC_VERSIONS and \
                        (payload[0] & 0x30) in (0x00, 0x10):
                    S["quic"].add(b"\x00" + payload, src, 1600)
        # tls, http: the first bytes of TCP client streams.
        for key, data in client_streams(pkts).items():
            if len(data) > 5 and data[0] == 22 and data[1] == 3 and data[5] == 1:
                S["tls"].add(data, src, 20000)
                hs = tls_handshake(data)
                if hs:
                    S["tls"].add(hs, src + "/hs", 20000)
                    S["quic"].add(b"\x01" + quic_spec(0x00, bytes(range(8)), b"\x01\x02",
                                                    crypto(0, hs)), src + "/hs", 1600)
            elif data.startswith(METHODS):
                S["http"].add(http_head(data), src, 8192)
        # engine: a run of frames (link layer kept for Ethernet, else raw IP).
        seq, total = b"", 0
        for lt, raw, p in fr:
            if lt == 1:
                frame, opt = raw, 0x02
            else:
                ip = ip_layer(p)
                if ip is None:
                    continue
                frame, opt = ip_bytes(ip), 0x03
            if total + len(frame) > 4000:
                break
            if seq and opt != seq[0]:
                continue
            if not seq:
                seq = bytes([opt])
            seq += struct.pack("!H", len(frame)) + frame
            total += len(frame)
        if seq:
            S["engine"].add(seq, src, 16384)
            # Some with tiny tables or long gaps, so eviction and expiry run.
            if len(S["engine"].items) % 4 == 1:
                S["engine"].add(bytes([seq[0] | 0x40]) + seq[1:], src + "/tiny", 16384)
            if len(S["engine"].items) % 6 == 2:
                S["engine"].add(bytes([seq[0] | 0x80]) + seq[1:], src + "/slow", 16384)
        # frag (raw mode): IP fragments in capture order.
        fragseq = b""
        for p in pkts:
            ip = ip_layer(p)
            if ip is None:
                continue
            isfrag = (isinstance(ip, IP) and (ip.flags.MF or ip.frag)) or \
                (isinstance(ip, IPv6) and IPv6ExtHdrFragment in ip)
            if isfrag and len(fragseq) < 12000:
                raw = ip_bytes(ip)
                fragseq += struct.pack("!H", len(raw)) + raw
        if fragseq:
            S["frag"].add(b"\x87" + fragseq, src, 16384)


def names(S):
    text = [b"www.example.com", b"WWW.Example.COM.", b"upd.kaspersky.com",
            b"s07.upd.kaspersky.com.", b"xn--e1afmkfd.xn--p1ai", b"a", b"_dmarc.example.org",
            b"[::1]", b"*.wild.example", b"a..b", b".a", b"a b\\c", b"x" * 63 + b".com",
            b"x" * 64 + b".com", b".".join([b"a" * 62] * 4), b"\x00abc", b"caf\xc3\xa9.fr",
            b"\\046\\255\\000", b"ab\\04", b"ab\\999", b"host.example:8080"]
    for t in text:
        S["name"].add(t, "text")
    wire = [b"\x03www\x07example\x03com", b"\x01a\x01.\x01B", b"\x3e" + b"y" * 63,
            b"\x05a\x00bcd\x03com", b"".join([b"\x3e" + b"z" * 63] * 4)]
    for w in wire:
        S["name"].add(w, "wire")


def tunnels(S):
    inner4 = IP(src="10.1.0.1", dst="10.2.0.2") / UDP(sport=5353, dport=53) / \
        Raw(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03upd\x08kaspersky\x03com\x00"
            b"\x00\x01\x00\x01")
    inner6 = IPv6(src="2001:db8::1", dst="2001:db8::2") / TCP(sport=40000, dport=80, flags="PA") / \
        Raw(b"GET / HTTP/1.1\r\nHost: geo.kaspersky.com\r\n\r\n")
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / inner4
    cases = [
        (0, 0, GRE(proto=0x0800) / inner4),
        (0, 0, GRE(proto=0x86DD, key_present=1, key=77, seqnum_present=1, seqence_number=5) /
         inner6),
        (0, 0, GRE(proto=0x6558, chksum_present=1) / eth),
        (0, 0, GRE(proto=0x883E) / inner4),
        (0, 0, GRE(proto=0x8847) / Raw(b"\x00" * 20)),
        (0, 0, GRE(version=1, proto=0x880B) / Raw(b"\x00" * 12)),
        (1, 0, inner4),
        (2, 0, inner6),
        (3, 0, VXLAN(vni=4242) / eth),
        (4, 0, GENEVE(vni=17, proto=0x6558) / eth),
        (4, 0, GENEVE(vni=17, proto=0x0800, optionlen=2, options=b"\x01\x02\x03\x01ABCD") /
         inner4),
        (4, 0, GENEVE(vni=17, proto=0x86DD) / inner6),
        (5, 47, GRE(proto=0x0800) / inner4),
        (5, 41, inner6),
        (5, 0, VXLAN(vni=1) / eth),
        (5, 17, inner4),
        (0, 0, GRE(proto=0x0800) / IP(src="10.9.9.9", dst="10.8.8.8", proto=47) /
         GRE(proto=0x0800) / inner4),
        (3, 0, VXLAN(vni=5) / Ether() / IP(dst="10.3.3.3") / UDP(sport=1, dport=4789) /
         VXLAN(vni=6) / eth),
    ]
    for sel, arg, pkt in cases:
        S["tunnel"].add(bytes([sel, arg]) + bytes(pkt), "synth")


def reasm_frag(S):
    rnd = random.Random(20240929)
    for i in range(24):
        cap = rnd.choice([64, 600, 4096, 16389, 19999])
        data = struct.pack("!HB", cap - 1, rnd.choice([0, 0, 0x81, 0x90]))
        for k in range(rnd.randint(2, 20)):
            sel = rnd.randint(0, 3) if rnd.random() < 0.2 else rnd.randint(0, 1)
            if k == 0:
                sel = i & 1  # the first selector also picks the base (bits 0-1)
            if sel & 2:
                data += bytes([sel]) + struct.pack("!H", rnd.randint(0, 800))
            else:
                ln = rnd.randint(1, 300)
                data += bytes([sel]) + struct.pack("!HH", 1024 + rnd.randint(-50, cap + 100),
                                                   ln) + bytes(rnd.getrandbits(8)
                                                               for _ in range(ln))
        S["reasm"].add(data, "synth", 16384)
    # frag, structured mode: whole datagrams cut in order, reversed, overlapped, ...
    for i in range(24):
        cfg = rnd.choice([0x07, 0x0F, 0x1F, 0x00, 0x18])
        data = bytes([cfg])
        v6 = i & 1
        ident = (i >> 1) & 3
        total = rnd.choice([16, 1200, 3000, 8000, 65000])
        step = rnd.choice([8, 512, 1480])
        frs = [(o, min(step, total - o)) for o in range(0, total, step)][:24]
        if i % 3 == 1:
            frs.reverse()
        if i % 5 == 2 and len(frs) > 1:
            frs.insert(1, (frs[0][0] + 8, 16))
        for k, (off, ln) in enumerate(frs):
            last = off + ln >= total
            f0 = v6 | ident << 1 | (0 if last else 8) | (rnd.choice([0, 1, 1, 2]) << 6)
            if i % 7 == 3 and k == 1:
                f0 |= 0x10
            f1 = rnd.choice([0, 0, 1, 2, 4, 5])
            data += bytes([f0, f1]) + struct.pack("!HH", off // 8, ln)
        S["frag"].add(data, "synth", 16384)
    # frag, raw mode: scapy's fragmenters.
    udp = IP(src="192.0.2.1", dst="192.0.2.53", id=7) / UDP(sport=3333, dport=53) / \
        Raw(bytes(range(256)) * 8)
    seq = b"".join(struct.pack("!H", len(bytes(f))) + bytes(f) for f in fragment(udp, 400))
    S["frag"].add(b"\x8f" + seq, "synth")
    seq = b"".join(struct.pack("!H", len(bytes(f))) + bytes(f)
                   for f in reversed(fragment(udp, 600)))
    S["frag"].add(b"\x8f" + seq, "synth")
    u6 = IPv6(src="2001:db8::1", dst="2001:db8::53") / IPv6ExtHdrFragment(id=9) / \
        UDP(sport=3333, dport=53) / Raw(bytes(range(256)) * 8)
    seq = b"".join(struct.pack("!H", len(bytes(f))) + bytes(f) for f in fragment6(u6, 600))
    S["frag"].add(b"\x8f" + seq, "synth")


def quic_synth(S, hello):
    dcid, scid = bytes.fromhex("8394c8f03e515708"), b""
    pad = b"\x00" * 40
    if hello:
        half = len(hello) // 2
        # v1 and v2, one packet.
        for flags in (0x00, 0x04, 0x60, 0x08 | 0x20):
            S["quic"].add(b"\x01" + quic_spec(flags, dcid, scid, crypto(0, hello) + pad),
                          "synth")
        # The hello over two coalesced Initials, the second with the first's keys.
        two = quic_spec(0x00, dcid, scid, crypto(0, hello[:half])) + \
            quic_spec(0x80, b"\x01\x02\x03\x04", b"\x05", crypto(half, hello[half:]) + pad)
        S["quic"].add(b"\x01" + two, "synth")
        # PING, ACK and out-of-order CRYPTO, then a Handshake packet.
        frames = b"\x01" + b"\x02\x05\x00\x01\x00" + crypto(half, hello[half:]) + \
            crypto(0, hello[:half])
        S["quic"].add(b"\x01" + quic_spec(0x00, dcid, scid, frames) +
                      quic_spec(0x02, dcid, scid, b"\x00" * 30), "synth")
        # A token, a 20-byte DCID, a 0-RTT packet first.
        S["quic"].add(b"\x01" + quic_spec(0x01, dcid, scid, b"\x00" * 30) +
                      quic_spec(0x00, bytes(20), b"\x09" * 20, crypto(0, hello),
                                token=b"tok" * 10), "synth")
    # Frames that end the walk: CONNECTION_CLOSE, a STREAM frame (not allowed in Initial).
    S["quic"].add(b"\x01" + quic_spec(0x00, dcid, scid, crypto(0, b"\x01\x00\x00\x10" +
                                                              bytes(16)) +
                                      b"\x1c\x00\x00\x00" + pad), "synth")
    S["quic"].add(b"\x01" + quic_spec(0x00, dcid, scid, b"\x08\x00\x01A" + pad), "synth")


def lists(S):
    files = sorted(glob.glob(os.path.join(REPO, "blocklists", "*.list*"))) + \
        sorted(glob.glob(os.path.join(REPO, "tests", "unit", "data", "*.list"))) + \
        [os.path.join(REPO, "tests", "pcap", "test.list")]
    for path in files:
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        # Large lists in chunks of whole lines, each with the directives before it.
        chunk, head = b"", b""
        for line in data.splitlines(keepends=True):
            if line.startswith(b"@") and not line.startswith(b"@@"):
                head += line
            chunk += line
            if len(chunk) > 3000:
                S["blocklist"].add(chunk, path, 4096)
                chunk = head[-400:]
        S["blocklist"].add(chunk, path, 4096)
    # The other formats blocklist_load() detects: hosts, Adblock, RPZ, CIDR, gzip.
    others = [
        b"# hosts\n127.0.0.1 localhost\n0.0.0.0 upd.kaspersky.com geo.kaspersky.com\n"
        b"::1 ip6-localhost\n0.0.0.0\tads.example # tab\n192.0.2.1 real.example\n",
        b"! Title: adblock\n||kaspersky.com^\n@@||opentip.kaspersky.com^\n"
        b"||ads.example^$third-party\nexample.org##.banner\n/banner/*\n||x.example^|\n",
        b"$TTL 300\n@ SOA localhost. root.localhost. 1 3600 600 86400 300\n  NS localhost.\n"
        b"kaspersky.com CNAME .\n*.kaspersky.com CNAME .\nok.example CNAME rpz-passthru.\n"
        b"32.1.0.0.127.rpz-ip CNAME .\ndrop.example CNAME rpz-drop.\n"
        b"tcp.example CNAME rpz-tcp-only.\nlocal.example A 192.0.2.1\n",
        b"# cidr\n77.74.176.0/21\n2a03:2480::/32 ; comment\n192.0.2.7\n",
    ]
    for data in others:
        S["blocklist"].add(data, "formats")
    S["blocklist"].add(gzip.compress(b"upd.kaspersky.com\n=a.example\n", mtime=0), "formats")
    S["blocklist"].add(b"\xef\xbb\xbfexample.com\r\n=a.example\r\n*.b.example\r\n"
                       b"@@c.b.example\r\n192.0.2.0/24\r\n@@192.0.2.7\r\n2001:db8::/32\r\n"
                       b"@enforce 2024-09-29T00:00:00.5+02:00\n@action reject\nd.example.",
                       "synth")


def confs(S):
    full = (b"# embargo.conf\n[embargo]\nqueue = 0-3\nblocklist = lists/\n"
            b"blocklist = /usr/share/embargo\nlog = /var/log/embargo.jsonl\nfail_open = yes\n"
            b"report_all = no\nqueue_maxlen = 4096\nrcvbuf = 8M\nmax_flows = 65536\n"
            b"flow_timeout = 2m\nbatch = 32\nstats_interval = 1h\n"
            b"as_of = 2024-09-29T04:00:00Z\ndefault_action = reject\n"
            b"default_enforce = 2024-09-29T00:00:00-04:00\ndefault_category = other\n"
            b"[mark]\nmask = 0x0f000000\naccept = 0x01000000\nlog = 0x02000000\n"
            b"drop = 0x03000000\nreject = 0x04000000\n")
    S["conf"].add(full, "synth")
    lines = [b"queue = 7", b"queue=65535", b"queue = 10-73", b"  fail_open = no  # c",
             b"rcvbuf = 0", b"rcvbuf = 1G", b"flow_timeout = 86400s", b"stats_interval = 0",
             b"as_of = none", b"default_enforce = never", b"default_enforce = always",
             b"[run]\nbatch = 1", b"[mark]\ndrop = 0x3000000", b"mark_mask = 0xffffffff",
             b"log = -", b"unknown = 1", b"queue = 3-1", b"max_flows = 15",
             b"[bogus\nqueue = 1", b"as_of = 2024-02-30T00:00:00Z", b"rcvbuf = 2K\r\n"]
    for line in lines:
        S["conf"].add(line + b"\n", "synth")
    # One line per key of conf.c's key table, with a value of its type.
    samples = {"K_QUEUE": "0-3", "K_BLOCKLIST": "lists/extra.list", "K_LOG": "-",
               "K_BOOL": "yes", "K_U32": "64", "K_U64": "4096", "K_SIZE": "8M",
               "K_DURATION": "2m", "K_MARK": "0x01000000", "K_AS_OF": "2024-09-29T04:00:00Z",
               "K_ACTION": "reject", "K_ENFORCE": "always", "K_CATEGORY": "other",
               "K_USER": "nobody", "K_SECCOMP": "log", "K_VERDICT": "drop",
               "K_SANITY": "2025-01-01T00:00:00Z", "K_CLOCK": "log"}
    try:
        with open(os.path.join(REPO, "src", "conf.c")) as f:
            keys = re.findall(r'\{ "([a-z_]+)", (K_[A-Z0-9_]+)', f.read())
    except OSError:
        keys = []
    every = b""
    for key, kind in keys:
        line = f"{key} = {samples.get(kind, '1')}\n".encode()
        S["conf"].add(line, "keys")
        every += line
    S["conf"].add(every, "synth")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pcaps", action="append",
                    help="a directory of captures (default: ../shared/corpus/pcap and "
                         "tests/pcap)")
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fuzz", "corpus"))
    args = ap.parse_args()
    dirs = args.pcaps or [os.path.join(REPO, "..", "shared", "corpus", "pcap"),
                          os.path.join(REPO, "tests", "pcap")]
    paths = []
    for d in dirs:
        paths += sorted(p for p in glob.glob(os.path.join(d, "*.pcap*"))
                        if not p.endswith(".expected"))
    S = {
        "packet": Seeds(args.out, "packet", 160, 4),
        "dns": Seeds(args.out, "dns", 120, 6),
        "tls": Seeds(args.out, "tls", 80, 4),
        "quic": Seeds(args.out, "quic", 100, 3),
        "http": Seeds(args.out, "http", 60, 4),
        "name": Seeds(args.out, "name", 60, 40),
        "tunnel": Seeds(args.out, "tunnel", 40, 40),
        "reasm": Seeds(args.out, "reasm", 30, 30),
        "frag": Seeds(args.out, "frag", 60, 40),
        "engine": Seeds(args.out, "engine", 70, 1),
        "blocklist": Seeds(args.out, "blocklist", 80, 6),
        "conf": Seeds(args.out, "conf", 80, 60),
    }
    from_captures(paths, S)
    hello = None
    for _, data in S["tls"].items:
        if data[0] == 1 and len(data) < 1200:
            hello = data
            break
    names(S)
    tunnels(S)
    reasm_frag(S)
    quic_synth(S, hello)
    lists(S)
    confs(S)
    for name, s in sorted(S.items()):
        new = s.write()
        print(f"{name}: {len(s.items)} seeds, {new} new")
    return 0


if __name__ == "__main__":
    sys.exit(main())
