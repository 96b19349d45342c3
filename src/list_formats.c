// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list_formats.c - hosts files, Adblock-style domain rules and CIDR lists
 * read line by line into a struct lf_sink; format detection; plain and
 * gzip-compressed file reading (contract in list_formats.h).
 *
 * Each parser takes one line (without its line feed) and hands every rule
 * to the sink, which checks names and addresses exactly as the native
 * format does.  Rules that are valid in their format but are not domain or
 * address rules are counted through skip(), never silently dropped, so
 * that lint and the start-up log can say how much of a list was ignored.
 *
 * References: hosts(5); Adblock Plus filter syntax ("How to write filters",
 * adblockplus.org) and AdGuard's DNS filtering syntax, of which only the
 * domain-anchored "||name^" form is a pure domain rule; RFC 1952 §2.3.1
 * (gzip member header: ID1 = 0x1f, ID2 = 0x8b; ISIZE trailer).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "addr.h"
#include "cidr_set.h"
#include "list_formats.h"
#include "util.h"

#define LF_QUOTE_MAX 64
#define LF_GZ_BUF (64 * 1024)		/* zlib input buffer */
#define LF_DETECT_LINES 1000

/* ---- helpers ----------------------------------------------------------- */

int lf_error(const struct lf_sink *s, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return s->error(s->ctx, line, msg);
}

const char *lf_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < size; i++) {
		if (i == LF_QUOTE_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	}
	buf[n] = '\0';
	return buf;
}

const char *lf_skip_what(enum lf_skip why)
{
	static const char *const what[LF_SKIP_N] = {
		[LF_SKIP_COSMETIC] = "Adblock element-hiding rule",
		[LF_SKIP_OPTIONS] = "Adblock rule with $options",
		[LF_SKIP_PATTERN] = "Adblock URL-pattern rule (not ||name^)",
		[LF_SKIP_HOSTS_ADDR] = "hosts line mapping names to a real address",
		[LF_SKIP_RPZ_LOCAL] = "RPZ local-data record",
		[LF_SKIP_RPZ_TRIGGER] = "RPZ client-IP, NSDNAME or NSIP trigger",
		[LF_SKIP_RPZ_TCP] = "RPZ rpz-tcp-only action",
	};

	return (unsigned)why < LF_SKIP_N ? what[why] : "rule";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next blank-separated token of @text from *@i, NUL-terminated in
 * place; a '#' (or @comment2, if not NUL) where a token would start ends
 * the line.  Returns the token, or NULL at the end.
 */
static char *next_token(char *text, size_t len, size_t *i, size_t *n, char comment2)
{
	size_t start;

	while (*i < len && is_blank(text[*i]))
		(*i)++;
	if (*i == len || text[*i] == '#' || (comment2 && text[*i] == comment2))
		return NULL;
	start = *i;
	while (*i < len && !is_blank(text[*i]))
		(*i)++;
	*n = *i - start;
	text[*i] = '\0';
	if (*i < len)
		(*i)++;
	return text + start;
}

/* Strip leading and trailing blanks: returns the start, sets *@n. */
static char *trim(char *text, size_t len, size_t *n)
{
	while (len && is_blank(*text)) {
		text++;
		len--;
	}
	while (len && is_blank(text[len - 1]))
		len--;
	text[len] = '\0';
	*n = len;
	return text;
}

static bool ci_eq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++) {
		if (ch_lower((unsigned char)a[i]) != b[i])
			return false;
	}
	return i == n && b[i] == '\0';
}

static bool ci_prefix(const char *a, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && ci_eq(a, pl, prefix);
}

/* ---- hosts(5) ----------------------------------------------------------- */

/* Names every stock hosts file carries for loopback and multicast: not rules. */
static bool hosts_local_name(const char *s, size_t n)
{
	static const char *const names[] = {
		"localhost", "localhost.localdomain", "local", "broadcasthost",
		"localhost4", "localhost4.localdomain4", "localhost6", "localhost6.localdomain6",
		"ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix",
		"ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (ci_eq(s, n, names[i]))
			return true;
	}
	return false;
}

/*
 * 0.0.0.0, 127.0.0.1, :: and ::1: the addresses blocking hosts files point
 * names at.  Not all of 127/8: Debian's own /etc/hosts maps the machine's
 * name to 127.0.1.1, which is a local name, not a block.
 */
static bool hosts_sink_addr(const struct addr *a)
{
	static const uint8_t zero[16], lo4[4] = { 127, 0, 0, 1 };

	if (a->af == AF_INET)
		return memcmp(a->a, zero, 4) == 0 || memcmp(a->a, lo4, 4) == 0;
	return memcmp(a->a, zero, 15) == 0 && (a->a[15] == 0 || a->a[15] == 1);
}

int lf_hosts_line(const struct lf_sink *s, unsigned line, char *text, size_t len)
{
	char q[LF_QUOTE_SIZE];
	size_t i = 0, n = 0, names = 0;
	char *tok, *pct;
	struct addr a;
	bool sink;
	int ret;

	tok = next_token(text, len, &i, &n, 0);
	if (!tok)
		return 0;
	/* A link-local address may carry a zone ("fe80::1%lo0"): it names no address family. */
	pct = strchr(tok, '%');
	if (pct)
		*pct = '\0';
	if (addr_parse(tok, &a) < 0)
		return lf_error(s, line, "hosts: \"%s\" is not an address "
				"(a hosts line is ADDRESS NAME...)",
				lf_quote(q, sizeof(q), tok, n));
	sink = hosts_sink_addr(&a);
	while ((tok = next_token(text, len, &i, &n, 0))) {
		names++;
		if (hosts_local_name(tok, n))
			continue;
		if (!sink) {
			s->skip(s->ctx, line, LF_SKIP_HOSTS_ADDR);
			return 0;
		}
		ret = s->entry(s->ctx, line, tok, n, DS_SUFFIX, false, LF_NAME);
		if (ret < 0)
			return ret;
	}
	if (names == 0)
		return lf_error(s, line, "hosts: no name after the address");
	return 0;
}

/* ---- Adblock ------------------------------------------------------------ */

/* Element hiding and scriptlet separators (Adblock Plus, uBlock Origin, AdGuard). */
static bool adblock_cosmetic(const char *s)
{
	static const char *const seps[] = {
		"##", "#@#", "#?#", "#@?#", "#$#", "#@$#", "#%#", "#@%#", "$$", "$@$",
	};

	for (size_t i = 0; i < ARRAY_SIZE(seps); i++) {
		if (strstr(s, seps[i]))
			return true;
	}
	return false;
}

int lf_adblock_line(const struct lf_sink *s, unsigned line, char *text, size_t len)
{
	size_t n, nl;
	char *p = trim(text, len, &n), *caret, *name;
	bool allow = false;

	if (n == 0 || p[0] == '!' || (p[0] == '[' && p[n - 1] == ']'))
		return 0;
	if (adblock_cosmetic(p)) {
		s->skip(s->ctx, line, LF_SKIP_COSMETIC);
		return 0;
	}
	/* "# text" is a comment in AdGuard and hosts-style lists ("##" was cosmetic). */
	if (p[0] == '#')
		return 0;
	if (p[0] == '@' && p[1] == '@') {
		allow = true;
		p += 2;
		n -= 2;
	}
	if (n < 2 || p[0] != '|' || p[1] != '|') {
		s->skip(s->ctx, line, LF_SKIP_PATTERN);
		return 0;
	}
	name = p + 2;
	caret = strchr(name, '^');
	/* "||name^" or "||name^|"; "$" anywhere makes it an option rule. */
	if (caret && strchr(caret, '$')) {
		s->skip(s->ctx, line, LF_SKIP_OPTIONS);
		return 0;
	}
	if (!caret || (caret[1] && strcmp(caret + 1, "|") != 0)) {
		s->skip(s->ctx, line, strchr(name, '$') ? LF_SKIP_OPTIONS : LF_SKIP_PATTERN);
		return 0;
	}
	nl = (size_t)(caret - name);
	/* Wildcards, paths and ports make a URL pattern, not a name. */
	if (nl == 0 || memchr(name, '*', nl) || memchr(name, '/', nl) || memchr(name, ':', nl)) {
		s->skip(s->ctx, line, LF_SKIP_PATTERN);
		return 0;
	}
	return s->entry(s->ctx, line, name, nl, DS_SUFFIX, allow, LF_ANY);
}

/* ---- CIDR lists --------------------------------------------------------- */

int lf_cidr_line(const struct lf_sink *s, unsigned line, char *text, size_t len)
{
	char q1[LF_QUOTE_SIZE], q2[LF_QUOTE_SIZE];
	size_t i = 0, n = 0, n2 = 0, end;
	char *tok, *extra;
	int ret;

	/* A ';' may follow the prefix without a blank ("192.0.2.0/24;SBL1"). */
	end = strcspn(text, ";");
	if (end > len)
		end = len;
	tok = next_token(text, end, &i, &n, ';');
	if (!tok)
		return 0;
	ret = s->entry(s->ctx, line, tok, n, DS_SUFFIX, false, LF_NET);
	if (ret < 0)
		return ret;
	extra = next_token(text, end, &i, &n2, ';');
	if (extra)
		return lf_error(s, line, "cidr: unexpected \"%s\" after \"%s\" "
				"(one address or prefix a line)",
				lf_quote(q2, sizeof(q2), extra, n2),
				lf_quote(q1, sizeof(q1), tok, n));
	return 0;
}

/* ---- detection ---------------------------------------------------------- */

static bool looks_like_net(const char *t, size_t n)
{
	struct addr a;
	unsigned plen;
	int ret = cidr_set_parse(t, n, &a, &plen);

	return ret == 0 || ret == -ERANGE;
}

/* Zone file classes and the types an RPZ uses (RFC 1035 §5.1 record syntax). */
static bool zone_keyword(const char *t, size_t n)
{
	static const char *const kw[] = {
		"in", "ch", "hs", "soa", "ns", "cname", "a", "aaaa", "txt", "dname", "mx", "ptr",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++) {
		if (ci_eq(t, n, kw[i]))
			return true;
	}
	return false;
}

/* The verdict of one line: BL_FORMAT_AUTO if it does not tell. */
static enum bl_format detect_line(char *p, size_t n, bool *semi)
{
	char *tok[4];
	size_t tl[4], i = 0;
	int ntok = 0;

	if (p[0] == '!' || ci_prefix(p, n, "[adblock") || ci_prefix(p, n, "[adguard") ||
	    ci_prefix(p, n, "||") || ci_prefix(p, n, "@@||") || ci_prefix(p, n, "##"))
		return BL_FORMAT_ADBLOCK;
	if (p[0] == '$')
		return BL_FORMAT_RPZ;
	if (p[0] == ';') {
		*semi = true;
		return BL_FORMAT_AUTO;
	}
	if (p[0] == '#')
		return BL_FORMAT_AUTO;
	if (p[0] == '@' && p[1] != '@')
		return n == 1 || is_blank(p[1]) ? BL_FORMAT_RPZ : BL_FORMAT_NATIVE;
	while (ntok < 4 && (tok[ntok] = next_token(p, n, &i, &tl[ntok], 0)))
		ntok++;
	if (ntok >= 2 && !memchr(tok[0], '/', tl[0]) && looks_like_net(tok[0], tl[0]) &&
	    tok[1][0] != ';')
		return BL_FORMAT_HOSTS;
	for (int k = 1; k < ntok; k++) {
		if (zone_keyword(tok[k], tl[k]))
			return BL_FORMAT_RPZ;
	}
	if (ntok >= 1) {
		size_t cut = strcspn(tok[0], ";");

		if (looks_like_net(tok[0], cut) &&
		    (cut < tl[0] || (ntok >= 2 && tok[1][0] == ';') || *semi))
			return BL_FORMAT_CIDR;
	}
	return ntok ? BL_FORMAT_NATIVE : BL_FORMAT_AUTO;
}

enum bl_format lf_detect(const char *buf, size_t len)
{
	char line[512];
	size_t i = 0;
	bool semi = false;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (unsigned k = 0; i < len && k < LF_DETECT_LINES; k++) {
		const char *l = buf + i, *nl = memchr(l, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - l) : len - i, n;
		enum bl_format f;
		char *p;

		i += ll + 1;
		/* A working copy: detection only needs the first few tokens. */
		if (ll >= sizeof(line))
			ll = sizeof(line) - 1;
		memcpy(line, l, ll);
		if (ll && line[ll - 1] == '\r')
			ll--;
		p = trim(line, ll, &n);
		if (n == 0)
			continue;
		f = detect_line(p, n, &semi);
		if (f != BL_FORMAT_AUTO)
			return f;
	}
	/* Only comments: ';' ones are not comments in the native format. */
	return semi ? BL_FORMAT_CIDR : BL_FORMAT_NATIVE;
}

/* ---- reading ------------------------------------------------------------ */

int lf_open(struct lf_reader *r, const char *path, size_t *size_hint)
{
	unsigned char m[4];
	struct stat st;
	int e;

	memset(r, 0, sizeof(*r));
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) < 0)
		goto fail;
	if (size_hint)
		*size_hint = (size_t)st.st_size;
	/* RFC 1952 §2.3.1: a member starts with ID1 0x1f, ID2 0x8b. */
	if (pread(r->fd, m, 2, 0) != 2 || m[0] != 0x1f || m[1] != 0x8b)
		return 0;
	/* ISIZE, the last 4 bytes: the uncompressed size modulo 2^32 (little-endian). */
	if (size_hint && st.st_size >= 18 && pread(r->fd, m, 4, st.st_size - 4) == 4)
		*size_hint = (size_t)m[0] | (size_t)m[1] << 8 | (size_t)m[2] << 16 |
			     (size_t)m[3] << 24;
	r->gz = gzdopen(r->fd, "rb");
	if (!r->gz) {
		e = errno ? errno : ENOMEM;
		close(r->fd);
		r->fd = -1;
		snprintf(r->msg, sizeof(r->msg), "cannot open: %s", strerror(e));
		return -e;
	}
	gzbuffer(r->gz, LF_GZ_BUF);
	return 0;
fail:
	e = errno;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	snprintf(r->msg, sizeof(r->msg), "cannot open: %s", strerror(e));
	return -e;
}

ssize_t lf_read(struct lf_reader *r, char *buf, size_t n)
{
	ssize_t got;
	int zerr;

	if (!r->gz) {
		do {
			got = read(r->fd, buf, n);
		} while (got < 0 && errno == EINTR);
		if (got < 0)
			snprintf(r->msg, sizeof(r->msg), "read error: %s", strerror(errno));
	} else {
		got = gzread(r->gz, buf, (unsigned)(n > UINT32_MAX / 2 ? UINT32_MAX / 2 : n));
		/* A truncated file ends early with Z_BUF_ERROR, not with -1. */
		if (got <= 0) {
			const char *msg = gzerror(r->gz, &zerr);

			if (zerr != Z_OK && zerr != Z_STREAM_END) {
				snprintf(r->msg, sizeof(r->msg), "gzip: %s",
					 zerr == Z_BUF_ERROR ? "unexpected end of file" : msg);
				got = -1;
			}
		}
	}
	return got;
}

void lf_close(struct lf_reader *r)
{
	if (r->gz)
		gzclose(r->gz);
	else if (r->fd >= 0)
		close(r->fd);
	r->gz = NULL;
	r->fd = -1;
}
