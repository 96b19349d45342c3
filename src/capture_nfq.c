// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture_nfq.c - NFQUEUE through libmnl and libnetfilter_queue's nfq_nlmsg_*
 * helpers (the nfq_open()/nfq_bind_pf() set-up API is deprecated).
 *
 * A packet message from the kernel (nfnetlink_queue, NFQNL_MSG_PACKET):
 *
 *   +----------+----------+----------------------------------------------+
 *   | nlmsghdr | nfgenmsg | attributes (struct nlattr + payload, 4-align) |
 *   +----------+----------+----------------------------------------------+
 *                 res_id = queue number
 *   NFQA_PACKET_HDR   { be32 packet_id; be16 hw_protocol; u8 hook }  (first)
 *   NFQA_MARK         be32          optional
 *   NFQA_IFINDEX_*    be32          optional
 *   NFQA_CAP_LEN      be32          only when the packet was cut to the copy range
 *   NFQA_SKB_INFO     be32          NFQA_SKB_GSO, NFQA_SKB_CSUMNOTREADY, ...
 *   NFQA_PAYLOAD      the packet from the network header on; optional
 *
 * Every optional attribute is checked for NULL.  Checksums are never
 * verified: with NFQA_CFG_F_GSO the kernel hands over GSO super-packets and
 * packets whose checksum is left to the NIC (NFQA_SKB_CSUMNOTREADY).
 *
 * Verdicts.  Plain accepts are batched (NFQNL_MSG_VERDICT_BATCH: one message
 * accepts every pending id up to the one named); anything else - a drop, a
 * mark - is its own NFQNL_MSG_VERDICT, appended in packet order.  The kernel
 * runs the messages of one send in order, so a batch never covers a packet
 * that already had its own verdict.  The send buffer is flushed as soon as
 * recv() would block: holding verdicts while the socket is idle stalls TCP
 * (measured: 5.5 -> 0.79 Gbit/s, research/peers.md 2.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "capture_nfq.h"
#include "log.h"
#include "util.h"

#define COPY_RANGE 0xffff
#define OUT_SIZE 16384
#define VERDICT_MSG_MAX 128		/* bound on one verdict message's size */
#define SEND_RETRIES 3
#define ACK_TIMEOUT_MS 5000
#define PROC_NFQ "/proc/net/netfilter/nfnetlink_queue"

struct capture_nfq {
	struct mnl_socket *nl;
	int fd;
	int kfd;			/* PROC_NFQ, opened while privileged */
	bool have_id;
	uint32_t last_id;		/* the last packet id seen (gap count) */
	uint32_t portid;
	uint16_t queue;
	uint32_t batch;
	int fail_verdict;		/* error_verdict: NF_ACCEPT or NF_DROP */
	bool configuring;		/* waiting for the set-up ack */
	uint8_t *in;
	size_t in_size;
	uint32_t pend_id, pend_n;	/* batched accepts not yet in @out */
	size_t out_len;
	struct capture_nfq_stats st;
	uint32_t out[OUT_SIZE / sizeof(uint32_t)];	/* netlink needs 4-byte alignment */
};

static int64_t realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------- verdicts out */

/* Send what @out holds.  A failed send is retried, then counted and dropped. */
static void flush_out(struct capture_nfq *q)
{
	if (!q->out_len)
		return;
	for (int i = 0; i < SEND_RETRIES; i++) {
		q->st.send_calls++;
		if (mnl_socket_sendto(q->nl, q->out, q->out_len) >= 0) {
			q->out_len = 0;
			return;
		}
		if (errno != EINTR && errno != ENOBUFS && errno != ENOMEM && errno != EAGAIN)
			break;
	}
	/*
	 * The kernel keeps those packets until the queue is unbound; counted
	 * so the stats show it.  Nothing better is possible without blocking
	 * the packet path.
	 */
	q->st.send_errors++;
	q->out_len = 0;
}

static struct nlmsghdr *put_msg(struct capture_nfq *q, int type)
{
	struct nlmsghdr *nlh;

	if (OUT_SIZE - q->out_len < VERDICT_MSG_MAX)
		flush_out(q);
	nlh = nfq_nlmsg_put((char *)q->out + q->out_len, type, q->queue);
	return nlh;
}

static void end_msg(struct capture_nfq *q, const struct nlmsghdr *nlh)
{
	q->out_len += nlh->nlmsg_len;
	q->st.verdict_msgs++;
}

/* Append the pending batch of accepts as one message (or a plain verdict for one). */
static void batch_emit(struct capture_nfq *q)
{
	struct nlmsghdr *nlh;

	if (!q->pend_n)
		return;
	nlh = put_msg(q, q->pend_n == 1 ? NFQNL_MSG_VERDICT : NFQNL_MSG_VERDICT_BATCH);
	nfq_nlmsg_verdict_put(nlh, (int)q->pend_id, NF_ACCEPT);
	end_msg(q, nlh);
	if (q->pend_n > 1)
		q->st.batch_msgs++;
	q->pend_n = 0;
}

static void put_verdict(struct capture_nfq *q, uint32_t id, int verdict, bool set_mark,
			uint32_t mark)
{
	struct nlmsghdr *nlh;

	if (verdict == NF_ACCEPT) {
		q->st.accepted++;
		if (!set_mark && q->batch > 1) {
			q->pend_id = id;
			if (++q->pend_n >= q->batch)
				batch_emit(q);
			return;
		}
	} else if (verdict == NF_DROP) {
		q->st.dropped++;
	} else {
		q->st.repeated++;
	}
	nlh = put_msg(q, NFQNL_MSG_VERDICT);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	if (set_mark) {
		nfq_nlmsg_verdict_put_mark(nlh, mark);
		q->st.marked++;
	}
	end_msg(q, nlh);
}

static void flush_all(struct capture_nfq *q)
{
	batch_emit(q);
	flush_out(q);
}

/* --------------------------------------------------------------- packets in */

static uint32_t attr_u32(const struct nlattr *a, uint32_t dflt)
{
	return a ? ntohl(mnl_attr_get_u32(a)) : dflt;
}

/* The packet id from NFQA_PACKET_HDR (validated to hold the whole header). */
static uint32_t hdr_id(const struct nlattr *a, uint16_t *hw_proto, uint8_t *hook)
{
	struct nfqnl_msg_packet_hdr h;

	memcpy(&h, mnl_attr_get_payload(a), sizeof(h));
	if (hw_proto)
		*hw_proto = ntohs(h.hw_protocol);
	if (hook)
		*hook = h.hook;
	return ntohl(h.packet_id);
}

static int nf_verdict(enum capture_action a)
{
	switch (a) {
	case CAPTURE_ACCEPT:
		return NF_ACCEPT;
	case CAPTURE_DROP:
		return NF_DROP;
	case CAPTURE_REPEAT:
		return NF_REPEAT;
	}
	return NF_DROP;
}

/*
 * The kernel numbers a queue's packets 1, 2, 3... as it sends them
 * (id_sequence); a message that did not fit in our receive buffer still
 * took its number.  A jump in the ids is that many packets we never saw:
 * passed by the kernel with fail_open, dropped without.  Jumps of 2^31 or
 * more are a restarted sequence, not losses.
 */
uint32_t capture_nfq_id_gap(bool have_last, uint32_t last, uint32_t id)
{
	uint32_t gap = id - last - 1;

	return have_last && gap < 0x80000000u ? gap : 0;
}

static void note_id(struct capture_nfq *q, uint32_t id)
{
	q->st.undelivered += capture_nfq_id_gap(q->have_id, q->last_id, id);
	q->have_id = true;
	q->last_id = id;
}

/* One NFQNL_MSG_PACKET; returns 1 (a packet was handled) or 0. */
static int handle_packet(struct capture_nfq *q, const struct nlmsghdr *nlh, capture_fn *fn,
			 void *ctx, int64_t now)
{
	struct nlattr *attr[NFQA_MAX + 1];
	struct capture_verdict v = { .action = CAPTURE_ACCEPT };
	struct capture_pkt p;
	bool parsed;

	memset(attr, 0, sizeof(attr));
	parsed = nfq_nlmsg_parse(nlh, attr) >= 0;
	if (!attr[NFQA_PACKET_HDR]) {
		/* No id, no verdict: the kernel frees it when the queue goes. */
		q->st.lost_id++;
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.id = hdr_id(attr[NFQA_PACKET_HDR], &p.hw_proto, &p.hook);
	q->st.packets++;
	note_id(q, p.id);
	if (q->configuring) {
		/* Queued before our settings applied: around the hook once more. */
		q->st.raced++;
		put_verdict(q, p.id, NF_REPEAT, false, 0);
		return 1;
	}
	if (!parsed) {
		q->st.malformed++;
		put_verdict(q, p.id, q->fail_verdict, false, 0);
		return 1;
	}
	if (attr[NFQA_PAYLOAD]) {
		p.data = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		p.len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	} else {
		q->st.no_payload++;
	}
	q->st.bytes += p.len;
	p.wire_len = attr_u32(attr[NFQA_CAP_LEN], (uint32_t)p.len);
	if (attr[NFQA_CAP_LEN])
		q->st.cap_truncated++;
	p.mark = attr_u32(attr[NFQA_MARK], 0);
	p.skb_info = attr_u32(attr[NFQA_SKB_INFO], 0);
	if (p.skb_info & NFQA_SKB_GSO)
		q->st.gso++;
	if (p.skb_info & NFQA_SKB_CSUMNOTREADY)
		q->st.csum_notready++;
	p.indev = attr_u32(attr[NFQA_IFINDEX_INDEV], 0);
	p.outdev = attr_u32(attr[NFQA_IFINDEX_OUTDEV], 0);
	p.now_us = now;

	fn(ctx, &p, &v);
	put_verdict(q, p.id, nf_verdict(v.action), v.set_mark, v.mark);
	return 1;
}

/*
 * A message longer than our buffer (recv reported MSG_TRUNC): walk what did
 * arrive for the packet header, which the kernel puts first, and give the
 * fail verdict.  Cannot happen with the sizes used here, but a packet must
 * never be left without a verdict.
 */
static int handle_truncated(struct capture_nfq *q, size_t have)
{
	const struct nlmsghdr *nlh = (const void *)q->in;
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));

	q->st.malformed++;
	if (have < off || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFQNL_MSG_PACKET ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_QUEUE) {
		q->st.lost_id++;
		return 0;
	}
	while (have - off >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)(q->in + off);
		size_t alen = a->nla_len;

		if (alen < sizeof(struct nlattr) || alen > have - off)
			break;
		if (mnl_attr_get_type(a) == NFQA_PACKET_HDR &&
		    mnl_attr_get_payload_len(a) >= sizeof(struct nfqnl_msg_packet_hdr)) {
			uint32_t id = hdr_id(a, NULL, NULL);

			q->st.packets++;
			note_id(q, id);
			put_verdict(q, id, q->fail_verdict, false, 0);
			return 1;
		}
		off += MNL_ALIGN(alen);
		if (off > have)
			break;
	}
	q->st.lost_id++;
	return 0;
}

/* Every message of one datagram.  Sets *@ack to the error of message @seq if seen. */
static int handle_buffer(struct capture_nfq *q, size_t n, capture_fn *fn, void *ctx,
			 uint32_t seq, int *ack)
{
	const struct nlmsghdr *nlh = (const void *)q->in;
	int64_t now = realtime_us();
	int len = (int)n, handled = 0;

	if (n > q->in_size)
		return handle_truncated(q, q->in_size);
	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
				q->st.malformed++;
			} else if (ack && seq && nlh->nlmsg_seq == seq) {
				*ack = e->error;
			} else if (e->error) {
				/* A verdict for a packet the kernel no longer holds, ... */
				q->st.kernel_errors++;
			}
		} else if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_QUEUE &&
			   NFNL_MSG_TYPE(nlh->nlmsg_type) == NFQNL_MSG_PACKET) {
			handled += handle_packet(q, nlh, fn, ctx, now);
		}
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return handled;
}

int capture_nfq_dispatch(struct capture_nfq *q, unsigned budget, capture_fn *fn, void *ctx)
{
	unsigned done = 0;
	int ret = 0;

	while (done < budget) {
		ssize_t n = recv(q->fd, q->in, q->in_size, MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Messages were lost; the kernel accounted for them. */
				q->st.enobufs++;
				continue;
			}
			ret = -errno;
			q->st.recv_errors++;
			break;
		}
		if (n == 0)
			break;
		done += (unsigned)handle_buffer(q, (size_t)n, fn, ctx, 0, NULL);
	}
	/* Nothing more to read (or the budget is spent): no verdict may wait. */
	flush_all(q);
	return ret < 0 ? ret : (int)(done > INT_MAX ? INT_MAX : done);
}

/* ------------------------------------------------------------------ set-up */

/* Wait for the ack of message @seq; packets meanwhile are repeated. */
static int wait_ack(struct capture_nfq *q, uint32_t seq)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	int64_t deadline = realtime_us() + ACK_TIMEOUT_MS * INT64_C(1000);
	int ack = 1;		/* 1: not seen yet */

	while (ack == 1) {
		int64_t left = (deadline - realtime_us()) / 1000;
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		n = recv(q->fd, q->in, q->in_size, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			return -errno;
		}
		handle_buffer(q, (size_t)n, NULL, NULL, seq, &ack);
		flush_all(q);
	}
	return ack;
}

static int send_config(struct capture_nfq *q, uint8_t cmd, const struct capture_nfq_opts *o,
		       uint32_t flags, uint32_t seq)
{
	uint32_t buf[256];
	struct nlmsghdr *nlh = nfq_nlmsg_put((char *)buf, NFQNL_MSG_CONFIG, q->queue);

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (cmd != NFQNL_CFG_CMD_NONE)
		nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, cmd);
	if (o) {
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, COPY_RANGE);
		nfq_nlmsg_cfg_put_qmaxlen(nlh, o->queue_maxlen);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO));
	}
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return wait_ack(q, seq);
}

static void size_rcvbuf(struct capture_nfq *q, uint64_t want)
{
	int v = want > INT_MAX ? INT_MAX : (int)want;
	int got = 0, e;
	socklen_t sl = sizeof(got);

	if (setsockopt(q->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) == 0)
		return;
	e = errno;
	/* Without CAP_NET_ADMIN in the socket's namespace: capped by rmem_max. */
	if (setsockopt(q->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0 ||
	    getsockopt(q->fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) < 0)
		got = 0;
	log_warn("queue %u: SO_RCVBUFFORCE refused (%s); receive buffer %d bytes, not %d "
		 "(raise net.core.rmem_max)", q->queue, strerror(e), got, v);
}

static void explain(const struct capture_nfq *q, int ret, char *err, size_t errsz)
{
	struct capture_nfq_kstats ks;

	if (ret == -EPERM && capture_nfq_kstats(q->queue, &ks) == 0 && ks.portid != q->portid)
		snprintf(err, errsz, "queue %u: already bound by another process (netlink port %u)",
			 q->queue, ks.portid);
	else if (ret == -EPERM)
		snprintf(err, errsz, "queue %u: permission denied (CAP_NET_ADMIN is needed)",
			 q->queue);
	else
		snprintf(err, errsz, "queue %u: binding failed: %s", q->queue, strerror(-ret));
}

int capture_nfq_open(struct capture_nfq **out, const struct capture_nfq_opts *o, char *err,
		     size_t errsz)
{
	struct capture_nfq *q = calloc(1, sizeof(*q));
	uint32_t flags = NFQA_CFG_F_GSO | (o->fail_open ? NFQA_CFG_F_FAIL_OPEN : 0);
	int one = 1, ret;

	if (!q) {
		snprintf(err, errsz, "queue %u: out of memory", o->queue);
		return -ENOMEM;
	}
	q->kfd = -1;
	q->queue = o->queue;
	q->batch = o->batch ? o->batch : 1;
	q->fail_verdict = o->error_drop ? NF_DROP : NF_ACCEPT;
	/* Room for a whole copy range plus every attribute the kernel adds. */
	q->in_size = COPY_RANGE + (size_t)MNL_SOCKET_BUFFER_SIZE / 2;
	q->in = malloc(q->in_size);
	q->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!q->in || !q->nl) {
		ret = q->in ? -errno : -ENOMEM;
		snprintf(err, errsz, "queue %u: netlink socket: %s", o->queue, strerror(-ret));
		goto fail;
	}
	q->fd = mnl_socket_get_fd(q->nl);
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		snprintf(err, errsz, "queue %u: netlink bind: %s", o->queue, strerror(-ret));
		goto fail;
	}
	q->portid = mnl_socket_get_portid(q->nl);
	size_rcvbuf(q, o->rcvbuf);
	/* A full socket buffer loses messages (counted by the kernel), never fails us. */
	if (mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one)) < 0)
		log_warn("queue %u: NETLINK_NO_ENOBUFS: %s", o->queue, strerror(errno));

	q->configuring = true;
	ret = send_config(q, NFQNL_CFG_CMD_BIND, o, flags, 1);
	if (ret == -EOPNOTSUPP) {
		/* Kernels before 3.10 know no GSO flag: bind without it. */
		log_warn("queue %u: kernel refused NFQA_CFG_F_GSO; GSO packets will be segmented",
			 o->queue);
		ret = send_config(q, NFQNL_CFG_CMD_BIND, o, flags & ~NFQA_CFG_F_GSO, 2);
	}
	q->configuring = false;
	if (ret < 0) {
		explain(q, ret, err, errsz);
		goto fail;
	}
	/* Root-only (0440): open it now, read it through this descriptor later. */
	q->kfd = open(PROC_NFQ, O_RDONLY | O_CLOEXEC);
	*out = q;
	return 0;
fail:
	if (q->nl)
		mnl_socket_close(q->nl);
	free(q->in);
	free(q);
	return ret;
}

int capture_nfq_fd(const struct capture_nfq *q)
{
	return q->fd;
}

void capture_nfq_close(struct capture_nfq *q)
{
	uint32_t buf[64];
	struct nlmsghdr *nlh;

	if (!q)
		return;
	flush_all(q);
	/* Unbinding now rather than at close(2) lets the bypass rules take over at once. */
	nlh = nfq_nlmsg_put((char *)buf, NFQNL_MSG_CONFIG, q->queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_UNBIND);
	mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len);
	mnl_socket_close(q->nl);
	if (q->kfd >= 0)
		close(q->kfd);
	free(q->in);
	free(q);
}

void capture_nfq_get_stats(const struct capture_nfq *q, struct capture_nfq_stats *st)
{
	*st = q->st;
}

/* ------------------------------------------------------------ kernel stats */

/*
 * One line per bound queue (net/netfilter/nfnetlink_queue.c, seq_show):
 * queue portid total copy_mode copy_range dropped user_dropped id 1
 * Returns 1 when @line is @queue's (filled in), 0 for another queue's,
 * -EINVAL when it does not parse.
 */
static int kstats_line(const char *line, uint16_t queue, struct capture_nfq_kstats *ks)
{
	unsigned v[8];
	int one;

	if (sscanf(line, "%u %u %u %u %u %u %u %u %d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7], &one) != 9)
		return -EINVAL;
	if (v[0] != queue)
		return 0;
	ks->portid = v[1];
	ks->queue_total = v[2];
	ks->copy_mode = v[3];
	ks->copy_range = v[4];
	ks->dropped = v[5];
	ks->user_dropped = v[6];
	ks->id_sequence = v[7];
	return 1;
}

int capture_nfq_read_kstats(FILE *f, uint16_t queue, struct capture_nfq_kstats *ks)
{
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		int ret = kstats_line(line, queue, ks);

		if (ret != 0)
			return ret < 0 ? ret : 0;
	}
	return -ENOENT;
}

int capture_nfq_get_kstats(struct capture_nfq *q, struct capture_nfq_kstats *ks)
{
	char buf[4096], line[256];
	size_t ll = 0;

	if (q->kfd < 0)
		return -ENOENT;
	/* A seq_file regenerates its text when read again from offset 0. */
	if (lseek(q->kfd, 0, SEEK_SET) < 0)
		return -errno;
	/* Bounded: 65536 queues of at most 80 bytes each. */
	for (int round = 0; round < 2048; round++) {
		ssize_t n = read(q->kfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			int ret;

			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			ret = kstats_line(line, q->queue, ks);
			if (ret != 0)
				return ret < 0 ? ret : 0;
		}
	}
	return -ENOENT;
}

int capture_nfq_kstats(uint16_t queue, struct capture_nfq_kstats *ks)
{
	FILE *f = fopen(PROC_NFQ, "re");
	int ret;

	if (!f)
		return -errno;
	ret = capture_nfq_read_kstats(f, queue, ks);
	fclose(f);
	return ret;
}
