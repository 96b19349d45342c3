// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - fuzz target for the daemon's configuration file parser
 * (conf.h, man/embargo.conf.5): the input is written to a temporary file
 * and loaded over the defaults, then cross-checked, as "embargo run
 * --config FILE" does.
 *
 * Checked: a failure is one message naming the file ("FILE:LINE: field:
 * message" or "FILE: message"), NUL-terminated within the buffer; a
 * success gives settings within their documented ranges, and conf_free()
 * leaves nothing behind (LeakSanitizer).  The first line is also handed to
 * conf_parse_queue(), the one parser here with a contract of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

static void check_queue(const uint8_t *data, size_t size)
{
	char s[64];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	uint16_t first = 1, last = 0;

	if (n >= sizeof(s) || memchr(data, '\0', n))
		return;
	memcpy(s, data, n);
	s[n] = '\0';
	if (conf_parse_queue(s, &first, &last) == 0)
		FUZZ_CHECK(first <= last && last - first < 64);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_conf.XXXXXX";
	char err[CONF_ERR_LEN];
	struct conf c;
	int fd, ret;

	check_queue(data, size);
	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	conf_init(&c);
	memset(err, 0xa5, sizeof(err));
	ret = conf_load(&c, path, err, sizeof(err));
	unlink(path);
	if (ret != 0) {
		FUZZ_CHECK(ret < 0);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
		conf_free(&c);
		return 0;
	}
	FUZZ_CHECK(c.queue_first <= c.queue_last);
	FUZZ_CHECK(c.n_blocklists <= CONF_MAX_BLOCKLISTS);
	for (size_t i = 0; i < c.n_blocklists; i++)
		FUZZ_CHECK(c.blocklists[i] != NULL);
	FUZZ_CHECK(c.path != NULL && strcmp(c.path, path) == 0);
	memset(err, 0xa5, sizeof(err));
	if (conf_check(&c, err, sizeof(err)) != 0)
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
	conf_rcvbuf(&c);
	conf_free(&c);
	FUZZ_CHECK(c.n_blocklists == 0 && c.path == NULL && c.log == NULL);
	return 0;
}
