// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_tls.c - ClientHello and record parsing (src/parse_tls.c).
 *
 * The hellos are built here, field by field, with a small builder that
 * remembers where every length field is, so that the tests can cut each
 * hello at every byte and corrupt every length by one in both directions.
 * Every buffer handed to the parser is a fresh heap copy of exactly the
 * bytes under test, so AddressSanitizer reports any read past @len.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_tls.h"
#include "../tap.h"
#include "util.h"

#define BLD_MAX 70000
#define BLD_LENS 128

struct bld {
	uint8_t b[BLD_MAX];
	size_t n;
	size_t open[16];
	unsigned open_w[16];
	unsigned depth;
	size_t len_pos[BLD_LENS];	/* every length field written */
	unsigned len_w[BLD_LENS];
	bool len_parsed[BLD_LENS];	/* false: inside an extension the parser skips */
	unsigned nlens;
	bool opaque;			/* lengths written now are not parsed */
};

static void put(struct bld *b, uint32_t v, unsigned w)
{
	while (w--)
		b->b[b->n++] = (uint8_t)(v >> (8 * w));
}

static void put_mem(struct bld *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put_fill(struct bld *b, uint8_t v, size_t n)
{
	memset(b->b + b->n, v, n);
	b->n += n;
}

/* open - a length field of @w bytes, filled in by close(). */
static void open_(struct bld *b, unsigned w)
{
	b->open[b->depth] = b->n;
	b->open_w[b->depth++] = w;
	b->len_pos[b->nlens] = b->n;
	b->len_w[b->nlens] = w;
	b->len_parsed[b->nlens++] = !b->opaque;
	put(b, 0, w);
}

static void close_(struct bld *b)
{
	size_t at = b->open[--b->depth];
	unsigned w = b->open_w[b->depth];
	size_t v = b->n - at - w;

	for (unsigned i = 0; i < w; i++)
		b->b[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
}

static void ext_begin(struct bld *b, uint16_t type, bool opaque)
{
	put(b, type, 2);
	open_(b, 2);
	b->opaque = opaque;
}

static void ext_end(struct bld *b)
{
	b->opaque = false;
	close_(b);
}

/* name_of - a plausible host name of exactly @n bytes ("aaa...a.aaa"). */
static void name_of(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (i % 64 == 63 && i + 1 < n) ? '.' : (char)('a' + i % 26);
	out[n] = '\0';
}

enum {
	H_ECH = 1U << 0,
	H_ALPN = 1U << 1,
	H_GREASE = 1U << 2,
	H_PADDING = 1U << 3,
	H_NO_EXT = 1U << 4,	/* SSLv3-style: no extensions block at all */
	H_SNI_LAST = 1U << 5,	/* server_name after the big key share */
};

struct hello {
	const char *sni;	/* NULL: no server_name extension */
	unsigned flags;
	size_t key_share;	/* bytes of key_exchange (32 X25519, 1216 MLKEM768) */
	size_t sid_len;
	size_t pad_to;		/* with H_PADDING: pad the message to this size */
};

static void ext_sni(struct bld *b, const char *sni)
{
	ext_begin(b, 0x0000, false);
	open_(b, 2);
	put(b, 0, 1);
	open_(b, 2);
	put_mem(b, sni, strlen(sni));
	close_(b);
	close_(b);
	ext_end(b);
}

static void ext_key_share(struct bld *b, size_t n, unsigned flags)
{
	ext_begin(b, 0x0033, true);
	open_(b, 2);
	if (flags & H_GREASE) {
		put(b, 0x3a3a, 2);
		put(b, 1, 2);
		put(b, 0, 1);
	}
	put(b, n > 32 ? 0x11ec : 0x001d, 2);	/* X25519MLKEM768 or X25519 */
	open_(b, 2);
	put_fill(b, 0x5c, n);
	close_(b);
	close_(b);
	ext_end(b);
}

static void ext_ech(struct bld *b)
{
	ext_begin(b, 0xfe0d, true);
	put(b, 0, 1);			/* outer */
	put(b, 0x0001, 2);		/* HKDF-SHA256 */
	put(b, 0x0001, 2);		/* AES-128-GCM */
	put(b, 0x42, 1);		/* config_id */
	open_(b, 2);
	put_fill(b, 0xe1, 32);
	close_(b);
	open_(b, 2);
	put_fill(b, 0xe2, 208);
	close_(b);
	ext_end(b);
}

/* build_hello - a Chrome-like ClientHello handshake message from byte 0. */
static void build_hello(struct bld *b, const struct hello *h)
{
	static const uint8_t suites[] = { 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b };

	memset(b, 0, sizeof(*b));
	put(b, TLS_HS_CLIENT_HELLO, 1);
	open_(b, 3);
	put(b, (h->flags & H_NO_EXT) ? 0x0300 : 0x0303, 2);
	put_fill(b, 0x11, 32);
	open_(b, 1);
	put_fill(b, 0x22, h->sid_len);
	close_(b);
	open_(b, 2);
	if (h->flags & H_GREASE)
		put(b, 0x8a8a, 2);
	put_mem(b, suites, sizeof(suites));
	close_(b);
	open_(b, 1);
	put(b, 0, 1);
	close_(b);
	if (h->flags & H_NO_EXT) {
		close_(b);
		return;
	}
	open_(b, 2);
	if (h->flags & H_GREASE) {
		ext_begin(b, 0x2a2a, true);
		ext_end(b);
	}
	if (h->sni && !(h->flags & H_SNI_LAST))
		ext_sni(b, h->sni);
	ext_begin(b, 0x0017, true);	/* extended_master_secret */
	ext_end(b);
	ext_begin(b, 0x000a, true);	/* supported_groups */
	open_(b, 2);
	put(b, 0x11ec, 2);
	put(b, 0x001d, 2);
	close_(b);
	ext_end(b);
	if (h->flags & H_ALPN) {
		ext_begin(b, TLS_EXT_ALPN, false);
		open_(b, 2);
		open_(b, 1);
		put_mem(b, "h2", 2);
		close_(b);
		open_(b, 1);
		put_mem(b, "http/1.1", 8);
		close_(b);
		close_(b);
		ext_end(b);
	}
	ext_key_share(b, h->key_share ? h->key_share : 32, h->flags);
	ext_begin(b, TLS_EXT_SUPPORTED_VERSIONS, true);
	open_(b, 1);
	put(b, 0x0304, 2);
	put(b, 0x0303, 2);
	close_(b);
	ext_end(b);
	if (h->sni && (h->flags & H_SNI_LAST))
		ext_sni(b, h->sni);
	if (h->flags & H_ECH)
		ext_ech(b);
	if (h->flags & H_GREASE) {
		ext_begin(b, 0xdada, true);
		put(b, 0, 1);
		ext_end(b);
	}
	if (h->flags & H_PADDING) {
		size_t pad = h->pad_to > b->n + 4 ? h->pad_to - b->n - 4 : 0;

		ext_begin(b, 0x0015, true);
		put_fill(b, 0, pad);
		ext_end(b);
	}
	close_(b);
	close_(b);
}

/*
 * wrap - put @msg into TLS records, cutting it at the @ncuts offsets in
 * @cuts (ascending), then append @tail.  Returns the length.
 */
static size_t wrap(uint8_t *out, const uint8_t *msg, size_t mlen, const size_t *cuts,
		   unsigned ncuts, const uint8_t *tail, size_t tlen)
{
	size_t n = 0, from = 0;

	for (unsigned i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : mlen;

		out[n++] = 22;
		out[n++] = 3;
		out[n++] = 1;
		out[n++] = (uint8_t)((to - from) >> 8);
		out[n++] = (uint8_t)(to - from);
		memcpy(out + n, msg + from, to - from);
		n += to - from;
		from = to;
	}
	if (tlen)
		memcpy(out + n, tail, tlen);
	return n + tlen;
}

/* What one parse call produced, copied before its buffer is freed. */
struct res {
	enum parse_rc rc;
	bool has_sni, has_ech, has_alpn;
	char sni[300];
	char alpn[64];
	unsigned n_ext;
	uint16_t version;
	int sni_where;		/* 1: in the input, 2: in the scratch, 0: neither */
	bool scratch_used;	/* some byte of the scratch was written */
};

static uint8_t *scratch;

static struct res run(const uint8_t *p, size_t n, bool records)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct tls_hello h;
	struct res r;

	memset(&r, 0, sizeof(r));
	memcpy(copy, p, n);
	memset(scratch, 0xee, TLS_SCRATCH);
	r.rc = records ? tls_parse_records(copy, n, scratch, &h) :
			 tls_parse_handshake(copy, n, &h);
	r.has_sni = h.has_sni;
	r.has_ech = h.has_ech;
	r.has_alpn = h.has_alpn;
	r.n_ext = h.n_extensions;
	r.version = h.legacy_version;
	if (h.has_sni && h.sni.len < sizeof(r.sni)) {
		memcpy(r.sni, h.sni.p, h.sni.len);
		if (h.sni.p >= copy && h.sni.p + h.sni.len <= copy + n)
			r.sni_where = 1;
		else if (h.sni.p >= scratch && h.sni.p + h.sni.len <= scratch + TLS_SCRATCH)
			r.sni_where = 2;
	}
	for (size_t i = 0; i < TLS_SCRATCH && !r.scratch_used; i++)
		r.scratch_used = scratch[i] != 0xee;
	if (h.has_alpn && h.alpn.len < sizeof(r.alpn))
		memcpy(r.alpn, h.alpn.p, h.alpn.len);
	free(copy);
	return r;
}

static struct bld B;
static uint8_t wire[BLD_MAX + 64];

/* every_prefix - each cut of @p must be NEED_MORE, the whole of it OK. */
static void every_prefix(const uint8_t *p, size_t n, size_t ok_from, bool records,
			 const char *want_sni, const char *what)
{
	size_t bad = 0, first_bad = 0;
	struct res r;

	for (size_t k = 0; k <= n; k++) {
		enum parse_rc want = k < ok_from ? PARSE_NEED_MORE : PARSE_OK;

		r = run(p, k, records);
		if (r.rc != want || (r.rc == PARSE_OK && want_sni && strcmp(r.sni, want_sni))) {
			if (!bad++)
				first_bad = k;
		}
	}
	if (!ok(bad == 0, "%s: %zu prefixes NEED_MORE, then OK", what, ok_from))
		diag("  %zu bad cuts, first at %zu: %s", bad, first_bad,
		     parse_rc_str(run(p, first_bad, records).rc));
}

/*
 * corrupt_lengths - add +1 and -1 to each length field of the hello (and
 * of the record headers).  A field the parser reads must give MALFORMED or
 * NEED_MORE; one it cannot see (inside a skipped extension) may give OK,
 * but never with another name.
 */
static void corrupt_lengths(const struct bld *b, const size_t *cuts, unsigned ncuts,
			    const char *want_sni, const char *what)
{
	static uint8_t msg[BLD_MAX];
	size_t bad = 0, tried = 0, n;
	struct res r;

	for (unsigned f = 0; f < b->nlens; f++) {
		for (int d = -1; d <= 1; d += 2) {
			size_t at = b->len_pos[f];
			unsigned w = b->len_w[f];
			uint32_t v = 0;

			memcpy(msg, b->b, b->n);
			for (unsigned i = 0; i < w; i++)
				v = v << 8 | msg[at + i];
			if ((d < 0 && v == 0) || (d > 0 && v == (1U << (8 * w)) - 1))
				continue;
			v += (uint32_t)d;
			for (unsigned i = 0; i < w; i++)
				msg[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
			n = wrap(wire, msg, b->n, cuts, ncuts, NULL, 0);
			r = run(wire, n, true);
			tried++;
			if (r.rc == PARSE_OK &&
			    (b->len_parsed[f] || strcmp(r.sni, want_sni ? want_sni : "")) && !bad++)
				diag("  field %u at %zu (%u bytes) %+d: OK, sni \"%s\"", f, at, w,
				     d, r.sni);
		}
	}
	/* The record headers: +1/-1 on each record length. */
	n = wrap(wire, b->b, b->n, cuts, ncuts, NULL, 0);
	for (unsigned i = 0, at = 0; i <= ncuts; i++) {
		size_t rl = (size_t)wire[at + 3] << 8 | wire[at + 4];

		for (int d = -1; d <= 1; d += 2) {
			uint8_t save3 = wire[at + 3], save4 = wire[at + 4];
			size_t v = rl + (size_t)d;

			wire[at + 3] = (uint8_t)(v >> 8);
			wire[at + 4] = (uint8_t)v;
			r = run(wire, n, true);
			tried++;
			if (r.rc == PARSE_OK && strcmp(r.sni, want_sni ? want_sni : "") && !bad++)
				diag("  record %u length %+d: OK, sni \"%s\"", i, d, r.sni);
			wire[at + 3] = save3;
			wire[at + 4] = save4;
		}
		at += 5 + (unsigned)rl;
	}
	ok(bad == 0 && tried > 0, "%s: %zu length corruptions never OK with a wrong name", what,
	   tried);
}

/* The hellos every structural test runs over. */
static const struct hello variants[] = {
	{ .sni = "example.com", .flags = H_ALPN | H_GREASE, .sid_len = 32 },
	{ .sni = NULL, .flags = H_ALPN, .sid_len = 32 },
	{ .sni = "cover.example.net", .flags = H_ECH | H_ALPN | H_GREASE, .sid_len = 32 },
	{ .sni = "upd.kaspersky.com", .flags = H_PADDING, .pad_to = 512, .sid_len = 0 },
	{ .sni = "pq.example.org", .flags = H_ALPN | H_GREASE | H_ECH, .key_share = 1216,
	  .sid_len = 32 },
	{ .sni = "last.example.org", .flags = H_SNI_LAST | H_GREASE, .key_share = 1216,
	  .sid_len = 32 },
	{ .sni = "a", .flags = 0, .sid_len = 1 },
	{ .sni = NULL, .flags = H_NO_EXT, .sid_len = 0 },
};

static void test_variant(unsigned vi)
{
	const struct hello *h = &variants[vi];
	static uint8_t msg[BLD_MAX];
	char what[160];
	size_t mlen, n, cuts[2];
	struct res r;

	build_hello(&B, h);
	mlen = B.n;
	memcpy(msg, B.b, mlen);

	/* Bare handshake message (the QUIC CRYPTO path). */
	r = run(msg, mlen, false);
	snprintf(what, sizeof(what), "hello %u (%zu bytes, sni %s) handshake", vi, mlen,
		 h->sni ? h->sni : "none");
	is_int(PARSE_OK, r.rc, "%s: OK", what);
	is_int(h->sni != NULL, r.has_sni, "%s: has_sni", what);
	is_str(h->sni ? h->sni : "", r.sni, "%s: sni", what);
	is_int(!!(h->flags & H_ECH), r.has_ech, "%s: has_ech", what);
	is_int(!!(h->flags & H_ALPN), r.has_alpn, "%s: has_alpn", what);
	if (h->flags & H_ALPN)
		is_str("h2", r.alpn, "%s: first ALPN", what);
	is_int((h->flags & H_NO_EXT) ? 0x0300 : 0x0303, r.version, "%s: legacy_version", what);
	every_prefix(msg, mlen, mlen, false, h->sni, what);

	/* One record, then two, then three; the record cut inside the
	 * handshake header too. */
	for (unsigned layout = 0; layout < 4; layout++) {
		unsigned ncuts = layout == 0 ? 0 : layout == 3 ? 1 : layout;

		cuts[0] = layout == 3 ? 2 : mlen / (layout + 1);
		cuts[1] = 2 * mlen / 3;
		n = wrap(wire, msg, mlen, cuts, ncuts, NULL, 0);
		snprintf(what, sizeof(what), "hello %u in %u record(s)%s", vi, ncuts + 1,
			 layout == 3 ? ", header split" : "");
		r = run(wire, n, true);
		is_int(PARSE_OK, r.rc, "%s: OK", what);
		is_str(h->sni ? h->sni : "", r.sni, "%s: sni", what);
		is_int(ncuts > 0, r.scratch_used, "%s: scratch %s", what,
		       ncuts ? "used" : "untouched");
		if (h->sni)
			is_int(ncuts ? 2 : 1, r.sni_where, "%s: sni view in %s", what,
			       ncuts ? "scratch" : "input (no copy)");
		every_prefix(wire, n, n, true, h->sni, what);
		corrupt_lengths(&B, cuts, ncuts, h->sni, what);
	}

	/* The hello followed by ChangeCipherSpec and early data records. */
	{
		static const uint8_t tail[] = { 20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 3, 'a', 'b', 'c' };

		cuts[0] = mlen / 2;
		n = wrap(wire, msg, mlen, cuts, 1, tail, sizeof(tail));
		snprintf(what, sizeof(what), "hello %u + CCS + early data", vi);
		every_prefix(wire, n, n - sizeof(tail), true, h->sni, what);
	}
}

/* SNI host_name lengths: 0 is malformed, 1..254 are the parser's to pass on. */
static void test_sni_lengths(void)
{
	static const struct {
		size_t len;
		enum parse_rc rc;
	} t[] = {
		{ 0, PARSE_MALFORMED }, { 1, PARSE_OK }, { 63, PARSE_OK }, { 64, PARSE_OK },
		{ 253, PARSE_OK }, { 254, PARSE_OK }, { 1000, PARSE_OK },
	};
	char name[1100];
	struct hello h = { .sni = name, .flags = H_ALPN, .sid_len = 32 };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct res r;
		size_t n;

		name_of(name, t[i].len);
		build_hello(&B, &h);
		n = wrap(wire, B.b, B.n, NULL, 0, NULL, 0);
		r = run(wire, n, true);
		is_int(t[i].rc, r.rc, "SNI of %zu bytes: %s", t[i].len, parse_rc_str(t[i].rc));
		if (t[i].rc == PARSE_OK && t[i].len < sizeof(r.sni))
			is_str(name, r.sni, "SNI of %zu bytes: exact bytes", t[i].len);
		if (t[i].rc == PARSE_OK && t[i].len < 300)
			every_prefix(wire, n, n, true, name, "SNI length prefix");
	}
}

/* hand - build a hello field by field for the malformed-input table. */
struct hand {
	const char *what;
	unsigned sid, suites, comps;	/* vector lengths */
	uint16_t version;
	int ext;			/* which special extension block */
	enum parse_rc rc;
	const char *sni;
};

enum {
	X_SNI,		/* one plain server_name */
	X_NONE,		/* no block at all */
	X_EMPTY,	/* an empty block */
	X_TRAILING,	/* one stray byte after the block */
	X_STRAY1,	/* one stray byte instead of a block */
	X_SNI_TWO,	/* two host_name entries */
	X_SNI_OTHER,	/* a type-1 entry, then host_name */
	X_SNI_ONLY_OTHER,
	X_SNI_EMPTY_EXT,
	X_SNI_EMPTY_LIST,
	X_SNI_DUP_EXT,
	X_SNI_LIST_SHORT,	/* list length one less than the entries */
	X_SNI_EXT_LONG,		/* extension one longer than the list */
	X_ALPN_EMPTY_NAME,
	X_ALPN_EMPTY_LIST,
	X_ECH_DUP,
	X_GREASE_ONLY,
	X_NEAR_GREASE,	/* 0x1a0a, 0x0a1b: not GREASE */
};

static void hand_sni_ext(struct bld *b, const char *a, uint8_t ta, const char *c, int mode)
{
	size_t list_at;

	put(b, 0, 2);
	open_(b, 2);
	list_at = b->n;
	open_(b, 2);
	if (a) {
		put(b, ta, 1);
		open_(b, 2);
		put_mem(b, a, strlen(a));
		close_(b);
	}
	if (c) {
		put(b, 0, 1);
		open_(b, 2);
		put_mem(b, c, strlen(c));
		close_(b);
	}
	close_(b);
	if (mode == X_SNI_LIST_SHORT)
		b->b[list_at + 1]--;	/* list length, low byte */
	if (mode == X_SNI_EXT_LONG)
		put(b, 0, 1);
	close_(b);
}

static void hand_build(struct bld *b, const struct hand *t)
{
	memset(b, 0, sizeof(*b));
	put(b, 1, 1);
	open_(b, 3);
	put(b, t->version ? t->version : 0x0303, 2);
	put_fill(b, 0x11, 32);
	put(b, t->sid, 1);
	put_fill(b, 0x22, t->sid);
	put(b, t->suites, 2);
	put_fill(b, 0x13, t->suites);
	put(b, t->comps, 1);
	put_fill(b, 0, t->comps);
	switch (t->ext) {
	case X_NONE:
		break;
	case X_STRAY1:
		put(b, 0, 1);
		break;
	default:
		open_(b, 2);
		if (t->ext == X_SNI || t->ext == X_TRAILING || t->ext == X_SNI_DUP_EXT)
			hand_sni_ext(b, "a.example", 0, NULL, 0);
		if (t->ext == X_SNI_DUP_EXT)
			hand_sni_ext(b, "b.example", 0, NULL, 0);
		if (t->ext == X_SNI_TWO)
			hand_sni_ext(b, "a.example", 0, "b.example", 0);
		if (t->ext == X_SNI_OTHER)
			hand_sni_ext(b, "other", 1, "c.example", 0);
		if (t->ext == X_SNI_ONLY_OTHER)
			hand_sni_ext(b, "other", 1, NULL, 0);
		if (t->ext == X_SNI_LIST_SHORT || t->ext == X_SNI_EXT_LONG)
			hand_sni_ext(b, "a.example", 0, NULL, t->ext);
		if (t->ext == X_SNI_EMPTY_EXT)
			put_mem(b, "\x00\x00\x00\x00", 4);
		if (t->ext == X_SNI_EMPTY_LIST)
			put_mem(b, "\x00\x00\x00\x02\x00\x00", 6);
		if (t->ext == X_ALPN_EMPTY_NAME)
			put_mem(b, "\x00\x10\x00\x04\x00\x02\x00\x00", 8);
		if (t->ext == X_ALPN_EMPTY_LIST)
			put_mem(b, "\x00\x10\x00\x02\x00\x00", 6);
		if (t->ext == X_ECH_DUP)
			put_mem(b, "\xfe\x0d\x00\x01\x01\xfe\x0d\x00\x01\x01", 10);
		if (t->ext == X_GREASE_ONLY)
			put_mem(b, "\x0a\x0a\x00\x00\xfa\xfa\x00\x01\x00", 9);
		if (t->ext == X_NEAR_GREASE)
			put_mem(b, "\x1a\x0a\x00\x00\x0a\x1b\x00\x00", 8);
		close_(b);
		if (t->ext == X_TRAILING)
			put(b, 0, 1);
	}
	close_(b);
}

static void test_malformed_table(void)
{
	static const struct hand t[] = {
		{ "minimal hello, SNI", 0, 2, 1, 0, X_SNI, PARSE_OK, "a.example" },
		{ "session_id of 32", 32, 2, 1, 0, X_SNI, PARSE_OK, "a.example" },
		{ "session_id of 33", 33, 2, 1, 0, X_SNI, PARSE_MALFORMED, NULL },
		{ "cipher_suites empty", 0, 0, 1, 0, X_SNI, PARSE_MALFORMED, NULL },
		{ "cipher_suites odd", 0, 3, 1, 0, X_SNI, PARSE_MALFORMED, NULL },
		{ "cipher_suites 16000", 0, 16000, 1, 0, X_SNI, PARSE_OK, "a.example" },
		{ "compression empty", 0, 2, 0, 0, X_SNI, PARSE_MALFORMED, NULL },
		{ "compression 255", 0, 2, 255, 0, X_SNI, PARSE_OK, "a.example" },
		{ "legacy_version 2.0", 0, 2, 1, 0x0200, X_SNI, PARSE_MALFORMED, NULL },
		{ "legacy_version 3.0, no extensions", 0, 2, 1, 0x0300, X_NONE, PARSE_OK, NULL },
		{ "empty extensions block", 0, 2, 1, 0, X_EMPTY, PARSE_OK, NULL },
		{ "byte after the extensions", 0, 2, 1, 0, X_TRAILING, PARSE_MALFORMED, NULL },
		{ "one byte instead of extensions", 0, 2, 1, 0, X_STRAY1, PARSE_MALFORMED, NULL },
		{ "two host_name entries", 0, 2, 1, 0, X_SNI_TWO, PARSE_MALFORMED, NULL },
		{ "other name type, then host_name", 0, 2, 1, 0, X_SNI_OTHER, PARSE_OK,
		  "c.example" },
		{ "only another name type", 0, 2, 1, 0, X_SNI_ONLY_OTHER, PARSE_OK, NULL },
		{ "empty server_name extension", 0, 2, 1, 0, X_SNI_EMPTY_EXT, PARSE_MALFORMED,
		  NULL },
		{ "empty server_name list", 0, 2, 1, 0, X_SNI_EMPTY_LIST, PARSE_MALFORMED, NULL },
		{ "two server_name extensions", 0, 2, 1, 0, X_SNI_DUP_EXT, PARSE_MALFORMED,
		  NULL },
		{ "SNI list shorter than entry", 0, 2, 1, 0, X_SNI_LIST_SHORT, PARSE_MALFORMED,
		  NULL },
		{ "SNI extension longer than list", 0, 2, 1, 0, X_SNI_EXT_LONG, PARSE_MALFORMED,
		  NULL },
		{ "ALPN empty protocol", 0, 2, 1, 0, X_ALPN_EMPTY_NAME, PARSE_MALFORMED, NULL },
		{ "ALPN empty list", 0, 2, 1, 0, X_ALPN_EMPTY_LIST, PARSE_MALFORMED, NULL },
		{ "two ECH extensions", 0, 2, 1, 0, X_ECH_DUP, PARSE_MALFORMED, NULL },
		{ "only GREASE extensions", 0, 2, 1, 0, X_GREASE_ONLY, PARSE_OK, NULL },
		{ "extensions almost GREASE", 0, 2, 1, 0, X_NEAR_GREASE, PARSE_OK, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct res r;
		size_t n;

		hand_build(&B, &t[i]);
		n = wrap(wire, B.b, B.n, NULL, 0, NULL, 0);
		r = run(wire, n, true);
		is_int(t[i].rc, r.rc, "%s: %s", t[i].what, parse_rc_str(t[i].rc));
		is_str(t[i].sni ? t[i].sni : "", r.sni, "%s: sni", t[i].what);
		is_int(t[i].rc, run(B.b, B.n, false).rc, "%s: handshake alone %s", t[i].what,
		       parse_rc_str(t[i].rc));
		if (t[i].ext == X_GREASE_ONLY)
			is_int(0, r.n_ext, "%s: GREASE not counted", t[i].what);
		if (t[i].ext == X_NEAR_GREASE)
			is_int(2, r.n_ext, "%s: both counted", t[i].what);
		if (t[i].ext == X_SNI_OTHER)
			is_int(1, r.n_ext, "%s: one extension", t[i].what);
		/* A malformed hello is malformed in every prefix that shows the fault,
		 * and never OK in any prefix. */
		if (t[i].rc == PARSE_MALFORMED) {
			size_t oks = 0;

			for (size_t k = 0; k < n; k++)
				oks += run(wire, k, true).rc == PARSE_OK;
			is_int(0, oks, "%s: no prefix is OK", t[i].what);
		}
	}

	/* The largest cipher_suites vector: only the handshake parser can take it,
	 * records of it would not fit the scratch. */
	{
		struct hand big = { "cipher_suites 65534", 0, 65534, 1, 0, X_NONE, PARSE_OK, NULL };
		size_t cuts[4] = { 16000, 32000, 48000, 64000 }, n;

		hand_build(&B, &big);
		is_int(PARSE_OK, run(B.b, B.n, false).rc, "cipher_suites 65534: handshake OK");
		B.b[4 + 2 + 32 + 1 + 1] = 0xfd;	/* cipher_suites length 65533: odd */
		is_int(PARSE_MALFORMED, run(B.b, B.n, false).rc, "cipher_suites 65533: MALFORMED");
		n = wrap(wire, B.b, B.n, cuts, 4, NULL, 0);
		is_int(PARSE_MALFORMED, run(wire, n, true).rc,
		       "cipher_suites 65534 in records: MALFORMED (over the scratch)");
	}
}

/* Short inputs whose fault is visible before the hello could be complete. */
static void test_short_inputs(void)
{
	static const struct {
		const char *what;
		const char *p;
		size_t n;
		bool records;
		enum parse_rc rc;
	} t[] = {
		{ "empty", "", 0, true, PARSE_NEED_MORE },
		{ "record type only", "\x16", 1, true, PARSE_NEED_MORE },
		{ "record type 23", "\x17\x03\x03\x00\x10", 5, true, PARSE_NOT_MINE },
		{ "record type 21 (alert)", "\x15", 1, true, PARSE_NOT_MINE },
		{ "record version 2.x", "\x16\x02", 2, true, PARSE_NOT_MINE },
		{ "SSLv2 hello", "\x80\x2e\x01\x03\x01", 5, true, PARSE_NOT_MINE },
		{ "HTTP", "GET / HTTP/1.1\r\n", 16, true, PARSE_NOT_MINE },
		{ "record header cut at 3", "\x16\x03\x01", 3, true, PARSE_NEED_MORE },
		{ "record header cut at 4", "\x16\x03\x01\x02", 4, true, PARSE_NEED_MORE },
		{ "record high length byte 0x42", "\x16\x03\x01\x42", 4, true, PARSE_MALFORMED },
		{ "record length 0", "\x16\x03\x01\x00\x00", 5, true, PARSE_MALFORMED },
		{ "record length 16640", "\x16\x03\x01\x41\x00", 5, true, PARSE_NEED_MORE },
		{ "record length 16641", "\x16\x03\x01\x41\x01", 5, true, PARSE_MALFORMED },
		{ "record length 65535", "\x16\x03\x01\xff\xff", 5, true, PARSE_MALFORMED },
		{ "ServerHello", "\x16\x03\x03\x00\x50\x02\x00\x00\x4c", 9, true, PARSE_NOT_MINE },
		{ "ServerHello type only", "\x16\x03\x03\x00\x50\x02", 6, true, PARSE_NOT_MINE },
		{ "hello body 40 < 41", "\x16\x03\x01\x00\x50\x01\x00\x00\x28", 9, true,
		  PARSE_MALFORMED },
		{ "hello body 41", "\x16\x03\x01\x00\x50\x01\x00\x00\x29", 9, true,
		  PARSE_NEED_MORE },
		{ "hello over the scratch", "\x16\x03\x01\x40\x00\x01\x00\x48\x01", 9, true,
		  PARSE_MALFORMED },
		{ "handshake: empty", "", 0, false, PARSE_NEED_MORE },
		{ "handshake: type 2", "\x02", 1, false, PARSE_NOT_MINE },
		{ "handshake: cut length", "\x01\x00", 2, false, PARSE_NEED_MORE },
		{ "handshake: body 0", "\x01\x00\x00\x00", 4, false, PARSE_MALFORMED },
		{ "handshake: version 4.3", "\x01\x00\x00\x40\x04\x03", 6, false,
		  PARSE_MALFORMED },
		{ "handshake: version cut", "\x01\x00\x00\x40\x03", 5, false, PARSE_NEED_MORE },
		{ "handshake: 16 MiB hello", "\x01\xff\xff\xff\x03\x03", 6, false,
		  PARSE_NEED_MORE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		is_int(t[i].rc, run((const uint8_t *)t[i].p, t[i].n, t[i].records).rc, "%s: %s",
		       t[i].what, parse_rc_str(t[i].rc));
}

/* A session_id of 33 is malformed as soon as its length byte is seen. */
static void test_early_malformed(void)
{
	struct hand h = { "sid 33", 33, 2, 1, 0, X_SNI, PARSE_MALFORMED, NULL };
	size_t n, at = 5 + 4 + 2 + 32;
	enum parse_rc rc;

	hand_build(&B, &h);
	n = wrap(wire, B.b, B.n, NULL, 0, NULL, 0);
	is_int(PARSE_NEED_MORE, run(wire, at, true).rc, "sid 33: NEED_MORE before its length");
	rc = PARSE_MALFORMED;
	for (size_t k = at + 1; k <= n; k++)
		if (run(wire, k, true).rc != PARSE_MALFORMED)
			rc = PARSE_OK;
	is_int(PARSE_MALFORMED, rc, "sid 33: MALFORMED from its length byte on");
}

/* Records that interrupt the hello, and record size limits. */
static void test_records(void)
{
	struct hello h = { .sni = "rec.example", .flags = H_ALPN, .sid_len = 32 };
	size_t n, cut;
	struct res r;

	build_hello(&B, &h);
	cut = B.n / 2;
	n = wrap(wire, B.b, B.n, &cut, 1, NULL, 0);
	r = run(wire, 5 + cut, true);
	ok(r.rc == PARSE_NEED_MORE && !r.scratch_used, "2 records, only the first here: no copy");
	r = run(wire, 5 + cut + 5 + 1, true);
	ok(r.rc == PARSE_NEED_MORE && r.scratch_used, "2 records, a byte of the second: joined");
	wire[5 + cut] = 20;	/* the second record becomes ChangeCipherSpec */
	is_int(PARSE_MALFORMED, run(wire, n, true).rc, "CCS record inside the hello: MALFORMED");
	is_int(PARSE_MALFORMED, run(wire, 5 + cut + 1, true).rc,
	       "CCS record inside the hello, cut after its type: MALFORMED");
	wire[5 + cut] = 22;
	wire[5 + cut + 1] = 2;
	is_int(PARSE_MALFORMED, run(wire, n, true).rc, "second record version 2.x: MALFORMED");
	wire[5 + cut + 1] = 3;
	wire[5 + cut + 3] = 0;
	wire[5 + cut + 4] = 0;
	is_int(PARSE_MALFORMED, run(wire, n, true).rc, "second record empty: MALFORMED");

	/* A record payload of exactly 16640 bytes (the largest accepted). */
	h.flags = H_PADDING;
	h.pad_to = 16640;
	build_hello(&B, &h);
	is_int(16640, B.n, "padded hello is 16640 bytes");
	n = wrap(wire, B.b, B.n, NULL, 0, NULL, 0);
	r = run(wire, n, true);
	is_int(PARSE_OK, r.rc, "hello filling a 16640-byte record: OK");
	is_str("rec.example", r.sni, "hello filling a 16640-byte record: sni");
	h.pad_to = 16641;
	build_hello(&B, &h);
	n = wrap(wire, B.b, B.n, NULL, 0, NULL, 0);
	is_int(PARSE_MALFORMED, run(wire, n, true).rc, "16641-byte record: MALFORMED");

	/* Hellos of exactly TLS_SCRATCH bytes and one more, over two records. */
	h.pad_to = TLS_SCRATCH;
	build_hello(&B, &h);
	cut = 16000;
	n = wrap(wire, B.b, B.n, &cut, 1, NULL, 0);
	r = run(wire, n, true);
	is_int(PARSE_OK, r.rc, "%d-byte hello over 2 records: OK", TLS_SCRATCH);
	is_str("rec.example", r.sni, "%d-byte hello: sni", TLS_SCRATCH);
	is_int(2, r.sni_where, "%d-byte hello: sni view in the scratch", TLS_SCRATCH);
	is_int(PARSE_NEED_MORE, run(wire, n - 1, true).rc, "%d-byte hello, last byte cut",
	       TLS_SCRATCH);
	h.pad_to = TLS_SCRATCH + 1;
	build_hello(&B, &h);
	n = wrap(wire, B.b, B.n, &cut, 1, NULL, 0);
	is_int(PARSE_MALFORMED, run(wire, n, true).rc, "%d-byte hello: MALFORMED (too big)",
	       TLS_SCRATCH + 1);
	is_int(PARSE_MALFORMED, run(wire, 100, true).rc,
	       "%d-byte hello: MALFORMED from its header on", TLS_SCRATCH + 1);

	/* One record per byte: the most fragmented hello possible. */
	{
		static size_t cuts[600];
		unsigned nc = 0;

		h.flags = H_ALPN | H_GREASE;
		build_hello(&B, &h);
		for (size_t k = 1; k < B.n && nc < ARRAY_SIZE(cuts); k++)
			cuts[nc++] = k;
		n = wrap(wire, B.b, B.n, cuts, nc, NULL, 0);
		r = run(wire, n, true);
		is_int(PARSE_OK, r.rc, "hello in %u one-byte records: OK", nc + 1);
		is_str("rec.example", r.sni, "hello in one-byte records: sni");
		every_prefix(wire, n, n, true, "rec.example", "one-byte records");
	}

	/* Bytes after the declared message are ignored by tls_parse_handshake. */
	build_hello(&B, &h);
	memset(B.b + B.n, 0xff, 8);
	r = run(B.b, B.n + 8, false);
	is_int(PARSE_OK, r.rc, "handshake with trailing bytes: OK");
	is_str("rec.example", r.sni, "handshake with trailing bytes: sni");
}

static void test_sniff(void)
{
	static const struct {
		const char *p;
		size_t n;
		bool want;
	} t[] = {
		{ "\x16\x03\x01", 3, true }, { "\x16\x03\x00", 3, true },
		{ "\x16\x03\x04\x00\x10", 5, true }, { "\x16\x03\x05", 3, false },
		{ "\x16\x03", 2, false }, { "\x17\x03\x03", 3, false },
		{ "\x16\x02\x00", 3, false }, { "GET", 3, false }, { "", 0, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		is_int(t[i].want, tls_sniff((const uint8_t *)t[i].p, t[i].n), "tls_sniff #%zu", i);
	is_int(false, tls_sniff(NULL, 0), "tls_sniff NULL");
}

int main(void)
{
	scratch = malloc(TLS_SCRATCH);
	for (unsigned i = 0; i < ARRAY_SIZE(variants); i++)
		test_variant(i);
	test_sni_lengths();
	test_malformed_table();
	test_short_inputs();
	test_early_malformed();
	test_records();
	test_sniff();
	free(scratch);
	return done_testing();
}
