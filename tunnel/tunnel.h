/*
 * tunnel/tunnel.h - the tunnel manager: the one public header of tunnel/.
 *
 * The manager owns every IPIP device the daemon uses. The RIB asks for a
 * tunnel per (local, remote) underlay endpoint pair with tunnel_get(); the
 * first user creates the device (named, marked as ours, sized, up), later
 * users share it, and tunnel_put() of the last user removes it. Devices are
 * made by a driver: "kernel" (rtnetlink ipip devices), "bpf" (a TUN device
 * per tunnel whose IPIP the kernel does in tc BPF programs we load) or
 * "userspace" (a TUN device per tunnel and a raw IP-protocol-4 socket, run
 * by dataplane threads of this process); "auto" takes the first that works
 * here, in that order, and says which and why in the log. News goes up through one callback
 * registered at start (tunnel_mgr_set_change_cb), always on the caller's
 * thread, never from a dataplane thread.
 *
 * Ownership (see doc/tunnels.md): every device we create carries the alias
 * "ipip-bgpd local L remote R" (an NBMA device: remote 0.0.0.0). tunnel_mgr_new() finds ours left by an earlier
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

/*
 * The style decides how the RIB installs a next hop through a tunnel; it
 * learns which from tunnel_info()->onlink, the same for every driver:
 *   onlink false (point-to-point): one device per (local, remote); the next
 *     hop is the device alone:            "P dev <ifindex>"
 *   onlink true (NBMA, kernel and bpf drivers): one device per local address,
 *     shared by every remote reached from it; the next hop must name the
 *     remote as gateway, which the kernel uses as the outer destination:
 *                                         "P via <remote> dev <ifindex> onlink"
 * In both styles tunnel_get() is per (local, remote) and counts its users;
 * an NBMA device goes when the last tunnel through it is put.
 */
enum tunnel_style {
	TUNNEL_STYLE_P2P,		/* one device per (local, remote) pair */
	TUNNEL_STYLE_NBMA,		/* one device per local, the route's gateway is the remote */
};

enum tunnel_driver_kind {
	TUNNEL_DRIVER_AUTO,		/* kernel if it makes ipip devices, else bpf, else userspace */
	TUNNEL_DRIVER_USERSPACE,
	TUNNEL_DRIVER_KERNEL,
	TUNNEL_DRIVER_BPF,		/* tc BPF programs on a TUN device (Linux >= 6.3) */
};

/* A device name prefix is at most this long, so 13 name characters remain. */
#define TUNNEL_PREFIX_MAX	2
#define TUNNEL_PREFIX_DEFAULT	"ip"
/* The IPv4 header the tunnel adds (RFC 2003 section 3). */
#define TUNNEL_OVERHEAD		20

/* net.ipv4.fib_multipath_hash_policy (doc/tunnels.md "Flow spreading"). */
enum tunnel_ecmp_hash {
	TUNNEL_ECMP_HASH_UNSET,		/* leave it; warn once if 0 when ECMP becomes possible */
	TUNNEL_ECMP_HASH_LAYER3,	/* set 0: addresses only */
	TUNNEL_ECMP_HASH_LAYER4,	/* set 1: addresses and ports */
};

enum tunnel_firewall {
	TUNNEL_FIREWALL_NONE,
	TUNNEL_FIREWALL_NFTABLES,	/* table ip ipip_bgpd: protocol 4 only from our endpoints */
};

struct tunnel_opts {
	enum tunnel_style	 style;
	enum tunnel_driver_kind	 driver;
	enum tunnel_ecmp_hash	 ecmp_hash;
	enum tunnel_firewall	 firewall;
	uint32_t		 mtu;		/* 0: the underlay device's MTU - 20 */
	const char		*prefix;	/* NULL: TUNNEL_PREFIX_DEFAULT */
	bool			 keep_on_exit;	/* graceful restart: free leaves devices */
};

enum tunnel_change {
	TUNNEL_CHANGE_UP,		/* made again after someone deleted it: new ifindex */
	TUNNEL_CHANGE_MTU,		/* its MTU changed (underlay MTU followed) */
	TUNNEL_CHANGE_DOWN,		/* deleted underneath us and could not be made again */
};

/* What a tunnel is, for the RIB and for "show tunnel". */
struct tunnel_info {
	char		 name[IFNAMSIZ];
	unsigned	 ifindex;
	uint32_t	 mtu;
	struct in_addr	 local, remote;
	unsigned	 users;
	bool		 adopted;	/* found from an earlier run, not recreated */
	bool		 onlink;	/* NBMA: next hop "via remote dev ifindex onlink" */
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
 * Make a manager and start its driver (auto: probe the kernel, log which and
 * why); set or check the multipath hash; make the firewall table; scan for
 * devices of an earlier run. NULL with *err = -errno: EINVAL (bad options),
 * EOPNOTSUPP (the driver or style cannot run here: NBMA with the userspace
 * driver, the kernel driver on a kernel without ipip, the bpf driver on a
 * kernel without what it needs or a build without it), or the system error
 * that stopped the driver or the firewall. Owned: free with tunnel_mgr_free().
 */
struct tunnel_mgr *tunnel_mgr_new(struct event_base *, const struct tunnel_opts *, int *err);
/*
 * Remove every device we made or adopted (unless keep_on_exit: then they
 * stay, routes through them keep working, and the next run adopts them),
 * stop the driver, free. NULL is fine.
 */
void	tunnel_mgr_free(struct tunnel_mgr *);
/* Graceful restart decided late (a graceful stop): free leaves the devices. */
void	tunnel_mgr_keep_on_exit(struct tunnel_mgr *);
/* cb runs from the event loop; it may tunnel_put() the tunnel it is given, no other. */
void	tunnel_mgr_set_change_cb(struct tunnel_mgr *, tunnel_change_cb *, void *arg);
/* Devices of ours that someone else deleted and the manager made again. */
uint64_t	tunnel_mgr_remade(const struct tunnel_mgr *);
/* "userspace", "bpf" or "kernel": the driver actually running. */
const char *tunnel_mgr_driver_name(const struct tunnel_mgr *);
/* Why that one: "configured", or what driver auto found (as logged). */
const char *tunnel_mgr_driver_why(const struct tunnel_mgr *);
void	tunnel_mgr_drops(const struct tunnel_mgr *, struct tunnel_drops *);
/* Remove devices of an earlier run that no tunnel_get() claimed; returns how many. */
unsigned tunnel_mgr_prune(struct tunnel_mgr *);
/*
 * Without a manager (every overlay mode never), what an earlier run of ours
 * left (it died, or had tunnels and stopped gracefully): at start,
 * tunnel_stale_filters_sweep() takes the bpf driver's ipip_decap filters off
 * every device, and the clsact each leaves empty (CAP_NET_ADMIN is enough);
 * once the routes through them are gone,
 * tunnel_stale_devices_prune() removes every device carrying our alias,
 * whichever driver made it (ipip, TUN), and returns how many. Both log what
 * they remove; devices and filters not ours are never touched. (A manager
 * does the same: tunnel_mgr_new sweeps, tunnel_mgr_prune prunes.)
 */
void	tunnel_stale_filters_sweep(void);
unsigned tunnel_stale_devices_prune(void);
/* Call fn for each live tunnel, in creation order. */
void	tunnel_mgr_walk(const struct tunnel_mgr *,
	    void (*fn)(void *arg, const struct tunnel *), void *arg);
/*
 * The same in chunks (show tunnel): at most max tunnels made after the one
 * *after names (0: from the first), *after moved to the last one visited;
 * returns how many. Tunnels removed between calls are skipped, new ones come last.
 */
size_t	tunnel_mgr_walk_from(const struct tunnel_mgr *, uint64_t *after, size_t max,
	    void (*fn)(void *arg, const struct tunnel *), void *arg);

/*
 * +1 user of the tunnel local -> remote, creating (or adopting) it on first
 * use; with NBMA the device is per local and shared (see enum tunnel_style). NULL with *err = -errno: EADDRNOTAVAIL (local is not ours), EEXIST
 * (a device of that name exists and is not ours), or the system's error.
 */
struct tunnel *tunnel_get(struct tunnel_mgr *, struct in_addr local,
	    struct in_addr remote, int *err);
/* -1 user; the last one removes the device. */
void	tunnel_put(struct tunnel_mgr *, struct tunnel *);
/*
 * A route now spreads over two or more tunnels (the RIB says so, once): with
 * ecmp-hash unset and net.ipv4.fib_multipath_hash_policy 0, warn once that
 * every flow between two hosts takes one tunnel. Tunnels to different sites
 * alone are no reason to warn.
 */
void	tunnel_ecmp_in_use(struct tunnel_mgr *);
/* Borrowed view; valid until the next call into the manager. NBMA tunnels of one device share its counters. */
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
