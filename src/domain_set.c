// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * domain_set.c - compact suffix index for domain rules (contract in
 * domain_set.h).
 *
 * Sized for lists of millions of names on small routers: an entry costs
 * about three quarters of its text plus two bytes in the arena, and six
 * bytes of hash table per slot; no per-entry struct, no per-entry pointer.
 *
 * Arena record, appended by domain_set_add():
 *
 *   +------+------------------+---------------------------------------+
 *   | head | delta (optional) | name: packed, or raw text and a NUL   |
 *   +------+------------------+---------------------------------------+
 *     head bits 0-1: enum ds_kind
 *     head bit 2:    packed
 *     head bits 3-7: line delta from the previous record, 0..30;
 *                    31 = the delta follows as a LEB128 varint
 *
 * The name is stored without its "=" or "*." (the kind says which).  A
 * name made only of letters, digits, '-', '_' and '.' - every list entry -
 * is packed at 6 bits a character, and a last label found in a table of
 * common TLDs becomes one symbol:
 *
 *   +-------+-------------------------------------------+
 *   | count | count 6-bit symbols, low bits first       |
 *   +-------+-------------------------------------------+
 *     symbols 0-38: "a".."z", "0".."9", "-", "_", "."
 *     symbols 39-63: ".com", ".net", ... (tld_suffix[]), last symbol only
 *
 * Anything else (a name with an escape, over 255 symbols) is stored raw.
 * A look-up compares the few records whose tag matched in packed form,
 * three bytes at a time; names are unpacked only for their text
 * (domain_set_entry, domain_set_next) and to be hashed once, by finish.
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
 * Memory: the arena and the table are anonymous mappings.  The arena grows
 * with mremap(2), so growing never copies and never holds two arenas at
 * once, and the loader reserves it from the file size up front; finish
 * gives the unused tail back.  The table is mapped once, at its final size.
 */
#define _GNU_SOURCE		/* mremap */
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
#define DS_DELTA_ESC 31			/* head value: varint delta follows */
#define DS_PACKED 0x04			/* head bit */
#define DS_ARENA_MIN (64 * 1024)
#define DS_SEED 0xcbf29ce484222325ULL
#define DS_MUL 0x9fb21c651e98df25ULL	/* odd: (h ^ w) * DS_MUL is a bijection in h */
#define DS_SYM_DOT 38
#define DS_SYM_TLD 39			/* first TLD symbol */
#define DS_PACK_MAX 255			/* symbols in a packed name */

struct ds_marker {
	uint32_t off;		/* first record of the run */
	uint32_t tag;
	uint32_t line;		/* line of that first record */
};

struct domain_set {
	char *arena;		/* mapping of @cap bytes, @len used */
	size_t len, cap;
	size_t records;

	struct ds_marker *marks;
	size_t n_marks, cap_marks;
	uint32_t *chunk_mark;	/* per KiB of arena: the marker in force there */
	size_t n_chunks;
	uint32_t last_tag, last_line;
	unsigned since_mark;

	void *table;		/* mapping: @offs then @tags, NULL until finished */
	size_t table_bytes;
	uint16_t *tags;
	uint32_t *offs;
	uint32_t n_slots;
	uint64_t *path;		/* in @table too: the suffix filter (below) */
	uint32_t path_mask;	/* its size in bits, minus one */
	bool finished;

	size_t entries, by_kind[3], duplicates, text_bytes;
};

/* A decoded record. */
struct ds_rec {
	uint32_t delta;
	enum ds_kind kind;
	bool packed;
	const uint8_t *data;	/* the stored name */
	size_t size;		/* bytes from the head to the end of the record */
};

static const char *const prefix[3] = { [DS_SUFFIX] = "", [DS_EXACT] = "=", [DS_SUBDOMAINS] = "*." };
static const size_t prefix_len[3] = { [DS_SUFFIX] = 0, [DS_EXACT] = 1, [DS_SUBDOMAINS] = 2 };

/*
 * Last labels that get a symbol of their own: the most common TLDs of
 * public blocklists (and the last labels of co.uk, com.br and the like),
 * zero-padded to a word so that a look-up compares words.
 */
static const char tld_suffix[64 - DS_SYM_TLD][8] = {
	"com", "net", "org", "ru", "de", "info", "io", "uk", "br", "cn", "jp", "fr", "xyz",
	"top", "biz", "online", "site", "in", "pl", "nl", "it", "es", "co", "me", "us",
};

/* Characters by symbol; a TLD symbol (only ever last) is fixed up after unpacking. */
static const char sym_char[64] = "abcdefghijklmnopqrstuvwxyz0123456789-_.";

/* The symbol + 1 of each byte that packs, 0 for the others. */
static const uint8_t sym1_of[256] = {
	['a'] = 1, ['b'] = 2, ['c'] = 3, ['d'] = 4, ['e'] = 5, ['f'] = 6, ['g'] = 7, ['h'] = 8,
	['i'] = 9, ['j'] = 10, ['k'] = 11, ['l'] = 12, ['m'] = 13, ['n'] = 14, ['o'] = 15,
	['p'] = 16, ['q'] = 17, ['r'] = 18, ['s'] = 19, ['t'] = 20, ['u'] = 21, ['v'] = 22,
	['w'] = 23, ['x'] = 24, ['y'] = 25, ['z'] = 26, ['0'] = 27, ['1'] = 28, ['2'] = 29,
	['3'] = 30, ['4'] = 31, ['5'] = 32, ['6'] = 33, ['7'] = 34, ['8'] = 35, ['9'] = 36,
	['-'] = 37, ['_'] = 38, ['.'] = DS_SYM_DOT + 1,
};

/* The symbol of byte @c; a byte that does not pack gives all bits above the sixth set. */
static inline uint32_t sym_of(char c)
{
	return sym1_of[(uint8_t)c] - 1u;
}

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
 * never past the label.  The length goes in too, so that the padding of a
 * short label cannot make it equal to a longer one.
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

/*
 * The last '.' in the first @n bytes of @p, or NULL.  Eight bytes a step
 * while they hold no dot (the "has a zero byte" word test on the bytes
 * XOR '.', which never misses one), then byte by byte; memrchr's setup
 * costs more than it saves on labels this short.
 */
static inline const char *last_dot(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;

	while (n >= 8) {
		uint64_t x;

		memcpy(&x, p + n - 8, 8);
		x ^= ones * '.';
		if ((x - ones) & ~x & high)
			break;
		n -= 8;
	}
	while (n--) {
		if (p[n] == '.')
			return p + n;
	}
	return NULL;
}

/*
 * The suffix filter: a two-bit-per-key Bloom filter of every suffix of
 * every entry (com, kaspersky.com and upd.kaspersky.com for the entry
 * upd.kaspersky.com), by the same hash a look-up computes per suffix.  A
 * look-up walks a name's suffixes from its last label and stops at the
 * first one the filter has never seen: no entry can end with it, so no
 * longer suffix can be an entry either.  Most names leave after a label or
 * two instead of probing the table once per label.  Bits 14 and up of the
 * hash: the low 14 are the slot tag.
 */
static inline void path_bits(const struct domain_set *s, uint64_t h, uint32_t *a, uint32_t *b)
{
	*a = (uint32_t)(h >> 14) & s->path_mask;
	*b = (uint32_t)(h >> 38) & s->path_mask;
}

static inline bool path_has(const struct domain_set *s, uint64_t h)
{
	uint32_t a, b;

	path_bits(s, h, &a, &b);
	return (s->path[a / 64] >> (a % 64) & 1) && (s->path[b / 64] >> (b % 64) & 1);
}

static inline void path_set(struct domain_set *s, uint64_t h)
{
	uint32_t a, b;

	path_bits(s, h, &a, &b);
	s->path[a / 64] |= UINT64_C(1) << (a % 64);
	s->path[b / 64] |= UINT64_C(1) << (b % 64);
}

/*
 * Hash of a whole key, the same value domain_set_match computes per
 * suffix; with @filter, every suffix of the key also goes into its suffix
 * filter.
 */
static uint64_t key_hash(struct domain_set *filter, const char *k, size_t len)
{
	uint64_t h = DS_SEED;
	const char *dot;

	while ((dot = last_dot(k, len))) {
		size_t l = (size_t)(dot - k);

		h = fold_label(h, dot + 1, len - l - 1);
		if (filter)
			path_set(filter, mix64(h));
		len = l;
	}
	h = mix64(fold_label(h, k, len));
	if (filter)
		path_set(filter, h);
	return h;
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

/* ---- records ------------------------------------------------------------ */

static size_t rec_decode(const struct domain_set *s, uint32_t off, struct ds_rec *r)
{
	const uint8_t *p = (const uint8_t *)s->arena + off;
	size_t i = 1;

	r->kind = (enum ds_kind)(p[0] & 3);
	r->packed = p[0] & DS_PACKED;
	r->delta = p[0] >> 3;
	if (r->delta == DS_DELTA_ESC) {
		unsigned shift = 0;

		r->delta = 0;
		do {
			r->delta |= (uint32_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80);
	}
	r->data = p + i;
	if (r->packed)
		r->size = i + 1 + ((size_t)r->data[0] * 6 + 7) / 8;
	else
		r->size = i + strlen((const char *)r->data) + 1;
	return i;
}

/* Up to 4 symbols from @nbytes bytes at @p, low bits first. */
static inline uint32_t load_syms(const uint8_t *p, size_t nbytes)
{
	uint32_t v = 0;

	for (size_t i = 0; i < nbytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* The stored name as text into @out (NAME_MAX_TEXT bytes); returns its length. */
static size_t rec_name(const struct ds_rec *r, char *out)
{
	const uint8_t *p = r->data + 1;
	unsigned count = r->data[0], i, last = 0;
	size_t n;

	if (!r->packed) {
		n = strlen((const char *)r->data);
		memcpy(out, r->data, n + 1);
		return n;
	}
	/* Four symbols in three bytes at a time, then the 1-3 left over. */
	for (i = 0; i + 4 <= count; i += 4, p += 3) {
		uint32_t v = load_syms(p, 3);

		out[i] = sym_char[v & 63];
		out[i + 1] = sym_char[(v >> 6) & 63];
		out[i + 2] = sym_char[(v >> 12) & 63];
		out[i + 3] = sym_char[(v >> 18) & 63];
		last = v >> 18;
	}
	if (i < count) {
		uint32_t v = load_syms(p, ((count - i) * 6 + 7) / 8);

		for (; i < count; i++, v >>= 6)
			out[i] = sym_char[last = v & 63];
	}
	n = count;
	if (count && last >= DS_SYM_TLD) {
		const char *t = tld_suffix[last - DS_SYM_TLD];
		size_t tl = strlen(t);

		out[n - 1] = '.';
		memcpy(out + n, t, tl);
		n += tl;
	}
	out[n] = '\0';
	return n;
}

/* Symbol @i of a packed name (@p: the bytes after the count). */
static inline unsigned sym_at(const uint8_t *p, unsigned i)
{
	size_t bit = (size_t)i * 6;
	unsigned v = p[bit / 8];

	if (bit % 8 > 2)
		v |= (unsigned)p[bit / 8 + 1] << 8;
	return (v >> (bit % 8)) & 63;
}

/*
 * Is the packed name @r exactly @len bytes of @q?  Compared in the packed
 * form, four symbols (three bytes) at a time, without unpacking: a query
 * byte that has no symbol gives 63, which no stored body symbol is.
 */
static bool packed_eq(const struct ds_rec *r, const char *q, size_t len)
{
	const uint8_t *p = r->data + 1;
	unsigned count = r->data[0], last;
	size_t body = len, i;

	if (count == 0)
		return len == 0;
	last = sym_at(p, count - 1);
	if (last >= DS_SYM_TLD) {
		const char *t = tld_suffix[last - DS_SYM_TLD];
		size_t tl = strlen(t);

		if (len < tl + 1 || q[len - tl - 1] != '.' || memcmp(q + len - tl, t, tl) != 0)
			return false;
		body = len - tl - 1;
		if (body + 1 != count)
			return false;
	} else if (len != count) {
		return false;
	}
	for (i = 0; i + 4 <= body; i += 4, p += 3) {
		uint32_t v = sym_of(q[i]) & 63;

		v |= (sym_of(q[i + 1]) & 63) << 6 | (sym_of(q[i + 2]) & 63) << 12 |
		     (sym_of(q[i + 3]) & 63) << 18;
		if (v != load_syms(p, 3))
			return false;
	}
	for (unsigned k = 0; i < body; i++, k++) {
		if ((sym_of(q[i]) & 63) != sym_at(p, k))
			return false;
	}
	return true;
}

/* Is the stored name exactly @len bytes of @q? */
static bool rec_eq(const struct ds_rec *r, const char *q, size_t len)
{
	const char *k = (const char *)r->data;

	if (r->packed)
		return packed_eq(r, q, len);
	/* Stops at the stored NUL: never reads past the record. */
	for (size_t i = 0; i < len; i++) {
		if (k[i] == '\0' || k[i] != q[i])
			return false;
	}
	return k[len] == '\0';
}

/* The symbol of the TLD @t (@n bytes), or 0: compared a word at a time. */
static unsigned tld_symbol(const char *t, size_t n)
{
	uint64_t w = 0, x;

	if (n == 0 || n >= 8)
		return 0;
	memcpy(&w, t, n);
	for (size_t i = 0; i < ARRAY_SIZE(tld_suffix); i++) {
		memcpy(&x, tld_suffix[i], sizeof(x));
		if (x == w)
			return DS_SYM_TLD + (unsigned)i;
	}
	return 0;
}

/*
 * Pack @name into @out (1 + 192 bytes at most) if it can be: every byte a
 * symbol, at most DS_PACK_MAX symbols.  Returns the bytes written, or 0.
 */
static size_t pack(const char *name, size_t len, uint8_t *out)
{
	const char *dot = last_dot(name, len);
	size_t body = len, count, i;
	uint32_t tld = 0, bad = 0;
	unsigned k = 0;
	uint8_t *o = out + 1;
	uint32_t v = 0;

	if (dot && dot > name) {
		tld = tld_symbol(dot + 1, len - (size_t)(dot - name) - 1);
		if (tld)
			body = (size_t)(dot - name);
	}
	count = body + (tld != 0);
	if (count > DS_PACK_MAX)
		return 0;
	out[0] = (uint8_t)count;
	for (i = 0; i + 4 <= body; i += 4, o += 3) {
		uint32_t a = sym_of(name[i]), b = sym_of(name[i + 1]);
		uint32_t c = sym_of(name[i + 2]), d = sym_of(name[i + 3]);

		bad |= a | b | c | d;
		v = a | b << 6 | c << 12 | d << 18;
		o[0] = (uint8_t)v;
		o[1] = (uint8_t)(v >> 8);
		o[2] = (uint8_t)(v >> 16);
	}
	/* The 0-3 symbols left, and the TLD's: at most four, in the last 1-3 bytes. */
	v = 0;
	for (; i < body; i++, k++) {
		bad |= sym_of(name[i]);
		v |= (sym_of(name[i]) & 63) << (6 * k);
	}
	if (tld)
		v |= tld << (6 * k++);
	for (unsigned b = 0; b < (k * 6 + 7) / 8; b++)
		*o++ = (uint8_t)(v >> (8 * b));
	return bad & ~63u ? 0 : (size_t)(o - out);
}

/* ---- building ----------------------------------------------------------- */

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
	if (s->table)
		munmap(s->table, s->table_bytes);
	free(s->marks);
	free(s->chunk_mark);
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

/*
 * An anonymous mapping: pages are backed when first written, so reserved
 * room costs address space only.  (Transparent huge pages were tried: they
 * back the reserved tail in 2 MiB steps and made no measurable difference
 * to look-ups.)
 */
static void *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
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
	if (s->arena) {
		p = mremap(s->arena, s->cap, cap, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return -ENOMEM;
	} else if (!(p = map(cap))) {
		return -ENOMEM;
	}
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
	uint8_t hdr[6], packed[1 + (DS_PACK_MAX * 6 + 7) / 8];
	size_t hlen = 1, plen, need;
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
	plen = pack(name, len, packed);
	hdr[0] = (uint8_t)(kind | (plen ? DS_PACKED : 0));
	if (delta < DS_DELTA_ESC) {
		hdr[0] |= (uint8_t)(delta << 3);
	} else {
		hdr[0] |= DS_DELTA_ESC << 3;
		do {
			hdr[hlen++] = (uint8_t)((delta & 0x7f) | (delta > 0x7f ? 0x80 : 0));
			delta >>= 7;
		} while (delta);
	}

	need = hlen + (plen ? plen : len + 1);
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
	if (plen) {
		memcpy(p, packed, plen);
	} else {
		memcpy(p, name, len);
		p[len] = '\0';
	}
	s->len += need;
	s->records++;
	s->since_mark++;
	s->last_tag = tag;
	s->last_line = line;
	return 0;
}

/* Insert the record at @off, of name @key (hash @h), or count it as a repeat. */
static void insert(struct domain_set *s, uint32_t off, const char *key, size_t klen, uint64_t h)
{
	struct ds_rec r, o;
	uint32_t i;
	uint16_t t;

	rec_decode(s, off, &r);
	t = slot_tag(h, r.kind);
	for (i = home_slot(h, s->n_slots); s->tags[i]; i = i + 1 == s->n_slots ? 0 : i + 1) {
		if (s->tags[i] != t)
			continue;
		rec_decode(s, s->offs[i], &o);
		if (rec_eq(&o, key, klen)) {
			s->duplicates++;
			return;
		}
	}
	s->tags[i] = t;
	s->offs[i] = off;
	s->entries++;
	s->by_kind[r.kind]++;
	s->text_bytes += prefix_len[r.kind] + klen + 1;
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
		uint16_t len;
		uint64_t h;
		char name[NAME_MAX_TEXT];
	} *ring;
	size_t n, off = 0, k = 0, pbits, path_off;
	struct ds_rec r;

	if (s->finished)
		return 0;
	/* Load factor 2/3: short probe runs for the misses that dominate look-ups. */
	n = s->records + s->records / 2 + 1;
	if (n < 8)
		n = 8;
	if (n > UINT32_MAX)
		return -ENOMEM;
	/* The suffix filter: 16 bits a record (most suffixes are shared). */
	pbits = 4096;
	while (pbits < s->records * 16 && pbits < (UINT64_C(1) << 32))
		pbits *= 2;
	path_off = (n * (sizeof(*s->tags) + sizeof(*s->offs)) + 7) & ~(size_t)7;
	s->n_chunks = (s->len >> DS_CHUNK_SHIFT) + 1;
	s->chunk_mark = malloc(s->n_chunks * sizeof(*s->chunk_mark));
	s->table_bytes = page_round(path_off + pbits / 8);
	s->table = map(s->table_bytes);
	ring = malloc(DS_AHEAD * sizeof(*ring));
	if (!s->chunk_mark || !s->table || !ring) {
		free(s->chunk_mark);
		free(ring);
		if (s->table)
			munmap(s->table, s->table_bytes);
		s->chunk_mark = NULL;
		s->table = NULL;
		return -ENOMEM;
	}
	/* offs first: it is 4-byte aligned at the start of the mapping. */
	s->offs = s->table;
	s->tags = (uint16_t *)(s->offs + n);
	s->n_slots = (uint32_t)n;
	s->path = (uint64_t *)((char *)s->table + path_off);
	s->path_mask = (uint32_t)(pbits - 1);
	/* The first marker starts at offset 0, so every boundary has one in force. */
	for (size_t c = 0, m = 0; c < s->n_chunks; c++) {
		while (m + 1 < s->n_marks && s->marks[m + 1].off <= c << DS_CHUNK_SHIFT)
			m++;
		s->chunk_mark[c] = (uint32_t)m;
	}

	while (off < s->len) {
		size_t klen, j = k % DS_AHEAD;
		uint64_t h;

		/* The slot's ring entry is free again once its insert is done. */
		if (k >= DS_AHEAD)
			insert(s, ring[j].off, ring[j].name, ring[j].len, ring[j].h);
		rec_decode(s, (uint32_t)off, &r);
		klen = rec_name(&r, ring[j].name);
		h = key_hash(s, ring[j].name, klen);
		__builtin_prefetch(&s->tags[home_slot(h, s->n_slots)], 1);
		ring[j].off = (uint32_t)off;
		ring[j].len = (uint16_t)klen;
		ring[j].h = h;
		k++;
		off += r.size;
	}
	for (size_t j = k > DS_AHEAD ? k - DS_AHEAD : 0; j < k; j++) {
		size_t x = j % DS_AHEAD;

		insert(s, ring[x].off, ring[x].name, ring[x].len, ring[x].h);
	}
	free(ring);

	/* Give back the arena's unused pages (in place: pointers stay valid). */
	if (s->arena && page_round(s->len) < s->cap) {
		size_t keep = page_round(s->len ? s->len : 1);

		if (munmap(s->arena + keep, s->cap - keep) == 0)
			s->cap = keep;
	}
	s->finished = true;
	return 0;
}

/* ---- looking up --------------------------------------------------------- */

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
		if (!rec_eq(&r, q, qlen))
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

	/* An empty set (the usual exception set) costs no hashing. */
	if (!s || !s->finished || !s->entries || len == 0 || len >= NAME_MAX_TEXT)
		return false;

	/* One right-to-left pass: the hash of every suffix starting after a dot. */
	while ((dot = last_dot(name, end))) {
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
	 * Only the suffixes the filter knows, from the last label on, can be
	 * entries.  Each probe is a likely cache miss in a table of
	 * megabytes: start every load first, so the misses overlap.
	 */
	for (unsigned j = 0; j < n; j++) {
		hs[j] = mix64(hs[j]);
		if (!path_has(s, hs[j])) {
			n = j;
			break;
		}
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

/* The text ("=name" for an exact entry) of the record @r into @e->buf. */
static void fill_entry(const struct ds_rec *r, struct ds_entry *e)
{
	size_t pl = prefix_len[r->kind];

	memcpy(e->buf, prefix[r->kind], pl);
	rec_name(r, e->buf + pl);
	e->text = e->buf;
	e->name = e->buf + pl;
	e->kind = r->kind;
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
		rec_decode(s, off, &r);
		line += r.delta;
		if (off == hit->ref)
			break;
		off += (uint32_t)r.size;
	}
	fill_entry(&r, e);
	e->tag = s->marks[lo].tag;
	e->line = line;
	e->ref = hit->ref;
}

bool domain_set_find(const struct domain_set *s, enum ds_kind kind, const char *name,
		     size_t len, struct ds_hit *hit)
{
	long slot;

	if (!s || !s->finished || (unsigned)kind > DS_SUBDOMAINS || len == 0 ||
	    len >= NAME_MAX_TEXT)
		return false;
	slot = probe(s, key_hash(NULL, name, len), name, len, 1u << kind, kind);
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

	if (it->off >= s->len)
		return false;
	/* A marker starts each run: its line is absolute, the records' deltas count from it. */
	if (it->off == 0 || (it->mark + 1 < s->n_marks && s->marks[it->mark + 1].off == it->off)) {
		if (it->off)
			it->mark++;
		it->line = s->marks[it->mark].line;
		it->tag = s->marks[it->mark].tag;
	}
	rec_decode(s, it->off, &r);
	it->line += r.delta;
	fill_entry(&r, e);
	e->tag = it->tag;
	e->line = it->line;
	e->ref = it->off;
	it->off += (uint32_t)r.size;
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
	st->text_bytes = s->text_bytes;
	st->bytes = sizeof(*s) + (s->finished ? s->cap : s->len) +
		    s->cap_marks * sizeof(*s->marks) + s->n_chunks * sizeof(*s->chunk_mark) +
		    s->table_bytes;
}
