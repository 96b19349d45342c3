// SPDX-License-Identifier: GPL-2.0-or-later
/* test_flowtab.c - keys, look-up, LRU eviction, idle expiry, name dedupe. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "flowtab.h"
#include "util.h"
#include "../tap.h"

static struct addr v4(uint32_t a)
{
	struct addr x = { .af = AF_INET };
	uint32_t n = htonl(a);

	memcpy(x.a, &n, 4);
	return x;
}

static void test_key(void)
{
	struct addr c = v4(0xc0000201), s = v4(0xcb007101);
	struct flow_key k1, k2;
	bool lo1, lo2;

	flowtab_key(&k1, &c, 40000, &s, 443, IPPROTO_TCP, &lo1);
	flowtab_key(&k2, &s, 443, &c, 40000, IPPROTO_TCP, &lo2);
	ok(memcmp(&k1, &k2, sizeof(k1)) == 0, "both directions give the same key");
	ok(lo1 != lo2, "from_lo differs by direction");
	flowtab_key(&k2, &c, 40000, &s, 443, IPPROTO_UDP, &lo2);
	ok(memcmp(&k1, &k2, sizeof(k1)) != 0, "protocol is part of the key");
	/* Same address both sides: ports order the endpoints. */
	flowtab_key(&k1, &c, 5, &c, 6, IPPROTO_UDP, &lo1);
	flowtab_key(&k2, &c, 6, &c, 5, IPPROTO_UDP, &lo2);
	ok(memcmp(&k1, &k2, sizeof(k1)) == 0 && lo1 && !lo2, "loopback-style flow folds");
}

static void test_lru(void)
{
	struct flowtab *t = flowtab_new(16, 10 * USEC_PER_SEC);
	struct flowtab_stats st;
	struct flow_key k;
	struct addr c = v4(0xc0000201), s = v4(0xcb007101);
	bool lo, created;
	struct flow *f;
	uint64_t first_id;

	ok(t != NULL, "flowtab_new");
	flowtab_key(&k, &c, 1000, &s, 53, IPPROTO_UDP, &lo);
	f = flowtab_get(t, &k, 0, &created);
	ok(created, "first get creates");
	first_id = f->id;
	f = flowtab_get(t, &k, 1, &created);
	ok(!created && f->id == first_id, "second get finds the same flow");
	for (uint16_t p = 1001; p < 1016; p++) {
		flowtab_key(&k, &c, p, &s, 53, IPPROTO_UDP, &lo);
		flowtab_get(t, &k, 2 + p, &created);
	}
	flowtab_get_stats(t, &st);
	is_int(16, st.active, "table full at 16");
	is_int(0, st.evicted, "nothing evicted yet");
	/* Touch flow 1000 so 1001 becomes the oldest. */
	flowtab_key(&k, &c, 1000, &s, 53, IPPROTO_UDP, &lo);
	flowtab_get(t, &k, 5000, &created);
	ok(!created, "flow 1000 still there");
	flowtab_key(&k, &c, 2000, &s, 53, IPPROTO_UDP, &lo);
	flowtab_get(t, &k, 5001, &created);
	flowtab_get_stats(t, &st);
	is_int(1, st.evicted, "one eviction when full");
	is_int(16, st.active, "still 16 active");
	flowtab_key(&k, &c, 1001, &s, 53, IPPROTO_UDP, &lo);
	flowtab_get(t, &k, 5002, &created);
	ok(created, "the least recently used flow (1001) was the one evicted");
	flowtab_key(&k, &c, 1000, &s, 53, IPPROTO_UDP, &lo);
	flowtab_get(t, &k, 5003, &created);
	ok(!created, "the recently touched flow survived");

	/* Expiry: everything but the ones touched at >= 5001 is idle. */
	is_int(13, flowtab_expire(t, 5001 + 10 * USEC_PER_SEC), "expire removes idle flows");
	flowtab_get_stats(t, &st);
	is_int(3, st.active, "three flows left");
	is_int(0, flowtab_expire(t, 0), "expire with an old clock removes nothing");
	flowtab_free(t);
	flowtab_free(NULL);
	ok(1, "flowtab_free(NULL) is a no-op");
}

static void test_names(void)
{
	struct flowtab *t = flowtab_new(16, USEC_PER_SEC);
	struct flowtab_stats st;
	struct flow_key k;
	struct addr c = v4(1), s = v4(2);
	bool lo, created, again = false, fresh = true;
	struct flow *f;

	flowtab_key(&k, &c, 1, &s, 53, IPPROTO_UDP, &lo);
	f = flowtab_get(t, &k, 0, &created);
	for (uint64_t h = 1; h <= 100; h++)
		fresh &= !flowtab_name_seen(t, f, h * 7919);
	ok(fresh, "100 distinct names are new (inline then heap)");
	for (uint64_t h = 1; h <= 100; h++)
		again |= !flowtab_name_seen(t, f, h * 7919);
	ok(!again, "the same 100 names are all seen");
	for (uint64_t h = 101; h <= FLOW_MAX_NAMES + 10; h++)
		flowtab_name_seen(t, f, h * 7919);
	flowtab_get_stats(t, &st);
	is_int(10, st.names_overflow, "names past the per-flow cap are counted");
	ok(st.bytes > 16 * sizeof(struct flow), "memory accounting includes name lists");
	flowtab_free(t);
}

int main(void)
{
	test_key();
	test_lru();
	test_names();
	return done_testing();
}
