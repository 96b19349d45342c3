// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfq-floor.c - the live floor for scripts/bench: a minimal NFQUEUE consumer
 * that accepts every packet and does nothing else.
 *
 * No userspace filter can pass more packets per second than this loop, so
 * "embargo run" is measured as a fraction of it.  It is tuned exactly like
 * src/capture_nfq.c, so the ratio is the cost of embargo's engine and its
 * verdict choices alone:
 *
 *   - libmnl socket, SO_RCVBUFFORCE to queue_maxlen * 2048 bytes (embargo's
 *     automatic size), NETLINK_NO_ENOBUFS;
 *   - one acknowledged NFQNL_MSG_CONFIG: bind, NFQNL_COPY_PACKET 0xffff,
 *     queue_maxlen 4096, NFQA_CFG_F_GSO and NFQA_CFG_F_FAIL_OPEN (unless -n);
 *   - every packet message parsed with nfq_nlmsg_parse();
 *   - accepts batched 32 to a NFQNL_MSG_VERDICT_BATCH, the verdict buffer
 *     sent as soon as recv(MSG_DONTWAIT) would block, at most 256 packets
 *     per wake-up of poll(2).
 *
 * Usage: nfq-floor [-n] [-b US] [QUEUE]   (default queue 0; needs CAP_NET_ADMIN)
 *   -n  no fail-open: what overflows the queue is dropped, not accepted
 *       (embargo run --no-fail-open), so every packet that passes was seen
 *   -b  busy-poll: after each wake-up keep reading (MSG_DONTWAIT) until US
 *       microseconds pass without a packet, then sleep in poll(2) again;
 *       an experiment for the DNS round trip (scripts/bench), not a default
 * Writes "nfq-floor: ready" to stderr once bound, runs until SIGINT or
 * SIGTERM, then writes its counters to stderr and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define COPY_RANGE 0xffff
#define QUEUE_MAXLEN 4096
#define RCVBUF_PER_PACKET 2048
#define BATCH 32
#define BUDGET 256
#define OUT_SIZE 16384
#define VERDICT_MSG_MAX 128

struct floor {
	struct mnl_socket *nl;
	int fd;
	uint16_t queue;
	bool fail_open;
	uint8_t *in;
	size_t in_size;
	uint32_t pend_id, pend_n;	/* accepts not yet in @out */
	size_t out_len;
	uint64_t packets, verdict_msgs, sends, enobufs;
	uint32_t out[OUT_SIZE / sizeof(uint32_t)];	/* netlink wants 4-byte alignment */
};

static volatile sig_atomic_t stop;
static long busy_us;		/* -b: keep reading this long after the last packet */

/* CLOCK_MONOTONIC in microseconds, for the busy-poll window. */
static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void flush_out(struct floor *f)
{
	if (!f->out_len)
		return;
	f->sends++;
	if (mnl_socket_sendto(f->nl, f->out, f->out_len) < 0)
		fprintf(stderr, "nfq-floor: sending verdicts: %s\n", strerror(errno));
	f->out_len = 0;
}

/* One verdict message for the pending accepts: a batch, or a plain one for one id. */
static void batch_emit(struct floor *f)
{
	struct nlmsghdr *nlh;

	if (!f->pend_n)
		return;
	if (OUT_SIZE - f->out_len < VERDICT_MSG_MAX)
		flush_out(f);
	nlh = nfq_nlmsg_put((char *)f->out + f->out_len,
			    f->pend_n == 1 ? NFQNL_MSG_VERDICT : NFQNL_MSG_VERDICT_BATCH, f->queue);
	nfq_nlmsg_verdict_put(nlh, (int)f->pend_id, NF_ACCEPT);
	f->out_len += nlh->nlmsg_len;
	f->verdict_msgs++;
	f->pend_n = 0;
}

static void accept_id(struct floor *f, uint32_t id)
{
	f->pend_id = id;
	if (++f->pend_n >= BATCH)
		batch_emit(f);
}

/*
 * Every message of one datagram: accept each queued packet.  Sets *@ack to
 * the error code of the acknowledgement of message @seq when it is seen.
 */
static void handle_buffer(struct floor *f, size_t n, unsigned *done, uint32_t seq, int *ack)
{
	const struct nlmsghdr *nlh = (const void *)f->in;
	int len = (int)n;

	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_ERROR && seq && nlh->nlmsg_seq == seq &&
		    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct nlmsgerr)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			*ack = e->error;
		} else if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_QUEUE &&
			   NFNL_MSG_TYPE(nlh->nlmsg_type) == NFQNL_MSG_PACKET) {
			struct nlattr *attr[NFQA_MAX + 1];
			struct nfqnl_msg_packet_hdr h;

			memset(attr, 0, sizeof(attr));
			if (nfq_nlmsg_parse(nlh, attr) >= 0 && attr[NFQA_PACKET_HDR]) {
				memcpy(&h, mnl_attr_get_payload(attr[NFQA_PACKET_HDR]), sizeof(h));
				accept_id(f, ntohl(h.packet_id));
				f->packets++;
				(*done)++;
			}
		}
		nlh = mnl_nlmsg_next(nlh, &len);
	}
}

/* Read until the socket is empty or the budget is spent; leave no verdict waiting. */
static int dispatch(struct floor *f)
{
	unsigned done = 0;

	while (done < BUDGET) {
		ssize_t n = recv(f->fd, f->in, f->in_size, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				f->enobufs++;
				continue;
			}
			fprintf(stderr, "nfq-floor: recv: %s\n", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		handle_buffer(f, (size_t)n, &done, 0, NULL);
	}
	batch_emit(f);
	flush_out(f);
	return 0;
}

/* Bind and configure the queue in one acknowledged message. */
static int configure(struct floor *f)
{
	uint32_t buf[256];
	struct nlmsghdr *nlh = nfq_nlmsg_put((char *)buf, NFQNL_MSG_CONFIG, f->queue);
	uint32_t flags = NFQA_CFG_F_GSO | (f->fail_open ? NFQA_CFG_F_FAIL_OPEN : 0);
	uint32_t seq = 1;
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, QUEUE_MAXLEN);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN));
	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	/*
	 * Packets may arrive before the ack (traffic is already flowing):
	 * accept them as they come, like every other packet.
	 */
	for (int ack = 1; ack == 1;) {
		unsigned done = 0;

		n = recv(f->fd, f->in, f->in_size, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return -1;
		}
		handle_buffer(f, (size_t)n, &done, seq, &ack);
		batch_emit(f);
		flush_out(f);
		if (ack < 0) {
			errno = -ack;
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static struct floor f;
	int rcvbuf = QUEUE_MAXLEN * RCVBUF_PER_PACKET, one = 1;
	struct pollfd pfd;
	int a = 1;

	f.fail_open = true;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-n") == 0)
			f.fail_open = false;
		else if (strcmp(argv[a], "-b") == 0 && a + 1 < argc)
			busy_us = atol(argv[++a]);
	}
	f.queue = a < argc ? (uint16_t)atoi(argv[a]) : 0;
	f.in_size = COPY_RANGE + (size_t)MNL_SOCKET_BUFFER_SIZE / 2;
	f.in = malloc(f.in_size);
	f.nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!f.in || !f.nl || mnl_socket_bind(f.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nfq-floor: netlink socket");
		return 1;
	}
	f.fd = mnl_socket_get_fd(f.nl);
	if (setsockopt(f.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		perror("nfq-floor: SO_RCVBUFFORCE");
	if (mnl_socket_setsockopt(f.nl, NETLINK_NO_ENOBUFS, &one, sizeof(one)) < 0)
		perror("nfq-floor: NETLINK_NO_ENOBUFS");
	if (configure(&f) < 0) {
		perror("nfq-floor: binding the queue");
		return 1;
	}
	/* No SA_RESTART: a signal must wake poll(). */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "nfq-floor: ready, queue %u, fail-open %s\n", f.queue,
		f.fail_open ? "on" : "off");

	pfd = (struct pollfd){ .fd = f.fd, .events = POLLIN };
	while (!stop) {
		if (poll(&pfd, 1, 1000) < 0) {
			if (errno == EINTR)
				continue;
			perror("nfq-floor: poll");
			break;
		}
		if ((pfd.revents & POLLIN) && dispatch(&f) < 0)
			break;
		if (busy_us > 0 && (pfd.revents & POLLIN)) {
			int64_t last = mono_us();
			uint64_t before;

			while (!stop && mono_us() - last < busy_us) {
				before = f.packets;
				if (dispatch(&f) < 0)
					break;
				if (f.packets != before)
					last = mono_us();
			}
		}
	}
	dispatch(&f);
	fprintf(stderr, "nfq-floor: packets %llu verdict_msgs %llu sends %llu enobufs %llu\n",
		(unsigned long long)f.packets, (unsigned long long)f.verdict_msgs,
		(unsigned long long)f.sends, (unsigned long long)f.enobufs);
	mnl_socket_close(f.nl);
	free(f.in);
	return 0;
}
