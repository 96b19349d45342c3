// SPDX-License-Identifier: GPL-2.0-or-later
/* test_event.c - JSON event format: key order, escaping, bounded writer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "event.h"
#include "util.h"
#include "../tap.h"

static struct addr ip(const char *s)
{
	struct addr a;

	addr_parse(s, &a);
	return a;
}

int main(void)
{
	struct bl_section sec = {
		.list = "kaspersky", .category = "update",
		.policy = { .action = ACTION_DROP, .enforce_from = 0 }, .file = "k.list",
	};
	struct bl_rule rule = { .text = "upd.kaspersky.com", .section = &sec, .kind = BL_SUFFIX };
	struct event ev = {
		.type = EV_MATCH,
		.ts_us = INT64_C(1727582400) * 1000000 + 42,
		.src = ip("192.0.2.10"), .dst = ip("198.51.100.53"),
		.sport = 40000, .dport = 53, .proto = IPPROTO_UDP,
		.app = APP_DNS, .name = "s00.upd.kaspersky.com", .name_len = 21,
		.dns = DNS_QUERY, .rule = &rule,
		.decision = { .action = ACTION_DROP, .enforced = true },
	};
	char buf[1024], small[16];
	size_t n;

	n = event_format_json(&ev, buf, sizeof(buf));
	is_str("{\"timestamp\":\"2024-09-29T04:00:00.000042Z\",\"event_type\":\"match\","
	       "\"src_ip\":\"192.0.2.10\",\"src_port\":40000,\"dest_ip\":\"198.51.100.53\","
	       "\"dest_port\":53,\"proto\":\"UDP\",\"app_proto\":\"dns\","
	       "\"name\":\"s00.upd.kaspersky.com\",\"dns_type\":\"query\","
	       "\"rule\":\"upd.kaspersky.com\",\"list\":\"kaspersky\",\"category\":\"update\","
	       "\"action\":\"drop\",\"enforced\":true}\n",
	       buf, "match event, keys in schema order");
	is_int(strlen(buf), n, "returned length");

	/* Bounded: a small buffer gets a NUL-terminated prefix and the full length. */
	is_int(n, event_format_json(&ev, small, sizeof(small)), "length needed reported");
	is_int(15, strlen(small), "small buffer NUL-terminated");

	/* Escaping of everything that is not plain printable ASCII. */
	ev.type = EV_NAME;
	ev.rule = NULL;
	ev.name = "a\"b\\c\001\x7f\xff";
	ev.name_len = 8;
	ev.app = APP_TLS;
	ev.dns = DNS_NONE;
	ev.ech = true;
	ev.src = ip("2001:db8::1");
	ev.dst = ip("2001:db8::2");
	ev.proto = IPPROTO_TCP;
	event_format_json(&ev, buf, sizeof(buf));
	ok(strstr(buf, "\"name\":\"a\\\"b\\\\c\\u0001\x7f\\u00ff\"") != NULL,
	   "quote, backslash, control and high bytes escaped: %s", buf);
	ok(strstr(buf, "\"event_type\":\"name\"") && strstr(buf, "\"ech\":true") &&
		   !strstr(buf, "\"rule\"") && strstr(buf, "\"src_ip\":\"2001:db8::1\"") &&
		   strstr(buf, "\"proto\":\"TCP\""),
	   "name event: no rule fields, IPv6 addresses, ech flag");

	/* Address-only match: no name, no dns_type. */
	ev.type = EV_MATCH;
	ev.rule = &rule;
	ev.name = NULL;
	ev.app = APP_IP;
	ev.ech = false;
	event_format_json(&ev, buf, sizeof(buf));
	ok(strstr(buf, "\"app_proto\":\"ip\",\"rule\"") != NULL, "ip match has no name: %s", buf);
	ev.learned_from = "dnl-01.geo.kaspersky.com";
	event_format_json(&ev, buf, sizeof(buf));
	ok(strstr(buf, "\"enforced\":true,\"learned_from\":\"dnl-01.geo.kaspersky.com\"}") != NULL,
	   "learned_from after the policy fields");
	return done_testing();
}
