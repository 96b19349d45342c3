// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay_jobs.c - `embargo replay -j N`: capture files spread over worker
 * processes, their output merged by time.
 *
 *   parent                                 workers (fork, N of them)
 *   ------                                 -------------------------
 *   temporary directory, shared slots      claim the next file (atomic counter)
 *   wait; draw progress from the slots     engine per file; events -> e<i>,
 *                                          report -> r<i>, packets -> p<i>
 *   k-way merge of e<i> by timestamp       results -> slot[i]
 *   report_load(r<i>), merge p<i> by time
 *
 * Processes, not threads: the engine is single-threaded by design and a
 * worker that crashes on a hostile capture takes only itself down.  The
 * blocklist is shared copy-on-write.  Output goes through files, one per
 * input, so the merge - and so the output - depends only on the inputs:
 * -j 1 and -j 8 print the same bytes.  The events of one file stay in
 * their order; files are merged by each line's timestamp, ties going to
 * the earlier input.  More than MERGE_FANIN files are merged in rounds
 * through intermediate files, which keeps the same order.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd_report.h"
#include "eventlog.h"
#include "pcapout.h"
#include "replay_int.h"
#include "report.h"
#include "util.h"

#define MERGE_FANIN 256
#define POLL_US (50 * 1000)
#define SNAPLEN 262144
#define DIR_MAX 1024			/* the temporary directory's path */
#define PATH_BUF (DIR_MAX + 64)

struct shared {
	uint64_t next;			/* the next input to claim */
	struct replay_slot slot[];
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

static void tmp_path(char *buf, size_t size, const char *dir, char kind, size_t i)
{
	snprintf(buf, size, "%s/%c%zu", dir, kind, i);
}

/* ------------------------------------------------------------------ worker */

/* One input into its own files; the result into its slot. */
static void work_file(struct replay *r, struct shared *sh, const char *dir, int dlt, size_t i)
{
	struct replay_slot *s = &sh->slot[i];
	char path[PATH_BUF], err[512];
	bool bad = false;
	FILE *f;

	r->file_no = (unsigned)i;
	r->matches = 0;
	r->out_err = false;
	memset(&r->total, 0, sizeof(r->total));
	if (r->json || r->summary) {
		tmp_path(path, sizeof(path), dir, 'e', i);
		r->events_out = fopen(path, "we");
		if (!r->events_out) {
			fprintf(stderr, "embargo: %s: %s\n", path, strerror(errno));
			bad = true;
		}
	} else {
		r->report = report_new();
		if (!r->report)
			bad = true;
	}
	if (r->write_matches) {
		tmp_path(path, sizeof(path), dir, 'p', i);
		if (pcapout_open(&r->po, path, dlt, err, sizeof(err)) < 0) {
			fprintf(stderr, "embargo: %s\n", err);
			bad = true;
		}
	}
	if (!bad && replay_file(r, &r->in[i], s) < 0)
		bad = true;
	if (r->events_out && (fclose(r->events_out) != 0 || r->out_err)) {
		fprintf(stderr, "embargo: %s: events: write error\n", r->in[i].path);
		bad = true;
	}
	r->events_out = NULL;
	if (r->report) {
		tmp_path(path, sizeof(path), dir, 'r', i);
		f = fopen(path, "we");
		if (!f || report_save(r->report, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "embargo: %s: report: write error\n", r->in[i].path);
			bad = true;
		}
		report_free(r->report);
		r->report = NULL;
	}
	if (r->po && pcapout_close(r->po) < 0) {
		fprintf(stderr, "embargo: %s: matched packets: write error\n", r->in[i].path);
		bad = true;
	}
	r->po = NULL;
	s->matches = r->matches;
	s->st = r->total;
	__atomic_store_n(&s->state, bad ? SLOT_FAILED : SLOT_OK, __ATOMIC_RELEASE);
}

static void worker(struct replay *r, struct shared *sh, const char *dir, int dlt)
{
	size_t i;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* The parent's sinks are the parent's: this process writes only its files. */
	r->elog = NULL;
	r->sum = NULL;
	r->report = NULL;
	r->po = NULL;
	while ((i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED)) < r->nfiles)
		work_file(r, sh, dir, dlt, i);
	/* _exit: stdio buffers inherited from the parent must not be flushed twice. */
	fflush(stderr);
	_exit(0);
}

/* ------------------------------------------------------------------- merge */

/* A min-heap of source numbers ordered by (key, number). */
struct heap {
	size_t *v, n;
	const int64_t *key;
};

static bool h_less(const struct heap *h, size_t a, size_t b)
{
	return h->key[a] < h->key[b] || (h->key[a] == h->key[b] && a < b);
}

static void h_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < h->n && h_less(h, h->v[l], h->v[m]))
			m = l;
		if (l + 1 < h->n && h_less(h, h->v[l + 1], h->v[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = t;
		i = m;
	}
}

static void h_push(struct heap *h, size_t s)
{
	size_t i = h->n++;

	h->v[i] = s;
	while (i && h_less(h, h->v[i], h->v[(i - 1) / 2])) {
		size_t p = (i - 1) / 2, t = h->v[p];

		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static size_t h_pop(struct heap *h)
{
	size_t top = h->v[0];

	h->v[0] = h->v[--h->n];
	h_down(h, 0);
	return top;
}

/*
 * The timestamp at the start of an event line: event.h puts it first as
 * {"timestamp":"...".  Anything else sorts first (it cannot happen with
 * our own files, and must not stop the merge).
 */
static int64_t line_ts(const char *line, size_t len)
{
	static const char pre[] = "{\"timestamp\":\"";
	char ts[64];
	const char *end;
	int64_t t;

	if (len < sizeof(pre) || memcmp(line, pre, sizeof(pre) - 1) != 0)
		return INT64_MIN;
	line += sizeof(pre) - 1;
	len -= sizeof(pre) - 1;
	end = memchr(line, '"', len < sizeof(ts) ? len : sizeof(ts) - 1);
	if (!end)
		return INT64_MIN;
	memcpy(ts, line, (size_t)(end - line));
	ts[end - line] = '\0';
	return time_parse_rfc3339(ts, &t) == 0 ? t : INT64_MIN;
}

struct esrc {
	FILE *f;
	char *line;
	size_t cap;
	ssize_t len;
};

/* Where merged lines go: the parent's sinks, or an intermediate file. */
struct esink {
	struct replay *r;
	FILE *f;
};

static void put_line(struct esink *k, char *line, size_t len)
{
	if (k->f) {
		if (fwrite(line, 1, len, k->f) != len)
			k->r->out_err = true;
	} else if (k->r->elog) {
		eventlog_line(k->r->elog, line, len, NULL);
	} else if (k->r->sum) {
		if (cmd_report_line(k->r->sum, line, len, NULL, 0) == -ENOMEM)
			k->r->out_err = true;
	}
}

/* Merge the event files @paths (missing ones are empty) into @k. */
static int merge_events(char **paths, size_t n, struct esink *k)
{
	struct esrc *s = calloc(n ? n : 1, sizeof(*s));
	int64_t *key = calloc(n ? n : 1, sizeof(*key));
	struct heap h = { .v = calloc(n ? n : 1, sizeof(size_t)), .key = key };
	int ret = 0;

	if (!s || !key || !h.v) {
		free(s);
		free(key);
		free(h.v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		s[i].f = fopen(paths[i], "re");
		if (s[i].f && (s[i].len = getline(&s[i].line, &s[i].cap, s[i].f)) > 0) {
			key[i] = line_ts(s[i].line, (size_t)s[i].len);
			h_push(&h, i);
		}
	}
	while (h.n) {
		size_t i = h_pop(&h);

		put_line(k, s[i].line, (size_t)s[i].len);
		if ((s[i].len = getline(&s[i].line, &s[i].cap, s[i].f)) > 0) {
			key[i] = line_ts(s[i].line, (size_t)s[i].len);
			h_push(&h, i);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i].f && ferror(s[i].f))
			ret = -EIO;
		if (s[i].f)
			fclose(s[i].f);
		free(s[i].line);
	}
	free(s);
	free(key);
	free(h.v);
	return ret;
}

/* Merge the packet files @paths (missing ones skipped) into the dumper @d. */
static int merge_pcaps(char **paths, size_t n, pcap_dumper_t *d)
{
	pcap_t **pc = calloc(n ? n : 1, sizeof(*pc));
	struct pcap_pkthdr **hdr = calloc(n ? n : 1, sizeof(*hdr));
	const u_char **data = calloc(n ? n : 1, sizeof(*data));
	int64_t *key = calloc(n ? n : 1, sizeof(*key));
	struct heap h = { .v = calloc(n ? n : 1, sizeof(size_t)), .key = key };
	char errbuf[PCAP_ERRBUF_SIZE];
	int ret = 0;

	if (!pc || !hdr || !data || !key || !h.v) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pc[i] = pcap_open_offline_with_tstamp_precision(
			paths[i], PCAP_TSTAMP_PRECISION_MICRO, errbuf);
		if (pc[i] && pcap_next_ex(pc[i], &hdr[i], &data[i]) == 1) {
			key[i] = (int64_t)hdr[i]->ts.tv_sec * USEC_PER_SEC + hdr[i]->ts.tv_usec;
			h_push(&h, i);
		}
	}
	while (h.n) {
		size_t i = h_pop(&h);

		pcap_dump((u_char *)d, hdr[i], data[i]);
		if (pcap_next_ex(pc[i], &hdr[i], &data[i]) == 1) {
			key[i] = (int64_t)hdr[i]->ts.tv_sec * USEC_PER_SEC + hdr[i]->ts.tv_usec;
			h_push(&h, i);
		}
	}
out:
	for (size_t i = 0; pc && i < n; i++)
		if (pc[i])
			pcap_close(pc[i]);
	free(pc);
	free(hdr);
	free(data);
	free(key);
	free(h.v);
	return ret;
}

/*
 * Merge @n files of kind 'e' or 'p' (paths in @paths) into the final sink,
 * in rounds of MERGE_FANIN: each round's outputs are the next round's
 * inputs, in order, so ties still go to the earlier input.
 */
static int merge_all(struct replay *r, const char *dir, char kind, char **paths, size_t n,
		     struct esink *k, pcap_dumper_t *d, int dlt)
{
	size_t round = 0;
	int ret = 0;

	while (n > MERGE_FANIN && ret == 0) {
		size_t m = (n + MERGE_FANIN - 1) / MERGE_FANIN;
		char **next = calloc(m, sizeof(*next));

		if (!next)
			return -ENOMEM;
		for (size_t g = 0; g < m && ret == 0; g++) {
			size_t lo = g * MERGE_FANIN;
			size_t cnt = n - lo < MERGE_FANIN ? n - lo : MERGE_FANIN;
			char p[PATH_BUF];

			snprintf(p, sizeof(p), "%s/m%c%zu.%zu", dir, kind, round, g);
			next[g] = strdup(p);
			if (!next[g]) {
				ret = -ENOMEM;
				break;
			}
			if (kind == 'e') {
				struct esink ik = { .r = r, .f = fopen(p, "we") };

				ret = ik.f ? merge_events(paths + lo, cnt, &ik) : -errno;
				if (ik.f && fclose(ik.f) != 0 && ret == 0)
					ret = -EIO;
			} else {
				pcap_t *dead = pcap_open_dead_with_tstamp_precision(
					dlt, SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
				pcap_dumper_t *id = dead ? pcap_dump_open(dead, p) : NULL;

				ret = id ? merge_pcaps(paths + lo, cnt, id) : -EIO;
				if (id)
					pcap_dump_close(id);
				if (dead)
					pcap_close(dead);
			}
		}
		if (round)
			for (size_t i = 0; i < n; i++) {
				unlink(paths[i]);
				free(paths[i]);
			}
		if (round)
			free(paths);
		paths = next;
		n = m;
		round++;
	}
	if (ret == 0)
		ret = kind == 'e' ? merge_events(paths, n, k) : merge_pcaps(paths, n, d);
	if (round) {
		for (size_t i = 0; i < n; i++) {
			if (paths[i])
				unlink(paths[i]);
			free(paths[i]);
		}
		free(paths);
	}
	return ret;
}

static char **kind_paths(const char *dir, char kind, size_t n)
{
	char **p = calloc(n ? n : 1, sizeof(*p));
	char buf[PATH_BUF];

	for (size_t i = 0; p && i < n; i++) {
		tmp_path(buf, sizeof(buf), dir, kind, i);
		p[i] = strdup(buf);
		if (!p[i])
			die("out of memory");
	}
	return p;
}

static void free_paths(char **p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		unlink(p[i]);
		free(p[i]);
	}
	free(p);
}

/* Everything the workers left, into the parent's sinks. */
static int merge_outputs(struct replay *r, const char *dir, int dlt)
{
	int ret = 0;
	char **p;

	if (r->json || r->summary) {
		struct esink k = { .r = r };

		p = kind_paths(dir, 'e', r->nfiles);
		if (!p || merge_all(r, dir, 'e', p, r->nfiles, &k, NULL, dlt) < 0) {
			fprintf(stderr, "embargo: replay: merging events failed\n");
			ret = -1;
		}
		free_paths(p, r->nfiles);
	}
	if (r->report) {
		p = kind_paths(dir, 'r', r->nfiles);
		for (size_t i = 0; p && i < r->nfiles; i++) {
			FILE *f = fopen(p[i], "re");

			if (f && report_load(r->report, f) < 0) {
				fprintf(stderr, "embargo: %s: report: damaged\n", r->in[i].path);
				ret = -1;
			}
			if (f)
				fclose(f);
		}
		free_paths(p, r->nfiles);
	}
	if (r->write_matches) {
		pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, SNAPLEN,
								   PCAP_TSTAMP_PRECISION_MICRO);
		pcap_dumper_t *d = dead ? pcap_dump_open(dead, r->write_matches) : NULL;

		p = kind_paths(dir, 'p', r->nfiles);
		if (!d) {
			fprintf(stderr, "embargo: --write-matches: %s\n",
				dead ? pcap_geterr(dead) : "out of memory");
			ret = -1;
		} else if (!p || merge_all(r, dir, 'p', p, r->nfiles, NULL, d, dlt) < 0 ||
			   pcap_dump_flush(d) < 0 || ferror(pcap_dump_file(d))) {
			fprintf(stderr, "embargo: --write-matches: %s: write error\n",
				r->write_matches);
			ret = -1;
		}
		if (d)
			pcap_dump_close(d);
		if (dead)
			pcap_close(dead);
		free_paths(p, r->nfiles);
	}
	return ret;
}

/* ------------------------------------------------------------------ parent */

/* Wait for the workers, drawing progress; -1 if one died or we were interrupted. */
static int wait_workers(struct replay *r, struct shared *sh, pid_t *pid, size_t n)
{
	size_t alive = n;
	int ret = 0;

	while (alive) {
		struct timespec nap = { 0, POLL_US * 1000 };
		uint64_t packets = 0, bytes = 0;
		unsigned done = 0;
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p > 0) {
			for (size_t i = 0; i < n; i++)
				if (pid[i] == p)
					pid[i] = 0;
			alive--;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				if (WIFSIGNALED(status))
					fprintf(stderr,
						"embargo: replay: a worker died (signal %d)\n",
						WTERMSIG(status));
				else
					fprintf(stderr, "embargo: replay: a worker failed\n");
				ret = -1;
			}
			continue;
		}
		if (p < 0 && errno != EINTR)
			break;
		if (interrupted)
			for (size_t i = 0; i < n; i++)
				if (pid[i] > 0)
					kill(pid[i], SIGTERM);
		for (size_t i = 0; i < r->nfiles; i++) {
			packets += __atomic_load_n(&sh->slot[i].packets, __ATOMIC_RELAXED);
			bytes += __atomic_load_n(&sh->slot[i].offset, __ATOMIC_RELAXED);
			done += __atomic_load_n(&sh->slot[i].state, __ATOMIC_ACQUIRE) !=
				SLOT_PENDING;
		}
		replay_progress_draw(&r->prog, done < r->nfiles ? done : done - 1, packets, bytes,
				     false);
		nanosleep(&nap, NULL);
	}
	return interrupted ? -1 : ret;
}

static void remove_dir(const char *dir, size_t nfiles)
{
	static const char kinds[] = "erp";
	char p[PATH_BUF];

	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < nfiles; i++) {
			tmp_path(p, sizeof(p), dir, kinds[k], i);
			unlink(p);
		}
	if (rmdir(dir) < 0)
		fprintf(stderr, "embargo: replay: %s: %s (temporary files left behind)\n", dir,
			strerror(errno));
}

int replay_jobs_run(struct replay *r)
{
	const char *tmp = getenv("TMPDIR");
	size_t n = r->jobs < r->nfiles ? r->jobs : r->nfiles;
	size_t shsize = sizeof(struct shared) + r->nfiles * sizeof(struct replay_slot);
	struct sigaction sa = { .sa_handler = on_interrupt }, old[3];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char dir[DIR_MAX];
	struct shared *sh;
	pid_t *pid;
	int dlt = PCAPOUT_LINKTYPE_RAW, ret = 0;

	if (!r->nfiles)
		return 0;
	if (r->write_matches)
		dlt = replay_matches_dlt(r);
	if ((size_t)snprintf(dir, sizeof(dir), "%s/embargo-replay.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof(dir))
		snprintf(dir, sizeof(dir), "/tmp/embargo-replay.XXXXXX");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "embargo: replay: temporary directory: %s\n", strerror(errno));
		return -1;
	}
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = calloc(n, sizeof(*pid));
	if (sh == MAP_FAILED || !pid)
		die("replay: out of memory");
	memset(sh, 0, shsize);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	fflush(stdout);
	fflush(stderr);
	for (size_t i = 0; i < n; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			worker(r, sh, dir, dlt);
		if (pid[i] < 0) {
			fprintf(stderr, "embargo: replay: fork: %s\n", strerror(errno));
			pid[i] = 0;
			ret = -1;
			break;
		}
	}
	if (wait_workers(r, sh, pid, n) < 0)
		ret = -1;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (interrupted) {
		remove_dir(dir, r->nfiles);
		fprintf(stderr, "embargo: replay: interrupted\n");
		exit(128 + interrupted);
	}
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct replay_slot *s = &sh->slot[i];

		if (s->state != SLOT_OK)
			ret = -1;
		r->matches += s->matches;
		r->packets += s->packets;
		r->done_bytes += s->offset;
		replay_add_stats(&r->total, &s->st);
	}
	/* What the good files gave is output even when another one failed. */
	if (merge_outputs(r, dir, dlt) < 0)
		ret = -1;
	remove_dir(dir, r->nfiles);
	munmap(sh, shsize);
	free(pid);
	return ret;
}
