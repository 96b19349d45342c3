// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_evlog.c - the event stream when its destination fails: a full
 * device (/dev/full: ENOSPC), a pipe nobody reads (EAGAIN, a line cut in
 * two), a pipe whose reader is gone (EPIPE), an oversized line; recovery
 * after each; every event counted as written or dropped, never lost
 * silently; whole lines from several threads.
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evlog.h"
#include "util.h"
#include "../tap.h"

#define LINE 1000			/* bytes per test line, newline included */

/* A JSON-looking line of exactly LINE bytes. */
static void make_line(char *buf, unsigned n)
{
	int k = snprintf(buf, LINE, "{\"n\":%u,\"pad\":\"", n);

	memset(buf + k, 'x', (size_t)(LINE - k - 3));
	memcpy(buf + LINE - 3, "\"}\n", 3);
}

static void check_stats(struct evlog *l, uint64_t events, uint64_t written, uint64_t dropped,
			const char *what)
{
	struct evlog_stats st;

	evlog_get_stats(l, &st);
	ok(st.events == events && st.written == written && st.dropped == dropped,
	   "%s: events %llu written %llu dropped %llu", what, (unsigned long long)st.events,
	   (unsigned long long)st.written, (unsigned long long)st.dropped);
	if (st.events != events || st.written != written || st.dropped != dropped)
		diag("  want %llu/%llu/%llu", (unsigned long long)events,
		     (unsigned long long)written, (unsigned long long)dropped);
}

static void test_file(void)
{
	char path[] = "/tmp/test_evlog.XXXXXX", err[256], line[LINE], back[3 * LINE];
	int fd = mkstemp(path);
	struct evlog *l;
	struct stat sb;

	close(fd);
	is_int(0, evlog_open(&l, path, err, sizeof(err)), "open a file (%s)", err);
	ok(!evlog_is_stdout(l), "  not stdout");
	is_str(path, evlog_path(l), "  path kept");
	for (unsigned i = 0; i < 3; i++) {
		make_line(line, i);
		evlog_put(l, line, LINE);
	}
	stat(path, &sb);
	is_int(0, sb.st_size, "  buffered: nothing written before a flush");
	is_int(0, evlog_flush(l), "  flush");
	check_stats(l, 3, 3, 0, "  three lines");
	evlog_free(l);
	fd = open(path, O_RDONLY);
	is_int(3 * LINE, read(fd, back, sizeof(back)), "  the file holds all three");
	close(fd);
	ok(back[LINE - 1] == '\n' && back[3 * LINE - 1] == '\n' && back[LINE] == '{',
	   "  whole lines");

	/* Appending: a second open adds, never truncates. */
	evlog_open(&l, path, err, sizeof(err));
	make_line(line, 9);
	evlog_put(l, line, LINE);
	evlog_free(l);		/* flushes */
	stat(path, &sb);
	is_int(4 * LINE, sb.st_size, "  reopened: appended, and evlog_free flushed");
	unlink(path);

	is_int(-ENOENT, evlog_open(&l, "/nonexistent/dir/events.jsonl", err, sizeof(err)),
	       "missing directory: -ENOENT");
	is_str("log: /nonexistent/dir/events.jsonl: No such file or directory", err,
	       "  message names the file");
	is_int(0, evlog_open(&l, "-", err, sizeof(err)), "\"-\" is stdout");
	ok(evlog_is_stdout(l), "  stdout");
	evlog_free(l);
	evlog_free(NULL);
}

static void test_full(void)
{
	char err[256], line[LINE];
	struct evlog *l;

	if (access("/dev/full", W_OK) < 0) {
		ok(1, "# SKIP no /dev/full");
		return;
	}
	is_int(0, evlog_open(&l, "/dev/full", err, sizeof(err)), "open /dev/full");
	for (unsigned i = 0; i < 5; i++) {
		make_line(line, i);
		evlog_put(l, line, LINE);
	}
	is_int(-ENOSPC, evlog_flush(l), "full device: flush reports ENOSPC");
	check_stats(l, 5, 0, 5, "  every event dropped and counted");
	evlog_put(l, line, LINE);
	evlog_flush(l);
	check_stats(l, 6, 0, 6, "  still full: the next one too");
	{
		struct evlog_stats st;

		evlog_get_stats(l, &st);
		is_int(2, (long long)st.write_errors, "  two failed writes");
		is_int(ENOSPC, st.last_error, "  last error ENOSPC");
	}
	is_int(0, evlog_flush(l), "  nothing buffered: flush is a no-op");
	evlog_free(l);
}

static void test_pipe(void)
{
	char err[256], line[LINE], path[64], back[8192];
	struct evlog *l;
	int p[2], flags;
	ssize_t n;

	if (pipe(p) < 0 || fcntl(p[1], F_SETPIPE_SZ, 4096) < 0) {
		ok(0, "pipe set-up");
		return;
	}
	/* evlog opens by path: /proc/self/fd/N reopens the pipe's write end. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	is_int(0, evlog_open(&l, path, err, sizeof(err)), "open a pipe (%s)", err);
	for (unsigned i = 0; i < 10; i++) {
		make_line(line, i);
		evlog_put(l, line, LINE);
	}
	is_int(-EAGAIN, evlog_flush(l), "reader not reading: EAGAIN, not a stall");
	check_stats(l, 10, 4, 6, "  4 whole lines in the pipe, 6 dropped");
	n = read(p[0], back, sizeof(back));
	is_int(4096, n, "  the pipe holds 4096 bytes: a line was cut");
	ok(back[4095] != '\n', "  (cut inside the fifth line)");

	make_line(line, 42);
	evlog_put(l, line, LINE);
	is_int(0, evlog_flush(l), "reader back: writing again");
	check_stats(l, 11, 5, 6, "  counted");
	n = read(p[0], back, sizeof(back));
	is_int(LINE + 1, n, "  a newline ends the cut line, then the new line whole");
	ok(back[0] == '\n' && strncmp(back + 1, "{\"n\":42,", 8) == 0 && back[LINE] == '\n',
	   "  '\\n' + line 42");

	/* The reader goes away: EPIPE (SIGPIPE ignored, as the daemon does). */
	close(p[0]);
	evlog_put(l, line, LINE);
	is_int(-EPIPE, evlog_flush(l), "reader gone: EPIPE");
	check_stats(l, 12, 5, 7, "  dropped, counted");

	evlog_free(l);
	/* Our own descriptor was left blocking: evlog changed only the one it opened. */
	flags = fcntl(p[1], F_GETFL);
	ok(flags >= 0 && !(flags & O_NONBLOCK), "  the caller's descriptor untouched");
	close(p[1]);
}

static void test_oversize(void)
{
	char path[] = "/tmp/test_evlog.XXXXXX", err[256];
	char *big = malloc(EVLOG_BUF_SIZE + 1);
	int fd = mkstemp(path);
	struct evlog *l;
	struct stat sb;

	close(fd);
	evlog_open(&l, path, err, sizeof(err));
	memset(big, 'a', EVLOG_BUF_SIZE + 1);
	big[EVLOG_BUF_SIZE] = '\n';
	evlog_put(l, big, EVLOG_BUF_SIZE + 1);
	check_stats(l, 1, 0, 1, "a line larger than the buffer is dropped");
	big[EVLOG_BUF_SIZE - 1] = '\n';
	evlog_put(l, big, EVLOG_BUF_SIZE);
	evlog_flush(l);
	check_stats(l, 2, 1, 1, "exactly the buffer size fits");
	big[9] = '\n';
	for (int i = 0; i < 7000; i++)	/* 70000 bytes: the buffer fills and is written */
		evlog_put(l, big, 10);
	evlog_free(l);
	stat(path, &sb);
	is_int(EVLOG_BUF_SIZE + 70000, sb.st_size, "many small lines across buffer fills");
	unlink(path);
	free(big);
}

struct writer {
	struct evlog *l;
	unsigned id;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char line[64];

	for (unsigned i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "{\"t\":%u,\"i\":%u}\n", w->id, i);

		evlog_put(w->l, line, (size_t)n);
		if (i % 100 == 0)
			evlog_flush(w->l);
	}
	return NULL;
}

static void test_threads(void)
{
	char path[] = "/tmp/test_evlog.XXXXXX", err[256], buf[64];
	int fd = mkstemp(path);
	struct writer w[4];
	pthread_t th[4];
	unsigned lines = 0, bad = 0;
	FILE *f;

	close(fd);
	evlog_open(&w[0].l, path, err, sizeof(err));
	for (unsigned i = 0; i < 4; i++) {
		w[i] = (struct writer){ w[0].l, i };
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	{
		struct evlog_stats st;

		evlog_get_stats(w[0].l, &st);
		ok(st.events == 80000 && st.dropped == 0, "threads: 80000 events, none dropped");
	}
	evlog_free(w[0].l);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		unsigned t, i;

		lines++;
		if (sscanf(buf, "{\"t\":%u,\"i\":%u}\n", &t, &i) != 2 || t > 3 || i >= 20000)
			bad++;
	}
	if (f)
		fclose(f);
	is_int(80000, lines, "four threads: every line there");
	is_int(0, bad, "  and whole");
	unlink(path);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_file();
	test_full();
	test_pipe();
	test_oversize();
	test_threads();
	return done_testing();
}
