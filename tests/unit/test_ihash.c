/*
 * tests/unit/test_ihash.c - the index-linked hash table finds what was added,
 * forgets what was deleted, keeps every object through growth and through
 * reuse of freed slab slots, and costs at most 4 bytes of bucket per object.
 */
#include <stdlib.h>

#include "lib/hmap.h"
#include "lib/ihash.h"
#include "tests/unit/unit.h"

struct rec {
	uint32_t	key;
	uint32_t	link;
	uint32_t	payload;
};

static uint32_t
rec_hash_of(const void *o)
{
	return hash_u32(((const struct rec *)o)->key);
}

struct tab {
	struct slab	s;
	struct ihash	h;
};

static void
tab_init(struct tab *t)
{
	slab_init(&t->s, sizeof(struct rec), 64);
	ihash_init(&t->h, &t->s, offsetof(struct rec, link), rec_hash_of);
}

static void
tab_fini(struct tab *t)
{
	ihash_fini(&t->h);
	slab_fini(&t->s);
}

static uint32_t
tab_find(const struct tab *t, uint32_t key)
{
	for (uint32_t i = ihash_first(&t->h, hash_u32(key)); i != 0; i = ihash_next(&t->h, i))
		if (((const struct rec *)slab_at(&t->s, i))->key == key)
			return i;
	return 0;
}

static uint32_t
tab_add(struct tab *t, uint32_t key)
{
	uint32_t i;
	struct rec *r = slab_alloc(&t->s, &i);

	ck_assert_ptr_nonnull(r);
	r->key = key;
	r->payload = ~key;
	ihash_add(&t->h, i, hash_u32(key));
	return i;
}

static void
tab_del(struct tab *t, uint32_t key)
{
	uint32_t i = tab_find(t, key);

	ck_assert_uint_ne(i, 0);
	ihash_del(&t->h, i, hash_u32(key));
	slab_free(&t->s, i);
}

START_TEST(finds_every_object_through_growth_and_forgets_deleted_ones)
{
	enum { N = 20000 };
	struct tab t;

	tab_init(&t);
	for (uint32_t k = 0; k < N; k++) {
		tab_add(&t, k * 7919u);
		if (k >= 64)		/* a bucket costs 4 bytes: at most one per object */
			ck_assert_uint_le(t.h.mask + 1, t.h.count);
	}
	ck_assert_uint_eq(t.h.count, N);
	for (uint32_t k = 0; k < N; k++) {
		uint32_t i = tab_find(&t, k * 7919u);

		ck_assert_uint_ne(i, 0);
		ck_assert_uint_eq(((struct rec *)slab_at(&t.s, i))->payload, ~(k * 7919u));
	}
	for (uint32_t k = 0; k < N; k += 2)
		tab_del(&t, k * 7919u);
	ck_assert_uint_eq(t.h.count, N / 2);
	for (uint32_t k = 0; k < N; k++)
		ck_assert((tab_find(&t, k * 7919u) != 0) == (k % 2 == 1));
	tab_fini(&t);
}
END_TEST

/* Freed slots come back as new objects under other keys: nothing stale is found. */
START_TEST(reused_slots_carry_only_their_new_key)
{
	enum { N = 3000 };
	struct tab t;

	tab_init(&t);
	for (uint32_t k = 0; k < N; k++)
		tab_add(&t, k);
	for (uint32_t k = 0; k < N; k += 3)
		tab_del(&t, k);
	for (uint32_t k = 0; k < N; k += 3)	/* the freed indices, other keys */
		tab_add(&t, k + 1000000u);
	ck_assert_uint_eq(slab_bytes(&t.s), (N + 63) / 64 * 64 * t.s.objsize);	/* no growth */
	for (uint32_t k = 0; k < N; k++) {
		ck_assert((tab_find(&t, k) != 0) == (k % 3 != 0));
		ck_assert((tab_find(&t, k + 1000000u) != 0) == (k % 3 == 0));
	}
	tab_fini(&t);
}
END_TEST

/* Records with one hash share a bucket; the caller tells them apart; deleting
 * the middle, the head and the tail of a chain keeps the others. */
START_TEST(a_chain_survives_deletes_at_each_end_and_in_between)
{
	struct tab t;
	struct rec *r;
	uint32_t idx[5], i, n;

	tab_init(&t);
	for (uint32_t k = 0; k < 5; k++) {
		ck_assert_ptr_nonnull(r = slab_alloc(&t.s, &idx[k]));
		r->key = k;
		ihash_add(&t.h, idx[k], 42);		/* one hash for all */
	}
	ihash_del(&t.h, idx[2], 42);
	ihash_del(&t.h, idx[4], 42);			/* the head: added last */
	ihash_del(&t.h, idx[0], 42);			/* the tail */
	for (n = 0, i = ihash_first(&t.h, 42); i != 0; i = ihash_next(&t.h, i), n++)
		ck_assert(i == idx[1] || i == idx[3]);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ihash_first(&t.h, 43), 0);
	tab_fini(&t);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		finds_every_object_through_growth_and_forgets_deleted_ones,
		reused_slots_carry_only_their_new_key,
		a_chain_survives_deletes_at_each_end_and_in_between,
	};

	return unit_run("ihash", tests, UNIT_COUNT(tests));
}
