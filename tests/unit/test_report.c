// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_report.c - the events summary (cmd_report.c): attempts, blocked and
 * logged per table, summaries weighted by their count, before/after the
 * enforcement date, the period filter, name/stats/bad lines, CSV quoting,
 * the exact text of a small report; and the human replay report's
 * save/load (report.c), which `replay -j` uses to merge per-file reports.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_report.h"
#include "report.h"
#include "util.h"
#include "../tap.h"

static const char *const events[] = {
	/* before the date: logged */
	("{\"timestamp\":\"2024-09-29T03:00:00.000000Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.1\",\"src_port\":1000,\"dest_ip\":\"198.51.100.1\","
	 "\"dest_port\":443,"
	 "\"proto\":\"TCP\",\"app_proto\":\"tls\",\"name\":\"a.upd.kaspersky.com\","
	 "\"rule\":\"upd.kaspersky.com\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"log\","
	 "\"enforced\":false}"),
	/* after: dropped, then 59 repeats in a summary */
	("{\"timestamp\":\"2024-09-29T05:00:00.000000Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.1\",\"src_port\":1001,\"dest_ip\":\"198.51.100.1\","
	 "\"dest_port\":443,"
	 "\"proto\":\"TCP\",\"app_proto\":\"tls\",\"name\":\"a.upd.kaspersky.com\","
	 "\"rule\":\"upd.kaspersky.com\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"drop\","
	 "\"enforced\":true}\n"),
	("{\"timestamp\":\"2024-09-29T05:01:00.000000Z\",\"event_type\":\"summary\","
	 "\"src_ip\":\"192.0.2.1\",\"proto\":\"TCP\",\"app_proto\":\"tls\","
	 "\"name\":\"a.upd.kaspersky.com\",\"rule\":\"upd.kaspersky.com\",\"list\":\"test\","
	 "\"category\":\"update\",\"action\":\"drop\",\"enforced\":true,\"count\":59,"
	 "\"first\":\"2024-09-29T05:00:01.000000Z\",\"last\":\"2024-09-29T05:00:59.000000Z\"}"),
	/* another client, another day, a log-only category */
	("{\"timestamp\":\"2024-09-30T10:00:00.000000Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.2\",\"src_port\":2000,\"dest_ip\":\"192.0.2.53\",\"dest_port\":53,"
	 "\"proto\":\"UDP\",\"app_proto\":\"dns\",\"name\":\"www.kaspersky.com\","
	 "\"dns_type\":\"query\",\"rule\":\"kaspersky.com\",\"list\":\"test\","
	 "\"category\":\"brand\","
	 "\"action\":\"log\",\"enforced\":true}"),
	/* an address match: no name, the rule is the key */
	("{\"timestamp\":\"2024-09-30T10:00:01.000000Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.2\",\"src_port\":2001,\"dest_ip\":\"203.0.113.140\","
	 "\"dest_port\":443,"
	 "\"proto\":\"TCP\",\"app_proto\":\"ip\",\"rule\":\"203.0.113.128/25\",\"list\":\"test\","
	 "\"category\":\"update\",\"action\":\"drop\",\"enforced\":true}"),
	/* not attempts */
	("{\"timestamp\":\"2024-09-30T10:00:02.000000Z\",\"event_type\":\"name\","
	 "\"src_ip\":\"192.0.2.2\",\"src_port\":2002,\"dest_ip\":\"192.0.2.53\",\"dest_port\":53,"
	 "\"proto\":\"UDP\",\"app_proto\":\"dns\",\"name\":\"www.example.com\","
	 "\"dns_type\":\"query\"}"),
	("{\"timestamp\":\"2024-09-30T10:00:03.000000Z\",\"event_type\":\"stats\","
	 "\"stats\":{\"packets\":10,\"verdicts\":{\"drop\":1}}}"),
	"{\"timestamp\":\"2024-09-30T10:00:04.000000Z\",\"event_type\":\"alert\"}",
	"",
	"   \t",
};

static const char *const bad[] = {
	"not json",
	"{\"timestamp\":\"2024-09-30T10:00:00Z\",\"event_type\":\"match\"}",
	("{\"timestamp\":\"2024-09-30T10:00:00Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.9\","
	 "\"name\":\"x.upd.kaspersky.com\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"explode\",\"enforced\":true}"),
	("{\"timestamp\":\"yesterday\",\"event_type\":\"match\",\"src_ip\":\"192.0.2.9\","
	 "\"name\":\"x.upd.kaspersky.com\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"drop\",\"enforced\":true}"),
	("{\"timestamp\":\"2024-09-30T10:00:00Z\",\"event_type\":\"summary\","
	 "\"src_ip\":\"192.0.2.9\","
	 "\"name\":\"x\",\"rule\":\"x\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"drop\",\"enforced\":true,\"count\":0,\"first\":\"2024-09-30T10:00:00Z\"}"),
	"{\"event_type\":17}",
	("{\"timestamp\":\"2024-09-30T10:00:00Z\",\"event_type\":\"match\","
	 "\"src_ip\":\"192.0.2.9\","
	 "\"name\":7,\"rule\":\"x\",\"list\":\"test\",\"category\":\"update\","
	 "\"action\":\"drop\",\"enforced\":true}"),
	"{\"timestamp\":\"2024-09-30T10:00:00Z\"",
};

static char *out;
static size_t outlen;

static const char *render(struct cmd_report *r)
{
	FILE *f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	cmd_report_print(r, f);
	fclose(f);
	return out;
}

static struct cmd_report *feed(const struct cmd_report_opts *o)
{
	struct cmd_report *r = cmd_report_new(o);
	char line[2048];

	cmd_report_note_file(r);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		size_t n = strlen(events[i]);

		memcpy(line, events[i], n + 1);
		if (cmd_report_line(r, line, n, NULL, i + 1) != 0)
			diag("event %zu refused", i);
	}
	return r;
}

static void test_summary(const struct blocklist *bl)
{
	struct cmd_report_opts o = { .csv = true, .bl = bl };
	struct cmd_report *r = feed(&o);
	char line[2048];
	int refused = 0;
	const char *t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i]);

		memcpy(line, bad[i], n + 1);
		refused += cmd_report_line(r, line, n, NULL, i + 1) == -EINVAL;
	}
	is_int(sizeof(bad) / sizeof(bad[0]), refused, "every bad line refused");
	is_int(sizeof(bad) / sizeof(bad[0]), cmd_report_bad_lines(r), "and counted");
	t = render(r);
	ok(strncmp(t, "section,list,category,key,attempts,blocked,logged,clients,names,first,last,"
		      "first_blocked,detail\r\n", 95) == 0,
	   "CSV header, CRLF line ends");
	ok(strstr(t, "\r\ntotal,,,,63,61,2,2,3,2024-09-29T03:00:00.000000Z,"
		     "2024-09-30T10:00:01.000000Z,2024-09-29T05:00:00.000000Z,\r\n") != NULL,
	   "total: a summary counts 59 attempts; 2 clients, 3 names");
	ok(strstr(t, "\r\ncompliance,test,update,2024-09-29T04:00:00.000000Z,62,61,1,2,2,"
		     "2024-09-29T03:00:00.000000Z,2024-09-30T10:00:01.000000Z,"
		     "2024-09-29T05:00:00.000000Z,drop\r\n") != NULL,
	   "compliance: the date from the blocklist, first blocked attempt");
	ok(strstr(t, "\r\ncompliance,test,brand,always,1,0,1,1,1,") != NULL,
	   "a log-only category: enforced always, nothing blocked");
	ok(strstr(t, "\r\ncompliance,test,ksn,2024-09-29T04:00:00.000000Z,0,0,0,0,0,,,,drop\r\n") !=
		   NULL,
	   "a category of the blocklist never attempted is listed with zeros");
	ok(!strstr(t, "exceptions"), "a section of exceptions is no category");
	ok(strstr(t, "\r\nbefore,test,update,2024-09-29T04:00:00.000000Z,1,0,1,,,,,,\r\n"
		     "after,test,update,2024-09-29T04:00:00.000000Z,61,61,0,,,,,,\r\n") != NULL,
	   "attempts before and after the date");
	ok(strstr(t, "\r\nname,test,update,a.upd.kaspersky.com,61,60,1,1,,") &&
		   strstr(t, "\r\nname,test,update,203.0.113.128/25,1,1,0,1,,"),
	   "names; an address match under its rule");
	ok(strstr(t, "\r\nclient,,,192.0.2.1,61,60,1,,1,") &&
		   strstr(t, "\r\nclient,,,192.0.2.2,2,1,1,,2,"),
	   "clients, most attempts first, with their distinct names");
	ok(strstr(t, "\r\nday,,,2024-09-29,61,60,1,1,,") &&
		   strstr(t, "\r\nday,,,2024-09-30,2,1,1,1,,"),
	   "days (UTC)");
	cmd_report_free(r);

	/* The period: [from, to). */
	o.use_from = true;
	o.from_us = INT64_C(1727582400000000);		/* 2024-09-29T04:00:00Z */
	o.use_to = true;
	o.to_us = INT64_C(1727654400000000);		/* 2024-09-30T00:00:00Z */
	r = feed(&o);
	t = render(r);
	ok(strstr(t, "\r\ntotal,,,,60,60,0,1,1,") != NULL,
	   "period: only the attempts inside it (the summary's are at its first)");
	cmd_report_free(r);
}

static void test_text(const struct blocklist *bl)
{
	struct cmd_report_opts o = { .bl = bl, .top = 1 };
	struct cmd_report *r = feed(&o);
	const char *want =
		"embargo report: 1 file, 8 event lines: 4 matches, 1 summary (59 attempts), "
		"1 name event, 1 stats, 1 other\n"
		"period: every event\n"
		"attempts: 63 (61 blocked, 2 logged) from 2 clients for 3 names, "
		"2024-09-29T03:00:00.000000Z to 2024-09-30T10:00:01.000000Z\n"
		"\n"
		"Compliance, per list/category:\n"
		"  LIST/CATEGORY  ACTION ENFORCED FROM               ATTEMPTS BLOCKED LOGGED "
		"FIRST BLOCKED\n"
		"  test/brand     log    always                             1       0      1 -\n"
		"  test/ksn       drop   2024-09-29T04:00:00.000000Z        0       0      0 -\n"
		"  test/licensing reject 2024-09-29T04:00:00.000000Z        0       0      0 -\n"
		"  test/update    drop   2024-09-29T04:00:00.000000Z       62      61      1 "
		"2024-09-29T05:00:00.000000Z\n"
		"\n"
		"Attempts before and after each enforcement date:\n"
		"  LIST/CATEGORY  DATE                        BEFORE BLOCKED AFTER BLOCKED\n"
		"  test/ksn       2024-09-29T04:00:00.000000Z      0       0     0       0\n"
		"  test/licensing 2024-09-29T04:00:00.000000Z      0       0     0       0\n"
		"  test/update    2024-09-29T04:00:00.000000Z      1       0    61      61\n"
		"\n"
		"Clients that tried most:\n"
		"  CLIENT    ATTEMPTS BLOCKED LOGGED NAMES FIRST                       LAST\n"
		"  192.0.2.1       61      60      1     1 2024-09-29T03:00:00.000000Z "
		"2024-09-29T05:00:59.000000Z\n"
		"  ... and 1 more (--top 0 shows all)\n"
		"\n"
		"By category:\n"
		"  LIST/CATEGORY ATTEMPTS BLOCKED LOGGED CLIENTS NAMES FIRST                       "
		"LAST\n"
		"  test/brand           1       0      1       1     1 2024-09-30T10:00:00.000000Z "
		"2024-09-30T10:00:00.000000Z\n"
		"  test/update         62      61      1       2     2 2024-09-29T03:00:00.000000Z "
		"2024-09-30T10:00:01.000000Z\n"
		"\n"
		"By name:\n"
		"  NAME                LIST/CATEGORY ATTEMPTS BLOCKED LOGGED CLIENTS FIRST"
		"                       LAST\n"
		"  a.upd.kaspersky.com test/update         61      60      1       1 "
		"2024-09-29T03:00:00.000000Z 2024-09-29T05:00:59.000000Z\n"
		"  ... and 2 more (--top 0 shows all)\n"
		"\n"
		"By day (UTC):\n"
		"  DAY        ATTEMPTS BLOCKED LOGGED CLIENTS\n"
		"  2024-09-29       61      60      1       1\n"
		"  2024-09-30        2       1      1       1\n";

	is_str(want, render(r), "the text report, exactly");
	cmd_report_free(r);

	/* Nothing at all. */
	r = cmd_report_new(&(struct cmd_report_opts){ 0 });
	is_str("embargo report: 0 files, 0 event lines: 0 matches, 0 summaries (0 attempts), "
	       "0 name events, 0 stats, 0 other\nperiod: every event\n\n"
	       "No attempt to reach a blocklisted name or address.\n",
	       render(r), "no events, no blocklist");
	cmd_report_free(r);
}

static void test_csv_quoting(void)
{
	struct cmd_report *r = cmd_report_new(&(struct cmd_report_opts){ .csv = true });
	char line[1024];

	snprintf(line, sizeof(line),
		 "{\"timestamp\":\"2024-09-30T10:00:00Z\",\"event_type\":\"match\","
		 "\"src_ip\":\"192.0.2.9\",\"name\":\"a,b\\\"c\\u0001\",\"rule\":\"x\","
		 "\"list\":\"l\",\"category\":\"c\",\"action\":\"drop\",\"enforced\":true}");
	is_int(0, cmd_report_line(r, line, strlen(line), NULL, 1), "odd name accepted");
	ok(strstr(render(r), "\r\nname,l,c,\"a,b\"\"c\\x01\",1,1,0,1,,") != NULL,
	   "CSV: comma and quote quoted, control byte shown as \\x01");
	cmd_report_free(r);
}

/* report.c: what replay -j does with per-file reports. */
static void test_report_merge(void)
{
	struct bl_section sec = { .list = "test", .category = "update",
				  .policy = { .action = ACTION_DROP } };
	struct bl_rule rule = { .text = "upd.kaspersky.com", .section = &sec };
	struct event ev = { .type = EV_MATCH, .app = APP_TLS, .name = "a.upd.kaspersky.com",
			    .name_len = 19, .rule = &rule,
			    .decision = { .action = ACTION_DROP, .enforced = true } };
	struct engine_result res = { .matched = true };
	struct engine_stats st = { .packets = 10 };
	struct report *one = report_new(), *a = report_new(), *b = report_new(),
		      *merged = report_new();
	char *s1 = NULL, *s2 = NULL, *sa = NULL;
	size_t l1, l2, la;
	FILE *f;

	/* Two files' flows into one report ... */
	for (unsigned file = 0; file < 2; file++) {
		struct report *part = file ? b : a;

		for (uint64_t flow = 1; flow <= 2; flow++) {
			ev.flow_id = res.flow_id = flow;
			ev.ts_us = INT64_C(1727773200000000) + (int64_t)(file * 10 + flow);
			ev.app = flow == 1 ? APP_TLS : APP_DNS;
			report_event(one, file, &ev);
			report_event(part, file, &ev);
			report_packet(one, file, ev.ts_us + 5, &res);
			report_packet(part, file, ev.ts_us + 5, &res);
		}
	}
	ev.type = EV_NAME;
	report_event(b, 1, &ev);
	report_event(one, 1, &ev);
	/* ... and into two saved, then loaded into one. */
	f = open_memstream(&sa, &la);
	is_int(0, report_save(a, f), "saved");
	report_save(b, f);
	fclose(f);
	f = fmemopen(sa, la, "r");
	is_int(0, report_load(merged, f), "loaded");
	fclose(f);
	f = open_memstream(&s1, &l1);
	report_print(one, f, &st, 2, "clock");
	fclose(f);
	f = open_memstream(&s2, &l2);
	report_print(merged, f, &st, 2, "clock");
	fclose(f);
	is_str(s1, s2, "merged per-file reports print as the report of both files");
	ok(!strstr(s1, "dropped unread"), "nothing dropped unread: no such line");
	free(s1);
	st.ambiguous = 3;
	st.fragments_dropped = 2;
	f = open_memstream(&s1, &l1);
	report_print(one, f, &st, 2, "clock");
	fclose(f);
	ok(strstr(s1, "dropped unread: 3 ambiguous (IPv6 header chains, nesting), 2 overlapping") != NULL,
	   "packets dropped unread are reported");
	ok(strstr(s2, "seen in dns, tls;") && strstr(s2, "4 packets in 4 flows"),
	   "flows of different files are not confused");
	free(s1);
	free(s2);
	free(sa);

	/* A damaged record is refused. */
	sa = strdup("U\t1\nE\t1\t9\t1\t0\t0\t1\t1\tk\tr\tl\tc\n");
	f = fmemopen(sa, strlen(sa), "r");
	is_int(-EINVAL, report_load(merged, f), "bad action in a saved record: -EINVAL");
	fclose(f);
	free(sa);
	report_free(one);
	report_free(a);
	report_free(b);
	report_free(merged);
}

int main(void)
{
	const char *paths[] = { "tests/pcap/test.list" };
	struct blocklist *bl = NULL;
	struct bl_error err;

	if (blocklist_load(&bl, paths, 1, NULL, &err) < 0) {
		diag("test.list: %s", err.msg);
		return 1;
	}
	test_summary(bl);
	test_text(bl);
	test_csv_quoting();
	test_report_merge();
	blocklist_free(bl);
	free(out);
	return done_testing();
}
