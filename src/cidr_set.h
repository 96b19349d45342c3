// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cidr_set.h - IPv4 and IPv6 prefixes with longest-prefix match.
 *
 * Built in two phases like domain_set.h: cidr_set_add() appends,
 * cidr_set_finish() sorts once; after that the set is only read and
 * look-ups allocate nothing.  Each prefix carries a caller's 32-bit value
 * (the blocklist stores a rule index there).
 *
 * Also the text helpers for prefixes ("77.74.176.0/21", "2a03:2480::/33"):
 * parsing, the host-bits check and the canonical form.
 */
#ifndef EMBARGO_CIDR_SET_H
#define EMBARGO_CIDR_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Longest text form: a full IPv6 address, "/128" and the NUL. */
#define CIDR_STRLEN (ADDR_STRLEN + 4)

struct cidr_set;

struct cidr_stats {
	size_t entries;		/* distinct prefixes */
	size_t v4, v6;
	size_t duplicates;	/* repeated prefixes, ignored (the first one added wins) */
	size_t bytes;
};

/* cidr_set_new - an empty set, or NULL (errno ENOMEM).  Free with cidr_set_free(). */
struct cidr_set *cidr_set_new(void);

/* cidr_set_free - NULL is a no-op. */
void cidr_set_free(struct cidr_set *s);

/*
 * cidr_set_add - add @net/@plen with @value.  Returns 0, -EINVAL (family
 * not AF_INET/AF_INET6, @plen over 32/128, host bits set in @net, or the
 * set is finished) or -ENOMEM.  Never sets errno.
 */
int cidr_set_add(struct cidr_set *s, const struct addr *net, unsigned plen, uint32_t value);

/* cidr_set_finish - sort and index.  Returns 0 or -ENOMEM; idempotent. */
int cidr_set_finish(struct cidr_set *s);

/*
 * cidr_set_lookup - the longest prefix of a finished set that contains @a.
 * Returns true and sets *value and *plen (either may be NULL), or false.
 * At most one binary search per distinct prefix length present.
 */
bool cidr_set_lookup(const struct cidr_set *s, const struct addr *a, uint32_t *value,
		     unsigned *plen);

/*
 * cidr_set_lookup_max - the same, among the prefixes of at most @max_plen
 * bits only (for "which shorter prefix covers this one").
 */
bool cidr_set_lookup_max(const struct cidr_set *s, const struct addr *a, unsigned max_plen,
			 uint32_t *value, unsigned *plen);

void cidr_set_get_stats(const struct cidr_set *s, struct cidr_stats *st);

/*
 * cidr_set_parse - parse "ADDR/LEN" or a bare "ADDR" (meaning /32 or /128)
 * from @len bytes of @text (no NUL needed).  ADDR is a dotted quad or IPv6
 * text as inet_pton(3) takes it; LEN is 1-3 decimal digits.  Host bits are
 * NOT checked here (see cidr_set_host_bits), so that callers can say what
 * the network would have been.  Returns 0, -EINVAL for a bad address or
 * syntax, -ERANGE for a bad length.
 */
int cidr_set_parse(const char *text, size_t len, struct addr *net, unsigned *plen);

/* cidr_set_host_bits - true if @net has a bit set after the first @plen. */
bool cidr_set_host_bits(const struct addr *net, unsigned plen);

/* cidr_set_mask - clear every bit of @a after the first @plen. */
void cidr_set_mask(struct addr *a, unsigned plen);

/*
 * cidr_set_format - "ADDR/LEN" in canonical form (RFC 5952 for IPv6) into
 * @buf of @size (CIDR_STRLEN suffices).  Returns @buf.
 */
char *cidr_set_format(const struct addr *net, unsigned plen, char *buf, size_t size);

#endif
