// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_flood.c - the engine (src/engine.h) under a flood, with small caps:
 * 100k half-open TCP flows (SYN only), 50k flows each sending the first
 * 1000 bytes of a 15 kB ClientHello that never completes (half of them also
 * a segment 14000 bytes ahead, so their reassembly buffers grow to the
 * 16 KiB stream cap), 20k IPv4
 * fragment trains that never complete, and 30k garbage packets, all
 * interleaved at random.  Every few hundred flood packets a legitimate
 * flow arrives, in turn:
 *
 *   dns    a UDP query for a blocked name
 *   tls    SYN, flood, a ClientHello with a blocked SNI in one segment
 *   split  SYN, flood, the first 1000 bytes of a 1.6 kB hello, flood, the
 *          rest (the post-quantum hello of current browsers is this size)
 *   frag   a UDP query for a blocked name in two IPv4 fragments, flood
 *          between them
 *
 * and must be decided: its event (a match for its own name, enforced) and
 * a DROP verdict on the packet that completes its name, the packets being
 * dated after the enforcement instant.
 *
 * Throughout the flood the engine's memory stays within its caps
 * (engine_get_stats: flows_active <= max_flows, stream_bytes <= stream_mem,
 * frag_bytes <= frag_mem), the caps are actually reached (evictions and
 * refused reassembly memory are counted), and the process RSS grows by
 * less than the caps plus a fixed margin (not asserted under
 * AddressSanitizer, whose shadow memory and quarantine dwarf the caps).
 *
 * Packets are built here byte by byte (IPv4, TCP, UDP, TLS, DNS); the
 * engine verifies no checksum but the IPv4 header's is filled anyway.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocklist.h"
#include "engine.h"
#include "pktbuild.h"
#include "tap.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define MAX_FLOWS 1024
#define STREAM_MEM (1u << 20)
#define FRAG_MAX 64
#define FRAG_MEM (256u << 10)
#define LEARNED_MAX 128
#define RSS_MARGIN (8u << 20)

#define N_SYN 100000
#define N_HELLO 50000
#define N_FRAG 20000
#define N_GARBAGE 30000
#define N_LEGIT 300
#define GAP 200			/* flood units inside a legitimate exchange */

/* 2024-10-01T12:00:00Z, after the list's 2024-09-29T04:00:00Z instant. */
#define T0 (INT64_C(1727784000) * USEC_PER_SEC)

#define BLOCKLIST \
	"@list flood\n" \
	"@category update\n" \
	"@enforce 2024-09-29T00:00:00-04:00\n" \
	"@action drop\n" \
	"upd.kaspersky.com\n"

static int64_t now_us = T0;

/* ---- the engine and what it reports ------------------------------------ */

static struct engine *eng;
static struct engine_result res;
static uint64_t n_packets;

static struct {
	unsigned n;
	char name[256];
	enum event_type type;
	enum app_proto app;
	bool enforced;
	enum action action;
	uint64_t flow_id;
} last_ev;

static struct {
	uint64_t flows, stream, frag;
} peak;

static void on_event(void *ctx, const struct event *ev)
{
	size_t max = sizeof(last_ev.name) - 1;
	size_t n = ev->name_len < max ? ev->name_len : max;

	(void)ctx;
	last_ev.n++;
	memcpy(last_ev.name, ev->name ? ev->name : "", ev->name ? n : 0);
	last_ev.name[ev->name ? n : 0] = '\0';
	last_ev.type = ev->type;
	last_ev.app = ev->app;
	last_ev.enforced = ev->decision.enforced;
	last_ev.action = ev->decision.action;
	last_ev.flow_id = ev->flow_id;
}

static void feed(size_t len)
{
	struct engine_stats st;

	now_us++;
	n_packets++;
	engine_packet(eng, now_us, pkt, len, &res);
	engine_get_stats(eng, &st);
	if (st.flows_active > peak.flows)
		peak.flows = st.flows_active;
	if (st.stream_bytes > peak.stream)
		peak.stream = st.stream_bytes;
	if (st.frag_bytes > peak.frag)
		peak.frag = st.frag_bytes;
}

/* ---- the flood ----------------------------------------------------------- */

static unsigned left_syn = N_SYN, left_hello = N_HELLO, left_frag = N_FRAG,
		left_garbage = N_GARBAGE;

/* Attackers: 10.0.0.0/8 to 198.51.100.0/24, random ports. */
static uint32_t attacker(void)
{
	return 0x0a000000u | (uint32_t)(rnd() & 0xffffff);
}

static uint32_t victim(void)
{
	return 0xc6336400u | (uint32_t)(rnd() & 0x7f);
}

static void flood_syn(void)
{
	feed(tcp_pkt(attacker(), (uint16_t)(1024 + rnd() % 60000), victim(), 443,
		     (uint32_t)rnd(), TCP_SYN_F, NULL, 0));
}

/*
 * A hello prefix: the first 1000 bytes of a 15 kB hello; every other flow
 * also sends the 1000 bytes at 14000, so its buffer grows to the stream cap.
 */
static void flood_hello(unsigned i)
{
	static uint8_t buf[16384];
	static size_t n;
	uint32_t src = attacker(), dst = victim(), isn = (uint32_t)rnd();
	uint16_t sport = (uint16_t)(1024 + rnd() % 60000);

	if (!n)
		n = hello(buf, "never.example.com", 15000, 0);
	feed(tcp_pkt(src, sport, dst, 443, isn, TCP_SYN_F, NULL, 0));
	feed(tcp_pkt(src, sport, dst, 443, isn + 1, TCP_ACK_F | TCP_PSH, buf, 1000));
	if (i & 1)
		feed(tcp_pkt(src, sport, dst, 443, isn + 1 + 14000, TCP_ACK_F | TCP_PSH,
			     buf + 14000, 1000));
}

/* The first two fragments of a 3000-byte UDP datagram; the last never comes. */
static void flood_frag(void)
{
	static uint8_t data[1480];
	uint32_t src = attacker(), dst = victim();
	uint16_t id = (uint16_t)rnd();
	uint8_t *p;

	memset(data, 0xa5, sizeof(data));
	p = ip4(pkt, src, dst, IPPROTO_UDP, sizeof(data), id, 0x2000);
	memcpy(p, data, sizeof(data));
	feed(20 + sizeof(data));
	p = ip4(pkt, src, dst, IPPROTO_UDP, sizeof(data), id, 0x2000 | (1480 / 8));
	memcpy(p, data, sizeof(data));
	feed(20 + sizeof(data));
}

/* Random bytes, mostly with an IPv4 or IPv6 version nibble. */
static void flood_garbage(void)
{
	size_t len = 1 + rnd() % 300;

	for (size_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)rnd();
	if (rnd() % 4)
		pkt[0] = (uint8_t)((rnd() & 1 ? 0x40 : 0x60) | (pkt[0] & 0x0f));
	feed(len);
}

/* @n flood units, each kind drawn in proportion to what is left of it. */
static void flood(unsigned n)
{
	while (n--) {
		unsigned total = left_syn + left_hello + left_frag + left_garbage, r;

		if (!total)
			return;
		r = (unsigned)(rnd() % total);
		if (r < left_syn) {
			left_syn--;
			flood_syn();
		} else if ((r -= left_syn) < left_hello) {
			flood_hello(left_hello--);
		} else if ((r -= left_hello) < left_frag) {
			left_frag--;
			flood_frag();
		} else {
			left_garbage--;
			flood_garbage();
		}
	}
}

/* ---- legitimate flows ------------------------------------------------- */

enum legit_kind { L_DNS, L_TLS, L_SPLIT, L_FRAG, L_KINDS };
static const char *const kind_name[L_KINDS] = { "dns", "tls", "split", "fragmented dns" };
static unsigned decided[L_KINDS], tried[L_KINDS], reported;

/* Did the last packet decide the flow for @name? */
static bool was_decided(const char *name, unsigned events_before)
{
	return last_ev.n > events_before && last_ev.type == EV_MATCH &&
	       strcmp(last_ev.name, name) == 0 && last_ev.enforced &&
	       last_ev.action == ACTION_DROP && res.verdict == VERDICT_DROP &&
	       last_ev.flow_id == res.flow_id;
}

static void legit(unsigned i)
{
	static uint8_t buf[2048];
	enum legit_kind k = (enum legit_kind)(i % L_KINDS);
	uint32_t src = 0xc0000200u | (i % 200 + 1), dst = 0xc63364c8u;	/* 198.51.100.200 */
	uint16_t sport = (uint16_t)(20000 + i);
	uint32_t isn = 0x1000u * i;
	char name[64];
	unsigned before;
	size_t n;

	snprintf(name, sizeof(name), "s%03u.upd.kaspersky.com", i);
	tried[k]++;
	if (k == L_DNS) {
		n = dns_query(buf, (uint16_t)i, name);
		before = last_ev.n;
		feed(udp_pkt(src, sport, 0xc6336435u, 53, buf, n));
	} else if (k == L_FRAG) {
		/* UDP header and 8 bytes of DNS, flood, the rest of the datagram. */
		uint8_t *p;

		n = dns_query(buf + 8, (uint16_t)i, name);
		put16(put16(put16(put16(buf, sport), 53), (uint16_t)(8 + n)), 0);
		p = ip4(pkt, src, 0xc6336435u, IPPROTO_UDP, 16, (uint16_t)i, 0x2000);
		memcpy(p, buf, 16);
		feed(36);
		flood(GAP / 4);
		p = ip4(pkt, src, 0xc6336435u, IPPROTO_UDP, n - 8, (uint16_t)i, 16 / 8);
		memcpy(p, buf + 16, n - 8);
		before = last_ev.n;
		feed(20 + n - 8);
	} else {
		n = hello(buf, name, k == L_SPLIT ? 1500 : 200, 0);
		feed(tcp_pkt(src, sport, dst, 443, isn, TCP_SYN_F, NULL, 0));
		flood(GAP);
		feed(tcp_pkt(src, sport, dst, 443, isn + 1, TCP_ACK_F, NULL, 0));
		before = last_ev.n;
		if (k == L_SPLIT) {
			uint8_t fl = TCP_ACK_F | TCP_PSH;

			feed(tcp_pkt(src, sport, dst, 443, isn + 1, fl, buf, 1000));
			flood(GAP);
			before = last_ev.n;
			feed(tcp_pkt(src, sport, dst, 443, isn + 1001, fl, buf + 1000, n - 1000));
		} else {
			feed(tcp_pkt(src, sport, dst, 443, isn + 1, TCP_ACK_F | TCP_PSH, buf, n));
		}
	}
	if (was_decided(name, before)) {
		decided[k]++;
	} else if (reported++ < 10) {
		diag("legit %s flow %s not decided: verdict %d, last event %s \"%s\" (%u events)",
		     kind_name[k], name, res.verdict, last_ev.type == EV_MATCH ? "match" : "name",
		     last_ev.name, last_ev.n - before);
	}
}

/* ---- memory ------------------------------------------------------------- */

/* VmRSS of this process in bytes, or 0 if /proc is not readable. */
static uint64_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

static struct blocklist *load_blocklist(void)
{
	return load_blocklist_text(BLOCKLIST);
}

int main(void)
{
	struct engine_opts o = {
		.max_flows = MAX_FLOWS,
		.stream_mem = STREAM_MEM,
		.frag_max = FRAG_MAX,
		.frag_mem = FRAG_MEM,
		.learned_max = LEARNED_MAX,
		.on_event = on_event,
	};
	struct engine_stats st;
	struct blocklist *bl = load_blocklist();
	uint64_t rss0, rss1, budget;

	if (!ok(bl != NULL, "blocklist loaded from a temporary file"))
		return done_testing();
	o.bl = bl;
	rss0 = rss_bytes();
	eng = engine_new(&o);
	if (!ok(eng != NULL, "engine_new with small caps")) {
		blocklist_free(bl);
		return done_testing();
	}

	for (unsigned i = 0; i < N_LEGIT; i++) {
		flood((N_SYN + N_HELLO + N_FRAG + N_GARBAGE) / N_LEGIT - 2 * GAP);
		legit(i);
	}
	flood(~0u);
	ok(!left_syn && !left_hello && !left_frag && !left_garbage, "the whole flood was sent");
	for (int k = 0; k < L_KINDS; k++)
		ok(decided[k] == tried[k], "%u/%u legitimate %s flows decided (match, DROP)",
		   decided[k], tried[k], kind_name[k]);

	engine_get_stats(eng, &st);
	rss1 = rss_bytes();
	diag("%llu packets: %llu flows, %llu evicted; peak flows %llu, stream %llu B, "
	     "frag %llu B", (unsigned long long)st.packets, (unsigned long long)st.flows,
	     (unsigned long long)st.flows_evicted, (unsigned long long)peak.flows,
	     (unsigned long long)peak.stream, (unsigned long long)peak.frag);
	diag("reasm: %llu gave up, %llu refused by the pool, %llu nomem; frag: %llu dropped, "
	     "%llu evicted; undecodable %llu", (unsigned long long)st.reasm_gave_up,
	     (unsigned long long)st.reasm_denied, (unsigned long long)st.reasm_nomem,
	     (unsigned long long)st.fragments_dropped, (unsigned long long)st.frag_evicted,
	     (unsigned long long)st.undecodable);
	is_int(n_packets, st.packets, "every packet counted");
	ok(peak.flows <= MAX_FLOWS && st.flows_active <= MAX_FLOWS,
	   "flows_active <= max_flows throughout (peak %llu)", (unsigned long long)peak.flows);
	ok(peak.stream <= STREAM_MEM && st.stream_bytes <= STREAM_MEM,
	   "stream_bytes <= stream_mem throughout (peak %llu)", (unsigned long long)peak.stream);
	ok(peak.frag <= FRAG_MEM && st.frag_bytes <= FRAG_MEM,
	   "frag_bytes <= frag_mem throughout (peak %llu)", (unsigned long long)peak.frag);
	ok(st.flows_evicted > 0, "flow evictions counted (%llu)",
	   (unsigned long long)st.flows_evicted);
	ok(st.frag_evicted > 0, "fragment evictions counted (%llu)",
	   (unsigned long long)st.frag_evicted);
	ok(st.reasm_denied > 0 && peak.stream > STREAM_MEM / 2,
	   "the stream budget was under pressure (%llu refusals)",
	   (unsigned long long)st.reasm_denied);
	ok(st.undecodable > 0, "garbage counted as undecodable (%llu)",
	   (unsigned long long)st.undecodable);

	budget = STREAM_MEM + FRAG_MEM + st.flow_bytes + RSS_MARGIN;
	diag("RSS %llu kB before, %llu kB after: +%llu kB (caps + flow table + margin: %llu kB)",
	     (unsigned long long)(rss0 >> 10), (unsigned long long)(rss1 >> 10),
	     (unsigned long long)((rss1 > rss0 ? rss1 - rss0 : 0) >> 10),
	     (unsigned long long)(budget >> 10));
	if (UNDER_ASAN || !rss0 || !rss1)
		ok(1, "# SKIP RSS growth not meaningful here (sanitizer or no /proc)");
	else
		ok(rss1 - (rss1 > rss0 ? rss0 : rss1) < budget,
		   "RSS grew less than the caps + 8 MiB");

	engine_free(eng);
	blocklist_free(bl);
	return done_testing();
}
