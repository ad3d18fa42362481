/*
 * rib/rib.c - the RIB core API: peers, paths in and out, selection, change
 * notification, the peer-down job and the read side for show.
 *
 * Paths of a prefix are kept in arrival order (the decision without
 * deterministic-med depends on it, as in FRR). After every change the
 * prefix's selection is recomputed; each path remembers whether it was the
 * best or a multipath member as last announced, and the change callback fires
 * only when those marks move or a marked path changes its attributes; the
 * paths callback (ADD-PATH send) fires after every change to the prefix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "rib/rib_int.h"

#define RIB_PEERS_INITIAL	16
#define SCRATCH_INLINE		16

struct rib *
rib_new(const struct rib_opts *opts)
{
	struct rib *rib = calloc(1, sizeof(*rib));

	if (rib == NULL)
		return NULL;
	rib->opts = *opts;
	rib_table_init(&rib->table);
	rib_attrs_init(&rib->attrs);
	rib_nh_init(rib);
	return rib;
}

int
rib_free(struct rib *rib)
{
	if (rib == NULL)
		return 0;
	for (size_t i = 1; i < rib->npeers; i++)
		if (rib->peers[i] != NULL)
			return -EBUSY;
	if (rib->npaths != 0 || rib->attrs.count != 0)
		return -EBUSY;
	rib_table_fini(&rib->table);
	(void)rib_attrs_fini(&rib->attrs);
	rib_nh_fini(rib);
	free(rib->peers);
	free(rib->peer_nhs);
	free(rib->peer_paths);
	free(rib);
	return 0;
}

void
rib_set_change_cb(struct rib *rib, rib_change_fn *fn, void *arg)
{
	rib->change_cb = fn;
	rib->change_arg = arg;
}

void
rib_set_paths_cb(struct rib *rib, rib_paths_fn *fn, void *arg)
{
	rib->paths_cb = fn;
	rib->paths_arg = arg;
}

static bool
peer_is_registered(const struct rib *rib, const struct rib_peer *peer)
{
	return peer->idx != 0 && peer->idx < rib->npeers && rib->peers[peer->idx] == peer;
}

static int
peers_grow(struct rib *rib)
{
	size_t n = rib->npeers ? rib->npeers * 2 : RIB_PEERS_INITIAL;
	struct rib_peer **p;
	struct hmap *h;
	uint32_t *c;

	if (n > RIB_PEERS_MAX + 1)
		n = RIB_PEERS_MAX + 1;
	if (n <= rib->npeers)
		return -ENOSPC;
	if ((p = realloc(rib->peers, n * sizeof(*p))) == NULL)
		return -ENOMEM;
	rib->peers = p;
	if ((c = realloc(rib->peer_paths, n * sizeof(*c))) == NULL)
		return -ENOMEM;
	rib->peer_paths = c;
	if ((h = realloc(rib->peer_nhs, n * sizeof(*h))) == NULL)
		return -ENOMEM;
	rib->peer_nhs = h;
	memset(&p[rib->npeers], 0, (n - rib->npeers) * sizeof(*p));
	memset(&c[rib->npeers], 0, (n - rib->npeers) * sizeof(*c));
	memset(&h[rib->npeers], 0, (n - rib->npeers) * sizeof(*h));
	rib->npeers = n;
	return 0;
}

int
rib_peer_add(struct rib *rib, struct rib_peer *peer)
{
	size_t i;
	int rv;

	if (peer_is_registered(rib, peer))
		return -EEXIST;
	for (i = 1; i < rib->npeers && rib->peers[i] != NULL; i++)
		;
	if (i >= rib->npeers && (rv = peers_grow(rib)) < 0)
		return rv;
	rib->peers[i] = peer;
	rib->peer_paths[i] = 0;
	rib_nh_peer_init(rib, (uint16_t)i);
	peer->idx = (uint16_t)i;
	peer->down = false;
	peer->withdraw_pos = 0;
	peer->sweep_pos = 0;
	peer->gen = 0;
	peer->unswept = 0;
	return 0;
}

size_t
rib_peer_npaths(const struct rib *rib, const struct rib_peer *peer)
{
	return peer_is_registered(rib, peer) ? rib->peer_paths[peer->idx] : 0;
}

int
rib_peer_del(struct rib *rib, struct rib_peer *peer)
{
	if (!peer_is_registered(rib, peer))
		return -ENOENT;
	if (rib->peer_paths[peer->idx] != 0)
		return -EBUSY;
	rib_nh_peer_fini(rib, peer->idx);
	rib->peers[peer->idx] = NULL;
	peer->idx = 0;
	return 0;
}

/* Candidates for the decision process, with scratch space for many paths. */
struct route_scratch {
	struct rib_cand	*c;
	bool		*mp;
	struct rib_cand	 cbuf[SCRATCH_INLINE];
	bool		 mpbuf[SCRATCH_INLINE];
};

static void
scratch_init(struct route_scratch *s, size_t n)
{
	s->c = s->cbuf, s->mp = s->mpbuf;
	if (n <= SCRATCH_INLINE)
		return;
	s->c = malloc(n * sizeof(*s->c));
	s->mp = malloc(n * sizeof(*s->mp));
	if (s->c == NULL || s->mp == NULL)
		fatal("rib: selection among %zu paths", n);
}

static void
scratch_fini(struct route_scratch *s)
{
	if (s->c != s->cbuf) {
		free(s->c);
		free(s->mp);
	}
}

static void
cand_fill(const struct rib *rib, const struct rib_path *p, size_t idx, struct rib_cand *c)
{
	const struct rib_opts *o = &rib->opts;

	c->peer = rib->peers[p->peer];
	c->attrs = rib_path_attrs(rib, p);
	c->path_id = p->path_id;
	c->igp_cost = o->igp_cost ? o->igp_cost(o->igp_arg, c->attrs->nexthop) : 0;
	c->idx = idx;
}

/* Selection of r into sel and the flags each path should carry into flags[]. */
static void
route_select(const struct rib *rib, const struct rib_route *r, struct rib_selection *sel,
    uint8_t *flags, struct route_scratch *s)
{
	const struct rib_path *p = rib_route_paths(r);
	size_t n = r->t.npaths, best;

	for (size_t i = 0; i < n; i++)
		cand_fill(rib, &p[i], i, &s->c[i]);
	best = rib_bestpath_select(&rib->opts, s->c, n);
	sel->n = 0;
	if (best < n)
		rib_multipath_build(&rib->opts, s->c, n, best, sel, s->mp);
	for (size_t i = 0; i < n; i++)
		flags[i] = best < n && s->mp[i] ?
		    RIB_PATH_MULTIPATH | (i == best ? RIB_PATH_BEST : 0) : 0;
}

/* Recompute; true if any path's marks moved (they are updated). */
static bool
route_reselect(struct rib *rib, struct rib_route *r, struct rib_selection *sel)
{
	struct rib_path *p = rib_route_paths(r);
	struct route_scratch s;
	uint8_t fbuf[SCRATCH_INLINE], *flags = fbuf;
	bool changed = false;

	scratch_init(&s, r->t.npaths);
	if (r->t.npaths > SCRATCH_INLINE && (flags = malloc(r->t.npaths)) == NULL)
		fatal("rib: selection among %u paths", r->t.npaths);
	route_select(rib, r, sel, flags, &s);
	for (size_t i = 0; i < r->t.npaths; i++)
		if (p[i].flags != flags[i]) {
			p[i].flags = flags[i];
			changed = true;
		}
	if (flags != fbuf)
		free(flags);
	scratch_fini(&s);
	return changed;
}

/*
 * After a change to r: reselect, tell the FIB if the selection moved (or if
 * force: a marked path changed or went), drop r once it has no path.
 */
static void
route_update(struct rib *rib, struct rib_route *r, bool force)
{
	struct rib_selection sel;
	struct prefix pfx = { r->t.addr, r->t.len };
	bool changed = false;

	sel.n = 0;
	if (r->t.npaths > 0)
		changed = route_reselect(rib, r, &sel);
	if ((changed || force) && rib->change_cb != NULL)
		rib->change_cb(rib->change_arg, &pfx, sel.n > 0 ? &sel : NULL);
	if (rib->paths_cb != NULL)
		rib->paths_cb(rib->paths_arg, &pfx);
	if (r->t.npaths == 0)
		rib_table_del(&rib->table, r);
}

static size_t
route_path_find(const struct rib_route *r, uint16_t peer, uint32_t path_id)
{
	const struct rib_path *p = rib_route_paths(r);

	for (size_t i = 0; i < r->t.npaths; i++)
		if (p[i].peer == peer && p[i].path_id == path_id)
			return i;
	return SIZE_MAX;
}

/* Remove path i; true if it was selected (the FIB must hear of it). */
static bool
route_path_drop(struct rib *rib, struct rib_route *r, size_t i)
{
	struct rib_path p = rib_route_paths(r)[i];
	const struct rib_attrs *a = rib_path_attrs(rib, &p);

	rib_route_path_remove(&rib->table, r, i);
	rib_nh_count(rib, p.peer, a->nexthop, -1);
	rib_attrs_put(rib, a);
	rib->npaths--;
	rib->peer_paths[p.peer]--;
	return p.flags != 0;
}

static void
route_path_replace(struct rib *rib, struct rib_route *r, size_t i, const struct rib_attrs *attrs)
{
	struct rib_path *p = &rib_route_paths(r)[i];
	const struct rib_attrs *old = rib_path_attrs(rib, p);

	if (old == attrs)
		return;		/* the same update again: nothing moves */
	rib_attrs_ref(attrs);
	p->attrs = rib_attrs_handle(attrs);
	if (old->nexthop != attrs->nexthop) {
		rib_nh_count(rib, p->peer, old->nexthop, -1);
		rib_nh_count(rib, p->peer, attrs->nexthop, 1);
	}
	rib_attrs_put(rib, old);
	route_update(rib, r, p->flags != 0);
}

static bool
prefix_is_valid(const struct prefix *p)
{
	return p->len <= 32 && (p->addr & ~prefix_mask(p->len)) == 0;
}

int
rib_path_add(struct rib *rib, const struct prefix *pfx, struct rib_peer *peer,
    uint32_t path_id, const struct rib_attrs *attrs)
{
	struct rib_path np = { 0, path_id, peer->idx, 0, peer->gen };
	struct rib_route *r;
	size_t i;
	int rv;

	if (!peer_is_registered(rib, peer))
		return -ENOENT;
	if (!prefix_is_valid(pfx) || attrs == NULL)
		return -EINVAL;
	np.attrs = rib_attrs_handle(attrs);
	if ((r = rib_table_get(&rib->table, pfx)) == NULL)
		return -ENOMEM;
	if ((i = route_path_find(r, peer->idx, path_id)) != SIZE_MAX) {
		rib_route_paths(r)[i].gen = peer->gen;	/* announced again: fresh */
		route_path_replace(rib, r, i, attrs);
		return 0;
	}
	if ((rv = rib_route_path_append(&rib->table, r, &np)) < 0) {
		if (r->t.npaths == 0)
			rib_table_del(&rib->table, r);
		return rv;
	}
	rib_attrs_ref(attrs);
	rib->npaths++;
	rib->peer_paths[peer->idx]++;
	rib_nh_count(rib, peer->idx, attrs->nexthop, 1);
	route_update(rib, r, false);
	return 0;
}

int
rib_path_del(struct rib *rib, const struct prefix *pfx, struct rib_peer *peer, uint32_t path_id)
{
	struct rib_route *r;
	size_t i;

	if (!peer_is_registered(rib, peer) || (r = rib_table_find(&rib->table, pfx)) == NULL)
		return -ENOENT;
	if ((i = route_path_find(r, peer->idx, path_id)) == SIZE_MAX)
		return -ENOENT;
	route_update(rib, r, route_path_drop(rib, r, i));
	return 0;
}

/*
 * The paths of one peer on r (ADD-PATH may have several): all of them, or
 * with stale_only those announced before its current refresh generation.
 */
static size_t
route_peer_drop(struct rib *rib, struct rib_route *r, const struct rib_peer *peer,
    bool stale_only)
{
	bool force = false;
	size_t n = 0;

	for (size_t i = r->t.npaths; i-- > 0;) {
		const struct rib_path *p = &rib_route_paths(r)[i];

		if (p->peer == peer->idx && (!stale_only || p->gen != peer->gen)) {
			force |= route_path_drop(rib, r, i);
			n++;
		}
	}
	if (n > 0)
		route_update(rib, r, force);
	return n;
}

/*
 * A chunked walk of the table dropping the peer's paths (route_peer_drop),
 * at most budget routes from *pos; true while more is left. *dropped (may be
 * NULL) adds the paths dropped. *pos is 0 again once done.
 */
static bool
peer_drop_walk(struct rib *rib, struct rib_peer *peer, uint32_t *pos, size_t budget,
    bool stale_only, size_t *dropped)
{
	uint32_t limit = rib_table_limit(&rib->table);
	struct rib_route *r;
	size_t n = 0;

	if (*pos == 0)
		*pos = 1;
	for (; budget > 0 && *pos < limit && rib->peer_paths[peer->idx] > 0; budget--)
		if ((r = rib_table_at(&rib->table, (*pos)++)) != NULL)
			n += route_peer_drop(rib, r, peer, stale_only);
	if (dropped != NULL)
		*dropped += n;
	if (*pos < limit && rib->peer_paths[peer->idx] > 0)
		return true;
	*pos = 0;		/* done: the next run starts over */
	return false;
}

bool
rib_peer_withdraw_all(struct rib *rib, struct rib_peer *peer, size_t budget)
{
	return peer_is_registered(rib, peer) &&
	    peer_drop_walk(rib, peer, &peer->withdraw_pos, budget, false, NULL);
}

bool
rib_peer_sweep(struct rib *rib, struct rib_peer *peer, size_t budget, size_t *swept)
{
	if (!peer_is_registered(rib, peer))
		return false;
	if (peer_drop_walk(rib, peer, &peer->sweep_pos, budget, true, swept))
		return true;
	peer->unswept = 0;	/* every path now holds the current generation */
	return false;
}

void
rib_peer_refresh_begin(struct rib *rib, struct rib_peer *peer)
{
	if (!peer_is_registered(rib, peer))
		return;
	if (peer->sweep_pos != 0 || peer->unswept == UINT8_MAX)
		(void)rib_peer_sweep(rib, peer, SIZE_MAX, NULL);
	peer->gen++;
	peer->unswept++;
}

void
rib_prefix_reselect(struct rib *rib, const struct prefix *pfx)
{
	struct rib_route *r = rib_table_find(&rib->table, pfx);

	if (r != NULL)
		route_update(rib, r, false);
}

void
rib_set_opts(struct rib *rib, const struct rib_opts *opts)
{
	rib->opts = *opts;
	rib->reselect_pos = 1;
}

bool
rib_reselect_all(struct rib *rib, size_t budget)
{
	uint32_t limit = rib_table_limit(&rib->table);
	struct rib_route *r;

	if (rib->reselect_pos == 0)
		rib->reselect_pos = 1;
	for (; budget > 0 && rib->reselect_pos < limit; budget--)
		if ((r = rib_table_at(&rib->table, rib->reselect_pos++)) != NULL)
			route_update(rib, r, false);
	if (rib->reselect_pos < limit)
		return true;
	rib->reselect_pos = 0;
	return false;
}

const struct rib_route *
rib_lookup(const struct rib *rib, const struct prefix *pfx)
{
	return rib_table_find(&rib->table, pfx);
}

const struct rib_route *
rib_match(const struct rib *rib, const struct prefix *pfx, struct prefix *found)
{
	const struct rib_route *r = rib_table_match(&rib->table, pfx);

	if (r != NULL)
		*found = (struct prefix){ r->t.addr, r->t.len };
	return r;
}

size_t
rib_route_npaths(const struct rib_route *r)
{
	return r->t.npaths;
}

/* The step at which path i lost to the best (NONE for the best itself). */
static enum rib_step
route_path_lost_at(const struct rib *rib, const struct rib_route *r, size_t i)
{
	const struct rib_path *p = rib_route_paths(r);
	struct rib_cand ci, cb;
	enum rib_step s = RIB_STEP_NONE;

	cand_fill(rib, &p[i], i, &ci);
	if (!rib_cand_is_eligible(&ci))
		return RIB_STEP_UNREACHABLE;
	for (size_t b = 0; b < r->t.npaths; b++)
		if (b != i && (p[b].flags & RIB_PATH_BEST)) {
			cand_fill(rib, &p[b], b, &cb);
			(void)rib_bestpath_cmp(&rib->opts, &cb, &ci, &s);
		}
	return s;
}

void
rib_route_path(const struct rib *rib, const struct rib_route *r, size_t i,
    struct rib_path_info *info)
{
	const struct rib_path *p = &rib_route_paths(r)[i];

	info->peer = rib->peers[p->peer];
	info->attrs = rib_path_attrs(rib, p);
	info->path_id = p->path_id;
	info->best = p->flags & RIB_PATH_BEST;
	info->multipath = p->flags & RIB_PATH_MULTIPATH;
	info->lost_at = route_path_lost_at(rib, r, i);
}

void
rib_route_selection(const struct rib *rib, const struct rib_route *r, struct rib_selection *sel)
{
	struct route_scratch s;
	uint8_t *flags = malloc(r->t.npaths);

	if (flags == NULL)
		fatal("rib: selection among %u paths", r->t.npaths);
	scratch_init(&s, r->t.npaths);
	route_select(rib, r, sel, flags, &s);
	scratch_fini(&s);
	free(flags);
}

size_t
rib_walk(const struct rib *rib, const struct prefix *after, size_t max, rib_walk_fn *fn, void *arg)
{
	return rib_table_walk(&rib->table, after, max, fn, arg);
}

void
rib_stats_get(const struct rib *rib, struct rib_stats *st)
{
	st->prefixes = rib->table.routes.live;
	st->paths = rib->npaths;
	st->attrs = rib->attrs.count;
	st->table_bytes = rib_table_bytes(&rib->table);
}
