// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_reject.c - the synthesised NXDOMAIN answer: IP/UDP headers and
 * checksums checked by hand, the DNS message checked with ldns; queries
 * that must not be answered; buffer limits.  Sends nothing.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "reject.h"
#include "../tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t c4[4] = { 192, 0, 2, 2 }, s4[4] = { 198, 51, 100, 2 };
static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };
static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2 };

/* Q(id, flags, qdcount, name, qtype, [.field = value...]) */
#define Q(i, f, qd, n, t, ...) \
	{ .id = (i), .flags = (f), .qdcount = (qd), .name = (n), .qtype = (t), __VA_ARGS__ }

struct qopt {
	uint16_t id, flags, qdcount;
	const char *name;
	uint16_t qtype;
	bool edns;
	uint8_t proto;		/* IPPROTO_UDP unless set */
	uint16_t frag;		/* IPv4 flags/fragment field */
	int short_by;		/* cut this many bytes off the captured packet */
};

static size_t put_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* DNS query message (RFC 1035 §4.1) into @p; returns its length. */
static size_t dns_query(uint8_t *p, const struct qopt *o)
{
	size_t n = 12;

	memset(p, 0, 12);
	put16(p, o->id);
	put16(p + 2, o->flags);
	put16(p + 4, o->qdcount);
	for (unsigned i = 0; i < o->qdcount; i++) {
		n += put_name(p + n, o->name);
		put16(p + n, o->qtype);
		put16(p + n + 2, 1);
		n += 4;
	}
	if (o->edns) {
		/* OPT RR (RFC 6891 §6.1.2): root, type 41, UDP size 4096, no options. */
		put16(p + 10, 1);
		p[n++] = 0;
		put16(p + n, 41);
		put16(p + n + 2, 4096);
		memset(p + n + 4, 0, 6);
		n += 10;
	}
	return n;
}

/* A whole IPv4 or IPv6 packet carrying the query, client -> server:53. */
static size_t build_query(int v, const struct qopt *o, uint8_t *p)
{
	size_t hdr = v == 4 ? 20 : 40;
	uint8_t *u = p + hdr;
	size_t dlen = dns_query(u + 8, o), ulen = 8 + dlen;

	memset(p, 0, hdr);
	if (v == 4) {
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(hdr + ulen));
		put16(p + 6, o->frag);
		p[8] = 64;
		p[9] = o->proto ? o->proto : IPPROTO_UDP;
		memcpy(p + 12, c4, 4);
		memcpy(p + 16, s4, 4);
	} else {
		p[0] = 0x60;
		put16(p + 4, (uint16_t)ulen);
		p[6] = o->proto ? o->proto : IPPROTO_UDP;
		p[7] = 64;
		memcpy(p + 8, c6, 16);
		memcpy(p + 24, s6, 16);
	}
	put16(u, 40000);
	put16(u + 2, 53);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, 0);	/* checksums are never verified by embargo */
	return hdr + ulen - (size_t)o->short_by;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		s += get16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Check the answer in @a (@n bytes) to the query @o sent over IPv@v. */
static void check_answer(int v, const struct qopt *o, const uint8_t *a, int n, const char *what)
{
	size_t hdr = v == 4 ? 20 : 40;
	const uint8_t *u = a + hdr;
	ldns_pkt *pkt = NULL;
	uint32_t s;
	char *qname;

	if (!ok(n > (int)hdr + 8, "%s: answer built (%d bytes)", what, n))
		return;
	if (v == 4) {
		ok(a[0] == 0x45 && get16(a + 2) == n && a[8] == 64 && a[9] == IPPROTO_UDP,
		   "%s: IPv4 header: version, length, TTL, protocol", what);
		ok(memcmp(a + 12, s4, 4) == 0 && memcmp(a + 16, c4, 4) == 0,
		   "%s: from the server to the client", what);
		is_int(0xffff, fold(sum16(0, a, 20)), "%s: IPv4 header checksum verifies", what);
		s = sum16(0, a + 12, 8) + IPPROTO_UDP + (uint32_t)(n - 20);
	} else {
		ok(a[0] == 0x60 && get16(a + 4) == n - 40 && a[6] == IPPROTO_UDP && a[7] == 64,
		   "%s: IPv6 header: version, payload length, next header, hop limit", what);
		ok(memcmp(a + 8, s6, 16) == 0 && memcmp(a + 24, c6, 16) == 0,
		   "%s: from the server to the client", what);
		s = sum16(0, a + 8, 32) + IPPROTO_UDP + (uint32_t)(n - 40);
	}
	ok(get16(u) == 53 && get16(u + 2) == 40000 && get16(u + 4) == n - (int)hdr,
	   "%s: UDP ports swapped, length right", what);
	ok(get16(u + 6) != 0, "%s: UDP checksum present", what);
	is_int(0xffff, fold(sum16(s, u, (size_t)n - hdr)), "%s: UDP checksum verifies", what);

	if (!ok(ldns_wire2pkt(&pkt, u + 8, (size_t)n - hdr - 8) == LDNS_STATUS_OK,
		"%s: ldns parses the answer", what))
		return;
	is_int(o->id, ldns_pkt_id(pkt), "%s: same ID", what);
	ok(ldns_pkt_qr(pkt) && ldns_pkt_get_opcode(pkt) == LDNS_PACKET_QUERY, "%s: QR, QUERY",
	   what);
	is_int(LDNS_RCODE_NXDOMAIN, ldns_pkt_get_rcode(pkt), "%s: RCODE NXDOMAIN", what);
	is_int(!!(o->flags & 0x0100), ldns_pkt_rd(pkt), "%s: RD copied", what);
	is_int(!!(o->flags & 0x0010), ldns_pkt_cd(pkt), "%s: CD copied", what);
	ok(ldns_pkt_ra(pkt) && !ldns_pkt_aa(pkt) && !ldns_pkt_tc(pkt), "%s: RA, not AA/TC", what);
	ok(ldns_pkt_qdcount(pkt) == 1 && ldns_pkt_ancount(pkt) == 0 && ldns_pkt_nscount(pkt) == 0,
	   "%s: one question, no answer or authority", what);
	qname = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt), 0)));
	{
		char want[300];

		snprintf(want, sizeof(want), "%s.", o->name);
		is_str(want, qname, "%s: question echoed, case kept", what);
	}
	free(qname);
	is_int(o->qtype, ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(pkt), 0)),
	       "%s: question type kept", what);
	if (o->edns)
		is_int(1232, ldns_pkt_edns_udp_size(pkt), "%s: EDNS answered, UDP size 1232", what);
	else
		ok(!ldns_pkt_edns(pkt), "%s: no EDNS in, none out", what);
	ldns_pkt_free(pkt);
}

static void test_answers(void)
{
	static const struct {
		int v;
		struct qopt o;
		const char *what;
	} t[] = {
		{ 4, Q(0xbeef, 0x0100, 1, "Upd.Kaspersky.COM", 1, .edns = false), "v4 A" },
		{ 4, Q(0x0001, 0x0110, 1, "dnl-03.geo.kaspersky.com", 28, .edns = true),
		  "v4 AAAA+EDNS+CD" },
		{ 4, Q(0xffff, 0x0000, 1, "kaspersky.com", 65, .edns = false),
		  "v4 HTTPS, RD clear" },
		{ 6, Q(0x1234, 0x0100, 1, "activation-v2.kaspersky.com", 28, .edns = false),
		  "v6 AAAA" },
		{ 6, Q(0x0000, 0x0100, 1, "x.kaspersky-labs.com", 1, .edns = true), "v6 A+EDNS" },
	};
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		uint8_t q[600], a[REJECT_MAX_PACKET];
		size_t ql = build_query(t[i].v, &t[i].o, q);
		int n = reject_build_nxdomain(q, ql, a, sizeof(a));

		check_answer(t[i].v, &t[i].o, a, n, t[i].what);
	}

	/* A maximal name: 4 labels of 63 and one of 61 = 253 characters. */
	{
		char name[254];
		struct qopt o = Q(7, 0x0100, 1, name, 1, .edns = true);
		uint8_t q[600], a[REJECT_MAX_PACKET];
		size_t ql;
		int n;

		memset(name, 'a', sizeof(name));
		name[63] = name[127] = name[191] = '.';
		name[253] = '\0';
		ql = build_query(6, &o, q);
		n = reject_build_nxdomain(q, ql, a, sizeof(a));
		check_answer(6, &o, a, n, "v6 253-character name");
	}
}

static void test_refused(void)
{
	static const struct {
		int v;
		struct qopt o;
		const char *what;
	} t[] = {
		{ 4, Q(1, 0x8100, 1, "kaspersky.com", 1), "a response (QR=1)" },
		{ 4, Q(1, 0x2100, 1, "kaspersky.com", 1), "opcode UPDATE" },
		{ 4, Q(1, 0x1100, 1, "kaspersky.com", 1), "opcode STATUS" },
		{ 4, Q(1, 0x0100, 0, "kaspersky.com", 1), "no question" },
		{ 4, Q(1, 0x0100, 2, "kaspersky.com", 1), "two questions" },
		{ 4, Q(1, 0x0100, 1, "kaspersky.com", 1, .proto = IPPROTO_TCP), "TCP, not UDP" },
		{ 4, Q(1, 0x0100, 1, "kaspersky.com", 1, .frag = 0x2000),
		  "an IPv4 first fragment" },
		{ 4, Q(1, 0x0100, 1, "kaspersky.com", 1, .frag = 0x0010), "a later fragment" },
		{ 4, Q(1, 0x0100, 1, "kaspersky.com", 1, .short_by = 1), "one byte short" },
		{ 6, Q(1, 0x0100, 1, "kaspersky.com", 1, .short_by = 5), "v6, question cut" },
		{ 6, Q(1, 0x0100, 1, "kaspersky.com", 1, .proto = IPPROTO_ICMPV6), "v6 ICMP" },
	};
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		uint8_t q[600], a[REJECT_MAX_PACKET];
		size_t ql = build_query(t[i].v, &t[i].o, q);

		is_int(-EINVAL, reject_build_nxdomain(q, ql, a, sizeof(a)), "not answered: %s",
		       t[i].what);
	}

	/* Raw edge cases. */
	{
		uint8_t a[REJECT_MAX_PACKET];
		uint8_t q[600];
		struct qopt o = Q(1, 0x0100, 1, "kaspersky.com", 1, .edns = false);
		size_t ql = build_query(4, &o, q);

		is_int(-EINVAL, reject_build_nxdomain(q, 0, a, sizeof(a)), "zero length");
		is_int(-EINVAL, reject_build_nxdomain(q, 20 + 8 + 11, a, sizeof(a)),
		       "DNS header one byte short (11)");
		/* A label running past the end of the message. */
		q[20 + 8 + 12] = 63;
		is_int(-EINVAL, reject_build_nxdomain(q, ql, a, sizeof(a)),
		       "label overruns message");
	}
}

static void test_sizes(void)
{
	struct qopt o = Q(9, 0x0100, 1, "kaspersky.com", 1, .edns = false);
	uint8_t q[600], a[REJECT_MAX_PACKET];
	size_t ql = build_query(4, &o, q);
	int need = reject_build_nxdomain(q, ql, a, sizeof(a));

	/* Same question, no EDNS: the answer is as long as the query. */
	is_int((int)ql, need, "answer as long as the query");
	is_int(need, reject_build_nxdomain(q, ql, a, (size_t)need), "buffer exactly fits");
	is_int(-EMSGSIZE, reject_build_nxdomain(q, ql, a, (size_t)need - 1), "buffer one short");
	is_int(-EMSGSIZE, reject_build_nxdomain(q, ql, a, 0), "no buffer");
}

int main(void)
{
	test_answers();
	test_refused();
	test_sizes();
	return done_testing();
}
