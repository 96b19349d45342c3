#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""keepalive.py - one long-lived HTTP/1.1 connection across an instant.

  keepalive.py ADDR HOST --at EPOCH --for SECONDS [--every S]

Opens one TCP connection to ADDR:80 and sends "GET /" with Host: HOST every
S seconds (default 0.5) for SECONDS, on the same connection.  Prints
"ok_before A fail_before B ok_after C fail_after D": requests answered or
not, before and after the Unix time EPOCH.  Once the connection fails,
every later request counts as failed.
"""
import argparse
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("host")
    ap.add_argument("--at", type=float, required=True)
    ap.add_argument("--for", dest="duration", type=float, required=True)
    ap.add_argument("--every", type=float, default=0.5)
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    res = {"ok_before": 0, "fail_before": 0, "ok_after": 0, "fail_after": 0}
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(1.0)
    alive = True
    try:
        s.connect((a.addr, 80))
    except OSError:
        alive = False
    end = time.time() + a.duration
    req = ("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % a.host).encode()
    while time.time() < end:
        when = "before" if time.time() < a.at else "after"
        ok = False
        if alive:
            try:
                s.sendall(req)
                data = b""
                while b"\nok " not in data or not data.endswith(b"\n"):
                    chunk = s.recv(4096)
                    if not chunk:
                        raise OSError("closed")
                    data += chunk
                ok = True
            except OSError:
                alive = False
        res[("ok_" if ok else "fail_") + when] += 1
        time.sleep(a.every)
    print(" ".join("%s %d" % (k, v) for k, v in res.items()))


if __name__ == "__main__":
    main()
