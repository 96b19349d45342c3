// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eventlog.h - where decision events go: a caller's stream, the daemon's
 * event log (evlog.h: a file reopened for logrotate, or stdout) or syslog,
 * with repeated identical events folded into summaries.
 *
 * Aggregation.  Two events are "identical" when they agree on the client
 * (src_ip), event_type, app_proto, dns_type, name, ech, rule, list,
 * category, action, enforced, learned_from and allowed_by: ports and the
 * destination address may differ (a retrying client opens a new connection
 * each time, often to another address of the same service).  The first one
 * is written in full and opens an interval of @aggregate_us; repeats inside
 * it are only counted.  When the interval ends with repeats, one event
 *
 *   {"timestamp":END,"event_type":"summary", <the first event's keys minus
 *    src_port, dest_ip, dest_port, flow_id, pcap_filename>,
 *    "count":N,"first":T1,"last":T2}
 *
 * is written (N repeats, T1/T2 the first and last of them) and a new
 * interval starts at END; an interval with no repeat ends the series, and
 * the next occurrence is written in full again.  So a client retrying
 * every second costs one event and then one summary per interval.  The
 * table holds @aggregate_max series; when it is full the least recently
 * seen is evicted (its summary, if any, written at once, timestamped with
 * the time of the event that needed the room).  Only "match" and "name"
 * events are aggregated.  Timestamps: summaries are due when an event (or
 * eventlog_tick) at or after END arrives, so with time-ordered input the
 * output stays time-ordered.
 *
 * Outputs: a caller's stdio stream (replay), the daemon's struct evlog
 * (src/evlog.h: file or stdout, buffered, never blocking, reopened by the
 * daemon on SIGHUP, flushed by the queue threads after each batch), or
 * syslog.  The evlog is not kept: each call that may write names the one
 * to use (@to, the caller's current one), so an evlog replaced by a reload
 * is never written after its owner stopped using it.  Every function is
 * thread-safe (one lock); nothing here blocks: syslog datagrams are sent
 * with MSG_DONTWAIT, and one the socket cannot take now is dropped and
 * counted.
 *
 * Syslog: one message per event, to a local datagram socket (/dev/log by
 * default), facility daemon, severity notice for enforced drop/reject
 * matches and info otherwise.  RFC 5424 (default):
 *
 *   <29>1 2024-10-01T09:00:00.123456Z gw embargo 812 match - {"timestamp":...}
 *         TIMESTAMP                   HOST APP  PID MSGID SD MSG (the JSON)
 *
 * MSGID is the event_type; there is no structured data ("-"): the message
 * is the event's JSON line.  RFC 3164 ("<29>Oct  1 09:00:00 embargo[812]:
 * {...}", "syslog-bsd") is what journald and rsyslog's imuxsock parse on
 * /dev/log without extra configuration: they take RFC 5424 there as text.
 */
#ifndef EMBARGO_EVENTLOG_H
#define EMBARGO_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

struct eventlog;
struct evlog;
struct metrics;

enum eventlog_target {
	EVENTLOG_STREAM = 0,		/* @stream, the caller's (replay: stdout) */
	EVENTLOG_EVLOG,			/* the daemon's evlog, named per call (@to) */
	EVENTLOG_SYSLOG,		/* @path or /dev/log, a datagram socket */
};

enum eventlog_syslog_format {
	EVENTLOG_RFC5424 = 0,
	EVENTLOG_RFC3164,
};

#define EVENTLOG_DEFAULT_AGGREGATE_MAX 4096
#define EVENTLOG_LINE_MAX 16384		/* longer lines are dropped */

struct eventlog_opts {
	enum eventlog_target target;
	FILE *stream;			/* EVENTLOG_STREAM: borrowed */
	const char *path;		/* SYSLOG: the socket (NULL: /dev/log); copied */
	enum eventlog_syslog_format syslog_format;
	const char *ident;		/* syslog APP-NAME (NULL: "embargo"); copied */
	int64_t aggregate_us;		/* interval; 0: every event in full */
	size_t aggregate_max;		/* series (0: EVENTLOG_DEFAULT_AGGREGATE_MAX) */
	struct metrics *metrics;	/* eventlog_event() counts each event here
					 * (before aggregation); may be NULL */
};

struct eventlog_stats {
	uint64_t events;		/* offered: eventlog_event/_line */
	uint64_t written;		/* lines handed to the output (sent, for syslog) */
	uint64_t suppressed;		/* repeats folded into a summary */
	uint64_t summaries;		/* summary events produced */
	uint64_t evictions;		/* series evicted from a full table */
	uint64_t dropped;		/* lines lost: socket busy, or line too long */
	uint64_t write_errors;		/* lines lost: write or send failed */
	uint64_t reopens, reopen_errors;	/* syslog reconnections */
	uint64_t series;		/* series in the table now */
};

/*
 * eventlog_is_syslog - @spec, embargo.conf's "log" value, names syslog:
 * "syslog" or "syslog:PATH" (RFC 5424 to /dev/log or to the datagram
 * socket PATH), "syslog-bsd" or "syslog-bsd:PATH" (RFC 3164, "BSD syslog",
 * the local format journald and rsyslog read on /dev/log by default).
 * Anything else is a file, or stdout for NULL and "-" (evlog.h).  Sets
 * *@path to PATH or NULL and *@format (either may be NULL).
 */
bool eventlog_is_syslog(const char *spec, const char **path,
			enum eventlog_syslog_format *format);

/*
 * eventlog_new - connect the syslog socket if that is the target.  Returns 0,
 * or a negative errno with a message in @err ("log: PATH: reason").
 */
int eventlog_new(struct eventlog **out, const struct eventlog_opts *o, char *err,
		 size_t errsz);

/*
 * eventlog_free - close the socket and free.  Summaries still pending are
 * lost: call eventlog_finish() first.  NULL is a no-op.
 */
void eventlog_free(struct eventlog *l);

/*
 * eventlog_event - count, aggregate and write one engine event.  @to: the
 * evlog for EVENTLOG_EVLOG (else ignored, may be NULL); the same for every
 * function below that takes it.
 */
void eventlog_event(struct eventlog *l, const struct event *ev, struct evlog *to);

/*
 * eventlog_line - the same for an event already in JSON (one object, with
 * or without the newline), e.g. from a merged replay.  A line that is not a
 * "match"/"name" event with a valid timestamp is written unchanged.
 */
void eventlog_line(struct eventlog *l, const char *line, size_t len, struct evlog *to);

/* eventlog_write - write @line as it is, never aggregated (stats events). */
void eventlog_write(struct eventlog *l, const char *line, size_t len, struct evlog *to);

/* eventlog_tick - the time is now @now_us: write the summaries due by then. */
void eventlog_tick(struct eventlog *l, int64_t now_us, struct evlog *to);

/*
 * eventlog_finish - write every pending summary now (end of input, exit),
 * each timestamped with the end of its interval or @now_us if earlier (but
 * never before its last repeat), and empty the table.
 */
void eventlog_finish(struct eventlog *l, int64_t now_us, struct evlog *to);

/*
 * eventlog_reopen - reconnect the syslog socket (the daemon restarted).  On
 * failure the next message tries again.  Other targets: nothing to do.
 * Returns 0 or -errno.
 */
int eventlog_reopen(struct eventlog *l);

void eventlog_get_stats(struct eventlog *l, struct eventlog_stats *st);

/* eventlog_target_name - "syslog", "syslog:PATH", "stream", "evlog": for messages. */
const char *eventlog_target_name(const struct eventlog *l);

#endif
