// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sandbox.c - the seccomp allow-list, each case in a child process:
 * what the daemon does after start-up still works under the strict filter
 * (memory, reading files, appending to a log, directory listing, pipes,
 * timers, threads' futexes); what it never does kills the child with SIGSYS
 * (a new socket, a file opened for writing without O_APPEND, executable
 * memory, exec, signals to other processes, ioctls other than TCGETS); in
 * log mode the same calls fail with EPERM and are counted.  No root needed:
 * the filter is installed under no_new_privs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/test_sandbox.XXXXXX";
static char logpath[128], rdpath[128];
static pid_t parent;
static int pre_timer, pre_pipe[2];	/* made before any filter, like the daemon's */

/* Run @fn in a child under @mode; returns the exit status, or 100 + the signal. */
static int in_child(enum conf_seccomp mode, int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char err[256];

		if (sandbox_apply(mode, err, sizeof(err)) < 0) {
			fprintf(stderr, "# %s\n", err);
			_exit(99);
		}
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Everything the running daemon does. */
static int allowed(void)
{
	char buf[256];
	int fd;
	void *m;
	struct timespec ts;
	DIR *d;
	FILE *f;
	struct itimerspec its = { .it_value = { 0, 1000 } };
	uint64_t n;

	m = malloc(1 << 20);	/* mmap for a large block */
	if (!m)
		return 1;
	memset(m, 1, 1 << 20);
	free(m);
	m = malloc(100);	/* brk */
	free(m);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ) < 0 || munmap(m, 8192) < 0)
		return 2;
	f = fopen(rdpath, "re");	/* configuration and lists */
	if (!f || !fgets(buf, sizeof(buf), f))
		return 3;
	fclose(f);
	d = opendir(tmpdir);		/* list directories */
	if (!d || !readdir(d))
		return 4;
	closedir(d);
	fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0 || write(fd, "x\n", 2) != 2)		/* the event log, reopened */
		return 5;
	if (fcntl(fd, F_GETFL) < 0 || fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) < 0)
		return 6;
	isatty(fd);
	close(fd);
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 8;
	/* Descriptors made before the filter keep working: a timer, a pipe. */
	if (timerfd_settime(pre_timer, 0, &its, NULL) < 0 || read(pre_timer, &n, 8) != 8)
		return 9;
	if (write(pre_pipe[1], "ab", 2) != 2 || read(pre_pipe[0], buf, 2) != 2)
		return 7;
	if (getpid() <= 0 || syscall(SYS_gettid) <= 0)
		return 10;
	return 0;
}

static int do_pipe(void)
{
	int p[2];

	return pipe(p) == 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_timerfd(void)
{
	return timerfd_create(CLOCK_MONOTONIC, 0) >= 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM, 0) >= 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_open_rw(void)
{
	return open(rdpath, O_RDWR) >= 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_open_trunc(void)
{
	return open(logpath, O_WRONLY | O_TRUNC) >= 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_mmap_exec(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return m != MAP_FAILED ? 0 : errno == EPERM ? 42 : 1;
}

static int do_mprotect_exec(void)
{
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return 2;
	return mprotect(m, 4096, PROT_READ | PROT_EXEC) == 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_exec(void)
{
	static char *const argv[] = { "/bin/true", NULL };

	execve("/bin/true", argv, NULL);
	return errno == EPERM ? 42 : 1;
}

static int do_kill_parent(void)
{
	return kill(parent, 0) == 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_ioctl(void)
{
	int n;

	return ioctl(0, FIONREAD, &n) == 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_fcntl_dup(void)
{
	return fcntl(1, F_DUPFD, 10) >= 0 ? 0 : errno == EPERM ? 42 : 1;
}

static int do_setuid(void)
{
	return syscall(SYS_setuid, 0) == 0 ? 0 : errno == EPERM ? 42 : 1;
}

/* Log mode: refused twice, counted twice, the last number kept. */
static int do_log_count(void)
{
	if (socket(AF_INET, SOCK_DGRAM, 0) >= 0 || errno != EPERM)
		return 1;
	if (socket(AF_INET6, SOCK_DGRAM, 0) >= 0 || errno != EPERM)
		return 2;
	if (sandbox_refused() != 2)
		return 3;
	if (sandbox_last_refused() != SYS_socket)
		return 4;
	return 0;
}

static const struct {
	const char *what;
	int (*fn)(void);
} forbidden[] = {
	{ "a new socket", do_socket },
	{ "open for reading and writing", do_open_rw },
	{ "open with O_TRUNC", do_open_trunc },
	{ "mmap PROT_EXEC", do_mmap_exec },
	{ "mprotect PROT_EXEC", do_mprotect_exec },
	{ "execve", do_exec },
	{ "kill another process", do_kill_parent },
	{ "ioctl FIONREAD", do_ioctl },
	{ "fcntl F_DUPFD", do_fcntl_dup },
	{ "setuid", do_setuid },
	{ "a new pipe", do_pipe },
	{ "a new timer", do_timerfd },
};

int main(void)
{
	char name[64];
	FILE *f;

	if (!mkdtemp(tmpdir))
		return 1;
	parent = getpid();
	pre_timer = timerfd_create(CLOCK_MONOTONIC, 0);
	if (pre_timer < 0 || pipe(pre_pipe) < 0)
		return 1;
	snprintf(logpath, sizeof(logpath), "%s/events.jsonl", tmpdir);
	snprintf(rdpath, sizeof(rdpath), "%s/list", tmpdir);
	f = fopen(rdpath, "w");
	if (!f)
		return 1;
	fputs("example.com\n", f);
	fclose(f);

	is_int(0, in_child(CONF_SECCOMP_STRICT, allowed),
	       "strict: memory, reading, listing, appending to the log, clocks all work");
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++)
		is_int(100 + SIGSYS, in_child(CONF_SECCOMP_STRICT, forbidden[i].fn),
		       "strict: %s kills the process (SIGSYS)", forbidden[i].what);
	is_int(0, in_child(CONF_SECCOMP_LOG, allowed), "log: the same allowed calls work");
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++)
		is_int(42, in_child(CONF_SECCOMP_LOG, forbidden[i].fn),
		       "log: %s fails with EPERM, the process lives", forbidden[i].what);
	is_int(0, in_child(CONF_SECCOMP_LOG, do_log_count), "log: refusals counted");
	is_int(0, in_child(CONF_SECCOMP_OFF, do_socket), "off: a socket can be made");
	is_int(0, (long long)sandbox_refused(), "the parent was never filtered");
	is_int(-1, sandbox_last_refused(), "  and refused nothing");
	is_str("read", sandbox_syscall_name(SYS_read, name, sizeof(name)), "syscall name: read");
	is_str("nr 99999", sandbox_syscall_name(99999, name, sizeof(name)),
	       "syscall name: unknown number");
	unlink(logpath);
	unlink(rdpath);
	rmdir(tmpdir);
	return done_testing();
}
