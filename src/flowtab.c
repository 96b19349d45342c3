// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flowtab.c - bounded flow table: preallocated entries, a power-of-two hash
 * index chained through entry indices, and an LRU list for eviction and
 * idle expiry.  All links are 32-bit indices so an entry stays small.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowtab.h"
#include "util.h"

#define NIL UINT32_MAX

struct flowtab {
	struct flow *e;			/* max entries */
	uint32_t *bucket;		/* nbuckets heads */
	uint32_t nbuckets;		/* power of two */
	uint32_t max, used;
	uint32_t free_head;		/* free list through hnext */
	uint32_t lru_head, lru_tail;	/* head = most recent */
	int64_t timeout_us;
	uint64_t next_id;
	uint64_t seed;
	size_t heap_bytes;		/* per-flow name lists */
	void (*ext_free)(void *ctx, void *ext);
	void *ext_ctx;
	struct flowtab_stats st;
};

struct flowtab *flowtab_new(size_t max, int64_t timeout_us)
{
	struct flowtab *t;
	uint32_t nb = 16;

	if (max < 16)
		max = 16;
	if (max > (1U << 28)) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max)
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->e = calloc(max, sizeof(*t->e));
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->e || !t->bucket) {
		free(t->e);
		free(t->bucket);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	memset(t->bucket, 0xff, nb * sizeof(*t->bucket));
	t->nbuckets = nb;
	t->max = (uint32_t)max;
	t->timeout_us = timeout_us;
	t->next_id = 1;
	t->seed = 0x9e3779b97f4a7c15ULL;
	t->lru_head = t->lru_tail = NIL;
	/* Free list in index order so entries fill the array front to back. */
	for (uint32_t i = 0; i < t->max; i++)
		t->e[i].hnext = i + 1 < t->max ? i + 1 : NIL;
	t->free_head = 0;
	return t;
}

void flowtab_set_ext_free(struct flowtab *t, void (*fn)(void *ctx, void *ext), void *ctx)
{
	t->ext_free = fn;
	t->ext_ctx = ctx;
}

void flowtab_free(struct flowtab *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->max; i++) {
		free(t->e[i].names_heap);
		if (t->e[i].ext && t->ext_free)
			t->ext_free(t->ext_ctx, t->e[i].ext);
	}
	free(t->e);
	free(t->bucket);
	free(t);
}

void flowtab_key(struct flow_key *k, const struct addr *src, uint16_t sport,
		 const struct addr *dst, uint16_t dport, uint8_t proto, bool *from_lo)
{
	int c = addr_cmp(src, dst);
	bool lo = c < 0 || (c == 0 && sport <= dport);

	memset(k, 0, sizeof(*k));
	if (lo) {
		k->lo = *src;
		k->hi = *dst;
		k->lo_port = sport;
		k->hi_port = dport;
	} else {
		k->lo = *dst;
		k->hi = *src;
		k->lo_port = dport;
		k->hi_port = sport;
	}
	k->proto = proto;
	*from_lo = lo;
}

static bool key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return a->lo_port == b->lo_port && a->hi_port == b->hi_port && a->proto == b->proto &&
	       addr_eq(&a->lo, &b->lo) && addr_eq(&a->hi, &b->hi);
}

static uint32_t key_bucket(const struct flowtab *t, const struct flow_key *k)
{
	/* The key is memset before filling, so padding bytes are zero. */
	return (uint32_t)hash64(k, sizeof(*k), t->seed) & (t->nbuckets - 1);
}

static void lru_unlink(struct flowtab *t, uint32_t i)
{
	struct flow *f = &t->e[i];

	if (f->lru_prev != NIL)
		t->e[f->lru_prev].lru_next = f->lru_next;
	else
		t->lru_head = f->lru_next;
	if (f->lru_next != NIL)
		t->e[f->lru_next].lru_prev = f->lru_prev;
	else
		t->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NIL;
}

static void lru_push_front(struct flowtab *t, uint32_t i)
{
	struct flow *f = &t->e[i];

	f->lru_prev = NIL;
	f->lru_next = t->lru_head;
	if (t->lru_head != NIL)
		t->e[t->lru_head].lru_prev = i;
	t->lru_head = i;
	if (t->lru_tail == NIL)
		t->lru_tail = i;
}

/* Unlink entry @i from its hash chain and the LRU list and free it. */
static void remove_entry(struct flowtab *t, uint32_t i)
{
	struct flow *f = &t->e[i];
	uint32_t *pp = &t->bucket[key_bucket(t, &f->key)];

	while (*pp != NIL && *pp != i)
		pp = &t->e[*pp].hnext;
	if (*pp == i)
		*pp = f->hnext;
	lru_unlink(t, i);
	if (f->names_heap) {
		t->heap_bytes -= f->cap_names * sizeof(uint64_t);
		free(f->names_heap);
	}
	if (f->ext && t->ext_free)
		t->ext_free(t->ext_ctx, f->ext);
	memset(f, 0, sizeof(*f));
	f->hnext = t->free_head;
	t->free_head = i;
	t->used--;
}

struct flow *flowtab_get(struct flowtab *t, const struct flow_key *k, int64_t now_us,
			 bool *created)
{
	uint32_t b = key_bucket(t, k), i;
	struct flow *f;

	for (i = t->bucket[b]; i != NIL; i = t->e[i].hnext) {
		if (key_eq(&t->e[i].key, k)) {
			f = &t->e[i];
			f->last_us = now_us;
			if (t->lru_head != i) {
				lru_unlink(t, i);
				lru_push_front(t, i);
			}
			*created = false;
			return f;
		}
	}
	if (t->free_head == NIL) {
		/* Full: the least recently used flow makes room. */
		remove_entry(t, t->lru_tail);
		t->st.evicted++;
		b = key_bucket(t, k);
	}
	i = t->free_head;
	f = &t->e[i];
	t->free_head = f->hnext;
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->id = t->next_id++;
	f->first_us = f->last_us = now_us;
	f->hnext = t->bucket[b];
	t->bucket[b] = i;
	f->lru_prev = f->lru_next = NIL;
	lru_push_front(t, i);
	t->used++;
	t->st.created++;
	*created = true;
	return f;
}

bool flowtab_name_seen(struct flowtab *t, struct flow *f, uint64_t hash)
{
	const uint64_t *v = f->names_heap ? f->names_heap : f->names_inline;

	for (uint32_t i = 0; i < f->n_names; i++)
		if (v[i] == hash)
			return true;
	if (f->n_names >= FLOW_MAX_NAMES) {
		t->st.names_overflow++;
		return false;
	}
	if (!f->names_heap && f->n_names < FLOW_INLINE_NAMES) {
		f->names_inline[f->n_names++] = hash;
		return false;
	}
	if (!f->names_heap || f->n_names == f->cap_names) {
		uint32_t ncap = f->cap_names ? f->cap_names * 2 : 16;
		uint64_t *nv = realloc(f->names_heap, ncap * sizeof(uint64_t));

		if (!nv) {
			t->st.names_overflow++;
			return false;
		}
		if (!f->names_heap)
			memcpy(nv, f->names_inline, sizeof(f->names_inline));
		t->heap_bytes += (ncap - f->cap_names) * sizeof(uint64_t);
		f->names_heap = nv;
		f->cap_names = ncap;
	}
	f->names_heap[f->n_names++] = hash;
	return false;
}

void flowtab_for_each(struct flowtab *t, void (*fn)(void *ctx, struct flow *f), void *ctx)
{
	for (uint32_t i = t->lru_head; i != NIL; i = t->e[i].lru_next)
		fn(ctx, &t->e[i]);
}

size_t flowtab_expire(struct flowtab *t, int64_t now_us)
{
	size_t n = 0;

	while (t->lru_tail != NIL && t->e[t->lru_tail].last_us < now_us - t->timeout_us) {
		remove_entry(t, t->lru_tail);
		t->st.expired++;
		n++;
	}
	return n;
}

void flowtab_get_stats(const struct flowtab *t, struct flowtab_stats *st)
{
	*st = t->st;
	st->active = t->used;
	st->max = t->max;
	st->bytes = sizeof(*t) + (size_t)t->max * sizeof(struct flow) +
		    (size_t)t->nbuckets * sizeof(uint32_t) + t->heap_bytes;
}
