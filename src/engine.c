// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - the per-packet pipeline: the only file that knows every layer.
 *
 *   frame --link_decap--> IP --ip_parse--> TCP/UDP --flowtab_get--> flow
 *        new flow: server address -> blocklist_match_addr
 *        client payload: DNS questions | TLS SNI | HTTP Host | QUIC SNI
 *        each name -> name.h form -> blocklist_match_name -> policy_decide
 *        -> event (once per flow and name) -> verdict for this packet
 *
 * Parsers return views into the packet; nothing here allocates per packet
 * except the flow table's capped per-flow name lists.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "flowtab.h"
#include "name.h"
#include "parse_dns.h"
#include "parse_http.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "parse_link.h"
#include "parse_tls.h"
#include "util.h"

#define DEFAULT_MAX_FLOWS 65536
#define DEFAULT_FLOW_TIMEOUT_S 120

struct engine {
	struct engine_opts o;
	const struct blocklist *bl;
	struct flowtab *ft;
	struct engine_stats st;
	/* Scratch, reused for every packet (an engine is single-threaded). */
	struct dns_question q;
	char name[NAME_MAX_TEXT];
	uint8_t tls_scratch[TLS_SCRATCH];
};

/* What one packet is, once decoded. */
struct pkt {
	int64_t ts_us;
	struct ip_info ip;
	struct l4_info l4;
	struct flow *flow;
	bool from_client;		/* sent by the flow's client */
	enum verdict verdict;		/* the strongest verdict this packet earned */
	bool reject_dns;
};

struct engine *engine_new(const struct engine_opts *o)
{
	struct engine *e = calloc(1, sizeof(*e));
	size_t max;
	uint32_t tmo;

	if (!e)
		return NULL;
	e->o = *o;
	e->bl = o->bl;
	max = o->max_flows ? o->max_flows : DEFAULT_MAX_FLOWS;
	tmo = o->flow_timeout_s ? o->flow_timeout_s : DEFAULT_FLOW_TIMEOUT_S;
	e->ft = flowtab_new(max, (int64_t)tmo * USEC_PER_SEC);
	if (!e->ft) {
		free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	flowtab_free(e->ft);
	free(e);
}

void engine_set_blocklist(struct engine *e, const struct blocklist *bl)
{
	/*
	 * Flows remember the rule that matched them; those rules belong to the
	 * old list, which the caller is about to free.  Start with a clean
	 * table so no flow points into freed memory and every flow is judged
	 * by the new list.
	 */
	size_t max = e->o.max_flows ? e->o.max_flows : DEFAULT_MAX_FLOWS;
	uint32_t tmo = e->o.flow_timeout_s ? e->o.flow_timeout_s : DEFAULT_FLOW_TIMEOUT_S;
	struct flowtab *nft = flowtab_new(max, (int64_t)tmo * USEC_PER_SEC);

	if (nft) {
		flowtab_free(e->ft);
		e->ft = nft;
	}
	e->bl = bl;
}

void engine_set_as_of(struct engine *e, bool use, int64_t as_of_us)
{
	e->o.use_as_of = use;
	e->o.as_of_us = as_of_us;
}

static int64_t policy_time(const struct engine *e, const struct pkt *k)
{
	return e->o.use_as_of ? e->o.as_of_us : k->ts_us;
}

/* Fill the endpoint fields of @ev from the packet, client as source. */
static void event_endpoints(const struct pkt *k, struct event *ev)
{
	if (k->from_client) {
		ev->src = k->ip.src;
		ev->dst = k->ip.dst;
		ev->sport = k->l4.sport;
		ev->dport = k->l4.dport;
	} else {
		ev->src = k->ip.dst;
		ev->dst = k->ip.src;
		ev->sport = k->l4.dport;
		ev->dport = k->l4.sport;
	}
	ev->proto = k->ip.proto;
	ev->ts_us = k->ts_us;
	ev->flow_id = k->flow->id;
}

static void emit(struct engine *e, const struct event *ev)
{
	e->st.events++;
	if (e->o.on_event)
		e->o.on_event(e->o.ctx, ev);
}

/*
 * A block rule matched: work out the decision, remember it on the flow and
 * raise this packet's verdict.  DNS over UDP decides per message: one
 * blocked question must not condemn the resolver's whole 5-tuple.
 */
static struct decision apply_match(struct engine *e, struct pkt *k, const struct bl_rule *r,
				   bool per_message)
{
	struct decision d = policy_decide(&r->section->policy, policy_time(e, k));
	struct flow *f = k->flow;
	enum verdict v = VERDICT_ACCEPT;

	if (!(f->flags & FLOW_MATCHED)) {
		f->flags |= FLOW_MATCHED;
		f->match = r;
	}
	if (d.enforced && d.action == ACTION_DROP)
		v = VERDICT_DROP;
	else if (d.enforced && d.action == ACTION_REJECT)
		v = VERDICT_REJECT;
	if (v > k->verdict)
		k->verdict = v;
	if (v != VERDICT_ACCEPT && !per_message) {
		f->flags |= FLOW_FINAL;
		f->verdict_action = d.action;
		f->verdict_enforced = true;
	}
	return d;
}

/*
 * One canonical name extracted from the packet.  Matching runs every time
 * (a retransmitted query must get the same verdict); the event is raised
 * once per flow and name.
 */
static void on_name(struct engine *e, struct pkt *k, enum app_proto app, enum dns_kind dk,
		    const char *name, size_t len, bool ech)
{
	struct bl_match m;
	bool hit, seen;
	struct event ev;
	struct decision d = { 0 };

	if (len == 0)
		return;
	hit = e->bl && blocklist_match_name(e->bl, name, len, &m);
	if (hit)
		d = apply_match(e, k, m.rule, app == APP_DNS && k->ip.proto == IPPROTO_UDP);
	seen = flowtab_name_seen(e->ft, k->flow, hash64(name, len, (uint64_t)dk));
	if (seen)
		return;
	e->st.names++;
	if (!hit && !e->o.report_all)
		return;
	memset(&ev, 0, sizeof(ev));
	event_endpoints(k, &ev);
	ev.type = hit ? EV_MATCH : EV_NAME;
	ev.app = app;
	ev.name = name;
	ev.name_len = len;
	ev.dns = dk;
	ev.ech = ech;
	if (hit) {
		e->st.matches++;
		ev.rule = m.rule;
		ev.decision = d;
	} else if (e->bl) {
		ev.allowed_by = m.allowed_by;
	}
	emit(e, &ev);
}

/* A raw name from text (SNI, Host): canonicalise, then on_name(). */
static void on_text_name(struct engine *e, struct pkt *k, enum app_proto app,
			 const struct bytes *b, bool ech, uint64_t *err_counter)
{
	size_t len;

	if (name_from_text(b->p, b->len, e->name, &len) != PARSE_OK) {
		(*err_counter)++;
		return;
	}
	on_name(e, k, app, DNS_NONE, e->name, len, ech);
}

/* Every question of a DNS query message (RFC 1035 §4.1.2). */
static void inspect_dns_message(struct engine *e, struct pkt *k, const uint8_t *p, size_t len)
{
	struct dns_iter it;
	enum parse_rc rc;

	if (dns_begin(&it, p, len) != PARSE_OK) {
		e->st.parse_err_dns++;
		return;
	}
	if (dns_is_response(&it.hdr))
		return;
	while ((rc = dns_next_question(&it, &e->q)) == PARSE_OK) {
		/* The root (".") is a valid question but not a name to report. */
		if (e->q.name_len)
			on_name(e, k, APP_DNS, DNS_QUERY, e->q.name, e->q.name_len, false);
	}
	if (rc != PARSE_NOT_MINE)
		e->st.parse_err_dns++;
}

/* DNS over TCP (RFC 1035 §4.2.2): 2-byte length prefix, messages back to back. */
static void inspect_dns_tcp(struct engine *e, struct pkt *k, const uint8_t *p, size_t len)
{
	while (len >= 2) {
		size_t mlen = (size_t)p[0] << 8 | p[1];

		if (mlen > len - 2)
			break;		/* split message: needs stream reassembly */
		inspect_dns_message(e, k, p + 2, mlen);
		p += 2 + mlen;
		len -= 2 + mlen;
	}
}

static bool is_dns_port(uint16_t port)
{
	return port == 53;
}

/* A TCP segment from the client carrying payload. */
static void inspect_tcp(struct engine *e, struct pkt *k)
{
	struct flow *f = k->flow;
	const uint8_t *p = k->l4.payload.p;
	size_t len = k->l4.payload.len;
	enum parse_rc rc;

	if (is_dns_port(k->l4.sport) || is_dns_port(k->l4.dport)) {
		if (k->from_client)
			inspect_dns_tcp(e, k, p, len);
		return;
	}
	if (!k->from_client || (f->flags & (FLOW_NAME_DONE | FLOW_STREAM_GAVE_UP)))
		return;
	if (tls_sniff(p, len)) {
		struct tls_hello h;

		rc = tls_parse_records(p, len, e->tls_scratch, &h);
		if (rc == PARSE_OK) {
			f->flags |= FLOW_NAME_DONE;
			if (h.has_sni)
				on_text_name(e, k, APP_TLS, &h.sni, h.has_ech, &e->st.parse_err_tls);
		} else if (rc == PARSE_MALFORMED) {
			e->st.parse_err_tls++;
			f->flags |= FLOW_STREAM_GAVE_UP;
		}
		return;
	}
	if (http_sniff(p, len)) {
		struct http_request r;

		rc = http_parse_request(p, len, &r);
		if (rc == PARSE_OK) {
			f->flags |= FLOW_NAME_DONE;
			if (r.host.len)
				on_text_name(e, k, APP_HTTP, &r.host, false, &e->st.parse_err_http);
		} else if (rc == PARSE_MALFORMED) {
			e->st.parse_err_http++;
			f->flags |= FLOW_STREAM_GAVE_UP;
		}
		return;
	}
	/* The client's first bytes are neither TLS nor HTTP: nothing to name. */
	f->flags |= FLOW_STREAM_GAVE_UP;
}

static void inspect_udp(struct engine *e, struct pkt *k)
{
	const uint8_t *p = k->l4.payload.p;
	size_t len = k->l4.payload.len;

	if (is_dns_port(k->l4.sport) || is_dns_port(k->l4.dport)) {
		inspect_dns_message(e, k, p, len);
		return;
	}
}

/*
 * Which side of a new flow is the client?  TCP says it with SYN; otherwise
 * a well-known port on one side only marks the server.
 */
static bool sender_is_client(const struct ip_info *ip, const struct l4_info *l4)
{
	if (ip->proto == IPPROTO_TCP && (l4->tcp_flags & TCP_SYN))
		return !(l4->tcp_flags & TCP_ACK);
	if (l4->sport < 1024 && l4->dport >= 1024)
		return false;
	return true;
}

static void on_new_flow(struct engine *e, struct pkt *k)
{
	struct bl_match m;
	struct event ev;
	const struct addr *server = k->from_client ? &k->ip.dst : &k->ip.src;
	struct decision d;

	if (!e->bl || !blocklist_match_addr(e->bl, server, &m))
		return;
	d = apply_match(e, k, m.rule, false);
	memset(&ev, 0, sizeof(ev));
	event_endpoints(k, &ev);
	ev.type = EV_MATCH;
	ev.app = APP_IP;
	ev.rule = m.rule;
	ev.decision = d;
	e->st.matches++;
	emit(e, &ev);
}

static void finish(struct engine *e, struct pkt *k, struct engine_result *res)
{
	switch (k->verdict) {
	case VERDICT_ACCEPT:
		e->st.verdict_accept++;
		break;
	case VERDICT_DROP:
		e->st.verdict_drop++;
		break;
	case VERDICT_REJECT:
		e->st.verdict_reject++;
		break;
	}
	if (!res)
		return;
	res->verdict = k->verdict;
	res->reject_dns = k->verdict == VERDICT_REJECT && k->flow &&
			  (is_dns_port(k->l4.dport) || is_dns_port(k->l4.sport));
	res->flow_final = k->flow && (k->flow->flags & FLOW_FINAL);
	res->matched = k->flow && (k->flow->flags & FLOW_MATCHED);
	res->flow_id = k->flow ? k->flow->id : 0;
}

static void undecodable(struct engine *e, struct pkt *k, struct engine_result *res)
{
	e->st.undecodable++;
	finish(e, k, res);
	if (res)
		res->undecodable = true;
}

void engine_packet(struct engine *e, int64_t ts_us, const uint8_t *p, size_t len,
		   struct engine_result *res)
{
	struct pkt k;
	struct flow_key key;
	bool from_lo, created;
	enum parse_rc rc;

	memset(&k, 0, sizeof(k));
	k.ts_us = ts_us;
	if (res)
		memset(res, 0, sizeof(*res));
	e->st.packets++;
	e->st.bytes += len;

	if (ip_parse(p, len, &k.ip) != PARSE_OK)
		return undecodable(e, &k, res);
	if (k.ip.truncated)
		e->st.truncated++;
	if (k.ip.proto != IPPROTO_TCP && k.ip.proto != IPPROTO_UDP)
		return finish(e, &k, res);
	/* A non-first fragment has no transport header; the fragment engine
	 * reassembles those.  Until then there is nothing to inspect. */
	if (k.ip.is_fragment && k.ip.frag_off != 0)
		return finish(e, &k, res);
	if (k.ip.proto == IPPROTO_TCP)
		rc = tcp_parse(k.ip.payload.p, k.ip.payload.len, &k.l4);
	else
		rc = udp_parse(k.ip.payload.p, k.ip.payload.len, &k.l4);
	if (rc != PARSE_OK && !(rc == PARSE_TRUNCATED && k.ip.proto == IPPROTO_UDP))
		return undecodable(e, &k, res);

	flowtab_key(&key, &k.ip.src, k.l4.sport, &k.ip.dst, k.l4.dport, k.ip.proto, &from_lo);
	k.flow = flowtab_get(e->ft, &key, ts_us, &created);
	k.flow->packets++;
	if (created) {
		bool client = sender_is_client(&k.ip, &k.l4);

		if (client == from_lo)
			k.flow->flags |= FLOW_CLIENT_IS_LO;
		k.from_client = client;
		e->st.flows++;
		on_new_flow(e, &k);
	} else {
		k.from_client = from_lo == !!(k.flow->flags & FLOW_CLIENT_IS_LO);
	}

	if (k.flow->flags & FLOW_FINAL) {
		if (k.flow->verdict_enforced)
			k.verdict = k.flow->verdict_action == ACTION_REJECT ? VERDICT_REJECT
									    : VERDICT_DROP;
		return finish(e, &k, res);
	}
	if (k.l4.payload.len) {
		if (k.ip.proto == IPPROTO_TCP)
			inspect_tcp(e, &k);
		else
			inspect_udp(e, &k);
	}
	finish(e, &k, res);
}

void engine_frame(struct engine *e, int dlt, int64_t ts_us, const uint8_t *p, size_t len,
		  uint32_t wire_len, struct engine_result *res)
{
	struct l3_view l3;
	enum parse_rc rc = link_decap(dlt, p, len, &l3);

	if (wire_len > len)
		e->st.truncated++;
	if (rc == PARSE_OK) {
		engine_packet(e, ts_us, l3.p, l3.len, res);
		return;
	}
	if (res)
		memset(res, 0, sizeof(*res));
	e->st.packets++;
	e->st.bytes += len;
	if (rc == PARSE_NOT_MINE) {
		e->st.not_ip++;
	} else {
		e->st.undecodable++;
		if (res)
			res->undecodable = true;
	}
	e->st.verdict_accept++;
}

void engine_expire(struct engine *e, int64_t now_us)
{
	flowtab_expire(e->ft, now_us);
}

void engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	struct flowtab_stats fs;

	*st = e->st;
	flowtab_get_stats(e->ft, &fs);
	st->flows_active = fs.active;
	st->flows_evicted = fs.evicted;
	st->flows_expired = fs.expired;
}
