// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-floor.c - the floor for scripts/bench: read every packet of capture
 * files with libpcap and do nothing else.
 *
 * No packet reader can be faster than libpcap handing over the records, so
 * "embargo replay" is measured as a fraction of this loop.  It reads the
 * file the same way replay.c does (pcap_open_offline_with_tstamp_precision,
 * pcap_next_ex) so the ratio is the cost of the engine alone.  The only work
 * per packet is adding the lengths up, which the summary prints so the
 * compiler cannot drop the loop.
 *
 * Usage: bench-floor FILE...
 * Prints "packets N bytes N" on stdout; exit 0, or 2 when a file fails.
 * scripts/bench builds it with the compiler flags of the release build.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

static int read_file(const char *path, uint64_t *packets, uint64_t *bytes)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;
	int rc;

	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc) {
		fprintf(stderr, "bench-floor: %s: %s\n", path, errbuf);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		(*packets)++;
		*bytes += h->caplen;
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "bench-floor: %s: %s\n", path, pcap_geterr(pc));
	pcap_close(pc);
	return rc == PCAP_ERROR ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t packets = 0, bytes = 0;
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-floor FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (read_file(argv[i], &packets, &bytes) < 0)
			ret = 2;
	printf("packets %llu bytes %llu\n", (unsigned long long)packets,
	       (unsigned long long)bytes);
	return ret;
}
