// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * observe.c - the daemon's event sink and metrics, glued to cmd_run.c.
 *
 * Counters are read from the queue threads' snapshots (loop_sync() copies
 * them under sh->lock), from the event sink and from the registry of
 * matches; the policy clock for the enforcement gauges is the one the
 * threads use (as_of or now).  One 1 s timer drives the summaries that
 * fall due when a flood stops and the periodic metrics file, so neither
 * depends on traffic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eventlog.h"
#include "evlog.h"
#include "log.h"
#include "metrics.h"
#include "observe.h"
#include "util.h"

#define STATS_LINE 16384

struct observe {
	struct eventlog *elog;
	struct metrics *m;
	int timer_fd;
	bool syslog;
	char *log_name;			/* "syslog (RFC 5424, /dev/log)" */
	char *log_spec;			/* conf "log" as started */
	uint32_t aggregate;		/* seconds, as started */
	char *metrics_file;		/* NULL: none */
	uint32_t metrics_interval;	/* seconds */
	uint32_t ticks;			/* seconds since the last metrics file */
	int64_t start_us;
	bool metrics_failing;		/* warned; quiet until it works again */
};

static int set_str(char **dst, const char *src)
{
	char *s = src ? strdup(src) : NULL;

	if (src && !s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int observe_new(struct observe **out, const struct conf *c)
{
	struct observe *o = calloc(1, sizeof(*o));
	struct eventlog_opts eo = { .target = EVENTLOG_EVLOG };
	const char *path;
	char err[512], name[300];
	int ret = -ENOMEM;

	*out = NULL;
	if (!o)
		goto nomem;
	o->timer_fd = -1;
	o->m = metrics_new();
	o->start_us = loop_now_us();
	o->aggregate = c->aggregate_interval;
	o->metrics_interval = c->metrics_interval ? c->metrics_interval : 15;
	if (!o->m || set_str(&o->metrics_file, c->metrics_file) < 0 ||
	    set_str(&o->log_spec, c->log) < 0)
		goto nomem;
	o->syslog = eventlog_is_syslog(c->log, &path, &eo.syslog_format);
	if (o->syslog) {
		eo.target = EVENTLOG_SYSLOG;
		eo.path = path;
		snprintf(name, sizeof(name), "syslog (RFC %s, %s)",
			 eo.syslog_format == EVENTLOG_RFC3164 ? "3164" : "5424",
			 path ? path : "/dev/log");
		if (set_str(&o->log_name, name) < 0)
			goto nomem;
	}
	eo.aggregate_us = (int64_t)c->aggregate_interval * USEC_PER_SEC;
	eo.metrics = o->m;
	ret = eventlog_new(&o->elog, &eo, err, sizeof(err));
	if (ret < 0) {
		log_err("%s", err);
		goto fail;
	}
	o->timer_fd = loop_timer_new(CLOCK_MONOTONIC);
	if (o->timer_fd < 0 || loop_timer_every(o->timer_fd, USEC_PER_SEC) < 0) {
		ret = o->timer_fd < 0 ? o->timer_fd : -errno;
		log_err("metrics timer: %s", strerror(-ret));
		goto fail;
	}
	*out = o;
	return 0;
nomem:
	log_err("logs and metrics: out of memory");
fail:
	observe_free(o);
	return ret;
}

void observe_free(struct observe *o)
{
	if (!o)
		return;
	eventlog_free(o->elog);
	metrics_free(o->m);
	if (o->timer_fd >= 0)
		close(o->timer_fd);
	free(o->log_name);
	free(o->log_spec);
	free(o->metrics_file);
	free(o);
}

struct eventlog *observe_eventlog(struct observe *o)
{
	return o->elog;
}

void observe_sink(void *ctx, const struct event *ev, struct evlog *out)
{
	struct observe *o = ctx;

	eventlog_event(o->elog, ev, out);
}

int observe_fd(const struct observe *o)
{
	return o->timer_fd;
}

const char *observe_log_name(const struct observe *o)
{
	return o && o->syslog ? o->log_name : NULL;
}

/* One queue thread's snapshot as the metrics see it.  sh->lock held. */
static void fill_queue(struct metrics_queue *q, const struct loop_worker *w)
{
	const struct loop_stats *st = &w->snap;

	memset(q, 0, sizeof(*q));
	q->queue = w->queue;
	q->eng = st->eng;
	q->enobufs = st->cap.enobufs;
	q->malformed = st->cap.malformed;
	q->send_errors = st->cap.send_errors;
	q->kernel_errors = st->cap.kernel_errors;
	q->requeued = st->requeued;
	q->nxdomain_sent = st->rej.sent;
	q->nxdomain_fallback = st->nxdomain_fallback;
	q->have_kernel = st->have_kern;
	q->kernel_waiting = st->kern.queue_total;
	q->kernel_dropped = st->kern.dropped;
	q->kernel_user_dropped = st->kern.user_dropped;
}

void observe_publish(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		     size_t n, const struct blocklist *bl, bool event)
{
	struct metrics_queue *q = calloc(n ? n : 1, sizeof(*q));
	struct metrics_input in = { .now_us = loop_now_us(), .start_us = o->start_us, .bl = bl };
	struct eventlog_stats ls;
	size_t nq = 0;
	int ret;

	if (!q || (!o->metrics_file && !event)) {
		free(q);
		return;
	}
	eventlog_get_stats(o->elog, &ls);
	pthread_mutex_lock(&sh->lock);
	for (size_t i = 0; i < n; i++)
		if (w[i].eng)
			fill_queue(&q[nq++], &w[i]);
	in.policy_us = sh->use_as_of ? sh->as_of_us : in.now_us;
	if (!o->syslog && sh->out) {
		/* The file's own counters: what reached it, not what was handed over. */
		struct evlog_stats es;

		evlog_get_stats(sh->out, &es);
		ls.written = es.written;
		ls.dropped += es.dropped;
	}
	pthread_mutex_unlock(&sh->lock);
	in.q = q;
	in.nq = nq;
	in.log = &ls;
	if (o->metrics_file) {
		ret = metrics_write_prom(o->m, &in, o->metrics_file);
		if (ret < 0 && !o->metrics_failing)
			log_warn("metrics: %s: %s (retried every %us)", o->metrics_file,
				 strerror(-ret), o->metrics_interval);
		else if (ret == 0 && o->metrics_failing)
			log_info("metrics: %s written again", o->metrics_file);
		o->metrics_failing = ret < 0;
	}
	if (event) {
		char *line = malloc(STATS_LINE);
		size_t len = line ? metrics_format_stats(o->m, &in, line, STATS_LINE) : 0;

		if (line && len < STATS_LINE) {
			eventlog_write(o->elog, line, len, sh->out);
			if (sh->out)
				evlog_flush(sh->out);
		}
		free(line);
	}
	o->ticks = 0;
	free(q);
}

void observe_on_timer(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		      size_t n, const struct blocklist *bl)
{
	int64_t fired = loop_timer_read(o->timer_fd);

	if (fired <= 0)
		return;
	/* Summaries of floods that stopped: due even when no event comes. */
	eventlog_tick(o->elog, loop_now_us(), sh->out);
	if (sh->out)
		evlog_flush(sh->out);
	o->ticks += (uint32_t)(fired > UINT32_MAX ? UINT32_MAX : fired);
	if (o->metrics_file && o->ticks >= o->metrics_interval) {
		loop_sync(sh, w, n);
		observe_publish(o, sh, w, n, bl, false);
	}
}

void observe_reloaded(struct observe *o, const struct conf *c, bool ok)
{
	bool to_syslog = eventlog_is_syslog(c->log, NULL, NULL);

	metrics_note_reload(o->m, ok, loop_now_us());
	if (!ok)
		return;
	if (o->syslog && eventlog_reopen(o->elog) < 0)
		log_warn("log: reconnecting to syslog failed; retried with the next event");
	if (to_syslog != o->syslog ||
	    (to_syslog && strcmp(c->log, o->log_spec ? o->log_spec : "") != 0))
		log_warn("reload: a new syslog target (log = %s) takes effect at the next start",
			 c->log ? c->log : "-");
	if (c->aggregate_interval != o->aggregate)
		log_warn("reload: aggregate_interval takes effect at the next start");
	if (set_str(&o->metrics_file, c->metrics_file) < 0)
		log_warn("reload: out of memory: metrics_file unchanged");
	o->metrics_interval = c->metrics_interval ? c->metrics_interval : 15;
}

void observe_finish(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		    size_t n, const struct blocklist *bl)
{
	eventlog_finish(o->elog, loop_now_us(), sh->out);
	if (sh->out)
		evlog_flush(sh->out);
	/* The threads are gone: their last snapshots are final. */
	observe_publish(o, sh, w, n, bl, false);
}
