// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_ip.h - IPv4 (RFC 791) and IPv6 (RFC 8200) header decoding.
 */
#ifndef EMBARGO_PARSE_IP_H
#define EMBARGO_PARSE_IP_H

#include <stdbool.h>
#include "addr.h"
#include "parse.h"

struct ip_info {
	struct addr src, dst;
	uint8_t version;	/* 4 or 6 */
	uint8_t proto;		/* upper-layer protocol after all IPv6 extension
				 * headers (IPPROTO_TCP, IPPROTO_UDP, ...) */
	uint8_t ttl;		/* TTL / hop limit */
	/* Fragmentation.  For IPv6 these come from the Fragment header. */
	bool is_fragment;	/* MF set or offset != 0 */
	bool more_frags;	/* MF */
	uint16_t frag_off;	/* offset in bytes (already multiplied by 8) */
	uint32_t frag_id;	/* IPv4 identification or IPv6 fragment id */
	uint16_t hdr_len;	/* bytes from the IP header to the payload,
				 * extension headers included */
	struct bytes payload;	/* the upper-layer bytes (or fragment data),
				 * cut to the header's total length */
	uint32_t tot_len;	/* total length claimed by the header (IPv6:
				 * 40 + Payload Length); an IPv4 Total Length
				 * of 0 (TSO/GSO) reads as the capture length */
	bool truncated;		/* the capture holds fewer bytes than tot_len;
				 * payload then ends where the capture ends */
	bool ambiguous;		/* set with PARSE_MALFORMED when the IPv6
				 * extension header chain breaks RFC 8200 §4.1
				 * in a way some receivers accept anyway (a
				 * second Fragment header, Hop-by-Hop out of
				 * place, more than 16 headers): the packet
				 * may mean to a host what the filter could
				 * not read */
};

/*
 * ip_parse - decode an IPv4 or IPv6 header at @p (version from the first
 * nibble).  IPv4: ihl >= 5, options skipped, tot_len >= ihl*4; a Total
 * Length of 0 (segmentation offload) means "the whole capture".  IPv6: walks
 * Hop-by-Hop (first only), Routing, Destination Options, Fragment, AH,
 * Mobility, HIP and Shim6 headers, at most 16 of them; ESP and No Next
 * Header stop the walk with that proto.  A non-first fragment has no
 * upper-layer header: its payload is raw fragment data and proto is the
 * Fragment header's Next Header.  Payload Length 0 (jumbogram, BIG TCP) is
 * not supported and reads as malformed.
 * Returns PARSE_OK, PARSE_TRUNCATED (header or extension header cut short
 * by the capture) or PARSE_MALFORMED (bad version, ihl, length fields, an
 * extension header running past Payload Length, misplaced Hop-by-Hop, too
 * many extension headers).  PARSE_NOT_MINE is not returned.  Every field
 * of @out is written on PARSE_OK; on failure only out->ambiguous is
 * meaningful, the other fields are unspecified.
 * A packet whose capture is shorter than tot_len is PARSE_OK with
 * out->truncated set.  Never allocates; payload points into @p.
 */
enum parse_rc ip_parse(const uint8_t *p, size_t len, struct ip_info *out);

#endif
