// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * domain_set.h - a compact, immutable index of domain rules, matched on
 * label boundaries.
 *
 * Built in two phases: domain_set_add() appends entries to one arena
 * (nothing else is allocated per entry; names are packed at 6 bits a
 * character), domain_set_finish() sizes an open-addressing hash table once,
 * for the final count.  After that the set
 * is only read; look-ups allocate nothing and may run in several threads.
 *
 * Three kinds of entry, as in the blocklist format (blocklist.h):
 *
 *   DS_SUFFIX      "example.com"    example.com and every subdomain
 *   DS_EXACT       "=example.com"   example.com only
 *   DS_SUBDOMAINS  "*.example.com"  a.example.com, a.b.example.com, not
 *                                   example.com itself
 *
 * Names are expected in canonical form (name.h): lower case, no trailing
 * dot, no empty label.  The set compares bytes; it does not canonicalise.
 */
#ifndef EMBARGO_DOMAIN_SET_H
#define EMBARGO_DOMAIN_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"

enum ds_kind {
	DS_SUFFIX = 0,
	DS_EXACT = 1,
	DS_SUBDOMAINS = 2,
};

/* A name with more labels than this never matches (canonical names have <= 127). */
#define DS_MAX_LABELS 128

struct domain_set;

/* The entry a look-up found.  Valid as long as the set. */
struct ds_hit {
	uint32_t slot;		/* stable id of the entry, < domain_set_slots() */
	uint32_t ref;		/* internal: where the entry is stored */
	enum ds_kind kind;
	size_t pos;		/* offset in the looked-up name where the matched
				 * (sub)name starts: 0 for the whole name */
};

/*
 * Everything stored about one entry (domain_set_entry, domain_set_next).
 * The index keeps names packed, so the text is rebuilt into @buf: @text
 * and @name are valid as long as this struct.
 */
struct ds_entry {
	const char *text;	/* "name", "=name" or "*.name", NUL-terminated */
	const char *name;	/* the name alone (points into @text) */
	enum ds_kind kind;
	uint32_t tag;		/* caller's value given to domain_set_add() */
	uint32_t line;		/* likewise */
	uint32_t ref;		/* where the entry is stored (as ds_hit.ref) */
	char buf[NAME_MAX_TEXT + 2];
};

struct ds_stats {
	size_t entries;		/* distinct entries in the index */
	size_t by_kind[3];	/* entries per enum ds_kind */
	size_t duplicates;	/* repeated (kind, name) pairs, ignored */
	size_t bytes;		/* memory held: arena, table, line markers */
	size_t text_bytes;	/* the texts of all entries, NULs included: what
				 * copies of every entry's text would take */
};

/* domain_set_new - an empty set, or NULL (errno ENOMEM).  Free with domain_set_free(). */
struct domain_set *domain_set_new(void);

/* domain_set_free - free @s and its arena; NULL is a no-op. */
void domain_set_free(struct domain_set *s);

/*
 * domain_set_add - append an entry.  @name/@len: canonical name without the
 * "=" or "*." prefix (1 .. NAME_MAX_TEXT-1 bytes, no NUL, at most
 * DS_MAX_LABELS labels).  @tag and @line are stored for domain_set_entry();
 * the set is smallest when consecutive entries share @tag and have rising
 * @line numbers, as they do when read from a file.
 * Returns 0, -EINVAL (bad name or kind, or the set is finished), -E2BIG
 * (the arena would pass 4 GiB) or -ENOMEM.  Never sets errno.
 * A repeated (kind, name) is accepted here and dropped by finish: the first
 * one added wins.
 */
int domain_set_add(struct domain_set *s, enum ds_kind kind, const char *name, size_t len,
		   uint32_t tag, uint32_t line);

/*
 * domain_set_reserve - make room for about @bytes more of entry text (the
 * size of the file about to be read), so that the arena grows once.  The
 * arena is mapped memory: reserved room that is never written costs address
 * space, not RAM, and growing never copies.  Returns 0 or -ENOMEM.
 */
int domain_set_reserve(struct domain_set *s, size_t bytes);

/*
 * domain_set_finish - build the index.  After it, domain_set_add() fails
 * and look-ups work.  Returns 0 or -ENOMEM (the set is then unchanged and
 * finish may be retried).  Calling it twice is harmless.
 */
int domain_set_finish(struct domain_set *s);

/*
 * domain_set_match - find the most specific entry covering @name (@len
 * bytes, canonical, no NUL needed).  The suffixes of @name are tried at
 * label boundaries from the whole name down to the last label, and the
 * first that has an entry of a kind that applies wins:
 *   - at the whole name: DS_EXACT, else DS_SUFFIX;
 *   - at a shorter suffix: DS_SUBDOMAINS, else DS_SUFFIX.
 * Returns true and fills @hit, or false (also for an unfinished set, an
 * empty name or one with more than DS_MAX_LABELS labels).
 * O(labels) hash probes, no allocation, read-only.
 */
bool domain_set_match(const struct domain_set *s, const char *name, size_t len,
		      struct ds_hit *hit);

/*
 * domain_set_entry - the text, tag and line of a hit.  Slower than a match
 * (it walks at most a few dozen entries to rebuild the line number and
 * unpacks the name), so callers resolve only the hits they report, once.
 */
void domain_set_entry(const struct domain_set *s, const struct ds_hit *hit, struct ds_entry *e);

/*
 * domain_set_find - the entry the index keeps for exactly (@kind, @name):
 * the first one added when the pair was added more than once.  Returns
 * true and fills @hit (pos 0), or false.
 */
bool domain_set_find(const struct domain_set *s, enum ds_kind kind, const char *name,
		     size_t len, struct ds_hit *hit);

/*
 * Every entry in the order added, repeats included (a repeat's e->ref is not
 * that of any hit).  Start with a zeroed struct ds_iter; works before and
 * after finish.
 */
struct ds_iter {
	uint32_t off, mark, line, tag;
};
bool domain_set_next(const struct domain_set *s, struct ds_iter *it, struct ds_entry *e);

/* domain_set_slots - the bound on ds_hit.slot (0 before finish). */
size_t domain_set_slots(const struct domain_set *s);

void domain_set_get_stats(const struct domain_set *s, struct ds_stats *st);

#endif
