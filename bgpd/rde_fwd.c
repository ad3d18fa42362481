/*
 * bgpd/rde_fwd.c - the RIB's change callback to the kernel: each selection
 * change goes through the overlay decision (rib/overlay.h) into the fib.
 * Settles the fib (stale routes of an earlier run removed) when every
 * established session sent End-of-RIB, or after RDE_FWD_SETTLE_SECS.
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
	bool			 settled;
};

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

void
rde_fwd_settle(struct rde_fwd *f)
{
	if (f == NULL || f->settled)
		return;
	f->settled = true;
	fib_settle(f->fib);
	log_info("fib: settled; routes of an earlier run that are not wanted now are removed");
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
	if ((f->settle_ev = evtimer_new(base, rde_fwd_settle_cb, f)) == NULL)
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
