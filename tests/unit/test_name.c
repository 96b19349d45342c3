// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_name.c - hostname canonicalisation (src/name.c): boundary tables for
 * label and name lengths, the escape set byte by byte, the label builder,
 * name_unescape() and a seeded random round trip.
 *
 * Inputs and outputs live in heap buffers of exactly the allowed size, so a
 * sanitizer build catches any read past @len or write past NAME_MAX_TEXT.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "name.h"
#include "util.h"

static char *out;	/* NAME_MAX_TEXT bytes, exactly */

/* Run name_from_text() on an exact-size heap copy of @in. */
static enum parse_rc from_text(const void *in, size_t len, size_t *outlen)
{
	uint8_t *p = malloc(len ? len : 1);
	enum parse_rc rc;

	memcpy(p, in, len);
	rc = name_from_text(p, len, out, outlen);
	free(p);
	return rc;
}

/* Fill @buf with @n labels joined by dots; label i has len[i] bytes 'a'+i. */
static size_t make_name(char *buf, const unsigned *len, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (i)
			buf[k++] = '.';
		memset(buf + k, 'a' + (int)i, len[i]);
		k += len[i];
	}
	buf[k] = '\0';
	return k;
}

static void test_text_table(void)
{
	static const struct {
		const char *in;
		enum parse_rc rc;
		const char *want;
	} t[] = {
		{ "example.com", PARSE_OK, "example.com" },
		{ "Example.COM", PARSE_OK, "example.com" },
		{ "WWW.KASPERSKY.COM.", PARSE_OK, "www.kaspersky.com" },
		{ "a", PARSE_OK, "a" },
		{ "a.", PARSE_OK, "a" },
		{ "", PARSE_MALFORMED, "" },
		{ ".", PARSE_MALFORMED, "" },
		{ "..", PARSE_MALFORMED, "" },
		{ "a..", PARSE_MALFORMED, "" },
		{ "example.com..", PARSE_MALFORMED, "" },
		{ ".a", PARSE_MALFORMED, "" },
		{ "a..b", PARSE_MALFORMED, "" },
		{ "*.example.com", PARSE_OK, "*.example.com" },
		{ "_sip._tcp.Example.com", PARSE_OK, "_sip._tcp.example.com" },
		{ "[::1]", PARSE_OK, "[::1]" },
		{ "192.168.1.21", PARSE_OK, "192.168.1.21" },
		{ "xn--mnich-kva.com", PARSE_OK, "xn--mnich-kva.com" },
		{ "a b", PARSE_OK, "a\\032b" },
		{ "a\\b", PARSE_OK, "a\\092b" },
		{ "a\\046b", PARSE_OK, "a\\092046b" },	/* text is raw bytes, not escapes */
		{ "\"q\"", PARSE_OK, "\\034q\\034" },
		{ "(x);@$", PARSE_OK, "\\040x\\041\\059\\064\\036" },
		{ "~!#%&'+,-/:<=>?[]^_`{|}", PARSE_OK, "~!#%&'+,-/:<=>?[]^_`{|}" },
		{ "tab\there", PARSE_OK, "tab\\009here" },
		{ "del\x7f", PARSE_OK, "del\\127" },
		{ "hi\x80\xff", PARSE_OK, "hi\\128\\255" },
		{ "\xc3\xa9t\xc3\xa9", PARSE_OK, "\\195\\169t\\195\\169" },
		{ "\x01", PARSE_OK, "\\001" },
		{ " ", PARSE_OK, "\\032" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t n = 99;
		enum parse_rc rc = from_text(t[i].in, strlen(t[i].in), &n);

		is_int(t[i].rc, rc, "text \"%s\": rc %s", t[i].want, parse_rc_str(t[i].rc));
		is_str(t[i].want, out, "text #%zu: output", i);
		is_int(strlen(t[i].want), n, "text #%zu: outlen", i);
	}

	/* A NUL byte anywhere is malformed, even where strlen() would stop. */
	is_int(PARSE_MALFORMED, from_text("a\0b", 3, NULL), "NUL inside a label");
	is_int(PARSE_MALFORMED, from_text("\0", 1, NULL), "lone NUL");
	is_int(PARSE_MALFORMED, from_text("ab.\0", 4, NULL), "NUL as last label");
	is_str("", out, "output emptied on failure");

	/* Only @len bytes count: the tail of the literal is never looked at. */
	is_int(PARSE_OK, from_text("abc.def", 3, NULL), "len shorter than the string");
	is_str("abc", out, "only the first 3 bytes");
}

static void test_text_lengths(void)
{
	static const struct {
		unsigned len[5];
		size_t n;
		int trailing_dot;
		enum parse_rc rc;
		const char *what;
	} t[] = {
		{ { 63 }, 1, 0, PARSE_OK, "one 63-byte label (max)" },
		{ { 63 }, 1, 1, PARSE_OK, "63-byte label + trailing dot" },
		{ { 64 }, 1, 0, PARSE_MALFORMED, "64-byte label (one over)" },
		{ { 62, 1 }, 2, 0, PARSE_OK, "62 + 1" },
		{ { 1, 64 }, 2, 0, PARSE_MALFORMED, "64-byte last label" },
		{ { 64, 1 }, 2, 0, PARSE_MALFORMED, "64-byte first label" },
		{ { 63, 63, 63, 61 }, 4, 0, PARSE_OK, "253 bytes (max)" },
		{ { 63, 63, 63, 61 }, 4, 1, PARSE_OK, "253 bytes + trailing dot" },
		{ { 63, 63, 63, 60 }, 4, 0, PARSE_OK, "252 bytes (one short)" },
		{ { 63, 63, 63, 62 }, 4, 0, PARSE_MALFORMED, "254 bytes (one over)" },
		{ { 63, 63, 63, 62 }, 4, 1, PARSE_MALFORMED, "254 bytes + trailing dot" },
		{ { 1, 1, 1, 1, 1 }, 5, 0, PARSE_OK, "single-byte labels" },
	};
	char buf[400], want[400];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t n = make_name(buf, t[i].len, t[i].n), outlen;
		enum parse_rc rc;

		memcpy(want, buf, n + 1);
		if (t[i].trailing_dot) {
			buf[n++] = '.';
			buf[n] = '\0';
		}
		rc = from_text(buf, n, &outlen);
		is_int(t[i].rc, rc, "length: %s", t[i].what);
		if (t[i].rc == PARSE_OK)
			is_str(want, out, "length: %s: text", t[i].what);
	}
}

/* The expected canonical text of one byte, written independently of name.c. */
static void expect_byte(unsigned c, char *buf)
{
	if (c >= 'A' && c <= 'Z')
		sprintf(buf, "%c", c + 32);
	else if (c >= 0x21 && c <= 0x7e && !strchr(".\\\"();@$", (int)c))
		sprintf(buf, "%c", c);
	else
		sprintf(buf, "\\%03u", c);
}

static void test_every_byte(void)
{
	int bad_text = 0, bad_label = 0, bad_round = 0;

	for (unsigned c = 0; c < 256; c++) {
		uint8_t in[3] = { 'Q', (uint8_t)c, 'z' };
		char want[16], e[8];
		struct name_builder b;
		enum parse_rc rc;
		uint8_t raw[8];
		long r;

		expect_byte(c, e);
		snprintf(want, sizeof(want), "q%sz", e);

		/* name_from_text: '.' is a separator there, covered by the tables. */
		if (c != '.') {
			rc = from_text(in, 3, NULL);
			if (c == 0 ? rc != PARSE_MALFORMED : rc != PARSE_OK || strcmp(out, want)) {
				bad_text++;
				diag("byte 0x%02x: text gave %d \"%s\"", c, rc, out);
			}
		}

		/* name_add_label: every byte, '.' included, is label content. */
		name_begin(&b, out);
		rc = name_add_label(&b, in, 3);
		if (rc == PARSE_OK)
			rc = name_end(&b, NULL);
		if (c == 0 ? rc != PARSE_MALFORMED : rc != PARSE_OK || strcmp(out, want)) {
			bad_label++;
			diag("byte 0x%02x: label gave %d \"%s\"", c, rc, out);
		}

		/* and back: name_unescape gives the (lower-cased) raw bytes. */
		if (c == 0)
			continue;
		r = name_unescape(out, raw, sizeof(raw));
		if (r != 3 || raw[0] != 'q' || raw[2] != 'z' ||
		    raw[1] != (c >= 'A' && c <= 'Z' ? c + 32 : c)) {
			bad_round++;
			diag("byte 0x%02x: unescape gave %ld", c, r);
		}
	}
	is_int(0, bad_text, "name_from_text: all 255 bytes canonical, NUL rejected");
	is_int(0, bad_label, "name_add_label: all 256 bytes canonical, NUL rejected");
	is_int(0, bad_round, "name_unescape: all 255 bytes round-trip");

	/* Spot checks named in the contract, so a table slip cannot hide. */
	is_int(PARSE_OK, from_text("a*b", 3, NULL), "'*' ok");
	is_str("a*b", out, "'*' kept");
	is_int(PARSE_OK, from_text("[::1]", 5, NULL), "[::1] ok");
	is_str("[::1]", out, "[::1] kept");
}

static void test_builder(void)
{
	struct name_builder b;
	uint8_t big[64];
	size_t n = 99;

	memset(big, 'x', sizeof(big));

	name_begin(&b, out);
	is_int(PARSE_OK, name_end(&b, &n), "root: no labels is ok");
	is_str("", out, "root: empty text");
	is_int(0, n, "root: length 0");

	name_begin(&b, out);
	is_int(PARSE_OK, name_add_label(&b, (const uint8_t *)"WwW", 3), "label WwW");
	is_int(PARSE_OK, name_add_label(&b, (const uint8_t *)"a.b", 3), "label with a dot");
	is_int(PARSE_OK, name_add_label(&b, (const uint8_t *)"Com", 3), "label Com");
	is_int(PARSE_OK, name_end(&b, &n), "three labels");
	is_str("www.a\\046b.com", out, "dot inside a label is \\046");
	is_int(strlen("www.a\\046b.com"), n, "outlen counts escapes");
	is_int(11, b.wire, "wire counts raw bytes and separators");
	is_int(3, b.labels, "label count");

	name_begin(&b, out);
	is_int(PARSE_OK, name_add_label(&b, big, 63), "63-byte label");
	is_int(PARSE_OK, name_end(&b, NULL), "63-byte label name");
	name_begin(&b, out);
	is_int(PARSE_MALFORMED, name_add_label(&b, big, 64), "64-byte label");
	is_int(PARSE_MALFORMED, name_add_label(&b, big, 1), "sticky after a bad label");
	is_int(PARSE_MALFORMED, name_end(&b, &n), "end reports the error");
	is_str("", out, "bad name leaves \"\"");
	is_int(0, n, "bad name length 0");

	name_begin(&b, out);
	is_int(PARSE_MALFORMED, name_add_label(&b, big, 0), "empty label");

	/* 63+1+63+1+63+1+61 = 253; then one more byte anywhere is too many. */
	for (unsigned last = 60; last <= 63; last++) {
		enum parse_rc want = 63 * 3 + 3 + last <= 253 ? PARSE_OK : PARSE_MALFORMED;
		enum parse_rc rc;

		name_begin(&b, out);
		name_add_label(&b, big, 63);
		name_add_label(&b, big, 63);
		name_add_label(&b, big, 63);
		rc = name_add_label(&b, big, last);
		is_int(want, rc, "builder: 3x63 + %u = %u raw bytes", last, 63 * 3 + 3 + last);
		is_int(want, name_end(&b, &n), "builder end: %u raw bytes", 63 * 3 + 3 + last);
		if (want == PARSE_OK)
			is_int(63 * 3 + 3 + last, n, "builder: plain text length = raw length");
	}

	/* 127 one-byte labels = 253 raw bytes; a 128th is one over. */
	name_begin(&b, out);
	for (int i = 0; i < 127; i++)
		name_add_label(&b, big, 1);
	is_int(PARSE_OK, name_end(&b, &n), "127 one-byte labels (253)");
	is_int(253, n, "127 one-byte labels text length");
	is_int(PARSE_MALFORMED, name_add_label(&b, big, 1), "128th one-byte label (255)");

	/* NUL in the middle of a label. */
	name_begin(&b, out);
	name_add_label(&b, (const uint8_t *)"ok", 2);
	is_int(PARSE_MALFORMED, name_add_label(&b, (const uint8_t *)"a\0b", 3), "NUL in label");
	is_str("", out, "NUL: output emptied");
}

/* The longest possible text: 250 escaped bytes and 3 dots, into exactly NAME_MAX_TEXT. */
static void test_worst_case(void)
{
	struct name_builder b;
	uint8_t lab[63];
	unsigned lens[4] = { 63, 63, 63, 61 };
	size_t n;
	uint8_t *raw = malloc(NAME_MAX_WIRE);
	char text[NAME_MAX_WIRE];
	long r;

	memset(lab, 0xff, sizeof(lab));
	name_begin(&b, out);
	for (int i = 0; i < 4; i++)
		name_add_label(&b, lab, lens[i]);
	is_int(PARSE_OK, name_end(&b, &n), "worst case: 253 bytes, 250 escapes");
	is_int(250 * 4 + 3, n, "worst case: text length 1003");
	ok(n < NAME_MAX_TEXT && out[n] == '\0', "worst case fits NAME_MAX_TEXT");

	r = name_unescape(out, raw, NAME_MAX_WIRE);
	is_int(253, r, "worst case unescapes to 253 bytes");
	ok(r == 253 && raw[0] == 0xff && raw[63] == '.' && raw[252] == 0xff, "worst case bytes");
	free(raw);

	/* Same through name_from_text, from an exact-size input. */
	memset(text, 0x01, sizeof(text));
	text[63] = text[127] = text[191] = '.';
	is_int(PARSE_OK, from_text(text, sizeof(text), &n), "worst case text: 253 bytes");
	is_int(250 * 4 + 3, n, "worst case text length");
}

static void test_unescape(void)
{
	static const struct {
		const char *in;
		long want;
		const char *bytes;
	} t[] = {
		{ "", 0, "" },
		{ "abc", 3, "abc" },
		{ "a\\046b", 3, "a.b" },
		{ "\\000", 1, "\0" },
		{ "\\255", 1, "\xff" },
		{ "\\256", -1, NULL },
		{ "\\999", -1, NULL },
		{ "\\", -1, NULL },
		{ "a\\1", -1, NULL },
		{ "a\\12", -1, NULL },
		{ "\\12x", -1, NULL },
		{ "\\.", -1, NULL },	/* RFC 1035 \X form is not canonical */
		{ "\\0461", 2, ".1" },
	};
	uint8_t buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		long r = name_unescape(t[i].in, buf, sizeof(buf));

		is_int(t[i].want, r, "unescape #%zu \"%s\"", i, t[i].in);
		if (t[i].bytes && r >= 0)
			ok(memcmp(buf, t[i].bytes, (size_t)r) == 0, "unescape #%zu bytes", i);
	}

	/* Output size: exactly fits, one short, zero. */
	is_int(3, name_unescape("a\\032b", buf, 3), "unescape: exactly fits");
	is_int(-1, name_unescape("a\\032b", buf, 2), "unescape: one short");
	is_int(0, name_unescape("", buf, 0), "unescape: empty into 0 bytes");
	is_int(-1, name_unescape("a", buf, 0), "unescape: 1 byte into 0 bytes");
}

/* xorshift64: a fixed-seed generator so failures reproduce. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/*
 * Random labels of random bytes (1..255) through the builder, then split
 * the text on its (unescaped) dots and unescape each label: the result must
 * be the input, lower-cased.
 */
static void test_random_roundtrip(void)
{
	int bad = 0, rounds = 2000;

	for (int i = 0; i < rounds; i++) {
		uint8_t labs[8][63], raw[64];
		unsigned lens[8], nl = 1 + rnd(8), wire = 0;
		struct name_builder b;
		char *s, *dot = NULL;
		size_t n;
		unsigned k;

		name_begin(&b, out);
		for (k = 0; k < nl; k++) {
			lens[k] = 1 + rnd(63);
			if (wire + lens[k] + (k ? 1 : 0) > NAME_MAX_WIRE)
				break;
			wire += lens[k] + (k ? 1 : 0);
			for (unsigned j = 0; j < lens[k]; j++)
				labs[k][j] = (uint8_t)(1 + rnd(255));
			if (name_add_label(&b, labs[k], lens[k]) != PARSE_OK)
				bad++;
		}
		nl = k;
		if (name_end(&b, &n) != PARSE_OK || n != strlen(out)) {
			bad++;
			continue;
		}
		s = out;
		for (k = 0; k < nl; k++) {
			long r;

			dot = strchr(s, '.');
			if (dot)
				*dot = '\0';
			r = name_unescape(s, raw, sizeof(raw));
			if (r != (long)lens[k]) {
				bad++;
				break;
			}
			for (unsigned j = 0; j < lens[k]; j++) {
				uint8_t c = labs[k][j];

				if (raw[j] != (c >= 'A' && c <= 'Z' ? c + 32 : c))
					bad++;
			}
			s = dot ? dot + 1 : s + strlen(s);
		}
		if (*s || dot)
			bad++;	/* more dots than labels */
	}
	is_int(0, bad, "random round trip, %d names", rounds);
}

int main(void)
{
	out = malloc(NAME_MAX_TEXT);
	test_text_table();
	test_text_lengths();
	test_every_byte();
	test_builder();
	test_worst_case();
	test_unescape();
	test_random_roundtrip();
	free(out);
	return done_testing();
}
