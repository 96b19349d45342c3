// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - poll(2) over a handful of descriptors; signals, timers and
 * cross-thread wake-ups all arrive as reads, so one loop serves them all
 * without async signal handlers.  And the queue threads:
 *
 *   poll: NFQUEUE socket -> capture_nfq_dispatch -> engine -> verdict, mark
 *         control eventfd -> sync: new blocklist / log file / clock, counters
 *         1 s timerfd     -> engine_expire, kernel queue overflow check
 *
 * A queue thread shares nothing on the packet path: its socket, engine
 * (flow table) and raw sockets are its own.  The policy clock is
 * CLOCK_REALTIME, read once per received batch by the capture layer, unless
 * as_of fixes it; the engine judges every match against it, so an
 * enforcement date takes effect at the second it passes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "parse_ip.h"
#include "util.h"

#define BUDGET 256			/* packets per dispatch before the other fds */
#define DRAIN_ROUNDS 64			/* bounded drain at stop */
#define DRAIN_BUDGET 1024
#define OVERLOAD_WARN_US (60 * USEC_PER_SEC)	/* at most one warning a minute per queue */
#define EVENT_BUF 4096
#define EVENT_BUF_BIG 16384

struct watch {
	loop_fn *fn;
	void *ctx;
};

struct loop {
	struct pollfd pfd[LOOP_MAX_FDS];
	struct watch w[LOOP_MAX_FDS];
	size_t n;
	bool stop;
};

struct loop *loop_new(void)
{
	return calloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
	free(l);
}

int loop_add(struct loop *l, int fd, loop_fn *fn, void *ctx)
{
	if (l->n == LOOP_MAX_FDS)
		return -ENOSPC;
	l->pfd[l->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	l->w[l->n] = (struct watch){ .fn = fn, .ctx = ctx };
	l->n++;
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

int loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop) {
		int n = poll(l->pfd, (nfds_t)l->n, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (size_t i = 0; i < l->n && !l->stop; i++) {
			int ret;

			if (!(l->pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			ret = l->w[i].fn(l->w[i].ctx, l->pfd[i].fd);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ signals */

int loop_signalfd(const int *sigs, size_t n)
{
	sigset_t set;
	int fd, ret;

	sigemptyset(&set);
	for (size_t i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	ret = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ret)
		return -ret;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int loop_signal_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(fd, &si, sizeof(si));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)n != sizeof(si))
		return -EIO;
	return (int)si.ssi_signo;
}

/* ------------------------------------------------------------------- timers */

int loop_timer_new(int clockid)
{
	int fd = timerfd_create(clockid, TFD_NONBLOCK | TFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static struct timespec ts_of(int64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / USEC_PER_SEC),
		.tv_nsec = (long)(us % USEC_PER_SEC) * 1000,
	};
	return ts;
}

int loop_timer_every(int fd, int64_t interval_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (interval_us > 0) {
		its.it_interval = ts_of(interval_us);
		its.it_value = its.it_interval;
	}
	return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

int loop_timer_at(int fd, int64_t realtime_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (realtime_us != INT64_MAX) {
		/* An instant already past fires at once (it_value must not be 0). */
		its.it_value = ts_of(realtime_us > 0 ? realtime_us : 1);
	}
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -errno;
	return 0;
}

int64_t loop_timer_read(int fd)
{
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));

	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)r != sizeof(n))
		return -EIO;
	return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* ------------------------------------------------------------------- events */

int loop_event_new(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void loop_event_post(int fd)
{
	uint64_t one = 1;

	/* Fails only when the counter would overflow: the reader is awake anyway. */
	if (write(fd, &one, sizeof(one)) < 0)
		return;
}

uint64_t loop_event_read(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

int64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ verdict map */

static uint32_t with_mark(uint32_t pkt_mark, uint32_t mask, uint32_t value)
{
	return (pkt_mark & ~mask) | value;
}

void loop_map_verdict(const struct engine_result *res, const struct conf_marks *m,
		      uint32_t pkt_mark, bool pending, struct loop_verdict *out)
{
	uint32_t own = pkt_mark & m->mask;

	memset(out, 0, sizeof(*out));
	out->action = CAPTURE_ACCEPT;
	if (own && (own == m->drop || own == m->reject)) {
		/* We marked it for the ruleset to drop, and it was queued again. */
		out->action = CAPTURE_DROP;
		out->requeued = true;
		return;
	}
	if (res->undecodable)
		return;
	switch (res->verdict) {
	case VERDICT_ACCEPT:
		if (pending) {
			out->set_mark = true;
			out->mark = with_mark(pkt_mark, m->mask, m->log);
		} else if (res->flow_final) {
			out->set_mark = true;
			out->mark = with_mark(pkt_mark, m->mask, m->accept);
		}
		return;
	case VERDICT_DROP:
		if (res->flow_final) {
			out->action = CAPTURE_REPEAT;
			out->set_mark = true;
			out->mark = with_mark(pkt_mark, m->mask, m->drop);
		} else {
			out->action = CAPTURE_DROP;
		}
		return;
	case VERDICT_REJECT:
		if (res->reject_dns) {
			out->action = CAPTURE_DROP;
			out->nxdomain = true;
			return;
		}
		loop_reject_fallback(m, pkt_mark, false, out);
		return;
	}
}

void loop_reject_fallback(const struct conf_marks *m, uint32_t pkt_mark, bool udp,
			  struct loop_verdict *out)
{
	out->nxdomain = false;
	if (udp) {
		/*
		 * Never a mark on a UDP DNS flow: resolvers and forwarders
		 * reuse one 5-tuple for many questions, and a reject stored in
		 * its conntrack entry would refuse the allowed ones too.
		 */
		out->action = CAPTURE_DROP;
		out->set_mark = false;
		return;
	}
	out->action = CAPTURE_REPEAT;
	out->set_mark = true;
	out->mark = with_mark(pkt_mark, m->mask, m->reject);
}

void loop_policy_clock(bool use_as_of, int64_t as_of_us, int64_t sanity_us,
		       enum conf_clock_policy policy, int64_t now_us, struct loop_clock *out)
{
	memset(out, 0, sizeof(*out));
	out->judge = true;
	if (use_as_of) {
		out->use_as_of = true;
		out->as_of_us = as_of_us;
		return;
	}
	if (sanity_us == CONF_NO_CLOCK_SANITY || now_us >= sanity_us)
		return;
	switch (policy) {
	case CONF_CLOCK_ENFORCE:
		/* max(now, sanity), and now < sanity */
		out->state = LOOP_CLOCK_INSANE_ENFORCE;
		out->use_as_of = true;
		out->as_of_us = sanity_us;
		return;
	case CONF_CLOCK_LOG:
		out->state = LOOP_CLOCK_INSANE_LOG;
		return;
	case CONF_CLOCK_ACCEPT:
		out->state = LOOP_CLOCK_INSANE_ACCEPT;
		out->judge = false;
		return;
	}
}

/* The packet's transport is UDP (IPv6 extension headers walked). */
static bool is_udp(const uint8_t *p, size_t len)
{
	struct ip_info ip;

	return ip_parse(p, len, &ip) == PARSE_OK && ip.proto == IPPROTO_UDP;
}

/* ---------------------------------------------------------- queue threads */

static bool warned_requeue;		/* set once, by whichever queue sees it first */
static int clock_announced;		/* enum loop_clock_state last logged, any queue */

/*
 * A match whose rule will block from a date still ahead: the flow must stay
 * visible so that date can cut it.  Not for rules that only ever log, nor
 * for addresses learned from DNS answers, which the engine only logs by
 * default (CDN addresses are shared: queueing all their traffic would cost
 * much and stop nothing).
 */
static bool is_pending(const struct event *ev)
{
	const struct policy_rule *p;

	if (ev->type != EV_MATCH || !ev->rule || !ev->rule->section || ev->learned_from ||
	    ev->decision.enforced)
		return false;
	p = &ev->rule->section->policy;
	return p->action != ACTION_LOG && p->enforce_from != POLICY_NEVER;
}

static void on_event(void *ctx, const struct event *ev)
{
	struct loop_worker *w = ctx;
	char buf[EVENT_BUF];
	size_t n;

	if (is_pending(ev))
		w->pending = true;
	if (w->sh->sink) {
		/* Logs and metrics (observe.h): aggregation, syslog, counters. */
		w->sh->sink(w->sh->sink_ctx, ev, w->out);
		w->dirty = true;
		return;
	}
	n = event_format_json(ev, buf, sizeof(buf));
	if (n < sizeof(buf)) {
		evlog_put(w->out, buf, n);
	} else {
		/* Names are bounded (NAME_MAX_TEXT): only a huge rule text gets here. */
		char *big = malloc(EVENT_BUF_BIG);

		n = big ? event_format_json(ev, big, EVENT_BUF_BIG) : SIZE_MAX;
		if (n < EVENT_BUF_BIG)
			evlog_put(w->out, big, n);
		else
			w->now.log_errors++;
		free(big);
	}
	w->dirty = true;
}

/* Log the clock's state when it changes (once for all queues). */
static void announce_clock(const struct loop_worker *w, const struct loop_clock *c,
			   int64_t now_us)
{
	char now[TIME_RFC3339_LEN], min[TIME_RFC3339_LEN];

	if (__atomic_exchange_n(&clock_announced, (int)c->state, __ATOMIC_RELAXED) ==
	    (int)c->state)
		return;
	time_format_rfc3339(now_us, now, sizeof(now));
	time_format_rfc3339(w->clock_sanity_us, min, sizeof(min));
	switch (c->state) {
	case LOOP_CLOCK_SANE:
		log_info("system clock %s is plausible again: policy follows it", now);
		return;
	case LOOP_CLOCK_INSANE_ENFORCE:
		log_warn("system clock %s is before clock_sanity %s: policy judged as of %s "
			 "(insane_clock_policy enforce) until the clock is set", now, min, min);
		return;
	case LOOP_CLOCK_INSANE_LOG:
		log_warn("system clock %s is before clock_sanity %s: policy judged at the clock "
			 "as it is; enforcement dates after it only log (insane_clock_policy "
			 "log)", now, min);
		return;
	case LOOP_CLOCK_INSANE_ACCEPT:
		log_warn("system clock %s is before clock_sanity %s: every packet passes "
			 "unjudged (insane_clock_policy accept) until the clock is set", now, min);
		return;
	}
}

/* A packet that cannot be judged: error_verdict, counted. */
static void error_verdict(struct loop_worker *w, struct capture_verdict *v)
{
	w->now.errors++;
	if (w->error_drop) {
		w->now.error_dropped++;
		v->action = CAPTURE_DROP;
	}
}

static void on_packet(void *ctx, const struct capture_pkt *p, struct capture_verdict *v)
{
	struct loop_worker *w = ctx;
	struct engine_result res;
	struct loop_verdict lv;
	struct loop_clock clk;

	if (!p->data) {
		error_verdict(w, v);	/* nothing to judge */
		return;
	}
	loop_policy_clock(w->use_as_of, w->as_of_us, w->clock_sanity_us, w->insane_clock,
			  p->now_us, &clk);
	if ((int)clk.state != w->clock_state) {
		w->clock_state = (int)clk.state;
		engine_set_as_of(w->eng, clk.use_as_of, clk.as_of_us);
		announce_clock(w, &clk, p->now_us);
	}
	if (clk.state != LOOP_CLOCK_SANE) {
		w->now.clock_insane++;
		if (!clk.judge) {
			w->now.unjudged++;
			return;	/* accepted, unmarked: judged once the clock is set */
		}
	}
	w->pending = false;
	engine_packet(w->eng, p->now_us, p->data, p->len, &res);
	if (res.undecodable && !(p->mark & w->marks.mask)) {
		error_verdict(w, v);
		return;
	}
	loop_map_verdict(&res, &w->marks, p->mark, w->pending, &lv);
	if (lv.requeued) {
		w->now.requeued++;
		if (!__atomic_exchange_n(&warned_requeue, true, __ATOMIC_RELAXED))
			log_warn("queue %u: a packet marked for the ruleset to drop was "
				 "queued again: the ruleset lacks embargo's mark rules "
				 "(see scripts/rules)", w->queue);
	}
	if (lv.nxdomain && (!w->rej || reject_dns(w->rej, p->data, p->len) < 0)) {
		/* DNS over TCP, a DNS answer, no CAP_NET_RAW, a send error. */
		w->now.nxdomain_fallback++;
		loop_reject_fallback(&w->marks, p->mark, is_udp(p->data, p->len), &lv);
	}
	v->action = lv.action;
	v->set_mark = lv.set_mark;
	v->mark = lv.mark;
}

static void flush_events(struct loop_worker *w)
{
	if (w->dirty) {
		evlog_flush(w->out);	/* failures are counted and logged there */
		w->dirty = false;
	}
}

/* Copy the counters for the main thread; called with sh->lock held. */
static void snapshot(struct loop_worker *w)
{
	engine_get_stats(w->eng, &w->now.eng);
	if (w->cap)
		capture_nfq_get_stats(w->cap, &w->now.cap);
	if (w->rej)
		reject_get_stats(w->rej, &w->now.rej);
	w->now.have_kern = w->cap && capture_nfq_get_kstats(w->cap, &w->now.kern) == 0;
	w->snap = w->now;
}

/* Apply the policy clock settings; the next packet re-evaluates the state. */
static void set_clock(struct loop_worker *w, const struct loop_shared *sh)
{
	w->use_as_of = sh->use_as_of;
	w->as_of_us = sh->as_of_us;
	w->clock_sanity_us = sh->clock_sanity_us;
	w->insane_clock = sh->insane_clock;
	w->clock_state = -1;
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/*
 * Once a second: did the kernel queue overflow?  The kernel counts what it
 * dropped (fail_open off: queue full, or socket buffer full); packets it let
 * pass with fail_open are counted nowhere, so the queue being found full and
 * the ids that never reached us (capture_nfq.h, undelivered) stand in for
 * them.  One warning a minute per queue at most, with the totals since.
 */
static void check_overload(struct loop_worker *w)
{
	struct capture_nfq_kstats k;
	struct capture_nfq_stats cs;
	uint64_t dropped, udropped, undelivered;
	bool full;
	int64_t now = mono_us();

	if (capture_nfq_get_kstats(w->cap, &k) < 0)
		return;
	capture_nfq_get_stats(w->cap, &cs);
	dropped = (uint32_t)(k.dropped - w->kprev.dropped);
	udropped = (uint32_t)(k.user_dropped - w->kprev.user_dropped);
	undelivered = cs.undelivered - w->undelivered_prev;
	full = k.queue_total >= w->queue_maxlen;
	if (!dropped && !udropped && !undelivered && !full)
		return;
	if (w->warned_us && now - w->warned_us < OVERLOAD_WARN_US)
		return;		/* keep counting from the last warning */
	log_warn("queue %u: overloaded: %u of %u packets waiting; since the last check "
		 "%llu dropped by the kernel (queue full), %llu not delivered (socket buffer "
		 "full: %s)%s", w->queue, k.queue_total, w->queue_maxlen,
		 (unsigned long long)dropped, (unsigned long long)(udropped + undelivered),
		 w->fail_open ? "passed unfiltered" : "dropped",
		 w->fail_open && full ? "; packets beyond a full queue pass unfiltered "
					"(fail_open) uncounted" : "");
	w->now.overload_warnings++;
	w->warned_us = now;
	w->kprev = k;
	w->undelivered_prev = cs.undelivered;
}

/* Pick up what the main thread published; acknowledge. */
static void sync_worker(struct loop_worker *w)
{
	struct loop_shared *sh = w->sh;
	bool stop;

	pthread_mutex_lock(&sh->lock);
	if (w->bl != sh->bl) {
		engine_set_blocklist(w->eng, sh->bl);
		w->bl = sh->bl;
	}
	set_clock(w, sh);
	if (w->out != sh->out) {
		flush_events(w);
		w->out = sh->out;
	}
	snapshot(w);
	w->seq = sh->seq;
	stop = sh->stop;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	if (stop)
		loop_stop(w->loop);
}

static int on_nfq(void *ctx, int fd)
{
	struct loop_worker *w = ctx;
	int n = capture_nfq_dispatch(w->cap, BUDGET, on_packet, w);

	(void)fd;	/* the socket is w->cap's */
	flush_events(w);
	if (n < 0) {
		log_err("queue %u: receiving: %s", w->queue, strerror(-n));
		w->error = n;
		return n;
	}
	return 0;
}

static int on_ctl(void *ctx, int fd)
{
	loop_event_read(fd);
	sync_worker(ctx);
	return 0;
}

static int on_tick(void *ctx, int fd)
{
	struct loop_worker *w = ctx;

	if (loop_timer_read(fd) > 0) {
		engine_expire(w->eng, loop_now_us());
		check_overload(w);
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct loop_worker *w = arg;
	struct loop_shared *sh = w->sh;
	int ret = loop_run(w->loop);

	/*
	 * Leave no packet we were handed without a verdict: read what is
	 * queued (bounded, in case traffic never pauses), then unbind so the
	 * rules' bypass takes over.
	 */
	if (ret == 0)
		for (int i = 0; i < DRAIN_ROUNDS; i++)
			if (capture_nfq_dispatch(w->cap, DRAIN_BUDGET, on_packet, w) <= 0)
				break;
	flush_events(w);
	pthread_mutex_lock(&sh->lock);
	snapshot(w);
	capture_nfq_close(w->cap);
	w->cap = NULL;
	w->exited = true;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	if (ret < 0)
		loop_event_post(sh->fail_fd);
	return NULL;
}

int loop_worker_init(struct loop_worker *w, struct loop_shared *sh, const struct conf *c,
		     uint16_t queue, bool warn)
{
	struct capture_nfq_opts co = {
		.queue = queue,
		.queue_maxlen = c->queue_maxlen,
		.rcvbuf = conf_rcvbuf(c),
		.fail_open = c->fail_open,
		.batch = c->batch,
		.error_drop = c->error_drop,
	};
	struct engine_opts eo = {
		.bl = sh->bl,
		.report_all = c->report_all,
		.use_as_of = sh->use_as_of,
		.as_of_us = sh->as_of_us,
		.max_flows = (size_t)c->max_flows,
		.flow_timeout_s = c->flow_timeout,
		.stream_cap = (uint32_t)c->stream_cap,
		.stream_mem = (size_t)c->stream_mem,
		.frag_max = (size_t)c->frag_max,
		.frag_mem = (size_t)c->frag_mem,
		.learned_max = (size_t)c->learned_max,
		.on_event = on_event,
		.ctx = w,
	};
	char err[256];
	int ret;

	memset(w, 0, sizeof(*w));
	w->sh = sh;
	w->queue = queue;
	w->bl = sh->bl;
	w->out = sh->out;
	w->marks = c->marks;
	w->error_drop = c->error_drop;
	w->fail_open = c->fail_open;
	w->queue_maxlen = c->queue_maxlen;
	set_clock(w, sh);
	w->ctl_fd = w->tick_fd = -1;
	w->eng = engine_new(&eo);
	if (!w->eng) {
		log_err("queue %u: engine: %s", queue, strerror(errno));
		return -ENOMEM;
	}
	ret = capture_nfq_open(&w->cap, &co, err, sizeof(err));
	if (ret < 0) {
		log_err("%s", err);
		return ret;
	}
	if (capture_nfq_get_kstats(w->cap, &w->kprev) < 0)
		memset(&w->kprev, 0, sizeof(w->kprev));
	/* Our own answers carry the accept mark: the ruleset does not queue them. */
	if (reject_new(&w->rej, c->marks.accept, err, sizeof(err)) < 0) {
		if (warn)
			log_warn("%s: rejected DNS questions over UDP are dropped instead", err);
		w->rej = NULL;
	}
	w->loop = loop_new();
	w->ctl_fd = loop_event_new();
	w->tick_fd = loop_timer_new(CLOCK_MONOTONIC);
	if (!w->loop || w->ctl_fd < 0 || w->tick_fd < 0 ||
	    loop_timer_every(w->tick_fd, USEC_PER_SEC) < 0 ||
	    loop_add(w->loop, capture_nfq_fd(w->cap), on_nfq, w) < 0 ||
	    loop_add(w->loop, w->ctl_fd, on_ctl, w) < 0 ||
	    loop_add(w->loop, w->tick_fd, on_tick, w) < 0) {
		log_err("queue %u: event loop set-up failed", queue);
		return -ENOMEM;
	}
	return 0;
}

int loop_worker_start(struct loop_worker *w)
{
	int ret = pthread_create(&w->thread, NULL, worker_main, w);

	if (ret)
		return -ret;
	w->started = true;
	return 0;
}

void loop_worker_free(struct loop_worker *w)
{
	capture_nfq_close(w->cap);
	engine_free(w->eng);
	reject_free(w->rej);
	loop_free(w->loop);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	if (w->tick_fd >= 0)
		close(w->tick_fd);
	w->cap = NULL;
	w->eng = NULL;
	w->rej = NULL;
	w->loop = NULL;
	w->ctl_fd = w->tick_fd = -1;
}

void loop_sync(struct loop_shared *sh, struct loop_worker *w, size_t n)
{
	uint64_t seq;
	bool waiting;

	pthread_mutex_lock(&sh->lock);
	seq = ++sh->seq;
	pthread_mutex_unlock(&sh->lock);
	for (size_t i = 0; i < n; i++)
		if (w[i].started)
			loop_event_post(w[i].ctl_fd);
	pthread_mutex_lock(&sh->lock);
	do {
		waiting = false;
		for (size_t i = 0; i < n; i++)
			if (w[i].started && !w[i].exited && w[i].seq < seq)
				waiting = true;
		if (waiting)
			pthread_cond_wait(&sh->cond, &sh->lock);
	} while (waiting);
	pthread_mutex_unlock(&sh->lock);
}

int loop_workers_stop(struct loop_shared *sh, struct loop_worker *w, size_t n)
{
	int ret = 0;

	pthread_mutex_lock(&sh->lock);
	sh->stop = true;
	pthread_mutex_unlock(&sh->lock);
	for (size_t i = 0; i < n; i++)
		if (w[i].started)
			loop_event_post(w[i].ctl_fd);
	for (size_t i = 0; i < n; i++) {
		if (!w[i].started)
			continue;
		pthread_join(w[i].thread, NULL);
		if (w[i].error && !ret)
			ret = w[i].error;
	}
	return ret;
}
