// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - the decision for a matched rule at a given instant (contract
 * in policy.h).
 *
 * Pure functions: no clock is read here.  The caller passes "now" (packet
 * time when replaying a capture, the wall clock when live), so a replay of
 * a capture taken before an enforcement date decides as the filter would
 * have decided then.
 */
#include <errno.h>
#include <string.h>

#include "policy.h"
#include "util.h"

struct decision policy_decide(const struct policy_rule *r, int64_t now_us)
{
	bool on;

	/* The sentinels are compared explicitly: "never" must stay never even at INT64_MAX. */
	if (r->enforce_from == POLICY_NEVER)
		on = false;
	else if (r->enforce_from == POLICY_ALWAYS)
		on = true;
	else
		on = now_us >= r->enforce_from;

	return (struct decision){ .action = on ? r->action : ACTION_LOG, .enforced = on };
}

const char *action_name(enum action a)
{
	switch (a) {
	case ACTION_LOG:
		return "log";
	case ACTION_DROP:
		return "drop";
	case ACTION_REJECT:
		return "reject";
	}
	return "invalid";
}

int action_parse(const char *s, enum action *out)
{
	static const enum action all[] = { ACTION_LOG, ACTION_DROP, ACTION_REJECT };

	if (!s)
		return -EINVAL;
	/* Case-sensitive, like every other keyword of the list and config formats. */
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (strcmp(s, action_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -EINVAL;
}
