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
 */
#ifndef EMBARGO_EVENT_H
#define EMBARGO_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

#endif
