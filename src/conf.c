// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - the live daemon's configuration: defaults, "key = value" files
 * and command-line overrides through one table of keys.
 *
 * Every value is parsed strictly (first character checked, whole string
 * consumed, range enforced) so a typo is an error with a line number rather
 * than a silently different daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist.h"
#include "conf.h"
#include "util.h"

/* Defaults; man/embargo.conf.5.in documents the same numbers. */
#define DEF_QUEUE_MAXLEN 4096
#define DEF_MAX_FLOWS 65536
#define DEF_FLOW_TIMEOUT 120
#define DEF_BATCH 32
#define DEF_AGGREGATE_INTERVAL 60
#define DEF_METRICS_INTERVAL 15
#define DEF_MARK_MASK 0x0f000000u
#define DEF_MARK_ACCEPT 0x01000000u
#define DEF_MARK_LOG 0x02000000u
#define DEF_MARK_DROP 0x03000000u
#define DEF_MARK_REJECT 0x04000000u
/* Table caps: the engine's own defaults (engine.h), stated here so the
 * statistics and the manual can name them. */
#define DEF_STREAM_CAP (16u << 10)
#define DEF_STREAM_MEM (32u << 20)
#define DEF_FRAG_MAX 1024
#define DEF_FRAG_MEM (4u << 20)
#define DEF_LEARNED_MAX 8192

/*
 * A sanitizer runtime makes system calls of its own (LeakSanitizer's exit
 * check stops the world with ptrace and clone): a strict filter would kill
 * the process in it.  Such builds default to seccomp = off, and say so.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DEF_SECCOMP CONF_SECCOMP_OFF
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define DEF_SECCOMP CONF_SECCOMP_OFF
#endif
#endif
#ifndef DEF_SECCOMP
#define DEF_SECCOMP CONF_SECCOMP_STRICT
#endif

/* The auto receive buffer: 2 KiB per queued packet, within [1 MiB, 256 MiB]. */
#define RCVBUF_PER_PACKET 2048u
#define RCVBUF_AUTO_MIN (1u << 20)
#define RCVBUF_AUTO_MAX (256u << 20)

#define MAX_QUEUES 64

ATTR_PRINTF(3, 4) static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_open = true;
	c->queue_maxlen = DEF_QUEUE_MAXLEN;
	c->max_flows = DEF_MAX_FLOWS;
	c->flow_timeout = DEF_FLOW_TIMEOUT;
	c->batch = DEF_BATCH;
	c->default_policy.action = ACTION_DROP;
	c->default_policy.enforce_from = POLICY_ALWAYS;
	c->marks.mask = DEF_MARK_MASK;
	c->marks.accept = DEF_MARK_ACCEPT;
	c->marks.log = DEF_MARK_LOG;
	c->marks.drop = DEF_MARK_DROP;
	c->marks.reject = DEF_MARK_REJECT;
	c->seccomp = DEF_SECCOMP;
	c->clock_sanity_us = CONF_DEFAULT_CLOCK_SANITY_US;
	c->insane_clock = CONF_CLOCK_ENFORCE;
	c->stream_cap = DEF_STREAM_CAP;
	c->stream_mem = DEF_STREAM_MEM;
	c->frag_max = DEF_FRAG_MAX;
	c->frag_mem = DEF_FRAG_MEM;
	c->learned_max = DEF_LEARNED_MAX;
	c->aggregate_interval = DEF_AGGREGATE_INTERVAL;
	c->metrics_interval = DEF_METRICS_INTERVAL;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; i < c->n_blocklists; i++)
		free(c->blocklists[i]);
	for (size_t i = 0; i < c->n_lists_off; i++)
		free(c->lists_off[i]);
	for (size_t i = 0; i < c->n_lists_on; i++)
		free(c->lists_on[i]);
	free(c->log);
	free(c->default_category);
	free(c->user);
	free(c->metrics_file);
	free(c->path);
	conf_init(c);
}

/* ------------------------------------------------------------------ values */

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* A 32-bit mark: decimal or 0x-prefixed hexadecimal. */
static int parse_u32_hex(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!ch_is_xdigit(*s))
			return -EINVAL;
		for (; *s; s++) {
			int d;

			if (!ch_is_xdigit(*s))
				return -EINVAL;
			d = ch_is_digit(*s) ? *s - '0' : (ch_lower(*s) - 'a' + 10);
			v = v << 4 | (uint64_t)d;
			if (v > UINT32_MAX)
				return -ERANGE;
		}
		*out = (uint32_t)v;
		return 0;
	}
	if (parse_uint(s, 0, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/*
 * A number followed by an optional one-letter unit from @units, each worth
 * the matching entry of @mult.  "16M" with units "KMG" is 16 << 20.
 */
static int parse_scaled(const char *s, const char *units, const uint64_t *mult, uint64_t min,
			uint64_t max, uint64_t *out)
{
	char digits[32];
	size_t n = strlen(s);
	uint64_t v, m = 1;
	const char *u;

	if (n == 0 || n >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, n + 1);
	if (!ch_is_digit(digits[n - 1])) {
		u = strchr(units, digits[n - 1]);
		if (!u || n == 1)
			return -EINVAL;
		m = mult[u - units];
		digits[n - 1] = '\0';
	}
	if (parse_uint(digits, 0, UINT64_MAX / m, &v) < 0)
		return -EINVAL;
	v *= m;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const uint64_t mult[] = { 1, 1024, 1024, 1u << 20, 1u << 20, 1u << 30, 1u << 30 };

	return parse_scaled(s, "bKkMmGg", mult, min, max, out);
}

static int parse_duration(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const uint64_t mult[] = { 1, 60, 3600, 86400 };

	return parse_scaled(s, "smhd", mult, min, max, out);
}

int conf_parse_queue(const char *s, uint16_t *first, uint16_t *last)
{
	char a[8];
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;
	size_t n;

	if (!dash) {
		if (parse_uint(s, 0, 65535, &lo) < 0)
			return -EINVAL;
		hi = lo;
	} else {
		n = (size_t)(dash - s);
		if (n == 0 || n >= sizeof(a))
			return -EINVAL;
		memcpy(a, s, n);
		a[n] = '\0';
		if (parse_uint(a, 0, 65535, &lo) < 0 || parse_uint(dash + 1, 0, 65535, &hi) < 0)
			return -EINVAL;
		if (hi < lo || hi - lo >= MAX_QUEUES)
			return -EINVAL;
	}
	*first = (uint16_t)lo;
	*last = (uint16_t)hi;
	return 0;
}

static int set_string(char **dst, const char *value)
{
	char *s = strdup(value);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* One of @names (NULL-terminated); its index in *@out. */
static int parse_enum(const char *s, const char *const *names, int *out)
{
	for (int i = 0; names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *const seccomp_names[] = { "strict", "log", "off", NULL };
static const char *const clock_names[] = { "enforce", "log", "accept", NULL };
static const char *const verdict_names[] = { "accept", "drop", NULL };

const char *conf_seccomp_name(enum conf_seccomp m)
{
	return (unsigned)m < ARRAY_SIZE(seccomp_names) - 1 ? seccomp_names[m] : "?";
}

const char *conf_clock_policy_name(enum conf_clock_policy p)
{
	return (unsigned)p < ARRAY_SIZE(clock_names) - 1 ? clock_names[p] : "?";
}

const char *conf_user(const struct conf *c)
{
	return c->user ? c->user : CONF_DEFAULT_USER;
}

/*
 * A user name as useradd(8) takes it (letters, digits, '_', '-', '.', not
 * starting with '-'), or a numeric uid; at most 32 characters.
 */
static int check_user(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 32 || v[0] == '-')
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!ch_is_alnum(v[i]) && v[i] != '_' && v[i] != '-' && v[i] != '.')
			return -EINVAL;
	return 0;
}

/*
 * "PATH" or "PATH format=FORMAT": a list file or directory, optionally with
 * the format its files are in (embargo-blocklist(5)); without one the
 * format is detected per file.
 */
static int add_blocklist(struct conf *c, const char *value, const char *base_dir)
{
	enum bl_format fmt = BL_FORMAT_AUTO;
	const char *opt = NULL;
	size_t vlen = strlen(value);
	char *p;

	if (c->n_blocklists == CONF_MAX_BLOCKLISTS)
		return -E2BIG;
	if (strncmp(value, "format=", 7) == 0)
		return -EINVAL;		/* an option with no path before it */
	for (size_t i = vlen; i > 0; i--) {
		if ((value[i - 1] == ' ' || value[i - 1] == '\t') &&
		    strncmp(value + i, "format=", 7) == 0) {
			opt = value + i + 7;
			vlen = i - 1;
			while (vlen && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
				vlen--;
			break;
		}
	}
	if (opt && blocklist_format_parse(opt, &fmt) < 0)
		return -EINVAL;
	if (vlen == 0)
		return -EINVAL;
	if (value[0] != '/' && base_dir && base_dir[0]) {
		size_t n = strlen(base_dir) + vlen + 2;

		p = malloc(n);
		if (p)
			snprintf(p, n, "%s/%.*s", base_dir, (int)vlen, value);
	} else {
		p = strndup(value, vlen);
	}
	if (!p)
		return -ENOMEM;
	c->blocklist_format[c->n_blocklists] = (uint8_t)fmt;
	c->blocklists[c->n_blocklists++] = p;
	return 0;
}

/* list_off / list_on: a file stem, a list name or list/category. */
static int add_switch(char **arr, size_t *n, const char *value)
{
	char *p;

	if (*n == CONF_MAX_BLOCKLISTS)
		return -E2BIG;
	for (const char *q = value; *q; q++)
		if (*q == ' ' || *q == '\t')
			return -EINVAL;
	p = strdup(value);
	if (!p)
		return -ENOMEM;
	arr[(*n)++] = p;
	return 0;
}

/* -------------------------------------------------------------------- keys */

enum key_type {
	K_QUEUE, K_BLOCKLIST, K_LOG, K_BOOL, K_U32, K_U64, K_SIZE, K_DURATION, K_MARK,
	K_AS_OF, K_ACTION, K_ENFORCE, K_CATEGORY, K_USER, K_SECCOMP, K_VERDICT, K_SANITY,
	K_CLOCK, K_PATH, K_LIST_OFF, K_LIST_ON,
};

struct key {
	const char *name;
	enum key_type type;
	size_t off;			/* offset of the field in struct conf */
	uint64_t min, max;		/* numeric range */
	const char *expect;		/* what a valid value looks like */
};

#define F(field) offsetof(struct conf, field)

static const struct key keys[] = {
	{ "queue", K_QUEUE, 0, 0, 0, "N or N-M (0-65535, at most 64 queues)" },
	{ "blocklist", K_BLOCKLIST, 0, 0, 0,
	  "a file or directory path, optionally followed by format=auto|list|hosts|adblock|rpz|cidr" },
	{ "list_off", K_LIST_OFF, 0, 0, 0, "a list file stem, list name or list/category" },
	{ "list_on", K_LIST_ON, 0, 0, 0, "a list file stem (reads STEM.list.off)" },
	{ "log", K_LOG, 0, 0, 0, "a file path, - for stdout, or syslog[-bsd][:SOCKET]" },
	{ "fail_open", K_BOOL, F(fail_open), 0, 0, "yes or no" },
	{ "report_all", K_BOOL, F(report_all), 0, 0, "yes or no" },
	{ "queue_maxlen", K_U32, F(queue_maxlen), 1, 1u << 20, "packets, 1-1048576" },
	{ "rcvbuf", K_SIZE, F(rcvbuf), 0, 1u << 30, "bytes (K/M/G suffix), 0 = auto, at most 1G" },
	{ "max_flows", K_U64, F(max_flows), 16, 1u << 26, "flows per queue, 16-67108864" },
	{ "flow_timeout", K_DURATION, F(flow_timeout), 1, 86400,
	  "idle time (s/m/h suffix), 1s-1d" },
	{ "batch", K_U32, F(batch), 1, 1024, "verdicts per batch, 1-1024" },
	{ "stats_interval", K_DURATION, F(stats_interval), 0, 86400,
	  "seconds between statistics lines (s/m/h suffix), 0 = off" },
	{ "mark_mask", K_MARK, F(marks.mask), 0, 0, "a 32-bit mark, e.g. 0x0f000000" },
	{ "mark_accept", K_MARK, F(marks.accept), 0, 0, "a 32-bit mark inside mark_mask" },
	{ "mark_log", K_MARK, F(marks.log), 0, 0, "a 32-bit mark inside mark_mask" },
	{ "mark_drop", K_MARK, F(marks.drop), 0, 0, "a 32-bit mark inside mark_mask" },
	{ "mark_reject", K_MARK, F(marks.reject), 0, 0, "a 32-bit mark inside mark_mask" },
	{ "as_of", K_AS_OF, 0, 0, 0, "an RFC 3339 time, or none" },
	{ "default_action", K_ACTION, 0, 0, 0, "drop, reject or log" },
	{ "default_enforce", K_ENFORCE, 0, 0, 0, "an RFC 3339 time, always or never" },
	{ "default_category", K_CATEGORY, 0, 0, 0, "a category name" },
	{ "user", K_USER, 0, 0, 0, "a user name or uid (root: keep root)" },
	{ "seccomp", K_SECCOMP, 0, 0, 0, "strict, log or off" },
	{ "error_verdict", K_VERDICT, 0, 0, 0, "accept or drop" },
	{ "clock_sanity", K_SANITY, 0, 0, 0, "an RFC 3339 time, or none" },
	{ "insane_clock_policy", K_CLOCK, 0, 0, 0, "enforce, log or accept" },
	{ "stream_cap", K_SIZE, F(stream_cap), 1024, 1u << 20,
	  "bytes per flow (K/M suffix), 1K-1M" },
	{ "stream_mem", K_SIZE, F(stream_mem), 64u << 10, UINT64_C(16) << 30,
	  "bytes per queue (K/M/G suffix), 64K-16G" },
	{ "frag_max", K_U64, F(frag_max), 1, 1u << 20, "datagrams per queue, 1-1048576" },
	{ "frag_mem", K_SIZE, F(frag_mem), 64u << 10, 1u << 30,
	  "bytes per queue (K/M/G suffix), 64K-1G" },
	{ "learned_max", K_U64, F(learned_max), 16, 1u << 24, "addresses per queue, 16-16777216" },
	{ "aggregate_interval", K_DURATION, F(aggregate_interval), 0, 86400,
	  "seconds per summary of repeated events (s/m/h suffix), 0 = off" },
	{ "metrics_file", K_PATH, F(metrics_file), 0, 0, "a file path (Prometheus text)" },
	{ "metrics_interval", K_DURATION, F(metrics_interval), 1, 86400,
	  "seconds between metrics file writes (s/m/h suffix), 1s-1d" },
};

_Static_assert(ARRAY_SIZE(keys) <= CONF_MAX_KEYS, "raise CONF_MAX_KEYS");

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Parse @v for key @k into @c; -EINVAL/-ERANGE/-ENOMEM/-E2BIG. */
static int set_value(struct conf *c, const struct key *k, const char *v, const char *base_dir)
{
	char *base = (char *)c;
	uint64_t u;
	int ret, i;

	switch (k->type) {
	case K_QUEUE:
		return conf_parse_queue(v, &c->queue_first, &c->queue_last);
	case K_BLOCKLIST:
		return v[0] ? add_blocklist(c, v, base_dir) : -EINVAL;
	case K_LIST_OFF:
		return v[0] ? add_switch(c->lists_off, &c->n_lists_off, v) : -EINVAL;
	case K_LIST_ON:
		return v[0] ? add_switch(c->lists_on, &c->n_lists_on, v) : -EINVAL;
	case K_LOG:
		return v[0] ? set_string(&c->log, v) : -EINVAL;
	case K_CATEGORY:
		return v[0] ? set_string(&c->default_category, v) : -EINVAL;
	case K_BOOL:
		return parse_bool(v, (bool *)(base + k->off));
	case K_U32:
		ret = parse_uint(v, k->min, k->max, &u);
		if (ret == 0)
			*(uint32_t *)(void *)(base + k->off) = (uint32_t)u;
		return ret;
	case K_U64:
		ret = parse_uint(v, k->min, k->max, &u);
		if (ret == 0)
			*(uint64_t *)(void *)(base + k->off) = u;
		return ret;
	case K_SIZE:
		ret = parse_size(v, k->min, k->max, &u);
		if (ret == 0)
			*(uint64_t *)(void *)(base + k->off) = u;
		return ret;
	case K_DURATION:
		ret = parse_duration(v, k->min, k->max, &u);
		if (ret == 0)
			*(uint32_t *)(void *)(base + k->off) = (uint32_t)u;
		return ret;
	case K_MARK:
		return parse_u32_hex(v, (uint32_t *)(void *)(base + k->off));
	case K_AS_OF:
		if (strcmp(v, "none") == 0 || strcmp(v, "off") == 0) {
			c->use_as_of = false;
			c->as_of_us = 0;
			return 0;
		}
		ret = time_parse_rfc3339(v, &c->as_of_us);
		if (ret == 0)
			c->use_as_of = true;
		return ret;
	case K_ACTION:
		return action_parse(v, &c->default_policy.action);
	case K_USER:
		if (check_user(v) < 0)
			return -EINVAL;
		return set_string(&c->user, v);
	case K_SECCOMP:
		ret = parse_enum(v, seccomp_names, &i);
		if (ret == 0)
			c->seccomp = (enum conf_seccomp)i;
		return ret;
	case K_VERDICT:
		ret = parse_enum(v, verdict_names, &i);
		if (ret == 0)
			c->error_drop = i == 1;
		return ret;
	case K_PATH:
		return v[0] ? set_string((char **)(void *)(base + k->off), v) : -EINVAL;
	case K_CLOCK:
		ret = parse_enum(v, clock_names, &i);
		if (ret == 0)
			c->insane_clock = (enum conf_clock_policy)i;
		return ret;
	case K_SANITY:
		if (strcmp(v, "none") == 0 || strcmp(v, "off") == 0) {
			c->clock_sanity_us = CONF_NO_CLOCK_SANITY;
			return 0;
		}
		return time_parse_rfc3339(v, &c->clock_sanity_us);
	case K_ENFORCE:
		if (strcmp(v, "always") == 0) {
			c->default_policy.enforce_from = POLICY_ALWAYS;
			return 0;
		}
		if (strcmp(v, "never") == 0) {
			c->default_policy.enforce_from = POLICY_NEVER;
			return 0;
		}
		return time_parse_rfc3339(v, &c->default_policy.enforce_from);
	}
	return -EINVAL;
}

int conf_set(struct conf *c, const char *key, const char *value, const char *base_dir,
	     char *err, size_t errsz)
{
	const struct key *k = find_key(key);
	int ret;

	if (!k) {
		fail(err, errsz, "%s: unknown key", key);
		return -ENOENT;
	}
	ret = set_value(c, k, value, base_dir);
	switch (ret) {
	case 0:
		c->origin[k - keys] = CONF_ORIGIN_SET;
		return 0;
	case -ENOMEM:
		fail(err, errsz, "%s: out of memory", key);
		return ret;
	case -E2BIG:
		fail(err, errsz, "%s: more than %d entries", key, CONF_MAX_BLOCKLISTS);
		return -EINVAL;
	case -ERANGE:
		return fail(err, errsz, "%s: '%s' is out of range (expected %s)", key, value,
			    k->expect);
	default:
		return fail(err, errsz, "%s: '%s' is not valid (expected %s)", key, value,
			    k->expect);
	}
}

/*
 * "FILE:LINE: " when @key was last set by a line of the file, else "".
 * Written into @buf.
 */
static const char *where(const struct conf *c, const char *key, char *buf, size_t size)
{
	const struct key *k = find_key(key);
	uint32_t line = k ? c->origin[k - keys] : 0;

	buf[0] = '\0';
	if (c->path && line && line != CONF_ORIGIN_SET)
		snprintf(buf, size, "%s:%u: ", c->path, line);
	return buf;
}

int conf_check(const struct conf *c, char *err, size_t errsz)
{
	const struct {
		const char *name;
		uint32_t v;
	} m[] = {
		{ "mark_accept", c->marks.accept },
		{ "mark_log", c->marks.log },
		{ "mark_drop", c->marks.drop },
		{ "mark_reject", c->marks.reject },
	};
	char at[CONF_ERR_LEN / 2];

	if (c->queue_last < c->queue_first || c->queue_last - c->queue_first >= MAX_QUEUES)
		return fail(err, errsz, "%squeue: bad range %u-%u",
			    where(c, "queue", at, sizeof(at)), c->queue_first, c->queue_last);
	if (c->marks.mask == 0)
		return fail(err, errsz, "%smark_mask: must not be 0",
			    where(c, "mark_mask", at, sizeof(at)));
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		const char *name = m[i].name;

		/* A default mark outside a changed mask: the mask's line is the news. */
		if (!c->origin[find_key(name) - keys])
			where(c, "mark_mask", at, sizeof(at));
		else
			where(c, name, at, sizeof(at));
		if (m[i].v == 0)
			return fail(err, errsz, "%s%s: must not be 0", at, name);
		if (m[i].v & ~c->marks.mask)
			return fail(err, errsz, "%s%s: 0x%08x has bits outside mark_mask 0x%08x",
				    at, name, m[i].v, c->marks.mask);
		for (size_t j = 0; j < i; j++) {
			size_t b = i, o = j;	/* blame the one the file set */

			if (m[j].v != m[i].v)
				continue;
			if (!c->origin[find_key(m[i].name) - keys] &&
			    c->origin[find_key(m[j].name) - keys]) {
				b = j;
				o = i;
			}
			return fail(err, errsz, "%s%s: same value as %s (0x%08x)",
				    where(c, m[b].name, at, sizeof(at)), m[b].name, m[o].name,
				    m[i].v);
		}
	}
	return 0;
}

uint64_t conf_rcvbuf(const struct conf *c)
{
	uint64_t b;

	if (c->rcvbuf)
		return c->rcvbuf;
	b = (uint64_t)c->queue_maxlen * RCVBUF_PER_PACKET;
	if (b < RCVBUF_AUTO_MIN)
		b = RCVBUF_AUTO_MIN;
	if (b > RCVBUF_AUTO_MAX)
		b = RCVBUF_AUTO_MAX;
	return b;
}

/* -------------------------------------------------------------------- file */

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && ch_is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool key_char(int ch)
{
	return ch_is_alnum(ch) || ch == '_' || ch == '-';
}

/*
 * Split a value off its comment: a '#' at the start or after whitespace
 * starts one, unless the value is in double quotes ("a #b" keeps the '#').
 * Returns the value, or NULL if a quote is not closed or text follows it.
 */
static char *value_of(char *v)
{
	char *end;

	v = trim(v);
	if (*v == '"') {
		end = strchr(v + 1, '"');
		if (!end)
			return NULL;
		*end = '\0';
		end = trim(end + 1);
		if (*end && *end != '#')
			return NULL;
		return v + 1;
	}
	if (*v == '#')
		return v + strlen(v);
	for (end = v; *end; end++) {
		if (*end == '#' && (end[-1] == ' ' || end[-1] == '\t')) {
			*end = '\0';
			break;
		}
	}
	return trim(v);
}

struct file_ctx {
	const char *path;
	unsigned line;
	char section[64];
	const char *base_dir;
};

static int lfail(const struct file_ctx *f, char *err, size_t errsz, const char *field,
		 const char *msg)
{
	if (field)
		fail(err, errsz, "%s:%u: %s: %s", f->path, f->line, field, msg);
	else
		fail(err, errsz, "%s:%u: %s", f->path, f->line, msg);
	return -EINVAL;
}

static int conf_line(struct conf *c, struct file_ctx *f, char *s, char *err, size_t errsz)
{
	char key[128], msg[CONF_ERR_LEN];
	char *eq, *k, *v;
	size_t n;
	int ret;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']'), *rest = close ? value_of(close + 1) : NULL;

		/* value_of() is NULL for an unclosed quote after the bracket. */
		if (!rest || *rest != '\0')
			return lfail(f, err, errsz, NULL, "section: expected [name]");
		*close = '\0';
		k = trim(s + 1);
		n = strlen(k);
		if (n == 0 || n >= sizeof(f->section))
			return lfail(f, err, errsz, NULL, "section: expected [name]");
		for (size_t i = 0; i < n; i++)
			if (!key_char(k[i]))
				return lfail(f, err, errsz, NULL, "section: expected [name]");
		if (strcmp(k, "embargo") == 0 || strcmp(k, "run") == 0)
			f->section[0] = '\0';
		else
			memcpy(f->section, k, n + 1);
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return lfail(f, err, errsz, NULL, "expected key = value");
	*eq = '\0';
	k = trim(s);
	if (*k == '\0')
		return lfail(f, err, errsz, NULL, "missing key before '='");
	for (char *p = k; *p; p++) {
		if (!key_char(*p))
			return lfail(f, err, errsz, k, "bad character in key");
		if (*p == '-')
			*p = '_';
	}
	if (f->section[0])
		ret = snprintf(key, sizeof(key), "%s_%s", f->section, k);
	else
		ret = snprintf(key, sizeof(key), "%s", k);
	if (ret < 0 || (size_t)ret >= sizeof(key))
		return lfail(f, err, errsz, k, "key too long");
	v = value_of(eq + 1);
	if (!v)
		return lfail(f, err, errsz, key, "unterminated quote or text after it");
	if (*v == '\0')
		return lfail(f, err, errsz, key, "missing value");
	ret = conf_set(c, key, v, f->base_dir, msg, sizeof(msg));
	if (ret < 0) {
		/* conf_set wrote "key: message"; prefix the position. */
		fail(err, errsz, "%s:%u: %s", f->path, f->line, msg);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	c->origin[find_key(key) - keys] = f->line;
	return 0;
}

int conf_load(struct conf *c, const char *path, char *err, size_t errsz)
{
	struct file_ctx f = { .path = path };
	char *line = NULL, *dir = NULL, *slash;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int ret = 0;

	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		fail(err, errsz, "%s: %s", path, strerror(-ret));
		return ret;
	}
	dir = strdup(path);
	if (!dir || set_string(&c->path, path) < 0) {
		ret = -ENOMEM;
		fail(err, errsz, "%s: out of memory", path);
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir] = '\0';	/* "/x.conf" -> "/" */
		f.base_dir = dir;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		f.line++;
		if (memchr(line, '\0', (size_t)n)) {
			ret = lfail(&f, err, errsz, NULL, "NUL byte in line");
			goto out;
		}
		ret = conf_line(c, &f, line, err, errsz);
		if (ret < 0)
			goto out;
	}
	if (ferror(fp)) {
		ret = -EIO;
		fail(err, errsz, "%s: read error", path);
	}
out:
	free(line);
	free(dir);
	fclose(fp);
	return ret;
}
