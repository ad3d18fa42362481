/*
 * rib/overlay.c - the direct-or-tunnel decision per next hop (rib/overlay.h):
 * connected subnets from rtnetlink, next hops counted per prefix, tunnels
 * taken and put, the loop guard, and the install into the fib.
 *
 * Per prefix the overlay keeps one 32-bit word, and keeps it in the fib's
 * route for the prefix (fib.h, "The caller's word"), not in a table of its
 * own: every installed prefix has a fib route anyway (the few held out of
 * the kernel, refused or not installable, get one that is never written),
 * so a second record per prefix (16 bytes and a hash bucket) and a second
 * lookup by prefix on every change bought nothing. The word: the id of the prefix's interned set,
 * and whether the loop guard refused it (OV_REFUSED).
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
 * A prefix's word in the fib: its set's id in o->set_ids (0: none), and
 * OV_REFUSED when the loop guard keeps it out of the kernel (logged once).
 * Non-zero for every prefix the overlay holds a set or a refusal for.
 */
#define OV_REFUSED	0x80000000u

static uint32_t
ov_word(uint32_t set, bool refused)
{
	return set | (refused ? OV_REFUSED : 0);
}

static uint32_t
ov_word_set(uint32_t w)
{
	return w & ~OV_REFUSED;
}

static bool
ov_word_refused(uint32_t w)
{
	return (w & OV_REFUSED) != 0;
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
	bool			 ecmp_told;	/* the tunnel manager knows a route spreads */
	char			 loop_why[96];
};

/* The set a word names, NULL for none. */
static struct ov_set *
ov_set_of(const struct overlay *o, uint32_t w)
{
	return ov_word_set(w) != 0 ? *(struct ov_set **)slab_at(&o->set_ids, ov_word_set(w)) : NULL;
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

	if (o->grave_ev == NULL) {	/* no loop (unit tests): now */
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

/* The prefix of len bits that covers addr. */
static struct prefix
ov_covering(uint32_t addr, unsigned len)
{
	return (struct prefix){ addr & prefix_mask((uint8_t)len), (uint8_t)len };
}

/*
 * Loop guard for a new tunnel endpoint: a prefix learned earlier that covers
 * it would carry the tunnel's own outer packets into a tunnel (site D
 * announcing site C's underlay subnet). Such prefixes leave the kernel until
 * the endpoint goes, keeping their set (the word says refused); 33 lookups
 * in the fib, whatever the table size.
 */
static void
ov_guard_endpoint(struct overlay *o, uint32_t ep, const struct prefix *except)
{
	char buf[PREFIX_STRLEN], a[16];

	for (unsigned len = 0; len <= 32; len++) {
		struct prefix p = ov_covering(ep, len);
		uint32_t w;

		if (prefix_cmp(&p, except) == 0 || (w = fib_route_word(o->fib, &p)) == 0 ||
		    ov_word_refused(w))
			continue;		/* not ours (or adopted: word 0), or out already */
		fib_route_del(o->fib, &p, w | OV_REFUSED);
		log_warnx("overlay: %s removed: it covers tunnel endpoint %s of other prefixes",
		    prefix_fmt(&p, buf), addr_fmt(ep, a));
	}
}

static void ov_route_reset(struct overlay *, const struct prefix *, uint32_t w);

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
			struct prefix p = ov_covering(ep, len);
			uint32_t w = fib_route_word(o->fib, &p);

			if (ov_word_refused(w))
				ov_route_reset(o, &p, w);
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
	    (slot = slab_alloc(&o->set_ids, &s->id)) == NULL || s->id >= OV_REFUSED)
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

/* A prefix lets go of the set its word names: each member, then the set. */
static void
ov_word_release(struct overlay *o, uint32_t w)
{
	struct ov_set *s = ov_set_of(o, w);

	for (size_t i = 0; s != NULL && i < s->n; i++)
		ov_nh_put(o, s->m[i].nh);
	ov_set_put(o, s);
}

/* Into the fib: p with its word, over fnh[0..k-1] or out of the kernel. */
static int
ov_route_fib_set(struct overlay *o, const struct prefix *p, const struct fib_nh *fnh,
    size_t k, uint32_t mtu, uint32_t w)
{
	char buf[PREFIX_STRLEN];
	int rv;

	if (k == 0) {
		fib_route_del(o->fib, p, w);	/* w != 0: held, not installed */
		return 0;
	}
	if ((rv = fib_route_set(o->fib, p, fnh, k, mtu, w)) < 0) {
		log_warnx("overlay: %s: fib refused the set: %s", prefix_fmt(p, buf), strerror(-rv));
		fib_route_del(o->fib, p, w);	/* the prefix still holds its set */
	}
	return rv;
}

/*
 * The first route over two or more tunnels tells the manager, which warns
 * once if the multipath hash cannot spread one host pair's flows over them.
 */
static void
ov_ecmp_note(struct overlay *o, struct ov_nh *const *nhs, size_t n)
{
	const struct tunnel *first = NULL;

	for (size_t i = 0; i < n; i++) {
		if (nhs[i]->t == NULL || nhs[i]->kind != OVERLAY_TUNNEL)
			continue;
		if (first == NULL) {
			first = nhs[i]->t;
		} else if (nhs[i]->t != first) {
			o->ecmp_told = true;
			tunnel_ecmp_in_use(o->tunnels);
			return;
		}
	}
}

int
overlay_route_set(struct overlay *o, const struct prefix *p,
    const struct overlay_hop *hops, size_t n)
{
	struct ov_set *set;
	struct ov_nh *held[FIB_NH_MAX];
	struct fib_nh fnh[FIB_NH_MAX];
	const char *loop;
	uint32_t mtu, old, id;
	size_t k;
	char buf[PREFIX_STRLEN];
	int rv;

	n = n > FIB_NH_MAX ? FIB_NH_MAX : n;
	for (size_t i = 0; i < n; i++)		/* take the new before putting the old */
		held[i] = ov_nh_get(o, &hops[i]);
	old = fib_route_word(o->fib, p);	/* the one lookup by prefix: the fib's */
	ov_word_release(o, old);
	set = ov_set_get(o, held, hops, n);
	id = set != NULL ? set->id : 0;
	if ((loop = ov_route_loops(o, p, held, n)) != NULL) {
		if (!ov_word_refused(old))
			log_warnx("overlay: %s not installed: it %s", prefix_fmt(p, buf), loop);
		fib_route_del(o->fib, p, ov_word(id, true));
		ov_guard_release(o);
		return 0;
	}
	k = ov_route_fib_nhs(held, hops, n, fnh, &mtu);
	if (k > 1 && !o->ecmp_told)
		ov_ecmp_note(o, held, n);
	rv = ov_route_fib_set(o, p, fnh, k, mtu, ov_word(id, false));
	for (size_t i = 0; i < n; i++)
		if (held[i]->guard_new) {
			held[i]->guard_new = false;
			ov_guard_endpoint(o, held[i]->gateway, p);
		}
	ov_guard_release(o);
	return rv;
}

/* Set p again from the set its word names (its next hops re-decided if moved). */
static void
ov_route_reset(struct overlay *o, const struct prefix *p, uint32_t w)
{
	struct overlay_hop hops[FIB_NH_MAX];
	const struct ov_set *s = ov_set_of(o, w);
	size_t n = s != NULL ? s->n : 0;

	for (size_t i = 0; i < n; i++)
		hops[i] = ov_nh_hop(s->m[i].nh, s->m[i].w);
	(void)overlay_route_set(o, p, hops, n);	/* logged there */
}

void
overlay_route_del(struct overlay *o, const struct prefix *p)
{
	uint32_t w = fib_route_word(o->fib, p);

	fib_route_del(o->fib, p, 0);		/* forgotten: the fib may free its route */
	if (w == 0)
		return;
	ov_word_release(o, w);
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

/* A prefix whose set has a next hop being re-decided is set again. */
static void
ov_redecide_one(void *arg, const struct prefix *p, uint32_t w)
{
	struct overlay *o = arg;
	const struct ov_set *s = ov_set_of(o, w);
	bool touched = false;

	for (size_t i = 0; s != NULL && i < s->n && !touched; i++)
		touched = s->m[i].nh->detached;
	if (touched)
		ov_route_reset(o, p, w);	/* refused ones too: they hold the next hop */
}

/* Re-install the prefixes of every next hop whose decision moved. */
static void
ov_redecide(struct overlay *o)
{
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
	fib_route_word_walk(o->fib, ov_redecide_one, o);
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
struct ov_tunnel_walk {
	struct overlay		*o;
	const struct tunnel	*t;
	size_t			 n;		/* routes set again */
};

static void
ov_tunnel_one(void *arg, const struct prefix *p, uint32_t w)
{
	struct ov_tunnel_walk *tw = arg;
	const struct ov_set *s = ov_set_of(tw->o, w);
	bool uses = false;

	if (ov_word_refused(w))
		return;			/* out of the kernel: nothing to follow */
	for (size_t i = 0; s != NULL && i < s->n && !uses; i++)
		uses = s->m[i].nh->t == tw->t;	/* NBMA siblings are told each */
	if (uses && ++tw->n)
		ov_route_reset(tw->o, p, w);
}

static void
ov_tunnel_cb(void *arg, const struct tunnel *t, enum tunnel_change what)
{
	struct ov_tunnel_walk tw = { arg, t, 0 };

	if (what != TUNNEL_CHANGE_MTU && what != TUNNEL_CHANGE_UP)
		return;			/* DOWN: its routes wait, retried by the fib */
	fib_route_word_walk(tw.o->fib, ov_tunnel_one, &tw);
	if (what == TUNNEL_CHANGE_MTU)
		log_info("overlay: tunnel %s mtu %u: %zu routes follow", tunnel_info(t)->name,
		    tunnel_info(t)->mtu, tw.n);
	else
		log_info("overlay: tunnel %s made again (ifindex %u): %zu routes set again",
		    tunnel_info(t)->name, tunnel_info(t)->ifindex, tw.n);
}

struct overlay *
overlay_new(struct event_base *base, enum overlay_mode mode, struct fib *fib,
    struct tunnel_mgr *tunnels)
{
	struct overlay *o;

	if (fib == NULL)
		fatalx("overlay_new: no fib (it keeps the word of every prefix)");
	if ((o = calloc(1, sizeof(*o))) == NULL)
		fatal("overlay_new");
	*o = (struct overlay){ .base = base, .mode = mode, .fib = fib, .tunnels = tunnels };
	hmap_init(&o->nhs);
	hmap_init(&o->sets);
	slab_init(&o->set_ids, sizeof(struct ov_set *), 64);
	if (base != NULL && ov_monitor_start(o) < 0) {
		overlay_free(o);
		return NULL;
	}
	if (base != NULL &&
	    (o->grave_ev = evtimer_new(base, ov_grave_cb, o)) == NULL)
		fatalx("overlay_new: event");
	if (tunnels != NULL)
		tunnel_mgr_set_change_cb(tunnels, ov_tunnel_cb, o);
	log_info("overlay: mode %s, %zu connected subnets", overlay_mode_name(mode), o->nconn);
	return o;
}

/*
 * Every set and next hop goes at once, not prefix by prefix: the words stay
 * in the fib (freed with it, before us in bgpd; they name nothing after
 * this), and each next hop's tunnel is put as its last prefix would.
 */
void
overlay_free(struct overlay *o)
{
	struct hmap_node *x, *nx;

	if (o == NULL)
		return;
	if (o->tunnels != NULL)
		tunnel_mgr_set_change_cb(o->tunnels, NULL, NULL);	/* it outlives us */
	for (x = hmap_next(&o->sets, NULL); x != NULL; x = nx) {
		nx = hmap_next(&o->sets, x);
		free(x);
	}
	hmap_destroy(&o->sets);
	slab_fini(&o->set_ids);
	for (x = hmap_next(&o->nhs, NULL); x != NULL; x = nx) {
		struct ov_nh *n = (struct ov_nh *)x;

		nx = hmap_next(&o->nhs, x);
		if (n->t != NULL)
			tunnel_put(o->tunnels, n->t);
		free(n);
	}
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

	k = overlay_nh_fib(o, local, gateway, fnh, ARRAY_SIZE(fnh));
	for (size_t i = 0; i < k; i++)
		groups += fib_nh_down(o->fib, &fnh[i]);
	return groups;
}
