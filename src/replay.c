// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - `embargo replay [options] FILE|DIR...`: read pcap/pcapng files
 * with libpcap, run every frame through a fresh engine per file, and print
 * JSON events, the human report or the events summary (cmd_report.h);
 * optionally write the matched flows' packets to a pcap file.
 *
 * Directories stand for the capture files directly inside them (found by
 * their magic number, whatever their names), in byte order of their names.
 *
 * With -j N the files are spread over N worker processes (replay_jobs.c):
 * each file gets its own engine, its events and packets go to temporary
 * files, and the parent merges them in timestamp order, so the output does
 * not depend on N or on which worker read which file.  Without -j the
 * files are read one after the other and their output follows that order.
 *
 * Exit status, like grep: 0 no match, 1 at least one match, 2 an error (a
 * file that cannot be read, an unsupported link type, a damaged capture).
 * A damaged file does not stop the others, and what was read of it before
 * the damage still counts.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_report.h"
#include "engine.h"
#include "eventlog.h"
#include "log.h"
#include "parse_link.h"
#include "pcapout.h"
#include "replay.h"
#include "replay_int.h"
#include "report.h"
#include "util.h"

/* Expire idle flows every this much capture time; summaries fall due as often. */
#define EXPIRE_EVERY_US (10 * USEC_PER_SEC)
#define TICK_EVERY_US USEC_PER_SEC
#define DEFAULT_AGGREGATE_US (60 * USEC_PER_SEC)
#define READ_BUF (256 * 1024)		/* stdio buffer of a capture being read */

/* ---------------------------------------------------------------- progress */

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

static const char *human_bytes(double b, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	size_t u = 0;

	while (b >= 1000 && u + 1 < ARRAY_SIZE(unit)) {
		b /= 1000;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
	return buf;
}

void replay_progress_init(struct replay_progress *p, int mode, uint64_t total_bytes,
			  unsigned files)
{
	memset(p, 0, sizeof(*p));
	p->tty = isatty(STDERR_FILENO) == 1;
	p->on = mode > 0 || (mode < 0 && p->tty);
	p->forced = mode > 0;
	p->total = total_bytes;
	p->files = files;
	p->start = mono_us();
	p->next = p->start + REPLAY_PROGRESS_FIRST_US;
}

/*
 * Draw "file 3/168: 1234567 packets, 1.2 GB of 10.3 GB (12%), 85.3 MB/s,
 * ETA 0:01:40": over itself on a terminal, as lines otherwise (--progress
 * into a file).  At most every REPLAY_PROGRESS_EVERY_US.
 */
void replay_progress_draw(struct replay_progress *p, unsigned file, uint64_t packets,
			  uint64_t done, bool final)
{
	int64_t now = mono_us(), el;
	char b1[32], b2[32], b3[32], eta[32] = "";
	double rate;

	if (!p->on || (!final && now < p->next))
		return;
	if (final && !p->drawn && !p->forced)
		return;
	p->next = now + REPLAY_PROGRESS_EVERY_US;
	el = now - p->start;
	rate = el > 0 ? (double)done * USEC_PER_SEC / (double)el : 0;
	if (!final && rate > 0 && p->total > done) {
		uint64_t s = (uint64_t)((double)(p->total - done) / rate);

		snprintf(eta, sizeof(eta), ", ETA %llu:%02llu:%02llu", (unsigned long long)s / 3600,
			 (unsigned long long)s / 60 % 60, (unsigned long long)s % 60);
	}
	if (final && !p->total)
		/* Sizes unknown (pipes): packets only. */
		fprintf(stderr, "%sembargo replay: done: %u file%s, %llu packets in %.1f s\n",
			p->tty ? "\r\033[K" : "", p->files, p->files == 1 ? "" : "s",
			(unsigned long long)packets, (double)el / USEC_PER_SEC);
	else if (final)
		fprintf(stderr, "%sembargo replay: done: %u file%s, %llu packets, %s in %.1f s "
				"(%s/s)\n", p->tty ? "\r\033[K" : "", p->files,
			p->files == 1 ? "" : "s", (unsigned long long)packets,
			human_bytes((double)done, b1, sizeof(b1)), (double)el / USEC_PER_SEC,
			human_bytes(rate, b3, sizeof(b3)));
	else if (!p->total)
		fprintf(stderr, "%sembargo replay: file %u/%u: %llu packets, %.0f packets/s%s",
			p->tty ? "\r\033[K" : "", file + 1, p->files, (unsigned long long)packets,
			el > 0 ? (double)packets * USEC_PER_SEC / (double)el : 0.0,
			p->tty ? "" : "\n");
	else
		fprintf(stderr, "%sembargo replay: file %u/%u: %llu packets, %s of %s (%llu%%), "
				"%s/s%s%s", p->tty ? "\r\033[K" : "", file + 1, p->files,
			(unsigned long long)packets, human_bytes((double)done, b1, sizeof(b1)),
			human_bytes((double)p->total, b2, sizeof(b2)),
			(unsigned long long)(p->total ? done * 100 / p->total : 0),
			human_bytes(rate, b3, sizeof(b3)), eta, p->tty ? "" : "\n");
	p->drawn = true;
}

/* Take the line off the terminal before other output (unless it was the final one). */
void replay_progress_end(struct replay_progress *p, uint64_t packets, uint64_t done)
{
	if (p->forced) {
		replay_progress_draw(p, 0, packets, done, true);
		return;
	}
	if (p->on && p->drawn && p->tty)
		fputs("\r\033[K", stderr);
}

/* ------------------------------------------------------------------ inputs */

/* pcap (µs, ns, either byte order, Kuznetzov's) or pcapng (RFC draft: SHB). */
static bool is_capture(const char *path)
{
	static const uint32_t magic[] = { 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1,
					  0xa1b2cd34, 0x34cdb2a1, 0x0a0d0d0a };
	unsigned char b[4];
	FILE *f = fopen(path, "re");
	bool yes = false;

	if (!f)
		return false;
	if (fread(b, 1, 4, f) == 4) {
		uint32_t m = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
			     b[3];

		for (size_t i = 0; i < ARRAY_SIZE(magic); i++)
			yes |= m == magic[i];
	}
	fclose(f);
	return yes;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_input(struct replay *r, char *path, uint64_t size)
{
	if (r->nfiles == r->cap_files) {
		size_t ncap = r->cap_files ? r->cap_files * 2 : 16;
		struct replay_input *ni = realloc(r->in, ncap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		r->in = ni;
		r->cap_files = ncap;
	}
	r->in[r->nfiles++] = (struct replay_input){ .path = path, .size = size };
	return 0;
}

/* The capture files directly in @dir, sorted; -1 after a message. */
static int expand_dir(struct replay *r, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, found = 0;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "embargo: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));

			if (!nn)
				die("out of memory");
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			die("out of memory");
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *p = malloc(len);
		struct stat st;

		if (!p)
			die("out of memory");
		snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		free(names[i]);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && is_capture(p)) {
			if (add_input(r, p, (uint64_t)st.st_size) < 0)
				die("out of memory");
			found++;
		} else {
			free(p);
		}
	}
	free(names);
	if (!found) {
		fprintf(stderr, "embargo: %s: no pcap or pcapng file in this directory\n", dir);
		ret = -1;
	}
	return ret;
}

/* Expand the arguments; -1 if one of them is an unusable directory. */
static int collect_inputs(struct replay *r, char **argv, int argc)
{
	int ret = 0;

	for (int i = 0; i < argc; i++) {
		struct stat st;
		char *p;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (expand_dir(r, argv[i]) < 0)
				ret = -1;
			continue;
		}
		/* Anything else is opened as a capture: its errors name it then. */
		p = strdup(argv[i]);
		if (!p || add_input(r, p, stat(argv[i], &st) == 0 ? (uint64_t)st.st_size : 0) < 0)
			die("out of memory");
	}
	return ret;
}

/*
 * The link type of the --write-matches file: the inputs' own when they
 * agree, else raw IP.  Inputs that cannot be opened are skipped (their
 * error comes when they are read).
 */
int replay_matches_dlt(const struct replay *r)
{
	int dlt = -1;

	for (size_t i = 0; i < r->nfiles; i++) {
		char errbuf[PCAP_ERRBUF_SIZE];
		pcap_t *pc = pcap_open_offline(r->in[i].path, errbuf);
		int d;

		if (!pc)
			continue;
		d = pcap_datalink(pc);
		pcap_close(pc);
		if (!link_supported(d))
			continue;
		if (dlt >= 0 && d != dlt)
			return PCAPOUT_LINKTYPE_RAW;
		dlt = d;
	}
	return dlt >= 0 ? dlt : PCAPOUT_LINKTYPE_RAW;
}

/* ----------------------------------------------------------------- events */

/*
 * open_capture - open @path ("-": standard input) for pcap_next_ex.  A
 * regular file gets a stdio buffer of READ_BUF bytes: libpcap reads each
 * record with two freads, and glibc's default buffer (the file system's
 * block size, 4 KiB) turns a large capture into one read(2) per 4 KiB,
 * about a quarter of the replay's time on the benchmark's files.  *iobuf
 * is that buffer, to free after pcap_close().  On failure @errbuf says why.
 */
static pcap_t *open_capture(const char *path, char *errbuf, void **iobuf)
{
	pcap_t *pc;
	FILE *f;

	*iobuf = NULL;
	if (strcmp(path, "-") == 0)
		return pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO,
							       errbuf);
	f = fopen(path, "re");
	if (!f) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	*iobuf = malloc(READ_BUF);
	if (*iobuf)
		setvbuf(f, *iobuf, _IOFBF, READ_BUF);
	pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc) {
		fclose(f);
		free(*iobuf);
		*iobuf = NULL;
	}
	return pc;
}

static void on_event(void *ctx, const struct event *ev)
{
	struct replay *r = ctx;
	struct event e = *ev;

	if (ev->type == EV_MATCH)
		r->matches++;
	if (r->eve) {
		/* Unique across the files of a run: like report.c's flow keys. */
		e.eve = true;
		e.flow_id = (uint64_t)(r->file_no + 1) << 40 | (ev->flow_id & ((1ULL << 40) - 1));
		e.pcap_filename = r->cur_path;
	}
	if (r->elog) {
		eventlog_event(r->elog, &e, NULL);
	} else if (r->events_out) {
		if (event_write_json(&e, r->events_out) < 0)
			r->out_err = true;
	} else if (r->sum) {
		char buf[4096];
		size_t n = event_format_json(&e, buf, sizeof(buf));

		if (n < sizeof(buf) && cmd_report_line(r->sum, buf, n, NULL, 0) == -ENOMEM)
			r->out_err = true;
	} else if (r->report && report_event(r->report, r->file_no, ev) < 0) {
		r->out_err = true;
	}
}

void replay_add_stats(struct engine_stats *t, const struct engine_stats *s)
{
	/* Every field is a uint64_t counter: add them as an array. */
	uint64_t *a = (uint64_t *)t;
	const uint64_t *b = (const uint64_t *)s;

	for (size_t i = 0; i < sizeof(*t) / sizeof(uint64_t); i++)
		a[i] += b[i];
}

/*
 * Read one file through a fresh engine into the sinks set in @r.  @slot,
 * if not NULL, gets the progress (for the -j parent).  Returns 0, or -1
 * after printing an error naming the file.
 */
int replay_file(struct replay *r, const struct replay_input *in, struct replay_slot *slot)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct engine_opts o = {
		.bl = r->bl,
		.report_all = r->all,
		.use_as_of = r->use_as_of,
		.as_of_us = r->as_of_us,
		.on_event = on_event,
		.ctx = r,
	};
	struct pcap_pkthdr *h;
	const u_char *data;
	struct engine *e;
	struct engine_stats st;
	struct engine_result res;
	int64_t next_expire = INT64_MIN;
	uint64_t packets = 0;
	int dlt, rc, ret = 0;
	pcap_t *pc;
	FILE *pf;
	void *iobuf = NULL;

	r->cur_path = in->path;
	pc = open_capture(in->path, errbuf, &iobuf);
	if (!pc) {
		fprintf(stderr, "embargo: %s: %s\n", in->path, errbuf[0] ? errbuf : "cannot open");
		return -1;
	}
	dlt = pcap_datalink(pc);
	if (!link_supported(dlt)) {
		const char *n = pcap_datalink_val_to_name(dlt);

		fprintf(stderr, "embargo: %s: unsupported link type %d (%s)\n", in->path, dlt,
			n ? n : "unknown");
		pcap_close(pc);
		free(iobuf);
		return -1;
	}
	e = engine_new(&o);
	if (!e) {
		fprintf(stderr, "embargo: %s: %s\n", in->path, strerror(errno));
		pcap_close(pc);
		free(iobuf);
		return -1;
	}
	if (r->po)
		pcapout_begin_file(r->po, dlt);
	pf = pcap_file(pc);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * USEC_PER_SEC + h->ts.tv_usec;

		if (r->elog && ts >= r->next_tick) {
			/* Summaries due by this packet's time come before its events. */
			eventlog_tick(r->elog, ts, NULL);
			r->next_tick = ts + TICK_EVERY_US;
		}
		engine_frame(e, dlt, ts, data, h->caplen, h->len, &res);
		if (r->report)
			report_packet(r->report, r->file_no, ts, &res);
		if (r->po)
			pcapout_frame(r->po, ts, data, h->caplen, h->len, &res);
		if (ts >= next_expire) {
			engine_expire(e, ts);
			next_expire = ts + EXPIRE_EVERY_US;
		}
		if (!(++packets & 1023)) {
			long off = pf ? ftell(pf) : -1;
			uint64_t pos = off > 0 ? (uint64_t)off : 0;

			if (slot) {
				__atomic_store_n(&slot->packets, packets, __ATOMIC_RELAXED);
				__atomic_store_n(&slot->offset, pos, __ATOMIC_RELAXED);
			} else {
				replay_progress_draw(&r->prog, r->file_no, r->packets + packets,
						     r->done_bytes + pos, false);
			}
		}
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "embargo: %s: %s\n", in->path, pcap_geterr(pc));
		ret = -1;
	}
	engine_get_stats(e, &st);
	replay_add_stats(&r->total, &st);
	r->packets += packets;
	r->done_bytes += in->size;
	if (slot) {
		__atomic_store_n(&slot->packets, packets, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->offset, in->size, __ATOMIC_RELAXED);
	}
	engine_free(e);
	pcap_close(pc);
	free(iobuf);
	return ret;
}

/* ------------------------------------------------------------- sequential */

static int run_sequential(struct replay *r)
{
	int failed = 0;

	for (size_t i = 0; i < r->nfiles; i++) {
		r->file_no = (unsigned)i;
		if (replay_file(r, &r->in[i], NULL) < 0)
			failed = -1;
	}
	return failed;
}

/* ---------------------------------------------------------------- options */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: embargo replay [options] FILE|DIR...\n"
		"  -b, --blocklist PATH     list file or directory (repeatable;\n"
		"                           default: bundled)\n"
		"  -t, --as-of TIME         evaluate the policy at TIME (RFC 3339),\n"
		"                           not packet time\n"
		"  -J, --json               events as JSON lines on stdout\n"
		"  -E, --eve                JSON lines with flow_id and pcap_filename\n"
		"                           (implies -J)\n"
		"  -A, --aggregate[=TIME]   fold repeated events into summaries per TIME\n"
		"                           (default 60s; with -J)\n"
		"  -a, --all                also report names that matched nothing\n"
		"  -R, --report             summarise the events (as `embargo report` does)\n"
		"      --csv                with --report: CSV instead of text\n"
		"  -w, --write-matches FILE the packets of matched flows to a pcap file\n"
		"  -j, --jobs N             N worker processes, events merged by time\n"
		"      --progress, --no-progress\n"
		"                           progress on stderr (default: when it is a terminal)\n"
		"  -h, --help               this help\n"
		"A DIR stands for the capture files in it, sorted by name.\n"
		"Exit status: 0 no match, 1 match, 2 error.\n");
}

/* "90", "90s", "5m", "1h": seconds to microseconds. */
static int parse_interval(const char *s, int64_t *out_us)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, mult = 1;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's':
		num[--n] = '\0';
		break;
	case 'm':
		mult = 60;
		num[--n] = '\0';
		break;
	case 'h':
		mult = 3600;
		num[--n] = '\0';
		break;
	default:
		break;
	}
	if (parse_uint(num, 1, 7 * 86400 / mult, &v) < 0)
		return -EINVAL;
	*out_us = (int64_t)(v * mult) * USEC_PER_SEC;
	return 0;
}

enum { OPT_CSV = 256, OPT_PROGRESS, OPT_NO_PROGRESS };

static int parse_args(struct replay *r, int argc, char **argv, const char **lists,
		      size_t *nlists)
{
	static const struct option opts[] = {
		{ "blocklist", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "eve", no_argument, NULL, 'E' },
		{ "aggregate", optional_argument, NULL, 'A' },
		{ "all", no_argument, NULL, 'a' },
		{ "report", no_argument, NULL, 'R' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "write-matches", required_argument, NULL, 'w' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:t:JEA::aRw:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (*nlists == CLI_MAX_BLOCKLISTS) {
				fprintf(stderr, "embargo: replay: more than %d --blocklist\n",
					CLI_MAX_BLOCKLISTS);
				return -1;
			}
			lists[(*nlists)++] = optarg;
			break;
		case 't':
			if (cli_parse_time("--as-of", optarg, &r->as_of_us) < 0)
				return -1;
			r->use_as_of = true;
			break;
		case 'E':
			r->eve = true;
			/* fall through */
		case 'J':
			r->json = true;
			break;
		case 'A':
			r->aggregate_us = DEFAULT_AGGREGATE_US;
			if (optarg && parse_interval(optarg, &r->aggregate_us) < 0) {
				fprintf(stderr, "embargo: --aggregate: '%s' is not an interval "
						"(e.g. 60s, 5m, 1h; at most 7 days)\n", optarg);
				return -1;
			}
			break;
		case 'a':
			r->all = true;
			break;
		case 'R':
			r->summary = true;
			break;
		case OPT_CSV:
			r->csv = true;
			break;
		case 'w':
			r->write_matches = optarg;
			break;
		case 'j':
			if (parse_uint(optarg, 1, REPLAY_MAX_JOBS, &v) < 0) {
				fprintf(stderr, "embargo: --jobs: '%s' is not 1-%d\n", optarg,
					REPLAY_MAX_JOBS);
				return -1;
			}
			r->jobs = (unsigned)v;
			break;
		case OPT_PROGRESS:
			r->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			r->progress = 0;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "embargo: replay: no capture file given\n");
		usage(stderr);
		return -1;
	}
	if (r->summary && r->json) {
		fprintf(stderr, "embargo: replay: --report and --json exclude each other\n");
		return -1;
	}
	if (r->csv && !r->summary) {
		fprintf(stderr, "embargo: replay: --csv goes with --report\n");
		return -1;
	}
	if (r->aggregate_us && !r->json) {
		fprintf(stderr, "embargo: replay: --aggregate goes with --json (or --eve)\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

/* The sinks of the parent (or of the only process, without -j). */
static int open_sinks(struct replay *r, bool jobs)
{
	char err[512];

	if (r->json && (r->aggregate_us || jobs)) {
		struct eventlog_opts eo = { .target = EVENTLOG_STREAM, .stream = stdout,
					    .aggregate_us = r->aggregate_us };

		if (eventlog_new(&r->elog, &eo, err, sizeof(err)) < 0) {
			fprintf(stderr, "embargo: %s\n", err);
			return -1;
		}
	} else if (r->json) {
		r->events_out = stdout;
	} else if (r->summary) {
		struct cmd_report_opts co = { .csv = r->csv, .top = 20, .bl = r->bl };

		r->sum = cmd_report_new(&co);
		if (!r->sum)
			die("out of memory");
	} else {
		r->report = report_new();
		if (!r->report)
			die("out of memory");
	}
	if (r->write_matches && !jobs &&
	    pcapout_open(&r->po, r->write_matches, replay_matches_dlt(r), err, sizeof(err)) < 0) {
		fprintf(stderr, "embargo: --write-matches: %s\n", err);
		return -1;
	}
	return 0;
}

/* Print the report (human or summary); close the sinks.  -1 on a write error. */
static int close_sinks(struct replay *r)
{
	char clock[64 + TIME_RFC3339_LEN];
	int ret = 0;

	if (r->elog) {
		struct eventlog_stats st;

		eventlog_finish(r->elog, INT64_MAX, NULL);
		eventlog_get_stats(r->elog, &st);
		if (st.write_errors)
			r->out_err = true;
		eventlog_free(r->elog);
		r->elog = NULL;
	}
	if (r->sum) {
		for (size_t i = 0; i < r->nfiles; i++)
			cmd_report_note_file(r->sum);
		if (cmd_report_print(r->sum, stdout) < 0)
			r->out_err = true;
		cmd_report_free(r->sum);
		r->sum = NULL;
	}
	if (r->report) {
		if (r->use_as_of) {
			char t[TIME_RFC3339_LEN];

			snprintf(clock, sizeof(clock), "%s (--as-of)",
				 time_format_rfc3339(r->as_of_us, t, sizeof(t)));
		} else {
			snprintf(clock, sizeof(clock), "each packet's own timestamp");
		}
		report_print(r->report, stdout, &r->total, (unsigned)r->nfiles, clock);
		report_free(r->report);
		r->report = NULL;
	}
	if (r->po && pcapout_close(r->po) < 0) {
		fprintf(stderr, "embargo: --write-matches: %s: write error\n", r->write_matches);
		ret = -1;
	}
	r->po = NULL;
	return ret;
}

/* Free what open_sinks() made, printing nothing (an error path). */
static void free_sinks(struct replay *r)
{
	eventlog_free(r->elog);
	cmd_report_free(r->sum);
	report_free(r->report);
	pcapout_close(r->po);
	r->elog = NULL;
	r->sum = NULL;
	r->report = NULL;
	r->po = NULL;
}

int cmd_replay(int argc, char **argv)
{
	const char *lists[CLI_MAX_BLOCKLISTS];
	static char outbuf[1 << 16];
	struct replay r = { .progress = -1 };
	size_t nlists = 0;
	bool failed = false;
	uint64_t total = 0;
	int ret;

	ret = parse_args(&r, argc, argv, lists, &nlists);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (collect_inputs(&r, argv + optind, argc - optind) < 0)
		failed = true;
	if (cli_load_blocklist(lists, nlists, &r.bl) < 0) {
		ret = 2;
		goto out;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (open_sinks(&r, r.jobs > 0) < 0) {
		free_sinks(&r);
		ret = 2;
		goto out;
	}
	for (size_t i = 0; i < r.nfiles; i++)
		total += r.in[i].size;
	replay_progress_init(&r.prog, r.progress, total, (unsigned)r.nfiles);
	if (r.jobs ? replay_jobs_run(&r) < 0 : run_sequential(&r) < 0)
		failed = true;
	replay_progress_end(&r.prog, r.packets, r.done_bytes);
	if (close_sinks(&r) < 0)
		failed = true;
	if (fflush(stdout) != 0 || r.out_err) {
		fprintf(stderr, "embargo: replay: writing output: %s\n", strerror(errno));
		failed = true;
	}
	ret = failed ? 2 : r.matches ? 1 : 0;
out:
	for (size_t i = 0; i < r.nfiles; i++)
		free(r.in[i].path);
	free(r.in);
	blocklist_free(r.bl);
	return ret;
}
