// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_http.c - the host an HTTP/1.x request is for: the request line
 * (RFC 9112 §3), the Host header field (RFC 9110 §7.2), the authority of
 * an absolute-form target (RFC 9112 §3.2.2) and the authority-form of
 * CONNECT (RFC 9112 §3.2.3).
 *
 *   GET /index.html HTTP/1.1\r\n        request-line
 *   User-Agent: x\r\n                   field lines, any order
 *   Host: example.com:8080\r\n          -> host "example.com", port 8080
 *   \r\n                                end of the head
 *
 * The caller feeds the client's first bytes again as segments arrive, so a
 * request cut anywhere is PARSE_NEED_MORE until the Host line (or the end
 * of the head) is complete.  Anything a server must reject, or could read
 * differently from us, is PARSE_MALFORMED: obsolete line folding, a NUL or
 * bare CR, whitespace before the colon, two different Host values, or a
 * Host that disagrees with the absolute-form target.  Everything after the
 * first head (pipelined requests, the body) is ignored.
 */
#include <string.h>

#include "cursor.h"
#include "parse_http.h"
#include "util.h"

#define HTTP_METHOD_MAX 20

/* RFC 9110 §9 plus the registered WebDAV and versioning methods. */
static const char *const http_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
	"REPORT", "MKCALENDAR", "MKACTIVITY", "MKWORKSPACE", "CHECKOUT", "CHECKIN",
	"UNCHECKOUT", "MERGE", "LABEL", "UPDATE", "VERSION-CONTROL", "BASELINE-CONTROL",
	"ORDERPATCH", "ACL", "BIND", "UNBIND", "REBIND", "LINK", "UNLINK", "PURGE",
};

/* A line of the head, without its CRLF or LF. */
struct http_line {
	struct bytes text;
	bool complete;		/* its LF was seen */
};

/*
 * http_method - match the method token and its SP.  PARSE_NEED_MORE while
 * the bytes present are a prefix of some known method, PARSE_NOT_MINE as
 * soon as they cannot be.
 */
static enum parse_rc http_method(struct cur *c, struct bytes *m)
{
	const uint8_t *v = cur_ptr(c);
	size_t n = cur_left(c), i, k;

	for (i = 0; i < n && i <= HTTP_METHOD_MAX && v[i] != ' '; i++)
		;
	if (i > HTTP_METHOD_MAX || i == 0)
		return i == 0 && n == 0 ? PARSE_NEED_MORE : PARSE_NOT_MINE;
	for (k = 0; k < ARRAY_SIZE(http_methods); k++) {
		size_t ml = strlen(http_methods[k]);

		if (i == n && ml >= i && memcmp(http_methods[k], v, i) == 0)
			return PARSE_NEED_MORE;
		if (i < n && ml == i && memcmp(http_methods[k], v, i) == 0) {
			m->p = cur_bytes(c, i);
			m->len = i;
			cur_skip(c, 1);
			return PARSE_OK;
		}
	}
	return PARSE_NOT_MINE;
}

/*
 * http_next_line - split off the next line.  CRLF and bare LF both end a
 * line (RFC 9112 §2.2); a CR not followed by LF and a NUL are malformed
 * (RFC 9110 §5.5).  A line with no LF yet is returned incomplete, with a
 * trailing CR dropped.
 */
static enum parse_rc http_next_line(struct cur *c, struct http_line *l)
{
	const uint8_t *v = cur_ptr(c);
	size_t n = cur_left(c), i;

	for (i = 0; i < n && v[i] != '\n'; i++) {
		if (v[i] == '\0')
			return PARSE_MALFORMED;
		if (v[i] == '\r' && i + 1 < n && v[i + 1] != '\n')
			return PARSE_MALFORMED;
	}
	l->complete = i < n;
	l->text.p = v;
	l->text.len = i;
	if (i > 0 && v[i - 1] == '\r')
		l->text.len--;
	cur_skip(c, l->complete ? i + 1 : i);
	return PARSE_OK;
}

static bool http_is_tchar(uint8_t ch)
{
	return ch_is_alnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/*
 * uri-host as a reg-name or IPv4address (RFC 3986 §3.2.2): unreserved,
 * pct-encoded and sub-delims.  Bytes >= 0x80 are let through for name.h to
 * escape: some clients send raw UTF-8 and servers accept it.
 */
static bool http_is_host_char(uint8_t ch)
{
	return ch_is_alnum(ch) || ch >= 0x80 || (ch && strchr("-._~%!$&'()*+,;=", ch));
}

/*
 * http_authority - uri-host [ ":" port ] (RFC 3986 §3.2.2, §3.2.3).  An
 * IP-literal keeps its brackets.  The port is decimal and at most 65535;
 * an empty port ("host:") is allowed by RFC 3986 and reads as absent.
 */
static enum parse_rc http_authority(struct bytes a, struct bytes *host, uint16_t *port)
{
	struct cur c = cur_init(a.p, a.len);
	uint32_t v = 0;
	size_t n = 0;

	if (cur_left(&c) > 0 && cur_ptr(&c)[0] == '[') {
		const uint8_t *q = cur_ptr(&c);

		for (n = 1; n < cur_left(&c) && q[n] != ']'; n++)
			if (!ch_is_xdigit(q[n]) && q[n] != ':' && q[n] != '.')
				return PARSE_MALFORMED;
		if (n == cur_left(&c) || n < 3)
			return PARSE_MALFORMED;
		n++;
	} else {
		while (n < cur_left(&c) && cur_ptr(&c)[n] != ':') {
			if (!http_is_host_char(cur_ptr(&c)[n]))
				return PARSE_MALFORMED;
			n++;
		}
	}
	if (n == 0)
		return PARSE_MALFORMED;
	host->len = n;
	host->p = cur_bytes(&c, n);
	*port = 0;
	if (cur_left(&c) == 0)
		return PARSE_OK;
	if (cur_u8(&c) != ':')
		return PARSE_MALFORMED;
	while (cur_left(&c) > 0) {
		uint8_t d = cur_u8(&c);

		if (!ch_is_digit(d))
			return PARSE_MALFORMED;
		v = v * 10 + (uint32_t)(d - '0');
		if (v > 65535)
			return PARSE_MALFORMED;
	}
	*port = (uint16_t)v;
	return PARSE_OK;
}

/*
 * http_target_authority - the authority of an absolute-form target
 * (RFC 9112 §3.2.2): scheme "://" [ userinfo "@" ] host [ ":" port ], ended
 * by "/", "?", "#" or the end.  Returns false when @t is not absolute-form.
 * The host is what follows the last "@": "http://a.com@b.com/" is for b.com.
 */
static bool http_target_authority(struct bytes t, struct bytes *auth)
{
	size_t i = 0, start, end;

	if (t.len == 0 || !ch_is_alpha(t.p[0]))
		return false;
	while (i < t.len && (ch_is_alnum(t.p[i]) || t.p[i] == '+' || t.p[i] == '-' ||
			     t.p[i] == '.'))
		i++;
	if (t.len - i < 3 || memcmp(t.p + i, "://", 3) != 0)
		return false;
	start = i + 3;
	for (end = start; end < t.len; end++) {
		if (t.p[end] == '/' || t.p[end] == '?' || t.p[end] == '#')
			break;
		if (t.p[end] == '@')
			start = end + 1;
	}
	auth->p = t.p + start;
	auth->len = end - start;
	return true;
}

/*
 * http_request_line - request-target SP HTTP-version (RFC 9112 §3), the
 * method already consumed.  Single SPs only; the target is visible ASCII
 * (or obs-text).  Running out of bytes is NEED_MORE while the line may
 * still grow and MALFORMED once its end has been seen.
 */
static enum parse_rc http_request_line(struct http_line *l, struct bytes *target)
{
	static const char version[] = "HTTP/1.";
	enum parse_rc cut = l->complete ? PARSE_MALFORMED : PARSE_NEED_MORE;
	struct cur c = cur_init(l->text.p, l->text.len);
	size_t i = 0, n = cur_left(&c);
	const uint8_t *v = cur_ptr(&c);

	while (i < n && v[i] != ' ') {
		if (v[i] < 0x21 || v[i] == 0x7f)
			return PARSE_MALFORMED;
		i++;
	}
	if (i == 0 && n > 0)
		return PARSE_MALFORMED;
	if (i == n)
		return cut;
	target->len = i;
	target->p = cur_bytes(&c, i);
	cur_skip(&c, 1);
	for (i = 0; i < sizeof(version) - 1; i++) {
		if (cur_left(&c) == 0)
			return cut;
		if (cur_u8(&c) != (uint8_t)version[i])
			return PARSE_MALFORMED;
	}
	if (cur_left(&c) == 0)
		return cut;
	i = cur_u8(&c);
	if ((i != '0' && i != '1') || cur_left(&c) != 0)
		return PARSE_MALFORMED;
	return l->complete ? PARSE_OK : PARSE_NEED_MORE;
}

/*
 * http_field_line - field-name ":" OWS field-value OWS (RFC 9112 §5).  A
 * line starting with whitespace is obsolete folding (§5.2) and whitespace
 * before the colon is forbidden (§5.1): both are malformed, since servers
 * disagree on them.  An incomplete line is checked as far as it goes and
 * gives @name len 0 when its colon has not arrived.
 */
static enum parse_rc http_field_line(const struct http_line *l, struct bytes *name,
				     struct bytes *value)
{
	const uint8_t *v = l->text.p;
	size_t n = l->text.len, i, j;

	for (i = 0; i < n && v[i] != ':'; i++)
		if (!http_is_tchar(v[i]))
			return PARSE_MALFORMED;
	name->len = 0;
	if (i == n)
		return l->complete ? PARSE_MALFORMED : PARSE_OK;
	if (i == 0)
		return PARSE_MALFORMED;
	name->p = v;
	name->len = i;
	for (i++; i < n && (v[i] == ' ' || v[i] == '\t'); i++)
		;
	for (j = n; j > i && (v[j - 1] == ' ' || v[j - 1] == '\t'); j--)
		;
	value->p = v + i;
	value->len = j - i;
	return PARSE_OK;
}

/* http_eq_ci - ASCII case-insensitive equality (host names, field names). */
static bool http_eq_ci(struct bytes a, struct bytes b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (ch_lower(a.p[i]) != ch_lower(b.p[i]))
			return false;
	return true;
}

#define HTTP_LIT(s) ((struct bytes){ .p = (const uint8_t *)(s), .len = sizeof(s) - 1 })

/* What the field lines told us. */
struct http_head {
	bool has_host;		/* a complete Host line was seen */
	struct bytes host_value; /* its trimmed value */
	bool ended;		/* the blank line was seen */
};

/*
 * http_fields - walk the field lines present.  Stops at the blank line or
 * the end of the bytes; an incomplete last line is only checked.
 */
static enum parse_rc http_fields(struct cur *c, struct http_head *h)
{
	struct http_line l;
	struct bytes name, value;
	enum parse_rc rc;

	while (cur_left(c) > 0) {
		rc = http_next_line(c, &l);
		if (rc != PARSE_OK)
			return rc;
		if (l.complete && l.text.len == 0) {
			h->ended = true;
			return PARSE_OK;
		}
		if (l.text.len > 0 && (l.text.p[0] == ' ' || l.text.p[0] == '\t'))
			return PARSE_MALFORMED;
		rc = http_field_line(&l, &name, &value);
		if (rc != PARSE_OK)
			return rc;
		if (!l.complete || !http_eq_ci(name, HTTP_LIT("host")))
			continue;
		/* Two Host lines are only tolerated when they agree (RFC 9112 §3.2:
		 * a server must reject them; a proxy may pick either). */
		if (h->has_host) {
			if (!http_eq_ci(h->host_value, value))
				return PARSE_MALFORMED;
			continue;
		}
		h->has_host = true;
		h->host_value = value;
	}
	return PARSE_OK;
}

/*
 * http_resolve - choose the host.  The Host header wins when it has a value;
 * an absolute-form target is the fallback.  RFC 9112 §3.2.2 makes a server
 * prefer the target when both are present, so a Host naming another host
 * than the target would let a request reach a host we did not see:
 * malformed.
 */
static enum parse_rc http_resolve(const struct http_head *h, struct bytes target,
				  struct http_request *out)
{
	struct bytes auth, thost;
	uint16_t tport;
	bool absolute = http_target_authority(target, &auth) && auth.len > 0;
	enum parse_rc rc;

	if (absolute) {
		rc = http_authority(auth, &thost, &tport);
		if (rc != PARSE_OK)
			return rc;
	}
	if (h->has_host && h->host_value.len > 0) {
		rc = http_authority(h->host_value, &out->host, &out->port);
		if (rc != PARSE_OK)
			return rc;
		if (absolute && !http_eq_ci(out->host, thost))
			return PARSE_MALFORMED;
		return PARSE_OK;
	}
	if (absolute) {
		out->host = thost;
		out->port = tport;
	}
	return PARSE_OK;
}

enum parse_rc http_parse_request(const uint8_t *p, size_t len, struct http_request *out)
{
	bool full = len >= HTTP_MAX_HEAD;
	struct cur c = cur_init(p, full ? HTTP_MAX_HEAD : len);
	struct http_head h = { .has_host = false };
	struct bytes target, auth;
	struct http_line l;
	enum parse_rc rc;

	memset(out, 0, sizeof(*out));
	rc = http_method(&c, &out->method);
	if (rc != PARSE_OK)
		goto out;
	out->is_connect = http_eq_ci(out->method, HTTP_LIT("CONNECT"));
	rc = http_next_line(&c, &l);
	if (rc == PARSE_OK)
		rc = http_request_line(&l, &target);
	if (rc != PARSE_OK)
		goto out;

	/* CONNECT: the proxy opens the authority-form target, nothing else
	 * (RFC 9112 §3.2.3), so the request line alone decides. */
	if (out->is_connect) {
		rc = http_authority(target, &out->host, &out->port);
		goto out;
	}
	if (target.p[0] != '/' && !(target.len == 1 && target.p[0] == '*') &&
	    !http_target_authority(target, &auth)) {
		rc = PARSE_MALFORMED;
		goto out;
	}
	rc = http_fields(&c, &h);
	if (rc != PARSE_OK)
		goto out;
	if (!h.ended && !h.has_host) {
		rc = PARSE_NEED_MORE;
		goto out;
	}
	rc = http_resolve(&h, target, out);
out:
	/* A head that has not ended within HTTP_MAX_HEAD never will for us. */
	if (rc == PARSE_NEED_MORE && full)
		rc = PARSE_MALFORMED;
	if (rc != PARSE_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

bool http_sniff(const uint8_t *p, size_t len)
{
	struct cur c = cur_init(p, len);
	struct bytes m;

	return http_method(&c, &m) == PARSE_OK;
}
