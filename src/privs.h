// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.h - least privilege for `embargo run`: once the queues are bound and
 * the sockets and files are open, become an unprivileged user that keeps
 * only the capabilities the packet path uses.
 *
 *   root                          ->  user (default "embargo", else "nobody")
 *   all capabilities                  CAP_NET_ADMIN only (bounding set too)
 *   supplementary groups              none
 *   no_new_privs 0, dumpable 1        no_new_privs 1, dumpable 0
 *
 * CAP_NET_ADMIN stays because the kernel checks it on every nfnetlink
 * message, verdicts included (nfnetlink_rcv: netlink_net_capable).  The
 * raw sockets for NXDOMAIN answers are opened before the drop and a raw
 * socket needs CAP_NET_RAW only to be created, so CAP_NET_RAW goes.
 * Dumpable stays 0: a process holding a capability must not be ptrace-able
 * or leave core files behind.
 *
 * A process started without root but with the capabilities (systemd's
 * User=/DynamicUser= with AmbientCapabilities=) keeps its user and only
 * trims its capabilities.  Everything here must run before any thread is
 * created: capabilities and no_new_privs are per thread, and threads
 * inherit them from their creator.
 */
#ifndef EMBARGO_PRIVS_H
#define EMBARGO_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PRIVS_CAP(c) (UINT64_C(1) << (c))

/* Who to become, resolved while the user database can still be read. */
struct privs_target {
	uid_t uid;
	gid_t gid;
	char name[64];			/* as resolved, for messages */
	bool keep_root;			/* user = root (or uid 0): no drop at all */
	bool fallback;			/* the default user is missing: CONF_FALLBACK_USER */
};

/*
 * privs_resolve - look @user up (a name, or a numeric uid; a uid without a
 * passwd entry gets the gid of the same number).  When @user is the default
 * user (CONF_DEFAULT_USER) and does not exist, CONF_FALLBACK_USER is used
 * and @t->fallback set.  Returns 0, or -ENOENT with "user: 'NAME': no such
 * user" in @err.
 */
int privs_resolve(const char *user, struct privs_target *t, char *err, size_t errsz);

/* What privs_drop() did, for the start-up line and the tests. */
struct privs_report {
	bool changed_uid;		/* setuid happened (we started as root) */
	bool not_root;			/* started unprivileged: user kept as it was */
	uid_t uid;			/* the real/effective/saved uid after */
	gid_t gid;
	uint64_t caps;			/* effective = permitted capabilities after */
	bool bounding_dropped;		/* the bounding set was trimmed too */
};

/*
 * privs_drop - become @t keeping the capabilities in @keep (PRIVS_CAP bits),
 * in bubblewrap's order: bounding set, keep-caps, groups, gid, uid, then the
 * capability sets, ambient set cleared, no_new_privs, dumpable 0.  Then
 * checks the result (uid, capabilities, root cannot be regained).
 * With @t->keep_root nothing changes but no_new_privs.  Single-threaded
 * callers only.  Returns 0, or a negative errno with "privileges: ..." in
 * @err; on failure the process may be half-dropped and must exit.
 */
int privs_drop(const struct privs_target *t, uint64_t keep, struct privs_report *rep, char *err,
	       size_t errsz);

/* privs_caps_now - the calling thread's effective capabilities, or 0 on error. */
uint64_t privs_caps_now(void);

/* privs_cap_names - "CAP_NET_ADMIN,CAP_NET_RAW" for the known bits of @caps, "none" if 0. */
const char *privs_cap_names(uint64_t caps, char *buf, size_t size);

#endif
