// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * event.c - decision events as JSON lines.
 *
 * A bounded writer: every append checks the remaining room, and the final
 * length is reported like snprintf so callers can retry with a bigger
 * buffer.  Strings that may come from packets or files are escaped per
 * RFC 8259 §7; bytes >= 0x80 are written as \u00XX so the output is always
 * valid ASCII JSON whatever the input.
 *
 * And the reader for such lines (embargo report, merged replays): strict
 * RFC 8259, one object per line, decoded in place, bounded in keys and
 * nesting, never allocating.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "event.h"
#include "util.h"

/* The writer: every append checks the room left; len counts what is needed. */
static void jw_str(struct event_buf *w, const char *s)
{
	event_buf_raw(w, s, strlen(s));
}

/*
 * True when none of the 8 bytes of @v needs escaping: no byte below 0x20
 * or from 0x80, no '"', no '\\'.  Each test is the classic "some byte
 * less than n" word trick, exact as a yes/no answer for n <= 128.
 */
static inline bool word_plain(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
	uint64_t ctl = (v - ones * 0x20) & ~v;
	uint64_t is_q = (q - ones) & ~q, is_b = (b - ones) & ~b;

	return !((ctl | is_q | is_b | v) & high);
}

static inline bool byte_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void event_buf_str(struct event_buf *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start = 0;

	event_buf_raw(w, "\"", 1);
	while (i < n) {
		unsigned char c;
		char esc[6];

		if (i + 8 <= n) {
			uint64_t v;

			memcpy(&v, s + i, 8);
			if (word_plain(v)) {
				i += 8;
				continue;
			}
		}
		c = (unsigned char)s[i];
		if (byte_plain(c)) {
			i++;
			continue;
		}
		event_buf_raw(w, s + start, i - start);
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			event_buf_raw(w, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			event_buf_raw(w, esc, 6);
		}
		start = ++i;
	}
	event_buf_raw(w, s + start, n - start);
	event_buf_raw(w, "\"", 1);
}

void event_buf_open(struct event_buf *w)
{
	event_buf_raw(w, "{", 1);
	w->more = false;
}

void event_buf_close(struct event_buf *w)
{
	event_buf_raw(w, "}", 1);
	w->more = true;
}

void event_buf_key(struct event_buf *w, const char *key)
{
	if (w->more)
		event_buf_raw(w, ",", 1);
	w->more = true;
	event_buf_str(w, key, strlen(key));
	event_buf_raw(w, ":", 1);
}

static void jw_kv_str(struct event_buf *w, const char *key, const char *val)
{
	event_buf_key(w, key);
	event_buf_str(w, val, strlen(val));
}

/* Decimal digits of @v at the end of @end's buffer; returns the first. */
static char *utoa_back(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/*
 * Events are written at line rate when replaying large captures: numbers,
 * IPv4 addresses and times are formatted by hand rather than through
 * printf, which cost more than the whole packet path.
 */
static void jw_uint(struct event_buf *w, uint64_t v)
{
	char num[24], *p = utoa_back(v, num + sizeof(num));

	event_buf_raw(w, p, (size_t)(num + sizeof(num) - p));
}

void event_buf_uint(struct event_buf *w, const char *key, uint64_t v)
{
	event_buf_key(w, key);
	jw_uint(w, v);
}

/* An address as JSON string text (never needs escaping). */
static void jw_addr(struct event_buf *w, const struct addr *a)
{
	char buf[ADDR_STRLEN + 2];
	size_t n = addr_text(a, buf + 1);

	buf[0] = '"';
	buf[n + 1] = '"';
	event_buf_raw(w, buf, n + 2);
}

static void jw_time(struct event_buf *w, int64_t us)
{
	/* The date and time part changes once a second: keep the last one. */
	static __thread int64_t cached_sec = INT64_MIN;
	static __thread char cached[TIME_RFC3339_LEN];
	static __thread size_t cached_len;
	int64_t sec = us / USEC_PER_SEC, frac = us % USEC_PER_SEC;
	char f[8];

	if (frac < 0) {
		frac += USEC_PER_SEC;
		sec--;
	}
	if (sec != cached_sec) {
		char ts[TIME_RFC3339_LEN];

		/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ": keep up to the dot. */
		time_format_rfc3339(sec * USEC_PER_SEC, ts, sizeof(ts));
		cached_len = strcspn(ts, ".");
		memcpy(cached, ts, cached_len);
		cached_sec = sec;
	}
	f[0] = '.';
	for (int i = 6; i >= 1; i--) {
		f[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	f[7] = 'Z';
	event_buf_raw(w, "\"", 1);
	event_buf_raw(w, cached, cached_len);
	event_buf_raw(w, f, 8);
	event_buf_raw(w, "\"", 1);
}

void event_buf_time(struct event_buf *w, const char *key, int64_t us)
{
	event_buf_key(w, key);
	jw_time(w, us);
}

size_t event_buf_end(struct event_buf *w)
{
	if (w->len < w->size)
		w->buf[w->len] = '\0';
	else if (w->size)
		w->buf[w->size - 1] = '\0';
	return w->len;
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

/*
 * Keys and values the program itself spells: written as they are, without
 * the escaping scan.  JW_KEY builds ,"key": at compile time.
 */
static inline void jw_key_lit(struct event_buf *w, const char *lit, size_t n)
{
	if (w->more)
		event_buf_raw(w, lit, n);
	else
		event_buf_raw(w, lit + 1, n - 1);
	w->more = true;
}
#define JW_KEY(w, k) jw_key_lit((w), ",\"" k "\":", sizeof(",\"" k "\":") - 1)

static void jw_word(struct event_buf *w, const char *s)
{
	event_buf_raw(w, "\"", 1);
	jw_str(w, s);
	event_buf_raw(w, "\"", 1);
}

size_t event_format_json(const struct event *ev, char *buf, size_t size)
{
	struct event_buf w = { .buf = buf, .size = size, .len = 0 };

	event_buf_open(&w);
	JW_KEY(&w, "timestamp");
	jw_time(&w, ev->ts_us);
	JW_KEY(&w, "event_type");
	jw_word(&w, ev->type == EV_MATCH ? "match" : "name");
	JW_KEY(&w, "src_ip");
	jw_addr(&w, &ev->src);
	JW_KEY(&w, "src_port");
	jw_uint(&w, ev->sport);
	JW_KEY(&w, "dest_ip");
	jw_addr(&w, &ev->dst);
	JW_KEY(&w, "dest_port");
	jw_uint(&w, ev->dport);
	JW_KEY(&w, "proto");
	jw_word(&w, proto_name(ev->proto));
	JW_KEY(&w, "app_proto");
	jw_word(&w, app_proto_name(ev->app));
	if (ev->name) {
		JW_KEY(&w, "name");
		event_buf_str(&w, ev->name, ev->name_len);
	}
	if (ev->dns != DNS_NONE) {
		JW_KEY(&w, "dns_type");
		jw_word(&w, ev->dns == DNS_QUERY ? "query" : "answer");
	}
	if (ev->ech) {
		JW_KEY(&w, "ech");
		jw_str(&w, "true");
	}
	if (ev->type == EV_MATCH && ev->rule) {
		JW_KEY(&w, "rule");
		event_buf_str(&w, ev->rule->text, strlen(ev->rule->text));
		JW_KEY(&w, "list");
		event_buf_str(&w, ev->rule->section->list, strlen(ev->rule->section->list));
		JW_KEY(&w, "category");
		event_buf_str(&w, ev->rule->section->category,
			      strlen(ev->rule->section->category));
		JW_KEY(&w, "action");
		jw_word(&w, action_name(ev->decision.action));
		JW_KEY(&w, "enforced");
		jw_str(&w, ev->decision.enforced ? "true" : "false");
	}
	if (ev->learned_from)
		jw_kv_str(&w, "learned_from", ev->learned_from);
	if (ev->type == EV_NAME && ev->allowed_by)
		jw_kv_str(&w, "allowed_by", ev->allowed_by->text);
	if (ev->eve) {
		JW_KEY(&w, "flow_id");
		jw_uint(&w, ev->flow_id);
		if (ev->pcap_filename)
			jw_kv_str(&w, "pcap_filename", ev->pcap_filename);
	}
	event_buf_close(&w);
	event_buf_raw(&w, "\n", 1);
	return event_buf_end(&w);
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

/* ------------------------------------------------------------------ reading */

/*
 * A strict reader for one JSON text (RFC 8259) that must be an object.
 * Top-level string values and keys are decoded in place: an escape is never
 * shorter than what it decodes to, so the write position never passes the
 * read position.  Nested values are only checked (same rules) and returned
 * as raw text.
 */
struct jp {
	char *s;
	size_t n, i;
	const char *why;
};

static int jp_fail(struct jp *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -EINVAL;
}

/* RFC 8259 §2: insignificant whitespace is space, tab, LF and CR only. */
static void jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int hexval(int c)
{
	if (ch_is_digit(c))
		return c - '0';
	if (ch_is_xdigit(c))
		return ch_lower(c) - 'a' + 10;
	return -1;
}

/* Four hex digits at s[i]; -1 if not. */
static long jp_hex4(const struct jp *p, size_t i)
{
	long v = 0;

	if (p->n - i < 4)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int d = hexval((unsigned char)p->s[i + k]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_len(const struct jp *p, size_t i)
{
	const unsigned char *u = (const unsigned char *)p->s + i;
	size_t left = p->n - i, need;
	unsigned char lo = 0x80, hi = 0xbf;

	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		need = 1;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		need = 2;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		need = 3;
	else
		return 0;
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	if (left <= need || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t k = 2; k <= need; k++)
		if (u[k] < 0x80 || u[k] > 0xbf)
			return 0;
	return need + 1;
}

static size_t utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One \u escape (or surrogate pair) at s[i] == '\\'; *cp and the bytes read. */
static int jp_unicode(struct jp *p, size_t i, unsigned long *cp, size_t *used)
{
	long hi = jp_hex4(p, i + 2), lo;

	if (hi < 0)
		return jp_fail(p, "bad \\u escape");
	*used = 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jp_fail(p, "unpaired low surrogate");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (p->n - i < 12 || p->s[i + 6] != '\\' || p->s[i + 7] != 'u')
			return jp_fail(p, "unpaired high surrogate");
		lo = jp_hex4(p, i + 8);
		if (lo < 0xdc00 || lo > 0xdfff)
			return jp_fail(p, "unpaired high surrogate");
		*cp = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) + (unsigned long)(lo - 0xdc00);
		*used = 12;
		return 0;
	}
	if (hi == 0)
		return jp_fail(p, "NUL in string");
	*cp = (unsigned long)hi;
	return 0;
}

/* RFC 8259 §7: the string starting at the quote at p->i. */
static int jp_string(struct jp *p, bool decode, const char **out, size_t *olen)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *esc;
	size_t start = ++p->i, w = start;

	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];
		unsigned long cp;
		size_t k;

		if (c == '"') {
			if (out) {
				*out = p->s + start;
				*olen = w - start;
			}
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return jp_fail(p, "control character in string");
		if (c >= 0x80) {
			k = utf8_len(p, p->i);
			if (!k)
				return jp_fail(p, "invalid UTF-8 in string");
			if (decode)
				memmove(p->s + w, p->s + p->i, k);
			w += k;
			p->i += k;
			continue;
		}
		if (c != '\\') {
			if (decode)
				p->s[w] = (char)c;
			w++;
			p->i++;
			continue;
		}
		if (p->i + 1 >= p->n)
			return jp_fail(p, "unterminated string");
		if (p->s[p->i + 1] == 'u') {
			if (jp_unicode(p, p->i, &cp, &k) < 0)
				return -EINVAL;
			p->i += k;
			/* \u0080-\u00ff: a byte, as event_buf_str() writes them. */
			if (cp >= 0x80 && cp <= 0xff) {
				if (decode)
					p->s[w] = (char)cp;
				w++;
			} else if (decode) {
				w += utf8_put(p->s + w, cp);
			} else {
				w += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
			}
			continue;
		}
		esc = p->s[p->i + 1] ? strchr(from, p->s[p->i + 1]) : NULL;
		if (!esc)
			return jp_fail(p, "bad escape in string");
		cp = (unsigned char)to[esc - from];
		if (decode)
			p->s[w] = (char)cp;
		w++;
		p->i += 2;
	}
	return jp_fail(p, "unterminated string");
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int jp_number(struct jp *p)
{
	size_t start;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	start = p->i;
	while (p->i < p->n && ch_is_digit(p->s[p->i]))
		p->i++;
	if (p->i == start || (p->s[start] == '0' && p->i - start > 1))
		return jp_fail(p, "bad number");
	if (p->i < p->n && p->s[p->i] == '.') {
		start = ++p->i;
		while (p->i < p->n && ch_is_digit(p->s[p->i]))
			p->i++;
		if (p->i == start)
			return jp_fail(p, "bad number");
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		start = p->i;
		while (p->i < p->n && ch_is_digit(p->s[p->i]))
			p->i++;
		if (p->i == start)
			return jp_fail(p, "bad number");
	}
	return 0;
}

static int jp_literal(struct jp *p, const char *word)
{
	size_t n = strlen(word);

	if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
		return jp_fail(p, "unexpected character");
	p->i += n;
	return 0;
}

static int jp_value(struct jp *p, unsigned depth, struct event_field *f);

/* An object or array inside a value: checked, not decoded. */
static int jp_nested(struct jp *p, unsigned depth, char close)
{
	bool object = close == '}';

	if (depth >= EVENT_JSON_DEPTH)
		return jp_fail(p, "nested too deep");
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (object) {
			if (p->i >= p->n || p->s[p->i] != '"')
				return jp_fail(p, "expected a key");
			if (jp_string(p, false, NULL, NULL) < 0)
				return -EINVAL;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return jp_fail(p, "expected ':'");
			p->i++;
			jp_ws(p);
		}
		if (jp_value(p, depth + 1, NULL) < 0)
			return -EINVAL;
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		return jp_fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* A value at p->i; with @f (top level) strings are decoded and recorded. */
static int jp_value(struct jp *p, unsigned depth, struct event_field *f)
{
	size_t start = p->i;
	enum event_json_type t;
	int ret;

	if (p->i >= p->n)
		return jp_fail(p, "expected a value");
	switch (p->s[p->i]) {
	case '"':
		if (f) {
			f->type = EVENT_JSON_STRING;
			return jp_string(p, true, &f->val, &f->len);
		}
		return jp_string(p, false, NULL, NULL);
	case '{':
		t = EVENT_JSON_OBJECT;
		ret = jp_nested(p, depth, '}');
		break;
	case '[':
		t = EVENT_JSON_ARRAY;
		ret = jp_nested(p, depth, ']');
		break;
	case 't':
		t = EVENT_JSON_TRUE;
		ret = jp_literal(p, "true");
		break;
	case 'f':
		t = EVENT_JSON_FALSE;
		ret = jp_literal(p, "false");
		break;
	case 'n':
		t = EVENT_JSON_NULL;
		ret = jp_literal(p, "null");
		break;
	default:
		t = EVENT_JSON_NUMBER;
		ret = jp_number(p);
		break;
	}
	if (ret == 0 && f) {
		f->type = t;
		f->val = p->s + start;
		f->len = p->i - start;
	}
	return ret;
}

static int jp_object(struct jp *p, struct event_fields *out)
{
	jp_ws(p);
	if (p->i >= p->n || p->s[p->i] != '{')
		return jp_fail(p, "not a JSON object");
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return 0;
	}
	for (;;) {
		struct event_field *f;

		jp_ws(p);
		if (out->n == EVENT_FIELDS_MAX)
			return jp_fail(p, "too many keys");
		f = &out->f[out->n];
		if (p->i >= p->n || p->s[p->i] != '"')
			return jp_fail(p, "expected a key");
		if (jp_string(p, true, &f->key, &f->key_len) < 0)
			return -EINVAL;
		for (size_t k = 0; k < out->n; k++)
			if (out->f[k].key_len == f->key_len &&
			    memcmp(out->f[k].key, f->key, f->key_len) == 0)
				return jp_fail(p, "duplicate key");
		jp_ws(p);
		if (p->i >= p->n || p->s[p->i] != ':')
			return jp_fail(p, "expected ':'");
		p->i++;
		jp_ws(p);
		if (jp_value(p, 0, f) < 0)
			return -EINVAL;
		out->n++;
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return 0;
		}
		return jp_fail(p, "expected ',' or '}'");
	}
}

int event_parse_json(char *line, size_t len, struct event_fields *out, const char **why,
		     size_t *where)
{
	struct jp p = { .s = line, .n = len };
	int ret;

	out->n = 0;
	ret = jp_object(&p, out);
	if (ret == 0) {
		jp_ws(&p);
		if (p.i != p.n)
			ret = jp_fail(&p, "text after the object");
	}
	if (ret < 0) {
		out->n = 0;
		if (why)
			*why = p.why;
		if (where)
			*where = p.i;
	}
	return ret;
}

const struct event_field *event_field_get(const struct event_fields *fs, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].key_len == n && memcmp(fs->f[i].key, key, n) == 0)
			return &fs->f[i];
	return NULL;
}

const char *event_field_str(const struct event_fields *fs, const char *key, char *buf,
			    size_t size)
{
	const struct event_field *f = event_field_get(fs, key);

	if (!f || f->type != EVENT_JSON_STRING || f->len >= size)
		return NULL;
	memcpy(buf, f->val, f->len);
	buf[f->len] = '\0';
	return buf;
}

int event_field_uint(const struct event_fields *fs, const char *key, uint64_t *out)
{
	const struct event_field *f = event_field_get(fs, key);
	char num[24];

	if (!f)
		return -ENOENT;
	if (f->type != EVENT_JSON_NUMBER || f->len == 0 || f->len >= sizeof(num))
		return -EINVAL;
	memcpy(num, f->val, f->len);
	num[f->len] = '\0';
	return parse_uint(num, 0, UINT64_MAX, out) < 0 ? -EINVAL : 0;
}

int event_field_time(const struct event_fields *fs, const char *key, int64_t *out_us)
{
	const struct event_field *f = event_field_get(fs, key);
	char buf[64];

	if (!f)
		return -ENOENT;
	if (!event_field_str(fs, key, buf, sizeof(buf)))
		return -EINVAL;
	return time_parse_rfc3339(buf, out_us) < 0 ? -EINVAL : 0;
}

int event_field_bool(const struct event_fields *fs, const char *key, bool *out)
{
	const struct event_field *f = event_field_get(fs, key);

	if (!f)
		return -ENOENT;
	if (f->type != EVENT_JSON_TRUE && f->type != EVENT_JSON_FALSE)
		return -EINVAL;
	*out = f->type == EVENT_JSON_TRUE;
	return 0;
}
