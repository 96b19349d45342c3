// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blocklist.c - load list files into an immutable blocklist and match
 * names and addresses against it (contract and file format in blocklist.h,
 * man page embargo-blocklist(5)).
 *
 * Loading follows the init/line/finish shape: a loader reads each file in
 * fixed-size chunks, hands every line to do_line(), which either changes
 * the directives in force or adds one entry to the sets below, and
 * finish() freezes everything.  Nothing is kept of a file once read, so a
 * list of a million names needs its index and a 64 KiB buffer, not a copy
 * of the file.
 *
 *   block names  -> domain_set dom[0]     allow names  -> domain_set dom[1]
 *   block nets   -> cidr_set   net[0]     allow nets   -> cidr_set   net[1]
 *
 * The parser is strict: every line is a directive, an entry, a comment or
 * blank, and anything else stops the load with "file:line: field: what".
 * A list that loads with a typo would quietly not block what its author
 * meant, which is worse for a filter than refusing to start.
 *
 * Rules for events: a domain rule's struct bl_rule is built the first time
 * it matches, in an array with one (untouched, so unbacked) slot per hash
 * table slot, then keeps its address for the blocklist's lifetime.  That
 * keeps a million-entry list at its index size instead of adding 32 bytes
 * per entry, while callers still get stable rule pointers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blocklist.h"
#include "cidr_set.h"
#include "domain_set.h"
#include "name.h"
#include "util.h"

#define BL_BUF (64 * 1024)		/* read chunk; must exceed BL_LINE_MAX */
#define BL_IDENT_MAX 64			/* @list / @category value */
#define BL_QUOTE_MAX 64			/* file text quoted in a message */

/* Strings are allocated in chunks that never move, so pointers stay valid. */
struct pool_chunk {
	struct pool_chunk *next;
	size_t used, cap;
	char data[];
};

struct cidr_info {
	const char *text;
	uint32_t sec;			/* index: the section array may still move */
	uint32_t line;
	bool allow;
};

struct blocklist {
	struct domain_set *dom[2];	/* [0] block, [1] allow */
	struct cidr_set *net[2];
	struct bl_rule *dom_rules[2];	/* per table slot, filled on first match */
	struct bl_rule *net_rules;	/* per cidr_info, filled by finish */
	struct cidr_info *ci;
	size_t n_ci, cap_ci;
	struct pool_chunk *pool;	/* every string sections and rules point to */
	size_t pool_bytes;
	struct bl_section *sec;
	size_t n_sec, cap_sec;
	struct bl_list_info *lists;
	size_t n_lists;
	size_t files;
};

struct loader {
	struct blocklist *bl;
	struct bl_error *err;
	const struct blocklist_defaults *def;
	const char *path;
	unsigned line;
	const char *file, *list, *category;	/* values in force, in the pool */
	char *buf;			/* BL_BUF + 1 bytes: the read chunk */
	struct policy_rule policy;
	long sec;			/* section in force, -1 after a change */
};

/* Marks a domain rule being filled by another thread (see dom_rule). */
static const struct bl_section busy_section;

static const enum bl_rule_kind rule_kind[] = {
	[DS_SUFFIX] = BL_SUFFIX, [DS_EXACT] = BL_EXACT, [DS_SUBDOMAINS] = BL_SUBDOMAINS,
};

/* ---- errors ---------------------------------------------------------- */

/* Fill @err; returns @ret.  @line 0: not about one line. */
ATTR_PRINTF(5, 6) static int fail_at(struct bl_error *err, const char *path, unsigned line,
				     int ret, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", path ? path : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

/* A syntax error at the current line: the message names the field. */
#define fail(ld, ...) fail_at((ld)->err, (ld)->path, (ld)->line, -EINVAL, __VA_ARGS__)

static int fail_errno(struct loader *ld, const char *path, int e, const char *what)
{
	return fail_at(ld->err, path, 0, -e, "%s: %s", what, strerror(e));
}

static int fail_nomem(struct loader *ld, int ret)
{
	if (ret == -E2BIG)
		return fail_at(ld->err, ld->path, ld->line, ret, "too many entries");
	return fail_at(ld->err, ld->path, ld->line, -ENOMEM, "out of memory");
}

/*
 * File text for a message: at most BL_QUOTE_MAX bytes, control and
 * non-ASCII bytes shown as '?', so a hostile list cannot put terminal
 * escapes into a log line.
 */
static const char *quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < size; i++) {
		if (i == BL_QUOTE_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	}
	buf[n] = '\0';
	return buf;
}

/* ---- storage --------------------------------------------------------- */

static int pool_add(struct blocklist *bl, const char *s, size_t len, const char **out)
{
	struct pool_chunk *c = bl->pool;
	char *p;

	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > 4096 ? len + 1 : 4096;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return -ENOMEM;
		c->next = bl->pool;
		c->used = 0;
		c->cap = cap;
		bl->pool = c;
		bl->pool_bytes += sizeof(*c) + cap;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	*out = p;
	return 0;
}

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *q;

	if (n < *cap)
		return 0;
	if (c > SIZE_MAX / elem)
		return -ENOMEM;
	q = realloc(*p, c * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* The section for the next entry: the current one, or a new one after a change. */
static int section(struct loader *ld, uint32_t *idx)
{
	struct blocklist *bl = ld->bl;

	if (ld->sec >= 0) {
		*idx = (uint32_t)ld->sec;
		return 0;
	}
	if (bl->n_sec >= UINT32_MAX)
		return -E2BIG;
	if (grow((void **)&bl->sec, &bl->cap_sec, bl->n_sec, sizeof(*bl->sec)) < 0)
		return -ENOMEM;
	bl->sec[bl->n_sec] = (struct bl_section){
		.list = ld->list, .category = ld->category, .file = ld->file,
		.policy = ld->policy,
	};
	ld->sec = (long)bl->n_sec;
	*idx = (uint32_t)bl->n_sec++;
	return 0;
}

/* ---- entries --------------------------------------------------------- */

/*
 * Byte classes for the per-line loops, one table load per byte instead of
 * a chain of data-dependent branches (list text is close to random, so
 * those branches mispredict).
 */
enum {
	C_OK = 1 << 0,		/* allowed in an entry: letter, digit, '-', '_', '.', ':', '/' */
	C_DIGIT = 1 << 1,
	C_NET = 1 << 2,		/* ':' or '/' */
	C_DOT = 1 << 3,
	C_SPACE = 1 << 4,	/* token separator: what ch_is_space() accepts */
};

/* Range designators ("a" ... "z") are a GNU C extension, fine under gnu11. */
static const uint8_t byte_class[256] = {
	['0' ... '9'] = C_DIGIT | C_OK,
	['a' ... 'z'] = C_OK, ['A' ... 'Z'] = C_OK, ['-'] = C_OK, ['_'] = C_OK,
	[':'] = C_NET | C_OK, ['/'] = C_NET | C_OK, ['.'] = C_DOT | C_OK,
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\r'] = C_SPACE,
	['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
};

/*
 * What an entry token is, after one pass over it.  Hostname syntax for list
 * entries is letters, digits, '-', '_' (real service names such as _dmarc
 * use it), labels of 1-63 bytes, 253 in all (RFC 1035 §2.3.4, RFC 1123
 * §2.1).  That is stricter than name.h, which must represent whatever a
 * packet carries: a list entry with other bytes is a mistake (a UTF-8 IDN,
 * a stray quote) that could never match.
 */
enum tok_kind {
	TOK_NAME,		/* a valid name */
	TOK_NET,		/* an address or prefix: ':' or '/', or an all-digit last label */
	TOK_TOO_LONG,
	TOK_BAD_BYTE,
	TOK_EMPTY_LABEL,
	TOK_LONG_LABEL,
};

/*
 * One pass over an entry token; *@bad is set for TOK_BAD_BYTE.  Branch-free
 * per byte: a dot resets the label counters through a mask, not a jump.
 */
static enum tok_kind scan_token(const char *p, size_t n, size_t *bad)
{
	size_t label = 0, digits = 0, empty = 0, longl = 0;
	unsigned all = C_OK, any = 0;

	if (n && p[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned k = byte_class[(unsigned char)p[i]];
		size_t dot = (k & C_DOT) != 0, keep = dot - 1;

		empty |= dot & (label == 0);
		label = (label + 1) & keep;
		digits = (digits + ((k & C_DIGIT) != 0)) & keep;
		longl |= label > NAME_MAX_LABEL;
		any |= k;
		all &= k;
	}
	/* RFC 3696 §2: no top-level domain is all-numeric, so such a token is an address. */
	if ((any & C_NET) || (label && digits == label))
		return TOK_NET;
	if (n > NAME_MAX_WIRE)
		return TOK_TOO_LONG;
	if (!(all & C_OK)) {
		for (*bad = 0; byte_class[(unsigned char)p[*bad]] & C_OK; (*bad)++)
			;
		return TOK_BAD_BYTE;
	}
	if (empty || label == 0)
		return TOK_EMPTY_LABEL;
	return longl ? TOK_LONG_LABEL : TOK_NAME;
}

static int name_error(struct loader *ld, const char *p, size_t n, enum tok_kind k, size_t bad)
{
	unsigned char c = (unsigned char)p[bad];
	char q[BL_QUOTE_MAX + 8];

	quote(q, sizeof(q), p, n);
	switch (k) {
	case TOK_NAME:
	case TOK_NET:
		break;
	case TOK_TOO_LONG:
		return fail(ld, "domain: name \"%s\" is longer than %d bytes", q, NAME_MAX_WIRE);
	case TOK_BAD_BYTE:
		if (c == '*')
			return fail(ld, "domain: '*' is only allowed as a leading \"*.\" in \"%s\"",
				    q);
		if (c > 0x20 && c < 0x7f)
			return fail(ld, "domain: invalid character '%c' in \"%s\" "
				    "(letters, digits, '-', '_'; IDNs in punycode)", c, q);
		return fail(ld, "domain: invalid byte 0x%02x in \"%s\" "
			    "(letters, digits, '-', '_'; IDNs in punycode)", c, q);
	case TOK_EMPTY_LABEL:
		return fail(ld, "domain: empty label in \"%s\"", q);
	case TOK_LONG_LABEL:
		return fail(ld, "domain: label longer than %d bytes in \"%s\"", NAME_MAX_LABEL, q);
	}
	return fail(ld, "domain: invalid name \"%s\"", q);
}

static int add_domain(struct loader *ld, const char *p, size_t n, enum ds_kind kind,
		      bool allow)
{
	char canon[NAME_MAX_TEXT];
	struct bl_section *s;
	size_t clen;
	uint32_t sec;
	int ret;

	/* The scan above is stricter, so this only canonicalises (lower case, no final dot). */
	if (name_from_text((const uint8_t *)p, n, canon, &clen) != PARSE_OK)
		return name_error(ld, p, n, TOK_NAME, 0);
	ret = section(ld, &sec);
	if (ret == 0)
		ret = domain_set_add(ld->bl->dom[allow], kind, canon, clen, sec, ld->line);
	if (ret == -EINVAL)
		return name_error(ld, p, n, TOK_NAME, 0);
	if (ret < 0)
		return fail_nomem(ld, ret);
	s = &ld->bl->sec[sec];
	*(allow ? &s->allows : kind == DS_EXACT ? &s->exact : &s->domains) += 1;
	return 0;
}

static int add_cidr(struct loader *ld, const char *p, size_t n, bool allow)
{
	char q[BL_QUOTE_MAX + 8], text[CIDR_STRLEN];
	struct blocklist *bl = ld->bl;
	struct cidr_info *ci;
	struct addr net;
	unsigned plen;
	const char *t;
	uint32_t sec;
	int ret;

	ret = cidr_set_parse(p, n, &net, &plen);
	if (ret == -ERANGE)
		return fail(ld, "cidr: invalid prefix length in \"%s\" "
			    "(0-32 for IPv4, 0-128 for IPv6)", quote(q, sizeof(q), p, n));
	if (ret < 0)
		return fail(ld, "cidr: invalid address in \"%s\"", quote(q, sizeof(q), p, n));
	if (cidr_set_host_bits(&net, plen)) {
		struct addr m = net;

		cidr_set_mask(&m, plen);
		return fail(ld, "cidr: host bits set in \"%s\" (the network is %s)",
			    quote(q, sizeof(q), p, n),
			    cidr_set_format(&m, plen, text, sizeof(text)));
	}
	cidr_set_format(&net, plen, text, sizeof(text));

	ret = section(ld, &sec);
	if (ret == 0)
		ret = grow((void **)&bl->ci, &bl->cap_ci, bl->n_ci, sizeof(*bl->ci));
	if (ret == 0)
		ret = pool_add(bl, text, strlen(text), &t);
	if (ret == 0 && bl->n_ci >= UINT32_MAX)
		ret = -E2BIG;
	if (ret == 0)
		ret = cidr_set_add(bl->net[allow], &net, plen, (uint32_t)bl->n_ci);
	if (ret < 0)
		return fail_nomem(ld, ret);
	ci = &bl->ci[bl->n_ci++];
	*ci = (struct cidr_info){ .text = t, .sec = sec, .line = ld->line, .allow = allow };
	*(allow ? &bl->sec[sec].allows : &bl->sec[sec].cidrs) += 1;
	return 0;
}

/*
 * One entry token:  [@@] ( [=|*.]name | address[/len] )
 */
static int do_entry(struct loader *ld, const char *p, size_t n)
{
	enum ds_kind kind = DS_SUFFIX;
	char q[BL_QUOTE_MAX + 8];
	enum tok_kind tk;
	bool allow = false;
	size_t bad = 0;

	if (n >= 2 && p[0] == '@' && p[1] == '@') {
		allow = true;
		p += 2;
		n -= 2;
		if (n == 0)
			return fail(ld, "allow: missing entry after \"@@\"");
	}
	if (p[0] == '=') {
		kind = DS_EXACT;
		p++;
		n--;
	} else if (n >= 2 && p[0] == '*' && p[1] == '.') {
		kind = DS_SUBDOMAINS;
		p += 2;
		n -= 2;
	}
	if (n == 0)
		return fail(ld, "domain: missing name after \"%s\"", kind == DS_EXACT ? "=" : "*.");

	tk = scan_token(p, n, &bad);
	if (tk == TOK_NET) {
		if (kind != DS_SUFFIX)
			return fail(ld, "cidr: \"=\" and \"*.\" apply to names only, not to \"%s\"",
				    quote(q, sizeof(q), p, n));
		return add_cidr(ld, p, n, allow);
	}
	if (tk != TOK_NAME)
		return name_error(ld, p, n, tk, bad);
	return add_domain(ld, p, n, kind, allow);
}

/* ---- directives ------------------------------------------------------ */

static bool ident_ok(const char *s, size_t n)
{
	if (n == 0 || n > BL_IDENT_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ch_is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	}
	return true;
}

static int set_ident(struct loader *ld, const char *dir, const char **cur, const char *v,
		     size_t n)
{
	char q[BL_QUOTE_MAX + 8];
	int ret;

	if (!ident_ok(v, n))
		return fail(ld, "%s: invalid name \"%s\" (1-%d letters, digits, '.', '_' or '-')",
			    dir, quote(q, sizeof(q), v, n), BL_IDENT_MAX);
	if (strcmp(*cur, v) == 0)
		return 0;
	ret = pool_add(ld->bl, v, n, cur);
	if (ret < 0)
		return fail_nomem(ld, ret);
	ld->sec = -1;
	return 0;
}

static int do_directive(struct loader *ld, char *const *tok, const size_t *tl, int ntok)
{
	static const char *const known[] = { "@list", "@category", "@enforce", "@action" };
	char q[BL_QUOTE_MAX + 8];
	struct policy_rule pol = ld->policy;
	const char *d = tok[0];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		if (strcmp(d, known[i]) == 0)
			break;
	}
	if (i == ARRAY_SIZE(known))
		return fail(ld, "unknown directive \"%s\" (@list, @category, @enforce or @action)",
			    quote(q, sizeof(q), d, tl[0]));
	if (ntok < 2)
		return fail(ld, "%s: missing value", d);
	if (ntok > 2)
		return fail(ld, "%s: unexpected \"%s\" after the value", d,
			    quote(q, sizeof(q), tok[2], tl[2]));

	switch (i) {
	case 0:
		return set_ident(ld, d, &ld->list, tok[1], tl[1]);
	case 1:
		return set_ident(ld, d, &ld->category, tok[1], tl[1]);
	case 2:
		if (strcmp(tok[1], "always") == 0)
			pol.enforce_from = POLICY_ALWAYS;
		else if (strcmp(tok[1], "never") == 0)
			pol.enforce_from = POLICY_NEVER;
		else if (time_parse_rfc3339(tok[1], &pol.enforce_from) < 0)
			return fail(ld, "@enforce: invalid date \"%s\" (RFC 3339 such as "
				    "2024-09-29T00:00:00-04:00, \"always\" or \"never\")",
				    quote(q, sizeof(q), tok[1], tl[1]));
		break;
	default:
		if (action_parse(tok[1], &pol.action) < 0)
			return fail(ld, "@action: invalid action \"%s\" (drop, reject or log)",
				    quote(q, sizeof(q), tok[1], tl[1]));
		break;
	}
	if (pol.action != ld->policy.action || pol.enforce_from != ld->policy.enforce_from) {
		ld->policy = pol;
		ld->sec = -1;
	}
	return 0;
}

/* ---- lines and files ------------------------------------------------- */

/*
 * @s holds @len bytes and one writable byte after them.  One pass splits
 * the tokens; a '#' where a token would start (at the start of the line or
 * after blank space) ends the line, a '#' inside a token is part of it.
 */
static int do_line(struct loader *ld, char *s, size_t len)
{
	char *tok[3];
	size_t tl[3], i = 0, start;
	int ntok = 0;

	if (memchr(s, '\0', len))
		return fail(ld, "NUL byte in line");
	if (len && s[len - 1] == '\r')
		len--;
	s[len] = '\0';

	/* Up to three tokens: a third one only ever feeds an error message. */
	while (ntok < 3) {
		while (i < len && (byte_class[(unsigned char)s[i]] & C_SPACE))
			i++;
		if (i == len || s[i] == '#')
			break;
		start = i;
		while (i < len && !(byte_class[(unsigned char)s[i]] & C_SPACE))
			i++;
		tok[ntok] = s + start;
		tl[ntok] = i - start;
		s[i] = '\0';
		ntok++;
		if (i < len)
			i++;
	}
	if (ntok == 0)
		return 0;
	if (tok[0][0] == '@' && tok[0][1] != '@')
		return do_directive(ld, tok, tl, ntok);
	if (ntok > 1) {
		char q1[BL_QUOTE_MAX + 8], q2[BL_QUOTE_MAX + 8];

		return fail(ld, "unexpected \"%s\" after the entry \"%s\" (one entry per line)",
			    quote(q2, sizeof(q2), tok[1], tl[1]),
			    quote(q1, sizeof(q1), tok[0], tl[0]));
	}
	return do_entry(ld, tok[0], tl[0]);
}

/* The default @list: the file name without ".list" (and without e.g. ".off"). */
static size_t stem_len(const char *base)
{
	size_t n = strlen(base);
	const char *dot = strrchr(base, '.');

	if (dot && dot != base && strcmp(dot, ".list") != 0) {
		n = (size_t)(dot - base);
		dot = n > 5 && memcmp(base + n - 5, ".list", 5) == 0 ? base + n - 5 : NULL;
	}
	if (dot && dot != base)
		n = (size_t)(dot - base);
	return n;
}

static int start_file(struct loader *ld, const char *path)
{
	const struct blocklist_defaults *def = ld->def;
	const char *base = strrchr(path, '/');
	const char *cat = def && def->category ? def->category : "default";
	int ret;

	base = base ? base + 1 : path;
	ld->path = path;
	ld->line = 0;
	ld->sec = -1;
	if (def) {
		ld->policy = def->policy;
	} else {
		ld->policy.action = ACTION_DROP;
		ld->policy.enforce_from = POLICY_ALWAYS;
	}
	ret = pool_add(ld->bl, path, strlen(path), &ld->file);
	if (ret == 0)
		ret = pool_add(ld->bl, base, stem_len(base), &ld->list);
	if (ret == 0)
		ret = pool_add(ld->bl, cat, strlen(cat), &ld->category);
	if (ret < 0)
		return fail_nomem(ld, ret);
	ld->bl->files++;
	return 0;
}

static int next_line(struct loader *ld, char *p, size_t len)
{
	ld->line++;
	if (len > BL_LINE_MAX)
		return fail(ld, "line longer than %d bytes", BL_LINE_MAX);
	return do_line(ld, p, len);
}

static int load_fd(struct loader *ld, int fd)
{
	char *buf = ld->buf;
	size_t have = 0, start, len;
	bool eof = false, first = true;
	ssize_t n;
	char *nl;
	int ret;

	while (!eof) {
		n = read(fd, buf + have, BL_BUF - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail_errno(ld, ld->path, errno, "read error");
		}
		eof = n == 0;
		have += (size_t)n;
		start = 0;
		/* A UTF-8 byte order mark is an editor's doing, not content. */
		if (first && (have >= 3 || eof || memchr(buf, '\n', have))) {
			first = false;
			if (have >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
				start = 3;
		}
		while ((nl = memchr(buf + start, '\n', have - start))) {
			len = (size_t)(nl - (buf + start));
			ret = next_line(ld, buf + start, len);
			if (ret < 0)
				return ret;
			start += len + 1;
		}
		/* Too long already, or the last line without a line feed (buf has a spare byte). */
		len = have - start;
		if (len > BL_LINE_MAX || (eof && len))
			return next_line(ld, buf + start, len);
		memmove(buf, buf + start, len);
		have = len;
	}
	return 0;
}

static int load_file(struct loader *ld, const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(ld, path, errno, "cannot open");
	ret = start_file(ld, path);
	if (ret == 0)
		ret = load_fd(ld, fd);
	close(fd);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every "*.list" regular file of @dir, in strcmp() order, not recursive. */
static int load_dir(struct loader *ld, const char *dir)
{
	size_t n = 0, cap = 0, i, nl, dl = strlen(dir);
	const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
	char **paths = NULL;
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return fail_errno(ld, dir, errno, "cannot open directory");
	/* Full paths sort like names: they share the directory prefix. */
	while (ret == 0) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = fail_errno(ld, dir, errno, "cannot read directory");
			break;
		}
		nl = strlen(de->d_name);
		/* "x.list", not ".x.list" (editors' and tools' hidden files) */
		if (de->d_name[0] == '.' || nl <= 5 || strcmp(de->d_name + nl - 5, ".list"))
			continue;
		ret = grow((void **)&paths, &cap, n, sizeof(*paths));
		if (ret == 0 && !(paths[n] = malloc(dl + nl + 2)))
			ret = -ENOMEM;
		if (ret < 0) {
			ld->path = dir;
			ret = fail_nomem(ld, ret);
			break;
		}
		sprintf(paths[n++], "%s%s%s", dir, sep, de->d_name);
	}
	closedir(d);
	if (ret == 0 && n)
		qsort(paths, n, sizeof(*paths), name_cmp);
	for (i = 0; i < n && ret == 0; i++) {
		if (stat(paths[i], &st) < 0)
			ret = fail_errno(ld, paths[i], errno, "cannot open");
		else if (S_ISREG(st.st_mode))
			ret = load_file(ld, paths[i]);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	ld->path = dir;		/* not a freed path */
	return ret;
}

static int load_path(struct loader *ld, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail_errno(ld, path, errno, "cannot open");
	if (S_ISDIR(st.st_mode))
		return load_dir(ld, path);
	if (!S_ISREG(st.st_mode))
		return fail_at(ld->err, path, 0, -EINVAL, "not a regular file or directory");
	return load_file(ld, path);
}

/* ---- finish ---------------------------------------------------------- */

static int build_lists(struct blocklist *bl)
{
	const char **last_file;
	size_t i, j;

	if (!bl->n_sec)
		return 0;
	bl->lists = calloc(bl->n_sec, sizeof(*bl->lists));
	last_file = malloc(bl->n_sec * sizeof(*last_file));
	if (!bl->lists || !last_file) {
		free(last_file);
		return -ENOMEM;
	}
	for (i = 0; i < bl->n_sec; i++) {
		const struct bl_section *s = &bl->sec[i];
		struct bl_list_info *l;

		for (j = 0; j < bl->n_lists; j++) {
			if (strcmp(bl->lists[j].name, s->list) == 0)
				break;
		}
		l = &bl->lists[j];
		if (j == bl->n_lists) {
			bl->n_lists++;
			l->name = s->list;
			last_file[j] = NULL;
		}
		l->domains += s->domains;
		l->exact += s->exact;
		l->cidrs += s->cidrs;
		l->allows += s->allows;
		l->sections++;
		/* A file's sections are contiguous: count each change of file once. */
		if (last_file[j] != s->file) {
			last_file[j] = s->file;
			l->files++;
		}
	}
	free(last_file);
	return 0;
}

static int finish(struct blocklist *bl)
{
	size_t i;
	int ret;

	for (i = 0; i < 2; i++) {
		size_t slots;

		ret = domain_set_finish(bl->dom[i]);
		if (ret < 0)
			return ret;
		ret = cidr_set_finish(bl->net[i]);
		if (ret < 0)
			return ret;
		/* calloc of a large block maps fresh zero pages: only matched rules get backed. */
		slots = domain_set_slots(bl->dom[i]);
		bl->dom_rules[i] = calloc(slots ? slots : 1, sizeof(struct bl_rule));
		if (!bl->dom_rules[i])
			return -ENOMEM;
	}
	if (bl->n_ci) {
		bl->net_rules = calloc(bl->n_ci, sizeof(*bl->net_rules));
		if (!bl->net_rules)
			return -ENOMEM;
	}
	for (i = 0; i < bl->n_ci; i++) {
		const struct cidr_info *c = &bl->ci[i];

		bl->net_rules[i] = (struct bl_rule){
			.text = c->text,
			.section = &bl->sec[c->sec],
			.kind = BL_CIDR,
			.allow = c->allow,
			.line = c->line,
		};
	}
	return build_lists(bl);
}

/* ---- public ---------------------------------------------------------- */

void blocklist_free(struct blocklist *bl)
{
	if (!bl)
		return;
	for (int i = 0; i < 2; i++) {
		domain_set_free(bl->dom[i]);
		cidr_set_free(bl->net[i]);
		free(bl->dom_rules[i]);
	}
	while (bl->pool) {
		struct pool_chunk *c = bl->pool;

		bl->pool = c->next;
		free(c);
	}
	free(bl->net_rules);
	free(bl->ci);
	free(bl->sec);
	free(bl->lists);
	free(bl);
}

int blocklist_load(struct blocklist **out, const char *const *paths, size_t n_paths,
		   const struct blocklist_defaults *defaults, struct bl_error *err)
{
	struct bl_error dummy;
	struct loader ld = { .def = defaults, .sec = -1 };
	struct blocklist *bl;
	int ret = -ENOMEM;

	ld.err = err ? err : &dummy;
	memset(ld.err, 0, sizeof(*ld.err));
	bl = calloc(1, sizeof(*bl));
	ld.buf = malloc(BL_BUF + 1);
	if (!bl || !ld.buf)
		goto nomem;
	ld.bl = bl;
	for (int i = 0; i < 2; i++) {
		bl->dom[i] = domain_set_new();
		bl->net[i] = cidr_set_new();
		if (!bl->dom[i] || !bl->net[i])
			goto nomem;
	}
	for (size_t i = 0; i < n_paths; i++) {
		ret = load_path(&ld, paths[i]);
		if (ret < 0)
			goto out;
	}
	ret = finish(bl);
	if (ret < 0)
		goto nomem;
	free(ld.buf);
	*out = bl;
	return 0;
nomem:
	ret = fail_at(ld.err, NULL, 0, -ENOMEM, "out of memory");
out:
	free(ld.buf);
	blocklist_free(bl);
	return ret;
}

/*
 * The rule of a domain hit, built on first use.  The slot's section
 * pointer doubles as its state: NULL (empty), &busy_section (being filled)
 * or the real section (published with release order, so a reader that sees
 * it also sees the other fields).
 */
static const struct bl_rule *dom_rule(const struct blocklist *bl, int allow,
				      const struct ds_hit *h)
{
	struct bl_rule *r = &bl->dom_rules[allow][h->slot];
	const struct bl_section *sec = __atomic_load_n(&r->section, __ATOMIC_ACQUIRE);
	const struct bl_section *none = NULL;
	struct ds_entry e;

	if (likely(sec && sec != &busy_section))
		return r;
	if (!sec && __atomic_compare_exchange_n(&r->section, &none, &busy_section, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		domain_set_entry(bl->dom[allow], h, &e);
		r->text = e.text;
		r->kind = rule_kind[e.kind];
		r->allow = allow;
		r->line = e.line;
		__atomic_store_n(&r->section, &bl->sec[e.tag], __ATOMIC_RELEASE);
		return r;
	}
	/* Another thread is filling this slot: a few hundred nanoseconds at most. */
	while (__atomic_load_n(&r->section, __ATOMIC_ACQUIRE) == &busy_section)
		;
	return r;
}

bool blocklist_match_name(const struct blocklist *bl, const char *name, size_t len,
			  struct bl_match *m)
{
	struct ds_hit h;

	m->rule = NULL;
	m->allowed_by = NULL;
	if (!domain_set_match(bl->dom[0], name, len, &h))
		return false;
	m->rule = dom_rule(bl, 0, &h);
	/* Exceptions are looked up only for names a block rule covers. */
	if (domain_set_match(bl->dom[1], name, len, &h)) {
		m->allowed_by = dom_rule(bl, 1, &h);
		return false;
	}
	return true;
}

bool blocklist_match_addr(const struct blocklist *bl, const struct addr *a, struct bl_match *m)
{
	uint32_t v;

	m->rule = NULL;
	m->allowed_by = NULL;
	if (!cidr_set_lookup(bl->net[0], a, &v, NULL))
		return false;
	m->rule = &bl->net_rules[v];
	if (cidr_set_lookup(bl->net[1], a, &v, NULL)) {
		m->allowed_by = &bl->net_rules[v];
		return false;
	}
	return true;
}

void blocklist_get_stats(const struct blocklist *bl, struct blocklist_stats *st)
{
	struct ds_stats d[2];
	struct cidr_stats c[2];

	for (int i = 0; i < 2; i++) {
		domain_set_get_stats(bl->dom[i], &d[i]);
		cidr_set_get_stats(bl->net[i], &c[i]);
	}
	*st = (struct blocklist_stats){
		.domains = d[0].by_kind[DS_SUFFIX] + d[0].by_kind[DS_SUBDOMAINS],
		.exact = d[0].by_kind[DS_EXACT],
		.cidrs = c[0].entries,
		.allows = d[1].entries + c[1].entries,
		.sections = bl->n_sec,
		.files = bl->files,
		.duplicates = d[0].duplicates + d[1].duplicates + c[0].duplicates + c[1].duplicates,
		.lists = bl->n_lists,
		.bytes = sizeof(*bl) + d[0].bytes + d[1].bytes + c[0].bytes + c[1].bytes +
			 bl->pool_bytes + bl->cap_sec * sizeof(*bl->sec) +
			 bl->cap_ci * sizeof(*bl->ci) + bl->n_ci * sizeof(*bl->net_rules) +
			 bl->n_sec * sizeof(*bl->lists),
	};
}

size_t blocklist_n_sections(const struct blocklist *bl)
{
	return bl->n_sec;
}

const struct bl_section *blocklist_section(const struct blocklist *bl, size_t i)
{
	return i < bl->n_sec ? &bl->sec[i] : NULL;
}

size_t blocklist_n_lists(const struct blocklist *bl)
{
	return bl->n_lists;
}

const struct bl_list_info *blocklist_list(const struct blocklist *bl, size_t i)
{
	return i < bl->n_lists ? &bl->lists[i] : NULL;
}
