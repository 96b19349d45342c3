// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.h - the daemon's counters for people and monitoring: a Prometheus
 * text file (node_exporter's textfile collector) and the "stats" event.
 *
 * Most counters live where they are counted (engine, capture, event log)
 * and are gathered into a struct metrics_input by the caller at publish
 * time.  What only the events tell - matches by list, category, action and
 * enforcement - and the reload history are kept here, in a small
 * thread-safe registry.
 *
 * Exposition: text format 0.0.4 (HELP and TYPE once per family, label
 * values escaped, no timestamps: the textfile collector refuses them), every
 * name prefixed "embargo_"; the file is written under a temporary name in
 * the same directory and renamed over the old one, so a scrape never reads
 * half a file.  The families are listed in embargo(8), METRICS.
 */
#ifndef EMBARGO_METRICS_H
#define EMBARGO_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blocklist.h"
#include "engine.h"
#include "event.h"
#include "eventlog.h"

struct metrics;

/* Matches of one (list, category, action, enforced); the registry caps them. */
#define METRICS_MAX_SERIES 256

/* One queue thread's counters, copied by the caller. */
struct metrics_queue {
	unsigned queue;
	struct engine_stats eng;
	uint64_t enobufs, malformed, send_errors, kernel_errors;	/* capture */
	uint64_t requeued, nxdomain_sent, nxdomain_fallback;
	bool have_kernel;		/* the /proc line was read */
	uint64_t kernel_waiting, kernel_dropped, kernel_user_dropped;
};

struct metrics_input {
	int64_t now_us;			/* wall clock: the stats event's timestamp */
	int64_t start_us;		/* the daemon started */
	int64_t policy_us;		/* the policy clock: now, or as_of */
	const struct blocklist *bl;	/* enforcement state per section; may be NULL */
	const struct metrics_queue *q;
	size_t nq;
	const struct eventlog_stats *log;	/* may be NULL */
};

/* metrics_new - NULL on allocation failure.  metrics_free(NULL) is a no-op. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* metrics_note_event - count a "match" event (others are ignored).  Thread-safe. */
void metrics_note_event(struct metrics *m, const struct event *ev);

/* metrics_note_reload - a reload finished, @ok or rejected, at @now_us. */
void metrics_note_reload(struct metrics *m, bool ok, int64_t now_us);

/* metrics_format_prom - the exposition text to @f.  0 or -EIO. */
int metrics_format_prom(struct metrics *m, const struct metrics_input *in, FILE *f);

/*
 * metrics_write_prom - the same into @path, atomically: a temporary file
 * "PATH.PID.N" in the same directory (mode 0644 less the umask), then
 * rename(2).  0 or -errno; on failure the old file is left as it was and
 * the temporary one removed.  The directory must be writable by the user
 * the daemon runs as.
 */
int metrics_write_prom(struct metrics *m, const struct metrics_input *in, const char *path);

/*
 * metrics_format_stats - the "stats" event as one JSON line (with newline)
 * into @buf; like snprintf, returns the length needed.  Counters are summed
 * over the queues:
 *   {"timestamp":...,"event_type":"stats","stats":{"uptime":S,"queues":N,
 *    "packets":..,"bytes":..,"flows":..,"flows_active":..,"names":..,
 *    "verdicts":{"accept":..,"drop":..,"reject":..},
 *    "parse_errors":{"ip":..,"dns":..,"tls":..,"http":..,"quic":..},
 *    "evictions":{"flow":..,"stream":..,"fragment":..,"learned":..,"log":..},
 *    "queue":{"waiting":..,"dropped":..,"user_dropped":..,"enobufs":..},
 *    "matches":{"LIST/CATEGORY":N,...},"enforced":{"LIST/CATEGORY":true,...},
 *    "reloads":{"ok":..,"failed":..},
 *    "log":{"written":..,"suppressed":..,"summaries":..,"dropped":..,"errors":..}}}
 */
size_t metrics_format_stats(struct metrics *m, const struct metrics_input *in, char *buf,
			    size_t size);

/*
 * metrics_enforced - whether @s is enforced at @now_us (its date passed, or
 * "always").  For the gauges and reports.
 */
bool metrics_enforced(const struct bl_section *s, int64_t now_us);

#endif
