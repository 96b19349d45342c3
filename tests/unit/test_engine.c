// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_engine.c - engine_set_blocklist (a reload) with flows in the table:
 * a TLS flow matched by its SNI and a TCP flow matched by its server's
 * prefix, both before the enforcement instant (logged, accepted), keep
 * their match across a reload to a fresh copy of the list (the old one is
 * freed at once, so AddressSanitizer sees any pointer left into it) and
 * are dropped once the instant passes, with no name in those packets.  A
 * reload to a list that no longer has the entries unmatches them; one that
 * moves the entry to a section with a later date defers the cut to it.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "blocklist.h"
#include "engine.h"
#include "pktbuild.h"
#include "tap.h"
#include "util.h"

/* The instant of the lists: 2024-09-29T04:00:00Z. */
#define INSTANT (INT64_C(1727582400) * USEC_PER_SEC)
#define HOUR (INT64_C(3600) * USEC_PER_SEC)

#define LIST \
	"@list t\n@category update\n@enforce 2024-09-29T00:00:00-04:00\n@action drop\n" \
	"upd.kaspersky.com\n203.0.113.0/24\n"
#define LIST_OTHER \
	"@list t\n@category update\n@enforce 2024-09-29T00:00:00-04:00\n@action drop\n" \
	"other.example\n"
#define LIST_LATER \
	"@list t\n@category update\n@enforce 2024-09-29T00:00:00-04:00\n@action drop\n" \
	"other.example\n" \
	"@list t\n@category later\n@enforce 2025-01-01T00:00:00Z\n@action drop\n" \
	"upd.kaspersky.com\n203.0.113.0/24\n"

#define CLIENT 0xc0000202u	/* 192.0.2.2 */
#define SERVER 0xc6336402u	/* 198.51.100.2 */
#define LISTED 0xcb007105u	/* 203.0.113.5 */

static struct engine *eng;
static struct engine_result res;
static unsigned n_events;
static uint16_t port = 40000;	/* the TLS flow's client port; the other's is +1 */

static void on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	(void)ev;
	n_events++;
}

static enum verdict send_tcp(int64_t t, uint32_t dst, uint16_t sport, uint32_t seq,
			     uint8_t flags, const uint8_t *data, size_t len)
{
	engine_packet(eng, t, pkt, tcp_pkt(CLIENT, sport, dst, 443, seq, flags, data, len), &res);
	return res.verdict;
}

/* Data on both flows at @t: the verdicts of the TLS flow and the prefix flow. */
static void data_at(int64_t t, uint32_t *seq, enum verdict *tls, enum verdict *net)
{
	static const uint8_t appdata[] = { 23, 3, 3, 0, 4, 1, 2, 3, 4 };

	*tls = send_tcp(t, SERVER, port, *seq, TCP_ACK_F | TCP_PSH, appdata, sizeof(appdata));
	*net = send_tcp(t, LISTED, port + 1, *seq, TCP_ACK_F | TCP_PSH, appdata, sizeof(appdata));
	*seq += sizeof(appdata);
}

/* Two new flows matched before the instant: SYN, then a hello or data. */
static uint32_t open_flows(int64_t t)
{
	uint8_t h[512];
	size_t n = hello(h, "upd.kaspersky.com", 0, 0);
	unsigned before = n_events;

	port += 2;
	send_tcp(t, SERVER, port, 1000, TCP_SYN_F, NULL, 0);
	send_tcp(t, LISTED, port + 1, 1000, TCP_SYN_F, NULL, 0);
	ok(send_tcp(t, SERVER, port, 1001, TCP_ACK_F | TCP_PSH, h, n) == VERDICT_ACCEPT &&
		   res.matched,
	   "before the instant: the hello matches and passes");
	ok(n_events > before, "  a match event");
	return 1001 + (uint32_t)n;
}

/*
 * The ruleset lets flows marked accept skip the queue before its DNS rules,
 * so a DNS connection must never be accepted for good, even when its
 * reassembly gives up (here: no reassembly memory at all); any other flow
 * whose stream gives up is.  A DNS query longer than the stream cap can
 * never be read: its connection is dropped.
 */
static void test_dns_tcp_limits(const struct blocklist *bl)
{
	struct engine_opts o = { .bl = bl, .stream_cap = 1024, .stream_mem = 1 };
	uint8_t big[1400];
	struct engine_stats st;

	eng = engine_new(&o);
	if (!ok(eng != NULL, "engine with a 1 KiB stream cap, no reassembly memory"))
		return;
	memset(big, 'x', sizeof(big));
	big[0] = 0x00;			/* DNS over TCP: a 100-byte message, sent in two */
	big[1] = 100;
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41000, SERVER, 53, 1, TCP_SYN_F, NULL, 0),
		      &res);
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41000, SERVER, 53, 2, TCP_ACK_F, big, 50),
		      &res);
	ok(res.verdict == VERDICT_ACCEPT && !res.flow_final,
	   "DNS over TCP, no memory to reassemble: passes, never final");
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41001, SERVER, 443, 1, TCP_SYN_F, NULL, 0),
		      &res);
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41001, SERVER, 443, 2, TCP_ACK_F, big, 700),
		      &res);
	ok(res.verdict == VERDICT_ACCEPT && res.flow_final,
	   "neither TLS nor HTTP on 443: accepted for good (final)");
	big[0] = 0x10;			/* a 4096-byte query: over the 1 KiB cap */
	big[1] = 0x00;
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41002, SERVER, 53, 1, TCP_SYN_F, NULL, 0),
		      &res);
	engine_packet(eng, INSTANT, pkt, tcp_pkt(CLIENT, 41002, SERVER, 53, 2, TCP_ACK_F, big, 700),
		      &res);
	ok(res.verdict == VERDICT_DROP && res.flow_final,
	   "DNS query longer than the stream cap: the connection is dropped");
	engine_get_stats(eng, &st);
	is_int(1, (long long)st.ambiguous, "  counted as ambiguous");
	engine_free(eng);
}

/* reload - the engine moves to a list loaded from @text; the old one is freed at once. */
static void reload(struct blocklist **bl, const char *text)
{
	struct blocklist *n = load_blocklist_text(text);

	engine_set_blocklist(eng, n);
	blocklist_free(*bl);
	*bl = n;
}

int main(void)
{
	struct engine_opts o = { .on_event = on_event };
	struct blocklist *bl = load_blocklist_text(LIST);
	enum verdict tls, net;
	uint32_t seq;

	if (!ok(bl != NULL, "list loaded"))
		return done_testing();
	o.bl = bl;
	eng = engine_new(&o);
	if (!ok(eng != NULL, "engine_new"))
		return done_testing();

	/* A reload to a copy of the same list, before the instant. */
	seq = open_flows(INSTANT - HOUR);
	data_at(INSTANT - HOUR + 1, &seq, &tls, &net);
	ok(tls == VERDICT_ACCEPT && net == VERDICT_ACCEPT, "before the instant: data passes");
	reload(&bl, LIST);
	data_at(INSTANT - HOUR + 2, &seq, &tls, &net);
	ok(tls == VERDICT_ACCEPT && net == VERDICT_ACCEPT && res.matched,
	   "after a reload, still before the instant: data passes, the flow still matched");
	data_at(INSTANT + 1, &seq, &tls, &net);
	is_int(VERDICT_DROP, tls, "the instant passes after the reload: the TLS flow is cut");
	is_int(VERDICT_DROP, net, "  and the flow to a listed prefix");

	/* A reload to a list without the entries: the flows are no longer matched. */
	seq = open_flows(INSTANT - HOUR);
	reload(&bl, LIST_OTHER);
	data_at(INSTANT + 2, &seq, &tls, &net);
	ok(tls == VERDICT_ACCEPT && net == VERDICT_ACCEPT && !res.matched,
	   "entries gone from the new list: data passes after the instant, unmatched");

	/* The entries moved to a section with a later date: cut at that date. */
	reload(&bl, LIST);
	seq = open_flows(INSTANT - HOUR);
	reload(&bl, LIST_LATER);
	data_at(INSTANT + 3, &seq, &tls, &net);
	ok(tls == VERDICT_ACCEPT && net == VERDICT_ACCEPT && res.matched,
	   "entry moved to a later date: passes after the old instant, still matched");
	data_at(INT64_C(1735689600) * USEC_PER_SEC + 1, &seq, &tls, &net);
	ok(tls == VERDICT_DROP && net == VERDICT_DROP, "  cut at the new section's date");

	engine_free(eng);
	test_dns_tcp_limits(bl);
	blocklist_free(bl);
	return done_testing();
}
