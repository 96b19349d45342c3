// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reasm.c - offset-addressed stream reassembly with first-copy-wins
 * overlap handling (the policy most end hosts apply to TCP, RFC 9293 §3.10.7.4
 * trims segments to the receive window's new data).
 */
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

#define STREAM_MIN_ALLOC 2048u

void stream_init(struct stream *s, uint64_t base, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->cap = cap;
}

void stream_release(struct stream *s, struct stream_pool *pool)
{
	if (s->buf) {
		pool->used -= s->alloc;
		free(s->buf);
	}
	s->buf = NULL;
	s->alloc = 0;
	s->nranges = 0;
}

/* Make buf hold at least @need bytes (need <= cap). */
static bool grow(struct stream *s, struct stream_pool *pool, uint32_t need)
{
	uint32_t n = s->alloc ? s->alloc : STREAM_MIN_ALLOC;
	uint8_t *nb;

	if (need <= s->alloc)
		return true;
	while (n < need)
		n *= 2;
	if (n > s->cap)
		n = s->cap;
	if (pool->used - s->alloc + n > pool->max) {
		pool->denied++;
		return false;
	}
	nb = realloc(s->buf, n);
	if (!nb)
		return false;
	pool->used = pool->used - s->alloc + n;
	s->buf = nb;
	s->alloc = n;
	return true;
}

/* Copy [a, b) of the piece into the holes, comparing what overlaps. */
static void fill(struct stream *s, uint32_t a, uint32_t b, const uint8_t *src)
{
	uint32_t cur = a;

	for (unsigned i = 0; i < s->nranges && cur < b; i++) {
		const struct stream_range *r = &s->r[i];
		uint32_t hole_end, ov_end;

		if (r->end <= cur)
			continue;
		hole_end = r->start < b ? r->start : b;
		if (cur < hole_end) {
			memcpy(s->buf + cur, src + (cur - a), hole_end - cur);
			cur = hole_end;
		}
		if (cur >= b)
			break;
		/* [cur, min(r->end, b)) is already held: first copy wins. */
		ov_end = r->end < b ? r->end : b;
		if (memcmp(s->buf + cur, src + (cur - a), ov_end - cur) != 0)
			s->conflicts++;
		cur = ov_end;
	}
	if (cur < b)
		memcpy(s->buf + cur, src + (cur - a), b - cur);
}

/*
 * The range list with [a, b) inserted and touching ranges merged, into @out
 * (STREAM_MAX_RANGES + 1 entries).  False when it would exceed the limit.
 */
static bool merged_ranges(const struct stream *s, uint32_t a, uint32_t b,
			  struct stream_range *out, unsigned *nout)
{
	struct stream_range nr = { a, b };
	unsigned n = 0, i = 0;

	while (i < s->nranges && s->r[i].end < a)
		out[n++] = s->r[i++];
	while (i < s->nranges && s->r[i].start <= b) {
		if (s->r[i].start < nr.start)
			nr.start = s->r[i].start;
		if (s->r[i].end > nr.end)
			nr.end = s->r[i].end;
		i++;
	}
	out[n++] = nr;
	while (i < s->nranges)
		out[n++] = s->r[i++];
	*nout = n;
	return n <= STREAM_MAX_RANGES;
}

enum stream_rc stream_add(struct stream *s, struct stream_pool *pool, uint64_t off,
			  const uint8_t *p, size_t len)
{
	struct stream_range out[STREAM_MAX_RANGES + 1];
	enum stream_rc rc = STREAM_OK;
	uint64_t end = off + len, lim = s->base + s->cap;
	unsigned n;
	uint32_t a, b;

	if (len == 0 || end <= s->base)
		return STREAM_OK;
	if (off < s->base) {
		p += s->base - off;
		off = s->base;
	}
	if (off >= lim) {
		s->overflow = true;
		return STREAM_OVERFLOW;
	}
	if (end > lim) {
		end = lim;
		s->overflow = true;
		rc = STREAM_OVERFLOW;
	}
	a = (uint32_t)(off - s->base);
	b = (uint32_t)(end - s->base);
	if (!grow(s, pool, b))
		return STREAM_NOMEM;
	if (!merged_ranges(s, a, b, out, &n))
		return STREAM_TOO_FRAGMENTED;
	fill(s, a, b, p);
	memcpy(s->r, out, n * sizeof(out[0]));
	s->nranges = (uint8_t)n;
	return rc;
}

size_t stream_contig(const struct stream *s, const uint8_t **p)
{
	*p = s->buf;
	if (s->nranges == 0 || s->r[0].start != 0)
		return 0;
	return s->r[0].end;
}

uint64_t stream_end(const struct stream *s)
{
	return s->nranges ? s->base + s->r[s->nranges - 1].end : s->base;
}

void stream_consume(struct stream *s, size_t n)
{
	const uint8_t *p;
	size_t contig = stream_contig(s, &p);
	uint32_t held;

	if (n > contig)
		n = contig;
	if (n == 0)
		return;
	held = s->r[s->nranges - 1].end;
	memmove(s->buf, s->buf + n, held - n);
	for (unsigned i = 0; i < s->nranges; i++) {
		s->r[i].start = s->r[i].start > n ? s->r[i].start - (uint32_t)n : 0;
		s->r[i].end -= (uint32_t)n;
	}
	if (s->r[0].end == 0) {
		memmove(s->r, s->r + 1, (s->nranges - 1) * sizeof(s->r[0]));
		s->nranges--;
	}
	s->base += n;
}
