// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - `embargo COMMAND [options]`: dispatch to the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_check.h"
#include "cmd_lint.h"
#include "cmd_report.h"
#include "config.h"
#include "replay.h"
#ifdef HAVE_CMD_RUN
#include "cmd_run.h"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
#ifdef HAVE_CMD_RUN
	{ "run", cmd_run, "filter live traffic from NFQUEUE (the gateway daemon)" },
#endif
	{ "replay", cmd_replay, "report the blocklisted names and addresses in capture files" },
	{ "check", cmd_check, "explain the decision for names or addresses" },
	{ "lint", cmd_lint, "check list and configuration files" },
	{ "report", cmd_report, "summarise decision events (per category, name, client, day)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: embargo COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-8s %s\n", "version", "print the version");
	fprintf(f, "\n'embargo COMMAND --help' describes each command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("embargo %s\n", EMBARGO_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "embargo: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
