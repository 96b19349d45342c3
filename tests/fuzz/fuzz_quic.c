// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_quic.c - fuzz target for QUIC client Initial packets (parse_quic.h:
 * RFC 9000 §17.2.2 long headers, RFC 9001 §5 packet protection, RFC 9000
 * §19 frames, RFC 9369 v2), with a per-connection keys cache.
 *
 * A mutated datagram almost never authenticates, so the frame parser
 * behind the AEAD would be out of the fuzzer's reach.  The target therefore
 * has two modes, picked by the low bit of the first input byte:
 *
 *   even: the rest is a raw UDP datagram (seeds: real client Initials);
 *   odd:  the rest describes packets that the target protects itself,
 *         exactly as a client would, and coalesces into one datagram:
 *
 *     +-------+------+------+------+------+-------+-------+--------+---------+
 *     | flags | dlen | dcid | slen | scid | tklen | token | plen16 | payload |
 *     +-------+------+------+------+------+-------+-------+--------+---------+
 *     flags: bits 0-1 long packet type (v1 numbering: 0 Initial, 1 0-RTT,
 *            2 Handshake, 3 Retry), bits 2-4 version (versions[]), bits
 *            5-6 packet number length - 1, bit 7: protect with the first
 *            packet's keys (a later Initial after the server's answer)
 *     dlen/slen: connection ID lengths modulo 21; plen16: big-endian,
 *     modulo 1500; payload: the plaintext frames.
 *
 * Checked: frames point into the scratch buffer; a first packet that is a
 * well-formed Initial always authenticates (PARSE_OK); a datagram accepted
 * once is accepted again with the keys the first pass cached; the CRYPTO
 * data at offset 0 goes on to the TLS parser as in the engine.
 */
#include <string.h>

#include "parse_quic.h"
#include "parse_tls.h"
#include "quic_crypto.h"
#include "fuzz.h"

#define V2 0x6b3343cfu

static const uint32_t versions[8] = {
	0x00000001, V2, 0xff000016, 0xff000017, 0xff00001d, 0xff000022, 0xfaceb001, 0xfaceb002,
};

static uint8_t scratch[QUIC_SCRATCH];
static uint8_t dgram[16384 + 2048];
static struct quic_initial out;

static void check_out(enum parse_rc rc, const struct quic_keys *k)
{
	struct tls_hello h;

	if (rc != PARSE_OK) {
		FUZZ_CHECK(out.n_frags == 0);
		return;
	}
	FUZZ_CHECK(out.n_packets >= 1);
	FUZZ_CHECK(out.n_frags <= QUIC_MAX_FRAGS);
	FUZZ_CHECK(out.dcid_len <= QUIC_MAX_CID && out.scid_len <= QUIC_MAX_CID);
	FUZZ_CHECK(!k || k->valid);
	for (size_t i = 0; i < out.n_frags; i++) {
		const struct quic_crypto_frag *f = &out.frags[i];

		FUZZ_CHECK(fuzz_within(f->p, f->len, scratch, sizeof(scratch)));
		fuzz_touch(f->p, f->len);
		if (f->offset == 0)
			tls_parse_handshake(f->p, f->len, &h);
	}
}

static void parse_raw(const uint8_t *p, size_t n)
{
	struct quic_keys k = { .valid = false };
	enum parse_rc rc, again;

	rc = quic_parse_initial(p, n, &k, scratch, &out);
	check_out(rc, &k);
	again = quic_parse_initial(p, n, &k, scratch, &out);
	check_out(again, &k);
	if (rc == PARSE_OK)
		FUZZ_CHECK(again == PARSE_OK);
	check_out(quic_parse_initial(p, n, NULL, scratch, &out), NULL);
	quic_sniff(p, n);
}

/* put_cid - write a length byte and the ID (cut short if the input ends); returns bytes written. */
static size_t put_cid(struct fuzz_in *in, uint8_t *w, const uint8_t **cid, size_t *cid_len)
{
	size_t want = fuzz_u8(in) % (QUIC_MAX_CID + 1), got;

	*cid = fuzz_take(in, want, &got);
	*cid_len = got;
	w[0] = (uint8_t)got;
	memcpy(w + 1, *cid, got);
	return 1 + got;
}

/*
 * build_one - append one packet described by @in to dgram at @n (RFC 9000
 * §17.2, RFC 9001 §5.3-5.4).  Returns the new length, or 0 when the input
 * is used up or the datagram is full.  *@first_keys is set from the first
 * packet.
 */
static size_t build_one(struct fuzz_in *in, size_t n, struct quic_keys *first_keys,
			bool *first_initial)
{
	uint8_t flags, pt[1500], nonce[QUIC_IV_LEN], mask[QUIC_MASK_LEN];
	unsigned type, pn_len, bits;
	uint32_t version;
	const uint8_t *dcid, *scid, *token, *payload;
	size_t dcid_len, scid_len, token_len, plen, pn_off, body, start = n;
	struct quic_keys k;
	struct bytes aad;
	uint32_t pn;

	if (in->left < 4 || n + 64 + 1500 + 256 + QUIC_TAG_LEN > sizeof(dgram))
		return 0;
	flags = fuzz_u8(in);
	type = flags & 3;
	version = versions[(flags >> 2) & 7];
	pn_len = 1 + ((flags >> 5) & 3);
	bits = version == V2 ? (type + 1) & 3 : type;	/* RFC 9369 §3.2 */
	dgram[n++] = (uint8_t)(0xc0 | bits << 4 | (pn_len - 1));
	for (int i = 3; i >= 0; i--)
		dgram[n++] = (uint8_t)(version >> (8 * i));
	n += put_cid(in, dgram + n, &dcid, &dcid_len);
	n += put_cid(in, dgram + n, &scid, &scid_len);
	token = fuzz_take(in, fuzz_u8(in), &token_len);
	if (type == 0) {
		/* Token Length as a 2-byte varint (RFC 9000 §16). */
		dgram[n++] = (uint8_t)(0x40 | token_len >> 8);
		dgram[n++] = (uint8_t)token_len;
		memcpy(dgram + n, token, token_len);
		n += token_len;
	}
	payload = fuzz_take(in, fuzz_u16(in) % sizeof(pt), &plen);
	memcpy(pt, payload, plen);
	/* Header protection samples 16 bytes from 4 past the packet number (§5.4.2). */
	while (plen + pn_len < 4)
		pt[plen++] = 0;		/* PADDING */
	body = pn_len + plen + QUIC_TAG_LEN;
	dgram[n++] = (uint8_t)(0x40 | body >> 8);
	dgram[n++] = (uint8_t)body;
	pn_off = n;
	/* Any number: with no packet acknowledged yet, the receiver takes the
	 * truncated value as it is (RFC 9000 §A.3), so the nonce uses that. */
	pn = (uint32_t)(start * 2654435761u);
	if (pn_len < 4)
		pn &= (UINT32_C(1) << (8 * pn_len)) - 1;
	for (unsigned i = 0; i < pn_len; i++)
		dgram[n++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
	if (type != 0) {
		/* Only Initial packets are opened; the others are skipped by Length. */
		memcpy(dgram + n, pt, plen);
		memset(dgram + n + plen, 0, QUIC_TAG_LEN);
		return n + plen + QUIC_TAG_LEN;
	}
	if ((flags & 0x80) && first_keys->valid && first_keys->version == version)
		k = *first_keys;
	else if (quic_derive_keys(version, dcid, dcid_len, &k) != 0)
		abort();
	if (start == 0) {
		*first_keys = k;
		*first_initial = true;
	}
	memcpy(nonce, k.iv, sizeof(nonce));
	for (unsigned i = 0; i < 4; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
	aad = (struct bytes){ dgram + start, n - start };
	if (quic_crypto_seal(k.key, nonce, &aad, 1, pt, plen, dgram + n, dgram + n + plen) != 0)
		abort();
	n += plen + QUIC_TAG_LEN;
	if (quic_crypto_hp_mask(k.hp, dgram + pn_off + 4, mask) != 0)
		abort();
	dgram[start] ^= mask[0] & 0x0f;
	for (unsigned i = 0; i < pn_len; i++)
		dgram[pn_off + i] ^= mask[1 + i];
	return n;
}

static void parse_built(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct quic_keys first = { .valid = false };
	bool first_initial = false;
	size_t n = 0, next;
	enum parse_rc rc;
	uint8_t *copy;

	while ((next = build_one(&in, n, &first, &first_initial)) != 0)
		n = next;
	if (n == 0)
		return;
	/* An exact-size copy, so that ASan sees a read past the datagram. */
	copy = malloc(n);
	if (!copy)
		return;
	memcpy(copy, dgram, n);
	parse_raw(copy, n);
	if (first_initial) {
		struct quic_keys k = { .valid = false };

		rc = quic_parse_initial(copy, n, &k, scratch, &out);
		FUZZ_CHECK(rc == PARSE_OK);
		FUZZ_CHECK(k.valid);
		FUZZ_CHECK(out.version == first.version);
		check_out(rc, &k);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		parse_built(data + 1, size - 1);
	else
		parse_raw(data + 1, size - 1);
	return 0;
}
