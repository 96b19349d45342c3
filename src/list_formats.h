// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list_formats.h - the list formats operators already have, turned into
 * blocklist entries: hosts files, Adblock-style domain rules and CIDR
 * lists, line by line; format detection; and a reader that takes plain and
 * gzip-compressed files alike.  RPZ zone files are in rpz.h.
 *
 * The parsers know nothing of the blocklist: they hand each rule to a
 * struct lf_sink (blocklist.c implements it), which validates the name or
 * address exactly as for the native format and reports errors with the
 * file and line.  A rule of the format that is not a domain or address
 * rule (an element-hiding rule, a hosts line with a real address) is
 * counted through the sink's skip() and not loaded.
 */
#ifndef EMBARGO_LIST_FORMATS_H
#define EMBARGO_LIST_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "blocklist.h"
#include "domain_set.h"

/* What an entry token may be. */
enum lf_want {
	LF_ANY = 0,		/* a name, or an address or prefix (native rules) */
	LF_NAME,		/* a name only */
	LF_NET,			/* an address or prefix only */
};

/* Rules that are read but not loaded, one counter each per file. */
enum lf_skip {
	LF_SKIP_COSMETIC = 0,	/* Adblock element hiding ("##", "#@#", ...) */
	LF_SKIP_OPTIONS,	/* Adblock rule with "$options" */
	LF_SKIP_PATTERN,	/* Adblock URL pattern, not "||name^" */
	LF_SKIP_HOSTS_ADDR,	/* hosts line mapping names to a real address */
	LF_SKIP_RPZ_LOCAL,	/* RPZ local data (A, TXT, CNAME to a name, ...) */
	LF_SKIP_RPZ_TRIGGER,	/* RPZ client-IP, NSDNAME or NSIP trigger */
	LF_SKIP_RPZ_TCP,	/* RPZ "rpz-tcp-only." action */
	LF_SKIP_N,
};

/*
 * struct lf_sink - where parsers put what they read.  @line is the line
 * the rule is on.  entry() and error() return 0 to go on or a negative
 * errno to stop the file (the sink has recorded the error); error() returns
 * 0 in lint mode, where the line is skipped.
 */
struct lf_sink {
	/* One rule: @tok/@len is the name (no "=" or "*." prefix: @kind says
	 * which form) or the address text, checked as @want says. */
	int (*entry)(void *ctx, unsigned line, const char *tok, size_t len, enum ds_kind kind,
		     bool allow, enum lf_want want);
	int (*error)(void *ctx, unsigned line, const char *msg);
	void (*skip)(void *ctx, unsigned line, enum lf_skip why);
	void *ctx;
};

/* lf_error - format a message and pass it to @s->error; returns its result. */
__attribute__((format(printf, 3, 4)))
int lf_error(const struct lf_sink *s, unsigned line, const char *fmt, ...);

/*
 * lf_quote - file text for a message, at most 64 bytes, with control and
 * non-ASCII bytes as '?', so that a hostile list cannot put terminal
 * escapes into a log.  @size: at least 72.  Returns @buf.
 */
#define LF_QUOTE_SIZE 72
const char *lf_quote(char *buf, size_t size, const char *s, size_t len);

/* lf_skip_what - the plural noun for a skip counter ("Adblock rules with $options"). */
const char *lf_skip_what(enum lf_skip why);

/*
 * Line parsers.  @text holds @len bytes of one line without its line feed
 * or carriage return, NUL-terminated, writable.  They return 0 or the
 * negative errno of a sink call that asked to stop.
 *
 * lf_hosts_line - hosts(5): "ADDRESS NAME... [# comment]".  0.0.0.0,
 * 127.0.0.1, :: and ::1 block their names; the loopback and
 * multicast names of a stock hosts file ("localhost", "ip6-allnodes", ...)
 * are ignored; any other address is a local mapping, skipped.
 */
int lf_hosts_line(const struct lf_sink *s, unsigned line, char *text, size_t len);

/*
 * lf_adblock_line - Adblock Plus / AdGuard filter syntax, domain rules
 * only: "||name^" blocks the name and its subdomains, "@@||name^" is an
 * exception, "!" and "[Adblock Plus 2.0]" lines are comments.  A trailing
 * "|" after "^" is allowed.  Everything else is skipped and counted.
 */
int lf_adblock_line(const struct lf_sink *s, unsigned line, char *text, size_t len);

/*
 * lf_cidr_line - one address or prefix, then optionally a comment started
 * by '#' or ';' (the Spamhaus DROP and FireHOL netset styles).
 */
int lf_cidr_line(const struct lf_sink *s, unsigned line, char *text, size_t len);

/*
 * lf_detect - the format of a file from its first @len bytes (the first
 * read chunk): the first line that tells decides.  "[Adblock", "!", "||",
 * "@@||" -> Adblock; "$ORIGIN", "$TTL", "@ ", or a record with a class or
 * type such as "IN", "SOA", "CNAME" -> RPZ; an address then a name ->
 * hosts; an address or prefix then a ';' comment -> CIDR; anything else
 * (names, prefixes, directives) -> native.  Never BL_FORMAT_AUTO.
 */
enum bl_format lf_detect(const char *buf, size_t len);

/*
 * struct lf_reader - a list file, plain or gzip-compressed (RFC 1952: the
 * magic bytes 1f 8b), read the same way.  zlib reads multi-member files.
 */
struct lf_reader {
	int fd;
	void *gz;		/* gzFile, NULL for a plain file */
	char msg[128];		/* the last error */
};

/*
 * lf_open - open @path for reading.  Returns 0, or a negative errno with
 * r->msg set ("cannot open: ...").  @size_hint, if not NULL, receives the
 * expected size of the content (the file size; for gzip, the size the
 * trailer records), for reserving memory.
 */
int lf_open(struct lf_reader *r, const char *path, size_t *size_hint);

/* lf_read - up to @n bytes; returns the count, 0 at the end, or -1 with r->msg set. */
ssize_t lf_read(struct lf_reader *r, char *buf, size_t n);

/* lf_close - close the file; a reader that failed to open is fine. */
void lf_close(struct lf_reader *r);

#endif
