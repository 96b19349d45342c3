// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_link.c - link-layer decapsulation: find the IPv4/IPv6 packet inside
 * a captured frame, for every link type the offline replayer accepts.
 *
 * Only views are returned: the IP packet is never copied.  Every header is
 * read through a struct cur, so a frame cut anywhere yields
 * PARSE_TRUNCATED, never a read past the capture.
 *
 * Link type numbers and header layouts follow the tcpdump.org LINKTYPE
 * registry (https://www.tcpdump.org/linktypes.html) and <pcap/dlt.h>.
 */
#include "cursor.h"
#include "parse_link.h"

/* Link type numbers.  DLT_RAW is 12 on Linux but 14 on OpenBSD/BSD/OS, and
 * savefiles use LINKTYPE_RAW (101); all three mean "raw IP". */
enum {
	LT_NULL = 0,
	LT_EN10MB = 1,
	LT_RAW_LINUX = 12,
	LT_RAW_BSD = 14,
	LT_RAW = 101,
	LT_LOOP = 108,
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_NFLOG = 239,
	LT_LINUX_SLL2 = 276,
};

/* EtherTypes (IEEE 802 numbers). */
enum {
	ETH_MAX_LEN = 1500,	/* values up to here are an 802.3 length field */
	ETH_MIN_TYPE = 0x0600,	/* values from here on are an EtherType */
	ETYPE_IPV4 = 0x0800,
	ETYPE_IPV6 = 0x86dd,
	ETYPE_VLAN = 0x8100,	/* IEEE 802.1Q C-tag */
	ETYPE_QINQ = 0x88a8,	/* IEEE 802.1ad S-tag */
	ETYPE_QINQ_OLD = 0x9100,	/* pre-802.1ad vendor S-tag */
	ETYPE_PPPOE_SESS = 0x8864,	/* RFC 2516 session stage */
};

/* PPP protocol numbers carried in PPPoE sessions (RFC 1332, RFC 5072). */
enum {
	PPP_IPV4 = 0x0021,
	PPP_IPV6 = 0x0057,
};

/* Address families in DLT_NULL/DLT_LOOP headers: AF_INET is 2 everywhere,
 * AF_INET6 differs per OS (Linux 10, Net/OpenBSD 24, FreeBSD 28, Darwin 30). */
enum {
	BSD_AF_INET = 2,
	BSD_AF_INET6_LINUX = 10,
	BSD_AF_INET6_BSD = 24,
	BSD_AF_INET6_FREEBSD = 28,
	BSD_AF_INET6_DARWIN = 30,
};

/* NFLOG: header families are NFPROTO_* values; TLV types are NFULA_*. */
enum {
	NFLOG_PROTO_IPV4 = 2,
	NFLOG_PROTO_IPV6 = 10,
	NFULA_PAYLOAD = 9,
	NLA_TYPE_MASK = 0x3fff,	/* the top two bits are NLA_F_NESTED/NET_BYTEORDER */
};

bool link_supported(int dlt)
{
	return link_name(dlt) != NULL;
}

const char *link_name(int dlt)
{
	switch (dlt) {
	case LT_NULL:
		return "NULL";
	case LT_EN10MB:
		return "EN10MB";
	case LT_RAW_LINUX:
	case LT_RAW_BSD:
	case LT_RAW:
		return "RAW";
	case LT_LOOP:
		return "LOOP";
	case LT_LINUX_SLL:
		return "LINUX_SLL";
	case LT_IPV4:
		return "IPV4";
	case LT_IPV6:
		return "IPV6";
	case LT_NFLOG:
		return "NFLOG";
	case LT_LINUX_SLL2:
		return "LINUX_SLL2";
	default:
		return NULL;
	}
}

/*
 * cur_limit - forget everything after the first @n bytes of @c (padding,
 * trailers).  A cursor already shorter is left alone: a capture cut short
 * keeps the bytes it has.
 */
static inline void cur_limit(struct cur *c, size_t n)
{
	if (n < cur_left(c)) {
		struct cur head = cur_sub(c, n);

		*c = head;
	}
}

/*
 * l3_set - the rest of @c is the IP packet.  @version is what the link
 * header announced (0: nothing, take the IP version nibble).  A link header
 * that announces one version in front of a packet of the other is
 * inconsistent, so it is MALFORMED rather than trusted either way.
 */
static enum parse_rc l3_set(struct cur *c, uint8_t version, struct l3_view *out)
{
	struct cur peek = *c;
	uint8_t nibble = cur_u8(&peek) >> 4;

	if (!cur_ok(&peek))
		return PARSE_TRUNCATED;
	if ((nibble != 4 && nibble != 6) || (version != 0 && nibble != version))
		return PARSE_MALFORMED;
	out->p = cur_ptr(c);
	out->len = cur_left(c);
	out->version = nibble;
	return PARSE_OK;
}

/*
 * pppoe_session - RFC 2516 §4 session-stage header, then a PPP protocol
 * field (RFC 1661 §2) in its two-byte, uncompressed form.
 *
 *    0                   1                   2                   3
 *   +-------+-------+---------------+-------------------------------+
 *   |  VER  | TYPE  |     CODE      |          SESSION_ID           |
 *   +-------+-------+---------------+-------------------------------+
 *   |            LENGTH             |         PPP protocol          |
 *   +-------------------------------+-------------------------------+
 *
 * LENGTH counts the PPP protocol field and the PPP payload.
 */
static enum parse_rc pppoe_session(struct cur *c, struct l3_view *out)
{
	uint8_t vertype = cur_u8(c);
	uint8_t code = cur_u8(c);
	uint16_t plen, proto;

	cur_skip(c, 2);
	plen = cur_u16(c);
	proto = cur_u16(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	if (vertype != 0x11 || code != 0 || plen < 2)
		return PARSE_MALFORMED;
	if (proto != PPP_IPV4 && proto != PPP_IPV6)
		return PARSE_NOT_MINE;
	/* Drop Ethernet padding past LENGTH; a capture cut short keeps what it has. */
	cur_limit(c, plen - 2u);
	return l3_set(c, proto == PPP_IPV4 ? 4 : 6, out);
}

/*
 * llc_snap - an IEEE 802.3 frame (length instead of EtherType) carrying IP
 * the RFC 1042 way: LLC header AA-AA-03, then a SNAP header with OUI
 * 00-00-00 and the EtherType.  Anything else behind an LLC header (STP,
 * NetBIOS, IPX, ...) is not ours.
 *
 *   +------+------+------+------+------+------+------+------+
 *   | DSAP | SSAP | ctrl |  OUI (3 bytes)     |  EtherType  |
 *   +------+------+------+------+------+------+------+------+
 *
 * @len802 is the 802.3 length field: it counts the LLC header and data,
 * so it also tells where the minimum-size padding begins.
 */
static enum parse_rc llc_snap(struct cur *c, uint16_t len802, struct l3_view *out)
{
	uint32_t llc = cur_u24(c);
	uint32_t oui = cur_u24(c);
	uint16_t type = cur_u16(c);

	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	if (llc != 0xaaaa03 || oui != 0 || (type != ETYPE_IPV4 && type != ETYPE_IPV6))
		return PARSE_NOT_MINE;
	if (len802 < 8)
		return PARSE_MALFORMED;
	cur_limit(c, len802 - 8u);
	return l3_set(c, type == ETYPE_IPV4 ? 4 : 6, out);
}

/*
 * ethertype - dispatch on an EtherType whose value was just read from @c.
 * VLAN tags (IEEE 802.1Q §9.6) are 4 bytes: the tag protocol identifier
 * already read as @type, then a TCI and the next EtherType.
 *
 *   +------------------+-----+---+----------+----------------+
 *   | TPID 8100/88a8/  | PCP |DEI|   VID    | next EtherType |
 *   | 9100 (2 bytes)   |  3  | 1 |    12    |   (2 bytes)    |
 *   +------------------+-----+---+----------+----------------+
 *
 * Any depth of tags is accepted: each one consumes 4 bytes, so the loop
 * ends when the frame does.  @llc_ok allows an 802.3 length field (real
 * Ethernet only; a cooked capture uses small values for other meanings).
 */
static enum parse_rc ethertype(struct cur *c, uint16_t type, bool llc_ok, struct l3_view *out)
{
	while (type == ETYPE_VLAN || type == ETYPE_QINQ || type == ETYPE_QINQ_OLD) {
		cur_skip(c, 2);
		type = cur_u16(c);
		if (!cur_ok(c))
			return PARSE_TRUNCATED;
	}
	switch (type) {
	case ETYPE_IPV4:
		return l3_set(c, 4, out);
	case ETYPE_IPV6:
		return l3_set(c, 6, out);
	case ETYPE_PPPOE_SESS:
		return pppoe_session(c, out);
	default:
		if (llc_ok && type <= ETH_MAX_LEN)
			return llc_snap(c, type, out);
		return PARSE_NOT_MINE;
	}
}

/*
 * Ethernet II / IEEE 802.3 (LINKTYPE_ETHERNET):
 *
 *   +-------------------+-------------------+-------------+---------
 *   | destination (6)   | source (6)        | type/len (2)| payload
 *   +-------------------+-------------------+-------------+---------
 */
static enum parse_rc decap_ether(struct cur *c, struct l3_view *out)
{
	uint16_t type;

	cur_skip(c, 12);
	type = cur_u16(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	return ethertype(c, type, true, out);
}

/*
 * Linux cooked capture v1 (LINKTYPE_LINUX_SLL), 16 bytes:
 *
 *   | packet type (2) | ARPHRD type (2) | addr len (2) | addr (8) | protocol (2) |
 *
 * The protocol is an EtherType for Ethernet-like devices.  libpcap may
 * re-insert a VLAN tag after it, so tags are walked as for Ethernet.
 */
static enum parse_rc decap_sll(struct cur *c, struct l3_view *out)
{
	uint16_t proto;

	cur_skip(c, 14);
	proto = cur_u16(c);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	return ethertype(c, proto, false, out);
}

/*
 * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2), 20 bytes:
 *
 *   | protocol (2) | reserved (2) | ifindex (4) | ARPHRD type (2) |
 *   | packet type (1) | addr len (1) | addr (8) |
 */
static enum parse_rc decap_sll2(struct cur *c, struct l3_view *out)
{
	uint16_t proto = cur_u16(c);

	cur_skip(c, 18);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	return ethertype(c, proto, false, out);
}

/*
 * BSD loopback (LINKTYPE_NULL, LINKTYPE_LOOP): a 4-byte address family.
 * DLT_NULL writes it in the capturing host's byte order, DLT_LOOP in
 * network order; a family always fits in 16 bits, so a value with only
 * high bits set is simply byte-swapped.
 */
static enum parse_rc decap_null(struct cur *c, struct l3_view *out)
{
	uint32_t fam = cur_u32(c);

	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	if (fam > 0xffff)
		fam = __builtin_bswap32(fam);
	switch (fam) {
	case BSD_AF_INET:
		return l3_set(c, 4, out);
	case BSD_AF_INET6_LINUX:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return l3_set(c, 6, out);
	default:
		return PARSE_NOT_MINE;
	}
}

/*
 * nflog_u16 - a 16-bit TLV field in host byte order.  The kernel writes
 * these in its own order and libpcap converts a foreign-order savefile to
 * the reader's order, so native order is always right (little-endian on
 * the usual hosts).
 */
static uint16_t nflog_u16(struct cur *c)
{
	const uint8_t *b = cur_bytes(c, 2);

	if (!b)
		return 0;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (uint16_t)(b[0] << 8 | b[1]);
#else
	return (uint16_t)(b[1] << 8 | b[0]);
#endif
}

/*
 * NFLOG (LINKTYPE_NFLOG): a 4-byte header, then netlink-style TLVs, each
 * padded to a multiple of 4 bytes.  The length counts the TLV header but
 * not the padding.
 *
 *   +--------+---------+------------------+
 *   | family | version | resource id (BE) |     header: version is 0
 *   +--------+---------+------------------+
 *   | length (host)    | type (host)      |     TLV, repeated
 *   +------------------+------------------+
 *   | value (length - 4 bytes), padding to 4 ...
 *
 * NFULA_PAYLOAD carries the packet, starting at its network header.  A
 * capture cut inside the payload TLV still yields the bytes present.
 */
static enum parse_rc decap_nflog(struct cur *c, struct l3_view *out)
{
	uint8_t family = cur_u8(c);
	uint8_t version = cur_u8(c);
	uint8_t want;

	cur_skip(c, 2);
	if (!cur_ok(c))
		return PARSE_TRUNCATED;
	if (version != 0)
		return PARSE_MALFORMED;
	if (family == NFLOG_PROTO_IPV4)
		want = 4;
	else if (family == NFLOG_PROTO_IPV6)
		want = 6;
	else
		return PARSE_NOT_MINE;

	/* Each TLV consumes at least 4 bytes: the loop is bounded by the frame. */
	while (cur_left(c) >= 4) {
		uint16_t tlen = nflog_u16(c);
		uint16_t type = nflog_u16(c) & NLA_TYPE_MASK;
		size_t vlen, pad;

		if (tlen < 4)
			return PARSE_MALFORMED;
		vlen = tlen - 4u;
		if (type == NFULA_PAYLOAD) {
			cur_limit(c, vlen);
			return l3_set(c, want, out);
		}
		pad = (4 - (tlen & 3)) & 3;
		if (vlen > cur_left(c))
			return PARSE_TRUNCATED;
		cur_skip(c, vlen);
		/* The last TLV of a frame may come without its padding. */
		cur_skip(c, pad < cur_left(c) ? pad : cur_left(c));
	}
	/* 1-3 bytes left: a TLV header cut short.  None: no packet was logged. */
	return cur_left(c) ? PARSE_TRUNCATED : PARSE_NOT_MINE;
}

enum parse_rc link_decap(int dlt, const uint8_t *p, size_t len, struct l3_view *out)
{
	struct cur c = cur_init(p, len);

	out->p = NULL;
	out->len = 0;
	out->version = 0;
	switch (dlt) {
	case LT_EN10MB:
		return decap_ether(&c, out);
	case LT_RAW_LINUX:
	case LT_RAW_BSD:
	case LT_RAW:
		return l3_set(&c, 0, out);
	case LT_IPV4:
		return l3_set(&c, 4, out);
	case LT_IPV6:
		return l3_set(&c, 6, out);
	case LT_NULL:
	case LT_LOOP:
		return decap_null(&c, out);
	case LT_LINUX_SLL:
		return decap_sll(&c, out);
	case LT_LINUX_SLL2:
		return decap_sll2(&c, out);
	case LT_NFLOG:
		return decap_nflog(&c, out);
	default:
		return PARSE_NOT_MINE;
	}
}
