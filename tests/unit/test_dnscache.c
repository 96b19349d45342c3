// SPDX-License-Identifier: GPL-2.0-or-later
/* test_dnscache.c - learned addresses: TTL bounds, refresh, eviction, clear. */
#include "dnscache.h"
#include "util.h"
#include "../tap.h"

static struct addr ip(const char *s)
{
	struct addr a;

	addr_parse(s, &a);
	return a;
}

int main(void)
{
	struct bl_section sec = { .list = "k", .category = "update" };
	struct bl_rule rule = { .text = "geo.kaspersky.com", .section = &sec };
	struct dnscache *c = dnscache_new(4, 60, 3600);
	struct dnscache_stats st;
	const struct learned *l;
	struct addr a1 = ip("203.0.113.7"), a6 = ip("2001:db8::7");
	char longname[300];

	ok(c != NULL, "dnscache_new");
	dnscache_add(c, &a1, "dnl-01.geo.kaspersky.com", 24, &rule, 300, 0);
	l = dnscache_lookup(c, &a1, 299 * USEC_PER_SEC);
	ok(l != NULL, "found within its TTL");
	if (l) {
		is_str("learned:dnl-01.geo.kaspersky.com", l->rule.text, "rule text says learned");
		is_str("dnl-01.geo.kaspersky.com", l->name, "name kept");
		ok(l->rule.section == &sec && l->orig == &rule, "section and original rule kept");
	}
	ok(dnscache_lookup(c, &a1, 301 * USEC_PER_SEC) == NULL, "gone after its TTL");
	ok(dnscache_lookup(c, &a6, 0) == NULL, "unknown address not found");

	/* TTL clamped to [60, 3600]. */
	dnscache_add(c, &a6, "x.kaspersky.com", 15, &rule, 0, 0);
	ok(dnscache_lookup(c, &a6, 59 * USEC_PER_SEC) != NULL, "TTL 0 raised to the minimum");
	dnscache_add(c, &a6, "y.kaspersky.com", 15, &rule, 999999, 0);
	ok(dnscache_lookup(c, &a6, 3601 * USEC_PER_SEC) == NULL, "huge TTL capped");
	l = dnscache_lookup(c, &a6, 10);
	ok(l && strcmp(l->name, "y.kaspersky.com") == 0, "re-answer refreshes the name");

	/* Eviction: capacity 4, ring order. */
	dnscache_add(c, &(struct addr){ 0 }, "a", 1, &rule, 100, 0);
	for (int i = 1; i <= 4; i++) {
		struct addr x = ip("198.51.100.1");
		x.a[3] = (uint8_t)i;
		dnscache_add(c, &x, "b", 1, &rule, 100, 0);
	}
	dnscache_get_stats(c, &st);
	is_int(4, st.active, "bounded at 4 entries");
	ok(st.evicted >= 1, "evictions counted (%llu)", (unsigned long long)st.evicted);

	memset(longname, 'a', sizeof(longname));
	dnscache_add(c, &a1, longname, 256, &rule, 100, 0);
	dnscache_get_stats(c, &st);
	is_int(1, st.too_long, "over-long name not learned");

	dnscache_clear(c);
	dnscache_get_stats(c, &st);
	is_int(0, st.active, "clear empties");
	ok(dnscache_lookup(c, &a6, 10) == NULL, "nothing after clear");
	dnscache_free(c);
	dnscache_free(NULL);
	return done_testing();
}
