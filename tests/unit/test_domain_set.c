// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_domain_set.c - label-boundary suffix matching, kinds and their
 * precedence, limits, stored text/tag/line (src/domain_set.c), and a
 * randomised comparison with a sorted-array oracle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain_set.h"
#include "name.h"
#include "tap.h"
#include "util.h"

static int add(struct domain_set *s, enum ds_kind k, const char *name, uint32_t tag,
	       uint32_t line)
{
	return domain_set_add(s, k, name, strlen(name), tag, line);
}

/* The text of the entry matching @q, or NULL. */
static const char *match_text(const struct domain_set *s, const char *q)
{
	struct ds_hit h;
	struct ds_entry e;

	if (!domain_set_match(s, q, strlen(q), &h))
		return NULL;
	domain_set_entry(s, &h, &e);
	return e.text;
}

static void test_kinds(void)
{
	static const struct {
		const char *q;
		const char *want;	/* matching entry text, NULL: none */
	} t[] = {
		/* suffix: the name and every subdomain, on label boundaries */
		{ "kaspersky.com", "kaspersky.com" },
		{ "www.kaspersky.com", "kaspersky.com" },
		{ "a.b.c.kaspersky.com", "kaspersky.com" },
		{ "notkaspersky.com", NULL },
		{ "kaspersky.com.example.net", NULL },
		{ "kaspersky.community", NULL },
		{ "kaspersky.co", NULL },
		{ "aspersky.com", NULL },
		{ "com", NULL },
		/* longest wins */
		{ "upd.kaspersky.com", "upd.kaspersky.com" },
		{ "s00.upd.kaspersky.com", "=s00.upd.kaspersky.com" },
		{ "x.s00.upd.kaspersky.com", "upd.kaspersky.com" },
		{ "s01.upd.kaspersky.com", "upd.kaspersky.com" },
		/* exact: only the full name */
		{ "only.example", "=only.example" },
		{ "a.only.example", NULL },
		/* subdomains: not the name itself */
		{ "wild.example", NULL },
		{ "a.wild.example", "*.wild.example" },
		{ "a.b.wild.example", "*.wild.example" },
		{ "xwild.example", NULL },
		/* same name, several kinds: exact beats suffix at the name,
		 * "*." beats suffix below it */
		{ "both.example", "=both.example" },
		{ "a.both.example", "*.both.example" },
		{ "three.example", "=three.example" },
		{ "a.three.example", "*.three.example" },
		{ "sx.example", "sx.example" },
		{ "a.sx.example", "sx.example" },
		/* a single-label suffix rule */
		{ "zip", "zip" },
		{ "evil.zip", "zip" },
		{ "zipx", NULL },
		/* "\046" is a dot inside a label, not a boundary */
		{ "a\\046b.com", "a\\046b.com" },
		{ "x.a\\046b.com", "a\\046b.com" },
		{ "z\\046b.com", NULL },
		{ "b.com", NULL },
		/* not canonical, never matches */
		{ "", NULL },
		{ ".", NULL },
		{ "KASPERSKY.COM", NULL },
	};
	struct domain_set *s = domain_set_new();
	struct ds_stats st;

	ok(s != NULL, "new");
	ok(add(s, DS_SUFFIX, "kaspersky.com", 1, 1) == 0, "add suffix");
	ok(add(s, DS_SUFFIX, "upd.kaspersky.com", 1, 2) == 0, "add nested suffix");
	ok(add(s, DS_EXACT, "s00.upd.kaspersky.com", 1, 3) == 0, "add exact");
	ok(add(s, DS_EXACT, "only.example", 1, 4) == 0, "add exact 2");
	ok(add(s, DS_SUBDOMAINS, "wild.example", 1, 5) == 0, "add subdomains");
	ok(add(s, DS_SUFFIX, "both.example", 1, 6) == 0 &&
	   add(s, DS_EXACT, "both.example", 1, 7) == 0 &&
	   add(s, DS_SUBDOMAINS, "both.example", 1, 8) == 0, "add one name in three kinds");
	/* Same three, other insertion order. */
	ok(add(s, DS_SUBDOMAINS, "three.example", 1, 9) == 0 &&
	   add(s, DS_EXACT, "three.example", 1, 10) == 0 &&
	   add(s, DS_SUFFIX, "three.example", 1, 11) == 0, "add three kinds, reversed");
	ok(add(s, DS_SUFFIX, "sx.example", 1, 12) == 0 &&
	   add(s, DS_EXACT, "sx.example", 1, 13) == 0 &&
	   add(s, DS_SUFFIX, "sx.example", 1, 14) == 0, "add a repeat");
	ok(add(s, DS_SUFFIX, "zip", 1, 15) == 0, "add single label");
	ok(add(s, DS_SUFFIX, "a\\046b.com", 1, 16) == 0, "add escaped name");
	ok(add(s, DS_SUFFIX, "046b.com", 1, 17) == 0, "add the escape's tail as a name");

	ok(!domain_set_match(s, "kaspersky.com", 13, &(struct ds_hit){ 0 }),
	   "unfinished set matches nothing");
	is_int(0, domain_set_finish(s), "finish");
	is_int(0, domain_set_finish(s), "finish twice is harmless");
	is_int(-EINVAL, add(s, DS_SUFFIX, "late.example", 1, 1), "add after finish");

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(t[i].q, "sx.example") == 0)
			continue;	/* exact sx.example wins there, checked below */
		is_str(t[i].want, match_text(s, t[i].q), "match \"%s\"", t[i].q);
	}
	is_str("=sx.example", match_text(s, "sx.example"), "exact sx.example at the name");

	/* pos: where the matched suffix starts in the query. */
	{
		struct ds_hit h;

		ok(domain_set_match(s, "a.b.kaspersky.com", 17, &h) && h.pos == 4 &&
		   h.kind == DS_SUFFIX, "hit position and kind");
		ok(domain_set_match(s, "s00.upd.kaspersky.com", 21, &h) && h.pos == 0 &&
		   h.kind == DS_EXACT, "exact hit at 0");
		/* Length-bounded: a longer buffer whose first bytes are the name. */
		ok(domain_set_match(s, "kaspersky.comXYZ", 13, &h) && h.pos == 0,
		   "only @len bytes are read");
		ok(!domain_set_match(s, "kaspersky.co", 12, &h), "a prefix of an entry is not it");
	}

	domain_set_get_stats(s, &st);
	is_int(16, st.entries, "16 distinct entries");
	is_int(1, st.duplicates, "1 repeat");
	is_int(8, st.by_kind[DS_SUFFIX], "8 suffix");
	is_int(5, st.by_kind[DS_EXACT], "5 exact");
	is_int(3, st.by_kind[DS_SUBDOMAINS], "3 subdomains");
	ok(st.bytes > 0, "bytes counted");
	ok(domain_set_slots(s) > st.entries, "more slots than entries");
	domain_set_free(s);
	domain_set_free(NULL);
}

static void test_entry(void)
{
	struct domain_set *s = domain_set_new();
	char name[64];
	struct ds_hit h;
	struct ds_entry e;
	size_t bad = 0;
	uint32_t line = 1;

	/*
	 * 300 names, with line gaps of 1, 62 (largest in the head byte), 63
	 * (first varint), 200, 70000 (3-byte varint), a tag change every 100
	 * and one step back in line numbers.
	 */
	static const uint32_t gaps[] = { 1, 62, 63, 200, 70000, 1, 1 };

	for (int i = 0; i < 300; i++) {
		uint32_t tag = (uint32_t)i / 100;
		enum ds_kind k = (enum ds_kind)(i % 3);

		snprintf(name, sizeof(name), "n%d.example", i);
		if (i == 150)
			line = 5;	/* backwards: forces a new marker */
		if (add(s, k, name, tag, line) != 0)
			bad++;
		line += gaps[i % ARRAY_SIZE(gaps)];
	}
	is_int(0, bad, "300 adds");
	domain_set_finish(s);

	line = 1;
	bad = 0;
	for (int i = 0; i < 300; i++) {
		enum ds_kind k = (enum ds_kind)(i % 3);
		char q[80], want[80];

		snprintf(name, sizeof(name), "n%d.example", i);
		snprintf(q, sizeof(q), "%s%s", k == DS_SUBDOMAINS ? "x." : "", name);
		snprintf(want, sizeof(want), "%s%s", k == DS_EXACT ? "=" :
			 k == DS_SUBDOMAINS ? "*." : "", name);
		if (i == 150)
			line = 5;
		if (!domain_set_match(s, q, strlen(q), &h)) {
			bad++;
			diag("no match for %s", q);
		} else {
			domain_set_entry(s, &h, &e);
			if (strcmp(e.text, want) || strcmp(e.name, name) || e.kind != k ||
			    e.tag != (uint32_t)i / 100 || e.line != line) {
				if (bad++ < 5)
					diag("%s: text %s name %s kind %d tag %u line %u (want line %u)",
					     q, e.text, e.name, e.kind, e.tag, e.line, line);
			}
		}
		line += gaps[i % ARRAY_SIZE(gaps)];
	}
	is_int(0, bad, "text, name, kind, tag and line of 300 entries");
	domain_set_free(s);

	/*
	 * A file-like run long enough to span hundreds of KiB of arena: one
	 * tag, lines rising by 1 or 2 (a comment line now and then), names
	 * of varied length so that records straddle the index's KiB edges.
	 */
	s = domain_set_new();
	bad = 0;
	line = 10;
	for (int i = 0; i < 30000; i++) {
		snprintf(name, sizeof(name), "%.*s%d.example", 1 + i % 37,
			 "abcdefghijklmnopqrstuvwxyz0123456789abc", i);
		if (add(s, DS_SUFFIX, name, 7, line) != 0)
			bad++;
		line += 1 + (i % 5 == 0);
	}
	is_int(0, bad, "30000 adds");
	domain_set_finish(s);
	bad = 0;
	line = 10;
	for (int i = 0; i < 30000; i++) {
		snprintf(name, sizeof(name), "%.*s%d.example", 1 + i % 37,
			 "abcdefghijklmnopqrstuvwxyz0123456789abc", i);
		if (!domain_set_match(s, name, strlen(name), &h)) {
			bad++;
		} else {
			domain_set_entry(s, &h, &e);
			if (e.line != line || e.tag != 7 || strcmp(e.text, name)) {
				if (bad++ < 5)
					diag("%s: line %u want %u", name, e.line, line);
			}
		}
		line += 1 + (i % 5 == 0);
	}
	is_int(0, bad, "lines of 30000 entries across the arena");
	domain_set_free(s);
}

/* "a.a.a...": @labels labels of one byte. */
static size_t labels_name(char *buf, unsigned labels)
{
	size_t n = 0;

	for (unsigned i = 0; i < labels; i++) {
		if (i)
			buf[n++] = '.';
		buf[n++] = 'a';
	}
	buf[n] = '\0';
	return n;
}

static void test_limits(void)
{
	struct domain_set *s = domain_set_new();
	char big[NAME_MAX_TEXT + 8], q[600];
	struct ds_hit h;
	size_t n;

	is_int(-EINVAL, domain_set_add(s, DS_SUFFIX, "", 0, 0, 1), "add empty name");
	is_int(-EINVAL, domain_set_add(s, DS_SUFFIX, "a\0b", 3, 0, 1), "add name with NUL");
	is_int(-EINVAL, domain_set_add(s, (enum ds_kind)3, "a.b", 3, 0, 1), "add bad kind");

	/* Text length: NAME_MAX_TEXT-1 fits, NAME_MAX_TEXT does not. */
	memset(big, 'b', sizeof(big));
	for (size_t i = 60; i < NAME_MAX_TEXT; i += 61)
		big[i] = '.';
	is_int(0, domain_set_add(s, DS_EXACT, big, NAME_MAX_TEXT - 1, 0, 1),
	       "add %d-byte text (longest)", NAME_MAX_TEXT - 1);
	is_int(-EINVAL, domain_set_add(s, DS_EXACT, big, NAME_MAX_TEXT, 0, 1),
	       "add %d-byte text (one over)", NAME_MAX_TEXT);

	/* Labels: 128 fit, 129 do not. */
	n = labels_name(q, 129);
	is_int(-EINVAL, domain_set_add(s, DS_SUFFIX, q, n, 0, 1), "add 129 labels");
	n = labels_name(q, 128);
	is_int(0, domain_set_add(s, DS_SUFFIX, q, n, 0, 2), "add 128 labels");

	/* A 63-byte label and a 253-byte name (both maxima of name.h). */
	memset(q, 'c', 63);
	memcpy(q + 63, ".max", 5);
	is_int(0, add(s, DS_SUFFIX, q, 0, 3), "add 63-byte label");
	n = 0;
	while (n + 64 <= 253) {
		memset(q + n, 'd', 63);
		q[n + 63] = '.';
		n += 64;
	}
	memset(q + n, 'e', 253 - n);
	q[253] = '\0';
	is_int(0, add(s, DS_EXACT, q, 0, 4), "add 253-byte name");
	ok(add(s, DS_SUFFIX, "a", 0, 5) == 0, "add single-letter suffix");
	domain_set_finish(s);

	ok(domain_set_match(s, big, NAME_MAX_TEXT - 1, &h) && h.kind == DS_EXACT,
	   "match the longest text");
	ok(domain_set_match(s, q, 253, &h) && h.kind == DS_EXACT && h.pos == 0,
	   "match the 253-byte name");
	{
		char l63[80];

		memset(l63, 'c', 63);
		memcpy(l63, "x.", 2);
		memset(l63 + 2, 'c', 63);
		memcpy(l63 + 65, ".max", 5);
		ok(domain_set_match(s, l63, strlen(l63), &h) && h.pos == 2,
		   "match under the 63-byte label");
	}
	/* 128 labels: the whole name is the 128-label entry. */
	n = labels_name(q, 128);
	ok(domain_set_match(s, q, n, &h) && h.pos == 0, "query of 128 labels matches");
	/* 127 labels: matched by the single-label suffix rule "a", at the last label. */
	n = labels_name(q, 127);
	ok(domain_set_match(s, q, n, &h) && h.pos == n - 1, "query of 127 labels: suffix \"a\"");
	/* 129 labels: more than any canonical name, refused. */
	n = labels_name(q, 129);
	ok(!domain_set_match(s, q, n, &h), "query of 129 labels: no match");
	ok(!domain_set_match(s, big, NAME_MAX_TEXT, &h), "query over NAME_MAX_TEXT-1: no match");
	ok(!domain_set_match(s, "a", 0, &h), "zero-length query: no match");
	ok(domain_set_match(s, "a", 1, &h), "one-byte query");
	domain_set_free(s);

	/* Empty set. */
	s = domain_set_new();
	is_int(0, domain_set_finish(s), "finish an empty set");
	ok(!domain_set_match(s, "a", 1, &h), "empty set matches nothing");
	domain_set_free(s);
}

/* ---- random comparison with an oracle --------------------------------- */

static uint64_t rnd_state = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

struct ref {
	char name[64];
	enum ds_kind kind;
	uint32_t idx;		/* insertion order */
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* First-inserted entry of (name, kind), by binary search. */
static const struct ref *ref_find(const struct ref *r, size_t n, const char *name,
				  enum ds_kind kind)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r[mid].name, name);

		if (c == 0)
			c = r[mid].kind < kind ? -1 : r[mid].kind > kind;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(r[lo].name, name) == 0 && r[lo].kind == kind ? &r[lo] : NULL;
}

/* Names from few short labels, so that suffixes are shared a lot. */
static void rnd_name(char *buf, size_t size)
{
	static const char *const lab[] = { "a", "b", "ab", "ba", "com", "net", "x-y", "k_1" };
	unsigned n = 1 + (unsigned)(rnd() % 5);
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "." : "",
					lab[rnd() % ARRAY_SIZE(lab)]);
}

static void test_random(void)
{
	enum { N = 4000, Q = 30000 };
	struct ref *refs = calloc(N, sizeof(*refs));
	struct domain_set *s = domain_set_new();
	size_t bad = 0;

	for (uint32_t i = 0; i < N; i++) {
		rnd_name(refs[i].name, sizeof(refs[i].name));
		refs[i].kind = (enum ds_kind)(rnd() % 3);
		refs[i].idx = i;
		if (add(s, refs[i].kind, refs[i].name, i, i + 1) < 0)
			bad++;
	}
	is_int(0, bad, "random: %d adds", N);
	domain_set_finish(s);
	qsort(refs, N, sizeof(*refs), ref_cmp);

	for (int q = 0; q < Q; q++) {
		char name[64];
		const struct ref *want = NULL;
		struct ds_hit h;
		struct ds_entry e;
		size_t len, pos;
		bool got;

		rnd_name(name, sizeof(name));
		len = strlen(name);
		/* Oracle: every label boundary, longest first, kinds by precedence. */
		for (pos = 0; pos < len && !want; pos++) {
			const char *suf = name + pos;

			if (pos && name[pos - 1] != '.')
				continue;
			if (pos == 0)
				want = ref_find(refs, N, suf, DS_EXACT);
			else
				want = ref_find(refs, N, suf, DS_SUBDOMAINS);
			if (!want)
				want = ref_find(refs, N, suf, DS_SUFFIX);
		}
		got = domain_set_match(s, name, len, &h);
		if (got)
			domain_set_entry(s, &h, &e);
		if (got != (want != NULL) ||
		    (got && (e.tag != want->idx || e.line != want->idx + 1 ||
			     strcmp(e.name, want->name) || e.kind != want->kind))) {
			if (bad++ < 5)
				diag("%s: got %s (tag %u), want %s (idx %u)", name,
				     got ? e.text : "none", got ? e.tag : 0,
				     want ? want->name : "none", want ? want->idx : 0);
		}
	}
	is_int(0, bad, "random: %d look-ups agree with the oracle", Q);
	domain_set_free(s);
	free(refs);
}

int main(void)
{
	test_kinds();
	test_entry();
	test_limits();
	test_random();
	return done_testing();
}
