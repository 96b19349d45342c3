// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - a main() for the fuzz targets when libFuzzer is not used: runs
 * LLVMFuzzerTestOneInput() once over every file of the directories (or
 * files) named on the command line, so that each CI run replays the
 * checked-in corpora and regression inputs with any compiler.
 *
 *   fuzz_dns_replay tests/fuzz/corpus/dns --optional tests/fuzz/regress/dns
 *
 * Output is TAP: one line per argument with the number of inputs run.  A
 * required directory that is missing or holds no input is "not ok", so a
 * renamed or emptied corpus cannot pass silently; a directory after
 * --optional may be missing (regression inputs exist only once a crash was
 * found; the flag applies to the one argument after it).  A crashing input
 * crashes this program: the test fails, and the name of the input is
 * printed first (by the sanitizer death callback or a fatal-signal
 * handler).
 *
 * Each input is read into a buffer of exactly its size so that ASan flags
 * a read one past its end, as libFuzzer would.  Files are run in name
 * order; names starting with '.' are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Optional hooks: a target may define LLVMFuzzerInitialize; sanitizers define the callback. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define REPLAY_MAX_INPUT (1u << 24)	/* 16 MiB: corpus files are far smaller */

static char current[4096];	/* the input being run, for crash reports */

static void say_current(void)
{
	static const char pre[] = "replay: crashed on input ";
	size_t n = strlen(current);

	/* write(2) only: this runs from a signal handler or a dying sanitizer. */
	if (!n)
		return;
	if (write(STDERR_FILENO, pre, sizeof(pre) - 1) < 0 ||
	    write(STDERR_FILENO, current, n) < 0 || write(STDERR_FILENO, "\n", 1) < 0)
		return;
}

static void on_fatal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_crash_report(void)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* Installed after ours: under ASan its own SEGV handler wins and calls this. */
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_current);
}

/* run_file - read @path into an exact-size buffer and run the target; 0 or -errno. */
static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size < 0 || (size_t)st.st_size > REPLAY_MAX_INPUT) {
		ret = -EFBIG;
		goto out_fd;
	}
	/* malloc(0) may return NULL; keep one byte so the pointer is valid. */
	buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out_fd;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : -EIO;
			goto out_buf;
		}
		got += (size_t)r;
	}
	snprintf(current, sizeof(current), "%s", path);
	if (getenv("REPLAY_VERBOSE"))
		fprintf(stderr, "# %s\n", path);
	LLVMFuzzerTestOneInput(buf, got);
	current[0] = '\0';
out_buf:
	free(buf);
out_fd:
	close(fd);
	return ret;
}

static int skip_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * run_path - run every input of a directory, or the one file @path.
 * Returns the number of inputs run, or -errno (-ENOENT when missing).
 */
static long run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	long count = 0;
	int n, ret;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		ret = run_file(path);
		return ret < 0 ? ret : 1;
	}
	n = scandir(path, &names, skip_hidden, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (count >= 0 && stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			ret = run_file(file);
			if (ret < 0) {
				fprintf(stdout, "# %s: %s\n", file, strerror(-ret));
				count = ret;
			} else {
				count++;
			}
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	int tests = 0, failed = 0;
	bool optional = false;

	if (argc < 2) {
		fprintf(stderr, "usage: %s [--optional] DIR|FILE...\n", argv[0]);
		return 2;
	}
	install_crash_report();
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		long n;

		if (strcmp(argv[i], "--optional") == 0) {
			optional = true;
			continue;
		}
		n = run_path(argv[i]);
		tests++;
		if (n == -ENOENT && optional) {
			printf("ok %d - %s # SKIP absent\n", tests, argv[i]);
		} else if (n < 0) {
			printf("not ok %d - %s: %s\n", tests, argv[i], strerror((int)-n));
			failed++;
		} else if (n == 0 && !optional) {
			printf("not ok %d - %s: no inputs\n", tests, argv[i]);
			failed++;
		} else {
			printf("ok %d - %s: %ld inputs\n", tests, argv[i], n);
		}
		optional = false;
		fflush(stdout);
	}
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}
