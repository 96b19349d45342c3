// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_quic.c - client Initial packets of QUIC: long header walk (RFC 9000
 * §17.2), header protection removal (RFC 9001 §5.4), payload decryption
 * (RFC 9001 §5.3) and the frames an Initial may carry (RFC 9000 §12.4,
 * §19), yielding the CRYPTO stream fragments that hold the ClientHello.
 *
 * Version knowledge (salts, labels, packet type bits) lives here; the
 * primitives live in quic_crypto.c.  Packet bytes are read only through
 * struct cur; the only copies made are the up to 5 header bytes that are
 * unmasked into locals, and the plaintext written into the caller's scratch.
 */
#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "parse_quic.h"
#include "quic_crypto.h"

#define QUIC_VARINT_MAX ((UINT64_C(1) << 62) - 1)

/*
 * What differs between the versions we decrypt: the Initial salt (RFC 9001
 * §5.2, RFC 9369 §3.3.1), the HKDF labels of the packet protection keys
 * (RFC 9369 §3.3.2) and the long-header type bits of Initial (RFC 9369
 * §3.2: v2 rotates the types, Initial is 0b01 there).
 */
struct quic_ver {
	const uint8_t *salt;		/* 20 bytes */
	const char *key_label, *iv_label, *hp_label;
	uint8_t initial_bits;
};

static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};
static const uint8_t salt_d22[20] = {
	0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
	0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a,
};
static const uint8_t salt_d23[20] = {
	0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
	0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02,
};
static const uint8_t salt_d29[20] = {
	0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
	0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99,
};

static const struct quic_ver ver_v1 = { salt_v1, "quic key", "quic iv", "quic hp", 0 };
static const struct quic_ver ver_v2 = { salt_v2, "quicv2 key", "quicv2 iv", "quicv2 hp", 1 };
static const struct quic_ver ver_d22 = { salt_d22, "quic key", "quic iv", "quic hp", 0 };
static const struct quic_ver ver_d23 = { salt_d23, "quic key", "quic iv", "quic hp", 0 };
static const struct quic_ver ver_d29 = { salt_d29, "quic key", "quic iv", "quic hp", 0 };

static const struct quic_ver *version_lookup(uint32_t v)
{
	unsigned draft;

	switch (v) {
	case 0x00000001:
		return &ver_v1;
	case 0x6b3343cf:
		return &ver_v2;
	case 0xfaceb001:		/* mvfst, draft-22 based */
		return &ver_d22;
	case 0xfaceb002:		/* mvfst, draft-27 based */
	case 0xfaceb00e:		/* mvfst experimental: same salt */
		return &ver_d23;
	default:
		break;
	}
	/* IETF drafts are 0xff0000NN.  Before draft-22 the header differed. */
	if ((v >> 8) != 0xff0000)
		return NULL;
	draft = v & 0xff;
	if (draft == 22)
		return &ver_d22;
	if (draft >= 23 && draft <= 28)
		return &ver_d23;
	if (draft >= 29 && draft <= 32)
		return &ver_d29;
	if (draft == 33 || draft == 34)
		return &ver_v1;
	return NULL;
}

/* Long packet types, in v1 order; lh_type() maps v2's rotated bits. */
enum lh_type {
	LH_INITIAL = 0,
	LH_0RTT = 1,
	LH_HANDSHAKE = 2,
	LH_RETRY = 3,
};

static enum lh_type lh_type(const struct quic_ver *qv, uint8_t first)
{
	return (enum lh_type)(((first >> 4) + 4 - qv->initial_bits) & 3);
}

bool quic_sniff(const uint8_t *p, size_t len)
{
	struct cur c = cur_init(p, len);
	const struct quic_ver *qv;
	uint8_t first;
	uint32_t version;

	first = cur_u8(&c);
	version = cur_u32(&c);
	if (!cur_ok(&c) || !(first & 0x80))
		return false;
	qv = version_lookup(version);
	return qv && lh_type(qv, first) == LH_INITIAL;
}

/*
 * RFC 9001 §5.2 (RFC 9369 §3.3 for v2):
 *
 *   initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id)
 *   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   key = HKDF-Expand-Label(client_initial_secret, "quic key", "", 16)
 *   iv  = HKDF-Expand-Label(client_initial_secret, "quic iv", "", 12)
 *   hp  = HKDF-Expand-Label(client_initial_secret, "quic hp", "", 16)
 */
int quic_derive_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
		     struct quic_keys *k)
{
	const struct quic_ver *qv = version_lookup(version);
	uint8_t initial[QUIC_SECRET_LEN], client[QUIC_SECRET_LEN];
	int ret;

	k->valid = false;
	if (!qv)
		return -EPROTONOSUPPORT;
	if (dcid_len > QUIC_MAX_CID)
		return -EINVAL;
	ret = quic_crypto_extract(qv->salt, sizeof(salt_v1), dcid, dcid_len, initial);
	if (ret == 0)
		ret = quic_crypto_expand_label(initial, "client in", client, sizeof(client));
	if (ret == 0)
		ret = quic_crypto_expand_label(client, qv->key_label, k->key, sizeof(k->key));
	if (ret == 0)
		ret = quic_crypto_expand_label(client, qv->iv_label, k->iv, sizeof(k->iv));
	if (ret == 0)
		ret = quic_crypto_expand_label(client, qv->hp_label, k->hp, sizeof(k->hp));
	if (ret < 0)
		return ret;
	k->version = version;
	k->dcid_len = (uint8_t)dcid_len;
	memset(k->dcid, 0, sizeof(k->dcid));
	if (dcid_len)
		memcpy(k->dcid, dcid, dcid_len);
	k->valid = true;
	return 0;
}

/* One long-header packet located in the datagram, still protected. */
struct lh_packet {
	const struct quic_ver *qv;
	uint32_t version;
	uint8_t first;			/* first byte, bits 0x0f still masked */
	enum lh_type type;
	struct bytes hdr;		/* first byte .. end of the Length field */
	struct bytes dcid, scid;
	struct bytes body;		/* Length bytes: packet number + payload */
};

/*
 * lh_read - locate the next long-header packet (RFC 9000 §17.2, §17.2.2).
 *
 *   +-+-+-+-+-+-+-+-+
 *   |1|1|T T|R R|P P|   form, fixed, type, reserved, PN length (protected)
 *   +-+-+-+-+-+-+-+-+
 *   |        Version (32)       |
 *   | DCID Len (8) | DCID (0..160) |
 *   | SCID Len (8) | SCID (0..160) |
 *   | Token Length (i) | Token (..) |       Initial only
 *   | Length (i) |                          not in Retry
 *   | Packet Number (8..32) | Payload (..) |  Length bytes in all
 *
 * Returns PARSE_OK with @pk filled and @c past the packet; PARSE_NOT_MINE
 * when the walk must end without error (a short header, e.g. a coalesced
 * 1-RTT packet or trailing zeros, an unknown version, a Retry which has no
 * Length); PARSE_TRUNCATED or PARSE_MALFORMED otherwise.
 */
static enum parse_rc lh_read(struct cur *c, struct lh_packet *pk)
{
	size_t start_left = cur_left(c);
	const uint8_t *start = cur_ptr(c);
	uint64_t token_len, length;
	uint8_t dcid_len, scid_len;

	pk->first = cur_u8(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	/* A short header ends the datagram: it has no length (§12.2). */
	if (!(pk->first & 0x80))
		return PARSE_NOT_MINE;
	/*
	 * The fixed bit (0x40) is not checked: RFC 9287 allows clearing it;
	 * the version and the AEAD tag decide.
	 */
	pk->version = cur_u32(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	pk->qv = version_lookup(pk->version);
	if (!pk->qv)
		return PARSE_NOT_MINE;

	/* Connection IDs of every version we know are at most 20 bytes. */
	dcid_len = cur_u8(c);
	if (cur_ok(c) && dcid_len > QUIC_MAX_CID)
		return PARSE_MALFORMED;
	pk->dcid.p = cur_bytes(c, dcid_len);
	pk->dcid.len = dcid_len;
	scid_len = cur_u8(c);
	if (cur_ok(c) && scid_len > QUIC_MAX_CID)
		return PARSE_MALFORMED;
	pk->scid.p = cur_bytes(c, scid_len);
	pk->scid.len = scid_len;
	if (!cur_ok(c))
		return PARSE_TRUNCATED;

	pk->type = lh_type(pk->qv, pk->first);
	/* A client never sends Retry, and Retry has no Length to skip by. */
	if (pk->type == LH_RETRY)
		return PARSE_NOT_MINE;
	if (pk->type == LH_INITIAL) {
		token_len = cur_varint(c);
		if (!cur_ok(c) || token_len > cur_left(c))
			return PARSE_TRUNCATED;
		cur_skip(c, (size_t)token_len);
	}
	length = cur_varint(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	pk->hdr.p = start;
	pk->hdr.len = start_left - cur_left(c);
	/* Checked before any crypto: the whole packet must be present. */
	if (length > cur_left(c))
		return PARSE_TRUNCATED;
	pk->body.len = (size_t)length;
	pk->body.p = cur_bytes(c, pk->body.len);
	return PARSE_OK;
}

/*
 * initial_open - remove header protection (RFC 9001 §5.4.1) and decrypt
 * (RFC 9001 §5.3) one Initial packet with @k into @pt.  The packet is never
 * modified: the unmasked first byte and packet number live in locals and
 * are fed to the AEAD as separate pieces of the associated data.
 *
 *   sample = body[4 .. 20)               (pn_offset + 4, §5.4.2)
 *   mask   = AES-ECB(hp, sample)
 *   first ^= mask[0] & 0x0f              (long header: 4 bits)
 *   pn     ^= mask[1 .. 1+pn_len)
 *   nonce  = iv XOR pn (left-padded to 12 bytes)
 *   AAD    = first | header bytes 1.. | pn
 *
 * The full packet number is taken to be the truncated one: Initial packet
 * numbers start at 0 and no client sends 2^32 of them, so the decoding of
 * RFC 9000 §A.3 with no packet received yet gives the same value.  The
 * reserved bits (0x0c) are not checked: a server would close on non-zero
 * ones (§17.2), but the payload is authenticated either way, and a name
 * the client meant to send is worth reporting.
 */
static int initial_open(const struct lh_packet *pk, const struct quic_keys *k, uint8_t *pt,
			size_t *pt_len)
{
	uint8_t mask[QUIC_MASK_LEN], first, pn_bytes[4], nonce[QUIC_IV_LEN];
	const uint8_t *sample, *pn_prot, *ct, *tag;
	struct cur b = cur_init(pk->body.p, pk->body.len);
	struct cur h = cur_init(pk->hdr.p, pk->hdr.len);
	struct bytes aad[3];
	size_t pn_len, ct_len, i;
	uint64_t pn = 0;
	int ret;

	cur_skip(&b, 4);
	sample = cur_bytes(&b, QUIC_SAMPLE_LEN);
	if (!sample)
		return -EINVAL;
	ret = quic_crypto_hp_mask(k->hp, sample, mask);
	if (ret < 0)
		return ret;
	first = pk->first ^ (mask[0] & 0x0f);
	pn_len = (size_t)(first & 0x03) + 1;

	b = cur_init(pk->body.p, pk->body.len);
	pn_prot = cur_bytes(&b, pn_len);
	if (!pn_prot || cur_left(&b) < QUIC_TAG_LEN)
		return -EINVAL;
	for (i = 0; i < pn_len; i++) {
		pn_bytes[i] = pn_prot[i] ^ mask[1 + i];
		pn = pn << 8 | pn_bytes[i];
	}
	ct_len = cur_left(&b) - QUIC_TAG_LEN;
	ct = cur_bytes(&b, ct_len);
	tag = cur_bytes(&b, QUIC_TAG_LEN);

	memcpy(nonce, k->iv, QUIC_IV_LEN);
	for (i = 0; i < 8; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));

	cur_skip(&h, 1);
	aad[0] = (struct bytes){ &first, 1 };
	aad[1] = (struct bytes){ cur_ptr(&h), cur_left(&h) };
	aad[2] = (struct bytes){ pn_bytes, pn_len };
	if (!ct || !tag || !cur_ok(&h))
		return -EINVAL;
	ret = quic_crypto_open(k->key, nonce, aad, 3, ct, ct_len, tag, pt);
	if (ret < 0)
		return ret;
	*pt_len = ct_len;
	return 0;
}

/*
 * skip_ack - ACK frame (RFC 9000 §19.3), type byte already read:
 *
 *   Largest Acknowledged (i), ACK Delay (i), ACK Range Count (i),
 *   First ACK Range (i), ACK Range (..) ...,   each: Gap (i), Length (i)
 *   [ECN Counts: ECT0 (i), ECT1 (i), ECN-CE (i)]      type 0x03 only
 *
 * The ranges are walked as §19.3.1 describes, so a frame that would
 * acknowledge a negative packet number is refused (FRAME_ENCODING_ERROR for
 * a real endpoint).  The range count is capped by the bytes left (each
 * range takes at least two) before looping.
 */
static bool skip_ack(struct cur *c, bool ecn)
{
	uint64_t largest, count, first_range, smallest, gap, range, i;

	largest = cur_varint(c);
	(void)cur_varint(c);		/* ACK Delay */
	count = cur_varint(c);
	first_range = cur_varint(c);
	if (!cur_ok(c) || first_range > largest)
		return false;
	smallest = largest - first_range;
	if (count > cur_left(c) / 2)
		return false;
	for (i = 0; i < count; i++) {
		gap = cur_varint(c);
		range = cur_varint(c);
		/* gap < 2^62, so gap + 2 cannot wrap. */
		if (!cur_ok(c) || smallest < gap + 2)
			return false;
		largest = smallest - gap - 2;
		if (range > largest)
			return false;
		smallest = largest - range;
	}
	if (ecn) {
		(void)cur_varint(c);
		(void)cur_varint(c);
		(void)cur_varint(c);
	}
	return cur_ok(c);
}

/*
 * crypto_frame - CRYPTO frame (RFC 9000 §19.6), type byte already read:
 *
 *   Offset (i), Length (i), Crypto Data (..)
 *
 * offset + length may not exceed 2^62 - 1.  Zero-length frames are legal
 * and carry nothing, so they are not recorded.
 */
static bool crypto_frame(struct cur *c, struct quic_initial *out)
{
	struct quic_crypto_frag *f;
	uint64_t off, n;
	const uint8_t *data;

	off = cur_varint(c);
	n = cur_varint(c);
	if (!cur_ok(c) || n > cur_left(c) || off > QUIC_VARINT_MAX - n)
		return false;
	data = cur_bytes(c, (size_t)n);
	if (n == 0)
		return true;
	if (out->n_frags >= QUIC_MAX_FRAGS) {
		out->frags_dropped = true;
		return true;
	}
	f = &out->frags[out->n_frags++];
	f->offset = off;
	f->p = data;
	f->len = (size_t)n;
	return true;
}

/*
 * skip_close - CONNECTION_CLOSE of the transport (type 0x1c, RFC 9000
 * §19.19): Error Code (i), Frame Type (i), Reason Phrase Length (i),
 * Reason Phrase (..).
 */
static bool skip_close(struct cur *c)
{
	uint64_t n;

	(void)cur_varint(c);
	(void)cur_varint(c);
	n = cur_varint(c);
	if (!cur_ok(c) || n > cur_left(c))
		return false;
	cur_skip(c, (size_t)n);
	return true;
}

/*
 * skip_padding - PADDING (RFC 9000 §19.1) is a single zero byte, and a
 * client pads its Initial datagrams to at least 1200 bytes (§14.1), so a
 * payload is mostly zeros: consume the whole run after one PADDING frame at
 * once, 16 bytes per comparison, within the cursor's remaining count.
 */
static void skip_padding(struct cur *c)
{
	static const uint8_t zero[16];
	const uint8_t *p = cur_ptr(c);
	size_t left = cur_left(c), i = 0;

	while (left - i >= sizeof(zero) && !memcmp(p + i, zero, sizeof(zero)))
		i += sizeof(zero);
	while (i < left && p[i] == 0)
		i++;
	cur_skip(c, i);
}

enum {
	FT_PADDING = 0x00,
	FT_PING = 0x01,
	FT_ACK = 0x02,
	FT_ACK_ECN = 0x03,
	FT_CRYPTO = 0x06,
	FT_CONNECTION_CLOSE = 0x1c,
};

/*
 * initial_frames - walk the frames of a decrypted Initial payload (RFC 9000
 * §12.4: only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE 0x1c may
 * appear there).  The frame type is a varint (§12.4), so a non-minimal
 * encoding such as 0x40 0x06 is still read as CRYPTO, as endpoints that
 * accept it would.  Anything else, or a malformed frame, ends the walk; the
 * CRYPTO frames before it are kept.
 */
static void initial_frames(const uint8_t *pt, size_t len, struct quic_initial *out)
{
	struct cur c = cur_init(pt, len);
	uint64_t type;
	bool ok;

	while (cur_left(&c) > 0) {
		type = cur_varint(&c);
		if (!cur_ok(&c))
			return;
		switch (type) {
		case FT_PADDING:
			skip_padding(&c);
			ok = true;
			break;
		case FT_PING:
			ok = true;
			break;
		case FT_ACK:
		case FT_ACK_ECN:
			ok = skip_ack(&c, type == FT_ACK_ECN);
			break;
		case FT_CRYPTO:
			ok = crypto_frame(&c, out);
			break;
		case FT_CONNECTION_CLOSE:
			ok = skip_close(&c);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok)
			return;
	}
}

static bool cid_equal(const struct quic_keys *k, const struct bytes *cid)
{
	return k->dcid_len == cid->len && (cid->len == 0 || !memcmp(k->dcid, cid->p, cid->len));
}

/*
 * initial_packet - decrypt one Initial into @scratch at *@used and collect
 * its frames.  Cached keys first (after the server's first Initial the
 * client changes its DCID but keeps the original keys, RFC 9001 §5.2), then
 * keys derived from this packet's DCID (the first packet of a flow, or the
 * new keys after a Retry).  Only keys that authenticated a packet are
 * written back to the cache.
 */
static enum parse_rc initial_packet(const struct lh_packet *pk, struct quic_keys *keys,
				    uint8_t *scratch, size_t *used, struct quic_initial *out)
{
	uint8_t *pt = scratch + *used;
	struct quic_keys fresh;
	bool opened = false, cached;
	size_t pt_len = 0;

	/* §5.4.2: the sample must fit, assuming a 4-byte packet number. */
	if (pk->body.len < 4 + QUIC_SAMPLE_LEN)
		return PARSE_MALFORMED;
	/* The plaintext is shorter than the datagram: only absurd inputs trip this. */
	if (pk->body.len - QUIC_TAG_LEN > QUIC_SCRATCH - *used)
		return PARSE_MALFORMED;

	cached = keys->valid && keys->version == pk->version;
	if (cached)
		opened = initial_open(pk, keys, pt, &pt_len) == 0;
	if (!opened && !(cached && cid_equal(keys, &pk->dcid)) &&
	    quic_derive_keys(pk->version, pk->dcid.p, pk->dcid.len, &fresh) == 0 &&
	    initial_open(pk, &fresh, pt, &pt_len) == 0) {
		opened = true;
		*keys = fresh;
	}
	if (!opened)
		return PARSE_MALFORMED;

	if (out->n_packets++ == 0) {
		out->version = pk->version;
		out->dcid_len = (uint8_t)pk->dcid.len;
		out->scid_len = (uint8_t)pk->scid.len;
		if (pk->dcid.len)
			memcpy(out->dcid, pk->dcid.p, pk->dcid.len);
		if (pk->scid.len)
			memcpy(out->scid, pk->scid.p, pk->scid.len);
	}
	initial_frames(pt, pt_len, out);
	*used += pt_len;
	return PARSE_OK;
}

/* The error worth reporting when nothing decrypted: MALFORMED > TRUNCATED. */
static void note_failure(enum parse_rc *worst, enum parse_rc rc)
{
	if (rc == PARSE_MALFORMED || (rc == PARSE_TRUNCATED && *worst != PARSE_MALFORMED))
		*worst = rc;
}

/*
 * RFC 9000 §12.2: a datagram may hold several coalesced long-header
 * packets, each sized by its Length, optionally followed by one
 * short-header packet that runs to the end.
 */
enum parse_rc quic_parse_initial(const uint8_t *p, size_t len, struct quic_keys *keys,
				 uint8_t *scratch, struct quic_initial *out)
{
	struct quic_keys local = { .valid = false };
	enum parse_rc rc, worst = PARSE_NOT_MINE;
	struct cur c = cur_init(p, len);
	struct lh_packet pk;
	size_t used = 0;

	out->version = 0;
	out->dcid_len = 0;
	out->scid_len = 0;
	out->n_packets = 0;
	out->n_frags = 0;
	out->frags_dropped = false;
	if (!keys)
		keys = &local;
	if (!scratch)
		return PARSE_MALFORMED;

	while (cur_left(&c) > 0) {
		rc = lh_read(&c, &pk);
		if (rc == PARSE_NOT_MINE)
			break;
		if (rc != PARSE_OK) {
			/* Without a Length we cannot find the next packet. */
			note_failure(&worst, rc);
			break;
		}
		/* Handshake and 0-RTT packets are skipped by their Length. */
		if (pk.type != LH_INITIAL)
			continue;
		rc = initial_packet(&pk, keys, scratch, &used, out);
		if (rc != PARSE_OK)
			note_failure(&worst, rc);
	}
	if (out->n_packets > 0)
		return PARSE_OK;
	out->n_frags = 0;
	out->frags_dropped = false;
	return worst;
}
