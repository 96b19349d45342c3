// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_metrics.c - the Prometheus text file and the stats event: format
 * rules (HELP/TYPE once per family and before its samples, no duplicate
 * series, label escaping), per-queue values, matches by label set and the
 * registry's cap, enforcement gauges before and after a date, reloads, the
 * atomic file write, and the stats event as parseable JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blocklist.h"
#include "metrics.h"
#include "util.h"
#include "../tap.h"

#define T_DATE INT64_C(1727582400000000)	/* 2024-09-29T04:00:00Z, test.list's date */

static char text[1 << 16];

static const char *prom(struct metrics *m, const struct metrics_input *in)
{
	FILE *f = fmemopen(text, sizeof(text), "w");

	if (!f || metrics_format_prom(m, in, f) < 0)
		text[0] = '\0';
	if (f) {
		fputc('\0', f);
		fclose(f);
	}
	text[sizeof(text) - 1] = '\0';
	return text;
}

/*
 * The exposition format's rules, checked line by line: "# HELP name" then
 * "# TYPE name counter|gauge" once per family, its samples right after,
 * sample names = the family, values are numbers, no series twice.
 */
static bool well_formed(const char *t, char *why, size_t whysize)
{
	char fam[128] = "", seen[512][512];
	size_t nseen = 0, nfam = 0;
	char families[128][128];
	const char *p = t;
	unsigned lineno = 0;

	while (*p) {
		const char *e = strchr(p, '\n');
		char line[512], name[512], *brace, *sp;
		size_t n;

		lineno++;
		if (!e) {
			snprintf(why, whysize, "line %u: no newline at the end", lineno);
			return false;
		}
		n = (size_t)(e - p);
		if (n >= sizeof(line)) {
			snprintf(why, whysize, "line %u too long", lineno);
			return false;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = e + 1;
		if (strncmp(line, "# HELP ", 7) == 0) {
			sscanf(line + 7, "%127s", fam);
			for (size_t i = 0; i < nfam; i++)
				if (!strcmp(families[i], fam)) {
					snprintf(why, whysize, "family %s twice", fam);
					return false;
				}
			if (nfam < 128)
				snprintf(families[nfam++], sizeof(families[0]), "%s", fam);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char tn[128], type[32];

			if (sscanf(line + 7, "%127s %31s", tn, type) != 2 || strcmp(tn, fam) ||
			    (strcmp(type, "counter") && strcmp(type, "gauge"))) {
				snprintf(why, whysize, "line %u: bad TYPE: %.100s", lineno, line);
				return false;
			}
			continue;
		}
		sp = strrchr(line, ' ');
		if (!sp || sp == line || !ch_is_digit(sp[1])) {
			snprintf(why, whysize, "line %u: no value: %.100s", lineno, line);
			return false;
		}
		*sp = '\0';
		snprintf(name, sizeof(name), "%s", line);
		brace = strchr(name, '{');
		if (brace)
			*brace = '\0';
		if (strcmp(name, fam) != 0) {
			snprintf(why, whysize, "line %u: sample %.100s outside family %.100s",
				 lineno, name, fam);
			return false;
		}
		for (size_t i = 0; i < nseen; i++)
			if (!strcmp(seen[i], line)) {
				snprintf(why, whysize, "line %u: series twice: %.100s", lineno,
					 line);
				return false;
			}
		if (nseen < 512)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", line);
	}
	return true;
}

static void note(struct metrics *m, const char *list, const char *cat, enum action a, bool enf)
{
	struct bl_section sec = { .list = list, .category = cat };
	struct bl_rule rule = { .text = "x", .section = &sec };
	struct event ev = { .type = EV_MATCH, .rule = &rule,
			    .decision = { .action = a, .enforced = enf } };

	metrics_note_event(m, &ev);
}

int main(void)
{
	const char *paths[] = { "tests/pcap/test.list" };
	struct metrics_queue q[2] = {
		{ .queue = 0, .eng = { .packets = 1000, .bytes = 150000, .verdict_accept = 990,
				       .verdict_drop = 7, .verdict_reject = 3, .parse_err_dns = 2,
				       .undecodable = 1, .flows_evicted = 4, .flows_active = 12 },
		  .have_kernel = true, .kernel_dropped = 5, .kernel_user_dropped = 6,
		  .kernel_waiting = 9, .enobufs = 1, .nxdomain_sent = 3 },
		{ .queue = 1, .eng = { .packets = 500, .bytes = 70000, .verdict_accept = 500,
				       .parse_err_tls = 1, .reasm_evicted = 2 } },
	};
	struct eventlog_stats ls = { .written = 40, .dropped = 2, .suppressed = 100,
				     .summaries = 3, .evictions = 1, .series = 5 };
	struct metrics_input in = { .now_us = T_DATE + 3600 * USEC_PER_SEC,
				    .start_us = T_DATE, .policy_us = T_DATE - 1, .q = q, .nq = 2,
				    .log = &ls };
	struct metrics *m = metrics_new();
	struct blocklist *bl = NULL;
	struct bl_error err;
	char why[256], buf[8192], dir[] = "/tmp/test_metrics.XXXXXX", path[256];
	const char *t;

	if (blocklist_load(&bl, paths, 1, NULL, &err) < 0) {
		diag("test.list: %s", err.msg);
		return 1;
	}
	in.bl = bl;
	note(m, "test", "update", ACTION_DROP, true);
	note(m, "test", "update", ACTION_DROP, true);
	note(m, "test", "update", ACTION_LOG, false);
	note(m, "we\"ird\\list\nx", "brand", ACTION_LOG, true);

	t = prom(m, &in);
	ok(well_formed(t, why, sizeof(why)), "exposition format rules hold%s%s", *why ? ": " : "",
	   why);
	ok(strstr(t, "# HELP embargo_packets_total Packets inspected.\n"
		     "# TYPE embargo_packets_total counter\n"
		     "embargo_packets_total{queue=\"0\"} 1000\n"
		     "embargo_packets_total{queue=\"1\"} 500\n") != NULL,
	   "a per-queue counter family, HELP and TYPE first");
	ok(strstr(t, "embargo_verdicts_total{queue=\"0\",verdict=\"drop\"} 7\n") &&
		   strstr(t, "embargo_verdicts_total{queue=\"0\",verdict=\"reject\"} 3\n"),
	   "verdicts by kind");
	ok(strstr(t, "embargo_parse_errors_total{queue=\"0\",protocol=\"dns\"} 2\n") &&
		   strstr(t, "embargo_parse_errors_total{queue=\"1\",protocol=\"tls\"} 1\n") &&
		   strstr(t, "embargo_parse_errors_total{queue=\"0\",protocol=\"ip\"} 1\n"),
	   "parse errors by protocol");
	ok(strstr(t, "embargo_table_evictions_total{queue=\"0\",table=\"flow\"} 4\n") &&
		   strstr(t, "embargo_table_evictions_total{queue=\"1\",table=\"stream\"} 2\n"),
	   "evictions by table");
	ok(strstr(t, "embargo_queue_drops_total{queue=\"0\",reason=\"queue_full\"} 5\n") &&
		   strstr(t, "embargo_queue_drops_total{queue=\"0\",reason=\"socket_full\"} 6\n") &&
		   !strstr(t, "embargo_queue_drops_total{queue=\"1\""),
	   "kernel queue drops, only where /proc was read");
	ok(strstr(t, "embargo_matches_total{list=\"test\",category=\"update\",action=\"drop\","
		     "enforced=\"true\"} 2\n") &&
		   strstr(t, "embargo_matches_total{list=\"test\",category=\"update\","
			     "action=\"log\",enforced=\"false\"} 1\n"),
	   "matches by list, category, action and enforcement");
	ok(strstr(t, "{list=\"we\\\"ird\\\\list\\nx\",category=\"brand\"") != NULL,
	   "label values escaped: quote, backslash, newline");
	ok(strstr(t, "embargo_enforced{list=\"test\",category=\"update\",action=\"drop\"} 0\n") &&
		   strstr(t, "embargo_enforced{list=\"test\",category=\"brand\","
			     "action=\"log\"} 1\n"),
	   "a second before the date: update not enforced, brand (always) is");
	ok(strstr(t, "embargo_enforce_from_timestamp_seconds{list=\"test\",category=\"update\","
		     "action=\"drop\"} 1727582400\n") &&
		   !strstr(t, "embargo_enforce_from_timestamp_seconds{list=\"test\","
			      "category=\"brand\""),
	   "enforcement date as a timestamp, only for dated categories");
	ok(!strstr(t, "category=\"exceptions\""), "a section of exceptions only is not a category");
	ok(strstr(t, "embargo_reloads_total{result=\"ok\"} 0\n") &&
		   !strstr(t, "embargo_last_reload_success"),
	   "no reload yet: counters at 0, no last-reload gauges");
	ok(strstr(t, "embargo_log_lines_total{result=\"dropped\"} 2\n") &&
		   strstr(t, "embargo_log_suppressed_total 100\n"),
	   "event log counters");

	in.policy_us = T_DATE;
	metrics_note_reload(m, true, T_DATE + 10 * USEC_PER_SEC);
	metrics_note_reload(m, false, T_DATE + 20 * USEC_PER_SEC);
	t = prom(m, &in);
	ok(strstr(t, "embargo_enforced{list=\"test\",category=\"update\",action=\"drop\"} 1\n") !=
		   NULL,
	   "at the date: enforced");
	ok(strstr(t, "embargo_reloads_total{result=\"ok\"} 1\n") &&
		   strstr(t, "embargo_reloads_total{result=\"failed\"} 1\n") &&
		   strstr(t, "embargo_last_reload_success 0\n") &&
		   strstr(t, "embargo_last_reload_timestamp_seconds 1727582420\n"),
	   "reloads by result; the last one failed");
	ok(well_formed(t, why, sizeof(why)), "still well formed%s%s", *why ? ": " : "", why);

	/* The stats event: one JSON line, nested objects, sums over queues. */
	{
		size_t n = metrics_format_stats(m, &in, buf, sizeof(buf));
		struct event_fields fs;
		char type[16];
		const struct event_field *st;

		ok(n < sizeof(buf) && buf[n - 1] == '\n', "stats event is one line");
		is_int(0, event_parse_json(buf, n, &fs, NULL, NULL), "and valid JSON");
		is_str("stats", event_field_str(&fs, "event_type", type, sizeof(type)),
		       "event_type stats");
		st = event_field_get(&fs, "stats");
		ok(st && st->type == EVENT_JSON_OBJECT, "counters in a nested object");
		ok(strstr(buf, "\"uptime\":3600,\"queues\":2,\"packets\":1500,\"bytes\":220000") &&
			   strstr(buf, "\"verdicts\":{\"accept\":1490,\"drop\":7,\"reject\":3}") &&
			   strstr(buf, "\"matches\":{\"test/update\":3,") &&
			   strstr(buf, "\"enforced\":{\"test/update\":true,") &&
			   strstr(buf, "\"test/brand\":true") &&
			   strstr(buf, "\"reloads\":{\"ok\":1,\"failed\":1}"),
		   "summed counters, matches and enforcement per list/category");
		ok(strstr(buf, "\"we\\\"ird\\\\list\\u000ax/brand\":1") != NULL,
		   "keys escaped like strings");
		is_int(n, metrics_format_stats(m, &in, buf, 10), "short buffer: the length needed");
		is_int(9, strlen(buf), "and a terminated prefix");
	}

	/* The registry caps its label sets; the rest is counted apart. */
	for (int i = 0; i < METRICS_MAX_SERIES + 10; i++) {
		char cat[32];

		snprintf(cat, sizeof(cat), "c%03d", i);
		note(m, "many", cat, ACTION_DROP, true);
	}
	t = prom(m, &in);
	/* 3 label sets so far, 266 new: 253 fit. */
	ok(strstr(t, "embargo_matches_overflow_total 13\n") != NULL,
	   "beyond %d label sets matches are counted as overflow", METRICS_MAX_SERIES);

	/* The file: atomic, 0644, nothing left behind. */
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
	} else {
		struct stat sb;
		DIR *d;
		struct dirent *de;
		int files = 0;

		snprintf(path, sizeof(path), "%s/embargo.prom", dir);
		is_int(0, metrics_write_prom(m, &in, path), "metrics file written");
		is_int(0, metrics_write_prom(m, &in, path), "and replaced");
		ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644 && sb.st_size > 1000,
		   "mode 0644, complete");
		d = opendir(dir);
		while (d && (de = readdir(d)))
			files += de->d_name[0] != '.';
		if (d)
			closedir(d);
		is_int(1, files, "no temporary file left");
		unlink(path);
		snprintf(path, sizeof(path), "%s/missing/embargo.prom", dir);
		is_int(-ENOENT, metrics_write_prom(m, &in, path), "a missing directory: -ENOENT");
		rmdir(dir);
	}
	metrics_free(m);
	blocklist_free(bl);
	return done_testing();
}
