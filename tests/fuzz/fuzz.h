// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz.h - shared by the fuzz targets: the libFuzzer entry points and the
 * checks a target makes on a parser's outputs.
 *
 * A target is one function, LLVMFuzzerTestOneInput(), linked either with
 * libFuzzer (clang, -fsanitize=fuzzer) or with replay.c, which runs it over
 * the checked-in corpus as an ordinary test.  A failed FUZZ_CHECK aborts in
 * both, so an invariant a parser breaks is a crash the fuzzer keeps and the
 * replay test reports, with or without sanitizers.
 */
#ifndef EMBARGO_FUZZ_H
#define EMBARGO_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn)) static inline void fuzz_fail(const char *file, int line,
							const char *what)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	abort();
}

#define FUZZ_CHECK(cond)                                                \
	do {                                                            \
		if (!(cond))                                            \
			fuzz_fail(__FILE__, __LINE__, #cond);           \
	} while (0)

/*
 * fuzz_within - true if the view [@p, @p + @n) lies inside the buffer
 * [@base, @base + @size).  Compared as integers: the harness checks where a
 * parser's view points, it never reads through it here.
 */
static inline bool fuzz_within(const void *p, size_t n, const void *base, size_t size)
{
	uintptr_t v = (uintptr_t)p, b = (uintptr_t)base;

	if (n == 0)
		return true;
	return p && v >= b && v - b <= size && n <= size - (v - b);
}

/*
 * fuzz_touch - read every byte of a view so ASan sees an out-of-bounds view
 * even when the caller would not have read all of it.  Returns a checksum
 * the caller can ignore.
 */
static inline unsigned fuzz_touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

/* A small reader over the fuzz input for targets that take structured input. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	if (!in->left)
		return 0;
	v = in->p[0];
	in->p++;
	in->left--;
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

/* fuzz_take - up to @n bytes (fewer at the end of the input); *got tells. */
static inline const uint8_t *fuzz_take(struct fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *v = in->p;

	if (n > in->left)
		n = in->left;
	in->p += n;
	in->left -= n;
	*got = n;
	return v;
}

#endif
