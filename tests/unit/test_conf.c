// SPDX-License-Identifier: GPL-2.0-or-later
/* test_conf.c - embargo.conf parsing: values at their limits, files, errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocklist.h"
#include "conf.h"
#include "util.h"
#include "../tap.h"

/* The same detection as conf.c: sanitizer builds default to seccomp = off. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Each value of a key: accepted or not, at and around its limits. */
static void test_values(void)
{
	static const struct {
		const char *key, *value;
		int ok;
	} t[] = {
		{ "queue", "0", 1 },
		{ "queue", "65535", 1 },
		{ "queue", "65536", 0 },
		{ "queue", "0-63", 1 },		/* 64 queues: the maximum */
		{ "queue", "0-64", 0 },		/* 65 queues */
		{ "queue", "65472-65535", 1 },
		{ "queue", "5-5", 1 },
		{ "queue", "5-4", 0 },
		{ "queue", "-1", 0 },
		{ "queue", "1-", 0 },
		{ "queue", "", 0 },
		{ "queue", "1 - 2", 0 },
		{ "queue", "x", 0 },
		{ "queue_maxlen", "1", 1 },
		{ "queue_maxlen", "0", 0 },
		{ "queue_maxlen", "1048576", 1 },
		{ "queue_maxlen", "1048577", 0 },
		{ "rcvbuf", "0", 1 },
		{ "rcvbuf", "8M", 1 },
		{ "rcvbuf", "1G", 1 },
		{ "rcvbuf", "1025M", 0 },
		{ "rcvbuf", "1073741824", 1 },
		{ "rcvbuf", "1073741825", 0 },
		{ "rcvbuf", "M", 0 },
		{ "rcvbuf", "8X", 0 },
		{ "rcvbuf", "-8M", 0 },
		{ "max_flows", "16", 1 },
		{ "max_flows", "15", 0 },
		{ "max_flows", "67108864", 1 },
		{ "max_flows", "67108865", 0 },
		{ "flow_timeout", "1", 1 },
		{ "flow_timeout", "0", 0 },
		{ "flow_timeout", "1d", 1 },
		{ "flow_timeout", "86401", 0 },
		{ "flow_timeout", "2m", 1 },
		{ "flow_timeout", "1w", 0 },
		{ "batch", "1", 1 },
		{ "batch", "1024", 1 },
		{ "batch", "1025", 0 },
		{ "batch", "0", 0 },
		{ "stats_interval", "0", 1 },
		{ "stats_interval", "30s", 1 },
		{ "fail_open", "yes", 1 },
		{ "fail_open", "off", 1 },
		{ "fail_open", "0", 1 },
		{ "fail_open", "maybe", 0 },
		{ "fail_open", "YES", 0 },
		{ "report_all", "true", 1 },
		{ "mark_drop", "0x03000000", 1 },
		{ "mark_drop", "0xFFFFFFFF", 1 },
		{ "mark_drop", "0x100000000", 0 },
		{ "mark_drop", "4294967295", 1 },
		{ "mark_drop", "4294967296", 0 },
		{ "mark_drop", "0x", 0 },
		{ "mark_drop", "0xg", 0 },
		{ "mark_drop", "0x00000000000000001", 1 },	/* leading zeros: value fits */
		{ "as_of", "2024-09-29T00:00:00-04:00", 1 },
		{ "as_of", "2024-09-29", 1 },
		{ "as_of", "none", 1 },
		{ "as_of", "2024-13-01", 0 },
		{ "as_of", "yesterday", 0 },
		{ "default_action", "reject", 1 },
		{ "default_action", "block", 0 },
		{ "default_enforce", "always", 1 },
		{ "default_enforce", "never", 1 },
		{ "default_enforce", "2024-09-29T04:00:00Z", 1 },
		{ "default_enforce", "soon", 0 },
		{ "default_category", "update", 1 },
		{ "log", "-", 1 },
		{ "log", "", 0 },
		{ "blocklist", "/x.list", 1 },
		{ "blocklist", "", 0 },
		{ "user", "embargo", 1 },
		{ "user", "root", 1 },
		{ "user", "0", 1 },
		{ "user", "svc_emb-1.x", 1 },
		{ "user", "abcdefghijklmnopqrstuvwxyz012345", 1 },	/* 32: the limit */
		{ "user", "abcdefghijklmnopqrstuvwxyz0123456", 0 },	/* 33 */
		{ "user", "", 0 },
		{ "user", "-x", 0 },
		{ "user", "a:b", 0 },
		{ "user", "a b", 0 },
		{ "user", "../x", 0 },
		{ "seccomp", "strict", 1 },
		{ "seccomp", "log", 1 },
		{ "seccomp", "off", 1 },
		{ "seccomp", "on", 0 },
		{ "seccomp", "Strict", 0 },
		{ "error_verdict", "accept", 1 },
		{ "error_verdict", "drop", 1 },
		{ "error_verdict", "reject", 0 },
		{ "clock_sanity", "2024-01-01", 1 },
		{ "clock_sanity", "2099-01-01T00:00:00Z", 1 },
		{ "clock_sanity", "none", 1 },
		{ "clock_sanity", "soon", 0 },
		{ "insane_clock_policy", "enforce", 1 },
		{ "insane_clock_policy", "log", 1 },
		{ "insane_clock_policy", "accept", 1 },
		{ "insane_clock_policy", "drop", 0 },
		{ "stream_cap", "1K", 1 },
		{ "stream_cap", "1023", 0 },
		{ "stream_cap", "1M", 1 },
		{ "stream_cap", "1025K", 0 },
		{ "stream_mem", "64K", 1 },
		{ "stream_mem", "65535", 0 },
		{ "stream_mem", "16G", 1 },
		{ "stream_mem", "17G", 0 },
		{ "frag_max", "1", 1 },
		{ "frag_max", "0", 0 },
		{ "frag_max", "1048576", 1 },
		{ "frag_max", "1048577", 0 },
		{ "frag_mem", "64K", 1 },
		{ "frag_mem", "1G", 1 },
		{ "frag_mem", "1025M", 0 },
		{ "learned_max", "16", 1 },
		{ "learned_max", "15", 0 },
		{ "learned_max", "16777216", 1 },
		{ "learned_max", "16777217", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct conf c;
		char err[CONF_ERR_LEN] = "";
		int rc;

		conf_init(&c);
		rc = conf_set(&c, t[i].key, t[i].value, NULL, err, sizeof(err));
		ok((rc == 0) == t[i].ok, "%s = '%s' %s", t[i].key, t[i].value,
		   t[i].ok ? "accepted" : "rejected");
		if (!t[i].ok) {
			size_t kl = strlen(t[i].key);

			ok(strncmp(err, t[i].key, kl) == 0 && err[kl] == ':',
			   "  error starts with the field: '%s'", err);
		}
		conf_free(&c);
	}
}

static void test_parsed(void)
{
	struct conf c;
	char err[CONF_ERR_LEN];

	conf_init(&c);
	ok(c.fail_open && c.queue_maxlen == 4096 && c.batch == 32 && c.max_flows == 65536 &&
	   c.flow_timeout == 120 && !c.use_as_of, "defaults");
	is_str("embargo", conf_user(&c), "default user embargo");
	ok(!c.error_drop, "default error_verdict accept");
	is_int(CONF_CLOCK_ENFORCE, c.insane_clock, "default insane_clock_policy enforce");
	{
		int64_t t;

		time_parse_rfc3339("2025-01-01T00:00:00Z", &t);
		is_int(t, c.clock_sanity_us, "default clock_sanity 2025-01-01");
		time_parse_rfc3339("2024-09-29T00:00:00-04:00", &t);
		ok(c.clock_sanity_us > t, "  after the bundled lists' enforcement date");
	}
	ok(c.stream_cap == 16384 && c.stream_mem == 32u << 20 && c.frag_max == 1024 &&
		   c.frag_mem == 4u << 20 && c.learned_max == 8192,
	   "default table caps = the engine's defaults");
	is_int(SANITIZED ? CONF_SECCOMP_OFF : CONF_SECCOMP_STRICT, c.seccomp,
	       "default seccomp: strict (off in sanitizer builds)");
	is_str("strict", conf_seccomp_name(CONF_SECCOMP_STRICT), "seccomp name strict");
	is_str("off", conf_seccomp_name(CONF_SECCOMP_OFF), "seccomp name off");
	is_str("?", conf_seccomp_name((enum conf_seccomp)7), "seccomp name out of range");
	is_str("accept", conf_clock_policy_name(CONF_CLOCK_ACCEPT), "clock policy name");
	conf_set(&c, "user", "root", NULL, err, sizeof(err));
	is_str("root", conf_user(&c), "user set");

	/* Lists: a per-file format after the path, and list switches. */
	is_int(0, conf_set(&c, "blocklist", "/l/a.txt format=hosts", NULL, err, sizeof(err)),
	       "blocklist with format=");
	is_str("/l/a.txt", c.blocklists[c.n_blocklists - 1], "  path without the format");
	is_int(BL_FORMAT_HOSTS, c.blocklist_format[c.n_blocklists - 1], "  format hosts");
	is_int(0, conf_set(&c, "blocklist", "/l/b.rpz", NULL, err, sizeof(err)), "blocklist plain");
	is_int(BL_FORMAT_AUTO, c.blocklist_format[c.n_blocklists - 1], "  format detected");
	ok(conf_set(&c, "blocklist", "/l/c format=gopher", NULL, err, sizeof(err)) < 0,
	   "unknown format refused: %s", err);
	ok(conf_set(&c, "blocklist", "format=rpz", NULL, err, sizeof(err)) < 0,
	   "a format without a path refused");
	is_int(0, conf_set(&c, "list_off", "kaspersky-carveouts", NULL, err, sizeof(err)),
	       "list_off");
	is_int(0, conf_set(&c, "list_on", "kaspersky-unverified", NULL, err, sizeof(err)),
	       "list_on");
	ok(c.n_lists_off == 1 && strcmp(c.lists_off[0], "kaspersky-carveouts") == 0 &&
		   c.n_lists_on == 1 && strcmp(c.lists_on[0], "kaspersky-unverified") == 0,
	   "  switches stored");
	ok(conf_set(&c, "list_off", "two words", NULL, err, sizeof(err)) < 0,
	   "a switch with a space refused");
	conf_set(&c, "clock_sanity", "none", NULL, err, sizeof(err));
	ok(c.clock_sanity_us == CONF_NO_CLOCK_SANITY, "clock_sanity none");
	conf_set(&c, "error_verdict", "drop", NULL, err, sizeof(err));
	ok(c.error_drop, "error_verdict drop");
	conf_set(&c, "insane_clock_policy", "accept", NULL, err, sizeof(err));
	is_int(CONF_CLOCK_ACCEPT, c.insane_clock, "insane_clock_policy accept");
	conf_set(&c, "stream_mem", "2M", NULL, err, sizeof(err));
	is_int(2u << 20, (long long)c.stream_mem, "stream_mem 2M");
	conf_free(&c);
	ok(c.user == NULL && c.stream_mem == 32u << 20, "conf_free: user freed, defaults back");
	conf_init(&c);
	is_int(0, conf_check(&c, err, sizeof(err)), "defaults pass conf_check");
	is_int(8u << 20, (long long)conf_rcvbuf(&c), "auto rcvbuf: 4096 x 2 KiB = 8 MiB");
	conf_set(&c, "queue_maxlen", "1", NULL, err, sizeof(err));
	is_int(1u << 20, (long long)conf_rcvbuf(&c), "auto rcvbuf floor 1 MiB");
	conf_set(&c, "queue_maxlen", "1048576", NULL, err, sizeof(err));
	is_int(256u << 20, (long long)conf_rcvbuf(&c), "auto rcvbuf ceiling 256 MiB");
	conf_set(&c, "rcvbuf", "3M", NULL, err, sizeof(err));
	is_int(3u << 20, (long long)conf_rcvbuf(&c), "explicit rcvbuf wins");
	conf_set(&c, "queue", "2-5", NULL, err, sizeof(err));
	ok(c.queue_first == 2 && c.queue_last == 5, "queue 2-5");
	conf_set(&c, "mark_mask", "0xff", NULL, err, sizeof(err));
	is_int(0xff, c.marks.mask, "mark_mask hex");
	conf_set(&c, "flow_timeout", "2m", NULL, err, sizeof(err));
	is_int(120, c.flow_timeout, "flow_timeout 2m = 120 s");
	conf_set(&c, "as_of", "2024-09-29T00:00:00-04:00", NULL, err, sizeof(err));
	ok(c.use_as_of && c.as_of_us == INT64_C(1727582400000000), "as_of parsed to UTC");
	conf_set(&c, "as_of", "none", NULL, err, sizeof(err));
	ok(!c.use_as_of, "as_of none clears it");
	conf_set(&c, "blocklist", "rel.list", "/etc/embargo", err, sizeof(err));
	conf_set(&c, "blocklist", "/abs.list", "/etc/embargo", err, sizeof(err));
	is_int(2, (long long)c.n_blocklists, "blocklist repeats");
	is_str("/etc/embargo/rel.list", c.blocklists[0], "relative list joined to the base dir");
	is_str("/abs.list", c.blocklists[1], "absolute list kept");
	is_int(-ENOENT, conf_set(&c, "nosuchkey", "1", NULL, err, sizeof(err)), "unknown key");
	is_str("nosuchkey: unknown key", err, "unknown key message");
	conf_free(&c);
	ok(c.n_blocklists == 0 && c.log == NULL && c.queue_maxlen == 4096,
	   "conf_free leaves the defaults");

	conf_init(&c);
	for (int i = 0; i < CONF_MAX_BLOCKLISTS; i++)
		conf_set(&c, "blocklist", "/x", NULL, err, sizeof(err));
	is_int(CONF_MAX_BLOCKLISTS, (long long)c.n_blocklists, "blocklist: maximum count fits");
	ok(conf_set(&c, "blocklist", "/x", NULL, err, sizeof(err)) < 0,
	   "blocklist: one over the maximum rejected");
	conf_free(&c);
}

static void test_check(void)
{
	static const struct {
		const char *key, *value, *field;
	} t[] = {
		{ "mark_mask", "0", "mark_mask" },
		{ "mark_accept", "0", "mark_accept" },
		{ "mark_drop", "0x10000000", "mark_drop" },	/* outside the default mask */
		{ "mark_reject", "0x03000000", "mark_reject" },	/* same as mark_drop */
		{ "mark_log", "0x01000000", "mark_log" },	/* same as mark_accept */
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct conf c;
		char err[CONF_ERR_LEN] = "";

		conf_init(&c);
		conf_set(&c, t[i].key, t[i].value, NULL, err, sizeof(err));
		ok(conf_check(&c, err, sizeof(err)) == -EINVAL &&
			   strncmp(err, t[i].field, strlen(t[i].field)) == 0,
		   "conf_check rejects %s = %s: '%s'", t[i].key, t[i].value, err);
		conf_free(&c);
	}
}

/* Write @text to a fresh file; returns its path (static buffer). */
static const char *write_file(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_file_ok(void)
{
	const char *text =
		"# embargo.conf\n"
		"\n"
		"queue = 3-4\n"
		"  blocklist = lists/a.list   # trailing comment\n"
		"blocklist = \"/quoted #not a comment.list\"\n"
		"log = /var/log/embargo/events.jsonl\n"
		"fail-open = no\n"
		"as_of = 2024-09-29T04:00:00Z\n"
		"[mark]\n"
		"mask = 0xf0\n"
		"accept = 0x10\n"
		"log = 0x20\n"
		"drop = 0x30\n"
		"reject = 0x40\n"
		"[queue]\n"
		"maxlen = 128\n"
		"[run]\n"
		"batch = 8\n"
		"\t\n";
	const char *path = write_file(text);
	char err[CONF_ERR_LEN] = "", base[80];
	struct conf c;
	int rc;

	conf_init(&c);
	rc = conf_load(&c, path, err, sizeof(err));
	is_int(0, rc, "valid file loads (%s)", err);
	ok(c.queue_first == 3 && c.queue_last == 4, "file: queue");
	is_int(2, (long long)c.n_blocklists, "file: two lists");
	snprintf(base, sizeof(base), "/tmp/lists/a.list");
	is_str(base, c.blocklists[0], "file: relative list taken from the file's directory");
	is_str("/quoted #not a comment.list", c.blocklists[1], "file: quoted value keeps '#'");
	is_str("/var/log/embargo/events.jsonl", c.log, "file: log");
	ok(!c.fail_open, "file: fail-open spelled with '-' = fail_open");
	ok(c.use_as_of && c.as_of_us == INT64_C(1727582400000000), "file: as_of");
	ok(c.marks.mask == 0xf0 && c.marks.accept == 0x10 && c.marks.log == 0x20 &&
		   c.marks.drop == 0x30 && c.marks.reject == 0x40,
	   "file: [mark] section keys");
	is_int(128, c.queue_maxlen, "file: [queue] maxlen = queue_maxlen");
	is_int(8, c.batch, "file: [run] means no prefix");
	is_int(0, conf_check(&c, err, sizeof(err)), "file: passes conf_check");
	is_str(path, c.path, "file: path remembered");
	conf_free(&c);
	unlink(path);
}

static void test_file_errors(void)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *want;	/* after "FILE:LINE: " */
	} t[] = {
		{ "queue = 1\nqueue = x\n", 2, "queue: 'x' is not valid" },
		{ "\n\n\nbogus = 1\n", 4, "bogus: unknown key" },
		{ "queue\n", 1, "expected key = value" },
		{ "= 1\n", 1, "missing key before '='" },
		{ "queue =\n", 1, "queue: missing value" },
		{ "queue = # comment only\n", 1, "queue: missing value" },
		{ "log = \"unterminated\n", 1, "log: unterminated quote or text after it" },
		{ "log = \"a\" b\n", 1, "log: unterminated quote or text after it" },
		{ "[mark\n", 1, "section: expected [name]" },
		{ "[]\n", 1, "section: expected [name]" },
		{ "[a b]\n", 1, "section: expected [name]" },
		{ "[mark]\nbogus = 1\n", 2, "mark_bogus: unknown key" },
		{ "qu.eue = 1\n", 1, "qu.eue: bad character in key" },
		{ "queue_maxlen = 0\n", 1, "queue_maxlen: '0' is out of range" },
		{ "fail_open = perhaps\n", 1, "fail_open: 'perhaps' is not valid" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const char *path = write_file(t[i].text);
		char err[CONF_ERR_LEN] = "", want[CONF_ERR_LEN];
		struct conf c;

		conf_init(&c);
		ok(conf_load(&c, path, err, sizeof(err)) < 0, "bad file %zu rejected", i);
		snprintf(want, sizeof(want), "%s:%u: %s", path, t[i].line, t[i].want);
		ok(strncmp(err, want, strlen(want)) == 0, "  '%s'", err);
		if (strncmp(err, want, strlen(want)) != 0)
			diag("  want '%s...'", want);
		conf_free(&c);
		unlink(path);
	}

	{
		char err[CONF_ERR_LEN] = "";
		struct conf c;

		conf_init(&c);
		is_int(-ENOENT, conf_load(&c, "/nonexistent/embargo.conf", err, sizeof(err)),
		       "missing file: -ENOENT");
		is_str("/nonexistent/embargo.conf: No such file or directory", err,
		       "missing file: message names the file");
		conf_free(&c);
	}
	{
		/* A NUL byte inside a line. */
		static const char bin[] = "queue = 1\nlog = a\0b\n";
		char path[64] = "/tmp/test_conf.XXXXXX", err[CONF_ERR_LEN] = "", want[128];
		int fd = mkstemp(path);
		struct conf c;

		if (write(fd, bin, sizeof(bin) - 1) < 0)
			diag("write failed");
		close(fd);
		conf_init(&c);
		ok(conf_load(&c, path, err, sizeof(err)) < 0, "NUL byte rejected");
		snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
		is_str(want, err, "NUL byte: line 2");
		conf_free(&c);
		unlink(path);
	}
}

/* conf_check names the line that set the field (or the mask that excluded a default). */
static void test_check_positions(void)
{
	static const struct {
		const char *text;
		unsigned line;		/* 0: no position expected */
		const char *want;
	} t[] = {
		{ "queue = 1\n[mark]\nmask = 0xf0\n", 3, "mark_accept: 0x01000000 has bits" },
		{ "# c\n\nmark_drop = 0x01000000\n", 3, "mark_drop: same value as mark_accept" },
		{ "mark_log = 0x04000000\n", 1, "mark_log: same value as mark_reject" },
		{ "mark_accept = 0x4\nmark_mask = 0xff\n", 2, "mark_log: 0x02000000 has bits" },
		{ "[mark]\naccept = 0\n", 2, "mark_accept: must not be 0" },
		{ "mark_mask = 0\n", 1, "mark_mask: must not be 0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const char *path = write_file(t[i].text);
		char err[CONF_ERR_LEN] = "", want[CONF_ERR_LEN];
		struct conf c;

		conf_init(&c);
		is_int(0, conf_load(&c, path, err, sizeof(err)), "file %zu loads (%s)", i, err);
		ok(conf_check(&c, err, sizeof(err)) == -EINVAL, "  conf_check fails");
		if (t[i].line)
			snprintf(want, sizeof(want), "%s:%u: %s", path, t[i].line, t[i].want);
		else
			snprintf(want, sizeof(want), "%s", t[i].want);
		ok(strncmp(err, want, strlen(want)) == 0, "  '%s'", err);
		if (strncmp(err, want, strlen(want)) != 0)
			diag("  want '%s...'", want);
		conf_free(&c);
		unlink(path);
	}
	{
		/* Set by conf_set (the command line) after the file: no line is named. */
		const char *path = write_file("mark_drop = 0x03000000\n");
		char err[CONF_ERR_LEN] = "";
		struct conf c;

		conf_init(&c);
		conf_load(&c, path, err, sizeof(err));
		conf_set(&c, "mark_drop", "0x01000000", NULL, err, sizeof(err));
		conf_check(&c, err, sizeof(err));
		is_str("mark_drop: same value as mark_accept (0x01000000)", err,
		       "overridden after the file: the field alone");
		conf_free(&c);
		unlink(path);
	}
}

int main(void)
{
	test_values();
	test_parsed();
	test_check();
	test_file_ok();
	test_file_errors();
	test_check_positions();
	return done_testing();
}
