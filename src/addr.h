// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addr.h - an IPv4 or IPv6 address in one comparable value.
 */
#ifndef EMBARGO_ADDR_H
#define EMBARGO_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * IPv4 addresses are stored in a[0..3] with a[4..15] zero; @af tells the
 * family (AF_INET or AF_INET6, from <sys/socket.h>), 0 means "none".
 */
struct addr {
	uint8_t af;
	uint8_t a[16];
};

#define ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */

static inline bool addr_eq(const struct addr *x, const struct addr *y)
{
	return x->af == y->af && memcmp(x->a, y->a, 16) == 0;
}

/* addr_cmp - total order: family first, then bytes. */
static inline int addr_cmp(const struct addr *x, const struct addr *y)
{
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	return memcmp(x->a, y->a, 16);
}

/*
 * addr_text - the text form of @a (inet_ntop's, "-" for no address) into
 * @buf, which holds ADDR_STRLEN bytes; returns its length.
 */
size_t addr_text(const struct addr *a, char *buf);

/* addr_format - addr_text into @buf of @size bytes (cut to fit); returns @buf. */
char *addr_format(const struct addr *a, char *buf, size_t size);

/* addr_parse - parse IPv4 dotted quad or IPv6 text.  Returns 0 or -EINVAL. */
int addr_parse(const char *s, struct addr *out);

#endif
