// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - names of the parser result codes, for diagnostics.
 */
#include "parse.h"

const char *parse_rc_str(enum parse_rc rc)
{
	switch (rc) {
	case PARSE_OK:
		return "ok";
	case PARSE_NEED_MORE:
		return "need-more";
	case PARSE_TRUNCATED:
		return "truncated";
	case PARSE_MALFORMED:
		return "malformed";
	case PARSE_NOT_MINE:
		return "not-mine";
	}
	return "unknown";
}
