// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reasm.c - offset-addressed stream reassembly with first-copy-wins
 * overlap handling and a bitmap of held bytes.
 *
 *   buf:  | b0 b1 b2 .. | .. hole .. | bk .. |          (alloc bytes)
 *   held: 1  1  1  ..    0  ..  0     1  ..            (one bit each)
 *         ^contig                           ^end
 *
 * RFC 9293 §3.10.7.4 has a receiver trim each segment to the data it has
 * not yet seen; keeping the first copy of every byte is the same rule,
 * applied whatever order the pieces come in.
 */
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

#define STREAM_MIN_ALLOC 2048u

static size_t map_bytes(uint32_t alloc)
{
	return (alloc + 63) / 64 * sizeof(uint64_t);
}

void stream_init(struct stream *s, uint64_t base, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->cap = cap;
}

void stream_release(struct stream *s, struct stream_pool *pool)
{
	if (s->buf) {
		pool->used -= s->alloc + map_bytes(s->alloc);
		free(s->buf);
		free(s->held);
	}
	s->buf = NULL;
	s->held = NULL;
	s->alloc = 0;
	s->contig = 0;
	s->end = 0;
}

/* Make buf hold at least @need bytes (need <= cap). */
static bool grow(struct stream *s, struct stream_pool *pool, uint32_t need)
{
	uint32_t n = s->alloc ? s->alloc : STREAM_MIN_ALLOC;
	size_t old_cost = s->buf ? s->alloc + map_bytes(s->alloc) : 0, new_cost;
	uint64_t *nh;
	uint8_t *nb;

	if (need <= s->alloc)
		return true;
	while (n < need)
		n *= 2;
	if (n > s->cap)
		n = s->cap;
	new_cost = n + map_bytes(n);
	if (pool->used - old_cost + new_cost > pool->max) {
		pool->denied++;
		return false;
	}
	nb = realloc(s->buf, n);
	if (!nb)
		return false;
	s->buf = nb;
	nh = realloc(s->held, map_bytes(n));
	if (!nh) {
		/* buf grew but the map did not: keep the old size for both. */
		pool->used = pool->used - old_cost + s->alloc + map_bytes(s->alloc);
		return false;
	}
	memset((uint8_t *)nh + map_bytes(s->alloc), 0, map_bytes(n) - map_bytes(s->alloc));
	s->held = nh;
	pool->used = pool->used - old_cost + new_cost;
	s->alloc = n;
	return true;
}

static bool bit(const struct stream *s, uint32_t i)
{
	return (s->held[i / 64] >> (i % 64)) & 1;
}

/* Copy [a, b) of the piece into the holes; compare what is already held. */
static void fill(struct stream *s, uint32_t a, uint32_t b, const uint8_t *src)
{
	bool conflict = false;

	for (uint32_t i = a; i < b;) {
		uint32_t w = i / 64, sh = i % 64, n = 64 - sh;
		uint64_t mask, have;

		if (n > b - i)
			n = b - i;
		mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << sh;
		have = s->held[w] & mask;
		if (have == 0) {
			memcpy(s->buf + i, src + (i - a), n);
		} else if (have == mask) {
			conflict |= memcmp(s->buf + i, src + (i - a), n) != 0;
		} else {
			for (uint32_t j = i; j < i + n; j++) {
				if (bit(s, j))
					conflict |= s->buf[j] != src[j - a];
				else
					s->buf[j] = src[j - a];
			}
		}
		s->held[w] |= mask;
		i += n;
	}
	if (conflict)
		s->conflicts++;
	if (b > s->end)
		s->end = b;
	/* Extend the contiguous prefix a word at a time. */
	while (s->contig < s->end) {
		uint32_t w = s->contig / 64, sh = s->contig % 64, z;
		/* Zeros shifted in at the top read as "not held" after the ~. */
		uint64_t rest = ~(s->held[w] >> sh);

		z = rest ? (uint32_t)__builtin_ctzll(rest) : 64;
		if (z >= 64 - sh) {
			s->contig += 64 - sh;
			continue;
		}
		s->contig += z;
		break;
	}
	if (s->contig > s->end)
		s->contig = s->end;
}

enum stream_rc stream_add(struct stream *s, struct stream_pool *pool, uint64_t off,
			  const uint8_t *p, size_t len)
{
	enum stream_rc rc = STREAM_OK;
	uint64_t end = off + len, lim = s->base + s->cap;
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
	fill(s, a, b, p);
	return rc;
}

size_t stream_contig(const struct stream *s, const uint8_t **p)
{
	*p = s->buf;
	return s->contig;
}

uint64_t stream_end(const struct stream *s)
{
	return s->base + s->end;
}

void stream_consume(struct stream *s, size_t n)
{
	size_t words, q, r;

	if (n > s->contig)
		n = s->contig;
	if (n == 0)
		return;
	memmove(s->buf, s->buf + n, s->end - n);
	/* Shift the bitmap down by n bits. */
	words = map_bytes(s->alloc) / sizeof(uint64_t);
	q = n / 64;
	r = n % 64;
	for (size_t i = 0; i < words; i++) {
		uint64_t lo = i + q < words ? s->held[i + q] : 0;
		uint64_t hi = i + q + 1 < words ? s->held[i + q + 1] : 0;

		s->held[i] = r ? (lo >> r | hi << (64 - r)) : lo;
	}
	s->contig -= (uint32_t)n;
	s->end -= (uint32_t)n;
	s->base += n;
}
