// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.c - the seccomp allow-list of `embargo run` (sandbox.h), built
 * with libseccomp so one table serves every architecture: a name the
 * running architecture lacks (open on arm64, say) is skipped.
 *
 * The list was made from what the daemon does after start-up and checked
 * in seccomp = log mode, which counts every refused call, on every path the
 * live tests drive (packets, NXDOMAIN answers, SIGHUP reloads of
 * configuration and lists, log reopening and failing log writes, SIGUSR1
 * statistics, the clock jumping, queue overflow, SIGTERM): none refused.
 *
 *   packets      recvfrom recvmsg sendto sendmsg poll ppoll
 *   threads      futex (locks, condition variables, join) madvise
 *   memory       brk mmap munmap mremap mprotect - never PROT_EXEC
 *   files        openat (read-only, or write-append: the event log)
 *                read pread64 write writev lseek close fstat newfstatat
 *                statx getdents64 fcntl (flags only) ioctl (TCGETS only:
 *                isatty)
 *   timers       timerfd_settime timerfd_gettime clock_gettime
 *                gettimeofday nanosleep clock_nanosleep
 *   signals      rt_sigreturn rt_sigprocmask sigaltstack restart_syscall tgkill to
 *                ourselves (abort)
 *   misc         getpid gettid getrandom sched_yield exit exit_group
 *
 * In log mode a refused call raises SIGSYS (SECCOMP_RET_TRAP); the handler
 * makes it return -EPERM, counts it and writes one line per system call
 * number - async-signal-safe, no stdio.
 */
#define _GNU_SOURCE		/* REG_RAX, si_syscall */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#define REPORTED_MAX 1024		/* syscall numbers reported once each */

static uint64_t refused;
static int last_refused = -1;
static uint8_t reported[REPORTED_MAX / 8];

/* Allowed with no argument check. */
static const char *const allow[] = {
	/* packets and event loop */
	"recvfrom", "recvmsg", "sendto", "sendmsg", "poll", "ppoll",
	/* files already open, reloads */
	"read", "pread64", "readv", "write", "writev", "lseek", "_llseek", "close", "fstat",
	"fstat64", "newfstatat", "fstatat64", "statx", "stat", "stat64", "lstat", "lstat64",
	"getdents64", "getdents",
	/* memory (mmap/mprotect below: no PROT_EXEC) */
	"brk", "munmap", "mremap", "madvise",
	/* threads, timers */
	"futex", "futex_time64", "timerfd_settime", "timerfd_settime64", "timerfd_gettime",
	"timerfd_gettime64", "clock_gettime", "clock_gettime64", "gettimeofday", "time",
	"nanosleep", "clock_nanosleep", "clock_nanosleep_time64", "sched_yield",
	/* signals */
	"rt_sigreturn", "sigreturn", "rt_sigprocmask", "restart_syscall", "sigaltstack",
	/* misc */
	"getpid", "gettid", "getrandom", "exit", "exit_group",
	/* the metrics file: written under a temporary name, renamed over */
	"rename", "renameat", "renameat2", "unlink", "unlinkat",
	/* syslog: reconnecting after the syslog daemon restarted */
	"connect",
};

static int add(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *a)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not a call of this architecture */
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, a);
}

static int add1(scmp_filter_ctx ctx, const char *name, struct scmp_arg_cmp a)
{
	return add(ctx, name, 1, &a);
}

static int build(scmp_filter_ctx ctx)
{
	/* Read-only, or write-only appending without truncation (the event log). */
	const uint64_t acc = O_ACCMODE | O_APPEND | O_TRUNC;
	static const int fcntl_ok[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD };
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(allow) && ret == 0; i++)
		ret = add(ctx, allow[i], 0, NULL);
	if (ret == 0)
		ret = add1(ctx, "openat", SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY));
	if (ret == 0)
		ret = add1(ctx, "openat", SCMP_A2(SCMP_CMP_MASKED_EQ, acc, O_WRONLY | O_APPEND));
	if (ret == 0)
		ret = add1(ctx, "open", SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY));
	if (ret == 0)
		ret = add1(ctx, "open", SCMP_A1(SCMP_CMP_MASKED_EQ, acc, O_WRONLY | O_APPEND));
	/* W^X: no mapping or protection change may make memory executable. */
	if (ret == 0)
		ret = add1(ctx, "mmap", SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (ret == 0)
		ret = add1(ctx, "mmap2", SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (ret == 0)
		ret = add1(ctx, "mprotect", SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	for (size_t i = 0; i < ARRAY_SIZE(fcntl_ok) && ret == 0; i++) {
		ret = add1(ctx, "fcntl", SCMP_A1(SCMP_CMP_EQ, (uint64_t)fcntl_ok[i]));
		if (ret == 0)
			ret = add1(ctx, "fcntl64", SCMP_A1(SCMP_CMP_EQ, (uint64_t)fcntl_ok[i]));
	}
	if (ret == 0)
		ret = add1(ctx, "ioctl", SCMP_A1(SCMP_CMP_EQ, TCGETS));
	/* syslog (observe.h): local datagram sockets only. */
	if (ret == 0)
		ret = add1(ctx, "socket", SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	/* abort(): a signal to ourselves only. */
	if (ret == 0)
		ret = add1(ctx, "tgkill", SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid()));
	return ret;
}

/* ------------------------------------------------------------- log mode */

/* Decimal @v into @p (no NUL); returns the length.  Async-signal-safe. */
static size_t put_num(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(tmp));
	while (n)
		p[len++] = tmp[--n];
	return len;
}

/* Make the trapped call return -EPERM.  Architectures not listed get the
 * kernel's default for a skipped call (ENOSYS). */
static void set_return(void *uctx)
{
	ucontext_t *uc = uctx;

#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#elif defined(__i386__)
	uc->uc_mcontext.gregs[REG_EAX] = -EPERM;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#elif defined(__arm__)
	uc->uc_mcontext.arm_r0 = (unsigned long)-EPERM;
#elif defined(__riscv)
	uc->uc_mcontext.__gregs[REG_A0] = (unsigned long)-EPERM;
#else
	(void)uc;
#endif
}

static void on_sigsys(int sig, siginfo_t *si, void *uctx)
{
	static const char pre[] = "embargo: warning: seccomp: system call ";
	static const char post[] = " refused with EPERM (seccomp = log; statistics name it)\n";
	char msg[sizeof(pre) + sizeof(post) + 24];
	int nr = si->si_syscall, saved = errno;
	size_t n = 0;

	(void)sig;
	set_return(uctx);
	__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&last_refused, nr, __ATOMIC_RELAXED);
	if (nr >= 0 && nr < REPORTED_MAX) {
		uint8_t bit = (uint8_t)(1u << (nr % 8));

		if (__atomic_fetch_or(&reported[nr / 8], bit, __ATOMIC_RELAXED) & bit) {
			errno = saved;
			return;
		}
	}
	memcpy(msg, pre, sizeof(pre) - 1);
	n = sizeof(pre) - 1;
	n += put_num(msg + n, (unsigned long)(nr < 0 ? 0 : nr));
	memcpy(msg + n, post, sizeof(post) - 1);
	n += sizeof(post) - 1;
	if (write(STDERR_FILENO, msg, n) < 0)
		errno = saved;
	errno = saved;
}

/* ----------------------------------------------------------------- apply */

int sandbox_apply(enum conf_seccomp mode, char *err, size_t errsz)
{
	uint32_t def;
	scmp_filter_ctx ctx;
	int ret;

	switch (mode) {
	case CONF_SECCOMP_OFF:
		return 0;
	case CONF_SECCOMP_LOG: {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0) {
			ret = -errno;
			snprintf(err, errsz, "seccomp: SIGSYS handler: %s", strerror(-ret));
			return ret;
		}
		def = SCMP_ACT_TRAP;
		break;
	}
	case CONF_SECCOMP_STRICT:
	default:
		/* KILL_PROCESS needs API level 3 (Linux 4.14); before, kill the thread. */
		def = seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;
		break;
	}
	ctx = seccomp_init(def);
	if (!ctx) {
		snprintf(err, errsz, "seccomp: cannot create a filter (out of memory)");
		return -ENOMEM;
	}
	ret = build(ctx);
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* Also into the audit log, where the kernel supports it. */
	if (ret == 0 && seccomp_api_get() >= 3)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0) {
		snprintf(err, errsz, "seccomp: loading the %s filter: %s",
			 conf_seccomp_name(mode), strerror(-ret));
		return ret;
	}
	return 0;
}

uint64_t sandbox_refused(void)
{
	return __atomic_load_n(&refused, __ATOMIC_RELAXED);
}

int sandbox_last_refused(void)
{
	return __atomic_load_n(&last_refused, __ATOMIC_RELAXED);
}

const char *sandbox_syscall_name(int nr, char *buf, size_t size)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "nr %d", nr);
	free(name);
	return buf;
}
