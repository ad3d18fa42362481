/*
 * rib/bestpath.c - the decision process: which path of a prefix is best.
 *
 * RFC 4271 9.1.2.2 plus the usual steps, one small function per step in a
 * table, so the deciding step can be named ("lost to 10.0.0.3: higher
 * local-pref"). Each step returns <0 when a is better, >0 when b is.
 * Not done (documented in doc/rib.md): locally originated routes (bgpd has
 * none yet), AIGP, "prefer oldest eBGP path" (we go on to router-id, which is
 * deterministic across restarts), confederation MED rules.
 */
#include "rib/rib_int.h"

static int
cmp_higher(uint32_t a, uint32_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int
cmp_lower(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int
step_weight(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_higher(a->attrs->weight, b->attrs->weight);
}

static int
step_local_pref(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_higher(a->attrs->local_pref, b->attrs->local_pref);
}

/* RFC 4271 9.1.2.2 a; skipped with bgp bestpath as-path ignore. */
static int
step_aspath(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return o->as_path_ignore ? 0 : cmp_lower(a->attrs->aspath_len, b->attrs->aspath_len);
}

/* RFC 4271 9.1.2.2 b: IGP < EGP < INCOMPLETE. */
static int
step_origin(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(a->attrs->origin, b->attrs->origin);
}

/* A missing MED is 0 (RFC 4271 9.1.2.2 c), or the worst with missing-as-worst. */
static uint32_t
cand_med(const struct rib_opts *o, const struct rib_cand *c)
{
	if (c->attrs->flags & RIB_ATTR_MED)
		return c->attrs->med;
	return o->med_missing_as_worst ? UINT32_MAX : 0;
}

/* RFC 4271 9.1.2.2 c: only between paths from the same neighbor AS. */
static int
step_med(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	if (!o->always_compare_med && a->attrs->neighbor_as != b->attrs->neighbor_as)
		return 0;
	return cmp_lower(cand_med(o, a), cand_med(o, b));
}

/* RFC 4271 9.1.2.2 d. */
static int
step_ebgp(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_higher(a->peer->ebgp, b->peer->ebgp);
}

/* RFC 4271 9.1.2.2 e. */
static int
step_igp_cost(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(a->igp_cost, b->igp_cost);
}

/* RFC 4456 9: a reflected path's ORIGINATOR_ID stands in for the router-id. */
static uint32_t
cand_router_id(const struct rib_cand *c)
{
	if (c->attrs->flags & RIB_ATTR_ORIGINATOR)
		return c->attrs->originator_id;
	return c->peer->router_id;
}

/* RFC 4271 9.1.2.2 f. */
static int
step_router_id(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(cand_router_id(a), cand_router_id(b));
}

/* RFC 4456 9: shorter CLUSTER_LIST first. */
static int
step_cluster_len(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(a->attrs->cluster_len, b->attrs->cluster_len);
}

/* RFC 4271 9.1.2.2 g. */
static int
step_peer_addr(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(a->peer->addr, b->peer->addr);
}

/* ADD-PATH (RFC 7911): paths of one peer differ only here; the lower id wins. */
static int
step_path_id(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	return cmp_lower(a->path_id, b->path_id);
}

static const struct {
	enum rib_step	step;
	int		(*cmp)(const struct rib_opts *, const struct rib_cand *,
			    const struct rib_cand *);
} bestpath_steps[] = {
	{ RIB_STEP_WEIGHT, step_weight },
	{ RIB_STEP_LOCAL_PREF, step_local_pref },
	{ RIB_STEP_ASPATH, step_aspath },
	{ RIB_STEP_ORIGIN, step_origin },
	{ RIB_STEP_MED, step_med },
	{ RIB_STEP_EBGP, step_ebgp },
	{ RIB_STEP_IGP_COST, step_igp_cost },
	{ RIB_STEP_ROUTER_ID, step_router_id },
	{ RIB_STEP_CLUSTER_LEN, step_cluster_len },
	{ RIB_STEP_PEER_ADDR, step_peer_addr },
	{ RIB_STEP_PATH_ID, step_path_id },
};

static const char *const step_reasons[RIB_STEP_COUNT] = {
	[RIB_STEP_NONE] = "best",
	[RIB_STEP_WEIGHT] = "higher weight",
	[RIB_STEP_LOCAL_PREF] = "higher local-pref",
	[RIB_STEP_ASPATH] = "shorter AS-path",
	[RIB_STEP_ORIGIN] = "lower origin",
	[RIB_STEP_MED] = "lower MED",
	[RIB_STEP_EBGP] = "eBGP over iBGP",
	[RIB_STEP_IGP_COST] = "lower IGP cost",
	[RIB_STEP_ROUTER_ID] = "lower router-id",
	[RIB_STEP_CLUSTER_LEN] = "shorter cluster-list",
	[RIB_STEP_PEER_ADDR] = "lower peer address",
	[RIB_STEP_PATH_ID] = "lower path id",
	[RIB_STEP_UNREACHABLE] = "next hop unreachable",
};

const char *
rib_step_reason(enum rib_step s)
{
	return (unsigned)s < RIB_STEP_COUNT ? step_reasons[s] : "unknown";
}

bool
rib_cand_is_eligible(const struct rib_cand *c)
{
	if (c->peer->down)		/* its session went down: being withdrawn */
		return false;
	return c->igp_cost != RIB_IGP_UNREACHABLE;	/* RFC 4271 9.1.2.1 */
}

int
rib_bestpath_cmp(const struct rib_opts *o, const struct rib_cand *a,
    const struct rib_cand *b, enum rib_step *step)
{
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(bestpath_steps); i++)
		if ((r = bestpath_steps[i].cmp(o, a, b)) != 0) {
			*step = bestpath_steps[i].step;
			return r;
		}
	*step = RIB_STEP_NONE;
	return 0;
}

static bool
cand_better(const struct rib_opts *o, const struct rib_cand *a, const struct rib_cand *b)
{
	enum rib_step s;

	return rib_bestpath_cmp(o, a, b, &s) < 0;
}

/* Paths in arrival order, each against the best so far (MED makes it order-dependent). */
static size_t
select_in_order(const struct rib_opts *o, const struct rib_cand *c, size_t n)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (rib_cand_is_eligible(&c[i]) && (best == n || cand_better(o, &c[i], &c[best])))
			best = i;
	return best;
}

static bool
cand_same_group(const struct rib_cand *a, const struct rib_cand *b)
{
	return a->attrs->neighbor_as == b->attrs->neighbor_as;
}

/* The best of i's neighbor-AS group, or n if i is not its group's first. */
static size_t
select_group_winner(const struct rib_opts *o, const struct rib_cand *c, size_t n, size_t i)
{
	size_t w = i;

	for (size_t k = 0; k < i; k++)
		if (rib_cand_is_eligible(&c[k]) && cand_same_group(&c[k], &c[i]))
			return n;
	for (size_t j = i + 1; j < n; j++)
		if (rib_cand_is_eligible(&c[j]) && cand_same_group(&c[j], &c[i]) &&
		    cand_better(o, &c[j], &c[w]))
			w = j;
	return w;
}

/* deterministic-med: best per neighbor AS first, then among those winners. */
static size_t
select_deterministic(const struct rib_opts *o, const struct rib_cand *c, size_t n)
{
	size_t best = n, w;

	for (size_t i = 0; i < n; i++) {
		if (!rib_cand_is_eligible(&c[i]))
			continue;
		if ((w = select_group_winner(o, c, n, i)) == n)
			continue;
		if (best == n || cand_better(o, &c[w], &c[best]))
			best = w;
	}
	return best;
}

size_t
rib_bestpath_select(const struct rib_opts *o, const struct rib_cand *c, size_t n)
{
	if (o->deterministic_med && !o->always_compare_med)
		return select_deterministic(o, c, n);
	return select_in_order(o, c, n);
}
