/*
 * bgpd/rde_fwd.c - the RIB's change callback to the kernel: each selection
 * change goes through the overlay decision (rib/overlay.h) into the fib.
 * Settles the fib (stale routes of an earlier run removed) when every
 * established session sent End-of-RIB, or after RDE_FWD_SETTLE_SECS; once
 * the fib has sent those deletes, the tunnel devices of an earlier run that
 * nobody claimed are removed (routes first, then devices, as on stop).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgpd/rde_fwd.h"
#include "lib/log.h"
#include "rib/rib.h"

struct rde_fwd {
	struct fib		*fib;
	struct tunnel_mgr	*tm;
	struct overlay		*ov;
	struct event		*settle_ev;
	struct event		*prune_ev;	/* waits for the fib to go idle */
	unsigned		 prune_waits;
	bool			 settled;
};

#define PRUNE_WAIT_MS		20	/* poll of fib_is_idle */
#define PRUNE_WAITS_MAX		100	/* 2 s: then prune anyway */

/*
 * A selection change from the RIB (called by rde.c's fan-out). Members with
 * next hop 0.0.0.0 are our own `network` routes (adj_out.c's local
 * pseudo-peer): announced, never installed; a prefix with only those is
 * not ours to route.
 */
void
rde_fwd_change(struct rde_fwd *f, const struct prefix *p, const struct rib_selection *sel)
{
	struct overlay_hop hops[RIB_MULTIPATH_MAX];
	size_t n = 0;

	for (size_t i = 0; sel != NULL && i < sel->n && n < RIB_MULTIPATH_MAX; i++)
		if (sel->set[i].attrs->nexthop != 0)
			hops[n++] = (struct overlay_hop){ .gateway = sel->set[i].attrs->nexthop,
			    .local = sel->set[i].peer->local_addr, .weight = sel->set[i].weight };
	if (n == 0) {
		overlay_route_del(f->ov, p);
		return;
	}
	(void)overlay_route_set(f->ov, p, hops, n);	/* logged there */
}

static void
rde_fwd_prune_later(struct rde_fwd *f)
{
	static const struct timeval wait = { 0, PRUNE_WAIT_MS * 1000 };

	evtimer_add(f->prune_ev, &wait);
}

/*
 * Devices of an earlier run that no tunnel_get() claimed by settle time
 * carry only stale routes: remove them once the fib has deleted those, so
 * the kernel never drops a route under the fib's feet.
 */
static void
rde_fwd_prune_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rde_fwd *f = arg;
	unsigned n;

	(void)fd, (void)what;
	if (!fib_is_idle(f->fib) && ++f->prune_waits < PRUNE_WAITS_MAX)
		return rde_fwd_prune_later(f);
	if ((n = tunnel_mgr_prune(f->tm)) > 0)
		log_info("tunnel: removed %u device(s) of an earlier run that nobody uses", n);
}

void
rde_fwd_settle(struct rde_fwd *f)
{
	if (f == NULL || f->settled)
		return;
	f->settled = true;
	fib_settle(f->fib);
	log_info("fib: settled; routes of an earlier run that are not wanted now are removed");
	if (f->tm != NULL)
		rde_fwd_prune_later(f);
}

static void
rde_fwd_settle_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	rde_fwd_settle(arg);
}

static struct tunnel_mgr *
rde_fwd_tunnels(struct event_base *base, const struct rde_fwd_cfg *c)
{
	struct tunnel_opts t = c->tunnel;
	struct tunnel_mgr *tm;
	int err = 0;

	if (c->mode == OVERLAY_MODE_NEVER)
		return NULL;
	if ((tm = tunnel_mgr_new(base, &t, &err)) != NULL || err != -EOPNOTSUPP ||
	    !c->style_defaulted || t.style != TUNNEL_STYLE_NBMA)
		return tm;
	log_notice("overlay: tunnel-style nbma (the default) needs the kernel driver; "
	    "using point-to-point");
	t.style = TUNNEL_STYLE_P2P;
	return tunnel_mgr_new(base, &t, &err);
}

struct rde_fwd *
rde_fwd_new(struct event_base *base, const struct rde_fwd_cfg *c)
{
	static const struct timeval settle = { RDE_FWD_SETTLE_SECS, 0 };
	struct rde_fwd *f = calloc(1, sizeof(*f));

	if (f == NULL)
		fatal("rde_fwd_new");
	if ((f->fib = fib_new(base, &c->fib)) == NULL)
		goto fail;
	f->tm = rde_fwd_tunnels(base, c);
	if (c->mode != OVERLAY_MODE_NEVER && f->tm == NULL)
		log_warnx("overlay: no tunnel driver; next hops that need a tunnel are not installed");
	if ((f->ov = overlay_new(base, c->mode, f->fib, f->tm)) == NULL)
		goto fail;
	if ((f->settle_ev = evtimer_new(base, rde_fwd_settle_cb, f)) == NULL ||
	    (f->prune_ev = evtimer_new(base, rde_fwd_prune_cb, f)) == NULL)
		fatalx("rde_fwd_new: event");
	evtimer_add(f->settle_ev, &settle);
	return f;
fail:
	log_warnx("BGP: learned routes are not installed in the kernel");
	rde_fwd_free(f);
	return NULL;
}

void
rde_fwd_free(struct rde_fwd *f)
{
	if (f == NULL)
		return;
	if (f->settle_ev != NULL)
		event_free(f->settle_ev);
	if (f->prune_ev != NULL)
		event_free(f->prune_ev);
	fib_free(f->fib, false);	/* our routes go first, then the devices */
	overlay_free(f->ov);
	tunnel_mgr_free(f->tm);
	free(f);
}

const struct overlay *
rde_fwd_overlay(const struct rde_fwd *f)
{
	return f ? f->ov : NULL;
}

const char *
rde_fwd_driver(const struct rde_fwd *f)
{
	return f && f->tm ? tunnel_mgr_driver_name(f->tm) : "none";
}
