/*
 * bgpd/rde_fwd.h - from the RIB's selection to the kernel: the fib, the
 * tunnel manager and the overlay decision of one BGP instance (doc/overlay.md).
 */
#ifndef IPIP_BGPD_RDE_FWD_H
#define IPIP_BGPD_RDE_FWD_H

#include "rib/fib.h"
#include "rib/overlay.h"
#include "tunnel/tunnel.h"

struct event_base;
struct policy;
struct rib_selection;
struct rde_fwd;

#define RDE_FWD_SETTLE_SECS	60	/* stale routes of an earlier run go after this at the latest */

/*
 * The overlay mode per path (doc/overlay.md "Modes per neighbor and
 * prefix-list"): the first prefix-list override, by name, whose list
 * permits the prefix; else the override of the neighbor that sent the path;
 * else the global mode. Labels ("neighbor 10.0.0.2", "prefix-list FAR") go
 * to the overlay with the mode, for `show overlay`.
 */
struct rde_fwd_override {
	uint32_t		addr;			/* neighbor, host order; 0 for a list */
	char			name[64];		/* prefix-list (CONF_NAME_MAX); "" */
	enum overlay_mode	mode;
	char			src[OVERLAY_SRC_MAX];	/* the label */
};
struct rde_fwd_modes {
	enum overlay_mode	 global;
	struct rde_fwd_override	*nbr;			/* owned */
	size_t			 nnbr, capnbr;
	struct rde_fwd_override	*pl;			/* owned; sorted by name */
	size_t			 npl, cappl;
};
void	rde_fwd_modes_add_neighbor(struct rde_fwd_modes *, uint32_t addr, enum overlay_mode);
void	rde_fwd_modes_add_prefix_list(struct rde_fwd_modes *, const char *name,
	    enum overlay_mode);
void	rde_fwd_modes_free(struct rde_fwd_modes *);	/* the arrays; the struct is the caller's */
bool	rde_fwd_modes_equal(const struct rde_fwd_modes *, const struct rde_fwd_modes *);
/* Does any mode (global or override) need a tunnel manager (not never)? */
bool	rde_fwd_modes_need_tunnels(const struct rde_fwd_modes *);
/*
 * The mode of a path from peer for pfx; *src: its label, NULL when the global
 * mode decides. pol may be NULL (no list permits then: a missing list denies).
 */
enum overlay_mode rde_fwd_mode_pick(const struct rde_fwd_modes *, const struct policy *,
	    const struct prefix *, uint32_t peer, const char **src);

struct rde_fwd_cfg {
	struct rde_fwd_modes	modes;		/* borrowed: rde_fwd_new copies it */
	struct tunnel_opts	tunnel;
	struct fib_opts		fib;
	bool			style_defaulted;	/* nbma from the default: p2p if userspace */
};

/* Make fib, tunnels and overlay and register as rib's change callback. NULL: logged. */
struct rde_fwd	*rde_fwd_new(struct event_base *, const struct rde_fwd_cfg *);
/* Clean shutdown: our routes and tunnels removed. NULL ok. */
/* keep: our routes, nexthops and tunnels stay in the kernel (graceful restart). */
void		 rde_fwd_free(struct rde_fwd *, bool keep);
/* Routes of an earlier run found in the kernel at start (kept, graceful restart). */
uint64_t	 rde_fwd_adopted(const struct rde_fwd *);
/* Every established session sent End-of-RIB: stale routes may go now. */
void		 rde_fwd_settle(struct rde_fwd *);
/* A selection change (sel NULL: the prefix is gone) to the kernel; pol for the overrides. */
void		 rde_fwd_change(struct rde_fwd *, const struct policy *, const struct prefix *,
		    const struct rib_selection *);
/*
 * New modes from a reload (taken over: *m is emptied). true when they differ
 * from the running ones, so the caller re-sets every prefix (a chunked job).
 * When they need a tunnel manager this instance started without, they are
 * refused (false), logging that a restart is needed: a last guard, since
 * forwarding_check (bgpd/peer_conf.c) refuses such a commit before the
 * running configuration changes.
 */
bool		 rde_fwd_modes_set(struct rde_fwd *, struct rde_fwd_modes *m);
/* Are prefix-list overrides configured (a prefix-list change re-decides)? */
bool		 rde_fwd_has_list_overrides(const struct rde_fwd *);
const struct tunnel_mgr *rde_fwd_tunnels_get(const struct rde_fwd *);
const struct fib *rde_fwd_fib(const struct rde_fwd *);
/*
 * BGP PIC: a session went down and no other session provides gateway (the
 * RIB said so: rib_peer_down): its kernel next hops from our end local leave
 * every shared nexthop group now; groups changed. 0.0.0.0 (our own
 * `network` routes) is never installed: 0.
 */
size_t		 rde_fwd_nexthop_down(struct rde_fwd *, uint32_t local, uint32_t gateway);
const struct overlay *rde_fwd_overlay(const struct rde_fwd *);
const char	*rde_fwd_driver(const struct rde_fwd *);
/* Why that driver ("" without tunnels). */
const char	*rde_fwd_driver_why(const struct rde_fwd *);

#endif
