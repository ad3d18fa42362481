/*
 * rib/fib_sync.c - keeping the FIB's view of the kernel true: the reconcile
 * dump at start and after ENOBUFS (STYLE 5), the monitor that notices routes
 * deleted by hand and nexthops flushed with a link, opening the sockets, and
 * net.ipv4.nexthop_compat_mode. Only objects with our protocol are adopted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/array.h"
#include "lib/log.h"
#include "lib/sysctl.h"
#include "rib/fib_int.h"

#define FIB_COMPAT_PATH	"/proc/sys/net/ipv4/nexthop_compat_mode"

/* ---- reconcile: dump what the kernel has with our protocol (STYLE 5) ---- */

uint32_t
fib_hops_sig(const struct fib_nh *k, size_t n)
{
	uint32_t h = 0x5eed;

	for (size_t i = 0; i < n; i++)
		h = hash_add(hash_add(hash_add(hash_add(h, k[i].gateway), k[i].ifindex),
		    k[i].onlink), n == 1 ? 1 : k[i].weight);
	return h ? h : 1;
}

struct fib_kgrp {		/* a group seen in the dump, resolved after it */
	uint32_t	id, n;
	struct { uint32_t id; uint16_t weight; } m[FIB_NH_MAX];
};

struct fib_dump {
	struct fib	*f;
	struct fib_kgrp	*grps;
	size_t		 ngrps, cap;
	int		 bad;		/* messages that did not parse */
};

static void
fib_dump_nh(struct fib *f, const struct rtnl_nexthop *k)
{
	struct fib_nh key = { k->gateway, k->ifindex, (k->flags & RTNH_F_ONLINK) != 0, 0 };
	struct fib_idobj *h = fib_id_find(f, k->id);
	struct fib_nhobj *nh = (struct fib_nhobj *)h;

	if (h == NULL) {
		(void)fib_nhobj_adopt(f, &key, k->id);
		return;
	}
	if (h->o.kind != FIB_K_NH || fib_nh_cmp(&nh->key, &key) != 0)
		return;			/* not what we think it is: ours stays "missing" */
	h->o.seen = true;
	if (h->o.pending != FIB_OP_NONE || h->o.in_kernel)
		return;
	h->o.in_kernel = true;			/* its groups waited for a member */
	fib_nh_groups_dirty(f, nh);
}

static int
fib_dump_grp_keep(struct fib_dump *d, const struct rtnl_nexthop *k)
{
	struct fib_kgrp *g;

	if (k->ngroup > FIB_NH_MAX)
		return 0;			/* not one of ours: we never make those */
	if (ARRAY_GROW(d->grps, d->ngrps, d->cap, 64) < 0)
		return -ENOMEM;
	g = &d->grps[d->ngrps++];
	g->id = k->id;
	g->n = k->ngroup;
	for (size_t i = 0; i < k->ngroup; i++)
		g->m[i].id = k->group[i].id, g->m[i].weight = k->group[i].weight;
	return 0;
}

static int
fib_dump_nh_cb(const struct rtnl_msg *m, void *arg)
{
	struct fib_dump *d = arg;
	static struct rtnl_nexthop k;	/* 2 KiB: not on the stack; one loop */

	if (rtnl_nexthop_parse(m, &k) < 0) {
		d->bad++;
		return 0;
	}
	if (k.protocol != d->f->opts.protocol || k.blackhole)
		return 0;
	if (k.is_group)
		return fib_dump_grp_keep(d, &k);
	fib_dump_nh(d->f, &k);
	return 0;
}

/* Members as fib_nh keys in canonical order; -ENOENT if one is not ours. */
static int
fib_kgrp_keys(struct fib *f, const struct fib_kgrp *kg, struct fib_nh *k)
{
	for (size_t i = 0; i < kg->n; i++) {
		struct fib_idobj *h = fib_id_find(f, kg->m[i].id);

		if (h == NULL || h->o.kind != FIB_K_NH)
			return -ENOENT;
		k[i] = ((struct fib_nhobj *)h)->key;
		k[i].weight = kg->m[i].weight;
	}
	return 0;
}

/* What we would write for g now, compared with what the kernel has. */
static bool
fib_grp_matches(const struct fib_grp *g, const struct fib_kgrp *kg)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++) {
		if (!g->m[i].nh->h.o.in_kernel)
			continue;
		if (n >= kg->n || kg->m[n].id != g->m[i].nh->h.id ||
		    kg->m[n].weight != g->m[i].weight)
			return false;
		n++;
	}
	return n == kg->n;
}

static void
fib_dump_grp(struct fib *f, const struct fib_kgrp *kg)
{
	struct fib_idobj *h = fib_id_find(f, kg->id);
	struct fib_nh k[FIB_NH_MAX];

	if (h == NULL) {
		if (fib_kgrp_keys(f, kg, k) == 0)
			(void)fib_grp_adopt(f, k, kg->n, kg->id);
		return;
	}
	if (h->o.kind != FIB_K_GRP)
		return;
	h->o.seen = true;
	if (h->o.pending != FIB_OP_NONE)
		return;
	h->o.in_kernel = true;
	if (!fib_grp_matches((struct fib_grp *)h, kg)) {
		h->o.kdirty = true;
		fib_obj_dirty(f, &h->o);
	}
	fib_grp_wake(f, (struct fib_grp *)h);	/* counted out, or its ACK lost */
}

static bool
fib_route_is_ours(const struct fib *f, const struct rtnl_route *k)
{
	return k->protocol == f->opts.protocol && k->table == f->opts.table &&
	    k->priority == f->opts.metric && k->type == RTN_UNICAST && k->tos == 0;
}

/* Inline next hops: the signature of the hops the kernel's route carries. */
static uint32_t
fib_route_ksig(const struct rtnl_route *k)
{
	struct fib_nh h[RTNL_MPATH_MAX];

	for (size_t i = 0; i < k->nhops; i++)
		h[i] = (struct fib_nh){ k->hop[i].gateway, k->hop[i].ifindex,
		    (k->hop[i].flags & RTNH_F_ONLINK) != 0, k->hop[i].weight };
	return k->nhops > FIB_NH_MAX ? 0 : fib_hops_sig(h, k->nhops);
}

/*
 * Nexthop objects: the kernel's route names id; held if it is our group's
 * and that group is in the kernel (else the id is someone else's for now:
 * our group's write will find it taken and move, and the route must then
 * be rewritten, which it would not be if it looked in sync).
 */
static void
fib_route_kset_grp(struct fib *f, struct fib_route *r, uint32_t id)
{
	struct fib_idobj *h = fib_id_find(f, id);
	struct fib_grp *g = h != NULL && h->o.kind == FIB_K_GRP && h->o.in_kernel ?
	    (struct fib_grp *)h : NULL;
	struct fib_grp *old = fib_grp_at(f, r->k_grp);

	if (g != NULL)
		fib_grp_ref(f, g);
	if (old != NULL)
		fib_grp_put(f, old);
	r->k_grp = fib_grp_slot(g);
}

/* Record what the kernel has for r. */
static void
fib_route_kset(struct fib *f, struct fib_route *r, const struct rtnl_route *k)
{
	if (!r->o.in_kernel)
		f->st.routes_kernel++;
	r->o.in_kernel = r->o.seen = true;
	r->o.r_k_mtu = k->mtu > UINT16_MAX ? UINT16_MAX : (uint16_t)k->mtu;	/* the kernel caps it lower */
	if (f->nexthops)
		fib_route_kset_grp(f, r, k->nh_id);
	else
		r->k_sig = fib_route_ksig(k);
}

static int
fib_dump_route_cb(const struct rtnl_msg *m, void *arg)
{
	struct fib_dump *d = arg;
	struct fib *f = d->f;
	static struct rtnl_route k;
	struct fib_route *r;
	struct prefix p;

	if (rtnl_route_parse(m, &k) < 0) {
		d->bad += m->type == RTM_NEWROUTE;
		return 0;
	}
	if (!fib_route_is_ours(f, &k))
		return 0;
	p = (struct prefix){ k.dst, k.dst_len };
	if ((r = fib_route_find(f, &p)) == NULL)
		r = fib_route_adopt(f, &p);
	else if (r->o.pending != FIB_OP_NONE)
		return 0;
	fib_route_kset(f, r, &k);
	if (!fib_obj_wanted(&r->o) || fib_obj_needs_write(f, &r->o))
		fib_obj_dirty(f, &r->o);	/* unwanted (held by its word): out */
	return 0;
}

static void
fib_map_unsee(struct hmap *m, size_t off)
{
	for (struct hmap_node *x = hmap_next(m, NULL); x; x = hmap_next(m, x))
		((struct fib_obj *)((char *)x - off))->seen = false;
}

static void
fib_routes_unsee(struct fib *f)
{
	struct fib_route *r;

	for (uint32_t i = 0; (r = slab_next(&f->route_slab, &i)) != NULL;)
		r->o.seen = false;
}

/* Ours but not in the dump: gone from the kernel. */
static void
fib_obj_sweep(struct fib *f, struct fib_obj *o)
{
	if (o->seen || !o->in_kernel || o->pending != FIB_OP_NONE)
		return;
	if (o->kind == FIB_K_ROUTE)
		fib_route_now_out(f, (struct fib_route *)o);
	o->in_kernel = false;
	fib_obj_dirty(f, o);		/* the flush job re-adds or frees it */
}

static void
fib_map_sweep(struct fib *f, struct hmap *m, size_t off)
{
	for (struct hmap_node *x = hmap_next(m, NULL); x; x = hmap_next(m, x))
		fib_obj_sweep(f, (struct fib_obj *)((char *)x - off));
}

static void
fib_routes_sweep(struct fib *f)
{
	struct fib_route *r;

	for (uint32_t i = 0; (r = slab_next(&f->route_slab, &i)) != NULL;)
		fib_obj_sweep(f, &r->o);
}

/* Dump every nexthop object of the namespace into cb. */
static int
fib_nexthops_dump(struct fib *f, nl_msg_fn *cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(h, sizeof(*nhm));

	h->nlmsg_type = RTM_GETNEXTHOP;
	nhm->nh_family = AF_UNSPEC;
	return nl_dump(f->nl, h, cb, arg);
}

static int
fib_dump_nexthops(struct fib *f, struct fib_dump *d)
{
	int rv;

	if ((rv = fib_nexthops_dump(f, fib_dump_nh_cb, d)) < 0)
		return rv;
	for (size_t i = 0; i < d->ngrps; i++)
		fib_dump_grp(f, &d->grps[i]);
	for (struct hmap_node *x = hmap_next(&f->ids, NULL); x; x = hmap_next(&f->ids, x)) {
		struct fib_idobj *o = (struct fib_idobj *)((char *)x - offsetof(struct fib_idobj, idn));

		if (o->id >= f->next_id && (o->id >> 24) == f->opts.protocol)
			f->next_id = o->id + 1;
	}
	return 0;
}

static int
fib_dump_routes(struct fib *f, struct fib_dump *d)
{
	return nl_dump_ipv4(f->nl, RTM_GETROUTE, fib_dump_route_cb, d);
}

int
fib_kernel_reconcile(struct fib *f)
{
	struct fib_dump d = { .f = f };
	int rv = 0;

	fib_kernel_settle(f);
	fib_map_unsee(&f->nhs, offsetof(struct fib_nhobj, h.hn));
	fib_map_unsee(&f->grps, offsetof(struct fib_grp, h.hn));
	fib_routes_unsee(f);
	if (f->nexthops)
		rv = fib_dump_nexthops(f, &d);
	if (rv == 0)
		rv = fib_dump_routes(f, &d);
	free(d.grps);
	if (rv < 0)
		return rv;
	if (d.bad > 0)
		log_warnx("fib: %d netlink messages in the dump did not parse; skipped", d.bad);
	fib_map_sweep(f, &f->nhs, offsetof(struct fib_nhobj, h.hn));
	fib_map_sweep(f, &f->grps, offsetof(struct fib_grp, h.hn));
	fib_routes_sweep(f);
	return 0;
}

/* ---- monitor: notice what others did to our objects ---- */

static struct log_ratelimit fib_repair_rl;

static void
fib_mon_route_gone(struct fib *f, const struct rtnl_route *k)
{
	struct prefix p = { k->dst, k->dst_len };
	struct fib_route *r = fib_route_find(f, &p);
	char a[PREFIX_STRLEN];
	unsigned dropped;

	if (r == NULL || !r->o.in_kernel || r->o.pending != FIB_OP_NONE)
		return;
	fib_route_now_out(f, r);
	if (!fib_obj_wanted(&r->o)) {
		fib_obj_dirty(f, &r->o);	/* frees it */
		return;
	}
	f->st.repaired++;
	if (log_ratelimit_ok(&fib_repair_rl, time(NULL), 10, 60, &dropped))
		log_info("fib: route %s was removed outside ipip-bgpd; restoring%s",
		    prefix_fmt(&p, a), dropped ? " (more not logged)" : "");
	fib_obj_dirty(f, &r->o);
}

static void
fib_mon_route_new(struct fib *f, const struct rtnl_route *k)
{
	struct prefix p = { k->dst, k->dst_len };
	struct fib_route *r = fib_route_find(f, &p);

	if (r == NULL || r->o.pending != FIB_OP_NONE)
		return;
	fib_route_kset(f, r, k);
	if (fib_obj_needs_write(f, &r->o) || !fib_obj_wanted(&r->o))
		fib_obj_dirty(f, &r->o);
}

/*
 * What the kernel did with our writes before a notification about our
 * objects must be known before what it says (a group flushed with its link
 * takes the routes along: a route whose ACK came later would count as in).
 * Inline, every ACK is read at the send; with the writer thread, read them
 * now. Only for what concerns us: a busy namespace's other routes and
 * addresses do not stall a load.
 */
static void
fib_mon_settle(struct fib *f)
{
	if (nl_inflight(f->nl) > 0) {
		f->st.settles++;
		fib_kernel_settle(f);
	}
}

static void
fib_mon_route(struct fib *f, const struct rtnl_msg *m)
{
	static struct rtnl_route k;

	if (rtnl_route_parse(m, &k) < 0 || !fib_route_is_ours(f, &k))
		return;
	fib_mon_settle(f);
	if (m->type == RTM_DELROUTE)
		fib_mon_route_gone(f, &k);
	else
		fib_mon_route_new(f, &k);
}

static bool
fib_route_gone_with(struct fib *f, struct fib_route *r)
{
	r->o.maybe_in = true;
	fib_route_now_out(f, r);
	fib_obj_dirty(f, &r->o);
	return true;
}

/*
 * The kernel removed a group of ours: it took the routes using it along,
 * those whose k_grp is g (wanting g or not: adopted at start and not wanted
 * yet, or wanting another group now). They are counted out by one walk of
 * every route (fib_grps_gone_walk) for all the groups marked by then: a
 * link down may take many, and an operator's flush sends a notification
 * for each, read by the dozen in one turn.
 */
static void
fib_mon_grp_gone(struct fib *f, struct fib_grp *g)
{
	g->h.o.in_kernel = false;
	g->h.o.maybe_in = true;
	g->mark = true;
	f->grps_gone = true;
	fib_obj_dirty(f, &g->h.o);
	fib_schedule(f);			/* its walk, even if g was queued */
}

/* Count out the routes of the groups fib_mon_grp_gone marked: now, where
 * the caller needs them out before it goes on; else at the flush job's
 * start, so a burst of notifications (a flush of our groups) shares one. */
void
fib_grps_gone_walk(struct fib *f)
{
	if (!f->grps_gone)
		return;
	f->grps_gone = false;
	(void)fib_routes_of_marked(f, true, fib_route_gone_with);
}

static void fib_mon_nh_out(struct fib *, struct fib_nhobj *);

/*
 * The kernel refused o for naming ids it does not have ("Invalid nexthop
 * id", "Nexthop id does not exist"): what o refers to left the kernel
 * without our seeing it (a flush racing our own write: a link that went down
 * while the write was in flight). Count it out so it is written again
 * (REPLACE) and o follows, instead of o failing on it forever.
 */
void
fib_refs_lost(struct fib *f, struct fib_obj *o)
{
	if (o->kind == FIB_K_GRP) {
		struct fib_grp *g = (struct fib_grp *)o;

		for (size_t i = 0; i < g->n; i++)
			if (g->m[i].nh->h.o.in_kernel && g->m[i].nh->h.o.pending == FIB_OP_NONE)
				fib_mon_nh_out(f, g->m[i].nh);
	} else if (o->kind == FIB_K_ROUTE) {
		struct fib_grp *g = fib_grp_at(f, ((struct fib_route *)o)->grp);

		if (g != NULL && g->h.o.in_kernel && g->h.o.pending == FIB_OP_NONE)
			fib_mon_grp_gone(f, g);
	}
	fib_grps_gone_walk(f);
}

/* nh left the kernel: groups lose it; a group left empty is gone too. */
static void
fib_mon_nh_out(struct fib *f, struct fib_nhobj *nh)
{
	struct fib_grp *g;

	nh->h.o.in_kernel = false;
	nh->h.o.maybe_in = true;
	f->st.nh_lost++;
	for (g = fib_grp_next(f, NULL); g != NULL; g = fib_grp_next(f, g)) {
		size_t left = 0;

		if (!g->h.o.in_kernel || !fib_grp_has_nh(g, nh))
			continue;
		for (size_t i = 0; i < g->n; i++)
			left += g->m[i].nh->h.o.in_kernel;
		if (left == 0)
			fib_mon_grp_gone(f, g);
		g->h.o.kdirty = true;
		fib_obj_dirty(f, &g->h.o);
	}
	fib_obj_dirty(f, &nh->h.o);		/* re-add: fails until the link is back */
}

static void
fib_mon_nh_gone(struct fib *f, uint32_t id)
{
	struct fib_idobj *h = fib_id_find(f, id);
	char name[96];

	if (h == NULL || !h->o.in_kernel || h->o.pending != FIB_OP_NONE)
		return;
	log_info("fib: %s was removed outside ipip-bgpd", fib_obj_name(&h->o, name, sizeof(name)));
	if (h->o.kind == FIB_K_NH) {
		fib_mon_nh_out(f, (struct fib_nhobj *)h);
	} else {
		f->st.nh_lost++;
		fib_mon_grp_gone(f, (struct fib_grp *)h);
	}
	/* the flush job walks (fib_grps_gone_walk): one for the burst */
}

/*
 * The kernel flushes nexthops of a device that goes down or loses carrier
 * (NETDEV_DOWN/CHANGE in net/ipv4/nexthop.c) without an RTM_DELNEXTHOP.
 * The notification may be older than our own write (a new tunnel's "down"
 * from its creation, read after the ACK of the nexthop we put on it once it
 * was up), so what it counts out is re-written with REPLACE (maybe_in): the
 * ids are ours, and the kernel refuses a nexthop on a device that is down.
 */
static bool
fib_grp_all_on(const struct fib_grp *g, uint32_t ifindex)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->m[i].nh->key.ifindex != ifindex)
			return false;
	return true;
}

/*
 * Inline next hops: the kernel drops, without a word, a route whose every hop
 * is on a link that goes down (fib_sync_down_dev); one with a hop elsewhere
 * stays. Routes in sync with a group all on the link are counted out and
 * written again (REPLACE: maybe_in). Adopted routes not asked for yet have
 * only a signature of their hops: the routes are dumped again (coalesced).
 */
static bool
fib_route_gone_inline(struct fib *f, struct fib_route *r)
{
	if (!r->o.in_kernel || r->o.pending != FIB_OP_NONE || !fib_route_k_is_grp(f, r))
		return false;
	return fib_route_gone_with(f, r);
}

static size_t
fib_mon_link_inline(struct fib *f, uint32_t ifindex)
{
	struct fib_grp *g;
	size_t n = 0, marked = 0;

	for (g = fib_grp_next(f, NULL); g != NULL; g = fib_grp_next(f, g))
		if (fib_grp_all_on(g, ifindex))
			g->mark = true, marked++;
	if (marked > 0)
		n = fib_routes_of_marked(f, false, fib_route_gone_inline);
	if (!fib_queue_empty(&f->stale) && !event_pending(f->resync_ev, EV_TIMEOUT, NULL)) {
		f->resync_link = true;
		event_active(f->resync_ev, EV_TIMEOUT, 0);
	}
	return n;
}

static void
fib_mon_link(struct fib *f, const struct rtnl_link *l, bool gone)
{
	bool down = gone || !(l->flags & IFF_UP) || !(l->flags & (IFF_RUNNING | 0x10000));
	struct hmap_node *x;
	size_t n = 0;

	if (!down) {
		if (!fib_queue_empty(&f->retry))
			fib_retry_now(f);
		return;
	}
	if (!f->nexthops) {
		if ((n = fib_mon_link_inline(f, l->ifindex)) > 0)
			log_debug("fib: link %s (ifindex %u) reported down: %zu of our routes on it "
			    "written again (the kernel drops them on a real down)", l->name, l->ifindex, n);
		return;
	}
	for (x = hmap_next(&f->nhs, NULL); x != NULL; x = hmap_next(&f->nhs, x)) {
		struct fib_nhobj *nh = fib_nhobj_of(x);

		if (nh->key.ifindex == l->ifindex && nh->h.o.in_kernel &&
		    nh->h.o.pending == FIB_OP_NONE && ++n)
			fib_mon_nh_out(f, nh);
	}
	fib_grps_gone_walk(f);
	if (n > 0)
		log_debug("fib: link %s (ifindex %u) reported down: %zu of our nexthops on it "
		    "written again (the kernel drops them on a real down)", l->name, l->ifindex, n);
}

static int
fib_mon_cb(const struct rtnl_msg *m, void *arg)
{
	struct fib *f = arg;
	static struct rtnl_nexthop nh;
	struct rtnl_link l;

	switch (m->type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		fib_mon_route(f, m);
		break;
	case RTM_DELNEXTHOP:
		if (rtnl_nexthop_parse(m, &nh) == 0 && nh.protocol == f->opts.protocol) {
			fib_mon_settle(f);
			fib_mon_nh_gone(f, nh.id);
		}
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (rtnl_link_parse(m, &l) == 0) {
			fib_mon_settle(f);
			fib_mon_link(f, &l, m->type == RTM_DELLINK);
		}
		break;
	case RTM_NEWADDR:
		if (!fib_queue_empty(&f->retry))
			fib_retry_now(f);
		break;
	}
	return 0;
}

static void
fib_resync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;
	int rv;

	(void)fd, (void)what;
	if (f->resync_link)
		log_info("fib: a link went down under adopted routes; reading the kernel's routes again");
	else {
		f->st.resyncs++;
		log_warnx("fib: kernel dropped netlink notifications; resyncing");
	}
	f->resync_link = false;
	if ((rv = fib_kernel_reconcile(f)) < 0) {
		log_warnx("fib: resync dump: %s; trying again", strerror(-rv));
		event_active(f->resync_ev, EV_TIMEOUT, 0);
	}
}

static void
fib_mon_overrun(void *arg)
{
	struct fib *f = arg;

	f->resync_link = false;			/* a resync, for whatever reason */
	if (!event_pending(f->resync_ev, EV_TIMEOUT, NULL))
		event_active(f->resync_ev, EV_TIMEOUT, 0);
}

/* ---- open, compat mode, purge ---- */

/*
 * net.ipv4.nexthop_compat_mode=1 (the default) makes the kernel rewrite and
 * notify every route that uses a group when the group is replaced (~0.7 us
 * per route), which defeats BGP PIC. We set it to 0 in our namespace unless
 * told to leave it, and put back the 1 we found at a clean stop
 * (fib_compat_restore; doc/fib.md).
 */
static void
fib_compat_handle(struct fib *f)
{
	if (sysctl_read(FIB_COMPAT_PATH) != 1)
		return;
	if (f->opts.compat == FIB_COMPAT_LEAVE) {
		log_warnx("fib: net.ipv4.nexthop_compat_mode=1: a group change costs one "
		    "kernel update per route (set it to 0 for O(1) failover)");
	} else if (sysctl_write(FIB_COMPAT_PATH, 0) == 0) {
		log_notice("fib: set net.ipv4.nexthop_compat_mode=0 (was 1) for O(1) group replace");
		f->compat_set = true;
	} else {
		log_warn("fib: cannot set net.ipv4.nexthop_compat_mode=0");
	}
}

struct fib_foreign {
	uint8_t			protocol;	/* ours */
	unsigned		n;		/* objects of other protocols */
	struct rtnl_nexthop	k;		/* the one being read */
};

static int
fib_foreign_nh_cb(const struct rtnl_msg *m, void *arg)
{
	struct fib_foreign *ff = arg;

	if (rtnl_nexthop_parse(m, &ff->k) < 0 || ff->k.protocol != ff->protocol)
		ff->n++;		/* unreadable: counted as someone's */
	return 0;
}

/* How many nexthop objects of someone else's the namespace holds; -errno. */
static int
fib_foreign_nexthops(struct fib *f)
{
	struct fib_foreign ff = { .protocol = f->opts.protocol };
	int rv;

	if ((rv = fib_nexthops_dump(f, fib_foreign_nh_cb, &ff)) < 0)
		return rv;
	return ff.n > INT_MAX ? INT_MAX : (int)ff.n;
}

/*
 * A clean stop (graceful too: kept routes forward the same in either mode,
 * and the next run sets 0 again) puts back the 1 fib_compat_handle found,
 * unless someone set it since, or someone else's nexthop objects (another
 * daemon's, FRR's) are there now: they may count on O(1) replace, so 0 stays.
 * A SIGKILL leaves 0, which the next run cannot tell from an operator's.
 */
static void
fib_compat_restore(struct fib *f)
{
	int others, v;

	if (!f->compat_set || f->nl == NULL)
		return;
	if ((others = fib_foreign_nexthops(f)) != 0) {
		if (others > 0)
			log_notice("fib: net.ipv4.nexthop_compat_mode stays 0 (was 1 at start): "
			    "%d nexthop objects of other programs may count on it", others);
		else
			log_warnx("fib: net.ipv4.nexthop_compat_mode stays 0 (was 1 at start): "
			    "cannot list nexthop objects: %s", strerror(-others));
		return;
	}
	if ((v = sysctl_read(FIB_COMPAT_PATH)) > 0)
		return;			/* someone set it since */
	if (v == 0 && sysctl_write(FIB_COMPAT_PATH, 1) == 0)
		log_notice("fib: set net.ipv4.nexthop_compat_mode back to 1, as found at start");
	else
		log_warn("fib: cannot set net.ipv4.nexthop_compat_mode back to 1");
}

static int
fib_sockets_open(struct fib *f)
{
	static const unsigned groups[] = { RTNLGRP_IPV4_ROUTE, RTNLGRP_NEXTHOP,
	    RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR };

	if ((f->nl = nl_new(f->base, NULL, 0)) == NULL ||
	    (f->mon = nl_new(f->base, groups, ARRAY_SIZE(groups))) == NULL) {
		log_warn("fib: netlink socket");
		return -1;
	}
	if (!f->opts.sync_writes && nl_set_writer_thread(f->nl, true) < 0)
		log_warn("fib: netlink writer thread; sending inline");
	if (f->opts.batch_bytes == 0 && nl_has_writer_thread(f->nl))
		f->opts.batch_bytes = FIB_BATCH_THREAD;	/* fewer hand-offs, same ACK policy */
	if (f->opts.batch_bytes && nl_set_batch_limit(f->nl, f->opts.batch_bytes) < 0)
		log_warnx("fib: batch size %zu refused; using the default", f->opts.batch_bytes);
	if (f->opts.monitor_rcvbuf && nl_set_rcvbuf(f->mon, f->opts.monitor_rcvbuf) < 0)
		log_warn("fib: monitor receive buffer");
	nl_set_ack_cb(f->nl, fib_on_ack, f);
	nl_set_monitor_cb(f->mon, fib_mon_cb, fib_mon_overrun, f);
	if (nl_ignore_echo_of(f->mon, f->nl) < 0)	/* a cost, not a correctness matter */
		log_warn("fib: monitor: cannot filter out our own changes");
	f->resync_ev = event_new(f->base, -1, 0, fib_resync_cb, f);
	return f->resync_ev != NULL ? 0 : -1;
}

/* The first dump also tells whether the kernel has nexthop objects. */
static int
fib_first_reconcile(struct fib *f)
{
	int rv;

	f->nexthops = f->opts.use_nexthops;
	rv = fib_kernel_reconcile(f);
	if (f->nexthops && (rv == -EOPNOTSUPP || rv == -EINVAL)) {
		log_warnx("fib: kernel has no nexthop objects; routes carry their next hops (RTA_MULTIPATH)");
		f->nexthops = false;
		rv = fib_kernel_reconcile(f);
	} else if (!f->nexthops) {
		log_info("fib: nexthop objects off; routes carry their next hops (RTA_MULTIPATH)");
	}
	if (rv < 0)
		log_warnx("fib: dumping the kernel's routes: %s", strerror(-rv));
	return rv;
}

int
fib_kernel_open(struct fib *f)
{
	if (fib_sockets_open(f) < 0 || fib_first_reconcile(f) < 0)
		return -1;
	if (f->nexthops)
		fib_compat_handle(f);
	log_info("fib: protocol %u table %u metric %u, %s; adopted %llu objects from the kernel",
	    f->opts.protocol, f->opts.table, f->opts.metric,
	    f->nexthops ? (f->opts.resilient ? "resilient nexthop groups" : "nexthop groups") :
	    "inline next hops", (unsigned long long)f->st.adopted);
	return 0;
}

void
fib_kernel_close(struct fib *f)
{
	fib_compat_restore(f);
	if (f->resync_ev != NULL)
		event_free(f->resync_ev);
	nl_free(f->mon);
	nl_free(f->nl);
	f->resync_ev = NULL;
	f->mon = f->nl = NULL;
}

