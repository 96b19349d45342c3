// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_report.c - decision events in, compliance and activity tables out.
 *
 * Each line is parsed by event_parse_json() (strict, in place) and checked
 * for the keys an attempt needs; then one pass adds it to every table.
 * Tables are rows in an array found through an open-addressing index on
 * their key strings; "how many distinct clients/names" are 64-bit hashes
 * of (row, value) in one set per relation, so memory grows with the
 * distinct pairs, not with the events.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_report.h"
#include "event.h"
#include "report.h"
#include "util.h"

#define LINE_MAX_BYTES 65536
#define FIELD_MAX 1024
#define NONE REPORT_NO_TIME

/* An enforcement date from the blocklist, with the attempts around it. */
struct date {
	const char *list, *category;
	enum action action;
	int64_t from;			/* a date, POLICY_ALWAYS or POLICY_NEVER */
	uint64_t before, before_blocked, after, after_blocked;
};

struct cmd_report {
	struct cmd_report_opts o;
	struct report_rows cat;		/* k1 list, k2 category */
	struct report_rows name;		/* k1 list, k2 category, k3 name */
	struct report_rows client;		/* k3 address */
	struct report_rows day;		/* k3 YYYY-MM-DD */
	struct report_set pairs;		/* (table, row, value) for the distinct counts */
	struct report_set all_clients, all_names;
	struct date *dates;
	size_t ndates;
	unsigned files;
	uint64_t lines, matches, summaries, summary_attempts, name_events, stats, other;
	uint64_t bad, outside;
	uint64_t attempts, blocked;
	int64_t first, last;
	unsigned messages;
};

/* Count @value once per row of @t (relation @tag) in *@counter. */
static int distinct(struct cmd_report *r, unsigned tag, const struct report_rows *t,
		    const struct report_row *x, const char *value, uint64_t *counter)
{
	uint64_t seed = (uint64_t)tag << 40 | (uint64_t)(x - t->rows);
	int ret = report_set_add(&r->pairs, hash64(value, strlen(value), seed));

	if (ret > 0)
		(*counter)++;
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------------ input */

struct cmd_report *cmd_report_new(const struct cmd_report_opts *o)
{
	struct cmd_report *r = calloc(1, sizeof(*r));
	const struct blocklist *bl = o->bl;

	if (!r)
		return NULL;
	r->o = *o;
	if (!r->o.max_messages)
		r->o.max_messages = 20;
	r->first = NONE;
	r->last = INT64_MIN;
	/* One date per distinct (list, category, date, action) of the blocklist. */
	for (size_t i = 0; bl && i < blocklist_n_sections(bl); i++) {
		const struct bl_section *s = blocklist_section(bl, i);
		struct date *nd;
		bool seen = false;

		for (size_t k = 0; k < r->ndates && !seen; k++)
			seen = r->dates[k].from == s->policy.enforce_from &&
			       r->dates[k].action == s->policy.action &&
			       !strcmp(r->dates[k].list, s->list) &&
			       !strcmp(r->dates[k].category, s->category);
		/* A section of exceptions only blocks nothing. */
		if (seen || s->domains + s->exact + s->cidrs == 0)
			continue;
		nd = realloc(r->dates, (r->ndates + 1) * sizeof(*nd));
		if (!nd) {
			cmd_report_free(r);
			return NULL;
		}
		r->dates = nd;
		r->dates[r->ndates++] = (struct date){ .list = s->list, .category = s->category,
						       .action = s->policy.action,
						       .from = s->policy.enforce_from };
	}
	return r;
}

void cmd_report_free(struct cmd_report *r)
{
	if (!r)
		return;
	report_rows_free(&r->cat);
	report_rows_free(&r->name);
	report_rows_free(&r->client);
	report_rows_free(&r->day);
	report_set_free(&r->pairs);
	report_set_free(&r->all_clients);
	report_set_free(&r->all_names);
	free(r->dates);
	free(r);
}

void cmd_report_note_file(struct cmd_report *r)
{
	r->files++;
}

uint64_t cmd_report_bad_lines(const struct cmd_report *r)
{
	return r->bad;
}

/* One attempt (or a summary's many) as read from a line. */
struct attempt {
	int64_t t, t_last;		/* a summary's first and last repeat */
	uint64_t weight;
	enum action action;
	bool enforced;
	char client[FIELD_MAX], list[FIELD_MAX], category[FIELD_MAX], key[FIELD_MAX];
};

/* Count a bad line and say why: "embargo: FILE:LINE: skipped: ...". */
ATTR_PRINTF(4, 5)
static int bad_line(struct cmd_report *r, const char *file, unsigned long lineno,
		    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	r->bad++;
	if (!file)
		return -EINVAL;
	if (r->messages++ == r->o.max_messages) {
		fprintf(stderr, "embargo: %s: more bad lines; only counted from here on\n", file);
		return -EINVAL;
	}
	if (r->messages > r->o.max_messages)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "embargo: %s:%lu: skipped: %s\n", file, lineno, msg);
	return -EINVAL;
}

/* The fields of a match or summary event; NULL or the name of the bad key. */
static const char *read_attempt(const struct event_fields *fs, bool summary, struct attempt *a)
{
	char action[16];
	uint64_t count;

	if (!event_field_str(fs, "src_ip", a->client, sizeof(a->client)))
		return "src_ip";
	if (!event_field_str(fs, "list", a->list, sizeof(a->list)))
		return "list";
	if (!event_field_str(fs, "category", a->category, sizeof(a->category)))
		return "category";
	if (!event_field_str(fs, "name", a->key, sizeof(a->key)) &&
	    (event_field_get(fs, "name") || !event_field_str(fs, "rule", a->key, sizeof(a->key))))
		return event_field_get(fs, "name") ? "name" : "rule";
	if (!event_field_str(fs, "action", action, sizeof(action)) ||
	    action_parse(action, &a->action) < 0)
		return "action";
	if (event_field_bool(fs, "enforced", &a->enforced) < 0)
		return "enforced";
	a->weight = 1;
	if (!summary) {
		if (event_field_time(fs, "timestamp", &a->t) < 0)
			return "timestamp";
		a->t_last = a->t;
		return NULL;
	}
	if (event_field_uint(fs, "count", &count) < 0 || count == 0)
		return "count";
	a->weight = count;
	if (event_field_time(fs, "first", &a->t) < 0)
		return "first";
	if (event_field_time(fs, "last", &a->t_last) < 0 || a->t_last < a->t)
		return "last";
	return NULL;
}

static void widen(int64_t *first, int64_t *last, int64_t t)
{
	if (t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

static void count_row(struct report_row *x, const struct attempt *a, bool blocked)
{
	x->attempts += a->weight;
	if (blocked) {
		x->blocked += a->weight;
		if (a->t < x->first_blocked)
			x->first_blocked = a->t;
	}
	if (a->enforced && a->t < x->first_enforced)
		x->first_enforced = a->t;
	x->actions |= 1u << a->action;
	widen(&x->first, &x->last, a->t);
	widen(&x->first, &x->last, a->t_last);
}

static int add_attempt(struct cmd_report *r, const struct attempt *a)
{
	bool blocked = a->enforced && (a->action == ACTION_DROP || a->action == ACTION_REJECT);
	char day[TIME_RFC3339_LEN];
	struct report_row *c, *n, *cl, *d;
	int ret = 0;

	time_format_rfc3339(a->t, day, sizeof(day));
	day[10] = '\0';
	c = report_rows_get(&r->cat, a->list, a->category, "");
	n = report_rows_get(&r->name, a->list, a->category, a->key);
	cl = report_rows_get(&r->client, "", "", a->client);
	d = report_rows_get(&r->day, "", "", day);
	if (!c || !n || !cl || !d)
		return -ENOMEM;
	count_row(c, a, blocked);
	count_row(n, a, blocked);
	count_row(cl, a, blocked);
	count_row(d, a, blocked);
	ret |= distinct(r, 1, &r->cat, c, a->client, &c->clients);
	ret |= distinct(r, 2, &r->cat, c, a->key, &c->names);
	ret |= distinct(r, 3, &r->name, n, a->client, &n->clients);
	ret |= distinct(r, 4, &r->client, cl, a->key, &cl->names);
	ret |= distinct(r, 5, &r->day, d, a->client, &d->clients);
	if (report_set_add(&r->all_clients, hash64(a->client, strlen(a->client), 0)) < 0 ||
	    report_set_add(&r->all_names, hash64(a->key, strlen(a->key), 0)) < 0)
		ret = -ENOMEM;
	r->attempts += a->weight;
	if (blocked)
		r->blocked += a->weight;
	widen(&r->first, &r->last, a->t);
	widen(&r->first, &r->last, a->t_last);
	for (size_t i = 0; i < r->ndates; i++) {
		struct date *x = &r->dates[i];

		if (x->from == POLICY_ALWAYS || x->from == POLICY_NEVER ||
		    strcmp(x->list, a->list) || strcmp(x->category, a->category))
			continue;
		if (a->t < x->from) {
			x->before += a->weight;
			x->before_blocked += blocked ? a->weight : 0;
		} else {
			x->after += a->weight;
			x->after_blocked += blocked ? a->weight : 0;
		}
	}
	return ret < 0 ? -ENOMEM : 0;
}

int cmd_report_line(struct cmd_report *r, char *line, size_t len, const char *file,
		    unsigned long lineno)
{
	struct event_fields fs;
	struct attempt a;
	const char *why = NULL, *badkey;
	char type[16];
	size_t where = 0, i;

	for (i = 0; i < len && ch_is_space(line[i]); i++)
		;
	if (i == len)
		return 0;
	r->lines++;
	if (len > LINE_MAX_BYTES)
		return bad_line(r, file, lineno, "longer than %d bytes", LINE_MAX_BYTES);
	if (event_parse_json(line, len, &fs, &why, &where) < 0)
		return bad_line(r, file, lineno, "invalid JSON: %s (byte %zu)", why, where + 1);
	if (!event_field_str(&fs, "event_type", type, sizeof(type)))
		return bad_line(r, file, lineno, "no event_type string");
	if (strcmp(type, "stats") == 0) {
		r->stats++;
		return 0;
	}
	if (strcmp(type, "name") == 0) {
		r->name_events++;
		return 0;
	}
	/* A summary of "name" events has no rule: its count goes with the names. */
	if (strcmp(type, "summary") == 0 && !event_field_get(&fs, "rule")) {
		uint64_t count;

		if (event_field_uint(&fs, "count", &count) < 0)
			return bad_line(r, file, lineno, "summary without a valid \"count\"");
		r->name_events += count;
		return 0;
	}
	if (strcmp(type, "match") != 0 && strcmp(type, "summary") != 0) {
		r->other++;
		return 0;
	}
	memset(&a, 0, sizeof(a));
	badkey = read_attempt(&fs, type[0] == 's', &a);
	if (badkey)
		return bad_line(r, file, lineno, "%s event without a valid \"%s\"", type, badkey);
	if (type[0] == 's') {
		r->summaries++;
		r->summary_attempts += a.weight;
	} else {
		r->matches++;
	}
	if ((r->o.use_from && a.t < r->o.from_us) || (r->o.use_to && a.t >= r->o.to_us)) {
		r->outside += a.weight;
		return 0;
	}
	return add_attempt(r, &a);
}

/* ------------------------------------------------------------------ output */

struct fmt {
	char n[6][24];			/* numbers */
	char t[3][TIME_RFC3339_LEN];	/* times */
	char lc[2 * FIELD_MAX + 2];	/* list/category */
};

static const char *u64s(char *buf, uint64_t v)
{
	snprintf(buf, 24, "%llu", (unsigned long long)v);
	return buf;
}

static const char *times(char *buf, int64_t t)
{
	if (t == NONE || t == INT64_MIN)
		return "";
	return time_format_rfc3339(t, buf, TIME_RFC3339_LEN);
}

static const char *lc(struct fmt *m, const char *list, const char *category)
{
	snprintf(m->lc, sizeof(m->lc), "%s/%s", list, category);
	return m->lc;
}

static int by_key(const struct report_row *a, const struct report_row *b)
{
	int c = strcmp(a->k1, b->k1);

	if (!c)
		c = strcmp(a->k2, b->k2);
	return c ? c : strcmp(a->k3, b->k3);
}

/* Most attempts first, then by key: a stable order for equal counts. */
static int by_attempts(const struct report_row *a, const struct report_row *b)
{
	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	return by_key(a, b);
}

static int qs_by_key(const void *a, const void *b)
{
	return by_key(*(struct report_row *const *)a, *(struct report_row *const *)b);
}

static int qs_by_attempts(const void *a, const void *b)
{
	return by_attempts(*(struct report_row *const *)a, *(struct report_row *const *)b);
}

/* The rows of @t in the order of @cmp (qs_by_*); NULL on ENOMEM. */
static struct report_row **sorted(const struct report_rows *t,
				   int (*cmp)(const void *, const void *))
{
	struct report_row **v = malloc((t->n ? t->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		v[i] = &t->rows[i];
	if (t->n)
		qsort(v, t->n, sizeof(*v), cmp);
	return v;
}

/* ------------------------------------------------------------- compliance */

struct comp {
	const char *list, *category;
	const struct report_row *row;		/* NULL: in the blocklist, never attempted */
	char action[32], from[64];
};

static void comp_fill(const struct cmd_report *r, struct comp *c)
{
	bool always = false, never = false, dated, known = false;
	int64_t earliest = INT64_MAX;
	unsigned actions = 0;
	char t[TIME_RFC3339_LEN];
	size_t n = 0;

	for (size_t i = 0; i < r->ndates; i++) {
		const struct date *d = &r->dates[i];

		if (strcmp(d->list, c->list) || strcmp(d->category, c->category))
			continue;
		known = true;
		actions |= 1u << d->action;
		if (d->from == POLICY_ALWAYS)
			always = true;
		else if (d->from == POLICY_NEVER)
			never = true;
		else if (d->from < earliest)
			earliest = d->from;
	}
	dated = earliest != INT64_MAX;
	if (!known && c->row)
		actions = c->row->actions;
	c->action[0] = '\0';
	for (unsigned a = ACTION_LOG; a <= ACTION_REJECT; a++)
		if (actions & 1u << a)
			n += (size_t)snprintf(c->action + n, sizeof(c->action) - n, "%s%s",
					      n ? "/" : "", action_name((enum action)a));
	if (always)
		snprintf(c->from, sizeof(c->from), "always");
	else if (dated)
		snprintf(c->from, sizeof(c->from), "%s",
			 time_format_rfc3339(earliest, t, sizeof(t)));
	else if (never)
		snprintf(c->from, sizeof(c->from), "never");
	else if (c->row && c->row->first_enforced != NONE)
		snprintf(c->from, sizeof(c->from), "observed %s",
			 time_format_rfc3339(c->row->first_enforced, t, sizeof(t)));
	else
		snprintf(c->from, sizeof(c->from), "unknown");
}

static int cmp_comp(const void *a, const void *b)
{
	const struct comp *x = a, *y = b;
	int c = strcmp(x->list, y->list);

	return c ? c : strcmp(x->category, y->category);
}

/* Every list/category attempted or in the blocklist, sorted. */
static struct comp *compliance(const struct cmd_report *r, size_t *n)
{
	struct comp *c = calloc(r->cat.n + r->ndates + 1, sizeof(*c));

	*n = 0;
	if (!c)
		return NULL;
	for (size_t i = 0; i < r->cat.n; i++)
		c[(*n)++] = (struct comp){ .list = r->cat.rows[i].k1,
					   .category = r->cat.rows[i].k2, .row = &r->cat.rows[i] };
	for (size_t i = 0; i < r->ndates; i++) {
		bool seen = false;

		for (size_t k = 0; k < *n && !seen; k++)
			seen = !strcmp(c[k].list, r->dates[i].list) &&
			       !strcmp(c[k].category, r->dates[i].category);
		if (!seen)
			c[(*n)++] = (struct comp){ .list = r->dates[i].list,
						   .category = r->dates[i].category };
	}
	for (size_t i = 0; i < *n; i++)
		comp_fill(r, &c[i]);
	qsort(c, *n, sizeof(*c), cmp_comp);
	return c;
}

static int cmp_date(const void *a, const void *b)
{
	const struct date *x = a, *y = b;
	int c = strcmp(x->list, y->list);

	if (!c)
		c = strcmp(x->category, y->category);
	if (!c && x->from != y->from)
		c = x->from < y->from ? -1 : 1;
	return c;
}

/* ------------------------------------------------------------------- text */

static void print_heading(const struct cmd_report *r, FILE *f)
{
	char t1[TIME_RFC3339_LEN], t2[TIME_RFC3339_LEN];

	fprintf(f, "embargo report: %u file%s, %llu event line%s: %llu match%s, %llu summar%s "
		   "(%llu attempts), %llu name event%s, %llu stats, %llu other",
		r->files, r->files == 1 ? "" : "s", (unsigned long long)r->lines,
		r->lines == 1 ? "" : "s", (unsigned long long)r->matches,
		r->matches == 1 ? "" : "es", (unsigned long long)r->summaries,
		r->summaries == 1 ? "y" : "ies", (unsigned long long)r->summary_attempts,
		(unsigned long long)r->name_events, r->name_events == 1 ? "" : "s",
		(unsigned long long)r->stats, (unsigned long long)r->other);
	if (r->bad)
		fprintf(f, "; %llu bad line%s skipped", (unsigned long long)r->bad,
			r->bad == 1 ? "" : "s");
	fputc('\n', f);
	if (r->o.use_from || r->o.use_to)
		fprintf(f, "period: %s to %s (%llu attempt%s outside it)\n",
			r->o.use_from ? time_format_rfc3339(r->o.from_us, t1, sizeof(t1)) :
					"the beginning",
			r->o.use_to ? time_format_rfc3339(r->o.to_us, t2, sizeof(t2)) : "the end",
			(unsigned long long)r->outside, r->outside == 1 ? "" : "s");
	else
		fprintf(f, "period: every event\n");
	if (!r->attempts) {
		fprintf(f, "\nNo attempt to reach a blocklisted name or address.\n");
		return;
	}
	fprintf(f, "attempts: %llu (%llu blocked, %llu logged) from %zu client%s for %zu name%s, "
		   "%s to %s\n",
		(unsigned long long)r->attempts, (unsigned long long)r->blocked,
		(unsigned long long)(r->attempts - r->blocked), r->all_clients.n,
		r->all_clients.n == 1 ? "" : "s", r->all_names.n, r->all_names.n == 1 ? "" : "s",
		times(t1, r->first), times(t2, r->last));
}

static void print_more(FILE *f, size_t shown, size_t n)
{
	if (shown < n)
		fprintf(f, "  ... and %zu more (--top 0 shows all)\n", n - shown);
}

/* Columns of the activity tables; C_NUMBERS is attempts, blocked, logged. */
enum col { C_KEY, C_LC, C_NUMBERS, C_CLIENTS, C_NAMES, C_TIMES };

/*
 * One activity table: @title, then the rows of @t sorted by @cmp (the
 * first @top, 0: all) with the columns @cols; @key heads the key column.
 */
static void print_rows(FILE *f, const char *title, const struct report_rows *t,
		       int (*cmp)(const void *, const void *), size_t top, const char *key,
		       const enum col *cols, size_t ncols)
{
	struct report_tab tab = { 0 };
	const char *head[REPORT_TAB_COLS], *cell[REPORT_TAB_COLS];
	struct report_row **v = sorted(t, cmp);
	size_t n = top && top < t->n ? top : t->n;
	struct fmt m;

	if (!v)
		return;
	for (int row = -1; row < (int)n; row++) {
		const struct report_row *x = row >= 0 ? v[row] : NULL;
		const char **c = x ? cell : head;
		size_t k = 0;

		for (size_t i = 0; i < ncols; i++) {
			switch (cols[i]) {
			case C_KEY:
				c[k++] = x ? x->k3 : key;
				break;
			case C_LC:
				c[k++] = x ? lc(&m, x->k1, x->k2) : "LIST/CATEGORY";
				break;
			case C_NUMBERS:
				tab.right |= 7u << k;
				c[k++] = x ? u64s(m.n[0], x->attempts) : "ATTEMPTS";
				c[k++] = x ? u64s(m.n[1], x->blocked) : "BLOCKED";
				c[k++] = x ? u64s(m.n[2], x->attempts - x->blocked) : "LOGGED";
				break;
			case C_CLIENTS:
				tab.right |= 1u << k;
				c[k++] = x ? u64s(m.n[3], x->clients) : "CLIENTS";
				break;
			case C_NAMES:
				tab.right |= 1u << k;
				c[k++] = x ? u64s(m.n[4], x->names) : "NAMES";
				break;
			case C_TIMES:
				c[k++] = x ? times(m.t[0], x->first) : "FIRST";
				c[k++] = x ? times(m.t[1], x->last) : "LAST";
				break;
			}
		}
		tab.ncol = k;
		report_tab_add(&tab, c);
	}
	fprintf(f, "\n%s:\n", title);
	report_tab_print(&tab, f);
	print_more(f, n, t->n);
	free(v);
}

static int print_text(struct cmd_report *r, FILE *f)
{
	struct report_tab t = { 0 };
	struct fmt m;
	struct comp *comp;
	size_t n;

	print_heading(r, f);
	comp = compliance(r, &n);
	if (!comp)
		return -ENOMEM;
	if (n)
		fprintf(f, "\nCompliance, per list/category:\n");
	t = (struct report_tab){ .ncol = 7, .right = 0x38 };
	report_tab_add(&t, (const char *[]){ "LIST/CATEGORY", "ACTION", "ENFORCED FROM", "ATTEMPTS",
				      "BLOCKED", "LOGGED", "FIRST BLOCKED" });
	for (size_t i = 0; i < n; i++) {
		const struct report_row *x = comp[i].row;
		uint64_t at = x ? x->attempts : 0, bl = x ? x->blocked : 0;

		report_tab_add(&t, (const char *[]){ lc(&m, comp[i].list, comp[i].category),
					      comp[i].action, comp[i].from, u64s(m.n[0], at),
					      u64s(m.n[1], bl), u64s(m.n[2], at - bl),
					      x && x->first_blocked != NONE ?
						      times(m.t[0], x->first_blocked) : "-" });
	}
	if (n)
		report_tab_print(&t, f);
	else
		report_tab_free(&t);
	free(comp);

	if (r->ndates)
		qsort(r->dates, r->ndates, sizeof(*r->dates), cmp_date);
	t = (struct report_tab){ .ncol = 6, .right = 0x3c };
	report_tab_add(&t, (const char *[]){ "LIST/CATEGORY", "DATE", "BEFORE", "BLOCKED", "AFTER",
				      "BLOCKED" });
	for (size_t i = 0; i < r->ndates; i++) {
		const struct date *d = &r->dates[i];

		if (d->from == POLICY_ALWAYS || d->from == POLICY_NEVER)
			continue;
		report_tab_add(&t, (const char *[]){ lc(&m, d->list, d->category),
						     times(m.t[0], d->from),
						     u64s(m.n[0], d->before),
						     u64s(m.n[1], d->before_blocked),
						     u64s(m.n[2], d->after),
						     u64s(m.n[3], d->after_blocked) });
	}
	if (t.nrow > 1) {
		fprintf(f, "\nAttempts before and after each enforcement date:\n");
		report_tab_print(&t, f);
	} else {
		report_tab_free(&t);
	}
	if (!r->attempts)
		return 0;
	print_rows(f, "Clients that tried most", &r->client, qs_by_attempts, r->o.top,
		   "CLIENT", (const enum col[]){ C_KEY, C_NUMBERS, C_NAMES, C_TIMES }, 4);
	print_rows(f, "By category", &r->cat, qs_by_key, 0, "LIST/CATEGORY",
		   (const enum col[]){ C_LC, C_NUMBERS, C_CLIENTS, C_NAMES, C_TIMES }, 5);
	print_rows(f, "By name", &r->name, qs_by_attempts, r->o.top, "NAME",
		   (const enum col[]){ C_KEY, C_LC, C_NUMBERS, C_CLIENTS, C_TIMES }, 5);
	print_rows(f, "By day (UTC)", &r->day, qs_by_key, 0, "DAY",
		   (const enum col[]){ C_KEY, C_NUMBERS, C_CLIENTS }, 3);
	return 0;
}

/* -------------------------------------------------------------------- CSV */

#define CSV_COLS 13

static void csv_put(FILE *f, const char *section, const char *list, const char *category,
		    const char *key, const struct report_row *x, uint64_t clients, uint64_t names,
		    const char *detail)
{
	struct fmt m;
	const char *c[CSV_COLS] = { section, list, category, key };

	if (x) {
		c[4] = u64s(m.n[0], x->attempts);
		c[5] = u64s(m.n[1], x->blocked);
		c[6] = u64s(m.n[2], x->attempts - x->blocked);
		c[7] = clients != UINT64_MAX ? u64s(m.n[3], clients) : "";
		c[8] = names != UINT64_MAX ? u64s(m.n[4], names) : "";
		c[9] = times(m.t[0], x->first);
		c[10] = times(m.t[1], x->last);
		c[11] = times(m.t[2], x->first_blocked);
	}
	c[12] = detail;
	report_csv_row(f, c, CSV_COLS);
}

static int print_csv(struct cmd_report *r, FILE *f)
{
	static const char *const head[CSV_COLS] = {
		"section", "list", "category", "key", "attempts", "blocked", "logged",
		"clients", "names", "first", "last", "first_blocked", "detail",
	};
	const uint64_t NA = UINT64_MAX;
	const struct {
		const char *section;
		const struct report_rows *t;
		int (*cmp)(const void *, const void *);
		bool clients, names;
	} tabs[] = {
		{ "category", &r->cat, qs_by_key, true, true },
		{ "name", &r->name, qs_by_attempts, true, false },
		{ "client", &r->client, qs_by_attempts, false, true },
		{ "day", &r->day, qs_by_key, true, false },
	};
	struct report_row total = { .attempts = r->attempts, .blocked = r->blocked,
				    .first = r->first, .last = r->last, .first_blocked = NONE };
	struct fmt m;
	struct comp *comp;
	size_t n;

	report_csv_row(f, head, CSV_COLS);
	for (size_t i = 0; i < r->cat.n; i++)
		if (r->cat.rows[i].first_blocked < total.first_blocked)
			total.first_blocked = r->cat.rows[i].first_blocked;
	csv_put(f, "total", "", "", "", &total, r->all_clients.n, r->all_names.n, "");
	comp = compliance(r, &n);
	if (!comp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct report_row zero = { .first = NONE, .last = NONE, .first_blocked = NONE };
		const struct report_row *x = comp[i].row ? comp[i].row : &zero;

		csv_put(f, "compliance", comp[i].list, comp[i].category, comp[i].from, x,
			x->clients, x->names, comp[i].action);
	}
	free(comp);
	if (r->ndates)
		qsort(r->dates, r->ndates, sizeof(*r->dates), cmp_date);
	for (size_t i = 0; i < r->ndates; i++) {
		const struct date *d = &r->dates[i];
		struct report_row b = { .attempts = d->before, .blocked = d->before_blocked,
				 .first = NONE, .last = NONE, .first_blocked = NONE };
		struct report_row a = { .attempts = d->after, .blocked = d->after_blocked,
				 .first = NONE, .last = NONE, .first_blocked = NONE };

		if (d->from == POLICY_ALWAYS || d->from == POLICY_NEVER)
			continue;
		times(m.t[0], d->from);
		csv_put(f, "before", d->list, d->category, m.t[0], &b, NA, NA, "");
		csv_put(f, "after", d->list, d->category, m.t[0], &a, NA, NA, "");
	}
	for (size_t k = 0; k < ARRAY_SIZE(tabs); k++) {
		struct report_row **v = sorted(tabs[k].t, tabs[k].cmp);

		for (size_t i = 0; v && i < tabs[k].t->n; i++)
			csv_put(f, tabs[k].section, v[i]->k1, v[i]->k2, v[i]->k3, v[i],
				tabs[k].clients ? v[i]->clients : NA,
				tabs[k].names ? v[i]->names : NA, "");
		free(v);
	}
	return 0;
}

int cmd_report_print(struct cmd_report *r, FILE *f)
{
	int ret = r->o.csv ? print_csv(r, f) : print_text(r, f);

	if (ret == 0 && ferror(f))
		ret = -EIO;
	return ret;
}

/* ---------------------------------------------------------------- command */

/* Read one file of events; -1 if it could not be read (message printed). */
static int read_file(struct cmd_report *r, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	const char *name = f == stdin ? "(stdin)" : path;
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	if (!f) {
		fprintf(stderr, "embargo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	cmd_report_note_file(r);
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (cmd_report_line(r, line, (size_t)len, name, lineno) == -ENOMEM) {
			fprintf(stderr, "embargo: %s:%lu: out of memory\n", name, lineno);
			ret = -1;
			break;
		}
	}
	if (ret == 0 && ferror(f)) {
		fprintf(stderr, "embargo: %s: read error: %s\n", name, strerror(errno));
		ret = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: embargo report [options] EVENTS.jsonl...   (- reads stdin)\n"
		"  -b, --blocklist PATH   lists giving the enforcement dates (repeatable;\n"
		"                         default: the bundled lists)\n"
		"      --no-blocklist     no dates but those the events show\n"
		"  -f, --from TIME        only attempts at or after TIME (RFC 3339)\n"
		"  -u, --to TIME          only attempts before TIME\n"
		"  -c, --csv              one CSV table instead of text\n"
		"  -n, --top N            rows in the client and name tables (default 20,\n"
		"                         0 = all)\n"
		"  -h, --help             this help\n"
		"Exit status: 0 report written, 1 written but some lines were skipped, 2 error.\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "blocklist", required_argument, NULL, 'b' },
		{ "no-blocklist", no_argument, NULL, 256 },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'u' },
		{ "csv", no_argument, NULL, 'c' },
		{ "top", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_report_opts o = { .top = 20 };
	const char *lists[CLI_MAX_BLOCKLISTS];
	struct blocklist *bl = NULL;
	struct cmd_report *r;
	bool no_lists = false, failed = false;
	size_t nlists = 0;
	uint64_t top;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:f:u:cn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (nlists == CLI_MAX_BLOCKLISTS) {
				fprintf(stderr, "embargo: report: more than %d --blocklist\n",
					CLI_MAX_BLOCKLISTS);
				return 2;
			}
			lists[nlists++] = optarg;
			break;
		case 256:
			no_lists = true;
			break;
		case 'f':
			if (cli_parse_time("--from", optarg, &o.from_us) < 0)
				return 2;
			o.use_from = true;
			break;
		case 'u':
			if (cli_parse_time("--to", optarg, &o.to_us) < 0)
				return 2;
			o.use_to = true;
			break;
		case 'c':
			o.csv = true;
			break;
		case 'n':
			if (parse_uint(optarg, 0, 1000000, &top) < 0) {
				fprintf(stderr, "embargo: --top: '%s' is not a number of rows\n",
					optarg);
				return 2;
			}
			o.top = (unsigned)top;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "embargo: report: no event file given\n");
		usage(stderr);
		return 2;
	}
	if (o.use_from && o.use_to && o.to_us <= o.from_us) {
		fprintf(stderr, "embargo: report: --to must be after --from\n");
		return 2;
	}
	if (!no_lists && cli_load_blocklist(lists, nlists, &bl) < 0)
		return 2;
	o.bl = bl;
	r = cmd_report_new(&o);
	if (!r) {
		blocklist_free(bl);
		fprintf(stderr, "embargo: report: out of memory\n");
		return 2;
	}
	for (int i = optind; i < argc; i++)
		if (read_file(r, argv[i]) < 0)
			failed = true;
	ret = cmd_report_print(r, stdout);
	if (fflush(stdout) != 0 || ret < 0) {
		fprintf(stderr, "embargo: report: writing output: %s\n",
			strerror(ret < 0 ? -ret : errno));
		failed = true;
	}
	ret = failed ? 2 : cmd_report_bad_lines(r) ? 1 : 0;
	cmd_report_free(r);
	blocklist_free(bl);
	return ret;
}
