// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ip.c - ip_parse(): IPv4 boundary tables (ihl, total length, options,
 * fragment fields, version), IPv6 extension-header walks in every order of
 * Routing/Fragment/Destination Options/AH/Mobility with and without a
 * leading Hop-by-Hop header, fragment headers first and non-first, the
 * header-count bound, and a sweep cutting valid packets at every byte into
 * exactly-sized heap buffers (run under ASan to catch over-reads).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse_ip.h"
#include "tests/tap.h"
#include "util.h"

struct pkt {
	uint8_t b[70000];
	size_t n;
};

static void put8(struct pkt *k, uint8_t v)
{
	k->b[k->n++] = v;
}

static void put16(struct pkt *k, uint16_t v)
{
	put8(k, (uint8_t)(v >> 8));
	put8(k, (uint8_t)v);
}

static void put32(struct pkt *k, uint32_t v)
{
	put16(k, (uint16_t)(v >> 16));
	put16(k, (uint16_t)v);
}

static void fill(struct pkt *k, size_t n, uint8_t v)
{
	memset(k->b + k->n, v, n);
	k->n += n;
}

static void set16(struct pkt *k, size_t off, uint16_t v)
{
	k->b[off] = (uint8_t)(v >> 8);
	k->b[off + 1] = (uint8_t)v;
}

static const uint8_t v4src[4] = { 192, 0, 2, 1 };
static const uint8_t v4dst[4] = { 198, 51, 100, 7 };
static const uint8_t v6src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 2 };

/* IPv4 header of @ihl words with NOP options; no payload. */
static void ip4(struct pkt *k, uint8_t ihl, uint16_t tot, uint16_t frag, uint8_t proto)
{
	k->n = 0;
	put8(k, (uint8_t)(0x40 | (ihl & 15)));
	put8(k, 0);
	put16(k, tot);
	put16(k, 0xbeef);
	put16(k, frag);
	put8(k, 63);
	put8(k, proto);
	put16(k, 0);
	memcpy(k->b + k->n, v4src, 4);
	k->n += 4;
	memcpy(k->b + k->n, v4dst, 4);
	k->n += 4;
	if (ihl > 5)
		fill(k, (ihl - 5u) * 4, 0x01);
}

static void ip6(struct pkt *k, uint16_t plen, uint8_t nh)
{
	k->n = 0;
	put32(k, 0x60012345);
	put16(k, plen);
	put8(k, nh);
	put8(k, 17);
	memcpy(k->b + k->n, v6src, 16);
	k->n += 16;
	memcpy(k->b + k->n, v6dst, 16);
	k->n += 16;
}

/* Fix the IPv6 Payload Length to cover everything written so far. */
static void ip6_fix_len(struct pkt *k)
{
	set16(k, 4, (uint16_t)(k->n - 40));
}

/*
 * parse - ip_parse on an exactly-sized copy of the first @len bytes of @k,
 * with the output prefilled with garbage so unset fields show.  On success
 * the payload offset is returned through @off.
 */
static enum parse_rc parse(const struct pkt *k, size_t len, struct ip_info *out, size_t *off)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum parse_rc rc;

	memcpy(copy, k->b, len);
	memset(out, 0xa5, sizeof(*out));
	rc = ip_parse(copy, len, out);
	*off = SIZE_MAX;
	if (rc == PARSE_OK) {
		if (out->payload.p >= copy && out->payload.p <= copy + len &&
		    out->payload.len <= len - (size_t)(out->payload.p - copy))
			*off = (size_t)(out->payload.p - copy);
		else
			*off = SIZE_MAX - 1;	/* outside the buffer: fails every check */
	}
	free(copy);
	out->payload.p = NULL;	/* the copy is gone */
	return rc;
}

static void test_ip4_basic(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t off;
	enum parse_rc rc;

	ip4(&k, 5, 28, 0x4000, IPPROTO_UDP);
	fill(&k, 8, 0x11);
	rc = parse(&k, k.n, &ip, &off);
	is_int(PARSE_OK, rc, "ipv4 udp: ok");
	is_int(4, ip.version, "version");
	is_int(IPPROTO_UDP, ip.proto, "proto");
	is_int(63, ip.ttl, "ttl");
	is_int(AF_INET, ip.src.af, "src family");
	is_int(AF_INET, ip.dst.af, "dst family");
	ok(memcmp(ip.src.a, v4src, 4) == 0, "src address");
	ok(memcmp(ip.dst.a, v4dst, 4) == 0, "dst address");
	{
		static const uint8_t zero[12];

		ok(memcmp(ip.src.a + 4, zero, 12) == 0 && memcmp(ip.dst.a + 4, zero, 12) == 0,
		   "address bytes 4..15 zero");
	}
	ok(!ip.is_fragment && !ip.more_frags && ip.frag_off == 0, "DF only: not a fragment");
	is_int(0xbeef, ip.frag_id, "identification");
	is_int(20, ip.hdr_len, "hdr_len");
	is_int(28, ip.tot_len, "tot_len");
	ok(!ip.truncated, "not truncated");
	is_int(20, off, "payload offset");
	is_int(8, ip.payload.len, "payload length");

	ip4(&k, 5, 20, 0, IPPROTO_TCP);
	rc = parse(&k, 20, &ip, &off);
	ok(rc == PARSE_OK && ip.payload.len == 0 && off == 20 && !ip.truncated,
	   "exactly 20 bytes, tot_len 20: empty payload");
	rc = parse(&k, 19, &ip, &off);
	is_int(PARSE_TRUNCATED, rc, "19 bytes: truncated");
	rc = parse(&k, 0, &ip, &off);
	is_int(PARSE_TRUNCATED, rc, "0 bytes: truncated");
	memset(&ip, 0xa5, sizeof(ip));
	is_int(PARSE_TRUNCATED, ip_parse(NULL, 0, &ip), "NULL: truncated");
	ip4(&k, 5, 20, 0, IPPROTO_TCP);
	put8(&k, 0xee);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.payload.len == 0 && !ip.truncated,
	   "21 bytes, tot_len 20: trailing byte is padding");
}

static void test_ip4_version(void)
{
	static const uint8_t bad[] = { 0, 1, 2, 3, 5, 7, 8, 9, 14, 15 };
	struct ip_info ip;
	struct pkt k;
	size_t i, off;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ip4(&k, 5, 20, 0, 6);
		k.b[0] = (uint8_t)(bad[i] << 4 | 5);
		is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "version %u: malformed", bad[i]);
		is_int(0, ip.version, "version %u: version reported 0", bad[i]);
	}
	k.n = 1;
	k.b[0] = 0x45;
	is_int(PARSE_TRUNCATED, parse(&k, 1, &ip, &off), "one byte 0x45: truncated");
	k.b[0] = 0x60;
	is_int(PARSE_TRUNCATED, parse(&k, 1, &ip, &off), "one byte 0x60: truncated");
}

static void test_ip4_ihl(void)
{
	struct ip_info ip;
	struct pkt k;
	unsigned int ihl;
	size_t off;
	enum parse_rc rc;

	for (ihl = 0; ihl < 5; ihl++) {
		ip4(&k, 5, 60, 0, 6);
		fill(&k, 40, 0);
		k.b[0] = (uint8_t)(0x40 | ihl);
		is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "ihl %u: malformed", ihl);
	}
	for (ihl = 5; ihl <= 15; ihl++) {
		size_t h = ihl * 4;

		/* Exactly the header, tot_len = header. */
		ip4(&k, (uint8_t)ihl, (uint16_t)h, 0, 6);
		rc = parse(&k, h, &ip, &off);
		ok(rc == PARSE_OK && ip.hdr_len == h && off == h && ip.payload.len == 0 &&
			   !ip.truncated,
		   "ihl %u, %zu bytes: ok, options skipped", ihl, h);
		/* One short: the options are cut. */
		is_int(PARSE_TRUNCATED, parse(&k, h - 1, &ip, &off), "ihl %u, %zu bytes: truncated",
		       ihl, h - 1);
		/* tot_len one below the header length. */
		ip4(&k, (uint8_t)ihl, (uint16_t)(h - 1), 0, 6);
		fill(&k, 4, 0);
		is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "ihl %u, tot_len %zu: malformed",
		       ihl, h - 1);
		/* One over: one byte of payload. */
		ip4(&k, (uint8_t)ihl, (uint16_t)(h + 1), 0, 6);
		put8(&k, 0x99);
		rc = parse(&k, k.n, &ip, &off);
		ok(rc == PARSE_OK && off == h && ip.payload.len == 1,
		   "ihl %u, tot_len %zu: one payload byte", ihl, h + 1);
	}
}

static void test_ip4_totlen(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t off;
	enum parse_rc rc;

	/* Claims more than captured: ok, flagged, payload is what is there. */
	ip4(&k, 5, 1500, 0, 17);
	fill(&k, 100, 0x22);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.tot_len == 1500 && ip.payload.len == 100,
	   "tot_len 1500, 120 captured: truncated flag, 100 payload bytes");
	ip4(&k, 5, 65535, 0, 17);
	fill(&k, 1, 0);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.tot_len == 65535 && ip.payload.len == 1,
	   "tot_len 65535, 21 captured");
	/* Exactly: not truncated. */
	ip4(&k, 5, 120, 0, 17);
	fill(&k, 100, 0x22);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && !ip.truncated && ip.payload.len == 100, "tot_len == capture");
	/* One over the capture. */
	ip4(&k, 5, 121, 0, 17);
	fill(&k, 100, 0x22);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.payload.len == 100, "tot_len == capture + 1");
	/* Less than captured: Ethernet padding is cut off. */
	ip4(&k, 5, 46, 0, 6);
	fill(&k, 40, 0);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && !ip.truncated && ip.tot_len == 46 && ip.payload.len == 26,
	   "tot_len 46 in 60 bytes: payload cut to 26");
	/* TSO: zero total length means "as long as the capture". */
	ip4(&k, 5, 0, 0, 6);
	fill(&k, 3000, 0x33);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && !ip.truncated && ip.tot_len == 3020 && ip.payload.len == 3000 &&
		   off == 20,
	   "tot_len 0 (TSO): capture length used");
	ip4(&k, 5, 0, 0, 6);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.tot_len == 20 && ip.payload.len == 0, "tot_len 0, header only");
	ip4(&k, 6, 0, 0, 6);
	is_int(PARSE_TRUNCATED, parse(&k, 20, &ip, &off), "tot_len 0, options cut: truncated");
	ip4(&k, 5, 19, 0, 6);
	fill(&k, 10, 0);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "tot_len 19 < ihl*4: malformed");
	ip4(&k, 5, 1, 0, 6);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "tot_len 1: malformed");
}

static void test_ip4_frag(void)
{
	static const struct {
		uint16_t word;
		bool frag, mf;
		uint16_t off;
	} t[] = {
		{ 0x0000, false, false, 0 },	{ 0x4000, false, false, 0 },
		{ 0x8000, false, false, 0 },	{ 0x2000, true, true, 0 },
		{ 0x6000, true, true, 0 },	{ 0x0001, true, false, 8 },
		{ 0x2001, true, true, 8 },	{ 0x00b9, true, false, 1480 },
		{ 0x1fff, true, false, 65528 }, { 0x3fff, true, true, 65528 },
		{ 0xffff, true, true, 65528 },
	};
	struct ip_info ip;
	struct pkt k;
	size_t i, off;
	enum parse_rc rc;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ip4(&k, 5, 36, t[i].word, 17);
		fill(&k, 16, 0x44);
		rc = parse(&k, k.n, &ip, &off);
		ok(rc == PARSE_OK && ip.is_fragment == t[i].frag && ip.more_frags == t[i].mf &&
			   ip.frag_off == t[i].off && ip.frag_id == 0xbeef &&
			   ip.payload.len == 16 && off == 20,
		   "flags/offset 0x%04x: fragment %d, MF %d, offset %u", t[i].word, t[i].frag,
		   t[i].mf, t[i].off);
	}
}

/* IPv6 extension headers used in chains. */
enum { NH_TCP = 6, NH_UDP = 17, NH_ESP = 50, NH_AH = 51, NH_NONE = 59 };

/*
 * ext - append one extension header of kind @type whose Next Header is
 * @next.  Options-style headers get @units 8-byte units after the first 8
 * (Pad1 options inside); AH gets @units 4-byte words after the first 8 (as its
 * Payload Len is words - 2).  Fragment headers use @fragword.  Returns the
 * bytes written.
 */
static size_t ext(struct pkt *k, uint8_t type, uint8_t next, uint8_t units, uint16_t fragword)
{
	size_t start = k->n, len;

	put8(k, next);
	switch (type) {
	case IPPROTO_FRAGMENT:
		put8(k, 0);
		put16(k, fragword);
		put32(k, 0xcafef00d);
		break;
	case NH_AH:
		put8(k, units);
		len = (units + 2u) * 4;
		fill(k, len - 2, 0x5a);
		break;
	default:
		put8(k, units);
		len = (units + 1u) * 8;
		/* Pad1 options fill the header (RFC 8200 §4.2). */
		fill(k, len - 2, 0);
		break;
	}
	return k->n - start;
}

static void tcp20(struct pkt *k)
{
	put16(k, 40000);
	put16(k, 443);
	fill(k, 8, 0);
	put8(k, 0x50);
	put8(k, 0x02);
	fill(k, 6, 0);
}

static void test_ip6_basic(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t off;
	enum parse_rc rc;

	ip6(&k, 8, NH_UDP);
	fill(&k, 8, 0x77);
	rc = parse(&k, k.n, &ip, &off);
	is_int(PARSE_OK, rc, "ipv6 udp: ok");
	is_int(6, ip.version, "version");
	is_int(NH_UDP, ip.proto, "proto");
	is_int(17, ip.ttl, "hop limit");
	is_int(AF_INET6, ip.src.af, "src family");
	is_int(AF_INET6, ip.dst.af, "dst family");
	ok(memcmp(ip.src.a, v6src, 16) == 0, "src address");
	ok(memcmp(ip.dst.a, v6dst, 16) == 0, "dst address");
	ok(!ip.is_fragment && !ip.more_frags && ip.frag_off == 0 && ip.frag_id == 0,
	   "fragment fields zero");
	is_int(40, ip.hdr_len, "hdr_len");
	is_int(48, ip.tot_len, "tot_len");
	ok(!ip.truncated, "not truncated");
	is_int(40, off, "payload offset");
	is_int(8, ip.payload.len, "payload length");

	is_int(PARSE_TRUNCATED, parse(&k, 39, &ip, &off), "39 bytes: truncated");
	rc = parse(&k, 40, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.payload.len == 0 && ip.proto == NH_UDP,
	   "40 bytes of a 48-byte packet: ok, truncated flag");
	rc = parse(&k, 47, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.payload.len == 7, "47 bytes: 7 payload bytes");
	ip6(&k, 8, NH_UDP);
	fill(&k, 8 + 18, 0);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && !ip.truncated && ip.payload.len == 8, "padding after payload cut");
	ip6(&k, 0, NH_UDP);
	fill(&k, 8, 0);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "payload length 0 (jumbo): malformed");
	ip6(&k, 0, IPPROTO_HOPOPTS);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "payload length 0, header only");
	ip6(&k, 65535, NH_TCP);
	tcp20(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.truncated && ip.tot_len == 65575 && ip.payload.len == 20,
	   "payload length 65535, 60 bytes captured");
	ip6(&k, 1, 253);
	put8(&k, 0);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == 253 && ip.payload.len == 1,
	   "experimental next header 253");
}

/* One extension header of each kind, at its size boundaries. */
static void test_ip6_each(void)
{
	static const struct {
		uint8_t type;
		uint8_t units;
		size_t size;
	} t[] = {
		{ IPPROTO_HOPOPTS, 0, 8 },    { IPPROTO_HOPOPTS, 255, 2048 },
		{ IPPROTO_ROUTING, 0, 8 },    { IPPROTO_ROUTING, 2, 24 },
		{ IPPROTO_DSTOPTS, 0, 8 },    { IPPROTO_DSTOPTS, 255, 2048 },
		{ 135, 1, 16 },		      { 139, 4, 40 },
		{ 140, 0, 8 },		      { NH_AH, 0, 8 },
		{ NH_AH, 1, 12 },	      { NH_AH, 4, 24 },
		{ NH_AH, 255, 1028 },	      { IPPROTO_FRAGMENT, 0, 8 },
	};
	struct ip_info ip;
	struct pkt k;
	size_t i, off;
	enum parse_rc rc;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		size_t sz;

		/* Exactly fits, nothing after. */
		ip6(&k, 0, t[i].type);
		sz = ext(&k, t[i].type, NH_NONE, t[i].units, 0);
		ip6_fix_len(&k);
		rc = parse(&k, k.n, &ip, &off);
		ok(sz == t[i].size && rc == PARSE_OK && ip.proto == NH_NONE &&
			   ip.hdr_len == 40 + sz && ip.payload.len == 0 && off == 40 + sz,
		   "header %u (%zu bytes) exactly fills the payload", t[i].type, t[i].size);
		/* One over: one byte after it. */
		put8(&k, 0);
		ip6_fix_len(&k);
		rc = parse(&k, k.n, &ip, &off);
		ok(rc == PARSE_OK && ip.payload.len == 1 && off == 40 + sz,
		   "header %u with one byte after", t[i].type);
		/* One short: Payload Length ends inside it, capture complete. */
		k.n -= 2;
		ip6_fix_len(&k);
		is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off),
		       "header %u longer than Payload Length: malformed", t[i].type);
		/* One short because the capture was cut. */
		ip6(&k, 0, t[i].type);
		ext(&k, t[i].type, NH_NONE, t[i].units, 0);
		ip6_fix_len(&k);
		is_int(PARSE_TRUNCATED, parse(&k, k.n - 1, &ip, &off),
		       "header %u cut by the capture: truncated", t[i].type);
		/* Followed by TCP. */
		ip6(&k, 0, t[i].type);
		ext(&k, t[i].type, NH_TCP, t[i].units, 0);
		tcp20(&k);
		ip6_fix_len(&k);
		rc = parse(&k, k.n, &ip, &off);
		ok(rc == PARSE_OK && ip.proto == NH_TCP && ip.payload.len == 20 &&
			   ip.hdr_len == 40 + sz,
		   "header %u then TCP", t[i].type);
	}
}

static void test_ip6_stop(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t off;
	enum parse_rc rc;

	ip6(&k, 0, NH_ESP);
	fill(&k, 40, 0xff);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_ESP && ip.hdr_len == 40 && ip.payload.len == 40,
	   "ESP stops the walk");
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, 0, 0);
	ext(&k, IPPROTO_DSTOPTS, NH_ESP, 1, 0);
	fill(&k, 30, 0xff);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_ESP && ip.hdr_len == 64 && ip.payload.len == 30,
	   "HBH, DstOpts, ESP");
	ip6(&k, 0, IPPROTO_ROUTING);
	ext(&k, IPPROTO_ROUTING, NH_NONE, 0, 0);
	fill(&k, 12, 0xff);	/* ignored: RFC 8200 §4.7 */
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_NONE && ip.hdr_len == 48 && ip.payload.len == 12,
	   "No Next Header stops the walk");
	ip6(&k, 0, NH_AH);
	ext(&k, NH_AH, NH_ESP, 4, 0);
	fill(&k, 16, 0xff);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_ESP && ip.hdr_len == 64 && ip.payload.len == 16,
	   "AH then ESP");
}

static void test_ip6_frag(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t off;
	enum parse_rc rc;

	/* First fragment: the walk continues to the transport header. */
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_FRAGMENT, 0, 0);
	ext(&k, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, 0, 0x0001);
	ext(&k, IPPROTO_DSTOPTS, NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_TCP && ip.is_fragment && ip.more_frags &&
		   ip.frag_off == 0 && ip.frag_id == 0xcafef00d && ip.hdr_len == 64 &&
		   ip.payload.len == 20 && off == 64,
	   "first fragment: headers after it are walked");

	/* Non-first fragment: stop at the Fragment header. */
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_FRAGMENT, 0, 0);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, (uint16_t)(1448 | 0));
	fill(&k, 100, 0xff);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_UDP && ip.is_fragment && !ip.more_frags &&
		   ip.frag_off == 1448 && ip.frag_id == 0xcafef00d && ip.hdr_len == 56 &&
		   ip.payload.len == 100 && off == 56,
	   "last fragment at 1448: payload is fragment data");
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, 0, (uint16_t)(8 | 1));
	fill(&k, 16, 0xff);	/* would be a huge options header if walked */
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == IPPROTO_DSTOPTS && ip.more_frags && ip.frag_off == 8 &&
		   ip.payload.len == 16 && ip.hdr_len == 48,
	   "middle fragment of a DstOpts chain: not walked");
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, NH_TCP, 0, 0xfff8);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.frag_off == 65528 && ip.payload.len == 0,
	   "largest offset, no data");

	/* Atomic fragment (RFC 6946): offset 0, M clear: a whole packet. */
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, 0x0006);	/* reserved bits set */
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_UDP && !ip.is_fragment && !ip.more_frags &&
		   ip.frag_id == 0xcafef00d && ip.payload.len == 8,
	   "atomic fragment is not a fragment");
	/* A Fragment header cut inside. */
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, 8);
	set16(&k, 4, 7);
	is_int(PARSE_MALFORMED, parse(&k, 47, &ip, &off), "Fragment header in 7 bytes");
}

static void test_ip6_limits(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t i, off;
	enum parse_rc rc;

	/* 16 extension headers are walked; a 17th is refused. */
	ip6(&k, 0, IPPROTO_DSTOPTS);
	for (i = 0; i < 16; i++)
		ext(&k, IPPROTO_DSTOPTS, i < 15 ? IPPROTO_DSTOPTS : NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_TCP && ip.hdr_len == 40 + 16 * 8,
	   "16 extension headers: ok");
	ip6(&k, 0, IPPROTO_DSTOPTS);
	for (i = 0; i < 17; i++)
		ext(&k, IPPROTO_DSTOPTS, i < 16 ? IPPROTO_DSTOPTS : NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "17 extension headers: malformed");
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_FRAGMENT, 0, 0);
	for (i = 0; i < 16; i++)
		ext(&k, IPPROTO_FRAGMENT, i < 15 ? IPPROTO_FRAGMENT : NH_TCP, 0, 1);
	tcp20(&k);
	ip6_fix_len(&k);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "HBH + 16 Fragment headers: malformed");
	/* The largest chain within the bound: 16 headers of 2048 bytes. */
	ip6(&k, 0, IPPROTO_HOPOPTS);
	for (i = 0; i < 16; i++)
		ext(&k, i ? IPPROTO_DSTOPTS : IPPROTO_HOPOPTS, i < 15 ? IPPROTO_DSTOPTS : NH_UDP,
		    255, 0);
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_UDP && ip.hdr_len == 40 + 16 * 2048 &&
		   ip.payload.len == 8,
	   "16 headers of 2048 bytes: hdr_len %u", ip.hdr_len);

	/* Hop-by-Hop anywhere but first. */
	ip6(&k, 0, IPPROTO_DSTOPTS);
	ext(&k, IPPROTO_DSTOPTS, IPPROTO_HOPOPTS, 0, 0);
	ext(&k, IPPROTO_HOPOPTS, NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "HBH after DstOpts: malformed");
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_HOPOPTS, 0, 0);
	ext(&k, IPPROTO_HOPOPTS, NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	is_int(PARSE_MALFORMED, parse(&k, k.n, &ip, &off), "two HBH headers: malformed");
	/* Repeated Destination Options (before Routing and at the end) are fine. */
	ip6(&k, 0, IPPROTO_DSTOPTS);
	ext(&k, IPPROTO_DSTOPTS, IPPROTO_ROUTING, 0, 0);
	ext(&k, IPPROTO_ROUTING, IPPROTO_DSTOPTS, 0, 0);
	ext(&k, IPPROTO_DSTOPTS, NH_UDP, 0, 0);
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_OK && ip.proto == NH_UDP && ip.hdr_len == 64, "DstOpts, Routing, DstOpts");
	ok(!ip.ambiguous, "a valid chain is not ambiguous");
}

/*
 * Chains that break RFC 8200 §4.1 but that some receiver may still accept
 * are flagged ambiguous (the engine drops them whatever error_verdict
 * says); other malformed packets are not.
 */
static void test_ip6_ambiguous(void)
{
	struct ip_info ip;
	struct pkt k;
	size_t i, off;
	enum parse_rc rc;

	/* Two atomic Fragment headers: each alone would be a whole packet. */
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, IPPROTO_FRAGMENT, 0, 0);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, 0);
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && ip.ambiguous, "two atomic Fragment headers: ambiguous");
	/* A first fragment whose data starts with another Fragment header. */
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, 0, 1);
	ext(&k, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, 0, 0);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, 1);
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && ip.ambiguous, "Fragment, DstOpts, Fragment: ambiguous");
	/* Hop-by-Hop out of place, and one header too many. */
	ip6(&k, 0, IPPROTO_DSTOPTS);
	ext(&k, IPPROTO_DSTOPTS, IPPROTO_HOPOPTS, 0, 0);
	ext(&k, IPPROTO_HOPOPTS, NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && ip.ambiguous, "HBH after DstOpts: ambiguous");
	ip6(&k, 0, IPPROTO_DSTOPTS);
	for (i = 0; i < 17; i++)
		ext(&k, IPPROTO_DSTOPTS, i < 16 ? IPPROTO_DSTOPTS : NH_TCP, 0, 0);
	tcp20(&k);
	ip6_fix_len(&k);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && ip.ambiguous, "17 extension headers: ambiguous");
	/* Broken lengths are plain errors: no host reads those either. */
	ip6(&k, 0, IPPROTO_DSTOPTS);
	ext(&k, IPPROTO_DSTOPTS, NH_UDP, 4, 0);
	set16(&k, 4, 16);
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && !ip.ambiguous, "header past Payload Length: not ambiguous");
	ip6(&k, 0, NH_UDP);
	fill(&k, 8, 0);
	ip6_fix_len(&k);
	k.b[0] = 0x50;
	rc = parse(&k, k.n, &ip, &off);
	ok(rc == PARSE_MALFORMED && !ip.ambiguous, "version 5: not ambiguous");
}

/*
 * test_ip6_orders - every order of Routing, Fragment (first fragment),
 * Destination Options, AH and Mobility, each with and without a leading
 * Hop-by-Hop header, and with Hop-by-Hop inserted at every later position
 * (which must be refused).
 */
static void build_chain(struct pkt *k, const uint8_t *order, size_t n, size_t *ext_bytes)
{
	size_t i;

	ip6(k, 0, order[0]);
	*ext_bytes = 0;
	for (i = 0; i < n; i++) {
		uint8_t units = order[i] == NH_AH ? 4 : (uint8_t)(i & 1);

		*ext_bytes += ext(k, order[i], i + 1 < n ? order[i + 1] : NH_TCP, units, 0x0001);
	}
	tcp20(k);
	ip6_fix_len(k);
}

static bool next_perm(uint8_t *a, size_t n)
{
	size_t i = n - 1, j = n - 1;
	uint8_t t;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return false;
	while (a[j] <= a[i - 1])
		j--;
	t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	for (j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return true;
}

static void test_ip6_orders(void)
{
	uint8_t set[5] = { IPPROTO_ROUTING, IPPROTO_FRAGMENT, NH_AH, IPPROTO_DSTOPTS, 135 };
	size_t perms = 0, good = 0, refused = 0, tried_bad = 0;

	/* set[] starts sorted: 43, 44, 51, 60, 135. */
	do {
		uint8_t order[7];
		struct ip_info ip;
		struct pkt k;
		size_t off, bytes, pos;
		enum parse_rc rc;

		perms++;
		memcpy(order, set, 5);
		build_chain(&k, order, 5, &bytes);
		rc = parse(&k, k.n, &ip, &off);
		if (rc == PARSE_OK && ip.proto == NH_TCP && ip.hdr_len == 40 + bytes &&
		    ip.payload.len == 20 && ip.is_fragment && ip.more_frags && ip.frag_off == 0)
			good++;
		order[0] = IPPROTO_HOPOPTS;
		memcpy(order + 1, set, 5);
		build_chain(&k, order, 6, &bytes);
		rc = parse(&k, k.n, &ip, &off);
		if (rc == PARSE_OK && ip.proto == NH_TCP && ip.hdr_len == 40 + bytes &&
		    ip.payload.len == 20)
			good++;
		/* Hop-by-Hop at positions 1..5. */
		for (pos = 1; pos <= 5; pos++) {
			memcpy(order, set, pos);
			order[pos] = IPPROTO_HOPOPTS;
			memcpy(order + pos + 1, set + pos, 5 - pos);
			build_chain(&k, order, 6, &bytes);
			tried_bad++;
			if (parse(&k, k.n, &ip, &off) == PARSE_MALFORMED)
				refused++;
		}
	} while (next_perm(set, 5));
	is_int(120, perms, "120 orders of 5 extension headers");
	is_int(240, good, "all orders, with and without HBH first, reach TCP");
	is_int(tried_bad, refused, "HBH at any later position refused (%zu chains)", tried_bad);
}

/*
 * sweep - cut @k at every shorter length.  Below @hdr bytes the header
 * chain is incomplete: PARSE_TRUNCATED.  From @hdr on: PARSE_OK with the
 * truncated flag, payload from @hdr to the cut.
 */
static void sweep(const struct pkt *k, size_t hdr, const char *what)
{
	size_t cut, bad = 0;

	for (cut = 0; cut < k->n; cut++) {
		struct ip_info ip;
		size_t off;
		enum parse_rc rc = parse(k, cut, &ip, &off);
		bool fine;

		if (cut < hdr)
			fine = rc == PARSE_TRUNCATED;
		else
			fine = rc == PARSE_OK && ip.truncated && off == hdr &&
			       ip.payload.len == cut - hdr;
		if (!fine) {
			bad++;
			diag("  %s cut at %zu: %s", what, cut, parse_rc_str(rc));
		}
	}
	ok(bad == 0, "%s: every cut of %zu bytes handled", what, k->n);
}

static void test_sweep(void)
{
	struct pkt k;

	ip4(&k, 5, 48, 0, NH_TCP);
	tcp20(&k);
	fill(&k, 8, 0x61);
	sweep(&k, 20, "ipv4");
	ip4(&k, 15, 80, 0x2000, NH_UDP);
	fill(&k, 20, 0x61);
	sweep(&k, 60, "ipv4 with 40 bytes of options");
	ip6(&k, 0, IPPROTO_HOPOPTS);
	ext(&k, IPPROTO_HOPOPTS, IPPROTO_ROUTING, 1, 0);
	ext(&k, IPPROTO_ROUTING, IPPROTO_FRAGMENT, 0, 0);
	ext(&k, IPPROTO_FRAGMENT, NH_AH, 0, 1);
	ext(&k, NH_AH, 135, 4, 0);
	ext(&k, 135, IPPROTO_DSTOPTS, 0, 0);
	ext(&k, IPPROTO_DSTOPTS, NH_TCP, 2, 0);
	tcp20(&k);
	fill(&k, 5, 0x61);
	ip6_fix_len(&k);
	sweep(&k, 40 + 16 + 8 + 8 + 24 + 8 + 24, "ipv6 with six extension headers");
	ip6(&k, 0, IPPROTO_FRAGMENT);
	ext(&k, IPPROTO_FRAGMENT, NH_UDP, 0, 0x05a8);
	fill(&k, 30, 0x61);
	ip6_fix_len(&k);
	sweep(&k, 48, "ipv6 non-first fragment");
}

int main(void)
{
	test_ip4_basic();
	test_ip4_version();
	test_ip4_ihl();
	test_ip4_totlen();
	test_ip4_frag();
	test_ip6_basic();
	test_ip6_each();
	test_ip6_stop();
	test_ip6_frag();
	test_ip6_limits();
	test_ip6_ambiguous();
	test_ip6_orders();
	test_sweep();
	return done_testing();
}
