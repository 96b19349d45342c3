// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay_int.h - what replay.c (options, files, sinks, progress) and
 * replay_jobs.c (-j: worker processes and the merge) share.  Not for other
 * modules.
 */
#ifndef EMBARGO_REPLAY_INT_H
#define EMBARGO_REPLAY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blocklist.h"
#include "engine.h"

#define REPLAY_MAX_JOBS 256
#define REPLAY_PROGRESS_FIRST_US (500 * 1000)	/* nothing for short runs */
#define REPLAY_PROGRESS_EVERY_US (250 * 1000)	/* at most 4 updates a second */

struct cmd_report;
struct eventlog;
struct pcapout;
struct report;

struct replay_input {
	char *path;			/* owned */
	uint64_t size;			/* bytes on disk (for progress), 0 if unknown */
};

struct replay_progress {
	bool on, tty, forced, drawn;
	uint64_t total;			/* bytes of all inputs */
	unsigned files;
	int64_t start, next;		/* CLOCK_MONOTONIC µs */
};

/*
 * One file's results in memory shared with the -j parent.  The worker
 * writes packets/offset as it goes (relaxed atomics), the rest when the
 * file is done, then sets @state.
 */
enum { SLOT_PENDING = 0, SLOT_OK, SLOT_FAILED };

struct replay_slot {
	uint64_t packets, offset;
	uint64_t matches;
	struct engine_stats st;
	int state;
};

struct replay {
	/* options */
	bool json, eve, all, summary, csv;
	bool use_as_of;
	int64_t as_of_us;
	int64_t aggregate_us;		/* 0: every event */
	const char *write_matches;
	unsigned jobs;			/* 0: no worker processes */
	int progress;			/* -1 auto, 0 off, 1 forced */
	/* inputs */
	struct replay_input *in;
	size_t nfiles, cap_files;
	struct blocklist *bl;
	/* sinks: whichever are set receive the events / packets */
	struct eventlog *elog;		/* JSON through aggregation (or -j merge) */
	FILE *events_out;		/* JSON lines as they come */
	struct cmd_report *sum;		/* --report */
	struct report *report;		/* the human report */
	struct pcapout *po;		/* --write-matches */
	int64_t next_tick;		/* capture time of the next eventlog_tick */
	/* state */
	unsigned file_no;
	const char *cur_path;
	bool out_err;
	uint64_t matches, packets, done_bytes;
	struct engine_stats total;
	struct replay_progress prog;
};

/* replay_file - one capture through a fresh engine into @r's sinks (replay.c). */
int replay_file(struct replay *r, const struct replay_input *in, struct replay_slot *slot);

/*
 * replay_matches_dlt - the link type of the --write-matches file: the
 * inputs' own when they agree, else PCAPOUT_LINKTYPE_RAW.
 */
int replay_matches_dlt(const struct replay *r);

/* replay_add_stats - @t += @s, field by field. */
void replay_add_stats(struct engine_stats *t, const struct engine_stats *s);

/* The progress line (replay.c); mode as struct replay's @progress. */
void replay_progress_init(struct replay_progress *p, int mode, uint64_t total_bytes,
			  unsigned files);
void replay_progress_draw(struct replay_progress *p, unsigned file, uint64_t packets,
			  uint64_t done, bool final);
void replay_progress_end(struct replay_progress *p, uint64_t packets, uint64_t done);

/*
 * replay_jobs_run - -j: every input through min(jobs, files) worker
 * processes; then the per-file events merged in timestamp order (ties:
 * input order, then the order within the file) into @r's elog or sum, the
 * per-file reports merged into @r->report, the matched packets merged by
 * time into @r->write_matches, and the counters summed into @r.  Returns
 * 0, or -1 if a file failed or a worker died (after a message).
 */
int replay_jobs_run(struct replay *r);

#endif
