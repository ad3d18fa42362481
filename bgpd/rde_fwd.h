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
struct rib_selection;
struct rde_fwd;

#define RDE_FWD_SETTLE_SECS	60	/* stale routes of an earlier run go after this at the latest */

struct rde_fwd_cfg {
	enum overlay_mode	mode;
	struct tunnel_opts	tunnel;
	struct fib_opts		fib;
	bool			style_defaulted;	/* nbma from the default: p2p if userspace */
};

/* Make fib, tunnels and overlay and register as rib's change callback. NULL: logged. */
struct rde_fwd	*rde_fwd_new(struct event_base *, const struct rde_fwd_cfg *);
/* Clean shutdown: our routes and tunnels removed. NULL ok. */
void		 rde_fwd_free(struct rde_fwd *);
/* Every established session sent End-of-RIB: stale routes may go now. */
void		 rde_fwd_settle(struct rde_fwd *);
/* A selection change (sel NULL: the prefix is gone) to the kernel. */
void		 rde_fwd_change(struct rde_fwd *, const struct prefix *,
		    const struct rib_selection *);
const struct overlay *rde_fwd_overlay(const struct rde_fwd *);
const char	*rde_fwd_driver(const struct rde_fwd *);

#endif
