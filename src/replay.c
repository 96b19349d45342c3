// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - `embargo replay [options] FILE...`: read pcap/pcapng files with
 * libpcap, run every frame through a fresh engine per file, and print JSON
 * events or the human report.
 *
 * Exit status, like grep: 0 no match, 1 at least one match, 2 an error (a
 * file that cannot be read, an unsupported link type, a damaged capture).
 * A damaged file does not stop the others, and what was read of it before
 * the damage still counts.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "log.h"
#include "parse_link.h"
#include "replay.h"
#include "report.h"
#include "util.h"

/* Expire idle flows every this much capture time. */
#define EXPIRE_EVERY_US (10 * USEC_PER_SEC)

struct replay {
	bool json;
	bool all;
	bool use_as_of;
	int64_t as_of_us;
	unsigned file_no;
	struct report *report;
	FILE *out;
	bool out_err;
	uint64_t matches;
	struct engine_stats total;
};

static void on_event(void *ctx, const struct event *ev)
{
	struct replay *r = ctx;

	if (ev->type == EV_MATCH)
		r->matches++;
	if (r->json) {
		if (event_write_json(ev, r->out) < 0)
			r->out_err = true;
	} else if (report_event(r->report, r->file_no, ev) < 0) {
		r->out_err = true;
	}
}

static void add_stats(struct engine_stats *t, const struct engine_stats *s)
{
	/* Every field is a uint64_t counter: add them as an array. */
	uint64_t *a = (uint64_t *)t;
	const uint64_t *b = (const uint64_t *)s;

	for (size_t i = 0; i < sizeof(*t) / sizeof(uint64_t); i++)
		a[i] += b[i];
}

/* Returns 0, or -1 after printing an error naming @path. */
static int replay_file(struct replay *r, const char *path, const struct blocklist *bl)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct engine_opts o = {
		.bl = bl,
		.report_all = r->all,
		.use_as_of = r->use_as_of,
		.as_of_us = r->as_of_us,
		.on_event = on_event,
		.ctx = r,
	};
	struct pcap_pkthdr *h;
	const u_char *data;
	struct engine *e;
	struct engine_stats st;
	struct engine_result res;
	int64_t next_expire = INT64_MIN;
	int dlt, rc, ret = 0;
	pcap_t *pc;

	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc) {
		fprintf(stderr, "embargo: %s: %s\n", path, errbuf[0] ? errbuf : "cannot open");
		return -1;
	}
	dlt = pcap_datalink(pc);
	if (!link_supported(dlt)) {
		const char *n = pcap_datalink_val_to_name(dlt);

		fprintf(stderr, "embargo: %s: unsupported link type %d (%s)\n", path, dlt,
			n ? n : "unknown");
		pcap_close(pc);
		return -1;
	}
	e = engine_new(&o);
	if (!e) {
		fprintf(stderr, "embargo: %s: %s\n", path, strerror(errno));
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * USEC_PER_SEC + h->ts.tv_usec;

		engine_frame(e, dlt, ts, data, h->caplen, h->len, &res);
		if (!r->json)
			report_packet(r->report, r->file_no, ts, &res);
		if (ts >= next_expire) {
			engine_expire(e, ts);
			next_expire = ts + EXPIRE_EVERY_US;
		}
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "embargo: %s: %s\n", path, pcap_geterr(pc));
		ret = -1;
	}
	engine_get_stats(e, &st);
	add_stats(&r->total, &st);
	engine_free(e);
	pcap_close(pc);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: embargo replay [options] FILE...\n"
		"  -b, --blocklist PATH   list file or directory (repeatable; default: bundled)\n"
		"  -t, --as-of TIME       evaluate the policy at TIME (RFC 3339), not packet time\n"
		"  -J, --json             events as JSON lines on stdout\n"
		"  -a, --all              also report names that matched nothing\n"
		"  -h, --help             this help\n"
		"Exit status: 0 no match, 1 match, 2 error.\n");
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "blocklist", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lists[CLI_MAX_BLOCKLISTS];
	struct replay r = { .out = stdout };
	struct blocklist *bl = NULL;
	size_t nlists = 0;
	bool failed = false;
	char clock[64 + TIME_RFC3339_LEN];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:t:Jah", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (nlists == CLI_MAX_BLOCKLISTS) {
				fprintf(stderr, "embargo: replay: more than %d --blocklist\n",
					CLI_MAX_BLOCKLISTS);
				return 2;
			}
			lists[nlists++] = optarg;
			break;
		case 't':
			if (cli_parse_time("--as-of", optarg, &r.as_of_us) < 0)
				return 2;
			r.use_as_of = true;
			break;
		case 'J':
			r.json = true;
			break;
		case 'a':
			r.all = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "embargo: replay: no capture file given\n");
		usage(stderr);
		return 2;
	}
	if (cli_load_blocklist(lists, nlists, &bl) < 0)
		return 2;
	if (!r.json) {
		r.report = report_new();
		if (!r.report)
			die("out of memory");
	}
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	for (int i = optind; i < argc; i++, r.file_no++)
		if (replay_file(&r, argv[i], bl) < 0)
			failed = true;

	if (!r.json) {
		if (r.use_as_of) {
			char t[TIME_RFC3339_LEN];
			snprintf(clock, sizeof(clock), "%s (--as-of)",
				 time_format_rfc3339(r.as_of_us, t, sizeof(t)));
		} else {
			snprintf(clock, sizeof(clock), "each packet's own timestamp");
		}
		report_print(r.report, stdout, &r.total, r.file_no, clock);
		report_free(r.report);
	}
	if (fflush(stdout) != 0 || r.out_err) {
		fprintf(stderr, "embargo: replay: writing output: %s\n", strerror(errno));
		failed = true;
	}
	blocklist_free(bl);
	if (failed)
		return 2;
	return r.matches ? 1 : 0;
}
