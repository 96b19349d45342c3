// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * name.h - hostname canonicalisation.
 *
 * Every name the engine reports or matches (DNS QNAME, TLS SNI, HTTP Host,
 * CONNECT authority) goes through here, so that the blocklist sees one form:
 *
 *  - ASCII letters are lower-cased (locale-free); other bytes are untouched;
 *  - one trailing dot is removed ("example.com." -> "example.com");
 *  - each label is 1..63 bytes and the whole name at most 253 bytes, both
 *    counted in raw (wire) bytes before escaping;
 *  - a byte outside the printable hostname alphabet is written in DNS
 *    presentation format as "\DDD" (three decimal digits, RFC 1035 §5.1).
 *    Bytes kept as they are: 0x21..0x7e except '.', '\\', '"', '(', ')',
 *    ';', '@', '$' (a literal '.' inside a DNS label is "\046").
 *    So "*" and "_" stay, "[::1]" stays, a space becomes "\032".
 *  - IDNs stay in their A-label (punycode) form: nothing is decoded.
 *
 * The output is NUL-terminated.  NAME_MAX_TEXT bytes always suffice
 * (253 raw bytes * 4 for escapes + NUL).
 */
#ifndef EMBARGO_NAME_H
#define EMBARGO_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define NAME_MAX_WIRE 253		/* raw bytes, no trailing dot */
#define NAME_MAX_LABEL 63
#define NAME_MAX_TEXT (NAME_MAX_WIRE * 4 + 1)

/*
 * name_from_text - canonicalise a dotted name taken from text (SNI, Host).
 * @p/@len: the raw bytes (no NUL needed); @out must hold NAME_MAX_TEXT bytes.
 * Returns PARSE_OK and sets *outlen, or PARSE_MALFORMED when the name is
 * empty, has an empty label ("a..b", ".a"), a label over 63 bytes, more than
 * 253 bytes, or a NUL byte.  On failure @out holds "" (and *outlen is 0).
 * @outlen may be NULL.
 */
enum parse_rc name_from_text(const uint8_t *p, size_t len, char *out, size_t *outlen);

/*
 * struct name_builder - build a canonical name label by label (DNS wire
 * names).  name_begin() resets; name_add_label() appends one label (raw
 * bytes, may contain any byte including '.'); name_end() finishes.  The
 * root name (no labels) yields "" with PARSE_OK: callers decide whether an
 * empty name is reportable.  name_add_label() returns PARSE_MALFORMED for an
 * empty label, a label over 63 bytes, a name over 253 bytes or a NUL byte;
 * the error is sticky, @out then holds "" and name_end() returns
 * PARSE_MALFORMED too.  name_end() NUL-terminates and sets *outlen (may be
 * NULL).  No allocation; @out is written left to right only.
 */
struct name_builder {
	char *out;		/* NAME_MAX_TEXT bytes, caller-owned */
	size_t len;		/* text bytes written so far */
	size_t wire;		/* raw bytes so far, counting separating dots */
	unsigned labels;
	bool bad;		/* sticky: a limit was exceeded or a NUL seen */
};

void name_begin(struct name_builder *b, char *out);
enum parse_rc name_add_label(struct name_builder *b, const uint8_t *p, size_t len);
enum parse_rc name_end(struct name_builder *b, size_t *outlen);

/*
 * name_unescape - decode a canonical name back to raw bytes ("\DDD" -> byte).
 * Used by tests and tools comparing with other representations.  Returns the
 * number of bytes written to @out (at most @size), or -1 on a bad escape
 * (not exactly three digits, or a value over 255) or when the result does
 * not fit in @size bytes.  A '.' separator comes out as a '.' byte, the same
 * as an escaped "\046": split a name into labels on unescaped dots first
 * when that difference matters.
 */
long name_unescape(const char *s, uint8_t *out, size_t size);

#endif
