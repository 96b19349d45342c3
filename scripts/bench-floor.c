// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-floor.c - the floor for scripts/bench: read every packet of capture
 * files with libpcap and do nothing else.
 *
 * No packet reader can be faster than libpcap handing over the records, so
 * "embargo replay" is measured as a fraction of this loop.  By default it
 * opens the file as most libpcap programs do (pcap_open_offline, glibc's
 * 4 KiB stdio buffer).  With -b BYTES it opens it the way replay.c does
 * (fopen, a BYTES stdio buffer, pcap_fopen_offline), so the ratio against
 * that run is the cost of the engine alone.  The only work per packet is
 * adding the lengths up, which the summary prints so the compiler cannot
 * drop the loop.
 *
 * Usage: bench-floor [-b BYTES] FILE...
 * Prints "packets N bytes N" on stdout; exit 0, or 2 when a file fails.
 * scripts/bench builds it with the compiler flags of the release build.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(const char *path, size_t bufsize, uint64_t *packets, uint64_t *bytes)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	char *iobuf = NULL;
	pcap_t *pc;
	FILE *f;
	int rc;

	if (bufsize) {
		f = fopen(path, "re");
		if (!f) {
			fprintf(stderr, "bench-floor: %s: %s\n", path, strerror(errno));
			return -1;
		}
		iobuf = malloc(bufsize);
		if (iobuf)
			setvbuf(f, iobuf, _IOFBF, bufsize);
		pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO,
							      errbuf);
		if (!pc)
			fclose(f);
	} else {
		pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO,
							     errbuf);
	}
	if (!pc) {
		fprintf(stderr, "bench-floor: %s: %s\n", path, errbuf);
		free(iobuf);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		(*packets)++;
		*bytes += h->caplen;
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "bench-floor: %s: %s\n", path, pcap_geterr(pc));
	pcap_close(pc);
	free(iobuf);
	return rc == PCAP_ERROR ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t packets = 0, bytes = 0;
	size_t bufsize = 0;
	int ret = 0, i = 1;

	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		char *end;

		errno = 0;
		bufsize = strtoul(argv[2], &end, 10);
		if (errno || *end || bufsize == 0 || bufsize > (1u << 30)) {
			fprintf(stderr, "bench-floor: -b: '%s' is not a size in bytes\n", argv[2]);
			return 2;
		}
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench-floor [-b BYTES] FILE...\n");
		return 2;
	}
	for (; i < argc; i++)
		if (read_file(argv[i], bufsize, &packets, &bytes) < 0)
			ret = 2;
	printf("packets %llu bytes %llu\n", (unsigned long long)packets,
	       (unsigned long long)bytes);
	return ret;
}
