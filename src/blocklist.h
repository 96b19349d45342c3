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
 * "*.list" files are read in name order) into a new blocklist.
 * @defaults may be NULL (category "default", action drop, enforce always).
 * Returns 0 and sets *out, or a negative errno with @err filled; nothing is
 * allocated on failure.  The caller frees the result with blocklist_free().
 * Errors: -EINVAL for a syntax error (err->line set, err->msg names the
 * field, e.g. "@action: invalid action \"block\" (drop, reject or log)"),
 * the open/read errno for I/O (err->line 0), -ENOMEM.
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

#endif
