// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_name.c - fuzz target for hostname canonicalisation (name.h; the
 * presentation format of RFC 1035 §5.1).
 *
 * Every input goes three ways:
 *   1. as text (an SNI or Host value) through name_from_text();
 *   2. as a DNS wire name, a run of length-prefixed labels, through the
 *      label builder (the length byte is taken modulo 64 + 1 so that most
 *      labels are in range and the 253-byte limit is reached);
 *   3. as an escaped string through name_unescape().
 * Checked against a model written here from the contract: lower-casing,
 * one trailing dot dropped, the label and name limits, and the round trip
 * name -> text -> name_unescape() -> the same raw bytes.
 */
#include <string.h>

#include "name.h"
#include "fuzz.h"

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* model_text - the contract's verdict on a text name (true = acceptable). */
static bool model_text(const uint8_t *p, size_t len)
{
	size_t label = 0;

	if (len && p[len - 1] == '.')
		len--;
	if (len == 0 || len > NAME_MAX_WIRE)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == 0)
			return false;
		if (p[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (++label > NAME_MAX_LABEL) {
			return false;
		}
	}
	return label > 0;
}

static void check_text(const uint8_t *p, size_t len)
{
	static char out[NAME_MAX_TEXT];
	static uint8_t raw[NAME_MAX_TEXT];
	size_t outlen = 12345, want = len;
	enum parse_rc rc = name_from_text(p, len, out, &outlen);
	long n;

	FUZZ_CHECK((rc == PARSE_OK) == model_text(p, len));
	if (rc != PARSE_OK) {
		FUZZ_CHECK(rc == PARSE_MALFORMED && out[0] == '\0' && outlen == 0);
		return;
	}
	FUZZ_CHECK(outlen == strlen(out) && outlen < NAME_MAX_TEXT);
	/* Only the printable alphabet, never an upper-case letter. */
	for (size_t i = 0; i < outlen; i++)
		FUZZ_CHECK(out[i] > 0x20 && out[i] < 0x7f && !(out[i] >= 'A' && out[i] <= 'Z'));
	n = name_unescape(out, raw, sizeof(raw));
	if (p[len - 1] == '.')
		want--;
	FUZZ_CHECK(n >= 0 && (size_t)n == want);
	for (size_t i = 0; i < want; i++)
		FUZZ_CHECK(raw[i] == lower(p[i]));
}

static void check_wire(const uint8_t *p, size_t len)
{
	static char out[NAME_MAX_TEXT];
	static uint8_t model[NAME_MAX_TEXT], raw[NAME_MAX_TEXT];
	struct name_builder b;
	size_t mlen = 0, outlen, labels = 0;
	bool bad = false;
	enum parse_rc rc;
	long n;

	name_begin(&b, out);
	while (len) {
		size_t l = p[0] % (NAME_MAX_LABEL + 1) + 1;	/* 1..64: 64 is one too many */

		p++;
		len--;
		if (l > len)
			l = len;
		rc = name_add_label(&b, p, l);
		/* The model: label 1..63, no NUL, whole name <= 253 with the dots. */
		if (l == 0 || l > NAME_MAX_LABEL || memchr(p, 0, l) ||
		    mlen + (labels ? 1 : 0) + l > NAME_MAX_WIRE)
			bad = true;
		if (!bad) {
			if (labels)
				model[mlen++] = '.';
			for (size_t i = 0; i < l; i++)
				model[mlen++] = lower(p[i]);
			labels++;
		}
		FUZZ_CHECK((rc == PARSE_OK) == !bad);
		p += l;
		len -= l;
	}
	rc = name_end(&b, &outlen);
	FUZZ_CHECK((rc == PARSE_OK) == !bad);
	if (bad) {
		FUZZ_CHECK(out[0] == '\0');
		return;
	}
	FUZZ_CHECK(outlen == strlen(out));
	n = name_unescape(out, raw, sizeof(raw));
	FUZZ_CHECK(n >= 0 && (size_t)n == mlen && memcmp(raw, model, mlen) == 0);
}

static void check_unescape(const uint8_t *p, size_t len)
{
	static char s[1024];
	static uint8_t raw[1024];
	long n;

	if (len >= sizeof(s))
		len = sizeof(s) - 1;
	memcpy(s, p, len);
	s[len] = '\0';
	n = name_unescape(s, raw, sizeof(raw));
	FUZZ_CHECK(n >= -1 && n <= (long)strlen(s));
	/* Too small an output is refused, never overrun. */
	if (n > 0)
		FUZZ_CHECK(name_unescape(s, raw, (size_t)n - 1) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text(data, size);
	check_wire(data, size);
	check_unescape(data, size);
	return 0;
}
