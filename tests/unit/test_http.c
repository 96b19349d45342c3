// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_http.c - HTTP/1.x request line and Host parsing (src/parse_http.c).
 *
 * Every buffer handed to the parser is a fresh heap copy of exactly the
 * bytes under test, so AddressSanitizer reports any read past @len.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_http.h"
#include "util.h"
#include "../tap.h"

struct res {
	enum parse_rc rc;
	char host[300];
	char method[32];
	unsigned port;
	bool is_connect;
};

static struct res run(const void *p, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct http_request r;
	struct res o;

	memset(&o, 0, sizeof(o));
	if (n)
		memcpy(copy, p, n);
	o.rc = http_parse_request(copy, n, &r);
	if (r.host.len < sizeof(o.host) && r.host.len)
		memcpy(o.host, r.host.p, r.host.len);
	if (r.method.len < sizeof(o.method) && r.method.len)
		memcpy(o.method, r.method.p, r.method.len);
	o.port = r.port;
	o.is_connect = r.is_connect;
	free(copy);
	return o;
}

struct row {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	enum parse_rc rc;
	const char *host;
	unsigned port;
	const char *done_after;	/* OK from the end of this substring on */
};

#define R(in_, host_, port_, after_) { in_, 0, PARSE_OK, host_, port_, after_ }
#define B(in_, rc_) { in_, 0, rc_, NULL, 0, NULL }
#define BL(in_, rc_) { in_, sizeof(in_) - 1, rc_, NULL, 0, NULL }

static const struct row ok_rows[] = {
	R("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", "example.com", 0, "example.com\r\n"),
	R("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", "example.com", 8080, "8080\r\n"),
	R("GET / HTTP/1.1\r\nHOST: Example.COM\r\n\r\n", "Example.COM", 0, "COM\r\n"),
	R("GET / HTTP/1.1\r\nhOsT: a.b\r\n\r\n", "a.b", 0, "a.b\r\n"),
	R("GET / HTTP/1.1\r\nHost:x\r\n\r\n", "x", 0, "x\r\n"),
	R("GET / HTTP/1.1\r\nHost: \t a.com \t \r\n\r\n", "a.com", 0, "\t \r\n"),
	R("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "[::1]", 8080, "8080\r\n"),
	R("GET / HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n", "[2001:db8::1]", 0, "1]\r\n"),
	R("GET / HTTP/1.1\r\nHost: [::ffff:192.0.2.1]:1\r\n\r\n", "[::ffff:192.0.2.1]", 1,
	  "]:1\r\n"),
	R("GET / HTTP/1.1\r\nHost: 192.168.1.21\r\n\r\n", "192.168.1.21", 0, "21\r\n"),
	R("GET / HTTP/1.1\r\nHost: a.com:\r\n\r\n", "a.com", 0, "com:\r\n"),
	R("GET / HTTP/1.1\r\nHost: a.com:0\r\n\r\n", "a.com", 0, ":0\r\n"),
	R("GET / HTTP/1.1\r\nHost: a.com:65535\r\n\r\n", "a.com", 65535, "35\r\n"),
	R("GET / HTTP/1.1\r\nHost: a.com:00080\r\n\r\n", "a.com", 80, "80\r\n"),
	R("GET / HTTP/1.1\nHost: lf.only\n\n", "lf.only", 0, "only\n"),
	R("GET /x?y=1 HTTP/1.0\r\nUser-Agent: t\r\nAccept: */*\r\nHost: late.example\r\n\r\n",
	  "late.example", 0, "example\r\n"),
	R("GET / HTTP/1.1\r\nHost: www.love.xn--55qx5d\r\n\r\n", "www.love.xn--55qx5d", 0,
	  "5d\r\n"),
	R("GET / HTTP/1.1\r\nHost: under_score.example\r\n\r\n", "under_score.example", 0,
	  "example\r\n"),
	R("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n", "", 0, "*/*\r\n\r\n"),
	R("GET / HTTP/1.1\r\nHost:\r\n\r\n", "", 0, "Host:\r\n"),
	R("GET / HTTP/1.1\r\nHost: a.b\r\nHost: A.B\r\n\r\n", "a.b", 0, "a.b\r\n"),
	R("OPTIONS * HTTP/1.1\r\nHost: star.example\r\n\r\n", "star.example", 0, "example\r\n"),
	R("PROPFIND /dav HTTP/1.1\r\nHost: dav.example\r\n\r\n", "dav.example", 0, "example\r\n"),
	/* Absolute-form (RFC 9112 §3.2.2) */
	R("GET http://a.b:8080/p HTTP/1.1\r\n\r\n", "a.b", 8080, "1.1\r\n\r\n"),
	R("GET HTTP://A.B/ HTTP/1.1\r\nHost: a.b\r\n\r\n", "a.b", 0, "a.b\r\n"),
	R("GET http://a.b/ HTTP/1.1\r\nHost: a.b:81\r\n\r\n", "a.b", 81, "81\r\n"),
	R("GET http://user:pw@a.b/ HTTP/1.1\r\n\r\n", "a.b", 0, "1.1\r\n\r\n"),
	R("GET http://a.com@b.com/ HTTP/1.1\r\n\r\n", "b.com", 0, "1.1\r\n\r\n"),
	R("GET http://q.example?x HTTP/1.1\r\n\r\n", "q.example", 0, "1.1\r\n\r\n"),
	R("GET https://[::1]:443/ HTTP/1.1\r\nHost:\r\n\r\n", "[::1]", 443, "Host:\r\n"),
	R("GET ftp://f.example/x HTTP/1.0\r\n\r\n", "f.example", 0, "1.0\r\n\r\n"),
	R("GET file:///etc/x HTTP/1.0\r\n\r\n", "", 0, "1.0\r\n\r\n"),
	/* CONNECT (RFC 9112 §3.2.3): the request line decides. */
	R("CONNECT a.b:443 HTTP/1.1\r\nHost: a.b:443\r\n\r\n", "a.b", 443, "1.1\r\n"),
	R("CONNECT upd.kaspersky.com:443 HTTP/1.1\r\nHost: other.example\r\n\r\n",
	  "upd.kaspersky.com", 443, "1.1\r\n"),
	R("CONNECT [2001:db8::2]:8443 HTTP/1.0\n\n", "[2001:db8::2]", 8443, "1.0\n"),
	R("CONNECT a.b HTTP/1.1\r\n\r\n", "a.b", 0, "1.1\r\n"),
	/* Only the first request's head counts. */
	R("GET / HTTP/1.1\r\nHost: first\r\n\r\nGET / HTTP/1.1\r\nHost: second\r\n\r\n", "first",
	  0, "first\r\n"),
	R("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\nHost: second\r\n\r\n", "", 0, "1.0\r\n\r\n"),
	R("POST /u HTTP/1.1\r\nHost: p.example\r\nContent-Length: 12\r\n\r\nHost: body.x\r\n",
	  "p.example", 0, "example\r\n"),
	R("GET / HTTP/1.1\r\nX-Junk: \x01\x7f\xff\r\nHost: j.example\r\n\r\n", "j.example", 0,
	  "example\r\n"),
};

/* Every prefix before done_after ends is NEED_MORE; from there on OK. */
static void test_ok_rows(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(ok_rows); i++) {
		const struct row *t = &ok_rows[i];
		size_t n = strlen(t->in), from, bad = 0, first_bad = 0;
		const char *at = strstr(t->in, t->done_after);
		struct res r = run(t->in, n);

		is_int(PARSE_OK, r.rc, "#%zu OK", i);
		is_str(t->host, r.host, "#%zu host", i);
		is_int(t->port, r.port, "#%zu port", i);
		is_int(strncmp(t->in, "CONNECT", 7) == 0, r.is_connect, "#%zu is_connect", i);
		if (!at) {
			ok(0, "#%zu: bad test row", i);
			continue;
		}
		from = (size_t)(at - t->in) + strlen(t->done_after);
		for (size_t k = 0; k <= n; k++) {
			bool good;

			r = run(t->in, k);
			if (k < from)
				good = r.rc == PARSE_NEED_MORE;
			else
				good = r.rc == PARSE_OK && !strcmp(r.host, t->host) &&
				       r.port == t->port;
			if (!good && !bad++)
				first_bad = k;
		}
		if (!ok(bad == 0, "#%zu split at every byte: NEED_MORE below %zu, OK from there", i,
			from))
			diag("  %zu bad cuts, first at %zu: %s", bad, first_bad,
			     parse_rc_str(run(t->in, first_bad).rc));
	}
}

static const struct row bad_rows[] = {
	B("GET  / HTTP/1.1\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1 \r\n", PARSE_MALFORMED),
	B("GET / HTTP/2.0\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.2\r\n", PARSE_MALFORMED),
	B("GET / http/1.1\r\n", PARSE_MALFORMED),
	B("GET /\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\rX", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\r\n", PARSE_MALFORMED),
	B("GET /\x01 HTTP/1.1\r\n", PARSE_MALFORMED),
	B("GET /\t HTTP/1.1\r\n", PARSE_MALFORMED),
	B("GET /\x7f HTTP/1.1\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHosta\r\n\r\n", PARSE_MALFORMED),
	B("GET example.com HTTP/1.1\r\n", PARSE_MALFORMED),
	B("GET example.com:80/x HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("GET 1http://a.b/ HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\n Host: a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nX: y\r\n\tz\r\nHost: a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost : a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\n: a\r\n\r\n", PARSE_MALFORMED),
	BL("GET / HTTP/1.1\r\nX-A: \0\r\nHost: a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nX-A: b\rc\r\nHost: a\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.b\r\nHost: c.d\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.b\r\nhost: a.b:80\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost:\r\nHost: a.b\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.com:65536\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.com:99999999999\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.com:8o\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.com:-1\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a.com:80:80\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: ::1\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: []\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: user@host\r\n\r\n", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: :80\r\n\r\n", PARSE_MALFORMED),
	B("GET http://a.b/ HTTP/1.1\r\nHost: c.d\r\n\r\n", PARSE_MALFORMED),
	B("GET http://a.b:99999/ HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("GET http://a b/ HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("CONNECT / HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("CONNECT http://a.b/ HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("CONNECT a.b:65536 HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	B("CONNECT :443 HTTP/1.1\r\n\r\n", PARSE_MALFORMED),
	/* Faults visible before the request could be complete. */
	B("GET /\x01", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\n Ho", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nX y", PARSE_MALFORMED),
	B("GET / HTTP/1.1\r\nHost: a\rb", PARSE_MALFORMED),
	B("GET / HTTP/3", PARSE_MALFORMED),
	/* Not HTTP at all. */
	B("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", PARSE_NOT_MINE),
	B("SSH-2.0-OpenSSH_9.2p1\r\n", PARSE_NOT_MINE),
	B("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", PARSE_NOT_MINE),
	B("get / HTTP/1.1\r\nHost: a\r\n\r\n", PARSE_NOT_MINE),
	B("GETX / HTTP/1.1\r\n", PARSE_NOT_MINE),
	B(" GET / HTTP/1.1\r\n", PARSE_NOT_MINE),
	B("GET\t/ HTTP/1.1\r\n", PARSE_NOT_MINE),
	B("EHLO mail.example\r\n", PARSE_NOT_MINE),
	B("HTTP/1.1 200 OK\r\n", PARSE_NOT_MINE),
	B("M-SEARCH * HTTP/1.1\r\n", PARSE_NOT_MINE),
	B("VERSION-CONTROLLERS / HTTP/1.1\r\n", PARSE_NOT_MINE),
	B("ABCDEFGHIJKLMNOPQRSTU", PARSE_NOT_MINE),
	BL("\x00\x1c\x12\x34\x01\x00", PARSE_NOT_MINE),
	B("CONNECTED", PARSE_NOT_MINE),
	/* A prefix of a method is a valid prefix. */
	B("", PARSE_NEED_MORE),
	B("G", PARSE_NEED_MORE),
	B("GE", PARSE_NEED_MORE),
	B("GET", PARSE_NEED_MORE),
	B("CONNEC", PARSE_NEED_MORE),
	B("VERSION-CONTROL", PARSE_NEED_MORE),
	B("GET ", PARSE_NEED_MORE),
	B("GET / HTTP/1.", PARSE_NEED_MORE),
	B("GET / HTTP/1.1\r", PARSE_NEED_MORE),
	B("GET / HTTP/1.1\r\nHost: a.example", PARSE_NEED_MORE),
	B("GET / HTTP/1.1\r\nHost: a.example\r", PARSE_NEED_MORE),
	B("CONNECT a.b:443 HTTP/1.1", PARSE_NEED_MORE),
};

static void test_bad_rows(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_rows); i++) {
		const struct row *t = &bad_rows[i];
		size_t n = t->len ? t->len : strlen(t->in);
		struct res r = run(t->in, n);

		is_int(t->rc, r.rc, "bad #%zu: %s", i, parse_rc_str(t->rc));
		is_str("", r.host, "bad #%zu: no host reported", i);
	}
}

/* HTTP_MAX_HEAD: a head that has not ended within it is malformed. */
static void test_max_head(void)
{
	static const char line[] = "GET / HTTP/1.1\r\nX-Fill: ";
	static char buf[HTTP_MAX_HEAD + 64];
	size_t fill;
	struct res r;

	/* exactly HTTP_MAX_HEAD bytes, blank line included */
	fill = HTTP_MAX_HEAD - strlen(line) - 4;
	memcpy(buf, line, strlen(line));
	memset(buf + strlen(line), 'x', fill);
	memcpy(buf + strlen(line) + fill, "\r\n\r\n", 4);
	r = run(buf, HTTP_MAX_HEAD);
	is_int(PARSE_OK, r.rc, "head of exactly %d bytes: OK", HTTP_MAX_HEAD);
	is_int(PARSE_NEED_MORE, run(buf, HTTP_MAX_HEAD - 1).rc, "head one byte short: NEED_MORE");

	/* one byte over */
	memset(buf + strlen(line), 'x', fill + 1);
	memcpy(buf + strlen(line) + fill + 1, "\r\n\r\n", 4);
	is_int(PARSE_MALFORMED, run(buf, HTTP_MAX_HEAD + 1).rc, "head of %d bytes: MALFORMED",
	       HTTP_MAX_HEAD + 1);
	is_int(PARSE_MALFORMED, run(buf, HTTP_MAX_HEAD).rc,
	       "%d bytes without the end of the head: MALFORMED", HTTP_MAX_HEAD);
	is_int(PARSE_NEED_MORE, run(buf, HTTP_MAX_HEAD - 1).rc,
	       "%d bytes without the end of the head: NEED_MORE", HTTP_MAX_HEAD - 1);

	/* the Host line early, the head endless: the Host decides */
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: early.example\r\nX-Fill: ");
	memset(buf + strlen(buf), 'y', HTTP_MAX_HEAD);
	r = run(buf, HTTP_MAX_HEAD + 32);
	is_int(PARSE_OK, r.rc, "Host before an endless head: OK");
	is_str("early.example", r.host, "Host before an endless head: host");

	/* a request line longer than the limit */
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'z', HTTP_MAX_HEAD + 10);
	is_int(PARSE_MALFORMED, run(buf, HTTP_MAX_HEAD + 10).rc, "endless request line: MALFORMED");
	is_int(PARSE_NEED_MORE, run(buf, HTTP_MAX_HEAD - 1).rc,
	       "long request line under the limit: NEED_MORE");
}

/* Every known method, and the views the parser returns. */
static void test_methods(void)
{
	static const char *const m[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
		"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
	};
	char buf[128];

	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		struct res r;

		snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: m.example:443\r\n\r\n", m[i],
			 strcmp(m[i], "CONNECT") ? "/" : "m.example:443");
		r = run(buf, strlen(buf));
		ok(r.rc == PARSE_OK && !strcmp(r.method, m[i]) && !strcmp(r.host, "m.example") &&
			   r.port == 443,
		   "method %s", m[i]);
		ok(http_sniff((const uint8_t *)buf, strlen(buf)), "http_sniff %s", m[i]);
		ok(!http_sniff((const uint8_t *)buf, strlen(m[i])), "http_sniff %s, no SP", m[i]);
	}
	ok(!http_sniff((const uint8_t *)"get / HTTP/1.1", 14), "http_sniff lowercase");
	ok(!http_sniff((const uint8_t *)"\x16\x03\x01", 3), "http_sniff TLS");
	ok(!http_sniff(NULL, 0), "http_sniff NULL");
}

/* Views point into the caller's buffer, nowhere else. */
static void test_views(void)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: view.example:1\r\n\r\n";
	struct http_request r;
	const uint8_t *p = (const uint8_t *)req;

	is_int(PARSE_OK, http_parse_request(p, sizeof(req) - 1, &r), "views: OK");
	ok(r.host.p == p + 22 && r.host.len == 12, "views: host inside the buffer");
	ok(r.method.p == p && r.method.len == 3, "views: method inside the buffer");
	is_int(PARSE_MALFORMED, http_parse_request((const uint8_t *)"GET / HTTP/1.1\r\n ", 17, &r),
	       "views: malformed");
	ok(r.host.len == 0 && r.method.len == 0 && r.port == 0, "views: zeroed on failure");
}

int main(void)
{
	test_ok_rows();
	test_bad_rows();
	test_max_head();
	test_methods();
	test_views();
	return done_testing();
}
