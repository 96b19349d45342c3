// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_report.h - `embargo report [options] EVENTS.jsonl...`: summarise
 * decision events (the JSON lines of `embargo replay --json` or of the
 * daemon's log) for operators and auditors.
 *
 * Attempts.  A "match" event is one attempt; a "summary" event (repeats the
 * daemon folded, eventlog.h) stands for "count" attempts, counted at its
 * "first" time (day, period, before/after a date) and spanning to its
 * "last" (first/last seen).  An attempt was blocked when the event says enforced and
 * its action is drop or reject; every other attempt was only logged (before
 * its category's enforcement date, or under a log-only rule).  "name"
 * events (--all) count as names seen, "stats" and unknown types are
 * skipped, and a line that is not a valid event is reported as FILE:LINE
 * and skipped.
 *
 * Tables: the compliance summary (per list/category: the action, the
 * enforcement date from the blocklist - or, for categories it does not
 * have, the first enforced event seen - attempts, blocked, logged, the
 * first blocked attempt); attempts before and after each enforcement date;
 * per category, per name, per client address and per day (UTC).  As text,
 * or as one CSV table (RFC 4180) with a "section" column:
 *
 *   section,list,category,key,attempts,blocked,logged,clients,names,first,last,detail
 *
 *   total       key empty
 *   compliance  key: enforcement ("2024-09-29T04:00:00.000000Z", "always",
 *               "never", "observed 2024-...", "unknown"); detail: action(s)
 *   before, after  key: the enforcement date
 *   category    key empty
 *   name        key: the name (or the rule, for address matches)
 *   client      key: the client address; list/category empty
 *   day         key: YYYY-MM-DD
 */
#ifndef EMBARGO_CMD_REPORT_H
#define EMBARGO_CMD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blocklist.h"

struct cmd_report;

struct cmd_report_opts {
	bool csv;
	bool use_from, use_to;		/* the period: [from, to) */
	int64_t from_us, to_us;
	unsigned top;			/* rows of the name and client tables in
					 * text (0: all; CSV always has all) */
	const struct blocklist *bl;	/* enforcement dates; may be NULL */
	unsigned max_messages;		/* bad-line messages before going quiet
					 * (0: 20) */
};

/* cmd_report_new - NULL on allocation failure.  @o->bl is borrowed. */
struct cmd_report *cmd_report_new(const struct cmd_report_opts *o);
void cmd_report_free(struct cmd_report *r);

/*
 * cmd_report_line - account one line (@len bytes, newline optional; the
 * line is modified).  A blank line is ignored.  A line that is not a valid
 * event is counted and reported on stderr as "embargo: FILE:LINE: ..."
 * (@file NULL: no message).  Returns 0, -EINVAL for a bad line, -ENOMEM.
 */
int cmd_report_line(struct cmd_report *r, char *line, size_t len, const char *file,
		    unsigned long lineno);

/* cmd_report_note_file - one more input file (for the heading). */
void cmd_report_note_file(struct cmd_report *r);

/* cmd_report_print - the report, as text or CSV.  0 or -EIO. */
int cmd_report_print(struct cmd_report *r, FILE *f);

/* cmd_report_bad_lines - lines skipped so far. */
uint64_t cmd_report_bad_lines(const struct cmd_report *r);

/*
 * cmd_report - argv[0] is "report".  Exit status: 0 report written, 1
 * written but some lines were skipped, 2 error (a file that cannot be
 * read, bad options).
 */
int cmd_report(int argc, char **argv);

#endif
