// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eventlog.c - the event sink: aggregation of repeats and the outputs
 * (a stdio stream, the daemon's evlog, syslog datagrams).
 *
 * One lock over the table and the output: events are per flow, not per
 * packet, so queue threads rarely meet here, and the work under the lock
 * is a hash look-up and a copy into the evlog buffer or one non-blocking
 * send(2).  The key is built (the line parsed) before taking the lock.
 *
 * Syslog formats: RFC 5424 §6 (HEADER = PRI VERSION SP TIMESTAMP SP
 * HOSTNAME SP APP-NAME SP PROCID SP MSGID; STRUCTURED-DATA "-"), and the
 * RFC 3164 §4.1 form local syslog daemons read from /dev/log.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "eventlog.h"
#include "evlog.h"
#include "metrics.h"
#include "util.h"

#define KEY_MAX 2048			/* aggregation key bytes; longer: no aggregation */
#define HOST_MAX 256

/* One series of identical events. */
struct series {
	struct series *hnext;		/* hash chain */
	struct series *prev, *next;	/* least recently seen first */
	uint64_t hash, seq;
	int64_t win_end;		/* the interval ends (exclusive) */
	int64_t first_us, last_us;	/* of the repeats counted */
	uint64_t count;			/* repeats in this interval */
	size_t key_len, line_len;
	char *line;			/* the first event, JSON without newline */
	char key[];			/* then the line */
};

struct eventlog {
	struct eventlog_opts o;
	char *path, *ident;
	char host[HOST_MAX];
	pid_t pid;

	pthread_mutex_t lock;		/* everything below */
	struct eventlog_stats st;
	struct series **bucket;
	size_t nbucket, nseries;
	struct series *lru_head, *lru_tail;
	uint64_t seq;
	int64_t next_due;
	int sock;
	struct evlog *to;		/* EVENTLOG_EVLOG: this call's output */
};

/* ------------------------------------------------------------------ outputs */

static int connect_syslog(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Facility daemon (3); notice (5) for an enforced drop/reject, else info (6). */
static int severity_of(const char *line, size_t len, char *msgid, size_t idsize)
{
	struct event_fields fs;
	char copy[EVENTLOG_LINE_MAX], action[16];
	bool enforced = false;

	snprintf(msgid, idsize, "-");
	if (len >= sizeof(copy))
		return 6;
	memcpy(copy, line, len);
	if (event_parse_json(copy, len, &fs, NULL, NULL) < 0)
		return 6;
	/* MSGID: 1*32PRINTUSASCII; event types are short ASCII words. */
	if (!event_field_str(&fs, "event_type", msgid, idsize) || !msgid[0])
		snprintf(msgid, idsize, "-");
	for (char *c = msgid; *c; c++)
		if (*c <= ' ' || *c > '~')
			*c = '_';
	if (strcmp(msgid, "match") != 0 || event_field_bool(&fs, "enforced", &enforced) < 0 ||
	    !enforced || !event_field_str(&fs, "action", action, sizeof(action)))
		return 6;
	return strcmp(action, "drop") == 0 || strcmp(action, "reject") == 0 ? 5 : 6;
}

static const char *const month[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The header for one message; returns its length. */
static size_t syslog_header(const struct eventlog *l, const char *line, size_t len, char *h,
			    size_t size)
{
	char msgid[33], ts[TIME_RFC3339_LEN];
	int pri = 3 * 8 + severity_of(line, len, msgid, sizeof(msgid));
	struct timespec now;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	if (l->o.syslog_format == EVENTLOG_RFC3164) {
		/* Local time, "Mmm dd hh:mm:ss", day padded with a space. */
		localtime_r(&now.tv_sec, &tm);
		n = snprintf(h, size, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ", pri,
			     month[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     l->ident, (long)l->pid);
	} else {
		int64_t us = (int64_t)now.tv_sec * USEC_PER_SEC + now.tv_nsec / 1000;

		n = snprintf(h, size, "<%d>1 %s %s %s %ld %s - ", pri,
			     time_format_rfc3339(us, ts, sizeof(ts)), l->host, l->ident,
			     (long)l->pid, msgid);
	}
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

static int send_syslog(struct eventlog *l, const char *line, size_t len)
{
	char head[512], msg[sizeof(head) + EVENTLOG_LINE_MAX];
	size_t hl = syslog_header(l, line, len, head, sizeof(head));
	int ret = 0;

	if (len > EVENTLOG_LINE_MAX)
		return -EMSGSIZE;
	memcpy(msg, head, hl);
	memcpy(msg + hl, line, len);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (l->sock < 0) {
			l->sock = connect_syslog(l->path);
			if (l->sock < 0) {
				ret = l->sock;
				continue;
			}
		}
		/* Never wait: a syslog daemon that cannot keep up costs events only. */
		if (send(l->sock, msg, hl + len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		ret = -errno;
		/* The syslog daemon restarted: its socket is a new one. */
		if (ret != -ECONNREFUSED && ret != -ENOTCONN && ret != -ENOENT)
			return ret;
		close(l->sock);
		l->sock = -1;
	}
	return ret;
}

/* Write one line (adds the newline).  Lock held. */
static void emit(struct eventlog *l, const char *line, size_t len)
{
	char buf[EVENTLOG_LINE_MAX + 1];
	int ret = 0;

	if (len && line[len - 1] == '\n')
		len--;
	if (len > EVENTLOG_LINE_MAX) {
		l->st.dropped++;
		return;
	}
	switch (l->o.target) {
	case EVENTLOG_STREAM:
		memcpy(buf, line, len);
		buf[len] = '\n';
		if (fwrite(buf, 1, len + 1, l->o.stream) != len + 1)
			ret = -EIO;
		break;
	case EVENTLOG_EVLOG:
		/* evlog counts its own failures (written later, at its flush). */
		memcpy(buf, line, len);
		buf[len] = '\n';
		if (l->to)
			evlog_put(l->to, buf, len + 1);
		else
			ret = -EBADF;
		break;
	case EVENTLOG_SYSLOG:
		ret = send_syslog(l, line, len);
		break;
	}
	if (ret == -EAGAIN || ret == -EWOULDBLOCK || ret == -ENOBUFS)
		l->st.dropped++;
	else if (ret < 0)
		l->st.write_errors++;
	else
		l->st.written++;
}

/* -------------------------------------------------------------- aggregation */

static const char *const key_fields[] = {
	"src_ip", "event_type", "app_proto", "dns_type", "name", "ech", "rule", "list",
	"category", "action", "enforced", "learned_from", "allowed_by",
};

/* The key of a parsed event: tag byte, value, NUL, for each field present. */
static size_t make_key(const struct event_fields *fs, char *key, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(key_fields); i++) {
		const struct event_field *f = event_field_get(fs, key_fields[i]);

		if (!f)
			continue;
		if (n + f->len + 2 > size)
			return 0;
		key[n++] = (char)('a' + i);
		memcpy(key + n, f->val, f->len);
		n += f->len;
		key[n++] = '\0';
	}
	return n;
}

static void lru_unlink(struct eventlog *l, struct series *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		l->lru_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		l->lru_tail = s->prev;
	s->prev = s->next = NULL;
}

static void lru_append(struct eventlog *l, struct series *s)
{
	s->prev = l->lru_tail;
	s->next = NULL;
	if (l->lru_tail)
		l->lru_tail->next = s;
	else
		l->lru_head = s;
	l->lru_tail = s;
}

static struct series **find(struct eventlog *l, const char *key, size_t n, uint64_t h)
{
	struct series **pp = &l->bucket[h & (l->nbucket - 1)];

	while (*pp && !((*pp)->hash == h && (*pp)->key_len == n && !memcmp((*pp)->key, key, n)))
		pp = &(*pp)->hnext;
	return pp;
}

static void series_remove(struct eventlog *l, struct series *s)
{
	struct series **pp = find(l, s->key, s->key_len, s->hash);

	*pp = s->hnext;
	lru_unlink(l, s);
	l->nseries--;
	free(s);
}

/* Write the summary of @s's repeats, timestamped @ts.  Lock held. */
static void emit_summary(struct eventlog *l, const struct series *s, int64_t ts)
{
	static const char *const skip[] = { "timestamp", "event_type", "src_port", "dest_ip",
					    "dest_port", "flow_id", "pcap_filename" };
	char copy[EVENTLOG_LINE_MAX], out[EVENTLOG_LINE_MAX + 256];
	struct event_buf w = { .buf = out, .size = sizeof(out) };
	struct event_fields fs;

	memcpy(copy, s->line, s->line_len);
	if (event_parse_json(copy, s->line_len, &fs, NULL, NULL) < 0)
		return;		/* cannot happen: it parsed when stored */
	event_buf_open(&w);
	event_buf_time(&w, "timestamp", ts);
	event_buf_key(&w, "event_type");
	event_buf_str(&w, "summary", 7);
	for (size_t i = 0; i < fs.n; i++) {
		const struct event_field *f = &fs.f[i];
		bool skipped = false;
		char key[64];

		for (size_t k = 0; k < ARRAY_SIZE(skip); k++)
			if (f->key_len == strlen(skip[k]) && !memcmp(f->key, skip[k], f->key_len))
				skipped = true;
		if (skipped || f->key_len >= sizeof(key))
			continue;
		memcpy(key, f->key, f->key_len);
		key[f->key_len] = '\0';
		event_buf_key(&w, key);
		if (f->type == EVENT_JSON_STRING)
			event_buf_str(&w, f->val, f->len);
		else
			event_buf_raw(&w, f->val, f->len);
	}
	event_buf_uint(&w, "count", s->count);
	event_buf_time(&w, "first", s->first_us);
	event_buf_time(&w, "last", s->last_us);
	event_buf_close(&w);
	l->st.summaries++;
	if (event_buf_end(&w) >= sizeof(out)) {
		l->st.dropped++;
		return;
	}
	emit(l, out, w.len);
}

static int cmp_due(const void *a, const void *b)
{
	const struct series *x = *(struct series *const *)a, *y = *(struct series *const *)b;

	if (x->win_end != y->win_end)
		return x->win_end < y->win_end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Close every interval that ended by @now (all of them with @all), in the
 * order they ended.  A series with repeats writes its summary and, unless
 * the next interval is over too (or @all), goes on; one without ends.
 */
static void sweep(struct eventlog *l, int64_t now, bool all)
{
	struct series **due;
	size_t n = 0;

	if (!all && now < l->next_due)
		return;
	due = malloc((l->nseries ? l->nseries : 1) * sizeof(*due));
	if (!due)
		return;		/* retried at the next event or tick */
	l->next_due = INT64_MAX;
	for (struct series *s = l->lru_head; s; s = s->next) {
		if (all || s->win_end <= now)
			due[n++] = s;
		else if (s->win_end < l->next_due)
			l->next_due = s->win_end;
	}
	qsort(due, n, sizeof(*due), cmp_due);
	for (size_t i = 0; i < n; i++) {
		struct series *s = due[i];
		int64_t ts = s->win_end;

		if (s->count) {
			if (all && now < ts)
				ts = now > s->last_us ? now : s->last_us;
			emit_summary(l, s, ts);
		}
		if (all || !s->count || now >= s->win_end + l->o.aggregate_us) {
			series_remove(l, s);
			continue;
		}
		s->win_end += l->o.aggregate_us;
		s->count = 0;
		if (s->win_end < l->next_due)
			l->next_due = s->win_end;
	}
	free(due);
}

/* Make room for one more series: evict the least recently seen.  Lock held. */
static void evict_one(struct eventlog *l, int64_t now)
{
	struct series *s = l->lru_head;

	if (!s)
		return;
	if (s->count)
		emit_summary(l, s, now > s->last_us ? now : s->last_us);
	l->st.evictions++;
	series_remove(l, s);
}

/* Returns true if the event was folded into a series (not to be written). */
static bool aggregate(struct eventlog *l, const char *key, size_t kn, int64_t ts,
		      const char *line, size_t len)
{
	uint64_t h = hash64(key, kn, 0x65766c67);
	struct series **pp, *s;

	sweep(l, ts, false);
	pp = find(l, key, kn, h);
	if (*pp) {
		s = *pp;
		if (!s->count++)
			s->first_us = ts;
		s->last_us = ts;
		lru_unlink(l, s);
		lru_append(l, s);
		l->st.suppressed++;
		return true;
	}
	if (l->nseries >= l->o.aggregate_max) {
		evict_one(l, ts);
		pp = find(l, key, kn, h);
	}
	s = malloc(sizeof(*s) + kn + len);
	if (!s)
		return false;	/* written in full: better than lost */
	memset(s, 0, sizeof(*s));
	s->hash = h;
	s->seq = l->seq++;
	s->win_end = ts + l->o.aggregate_us;
	s->key_len = kn;
	s->line_len = len;
	memcpy(s->key, key, kn);
	s->line = s->key + kn;
	memcpy(s->line, line, len);
	*pp = s;
	lru_append(l, s);
	l->nseries++;
	if (s->win_end < l->next_due)
		l->next_due = s->win_end;
	return false;
}

/* ------------------------------------------------------------------ entries */

void eventlog_line(struct eventlog *l, const char *line, size_t len, struct evlog *to)
{
	char copy[EVENTLOG_LINE_MAX], key[KEY_MAX], type[8];
	struct event_fields fs;
	size_t kn = 0;
	int64_t ts = 0;

	if (len && line[len - 1] == '\n')
		len--;
	/* Parse outside the lock: callers on other queues need not wait for it. */
	if (l->o.aggregate_us > 0 && len < sizeof(copy)) {
		memcpy(copy, line, len);
		if (event_parse_json(copy, len, &fs, NULL, NULL) == 0 &&
		    event_field_str(&fs, "event_type", type, sizeof(type)) &&
		    (strcmp(type, "match") == 0 || strcmp(type, "name") == 0) &&
		    event_field_time(&fs, "timestamp", &ts) == 0 &&
		    event_field_get(&fs, "src_ip"))
			kn = make_key(&fs, key, sizeof(key));
	}
	pthread_mutex_lock(&l->lock);
	l->to = to;
	l->st.events++;
	if (!kn || !aggregate(l, key, kn, ts, line, len))
		emit(l, line, len);
	pthread_mutex_unlock(&l->lock);
}

void eventlog_event(struct eventlog *l, const struct event *ev, struct evlog *to)
{
	char buf[4096], *big = NULL;
	size_t n;

	if (l->o.metrics)
		metrics_note_event(l->o.metrics, ev);
	n = event_format_json(ev, buf, sizeof(buf));
	if (n >= sizeof(buf)) {
		/* Only a huge rule text gets here. */
		big = malloc(n + 1);
		if (!big || event_format_json(ev, big, n + 1) != n) {
			free(big);
			pthread_mutex_lock(&l->lock);
			l->st.events++;
			l->st.dropped++;
			pthread_mutex_unlock(&l->lock);
			return;
		}
	}
	eventlog_line(l, big ? big : buf, n, to);
	free(big);
}

void eventlog_write(struct eventlog *l, const char *line, size_t len, struct evlog *to)
{
	pthread_mutex_lock(&l->lock);
	l->to = to;
	emit(l, line, len);
	pthread_mutex_unlock(&l->lock);
}

void eventlog_tick(struct eventlog *l, int64_t now_us, struct evlog *to)
{
	pthread_mutex_lock(&l->lock);
	l->to = to;
	if (l->nseries)
		sweep(l, now_us, false);
	pthread_mutex_unlock(&l->lock);
}

void eventlog_finish(struct eventlog *l, int64_t now_us, struct evlog *to)
{
	pthread_mutex_lock(&l->lock);
	l->to = to;
	if (l->nseries)
		sweep(l, now_us, true);
	pthread_mutex_unlock(&l->lock);
}

/* ----------------------------------------------------------------- set-up */

bool eventlog_is_syslog(const char *spec, const char **path,
			enum eventlog_syslog_format *format)
{
	static const struct {
		const char *word;
		enum eventlog_syslog_format format;
	} kinds[] = { { "syslog", EVENTLOG_RFC5424 }, { "syslog-bsd", EVENTLOG_RFC3164 } };

	if (path)
		*path = NULL;
	for (size_t i = 0; spec && i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].word);

		if (strncmp(spec, kinds[i].word, n) != 0 ||
		    (spec[n] && (spec[n] != ':' || !spec[n + 1])))
			continue;
		if (path && spec[n])
			*path = spec + n + 1;
		if (format)
			*format = kinds[i].format;
		return true;
	}
	return false;
}

int eventlog_new(struct eventlog **out, const struct eventlog_opts *o, char *err, size_t errsz)
{
	struct eventlog *l = calloc(1, sizeof(*l));
	int ret = -ENOMEM;

	*out = NULL;
	if (!l)
		goto fail_msg;
	l->o = *o;
	l->sock = -1;
	l->pid = getpid();
	l->next_due = INT64_MAX;
	if (!l->o.aggregate_max)
		l->o.aggregate_max = EVENTLOG_DEFAULT_AGGREGATE_MAX;
	l->path = strdup(o->path ? o->path : "/dev/log");
	l->ident = strdup(o->ident ? o->ident : "embargo");
	if (!l->path || !l->ident)
		goto fail_msg;
	/* RFC 5424 §6.2.4: the host name, printable ASCII without spaces. */
	if (gethostname(l->host, sizeof(l->host) - 1) < 0 || !l->host[0])
		snprintf(l->host, sizeof(l->host), "-");
	for (char *c = l->host; *c; c++)
		if (*c <= ' ' || *c > '~')
			*c = '_';
	l->nbucket = 16;
	while (l->nbucket < l->o.aggregate_max * 2)
		l->nbucket <<= 1;
	l->bucket = calloc(l->nbucket, sizeof(*l->bucket));
	if (!l->bucket)
		goto fail_msg;
	pthread_mutex_init(&l->lock, NULL);
	if (o->target == EVENTLOG_STREAM && !o->stream) {
		ret = -EINVAL;
		goto fail_msg;
	}
	if (o->target == EVENTLOG_SYSLOG) {
		/* Read the time zone now, before a sandbox may forbid opening it. */
		tzset();
		l->sock = connect_syslog(l->path);
		if (l->sock < 0) {
			ret = l->sock;
			snprintf(err, errsz, "log: syslog socket %s: %s", l->path, strerror(-ret));
			goto fail;
		}
	}
	*out = l;
	return 0;
fail_msg:
	snprintf(err, errsz, "log: %s", strerror(-ret));
fail:
	eventlog_free(l);
	return ret;
}

void eventlog_free(struct eventlog *l)
{
	if (!l)
		return;
	while (l->lru_head)
		series_remove(l, l->lru_head);
	if (l->sock >= 0)
		close(l->sock);
	if (l->bucket)
		pthread_mutex_destroy(&l->lock);
	free(l->bucket);
	free(l->path);
	free(l->ident);
	free(l);
}

int eventlog_reopen(struct eventlog *l)
{
	int ret = 0;

	pthread_mutex_lock(&l->lock);
	if (l->o.target == EVENTLOG_SYSLOG) {
		if (l->sock >= 0)
			close(l->sock);
		l->sock = connect_syslog(l->path);
		ret = l->sock < 0 ? l->sock : 0;
		if (ret < 0)
			l->st.reopen_errors++;
		else
			l->st.reopens++;
	}
	pthread_mutex_unlock(&l->lock);
	return ret;
}

void eventlog_get_stats(struct eventlog *l, struct eventlog_stats *st)
{
	pthread_mutex_lock(&l->lock);
	*st = l->st;
	st->series = l->nseries;
	pthread_mutex_unlock(&l->lock);
}

const char *eventlog_target_name(const struct eventlog *l)
{
	switch (l->o.target) {
	case EVENTLOG_STREAM:
		return "stream";
	case EVENTLOG_EVLOG:
		return "evlog";
	case EVENTLOG_SYSLOG:
		return strcmp(l->path, "/dev/log") == 0 ? "syslog" : l->path;
	}
	return "?";
}
