// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_frag.c - fuzz target for IP fragment reassembly (frag.h: RFC 791
 * §3.2, RFC 8200 §4.5, overlaps per RFC 5722).
 *
 * Input:  | cfg | records ... |
 *   cfg bits 0-2: max_datagrams 1..8; bits 3-4: max_bytes 4 KiB, 64 KiB,
 *   1 MiB or 4 MiB; bit 7: raw mode.  The timeout is 1 s.
 *
 * Structured mode (bit 7 clear): each record describes one fragment that
 * the target builds, so the fuzzer plays with offsets, lengths, flags and
 * timing rather than with checksums and header lengths:
 *
 *   | f0 | f1 | off16 | len16 |
 *   f0: bit 0 IPv6; bits 1-2 datagram id (0-3); bit 3 MF; bit 4 corrupt
 *       the data; bit 5 another upper protocol; bits 6-7 time step (none,
 *       1 ms, 600 ms, 2.5 s and an explicit fragtab_expire()).
 *   f1: bit 0 IPv4 options / IPv6 Destination Options before the Fragment
 *       header; bit 1 DF (IPv4); bit 2 IPv6 Hop-by-Hop first as well.
 *   off16 % 8192 is the offset in 8-byte units, len16 % 1500 the length.
 *   The data at each position of a datagram is a fixed function of its key
 *   and position, unless corrupted, so any reassembled payload of a
 *   datagram that never saw a corrupt or inconsistent fragment must equal
 *   that function byte for byte.
 *
 * Raw mode: | len16 | IP packet | ... fed through ip_parse() as the engine
 * does (fragments only), 1 ms apart.
 *
 * Always checked: a reassembled packet parses as one unfragmented datagram
 * of exactly its length (IPv4 header checksum valid), and the table stays
 * within max_bytes and max_datagrams after every call.
 */
#include <netinet/in.h>
#include <string.h>

#include "frag.h"
#include "parse_ip.h"
#include "fuzz.h"

#define TIMEOUT_US 1000000
#define N_KEYS 8		/* 4 ids x 2 families */

static uint8_t pkt[2048];

static uint8_t truth(unsigned key, size_t pos)
{
	uint32_t x = (uint32_t)(pos * 2654435761u) ^ (key * 0x9e3779b9u);

	return (uint8_t)(x >> 13 ^ x);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* build_v4 - RFC 791 §3.1 header (+ 4 bytes of NOP options), then the data. */
static size_t build_v4(unsigned id, bool opts, bool df, bool mf, unsigned off8, uint8_t proto,
		       size_t len)
{
	size_t hl = opts ? 24 : 20;

	memset(pkt, 0, hl);
	pkt[0] = (uint8_t)(0x40 | hl / 4);
	put16(pkt + 2, (unsigned)(hl + len));
	put16(pkt + 4, 0x4000 + id);
	put16(pkt + 6, (df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | off8);
	pkt[8] = 64;
	pkt[9] = proto;
	memcpy(pkt + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	if (opts)
		memset(pkt + 20, 1, 4);		/* NOP */
	put16(pkt + 10, csum(pkt, hl));
	return hl;
}

/* build_v6 - RFC 8200 §3 header, optional extension headers, §4.5 Fragment header. */
static size_t build_v6(unsigned id, bool dstopts, bool hbh, bool mf, unsigned off8,
		       uint8_t proto, size_t len)
{
	size_t n = 40;
	uint8_t *next = &pkt[6];

	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	pkt[7] = 64;
	pkt[8] = 0x20;
	pkt[23] = 1;
	pkt[24] = 0x20;
	pkt[39] = 2;
	if (hbh) {
		*next = 0;
		memset(pkt + n, 0, 8);
		pkt[n + 2] = 1;			/* PadN, 4 bytes */
		pkt[n + 3] = 4;
		next = &pkt[n];
		n += 8;
	}
	if (dstopts) {
		*next = 60;
		memset(pkt + n, 0, 8);
		pkt[n + 2] = 1;
		pkt[n + 3] = 4;
		next = &pkt[n];
		n += 8;
	}
	*next = 44;
	pkt[n] = proto;
	pkt[n + 1] = 0;
	put16(pkt + n + 2, off8 << 3 | (mf ? 1 : 0));
	pkt[n + 4] = 0xfe;
	pkt[n + 5] = 0xed;
	pkt[n + 6] = 0;
	pkt[n + 7] = (uint8_t)id;
	n += 8;
	put16(pkt + 4, (unsigned)(n - 40 + len));
	return n;
}

static void check_table(struct fragtab *t, size_t max_dgrams)
{
	struct fragtab_stats st;

	fragtab_get_stats(t, &st);
	FUZZ_CHECK(st.bytes <= st.max_bytes);
	FUZZ_CHECK(st.in_progress + st.remembered <= max_dgrams);
}

/* check_done - a reassembled packet; @key >= 0: compare with truth(). */
static void check_done(const uint8_t *out, size_t outlen, int version, int key)
{
	struct ip_info ip;

	/* ip_parse() reads an IPv6 Payload Length of 0 as a jumbogram (unsupported). */
	if (version == 6 && outlen == 40) {
		FUZZ_CHECK(out[4] == 0 && out[5] == 0);
		return;
	}
	/* An IPv6 packet with two Fragment headers is malformed (RFC 8200 §4.1). */
	if (ip_parse(out, outlen, &ip) != PARSE_OK && version == 6)
		return;
	FUZZ_CHECK(ip_parse(out, outlen, &ip) == PARSE_OK);
	FUZZ_CHECK(ip.version == version && !ip.is_fragment && !ip.truncated);
	FUZZ_CHECK(ip.tot_len == outlen);
	if (version == 4)
		FUZZ_CHECK(csum(out, ip.hdr_len) == 0);
	fuzz_touch(out, outlen);
	if (key < 0)
		return;
	for (size_t i = 0; i < ip.payload.len; i++)
		FUZZ_CHECK(ip.payload.p[i] == truth((unsigned)key, i));
}

static void run_structured(struct fragtab *t, struct fuzz_in *in, size_t max_dgrams)
{
	bool tainted[N_KEYS] = { false };
	int64_t now = 1000000000;

	while (in->left >= 6) {
		uint8_t f0 = fuzz_u8(in), f1 = fuzz_u8(in);
		unsigned off8 = fuzz_u16(in) % 8192, id = (f0 >> 1) & 3;
		size_t len = fuzz_u16(in) % 1500, hl, plen;
		bool v6 = f0 & 1, mf = f0 & 8;
		unsigned key = id + (v6 ? 4 : 0);
		uint8_t proto = (f0 & 0x20) ? IPPROTO_TCP : IPPROTO_UDP;
		const uint8_t *out;
		size_t outlen;
		struct ip_info ip;
		enum frag_rc rc;

		switch (f0 >> 6) {
		case 1:
			now += 1000;
			break;
		case 2:
			now += 600000;
			break;
		case 3:
			now += 2500000;
			fragtab_expire(t, now);
			break;
		default:
			break;
		}
		/* IPv6 keys ignore the protocol: a differing one is an inconsistency. */
		if ((f0 & 0x10) || (v6 && proto != IPPROTO_UDP))
			tainted[key] = true;
		if (v6)
			hl = build_v6(id, f1 & 1, f1 & 4, mf, off8, proto, len);
		else
			hl = build_v4(id, f1 & 1, f1 & 2, mf, off8, proto, len);
		for (size_t i = 0; i < len; i++)
			pkt[hl + i] = truth(key, (size_t)off8 * 8 + i) ^ ((f0 & 0x10) ? 0x55 : 0);
		plen = hl + len;
		if (ip_parse(pkt, plen, &ip) != PARSE_OK)
			continue;
		rc = fragtab_add(t, &ip, pkt, plen, now, &out, &outlen);
		if (rc == FRAG_DONE)
			check_done(out, outlen, v6 ? 6 : 4, tainted[key] ? -1 : (int)key);
		check_table(t, max_dgrams);
	}
}

static void run_raw(struct fragtab *t, struct fuzz_in *in, size_t max_dgrams)
{
	int64_t now = 1000000000;

	while (in->left >= 2) {
		size_t want = fuzz_u16(in), len;
		const uint8_t *p = fuzz_take(in, want, &len), *out;
		uint8_t *copy;
		size_t outlen;
		struct ip_info ip;

		now += 1000;
		if (ip_parse(p, len, &ip) != PARSE_OK || !ip.is_fragment)
			continue;
		/* An exact-size copy, so that ASan sees a read past the packet. */
		copy = malloc(len);
		if (!copy)
			return;
		memcpy(copy, p, len);
		FUZZ_CHECK(ip_parse(copy, len, &ip) == PARSE_OK);
		if (fragtab_add(t, &ip, copy, len, now, &out, &outlen) == FRAG_DONE)
			check_done(out, outlen, ip.version, -1);
		free(copy);
		check_table(t, max_dgrams);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t mem[4] = { 4096, 65536, 1u << 20, 4u << 20 };
	struct fuzz_in in = { data, size };
	struct fragtab *t;
	size_t max_dgrams;
	uint8_t cfg;

	if (size < 1)
		return 0;
	cfg = fuzz_u8(&in);
	max_dgrams = 1 + (cfg & 7);
	t = fragtab_new(max_dgrams, mem[(cfg >> 3) & 3], TIMEOUT_US);
	FUZZ_CHECK(t != NULL);
	if (cfg & 0x80)
		run_raw(t, &in, max_dgrams);
	else
		run_structured(t, &in, max_dgrams);
	fragtab_free(t);
	return 0;
}
