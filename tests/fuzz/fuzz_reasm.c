// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_reasm.c - fuzz target for stream reassembly (reasm.h): two streams
 * sharing one memory pool are fed pieces at arbitrary offsets and consumed
 * from the front, and every step is checked against a byte-array model
 * where the first copy of a byte wins.
 *
 * Input:
 *   +------+------+------+---------------------------------------------+
 *   | cap  | cap  | pool | ops ...                                     |
 *   | hi   | lo   |      |                                             |
 *   +------+------+------+---------------------------------------------+
 *   cap: 1 + (16-bit value % MODEL_CAP); pool: bit 7 set -> a budget of
 *   (pool & 0x7f) * 256 bytes, else 1 MiB; bits 0-1 of the first op's
 *   selector pick the base offset (0, 1000, 2^32 - 2000 or 2^62 - 3000,
 *   the largest CRYPTO offset QUIC can express).
 *
 *   op:  | sel | ... |  sel bit 0: stream A or B
 *        sel bit 1 clear: add  | off16 | len16 | bytes (len % 4096) |
 *                         at the stream's base + off16 - 1024 (also before it)
 *        sel bit 1 set:   consume | n16 |  (n capped at the contiguous length)
 *
 * The model follows the documented behaviour: bytes past base + cap are
 * refused (OVERFLOW), a piece refused for memory stores nothing, a
 * conflicting copy never replaces a byte and counts once per piece.
 */
#include <string.h>

#include "reasm.h"
#include "fuzz.h"

#define MODEL_CAP 20000

struct model {
	uint64_t base;
	uint32_t cap;
	uint8_t data[MODEL_CAP];
	bool held[MODEL_CAP];
	bool overflow;
	unsigned conflicts;		/* pieces that differed from held bytes */
};

static struct model models[2];

static size_t model_contig(const struct model *m)
{
	size_t n = 0;

	while (n < m->cap && m->held[n])
		n++;
	return n;
}

static uint64_t model_end(const struct model *m)
{
	for (size_t i = m->cap; i > 0; i--) {
		if (m->held[i - 1])
			return m->base + i;
	}
	return m->base;
}

/* model_add - the expected effect of a piece; returns the expected code. */
static enum stream_rc model_add(struct model *m, uint64_t off, const uint8_t *p, size_t len)
{
	enum stream_rc rc = STREAM_OK;
	bool differs = false;

	for (size_t i = 0; i < len; i++) {
		uint64_t at = off + i;
		size_t rel;

		if (at < m->base)
			continue;
		if (at - m->base >= m->cap) {
			rc = STREAM_OVERFLOW;
			break;
		}
		rel = (size_t)(at - m->base);
		if (m->held[rel]) {
			differs |= m->data[rel] != p[i];
		} else {
			m->held[rel] = true;
			m->data[rel] = p[i];
		}
	}
	if (rc == STREAM_OVERFLOW)
		m->overflow = true;
	if (differs)
		m->conflicts++;
	return rc;
}

static void model_consume(struct model *m, size_t n)
{
	memmove(m->data, m->data + n, m->cap - n);
	memmove(m->held, m->held + n, m->cap - n);
	memset(m->held + m->cap - n, 0, n);
	m->base += n;
}

static void check(const struct stream *s, const struct model *m)
{
	const uint8_t *p;
	size_t n = stream_contig(s, &p);

	FUZZ_CHECK(s->base == m->base);
	FUZZ_CHECK(n == model_contig(m));
	FUZZ_CHECK(n == 0 || memcmp(p, m->data, n) == 0);
	FUZZ_CHECK(stream_end(s) == model_end(m));
	FUZZ_CHECK(s->overflow == m->overflow);
	FUZZ_CHECK(s->conflicts == m->conflicts);
	FUZZ_CHECK(s->alloc <= s->cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t bases[4] = {
		0, 1000, (UINT64_C(1) << 32) - 2000, (UINT64_C(1) << 62) - 3000,
	};
	struct fuzz_in in = { data, size };
	struct stream_pool pool = { .max = 1 << 20 };
	struct stream s[2];
	uint32_t cap;
	uint8_t pb;
	uint64_t base;

	if (size < 4)
		return 0;
	cap = 1 + fuzz_u16(&in) % MODEL_CAP;
	pb = fuzz_u8(&in);
	if (pb & 0x80)
		pool.max = (size_t)(pb & 0x7f) * 256;
	base = bases[in.p[0] & 3];
	for (int i = 0; i < 2; i++) {
		stream_init(&s[i], base, cap);
		memset(&models[i], 0, sizeof(models[i]));
		models[i].base = base;
		models[i].cap = cap;
	}
	while (in.left) {
		uint8_t sel = fuzz_u8(&in);
		int w = sel & 1;
		struct model *m = &models[w];

		if (sel & 2) {
			size_t n = fuzz_u16(&in), contig = model_contig(m);

			if (n > contig)
				n = contig;
			stream_consume(&s[w], n);
			model_consume(m, n);
		} else {
			uint64_t off = m->base + fuzz_u16(&in);
			size_t want = fuzz_u16(&in) % 4096, len;
			const uint8_t *p;
			enum stream_rc rc;

			off = off >= 1024 ? off - 1024 : 0;
			p = fuzz_take(&in, want, &len);
			rc = stream_add(&s[w], &pool, off, p, len);
			if (rc == STREAM_NOMEM) {
				/*
				 * Nothing stored.  A piece that reached past the
				 * cap may or may not have raised the flag first.
				 */
				FUZZ_CHECK(len > 0);
				if (off + len > m->base + m->cap)
					m->overflow = s[w].overflow;
			} else {
				FUZZ_CHECK(rc == model_add(m, off, p, len));
			}
		}
		check(&s[w], m);
		/* The buffers and their bitmaps are charged, within the budget. */
		FUZZ_CHECK(pool.used <= pool.max);
		FUZZ_CHECK(pool.used >= (size_t)s[0].alloc + s[1].alloc);
	}
	stream_release(&s[0], &pool);
	stream_release(&s[1], &pool);
	FUZZ_CHECK(pool.used == 0);
	return 0;
}
