// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dns.c - fuzz target for DNS messages (parse_dns.h, RFC 1035 §4):
 * the header, every question and every resource record of all three
 * sections, with compression pointers, and the content sniff used off
 * port 53.
 *
 * Input: one DNS message as carried in a UDP datagram.  Checked: names come
 * back canonical (name_len matches the text, the text is NUL-terminated and
 * survives name_unescape), RDATA views lie inside the message, A/AAAA
 * addresses equal their RDATA, the iterator never returns more entries than
 * the header counts, and an error is sticky.
 */
#include <string.h>

#include "name.h"
#include "parse_dns.h"
#include "fuzz.h"

static void check_name(const char *name, size_t len)
{
	uint8_t raw[NAME_MAX_TEXT];

	FUZZ_CHECK(len < NAME_MAX_TEXT && strlen(name) == len);
	/* A canonical name decodes, and to at most 253 raw bytes. */
	if (len) {
		long n = name_unescape(name, raw, sizeof(raw));

		FUZZ_CHECK(n > 0 && n <= NAME_MAX_WIRE);
	}
}

static void check_rr(const struct dns_iter *it, const struct dns_rr *rr)
{
	static const uint8_t zero[16];
	/* Class IN; the top bit is mDNS's cache-flush flag (RFC 6762 §10.2). */
	bool in = (rr->rclass & 0x7fff) == DNS_C_IN;

	check_name(rr->name, rr->name_len);
	check_name(rr->target, rr->target_len);
	FUZZ_CHECK(rr->section >= DNS_SEC_ANSWER && rr->section <= DNS_SEC_ADDITIONAL);
	FUZZ_CHECK(fuzz_within(rr->rdata.p, rr->rdata.len, it->msg, it->len));
	fuzz_touch(rr->rdata.p, rr->rdata.len);
	if (rr->type == DNS_T_A && in) {
		FUZZ_CHECK(rr->rdata.len == 4 && memcmp(rr->addr, rr->rdata.p, 4) == 0);
	} else if (rr->type == DNS_T_AAAA && in) {
		FUZZ_CHECK(rr->rdata.len == 16 && memcmp(rr->addr, rr->rdata.p, 16) == 0);
	} else {
		FUZZ_CHECK(memcmp(rr->addr, zero, 16) == 0);
	}
	if (rr->type != DNS_T_CNAME)
		FUZZ_CHECK(rr->target_len == 0);
}

/* walk - iterate the message; @questions: read them first, or let dns_next_rr skip them. */
static void walk(const uint8_t *data, size_t size, bool questions)
{
	static struct dns_question q;
	static struct dns_rr rr;
	struct dns_iter it;
	enum parse_rc rc;
	unsigned nq = 0, nrr = 0, total;

	if (dns_begin(&it, data, size) != PARSE_OK)
		return;
	total = (unsigned)it.hdr.ancount + it.hdr.nscount + it.hdr.arcount;
	/* Counts are capped by what could fit: each entry needs at least 5 bytes. */
	FUZZ_CHECK((size_t)it.hdr.qdcount + total <= size);
	while (questions) {
		rc = dns_next_question(&it, &q);
		if (rc != PARSE_OK) {
			FUZZ_CHECK(rc != PARSE_NOT_MINE || nq == it.hdr.qdcount);
			if (rc != PARSE_NOT_MINE) {
				/* Sticky: the iterator stays in error. */
				FUZZ_CHECK(dns_next_question(&it, &q) != PARSE_OK);
				FUZZ_CHECK(dns_next_rr(&it, &rr) != PARSE_OK);
				return;
			}
			break;
		}
		nq++;
		FUZZ_CHECK(nq <= it.hdr.qdcount);
		check_name(q.name, q.name_len);
	}
	for (;;) {
		rc = dns_next_rr(&it, &rr);
		if (rc != PARSE_OK) {
			FUZZ_CHECK(rc != PARSE_NOT_MINE || nrr == total);
			if (rc != PARSE_NOT_MINE)
				FUZZ_CHECK(dns_next_rr(&it, &rr) != PARSE_OK);
			break;
		}
		nrr++;
		FUZZ_CHECK(nrr <= total);
		FUZZ_CHECK(it.off <= size);
		check_rr(&it, &rr);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size, true);
	walk(data, size, false);
	dns_looks_like_query(data, size);
	return 0;
}
