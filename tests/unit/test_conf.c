// SPDX-License-Identifier: GPL-2.0-or-later
/* test_conf.c - embargo.conf parsing: values at their limits, files, errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "util.h"
#include "../tap.h"

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

int main(void)
{
	test_values();
	test_parsed();
	test_check();
	test_file_ok();
	test_file_errors();
	return done_testing();
}
