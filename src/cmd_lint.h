// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_lint.h - `embargo lint [options] [PATH...]`: check list files (every
 * format) and a configuration file, and report each problem as
 * "FILE:LINE: error|warning|note: message".
 */
#ifndef EMBARGO_CMD_LINT_H
#define EMBARGO_CMD_LINT_H

/*
 * cmd_lint - @argv[0] is "lint".  Prints the diagnostics on stdout, sorted
 * by file (in the order read) and line, and a count on stderr.  Returns the
 * exit status: 0 no error (warnings and notes allowed), 1 any error (or any
 * warning with --strict), 2 a usage error.
 */
int cmd_lint(int argc, char **argv);

#endif
