// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_reasm.c - stream reassembly against a byte-by-byte model: random
 * pieces in random order with overlaps, conflicting overlaps, the cap, the
 * hole limit, consumption and the memory pool.
 */
#include <stdlib.h>

#include "reasm.h"
#include "util.h"
#include "../tap.h"

#define CAP 4096

/* The model: a byte array where the first write of each byte wins. */
struct model {
	uint8_t data[CAP];
	bool held[CAP];
};

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static size_t model_contig(const struct model *m)
{
	size_t n = 0;

	while (n < CAP && m->held[n])
		n++;
	return n;
}

static void test_random(void)
{
	struct stream_pool pool = { .max = 1 << 20 };
	int bad = 0, trials = 400;

	for (int t = 0; t < trials && !bad; t++) {
		struct stream s;
		struct model m = { 0 };
		uint8_t truth[CAP + 512];
		unsigned pieces = 1 + rnd() % 24;

		for (size_t i = 0; i < sizeof(truth); i++)
			truth[i] = (uint8_t)rnd();
		stream_init(&s, 1000, CAP);
		for (unsigned k = 0; k < pieces; k++) {
			uint32_t off = rnd() % (CAP + 256), len = 1 + rnd() % 700;
			uint8_t piece[1024];
			bool conflict = rnd() % 5 == 0;
			enum stream_rc rc;

			if (off + len > sizeof(truth))
				len = (uint32_t)sizeof(truth) - off;
			memcpy(piece, truth + off, len);
			if (conflict)
				piece[rnd() % len] ^= 0x5a;
			rc = stream_add(&s, &pool, 1000 + off, piece, len);
			(void)rc;
			for (uint32_t i = off; i < off + len && i < CAP; i++) {
				if (!m.held[i]) {
					m.held[i] = true;
					m.data[i] = piece[i - off];
				}
			}
			{
				const uint8_t *p;
				size_t n = stream_contig(&s, &p), want = model_contig(&m);

				if (n != want || (n && memcmp(p, m.data, n) != 0)) {
					diag("trial %d piece %u: contig %zu want %zu", t, k, n, want);
					bad++;
					break;
				}
			}
		}
		stream_release(&s, &pool);
	}
	ok(!bad, "%d random trials agree with the first-copy-wins model", trials);
	is_int(0, pool.used, "pool returns to zero");
}

static void test_basics(void)
{
	struct stream_pool pool = { .max = 1 << 20 };
	struct stream s;
	const uint8_t *p;
	uint8_t data[100];

	for (int i = 0; i < 100; i++)
		data[i] = (uint8_t)i;
	stream_init(&s, 0, 64);
	is_int(0, stream_contig(&s, &p), "empty stream has nothing");
	is_int(STREAM_OK, stream_add(&s, &pool, 10, data + 10, 10), "piece at 10");
	is_int(0, stream_contig(&s, &p), "gap at 0: nothing contiguous");
	is_int(20, stream_end(&s), "end after the piece");
	is_int(STREAM_OK, stream_add(&s, &pool, 0, data, 10), "piece at 0 fills the gap");
	is_int(20, stream_contig(&s, &p), "20 contiguous bytes");
	ok(memcmp(p, data, 20) == 0, "bytes in order");
	is_int(STREAM_OVERFLOW, stream_add(&s, &pool, 20, data + 20, 80), "past the cap");
	ok(s.overflow, "overflow flagged");
	is_int(64, stream_contig(&s, &p), "filled to the cap");
	stream_consume(&s, 60);
	is_int(4, stream_contig(&s, &p), "4 left after consuming 60");
	is_int(60, s.base, "base moved");
	ok(p[0] == 60 && p[3] == 63, "remaining bytes moved to the front");
	is_int(STREAM_OK, stream_add(&s, &pool, 0, data, 60), "bytes before the base ignored");
	is_int(4, stream_contig(&s, &p), "still 4");
	is_int(STREAM_OK, stream_add(&s, &pool, 64, data + 64, 36), "room again after consume");
	is_int(40, stream_contig(&s, &p), "40 contiguous");
	/* Conflicting retransmission: the first copy stays. */
	{
		uint8_t evil[4] = { 0xff, 0xff, 0xff, 0xff };

		stream_add(&s, &pool, 70, evil, 4);
		stream_contig(&s, &p);
		ok(p[10] == 70 && s.conflicts == 1, "conflicting overlap ignored and counted (%u, %u)", p[10], s.conflicts);
	}
	stream_release(&s, &pool);

	/* Any number of holes: one-byte pieces at every other offset. */
	{
		uint8_t big[4096];
		bool good = true;

		for (int i = 0; i < 4096; i++)
			big[i] = (uint8_t)(i * 7);
		stream_init(&s, 0, 4096);
		for (int i = 1; i < 4096; i += 2)
			good &= stream_add(&s, &pool, (uint64_t)i, big + i, 1) == STREAM_OK;
		ok(good, "2048 disjoint pieces stored");
		is_int(0, stream_contig(&s, &p), "nothing contiguous yet");
		for (int i = 4094; i >= 0; i -= 2)
			stream_add(&s, &pool, (uint64_t)i, big + i, 1);
		is_int(4096, stream_contig(&s, &p), "filling every hole backwards completes it");
		ok(memcmp(p, big, 4096) == 0, "bytes in order");
		stream_consume(&s, 4000);
		is_int(96, stream_contig(&s, &p), "consume across bitmap words");
		ok(memcmp(p, big + 4000, 96) == 0, "remaining bytes after consume");
		stream_release(&s, &pool);
	}
	/* The contiguous prefix grows across bitmap words from an odd start. */
	{
		uint8_t big[300];

		for (int i = 0; i < 300; i++)
			big[i] = (uint8_t)i;
		stream_init(&s, 0, 1024);
		stream_add(&s, &pool, 0, big, 10);
		stream_add(&s, &pool, 10, big + 10, 190);
		is_int(200, stream_contig(&s, &p), "contig crosses words after a 10-byte start");
		stream_add(&s, &pool, 250, big + 250, 50);
		stream_add(&s, &pool, 200, big + 200, 50);
		is_int(300, stream_contig(&s, &p), "and reaches past a filled hole");
		stream_release(&s, &pool);
	}
	/* Consume by an odd count keeps the bitmap aligned with the bytes. */
	stream_init(&s, 0, 1024);
	stream_add(&s, &pool, 0, data, 50);
	stream_add(&s, &pool, 70, data + 70, 30);
	stream_consume(&s, 37);
	is_int(13, stream_contig(&s, &p), "13 left before the hole");
	stream_add(&s, &pool, 50, data + 50, 20);
	is_int(63, stream_contig(&s, &p), "hole filled after an odd consume");
	ok(p[0] == 37 && p[62] == 99, "bytes line up after the shift");
	stream_release(&s, &pool);

	/* Pool budget. */
	pool.max = 3000;
	stream_init(&s, 0, 16384);
	is_int(STREAM_OK, stream_add(&s, &pool, 0, data, 100), "first 2 KiB within budget");
	is_int(STREAM_NOMEM, stream_add(&s, &pool, 3000, data, 100), "growth past budget refused");
	is_int(1, pool.denied, "denial counted");
	stream_release(&s, &pool);
	is_int(0, pool.used, "pool empty");
}

int main(void)
{
	test_basics();
	test_random();
	return done_testing();
}
