/*
 * bgpd/redist.c - the kernel objects behind `redistribute` (redist.h).
 *
 * Two tables: kernel objects (an address, or a route keyed by prefix, metric
 * and TOS, per source), each present once however often the kernel
 * repeats it; and per (source, prefix) the number of objects behind it plus
 * whether it is announced. A prefix is announced while it has objects and
 * its source is enabled. A dump marks every object with a new generation;
 * those it did not see again go at its end (an overrun loses nothing).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "bgpd/redist.h"
#include "lib/hmap.h"
#include "lib/log.h"
#include "lib/nl.h"

struct rd_obj {				/* one address or route in the kernel */
	struct hmap_node	 node;
	uint8_t			 src;
	struct prefix		 pfx;
	uint32_t		 a, b;		/* route: metric, tos; address: ifindex, local */
	unsigned		 gen;
};

struct rd_pfx {				/* one prefix of one source */
	struct hmap_node	 node;
	uint8_t			 src;
	struct prefix		 pfx;
	unsigned		 objs;
	bool			 announced;
};

struct redist {
	struct event_base	*base;
	uint8_t			 own_protocol;
	redist_announce_fn	*fn;
	void			*arg;
	bool			 enabled[REDIST_NSRC];
	struct hmap		 objs, pfxs;
	size_t			 count[REDIST_NSRC];
	unsigned		 gen;
	bool			 dumping;
	struct nl		*mon;
};

static const char *const src_names[] = { "connected", "static", "kernel" };

const char *
redist_src_name(enum redist_src s)
{
	return s < REDIST_NSRC ? src_names[s] : "?";
}

static uint32_t
pfx_hash(uint8_t src, const struct prefix *p)
{
	return hash_add(hash_prefix(p->addr, p->len), src);
}

static uint32_t
obj_hash(const struct rd_obj *k)
{
	return hash_add(hash_add(pfx_hash(k->src, &k->pfx), k->a), k->b);
}

static struct rd_pfx *
pfx_find(const struct redist *r, uint8_t src, const struct prefix *p)
{
	uint32_t h = pfx_hash(src, p);

	for (struct hmap_node *x = hmap_first_hash(&r->pfxs, h); x; x = hmap_next_hash(x)) {
		struct rd_pfx *e = (struct rd_pfx *)x;

		if (x->hash == h && e->src == src && prefix_cmp(&e->pfx, p) == 0)
			return e;
	}
	return NULL;
}

static struct rd_obj *
obj_find(const struct redist *r, const struct rd_obj *k)
{
	uint32_t h = obj_hash(k);

	for (struct hmap_node *x = hmap_first_hash(&r->objs, h); x; x = hmap_next_hash(x)) {
		struct rd_obj *o = (struct rd_obj *)x;

		if (x->hash == h && o->src == k->src && prefix_cmp(&o->pfx, &k->pfx) == 0 &&
		    o->a == k->a && o->b == k->b)
			return o;
	}
	return NULL;
}

/* Announce or withdraw e as its objects and its source say; free it when unused. */
static void
pfx_settle(struct redist *r, struct rd_pfx *e)
{
	bool want = e->objs > 0 && r->enabled[e->src];

	if (r->dumping)
		return;			/* redist_dump_end settles everything */
	if (want != e->announced) {
		e->announced = want;
		r->fn(r->arg, e->src, &e->pfx, want);
	}
	if (e->objs == 0) {
		hmap_del(&r->pfxs, &e->node);
		r->count[e->src]--;
		free(e);
	}
}

static void
obj_add(struct redist *r, const struct rd_obj *k)
{
	struct rd_obj *o = obj_find(r, k);
	struct rd_pfx *e;

	if (o != NULL) {
		o->gen = r->gen;	/* seen again (a dump, or a replace) */
		return;
	}
	if ((o = malloc(sizeof(*o))) == NULL)
		fatal("redist: object");
	*o = *k;
	o->gen = r->gen;
	hmap_add(&r->objs, &o->node, obj_hash(o));
	if ((e = pfx_find(r, k->src, &k->pfx)) == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL)
			fatal("redist: prefix");
		e->src = k->src, e->pfx = k->pfx;
		hmap_add(&r->pfxs, &e->node, pfx_hash(e->src, &e->pfx));
		r->count[e->src]++;
	}
	e->objs++;
	pfx_settle(r, e);
}

static void
obj_del(struct redist *r, struct rd_obj *o)
{
	struct rd_pfx *e = pfx_find(r, o->src, &o->pfx);

	hmap_del(&r->objs, &o->node);
	free(o);
	if (e != NULL) {
		e->objs--;
		pfx_settle(r, e);
	}
}

/* Which source a main-table route belongs to; -1: none. */
static int
route_src(const struct redist *r, const struct rtnl_route *rt)
{
	if (rt->table != RT_TABLE_MAIN || rt->dst_len == 0 || rt->protocol == r->own_protocol)
		return -1;
	if (rt->type != RTN_UNICAST && rt->type != RTN_BLACKHOLE &&
	    rt->type != RTN_UNREACHABLE && rt->type != RTN_PROHIBIT)
		return -1;
	if (rt->protocol == RTPROT_STATIC || rt->protocol == RTPROT_BOOT)
		return REDIST_STATIC;
	if (rt->protocol == RTPROT_KERNEL)
		return -1;		/* an address's own subnet: that is `connected` */
	return REDIST_KERNEL;
}

static void
on_route(struct redist *r, const struct rtnl_msg *m)
{
	struct rtnl_route rt;
	struct rd_obj k = { 0 }, *o;
	int src;

	if (rtnl_route_parse(m, &rt) < 0 || (src = route_src(r, &rt)) < 0)
		return;
	k.src = (uint8_t)src;
	k.pfx = (struct prefix){ rt.dst & prefix_mask(rt.dst_len), rt.dst_len };
	k.a = rt.priority, k.b = rt.tos;
	if (m->type == RTM_NEWROUTE)
		obj_add(r, &k);
	else if ((o = obj_find(r, &k)) != NULL)
		obj_del(r, o);
}

static void
on_addr(struct redist *r, const struct rtnl_msg *m)
{
	struct rtnl_addr a;
	struct rd_obj k = { .src = REDIST_CONNECTED }, *o;
	uint32_t local;

	if (rtnl_addr_parse(m, &a) < 0 || a.scope == RT_SCOPE_HOST)
		return;
	local = a.local ? a.local : a.addr;
	k.pfx = (struct prefix){ local & prefix_mask(a.prefixlen), a.prefixlen };
	k.a = a.ifindex, k.b = local;
	if (m->type == RTM_NEWADDR)
		obj_add(r, &k);
	else if ((o = obj_find(r, &k)) != NULL)
		obj_del(r, o);
}

void
redist_kernel_msg(struct redist *r, const struct rtnl_msg *m)
{
	if (m->type == RTM_NEWROUTE || m->type == RTM_DELROUTE)
		on_route(r, m);
	else if (m->type == RTM_NEWADDR || m->type == RTM_DELADDR)
		on_addr(r, m);
}

void
redist_dump_begin(struct redist *r)
{
	r->gen++;
	r->dumping = true;
}

void
redist_dump_end(struct redist *r)
{
	struct hmap_node *x, *nx;

	for (x = hmap_next(&r->objs, NULL); x != NULL; x = nx) {
		struct rd_obj *o = (struct rd_obj *)x;
		struct rd_pfx *e;

		nx = hmap_next(&r->objs, x);
		if (o->gen == r->gen)
			continue;
		if ((e = pfx_find(r, o->src, &o->pfx)) != NULL)
			e->objs--;
		hmap_del(&r->objs, x);		/* nx stays linked: the walk goes on */
		free(o);
	}
	r->dumping = false;
	for (x = hmap_next(&r->pfxs, NULL); x != NULL; x = nx) {
		nx = hmap_next(&r->pfxs, x);
		pfx_settle(r, (struct rd_pfx *)x);	/* may free x, never nx */
	}
}

void
redist_enable(struct redist *r, enum redist_src s, bool on)
{
	r->enabled[s] = on;
	for (struct hmap_node *x = hmap_next(&r->pfxs, NULL); x; x = hmap_next(&r->pfxs, x)) {
		struct rd_pfx *e = (struct rd_pfx *)x;
		bool want = on && e->objs > 0;

		if (e->src != s || (!want && !e->announced))
			continue;
		e->announced = want;	/* announced again too: a route-map may have changed */
		r->fn(r->arg, s, &e->pfx, want);
	}
}

size_t
redist_count(const struct redist *r, enum redist_src s)
{
	return r->count[s];
}

/* ------------------------------------------------ the kernel monitor */

static int
mon_cb(const struct rtnl_msg *m, void *arg)
{
	redist_kernel_msg(arg, m);
	return 0;
}


/* Dump addresses and routes; what the kernel no longer has goes. */
static void
mon_resync(void *arg)
{
	struct redist *r = arg;
	struct nl *nl = nl_new(r->base, NULL, 0);

	if (nl == NULL) {
		log_warn("redistribute: netlink socket for the dump");
		return;
	}
	redist_dump_begin(r);
	if (nl_dump_ipv4(nl, RTM_GETADDR, mon_cb, r) < 0 ||
	    nl_dump_ipv4(nl, RTM_GETROUTE, mon_cb, r) < 0) {
		log_warnx("redistribute: kernel dump failed; keeping what was known");
		r->gen--;		/* nothing counts as gone */
		for (struct hmap_node *x = hmap_next(&r->objs, NULL); x; x = hmap_next(&r->objs, x))
			((struct rd_obj *)x)->gen = r->gen;
	}
	redist_dump_end(r);
	nl_free(nl);
}

struct redist *
redist_new(struct event_base *base, uint8_t own_protocol, redist_announce_fn *fn, void *arg)
{
	static const unsigned groups[] = { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE };
	struct redist *r = calloc(1, sizeof(*r));

	if (r == NULL)
		fatal("redist_new");
	r->base = base, r->own_protocol = own_protocol, r->fn = fn, r->arg = arg;
	hmap_init(&r->objs);
	hmap_init(&r->pfxs);
	if (base == NULL)
		return r;
	if ((r->mon = nl_new(base, groups, 2)) == NULL) {
		log_warn("redistribute: netlink monitor; nothing is redistributed");
		return r;
	}
	nl_set_monitor_cb(r->mon, mon_cb, mon_resync, r);
	mon_resync(r);		/* after joining: nothing missed */
	return r;
}

void
redist_free(struct redist *r)
{
	struct hmap_node *x;

	if (r == NULL)
		return;
	nl_free(r->mon);
	while ((x = hmap_next(&r->objs, NULL)) != NULL) {
		hmap_del(&r->objs, x);
		free(x);
	}
	while ((x = hmap_next(&r->pfxs, NULL)) != NULL) {
		hmap_del(&r->pfxs, x);
		free(x);
	}
	hmap_destroy(&r->objs);
	hmap_destroy(&r->pfxs);
	free(r);
}
