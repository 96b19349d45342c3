// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcapout.c - matched flows to a pcap file.
 *
 * Undecided flows keep their first packets in a buffer, found by flow id in
 * an open-addressing table and chained oldest-first so memory pressure
 * gives up the oldest flow's packets.  When a flow matches, its buffer is
 * written ahead of the matching packet, so the file keeps capture order
 * within each flow.  (Between flows the order is the order of the matches:
 * a buffered packet is written after packets of other flows that matched
 * before it.  Wireshark sorts by time on request; mergecap/reordercap can
 * rewrite the file in time order.)
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "parse_link.h"
#include "pcapout.h"
#include "util.h"

#define SNAPLEN 262144

struct early {
	struct early *next;
	int64_t ts_us;
	uint32_t caplen, len;
	uint8_t data[];
};

struct pending {
	uint64_t flow_id;		/* 0: free slot; UINT64_MAX: deleted */
	struct early *head, *tail;
	unsigned n;
	size_t bytes;
	struct pending *older, *newer;	/* age list, by the flow's first packet */
};

#define DELETED UINT64_MAX

struct pcapout {
	pcap_t *dead;
	pcap_dumper_t *d;
	int dlt_out, dlt_in;
	struct pending *tab;
	size_t cap, used;		/* used counts deleted slots too */
	struct pending *oldest, *newest;
	size_t bytes;
	struct pcapout_stats st;
};

int pcapout_open(struct pcapout **out, const char *path, int dlt, char *err, size_t errsz)
{
	struct pcapout *po = calloc(1, sizeof(*po));

	*out = NULL;
	if (!po) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -ENOMEM;
	}
	po->dlt_out = po->dlt_in = dlt;
	po->cap = 1024;
	po->tab = calloc(po->cap, sizeof(*po->tab));
	po->dead = pcap_open_dead_with_tstamp_precision(dlt, SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
	if (!po->tab || !po->dead) {
		snprintf(err, errsz, "%s: out of memory", path);
		pcapout_close(po);
		return -ENOMEM;
	}
	po->d = pcap_dump_open(po->dead, path);
	if (!po->d) {
		snprintf(err, errsz, "%s", pcap_geterr(po->dead));
		pcapout_close(po);
		return -EIO;
	}
	*out = po;
	return 0;
}

/* Write one frame, converting to an IP packet if the link types differ. */
static void dump(struct pcapout *po, int64_t ts_us, const uint8_t *p, uint32_t caplen,
		 uint32_t len)
{
	struct pcap_pkthdr h;

	if (po->dlt_in != po->dlt_out) {
		struct l3_view v;

		if (link_decap(po->dlt_in, p, caplen, &v) != PARSE_OK) {
			po->st.not_converted++;
			return;
		}
		/* The wire length shrinks by the header stripped. */
		len -= (uint32_t)(v.p - p) < len ? (uint32_t)(v.p - p) : len;
		p = v.p;
		caplen = (uint32_t)v.len;
		if (len < caplen)
			len = caplen;
	}
	h.ts.tv_sec = (time_t)(ts_us / USEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(ts_us % USEC_PER_SEC);
	if (ts_us < 0 && h.ts.tv_usec) {
		h.ts.tv_sec--;
		h.ts.tv_usec += USEC_PER_SEC;
	}
	h.caplen = caplen > SNAPLEN ? SNAPLEN : caplen;
	h.len = len;
	pcap_dump((u_char *)po->d, &h, p);
	po->st.written++;
}

static struct pending *slot(struct pcapout *po, uint64_t flow_id, bool insert)
{
	size_t i = hash64(&flow_id, sizeof(flow_id), 7) & (po->cap - 1);
	struct pending *tomb = NULL;

	for (;; i = (i + 1) & (po->cap - 1)) {
		struct pending *s = &po->tab[i];

		if (s->flow_id == flow_id)
			return s;
		if (s->flow_id == DELETED && !tomb)
			tomb = s;
		if (s->flow_id == 0)
			return insert ? (tomb ? tomb : s) : NULL;
	}
}

static void age_unlink(struct pcapout *po, struct pending *s)
{
	if (s->older)
		s->older->newer = s->newer;
	else
		po->oldest = s->newer;
	if (s->newer)
		s->newer->older = s->older;
	else
		po->newest = s->older;
	s->older = s->newer = NULL;
}

/* Free a flow's buffer and its slot; @discard counts the packets as lost. */
static void drop_pending(struct pcapout *po, struct pending *s, uint64_t *counter)
{
	struct early *e = s->head;

	while (e) {
		struct early *next = e->next;

		free(e);
		e = next;
	}
	*counter += s->n;
	po->bytes -= s->bytes;
	age_unlink(po, s);
	memset(s, 0, sizeof(*s));
	s->flow_id = DELETED;
}

static void clear_all(struct pcapout *po)
{
	uint64_t ignore = 0;

	while (po->oldest)
		drop_pending(po, po->oldest, &ignore);
	memset(po->tab, 0, po->cap * sizeof(*po->tab));
	po->used = 0;
}

/* Grow (or just clean out deleted slots) when 3/4 full. */
static int rehash(struct pcapout *po)
{
	size_t ncap = po->cap, live = 0;
	struct pending *old = po->tab, *nt, *chain = NULL;

	for (struct pending *s = po->oldest; s; s = s->newer)
		live++;
	if (live * 2 >= po->cap)
		ncap *= 2;
	nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	/* Re-insert in age order so the age list can be rebuilt as it was. */
	po->tab = nt;
	chain = po->oldest;
	po->cap = ncap;
	po->used = 0;
	po->oldest = po->newest = NULL;
	for (struct pending *s = chain; s;) {
		struct pending *next = s->newer, *d = slot(po, s->flow_id, true);

		*d = *s;
		d->older = po->newest;
		d->newer = NULL;
		if (po->newest)
			po->newest->newer = d;
		else
			po->oldest = d;
		po->newest = d;
		po->used++;
		s = next;
	}
	free(old);
	return 0;
}

/* Keep a copy of an undecided flow's packet, within the limits. */
static void keep_early(struct pcapout *po, uint64_t flow_id, int64_t ts_us, const uint8_t *p,
		       uint32_t caplen, uint32_t len)
{
	struct pending *s = slot(po, flow_id, false);
	struct early *e;

	if (s && s->n >= PCAPOUT_PRE_PACKETS)
		return;
	if (caplen > PCAPOUT_PRE_BYTES / 16)
		return;		/* a giant frame would flush everyone else's */
	while (po->oldest && po->bytes + caplen > PCAPOUT_PRE_BYTES)
		drop_pending(po, po->oldest, &po->st.early_evicted);
	s = slot(po, flow_id, false);	/* it may have been the oldest */
	if (!s) {
		if ((po->used + 1) * 4 > po->cap * 3 && rehash(po) < 0)
			return;
		s = slot(po, flow_id, true);
		if (s->flow_id == 0)
			po->used++;
		memset(s, 0, sizeof(*s));
		s->flow_id = flow_id;
		s->older = po->newest;
		if (po->newest)
			po->newest->newer = s;
		else
			po->oldest = s;
		po->newest = s;
	}
	e = malloc(sizeof(*e) + caplen);
	if (!e)
		return;
	e->next = NULL;
	e->ts_us = ts_us;
	e->caplen = caplen;
	e->len = len;
	memcpy(e->data, p, caplen);
	if (s->tail)
		s->tail->next = e;
	else
		s->head = e;
	s->tail = e;
	s->n++;
	s->bytes += caplen;
	po->bytes += caplen;
}

void pcapout_begin_file(struct pcapout *po, int dlt)
{
	clear_all(po);
	po->dlt_in = dlt;
}

void pcapout_frame(struct pcapout *po, int64_t ts_us, const uint8_t *p, uint32_t caplen,
		   uint32_t len, const struct engine_result *res)
{
	struct pending *s;

	if (!res->flow_id)
		return;
	s = slot(po, res->flow_id, false);
	if (res->matched) {
		if (s) {
			for (struct early *e = s->head; e; e = e->next) {
				dump(po, e->ts_us, e->data, e->caplen, e->len);
				po->st.early++;
			}
			drop_pending(po, s, &(uint64_t){ 0 });
		}
		dump(po, ts_us, p, caplen, len);
		return;
	}
	if (res->flow_final) {
		/* Settled without a match: it never will. */
		if (s)
			drop_pending(po, s, &po->st.early_discarded);
		return;
	}
	keep_early(po, res->flow_id, ts_us, p, caplen, len);
}

void pcapout_get_stats(const struct pcapout *po, struct pcapout_stats *st)
{
	*st = po->st;
}

int pcapout_close(struct pcapout *po)
{
	int ret = 0;

	if (!po)
		return 0;
	if (po->tab)
		clear_all(po);
	if (po->d) {
		if (pcap_dump_flush(po->d) < 0 || ferror(pcap_dump_file(po->d)))
			ret = -EIO;
		pcap_dump_close(po->d);
	}
	if (po->dead)
		pcap_close(po->dead);
	free(po->tab);
	free(po);
	return ret;
}
