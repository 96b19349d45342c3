// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcapout.h - `embargo replay --write-matches FILE`: the packets of every
 * flow that matched a block rule, written to a pcap file (libpcap's
 * dumper), as evidence and for Wireshark.
 *
 * Which packets: every packet of a matched flow from the packet that
 * matched on (the engine marks them: engine_result.matched), plus the
 * flow's packets before it - the handshake, the first half of a split
 * ClientHello - kept in a bounded per-flow buffer: the first
 * PCAPOUT_PRE_PACKETS packets of each flow not yet decided, at most
 * PCAPOUT_PRE_BYTES bytes for all flows together (the oldest flows'
 * buffers are given up first).  A flow that matches after more packets
 * than that has a gap between its first packets and the match; a flow the
 * engine settled as not matching loses its buffer at once.  Frames that
 * belong to no flow (ARP, fragments still being reassembled) are not
 * written.
 *
 * Link type: the output has one.  When every input file has the same link
 * type, frames are written as captured; otherwise each frame is written as
 * its IP packet (LINKTYPE_RAW, 101 in the file), the link header stripped.
 */
#ifndef EMBARGO_PCAPOUT_H
#define EMBARGO_PCAPOUT_H

#include <pcap/dlt.h>
#include <stdint.h>

#include "engine.h"

#define PCAPOUT_PRE_PACKETS 8
#define PCAPOUT_PRE_BYTES (16u << 20)
#define PCAPOUT_LINKTYPE_RAW DLT_RAW	/* libpcap's number: written as LINKTYPE_RAW (101) */

struct pcapout;

struct pcapout_stats {
	uint64_t written;		/* packets in the file */
	uint64_t early;			/* ... of them from before the match */
	uint64_t early_discarded;	/* buffered packets of flows that never matched */
	uint64_t early_evicted;		/* buffered packets given up for room */
	uint64_t not_converted;		/* frames with no IP packet for LINKTYPE_RAW */
};

/*
 * pcapout_open - create @path (truncated) for frames of link type @dlt
 * (the inputs' common link type, or PCAPOUT_LINKTYPE_RAW), microsecond
 * timestamps, snapshot length 262144.  Returns 0 or -errno with a message
 * in @err.
 */
int pcapout_open(struct pcapout **out, const char *path, int dlt, char *err, size_t errsz);

/*
 * pcapout_begin_file - the frames that follow come from a new capture file
 * of link type @dlt, with a fresh engine: the buffers of the previous
 * file's flows are discarded (flow ids start again).
 */
void pcapout_begin_file(struct pcapout *po, int dlt);

/*
 * pcapout_frame - one frame as the engine judged it (@res from
 * engine_frame).  @caplen bytes at @p captured of @len on the wire.
 */
void pcapout_frame(struct pcapout *po, int64_t ts_us, const uint8_t *p, uint32_t caplen,
		   uint32_t len, const struct engine_result *res);

/* pcapout_get_stats - the counters so far. */
void pcapout_get_stats(const struct pcapout *po, struct pcapout_stats *st);

/*
 * pcapout_close - flush and close.  Returns 0, or -EIO if any write failed
 * (the file is incomplete).  NULL is a no-op returning 0.
 */
int pcapout_close(struct pcapout *po);

#endif
