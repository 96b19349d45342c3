// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dns.c - DNS message parser (src/parse_dns.c).
 *
 *  - hand-built messages: several questions, compression pointers backward,
 *    forward (as in a real query seen in the wild), 2-hop and 32/33-hop
 *    chains, loops, out of range, into the header, label types 0x40/0x80;
 *  - name limits through the wire (63/64-byte labels, 253/254-byte names,
 *    also when the excess comes from a compressed suffix), NUL bytes;
 *  - header count caps (exactly fits / one over);
 *  - a response with a CNAME chain, A, AAAA, NS and EDNS OPT; bad RDLENGTH
 *    for A, AAAA, CNAME and OPT;
 *  - every strict prefix of valid messages must fail cleanly (run under
 *    ASan: each buffer is an exact-size heap copy);
 *  - dns_looks_like_query() table;
 *  - ldns as an independent oracle: a few hundred seeded random queries and
 *    responses written by ldns (with its name compression), compared field
 *    by field;
 *  - seeded random mutations of valid messages: no crash, and whatever is
 *    accepted is self-consistent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "../tap.h"
#include "parse_dns.h"

/* Not util.h: its ATTR_UNUSED collides with the one in <ldns/common.h>. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Building messages by hand                                               */

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void m_u8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }

static void m_u16(struct msg *m, unsigned v)
{
	m_u8(m, v >> 8);
	m_u8(m, v & 0xff);
}

static void m_u32(struct msg *m, uint32_t v)
{
	m_u16(m, v >> 16);
	m_u16(m, v & 0xffff);
}

static void m_raw(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void m_hdr(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
		  unsigned ns, unsigned ar)
{
	m->n = 0;
	m_u16(m, id);
	m_u16(m, flags);
	m_u16(m, qd);
	m_u16(m, an);
	m_u16(m, ns);
	m_u16(m, ar);
}

/* Labels of a dotted name, without the root label ("" writes nothing). */
static void m_labels(struct msg *m, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t l = dot ? (size_t)(dot - dotted) : strlen(dotted);

		m_u8(m, (unsigned)l);
		m_raw(m, dotted, l);
		dotted += l + (dot ? 1 : 0);
	}
}

static void m_name(struct msg *m, const char *dotted)
{
	m_labels(m, dotted);
	m_u8(m, 0);
}

static void m_ptr(struct msg *m, unsigned off) { m_u16(m, 0xc000 | off); }

static void m_q(struct msg *m, unsigned type, unsigned qclass)
{
	m_u16(m, type);
	m_u16(m, qclass);
}

/* Type, class, TTL and a placeholder RDLENGTH; returns where to patch it. */
static size_t m_rr(struct msg *m, unsigned type, unsigned rclass, uint32_t ttl)
{
	size_t at;

	m_u16(m, type);
	m_u16(m, rclass);
	m_u32(m, ttl);
	at = m->n;
	m_u16(m, 0);
	return at;
}

static void m_rdlen(struct msg *m, size_t at)
{
	size_t l = m->n - at - 2;

	m->b[at] = (uint8_t)(l >> 8);
	m->b[at + 1] = (uint8_t)l;
}

/* ---------------------------------------------------------------------- */
/* Walking a whole message                                                  */

#define MAXQ 64
#define MAXRR 64

static struct {
	uint8_t *copy;		/* exact-size heap copy the iterator reads */
	struct dns_header hdr;
	unsigned nq, nrr;
	struct dns_question q[MAXQ];
	struct dns_rr rr[MAXRR];
} res;

/*
 * walk - parse the first @n bytes of @p (copied to an exact-size heap
 * buffer) with dns_begin(), every question, then every record.  Returns
 * PARSE_OK when both loops end in PARSE_NOT_MINE, else the first error.
 * With @skip_q the questions are left for dns_next_rr() to skip.
 */
static enum parse_rc walk_ex(const void *p, size_t n, bool skip_q)
{
	struct dns_iter it;
	enum parse_rc rc;

	free(res.copy);
	res.copy = malloc(n ? n : 1);
	memcpy(res.copy, p, n);
	res.nq = res.nrr = 0;

	rc = dns_begin(&it, res.copy, n);
	res.hdr = it.hdr;
	if (rc != PARSE_OK)
		return rc;
	while (!skip_q &&
	       (rc = dns_next_question(&it, &res.q[res.nq < MAXQ ? res.nq : MAXQ - 1])) ==
		       PARSE_OK)
		res.nq++;
	if (!skip_q && rc != PARSE_NOT_MINE)
		return rc;
	while ((rc = dns_next_rr(&it, &res.rr[res.nrr < MAXRR ? res.nrr : MAXRR - 1])) ==
	       PARSE_OK)
		res.nrr++;
	if (rc != PARSE_NOT_MINE)
		return rc;
	/* Done means done: both stay at NOT_MINE. */
	if (dns_next_question(&it, &res.q[0]) != PARSE_NOT_MINE ||
	    dns_next_rr(&it, &res.rr[0]) != PARSE_NOT_MINE)
		return PARSE_NEED_MORE;	/* never returned by the parser: flags the bug */
	return PARSE_OK;
}

static enum parse_rc walk(const struct msg *m) { return walk_ex(m->b, m->n, false); }

/*
 * check_prefixes - every strict prefix of a valid message must be rejected
 * (TRUNCATED or MALFORMED) through both paths, and the whole must parse.
 */
static void check_prefixes(const struct msg *m, const char *what)
{
	int bad = 0;

	for (size_t k = 0; k < m->n; k++) {
		for (int skip = 0; skip < 2; skip++) {
			enum parse_rc rc = walk_ex(m->b, k, skip);

			if (rc != PARSE_TRUNCATED && rc != PARSE_MALFORMED) {
				bad++;
				diag("%s: prefix %zu/%zu (skip %d) gave %s", what, k, m->n, skip,
				     parse_rc_str(rc));
			}
		}
	}
	is_int(0, bad, "%s: all %zu strict prefixes rejected", what, m->n);
	is_int(PARSE_OK, walk_ex(m->b, m->n, true), "%s: whole message, questions skipped", what);
	is_int(PARSE_OK, walk(m), "%s: whole message", what);
}

/* ---------------------------------------------------------------------- */

static void test_header(void)
{
	struct msg m;
	struct dns_iter it;
	struct dns_question q;
	struct dns_rr rr;

	m_hdr(&m, 0xbeef, 0x8180, 0, 0, 0, 0);
	for (size_t k = 0; k < DNS_HDR_LEN; k++)
		is_int(PARSE_TRUNCATED, walk_ex(m.b, k, false), "header: %zu bytes truncated", k);
	is_int(PARSE_TRUNCATED, dns_begin(&it, NULL, 100), "header: NULL message");
	is_int(PARSE_TRUNCATED, dns_next_question(&it, &q), "header: error is sticky (question)");
	is_int(PARSE_TRUNCATED, dns_next_rr(&it, &rr), "header: error is sticky (rr)");

	is_int(PARSE_OK, walk(&m), "header only, all counts zero");
	is_int(0xbeef, res.hdr.id, "id");
	is_int(0x8180, res.hdr.flags, "flags");
	ok(dns_is_response(&res.hdr), "QR set");
	is_int(0, dns_opcode(&res.hdr), "opcode");
	is_int(0, dns_rcode(&res.hdr), "rcode");

	/* Count caps, RFC 1035 §4.1.1: a question is >= 5 bytes, a record >= 11. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, "");
	m_q(&m, DNS_T_NS, 1);
	is_int(PARSE_OK, walk(&m), "qd=1 in exactly 5 bytes (root question)");
	is_int(1, res.nq, "root question returned");
	is_str("", res.q[0].name, "root name is \"\"");
	is_int(0, res.q[0].name_len, "root name length");
	is_int(PARSE_MALFORMED, walk_ex(m.b, m.n - 1, false), "qd=1 in 4 bytes: cap");
	m.b[5] = 2;
	is_int(PARSE_MALFORMED, walk(&m), "qd=2 in 5 bytes: cap");

	m_hdr(&m, 1, 0x8000, 0, 1, 0, 0);
	m_name(&m, "");
	m_rr(&m, 99, 1, 0);
	is_int(PARSE_OK, walk(&m), "an=1 in exactly 11 bytes");
	is_int(1, res.nrr, "one record");
	is_int(0, res.rr[0].rdata.len, "empty RDATA");
	is_int(PARSE_MALFORMED, walk_ex(m.b, m.n - 1, false), "an=1 in 10 bytes: cap");
	m.b[7] = 0;
	m.b[9] = 1;
	is_int(PARSE_OK, walk(&m), "ns=1 in 11 bytes");
	is_int(DNS_SEC_AUTHORITY, res.rr[0].section, "section authority");
	m.b[9] = 0;
	m.b[11] = 1;
	is_int(PARSE_OK, walk(&m), "ar=1 in 11 bytes");
	is_int(DNS_SEC_ADDITIONAL, res.rr[0].section, "section additional");
	m.b[7] = 1;
	is_int(PARSE_MALFORMED, walk(&m), "an=1 + ar=1 in 11 bytes: cap");

	m_hdr(&m, 1, 0, 0xffff, 0xffff, 0xffff, 0xffff);
	is_int(PARSE_MALFORMED, walk(&m), "all counts 65535 in a bare header");
}

static void test_questions(void)
{
	struct msg m;

	/* Three questions: plain, backward pointer, label + pointer to a suffix. */
	m_hdr(&m, 7, 0x0100, 3, 0, 0, 0);
	m_name(&m, "WWW.Example.COM");			/* at 12 */
	m_q(&m, DNS_T_A, 1);
	m_ptr(&m, 12);
	m_q(&m, DNS_T_AAAA, 1);
	m_labels(&m, "mail");
	m_ptr(&m, 16);					/* "example.com" inside the first */
	m_q(&m, DNS_T_HTTPS, 1);
	is_int(PARSE_OK, walk(&m), "three questions");
	is_int(3, res.nq, "three returned");
	is_str("www.example.com", res.q[0].name, "q1 lower-cased");
	is_int(15, res.q[0].name_len, "q1 length");
	is_int(DNS_T_A, res.q[0].qtype, "q1 type");
	is_int(1, res.q[0].qclass, "q1 class");
	is_str("www.example.com", res.q[1].name, "q2 backward pointer");
	is_int(DNS_T_AAAA, res.q[1].qtype, "q2 type after the pointer");
	is_str("mail.example.com", res.q[2].name, "q3 label + pointer to suffix");
	is_int(DNS_T_HTTPS, res.q[2].qtype, "q3 type");
	ok(dns_looks_like_query(m.b, m.n), "three questions look like a query");
	check_prefixes(&m, "three questions");

	/*
	 * Forward pointer: the first QNAME points at the second question, the
	 * shape of a real query (Suricata test dns-forward-pointer).
	 */
	m_hdr(&m, 0x8e04, 0x0100, 2, 0, 0, 0);
	m_ptr(&m, 18);
	m_q(&m, DNS_T_A, 1);
	m_name(&m, "codemonkey.net");			/* at 18 */
	m_q(&m, DNS_T_A, 1);
	is_int(PARSE_OK, walk(&m), "forward pointer");
	is_str("codemonkey.net", res.q[0].name, "forward pointer target");
	is_str("codemonkey.net", res.q[1].name, "second question");
	ok(dns_looks_like_query(m.b, m.n), "forward pointer query looks like a query");
	check_prefixes(&m, "forward pointer");

	/* Questions skipped by dns_next_rr() still get validated. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, "a");
	m_q(&m, 1, 1);
	m.b[12] = 0x40;
	is_int(PARSE_MALFORMED, walk_ex(m.b, m.n, true), "bad question caught when skipped");
}

static void test_pointers(void)
{
	static const struct {
		const char *what;
		uint8_t name[8];	/* the first QNAME, at offset 12 */
		size_t len;
		enum parse_rc rc;
	} t[] = {
		{ "self loop", { 0xc0, 12 }, 2, PARSE_MALFORMED },
		{ "two-pointer loop", { 0xc0, 14, 0xc0, 12 }, 4, PARSE_MALFORMED },
		{ "label loop", { 1, 'a', 0xc0, 12 }, 4, PARSE_MALFORMED },
		{ "pointer into the header", { 0xc0, 11 }, 2, PARSE_MALFORMED },
		{ "pointer to offset 0", { 0xc0, 0 }, 2, PARSE_MALFORMED },
		{ "pointer high offset bits", { 0xff, 0xff }, 2, PARSE_MALFORMED },
		{ "label type 0x40", { 0x41, 'a' }, 2, PARSE_MALFORMED },
		{ "label type 0x80", { 0x81, 'a' }, 2, PARSE_MALFORMED },
		{ "0x40 after a label", { 1, 'a', 0x40 }, 3, PARSE_MALFORMED },
		{ "0x80 after a label", { 1, 'a', 0x80 }, 3, PARSE_MALFORMED },
		{ "NUL byte in a label", { 3, 'a', 0, 'b', 0 }, 5, PARSE_MALFORMED },
		{ "pointer to a root label", { 0xc0, 14, 0 }, 3, PARSE_OK },
	};
	struct msg m;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		m_hdr(&m, 1, 0, 1, 0, 0, 0);
		m_raw(&m, t[i].name, t[i].len);
		m_q(&m, 1, 1);
		is_int(t[i].rc, walk(&m), "pointer: %s", t[i].what);
		is_int(t[i].rc == PARSE_OK, dns_looks_like_query(m.b, m.n),
		       "pointer: %s: looks_like_query", t[i].what);
	}

	/* Out of range: a pointer to the last byte is inside, to len is not. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_ptr(&m, 12 + 6);
	m_q(&m, 1, 1);
	m_u8(&m, 0);				/* at 18: the last byte, a root label */
	is_int(PARSE_OK, walk(&m), "pointer to the last byte of the message");
	is_str("", res.q[0].name, "pointer to the last byte decodes");
	is_int(1, res.nq, "the question itself parsed");
	m.b[13] = 12 + 7;
	is_int(PARSE_MALFORMED, walk(&m), "pointer to offset len: out of range");
	is_int(0, res.nq, "no question returned");
	m.b[13] = 12 + 6;
	is_int(PARSE_MALFORMED, walk_ex(m.b, m.n - 1, false), "pointer to len after truncation");

	/* A pointer whose target runs off the end of the message. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_ptr(&m, 18);
	m_q(&m, 1, 1);
	m_u8(&m, 5);
	m_raw(&m, "ab", 2);
	is_int(PARSE_TRUNCATED, walk(&m), "pointer target label runs off the end");

	/*
	 * Chains: question 0 holds "a"; question i is a pointer to question
	 * i-1's name, so reading question k follows k pointers.
	 */
	static const unsigned chains[] = { 1, 2, DNS_MAX_HOPS - 1, DNS_MAX_HOPS, DNS_MAX_HOPS + 1 };

	for (size_t c = 0; c < ARRAY_SIZE(chains); c++) {
		unsigned hops = chains[c], at = 12;

		m_hdr(&m, 1, 0, hops + 1, 0, 0, 0);
		m_name(&m, "a");
		m_q(&m, 1, 1);
		for (unsigned i = 1; i <= hops; i++) {
			m_ptr(&m, at);
			at = (unsigned)m.n - 2;
			m_q(&m, 1, 1);
		}
		is_int(hops <= DNS_MAX_HOPS ? PARSE_OK : PARSE_MALFORMED, walk(&m),
		       "chain of %u hops", hops);
		is_int(hops <= DNS_MAX_HOPS ? hops + 1 : hops, res.nq,
		       "chain of %u hops: questions returned", hops);
		is_str("a", res.q[hops <= DNS_MAX_HOPS ? hops : hops - 1].name,
		       "chain of %u hops: name", hops);
		is_int(hops + 1 <= 16, dns_looks_like_query(m.b, m.n),
		       "chain of %u hops: looks like a query only with <= 16 questions", hops);
		if (hops == 2)
			check_prefixes(&m, "2-hop chain");
	}
}

/* Name limits measured on the wire: 63/64-byte labels, 253/254-byte names. */
static void test_name_limits(void)
{
	char l63[64], l64[65], l62[63], l61[62], name[300];
	struct msg m;

	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'b', 64);
	l64[64] = '\0';
	memset(l62, 'c', 62);
	l62[62] = '\0';
	memset(l61, 'D', 61);
	l61[61] = '\0';

	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, l63);
	m_q(&m, 1, 1);
	is_int(PARSE_OK, walk(&m), "63-byte label");
	is_int(63, res.q[0].name_len, "63-byte label length");

	/* 64 can only be written as 0x40 0x..: a label type, so malformed. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, l64);
	m_q(&m, 1, 1);
	is_int(PARSE_MALFORMED, walk(&m), "64-byte label");

	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l61);
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, name);
	m_q(&m, 1, 1);
	is_int(PARSE_OK, walk(&m), "253-byte name (255 on the wire)");
	is_int(253, res.q[0].name_len, "253-byte name length");
	ok(res.q[0].name[252] == 'd' && res.q[0].name[253] == '\0', "253-byte name lower-cased");

	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l62);
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, name);
	m_q(&m, 1, 1);
	is_int(PARSE_MALFORMED, walk(&m), "254-byte name (256 on the wire)");
	ok(!dns_looks_like_query(m.b, m.n), "254-byte name does not look like a query");

	/* The same limit when the excess arrives through a compressed suffix. */
	for (int over = 0; over < 2; over++) {
		m_hdr(&m, 1, 0, 2, 0, 0, 0);
		snprintf(name, sizeof(name), "%s.%s", l63, l63);
		m_name(&m, name);			/* 127 raw bytes at 12 */
		m_q(&m, 1, 1);
		m_labels(&m, l63);
		m_labels(&m, over ? l62 : l61);
		m_ptr(&m, 12);				/* 63+1+6x+1+127 */
		m_q(&m, 1, 1);
		is_int(over ? PARSE_MALFORMED : PARSE_OK, walk(&m),
		       "compressed name of %d bytes", 253 + over);
	}

	/* A label loop adding 63 bytes per turn hits the name limit first. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_labels(&m, l63);
	m_ptr(&m, 12);
	m_q(&m, 1, 1);
	is_int(PARSE_MALFORMED, walk(&m), "63-byte label loop");
	is_str("", res.q[0].name, "failed name is \"\"");

	/* Odd bytes are escaped as in name.h. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_u8(&m, 5);
	m_raw(&m, "a.b \xff", 5);
	m_name(&m, "X");
	m_q(&m, 1, 1);
	is_int(PARSE_OK, walk(&m), "odd bytes");
	is_str("a\\046b\\032\\255.x", res.q[0].name, "odd bytes escaped");
}

/*
 * A response as a resolver would send it: CNAME chain, A, AAAA, NS in
 * authority, A glue and EDNS OPT (RFC 6891 §6.1.2) in additional.
 */
static void build_response(struct msg *m)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	size_t at, tgt;

	m_hdr(m, 0x1234, 0x8180, 1, 4, 1, 2);
	m_name(m, "www.kaspersky.com");			/* 12: www, 16: kaspersky.com */
	m_q(m, DNS_T_A, 1);

	m_ptr(m, 12);
	at = m_rr(m, DNS_T_CNAME, 1, 300);
	tgt = m->n;
	m_labels(m, "dnl-01.geo");
	m_ptr(m, 16);
	m_rdlen(m, at);

	m_ptr(m, (unsigned)tgt);
	at = m_rr(m, DNS_T_CNAME, 1, 60);
	tgt = m->n;
	m_name(m, "e1.tlgslb.com");
	m_rdlen(m, at);

	m_ptr(m, (unsigned)tgt);
	at = m_rr(m, DNS_T_A, 1, 0x7fffffff);
	m_raw(m, v4, 4);
	m_rdlen(m, at);

	m_ptr(m, (unsigned)tgt);
	at = m_rr(m, DNS_T_AAAA, 1, 0xffffffff);
	m_raw(m, v6, 16);
	m_rdlen(m, at);

	m_ptr(m, 16);
	at = m_rr(m, DNS_T_NS, 1, 86400);
	tgt = m->n;
	m_labels(m, "ns1");
	m_ptr(m, 16);
	m_rdlen(m, at);

	m_ptr(m, (unsigned)tgt);
	at = m_rr(m, DNS_T_A, 1, 86400);
	m_raw(m, v4, 4);
	m_rdlen(m, at);

	m_name(m, "");
	at = m_rr(m, DNS_T_OPT, 1232, 0x8000);	/* DO bit */
	m_u16(m, 10);				/* COOKIE */
	m_u16(m, 8);
	m_raw(m, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	m_u16(m, 3);				/* NSID, empty */
	m_u16(m, 0);
	m_rdlen(m, at);
}

static void test_response(void)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct msg m;

	build_response(&m);
	is_int(PARSE_OK, walk(&m), "response");
	is_int(1, res.nq, "response: 1 question");
	is_int(7, res.nrr, "response: 7 records");
	ok(!dns_looks_like_query(m.b, m.n), "a response is not a query");

	is_str("www.kaspersky.com", res.rr[0].name, "rr0 owner (pointer)");
	is_int(DNS_T_CNAME, res.rr[0].type, "rr0 CNAME");
	is_int(DNS_SEC_ANSWER, res.rr[0].section, "rr0 answer");
	is_int(300, res.rr[0].ttl, "rr0 ttl");
	is_str("dnl-01.geo.kaspersky.com", res.rr[0].target, "rr0 target (labels + pointer)");
	is_int(24, res.rr[0].target_len, "rr0 target length");
	is_int(13, res.rr[0].rdata.len, "rr0 rdata is the compressed form");

	is_str("dnl-01.geo.kaspersky.com", res.rr[1].name, "rr1 owner: pointer into RDATA");
	is_str("e1.tlgslb.com", res.rr[1].target, "rr1 target");
	is_int(60, res.rr[1].ttl, "rr1 ttl");

	is_str("e1.tlgslb.com", res.rr[2].name, "rr2 owner");
	is_int(DNS_T_A, res.rr[2].type, "rr2 A");
	ok(memcmp(res.rr[2].addr, v4, 4) == 0, "rr2 address 192.0.2.1");
	is_int(0x7fffffff, res.rr[2].ttl, "rr2 ttl");
	is_str("", res.rr[2].target, "rr2 no target");

	is_int(DNS_T_AAAA, res.rr[3].type, "rr3 AAAA");
	ok(memcmp(res.rr[3].addr, v6, 16) == 0, "rr3 address 2001:db8::1");
	is_int(0xffffffffu, res.rr[3].ttl, "rr3 ttl is the raw 32 bits");

	is_str("kaspersky.com", res.rr[4].name, "rr4 owner");
	is_int(DNS_T_NS, res.rr[4].type, "rr4 NS");
	is_int(DNS_SEC_AUTHORITY, res.rr[4].section, "rr4 authority");
	is_str("", res.rr[4].target, "rr4 NS target not decoded");

	is_str("ns1.kaspersky.com", res.rr[5].name, "rr5 glue owner");
	is_int(DNS_SEC_ADDITIONAL, res.rr[5].section, "rr5 additional");

	is_str("", res.rr[6].name, "rr6 OPT owner is root");
	is_int(DNS_T_OPT, res.rr[6].type, "rr6 OPT");
	is_int(1232, res.rr[6].rclass, "rr6 OPT class is the UDP size");
	is_int(0x8000, res.rr[6].ttl, "rr6 OPT ttl carries DO");
	is_int(16, res.rr[6].rdata.len, "rr6 OPT options");
	ok(res.rr[6].rdata.p == res.copy + m.n - 16, "rr6 rdata view points into the message");

	is_int(PARSE_OK, walk_ex(m.b, m.n, true), "response with questions skipped");
	is_int(7, res.nrr, "skipped: still 7 records");
	is_str("e1.tlgslb.com", res.rr[1].target, "skipped: same target");

	check_prefixes(&m, "response");
}

/* Change one byte of the response, expect @rc. */
static void patched(size_t off, unsigned v, enum parse_rc rc, const char *what)
{
	struct msg m;

	build_response(&m);
	m.b[off] = (uint8_t)v;
	is_int(rc, walk(&m), "%s", what);
}

static void test_rdlength(void)
{
	struct msg m;
	size_t at;

	/* A and AAAA: exactly 4 and 16; one short and one over are malformed. */
	static const struct {
		unsigned type, rclass, len;
		enum parse_rc rc;
	} t[] = {
		{ DNS_T_A, 1, 4, PARSE_OK },
		{ DNS_T_A, 1, 3, PARSE_MALFORMED },
		{ DNS_T_A, 1, 5, PARSE_MALFORMED },
		{ DNS_T_A, 1, 0, PARSE_MALFORMED },
		{ DNS_T_A, 0x8001, 5, PARSE_MALFORMED },	/* mDNS cache-flush IN */
		{ DNS_T_A, 3, 5, PARSE_OK },			/* CH A is another format */
		{ DNS_T_AAAA, 1, 16, PARSE_OK },
		{ DNS_T_AAAA, 1, 15, PARSE_MALFORMED },
		{ DNS_T_AAAA, 1, 17, PARSE_MALFORMED },
		{ DNS_T_AAAA, 1, 4, PARSE_MALFORMED },
		{ DNS_T_TXT, 1, 0, PARSE_OK },
		{ DNS_T_OPT, 512, 0, PARSE_OK },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		m_hdr(&m, 1, 0x8000, 0, 1, 0, 0);
		m_name(&m, "x");
		at = m_rr(&m, t[i].type, t[i].rclass, 1);
		for (unsigned k = 0; k < t[i].len; k++)
			m_u8(&m, k + 1);
		m_rdlen(&m, at);
		is_int(t[i].rc, walk(&m), "type %u class %u rdlength %u", t[i].type, t[i].rclass,
		       t[i].len);
		if (t[i].rc == PARSE_OK && t[i].type == DNS_T_A && t[i].rclass == 1)
			ok(res.rr[0].addr[0] == 1 && res.rr[0].addr[3] == 4 &&
			   res.rr[0].addr[4] == 0, "A address copied, rest zero");
		if (t[i].rc == PARSE_OK && t[i].rclass == 3)
			ok(res.rr[0].addr[0] == 0, "CH A not decoded");
	}

	/* CNAME as the last record: the name must fill RDATA exactly. */
	for (int extra = -1; extra <= 1; extra++) {
		m_hdr(&m, 1, 0x8000, 0, 1, 0, 0);
		m_name(&m, "x");
		at = m_rr(&m, DNS_T_CNAME, 1, 1);
		m_name(&m, "target.example");
		if (extra > 0)
			m_u8(&m, 0);
		m_rdlen(&m, at);
		if (extra < 0) {
			m.b[at + 1]--;	/* drop the root label */
			m.n--;
		}
		is_int(extra ? PARSE_MALFORMED : PARSE_OK, walk(&m),
		       "last CNAME, RDATA %+d byte(s) around the name", extra);
		if (!extra)
			is_str("target.example", res.rr[0].target, "last CNAME target");
	}

	/* OPT options longer than 255 bytes (RFC 7830 padding). */
	for (int extra = 0; extra <= 1; extra++) {
		m_hdr(&m, 1, 0, 0, 0, 0, 1);
		m_name(&m, "");
		at = m_rr(&m, DNS_T_OPT, 1232, 0);
		m_u16(&m, 12);
		m_u16(&m, 300);
		memset(m.b + m.n, 0xff, 300 + extra);
		m.n += 300 + extra;
		m_rdlen(&m, at);
		is_int(extra ? PARSE_MALFORMED : PARSE_OK, walk(&m),
		       "OPT with a 300-byte option, %d byte(s) left over", extra);
	}

	/* RDLENGTH beyond the message. */
	m_hdr(&m, 1, 0x8000, 0, 1, 0, 0);
	m_name(&m, "x");
	at = m_rr(&m, DNS_T_TXT, 1, 1);
	m_u8(&m, 0);
	m_rdlen(&m, at);
	m.b[at + 1]++;
	is_int(PARSE_TRUNCATED, walk(&m), "RDLENGTH one past the end");

	/* In the response: offsets of the first CNAME's RDLENGTH and the OPT. */
	build_response(&m);
	{
		size_t cname_rdlen = 12 + 19 + 4 + 2 + 8;	/* hdr, qname, q, ptr, fixed */
		size_t opt_rdlen = m.n - 16 - 2;

		is_int(13, m.b[cname_rdlen + 1], "layout: first CNAME RDLENGTH found");
		is_int(16, m.b[cname_rdlen + 2 + 11 + 1], "layout: CNAME target pointer found");
		patched(cname_rdlen + 1, 12, PARSE_MALFORMED, "CNAME RDLENGTH one short");
		patched(cname_rdlen + 1, 14, PARSE_MALFORMED, "CNAME RDLENGTH one over");
		patched(cname_rdlen + 1, 0, PARSE_MALFORMED, "CNAME RDLENGTH zero");
		patched(cname_rdlen + 2 + 11 + 1, 11, PARSE_MALFORMED,
			"CNAME target pointer into the header");
		patched(cname_rdlen + 2 + 11 + 1, 12, PARSE_OK,
			"CNAME target pointer to the QNAME");
		patched(cname_rdlen + 2, 0x41, PARSE_MALFORMED, "CNAME target label type 0x40");
		patched(opt_rdlen + 2 + 3, 9, PARSE_MALFORMED, "OPT option one over");
		patched(opt_rdlen + 2 + 3, 7, PARSE_MALFORMED, "OPT option one short");
		patched(opt_rdlen + 1, 15, PARSE_MALFORMED, "OPT RDLENGTH cuts an option header");
		patched(opt_rdlen + 1, 17, PARSE_TRUNCATED, "OPT RDLENGTH one past the end");
	}

	/* After an error every call keeps returning it. */
	{
		struct dns_iter it;
		struct dns_rr rr;
		struct dns_question q;

		build_response(&m);
		m.b[12 + 19 + 4 + 2 + 8 + 1] = 12;
		dns_begin(&it, m.b, m.n);
		is_int(PARSE_OK, dns_next_question(&it, &q), "sticky: question ok");
		is_int(PARSE_MALFORMED, dns_next_rr(&it, &rr), "sticky: bad CNAME");
		is_int(PARSE_MALFORMED, dns_next_rr(&it, &rr), "sticky: again");
		is_int(PARSE_MALFORMED, dns_next_question(&it, &q), "sticky: question too");
	}
}

static void test_looks_like_query(void)
{
	struct msg m;
	int hits = 0;
	uint8_t rnd[48];
	uint64_t s = 42;

	m_hdr(&m, 1, 0x0100, 1, 0, 0, 1);
	m_name(&m, "activation-v2.kaspersky.com");
	m_q(&m, DNS_T_A, 1);
	m_name(&m, "");
	m_rr(&m, DNS_T_OPT, 4096, 0);
	ok(dns_looks_like_query(m.b, m.n), "query with EDNS");
	ok(!dns_looks_like_query(m.b, DNS_HDR_LEN - 1), "11 bytes");
	ok(!dns_looks_like_query(NULL, 0), "NULL");
	is_int(PARSE_OK, walk(&m), "query with EDNS parses");
	is_int(DNS_T_OPT, res.rr[0].type, "OPT in additional");
	is_int(DNS_SEC_ADDITIONAL, res.rr[0].section, "OPT section");

	m.b[2] = 0x81;
	ok(!dns_looks_like_query(m.b, m.n), "QR set");
	for (unsigned op = 0; op < 16; op++) {
		m.b[2] = (uint8_t)(op << 3);
		is_int(op <= 5, dns_looks_like_query(m.b, m.n), "opcode %u", op);
	}
	m.b[2] = 0x01;

	m.b[5] = 0;
	ok(!dns_looks_like_query(m.b, m.n), "qdcount 0");

	/* 16 questions is the most a sniffed query may carry. */
	for (unsigned qd = 15; qd <= 17; qd++) {
		m_hdr(&m, 1, 0, qd, 0, 0, 0);
		for (unsigned i = 0; i < qd; i++) {
			m_name(&m, "a");
			m_q(&m, 1, 1);
		}
		is_int(qd <= 16, dns_looks_like_query(m.b, m.n), "qdcount %u", qd);
	}

	/* Name fine but QTYPE/QCLASS cut: 5 bytes fit the cap, 4 are needed. */
	m_hdr(&m, 1, 0, 1, 0, 0, 0);
	m_name(&m, "a");
	m_u16(&m, 1);
	ok(!dns_looks_like_query(m.b, m.n), "question without QCLASS");
	m_u16(&m, 1);
	ok(dns_looks_like_query(m.b, m.n), "question with QCLASS");

	/* Other protocols' first bytes. */
	ok(!dns_looks_like_query((const uint8_t *)"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27), "HTTP");
	ok(!dns_looks_like_query((const uint8_t *)"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
						  "0123456789abcdef0123456789abcdef",
				 43),
	   "TLS ClientHello");

	/* Random bytes almost never pass (fixed seed). */
	for (int i = 0; i < 20000; i++) {
		for (size_t k = 0; k < sizeof(rnd); k++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			rnd[k] = (uint8_t)s;
		}
		hits += dns_looks_like_query(rnd, sizeof(rnd));
	}
	ok(hits <= 2, "random 48-byte buffers: %d of 20000 look like DNS", hits);
}

/* ---------------------------------------------------------------------- */
/* ldns as an oracle                                                        */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A random label byte: mostly hostname characters, sometimes anything. */
static uint8_t rnd_byte(bool nul)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

	if (rnd(5))
		return (uint8_t)alpha[rnd(sizeof(alpha) - 1)];
	return nul ? (uint8_t)rnd(256) : (uint8_t)(1 + rnd(255));
}

/* A random wire name (labels + root); sometimes of the maximum length. */
static size_t rnd_name(uint8_t *w, bool nul)
{
	size_t n = 0, raw = 0;
	unsigned labels = rnd(20) ? 1 + rnd(5) : 0;
	bool longest = rnd(15) == 0;

	if (longest)
		labels = 4;
	for (unsigned i = 0; i < labels; i++) {
		unsigned l = longest ? (i < 3 ? 63 : 61) : 1 + rnd(rnd(4) ? 12 : 63);

		if (raw + l + (raw ? 1 : 0) > NAME_MAX_WIRE)
			break;
		raw += l + (raw ? 1 : 0);
		w[n++] = (uint8_t)l;
		for (unsigned k = 0; k < l; k++)
			w[n++] = rnd_byte(nul);
	}
	w[n++] = 0;
	if (nul && n > 1 && rnd(2))
		w[1 + rnd(w[0])] = 0;	/* a NUL inside the first label */
	return n;
}

/* A random prefix label in front of @suffix: exercises compression. */
static size_t rnd_child(uint8_t *w, const uint8_t *suffix, size_t slen)
{
	unsigned l = 1 + rnd(10);

	if (1 + l + slen > NAME_MAX_WIRE + 2) {
		memcpy(w, suffix, slen);
		return slen;
	}
	w[0] = (uint8_t)l;
	for (unsigned k = 0; k < l; k++)
		w[1 + k] = rnd_byte(false);
	memcpy(w + 1 + l, suffix, slen);
	return 1 + l + slen;
}

/* Our canonical text back to lower-case wire form, label by label. */
static bool text_to_wire(const char *text, uint8_t *w, size_t *wlen)
{
	char buf[NAME_MAX_TEXT];
	char *s = buf, *dot;
	size_t n = 0;

	if (strlen(text) >= sizeof(buf))
		return false;
	strcpy(buf, text);
	while (*s) {
		long r;

		dot = strchr(s, '.');
		if (dot)
			*dot = '\0';
		r = name_unescape(s, w + n + 1, 63);
		if (r <= 0)
			return false;
		w[n] = (uint8_t)r;
		n += 1 + (size_t)r;
		if (!dot)
			break;
		s = dot + 1;
	}
	w[n++] = 0;
	*wlen = n;
	return true;
}

/* Does our text name equal the ldns dname (case-insensitively)? */
static bool same_name(const char *text, const ldns_rdf *rdf)
{
	uint8_t w[NAME_MAX_WIRE + 2], want[NAME_MAX_WIRE + 2];
	size_t wlen, n = ldns_rdf_size(rdf);

	if (!text_to_wire(text, w, &wlen) || n != wlen || n > sizeof(want))
		return false;
	memcpy(want, ldns_rdf_data(rdf), n);
	for (size_t i = 0; i < n; i++)	/* length octets are <= 63, never 'A'..'Z' */
		if (want[i] >= 'A' && want[i] <= 'Z')
			want[i] += 32;
	return memcmp(w, want, n) == 0;
}

static ldns_rr *new_rr(const uint8_t *owner, size_t olen, ldns_rr_type type, uint32_t ttl)
{
	ldns_rr *rr = ldns_rr_new();

	ldns_rr_set_owner(rr, ldns_dname_new_frm_data((uint16_t)olen, owner));
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, ttl);
	return rr;
}

/* Build a random query or response with ldns. */
static ldns_pkt *rnd_pkt(bool response, bool nul)
{
	static const ldns_rr_class classes[] = { LDNS_RR_CLASS_IN, LDNS_RR_CLASS_IN,
						 LDNS_RR_CLASS_CH, LDNS_RR_CLASS_ANY };
	ldns_pkt *pkt = ldns_pkt_new();
	uint8_t qn[NAME_MAX_WIRE + 2], cur[NAME_MAX_WIRE + 2], nxt[NAME_MAX_WIRE + 2];
	size_t qlen = 0, clen, nlen;
	unsigned nq = response ? 1 + rnd(2) : 1 + rnd(4);

	ldns_pkt_set_id(pkt, (uint16_t)rnd(65536));
	ldns_pkt_set_qr(pkt, response);
	ldns_pkt_set_rd(pkt, true);
	ldns_pkt_set_opcode(pkt, LDNS_PACKET_QUERY);

	for (unsigned i = 0; i < nq; i++) {
		ldns_rr *q = ldns_rr_new();

		if (i && rnd(2)) {
			/* A sibling of the previous name: compressed by ldns. */
			memcpy(cur, qn, qlen);
			qlen = rnd_child(qn, cur, qlen);
		} else {
			qlen = rnd_name(qn, nul);
		}
		ldns_rr_set_owner(q, ldns_dname_new_frm_data((uint16_t)qlen, qn));
		ldns_rr_set_type(q, (ldns_rr_type)(1 + rnd(65535)));
		ldns_rr_set_class(q, classes[rnd(ARRAY_SIZE(classes))]);
		ldns_rr_set_question(q, true);
		ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
	}

	if (response) {
		unsigned cnames = rnd(4), addrs = rnd(4);

		/* CNAME chain from the (last) question name. */
		memcpy(cur, qn, qlen);
		clen = qlen;
		for (unsigned i = 0; i < cnames; i++) {
			ldns_rr *rr = new_rr(cur, clen, LDNS_RR_TYPE_CNAME, rnd(UINT32_MAX));

			nlen = rnd(2) ? rnd_child(nxt, cur, clen) : rnd_name(nxt, false);
			ldns_rr_push_rdf(rr, ldns_dname_new_frm_data((uint16_t)nlen, nxt));
			ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
			memcpy(cur, nxt, nlen);
			clen = nlen;
		}
		for (unsigned i = 0; i < addrs; i++) {
			bool v6 = rnd(2);
			uint8_t a[16];
			ldns_rr *rr = new_rr(cur, clen, v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A,
					     rnd(UINT32_MAX));

			for (size_t k = 0; k < sizeof(a); k++)
				a[k] = (uint8_t)rnd(256);
			ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(v6 ? LDNS_RDF_TYPE_AAAA
								       : LDNS_RDF_TYPE_A,
								    v6 ? 16 : 4, a));
			ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
		}
		if (rnd(2)) {
			ldns_rr *rr = new_rr(qn, qlen, LDNS_RR_TYPE_NS, 86400);

			nlen = rnd_child(nxt, qn, qlen);
			ldns_rr_push_rdf(rr, ldns_dname_new_frm_data((uint16_t)nlen, nxt));
			ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, rr);
		}
		if (rnd(2)) {
			uint8_t txt[40];
			ldns_rr *rr = new_rr(qn, qlen, LDNS_RR_TYPE_TXT, rnd(1000));

			txt[0] = (uint8_t)rnd(39);
			for (unsigned k = 1; k <= txt[0]; k++)
				txt[k] = (uint8_t)rnd(256);
			ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR,
								   1 + txt[0], txt));
			ldns_pkt_push_rr(pkt, LDNS_SECTION_ADDITIONAL, rr);
		}
	}
	if (rnd(2)) {
		static const uint8_t opts[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 0, 0 };

		ldns_pkt_set_edns_udp_size(pkt, (uint16_t)(512 + rnd(4000)));
		ldns_pkt_set_edns_do(pkt, rnd(2));
		if (rnd(2))
			ldns_pkt_set_edns_data(pkt, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
									  sizeof(opts), opts));
	}
	return pkt;
}

/* Count one mismatch in a local "bad" and say what it was. */
#define MISS(...)                       \
	do {                            \
		bad++;                  \
		diag(__VA_ARGS__);      \
	} while (0)

/* Compare the last walk() with the packet ldns built; count mismatches. */
static int compare_pkt(const ldns_pkt *pkt)
{
	ldns_rr_list *secs[3] = { ldns_pkt_answer(pkt), ldns_pkt_authority(pkt),
				  ldns_pkt_additional(pkt) };
	ldns_rr_list *ql = ldns_pkt_question(pkt);
	unsigned k = 0, edns = ldns_pkt_edns(pkt);
	int bad = 0;

	if (res.hdr.id != ldns_pkt_id(pkt) || res.hdr.qdcount != ldns_pkt_qdcount(pkt) ||
	    res.hdr.ancount != ldns_pkt_ancount(pkt) || res.hdr.nscount != ldns_pkt_nscount(pkt) ||
	    res.hdr.arcount != ldns_pkt_arcount(pkt) + edns ||
	    dns_is_response(&res.hdr) != ldns_pkt_qr(pkt))
		MISS("header differs");
	if (res.nq != ldns_rr_list_rr_count(ql))
		return bad + 1;
	for (unsigned i = 0; i < res.nq; i++) {
		const ldns_rr *q = ldns_rr_list_rr(ql, i);

		if (!same_name(res.q[i].name, ldns_rr_owner(q)) ||
		    res.q[i].qtype != ldns_rr_get_type(q) ||
		    res.q[i].qclass != ldns_rr_get_class(q))
			MISS("question %u differs: \"%s\"", i, res.q[i].name);
	}
	for (size_t s = 0; s < ARRAY_SIZE(secs); s++) {
		ldns_rr_list *l = secs[s];

		for (size_t i = 0; i < ldns_rr_list_rr_count(l) && k < MAXRR; i++, k++) {
			const ldns_rr *rr = ldns_rr_list_rr(l, i);
			const struct dns_rr *got = &res.rr[k];
			const ldns_rdf *rd = ldns_rr_rdf(rr, 0);

			if (k >= res.nrr || !same_name(got->name, ldns_rr_owner(rr)) ||
			    got->type != ldns_rr_get_type(rr) ||
			    got->rclass != ldns_rr_get_class(rr) || got->ttl != ldns_rr_ttl(rr) ||
			    got->section != (enum dns_section)(s + 1)) {
				MISS("record %u differs", k);
				continue;
			}
			switch (got->type) {
			case DNS_T_CNAME:
				if (!same_name(got->target, rd))
					MISS("record %u target \"%s\"", k, got->target);
				break;
			case DNS_T_A:
			case DNS_T_AAAA:
				if (got->rdata.len != ldns_rdf_size(rd) ||
				    memcmp(got->addr, ldns_rdf_data(rd), ldns_rdf_size(rd)))
					MISS("record %u address", k);
				break;
			case DNS_T_TXT:
				if (got->rdata.len != ldns_rdf_size(rd) ||
				    memcmp(got->rdata.p, ldns_rdf_data(rd), ldns_rdf_size(rd)))
					MISS("record %u TXT", k);
				break;
			default:
				break;
			}
		}
	}
	if (edns && k < MAXRR) {
		const struct dns_rr *opt = &res.rr[k];
		const ldns_rdf *data = ldns_pkt_edns_data(pkt);

		if (k >= res.nrr || opt->type != DNS_T_OPT || opt->name_len != 0 ||
		    opt->rclass != ldns_pkt_edns_udp_size(pkt) ||
		    opt->ttl != (ldns_pkt_edns_do(pkt) ? 0x8000u : 0) ||
		    opt->rdata.len != (data ? ldns_rdf_size(data) : 0))
			MISS("OPT differs");
		k++;
	}
	if (k != res.nrr)
		MISS("record count %u, ldns %u", res.nrr, k);
	return bad;
}

/* plain_size - the length of @pkt on the wire without name compression. */
static size_t plain_size(const ldns_pkt *pkt)
{
	const ldns_rr_list *l[4] = { ldns_pkt_question(pkt), ldns_pkt_answer(pkt),
				     ldns_pkt_authority(pkt), ldns_pkt_additional(pkt) };
	size_t n = DNS_HDR_LEN;

	for (size_t s = 0; s < 4; s++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(l[s]); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(l[s], i);

			n += ldns_rdf_size(ldns_rr_owner(rr)) + (s ? 10 : 4);
			for (size_t k = 0; s && k < ldns_rr_rd_count(rr); k++)
				n += ldns_rdf_size(ldns_rr_rdf(rr, k));
		}
	}
	if (ldns_pkt_edns(pkt))
		n += 11 + (ldns_pkt_edns_data(pkt) ? ldns_rdf_size(ldns_pkt_edns_data(pkt)) : 0);
	return n;
}

/* wire_has_nul - a NUL byte inside a label (not the root label) of @w. */
static bool wire_has_nul(const uint8_t *w, size_t n)
{
	for (size_t i = 0; i < n && w[i]; i += 1 + w[i])
		if (memchr(w + i + 1, 0, w[i]))
			return true;
	return false;
}

static struct msg corpus[8];	/* a few ldns messages kept for the mutation test */

static void test_ldns_oracle(void)
{
	int bad = 0, compressed = 0, queries = 0, looks = 0, nul_rejected = 0, nul_total = 0;
	const int rounds = 600;

	for (int i = 0; i < rounds; i++) {
		bool response = i % 2, nul = i % 10 >= 8;
		ldns_pkt *pkt = rnd_pkt(response, nul);
		ldns_rr_list *ql = ldns_pkt_question(pkt);
		uint8_t *wire = NULL;
		size_t wlen = 0;
		enum parse_rc rc;
		bool has_nul = false;

		if (ldns_pkt2wire(&wire, pkt, &wlen) != LDNS_STATUS_OK) {
			bad++;
			diag("ldns could not write message %d", i);
			ldns_pkt_free(pkt);
			continue;
		}
		for (size_t q = 0; q < ldns_rr_list_rr_count(ql); q++) {
			const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(ql, q));

			has_nul |= wire_has_nul(ldns_rdf_data(o), ldns_rdf_size(o));
		}
		compressed += wlen < plain_size(pkt);

		rc = walk_ex(wire, wlen, false);
		if (has_nul) {
			nul_total++;
			nul_rejected += rc == PARSE_MALFORMED;
		} else if (rc != PARSE_OK) {
			bad++;
			diag("message %d: %s", i, parse_rc_str(rc));
		} else {
			bad += compare_pkt(pkt);
			queries += !response;
			looks += dns_looks_like_query(wire, wlen);
			/* The skipping path must agree on the records. */
			if (walk_ex(wire, wlen, true) != PARSE_OK)
				bad++;
			if (i / 2 < (int)ARRAY_SIZE(corpus) && wlen <= sizeof(corpus[0].b)) {
				memcpy(corpus[i / 2].b, wire, wlen);
				corpus[i / 2].n = wlen;
			}
		}
		free(wire);
		ldns_pkt_free(pkt);
	}
	is_int(0, bad, "ldns oracle: %d random messages agree", rounds);
	ok(compressed > rounds / 4, "ldns oracle: %d messages used compression", compressed);
	ok(queries > rounds / 3, "ldns oracle: %d valid queries", queries);
	is_int(queries, looks, "ldns oracle: exactly the queries look like queries");
	ok(nul_total > 0, "ldns oracle: %d messages with a NUL byte in a QNAME", nul_total);
	is_int(nul_total, nul_rejected, "ldns oracle: NUL in a QNAME is malformed");
}

/*
 * Random mutations of valid messages: the parser must not crash (ASan) and
 * whatever it accepts must be self-consistent.
 */
static void test_mutations(void)
{
	int bad = 0, accepted = 0, runs = 0;
	struct msg base[ARRAY_SIZE(corpus) + 2], m;
	size_t nbase = 0;

	build_response(&base[nbase++]);
	m_hdr(&base[nbase], 0x8e04, 0x0100, 2, 0, 0, 0);
	m_ptr(&base[nbase], 18);
	m_q(&base[nbase], DNS_T_A, 1);
	m_name(&base[nbase], "codemonkey.net");
	m_q(&base[nbase++], DNS_T_A, 1);
	for (size_t i = 0; i < ARRAY_SIZE(corpus); i++)
		if (corpus[i].n)
			base[nbase++] = corpus[i];

	for (size_t b = 0; b < nbase; b++) {
		for (int i = 0; i < 3000; i++) {
			unsigned flips = 1 + rnd(4);
			size_t n;

			m = base[b];
			for (unsigned f = 0; f < flips; f++) {
				size_t at = rnd((uint32_t)m.n);

				/* Favour pointer-shaped and small values. */
				switch (rnd(4)) {
				case 0:
					m.b[at] = (uint8_t)(0xc0 | rnd(4));
					break;
				case 1:
					m.b[at] = (uint8_t)rnd(64);
					break;
				default:
					m.b[at] = (uint8_t)rnd(256);
					break;
				}
			}
			n = rnd(8) ? m.n : rnd((uint32_t)m.n + 1);
			runs++;
			dns_looks_like_query(m.b, n);
			if (walk_ex(m.b, n, rnd(2)) != PARSE_OK)
				continue;
			accepted++;
			for (unsigned q = 0; q < res.nq && q < MAXQ; q++)
				if (strlen(res.q[q].name) != res.q[q].name_len ||
				    res.q[q].name_len >= NAME_MAX_TEXT)
					bad++;
			for (unsigned r = 0; r < res.nrr && r < MAXRR; r++) {
				const struct dns_rr *rr = &res.rr[r];

				if (strlen(rr->name) != rr->name_len ||
				    strlen(rr->target) != rr->target_len ||
				    rr->rdata.p < res.copy ||
				    rr->rdata.p + rr->rdata.len > res.copy + n ||
				    (rr->type == DNS_T_A && (rr->rclass & 0x7fff) == 1 &&
				     rr->rdata.len != 4))
					bad++;
			}
		}
	}
	is_int(0, bad, "mutations: %d runs, %d accepted, all consistent", runs, accepted);
}

int main(void)
{
	test_header();
	test_questions();
	test_pointers();
	test_name_limits();
	test_response();
	test_rdlength();
	test_looks_like_query();
	test_ldns_oracle();
	test_mutations();
	free(res.copy);
	return done_testing();
}
