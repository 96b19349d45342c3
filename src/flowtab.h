// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flowtab.h - a bounded table of flows (TCP/UDP 5-tuples, both directions
 * folded into one entry) with an idle timeout and least-recently-used
 * eviction.
 *
 * Entries live in one preallocated array of @max entries, so memory is fixed
 * at creation: max * sizeof(struct flow) plus the hash index, plus the
 * optional per-flow name lists (capped, counted in flowtab_bytes()).
 * Pointers to entries stay valid until the entry is evicted, expired or
 * removed; callers must not keep them across another flowtab_get().
 */
#ifndef EMBARGO_FLOWTAB_H
#define EMBARGO_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "blocklist.h"
#include "policy.h"

/* Canonical key: the lower (address, port) endpoint first. */
struct flow_key {
	struct addr lo, hi;
	uint16_t lo_port, hi_port;
	uint8_t proto;
};

enum flow_state_flags {
	FLOW_CLIENT_IS_LO = 1U << 0,	/* the client is the "lo" endpoint */
	FLOW_FINAL = 1U << 1,		/* verdict settled: stop inspecting */
	FLOW_MATCHED = 1U << 2,		/* a block rule matched this flow */
	FLOW_NAME_DONE = 1U << 3,	/* the stream's name was extracted (TLS/HTTP) */
	FLOW_STREAM_GAVE_UP = 1U << 4,	/* not TLS/HTTP/DNS: no more to look for */
	FLOW_HAVE_ISN = 1U << 5,	/* isn holds the client's initial sequence */
	FLOW_LEARNED = 1U << 6,		/* the server address was learned from DNS */
	FLOW_DNS = 1U << 7,		/* DNS recognised by content off port 53 */
	FLOW_HAVE_SISN = 1U << 8,	/* sisn holds the server's initial sequence */
	FLOW_MATCH_LEARNED = 1U << 9,	/* match is a learned-address rule */
};

#define FLOW_INLINE_NAMES 4
#define FLOW_MAX_NAMES 4096		/* names remembered per flow */

struct flow {
	struct flow_key key;
	uint64_t id;			/* unique, increasing */
	int64_t first_us, last_us;
	uint32_t flags;
	uint32_t packets;
	enum action verdict_action;	/* once FLOW_MATCHED and enforced */
	bool verdict_enforced;
	const struct bl_rule *match;	/* first matched rule, if any */
	uint32_t isn;			/* client ISN (FLOW_HAVE_ISN) */
	uint32_t sisn;			/* server ISN (FLOW_HAVE_SISN) */
	void *ext;			/* engine state for reassembly/QUIC, owned
					 * through the table's ext_free callback */
	/* names already reported for this flow (hashes) */
	uint32_t n_names, cap_names;
	uint64_t names_inline[FLOW_INLINE_NAMES];
	uint64_t *names_heap;
	/* table links (indices; UINT32_MAX = none) */
	uint32_t hnext, lru_prev, lru_next;
};

struct flowtab;

/* flowtab_new - @max entries (>= 16), @timeout_us idle time.  NULL + errno on failure. */
struct flowtab *flowtab_new(size_t max, int64_t timeout_us);

/*
 * flowtab_set_ext_free - @fn(@ctx, ext) is called for a non-NULL flow->ext
 * whenever a flow leaves the table (eviction, expiry, flowtab_free).
 */
void flowtab_set_ext_free(struct flowtab *t, void (*fn)(void *ctx, void *ext), void *ctx);
void flowtab_free(struct flowtab *t);

/*
 * flowtab_key - build the canonical key for a packet from @src:@sport to
 * @dst:@dport; *@from_lo tells whether the sender is the "lo" endpoint.
 */
void flowtab_key(struct flow_key *k, const struct addr *src, uint16_t sport,
		 const struct addr *dst, uint16_t dport, uint8_t proto, bool *from_lo);

/*
 * flowtab_get - find the flow for @k, or create it (evicting the least
 * recently used entry when full); *@created says which.  Marks it used at
 * @now_us.  Never fails.
 */
struct flow *flowtab_get(struct flowtab *t, const struct flow_key *k, int64_t now_us,
			 bool *created);

/*
 * flowtab_name_seen - remember that @hash was reported on @f.  Returns true
 * if it was already there.  When the per-flow list is full (FLOW_MAX_NAMES)
 * or memory runs out it returns false without remembering (a repeat may be
 * reported again; counted in names_overflow).
 */
bool flowtab_name_seen(struct flowtab *t, struct flow *f, uint64_t hash);

/*
 * flowtab_for_each - call @fn(@ctx, flow) for every flow in the table,
 * most recently used first.  @fn may change the flow's fields but not add
 * or remove flows.
 */
void flowtab_for_each(struct flowtab *t, void (*fn)(void *ctx, struct flow *f), void *ctx);

/* flowtab_expire - remove flows idle since before @now_us - timeout. */
size_t flowtab_expire(struct flowtab *t, int64_t now_us);

struct flowtab_stats {
	uint64_t created, evicted, expired, names_overflow;
	size_t active, max, bytes;
};
void flowtab_get_stats(const struct flowtab *t, struct flowtab_stats *st);

#endif
