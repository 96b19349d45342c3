// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpz.c - Response Policy Zone files into blocklist entries (contract and
 * the table of what loads in rpz.h).
 *
 * The zone file is read line by line like every other list, so that each
 * record keeps the line it starts on: comments and parentheses (RFC 1035
 * §5.1) are handled here, $ORIGIN, $TTL and $INCLUDE too (RFC 1035 §5.1,
 * RFC 2308 §4), and each complete record is parsed by ldns
 * (ldns_rr_new_frm_str), which resolves "@", relative names and owners
 * left blank.  (ldns's own file reader counts the blank lines after a
 * record into its line, which would put errors on the wrong line.)  Each
 * record is then classified by its owner (the trigger) and its RDATA (the
 * action), per draft-vixie-dnsop-dns-rpz:
 *
 *   owner = <trigger labels> . <zone apex>
 *
 *   trigger labels             kind of trigger
 *   name / *.name              QNAME (the name asked for)
 *   LEN.W1.W2...rpz-ip         response IP: the prefix, words reversed
 *   ... .rpz-client-ip         client IP          (skipped)
 *   ... .rpz-nsdname           name server name   (skipped)
 *   ... .rpz-nsip              name server IP     (skipped)
 *
 * An IPv4 rpz-ip trigger is LEN then the four octets last first
 * ("24.0.2.0.192" = 192.0.2.0/24); an IPv6 one is LEN then the 16-bit
 * words last first, "zz" standing for the "::" run ("48.zz.1.db8.2001" =
 * 2001:db8:1::/48).
 *
 * The action is the RDATA of a CNAME (RFC 1035 §3.3.1): the root "." is
 * NXDOMAIN, "*." NODATA, "rpz-drop." DROP (all three block here),
 * "rpz-passthru." or the trigger name itself PASSTHRU (an exception),
 * "rpz-tcp-only." TCP-only; any other RDATA is local data, an answer to
 * substitute, which a filter that blocks cannot give: counted and skipped.
 */
#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rpz.h"
#include "util.h"

#define RPZ_MAX_LABELS 128		/* RFC 1035 §2.3.4: 255 bytes hold at most 127 labels */
#define RPZ_DEFAULT_TTL 3600		/* ldns wants one; TTLs mean nothing to a filter */
#define RPZ_RECORD_MAX 8192		/* a record, its lines joined */

struct rpz {
	const struct lf_sink *s;
	ldns_rdf *apex;			/* NULL until the first record */
	ldns_rdf *origin;		/* $ORIGIN, NULL: names are taken as absolute */
	ldns_rdf *prev;			/* owner of the last record, for blank owners */
	uint32_t ttl;
	unsigned line;			/* the line the record being parsed starts on */
	int depth;			/* open parentheses */
	size_t len;			/* bytes in @rec */
	char rec[RPZ_RECORD_MAX];	/* the record being joined */
};

/* The trigger part of an owner: its labels left of the apex, as text. */
struct trigger {
	char text[LDNS_MAX_DOMAINLEN + 1];	/* labels joined by '.' */
	size_t len;
	const uint8_t *wire;		/* the owner's wire form ... */
	size_t wire_len;		/* ... up to the apex */
	unsigned n;			/* labels */
	size_t start[RPZ_MAX_LABELS];	/* each label's offset in @text */
	size_t llen[RPZ_MAX_LABELS];
};

static bool label_eq(const struct trigger *t, unsigned i, const char *s)
{
	return t->llen[i] == strlen(s) &&
	       strncasecmp(t->text + t->start[i], s, t->llen[i]) == 0;
}

/*
 * Cut the owner at the apex and keep the labels as text.  Only bytes a
 * list entry may hold are accepted (letters, digits, '-', '_', a leading
 * "*" label): a label with a dot or a control byte in it (zone escapes such
 * as "\046") is an error, not a name to guess at.
 */
static int owner_trigger(struct rpz *z, const ldns_rdf *owner, struct trigger *t)
{
	const uint8_t *p = ldns_rdf_data(owner);
	size_t n = ldns_rdf_size(owner), off = 0, k = 0;
	unsigned total = ldns_dname_label_count(owner), keep;

	keep = total - ldns_dname_label_count(z->apex);
	t->n = 0;
	for (unsigned i = 0; i < keep && off < n; i++) {
		uint8_t l = p[off++];

		if (l == 0 || off + l > n || k + l + 1 >= sizeof(t->text) || t->n == RPZ_MAX_LABELS)
			return -EINVAL;
		if (k)
			t->text[k++] = '.';
		t->start[t->n] = k;
		t->llen[t->n++] = l;
		for (uint8_t j = 0; j < l; j++) {
			char c = (char)p[off + j];

			if (!ch_is_alnum(c) && c != '-' && c != '_' &&
			    !(c == '*' && i == 0 && l == 1))
				return -EINVAL;
			t->text[k++] = c;
		}
		off += l;
	}
	t->text[k] = '\0';
	t->len = k;
	t->wire = p;
	t->wire_len = off;
	return 0;
}

/* The owner as zone text, for messages (ldns allocates it). */
static int bad_owner(struct rpz *z, const ldns_rdf *owner, const char *what)
{
	char *txt = ldns_rdf2str(owner);
	char q[LF_QUOTE_SIZE];
	int ret;

	ret = lf_error(z->s, z->line, "rpz: %s \"%s\"", what,
		       txt ? lf_quote(q, sizeof(q), txt, strlen(txt)) : "?");
	free(txt);
	return ret;
}

static bool all_digits(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ch_is_digit(s[i]))
			return false;
	}
	return true;
}

static bool all_xdigits(const char *s, size_t n)
{
	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ch_is_xdigit(s[i]))
			return false;
	}
	return true;
}

/*
 * "LEN.W.W...rpz-ip" (labels 0 .. t->n - 2) -> "ADDR/LEN" in @out.
 * Four decimal words without "zz" are IPv4, anything else IPv6.
 */
static int rpz_ip_text(const struct trigger *t, char *out, size_t size)
{
	unsigned words = t->n - 2, zz = 0;
	size_t k = 0;
	bool v4 = words == 4;

	if (t->n < 3 || !all_digits(t->text, t->llen[0], 3))
		return -EINVAL;
	for (unsigned i = 1; i <= words; i++) {
		const char *w = t->text + t->start[i];

		if (label_eq(t, i, "zz"))
			zz++;
		else if (!all_xdigits(w, t->llen[i]))
			return -EINVAL;
		v4 = v4 && all_digits(w, t->llen[i], 3);
	}
	if (zz > 1 || words > 8 || (!v4 && !zz && words != 8))
		return -EINVAL;
	/* Forward order: the last label before "rpz-ip" is the first word. */
	for (unsigned i = words; i >= 1; i--) {
		const char *w = t->text + t->start[i];
		size_t wl = t->llen[i];

		if (k + wl + 3 >= size)
			return -EINVAL;
		if (label_eq(t, i, "zz")) {
			out[k++] = ':';
			out[k++] = ':';
			continue;
		}
		if (i != words && out[k - 1] != ':')
			out[k++] = v4 ? '.' : ':';
		memcpy(out + k, w, wl);
		k += wl;
	}
	snprintf(out + k, size - k, "/%.*s", (int)t->llen[0], t->text);
	return 0;
}

enum rpz_action {
	RPZ_BLOCK,
	RPZ_PASSTHRU,
	RPZ_TCP_ONLY,
	RPZ_LOCAL,
};

/* The action of a record whose owner is the trigger @t. */
static enum rpz_action rr_action(const ldns_rr *rr, const struct trigger *t)
{
	const ldns_rdf *target;
	const uint8_t *d;
	size_t n;

	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME || ldns_rr_rd_count(rr) != 1)
		return RPZ_LOCAL;
	target = ldns_rr_rdf(rr, 0);
	d = ldns_rdf_data(target);
	n = ldns_rdf_size(target);
	if (n == 1)					/* "." */
		return RPZ_BLOCK;
	if (n == 3 && d[0] == 1 && d[1] == '*')		/* "*." */
		return RPZ_BLOCK;
	if (n == 10 && d[0] == 8 && strncasecmp((const char *)d + 1, "rpz-drop", 8) == 0)
		return RPZ_BLOCK;
	if (n == 14 && d[0] == 12 && strncasecmp((const char *)d + 1, "rpz-passthru", 12) == 0)
		return RPZ_PASSTHRU;
	if (n == 14 && d[0] == 12 && strncasecmp((const char *)d + 1, "rpz-tcp-only", 12) == 0)
		return RPZ_TCP_ONLY;
	/* The older PASSTHRU form: a CNAME to the trigger name itself. */
	if (n == t->wire_len + 1 && strncasecmp((const char *)d, (const char *)t->wire,
						t->wire_len) == 0)
		return RPZ_PASSTHRU;
	return RPZ_LOCAL;
}

static int rpz_rr(struct rpz *z, const ldns_rr *rr)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);
	ldns_rr_type type = ldns_rr_get_type(rr);
	char cidr[LDNS_MAX_DOMAINLEN + 8];
	enum rpz_action act;
	struct trigger t;
	const char *name;
	size_t len;
	bool wild;

	/* The apex: the SOA's owner when the zone starts with one, as zones do. */
	if (!z->apex) {
		if (type == LDNS_RR_TYPE_SOA)
			z->apex = ldns_rdf_clone(owner);
		else if (z->origin)
			z->apex = ldns_rdf_clone(z->origin);
		else
			z->apex = ldns_dname_new_frm_str(".");
		if (!z->apex)
			return -ENOMEM;
	}
	if (ldns_dname_compare(owner, z->apex) == 0) {
		if (type == LDNS_RR_TYPE_SOA || type == LDNS_RR_TYPE_NS)
			return 0;
		z->s->skip(z->s->ctx, z->line, LF_SKIP_RPZ_LOCAL);
		return 0;
	}
	if (!ldns_dname_is_subdomain(owner, z->apex))
		return bad_owner(z, owner, "owner outside the zone apex:");
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		z->s->skip(z->s->ctx, z->line, LF_SKIP_RPZ_LOCAL);
		return 0;
	}
	if (owner_trigger(z, owner, &t) < 0)
		return bad_owner(z, owner, "invalid trigger name");

	if (label_eq(&t, t.n - 1, "rpz-client-ip") || label_eq(&t, t.n - 1, "rpz-nsdname") ||
	    label_eq(&t, t.n - 1, "rpz-nsip")) {
		z->s->skip(z->s->ctx, z->line, LF_SKIP_RPZ_TRIGGER);
		return 0;
	}
	act = rr_action(rr, &t);
	if (act == RPZ_LOCAL || act == RPZ_TCP_ONLY) {
		z->s->skip(z->s->ctx, z->line, act == RPZ_LOCAL ? LF_SKIP_RPZ_LOCAL :
				   LF_SKIP_RPZ_TCP);
		return 0;
	}
	if (label_eq(&t, t.n - 1, "rpz-ip")) {
		if (rpz_ip_text(&t, cidr, sizeof(cidr)) < 0)
			return bad_owner(z, owner, "invalid rpz-ip trigger");
		return z->s->entry(z->s->ctx, z->line, cidr, strlen(cidr), DS_SUFFIX,
				   act == RPZ_PASSTHRU, LF_NET);
	}
	/* QNAME: "name" is exactly the name, "*.name" every name below it. */
	wild = t.text[0] == '*';
	name = wild ? t.text + 2 : t.text;
	len = wild ? t.len - (t.len > 1 ? 2 : 1) : t.len;
	if (len == 0)
		return bad_owner(z, owner, "a wildcard for every name is not supported:");
	return z->s->entry(z->s->ctx, z->line, name, len, wild ? DS_SUBDOMAINS : DS_EXACT,
			   act == RPZ_PASSTHRU, LF_NAME);
}

struct rpz *rpz_new(const struct lf_sink *s)
{
	struct rpz *z = calloc(1, sizeof(*z));

	if (z) {
		z->s = s;
		z->ttl = RPZ_DEFAULT_TTL;
	}
	return z;
}

void rpz_free(struct rpz *z)
{
	if (!z)
		return;
	ldns_rdf_deep_free(z->apex);
	ldns_rdf_deep_free(z->origin);
	ldns_rdf_deep_free(z->prev);
	free(z);
}

/* The first blank-separated word of @s, NUL-terminated in place; *@rest after it. */
static char *word(char *s, char **rest)
{
	char *w;

	while (*s == ' ' || *s == '\t')
		s++;
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*rest = s;
	return w;
}

/* $ORIGIN, $TTL (RFC 1035 §5.1, RFC 2308 §4); $INCLUDE is refused. */
static int directive(struct rpz *z, char *text)
{
	char q[LF_QUOTE_SIZE], *rest, *d = word(text, &rest), *v = word(rest, &rest);

	/* @rest is past the value now: anything there is one word too many. */
	const char *end;
	ldns_rdf *o;

	if (strcmp(d, "$INCLUDE") == 0)
		return lf_error(z->s, z->line, "rpz: $INCLUDE is not supported");
	if (strcmp(d, "$ORIGIN") != 0 && strcmp(d, "$TTL") != 0)
		return lf_error(z->s, z->line, "rpz: unknown directive \"%s\"",
				lf_quote(q, sizeof(q), d, strlen(d)));
	if (!*v)
		return lf_error(z->s, z->line, "rpz: %s: missing value", d);
	if (*rest)
		return lf_error(z->s, z->line, "rpz: %s: unexpected \"%s\" after the value", d,
				lf_quote(q, sizeof(q), rest, strlen(rest)));
	if (strcmp(d, "$TTL") == 0) {
		uint32_t ttl = ldns_str2period(v, &end);

		if (end == v || *end)
			return lf_error(z->s, z->line, "rpz: $TTL: invalid value \"%s\"",
					lf_quote(q, sizeof(q), v, strlen(v)));
		z->ttl = ttl;
		return 0;
	}
	o = ldns_dname_new_frm_str(v);
	/* A relative $ORIGIN is relative to the one in force. */
	if (o && !ldns_dname_str_absolute(v) && z->origin &&
	    ldns_dname_cat(o, z->origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(o);
		o = NULL;
	}
	if (!o)
		return lf_error(z->s, z->line, "rpz: $ORIGIN: invalid name \"%s\"",
				lf_quote(q, sizeof(q), v, strlen(v)));
	ldns_rdf_deep_free(z->origin);
	z->origin = o;
	return 0;
}

/* A complete record (its lines joined, comments and parentheses gone). */
static int record(struct rpz *z, char *text)
{
	ldns_rr *rr = NULL;
	ldns_status st;
	size_t n = strlen(text);
	int ret;

	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		text[--n] = '\0';
	if (text[strspn(text, " \t")] == '\0')
		return 0;
	if (text[0] == '$')
		return directive(z, text);
	st = ldns_rr_new_frm_str(&rr, text, z->ttl, z->origin, &z->prev);
	if (st == LDNS_STATUS_MEM_ERR)
		return -ENOMEM;
	if (st != LDNS_STATUS_OK)
		return lf_error(z->s, z->line, "rpz: %s", ldns_get_errorstr_by_id(st));
	ret = rpz_rr(z, rr);
	ldns_rr_free(rr);
	return ret;
}

/*
 * One line: drop the comment, turn parentheses into blanks and join lines
 * until they balance.  Quotes and backslash escapes keep ';', '(' and ')'
 * literal (RFC 1035 §5.1).
 */
int rpz_line(struct rpz *z, unsigned line, char *text, size_t len)
{
	bool quoted = false, esc = false;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (esc || c == '\\' || c == '"' || quoted) {
			quoted ^= !esc && c == '"';
			esc = !esc && c == '\\';
		} else if (c == ';') {
			break;
		} else if (c == '(' || c == ')') {
			if (c == ')' && z->depth == 0)
				return lf_error(z->s, line, "rpz: ')' without '('");
			z->depth += c == '(' ? 1 : -1;
			c = ' ';
		}
		text[n++] = c;
	}
	text[n] = '\0';
	if (quoted)
		return lf_error(z->s, line, "rpz: unterminated quoted string");
	if (z->len == 0) {
		if (z->depth == 0 && text[strspn(text, " \t")] == '\0')
			return 0;	/* blank or a comment */
		z->line = line;
	}
	if (z->len + n + 2 > sizeof(z->rec)) {
		z->len = 0;
		z->depth = 0;
		return lf_error(z->s, z->line, "rpz: record longer than %d bytes", RPZ_RECORD_MAX);
	}
	memcpy(z->rec + z->len, text, n);
	z->len += n;
	z->rec[z->len++] = ' ';
	z->rec[z->len] = '\0';
	if (z->depth > 0)
		return 0;
	z->len = 0;
	return record(z, z->rec);
}

int rpz_end(struct rpz *z)
{
	if (z->len == 0)
		return 0;
	z->len = 0;
	z->depth = 0;
	return lf_error(z->s, z->line, "rpz: '(' not closed before the end of the file");
}
