// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_dns.c - DNS message parser (RFC 1035 §4): header, questions and
 * resource records, names decoded to canonical text through name.h.
 *
 * This runs on every DNS packet the filter sees, so it never allocates,
 * never copies more than the decoded names and addresses, and reads the
 * message only through struct cur.  Everything in the message is hostile:
 * counts are capped by the bytes actually present before any loop, and a
 * compression pointer can only lead to a bounded amount of work (hop limit
 * plus the 253-byte name limit).
 *
 * Header, RFC 1035 §4.1.1 (AD and CD from RFC 4035 §3.2; 12 bytes):
 *
 *                                   1  1  1  1  1  1
 *     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      ID                       |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    QDCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    ANCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    NSCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                    ARCOUNT                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * followed by QDCOUNT questions (§4.1.2), then ANCOUNT answer, NSCOUNT
 * authority and ARCOUNT additional resource records (§4.1.3).
 */
#include <string.h>

#include "cursor.h"
#include "parse_dns.h"

/*
 * The smallest possible question is the root name (one zero byte) plus
 * QTYPE and QCLASS; the smallest record is the root owner plus TYPE, CLASS,
 * TTL and RDLENGTH with empty RDATA.  Used to cap header counts.
 */
#define DNS_MIN_QUESTION (1 + 2 + 2)
#define DNS_MIN_RR (1 + 2 + 2 + 4 + 2)

/* Top two bits of a length octet, RFC 1035 §4.1.4 and RFC 6891 §5. */
#define DNS_LABEL_MASK 0xc0
#define DNS_LABEL_PTR 0xc0

static enum parse_rc fail(struct dns_iter *it, enum parse_rc rc)
{
	it->err = rc;
	return rc;
}

/*
 * walk_name - follow the name starting at @off, RFC 1035 §3.1 and §4.1.4.
 *
 * A name is a sequence of labels, each a length octet and that many bytes,
 * ended by the zero-length root label or by a compression pointer:
 *
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     | 1  1|                OFFSET                   |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * OFFSET counts from the first byte of the message.  Length octets starting
 * 01 (the withdrawn extended labels of RFC 2671/6891 §5) or 10 (reserved)
 * are malformed.
 *
 * Pointers may go forwards as well as backwards: real stub resolvers send
 * queries whose first QNAME points at a later question.  So "strictly
 * backwards" cannot be the loop guard; instead at most DNS_MAX_HOPS pointers
 * are followed, and the 253-byte limit stops loops that add labels.  A
 * pointer into the header is malformed: no name can live there.
 *
 * The part of the name that sits at @off (up to the root label or the first
 * pointer) must end by @limit; pointer targets may be anywhere in the
 * message.  *@next is set to the first byte after that in-place part.
 * Labels go to @b; with @b NULL the name is only validated (same limits).
 */
static enum parse_rc walk_name(const uint8_t *msg, size_t len, size_t off, size_t limit,
			       struct name_builder *b, size_t *next)
{
	struct cur c = cur_init(msg + off, limit - off);
	size_t wire = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		const uint8_t *label;
		size_t target;
		uint8_t l = cur_u8(&c);

		if (!cur_ok(&c))
			return PARSE_TRUNCATED;
		if (l == 0)
			break;

		if ((l & DNS_LABEL_MASK) == DNS_LABEL_PTR) {
			target = (size_t)(l & 0x3f) << 8 | cur_u8(&c);
			if (!cur_ok(&c))
				return PARSE_TRUNCATED;
			if (!jumped) {
				/* The record continues after the first pointer. */
				*next = limit - cur_left(&c);
				jumped = true;
			}
			if (++hops > DNS_MAX_HOPS || target < DNS_HDR_LEN || target >= len)
				return PARSE_MALFORMED;
			c = cur_init(msg + target, len - target);
			continue;
		}
		if (l & DNS_LABEL_MASK)
			return PARSE_MALFORMED;

		label = cur_bytes(&c, l);
		if (!label)
			return PARSE_TRUNCATED;
		if (b) {
			/* The builder enforces 63/253 and rejects NUL bytes. */
			if (name_add_label(b, label, l) != PARSE_OK)
				return PARSE_MALFORMED;
		} else {
			wire += l + (wire ? 1 : 0);
			if (wire > NAME_MAX_WIRE || memchr(label, 0, l))
				return PARSE_MALFORMED;
		}
	}
	if (!jumped)
		*next = limit - cur_left(&c);
	return PARSE_OK;
}

/* decode_name - walk_name() into @out as canonical text; @out is "" on error. */
static enum parse_rc decode_name(const struct dns_iter *it, size_t off, size_t limit,
				 char *out, size_t *outlen, size_t *next)
{
	struct name_builder b;
	enum parse_rc rc;

	name_begin(&b, out);
	rc = walk_name(it->msg, it->len, off, limit, &b, next);
	if (rc == PARSE_OK)
		return name_end(&b, outlen);
	out[0] = '\0';
	*outlen = 0;
	return rc;
}

enum parse_rc dns_begin(struct dns_iter *it, const uint8_t *msg, size_t len)
{
	struct cur c = cur_init(msg, len);
	struct dns_header *h = &it->hdr;
	size_t need;

	it->msg = msg;
	it->len = cur_left(&c);
	it->off = 0;
	it->q_done = 0;
	it->rr_done = 0;
	it->err = PARSE_OK;

	h->id = cur_u16(&c);
	h->flags = cur_u16(&c);
	h->qdcount = cur_u16(&c);
	h->ancount = cur_u16(&c);
	h->nscount = cur_u16(&c);
	h->arcount = cur_u16(&c);
	if (!cur_ok(&c))
		return fail(it, PARSE_TRUNCATED);

	/*
	 * Cap the counts by what could possibly fit (Knot pkt.c does the same):
	 * a 30-byte packet claiming 65535 records is lying, and saying so now
	 * saves walking it.  At most 65535 * (5 + 3 * 11): no overflow.
	 */
	need = (size_t)h->qdcount * DNS_MIN_QUESTION +
	       ((size_t)h->ancount + h->nscount + h->arcount) * DNS_MIN_RR;
	if (need > cur_left(&c))
		return fail(it, PARSE_MALFORMED);

	it->off = DNS_HDR_LEN;
	return PARSE_OK;
}

/*
 * Question, RFC 1035 §4.1.2:
 *
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   /                     QNAME                     /   labels or pointer
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                     QTYPE                     |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                     QCLASS                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 */
enum parse_rc dns_next_question(struct dns_iter *it, struct dns_question *q)
{
	struct cur c;
	enum parse_rc rc;
	size_t next;

	if (it->err != PARSE_OK)
		return it->err;
	if (it->q_done >= it->hdr.qdcount)
		return PARSE_NOT_MINE;

	rc = decode_name(it, it->off, it->len, q->name, &q->name_len, &next);
	if (rc != PARSE_OK)
		return fail(it, rc);

	c = cur_init(it->msg + next, it->len - next);
	q->qtype = cur_u16(&c);
	q->qclass = cur_u16(&c);
	if (!cur_ok(&c))
		return fail(it, PARSE_TRUNCATED);

	it->off = it->len - cur_left(&c);
	it->q_done++;
	return PARSE_OK;
}

/* skip_question - step over a question without building its text. */
static enum parse_rc skip_question(struct dns_iter *it)
{
	struct cur c;
	enum parse_rc rc;
	size_t next;

	rc = walk_name(it->msg, it->len, it->off, it->len, NULL, &next);
	if (rc != PARSE_OK)
		return rc;
	c = cur_init(it->msg + next, it->len - next);
	cur_skip(&c, 4);	/* QTYPE, QCLASS */
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	it->off = it->len - cur_left(&c);
	it->q_done++;
	return PARSE_OK;
}

/*
 * decode_rdata - check RDATA against its type and decode what the engine
 * uses.  The RDATA bytes are known to be inside the message, so any
 * inconsistency here is PARSE_MALFORMED, never PARSE_TRUNCATED.
 *
 *  - A (RFC 1035 §3.4.1) and AAAA (RFC 3596 §2.2): a 4- or 16-byte address.
 *    Both formats are defined for class IN only (other classes, e.g. CH A,
 *    differ), so other classes are left undecoded.  The top bit of the
 *    class is ignored: mDNS uses it as its cache-flush flag (RFC 6762
 *    §10.2) and no unicast class has it set.
 *  - CNAME (RFC 1035 §3.3.1, any class): one name, compressed or not, that
 *    fills RDLENGTH exactly.
 *  - OPT (RFC 6891 §6.1.2): {code, length, data} options that fill RDLENGTH
 *    exactly; the options themselves are skipped.
 */
static enum parse_rc decode_rdata(const struct dns_iter *it, struct dns_rr *rr, size_t rdoff)
{
	struct cur rd = cur_init(rr->rdata.p, rr->rdata.len);
	bool in = (rr->rclass & 0x7fff) == DNS_C_IN;
	size_t next;

	rr->target[0] = '\0';
	rr->target_len = 0;
	memset(rr->addr, 0, sizeof(rr->addr));

	switch (rr->type) {
	case DNS_T_A:
		if (!in)
			break;
		if (rr->rdata.len != 4)
			return PARSE_MALFORMED;
		cur_copy(&rd, rr->addr, 4);
		break;
	case DNS_T_AAAA:
		if (!in)
			break;
		if (rr->rdata.len != 16)
			return PARSE_MALFORMED;
		cur_copy(&rd, rr->addr, 16);
		break;
	case DNS_T_CNAME:
		if (decode_name(it, rdoff, rdoff + rr->rdata.len, rr->target, &rr->target_len,
				&next) != PARSE_OK ||
		    next != rdoff + rr->rdata.len)
			return PARSE_MALFORMED;
		break;
	case DNS_T_OPT:
		while (cur_left(&rd)) {
			cur_u16(&rd);			/* OPTION-CODE */
			cur_skip(&rd, cur_u16(&rd));	/* OPTION-LENGTH, OPTION-DATA */
			if (!cur_ok(&rd))
				return PARSE_MALFORMED;
		}
		break;
	default:
		break;
	}
	return PARSE_OK;
}

/*
 * Resource record, RFC 1035 §4.1.3:
 *
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   /                      NAME                     /   owner, labels or pointer
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      TYPE                     |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                     CLASS                     |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      TTL                      |   32 bits, returned raw
 *   |                                               |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                   RDLENGTH                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--|
 *   /                     RDATA                     /
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 */
enum parse_rc dns_next_rr(struct dns_iter *it, struct dns_rr *rr)
{
	const struct dns_header *h = &it->hdr;
	unsigned total = (unsigned)h->ancount + h->nscount + h->arcount;
	struct cur c;
	enum parse_rc rc;
	size_t next, rdlen;

	if (it->err != PARSE_OK)
		return it->err;
	while (it->q_done < h->qdcount) {
		rc = skip_question(it);
		if (rc != PARSE_OK)
			return fail(it, rc);
	}
	if (it->rr_done >= total)
		return PARSE_NOT_MINE;

	if (it->rr_done < h->ancount)
		rr->section = DNS_SEC_ANSWER;
	else if (it->rr_done < (unsigned)h->ancount + h->nscount)
		rr->section = DNS_SEC_AUTHORITY;
	else
		rr->section = DNS_SEC_ADDITIONAL;

	rc = decode_name(it, it->off, it->len, rr->name, &rr->name_len, &next);
	if (rc != PARSE_OK)
		return fail(it, rc);

	c = cur_init(it->msg + next, it->len - next);
	rr->type = cur_u16(&c);
	rr->rclass = cur_u16(&c);
	rr->ttl = cur_u32(&c);
	rdlen = cur_u16(&c);
	rr->rdata.p = cur_bytes(&c, rdlen);
	rr->rdata.len = rdlen;
	if (!cur_ok(&c)) {
		rr->rdata.len = 0;
		return fail(it, PARSE_TRUNCATED);
	}

	rc = decode_rdata(it, rr, it->len - cur_left(&c) - rdlen);
	if (rc != PARSE_OK)
		return fail(it, rc);

	it->off = it->len - cur_left(&c);
	it->rr_done++;
	return PARSE_OK;
}

bool dns_answer_has_type(const struct dns_iter *it, uint16_t type)
{
	struct dns_iter w = *it;
	size_t next, rdlen;
	struct cur c;

	if (w.err != PARSE_OK)
		return false;
	while (w.q_done < w.hdr.qdcount)
		if (skip_question(&w) != PARSE_OK)
			return false;
	/* Names are validated, not decoded: this is the cheap first look. */
	for (; w.rr_done < w.hdr.ancount; w.rr_done++) {
		if (walk_name(w.msg, w.len, w.off, w.len, NULL, &next) != PARSE_OK)
			return false;
		c = cur_init(w.msg + next, w.len - next);
		if (cur_u16(&c) == type && cur_ok(&c))
			return true;
		cur_skip(&c, 6);	/* class, TTL */
		rdlen = cur_u16(&c);
		cur_skip(&c, rdlen);
		if (!cur_ok(&c))
			return false;
		w.off = w.len - cur_left(&c);
	}
	return false;
}

bool dns_looks_like_query(const uint8_t *msg, size_t len)
{
	struct dns_iter it;
	size_t next;

	/* dns_begin() already rejects counts that cannot fit in @len. */
	if (dns_begin(&it, msg, len) != PARSE_OK)
		return false;
	/* Opcodes 0..5: QUERY, IQUERY, STATUS, (3 unassigned), NOTIFY, UPDATE. */
	if (dns_is_response(&it.hdr) || dns_opcode(&it.hdr) > 5)
		return false;
	if (it.hdr.qdcount < 1 || it.hdr.qdcount > 16)
		return false;
	if (walk_name(msg, it.len, DNS_HDR_LEN, it.len, NULL, &next) != PARSE_OK)
		return false;
	return it.len - next >= 4;	/* QTYPE and QCLASS present */
}
