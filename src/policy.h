// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.h - what to do about a match, as a pure function of the rule's
 * section (category, enforcement date, action) and the evaluation time.
 * Never sees packet bytes.
 */
#ifndef EMBARGO_POLICY_H
#define EMBARGO_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum action {
	ACTION_LOG = 0,		/* let it pass, record the event */
	ACTION_DROP,		/* drop silently */
	ACTION_REJECT,		/* TCP reset / DNS NXDOMAIN, so clients fail fast */
};

/* Enforcement start: enforce_from in microseconds since the epoch. */
#define POLICY_NEVER INT64_MAX		/* enforce_from: never enforced */
#define POLICY_ALWAYS INT64_MIN		/* enforce_from: always enforced */

struct policy_rule {
	enum action action;		/* the action once enforced */
	int64_t enforce_from;		/* first enforced instant, or NEVER/ALWAYS */
};

struct decision {
	enum action action;		/* the action to take now */
	bool enforced;			/* now >= enforce_from */
};

/*
 * policy_decide - before @r->enforce_from the action is ACTION_LOG with
 * enforced false; from that instant on it is @r->action with enforced true.
 * An ACTION_LOG rule after its date is {LOG, true}.
 */
struct decision policy_decide(const struct policy_rule *r, int64_t now_us);

const char *action_name(enum action a);
/* action_parse - "drop", "reject", "log" -> 0 or -EINVAL. */
int action_parse(const char *s, enum action *out);

#endif
