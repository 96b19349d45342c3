// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_ip.c - IPv4 (RFC 791 §3.1) and IPv6 (RFC 8200 §3, §4) header
 * decoding into struct ip_info.
 *
 * Runs once per packet on the hottest path: no allocation, the payload is
 * a view into the packet, and only the addresses are copied.  Checksums
 * are not verified (offloaded packets carry partial ones).
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "cursor.h"
#include "parse_ip.h"

enum {
	IP4_MIN_HDR = 20,
	IP6_HDR = 40,
	IP4_MF = 0x2000,	/* flags/fragment offset word: More Fragments */
	IP4_OFF_MASK = 0x1fff,	/* fragment offset, in 8-byte units */
	IP6_OFF_MASK = 0xfff8,	/* fragment offset, already times 8 in place */
	IP6_MF = 0x0001,
	/*
	 * Cap on the extension headers walked per packet.  Real stacks carry a
	 * handful; the cap bounds the loop on crafted chains and keeps hdr_len
	 * within 16 bits (16 * 2048-byte options headers + 40 < 65536).
	 */
	IP6_MAX_EXT = 16,
	/* Extension headers with the RFC 8200 §4 / RFC 6564 layout:
	 * next header (1), length in 8-byte units not counting the first 8 (1). */
	IPPROTO_MOBILITY = 135,	/* RFC 6275 §6.1 */
	IPPROTO_HIP = 139,	/* RFC 7401 §5.1 */
	IPPROTO_SHIM6 = 140,	/* RFC 5533 §5 */
};

/* cur_limit - forget everything after the first @n bytes of @c. */
static inline void cur_limit(struct cur *c, size_t n)
{
	if (n < cur_left(c)) {
		struct cur head = cur_sub(c, n);

		*c = head;
	}
}

/*
 * IPv4 header, RFC 791 §3.1:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options (IHL > 5)          |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static enum parse_rc ip4_parse(struct cur *c, struct ip_info *out)
{
	size_t caplen = cur_left(c);
	uint8_t vihl = cur_u8(c);
	uint32_t tot, hlen;
	uint16_t frag;

	cur_skip(c, 1);
	tot = cur_u16(c);
	out->frag_id = cur_u16(c);
	frag = cur_u16(c);
	out->ttl = cur_u8(c);
	out->proto = cur_u8(c);
	cur_skip(c, 2);
	out->src.af = AF_INET;
	cur_copy(c, out->src.a, 4);
	out->dst.af = AF_INET;
	cur_copy(c, out->dst.a, 4);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;

	hlen = (vihl & 0x0fu) * 4;
	if (hlen < IP4_MIN_HDR)
		return PARSE_MALFORMED;
	cur_skip(c, hlen - IP4_MIN_HDR);	/* options: nothing here needs them */
	if (!cur_ok(c))
		return PARSE_TRUNCATED;

	/*
	 * A zero Total Length is what segmentation offload (TSO/GSO, and IPv4
	 * BIG TCP above 64 KiB) leaves in a super-packet handed to NFQUEUE or
	 * captured before the NIC: the packet is then as long as the capture.
	 */
	if (tot == 0)
		tot = caplen > UINT32_MAX ? UINT32_MAX : (uint32_t)caplen;
	if (tot < hlen)
		return PARSE_MALFORMED;

	out->more_frags = frag & IP4_MF;
	out->frag_off = (uint16_t)((frag & IP4_OFF_MASK) << 3);
	out->is_fragment = out->more_frags || out->frag_off;
	out->hdr_len = (uint16_t)hlen;
	out->tot_len = tot;
	out->truncated = caplen < tot;
	/* Cut link-layer padding (Ethernet minimum frame size) off the payload. */
	cur_limit(c, tot - hlen);
	out->payload.p = cur_ptr(c);
	out->payload.len = cur_left(c);
	return PARSE_OK;
}

/*
 * ip6_frag - the Fragment header, RFC 8200 §4.5 (the next header byte is
 * already read):
 *
 *   +---------------+---------------+-------------------------+-----+-+
 *   |  Next Header  |   Reserved    |      Fragment Offset    |Res  |M|
 *   +---------------+---------------+-------------------------+-----+-+
 *   |                         Identification                          |
 *   +-----------------------------------------------------------------+
 *
 * Returns true when this is not the first fragment: the bytes after it are
 * then fragment data, not further headers.  Offset 0 with M clear is an
 * "atomic fragment" (RFC 8200 §4.5, RFC 6946): a whole packet.
 */
static bool ip6_frag(struct cur *c, struct ip_info *out)
{
	uint16_t offm;

	cur_skip(c, 1);
	offm = cur_u16(c);
	out->frag_id = cur_u32(c);
	out->more_frags = offm & IP6_MF;
	out->frag_off = offm & IP6_OFF_MASK;
	out->is_fragment = out->more_frags || out->frag_off;
	return out->frag_off != 0;
}

/*
 * ip6_walk - follow the extension header chain (RFC 8200 §4) in @c, which
 * holds the IPv6 payload.  On PARSE_OK, @c is at the upper-layer header
 * (or fragment data) and out->proto names it.  ESP (RFC 4303) and No Next
 * Header (59) end the walk: what follows is opaque.  A chain that breaks
 * the order rules of §4.1 sets out->ambiguous.
 *
 * Most extension headers share one layout; AH (RFC 4302 §2.2) counts its
 * length in 4-byte words minus 2 instead:
 *
 *   +---------------+---------------+------------------------------+
 *   |  Next Header  |  Hdr Ext Len  |  header-specific data ...    |
 *   +---------------+---------------+------------------------------+
 *     options/routing/mobility: (Hdr Ext Len + 1) * 8 bytes
 *     AH:                       (Payload Len + 2) * 4 bytes
 */
static void ip6_walk(struct cur *c, uint8_t nh, struct ip_info *out)
{
	bool seen_frag = false;
	unsigned int n;

	/* n counts the extension headers seen so far; each branch that would
	 * take one more past IP6_MAX_EXT gives up instead. */
	for (n = 0;; n++) {
		uint8_t next, hel;

		switch (nh) {
		case IPPROTO_HOPOPTS:
			/* Only allowed right after the IPv6 header (§4.1). */
			if (n != 0)
				goto malformed;
			/* fallthrough */
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_MOBILITY:
		case IPPROTO_HIP:
		case IPPROTO_SHIM6:
			if (n == IP6_MAX_EXT)
				goto malformed;
			next = cur_u8(c);
			hel = cur_u8(c);
			cur_skip(c, hel * 8u + 6);
			break;
		case IPPROTO_AH:
			if (n == IP6_MAX_EXT)
				goto malformed;
			next = cur_u8(c);
			hel = cur_u8(c);
			cur_skip(c, hel * 4u + 6);
			break;
		case IPPROTO_FRAGMENT:
			/*
			 * At most once (§4.1): a second Fragment header would be
			 * reassembled in two stages by some receivers and in one
			 * by others, a classic way to make a filter and a host
			 * see different data.
			 */
			if (n == IP6_MAX_EXT || seen_frag)
				goto malformed;
			seen_frag = true;
			next = cur_u8(c);
			if (ip6_frag(c, out)) {
				out->proto = next;
				return;
			}
			break;
		default:
			/* Upper layer, ESP, No Next Header or unknown: stop. */
			out->proto = nh;
			return;
		}
		if (!cur_ok(c))
			return;
		nh = next;
	}
malformed:
	out->ambiguous = true;
}

/*
 * IPv6 header, RFC 8200 §3:
 *
 *   +-------+---------------+---------------------------------------+
 *   |Version| Traffic Class |              Flow Label               |
 *   +-------+---------------+-------+---------------+---------------+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-------------------------------+---------------+---------------+
 *   |                  Source Address (16 bytes)                    |
 *   +---------------------------------------------------------------+
 *   |               Destination Address (16 bytes)                  |
 *   +---------------------------------------------------------------+
 */
static enum parse_rc ip6_parse(struct cur *c, struct ip_info *out)
{
	size_t caplen = cur_left(c), body;
	uint32_t plen;
	uint8_t nh;

	cur_skip(c, 4);
	plen = cur_u16(c);
	nh = cur_u8(c);
	out->ttl = cur_u8(c);
	out->src.af = AF_INET6;
	cur_copy(c, out->src.a, 16);
	out->dst.af = AF_INET6;
	cur_copy(c, out->dst.a, 16);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	/*
	 * Payload Length 0 means a jumbogram (RFC 2675), whose real length
	 * sits in a Hop-by-Hop option, or an IPv6 BIG TCP super-packet.
	 * Neither can be bounded from this header: treated as malformed.
	 */
	if (plen == 0)
		return PARSE_MALFORMED;

	out->tot_len = IP6_HDR + plen;
	out->truncated = caplen < out->tot_len;
	cur_limit(c, plen);
	body = cur_left(c);
	ip6_walk(c, nh, out);
	if (out->ambiguous)
		return PARSE_MALFORMED;
	/* A header running past the end: cut by the capture, or lying about
	 * its length inside a complete packet. */
	if (!cur_ok(c))
		return out->truncated ? PARSE_TRUNCATED : PARSE_MALFORMED;
	out->hdr_len = (uint16_t)(IP6_HDR + (body - cur_left(c)));
	out->payload.p = cur_ptr(c);
	out->payload.len = cur_left(c);
	return PARSE_OK;
}

enum parse_rc ip_parse(const uint8_t *p, size_t len, struct ip_info *out)
{
	struct cur c = cur_init(p, len);
	struct cur peek = c;
	uint8_t version = cur_u8(&peek) >> 4;

	*out = (struct ip_info){ 0 };
	if (!cur_ok(&peek))
		return PARSE_TRUNCATED;
	out->version = version;
	if (version == 4)
		return ip4_parse(&c, out);
	if (version == 6)
		return ip6_parse(&c, out);
	out->version = 0;
	return PARSE_MALFORMED;
}
