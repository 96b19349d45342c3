// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_link.h - link-layer decapsulation: a captured frame -> its IP packet.
 *
 * Supported link types (pcap DLT/LINKTYPE numbers):
 *   DLT_EN10MB (1)    Ethernet II, any stack of 802.1Q (0x8100), 802.1ad
 *                     (0x88a8) and 0x9100 tags; also IEEE 802.3 frames with
 *                     an RFC 1042 LLC/SNAP header and PPPoE sessions (0x8864)
 *                     carrying IP
 *   DLT_RAW (12/14), LINKTYPE_RAW (101), LINKTYPE_IPV4 (228), LINKTYPE_IPV6 (229)
 *   DLT_NULL (0), DLT_LOOP (108)  BSD loopback, 4-byte family in host or
 *                     network order (2 = IPv4; 10, 24, 28, 30 = IPv6)
 *   DLT_LINUX_SLL (113), DLT_LINUX_SLL2 (276)  Linux cooked capture (VLAN
 *                     tags after the protocol field are walked too)
 *   DLT_NFLOG (239)   NFLOG TLVs (host byte order); the NFULA_PAYLOAD
 *                     (type 9) TLV is the packet
 */
#ifndef EMBARGO_PARSE_LINK_H
#define EMBARGO_PARSE_LINK_H

#include <stdbool.h>
#include "parse.h"

/* The IP packet found in a frame. */
struct l3_view {
	const uint8_t *p;	/* first byte of the IP header */
	size_t len;
	uint8_t version;	/* 4 or 6: the IP version nibble, which
				 * link_decap() checked against the link
				 * header's EtherType/family when it has one */
};

/* link_supported - true if link_decap() knows @dlt. */
bool link_supported(int dlt);

/* link_name - a short name for @dlt ("EN10MB", ...) or NULL if unknown. */
const char *link_name(int dlt);

/*
 * link_decap - find the IP packet inside a frame of link type @dlt.
 * Returns PARSE_OK with @out filled (at least one byte: the IP header itself
 * is not validated); PARSE_NOT_MINE when the frame carries something other
 * than IPv4/IPv6 (ARP, LLDP, ...) or @dlt is unsupported; PARSE_TRUNCATED
 * when the frame ends inside the link header or before any IP byte;
 * PARSE_MALFORMED for broken headers, including an IP version nibble other
 * than 4/6 or disagreeing with the link header.  The view is cut to the
 * length the link header gives (802.3, PPPoE, NFLOG TLV), so trailing
 * padding is excluded.  @out is cleared on failure.  Never allocates; the
 * view points into @p.
 */
enum parse_rc link_decap(int dlt, const uint8_t *p, size_t len, struct l3_view *out);

#endif
