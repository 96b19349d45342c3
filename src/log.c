// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - formatted diagnostics to stderr or syslog.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static enum log_level max_level = LOG_LVL_INFO;
static bool to_syslog;

void log_set_level(enum log_level lvl)
{
	max_level = lvl;
}

void log_use_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	to_syslog = true;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char buf[2048];
	int n, pre;
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		syslog(prio[lvl], "%s", buf);
		return;
	}
	pre = snprintf(buf, sizeof(buf), "embargo: %s: ", names[lvl]);
	n = vsnprintf(buf + pre, sizeof(buf) - (size_t)pre - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += pre;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write() so lines from several threads never interleave. */
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}
