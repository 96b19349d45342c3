// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blocklist.c - an immutable blocklist: building its index from what
 * blocklist_load.c read, matching names and addresses against it, and
 * inspecting it (contract in blocklist.h, man page embargo-blocklist(5)).
 *
 *   block names  -> domain_set dom[0]     allow names  -> domain_set dom[1]
 *   block nets   -> cidr_set   net[0]     allow nets   -> cidr_set   net[1]
 *
 * Rules for events: a domain rule's struct bl_rule is built the first time
 * it matches, in an array with one (untouched, so unbacked) slot per hash
 * table slot, then keeps its address for the blocklist's lifetime.  That
 * keeps a million-entry list at its index size instead of adding 32 bytes
 * per entry, while callers still get stable rule pointers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blocklist_int.h"
#include "util.h"

_Static_assert(sizeof(((struct bl_iter *)0)->buf) >= sizeof(((struct ds_entry *)0)->buf),
	       "bl_iter holds a ds_entry text");

/* Marks a domain rule being filled by another thread (see dom_rule). */
static const struct bl_section busy_section;

static const enum bl_rule_kind rule_kind[] = {
	[DS_SUFFIX] = BL_SUFFIX, [DS_EXACT] = BL_EXACT, [DS_SUBDOMAINS] = BL_SUBDOMAINS,
};

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
	struct ds_stats st;
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
		/*
		 * Room for every rule's text, as the index keeps names packed:
		 * reserved, not committed, so only the texts of rules that
		 * match ever take memory.
		 */
		domain_set_get_stats(bl->dom[i], &st);
		if (st.text_bytes) {
			void *p = mmap(NULL, st.text_bytes, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

			if (p == MAP_FAILED)
				return -ENOMEM;
			bl->dom_text[i] = p;
			bl->dom_text_size[i] = st.text_bytes;
		}
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
		if (bl->dom_text[i])
			munmap(bl->dom_text[i], bl->dom_text_size[i]);
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
	free(bl->notes);
	free(bl->files);
	free(bl);
}

int blocklist_load_sources(struct blocklist **out, const struct bl_source *src, size_t n,
			   const struct bl_options *opt, struct bl_error *err)
{
	static const struct bl_options none;
	struct bl_error dummy;
	struct blocklist *bl;
	int ret = -ENOMEM;

	err = err ? err : &dummy;
	memset(err, 0, sizeof(*err));
	bl = calloc(1, sizeof(*bl));
	if (!bl)
		goto nomem;
	for (int i = 0; i < 2; i++) {
		bl->dom[i] = domain_set_new();
		bl->net[i] = cidr_set_new();
		if (!bl->dom[i] || !bl->net[i])
			goto nomem;
	}
	ret = blocklist_read_sources(bl, src, n, opt ? opt : &none, err);
	if (ret < 0)
		goto out;
	ret = finish(bl);
	if (ret < 0)
		goto nomem;
	*out = bl;
	return 0;
nomem:
	ret = -ENOMEM;
	*err = (struct bl_error){ .msg = "out of memory" };
out:
	blocklist_free(bl);
	return ret;
}

int blocklist_load(struct blocklist **out, const char *const *paths, size_t n_paths,
		   const struct blocklist_defaults *defaults, struct bl_error *err)
{
	const struct bl_options opt = { .defaults = defaults };
	struct bl_source *src = calloc(n_paths ? n_paths : 1, sizeof(*src));
	int ret;

	if (!src) {
		if (err)
			*err = (struct bl_error){ .msg = "out of memory" };
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_paths; i++)
		src[i].path = paths[i];
	ret = blocklist_load_sources(out, src, n_paths, &opt, err);
	free(src);
	return ret;
}

static const char *const format_names[] = {
	[BL_FORMAT_AUTO] = "auto", [BL_FORMAT_NATIVE] = "list", [BL_FORMAT_HOSTS] = "hosts",
	[BL_FORMAT_ADBLOCK] = "adblock", [BL_FORMAT_RPZ] = "rpz", [BL_FORMAT_CIDR] = "cidr",
};

int blocklist_format_parse(const char *s, enum bl_format *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum bl_format)i;
			return 0;
		}
	}
	if (strcmp(s, "native") == 0 || strcmp(s, "domains") == 0) {
		*out = BL_FORMAT_NATIVE;
		return 0;
	}
	return -EINVAL;
}

const char *blocklist_format_name(enum bl_format f)
{
	return (unsigned)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

size_t blocklist_n_files(const struct blocklist *bl)
{
	return bl->n_files;
}

const char *blocklist_file(const struct blocklist *bl, size_t i)
{
	return i < bl->n_files ? bl->files[i] : NULL;
}

size_t blocklist_n_notes(const struct blocklist *bl)
{
	return bl->n_notes;
}

const struct bl_diag *blocklist_note(const struct blocklist *bl, size_t i)
{
	return i < bl->n_notes ? &bl->notes[i] : NULL;
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
		struct blocklist *w = (struct blocklist *)bl;	/* the rule cache is mutable */
		size_t n, at;

		domain_set_entry(bl->dom[allow], h, &e);
		/* Each slot is filled once, so the texts never outgrow the room finish() made. */
		n = strlen(e.text) + 1;
		at = __atomic_fetch_add(&w->dom_text_used[allow], n, __ATOMIC_RELAXED);
		memcpy(bl->dom_text[allow] + at, e.text, n);
		r->text = bl->dom_text[allow] + at;
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

const struct bl_rule *blocklist_find_name(const struct blocklist *bl, bool allow,
					  enum bl_rule_kind kind, const char *name, size_t len)
{
	struct ds_hit h;

	if (kind == BL_CIDR || !domain_set_find(bl->dom[allow], (enum ds_kind)kind, name, len, &h))
		return NULL;
	return dom_rule(bl, allow, &h);
}

const struct bl_rule *blocklist_find_net(const struct blocklist *bl, bool allow,
					 const struct addr *a, unsigned max_plen)
{
	uint32_t v;

	return cidr_set_lookup_max(bl->net[allow], a, max_plen, &v, NULL) ? &bl->net_rules[v] :
									     NULL;
}

void blocklist_iter_init(struct bl_iter *it)
{
	memset(it, 0, sizeof(*it));
}

bool blocklist_iter_next(const struct blocklist *bl, struct bl_iter *it, struct bl_entry *e)
{
	memset(e, 0, sizeof(*e));
	while (it->phase < 2) {
		struct ds_iter di = { it->off, it->mark, it->line, it->tag };
		int allow = (int)it->phase;
		struct ds_entry de;
		struct ds_hit h;

		if (!domain_set_next(bl->dom[allow], &di, &de)) {
			it->phase++;
			it->off = it->mark = it->line = it->tag = 0;
			continue;
		}
		it->off = di.off;
		it->mark = di.mark;
		it->line = di.line;
		it->tag = di.tag;
		memcpy(it->buf, de.buf, sizeof(de.buf));
		de.text = it->buf;
		de.name = it->buf + (de.name - de.buf);
		e->name = de.name;
		e->len = strlen(de.name);
		if (domain_set_find(bl->dom[allow], de.kind, e->name, e->len, &h))
			e->kept = dom_rule(bl, allow, &h);
		if (e->kept && h.ref == de.ref) {
			e->rule = e->kept;
		} else {
			it->tmp = (struct bl_rule){
				.text = de.text, .section = &bl->sec[de.tag],
				.kind = rule_kind[de.kind], .allow = allow, .line = de.line,
			};
			e->rule = &it->tmp;
		}
		return true;
	}
	if (it->i >= bl->n_ci)
		return false;
	e->rule = &bl->net_rules[it->i++];
	cidr_set_parse(e->rule->text, strlen(e->rule->text), &e->net, &e->plen);
	/* The copy the set kept: the same prefix, found among prefixes no longer than it. */
	e->kept = blocklist_find_net(bl, e->rule->allow, &e->net, e->plen);
	if (e->kept && strcmp(e->kept->text, e->rule->text) != 0)
		e->kept = NULL;
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
		.files = bl->n_files,
		.duplicates = d[0].duplicates + d[1].duplicates + c[0].duplicates + c[1].duplicates,
		.lists = bl->n_lists,
		.skipped = bl->skipped,
		.off = bl->off,
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
