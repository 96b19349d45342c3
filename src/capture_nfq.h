// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture_nfq.h - one NFQUEUE queue through libnetfilter_queue's libmnl API.
 *
 * The capture layer knows nothing about names or policy: it hands each
 * queued packet to a callback, collects the verdict the callback chose and
 * sends it back to the kernel, batching plain accepts.  Every packet the
 * kernel hands over gets exactly one verdict, also when its message is
 * damaged (then the error verdict: drop if error_drop, else accept).
 *
 * A struct capture_nfq is used by one thread at a time.  Opening needs
 * CAP_NET_ADMIN (the kernel checks it on every nfnetlink message, verdicts
 * included, so keep it after dropping privileges).
 */
#ifndef EMBARGO_CAPTURE_NFQ_H
#define EMBARGO_CAPTURE_NFQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct capture_nfq;

struct capture_nfq_opts {
	uint16_t queue;			/* queue number (nft "queue num") */
	uint32_t queue_maxlen;		/* packets the kernel may hold for us */
	uint64_t rcvbuf;		/* socket receive buffer, bytes (forced) */
	bool fail_open;			/* NFQA_CFG_F_FAIL_OPEN: accept, not drop,
					 * what does not fit in the queue */
	uint32_t batch;			/* plain accepts per batch verdict (>= 1) */
	bool error_drop;		/* verdict for a damaged message: drop
					 * (else accept); error_verdict */
};

/* One queued packet, valid only during the callback. */
struct capture_pkt {
	uint32_t id;			/* kernel packet id */
	uint16_t hw_proto;		/* ETH_P_IP / ETH_P_IPV6 (host order) */
	uint8_t hook;			/* NF_INET_* hook it was queued at */
	const uint8_t *data;		/* from the IP header on; NULL if no payload */
	size_t len;			/* bytes at @data */
	uint32_t wire_len;		/* packet length before the copy range cut */
	uint32_t mark;			/* skb mark (0 when the kernel sent none) */
	uint32_t skb_info;		/* NFQA_SKB_* flags (GSO, CSUMNOTREADY) */
	uint32_t indev, outdev;		/* ifindex, 0 = none */
	int64_t now_us;			/* CLOCK_REALTIME when the message was read */
};

enum capture_action {
	CAPTURE_ACCEPT = 0,
	CAPTURE_DROP,
	CAPTURE_REPEAT,			/* NF_REPEAT: run the hook again (with the
					 * new mark, for rules that act on it) */
};

/* The callback's answer; preset to accept with the mark unchanged. */
struct capture_verdict {
	enum capture_action action;
	bool set_mark;			/* replace the skb mark with @mark */
	uint32_t mark;
};

typedef void capture_fn(void *ctx, const struct capture_pkt *pkt, struct capture_verdict *v);

/*
 * capture_nfq_open - create a netlink socket, size its receive buffer
 * (SO_RCVBUFFORCE, falling back to SO_RCVBUF), set NETLINK_NO_ENOBUFS, bind
 * @o->queue and configure it in one acknowledged message: copy whole
 * packets (0xffff bytes), queue_maxlen, NFQA_CFG_F_GSO and fail-open on or
 * off.  Packets that race the configuration are sent back through the hook
 * (NF_REPEAT) so they are queued again, fully configured.
 * Returns 0 and *out, or a negative errno with a message in @err.
 */
int capture_nfq_open(struct capture_nfq **out, const struct capture_nfq_opts *o, char *err,
		     size_t errsz);

/* capture_nfq_fd - the socket to poll for input. */
int capture_nfq_fd(const struct capture_nfq *q);

/*
 * capture_nfq_dispatch - read queued packets without blocking and call @fn
 * for each, until the socket has nothing more (recv -> EAGAIN) or @budget
 * packets were handled; pending verdicts are always sent before returning,
 * so a caller about to sleep leaves no packet waiting.
 * Returns the number of packets handled, or a negative errno for a socket
 * error other than EAGAIN/EINTR/ENOBUFS (ENOBUFS is counted, never fatal).
 */
int capture_nfq_dispatch(struct capture_nfq *q, unsigned budget, capture_fn *fn, void *ctx);

/*
 * capture_nfq_close - unbind the queue and close the socket.  Call
 * capture_nfq_dispatch() until it returns 0 first: packets still in the
 * kernel queue at unbind are dropped by the kernel.  NULL is a no-op.
 */
void capture_nfq_close(struct capture_nfq *q);

struct capture_nfq_stats {
	uint64_t packets;		/* packet messages received */
	uint64_t bytes;			/* payload bytes received */
	uint64_t enobufs;		/* recv() reported ENOBUFS (messages lost) */
	uint64_t recv_errors;		/* other recv() failures */
	uint64_t malformed;		/* damaged messages (fail verdict given) */
	uint64_t lost_id;		/* damaged beyond the packet id: no verdict possible */
	uint64_t no_payload;		/* packet messages without NFQA_PAYLOAD */
	uint64_t cap_truncated;		/* packets longer than the copy range */
	uint64_t gso;			/* NFQA_SKB_GSO packets */
	uint64_t csum_notready;		/* NFQA_SKB_CSUMNOTREADY packets */
	uint64_t accepted, dropped;	/* verdicts */
	uint64_t repeated;		/* NF_REPEAT verdicts (raced included) */
	uint64_t marked;		/* verdicts that set a mark */
	uint64_t verdict_msgs;		/* verdict messages sent */
	uint64_t batch_msgs;		/* ... of which batch verdicts */
	uint64_t send_calls;		/* sendto() calls for verdicts */
	uint64_t send_errors;		/* verdict buffers lost after retries */
	uint64_t kernel_errors;		/* error replies from the kernel */
	uint64_t raced;			/* packets that raced set-up (NF_REPEAT) */
	uint64_t undelivered;		/* ids the kernel numbered that never arrived:
					 * our socket buffer was full; passed with
					 * fail_open, dropped without */
};

void capture_nfq_get_stats(const struct capture_nfq *q, struct capture_nfq_stats *st);

/*
 * capture_nfq_id_gap - packets missed between the last id seen @last and
 * the next one @id (the kernel numbers a queue's packets consecutively,
 * wrapping at 2^32).  0 for the first id (!@have_last), for consecutive
 * ids, and for a step of 2^31 or more, which is a restarted sequence or a
 * reordering, not a loss.
 */
uint32_t capture_nfq_id_gap(bool have_last, uint32_t last, uint32_t id);

/* The kernel's view of a queue (/proc/net/netfilter/nfnetlink_queue). */
struct capture_nfq_kstats {
	uint32_t portid;		/* netlink port of the listener */
	uint32_t queue_total;		/* packets waiting for a verdict now */
	uint32_t copy_mode, copy_range;
	uint32_t dropped;		/* queue full (fail-open off) */
	uint32_t user_dropped;		/* our socket buffer was full */
	uint32_t id_sequence;		/* last packet id */
};

/*
 * capture_nfq_read_kstats - find @queue in the /proc file's format read from
 * @f.  Returns 0, -ENOENT if the queue is not listed (no listener), or
 * -EINVAL for a line that does not parse.
 */
int capture_nfq_read_kstats(FILE *f, uint16_t queue, struct capture_nfq_kstats *ks);

/* capture_nfq_kstats - the same from /proc/net/netfilter/nfnetlink_queue. */
int capture_nfq_kstats(uint16_t queue, struct capture_nfq_kstats *ks);

/*
 * capture_nfq_get_kstats - @q's queue in the kernel's table, read through a
 * descriptor capture_nfq_open() kept: the file is readable by root only,
 * and this must keep working after the daemon drops privileges.  Returns
 * 0, -ENOENT, -EINVAL or the read error.  Same thread rules as dispatch.
 */
int capture_nfq_get_kstats(struct capture_nfq *q, struct capture_nfq_kstats *ks);

#endif
