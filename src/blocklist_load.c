// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blocklist_load.c - read list files into a struct blocklist: the loader
 * behind blocklist_load() and blocklist_load_sources() (contract and file
 * format in blocklist.h, man page embargo-blocklist(5)).
 *
 * Loading follows the init/line/finish shape: each file is read in
 * fixed-size chunks (through zlib when it is gzip-compressed), its format
 * detected from the first chunk, and every line handed to the parser of
 * that format: the native one below, those of list_formats.c, or rpz.c
 * (which joins the lines of a record and hands it to ldns).  Every parser
 * ends in add_token(), through the struct lf_sink callbacks for the
 * foreign ones, so that a name or prefix is checked the same way whatever
 * file it came from.  Nothing is kept of a file once read, so a list of a
 * million names needs its index and a 64 KiB buffer, not a copy of the
 * file.
 *
 * The parser is strict: every line is a directive, an entry, a comment or
 * blank, and anything else stops the load with "file:line: field: what".
 * A list that loads with a typo would quietly not block what its author
 * meant, which is worse for a filter than refusing to start.  In lint mode
 * (bl_options.keep_going) the same errors are reported and skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blocklist_int.h"
#include "list_formats.h"
#include "name.h"
#include "rpz.h"
#include "util.h"

#define BL_BUF (64 * 1024)		/* read chunk; must exceed BL_LINE_MAX */
#define BL_IDENT_MAX 64			/* @list / @category value */
#define SEC_NONE (-1)			/* no section yet since a directive */
#define SEC_OFF (-2)			/* the section in force is switched off */

struct skip_count {
	size_t n;
	unsigned first;			/* line of the first one */
};

struct loader {
	struct blocklist *bl;
	struct bl_error *err;
	const struct bl_options *opt;
	const struct bl_source *src;
	const char *path;
	unsigned line;
	const char *file, *list, *category;	/* values in force, in the pool */
	char *buf;			/* BL_BUF + 1 bytes: the read chunk */
	struct policy_rule policy;
	long sec;			/* section in force, or SEC_NONE / SEC_OFF */
	enum bl_format fmt;		/* of the file being read */
	struct skip_count skips[LF_SKIP_N];
	struct lf_sink sink;
	struct rpz *rpz;		/* the zone parser, for an RPZ file */
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

static void report(const struct loader *ld, enum bl_severity sev, const char *file,
		   unsigned line, const char *msg)
{
	const struct bl_diag d = { .severity = sev, .file = file, .line = line, .msg = msg };

	if (ld->opt->report)
		ld->opt->report(ld->opt->report_ctx, &d);
}

/*
 * A syntax error at @line of the current file: it stops the load, or in
 * lint mode is reported and the line skipped (0).
 */
ATTR_PRINTF(3, 4) static int line_error(struct loader *ld, unsigned line, const char *fmt, ...)
{
	char msg[sizeof(ld->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->opt->keep_going) {
		report(ld, BL_ERROR, ld->path, line, msg);
		return 0;
	}
	return fail_at(ld->err, ld->path, line, -EINVAL, "%s", msg);
}

/* A syntax error at the current line: the message names the field. */
#define fail(ld, ...) line_error((ld), (ld)->line, __VA_ARGS__)

/* A file that cannot be opened or read: fatal, except to lint, which goes on. */
static int io_error(struct loader *ld, const char *path, int ret, const char *msg)
{
	if (ld->opt->keep_going && ret != -ENOMEM) {
		report(ld, BL_ERROR, path, 0, msg);
		return 0;
	}
	return fail_at(ld->err, path, 0, ret, "%s", msg);
}

static int fail_errno(struct loader *ld, const char *path, int e, const char *what)
{
	char msg[sizeof(ld->err->msg)];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(e));
	return io_error(ld, path, -e, msg);
}

static int fail_nomem(struct loader *ld, int ret)
{
	if (ret == -E2BIG)
		return fail_at(ld->err, ld->path, ld->line, ret, "too many entries");
	return fail_at(ld->err, ld->path, ld->line, -ENOMEM, "out of memory");
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

/* A note kept in the blocklist (its strings in the pool) and reported. */
static int add_note(struct loader *ld, enum bl_severity sev, unsigned line, const char *msg)
{
	struct blocklist *bl = ld->bl;
	const char *m;

	if (grow((void **)&bl->notes, &bl->cap_notes, bl->n_notes, sizeof(*bl->notes)) < 0 ||
	    pool_add(bl, msg, strlen(msg), &m) < 0)
		return fail_nomem(ld, -ENOMEM);
	bl->notes[bl->n_notes++] = (struct bl_diag){
		.severity = sev, .file = ld->file, .line = line, .msg = m,
	};
	report(ld, sev, ld->file, line, msg);
	return 0;
}

/* A switch names @list, or @list/@cat (when @cat is not NULL). */
static bool switch_names(const char *sel, const char *list, const char *cat)
{
	size_t ll = strlen(list);

	if (strcmp(sel, list) == 0)
		return true;
	return cat && strncmp(sel, list, ll) == 0 && sel[ll] == '/' &&
	       strcmp(sel + ll + 1, cat) == 0;
}

static bool switched(const char *const *sel, size_t n, const char *list, const char *cat)
{
	for (size_t i = 0; i < n; i++) {
		if (switch_names(sel[i], list, cat))
			return true;
	}
	return false;
}

/*
 * The section for the next entry: the current one, or a new one after a
 * change.  Returns 0, 1 when the list in force is switched off (the entry
 * is not loaded), or -E2BIG / -ENOMEM.
 */
static int section(struct loader *ld, uint32_t *idx)
{
	struct blocklist *bl = ld->bl;

	if (ld->sec >= 0) {
		*idx = (uint32_t)ld->sec;
		return 0;
	}
	if (ld->sec == SEC_OFF || switched(ld->opt->off, ld->opt->n_off, ld->list, ld->category)) {
		ld->sec = SEC_OFF;
		bl->off++;
		return 1;
	}
	if (bl->n_sec >= UINT32_MAX)
		return -E2BIG;
	if (grow((void **)&bl->sec, &bl->cap_sec, bl->n_sec, sizeof(*bl->sec)) < 0)
		return -ENOMEM;
	bl->sec[bl->n_sec] = (struct bl_section){
		.list = ld->list, .category = ld->category, .file = ld->file,
		.policy = ld->policy, .format = ld->fmt,
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
	char q[LF_QUOTE_SIZE];

	lf_quote(q, sizeof(q), p, n);
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

/*
 * A name scan_token() accepted: letters, digits, '-', '_' and dots only,
 * labels of 1-63 bytes.  Its canonical form (name.h) is then just lower
 * case without the final dot, made here without a copy in the usual case
 * of a list already in lower case.
 */
static int add_domain(struct loader *ld, const char *p, size_t n, enum ds_kind kind,
		      bool allow)
{
	char canon[NAME_MAX_WIRE + 1];
	const char *name = p;
	struct bl_section *s;
	size_t clen = n;
	uint32_t sec;
	int ret;

	if (clen && p[clen - 1] == '.')
		clen--;
	for (size_t i = 0; i < clen; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z') {
			for (i = 0; i < clen; i++)
				canon[i] = (char)ch_lower(p[i]);
			name = canon;
			break;
		}
	}
	ret = section(ld, &sec);
	if (ret == 1)
		return 0;
	if (ret == 0)
		ret = domain_set_add(ld->bl->dom[allow], kind, name, clen, sec, ld->line);
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
	char q[LF_QUOTE_SIZE], text[CIDR_STRLEN];
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
			    "(0-32 for IPv4, 0-128 for IPv6)", lf_quote(q, sizeof(q), p, n));
	if (ret < 0)
		return fail(ld, "cidr: invalid address in \"%s\"", lf_quote(q, sizeof(q), p, n));
	if (cidr_set_host_bits(&net, plen)) {
		struct addr m = net;

		cidr_set_mask(&m, plen);
		return fail(ld, "cidr: host bits set in \"%s\" (the network is %s)",
			    lf_quote(q, sizeof(q), p, n),
			    cidr_set_format(&m, plen, text, sizeof(text)));
	}
	cidr_set_format(&net, plen, text, sizeof(text));

	ret = section(ld, &sec);
	if (ret == 1)
		return 0;
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

/* One name or address of any format, checked and added; @want restricts it. */
static int add_token(struct loader *ld, const char *p, size_t n, enum ds_kind kind, bool allow,
		     enum lf_want want)
{
	char q[LF_QUOTE_SIZE];
	enum tok_kind tk;
	size_t bad = 0;

	tk = scan_token(p, n, &bad);
	if (tk == TOK_NET) {
		if (want == LF_NAME)
			return fail(ld, "domain: \"%s\" is an address, not a name",
				    lf_quote(q, sizeof(q), p, n));
		if (kind != DS_SUFFIX)
			return fail(ld, "cidr: \"=\" and \"*.\" apply to names only, not to \"%s\"",
				    lf_quote(q, sizeof(q), p, n));
		return add_cidr(ld, p, n, allow);
	}
	if (want == LF_NET)
		return fail(ld, "cidr: \"%s\" is not an address or prefix",
			    lf_quote(q, sizeof(q), p, n));
	if (tk != TOK_NAME)
		return name_error(ld, p, n, tk, bad);
	return add_domain(ld, p, n, kind, allow);
}

/*
 * One native entry token:  [@@] ( [=|*.]name | address[/len] )
 */
static int do_entry(struct loader *ld, const char *p, size_t n)
{
	enum ds_kind kind = DS_SUFFIX;
	bool allow = false;

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
	return add_token(ld, p, n, kind, allow, LF_ANY);
}

/* ---- the sink the other formats write to ------------------------------ */

static int sink_entry(void *ctx, unsigned line, const char *tok, size_t len, enum ds_kind kind,
		      bool allow, enum lf_want want)
{
	struct loader *ld = ctx;

	ld->line = line;
	return add_token(ld, tok, len, kind, allow, want);
}

static int sink_error(void *ctx, unsigned line, const char *msg)
{
	return line_error(ctx, line, "%s", msg);
}

static void sink_skip(void *ctx, unsigned line, enum lf_skip why)
{
	struct loader *ld = ctx;
	struct skip_count *c = &ld->skips[why];

	if (c->n++ == 0)
		c->first = line;
	ld->bl->skipped++;
}

/* At the end of a file: one warning per kind of rule skipped, at the first one. */
static int flush_skips(struct loader *ld)
{
	char msg[256];
	int ret = 0;

	for (unsigned i = 0; i < LF_SKIP_N && ret == 0; i++) {
		struct skip_count *c = &ld->skips[i];

		if (!c->n)
			continue;
		snprintf(msg, sizeof(msg), "%s: %zu skipped, the first on this line "
			 "(only domain and address rules are loaded)",
			 lf_skip_what((enum lf_skip)i), c->n);
		ret = add_note(ld, BL_WARNING, c->first, msg);
	}
	memset(ld->skips, 0, sizeof(ld->skips));
	return ret;
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
	char q[LF_QUOTE_SIZE];
	int ret;

	if (!ident_ok(v, n))
		return fail(ld, "%s: invalid name \"%s\" (1-%d letters, digits, '.', '_' or '-')",
			    dir, lf_quote(q, sizeof(q), v, n), BL_IDENT_MAX);
	if (strcmp(*cur, v) == 0)
		return 0;
	ret = pool_add(ld->bl, v, n, cur);
	if (ret < 0)
		return fail_nomem(ld, ret);
	ld->sec = SEC_NONE;
	return 0;
}

static int do_directive(struct loader *ld, char *const *tok, const size_t *tl, int ntok)
{
	static const char *const known[] = { "@list", "@category", "@enforce", "@action" };
	char q[LF_QUOTE_SIZE];
	struct policy_rule pol = ld->policy;
	const char *d = tok[0];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		if (strcmp(d, known[i]) == 0)
			break;
	}
	if (i == ARRAY_SIZE(known))
		return fail(ld, "unknown directive \"%s\" (@list, @category, @enforce or @action)",
			    lf_quote(q, sizeof(q), d, tl[0]));
	if (ntok < 2)
		return fail(ld, "%s: missing value", d);
	if (ntok > 2)
		return fail(ld, "%s: unexpected \"%s\" after the value", d,
			    lf_quote(q, sizeof(q), tok[2], tl[2]));

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
				    lf_quote(q, sizeof(q), tok[1], tl[1]));
		break;
	default:
		if (action_parse(tok[1], &pol.action) < 0)
			return fail(ld, "@action: invalid action \"%s\" (drop, reject or log)",
				    lf_quote(q, sizeof(q), tok[1], tl[1]));
		break;
	}
	if (pol.action != ld->policy.action || pol.enforce_from != ld->policy.enforce_from) {
		ld->policy = pol;
		ld->sec = SEC_NONE;
	}
	return 0;
}

/* ---- lines and files ------------------------------------------------- */

/*
 * A native line, NUL-terminated.  One pass splits the tokens; a '#' where
 * a token would start (at the start of the line or after blank space) ends
 * the line, a '#' inside a token is part of it.
 */
static int native_line(struct loader *ld, char *s, size_t len)
{
	char *tok[3];
	size_t tl[3], i = 0, start;
	int ntok = 0;

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
		char q1[LF_QUOTE_SIZE], q2[LF_QUOTE_SIZE];

		return fail(ld, "unexpected \"%s\" after the entry \"%s\" (one entry per line)",
			    lf_quote(q2, sizeof(q2), tok[1], tl[1]),
			    lf_quote(q1, sizeof(q1), tok[0], tl[0]));
	}
	return do_entry(ld, tok[0], tl[0]);
}

/* @s holds @len bytes and one writable byte after them. */
static int do_line(struct loader *ld, char *s, size_t len)
{
	if (memchr(s, '\0', len))
		return fail(ld, "NUL byte in line");
	if (len && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	switch (ld->fmt) {
	case BL_FORMAT_HOSTS:
		return lf_hosts_line(&ld->sink, ld->line, s, len);
	case BL_FORMAT_ADBLOCK:
		return lf_adblock_line(&ld->sink, ld->line, s, len);
	case BL_FORMAT_CIDR:
		return lf_cidr_line(&ld->sink, ld->line, s, len);
	case BL_FORMAT_RPZ:
		return rpz_line(ld->rpz, ld->line, s, len);
	case BL_FORMAT_AUTO:
	case BL_FORMAT_NATIVE:
		break;
	}
	return native_line(ld, s, len);
}

/* The default @list: the file name without ".list" (and without e.g. ".off" or ".gz"). */
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

/* Is the file at @path switched off by its stem? */
static bool stem_off(const struct loader *ld, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = stem_len(base);
	for (size_t i = 0; i < ld->opt->n_off; i++) {
		if (strlen(ld->opt->off[i]) == n && memcmp(ld->opt->off[i], base, n) == 0)
			return true;
	}
	return false;
}

static int start_file(struct loader *ld, const char *path)
{
	const struct blocklist_defaults *def = ld->opt->defaults;
	const struct bl_source *src = ld->src;
	const char *base = strrchr(path, '/');
	const char *cat = def && def->category ? def->category : "default";
	int ret;

	base = base ? base + 1 : path;
	ld->path = path;
	ld->line = 0;
	ld->sec = SEC_NONE;
	if (src->policy) {
		ld->policy = *src->policy;
	} else if (def) {
		ld->policy = def->policy;
	} else {
		ld->policy.action = ACTION_DROP;
		ld->policy.enforce_from = POLICY_ALWAYS;
	}
	if (src->category)
		cat = src->category;
	ret = pool_add(ld->bl, path, strlen(path), &ld->file);
	if (ret == 0 && src->list)
		ret = pool_add(ld->bl, src->list, strlen(src->list), &ld->list);
	else if (ret == 0)
		ret = pool_add(ld->bl, base, stem_len(base), &ld->list);
	if (ret == 0)
		ret = pool_add(ld->bl, cat, strlen(cat), &ld->category);
	if (ret == 0)
		ret = grow((void **)&ld->bl->files, &ld->bl->cap_files, ld->bl->n_files,
			   sizeof(*ld->bl->files));
	if (ret < 0)
		return fail_nomem(ld, ret);
	ld->bl->files[ld->bl->n_files++] = ld->file;
	return 0;
}

static int next_line(struct loader *ld, char *p, size_t len)
{
	ld->line++;
	if (len > BL_LINE_MAX)
		return fail(ld, "line longer than %d bytes", BL_LINE_MAX);
	return do_line(ld, p, len);
}

static int read_more(struct loader *ld, struct lf_reader *r, size_t *have, bool *eof)
{
	ssize_t n = lf_read(r, ld->buf + *have, BL_BUF - *have);

	int ret;

	if (n < 0) {
		ret = io_error(ld, ld->path, -EIO, r->msg);
		return ret < 0 ? ret : 1;	/* lint: the rest of the file is lost */
	}
	*eof = n == 0;
	*have += (size_t)n;
	return 0;
}

static int load_stream(struct loader *ld, struct lf_reader *r, enum bl_format fmt)
{
	char *buf = ld->buf, *nl;
	size_t have = 0, start = 0, len;
	bool eof = false, skipping = false;
	int ret = 0;

	/* The first chunk whole: detection reads its lines. */
	while (ret == 0 && !eof && have < BL_BUF)
		ret = read_more(ld, r, &have, &eof);
	if (ret)
		return ret < 0 ? ret : 0;
	/* A UTF-8 byte order mark is an editor's doing, not content. */
	if (have >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	ld->fmt = fmt != BL_FORMAT_AUTO ? fmt : lf_detect(buf + start, have - start);
	if (ld->fmt == BL_FORMAT_RPZ && !(ld->rpz = rpz_new(&ld->sink)))
		return fail_nomem(ld, -ENOMEM);
	for (;;) {
		while ((nl = memchr(buf + start, '\n', have - start))) {
			len = (size_t)(nl - (buf + start));
			if (!skipping)
				ret = next_line(ld, buf + start, len);
			skipping = false;
			if (ret < 0)
				return ret;
			start += len + 1;
		}
		/* Too long already, or the last line without a line feed (buf has a spare byte). */
		len = have - start;
		if (!skipping && (len > BL_LINE_MAX || (eof && len))) {
			ret = next_line(ld, buf + start, len);
			if (ret < 0 || eof)
				return ret;
			skipping = true;	/* lint: drop the rest of the long line */
		}
		if (eof)
			return 0;
		if (skipping)
			len = 0;
		memmove(buf, buf + start, len);
		have = len;
		start = 0;
		ret = read_more(ld, r, &have, &eof);
		if (ret)
			return ret < 0 ? ret : 0;
	}
}

static int load_file(struct loader *ld, const char *path)
{
	struct lf_reader r;
	size_t hint = 0;
	int ret;

	if (stem_off(ld, path))
		return 0;
	ret = start_file(ld, path);
	if (ret < 0)
		return ret;
	ret = lf_open(&r, path, &hint);
	if (ret < 0)
		return io_error(ld, ld->file, ret, r.msg);
	/* Room for the whole file at once; only a hint, so failing is fine. */
	domain_set_reserve(ld->bl->dom[0], hint);
	ret = load_stream(ld, &r, ld->src->format);
	if (ret == 0 && ld->rpz)
		ret = rpz_end(ld->rpz);
	if (ret == -ENOMEM)
		ret = fail_nomem(ld, ret);
	rpz_free(ld->rpz);
	ld->rpz = NULL;
	if (ret == 0)
		ret = flush_skips(ld);
	lf_close(&r);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n > sl && memcmp(s + n - sl, suffix, sl) == 0;
}

/* "x.list", "x.list.gz", and "x.list.off" when bl_options.on names x. */
static bool dir_wants(const struct loader *ld, const char *name, size_t n)
{
	if (name[0] == '.')	/* ".x.list": editors' and tools' hidden files */
		return false;
	if (ends_with(name, n, ".list") || ends_with(name, n, ".list.gz"))
		return true;
	if (!ends_with(name, n, ".list.off"))
		return false;
	for (size_t i = 0; i < ld->opt->n_on; i++) {
		if (strlen(ld->opt->on[i]) == n - 9 && memcmp(ld->opt->on[i], name, n - 9) == 0)
			return true;
	}
	return false;
}

/* Every list file of @dir, in strcmp() order, not recursive. */
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
		if (!dir_wants(ld, de->d_name, nl))
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

	/* A path that cannot be looked up is a file that cannot be opened. */
	if (stat(path, &st) < 0)
		return load_file(ld, path);
	if (S_ISDIR(st.st_mode))
		return load_dir(ld, path);
	if (!S_ISREG(st.st_mode))
		return io_error(ld, path, -EINVAL, "not a regular file or directory");
	return load_file(ld, path);
}

/* Source names given by the caller follow the @list / @category syntax. */
static int check_sources(const struct bl_source *src, size_t n, struct bl_error *err)
{
	char q[LF_QUOTE_SIZE];

	for (size_t i = 0; i < n; i++) {
		const char *bad = src[i].list && !ident_ok(src[i].list, strlen(src[i].list)) ?
				  src[i].list : NULL;

		if (!bad && src[i].category && !ident_ok(src[i].category, strlen(src[i].category)))
			bad = src[i].category;
		if (bad)
			return fail_at(err, src[i].path, 0, -EINVAL,
				       "invalid list or category name \"%s\" (1-%d letters, "
				       "digits, '.', '_' or '-')",
				       lf_quote(q, sizeof(q), bad, strlen(bad)), BL_IDENT_MAX);
		if ((unsigned)src[i].format > BL_FORMAT_CIDR)
			return fail_at(err, src[i].path, 0, -EINVAL, "invalid format");
	}
	return 0;
}

int blocklist_read_sources(struct blocklist *bl, const struct bl_source *src, size_t n,
			   const struct bl_options *opt, struct bl_error *err)
{
	struct loader ld = { .bl = bl, .err = err, .opt = opt, .sec = SEC_NONE };
	int ret = check_sources(src, n, err);

	if (ret < 0)
		return ret;
	ld.sink = (struct lf_sink){
		.entry = sink_entry, .error = sink_error, .skip = sink_skip, .ctx = &ld,
	};
	ld.buf = malloc(BL_BUF + 1);
	if (!ld.buf)
		return fail_at(err, NULL, 0, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (src[i].off)
			continue;
		ld.src = &src[i];
		ret = load_path(&ld, src[i].path);
	}
	free(ld.buf);
	return ret;
}
