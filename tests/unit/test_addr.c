// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_addr.c - addr_text against inet_ntop, the oracle it replaces: every
 * pattern of zero and non-zero IPv6 groups (so every placement of "::"),
 * groups of every hex width, the IPv4-mapped and -compatible forms, every
 * IPv4 octet value; addr_format cutting to its buffer; addr_parse round
 * trips.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "util.h"
#include "../tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Compare with inet_ntop; returns true when equal (diagnoses otherwise). */
static bool same(const struct addr *a)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_STRLEN];
	size_t n = addr_text(a, got);

	inet_ntop(a->af, a->a, want, sizeof(want));
	if (strcmp(want, got) == 0 && n == strlen(got))
		return true;
	diag("inet_ntop \"%s\", addr_text \"%s\" (%zu)", want, got, n);
	return false;
}

static void test_ip6_patterns(void)
{
	/* Group values of each hex width, and values that are all one digit. */
	static const unsigned widths[] = { 1, 0xf, 0x10, 0xab, 0x100, 0xfff, 0x1000, 0xffff };
	unsigned bad = 0, n = 0;

	for (unsigned mask = 0; mask < 256; mask++) {
		for (unsigned round = 0; round < 24; round++) {
			struct addr a = { .af = AF_INET6 };

			for (int g = 0; g < 8; g++) {
				unsigned v = 0;

				if (mask & (1u << g))
					v = round < 8 ? widths[(round + (unsigned)g) % 8]
						      : 1 + next_rand() % 0xffff;
				a.a[2 * g] = (uint8_t)(v >> 8);
				a.a[2 * g + 1] = (uint8_t)v;
			}
			n++;
			if (!same(&a))
				bad++;
		}
	}
	is_int(0, bad, "%u IPv6 addresses, every zero-group pattern: as inet_ntop", n);
}

static void test_ip6_special(void)
{
	static const char *const t[] = {
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1",
		"2001:db8::1:0:0:1", "::ffff:192.0.2.1", "::ffff:0.0.0.0", "::192.0.2.1",
		"::0.0.0.2", "::ffff:0:192.0.2.1", "64:ff9b::192.0.2.33", "fe80::1:2:3:4",
		"::ffff:1:2", "0:0:0:0:0:fffe:c000:201", "1:0:0:2::", "ff02::1:ff00:1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct addr a;

		if (!ok(addr_parse(t[i], &a) == 0 && a.af == AF_INET6, "parse %s", t[i]))
			continue;
		ok(same(&a), "%s: as inet_ntop", t[i]);
	}
}

static void test_ip4(void)
{
	unsigned bad = 0;

	for (unsigned v = 0; v < 256; v++) {
		struct addr a = { .af = AF_INET, .a = { (uint8_t)v, (uint8_t)(255 - v), 0,
							(uint8_t)(v * 7) } };

		if (!same(&a))
			bad++;
	}
	is_int(0, bad, "every IPv4 octet value: as inet_ntop");
}

static void test_format(void)
{
	struct addr a, none = { 0 };
	char buf[ADDR_STRLEN], small[8];

	addr_parse("198.51.100.200", &a);
	is_str("198.51.100.200", addr_format(&a, buf, sizeof(buf)), "addr_format IPv4");
	is_str("198.51.", addr_format(&a, small, sizeof(small)), "cut to an 8-byte buffer");
	is_str("-", addr_format(&none, buf, sizeof(buf)), "no address: -");
	is_int(1, addr_text(&none, buf), "no address: length 1");
	addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a);
	is_int(39, addr_text(&a, buf), "the longest IPv6 text: 39 bytes");
	addr_parse("::ffff:255.255.255.255", &a);
	is_int(22, addr_text(&a, buf), "the longest mapped form: 22 bytes");
	ok(addr_parse("2001:db8::g", &a) < 0 && addr_parse("192.0.2", &a) < 0,
	   "bad text refused");
}

int main(void)
{
	test_ip6_patterns();
	test_ip6_special();
	test_ip4();
	test_format();
	return done_testing();
}
