// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * observe.h - what the live daemon shows its operators: the event sink in
 * front of its event log (aggregation of repeats, syslog, matches counted
 * per list and category), the Prometheus text file and the "stats" event.
 * cmd_run.c calls it at a few points; everything else lives here.
 *
 *   cmd_run.c                            observe
 *   ---------                            -------
 *   start-up, after the event log opens  observe_new (syslog connected now,
 *                                        as root, before the sandbox)
 *   queue threads (loop.c on_event)      observe_sink (loop_shared.sink)
 *   main loop: observe_fd(), every 1 s   observe_on_timer: summaries due;
 *                                        every metrics_interval the file
 *   SIGUSR1, stats_interval timer        observe_publish (stats event too)
 *   after a SIGHUP reload                observe_reloaded
 *   stop, before the cleanup             observe_finish: pending summaries,
 *                                        the last metrics file
 *   cleanup                              observe_free
 *
 * Only the main thread calls these; the eventlog itself is thread-safe.
 */
#ifndef EMBARGO_OBSERVE_H
#define EMBARGO_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "loop.h"

struct observe;
struct eventlog;

/*
 * observe_new - from @c: log (a syslog target is connected here; files and
 * stdout stay the daemon's evlog), aggregate_interval, metrics_file,
 * metrics_interval.  Returns 0, or a negative errno after logging why.
 */
int observe_new(struct observe **out, const struct conf *c);

/* observe_free - NULL is a no-op.  Call observe_finish() first. */
void observe_free(struct observe *o);

/* observe_eventlog - the event sink (never changes while running). */
struct eventlog *observe_eventlog(struct observe *o);

/*
 * observe_sink - for loop_shared.sink with sink_ctx = the observe: one
 * event from a queue thread, written through the eventlog to @out (the
 * thread's evlog) or to syslog.  Thread-safe.
 */
void observe_sink(void *ctx, const struct event *ev, struct evlog *out);

/* observe_fd - a 1 s timerfd for the main loop. */
int observe_fd(const struct observe *o);

/*
 * observe_log_name - "syslog ..." when events go to syslog, else NULL (the
 * evlog's own name applies).  For start-up and reload messages.
 */
const char *observe_log_name(const struct observe *o);

/*
 * observe_on_timer - consume the timer; write the summaries due to sh->out
 * (and flush it); when metrics_interval has passed, loop_sync() the queue
 * threads and write the metrics file.
 */
void observe_on_timer(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		      size_t n, const struct blocklist *bl);

/*
 * observe_publish - after a loop_sync(): the metrics file (if configured)
 * and, with @event, the stats event in the event log.
 */
void observe_publish(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		     size_t n, const struct blocklist *bl, bool event);

/*
 * observe_reloaded - a reload ended, @ok or rejected: counted; the syslog
 * socket reconnected; metrics_file and metrics_interval taken from @c.
 * Changing aggregate_interval or between syslog and a file needs a restart
 * (logged).
 */
void observe_reloaded(struct observe *o, const struct conf *c, bool ok);

/*
 * observe_finish - at stop, the queue threads joined: the summaries still
 * pending, and a last metrics file.
 */
void observe_finish(struct observe *o, struct loop_shared *sh, struct loop_worker *w,
		    size_t n, const struct blocklist *bl);

#endif
