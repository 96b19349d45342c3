// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.h - the live daemon's settings: defaults, the configuration file
 * (man/embargo.conf.5) and command-line overrides, all through one setter so
 * a value means the same thing wherever it is written.
 *
 * File format: one "key = value" per line; '#' starts a comment (whole line
 * or after whitespace); blank lines are ignored; "[section]" lines are
 * optional: inside "[S]" a key "k" means "S_k" ("[mark] drop" is
 * "mark_drop"), except in "[embargo]" and "[run]", which mean no prefix.
 * Relative blocklist paths are taken from the configuration file's directory.
 *
 * Errors are reported as "FILE:LINE: field: message" (conf_load) or
 * "field: message" (conf_set), in a caller buffer; nothing is printed.
 *
 * Named conf.h, not config.h: the build generates a config.h (paths and
 * version) that src/ includes as "config.h".
 */
#ifndef EMBARGO_CONF_H
#define EMBARGO_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define CONF_MAX_BLOCKLISTS 64
#define CONF_ERR_LEN 1024
#define CONF_MAX_KEYS 64		/* room for the key table (conf.c) */

/* The user `embargo run` drops to by default, and the fallback when it does not exist. */
#define CONF_DEFAULT_USER "embargo"
#define CONF_FALLBACK_USER "nobody"

/*
 * The default clock_sanity, 2025-01-01T00:00:00Z: after every enforcement
 * date of the bundled lists (2024-09-29) and before any clock this program
 * can really run under.  See embargo.conf(5), "Policy clock".
 */
#define CONF_DEFAULT_CLOCK_SANITY_US INT64_C(1735689600000000)
#define CONF_NO_CLOCK_SANITY INT64_MIN	/* clock_sanity = none */

struct conf_marks {
	uint32_t mask;			/* the mark bits embargo owns */
	uint32_t accept;		/* flow decided: accept, stop queueing */
	uint32_t log;			/* flow matched, not blocked (yet): keep queueing */
	uint32_t drop;			/* flow decided: drop in the kernel */
	uint32_t reject;		/* flow decided: reject (TCP RST / ICMP) */
};

/* seccomp = strict | log | off (sandbox.h) */
enum conf_seccomp {
	CONF_SECCOMP_STRICT = 0,	/* a forbidden system call kills the process */
	CONF_SECCOMP_LOG,		/* ... fails with EPERM and is counted */
	CONF_SECCOMP_OFF,
};

/* insane_clock_policy: while the system clock is before clock_sanity. */
enum conf_clock_policy {
	CONF_CLOCK_ENFORCE = 0,		/* judge at clock_sanity: its past dates apply */
	CONF_CLOCK_LOG,			/* judge at the clock as it is (dates ahead: log) */
	CONF_CLOCK_ACCEPT,		/* judge nothing: every packet passes */
};

struct conf {
	uint16_t queue_first, queue_last;	/* queue N or N-M */
	char *blocklists[CONF_MAX_BLOCKLISTS];	/* owned; empty = bundled lists */
	uint8_t blocklist_format[CONF_MAX_BLOCKLISTS];	/* enum bl_format, 0 = auto */
	size_t n_blocklists;
	/* list switches (file stem, list or list/category): see blocklist.h */
	char *lists_off[CONF_MAX_BLOCKLISTS], *lists_on[CONF_MAX_BLOCKLISTS];	/* owned */
	size_t n_lists_off, n_lists_on;
	char *log;			/* owned; NULL or "-" = stdout */
	bool fail_open;			/* NFQA_CFG_F_FAIL_OPEN */
	uint32_t queue_maxlen;		/* kernel queue length, packets */
	uint64_t rcvbuf;		/* SO_RCVBUFFORCE bytes; 0 = from queue_maxlen */
	uint64_t max_flows;		/* flow table entries per queue */
	uint32_t flow_timeout;		/* idle seconds */
	uint32_t batch;			/* accepts per batch verdict; 1 = no batching */
	uint32_t stats_interval;	/* seconds between stats lines; 0 = off */
	bool report_all;		/* also log names that matched nothing */
	bool use_as_of;			/* fixed policy clock ... */
	int64_t as_of_us;		/* ... at this instant */
	char *default_category;		/* owned; for plain lists */
	struct policy_rule default_policy;	/* action/enforce for plain lists */
	struct conf_marks marks;
	/* Least privilege (privs.h, sandbox.h). */
	char *user;			/* owned; NULL = CONF_DEFAULT_USER */
	enum conf_seccomp seccomp;
	/* Defined failure. */
	bool error_drop;		/* error_verdict = drop (else accept) */
	int64_t clock_sanity_us;	/* CONF_NO_CLOCK_SANITY = no check */
	enum conf_clock_policy insane_clock;
	/* Table caps per queue (engine_opts), each > 0. */
	uint64_t stream_cap;		/* client bytes reassembled per flow */
	uint64_t stream_mem;		/* all reassembly buffers */
	uint64_t frag_max;		/* IP datagrams in reassembly */
	uint64_t frag_mem;		/* bytes of IP fragments held */
	uint64_t learned_max;		/* addresses learned from DNS answers */
	/* Logs and metrics (observe.h). */
	uint32_t aggregate_interval;	/* seconds; repeated events summarised; 0 = off */
	char *metrics_file;		/* owned; Prometheus text file, NULL = none */
	uint32_t metrics_interval;	/* seconds between metrics file writes */
	char *path;			/* owned; the file loaded, NULL if none */
	/*
	 * Where each key (conf.c's table order) was last set: 0 = default,
	 * a line of @path, or CONF_ORIGIN_SET (conf_set, e.g. the command
	 * line).  conf_check() uses it to name the line of a cross-field error.
	 */
	uint32_t origin[CONF_MAX_KEYS];
};

#define CONF_ORIGIN_SET UINT32_MAX

/* conf_init - fill @c with the defaults (documented in embargo.conf(5)). */
void conf_init(struct conf *c);

/* conf_free - free what @c owns and leave it as after conf_init(). */
void conf_free(struct conf *c);

/*
 * conf_set - set @key (canonical flat name, e.g. "mark_drop") from @value.
 * "blocklist" appends.  @base_dir, if not NULL, is prepended to relative
 * blocklist paths.  Returns 0, or -EINVAL / -ENOMEM / -ENOENT (unknown key)
 * with "key: message" in @err (CONF_ERR_LEN bytes).  errno is not used.
 */
int conf_set(struct conf *c, const char *key, const char *value, const char *base_dir,
	     char *err, size_t errsz);

/*
 * conf_load - read the file @path into @c (on top of what @c holds).
 * Returns 0, or a negative errno with "FILE:LINE: field: message" (or
 * "FILE: message" when the file cannot be read) in @err.  On failure @c may
 * hold the settings of the lines before the error: load into a scratch
 * struct when the old values must survive (reload).
 */
int conf_load(struct conf *c, const char *path, char *err, size_t errsz);

/*
 * conf_check - cross-field rules: queue range, marks nonzero, distinct and
 * inside mark_mask.  Returns 0 or -EINVAL with "field: message" in @err,
 * prefixed by "FILE:LINE: " when the field was set by a line of the file.
 */
int conf_check(const struct conf *c, char *err, size_t errsz);

/* conf_rcvbuf - the receive buffer to request: rcvbuf, or sized from queue_maxlen. */
uint64_t conf_rcvbuf(const struct conf *c);

/* conf_user - the user to run as: @c->user, or CONF_DEFAULT_USER. */
const char *conf_user(const struct conf *c);

/* Names of the enum values, as written in the file. */
const char *conf_seccomp_name(enum conf_seccomp m);
const char *conf_clock_policy_name(enum conf_clock_policy p);

/* conf_parse_queue - "N" or "N-M" (N <= M <= 65535, at most 64 queues). 0 or -EINVAL. */
int conf_parse_queue(const char *s, uint16_t *first, uint16_t *last);

#endif
