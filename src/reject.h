// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reject.h - answer a blocked DNS question with NXDOMAIN, so the client
 * fails at once instead of retrying into a silent drop.
 *
 * The answer is built with ldns from the query itself (same id, question
 * and flags, RCODE 3) and sent from the queried server's address to the
 * client through a raw socket, IPv4 or IPv6.  Sending needs CAP_NET_RAW.
 * TCP flows are rejected by the ruleset instead (a verdict mark its REJECT
 * rule acts on: RST for TCP, ICMP for the rest).
 *
 * One struct reject per thread: it holds the sockets and a scratch buffer.
 */
#ifndef EMBARGO_REJECT_H
#define EMBARGO_REJECT_H

#include <stddef.h>
#include <stdint.h>

struct reject;

/* The largest packet reject_build_nxdomain() writes. */
#define REJECT_MAX_PACKET 1500

/*
 * reject_new - open the raw sockets.  Packets sent carry the skb mark @mark
 * (SO_MARK; 0 = none) so the ruleset does not queue them again.  A family
 * the host lacks is skipped; fails only when neither IPv4 nor IPv6 can be
 * opened.  Returns 0 and *out, or a negative errno with a message in @err
 * (-EPERM: CAP_NET_RAW missing).
 */
int reject_new(struct reject **out, uint32_t mark, char *err, size_t errsz);

/* reject_free - close the sockets; NULL is a no-op. */
void reject_free(struct reject *r);

/*
 * reject_build_nxdomain - from @pkt, an IPv4/IPv6 packet carrying one DNS
 * query over UDP (RFC 1035 §4.1.1: QR = 0, OPCODE = QUERY, QDCOUNT = 1),
 * build the whole IP packet of the NXDOMAIN answer into @out: addresses
 * and ports swapped, ID, RD, CD and the question copied, RA set, EDNS
 * (RFC 6891) answered when the query had it, IP and UDP checksums filled.
 * Returns the packet length, -EINVAL when @pkt is not such a query, or
 * -EMSGSIZE when @size is too small.  Allocates only inside ldns, freed
 * before returning.
 */
int reject_build_nxdomain(const uint8_t *pkt, size_t len, uint8_t *out, size_t size);

/*
 * reject_dns - build the answer to @pkt and send it to the client.
 * Returns 0, -EINVAL (not a UDP DNS query), -EAFNOSUPPORT (no socket for
 * that family) or the send error.
 */
int reject_dns(struct reject *r, const uint8_t *pkt, size_t len);

struct reject_stats {
	uint64_t sent;			/* NXDOMAIN answers sent */
	uint64_t not_query;		/* packets that were not a UDP DNS query */
	uint64_t send_errors;		/* sendto() failures or no socket */
};

void reject_get_stats(const struct reject *r, struct reject_stats *st);

#endif
