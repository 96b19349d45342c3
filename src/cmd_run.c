// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_run.c - `embargo run`: the live daemon's main thread.
 *
 *   main thread (here)                    one thread per queue (loop.c)
 *   ------------------                    -----------------------------
 *   signalfd: HUP reload, TERM/INT stop   NFQUEUE socket -> engine -> verdict
 *             USR1 statistics             control eventfd -> picks up changes
 *   timerfd:  next enforcement date       1 s timerfd -> flow expiry
 *             statistics interval
 *
 * The main thread owns the configuration and the blocklist.  A reload
 * builds the new index here, off the packet path, publishes it with
 * loop_sync() and frees the old one only once every queue thread has
 * switched; a file that fails to load changes nothing.
 *
 * The policy clock is CLOCK_REALTIME per batch (or --as-of): an enforcement
 * date takes effect at the second it passes, in the engine; the date timer
 * here announces it.  A clock before clock_sanity is handled by the queue
 * threads (loop_policy_clock).
 *
 * Start-up order, least privilege last:
 *   configuration, lists, event log, user lookup   (as started: root)
 *   signalfd, timers, queues bound, raw sockets    (root: CAP_NET_ADMIN/RAW)
 *   privs_drop: user, CAP_NET_ADMIN only           (before any thread:
 *                                                   capabilities are per thread)
 *   queue threads started
 *   sandbox_apply: seccomp to every thread (TSYNC)
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_run.h"
#include "eventlog.h"
#include "evlog.h"
#include "log.h"
#include "loop.h"
#include "observe.h"
#include "privs.h"
#include "sandbox.h"
#include "util.h"

#define MAX_OVERRIDES 64

struct override {
	const char *key, *value;
	const char *opt;		/* as given: "--max-flows", or NULL for --set */
};

struct run {
	struct conf conf;
	struct override ov[MAX_OVERRIDES];	/* command line, re-applied on reload */
	size_t n_ov;
	const char *cli_lists[CONF_MAX_BLOCKLISTS];
	size_t n_cli_lists;
	const char *conf_path;
	struct blocklist *bl;		/* published in sh.bl */
	struct evlog_stats ev_closed;	/* counters of event logs replaced by reloads */
	struct privs_target target;	/* resolved at start-up */
	struct privs_report privs;	/* after the drop */
	bool dropped;
	struct loop_shared sh;
	struct observe *obs;		/* logs and metrics (observe.h) */
	struct loop_worker *w;
	size_t nw;
	int sig_fd, date_fd, stats_fd;
	int64_t date_from;		/* dates up to here were announced */
	int exit_code;
};

/* ------------------------------------------------------------- reporting */

struct kv {
	const char *k;
	uint64_t v;
};

/* Append ,"name":{"k":v,...} to @buf (bounded; truncates silently). */
static void put_group(char *buf, size_t size, const char *name, const struct kv *kv, size_t n)
{
	size_t len = strlen(buf);

	len += (size_t)snprintf(buf + len, len < size ? size - len : 0, ",\"%s\":{", name);
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s\"%s\":%llu", i ? "," : "",
					kv[i].k, (unsigned long long)kv[i].v);
	if (len < size)
		snprintf(buf + len, size - len, "}");
}

static void ev_add(struct evlog_stats *sum, const struct evlog_stats *st)
{
	sum->events += st->events;
	sum->written += st->written;
	sum->dropped += st->dropped;
	sum->write_errors += st->write_errors;
	if (st->last_error)
		sum->last_error = st->last_error;
}

/* The daemon-wide line: events, seccomp. */
static void print_daemon_stats(struct run *r, const char *why)
{
	struct evlog_stats ev = r->ev_closed, now;
	char buf[512], name[64];
	int last = sandbox_last_refused();

	evlog_get_stats(r->sh.out, &now);
	ev_add(&ev, &now);
	{
		const struct kv evk[] = {
			{ "events", ev.events }, { "written", ev.written },
			{ "dropped", ev.dropped }, { "write_errors", ev.write_errors },
		};
		const struct kv sck[] = { { "refused", sandbox_refused() } };

		snprintf(buf, sizeof(buf), "{\"seccomp_mode\":\"%s\"",
			 conf_seccomp_name(r->conf.seccomp));
		put_group(buf, sizeof(buf), "events", evk, ARRAY_SIZE(evk));
		put_group(buf, sizeof(buf), "seccomp", sck, ARRAY_SIZE(sck));
	}
	log_info("stats (%s): %s}", why, buf);
	if (last >= 0)
		log_info("seccomp: last refused system call: %s",
			 sandbox_syscall_name(last, name, sizeof(name)));
}

/* One JSON object per queue, from the snapshots the workers took. */
static void print_stats(struct run *r, const char *why)
{
	pthread_mutex_lock(&r->sh.lock);
	for (size_t i = 0; i < r->nw; i++) {
		const struct loop_worker *w = &r->w[i];
		const struct loop_stats *st = &w->snap;
		const struct engine_stats *e = &st->eng;
		const struct capture_nfq_stats *c = &st->cap;
		char buf[1900];
		const struct kv cap[] = {
			{ "packets", c->packets }, { "bytes", c->bytes },
			{ "accepted", c->accepted }, { "dropped", c->dropped },
			{ "repeated", c->repeated }, { "marked", c->marked },
			{ "verdict_msgs", c->verdict_msgs }, { "batch_msgs", c->batch_msgs },
			{ "enobufs", c->enobufs }, { "malformed", c->malformed },
			{ "lost_id", c->lost_id }, { "undelivered", c->undelivered },
			{ "gso", c->gso }, { "send_errors", c->send_errors },
			{ "kernel_errors", c->kernel_errors },
		};
		const struct kv kern[] = {
			{ "waiting", st->kern.queue_total }, { "dropped", st->kern.dropped },
			{ "user_dropped", st->kern.user_dropped },
		};
		const struct kv eng[] = {
			{ "flows", e->flows }, { "names", e->names }, { "matches", e->matches },
			{ "events", e->events }, { "undecodable", e->undecodable },
			{ "drop", e->verdict_drop }, { "reject", e->verdict_reject },
			{ "fragments_dropped", e->fragments_dropped },
			{ "ambiguous", e->ambiguous },
			{ "reasm_gave_up", e->reasm_gave_up }, { "reasm_nomem", e->reasm_nomem },
		};
		/* Every table: what it holds now and what it had to evict. */
		const struct kv tab[] = {
			{ "flows", e->flows_active }, { "flow_bytes", e->flow_bytes },
			{ "flows_evicted", e->flows_evicted },
			{ "flows_expired", e->flows_expired },
			{ "stream_bytes", e->stream_bytes },
			{ "streams_evicted", e->reasm_evicted },
			{ "streams_denied", e->reasm_denied }, { "frags", e->frag_in_progress },
			{ "frag_bytes", e->frag_bytes }, { "frags_evicted", e->frag_evicted },
			{ "learned", e->learned_active }, { "learned_evicted", e->learned_evicted },
		};
		const struct kv nx[] = {
			{ "sent", st->rej.sent }, { "fallback", st->nxdomain_fallback },
		};
		const struct kv misc[] = {
			{ "errors", st->errors }, { "error_dropped", st->error_dropped },
			{ "clock_insane", st->clock_insane }, { "unjudged", st->unjudged },
			{ "requeued", st->requeued }, { "log_errors", st->log_errors },
			{ "overload_warnings", st->overload_warnings },
		};

		if (!w->eng)
			continue;	/* never set up */
		snprintf(buf, sizeof(buf), "{\"queue\":%u", w->queue);
		put_group(buf, sizeof(buf), "capture", cap, ARRAY_SIZE(cap));
		if (st->have_kern)
			put_group(buf, sizeof(buf), "kernel", kern, ARRAY_SIZE(kern));
		put_group(buf, sizeof(buf), "engine", eng, ARRAY_SIZE(eng));
		put_group(buf, sizeof(buf), "tables", tab, ARRAY_SIZE(tab));
		put_group(buf, sizeof(buf), "nxdomain", nx, ARRAY_SIZE(nx));
		put_group(buf, sizeof(buf), "daemon", misc, ARRAY_SIZE(misc));
		log_info("stats (%s): %s}", why, buf);
	}
	pthread_mutex_unlock(&r->sh.lock);
	print_daemon_stats(r, why);
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
	else if (c->clock_sanity_us == CONF_NO_CLOCK_SANITY)
		snprintf(clock, sizeof(clock), "system time");
	else
		snprintf(clock, sizeof(clock), "system time, not before %s (%s)",
			 time_format_rfc3339(c->clock_sanity_us, when, sizeof(when)),
			 conf_clock_policy_name(c->insane_clock));
	log_info("%s: %s, fail-open %s, queue length %u; %zu list file%s, %zu entries "
		 "(%zu domains, %zu exact, %zu networks, %zu exceptions), %zu section%s; "
		 "policy clock %s; events to %s",
		 what, q, c->fail_open ? "on" : "off", c->queue_maxlen, bs.files,
		 bs.files == 1 ? "" : "s", bs.domains + bs.exact + bs.cidrs + bs.allows,
		 bs.domains, bs.exact, bs.cidrs, bs.allows, n, n == 1 ? "" : "s", clock,
		 observe_log_name(r->obs) ? observe_log_name(r->obs) :
		 evlog_is_stdout(r->sh.out) ? "stdout" : evlog_path(r->sh.out));
	for (size_t i = 0; i < n; i++) {
		const struct bl_section *s = blocklist_section(r->bl, i);

		log_info("  list %s, category %s: %s from %s (%s)", s->list, s->category,
			 action_name(s->policy.action),
			 date_text(s->policy.enforce_from, when, sizeof(when)), s->file);
	}
}

/* Who the daemon runs as, with what, and its table caps. */
static void print_privs(const struct run *r, bool planned)
{
	const struct conf *c = &r->conf;
	const struct privs_target *t = &r->target;
	char caps[128];

	if (planned)
		log_info("privileges: will run as %s (uid %u)%s, keeping CAP_NET_ADMIN; "
			 "seccomp %s", t->keep_root ? "root" : t->name, (unsigned)t->uid,
			 t->fallback ? " (user " CONF_DEFAULT_USER " does not exist)" : "",
			 conf_seccomp_name(c->seccomp));
	else if (t->keep_root)
		log_warn("privileges: user = root: running as root with every capability; "
			 "seccomp %s", conf_seccomp_name(c->seccomp));
	else
		log_info("privileges: %s %s (uid %u, gid %u)%s; capabilities %s%s; "
			 "no_new_privs; seccomp %s",
			 r->privs.not_root ? "started as" : "dropped to",
			 r->privs.not_root ? "an unprivileged user" : t->name,
			 (unsigned)r->privs.uid, (unsigned)r->privs.gid,
			 t->fallback ? " (user " CONF_DEFAULT_USER " does not exist)" : "",
			 privs_cap_names(r->privs.caps, caps, sizeof(caps)),
			 r->privs.bounding_dropped ? " (bounding set too)" : "",
			 conf_seccomp_name(c->seccomp));
	log_info("tables per queue: %llu flows, %llu bytes of streams (%llu per flow), "
		 "%llu fragmented datagrams in %llu bytes, %llu learned addresses; "
		 "error_verdict %s", (unsigned long long)c->max_flows,
		 (unsigned long long)c->stream_mem, (unsigned long long)c->stream_cap,
		 (unsigned long long)c->frag_max, (unsigned long long)c->frag_mem,
		 (unsigned long long)c->learned_max, c->error_drop ? "drop" : "accept");
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

/* Notes and warnings of a load ("3 Adblock rules with $options skipped"). */
static void list_diag(void *ctx, const struct bl_diag *d)
{
	(void)ctx;
	if (d->line)
		log_warn("%s:%u: %s", d->file, d->line, d->msg);
	else if (d->file && d->file[0])
		log_info("%s: %s", d->file, d->msg);
	else
		log_info("%s", d->msg);
}

static int load_lists(const struct conf *c, struct blocklist **out)
{
	struct bl_source src[CONF_MAX_BLOCKLISTS];
	struct blocklist_defaults d = { .category = c->default_category,
					.policy = c->default_policy };
	struct bl_options opt = {
		.defaults = &d,
		.off = (const char *const *)c->lists_off,
		.n_off = c->n_lists_off,
		.on = (const char *const *)c->lists_on,
		.n_on = c->n_lists_on,
		.report = list_diag,
	};
	struct bl_error err;
	size_t n = c->n_blocklists;
	int ret;

	memset(src, 0, sizeof(src));
	for (size_t i = 0; i < n; i++) {
		src[i].path = c->blocklists[i];
		src[i].format = (enum bl_format)c->blocklist_format[i];
	}
	if (n == 0) {
		src[0].path = cli_default_blocklist_dir();
		n = 1;
	}
	if (!d.category)
		d.category = "default";
	memset(&err, 0, sizeof(err));
	ret = blocklist_load_sources(out, src, n, &opt, &err);
	if (ret < 0) {
		if (err.line)
			log_err("%s:%u: %s", err.file, err.line, err.msg);
		else
			log_err("%s: %s", err.file[0] ? err.file : "blocklist",
				err.msg[0] ? err.msg : strerror(-ret));
	}
	return ret;
}

/*
 * "command line: --max-flows: '5' is out of range (...)": conf_set's
 * "key: message" with the key replaced by the option as it was given.
 */
static void cli_error(const struct override *o, const char *msg)
{
	size_t kl = strlen(o->key);
	const char *rest = msg;

	if (strncmp(msg, o->key, kl) == 0 && msg[kl] == ':')
		rest = msg + kl + 2;
	if (o->opt)
		log_err("command line: %s: %s", o->opt, rest);
	else
		log_err("command line: --set %s: %s", o->key, rest);
}

/* Build a configuration: file (if any), then the command line, then checks. */
static int build_conf(const struct run *r, struct conf *c)
{
	char err[CONF_ERR_LEN];

	conf_init(c);
	if (r->conf_path && conf_load(c, r->conf_path, err, sizeof(err)) < 0)
		goto fail;
	for (size_t i = 0; i < r->n_ov; i++) {
		if (conf_set(c, r->ov[i].key, r->ov[i].value, NULL, err, sizeof(err)) < 0) {
			cli_error(&r->ov[i], err);
			goto fail_quiet;
		}
	}
	if (r->n_cli_lists) {
		/* --blocklist replaces the file's lists. */
		for (size_t i = 0; i < c->n_blocklists; i++)
			free(c->blocklists[i]);
		c->n_blocklists = 0;
		for (size_t i = 0; i < r->n_cli_lists; i++) {
			if (conf_set(c, "blocklist", r->cli_lists[i], NULL, err, sizeof(err)) < 0) {
				const struct override o = { "blocklist", r->cli_lists[i],
							    "--blocklist" };

				cli_error(&o, err);
				goto fail_quiet;
			}
		}
	}
	if (conf_check(c, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	log_err("%s", err);
fail_quiet:
	conf_free(c);
	return -EINVAL;
}

static int open_log(const struct conf *c, struct evlog **out)
{
	char err[512];
	/* log = syslog: events go to syslog (observe.h); the evlog idles on stdout. */
	int ret = evlog_open(out, eventlog_is_syslog(c->log, NULL, NULL) ? "-" : c->log, err,
			     sizeof(err));

	if (ret < 0)
		log_err("%s", err);
	return ret;
}

/* Settings a reload cannot change in place. */
static void warn_restart_only(const struct conf *old, const struct conf *nc)
{
	if (old->queue_first != nc->queue_first || old->queue_last != nc->queue_last ||
	    old->queue_maxlen != nc->queue_maxlen || old->rcvbuf != nc->rcvbuf ||
	    old->fail_open != nc->fail_open || old->batch != nc->batch ||
	    old->max_flows != nc->max_flows || old->flow_timeout != nc->flow_timeout ||
	    old->report_all != nc->report_all ||
	    memcmp(&old->marks, &nc->marks, sizeof(old->marks)) != 0 ||
	    old->error_drop != nc->error_drop || old->seccomp != nc->seccomp ||
	    strcmp(conf_user(old), conf_user(nc)) != 0 || old->stream_cap != nc->stream_cap ||
	    old->stream_mem != nc->stream_mem || old->frag_max != nc->frag_max ||
	    old->frag_mem != nc->frag_mem || old->learned_max != nc->learned_max)
		log_warn("reload: queue, buffer, fail_open, batch, table, report_all, mark, "
			 "error_verdict, user and seccomp settings take effect at the next start");
}

/* Keep what only a restart changes; the rest of @nc replaces the running settings. */
static void keep_restart_only(const struct conf *old, struct conf *nc)
{
	char *user = nc->user;

	nc->queue_first = old->queue_first;
	nc->queue_last = old->queue_last;
	nc->queue_maxlen = old->queue_maxlen;
	nc->rcvbuf = old->rcvbuf;
	nc->fail_open = old->fail_open;
	nc->batch = old->batch;
	nc->max_flows = old->max_flows;
	nc->flow_timeout = old->flow_timeout;
	nc->report_all = old->report_all;
	nc->marks = old->marks;
	nc->error_drop = old->error_drop;
	nc->seccomp = old->seccomp;
	nc->stream_cap = old->stream_cap;
	nc->stream_mem = old->stream_mem;
	nc->frag_max = old->frag_max;
	nc->frag_mem = old->frag_mem;
	nc->learned_max = old->learned_max;
	nc->user = old->user ? strdup(old->user) : NULL;
	free(user);
}

static void reload(struct run *r)
{
	struct conf nc;
	struct blocklist *nbl, *obl;
	struct evlog *nout, *oout;
	struct evlog_stats st;

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
	if (open_log(&nc, &nout) < 0) {
		log_warn("reload: keeping the event log %s", evlog_path(r->sh.out));
		nout = r->sh.out;
		free(nc.log);
		nc.log = r->conf.log ? strdup(r->conf.log) : NULL;
	}
	warn_restart_only(&r->conf, &nc);
	/* Restart-only settings stay as they are, so the summary tells the truth. */
	keep_restart_only(&r->conf, &nc);

	obl = r->bl;
	oout = r->sh.out;
	pthread_mutex_lock(&r->sh.lock);
	r->bl = nbl;
	r->sh.bl = nbl;
	r->sh.out = nout;
	r->sh.use_as_of = nc.use_as_of;
	r->sh.as_of_us = nc.as_of_us;
	r->sh.clock_sanity_us = nc.clock_sanity_us;
	r->sh.insane_clock = nc.insane_clock;
	pthread_mutex_unlock(&r->sh.lock);
	conf_free(&r->conf);
	r->conf = nc;
	loop_sync(&r->sh, r->w, r->nw);
	/* No worker can still be using the old list or file. */
	blocklist_free(obl);
	if (oout != nout) {
		evlog_flush(oout);
		evlog_get_stats(oout, &st);
		ev_add(&r->ev_closed, &st);
		evlog_free(oout);
	}
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
		case SIGHUP: {
			const struct blocklist *before = r->bl;

			reload(r);
			/* A reload that succeeded installed a new list. */
			observe_reloaded(r->obs, &r->conf, r->bl != before);
			break;
		}
		case SIGUSR1:
			loop_sync(&r->sh, r->w, r->nw);
			print_stats(r, "SIGUSR1");
			observe_publish(r->obs, &r->sh, r->w, r->nw, r->bl, true);
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
		loop_sync(&r->sh, r->w, r->nw);
		print_stats(r, "interval");
		observe_publish(r->obs, &r->sh, r->w, r->nw, r->bl, true);
	}
	return 0;
}

/* Logs and metrics: summaries that fall due, the metrics file (observe.h). */
static int on_observe(void *ctx, int fd)
{
	struct run *r = ctx;

	(void)fd;	/* observe's own timer */
	observe_on_timer(r->obs, &r->sh, r->w, r->nw, r->bl);
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
	loop_add(l, r->sh.fail_fd, on_fail, r);
	loop_add(l, r->date_fd, on_date, r);
	loop_add(l, r->stats_fd, on_stats, r);
	loop_add(l, observe_fd(r->obs), on_observe, r);
	ret = loop_run(l);
	loop_free(l);
	return ret == -ECANCELED ? 0 : ret;
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
		"  -u, --user NAME          drop to this user after start-up (default embargo,\n"
		"                           else nobody; root keeps root)\n"
		"      --no-drop            keep root and every capability (same as --user root)\n"
		"      --seccomp MODE       strict (default), log or off\n"
		"  -o, --set KEY=VALUE      any embargo.conf key\n"
		"  -n, --check              load everything, print the start-up line, exit\n"
		"  -h, --help               this help\n"
		"Signals: HUP reloads configuration and lists, USR1 logs statistics,\n"
		"TERM/INT stop.  Install the ruleset with scripts/rules.\n");
}

static int add_override(struct run *r, const char *key, const char *value, const char *opt)
{
	if (r->n_ov == MAX_OVERRIDES) {
		log_err("command line: more than %d options", MAX_OVERRIDES);
		return -E2BIG;
	}
	r->ov[r->n_ov++] = (struct override){ key, value, opt };
	return 0;
}

/* "KEY=VALUE" for --set: split in place. */
static int add_set(struct run *r, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq || eq == kv) {
		log_err("command line: --set: expected KEY=VALUE, got '%s'", kv);
		return -EINVAL;
	}
	*eq = '\0';
	for (char *p = kv; *p; p++)
		if (*p == '-')
			*p = '_';
	return add_override(r, kv, eq + 1, NULL);
}

/*
 * Options that only set an embargo.conf key: the key, and the value for
 * flags (NULL: the option's argument).  The rest are handled in parse_args.
 */
static const struct run_opt {
	const char *name;
	int has_arg;
	int val;
	const char *key, *value;
} run_opts[] = {
	{ "queue", required_argument, 'q', "queue", NULL },
	{ "as-of", required_argument, 't', "as_of", NULL },
	{ "log", required_argument, 'l', "log", NULL },
	{ "all", no_argument, 'a', "report_all", "yes" },
	{ "fail-open", no_argument, 256, "fail_open", "yes" },
	{ "no-fail-open", no_argument, 257, "fail_open", "no" },
	{ "queue-maxlen", required_argument, 258, "queue_maxlen", NULL },
	{ "rcvbuf", required_argument, 259, "rcvbuf", NULL },
	{ "batch", required_argument, 260, "batch", NULL },
	{ "max-flows", required_argument, 261, "max_flows", NULL },
	{ "flow-timeout", required_argument, 262, "flow_timeout", NULL },
	{ "stats-interval", required_argument, 263, "stats_interval", NULL },
	{ "user", required_argument, 'u', "user", NULL },
	{ "no-drop", no_argument, 264, "user", "root" },
	{ "seccomp", required_argument, 265, "seccomp", NULL },
	{ "config", required_argument, 'c', NULL, NULL },
	{ "blocklist", required_argument, 'b', NULL, NULL },
	{ "set", required_argument, 'o', NULL, NULL },
	{ "check", no_argument, 'n', NULL, NULL },
	{ "help", no_argument, 'h', NULL, NULL },
};

/* The long option of @val, for messages ("--max-flows"). */
static const char *opt_name(int val, char *buf, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(run_opts); i++) {
		if (run_opts[i].val == val) {
			snprintf(buf, size, "--%s", run_opts[i].name);
			return buf;
		}
	}
	snprintf(buf, size, "-%c", val);
	return buf;
}

/* Options keep their spelling for messages: an arena of "--name" strings. */
#define OPT_NAME_LEN 24

static int parse_args(struct run *r, int argc, char **argv, bool *check)
{
	static char names[MAX_OVERRIDES][OPT_NAME_LEN];
	struct option opts[ARRAY_SIZE(run_opts) + 1];
	int c, ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(run_opts); i++)
		opts[i] = (struct option){ run_opts[i].name, run_opts[i].has_arg, NULL,
					   run_opts[i].val };
	opts[ARRAY_SIZE(run_opts)] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;	/* our own one-line messages below */
	while (ret == 0 && (c = getopt_long(argc, argv, ":c:q:b:t:l:ao:nhu:", opts, NULL)) != -1) {
		const struct run_opt *o = NULL;
		char name[OPT_NAME_LEN];

		for (size_t i = 0; i < ARRAY_SIZE(run_opts); i++)
			if (run_opts[i].val == c && run_opts[i].key)
				o = &run_opts[i];
		if (o) {
			char *n = names[r->n_ov < MAX_OVERRIDES ? r->n_ov : 0];

			snprintf(n, OPT_NAME_LEN, "--%s", o->name);
			ret = add_override(r, o->key, o->value ? o->value : optarg, n);
			continue;
		}
		switch (c) {
		case 'c':
			r->conf_path = optarg;
			break;
		case 'b':
			if (r->n_cli_lists == CONF_MAX_BLOCKLISTS) {
				log_err("command line: --blocklist: more than %d",
					CONF_MAX_BLOCKLISTS);
				return -E2BIG;
			}
			r->cli_lists[r->n_cli_lists++] = optarg;
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
		case ':':
			log_err("command line: %s needs a value (see embargo run --help)",
				optopt ? opt_name(optopt, name, sizeof(name)) : argv[optind - 1]);
			return -EINVAL;
		default:
			log_err("command line: unknown option '%s' (see embargo run --help)",
				optopt ? opt_name(optopt, name, sizeof(name)) : argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (ret == 0 && optind < argc) {
		log_err("command line: unexpected argument '%s' (see embargo run --help)",
			argv[optind]);
		return -EINVAL;
	}
	return ret;
}

/* ------------------------------------------------------------- start/stop */

/* access(2) as the dropped user; a warning says what a reload would fail to do. */
static void warn_unreadable(const char *path, const char *what)
{
	struct stat sb;
	int mode = R_OK;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		mode |= X_OK;
	if (access(path, mode) < 0)
		log_warn("privileges: %s %s is not readable by the dropped user (%s): a reload "
			 "will fail and keep what is running", what, path, strerror(errno));
}

/*
 * After the drop: can SIGHUP still do its job?  The configuration file and
 * the lists must be readable, and the event log's directory writable for a
 * rotated log to be created again (the open file itself stays usable).
 */
static void check_reload_access(const struct run *r)
{
	const struct conf *c = &r->conf;

	if (r->conf_path)
		warn_unreadable(r->conf_path, "configuration");
	for (size_t i = 0; i < c->n_blocklists; i++)
		warn_unreadable(c->blocklists[i], "list");
	if (c->n_blocklists == 0)
		warn_unreadable(cli_default_blocklist_dir(), "list directory");
	if (!evlog_is_stdout(r->sh.out)) {
		char *dir = strdup(evlog_path(r->sh.out)), *slash;

		if (!dir)
			return;
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, strlen(dir) + 1, ".");
		else
			slash[slash == dir] = '\0';
		if (access(dir, W_OK | X_OK) < 0)
			log_warn("privileges: the event log's directory %s is not writable by the "
				 "dropped user (%s): after log rotation SIGHUP cannot create a new "
				 "log and keeps writing the old one", dir, strerror(errno));
		free(dir);
	}
}

/* Least privilege, before any thread exists (privs.h). */
static int drop_privileges(struct run *r)
{
	char err[256];
	int ret;

	/* The log file we opened as root is the daemon's: let the user reopen it. */
	if (!r->target.keep_root && geteuid() == 0 &&
	    (ret = evlog_chown(r->sh.out, r->target.uid, r->target.gid)) < 0)
		log_warn("log: %s: chown to %s: %s", evlog_path(r->sh.out), r->target.name,
			 strerror(-ret));
	ret = privs_drop(&r->target, PRIVS_CAP(CAP_NET_ADMIN), &r->privs, err, sizeof(err));
	if (ret < 0) {
		log_err("%s", err);
		return ret;
	}
	r->dropped = true;
	if (!r->target.keep_root)
		check_reload_access(r);
	return 0;
}

static int start(struct run *r)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
	const struct conf *c = &r->conf;
	char err[256];
	int ret;

	/* Block the signals before any thread exists, so every thread inherits it. */
	r->sig_fd = loop_signalfd(sigs, ARRAY_SIZE(sigs));
	r->date_fd = loop_timer_new(CLOCK_REALTIME);
	r->stats_fd = loop_timer_new(CLOCK_MONOTONIC);
	r->sh.fail_fd = loop_event_new();
	if (r->sig_fd < 0 || r->date_fd < 0 || r->stats_fd < 0 || r->sh.fail_fd < 0) {
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
		ret = loop_worker_init(&r->w[i], &r->sh, c, (uint16_t)(c->queue_first + i), i == 0);
		if (ret < 0)
			return ret;
	}
	ret = drop_privileges(r);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < r->nw; i++) {
		ret = loop_worker_start(&r->w[i]);
		if (ret < 0) {
			log_err("thread: %s", strerror(-ret));
			return ret;
		}
	}
	/*
	 * A new thread registers itself (rseq, set_robust_list) only once it
	 * runs: wait until every one has answered a sync, i.e. is in its loop,
	 * before the filter leaves those calls out.
	 */
	loop_sync(&r->sh, r->w, r->nw);
	ret = sandbox_apply(c->seccomp, err, sizeof(err));
	if (ret < 0) {
		log_err("%s (set seccomp = off to run without it)", err);
		return ret;
	}
	r->date_from = loop_now_us();
	arm_date(r);
	if (c->stats_interval)
		loop_timer_every(r->stats_fd, (int64_t)c->stats_interval * USEC_PER_SEC);
	return 0;
}

static void stop(struct run *r)
{
	if (r->w && loop_workers_stop(&r->sh, r->w, r->nw) < 0)
		r->exit_code = 2;
}

static void cleanup(struct run *r)
{
	for (size_t i = 0; r->w && i < r->nw; i++)
		loop_worker_free(&r->w[i]);
	free(r->w);
	blocklist_free(r->bl);
	observe_free(r->obs);
	evlog_free(r->sh.out);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	if (r->date_fd >= 0)
		close(r->date_fd);
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	if (r->sh.fail_fd >= 0)
		close(r->sh.fail_fd);
	conf_free(&r->conf);
	pthread_mutex_destroy(&r->sh.lock);
	pthread_cond_destroy(&r->sh.cond);
}

/* The user to become: looked up now, while /etc/passwd and NSS are at hand. */
static int resolve_user(struct run *r)
{
	char err[256];

	if (privs_resolve(conf_user(&r->conf), &r->target, err, sizeof(err)) < 0) {
		log_err("%s%s", r->conf.path && r->conf.user ? "configuration: " : "", err);
		return -ENOENT;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run r;
	bool check = false;
	int ret;

	memset(&r, 0, sizeof(r));
	conf_init(&r.conf);
	pthread_mutex_init(&r.sh.lock, NULL);
	pthread_cond_init(&r.sh.cond, NULL);
	r.sig_fd = r.date_fd = r.stats_fd = r.sh.fail_fd = -1;

	ret = parse_args(&r, argc, argv, &check);
	if (ret != 0) {
		cleanup(&r);
		return ret > 0 ? 0 : 2;
	}
	conf_free(&r.conf);
	if (build_conf(&r, &r.conf) < 0 || resolve_user(&r) < 0 ||
	    load_lists(&r.conf, &r.bl) < 0 || open_log(&r.conf, &r.sh.out) < 0 ||
	    observe_new(&r.obs, &r.conf) < 0) {
		cleanup(&r);
		return 2;
	}
	r.sh.sink = observe_sink;
	r.sh.sink_ctx = r.obs;
	r.sh.bl = r.bl;
	r.sh.use_as_of = r.conf.use_as_of;
	r.sh.as_of_us = r.conf.as_of_us;
	r.sh.clock_sanity_us = r.conf.clock_sanity_us;
	r.sh.insane_clock = r.conf.insane_clock;
	if (check) {
		print_summary(&r, "configuration ok");
		print_privs(&r, true);
		cleanup(&r);
		return 0;
	}
	if (start(&r) < 0) {
		stop(&r);
		cleanup(&r);
		return 2;
	}
	print_summary(&r, "running");
	print_privs(&r, false);
	ret = run_loop(&r);
	if (ret < 0) {
		log_err("main loop: %s", strerror(-ret));
		r.exit_code = 2;
	}
	stop(&r);
	print_stats(&r, "exit");
	observe_finish(r.obs, &r.sh, r.w, r.nw, r.bl);
	cleanup(&r);
	return r.exit_code;
}
