// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - aggregate events into the human replay report; save and load
 * it (replay -j merges per-file reports); and the pieces the events summary
 * (cmd_report.c) is built from: keyed rows, hash sets, text tables, CSV.
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

/* The entry for (key, rule, action, enforced), created if new; NULL on ENOMEM. */
static struct entry *get_entry(struct report *r, const char *key, const char *rule,
			       const char *list, const char *category, enum action action,
			       bool enforced, int64_t ts_us)
{
	struct entry *x;

	for (size_t i = 0; i < r->n; i++) {
		x = &r->e[i];
		if (x->action == action && x->enforced == enforced && strcmp(x->rule, rule) == 0 &&
		    strcmp(x->key, key) == 0)
			return x;
	}
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		struct entry *ne = realloc(r->e, ncap * sizeof(*ne));

		if (!ne)
			return NULL;
		r->e = ne;
		r->cap = ncap;
	}
	x = &r->e[r->n];
	memset(x, 0, sizeof(*x));
	x->key = strdup(key);
	x->rule_c = strdup(rule);
	x->list_c = strdup(list);
	x->cat_c = strdup(category);
	if (!x->key || !x->rule_c || !x->list_c || !x->cat_c) {
		free(x->key);
		free(x->rule_c);
		free(x->list_c);
		free(x->cat_c);
		return NULL;
	}
	x->rule = x->rule_c;
	x->list = x->list_c;
	x->category = x->cat_c;
	x->action = action;
	x->enforced = enforced;
	x->first_us = ts_us;
	x->last_us = ts_us;
	r->n++;
	return x;
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
	x = get_entry(r, key, ev->rule->text, ev->rule->section->list,
		      ev->rule->section->category, ev->decision.action, ev->decision.enforced,
		      ev->ts_us);
	if (!x)
		return -ENOMEM;
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

	if (r->n)
		qsort(r->e, r->n, sizeof(*r->e), cmp_entry);
	fprintf(f, "embargo replay: %u file%s, %llu packets (%llu bytes), %llu flows\n", files,
		files == 1 ? "" : "s", (unsigned long long)st->packets,
		(unsigned long long)st->bytes, (unsigned long long)st->flows);
	fprintf(f, "policy evaluated at: %s\n", policy_clock);
	fprintf(f, "undecodable packets: %llu, non-IP frames: %llu, truncated: %llu\n",
		(unsigned long long)st->undecodable, (unsigned long long)st->not_ip,
		(unsigned long long)st->truncated);
	if (st->ambiguous || st->fragments_dropped)
		fprintf(f, "dropped unread: %llu ambiguous (IPv6 header chains, nesting), "
			   "%llu overlapping or evicted fragments\n",
			(unsigned long long)st->ambiguous,
			(unsigned long long)st->fragments_dropped);
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

/* -------------------------------------------------------- saving, merging */

/*
 * The saved form, one record a line, fields separated by tabs; strings
 * with '%', tab, newline or bytes outside printable ASCII are %XX-escaped:
 *   U <unmatched names>
 *   E <apps> <action> <enforced> <first_us> <last_us> <packets> <flows>
 *     <key> <rule> <list> <category>
 */
static void put_escaped(FILE *f, const char *s)
{
	fputc('\t', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c > '~' || c == '%')
			fprintf(f, "%%%02x", c);
		else
			fputc(c, f);
	}
}

int report_save(const struct report *r, FILE *f)
{
	fprintf(f, "U\t%llu\n", (unsigned long long)r->unmatched_names);
	for (size_t i = 0; i < r->n; i++) {
		const struct entry *x = &r->e[i];

		fprintf(f, "E\t%u\t%d\t%d\t%lld\t%lld\t%llu\t%llu", x->apps, (int)x->action,
			x->enforced ? 1 : 0, (long long)x->first_us, (long long)x->last_us,
			(unsigned long long)x->packets, (unsigned long long)x->flows);
		put_escaped(f, x->key);
		put_escaped(f, x->rule);
		put_escaped(f, x->list);
		put_escaped(f, x->category);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* Split @line at tabs into at most @max fields, unescaping %XX in place. */
static size_t split_fields(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		char *w = p, *tab = strchr(p, '\t');

		if (tab)
			*tab = '\0';
		field[n++] = p;
		for (char *q = p; *q; q++) {
			if (*q == '%' && ch_is_xdigit(q[1]) && ch_is_xdigit(q[2])) {
				char hex[3] = { q[1], q[2], 0 };

				*w++ = (char)strtoul(hex, NULL, 16);
				q += 2;
			} else {
				*w++ = *q;
			}
		}
		*w = '\0';
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

static int num(const char *s, uint64_t *out)
{
	return parse_uint(s, 0, UINT64_MAX, out);
}

static int snum(const char *s, int64_t *out)
{
	uint64_t v;

	if (s[0] == '-') {
		if (num(s + 1, &v) < 0 || v > (uint64_t)INT64_MAX + 1)
			return -EINVAL;
		*out = (int64_t)(0 - v);
		return 0;
	}
	if (num(s, &v) < 0 || v > INT64_MAX)
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}

int report_load(struct report *r, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	while (ret == 0 && (len = getline(&line, &cap, f)) > 0) {
		char *fl[12];
		uint64_t apps, action, enforced, packets, flows, u;
		int64_t first, last;
		struct entry *x;
		size_t n;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		n = split_fields(line, fl, ARRAY_SIZE(fl));
		if (n == 2 && strcmp(fl[0], "U") == 0 && num(fl[1], &u) == 0) {
			r->unmatched_names += u;
			continue;
		}
		if (n != 12 || strcmp(fl[0], "E") != 0 || num(fl[1], &apps) < 0 ||
		    num(fl[2], &action) < 0 || action > ACTION_REJECT ||
		    num(fl[3], &enforced) < 0 ||
		    snum(fl[4], &first) < 0 || snum(fl[5], &last) < 0 ||
		    num(fl[6], &packets) < 0 || num(fl[7], &flows) < 0) {
			ret = -EINVAL;
			break;
		}
		x = get_entry(r, fl[8], fl[9], fl[10], fl[11], (enum action)action, enforced != 0,
			      first);
		if (!x) {
			ret = -ENOMEM;
			break;
		}
		x->apps |= (unsigned)apps;
		x->packets += packets;
		x->flows += flows;
		if (first < x->first_us)
			x->first_us = first;
		if (last > x->last_us)
			x->last_us = last;
	}
	if (ret == 0 && ferror(f))
		ret = -EIO;
	free(line);
	return ret;
}

/* ------------------------------------------------ tables for other reports */

/* Printable ASCII as is; anything else as \xHH (names may come from anywhere). */
const char *report_escape(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= ' ' && c <= '~')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

int report_tab_add(struct report_tab *t, const char *const *cells)
{
	if (t->nrow == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **nc = realloc(t->cell, ncap * t->ncol * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		t->cell = nc;
		t->cap = ncap;
	}
	for (size_t c = 0; c < t->ncol; c++) {
		char buf[REPORT_CELL_MAX];
		char *v = strdup(report_escape(cells[c] ? cells[c] : "", buf, sizeof(buf)));

		if (!v)
			v = strdup("?");
		t->cell[t->nrow * t->ncol + c] = v;
		if (v && strlen(v) > t->width[c])
			t->width[c] = strlen(v);
	}
	t->nrow++;
	return 0;
}

void report_tab_free(struct report_tab *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

/* Print (header first, as row 0) and free. */
void report_tab_print(struct report_tab *t, FILE *f)
{
	for (size_t r = 0; r < t->nrow; r++) {
		fputs(" ", f);
		for (size_t c = 0; c < t->ncol; c++) {
			const char *v = t->cell[r * t->ncol + c];
			int w = (int)t->width[c];

			if (!v)
				v = "?";
			if (c + 1 == t->ncol && !(t->right & 1u << c))
				fprintf(f, " %s", v);
			else if (t->right & 1u << c)
				fprintf(f, " %*s", w, v);
			else
				fprintf(f, " %-*s", w, v);
		}
		fputc('\n', f);
	}
	report_tab_free(t);
}

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *v, bool last)
{
	char buf[REPORT_CELL_MAX];

	v = report_escape(v ? v : "", buf, sizeof(buf));
	if (strpbrk(v, ",\"\r\n")) {
		fputc('"', f);
		for (; *v; v++) {
			if (*v == '"')
				fputc('"', f);
			fputc(*v, f);
		}
		fputc('"', f);
	} else {
		fputs(v, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

void report_csv_row(FILE *f, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_field(f, cells[i], i + 1 == n);
}

/* ------------------------------------------------------ rows for summaries */

static uint64_t key_hash(const char *a, const char *b, const char *c)
{
	uint64_t h = hash64(a, strlen(a), 1);

	h = hash64(b, strlen(b), h);
	return hash64(c, strlen(c), h);
}

static int rows_grow(struct report_rows *t)
{
	size_t ncap = t->icap ? t->icap * 2 : 64;
	uint32_t *ni = calloc(ncap, sizeof(*ni));

	if (!ni)
		return -ENOMEM;
	for (size_t r = 0; r < t->n; r++) {
		const struct report_row *x = &t->rows[r];
		size_t i = key_hash(x->k1, x->k2, x->k3) & (ncap - 1);

		while (ni[i])
			i = (i + 1) & (ncap - 1);
		ni[i] = (uint32_t)(r + 1);
	}
	free(t->idx);
	t->idx = ni;
	t->icap = ncap;
	return 0;
}

struct report_row *report_rows_get(struct report_rows *t, const char *a, const char *b,
				   const char *c)
{
	size_t i;
	struct report_row *x;

	if ((t->n + 1) * 2 > t->icap && rows_grow(t) < 0)
		return NULL;
	for (i = key_hash(a, b, c) & (t->icap - 1); t->idx[i]; i = (i + 1) & (t->icap - 1)) {
		x = &t->rows[t->idx[i] - 1];
		if (!strcmp(x->k1, a) && !strcmp(x->k2, b) && !strcmp(x->k3, c))
			return x;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct report_row *nr = realloc(t->rows, ncap * sizeof(*nr));

		if (!nr)
			return NULL;
		t->rows = nr;
		t->cap = ncap;
	}
	x = &t->rows[t->n];
	memset(x, 0, sizeof(*x));
	x->k1 = strdup(a);
	x->k2 = strdup(b);
	x->k3 = strdup(c);
	if (!x->k1 || !x->k2 || !x->k3) {
		free(x->k1);
		free(x->k2);
		free(x->k3);
		return NULL;
	}
	x->first = x->first_blocked = x->first_enforced = REPORT_NO_TIME;
	x->last = INT64_MIN;
	t->idx[i] = (uint32_t)(++t->n);
	return x;
}

void report_rows_free(struct report_rows *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].k1);
		free(t->rows[i].k2);
		free(t->rows[i].k3);
	}
	free(t->rows);
	free(t->idx);
}

int report_set_add(struct report_set *s, uint64_t v)
{
	size_t i;

	v |= !v;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		uint64_t *nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		for (size_t k = 0; k < s->cap; k++) {
			if (!s->v[k])
				continue;
			for (i = s->v[k] & (ncap - 1); nv[i]; i = (i + 1) & (ncap - 1))
				;
			nv[i] = s->v[k];
		}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	for (i = v & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == v)
			return 0;
	s->v[i] = v;
	s->n++;
	return 1;
}

void report_set_free(struct report_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
