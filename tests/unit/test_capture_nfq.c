// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_capture_nfq.c - the kernel queue statistics parser and the packet
 * id gap count (undelivered packets).  The netlink paths need CAP_NET_ADMIN
 * and are covered by tests/live.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture_nfq.h"
#include "../tap.h"

/* net/netfilter/nfnetlink_queue.c seq_show: "%5u %6u %5u %1u %5u %5u %5u %8u %2d\n" */
static const char proc[] =
	"    0 2147483647     3 2 65531     7     9     1000  1\n"
	"    1  12346     0 2 65531     0     0       10  1\n"
	"65535 4294967295 4294967295 2 65531 4294967295 4294967295 4294967295  1\n";

static int parse(const char *text, unsigned queue, struct capture_nfq_kstats *ks)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -errno;
	ret = capture_nfq_read_kstats(f, (uint16_t)queue, ks);
	fclose(f);
	return ret;
}

static void test_id_gap(void)
{
	static const struct {
		bool have;
		uint32_t last, id, gap;
		const char *what;
	} t[] = {
		{ false, 0, 1, 0, "first id: nothing missed" },
		{ false, 0, 1000, 0, "first id far from 0: nothing missed (we started late)" },
		{ true, 1, 2, 0, "consecutive" },
		{ true, 1, 3, 1, "one missing" },
		{ true, 10, 40, 29, "29 missing" },
		{ true, 4294967295u, 0, 0, "wrap: 2^32-1 then 0 is consecutive" },
		{ true, 4294967295u, 2, 2, "wrap with 2 missing (0 and 1)" },
		{ true, 4294967294u, 1, 2, "wrap: 2^32-1 and 0 missing" },
		{ true, 5, 5, 0, "same id again: not a loss" },
		{ true, 5, 4, 0, "going back: not a loss" },
		{ true, 0, 0x80000000u, 0x7fffffffu, "largest gap counted (2^31 - 1)" },
		{ true, 0, 0x80000001u, 0, "a step of 2^31: a restart, not counted" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(t[i].gap, capture_nfq_id_gap(t[i].have, t[i].last, t[i].id), "id gap: %s",
		       t[i].what);
}

int main(void)
{
	struct capture_nfq_kstats ks;

	test_id_gap();
	memset(&ks, 0, sizeof(ks));
	is_int(0, parse(proc, 0, &ks), "queue 0 found");
	ok(ks.portid == 2147483647u && ks.queue_total == 3 && ks.copy_mode == 2 &&
		   ks.copy_range == 65531 && ks.dropped == 7 && ks.user_dropped == 9 &&
		   ks.id_sequence == 1000,
	   "queue 0 fields");
	is_int(0, parse(proc, 1, &ks), "queue 1 found");
	ok(ks.portid == 12346 && ks.queue_total == 0 && ks.id_sequence == 10, "queue 1 fields");
	is_int(0, parse(proc, 65535, &ks), "queue 65535 found");
	ok(ks.portid == 4294967295u && ks.dropped == 4294967295u && ks.id_sequence == 4294967295u,
	   "maximum counter values");
	is_int(-ENOENT, parse(proc, 2, &ks), "unbound queue: -ENOENT");
	is_int(-ENOENT, parse("", 0, &ks), "empty file: -ENOENT");
	is_int(-EINVAL, parse("    0  12345     3 2 65531\n", 0, &ks), "short line: -EINVAL");
	is_int(-EINVAL, parse("queue portid\n", 0, &ks), "text: -EINVAL");
	is_int(-EINVAL, parse("    5  1 0 2 65531 0 0 1  1\n    x\n", 0, &ks),
	       "bad line after a non-matching one: -EINVAL");
	return done_testing();
}
