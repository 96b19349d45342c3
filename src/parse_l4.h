// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_l4.h - TCP (RFC 9293) and UDP (RFC 768) headers.
 * Checksums are never verified: offloaded packets carry partial ones.
 */
#ifndef EMBARGO_PARSE_L4_H
#define EMBARGO_PARSE_L4_H

#include <stdbool.h>
#include "parse.h"

enum {
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
	TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80,
};

struct l4_info {
	uint16_t sport, dport;
	uint8_t tcp_flags;	/* TCP only */
	uint32_t seq, ack;	/* TCP only */
	struct bytes payload;
};

/* tcp_parse - doff >= 5 and within the segment.  PARSE_OK/TRUNCATED/MALFORMED. */
enum parse_rc tcp_parse(const uint8_t *p, size_t len, struct l4_info *out);

/*
 * udp_parse - the UDP length must be >= 8; the payload is cut to it.  When
 * the length claims more than @len holds (a truncated capture), the payload
 * is what is there and PARSE_TRUNCATED is returned with @out filled.
 */
enum parse_rc udp_parse(const uint8_t *p, size_t len, struct l4_info *out);

#endif
