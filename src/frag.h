// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * frag.h - bounded IP fragment reassembly: IPv4 (RFC 791 §3.2) and IPv6
 * (RFC 8200 §4.5).
 *
 * A name hidden in a fragmented datagram (a DNS question split at byte 8,
 * a ClientHello cut across fragments) is only visible after reassembly, so
 * the filter puts fragments back together the way the receiving host would,
 * and refuses to guess where the host might disagree.
 *
 * Datagrams are keyed by (family, source, destination, identification) and,
 * for IPv4 only, the protocol (RFC 791 §3.2).  IPv6 leaves the protocol out
 * on purpose: RFC 8200 §4.5 keys on (source, destination, identification)
 * and lets the Next Header of later fragments differ from the first, so a
 * key with the protocol in it could be split by a sender.
 *
 * Fragments may arrive in any order.  Overlap policy (RFC 5722 §4, applied
 * to both families):
 *   - an exact duplicate (same offset, same length, same bytes) is ignored
 *     (FRAG_NEED_MORE), whatever its header says, except that a copy with
 *     MF clear still marks where the datagram ends, as it does in Linux;
 *   - any other overlap, including a fragment inside an earlier one with
 *     different bytes, discards the whole datagram (counted in `overlaps`).
 *     Linux discards on a partial overlap too, but keeps the first copy of
 *     a fully contained one; refusing that case as well means the filter
 *     never inspects bytes the receiver could have replaced.
 * A fragment that ends past 65535 bytes of payload (too_big), a non-last
 * fragment whose length is not a multiple of 8, a zero-length fragment, a
 * second last fragment with a different end, data past the announced end,
 * a header that does not fit the packet, or a packet cut short by the
 * capture discards the datagram as well.
 *
 * A discarded datagram's key is remembered for one timeout after the
 * discard: its later fragments keep returning FRAG_DROPPED, so a caller that
 * drops FRAG_DROPPED fragments keeps the receiver from completing it either.
 * A datagram evicted to respect max_bytes is remembered too (its buffers
 * are freed, the small entry stays until its own timeout or until the
 * space is needed as well).  A datagram evicted to respect max_datagrams is
 * forgotten entirely: its later fragments start a new datagram that can
 * never complete and times out.
 *
 * Memory: the table itself is a small struct plus a hash index of pointers
 * sized for @max_datagrams.  Everything else is allocated per datagram (an
 * entry, a data buffer grown up to the datagram's size, a sorted list of
 * fragment extents), counted in `bytes`, and freed on completion, expiry or
 * eviction.  `bytes` never exceeds @max_bytes after a call returns; the one
 * output buffer handed out by the last FRAG_DONE (at most 65535 + 60 bytes)
 * is not counted.
 *
 * Single-threaded: one table per thread, no locking.
 */
#ifndef EMBARGO_FRAG_H
#define EMBARGO_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "parse_ip.h"

/* Suggested defaults, same order as the Linux sysctls ipfrag_time/high_thresh. */
#define FRAG_DEFAULT_DATAGRAMS 1024
#define FRAG_DEFAULT_BYTES (4u << 20)
#define FRAG_DEFAULT_TIMEOUT_US (30 * INT64_C(1000000))

/* The largest reassembled payload (IPv4: header + payload <= 65535). */
#define FRAG_MAX_PAYLOAD 65535u

struct fragtab;

/*
 * fragtab_new - a table holding at most @max_datagrams entries (in-progress
 * datagrams plus remembered discarded keys; 1 .. 1<<20) and at most
 * @max_bytes of per-datagram memory; an entry older than @timeout_us (> 0)
 * is dropped.  Returns NULL with errno EINVAL (bad limits) or ENOMEM.
 * Free with fragtab_free().
 */
struct fragtab *fragtab_new(size_t max_datagrams, size_t max_bytes, int64_t timeout_us);

/* fragtab_free - free @t and everything it holds, the last output included.  NULL is a no-op. */
void fragtab_free(struct fragtab *t);

enum frag_rc {
	FRAG_NEED_MORE,		/* stored (or an exact duplicate): wait for the rest */
	FRAG_DONE,		/* the datagram is complete: see *out */
	FRAG_DROPPED,		/* discarded now, or earlier (remembered key) */
};

/*
 * fragtab_add - feed one fragment.
 *
 * @ip is ip_parse()'s view of @pkt/@len, the whole IP packet the fragment
 * came in; its version and addresses are used, and the fragmentation fields
 * are re-read from @pkt (the IPv6 Fragment header must be located exactly,
 * which ip_info does not record).  @now_us is the packet time; entries are
 * expired against it first, so a stale datagram never merges with a new
 * one.  Time may go backwards (pcap files); entries then just live longer.
 *
 * FRAG_DONE: *@out and *@outlen give a reassembled, unfragmented IP packet:
 *   IPv4: the offset-0 fragment's header (options kept) with Total Length
 *         fixed, MF and offset cleared (DF kept) and the checksum recomputed,
 *         then the payload;
 *   IPv6: the offset-0 fragment's 40-byte header with Payload Length fixed
 *         and Next Header set to its Fragment header's Next Header, then the
 *         payload.  Extension headers in front of the Fragment header
 *         (Hop-by-Hop, Routing, Destination Options) are dropped; those
 *         after it are part of the payload and kept.
 * The buffer belongs to the table and stays valid until the next
 * fragtab_add(), fragtab_expire() or fragtab_free() on @t returns.  @pkt may
 * point into it (a fragment inside a reassembled tunnel packet): it is
 * released only after the fragment has been read.
 *
 * A packet that is not a fragment at all (IPv4 MF clear and offset 0; an
 * IPv6 "atomic fragment", RFC 6946) never touches the table: FRAG_DONE with
 * the packet rebuilt as above, even if a datagram with the same key is in
 * progress.
 *
 * FRAG_DROPPED: the fragment belongs to a discarded datagram (see the policy
 * above) or could not be stored within the limits; nothing of it is kept.
 * *@out and *@outlen are set only on FRAG_DONE.  Nothing else can fail:
 * running out of memory discards the datagram (counted in `evicted`).
 */
enum frag_rc fragtab_add(struct fragtab *t, const struct ip_info *ip, const uint8_t *pkt,
			 size_t len, int64_t now_us, const uint8_t **out, size_t *outlen);

/*
 * fragtab_expire - remove every entry created (or discarded) at or before
 * @now_us - timeout.  Returns how many entries were removed, incomplete
 * datagrams and remembered keys alike; only the former count as `timeouts`.
 */
size_t fragtab_expire(struct fragtab *t, int64_t now_us);

struct fragtab_stats {
	uint64_t fragments;	/* fragments fed to fragtab_add() */
	uint64_t completed;	/* datagrams reassembled (FRAG_DONE, atomic ones included) */
	uint64_t timeouts;	/* incomplete datagrams expired */
	uint64_t evicted;	/* incomplete datagrams pushed out by max_datagrams/max_bytes,
				 * or refused because they alone would not fit or
				 * memory ran out */
	uint64_t overlaps;	/* datagrams discarded for a conflicting overlap */
	uint64_t too_big;	/* datagrams discarded for exceeding 65535 bytes */
	uint64_t dropped;	/* fragments answered FRAG_DROPPED, for any reason */
	size_t in_progress;	/* incomplete datagrams held now */
	size_t bytes;		/* memory held now, all entries */
	size_t max_bytes;	/* the limit */
	size_t remembered;	/* discarded keys held now (not in in_progress) */
};

/* fragtab_get_stats - copy the counters into @st. */
void fragtab_get_stats(const struct fragtab *t, struct fragtab_stats *st);

#endif
