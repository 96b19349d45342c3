// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_lint.c - `embargo lint [--strict] [--quiet] [--format FMT] [--config
 * FILE] [--off NAME]... [--on NAME]... [PATH...]`: load list files the way the
 * daemon does, but in lint mode (every error reported, none fatal), then
 * look at what loaded:
 *
 *   error    syntax, invalid names, CIDRs with host bits set, unreadable
 *            files, configuration errors
 *   warning  repeated entries; entries a broader entry of the same list,
 *            category and policy already covers; block entries an
 *            exception makes dead; rules that would block tlgslb.com or a
 *            public resolver Kaspersky software falls back to (NOTES.md);
 *            rules of other formats that were skipped
 *   note     an entry more specific than a broader one of another
 *            category or policy (which one wins); exceptions that
 *            override nothing in the files checked
 *
 * Each as "FILE:LINE: severity: message" on stdout, sorted by file (in the
 * order read) and line; a count on stderr.  Exit 0, 1 on any error (or
 * warning with --strict), 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist.h"
#include "cli.h"
#include "cmd_lint.h"
#include "conf.h"
#include "util.h"

#define LINT_MAX_SWITCHES 64

/* Message tails shared by several findings. */
#define MSG_SAME "\"%s\" (%s) already covers it with the same list, category and policy"
#define MSG_CDN "a CDN Kaspersky names resolve to in China and that others share: " \
	"block the Kaspersky names, never the CDN"

struct diag {
	char *file;
	unsigned line;
	enum bl_severity sev;
	char *msg;
	size_t seq, rank;
};

struct lint {
	struct diag *d;
	size_t n, cap;
	bool nomem;
	const struct blocklist *bl;
	/* rules already warned about for a protected name or address */
	const struct bl_rule **warned;
	size_t n_warned, cap_warned;
	/* allow rules seen to override something: an open-addressing pointer set */
	const struct bl_rule **used;
	size_t cap_used;
};

/* Names and addresses never to block (../shared/NOTES.md, "DNS fallback", "CNAMEs"). */
static const char *const tlgslb = "tlgslb.com";
static const char *const resolver_names[] = {
	"dns.google", "one.one.one.one", "cloudflare-dns.com", "dns.quad9.net", "dns.alidns.com",
	"doh.cleanbrowsing.org",
};
static const struct {
	const char *addr, *who;
} resolver_addrs[] = {
	{ "8.8.8.8", "Google Public DNS" }, { "8.8.4.4", "Google Public DNS" },
	{ "1.1.1.1", "Cloudflare DNS" }, { "1.0.0.1", "Cloudflare DNS" },
	{ "223.6.6.6", "AliDNS" }, { "223.5.5.5", "AliDNS" },
	{ "9.9.9.9", "Quad9" }, { "185.228.168.168", "CleanBrowsing" },
	{ "2001:4860:4860::8888", "Google Public DNS" },
	{ "2606:4700:4700::1111", "Cloudflare DNS" }, { "2620:fe::fe", "Quad9" },
};

/* ---- collecting diagnostics ------------------------------------------- */

static char *dup_str(struct lint *l, const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		l->nomem = true;
	return p;
}

static void add(struct lint *l, const char *file, unsigned line, enum bl_severity sev,
		const char *msg)
{
	struct diag *d;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		d = realloc(l->d, cap * sizeof(*d));
		if (!d) {
			l->nomem = true;
			return;
		}
		l->d = d;
		l->cap = cap;
	}
	d = &l->d[l->n];
	*d = (struct diag){ .line = line, .sev = sev, .seq = l->n };
	d->file = dup_str(l, file);
	d->msg = dup_str(l, msg);
	if (d->file && d->msg)
		l->n++;
}

/* A diagnostic at the file and line of rule @r. */
ATTR_PRINTF(4, 5) static void at_rule(struct lint *l, const struct bl_rule *r,
				      enum bl_severity sev, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add(l, r->section->file, r->line, sev, msg);
}

static void on_report(void *ctx, const struct bl_diag *d)
{
	add(ctx, d->file, d->line, d->severity, d->msg);
}

/* ---- describing rules ------------------------------------------------- */

/* "line 12" in the same file as @from, else "FILE:12". */
static const char *where(const struct bl_rule *from, const struct bl_rule *r, char *buf,
			 size_t size)
{
	if (strcmp(from->section->file, r->section->file) == 0)
		snprintf(buf, size, "line %u", r->line);
	else
		snprintf(buf, size, "%s:%u", r->section->file, r->line);
	return buf;
}

/*
 * @s as it differs from @o: "update, drop", with the list when the lists
 * differ ("site/update, drop") and the date when the dates differ ("update,
 * drop from 2024-09-29T04:00:00Z").
 */
static const char *describe(const struct bl_section *s, const struct bl_section *o, char *buf,
			    size_t size)
{
	char t[TIME_RFC3339_LEN], when[TIME_RFC3339_LEN + 8] = "", *frac;
	bool other_list = strcmp(s->list, o->list) != 0;

	if (s->policy.enforce_from != o->policy.enforce_from) {
		if (s->policy.enforce_from == POLICY_ALWAYS) {
			strcpy(when, " always");
		} else if (s->policy.enforce_from == POLICY_NEVER) {
			strcpy(when, " never");
		} else {
			time_format_rfc3339(s->policy.enforce_from, t, sizeof(t));
			frac = strchr(t, '.');
			if (frac && strcmp(frac, ".000000Z") == 0)
				strcpy(frac, "Z");
			snprintf(when, sizeof(when), " from %s", t);
		}
	}
	snprintf(buf, size, "%s%s%s, %s%s", other_list ? s->list : "", other_list ? "/" : "",
		 s->category, action_name(s->policy.action), when);
	return buf;
}

static bool same_policy(const struct bl_section *a, const struct bl_section *b)
{
	return strcmp(a->list, b->list) == 0 && strcmp(a->category, b->category) == 0 &&
	       a->policy.action == b->policy.action &&
	       a->policy.enforce_from == b->policy.enforce_from;
}

/* ---- name analysis ---------------------------------------------------- */

static const struct bl_rule *find(const struct lint *l, bool allow, enum bl_rule_kind k,
				  const char *name, size_t len)
{
	return blocklist_find_name(l->bl, allow, k, name, len);
}

/*
 * The nearest rule of the @allow set that covers every name the entry
 * (@kind, @name) covers, other than the entry itself: a suffix rule at the
 * name (for "=name" and "*.name"), else a "*.p" or "p" rule at the nearest
 * parent p.
 */
static const struct bl_rule *cover(const struct lint *l, bool allow, enum bl_rule_kind kind,
				   const char *name, size_t len)
{
	const struct bl_rule *r;

	if (kind != BL_SUFFIX && (r = find(l, allow, BL_SUFFIX, name, len)))
		return r;
	for (size_t i = 0; i < len; i++) {
		const char *p = name + i + 1;
		size_t pl = len - i - 1;

		if (name[i] != '.')
			continue;
		r = find(l, allow, BL_SUBDOMAINS, p, pl);
		if (r || (r = find(l, allow, BL_SUFFIX, p, pl)))
			return r;
	}
	return NULL;
}

static size_t ptr_slot(const void *p, size_t cap)
{
	return (size_t)(((uintptr_t)p >> 3) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static void mark_used(struct lint *l, const struct bl_rule *r)
{
	size_t i;

	if (!r || !l->cap_used)
		return;
	for (i = ptr_slot(r, l->cap_used); l->used[i]; i = (i + 1) & (l->cap_used - 1)) {
		if (l->used[i] == r)
			return;
	}
	l->used[i] = r;
}

static bool is_used(const struct lint *l, const struct bl_rule *r)
{
	for (size_t i = ptr_slot(r, l->cap_used); l->used[i]; i = (i + 1) & (l->cap_used - 1)) {
		if (l->used[i] == r)
			return true;
	}
	return false;
}

/* A repeat: the first copy wins. */
static bool check_repeat(struct lint *l, const struct bl_entry *e)
{
	char w[600];

	if (e->kept == e->rule)
		return false;
	if (!e->kept)
		return true;
	at_rule(l, e->rule, BL_WARNING, "\"%s\" repeats the entry at %s; this copy is ignored",
		e->rule->text, where(e->rule, e->kept, w, sizeof(w)));
	return true;
}

static void check_block_name(struct lint *l, const struct bl_entry *e)
{
	const struct bl_rule *r = e->rule, *c;
	char w[600], d1[200], d2[200];
	size_t tl = strlen(tlgslb);

	c = find(l, true, r->kind, e->name, e->len);
	if (!c)
		c = cover(l, true, r->kind, e->name, e->len);
	if (c) {
		at_rule(l, r, BL_WARNING, "\"%s\" never blocks: the exception \"@@%s\" (%s) "
			"allows every name it covers", r->text, c->text, where(r, c, w, sizeof(w)));
	} else if ((c = cover(l, false, r->kind, e->name, e->len))) {
		if (same_policy(r->section, c->section))
			at_rule(l, r, BL_WARNING, "\"%s\" is redundant: " MSG_SAME, r->text,
				c->text, where(r, c, w, sizeof(w)));
		else
			at_rule(l, r, BL_NOTE, "\"%s\" (%s) overrides \"%s\" (%s; %s) for the "
				"names it covers", r->text,
				describe(r->section, c->section, d1, sizeof(d1)), c->text,
				describe(c->section, r->section, d2, sizeof(d2)),
				where(r, c, w, sizeof(w)));
	}
	if (e->len > tl && e->name[e->len - tl - 1] == '.' &&
	    strcmp(e->name + e->len - tl, tlgslb) == 0)
		at_rule(l, r, BL_WARNING, "\"%s\" is under %s, " MSG_CDN, r->text, tlgslb);
	/* Exceptions at a parent of a block entry override part of it. */
	if (l->cap_used) {
		for (size_t i = 0; i < e->len; i++) {
			if (e->name[i] != '.')
				continue;
			mark_used(l, find(l, true, BL_SUFFIX, e->name + i + 1, e->len - i - 1));
			mark_used(l, find(l, true, BL_SUBDOMAINS, e->name + i + 1, e->len - i - 1));
		}
	}
}

static void check_allow_name(struct lint *l, const struct bl_entry *e)
{
	const struct bl_rule *r = e->rule, *c;
	char w[600];

	c = cover(l, true, r->kind, e->name, e->len);
	if (c && same_policy(r->section, c->section))
		at_rule(l, r, BL_WARNING, "\"@@%s\" is redundant: \"@@%s\" (%s) already allows "
			"every name it covers", r->text, c->text, where(r, c, w, sizeof(w)));
}

/* Does any block rule apply to a name the exception @e covers? */
static bool allow_name_used(struct lint *l, const struct bl_entry *e)
{
	const struct bl_rule *r = e->rule;
	struct bl_match m;

	if (is_used(l, r))
		return true;
	if (r->kind != BL_SUBDOMAINS &&
	    (blocklist_match_name(l->bl, e->name, e->len, &m) || m.rule))
		return true;
	if (r->kind == BL_EXACT)
		return false;
	/* Names below: a rule at the name for its subdomains, or at a parent. */
	return find(l, false, BL_SUBDOMAINS, e->name, e->len) ||
	       find(l, false, BL_SUFFIX, e->name, e->len) ||
	       cover(l, false, BL_SUBDOMAINS, e->name, e->len);
}

/* ---- address analysis ------------------------------------------------- */

static void check_block_net(struct lint *l, const struct bl_entry *e)
{
	const struct bl_rule *r = e->rule, *c;
	char w[600], d1[200], d2[200];

	c = blocklist_find_net(l->bl, true, &e->net, e->plen);
	mark_used(l, blocklist_find_net(l->bl, true, &e->net, 128));
	if (c) {
		at_rule(l, r, BL_WARNING, "\"%s\" never blocks: the exception \"@@%s\" (%s) "
			"allows all of it", r->text, c->text, where(r, c, w, sizeof(w)));
		return;
	}
	if (e->plen == 0 || !(c = blocklist_find_net(l->bl, false, &e->net, e->plen - 1)))
		return;
	if (same_policy(r->section, c->section))
		at_rule(l, r, BL_WARNING, "\"%s\" is redundant: " MSG_SAME, r->text, c->text,
			where(r, c, w, sizeof(w)));
	else
		at_rule(l, r, BL_NOTE, "\"%s\" (%s) overrides \"%s\" (%s; %s) for the "
			"addresses it covers", r->text,
			describe(r->section, c->section, d1, sizeof(d1)), c->text,
			describe(c->section, r->section, d2, sizeof(d2)),
			where(r, c, w, sizeof(w)));
}

static void check_allow_net(struct lint *l, const struct bl_entry *e)
{
	const struct bl_rule *r = e->rule, *c;
	char w[600];

	if (e->plen && (c = blocklist_find_net(l->bl, true, &e->net, e->plen - 1)) &&
	    same_policy(r->section, c->section))
		at_rule(l, r, BL_WARNING, "\"@@%s\" is redundant: \"@@%s\" (%s) already allows "
			"all of it", r->text, c->text, where(r, c, w, sizeof(w)));
}

/* ---- protected names and addresses ------------------------------------ */

static bool warned_once(struct lint *l, const struct bl_rule *r)
{
	const struct bl_rule **w;

	for (size_t i = 0; i < l->n_warned; i++) {
		if (l->warned[i] == r)
			return true;
	}
	if (l->n_warned == l->cap_warned) {
		size_t cap = l->cap_warned ? l->cap_warned * 2 : 16;

		w = realloc(l->warned, cap * sizeof(*w));
		if (!w) {
			l->nomem = true;
			return true;
		}
		l->warned = w;
		l->cap_warned = cap;
	}
	l->warned[l->n_warned++] = r;
	return false;
}

static void check_protected(struct lint *l)
{
	struct bl_match m;

	if (blocklist_match_name(l->bl, tlgslb, strlen(tlgslb), &m) && !warned_once(l, m.rule))
		at_rule(l, m.rule, BL_WARNING, "\"%s\" blocks %s, " MSG_CDN, m.rule->text, tlgslb);
	for (size_t i = 0; i < ARRAY_SIZE(resolver_names); i++) {
		const char *n = resolver_names[i];

		if (blocklist_match_name(l->bl, n, strlen(n), &m) && !warned_once(l, m.rule))
			at_rule(l, m.rule, BL_WARNING, "\"%s\" blocks %s, a public DNS resolver: "
				"inspect DNS to it, never block it", m.rule->text, n);
	}
	for (size_t i = 0; i < ARRAY_SIZE(resolver_addrs); i++) {
		struct addr a;

		if (addr_parse(resolver_addrs[i].addr, &a) == 0 &&
		    blocklist_match_addr(l->bl, &a, &m) && !warned_once(l, m.rule))
			at_rule(l, m.rule, BL_WARNING, "\"%s\" blocks %s (%s), a public DNS "
				"resolver Kaspersky software falls back to: inspect DNS to it, "
				"never block it", m.rule->text, resolver_addrs[i].addr,
				resolver_addrs[i].who);
	}
}

/* ---- the analysis ----------------------------------------------------- */

static void analyse(struct lint *l)
{
	struct bl_iter it;
	struct bl_entry e;
	size_t allows = 0;

	blocklist_iter_init(&it);
	while (blocklist_iter_next(l->bl, &it, &e))
		allows += e.rule->allow;
	if (allows) {
		size_t cap = 16;

		while (cap < allows * 2)
			cap *= 2;
		l->used = calloc(cap, sizeof(*l->used));
		l->cap_used = l->used ? cap : 0;
		l->nomem |= !l->used;
	}
	/* Block entries first: they mark the exceptions that override them. */
	blocklist_iter_init(&it);
	while (blocklist_iter_next(l->bl, &it, &e)) {
		if (check_repeat(l, &e) || e.rule->allow)
			continue;
		if (e.rule->kind == BL_CIDR)
			check_block_net(l, &e);
		else
			check_block_name(l, &e);
	}
	blocklist_iter_init(&it);
	while (blocklist_iter_next(l->bl, &it, &e)) {
		const struct bl_rule *r = e.rule;
		bool used;

		if (!r->allow || e.kept != r)
			continue;
		if (r->kind == BL_CIDR) {
			check_allow_net(l, &e);
			used = is_used(l, r) || blocklist_find_net(l->bl, false, &e.net, e.plen);
		} else {
			check_allow_name(l, &e);
			used = allow_name_used(l, &e);
		}
		if (!used)
			at_rule(l, r, BL_NOTE, "the exception \"@@%s\" overrides no block rule "
				    "in the files checked", r->text);
	}
	check_protected(l);
}

/* ---- the configuration file ------------------------------------------- */

/* conf_load's "FILE:LINE: message" (or "FILE: message") as a diagnostic. */
static void add_conf_error(struct lint *l, const char *path, const char *err)
{
	size_t pl = strlen(path);
	unsigned long line = 0;
	const char *msg = err;
	char *end;

	if (strncmp(err, path, pl) == 0 && err[pl] == ':') {
		msg = err + pl + 1;
		if (ch_is_digit(*msg)) {
			line = strtoul(msg, &end, 10);
			msg = *end == ':' ? end + 1 : msg;
		}
		while (*msg == ' ')
			msg++;
	}
	add(l, path, (unsigned)line, BL_ERROR, msg);
}

/* ---- output ----------------------------------------------------------- */

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order: the configuration file, then list files as read, then anything else. */
static void rank(struct lint *l, const char *conf_path)
{
	size_t nf = l->bl ? blocklist_n_files(l->bl) : 0;

	for (size_t i = 0; i < l->n; i++) {
		struct diag *d = &l->d[i];

		d->rank = nf + 1;
		if (conf_path && strcmp(d->file, conf_path) == 0)
			d->rank = 0;
		for (size_t f = 0; f < nf && d->rank == nf + 1; f++) {
			if (strcmp(d->file, blocklist_file(l->bl, f)) == 0)
				d->rank = f + 1;
		}
	}
	if (l->n)
		qsort(l->d, l->n, sizeof(*l->d), diag_cmp);
}

static int print(struct lint *l, bool strict, bool quiet)
{
	static const char *const sev[] = { "note", "warning", "error" };
	size_t count[3] = { 0 };

	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->d[i];

		count[d->sev]++;
		if (quiet && d->sev == BL_NOTE)
			continue;
		if (d->line)
			printf("%s:%u: %s: %s\n", d->file, d->line, sev[d->sev], d->msg);
		else
			printf("%s: %s: %s\n", d->file, sev[d->sev], d->msg);
	}
	fflush(stdout);
	if (l->n)
		fprintf(stderr, "embargo lint: %zu error%s, %zu warning%s, %zu note%s\n",
			count[BL_ERROR], count[BL_ERROR] == 1 ? "" : "s", count[BL_WARNING],
			count[BL_WARNING] == 1 ? "" : "s", count[BL_NOTE],
			count[BL_NOTE] == 1 ? "" : "s");
	return count[BL_ERROR] || (strict && count[BL_WARNING]) ? 1 : 0;
}

static void lint_free(struct lint *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->d[i].file);
		free(l->d[i].msg);
	}
	free(l->d);
	free(l->warned);
	free(l->used);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: embargo lint [options] [PATH...]\n"
		   "  -s, --strict        warnings count as errors\n"
		   "  -q, --quiet         do not print notes\n"
		   "  -f, --format FMT    read every PATH as FMT: auto (default), list, hosts,\n"
		   "                      adblock, rpz, cidr\n"
		   "  -c, --config FILE   check an embargo.conf(5) file too; with no PATH, check\n"
		   "                      its blocklists (or the bundled ones)\n"
		   "      --off NAME      switch a list off (file stem, list or list/category)\n"
		   "      --on NAME       read NAME.list.off files of directories\n"
		   "Prints FILE:LINE: error|warning|note: message.  Exit status: 0 no error,\n"
		   "1 errors (or warnings with --strict), 2 usage.\n");
}

/* The sources: PATHs, or the configuration's blocklists, or the bundled directory. */
static int run(struct lint *l, char **paths, size_t n, enum bl_format fmt, const struct conf *c,
	       const struct bl_options *opt)
{
	struct bl_source src[CONF_MAX_BLOCKLISTS > CLI_MAX_BLOCKLISTS ? CONF_MAX_BLOCKLISTS :
								      CLI_MAX_BLOCKLISTS];
	struct blocklist *bl = NULL;
	struct bl_error err;
	size_t k = 0;
	int ret;

	memset(src, 0, sizeof(src));
	if (n) {
		for (size_t i = 0; i < n; i++)
			src[k++] = (struct bl_source){ .path = paths[i], .format = fmt };
	} else if (c && c->n_blocklists) {
		for (size_t i = 0; i < c->n_blocklists; i++)
			src[k++] = (struct bl_source){ .path = c->blocklists[i], .format = fmt };
	} else {
		src[k++] = (struct bl_source){ .path = cli_default_blocklist_dir(), .format = fmt };
	}
	ret = blocklist_load_sources(&bl, src, k, opt, &err);
	if (ret < 0) {
		add(l, err.file, err.line, BL_ERROR, err.msg[0] ? err.msg : strerror(-ret));
		return ret;
	}
	l->bl = bl;
	analyse(l);
	return 0;
}

int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "off", required_argument, NULL, 'O' },
		{ "on", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *off[LINT_MAX_SWITCHES], *on[LINT_MAX_SWITCHES], *conf_path = NULL;
	struct bl_options opt = { .keep_going = true, .off = off, .on = on };
	enum bl_format fmt = BL_FORMAT_AUTO;
	struct lint l = { 0 };
	struct conf c;
	bool strict = false, quiet = false, have_conf = false;
	char err[CONF_ERR_LEN];
	int ch, status;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "sqf:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			strict = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'f':
			if (blocklist_format_parse(optarg, &fmt) < 0) {
				fprintf(stderr, "embargo: lint: unknown format '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'O':
		case 'I':
			if ((ch == 'O' ? opt.n_off : opt.n_on) == LINT_MAX_SWITCHES) {
				fprintf(stderr, "embargo: lint: too many --%s\n",
					ch == 'O' ? "off" : "on");
				return 2;
			}
			if (ch == 'O')
				off[opt.n_off++] = optarg;
			else
				on[opt.n_on++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc && !conf_path) {
		fprintf(stderr, "embargo: lint: no file given\n");
		usage(stderr);
		return 2;
	}
	if ((size_t)(argc - optind) > CLI_MAX_BLOCKLISTS) {
		fprintf(stderr, "embargo: lint: more than %d paths\n", CLI_MAX_BLOCKLISTS);
		return 2;
	}
	opt.report = on_report;
	opt.report_ctx = &l;
	if (conf_path) {
		conf_init(&c);
		have_conf = true;
		if (conf_load(&c, conf_path, err, sizeof(err)) < 0)
			add_conf_error(&l, conf_path, err);
		else if (conf_check(&c, err, sizeof(err)) < 0)
			add(&l, conf_path, 0, BL_ERROR, err);
	}
	run(&l, argv + optind, (size_t)(argc - optind), fmt, have_conf ? &c : NULL, &opt);
	if (l.nomem)
		add(&l, "embargo", 0, BL_ERROR, "out of memory: the check is incomplete");
	rank(&l, conf_path);
	status = print(&l, strict, quiet);
	blocklist_free((struct blocklist *)l.bl);
	lint_free(&l);
	if (have_conf)
		conf_free(&c);
	return status;
}
