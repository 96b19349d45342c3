// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.h - diagnostics for people (not decision events: see event.h).
 *
 * Messages go to stderr as "embargo: <level>: <message>", or to syslog
 * (LOG_DAEMON) after log_use_syslog().  Untrusted strings must be passed as
 * arguments, never as the format.  Thread-safe (one write per message).
 */
#ifndef EMBARGO_LOG_H
#define EMBARGO_LOG_H

#include <stdbool.h>
#include "util.h"

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* log_set_level - messages above @lvl are dropped (default: INFO). */
void log_set_level(enum log_level lvl);
/* log_use_syslog - send messages to syslog with @ident from now on. */
void log_use_syslog(const char *ident);

ATTR_PRINTF(2, 3) void log_msg(enum log_level lvl, const char *fmt, ...);

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
