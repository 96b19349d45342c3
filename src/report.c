// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - aggregate events into the human replay report.
 *
 * Entries are keyed by (name or address rule, rule, action, enforced): the
 * same name seen before and after an enforcement date appears twice, once
 * as "log" and once enforced, which is exactly what an auditor asks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct entry {
	char *key;			/* name, or "ip " + rule for address matches */
	const char *rule, *list, *category;	/* copied */
	char *rule_c, *list_c, *cat_c;
	enum action action;
	bool enforced;
	unsigned apps;			/* bit per enum app_proto seen */
	int64_t first_us, last_us;
	uint64_t packets, flows;
};

/*
 * Open-addressing map over 64-bit keys: a flow (file_no << 40 | flow id)
 * -> the entry its packets count for; and (FLOW_ENTRY_BIT | flow, entry)
 * pairs, so an entry counts each flow once.
 */
#define FLOW_ENTRY_BIT (1ULL << 63)
struct fslot {
	uint64_t fid;			/* 0 = empty */
	uint32_t entry;
};

struct report {
	struct entry *e;
	size_t n, cap;
	struct fslot *fmap;
	size_t fcap, fused;
	uint64_t unmatched_names;
};

struct report *report_new(void)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->fcap = 1024;
	r->fmap = calloc(r->fcap, sizeof(*r->fmap));
	if (!r->fmap) {
		free(r);
		return NULL;
	}
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->e[i].key);
		free(r->e[i].rule_c);
		free(r->e[i].list_c);
		free(r->e[i].cat_c);
	}
	free(r->e);
	free(r->fmap);
	free(r);
}

static uint64_t fid_of(unsigned file_no, uint64_t flow_id)
{
	return (uint64_t)(file_no + 1) << 40 | (flow_id & ((1ULL << 40) - 1));
}

static struct fslot *fmap_find(struct report *r, uint64_t fid)
{
	size_t i = hash64(&fid, sizeof(fid), 0) & (r->fcap - 1);

	while (r->fmap[i].fid && r->fmap[i].fid != fid)
		i = (i + 1) & (r->fcap - 1);
	return &r->fmap[i];
}

static int fmap_put(struct report *r, uint64_t fid, uint32_t entry)
{
	struct fslot *s;

	if ((r->fused + 1) * 2 > r->fcap) {
		struct fslot *old = r->fmap;
		size_t ocap = r->fcap;

		r->fmap = calloc(ocap * 2, sizeof(*r->fmap));
		if (!r->fmap) {
			r->fmap = old;
			return -ENOMEM;
		}
		r->fcap = ocap * 2;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].fid)
				*fmap_find(r, old[i].fid) = old[i];
		free(old);
	}
	s = fmap_find(r, fid);
	if (!s->fid)
		r->fused++;
	s->fid = fid;
	s->entry = entry;
	return 0;
}

static struct entry *find_entry(struct report *r, const char *key, const struct event *ev)
{
	for (size_t i = 0; i < r->n; i++) {
		struct entry *x = &r->e[i];

		if (x->action == ev->decision.action && x->enforced == ev->decision.enforced &&
		    strcmp(x->rule, ev->rule->text) == 0 && strcmp(x->key, key) == 0)
			return x;
	}
	return NULL;
}

int report_event(struct report *r, unsigned file_no, const struct event *ev)
{
	char key[1024];
	struct entry *x;

	if (ev->type != EV_MATCH) {
		r->unmatched_names++;
		return 0;
	}
	if (ev->name)
		snprintf(key, sizeof(key), "%.*s", (int)ev->name_len, ev->name);
	else
		snprintf(key, sizeof(key), "%s", ev->rule->text);
	x = find_entry(r, key, ev);
	if (!x) {
		if (r->n == r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 32;
			struct entry *ne = realloc(r->e, ncap * sizeof(*ne));

			if (!ne)
				return -ENOMEM;
			r->e = ne;
			r->cap = ncap;
		}
		x = &r->e[r->n];
		memset(x, 0, sizeof(*x));
		x->key = strdup(key);
		x->rule_c = strdup(ev->rule->text);
		x->list_c = strdup(ev->rule->section->list);
		x->cat_c = strdup(ev->rule->section->category);
		if (!x->key || !x->rule_c || !x->list_c || !x->cat_c) {
			free(x->key);
			free(x->rule_c);
			free(x->list_c);
			free(x->cat_c);
			return -ENOMEM;
		}
		x->rule = x->rule_c;
		x->list = x->list_c;
		x->category = x->cat_c;
		x->action = ev->decision.action;
		x->enforced = ev->decision.enforced;
		x->first_us = ev->ts_us;
		x->last_us = ev->ts_us;
		r->n++;
	}
	x->apps |= 1u << ev->app;
	if (ev->ts_us < x->first_us)
		x->first_us = ev->ts_us;
	if (ev->ts_us > x->last_us)
		x->last_us = ev->ts_us;
	{
		uint32_t idx = (uint32_t)(x - r->e);
		uint64_t fid = fid_of(file_no, ev->flow_id);
		uint64_t pair = FLOW_ENTRY_BIT | hash64(&(uint64_t[2]){ fid, idx }, 16, 1);

		if (!fmap_find(r, pair)->fid) {
			x->flows++;
			if (fmap_put(r, pair, idx) < 0)
				return -ENOMEM;
		}
		return fmap_put(r, fid, idx);
	}
}

void report_packet(struct report *r, unsigned file_no, int64_t ts_us,
		   const struct engine_result *res)
{
	struct fslot *s;
	struct entry *x;

	if (!res->matched || !res->flow_id)
		return;
	s = fmap_find(r, fid_of(file_no, res->flow_id));
	if (!s->fid)
		return;
	x = &r->e[s->entry];
	x->packets++;
	if (ts_us > x->last_us)
		x->last_us = ts_us;
	if (ts_us < x->first_us)
		x->first_us = ts_us;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->category, y->category);

	if (c)
		return c;
	c = strcmp(x->key, y->key);
	if (c)
		return c;
	return (int)x->enforced - (int)y->enforced;
}

/* "dns, tls" from the bit set. */
static const char *apps_str(unsigned apps, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned a = APP_IP; a <= APP_HTTP; a++) {
		if (!(apps & (1u << a)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				      app_proto_name((enum app_proto)a));
		if (n >= size)
			break;
	}
	return buf;
}

static const char *what(const struct entry *x)
{
	if (!x->enforced)
		return "log (not yet enforced)";
	return action_name(x->action);
}

void report_print(struct report *r, FILE *f, const struct engine_stats *st, unsigned files,
		  const char *policy_clock)
{
	char t1[TIME_RFC3339_LEN], t2[TIME_RFC3339_LEN];
	size_t i, j;

	qsort(r->e, r->n, sizeof(*r->e), cmp_entry);
	fprintf(f, "embargo replay: %u file%s, %llu packets (%llu bytes), %llu flows\n", files,
		files == 1 ? "" : "s", (unsigned long long)st->packets,
		(unsigned long long)st->bytes, (unsigned long long)st->flows);
	fprintf(f, "policy evaluated at: %s\n", policy_clock);
	fprintf(f, "undecodable packets: %llu, non-IP frames: %llu, truncated: %llu\n",
		(unsigned long long)st->undecodable, (unsigned long long)st->not_ip,
		(unsigned long long)st->truncated);
	fprintf(f, "names extracted: %llu, matches: %llu\n\n", (unsigned long long)st->names,
		(unsigned long long)st->matches);
	if (r->n == 0) {
		fprintf(f, "No blocklisted name or address was seen.\n");
		return;
	}
	fprintf(f, "Matches:\n");
	for (i = 0; i < r->n; i++) {
		const struct entry *x = &r->e[i];
		char apps[64];

		fprintf(f, "  %s\n", x->key);
		fprintf(f, "    seen in %s; rule %s, list %s, category %s, action %s\n",
			apps_str(x->apps, apps, sizeof(apps)), x->rule, x->list, x->category,
			what(x));
		fprintf(f, "    first %s, last %s, %llu packet%s in %llu flow%s\n",
			time_format_rfc3339(x->first_us, t1, sizeof(t1)),
			time_format_rfc3339(x->last_us, t2, sizeof(t2)),
			(unsigned long long)x->packets, x->packets == 1 ? "" : "s",
			(unsigned long long)x->flows, x->flows == 1 ? "" : "s");
	}
	fprintf(f, "\nBy category:\n");
	for (i = 0; i < r->n; i = j) {
		uint64_t flows = 0, packets = 0, names = 0, enforced = 0;

		for (j = i; j < r->n && strcmp(r->e[j].category, r->e[i].category) == 0; j++) {
			names++;
			flows += r->e[j].flows;
			packets += r->e[j].packets;
			if (r->e[j].enforced)
				enforced += r->e[j].flows;
		}
		fprintf(f, "  %-12s %llu name%s, %llu flow%s (%llu enforced), %llu packets\n",
			r->e[i].category, (unsigned long long)names, names == 1 ? "" : "s",
			(unsigned long long)flows, flows == 1 ? "" : "s",
			(unsigned long long)enforced, (unsigned long long)packets);
	}
}
