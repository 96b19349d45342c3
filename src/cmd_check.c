// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_check.c - `embargo check [--blocklist PATH]... [--as-of TIME]
 * NAME|ADDRESS... | -`: for each argument (or each line of stdin with "-"),
 * say which entry decides it, from which file and line, its list, category,
 * enforcement date and the action at the evaluation time.
 *
 * Exit status: 0 nothing matched, 1 something matched, 2 an input was not a
 * valid name or address (it is reported and the others still checked).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocklist.h"
#include "cli.h"
#include "cmd_check.h"
#include "name.h"
#include "util.h"

struct check {
	const struct blocklist *bl;
	int64_t now_us;
	bool matched, failed;
	unsigned long lineno;		/* stdin line, 0 for arguments */
};

static void print_rule(const char *what, const struct bl_rule *r)
{
	printf("  %s: %s (%s:%u), list %s, category %s\n", what, r->text, r->section->file,
	       r->line, r->section->list, r->section->category);
}

static void explain(struct check *c, const struct bl_match *m, bool hit)
{
	char t[TIME_RFC3339_LEN];
	const struct policy_rule *p;
	struct decision d;

	if (!hit) {
		if (m->allowed_by) {
			printf("  allowed\n");
			print_rule("allowed by", m->allowed_by);
			if (m->rule)
				print_rule("would otherwise match", m->rule);
		} else {
			printf("  no match\n");
		}
		return;
	}
	c->matched = true;
	p = &m->rule->section->policy;
	d = policy_decide(p, c->now_us);
	printf("  match\n");
	print_rule("rule", m->rule);
	if (p->enforce_from == POLICY_ALWAYS)
		printf("  enforced: always\n");
	else if (p->enforce_from == POLICY_NEVER)
		printf("  enforced: never (log only)\n");
	else
		printf("  enforced from: %s\n", time_format_rfc3339(p->enforce_from, t, sizeof(t)));
	printf("  action now: %s%s\n", action_name(d.action),
	       d.enforced ? " (enforced)" : " (not yet enforced)");
}

static void check_one(struct check *c, const char *arg)
{
	char name[NAME_MAX_TEXT];
	struct bl_match m;
	struct addr a;
	size_t len;
	bool hit;

	if (addr_parse(arg, &a) == 0) {
		char buf[ADDR_STRLEN];

		printf("%s\n", addr_format(&a, buf, sizeof(buf)));
		hit = blocklist_match_addr(c->bl, &a, &m);
		explain(c, &m, hit);
		return;
	}
	if (name_from_text((const uint8_t *)arg, strlen(arg), name, &len) != PARSE_OK) {
		if (c->lineno)
			fprintf(stderr, "embargo: check: stdin:%lu: '%s' is not a valid name or address\n",
				c->lineno, arg);
		else
			fprintf(stderr, "embargo: check: '%s' is not a valid name or address\n", arg);
		c->failed = true;
		return;
	}
	printf("%s\n", name);
	hit = blocklist_match_name(c->bl, name, len, &m);
	explain(c, &m, hit);
}

static void check_stdin(struct check *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) != -1) {
		char *s = line, *end;

		c->lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		check_one(c, s);
	}
	free(line);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: embargo check [-b PATH]... [-t TIME] NAME|ADDRESS... | -\n"
		   "  -b, --blocklist PATH   list file or directory (repeatable; default: bundled)\n"
		   "  -t, --as-of TIME       evaluate the policy at TIME (default: now)\n"
		   "  -                      read one name or address per line from stdin\n"
		   "Exit status: 0 no match, 1 match, 2 error.\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "blocklist", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lists[CLI_MAX_BLOCKLISTS];
	struct blocklist *bl = NULL;
	struct check c = { 0 };
	size_t nlists = 0;
	struct timespec ts;
	int ch;

	clock_gettime(CLOCK_REALTIME, &ts);
	c.now_us = (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (nlists == CLI_MAX_BLOCKLISTS) {
				fprintf(stderr, "embargo: check: too many --blocklist\n");
				return 2;
			}
			lists[nlists++] = optarg;
			break;
		case 't':
			if (cli_parse_time("--as-of", optarg, &c.now_us) < 0)
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "embargo: check: no name or address given\n");
		usage(stderr);
		return 2;
	}
	if (cli_load_blocklist(lists, nlists, &bl) < 0)
		return 2;
	c.bl = bl;
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			check_stdin(&c);
		else
			check_one(&c, argv[i]);
	}
	blocklist_free(bl);
	if (fflush(stdout) != 0)
		c.failed = true;
	if (c.failed)
		return 2;
	return c.matched ? 1 : 0;
}
