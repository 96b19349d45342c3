// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_engine.c - fuzz target for the whole per-packet pipeline (engine.h):
 * decoding, flows, TCP and QUIC reassembly, IP fragments, tunnels, DNS
 * answers with learned addresses, matching, policy and event formatting,
 * driven by a sequence of frames.
 *
 * Input:  | opts | len16 | frame | len16 | frame | ...
 *   opts bit 0: link type DLT_RAW (else DLT_EN10MB); bit 1: report every
 *   name; bits 2-3 / 4-5: learned_ip / learned_ech policy; bit 6: tiny
 *   tables (flows, streams, fragments and learned addresses at a handful of
 *   entries, so eviction runs all the time); bit 7: 40 s between frames
 *   with a 30 s flow timeout and engine_expire() before each frame (else
 *   1 ms between frames).
 *   len16 is big-endian; the last frame may be cut short by the input end.
 *
 * A small blocklist, built once from LIST below through a temporary file,
 * has every kind of rule (suffix, exact, subdomains-only, CIDR, allow,
 * drop/reject/log, past and future enforcement), with the Kaspersky names
 * of the project's own captures and a few names common in the corpus.
 *
 * Checked: every event formats as JSON of the reported length with
 * consistent fields; verdicts are in range; after every frame the memory
 * held stays within the configured caps.
 */
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocklist.h"
#include "engine.h"
#include "event.h"
#include "fuzz.h"

static const char LIST[] =
	"@list fuzz\n"
	"@category update\n"
	"@enforce 2024-09-29T00:00:00-04:00\n"
	"@action drop\n"
	"upd.kaspersky.com\n"
	"geo.kaspersky.com\n"
	"=downloads1.kaspersky-labs.com  # exact\n"
	"203.0.113.128/25\n"
	"77.74.176.0/21\n"
	"@category licensing\n"
	"@action reject\n"
	"activation-v2.kaspersky.com\n"
	"=my.kaspersky.com\n"
	"google.com\n"
	"@category ksn\n"
	"@action drop\n"
	"*.ksn.kaspersky-labs.com\n"
	"2001:db8:bad::/48\n"
	"facebook.com\n"
	"@category brand\n"
	"@enforce always\n"
	"@action log\n"
	"kaspersky.com\n"
	"kaspersky-labs.com\n"
	"example.com\n"
	"8.8.8.8\n"
	"@category future\n"
	"@enforce 2099-01-01T00:00:00Z\n"
	"@action drop\n"
	"youtube.com\n"
	"cloudflare.com\n"
	"@category exceptions\n"
	"@@opentip.kaspersky.com\n"
	"@@www.google.com\n"
	"@@8.8.4.4\n";

static struct blocklist *bl;

static void load_list(void)
{
	char path[] = "/tmp/fuzz_engine.XXXXXX";
	const char *paths[1] = { path };
	struct bl_error err;
	int fd = mkstemp(path);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, LIST, sizeof(LIST) - 1) == (ssize_t)(sizeof(LIST) - 1));
	close(fd);
	if (blocklist_load(&bl, paths, 1, NULL, &err) != 0) {
		fprintf(stderr, "fuzz_engine: %s:%u: %s\n", err.file, err.line, err.msg);
		unlink(path);
		abort();
	}
	unlink(path);
}

static void on_event(void *ctx, const struct event *ev)
{
	char buf[512], *big;
	size_t n;

	(void)ctx;
	FUZZ_CHECK(ev->type == EV_MATCH || ev->type == EV_NAME);
	FUZZ_CHECK(ev->app >= APP_IP && ev->app <= APP_HTTP);
	if (ev->app == APP_IP)
		FUZZ_CHECK(ev->name == NULL);
	if (ev->name)
		FUZZ_CHECK(strlen(ev->name) == ev->name_len && ev->name_len > 0);
	if (ev->type == EV_MATCH)
		FUZZ_CHECK(ev->rule != NULL && !ev->rule->allow);
	/* The JSON writer, with a buffer that is sometimes too small. */
	n = event_format_json(ev, buf, sizeof(buf));
	if (n < sizeof(buf)) {
		FUZZ_CHECK(strlen(buf) == n && n > 0 && buf[n - 1] == '\n');
		return;
	}
	big = malloc(n + 1);
	FUZZ_CHECK(big != NULL);
	FUZZ_CHECK(event_format_json(ev, big, n + 1) == n);
	FUZZ_CHECK(strlen(big) == n && big[n - 1] == '\n');
	free(big);
}

static void check_caps(const struct engine *e, const struct engine_opts *o)
{
	struct engine_stats st;

	engine_get_stats(e, &st);
	FUZZ_CHECK(st.flows_active <= o->max_flows);
	FUZZ_CHECK(st.stream_bytes <= o->stream_mem);
	FUZZ_CHECK(st.frag_bytes <= o->frag_mem);
	FUZZ_CHECK(st.learned_active <= o->learned_max);
	FUZZ_CHECK(st.verdict_accept + st.verdict_drop + st.verdict_reject <= st.packets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct engine_opts o;
	struct engine *e;
	int64_t ts = INT64_C(1727740800) * 1000000;	/* 2024-10-01, after the date */
	int64_t step;
	uint8_t opt;
	int dlt;

	if (!bl)
		load_list();
	if (size < 1)
		return 0;
	opt = fuzz_u8(&in);
	memset(&o, 0, sizeof(o));
	o.bl = bl;
	o.report_all = opt & 2;
	o.learned_ip = (enum learned_policy)((opt >> 2) & 3);
	o.learned_ech = (enum learned_policy)((opt >> 4) & 3);
	o.on_event = on_event;
	if (opt & 0x40) {
		o.max_flows = 16;	/* flowtab_new()'s minimum */
		o.stream_cap = 600;
		o.stream_mem = 2048;
		o.frag_max = 2;
		o.frag_mem = 4096;
		o.learned_max = 3;
	} else {
		/*
		 * Roomy for one input, but not the daemon's defaults: tables
		 * are allocated up front, and 65536 flows per execution would
		 * slow the fuzzer down a hundredfold.
		 */
		o.max_flows = 512;
		o.stream_cap = 16384;
		o.stream_mem = 1u << 20;
		o.frag_max = 64;
		o.frag_mem = 1u << 20;
		o.learned_max = 256;
	}
	o.flow_timeout_s = (opt & 0x80) ? 30 : 120;
	step = (opt & 0x80) ? 40 * INT64_C(1000000) : 1000;
	dlt = (opt & 1) ? DLT_RAW : DLT_EN10MB;
	e = engine_new(&o);
	FUZZ_CHECK(e != NULL);
	while (in.left >= 2) {
		size_t want = fuzz_u16(&in), len;
		const uint8_t *p = fuzz_take(&in, want, &len);
		struct engine_result res;
		uint8_t *frame;

		/* An exact-size copy, so that ASan sees a read past the frame. */
		frame = malloc(len ? len : 1);
		FUZZ_CHECK(frame != NULL);
		memcpy(frame, p, len);
		ts += step;
		if (opt & 0x80)
			engine_expire(e, ts);
		memset(&res, 0xa5, sizeof(res));
		engine_frame(e, dlt, ts, frame, len, (uint32_t)want, &res);
		free(frame);
		FUZZ_CHECK(res.verdict == VERDICT_ACCEPT || res.verdict == VERDICT_DROP ||
			   res.verdict == VERDICT_REJECT);
		FUZZ_CHECK(!res.reject_dns || res.verdict == VERDICT_REJECT);
		check_caps(e, &o);
	}
	engine_free(e);
	return 0;
}
