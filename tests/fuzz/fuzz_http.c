// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_http.c - fuzz target for the HTTP/1.x request head parser
 * (parse_http.h: RFC 9112 §3 request line, §3.2.2 Host, RFC 9110 §7.2).
 *
 * Input: a client's first bytes on a TCP stream.  Checked: the method and
 * host views lie inside the input, a CONNECT is flagged as one, @out is
 * zeroed on failure, and every prefix of an accepted request is either
 * NEED_MORE or accepted with the same host - a filter that could be made
 * to settle on a partial Host, or to give up on a request split at the
 * right byte, would be evaded by segmentation.
 */
#include <string.h>

#include "name.h"
#include "parse_http.h"
#include "fuzz.h"

static void check_request(const struct http_request *r, const uint8_t *data, size_t size)
{
	char name[NAME_MAX_TEXT];

	FUZZ_CHECK(r->method.len >= 1 && r->method.len <= 20);
	FUZZ_CHECK(fuzz_within(r->method.p, r->method.len, data, size));
	FUZZ_CHECK(r->is_connect == (r->method.len == 7 &&
				     memcmp(r->method.p, "CONNECT", 7) == 0));
	FUZZ_CHECK(fuzz_within(r->host.p, r->host.len, data, size));
	fuzz_touch(r->host.p, r->host.len);
	if (r->host.len)
		name_from_text(r->host.p, r->host.len, name, NULL);
	FUZZ_CHECK(http_sniff(data, size));
}

static bool same_host(const struct http_request *a, const struct http_request *b)
{
	return a->host.len == b->host.len && a->port == b->port &&
	       (a->host.len == 0 || memcmp(a->host.p, b->host.p, a->host.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r, pre;
	enum parse_rc rc;

	memset(&r, 0xa5, sizeof(r));
	rc = http_parse_request(data, size, &r);
	if (rc != PARSE_OK) {
		FUZZ_CHECK(r.method.p == NULL && r.method.len == 0 && r.host.p == NULL &&
			   r.host.len == 0 && r.port == 0 && !r.is_connect);
		http_sniff(data, size);
		return 0;
	}
	check_request(&r, data, size);
	/* Every cut point for short heads, a spread of them for long ones. */
	for (size_t cut = 1; cut < size; cut += size <= 512 ? 1 : size / 64) {
		enum parse_rc prc = http_parse_request(data, cut, &pre);

		FUZZ_CHECK(prc == PARSE_NEED_MORE || prc == PARSE_OK);
		if (prc == PARSE_OK)
			FUZZ_CHECK(same_host(&r, &pre));
	}
	return 0;
}
