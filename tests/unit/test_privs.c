// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_privs.c - user lookup with the nobody fallback, capability names,
 * and the drop itself in a child process: as root, the child becomes
 * nobody with CAP_NET_ADMIN only (bounding set included), no_new_privs,
 * not dumpable, and cannot become root again; as any other user, the
 * unprivileged path (capabilities trimmed, user kept).  Each child reports
 * through its exit status, so the test process keeps its own privileges.
 */
#define _GNU_SOURCE		/* getresuid */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "privs.h"
#include "util.h"
#include "../tap.h"

static void test_resolve(void)
{
	struct privs_target t;
	struct passwd *pw;
	char err[256] = "";

	is_int(0, privs_resolve("root", &t, err, sizeof(err)), "root resolves");
	ok(t.keep_root && t.uid == 0 && !t.fallback, "  root: keep_root, uid 0");
	is_int(0, privs_resolve("0", &t, err, sizeof(err)), "uid 0 resolves");
	ok(t.keep_root, "  uid 0 is root too");

	pw = getpwnam(CONF_FALLBACK_USER);
	if (pw) {
		uid_t uid = pw->pw_uid;
		gid_t gid = pw->pw_gid;

		is_int(0, privs_resolve(CONF_FALLBACK_USER, &t, err, sizeof(err)),
		       "nobody resolves");
		ok(t.uid == uid && t.gid == gid && !t.keep_root && !t.fallback,
		   "  its uid and gid from the user database");
	} else {
		ok(1, "# SKIP no user nobody");
	}
	is_int(0, privs_resolve(CONF_DEFAULT_USER, &t, err, sizeof(err)),
	       "the default user resolves (itself or the fallback)");
	if (getpwnam(CONF_DEFAULT_USER))
		ok(!t.fallback && strcmp(t.name, CONF_DEFAULT_USER) == 0, "  embargo exists: used");
	else
		ok(t.fallback && strcmp(t.name, CONF_FALLBACK_USER) == 0,
		   "  embargo missing: nobody, flagged as the fallback");

	is_int(-ENOENT, privs_resolve("no-such-user-xq", &t, err, sizeof(err)),
	       "an unknown name: -ENOENT");
	is_str("user: 'no-such-user-xq': no such user", err, "  the message names it");
	/* Only the default user falls back: a typo must not silently become nobody. */
	ok(!t.fallback, "  no fallback for a configured name");

	if (!getpwuid(4242)) {
		is_int(0, privs_resolve("4242", &t, err, sizeof(err)),
		       "a uid without a passwd entry");
		ok(t.uid == 4242 && t.gid == 4242 && strcmp(t.name, "4242") == 0 && !t.keep_root,
		   "  uid and gid 4242 (DynamicUser-style)");
	} else {
		ok(1, "# SKIP uid 4242 exists");
		ok(1, "# SKIP");
	}
	is_int(-ENOENT, privs_resolve("4294967295", &t, err, sizeof(err)),
	       "uid 2^32-1 (the invalid id): not a uid, not a name");
}

static void test_names(void)
{
	char buf[256], small[8];

	is_str("none", privs_cap_names(0, buf, sizeof(buf)), "no capabilities: none");
	is_str("CAP_NET_ADMIN", privs_cap_names(PRIVS_CAP(CAP_NET_ADMIN), buf, sizeof(buf)),
	       "CAP_NET_ADMIN");
	is_str("CAP_NET_ADMIN,CAP_NET_RAW",
	       privs_cap_names(PRIVS_CAP(CAP_NET_ADMIN) | PRIVS_CAP(CAP_NET_RAW), buf,
			       sizeof(buf)),
	       "two, in number order");
	is_str("CAP_CHOWN,CAP_CHECKPOINT_RESTORE,cap_63",
	       privs_cap_names(PRIVS_CAP(0) | PRIVS_CAP(40) | PRIVS_CAP(63), buf, sizeof(buf)),
	       "first, last known and an unknown number");
	privs_cap_names(PRIVS_CAP(CAP_NET_ADMIN), small, sizeof(small));
	is_int(7, (long long)strlen(small), "a small buffer is cut, terminated");
}

/* A field of /proc/self/status ("CapBnd:\t0000000000001000"), or "" */
static const char *status_field(const char *key, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kl = strlen(key);

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			snprintf(buf, size, "%s", line + kl + 1);
			buf[strcspn(buf, "\n")] = '\0';
			while (*buf == '\t' || *buf == ' ')
				memmove(buf, buf + 1, strlen(buf));
			break;
		}
	}
	if (f)
		fclose(f);
	return buf;
}

/* Run @fn in a child; its exit status (0 = every check passed, else the failed check). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int child_drop_root(void)
{
	struct privs_target t;
	struct privs_report rep;
	char err[256], buf[64];
	uid_t r, e, s;

	if (privs_resolve(CONF_FALLBACK_USER, &t, err, sizeof(err)) < 0)
		return 1;
	if (privs_drop(&t, PRIVS_CAP(CAP_NET_ADMIN), &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "# %s\n", err);
		return 2;
	}
	if (!rep.changed_uid || rep.not_root || rep.uid != t.uid || !rep.bounding_dropped)
		return 3;
	if (getresuid(&r, &e, &s) < 0 || r != t.uid || e != t.uid || s != t.uid)
		return 4;
	if (getgid() != t.gid || getgroups(0, NULL) != 0)
		return 5;
	if (privs_caps_now() != PRIVS_CAP(CAP_NET_ADMIN))
		return 6;
	if (strcmp(status_field("CapPrm", buf, sizeof(buf)), "0000000000001000") != 0)
		return 7;
	if (strcmp(status_field("CapBnd", buf, sizeof(buf)), "0000000000001000") != 0)
		return 8;
	if (strcmp(status_field("CapInh", buf, sizeof(buf)), "0000000000000000") != 0 ||
	    strcmp(status_field("CapAmb", buf, sizeof(buf)), "0000000000000000") != 0)
		return 9;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 10;
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 11;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return 12;
	return 0;
}

/* Without root: the user stays, the capabilities go (there are none to keep). */
static int child_drop_unprivileged(void)
{
	struct privs_target t;
	struct privs_report rep;
	char err[256];
	uid_t me;

	/* As root, become an ordinary user first (capabilities go with it). */
	if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
			       setresuid(65534, 65534, 65534) < 0))
		return 1;
	me = getuid();
	memset(&t, 0, sizeof(t));
	t.uid = me + 1;		/* a different user than ours: must be ignored */
	t.gid = getgid();
	snprintf(t.name, sizeof(t.name), "other");
	if (privs_drop(&t, PRIVS_CAP(CAP_NET_ADMIN), &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "# %s\n", err);
		return 2;
	}
	if (!rep.not_root || rep.changed_uid || getuid() != me || geteuid() != me)
		return 3;
	if (privs_caps_now() != 0 || rep.caps != 0)
		return 4;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 5;
	return 0;
}

static int child_keep_root(void)
{
	struct privs_target t;
	struct privs_report rep;
	char err[256];
	uid_t me = geteuid();
	uint64_t caps = privs_caps_now();

	if (privs_resolve("root", &t, err, sizeof(err)) < 0)
		return 1;
	if (privs_drop(&t, PRIVS_CAP(CAP_NET_ADMIN), &rep, err, sizeof(err)) < 0)
		return 2;
	if (geteuid() != me || privs_caps_now() != caps || rep.changed_uid)
		return 3;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 4;
}

int main(void)
{
	test_resolve();
	test_names();
	if (geteuid() == 0 && getpwnam(CONF_FALLBACK_USER)) {
		is_int(0, in_child(child_drop_root),
		       "root -> nobody: uid/gid, no groups, CAP_NET_ADMIN only (bounding too), "
		       "no inheritable/ambient, no_new_privs, not dumpable, no way back");
	} else {
		ok(1, "# SKIP the root drop needs root");
	}
	is_int(0, in_child(child_drop_unprivileged),
	       "unprivileged start: user kept, capabilities trimmed, no_new_privs, not dumpable");
	is_int(0, in_child(child_keep_root), "user = root: nothing changes but no_new_privs");
	return done_testing();
}
