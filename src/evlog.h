// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * evlog.h - the live daemon's JSON event stream: one file (or standard
 * output) shared by every queue thread, buffered, and never allowed to hold
 * up a packet.
 *
 * Whatever happens to the destination - a full disk (ENOSPC), a quota
 * (EDQUOT), an I/O error (EIO), a reader that went away (EPIPE) or one that
 * does not keep up (EAGAIN: pipes and sockets are put in non-blocking mode)
 * - the events that could not be written are dropped and counted, a
 * warning is logged once per episode, and writing resumes by itself when
 * the destination accepts data again.  A line cut short by a failed write
 * is ended with a newline before the next one, so every later line is whole
 * JSON again.  Traffic is never affected.
 *
 * Thread-safe: each call takes the object's lock.
 */
#ifndef EMBARGO_EVLOG_H
#define EMBARGO_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct evlog;

/* Bytes buffered before a write; events are flushed after every batch anyway. */
#define EVLOG_BUF_SIZE 65536

struct evlog_stats {
	uint64_t events;		/* events handed to evlog_put() */
	uint64_t written;		/* ... of which reached the destination whole */
	uint64_t dropped;		/* ... lost: write failure or oversized */
	uint64_t write_errors;		/* failed write(2) calls */
	int last_error;			/* errno of the last failure, 0 if none */
};

/*
 * evlog_open - @path NULL or "-": standard output (not closed by
 * evlog_free); otherwise the file, opened for appending (created 0640).
 * Returns 0 and *@out, or a negative errno with "log: PATH: reason" in @err.
 */
int evlog_open(struct evlog **out, const char *path, char *err, size_t errsz);

/* evlog_free - flush, close (unless standard output) and free.  NULL is a no-op. */
void evlog_free(struct evlog *l);

/*
 * evlog_chown - give a regular log file to @uid/@gid, so the user the
 * daemon drops to can reopen it on SIGHUP.  Standard output, pipes and
 * devices are left alone.  0 or -errno.
 */
int evlog_chown(struct evlog *l, uid_t uid, gid_t gid);

/* evlog_path - the path given to evlog_open(), "-" for standard output. */
const char *evlog_path(const struct evlog *l);

/* evlog_is_stdout - true when writing to standard output. */
bool evlog_is_stdout(const struct evlog *l);

/*
 * evlog_put - queue one event: @len bytes at @line, a whole JSON line with
 * its newline.  Written out when the buffer fills or at evlog_flush().
 * A line longer than the buffer is dropped (counted).
 */
void evlog_put(struct evlog *l, const char *line, size_t len);

/* evlog_flush - write what is buffered.  Returns 0, or -errno (events dropped). */
int evlog_flush(struct evlog *l);

/* evlog_get_stats - a copy of the counters. */
void evlog_get_stats(struct evlog *l, struct evlog_stats *st);

#endif
