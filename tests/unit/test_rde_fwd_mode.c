/*
 * tests/unit/test_rde_fwd_mode.c - the overlay mode of a path
 * (bgpd/rde_fwd.h rde_fwd_mode_pick): the first prefix-list override by
 * name that permits the prefix, else the neighbor's override, else global;
 * and when a reload's modes count as a change.
 */
#include <stdio.h>
#include <string.h>

#include "bgpd/policy.h"
#include "bgpd/rde_fwd.h"
#include "tests/unit/unit.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
pl_add(struct policy *p, const char *name, uint32_t seq, bool permit, const char *pfx,
    uint8_t le)
{
	struct conf_pl_entry e = { .seq = seq, .permit = permit, .le = le };

	snprintf(e.prefix, sizeof(e.prefix), "%s", pfx);
	ck_assert_int_eq(policy_add_prefix_list(p, name, &e), 0);
}

/* Lists: B-FAR permits 192.168.2.0/24; A-WIDE permits 192.168.0.0/16 le 24 but denies
 * 192.168.9.0/24 first; overrides added in reverse name order. */
static struct policy *
lists_make(struct rde_fwd_modes *m)
{
	struct policy *p = policy_new();

	pl_add(p, "B-FAR", 5, true, "192.168.2.0/24", 0);
	pl_add(p, "A-WIDE", 5, false, "192.168.9.0/24", 0);
	pl_add(p, "A-WIDE", 10, true, "192.168.0.0/16", 24);
	policy_finish(p);
	*m = (struct rde_fwd_modes){ .global = OVERLAY_MODE_CROSS_SUBNET };
	rde_fwd_modes_add_prefix_list(m, "B-FAR", OVERLAY_MODE_NEVER);
	rde_fwd_modes_add_prefix_list(m, "A-WIDE", OVERLAY_MODE_ALWAYS);
	rde_fwd_modes_add_neighbor(m, A(10, 0, 0, 2), OVERLAY_MODE_ALWAYS);
	return p;
}

START_TEST(without_overrides_the_global_mode_decides_and_names_no_source)
{
	struct rde_fwd_modes m = { .global = OVERLAY_MODE_NEVER };
	struct prefix p = { A(192, 168, 1, 0), 24 };
	const char *src = "x";

	ck_assert_int_eq(rde_fwd_mode_pick(&m, NULL, &p, A(10, 0, 0, 2), &src),
	    OVERLAY_MODE_NEVER);
	ck_assert_ptr_null(src);
	ck_assert(!rde_fwd_modes_need_tunnels(&m));
}
END_TEST

START_TEST(a_neighbor_override_applies_to_its_paths_only)
{
	struct rde_fwd_modes m = { .global = OVERLAY_MODE_CROSS_SUBNET };
	struct prefix p = { A(10, 50, 0, 0), 16 };
	const char *src;

	rde_fwd_modes_add_neighbor(&m, A(10, 0, 0, 2), OVERLAY_MODE_ALWAYS);
	ck_assert_int_eq(rde_fwd_mode_pick(&m, NULL, &p, A(10, 0, 0, 2), &src),
	    OVERLAY_MODE_ALWAYS);
	ck_assert_str_eq(src, "neighbor 10.0.0.2");
	ck_assert_int_eq(rde_fwd_mode_pick(&m, NULL, &p, A(10, 0, 0, 3), &src),
	    OVERLAY_MODE_CROSS_SUBNET);
	ck_assert_ptr_null(src);
	rde_fwd_modes_free(&m);
}
END_TEST

START_TEST(a_permitting_prefix_list_wins_over_the_neighbor_first_by_name)
{
	struct rde_fwd_modes m;
	struct policy *pol = lists_make(&m);
	struct prefix far = { A(192, 168, 2, 0), 24 }, near = { A(192, 168, 1, 0), 24 };
	const char *src;

	ck_assert_str_eq(m.pl[0].name, "A-WIDE");	/* sorted by name, not config order */
	/* both lists permit 192.168.2.0/24: A-WIDE comes first by name */
	ck_assert_int_eq(rde_fwd_mode_pick(&m, pol, &far, A(10, 0, 0, 3), &src),
	    OVERLAY_MODE_ALWAYS);
	ck_assert_str_eq(src, "prefix-list A-WIDE");
	/* from the overridden neighbor too: the list wins over the neighbor */
	ck_assert_int_eq(rde_fwd_mode_pick(&m, pol, &near, A(10, 0, 0, 2), &src),
	    OVERLAY_MODE_ALWAYS);
	ck_assert_str_eq(src, "prefix-list A-WIDE");
	rde_fwd_modes_free(&m);
	policy_free(pol);
}
END_TEST

START_TEST(a_deny_or_no_match_is_no_override)
{
	struct rde_fwd_modes m;
	struct policy *pol = lists_make(&m);
	struct prefix denied = { A(192, 168, 9, 0), 24 }, longer = { A(192, 168, 2, 128), 25 };
	struct prefix outside = { A(172, 16, 0, 0), 12 };
	const char *src;

	/* A-WIDE denies it (deny entry first); B-FAR does not list it: the neighbor's */
	ck_assert_int_eq(rde_fwd_mode_pick(&m, pol, &denied, A(10, 0, 0, 2), &src),
	    OVERLAY_MODE_ALWAYS);
	ck_assert_str_eq(src, "neighbor 10.0.0.2");
	/* /25 is beyond A-WIDE's le 24 and B-FAR's exact /24: global */
	ck_assert_int_eq(rde_fwd_mode_pick(&m, pol, &longer, A(10, 0, 0, 3), &src),
	    OVERLAY_MODE_CROSS_SUBNET);
	ck_assert_ptr_null(src);
	ck_assert_int_eq(rde_fwd_mode_pick(&m, pol, &outside, A(10, 0, 0, 3), &src),
	    OVERLAY_MODE_CROSS_SUBNET);
	/* no policy compiled: lists permit nothing */
	ck_assert_int_eq(rde_fwd_mode_pick(&m, NULL, &longer, A(10, 0, 0, 2), &src),
	    OVERLAY_MODE_ALWAYS);
	rde_fwd_modes_free(&m);
	policy_free(pol);
}
END_TEST

START_TEST(modes_compare_by_value_and_say_when_tunnels_are_needed)
{
	struct rde_fwd_modes a = { .global = OVERLAY_MODE_NEVER }, b = { .global = OVERLAY_MODE_NEVER };

	ck_assert(rde_fwd_modes_equal(&a, &b));
	rde_fwd_modes_add_neighbor(&a, A(10, 0, 0, 2), OVERLAY_MODE_NEVER);
	ck_assert(!rde_fwd_modes_equal(&a, &b));
	ck_assert(!rde_fwd_modes_need_tunnels(&a));
	rde_fwd_modes_add_neighbor(&b, A(10, 0, 0, 2), OVERLAY_MODE_NEVER);
	ck_assert(rde_fwd_modes_equal(&a, &b));
	rde_fwd_modes_add_prefix_list(&b, "FAR", OVERLAY_MODE_ALWAYS);
	ck_assert(!rde_fwd_modes_equal(&a, &b));
	ck_assert(rde_fwd_modes_need_tunnels(&b));	/* global never, one list always */
	rde_fwd_modes_free(&a);
	rde_fwd_modes_free(&b);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		without_overrides_the_global_mode_decides_and_names_no_source,
		a_neighbor_override_applies_to_its_paths_only,
		a_permitting_prefix_list_wins_over_the_neighbor_first_by_name,
		a_deny_or_no_match_is_no_override,
		modes_compare_by_value_and_say_when_tunnels_are_needed,
	};

	return unit_run("rde_fwd_mode", tests, UNIT_COUNT(tests));
}
