// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blocklist_int.h - the insides of a struct blocklist, shared by
 * blocklist.c (index, matching, inspection) and blocklist_load.c (reading
 * list files into it).  No other module includes this file.
 */
#ifndef EMBARGO_BLOCKLIST_INT_H
#define EMBARGO_BLOCKLIST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blocklist.h"
#include "cidr_set.h"
#include "domain_set.h"

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
	char *dom_text[2];		/* their texts: a mapping, backed as used */
	size_t dom_text_size[2], dom_text_used[2];
	struct bl_rule *net_rules;	/* per cidr_info, filled by finish */
	struct cidr_info *ci;
	size_t n_ci, cap_ci;
	struct pool_chunk *pool;	/* every string sections and rules point to */
	size_t pool_bytes;
	struct bl_section *sec;
	size_t n_sec, cap_sec;
	struct bl_list_info *lists;
	size_t n_lists;
	const char **files;		/* paths in the pool */
	size_t n_files, cap_files;
	struct bl_diag *notes;
	size_t n_notes, cap_notes;
	size_t skipped, off;
};

/*
 * blocklist_read_sources - read @src (@n of them) into @bl, which has its
 * four empty sets; @opt is never NULL here.  Sections, strings, notes and
 * counters are added to @bl; the sets are left unfinished.  Returns 0 or a
 * negative errno with @err filled (blocklist_load_sources() documents
 * which); @bl is then only fit for blocklist_free().
 */
int blocklist_read_sources(struct blocklist *bl, const struct bl_source *src, size_t n,
			   const struct bl_options *opt, struct bl_error *err);

#endif
