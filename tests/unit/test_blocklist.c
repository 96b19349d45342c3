// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_blocklist.c - the list file format and the curated Kaspersky lists
 * (src/blocklist.c).
 *
 * Run from the repository root: it reads blocklists/ and the fixtures in
 * tests/unit/data/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist.h"
#include "cidr_set.h"
#include "name.h"
#include "tap.h"
#include "util.h"

#define DATA "tests/unit/data/"

/* 2024-09-29T00:00:00-04:00 */
#define BAN_US (INT64_C(1727582400) * USEC_PER_SEC)

static struct blocklist *load1(const char *path)
{
	struct blocklist *bl = NULL;
	struct bl_error err;
	const char *paths[] = { path };

	if (blocklist_load(&bl, paths, 1, NULL, &err) < 0) {
		diag("load %s: %s:%u: %s", path, err.file, err.line, err.msg);
		return NULL;
	}
	return bl;
}

/* Match a name given as text (canonicalised first, as the engine does). */
static bool match(const struct blocklist *bl, const char *text, struct bl_match *m)
{
	char name[NAME_MAX_TEXT];
	size_t len;

	if (name_from_text((const uint8_t *)text, strlen(text), name, &len) != PARSE_OK) {
		diag("not a name: %s", text);
		m->rule = m->allowed_by = NULL;
		return false;
	}
	return blocklist_match_name(bl, name, len, m);
}

static bool match_addr(const struct blocklist *bl, const char *text, struct bl_match *m)
{
	struct addr a;

	if (addr_parse(text, &a) < 0) {
		diag("not an address: %s", text);
		m->rule = m->allowed_by = NULL;
		return false;
	}
	return blocklist_match_addr(bl, &a, m);
}

/* The line number of the first line of @path that starts with @prefix. */
static unsigned line_of(const char *path, const char *prefix)
{
	char buf[8192];
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		n++;
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

/* ---- the curated lists ------------------------------------------------ */

static void expect_cat(const struct blocklist *bl, const char *name, const char *category,
		       enum action action, const char *rule_text)
{
	struct bl_match m;
	bool hit = match(bl, name, &m);

	if (!ok(hit && m.rule && !m.allowed_by, "%s: blocked by a rule", name))
		return;
	is_str(category, m.rule->section->category, "%s: category %s", name, category);
	is_str("kaspersky", m.rule->section->list, "%s: list kaspersky", name);
	is_int(action, m.rule->section->policy.action, "%s: action %s", name,
	       action_name(action));
	is_int(BAN_US, m.rule->section->policy.enforce_from, "%s: from 2024-09-29 00:00 EDT", name);
	if (rule_text)
		is_str(rule_text, m.rule->text, "%s: rule %s", name, rule_text);
}

static void expect_none(const struct blocklist *bl, const char *name)
{
	struct bl_match m;
	bool hit = match(bl, name, &m);

	ok(!hit && !m.rule && !m.allowed_by, "%s: no match", name);
	if (m.rule)
		diag("  matched %s (%s:%u)", m.rule->text, m.rule->section->file, m.rule->line);
}

static void expect_net(const struct blocklist *bl, const char *a, const char *rule_text)
{
	struct bl_match m;
	bool hit = match_addr(bl, a, &m);

	if (!ok(hit && m.rule, "%s: blocked", a))
		return;
	is_str("network", m.rule->section->category, "%s: category network", a);
	is_int(ACTION_DROP, m.rule->section->policy.action, "%s: drop", a);
	is_int(BAN_US, m.rule->section->policy.enforce_from, "%s: from the ban", a);
	ok(m.rule->kind == BL_CIDR && !m.rule->allow, "%s: a CIDR block rule", a);
	if (rule_text)
		is_str(rule_text, m.rule->text, "%s: rule %s", a, rule_text);
}

static void expect_no_addr(const struct blocklist *bl, const char *a)
{
	struct bl_match m;

	ok(!match_addr(bl, a, &m) && !m.rule && !m.allowed_by, "%s: no match", a);
}

static void test_real_names(const struct blocklist *bl)
{
	struct bl_match m;
	struct decision d;

	expect_cat(bl, "s00.upd.kaspersky.com", "update", ACTION_DROP, "upd.kaspersky.com");
	expect_cat(bl, "s19.upd.kaspersky.com", "update", ACTION_DROP, "upd.kaspersky.com");
	expect_cat(bl, "p07.upd.kaspersky.com", "update", ACTION_DROP, "upd.kaspersky.com");
	expect_cat(bl, "downloads.upd.kaspersky.com", "update", ACTION_DROP, NULL);
	expect_cat(bl, "dnl-07.geo.kaspersky.com", "update", ACTION_DROP, "geo.kaspersky.com");
	expect_cat(bl, "dnl-23.geo.kaspersky.com", "update", ACTION_DROP, "geo.kaspersky.com");
	expect_cat(bl, "cm.k.kaspersky-labs.com", "update", ACTION_DROP, NULL);
	expect_cat(bl, "dnl-test.s.kaspersky-labs.com", "update", ACTION_DROP, NULL);
	expect_cat(bl, "DOWNLOADS2.Kaspersky-Labs.com.", "update", ACTION_DROP,
		   "downloads2.kaspersky-labs.com");

	expect_cat(bl, "activation-v2.kaspersky.com", "licensing", ACTION_DROP,
		   "activation-v2.kaspersky.com");
	expect_cat(bl, "activate.activation-v2.kaspersky.com", "licensing", ACTION_DROP, NULL);
	expect_cat(bl, "refresh-bkg.activation-v2.kaspersky.com", "licensing", ACTION_DROP, NULL);
	/* More specific than the update zone geo.kaspersky.com. */
	expect_cat(bl, "activation-v2.geo.kaspersky.com", "licensing", ACTION_DROP,
		   "activation-v2.geo.kaspersky.com");

	expect_cat(bl, "ksn-file-geo.kaspersky-labs.com", "telemetry", ACTION_DROP,
		   "ksn-file-geo.kaspersky-labs.com");
	expect_cat(bl, "ksn-stat-geo.kaspersky-labs.com", "telemetry", ACTION_DROP, NULL);
	expect_cat(bl, "dc1.ksn.kaspersky-labs.com", "telemetry", ACTION_DROP,
		   "ksn.kaspersky-labs.com");
	expect_cat(bl, "dc1-cert.ksn.kaspersky-labs.com", "telemetry", ACTION_DROP, NULL);
	expect_cat(bl, "ksn-verdict.geoksn.kaspersky.com", "telemetry", ACTION_DROP,
		   "geoksn.kaspersky.com");

	expect_cat(bl, "products.s.kaspersky-labs.com", "download", ACTION_DROP,
		   "s.kaspersky-labs.com");
	expect_cat(bl, "rescuedisk.s.kaspersky-labs.com", "download", ACTION_DROP, NULL);
	expect_cat(bl, "agent42.ksc.kaspersky.com", "console", ACTION_DROP, "ksc.kaspersky.com");
	expect_cat(bl, "crl.kaspersky.com", "pki", ACTION_DROP, "crl.kaspersky.com");
	expect_cat(bl, "gc.kis.v2.scr.kaspersky-labs.com", "webinject", ACTION_DROP,
		   "scr.kaspersky-labs.com");

	/* Log-only sections. */
	expect_cat(bl, "www.kaspersky.com", "brand", ACTION_LOG, "kaspersky.com");
	expect_cat(bl, "kaspersky.com", "brand", ACTION_LOG, "kaspersky.com");
	expect_cat(bl, "usa.kaspersky.com", "brand", ACTION_LOG, NULL);
	expect_cat(bl, "new-service.kaspersky-labs.com", "brand", ACTION_LOG, "kaspersky-labs.com");
	expect_cat(bl, "media.kasperskydaily.com", "brand", ACTION_LOG, NULL);
	expect_cat(bl, "kaspersky.co.uk", "brand", ACTION_LOG, NULL);
	expect_cat(bl, "my.kaspersky.com", "portal", ACTION_LOG, NULL);
	expect_cat(bl, "hq.uis.kaspersky.com", "portal", ACTION_LOG, "uis.kaspersky.com");
	expect_cat(bl, "bosh4.ucp-ntfy.kaspersky-labs.com", "portal", ACTION_LOG, NULL);
	expect_cat(bl, "mx12.kaspersky-labs.com", "mail", ACTION_LOG, NULL);
	expect_cat(bl, "allowlist.kaspersky-labs.com", "vendor", ACTION_LOG, NULL);

	/* The enforcement window of a drop section, and a log section. */
	match(bl, "s00.upd.kaspersky.com", &m);
	d = policy_decide(&m.rule->section->policy, BAN_US - 1);
	ok(d.action == ACTION_LOG && !d.enforced, "update: log only before the ban");
	d = policy_decide(&m.rule->section->policy, BAN_US);
	ok(d.action == ACTION_DROP && d.enforced, "update: drop from the ban");
	match(bl, "www.kaspersky.com", &m);
	d = policy_decide(&m.rule->section->policy, BAN_US + 1);
	ok(d.action == ACTION_LOG && d.enforced, "brand: log even after the ban");

	/* The rule remembers where it came from. */
	match(bl, "s00.upd.kaspersky.com", &m);
	is_str("blocklists/kaspersky.list", m.rule->section->file, "rule file");
	is_int(line_of("blocklists/kaspersky.list", "upd.kaspersky.com"), m.rule->line,
	       "rule line is the line of upd.kaspersky.com");
	ok(m.rule->line > 0, "rule line is known");
	ok(m.rule->kind == BL_SUFFIX && !m.rule->allow, "suffix block rule");
	{
		const struct bl_rule *first = m.rule;

		match(bl, "s01.upd.kaspersky.com", &m);
		ok(m.rule == first, "the same rule has the same address on every match");
	}

	/* Threat Intelligence carve-out: allowed, and the overridden rule is reported. */
	ok(!match(bl, "opentip.kaspersky.com", &m), "opentip.kaspersky.com: not blocked");
	ok(m.allowed_by && m.allowed_by->allow, "opentip.kaspersky.com: allowed by an exception");
	if (m.allowed_by) {
		is_str("opentip.kaspersky.com", m.allowed_by->text, "exception text");
		is_str("blocklists/kaspersky-carveouts.list", m.allowed_by->section->file,
		       "exception file");
	}
	ok(m.rule && strcmp(m.rule->text, "kaspersky.com") == 0,
	   "opentip.kaspersky.com: would otherwise match kaspersky.com");
	ok(!match(bl, "api.opentip.kaspersky.com", &m) && m.allowed_by,
	   "api.opentip.kaspersky.com: allowed too (suffix exception)");

	/* Look-alikes and neighbours. */
	expect_none(bl, "notkaspersky.com");
	expect_none(bl, "kaspersky.com.example.net");
	expect_none(bl, "kaspersky.community");
	expect_none(bl, "xkaspersky-labs.com");
	expect_none(bl, "kaspersky-labs.co");
	expect_none(bl, "kaspersky");
	expect_none(bl, "com");
	expect_none(bl, "upd.kaspersky.com.evil.example");
	/* Not Kaspersky: the CDN and the public resolvers it falls back to. */
	expect_none(bl, "tlgslb.com");
	expect_none(bl, "dnl-09.geo.kaspersky.com.tlgslb.com");
	expect_none(bl, "dns.google");
	expect_none(bl, "one.one.one.one");
	/* Unverified entries are not loaded from the directory. */
	expect_none(bl, "kas-labs.com");
	expect_none(bl, "viruslist.com");
	expect_none(bl, "avp.ru");
}

static void test_real_nets(const struct blocklist *bl)
{
	static const struct {
		const char *a, *rule;
	} t[] = {
		{ "77.74.176.0", "77.74.176.0/21" },
		{ "77.74.177.1", "77.74.176.0/21" },
		{ "77.74.180.1", "77.74.176.0/21" },	/* the /22 inside is not listed */
		{ "77.74.183.255", "77.74.176.0/21" },
		{ "82.202.185.1", "82.202.184.0/23" },
		{ "93.159.225.1", "93.159.224.0/23" },
		{ "93.159.226.1", "93.159.226.0/24" },
		{ "93.159.227.1", "93.159.227.0/24" },
		{ "93.159.231.254", "93.159.228.0/22" },
		{ "91.103.66.155", "91.103.64.0/21" },
		{ "185.54.223.1", "185.54.220.0/22" },
		{ "185.85.12.1", "185.85.12.0/24" },
		{ "185.85.15.1", "185.85.14.0/23" },
		{ "195.128.247.1", "195.128.246.0/23" },
		{ "37.203.129.1", "37.203.128.0/23" },
		{ "79.133.171.1", "79.133.168.0/22" },
		{ "185.201.3.1", "185.201.0.0/22" },
		{ "193.238.133.1", "193.238.132.0/23" },
		{ "2a03:2480::1", "2a03:2480::/33" },
		{ "2a03:2480:7fff:ffff:ffff:ffff:ffff:ffff", "2a03:2480::/33" },
		{ "2a03:2480:69::1", "2a03:2480::/33" },
		{ "2a03:2480:70::1", "2a03:2480::/33" },
		{ "2a03:2480:80::1", "2a03:2480::/33" },
		{ "2a03:2480:8000::1", "2a03:2480:8000::/33" },
		{ "2a03:2480:8102::1", "2a03:2480:8000::/33" },
	};
	static const char *const none[] = {
		"8.8.8.8", "1.1.1.1", "223.6.6.6", "9.9.9.9", "185.228.168.168",
		"2001:4860:4860::8888", "2606:4700:4700::1111",
		"77.74.175.255", "77.74.184.0", "185.85.13.1", "185.201.4.0",
		"2a03:2481::1", "2a03:247f:ffff:ffff:ffff:ffff:ffff:ffff",
		/* single-snapshot prefixes live in the .off file */
		"91.198.230.1", "80.173.148.1", "46.8.206.1",
		/* not Kaspersky's (China host of *.geoksn) */
		"119.255.133.1",
		/* an IPv4 rule never matches an IPv4-mapped IPv6 address */
		"::ffff:77.74.177.1",
	};
	char line[256];
	FILE *f;
	size_t checked = 0;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		expect_net(bl, t[i].a, t[i].rule);
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		expect_no_addr(bl, none[i]);

	/* Every prefix in the file: its first and last address are "network". */
	f = fopen("blocklists/kaspersky-ip.list", "r");
	ok(f != NULL, "open kaspersky-ip.list");
	while (f && fgets(line, sizeof(line), f)) {
		char *e = line + strcspn(line, " \t#\r\n");
		struct addr net, last;
		unsigned plen;
		char a1[ADDR_STRLEN], a2[ADDR_STRLEN];

		if (line[0] == '#' || line[0] == '@' || e == line)
			continue;
		*e = '\0';
		if (cidr_set_parse(line, strlen(line), &net, &plen) < 0) {
			ok(0, "kaspersky-ip.list entry %s parses", line);
			continue;
		}
		last = net;
		for (unsigned b = plen; b < (net.af == AF_INET ? 32u : 128u); b++)
			last.a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		expect_net(bl, addr_format(&net, a1, sizeof(a1)), NULL);
		expect_net(bl, addr_format(&last, a2, sizeof(a2)), NULL);
		checked++;
	}
	if (f)
		fclose(f);
	is_int(17, checked, "17 prefixes in kaspersky-ip.list");
}

static void test_real(void)
{
	struct blocklist *bl = load1("blocklists");
	struct blocklist_stats st;
	size_t n_drop = 0;

	if (!ok(bl != NULL, "load blocklists/"))
		return;
	test_real_names(bl);
	test_real_nets(bl);

	blocklist_get_stats(bl, &st);
	is_int(3, st.files, "3 files (the .off file is skipped)");
	is_int(17, st.cidrs, "17 prefixes");
	is_int(1, st.allows, "1 exception");
	is_int(0, st.duplicates, "no repeated entries");
	ok(st.domains > 90, "over 90 domain rules (%zu)", st.domains);
	is_int(1, st.lists, "one list name");
	ok(st.bytes > 0, "bytes counted");
	diag("real lists: %zu domains, %zu exact, %zu cidrs, %zu allows, %zu sections, %zu bytes",
	     st.domains, st.exact, st.cidrs, st.allows, st.sections, st.bytes);

	/* Every section: list kaspersky, the ban date (or always for the carve-out). */
	for (size_t i = 0; i < blocklist_n_sections(bl); i++) {
		const struct bl_section *s = blocklist_section(bl, i);
		bool carve = strcmp(s->category, "carveout") == 0;

		is_str("kaspersky", s->list, "section %zu (%s): list", i, s->category);
		ok(carve ? s->policy.enforce_from == POLICY_ALWAYS :
			   s->policy.enforce_from == BAN_US,
		   "section %zu (%s): enforcement date", i, s->category);
		n_drop += s->policy.action == ACTION_DROP;
		ok(s->policy.action != ACTION_REJECT, "section %zu (%s): no reject", i,
		   s->category);
	}
	ok(n_drop >= 8, "at least 8 drop sections (%zu)", n_drop);
	ok(blocklist_section(bl, blocklist_n_sections(bl)) == NULL, "section past the end: NULL");
	{
		const struct bl_list_info *l = blocklist_list(bl, 0);

		is_int(1, blocklist_n_lists(bl), "one list");
		ok(l && strcmp(l->name, "kaspersky") == 0, "list kaspersky");
		ok(l && l->cidrs == 17 && l->allows == 1 && l->files == 3,
		   "list kaspersky: 17 cidrs, 1 allow, 3 files");
		ok(blocklist_list(bl, 1) == NULL, "list past the end: NULL");
	}
	blocklist_free(bl);

	/* The unverified file loads when named, as its own list, log only for networks. */
	{
		const char *paths[] = { "blocklists",
					"blocklists/kaspersky-unverified.list.off" };
		struct bl_error err;
		struct bl_match m;

		bl = NULL;
		ok(blocklist_load(&bl, paths, 2, NULL, &err) == 0, "load with the unverified file");
		if (!bl) {
			diag("%s:%u: %s", err.file, err.line, err.msg);
			return;
		}
		ok(match_addr(bl, "91.198.230.1", &m) && m.rule &&
		   strcmp(m.rule->section->list, "kaspersky-unverified") == 0 &&
		   m.rule->section->policy.action == ACTION_LOG,
		   "unverified prefix: list kaspersky-unverified, log");
		ok(match(bl, "kas-labs.com", &m) && m.rule->section->policy.action == ACTION_LOG,
		   "unverified owner: log");
		ok(match(bl, "ppt-issuer.ksn.kaspersky-labs.com", &m) &&
		   strcmp(m.rule->section->category, "telemetry") == 0 &&
		   strcmp(m.rule->section->list, "kaspersky-unverified") == 0,
		   "unverified purpose: telemetry, more specific than ksn.kaspersky-labs.com");
		expect_none(bl, "tlgslb.com");
		is_int(2, blocklist_n_lists(bl), "two lists");
		blocklist_free(bl);
	}
}

/* ---- the format -------------------------------------------------------- */

static void test_features(void)
{
	const char *path = DATA "features.list";
	struct blocklist *bl = load1(path);
	struct blocklist_stats st;
	struct bl_match m;
	int64_t t2030;

	if (!ok(bl != NULL, "load features.list"))
		return;
	time_parse_rfc3339("2030-01-01T00:00:00Z", &t2030);

	ok(match(bl, "plain.example", &m), "plain.example");
	is_str("plain.example", m.rule->text, "  text");
	is_str("features", m.rule->section->list, "  default list: the file stem");
	is_str("default", m.rule->section->category, "  default category");
	is_int(ACTION_DROP, m.rule->section->policy.action, "  default action drop");
	ok(m.rule->section->policy.enforce_from == POLICY_ALWAYS, "  default enforce always");
	is_str(path, m.rule->section->file, "  file");
	is_int(2, m.rule->line, "  line 2");

	ok(match(bl, "upper.example", &m) && strcmp(m.rule->text, "upper.example") == 0 &&
	   m.rule->line == 3, "UPPER.Example. is canonicalised to upper.example");

	ok(match(bl, "exact.example", &m), "=exact.example");
	is_str("=exact.example", m.rule->text, "  text keeps the '='");
	ok(m.rule->kind == BL_EXACT, "  kind exact");
	is_str("cat-a", m.rule->section->category, "  category");
	is_int(ACTION_REJECT, m.rule->section->policy.action, "  reject");
	is_int(6, m.rule->line, "  line 6 (comment after the entry)");
	ok(!match(bl, "x.exact.example", &m) && !m.rule, "x.exact.example: not covered");

	ok(!match(bl, "wild.example", &m), "wild.example: not covered by *.wild.example");
	ok(match(bl, "a.b.wild.example", &m) && strcmp(m.rule->text, "*.wild.example") == 0 &&
	   m.rule->kind == BL_SUBDOMAINS && m.rule->line == 7, "a.b.wild.example: *.wild.example");

	ok(match_addr(bl, "192.0.2.99", &m) && strcmp(m.rule->text, "192.0.2.0/24") == 0 &&
	   m.rule->section->policy.enforce_from == POLICY_NEVER && m.rule->line == 9,
	   "192.0.2.99: 192.0.2.0/24, never enforced, line 9");
	ok(match_addr(bl, "192.0.2.7", &m) && strcmp(m.rule->text, "192.0.2.7/32") == 0,
	   "bare address: /32");
	ok(!match_addr(bl, "192.0.2.8", &m) && m.allowed_by &&
	   strcmp(m.allowed_by->text, "192.0.2.8/32") == 0 && m.allowed_by->allow &&
	   m.rule && strcmp(m.rule->text, "192.0.2.0/24") == 0,
	   "192.0.2.8: allowed by @@192.0.2.8, overriding the /24");
	ok(match_addr(bl, "2001:db8:ffff::1", &m) && strcmp(m.rule->text, "2001:db8::/32") == 0,
	   "IPv6 prefix");
	ok(!match_addr(bl, "198.51.100.1", &m) && !m.rule && !m.allowed_by, "other address");

	ok(!match(bl, "exempt.plain.example", &m) && m.allowed_by &&
	   strcmp(m.allowed_by->text, "=exempt.plain.example") == 0 &&
	   m.allowed_by->kind == BL_EXACT && m.allowed_by->line == 13,
	   "exempt.plain.example: allowed by the exact exception");
	ok(match(bl, "x.exempt.plain.example", &m) && !m.allowed_by,
	   "x.exempt.plain.example: the exact exception does not cover it");

	ok(match(bl, "x.deep.plain.example", &m), "x.deep.plain.example");
	is_str("deep.plain.example", m.rule->text, "  the most specific rule wins");
	is_str("other", m.rule->section->list, "  @list other");
	is_int(ACTION_LOG, m.rule->section->policy.action, "  log");
	ok(m.rule->section->policy.enforce_from == t2030, "  from 2030");
	ok(!match(bl, "a.allowed.plain.example", &m) && m.allowed_by &&
	   strcmp(m.allowed_by->text, "*.allowed.plain.example") == 0 &&
	   strcmp(m.allowed_by->section->list, "other") == 0,
	   "a.allowed.plain.example: allowed by *.allowed.plain.example");
	ok(match(bl, "allowed.plain.example", &m) && !m.allowed_by,
	   "allowed.plain.example itself: not covered by the *. exception");

	ok(match(bl, "again.example", &m) && strcmp(m.rule->section->list, "features") == 0 &&
	   m.rule->section->policy.action == ACTION_REJECT && m.rule->line == 23,
	   "directives changed back: again.example in list features, reject, line 23");

	blocklist_get_stats(bl, &st);
	is_int(5, st.domains, "stats: 5 domains");
	is_int(1, st.exact, "stats: 1 exact");
	is_int(3, st.cidrs, "stats: 3 cidrs");
	is_int(3, st.allows, "stats: 3 allows");
	is_int(5, st.sections, "stats: 5 sections");
	is_int(1, st.files, "stats: 1 file");
	is_int(2, st.lists, "stats: 2 lists");
	{
		const struct bl_list_info *f = blocklist_list(bl, 0), *o = blocklist_list(bl, 1);

		ok(f && strcmp(f->name, "features") == 0 && f->domains == 4 && f->exact == 1 &&
		   f->cidrs == 3 && f->allows == 2 && f->sections == 4 && f->files == 1,
		   "list features: 4 domains, 1 exact, 3 cidrs, 2 allows, 4 sections");
		ok(o && strcmp(o->name, "other") == 0 && o->domains == 1 && o->allows == 1 &&
		   o->sections == 1, "list other: 1 domain, 1 allow");
	}
	{
		const struct bl_section *s = blocklist_section(bl, 2);

		ok(s && s->cidrs == 3 && s->allows == 2 && s->domains == 0 && s->exact == 0,
		   "section 2 counts: 3 cidrs, 2 allows");
	}
	blocklist_free(bl);

	/* The same file with caller defaults. */
	{
		const struct blocklist_defaults def = {
			.category = "dflt",
			.policy = { .action = ACTION_LOG, .enforce_from = POLICY_NEVER },
		};
		const char *paths[] = { path };
		struct bl_error err;

		ok(blocklist_load(&bl, paths, 1, &def, &err) == 0, "load with defaults");
		ok(match(bl, "plain.example", &m) &&
		   strcmp(m.rule->section->category, "dflt") == 0 &&
		   m.rule->section->policy.action == ACTION_LOG &&
		   m.rule->section->policy.enforce_from == POLICY_NEVER,
		   "defaults apply before the first directive");
		blocklist_free(bl);
	}
}

static void test_ok_files(void)
{
	struct blocklist *bl;
	struct blocklist_stats st;
	struct bl_match m;

	bl = load1(DATA "ok-crlf.list");
	ok(bl != NULL, "BOM, CRLF, no final newline: loads");
	if (bl) {
		ok(match(bl, "crlf.example", &m) && m.rule->line == 3 &&
		   strcmp(m.rule->section->category, "crlf") == 0, "crlf.example, line 3");
		ok(match(bl, "indented.example", &m) && m.rule->line == 4,
		   "indented entry, line 4");
		ok(match(bl, "last.example", &m) && m.rule->line == 8,
		   "last line without newline, line 8");
		blocklist_free(bl);
	}

	bl = load1(DATA "ok-4096-line.list");
	ok(bl != NULL, "a line of exactly %d bytes loads", BL_LINE_MAX);
	if (bl) {
		ok(match(bl, "after.example", &m) && m.rule->line == 4, "the line after it: 4");
		blocklist_free(bl);
	}

	bl = load1(DATA "ok-limits.list");
	ok(bl != NULL, "63-byte label, 253-byte name, 64-byte list and category names");
	if (bl) {
		blocklist_get_stats(bl, &st);
		is_int(3, st.domains,
		       "the 253-byte name with a trailing dot is a repeat: 3 domains");
		is_int(1, st.duplicates, "1 repeat");
		ok(match(bl, "last.example", &m) && strlen(m.rule->section->list) == 64 &&
		   strlen(m.rule->section->category) == 64, "64-byte names kept");
		blocklist_free(bl);
	}

	bl = load1(DATA "ok-empty.list");
	ok(bl != NULL, "an empty file loads");
	if (bl) {
		blocklist_get_stats(bl, &st);
		ok(st.domains == 0 && st.sections == 0 && st.files == 1, "  nothing in it");
		ok(!match(bl, "example.com", &m) && !match_addr(bl, "192.0.2.1", &m),
		   "  matches nothing");
		blocklist_free(bl);
	}
	bl = load1(DATA "ok-comments.list");
	ok(bl != NULL, "a file of comments loads");
	blocklist_free(bl);

	/* No paths at all: an empty blocklist. */
	{
		struct bl_error err;

		bl = NULL;
		ok(blocklist_load(&bl, NULL, 0, NULL, &err) == 0 && bl,
		   "no paths: empty blocklist");
		ok(bl && !match(bl, "example.com", &m), "  matches nothing");
		blocklist_free(bl);
	}
	blocklist_free(NULL);
}

static void test_dirs(void)
{
	struct blocklist *bl;
	struct blocklist_stats st;
	struct bl_match m;

	for (int slash = 0; slash < 2; slash++) {
		bl = load1(slash ? DATA "dir/" : DATA "dir");
		if (!ok(bl != NULL, "load dir%s", slash ? "/" : ""))
			continue;
		ok(match(bl, "order.example", &m) &&
		   strcmp(m.rule->section->category, "first") == 0,
		   "a repeated entry keeps the first file's section (sorted order)");
		is_str(DATA "dir/a.list", m.rule ? m.rule->section->file : NULL, "  path joined");
		is_str("a", m.rule ? m.rule->section->list : NULL, "  list: the stem \"a\"");
		ok(match(bl, "only-b.example", &m), "b.list is read");
		expect_none(bl, "only-c.example");
		expect_none(bl, "only-hidden.example");
		expect_none(bl, "only-sub.example");
		blocklist_get_stats(bl, &st);
		is_int(2, st.files, "2 files: not .off, not hidden, not the sub.list directory");
		is_int(1, st.duplicates, "1 repeat across files");
		is_int(2, st.lists, "lists a and b");
		blocklist_free(bl);
	}

	/* An explicit path is read whatever its name; the stem drops ".list.off". */
	bl = load1(DATA "dir/c.list.off");
	ok(bl && match(bl, "only-c.example", &m) && strcmp(m.rule->section->list, "c") == 0,
	   "explicit c.list.off loads as list c");
	blocklist_free(bl);
}

static void test_errors(void)
{
	static const struct {
		const char *file;
		unsigned line;
		const char *msg;
	} t[] = {
		{ "err-directive.list", 3,
		  "unknown directive \"@foo\" (@list, @category, @enforce or @action)" },
		{ "err-date.list", 3,
		  "@enforce: invalid date \"2024-02-30T00:00:00Z\" (RFC 3339 such as "
		  "2024-09-29T00:00:00-04:00, \"always\" or \"never\")" },
		{ "err-date-offset.list", 3,
		  "@enforce: invalid date \"2024-09-29T00:00:00\" (RFC 3339 such as "
		  "2024-09-29T00:00:00-04:00, \"always\" or \"never\")" },
		{ "err-action.list", 3, "@action: invalid action \"block\" (drop, reject or log)" },
		{ "err-action-case.list", 3,
		  "@action: invalid action \"DROP\" (drop, reject or log)" },
		{ "err-missing-value.list", 3, "@category: missing value" },
		{ "err-extra-value.list", 3, "@action: unexpected \"now\" after the value" },
		{ "err-ident.list", 3,
		  "@list: invalid name \"kasp/ersky\" (1-64 letters, digits, '.', '_' or '-')" },
		{ "err-empty-label.list", 3, "domain: empty label in \"a..b.example\"" },
		{ "err-leading-dot.list", 3, "domain: empty label in \".example.com\"" },
		{ "err-label64.list", 3,
		  "domain: label longer than 63 bytes in \"x.llllllllllllllllllllllllllllllllllll"
		  "llllllllllllllllllllllllll...\"" },
		{ "err-name254.list", 3,
		  "domain: name \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn."
		  "...\" is longer than 253 bytes" },
		{ "err-utf8.list", 3,
		  "domain: invalid byte 0xc3 in \"b??cher.example\" (letters, digits, '-', '_'; "
		  "IDNs in punycode)" },
		{ "err-char.list", 3,
		  "domain: invalid character '!' in \"exa!mple.com\" (letters, digits, '-', '_'; "
		  "IDNs in punycode)" },
		{ "err-comment-glued.list", 3,
		  "domain: invalid character '#' in \"example.com#comment\" (letters, digits, '-', "
		  "'_'; IDNs in punycode)" },
		{ "err-star.list", 3,
		  "domain: '*' is only allowed as a leading \"*.\" in \"a.*.example\"" },
		{ "err-prefix.list", 3,
		  "cidr: invalid prefix length in \"192.0.2.0/33\" (0-32 for IPv4, 0-128 for "
		  "IPv6)" },
		{ "err-addr.list", 3, "cidr: invalid address in \"192.0.2.256\"" },
		{ "err-hostbits.list", 3,
		  "cidr: host bits set in \"77.74.176.1/21\" (the network is 77.74.176.0/21)" },
		{ "err-hostbits6.list", 3,
		  "cidr: host bits set in \"2a03:2480:4000::/33\" (the network is "
		  "2a03:2480::/33)" },
		{ "err-exact-cidr.list", 3,
		  "cidr: \"=\" and \"*.\" apply to names only, not to \"192.0.2.1\"" },
		{ "err-allow-empty.list", 3, "allow: missing entry after \"@@\"" },
		{ "err-exact-empty.list", 3, "domain: missing name after \"=\"" },
		{ "err-sub-empty.list", 3, "domain: missing name after \"*.\"" },
		{ "err-two-entries.list", 3,
		  "unexpected \"example.net\" after the entry \"example.com\" (one entry per "
		  "line)" },
		{ "err-hosts-format.list", 3,
		  "unexpected \"ads.example\" after the entry \"0.0.0.0\" (one entry per line)" },
		{ "err-nul.list", 3, "NUL byte in line" },
		{ "err-long-line.list", 3, "line longer than 4096 bytes" },
		{ "err-long-last-line.list", 3, "line longer than 4096 bytes" },
		{ "err-crlf.list", 4, "@action: invalid action \"maybe\" (drop, reject or log)" },
		{ "dir-bad", 2, "@action: invalid action \"nope\" (drop, reject or log)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char path[256], want[1024], got[1024];
		const char *paths[1] = { path };
		struct blocklist *bl = (struct blocklist *)&t;	/* must stay untouched */
		struct bl_error err;
		int ret;

		snprintf(path, sizeof(path), DATA "%s", t[i].file);
		ret = blocklist_load(&bl, paths, 1, NULL, &err);
		snprintf(want, sizeof(want), "%s%s:%u: %s", path,
			 strcmp(t[i].file, "dir-bad") == 0 ? "/b.list" : "", t[i].line, t[i].msg);
		snprintf(got, sizeof(got), "%s:%u: %s", err.file, err.line, err.msg);
		is_int(-EINVAL, ret, "%s: -EINVAL", t[i].file);
		is_str(want, got, "%s: message", t[i].file);
		ok(bl == (struct blocklist *)&t, "%s: *out untouched", t[i].file);
	}

	/* I/O errors: no line, the errno. */
	{
		const char *paths[] = { DATA "ok-empty.list", DATA "no-such-file.list" };
		struct blocklist *bl = NULL;
		struct bl_error err;

		is_int(-ENOENT, blocklist_load(&bl, paths, 2, NULL, &err), "missing file: -ENOENT");
		is_str(DATA "no-such-file.list", err.file, "  the missing file is named");
		is_int(0, err.line, "  no line");
		is_str("cannot open: No such file or directory", err.msg, "  message");
		ok(bl == NULL, "  nothing returned");

		paths[0] = "/dev/null";
		is_int(-EINVAL, blocklist_load(&bl, paths, 1, NULL, &err), "a device: -EINVAL");
		is_str("not a regular file or directory", err.msg, "  message");
		/* err may be NULL */
		is_int(-ENOENT, blocklist_load(&bl, paths + 1, 1, NULL, NULL), "NULL err is fine");
	}
}

/* Every entry as loaded, repeats included, and exact look-ups (for lint). */
static void test_inspect(void)
{
	static const struct {
		const char *text;
		unsigned line;
		bool allow, repeat;
		enum bl_rule_kind kind;
	} want[] = {
		{ "a.example", 2, false, false, BL_SUFFIX },
		{ "=b.example", 3, false, false, BL_EXACT },
		{ "*.c.example", 4, false, false, BL_SUBDOMAINS },
		{ "a.example", 5, false, true, BL_SUFFIX },
		{ "=b.example", 6, true, false, BL_EXACT },
		{ "192.0.2.0/24", 7, false, false, BL_CIDR },
		{ "192.0.2.0/24", 8, false, true, BL_CIDR },
		{ "192.0.2.9/32", 9, true, false, BL_CIDR },
	};
	struct blocklist *bl = load1(DATA "inspect.list");
	const struct bl_rule *r, *first = NULL;
	struct bl_entry e;
	struct bl_iter it;
	struct addr a;
	size_t n = 0;

	if (!ok(bl != NULL, "inspect.list loads"))
		return;
	blocklist_iter_init(&it);
	while (blocklist_iter_next(bl, &it, &e)) {
		if (n < ARRAY_SIZE(want)) {
			ok(strcmp(e.rule->text, want[n].text) == 0 &&
			   e.rule->line == want[n].line &&
			   e.rule->allow == want[n].allow && e.rule->kind == want[n].kind &&
			   (e.kept != e.rule) == want[n].repeat && e.kept &&
			   strcmp(e.kept->text, e.rule->text) == 0,
			   "entry %zu: %s%s line %u%s", n, want[n].allow ? "@@" : "", want[n].text,
			   want[n].line, want[n].repeat ? ", a repeat" : "");
			if (want[n].kind != BL_CIDR)
				ok(e.len == strlen(e.name) &&
				   strcmp(e.name, "a.example") * strcmp(e.name, "b.example") *
				   strcmp(e.name, "c.example") == 0, "entry %zu: name %s", n,
				   e.name);
			else
				ok(e.plen == (n == 7 ? 32u : 24u), "entry %zu: /%u", n, e.plen);
		}
		if (n == 0)
			first = e.rule;
		if (n == 3)
			ok(e.kept == first && e.kept->line == 2,
			   "the repeat's kept rule is line 2's");
		n++;
	}
	is_int(ARRAY_SIZE(want), n, "%zu entries", ARRAY_SIZE(want));
	ok(!blocklist_iter_next(bl, &it, &e), "the iterator stays at the end");

	r = blocklist_find_name(bl, false, BL_SUFFIX, "a.example", 9);
	ok(r && r == first, "find a.example: the rule matching returns");
	ok(!blocklist_find_name(bl, false, BL_EXACT, "a.example", 9), "find =a.example: none");
	ok(!blocklist_find_name(bl, false, BL_SUFFIX, "x.a.example", 11), "find is exact");
	r = blocklist_find_name(bl, true, BL_EXACT, "b.example", 9);
	ok(r && r->allow && r->line == 6, "find @@=b.example: line 6");
	ok(!blocklist_find_name(bl, false, BL_CIDR, "a.example", 9), "find a CIDR kind: none");
	addr_parse("192.0.2.9", &a);
	r = blocklist_find_net(bl, false, &a, 32);
	ok(r && r->line == 7, "find_net 192.0.2.9/32: the /24 of line 7");
	ok(!blocklist_find_net(bl, false, &a, 23), "find_net at most /23: none");
	r = blocklist_find_net(bl, true, &a, 32);
	ok(r && r->allow && r->line == 9, "find_net allow: @@192.0.2.9");
	is_int(1, blocklist_n_files(bl), "one file");
	is_str(DATA "inspect.list", blocklist_file(bl, 0), "the file");
	is_int(0, blocklist_n_notes(bl), "no notes");
	ok(blocklist_note(bl, 0) == NULL, "note past the end: NULL");
	blocklist_free(bl);
}

int main(void)
{
	test_real();
	test_features();
	test_ok_files();
	test_dirs();
	test_errors();
	test_inspect();
	return done_testing();
}
