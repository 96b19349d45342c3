// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addr.c - address formatting and parsing through inet_ntop/inet_pton.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "addr.h"

char *addr_format(const struct addr *a, char *buf, size_t size)
{
	if (a->af == AF_INET || a->af == AF_INET6) {
		if (inet_ntop(a->af, a->a, buf, (socklen_t)size))
			return buf;
	}
	snprintf(buf, size, "-");
	return buf;
}

int addr_parse(const char *s, struct addr *out)
{
	struct addr a = { 0 };

	if (inet_pton(AF_INET, s, a.a) == 1) {
		a.af = AF_INET;
	} else if (inet_pton(AF_INET6, s, a.a) == 1) {
		a.af = AF_INET6;
	} else {
		return -EINVAL;
	}
	*out = a;
	return 0;
}
