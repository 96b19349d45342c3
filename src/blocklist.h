// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blocklist.h - the immutable, loaded set of domain and address rules.
 *
 * A blocklist is built once from one or more files (or directories of
 * *.list files), then only read: the live daemon builds a new one on reload,
 * swaps the pointer and frees the old one.  Look-ups allocate nothing.
 *
 * Native file format (man/embargo-blocklist.5):
 *
 *   # comment; blank lines ignored; "#" after an entry starts a comment
 *   @list kaspersky            name reported as "list" (default: file stem)
 *   @category update           starts a section (default: "default")
 *   @enforce 2024-09-29T00:00:00-04:00   RFC 3339, or "always" / "never"
 *   @action drop               drop | reject | log
 *   upd.kaspersky.com          the name and every subdomain (label boundary)
 *   =s00.upd.kaspersky.com     exactly this name
 *   *.example.com              subdomains only, not example.com itself
 *   77.74.176.0/21             IPv4/IPv6 CIDR (a bare address is /32, /128)
 *   @@opentip.kaspersky.com    allow (exception): wins over every block rule;
 *   @@=host / @@*.x / @@CIDR   the same forms as block entries
 *
 * Directives apply to the entries after them, until the next one of the same
 * kind or the end of the file.  A plain list of domains loads as-is, with the
 * defaults from struct blocklist_defaults.
 *
 * Other formats (enum bl_format; list_formats.h, rpz.h) are detected per
 * file or named per source: hosts files, Adblock-style domain rules, RPZ
 * zone files and CIDR lists, each plain or gzip-compressed.  They carry no
 * directives: their entries take the list, category and policy of their
 * struct bl_source (or the defaults).
 *
 * Domain entries are canonicalised (name.h); a name that fails is an error.
 * So is anything but letters, digits, '-', '_' and dots in a name (IDNs go
 * in their punycode form), a name whose last label is all digits that is
 * not a valid IPv4 address, and a prefix with host bits set.
 * Matching: the longest (most specific) block rule covering the name wins;
 * at the same name an exact rule beats a suffix rule (and, for a subdomain,
 * "*.name" beats "name"); then, if any allow rule covers the name, the
 * result is "allowed" (no block).  Addresses: longest-prefix match, with
 * allow prefixes winning the same way.  An entry repeated in the same form
 * keeps the section where it was first read.
 */
#ifndef EMBARGO_BLOCKLIST_H
#define EMBARGO_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "policy.h"

struct blocklist;	/* opaque, immutable after load */

/* The format of a list file (man/embargo-blocklist.5, FORMATS). */
enum bl_format {
	BL_FORMAT_AUTO = 0,	/* detected from the first lines of each file */
	BL_FORMAT_NATIVE,	/* this format; a plain list of names is one */
	BL_FORMAT_HOSTS,	/* "0.0.0.0 name..." (hosts(5) lines) */
	BL_FORMAT_ADBLOCK,	/* "||name^", "@@||name^", "! comment" */
	BL_FORMAT_RPZ,		/* DNS Response Policy Zone, zone file syntax */
	BL_FORMAT_CIDR,		/* one address or prefix a line, '#' or ';' comments */
};

/*
 * A section: the directives in force for a run of entries of one file.  A
 * new section starts at the first entry after a directive changed anything.
 * The counts are of entries as loaded (a repeated entry counts each time).
 */
struct bl_section {
	const char *list;		/* @list */
	const char *category;		/* @category */
	struct policy_rule policy;	/* @action, @enforce */
	const char *file;		/* file the section came from */
	size_t domains;			/* block entries "name" and "*.name" */
	size_t exact;			/* block entries "=name" */
	size_t cidrs;			/* block prefixes and addresses */
	size_t allows;			/* "@@" entries of any form */
	enum bl_format format;		/* the file's format (never AUTO) */
};

enum bl_rule_kind {
	BL_SUFFIX = 0,		/* name and all subdomains */
	BL_EXACT,		/* name only */
	BL_SUBDOMAINS,		/* subdomains only ("*.name") */
	BL_CIDR,
};

struct bl_rule {
	const char *text;		/* the entry as reported in events, e.g.
					 * "kaspersky.com", "=a.b", "77.74.176.0/21" */
	const struct bl_section *section;
	enum bl_rule_kind kind;
	bool allow;
	uint32_t line;			/* line in section->file */
};

/*
 * Rule pointers stay valid, and keep their address, as long as the
 * blocklist: they may be kept (e.g. in a flow) until blocklist_free().
 * When an allow rule overrides, both fields are set: @rule is the block
 * rule that would have applied, @allowed_by the most specific allow rule.
 */
struct bl_match {
	const struct bl_rule *rule;	/* the block rule that matched, or NULL */
	const struct bl_rule *allowed_by;	/* set when an allow rule overrode
						 * a block rule */
};

struct blocklist_defaults {
	const char *category;		/* for entries before any @category */
	struct policy_rule policy;
};

/*
 * struct bl_error - where loading failed: file, line (0 if not
 * line-specific) and a message.  Filled by blocklist_load on failure.
 */
struct bl_error {
	char file[512];
	unsigned line;
	char msg[256];
};

/* Longest line accepted, in bytes, not counting the line feed. */
#define BL_LINE_MAX 4096

/*
 * blocklist_load - read every path in @paths (a file, or a directory whose
 * "*.list" and "*.list.gz" files are read in name order) into a new
 * blocklist, each file in the format detected from its first lines.
 * @defaults may be NULL (category "default", action drop, enforce always).
 * Returns 0 and sets *out, or a negative errno with @err filled; nothing is
 * allocated on failure.  The caller frees the result with blocklist_free().
 * Errors: -EINVAL for a syntax error (err->line set, err->msg names the
 * field, e.g. "@action: invalid action \"block\" (drop, reject or log)"),
 * the open/read errno for I/O (err->line 0; -EIO with "gzip: ..." for a
 * truncated or corrupt compressed file), -E2BIG (an index over 4 GiB),
 * -ENOMEM.
 * In a directory, files whose name starts with '.' and anything that is not
 * a regular file are skipped; a path named explicitly is read whatever its
 * name (e.g. a disabled "x.list.off").
 */
int blocklist_load(struct blocklist **out, const char *const *paths, size_t n_paths,
		   const struct blocklist_defaults *defaults, struct bl_error *err);

/* blocklist_free - free @bl and everything it owns; NULL is a no-op. */
void blocklist_free(struct blocklist *bl);

/*
 * blocklist_match_name - look up a canonical name (name.h form, no trailing
 * dot).  Returns true if a block rule covers it and no allow rule does;
 * @m is always filled (rule NULL when nothing blocks; allowed_by set when an
 * exception applied).  O(labels), no allocation, thread-safe.
 */
bool blocklist_match_name(const struct blocklist *bl, const char *name, size_t len,
			  struct bl_match *m);

/* blocklist_match_addr - the same for an address (longest prefix). */
bool blocklist_match_addr(const struct blocklist *bl, const struct addr *a, struct bl_match *m);

/*
 * Whole-list totals of distinct entries in the index (repeats dropped):
 * domains = block "name" and "*.name", exact = block "=name", cidrs = block
 * prefixes, allows = "@@" entries of every form.
 */
struct blocklist_stats {
	size_t domains, exact, cidrs, allows, sections, files;
	size_t bytes;			/* memory held by the index (not counting
					 * the rule cache, filled on demand at
					 * 32 bytes per domain rule matched) */
	size_t duplicates;		/* repeated entries ignored: the first
					 * one read wins */
	size_t lists;			/* distinct @list names */
	size_t skipped;			/* rules of other formats that are not
					 * domain or address rules (see notes) */
	size_t off;			/* entries of switched-off lists, read
					 * and checked but not loaded */
};
void blocklist_get_stats(const struct blocklist *bl, struct blocklist_stats *st);

/* Iterate the sections (for start-up lines and reports). */
size_t blocklist_n_sections(const struct blocklist *bl);
const struct bl_section *blocklist_section(const struct blocklist *bl, size_t i);

/*
 * Per-list totals for a start-up line ("kaspersky: 120 domains, ..."):
 * the sums of the section counts of every section with that @list name,
 * in order of first appearance.  Owned by the blocklist.
 */
struct bl_list_info {
	const char *name;
	size_t domains, exact, cidrs, allows;
	size_t sections;
	size_t files;			/* files with at least one such section */
};
size_t blocklist_n_lists(const struct blocklist *bl);
const struct bl_list_info *blocklist_list(const struct blocklist *bl, size_t i);

/*
 * ---- sources, formats and switches ----------------------------------------
 *
 * struct bl_source - one path to load, with what the config says about it.
 * @list, @category and @policy replace the built-in defaults for the
 * entries of that path (a native file's directives still override them).
 * @off: the source is switched off and not read at all.
 */
struct bl_source {
	const char *path;		/* file or directory */
	enum bl_format format;		/* BL_FORMAT_AUTO: detect per file */
	const char *list;		/* NULL: the file stem */
	const char *category;		/* NULL: blocklist_defaults.category */
	const struct policy_rule *policy;	/* NULL: blocklist_defaults.policy */
	bool off;
};

enum bl_severity {
	BL_NOTE = 0,
	BL_WARNING,
	BL_ERROR,
};

/* A message about a list file; the strings live as long as their owner. */
struct bl_diag {
	enum bl_severity severity;
	const char *file;		/* "" when about no file */
	unsigned line;			/* 0: about the whole file */
	const char *msg;
};

/*
 * struct bl_options - everything optional about a load.  All-zero (or a
 * NULL pointer) means: built-in defaults, nothing switched, strict.
 *
 * Switches name lists by file stem ("kaspersky-carveouts" for
 * kaspersky-carveouts.list), by @list name ("kaspersky") or by @list and
 * @category ("kaspersky/carveout").
 *   @off: a file whose stem is named is not read; the entries of a section
 *         whose list or list/category is named are checked but not loaded
 *         (counted in blocklist_stats.off).
 *   @on:  in a directory, a "STEM.list.off" file whose stem is named is
 *         read as if it were "STEM.list" (@off wins over @on).
 * @report: called for every note and warning (e.g. "3 Adblock rules with
 * $options skipped"), and with @keep_going for every error, in file order.
 * @keep_going: lint mode: an error skips its line (or record) and loading
 * goes on; blocklist_load_sources() then succeeds with what did load.  I/O
 * and memory errors still stop it.
 */
struct bl_options {
	const struct blocklist_defaults *defaults;
	const char *const *off;
	size_t n_off;
	const char *const *on;
	size_t n_on;
	void (*report)(void *ctx, const struct bl_diag *d);
	void *report_ctx;
	bool keep_going;
};

/*
 * blocklist_load_sources - like blocklist_load(), for sources that each
 * may name a format, a list, a category and a policy, with @opt (may be
 * NULL).  blocklist_load() is this with BL_FORMAT_AUTO sources.
 * Gzip-compressed files (RFC 1952 magic bytes) are read through zlib,
 * whatever their name and format.
 * Returns 0 and sets *out, or a negative errno with @err filled (the first
 * error: with @opt->keep_going, only an I/O or memory error).
 */
int blocklist_load_sources(struct blocklist **out, const struct bl_source *src, size_t n,
			   const struct bl_options *opt, struct bl_error *err);

/* blocklist_format_parse - "auto", "list" (or "native", "domains"), "hosts",
 * "adblock", "rpz", "cidr" -> 0 and *out, or -EINVAL. */
int blocklist_format_parse(const char *s, enum bl_format *out);

/* blocklist_format_name - the name blocklist_format_parse() takes. */
const char *blocklist_format_name(enum bl_format f);

/*
 * Notes kept from the load (the same as given to bl_options.report, minus
 * errors): rules that were skipped, with counts.  Owned by the blocklist;
 * for start-up logs.
 */
size_t blocklist_n_notes(const struct blocklist *bl);
const struct bl_diag *blocklist_note(const struct blocklist *bl, size_t i);

/*
 * The files read, in the order read (directories expanded), including a
 * file that could not be opened in lint mode.  Owned by the blocklist.
 */
size_t blocklist_n_files(const struct blocklist *bl);
const char *blocklist_file(const struct blocklist *bl, size_t i);

/*
 * ---- inspection, for lint ----------------------------------------------
 *
 * Every entry as loaded, in file order within each set (block names, allow
 * names, then prefixes), repeats included.  @rule describes the entry
 * itself; @kept is the rule the index holds for it: @rule, or the copy read
 * first when the entry repeats one.  Pointers stay valid as long as @bl,
 * except @name and the @rule of a repeat, valid until the next call.
 */
struct bl_entry {
	const struct bl_rule *rule;
	const struct bl_rule *kept;
	const char *name;		/* names: without "=" or "*." */
	size_t len;
	struct addr net;		/* BL_CIDR: the network ... */
	unsigned plen;			/* ... and its length */
};

struct bl_iter {
	unsigned phase;
	uint32_t off, mark, line, tag;
	size_t i;
	struct bl_rule tmp;
	char buf[1024];			/* the text of the last name entry */
};

void blocklist_iter_init(struct bl_iter *it);
bool blocklist_iter_next(const struct blocklist *bl, struct bl_iter *it, struct bl_entry *e);

/*
 * blocklist_find_name - the rule the index keeps for exactly this entry
 * (@kind BL_SUFFIX, BL_EXACT or BL_SUBDOMAINS at the canonical @name), or
 * NULL.  Thread-safe like the matches.
 */
const struct bl_rule *blocklist_find_name(const struct blocklist *bl, bool allow,
					  enum bl_rule_kind kind, const char *name, size_t len);

/*
 * blocklist_find_net - the longest block (or allow) prefix of at most
 * @max_plen bits that contains @a, or NULL.
 */
const struct bl_rule *blocklist_find_net(const struct blocklist *bl, bool allow,
					 const struct addr *a, unsigned max_plen);

#endif
