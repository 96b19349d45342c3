// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.h - a minimal TAP (Test Anything Protocol, version 13) producer for
 * the unit tests.  Header-only; each test program includes it once.
 *
 *   int main(void) {
 *           ok(1 + 1 == 2, "addition");
 *           is_int(3, f(), "f returns 3");
 *           is_str("a", g(), "g returns a");
 *           return done_testing();
 *   }
 */
#ifndef EMBARGO_TAP_H
#define EMBARGO_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

__attribute__((format(printf, 2, 3))) static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 1, 2), unused)) static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define is_int(want, got, ...)                                                          \
	do {                                                                            \
		long long w_ = (long long)(want), g_ = (long long)(got);                \
		if (!ok(w_ == g_, __VA_ARGS__))                                         \
			diag("  want %lld, got %lld", w_, g_);                          \
	} while (0)

#define is_str(want, got, ...)                                                          \
	do {                                                                            \
		const char *w_ = (want), *g_ = (got);                                   \
		int same_ = (w_ == NULL && g_ == NULL) ||                               \
			    (w_ != NULL && g_ != NULL && strcmp(w_, g_) == 0);          \
		if (!ok(same_, __VA_ARGS__))                                            \
			diag("  want \"%s\", got \"%s\"", w_ ? w_ : "(null)",            \
			     g_ ? g_ : "(null)");                                       \
	} while (0)

/* done_testing - print the plan; exit status 1 if anything failed. */
static int done_testing(void)
{
	printf("1..%d\n", tap_run);
	if (tap_run == 0) {
		printf("# no tests ran\n");
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
