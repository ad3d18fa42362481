/*
 * tests/unit/test_rib_refresh.c - enhanced route refresh (RFC 7313) in the
 * RIB: after a BoRR, what the peer does not announce again before EoRR goes.
 */
#include <errno.h>
#include <stdint.h>

#include "tests/unit/rib_fixture.h"

static struct prefix
nth(uint32_t i)
{
	return (struct prefix){ 0x0a000000u + (i << 8), 24 };	/* 10.x.y.0/24 */
}

static void
add_nth(struct fx *f, uint32_t i, size_t peer, uint32_t id, const struct rib_attrs *a)
{
	const struct rib_attrs *ia = rib_attrs_get(f->rib, a);
	struct prefix p = nth(i);

	ck_assert_ptr_nonnull(ia);
	ck_assert_int_eq(rib_path_add(f->rib, &p, &f->peers[peer], id, ia), 0);
	rib_attrs_put(f->rib, ia);
}

static bool
has_path(struct fx *f, uint32_t i, size_t peer, uint32_t id)
{
	struct prefix p = nth(i);
	const struct rib_route *r = rib_lookup(f->rib, &p);
	struct rib_path_info pi;

	for (size_t k = 0; r != NULL && k < rib_route_npaths(r); k++) {
		rib_route_path(f->rib, r, k, &pi);
		if (pi.peer == &f->peers[peer] && pi.path_id == id)
			return true;
	}
	return false;
}

static size_t
sweep_all(struct fx *f, size_t peer, size_t budget)
{
	size_t swept = 0, calls = 0;

	while (rib_peer_sweep(f->rib, &f->peers[peer], budget, &swept))
		ck_assert_uint_lt(++calls, 1000000);
	return swept;
}

/* Peer 0 re-announces the even prefixes (half with a new MED): the odd go. */
START_TEST(what_is_not_announced_again_is_swept)
{
	enum { N = 200 };
	struct rib_attrs a0, a1;
	struct fx f;
	size_t changes;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 1 });
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65002, true);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	for (uint32_t i = 0; i < N; i++)
		add_nth(&f, i, 0, 0, &a0);
	add_nth(&f, 1, 1, 0, &a1);		/* another peer's path on an odd prefix */
	rib_peer_refresh_begin(f.rib, &f.peers[0]);
	ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[0]), N);	/* nothing goes yet */
	for (uint32_t i = 0; i < N; i += 2) {
		struct rib_attrs a = a0;

		if (i % 4 == 0)
			a.med = 7, a.flags |= RIB_ATTR_MED;
		add_nth(&f, i, 0, 0, &a);
	}
	changes = f.changes;
	ck_assert_uint_eq(sweep_all(&f, 0, 1000), N / 2);
	ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[0]), N / 2);
	ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[1]), 1);
	for (uint32_t i = 0; i < N; i++)
		ck_assert(has_path(&f, i, 0, 0) == (i % 2 == 0));
	ck_assert(has_path(&f, 1, 1, 0));
	ck_assert_uint_eq(f.changes, changes + N / 2);	/* each odd prefix changed once */
	/* a second sweep finds nothing: every path is of the current generation */
	ck_assert_uint_eq(sweep_all(&f, 0, 1000), 0);
	fx_fini(&f);
}
END_TEST

/* ADD-PATH: two path ids on one prefix, only one announced again. */
START_TEST(add_path_ids_are_swept_one_by_one)
{
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 4 });
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	add_nth(&f, 5, 0, 1, &a);
	a.nexthop = 0x0a0000aa;
	add_nth(&f, 5, 0, 2, &a);
	ck_assert_uint_eq(f.last.n, 2);
	rib_peer_refresh_begin(f.rib, &f.peers[0]);
	add_nth(&f, 5, 0, 2, &a);		/* the same again: fresh, nothing moves */
	ck_assert_uint_eq(sweep_all(&f, 0, 10), 1);
	ck_assert(!has_path(&f, 5, 0, 1));
	ck_assert(has_path(&f, 5, 0, 2));
	ck_assert_uint_eq(f.last.n, 1);
	ck_assert_uint_eq(f.last.best.path_id, 2);
	fx_fini(&f);
}
END_TEST

/*
 * A chunked sweep: paths announced while it runs stay; a BoRR in the middle
 * finishes it first, and what the first refresh brought survives the second
 * BoRR until the second sweep.
 */
START_TEST(a_sweep_is_chunked_and_a_new_borr_finishes_it)
{
	enum { N = 1000, BUDGET = 50 };
	struct rib_attrs a;
	struct fx f;
	size_t swept = 0;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	for (uint32_t i = 0; i < N; i++)
		add_nth(&f, i, 0, 0, &a);
	rib_peer_refresh_begin(f.rib, &f.peers[0]);
	for (uint32_t i = 0; i < N; i += 2)		/* refresh 1: the even ones */
		add_nth(&f, i, 0, 0, &a);
	ck_assert(rib_peer_sweep(f.rib, &f.peers[0], BUDGET, &swept));	/* EoRR 1: under way */
	ck_assert_uint_lt(swept, N / 2);
	add_nth(&f, N + 1, 0, 0, &a);		/* new during the sweep: stays */
	add_nth(&f, N - 1, 0, 0, &a);		/* odd, announced again before the sweep got there */
	rib_peer_refresh_begin(f.rib, &f.peers[0]);	/* BoRR 2 finishes sweep 1 */
	ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[0]), N / 2 + 2);
	ck_assert(has_path(&f, 0, 0, 0));
	ck_assert(!has_path(&f, 1, 0, 0));
	ck_assert(has_path(&f, N - 1, 0, 0));
	ck_assert(has_path(&f, N + 1, 0, 0));
	for (uint32_t i = 0; i < N; i += 4)		/* refresh 2: every fourth */
		add_nth(&f, i, 0, 0, &a);
	sweep_all(&f, 0, BUDGET);
	ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[0]), N / 4);
	ck_assert(has_path(&f, 4, 0, 0));
	ck_assert(!has_path(&f, 2, 0, 0));
	ck_assert(!has_path(&f, N + 1, 0, 0));
	fx_fini(&f);
}
END_TEST

/* A peer that sends BoRR after BoRR and never EoRR cannot make a stale path
 * fresh again by wrapping the 8-bit generation around. */
START_TEST(endless_borrs_never_revive_a_stale_path)
{
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	add_nth(&f, 1, 0, 0, &a);		/* P: never announced again */
	add_nth(&f, 2, 0, 0, &a);		/* Q: announced in every refresh */
	for (int k = 0; k < 512; k++) {	/* 512: the generation is back at P's */
		rib_peer_refresh_begin(f.rib, &f.peers[0]);
		add_nth(&f, 2, 0, 0, &a);
	}
	sweep_all(&f, 0, 10);
	ck_assert(!has_path(&f, 1, 0, 0));
	ck_assert(has_path(&f, 2, 0, 0));
	fx_fini(&f);
}
END_TEST

/* Generations 0..255 all in use at once, then each wrap: exactly what was
 * announced since the last BoRR survives the sweep. */
START_TEST(generations_wrap_without_losing_fresh_paths)
{
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	for (uint32_t k = 0; k < 300; k++) {
		rib_peer_refresh_begin(f.rib, &f.peers[0]);
		add_nth(&f, k, 0, 0, &a);
		add_nth(&f, 1000, 0, 0, &a);
		if (k % 100 == 99) {
			sweep_all(&f, 0, 7);
			ck_assert_uint_eq(rib_peer_npaths(f.rib, &f.peers[0]), 2);
			ck_assert(has_path(&f, k, 0, 0));
		}
	}
	fx_fini(&f);
}
END_TEST

START_TEST(an_unregistered_or_empty_peer_is_harmless)
{
	struct rib_peer stranger = { .addr = 0x0a0000ee };
	struct fx f;
	size_t swept = 0;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	rib_peer_refresh_begin(f.rib, &stranger);
	ck_assert(!rib_peer_sweep(f.rib, &stranger, 10, &swept));
	rib_peer_refresh_begin(f.rib, &f.peers[0]);
	ck_assert(!rib_peer_sweep(f.rib, &f.peers[0], 10, &swept));
	ck_assert(!rib_peer_sweep(f.rib, &f.peers[0], 10, NULL));
	ck_assert_uint_eq(swept, 0);
	fx_fini(&f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		what_is_not_announced_again_is_swept,
		add_path_ids_are_swept_one_by_one,
		a_sweep_is_chunked_and_a_new_borr_finishes_it,
		endless_borrs_never_revive_a_stale_path,
		generations_wrap_without_losing_fresh_paths,
		an_unregistered_or_empty_peer_is_harmless,
	};

	return unit_run("rib_refresh", tests, UNIT_COUNT(tests));
}
