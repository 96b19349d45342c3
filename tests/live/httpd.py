#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""httpd.py - the live tests' web server: plain HTTP and HTTPS, IPv4 and IPv6.

  httpd.py --cert CERT --key KEY [--http PORT] [--https PORT]

Answers every request with "ok <Host header>" (HTTP/1.1, keep-alive), so a
client can tell which name it reached.  Runs until killed.
"""
import argparse
import http.server
import socket
import ssl
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10            # a client that goes silent frees its thread

    def do_GET(self):
        body = ("ok %s\n" % self.headers.get("Host", "")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


class DualStack(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


class TLSDualStack(DualStack):
    """The TLS handshake runs in the request's thread, not in accept():
    a client whose ClientHello never arrives (dropped or reset by the
    gateway) must not stall every other connection."""

    ctx = None

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ctx.wrap_socket(sock, server_side=True,
                                    do_handshake_on_connect=False), addr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--http", type=int, default=80)
    ap.add_argument("--https", type=int, default=443)
    a = ap.parse_args()
    plain = DualStack(("::", a.http), Handler)
    tls = TLSDualStack(("::", a.https), Handler)
    tls.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.ctx.load_cert_chain(a.cert, a.key)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    tls.serve_forever()


if __name__ == "__main__":
    main()
