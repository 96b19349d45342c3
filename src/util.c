// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - number and time parsing, time formatting, hashing, die().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("embargo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !ch_is_digit(*s))
		return -EINVAL;
	for (; *s; s++) {
		if (!ch_is_digit(*s))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Read exactly @n digits at *s; -1 if they are not all digits. */
static int digits(const char **s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!ch_is_digit((*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return v;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (civil calendar). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

int time_parse_rfc3339(const char *s, int64_t *out_us)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	int64_t frac = 0, t;

	if (!s)
		return -EINVAL;
	if ((y = digits(&s, 4)) < 0 || *s++ != '-' || (mo = digits(&s, 2)) < 0 ||
	    *s++ != '-' || (d = digits(&s, 2)) < 0)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	if (*s == '\0')
		goto done;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -EINVAL;
	s++;
	if ((h = digits(&s, 2)) < 0 || *s++ != ':' || (mi = digits(&s, 2)) < 0 ||
	    *s++ != ':' || (sec = digits(&s, 2)) < 0)
		return -EINVAL;
	/* A leap second (:60) is accepted and folded into the next second. */
	if (h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	if (*s == '.') {
		int64_t scale = 100000;
		s++;
		if (!ch_is_digit(*s))
			return -EINVAL;
		for (; ch_is_digit(*s); s++) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, oh, om;
		if ((oh = digits(&s, 2)) < 0 || *s++ != ':' || (om = digits(&s, 2)) < 0)
			return -EINVAL;
		if (oh > 23 || om > 59)
			return -EINVAL;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
done:
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
	*out_us = t * USEC_PER_SEC + frac;
	return 0;
}

char *time_format_rfc3339(int64_t us, char *buf, size_t size)
{
	int64_t secs = us / USEC_PER_SEC, frac = us % USEC_PER_SEC;
	struct tm tm;
	time_t tt;

	if (frac < 0) {
		frac += USEC_PER_SEC;
		secs--;
	}
	tt = (time_t)secs;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, size, "invalid-time");
		return buf;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)frac);
	return buf;
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

uint64_t hash64(const void *p, size_t len, uint64_t seed)
{
	const uint8_t *b = p;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL), v;

	/* Eight bytes a step (flow keys are 40 bytes, names a few dozen). */
	while (len >= 8) {
		memcpy(&v, b, 8);
		h = rotl64(h ^ (v * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
		b += 8;
		len -= 8;
	}
	v = 0;
	memcpy(&v, b, len);
	h ^= v * 0x87c37b91114253d5ULL;
	/* Final avalanche (from splitmix64) so low bits are usable as an index. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}
