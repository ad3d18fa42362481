/*
 * bgpd/priv.h - least privilege: once start-up is done, become an
 * unprivileged user keeping only the three capabilities the daemon uses
 * (doc/security.md). Knows nothing of BGP; main.c calls it once.
 */
#ifndef IPIP_BGPD_PRIV_H
#define IPIP_BGPD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct priv_user {
	char	name[64];
	uid_t	uid;
	gid_t	gid;
};

/* Capabilities kept, comma-separated, as cap_to_text() names them. */
#define PRIV_CAPS_TEXT	"cap_net_admin,cap_net_bind_service,cap_net_raw"

/*
 * Decide whom to become. 1: drop to *u. 0: stay as we are, why says so or is
 * "" (not root without -u; -u root). -1: -u names no user (why says so).
 * explicit: the name came from -u, so a missing user is an error, not a note.
 */
int	priv_user_pick(const char *name, bool explicit, struct priv_user *u,
	    char *why, size_t whylen);

/*
 * Become u (its group only, no supplementary groups) with CAP_NET_ADMIN,
 * CAP_NET_BIND_SERVICE and CAP_NET_RAW permitted and effective, nothing
 * inheritable or ambient, the bounding set cut to those three when we may,
 * and no way back to root. 0, or -1 with why set; on -1 the caller must
 * exit, the process may be half-way.
 *
 * Threads started earlier follow the uid change (glibc applies set*id to
 * every thread) but not the capability set, which is per thread: they end
 * with none, which suits the user-space tunnel's I/O threads (open fds only).
 */
int	priv_drop(const struct priv_user *u, char *why, size_t whylen);

#endif
