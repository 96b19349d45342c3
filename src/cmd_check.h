// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_check.h - `embargo check`: explain the decision for names/addresses. */
#ifndef EMBARGO_CMD_CHECK_H
#define EMBARGO_CMD_CHECK_H

int cmd_check(int argc, char **argv);

#endif
