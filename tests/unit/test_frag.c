// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_frag.c - IPv4/IPv6 fragment reassembly: arrival orders, duplicates,
 * conflicting overlaps, tiny fragments, the 65535-byte limit, table limits,
 * timeouts and remembered discards.  Packets are built here byte by byte,
 * and every reassembled datagram is checked through ip_parse().
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "frag.h"
#include "parse_ip.h"
#include "util.h"
#include "../tap.h"

#define SEC USEC_PER_SEC
#define BIG (FRAG_MAX_PAYLOAD + 256)

static uint32_t rnd_state = 0x2545f491;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t csum(const uint8_t *h, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The original datagram: a UDP header then a pattern that depends on @seed. */
static void make_payload(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
	if (n >= 8) {
		put16(p, 40000);
		put16(p + 2, 53);
		put16(p + 4, (uint32_t)(n > 0xffff ? 0 : n));
		put16(p + 6, 0);
	}
}

/* Per-packet options of the builders below. */
struct pkt_opt {
	uint32_t id;
	uint8_t proto;		/* IPv4 protocol / IPv6 Fragment header next header */
	uint8_t src_last;	/* last byte of the source address */
	size_t optlen;		/* IPv4: option bytes (multiple of 4) */
	bool df;		/* IPv4 */
	bool pre_ext;		/* IPv6: Hop-by-Hop + Destination Options before */
};

static const struct pkt_opt DEF = { .id = 0x1234, .proto = IPPROTO_UDP, .src_last = 1 };

/* mk4 - an IPv4 fragment of @len bytes at byte offset @off. */
static size_t mk4(uint8_t *b, const struct pkt_opt *o, uint32_t off, bool mf,
		  const uint8_t *data, size_t len)
{
	size_t hl = 20 + o->optlen;

	b[0] = (uint8_t)(0x40 | hl / 4);
	b[1] = 0;
	put16(b + 2, (uint32_t)(hl + len));
	put16(b + 4, o->id);
	put16(b + 6, (off / 8) | (mf ? 0x2000 : 0) | (o->df ? 0x4000 : 0));
	b[8] = 64;
	b[9] = o->proto;
	put16(b + 10, 0);
	put32(b + 12, 0xc0000200 | o->src_last);
	put32(b + 16, 0xcb007107);
	for (size_t i = 20; i < hl; i++)
		b[i] = 1;	/* NOP options */
	put16(b + 10, csum(b, hl));
	memcpy(b + hl, data, len);
	return hl + len;
}

/* mk6 - an IPv6 packet with a Fragment header for @len bytes at @off. */
static size_t mk6(uint8_t *b, const struct pkt_opt *o, uint32_t off, bool mf,
		  const uint8_t *data, size_t len)
{
	size_t h = 40;

	memset(b, 0, 40);
	b[0] = 0x60;
	b[1] = 0x0a;	/* traffic class / flow label bits, kept in the output */
	b[6] = o->pre_ext ? 0 : 44;
	b[7] = 64;
	b[8] = 0x20;
	b[9] = 0x01;
	b[23] = o->src_last;
	b[24] = 0x20;
	b[25] = 0x01;
	b[39] = 0x99;
	if (o->pre_ext) {
		/* Hop-by-Hop, 8 bytes of PadN; Destination Options, 16 bytes. */
		memset(b + h, 0, 24);
		b[h] = 60;
		b[h + 2] = 1;
		b[h + 3] = 4;
		h += 8;
		b[h] = 44;
		b[h + 1] = 1;
		b[h + 2] = 1;
		b[h + 3] = 12;
		h += 16;
	}
	b[h] = o->proto;
	b[h + 1] = 0;
	put16(b + h + 2, off | (mf ? 1 : 0));
	put32(b + h + 4, o->id);
	h += 8;
	memcpy(b + h, data, len);
	put16(b + 4, (uint32_t)(h - 40 + len));
	return h + len;
}

typedef size_t (*mk_fn)(uint8_t *, const struct pkt_opt *, uint32_t, bool, const uint8_t *,
			size_t);

static uint8_t pktbuf[BIG + 128];

/* feed - build one fragment and hand it to the table through ip_parse(). */
static enum frag_rc feed(struct fragtab *t, mk_fn mk, const struct pkt_opt *o, uint32_t off,
			 bool mf, const uint8_t *data, size_t len, int64_t now,
			 const uint8_t **out, size_t *outlen)
{
	size_t n = mk(pktbuf, o, off, mf, data, len);
	struct ip_info ip;

	/* A malformed packet still gets its version so fragtab_add can refuse it. */
	if (ip_parse(pktbuf, n, &ip) != PARSE_OK)
		ip.version = pktbuf[0] >> 4;
	return fragtab_add(t, &ip, pktbuf, n, now, out, outlen);
}

/*
 * check_out - the reassembled packet parses as an unfragmented datagram
 * carrying exactly @want.
 */
static bool check_out(const uint8_t *out, size_t outlen, int version, const uint8_t *want,
		      size_t wlen, const char *what)
{
	struct ip_info ip;
	enum parse_rc rc = ip_parse(out, outlen, &ip);
	bool good = rc == PARSE_OK && ip.version == version && !ip.is_fragment &&
		    !ip.truncated && ip.proto == IPPROTO_UDP && ip.payload.len == wlen &&
		    memcmp(ip.payload.p, want, wlen) == 0 && ip.tot_len == outlen;

	if (good && version == 4)
		good = csum(out, ip.hdr_len) == 0;
	if (!ok(good, "%s: reassembled packet parses, payload intact", what))
		diag("  rc %s, version %d, frag %d, proto %d, len %zu want %zu",
		     parse_rc_str(rc), ip.version, ip.is_fragment, ip.proto, ip.payload.len,
		     wlen);
	return good;
}

struct piece {
	uint32_t off, len;
	bool mf;
};

static size_t split(struct piece *pc, size_t total, size_t fsz)
{
	size_t n = 0;

	for (size_t off = 0; off < total; off += fsz, n++) {
		pc[n].off = (uint32_t)off;
		pc[n].len = (uint32_t)(total - off < fsz ? total - off : fsz);
		pc[n].mf = off + fsz < total;
	}
	return n;
}

enum order { IN_ORDER, REVERSE, SHUFFLED };

static void order_pieces(struct piece *pc, size_t n, enum order ord)
{
	if (ord == REVERSE) {
		for (size_t i = 0; i < n / 2; i++) {
			struct piece x = pc[i];

			pc[i] = pc[n - 1 - i];
			pc[n - 1 - i] = x;
		}
	} else if (ord == SHUFFLED) {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = rnd() % (i + 1);
			struct piece x = pc[i];

			pc[i] = pc[j];
			pc[j] = x;
		}
	}
}

static uint8_t orig[BIG];
static struct piece pieces[BIG / 8 + 2];

/*
 * roundtrip - split a @total-byte datagram into @fsz-byte fragments, feed
 * them in @ord order: every fragment but the last must be NEED_MORE, the
 * last DONE with the original payload.
 */
static void roundtrip(struct fragtab *t, mk_fn mk, int version, const struct pkt_opt *o,
		      size_t total, size_t fsz, enum order ord, const char *what)
{
	size_t n = split(pieces, total, fsz), i;
	const uint8_t *out = NULL;
	size_t outlen = 0;
	enum frag_rc rc = FRAG_DROPPED;

	make_payload(orig, total, (unsigned)total);
	order_pieces(pieces, n, ord);
	for (i = 0; i < n; i++) {
		rc = feed(t, mk, o, pieces[i].off, pieces[i].mf, orig + pieces[i].off,
			  pieces[i].len, 0, &out, &outlen);
		if (rc != (i + 1 == n ? FRAG_DONE : FRAG_NEED_MORE))
			break;
	}
	if (!ok(i == n && rc == FRAG_DONE, "%s: %zu fragments, DONE on the last", what, n)) {
		diag("  stopped at %zu with rc %d", i, rc);
		return;
	}
	check_out(out, outlen, version, orig, total, what);
}

static void test_orders(void)
{
	struct fragtab *t = fragtab_new(64, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	static const char *names[] = { "in order", "reverse", "shuffled" };
	char what[96];

	for (int ord = IN_ORDER; ord <= SHUFFLED; ord++) {
		snprintf(what, sizeof(what), "v4 3000 bytes by 1480, %s", names[ord]);
		roundtrip(t, mk4, 4, &o, 3000, 1480, ord, what);
		snprintf(what, sizeof(what), "v6 5000 bytes by 1232, %s", names[ord]);
		roundtrip(t, mk6, 6, &o, 5000, 1232, ord, what);
		snprintf(what, sizeof(what), "v4 tiny 8-byte fragments, %s", names[ord]);
		roundtrip(t, mk4, 4, &o, 403, 8, ord, what);
		snprintf(what, sizeof(what), "v6 tiny 8-byte fragments, %s", names[ord]);
		roundtrip(t, mk6, 6, &o, 403, 8, ord, what);
	}
	for (int k = 0; k < 5; k++) {
		snprintf(what, sizeof(what), "v4 shuffle #%d, 8000 bytes by 64", k);
		roundtrip(t, mk4, 4, &o, 8000, 64, SHUFFLED, what);
		snprintf(what, sizeof(what), "v6 shuffle #%d, 8001 bytes by 96", k);
		roundtrip(t, mk6, 6, &o, 8001, 96, SHUFFLED, what);
	}
	/* Exactly two fragments, the second a single byte. */
	roundtrip(t, mk4, 4, &o, 9, 8, REVERSE, "v4 8 + 1 bytes");
	fragtab_get_stats(t, &st);
	is_int(0, st.in_progress, "nothing left in progress");
	is_int(0, st.bytes, "no bytes held after completion");
	is_int(0, st.dropped, "nothing dropped");
	is_int(23, st.completed, "23 datagrams completed");
	fragtab_free(t);
}

/* The IPv4 header of the first fragment is the header of the result. */
static void test_v4_header(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;
	uint8_t first_hdr[64];

	o.optlen = 8;
	o.df = true;	/* nonsensical with MF, but it must survive */
	make_payload(orig, 100, 3);
	mk4(first_hdr, &o, 0, true, orig, 0);
	ok(feed(t, mk4, &o, 48, false, orig + 48, 52, 0, &out, &outlen) == FRAG_NEED_MORE,
	   "v4 options: tail first");
	o.optlen = 0;	/* only the first fragment's header (and options) counts */
	ok(feed(t, mk4, &o, 24, true, orig + 24, 24, 0, &out, &outlen) == FRAG_NEED_MORE,
	   "v4 options: middle without options");
	o.optlen = 8;
	if (ok(feed(t, mk4, &o, 0, true, orig, 24, 0, &out, &outlen) == FRAG_DONE,
	       "v4 options: head completes")) {
		check_out(out, outlen, 4, orig, 100, "v4 with options");
		is_int(128, outlen, "28-byte header + 100");
		is_int(0x47, out[0], "IHL 7 kept");
		is_int(0x40, out[6], "DF kept, MF cleared");
		is_int(0, out[7], "offset cleared");
		is_int(128, out[2] << 8 | out[3], "Total Length fixed");
		ok(memcmp(out + 20, first_hdr + 20, 8) == 0, "options copied");
		ok(memcmp(out + 12, first_hdr + 12, 8) == 0, "addresses copied");
	}
	fragtab_free(t);
}

/* IPv6: extension headers around the Fragment header, Next Header rules. */
static void test_v6_headers(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;

	o.pre_ext = true;
	roundtrip(t, mk6, 6, &o, 2000, 512, SHUFFLED, "v6 behind Hop-by-Hop + DestOpts");

	/* Later fragments may carry another Next Header (RFC 8200 §4.5):
	 * the key must not include it, and the offset-0 one wins. */
	o = DEF;
	o.id = 77;
	make_payload(orig, 64, 9);
	o.proto = IPPROTO_TCP;
	ok(feed(t, mk6, &o, 32, false, orig + 32, 32, 0, &out, &outlen) == FRAG_NEED_MORE,
	   "v6 tail with Next Header TCP");
	o.proto = IPPROTO_UDP;
	if (ok(feed(t, mk6, &o, 0, true, orig, 32, 0, &out, &outlen) == FRAG_DONE,
	       "v6 head with Next Header UDP completes the same datagram")) {
		check_out(out, outlen, 6, orig, 64, "v6 mixed Next Header");
		is_int(IPPROTO_UDP, out[6], "Next Header from the offset-0 fragment");
		is_int(0x0a, out[1], "traffic class bits kept");
		is_int(64, out[4] << 8 | out[5], "Payload Length fixed");
	}

	/* A Destination Options header after the Fragment header is payload. */
	o = DEF;
	o.id = 78;
	o.proto = 60;
	memset(orig, 0, 8);
	orig[0] = IPPROTO_UDP;	/* DestOpts: next UDP, length 0 => 8 bytes */
	orig[2] = 1;
	orig[3] = 4;
	make_payload(orig + 8, 40, 5);
	feed(t, mk6, &o, 24, false, orig + 24, 24, 0, &out, &outlen);
	if (ok(feed(t, mk6, &o, 0, true, orig, 24, 0, &out, &outlen) == FRAG_DONE,
	       "v6 DestOpts after the Fragment header")) {
		check_out(out, outlen, 6, orig + 8, 40, "v6 DestOpts kept in the payload");
		is_int(60, out[6], "Next Header is Destination Options");
	}
	fragtab_free(t);
}

static void test_atomic(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;
	uint8_t other[32];

	make_payload(orig, 40, 1);
	make_payload(other, 32, 2);
	ok(feed(t, mk6, &o, 0, true, other, 16, 0, &out, &outlen) == FRAG_NEED_MORE,
	   "atomic: a datagram in progress with the same id");
	if (ok(feed(t, mk6, &o, 0, false, orig, 40, 0, &out, &outlen) == FRAG_DONE,
	       "v6 atomic fragment is DONE at once"))
		check_out(out, outlen, 6, orig, 40, "v6 atomic fragment");
	if (ok(feed(t, mk6, &o, 16, false, other + 16, 16, 0, &out, &outlen) == FRAG_DONE,
	       "the datagram in progress was left alone"))
		check_out(out, outlen, 6, other, 32, "v6 beside an atomic fragment");
	if (ok(feed(t, mk4, &o, 0, false, orig, 40, 0, &out, &outlen) == FRAG_DONE,
	       "v4 unfragmented packet is DONE"))
		check_out(out, outlen, 4, orig, 40, "v4 unfragmented");
	fragtab_get_stats(t, &st);
	is_int(0, st.in_progress, "atomic: table empty");
	fragtab_free(t);
}

static void test_duplicates(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;

	make_payload(orig, 40, 4);
	for (int v = 4; v <= 6; v += 2) {
		mk_fn mk = v == 4 ? mk4 : mk6;

		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 16, true, orig + 16, 16, 0, &out, &outlen),
		       "v%d dup: middle", v);
		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 16, true, orig + 16, 16, 0, &out, &outlen),
		       "v%d dup: middle again is ignored", v);
		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 32, false, orig + 32, 8, 0, &out, &outlen),
		       "v%d dup: last", v);
		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 32, false, orig + 32, 8, 0, &out, &outlen),
		       "v%d dup: last again is ignored", v);
		is_int(FRAG_DONE, feed(t, mk, &o, 0, true, orig, 16, 0, &out, &outlen),
		       "v%d dup: head completes", v);
		check_out(out, outlen, v, orig, 40, v == 4 ? "v4 with duplicates" :
			  "v6 with duplicates");
		/* A last-fragment copy of a stored MF fragment marks the end. */
		o.id++;
		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 16, true, orig + 16, 24, 0, &out, &outlen),
		       "v%d: tail stored with MF set", v);
		is_int(FRAG_NEED_MORE, feed(t, mk, &o, 16, false, orig + 16, 24, 0, &out, &outlen),
		       "v%d: the same bytes with MF clear", v);
		is_int(FRAG_DONE, feed(t, mk, &o, 0, true, orig, 16, 0, &out, &outlen),
		       "v%d: the head completes at the end the copy announced", v);
		check_out(out, outlen, v, orig, 40, v == 4 ? "v4 end from a duplicate" :
			  "v6 end from a duplicate");
		o.id++;
	}
	fragtab_get_stats(t, &st);
	is_int(0, st.overlaps, "duplicates are not overlaps");
	is_int(4, st.completed, "all four completed");
	fragtab_free(t);
}

/*
 * One scenario per row: fragments fed in order on a fresh table; the row
 * gives the result expected from the last one and which counter moves.
 */
struct frag_case {
	const char *name;
	int n;
	struct {
		uint32_t off, len;
		bool mf;
		uint8_t flip;	/* XOR into the data: conflicting bytes */
	} f[4];
	enum frag_rc want;
	int overlaps, too_big;
};

static const struct frag_case cases[] = {
	{ "partial overlap at the front", 2, { { 8, 16, true, 0 }, { 0, 16, true, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "partial overlap at the back", 2, { { 0, 16, true, 0 }, { 8, 16, true, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "overlap with the same bytes is still an overlap", 2,
	  { { 0, 24, true, 0 }, { 8, 8, true, 0 } }, FRAG_DROPPED, 1, 0 },
	{ "same offset and length, other bytes", 2, { { 0, 16, true, 0 }, { 0, 16, true, 0x55 } },
	  FRAG_DROPPED, 1, 0 },
	{ "same offset, longer", 2, { { 0, 16, true, 0 }, { 0, 24, true, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "contained, other bytes", 2, { { 0, 32, true, 0 }, { 8, 8, true, 0xff } },
	  FRAG_DROPPED, 1, 0 },
	{ "covering two earlier ones", 3,
	  { { 0, 8, true, 0 }, { 16, 8, true, 0 }, { 0, 24, true, 0 } }, FRAG_DROPPED, 1, 0 },
	{ "last overlaps a middle one", 2, { { 0, 16, true, 0 }, { 8, 16, false, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "adjacent, no overlap", 2, { { 0, 16, true, 0 }, { 16, 8, true, 0 } },
	  FRAG_NEED_MORE, 0, 0 },
	{ "non-last not a multiple of 8", 1, { { 0, 12, true, 0 } }, FRAG_DROPPED, 0, 0 },
	{ "zero-length non-last", 1, { { 8, 0, true, 0 } }, FRAG_DROPPED, 0, 0 },
	{ "zero-length last", 2, { { 0, 8, true, 0 }, { 8, 0, false, 0 } }, FRAG_DROPPED, 0, 0 },
	{ "second last with another end", 2, { { 16, 8, false, 0 }, { 32, 8, false, 0 } },
	  FRAG_DROPPED, 0, 0 },
	{ "second last, same end, other offset", 2, { { 16, 8, false, 0 }, { 8, 16, false, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "data past the known end", 2, { { 16, 8, false, 0 }, { 24, 8, true, 0 } },
	  FRAG_DROPPED, 0, 0 },
	{ "last ends before data already seen", 2, { { 32, 8, true, 0 }, { 16, 8, false, 0 } },
	  FRAG_DROPPED, 0, 0 },
	{ "non-last overlapping the last", 2, { { 16, 8, false, 0 }, { 8, 16, true, 0 } },
	  FRAG_DROPPED, 1, 0 },
	{ "MF copy of the last is a duplicate", 2, { { 16, 8, false, 0 }, { 16, 8, true, 0 } },
	  FRAG_NEED_MORE, 0, 0 },
	{ "end exactly 65535 (last)", 1, { { 65528, 7, false, 0 } }, FRAG_NEED_MORE, 0, 0 },
	{ "end 65536 (last)", 1, { { 65528, 8, false, 0 } }, FRAG_DROPPED, 0, 1 },
	{ "end past 65535 (non-last)", 1, { { 65528, 16, true, 0 } }, FRAG_DROPPED, 0, 1 },
};

static uint8_t data[BIG];

static void test_cases(void)
{
	for (int v = 4; v <= 6; v += 2) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			const struct frag_case *c = &cases[i];
			struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
			struct fragtab_stats st;
			struct pkt_opt o = DEF;
			const uint8_t *out;
			size_t outlen;
			enum frag_rc rc = FRAG_NEED_MORE;
			bool early = false;
			uint8_t piece[256];

			make_payload(data, sizeof(data), 11);
			for (int k = 0; k < c->n; k++) {
				const uint8_t *src = data + c->f[k].off;

				for (uint32_t j = 0; j < c->f[k].len && j < sizeof(piece); j++)
					piece[j] = src[j] ^ c->f[k].flip;
				rc = feed(t, v == 4 ? mk4 : mk6, &o, c->f[k].off, c->f[k].mf,
					  piece, c->f[k].len, 0, &out, &outlen);
				if (k + 1 < c->n && rc != FRAG_NEED_MORE)
					early = true;
			}
			fragtab_get_stats(t, &st);
			ok(!early && rc == c->want && (int)st.overlaps == c->overlaps &&
			   (int)st.too_big == c->too_big, "v%d %s", v, c->name);
			if (c->want == FRAG_DROPPED) {
				/* Later fragments of the datagram stay refused. */
				rc = feed(t, v == 4 ? mk4 : mk6, &o, 1024, false, data, 8, 1,
					  &out, &outlen);
				fragtab_get_stats(t, &st);
				ok(rc == FRAG_DROPPED && st.remembered == 1 && st.in_progress == 0,
				   "v%d %s: key remembered", v, c->name);
			}
			fragtab_free(t);
		}
	}
}

/* The remembered key lasts one timeout from the discard, then is forgotten. */
static void test_remembered(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 10 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;

	make_payload(orig, 32, 6);
	feed(t, mk4, &o, 0, true, orig, 16, 0, &out, &outlen);
	is_int(FRAG_DROPPED, feed(t, mk4, &o, 8, true, orig + 8, 16, 5 * SEC, &out, &outlen),
	       "overlap at 5 s discards");
	is_int(FRAG_DROPPED, feed(t, mk4, &o, 0, true, orig, 16, 14 * SEC, &out, &outlen),
	       "still refused at 14 s (discard + 9 s)");
	is_int(FRAG_DROPPED, feed(t, mk4, &o, 16, false, orig + 16, 16, 14 * SEC, &out, &outlen),
	       "its tail too");
	is_int(FRAG_NEED_MORE, feed(t, mk4, &o, 16, false, orig + 16, 16, 15 * SEC, &out,
				    &outlen), "forgotten at 15 s: a new datagram starts");
	is_int(FRAG_DONE, feed(t, mk4, &o, 0, true, orig, 16, 15 * SEC, &out, &outlen),
	       "and completes");
	check_out(out, outlen, 4, orig, 32, "after a remembered discard");
	fragtab_get_stats(t, &st);
	is_int(3, st.dropped, "three fragments dropped");
	is_int(1, st.overlaps, "one overlap");
	is_int(0, st.timeouts, "a remembered key expiring is not a timeout");
	is_int(6, st.fragments, "six fragments seen");
	fragtab_free(t);
}

/* IPv4: the header counts against 65535; IPv6 payload may reach 65535. */
static void test_max_size(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out = NULL;
	size_t outlen = 0;
	size_t n;
	enum frag_rc rc = FRAG_DROPPED;

	/* 65515 payload + 20 header = 65535 exactly; head last. */
	make_payload(orig, 65515, 1);
	n = split(pieces, 65515, 1480);
	for (size_t i = n; i-- > 0;)
		rc = feed(t, mk4, &o, pieces[i].off, pieces[i].mf, orig + pieces[i].off,
			  pieces[i].len, 0, &out, &outlen);
	if (ok(rc == FRAG_DONE && outlen == 65535, "v4 65535-byte datagram reassembles"))
		check_out(out, outlen, 4, orig, 65515, "v4 maximum size");

	/* One byte more only shows when the head (its header) arrives. */
	o.id++;
	make_payload(orig, 65516, 1);
	n = split(pieces, 65516, 1480);
	for (size_t i = n; i-- > 0;)
		rc = feed(t, mk4, &o, pieces[i].off, pieces[i].mf, orig + pieces[i].off,
			  pieces[i].len, 0, &out, &outlen);
	fragtab_get_stats(t, &st);
	ok(rc == FRAG_DROPPED && st.too_big == 1, "v4 65536-byte datagram is too big");

	/* Head first with 40 bytes of options: the limit is known at once. */
	o.id++;
	o.optlen = 40;
	feed(t, mk4, &o, 0, true, orig, 1480, 0, &out, &outlen);
	rc = feed(t, mk4, &o, 65464, false, orig, 11, 0, &out, &outlen);
	ok(rc == FRAG_NEED_MORE, "v4 60-byte header + end 65475: fits");
	o.id++;
	feed(t, mk4, &o, 0, true, orig, 1480, 0, &out, &outlen);
	rc = feed(t, mk4, &o, 65464, false, orig, 12, 0, &out, &outlen);
	fragtab_get_stats(t, &st);
	ok(rc == FRAG_DROPPED && st.too_big == 2, "v4 60-byte header + end 65476: too big");
	o.optlen = 0;

	/* IPv6: payload 65535. */
	make_payload(orig, 65535, 2);
	roundtrip(t, mk6, 6, &o, 65535, 1232, SHUFFLED, "v6 65535-byte payload");
	/* A Ping of Death style tail: offset 65528 + 1480. */
	o.id = 999;
	rc = feed(t, mk6, &o, 65528, false, orig, 1480, 0, &out, &outlen);
	fragtab_get_stats(t, &st);
	ok(rc == FRAG_DROPPED && st.too_big == 3, "v6 fragment ending at 67008 is too big");
	rc = feed(t, mk4, &o, 65528, false, orig, 1480, 0, &out, &outlen);
	fragtab_get_stats(t, &st);
	ok(rc == FRAG_DROPPED && st.too_big == 4, "v4 fragment ending at 67008 is too big");
	fragtab_free(t);
}

/* Different keys never mix. */
static void test_keys(void)
{
	struct fragtab *t = fragtab_new(16, 1 << 20, 30 * SEC);
	struct pkt_opt a = DEF, b = DEF, c = DEF, d = DEF;
	const uint8_t *out;
	size_t outlen;
	uint8_t pa[32], pb[32];

	make_payload(pa, 32, 1);
	make_payload(pb, 32, 2);
	b.src_last = 2;
	c.proto = IPPROTO_TCP;
	d.id = DEF.id | 0x80010000u;	/* IPv6 ids are 32 bits */
	feed(t, mk4, &a, 0, true, pa, 16, 0, &out, &outlen);
	feed(t, mk4, &b, 0, true, pb, 16, 0, &out, &outlen);
	feed(t, mk4, &c, 0, true, pb, 16, 0, &out, &outlen);
	feed(t, mk6, &a, 0, true, pb, 16, 0, &out, &outlen);
	feed(t, mk6, &d, 0, true, pa, 16, 0, &out, &outlen);
	if (ok(feed(t, mk4, &a, 16, false, pa + 16, 16, 0, &out, &outlen) == FRAG_DONE,
	       "keys: v4 a completes"))
		check_out(out, outlen, 4, pa, 32, "keys: v4 a not mixed with b or proto TCP");
	if (ok(feed(t, mk6, &d, 16, false, pa + 16, 16, 0, &out, &outlen) == FRAG_DONE,
	       "keys: v6 32-bit id completes"))
		check_out(out, outlen, 6, pa, 32, "keys: v6 id high bits count");
	if (ok(feed(t, mk6, &a, 16, false, pb + 16, 16, 0, &out, &outlen) == FRAG_DONE,
	       "keys: v6 a completes"))
		check_out(out, outlen, 6, pb, 32, "keys: v6 not mixed with v4 of the same id");
	fragtab_free(t);
}

static void test_bad_packets(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	struct ip_info ip;
	const uint8_t *out;
	size_t outlen, n;
	uint8_t d8[16] = { 0 };

	/* Capture cut short: Total Length claims more than the packet holds. */
	n = mk4(pktbuf, &o, 0, true, d8, 16);
	ip_parse(pktbuf, n, &ip);
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n - 1, 0, &out, &outlen),
	       "v4 truncated capture dropped");
	n = mk6(pktbuf, &o, 0, true, d8, 16);
	ip_parse(pktbuf, n, &ip);
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n - 1, 0, &out, &outlen),
	       "v6 truncated capture dropped");
	/* IPv6 without a Fragment header (TCP right after the header). */
	pktbuf[6] = IPPROTO_TCP;
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n, 0, &out, &outlen),
	       "v6 without a Fragment header dropped");
	/* Hop-by-Hop not first. */
	o.pre_ext = true;
	n = mk6(pktbuf, &o, 0, true, d8, 16);
	pktbuf[40] = 0;
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n, 0, &out, &outlen),
	       "v6 Hop-by-Hop after Hop-by-Hop dropped");
	/* IHL below 5. */
	o.pre_ext = false;
	n = mk4(pktbuf, &o, 0, true, d8, 16);
	pktbuf[0] = 0x44;
	ip.version = 4;
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n, 0, &out, &outlen),
	       "v4 IHL 4 dropped");
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, 10, 0, &out, &outlen),
	       "v4 10-byte packet dropped");
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, 0, 0, &out, &outlen),
	       "empty packet dropped");
	ip.version = 5;
	is_int(FRAG_DROPPED, fragtab_add(t, &ip, pktbuf, n, 0, &out, &outlen),
	       "unknown version dropped");
	fragtab_get_stats(t, &st);
	is_int(8, st.dropped, "all counted as dropped");
	is_int(0, st.in_progress + st.remembered, "no entries for unreadable packets");
	fragtab_free(t);
}

static void test_limits(void)
{
	struct fragtab *t = fragtab_new(4, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;
	enum frag_rc rc;

	make_payload(orig, 32, 8);
	/* Five datagrams, room for four: the oldest (id 0) is evicted. */
	for (uint32_t id = 0; id < 5; id++) {
		o.id = id;
		feed(t, mk4, &o, 0, true, orig, 16, (int64_t)id, &out, &outlen);
	}
	fragtab_get_stats(t, &st);
	ok(st.evicted == 1 && st.in_progress == 4, "max_datagrams: one evicted, four held");
	o.id = 0;
	rc = feed(t, mk4, &o, 16, false, orig + 16, 16, 10, &out, &outlen);
	is_int(FRAG_NEED_MORE, rc, "evicted datagram's tail starts anew and cannot complete");
	o.id = 4;
	rc = feed(t, mk4, &o, 16, false, orig + 16, 16, 11, &out, &outlen);
	if (ok(rc == FRAG_DONE, "newest datagram still completes"))
		check_out(out, outlen, 4, orig, 32, "after max_datagrams eviction");
	fragtab_free(t);

	/* max_bytes: room for about two 3000-byte datagrams. */
	t = fragtab_new(64, 7000, 30 * SEC);
	make_payload(orig, 6000, 9);
	for (uint32_t id = 0; id < 3; id++) {
		o.id = id;
		rc = feed(t, mk4, &o, 0, true, orig, 2400, (int64_t)id, &out, &outlen);
		fragtab_get_stats(t, &st);
		ok(rc == FRAG_NEED_MORE && st.bytes <= 7000,
		   "max_bytes: datagram %u stored, %zu bytes", id, st.bytes);
	}
	fragtab_get_stats(t, &st);
	ok(st.evicted >= 1 && st.in_progress == 2, "max_bytes: the oldest was evicted");
	o.id = 0;
	rc = feed(t, mk4, &o, 2400, false, orig + 2400, 8, 10, &out, &outlen);
	is_int(FRAG_DROPPED, rc, "max_bytes: the evicted datagram is remembered");
	o.id = 2;
	rc = feed(t, mk4, &o, 2400, false, orig + 2400, 8, 11, &out, &outlen);
	if (ok(rc == FRAG_DONE, "max_bytes: the newest completes"))
		check_out(out, outlen, 4, orig, 2408, "after max_bytes eviction");
	/* A datagram that alone exceeds the budget cannot be stored. */
	o.id = 50;
	feed(t, mk4, &o, 0, true, orig, 16, 12, &out, &outlen);
	rc = feed(t, mk4, &o, 6992, false, orig, 8, 12, &out, &outlen);
	fragtab_get_stats(t, &st);
	ok(rc == FRAG_DROPPED && st.bytes <= 7000, "max_bytes: an oversized datagram is dropped");
	o.id = 1;
	rc = feed(t, mk4, &o, 2400, false, orig + 2400, 8, 13, &out, &outlen);
	if (ok(rc == FRAG_DONE, "max_bytes: the others were not evicted for it"))
		check_out(out, outlen, 4, orig, 2408, "survivor of a refused datagram");
	fragtab_free(t);

	/* A budget smaller than one entry refuses everything, without crashing. */
	t = fragtab_new(4, 10, 30 * SEC);
	o.id = 7;
	is_int(FRAG_DROPPED, feed(t, mk4, &o, 0, true, orig, 16, 0, &out, &outlen),
	       "10-byte budget: dropped");
	fragtab_free(t);
}

static void test_timeouts(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;
	uint8_t other[32];

	make_payload(orig, 32, 3);
	make_payload(other, 32, 4);
	feed(t, mk4, &o, 0, true, other, 16, 0, &out, &outlen);
	o.id++;
	feed(t, mk6, &o, 0, true, orig, 16, 10 * SEC, &out, &outlen);
	is_int(0, fragtab_expire(t, 30 * SEC - 1), "nothing expires before 30 s");
	is_int(1, fragtab_expire(t, 30 * SEC), "the first expires at 30 s");
	fragtab_get_stats(t, &st);
	ok(st.timeouts == 1 && st.in_progress == 1, "one timeout, one left");
	/* Time going backwards (pcap files) expires nothing. */
	is_int(0, fragtab_expire(t, 0), "time going backwards expires nothing");
	/* A stale head must not merge with a new tail of the same key. */
	o.id--;
	is_int(FRAG_NEED_MORE, feed(t, mk4, &o, 16, false, orig + 16, 16, 31 * SEC, &out, &outlen),
	       "tail after the head expired waits");
	is_int(FRAG_DONE, feed(t, mk4, &o, 0, true, orig, 16, 31 * SEC, &out, &outlen),
	       "a new head completes with the new tail");
	check_out(out, outlen, 4, orig, 32, "after a timeout");
	/* fragtab_add expires by itself. */
	o.id++;
	is_int(FRAG_NEED_MORE, feed(t, mk6, &o, 16, false, other + 16, 16, 40 * SEC, &out, &outlen),
	       "v6 tail at 40 s: the old head (10 s) is gone");
	fragtab_get_stats(t, &st);
	ok(st.timeouts == 2 && st.in_progress == 1, "expired inside fragtab_add");
	is_int(1, fragtab_expire(t, 100 * SEC), "the rest expires");
	fragtab_get_stats(t, &st);
	ok(st.in_progress == 0 && st.bytes == 0, "empty after expiry, no bytes held");
	fragtab_free(t);
}

/*
 * Random fragments (some bogus) for many keys under tight limits: the
 * invariants hold and every DONE carries the exact datagram of its key.
 */
static void test_random(void)
{
	struct fragtab *t = fragtab_new(16, 64 * 1024, 5 * SEC);
	struct fragtab_stats st;
	struct pkt_opt o = DEF;
	const uint8_t *out;
	size_t outlen;
	int bad = 0, done = 0;

	make_payload(data, sizeof(data), 77);
	for (int i = 0; i < 20000 && !bad; i++) {
		uint32_t id = rnd() % 40, off = (rnd() % 64) * 8, len = 8 * (1 + rnd() % 16);
		bool mf = rnd() % 4 != 0;
		bool v6 = id & 1;
		int64_t now = (int64_t)i * 1000;
		enum frag_rc rc;

		if (!mf)
			len -= rnd() % 8;
		if (rnd() % 50 == 0)
			len += 3;	/* bogus length */
		o.id = id;
		rc = feed(t, v6 ? mk6 : mk4, &o, off, mf, data + off + id, len, now, &out,
			  &outlen);
		if (rc == FRAG_DONE) {
			struct ip_info ip;

			done++;
			if (ip_parse(out, outlen, &ip) != PARSE_OK || ip.is_fragment ||
			    memcmp(ip.payload.p, data + id, ip.payload.len) != 0)
				bad++;
		}
		fragtab_get_stats(t, &st);
		if (st.bytes > st.max_bytes || st.in_progress + st.remembered > 16)
			bad++;
	}
	ok(!bad, "random: invariants hold, %d datagrams completed", done);
	ok(done > 0, "random: some datagrams completed");
	fragtab_free(t);
}

/*
 * A fragment carried inside a reassembled packet (IP-in-IP whose outer
 * datagram was fragmented): the pipeline feeds a pointer into the previous
 * output back in.  Under AddressSanitizer this catches a premature free.
 */
static void test_nested(void)
{
	struct fragtab *t = fragtab_new(8, 1 << 20, 30 * SEC);
	struct pkt_opt outer = DEF, in = DEF;
	const uint8_t *out, *out2;
	size_t outlen, out2len, n;
	struct ip_info ip;
	uint8_t inner[128];

	make_payload(orig, 64, 12);
	in.id = 0x4444;
	n = mk4(inner, &in, 0, true, orig, 32);	/* the inner datagram's head */
	outer.proto = IPPROTO_IPIP;
	feed(t, mk4, &outer, 24, false, inner + 24, n - 24, 0, &out, &outlen);
	if (!ok(feed(t, mk4, &outer, 0, true, inner, 24, 0, &out, &outlen) == FRAG_DONE &&
		outlen == 20 + n, "nested: outer IP-in-IP datagram reassembled"))
		return;
	ip_parse(out + 20, outlen - 20, &ip);
	is_int(FRAG_NEED_MORE, fragtab_add(t, &ip, out + 20, outlen - 20, 0, &out2, &out2len),
	       "nested: inner head read from the previous output");
	if (ok(feed(t, mk4, &in, 32, false, orig + 32, 32, 0, &out2, &out2len) == FRAG_DONE,
	       "nested: inner tail completes"))
		check_out(out2, out2len, 4, orig, 64, "nested inner datagram");
	fragtab_free(t);
}

static void test_new(void)
{
	errno = 0;
	ok(fragtab_new(0, 1000, SEC) == NULL && errno == EINVAL, "max_datagrams 0: EINVAL");
	errno = 0;
	ok(fragtab_new(10, 0, SEC) == NULL && errno == EINVAL, "max_bytes 0: EINVAL");
	errno = 0;
	ok(fragtab_new(10, 1000, 0) == NULL && errno == EINVAL, "timeout 0: EINVAL");
	errno = 0;
	ok(fragtab_new((1 << 20) + 1, 1000, SEC) == NULL && errno == EINVAL,
	   "max_datagrams over 2^20: EINVAL");
	fragtab_free(NULL);
	ok(1, "fragtab_free(NULL) is a no-op");
}

int main(void)
{
	test_new();
	test_orders();
	test_v4_header();
	test_v6_headers();
	test_atomic();
	test_duplicates();
	test_cases();
	test_remembered();
	test_max_size();
	test_keys();
	test_bad_packets();
	test_limits();
	test_timeouts();
	test_random();
	test_nested();
	return done_testing();
}
