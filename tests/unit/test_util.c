// SPDX-License-Identifier: GPL-2.0-or-later
/* test_util.c - number and time parsing, time formatting. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util.h"
#include "../tap.h"

static void test_parse_uint(void)
{
	static const struct {
		const char *s;
		uint64_t min, max;
		int rc;
		uint64_t v;
	} t[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ "+1", 0, 10, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ "1x", 0, 10, -EINVAL, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "65535", 1, 65535, 0, 65535 },
		{ "65536", 1, 65535, -ERANGE, 0 },
		{ "0", 1, 65535, -ERANGE, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t v = 12345;
		int rc = parse_uint(t[i].s, t[i].min, t[i].max, &v);

		is_int(t[i].rc, rc, "parse_uint(\"%s\") rc", t[i].s);
		if (rc == 0)
			is_int((long long)t[i].v, (long long)v, "parse_uint(\"%s\") value", t[i].s);
		else
			is_int(12345, (long long)v, "parse_uint(\"%s\") leaves out alone", t[i].s);
	}
	is_int(-EINVAL, parse_uint(NULL, 0, 1, &(uint64_t){ 0 }), "parse_uint(NULL)");
}

static void test_time(void)
{
	static const struct {
		const char *s;
		int rc;
		int64_t us;
	} t[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "1970-01-01", 0, 0 },
		/* The ban's second date: midnight EDT is 04:00 UTC. */
		{ "2024-09-29T00:00:00-04:00", 0, INT64_C(1727582400) * 1000000 },
		{ "2024-09-29T04:00:00Z", 0, INT64_C(1727582400) * 1000000 },
		{ "2024-09-29T04:00:00.5Z", 0, INT64_C(1727582400) * 1000000 + 500000 },
		{ "2024-09-29T04:00:00.123456789Z", 0, INT64_C(1727582400) * 1000000 + 123456 },
		{ "2024-07-20T00:00:00-04:00", 0, INT64_C(1721448000) * 1000000 },
		{ "2024-02-29T00:00:00Z", 0, INT64_C(1709164800) * 1000000 },
		{ "2023-02-29T00:00:00Z", -EINVAL, 0 },
		{ "2024-13-01T00:00:00Z", -EINVAL, 0 },
		{ "2024-00-01T00:00:00Z", -EINVAL, 0 },
		{ "2024-09-31T00:00:00Z", -EINVAL, 0 },
		{ "2024-09-29T24:00:00Z", -EINVAL, 0 },
		{ "2024-09-29T00:60:00Z", -EINVAL, 0 },
		{ "2024-09-29T00:00:00", -EINVAL, 0 },
		{ "2024-09-29T00:00:00+0400", -EINVAL, 0 },
		{ "2024-09-29T00:00:00.Z", -EINVAL, 0 },
		{ "2024-09-29T00:00:00Zjunk", -EINVAL, 0 },
		{ "24-09-29", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "1969-12-31T23:59:59Z", 0, -1000000 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int64_t us = 0;
		int rc = time_parse_rfc3339(t[i].s, &us);

		is_int(t[i].rc, rc, "time_parse_rfc3339(\"%s\") rc", t[i].s);
		if (rc == 0 && t[i].rc == 0)
			is_int(t[i].us, us, "time_parse_rfc3339(\"%s\") value", t[i].s);
	}
}

static void test_format(void)
{
	char buf[TIME_RFC3339_LEN];

	is_str("2024-09-29T04:00:00.000000Z",
	       time_format_rfc3339(INT64_C(1727582400) * 1000000, buf, sizeof(buf)), "format date");
	is_str("1970-01-01T00:00:00.000001Z", time_format_rfc3339(1, buf, sizeof(buf)),
	       "format 1 us");
	is_str("1969-12-31T23:59:59.999999Z", time_format_rfc3339(-1, buf, sizeof(buf)),
	       "format -1 us");
	/* Round trip through the parser. */
	for (int64_t us = -86400000001; us < INT64_C(4102444800000000); us += INT64_C(99999999977)) {
		int64_t back = 0;
		time_format_rfc3339(us, buf, sizeof(buf));
		if (time_parse_rfc3339(buf, &back) != 0 || back != us) {
			ok(0, "round trip %lld -> %s -> %lld", (long long)us, buf, (long long)back);
			return;
		}
	}
	ok(1, "format/parse round trip over 1969..2100");
}

static void test_ctype(void)
{
	int bad = 0;

	for (int c = 0; c < 256; c++) {
		bool d = c >= '0' && c <= '9';
		bool a = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

		bad += ch_is_digit(c) != d;
		bad += ch_is_alpha(c) != a;
		bad += ch_lower(c) != ((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	is_int(0, bad, "locale-free ctype agrees with ASCII for all 256 bytes");
}

int main(void)
{
	test_parse_uint();
	test_time();
	test_format();
	test_ctype();
	return done_testing();
}
