// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_http.h - the host an HTTP/1.x request names (RFC 9112 §3, §3.2.2;
 * RFC 9110 §7.2): the Host header field, the authority of an absolute-form
 * request target, and the authority-form of CONNECT ("CONNECT host:443").
 */
#ifndef EMBARGO_PARSE_HTTP_H
#define EMBARGO_PARSE_HTTP_H

#include <stdbool.h>
#include "parse.h"

struct http_request {
	struct bytes method;
	bool is_connect;
	struct bytes host;	/* host without port; IPv6 literals keep their
				 * brackets ("[::1]"); len 0 if none */
	uint16_t port;		/* from the authority/Host, 0 if absent */
};

/*
 * http_parse_request - parse the request line and header fields at the start
 * of a client's TCP stream.  The method must be a token of 1..20 characters
 * from the known set (GET, POST, HEAD, PUT, DELETE, OPTIONS, CONNECT, PATCH,
 * TRACE, PROPFIND, ...) followed by SP, and the line must end in HTTP/1.x.
 * The Host header name is matched case-insensitively, surrounding
 * whitespace trimmed.  For CONNECT the authority of the request line wins;
 * otherwise the Host header wins, falling back to an absolute-form target.
 * Returns PARSE_OK (headers complete through the blank line, or the Host
 * header found complete; for CONNECT, the request line complete);
 * PARSE_NEED_MORE (a request prefix whose Host has not arrived yet, up to
 * HTTP_MAX_HEAD bytes, including a prefix of a method); PARSE_NOT_MINE (not
 * an HTTP request); PARSE_MALFORMED (bad request line, duplicate conflicting
 * Host, a Host naming another host than an absolute-form target, obsolete
 * line folding, whitespace before a colon, NUL or bare CR, an invalid
 * host or port over 65535, head longer than HTTP_MAX_HEAD).  Only the first
 * request's head is read; pipelined requests and bodies are ignored.  The
 * views point into @p; on any result but PARSE_OK, @out is zeroed.
 */
#define HTTP_MAX_HEAD 16384
enum parse_rc http_parse_request(const uint8_t *p, size_t len, struct http_request *out);

/* http_sniff - true if @p starts with a known method followed by a space. */
bool http_sniff(const uint8_t *p, size_t len);

#endif
