/*
 * tests/unit/test_rib_bestpath.c - the decision process, one table row per
 * tie-breaker: two paths that differ in one attribute, the expected winner
 * and the reason the loser is shown ("lost to ...: higher local-pref").
 */
#include "tests/unit/rib_fixture.h"

/* Standard peers (index: address, router-id, AS). */
enum { E1, E2, E3, I4, I5, E6, NPEERS };

static void
fx_std(struct fx *f, const struct rib_opts *o)
{
	fx_init(f, o);
	fx_peer(f, 1, 1, 65001, true);	/* E1 */
	fx_peer(f, 2, 2, 65001, true);	/* E2: same neighbor AS as E1 */
	fx_peer(f, 3, 3, 65002, true);	/* E3 */
	fx_peer(f, 4, 4, 65000, false);	/* I4 */
	fx_peer(f, 5, 5, 65000, false);	/* I5 */
	fx_peer(f, 6, 9, 65003, true);	/* E6: high router-id */
}

/* One side of a case; zero fields keep fx_attrs() defaults. */
struct side {
	size_t		peer;
	uint32_t	path_id;
	uint32_t	weight, lp, med, nas, originator, cost;
	bool		has_med;
	uint16_t	aslen, cluster;
	uint8_t		origin;
};

static const struct bp_case {
	const char	*name;
	struct rib_opts	 opts;
	struct side	 a, b;
	char		 winner;	/* 'a' or 'b' */
	enum rib_step	 step;		/* the loser's lost_at */
} cases[] = {
	{ "higher weight", {0}, { .peer = E1 }, { .peer = E2, .weight = 100 }, 'b', RIB_STEP_WEIGHT },
	{ "higher local-pref", {0}, { .peer = E2, .lp = 200 }, { .peer = E1 }, 'a', RIB_STEP_LOCAL_PREF },
	{ "weight before local-pref", {0}, { .peer = E2, .weight = 1 }, { .peer = E1, .lp = 300 }, 'a',
	  RIB_STEP_WEIGHT },
	{ "shorter as-path", {0}, { .peer = E1, .aslen = 3 }, { .peer = E2 }, 'b', RIB_STEP_ASPATH },
	{ "as-path ignore", { .as_path_ignore = true }, { .peer = E1, .aslen = 3 }, { .peer = E2 }, 'a',
	  RIB_STEP_ROUTER_ID },
	{ "origin igp over egp", {0}, { .peer = E1, .origin = RIB_ORIGIN_EGP }, { .peer = E2 }, 'b',
	  RIB_STEP_ORIGIN },
	{ "origin egp over incomplete", {0}, { .peer = E1, .origin = RIB_ORIGIN_INCOMPLETE },
	  { .peer = E2, .origin = RIB_ORIGIN_EGP }, 'b', RIB_STEP_ORIGIN },
	{ "lower med, same neighbor as", {0}, { .peer = E1, .has_med = true, .med = 50 },
	  { .peer = E2, .has_med = true, .med = 10 }, 'b', RIB_STEP_MED },
	{ "med not compared across neighbor as", {0}, { .peer = E1, .has_med = true, .med = 50 },
	  { .peer = E3, .has_med = true, .med = 10 }, 'a', RIB_STEP_ROUTER_ID },
	{ "always-compare-med", { .always_compare_med = true }, { .peer = E1, .has_med = true, .med = 50 },
	  { .peer = E3, .has_med = true, .med = 10 }, 'b', RIB_STEP_MED },
	{ "missing med is 0", {0}, { .peer = E2 }, { .peer = E1, .has_med = true, .med = 10 }, 'a', RIB_STEP_MED },
	{ "missing med as worst", { .med_missing_as_worst = true }, { .peer = E1 },
	  { .peer = E2, .has_med = true, .med = 10 }, 'b', RIB_STEP_MED },
	{ "med between empty as-paths", {0}, { .peer = I4, .has_med = true, .med = 20 },
	  { .peer = I5, .has_med = true, .med = 10 }, 'b', RIB_STEP_MED },
	{ "ebgp over ibgp", {0}, { .peer = I4 }, { .peer = E6 }, 'b', RIB_STEP_EBGP },
	{ "lower igp cost", {0}, { .peer = I4, .cost = 20 }, { .peer = I5, .cost = 10 }, 'b', RIB_STEP_IGP_COST },
	{ "lower router-id", {0}, { .peer = E2 }, { .peer = E1 }, 'b', RIB_STEP_ROUTER_ID },
	{ "originator-id stands in for router-id", {0},
	  { .peer = I4, .originator = 0x09090909, .cluster = 1 },
	  { .peer = I5, .originator = 0x05050505, .cluster = 1 }, 'b', RIB_STEP_ROUTER_ID },
	{ "shorter cluster-list", {0}, { .peer = I4, .originator = 0x07070707, .cluster = 2 },
	  { .peer = I5, .originator = 0x07070707, .cluster = 1 }, 'b', RIB_STEP_CLUSTER_LEN },
	{ "lower peer address", {0}, { .peer = I4, .originator = 0x07070707 },
	  { .peer = I5, .originator = 0x07070707 }, 'a', RIB_STEP_PEER_ADDR },
	{ "add-path: lower path id", {0}, { .peer = I4, .path_id = 2 }, { .peer = I4, .path_id = 1 }, 'b',
	  RIB_STEP_PATH_ID },
	{ "unreachable next hop is never best", {0}, { .peer = E1, .lp = 500, .cost = RIB_IGP_UNREACHABLE },
	  { .peer = E2 }, 'b', RIB_STEP_UNREACHABLE },
};

static struct rib_attrs
side_attrs(struct fx *f, const struct side *s)
{
	struct rib_attrs a = fx_attrs(f, s->peer);

	a.weight = s->weight;
	a.local_pref = s->lp ? s->lp : a.local_pref;
	a.aspath_len = s->aslen ? s->aslen : a.aspath_len;
	a.origin = s->origin;
	a.cluster_len = s->cluster;
	a.neighbor_as = s->nas ? s->nas : a.neighbor_as;
	if (s->has_med)
		a.flags |= RIB_ATTR_MED, a.med = s->med;
	if (s->originator)
		a.flags |= RIB_ATTR_ORIGINATOR, a.originator_id = s->originator;
	if (s->peer == I4 && s->path_id == 2)
		a.nexthop = 0x0a000044;		/* a second path behind I4 */
	if (s->cost)
		fx_set_cost(f, a.nexthop, s->cost);
	return a;
}

static void
case_run(const struct bp_case *c, bool swap)
{
	const struct side *first = swap ? &c->b : &c->a, *second = swap ? &c->a : &c->b;
	const struct side *win = c->winner == 'a' ? &c->a : &c->b;
	const struct side *lose = c->winner == 'a' ? &c->b : &c->a;
	struct rib_attrs a1, a2;
	struct rib_path_info wi, li;
	struct fx f;

	fx_std(&f, &c->opts);
	a1 = side_attrs(&f, first);
	a2 = side_attrs(&f, second);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", first->peer, first->path_id, &a1), 0);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", second->peer, second->path_id, &a2), 0);
	wi = fx_info(&f, "192.0.2.0/24", win->peer, win->path_id);
	li = fx_info(&f, "192.0.2.0/24", lose->peer, lose->path_id);
	ck_assert_msg(wi.best && !li.best, "%s%s: wrong winner", c->name, swap ? " (swapped)" : "");
	ck_assert_msg(li.lost_at == c->step, "%s%s: lost at %s, want %s", c->name,
	    swap ? " (swapped)" : "", rib_step_reason(li.lost_at), rib_step_reason(c->step));
	ck_assert_int_eq(wi.lost_at, RIB_STEP_NONE);
	ck_assert_ptr_eq(f.last.best.peer, &f.peers[win->peer]);	/* what the FIB was told */
	fx_fini(&f);
}

START_TEST(each_tie_breaker_picks_its_winner_in_either_arrival_order)
{
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		case_run(&cases[i], false);
		case_run(&cases[i], true);
	}
}
END_TEST

START_TEST(reasons_read_as_why_the_winner_won)
{
	ck_assert_str_eq(rib_step_reason(RIB_STEP_LOCAL_PREF), "higher local-pref");
	ck_assert_str_eq(rib_step_reason(RIB_STEP_EBGP), "eBGP over iBGP");
	for (int i = 0; i < RIB_STEP_COUNT; i++)
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(rib_step_reason(i), rib_step_reason(j));
	ck_assert_str_eq(rib_step_reason(RIB_STEP_COUNT), "unknown");
}
END_TEST

/*
 * X (AS 65001, MED 10, rid 3), Y (AS 65002, rid 2), Z (AS 65001, MED 20,
 * rid 1): without deterministic-med the winner depends on arrival order
 * (MED is not transitive); with it, Y wins whatever the order.
 */
static size_t
med_race(const struct rib_opts *o, const int order[3])
{
	static const struct { uint8_t rid; uint32_t as, med; } px[3] = {
		{ 3, 65001, 10 }, { 2, 65002, 0 }, { 1, 65001, 20 },
	};
	struct rib_attrs a;
	size_t best;
	struct fx f;

	fx_init(&f, o);
	for (size_t i = 0; i < 3; i++)
		fx_peer(&f, (uint8_t)(31 + i), px[i].rid, px[i].as, true);
	for (size_t k = 0; k < 3; k++) {
		a = fx_attrs(&f, (size_t)order[k]);
		a.flags = RIB_ATTR_MED, a.med = px[order[k]].med;
		ck_assert_int_eq(fx_add(&f, "198.51.100.0/24", (size_t)order[k], 0, &a), 0);
	}
	best = (size_t)(f.last.best.peer - f.peers);
	fx_fini(&f);
	return best;
}

START_TEST(deterministic_med_removes_arrival_order_dependence)
{
	static const int perms[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	const struct rib_opts plain = {0}, det = { .deterministic_med = true };

	ck_assert_uint_eq(med_race(&plain, perms[0]), 2);	/* X, Y, Z: Z */
	ck_assert_uint_eq(med_race(&plain, perms[4]), 1);	/* Z, X, Y: Y */
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(med_race(&det, perms[i]), 1);
}
END_TEST

START_TEST(med_corner_cases)
{
	struct rib_attrs a, b;
	struct fx f;

	/* MED 0 present equals missing MED; then router-id decides. */
	fx_std(&f, NULL);
	a = fx_attrs(&f, E2);
	a.flags = RIB_ATTR_MED;
	a.med = 0;
	b = fx_attrs(&f, E1);
	ck_assert_int_eq(fx_add(&f, "203.0.113.0/24", E2, 0, &a), 0);
	ck_assert_int_eq(fx_add(&f, "203.0.113.0/24", E1, 0, &b), 0);
	ck_assert_int_eq(fx_info(&f, "203.0.113.0/24", E2, 0).lost_at, RIB_STEP_ROUTER_ID);
	fx_fini(&f);
	/* missing-as-worst: an explicit MED 0xffffffff ties with a missing one. */
	fx_std(&f, &(struct rib_opts){ .med_missing_as_worst = true });
	a.med = UINT32_MAX;
	ck_assert_int_eq(fx_add(&f, "203.0.113.0/24", E2, 0, &a), 0);
	ck_assert_int_eq(fx_add(&f, "203.0.113.0/24", E1, 0, &b), 0);
	ck_assert_int_eq(fx_info(&f, "203.0.113.0/24", E2, 0).lost_at, RIB_STEP_ROUTER_ID);
	fx_fini(&f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		each_tie_breaker_picks_its_winner_in_either_arrival_order,
		reasons_read_as_why_the_winner_won,
		deterministic_med_removes_arrival_order_dependence,
		med_corner_cases,
	};

	return unit_run("rib_bestpath", tests, UNIT_COUNT(tests));
}
