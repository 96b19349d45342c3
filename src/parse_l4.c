// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_l4.c - TCP (RFC 9293 §3.1) and UDP (RFC 768) header decoding into
 * struct l4_info.
 *
 * The input is the IP payload already cut to the IP length by ip_parse(),
 * so "the segment" here is exactly what the IP header says it carries (or
 * less, when the capture was cut short).  Checksums are never verified:
 * offloaded packets in NFQUEUE carry partial ones.
 */
#include "cursor.h"
#include "parse_l4.h"

enum {
	TCP_MIN_HDR = 20,
	UDP_HDR = 8,
};

/*
 * TCP header, RFC 9293 §3.1:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options (Data Offset > 5)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Data Offset counts 32-bit words: 5 (no options) to 15.
 */
enum parse_rc tcp_parse(const uint8_t *p, size_t len, struct l4_info *out)
{
	struct cur c = cur_init(p, len);
	size_t hlen;

	out->sport = cur_u16(&c);
	out->dport = cur_u16(&c);
	out->seq = cur_u32(&c);
	out->ack = cur_u32(&c);
	hlen = (size_t)(cur_u8(&c) >> 4) * 4;
	out->tcp_flags = cur_u8(&c);
	out->payload.p = NULL;
	out->payload.len = 0;
	cur_skip(&c, 6);	/* window, checksum, urgent pointer */
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	if (hlen < TCP_MIN_HDR)
		return PARSE_MALFORMED;
	/* Options are skipped: nothing downstream needs MSS or SACK. */
	cur_skip(&c, hlen - TCP_MIN_HDR);
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	out->payload.p = cur_ptr(&c);
	out->payload.len = cur_left(&c);
	return PARSE_OK;
}

/*
 * UDP header, RFC 768:
 *
 *   +----------------+----------------+----------------+----------------+
 *   |  Source Port   |   Dest Port    |     Length     |    Checksum    |
 *   +----------------+----------------+----------------+----------------+
 *
 * Length counts the header too, so it is at least 8.  Bytes after Length
 * (link or IP padding) are not payload.  When Length claims more than the
 * packet holds, the payload is what is there and PARSE_TRUNCATED says so:
 * a DNS question in the first bytes may still be readable.
 */
enum parse_rc udp_parse(const uint8_t *p, size_t len, struct l4_info *out)
{
	struct cur c = cur_init(p, len);
	size_t ulen;

	out->sport = cur_u16(&c);
	out->dport = cur_u16(&c);
	ulen = cur_u16(&c);
	cur_skip(&c, 2);	/* checksum */
	out->tcp_flags = 0;
	out->seq = 0;
	out->ack = 0;
	out->payload.p = NULL;
	out->payload.len = 0;
	if (!cur_ok(&c))
		return PARSE_TRUNCATED;
	if (ulen < UDP_HDR)
		return PARSE_MALFORMED;
	out->payload.p = cur_ptr(&c);
	if (ulen - UDP_HDR > cur_left(&c)) {
		out->payload.len = cur_left(&c);
		return PARSE_TRUNCATED;
	}
	out->payload.len = ulen - UDP_HDR;
	return PARSE_OK;
}
