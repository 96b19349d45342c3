// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnscache.c - bounded address -> blocked-name map: a preallocated ring of
 * entries (insertion order gives the eviction order) plus a chained hash
 * index over entry numbers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnscache.h"
#include "util.h"

#define NIL UINT32_MAX

struct dnscache {
	struct learned *e;
	uint32_t *bucket;
	uint32_t nbuckets, max, next;	/* next: ring slot to (re)use */
	uint32_t min_ttl, max_ttl;
	size_t active;
	struct dnscache_stats st;
};

struct dnscache *dnscache_new(size_t max, uint32_t min_ttl_s, uint32_t max_ttl_s)
{
	struct dnscache *c;
	uint32_t nb = 16;

	if (max < 1 || max > (1U << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max)
		nb <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->e = calloc(max, sizeof(*c->e));
	c->bucket = malloc(nb * sizeof(*c->bucket));
	if (!c->e || !c->bucket) {
		free(c->e);
		free(c->bucket);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	memset(c->bucket, 0xff, nb * sizeof(*c->bucket));
	c->nbuckets = nb;
	c->max = (uint32_t)max;
	c->min_ttl = min_ttl_s;
	c->max_ttl = max_ttl_s;
	return c;
}

void dnscache_free(struct dnscache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->bucket);
	free(c);
}

void dnscache_clear(struct dnscache *c)
{
	memset(c->e, 0, c->max * sizeof(*c->e));
	memset(c->bucket, 0xff, c->nbuckets * sizeof(*c->bucket));
	c->next = 0;
	c->active = 0;
}

static uint32_t bucket_of(const struct dnscache *c, const struct addr *a)
{
	return (uint32_t)hash64(a, sizeof(*a), 0x5bd1e995) & (c->nbuckets - 1);
}

static struct learned *find(const struct dnscache *c, const struct addr *a)
{
	for (uint32_t i = c->bucket[bucket_of(c, a)]; i != NIL; i = c->e[i].hnext)
		if (addr_eq(&c->e[i].a, a))
			return &c->e[i];
	return NULL;
}

static void unlink_entry(struct dnscache *c, uint32_t i)
{
	uint32_t *pp = &c->bucket[bucket_of(c, &c->e[i].a)];

	while (*pp != NIL && *pp != i)
		pp = &c->e[*pp].hnext;
	if (*pp == i)
		*pp = c->e[i].hnext;
	c->e[i].used = false;
	c->active--;
}

static void set_name(struct learned *l, const char *name, size_t len, const struct bl_rule *rule)
{
	size_t plen = sizeof(DNSCACHE_PREFIX) - 1;

	memcpy(l->text, DNSCACHE_PREFIX, plen);
	memcpy(l->text + plen, name, len);
	l->text[plen + len] = '\0';
	l->name = l->text + plen;
	l->orig = rule;
	l->rule = *rule;
	l->rule.text = l->text;
}

void dnscache_add(struct dnscache *c, const struct addr *a, const char *name, size_t len,
		  const struct bl_rule *rule, uint32_t ttl_s, int64_t now_us)
{
	struct learned *l;
	uint32_t i, b;

	if (len > DNSCACHE_NAME_MAX) {
		c->st.too_long++;
		return;
	}
	if (ttl_s < c->min_ttl)
		ttl_s = c->min_ttl;
	if (ttl_s > c->max_ttl)
		ttl_s = c->max_ttl;
	l = find(c, a);
	if (l) {
		/* Re-answered: the newest answer decides name and lifetime. */
		set_name(l, name, len, rule);
		l->expires_us = now_us + (int64_t)ttl_s * USEC_PER_SEC;
		c->st.refreshed++;
		return;
	}
	i = c->next;
	c->next = (c->next + 1) % c->max;
	if (c->e[i].used) {
		unlink_entry(c, i);
		c->st.evicted++;
	}
	l = &c->e[i];
	memset(l, 0, sizeof(*l));
	l->a = *a;
	l->used = true;
	set_name(l, name, len, rule);
	l->expires_us = now_us + (int64_t)ttl_s * USEC_PER_SEC;
	b = bucket_of(c, a);
	l->hnext = c->bucket[b];
	c->bucket[b] = i;
	c->active++;
	c->st.added++;
}

const struct learned *dnscache_lookup(struct dnscache *c, const struct addr *a,
				      int64_t now_us)
{
	const struct learned *l = find(c, a);

	if (!l || l->expires_us < now_us)
		return NULL;
	c->st.hits++;
	return l;
}

void dnscache_get_stats(const struct dnscache *c, struct dnscache_stats *st)
{
	*st = c->st;
	st->active = c->active;
	st->max = c->max;
	st->bytes = sizeof(*c) + (size_t)c->max * sizeof(struct learned) +
		    (size_t)c->nbuckets * sizeof(uint32_t);
}
