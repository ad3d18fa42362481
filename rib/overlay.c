/*
 * rib/overlay.c - the direct-or-tunnel decision per next hop (rib/overlay.h):
 * connected subnets from rtnetlink, next hops counted per prefix, tunnels
 * taken and put, the loop guard, and the install into the fib.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/array.h"
#include "lib/hmap.h"
#include "lib/ihash.h"
#include "lib/log.h"
#include "lib/nl.h"
#include "lib/rtnl.h"
#include "lib/slab.h"
#include "rib/overlay.h"

struct ov_conn {
	uint32_t	addr;		/* our address on it */
	uint8_t		plen;
	uint32_t	ifindex;
};

/* One next hop in use: (local, gateway, mode, label), the decision and its users. */
struct ov_nh {
	struct hmap_node	 node;
	uint32_t		 gateway, local;
	enum overlay_mode	 mode;
	char			 src[OVERLAY_SRC_MAX];	/* "": the global mode */
	unsigned		 refs;		/* prefixes using it */
	enum overlay_kind	 kind;
	uint32_t		 ifindex;	/* direct: the connected subnet's */
	struct tunnel		*t;
	bool			 detached;	/* out of the table: being re-decided */
	bool			 guard_new;	/* a tunnel endpoint not yet guarded */
	char			 why[128];
};

/*
 * The next hops and weights of a selected set, interned: every prefix with
 * the same set shares one (a full table over two next hops is one set, not
 * 64 pointers and weights per prefix). The set only stores the members;
 * each prefix holding it holds its own reference on every member ov_nh, so
 * ov_nh.refs still counts prefixes, and a member lives while the set does.
 */
struct ov_member {
	struct ov_nh		*nh;
	uint16_t		 w;		/* the member's weight */
};

struct ov_set {
	struct hmap_node	 node;
	unsigned		 refs;		/* prefixes holding it */
	unsigned		 n;		/* 1..FIB_NH_MAX */
	uint32_t		 id;		/* its slot in o->set_ids */
	struct ov_member	 m[];
};

/*
 * One installed (or refused) prefix and the set it holds (0: none).
 * 16 bytes, one per prefix: from a slab by 32-bit index, chained by index
 * in the overlay's route table (lib/ihash.h), its set named by a 32-bit id
 * (ov_route_set), the prefix spelled out so that `refused` fits in what
 * would be struct prefix's padding.
 */
struct ov_route {
	uint32_t		 next;		/* the next in its bucket (index), 0: none */
	uint32_t		 addr;		/* the prefix, as struct prefix */
	uint8_t			 len;
	bool			 refused;	/* logged once */
	uint32_t		 set;		/* its set's id in o->set_ids, 0: none */
};

_Static_assert(sizeof(struct ov_route) <= 16, "ov_route: one per prefix, keep it packed");

static struct prefix
ov_route_pfx(const struct ov_route *r)
{
	return (struct prefix){ r->addr, r->len };
}

struct overlay {
	struct event_base	*base;
	bool			 dumping;	/* the address dump runs: re-decide after it */
	enum overlay_mode	 mode;
	struct fib		*fib;
	struct tunnel_mgr	*tunnels;
	struct nl		*mon;
	struct ov_conn		*conn;
	size_t			 nconn, capconn;
	struct hmap		 nhs, sets;
	struct slab		 set_ids;	/* struct ov_set *, by id */
	struct slab		 route_slab;	/* every struct ov_route */
	struct ihash		 routes;	/* of route_slab, by prefix */
	/* Tunnels whose last user went: put once the fib has sent the routes
	 * that left them, so the kernel never drops a route with the device. */
	struct tunnel		**grave;
	size_t			 ngrave, capgrave;
	struct event		*grave_ev;
	unsigned		 grave_waits;
	/* Endpoints whose last tunnel went: prefixes refused for covering
	 * them are tried again once the current change is done. */
	uint32_t		*freed_eps;
	size_t			 nfreed, capfreed;
	bool			 guarding;
	char			 loop_why[96];
};

static struct ov_set *
ov_route_set(const struct overlay *o, const struct ov_route *r)
{
	return r->set != 0 ? *(struct ov_set **)slab_at(&o->set_ids, r->set) : NULL;
}

static size_t
ov_route_n(const struct overlay *o, const struct ov_route *r)
{
	return r->set != 0 ? ov_route_set(o, r)->n : 0;
}

#define OV_GRAVE_WAIT_MS	20	/* poll of fib_is_idle */
#define OV_GRAVE_WAITS_MAX	100	/* then put anyway (2 s) */

static const char *const mode_names[] = {
	[OVERLAY_MODE_CROSS_SUBNET] = "cross-subnet",
	[OVERLAY_MODE_ALWAYS] = "always",
	[OVERLAY_MODE_NEVER] = "never",
};

const char *
overlay_mode_name(enum overlay_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "?";
}

const char *
overlay_kind_name(enum overlay_kind k)
{
	return k == OVERLAY_DIRECT ? "direct" : k == OVERLAY_TUNNEL ? "tunnel" : "none";
}

/* The Calico modes as a table: [mode][on connected subnet]. */
static const enum overlay_kind decision[3][2] = {
	[OVERLAY_MODE_CROSS_SUBNET] = { OVERLAY_TUNNEL, OVERLAY_DIRECT },
	[OVERLAY_MODE_ALWAYS] = { OVERLAY_TUNNEL, OVERLAY_TUNNEL },
	[OVERLAY_MODE_NEVER] = { OVERLAY_NONE, OVERLAY_DIRECT },
};

enum overlay_kind
overlay_decide(enum overlay_mode m, bool on_connected)
{
	return (unsigned)m < 3 ? decision[m][on_connected] : OVERLAY_NONE;
}

int
overlay_nh_make(enum overlay_kind k, uint32_t gw, uint32_t conn_ifindex,
    const struct tunnel_info *ti, uint16_t weight, struct fib_nh *out, uint32_t *mtu)
{
	*out = (struct fib_nh){ .weight = weight ? weight : 1 };
	*mtu = 0;
	if (k == OVERLAY_DIRECT && conn_ifindex != 0) {
		out->gateway = gw, out->ifindex = conn_ifindex;
		return 0;
	}
	if (k != OVERLAY_TUNNEL || ti == NULL || ti->ifindex == 0)
		return -EINVAL;
	out->ifindex = ti->ifindex;
	if (ti->onlink)		/* NBMA: the gateway is the outer destination */
		out->gateway = gw, out->onlink = true;
	*mtu = ti->mtu;
	return 0;
}

static void ov_redecide(struct overlay *);

/* ------------------------------------------------ connected subnets */

static const struct ov_conn *
ov_conn_find(const struct overlay *o, uint32_t gw)
{
	const struct ov_conn *best = NULL;

	for (size_t i = 0; i < o->nconn; i++) {
		const struct ov_conn *c = &o->conn[i];
		struct prefix p = { c->addr & prefix_mask(c->plen), c->plen };

		if (c->plen < 32 && prefix_has_addr(&p, gw) && (!best || c->plen > best->plen))
			best = c;
	}
	return best;
}

static void
ov_conn_add(struct overlay *o, uint32_t addr, uint8_t plen, uint32_t ifindex)
{
	for (size_t i = 0; i < o->nconn; i++)
		if (o->conn[i].addr == addr && o->conn[i].plen == plen &&
		    o->conn[i].ifindex == ifindex)
			return;
	if (ARRAY_GROW(o->conn, o->nconn, o->capconn, 8) < 0)
		fatal("overlay_connected_add");
	o->conn[o->nconn++] = (struct ov_conn){ addr, plen, ifindex };
}

static void
ov_conn_del(struct overlay *o, uint32_t addr, uint8_t plen, uint32_t ifindex)
{
	for (size_t i = 0; i < o->nconn; i++)
		if (o->conn[i].addr == addr && o->conn[i].plen == plen &&
		    o->conn[i].ifindex == ifindex) {
			o->conn[i] = o->conn[--o->nconn];
			return;
		}
}

/* RTM_NEWADDR / RTM_DELADDR, from the dump or the monitor; a change moves
 * the next hops it decides otherwise (ov_redecide). */
static int
ov_addr_cb(const struct rtnl_msg *m, void *arg)
{
	struct overlay *o = arg;
	struct rtnl_addr a;

	if (rtnl_addr_parse(m, &a) < 0 || a.scope == RT_SCOPE_HOST)
		return 0;		/* not IPv4, or loopback: nothing to decide on */
	if (m->type == RTM_NEWADDR)
		ov_conn_add(o, a.local ? a.local : a.addr, a.prefixlen, a.ifindex);
	else if (m->type == RTM_DELADDR)
		ov_conn_del(o, a.local ? a.local : a.addr, a.prefixlen, a.ifindex);
	if (!o->dumping)
		ov_redecide(o);
	return 0;
}

static void
ov_overrun(void *arg)
{
	struct overlay *o = arg;
	struct nl *nl;

	if ((nl = nl_new(o->base, NULL, 0)) == NULL) {
		log_warn("overlay: netlink socket for the address dump");
		return;
	}
	o->nconn = 0;
	o->dumping = true;
	if (nl_dump_ipv4(nl, RTM_GETADDR, ov_addr_cb, o) < 0)
		log_warnx("overlay: address dump failed; connected subnets may be incomplete");
	o->dumping = false;
	nl_free(nl);
	ov_redecide(o);
}

/* ------------------------------------------------ next hops */

/* The key of a next hop: the label is part of it so `show overlay` can say
 * which override decided each; equal modes still share the tunnel (tunnel_get). */
struct ov_key {
	uint32_t		 local, gateway;
	enum overlay_mode	 mode;
	const char		*src;		/* "" for the global mode */
};

static struct ov_key
ov_key_of(const struct overlay *o, const struct overlay_hop *h)
{
	return (struct ov_key){ h->local, h->gateway, h->src ? h->mode : o->mode,
	    h->src ? h->src : "" };
}

static uint32_t
ov_nh_hash(const struct ov_key *k)
{
	uint32_t h = hash_add(hash_add(hash_u32(k->local), k->gateway), (uint32_t)k->mode);

	for (const char *c = k->src; *c != '\0'; c++)
		h = h * 31 + (uint8_t)*c;
	return h;
}

static struct ov_nh *
ov_nh_find(const struct overlay *o, const struct ov_key *k)
{
	uint32_t h = ov_nh_hash(k);

	for (struct hmap_node *x = hmap_first_hash(&o->nhs, h); x; x = hmap_next_hash(x)) {
		struct ov_nh *n = (struct ov_nh *)x;

		if (x->hash == h && n->local == k->local && n->gateway == k->gateway &&
		    n->mode == k->mode && strcmp(n->src, k->src) == 0)
			return n;
	}
	return NULL;
}

/* The hop that takes n again (re-decision, MTU follow). */
static struct overlay_hop
ov_nh_hop(const struct ov_nh *n, uint16_t weight)
{
	return (struct overlay_hop){ n->gateway, n->local, weight, n->mode,
	    n->src[0] ? n->src : NULL };
}

static void
ov_nh_tunnel(struct overlay *o, struct ov_nh *n)
{
	char g[16], l[16];
	int err = -EOPNOTSUPP;

	addr_fmt(n->gateway, g), addr_fmt(n->local, l);
	if (o->tunnels == NULL ||
	    (n->t = tunnel_get(o->tunnels, addr_to_in(n->local), addr_to_in(n->gateway), &err)) == NULL) {
		n->kind = OVERLAY_NONE;
		snprintf(n->why, sizeof(n->why), "tunnel to %s from %s failed: %s", g, l,
		    strerror(-err));
		log_warnx("overlay: next hop %s: %s", g, n->why);
		return;
	}
	snprintf(n->why, sizeof(n->why), "%s: tunnel %s from %s",
	    n->mode == OVERLAY_MODE_ALWAYS ? "mode always" : "not on a connected subnet",
	    tunnel_info(n->t)->name, l);
}

/* Decide a new next hop (once: it keeps its decision while in use). */
static void
ov_nh_decide(struct overlay *o, struct ov_nh *n)
{
	const struct ov_conn *c = ov_conn_find(o, n->gateway);
	char g[16], net[16], ifn[IF_NAMESIZE] = "?";

	n->kind = overlay_decide(n->mode, c != NULL);
	addr_fmt(n->gateway, g);
	if (n->kind == OVERLAY_TUNNEL)
		return ov_nh_tunnel(o, n);
	if (n->kind == OVERLAY_NONE) {
		snprintf(n->why, sizeof(n->why), "%s is not on a connected subnet (mode never)", g);
		log_warnx("overlay: next hop %s not installable: %s", g, n->why);
		return;
	}
	n->ifindex = c->ifindex;
	(void)if_indextoname(c->ifindex, ifn);
	addr_fmt(c->addr & prefix_mask(c->plen), net);
	snprintf(n->why, sizeof(n->why), "%s is on connected %s/%u via %s", g, net, c->plen, ifn);
}

static struct ov_nh *
ov_nh_get(struct overlay *o, const struct overlay_hop *h)
{
	struct ov_key k = ov_key_of(o, h);
	struct ov_nh *n = ov_nh_find(o, &k);

	if (n == NULL) {
		if ((n = calloc(1, sizeof(*n))) == NULL)
			fatal("ov_nh_get");
		n->local = k.local, n->gateway = k.gateway, n->mode = k.mode;
		snprintf(n->src, sizeof(n->src), "%s", k.src);
		ov_nh_decide(o, n);
		n->guard_new = n->kind == OVERLAY_TUNNEL;
		hmap_add(&o->nhs, &n->node, ov_nh_hash(&k));
	}
	n->refs++;
	return n;
}

static void
ov_grave_empty(struct overlay *o)
{
	for (size_t i = 0; i < o->ngrave; i++)
		tunnel_put(o->tunnels, o->grave[i]);
	o->ngrave = 0;
	o->grave_waits = 0;
}

static void
ov_grave_cb(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval wait = { 0, OV_GRAVE_WAIT_MS * 1000 };
	struct overlay *o = arg;

	(void)fd, (void)what;
	if (!fib_is_idle(o->fib) && ++o->grave_waits < OV_GRAVE_WAITS_MAX)
		evtimer_add(o->grave_ev, &wait);
	else
		ov_grave_empty(o);
}

static void
ov_tunnel_put_later(struct overlay *o, struct tunnel *t)
{
	static const struct timeval now = { 0, 0 };

	if (o->grave_ev == NULL) {	/* no loop or no fib (unit tests): now */
		tunnel_put(o->tunnels, t);
		return;
	}
	if (ARRAY_GROW(o->grave, o->ngrave, o->capgrave, 8) < 0)
		fatal("ov_tunnel_put_later");
	o->grave[o->ngrave++] = t;
	if (!evtimer_pending(o->grave_ev, NULL))
		evtimer_add(o->grave_ev, &now);
}

static void
ov_nh_put(struct overlay *o, struct ov_nh *n)
{
	if (--n->refs > 0)
		return;
	if (!n->detached)
		hmap_del(&o->nhs, &n->node);
	if (n->t != NULL) {
		ov_tunnel_put_later(o, n->t);
		if (ARRAY_GROW(o->freed_eps, o->nfreed, o->capfreed, 8) < 0)
			fatal("ov_nh_put");
		o->freed_eps[o->nfreed++] = n->gateway;
	}
	free(n);
}

/* ------------------------------------------------ routes */

/* The fib may be absent (unit tests of the decision and the counting). */
static void
ov_fib_del(struct overlay *o, const struct prefix *p)
{
	if (o->fib != NULL)
		fib_route_del(o->fib, p);
}

/* ---- the route table: prefix -> struct ov_route ---- */

static uint32_t
ov_route_hash_of(const void *obj)
{
	const struct ov_route *r = obj;

	return hash_prefix(r->addr, r->len);
}

static void
ov_routes_init(struct overlay *o)
{
	slab_init(&o->route_slab, sizeof(struct ov_route), SLAB_PER_CHUNK);
	ihash_init(&o->routes, &o->route_slab, offsetof(struct ov_route, next), ov_route_hash_of);
}

static void
ov_routes_fini(struct overlay *o)
{
	ihash_fini(&o->routes);
	slab_fini(&o->route_slab);
}

/* The record of p and its index in *idx (if not NULL), or NULL. */
static struct ov_route *
ov_route_find_at(const struct overlay *o, const struct prefix *p, uint32_t *idx)
{
	struct ov_route *r;

	for (uint32_t i = ihash_first(&o->routes, hash_prefix(p->addr, p->len)); i != 0;
	    i = ihash_next(&o->routes, i)) {
		r = slab_at(&o->route_slab, i);
		if (r->addr == p->addr && r->len == p->len) {
			if (idx != NULL)
				*idx = i;
			return r;
		}
	}
	return NULL;
}

static struct ov_route *
ov_route_find(const struct overlay *o, const struct prefix *p)
{
	return ov_route_find_at(o, p, NULL);
}

/* Loop guard: does p cover our own underlay or a tunnel endpoint it would use? */
static const char *
ov_route_loops(const struct overlay *o, const struct prefix *p, struct ov_nh *const *nhs,
    size_t n)
{
	for (size_t i = 0; i < o->nconn; i++)
		if (prefix_has_addr(p, o->conn[i].addr))
			return "covers one of our underlay addresses";
	for (size_t i = 0; i < n; i++)
		if (nhs[i]->kind == OVERLAY_TUNNEL && prefix_has_addr(p, nhs[i]->gateway))
			return "covers its own tunnel endpoint";
	for (struct hmap_node *x = hmap_next(&o->nhs, NULL); x; x = hmap_next(&o->nhs, x)) {
		const struct ov_nh *e = (const struct ov_nh *)x;
		char a[16];

		if (e->kind == OVERLAY_TUNNEL && prefix_has_addr(p, e->gateway)) {
			snprintf(((struct overlay *)o)->loop_why, sizeof(o->loop_why),
			    "covers tunnel endpoint %s of other prefixes", addr_fmt(e->gateway, a));
			return o->loop_why;
		}
	}
	return NULL;
}

/* The installed prefix of o that covers addr with exactly len bits, if any. */
static struct ov_route *
ov_route_covering(const struct overlay *o, uint32_t addr, uint8_t len)
{
	struct prefix p = { addr & prefix_mask(len), len };

	return ov_route_find(o, &p);
}

/*
 * Loop guard for a new tunnel endpoint: a prefix learned earlier that covers
 * it would carry the tunnel's own outer packets into a tunnel (site D
 * announcing site C's underlay subnet). Such prefixes leave the kernel until
 * the endpoint goes; 33 lookups, whatever the table size.
 */
static void
ov_guard_endpoint(struct overlay *o, uint32_t ep, const struct ov_route *except)
{
	char buf[PREFIX_STRLEN], a[16];

	for (unsigned len = 0; len <= 32; len++) {
		struct ov_route *r = ov_route_covering(o, ep, (uint8_t)len);
		struct prefix p;

		if (r == NULL || r == except || r->refused)
			continue;
		r->refused = true;
		p = ov_route_pfx(r);
		ov_fib_del(o, &p);
		log_warnx("overlay: %s removed: it covers tunnel endpoint %s of other prefixes",
		    prefix_fmt(&p, buf), addr_fmt(ep, a));
	}
}

static void ov_route_reset(struct overlay *, struct ov_route *);

/* Endpoints gone: the prefixes they kept out are tried again. */
static void
ov_guard_release(struct overlay *o)
{
	if (o->guarding)
		return;			/* the outer call loops until none is left */
	o->guarding = true;
	while (o->nfreed > 0) {
		uint32_t ep = o->freed_eps[--o->nfreed];

		for (unsigned len = 0; len <= 32; len++) {
			struct ov_route *r = ov_route_covering(o, ep, (uint8_t)len);

			if (r != NULL && r->refused)
				ov_route_reset(o, r);
		}
	}
	o->guarding = false;
}

/* Build the fib set from the held next hops; returns how many are installable. */
static size_t
ov_route_fib_nhs(struct ov_nh *const *nhs, const struct overlay_hop *hops, size_t n,
    struct fib_nh *out, uint32_t *mtu)
{
	size_t k = 0;

	*mtu = 0;
	for (size_t i = 0; i < n; i++) {
		const struct tunnel_info *ti = nhs[i]->t ? tunnel_info(nhs[i]->t) : NULL;
		uint32_t m;

		if (overlay_nh_make(nhs[i]->kind, nhs[i]->gateway, nhs[i]->ifindex, ti,
		    hops[i].weight, &out[k], &m) < 0)
			continue;
		for (size_t j = 0; j < k; j++)	/* two locals, one p2p device: once */
			if (out[j].gateway == out[k].gateway && out[j].ifindex == out[k].ifindex)
				goto dup;
		if (m != 0 && (*mtu == 0 || m < *mtu))
			*mtu = m;
		k++;
	dup:;
	}
	return k;
}

static uint32_t
ov_set_hash(struct ov_nh *const *nhs, const struct overlay_hop *hops, size_t n)
{
	uint32_t h = (uint32_t)n;

	for (size_t i = 0; i < n; i++)
		h = hash_add(hash_add(h, (uint32_t)((uintptr_t)nhs[i] >> 4)), hops[i].weight);
	return h;
}

/* The interned set of these members (+1 reference); NULL for n == 0. */
static struct ov_set *
ov_set_get(struct overlay *o, struct ov_nh *const *nhs, const struct overlay_hop *hops,
    size_t n)
{
	uint32_t h = ov_set_hash(nhs, hops, n);
	struct ov_set *s, **slot;

	if (n == 0)
		return NULL;
	for (struct hmap_node *x = hmap_first_hash(&o->sets, h); x; x = hmap_next_hash(x)) {
		size_t i;

		s = (struct ov_set *)x;
		if (x->hash != h || s->n != n)
			continue;
		for (i = 0; i < n && s->m[i].nh == nhs[i] && s->m[i].w == hops[i].weight; i++)
			;
		if (i == n) {
			s->refs++;
			return s;
		}
	}
	if ((s = calloc(1, sizeof(*s) + n * sizeof(s->m[0]))) == NULL ||
	    (slot = slab_alloc(&o->set_ids, &s->id)) == NULL)
		fatal("ov_set_get");
	*slot = s;
	s->refs = 1, s->n = (unsigned)n;
	for (size_t i = 0; i < n; i++)
		s->m[i] = (struct ov_member){ nhs[i], hops[i].weight };
	hmap_add(&o->sets, &s->node, h);
	return s;
}

static void
ov_set_put(struct overlay *o, struct ov_set *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	hmap_del(&o->sets, &s->node);
	slab_free(&o->set_ids, s->id);
	free(s);
}

static void
ov_route_release(struct overlay *o, struct ov_route *r)
{
	struct ov_set *s = ov_route_set(o, r);

	for (size_t i = 0; i < ov_route_n(o, r); i++)
		ov_nh_put(o, s->m[i].nh);
	ov_set_put(o, s);
	r->set = 0;
}

static struct ov_route *
ov_route_get(struct overlay *o, const struct prefix *p)
{
	struct ov_route *r = ov_route_find(o, p);
	uint32_t i;

	if (r != NULL)
		return r;
	if ((r = slab_alloc(&o->route_slab, &i)) == NULL)
		fatal("overlay: route");
	r->addr = p->addr;
	r->len = p->len;
	ihash_add(&o->routes, i, hash_prefix(p->addr, p->len));
	return r;
}

int
overlay_route_set(struct overlay *o, const struct prefix *p,
    const struct overlay_hop *hops, size_t n)
{
	struct ov_route *r = ov_route_get(o, p);
	struct ov_set *set;
	struct ov_nh *held[FIB_NH_MAX];
	struct fib_nh fnh[FIB_NH_MAX];
	const char *loop;
	uint32_t mtu;
	size_t k;
	char buf[PREFIX_STRLEN];
	int rv = 0;

	n = n > FIB_NH_MAX ? FIB_NH_MAX : n;
	for (size_t i = 0; i < n; i++)		/* take the new before putting the old */
		held[i] = ov_nh_get(o, &hops[i]);
	ov_route_release(o, r);
	set = ov_set_get(o, held, hops, n);
	r->set = set != NULL ? set->id : 0;
	if ((loop = ov_route_loops(o, p, held, n)) != NULL) {
		if (!r->refused)
			log_warnx("overlay: %s not installed: it %s", prefix_fmt(p, buf), loop);
		r->refused = true;
		ov_fib_del(o, p);
		ov_guard_release(o);
		return 0;
	}
	r->refused = false;
	if ((k = ov_route_fib_nhs(held, hops, n, fnh, &mtu)) == 0 || o->fib == NULL)
		ov_fib_del(o, p);
	else if ((rv = fib_route_set(o->fib, p, fnh, k, mtu)) < 0)
		log_warnx("overlay: %s: fib refused the set: %s", prefix_fmt(p, buf), strerror(-rv));
	for (size_t i = 0; i < n; i++)
		if (held[i]->guard_new) {
			held[i]->guard_new = false;
			ov_guard_endpoint(o, held[i]->gateway, r);
		}
	ov_guard_release(o);
	return rv;
}

/* Set r again from the next hops it holds (they are re-decided if moved). */
static void
ov_route_reset(struct overlay *o, struct ov_route *r)
{
	struct overlay_hop hops[FIB_NH_MAX];
	struct prefix p = ov_route_pfx(r);
	const struct ov_set *s = ov_route_set(o, r);

	for (size_t i = 0; i < ov_route_n(o, r); i++)
		hops[i] = ov_nh_hop(s->m[i].nh, s->m[i].w);
	(void)overlay_route_set(o, &p, hops, ov_route_n(o, r));	/* logged there */
}

void
overlay_route_del(struct overlay *o, const struct prefix *p)
{
	uint32_t i;
	struct ov_route *r = ov_route_find_at(o, p, &i);

	ov_fib_del(o, p);
	if (r == NULL)
		return;
	ov_route_release(o, r);
	ihash_del(&o->routes, i, hash_prefix(p->addr, p->len));
	slab_free(&o->route_slab, i);
	ov_guard_release(o);
}

/* Would this next hop be decided otherwise now? */
static bool
ov_nh_moved(const struct overlay *o, const struct ov_nh *n)
{
	const struct ov_conn *c = ov_conn_find(o, n->gateway);
	enum overlay_kind k = overlay_decide(n->mode, c != NULL);

	if (k == OVERLAY_TUNNEL && n->kind == OVERLAY_NONE && n->t == NULL)
		return false;		/* the tunnel failed: retried with the prefix */
	return k != n->kind || (k == OVERLAY_DIRECT && c->ifindex != n->ifindex);
}

/* Re-install the prefixes of every next hop whose decision moved. */
static void
ov_redecide(struct overlay *o)
{
	struct overlay_hop hops[FIB_NH_MAX];
	struct ov_route *r;
	size_t moved = 0;

	for (struct hmap_node *x = hmap_next(&o->nhs, NULL), *nx; x; x = nx) {
		struct ov_nh *n = (struct ov_nh *)x;

		nx = hmap_next(&o->nhs, x);
		if (!ov_nh_moved(o, n))
			continue;
		hmap_del(&o->nhs, x);	/* the next get decides afresh */
		n->detached = true;
		moved++;
		nx = hmap_next(&o->nhs, NULL);	/* deleting broke the walk: restart */
	}
	if (moved == 0)
		return;
	for (uint32_t ri = 0; (r = slab_next(&o->route_slab, &ri)) != NULL;) {
		struct prefix p = ov_route_pfx(r);
		bool touched = false;

		for (size_t i = 0; i < ov_route_n(o, r); i++) {
			const struct ov_member *m = &ov_route_set(o, r)->m[i];

			touched |= m->nh->detached;
			hops[i] = ov_nh_hop(m->nh, m->w);
		}
		if (touched)
			(void)overlay_route_set(o, &p, hops, ov_route_n(o, r));	/* logged there */
	}
	log_info("overlay: connected subnets changed; %zu next hops decided again", moved);
}

void
overlay_connected_add(struct overlay *o, uint32_t addr, uint8_t plen, uint32_t ifindex)
{
	ov_conn_add(o, addr, plen, ifindex);
	ov_redecide(o);
}

void
overlay_connected_del(struct overlay *o, uint32_t addr, uint8_t plen, uint32_t ifindex)
{
	ov_conn_del(o, addr, plen, ifindex);
	ov_redecide(o);
}

/* ------------------------------------------------ life */

static int
ov_monitor_start(struct overlay *o)
{
	static const unsigned groups[] = { RTNLGRP_IPV4_IFADDR };

	if ((o->mon = nl_new(o->base, groups, 1)) == NULL) {
		log_warn("overlay: netlink address monitor");
		return -1;
	}
	nl_set_monitor_cb(o->mon, ov_addr_cb, ov_overrun, o);
	ov_overrun(o);		/* the first dump, after joining: nothing missed */
	return 0;
}

/*
 * A tunnel's MTU followed its underlay's, or its device was deleted by
 * someone and made again: every route through it is set again, so its route
 * MTU is the tunnel's (else DF packets sized for the old MTU vanish in the
 * tunnel: the MTU blackhole operators fear most) and its device the new one.
 */
static void
ov_tunnel_cb(void *arg, const struct tunnel *t, enum tunnel_change what)
{
	struct overlay *o = arg;
	struct ov_route *r;
	size_t n = 0;

	if (what != TUNNEL_CHANGE_MTU && what != TUNNEL_CHANGE_UP)
		return;			/* DOWN: its routes wait, retried by the fib */
	for (uint32_t ri = 0; (r = slab_next(&o->route_slab, &ri)) != NULL;) {
		bool uses = false;

		for (size_t i = 0; i < ov_route_n(o, r) && !uses; i++)
			uses = ov_route_set(o, r)->m[i].nh->t == t;	/* NBMA siblings are told each */
		if (uses && !r->refused && ++n)
			ov_route_reset(o, r);
	}
	if (what == TUNNEL_CHANGE_MTU)
		log_info("overlay: tunnel %s mtu %u: %zu routes follow", tunnel_info(t)->name,
		    tunnel_info(t)->mtu, n);
	else
		log_info("overlay: tunnel %s made again (ifindex %u): %zu routes set again",
		    tunnel_info(t)->name, tunnel_info(t)->ifindex, n);
}

struct overlay *
overlay_new(struct event_base *base, enum overlay_mode mode, struct fib *fib,
    struct tunnel_mgr *tunnels)
{
	struct overlay *o = calloc(1, sizeof(*o));

	if (o == NULL)
		fatal("overlay_new");
	*o = (struct overlay){ .base = base, .mode = mode, .fib = fib, .tunnels = tunnels };
	hmap_init(&o->nhs);
	hmap_init(&o->sets);
	slab_init(&o->set_ids, sizeof(struct ov_set *), 64);
	ov_routes_init(o);
	if (base != NULL && ov_monitor_start(o) < 0) {
		overlay_free(o);
		return NULL;
	}
	if (base != NULL && fib != NULL &&
	    (o->grave_ev = evtimer_new(base, ov_grave_cb, o)) == NULL)
		fatalx("overlay_new: event");
	if (tunnels != NULL)
		tunnel_mgr_set_change_cb(tunnels, ov_tunnel_cb, o);
	log_info("overlay: mode %s, %zu connected subnets", overlay_mode_name(mode), o->nconn);
	return o;
}

void
overlay_free(struct overlay *o)
{
	struct ov_route *r;

	if (o == NULL)
		return;
	if (o->tunnels != NULL)
		tunnel_mgr_set_change_cb(o->tunnels, NULL, NULL);	/* it outlives us */
	for (uint32_t ri = 0; (r = slab_next(&o->route_slab, &ri)) != NULL;)
		ov_route_release(o, r);		/* the records go with their slab */
	ov_routes_fini(o);
	hmap_destroy(&o->sets);
	slab_fini(&o->set_ids);
	hmap_destroy(&o->nhs);
	ov_grave_empty(o);
	free(o->grave);
	free(o->freed_eps);
	if (o->grave_ev != NULL)
		event_free(o->grave_ev);
	nl_free(o->mon);
	free(o->conn);
	free(o);
}

void
overlay_walk(const struct overlay *o, overlay_nh_fn *fn, void *arg)
{
	for (struct hmap_node *x = hmap_next(&o->nhs, NULL); x; x = hmap_next(&o->nhs, x)) {
		const struct ov_nh *n = (const struct ov_nh *)x;
		const struct tunnel_info *ti = n->t ? tunnel_info(n->t) : NULL;
		struct overlay_nh_view v = {
			.gateway = n->gateway, .local = n->local, .kind = n->kind,
			.ifindex = ti ? ti->ifindex : n->ifindex, .mtu = ti ? ti->mtu : 0,
			.why = n->why, .device = ti ? ti->name : NULL, .prefixes = n->refs,
			.mode = n->mode, .src = n->src[0] ? n->src : "global",
		};

		fn(arg, &v);
	}
}

enum overlay_mode
overlay_mode_get(const struct overlay *o)
{
	return o->mode;
}

void
overlay_mode_set(struct overlay *o, enum overlay_mode m)
{
	if (m != o->mode)
		log_info("overlay: mode %s -> %s", overlay_mode_name(o->mode), overlay_mode_name(m));
	o->mode = m;
}

/* ------------------------------------------------ BGP PIC */

size_t
overlay_nh_fib(const struct overlay *o, uint32_t local, uint32_t gateway,
    struct fib_nh *out, size_t max)
{
	size_t k = 0;

	for (struct hmap_node *x = hmap_next(&o->nhs, NULL); x && k < max; x = hmap_next(&o->nhs, x)) {
		const struct ov_nh *n = (const struct ov_nh *)x;
		uint32_t mtu;

		if (n->local == local && n->gateway == gateway &&
		    overlay_nh_make(n->kind, n->gateway, n->ifindex, n->t ? tunnel_info(n->t) : NULL,
		    1, &out[k], &mtu) == 0)
			k++;
	}
	return k;
}

size_t
overlay_nh_down(struct overlay *o, uint32_t local, uint32_t gateway)
{
	struct fib_nh fnh[4];
	size_t k, groups = 0;

	if (o->fib == NULL)
		return 0;
	k = overlay_nh_fib(o, local, gateway, fnh, ARRAY_SIZE(fnh));
	for (size_t i = 0; i < k; i++)
		groups += fib_nh_down(o->fib, &fnh[i]);
	return groups;
}
