// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - poll(2) over a handful of descriptors; signals, timers and
 * cross-thread wake-ups all arrive as reads, so one loop serves them all
 * without async signal handlers.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

struct watch {
	loop_fn *fn;
	void *ctx;
};

struct loop {
	struct pollfd pfd[LOOP_MAX_FDS];
	struct watch w[LOOP_MAX_FDS];
	size_t n;
	bool stop;
};

struct loop *loop_new(void)
{
	return calloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
	free(l);
}

int loop_add(struct loop *l, int fd, loop_fn *fn, void *ctx)
{
	if (l->n == LOOP_MAX_FDS)
		return -ENOSPC;
	l->pfd[l->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	l->w[l->n] = (struct watch){ .fn = fn, .ctx = ctx };
	l->n++;
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

int loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop) {
		int n = poll(l->pfd, (nfds_t)l->n, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (size_t i = 0; i < l->n && !l->stop; i++) {
			int ret;

			if (!(l->pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			ret = l->w[i].fn(l->w[i].ctx, l->pfd[i].fd);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ signals */

int loop_signalfd(const int *sigs, size_t n)
{
	sigset_t set;
	int fd, ret;

	sigemptyset(&set);
	for (size_t i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	ret = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ret)
		return -ret;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int loop_signal_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(fd, &si, sizeof(si));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)n != sizeof(si))
		return -EIO;
	return (int)si.ssi_signo;
}

/* ------------------------------------------------------------------- timers */

int loop_timer_new(int clockid)
{
	int fd = timerfd_create(clockid, TFD_NONBLOCK | TFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static struct timespec ts_of(int64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / USEC_PER_SEC),
		.tv_nsec = (long)(us % USEC_PER_SEC) * 1000,
	};
	return ts;
}

int loop_timer_every(int fd, int64_t interval_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (interval_us > 0) {
		its.it_interval = ts_of(interval_us);
		its.it_value = its.it_interval;
	}
	return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

int loop_timer_at(int fd, int64_t realtime_us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (realtime_us != INT64_MAX) {
		/* An instant already past fires at once (it_value must not be 0). */
		its.it_value = ts_of(realtime_us > 0 ? realtime_us : 1);
	}
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		return -errno;
	return 0;
}

int64_t loop_timer_read(int fd)
{
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));

	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)r != sizeof(n))
		return -EIO;
	return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* ------------------------------------------------------------------- events */

int loop_event_new(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void loop_event_post(int fd)
{
	uint64_t one = 1;

	/* Fails only when the counter would overflow: the reader is awake anyway. */
	if (write(fd, &one, sizeof(one)) < 0)
		return;
}

uint64_t loop_event_read(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

int64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}
