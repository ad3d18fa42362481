/*
 * bgpd/priv.c - drop root after start-up. See priv.h and doc/security.md.
 *
 * Order matters: the bounding set can only be cut while CAP_SETPCAP is
 * effective (as root), and capabilities survive setuid() only with
 * PR_SET_KEEPCAPS, which clears the effective set; cap_set_proc() then
 * narrows the permitted set to the three and raises them again.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bgpd/priv.h"

/*
 * NET_ADMIN: routes, nexthops, links, TUN devices, nftables, MD5 keys,
 * SO_*BUFFORCE and the net.* sysctls of our namespace (the kernel grants
 * their owner's mode to NET_ADMIN holders: net/sysctl_net.c). NET_BIND_SERVICE:
 * port 179 again when the listener moves on reload. NET_RAW: the user-space
 * driver's raw IPIP socket, opened when `router bgp` appears.
 */
static const cap_value_t priv_keep[] = { CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, CAP_NET_RAW };

int
priv_user_pick(const char *name, bool explicit, struct priv_user *u, char *why, size_t whylen)
{
	const struct passwd *pw;

	why[0] = '\0';
	if (geteuid() != 0) {
		if (explicit)
			snprintf(why, whylen, "not started as root: -u %s ignored", name);
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		snprintf(why, whylen, "%s %s%s", explicit ? "-u: no user" : "no user", name,
		    explicit ? "" : ": staying root (create it to run unprivileged, "
		    "doc/security.md)");
		return explicit ? -1 : 0;
	}
	if (pw->pw_uid == 0)
		return 0;			/* -u root: the operator's choice */
	if (snprintf(u->name, sizeof(u->name), "%s", pw->pw_name) >= (int)sizeof(u->name)) {
		snprintf(why, whylen, "user name %s too long", pw->pw_name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 1;
}

static bool
priv_is_kept(cap_value_t c)
{
	for (size_t i = 0; i < sizeof(priv_keep) / sizeof(priv_keep[0]); i++)
		if (priv_keep[i] == c)
			return true;
	return false;
}

/* Best effort: without CAP_SETPCAP (systemd's bounding set) it is cut already. */
static void
priv_bound_cut(void)
{
	cap_value_t max = cap_max_bits();

	for (cap_value_t c = 0; c < max; c++)
		if (!priv_is_kept(c) && cap_drop_bound(c) < 0 && errno == EPERM)
			return;
}

static int
priv_caps_set(char *why, size_t whylen)
{
	const int n = (int)(sizeof(priv_keep) / sizeof(priv_keep[0]));
	cap_t caps = cap_init();
	int rv = -1;

	if (caps == NULL)
		snprintf(why, whylen, "cap_init: %s", strerror(errno));
	else if (cap_set_flag(caps, CAP_PERMITTED, n, priv_keep, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, n, priv_keep, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0)
		snprintf(why, whylen, "cannot keep %s: %s", PRIV_CAPS_TEXT, strerror(errno));
	else
		rv = 0;
	cap_free(caps);
	return rv;
}

int
priv_drop(const struct priv_user *u, char *why, size_t whylen)
{
	priv_bound_cut();
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0) {
		snprintf(why, whylen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (setgroups(1, &u->gid) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0) {
		snprintf(why, whylen, "cannot become %s (uid %ld gid %ld): %s", u->name,
		    (long)u->uid, (long)u->gid, strerror(errno));
		return -1;
	}
	if (priv_caps_set(why, whylen) < 0)
		return -1;
	(void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	(void)cap_reset_ambient();
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);	/* we never exec; say so */
	if (setresuid(0, 0, 0) == 0 || geteuid() != u->uid) {	/* a way back is a bug */
		snprintf(why, whylen, "could regain root after dropping to %s", u->name);
		return -1;
	}
#if defined(__SANITIZE_ADDRESS__)
	/* set*id made us non-dumpable; LeakSanitizer's exit scan ptraces our threads */
	(void)prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L);
#endif
	return 0;
}
