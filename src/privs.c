// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - drop from root to an unprivileged user keeping CAP_NET_ADMIN
 * (privs.h).  Raw capget/capset system calls (capabilities(7),
 * _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set), no libcap.
 *
 * The order is bubblewrap's (drop_privs): while still root, shrink the
 * bounding set (needs CAP_SETPCAP) and ask to keep the permitted set across
 * the uid change (PR_SET_KEEPCAPS); change groups, then gid, then uid (the
 * gid first: without CAP_SETGID it could not change any more); then cut the
 * permitted and effective sets down to what is kept and clear the
 * inheritable and ambient sets, so nothing survives an execve; finally
 * no_new_privs and dumpable 0.  After the uid change the kernel has already
 * cleared the effective set; the capset gives back only what is kept.
 */
#define _GNU_SOURCE		/* setresuid, getresuid */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf.h"
#include "privs.h"
#include "util.h"

/* Capability numbers (linux/capability.h) -> names, for messages. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/* Capability numbers tried when trimming the bounding set (the kernel says when to stop). */
#define CAP_TRY_MAX 63

ATTR_PRINTF(3, 4) static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return e ? -e : -EPERM;
}

const char *privs_cap_names(uint64_t caps, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (!caps) {
		snprintf(buf, size, "none");
		return buf;
	}
	for (unsigned i = 0; i < 64 && len < size; i++) {
		if (!(caps & PRIVS_CAP(i)))
			continue;
		if (i < ARRAY_SIZE(cap_names))
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
						cap_names[i]);
		else
			len += (size_t)snprintf(buf + len, size - len, "%scap_%u", len ? "," : "",
						i);
	}
	return buf;
}

/* ---------------------------------------------------------------- lookup */

static void fill(struct privs_target *t, uid_t uid, gid_t gid, const char *name)
{
	t->uid = uid;
	t->gid = gid;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->keep_root = uid == 0;
}

/* getpwnam/getpwuid into @t; 0, or -ENOENT. */
static int lookup(const char *user, struct privs_target *t)
{
	char buf[4096];
	struct passwd pw, *res = NULL;
	uint64_t num;

	if (ch_is_digit(user[0]) && parse_uint(user, 0, UINT32_MAX - 1, &num) == 0) {
		char name[16];

		if (getpwuid_r((uid_t)num, &pw, buf, sizeof(buf), &res) == 0 && res) {
			fill(t, pw.pw_uid, pw.pw_gid, pw.pw_name);
		} else {
			/* No entry: a bare id, as systemd's DynamicUser allocates. */
			snprintf(name, sizeof(name), "%llu", (unsigned long long)num);
			fill(t, (uid_t)num, (gid_t)num, name);
		}
		return 0;
	}
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	fill(t, pw.pw_uid, pw.pw_gid, pw.pw_name);
	return 0;
}

int privs_resolve(const char *user, struct privs_target *t, char *err, size_t errsz)
{
	memset(t, 0, sizeof(*t));
	if (lookup(user, t) == 0)
		return 0;
	if (strcmp(user, CONF_DEFAULT_USER) == 0 && lookup(CONF_FALLBACK_USER, t) == 0) {
		t->fallback = true;
		return 0;
	}
	snprintf(err, errsz, "user: '%s': no such user%s", user,
		 strcmp(user, CONF_DEFAULT_USER) == 0 ? " (nor " CONF_FALLBACK_USER ")" : "");
	return -ENOENT;
}

/* ----------------------------------------------------------- capabilities */

static int cap_get(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) < 0)
		return -errno;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*perm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Effective = permitted = @caps, inheritable empty. */
static int cap_set(uint64_t caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)caps;
	d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
	return syscall(SYS_capset, &hdr, d) < 0 ? -errno : 0;
}

uint64_t privs_caps_now(void)
{
	uint64_t eff, perm;

	return cap_get(&eff, &perm) == 0 ? eff : 0;
}

/*
 * Drop every capability but @keep from the bounding set.  Needs
 * CAP_SETPCAP; returns false (nothing dropped) without it.  The loop ends
 * at the first number the kernel does not know (EINVAL).
 */
static bool trim_bounding(uint64_t keep)
{
	for (unsigned c = 0; c <= CAP_TRY_MAX; c++) {
		if (keep & PRIVS_CAP(c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return errno == EINVAL && c > 0;
	}
	return true;
}

/* ------------------------------------------------------------------- drop */

static int change_user(const struct privs_target *t, char *err, size_t errsz)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(err, errsz, "privileges: PR_SET_KEEPCAPS: %s", strerror(errno));
	/* Only the user's own gid: a supplementary group would be privilege too. */
	if (setgroups(0, NULL) < 0)
		return fail(err, errsz, "privileges: setgroups: %s", strerror(errno));
	if (setresgid(t->gid, t->gid, t->gid) < 0)
		return fail(err, errsz, "privileges: setresgid(%u): %s", (unsigned)t->gid,
			    strerror(errno));
	if (setresuid(t->uid, t->uid, t->uid) < 0)
		return fail(err, errsz, "privileges: setresuid(%u): %s", (unsigned)t->uid,
			    strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail(err, errsz, "privileges: PR_SET_KEEPCAPS: %s", strerror(errno));
	return 0;
}

/* The result must be what was asked for; anything else is fatal. */
static int verify(const struct privs_target *t, const struct privs_report *rep, uint64_t want,
		  char *err, size_t errsz)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t eff, perm;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return fail(err, errsz, "privileges: getresuid: %s", strerror(errno));
	if (rep->changed_uid && (r != t->uid || e != t->uid || s != t->uid || rg != t->gid ||
				 eg != t->gid || sg != t->gid)) {
		errno = EPERM;
		return fail(err, errsz, "privileges: still uid %u/%u/%u gid %u/%u/%u", r, e, s, rg,
			    eg, sg);
	}
	if (cap_get(&eff, &perm) < 0)
		return fail(err, errsz, "privileges: capget: %s", strerror(errno));
	if (eff != want || perm != want) {
		errno = EPERM;
		return fail(err, errsz, "privileges: capabilities 0x%llx/0x%llx, not 0x%llx",
			    (unsigned long long)eff, (unsigned long long)perm,
			    (unsigned long long)want);
	}
	/* As bubblewrap checks: root must be out of reach now. */
	if (rep->changed_uid && setuid(0) == 0) {
		errno = EPERM;
		return fail(err, errsz, "privileges: could become root again");
	}
	return 0;
}

int privs_drop(const struct privs_target *t, uint64_t keep, struct privs_report *rep, char *err,
	       size_t errsz)
{
	uint64_t eff, perm, want;
	int ret;

	memset(rep, 0, sizeof(*rep));
	errno = 0;
	if (t->keep_root) {
		/* user = root: the operator asked for no drop; no_new_privs costs nothing. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return fail(err, errsz, "privileges: PR_SET_NO_NEW_PRIVS: %s",
				    strerror(errno));
		rep->uid = geteuid();
		rep->gid = getegid();
		rep->caps = privs_caps_now();
		return 0;
	}
	if (cap_get(&eff, &perm) < 0)
		return fail(err, errsz, "privileges: capget: %s", strerror(errno));
	rep->bounding_dropped = trim_bounding(keep);
	if (geteuid() == 0) {
		ret = change_user(t, err, errsz);
		if (ret < 0)
			return ret;
		rep->changed_uid = true;
	} else {
		rep->not_root = true;
	}
	/* What is kept must have been there: an unprivileged start may lack it. */
	want = keep & perm;
	if (cap_set(want) < 0)
		return fail(err, errsz, "privileges: capset: %s", strerror(errno));
	/* EINVAL: a kernel before 4.3 has no ambient set, so nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return fail(err, errsz, "privileges: clearing ambient capabilities: %s",
			    strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errsz, "privileges: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(err, errsz, "privileges: PR_SET_DUMPABLE: %s", strerror(errno));
	ret = verify(t, rep, want, err, errsz);
	if (ret < 0)
		return ret;
	rep->uid = geteuid();
	rep->gid = getegid();
	rep->caps = want;
	return 0;
}
