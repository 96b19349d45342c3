// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * event.h - one decision record: what the engine saw and what the policy
 * said.  Events are produced by the engine and consumed by sinks (JSON
 * lines, the replay report, the live daemon's log).  All pointers are
 * borrowed and valid only during the sink callback.
 *
 * JSON form (event_write_json), keys in this order, absent ones omitted:
 *   timestamp   RFC 3339 UTC with microseconds, the packet's time
 *   event_type  "match" (a block rule applied) or "name" (--all: no rule)
 *   src_ip, src_port, dest_ip, dest_port   the client is the source
 *   proto       "TCP" | "UDP"
 *   app_proto   "dns" | "tls" | "quic" | "http" | "ip"
 *   name        canonical name (absent for app_proto "ip")
 *   dns_type    "query" | "answer" (DNS only)
 *   ech         true when the ClientHello carried encrypted_client_hello
 *   rule, list, category, action, enforced   ("match" only)
 *   learned_from  for "ip" matches on an address a DNS answer gave for a
 *               blocked name: that name
 *   allowed_by  ("name" only) the exception rule that overrode a block rule
 *   flow_id     (@eve only) a number naming the flow: equal in every event of
 *               one flow of one capture file, like Suricata's EVE flow_id
 *   pcap_filename  (@eve only, when set) the capture file the flow came from
 *
 * Other event types share the first keys and the schema's order, and only
 * add keys at the end (src/eventlog.h, src/metrics.h):
 *   "summary"   repeated identical events of one client, aggregated: the
 *               keys of the first event minus src_port, dest_ip, dest_port,
 *               flow_id and pcap_filename, then count, first, last
 *   "stats"     timestamp, event_type, then a "stats" object of counters
 *
 * Readers (embargo report, the aggregation of merged replays) parse lines
 * with event_parse_json(): a strict RFC 8259 parser for one object per line
 * whose values are read in place; nested objects and arrays are checked and
 * handed back as raw text.
 */
#ifndef EMBARGO_EVENT_H
#define EMBARGO_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "blocklist.h"
#include "policy.h"

enum event_type { EV_MATCH = 0, EV_NAME };
enum app_proto { APP_IP = 0, APP_DNS, APP_TLS, APP_QUIC, APP_HTTP };
enum dns_kind { DNS_NONE = 0, DNS_QUERY, DNS_ANSWER };

struct event {
	enum event_type type;
	int64_t ts_us;
	struct addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;			/* IPPROTO_TCP / IPPROTO_UDP */
	enum app_proto app;
	const char *name;		/* NULL for APP_IP */
	size_t name_len;
	enum dns_kind dns;
	bool ech;
	const struct bl_rule *rule;	/* EV_MATCH: the block rule */
	const struct bl_rule *allowed_by;	/* EV_NAME: exception applied */
	struct decision decision;	/* EV_MATCH: the policy's answer */
	const char *learned_from;	/* APP_IP via a DNS answer, else NULL */
	uint64_t flow_id;		/* engine-internal flow number (report) */
	/* Optional trailing keys; zero/NULL (as the engine leaves them): absent. */
	bool eve;			/* write flow_id (and pcap_filename) */
	const char *pcap_filename;	/* with @eve: the capture file */
};

const char *app_proto_name(enum app_proto a);

/*
 * event_format_json - write @ev as one JSON object and a newline into @buf.
 * Untrusted strings are escaped.  Returns the length written, or the length
 * needed (like snprintf) if @size is too small.
 */
size_t event_format_json(const struct event *ev, char *buf, size_t size);

/* event_write_json - event_format_json to @f; returns 0 or -errno. */
int event_write_json(const struct event *ev, FILE *f);

/*
 * A bounded JSON writer for other event types (summary, stats): appends
 * never overflow @buf; @len keeps counting what would have been written,
 * so len >= size means "truncated, retry with len + 1 bytes".
 */
struct event_buf {
	char *buf;
	size_t size, len;
	bool more;			/* a key was written in this object */
};

/* event_buf_open / _close - "{" and "}" of an object (nested ones too). */
void event_buf_open(struct event_buf *w);
void event_buf_close(struct event_buf *w);

/* event_buf_raw - append @n bytes as they are (inline: most are a few bytes). */
static inline void event_buf_raw(struct event_buf *w, const char *s, size_t n)
{
	if (w->len + n <= w->size)
		memcpy(w->buf + w->len, s, n);
	else if (w->len < w->size)
		memcpy(w->buf + w->len, s, w->size - w->len);
	w->len += n;
}
/* event_buf_str - append @n bytes as a JSON string (quoted, escaped as above). */
void event_buf_str(struct event_buf *w, const char *s, size_t n);
/*
 * event_buf_key - append "@key": (escaped like a string value), with a comma
 * before it unless it is the object's first.
 */
void event_buf_key(struct event_buf *w, const char *key);
/* event_buf_uint - append ,"@key":@v. */
void event_buf_uint(struct event_buf *w, const char *key, uint64_t v);
/* event_buf_time - append ,"@key":"RFC 3339 time". */
void event_buf_time(struct event_buf *w, const char *key, int64_t us);
/* event_buf_end - NUL-terminate (within @size); returns @len. */
size_t event_buf_end(struct event_buf *w);

/* ------------------------------------------------------------------ reading */

enum event_json_type {
	EVENT_JSON_STRING = 0,		/* val/len: the decoded bytes */
	EVENT_JSON_NUMBER,		/* val/len: the number's text */
	EVENT_JSON_TRUE,
	EVENT_JSON_FALSE,
	EVENT_JSON_NULL,
	EVENT_JSON_OBJECT,		/* val/len: the raw text, checked */
	EVENT_JSON_ARRAY,		/* val/len: the raw text, checked */
};

struct event_field {
	const char *key;		/* decoded, NUL-free, not terminated */
	size_t key_len;
	enum event_json_type type;
	const char *val;
	size_t len;
};

#define EVENT_FIELDS_MAX 64
#define EVENT_JSON_DEPTH 16		/* nesting allowed inside a value */

struct event_fields {
	struct event_field f[EVENT_FIELDS_MAX];	/* in the line's order */
	size_t n;
};

/*
 * event_parse_json - parse @line (@len bytes, no newline needed; a trailing
 * "\n" or "\r\n" is allowed) as one JSON object (RFC 8259) into @out.
 * Strings are decoded in place, so @line is modified and must outlive @out.
 * Strict: whitespace only around tokens, no trailing commas, no duplicate
 * keys, no control characters or NUL (also not as \u0000), valid UTF-8,
 * paired surrogates, at most EVENT_FIELDS_MAX keys and EVENT_JSON_DEPTH
 * levels of nesting.  \u0080-\u00ff decode to the single byte, the inverse
 * of the writer above (which escapes bytes, not code points).
 * Returns 0, or -EINVAL with a static message in *@why and the byte
 * offset of the error in *@where (either may be NULL).  Never allocates.
 */
int event_parse_json(char *line, size_t len, struct event_fields *out, const char **why,
		     size_t *where);

/* event_field_get - the field named @key, or NULL. */
const struct event_field *event_field_get(const struct event_fields *fs, const char *key);

/*
 * event_field_str - a string field as a NUL-terminated copy in @buf
 * (@size bytes).  Returns @buf, or NULL when the key is absent, not a
 * string, or does not fit.
 */
const char *event_field_str(const struct event_fields *fs, const char *key, char *buf,
			    size_t size);

/* event_field_uint - an integer field (0..2^64-1).  0 or -ENOENT / -EINVAL. */
int event_field_uint(const struct event_fields *fs, const char *key, uint64_t *out);

/* event_field_time - an RFC 3339 string field in microseconds.  0, -ENOENT, -EINVAL. */
int event_field_time(const struct event_fields *fs, const char *key, int64_t *out_us);

/* event_field_bool - true/false.  0, -ENOENT, -EINVAL. */
int event_field_bool(const struct event_fields *fs, const char *key, bool *out);

#endif
