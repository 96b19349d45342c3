// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_tunnel.c - GRE (RFC 2784, RFC 2890), VXLAN (RFC 7348), Geneve
 * (RFC 8926) and IP-in-IP (RFC 2003, RFC 2473, RFC 4213) decapsulation.
 *
 * A host behind a tunnel endpoint resolves and connects like any other;
 * if the filter sits where only the encapsulated traffic passes, the
 * names it looks for are one header further in.  These parsers strip that
 * header and return a view of the inner frame; the caller runs the normal
 * link/IP pipeline on it.
 *
 * Where the RFCs leave a choice (reserved bits, unknown flags), the code
 * does what the Linux receiver does, and leans towards accepting: an inner
 * frame inspected needlessly costs nothing, one skipped is a bypass.
 */
#include <string.h>

#include "cursor.h"
#include "parse_tunnel.h"

enum {
	ETH_HDR = 14,		/* the smallest inner Ethernet frame we hand on */

	/* GRE flags and version, first 16 bits (RFC 2784 §2, RFC 2890 §2). */
	GRE_C = 0x8000,		/* Checksum Present */
	GRE_R = 0x4000,		/* Routing Present (RFC 1701 only) */
	GRE_K = 0x2000,		/* Key Present (RFC 2890) */
	GRE_S = 0x1000,		/* Sequence Number Present (RFC 2890) */
	GRE_VER = 0x0007,
	GRE_VER_PPTP = 1,	/* RFC 2637 enhanced GRE */
	ETYPE_WCCP = 0x883e,

	VXLAN_HDR = 8,
	VXLAN_I = 0x08,		/* valid VNI flag */

	GENEVE_HDR = 8,
	GENEVE_VER_SHIFT = 6,
	GENEVE_OPT_MASK = 0x3f,	/* Opt Len, in 4-byte words */
};

/*
 * inner - finish @out for an inner frame of protocol @proto in the rest of
 * @c.  Ethernet needs its 14-byte header; IP needs a first nibble that
 * matches the protocol, because the receiver checks it (a mismatch is a
 * packet the receiver drops, or an attempt to confuse the filter).
 */
static enum parse_rc inner(struct cur *c, uint16_t proto, struct tunnel_inner *out)
{
	struct cur peek = *c;
	uint8_t want, nibble;

	switch (proto) {
	case TUNNEL_INNER_ETHER:
		if (cur_left(c) < ETH_HDR)
			return PARSE_TRUNCATED;
		out->ethernet = true;
		out->version = 0;
		break;
	case TUNNEL_INNER_IPV4:
	case TUNNEL_INNER_IPV6:
		want = proto == TUNNEL_INNER_IPV4 ? 4 : 6;
		nibble = cur_u8(&peek) >> 4;
		if (!cur_ok(&peek))
			return PARSE_TRUNCATED;
		if (nibble != want)
			return PARSE_MALFORMED;
		out->ethernet = false;
		out->version = want;
		break;
	default:
		return PARSE_NOT_MINE;
	}
	out->proto = proto;
	out->p = cur_ptr(c);
	out->len = cur_left(c);
	return PARSE_OK;
}

static void clear(struct tunnel_inner *out, enum tunnel_kind kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
}

/*
 * GRE, RFC 2784 §2.1 with the RFC 2890 §2 key and sequence number:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |C|R|K|S| Reserved0       | Ver |         Protocol Type         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      Checksum (optional)      |       Reserved1 (Optional)    |  C
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Key (optional)                        |  K
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Sequence Number (Optional)                    |  S
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 2784 asks receivers to drop packets with bits 1-5 set unless they
 * implement RFC 1701.  Linux refuses only R (bit 1) and a non-zero version
 * and ignores the strict-route and recursion bits (4-7) and Reserved0, so
 * the same is done here: refusing more would leave packets uninspected
 * that the receiver decapsulates.  The checksum is not verified.
 */
enum parse_rc tunnel_gre(const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	struct cur c = cur_init(p, len);
	uint16_t flags, proto;

	clear(out, TUNNEL_GRE);
	flags = cur_u16(&c);
	proto = cur_u16(&c);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	if ((flags & GRE_VER) == GRE_VER_PPTP)
		return PARSE_NOT_MINE;
	if ((flags & GRE_VER) != 0 || (flags & GRE_R))
		return PARSE_MALFORMED;
	if (flags & GRE_C)
		cur_skip(&c, 4);
	if (flags & GRE_K) {
		out->has_id = true;
		out->id = cur_u32(&c);
	}
	if (flags & GRE_S)
		cur_skip(&c, 4);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	/*
	 * WCCP redirection (draft-wilson-wrec-wccp-v2) marks the
	 * redirected packet with its own protocol type and, in version 2,
	 * puts a 4-byte redirect header first, whose first nibble is never
	 * 4.  Linux decapsulates it when no flag is set (as IPv4 behind IPv4,
	 * IPv6 behind IPv6); here the inner packet's own version decides.
	 */
	if (proto == ETYPE_WCCP && flags == 0) {
		struct cur peek = c;

		if (cur_u8(&peek) >> 4 != 4)
			cur_skip(&c, 4);
		peek = c;
		proto = cur_u8(&peek) >> 4 == 6 ? TUNNEL_INNER_IPV6 : TUNNEL_INNER_IPV4;
		if (!cur_ok(&peek))
			return PARSE_TRUNCATED;
	}
	return inner(&c, proto, out);
}

/*
 * VXLAN, RFC 7348 §5:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |R|R|R|R|I|R|R|R|            Reserved                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * followed by the inner Ethernet frame (without FCS).  The RFC says the
 * R bits "MUST be ignored on receipt"; they are.
 */
enum parse_rc tunnel_vxlan(const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	struct cur c = cur_init(p, len);
	uint8_t flags;

	clear(out, TUNNEL_VXLAN);
	flags = cur_u8(&c);
	cur_skip(&c, 3);
	out->id = cur_u24(&c);
	cur_skip(&c, 1);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	if (!(flags & VXLAN_I))
		return PARSE_MALFORMED;
	out->has_id = true;
	return inner(&c, TUNNEL_INNER_ETHER, out);
}

/*
 * Geneve, RFC 8926 §3.4:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        Virtual Network Identifier (VNI)       |    Reserved   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Variable-Length Options                    |
 *   ~                      (Opt Len * 4 bytes)                      ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * An unknown version MUST be dropped (§3.4).  The O (control) and C
 * (critical options) bits do not change where the payload is, and Linux
 * delivers the payload either way, so both are ignored; the options are
 * skipped as a block, as a receiver that does not parse them does.
 */
enum parse_rc tunnel_geneve(const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	struct cur c = cur_init(p, len);
	uint8_t vopt;
	uint16_t proto;

	clear(out, TUNNEL_GENEVE);
	vopt = cur_u8(&c);
	cur_skip(&c, 1);
	proto = cur_u16(&c);
	out->id = cur_u24(&c);
	cur_skip(&c, 1);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	if (vopt >> GENEVE_VER_SHIFT != 0)
		return PARSE_MALFORMED;
	out->has_id = true;
	cur_skip(&c, (vopt & GENEVE_OPT_MASK) * 4u);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	return inner(&c, proto, out);
}

/*
 * IP-in-IP: the payload of protocol 4 is an IPv4 packet (RFC 2003 §3,
 * RFC 2473 §3 inside IPv6) and of protocol 41 an IPv6 packet (RFC 4213 §3.5
 * inside IPv4, RFC 2473 inside IPv6).  There is no header to strip.
 */
enum parse_rc tunnel_ipip(uint8_t proto, const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	struct cur c = cur_init(p, len);

	clear(out, TUNNEL_IPIP);
	if (proto == TUNNEL_PROTO_IPIP)
		return inner(&c, TUNNEL_INNER_IPV4, out);
	if (proto == TUNNEL_PROTO_IPV6)
		return inner(&c, TUNNEL_INNER_IPV6, out);
	return PARSE_NOT_MINE;
}

bool tunnel_ip_proto(uint8_t proto)
{
	return proto == TUNNEL_PROTO_IPIP || proto == TUNNEL_PROTO_IPV6 ||
	       proto == TUNNEL_PROTO_GRE;
}

enum parse_rc tunnel_ip(uint8_t proto, const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	if (proto == TUNNEL_PROTO_GRE)
		return tunnel_gre(p, len, out);
	return tunnel_ipip(proto, p, len, out);
}

bool tunnel_udp_port(uint16_t dport)
{
	return dport == TUNNEL_PORT_VXLAN || dport == TUNNEL_PORT_GENEVE;
}

enum parse_rc tunnel_udp(uint16_t dport, const uint8_t *p, size_t len, struct tunnel_inner *out)
{
	switch (dport) {
	case TUNNEL_PORT_VXLAN:
		return tunnel_vxlan(p, len, out);
	case TUNNEL_PORT_GENEVE:
		return tunnel_geneve(p, len, out);
	default:
		clear(out, TUNNEL_NONE);
		return PARSE_NOT_MINE;
	}
}
