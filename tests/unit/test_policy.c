// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy.c - enforcement windows and action names (src/policy.c).
 */
#include <errno.h>
#include <stdint.h>

#include "policy.h"
#include "tap.h"
#include "util.h"

/* 2024-09-29T00:00:00-04:00, the date of the BIS ban's second phase. */
#define BAN_US (INT64_C(1727582400) * USEC_PER_SEC)

static void test_window(void)
{
	struct policy_rule r = { .action = ACTION_DROP, .enforce_from = BAN_US };
	struct decision d;
	int64_t t;

	ok(time_parse_rfc3339("2024-09-29T00:00:00-04:00", &t) == 0 && t == BAN_US,
	   "the ban instant is 1727582400 s");

	d = policy_decide(&r, BAN_US - 1);
	is_int(ACTION_LOG, d.action, "one microsecond before: log");
	ok(!d.enforced, "one microsecond before: not enforced");
	d = policy_decide(&r, BAN_US);
	is_int(ACTION_DROP, d.action, "at the instant: drop");
	ok(d.enforced, "at the instant: enforced");
	d = policy_decide(&r, BAN_US + 1);
	is_int(ACTION_DROP, d.action, "after: drop");
	d = policy_decide(&r, INT64_MIN);
	ok(d.action == ACTION_LOG && !d.enforced, "the earliest time: log, not enforced");
	d = policy_decide(&r, INT64_MAX);
	ok(d.action == ACTION_DROP && d.enforced, "the latest time: drop, enforced");

	r.action = ACTION_REJECT;
	d = policy_decide(&r, BAN_US);
	ok(d.action == ACTION_REJECT && d.enforced, "reject once enforced");
	d = policy_decide(&r, 0);
	ok(d.action == ACTION_LOG && !d.enforced, "reject rule before its date logs");

	r.action = ACTION_LOG;
	d = policy_decide(&r, BAN_US);
	ok(d.action == ACTION_LOG && d.enforced, "log rule after its date: {log, enforced}");
	d = policy_decide(&r, BAN_US - 1);
	ok(d.action == ACTION_LOG && !d.enforced, "log rule before its date: {log, not enforced}");
}

static void test_sentinels(void)
{
	struct policy_rule r = { .action = ACTION_DROP, .enforce_from = POLICY_ALWAYS };
	struct decision d;

	d = policy_decide(&r, INT64_MIN);
	ok(d.action == ACTION_DROP && d.enforced, "always: enforced at INT64_MIN");
	d = policy_decide(&r, 0);
	ok(d.action == ACTION_DROP && d.enforced, "always: enforced at the epoch");

	r.enforce_from = POLICY_NEVER;
	d = policy_decide(&r, INT64_MAX);
	ok(d.action == ACTION_LOG && !d.enforced, "never: not enforced even at INT64_MAX");
	d = policy_decide(&r, BAN_US);
	ok(d.action == ACTION_LOG && !d.enforced, "never: not enforced at the ban");

	r.enforce_from = INT64_MAX - 1;
	d = policy_decide(&r, INT64_MAX);
	ok(d.enforced, "a real date just before the NEVER sentinel is reachable");
	r.enforce_from = INT64_MIN + 1;
	d = policy_decide(&r, INT64_MIN);
	ok(!d.enforced, "a real date just after the ALWAYS sentinel is not yet reached at INT64_MIN");
}

static void test_names(void)
{
	static const struct {
		const char *s;
		int ret;
		enum action a;
	} t[] = {
		{ "drop", 0, ACTION_DROP },
		{ "reject", 0, ACTION_REJECT },
		{ "log", 0, ACTION_LOG },
		{ "DROP", -EINVAL, 0 },
		{ "Drop", -EINVAL, 0 },
		{ "dro", -EINVAL, 0 },
		{ "drops", -EINVAL, 0 },
		{ "drop ", -EINVAL, 0 },
		{ " drop", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "block", -EINVAL, 0 },
		{ "accept", -EINVAL, 0 },
	};
	enum action a;

	is_str("drop", action_name(ACTION_DROP), "name of drop");
	is_str("reject", action_name(ACTION_REJECT), "name of reject");
	is_str("log", action_name(ACTION_LOG), "name of log");
	is_str("invalid", action_name((enum action)42), "name of an out-of-range value");

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		a = (enum action)99;
		is_int(t[i].ret, action_parse(t[i].s, &a), "parse \"%s\"", t[i].s);
		if (t[i].ret == 0)
			is_int(t[i].a, a, "parse \"%s\" value", t[i].s);
		else
			is_int(99, a, "parse \"%s\" leaves the output alone", t[i].s);
	}
	is_int(-EINVAL, action_parse(NULL, &a), "parse NULL");

	/* Round trip: every action's name parses back to it. */
	for (int i = ACTION_LOG; i <= ACTION_REJECT; i++)
		ok(action_parse(action_name((enum action)i), &a) == 0 && a == (enum action)i,
		   "round trip %s", action_name((enum action)i));
}

int main(void)
{
	test_window();
	test_sentinels();
	test_names();
	return done_testing();
}
