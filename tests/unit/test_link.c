// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_link.c - link_decap() on every supported link type: boundary tables
 * (exact header, one short, one over), VLAN stacks of 0..5 tags, 802.3
 * LLC/SNAP, PPPoE, NFLOG TLV walking, and a truncation sweep that cuts
 * every valid frame at every byte into an exactly-sized heap buffer so
 * that AddressSanitizer catches any read past the end.
 *
 * Frames are built byte by byte here; nothing is read from disk.
 */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_link.h"
#include "tests/tap.h"
#include "util.h"

/* A frame under construction. */
struct frame {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct frame *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void put32le(struct frame *f, uint32_t v)
{
	put8(f, (uint8_t)v);
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)(v >> 16));
	put8(f, (uint8_t)(v >> 24));
}

/* NFLOG TLV fields are in host byte order. */
static void put16host(struct frame *f, uint16_t v)
{
	memcpy(f->b + f->n, &v, 2);
	f->n += 2;
}

static void putn(struct frame *f, const void *p, size_t n)
{
	if (n)
		memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void pad(struct frame *f, size_t n, uint8_t v)
{
	memset(f->b + f->n, v, n);
	f->n += n;
}

/* 192.0.2.1:1234 -> 198.51.100.7:53, UDP, 28 bytes in all. */
static const uint8_t ip4_pkt[] = {
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

/* 2001:db8::1 -> 2001:db8::2, UDP, 48 bytes in all. */
static const uint8_t ip6_pkt[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

static const uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static void eth_hdr(struct frame *f, uint16_t type)
{
	f->n = 0;
	putn(f, mac_dst, 6);
	putn(f, mac_src, 6);
	put16(f, type);
}

/*
 * expect - run link_decap on a copy of @f sized exactly @f->n and check the
 * result code and, on PARSE_OK, where the IP packet starts and its length.
 */
__attribute__((format(printf, 7, 8))) static void expect(int dlt, const struct frame *f,
							 enum parse_rc want, size_t off,
							 size_t len, uint8_t version,
							 const char *fmt, ...)
{
	uint8_t *copy = malloc(f->n ? f->n : 1);
	struct l3_view v;
	enum parse_rc rc;
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	memcpy(copy, f->b, f->n);
	rc = link_decap(dlt, copy, f->n, &v);
	if (!ok(rc == want, "%s: %s", what, parse_rc_str(want)))
		diag("  got %s", parse_rc_str(rc));
	if (want == PARSE_OK && rc == PARSE_OK) {
		ok(v.p == copy + off && v.len == len && v.version == version,
		   "%s: view at %zu, %zu bytes, v%u", what, off, len, version);
		if (v.p != copy + off || v.len != len || v.version != version)
			diag("  got offset %td len %zu v%u", v.p - copy, v.len, v.version);
	}
	free(copy);
}

static void test_names(void)
{
	static const struct {
		int dlt;
		const char *name;
	} known[] = {
		{ 0, "NULL" }, { 1, "EN10MB" }, { 12, "RAW" }, { 14, "RAW" }, { 101, "RAW" },
		{ 108, "LOOP" }, { 113, "LINUX_SLL" }, { 228, "IPV4" }, { 229, "IPV6" },
		{ 239, "NFLOG" }, { 276, "LINUX_SLL2" },
	};
	static const int unknown[] = { -1, 2, 9, 13, 105, 127, 147, 220, 240, 275, 277, 65535 };
	uint8_t byte = 0x45;
	struct l3_view v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		const char *pn = pcap_datalink_val_to_name(known[i].dlt);

		ok(link_supported(known[i].dlt), "DLT %d supported", known[i].dlt);
		is_str(known[i].name, link_name(known[i].dlt), "DLT %d name", known[i].dlt);
		/* libpcap names the numbers it uses on this platform: agree with it. */
		if (pn)
			is_str(pn, link_name(known[i].dlt), "DLT %d name matches libpcap",
			       known[i].dlt);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		ok(!link_supported(unknown[i]), "DLT %d not supported", unknown[i]);
		ok(link_name(unknown[i]) == NULL, "DLT %d has no name", unknown[i]);
		is_int(PARSE_NOT_MINE, link_decap(unknown[i], &byte, 1, &v),
		       "DLT %d decap is not-mine", unknown[i]);
	}
}

static void test_ether(void)
{
	static const uint16_t others[] = { 0x0806, 0x88cc, 0x8847, 0x88e5, 0x8863, 0x05dd,
					   0x05ff, 0x0600, 0xffff };
	struct frame f;
	size_t i;

	eth_hdr(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_OK, 14, 28, 4, "eth ipv4");
	eth_hdr(&f, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(1, &f, PARSE_OK, 14, 48, 6, "eth ipv6");

	/* Boundaries around the 14-byte header. */
	eth_hdr(&f, 0x0800);
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "eth exactly 14 bytes, no IP");
	f.n = 13;
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "eth 13 bytes");
	f.n = 0;
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "eth empty");
	eth_hdr(&f, 0x0800);
	put8(&f, 0x45);
	expect(1, &f, PARSE_OK, 14, 1, 4, "eth 15 bytes: one IP byte");
	{
		struct l3_view v;

		is_int(PARSE_TRUNCATED, link_decap(1, NULL, 0, &v), "eth NULL frame");
		ok(v.p == NULL && v.len == 0 && v.version == 0, "output cleared on failure");
	}

	/* The version nibble must agree with the EtherType. */
	eth_hdr(&f, 0x0800);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "eth 0800 carrying IPv6");
	eth_hdr(&f, 0x86dd);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "eth 86dd carrying IPv4");
	eth_hdr(&f, 0x0800);
	put8(&f, 0x05);
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "eth 0800 with version 0");

	for (i = 0; i < ARRAY_SIZE(others); i++) {
		eth_hdr(&f, others[i]);
		putn(&f, ip4_pkt, sizeof(ip4_pkt));
		expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "eth type 0x%04x", others[i]);
	}
}

static void test_vlan(void)
{
	static const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100 };
	struct frame f;
	size_t depth, t, i;

	for (depth = 0; depth <= 5; depth++) {
		for (t = 0; t < ARRAY_SIZE(tpids); t++) {
			f.n = 0;
			putn(&f, mac_dst, 6);
			putn(&f, mac_src, 6);
			for (i = 0; i < depth; i++) {
				/* Outer tags use the chosen TPID, inner ones cycle. */
				put16(&f, i == 0 ? tpids[t] : tpids[(t + i) % 3]);
				put16(&f, (uint16_t)(0x0100 + i));
			}
			put16(&f, 0x86dd);
			putn(&f, ip6_pkt, sizeof(ip6_pkt));
			expect(1, &f, PARSE_OK, 14 + 4 * depth, sizeof(ip6_pkt), 6,
			       "%zu tags, first 0x%04x", depth, tpids[t]);
			/* Cut right after the last tag: no IP byte. */
			f.n = 14 + 4 * depth;
			expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "%zu tags, no IP", depth);
			/* Cut in the middle of the last tag or EtherType. */
			f.n = 14 + 4 * depth - 1;
			expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "%zu tags, type cut", depth);
		}
		f.n = 0;
		putn(&f, mac_dst, 6);
		putn(&f, mac_src, 6);
		for (i = 0; i < depth; i++) {
			put16(&f, 0x8100);
			put16(&f, 7);
		}
		put16(&f, 0x0806);
		pad(&f, 28, 0);
		expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "ARP under %zu tags", depth);
	}

	/* A frame made of nothing but tags ends the loop at the frame's end. */
	f.n = 0;
	putn(&f, mac_dst, 6);
	putn(&f, mac_src, 6);
	while (f.n + 4 <= sizeof(f.b))
		put32(&f, 0x81000001);
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "%zu bytes of tags only", f.n);
}

/* 802.3 frame: length field, LLC AA-AA-03, SNAP OUI, EtherType. */
static void llc_frame(struct frame *f, uint16_t len802, uint32_t llc, uint32_t oui, uint16_t type)
{
	eth_hdr(f, len802);
	put8(f, (uint8_t)(llc >> 16));
	put8(f, (uint8_t)(llc >> 8));
	put8(f, (uint8_t)llc);
	put8(f, (uint8_t)(oui >> 16));
	put8(f, (uint8_t)(oui >> 8));
	put8(f, (uint8_t)oui);
	put16(f, type);
}

static void test_llc(void)
{
	struct frame f;

	llc_frame(&f, 8 + 28, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	pad(&f, 10, 0);		/* up to the 46-byte minimum payload */
	expect(1, &f, PARSE_OK, 22, 28, 4, "802.3 SNAP ipv4, padding cut");
	llc_frame(&f, 8 + 48, 0xaaaa03, 0, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(1, &f, PARSE_OK, 22, 48, 6, "802.3 SNAP ipv6");
	llc_frame(&f, 1500, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_OK, 22, 28, 4, "802.3 length beyond capture keeps what is there");
	llc_frame(&f, 8, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "802.3 length 8: no room for IP");
	llc_frame(&f, 9, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_OK, 22, 1, 4, "802.3 length 9: one IP byte");
	llc_frame(&f, 7, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "802.3 length 7 < LLC+SNAP");
	llc_frame(&f, 36, 0xaaaa03, 0x00000c, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "SNAP with a vendor OUI");
	llc_frame(&f, 36, 0xaaaa03, 0, 0x0806);
	pad(&f, 28, 0);
	expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "SNAP carrying ARP");
	llc_frame(&f, 38, 0x424203, 0, 0);
	pad(&f, 35, 0);
	expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "LLC STP BPDU");
	llc_frame(&f, 36, 0xaaaa03, 0, 0x0800);
	f.n = 21;
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "SNAP header cut");
}

static void pppoe_frame(struct frame *f, uint8_t vertype, uint16_t len, uint16_t proto)
{
	eth_hdr(f, 0x8864);
	put8(f, vertype);
	put8(f, 0);
	put16(f, 0x1234);
	put16(f, len);
	put16(f, proto);
}

static void test_pppoe(void)
{
	struct frame f;

	pppoe_frame(&f, 0x11, 2 + 28, 0x0021);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	pad(&f, 8, 0);
	expect(1, &f, PARSE_OK, 22, 28, 4, "PPPoE ipv4, padding cut");
	pppoe_frame(&f, 0x11, 2 + 48, 0x0057);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(1, &f, PARSE_OK, 22, 48, 6, "PPPoE ipv6");
	pppoe_frame(&f, 0x11, 100, 0xc021);
	pad(&f, 20, 0);
	expect(1, &f, PARSE_NOT_MINE, 0, 0, 0, "PPPoE LCP");
	pppoe_frame(&f, 0x12, 30, 0x0021);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "PPPoE version 1 type 2");
	pppoe_frame(&f, 0x11, 1, 0x0021);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(1, &f, PARSE_MALFORMED, 0, 0, 0, "PPPoE length 1");
	pppoe_frame(&f, 0x11, 30, 0x0021);
	f.n = 21;
	expect(1, &f, PARSE_TRUNCATED, 0, 0, 0, "PPPoE header cut");
}

static void sll_hdr(struct frame *f, uint16_t proto)
{
	f->n = 0;
	put16(f, 4);		/* sent by us */
	put16(f, 1);		/* ARPHRD_ETHER */
	put16(f, 6);
	putn(f, mac_src, 6);
	put16(f, 0);
	put16(f, proto);
}

static void sll2_hdr(struct frame *f, uint16_t proto)
{
	f->n = 0;
	put16(f, proto);
	put16(f, 0);
	put32(f, 3);		/* ifindex */
	put16(f, 1);
	put8(f, 4);
	put8(f, 6);
	putn(f, mac_src, 6);
	put16(f, 0);
}

static void test_sll(void)
{
	struct frame f;

	sll_hdr(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(113, &f, PARSE_OK, 16, 28, 4, "SLL ipv4");
	sll_hdr(&f, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(113, &f, PARSE_OK, 16, 48, 6, "SLL ipv6");
	sll_hdr(&f, 0x0800);
	expect(113, &f, PARSE_TRUNCATED, 0, 0, 0, "SLL exactly 16 bytes");
	f.n = 15;
	expect(113, &f, PARSE_TRUNCATED, 0, 0, 0, "SLL 15 bytes");
	sll_hdr(&f, 0x0800);
	put8(&f, 0x45);
	expect(113, &f, PARSE_OK, 16, 1, 4, "SLL 17 bytes");
	sll_hdr(&f, 0x0806);
	pad(&f, 28, 0);
	expect(113, &f, PARSE_NOT_MINE, 0, 0, 0, "SLL ARP");
	/* Small protocol values are Linux ETH_P_802_2 etc., not 802.3 lengths. */
	sll_hdr(&f, 0x0004);
	put8(&f, 0xaa);
	put8(&f, 0xaa);
	put8(&f, 0x03);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(113, &f, PARSE_NOT_MINE, 0, 0, 0, "SLL ETH_P_802_2");
	sll_hdr(&f, 0x8100);
	put16(&f, 10);
	put16(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(113, &f, PARSE_OK, 20, 28, 4, "SLL with a re-inserted VLAN tag");

	sll2_hdr(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(276, &f, PARSE_OK, 20, 28, 4, "SLL2 ipv4");
	sll2_hdr(&f, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(276, &f, PARSE_OK, 20, 48, 6, "SLL2 ipv6");
	sll2_hdr(&f, 0x86dd);
	expect(276, &f, PARSE_TRUNCATED, 0, 0, 0, "SLL2 exactly 20 bytes");
	f.n = 19;
	expect(276, &f, PARSE_TRUNCATED, 0, 0, 0, "SLL2 19 bytes");
	sll2_hdr(&f, 0x86dd);
	put8(&f, 0x60);
	expect(276, &f, PARSE_OK, 20, 1, 6, "SLL2 21 bytes");
	sll2_hdr(&f, 0x88cc);
	pad(&f, 30, 0);
	expect(276, &f, PARSE_NOT_MINE, 0, 0, 0, "SLL2 LLDP");
	sll2_hdr(&f, 0x0800);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(276, &f, PARSE_MALFORMED, 0, 0, 0, "SLL2 0800 carrying IPv6");
}

static void test_null(void)
{
	static const struct {
		uint32_t fam;
		uint8_t version;
	} fams[] = { { 2, 4 }, { 10, 6 }, { 24, 6 }, { 28, 6 }, { 30, 6 } };
	static const uint32_t others[] = { 0, 1, 7, 11, 17, 23, 0x10000, 0xffffffff };
	static const int dlts[] = { 0, 108 };
	struct frame f;
	size_t d, i;

	for (d = 0; d < ARRAY_SIZE(dlts); d++) {
		int dlt = dlts[d];

		for (i = 0; i < ARRAY_SIZE(fams); i++) {
			const uint8_t *pkt = fams[i].version == 4 ? ip4_pkt : ip6_pkt;
			size_t plen = fams[i].version == 4 ? sizeof(ip4_pkt) : sizeof(ip6_pkt);

			f.n = 0;
			put32(&f, fams[i].fam);
			putn(&f, pkt, plen);
			expect(dlt, &f, PARSE_OK, 4, plen, fams[i].version,
			       "DLT %d AF %u big-endian", dlt, fams[i].fam);
			f.n = 0;
			put32le(&f, fams[i].fam);
			putn(&f, pkt, plen);
			expect(dlt, &f, PARSE_OK, 4, plen, fams[i].version,
			       "DLT %d AF %u little-endian", dlt, fams[i].fam);
		}
		for (i = 0; i < ARRAY_SIZE(others); i++) {
			f.n = 0;
			put32(&f, others[i]);
			putn(&f, ip4_pkt, sizeof(ip4_pkt));
			expect(dlt, &f, PARSE_NOT_MINE, 0, 0, 0, "DLT %d AF 0x%x", dlt, others[i]);
		}
		f.n = 0;
		put32le(&f, 2);
		expect(dlt, &f, PARSE_TRUNCATED, 0, 0, 0, "DLT %d exactly 4 bytes", dlt);
		f.n = 3;
		expect(dlt, &f, PARSE_TRUNCATED, 0, 0, 0, "DLT %d 3 bytes", dlt);
		f.n = 0;
		put32le(&f, 2);
		put8(&f, 0x45);
		expect(dlt, &f, PARSE_OK, 4, 1, 4, "DLT %d 5 bytes", dlt);
		f.n = 0;
		put32le(&f, 2);
		putn(&f, ip6_pkt, sizeof(ip6_pkt));
		expect(dlt, &f, PARSE_MALFORMED, 0, 0, 0, "DLT %d AF_INET carrying IPv6", dlt);
	}
}

/* NFLOG TLV: host-order length (header included) and type, padded to 4. */
static void nflog_tlv(struct frame *f, uint16_t type, const void *v, size_t vlen)
{
	put16host(f, (uint16_t)(4 + vlen));
	put16host(f, type);
	putn(f, v, vlen);
	while (f->n % 4)
		put8(f, 0);
}

static void nflog_hdr(struct frame *f, uint8_t family, uint8_t version)
{
	static const uint8_t hwproto[4] = { 0x08, 0x00, 0x03, 0x00 };

	f->n = 0;
	put8(f, family);
	put8(f, version);
	put16(f, 42);			/* resource id: the nflog group */
	nflog_tlv(f, 1, hwproto, 4);	/* NFULA_PACKET_HDR: 4 -> 8 bytes */
	nflog_tlv(f, 10, "abc", 3);	/* NFULA_PREFIX: 7 -> 8 bytes */
}

static void test_nflog(void)
{
	struct frame f;

	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_OK, 24, 28, 4, "NFLOG ipv4");
	nflog_hdr(&f, 10, 0);
	nflog_tlv(&f, 9, ip6_pkt, sizeof(ip6_pkt));
	expect(239, &f, PARSE_OK, 24, 48, 6, "NFLOG ipv6");

	/* The payload is cut to the TLV length: padding and later TLVs are not IP. */
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, ip4_pkt, 21);
	nflog_tlv(&f, 11, "x", 1);
	expect(239, &f, PARSE_OK, 24, 21, 4, "NFLOG payload length 21, padded");
	/* The payload TLV may come first, and with a flag bit in its type. */
	f.n = 4;
	nflog_tlv(&f, 0x4000 | 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_OK, 8, 28, 4, "NFLOG payload first, NLA flag set");
	/* The last TLV without its padding (value length 21). */
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, ip4_pkt, 21);
	f.n -= 3;
	expect(239, &f, PARSE_OK, 24, 21, 4, "NFLOG payload unpadded at the end");
	/* A snaplen cut inside the payload keeps the bytes that are there. */
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	f.n -= 10;
	expect(239, &f, PARSE_OK, 24, 18, 4, "NFLOG payload cut by the capture");
	/* Empty payload. */
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, NULL, 0);
	expect(239, &f, PARSE_TRUNCATED, 0, 0, 0, "NFLOG empty payload");

	nflog_hdr(&f, 2, 0);
	expect(239, &f, PARSE_NOT_MINE, 0, 0, 0, "NFLOG without a payload TLV");
	f.n = 4;
	expect(239, &f, PARSE_NOT_MINE, 0, 0, 0, "NFLOG header only");
	f.n = 3;
	expect(239, &f, PARSE_TRUNCATED, 0, 0, 0, "NFLOG 3 bytes");
	nflog_hdr(&f, 2, 0);
	put16host(&f, 32);
	expect(239, &f, PARSE_TRUNCATED, 0, 0, 0, "NFLOG TLV header cut");
	nflog_hdr(&f, 7, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_NOT_MINE, 0, 0, 0, "NFLOG bridge family");
	nflog_hdr(&f, 0, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_NOT_MINE, 0, 0, 0, "NFLOG unspecified family");
	nflog_hdr(&f, 2, 1);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_MALFORMED, 0, 0, 0, "NFLOG version 1");
	nflog_hdr(&f, 10, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_MALFORMED, 0, 0, 0, "NFLOG IPv6 family carrying IPv4");

	/* TLV lengths below the 4-byte header would never advance. */
	nflog_hdr(&f, 2, 0);
	put16host(&f, 0);
	put16host(&f, 10);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_MALFORMED, 0, 0, 0, "NFLOG TLV length 0");
	nflog_hdr(&f, 2, 0);
	put16host(&f, 3);
	put16host(&f, 10);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_MALFORMED, 0, 0, 0, "NFLOG TLV length 3");
	/* Length 4 (empty value) is fine and is followed by the payload. */
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 10, NULL, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_OK, 28, 28, 4, "NFLOG empty TLV then payload");
	/* A TLV before the payload claiming more than the frame holds. */
	nflog_hdr(&f, 2, 0);
	put16host(&f, 200);
	put16host(&f, 10);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	expect(239, &f, PARSE_TRUNCATED, 0, 0, 0, "NFLOG TLV overrunning the frame");
}

static void test_raw(void)
{
	static const int raws[] = { 12, 14, 101 };
	struct frame f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(raws); i++) {
		int dlt = raws[i];

		f.n = 0;
		putn(&f, ip4_pkt, sizeof(ip4_pkt));
		expect(dlt, &f, PARSE_OK, 0, 28, 4, "DLT %d ipv4", dlt);
		f.n = 0;
		putn(&f, ip6_pkt, sizeof(ip6_pkt));
		expect(dlt, &f, PARSE_OK, 0, 48, 6, "DLT %d ipv6", dlt);
		f.n = 1;
		expect(dlt, &f, PARSE_OK, 0, 1, 6, "DLT %d one byte", dlt);
		f.n = 0;
		expect(dlt, &f, PARSE_TRUNCATED, 0, 0, 0, "DLT %d empty", dlt);
		put8(&f, 0x55);
		expect(dlt, &f, PARSE_MALFORMED, 0, 0, 0, "DLT %d version 5", dlt);
		f.n = 0;
		put8(&f, 0x00);
		expect(dlt, &f, PARSE_MALFORMED, 0, 0, 0, "DLT %d version 0", dlt);
	}
	f.n = 0;
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	expect(228, &f, PARSE_OK, 0, 28, 4, "IPV4 link ipv4");
	expect(229, &f, PARSE_MALFORMED, 0, 0, 0, "IPV6 link carrying ipv4");
	f.n = 0;
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	expect(229, &f, PARSE_OK, 0, 48, 6, "IPV6 link ipv6");
	expect(228, &f, PARSE_MALFORMED, 0, 0, 0, "IPV4 link carrying ipv6");
	f.n = 0;
	expect(228, &f, PARSE_TRUNCATED, 0, 0, 0, "IPV4 link empty");
}

/*
 * sweep - cut @f at every length shorter than itself.  Each cut must be
 * PARSE_OK with a view of all the bytes after the link header from @min_ok
 * on, or PARSE_TRUNCATED below it.  NFLOG may also say PARSE_NOT_MINE at a
 * TLV boundary (a frame ending cleanly there holds no packet): those cuts
 * are listed in the zero-terminated @tlv_ends.  ASan checks the reads.
 */
static void sweep(int dlt, const struct frame *f, size_t min_ok, const size_t *tlv_ends,
		  const char *what)
{
	size_t cut, bad = 0;

	for (cut = 0; cut < f->n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		struct l3_view v;
		enum parse_rc rc;
		bool fine;

		memcpy(copy, f->b, cut);
		rc = link_decap(dlt, copy, cut, &v);
		if (cut >= min_ok)
			fine = rc == PARSE_OK && v.p >= copy && v.len == cut - (size_t)(v.p - copy);
		else
			fine = rc == PARSE_TRUNCATED;
		for (size_t i = 0; tlv_ends && tlv_ends[i]; i++)
			if (cut == tlv_ends[i])
				fine = rc == PARSE_NOT_MINE;
		if (!fine) {
			bad++;
			diag("  %s cut at %zu: %s", what, cut, parse_rc_str(rc));
		}
		free(copy);
	}
	ok(bad == 0, "%s: every cut of %zu bytes is ok or truncated", what, f->n);
}

static void test_sweep(void)
{
	static const size_t nflog_ends[] = { 4, 12, 19, 20, 0 };
	struct frame f;
	size_t i;

	eth_hdr(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	sweep(1, &f, 15, NULL, "eth ipv4");
	f.n = 0;
	putn(&f, mac_dst, 6);
	putn(&f, mac_src, 6);
	for (i = 0; i < 5; i++)
		put32(&f, 0x88a80000 | (uint32_t)i);
	put16(&f, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	sweep(1, &f, 35, NULL, "eth 5 tags ipv6");
	llc_frame(&f, 36, 0xaaaa03, 0, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	sweep(1, &f, 23, NULL, "802.3 SNAP");
	pppoe_frame(&f, 0x11, 50, 0x0057);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	sweep(1, &f, 23, NULL, "PPPoE");
	sll_hdr(&f, 0x0800);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	sweep(113, &f, 17, NULL, "SLL");
	sll2_hdr(&f, 0x86dd);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	sweep(276, &f, 21, NULL, "SLL2");
	f.n = 0;
	put32le(&f, 30);
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	sweep(0, &f, 5, NULL, "NULL");
	f.n = 0;
	put32(&f, 2);
	putn(&f, ip4_pkt, sizeof(ip4_pkt));
	sweep(108, &f, 5, NULL, "LOOP");
	nflog_hdr(&f, 2, 0);
	nflog_tlv(&f, 9, ip4_pkt, sizeof(ip4_pkt));
	/* After the header, after HWPROTO, after PREFIX unpadded and padded. */
	sweep(239, &f, 25, nflog_ends, "NFLOG");
	f.n = 0;
	putn(&f, ip6_pkt, sizeof(ip6_pkt));
	sweep(101, &f, 1, NULL, "RAW");
}

int main(void)
{
	test_names();
	test_ether();
	test_vlan();
	test_llc();
	test_pppoe();
	test_sll();
	test_nflog();
	test_null();
	test_raw();
	test_sweep();
	return done_testing();
}
