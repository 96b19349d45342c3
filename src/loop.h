// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.h - the live daemon's event loops.
 *
 * First a small poll(2) loop over file descriptors, and the descriptors the
 * loops are made of: signalfd (signals as reads), timerfd (periodic ticks,
 * or an absolute wall-clock instant such as an enforcement date) and
 * eventfd (one thread waking another).  A loop belongs to one thread.
 * Callbacks run in registration order among the descriptors poll() reports
 * ready, so a busy descriptor cannot starve the others as long as each
 * callback does a bounded amount of work.
 *
 * Then the queue threads built on it (struct loop_worker): one per NFQUEUE
 * queue, each polling its queue socket, a control eventfd and a 1 s flow
 * expiry timer, and turning engine results into verdicts (loop_map_verdict).
 */
#ifndef EMBARGO_LOOP_H
#define EMBARGO_LOOP_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture_nfq.h"
#include "conf.h"
#include "engine.h"
#include "evlog.h"
#include "reject.h"

#define LOOP_MAX_FDS 8

struct loop;

/* A readable (or hung-up) descriptor.  Return < 0 to end loop_run() with it. */
typedef int loop_fn(void *ctx, int fd);

/* loop_new - NULL on allocation failure. */
struct loop *loop_new(void);
void loop_free(struct loop *l);

/* loop_add - watch @fd for input.  0, or -ENOSPC beyond LOOP_MAX_FDS. */
int loop_add(struct loop *l, int fd, loop_fn *fn, void *ctx);

/*
 * loop_run - poll and dispatch until loop_stop() is called (from a
 * callback) or a callback fails.  Returns 0 or that failure.
 */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/*
 * loop_signalfd - block @sigs in the calling thread (threads created later
 * inherit the mask) and return a non-blocking signalfd for them, or -errno.
 */
int loop_signalfd(const int *sigs, size_t n);

/* loop_signal_read - the next pending signal number, 0 if none, or -errno. */
int loop_signal_read(int fd);

/* loop_timer_new - a non-blocking timerfd on CLOCK_MONOTONIC or CLOCK_REALTIME. */
int loop_timer_new(int clockid);

/* loop_timer_every - fire every @interval_us (0 disarms).  0 or -errno. */
int loop_timer_every(int fd, int64_t interval_us);

/*
 * loop_timer_at - fire once at the wall-clock instant @realtime_us
 * (microseconds since the epoch; INT64_MAX disarms).  The timer must be on
 * CLOCK_REALTIME; it also fires early, with loop_timer_read() returning
 * -ECANCELED, when the system clock is set, so the caller can re-arm.
 */
int loop_timer_at(int fd, int64_t realtime_us);

/*
 * loop_timer_read - consume expirations.  Returns the count (>= 1),
 * 0 if none are pending, -ECANCELED after a clock change, or -errno.
 */
int64_t loop_timer_read(int fd);

/* loop_event_new - a non-blocking eventfd, or -errno. */
int loop_event_new(void);
/* loop_event_post - wake the reader of @fd. */
void loop_event_post(int fd);
/* loop_event_read - consume pending posts; returns how many (0 if none). */
uint64_t loop_event_read(int fd);

/* loop_now_us - CLOCK_REALTIME in microseconds since the epoch. */
int64_t loop_now_us(void);

/* ------------------------------------------------------- queue threads */

/*
 * What the main thread publishes to the queue threads.  Changed only under
 * @lock; loop_sync() then wakes every thread and waits until each has
 * picked it up, after which no thread uses what was replaced (the old
 * blocklist can be freed, the old log file closed).
 */
struct loop_shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t seq;			/* bumped by each loop_sync() */
	bool stop;
	const struct blocklist *bl;
	struct evlog *out;		/* JSON events */
	/*
	 * When set, events go to @sink (observe.h: aggregation, syslog,
	 * metrics) with the thread's current @out, instead of straight to
	 * @out.  Set before the threads start, never changed.
	 */
	void (*sink)(void *ctx, const struct event *ev, struct evlog *out);
	void *sink_ctx;
	bool use_as_of;
	int64_t as_of_us;
	int64_t clock_sanity_us;	/* CONF_NO_CLOCK_SANITY: no check */
	enum conf_clock_policy insane_clock;
	int fail_fd;			/* eventfd posted when a queue thread fails */
};

/* A queue thread's counters, copied at each loop_sync() and at exit. */
struct loop_stats {
	struct engine_stats eng;
	struct capture_nfq_stats cap;
	struct reject_stats rej;
	struct capture_nfq_kstats kern;	/* the kernel's counters, if @have_kern */
	bool have_kern;
	uint64_t log_errors;		/* events too large to format */
	uint64_t requeued;		/* decided packets queued again (bad ruleset) */
	uint64_t nxdomain_fallback;	/* DNS rejects answered with no NXDOMAIN */
	uint64_t errors;		/* packets that could not be judged (no payload,
					 * undecodable): given error_verdict */
	uint64_t error_dropped;		/* ... of which dropped */
	uint64_t clock_insane;		/* packets seen while the clock was before
					 * clock_sanity */
	uint64_t unjudged;		/* ... passed unjudged (insane_clock_policy accept) */
	uint64_t overload_warnings;	/* overflow warnings logged */
};

/* One queue thread.  The main thread reads @queue, @snap and @error only. */
struct loop_worker {
	struct loop_shared *sh;
	uint16_t queue;
	struct loop_stats snap;		/* under sh->lock */
	int error;			/* -errno after a packet path failure */
	/* Private to the thread. */
	pthread_t thread;
	bool started, exited;
	struct capture_nfq *cap;
	struct engine *eng;
	struct reject *rej;		/* NULL: no CAP_NET_RAW, no NXDOMAIN answers */
	struct loop *loop;
	int ctl_fd, tick_fd;
	struct conf_marks marks;
	bool error_drop;		/* error_verdict = drop */
	bool fail_open;
	uint32_t queue_maxlen;
	const struct blocklist *bl;
	struct evlog *out;
	bool use_as_of;			/* the clock settings picked up at sync */
	int64_t as_of_us;
	int64_t clock_sanity_us;
	enum conf_clock_policy insane_clock;
	int clock_state;		/* last enum loop_clock_state applied */
	uint64_t seq;			/* last loop_sync() acknowledged */
	bool pending, dirty;
	struct capture_nfq_kstats kprev;	/* at the last overload check */
	uint64_t undelivered_prev;
	int64_t warned_us;		/* last overload warning (monotonic) */
	struct loop_stats now;		/* the live counters of the last three */
};

/*
 * loop_worker_init - bind @queue with the settings of @c (capture, engine,
 * marks) and prepare the thread's loop; the thread is not started.  Logs
 * and returns a negative errno on failure; loop_worker_free() is needed in
 * both cases.  Opening the raw sockets for NXDOMAIN answers may fail (no
 * CAP_NET_RAW): that is logged once (@warn) and not an error.
 */
int loop_worker_init(struct loop_worker *w, struct loop_shared *sh, const struct conf *c,
		     uint16_t queue, bool warn);

/* loop_worker_start - run the thread.  0 or -errno. */
int loop_worker_start(struct loop_worker *w);

/*
 * loop_workers_stop - set sh->stop, wake the threads and join them.  Each
 * reads and judges what its queue holds (bounded), sends every verdict and
 * unbinds.  Returns the first thread error, or 0.
 */
int loop_workers_stop(struct loop_shared *sh, struct loop_worker *w, size_t n);

/* loop_worker_free - release what init set up (thread already joined). */
void loop_worker_free(struct loop_worker *w);

/*
 * loop_sync - publish: bump sh->seq, wake every started thread and wait
 * until each has applied sh's blocklist, log file and policy clock and
 * copied its counters into @snap (threads that exited are skipped).
 * Threads block only in poll(), so this takes about one batch.
 */
void loop_sync(struct loop_shared *sh, struct loop_worker *w, size_t n);

/*
 * How one engine result becomes a queue verdict.  Decided flows get a mark
 * the ruleset stores in the conntrack entry (CONNMARK / "ct mark set"), so
 * later packets are accepted or dropped by the kernel without being queued:
 *
 *   engine says                 verdict    mark      the ruleset then
 *   accept, flow undecided      ACCEPT     -         keeps queueing the first packets
 *   accept, flow final          ACCEPT     accept    stops queueing the flow
 *   accept, @pending: a rule    ACCEPT     log       queues the flow's every packet,
 *     matched that blocks from a date still ahead    so the date can still cut it
 *   drop, this packet only      DROP       -         -
 *   drop, flow final            REPEAT     drop      drops it and the rest of the flow
 *   reject, DNS query over UDP  DROP       -         (NXDOMAIN sent by embargo;
 *                                                    if it cannot be: dropped)
 *   reject, otherwise           REPEAT     reject    REJECT: TCP RST, else ICMP
 *
 * REPEAT (not ACCEPT) for the marked drops: if the ruleset does not act on
 * the mark, the packet comes back to the queue still carrying it, and is
 * then dropped here (@requeued) instead of leaking through.
 */
struct loop_verdict {
	enum capture_action action;
	bool set_mark;
	uint32_t mark;			/* the packet's whole new mark */
	bool nxdomain;			/* answer NXDOMAIN first; if that fails use
					 * loop_reject_fallback() */
	bool requeued;			/* a decided packet came back: the ruleset
					 * lacks the mark rules */
};

void loop_map_verdict(const struct engine_result *res, const struct conf_marks *m,
		      uint32_t pkt_mark, bool pending, struct loop_verdict *out);

/*
 * The policy clock for a packet read at @now_us (CLOCK_REALTIME).  A fixed
 * as_of is taken as it is (a drill or a test says what time it is).  The
 * system clock is checked against @sanity_us: a router without a real-time
 * clock boots in 1970 until NTP answers, and every enforcement date would
 * then lie in the future - the daemon would only log, i.e. fail open, until
 * the clock is set.  While the clock is before @sanity_us:
 *
 *   CONF_CLOCK_ENFORCE  judge at @sanity_us: every date up to it has passed
 *   CONF_CLOCK_LOG      judge at the clock as it is (dates ahead only log)
 *   CONF_CLOCK_ACCEPT   judge nothing: accept every packet unjudged
 */
enum loop_clock_state {
	LOOP_CLOCK_SANE = 0,		/* system clock or as_of, used as it is */
	LOOP_CLOCK_INSANE_ENFORCE,
	LOOP_CLOCK_INSANE_LOG,
	LOOP_CLOCK_INSANE_ACCEPT,
};

struct loop_clock {
	enum loop_clock_state state;
	bool judge;			/* false: accept without the engine */
	bool use_as_of;			/* engine_set_as_of() arguments */
	int64_t as_of_us;
};

void loop_policy_clock(bool use_as_of, int64_t as_of_us, int64_t sanity_us,
		       enum conf_clock_policy policy, int64_t now_us, struct loop_clock *out);

/*
 * loop_reject_fallback - the verdict when no NXDOMAIN could be sent (DNS
 * over TCP, a DNS answer, no CAP_NET_RAW): the reject mark, except over UDP,
 * where the packet is only dropped and the flow left unmarked.
 */
void loop_reject_fallback(const struct conf_marks *m, uint32_t pkt_mark, bool udp,
			  struct loop_verdict *out);

#endif
