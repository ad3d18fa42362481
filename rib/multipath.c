/*
 * rib/multipath.c - which paths forward alongside the best, and with what weight.
 *
 * A path joins the set when it is equal to the best through the IGP-cost
 * step and comes from the same neighbor AS (any AS of the same AS-path length
 * with multipath-relax), up to maximum-paths for the best's kind (eBGP or
 * iBGP). ADD-PATH paths are separate candidates. A path whose next hop is
 * already in the set through a session from the same local address adds
 * nothing and stays out. The set is sorted by (next
 * hop, peer address, path id) so the FIB sees equal sets as equal. Weights are
 * 1 each, or with bgp bestpath bandwidth and a link bandwidth on every member,
 * proportional to it within the kernel's 1..256 (see mp_weights).
 */
#include "rib/rib_int.h"

static bool
mp_is_equal(const struct rib_opts *o, const struct rib_cand *best, const struct rib_cand *c)
{
	enum rib_step s;

	(void)rib_bestpath_cmp(o, best, c, &s);
	if (s != RIB_STEP_NONE && s <= RIB_STEP_IGP_COST)
		return false;
	return o->multipath_relax || best->attrs->neighbor_as == c->attrs->neighbor_as;
}

static unsigned
mp_limit(const struct rib_opts *o, const struct rib_cand *best)
{
	unsigned max = best->peer->ebgp ? o->maximum_paths_ebgp : o->maximum_paths_ibgp;

	if (max == 0)
		return 1;
	return max > RIB_MULTIPATH_MAX ? RIB_MULTIPATH_MAX : max;
}

/*
 * Is this (next hop, our session address) already in the set? Paths to one
 * next hop learned over sessions from two of our addresses stay separate
 * members: through the overlay they are two tunnels (local L1 and L2 to the
 * same remote), the bandwidth aggregation a multihomed site wants, and the
 * remote's traffic arriving on either of our addresses finds its tunnel. A
 * direct route made twice is merged by the overlay.
 */
static bool
mp_has_nexthop(const struct rib_selection *sel, const struct rib_cand *c)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->set[i].attrs->nexthop == c->attrs->nexthop &&
		    sel->set[i].peer->local_addr == c->peer->local_addr)
			return true;
	return false;
}

static void
mp_member_add(struct rib_selection *sel, const struct rib_cand *c)
{
	sel->set[sel->n++] = (struct rib_nexthop){ c->peer, c->attrs, c->path_id, 1 };
}

/* The most preferred candidate that may still join, n if none. */
static size_t
mp_next(const struct rib_opts *o, const struct rib_cand *c, size_t n, size_t best,
    const struct rib_selection *sel, const bool *mp)
{
	size_t pick = n;
	enum rib_step s;

	for (size_t i = 0; i < n; i++) {
		if (mp[i] || !rib_cand_is_eligible(&c[i]) || !mp_is_equal(o, &c[best], &c[i]) ||
		    mp_has_nexthop(sel, &c[i]))
			continue;
		if (pick == n || rib_bestpath_cmp(o, &c[i], &c[pick], &s) < 0)
			pick = i;
	}
	return pick;
}

static int
member_cmp(const struct rib_nexthop *a, const struct rib_nexthop *b)
{
	if (a->attrs->nexthop != b->attrs->nexthop)
		return a->attrs->nexthop < b->attrs->nexthop ? -1 : 1;
	if (a->peer->addr != b->peer->addr)
		return a->peer->addr < b->peer->addr ? -1 : 1;
	return a->path_id < b->path_id ? -1 : a->path_id > b->path_id;
}

static void
mp_sort(struct rib_selection *sel)
{
	struct rib_nexthop x;
	size_t j;

	for (size_t i = 1; i < sel->n; i++) {
		x = sel->set[i];
		for (j = i; j > 0 && member_cmp(&sel->set[j - 1], &x) > 0; j--)
			sel->set[j] = sel->set[j - 1];
		sel->set[j] = x;
	}
}

static uint32_t
gcd32(uint32_t a, uint32_t b)
{
	while (b != 0) {
		uint32_t t = a % b;

		a = b, b = t;
	}
	return a;
}

static bool
mp_has_bandwidth(const struct rib_opts *o, const struct rib_selection *sel)
{
	if (!o->bandwidth || sel->n < 2)
		return false;
	for (size_t i = 0; i < sel->n; i++)
		if (!(sel->set[i].attrs->flags & RIB_ATTR_LINK_BW) || sel->set[i].attrs->link_bw == 0)
			return false;
	return true;
}

/* Divide every weight by their greatest common divisor. */
static void
mp_weights_reduce(struct rib_selection *sel)
{
	uint32_t g = 0;

	for (size_t i = 0; i < sel->n; i++)
		g = gcd32(g, sel->set[i].weight);
	for (size_t i = 0; i < sel->n; i++)
		sel->set[i].weight = (uint16_t)(sel->set[i].weight / g);
}

/*
 * UCMP: weight ~ bandwidth. Exact ratios when the bandwidths, divided by
 * their gcd, fit in 1..256 (10G:1G is 10:1); otherwise scaled so the largest
 * is 256, rounded, at least 1, then reduced.
 */
static void
mp_weights(const struct rib_opts *o, struct rib_selection *sel)
{
	uint32_t max = 0, g = 0;
	uint64_t w;

	if (!mp_has_bandwidth(o, sel))
		return;
	for (size_t i = 0; i < sel->n; i++) {
		g = gcd32(g, sel->set[i].attrs->link_bw);
		if (sel->set[i].attrs->link_bw > max)
			max = sel->set[i].attrs->link_bw;
	}
	max /= g;
	for (size_t i = 0; i < sel->n; i++) {
		w = sel->set[i].attrs->link_bw / g;
		if (max > RIB_WEIGHT_MAX)
			w = (w * RIB_WEIGHT_MAX + max / 2) / max;
		sel->set[i].weight = w < 1 ? 1 : (uint16_t)w;
	}
	mp_weights_reduce(sel);
}

static void
mp_find_best(struct rib_selection *sel, const struct rib_cand *best)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->set[i].peer == best->peer && sel->set[i].path_id == best->path_id)
			sel->best = sel->set[i];
}

void
rib_multipath_build(const struct rib_opts *o, const struct rib_cand *c, size_t n,
    size_t best, struct rib_selection *sel, bool *mp)
{
	unsigned max = mp_limit(o, &c[best]);
	size_t pick;

	sel->n = 0;
	for (size_t i = 0; i < n; i++)
		mp[i] = false;
	mp_member_add(sel, &c[best]);
	mp[best] = true;
	while (sel->n < max && (pick = mp_next(o, c, n, best, sel, mp)) != n) {
		mp_member_add(sel, &c[pick]);
		mp[pick] = true;
	}
	mp_sort(sel);
	mp_weights(o, sel);
	mp_find_best(sel, &c[best]);
}
