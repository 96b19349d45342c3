// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addr.c - address formatting and parsing.
 *
 * Parsing goes through inet_pton.  Formatting is done by hand: events name
 * two addresses each and replaying a large capture writes hundreds of
 * thousands of them, where inet_ntop's sprintf per IPv6 group cost more
 * than the packet path.  The output is inet_ntop's, character for
 * character (the unit test compares them): RFC 5952 text, with glibc's
 * dotted quad for IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible
 * (::a.b.c.d) addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

/* Decimal of @v (< 256) at @p; returns the end. */
static char *put_dec8(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_quad(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_dec8(p, b[i]);
	}
	return p;
}

/* Lower-case hex of @v without leading zeros at @p; returns the end. */
static char *put_hex16(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(v >> shift) & 15];
	return p;
}

static char *put_ip6(char *p, const uint8_t *a)
{
	unsigned w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	/* The first longest run of two or more zero groups becomes "::". */
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			if (++cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_quad(p, a + 12);
		p = put_hex16(p, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return p;
}

size_t addr_text(const struct addr *a, char *buf)
{
	char *end;

	if (a->af == AF_INET)
		end = put_quad(buf, a->a);
	else if (a->af == AF_INET6)
		end = put_ip6(buf, a->a);
	else
		end = stpcpy(buf, "-");
	*end = '\0';
	return (size_t)(end - buf);
}

char *addr_format(const struct addr *a, char *buf, size_t size)
{
	char text[ADDR_STRLEN];
	size_t n = addr_text(a, text);

	if (size) {
		if (n >= size)
			n = size - 1;
		memcpy(buf, text, n);
		buf[n] = '\0';
	}
	return buf;
}

int addr_parse(const char *s, struct addr *out)
{
	struct addr a = { 0 };

	if (inet_pton(AF_INET, s, a.a) == 1) {
		a.af = AF_INET;
	} else if (inet_pton(AF_INET6, s, a.a) == 1) {
		a.af = AF_INET6;
	} else {
		return -EINVAL;
	}
	*out = a;
	return 0;
}
