// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_loop.c - the poll loop, eventfd, timerfd and signalfd helpers, and
 * the verdict table of the queue threads (loop_map_verdict, loop.h): how an
 * engine result becomes a queue verdict and mark, and what happens to a
 * packet that comes back carrying its own final mark; and the policy clock
 * when the system clock is implausible (loop_policy_clock).  The threads
 * themselves need CAP_NET_ADMIN and are covered by tests/live.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"
#include "../tap.h"

struct ctx {
	struct loop *l;
	int calls;
	int stop_after;
	int fail_with;
};

static int on_readable(void *p, int fd)
{
	struct ctx *c = p;

	loop_event_read(fd);
	c->calls++;
	if (c->fail_with)
		return c->fail_with;
	if (c->calls >= c->stop_after)
		loop_stop(c->l);
	else
		loop_event_post(fd);	/* keep it readable for another round */
	return 0;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void test_events(void)
{
	int fd = loop_event_new();

	ok(fd >= 0, "eventfd created");
	is_int(0, (long long)loop_event_read(fd), "no post: read 0");
	loop_event_post(fd);
	loop_event_post(fd);
	loop_event_post(fd);
	is_int(3, (long long)loop_event_read(fd), "three posts: read 3");
	is_int(0, (long long)loop_event_read(fd), "consumed");
	close(fd);
}

static void test_run(void)
{
	struct ctx c = { .stop_after = 3 };
	int fd = loop_event_new(), ret;

	c.l = loop_new();
	is_int(0, loop_add(c.l, fd, on_readable, &c), "loop_add");
	loop_event_post(fd);
	ret = loop_run(c.l);
	is_int(0, ret, "loop_run returns 0 after loop_stop");
	is_int(3, c.calls, "callback ran until it stopped the loop");

	c.calls = 0;
	c.fail_with = -EPIPE;
	loop_event_post(fd);
	is_int(-EPIPE, loop_run(c.l), "a failing callback ends loop_run with its error");
	is_int(1, c.calls, "  after one call");

	for (int i = 1; i < LOOP_MAX_FDS; i++)
		is_int(0, loop_add(c.l, fd, on_readable, &c), "loop_add %d of %d", i + 1,
		       LOOP_MAX_FDS);
	is_int(-ENOSPC, loop_add(c.l, fd, on_readable, &c), "one more than LOOP_MAX_FDS");
	loop_free(c.l);
	loop_free(NULL);
	close(fd);
}

static void test_timers(void)
{
	int mono = loop_timer_new(CLOCK_MONOTONIC), real = loop_timer_new(CLOCK_REALTIME);
	int64_t t0;

	ok(mono >= 0 && real >= 0, "timerfds created");
	is_int(0, loop_timer_read(mono), "unarmed: nothing to read");
	is_int(0, loop_timer_every(mono, 10000), "every 10 ms");
	ok(readable(mono, 1000), "periodic timer fires");
	ok(loop_timer_read(mono) >= 1, "expirations counted");
	is_int(0, loop_timer_every(mono, 0), "disarm");
	ok(!readable(mono, 50), "disarmed timer stays quiet");

	is_int(0, loop_timer_at(real, loop_now_us() - USEC_PER_SEC), "at: an instant past");
	ok(readable(real, 1000), "an instant already past fires at once");
	is_int(1, loop_timer_read(real), "  once");
	is_int(0, loop_timer_at(real, 0), "at: the epoch itself");
	ok(readable(real, 1000), "  fires at once too");
	loop_timer_read(real);

	t0 = loop_now_us();
	is_int(0, loop_timer_at(real, t0 + 100000), "at: now + 100 ms");
	ok(!readable(real, 50), "  not before");
	ok(readable(real, 2000), "  fires");
	ok(loop_now_us() - t0 >= 100000, "  not early (%lld us)", (long long)(loop_now_us() - t0));
	loop_timer_read(real);
	is_int(0, loop_timer_at(real, INT64_MAX), "at: INT64_MAX disarms");
	ok(!readable(real, 50), "  quiet");
	close(mono);
	close(real);
}

static void test_signals(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2 };
	int fd = loop_signalfd(sigs, ARRAY_SIZE(sigs));

	ok(fd >= 0, "signalfd created");
	is_int(0, loop_signal_read(fd), "nothing pending");
	raise(SIGUSR2);
	raise(SIGUSR1);
	ok(readable(fd, 1000), "signals arrive as input");
	{
		int a = loop_signal_read(fd), b = loop_signal_read(fd);

		ok((a == SIGUSR1 && b == SIGUSR2) || (a == SIGUSR2 && b == SIGUSR1),
		   "both signals read (%d, %d), the process not killed", a, b);
	}
	is_int(0, loop_signal_read(fd), "then nothing");
	close(fd);
}

/* ------------------------------------------------------------ verdicts */

#define MASK 0x0f000000u
#define ACC 0x01000000u
#define LOG 0x02000000u
#define DRP 0x03000000u
#define REJ 0x04000000u

static const struct conf_marks marks = {
	.mask = MASK, .accept = ACC, .log = LOG, .drop = DRP, .reject = REJ,
};

struct row {
	const char *what;
	/* in */
	enum verdict v;
	bool final, reject_dns, undecodable, pending;
	uint32_t pkt_mark;
	/* out */
	enum capture_action action;
	bool set_mark;
	uint32_t mark;
	bool nxdomain, requeued;
};

static const struct row rows[] = {
	{ "undecodable: accept as is", VERDICT_ACCEPT, false, false, true, false, 0,
	  CAPTURE_ACCEPT, false, 0, false, false },
	{ "undecodable but a drop verdict: still accept", VERDICT_DROP, true, false, true, false, 0,
	  CAPTURE_ACCEPT, false, 0, false, false },
	{ "accept, undecided: no mark", VERDICT_ACCEPT, false, false, false, false, 0,
	  CAPTURE_ACCEPT, false, 0, false, false },
	{ "accept, final: accept mark", VERDICT_ACCEPT, true, false, false, false, 0,
	  CAPTURE_ACCEPT, true, ACC, false, false },
	{ "accept, final: other mark bits kept", VERDICT_ACCEPT, true, false, false, false,
	  0xf0000005, CAPTURE_ACCEPT, true, 0xf0000005 | ACC, false, false },
	{ "accept, pending date: log mark", VERDICT_ACCEPT, false, false, false, true, 0,
	  CAPTURE_ACCEPT, true, LOG, false, false },
	{ "accept, pending and final: log wins", VERDICT_ACCEPT, true, false, false, true, 0x5,
	  CAPTURE_ACCEPT, true, LOG | 0x5, false, false },
	{ "drop, this packet only", VERDICT_DROP, false, false, false, false, 0,
	  CAPTURE_DROP, false, 0, false, false },
	{ "drop, final: repeat with drop mark", VERDICT_DROP, true, false, false, false, 0x10,
	  CAPTURE_REPEAT, true, DRP | 0x10, false, false },
	{ "drop, final, stale log bits replaced", VERDICT_DROP, true, false, false, false, LOG,
	  CAPTURE_REPEAT, true, DRP, false, false },
	{ "reject of a DNS query: NXDOMAIN then drop", VERDICT_REJECT, false, true, false, false,
	  0, CAPTURE_DROP, false, 0, true, false },
	{ "reject, final TCP: repeat with reject mark", VERDICT_REJECT, true, false, false, false, 0,
	  CAPTURE_REPEAT, true, REJ, false, false },
	{ "reject, not final: reject mark too", VERDICT_REJECT, false, false, false, false, 0,
	  CAPTURE_REPEAT, true, REJ, false, false },
	{ "came back with the drop mark: drop here", VERDICT_ACCEPT, false, false, false, false,
	  DRP, CAPTURE_DROP, false, 0, false, true },
	{ "came back with the reject mark: drop here", VERDICT_ACCEPT, true, false, false, false,
	  REJ | 0x1, CAPTURE_DROP, false, 0, false, true },
	{ "log mark on arrival is not a loop", VERDICT_ACCEPT, false, false, false, false, LOG,
	  CAPTURE_ACCEPT, false, 0, false, false },
	{ "accept mark on arrival: judged normally", VERDICT_DROP, true, false, false, false, ACC,
	  CAPTURE_REPEAT, true, DRP, false, false },
	{ "bits outside the mask only: judged normally", VERDICT_DROP, false, false, false, false,
	  0xf0000000, CAPTURE_DROP, false, 0, false, false },
};

static void test_verdicts(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		struct engine_result res;
		struct loop_verdict out;

		memset(&res, 0, sizeof(res));
		res.verdict = r->v;
		res.flow_final = r->final;
		res.reject_dns = r->reject_dns;
		res.undecodable = r->undecodable;
		memset(&out, 0xa5, sizeof(out));
		loop_map_verdict(&res, &marks, r->pkt_mark, r->pending, &out);
		ok(out.action == r->action && out.set_mark == r->set_mark &&
			   (!r->set_mark || out.mark == r->mark) && out.nxdomain == r->nxdomain &&
			   out.requeued == r->requeued,
		   "%s", r->what);
		if (out.action != r->action || out.mark != r->mark)
			diag("  action %d mark 0x%08x set %d nx %d rq %d", out.action, out.mark,
			     out.set_mark, out.nxdomain, out.requeued);
	}
	{
		struct loop_verdict out = { .action = CAPTURE_DROP, .nxdomain = true };

		loop_reject_fallback(&marks, 0x00000042, false, &out);
		ok(out.action == CAPTURE_REPEAT && out.set_mark && out.mark == (REJ | 0x42) &&
			   !out.nxdomain,
		   "no NXDOMAIN possible over TCP: the reject mark");
		out = (struct loop_verdict){ .action = CAPTURE_ACCEPT, .nxdomain = true };
		loop_reject_fallback(&marks, 0x00000042, true, &out);
		ok(out.action == CAPTURE_DROP && !out.set_mark && !out.nxdomain,
		   "no NXDOMAIN sent over UDP: drop, the resolver's flow stays unmarked");
	}
}

/* ---------------------------------------------------------- policy clock */

static void test_clock(void)
{
	const int64_t S = INT64_C(1735689600000000);	/* 2025-01-01: the default */
	const int64_t boot = INT64_C(86400000000);	/* 1970-01-02: no RTC */
	const int64_t AS = INT64_C(1727481600000000);	/* an as_of, 2024-09-28 */
	static const struct {
		const char *what;
		bool use_as_of;
		int64_t now_rel;		/* now = S + now_rel, or boot if 1 */
		bool no_sanity;
		enum conf_clock_policy pol;
		enum loop_clock_state state;
		bool judge, out_as_of;
		int at;				/* 0: none, 1: S, 2: AS */
	} t[] = {
		{ "sane clock, one second past the minimum", false, 1000000, false,
		  CONF_CLOCK_ENFORCE, LOOP_CLOCK_SANE, true, false, 0 },
		{ "exactly the minimum is sane", false, 0, false, CONF_CLOCK_ENFORCE,
		  LOOP_CLOCK_SANE, true, false, 0 },
		{ "1 us before the minimum, enforce: judged at the minimum", false, -1, false,
		  CONF_CLOCK_ENFORCE, LOOP_CLOCK_INSANE_ENFORCE, true, true, 1 },
		{ "1970 (no RTC), enforce: judged at the minimum", false, 1, false,
		  CONF_CLOCK_ENFORCE, LOOP_CLOCK_INSANE_ENFORCE, true, true, 1 },
		{ "1970, log: the clock as it is", false, 1, false, CONF_CLOCK_LOG,
		  LOOP_CLOCK_INSANE_LOG, true, false, 0 },
		{ "1970, accept: nothing judged", false, 1, false, CONF_CLOCK_ACCEPT,
		  LOOP_CLOCK_INSANE_ACCEPT, false, false, 0 },
		{ "1970, clock_sanity none: the clock as it is", false, 1, true,
		  CONF_CLOCK_ENFORCE, LOOP_CLOCK_SANE, true, false, 0 },
		{ "as_of wins over an insane clock (a drill says the time)", true, 1, false,
		  CONF_CLOCK_ENFORCE, LOOP_CLOCK_SANE, true, true, 2 },
		{ "as_of before the minimum is not second-guessed", true, 1000000, false,
		  CONF_CLOCK_ACCEPT, LOOP_CLOCK_SANE, true, true, 2 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct loop_clock c;
		int64_t now = t[i].now_rel == 1 ? boot : S + t[i].now_rel;
		int64_t want_at = t[i].at == 1 ? S : t[i].at == 2 ? AS : 0;

		memset(&c, 0xa5, sizeof(c));
		loop_policy_clock(t[i].use_as_of, AS, t[i].no_sanity ? CONF_NO_CLOCK_SANITY : S,
				  t[i].pol, now, &c);
		ok(c.state == t[i].state && c.judge == t[i].judge &&
			   c.use_as_of == t[i].out_as_of && (!t[i].at || c.as_of_us == want_at),
		   "clock: %s", t[i].what);
		if (c.state != t[i].state || c.use_as_of != t[i].out_as_of)
			diag("  state %d judge %d as_of %d %lld", c.state, c.judge, c.use_as_of,
			     (long long)c.as_of_us);
	}
}

int main(void)
{
	test_events();
	test_run();
	test_timers();
	test_signals();
	test_verdicts();
	test_clock();
	return done_testing();
}
