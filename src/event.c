// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * event.c - decision events as JSON lines.
 *
 * A bounded writer: every append checks the remaining room, and the final
 * length is reported like snprintf so callers can retry with a bigger
 * buffer.  Strings that may come from packets or files are escaped per
 * RFC 8259 §7; bytes >= 0x80 are written as \u00XX so the output is always
 * valid ASCII JSON whatever the input.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "event.h"
#include "util.h"

struct jw {
	char *buf;
	size_t size, len;	/* len may exceed size: the length needed */
};

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->len < w->size) {
		size_t room = w->size - w->len;
		memcpy(w->buf + w->len, s, n < room ? n : room);
	}
	w->len += n;
}

static void jw_str(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

static void jw_escaped(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	jw_raw(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		jw_raw(w, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jw_raw(w, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			jw_raw(w, esc, 6);
		}
	}
	jw_raw(w, s + n - run, run);
	jw_raw(w, "\"", 1);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_raw(w, ",\"", 2);
	jw_str(w, key);
	jw_raw(w, "\":", 2);
}

static void jw_kv_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	jw_escaped(w, val, strlen(val));
}

static void jw_kv_uint(struct jw *w, const char *key, unsigned long v)
{
	char num[24];

	jw_key(w, key);
	snprintf(num, sizeof(num), "%lu", v);
	jw_str(w, num);
}

static void jw_kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_str(w, v ? "true" : "false");
}

const char *app_proto_name(enum app_proto a)
{
	switch (a) {
	case APP_IP:
		return "ip";
	case APP_DNS:
		return "dns";
	case APP_TLS:
		return "tls";
	case APP_QUIC:
		return "quic";
	case APP_HTTP:
		return "http";
	}
	return "unknown";
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "IP";
	}
}

size_t event_format_json(const struct event *ev, char *buf, size_t size)
{
	struct jw w = { .buf = buf, .size = size, .len = 0 };
	char ts[TIME_RFC3339_LEN], a[ADDR_STRLEN];

	jw_str(&w, "{\"timestamp\":\"");
	jw_str(&w, time_format_rfc3339(ev->ts_us, ts, sizeof(ts)));
	jw_str(&w, "\"");
	jw_kv_str(&w, "event_type", ev->type == EV_MATCH ? "match" : "name");
	jw_kv_str(&w, "src_ip", addr_format(&ev->src, a, sizeof(a)));
	jw_kv_uint(&w, "src_port", ev->sport);
	jw_kv_str(&w, "dest_ip", addr_format(&ev->dst, a, sizeof(a)));
	jw_kv_uint(&w, "dest_port", ev->dport);
	jw_kv_str(&w, "proto", proto_name(ev->proto));
	jw_kv_str(&w, "app_proto", app_proto_name(ev->app));
	if (ev->name) {
		jw_key(&w, "name");
		jw_escaped(&w, ev->name, ev->name_len);
	}
	if (ev->dns != DNS_NONE)
		jw_kv_str(&w, "dns_type", ev->dns == DNS_QUERY ? "query" : "answer");
	if (ev->ech)
		jw_kv_bool(&w, "ech", true);
	if (ev->type == EV_MATCH && ev->rule) {
		jw_kv_str(&w, "rule", ev->rule->text);
		jw_kv_str(&w, "list", ev->rule->section->list);
		jw_kv_str(&w, "category", ev->rule->section->category);
		jw_kv_str(&w, "action", action_name(ev->decision.action));
		jw_kv_bool(&w, "enforced", ev->decision.enforced);
	}
	if (ev->learned_from)
		jw_kv_str(&w, "learned_from", ev->learned_from);
	if (ev->type == EV_NAME && ev->allowed_by)
		jw_kv_str(&w, "allowed_by", ev->allowed_by->text);
	jw_raw(&w, "}\n", 2);
	if (w.len < size)
		buf[w.len] = '\0';
	else if (size)
		buf[size - 1] = '\0';
	return w.len;
}

int event_write_json(const struct event *ev, FILE *f)
{
	char buf[4096];
	size_t n = event_format_json(ev, buf, sizeof(buf));

	if (n >= sizeof(buf)) {
		/* Names are bounded (NAME_MAX_TEXT), so this needs a huge rule text. */
		char big[16384];

		n = event_format_json(ev, big, sizeof(big));
		if (n >= sizeof(big))
			return -EMSGSIZE;
		return fwrite(big, 1, n, f) == n ? 0 : -EIO;
	}
	return fwrite(buf, 1, n, f) == n ? 0 : -EIO;
}
