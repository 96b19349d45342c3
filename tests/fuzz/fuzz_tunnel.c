// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_tunnel.c - fuzz target for tunnel decapsulation (parse_tunnel.h:
 * GRE RFC 2784/2890, VXLAN RFC 7348, Geneve RFC 8926, IP-in-IP RFC 2003/
 * RFC 2473/RFC 4213), followed down into the inner frame as the engine
 * does: Ethernet through link_decap(), IP through ip_parse(), and nested
 * tunnels up to a depth of 4.
 *
 * Input:  +----------+------+---------------------------------+
 *         | selector | arg  | tunnel payload ...              |
 *         +----------+------+---------------------------------+
 * selector % 6: 0 GRE (IP proto 47), 1 IPv4-in-IP (4), 2 IPv6-in-IP (41),
 * 3 VXLAN (UDP 4789), 4 Geneve (UDP 6081), 5 the dispatchers with an
 * arbitrary protocol (arg) and port (4789 for arg 0, 6081 for 1, else
 * arg * 257), which must refuse anything that is not a tunnel.
 *
 * Checked: the inner view is non-empty, inside the input and of the kind
 * the contract promises (Ethernet: at least 14 bytes; IP: a version nibble
 * agreeing with the protocol).
 */
#include <string.h>

#include "parse_ip.h"
#include "parse_link.h"
#include "parse_l4.h"
#include "parse_tunnel.h"
#include "fuzz.h"

static void check_inner(enum parse_rc rc, const struct tunnel_inner *t, const uint8_t *p,
			size_t len, int depth);

/* follow_ip - decode the inner IP packet and open a tunnel inside it, if any. */
static void follow_ip(const uint8_t *p, size_t len, int depth)
{
	struct tunnel_inner t;
	struct ip_info ip;
	struct l4_info l4;

	if (ip_parse(p, len, &ip) != PARSE_OK || ip.is_fragment)
		return;
	FUZZ_CHECK(fuzz_within(ip.payload.p, ip.payload.len, p, len));
	if (depth >= 4)
		return;
	if (tunnel_ip_proto(ip.proto)) {
		check_inner(tunnel_ip(ip.proto, ip.payload.p, ip.payload.len, &t), &t,
			    ip.payload.p, ip.payload.len, depth + 1);
	} else if (ip.proto == 17 && udp_parse(ip.payload.p, ip.payload.len, &l4) == PARSE_OK &&
		   tunnel_udp_port(l4.dport)) {
		check_inner(tunnel_udp(l4.dport, l4.payload.p, l4.payload.len, &t), &t,
			    l4.payload.p, l4.payload.len, depth + 1);
	}
}

static void check_inner(enum parse_rc rc, const struct tunnel_inner *t, const uint8_t *p,
			size_t len, int depth)
{
	struct l3_view l3;

	/* On failure @out is "meaningful only on PARSE_OK": nothing to check. */
	if (rc != PARSE_OK)
		return;
	FUZZ_CHECK(t->kind != TUNNEL_NONE);
	FUZZ_CHECK(t->len > 0 && fuzz_within(t->p, t->len, p, len));
	fuzz_touch(t->p, t->len);
	if (t->kind == TUNNEL_VXLAN || t->kind == TUNNEL_GENEVE)
		FUZZ_CHECK(t->has_id && t->id < (1u << 24));
	if (t->ethernet) {
		FUZZ_CHECK(t->len >= 14 && t->version == 0 && t->proto == TUNNEL_INNER_ETHER);
		if (link_decap(1, t->p, t->len, &l3) == PARSE_OK) {
			FUZZ_CHECK(fuzz_within(l3.p, l3.len, t->p, t->len));
			follow_ip(l3.p, l3.len, depth);
		}
		return;
	}
	FUZZ_CHECK(t->version == (t->p[0] >> 4));
	FUZZ_CHECK((t->version == 4 && t->proto == TUNNEL_INNER_IPV4) ||
		   (t->version == 6 && t->proto == TUNNEL_INNER_IPV6));
	follow_ip(t->p, t->len, depth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tunnel_inner t;
	uint8_t sel, arg;
	enum parse_rc rc;
	unsigned port;

	if (size < 2)
		return 0;
	sel = data[0] % 6;
	arg = data[1];
	data += 2;
	size -= 2;
	memset(&t, 0xa5, sizeof(t));
	switch (sel) {
	case 0:
		rc = tunnel_gre(data, size, &t);
		break;
	case 1:
		rc = tunnel_ipip(TUNNEL_PROTO_IPIP, data, size, &t);
		break;
	case 2:
		rc = tunnel_ipip(TUNNEL_PROTO_IPV6, data, size, &t);
		break;
	case 3:
		rc = tunnel_vxlan(data, size, &t);
		break;
	case 4:
		rc = tunnel_geneve(data, size, &t);
		break;
	default:
		rc = tunnel_ip(arg, data, size, &t);
		if (!tunnel_ip_proto(arg))
			FUZZ_CHECK(rc == PARSE_NOT_MINE);
		check_inner(rc, &t, data, size, 0);
		memset(&t, 0xa5, sizeof(t));
		port = arg == 0 ? TUNNEL_PORT_VXLAN : arg == 1 ? TUNNEL_PORT_GENEVE : arg * 257u;
		rc = tunnel_udp((uint16_t)port, data, size, &t);
		if (!tunnel_udp_port((uint16_t)port))
			FUZZ_CHECK(rc == PARSE_NOT_MINE);
		break;
	}
	check_inner(rc, &t, data, size, 0);
	return 0;
}
