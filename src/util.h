// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.h - small helpers shared by every module: attribute macros, array
 * sizes, locale-free ctype, strict number parsing and time formatting.
 *
 * Nothing here allocates except where documented.
 */
#ifndef EMBARGO_UTIL_H
#define EMBARGO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define USEC_PER_SEC INT64_C(1000000)

/* Locale-free character classes: packet bytes never go through <ctype.h>. */
static inline bool ch_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool ch_is_alpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline bool ch_is_alnum(int c) { return ch_is_digit(c) || ch_is_alpha(c); }
static inline bool ch_is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static inline bool ch_is_xdigit(int c) { return ch_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static inline int ch_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

/*
 * die - print "embargo: <message>" to stderr and exit(2).  Start-up only:
 * the packet path never dies.
 */
ATTR_NORETURN ATTR_PRINTF(1, 2) void die(const char *fmt, ...);

/*
 * parse_uint - parse a whole decimal string into *out.  The first character
 * must be a digit, the whole string must be consumed and the value must be
 * within [min, max].  Returns 0 or -EINVAL / -ERANGE; never sets errno.
 */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * time_parse_rfc3339 - parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)"
 * (also a plain "YYYY-MM-DD", meaning 00:00:00Z) into microseconds since
 * the Unix epoch.  Returns 0 or -EINVAL.
 */
int time_parse_rfc3339(const char *s, int64_t *out_us);

/*
 * time_format_rfc3339 - write @us as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (UTC) into
 * @buf, which must hold at least TIME_RFC3339_LEN bytes.  Returns @buf.
 */
#define TIME_RFC3339_LEN 40
char *time_format_rfc3339(int64_t us, char *buf, size_t size);

/* hash64 - a fast non-cryptographic hash of @len bytes (word-at-a-time, splitmix finish). */
uint64_t hash64(const void *p, size_t len, uint64_t seed);

#endif
