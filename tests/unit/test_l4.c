// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_l4.c - tcp_parse() and udp_parse(): every data offset, segments of
 * exactly the header, one short and one over, UDP length against the bytes
 * present (exact, short, long, below 8), field decoding, and a sweep that
 * cuts valid segments at every byte into exactly-sized heap buffers so
 * ASan catches any read past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_l4.h"
#include "tests/tap.h"
#include "util.h"

struct seg {
	uint8_t b[70000];
	size_t n;
};

static void put8(struct seg *s, uint8_t v)
{
	s->b[s->n++] = v;
}

static void put16(struct seg *s, uint16_t v)
{
	put8(s, (uint8_t)(v >> 8));
	put8(s, (uint8_t)v);
}

static void put32(struct seg *s, uint32_t v)
{
	put16(s, (uint16_t)(v >> 16));
	put16(s, (uint16_t)v);
}

static void fill(struct seg *s, size_t n, uint8_t v)
{
	memset(s->b + s->n, v, n);
	s->n += n;
}

/* TCP header with @doff words; options are NOPs ending in EOL. */
static void tcp(struct seg *s, unsigned int doff, uint8_t flags)
{
	s->n = 0;
	put16(s, 51000);
	put16(s, 443);
	put32(s, 0x01020304);
	put32(s, 0xfffffffe);
	put8(s, (uint8_t)((doff & 15) << 4 | 0x01));	/* low bit: AE/NS, not a flag here */
	put8(s, flags);
	put16(s, 64240);
	put16(s, 0xdead);
	put16(s, 0);
	if (doff > 5) {
		fill(s, (doff - 5) * 4 - 1, 0x01);
		put8(s, 0x00);
	}
}

static void udp(struct seg *s, uint16_t len)
{
	s->n = 0;
	put16(s, 5353);
	put16(s, 53);
	put16(s, len);
	put16(s, 0);
}

/*
 * run - parse the first @len bytes of @s from an exactly-sized copy.  The
 * output is prefilled with garbage; on return the payload offset (or
 * SIZE_MAX if the view is outside the buffer or unset) is in @off.
 */
static enum parse_rc run(bool is_tcp, const struct seg *s, size_t len, struct l4_info *out,
			 size_t *off)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum parse_rc rc;

	memcpy(copy, s->b, len);
	memset(out, 0xa5, sizeof(*out));
	rc = is_tcp ? tcp_parse(copy, len, out) : udp_parse(copy, len, out);
	*off = SIZE_MAX;
	/* Compared as integers: the view may be unset garbage. */
	if ((uintptr_t)out->payload.p >= (uintptr_t)copy &&
	    (uintptr_t)out->payload.p <= (uintptr_t)copy + len &&
	    out->payload.len <= len - ((uintptr_t)out->payload.p - (uintptr_t)copy))
		*off = (uintptr_t)out->payload.p - (uintptr_t)copy;
	free(copy);
	out->payload.p = NULL;
	return rc;
}

static void test_tcp_fields(void)
{
	struct l4_info l4;
	struct seg s;
	size_t off;
	enum parse_rc rc;

	tcp(&s, 5, TCP_SYN | TCP_ACK | TCP_ECE | TCP_CWR);
	fill(&s, 11, 'x');
	rc = run(true, &s, s.n, &l4, &off);
	is_int(PARSE_OK, rc, "tcp: ok");
	is_int(51000, l4.sport, "source port");
	is_int(443, l4.dport, "destination port");
	ok(l4.seq == 0x01020304, "sequence number");
	ok(l4.ack == 0xfffffffe, "acknowledgment number");
	is_int(TCP_SYN | TCP_ACK | TCP_ECE | TCP_CWR, l4.tcp_flags, "flags");
	is_int(20, off, "payload offset");
	is_int(11, l4.payload.len, "payload length");

	tcp(&s, 5, 0xff);
	rc = run(true, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && l4.tcp_flags == 0xff && l4.payload.len == 0 && off == 20,
	   "all eight flags, exactly 20 bytes, empty payload");
	tcp(&s, 5, TCP_FIN | TCP_PSH | TCP_URG | TCP_RST);
	rc = run(true, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && l4.tcp_flags == (TCP_FIN | TCP_PSH | TCP_URG | TCP_RST),
	   "FIN PSH URG RST");
	is_int(PARSE_TRUNCATED, run(true, &s, 19, &l4, &off), "19 bytes: truncated");
	is_int(PARSE_TRUNCATED, run(true, &s, 0, &l4, &off), "0 bytes: truncated");
	memset(&l4, 0, sizeof(l4));
	is_int(PARSE_TRUNCATED, tcp_parse(NULL, 0, &l4), "NULL: truncated");
}

static void test_tcp_doff(void)
{
	struct l4_info l4;
	struct seg s;
	unsigned int doff;
	size_t off;
	enum parse_rc rc;

	for (doff = 0; doff < 5; doff++) {
		tcp(&s, 5, TCP_ACK);
		fill(&s, 60, 0);
		s.b[12] = (uint8_t)(doff << 4);
		is_int(PARSE_MALFORMED, run(true, &s, s.n, &l4, &off), "doff %u: malformed", doff);
	}
	for (doff = 5; doff <= 15; doff++) {
		size_t h = doff * 4;

		tcp(&s, doff, TCP_SYN);
		rc = run(true, &s, h, &l4, &off);
		ok(rc == PARSE_OK && off == h && l4.payload.len == 0 && l4.tcp_flags == TCP_SYN,
		   "doff %u, %zu bytes: ok, options skipped", doff, h);
		is_int(PARSE_TRUNCATED, run(true, &s, h - 1, &l4, &off),
		       "doff %u, %zu bytes: truncated", doff, h - 1);
		put8(&s, 'y');
		rc = run(true, &s, h + 1, &l4, &off);
		ok(rc == PARSE_OK && off == h && l4.payload.len == 1,
		   "doff %u, %zu bytes: one payload byte", doff, h + 1);
	}
	/* A large segment (TSO super-packet) keeps every byte. */
	tcp(&s, 8, TCP_ACK | TCP_PSH);
	fill(&s, 64000, 'z');
	rc = run(true, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && off == 32 && l4.payload.len == 64000, "64000-byte payload");
}

static void test_udp(void)
{
	struct l4_info l4;
	struct seg s;
	uint16_t ulen;
	size_t off;
	enum parse_rc rc;

	udp(&s, 20);
	fill(&s, 12, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	is_int(PARSE_OK, rc, "udp: ok");
	is_int(5353, l4.sport, "source port");
	is_int(53, l4.dport, "destination port");
	ok(l4.tcp_flags == 0 && l4.seq == 0 && l4.ack == 0, "TCP-only fields zero");
	is_int(8, off, "payload offset");
	is_int(12, l4.payload.len, "payload length");

	/* Header boundaries. */
	udp(&s, 8);
	rc = run(false, &s, 8, &l4, &off);
	ok(rc == PARSE_OK && off == 8 && l4.payload.len == 0, "length 8 in 8 bytes: empty payload");
	is_int(PARSE_TRUNCATED, run(false, &s, 7, &l4, &off), "7 bytes: truncated");
	is_int(PARSE_TRUNCATED, run(false, &s, 0, &l4, &off), "0 bytes: truncated");
	memset(&l4, 0, sizeof(l4));
	is_int(PARSE_TRUNCATED, udp_parse(NULL, 0, &l4), "NULL: truncated");
	for (ulen = 0; ulen < 8; ulen++) {
		udp(&s, ulen);
		fill(&s, 8, 0);
		is_int(PARSE_MALFORMED, run(false, &s, s.n, &l4, &off), "length %u: malformed",
		       ulen);
	}

	/* Length against the bytes present. */
	udp(&s, 30);
	fill(&s, 22, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && l4.payload.len == 22, "length == bytes present");
	udp(&s, 30);
	fill(&s, 23, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && l4.payload.len == 22, "one trailing byte ignored");
	udp(&s, 30);
	fill(&s, 40, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	ok(rc == PARSE_OK && l4.payload.len == 22, "18 trailing bytes ignored");
	udp(&s, 30);
	fill(&s, 21, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	ok(rc == PARSE_TRUNCATED && off == 8 && l4.payload.len == 21 && l4.dport == 53,
	   "length one over the bytes present: truncated, 21 bytes, ports filled");
	udp(&s, 65535);
	fill(&s, 100, 'q');
	rc = run(false, &s, s.n, &l4, &off);
	ok(rc == PARSE_TRUNCATED && l4.payload.len == 100, "length 65535 in 108 bytes");
	udp(&s, 9);
	rc = run(false, &s, 8, &l4, &off);
	ok(rc == PARSE_TRUNCATED && off == 8 && l4.payload.len == 0, "length 9 in 8 bytes");
}

/*
 * sweep - cut a valid segment at every length.  TCP: truncated below the
 * header, ok with the bytes present after it.  UDP: truncated always (the
 * length field claims the full size), payload = bytes after the header.
 */
static void sweep(bool is_tcp, const struct seg *s, size_t hdr, const char *what)
{
	size_t cut, bad = 0;

	for (cut = 0; cut < s->n; cut++) {
		struct l4_info l4;
		size_t off;
		enum parse_rc rc = run(is_tcp, s, cut, &l4, &off);
		bool fine;

		if (cut < hdr)
			fine = rc == PARSE_TRUNCATED;
		else if (is_tcp)
			fine = rc == PARSE_OK && off == hdr && l4.payload.len == cut - hdr;
		else
			fine = rc == PARSE_TRUNCATED && off == hdr && l4.payload.len == cut - hdr;
		if (!fine) {
			bad++;
			diag("  %s cut at %zu: %s", what, cut, parse_rc_str(rc));
		}
	}
	ok(bad == 0, "%s: every cut of %zu bytes handled", what, s->n);
}

static void test_sweep(void)
{
	struct seg s;

	tcp(&s, 5, TCP_ACK);
	fill(&s, 10, 'a');
	sweep(true, &s, 20, "tcp");
	tcp(&s, 15, TCP_SYN);
	fill(&s, 10, 'a');
	sweep(true, &s, 60, "tcp with 40 bytes of options");
	udp(&s, 8 + 33);
	fill(&s, 33, 'b');
	sweep(false, &s, 8, "udp");
}

int main(void)
{
	test_tcp_fields();
	test_tcp_doff();
	test_udp();
	test_sweep();
	return done_testing();
}
