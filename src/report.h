// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.h - the human replay report: per matched name (or address rule),
 * its list, category and action, first and last seen, packets and flows;
 * totals per category.  Also the building blocks of the events summary
 * (cmd_report.h): keyed rows, hash sets, text tables and CSV rows.
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

/*
 * Plain-text tables and CSV rows for reports (cmd_report.c).  Cells are
 * copied; anything but printable ASCII in them is shown as \xHH (names
 * may come from any JSON).  Zero-initialise, set @ncol and @right, add
 * the header row first.
 */
#define REPORT_TAB_COLS 12
#define REPORT_CELL_MAX 4104		/* a cell after escaping, with its NUL */

struct report_tab {
	size_t ncol, nrow, cap;
	char **cell;			/* nrow * ncol */
	size_t width[REPORT_TAB_COLS];
	unsigned right;			/* bit per right-aligned column */
};

/* report_escape - @s with non-printable bytes as \xHH, cut to @size; returns @buf. */
const char *report_escape(const char *s, char *buf, size_t size);
/* report_tab_add - one row of @t->ncol cells (NULL: empty).  0 or -ENOMEM. */
int report_tab_add(struct report_tab *t, const char *const *cells);
/* report_tab_print - aligned, each row indented by two spaces; then frees @t. */
void report_tab_print(struct report_tab *t, FILE *f);
void report_tab_free(struct report_tab *t);
/* report_csv_row - RFC 4180: quoted when needed, CRLF at the end. */
void report_csv_row(FILE *f, const char *const *cells, size_t n);

/*
 * Rows keyed by up to three strings (k1, k2, k3; "" when unused) with the
 * attempt counters of the events summary (cmd_report.c), in an array
 * found through an open-addressing index.  Zero-initialise.
 */
#define REPORT_NO_TIME INT64_MAX

struct report_row {
	char *k1, *k2, *k3;		/* copied */
	uint64_t attempts, blocked;
	uint64_t clients, names;	/* distinct, counted by the caller */
	int64_t first, last;		/* REPORT_NO_TIME / INT64_MIN when unset */
	int64_t first_blocked, first_enforced;	/* REPORT_NO_TIME: none */
	unsigned actions;		/* bit per enum action seen */
};

struct report_rows {
	struct report_row *rows;	/* in creation order */
	size_t n, cap;
	uint32_t *idx;			/* row + 1; 0 is empty */
	size_t icap;
};

/*
 * report_rows_get - the row for (a, b, c), created (counters zero, times
 * unset) if new.  NULL on ENOMEM.  Pointers stay valid until the next
 * call that creates a row.
 */
struct report_row *report_rows_get(struct report_rows *t, const char *a, const char *b,
				   const char *c);
void report_rows_free(struct report_rows *t);

/* A set of 64-bit values (hashes) for distinct counts.  Zero-initialise. */
struct report_set {
	uint64_t *v;			/* 0 is empty (0 is stored as 1) */
	size_t n, cap;
};

/* report_set_add - 1 if @v was new, 0 if known, -ENOMEM. */
int report_set_add(struct report_set *s, uint64_t v);
void report_set_free(struct report_set *s);

#endif
