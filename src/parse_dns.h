// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_dns.h - DNS messages (RFC 1035 §4): header, questions and answer
 * records, with names decoded into canonical text (name.h).
 *
 * Zero allocations: the caller provides the name buffers.  Names may use
 * compression pointers (RFC 1035 §4.1.4) in any section, forwards or
 * backwards; a pointer must point inside the message and past the 12-byte
 * header, and at most DNS_MAX_HOPS pointers are followed per name, so loops
 * end as PARSE_MALFORMED.  Bytes after the last counted record are ignored.
 */
#ifndef EMBARGO_PARSE_DNS_H
#define EMBARGO_PARSE_DNS_H

#include <stdbool.h>
#include "name.h"
#include "parse.h"

#define DNS_HDR_LEN 12
#define DNS_MAX_HOPS 32

enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33,
	DNS_T_OPT = 41, DNS_T_SVCB = 64, DNS_T_HTTPS = 65, DNS_T_ANY = 255,
};

enum { DNS_C_IN = 1 };

struct dns_header {
	uint16_t id;
	uint16_t flags;		/* QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode */
	uint16_t qdcount, ancount, nscount, arcount;
};

static inline bool dns_is_response(const struct dns_header *h) { return (h->flags & 0x8000) != 0; }
static inline unsigned dns_opcode(const struct dns_header *h) { return (h->flags >> 11) & 0xf; }
static inline unsigned dns_rcode(const struct dns_header *h) { return h->flags & 0xf; }

/*
 * struct dns_iter - walks one message.  dns_begin() reads the header;
 * dns_next_question() returns each question in turn; after the questions,
 * dns_next_rr() returns answer-section records (then authority and
 * additional, with @section telling which).  The message bytes must stay
 * valid while the iterator is used.
 */
struct dns_iter {
	const uint8_t *msg;
	size_t len;
	size_t off;		/* next unread byte */
	struct dns_header hdr;
	unsigned q_done;	/* questions returned so far */
	unsigned rr_done;	/* records returned so far (all sections) */
	enum parse_rc err;	/* sticky: PARSE_OK while usable, else the first error */
};

struct dns_question {
	char name[NAME_MAX_TEXT];	/* canonical text; "" for the root */
	size_t name_len;
	uint16_t qtype, qclass;
};

enum dns_section { DNS_SEC_ANSWER = 1, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL };

struct dns_rr {
	char name[NAME_MAX_TEXT];	/* owner, canonical text */
	size_t name_len;
	uint16_t type, rclass;
	uint32_t ttl;
	enum dns_section section;
	struct bytes rdata;		/* raw RDATA view into the message */
	/* Decoded RDATA for the types the engine uses: */
	char target[NAME_MAX_TEXT];	/* CNAME target (type 5), else "" */
	size_t target_len;
	uint8_t addr[16];		/* A: 4 bytes, AAAA: 16 bytes */
};

/*
 * dns_begin - check and read the 12-byte header of the message at @msg.
 * Counts are capped: a message claiming more questions/records than could
 * fit in @len bytes is PARSE_MALFORMED.  Returns PARSE_OK, PARSE_TRUNCATED
 * (shorter than a header) or PARSE_MALFORMED.
 */
enum parse_rc dns_begin(struct dns_iter *it, const uint8_t *msg, size_t len);

/*
 * dns_next_question - decode the next question into @q.  Returns PARSE_OK,
 * PARSE_NOT_MINE when all qdcount questions were returned, PARSE_TRUNCATED
 * when the message ends inside the question, PARSE_MALFORMED for a bad name
 * (label type 0x40/0x80, pointer out of range or looping, name too long,
 * NUL byte in a label).  After an error the iterator stays in error.
 */
enum parse_rc dns_next_question(struct dns_iter *it, struct dns_question *q);

/*
 * dns_next_rr - decode the next resource record (skipping any questions not
 * yet read).  Returns PARSE_OK, PARSE_NOT_MINE when all records were
 * returned, PARSE_TRUNCATED or PARSE_MALFORMED as above; RDATA lengths are
 * checked against the message and against the type (A = 4, AAAA = 16, both
 * decoded into @addr for class IN only; a CNAME target, decoded into
 * @target, must fill RDATA exactly; OPT options must fill RDATA exactly).
 * @target is "" and @addr all zero for other records.  TTL is the raw
 * 32-bit value (RFC 2181 §8 clamping is left to the caller).
 */
enum parse_rc dns_next_rr(struct dns_iter *it, struct dns_rr *rr);

/*
 * dns_answer_has_type - true if a record of @type is in the answer section
 * of the message @it walks (from wherever @it stands; @it is not moved).
 * Names are validated but not decoded, so this is much cheaper than
 * dns_next_rr(); any parse problem answers false.
 */
bool dns_answer_has_type(const struct dns_iter *it, uint16_t type);

/*
 * dns_looks_like_query - cheap sniff used to recognise DNS by content on
 * any port: header plausible (opcode 0..5, QR clear, 1 <= qdcount <= 16,
 * counts fit the length) and the first question name well formed.
 */
bool dns_looks_like_query(const uint8_t *msg, size_t len);

#endif
