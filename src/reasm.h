// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reasm.h - a bounded byte stream assembled from pieces at offsets: the
 * client's first bytes of a TCP connection (sequence numbers mapped to
 * offsets) or the CRYPTO stream of QUIC Initial packets.
 *
 * Pieces may arrive in any order, repeat or overlap.  The first copy of a
 * byte wins; a later copy that differs is counted as a conflict and ignored,
 * so an attacker cannot rewrite what was already inspected (the engine
 * drops the packet that carried it: no real stack sends two different
 * copies of the same bytes).  The stream
 * holds at most @cap bytes from its current base; bytes beyond are refused
 * (overflow).  Memory grows on demand and is charged to a shared pool so a
 * flood of half-finished streams stays within one global budget.
 *
 *      base                      contig            cap
 *       |<------ assembled ------>|  gap  |piece|    |
 */
#ifndef EMBARGO_REASM_H
#define EMBARGO_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Shared memory budget for every stream of an engine. */
struct stream_pool {
	size_t used, max;		/* bytes */
	uint64_t denied;		/* allocations refused by the budget */
};

/*
 * Which bytes are held is one bit per byte of the buffer, so any number of
 * holes costs the same (cap / 8 bytes): an attacker cannot exhaust a range
 * list with many tiny out-of-order pieces.
 */
struct stream {
	uint64_t base;			/* stream offset of buf[0] */
	uint8_t *buf;
	uint64_t *held;			/* bit i set: buf[i] holds a byte */
	uint32_t alloc;			/* bytes allocated in buf (multiple of 64) */
	uint32_t cap;			/* most bytes held from base */
	uint32_t contig;		/* bytes held from 0 without a hole */
	uint32_t end;			/* one past the highest byte held */
	bool overflow;			/* a piece reached past base + cap */
	uint32_t conflicts;		/* pieces whose overlap with held bytes differed */
};

enum stream_rc {
	STREAM_OK = 0,			/* stored (possibly nothing new) */
	STREAM_OVERFLOW,		/* part of the piece lay past the cap */
	STREAM_NOMEM,			/* the pool budget or malloc refused */
};

/* stream_init - an empty stream starting at offset @base; allocates nothing. */
void stream_init(struct stream *s, uint64_t base, uint32_t cap);

/* stream_release - free the buffer and return its bytes to @pool. */
void stream_release(struct stream *s, struct stream_pool *pool);

/*
 * stream_add - store @len bytes found at stream offset @off.  Bytes before
 * the base (already consumed) are ignored.  Returns STREAM_OK or an error
 * telling why some bytes were not stored; bytes that fitted are kept.
 */
enum stream_rc stream_add(struct stream *s, struct stream_pool *pool, uint64_t off,
			  const uint8_t *p, size_t len);

/* stream_contig - the assembled bytes from the base: *p and the count. */
size_t stream_contig(const struct stream *s, const uint8_t **p);

/* stream_end - one past the highest offset stored (base if empty). */
uint64_t stream_end(const struct stream *s);

/*
 * stream_consume - drop @n assembled bytes from the front (n <= contig);
 * the base moves forward by @n, making room for later bytes.
 */
void stream_consume(struct stream *s, size_t n);

#endif
