#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Corpus test: replay every capture of ../shared/corpus/pcap with --all and
compare the names embargo reports with tshark's (the NAME.expected files).

kinds: dns (DNS query names), sni (TLS and QUIC ClientHello), http (Host).
Names are compared as raw bytes: tshark writes odd bytes as \\ooo (octal),
embargo as \\DDD (decimal, RFC 1035 presentation format).

Known gaps live in tests/corpus/gaps.txt, one per line:
    FILE<TAB>KIND<TAB>NAME<TAB>reason
A listed gap that embargo now finds is a failure too (remove the line), so
the list can only shrink.

TAP on stdout; one test per capture.  Environment: EMBARGO = the binary.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.environ.get("EMBARGO_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "pcap"))
GAPS = os.path.join(ROOT, "tests", "corpus", "gaps.txt")
KIND = {"dns": "dns", "tls": "sni", "quic": "sni", "http": "http"}
# Captures whose file ends in the middle of a record (corpus/README.md).
TRUNCATED = {"ndpi__fuzz-2021-10-13.pcap"}


def unescape(s, base):
    """Decode \\NNN escapes (octal for tshark, decimal for embargo) to bytes."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 3 < len(s) + 0 and re.fullmatch(r"\d{3}", s[i + 1:i + 4]):
            out.append(int(s[i + 1:i + 4], base) & 0xFF)
            i += 4
        elif s[i] == "\\" and i + 1 < len(s):
            out += s[i + 1].encode("latin-1")
            i += 2
        else:
            out += s[i].encode("latin-1")
            i += 1
    return bytes(out)


def load_gaps():
    gaps = {}
    if not os.path.exists(GAPS):
        return gaps
    for n, line in enumerate(open(GAPS, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not parts[3].strip():
            print(f"Bail out! {GAPS}:{n}: want FILE<TAB>KIND<TAB>NAME<TAB>reason")
            sys.exit(1)
        gaps.setdefault(parts[0], set()).add((parts[1], unescape(parts[2], 8)))
    return gaps


def main():
    exe = os.environ.get("EMBARGO")
    if not exe:
        print("1..0 # SKIP EMBARGO not set")
        return 0
    if not os.path.isdir(CORPUS):
        print(f"1..0 # SKIP corpus not found at {CORPUS} (a user's clone has none)")
        return 0
    gaps = load_gaps()
    files = sorted(f for f in os.listdir(CORPUS) if not f.endswith(".expected"))
    empty_list = os.path.join(ROOT, "tests", "corpus", "empty.list")
    failed = 0
    for i, f in enumerate(files, 1):
        path = os.path.join(CORPUS, f)
        want = set()
        for line in open(path + ".expected", encoding="latin-1"):
            line = line.rstrip("\n")
            if line:
                k, name = line.split("\t", 1)
                want.add((k, unescape(name, 8)))
        p = subprocess.run([exe, "replay", "--json", "--all", "--blocklist", empty_list, path],
                           capture_output=True, text=True, encoding="latin-1")
        got = set()
        bad = []
        # A capture cut short is an error (exit 2) after everything before
        # the cut was reported: the names must still be there.
        cut = p.returncode == 2 and "truncated" in p.stderr and f in TRUNCATED
        if p.returncode not in (0, 1) and not cut:
            bad.append(f"exit status {p.returncode}: {p.stderr.strip()}")
        for line in p.stdout.splitlines():
            ev = json.loads(line)
            if "name" in ev:
                got.add((KIND[ev["app_proto"]], unescape(ev["name"], 10)))
        gap = gaps.get(f, set())
        missing = want - got - gap
        extra = got - want
        closed = gap & got
        stale = gap - want
        for k, n in sorted(missing):
            bad.append(f"missing {k} {n!r}")
        for k, n in sorted(extra):
            bad.append(f"extra {k} {n!r}")
        for k, n in sorted(closed):
            bad.append(f"gap now found, remove it from gaps.txt: {k} {n!r}")
        for k, n in sorted(stale):
            bad.append(f"gap not in .expected: {k} {n!r}")
        note = f" ({len(gap)} known gap{'s' if len(gap) != 1 else ''})" if gap else ""
        if bad:
            failed += 1
            print(f"not ok {i} - {f}{note}")
            for b in bad:
                print(f"#   {b}")
        else:
            print(f"ok {i} - {f}: {len(want)} names{note}")
    print(f"1..{len(files)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
