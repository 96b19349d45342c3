// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.h - the human replay report: per matched name (or address rule),
 * its list, category and action, first and last seen, packets and flows;
 * totals per category.
 */
#ifndef EMBARGO_REPORT_H
#define EMBARGO_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "event.h"

struct report;

/* report_new - NULL on allocation failure.  report_free(NULL) is a no-op. */
struct report *report_new(void);
void report_free(struct report *r);

/*
 * report_event - account one event (EV_MATCH: a new flow for its name;
 * EV_NAME: counted as an unmatched name).  @file_no separates flow ids of
 * different capture files.  Copies what it keeps.  Returns 0 or -ENOMEM.
 */
int report_event(struct report *r, unsigned file_no, const struct event *ev);

/* report_packet - count a packet of a flow that matched. */
void report_packet(struct report *r, unsigned file_no, int64_t ts_us,
		   const struct engine_result *res);

/*
 * report_save - the entries and counters to @f, in a private text format
 * for report_load(): how `replay -j` hands each file's report to the parent.
 * Returns 0 or -EIO.
 */
int report_save(const struct report *r, FILE *f);

/*
 * report_load - add a saved report to @r: entries with the same name,
 * rule, action and enforcement are merged (packets and flows summed, first
 * and last widened); flows of different files never coincide, so the sums
 * are exact.  Returns 0, -EINVAL for a damaged record, -ENOMEM or -EIO.
 */
int report_load(struct report *r, FILE *f);

/* report_print - write the report; @st sums the engines' counters. */
void report_print(struct report *r, FILE *f, const struct engine_stats *st, unsigned files,
		  const char *policy_clock);

#endif
