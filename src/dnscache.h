// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnscache.h - addresses learned from DNS answers for blocked names.
 *
 * When a DNS response whose CNAME chain reaches a blocked name carries A or
 * AAAA records, those addresses are remembered for their TTL (bounded by
 * @max_ttl and at least @min_ttl), so a later connection to one of them is
 * recognised even when it shows no name (ECH, a client with a cached
 * answer, QUIC without SNI).  The set is bounded: when full, the entry
 * inserted longest ago makes room (counted).
 *
 * Entries point at blocklist rules: clear the cache whenever the blocklist
 * they came from is replaced.
 */
#ifndef EMBARGO_DNSCACHE_H
#define EMBARGO_DNSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "blocklist.h"

#define DNSCACHE_NAME_MAX 255
#define DNSCACHE_PREFIX "learned:"

struct learned {
	struct addr a;
	int64_t expires_us;
	const struct bl_rule *orig;	/* the rule that blocked the name */
	struct bl_rule rule;		/* text "learned:NAME", orig's section */
	const char *name;		/* points into text */
	char text[sizeof(DNSCACHE_PREFIX) + DNSCACHE_NAME_MAX];
	uint32_t hnext;			/* chain index */
	bool used;
};

struct dnscache;

/* dnscache_new - @max entries.  NULL + errno on failure. */
struct dnscache *dnscache_new(size_t max, uint32_t min_ttl_s, uint32_t max_ttl_s);
void dnscache_free(struct dnscache *c);
void dnscache_clear(struct dnscache *c);

/*
 * dnscache_add - remember @a for @name (blocked by @rule) until now + ttl.
 * A name longer than DNSCACHE_NAME_MAX is not learned (counted).
 */
void dnscache_add(struct dnscache *c, const struct addr *a, const char *name, size_t len,
		  const struct bl_rule *rule, uint32_t ttl_s, int64_t now_us);

/* dnscache_lookup - the live entry for @a at @now_us, or NULL. */
const struct learned *dnscache_lookup(struct dnscache *c, const struct addr *a,
				      int64_t now_us);

struct dnscache_stats {
	uint64_t added, refreshed, evicted, too_long, hits;
	size_t active, max, bytes;
};
void dnscache_get_stats(const struct dnscache *c, struct dnscache_stats *st);

#endif
