// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_domain_set.c - label-boundary suffix matching, kinds and their
 * precedence, limits, stored text/tag/line (src/domain_set.c), and a
 * randomised comparison with a sorted-array oracle.
 */
#include <errno.h>
#include <stdio.h>
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

/* The text of the entry matching @q, or NULL (in a static buffer). */
static const char *match_text(const struct domain_set *s, const char *q)
{
	static char text[NAME_MAX_TEXT + 2];
	struct ds_hit h;
	struct ds_entry e;

	if (!domain_set_match(s, q, strlen(q), &h))
		return NULL;
	domain_set_entry(s, &h, &e);
	snprintf(text, sizeof(text), "%s", e.text);
	return text;
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
					diag("%s: text %s name %s kind %d tag %u line %u "
					     "(want line %u)", q, e.text, e.name, e.kind, e.tag,
					     e.line, line);
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

/*
 * Names from few short labels, so that suffixes are shared a lot; or
 * (@sparse) from labels of 1 to 3 letters out of six, so that a small set
 * leaves most suffixes unseen and the suffix filter turns most look-ups
 * away early.
 */
static void rnd_name(char *buf, size_t size, bool sparse)
{
	static const char *const lab[] = { "a", "b", "ab", "ba", "com", "net", "x-y", "k_1" };
	unsigned n = 1 + (unsigned)(rnd() % 5);
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		char l[4] = "";

		if (sparse) {
			unsigned ll = 1 + (unsigned)(rnd() % 3);

			for (unsigned c = 0; c < ll; c++)
				l[c] = (char)('a' + rnd() % 6);
			l[ll] = '\0';
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "." : "",
					sparse ? l : lab[rnd() % ARRAY_SIZE(lab)]);
	}
}

static void test_random(int N, int Q, bool sparse)
{
	struct ref *refs = calloc((size_t)N, sizeof(*refs));
	struct domain_set *s = domain_set_new();
	size_t bad = 0;

	for (uint32_t i = 0; i < (uint32_t)N; i++) {
		rnd_name(refs[i].name, sizeof(refs[i].name), sparse);
		refs[i].kind = (enum ds_kind)(rnd() % 3);
		refs[i].idx = i;
		if (add(s, refs[i].kind, refs[i].name, i, i + 1) < 0)
			bad++;
	}
	is_int(0, bad, "random%s: %d adds", sparse ? " sparse" : "", N);
	domain_set_finish(s);
	qsort(refs, (size_t)N, sizeof(*refs), ref_cmp);

	for (int q = 0; q < Q; q++) {
		char name[64];
		const struct ref *want = NULL;
		struct ds_hit h;
		struct ds_entry e;
		size_t len, pos;
		bool got;

		rnd_name(name, sizeof(name), sparse);
		/* Half the sparse look-ups end with an entry: they must be found. */
		if (sparse && q % 2) {
			char tail[64];

			snprintf(tail, sizeof(tail), "%.20s.%.40s", name,
				 refs[rnd() % (unsigned)N].name);
			memcpy(name, tail, sizeof(name));
		}
		len = strlen(name);
		/* Oracle: every label boundary, longest first, kinds by precedence. */
		for (pos = 0; pos < len && !want; pos++) {
			const char *suf = name + pos;

			if (pos && name[pos - 1] != '.')
				continue;
			if (pos == 0)
				want = ref_find(refs, (size_t)N, suf, DS_EXACT);
			else
				want = ref_find(refs, (size_t)N, suf, DS_SUBDOMAINS);
			if (!want)
				want = ref_find(refs, (size_t)N, suf, DS_SUFFIX);
		}
		got = domain_set_match(s, name, len, &h);
		if (got)
			domain_set_entry(s, &h, &e);
		if (!want) {
			if (got && bad++ < 5)
				diag("%s: got %s (tag %u), want none", name, e.text, e.tag);
		} else if (!got || e.tag != want->idx || e.line != want->idx + 1 ||
			   strcmp(e.name, want->name) || e.kind != want->kind) {
			if (bad++ < 5)
				diag("%s: got %s (tag %u), want %s (idx %u)", name,
				     got ? e.text : "none", got ? e.tag : 0, want->name, want->idx);
		}
	}
	is_int(0, bad, "random%s: %d look-ups agree with the oracle", sparse ? " sparse" : "", Q);
	domain_set_free(s);
	free(refs);
}

/*
 * Long names around the packing limit of 255 symbols: 255 and 256 letters
 * (dots included), then 254 and 255 letters and ".com" (one symbol).
 */
static const char *big_name(char *buf, unsigned k)
{
	size_t len = k < 2 ? 255 + k : 254 + (k - 2);

	memset(buf, 'p', len);
	buf[100] = buf[200] = '.';
	buf[len] = '\0';
	if (k >= 2)
		strcat(buf, ".com");
	return buf;
}

/*
 * Names are stored packed (6 bits a character, a symbol for common TLDs)
 * or raw: every form must come back byte for byte, match, and not match
 * its neighbours.
 */
static void test_packing(void)
{
	static const char *const names[] = {
		/* every TLD with a symbol, and look-alikes that have none */
		"a.com", "a.net", "a.org", "a.ru", "a.de", "a.info", "a.io", "a.uk", "a.br",
		"a.cn", "a.jp", "a.fr", "a.xyz", "a.top", "a.biz", "a.online", "a.site", "a.in",
		"a.pl", "a.nl", "a.it", "a.es", "a.co", "a.me", "a.us",
		"a.comm", "a.cm", "a.onlinex", "a.c", "a.example", "a.co.uk", "b.com.br",
		/* a TLD alone, or as a first label, is spelled out */
		"com", "net", "com.example", "online.xyz",
		/* 1-9 characters before the TLD: every remainder of four symbols */
		"b.com", "bb.com", "bbb.com", "bbbb.com", "bbbbb.com", "bbbbbb.com",
		"bbbbbbb.com", "bbbbbbbb.com", "bbbbbbbbb.com",
		"c", "cc", "ccc", "cccc", "ccccc",
		/* every symbol */
		"abcdefghijklmnopqrstuvwxyz.0123456789-_.example",
		"_dmarc.x-y.example", "9.9.9.9.in-addr.example",
		/* not packed: upper case and escapes are stored as they are */
		"Upper.Case.com", "esc\\046aped.example", "\\000.example",
	};
	struct domain_set *s = domain_set_new();
	char big[300];
	struct ds_entry e;
	struct ds_iter it = { 0 };
	struct ds_hit h;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		add(s, DS_EXACT, names[i], 1, (uint32_t)(i + 1));
	/* 255 symbols pack, 256 do not (with and without a TLD symbol). */
	for (unsigned k = 0; k < 4; k++)
		add(s, DS_SUFFIX, big_name(big, k), 2, 1000 + k);
	is_int(0, domain_set_finish(s), "packing: finish");

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		n = strlen(names[i]);
		if (!ok(domain_set_find(s, DS_EXACT, names[i], n, &h), "packing: find \"%s\"",
			names[i]))
			continue;
		domain_set_entry(s, &h, &e);
		ok(strcmp(e.name, names[i]) == 0 && e.text[0] == '=' &&
		   strcmp(e.text + 1, names[i]) == 0 && e.line == i + 1 && e.tag == 1,
		   "packing: \"%s\" comes back as \"%s\", line %u", names[i], e.text, e.line);
		ok(domain_set_match(s, names[i], n, &h) && h.kind == DS_EXACT && h.pos == 0,
		   "packing: \"%s\" matches", names[i]);
		ok(!domain_set_find(s, DS_SUFFIX, names[i], n, &h), "packing: \"%s\" only exact",
		   names[i]);
	}
	ok(!domain_set_match(s, "a.comx", 6, &h) && !domain_set_match(s, "a.co.u", 6, &h) &&
	   !domain_set_match(s, "x.a.com", 7, &h) && !domain_set_match(s, "a", 1, &h) &&
	   !domain_set_match(s, "upper.case.com", 14, &h),
	   "packing: near misses do not match (and matching is case-sensitive)");
	for (unsigned k = 0; k < 4; k++) {
		size_t len = strlen(big_name(big, k));

		ok(domain_set_find(s, DS_SUFFIX, big, len, &h), "packing: %zu-byte name %u found",
		   len, k);
		domain_set_entry(s, &h, &e);
		ok(strcmp(e.name, big) == 0 && e.line == 1000 + k,
		   "packing: %zu-byte name %u comes back", len, k);
	}
	/* Iteration gives every entry in order, with its line. */
	n = 0;
	while (domain_set_next(s, &it, &e)) {
		if (n < ARRAY_SIZE(names) && (strcmp(e.name, names[n]) || e.line != n + 1))
			break;
		n++;
	}
	is_int(ARRAY_SIZE(names) + 4, n, "packing: iteration gives every entry in order");
	domain_set_free(s);

	/* What packing saves: the same names in lower case (packed) and upper (raw). */
	{
		struct domain_set *lo = domain_set_new(), *up = domain_set_new();
		struct ds_stats a, b;
		char name[64];

		for (unsigned k = 0; k < 20000; k++) {
			snprintf(name, sizeof(name), "host%u.tracker%u.example.com", k, k % 97);
			add(lo, DS_SUFFIX, name, 1, k + 1);
			for (char *c = name; *c; c++)
				*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			add(up, DS_SUFFIX, name, 1, k + 1);
		}
		domain_set_finish(lo);
		domain_set_finish(up);
		domain_set_get_stats(lo, &a);
		domain_set_get_stats(up, &b);
		ok(a.text_bytes == b.text_bytes, "packing: the same text either way");
		ok(a.bytes * 100 < b.bytes * 85, "packing: %zu bytes packed, %zu raw", a.bytes,
		   b.bytes);
		domain_set_free(lo);
		domain_set_free(up);
	}
}

/* find, next and reserve: the entry kept for a repeat, the repeats themselves. */
static void test_find_next(void)
{
	struct domain_set *s = domain_set_new();
	struct ds_iter it = { 0 };
	struct ds_hit h, h2;
	struct ds_entry e;
	uint32_t first_ref = 0;
	unsigned seen = 0, repeats = 0;

	is_int(0, domain_set_reserve(s, 1 << 20), "reserve 1 MiB");
	is_int(0, domain_set_reserve(s, 0), "reserve nothing");
	add(s, DS_SUFFIX, "r.example", 7, 10);
	add(s, DS_EXACT, "r.example", 7, 11);
	add(s, DS_SUFFIX, "r.example", 8, 90);		/* repeat: new tag, earlier line */
	add(s, DS_SUBDOMAINS, "r.example", 8, 200);	/* a delta over 30: a varint */
	add(s, DS_SUFFIX, "r.example", 8, 70000);	/* repeat again, far below */
	ok(!domain_set_find(s, DS_SUFFIX, "r.example", 9, &h), "find before finish: nothing");
	domain_set_finish(s);
	is_int(-EINVAL, domain_set_reserve(s, 10), "reserve after finish: -EINVAL");

	ok(domain_set_find(s, DS_SUFFIX, "r.example", 9, &h) && h.kind == DS_SUFFIX && h.pos == 0,
	   "find suffix");
	domain_set_entry(s, &h, &e);
	ok(e.line == 10 && e.tag == 7, "find: the first copy is kept (line 10, tag 7)");
	ok(domain_set_find(s, DS_EXACT, "r.example", 9, &h2) && h2.slot != h.slot,
	   "find exact: another slot");
	ok(domain_set_find(s, DS_SUBDOMAINS, "r.example", 9, &h2), "find subdomains");
	ok(!domain_set_find(s, DS_SUFFIX, "example", 7, &h2) &&
	   !domain_set_find(s, DS_SUFFIX, "x.r.example", 11, &h2) &&
	   !domain_set_find(s, DS_SUFFIX, "r.exampl", 8, &h2),
	   "find: exact names only, no suffix matching");
	ok(!domain_set_find(s, (enum ds_kind)3, "r.example", 9, &h2) &&
	   !domain_set_find(s, DS_SUFFIX, "", 0, &h2), "find: bad kind, empty name");

	while (domain_set_next(s, &it, &e)) {
		static const uint32_t lines[] = { 10, 11, 90, 200, 70000 };
		static const uint32_t tags[] = { 7, 7, 8, 8, 8 };

		ok(seen < 5 && e.line == lines[seen] && e.tag == tags[seen] &&
		   strcmp(e.name, "r.example") == 0, "next %u: line %u tag %u", seen, e.line,
		   e.tag);
		if (seen == 0)
			first_ref = e.ref;
		if (e.kind == DS_SUFFIX && e.ref != h.ref)
			repeats++;
		seen++;
	}
	is_int(5, seen, "next: 5 entries, repeats included");
	is_int(2, repeats, "next: the 2 repeats have refs no look-up returns");
	is_int(h.ref, first_ref, "next: the first entry's ref is the kept one's");
	domain_set_free(s);

	/* An empty set: finishes, matches nothing, iterates nothing. */
	s = domain_set_new();
	memset(&it, 0, sizeof(it));
	ok(domain_set_finish(s) == 0 && !domain_set_match(s, "a.b", 3, &h) &&
	   !domain_set_find(s, DS_SUFFIX, "a.b", 3, &h) && !domain_set_next(s, &it, &e),
	   "an empty set matches and iterates nothing");
	domain_set_free(s);
}

int main(void)
{
	test_kinds();
	test_entry();
	test_limits();
	test_random(4000, 30000, false);
	test_random(200, 30000, true);
	test_packing();
	test_find_next();
	return done_testing();
}
