// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * domain_set.c - compact suffix index for domain rules (contract in
 * domain_set.h).
 *
 * Sized for lists of millions of names on small routers, so every entry
 * costs its text plus two bytes in the arena and six bytes of hash table,
 * and nothing else: no per-entry struct, no per-entry pointer.
 *
 * Arena record, appended by domain_set_add():
 *
 *   +------+------------------+-------------------------------+----+
 *   | head | delta (optional) | text: name, "=name", "*.name" | \0 |
 *   +------+------------------+-------------------------------+----+
 *     head bits 0-1: enum ds_kind
 *     head bits 2-7: line delta from the previous record, 0..62;
 *                    63 = the delta follows as a LEB128 varint
 *
 * Tags and absolute line numbers live in a sparse marker array: a marker
 * starts a run of records with one tag whose lines rise, and a new one is
 * forced every DS_MARK_EVERY records so that rebuilding a line number never
 * walks far.  A typical list costs 0.75 bytes of marker per entry.  A
 * second index, one u32 per KiB of arena, names the marker in force at
 * each KiB boundary, so that finding a record's marker is a look-up and a
 * search among a handful instead of a binary search over all of them (a
 * cache miss per step).
 *
 * Table (built once by domain_set_finish, load factor 2/3, linear probing):
 *
 *   tags[i] (u16):  bits 2-15 hash tag, bits 0-1 kind + 1; 0 = empty slot
 *   offs[i] (u32):  arena offset of the record
 *
 * The slot is chosen by the hash of the name only, so the entries of one
 * name with different kinds sit in one probe run and a single scan finds
 * them all.  The tag lets a scan skip almost every foreign slot without
 * touching the arena.
 *
 * Hash: labels are folded in from the right, each read a word (8 bytes) at
 * a time, and the running value is finished with splitmix64's finaliser.
 * Folding from the right means one pass over a looked-up name yields the
 * hash of every suffix: after each label the running value is the hash of
 * that label and those to its right, exactly as the entry for that suffix
 * was hashed when it was inserted.  Word reads make the pass a few
 * multiplies per label instead of one per byte.
 *
 * Memory: the arena is an anonymous mapping that grows with mremap(2), so
 * growing never copies and never holds two arenas at once; finish gives the
 * unused tail back.  The table is allocated once, at its final size.
 */
#define _GNU_SOURCE		/* memrchr, mremap */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domain_set.h"
#include "name.h"
#include "util.h"

#define DS_MARK_EVERY 16		/* records per marker, at most */
#define DS_CHUNK_SHIFT 10		/* arena bytes per marker-index entry: 1 KiB */
#define DS_DELTA_ESC 63			/* head value: varint delta follows */
#define DS_ARENA_MIN (64 * 1024)
#define DS_SEED 0xcbf29ce484222325ULL
#define DS_MUL 0x9fb21c651e98df25ULL	/* odd: (h ^ w) * DS_MUL is a bijection in h */

struct ds_marker {
	uint32_t off;		/* first record of the run */
	uint32_t tag;
	uint32_t line;		/* line of that first record */
};

struct domain_set {
	char *arena;
	size_t len, cap;
	size_t records;

	struct ds_marker *marks;
	size_t n_marks, cap_marks;
	uint32_t *chunk_mark;	/* per KiB of arena: the marker in force there */
	size_t n_chunks;
	uint32_t last_tag, last_line;
	unsigned since_mark;

	uint16_t *tags;		/* n_slots, NULL until finished */
	uint32_t *offs;
	uint32_t n_slots;
	bool finished;

	size_t entries, by_kind[3], duplicates;
};

/* A decoded record header. */
struct ds_rec {
	uint32_t delta;
	enum ds_kind kind;
	const char *text;	/* record text, prefix included */
	const char *key;	/* the name, after the prefix */
};

static const size_t prefix_len[3] = { [DS_SUFFIX] = 0, [DS_EXACT] = 1, [DS_SUBDOMAINS] = 2 };

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static inline uint64_t load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Fold one label of @n bytes into @h.  Whole words first; the last 0-8
 * bytes are read as two overlapping 4-byte loads (or three single bytes),
 * never past the label.  The length goes in too, so that "ab" and "ab\0"
 * style ambiguities cannot arise from the padding.
 */
static inline uint64_t fold_label(uint64_t h, const char *p, size_t n)
{
	uint64_t w;

	h ^= n;
	while (n > 8) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * DS_MUL;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	if (n >= 4)
		w = load32(p) | load32(p + n - 4) << 32;
	else if (n > 0)
		w = (uint64_t)(uint8_t)p[0] << 16 | (uint64_t)(uint8_t)p[n / 2] << 8 |
		    (uint8_t)p[n - 1];
	else
		w = 0;
	h = (h ^ w) * DS_MUL;
	return h ^ (h >> 29);
}

/* Hash of a whole key, the same value domain_set_match computes per suffix. */
static uint64_t key_hash(const char *k, size_t len)
{
	uint64_t h = DS_SEED;
	const char *dot;

	while ((dot = memrchr(k, '.', len))) {
		size_t l = (size_t)(dot - k);

		h = fold_label(h, dot + 1, len - l - 1);
		len = l;
	}
	return mix64(fold_label(h, k, len));
}

/* Home slot: Lemire's multiply-shift maps the high half onto [0, n). */
static inline uint32_t home_slot(uint64_t h, uint32_t n)
{
	return (uint32_t)(((h >> 32) * (uint64_t)n) >> 32);
}

static inline uint16_t slot_tag(uint64_t h, enum ds_kind kind)
{
	return (uint16_t)(((h & 0x3fff) << 2) | ((unsigned)kind + 1));
}

static size_t rec_decode(const struct domain_set *s, uint32_t off, struct ds_rec *r)
{
	const uint8_t *p = (const uint8_t *)s->arena + off;
	size_t i = 1;

	r->kind = (enum ds_kind)(p[0] & 3);
	r->delta = p[0] >> 2;
	if (r->delta == DS_DELTA_ESC) {
		unsigned shift = 0;

		r->delta = 0;
		do {
			r->delta |= (uint32_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80);
	}
	r->text = (const char *)p + i;
	r->key = r->text + prefix_len[r->kind];
	return i;
}

/*
 * Compare a stored key with @len bytes of a looked-up name.  Stops at the
 * stored NUL, so it never reads past the record whatever @q holds.
 */
static inline bool key_eq(const char *stored, const char *q, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (stored[i] == '\0' || stored[i] != q[i])
			return false;
	}
	return stored[len] == '\0';
}

struct domain_set *domain_set_new(void)
{
	return calloc(1, sizeof(struct domain_set));
}

void domain_set_free(struct domain_set *s)
{
	if (!s)
		return;
	if (s->arena)
		munmap(s->arena, s->cap);
	free(s->marks);
	free(s->chunk_mark);
	free(s->tags);
	free(s->offs);
	free(s);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t min)
{
	size_t n = *cap ? *cap : min;
	void *q;

	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		n *= 2;
	}
	if (n == *cap)
		return 0;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

/* The arena holds at least @need bytes: map it, or grow the mapping in place or by moving pages. */
static int arena_grow(struct domain_set *s, size_t need)
{
	size_t cap = s->cap ? s->cap : DS_ARENA_MIN;
	void *p;

	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	cap = page_round(cap);
	if (cap == s->cap)
		return 0;
	if (s->arena)
		p = mremap(s->arena, s->cap, cap, MREMAP_MAYMOVE);
	else
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	s->arena = p;
	s->cap = cap;
	return 0;
}

int domain_set_reserve(struct domain_set *s, size_t bytes)
{
	if (s->finished || bytes > UINT32_MAX)
		return s->finished ? -EINVAL : 0;
	return s->len + bytes > s->cap ? arena_grow(s, s->len + bytes) : 0;
}

static bool name_ok(const char *name, size_t len)
{
	size_t dots = 0;

	if (len == 0 || len >= NAME_MAX_TEXT || memchr(name, '\0', len))
		return false;
	for (size_t i = 0; i < len; i++)
		dots += name[i] == '.';
	return dots < DS_MAX_LABELS;
}

int domain_set_add(struct domain_set *s, enum ds_kind kind, const char *name, size_t len,
		   uint32_t tag, uint32_t line)
{
	uint8_t hdr[6];
	size_t hlen = 1, need;
	uint32_t delta = 0;
	bool mark;
	char *p;
	int ret;

	if (s->finished || (unsigned)kind > DS_SUBDOMAINS || !name_ok(name, len))
		return -EINVAL;

	mark = s->records == 0 || tag != s->last_tag || line < s->last_line ||
	       s->since_mark >= DS_MARK_EVERY;
	if (!mark)
		delta = line - s->last_line;
	if (delta < DS_DELTA_ESC) {
		hdr[0] = (uint8_t)(kind | delta << 2);
	} else {
		hdr[0] = (uint8_t)(kind | DS_DELTA_ESC << 2);
		do {
			hdr[hlen++] = (uint8_t)((delta & 0x7f) | (delta > 0x7f ? 0x80 : 0));
			delta >>= 7;
		} while (delta);
	}

	need = hlen + prefix_len[kind] + len + 1;
	/* Offsets are 32 bits: the record must start and end below 4 GiB. */
	if (s->len + need > UINT32_MAX)
		return -E2BIG;
	if (s->len + need > s->cap) {
		ret = arena_grow(s, s->len + need);
		if (ret < 0)
			return ret;
	}
	if (mark) {
		ret = grow((void **)&s->marks, &s->cap_marks, s->n_marks + 1,
			   sizeof(*s->marks), 64);
		if (ret < 0)
			return ret;
		s->marks[s->n_marks++] = (struct ds_marker){
			.off = (uint32_t)s->len, .tag = tag, .line = line,
		};
		s->since_mark = 0;
	}

	p = s->arena + s->len;
	memcpy(p, hdr, hlen);
	p += hlen;
	if (kind == DS_EXACT) {
		*p++ = '=';
	} else if (kind == DS_SUBDOMAINS) {
		*p++ = '*';
		*p++ = '.';
	}
	memcpy(p, name, len);
	p[len] = '\0';

	s->len += need;
	s->records++;
	s->since_mark++;
	s->last_tag = tag;
	s->last_line = line;
	return 0;
}

/* Insert the record at @off (key hash @h), or count it as a repeat of an earlier one. */
static void insert(struct domain_set *s, uint32_t off, uint64_t h)
{
	struct ds_rec r, o;
	size_t klen;
	uint32_t i;
	uint16_t t;

	rec_decode(s, off, &r);
	klen = strlen(r.key);
	t = slot_tag(h, r.kind);
	for (i = home_slot(h, s->n_slots); s->tags[i]; i = i + 1 == s->n_slots ? 0 : i + 1) {
		if (s->tags[i] != t)
			continue;
		rec_decode(s, s->offs[i], &o);
		if (key_eq(o.key, r.key, klen)) {
			s->duplicates++;
			return;
		}
	}
	s->tags[i] = t;
	s->offs[i] = off;
	s->entries++;
	s->by_kind[r.kind]++;
}

int domain_set_finish(struct domain_set *s)
{
	/*
	 * Inserts land at random slots, so each one is a cache miss.  Hashing
	 * runs DS_AHEAD records ahead of inserting, with the home slot
	 * prefetched, so that the misses overlap instead of queueing.
	 */
	enum { DS_AHEAD = 16 };
	struct {
		uint32_t off;
		uint64_t h;
	} ring[DS_AHEAD];
	size_t n, off = 0, k = 0;
	struct ds_rec r;

	if (s->finished)
		return 0;
	/* Load factor 2/3: short probe runs for the misses that dominate look-ups. */
	n = s->records + s->records / 2 + 1;
	if (n < 8)
		n = 8;
	if (n > UINT32_MAX)
		return -ENOMEM;
	s->n_chunks = (s->len >> DS_CHUNK_SHIFT) + 1;
	s->chunk_mark = malloc(s->n_chunks * sizeof(*s->chunk_mark));
	s->tags = calloc(n, sizeof(*s->tags));
	s->offs = malloc(n * sizeof(*s->offs));
	if (!s->tags || !s->offs || !s->chunk_mark) {
		free(s->chunk_mark);
		free(s->tags);
		free(s->offs);
		s->chunk_mark = NULL;
		s->tags = NULL;
		s->offs = NULL;
		return -ENOMEM;
	}
	s->n_slots = (uint32_t)n;
	/* The first marker starts at offset 0, so every boundary has one in force. */
	for (size_t c = 0, m = 0; c < s->n_chunks; c++) {
		while (m + 1 < s->n_marks && s->marks[m + 1].off <= c << DS_CHUNK_SHIFT)
			m++;
		s->chunk_mark[c] = (uint32_t)m;
	}

	while (off < s->len) {
		size_t hl = rec_decode(s, (uint32_t)off, &r), klen = strlen(r.key);
		uint64_t h = key_hash(r.key, klen);
		uint32_t home = home_slot(h, s->n_slots);

		__builtin_prefetch(&s->tags[home], 1);
		__builtin_prefetch(&s->offs[home], 1);
		if (k >= DS_AHEAD)
			insert(s, ring[k % DS_AHEAD].off, ring[k % DS_AHEAD].h);
		ring[k % DS_AHEAD].off = (uint32_t)off;
		ring[k % DS_AHEAD].h = h;
		k++;
		off += hl + prefix_len[r.kind] + klen + 1;
	}
	for (size_t j = k > DS_AHEAD ? k - DS_AHEAD : 0; j < k; j++)
		insert(s, ring[j % DS_AHEAD].off, ring[j % DS_AHEAD].h);

	/* Give back the arena's unused pages (in place: pointers stay valid). */
	if (s->arena && page_round(s->len) < s->cap) {
		size_t keep = page_round(s->len ? s->len : 1);

		if (munmap(s->arena + keep, s->cap - keep) == 0)
			s->cap = keep;
	}
	s->finished = true;
	return 0;
}

/*
 * Scan the probe run of one suffix for the kinds in @want (a bit per kind),
 * preferring @best_kind.  Returns the slot found, or -1.
 */
static long probe(const struct domain_set *s, uint64_t h, const char *q, size_t qlen,
		  unsigned want, enum ds_kind best_kind)
{
	uint16_t t14 = (uint16_t)((h & 0x3fff) << 2), tg;
	long found = -1;
	uint32_t i;

	for (i = home_slot(h, s->n_slots); (tg = s->tags[i]); i = i + 1 == s->n_slots ? 0 : i + 1) {
		enum ds_kind k = (enum ds_kind)((tg & 3) - 1);
		struct ds_rec r;

		if ((tg & ~3u) != t14 || !(want & 1u << k))
			continue;
		rec_decode(s, s->offs[i], &r);
		if (!key_eq(r.key, q, qlen))
			continue;
		if (k == best_kind)
			return i;
		found = i;
	}
	return found;
}

bool domain_set_match(const struct domain_set *s, const char *name, size_t len,
		      struct ds_hit *hit)
{
	uint64_t hs[DS_MAX_LABELS];
	uint16_t ps[DS_MAX_LABELS];
	uint64_t h = DS_SEED;
	unsigned n = 0;
	const char *dot;
	size_t end = len;

	if (!s || !s->finished || len == 0 || len >= NAME_MAX_TEXT)
		return false;

	/* One right-to-left pass: the hash of every suffix starting after a dot. */
	while ((dot = memrchr(name, '.', end))) {
		size_t i = (size_t)(dot - name);

		h = fold_label(h, dot + 1, end - i - 1);
		end = i;
		if (i + 1 == len)
			continue;	/* a final dot starts no suffix */
		if (n == DS_MAX_LABELS)
			return false;
		hs[n] = h;
		ps[n++] = (uint16_t)(i + 1);
	}
	if (n == DS_MAX_LABELS)
		return false;
	hs[n] = fold_label(h, name, end);
	ps[n++] = 0;

	/*
	 * Each probe is a likely cache miss in a table of megabytes: finish
	 * the hashes and start every load first, so the misses overlap.
	 */
	for (unsigned j = 0; j < n; j++) {
		hs[j] = mix64(hs[j]);
		__builtin_prefetch(&s->tags[home_slot(hs[j], s->n_slots)]);
	}

	/* Longest (most specific) suffix first: the first hit is the answer. */
	while (n--) {
		size_t pos = ps[n];
		unsigned want;
		enum ds_kind best;
		long slot;

		if (pos == 0) {
			want = 1u << DS_EXACT | 1u << DS_SUFFIX;
			best = DS_EXACT;
		} else {
			want = 1u << DS_SUBDOMAINS | 1u << DS_SUFFIX;
			best = DS_SUBDOMAINS;
		}
		slot = probe(s, hs[n], name + pos, len - pos, want, best);
		if (slot >= 0) {
			hit->slot = (uint32_t)slot;
			hit->ref = s->offs[slot];
			hit->kind = (enum ds_kind)((s->tags[slot] & 3) - 1);
			hit->pos = pos;
			return true;
		}
	}
	return false;
}

void domain_set_entry(const struct domain_set *s, const struct ds_hit *hit, struct ds_entry *e)
{
	size_t c = hit->ref >> DS_CHUNK_SHIFT, lo, hi;
	uint32_t off, line;
	struct ds_rec r;

	/* The last marker at or before the record: between this KiB's and the next's. */
	lo = s->chunk_mark[c];
	hi = c + 1 < s->n_chunks ? (size_t)s->chunk_mark[c + 1] + 1 : s->n_marks;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->marks[mid].off <= hit->ref)
			lo = mid;
		else
			hi = mid;
	}
	off = s->marks[lo].off;
	line = s->marks[lo].line;
	for (;;) {
		size_t hl = rec_decode(s, off, &r);

		line += r.delta;
		if (off == hit->ref)
			break;
		off += (uint32_t)(hl + strlen(r.text) + 1);
	}
	e->text = r.text;
	e->name = r.key;
	e->kind = r.kind;
	e->tag = s->marks[lo].tag;
	e->line = line;
}

bool domain_set_find(const struct domain_set *s, enum ds_kind kind, const char *name,
		     size_t len, struct ds_hit *hit)
{
	long slot;

	if (!s || !s->finished || (unsigned)kind > DS_SUBDOMAINS || len == 0 ||
	    len >= NAME_MAX_TEXT)
		return false;
	slot = probe(s, key_hash(name, len), name, len, 1u << kind, kind);
	if (slot < 0)
		return false;
	hit->slot = (uint32_t)slot;
	hit->ref = s->offs[slot];
	hit->kind = kind;
	hit->pos = 0;
	return true;
}

bool domain_set_next(const struct domain_set *s, struct ds_iter *it, struct ds_entry *e)
{
	struct ds_rec r;
	size_t hl;

	if (it->off >= s->len)
		return false;
	/* A marker starts each run: its line is absolute, the records' deltas count from it. */
	if (it->off == 0 || (it->mark + 1 < s->n_marks && s->marks[it->mark + 1].off == it->off)) {
		if (it->off)
			it->mark++;
		it->line = s->marks[it->mark].line;
		it->tag = s->marks[it->mark].tag;
	}
	hl = rec_decode(s, it->off, &r);
	it->line += r.delta;
	e->text = r.text;
	e->name = r.key;
	e->kind = r.kind;
	e->tag = it->tag;
	e->line = it->line;
	e->ref = it->off;
	it->off += (uint32_t)(hl + strlen(r.text) + 1);
	return true;
}

size_t domain_set_slots(const struct domain_set *s)
{
	return s->n_slots;
}

void domain_set_get_stats(const struct domain_set *s, struct ds_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->entries = s->entries;
	memcpy(st->by_kind, s->by_kind, sizeof(st->by_kind));
	st->duplicates = s->duplicates;
	st->bytes = sizeof(*s) + s->cap + s->cap_marks * sizeof(*s->marks) +
		    s->n_chunks * sizeof(*s->chunk_mark) +
		    (size_t)s->n_slots * (sizeof(*s->tags) + sizeof(*s->offs));
}
