// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cidr_set.c - prefix parsing, canonical text and longest-prefix
 * match (src/cidr_set.c), checked against a brute-force oracle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr_set.h"
#include "tap.h"
#include "util.h"

static struct addr A(const char *s)
{
	struct addr a = { 0 };

	if (addr_parse(s, &a) < 0)
		diag("bad test address %s", s);
	return a;
}

static void test_parse(void)
{
	static const struct {
		const char *in;
		int ret;
		const char *canon;	/* cidr_set_format of the result */
		bool host_bits;
	} t[] = {
		{ "77.74.176.0/21", 0, "77.74.176.0/21", false },
		{ "77.74.176.1/21", 0, "77.74.176.1/21", true },
		{ "77.74.183.255/21", 0, "77.74.183.255/21", true },
		{ "1.2.3.4", 0, "1.2.3.4/32", false },
		{ "0.0.0.0/0", 0, "0.0.0.0/0", false },
		{ "1.0.0.0/0", 0, "1.0.0.0/0", true },
		{ "255.255.255.255/32", 0, "255.255.255.255/32", false },
		{ "10.0.0.0/8", 0, "10.0.0.0/8", false },
		{ "10.128.0.0/9", 0, "10.128.0.0/9", false },
		{ "10.64.0.0/9", 0, "10.64.0.0/9", true },
		{ "1.2.3.4/33", -ERANGE, NULL, false },
		{ "1.2.3.0/", -ERANGE, NULL, false },
		{ "1.2.3.0/-1", -ERANGE, NULL, false },
		{ "1.2.3.0/+8", -ERANGE, NULL, false },
		{ "1.2.3.0/0008", -ERANGE, NULL, false },
		{ "1.2.3.0/8 ", -ERANGE, NULL, false },
		{ "1.2.3.0/24/1", -ERANGE, NULL, false },
		{ "/24", -EINVAL, NULL, false },
		{ "1.2.3/24", -EINVAL, NULL, false },
		{ "1.2.3.256", -EINVAL, NULL, false },
		{ "01.2.3.4", -EINVAL, NULL, false },
		{ "1.2.3.4.5", -EINVAL, NULL, false },
		{ "", -EINVAL, NULL, false },
		{ "example.com", -EINVAL, NULL, false },
		{ "2a03:2480::/33", 0, "2a03:2480::/33", false },
		{ "2A03:2480:0000::/32", 0, "2a03:2480::/32", false },
		{ "2a03:2480:8000::/33", 0, "2a03:2480:8000::/33", false },
		{ "2a03:2480:4000::/33", 0, "2a03:2480:4000::/33", true },
		{ "2a03:2480:68::/47", 0, "2a03:2480:68::/47", false },
		{ "2a03:2480:69::/47", 0, "2a03:2480:69::/47", true },
		{ "::/0", 0, "::/0", false },
		{ "::1", 0, "::1/128", false },
		{ "::1/127", 0, "::1/127", true },
		{ "fe80::1%eth0/64", -EINVAL, NULL, false },
		{ "2001:db8::/129", -ERANGE, NULL, false },
		{ "2001:db8::/128", 0, "2001:db8::/128", false },
		{ "2001:db8::1/64", 0, "2001:db8::1/64", true },
		{ "2001:db8:0:0:1::/64", 0, "2001:db8:0:0:1::/64", true },
		{ "2001:db8:0:0:1:0:0:0/80", 0, "2001:db8:0:0:1::/80", false },
		{ "2001:db8::8000:0:0:0/65", 0, "2001:db8:0:0:8000::/65", false },
		{ "2001:db8::4000:0:0:0/65", 0, "2001:db8:0:0:4000::/65", true },
		{ "::ffff:1.2.3.4/128", 0, "::ffff:1.2.3.4/128", false },
		{ "1:2:3:4:5:6:7:8:9", -EINVAL, NULL, false },
	};
	char buf[CIDR_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct addr net;
		unsigned plen;
		int ret = cidr_set_parse(t[i].in, strlen(t[i].in), &net, &plen);

		is_int(t[i].ret, ret, "parse \"%s\"", t[i].in);
		if (ret != 0 || t[i].ret != 0)
			continue;
		is_str(t[i].canon, cidr_set_format(&net, plen, buf, sizeof(buf)),
		       "canonical \"%s\"", t[i].in);
		is_int(t[i].host_bits, cidr_set_host_bits(&net, plen), "host bits of \"%s\"",
		       t[i].in);
	}

	/* Parsing reads exactly @len bytes: a prefix of a longer buffer. */
	{
		struct addr net;
		unsigned plen;

		ok(cidr_set_parse("10.0.0.0/8XYZ", 10, &net, &plen) == 0 && plen == 8,
		   "length-bounded parse ignores the bytes after @len");
		ok(cidr_set_parse("10.0.0.0/8", 9, &net, &plen) == -ERANGE,
		   "length-bounded parse: \"10.0.0.0/\" alone is an error");
	}

	/* Longest IPv6 text still fits CIDR_STRLEN. */
	{
		struct addr a = A("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");

		cidr_set_format(&a, 128, buf, sizeof(buf));
		ok(strlen(buf) < CIDR_STRLEN, "longest text fits (%s)", buf);
	}
}

static void test_mask(void)
{
	static const struct {
		const char *in;
		unsigned plen;
		const char *out;
	} t[] = {
		{ "77.74.176.1", 21, "77.74.176.0" },
		{ "77.74.183.255", 21, "77.74.176.0" },
		{ "255.255.255.255", 0, "0.0.0.0" },
		{ "255.255.255.255", 1, "128.0.0.0" },
		{ "255.255.255.255", 31, "255.255.255.254" },
		{ "255.255.255.255", 32, "255.255.255.255" },
		{ "2a03:2480:ffff::1", 33, "2a03:2480:8000::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 64, "ffff:ffff:ffff:ffff::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65, "ffff:ffff:ffff:ffff:8000::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
	};
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct addr a = A(t[i].in);

		cidr_set_mask(&a, t[i].plen);
		is_str(t[i].out, addr_format(&a, buf, sizeof(buf)), "mask %s/%u", t[i].in,
		       t[i].plen);
		ok(!cidr_set_host_bits(&a, t[i].plen), "no host bits after masking %s/%u",
		   t[i].in, t[i].plen);
	}
}

static bool add(struct cidr_set *s, const char *cidr, uint32_t v)
{
	struct addr net;
	unsigned plen;

	return cidr_set_parse(cidr, strlen(cidr), &net, &plen) == 0 &&
	       cidr_set_add(s, &net, plen, v) == 0;
}

static void expect(const struct cidr_set *s, const char *a, bool hit, uint32_t v, unsigned plen)
{
	struct addr x = A(a);
	uint32_t gv = 9999;
	unsigned gp = 9999;
	bool got = cidr_set_lookup(s, &x, &gv, &gp);

	if (!hit) {
		ok(!got, "%s: no match", a);
		return;
	}
	ok(got && gv == v && gp == plen, "%s: value %u /%u", a, v, plen);
	if (!got || gv != v || gp != plen)
		diag("  got %s value %u /%u", got ? "match" : "none", gv, gp);
}

static void test_lpm(void)
{
	struct cidr_set *s = cidr_set_new();
	struct cidr_stats st;
	struct addr x;

	ok(s != NULL, "new");
	x = A("1.2.3.4");
	ok(!cidr_set_lookup(s, &x, NULL, NULL), "unfinished set matches nothing");

	ok(add(s, "77.74.176.0/21", 1), "add /21");
	ok(add(s, "77.74.180.0/22", 2), "add /22 inside it");
	ok(add(s, "77.74.181.7", 3), "add a host inside both");
	ok(add(s, "10.0.0.0/8", 4), "add 10/8");
	ok(add(s, "10.0.0.0/8", 5), "add 10/8 again (repeat)");
	ok(add(s, "2a03:2480::/32", 6), "add v6 /32");
	ok(add(s, "2a03:2480:8000::/33", 7), "add v6 /33");
	ok(add(s, "2a03:2480:8000::1", 8), "add v6 host");
	ok(add(s, "::ffff:0.0.0.0/96", 9), "add v4-mapped v6 /96");
	{
		struct addr n = A("10.0.0.1");

		is_int(-EINVAL, cidr_set_add(s, &n, 8, 1), "add with host bits: -EINVAL");
		is_int(-EINVAL, cidr_set_add(s, &n, 33, 1), "add /33 IPv4: -EINVAL");
		n.af = 0;
		is_int(-EINVAL, cidr_set_add(s, &n, 0, 1), "add without family: -EINVAL");
	}
	is_int(0, cidr_set_finish(s), "finish");
	is_int(0, cidr_set_finish(s), "finish again is harmless");
	{
		struct addr n = A("192.168.0.0");

		is_int(-EINVAL, cidr_set_add(s, &n, 16, 1), "add after finish: -EINVAL");
	}

	expect(s, "77.74.176.0", true, 1, 21);
	expect(s, "77.74.179.255", true, 1, 21);
	expect(s, "77.74.180.0", true, 2, 22);
	expect(s, "77.74.181.6", true, 2, 22);
	expect(s, "77.74.181.7", true, 3, 32);
	expect(s, "77.74.181.8", true, 2, 22);
	expect(s, "77.74.183.255", true, 2, 22);
	expect(s, "77.74.184.0", false, 0, 0);
	expect(s, "77.74.175.255", false, 0, 0);
	expect(s, "10.255.255.255", true, 4, 8);
	expect(s, "11.0.0.0", false, 0, 0);
	expect(s, "9.255.255.255", false, 0, 0);
	expect(s, "2a03:2480::", true, 6, 32);
	expect(s, "2a03:2480:7fff:ffff:ffff:ffff:ffff:ffff", true, 6, 32);
	expect(s, "2a03:2480:8000::", true, 7, 33);
	expect(s, "2a03:2480:8000::1", true, 8, 128);
	expect(s, "2a03:2480:8000::2", true, 7, 33);
	expect(s, "2a03:2480:ffff:ffff:ffff:ffff:ffff:ffff", true, 7, 33);
	expect(s, "2a03:2481::", false, 0, 0);
	expect(s, "2a03:247f:ffff:ffff:ffff:ffff:ffff:ffff", false, 0, 0);
	/* Families never mix: an IPv4 rule does not see ::ffff:a.b.c.d and vice versa. */
	expect(s, "::ffff:10.1.2.3", true, 9, 96);
	expect(s, "0.0.0.1", false, 0, 0);

	cidr_set_get_stats(s, &st);
	is_int(8, st.entries, "8 distinct prefixes");
	is_int(4, st.v4, "4 IPv4");
	is_int(4, st.v6, "4 IPv6");
	is_int(1, st.duplicates, "1 repeat dropped");
	ok(st.bytes > 0, "bytes counted");
	cidr_set_free(s);
	cidr_set_free(NULL);

	/* /0 matches everything of its family and nothing of the other. */
	s = cidr_set_new();
	ok(add(s, "0.0.0.0/0", 1) && add(s, "192.0.2.0/24", 2), "add /0 and a /24");
	cidr_set_finish(s);
	expect(s, "255.255.255.255", true, 1, 0);
	expect(s, "192.0.2.200", true, 2, 24);
	expect(s, "::1", false, 0, 0);
	cidr_set_free(s);

	/* The first of two equal prefixes keeps its value. */
	s = cidr_set_new();
	ok(add(s, "192.0.2.0/24", 7) && add(s, "192.0.2.0/24", 8) && add(s, "192.0.2.0/24", 9),
	   "three equal prefixes");
	cidr_set_finish(s);
	expect(s, "192.0.2.1", true, 7, 24);
	cidr_set_free(s);

	/* An empty finished set. */
	s = cidr_set_new();
	cidr_set_finish(s);
	expect(s, "192.0.2.1", false, 0, 0);
	cidr_set_free(s);
}

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

struct ref {
	struct addr net;
	unsigned plen;
};

static bool ref_contains(const struct ref *r, const struct addr *a)
{
	struct addr m = *a;

	if (r->net.af != a->af)
		return false;
	cidr_set_mask(&m, r->plen);
	return memcmp(m.a, r->net.a, 16) == 0;
}

/* Random prefixes clustered in a small space so that many nest. */
static void test_random(void)
{
	enum { N = 3000, Q = 20000 };
	struct ref *refs = calloc(N, sizeof(*refs));
	struct cidr_set *s = cidr_set_new();
	size_t bad = 0;

	for (uint32_t i = 0; i < N; i++) {
		struct ref *r = &refs[i];

		r->net.af = (rnd() & 3) ? AF_INET : AF_INET6;
		if (r->net.af == AF_INET) {
			r->net.a[0] = 10;
			r->net.a[1] = (uint8_t)(rnd() & 3);
			r->net.a[2] = (uint8_t)rnd();
			r->net.a[3] = (uint8_t)rnd();
			r->plen = 8 + (unsigned)(rnd() % 25);
		} else {
			r->net.a[0] = 0x20;
			r->net.a[1] = 0x01;
			r->net.a[2] = (uint8_t)(rnd() & 1);
			for (int k = 3; k < 16; k++)
				r->net.a[k] = (uint8_t)rnd();
			r->plen = 16 + (unsigned)(rnd() % 113);
		}
		cidr_set_mask(&r->net, r->plen);
		if (cidr_set_add(s, &r->net, r->plen, i) < 0)
			bad++;
	}
	is_int(0, bad, "random: every add succeeds");
	cidr_set_finish(s);

	for (int q = 0; q < Q; q++) {
		struct addr a;
		uint32_t v = 0, want = UINT32_MAX;
		unsigned p = 0, best = 0;
		bool got;

		/* Half the queries inside a random prefix, half anywhere nearby. */
		a = refs[rnd() % N].net;
		if (rnd() & 1) {
			for (int k = 1; k < 16; k++)
				a.a[k] = (uint8_t)rnd();
			if (a.af == AF_INET)
				memset(a.a + 4, 0, 12);
		} else {
			a.a[a.af == AF_INET ? 3 : 15] ^= (uint8_t)rnd();
		}
		for (uint32_t i = 0; i < N; i++) {
			/* Longest wins; among equal prefixes the first added. */
			if (ref_contains(&refs[i], &a) &&
			    (want == UINT32_MAX || refs[i].plen > best)) {
				want = i;
				best = refs[i].plen;
			}
		}
		got = cidr_set_lookup(s, &a, &v, &p);
		if (got != (want != UINT32_MAX) || (got && (v != want || p != best))) {
			if (bad++ < 5) {
				char b[ADDR_STRLEN];

				diag("query %s: got %d v=%u /%u, want v=%u /%u",
				     addr_format(&a, b, sizeof(b)), got, v, p, want, best);
			}
		}
	}
	is_int(0, bad, "random: %d look-ups agree with brute force", Q);
	cidr_set_free(s);
	free(refs);
}

/* Longest prefix of at most N bits: what lint uses to find a broader rule. */
static void test_lookup_max(void)
{
	static const struct {
		const char *a;
		unsigned max;
		bool hit;
		uint32_t v;
		unsigned plen;
	} t[] = {
		{ "10.1.2.3", 32, true, 3, 24 },
		{ "10.1.2.3", 24, true, 3, 24 },
		{ "10.1.2.3", 23, true, 2, 16 },
		{ "10.1.2.3", 16, true, 2, 16 },
		{ "10.1.2.3", 15, true, 1, 8 },
		{ "10.1.2.3", 8, true, 1, 8 },
		{ "10.1.2.3", 7, false, 0, 0 },
		{ "10.1.2.3", 0, false, 0, 0 },
		{ "10.2.0.0", 32, true, 1, 8 },
		{ "2001:db8::1", 128, true, 4, 32 },
		{ "2001:db8::1", 31, false, 0, 0 },
		{ "2001:db8::1", 200, true, 4, 32 },
	};
	struct cidr_set *s = cidr_set_new();
	struct cidr_set *all = cidr_set_new();
	struct addr a;
	uint32_t v;
	unsigned plen;

	add(s, "10.0.0.0/8", 1);
	add(s, "10.1.0.0/16", 2);
	add(s, "10.1.2.0/24", 3);
	add(s, "2001:db8::/32", 4);
	cidr_set_finish(s);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		a = A(t[i].a);
		v = 99;
		plen = 99;
		if (t[i].hit)
			ok(cidr_set_lookup_max(s, &a, t[i].max, &v, &plen) && v == t[i].v &&
			   plen == t[i].plen, "lookup_max %s /%u: value %u /%u", t[i].a, t[i].max,
			   t[i].v, t[i].plen);
		else
			ok(!cidr_set_lookup_max(s, &a, t[i].max, &v, &plen) && v == 99 &&
			   plen == 99,
			   "lookup_max %s /%u: none, outputs untouched", t[i].a, t[i].max);
	}
	/* A /0 is found at every maximum. */
	add(all, "0.0.0.0/0", 7);
	cidr_set_finish(all);
	a = A("192.0.2.1");
	ok(cidr_set_lookup_max(all, &a, 0, &v, &plen) && v == 7 && plen == 0, "lookup_max /0 at 0");
	cidr_set_free(s);
	cidr_set_free(all);
}

int main(void)
{
	test_parse();
	test_mask();
	test_lpm();
	test_random();
	test_lookup_max();
	return done_testing();
}
