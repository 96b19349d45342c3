// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_tls.c - fuzz target for the TLS ClientHello parser (parse_tls.h,
 * RFC 8446 §4.1.2 and §5.1, RFC 6066 §3, RFC 7301).
 *
 * Input: a client's first bytes on a TCP stream (TLS records) or a bare
 * handshake message (as QUIC CRYPTO frames carry it); both entry points see
 * every input.  Checked: the SNI and ALPN views lie inside the input or the
 * scratch buffer, @out is zeroed on any result but PARSE_OK, a valid prefix
 * of an accepted hello is never MALFORMED, and a SNI that is reported
 * is not empty.
 */
#include <string.h>

#include "name.h"
#include "parse_tls.h"
#include "fuzz.h"

static uint8_t scratch[TLS_SCRATCH];

/* Field by field: a zeroing assignment need not clear the padding. */
static bool is_zero(const struct tls_hello *h)
{
	return h->legacy_version == 0 && !h->has_sni && !h->sni.p && h->sni.len == 0 &&
	       !h->has_ech && !h->has_alpn && !h->alpn.p && h->alpn.len == 0 &&
	       h->n_extensions == 0;
}

static void check_hello(const struct tls_hello *h, const uint8_t *data, size_t size,
			bool may_scratch)
{
	char name[NAME_MAX_TEXT];

	if (h->has_sni) {
		FUZZ_CHECK(h->sni.len > 0);
		FUZZ_CHECK(fuzz_within(h->sni.p, h->sni.len, data, size) ||
			   (may_scratch && fuzz_within(h->sni.p, h->sni.len, scratch,
						       sizeof(scratch))));
		fuzz_touch(h->sni.p, h->sni.len);
		/* What the engine does next with it. */
		name_from_text(h->sni.p, h->sni.len, name, NULL);
	} else {
		FUZZ_CHECK(h->sni.len == 0);
	}
	if (h->has_alpn) {
		FUZZ_CHECK(fuzz_within(h->alpn.p, h->alpn.len, data, size) ||
			   (may_scratch && fuzz_within(h->alpn.p, h->alpn.len, scratch,
						       sizeof(scratch))));
		fuzz_touch(h->alpn.p, h->alpn.len);
	} else {
		FUZZ_CHECK(h->alpn.len == 0);
	}
}

/*
 * A prefix of an accepted input is a valid prefix: NEED_MORE (or OK, when
 * the hello was complete before the end), never MALFORMED.  Checked on a few
 * cut points only, to keep an execution cheap.
 */
static void check_prefixes(const uint8_t *data, size_t size, bool records)
{
	static struct tls_hello h;
	size_t cuts[4] = { 1, size / 3, size / 2, size - 1 };

	for (size_t i = 0; i < 4; i++) {
		enum parse_rc rc;

		if (cuts[i] == 0 || cuts[i] >= size)
			continue;
		if (records)
			rc = tls_parse_records(data, cuts[i], scratch, &h);
		else
			rc = tls_parse_handshake(data, cuts[i], &h);
		FUZZ_CHECK(rc == PARSE_NEED_MORE || rc == PARSE_OK);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tls_hello h;
	enum parse_rc rc;

	memset(&h, 0xa5, sizeof(h));
	rc = tls_parse_records(data, size, scratch, &h);
	if (rc == PARSE_OK) {
		check_hello(&h, data, size, true);
		check_prefixes(data, size, true);
	} else {
		FUZZ_CHECK(is_zero(&h));
	}

	memset(&h, 0xa5, sizeof(h));
	rc = tls_parse_handshake(data, size, &h);
	if (rc == PARSE_OK) {
		check_hello(&h, data, size, false);
		check_prefixes(data, size, false);
	} else {
		FUZZ_CHECK(is_zero(&h));
	}
	tls_sniff(data, size);
	return 0;
}
