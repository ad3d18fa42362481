/*
 * tests/unit/test_rib_nexthops.c - BGP PIC in the RIB (rib_peer_down): the
 * next hops only a downed session provides, per-peer counts that follow
 * add, replace and withdraw, and the downed peer's paths leaving selection.
 */
#include <stdio.h>

#include "tests/unit/rib_fixture.h"

#define NH_X	0xc0000201u	/* 192.0.2.1 */
#define NH_Y	0xc0000202u
#define NH_Z	0xc0000203u

struct heard {
	uint32_t	nh[8];
	size_t		n;
};

static void
heard_cb(void *arg, const struct rib_peer *p, uint32_t nexthop)
{
	struct heard *h = arg;

	(void)p;
	ck_assert_uint_lt(h->n, UNIT_COUNT(h->nh));
	h->nh[h->n++] = nexthop;
}

static int
add_via(struct fx *f, const char *pfx, size_t peer, uint32_t nexthop)
{
	struct rib_attrs a = fx_attrs(f, peer);

	a.nexthop = nexthop;
	return fx_add(f, pfx, peer, 0, &a);
}

static struct heard
down(struct fx *f, size_t peer)
{
	struct heard h = { .n = 0 };

	ck_assert_uint_eq(rib_peer_down(f->rib, &f->peers[peer], heard_cb, &h), h.n);
	return h;
}

START_TEST(only_the_next_hops_of_the_downed_session_are_heard)
{
	struct rib_opts o = { .maximum_paths_ebgp = 2 };
	struct fx f;
	struct heard h;
	char pfx[32];

	fx_init(&f, &o);
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65001, true);
	for (int i = 0; i < 100; i++) {
		snprintf(pfx, sizeof(pfx), "20.0.%d.0/24", i);
		ck_assert_int_eq(add_via(&f, pfx, 0, NH_X), 0);
		ck_assert_int_eq(add_via(&f, pfx, 1, NH_Y), 0);
	}
	h = down(&f, 1);
	ck_assert_uint_eq(h.n, 1);			/* one entry, not one per prefix */
	ck_assert_uint_eq(h.nh[0], NH_Y);
	fx_fini(&f);
}
END_TEST

START_TEST(same_next_hop_from_two_reflectors_is_not_heard_until_both_are_down)
{
	struct fx f;
	struct heard h;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ibgp = 1 });
	fx_peer(&f, 1, 1, 65000, false);	/* route reflector 1 */
	fx_peer(&f, 2, 2, 65000, false);	/* route reflector 2: the same routes */
	ck_assert_int_eq(add_via(&f, "20.0.0.0/24", 0, NH_X), 0);
	ck_assert_int_eq(add_via(&f, "20.0.0.0/24", 1, NH_X), 0);
	ck_assert_int_eq(add_via(&f, "20.0.1.0/24", 1, NH_X), 0);
	h = down(&f, 0);
	ck_assert_uint_eq(h.n, 0);		/* reflector 2 still provides it */
	h = down(&f, 1);
	ck_assert_uint_eq(h.n, 1);		/* the one left went too */
	ck_assert_uint_eq(h.nh[0], NH_X);
	ck_assert_uint_eq(down(&f, 1).n, 0);	/* once per session */
	fx_fini(&f);
}
END_TEST

START_TEST(counts_follow_replace_and_withdraw)
{
	struct fx f;
	struct heard h;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65002, true);
	ck_assert_int_eq(add_via(&f, "20.0.1.0/24", 0, NH_X), 0);
	ck_assert_int_eq(add_via(&f, "20.0.1.0/24", 0, NH_Y), 0);	/* replaced: X -> Y */
	ck_assert_int_eq(add_via(&f, "20.0.2.0/24", 0, NH_Z), 0);
	ck_assert_int_eq(fx_del(&f, "20.0.2.0/24", 0, 0), 0);		/* Z has no path left */
	ck_assert_int_eq(add_via(&f, "20.0.3.0/24", 1, NH_X), 0);
	h = down(&f, 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.nh[0], NH_Y);
	while (rib_peer_withdraw_all(f.rib, &f.peers[0], 1))
		;
	h = down(&f, 1);			/* peer 0's X never counted against it */
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.nh[0], NH_X);
	fx_fini(&f);
}
END_TEST

START_TEST(paths_of_a_downed_session_leave_selection_before_the_withdraw)
{
	struct rib_opts o = { .maximum_paths_ebgp = 2 };
	struct prefix p;
	struct fx f;

	fx_init(&f, &o);
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65001, true);
	ck_assert_int_eq(add_via(&f, "20.0.0.0/24", 0, NH_X), 0);
	ck_assert_int_eq(add_via(&f, "20.0.0.0/24", 1, NH_Y), 0);
	ck_assert_uint_eq(f.last.n, 2);
	(void)down(&f, 1);
	p = fx_pfx("20.0.0.0/24");
	rib_prefix_reselect(f.rib, &p);		/* e.g. another UPDATE touched it */
	ck_assert(!f.last_gone);
	ck_assert_uint_eq(f.last.n, 1);
	ck_assert_uint_eq(f.last.set[0].attrs->nexthop, NH_X);
	f.changes = 0;
	while (rib_peer_withdraw_all(f.rib, &f.peers[1], 1))
		;
	ck_assert_uint_eq(f.changes, 0);	/* already told: the path was out */
	ck_assert_int_eq(rib_peer_del(f.rib, &f.peers[1]), 0);
	ck_assert_int_eq(rib_peer_add(f.rib, &f.peers[1]), 0);	/* a new session */
	ck_assert_int_eq(add_via(&f, "20.0.0.0/24", 1, NH_Y), 0);
	ck_assert_uint_eq(f.last.n, 2);		/* a candidate again */
	fx_fini(&f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		only_the_next_hops_of_the_downed_session_are_heard,
		same_next_hop_from_two_reflectors_is_not_heard_until_both_are_down,
		counts_follow_replace_and_withdraw,
		paths_of_a_downed_session_leave_selection_before_the_withdraw,
	};

	return unit_run("rib_nexthops", tests, UNIT_COUNT(tests));
}
