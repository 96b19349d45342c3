// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.h - a seccomp allow-list (libseccomp) of the system calls
 * `embargo run` makes once it is running: the packet path (recv, send,
 * poll, futex, memory), reloads (open for reading or appending, directory
 * listing, stat), timers, signals as reads and exit.  Nothing else: no new
 * sockets, no exec, no ptrace, no file creation other than the event log,
 * no mount, no module loading, no executable memory.
 *
 *   strict  a call outside the list kills the whole process (SIGSYS; the
 *           kernel's audit log names the call); under systemd the unit
 *           restarts it
 *   log     the call fails with EPERM instead, is counted
 *           (sandbox_refused) and reported once per call on stderr
 *   off     no filter
 *
 * Applied once, after the worker threads exist, to all of them at once
 * (SECCOMP_FILTER_FLAG_TSYNC), so thread creation itself needs no
 * permission.  Requires no_new_privs or CAP_SYS_ADMIN (privs_drop sets it).
 */
#ifndef EMBARGO_SANDBOX_H
#define EMBARGO_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/*
 * sandbox_apply - install the filter in @mode to every thread.
 * CONF_SECCOMP_OFF does nothing.  Returns 0, or a negative errno with
 * "seccomp: ..." in @err (the caller must not go on without it).
 */
int sandbox_apply(enum conf_seccomp mode, char *err, size_t errsz);

/* sandbox_refused - calls refused with EPERM so far (log mode). */
uint64_t sandbox_refused(void);

/* sandbox_last_refused - the number of the last refused call, -1 if none. */
int sandbox_last_refused(void);

/*
 * sandbox_syscall_name - the name of system call @nr on this architecture
 * into @buf ("nr N" if unknown).
 */
const char *sandbox_syscall_name(int nr, char *buf, size_t size);

#endif
