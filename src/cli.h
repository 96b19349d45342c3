// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.h - pieces shared by the subcommands: blocklist location and loading,
 * time options.
 */
#ifndef EMBARGO_CLI_H
#define EMBARGO_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blocklist.h"

#define CLI_MAX_BLOCKLISTS 64

/*
 * cli_default_blocklist_dir - the bundled lists: the source tree's
 * blocklists/ when this binary runs from its meson build tree, else the
 * installed directory.
 */
const char *cli_default_blocklist_dir(void);

/*
 * cli_load_blocklist - load @paths (or the default directory when @n is 0).
 * On failure prints "embargo: FILE:LINE: message" and returns a negative
 * errno; on success *out owns the list.
 */
int cli_load_blocklist(const char *const *paths, size_t n, struct blocklist **out);

/* cli_parse_time - RFC 3339 (or YYYY-MM-DD) with a message naming @opt on error. */
int cli_parse_time(const char *opt, const char *s, int64_t *out_us);

/* cli_print_lists - one line per section: list, category, entries, date, action. */
void cli_print_lists(const struct blocklist *bl, FILE *f, const char *prefix);

#endif
