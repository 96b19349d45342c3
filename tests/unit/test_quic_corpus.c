// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_quic_corpus.c - decrypt every client Initial of the real QUIC
 * captures in the shared corpus and compare the ClientHello SNIs with
 * tshark's ground truth (the "sni" lines of each NAME.expected).
 *
 * Files: ../shared/corpus/pcap/{ndpi__quic*,zeek__quic__*,suricata__quic-*}
 * (pcap or pcapng), read with libpcap.  Prints "1..0 # SKIP" when the
 * corpus is absent.  Self-contained on purpose: minimal link/IP/UDP
 * decoding (Ethernet with VLAN tags, BSD NULL/loopback, raw IP, Linux SLL
 * and SLL2), CRYPTO reassembly by offset per directed UDP flow, and a tiny
 * ClientHello extension walk for server_name (RFC 8446 §4.1.2, RFC 6066 §3),
 * so it does not depend on parse_tls.c or the engine.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "cursor.h"
#include "parse_quic.h"
#include "quic_crypto.h"
#include "../tap.h"

#define MAX_FILES 64
#define MAX_FLOWS 256
#define MAX_NAMES 32
#define NAME_LEN 256
#define STREAM_MAX 16384		/* CRYPTO bytes kept per flow */

struct flow {
	uint8_t key[37];		/* family, src, dst (16 each), ports */
	struct quic_keys keys;
	unsigned n_ok, n_bad;		/* sniffed datagrams that did / did not decrypt */
	uint8_t stream[STREAM_MAX];
	uint8_t have[STREAM_MAX];	/* 1 where stream[] holds data */
};

struct names {
	char v[MAX_NAMES][NAME_LEN];
	unsigned n;
};

static struct flow flows[MAX_FLOWS];
static unsigned n_flows;
static uint8_t scratch[QUIC_SCRATCH];

static void names_add(struct names *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return;
	if (s->n < MAX_NAMES) {
		/* Names longer than a slot are cut: they then fail to compare. */
		size_t len = strnlen(name, NAME_LEN - 1);

		memcpy(s->v[s->n], name, len);
		s->v[s->n++][len] = '\0';
	}
}

static bool names_has(const struct names *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static struct flow *flow_get(const uint8_t key[37])
{
	unsigned i;

	for (i = 0; i < n_flows; i++)
		if (!memcmp(flows[i].key, key, 37))
			return &flows[i];
	if (n_flows == MAX_FLOWS)
		return NULL;
	memset(&flows[n_flows], 0, sizeof(flows[0]));
	memcpy(flows[n_flows].key, key, 37);
	return &flows[n_flows++];
}

/* ---- link, IP and UDP: just enough for the corpus ---------------------- */

/* udp_payload - find the UDP payload of one frame; false if there is none. */
static bool udp_payload(int dlt, const uint8_t *p, size_t len, uint8_t key[37],
			struct bytes *out)
{
	struct cur c = cur_init(p, len);
	uint16_t ethertype = 0;
	uint8_t ver, proto = 0;
	size_t l3_len;

	switch (dlt) {
	case DLT_EN10MB:
		cur_skip(&c, 12);
		ethertype = cur_u16(&c);
		while (cur_ok(&c) && (ethertype == 0x8100 || ethertype == 0x88a8)) {
			cur_skip(&c, 2);
			ethertype = cur_u16(&c);
		}
		break;
	case DLT_NULL: {
		uint32_t fam = cur_u32(&c);

		/* host byte order of the capturing machine: accept both */
		if (fam == 2 || fam == 0x02000000)
			ethertype = 0x0800;
		else
			ethertype = 0x86dd;
		break;
	}
	case DLT_LINUX_SLL:
		cur_skip(&c, 14);
		ethertype = cur_u16(&c);
		break;
	case DLT_LINUX_SLL2:
		ethertype = cur_u16(&c);
		cur_skip(&c, 18);
		break;
	default:			/* DLT_RAW, DLT_IPV4, DLT_IPV6 */
		break;
	}
	if (!cur_ok(&c) || !cur_left(&c))
		return false;
	ver = cur_ptr(&c)[0] >> 4;
	if ((ethertype == 0x0800 && ver != 4) || (ethertype == 0x86dd && ver != 6))
		return false;
	memset(key, 0, 37);
	key[0] = ver;
	if (ver == 4) {
		uint8_t ihl = cur_u8(&c) & 0x0f;
		uint16_t frag;

		cur_skip(&c, 1);
		l3_len = cur_u16(&c);
		cur_skip(&c, 2);
		frag = cur_u16(&c);
		cur_skip(&c, 1);
		proto = cur_u8(&c);
		cur_skip(&c, 2);
		cur_copy(&c, key + 1, 4);
		cur_copy(&c, key + 17, 4);
		if (!cur_ok(&c) || ihl < 5 || (frag & 0x3fff) || l3_len < 4u * ihl)
			return false;
		cur_skip(&c, 4u * ihl - 20);
		if (l3_len - 4u * ihl < cur_left(&c))
			c = cur_sub(&c, l3_len - 4u * ihl);
	} else if (ver == 6) {
		cur_skip(&c, 4);
		l3_len = cur_u16(&c);
		proto = cur_u8(&c);
		cur_skip(&c, 1);
		cur_copy(&c, key + 1, 16);
		cur_copy(&c, key + 17, 16);
		if (!cur_ok(&c))
			return false;
		if (l3_len < cur_left(&c))
			c = cur_sub(&c, l3_len);
		/* hop-by-hop, routing, destination options; not fragments */
		while (cur_ok(&c) && (proto == 0 || proto == 43 || proto == 60)) {
			proto = cur_u8(&c);
			cur_skip(&c, 8u * cur_u8(&c) + 6);
		}
	} else {
		return false;
	}
	if (!cur_ok(&c) || proto != 17)
		return false;
	cur_copy(&c, key + 33, 4);	/* source and destination port */
	{
		uint16_t ulen = cur_u16(&c);

		cur_skip(&c, 2);
		if (!cur_ok(&c) || ulen < 8)
			return false;
		if ((size_t)ulen - 8 < cur_left(&c))
			c = cur_sub(&c, (size_t)ulen - 8);
	}
	out->p = cur_ptr(&c);
	out->len = cur_left(&c);
	return true;
}

/* ---- ClientHello SNI (RFC 8446 §4.1.2, RFC 6066 §3) --------------------- */

/* hello_sni - 1 with @name filled, 0 if the hello has no SNI, -1 if broken. */
static int hello_sni(const uint8_t *p, size_t len, char name[NAME_LEN])
{
	struct cur c = cur_init(p, len), exts;

	if (cur_u8(&c) != 1)
		return -1;
	c = cur_sub(&c, cur_u24(&c));
	cur_skip(&c, 2 + 32);
	cur_skip(&c, cur_u8(&c));	/* legacy_session_id */
	cur_skip(&c, cur_u16(&c));	/* cipher_suites */
	cur_skip(&c, cur_u8(&c));	/* legacy_compression_methods */
	exts = cur_sub(&c, cur_u16(&c));
	if (!cur_ok(&c))
		return -1;
	while (cur_left(&exts) > 0) {
		uint16_t type = cur_u16(&exts);
		struct cur e = cur_sub(&exts, cur_u16(&exts));
		struct cur list, host;
		size_t i;

		if (!cur_ok(&exts))
			return -1;
		if (type != 0)
			continue;
		list = cur_sub(&e, cur_u16(&e));
		if (cur_u8(&list) != 0)	/* host_name */
			return -1;
		host = cur_sub(&list, cur_u16(&list));
		if (!cur_ok(&list) || cur_left(&host) == 0 || cur_left(&host) >= NAME_LEN)
			return -1;
		for (i = 0; cur_left(&host); i++) {
			uint8_t ch = cur_u8(&host);

			name[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		name[i] = 0;
		if (i && name[i - 1] == '.')
			name[i - 1] = 0;
		return 1;
	}
	return 0;
}

/* ---- per file ------------------------------------------------------------ */

struct result {
	unsigned initials, hellos, failed;
	unsigned client_bad;		/* failures in a flow where others decrypted */
	struct names sni;
};

/* feed - add one datagram's CRYPTO frames to @f; count finished hellos. */
static void feed(struct flow *f, const struct quic_initial *q, struct result *r)
{
	size_t i, j, need;
	char name[NAME_LEN];

	for (i = 0; i < q->n_frags; i++) {
		const struct quic_crypto_frag *fr = &q->frags[i];

		for (j = 0; j < fr->len && fr->offset + j < STREAM_MAX; j++) {
			f->stream[fr->offset + j] = fr->p[j];
			f->have[fr->offset + j] = 1;
		}
	}
	if (!f->have[0] || !f->have[1] || !f->have[2] || !f->have[3])
		return;
	need = 4 + ((size_t)f->stream[1] << 16 | (size_t)f->stream[2] << 8 | f->stream[3]);
	if (need > STREAM_MAX)
		return;
	for (i = 0; i < need; i++)
		if (!f->have[i])
			return;
	r->hellos++;
	switch (hello_sni(f->stream, need, name)) {
	case 1:
		names_add(&r->sni, name);
		break;
	case 0:
		break;
	default:
		diag("a ClientHello that does not parse");
		r->failed++;
		break;
	}
	/* A later connection on the same 5-tuple starts its stream afresh. */
	memset(f->have, 0, sizeof(f->have));
}

static int run_file(const char *path, struct result *r)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;
	int dlt, rc;
	unsigned i;

	memset(r, 0, sizeof(*r));
	n_flows = 0;
	pc = pcap_open_offline(path, errbuf);
	if (!pc) {
		diag("%s: %s", path, errbuf);
		return -1;
	}
	dlt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		struct quic_initial q;
		struct bytes udp;
		uint8_t key[37], old_dcid[QUIC_MAX_CID], old_len;
		struct flow *f;
		bool had;

		if (!udp_payload(dlt, data, h->caplen, key, &udp) || !quic_sniff(udp.p, udp.len))
			continue;
		f = flow_get(key);
		if (!f)
			continue;
		had = f->keys.valid;
		old_len = f->keys.dcid_len;
		memcpy(old_dcid, f->keys.dcid, sizeof(old_dcid));
		if (quic_parse_initial(udp.p, udp.len, &f->keys, scratch, &q) != PARSE_OK) {
			f->n_bad++;	/* expected for the server's Initials only */
			continue;
		}
		f->n_ok++;
		/* New keys: a new connection (or a Retry) restarts the stream. */
		if (had && (old_len != f->keys.dcid_len || memcmp(old_dcid, f->keys.dcid, old_len)))
			memset(f->have, 0, sizeof(f->have));
		r->initials += q.n_packets;
		feed(f, &q, r);
	}
	pcap_close(pc);
	/*
	 * A server's Initials do not open with client keys; a client flow is
	 * one where something decrypted, and there every Initial must.
	 */
	for (i = 0; i < n_flows; i++)
		if (flows[i].n_ok)
			r->client_bad += flows[i].n_bad;
	return 0;
}

static void read_expected(const char *path, struct names *want)
{
	char line[512];
	FILE *fp = fopen(path, "r");

	want->n = 0;
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "sni\t", 4))
			names_add(want, line + 4);
	}
	fclose(fp);
}

static bool wanted(const char *name)
{
	static const char *const prefix[] = { "ndpi__quic", "zeek__quic__", "suricata__quic-" };
	size_t i, n = strlen(name);

	if (n > 9 && !strcmp(name + n - 9, ".expected"))
		return false;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
	static const char *const dirs[] = { "../shared/corpus/pcap", "/work/shared/corpus/pcap" };
	char *files[MAX_FILES], path[1024];
	const char *dir = NULL;
	struct dirent *de;
	unsigned n = 0, i, j;
	DIR *d = NULL;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !d; i++) {
		d = opendir(dirs[i]);
		dir = dirs[i];
	}
	if (!d) {
		printf("1..0 # SKIP corpus not found\n");
		return 0;
	}
	while ((de = readdir(d)) && n < MAX_FILES)
		if (wanted(de->d_name))
			files[n++] = strdup(de->d_name);
	closedir(d);
	if (n == 0) {
		printf("1..0 # SKIP no QUIC captures in %s\n", dir);
		return 0;
	}
	qsort(files, n, sizeof(files[0]), cmp_str);

	for (i = 0; i < n; i++) {
		static struct result r;
		struct names want;
		bool same;

		snprintf(path, sizeof(path), "%s/%s.expected", dir, files[i]);
		read_expected(path, &want);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (run_file(path, &r) < 0) {
			ok(0, "%s opens", files[i]);
			continue;
		}
		ok(r.hellos > 0 && r.failed == 0, "%s: %u Initial packet(s), %u ClientHello(s)",
		   files[i], r.initials, r.hellos);
		is_int(0, r.client_bad, "%s: every client Initial decrypts", files[i]);
		same = want.n == r.sni.n;
		for (j = 0; j < want.n; j++)
			same = same && names_has(&r.sni, want.v[j]);
		if (!ok(same, "%s: SNI set equals tshark's (%u name(s))", files[i], want.n)) {
			for (j = 0; j < want.n; j++)
				diag("  want %s", want.v[j]);
			for (j = 0; j < r.sni.n; j++)
				diag("  got  %s", r.sni.v[j]);
		}
		free(files[i]);
	}
	quic_crypto_thread_cleanup();
	return done_testing();
}
