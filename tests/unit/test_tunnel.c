// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_tunnel.c - GRE, VXLAN, Geneve and IP-in-IP decapsulation: boundary
 * tables (exact fit, one short, header only, zero length) for every flag
 * and option-length combination, bad versions and flags, protocol
 * dispatch, a truncation sweep into exactly-sized heap buffers (so that
 * AddressSanitizer sees any over-read), and the inner frames handed on to
 * link_decap(DLT_EN10MB) and ip_parse() as the pipeline will.
 *
 * Packets are built byte by byte here.
 */
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "parse_ip.h"
#include "parse_link.h"
#include "parse_tunnel.h"
#include "util.h"
#include "../tap.h"

struct buf {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct buf *f, uint32_t v)
{
	f->b[f->n++] = (uint8_t)v;
}

static void put16(struct buf *f, uint32_t v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void put32(struct buf *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v);
}

static void put_bytes(struct buf *f, const uint8_t *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

/* An IPv4/UDP packet to port 53 from 192.0.2.<host>, with @plen payload bytes. */
static void ip4_udp(struct buf *f, uint8_t host, size_t plen)
{
	size_t start = f->n;

	put16(f, 0x4500);
	put16(f, (uint32_t)(28 + plen));
	put32(f, 0);
	put16(f, 0x4011);
	put16(f, 0);
	put32(f, 0xc0000200 | host);
	put32(f, 0x08080808);
	put16(f, 40000);
	put16(f, 53);
	put16(f, (uint32_t)(8 + plen));
	put16(f, 0);
	for (size_t i = 0; i < plen; i++)
		put8(f, (uint32_t)(i + start));
}

/* An IPv6/UDP packet to port 53 from 2001:db8::<host>. */
static void ip6_udp(struct buf *f, uint8_t host, size_t plen)
{
	put32(f, 0x60000000);
	put16(f, (uint32_t)(8 + plen));
	put8(f, IPPROTO_UDP);
	put8(f, 64);
	put32(f, 0x20010db8);
	put32(f, 0);
	put32(f, 0);
	put32(f, host);
	put32(f, 0x20010db8);
	put32(f, 0);
	put32(f, 0);
	put32(f, 0x53);
	put16(f, 40000);
	put16(f, 53);
	put16(f, (uint32_t)(8 + plen));
	put16(f, 0);
	for (size_t i = 0; i < plen; i++)
		put8(f, (uint32_t)i);
}

/* An Ethernet frame with @tags 802.1Q tags around an IPv4 (or IPv6) packet. */
static void ether(struct buf *f, bool v6, int tags, uint8_t host)
{
	for (int i = 0; i < 6; i++)
		put8(f, 0x02);
	for (int i = 0; i < 6; i++)
		put8(f, 0x04 + i);
	for (int i = 0; i < tags; i++) {
		put16(f, 0x8100);
		put16(f, 100 + i);
	}
	put16(f, v6 ? 0x86dd : 0x0800);
	if (v6)
		ip6_udp(f, host, 12);
	else
		ip4_udp(f, host, 12);
}

/* GRE header with the given flag word, protocol and key. */
static void gre_hdr(struct buf *f, uint16_t flags, uint16_t proto, uint32_t key)
{
	put16(f, flags);
	put16(f, proto);
	if (flags & 0x8000)
		put32(f, 0xbeef0000);	/* checksum (unverified) + reserved1 */
	if (flags & 0x2000)
		put32(f, key);
	if (flags & 0x1000)
		put32(f, 0x00000007);	/* sequence number */
}

static void vxlan_hdr(struct buf *f, uint8_t flags, uint32_t vni)
{
	put8(f, flags);
	put8(f, 0);
	put16(f, 0);
	put32(f, vni << 8 | 0xaa);	/* the reserved low byte is ignored */
}

static void geneve_hdr(struct buf *f, uint8_t ver, uint8_t optlen, uint8_t oc, uint16_t proto,
		       uint32_t vni)
{
	put8(f, (uint32_t)(ver << 6 | optlen));
	put8(f, oc);
	put16(f, proto);
	put32(f, vni << 8);
	for (int i = 0; i < optlen; i++) {
		/* One option per word: class 0x0102, type i, length 0. */
		if (i % 2 == 0)
			put32(f, 0x01020000 | (uint32_t)i << 8);
		else
			put32(f, 0xdeadbeef);
	}
}

enum tun { T_GRE, T_VXLAN, T_GENEVE };

static enum parse_rc parse(enum tun k, const uint8_t *p, size_t n, struct tunnel_inner *in)
{
	switch (k) {
	case T_GRE:
		return tunnel_gre(p, n, in);
	case T_VXLAN:
		return tunnel_vxlan(p, n, in);
	case T_GENEVE:
		return tunnel_geneve(p, n, in);
	}
	return PARSE_NOT_MINE;
}

/* run - parse the first @n bytes of @f copied into an exactly-sized heap buffer. */
static enum parse_rc run(enum tun k, const struct buf *f, size_t n, struct tunnel_inner *in,
			 size_t *inner_off)
{
	uint8_t *h = malloc(n ? n : 1);
	enum parse_rc rc;

	memcpy(h, f->b, n);
	rc = parse(k, h, n, in);
	*inner_off = rc == PARSE_OK ? (size_t)(in->p - h) : 0;
	/* The view must not outlive the copy: point it back into @f. */
	if (rc == PARSE_OK)
		in->p = f->b + *inner_off;
	free(h);
	return rc;
}

/*
 * boundary - the exact-fit, one-short, header-only, header-one-short and
 * zero-length rows for a header of @hlen bytes followed by an inner frame
 * whose minimum is @min_inner bytes (14 for Ethernet, 1 for IP).
 */
static void boundary(enum tun k, const struct buf *f, size_t hlen, size_t min_inner,
		     bool ethernet, const char *what)
{
	struct tunnel_inner in;
	size_t off;
	enum parse_rc rc;

	rc = run(k, f, f->n, &in, &off);
	ok(rc == PARSE_OK && off == hlen && in.len == f->n - hlen && in.ethernet == ethernet,
	   "%s: whole packet, inner at %zu", what, hlen);
	rc = run(k, f, hlen + min_inner, &in, &off);
	ok(rc == PARSE_OK && off == hlen && in.len == min_inner, "%s: exact fit (%zu + %zu)", what,
	   hlen, min_inner);
	is_int(PARSE_TRUNCATED, run(k, f, hlen + min_inner - 1, &in, &off), "%s: one short", what);
	if (min_inner > 1)
		is_int(PARSE_TRUNCATED, run(k, f, hlen, &in, &off), "%s: header only", what);
	is_int(PARSE_TRUNCATED, run(k, f, hlen - 1, &in, &off), "%s: header one short", what);
	is_int(PARSE_TRUNCATED, run(k, f, 0, &in, &off), "%s: zero length", what);
	/* Every prefix: TRUNCATED below the minimum, OK from there on. */
	for (size_t n = 0; n <= f->n; n++) {
		enum parse_rc want = n < hlen + min_inner ? PARSE_TRUNCATED : PARSE_OK;

		rc = run(k, f, n, &in, &off);
		if (rc != want || (rc == PARSE_OK && in.len != n - hlen)) {
			ok(0, "%s: prefix %zu gives %s", what, n, parse_rc_str(rc));
			return;
		}
	}
	ok(1, "%s: every prefix of %zu bytes", what, f->n);
}

/* link_ok - the inner Ethernet frame decapsulates to the IP packet from 192.0.2.<host>. */
static bool link_ok(const struct tunnel_inner *in, bool v6, uint8_t host)
{
	struct l3_view l3;
	struct ip_info ip;

	if (!in->ethernet || link_decap(DLT_EN10MB, in->p, in->len, &l3) != PARSE_OK)
		return false;
	if (ip_parse(l3.p, l3.len, &ip) != PARSE_OK || ip.proto != IPPROTO_UDP)
		return false;
	if (v6)
		return ip.version == 6 && ip.src.af == AF_INET6 && ip.src.a[15] == host;
	return ip.version == 4 && ip.src.af == AF_INET && ip.src.a[3] == host;
}

/* ip_ok - the inner IP packet parses, with the expected version and source. */
static bool ip_ok(const struct tunnel_inner *in, bool v6, uint8_t host)
{
	struct ip_info ip;

	if (in->ethernet || ip_parse(in->p, in->len, &ip) != PARSE_OK)
		return false;
	if (in->version != (v6 ? 6 : 4) || ip.version != in->version)
		return false;
	return ip.src.a[v6 ? 15 : 3] == host && ip.proto == IPPROTO_UDP;
}

static void test_gre_flags(void)
{
	static const struct {
		uint16_t proto;
		bool ethernet, v6;
	} protos[] = {
		{ TUNNEL_INNER_IPV4, false, false },
		{ TUNNEL_INNER_IPV6, false, true },
		{ TUNNEL_INNER_ETHER, true, false },
		{ TUNNEL_INNER_ETHER, true, true },
	};
	char what[80];

	for (unsigned m = 0; m < 8; m++) {
		uint16_t flags = (uint16_t)((m & 1 ? 0x8000 : 0) | (m & 2 ? 0x2000 : 0) |
					    (m & 4 ? 0x1000 : 0));
		size_t hlen = 4 + 4 * (size_t)__builtin_popcount(m);

		for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
			struct buf f = { .n = 0 };
			struct tunnel_inner in;
			size_t off;
			bool good;

			gre_hdr(&f, flags, protos[i].proto, 0x01020304 + m);
			if (protos[i].ethernet)
				ether(&f, protos[i].v6, 0, (uint8_t)(10 + i));
			else if (protos[i].v6)
				ip6_udp(&f, (uint8_t)(10 + i), 4);
			else
				ip4_udp(&f, (uint8_t)(10 + i), 4);
			snprintf(what, sizeof(what), "GRE %c%c%c proto %04x%s",
				 m & 1 ? 'C' : '-', m & 2 ? 'K' : '-', m & 4 ? 'S' : '-',
				 protos[i].proto, protos[i].v6 ? " v6" : "");
			boundary(T_GRE, &f, hlen, protos[i].ethernet ? 14 : 1, protos[i].ethernet,
				 what);
			run(T_GRE, &f, f.n, &in, &off);
			good = in.kind == TUNNEL_GRE && in.proto == protos[i].proto &&
			       in.has_id == !!(m & 2) && in.id == (m & 2 ? 0x01020304 + m : 0);
			good = good && (protos[i].ethernet ? link_ok(&in, protos[i].v6, 10 + i)
							   : ip_ok(&in, protos[i].v6, 10 + i));
			ok(good, "%s: key, protocol and inner packet", what);
		}
	}
}

/* GRE header rows: a flag word and protocol in front of an IPv4 packet. */
static const struct {
	const char *name;
	uint16_t flags, proto;
	enum parse_rc want;
} gre_rows[] = {
	{ "version 0", 0x0000, 0x0800, PARSE_OK },
	{ "version 1 (PPTP)", 0x0001, 0x0800, PARSE_NOT_MINE },
	{ "version 1 with K (PPTP)", 0x2001, 0x880b, PARSE_NOT_MINE },
	{ "version 2", 0x0002, 0x0800, PARSE_MALFORMED },
	{ "version 7", 0x0007, 0x0800, PARSE_MALFORMED },
	{ "Routing bit", 0x4000, 0x0800, PARSE_MALFORMED },
	{ "strict source route bit ignored", 0x0800, 0x0800, PARSE_OK },
	{ "recursion bits ignored", 0x0700, 0x0800, PARSE_OK },
	{ "Reserved0 bits ignored", 0x00f8, 0x0800, PARSE_OK },
	{ "PPP", 0x0000, 0x880b, PARSE_NOT_MINE },
	{ "ERSPAN II", 0x1000, 0x88be, PARSE_NOT_MINE },
	{ "ERSPAN III", 0x1000, 0x22eb, PARSE_NOT_MINE },
	{ "MPLS", 0x0000, 0x8847, PARSE_NOT_MINE },
	{ "keepalive (protocol 0)", 0x0000, 0x0000, PARSE_NOT_MINE },
	{ "ARP", 0x0000, 0x0806, PARSE_NOT_MINE },
	{ "IPv6 type over an IPv4 packet", 0x0000, 0x86dd, PARSE_MALFORMED },
	{ "WCCP v1 (IPv4 right after)", 0x0000, 0x883e, PARSE_OK },
	{ "WCCP with a flag set", 0x2000, 0x883e, PARSE_NOT_MINE },
};

static void test_gre_rows(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(gre_rows); i++) {
		struct buf f = { .n = 0 };
		struct tunnel_inner in;
		size_t off;
		enum parse_rc rc;

		gre_hdr(&f, gre_rows[i].flags, gre_rows[i].proto, 0);
		ip4_udp(&f, 7, 0);
		rc = run(T_GRE, &f, f.n, &in, &off);
		is_int(gre_rows[i].want, rc, "GRE %s: %s", gre_rows[i].name,
		       parse_rc_str(gre_rows[i].want));
		if (rc == PARSE_OK)
			ok(ip_ok(&in, false, 7), "GRE %s: inner IPv4", gre_rows[i].name);
	}
}

static void test_gre_wccp(void)
{
	struct buf f = { .n = 0 };
	struct tunnel_inner in;
	size_t off;

	/* WCCPv2: a 4-byte redirect header (first nibble 0) before the packet. */
	gre_hdr(&f, 0, 0x883e, 0);
	put32(&f, 0x00112233);
	ip4_udp(&f, 9, 0);
	ok(run(T_GRE, &f, f.n, &in, &off) == PARSE_OK && off == 8 && ip_ok(&in, false, 9),
	   "WCCPv2 IPv4: redirect header skipped");
	is_int(PARSE_TRUNCATED, run(T_GRE, &f, 8, &in, &off), "WCCPv2: redirect header only");
	is_int(PARSE_TRUNCATED, run(T_GRE, &f, 6, &in, &off), "WCCPv2: redirect header cut");
	f.n = 0;
	gre_hdr(&f, 0, 0x883e, 0);
	put32(&f, 0x00112233);
	ip6_udp(&f, 9, 0);
	ok(run(T_GRE, &f, f.n, &in, &off) == PARSE_OK && ip_ok(&in, true, 9),
	   "WCCPv2 IPv6: redirect header skipped");
	f.n = 0;
	gre_hdr(&f, 0, 0x883e, 0);
	put32(&f, 0x00112233);
	put8(&f, 0x50);
	is_int(PARSE_MALFORMED, run(T_GRE, &f, f.n, &in, &off), "WCCPv2: inner version 5");
}

static void test_vxlan(void)
{
	struct buf f = { .n = 0 };
	struct tunnel_inner in;
	size_t off;

	vxlan_hdr(&f, 0x08, 0xabcdef);
	ether(&f, false, 0, 21);
	boundary(T_VXLAN, &f, 8, 14, true, "VXLAN");
	run(T_VXLAN, &f, f.n, &in, &off);
	ok(in.kind == TUNNEL_VXLAN && in.has_id && in.id == 0xabcdef &&
	   in.proto == TUNNEL_INNER_ETHER, "VXLAN: VNI 0xabcdef, reserved byte ignored");
	ok(link_ok(&in, false, 21), "VXLAN: inner Ethernet -> link_decap -> IPv4");

	f.n = 0;
	vxlan_hdr(&f, 0x00, 5);
	ether(&f, false, 0, 21);
	is_int(PARSE_MALFORMED, run(T_VXLAN, &f, f.n, &in, &off), "VXLAN: I flag clear");
	f.n = 0;
	vxlan_hdr(&f, 0xff, 5);
	f.b[1] = f.b[2] = f.b[3] = 0xff;	/* reserved bits set too */
	ether(&f, true, 2, 22);
	ok(run(T_VXLAN, &f, f.n, &in, &off) == PARSE_OK && link_ok(&in, true, 22),
	   "VXLAN: reserved flags ignored; 802.1Q-tagged IPv6 inside");
	/* The inner frame is handed on even when it carries no IP. */
	f.n = 0;
	vxlan_hdr(&f, 0x08, 1);
	for (int i = 0; i < 12; i++)
		put8(&f, 0xff);
	put16(&f, 0x0806);
	put32(&f, 0x00010800);
	if (ok(run(T_VXLAN, &f, f.n, &in, &off) == PARSE_OK, "VXLAN: inner ARP frame is OK")) {
		struct l3_view l3;

		is_int(PARSE_NOT_MINE, link_decap(DLT_EN10MB, in.p, in.len, &l3),
		       "VXLAN: link_decap says the inner ARP is not IP");
	}
}

static void test_geneve(void)
{
	static const uint8_t optlens[] = { 0, 1, 2, 5, 63 };
	char what[80];

	for (size_t i = 0; i < ARRAY_SIZE(optlens); i++) {
		for (int p = 0; p < 3; p++) {
			static const uint16_t proto[] = { TUNNEL_INNER_ETHER, TUNNEL_INNER_IPV4,
							  TUNNEL_INNER_IPV6 };
			struct buf f = { .n = 0 };
			struct tunnel_inner in;
			size_t off, hlen = 8 + optlens[i] * 4u;
			bool good;

			geneve_hdr(&f, 0, optlens[i], 0, proto[p], 0x123456);
			if (p == 0)
				ether(&f, false, 1, 31);
			else if (p == 1)
				ip4_udp(&f, 31, 3);
			else
				ip6_udp(&f, 31, 3);
			snprintf(what, sizeof(what), "Geneve opt len %u, protocol %04x",
				 optlens[i], proto[p]);
			boundary(T_GENEVE, &f, hlen, p == 0 ? 14 : 1, p == 0, what);
			run(T_GENEVE, &f, f.n, &in, &off);
			good = in.kind == TUNNEL_GENEVE && in.has_id && in.id == 0x123456 &&
			       in.proto == proto[p];
			good = good && (p == 0 ? link_ok(&in, false, 31) : ip_ok(&in, p == 2, 31));
			ok(good, "%s: VNI and inner packet", what);
		}
	}
}

static void test_geneve_rows(void)
{
	static const struct {
		const char *name;
		uint8_t ver, oc;
		uint16_t proto;
		enum parse_rc want;
	} rows[] = {
		{ "version 0", 0, 0x00, TUNNEL_INNER_ETHER, PARSE_OK },
		{ "version 1", 1, 0x00, TUNNEL_INNER_ETHER, PARSE_MALFORMED },
		{ "version 2", 2, 0x00, TUNNEL_INNER_ETHER, PARSE_MALFORMED },
		{ "version 3", 3, 0x00, TUNNEL_INNER_ETHER, PARSE_MALFORMED },
		{ "O bit (control) still decapsulated", 0, 0x80, TUNNEL_INNER_ETHER, PARSE_OK },
		{ "C bit (critical options)", 0, 0x40, TUNNEL_INNER_ETHER, PARSE_OK },
		{ "reserved bits ignored", 0, 0x3f, TUNNEL_INNER_ETHER, PARSE_OK },
		{ "NSH", 0, 0x00, 0x894f, PARSE_NOT_MINE },
		{ "MPLS", 0, 0x00, 0x8847, PARSE_NOT_MINE },
		{ "IPv4 type over an Ethernet frame", 0, 0x00, TUNNEL_INNER_IPV4, PARSE_MALFORMED },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct buf f = { .n = 0 };
		struct tunnel_inner in;
		size_t off;

		geneve_hdr(&f, rows[i].ver, 1, rows[i].oc, rows[i].proto, 7);
		ether(&f, false, 0, 41);
		is_int(rows[i].want, run(T_GENEVE, &f, f.n, &in, &off), "Geneve %s: %s",
		       rows[i].name, parse_rc_str(rows[i].want));
	}
	/* Opt Len claiming more than there is. */
	{
		struct buf f = { .n = 0 };
		struct tunnel_inner in;
		size_t off;

		geneve_hdr(&f, 0, 0, 0, TUNNEL_INNER_ETHER, 7);
		f.b[0] = 63;
		ether(&f, false, 0, 41);	/* 8 + 46 bytes < 8 + 252 */
		is_int(PARSE_TRUNCATED, run(T_GENEVE, &f, f.n, &in, &off),
		       "Geneve: options longer than the packet");
	}
}

static void test_ipip(void)
{
	struct buf f4 = { .n = 0 }, f6 = { .n = 0 };
	struct tunnel_inner in;

	ip4_udp(&f4, 51, 5);
	ip6_udp(&f6, 52, 5);
	ok(tunnel_ipip(4, f4.b, f4.n, &in) == PARSE_OK && in.p == f4.b && in.len == f4.n &&
	   in.kind == TUNNEL_IPIP && ip_ok(&in, false, 51), "IP-in-IP: proto 4, IPv4 inside");
	ok(tunnel_ipip(41, f6.b, f6.n, &in) == PARSE_OK && in.p == f6.b && ip_ok(&in, true, 52),
	   "6in4: proto 41, IPv6 inside");
	is_int(PARSE_OK, tunnel_ipip(4, f4.b, 1, &in), "IP-in-IP: one byte is an exact fit");
	is_int(PARSE_TRUNCATED, tunnel_ipip(4, f4.b, 0, &in), "IP-in-IP: zero length");
	is_int(PARSE_TRUNCATED, tunnel_ipip(41, NULL, 0, &in), "6in4: NULL, zero length");
	is_int(PARSE_MALFORMED, tunnel_ipip(4, f6.b, f6.n, &in), "proto 4 with IPv6 inside");
	is_int(PARSE_MALFORMED, tunnel_ipip(41, f4.b, f4.n, &in), "proto 41 with IPv4 inside");
	is_int(PARSE_NOT_MINE, tunnel_ipip(47, f4.b, f4.n, &in), "tunnel_ipip: 47 is not its own");
	is_int(PARSE_NOT_MINE, tunnel_ipip(17, f4.b, f4.n, &in),
	       "tunnel_ipip: UDP is not a tunnel");
}

static void test_dispatch(void)
{
	struct buf g = { .n = 0 }, v = { .n = 0 }, gv = { .n = 0 }, f4 = { .n = 0 };
	struct tunnel_inner in;
	static const struct {
		uint16_t port;
		bool tunnel;
	} ports[] = {
		{ 4789, true }, { 6081, true }, { 4790, false }, { 8472, false },
		{ 0, false }, { 53, false }, { 6080, false }, { 65535, false },
	};
	static const struct {
		uint8_t proto;
		bool tunnel;
	} protos[] = {
		{ 4, true }, { 41, true }, { 47, true }, { 0, false }, { 6, false },
		{ 17, false }, { 50, false }, { 255, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
		is_int(ports[i].tunnel, tunnel_udp_port(ports[i].port), "tunnel_udp_port(%u)",
		       ports[i].port);
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		is_int(protos[i].tunnel, tunnel_ip_proto(protos[i].proto), "tunnel_ip_proto(%u)",
		       protos[i].proto);

	gre_hdr(&g, 0x2000, TUNNEL_INNER_ETHER, 99);
	ether(&g, false, 0, 61);
	vxlan_hdr(&v, 0x08, 62);
	ether(&v, false, 0, 62);
	geneve_hdr(&gv, 0, 0, 0, TUNNEL_INNER_ETHER, 63);
	ether(&gv, false, 0, 63);
	ip4_udp(&f4, 64, 0);
	ok(tunnel_ip(47, g.b, g.n, &in) == PARSE_OK && in.kind == TUNNEL_GRE && in.id == 99,
	   "tunnel_ip(47) is GRE");
	ok(tunnel_ip(4, f4.b, f4.n, &in) == PARSE_OK && in.kind == TUNNEL_IPIP,
	   "tunnel_ip(4) is IP-in-IP");
	is_int(PARSE_NOT_MINE, tunnel_ip(17, f4.b, f4.n, &in), "tunnel_ip(17) is not mine");
	ok(tunnel_udp(4789, v.b, v.n, &in) == PARSE_OK && in.kind == TUNNEL_VXLAN && in.id == 62,
	   "tunnel_udp(4789) is VXLAN");
	ok(tunnel_udp(6081, gv.b, gv.n, &in) == PARSE_OK && in.kind == TUNNEL_GENEVE &&
	   in.id == 63, "tunnel_udp(6081) is Geneve");
	ok(tunnel_udp(4790, v.b, v.n, &in) == PARSE_NOT_MINE && in.kind == TUNNEL_NONE &&
	   in.p == NULL, "tunnel_udp(4790) is not mine, output cleared");
	/* VXLAN bytes read as Geneve: version 0, 32 bytes of options, protocol 0. */
	is_int(PARSE_NOT_MINE, tunnel_udp(6081, v.b, v.n, &in),
	       "VXLAN bytes on the Geneve port: protocol 0 is not mine");
}

/* A whole captured frame: Ethernet / IPv4 / UDP 4789 / VXLAN / Ethernet / IPv4 / UDP 53. */
static void test_full_path(void)
{
	struct buf f = { .n = 0 }, in_frame = { .n = 0 };
	struct l3_view outer_l3;
	struct ip_info outer;
	struct tunnel_inner in;
	size_t ip_start, udp_start;

	ether(&in_frame, false, 0, 77);
	for (int i = 0; i < 12; i++)
		put8(&f, 0x0a);
	put16(&f, 0x0800);
	ip_start = f.n;
	put16(&f, 0x4500);
	put16(&f, (uint32_t)(20 + 8 + 8 + in_frame.n));
	put32(&f, 0);
	put16(&f, 0x4011);
	put16(&f, 0);
	put32(&f, 0x0a000001);
	put32(&f, 0x0a000002);
	udp_start = f.n;
	put16(&f, 50000);
	put16(&f, 4789);
	put16(&f, (uint32_t)(8 + 8 + in_frame.n));
	put16(&f, 0);
	vxlan_hdr(&f, 0x08, 4242);
	put_bytes(&f, in_frame.b, in_frame.n);

	ok(link_decap(DLT_EN10MB, f.b, f.n, &outer_l3) == PARSE_OK &&
	   outer_l3.p == f.b + ip_start, "full path: outer Ethernet");
	ok(ip_parse(outer_l3.p, outer_l3.len, &outer) == PARSE_OK &&
	   outer.proto == IPPROTO_UDP && outer.payload.p == f.b + udp_start,
	   "full path: outer IPv4/UDP");
	ok(tunnel_udp_port(4789), "full path: 4789 is a tunnel port");
	ok(tunnel_udp(4789, outer.payload.p + 8, outer.payload.len - 8, &in) == PARSE_OK &&
	   in.id == 4242 && in.len == in_frame.n && memcmp(in.p, in_frame.b, in.len) == 0,
	   "full path: VXLAN gives the inner frame");
	ok(link_ok(&in, false, 77), "full path: inner frame -> link_decap -> ip_parse");
}

int main(void)
{
	test_gre_flags();
	test_gre_rows();
	test_gre_wccp();
	test_vxlan();
	test_geneve();
	test_geneve_rows();
	test_ipip();
	test_dispatch();
	test_full_path();
	return done_testing();
}
