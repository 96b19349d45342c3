// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-blocklist.c - what a blocklist costs: load time, memory, the peak
 * of a reload, and nanoseconds per look-up.  The helper of
 * scripts/bench-blocklist, which builds it against the core library.
 *
 *   bench-blocklist LIST HITS MISSES [ROUNDS]
 *
 * LIST is loaded as embargo loads it (format detected).  HITS and MISSES
 * are files of canonical names, one a line, that the list blocks and does
 * not block; each is looked up ROUNDS times (default 5), in file order,
 * and the fastest round is reported.  Output is "key value" lines:
 *
 *   load_s           seconds in blocklist_load()
 *   index_bytes      memory the index holds (blocklist_get_stats)
 *   rss_kib          resident set after the load
 *   hwm_kib          peak resident set after the load
 *   reload_peak_kib  how much the peak grew while a second copy was built
 *                    beside the first (the reload case)
 *   hit_first_ns     per look-up, first round over HITS (rules built)
 *   hit_ns, miss_ns  per look-up, fastest round
 *   lookup_alloc     bytes malloc handed out during the look-ups (0)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocklist.h"

struct names {
	char *buf;
	size_t *off, *len;
	size_t n;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A /proc/self/status field in KiB, or -1. */
static long status_kib(const char *field)
{
	char line[256];
	size_t fl = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

static int read_names(const char *path, struct names *nm)
{
	size_t cap = 0, size = 0, n = 0;
	FILE *f = fopen(path, "r");
	char *p;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	size = (size_t)ftell(f);
	rewind(f);
	nm->buf = malloc(size + 1);
	if (!nm->buf || fread(nm->buf, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	fclose(f);
	nm->buf[size] = '\0';
	for (p = nm->buf; *p; p++)
		cap += *p == '\n';
	nm->off = malloc((cap + 1) * sizeof(*nm->off));
	nm->len = malloc((cap + 1) * sizeof(*nm->len));
	if (!nm->off || !nm->len)
		return -1;
	for (p = nm->buf; *p;) {
		char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l) {
			nm->off[n] = (size_t)(p - nm->buf);
			nm->len[n++] = l;
		}
		p += l + (e != NULL);
	}
	nm->n = n;
	return 0;
}

/* One round over @nm: nanoseconds per look-up; *@hits counts the blocked ones. */
static double round_ns(const struct blocklist *bl, const struct names *nm, size_t *hits)
{
	struct bl_match m;
	double t0 = now();

	*hits = 0;
	for (size_t i = 0; i < nm->n; i++)
		*hits += blocklist_match_name(bl, nm->buf + nm->off[i], nm->len[i], &m);
	return (now() - t0) / (double)(nm->n ? nm->n : 1) * 1e9;
}

static struct blocklist *load(const char *path, double *secs)
{
	const char *paths[] = { path };
	struct blocklist *bl = NULL;
	struct bl_error err;
	double t0 = now();

	if (blocklist_load(&bl, paths, 1, NULL, &err) < 0) {
		fprintf(stderr, "bench-blocklist: %s:%u: %s\n", err.file, err.line, err.msg);
		exit(1);
	}
	*secs = now() - t0;
	return bl;
}

int main(int argc, char **argv)
{
	struct blocklist *bl, *bl2;
	struct blocklist_stats st;
	struct names hit, miss;
	double secs, secs2, best_hit = 1e30, best_miss = 1e30, first;
	size_t nh, nm, rounds = argc > 4 ? strtoul(argv[4], NULL, 10) : 5;
	long before, after;
	struct mallinfo2 m0, m1;

	if (argc < 4) {
		fprintf(stderr, "usage: bench-blocklist LIST HITS MISSES [ROUNDS]\n");
		return 2;
	}
	bl = load(argv[1], &secs);
	blocklist_get_stats(bl, &st);
	printf("load_s %.3f\n", secs);
	printf("entries %zu\n", st.domains + st.exact + st.cidrs + st.allows);
	printf("index_bytes %zu\n", st.bytes);
	printf("rss_kib %ld\n", status_kib("VmRSS"));
	printf("hwm_kib %ld\n", status_kib("VmHWM"));

	/* A reload: the new index is built while the old one still serves. */
	before = status_kib("VmRSS");
	bl2 = load(argv[1], &secs2);
	after = status_kib("VmHWM");
	printf("reload_s %.3f\n", secs2);
	printf("reload_peak_kib %ld\n", after - before);
	blocklist_free(bl);
	bl = bl2;

	if (read_names(argv[2], &hit) < 0 || read_names(argv[3], &miss) < 0) {
		fprintf(stderr, "bench-blocklist: cannot read the query files\n");
		return 1;
	}
	m0 = mallinfo2();
	first = round_ns(bl, &hit, &nh);
	for (size_t r = 0; r < rounds; r++) {
		double h = round_ns(bl, &hit, &nh), x = round_ns(bl, &miss, &nm);

		best_hit = h < best_hit ? h : best_hit;
		best_miss = x < best_miss ? x : best_miss;
	}
	m1 = mallinfo2();
	printf("queries %zu %zu\n", hit.n, miss.n);
	printf("blocked %zu %zu\n", nh, nm);
	printf("hit_first_ns %.0f\n", first);
	printf("hit_ns %.0f\n", best_hit);
	printf("miss_ns %.0f\n", best_miss);
	printf("lookup_alloc %zu\n", m1.uordblks > m0.uordblks ? m1.uordblks - m0.uordblks : 0);
	blocklist_free(bl);
	return nh == hit.n && nm == 0 ? 0 : 1;
}
