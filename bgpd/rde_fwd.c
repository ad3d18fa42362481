/*
 * bgpd/rde_fwd.c - the RIB's change callback to the kernel: each selection
 * change goes through the overlay decision (rib/overlay.h) into the fib.
 * Settles the fib (stale routes of an earlier run removed) when every
 * established session sent End-of-RIB, or after RDE_FWD_SETTLE_SECS; once
 * the fib has sent those deletes, the tunnel devices of an earlier run that
 * nobody claimed are removed (routes first, then devices, as on stop) - also
 * without a tunnel manager (every mode never): then every device with our
 * alias is an earlier run's, and its ipip_decap filters are swept at start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgpd/policy.h"
#include "bgpd/rde_fwd.h"
#include "lib/array.h"
#include "lib/log.h"
#include "rib/rib.h"

struct rde_fwd {
	struct fib		*fib;
	struct tunnel_mgr	*tm;
	struct overlay		*ov;
	struct rde_fwd_modes	 modes;		/* owned */
	struct event		*settle_ev;
	struct event		*prune_ev;	/* waits for the fib to go idle */
	unsigned		 prune_waits;
	bool			 settled;
	bool			 stale_devices;	/* no manager: an earlier run's may be left */
};

#define PRUNE_WAIT_MS		20	/* poll of fib_is_idle */
#define PRUNE_WAITS_MAX		100	/* 2 s: then prune anyway */

/* ------------------------------------------------ modes per path */

void
rde_fwd_modes_add_neighbor(struct rde_fwd_modes *m, uint32_t addr, enum overlay_mode mode)
{
	struct rde_fwd_override *o;
	char a[16];

	if (ARRAY_GROW(m->nbr, m->nnbr, m->capnbr, 8) < 0)
		fatal("overlay modes");
	o = &m->nbr[m->nnbr++];
	*o = (struct rde_fwd_override){ .addr = addr, .mode = mode };
	addr_fmt(addr, a);
	snprintf(o->src, sizeof(o->src), "neighbor %s", a);
}

/* Kept sorted by name: the documented order in which overrides are tried. */
void
rde_fwd_modes_add_prefix_list(struct rde_fwd_modes *m, const char *name, enum overlay_mode mode)
{
	struct rde_fwd_override *o;
	size_t i;

	if (ARRAY_GROW(m->pl, m->npl, m->cappl, 8) < 0)
		fatal("overlay modes");
	for (i = m->npl; i > 0 && strcmp(m->pl[i - 1].name, name) > 0; i--)
		m->pl[i] = m->pl[i - 1];
	m->npl++;
	o = &m->pl[i];
	*o = (struct rde_fwd_override){ .mode = mode };
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->src, sizeof(o->src), "prefix-list %s", name);
}

void
rde_fwd_modes_free(struct rde_fwd_modes *m)
{
	free(m->nbr);
	free(m->pl);
	*m = (struct rde_fwd_modes){ .global = m->global };
}

static bool
overrides_equal(const struct rde_fwd_override *a, const struct rde_fwd_override *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].addr != b[i].addr || a[i].mode != b[i].mode ||
		    strcmp(a[i].name, b[i].name) != 0)
			return false;
	return true;
}

bool
rde_fwd_modes_equal(const struct rde_fwd_modes *a, const struct rde_fwd_modes *b)
{
	return a->global == b->global && a->nnbr == b->nnbr && a->npl == b->npl &&
	    overrides_equal(a->nbr, b->nbr, a->nnbr) && overrides_equal(a->pl, b->pl, a->npl);
}

bool
rde_fwd_modes_need_tunnels(const struct rde_fwd_modes *m)
{
	if (m->global != OVERLAY_MODE_NEVER)
		return true;
	for (size_t i = 0; i < m->nnbr; i++)
		if (m->nbr[i].mode != OVERLAY_MODE_NEVER)
			return true;
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].mode != OVERLAY_MODE_NEVER)
			return true;
	return false;
}

/* The first prefix-list override whose list permits pfx (doc/policy.md), or NULL. */
static const struct rde_fwd_override *
mode_by_prefix(const struct rde_fwd_modes *m, const struct policy *pol, const struct prefix *pfx)
{
	for (size_t i = 0; pol != NULL && i < m->npl; i++)
		if (policy_prefix_list_permits(pol, m->pl[i].name, pfx))
			return &m->pl[i];
	return NULL;
}

/* by_prefix (the prefix's own override, if any), else the sending neighbor's, else global. */
static enum overlay_mode
mode_of(const struct rde_fwd_modes *m, const struct rde_fwd_override *by_prefix, uint32_t peer,
    const char **src)
{
	const struct rde_fwd_override *o = by_prefix;

	for (size_t i = 0; o == NULL && i < m->nnbr; i++)
		if (m->nbr[i].addr == peer)
			o = &m->nbr[i];
	*src = o ? o->src : NULL;
	return o ? o->mode : m->global;
}

enum overlay_mode
rde_fwd_mode_pick(const struct rde_fwd_modes *m, const struct policy *pol,
    const struct prefix *pfx, uint32_t peer, const char **src)
{
	return mode_of(m, mode_by_prefix(m, pol, pfx), peer, src);
}

static void
modes_copy(struct rde_fwd_modes *dst, const struct rde_fwd_modes *src)
{
	*dst = (struct rde_fwd_modes){ .global = src->global };
	for (size_t i = 0; i < src->nnbr; i++)
		rde_fwd_modes_add_neighbor(dst, src->nbr[i].addr, src->nbr[i].mode);
	for (size_t i = 0; i < src->npl; i++)
		rde_fwd_modes_add_prefix_list(dst, src->pl[i].name, src->pl[i].mode);
}

bool
rde_fwd_modes_set(struct rde_fwd *f, struct rde_fwd_modes *m)
{
	bool same = rde_fwd_modes_equal(&f->modes, m);

	if (!same && f->tm == NULL && rde_fwd_modes_need_tunnels(m)) {
		log_warnx("overlay: the new modes need tunnels, but this instance started without "
		    "a tunnel driver (every mode never): restart ipip-bgpd to apply them");
		rde_fwd_modes_free(m);
		return false;
	}
	rde_fwd_modes_free(&f->modes);
	f->modes = *m;
	*m = (struct rde_fwd_modes){ .global = m->global };
	if (!same) {
		overlay_mode_set(f->ov, f->modes.global);
		log_info("overlay: modes changed (global %s, %zu neighbor and %zu prefix-list "
		    "overrides); every prefix is decided again", overlay_mode_name(f->modes.global),
		    f->modes.nnbr, f->modes.npl);
	}
	return !same;
}

bool
rde_fwd_has_list_overrides(const struct rde_fwd *f)
{
	return f != NULL && f->modes.npl > 0;
}

/*
 * A selection change from the RIB (called by rde.c's fan-out). Members with
 * next hop 0.0.0.0 are our own `network` routes (adj_out.c's local
 * pseudo-peer): announced, never installed; a prefix with only those is
 * not ours to route.
 */
void
rde_fwd_change(struct rde_fwd *f, const struct policy *pol, const struct prefix *p,
    const struct rib_selection *sel)
{
	const struct rde_fwd_override *by_prefix = mode_by_prefix(&f->modes, pol, p);	/* once */
	struct overlay_hop hops[RIB_MULTIPATH_MAX];
	size_t n = 0;

	for (size_t i = 0; sel != NULL && i < sel->n && n < RIB_MULTIPATH_MAX; i++) {
		const struct rib_nexthop *m = &sel->set[i];

		if (m->attrs->nexthop == 0)
			continue;
		hops[n] = (struct overlay_hop){ .gateway = m->attrs->nexthop,
		    .local = m->peer->local_addr, .weight = m->weight };
		hops[n].mode = mode_of(&f->modes, by_prefix, m->peer->addr, &hops[n].src);
		n++;
	}
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
	n = f->tm != NULL ? tunnel_mgr_prune(f->tm) : tunnel_stale_devices_prune();
	f->stale_devices = false;
	if (n > 0)
		log_info("tunnel: removed %u device(s) of an earlier run that nobody uses", n);
}

/* BGP PIC: a next hop no established session provides any more (rde.c). */
size_t
rde_fwd_nexthop_down(struct rde_fwd *f, uint32_t local, uint32_t gateway)
{
	return gateway != 0 ? overlay_nh_down(f->ov, local, gateway) : 0;
}

void
rde_fwd_settle(struct rde_fwd *f)
{
	if (f == NULL || f->settled)
		return;
	f->settled = true;
	fib_settle(f->fib);
	log_info("fib: settled; routes of an earlier run that are not wanted now are removed");
	if (f->tm != NULL || f->stale_devices)
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

	if (!rde_fwd_modes_need_tunnels(&c->modes))
		return NULL;
	if ((tm = tunnel_mgr_new(base, &t, &err)) != NULL || err != -EOPNOTSUPP ||
	    !c->style_defaulted || t.style != TUNNEL_STYLE_NBMA)
		return tm;
	log_notice("overlay: tunnel-style nbma (the default) needs the kernel or bpf driver; "
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
	modes_copy(&f->modes, &c->modes);
	f->tm = rde_fwd_tunnels(base, c);
	if (rde_fwd_modes_need_tunnels(&c->modes) && f->tm == NULL)
		log_warnx("overlay: no tunnel driver; next hops that need a tunnel are not installed");
	if (f->tm == NULL) {		/* a manager sweeps and prunes for itself */
		tunnel_stale_filters_sweep();
		f->stale_devices = true;
	}
	if ((f->ov = overlay_new(base, c->modes.global, f->fib, f->tm)) == NULL)
		goto fail;
	if ((f->settle_ev = evtimer_new(base, rde_fwd_settle_cb, f)) == NULL ||
	    (f->prune_ev = evtimer_new(base, rde_fwd_prune_cb, f)) == NULL)
		fatalx("rde_fwd_new: event");
	evtimer_add(f->settle_ev, &settle);
	return f;
fail:
	log_warnx("BGP: learned routes are not installed in the kernel");
	rde_fwd_free(f, false);
	return NULL;
}

void
rde_fwd_free(struct rde_fwd *f, bool keep)
{
	if (f == NULL)
		return;
	if (f->settle_ev != NULL)
		event_free(f->settle_ev);
	if (f->prune_ev != NULL)
		event_free(f->prune_ev);
	if (keep)
		tunnel_mgr_keep_on_exit(f->tm);
	fib_free(f->fib, keep);		/* our routes go first, then the devices */
	overlay_free(f->ov);
	tunnel_mgr_free(f->tm);
	if (!keep && f->stale_devices && f->fib != NULL)	/* stopped before the prune */
		(void)tunnel_stale_devices_prune();
	rde_fwd_modes_free(&f->modes);
	free(f);
}

uint64_t
rde_fwd_adopted(const struct rde_fwd *f)
{
	struct fib_stats st;

	if (f == NULL || f->fib == NULL)
		return 0;
	fib_stats_get(f->fib, &st);
	return st.adopted;
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

const char *
rde_fwd_driver_why(const struct rde_fwd *f)
{
	return f && f->tm ? tunnel_mgr_driver_why(f->tm) : "";
}

const struct tunnel_mgr *
rde_fwd_tunnels_get(const struct rde_fwd *f)
{
	return f ? f->tm : NULL;
}

const struct fib *
rde_fwd_fib(const struct rde_fwd *f)
{
	return f ? f->fib : NULL;
}
