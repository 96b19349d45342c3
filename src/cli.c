// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - blocklist location/loading and option helpers for subcommands.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "log.h"
#include "util.h"

const char *cli_default_blocklist_dir(void)
{
	static char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t blen = strlen(EMBARGO_BUILD_ROOT);

	/* Run from the build tree: use the lists of the tree it was built from. */
	if (n > 0) {
		exe[n] = '\0';
		if ((size_t)n > blen && strncmp(exe, EMBARGO_BUILD_ROOT, blen) == 0 &&
		    exe[blen] == '/' && access(EMBARGO_SOURCE_BLOCKLISTDIR, R_OK) == 0)
			return EMBARGO_SOURCE_BLOCKLISTDIR;
	}
	return EMBARGO_BLOCKLISTDIR;
}

int cli_load_blocklist(const char *const *paths, size_t n, struct blocklist **out)
{
	const char *def[1];
	struct bl_error err;
	int ret;

	if (n == 0) {
		def[0] = cli_default_blocklist_dir();
		paths = def;
		n = 1;
	}
	memset(&err, 0, sizeof(err));
	ret = blocklist_load(out, paths, n, NULL, &err);
	if (ret < 0) {
		if (err.line)
			fprintf(stderr, "embargo: %s:%u: %s\n", err.file, err.line, err.msg);
		else if (err.file[0])
			fprintf(stderr, "embargo: %s: %s\n", err.file, err.msg[0] ? err.msg : strerror(-ret));
		else
			fprintf(stderr, "embargo: blocklist: %s\n", err.msg[0] ? err.msg : strerror(-ret));
	}
	return ret;
}

int cli_parse_time(const char *opt, const char *s, int64_t *out_us)
{
	if (time_parse_rfc3339(s, out_us) < 0) {
		fprintf(stderr,
			"embargo: %s: '%s' is not an RFC 3339 time "
			"(e.g. 2024-09-29T00:00:00-04:00 or 2024-09-29)\n",
			opt, s);
		return -EINVAL;
	}
	return 0;
}

void cli_print_lists(const struct blocklist *bl, FILE *f, const char *prefix)
{
	size_t n = blocklist_n_sections(bl);
	char when[TIME_RFC3339_LEN];

	for (size_t i = 0; i < n; i++) {
		const struct bl_section *s = blocklist_section(bl, i);
		const char *from;

		if (s->policy.enforce_from == POLICY_NEVER)
			from = "never";
		else if (s->policy.enforce_from == POLICY_ALWAYS)
			from = "always";
		else
			from = time_format_rfc3339(s->policy.enforce_from, when, sizeof(when));
		fprintf(f, "%slist %s category %s: %s from %s (%s)\n", prefix, s->list, s->category,
			action_name(s->policy.action), from, s->file);
	}
}
