// SPDX-License-Identifier: GPL-2.0-or-later
/* test_event.c - JSON event format: key order, escaping, bounded writer. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

/* The escaping event_buf_str must do, one byte at a time (RFC 8259 §7). */
static size_t ref_escape(const unsigned char *s, size_t n, char *out)
{
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			o += (size_t)sprintf(out + o, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] >= 0x80)
			o += (size_t)sprintf(out + o, "\\u%04x", s[i]);
		else
			out[o++] = (char)s[i];
	}
	out[o++] = '"';
	return o;
}

/*
 * event_buf_str tests 8 bytes at a time: random strings over alphabets
 * weighted to each special byte, at every length and alignment, against
 * the byte-at-a-time escaping; and each byte value alone at each position
 * of a word.
 */
static void test_escape_words(void)
{
	static const unsigned char special[] = { 0x00, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xff,
						 '!', '#', '[', ']', 0x21, 0x5b, 0x5d, 'a' };
	uint64_t r = 0x243f6a8885a308d3ULL;
	unsigned bad = 0, n = 0;
	unsigned char src[80];
	char want[80 * 6 + 2], got[80 * 6 + 2];

	for (unsigned round = 0; round < 20000; round++) {
		size_t len = round % 41, off = round % 8, wl;
		struct event_buf w = { .buf = got, .size = sizeof(got) };

		for (size_t i = 0; i < len; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			src[off + i] = (r >> 60) < 12 ? (unsigned char)('a' + (r >> 32) % 26)
						      : special[(r >> 40) % ARRAY_SIZE(special)];
		}
		wl = ref_escape(src + off, len, want);
		event_buf_str(&w, (const char *)src + off, len);
		n++;
		if (w.len != wl || memcmp(want, got, wl) != 0)
			bad++;
	}
	for (unsigned c = 0; c < 256; c++) {
		for (size_t pos = 0; pos < 16; pos++) {
			struct event_buf w = { .buf = got, .size = sizeof(got) };
			size_t wl;

			memset(src, 'x', 16);
			src[pos] = (unsigned char)c;
			wl = ref_escape(src, 16, want);
			event_buf_str(&w, (const char *)src, 16);
			n++;
			if (w.len != wl || memcmp(want, got, wl) != 0)
				bad++;
		}
	}
	is_int(0, bad, "%u strings escaped as byte-by-byte escaping does", n);
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

	/* --eve: flow_id and pcap_filename at the very end, escaped like the rest. */
	ev.eve = true;
	ev.flow_id = (UINT64_C(3) << 40) | 17;
	ev.pcap_filename = "caps/a\"b.pcap";
	event_format_json(&ev, buf, sizeof(buf));
	ok(strstr(buf, "\"learned_from\":\"dnl-01.geo.kaspersky.com\",\"flow_id\":3298534883345,"
		       "\"pcap_filename\":\"caps/a\\\"b.pcap\"}\n") != NULL,
	   "eve keys trail");
	ev.pcap_filename = NULL;
	event_format_json(&ev, buf, sizeof(buf));
	ok(strstr(buf, "\"flow_id\":3298534883345}\n") != NULL, "pcap_filename only when set");
	ev.eve = false;
	event_format_json(&ev, buf, sizeof(buf));
	ok(!strstr(buf, "flow_id"), "no eve keys without eve");

	/* The reader takes back what the writer wrote, byte for byte. */
	{
		struct event_fields fs;
		const struct event_field *f;
		char line[2048], s[64];
		size_t len;

		ev.type = EV_NAME;
		ev.rule = NULL;
		ev.name = "a\"b\\c\001\x7f\xff";
		ev.name_len = 8;
		ev.app = APP_TLS;
		ev.ech = true;
		len = event_format_json(&ev, line, sizeof(line));
		is_int(0, event_parse_json(line, len, &fs, NULL, NULL), "writer output parses");
		f = event_field_get(&fs, "name");
		ok(f && f->type == EVENT_JSON_STRING && f->len == 8 &&
			   memcmp(f->val, "a\"b\\c\001\x7f\xff", 8) == 0,
		   "escaped name decoded to the original bytes");
		ok(event_field_get(&fs, "ech") &&
			   event_field_get(&fs, "ech")->type == EVENT_JSON_TRUE,
		   "true literal");
		is_str("tls", event_field_str(&fs, "app_proto", s, sizeof(s)), "string field");
		ok(event_field_str(&fs, "app_proto", s, 3) == NULL,
		   "a string that does not fit: NULL");
		{
			uint64_t port = 0;

			is_int(0, event_field_uint(&fs, "src_port", &port), "integer field");
			is_int(40000, port, "its value");
			is_int(-EINVAL, event_field_uint(&fs, "app_proto", &port),
			       "a string is not an integer");
			is_int(-ENOENT, event_field_uint(&fs, "rule", &port), "absent key");
		}
		{
			int64_t t;

			is_int(0, event_field_time(&fs, "timestamp", &t), "time field");
			ok(t == INT64_C(1727582400) * 1000000 + 42, "its value");
		}
	}

	/* Boundary and malformed input: each line must fail, with a reason. */
	{
		static const char *const bad[] = {
			"", " ", "[]", "\"x\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
			"{\"a\":1 \"b\":2}", "{,}", "{\"a\":1}x", "{\"a\":1}{}", "{a:1}",
			"{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}",
			"{\"a\":-}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":True}",
			"{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
			"{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
			"{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\t\"}", "{\"a\":\"\x80\"}",
			"{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
			"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xe2\x82\"}",
			"{\"a\":1,\"a\":2}", "{\"a\":[1,]}", "{\"a\":{\"b\"}}", "{\"a\":[}",
			"{\"a\":1}\n\n{}", "\v{}",
		};
		struct event_fields fs;
		char line[256];
		int fails = 0;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			const char *why = NULL;
			size_t where = 0, len = strlen(bad[i]);

			memcpy(line, bad[i], len + 1);
			if (event_parse_json(line, len, &fs, &why, &where) == -EINVAL && why &&
			    where <= len && fs.n == 0)
				fails++;
			else
				diag("accepted or no reason: '%s'", bad[i]);
		}
		is_int(sizeof(bad) / sizeof(bad[0]), fails,
		       "%zu malformed lines rejected with a reason",
		       sizeof(bad) / sizeof(bad[0]));
	}
	{
		static const char *const good[] = {
			"{}", " {} ", "{}\n", "{}\r\n", "{\"a\":0}", "{\"a\":-0.5e+10}",
			"{\"a\":1E-2}", "{\"a\":null,\"b\":false,\"c\":true}",
			"{\"a\":[],\"b\":{},\"c\":[{\"d\":[1,\"x\",null]}]}",
			"{\"a\":\"\\u00e9\\u20ac\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\"}",
			"{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
			"{ \"a\" : 1 , \"b\" : \"\" }",
		};
		struct event_fields fs;
		char line[256];
		int oks = 0;

		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			size_t len = strlen(good[i]);

			memcpy(line, good[i], len + 1);
			if (event_parse_json(line, len, &fs, NULL, NULL) == 0)
				oks++;
			else
				diag("rejected: '%s'", good[i]);
		}
		is_int(sizeof(good) / sizeof(good[0]), oks, "valid lines accepted");
		strcpy(line, "{\"a\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}");
		event_parse_json(line, strlen(line), &fs, NULL, NULL);
		ok(fs.n == 1 && fs.f[0].len == 8 &&
			   memcmp(fs.f[0].val, "\xe9\xe2\x82\xac\xf0\x9f\x98\x80", 8) == 0,
		   "\\u00e9 is the byte e9 (as written), U+20AC and U+1F600 UTF-8");
		strcpy(line, "{\"n\":{\"x\":[1,2]},\"s\":\"v\"}");
		event_parse_json(line, strlen(line), &fs, NULL, NULL);
		ok(fs.n == 2 && fs.f[0].type == EVENT_JSON_OBJECT && fs.f[0].len == 11 &&
			   memcmp(fs.f[0].val, "{\"x\":[1,2]}", 11) == 0,
		   "a nested object comes back as its raw text");
	}
	{
		/* Limits: 64 keys fit, 65 do not; 16 levels of nesting fit, 17 do not. */
		char line[2048];
		struct event_fields fs;
		size_t len = 0;

		for (int k = 0; k < 2; k++) {
			len = (size_t)snprintf(line, sizeof(line), "{");
			for (int i = 0; i < EVENT_FIELDS_MAX + k; i++)
				len += (size_t)snprintf(line + len, sizeof(line) - len,
							"%s\"k%d\":%d", i ? "," : "", i, i);
			len += (size_t)snprintf(line + len, sizeof(line) - len, "}");
			is_int(k ? -EINVAL : 0, event_parse_json(line, len, &fs, NULL, NULL),
			       "%d keys", EVENT_FIELDS_MAX + k);
		}
		for (int k = 0; k < 2; k++) {
			int depth = EVENT_JSON_DEPTH + k;

			len = (size_t)snprintf(line, sizeof(line), "{\"a\":");
			for (int i = 0; i < depth; i++)
				line[len++] = '[';
			for (int i = 0; i < depth; i++)
				line[len++] = ']';
			line[len++] = '}';
			line[len] = '\0';
			is_int(k ? -EINVAL : 0, event_parse_json(line, len, &fs, NULL, NULL),
			       "%d levels of nesting", depth);
		}
	}
	test_escape_words();
	return done_testing();
}
