/*
 * tests/unit/test_fib_queue.c - the FIB's lists (rib/fib_int.h, struct
 * fib_queue): rings of handles where leaving a list leaves a dead entry.
 * What must hold: a list yields every object on it exactly once, the ones
 * that never left in the order they came; churn does not grow a ring
 * without bound; a list that empties gives a big ring back; a route that
 * waits for a group leaves that group's list when it is pointed elsewhere.
 * Run on an offline FIB (fib_new_offline): nothing is sent, nothing is
 * flushed, so the lists hold exactly what the test puts there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "rib/fib_int.h"
#include "tests/unit/unit.h"

enum { NR = 1500 };	/* more than FIB_QUEUE_KEEP */

static struct fib *f;
static struct fib_route *r[NR];

static struct prefix
pfx(int i)
{
	return (struct prefix){ 0x0a000000u | (uint32_t)i << 8, 24 };
}

static void
setup_routes(void)
{
	struct fib_nh nh = { .gateway = 0xc0a80001u, .ifindex = 2, .weight = 1 };

	f = fib_new_offline(&(struct fib_opts){ 0 });
	for (int i = 0; i < NR; i++) {
		struct prefix p = pfx(i);

		ck_assert_int_eq(fib_route_set(f, &p, &nh, 1, 0, 0), 0);
	}
	for (int i = 0; i < NR; i++) {	/* after: the slab does not move them */
		struct prefix p = pfx(i);

		ck_assert_ptr_nonnull(r[i] = fib_route_find(f, &p));
	}
}

static int
route_no(const struct fib_obj *o)
{
	for (int i = 0; i < NR; i++)
		if (&r[i]->o == o)
			return i;
	ck_abort_msg("an object that is no route of the test");
	return -1;
}

/* Take everything off q (to no list) in the order it comes; how many. */
static int
drain(struct fib_queue *q, int *order, bool *seen)
{
	struct fib_obj *o;
	int n = 0;

	while ((o = fib_queue_first(f, q)) != NULL) {
		int i = route_no(o);

		ck_assert_msg(!seen[i], "route %d came twice", i);
		seen[i] = true;
		order[n++] = i;
		fib_obj_queue(f, o, FIB_L_NONE);
	}
	ck_assert(fib_queue_empty(q));
	return n;
}

START_TEST(a_list_yields_each_object_once_and_the_steady_ones_in_order)
{
	static bool on[NR], seen[NR];
	static int order[NR];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int n = 0, last = -1;

	setup_routes();
	for (int i = 0; i < NR; i++)
		if (i % 3 == 0) {		/* the steady ones: never leave */
			fib_obj_queue(f, &r[i]->o, FIB_L_RETRY);
			on[i] = true;
		}
	for (int k = 0; k < 50000; k++) {	/* the others come and go */
		int i;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if ((i = (int)(x % NR)) % 3 == 0)
			continue;
		on[i] = !on[i];
		fib_obj_queue(f, &r[i]->o, on[i] ? FIB_L_RETRY : FIB_L_STALE);
		ck_assert_uint_le(f->retry.cap, 4 * NR + 64);	/* compacted, not grown */
	}
	for (int i = 0; i < NR; i++)
		n += on[i];
	ck_assert_uint_eq(f->retry.live, (unsigned)n);
	ck_assert_int_eq(drain(&f->retry, order, seen), n);
	for (int i = 0; i < NR; i++)
		ck_assert_msg(seen[i] == on[i], "route %d: on the list %d, drained %d", i, on[i], seen[i]);
	for (int k = 0; k < n; k++)
		if (order[k] % 3 == 0) {
			ck_assert_int_gt(order[k], last);	/* the steady ones in order */
			last = order[k];
		}
	fib_free(f, false);
}
END_TEST

START_TEST(churn_behind_a_head_that_stays_keeps_the_ring_small)
{
	setup_routes();
	fib_obj_queue(f, &r[0]->o, FIB_L_RETRY);	/* never taken off */
	for (int k = 0; k < 200000; k++)		/* one route in and out */
		fib_obj_queue(f, &r[1]->o, k % 2 ? FIB_L_NONE : FIB_L_RETRY);
	ck_assert_uint_eq(f->retry.live, 1);
	ck_assert_uint_le(f->retry.cap, 64);
	ck_assert_ptr_eq(fib_queue_first(f, &f->retry), &r[0]->o);
	fib_free(f, false);
}
END_TEST

START_TEST(an_emptied_big_list_gives_its_ring_back)
{
	setup_routes();
	ck_assert_uint_eq(f->dirty[FIB_K_ROUTE].live, NR);	/* fib_route_set queued them */
	ck_assert_uint_gt(f->dirty[FIB_K_ROUTE].cap, FIB_QUEUE_KEEP);
	for (int i = 0; i < NR; i++)
		fib_obj_queue(f, &r[i]->o, FIB_L_NONE);
	ck_assert(fib_queue_empty(&f->dirty[FIB_K_ROUTE]));
	ck_assert_ptr_null(fib_queue_first(f, &f->dirty[FIB_K_ROUTE]));
	ck_assert_uint_eq(f->dirty[FIB_K_ROUTE].cap, 0);		/* given back */
	fib_obj_queue(f, &r[7]->o, FIB_L_DIRTY);	/* and is usable again */
	ck_assert_ptr_eq(fib_queue_first(f, &f->dirty[FIB_K_ROUTE]), &r[7]->o);
	fib_free(f, false);
}
END_TEST

START_TEST(a_waiting_route_pointed_at_another_group_leaves_the_first_ones_list)
{
	struct fib_nh other = { .gateway = 0xc0a80002u, .ifindex = 3, .weight = 1 };
	struct prefix p = pfx(5);
	struct fib_grp *g;

	setup_routes();
	g = fib_grp_at(f, r[5]->grp);
	fib_obj_queue(f, &r[5]->o, FIB_L_WAIT);
	fib_obj_queue(f, &r[6]->o, FIB_L_WAIT);
	ck_assert_uint_eq(g->wait.live, 2);
	ck_assert_int_eq(fib_route_set(f, &p, &other, 1, 0, 0), 0);
	ck_assert_ptr_eq(fib_route_find(f, &p), r[5]);
	ck_assert_uint_ne(r[5]->grp, g->h.slot);
	ck_assert_uint_eq(g->wait.live, 1);		/* r[6] still waits there */
	ck_assert_ptr_eq(fib_queue_first(f, &g->wait), &r[6]->o);
	ck_assert_int_ne(r[5]->o.list, FIB_L_WAIT);
	fib_free(f, false);
}
END_TEST

/*
 * A group whose delete was in flight when a route wanted it again is not
 * usable, so the route waits on it. If that delete fails (its answer lost:
 * ENOBUFS), the group is in the kernel and ours with nothing to write, and
 * no write ACK will come to wake the route: the failed ACK must.
 */
/* Routes with nexthop objects; route 3's group and its first nexthop. */
static void
setup_group_of_route_3(struct fib_grp **g, struct fib_nhobj **nh)
{
	setup_routes();
	f->nexthops = true;
	*g = fib_grp_at(f, r[3]->grp);
	*nh = (*g)->m[0].nh;
}

START_TEST(a_route_waiting_on_a_group_whose_delete_failed_is_woken)
{
	struct fib_grp *g;
	struct fib_nhobj *nh;

	setup_group_of_route_3(&g, &nh);
	nh->h.o.in_kernel = g->h.o.in_kernel = true;
	g->h.o.pending = FIB_OP_DEL;		/* sent before r[3] wanted it */
	fib_obj_queue(f, &r[3]->o, FIB_L_WAIT);	/* as the flush job leaves it */
	fib_on_ack(f, &g->h.o, -ENOBUFS, NULL);
	ck_assert(g->h.o.in_kernel && g->h.o.pending == FIB_OP_NONE);	/* usable */
	ck_assert_uint_eq(g->wait.live, 0);
	ck_assert_int_eq(r[3]->o.list, FIB_L_DIRTY);
	fib_free(f, false);
}
END_TEST

/* The same one level down: a group waits for a member nexthop whose delete
 * was in flight when the group wanted it; the delete fails. */
START_TEST(a_group_waiting_on_a_nexthop_whose_delete_failed_is_woken)
{
	struct fib_grp *g;
	struct fib_nhobj *nh;

	setup_group_of_route_3(&g, &nh);
	nh->h.o.in_kernel = true;
	nh->h.o.pending = FIB_OP_DEL;		/* sent before g wanted it */
	fib_obj_queue(f, &g->h.o, FIB_L_NONE);	/* not ready: the flush job leaves it */
	fib_on_ack(f, &nh->h.o, -ENOBUFS, NULL);
	ck_assert(nh->h.o.in_kernel && nh->h.o.pending == FIB_OP_NONE);	/* usable */
	ck_assert_int_eq(g->h.o.list, FIB_L_DIRTY);
	fib_free(f, false);
}
END_TEST

/* ---- randomized: lists, frees and reuse of handles ---- */

static struct fib_queue *
list_of(struct fib_obj *o)
{
	switch (o->list) {
	case FIB_L_DIRTY: return &f->dirty[o->kind];
	case FIB_L_DEL: return &f->del[o->kind];
	case FIB_L_STALE: return &f->stale;
	case FIB_L_RETRY: return &f->retry;
	case FIB_L_WAIT: return &fib_grp_at(f, ((struct fib_route *)o)->grp)->wait;
	default: return NULL;
	}
}

static bool
ring_has(const struct fib_queue *q, uint32_t h)
{
	for (uint32_t i = 0; i < q->len; i++)
		if (q->h[(q->head + i) & (q->cap - 1)] == h)
			return true;
	return false;
}

/* Every object on a list has an entry in its ring; each ring's live is
 * the number of objects on it. */
static void
check_lists(void)
{
	struct fib_queue *qs[2 * FIB_K_COUNT + 2 + 64];
	uint32_t want[2 * FIB_K_COUNT + 2 + 64] = { 0 };
	size_t nq = 0;
	struct fib_route *rt;

	for (int k = 0; k < FIB_K_COUNT; k++)
		qs[nq++] = &f->dirty[k], qs[nq++] = &f->del[k];
	qs[nq++] = &f->stale, qs[nq++] = &f->retry;
	for (struct fib_grp *g = fib_grp_next(f, NULL); g; g = fib_grp_next(f, g)) {
		ck_assert_uint_lt(nq, 2 * FIB_K_COUNT + 2 + 64);
		qs[nq++] = &g->wait;
	}
#define ONE(o, h) do { struct fib_queue *q_ = list_of(o); size_t j_;			\
		if (q_ == NULL) break;							\
		for (j_ = 0; j_ < nq && qs[j_] != q_; j_++)				\
			;								\
		ck_assert_uint_lt(j_, nq);						\
		want[j_]++;								\
		ck_assert_msg(ring_has(q_, (h)), "object %x on list %d has no entry", (h), (o)->list); \
	} while (0)
	for (uint32_t i = 0; (rt = slab_next(&f->route_slab, &i)) != NULL;)
		ONE(&rt->o, i);
	for (struct fib_grp *g = fib_grp_next(f, NULL); g; g = fib_grp_next(f, g))
		ONE(&g->h.o, FIB_H_ID | g->h.slot);
	for (struct hmap_node *x = hmap_next(&f->nhs, NULL); x; x = hmap_next(&f->nhs, x)) {
		struct fib_idobj *h = &fib_nhobj_of(x)->h;
		ONE(&h->o, FIB_H_ID | h->slot);
	}
#undef ONE
	for (size_t j = 0; j < nq; j++)
		ck_assert_uint_eq(qs[j]->live, want[j]);
}

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

/* Free what nobody wants any more (the flush job would). */
static void
release_all(void)
{
	struct fib_route *rt;
	struct hmap_node *x, *nx;

	for (uint32_t i = 0; (rt = slab_next(&f->route_slab, &i)) != NULL;)
		fib_obj_release(f, &rt->o);
	for (x = hmap_next(&f->grps, NULL); x; x = nx) {
		nx = hmap_next(&f->grps, x);
		fib_obj_release(f, &fib_grp_of(x)->h.o);
	}
	for (x = hmap_next(&f->nhs, NULL); x; x = nx) {
		nx = hmap_next(&f->nhs, x);
		fib_obj_release(f, &fib_nhobj_of(x)->h.o);
	}
}

START_TEST(random_churn_keeps_every_list_true_through_frees_and_reuse)
{
	enum { NP = 300, NS = 6, STEPS = 40000 };
	static const enum fib_list to[] = { FIB_L_NONE, FIB_L_DIRTY, FIB_L_DEL, FIB_L_STALE,
	    FIB_L_RETRY, FIB_L_WAIT };
	uint64_t x = 0x2545f4914f6cdd1dull;

	f = fib_new_offline(&(struct fib_opts){ 0 });
	for (int k = 0; k < STEPS; k++) {
		uint64_t v = rnd(&x);
		struct prefix p = pfx((int)(v % NP));
		struct fib_route *rt = fib_route_find(f, &p);
		struct fib_nh nh = { .gateway = 0xc0a80001u + (uint32_t)(v >> 16) % NS,
		    .ifindex = 2, .weight = 1 };

		switch ((v >> 8) % 8) {
		case 0: case 1:
			ck_assert_int_eq(fib_route_set(f, &p, &nh, 1, 0, 0), 0);
			break;
		case 2:
			fib_route_del(f, &p, 0);
			break;
		case 3:
			release_all();		/* handles freed, to be reused */
			break;
		case 4: case 5:
			if (rt != NULL && (to[(v >> 24) % 6] != FIB_L_WAIT || rt->grp != 0))
				fib_obj_queue(f, &rt->o, to[(v >> 24) % 6]);
			break;
		case 6: {			/* a list's head is taken */
			struct fib_queue *q = (v >> 24) % 2 ? &f->retry : &f->dirty[FIB_K_ROUTE];
			struct fib_obj *o = fib_queue_first(f, q);

			if (o != NULL)
				fib_obj_queue(f, o, FIB_L_NONE);
			break;
		}
		case 7:
			if (rt != NULL && rt->grp != 0) {	/* its group's waiting routes */
				struct fib_grp *g = fib_grp_at(f, rt->grp);
				struct fib_obj *o;

				while ((o = fib_queue_first(f, &g->wait)) != NULL)
					fib_obj_queue(f, o, FIB_L_RETRY);
			}
			break;
		}
		if (k % 97 == 0)
			check_lists();
	}
	check_lists();
	fib_free(f, false);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		a_list_yields_each_object_once_and_the_steady_ones_in_order,
		churn_behind_a_head_that_stays_keeps_the_ring_small,
		an_emptied_big_list_gives_its_ring_back,
		a_waiting_route_pointed_at_another_group_leaves_the_first_ones_list,
		a_route_waiting_on_a_group_whose_delete_failed_is_woken,
		a_group_waiting_on_a_nexthop_whose_delete_failed_is_woken,
		random_churn_keeps_every_list_true_through_frees_and_reuse,
	};

	return unit_run("fib_queue", tests, UNIT_COUNT(tests));
}
