/*
 * tests/unit/test_slab.c - the slab hands out zeroed, aligned, distinct
 * objects that stay put, reuses freed ones before growing, and survives a
 * long random mix of allocations and frees with every object intact.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/slab.h"
#include "tests/unit/unit.h"

struct obj {
	uint32_t	id;
	uint8_t		fill[20];	/* 24 bytes in all: a multiple of 8 */
};

static bool
is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
obj_mark(struct obj *o, uint32_t id)
{
	o->id = id;
	memset(o->fill, (int)(id & 0xff), sizeof(o->fill));
}

static void
obj_check(const struct obj *o, uint32_t id)
{
	ck_assert_uint_eq(o->id, id);
	for (size_t i = 0; i < sizeof(o->fill); i++)
		ck_assert_uint_eq(o->fill[i], id & 0xff);
}

START_TEST(sizes_round_up_to_pointer_alignment)
{
	static const struct { size_t in, out; } cases[] = {
		{ 1, 8 }, { 8, 8 }, { 13, 16 }, { 40, 40 }, { 88, 88 }, { 89, 96 },
	};

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct slab s;
		uint8_t *p;

		slab_init(&s, cases[i].in, 4);
		ck_assert_uint_eq(s.objsize, cases[i].out);
		ck_assert_ptr_nonnull(p = slab_alloc(&s));
		ck_assert_uint_eq((uintptr_t)p % 8, 0);
		ck_assert(is_zero(p, cases[i].in));
		memset(p, 0xa5, cases[i].in);	/* all its bytes are ours (ASan) */
		slab_fini(&s);
	}
}
END_TEST

START_TEST(objects_stay_put_and_intact_across_many_chunks)
{
	enum { N = 1000 };
	struct obj *v[N];
	struct slab s;

	slab_init(&s, sizeof(struct obj), 3);	/* 334 chunks */
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(v[i] = slab_alloc(&s));
		ck_assert(is_zero(v[i], sizeof(*v[i])));
		obj_mark(v[i], i);
	}
	ck_assert_uint_eq(slab_live(&s), N);
	ck_assert_uint_eq(slab_bytes(&s), (N + 2) / 3 * 3 * sizeof(struct obj));
	for (uint32_t i = 0; i < N; i++)
		obj_check(v[i], i);
	slab_fini(&s);
	ck_assert_uint_eq(slab_live(&s), 0);
	ck_assert_uint_eq(slab_bytes(&s), 0);
}
END_TEST

START_TEST(a_freed_object_comes_back_zeroed_before_any_new_one)
{
	struct slab s;
	struct obj *a, *b, *c;
	size_t bytes;

	slab_init(&s, sizeof(struct obj), 2);
	ck_assert_ptr_nonnull(a = slab_alloc(&s));
	ck_assert_ptr_nonnull(b = slab_alloc(&s));
	obj_mark(a, 1);
	obj_mark(b, 2);
	bytes = slab_bytes(&s);
	slab_free(&s, a);
	slab_free(&s, NULL);			/* ignored */
	ck_assert_uint_eq(slab_live(&s), 1);
	ck_assert_ptr_eq(c = slab_alloc(&s), a);	/* the chunk is full: reuse, no growth */
	ck_assert(is_zero(c, sizeof(*c)));		/* the free-list link is gone too */
	ck_assert_uint_eq(slab_bytes(&s), bytes);
	obj_check(b, 2);
	slab_free(&s, b);
	slab_free(&s, c);
	ck_assert_ptr_eq(slab_alloc(&s), c);		/* last freed, first reused */
	ck_assert_ptr_eq(slab_alloc(&s), b);
	ck_assert_uint_eq(slab_bytes(&s), bytes);
	slab_fini(&s);
}
END_TEST

/* The caller walks its own list of objects and frees some on the way: the
 * others are untouched, and the freed slots are reused before any growth. */
START_TEST(freeing_while_walking_keeps_the_rest_and_reuses_the_slots)
{
	enum { N = 300 };
	struct obj *v[N];
	struct slab s;
	size_t bytes;

	slab_init(&s, sizeof(struct obj), 16);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(v[i] = slab_alloc(&s));
		obj_mark(v[i], i);
	}
	bytes = slab_bytes(&s);
	for (uint32_t i = 0; i < N; i++)
		if (i % 3 != 1) {
			obj_check(v[i], i);
			slab_free(&s, v[i]);
			v[i] = NULL;
		} else if (i + 1 < N)
			obj_check(v[i + 1], i + 1);	/* the next one, not freed yet */
	for (uint32_t i = 0; i < N; i++)
		if (v[i] != NULL)
			obj_check(v[i], i);
	ck_assert_uint_eq(slab_live(&s), N / 3);
	for (uint32_t i = 0; i < N; i++)
		if (v[i] == NULL) {
			ck_assert_ptr_nonnull(v[i] = slab_alloc(&s));
			obj_mark(v[i], i + N);
		}
	ck_assert_uint_eq(slab_bytes(&s), bytes);	/* all from the freed slots */
	for (uint32_t i = 0; i < N; i++)
		obj_check(v[i], i % 3 == 1 ? i : i + N);
	slab_fini(&s);
}
END_TEST

/* Random allocations and frees against a model: every live object keeps its
 * content (no two share memory) and the slab never holds more chunks than the
 * most objects ever live at once need. */
START_TEST(a_random_mix_keeps_every_object_and_bounds_the_chunks)
{
	enum { MAXLIVE = 5000, OPS = 200000, PER = 64 };
	struct obj **live = calloc(MAXLIVE, sizeof(*live));
	uint32_t *ids = calloc(MAXLIVE, sizeof(*ids)), next_id = 1, x = 12345;
	size_t n = 0, peak = 0;
	struct slab s;

	slab_init(&s, sizeof(struct obj), PER);
	for (int op = 0; op < OPS; op++) {
		x = x * 1103515245u + 12345u;
		if (n > 0 && (n == MAXLIVE || (x >> 16) % 100 < (op < OPS / 2 ? 45 : 55))) {
			size_t i = (x >> 8) % n;

			obj_check(live[i], ids[i]);
			slab_free(&s, live[i]);
			live[i] = live[--n], ids[i] = ids[n];
		} else {
			ck_assert_ptr_nonnull(live[n] = slab_alloc(&s));
			ck_assert(is_zero(live[n], sizeof(struct obj)));
			obj_mark(live[n], ids[n] = next_id++);
			if (++n > peak)
				peak = n;
		}
		ck_assert_uint_eq(slab_live(&s), n);
	}
	for (size_t i = 0; i < n; i++)
		obj_check(live[i], ids[i]);
	ck_assert_uint_le(slab_bytes(&s), (peak + PER - 1) / PER * PER * sizeof(struct obj));
	slab_fini(&s);
	free(live);
	free(ids);
}
END_TEST

START_TEST(indices_name_objects_from_1_and_survive_growth)
{
	enum { N = 1000 };
	uint32_t idx[N];
	struct obj *v[N];
	struct slab s;

	slab_init(&s, sizeof(struct obj), 3);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(v[i] = slab_alloc_at(&s, &idx[i]));
		ck_assert_uint_eq(idx[i], i + 1);		/* dense, 0 never used */
		ck_assert(is_zero(v[i], sizeof(*v[i])));
		obj_mark(v[i], i);
	}
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_eq(slab_at(&s, idx[i]), v[i]);
		obj_check(slab_at(&s, idx[i]), i);
	}
	slab_fini(&s);
}
END_TEST

START_TEST(a_freed_index_comes_back_first_and_zeroed)
{
	struct slab s;
	uint32_t a, b, c, d;
	struct obj *o;
	size_t bytes;

	slab_init(&s, sizeof(struct obj), 4);
	ck_assert_ptr_nonnull(o = slab_alloc_at(&s, &a));
	obj_mark(o, 1);
	ck_assert_ptr_nonnull(o = slab_alloc_at(&s, &b));
	obj_mark(o, 2);
	bytes = slab_bytes(&s);
	slab_free_at(&s, a);
	slab_free_at(&s, 0);				/* ignored */
	ck_assert_uint_eq(slab_live(&s), 1);
	obj_check(slab_at(&s, b), 2);
	slab_free_at(&s, b);
	ck_assert_ptr_nonnull(o = slab_alloc_at(&s, &c));
	ck_assert_uint_eq(c, b);			/* last freed, first reused */
	ck_assert(is_zero(o, sizeof(*o)));		/* the free-list link is gone too */
	ck_assert_ptr_nonnull(slab_alloc_at(&s, &d));
	ck_assert_uint_eq(d, a);
	ck_assert_uint_eq(slab_bytes(&s), bytes);
	slab_fini(&s);
}
END_TEST

/* Each API reuses what it freed; mixing them on one slab stays correct. */
START_TEST(pointer_and_index_frees_go_back_to_their_own_list)
{
	struct slab s;
	uint32_t i1, i2;
	struct obj *p1, *q;

	slab_init(&s, sizeof(struct obj), 8);
	ck_assert_ptr_nonnull(p1 = slab_alloc(&s));
	ck_assert_ptr_nonnull(slab_alloc_at(&s, &i1));
	obj_mark(p1, 7);
	slab_free_at(&s, i1);
	ck_assert_ptr_nonnull(q = slab_alloc(&s));	/* not i1's: a new one */
	ck_assert_ptr_ne(q, slab_at(&s, i1));
	ck_assert_ptr_nonnull(slab_alloc_at(&s, &i2));
	ck_assert_uint_eq(i2, i1);
	slab_free(&s, q);
	ck_assert_ptr_eq(slab_alloc(&s), q);
	obj_check(p1, 7);
	ck_assert_uint_eq(slab_live(&s), 3);
	slab_fini(&s);
}
END_TEST

/* As the random mix above, by index. */
START_TEST(a_random_mix_by_index_keeps_every_object)
{
	enum { MAXLIVE = 3000, OPS = 100000, PER = 32 };
	uint32_t *live = calloc(MAXLIVE, sizeof(*live)), *ids = calloc(MAXLIVE, sizeof(*ids));
	uint32_t next_id = 1, x = 777;
	size_t n = 0, peak = 0;
	struct slab s;
	struct obj *o;

	slab_init(&s, sizeof(struct obj), PER);
	for (int op = 0; op < OPS; op++) {
		x = x * 1103515245u + 12345u;
		if (n > 0 && (n == MAXLIVE || (x >> 16) % 100 < (op < OPS / 2 ? 45 : 55))) {
			size_t i = (x >> 8) % n;

			obj_check(slab_at(&s, live[i]), ids[i]);
			slab_free_at(&s, live[i]);
			live[i] = live[--n], ids[i] = ids[n];
		} else {
			ck_assert_ptr_nonnull(o = slab_alloc_at(&s, &live[n]));
			ck_assert_uint_ne(live[n], 0);
			obj_mark(o, ids[n] = next_id++);
			if (++n > peak)
				peak = n;
		}
	}
	for (size_t i = 0; i < n; i++)
		obj_check(slab_at(&s, live[i]), ids[i]);
	ck_assert_uint_eq(slab_live(&s), n);
	ck_assert_uint_le(slab_bytes(&s), (peak + PER - 1) / PER * PER * sizeof(struct obj));
	slab_fini(&s);
	free(live);
	free(ids);
}
END_TEST

START_TEST(a_slab_too_big_to_exist_fails_cleanly_and_fini_makes_it_new)
{
	struct slab s;
	struct obj *o;

	slab_init(&s, SIZE_MAX / 4, 8);		/* per_chunk x objsize overflows */
	errno = 0;
	ck_assert_ptr_null(slab_alloc(&s));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(slab_live(&s), 0);
	slab_fini(&s);
	slab_init(&s, 8, UINT32_MAX);		/* its indices would not fit 32 bits */
	errno = 0;
	ck_assert_ptr_null(slab_alloc_at(&s, &(uint32_t){ 0 }));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(slab_bytes(&s), 0);
	slab_fini(&s);
	slab_init(&s, sizeof(struct obj), 4);
	ck_assert_ptr_nonnull(o = slab_alloc(&s));
	slab_fini(&s);				/* with o live: gone with its chunk */
	ck_assert_ptr_nonnull(o = slab_alloc(&s));	/* usable again, as new */
	ck_assert_uint_eq(slab_live(&s), 1);
	slab_fini(&s);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		sizes_round_up_to_pointer_alignment,
		objects_stay_put_and_intact_across_many_chunks,
		a_freed_object_comes_back_zeroed_before_any_new_one,
		freeing_while_walking_keeps_the_rest_and_reuses_the_slots,
		a_random_mix_keeps_every_object_and_bounds_the_chunks,
		indices_name_objects_from_1_and_survive_growth,
		a_freed_index_comes_back_first_and_zeroed,
		pointer_and_index_frees_go_back_to_their_own_list,
		a_random_mix_by_index_keeps_every_object,
		a_slab_too_big_to_exist_fails_cleanly_and_fini_makes_it_new,
	};

	return unit_run("slab", tests, UNIT_COUNT(tests));
}
