// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_packet.c - fuzz target for the packet decoders: link-layer
 * decapsulation (parse_link.h), IPv4/IPv6 with extension headers
 * (parse_ip.h, RFC 791, RFC 8200) and TCP/UDP (parse_l4.h, RFC 9293,
 * RFC 768).
 *
 * Input:  +--------+---------------------------+
 *         | dlt ix | captured frame ...        |
 *         +--------+---------------------------+
 * The first byte picks the link type from link_types[] (modulo its size),
 * one entry of which is unsupported.  Every view a decoder returns must lie
 * inside the bytes it was given, and a decoder that accepts must have
 * filled its outputs consistently.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "parse_link.h"
#include "fuzz.h"

static const int link_types[] = {
	0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276,
	105,	/* IEEE 802.11: not supported, must be PARSE_NOT_MINE */
};

static void check_l4(const struct ip_info *ip)
{
	struct l4_info l4;
	enum parse_rc rc;

	/* Both decoders on every payload: the protocol number is attacker data too. */
	memset(&l4, 0xa5, sizeof(l4));
	rc = tcp_parse(ip->payload.p, ip->payload.len, &l4);
	if (rc == PARSE_OK) {
		FUZZ_CHECK(fuzz_within(l4.payload.p, l4.payload.len, ip->payload.p,
				       ip->payload.len));
		FUZZ_CHECK(ip->payload.len >= 20 && l4.payload.len <= ip->payload.len - 20);
		fuzz_touch(l4.payload.p, l4.payload.len);
	}
	memset(&l4, 0xa5, sizeof(l4));
	rc = udp_parse(ip->payload.p, ip->payload.len, &l4);
	/* TRUNCATED fills @out when the header is whole but the length claims more. */
	if (rc == PARSE_OK || (rc == PARSE_TRUNCATED && ip->payload.len >= 8)) {
		FUZZ_CHECK(fuzz_within(l4.payload.p, l4.payload.len, ip->payload.p,
				       ip->payload.len));
		FUZZ_CHECK(ip->payload.len >= 8 && l4.payload.len <= ip->payload.len - 8);
		fuzz_touch(l4.payload.p, l4.payload.len);
	}
}

static void check_ip(const uint8_t *p, size_t len)
{
	struct ip_info ip;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	memset(&ip, 0xa5, sizeof(ip));
	if (ip_parse(p, len, &ip) != PARSE_OK)
		return;
	FUZZ_CHECK(ip.version == 4 || ip.version == 6);
	FUZZ_CHECK(ip.src.af == (ip.version == 4 ? AF_INET : AF_INET6));
	FUZZ_CHECK(ip.dst.af == ip.src.af);
	FUZZ_CHECK(ip.hdr_len >= (ip.version == 4 ? 20 : 40) && ip.hdr_len <= len);
	FUZZ_CHECK(ip.payload.p == p + ip.hdr_len);
	FUZZ_CHECK(fuzz_within(ip.payload.p, ip.payload.len, p, len));
	FUZZ_CHECK(ip.tot_len >= ip.hdr_len);
	/* The payload is cut to the header's length, or to the capture when short. */
	if (ip.truncated)
		FUZZ_CHECK(len < ip.tot_len && ip.payload.len == len - ip.hdr_len);
	else
		FUZZ_CHECK(ip.payload.len == ip.tot_len - ip.hdr_len);
	FUZZ_CHECK(ip.is_fragment || (!ip.more_frags && ip.frag_off == 0));
	addr_format(&ip.src, a, sizeof(a));
	addr_format(&ip.dst, b, sizeof(b));
	FUZZ_CHECK(strlen(a) < sizeof(a) && strlen(b) < sizeof(b));
	check_l4(&ip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l3_view l3;
	enum parse_rc rc;
	int dlt;

	if (size < 1)
		return 0;
	dlt = link_types[data[0] % (sizeof(link_types) / sizeof(link_types[0]))];
	data++;
	size--;
	memset(&l3, 0xa5, sizeof(l3));
	rc = link_decap(dlt, data, size, &l3);
	FUZZ_CHECK(link_supported(dlt) || rc == PARSE_NOT_MINE);
	if (rc != PARSE_OK) {
		/* The contract: @out is cleared on failure. */
		FUZZ_CHECK(l3.p == NULL && l3.len == 0);
		return 0;
	}
	FUZZ_CHECK(l3.len >= 1 && fuzz_within(l3.p, l3.len, data, size));
	FUZZ_CHECK(l3.version == 4 || l3.version == 6);
	FUZZ_CHECK(l3.p[0] >> 4 == l3.version);
	check_ip(l3.p, l3.len);
	return 0;
}
