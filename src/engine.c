// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - the per-packet pipeline: the only file that knows every layer.
 *
 *   frame --link_decap--> IP --ip_parse--> [fragments: fragtab] [tunnels:
 *   GRE/IPIP/6in4/VXLAN/Geneve, decapsulated and processed again] -->
 *   TCP/UDP --flowtab_get--> flow
 *        new flow: server address -> blocklist, then learned addresses
 *        client bytes: DNS questions | TLS SNI | HTTP Host   (TCP, through
 *                      the stream reassembler when one packet is not enough)
 *                      QUIC Initial -> CRYPTO stream -> ClientHello SNI
 *        DNS responses: CNAME chain -> blocked name? -> learn A/AAAA
 *        each name -> name.h form -> blocklist_match_name -> policy_decide
 *        -> event (once per flow and name) -> verdict for this packet
 *
 * Parsers return views into the packet.  Per-flow state beyond the flow
 * entry (a reassembly stream, QUIC keys) is allocated only for flows that
 * need it, within a global budget.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnscache.h"
#include "cidr_set.h"
#include "engine.h"
#include "flowtab.h"
#include "frag.h"
#include "name.h"
#include "parse_dns.h"
#include "parse_http.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "parse_link.h"
#include "parse_quic.h"
#include "parse_tls.h"
#include "parse_tunnel.h"
#include "reasm.h"
#include "util.h"

#define DEFAULT_MAX_FLOWS 65536
#define DEFAULT_FLOW_TIMEOUT_S 120
#define DEFAULT_STREAM_CAP 16384
#define DEFAULT_STREAM_MEM (32u << 20)
#define DEFAULT_FRAG_MAX 1024
#define DEFAULT_FRAG_MEM (4u << 20)
#define DEFAULT_FRAG_TIMEOUT_S 30
#define DEFAULT_LEARNED_MAX 8192
#define LEARNED_MIN_TTL 60
#define LEARNED_MAX_TTL 86400
#define MAX_DEPTH 3			/* nested tunnels / reassembled packets */
#define MAX_ANSWER_RRS 64		/* answer records kept per response */
#define MAX_CHAIN 16			/* CNAME hops followed */

/* Per-flow state for flows that need more than one packet. */
struct flow_ext {
	struct stream s;		/* client bytes (TCP) or CRYPTO (QUIC) */
	struct stream ss;		/* server bytes: DNS over TCP responses */
	struct quic_keys qk;
	bool quic;
	struct flow *flow;		/* back pointer (flow entries never move) */
	struct flow_ext *prev, *next;	/* streams by age, youngest first */
	bool linked;
};

struct answer_rr {
	uint16_t type;
	uint32_t ttl;
	char owner[NAME_MAX_TEXT];
	size_t owner_len;
	char target[NAME_MAX_TEXT];	/* CNAME */
	size_t target_len;
	struct addr a;			/* A / AAAA */
};

struct engine {
	struct engine_opts o;
	const struct blocklist *bl;
	struct flowtab *ft;
	struct fragtab *frags;
	struct dnscache *learned;
	struct stream_pool pool;
	uint32_t stream_cap;
	struct flow_ext *lru_head, *lru_tail;
	struct engine_stats st;
	/* Scratch, reused for every packet (an engine is single-threaded). */
	struct dns_question q;
	struct dns_rr rr;
	struct answer_rr ans[MAX_ANSWER_RRS];
	char name[NAME_MAX_TEXT];
	uint8_t tls_scratch[TLS_SCRATCH];
	uint8_t quic_scratch[QUIC_SCRATCH];
	struct quic_initial qi;
};

/* What one packet is, once decoded. */
struct pkt {
	int64_t ts_us;
	struct ip_info ip;
	struct l4_info l4;
	struct flow *flow;
	bool from_client;		/* sent by the flow's client */
	enum verdict verdict;		/* the strongest verdict this packet earned */
};

static void lru_unlink(struct engine *e, struct flow_ext *x)
{
	if (!x->linked)
		return;
	x->linked = false;
	if (x->prev)
		x->prev->next = x->next;
	else
		e->lru_head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		e->lru_tail = x->prev;
	x->prev = x->next = NULL;
}

static void lru_touch(struct engine *e, struct flow_ext *x)
{
	if (e->lru_head == x)
		return;
	lru_unlink(e, x);
	x->next = e->lru_head;
	if (e->lru_head)
		e->lru_head->prev = x;
	e->lru_head = x;
	if (!e->lru_tail)
		e->lru_tail = x;
	x->linked = true;
}

static void ext_free(void *ctx, void *p)
{
	struct engine *e = ctx;
	struct flow_ext *x = p;

	lru_unlink(e, x);
	stream_release(&x->s, &e->pool);
	stream_release(&x->ss, &e->pool);
	free(x);
}

static struct flowtab *new_flowtab(struct engine *e)
{
	size_t max = e->o.max_flows ? e->o.max_flows : DEFAULT_MAX_FLOWS;
	uint32_t tmo = e->o.flow_timeout_s ? e->o.flow_timeout_s : DEFAULT_FLOW_TIMEOUT_S;
	struct flowtab *t = flowtab_new(max, (int64_t)tmo * USEC_PER_SEC);

	if (t)
		flowtab_set_ext_free(t, ext_free, e);
	return t;
}

struct engine *engine_new(const struct engine_opts *o)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->o = *o;
	e->bl = o->bl;
	e->stream_cap = o->stream_cap ? o->stream_cap : DEFAULT_STREAM_CAP;
	e->pool.max = o->stream_mem ? o->stream_mem : DEFAULT_STREAM_MEM;
	if (e->o.learned_ip == LEARNED_DEFAULT)
		e->o.learned_ip = LEARNED_LOG;
	if (e->o.learned_ech == LEARNED_DEFAULT)
		e->o.learned_ech = LEARNED_ENFORCE;
	e->ft = new_flowtab(e);
	e->frags = fragtab_new(o->frag_max ? o->frag_max : DEFAULT_FRAG_MAX,
			       o->frag_mem ? o->frag_mem : DEFAULT_FRAG_MEM,
			       (int64_t)DEFAULT_FRAG_TIMEOUT_S * USEC_PER_SEC);
	e->learned = dnscache_new(o->learned_max ? o->learned_max : DEFAULT_LEARNED_MAX,
				  LEARNED_MIN_TTL, LEARNED_MAX_TTL);
	if (!e->ft || !e->frags || !e->learned) {
		engine_free(e);
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
	fragtab_free(e->frags);
	dnscache_free(e->learned);
	free(e);
}

/*
 * same_rule - the rule of @bl for the same entry as @r (same kind and text,
 * in whatever section now holds it), or NULL when @bl no longer has it.
 */
static const struct bl_rule *same_rule(const struct blocklist *bl, const struct bl_rule *r)
{
	const char *t = r->text;
	const struct bl_rule *n;
	struct addr a;
	unsigned plen;

	if (r->kind != BL_CIDR) {
		size_t skip = 0;

		if (r->kind == BL_EXACT && t[0] == '=')
			skip = 1;
		else if (r->kind == BL_SUBDOMAINS && t[0] == '*' && t[1] == '.')
			skip = 2;
		return blocklist_find_name(bl, r->allow, r->kind, t + skip, strlen(t + skip));
	}
	if (cidr_set_parse(t, strlen(t), &a, &plen) < 0)
		return NULL;
	n = blocklist_find_net(bl, r->allow, &a, plen);
	return n && n->kind == BL_CIDR && strcmp(n->text, t) == 0 ? n : NULL;
}

static void remap_flow(void *ctx, struct flow *f)
{
	const struct blocklist *bl = ctx;

	if (!f->match)
		return;
	f->match = bl ? same_rule(bl, f->match) : NULL;
	if (!f->match)
		f->flags &= ~(uint32_t)(FLOW_MATCHED | FLOW_MATCH_LEARNED);
}

void engine_set_blocklist(struct engine *e, const struct blocklist *bl)
{
	/*
	 * Flows point at rules of the old list, which the caller is about to
	 * free: each is pointed at the same entry of the new list, so that a
	 * connection matched and only logged before a reload is still cut
	 * when its date passes after it, under the new list's policy for the
	 * entry.  A flow whose entry the new list dropped is no longer
	 * matched.  Names are not kept, so an entry the new list adds applies
	 * to new flows (and to flows whose name is still to come).  Learned
	 * addresses are relearned from the next answers.
	 */
	flowtab_for_each(e->ft, remap_flow, (void *)bl);
	dnscache_clear(e->learned);
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

static bool is_dns_port(uint16_t port)
{
	return port == 53;
}

/* mDNS (RFC 6762) and LLMNR (RFC 4795) stay on the link: never egress names. */
static bool is_local_dns_port(uint16_t port)
{
	return port == 5353 || port == 5355;
}

/* Fill the endpoint fields of @ev from the packet, client as source. */
static void event_init(const struct pkt *k, struct event *ev, enum event_type type,
		       enum app_proto app)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->app = app;
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
	if (ev->type == EV_MATCH)
		e->st.matches++;
	if (e->o.on_event)
		e->o.on_event(e->o.ctx, ev);
}

/*
 * A block rule matched: work out the decision, remember it on the flow and
 * raise this packet's verdict.  DNS over UDP decides per message: one
 * blocked question must not condemn the resolver's whole 5-tuple.  @log_only
 * turns the action into "log" (learned addresses under a log policy).
 */
static struct decision apply_match(struct engine *e, struct pkt *k, const struct bl_rule *r,
				   bool per_message, bool log_only, bool learned)
{
	struct decision d = policy_decide(&r->section->policy, policy_time(e, k));
	struct flow *f = k->flow;
	enum verdict v = VERDICT_ACCEPT;

	if (log_only)
		d.action = ACTION_LOG;
	/* The flow remembers its first match; a real rule outranks a learned one. */
	if (!(f->flags & FLOW_MATCHED) || ((f->flags & FLOW_MATCH_LEARNED) && !learned)) {
		f->flags |= FLOW_MATCHED;
		f->match = r;
		if (learned)
			f->flags |= FLOW_MATCH_LEARNED;
		else
			f->flags &= ~(uint32_t)FLOW_MATCH_LEARNED;
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

static bool dns_per_message(const struct pkt *k, enum app_proto app)
{
	return app == APP_DNS && k->ip.proto == IPPROTO_UDP;
}

/*
 * An ECH hello whose outer name is not blocked, to an address learned from
 * a blocked name: the address is the only evidence left.
 */
static bool ech_learned(struct engine *e, struct pkt *k, enum app_proto app, const char *name,
			size_t len)
{
	const struct addr *server = k->from_client ? &k->ip.dst : &k->ip.src;
	const struct learned *l;
	struct event ev;

	if (e->o.learned_ech == LEARNED_OFF)
		return false;
	l = dnscache_lookup(e->learned, server, k->ts_us);
	if (!l)
		return false;
	event_init(k, &ev, EV_MATCH, app);
	ev.name = name;
	ev.name_len = len;
	ev.ech = true;
	ev.rule = &l->rule;
	ev.learned_from = l->name;
	ev.decision = apply_match(e, k, &l->rule, false, e->o.learned_ech == LEARNED_LOG, true);
	emit(e, &ev);
	return true;
}

/*
 * One canonical name extracted from the packet.  Matching runs every time
 * (a retransmitted query must get the same verdict); the event is raised
 * once per flow, name and DNS section.
 */
static void on_name(struct engine *e, struct pkt *k, enum app_proto app, enum dns_kind dk,
		    const char *name, size_t len, bool ech)
{
	struct bl_match m = { 0 };
	struct decision d = { 0 };
	struct event ev;
	bool hit, seen;

	if (len == 0)
		return;
	hit = e->bl && blocklist_match_name(e->bl, name, len, &m);
	if (hit)
		d = apply_match(e, k, m.rule, dns_per_message(k, app), false, false);
	seen = flowtab_name_seen(e->ft, k->flow, hash64(name, len, (uint64_t)dk));
	if (!seen)
		e->st.names++;
	if (seen)
		return;
	/* The learned-address match is this name's one event. */
	if (ech && !hit && ech_learned(e, k, app, name, len))
		return;
	if (!hit && !e->o.report_all)
		return;
	event_init(k, &ev, hit ? EV_MATCH : EV_NAME, app);
	ev.name = name;
	ev.name_len = len;
	ev.dns = dk;
	ev.ech = ech;
	if (hit) {
		ev.rule = m.rule;
		ev.decision = d;
	} else {
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

/* ---- DNS -------------------------------------------------------------- */

static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/*
 * A response (RFC 1035 §4.1.3): follow the CNAME chain from the question
 * through the answer section; the first name on the chain that a block rule
 * covers makes the response a match, and the A/AAAA records of the chain
 * are learned for that name.
 */
static void inspect_dns_response(struct engine *e, struct pkt *k, struct dns_iter *it)
{
	const char *chain[MAX_CHAIN + 1];
	size_t chain_len[MAX_CHAIN + 1], n_chain = 0, n_ans = 0, i, j;
	struct bl_match m = { 0 };
	struct event ev;
	struct decision d;
	enum parse_rc rc;
	bool hit = false;
	size_t blocked = 0;

	if (it->hdr.qdcount != 1 || dns_rcode(&it->hdr) != 0)
		return;
	if (dns_next_question(it, &e->q) != PARSE_OK || !e->q.name_len)
		return;
	/*
	 * Most responses neither name a blocked host nor alias one: with no
	 * CNAME in the answer and an unblocked question there is nothing to
	 * report or learn, and the records need not be decoded.
	 */
	if (!dns_answer_has_type(it, DNS_T_CNAME) &&
	    !(e->bl && blocklist_match_name(e->bl, e->q.name, e->q.name_len, &m)))
		return;
	while (n_ans < MAX_ANSWER_RRS && (rc = dns_next_rr(it, &e->rr)) == PARSE_OK) {
		struct answer_rr *a = &e->ans[n_ans];

		if (e->rr.section != DNS_SEC_ANSWER)
			break;
		if (e->rr.type != DNS_T_CNAME && e->rr.type != DNS_T_A && e->rr.type != DNS_T_AAAA)
			continue;
		a->type = e->rr.type;
		a->ttl = e->rr.ttl;
		memcpy(a->owner, e->rr.name, e->rr.name_len + 1);
		a->owner_len = e->rr.name_len;
		memset(&a->a, 0, sizeof(a->a));
		if (a->type == DNS_T_CNAME) {
			memcpy(a->target, e->rr.target, e->rr.target_len + 1);
			a->target_len = e->rr.target_len;
		} else if (a->type == DNS_T_A) {
			a->a.af = AF_INET;
			memcpy(a->a.a, e->rr.addr, 4);
		} else {
			a->a.af = AF_INET6;
			memcpy(a->a.a, e->rr.addr, 16);
		}
		n_ans++;
	}
	/* The chain: qname, then each CNAME target, loops cut by MAX_CHAIN. */
	chain[0] = e->q.name;
	chain_len[0] = e->q.name_len;
	n_chain = 1;
	for (bool grew = true; grew && n_chain <= MAX_CHAIN;) {
		grew = false;
		for (i = 0; i < n_ans; i++) {
			const struct answer_rr *a = &e->ans[i];

			if (a->type == DNS_T_CNAME &&
			    name_eq(a->owner, a->owner_len, chain[n_chain - 1], chain_len[n_chain - 1])) {
				chain[n_chain] = a->target;
				chain_len[n_chain] = a->target_len;
				n_chain++;
				grew = true;
				break;
			}
		}
	}
	for (i = 0; i < n_chain && !hit; i++) {
		hit = e->bl && blocklist_match_name(e->bl, chain[i], chain_len[i], &m);
		blocked = i;
	}
	if (!hit)
		return;
	d = apply_match(e, k, m.rule, dns_per_message(k, APP_DNS), false, false);
	/* Learn the addresses the chain resolves to. */
	for (i = 0; i < n_ans; i++) {
		const struct answer_rr *a = &e->ans[i];

		if (a->type == DNS_T_CNAME)
			continue;
		for (j = 0; j < n_chain; j++) {
			if (name_eq(a->owner, a->owner_len, chain[j], chain_len[j])) {
				dnscache_add(e->learned, &a->a, chain[blocked], chain_len[blocked],
					     m.rule, a->ttl, k->ts_us);
				break;
			}
		}
	}
	if (flowtab_name_seen(e->ft, k->flow,
			      hash64(chain[blocked], chain_len[blocked], (uint64_t)DNS_ANSWER)))
		return;
	e->st.names++;
	event_init(k, &ev, EV_MATCH, APP_DNS);
	ev.name = chain[blocked];
	ev.name_len = chain_len[blocked];
	ev.dns = DNS_ANSWER;
	ev.rule = m.rule;
	ev.decision = d;
	emit(e, &ev);
}

/* One DNS message: every question of a query, the CNAME chain of a response. */
static void inspect_dns_message(struct engine *e, struct pkt *k, const uint8_t *p, size_t len)
{
	struct dns_iter it;
	enum parse_rc rc;

	if (dns_begin(&it, p, len) != PARSE_OK) {
		e->st.parse_err_dns++;
		return;
	}
	if (dns_is_response(&it.hdr)) {
		inspect_dns_response(e, k, &it);
		return;
	}
	while ((rc = dns_next_question(&it, &e->q)) == PARSE_OK) {
		/* The root (".") is a valid question but not a name to report. */
		if (e->q.name_len)
			on_name(e, k, APP_DNS, DNS_QUERY, e->q.name, e->q.name_len, false);
	}
	if (rc != PARSE_NOT_MINE)
		e->st.parse_err_dns++;
}

/*
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): 2-byte length prefix, messages
 * back to back.  Returns the bytes of the complete messages handled.
 */
static size_t inspect_dns_tcp(struct engine *e, struct pkt *k, const uint8_t *p, size_t len)
{
	size_t used = 0;

	while (len - used >= 2) {
		size_t mlen = (size_t)p[used] << 8 | p[used + 1];

		if (mlen > len - used - 2)
			break;
		inspect_dns_message(e, k, p + used + 2, mlen);
		used += 2 + mlen;
	}
	return used;
}

/* ---- TCP streams -------------------------------------------------------- */

/* ST_TOO_BIG: a DNS message longer than the stream cap, never readable. */
enum stream_state { ST_NEED_MORE, ST_DONE, ST_GAVE_UP, ST_TOO_BIG };

/*
 * The client's first bytes, assembled so far: decide what they are and
 * extract the name once it is complete.  *used gets the bytes that may be
 * discarded (DNS messages already inspected).
 */
static enum stream_state parse_client_bytes(struct engine *e, struct pkt *k, const uint8_t *p,
					    size_t len, size_t *used)
{
	enum parse_rc rc;

	*used = 0;
	if (is_dns_port(k->l4.dport) || is_dns_port(k->l4.sport)) {
		*used = inspect_dns_tcp(e, k, p, len);
		if (len - *used >= 2 &&
		    2 + ((size_t)p[*used] << 8 | p[*used + 1]) > e->stream_cap)
			return ST_TOO_BIG;
		return ST_NEED_MORE;	/* a DNS connection may carry more queries */
	}
	if (len && p[0] == 22) {
		struct tls_hello h;

		/* Record header cut after its first bytes: wait for the rest. */
		if (len < 3)
			return len < 2 || p[1] == 3 ? ST_NEED_MORE : ST_GAVE_UP;
		if (!tls_sniff(p, len))
			return ST_GAVE_UP;
		rc = tls_parse_records(p, len, e->tls_scratch, &h);
		if (rc == PARSE_NEED_MORE)
			return ST_NEED_MORE;
		if (rc != PARSE_OK) {
			e->st.parse_err_tls++;
			return ST_GAVE_UP;
		}
		if (h.has_sni)
			on_text_name(e, k, APP_TLS, &h.sni, h.has_ech, &e->st.parse_err_tls);
		return ST_DONE;
	}
	{
		struct http_request r;

		rc = http_parse_request(p, len, &r);
		if (rc == PARSE_NEED_MORE)
			return ST_NEED_MORE;
		if (rc == PARSE_NOT_MINE)
			return ST_GAVE_UP;
		if (rc != PARSE_OK) {
			e->st.parse_err_http++;
			return ST_GAVE_UP;
		}
		if (r.host.len)
			on_text_name(e, k, APP_HTTP, &r.host, false, &e->st.parse_err_http);
		return ST_DONE;
	}
}

static void stream_finished(struct engine *e, struct flow *f, enum stream_state st);

static struct flow_ext *get_ext(struct engine *e, struct flow *f, uint64_t base)
{
	struct flow_ext *x = f->ext;

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x) {
		e->st.reasm_nomem++;
		return NULL;
	}
	stream_init(&x->s, base, e->stream_cap);
	stream_init(&x->ss, 0, e->stream_cap);
	x->flow = f;
	f->ext = x;
	lru_touch(e, x);
	return x;
}

/*
 * Store a piece; when the shared budget is exhausted, the streams that
 * started longest ago give up (fail open, counted) to make room.  Age is
 * counted from a stream's first piece, not its latest: a real client
 * completes its hello within a round trip, so a stream still incomplete
 * long after it started is the one least likely to be legitimate, however
 * busily it keeps sending.
 */
static enum stream_rc stream_put(struct engine *e, struct flow_ext *x, struct stream *st,
				 uint64_t off, const uint8_t *p, size_t len)
{
	enum stream_rc rc;

	while ((rc = stream_add(st, &e->pool, off, p, len)) == STREAM_NOMEM) {
		struct flow_ext *victim = e->lru_tail;

		if (!victim || victim == x)
			break;
		e->st.reasm_evicted++;
		stream_finished(e, victim->flow, ST_GAVE_UP);
	}
	return rc;
}

static void stream_finished(struct engine *e, struct flow *f, enum stream_state st)
{
	f->flags |= st == ST_DONE ? FLOW_NAME_DONE : FLOW_STREAM_GAVE_UP;
	if (f->ext) {
		ext_free(e, f->ext);
		f->ext = NULL;
	}
	/*
	 * Nothing more to learn from this flow: let it go unqueued.  Not a DNS
	 * connection: its answers still teach addresses, and the ruleset lets
	 * flows marked accept skip the queue before its DNS rules.
	 */
	if (!(f->flags & FLOW_MATCHED) && !is_dns_port(f->key.lo_port) &&
	    !is_dns_port(f->key.hi_port))
		f->flags |= FLOW_FINAL;
}

/*
 * client_done - the client's bytes are done with (@st not ST_NEED_MORE).  A
 * DNS query longer than the stream cap could never be read, and a resolver
 * answers it and reads the next one on the connection: the connection is
 * dropped, never passed unread, counted as ambiguous.
 */
static void client_done(struct engine *e, struct pkt *k, enum stream_state st)
{
	struct flow *f = k->flow;

	if (st != ST_TOO_BIG) {
		stream_finished(e, f, st);
		return;
	}
	stream_finished(e, f, ST_GAVE_UP);
	e->st.ambiguous++;
	k->verdict = VERDICT_DROP;
	f->flags |= FLOW_FINAL;
	f->verdict_action = ACTION_DROP;
	f->verdict_enforced = true;
}

/*
 * The relative stream offset of a TCP segment, from the side's initial
 * sequence number; false when it lies before the stream start (an old
 * retransmission).  A side seen without its SYN starts where first seen.
 */
static bool tcp_offset(struct flow *f, const struct l4_info *l4, bool client, uint32_t *rel)
{
	uint32_t flag = client ? FLOW_HAVE_ISN : FLOW_HAVE_SISN;
	uint32_t *isn = client ? &f->isn : &f->sisn;

	if (l4->tcp_flags & TCP_SYN) {
		*isn = l4->seq;
		f->flags |= flag;
	}
	if (!(f->flags & flag)) {
		*isn = l4->seq - 1;
		f->flags |= flag;
	}
	/* Data on a SYN (TCP Fast Open) starts at offset 0. */
	*rel = (l4->tcp_flags & TCP_SYN) ? 0 : l4->seq - (*isn + 1);
	return *rel < 0x80000000u;
}

/* Drop the packet that tried to rewrite bytes already inspected. */
static void check_conflict(struct engine *e, struct pkt *k, struct stream *st)
{
	if (!st->conflicts)
		return;
	e->st.reasm_conflicts += st->conflicts;
	st->conflicts = 0;
	if (k->verdict < VERDICT_DROP)
		k->verdict = VERDICT_DROP;
}

/* A TCP segment from the client: feed the stream, parse what is assembled. */
static void inspect_tcp_client(struct engine *e, struct pkt *k)
{
	struct flow *f = k->flow;
	const uint8_t *p = k->l4.payload.p, *sp;
	size_t len = k->l4.payload.len, used, contig;
	enum stream_state st;
	enum stream_rc src;
	uint32_t rel;
	struct flow_ext *x;

	if (!tcp_offset(f, &k->l4, true, &rel) || !len ||
	    (f->flags & (FLOW_NAME_DONE | FLOW_STREAM_GAVE_UP)))
		return;

	x = f->ext;
	if (!x && rel == 0) {
		/* Fast path: the whole thing is in this one segment. */
		st = parse_client_bytes(e, k, p, len, &used);
		if (st != ST_NEED_MORE) {
			client_done(e, k, st);
			return;
		}
		/*
		 * Complete DNS messages were inspected: the stream now starts
		 * after them, so the next query on the connection is at 0.
		 */
		f->isn += (uint32_t)used;
		if (used == len)
			return;
		p += used;
		len -= used;
	}
	x = get_ext(e, f, 0);
	if (!x) {
		stream_finished(e, f, ST_GAVE_UP);
		return;
	}
	e->st.reasm_segments++;
	src = stream_put(e, x, &x->s, rel, p, len);
	check_conflict(e, k, &x->s);
	contig = stream_contig(&x->s, &sp);
	if (!contig) {
		if (src == STREAM_NOMEM) {
			e->st.reasm_gave_up++;
			stream_finished(e, f, ST_GAVE_UP);
		}
		return;
	}
	st = parse_client_bytes(e, k, sp, contig, &used);
	if (st != ST_NEED_MORE) {
		client_done(e, k, st);
		return;
	}
	stream_consume(&x->s, used);
	if (src == STREAM_NOMEM || (x->s.overflow && stream_contig(&x->s, &sp) >= x->s.cap)) {
		/* Out of room before the name was complete: fail open, counted. */
		e->st.reasm_gave_up++;
		stream_finished(e, f, ST_GAVE_UP);
	}
}

/*
 * A TCP segment from the server: only DNS responses are read (CNAME chains
 * and learned addresses), reassembled like the client's bytes.
 */
static void inspect_tcp_server(struct engine *e, struct pkt *k)
{
	struct flow *f = k->flow;
	const uint8_t *sp;
	size_t used, contig;
	uint32_t rel;
	struct flow_ext *x;

	if (!tcp_offset(f, &k->l4, false, &rel) || !k->l4.payload.len ||
	    !is_dns_port(k->l4.sport))
		return;
	x = f->ext;
	if (!x && rel == 0) {
		used = inspect_dns_tcp(e, k, k->l4.payload.p, k->l4.payload.len);
		f->sisn += (uint32_t)used;
		if (used == k->l4.payload.len)
			return;
		rel = 0;
		x = get_ext(e, f, 0);
		if (!x)
			return;
		stream_put(e, x, &x->ss, 0, k->l4.payload.p + used, k->l4.payload.len - used);
		return;
	}
	x = get_ext(e, f, 0);
	if (!x)
		return;
	stream_put(e, x, &x->ss, rel, k->l4.payload.p, k->l4.payload.len);
	check_conflict(e, k, &x->ss);
	contig = stream_contig(&x->ss, &sp);
	if (!contig)
		return;
	used = inspect_dns_tcp(e, k, sp, contig);
	stream_consume(&x->ss, used);
}

static void inspect_tcp(struct engine *e, struct pkt *k)
{
	if (k->from_client)
		inspect_tcp_client(e, k);
	else
		inspect_tcp_server(e, k);
}

/* ---- QUIC --------------------------------------------------------------- */

static void inspect_quic(struct engine *e, struct pkt *k)
{
	struct flow *f = k->flow;
	struct flow_ext *x = get_ext(e, f, 0);
	const uint8_t *sp;
	size_t contig;
	enum parse_rc rc;
	struct tls_hello h;

	if (!x) {
		stream_finished(e, f, ST_GAVE_UP);
		return;
	}
	x->quic = true;
	rc = quic_parse_initial(k->l4.payload.p, k->l4.payload.len, &x->qk, e->quic_scratch,
				&e->qi);
	if (rc != PARSE_OK) {
		if (rc != PARSE_NOT_MINE)
			e->st.parse_err_quic++;
		return;
	}
	if (e->qi.frags_dropped) {
		/*
		 * More CRYPTO frames in one datagram than any client sends: the
		 * frames past the limit cannot be inspected, so the datagram
		 * does not pass (the client retransmits or gives up).
		 */
		e->st.parse_err_quic++;
		k->verdict = VERDICT_DROP;
		return;
	}
	for (size_t i = 0; i < e->qi.n_frags; i++) {
		const struct quic_crypto_frag *fr = &e->qi.frags[i];

		if (stream_put(e, x, &x->s, fr->offset, fr->p, fr->len) == STREAM_NOMEM) {
			e->st.reasm_gave_up++;
			stream_finished(e, f, ST_GAVE_UP);
			return;
		}
	}
	check_conflict(e, k, &x->s);
	contig = stream_contig(&x->s, &sp);
	if (!contig)
		return;
	rc = tls_parse_handshake(sp, contig, &h);
	if (rc == PARSE_NEED_MORE) {
		if (x->s.overflow) {
			e->st.reasm_gave_up++;
			stream_finished(e, f, ST_GAVE_UP);
		}
		return;
	}
	if (rc != PARSE_OK) {
		e->st.parse_err_quic++;
		stream_finished(e, f, ST_GAVE_UP);
		return;
	}
	if (h.has_sni)
		on_text_name(e, k, APP_QUIC, &h.sni, h.has_ech, &e->st.parse_err_quic);
	stream_finished(e, f, ST_DONE);
}

static void inspect_udp(struct engine *e, struct pkt *k)
{
	struct flow *f = k->flow;
	const uint8_t *p = k->l4.payload.p;
	size_t len = k->l4.payload.len;

	if (is_dns_port(k->l4.sport) || is_dns_port(k->l4.dport) || (f->flags & FLOW_DNS)) {
		inspect_dns_message(e, k, p, len);
		return;
	}
	if (!k->from_client || (f->flags & (FLOW_NAME_DONE | FLOW_STREAM_GAVE_UP)))
		return;
	if (f->ext || quic_sniff(p, len)) {
		inspect_quic(e, k);
		return;
	}
	/*
	 * DNS off port 53 (DNSCrypt certificate queries on 443, resolvers on
	 * odd ports): recognised by content on the client's first datagram.
	 */
	if (!is_local_dns_port(k->l4.dport) && dns_looks_like_query(p, len)) {
		f->flags |= FLOW_DNS;
		inspect_dns_message(e, k, p, len);
		return;
	}
	/* The client's first datagram is neither QUIC nor DNS: nothing to name. */
	stream_finished(e, f, ST_GAVE_UP);
}

/* ---- flows and packets -------------------------------------------------- */

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
	const struct addr *server = k->from_client ? &k->ip.dst : &k->ip.src;
	const struct learned *l;
	struct bl_match m;
	struct event ev;

	if (e->bl && blocklist_match_addr(e->bl, server, &m)) {
		event_init(k, &ev, EV_MATCH, APP_IP);
		ev.rule = m.rule;
		ev.decision = apply_match(e, k, m.rule, false, false, false);
		emit(e, &ev);
		return;
	}
	l = dnscache_lookup(e->learned, server, k->ts_us);
	if (!l)
		return;
	k->flow->flags |= FLOW_LEARNED;
	if (e->o.learned_ip == LEARNED_OFF)
		return;
	event_init(k, &ev, EV_MATCH, APP_IP);
	ev.rule = &l->rule;
	ev.learned_from = l->name;
	ev.decision = apply_match(e, k, &l->rule, false, e->o.learned_ip == LEARNED_LOG, true);
	emit(e, &ev);
}

static void count_verdict(struct engine *e, enum verdict v)
{
	switch (v) {
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
}

static void fill_result(const struct pkt *k, struct engine_result *res)
{
	res->verdict = k->verdict;
	if (!k->flow)
		return;
	res->reject_dns = k->verdict == VERDICT_REJECT &&
			  (is_dns_port(k->l4.dport) || is_dns_port(k->l4.sport));
	res->flow_final = (k->flow->flags & FLOW_FINAL) != 0;
	res->matched = (k->flow->flags & FLOW_MATCHED) != 0;
	res->flow_id = k->flow->id;
}

static void process_ip(struct engine *e, int64_t ts_us, const uint8_t *p, size_t len,
		       unsigned depth, struct engine_result *res);

/*
 * A packet a receiver could read differently from the filter, or nested too
 * deep to read at all: it never passes unread, whatever error_verdict says
 * (that verdict is for bytes no host would accept either).
 */
static void drop_unread(struct engine *e, struct engine_result *res)
{
	e->st.ambiguous++;
	res->verdict = VERDICT_DROP;
}

/*
 * Inner packets of tunnels (GRE, IP-in-IP, 6in4, VXLAN, Geneve): the inner
 * packet is processed as if it had arrived by itself and its verdict is the
 * outer packet's.  Returns false when @k is not a tunnel packet after all.
 */
static bool try_tunnel(struct engine *e, struct pkt *k, unsigned depth, struct engine_result *res)
{
	struct tunnel_inner in;
	struct l3_view l3;
	enum parse_rc rc;

	if (k->ip.proto == IPPROTO_UDP)
		rc = tunnel_udp(k->l4.dport, k->l4.payload.p, k->l4.payload.len, &in);
	else
		rc = tunnel_ip(k->ip.proto, k->ip.payload.p, k->ip.payload.len, &in);
	if (rc != PARSE_OK)
		return false;
	if (depth >= MAX_DEPTH) {
		drop_unread(e, res);
		return true;
	}
	e->st.tunneled++;
	if (!in.ethernet) {
		process_ip(e, k->ts_us, in.p, in.len, depth + 1, res);
	} else if (link_decap(DLT_EN10MB, in.p, in.len, &l3) == PARSE_OK) {
		process_ip(e, k->ts_us, l3.p, l3.len, depth + 1, res);
	}
	return true;
}

static void process_ip(struct engine *e, int64_t ts_us, const uint8_t *p, size_t len,
		       unsigned depth, struct engine_result *res)
{
	struct pkt k;
	struct flow_key key;
	bool from_lo, created;
	enum parse_rc rc;

	memset(&k, 0, sizeof(k));
	k.ts_us = ts_us;
	if (ip_parse(p, len, &k.ip) != PARSE_OK) {
		if (k.ip.ambiguous) {
			drop_unread(e, res);
			return;
		}
		e->st.undecodable++;
		res->undecodable = true;
		return;
	}
	if (k.ip.truncated && depth == 0)
		e->st.truncated++;
	if (k.ip.is_fragment) {
		const uint8_t *whole;
		size_t wlen;

		e->st.fragments++;
		switch (fragtab_add(e->frags, &k.ip, p, len, ts_us, &whole, &wlen)) {
		case FRAG_DONE:
			if (depth < MAX_DEPTH)
				process_ip(e, ts_us, whole, wlen, depth + 1, res);
			else
				drop_unread(e, res);
			return;
		case FRAG_NEED_MORE:
			return;
		case FRAG_DROPPED:
			/*
			 * Overlapping, oversized or evicted: the receiver would
			 * discard it too (RFC 5722), and what it carries was
			 * never inspected, so it does not pass.
			 */
			e->st.fragments_dropped++;
			res->verdict = VERDICT_DROP;
			return;
		}
		return;
	}
	if (tunnel_ip_proto(k.ip.proto)) {
		if (!try_tunnel(e, &k, depth, res))
			e->st.undecodable++;
		return;
	}
	if (k.ip.proto != IPPROTO_TCP && k.ip.proto != IPPROTO_UDP)
		return;
	if (k.ip.proto == IPPROTO_TCP)
		rc = tcp_parse(k.ip.payload.p, k.ip.payload.len, &k.l4);
	else
		rc = udp_parse(k.ip.payload.p, k.ip.payload.len, &k.l4);
	if (rc != PARSE_OK && !(rc == PARSE_TRUNCATED && k.ip.proto == IPPROTO_UDP)) {
		e->st.undecodable++;
		res->undecodable = true;
		return;
	}
	if (k.ip.proto == IPPROTO_UDP && tunnel_udp_port(k.l4.dport) && try_tunnel(e, &k, depth, res))
		return;

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
		k.from_client = from_lo == ((k.flow->flags & FLOW_CLIENT_IS_LO) != 0);
	}

	/*
	 * A flow that matched while its category was not yet enforced is judged
	 * again on every packet, so the enforcement instant also cuts
	 * connections opened before it.  (DNS decides per message; a flow
	 * matched only through a learned address follows that policy.)
	 */
	if ((k.flow->flags & (FLOW_MATCHED | FLOW_FINAL | FLOW_MATCH_LEARNED)) == FLOW_MATCHED &&
	    k.flow->match && !is_dns_port(k.l4.sport) && !is_dns_port(k.l4.dport) &&
	    !(k.flow->flags & FLOW_DNS))
		apply_match(e, &k, k.flow->match, false, false, false);
	if (k.flow->flags & FLOW_FINAL) {
		if (k.flow->verdict_enforced)
			k.verdict = k.flow->verdict_action == ACTION_REJECT ? VERDICT_REJECT
									    : VERDICT_DROP;
	} else if (k.ip.proto == IPPROTO_TCP) {
		inspect_tcp(e, &k);
	} else if (k.l4.payload.len) {
		inspect_udp(e, &k);
	}
	fill_result(&k, res);
}

void engine_packet(struct engine *e, int64_t ts_us, const uint8_t *p, size_t len,
		   struct engine_result *res)
{
	struct engine_result local;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	e->st.packets++;
	e->st.bytes += len;
	process_ip(e, ts_us, p, len, 0, res);
	count_verdict(e, res->verdict);
}

void engine_frame(struct engine *e, int dlt, int64_t ts_us, const uint8_t *p, size_t len,
		  uint32_t wire_len, struct engine_result *res)
{
	struct engine_result local;
	struct l3_view l3;
	enum parse_rc rc;

	if (!res)
		res = &local;
	if (wire_len > len)
		e->st.truncated++;
	rc = link_decap(dlt, p, len, &l3);
	if (rc == PARSE_OK) {
		engine_packet(e, ts_us, l3.p, l3.len, res);
		return;
	}
	memset(res, 0, sizeof(*res));
	e->st.packets++;
	e->st.bytes += len;
	if (rc == PARSE_NOT_MINE) {
		e->st.not_ip++;
	} else {
		e->st.undecodable++;
		res->undecodable = true;
	}
	count_verdict(e, VERDICT_ACCEPT);
}

void engine_expire(struct engine *e, int64_t now_us)
{
	flowtab_expire(e->ft, now_us);
	fragtab_expire(e->frags, now_us);
}

void engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	struct flowtab_stats fs;
	struct fragtab_stats gs;
	struct dnscache_stats ds;

	*st = e->st;
	flowtab_get_stats(e->ft, &fs);
	fragtab_get_stats(e->frags, &gs);
	dnscache_get_stats(e->learned, &ds);
	st->flows_active = fs.active;
	st->flows_evicted = fs.evicted;
	st->flows_expired = fs.expired;
	st->flow_bytes = fs.bytes;
	st->stream_bytes = e->pool.used;
	st->reasm_denied = e->pool.denied;
	st->frag_in_progress = gs.in_progress;
	st->frag_bytes = gs.bytes;
	st->frag_overlaps = gs.overlaps;
	st->frag_evicted = gs.evicted + gs.timeouts;
	st->learned_active = ds.active;
	st->learned_evicted = ds.evicted;
}
