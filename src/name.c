// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * name.c - hostname canonicalisation (contract in name.h).
 *
 * Runs once per name on the per-packet path, so everything here is one pass
 * over the input with a 256-entry lookup table, no allocation and no
 * strlen(): the caller's buffer is written left to right and terminated once
 * at the end.
 *
 * Limits are counted in raw (wire) bytes, as DNS does (RFC 1035 §2.3.4:
 * labels of 63 octets, names of 255 octets on the wire, which is 253 bytes
 * of labels and separating dots once the length octets and the root label
 * are taken away).  Escapes follow the presentation format of RFC 1035 §5.1
 * ("\DDD", a decimal octet value), always with three digits so that the
 * canonical form of a name is unique.
 */
#include <string.h>

#include "name.h"
#include "util.h"

/*
 * What each input byte becomes in the canonical text: the (lower-cased)
 * character itself, or 0 when the byte must be written as "\DDD".  Kept:
 * 0x21..0x7e except . \ " ( ) ; @ $, which are special in master files and
 * presentation format (RFC 1035 §5.1).  Rows 0x80..0xff are all zero.  A
 * table rather than a chain of comparisons: one load per byte.
 */
static const char name_keep[256] = {
	/* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20 */ 0, '!', 0, '#', 0, '%', '&', '\'', 0, 0, '*', '+', ',', '-', 0, '/',
	/* 0x30 */ '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', 0, '<', '=', '>', '?',
	/* 0x40 */ 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	/* 0x50 */ 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', 0, ']', '^', '_',
	/* 0x60 */ '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	/* 0x70 */ 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 0,
};

/*
 * put_byte - append the canonical form of @c at out[n].  Returns the new
 * length, or 0 for a NUL byte (never valid in a name: C consumers would cut
 * the name there, which is how filters get bypassed).  0 can never be a
 * valid new length because every call writes at least one character.
 * The caller guarantees 4 bytes of room.
 */
static inline size_t put_byte(char *out, size_t n, uint8_t c)
{
	char k = name_keep[c];

	if (likely(k)) {
		out[n] = k;
		return n + 1;
	}
	if (unlikely(c == 0))
		return 0;
	out[n] = '\\';
	out[n + 1] = (char)('0' + c / 100);
	out[n + 2] = (char)('0' + c / 10 % 10);
	out[n + 3] = (char)('0' + c % 10);
	return n + 4;
}

enum parse_rc name_from_text(const uint8_t *p, size_t len, char *out, size_t *outlen)
{
	size_t n = 0, label = 0, i;

	/* One trailing dot is the absolute form of the same name. */
	if (len && p[len - 1] == '.')
		len--;
	/*
	 * Checking the total first bounds the output: at most 253 input bytes,
	 * each at most 4 text bytes, fits NAME_MAX_TEXT with the NUL.
	 */
	if (len == 0 || len > NAME_MAX_WIRE)
		goto bad;

	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '.') {
			/* ".a", "a..b": an empty label has no wire form. */
			if (label == 0)
				goto bad;
			label = 0;
			out[n++] = '.';
			continue;
		}
		if (++label > NAME_MAX_LABEL)
			goto bad;
		n = put_byte(out, n, c);
		if (!n)
			goto bad;
	}
	/* A second trailing dot ("a.." stripped to "a.") leaves an empty label. */
	if (label == 0)
		goto bad;

	out[n] = '\0';
	if (outlen)
		*outlen = n;
	return PARSE_OK;
bad:
	out[0] = '\0';
	if (outlen)
		*outlen = 0;
	return PARSE_MALFORMED;
}

/*
 * Eight bytes at a time for the common case: letters, digits and '-', the
 * whole alphabet of most host names (RFC 952, RFC 1123 §2.1).  Each test
 * leaves the high bit of every byte that passes; no carry crosses a byte
 * because every byte is below 0x80 and every constant at most 0x7f, so the
 * byte order of the load does not matter.
 */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t bytes_in(uint64_t x, uint8_t lo, uint8_t hi)
{
	uint64_t above_hi = x + (0x7f - hi) * ONES;	/* high bit: byte > hi */
	uint64_t from_lo = x + (0x80 - lo) * ONES;	/* high bit: byte >= lo */

	return from_lo & ~above_hi & HIGHS;
}

/*
 * copy_plain - canonicalise the longest prefix of @p, in steps of 8 bytes,
 * that is only letters, digits and '-' into @out: upper case becomes lower
 * case, everything else is copied.  Returns the bytes done (a multiple of
 * 8); the byte loop does the rest and every other character.
 */
static size_t copy_plain(char *out, const uint8_t *p, size_t len)
{
	size_t i = 0;

	for (; len - i >= 8; i += 8) {
		uint64_t x, upper;

		memcpy(&x, p + i, 8);
		if (x & HIGHS)
			break;
		upper = bytes_in(x, 'A', 'Z');
		if ((bytes_in(x, 'a', 'z') | upper | bytes_in(x, '0', '9') |
		     bytes_in(x, '-', '-')) != HIGHS)
			break;
		x |= upper >> 2;	/* 0x80 >> 2 = 0x20, the ASCII case bit */
		memcpy(out + i, &x, 8);
	}
	return i;
}

void name_begin(struct name_builder *b, char *out)
{
	b->out = out;
	b->len = 0;
	b->wire = 0;
	b->labels = 0;
	b->bad = false;
	out[0] = '\0';
}

enum parse_rc name_add_label(struct name_builder *b, const uint8_t *p, size_t len)
{
	size_t n, wire, i;

	if (b->bad)
		return PARSE_MALFORMED;
	if (len == 0 || len > NAME_MAX_LABEL)
		goto bad;
	/* The separating dot counts as one raw byte, like the length octet. */
	wire = b->wire + len + (b->labels ? 1 : 0);
	if (wire > NAME_MAX_WIRE)
		goto bad;

	n = b->len;
	if (b->labels)
		b->out[n++] = '.';
	i = copy_plain(b->out + n, p, len);
	n += i;
	for (; i < len; i++) {
		n = put_byte(b->out, n, p[i]);
		if (!n)
			goto bad;
	}
	b->len = n;
	b->wire = wire;
	b->labels++;
	return PARSE_OK;
bad:
	/* Sticky, and never leave a half-written name for a careless caller. */
	b->bad = true;
	b->len = 0;
	b->out[0] = '\0';
	return PARSE_MALFORMED;
}

enum parse_rc name_end(struct name_builder *b, size_t *outlen)
{
	if (b->bad) {
		b->out[0] = '\0';
		if (outlen)
			*outlen = 0;
		return PARSE_MALFORMED;
	}
	b->out[b->len] = '\0';
	if (outlen)
		*outlen = b->len;
	return PARSE_OK;
}

long name_unescape(const char *s, uint8_t *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned v = (uint8_t)*s;

		if (v == '\\') {
			/* Exactly three digits; && stops at the NUL of a short tail. */
			if (!ch_is_digit(s[1]) || !ch_is_digit(s[2]) || !ch_is_digit(s[3]))
				return -1;
			v = (unsigned)(s[1] - '0') * 100 + (unsigned)(s[2] - '0') * 10 +
			    (unsigned)(s[3] - '0');
			if (v > 255)
				return -1;
			s += 3;
		}
		if (n >= size)
			return -1;
		out[n++] = (uint8_t)v;
	}
	return (long)n;
}
