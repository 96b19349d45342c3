// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rpz.c - Response Policy Zone files (src/rpz.c): QNAME triggers and
 * wildcards, rpz-ip triggers (IPv4, IPv6 with "zz"), the actions (NXDOMAIN,
 * NODATA, DROP, PASSTHRU old and new, TCP-only, local data), triggers that
 * are skipped, $ORIGIN and the zone apex, and every error with its line.
 *
 * The fixtures are the .rpz files of tests/unit/data/formats/; error cases are written
 * to a temporary directory.  Run from the repository root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocklist.h"
#include "name.h"
#include "tap.h"
#include "util.h"

#define FDATA "tests/unit/data/formats/"

static char tmpdir[64];

static struct blocklist *load(const char *path, enum bl_format fmt)
{
	const struct bl_source src = { .path = path, .format = fmt };
	struct blocklist *bl = NULL;
	struct bl_error err;

	if (blocklist_load_sources(&bl, &src, 1, NULL, &err) < 0) {
		diag("load: %s:%u: %s", err.file, err.line, err.msg);
		return NULL;
	}
	return bl;
}

/* "text@line", "allow:text@line" or "-", as in test_formats.c. */
static const char *who(const struct blocklist *bl, const char *q, char *buf, size_t size)
{
	char canon[NAME_MAX_TEXT];
	struct bl_match m;
	struct addr a;
	size_t len;
	bool hit;

	if (addr_parse(q, &a) == 0) {
		hit = blocklist_match_addr(bl, &a, &m);
	} else if (name_from_text((const uint8_t *)q, strlen(q), canon, &len) == PARSE_OK) {
		hit = blocklist_match_name(bl, canon, len, &m);
	} else {
		snprintf(buf, size, "bad query");
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

static void test_policy_zone(void)
{
	static const struct {
		const char *q, *want;
	} t[] = {
		/* QNAME: a name is exactly that name; "*." its subdomains only */
		{ "nx.example", "=nx.example@8" },
		{ "a.nx.example", "*.nx.example@9" },
		{ "a.b.nx.example", "*.nx.example@9" },
		{ "nodata.example", "=nodata.example@10" },
		{ "x.nodata.example", "-" },
		{ "drop.example", "=drop.example@11" },
		{ "example", "-" },
		/* PASSTHRU: an exception, over the wildcard block */
		{ "ok.nx.example", "allow:=ok.nx.example@12" },
		{ "x.ok.nx.example", "*.nx.example@9" },
		{ "old-ok.nx.example", "allow:=old-ok.nx.example@13" },
		{ "wild-ok.nx.example", "*.nx.example@9" },
		{ "a.wild-ok.nx.example", "allow:*.wild-ok.nx.example@14" },
		{ "mixed.case.example", "=mixed.case.example@15" },
		/* skipped: TCP-only and local data */
		{ "tcp.example", "-" },
		{ "local-a.example", "-" },
		{ "redirect.example", "-" },
		/* response IP */
		{ "192.0.2.1", "192.0.2.1/32@21" },
		{ "192.0.2.2", "-" },
		{ "198.51.100.1", "198.51.100.0/24@22" },
		{ "198.51.100.9", "allow:198.51.100.9/32@23" },
		{ "2001:db8:1::5", "2001:db8:1::/48@24" },
		{ "2001:db8:2::5", "-" },
		{ "2001:db8::1", "2001:db8::1/128@25" },
		/* skipped triggers */
		{ "10.0.0.1", "-" },
		{ "ns.bad.example", "-" },
		{ "10.0.53.0", "-" },
		/* after $ORIGIN */
		{ "deep.sub.example", "=deep.sub.example@31" },
		{ "last.example", "=last.example@32" },
	};
	static const char *const notes[] = {
		FDATA "policy.rpz:17: RPZ local-data record: 3 skipped, the first on this line "
		"(only domain and address rules are loaded)",
		FDATA "policy.rpz:27: RPZ client-IP, NSDNAME or NSIP trigger: 3 skipped, the first "
		"on this line (only domain and address rules are loaded)",
		FDATA "policy.rpz:16: RPZ rpz-tcp-only action: 1 skipped, the first on this line "
		"(only domain and address rules are loaded)",
	};
	struct blocklist *bl = load(FDATA "policy.rpz", BL_FORMAT_AUTO);
	struct blocklist_stats st;
	char got[600];

	if (!ok(bl != NULL, "policy.rpz loads"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		is_str(t[i].want, who(bl, t[i].q, got, sizeof(got)), "policy.rpz: %s", t[i].q);
	is_int(ARRAY_SIZE(notes), blocklist_n_notes(bl), "policy.rpz: %zu notes",
	       ARRAY_SIZE(notes));
	for (size_t i = 0; i < ARRAY_SIZE(notes) && i < blocklist_n_notes(bl); i++) {
		const struct bl_diag *d = blocklist_note(bl, i);

		snprintf(got, sizeof(got), "%s:%u: %s", d->file, d->line, d->msg);
		is_str(notes[i], got, "policy.rpz: note %zu", i);
	}
	blocklist_get_stats(bl, &st);
	is_int(6, st.exact, "policy.rpz: 6 exact names blocked");
	is_int(1, st.domains, "policy.rpz: 1 wildcard blocked");
	is_int(4, st.cidrs, "policy.rpz: 4 prefixes blocked");
	is_int(4, st.allows, "policy.rpz: 4 exceptions");
	is_int(7, st.skipped, "policy.rpz: 7 records skipped");
	ok(blocklist_section(bl, 0)->format == BL_FORMAT_RPZ &&
	   strcmp(blocklist_section(bl, 0)->list, "policy") == 0,
	   "policy.rpz: format rpz, list policy");
	blocklist_free(bl);
}

static void test_origin_zone(void)
{
	static const struct {
		const char *q, *want;
	} t[] = {
		{ "blocked.example", "=blocked.example@6" },
		{ "blocked2.example", "=blocked2.example@7" },
		{ "192.0.2.77", "192.0.2.0/24@8" },
		{ "allowed.blocked.example", "-" },
		{ "rpz.example", "-" },
		{ "blocked.example.rpz.example", "-" },
	};
	struct blocklist *bl = load(FDATA "origin.rpz", BL_FORMAT_AUTO);
	struct blocklist_stats st;
	struct bl_match m;
	char got[600];

	if (!ok(bl != NULL, "origin.rpz loads"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		is_str(t[i].want, who(bl, t[i].q, got, sizeof(got)), "origin.rpz: %s", t[i].q);
	/* An exact exception for a name no rule blocks: loaded, matches nothing. */
	blocklist_get_stats(bl, &st);
	is_int(1, st.allows, "origin.rpz: the exception is loaded");
	ok(!blocklist_match_name(bl, "allowed.blocked.example", 23, &m) && !m.rule,
	   "origin.rpz: an exact trigger does not cover its subdomains");
	blocklist_free(bl);
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

#define SOA "$TTL 60\n@ SOA a. b. 1 2 3 4 5\n"

static void test_errors(void)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} t[] = {
		{ SOA "bad.example CNAME\n", 3, "rpz: Syntax error, value expected" },
		{ SOA "bad.example CNAME", 3, "rpz: Syntax error, value expected" },
		{ SOA "ok.example CNAME .\nbad.example NOTATYPE .\n", 4,
		  "rpz: Syntax error, could not parse the RR's rdata" },
		{ SOA "24.1.2.0.192.rpz-ip CNAME .\n", 3,
		  "cidr: host bits set in \"192.0.2.1/24\" (the network is 192.0.2.0/24)" },
		{ SOA "33.1.2.0.192.rpz-ip CNAME .\n", 3,
		  "cidr: invalid prefix length in \"192.0.2.1/33\" (0-32 for IPv4, 0-128 for "
		  "IPv6)" },
		{ SOA "1.2.0.192.rpz-ip CNAME .\n", 3,
		  "rpz: invalid rpz-ip trigger \"1.2.0.192.rpz-ip.\"" },
		{ SOA "rpz-ip CNAME .\n", 3, "rpz: invalid rpz-ip trigger \"rpz-ip.\"" },
		{ SOA "32.1.zz.zz.2001.rpz-ip CNAME .\n", 3,
		  "rpz: invalid rpz-ip trigger \"32.1.zz.zz.2001.rpz-ip.\"" },
		{ SOA "32.1.2.0.300.rpz-ip CNAME .\n", 3,
		  "cidr: invalid address in \"300.0.2.1/32\"" },
		{ SOA "x.1.2.0.192.rpz-ip CNAME .\n", 3,
		  "rpz: invalid rpz-ip trigger \"x.1.2.0.192.rpz-ip.\"" },
		{ SOA "128.1.2.3.4.5.6.7.rpz-ip CNAME .\n", 3,
		  "rpz: invalid rpz-ip trigger \"128.1.2.3.4.5.6.7.rpz-ip.\"" },
		{ SOA "bad\\046dot.example CNAME .\n", 3,
		  "rpz: invalid trigger name \"bad\\.dot.example.\"" },
		{ SOA "a.*.example CNAME .\n", 3, "rpz: invalid trigger name \"a.*.example.\"" },
		{ SOA "* CNAME .\n", 3, "rpz: a wildcard for every name is not supported: \"*.\"" },
		{ SOA "$INCLUDE other.zone\n", 3, "rpz: $INCLUDE is not supported" },
		{ "$ORIGIN rpz.example.\n@ SOA a. b. 1 2 3 4 5\nother.example. CNAME .\n", 3,
		  "rpz: owner outside the zone apex: \"other.example.\"" },
		{ SOA "ok.example CNAME .\n\n; comment\nx.example CNAME (\n\n", 6,
		  "rpz: '(' not closed before the end of the file" },
		{ SOA "x.example CNAME .)\n", 3, "rpz: ')' without '('" },
		{ SOA "x.example TXT \"open\n", 3, "rpz: unterminated quoted string" },
		{ SOA "$TTL\n", 3, "rpz: $TTL: missing value" },
		{ SOA "$TTL 1x\n", 3, "rpz: $TTL: invalid value \"1x\"" },
		{ SOA "$TTL 60 extra\n", 3, "rpz: $TTL: unexpected \"extra\" after the value" },
		{ SOA "$ORIGIN a..b.\n", 3, "rpz: $ORIGIN: invalid name \"a..b.\"" },
		{ SOA "$GENERATE 1-9 x$ CNAME .\n", 3, "rpz: unknown directive \"$GENERATE\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char name[32], want[1024], got[1024];
		const struct bl_source src = { .format = BL_FORMAT_RPZ, .path = NULL };
		struct bl_source s = src;
		struct blocklist *bl = NULL;
		struct bl_error err;
		int ret;

		snprintf(name, sizeof(name), "err-%zu.rpz", i);
		s.path = write_tmp(name, t[i].text);
		ret = blocklist_load_sources(&bl, &s, 1, NULL, &err);
		is_int(-EINVAL, ret, "rpz error %zu: -EINVAL", i);
		if (t[i].msg) {
			snprintf(want, sizeof(want), "%s:%u: %s", s.path, t[i].line, t[i].msg);
			snprintf(got, sizeof(got), "%s:%u: %s", err.file, err.line, err.msg);
			is_str(want, got, "rpz error %zu: message", i);
		} else {
			is_int(t[i].line, err.line, "rpz error %zu: line %u (%s)", i, t[i].line,
			       err.msg);
		}
		ok(bl == NULL, "rpz error %zu: nothing returned", i);
	}
}

static unsigned *err_lines;

static void on_error(void *ctx, const struct bl_diag *d)
{
	unsigned *n = ctx;

	if (d->severity == BL_ERROR && *n < 4)
		err_lines[(*n)++] = d->line;
}

/* Details around the apex, case and lint mode. */
static void test_details(void)
{
	static const struct {
		const char *text, *q, *want;
	} t[] = {
		/* no SOA and no $ORIGIN: names are taken as they are */
		{ "example.com CNAME .\n", "example.com", "=example.com@1" },
		/* no SOA: the $ORIGIN at the first record is the apex */
		{ "$ORIGIN z.\nexample.com CNAME .\n", "example.com", "=example.com@2" },
		/* records at the apex other than SOA and NS are local data */
		{ SOA "@ A 192.0.2.1\nx.example CNAME .\n", "x.example", "=x.example@4" },
		{ SOA "@ NS ns.example.\nx.example CNAME .\n", "x.example", "=x.example@4" },
		/* a blank owner repeats the previous one */
		{ SOA "x.example CNAME .\n A 192.0.2.1\n", "x.example", "=x.example@3" },
		/* class other than IN: not a policy */
		{ SOA "x.example CH CNAME .\n", "x.example", "-" },
		/* case of the action's target does not matter */
		{ SOA "x.example CNAME RPZ-DROP.\n", "x.example", "=x.example@3" },
		{ SOA "x.example CNAME *.\n", "x.example", "=x.example@3" },
		/* a record over several lines is reported at its first line */
		{ SOA "x.example (\n CNAME ; comment (\n .\n )\n", "x.example", "=x.example@3" },
		{ SOA "x.example TXT \"a;b(c\" \nx.example CNAME .\n", "x.example",
		  "=x.example@4" },
		/* blank lines and comments after a record do not move its line */
		{ SOA "a.example CNAME .\n\n\n; c\n\nb.example CNAME .\n\n", "a.example",
		  "=a.example@3" },
		{ SOA "a.example CNAME .\n\n\n; c\n\nb.example CNAME .\n\n", "b.example",
		  "=b.example@8" },
		/* a relative $ORIGIN is relative to the one before */
		{ "$ORIGIN z.\n$ORIGIN y\n" SOA "x CNAME .\n", "x", "=x@5" },
		{ SOA "_svc.example CNAME .\n", "_svc.example", "=_svc.example@3" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char name[32], got[600];
		struct blocklist *bl;

		snprintf(name, sizeof(name), "d-%zu.rpz", i);
		bl = load(write_tmp(name, t[i].text), BL_FORMAT_RPZ);
		if (!ok(bl != NULL, "rpz detail %zu loads", i))
			continue;
		is_str(t[i].want, who(bl, t[i].q, got, sizeof(got)), "rpz detail %zu: %s", i,
		       t[i].q);
		blocklist_free(bl);
	}

	/* Under an $ORIGIN, a relative "rpz-passthru" (no final dot) names a host in the
	 * zone: local data, not an exception. */
	{
		struct blocklist *bl = load(write_tmp("rel.rpz", "$ORIGIN z.\n" SOA
						       "x.example CNAME rpz-passthru\n"
						       "y.example CNAME rpz-passthru.\n"),
					    BL_FORMAT_RPZ);
		struct blocklist_stats st;

		if (ok(bl != NULL, "relative rpz-passthru loads")) {
			blocklist_get_stats(bl, &st);
			ok(st.allows == 1 && st.skipped == 1,
			   "relative rpz-passthru: local data; absolute: an exception");
		}
		blocklist_free(bl);
	}

	/* Lint mode: every error reported, the rest loads. */
	{
		const char *path = write_tmp("lint.rpz", SOA "a.example CNAME .\nb.example CNAME\n"
					     "24.1.2.0.192.rpz-ip CNAME .\nc.example CNAME .\n");
		const struct bl_source src = { .path = path };
		unsigned lines[4] = { 0 }, n = 0;
		struct bl_options opt = {
			.keep_going = true, .report = on_error, .report_ctx = &n,
		};
		struct blocklist *bl = NULL;
		struct bl_error err;
		struct bl_match m;

		err_lines = lines;
		ok(blocklist_load_sources(&bl, &src, 1, &opt, &err) == 0 && bl,
		   "rpz lint mode: loads");
		ok(n == 2 && lines[0] == 4 && lines[1] == 5,
		   "rpz lint mode: errors at lines 4 and 5");
		ok(bl && blocklist_match_name(bl, "a.example", 9, &m) &&
		   blocklist_match_name(bl, "c.example", 9, &m),
		   "rpz lint mode: good records load");
		blocklist_free(bl);
	}
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/embargo-test-rpz-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_policy_zone();
	test_origin_zone();
	test_errors();
	test_details();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return done_testing();
}
