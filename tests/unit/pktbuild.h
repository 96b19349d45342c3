// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pktbuild.h - packets built byte by byte for the engine's unit tests
 * (IPv4, TCP, UDP, a TLS ClientHello, a DNS query) into the buffer @pkt,
 * a reproducible random generator, and a blocklist loaded from text.  The
 * engine verifies no checksum but the IPv4 header's is filled anyway.
 */
#ifndef EMBARGO_TEST_PKTBUILD_H
#define EMBARGO_TEST_PKTBUILD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocklist.h"
#include "tap.h"

#define TCP_SYN_F 0x02
#define TCP_PSH 0x08
#define TCP_ACK_F 0x10

static uint8_t pkt[4096];		/* the packet being built */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64*: reproducible, no libc state. */
static inline uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static inline uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	return put16(p + 1, (uint16_t)v);
}

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
	return put16(put16(p, (uint16_t)(v >> 16)), (uint16_t)v);
}

/* IPv4 header (RFC 791 §3.1), no options; @frag is the flags/offset word. */
static inline uint8_t *ip4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t payload,
		    uint16_t id, uint16_t frag)
{
	uint32_t sum = 0;

	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, (uint16_t)(20 + payload));
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put16(p + 10, 0);
	put32(p + 12, src);
	put32(p + 16, dst);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(p + 10, (uint16_t)~sum);
	return p + 20;
}

static inline size_t tcp_pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq,
		      uint8_t flags, const uint8_t *data, size_t len)
{
	uint8_t *p = ip4(pkt, src, dst, IPPROTO_TCP, 20 + len, (uint16_t)rnd(), 0x4000);

	p = put16(p, sport);
	p = put16(p, dport);
	p = put32(p, seq);
	p = put32(p, (flags & TCP_ACK_F) ? 1 : 0);
	*p++ = 5 << 4;
	*p++ = flags;
	p = put16(p, 64240);
	p = put32(p, 0);		/* checksum, urgent pointer */
	if (len)
		memcpy(p, data, len);
	return 40 + len;
}

static inline size_t udp_pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		      const uint8_t *data, size_t len)
{
	uint8_t *p = ip4(pkt, src, dst, IPPROTO_UDP, 8 + len, (uint16_t)rnd(), 0x4000);

	p = put16(p, sport);
	p = put16(p, dport);
	p = put16(p, (uint16_t)(8 + len));
	p = put16(p, 0);
	memcpy(p, data, len);
	return 28 + len;
}

/*
 * A ClientHello (RFC 8446 §4.1.2) in one record with server_name (RFC 6066
 * §3) and a padding extension (RFC 7685) of @pad bytes.  @claim, if not 0,
 * replaces the handshake length (a prefix of a longer hello).
 */
static inline size_t hello(uint8_t *out, const char *sni, size_t pad, uint32_t claim)
{
	size_t n = strlen(sni), ext = 9 + n + (pad ? 4 + pad : 0);
	size_t body = 2 + 32 + 1 + 4 + 2 + 2 + ext;
	uint8_t *p = out;

	*p++ = 22;
	p = put16(p, 0x0301);
	p = put16(p, (uint16_t)(4 + body));
	*p++ = 1;
	p = put24(p, claim ? claim : (uint32_t)body);
	p = put16(p, 0x0303);
	memset(p, 0x5a, 32);		/* random */
	p += 32;
	*p++ = 0;			/* session id */
	p = put16(p, 2);
	p = put16(p, 0x1301);
	*p++ = 1;
	*p++ = 0;			/* compression: null */
	p = put16(p, (uint16_t)ext);
	p = put16(p, 0x0000);		/* server_name */
	p = put16(p, (uint16_t)(5 + n));
	p = put16(p, (uint16_t)(3 + n));
	*p++ = 0;			/* host_name */
	p = put16(p, (uint16_t)n);
	memcpy(p, sni, n);
	p += n;
	if (pad) {
		p = put16(p, 0x0015);
		p = put16(p, (uint16_t)pad);
		memset(p, 0, pad);
		p += pad;
	}
	return (size_t)(p - out);
}

/* A DNS query (RFC 1035 §4.1) for @name, type A. */
static inline size_t dns_query(uint8_t *out, uint16_t id, const char *name)
{
	uint8_t *p = out;
	const char *s = name;

	p = put16(p, id);
	p = put16(p, 0x0100);
	p = put16(p, 1);
	p = put32(p, 0);
	p = put16(p, 0);
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		*p++ = (uint8_t)l;
		memcpy(p, s, l);
		p += l;
		s += l + (dot ? 1 : 0);
	}
	*p++ = 0;
	p = put16(p, 1);
	p = put16(p, 1);
	return (size_t)(p - out);
}

/* load_blocklist_text - @text as a list file (a temporary one); NULL on error. */
static inline struct blocklist *load_blocklist_text(const char *text)
{
	char path[] = "/tmp/embargo-test-XXXXXX";
	const char *paths[] = { path };
	struct blocklist *bl = NULL;
	struct bl_error err;
	int fd = mkstemp(path);
	bool ok_write;

	if (fd < 0)
		return NULL;
	ok_write = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	if (!ok_write || blocklist_load(&bl, paths, 1, NULL, &err) < 0) {
		if (ok_write)
			diag("blocklist: %s:%u: %s", err.file, err.line, err.msg);
		bl = NULL;
	}
	unlink(path);
	return bl;
}

#endif
