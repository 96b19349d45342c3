// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_tls.c - TLS ClientHello: the record layer (RFC 8446 §5.1), the
 * handshake message (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and the extensions
 * the engine reports: server_name (RFC 6066 §3), ALPN (RFC 7301 §3.1) and
 * encrypted_client_hello (0xfe0d, RFC 9849).
 *
 * The caller reassembles the client's first bytes and calls again each time
 * a segment arrives, so running out of bytes has two distinct meanings:
 *
 *  - the buffer ends before a structure's declared end: a valid prefix,
 *    PARSE_NEED_MORE, the next call may succeed;
 *  - a length runs past the end of the structure that encloses it, or a
 *    value is impossible: PARSE_MALFORMED, however short the buffer is,
 *    because no later byte can repair it.
 *
 * struct span carries both numbers for each nested vector: a cursor over
 * the bytes present, and how many declared bytes lie beyond the buffer.
 * Truncation only ever happens at the tail, so once a read comes up short
 * nothing after it is present either and NEED_MORE is final.
 */
#include <string.h>

#include "cursor.h"
#include "parse_tls.h"

#define TLS_CT_HANDSHAKE 22
#define TLS_RECORD_HDR 5
/* RFC 8446 §5.1 caps a fragment at 2^14; RFC 5246 §6.2.2 allows 1024 more
 * after compression.  Accept the 256 that real stacks tolerate. */
#define TLS_RECORD_MAX (16384 + 256)
#define TLS_HS_HDR 4
/* legacy_version(2) random(32) session_id<0..32>(1) cipher_suites(2+2)
 * compression_methods(1+1): the smallest body a ClientHello can have. */
#define TLS_HELLO_MIN_BODY 41
#define TLS_SESSION_ID_MAX 32

enum {
	SEEN_SNI = 1U << 0,
	SEEN_ALPN = 1U << 1,
	SEEN_ECH = 1U << 2,
};

struct span {
	struct cur c;		/* the bytes of this structure that are present */
	size_t missing;		/* its declared bytes beyond the end of the buffer */
};

static size_t span_declared(const struct span *s)
{
	return cur_left(&s->c) + s->missing;
}

/*
 * span_need - can the next @n bytes be read?  PARSE_NEED_MORE when they are
 * declared but have not arrived, PARSE_MALFORMED when the structure itself
 * is shorter than @n.
 */
static enum parse_rc span_need(const struct span *s, size_t n)
{
	if (cur_left(&s->c) >= n)
		return PARSE_OK;
	if (span_declared(s) >= n)
		return PARSE_NEED_MORE;
	return PARSE_MALFORMED;
}

/*
 * span_sub - split the next @n declared bytes off @s into @sub.  The child
 * may be only partly present; the bytes it lacks are moved from the
 * parent's missing count to the child's.
 */
static enum parse_rc span_sub(struct span *s, size_t n, struct span *sub)
{
	size_t have = cur_left(&s->c);

	if (n > span_declared(s))
		return PARSE_MALFORMED;
	if (n <= have) {
		sub->c = cur_sub(&s->c, n);
		sub->missing = 0;
	} else {
		sub->c = cur_sub(&s->c, have);
		sub->missing = n - have;
		s->missing -= n - have;
	}
	return PARSE_OK;
}

/* span_vec - a TLS vector <floor..2^(8*width)-1>: its length, then the body. */
static enum parse_rc span_vec(struct span *s, unsigned width, struct span *body)
{
	enum parse_rc rc = span_need(s, width);
	size_t n;

	if (rc != PARSE_OK)
		return rc;
	n = width == 1 ? cur_u8(&s->c) : cur_u16(&s->c);
	return span_sub(s, n, body);
}

/* span_view - the whole of a span as a byte view, or NEED_MORE if cut. */
static enum parse_rc span_view(struct span *s, struct bytes *v)
{
	if (s->missing)
		return PARSE_NEED_MORE;
	v->len = cur_left(&s->c);
	v->p = cur_bytes(&s->c, v->len);
	return PARSE_OK;
}

/* GREASE (RFC 8701 §2): 0x0a0a, 0x1a1a, ... 0xfafa. */
static bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/*
 * server_name (RFC 6066 §3):
 *
 *   struct {
 *       NameType name_type;             -- host_name(0)
 *       opaque HostName<1..2^16-1>;
 *   } ServerName;
 *   ServerName server_name_list<1..2^16-1>;
 *
 * Other name types were never defined; like every deployed stack we read
 * them as the same opaque vector so that they can be skipped.  The RFC
 * forbids two names of one type, and a second host_name is exactly the
 * ambiguity a filter must not resolve by guessing, so it is malformed.
 */
static enum parse_rc tls_ext_sni(struct span *body, struct tls_hello *out)
{
	struct span list, name;
	enum parse_rc rc;
	bool found = false;

	rc = span_vec(body, 2, &list);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(body) != 0 || span_declared(&list) == 0)
		return PARSE_MALFORMED;
	while (span_declared(&list) > 0) {
		uint8_t type;

		rc = span_need(&list, 1);
		if (rc != PARSE_OK)
			return rc;
		type = cur_u8(&list.c);
		rc = span_vec(&list, 2, &name);
		if (rc != PARSE_OK)
			return rc;
		if (span_declared(&name) == 0)
			return PARSE_MALFORMED;
		if (type != 0)
			continue;
		if (found)
			return PARSE_MALFORMED;
		rc = span_view(&name, &out->sni);
		if (rc != PARSE_OK)
			return rc;
		found = true;
	}
	out->has_sni = found;
	return PARSE_OK;
}

/*
 * application_layer_protocol_negotiation (RFC 7301 §3.1):
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   ProtocolName protocol_name_list<2..2^16-1>;
 *
 * Every name is length-checked; the first one is reported.
 */
static enum parse_rc tls_ext_alpn(struct span *body, struct tls_hello *out)
{
	struct span list, proto;
	enum parse_rc rc;
	bool first = true;

	rc = span_vec(body, 2, &list);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(body) != 0 || span_declared(&list) < 2)
		return PARSE_MALFORMED;
	while (span_declared(&list) > 0) {
		rc = span_vec(&list, 1, &proto);
		if (rc != PARSE_OK)
			return rc;
		if (span_declared(&proto) == 0)
			return PARSE_MALFORMED;
		if (first) {
			rc = span_view(&proto, &out->alpn);
			if (rc != PARSE_OK)
				return rc;
			first = false;
		}
	}
	out->has_alpn = true;
	return PARSE_OK;
}

/*
 * tls_ext_one - dispatch one extension body.  A second copy of an extension
 * we interpret is malformed (RFC 8446 §4.2: at most one of each type); the
 * ECH payload is opaque to us and only its presence matters.  A server that
 * does not know ECH ignores the extension, so its contents are not checked:
 * rejecting them would only give a fail-open policy something to skip.
 */
static enum parse_rc tls_ext_one(uint16_t type, struct span *body, unsigned *seen,
				 struct tls_hello *out)
{
	unsigned bit;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		bit = SEEN_SNI;
		break;
	case TLS_EXT_ALPN:
		bit = SEEN_ALPN;
		break;
	case TLS_EXT_ECH:
		bit = SEEN_ECH;
		break;
	default:
		return PARSE_OK;
	}
	if (*seen & bit)
		return PARSE_MALFORMED;
	*seen |= bit;
	if (bit == SEEN_SNI)
		return tls_ext_sni(body, out);
	if (bit == SEEN_ALPN)
		return tls_ext_alpn(body, out);
	out->has_ech = true;
	return PARSE_OK;
}

/*
 *   struct {
 *       ExtensionType extension_type;   -- uint16
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 *   Extension extensions<8..2^16-1>;
 *
 * Unknown and GREASE types are skipped after their length is checked.
 * GREASE entries are not counted in n_extensions: their number and place
 * vary between connections of the same client.
 */
static enum parse_rc tls_extensions(struct span *exts, struct tls_hello *out)
{
	unsigned seen = 0;

	while (span_declared(exts) > 0) {
		struct span body;
		enum parse_rc rc;
		uint16_t type;

		rc = span_need(exts, 4);
		if (rc != PARSE_OK)
			return rc;
		type = cur_u16(&exts->c);
		rc = span_vec(exts, 2, &body);
		if (rc != PARSE_OK)
			return rc;
		if (!tls_is_grease(type))
			out->n_extensions++;
		rc = tls_ext_one(type, &body, &seen, out);
		if (rc != PARSE_OK)
			return rc;
	}
	return PARSE_OK;
}

/*
 * ClientHello body (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 for older clients):
 *
 *   +---------+--------+---------+---------------+-------------+------------+
 *   | legacy  | random | sess_id | cipher_suites | compression | extensions |
 *   | version |  (32)  | <0..32> | <2..2^16-2>   | <1..2^8-1>  | <0..2^16-1>|
 *   +---------+--------+---------+---------------+-------------+------------+
 *       2         32     1 + n       2 + 2k          1 + m       2 + e
 *
 * The extensions block is optional only in the SSLv3/TLS 1.0 form, where
 * the message simply ends after the compression methods (RFC 5246
 * §7.4.1.2); if present its length must reach the end of the message.
 */
static enum parse_rc tls_hello_body(struct span *h, struct tls_hello *out)
{
	struct span v;
	enum parse_rc rc;

	rc = span_need(h, 2);
	if (rc != PARSE_OK)
		return rc;
	out->legacy_version = cur_u16(&h->c);
	if (out->legacy_version >> 8 != 3)
		return PARSE_MALFORMED;
	rc = span_need(h, 32);
	if (rc != PARSE_OK)
		return rc;
	cur_skip(&h->c, 32);

	rc = span_vec(h, 1, &v);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(&v) > TLS_SESSION_ID_MAX)
		return PARSE_MALFORMED;

	rc = span_vec(h, 2, &v);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(&v) < 2 || span_declared(&v) % 2)
		return PARSE_MALFORMED;

	rc = span_vec(h, 1, &v);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(&v) < 1)
		return PARSE_MALFORMED;

	if (span_declared(h) == 0)
		return PARSE_OK;
	rc = span_vec(h, 2, &v);
	if (rc != PARSE_OK)
		return rc;
	if (span_declared(h) != 0)
		return PARSE_MALFORMED;
	return tls_extensions(&v, out);
}

/*
 * Handshake header (RFC 8446 §4):
 *
 *   +----------+-------------------+---------------------+
 *   | msg_type | length (uint24)   | ClientHello body... |
 *   +----------+-------------------+---------------------+
 */
enum parse_rc tls_parse_handshake(const uint8_t *p, size_t len, struct tls_hello *out)
{
	struct cur c = cur_init(p, len);
	struct span body;
	enum parse_rc rc;
	uint32_t body_len;
	size_t have;

	memset(out, 0, sizeof(*out));
	if (cur_left(&c) == 0)
		return PARSE_NEED_MORE;
	if (cur_u8(&c) != TLS_HS_CLIENT_HELLO)
		return PARSE_NOT_MINE;
	if (cur_left(&c) < 3)
		return PARSE_NEED_MORE;
	body_len = cur_u24(&c);
	if (body_len < TLS_HELLO_MIN_BODY)
		return PARSE_MALFORMED;

	have = cur_left(&c) < body_len ? cur_left(&c) : body_len;
	body.c = cur_sub(&c, have);
	body.missing = body_len - have;
	rc = tls_hello_body(&body, out);
	/* Extensions skipped unread may still be cut: only a whole hello is OK. */
	if (rc == PARSE_OK && have < body_len)
		rc = PARSE_NEED_MORE;
	if (rc != PARSE_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * Record header (RFC 8446 §5.1):
 *
 *   +------+---------+---------+------------------+
 *   | type | version | length  | fragment...      |
 *   |  22  | 3, any  | uint16  |                  |
 *   +------+---------+---------+------------------+
 *
 * tls_record_hdr - check the header at @c, which may be cut; the bytes that
 * are present are checked all the same.  A wrong type or version on the
 * first record means the stream is not TLS; later it means the hello was
 * interleaved with something else, which RFC 8446 §5.1 forbids.
 */
static enum parse_rc tls_record_hdr(struct cur *c, bool first, size_t *plen)
{
	enum parse_rc foreign = first ? PARSE_NOT_MINE : PARSE_MALFORMED;
	struct cur h = *c;
	size_t have = cur_left(&h);
	uint16_t n;

	if (have == 0)
		return PARSE_NEED_MORE;
	if (cur_u8(&h) != TLS_CT_HANDSHAKE)
		return foreign;
	if (have < 2)
		return PARSE_NEED_MORE;
	if (cur_u8(&h) != 3)
		return foreign;
	cur_skip(&h, 1);
	if (have == 4 && (size_t)cur_u8(&h) << 8 > TLS_RECORD_MAX)
		return PARSE_MALFORMED;
	if (have < TLS_RECORD_HDR)
		return PARSE_NEED_MORE;
	n = cur_u16(&h);
	/* Zero-length handshake fragments are forbidden (RFC 8446 §5.1). */
	if (n == 0 || n > TLS_RECORD_MAX)
		return PARSE_MALFORMED;
	*c = h;
	*plen = n;
	return PARSE_OK;
}

/* Handshake bytes being gathered from several records into the scratch. */
struct tls_join {
	uint8_t *buf;
	size_t have;		/* bytes copied so far */
	size_t want;		/* the whole message, once its header is known */
};

/*
 * tls_hs_peek - once @n >= 4 handshake bytes are known, check the type
 * and the declared size.  A hello that cannot fit the scratch cannot be
 * joined, so it is refused rather than half-inspected.
 */
static enum parse_rc tls_hs_peek(const uint8_t *p, size_t n, size_t *want)
{
	struct cur c = cur_init(p, n);

	if (n >= 1 && cur_u8(&c) != TLS_HS_CLIENT_HELLO)
		return PARSE_NOT_MINE;
	if (n < TLS_HS_HDR)
		return PARSE_OK;
	*want = TLS_HS_HDR + (size_t)cur_u24(&c);
	if (*want > TLS_SCRATCH)
		return PARSE_MALFORMED;
	return PARSE_OK;
}

/* tls_join_frag - append one record fragment, up to the end of the hello. */
static enum parse_rc tls_join_frag(struct tls_join *j, struct cur *frag)
{
	while (j->have < j->want && cur_left(frag) > 0) {
		size_t n = j->want - j->have;
		bool hdr_known = j->have >= TLS_HS_HDR;
		enum parse_rc rc;

		if (n > cur_left(frag))
			n = cur_left(frag);
		cur_copy(frag, j->buf + j->have, n);
		j->have += n;
		if (hdr_known)
			continue;
		/* Until the header is complete want is TLS_HS_HDR. */
		rc = tls_hs_peek(j->buf, j->have, &j->want);
		if (rc != PARSE_OK)
			return rc;
	}
	return PARSE_OK;
}

/*
 * The client's first flight on TCP:
 *
 *   | hdr | ClientHello ......... | hdr | ...hello cont'd | hdr | CCS ...
 *   '---- record 1 (type 22) -----'---- record 2 (22) ----'---- ignored
 *
 * A hello inside the first record is parsed in place.  Only when it spans
 * records and the buffer reaches past the first one are the fragments
 * copied into @scratch.  Records after the hello are not looked at.
 */
enum parse_rc tls_parse_records(const uint8_t *p, size_t len, uint8_t *scratch,
				struct tls_hello *out)
{
	struct cur c = cur_init(p, len);
	struct tls_join j = { .buf = scratch, .have = 0, .want = TLS_HS_HDR };
	struct cur frag;
	enum parse_rc rc;
	size_t rlen, want = 0;

	memset(out, 0, sizeof(*out));
	rc = tls_record_hdr(&c, true, &rlen);
	if (rc != PARSE_OK)
		return rc;
	frag = cur_sub(&c, rlen < cur_left(&c) ? rlen : cur_left(&c));
	rc = tls_hs_peek(cur_ptr(&frag), cur_left(&frag), &want);
	if (rc != PARSE_OK)
		return rc;
	if ((want && want <= rlen) || cur_left(&c) == 0)
		return tls_parse_handshake(cur_ptr(&frag), cur_left(&frag), out);

	rc = tls_join_frag(&j, &frag);
	while (rc == PARSE_OK && j.have < j.want && cur_left(&c) > 0) {
		rc = tls_record_hdr(&c, false, &rlen);
		if (rc != PARSE_OK)
			break;
		frag = cur_sub(&c, rlen < cur_left(&c) ? rlen : cur_left(&c));
		rc = tls_join_frag(&j, &frag);
	}
	if (rc != PARSE_OK)
		return rc;
	return tls_parse_handshake(j.buf, j.have, out);
}

bool tls_sniff(const uint8_t *p, size_t len)
{
	struct cur c = cur_init(p, len);

	if (cur_left(&c) < 3)
		return false;
	if (cur_u8(&c) != TLS_CT_HANDSHAKE || cur_u8(&c) != 3)
		return false;
	return cur_u8(&c) <= 4;
}
