// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.h - the result codes shared by every parser of untrusted bytes.
 */
#ifndef EMBARGO_PARSE_H
#define EMBARGO_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum parse_rc {
	PARSE_OK = 0,		/* parsed; outputs are valid */
	PARSE_NEED_MORE,	/* a valid prefix: more bytes of the same stream may complete it */
	PARSE_TRUNCATED,	/* the structure claims more bytes than the packet holds */
	PARSE_MALFORMED,	/* inconsistent or invalid: never trust any output */
	PARSE_NOT_MINE,		/* does not look like this protocol at all */
};

/* A byte view into a caller-owned buffer; valid only as long as that buffer. */
struct bytes {
	const uint8_t *p;
	size_t len;
};

const char *parse_rc_str(enum parse_rc rc);

#endif
