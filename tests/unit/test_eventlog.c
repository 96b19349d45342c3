// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_eventlog.c - the event sink: pass-through, aggregation of repeats
 * (intervals, series keys, gaps, eviction, finish), the summary's exact
 * form, syslog datagrams (RFC 5424 and 3164, a full socket, a restarted
 * daemon) and the evlog output.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "eventlog.h"
#include "evlog.h"
#include "metrics.h"
#include "util.h"
#include "../tap.h"

#define T0 INT64_C(1727773200000000)	/* 2024-10-01T09:00:00Z */
#define SEC USEC_PER_SEC

static char *mem;
static size_t memlen;
static FILE *out;

static struct eventlog *new_log(int64_t interval_us, size_t max)
{
	struct eventlog_opts o = {
		.target = EVENTLOG_STREAM,
		.aggregate_us = interval_us,
		.aggregate_max = max,
	};
	struct eventlog *l;
	char err[256];

	if (out)
		fclose(out);
	free(mem);
	mem = NULL;
	out = open_memstream(&mem, &memlen);
	o.stream = out;
	if (eventlog_new(&l, &o, err, sizeof(err)) < 0) {
		diag("eventlog_new: %s", err);
		exit(1);
	}
	return l;
}

/* The output so far. */
static const char *text(void)
{
	fflush(out);
	return mem ? mem : "";
}

static int lines(void)
{
	int n = 0;

	for (const char *p = text(); (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* The @n-th line (0-based) into @buf. */
static const char *line_at(int n, char *buf, size_t size)
{
	const char *p = text(), *e;

	while (n-- > 0 && (p = strchr(p, '\n')))
		p++;
	buf[0] = '\0';
	if (!p || !*p)
		return buf;
	e = strchr(p, '\n');
	snprintf(buf, size, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
	return buf;
}

/* A match line: client, port, name at time @t. */
static void put(struct eventlog *l, int64_t t, const char *client, unsigned port,
		const char *name)
{
	char line[1024], ts[TIME_RFC3339_LEN];

	snprintf(line, sizeof(line),
		 "{\"timestamp\":\"%s\",\"event_type\":\"match\",\"src_ip\":\"%s\","
		 "\"src_port\":%u,\"dest_ip\":\"203.0.113.7\",\"dest_port\":443,"
		 "\"proto\":\"TCP\",\"app_proto\":\"tls\",\"name\":\"%s\","
		 "\"rule\":\"upd.kaspersky.com\",\"list\":\"kaspersky\",\"category\":\"update\","
		 "\"action\":\"drop\",\"enforced\":true}\n",
		 time_format_rfc3339(t, ts, sizeof(ts)), client, port, name);
	eventlog_line(l, line, strlen(line), NULL);
}

static void line(struct eventlog *l, const char *s)
{
	eventlog_line(l, s, strlen(s), NULL);
}

static void test_passthrough(void)
{
	struct eventlog *l = new_log(0, 0);
	struct eventlog_stats st;
	char buf[1024];

	for (int i = 0; i < 5; i++)
		put(l, T0 + i * SEC, "192.0.2.10", 40000 + (unsigned)i, "s1.upd.kaspersky.com");
	eventlog_write(l, "{\"event_type\":\"stats\"}", 22, NULL);
	eventlog_line(l, "not json", 8, NULL);
	is_int(7, lines(), "no aggregation: every line written");
	ok(strstr(line_at(4, buf, sizeof(buf)), "\"src_port\":40004") != NULL,
	   "lines unchanged, in order");
	is_str("not json", line_at(6, buf, sizeof(buf)), "a line that is not JSON is kept as is");
	eventlog_get_stats(l, &st);
	is_int(6, st.events, "events counted (write() is not an event)");
	is_int(7, st.written, "written counted");
	is_int(0, st.suppressed, "nothing suppressed");
	eventlog_free(l);
}

static void test_retry_flood(void)
{
	struct eventlog *l = new_log(60 * SEC, 0);
	struct eventlog_stats st;
	char buf[1024];

	/* A client retrying every second for 150 s from a new port each time. */
	for (int i = 0; i < 150; i++)
		put(l, T0 + i * SEC, "192.0.2.10", 40000 + (unsigned)i, "s1.upd.kaspersky.com");
	is_int(3, lines(), "150 retries: the first event and two summaries so far");
	ok(strstr(line_at(0, buf, sizeof(buf)), "\"event_type\":\"match\"") &&
		   strstr(buf, "\"src_port\":40000"),
	   "the first attempt is written in full");
	is_str("{\"timestamp\":\"2024-10-01T09:01:00.000000Z\",\"event_type\":\"summary\","
	       "\"src_ip\":\"192.0.2.10\",\"proto\":\"TCP\",\"app_proto\":\"tls\","
	       "\"name\":\"s1.upd.kaspersky.com\",\"rule\":\"upd.kaspersky.com\","
	       "\"list\":\"kaspersky\",\"category\":\"update\",\"action\":\"drop\","
	       "\"enforced\":true,\"count\":59,\"first\":\"2024-10-01T09:00:01.000000Z\","
	       "\"last\":\"2024-10-01T09:00:59.000000Z\"}",
	       line_at(1, buf, sizeof(buf)),
	       "summary at the end of the interval: ports and destination dropped, count last");
	ok(strstr(line_at(2, buf, sizeof(buf)), "\"timestamp\":\"2024-10-01T09:02:00.000000Z\"") &&
		   strstr(buf, "\"count\":60,\"first\":\"2024-10-01T09:01:00.000000Z\","
			       "\"last\":\"2024-10-01T09:01:59.000000Z\""),
	   "second interval: 60 repeats, the boundary second belongs to it");
	eventlog_tick(l, T0 + 179 * SEC, NULL);
	is_int(3, lines(), "tick before the third interval ends: nothing");
	eventlog_tick(l, T0 + 180 * SEC, NULL);
	is_int(4, lines(), "tick at its end: the third summary");
	ok(strstr(line_at(3, buf, sizeof(buf)), "\"count\":30,") != NULL, "30 repeats in it");
	eventlog_tick(l, T0 + 240 * SEC, NULL);
	eventlog_get_stats(l, &st);
	is_int(0, st.series, "an interval without repeats ends the series");
	put(l, T0 + 241 * SEC, "192.0.2.10", 50000, "s1.upd.kaspersky.com");
	ok(strstr(line_at(4, buf, sizeof(buf)), "\"event_type\":\"match\"") != NULL,
	   "after the series ended the next attempt is written in full again");
	eventlog_get_stats(l, &st);
	is_int(151, st.events, "events");
	is_int(149, st.suppressed, "suppressed");
	is_int(3, st.summaries, "summaries");
	is_int(5, st.written, "written");
	eventlog_free(l);
}

static void test_keys(void)
{
	struct eventlog *l = new_log(60 * SEC, 0);
	char buf[1024];

	put(l, T0, "192.0.2.10", 1, "a.upd.kaspersky.com");
	put(l, T0 + 1, "192.0.2.11", 1, "a.upd.kaspersky.com");
	put(l, T0 + 2, "192.0.2.10", 1, "b.upd.kaspersky.com");
	put(l, T0 + 3, "2001:db8::10", 1, "a.upd.kaspersky.com");
	is_int(4, lines(), "another client or another name: another series");
	put(l, T0 + 4, "192.0.2.10", 2, "a.upd.kaspersky.com");
	is_int(4, lines(), "the same client and name from another port: a repeat");
	/* Same name, other app_proto: other evidence, its own series. */
	line(l,
	     "{\"timestamp\":\"2024-10-01T09:00:05Z\",\"event_type\":\"match\","
		      "\"src_ip\":\"192.0.2.10\",\"src_port\":5,\"dest_ip\":\"192.0.2.1\","
		      "\"dest_port\":53,\"proto\":\"UDP\",\"app_proto\":\"dns\","
		      "\"name\":\"a.upd.kaspersky.com\",\"dns_type\":\"query\","
		      "\"rule\":\"upd.kaspersky.com\",\"list\":\"kaspersky\","
		      "\"category\":\"update\",\"action\":\"drop\",\"enforced\":true}");
	is_int(5, lines(), "a DNS query for the same name is another series");
	/* Not yet enforced vs enforced: the auditor wants the first enforced one. */
	line(l,
	     "{\"timestamp\":\"2024-10-01T09:00:06Z\",\"event_type\":\"match\","
		      "\"src_ip\":\"192.0.2.10\",\"src_port\":6,\"dest_ip\":\"203.0.113.7\","
		      "\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\","
		      "\"name\":\"a.upd.kaspersky.com\",\"rule\":\"upd.kaspersky.com\","
		      "\"list\":\"kaspersky\",\"category\":\"update\",\"action\":\"log\","
		      "\"enforced\":false}");
	is_int(6, lines(), "the same attempt not enforced is another series");
	/* Stats lines and unknown types pass through even while aggregating. */
	line(l, "{\"timestamp\":\"2024-10-01T09:00:07Z\",\"event_type\":\"stats\"}");
	line(l, "{\"timestamp\":\"2024-10-01T09:00:07Z\",\"event_type\":\"stats\"}");
	line(l, "{\"event_type\":\"match\",\"src_ip\":\"192.0.2.10\"}");
	line(l, "{\"event_type\":\"match\",\"src_ip\":\"192.0.2.10\"}");
	line(l, "{broken");
	is_int(11, lines(), "stats, timestamp-less and broken lines are never folded");
	eventlog_finish(l, INT64_MAX, NULL);
	is_int(12, lines(), "finish: the one series with a repeat is summarised");
	ok(strstr(line_at(11, buf, sizeof(buf)), "\"timestamp\":\"2024-10-01T09:01:00.000000Z\"") &&
		   strstr(buf, "\"src_ip\":\"192.0.2.10\"") && strstr(buf, "\"count\":1,"),
	   "finish with no clock: timestamped at the interval's end: %s", buf);
	eventlog_free(l);
}

static void test_gap_and_finish(void)
{
	struct eventlog *l = new_log(60 * SEC, 0);
	struct eventlog_stats st;
	char buf[1024];

	put(l, T0, "192.0.2.10", 1, "a.upd.kaspersky.com");
	put(l, T0 + 10 * SEC, "192.0.2.10", 2, "a.upd.kaspersky.com");
	put(l, T0 + 300 * SEC, "192.0.2.10", 3, "a.upd.kaspersky.com");
	is_int(3, lines(), "a repeat, then silence, then an attempt 5 min later");
	ok(strstr(line_at(1, buf, sizeof(buf)), "\"event_type\":\"summary\"") &&
		   strstr(buf, "\"timestamp\":\"2024-10-01T09:01:00.000000Z\""),
	   "the summary comes first, at its own time");
	ok(strstr(line_at(2, buf, sizeof(buf)), "\"src_port\":3") != NULL,
	   "the late attempt is a new series, written in full");
	put(l, T0 + 301 * SEC, "192.0.2.10", 4, "a.upd.kaspersky.com");
	put(l, T0 + 302 * SEC, "192.0.2.10", 5, "a.upd.kaspersky.com");
	eventlog_finish(l, T0 + 330 * SEC, NULL);
	ok(strstr(line_at(3, buf, sizeof(buf)), "\"timestamp\":\"2024-10-01T09:05:30.000000Z\"") &&
		   strstr(buf, "\"count\":2,"),
	   "finish at a clock inside the interval: timestamped with the clock");
	eventlog_get_stats(l, &st);
	is_int(0, st.series, "finish empties the table");
	eventlog_free(l);

	l = new_log(60 * SEC, 0);
	put(l, T0, "192.0.2.10", 1, "a.upd.kaspersky.com");
	put(l, T0 + 50 * SEC, "192.0.2.10", 2, "a.upd.kaspersky.com");
	eventlog_finish(l, T0 + 20 * SEC, NULL);
	ok(strstr(line_at(1, buf, sizeof(buf)), "\"timestamp\":\"2024-10-01T09:00:50.000000Z\"") !=
		   NULL,
	   "finish never timestamps before the last repeat");
	eventlog_free(l);
}

static void test_eviction(void)
{
	struct eventlog *l = new_log(60 * SEC, 2);
	struct eventlog_stats st;
	char buf[1024];

	put(l, T0, "192.0.2.1", 1, "a.upd.kaspersky.com");
	put(l, T0 + SEC, "192.0.2.1", 2, "a.upd.kaspersky.com");	/* repeat of 1 */
	put(l, T0 + 2 * SEC, "192.0.2.2", 1, "a.upd.kaspersky.com");
	/* Series 1 was seen last at T0+1, series 2 at T0+2: 1 is the oldest. */
	put(l, T0 + 3 * SEC, "192.0.2.3", 1, "a.upd.kaspersky.com");
	is_int(4, lines(), "full table: the least recently seen series is evicted");
	ok(strstr(line_at(2, buf, sizeof(buf)), "\"event_type\":\"summary\"") &&
		   strstr(buf, "\"src_ip\":\"192.0.2.1\"") &&
		   strstr(buf, "\"timestamp\":\"2024-10-01T09:00:03.000000Z\""),
	   "its summary is written at once, at the time of the event needing room");
	ok(strstr(line_at(3, buf, sizeof(buf)), "\"src_ip\":\"192.0.2.3\"") != NULL,
	   "then the new event");
	put(l, T0 + 4 * SEC, "192.0.2.1", 3, "a.upd.kaspersky.com");
	is_int(5, lines(), "the evicted client's next attempt is written in full");
	eventlog_get_stats(l, &st);
	is_int(2, st.evictions, "evictions counted (series 2 went too, without a summary)");
	is_int(2, st.series, "the table stays at its cap");
	is_int(1, st.summaries, "only the series with repeats wrote a summary");
	eventlog_free(l);
}

/* Engine events: eventlog_event formats them and counts them in the metrics. */
static void test_engine_events(void)
{
	struct bl_section sec = {
		.list = "kaspersky", .category = "update",
		.policy = { .action = ACTION_DROP, .enforce_from = 0 }, .file = "k.list",
	};
	struct bl_rule rule = { .text = "upd.kaspersky.com", .section = &sec };
	struct event ev = {
		.type = EV_MATCH, .ts_us = T0, .sport = 40000, .dport = 443,
		.proto = IPPROTO_TCP, .app = APP_TLS, .name = "s1.upd.kaspersky.com",
		.name_len = 20, .rule = &rule,
		.decision = { .action = ACTION_DROP, .enforced = true },
	};
	struct eventlog_opts o = { .target = EVENTLOG_STREAM, .aggregate_us = 60 * SEC };
	struct metrics *m = metrics_new();
	struct eventlog *l;
	char err[256], buf[1024], want[1024];

	if (out)
		fclose(out);
	free(mem);
	mem = NULL;
	out = open_memstream(&mem, &memlen);
	o.stream = out;
	o.metrics = m;
	addr_parse("192.0.2.10", &ev.src);
	addr_parse("203.0.113.7", &ev.dst);
	if (eventlog_new(&l, &o, err, sizeof(err)) < 0)
		exit(1);
	for (int i = 0; i < 3; i++) {
		ev.ts_us = T0 + i * SEC;
		ev.sport = (uint16_t)(40000 + i);
		eventlog_event(l, &ev, NULL);
	}
	ev.ts_us = T0;
	ev.sport = 40000;
	event_format_json(&ev, want, sizeof(want));
	want[strlen(want) - 1] = '\0';
	is_str(want, line_at(0, buf, sizeof(buf)),
	       "an engine event is written as event.h formats it");
	is_int(1, lines(), "its repeats are folded");
	{
		struct metrics_input in = { .now_us = T0 };
		char prom[4096];
		FILE *f = fmemopen(prom, sizeof(prom), "w");

		metrics_format_prom(m, &in, f);
		fputc('\0', f);
		fclose(f);
		ok(strstr(prom, "embargo_matches_total{list=\"kaspersky\",category=\"update\","
				"action=\"drop\",enforced=\"true\"} 3\n") != NULL,
		   "every event counted in the metrics, repeats too");
	}
	eventlog_free(l);
	metrics_free(m);
}

/* A datagram socket standing in for /dev/log. */
static int syslog_server(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		diag("syslog socket %s: %s", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static ssize_t recv_msg(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void test_syslog(void)
{
	char dir[] = "/tmp/test_eventlog.XXXXXX", path[128], buf[4096], err[256], host[256];
	struct eventlog_opts o = { .target = EVENTLOG_SYSLOG };
	struct eventlog_stats st;
	struct eventlog *l;
	const char *p;
	int srv, n, sent;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/log", dir);
	{
		enum eventlog_syslog_format fmt = EVENTLOG_RFC3164;

		ok(eventlog_is_syslog("syslog", &p, &fmt) && p == NULL && fmt == EVENTLOG_RFC5424,
		   "\"syslog\": the local socket, RFC 5424");
		ok(eventlog_is_syslog("syslog:/run/x", &p, &fmt) && p && !strcmp(p, "/run/x") &&
			   fmt == EVENTLOG_RFC5424,
		   "\"syslog:PATH\": another socket");
		ok(eventlog_is_syslog("syslog-bsd", &p, &fmt) && p == NULL &&
			   fmt == EVENTLOG_RFC3164,
		   "\"syslog-bsd\": RFC 3164");
		ok(eventlog_is_syslog("syslog-bsd:/dev/log", &p, &fmt) && p &&
			   !strcmp(p, "/dev/log") && fmt == EVENTLOG_RFC3164,
		   "\"syslog-bsd:PATH\"");
	}
	ok(!eventlog_is_syslog("syslog:", NULL, NULL) && !eventlog_is_syslog("-", NULL, NULL) &&
		   !eventlog_is_syslog("/var/log/syslog", NULL, NULL) &&
		   !eventlog_is_syslog("syslogx", NULL, NULL) &&
		   !eventlog_is_syslog("syslog-bsd:", NULL, NULL) &&
		   !eventlog_is_syslog(NULL, NULL, NULL),
	   "anything else is not syslog");
	o.path = path;
	is_int(-ENOENT, eventlog_new(&l, &o, err, sizeof(err)), "no socket: an error at start");
	ok(strstr(err, path) != NULL, "naming the socket: %s", err);

	srv = syslog_server(path);
	if (eventlog_new(&l, &o, err, sizeof(err)) < 0) {
		ok(0, "eventlog_new: %s", err);
		return;
	}
	gethostname(host, sizeof(host));
	put(l, T0, "192.0.2.10", 1, "a.upd.kaspersky.com");
	n = (int)recv_msg(srv, buf, sizeof(buf));
	ok(n > 0 && strncmp(buf, "<29>1 ", 6) == 0,
	   "RFC 5424, daemon.notice for an enforced drop: %.40s", buf);
	{
		char want[512];

		snprintf(want, sizeof(want), " %s embargo %ld match - {\"timestamp\":", host,
			 (long)getpid());
		ok(strstr(buf, want) != NULL, "HOSTNAME APP-NAME PROCID MSGID SD, then the JSON");
		ok(buf[n - 1] == '}' && strchr(buf, '\n') == NULL,
		   "one event per message, no newline");
	}
	line(l, "{\"timestamp\":\"2024-10-01T09:00:00Z\",\"event_type\":\"name\","
		"\"src_ip\":\"192.0.2.10\"}");
	recv_msg(srv, buf, sizeof(buf));
	ok(strncmp(buf, "<30>1 ", 6) == 0 && strstr(buf, " name - {") != NULL,
	   "a name event: daemon.info, MSGID name");

	/* Nobody reads: the socket queue fills, and events are dropped, not waited for. */
	sent = 0;
	for (int i = 0; i < 2000; i++, sent++)
		put(l, T0 + i, "192.0.2.99", 1, "x.upd.kaspersky.com");
	eventlog_get_stats(l, &st);
	ok(st.dropped > 0 && st.written + st.dropped == (uint64_t)sent + 2,
	   "a full socket drops (%llu dropped) without blocking",
	   (unsigned long long)st.dropped);
	while (recv_msg(srv, buf, sizeof(buf)) > 0)
		;

	/* The syslog daemon restarts: a new socket at the same path. */
	close(srv);
	srv = syslog_server(path);
	put(l, T0, "192.0.2.12", 1, "a.upd.kaspersky.com");
	ok(recv_msg(srv, buf, sizeof(buf)) > 0 && strstr(buf, "192.0.2.12"),
	   "after the daemon restarted, the next event reconnects");
	is_int(0, eventlog_reopen(l), "reopen reconnects");
	eventlog_free(l);

	o.syslog_format = EVENTLOG_RFC3164;
	o.ident = "embargo-test";
	if (eventlog_new(&l, &o, err, sizeof(err)) == 0) {
		char want[64];

		put(l, T0, "192.0.2.10", 1, "a.upd.kaspersky.com");
		n = (int)recv_msg(srv, buf, sizeof(buf));
		snprintf(want, sizeof(want), "embargo-test[%ld]: {\"timestamp\"", (long)getpid());
		ok(n > 20 && strncmp(buf, "<29>", 4) == 0 && buf[7] == ' ' && buf[10] == ' ' &&
			   buf[13] == ':' && buf[16] == ':' && buf[19] == ' ' &&
			   strncmp(buf + 20, want, strlen(want)) == 0,
		   "RFC 3164: <PRI>Mmm dd hh:mm:ss TAG[PID]: JSON: %.60s", buf);
		eventlog_free(l);
	}
	close(srv);
	unlink(path);
	rmdir(dir);
}

static void test_evlog(void)
{
	char path[] = "/tmp/test_eventlog_evlog.XXXXXX", err[256], buf[4096];
	struct eventlog_opts o = { .target = EVENTLOG_EVLOG, .aggregate_us = 60 * SEC };
	struct evlog *e1, *e2;
	char line[1024];
	struct eventlog *l;
	FILE *f;
	size_t n;
	int fd = mkstemp(path);

	close(fd);
	if (evlog_open(&e1, path, err, sizeof(err)) < 0 ||
	    evlog_open(&e2, path, err, sizeof(err)) < 0) {
		ok(0, "evlog_open: %s", err);
		return;
	}
	if (eventlog_new(&l, &o, err, sizeof(err)) < 0)
		return;
	for (int i = 0; i < 2; i++) {
		snprintf(line, sizeof(line),
			 "{\"timestamp\":\"2024-10-01T09:00:0%dZ\",\"event_type\":\"match\","
			 "\"src_ip\":\"192.0.2.10\",\"src_port\":%d,"
			 "\"name\":\"a.upd.kaspersky.com\"}",
			 i, i + 1);
		eventlog_line(l, line, strlen(line), e1);
	}
	evlog_flush(e1);
	/* The daemon reopened its log: the summary goes to the new evlog. */
	eventlog_tick(l, T0 + 60 * SEC, e2);
	evlog_flush(e2);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	ok(strstr(buf, "\"src_port\":1") && !strstr(buf, "\"src_port\":2") &&
		   strstr(buf, "\"event_type\":\"summary\""),
	   "evlog output: the event, then the summary through the new evlog");
	eventlog_free(l);
	evlog_free(e1);
	evlog_free(e2);
	unlink(path);
}

int main(void)
{
	test_passthrough();
	test_retry_flood();
	test_keys();
	test_gap_and_finish();
	test_eviction();
	test_engine_events();
	test_syslog();
	test_evlog();
	if (out)
		fclose(out);
	free(mem);
	return done_testing();
}
