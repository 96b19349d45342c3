// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_run.c - `embargo run`: the live daemon.
 *
 *   main thread                          one worker thread per queue
 *   -----------                          ---------------------------
 *   signalfd: HUP reload, TERM/INT stop   poll: NFQUEUE socket -> engine -> verdict
 *             USR1 statistics                   control eventfd   -> sync()
 *   timerfd:  next enforcement date             1 s timerfd       -> flow expiry
 *             statistics interval
 *
 * Workers share nothing on the packet path: each has its own socket, engine
 * (flow table) and raw sockets.  The main thread changes what they use -
 * blocklist, log file, policy clock - by publishing it under a mutex,
 * bumping a sequence number and waking them; each worker picks it up between
 * batches and acknowledges.  Only when every worker has acknowledged is the
 * old blocklist freed: the new index is built in the main thread, off the
 * packet path, and a list that fails to load changes nothing.
 *
 * The policy clock is CLOCK_REALTIME, read once per received batch, unless
 * --as-of fixes it: the engine evaluates every match against it, so an
 * enforcement date takes effect at the second it passes.  The date timer
 * only announces it.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_run.h"
#include "log.h"
#include "loop.h"
#include "reject.h"
#include "util.h"

#define BUDGET 256			/* packets per dispatch before other fds */
#define DRAIN_ROUNDS 64			/* bounded drain at stop */
#define MAX_OVERRIDES 64

struct run;

struct worker {
	struct run *run;
	uint16_t queue;
	pthread_t thread;
	bool started;
	struct capture_nfq *cap;
	struct engine *eng;
	struct reject *rej;		/* NULL: DNS rejects fall back to the mark */
	struct loop *loop;
	int ctl_fd, tick_fd;
	struct conf_marks marks;	/* fixed for the daemon's life */
	/* What this worker uses now; changed only in sync(). */
	const struct blocklist *bl;
	FILE *out;
	uint64_t seq;			/* last sequence acknowledged */
	bool exited;
	int error;			/* packet path failure (-errno), 0 if none */
	/* Per batch. */
	bool dirty;			/* events written since the last flush */
	uint64_t out_errors, requeued, nxdomain_fallback;
	/* Snapshot for statistics, taken in sync(). */
	struct engine_stats est;
	struct capture_nfq_stats cst;
	struct reject_stats rst;
	uint64_t snap_out_errors, snap_requeued, snap_fallback;
};

struct override {
	const char *key, *value;
};

struct run {
	struct conf conf;
	struct override ov[MAX_OVERRIDES];	/* command line, re-applied on reload */
	size_t n_ov;
	const char *cli_lists[CONF_MAX_BLOCKLISTS];
	size_t n_cli_lists;
	const char *conf_path;
	struct blocklist *bl;
	FILE *out;
	bool out_is_stdout;
	struct worker *w;
	size_t nw;
	int sig_fd, date_fd, stats_fd, fail_fd;
	int64_t date_from;		/* dates up to here were announced */
	/* Shared with workers, under @lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t seq;
	bool stop;
	int exit_code;
};

/* ------------------------------------------------------------ verdict map */

static uint32_t with_mark(uint32_t pkt_mark, uint32_t mask, uint32_t value)
{
	return (pkt_mark & ~mask) | value;
}

void run_map_verdict(const struct engine_result *res, const struct conf_marks *m,
		     uint32_t pkt_mark, struct run_verdict *out)
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
		if (res->matched) {
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
		run_reject_fallback(m, pkt_mark, out);
		return;
	}
}

void run_reject_fallback(const struct conf_marks *m, uint32_t pkt_mark, struct run_verdict *out)
{
	out->action = CAPTURE_REPEAT;
	out->set_mark = true;
	out->mark = with_mark(pkt_mark, m->mask, m->reject);
	out->nxdomain = false;
}

/* ---------------------------------------------------------------- workers */

static bool warned_requeue;		/* set once, by whichever queue sees it first */

static void on_event(void *ctx, const struct event *ev)
{
	struct worker *w = ctx;

	if (event_write_json(ev, w->out) < 0)
		w->out_errors++;
	w->dirty = true;
}

static void on_packet(void *ctx, const struct capture_pkt *p, struct capture_verdict *v)
{
	struct worker *w = ctx;
	const struct conf_marks *m = &w->marks;
	struct engine_result res;
	struct run_verdict rv;

	if (!p->data)
		return;		/* nothing to judge: accepted as it is */
	engine_packet(w->eng, p->now_us, p->data, p->len, &res);
	run_map_verdict(&res, m, p->mark, &rv);
	if (rv.requeued) {
		w->requeued++;
		if (!__atomic_exchange_n(&warned_requeue, true, __ATOMIC_RELAXED))
			log_warn("queue %u: a packet marked for the ruleset to drop was queued "
				 "again: the ruleset lacks embargo's mark rules (see scripts/rules)",
				 w->queue);
	}
	if (rv.nxdomain && (!w->rej || reject_dns(w->rej, p->data, p->len) < 0)) {
		w->nxdomain_fallback++;
		run_reject_fallback(m, p->mark, &rv);
	}
	v->action = rv.action;
	v->set_mark = rv.set_mark;
	v->mark = rv.mark;
}

static void flush_events(struct worker *w)
{
	if (w->dirty) {
		if (fflush(w->out) != 0)
			w->out_errors++;
		w->dirty = false;
	}
}

/* Pick up what the main thread published; acknowledge. */
static void sync_worker(struct worker *w)
{
	struct run *r = w->run;
	bool stop;

	pthread_mutex_lock(&r->lock);
	if (w->bl != r->bl) {
		engine_set_blocklist(w->eng, r->bl);
		w->bl = r->bl;
	}
	engine_set_as_of(w->eng, r->conf.use_as_of, r->conf.as_of_us);
	if (w->out != r->out) {
		flush_events(w);
		w->out = r->out;
	}
	engine_get_stats(w->eng, &w->est);
	capture_nfq_get_stats(w->cap, &w->cst);
	memset(&w->rst, 0, sizeof(w->rst));
	if (w->rej)
		reject_get_stats(w->rej, &w->rst);
	w->snap_out_errors = w->out_errors;
	w->snap_requeued = w->requeued;
	w->snap_fallback = w->nxdomain_fallback;
	w->seq = r->seq;
	stop = r->stop;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (stop)
		loop_stop(w->loop);
}

static int on_nfq(void *ctx, int fd)
{
	struct worker *w = ctx;
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
	struct worker *w = ctx;

	loop_event_read(fd);
	sync_worker(w);
	return 0;
}

static int on_tick(void *ctx, int fd)
{
	struct worker *w = ctx;

	if (loop_timer_read(fd) > 0)
		engine_expire(w->eng, loop_now_us());
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	int ret = loop_run(w->loop);

	/*
	 * Leave no packet we were handed without a verdict: read what is
	 * queued (bounded, in case traffic never pauses), then unbind so the
	 * rules' bypass takes over.
	 */
	if (ret == 0)
		for (int i = 0; i < DRAIN_ROUNDS; i++)
			if (capture_nfq_dispatch(w->cap, 1024, on_packet, w) <= 0)
				break;
	flush_events(w);
	pthread_mutex_lock(&r->lock);
	capture_nfq_get_stats(w->cap, &w->cst);
	engine_get_stats(w->eng, &w->est);
	if (w->rej)
		reject_get_stats(w->rej, &w->rst);
	w->snap_out_errors = w->out_errors;
	w->snap_requeued = w->requeued;
	w->snap_fallback = w->nxdomain_fallback;
	capture_nfq_close(w->cap);
	w->cap = NULL;
	w->exited = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (ret < 0)
		loop_event_post(r->fail_fd);
	return NULL;
}

static int worker_setup(struct run *r, struct worker *w, uint16_t queue)
{
	const struct conf *c = &r->conf;
	struct capture_nfq_opts co = {
		.queue = queue,
		.queue_maxlen = c->queue_maxlen,
		.rcvbuf = conf_rcvbuf(c),
		.fail_open = c->fail_open,
		.batch = c->batch,
	};
	struct engine_opts eo = {
		.bl = r->bl,
		.report_all = c->report_all,
		.use_as_of = c->use_as_of,
		.as_of_us = c->as_of_us,
		.max_flows = (size_t)c->max_flows,
		.flow_timeout_s = c->flow_timeout,
		.on_event = on_event,
		.ctx = w,
	};
	char err[256];
	int ret;

	w->run = r;
	w->queue = queue;
	w->bl = r->bl;
	w->out = r->out;
	w->marks = c->marks;
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
	if (reject_new(&w->rej, c->marks.accept, err, sizeof(err)) < 0) {
		if (queue == c->queue_first)
			log_warn("%s: DNS rejects become ruleset rejects (ICMP)", err);
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

static void worker_free(struct worker *w)
{
	capture_nfq_close(w->cap);
	engine_free(w->eng);
	reject_free(w->rej);
	loop_free(w->loop);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	if (w->tick_fd >= 0)
		close(w->tick_fd);
}

/*
 * Publish the current run state to every worker and wait until each has
 * picked it up (or has exited).  Workers never block except in poll(), so
 * the wait is as short as one batch.
 */
static void sync_all(struct run *r)
{
	uint64_t seq;
	bool pending;

	pthread_mutex_lock(&r->lock);
	seq = ++r->seq;
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < r->nw; i++)
		if (r->w[i].started)
			loop_event_post(r->w[i].ctl_fd);
	pthread_mutex_lock(&r->lock);
	do {
		pending = false;
		for (size_t i = 0; i < r->nw; i++)
			if (r->w[i].started && !r->w[i].exited && r->w[i].seq < seq)
				pending = true;
		if (pending)
			pthread_cond_wait(&r->cond, &r->lock);
	} while (pending);
	pthread_mutex_unlock(&r->lock);
}

/* ------------------------------------------------------------- reporting */

static void print_stats(struct run *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->nw; i++) {
		const struct worker *w = &r->w[i];
		const struct engine_stats *e = &w->est;
		const struct capture_nfq_stats *c = &w->cst;
		struct capture_nfq_kstats k;
		char kern[192] = "";

		if (!w->started)
			continue;
		if (capture_nfq_kstats(w->queue, &k) == 0)
			snprintf(kern, sizeof(kern),
				 ",\"kernel\":{\"waiting\":%u,\"dropped\":%u,\"user_dropped\":%u}",
				 k.queue_total, k.dropped, k.user_dropped);
		log_info("stats (%s): {\"queue\":%u,"
			 "\"capture\":{\"packets\":%lu,\"bytes\":%lu,\"accepted\":%lu,"
			 "\"dropped\":%lu,\"repeated\":%lu,\"marked\":%lu,\"verdict_msgs\":%lu,"
			 "\"batch_msgs\":%lu,\"enobufs\":%lu,\"malformed\":%lu,\"gso\":%lu,"
			 "\"send_errors\":%lu,\"kernel_errors\":%lu}%s,"
			 "\"engine\":{\"flows\":%lu,\"flows_active\":%lu,\"names\":%lu,"
			 "\"matches\":%lu,\"events\":%lu,\"undecodable\":%lu,\"drop\":%lu,"
			 "\"reject\":%lu},"
			 "\"nxdomain\":{\"sent\":%lu,\"fallback\":%lu},\"requeued\":%lu,"
			 "\"log_errors\":%lu}",
			 why, w->queue, (unsigned long)c->packets, (unsigned long)c->bytes,
			 (unsigned long)c->accepted, (unsigned long)c->dropped,
			 (unsigned long)c->repeated, (unsigned long)c->marked,
			 (unsigned long)c->verdict_msgs, (unsigned long)c->batch_msgs,
			 (unsigned long)c->enobufs, (unsigned long)c->malformed,
			 (unsigned long)c->gso, (unsigned long)c->send_errors,
			 (unsigned long)c->kernel_errors, kern, (unsigned long)e->flows,
			 (unsigned long)e->flows_active, (unsigned long)e->names,
			 (unsigned long)e->matches, (unsigned long)e->events,
			 (unsigned long)e->undecodable, (unsigned long)e->verdict_drop,
			 (unsigned long)e->verdict_reject, (unsigned long)w->rst.sent,
			 (unsigned long)w->snap_fallback, (unsigned long)w->snap_requeued,
			 (unsigned long)w->snap_out_errors);
	}
	pthread_mutex_unlock(&r->lock);
}

static const char *date_text(int64_t t, char *buf, size_t size)
{
	if (t == POLICY_ALWAYS)
		return "always";
	if (t == POLICY_NEVER)
		return "never";
	return time_format_rfc3339(t, buf, size);
}

/* The start-up (and reload) line: lists, entries, dates, queues, clock. */
static void print_summary(const struct run *r, const char *what)
{
	const struct conf *c = &r->conf;
	struct blocklist_stats bs;
	char q[32], clock[64], when[TIME_RFC3339_LEN];
	size_t n = blocklist_n_sections(r->bl);

	blocklist_get_stats(r->bl, &bs);
	if (c->queue_first == c->queue_last)
		snprintf(q, sizeof(q), "queue %u", c->queue_first);
	else
		snprintf(q, sizeof(q), "queues %u-%u", c->queue_first, c->queue_last);
	if (c->use_as_of)
		snprintf(clock, sizeof(clock), "fixed at %s (as-of)",
			 time_format_rfc3339(c->as_of_us, when, sizeof(when)));
	else
		snprintf(clock, sizeof(clock), "system time");
	log_info("%s: %s, fail-open %s, queue length %u; %zu list file%s, %zu entries "
		 "(%zu domains, %zu exact, %zu networks, %zu exceptions), %zu section%s; "
		 "policy clock %s; events to %s",
		 what, q, c->fail_open ? "on" : "off", c->queue_maxlen, bs.files,
		 bs.files == 1 ? "" : "s", bs.domains + bs.exact + bs.cidrs + bs.allows,
		 bs.domains, bs.exact, bs.cidrs, bs.allows, n, n == 1 ? "" : "s", clock,
		 r->out_is_stdout ? "stdout" : c->log);
	for (size_t i = 0; i < n; i++) {
		const struct bl_section *s = blocklist_section(r->bl, i);

		log_info("  list %s, category %s: %s from %s (%s)", s->list, s->category,
			 action_name(s->policy.action),
			 date_text(s->policy.enforce_from, when, sizeof(when)), s->file);
	}
}

/* ------------------------------------------------------- dates and loads */

/* The first enforcement date after @after, or INT64_MAX. */
static int64_t next_date(const struct blocklist *bl, int64_t after)
{
	int64_t best = INT64_MAX;

	for (size_t i = 0; i < blocklist_n_sections(bl); i++) {
		int64_t t = blocklist_section(bl, i)->policy.enforce_from;

		if (t != POLICY_NEVER && t != POLICY_ALWAYS && t > after && t < best)
			best = t;
	}
	return best;
}

static void arm_date(struct run *r)
{
	int64_t at = r->conf.use_as_of ? INT64_MAX : next_date(r->bl, r->date_from);

	if (loop_timer_at(r->date_fd, at) < 0)
		log_warn("enforcement timer: %s", strerror(errno));
}

static int load_lists(const struct conf *c, struct blocklist **out)
{
	const char *paths[CONF_MAX_BLOCKLISTS];
	struct blocklist_defaults d = { .category = c->default_category,
					.policy = c->default_policy };
	struct bl_error err;
	size_t n = c->n_blocklists;
	int ret;

	for (size_t i = 0; i < n; i++)
		paths[i] = c->blocklists[i];
	if (n == 0) {
		paths[0] = cli_default_blocklist_dir();
		n = 1;
	}
	if (!d.category)
		d.category = "default";
	memset(&err, 0, sizeof(err));
	ret = blocklist_load(out, paths, n, &d, &err);
	if (ret < 0) {
		if (err.line)
			log_err("%s:%u: %s", err.file, err.line, err.msg);
		else
			log_err("%s: %s", err.file[0] ? err.file : "blocklist",
				err.msg[0] ? err.msg : strerror(-ret));
	}
	return ret;
}

/* Build a configuration: file (if any), then the command line, then checks. */
static int build_conf(const struct run *r, struct conf *c)
{
	char err[CONF_ERR_LEN];

	conf_init(c);
	if (r->conf_path && conf_load(c, r->conf_path, err, sizeof(err)) < 0)
		goto fail;
	for (size_t i = 0; i < r->n_ov; i++)
		if (conf_set(c, r->ov[i].key, r->ov[i].value, NULL, err, sizeof(err)) < 0)
			goto fail;
	if (r->n_cli_lists) {
		/* --blocklist replaces the file's lists. */
		for (size_t i = 0; i < c->n_blocklists; i++)
			free(c->blocklists[i]);
		c->n_blocklists = 0;
		for (size_t i = 0; i < r->n_cli_lists; i++)
			if (conf_set(c, "blocklist", r->cli_lists[i], NULL, err, sizeof(err)) < 0)
				goto fail;
	}
	if (conf_check(c, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	log_err("%s", err);
	conf_free(c);
	return -EINVAL;
}

static int open_log(const struct conf *c, FILE **out, bool *is_stdout)
{
	static char buf[1 << 16];
	FILE *f;

	*is_stdout = !c->log || strcmp(c->log, "-") == 0;
	if (*is_stdout) {
		static bool buffered;

		if (!buffered)
			setvbuf(stdout, buf, _IOFBF, sizeof(buf));
		buffered = true;
		*out = stdout;
		return 0;
	}
	f = fopen(c->log, "ae");
	if (!f) {
		log_err("log: %s: %s", c->log, strerror(errno));
		return -errno;
	}
	*out = f;
	return 0;
}

/* Settings a reload cannot change in place. */
static void warn_restart_only(const struct conf *old, const struct conf *nc)
{
	if (old->queue_first != nc->queue_first || old->queue_last != nc->queue_last ||
	    old->queue_maxlen != nc->queue_maxlen || old->rcvbuf != nc->rcvbuf ||
	    old->fail_open != nc->fail_open || old->batch != nc->batch ||
	    old->max_flows != nc->max_flows || old->flow_timeout != nc->flow_timeout ||
	    old->report_all != nc->report_all ||
	    memcmp(&old->marks, &nc->marks, sizeof(old->marks)) != 0)
		log_warn("reload: queue, buffer, fail_open, batch, flow, report_all and mark "
			 "settings take effect at the next start");
}

static void reload(struct run *r)
{
	struct conf nc;
	struct blocklist *nbl, *obl;
	FILE *nout, *oout;
	bool is_stdout;

	log_info("reload requested");
	if (build_conf(r, &nc) < 0) {
		log_err("reload: configuration rejected; keeping the running one");
		return;
	}
	if (load_lists(&nc, &nbl) < 0) {
		log_err("reload: blocklist rejected; keeping the running lists");
		conf_free(&nc);
		return;
	}
	/* Reopen the log so a rotated file is let go; keep the old one on failure. */
	if (open_log(&nc, &nout, &is_stdout) < 0) {
		nout = r->out;
		is_stdout = r->out_is_stdout;
		free(nc.log);
		nc.log = r->conf.log ? strdup(r->conf.log) : NULL;
	}
	warn_restart_only(&r->conf, &nc);
	/* Restart-only settings stay as they are, so the summary tells the truth. */
	nc.queue_first = r->conf.queue_first;
	nc.queue_last = r->conf.queue_last;
	nc.queue_maxlen = r->conf.queue_maxlen;
	nc.rcvbuf = r->conf.rcvbuf;
	nc.fail_open = r->conf.fail_open;
	nc.batch = r->conf.batch;
	nc.max_flows = r->conf.max_flows;
	nc.flow_timeout = r->conf.flow_timeout;
	nc.report_all = r->conf.report_all;
	nc.marks = r->conf.marks;

	obl = r->bl;
	oout = r->out;
	pthread_mutex_lock(&r->lock);
	r->bl = nbl;
	r->out = nout;
	r->out_is_stdout = is_stdout;
	conf_free(&r->conf);
	r->conf = nc;
	pthread_mutex_unlock(&r->lock);
	sync_all(r);
	/* No worker can still be using the old list or file. */
	blocklist_free(obl);
	if (oout != nout && oout != stdout)
		fclose(oout);
	r->date_from = loop_now_us();
	arm_date(r);
	print_summary(r, "reloaded");
}

/* ------------------------------------------------------------ main loop */

/* Callbacks end the main loop by returning -ECANCELED (a clean stop). */
static int on_signal(void *ctx, int fd)
{
	struct run *r = ctx;
	int sig;

	while ((sig = loop_signal_read(fd)) > 0) {
		switch (sig) {
		case SIGHUP:
			reload(r);
			break;
		case SIGUSR1:
			sync_all(r);
			print_stats(r, "SIGUSR1");
			break;
		case SIGTERM:
		case SIGINT:
			log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return -ECANCELED;
		default:
			break;
		}
	}
	return 0;
}

static int on_date(void *ctx, int fd)
{
	struct run *r = ctx;
	int64_t n = loop_timer_read(fd), now = loop_now_us();
	char when[TIME_RFC3339_LEN];

	if (n == -ECANCELED) {
		log_info("system clock changed: enforcement dates re-evaluated");
	} else if (n > 0) {
		for (size_t i = 0; i < blocklist_n_sections(r->bl); i++) {
			const struct bl_section *s = blocklist_section(r->bl, i);
			int64_t t = s->policy.enforce_from;

			if (t != POLICY_NEVER && t != POLICY_ALWAYS && t > r->date_from && t <= now)
				log_info("enforcement begins: list %s, category %s: %s from %s",
					 s->list, s->category, action_name(s->policy.action),
					 time_format_rfc3339(t, when, sizeof(when)));
		}
	}
	r->date_from = now;
	arm_date(r);
	return 0;
}

static int on_stats(void *ctx, int fd)
{
	struct run *r = ctx;

	if (loop_timer_read(fd) > 0) {
		sync_all(r);
		print_stats(r, "interval");
	}
	return 0;
}

static int on_fail(void *ctx, int fd)
{
	loop_event_read(fd);
	log_err("a queue thread failed: stopping");
	((struct run *)ctx)->exit_code = 2;
	return -ECANCELED;
}

static int run_loop(struct run *r)
{
	struct loop *l = loop_new();
	int ret;

	if (!l)
		return -ENOMEM;
	loop_add(l, r->sig_fd, on_signal, r);
	loop_add(l, r->fail_fd, on_fail, r);
	loop_add(l, r->date_fd, on_date, r);
	loop_add(l, r->stats_fd, on_stats, r);
	ret = loop_run(l);
	loop_free(l);
	return ret == -ECANCELED ? 0 : ret;
}

static void stop_workers(struct run *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < r->nw; i++)
		if (r->w[i].started)
			loop_event_post(r->w[i].ctl_fd);
	for (size_t i = 0; i < r->nw; i++) {
		if (r->w[i].started) {
			pthread_join(r->w[i].thread, NULL);
			if (r->w[i].error)
				r->exit_code = 2;
		}
	}
}

/* --------------------------------------------------------------- options */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: embargo run [options]\n"
		"  -c, --config FILE        configuration file (embargo.conf(5))\n"
		"  -q, --queue N|N-M        NFQUEUE number or range, one thread each (default 0)\n"
		"  -b, --blocklist PATH     list file or directory (repeatable; replaces the\n"
		"                           file's lists; default: the bundled lists)\n"
		"  -t, --as-of TIME         fix the policy clock at TIME (RFC 3339)\n"
		"  -l, --log FILE|-         JSON events to FILE (appended) or stdout (default)\n"
		"  -a, --all                also log names that matched no rule\n"
		"      --fail-open, --no-fail-open\n"
		"                           accept (default) or drop what overflows the queue\n"
		"      --queue-maxlen N     packets the kernel may queue (default 4096)\n"
		"      --rcvbuf SIZE        socket receive buffer (default: from queue-maxlen)\n"
		"      --batch N            accepts per batch verdict (default 32)\n"
		"      --max-flows N        flow table size per queue (default 65536)\n"
		"      --flow-timeout TIME  idle flow timeout, e.g. 120s (default 120s)\n"
		"      --stats-interval T   log statistics every T (default: only on SIGUSR1)\n"
		"  -o, --set KEY=VALUE      any embargo.conf key\n"
		"  -n, --check              load everything, print the start-up line, exit\n"
		"  -h, --help               this help\n"
		"Signals: HUP reloads configuration and lists, USR1 logs statistics,\n"
		"TERM/INT stop.  Install the ruleset with scripts/rules.\n");
}

static int add_override(struct run *r, const char *key, const char *value)
{
	if (r->n_ov == MAX_OVERRIDES) {
		log_err("too many options");
		return -E2BIG;
	}
	r->ov[r->n_ov++] = (struct override){ key, value };
	return 0;
}

/* "KEY=VALUE" for --set: split in place. */
static int add_set(struct run *r, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq || eq == kv) {
		log_err("--set: expected KEY=VALUE, got '%s'", kv);
		return -EINVAL;
	}
	*eq = '\0';
	for (char *p = kv; *p; p++)
		if (*p == '-')
			*p = '_';
	return add_override(r, kv, eq + 1);
}

enum {
	OPT_FAIL_OPEN = 256, OPT_NO_FAIL_OPEN, OPT_MAXLEN, OPT_RCVBUF, OPT_BATCH,
	OPT_MAX_FLOWS, OPT_FLOW_TIMEOUT, OPT_STATS,
};

static int parse_args(struct run *r, int argc, char **argv, bool *check)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "queue", required_argument, NULL, 'q' },
		{ "blocklist", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 't' },
		{ "log", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "set", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "fail-open", no_argument, NULL, OPT_FAIL_OPEN },
		{ "no-fail-open", no_argument, NULL, OPT_NO_FAIL_OPEN },
		{ "queue-maxlen", required_argument, NULL, OPT_MAXLEN },
		{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "flow-timeout", required_argument, NULL, OPT_FLOW_TIMEOUT },
		{ "stats-interval", required_argument, NULL, OPT_STATS },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	optind = 1;
	while (ret == 0 && (c = getopt_long(argc, argv, "c:q:b:t:l:ao:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			r->conf_path = optarg;
			break;
		case 'q':
			ret = add_override(r, "queue", optarg);
			break;
		case 'b':
			if (r->n_cli_lists == CONF_MAX_BLOCKLISTS) {
				log_err("more than %d --blocklist", CONF_MAX_BLOCKLISTS);
				return -E2BIG;
			}
			r->cli_lists[r->n_cli_lists++] = optarg;
			break;
		case 't':
			ret = add_override(r, "as_of", optarg);
			break;
		case 'l':
			ret = add_override(r, "log", optarg);
			break;
		case 'a':
			ret = add_override(r, "report_all", "yes");
			break;
		case 'o':
			ret = add_set(r, optarg);
			break;
		case 'n':
			*check = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case OPT_FAIL_OPEN:
			ret = add_override(r, "fail_open", "yes");
			break;
		case OPT_NO_FAIL_OPEN:
			ret = add_override(r, "fail_open", "no");
			break;
		case OPT_MAXLEN:
			ret = add_override(r, "queue_maxlen", optarg);
			break;
		case OPT_RCVBUF:
			ret = add_override(r, "rcvbuf", optarg);
			break;
		case OPT_BATCH:
			ret = add_override(r, "batch", optarg);
			break;
		case OPT_MAX_FLOWS:
			ret = add_override(r, "max_flows", optarg);
			break;
		case OPT_FLOW_TIMEOUT:
			ret = add_override(r, "flow_timeout", optarg);
			break;
		case OPT_STATS:
			ret = add_override(r, "stats_interval", optarg);
			break;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (ret == 0 && optind < argc) {
		log_err("run: unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return ret;
}

/* ------------------------------------------------------------- start/stop */

static int start(struct run *r)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
	const struct conf *c = &r->conf;
	int ret;

	/* Block the signals before any thread exists, so every thread inherits it. */
	r->sig_fd = loop_signalfd(sigs, ARRAY_SIZE(sigs));
	r->date_fd = loop_timer_new(CLOCK_REALTIME);
	r->stats_fd = loop_timer_new(CLOCK_MONOTONIC);
	r->fail_fd = loop_event_new();
	if (r->sig_fd < 0 || r->date_fd < 0 || r->stats_fd < 0 || r->fail_fd < 0) {
		log_err("signal/timer descriptors: %s", strerror(errno));
		return -EIO;
	}
	signal(SIGPIPE, SIG_IGN);
	r->nw = (size_t)(c->queue_last - c->queue_first) + 1;
	r->w = calloc(r->nw, sizeof(*r->w));
	if (!r->w)
		return -ENOMEM;
	/* Bind every queue before starting any thread: a failure leaves nothing half-up. */
	for (size_t i = 0; i < r->nw; i++) {
		ret = worker_setup(r, &r->w[i], (uint16_t)(c->queue_first + i));
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < r->nw; i++) {
		ret = pthread_create(&r->w[i].thread, NULL, worker_main, &r->w[i]);
		if (ret) {
			log_err("thread: %s", strerror(ret));
			return -ret;
		}
		r->w[i].started = true;
	}
	r->date_from = loop_now_us();
	arm_date(r);
	if (c->stats_interval)
		loop_timer_every(r->stats_fd, (int64_t)c->stats_interval * USEC_PER_SEC);
	return 0;
}

static void cleanup(struct run *r)
{
	for (size_t i = 0; i < r->nw; i++)
		worker_free(&r->w[i]);
	free(r->w);
	blocklist_free(r->bl);
	if (r->out) {
		fflush(r->out);
		if (r->out != stdout)
			fclose(r->out);
	}
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	if (r->date_fd >= 0)
		close(r->date_fd);
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	if (r->fail_fd >= 0)
		close(r->fail_fd);
	conf_free(&r->conf);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
}

int cmd_run(int argc, char **argv)
{
	struct run r;
	bool check = false;
	int ret;

	memset(&r, 0, sizeof(r));
	conf_init(&r.conf);
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	r.sig_fd = r.date_fd = r.stats_fd = r.fail_fd = -1;
	r.exit_code = 0;

	ret = parse_args(&r, argc, argv, &check);
	if (ret != 0) {
		cleanup(&r);
		return ret > 0 ? 0 : 2;
	}
	conf_free(&r.conf);
	if (build_conf(&r, &r.conf) < 0 || load_lists(&r.conf, &r.bl) < 0 ||
	    open_log(&r.conf, &r.out, &r.out_is_stdout) < 0) {
		cleanup(&r);
		return 2;
	}
	if (check) {
		print_summary(&r, "configuration ok");
		cleanup(&r);
		return 0;
	}
	if (start(&r) < 0) {
		stop_workers(&r);
		cleanup(&r);
		return 2;
	}
	print_summary(&r, "running");
	ret = run_loop(&r);
	if (ret < 0) {
		log_err("main loop: %s", strerror(-ret));
		r.exit_code = 2;
	}
	stop_workers(&r);
	print_stats(&r, "exit");
	cleanup(&r);
	return r.exit_code;
}
