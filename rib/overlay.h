/*
 * rib/overlay.h - the direct-or-tunnel decision per next hop (Calico modes),
 * and the install of a selected set into the FIB through it.
 *
 * The overlay keeps the host's connected IPv4 subnets (dumped at start, then
 * followed through RTM_NEWADDR/DELADDR) and, for every next hop some prefix
 * uses, one decision:
 *   never        -> direct "via NH dev IF" (IF: the connected subnet holding
 *                   NH); not installable when NH is on no connected subnet
 *   cross-subnet -> direct when NH is on a connected subnet, else tunnel
 *   always       -> tunnel
 * A tunnel is tunnel_get(local = the session's local address, remote = NH),
 * installed "dev TUN" (point-to-point) or "via NH dev TUN onlink" (NBMA),
 * route MTU = the tunnel's MTU. Next hops are counted per prefix: the last
 * prefix leaving a next hop puts its tunnel.
 *
 * Loop guard: a learned prefix equal to or covering one of our own underlay
 * addresses, or a tunnel endpoint it would be sent through, is not installed
 * (logged once per prefix), so a tunnel's outer packets never enter a tunnel.
 *
 * Per prefix the overlay keeps one 32-bit word (its next-hop set, refused
 * or not) in the fib's route for it (fib.h, "The caller's word"), not in a
 * table of its own; see rib/overlay.c and doc/overlay.md.
 *
 * Ownership: the overlay borrows the fib and the tunnel manager (the caller
 * frees them after overlay_free; the fib may go first: overlay_free reads no
 * word). Single-threaded, on the event loop.
 */
#ifndef IPIP_RIB_OVERLAY_H
#define IPIP_RIB_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/prefix.h"
#include "rib/fib.h"
#include "tunnel/tunnel.h"

struct event_base;
struct overlay;

enum overlay_mode {
	OVERLAY_MODE_CROSS_SUBNET,	/* the YANG default */
	OVERLAY_MODE_ALWAYS,
	OVERLAY_MODE_NEVER,
};

enum overlay_kind {
	OVERLAY_NONE,			/* not installable */
	OVERLAY_DIRECT,
	OVERLAY_TUNNEL,
};

/* "always", "cross-subnet", "never"; "direct", "tunnel", "none". */
const char	*overlay_mode_name(enum overlay_mode);
const char	*overlay_kind_name(enum overlay_kind);

/* The decision table: mode x (NH on a connected subnet?). */
enum overlay_kind overlay_decide(enum overlay_mode, bool on_connected);

/*
 * The kernel next hop for a decision: direct -> {gw, conn_ifindex};
 * tunnel -> {0, ti->ifindex} (point-to-point) or {gw, ti->ifindex, onlink}
 * (NBMA). *mtu: the tunnel's MTU, 0 for direct. -EINVAL for OVERLAY_NONE.
 */
MUST_USE int	 overlay_nh_make(enum overlay_kind, uint32_t gw, uint32_t conn_ifindex,
		    const struct tunnel_info *ti, uint16_t weight,
		    struct fib_nh *out, uint32_t *mtu);

/*
 * One member of a selected set: the next hop, the session's local address,
 * and the mode that decides it. src NULL: the overlay's own (global) mode,
 * mode ignored; else the mode to use and where it came from, a label the
 * overlay copies and shows but never interprets ("neighbor 10.0.0.2",
 * "prefix-list FAR": the caller's words). A next hop is decided once per
 * (local, gateway, mode, label), so two prefixes over one gateway with
 * different modes each get their own decision.
 */
#define OVERLAY_SRC_MAX	80
struct overlay_hop {
	uint32_t	 gateway;	/* host order */
	uint32_t	 local;		/* our end of the session that sent it */
	uint16_t	 weight;	/* 1..256 */
	enum overlay_mode mode;		/* with src != NULL */
	const char	*src;		/* borrowed for the call; NULL: global */
};

/*
 * Dump the connected subnets and start following them. NULL on failure
 * (logged). fib and tunnels are borrowed; fib is required (it keeps the
 * prefixes' words; fib_new_offline for tests), tunnels may be NULL (mode
 * never). base NULL: no address monitor (tests add subnets by hand).
 */
struct overlay	*overlay_new(struct event_base *, enum overlay_mode, struct fib *,
		    struct tunnel_mgr *tunnels);
/* Puts every tunnel, frees. The routes and their words stay in the fib
 * (fib_free decides); the words name nothing after this. */
void		 overlay_free(struct overlay *);

/*
 * Add or remove a connected subnet by hand (tests; the address monitor does
 * the same): next hops whose decision moves have their prefixes re-installed.
 */
void		 overlay_connected_add(struct overlay *, uint32_t addr, uint8_t plen,
		    uint32_t ifindex);
void		 overlay_connected_del(struct overlay *, uint32_t addr, uint8_t plen,
		    uint32_t ifindex);

/*
 * Install prefix over hops[0..n-1]: decide each, take the new next hops,
 * fib_route_set (or fib_route_del when none is installable or the loop guard
 * refuses it), put the ones the prefix no longer uses. 0 or -errno from the fib.
 */
int		 overlay_route_set(struct overlay *, const struct prefix *,
		    const struct overlay_hop *hops, size_t n);
void		 overlay_route_del(struct overlay *, const struct prefix *);

/*
 * BGP PIC: the kernel next hops (local, gateway) stands for now (direct, or
 * through its tunnel), weight 1, at most max into out; how many (0: not in
 * use or not installable). Walks the next hops in use, not the prefixes.
 */
size_t		 overlay_nh_fib(const struct overlay *, uint32_t local, uint32_t gateway,
		    struct fib_nh *out, size_t max);
/*
 * BGP PIC: (local, gateway) is gone for good (the caller knows no other
 * session provides it): its kernel next hops leave every shared group at
 * once (fib_nh_down, one group replace each, no route touched); each prefix
 * follows when it is set again. Returns how many groups changed.
 */
size_t		 overlay_nh_down(struct overlay *, uint32_t local, uint32_t gateway);

/* For show overlay: one next hop in use. */
struct overlay_nh_view {
	uint32_t		 gateway, local;
	enum overlay_kind	 kind;
	uint32_t		 ifindex;	/* 0 if none */
	uint32_t		 mtu;		/* 0 for direct */
	const char		*why;		/* "10.0.1.2 is on connected 10.0.1.0/24 ..." */
	const char		*device;	/* tunnel name, or NULL for direct */
	unsigned		 prefixes;	/* prefixes using it */
	enum overlay_mode	 mode;		/* the mode that decided it */
	const char		*src;		/* "global", or the hop's label */
};
typedef void overlay_nh_fn(void *arg, const struct overlay_nh_view *);
void		 overlay_walk(const struct overlay *, overlay_nh_fn *, void *arg);
enum overlay_mode overlay_mode_get(const struct overlay *);
/*
 * A new global mode (config reload). Next hops in use keep their decision
 * until their prefixes are set again (the caller re-sets every prefix, a
 * chunked job); new ones take it at once.
 */
void		 overlay_mode_set(struct overlay *, enum overlay_mode);

#endif
