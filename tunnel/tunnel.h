/*
 * tunnel/tunnel.h - the tunnel manager: the one public header of tunnel/.
 *
 * The manager owns every IPIP device the daemon uses. The RIB asks for a
 * tunnel per (local, remote) underlay endpoint pair with tunnel_get(); the
 * first user creates the device (named, marked as ours, sized, up), later
 * users share it, and tunnel_put() of the last user removes it. Devices are
 * made by a driver: "kernel" (rtnetlink ipip, issue 6, not yet written) or
 * "userspace" (a TUN device per tunnel and a raw IP-protocol-4 socket, run by
 * dataplane threads of this process). News goes up through one callback
 * registered at start (tunnel_mgr_set_change_cb), always on the caller's
 * thread, never from a dataplane thread.
 *
 * Ownership (see doc/tunnels.md): every device we create carries the alias
 * "ipip-bgpd local L remote R". tunnel_mgr_new() finds ours left by an earlier
 * run; tunnel_get() adopts a matching one instead of recreating it, and
 * tunnel_mgr_prune() removes those nobody claimed. Devices without our alias
 * are never touched.
 *
 * Everything here runs on the thread that made the manager; only the
 * counters are written by other threads (read them with tunnel_counters_get).
 */
#ifndef IPIP_TUNNEL_TUNNEL_H
#define IPIP_TUNNEL_TUNNEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

struct event_base;
struct tunnel_mgr;
struct tunnel;

enum tunnel_style {
	TUNNEL_STYLE_P2P,		/* one device per (local, remote) pair */
	TUNNEL_STYLE_NBMA,		/* one device, the route's gateway is the remote */
};

enum tunnel_driver_kind {
	TUNNEL_DRIVER_AUTO,		/* kernel when it can make ipip devices, else userspace */
	TUNNEL_DRIVER_USERSPACE,
	TUNNEL_DRIVER_KERNEL,
};

/* A device name prefix is at most this long, so 13 name characters remain. */
#define TUNNEL_PREFIX_MAX	2
#define TUNNEL_PREFIX_DEFAULT	"ip"
/* The IPv4 header the tunnel adds (RFC 2003 section 3). */
#define TUNNEL_OVERHEAD		20

struct tunnel_opts {
	enum tunnel_style	 style;
	enum tunnel_driver_kind	 driver;
	uint32_t		 mtu;		/* 0: the underlay device's MTU - 20 */
	const char		*prefix;	/* NULL: TUNNEL_PREFIX_DEFAULT */
	bool			 keep_on_exit;	/* graceful restart: free leaves devices */
};

enum tunnel_change {
	TUNNEL_CHANGE_UP,		/* the device exists and carries traffic */
	TUNNEL_CHANGE_MTU,		/* its MTU changed (underlay MTU followed) */
	TUNNEL_CHANGE_DOWN,		/* the device went away underneath us */
};

/* What a tunnel is, for the RIB and for "show tunnel". */
struct tunnel_info {
	char		 name[IFNAMSIZ];
	unsigned	 ifindex;
	uint32_t	 mtu;
	struct in_addr	 local, remote;
	unsigned	 users;
	bool		 adopted;	/* found from an earlier run, not recreated */
};

struct tunnel_counters {
	uint64_t	pkts_in, bytes_in, errors_in;
	uint64_t	pkts_out, bytes_out, errors_out;
};

/* Received protocol-4 packets dropped before any tunnel saw them. */
struct tunnel_drops {
	uint64_t	malformed;	/* refused by the decap parser */
	uint64_t	no_tunnel;	/* outer addresses match no tunnel of ours */
};

typedef void tunnel_change_cb(void *arg, const struct tunnel *, enum tunnel_change);

/*
 * Make a manager and start its driver; scan for devices of an earlier run.
 * NULL with *err = -errno: EINVAL (bad options), EOPNOTSUPP (the driver or
 * style cannot run here, e.g. NBMA with the userspace driver), or the system
 * error that stopped the driver. Owned: free with tunnel_mgr_free().
 */
struct tunnel_mgr *tunnel_mgr_new(struct event_base *, const struct tunnel_opts *, int *err);
/*
 * Remove every device we made or adopted (unless keep_on_exit: then they
 * stay, routes through them keep working, and the next run adopts them),
 * stop the driver, free. NULL is fine.
 */
void	tunnel_mgr_free(struct tunnel_mgr *);
/* cb runs from the event loop; it may tunnel_put() the tunnel it is given, no other. */
void	tunnel_mgr_set_change_cb(struct tunnel_mgr *, tunnel_change_cb *, void *arg);
/* "userspace" or "kernel": the driver actually running. */
const char *tunnel_mgr_driver_name(const struct tunnel_mgr *);
void	tunnel_mgr_drops(const struct tunnel_mgr *, struct tunnel_drops *);
/* Remove devices of an earlier run that no tunnel_get() claimed; returns how many. */
unsigned tunnel_mgr_prune(struct tunnel_mgr *);
/* Call fn for each live tunnel, in creation order. */
void	tunnel_mgr_walk(const struct tunnel_mgr *,
	    void (*fn)(void *arg, const struct tunnel *), void *arg);

/*
 * +1 user of the tunnel local -> remote, creating (or adopting) it on first
 * use. NULL with *err = -errno: EADDRNOTAVAIL (local is not ours), EEXIST
 * (a device of that name exists and is not ours), or the system's error.
 */
struct tunnel *tunnel_get(struct tunnel_mgr *, struct in_addr local,
	    struct in_addr remote, int *err);
/* -1 user; the last one removes the device. */
void	tunnel_put(struct tunnel_mgr *, struct tunnel *);
/* Borrowed view; valid until the next call into the manager. */
const struct tunnel_info *tunnel_info(const struct tunnel *);
void	tunnel_counters_get(const struct tunnel_mgr *, const struct tunnel *,
	    struct tunnel_counters *);

/*
 * Point-to-point device names (doc/tunnels.md): prefix + 13 characters of
 * RFC 4648 section 7 "base32hex" (lower case) holding the 64 bits
 * local||remote. Encode fails with -EINVAL if the prefix is too long;
 * decode fails with -EINVAL unless the name is exactly what encode makes.
 */
MUST_USE int tunnel_name_encode(const char *prefix, struct in_addr local,
	    struct in_addr remote, char name[IFNAMSIZ]);
MUST_USE int tunnel_name_decode(const char *prefix, const char *name,
	    struct in_addr *local, struct in_addr *remote);
/* The ownership alias "ipip-bgpd local L remote R", and back. */
#define TUNNEL_ALIAS_MAX	64
MUST_USE int tunnel_alias_format(struct in_addr local, struct in_addr remote,
	    char *buf, size_t len);
MUST_USE int tunnel_alias_parse(const char *alias, struct in_addr *local,
	    struct in_addr *remote);

#endif
