// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_formats.c - the list formats other than RPZ (src/list_formats.c)
 * and the source API around them (src/blocklist_load.c): hosts files,
 * Adblock rules, CIDR lists, format detection, gzip-compressed files,
 * per-source formats, names and policies, list switches and lint mode.
 *
 * Line parsers are tested through a recording sink (boundary tables), then
 * the fixtures in tests/unit/data/formats/ through blocklist_load().  Error
 * cases and gzip files are written to a temporary directory.  Run from the
 * repository root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "blocklist.h"
#include "list_formats.h"
#include "name.h"
#include "tap.h"
#include "util.h"

#define FDATA "tests/unit/data/formats/"

static char tmpdir[64];

/* ---- a recording sink ------------------------------------------------- */

struct rec {
	char tok[300];
	enum ds_kind kind;
	bool allow;
	enum lf_want want;
	unsigned line;
};

struct rsink {
	struct rec r[8];
	int n;
	char err[256];
	int n_err;
	unsigned skips[LF_SKIP_N];
};

static int r_entry(void *ctx, unsigned line, const char *tok, size_t len, enum ds_kind kind,
		   bool allow, enum lf_want want)
{
	struct rsink *s = ctx;

	if (s->n < 8) {
		snprintf(s->r[s->n].tok, sizeof(s->r[s->n].tok), "%.*s", (int)len, tok);
		s->r[s->n].kind = kind;
		s->r[s->n].allow = allow;
		s->r[s->n].want = want;
		s->r[s->n].line = line;
	}
	s->n++;
	return 0;
}

static int r_error(void *ctx, unsigned line, const char *msg)
{
	struct rsink *s = ctx;

	snprintf(s->err, sizeof(s->err), "%u: %s", line, msg);
	s->n_err++;
	return -EINVAL;
}

static void r_skip(void *ctx, unsigned line, enum lf_skip why)
{
	struct rsink *s = ctx;

	(void)line;
	s->skips[why]++;
}

typedef int (*line_fn)(const struct lf_sink *, unsigned, char *, size_t);

/* Run one line through @fn; the entries joined as "tok|tok", "@@" for allow, "=" / "*." kinds. */
static void run_line(line_fn fn, const char *text, char *out, size_t size, struct rsink *s)
{
	struct lf_sink sink = { r_entry, r_error, r_skip, s };
	char buf[512];
	size_t k = 0;

	memset(s, 0, sizeof(*s));
	snprintf(buf, sizeof(buf), "%s", text);
	fn(&sink, 7, buf, strlen(buf));
	out[0] = '\0';
	for (int i = 0; i < s->n && i < 8; i++)
		k += (size_t)snprintf(out + k, size - k, "%s%s%s%s", i ? "|" : "",
				      s->r[i].allow ? "@@" : "",
				      s->r[i].kind == DS_EXACT ? "=" :
				      s->r[i].kind == DS_SUBDOMAINS ? "*." : "", s->r[i].tok);
}

static unsigned total_skips(const struct rsink *s)
{
	unsigned n = 0;

	for (int i = 0; i < LF_SKIP_N; i++)
		n += s->skips[i];
	return n;
}

/* ---- line parsers ------------------------------------------------------ */

static void test_hosts_lines(void)
{
	static const struct {
		const char *line, *want, *err;
		unsigned skips;
	} t[] = {
		{ "0.0.0.0 a.example", "a.example", NULL, 0 },
		{ "127.0.0.1 a.example", "a.example", NULL, 0 },
		{ ":: a.example", "a.example", NULL, 0 },
		{ "::1 a.example", "a.example", NULL, 0 },
		{ "0:0:0:0:0:0:0:1 a.example", "a.example", NULL, 0 },
		{ "0.0.0.0 a b\tc", "a|b|c", NULL, 0 },
		{ "\t 0.0.0.0  a  \t", "a", NULL, 0 },
		{ "0.0.0.0 a # b c", "a", NULL, 0 },
		/* '#' inside a word: the sink's name check rejects it */
		{ "0.0.0.0 a#b", "a#b", NULL, 0 },
		{ "# 0.0.0.0 a", "", NULL, 0 },
		{ "", "", NULL, 0 },
		{ "   \t", "", NULL, 0 },
		{ "127.0.0.1 localhost", "", NULL, 0 },
		{ "::1 localhost ip6-localhost ip6-loopback", "", NULL, 0 },
		{ "0.0.0.0 LOCALHOST", "", NULL, 0 },
		{ "0.0.0.0 0.0.0.0", "", NULL, 0 },
		{ "0.0.0.0 localhost a.example", "a.example", NULL, 0 },
		{ "255.255.255.255 broadcasthost", "", NULL, 0 },
		{ "192.168.1.1 router.example", "", NULL, 1 },
		{ "127.0.1.1 myhost", "", NULL, 1 },
		{ "127.0.0.2 a.example", "", NULL, 1 },
		{ "fe80::1%eth0 a.example", "", NULL, 1 },
		{ "0.0.0.0", "", "7: hosts: no name after the address", 0 },
		{ "0.0.0.0 # only a comment", "", "7: hosts: no name after the address", 0 },
		{ "a.example 0.0.0.0", "",
		  "7: hosts: \"a.example\" is not an address (a hosts line is ADDRESS "
		  "NAME...)", 0 },
		{ "0.0.0.256 a", "",
		  "7: hosts: \"0.0.0.256\" is not an address (a hosts line is ADDRESS "
		  "NAME...)", 0 },
		{ "0.0.0.0/8 a", "",
		  "7: hosts: \"0.0.0.0/8\" is not an address (a hosts line is ADDRESS "
		  "NAME...)", 0 },
	};
	char got[600];
	struct rsink s;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		run_line(lf_hosts_line, t[i].line, got, sizeof(got), &s);
		is_str(t[i].want, got, "hosts \"%s\": entries", t[i].line);
		is_str(t[i].err ? t[i].err : "", s.err, "hosts \"%s\": error", t[i].line);
		is_int(t[i].skips, s.skips[LF_SKIP_HOSTS_ADDR], "hosts \"%s\": skipped", t[i].line);
		if (s.n)
			ok(s.r[0].want == LF_NAME && !s.r[0].allow && s.r[0].kind == DS_SUFFIX &&
			   s.r[0].line == 7, "hosts \"%s\": a name, suffix, line 7", t[i].line);
	}
}

static void test_adblock_lines(void)
{
	static const struct {
		const char *line, *want;
		enum lf_skip skip;	/* LF_SKIP_N: none */
	} t[] = {
		{ "||a.example^", "a.example", LF_SKIP_N },
		{ "||a.example^|", "a.example", LF_SKIP_N },
		{ "@@||a.example^", "@@a.example", LF_SKIP_N },
		{ "@@||a.example^|", "@@a.example", LF_SKIP_N },
		{ "  ||a.example^  ", "a.example", LF_SKIP_N },
		{ "||A.Example.^", "A.Example.", LF_SKIP_N },	/* the sink canonicalises */
		{ "||192.0.2.1^", "192.0.2.1", LF_SKIP_N },
		{ "||a^", "a", LF_SKIP_N },
		{ "||x.y^", "x.y", LF_SKIP_N },
		{ "!", "", LF_SKIP_N },
		{ "! comment ||a.example^", "", LF_SKIP_N },
		{ "[Adblock Plus 2.0]", "", LF_SKIP_N },
		{ "[AdGuard]", "", LF_SKIP_N },
		{ "# comment", "", LF_SKIP_N },
		{ "", "", LF_SKIP_N },
		{ "||a.example^$third-party", "", LF_SKIP_OPTIONS },
		{ "||a.example^$important", "", LF_SKIP_OPTIONS },
		{ "@@||a.example^$important", "", LF_SKIP_OPTIONS },
		{ "||a.example$script", "", LF_SKIP_OPTIONS },
		{ "example.com##.ad", "", LF_SKIP_COSMETIC },
		{ "##.ad", "", LF_SKIP_COSMETIC },
		{ "example.com#@#.ad", "", LF_SKIP_COSMETIC },
		{ "example.com#?#div:-abp-has(.ad)", "", LF_SKIP_COSMETIC },
		{ "example.com#$#abort-on-property-read x", "", LF_SKIP_COSMETIC },
		{ "example.com#%#//scriptlet('x')", "", LF_SKIP_COSMETIC },
		{ "example.com$$script[data-src=\"x\"]", "", LF_SKIP_COSMETIC },
		{ "||a.example/ads", "", LF_SKIP_PATTERN },
		{ "||a.example^/ads", "", LF_SKIP_PATTERN },
		{ "||a.example^*", "", LF_SKIP_PATTERN },
		{ "||a.example", "", LF_SKIP_PATTERN },
		{ "||a*.example^", "", LF_SKIP_PATTERN },
		{ "||a.example:8080^", "", LF_SKIP_PATTERN },
		{ "||^", "", LF_SKIP_PATTERN },
		{ "||", "", LF_SKIP_PATTERN },
		{ "|", "", LF_SKIP_PATTERN },
		{ "|https://a.example^", "", LF_SKIP_PATTERN },
		{ "a.example", "", LF_SKIP_PATTERN },
		{ "/ads[0-9]/", "", LF_SKIP_PATTERN },
		{ "@@a.example", "", LF_SKIP_PATTERN },
		{ "@@", "", LF_SKIP_PATTERN },
	};
	char got[600];
	struct rsink s;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		run_line(lf_adblock_line, t[i].line, got, sizeof(got), &s);
		is_str(t[i].want, got, "adblock \"%s\": entries", t[i].line);
		is_int(0, s.n_err, "adblock \"%s\": never an error itself", t[i].line);
		if (t[i].skip == LF_SKIP_N)
			is_int(0, total_skips(&s), "adblock \"%s\": nothing skipped", t[i].line);
		else
			ok(s.skips[t[i].skip] == 1 && total_skips(&s) == 1,
			   "adblock \"%s\": skipped as %s", t[i].line, lf_skip_what(t[i].skip));
		if (s.n)
			ok(s.r[0].want == LF_ANY && s.r[0].kind == DS_SUFFIX,
			   "adblock \"%s\": name or address, suffix", t[i].line);
	}
}

static void test_cidr_lines(void)
{
	static const struct {
		const char *line, *want, *err;
	} t[] = {
		{ "192.0.2.0/24", "192.0.2.0/24", NULL },
		{ "192.0.2.0/24 ; SBL1", "192.0.2.0/24", NULL },
		{ "192.0.2.0/24;SBL1", "192.0.2.0/24", NULL },
		{ "192.0.2.0/24\t# note", "192.0.2.0/24", NULL },
		{ "  2001:db8::/32  ", "2001:db8::/32", NULL },
		{ "192.0.2.1", "192.0.2.1", NULL },
		{ "; comment", "", NULL },
		{ "# comment", "", NULL },
		{ ";", "", NULL },
		{ "", "", NULL },
		{ "192.0.2.0/24 extra", "192.0.2.0/24",
		  "7: cidr: unexpected \"extra\" after \"192.0.2.0/24\" (one address or "
		  "prefix a line)" },
		{ "192.0.2.0/24 extra ; c", "192.0.2.0/24",
		  "7: cidr: unexpected \"extra\" after \"192.0.2.0/24\" (one address or "
		  "prefix a line)" },
	};
	char got[600];
	struct rsink s;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		run_line(lf_cidr_line, t[i].line, got, sizeof(got), &s);
		is_str(t[i].want, got, "cidr \"%s\": entries", t[i].line);
		is_str(t[i].err ? t[i].err : "", s.err, "cidr \"%s\": error", t[i].line);
		if (s.n)
			ok(s.r[0].want == LF_NET, "cidr \"%s\": an address only", t[i].line);
	}
}

static void test_detect(void)
{
	static const struct {
		const char *text;
		enum bl_format want;
	} t[] = {
		{ "", BL_FORMAT_NATIVE },
		{ "# only comments\n\n#\n", BL_FORMAT_NATIVE },
		{ "example.com\n", BL_FORMAT_NATIVE },
		{ "example.com # c\n0.0.0.0 x\n", BL_FORMAT_NATIVE },
		{ "@list x\n0.0.0.0 a\n", BL_FORMAT_NATIVE },
		{ "@@allowed.example\n", BL_FORMAT_NATIVE },
		{ "192.0.2.0/24\n", BL_FORMAT_NATIVE },
		{ "192.0.2.1 # c\n", BL_FORMAT_NATIVE },
		{ "=exact.example\n", BL_FORMAT_NATIVE },
		{ "\xef\xbb\xbf# BOM\nexample.com\n", BL_FORMAT_NATIVE },
		{ "# c\n0.0.0.0 ads.example\n", BL_FORMAT_HOSTS },
		{ "127.0.0.1 localhost\n", BL_FORMAT_HOSTS },
		{ "::1 localhost\n", BL_FORMAT_HOSTS },
		{ "\t 0.0.0.0\tads.example\r\n", BL_FORMAT_HOSTS },
		{ "[Adblock Plus 2.0]\n", BL_FORMAT_ADBLOCK },
		{ "[adguard]\n", BL_FORMAT_ADBLOCK },
		{ "! Title: x\n", BL_FORMAT_ADBLOCK },
		{ "# c\n||ads.example^\n", BL_FORMAT_ADBLOCK },
		{ "@@||ok.example^\n", BL_FORMAT_ADBLOCK },
		{ "##.ad\n", BL_FORMAT_ADBLOCK },
		{ "$TTL 300\n", BL_FORMAT_RPZ },
		{ "; zone\n$ORIGIN rpz.example.\n", BL_FORMAT_RPZ },
		{ "@ IN SOA a. b. 1 2 3 4 5\n", BL_FORMAT_RPZ },
		{ "@\tSOA a. b. 1 2 3 4 5\n", BL_FORMAT_RPZ },
		{ "example.com CNAME .\n", BL_FORMAT_RPZ },
		{ "example.com 300 IN CNAME .\n", BL_FORMAT_RPZ },
		{ "32.1.2.0.192.rpz-ip CNAME rpz-drop.\n", BL_FORMAT_RPZ },
		{ "; Spamhaus\n1.10.16.0/20 ; SBL1\n", BL_FORMAT_CIDR },
		{ "1.10.16.0/20;SBL1\n", BL_FORMAT_CIDR },
		{ "; header\n192.0.2.0/24\n", BL_FORMAT_CIDR },
		{ "; only a semicolon comment\n", BL_FORMAT_CIDR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		is_int(t[i].want, lf_detect(t[i].text, strlen(t[i].text)), "detect %zu: %s", i,
		       blocklist_format_name(t[i].want));
	/* Only the first 1000 lines are read: 1000 comment lines, then a hosts line. */
	{
		size_t n = 1000 * 2 + 20;
		char *b = malloc(n + 1), *p = b;

		for (int k = 0; k < 1000; k++) {
			memcpy(p, "#\n", 2);
			p += 2;
		}
		strcpy(p, "0.0.0.0 a.example\n");
		is_int(BL_FORMAT_NATIVE, lf_detect(b, strlen(b)), "detect: line 1001 is not read");
		memmove(b + 2, b + 4, strlen(b + 4) + 1);
		is_int(BL_FORMAT_HOSTS, lf_detect(b, strlen(b)), "detect: line 1000 is read");
		free(b);
	}
}

static void test_format_names(void)
{
	static const char *const names[] = { "auto", "list", "hosts", "adblock", "rpz", "cidr" };
	enum bl_format f;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		ok(blocklist_format_parse(names[i], &f) == 0 && f == (enum bl_format)i &&
		   strcmp(blocklist_format_name(f), names[i]) == 0, "format %s round-trips",
		   names[i]);
	}
	ok(blocklist_format_parse("native", &f) == 0 && f == BL_FORMAT_NATIVE, "native = list");
	ok(blocklist_format_parse("domains", &f) == 0 && f == BL_FORMAT_NATIVE, "domains = list");
	is_int(-EINVAL, blocklist_format_parse("HOSTS", &f), "format names are case-sensitive");
	is_int(-EINVAL, blocklist_format_parse("", &f), "empty format");
}

/* ---- whole files -------------------------------------------------------- */

static struct blocklist *load_src(const struct bl_source *src, size_t n,
				  const struct bl_options *opt, struct bl_error *err)
{
	struct blocklist *bl = NULL;

	if (blocklist_load_sources(&bl, src, n, opt, err) < 0) {
		diag("load: %s:%u: %s", err->file, err->line, err->msg);
		return NULL;
	}
	return bl;
}

static struct blocklist *load1(const char *path)
{
	const struct bl_source src = { .path = path };
	struct bl_error err;

	return load_src(&src, 1, NULL, &err);
}

/* "text@line" of the rule blocking @name, "allow:text@line" if allowed, "-" if none. */
static const char *who(const struct blocklist *bl, const char *name, char *buf, size_t size)
{
	char canon[NAME_MAX_TEXT];
	struct bl_match m;
	struct addr a;
	size_t len;
	bool hit;

	if (addr_parse(name, &a) == 0) {
		hit = blocklist_match_addr(bl, &a, &m);
	} else if (name_from_text((const uint8_t *)name, strlen(name), canon, &len) == PARSE_OK) {
		hit = blocklist_match_name(bl, canon, len, &m);
	} else {
		snprintf(buf, size, "bad name");
		return buf;
	}
	if (hit)
		snprintf(buf, size, "%s@%u", m.rule->text, m.rule->line);
	else if (m.allowed_by)
		snprintf(buf, size, "allow:%s@%u", m.allowed_by->text, m.allowed_by->line);
	else
		snprintf(buf, size, "-");
	return buf;
}

struct expect {
	const char *q, *want;
};

static void expect_all(const struct blocklist *bl, const char *what, const struct expect *t,
		       size_t n)
{
	char got[600];

	for (size_t i = 0; i < n; i++)
		is_str(t[i].want, who(bl, t[i].q, got, sizeof(got)), "%s: %s", what, t[i].q);
}

static void expect_notes(const struct blocklist *bl, const char *what, const char *const *want,
			 size_t n)
{
	char got[600];

	is_int(n, blocklist_n_notes(bl), "%s: %zu notes", what, n);
	for (size_t i = 0; i < n && i < blocklist_n_notes(bl); i++) {
		const struct bl_diag *d = blocklist_note(bl, i);

		snprintf(got, sizeof(got), "%s:%u: %s", d->file, d->line, d->msg);
		is_str(want[i], got, "%s: note %zu", what, i);
		ok(d->severity == BL_WARNING, "%s: note %zu is a warning", what, i);
	}
}

static void test_hosts_file(void)
{
	static const struct expect t[] = {
		{ "ads.example", "ads.example@8" },
		{ "x.ads.example", "ads.example@8" },
		{ "tracker.example", "tracker.example@9" },
		{ "telemetry.example", "telemetry.example@9" },
		{ "upper.example", "upper.example@10" },
		{ "v6-sink.example", "v6-sink.example@11" },
		{ "v6-loop.example", "v6-loop.example@12" },
		{ "v6-long.example", "v6-long.example@13" },
		{ "indented.example", "indented.example@17" },
		{ "last.example", "last.example@18" },
		{ "printer.example", "-" },
		{ "link.example", "-" },
		{ "myhost.example", "-" },
		{ "localhost", "-" },
		{ "ip6-loopback", "-" },
		{ "broadcasthost", "-" },
		{ "0.0.0.0", "-" },
		{ "127.0.0.1", "-" },
		{ "example", "-" },
	};
	static const char *const notes[] = {
		FDATA "hosts.txt:14: hosts line mapping names to a real address: 3 skipped, the "
		"first on this line (only domain and address rules are loaded)",
	};
	struct blocklist *bl = load1(FDATA "hosts.txt");
	struct blocklist_stats st;

	if (!ok(bl != NULL, "hosts.txt loads"))
		return;
	expect_all(bl, "hosts.txt", t, ARRAY_SIZE(t));
	expect_notes(bl, "hosts.txt", notes, ARRAY_SIZE(notes));
	blocklist_get_stats(bl, &st);
	is_int(9, st.domains, "hosts.txt: 9 names");
	is_int(3, st.skipped, "hosts.txt: 3 skipped");
	is_int(0, st.cidrs + st.exact + st.allows, "hosts.txt: only suffix names");
	ok(blocklist_section(bl, 0) && blocklist_section(bl, 0)->format == BL_FORMAT_HOSTS &&
	   strcmp(blocklist_section(bl, 0)->list, "hosts") == 0 &&
	   strcmp(blocklist_section(bl, 0)->category, "default") == 0,
	   "hosts.txt: format hosts, list \"hosts\" (the stem), category default");
	blocklist_free(bl);

	bl = load1(FDATA "hosts-crlf.txt");
	if (ok(bl != NULL, "hosts-crlf.txt loads")) {
		static const struct expect c[] = {
			{ "crlf-a.example", "crlf-a.example@2" },
			{ "crlf-b.example", "crlf-b.example@3" },
			{ "crlf-c.example", "crlf-c.example@3" },
			{ "crlf-last.example", "crlf-last.example@4" },
		};

		expect_all(bl, "hosts-crlf.txt", c, ARRAY_SIZE(c));
		blocklist_free(bl);
	}
}

static void test_adblock_file(void)
{
	static const struct expect t[] = {
		{ "ads.example", "ads.example@4" },
		{ "www.ads.example", "ads.example@4" },
		{ "ok.ads.example", "allow:ok.ads.example@6" },
		{ "x.ok.ads.example", "allow:ok.ads.example@6" },
		{ "tracker.example", "tracker.example@5" },
		{ "upper.example", "upper.example@7" },
		{ "192.0.2.1", "192.0.2.1/32@18" },
		{ "last.example", "last.example@23" },
		{ "options.example", "-" },
		{ "opt-allow.example", "-" },
		{ "paths.example", "-" },
		{ "plain.example", "-" },
		{ "anchored.example", "-" },
		{ "port.example", "-" },
		{ "noanchor.example", "-" },
		{ "wild1.example", "-" },
	};
	static const char *const notes[] = {
		FDATA "adblock.txt:10: Adblock element-hiding rule: 3 skipped, the first on this "
		"line (only domain and address rules are loaded)",
		FDATA "adblock.txt:8: Adblock rule with $options: 2 skipped, the first on this "
		"line (only domain and address rules are loaded)",
		FDATA "adblock.txt:13: Adblock URL-pattern rule (not ||name^): 7 skipped, the "
		"first on this line (only domain and address rules are loaded)",
	};
	struct blocklist *bl = load1(FDATA "adblock.txt");
	struct blocklist_stats st;

	if (!ok(bl != NULL, "adblock.txt loads"))
		return;
	expect_all(bl, "adblock.txt", t, ARRAY_SIZE(t));
	expect_notes(bl, "adblock.txt", notes, ARRAY_SIZE(notes));
	blocklist_get_stats(bl, &st);
	is_int(4, st.domains, "adblock.txt: 4 block names");
	is_int(2, st.allows, "adblock.txt: 2 exceptions");
	is_int(1, st.cidrs, "adblock.txt: 1 address");
	is_int(12, st.skipped, "adblock.txt: 12 skipped");
	blocklist_free(bl);
}

static void test_cidr_file(void)
{
	static const struct expect t[] = {
		{ "1.10.16.1", "1.10.16.0/20@3" },
		{ "1.10.31.255", "1.10.16.0/20@3" },
		{ "1.10.32.0", "-" },
		{ "1.19.200.1", "1.19.0.0/16@4" },
		{ "2.56.195.1", "2.56.192.0/22@5" },
		{ "192.0.2.7", "192.0.2.7/32@7" },
		{ "192.0.2.8", "-" },
		{ "2001:db8:1::1", "2001:db8::/32@8" },
		{ "198.51.100.99", "198.51.100.0/24@9" },
	};
	struct blocklist *bl = load1(FDATA "cidr.txt");
	struct blocklist_stats st;

	if (!ok(bl != NULL, "cidr.txt loads"))
		return;
	expect_all(bl, "cidr.txt", t, ARRAY_SIZE(t));
	blocklist_get_stats(bl, &st);
	is_int(6, st.cidrs, "cidr.txt: 6 prefixes");
	is_int(0, blocklist_n_notes(bl), "cidr.txt: no notes");
	ok(blocklist_section(bl, 0)->format == BL_FORMAT_CIDR, "cidr.txt: detected as cidr");
	blocklist_free(bl);
}

/* ---- errors, in every format --------------------------------------------- */

static const char *write_tmp(const char *name, const char *text, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
	return path;
}

static void test_errors(void)
{
	static const struct {
		const char *text;
		enum bl_format fmt;
		unsigned line;
		const char *msg;
	} t[] = {
		{ "0.0.0.0 a.example\n0.0.0.0 exa!mple.com\n", BL_FORMAT_AUTO, 2,
		  "domain: invalid character '!' in \"exa!mple.com\" (letters, digits, '-', '_'; "
		  "IDNs in punycode)" },
		{ "0.0.0.0 a.example\n0.0.0.0 a..b\n", BL_FORMAT_AUTO, 2,
		  "domain: empty label in \"a..b\"" },
		{ "0.0.0.0 a.example\n0.0.0.0 b.example 192.0.2.1\n", BL_FORMAT_AUTO, 2,
		  "domain: \"192.0.2.1\" is an address, not a name" },
		{ "0.0.0.0 a.example\n\n0.0.0.0\n", BL_FORMAT_AUTO, 3,
		  "hosts: no name after the address" },
		{ "0.0.0.0 a.example\nads.example\n", BL_FORMAT_AUTO, 2,
		  "hosts: \"ads.example\" is not an address (a hosts line is ADDRESS NAME...)" },
		{ "a.example\n", BL_FORMAT_HOSTS, 1,
		  "hosts: \"a.example\" is not an address (a hosts line is ADDRESS NAME...)" },
		{ "0.0.0.0 a.example\n", BL_FORMAT_NATIVE, 1,
		  "unexpected \"a.example\" after the entry \"0.0.0.0\" (one entry per line)" },
		{ "||a.example^\n||b_c..example^\n", BL_FORMAT_AUTO, 2,
		  "domain: empty label in \"b_c..example\"" },
		{ "! x\n||b\xc3\xa4.example^\n", BL_FORMAT_AUTO, 2,
		  "domain: invalid byte 0xc3 in \"b??.example\" (letters, digits, '-', '_'; "
		  "IDNs in punycode)" },
		{ "! x\n||192.0.2.256^\n", BL_FORMAT_AUTO, 2,
		  "cidr: invalid address in \"192.0.2.256\"" },
		{ "; x\n192.0.2.1/24 ; y\n", BL_FORMAT_AUTO, 2,
		  "cidr: host bits set in \"192.0.2.1/24\" (the network is 192.0.2.0/24)" },
		{ "; x\n192.0.2.0/24 ;\nexample.com\n", BL_FORMAT_AUTO, 3,
		  "cidr: \"example.com\" is not an address or prefix" },
		{ "192.0.2.0/33\n", BL_FORMAT_CIDR, 1,
		  "cidr: invalid prefix length in \"192.0.2.0/33\" (0-32 for IPv4, 0-128 for "
		  "IPv6)" },
		{ "2001:db8::1/32\n", BL_FORMAT_CIDR, 1,
		  "cidr: host bits set in \"2001:db8::1/32\" (the network is 2001:db8::/32)" },
		{ "192.0.2.0/24 x y\n", BL_FORMAT_CIDR, 1,
		  "cidr: unexpected \"x\" after \"192.0.2.0/24\" (one address or prefix a line)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char name[32], want[1024], got[1024];
		const char *path;
		struct bl_source src = { .format = t[i].fmt };
		struct blocklist *bl = NULL;
		struct bl_error err;
		int ret;

		snprintf(name, sizeof(name), "err-%zu.txt", i);
		path = write_tmp(name, t[i].text, strlen(t[i].text));
		src.path = path;
		ret = blocklist_load_sources(&bl, &src, 1, NULL, &err);
		snprintf(want, sizeof(want), "%s:%u: %s", path, t[i].line, t[i].msg);
		snprintf(got, sizeof(got), "%s:%u: %s", err.file, err.line, err.msg);
		is_int(-EINVAL, ret, "error %zu: -EINVAL", i);
		is_str(want, got, "error %zu: message", i);
		ok(bl == NULL, "error %zu: nothing returned", i);
	}
}

/* A NUL byte is an error in every line-based format. */
static void test_nul(void)
{
	static const enum bl_format f[] = { BL_FORMAT_HOSTS, BL_FORMAT_ADBLOCK, BL_FORMAT_CIDR };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		struct bl_source src = { .path = write_tmp("nul.txt", "# x\n0.0.0.0 x\0y\n", 16),
					 .format = f[i] };
		struct blocklist *bl = NULL;
		struct bl_error err;

		ok(blocklist_load_sources(&bl, &src, 1, NULL, &err) == -EINVAL && err.line == 2 &&
		   strcmp(err.msg, "NUL byte in line") == 0, "%s: NUL byte in line 2",
		   blocklist_format_name(f[i]));
	}
}

/* ---- gzip ---------------------------------------------------------------- */

static int gzip_file(const char *from, const char *to, size_t cut)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(from, "rb");
	gzFile out = gzopen(to, "wb9");

	if (!in || !out)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		gzwrite(out, buf, (unsigned)n);
	fclose(in);
	gzclose(out);
	if (cut) {
		struct stat st;

		if (stat(to, &st) < 0 || truncate(to, st.st_size - (off_t)cut) < 0)
			return -1;
	}
	return 0;
}

static void test_gzip(void)
{
	static const char *const files[] = {
		"hosts.txt", "adblock.txt", "cidr.txt", "policy.rpz",
	};
	char gz[256], path[256], got1[600], got2[600];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct blocklist *a, *b;
		struct blocklist_stats sa, sb;

		snprintf(path, sizeof(path), FDATA "%s", files[i]);
		snprintf(gz, sizeof(gz), "%s/%s.gz", tmpdir, files[i]);
		if (!ok(gzip_file(path, gz, 0) == 0, "gzip %s", files[i]))
			continue;
		a = load1(path);
		b = load1(gz);
		if (!ok(a && b, "%s and %s.gz load", files[i], files[i])) {
			blocklist_free(a);
			blocklist_free(b);
			continue;
		}
		blocklist_get_stats(a, &sa);
		blocklist_get_stats(b, &sb);
		ok(sa.domains == sb.domains && sa.exact == sb.exact && sa.cidrs == sb.cidrs &&
		   sa.allows == sb.allows && sa.skipped == sb.skipped,
		   "%s.gz: the same entries as %s", files[i], files[i]);
		ok(blocklist_section(a, 0)->format == blocklist_section(b, 0)->format,
		   "%s.gz: detected as %s", files[i],
		   blocklist_format_name(blocklist_section(b, 0)->format));
		is_str(who(a, "last.example", got1, sizeof(got1)),
		       who(b, "last.example", got2, sizeof(got2)),
		       "%s.gz: the same rule and line for last.example", files[i]);
		blocklist_free(a);
		blocklist_free(b);
	}

	/* Truncated: the reader says so, with no line. */
	{
		const struct bl_source src = { .path = gz };
		struct blocklist *bl = NULL;
		struct bl_error err;

		snprintf(gz, sizeof(gz), "%s/cut.txt.gz", tmpdir);
		gzip_file(FDATA "hosts.txt", gz, 12);
		is_int(-EIO, blocklist_load_sources(&bl, &src, 1, NULL, &err),
		       "truncated gzip: -EIO");
		is_str("gzip: unexpected end of file", err.msg, "truncated gzip: message");
		is_int(0, err.line, "truncated gzip: no line");
		ok(bl == NULL, "truncated gzip: nothing returned");

		/* The magic bytes alone, then garbage. */
		write_tmp("bad.gz", "\x1f\x8b\x08\x00garbage, not deflate", 24);
		snprintf(gz, sizeof(gz), "%s/bad.gz", tmpdir);
		ok(blocklist_load_sources(&bl, &src, 1, NULL, &err) < 0 &&
		   strncmp(err.msg, "gzip: ", 6) == 0, "corrupt gzip: an error (%s)", err.msg);
		/* One byte that is not the magic: a plain file. */
		write_tmp("one.list", "\x1f", 1);
		snprintf(gz, sizeof(gz), "%s/one.list", tmpdir);
		ok(blocklist_load_sources(&bl, &src, 1, NULL, &err) == -EINVAL &&
		   strcmp(err.msg, "domain: invalid byte 0x1f in \"?\" (letters, digits, '-', '_'; "
			  "IDNs in punycode)") == 0, "a lone 0x1f byte is text: %s", err.msg);
	}

	/* In a directory, x.list.gz is read beside x.list; the stem drops both endings. */
	{
		struct blocklist *bl;
		struct bl_match m;
		char dir[128];

		snprintf(dir, sizeof(dir), "%s/gzdir", tmpdir);
		mkdir(dir, 0700);
		snprintf(gz, sizeof(gz), "%s/zipped.list.gz", dir);
		gzip_file(FDATA "hosts.txt", gz, 0);
		snprintf(gz, sizeof(gz), "%s/other.gz", dir);
		gzip_file(FDATA "cidr.txt", gz, 0);
		bl = load1(dir);
		ok(bl && blocklist_match_name(bl, "ads.example", 11, &m) &&
		   strcmp(m.rule->section->list, "zipped") == 0,
		   "zipped.list.gz in a directory: read, list \"zipped\"");
		ok(bl && blocklist_n_files(bl) == 1, "other.gz in a directory: not read");
		blocklist_free(bl);
	}
}

/* ---- sources, switches and lint mode -------------------------------------- */

static void test_sources(void)
{
	const struct policy_rule logp = { .action = ACTION_LOG, .enforce_from = POLICY_NEVER };
	struct bl_source src[3] = {
		{ .path = FDATA "hosts.txt", .list = "ads", .category = "tracking",
		  .policy = &logp },
		{ .path = FDATA "cidr.txt", .format = BL_FORMAT_CIDR },
		{ .path = FDATA "adblock.txt", .off = true },
	};
	struct blocklist *bl;
	struct bl_error err;
	struct bl_match m;
	struct addr a;

	bl = load_src(src, 3, NULL, &err);
	if (ok(bl != NULL, "three sources, one off")) {
		ok(blocklist_match_name(bl, "ads.example", 11, &m) &&
		   strcmp(m.rule->section->list, "ads") == 0 &&
		   strcmp(m.rule->section->category, "tracking") == 0 &&
		   m.rule->section->policy.action == ACTION_LOG &&
		   m.rule->section->policy.enforce_from == POLICY_NEVER,
		   "source list, category and policy apply");
		addr_parse("192.0.2.7", &a);
		ok(blocklist_match_addr(bl, &a, &m) && strcmp(m.rule->section->list, "cidr") == 0 &&
		   strcmp(m.rule->section->category, "default") == 0, "forced cidr format loads");
		ok(!blocklist_match_name(bl, "last.example", 12, &m) || m.rule->line != 23,
		   "the switched-off source is not read");
		is_int(2, blocklist_n_files(bl), "2 files read");
		is_str(FDATA "cidr.txt", blocklist_file(bl, 1), "file 1");
		ok(blocklist_file(bl, 2) == NULL, "file past the end: NULL");
		blocklist_free(bl);
	}

	/* Forcing the wrong format is an error like any other. */
	src[0] = (struct bl_source){ .path = FDATA "adblock.txt", .format = BL_FORMAT_HOSTS };
	bl = NULL;
	ok(blocklist_load_sources(&bl, src, 1, NULL, &err) == -EINVAL && err.line == 1 &&
	   strcmp(err.msg, "hosts: \"[Adblock\" is not an address (a hosts line is ADDRESS "
		  "NAME...)") == 0, "adblock read as hosts: error at line 1 (%s)", err.msg);

	/* Names given for a source follow the @list syntax. */
	src[0] = (struct bl_source){ .path = FDATA "hosts.txt", .list = "bad name" };
	ok(blocklist_load_sources(&bl, src, 1, NULL, &err) == -EINVAL && err.line == 0 &&
	   strcmp(err.msg, "invalid list or category name \"bad name\" (1-64 letters, digits, "
		  "'.', '_' or '-')") == 0, "a bad source list name (%s)", err.msg);
	src[0] = (struct bl_source){ .path = FDATA "hosts.txt", .category = "" };
	ok(blocklist_load_sources(&bl, src, 1, NULL, &err) == -EINVAL, "an empty category");
	src[0] = (struct bl_source){ .path = FDATA "hosts.txt", .format = (enum bl_format)99 };
	ok(blocklist_load_sources(&bl, src, 1, NULL, &err) == -EINVAL &&
	   strcmp(err.msg, "invalid format") == 0, "an unknown format value");
}

static bool blocked(const struct blocklist *bl, const char *name, struct bl_match *m)
{
	return blocklist_match_name(bl, name, strlen(name), m);
}

/* The Threat Intelligence carve-out, switched on and off. */
static void test_carveouts(void)
{
	static const char *const by_stem[] = { "kaspersky-carveouts" };
	static const char *const by_cat[] = { "kaspersky/carveout" };
	static const char *const by_list[] = { "kaspersky" };
	const struct bl_source src = { .path = "blocklists" };
	struct bl_options opt = { 0 };
	struct blocklist_stats st;
	struct blocklist *bl;
	struct bl_error err;
	struct bl_match m;

	bl = load_src(&src, 1, &opt, &err);
	ok(bl && !blocked(bl, "opentip.kaspersky.com", &m) && m.allowed_by,
	   "carve-outs on (default): opentip.kaspersky.com allowed");
	blocklist_free(bl);

	opt.off = by_stem;
	opt.n_off = 1;
	bl = load_src(&src, 1, &opt, &err);
	ok(bl && blocked(bl, "opentip.kaspersky.com", &m) && !m.allowed_by &&
	   strcmp(m.rule->text, "kaspersky.com") == 0,
	   "off by file stem: opentip.kaspersky.com falls to kaspersky.com");
	if (bl) {
		blocklist_get_stats(bl, &st);
		is_int(2, st.files, "off by file stem: the file is not read");
		is_int(0, st.off, "off by file stem: no entry read");
	}
	blocklist_free(bl);

	opt.off = by_cat;
	bl = load_src(&src, 1, &opt, &err);
	ok(bl && blocked(bl, "opentip.kaspersky.com", &m) && !m.allowed_by,
	   "off by list/category: opentip.kaspersky.com blocked");
	ok(bl && blocked(bl, "s00.upd.kaspersky.com", &m), "off by list/category: the rest stays");
	if (bl) {
		blocklist_get_stats(bl, &st);
		is_int(3, st.files, "off by list/category: every file read");
		is_int(1, st.off, "off by list/category: 1 entry not loaded");
		is_int(0, st.allows, "off by list/category: no exception");
	}
	blocklist_free(bl);

	opt.off = by_list;
	bl = load_src(&src, 1, &opt, &err);
	ok(bl && !blocked(bl, "s00.upd.kaspersky.com", &m) && !m.rule,
	   "off by list name: nothing of list kaspersky loads");
	blocklist_free(bl);

	/* --on reads a .list.off file of a directory; off wins over on. */
	{
		static const char *const on[] = { "kaspersky-unverified" };
		static const char *const off2[] = { "kaspersky-unverified" };

		memset(&opt, 0, sizeof(opt));
		opt.on = on;
		opt.n_on = 1;
		bl = load_src(&src, 1, &opt, &err);
		ok(bl && blocked(bl, "kavdumps.kaspersky.com", &m) &&
		   strcmp(m.rule->section->list, "kaspersky-unverified") == 0,
		   "on: kaspersky-unverified.list.off is read from the directory");
		blocklist_free(bl);
		opt.off = off2;
		opt.n_off = 1;
		bl = load_src(&src, 1, &opt, &err);
		ok(bl && blocklist_n_files(bl) == 3, "off wins over on");
		blocklist_free(bl);
	}
}

struct collected {
	char text[16][300];
	int n;
};

static void collect(void *ctx, const struct bl_diag *d)
{
	struct collected *c = ctx;
	static const char *const sev[] = { "note", "warning", "error" };

	if (c->n < 16)
		snprintf(c->text[c->n], sizeof(c->text[0]), "%s:%u: %s: %s", d->file, d->line,
			 sev[d->severity], d->msg);
	c->n++;
}

static void test_keep_going(void)
{
	static const char text[] =
		"0.0.0.0 good1.example\n"
		"0.0.0.0 bad!.example\n"
		"192.168.0.1 local.example\n"
		"0.0.0.0\n"
		"0.0.0.0 good2.example\n";
	struct collected c = { .n = 0 };
	const struct bl_options opt = { .report = collect, .report_ctx = &c, .keep_going = true };
	struct bl_source src[2] = { { .path = NULL }, { .path = "tests/unit/data/no-such-file" } };
	char want[3][512];
	struct blocklist *bl = NULL;
	struct bl_error err;
	struct bl_match m;
	const char *path;

	path = write_tmp("keep.txt", text, strlen(text));
	src[0].path = path;
	is_int(0, blocklist_load_sources(&bl, src, 2, &opt, &err), "lint mode: loads anyway");
	if (!bl)
		return;
	snprintf(want[0], sizeof(want[0]), "%s:2: error: domain: invalid character '!' in "
		 "\"bad!.example\" (letters, digits, '-', '_'; IDNs in punycode)", path);
	snprintf(want[1], sizeof(want[1]), "%s:4: error: hosts: no name after the address", path);
	snprintf(want[2], sizeof(want[2]), "%s:3: warning: hosts line mapping names to a real "
		 "address: 1 skipped, the first on this line (only domain and address rules are "
		 "loaded)", path);
	is_int(4, c.n, "lint mode: 4 reports");
	for (int i = 0; i < 3; i++)
		is_str(want[i], c.text[i], "lint mode: report %d", i);
	is_str("tests/unit/data/no-such-file:0: error: cannot open: No such file or directory",
	       c.text[3], "lint mode: a missing file is reported, not fatal");
	ok(blocked(bl, "good1.example", &m) && blocked(bl, "good2.example", &m),
	   "lint mode: the good lines loaded");
	is_int(2, blocklist_n_files(bl), "lint mode: both files listed");
	blocklist_free(bl);

	/* Without lint mode the first error stops the load, and goes to err only. */
	c.n = 0;
	bl = NULL;
	is_int(-EINVAL, blocklist_load_sources(&bl, src, 1, &(struct bl_options){
			.report = collect, .report_ctx = &c }, &err),
	       "strict: the first error stops it");
	is_int(2, err.line, "strict: at line 2");
	is_int(0, c.n, "strict: nothing reported (errors go to err)");
}

/* A reload builds a second index beside the first: both serve, independently. */
static void test_two_at_once(void)
{
	struct blocklist *a = load1(FDATA "hosts.txt"), *b = load1(FDATA "adblock.txt");
	struct bl_match m;

	ok(a && b && blocked(a, "telemetry.example", &m) && !blocked(b, "telemetry.example", &m) &&
	   blocked(b, "tracker.example", &m) && m.rule->line == 5,
	   "two blocklists at once answer independently");
	blocklist_free(a);
	ok(b && blocked(b, "tracker.example", &m) && m.rule->line == 5,
	   "freeing one leaves the other intact");
	blocklist_free(b);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/embargo-test-formats-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_hosts_lines();
	test_adblock_lines();
	test_cidr_lines();
	test_detect();
	test_format_names();
	test_hosts_file();
	test_adblock_file();
	test_cidr_file();
	test_errors();
	test_nul();
	test_gzip();
	test_sources();
	test_carveouts();
	test_keep_going();
	test_two_at_once();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return done_testing();
}
