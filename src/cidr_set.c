// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cidr_set.c - longest-prefix match over sorted prefixes (contract in
 * cidr_set.h).
 *
 * Every prefix becomes a 128-bit key (IPv4 in the top 32 bits), and
 * finish sorts the entries by family, then by prefix length from the
 * longest, then by key.  Each (family, length) run is a "group":
 *
 *   v4 groups:  /32 [k k k]  /24 [k k]  /21 [k]  ...
 *   v6 groups:  /128 [...]   /48 [...]  /33 [k k] ...
 *
 * A look-up masks the address to each group's length in turn, longest
 * first, and binary-searches the group: the first hit is the longest
 * prefix.  There are at most 33 (IPv4) or 129 (IPv6) groups, and in real
 * lists a dozen.  A trie would save the repeated searches but costs
 * pointers per node; lists of prefixes are small next to domain lists, and
 * this layout is two flat arrays with no pointers at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr_set.h"
#include "util.h"

struct cidr_entry {
	uint64_t hi, lo;	/* masked network, big-endian bit order */
	uint32_t value;
	uint32_t seq;		/* insertion order: the first of equal prefixes wins */
	uint8_t plen;
	uint8_t v6;
};

struct cidr_group {
	uint32_t start, end;	/* [start, end) in entries */
	uint8_t plen;
};

struct cidr_set {
	struct cidr_entry *e;
	size_t n, cap;
	struct cidr_group *g[2];	/* [0] IPv4, [1] IPv6, longest first */
	size_t n_g[2];
	size_t v4, v6, duplicates;
	bool finished;
};

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void key_of(const struct addr *a, uint64_t *hi, uint64_t *lo)
{
	if (a->af == AF_INET) {
		*hi = (uint64_t)a->a[0] << 56 | (uint64_t)a->a[1] << 48 |
		      (uint64_t)a->a[2] << 40 | (uint64_t)a->a[3] << 32;
		*lo = 0;
	} else {
		*hi = be64(a->a);
		*lo = be64(a->a + 8);
	}
}

/* Keep the first @plen bits of the 128-bit key. */
static void key_mask(uint64_t *hi, uint64_t *lo, unsigned plen)
{
	if (plen == 0) {
		*hi = *lo = 0;
	} else if (plen < 64) {
		*hi &= ~UINT64_C(0) << (64 - plen);
		*lo = 0;
	} else if (plen < 128) {
		*lo &= plen == 64 ? 0 : ~UINT64_C(0) << (128 - plen);
	}
}

static unsigned max_plen(const struct addr *a)
{
	return a->af == AF_INET ? 32 : 128;
}

struct cidr_set *cidr_set_new(void)
{
	return calloc(1, sizeof(struct cidr_set));
}

void cidr_set_free(struct cidr_set *s)
{
	if (!s)
		return;
	free(s->e);
	free(s->g[0]);
	free(s->g[1]);
	free(s);
}

int cidr_set_add(struct cidr_set *s, const struct addr *net, unsigned plen, uint32_t value)
{
	struct cidr_entry *e;

	if (s->finished || (net->af != AF_INET && net->af != AF_INET6) ||
	    plen > max_plen(net) || cidr_set_host_bits(net, plen))
		return -EINVAL;
	if (s->n == UINT32_MAX)
		return -ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		if (cap > SIZE_MAX / sizeof(*e))
			return -ENOMEM;
		e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	e = &s->e[s->n];
	key_of(net, &e->hi, &e->lo);
	e->value = value;
	e->seq = (uint32_t)s->n;
	e->plen = (uint8_t)plen;
	e->v6 = net->af == AF_INET6;
	s->n++;
	return 0;
}

static int key_cmp(uint64_t ahi, uint64_t alo, uint64_t bhi, uint64_t blo)
{
	if (ahi != bhi)
		return ahi < bhi ? -1 : 1;
	if (alo != blo)
		return alo < blo ? -1 : 1;
	return 0;
}

/* Family, then longest prefix first, then key, then insertion order. */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct cidr_entry *a = pa, *b = pb;
	int c;

	if (a->v6 != b->v6)
		return a->v6 < b->v6 ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	c = key_cmp(a->hi, a->lo, b->hi, b->lo);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int cidr_set_finish(struct cidr_set *s)
{
	struct cidr_group *g[2] = { NULL, NULL };
	size_t n_g[2] = { 0, 0 }, i, j = 0;

	if (s->finished)
		return 0;
	/* Allocate first, so that a failure leaves the set as it was. */
	for (int f = 0; f < 2; f++) {
		g[f] = calloc(f ? 129 : 33, sizeof(*g[f]));
		if (!g[f]) {
			free(g[0]);
			return -ENOMEM;
		}
	}
	if (s->n)
		qsort(s->e, s->n, sizeof(*s->e), entry_cmp);

	/* Drop repeats, keeping the earliest (sorted first), and cut groups. */
	for (i = 0; i < s->n; i++) {
		const struct cidr_entry *e = &s->e[i];
		struct cidr_group *cur;

		if (j > 0 && s->e[j - 1].v6 == e->v6 && s->e[j - 1].plen == e->plen &&
		    s->e[j - 1].hi == e->hi && s->e[j - 1].lo == e->lo) {
			s->duplicates++;
			continue;
		}
		s->e[j] = *e;
		cur = n_g[e->v6] ? &g[e->v6][n_g[e->v6] - 1] : NULL;
		if (!cur || cur->plen != e->plen) {
			cur = &g[e->v6][n_g[e->v6]++];
			cur->start = (uint32_t)j;
			cur->plen = e->plen;
		}
		cur->end = (uint32_t)j + 1;
		if (e->v6)
			s->v6++;
		else
			s->v4++;
		j++;
	}
	s->n = j;
	for (int f = 0; f < 2; f++) {
		s->g[f] = g[f];
		s->n_g[f] = n_g[f];
	}
	s->finished = true;
	return 0;
}

bool cidr_set_lookup(const struct cidr_set *s, const struct addr *a, uint32_t *value,
		     unsigned *plen)
{
	return cidr_set_lookup_max(s, a, 128, value, plen);
}

bool cidr_set_lookup_max(const struct cidr_set *s, const struct addr *a, unsigned max_plen,
			 uint32_t *value, unsigned *plen)
{
	const struct cidr_group *g;
	uint64_t hi, lo;
	int f;

	if (!s || !s->finished || (a->af != AF_INET && a->af != AF_INET6))
		return false;
	f = a->af == AF_INET6;
	key_of(a, &hi, &lo);
	for (g = s->g[f]; g < s->g[f] + s->n_g[f]; g++) {
		uint64_t mhi = hi, mlo = lo;
		size_t l = g->start, r = g->end;

		if (g->plen > max_plen)
			continue;
		key_mask(&mhi, &mlo, g->plen);
		while (l < r) {
			size_t m = l + (r - l) / 2;
			const struct cidr_entry *e = &s->e[m];
			int c = key_cmp(e->hi, e->lo, mhi, mlo);

			if (c == 0) {
				if (value)
					*value = e->value;
				if (plen)
					*plen = e->plen;
				return true;
			}
			if (c < 0)
				l = m + 1;
			else
				r = m;
		}
	}
	return false;
}

void cidr_set_get_stats(const struct cidr_set *s, struct cidr_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->entries = s->finished ? s->n : 0;
	st->v4 = s->v4;
	st->v6 = s->v6;
	st->duplicates = s->duplicates;
	st->bytes = sizeof(*s) + s->cap * sizeof(*s->e) +
		    (s->finished ? (33 + 129) * sizeof(struct cidr_group) : 0);
}

int cidr_set_parse(const char *text, size_t len, struct addr *net, unsigned *plen)
{
	char buf[ADDR_STRLEN];
	const char *slash = memchr(text, '/', len);
	size_t alen = slash ? (size_t)(slash - text) : len;
	struct addr a;
	uint64_t v = 0;

	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	/* inet_pton: dotted quads without leading zeros, IPv6 without zone. */
	if (addr_parse(buf, &a) < 0)
		return -EINVAL;
	if (slash) {
		const char *d = slash + 1;
		size_t dlen = len - alen - 1;

		if (dlen == 0 || dlen > 3)
			return -ERANGE;
		for (size_t i = 0; i < dlen; i++) {
			if (!ch_is_digit(d[i]))
				return -ERANGE;
			v = v * 10 + (uint64_t)(d[i] - '0');
		}
		if (v > max_plen(&a))
			return -ERANGE;
	} else {
		v = max_plen(&a);
	}
	*net = a;
	*plen = (unsigned)v;
	return 0;
}

bool cidr_set_host_bits(const struct addr *net, unsigned plen)
{
	uint64_t hi, lo, mhi, mlo;

	key_of(net, &hi, &lo);
	mhi = hi;
	mlo = lo;
	key_mask(&mhi, &mlo, plen);
	return mhi != hi || mlo != lo;
}

void cidr_set_mask(struct addr *a, unsigned plen)
{
	unsigned bits = a->af == AF_INET ? 32 : 128;

	for (unsigned i = 0; i < 16; i++) {
		unsigned first = i * 8;

		if (first >= bits || first + 8 <= plen)
			continue;
		if (first >= plen)
			a->a[i] = 0;
		else
			a->a[i] &= (uint8_t)(0xff << (8 - (plen - first)));
	}
}

char *cidr_set_format(const struct addr *net, unsigned plen, char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", addr_format(net, a, sizeof(a)), plen);
	return buf;
}
