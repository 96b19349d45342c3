// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_tunnel.h - decapsulation of the tunnels seen at network edges, so
 * that names inside them are inspected like any other traffic:
 *
 *   GRE       (RFC 2784, RFC 2890 key/sequence)  IP protocol 47
 *   VXLAN     (RFC 7348)                         UDP port 4789
 *   Geneve    (RFC 8926)                         UDP port 6081
 *   IP-in-IP  (RFC 2003; RFC 2473 in IPv6)       IP protocol 4
 *   IPv6-in-IP (RFC 4213 6in4; RFC 2473)         IP protocol 41
 *
 * Every function takes the bytes after the outer IP header (GRE, IP-in-IP)
 * or after the outer UDP header (VXLAN, Geneve), returns a view of the
 * inner frame into that buffer and never allocates.  The inner frame is
 * either an Ethernet frame (hand it to link_decap() with DLT_EN10MB) or an
 * IP packet (hand it to ip_parse()).
 *
 * Acceptance follows what Linux, the usual receiver, accepts rather than
 * the strictest reading of each RFC: a filter that refuses a packet the
 * receiver would decapsulate leaves it uninspected.  So bits a receiver
 * ignores are ignored here too; checksums are never verified.
 */
#ifndef EMBARGO_PARSE_TUNNEL_H
#define EMBARGO_PARSE_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

/* Well-known transport numbers of the tunnels. */
enum {
	TUNNEL_PROTO_IPIP = 4,		/* IP protocol: IPv4 inside */
	TUNNEL_PROTO_IPV6 = 41,		/* IP protocol: IPv6 inside */
	TUNNEL_PROTO_GRE = 47,		/* IP protocol */
	TUNNEL_PORT_VXLAN = 4789,	/* UDP destination port, RFC 7348 §5 */
	TUNNEL_PORT_GENEVE = 6081,	/* UDP destination port, RFC 8926 §3.3 */
};

/* EtherType-style protocol numbers of inner frames. */
enum {
	TUNNEL_INNER_IPV4 = 0x0800,
	TUNNEL_INNER_IPV6 = 0x86dd,
	TUNNEL_INNER_ETHER = 0x6558,	/* Transparent Ethernet Bridging */
};

enum tunnel_kind {
	TUNNEL_NONE = 0,
	TUNNEL_GRE,
	TUNNEL_VXLAN,
	TUNNEL_GENEVE,
	TUNNEL_IPIP,
};

/* The frame inside a tunnel packet: a view into the caller's buffer. */
struct tunnel_inner {
	bool ethernet;		/* an Ethernet frame; else an IP packet */
	const uint8_t *p;
	size_t len;
	uint16_t proto;		/* TUNNEL_INNER_* */
	uint8_t version;	/* IP packets: 4 or 6 (checked against the first
				 * nibble); 0 for Ethernet */
	enum tunnel_kind kind;
	bool has_id;		/* GRE with K set; always for VXLAN and Geneve */
	uint32_t id;		/* GRE key, VXLAN/Geneve VNI (24 bits) */
};

/*
 * Common to every parser below:
 *   PARSE_OK        @out describes the inner frame, which is non-empty: an
 *                   Ethernet frame holds at least its 14-byte header, an IP
 *                   packet at least a version nibble that agrees with the
 *                   announced protocol.
 *   PARSE_TRUNCATED the header, or the minimal inner frame, is cut short.
 *   PARSE_MALFORMED the header is invalid for the protocol (bad version,
 *                   flags the receiver refuses, inner IP version mismatch).
 *   PARSE_NOT_MINE  a valid header carrying something other than IPv4,
 *                   IPv6 or Ethernet (PPTP, ERSPAN, MPLS, NSH ...), or a
 *                   transport number that is not a tunnel.
 * @out is cleared first and is meaningful only on PARSE_OK.  errno is not
 * touched.
 */

/*
 * tunnel_gre - GRE header (RFC 2784 §2, RFC 2890 §2) at @p, the payload of
 * IP protocol 47.  Version 0 only (version 1 is PPTP's enhanced GRE:
 * NOT_MINE; others MALFORMED); the Routing bit of RFC 1701 is MALFORMED, as
 * in Linux; other reserved bits are ignored.  C, K and S select the
 * optional checksum, key and sequence fields.  Protocol 0x0800/0x86DD:
 * inner IP; 0x6558: inner Ethernet; WCCP (0x883E, no flags): inner IP after
 * the optional WCCPv2 redirect header, as Linux does; anything else
 * (ERSPAN, MPLS, keepalives ...) NOT_MINE.
 */
enum parse_rc tunnel_gre(const uint8_t *p, size_t len, struct tunnel_inner *out);

/*
 * tunnel_vxlan - VXLAN header (RFC 7348 §5) at @p, the payload of a UDP
 * datagram to port 4789.  The I flag must be set (MALFORMED otherwise);
 * the inner frame is Ethernet.
 */
enum parse_rc tunnel_vxlan(const uint8_t *p, size_t len, struct tunnel_inner *out);

/*
 * tunnel_geneve - Geneve header (RFC 8926 §3.4) at @p, the payload of a UDP
 * datagram to port 6081.  Version 0 only (MALFORMED otherwise); the options
 * (Opt Len * 4 bytes) are skipped without interpretation.  Protocol
 * 0x6558: inner Ethernet; 0x0800/0x86DD: inner IP.
 */
enum parse_rc tunnel_geneve(const uint8_t *p, size_t len, struct tunnel_inner *out);

/*
 * tunnel_ipip - the payload of IP protocol 4 (an IPv4 packet) or 41 (an
 * IPv6 packet) is the inner packet as it is.  Other protocols: NOT_MINE.
 */
enum parse_rc tunnel_ipip(uint8_t proto, const uint8_t *p, size_t len, struct tunnel_inner *out);

/* tunnel_ip_proto - true if IP protocol @proto is a tunnel tunnel_ip() opens. */
bool tunnel_ip_proto(uint8_t proto);

/*
 * tunnel_ip - dispatch on the outer IP protocol: 47 to tunnel_gre(), 4 and
 * 41 to tunnel_ipip(); any other protocol is NOT_MINE.
 */
enum parse_rc tunnel_ip(uint8_t proto, const uint8_t *p, size_t len, struct tunnel_inner *out);

/*
 * tunnel_udp_port - true if UDP destination port @dport is a tunnel port
 * (4789 VXLAN, 6081 Geneve).
 */
bool tunnel_udp_port(uint16_t dport);

/*
 * tunnel_udp - dispatch a UDP payload on its destination port: 4789 to
 * tunnel_vxlan(), 6081 to tunnel_geneve(); any other port is NOT_MINE.
 */
enum parse_rc tunnel_udp(uint16_t dport, const uint8_t *p, size_t len, struct tunnel_inner *out);

#endif
