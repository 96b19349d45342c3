// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_run.h - `embargo run`: the live gateway daemon on NFQUEUE.
 */
#ifndef EMBARGO_CMD_RUN_H
#define EMBARGO_CMD_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_nfq.h"
#include "conf.h"
#include "engine.h"

/*
 * cmd_run - argv[0] is "run".  Runs in the foreground until SIGTERM/SIGINT.
 * Exit status: 0 after a clean stop (or --check), 2 on a start-up error or
 * a failure of the packet path.
 */
int cmd_run(int argc, char **argv);

/*
 * How one engine result becomes a queue verdict (exposed for the unit
 * tests).  Decided flows get a mark the ruleset stores in the conntrack
 * entry (CONNMARK / "ct mark set"), so later packets are accepted or
 * dropped by the kernel without being queued:
 *
 *   engine says                 verdict    mark      the ruleset then
 *   accept, flow undecided      ACCEPT     -         keeps queueing the first packets
 *   accept, flow final          ACCEPT     accept    stops queueing the flow
 *   accept, flow matched        ACCEPT     log       queues the flow's every packet,
 *     (log action / before the date)                 so the date can still cut it
 *   drop, this packet only      DROP       -         -
 *   drop, flow final            REPEAT     drop      drops it and the rest of the flow
 *   reject, DNS query over UDP  DROP       -         (NXDOMAIN sent by embargo)
 *   reject, otherwise           REPEAT     reject    REJECT: TCP RST, else ICMP
 *
 * REPEAT (not ACCEPT) for the marked drops: if the ruleset does not act on
 * the mark, the packet comes back to the queue still carrying it, and is
 * then dropped here (@requeued) instead of leaking through.
 */
struct run_verdict {
	enum capture_action action;
	bool set_mark;
	uint32_t mark;			/* the packet's whole new mark */
	bool nxdomain;			/* answer NXDOMAIN first; if that fails use
					 * run_reject_fallback() */
	bool requeued;			/* a decided packet came back: ruleset lacks
					 * the mark rules */
};

void run_map_verdict(const struct engine_result *res, const struct conf_marks *m,
		     uint32_t pkt_mark, struct run_verdict *out);

/* run_reject_fallback - the verdict when no NXDOMAIN could be sent: the reject mark. */
void run_reject_fallback(const struct conf_marks *m, uint32_t pkt_mark, struct run_verdict *out);

#endif
