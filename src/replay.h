// SPDX-License-Identifier: GPL-2.0-or-later
/* replay.h - `embargo replay`: the engine over capture files. */
#ifndef EMBARGO_REPLAY_H
#define EMBARGO_REPLAY_H

int cmd_replay(int argc, char **argv);

#endif
