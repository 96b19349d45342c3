// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_run.h - `embargo run`: the live gateway daemon on NFQUEUE.
 */
#ifndef EMBARGO_CMD_RUN_H
#define EMBARGO_CMD_RUN_H

/*
 * cmd_run - argv[0] is "run".  Runs in the foreground until SIGTERM/SIGINT;
 * SIGHUP reloads, SIGUSR1 logs statistics (embargo.conf(5), embargo(8)).
 * Exit status: 0 after a clean stop (or --check, --help), 2 on a start-up
 * error or a failure of the packet path.
 */
int cmd_run(int argc, char **argv);

#endif
