// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * evlog.c - the JSON event stream, written with write(2) from one buffer
 * under a lock, so each failure is seen where it happens and counted in
 * events, not in stdio's opaque buffer state.
 *
 *   evlog_put: line -> buffer (full: write it out first)
 *   evlog_flush: buffer -> write(2) until done, or until it fails:
 *       the whole lines that reached the file are "written", the rest
 *       "dropped"; a partial line left behind is closed with '\n' by the
 *       next successful write (a reader skips one bad line, not all).
 *
 * Pipes, sockets and character devices other than terminals are switched
 * to O_NONBLOCK (and switched back at evlog_free, since the descriptor may
 * be shared with the process that started us): a reader that stalls costs
 * events, never packets.  Regular files cannot block on space - a full disk
 * answers ENOSPC at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evlog.h"
#include "log.h"

#define MAX_WRITES 64			/* partial writes per flush before giving up */

struct evlog {
	pthread_mutex_t lock;
	int fd;
	bool is_stdout;
	bool restore_flags;		/* we set O_NONBLOCK: undo at free */
	int old_flags;
	bool torn;			/* a partial line is in the file */
	bool failing;			/* in a failure episode (warned once) */
	uint64_t dropped_at_fail;	/* st.dropped when the episode began */
	char *path;
	size_t len;			/* bytes in @buf */
	uint64_t lines;			/* events in @buf */
	struct evlog_stats st;
	char buf[EVLOG_BUF_SIZE];
};

int evlog_open(struct evlog **out, const char *path, char *err, size_t errsz)
{
	struct evlog *l = calloc(1, sizeof(*l));
	struct stat sb;
	int ret;

	if (!l) {
		snprintf(err, errsz, "log: out of memory");
		return -ENOMEM;
	}
	l->is_stdout = !path || strcmp(path, "-") == 0;
	l->path = strdup(l->is_stdout ? "-" : path);
	if (!l->path) {
		free(l);
		snprintf(err, errsz, "log: out of memory");
		return -ENOMEM;
	}
	if (l->is_stdout) {
		l->fd = STDOUT_FILENO;
	} else {
		l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
		if (l->fd < 0) {
			ret = -errno;
			snprintf(err, errsz, "log: %s: %s", path, strerror(-ret));
			free(l->path);
			free(l);
			return ret;
		}
	}
	if (fstat(l->fd, &sb) == 0 && !S_ISREG(sb.st_mode) && !isatty(l->fd)) {
		l->old_flags = fcntl(l->fd, F_GETFL);
		if (l->old_flags >= 0 && !(l->old_flags & O_NONBLOCK) &&
		    fcntl(l->fd, F_SETFL, l->old_flags | O_NONBLOCK) == 0)
			l->restore_flags = true;
	}
	pthread_mutex_init(&l->lock, NULL);
	*out = l;
	return 0;
}

int evlog_chown(struct evlog *l, uid_t uid, gid_t gid)
{
	struct stat sb;

	if (l->is_stdout || fstat(l->fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (sb.st_uid == uid && sb.st_gid == gid)
		return 0;
	return fchown(l->fd, uid, gid) < 0 ? -errno : 0;
}

const char *evlog_path(const struct evlog *l)
{
	return l->path;
}

bool evlog_is_stdout(const struct evlog *l)
{
	return l->is_stdout;
}

/* Write @len bytes; returns how many reached the file, and the error in *@e. */
static size_t write_all(int fd, const char *p, size_t len, int *e)
{
	size_t done = 0;

	*e = 0;
	for (int i = 0; i < MAX_WRITES && done < len; i++) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*e = errno;
			return done;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done < len)
		*e = EAGAIN;	/* no progress for MAX_WRITES rounds: a stalled reader */
	return done;
}

static uint64_t count_lines(const char *p, size_t len)
{
	uint64_t n = 0;

	for (const char *q = p; (q = memchr(q, '\n', len - (size_t)(q - p))); q++)
		n++;
	return n;
}

static int flush_locked(struct evlog *l)
{
	size_t done;
	uint64_t whole;
	int e = 0;

	if (!l->len)
		return 0;
	if (l->torn && write_all(l->fd, "\n", 1, &e) == 1)
		l->torn = false;
	done = l->torn ? 0 : write_all(l->fd, l->buf, l->len, &e);
	whole = done == l->len ? l->lines : count_lines(l->buf, done);
	l->st.written += whole;
	if (done < l->len) {
		l->st.dropped += l->lines - whole;
		l->st.write_errors++;
		l->st.last_error = e;
		if (done && l->buf[done - 1] != '\n')
			l->torn = true;
		if (!l->failing) {
			l->failing = true;
			l->dropped_at_fail = l->st.dropped - (l->lines - whole);
			log_warn("events: %s: %s: dropping events (counted) until it can be "
				 "written again; traffic is not affected", l->path, strerror(e));
		}
	} else if (l->failing) {
		l->failing = false;
		log_info("events: %s: writing again; %llu events were dropped", l->path,
			 (unsigned long long)(l->st.dropped - l->dropped_at_fail));
	}
	l->len = 0;
	l->lines = 0;
	return e ? -e : 0;
}

void evlog_put(struct evlog *l, const char *line, size_t len)
{
	pthread_mutex_lock(&l->lock);
	l->st.events++;
	if (len > sizeof(l->buf)) {
		l->st.dropped++;
	} else {
		if (len > sizeof(l->buf) - l->len)
			flush_locked(l);
		memcpy(l->buf + l->len, line, len);
		l->len += len;
		l->lines++;
	}
	pthread_mutex_unlock(&l->lock);
}

int evlog_flush(struct evlog *l)
{
	int ret;

	pthread_mutex_lock(&l->lock);
	ret = flush_locked(l);
	pthread_mutex_unlock(&l->lock);
	return ret;
}

void evlog_get_stats(struct evlog *l, struct evlog_stats *st)
{
	pthread_mutex_lock(&l->lock);
	*st = l->st;
	pthread_mutex_unlock(&l->lock);
}

void evlog_free(struct evlog *l)
{
	if (!l)
		return;
	flush_locked(l);
	if (l->restore_flags)
		fcntl(l->fd, F_SETFL, l->old_flags);
	if (!l->is_stdout)
		close(l->fd);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
}
