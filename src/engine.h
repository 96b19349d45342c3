// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.h - the per-packet pipeline shared by replay and the live daemon:
 * decode -> flow -> extract names -> match -> policy -> verdict and events.
 *
 * An engine is single-threaded: one per capture file or per queue thread.
 * The blocklist is borrowed: the caller keeps it alive until it swaps in
 * another with engine_set_blocklist() and no engine_* call is running.
 */
#ifndef EMBARGO_ENGINE_H
#define EMBARGO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blocklist.h"
#include "event.h"

struct engine;

typedef void event_fn(void *ctx, const struct event *ev);

/* What to do with a connection to an address learned from a blocked name. */
enum learned_policy {
	LEARNED_DEFAULT = 0,		/* the engine's default for the case */
	LEARNED_OFF,			/* ignore */
	LEARNED_LOG,			/* event with action "log", no verdict */
	LEARNED_ENFORCE,		/* the blocked name's own decision */
};

struct engine_opts {
	const struct blocklist *bl;
	bool report_all;		/* emit EV_NAME for unmatched names */
	bool use_as_of;			/* evaluate policy at as_of_us ... */
	int64_t as_of_us;		/* ... instead of the packet time */
	size_t max_flows;		/* flow table cap (0: default 65536;
					 * below 16 reads as 16) */
	uint32_t flow_timeout_s;	/* idle timeout (0: default 120 s) */
	uint32_t stream_cap;		/* client bytes reassembled per flow (0: 16 KiB) */
	size_t stream_mem;		/* all reassembly buffers together (0: 32 MiB) */
	size_t frag_max;		/* IP datagrams in reassembly (0: 1024) */
	size_t frag_mem;		/* bytes of IP fragments held (0: 4 MiB) */
	size_t learned_max;		/* addresses learned from DNS answers (0: 8192) */
	/*
	 * Connections to learned addresses: without a name (default: log, since
	 * CDN addresses are shared), and TLS/QUIC hellos with ECH whose outer
	 * name is not blocked (default: enforce, the address is the only
	 * evidence left).
	 */
	enum learned_policy learned_ip, learned_ech;
	event_fn *on_event;		/* may be NULL */
	void *ctx;
};

/* The verdict for one packet. */
enum verdict {
	VERDICT_ACCEPT = 0,
	VERDICT_DROP,
	VERDICT_REJECT,			/* see engine_result.reject_dns */
};

struct engine_result {
	enum verdict verdict;
	bool flow_final;		/* the flow's fate is settled: later packets
					 * of it need not be inspected (conntrack
					 * mark) */
	bool matched;			/* the flow matched a block rule */
	bool reject_dns;		/* REJECT of a DNS query: answer NXDOMAIN */
	bool undecodable;		/* the packet could not be decoded */
	uint64_t flow_id;		/* 0 when the packet belongs to no flow */
};

/* engine_new - NULL on allocation failure (errno set). */
struct engine *engine_new(const struct engine_opts *o);
void engine_free(struct engine *e);
void engine_set_blocklist(struct engine *e, const struct blocklist *bl);
/* engine_set_as_of - change the policy clock (use: false = packet time). */
void engine_set_as_of(struct engine *e, bool use, int64_t as_of_us);

/*
 * engine_frame - process one captured frame of link type @dlt (pcap).
 * engine_packet - process one IP packet (NFQUEUE: starts at the IP header).
 * Both fill @res (may be NULL) and call on_event for each new event.
 */
void engine_frame(struct engine *e, int dlt, int64_t ts_us, const uint8_t *p, size_t len,
		  uint32_t wire_len, struct engine_result *res);
void engine_packet(struct engine *e, int64_t ts_us, const uint8_t *p, size_t len,
		   struct engine_result *res);

/* engine_expire - drop flows idle since before @now_us - timeout. */
void engine_expire(struct engine *e, int64_t now_us);

struct engine_stats {
	uint64_t packets, bytes;
	uint64_t undecodable;		/* link/IP/L4 errors */
	uint64_t not_ip;		/* frames carrying no IP (ARP, ...) */
	uint64_t truncated;		/* captured shorter than on the wire */
	uint64_t parse_err_dns, parse_err_tls, parse_err_http, parse_err_quic;
	uint64_t names, matches, events;
	uint64_t flows, flows_active, flows_evicted, flows_expired;
	uint64_t verdict_accept, verdict_drop, verdict_reject;
	uint64_t fragments, fragments_dropped, tunneled;
	uint64_t ambiguous;		/* dropped: a receiver could read what
					 * the filter cannot (two Fragment
					 * headers, nesting past the limit) */
	uint64_t reasm_segments, reasm_conflicts, reasm_gave_up, reasm_nomem, reasm_denied;
	uint64_t reasm_evicted;		/* streams given up to make room */
	uint64_t frag_in_progress, frag_bytes, frag_overlaps, frag_evicted;
	uint64_t learned_active, learned_evicted;
	uint64_t flow_bytes, stream_bytes;	/* memory held now */
};
void engine_get_stats(const struct engine *e, struct engine_stats *st);

#endif
