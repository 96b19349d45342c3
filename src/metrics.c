// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - counters as Prometheus text (exposition format 0.0.4) and as
 * the "stats" event.
 *
 * Each metric family is one struct fam: a name, HELP, TYPE and its samples
 * written together, because the format wants every sample of a family in
 * one group after its HELP/TYPE lines.  Label values come from lists and
 * configuration, so they are escaped (backslash, double quote, newline).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "metrics.h"
#include "policy.h"
#include "util.h"

struct match_series {
	char *list, *category;
	enum action action;
	bool enforced;
	uint64_t n;
};

struct metrics {
	pthread_mutex_t lock;
	struct match_series s[METRICS_MAX_SERIES];
	size_t ns;
	uint64_t overflow;		/* matches of series beyond the cap */
	uint64_t reload_ok, reload_failed;
	bool have_reload, last_reload_ok;
	int64_t last_reload_us;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ns; i++) {
		free(m->s[i].list);
		free(m->s[i].category);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_note_event(struct metrics *m, const struct event *ev)
{
	const struct bl_section *sec;
	struct match_series *x = NULL;

	if (ev->type != EV_MATCH || !ev->rule || !ev->rule->section)
		return;
	sec = ev->rule->section;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->ns && !x; i++)
		if (m->s[i].action == ev->decision.action &&
		    m->s[i].enforced == ev->decision.enforced &&
		    strcmp(m->s[i].list, sec->list) == 0 &&
		    strcmp(m->s[i].category, sec->category) == 0)
			x = &m->s[i];
	if (!x && m->ns < METRICS_MAX_SERIES) {
		x = &m->s[m->ns];
		x->list = strdup(sec->list);
		x->category = strdup(sec->category);
		if (x->list && x->category) {
			x->action = ev->decision.action;
			x->enforced = ev->decision.enforced;
			x->n = 0;
			m->ns++;
		} else {
			free(x->list);
			free(x->category);
			x->list = x->category = NULL;
			x = NULL;
		}
	}
	if (x)
		x->n++;
	else
		m->overflow++;
	pthread_mutex_unlock(&m->lock);
}

void metrics_note_reload(struct metrics *m, bool ok, int64_t now_us)
{
	pthread_mutex_lock(&m->lock);
	if (ok)
		m->reload_ok++;
	else
		m->reload_failed++;
	m->have_reload = true;
	m->last_reload_ok = ok;
	m->last_reload_us = now_us;
	pthread_mutex_unlock(&m->lock);
}

bool metrics_enforced(const struct bl_section *s, int64_t now_us)
{
	return policy_decide(&s->policy, now_us).enforced;
}

/* ------------------------------------------------------------- exposition */

/* A label value, escaped: \ -> \\, " -> \", newline -> \n. */
static void put_label(FILE *f, const char *name, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP embargo_%s %s\n# TYPE embargo_%s %s\n", name, help, name, type);
}

static void sample_u(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, "embargo_%s %llu\n", name, (unsigned long long)v);
}

/* name{queue="N"[,extra="value"]} v */
static void sample_q(FILE *f, const char *name, unsigned q, const char *extra,
		     const char *value, uint64_t v)
{
	char qs[16];

	snprintf(qs, sizeof(qs), "%u", q);
	fprintf(f, "embargo_%s{", name);
	put_label(f, "queue", qs, true);
	if (extra)
		put_label(f, extra, value, false);
	fprintf(f, "} %llu\n", (unsigned long long)v);
}

/* A per-queue counter family: @off is the field's offset in the queue struct. */
struct qfield {
	const char *label_value;
	size_t off;
};

#define QOFF(field) offsetof(struct metrics_queue, field)

/* Label groups both the Prometheus file and the stats event report. */
static const struct qfield verdicts[] = {
	{ "accept", QOFF(eng.verdict_accept) },
	{ "drop", QOFF(eng.verdict_drop) },
	{ "reject", QOFF(eng.verdict_reject) },
};
static const struct qfield perr[] = {
	{ "ip", QOFF(eng.undecodable) }, { "dns", QOFF(eng.parse_err_dns) },
	{ "tls", QOFF(eng.parse_err_tls) }, { "http", QOFF(eng.parse_err_http) },
	{ "quic", QOFF(eng.parse_err_quic) },
};
static const struct qfield unread[] = {
	{ "fragment", QOFF(eng.fragments_dropped) }, { "ambiguous", QOFF(eng.ambiguous) },
};

static uint64_t qget(const struct metrics_queue *q, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)q + off, sizeof(v));
	return v;
}

static void per_queue(FILE *f, const struct metrics_input *in, const char *name,
		      const char *type, const char *help, const char *label,
		      const struct qfield *fl, size_t n)
{
	family(f, name, type, help);
	for (size_t i = 0; i < in->nq; i++)
		for (size_t k = 0; k < n; k++)
			sample_q(f, name, in->q[i].queue, label, fl[k].label_value,
				 qget(&in->q[i], fl[k].off));
}

static void engine_families(FILE *f, const struct metrics_input *in)
{
	static const struct qfield packets[] = { { NULL, QOFF(eng.packets) } };
	static const struct qfield bytes[] = { { NULL, QOFF(eng.bytes) } };
	static const struct qfield flows[] = { { NULL, QOFF(eng.flows) } };
	static const struct qfield active[] = { { NULL, QOFF(eng.flows_active) } };
	static const struct qfield names[] = { { NULL, QOFF(eng.names) } };
	static const struct qfield evict[] = {
		{ "flow", QOFF(eng.flows_evicted) }, { "stream", QOFF(eng.reasm_evicted) },
		{ "fragment", QOFF(eng.frag_evicted) }, { "learned", QOFF(eng.learned_evicted) },
	};

	per_queue(f, in, "packets_total", "counter", "Packets inspected.", NULL, packets, 1);
	per_queue(f, in, "bytes_total", "counter", "Bytes of the packets inspected.", NULL,
		  bytes, 1);
	per_queue(f, in, "verdicts_total", "counter", "Packet verdicts by kind.", "verdict",
		  verdicts, ARRAY_SIZE(verdicts));
	per_queue(f, in, "flows_total", "counter", "Flows tracked.", NULL, flows, 1);
	per_queue(f, in, "flows_active", "gauge", "Flows in the flow table now.", NULL, active, 1);
	per_queue(f, in, "names_total", "counter", "Names extracted from packets.", NULL, names,
		  1);
	per_queue(f, in, "parse_errors_total", "counter",
		  "Packets that failed to parse, by protocol (ip: link, IP or transport).",
		  "protocol", perr, ARRAY_SIZE(perr));
	per_queue(f, in, "unread_drops_total", "counter",
		  "Packets dropped because a receiver could read them differently from the "
		  "filter (overlapping or evicted fragments, ambiguous IPv6 headers, nesting "
		  "too deep), by reason.",
		  "reason", unread, ARRAY_SIZE(unread));
	per_queue(f, in, "table_evictions_total", "counter",
		  "Entries evicted from full tables, by table.", "table", evict,
		  ARRAY_SIZE(evict));
}

static void capture_families(FILE *f, const struct metrics_input *in)
{
	static const struct qfield cerr[] = {
		{ "enobufs", QOFF(enobufs) }, { "malformed", QOFF(malformed) },
		{ "send", QOFF(send_errors) }, { "kernel", QOFF(kernel_errors) },
	};
	static const struct qfield nx[] = {
		{ "sent", QOFF(nxdomain_sent) }, { "fallback", QOFF(nxdomain_fallback) },
	};
	static const struct qfield requeued[] = { { NULL, QOFF(requeued) } };

	family(f, "queue_drops_total", "counter",
	       "Packets the kernel dropped from the queue (/proc/net/netfilter/nfnetlink_queue).");
	for (size_t i = 0; i < in->nq; i++) {
		if (!in->q[i].have_kernel)
			continue;
		sample_q(f, "queue_drops_total", in->q[i].queue, "reason", "queue_full",
			 in->q[i].kernel_dropped);
		sample_q(f, "queue_drops_total", in->q[i].queue, "reason", "socket_full",
			 in->q[i].kernel_user_dropped);
	}
	family(f, "queue_waiting", "gauge", "Packets waiting in the kernel queue for a verdict.");
	for (size_t i = 0; i < in->nq; i++)
		if (in->q[i].have_kernel)
			sample_q(f, "queue_waiting", in->q[i].queue, NULL, NULL,
				 in->q[i].kernel_waiting);
	per_queue(f, in, "capture_errors_total", "counter", "Queue socket errors by kind.",
		  "kind", cerr, ARRAY_SIZE(cerr));
	per_queue(f, in, "nxdomain_total", "counter",
		  "Rejected DNS questions: NXDOMAIN sent, or dropped instead (fallback).",
		  "result", nx, ARRAY_SIZE(nx));
	per_queue(f, in, "requeued_total", "counter",
		  "Decided packets queued again (the ruleset lacks the mark rules).", NULL,
		  requeued, 1);
}

static int cmp_series(const void *a, const void *b)
{
	const struct match_series *x = a, *y = b;
	int c = strcmp(x->list, y->list);

	if (!c)
		c = strcmp(x->category, y->category);
	if (!c)
		c = (int)x->action - (int)y->action;
	if (!c)
		c = (int)x->enforced - (int)y->enforced;
	return c;
}

/* Called with m->lock held. */
static void match_family(FILE *f, struct metrics *m)
{
	qsort(m->s, m->ns, sizeof(m->s[0]), cmp_series);
	family(f, "matches_total", "counter",
	       "Block rule matches (events) by list, category, action and enforcement.");
	for (size_t i = 0; i < m->ns; i++) {
		fputs("embargo_matches_total{", f);
		put_label(f, "list", m->s[i].list, true);
		put_label(f, "category", m->s[i].category, false);
		put_label(f, "action", action_name(m->s[i].action), false);
		put_label(f, "enforced", m->s[i].enforced ? "true" : "false", false);
		fprintf(f, "} %llu\n", (unsigned long long)m->s[i].n);
	}
	family(f, "matches_overflow_total", "counter",
	       "Matches not in embargo_matches_total: more label sets than it keeps.");
	sample_u(f, "matches_overflow_total", m->overflow);
}

/* One gauge line per distinct (list, category, action): enforced if any is. */
struct section_state {
	const char *list, *category;
	enum action action;
	bool enforced, dated;
	int64_t from;			/* earliest date among them */
};

static size_t section_states(const struct blocklist *bl, int64_t now,
			     struct section_state *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; bl && i < blocklist_n_sections(bl); i++) {
		const struct bl_section *s = blocklist_section(bl, i);
		int64_t t = s->policy.enforce_from;
		struct section_state *x = NULL;

		/* A section of exceptions only blocks nothing: no state to show. */
		if (s->domains + s->exact + s->cidrs == 0)
			continue;
		for (size_t k = 0; k < n && !x; k++)
			if (out[k].action == s->policy.action && !strcmp(out[k].list, s->list) &&
			    !strcmp(out[k].category, s->category))
				x = &out[k];
		if (!x) {
			if (n == max)
				continue;
			x = &out[n++];
			*x = (struct section_state){ .list = s->list, .category = s->category,
						     .action = s->policy.action };
		}
		if (metrics_enforced(s, now))
			x->enforced = true;
		if (t != POLICY_NEVER && t != POLICY_ALWAYS && (!x->dated || t < x->from)) {
			x->dated = true;
			x->from = t;
		}
	}
	return n;
}

static void policy_families(FILE *f, const struct metrics_input *in)
{
	struct section_state st[256];
	size_t n = section_states(in->bl, in->policy_us, st, ARRAY_SIZE(st));

	family(f, "enforced", "gauge",
	       "1 when the category's block is enforced now (its date passed), else 0.");
	for (size_t i = 0; i < n; i++) {
		fputs("embargo_enforced{", f);
		put_label(f, "list", st[i].list, true);
		put_label(f, "category", st[i].category, false);
		put_label(f, "action", action_name(st[i].action), false);
		fprintf(f, "} %d\n", st[i].enforced ? 1 : 0);
	}
	family(f, "enforce_from_timestamp_seconds", "gauge",
	       "The enforcement date of a dated category, in seconds since the epoch.");
	for (size_t i = 0; i < n; i++) {
		if (!st[i].dated)
			continue;
		fputs("embargo_enforce_from_timestamp_seconds{", f);
		put_label(f, "list", st[i].list, true);
		put_label(f, "category", st[i].category, false);
		put_label(f, "action", action_name(st[i].action), false);
		fprintf(f, "} %lld\n", (long long)(st[i].from / USEC_PER_SEC));
	}
}

/* Called with m->lock held. */
static void reload_families(FILE *f, const struct metrics *m)
{
	family(f, "reloads_total", "counter", "Reloads (SIGHUP) by result.");
	fprintf(f, "embargo_reloads_total{result=\"ok\"} %llu\n",
		(unsigned long long)m->reload_ok);
	fprintf(f, "embargo_reloads_total{result=\"failed\"} %llu\n",
		(unsigned long long)m->reload_failed);
	if (!m->have_reload)
		return;
	family(f, "last_reload_success", "gauge", "1 if the last reload succeeded, else 0.");
	fprintf(f, "embargo_last_reload_success %d\n", m->last_reload_ok ? 1 : 0);
	family(f, "last_reload_timestamp_seconds", "gauge", "When the last reload finished.");
	fprintf(f, "embargo_last_reload_timestamp_seconds %lld\n",
		(long long)(m->last_reload_us / USEC_PER_SEC));
}

static void log_families(FILE *f, const struct eventlog_stats *s)
{
	family(f, "log_lines_total", "counter",
	       "Event lines by fate: written, dropped (queue full) or lost to a write error.");
	fprintf(f, "embargo_log_lines_total{result=\"written\"} %llu\n",
		(unsigned long long)s->written);
	fprintf(f, "embargo_log_lines_total{result=\"dropped\"} %llu\n",
		(unsigned long long)s->dropped);
	fprintf(f, "embargo_log_lines_total{result=\"error\"} %llu\n",
		(unsigned long long)s->write_errors);
	family(f, "log_suppressed_total", "counter",
	       "Repeated identical events folded into summary events.");
	sample_u(f, "log_suppressed_total", s->suppressed);
	family(f, "log_summaries_total", "counter", "Summary events written.");
	sample_u(f, "log_summaries_total", s->summaries);
	family(f, "log_aggregation_evictions_total", "counter",
	       "Event series evicted from the full aggregation table.");
	sample_u(f, "log_aggregation_evictions_total", s->evictions);
	family(f, "log_series", "gauge", "Event series being aggregated now.");
	sample_u(f, "log_series", s->series);
	family(f, "log_reopens_total", "counter", "Log reopens (SIGHUP) by result.");
	fprintf(f, "embargo_log_reopens_total{result=\"ok\"} %llu\n",
		(unsigned long long)s->reopens);
	fprintf(f, "embargo_log_reopens_total{result=\"failed\"} %llu\n",
		(unsigned long long)s->reopen_errors);
}

int metrics_format_prom(struct metrics *m, const struct metrics_input *in, FILE *f)
{
	family(f, "build_info", "gauge", "The version of embargo running.");
	fputs("embargo_build_info{", f);
	put_label(f, "version", EMBARGO_VERSION, true);
	fputs("} 1\n", f);
	family(f, "start_time_seconds", "gauge",
	       "When the daemon started, seconds since the epoch.");
	fprintf(f, "embargo_start_time_seconds %lld\n", (long long)(in->start_us / USEC_PER_SEC));
	engine_families(f, in);
	capture_families(f, in);
	pthread_mutex_lock(&m->lock);
	match_family(f, m);
	reload_families(f, m);
	pthread_mutex_unlock(&m->lock);
	policy_families(f, in);
	if (in->log)
		log_families(f, in->log);
	return ferror(f) ? -EIO : 0;
}

/*
 * The temporary file is opened the way the daemon's seccomp filter lets it
 * open files for writing (O_WRONLY | O_APPEND, here with O_CREAT | O_EXCL),
 * under a name no other writer uses: the path, the pid and a counter.
 */
static int open_tmp(const char *path, char *tmp, size_t size)
{
	static unsigned counter;

	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		int fd;

		if ((size_t)snprintf(tmp, size, "%s.%ld.%u", path, (long)getpid(), c) >= size)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int metrics_write_prom(struct metrics *m, const struct metrics_input *in, const char *path)
{
	size_t size = strlen(path) + 32;
	char *tmp = malloc(size);
	FILE *f = NULL;
	int fd, ret = 0;

	if (!tmp)
		return -ENOMEM;
	/* Not "*.prom": the collector must never read the half-written file. */
	fd = open_tmp(path, tmp, size);
	if (fd < 0) {
		free(tmp);
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
	}
	if (ret == 0)
		ret = metrics_format_prom(m, in, f);
	if (f && fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* ------------------------------------------------------------ stats event */

static uint64_t qsum(const struct metrics_input *in, size_t off)
{
	uint64_t v = 0;

	for (size_t i = 0; i < in->nq; i++)
		v += qget(&in->q[i], off);
	return v;
}

static void json_group(struct event_buf *w, const struct metrics_input *in, const char *name,
		       const struct qfield *fl, size_t n)
{
	event_buf_key(w, name);
	event_buf_open(w);
	for (size_t k = 0; k < n; k++)
		event_buf_uint(w, fl[k].label_value, qsum(in, fl[k].off));
	event_buf_close(w);
}

size_t metrics_format_stats(struct metrics *m, const struct metrics_input *in, char *buf,
			    size_t size)
{
	static const struct qfield queue[] = {
		{ "waiting", QOFF(kernel_waiting) }, { "dropped", QOFF(kernel_dropped) },
		{ "user_dropped", QOFF(kernel_user_dropped) }, { "enobufs", QOFF(enobufs) },
	};
	struct event_buf w = { .buf = buf, .size = size };
	struct section_state st[256];
	size_t ns = section_states(in->bl, in->policy_us, st, ARRAY_SIZE(st));
	char key[512];

	event_buf_open(&w);
	event_buf_time(&w, "timestamp", in->now_us);
	event_buf_key(&w, "event_type");
	event_buf_str(&w, "stats", 5);
	event_buf_key(&w, "stats");
	event_buf_open(&w);
	event_buf_uint(&w, "uptime",
		       in->now_us > in->start_us ? (uint64_t)(in->now_us - in->start_us) /
							   USEC_PER_SEC : 0);
	event_buf_uint(&w, "queues", in->nq);
	event_buf_uint(&w, "packets", qsum(in, QOFF(eng.packets)));
	event_buf_uint(&w, "bytes", qsum(in, QOFF(eng.bytes)));
	event_buf_uint(&w, "flows", qsum(in, QOFF(eng.flows)));
	event_buf_uint(&w, "flows_active", qsum(in, QOFF(eng.flows_active)));
	event_buf_uint(&w, "names", qsum(in, QOFF(eng.names)));
	json_group(&w, in, "verdicts", verdicts, ARRAY_SIZE(verdicts));
	json_group(&w, in, "parse_errors", perr, ARRAY_SIZE(perr));
	json_group(&w, in, "unread_drops", unread, ARRAY_SIZE(unread));
	event_buf_key(&w, "evictions");
	event_buf_open(&w);
	event_buf_uint(&w, "flow", qsum(in, QOFF(eng.flows_evicted)));
	event_buf_uint(&w, "stream", qsum(in, QOFF(eng.reasm_evicted)));
	event_buf_uint(&w, "fragment", qsum(in, QOFF(eng.frag_evicted)));
	event_buf_uint(&w, "learned", qsum(in, QOFF(eng.learned_evicted)));
	event_buf_uint(&w, "log", in->log ? in->log->evictions : 0);
	event_buf_close(&w);
	json_group(&w, in, "queue", queue, ARRAY_SIZE(queue));

	pthread_mutex_lock(&m->lock);
	qsort(m->s, m->ns, sizeof(m->s[0]), cmp_series);
	event_buf_key(&w, "matches");
	event_buf_open(&w);
	for (size_t i = 0; i < m->ns; i++) {
		uint64_t n = 0;

		/* One number per list/category: the action/enforced split is in the .prom. */
		if (i && !strcmp(m->s[i].list, m->s[i - 1].list) &&
		    !strcmp(m->s[i].category, m->s[i - 1].category))
			continue;
		for (size_t k = i; k < m->ns && !strcmp(m->s[k].list, m->s[i].list) &&
				   !strcmp(m->s[k].category, m->s[i].category); k++)
			n += m->s[k].n;
		snprintf(key, sizeof(key), "%s/%s", m->s[i].list, m->s[i].category);
		event_buf_uint(&w, key, n);
	}
	event_buf_close(&w);
	event_buf_key(&w, "reloads");
	event_buf_open(&w);
	event_buf_uint(&w, "ok", m->reload_ok);
	event_buf_uint(&w, "failed", m->reload_failed);
	event_buf_close(&w);
	pthread_mutex_unlock(&m->lock);

	event_buf_key(&w, "enforced");
	event_buf_open(&w);
	for (size_t i = 0; i < ns; i++) {
		bool any = false, first = true;

		/* One flag per list/category, whatever the actions: written at its first. */
		for (size_t k = 0; k < ns; k++) {
			if (strcmp(st[k].list, st[i].list) ||
			    strcmp(st[k].category, st[i].category))
				continue;
			if (k < i)
				first = false;
			any |= st[k].enforced;
		}
		if (!first)
			continue;
		snprintf(key, sizeof(key), "%s/%s", st[i].list, st[i].category);
		event_buf_key(&w, key);
		event_buf_raw(&w, any ? "true" : "false", any ? 4 : 5);
	}
	event_buf_close(&w);
	if (in->log) {
		event_buf_key(&w, "log");
		event_buf_open(&w);
		event_buf_uint(&w, "written", in->log->written);
		event_buf_uint(&w, "suppressed", in->log->suppressed);
		event_buf_uint(&w, "summaries", in->log->summaries);
		event_buf_uint(&w, "dropped", in->log->dropped);
		event_buf_uint(&w, "errors", in->log->write_errors);
		event_buf_close(&w);
	}
	event_buf_close(&w);
	event_buf_close(&w);
	event_buf_raw(&w, "\n", 1);
	return event_buf_end(&w);
}
