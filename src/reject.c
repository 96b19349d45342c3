// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reject.c - synthesised NXDOMAIN answers (RFC 1035 §4.1.1, RFC 2308 §2.1)
 * sent back to the client through raw sockets.
 *
 * The query is parsed with the project's IP/UDP parsers and ldns; the reply
 * is a new packet from the server the client asked, so its stub resolver
 * accepts it (same addresses, ports and DNS ID):
 *
 *   query   client:port  ->  server:53    ID=x  QR=0 RD=r  Q=name/type
 *   answer  server:53    ->  client:port  ID=x  QR=1 RD=r RA=1 RCODE=3  Q=name/type
 *
 * No SOA goes into the authority section: without one the negative answer
 * is not cached (RFC 2308 §5), so a client asks again - and gets the same
 * answer at once - rather than remembering a policy decision as DNS data.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "parse_ip.h"
#include "parse_l4.h"
#include "reject.h"

#define IPV4_HDR 20
#define IPV6_HDR 40
#define UDP_HDR 8
#define REPLY_TTL 64
#define EDNS_UDP_SIZE 1232		/* DNS flag day 2020 recommendation */

struct reject {
	int fd4, fd6;
	struct reject_stats st;
	uint8_t buf[REJECT_MAX_PACKET];
};

/* ---------------------------------------------------------------- building */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 one's complement sum, continued from @sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * The DNS answer for the query in @q (RFC 1035 §4.1.1 header):
 *
 *   ID | QR Opcode AA TC RD | RA Z AD CD RCODE | QDCOUNT=1 | AN=0 | NS=0 | AR
 *
 * Returns a malloc'd wire buffer in *@wire (free()), or NULL if @q is not
 * a single-question standard query.
 */
static uint8_t *build_dns(const uint8_t *q, size_t qlen, size_t *wlen)
{
	ldns_pkt *query = NULL, *ans = NULL;
	ldns_rr *question;
	uint8_t *wire = NULL;

	if (ldns_wire2pkt(&query, q, qlen) != LDNS_STATUS_OK)
		return NULL;
	if (ldns_pkt_qr(query) || ldns_pkt_get_opcode(query) != LDNS_PACKET_QUERY ||
	    ldns_pkt_qdcount(query) != 1 || !ldns_pkt_question(query) ||
	    ldns_rr_list_rr_count(ldns_pkt_question(query)) != 1)
		goto out;
	ans = ldns_pkt_new();
	question = ans ? ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(query), 0)) : NULL;
	if (!question)
		goto out;
	ldns_pkt_set_id(ans, ldns_pkt_id(query));
	ldns_pkt_set_qr(ans, true);
	ldns_pkt_set_opcode(ans, LDNS_PACKET_QUERY);
	ldns_pkt_set_rd(ans, ldns_pkt_rd(query));
	ldns_pkt_set_ra(ans, true);
	ldns_pkt_set_cd(ans, ldns_pkt_cd(query));
	ldns_pkt_set_rcode(ans, LDNS_RCODE_NXDOMAIN);
	/* The question is echoed as sent, case included (0x20 randomisation). */
	if (!ldns_pkt_push_rr(ans, LDNS_SECTION_QUESTION, question)) {
		ldns_rr_free(question);
		goto out;
	}
	/* RFC 6891 §7: a responder that supports EDNS answers an OPT with one. */
	if (ldns_pkt_edns(query))
		ldns_pkt_set_edns_udp_size(ans, EDNS_UDP_SIZE);
	if (ldns_pkt2wire(&wire, ans, wlen) != LDNS_STATUS_OK) {
		free(wire);
		wire = NULL;
	}
out:
	ldns_pkt_free(ans);
	ldns_pkt_free(query);
	return wire;
}

/*
 * IPv4 (RFC 791 §3.1) or IPv6 (RFC 8200 §3) header plus UDP header
 * (RFC 768) in front of @dlen bytes of DNS already at @out + hdr + 8.
 */
static size_t build_ip_udp(const struct ip_info *ip, const struct l4_info *udp, uint8_t *out,
			   size_t dlen)
{
	size_t hdr = ip->version == 4 ? IPV4_HDR : IPV6_HDR;
	size_t ulen = UDP_HDR + dlen;
	uint8_t *u = out + hdr;
	uint32_t sum;

	if (ip->version == 4) {
		memset(out, 0, IPV4_HDR);
		out[0] = 0x45;				/* version 4, IHL 5 */
		put16(out + 2, (uint16_t)(hdr + ulen));	/* total length */
		put16(out + 6, 0x4000);			/* DF, offset 0 */
		out[8] = REPLY_TTL;
		out[9] = IPPROTO_UDP;
		memcpy(out + 12, ip->dst.a, 4);		/* from the server ... */
		memcpy(out + 16, ip->src.a, 4);		/* ... to the client */
		put16(out + 10, csum_fold(csum_add(0, out, IPV4_HDR)));
		/* Pseudo-header: src, dst, zero, protocol, UDP length. */
		sum = csum_add(0, out + 12, 8) + IPPROTO_UDP + (uint32_t)ulen;
	} else {
		memset(out, 0, IPV6_HDR);
		out[0] = 0x60;				/* version 6 */
		put16(out + 4, (uint16_t)ulen);		/* payload length */
		out[6] = IPPROTO_UDP;
		out[7] = REPLY_TTL;
		memcpy(out + 8, ip->dst.a, 16);
		memcpy(out + 24, ip->src.a, 16);
		/* Pseudo-header (RFC 8200 §8.1): src, dst, length, next header. */
		sum = csum_add(0, out + 8, 32) + IPPROTO_UDP + (uint32_t)ulen;
	}
	put16(u, udp->dport);
	put16(u + 2, udp->sport);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, 0);
	sum = csum_add(sum, u, ulen);
	sum = csum_fold(sum);
	/* A computed zero is sent as all ones (RFC 768; mandatory for IPv6). */
	put16(u + 6, sum ? (uint16_t)sum : 0xffff);
	return hdr + ulen;
}

int reject_build_nxdomain(const uint8_t *pkt, size_t len, uint8_t *out, size_t size)
{
	struct ip_info ip;
	struct l4_info udp;
	uint8_t *wire;
	size_t wlen, hdr;
	int ret;

	if (ip_parse(pkt, len, &ip) != PARSE_OK || ip.truncated || ip.proto != IPPROTO_UDP ||
	    ip.is_fragment || (ip.version != 4 && ip.version != 6))
		return -EINVAL;
	if (udp_parse(ip.payload.p, ip.payload.len, &udp) != PARSE_OK || udp.payload.len < 12)
		return -EINVAL;
	wire = build_dns(udp.payload.p, udp.payload.len, &wlen);
	if (!wire)
		return -EINVAL;
	hdr = ip.version == 4 ? IPV4_HDR : IPV6_HDR;
	if (wlen > 0xffff - hdr - UDP_HDR || size < hdr + UDP_HDR + wlen) {
		ret = -EMSGSIZE;
	} else {
		memcpy(out + hdr + UDP_HDR, wire, wlen);
		ret = (int)build_ip_udp(&ip, &udp, out, wlen);
	}
	free(wire);
	return ret;
}

/* ----------------------------------------------------------------- sending */

static int raw_socket(int family, uint32_t mark)
{
	/*
	 * IPPROTO_RAW implies IP_HDRINCL (and the IPv6 equivalent): the packet
	 * goes out with our header, source address included, which the gateway
	 * does not own.  The kernel still routes it and fills the IPv4 id.
	 */
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int saved;

	if (fd < 0)
		return -errno;
	if (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		saved = errno;
		close(fd);
		return -saved;
	}
	return fd;
}

int reject_new(struct reject **out, uint32_t mark, char *err, size_t errsz)
{
	struct reject *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	r->fd4 = raw_socket(AF_INET, mark);
	r->fd6 = raw_socket(AF_INET6, mark);
	if (r->fd4 < 0 && r->fd6 < 0) {
		int ret = r->fd4;

		snprintf(err, errsz, "raw socket for DNS answers: %s%s", strerror(-ret),
			 ret == -EPERM ? " (CAP_NET_RAW is needed)" : "");
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void reject_free(struct reject *r)
{
	if (!r)
		return;
	if (r->fd4 >= 0)
		close(r->fd4);
	if (r->fd6 >= 0)
		close(r->fd6);
	free(r);
}

int reject_dns(struct reject *r, const uint8_t *pkt, size_t len)
{
	int n = reject_build_nxdomain(pkt, len, r->buf, sizeof(r->buf));
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	ssize_t sent;

	if (n < 0) {
		r->st.not_query++;
		return n;
	}
	if (r->buf[0] >> 4 == 4) {
		if (r->fd4 < 0)
			goto nosock;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, r->buf + 16, 4);
		sent = sendto(r->fd4, r->buf, (size_t)n, 0, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		if (r->fd6 < 0)
			goto nosock;
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, r->buf + 24, 16);
		sent = sendto(r->fd6, r->buf, (size_t)n, 0, (struct sockaddr *)&sin6,
			      sizeof(sin6));
	}
	if (sent < 0) {
		r->st.send_errors++;
		return -errno;
	}
	r->st.sent++;
	return 0;
nosock:
	r->st.send_errors++;
	return -EAFNOSUPPORT;
}

void reject_get_stats(const struct reject *r, struct reject_stats *st)
{
	*st = r->st;
}
