// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.h - a small poll(2) loop over file descriptors, and the descriptors
 * the daemon's loops are made of: signalfd (signals as reads), timerfd
 * (periodic ticks, or an absolute wall-clock instant such as an enforcement
 * date) and eventfd (one thread waking another).
 *
 * A loop belongs to one thread.  Callbacks run in registration order among
 * the descriptors poll() reports ready, so a busy descriptor cannot starve
 * the others as long as each callback does a bounded amount of work.
 */
#ifndef EMBARGO_LOOP_H
#define EMBARGO_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
