// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_blocklist.c - fuzz target for the blocklist loader (blocklist.h,
 * man/embargo-blocklist.5): the input is written to a temporary file and
 * loaded, as a list named on the command line would be.
 *
 * A failed load must say where (a file name, a line within the file, a
 * message).  A successful one is checked against the file itself: every
 * entry line is looked up again, and a block entry must find a block rule
 * (the rule is reported even when an exception overrides it) while an
 * exception "@@..." must leave its name or address unblocked, since allow
 * rules win over every block rule.  Entries are re-read here with a
 * deliberately simple splitter; lines it is unsure about are not checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "blocklist.h"
#include "name.h"
#include "util.h"
#include "fuzz.h"

#define MAX_CHECKED 64		/* entry lines looked up per input */

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!ch_is_digit(p[i]))
			return false;
	}
	return n > 0;
}

/* is_net - the loader's rule: ':' or '/', or an all-digit last label, makes an address. */
static bool is_net(const char *p, size_t n)
{
	size_t last;

	if (memchr(p, ':', n) || memchr(p, '/', n))
		return true;
	if (n && p[n - 1] == '.')
		n--;
	for (last = n; last > 0 && p[last - 1] != '.'; last--)
		;
	return all_digits(p + last, n - last);
}

static void check_net(const struct blocklist *bl, const char *p, size_t n, bool allow)
{
	char text[64];
	const char *slash = memchr(p, '/', n);
	size_t alen = slash ? (size_t)(slash - p) : n;
	struct bl_match m;
	struct addr a;
	bool blocked;

	if (alen >= sizeof(text))
		return;
	memcpy(text, p, alen);
	text[alen] = '\0';
	if (addr_parse(text, &a) != 0)
		return;
	blocked = blocklist_match_addr(bl, &a, &m);
	if (allow)
		FUZZ_CHECK(!blocked);
	else
		FUZZ_CHECK(m.rule != NULL && m.rule->kind == BL_CIDR);
}

static void check_name(const struct blocklist *bl, const char *p, size_t n, bool allow,
		       bool subdomains)
{
	uint8_t raw[NAME_MAX_WIRE + 8];
	char canon[NAME_MAX_TEXT];
	size_t clen, rlen = 0;
	struct bl_match m;
	bool blocked;

	/* "*.name" covers subdomains only: look up a child. */
	if (subdomains) {
		memcpy(raw, "fz.", 3);
		rlen = 3;
	}
	if (n > sizeof(raw) - rlen)
		return;
	memcpy(raw + rlen, p, n);
	if (name_from_text(raw, rlen + n, canon, &clen) != PARSE_OK)
		return;
	blocked = blocklist_match_name(bl, canon, clen, &m);
	if (allow) {
		FUZZ_CHECK(!blocked);
	} else {
		FUZZ_CHECK(m.rule != NULL && !m.rule->allow && m.rule->kind != BL_CIDR);
		FUZZ_CHECK(blocked == (m.allowed_by == NULL));
	}
}

/* check_line - one line of the file, if it holds a single entry. */
static void check_line(const struct blocklist *bl, const char *s, size_t len)
{
	size_t i = 0, start, n;
	bool allow = false, subdomains = false;
	const char *p;

	if (len && s[len - 1] == '\r')
		len--;
	while (i < len && ch_is_space(s[i]))
		i++;
	start = i;
	while (i < len && !ch_is_space(s[i]))
		i++;
	n = i - start;
	while (i < len && ch_is_space(s[i]))
		i++;
	/* Nothing, a comment or a directive; or a second token that is not a comment. */
	if (n == 0 || s[start] == '#' || (i < len && s[i] != '#'))
		return;
	p = s + start;
	if (p[0] == '@' && !(n >= 2 && p[1] == '@'))
		return;
	if (n >= 2 && p[0] == '@') {
		allow = true;
		p += 2;
		n -= 2;
	}
	if (n && p[0] == '=') {
		p++;
		n--;
	} else if (n >= 2 && p[0] == '*' && p[1] == '.') {
		subdomains = true;
		p += 2;
		n -= 2;
	}
	if (n == 0)
		return;
	if (is_net(p, n))
		check_net(bl, p, n, allow);
	else
		check_name(bl, p, n, allow, subdomains);
}

static void check_loaded(const struct blocklist *bl, const uint8_t *data, size_t size)
{
	struct blocklist_stats st;
	const char *s = (const char *)data, *end = s + size;
	unsigned checked = 0;

	bool native = true;

	blocklist_get_stats(bl, &st);
	FUZZ_CHECK(st.sections == blocklist_n_sections(bl));
	for (size_t i = 0; i < blocklist_n_sections(bl); i++) {
		const struct bl_section *sec = blocklist_section(bl, i);

		FUZZ_CHECK(sec && sec->list && sec->category && sec->file);
		/* The entry checks below read the native format only (AUTO: a loader
		 * that predates format detection). */
		native &= sec->format == BL_FORMAT_NATIVE || sec->format == BL_FORMAT_AUTO;
	}
	/* No section: no entry was loaded, and the format is unknown.  A
	 * gzip-compressed file (RFC 1952 magic) has its lines only inside. */
	if (!native || blocklist_n_sections(bl) == 0 ||
	    (size >= 2 && data[0] == 0x1f && data[1] == 0x8b))
		return;
	for (size_t i = 0; i < blocklist_n_lists(bl); i++)
		FUZZ_CHECK(blocklist_list(bl, i)->name != NULL);
	if (size >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && checked < MAX_CHECKED) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		check_line(bl, s, len);
		checked++;
		s += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_blocklist.XXXXXX";
	const char *paths[1] = { path };
	struct blocklist *bl = NULL;
	struct bl_error err;
	int fd, ret;

	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	memset(&err, 0xa5, sizeof(err));
	ret = blocklist_load(&bl, paths, 1, NULL, &err);
	unlink(path);
	if (ret != 0) {
		FUZZ_CHECK(ret < 0);
		FUZZ_CHECK(memchr(err.file, '\0', sizeof(err.file)) != NULL);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL && err.msg[0] != '\0');
		FUZZ_CHECK(strcmp(err.file, path) == 0);
		if (ret == -EINVAL)
			FUZZ_CHECK(err.line >= 1);
		return 0;
	}
	FUZZ_CHECK(bl != NULL);
	check_loaded(bl, data, size);
	blocklist_free(bl);
	return 0;
}
