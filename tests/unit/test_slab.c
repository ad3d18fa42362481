/*
 * tests/unit/test_slab.c - the slab hands out zeroed, aligned, distinct
 * objects by index that stay put, reuses freed ones before growing, walks
 * the live ones while they come and go, and survives a long random mix of
 * allocations and frees with every object intact; growing to a million
 * objects leaves no holes in the heap behind it.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/slab.h"
#include "tests/unit/unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

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
		{ 1, 8 }, { 8, 8 }, { 13, 16 }, { 24, 24 }, { 72, 72 }, { 89, 96 },
	};

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct slab s;
		uint32_t idx;
		uint8_t *p;

		slab_init(&s, cases[i].in, 4);
		ck_assert_uint_eq(s.objsize, cases[i].out);
		ck_assert_ptr_nonnull(p = slab_alloc(&s, &idx));
		ck_assert_uint_eq((uintptr_t)p % 8, 0);
		ck_assert(is_zero(p, cases[i].in));
		memset(p, 0xa5, cases[i].in);	/* all its bytes are ours (ASan) */
		slab_fini(&s);
	}
}
END_TEST

START_TEST(records_of_32_bit_fields_pack_at_4_bytes_and_keep_it_after_fini)
{
	static const struct { size_t in, align, out; } cases[] = {
		{ 1, 4, 4 }, { 36, 4, 36 }, { 37, 4, 40 }, { 36, 8, 40 }, { 36, 2, 40 },
		{ 36, 16, 40 }, { 28, 4, 28 },
	};

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		uint32_t idx[3];
		uint8_t *p[3];
		struct slab s;

		slab_init_align(&s, cases[i].in, cases[i].align, 2);	/* two chunks */
		ck_assert_uint_eq(s.objsize, cases[i].out);
		for (int j = 0; j < 3; j++) {
			ck_assert_ptr_nonnull(p[j] = slab_alloc(&s, &idx[j]));
			ck_assert_uint_eq((uintptr_t)p[j] % 4, 0);
			ck_assert(is_zero(p[j], cases[i].in));
			memset(p[j], 0xa5, cases[i].in);	/* all its bytes are ours (ASan) */
		}
		ck_assert_ptr_eq(p[1], p[0] + cases[i].out);	/* packed in a chunk */
		slab_free(&s, idx[0]);
		ck_assert(!slab_is_live(&s, idx[0]) && slab_is_live(&s, idx[1]) &&
		    slab_is_live(&s, idx[2]));
		ck_assert(!slab_is_live(&s, 0) && !slab_is_live(&s, 5) && !slab_is_live(&s, UINT32_MAX));
		ck_assert_ptr_eq(slab_alloc(&s, &idx[0]), p[0]);	/* the link fits */
		ck_assert(slab_is_live(&s, idx[0]));
		slab_fini(&s);
		ck_assert_uint_eq(s.objsize, cases[i].out);
	}
}
END_TEST

START_TEST(indices_from_1_name_objects_that_stay_put_across_chunks)
{
	enum { N = 1000 };
	uint32_t idx[N];
	struct obj *v[N];
	struct slab s;

	slab_init(&s, sizeof(struct obj), 3);	/* 334 chunks */
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(v[i] = slab_alloc(&s, &idx[i]));
		ck_assert_uint_eq(idx[i], i + 1);		/* dense, 0 never used */
		ck_assert(is_zero(v[i], sizeof(*v[i])));
		obj_mark(v[i], i);
	}
	ck_assert_uint_eq(slab_live(&s), N);
	ck_assert_uint_eq(slab_bytes(&s), (N + 2) / 3 * 3 * sizeof(struct obj));
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_eq(slab_at(&s, idx[i]), v[i]);
		obj_check(v[i], i);
	}
	slab_fini(&s);
	ck_assert_uint_eq(slab_live(&s), 0);
	ck_assert_uint_eq(slab_bytes(&s), 0);
}
END_TEST

START_TEST(a_freed_object_comes_back_first_and_zeroed)
{
	struct slab s;
	uint32_t a, b, c, d;
	struct obj *o;
	size_t bytes;

	slab_init(&s, sizeof(struct obj), 2);
	ck_assert_ptr_nonnull(o = slab_alloc(&s, &a));
	obj_mark(o, 1);
	ck_assert_ptr_nonnull(o = slab_alloc(&s, &b));
	obj_mark(o, 2);
	bytes = slab_bytes(&s);
	slab_free(&s, a);
	slab_free(&s, 0);				/* ignored */
	ck_assert_uint_eq(slab_live(&s), 1);
	obj_check(slab_at(&s, b), 2);
	slab_free(&s, b);
	ck_assert_ptr_nonnull(o = slab_alloc(&s, &c));
	ck_assert_uint_eq(c, b);			/* last freed, first reused */
	ck_assert(is_zero(o, sizeof(*o)));		/* the free-list link is gone too */
	ck_assert_ptr_nonnull(slab_alloc(&s, &d));
	ck_assert_uint_eq(d, a);
	ck_assert_uint_eq(slab_bytes(&s), bytes);	/* the chunk was full: no growth */
	slab_fini(&s);
}
END_TEST

/* Collect the walk's indices (at most cap). */
static size_t
walk_all(const struct slab *s, uint32_t *v, size_t cap)
{
	uint32_t idx = 0;
	size_t n = 0;

	while (slab_next(s, &idx) != NULL && n < cap)
		v[n++] = idx;
	return n;
}

START_TEST(the_walk_sees_live_objects_in_index_order_and_skips_freed_ones)
{
	enum { N = 200 };
	uint32_t idx[N], seen[N];
	struct slab s;
	struct obj *o;
	size_t n;

	slab_init(&s, sizeof(struct obj), 7);
	ck_assert_uint_eq(walk_all(&s, seen, N), 0);		/* empty */
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(o = slab_alloc(&s, &idx[i]));
		obj_mark(o, i);
	}
	for (uint32_t i = 0; i < N; i++)
		if (i % 64 != 5 && i % 3 != 0)			/* whole words and odd bits */
			slab_free(&s, idx[i]);
	n = walk_all(&s, seen, N);
	ck_assert_uint_eq(n, slab_live(&s));
	for (size_t k = 0, i = 0; i < N; i++)
		if (i % 64 == 5 || i % 3 == 0) {
			ck_assert_uint_eq(seen[k++], idx[i]);
			obj_check(slab_at(&s, idx[i]), (uint32_t)i);
		}
	slab_fini(&s);
}
END_TEST

/*
 * The walk with frees and allocations in between, the current object freed
 * included: what was live throughout is seen exactly once, what was freed
 * before its turn is not, and freed slots reused meanwhile do not derail it.
 */
START_TEST(freeing_and_reusing_while_walking_keeps_the_walk_exact)
{
	enum { N = 300 };
	uint32_t idx[N], cur = 0, extra;
	unsigned seen[N + 1] = { 0 };
	bool gone[N + 1] = { false }, throughout[N + 1] = { false };
	struct slab s;
	struct obj *o;

	slab_init(&s, sizeof(struct obj), 16);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(o = slab_alloc(&s, &idx[i]));
		obj_mark(o, idx[i]);
		throughout[idx[i]] = true;
	}
	while ((o = slab_next(&s, &cur)) != NULL) {
		ck_assert(!gone[cur]);
		obj_check(o, cur);
		seen[cur]++;
		if (cur % 5 == 0) {				/* the current one goes */
			slab_free(&s, cur);
			gone[cur] = true;
			throughout[cur] = false;
		}
		if (cur + 7 <= N && !gone[cur + 7] && (cur + 7) % 2 == 0) {	/* one ahead goes */
			slab_free(&s, cur + 7);
			gone[cur + 7] = true;
			throughout[cur + 7] = false;
			ck_assert_ptr_nonnull(o = slab_alloc(&s, &extra));	/* and comes back */
			ck_assert_uint_eq(extra, cur + 7);
			obj_mark(o, extra);
			gone[extra] = false;
		}
	}
	for (uint32_t i = 1; i <= N; i++) {
		if (throughout[i])
			ck_assert_uint_eq(seen[i], 1);
		ck_assert_uint_le(seen[i], 1);
	}
	slab_fini(&s);
}
END_TEST

/* Random allocations and frees against a model: every live object keeps its
 * content (no two share memory), the walk sees exactly the live ones, and the
 * slab never holds more chunks than the most objects ever live at once need. */
START_TEST(a_random_mix_keeps_every_object_and_bounds_the_chunks)
{
	enum { MAXLIVE = 3000, OPS = 100000, PER = 32 };
	uint32_t *live = calloc(MAXLIVE, sizeof(*live)), *ids = calloc(MAXLIVE, sizeof(*ids));
	uint32_t next_id = 1, x = 777, idx = 0;
	size_t n = 0, peak = 0, walked = 0;
	struct slab s;
	struct obj *o;

	slab_init(&s, sizeof(struct obj), PER);
	for (int op = 0; op < OPS; op++) {
		x = x * 1103515245u + 12345u;
		if (n > 0 && (n == MAXLIVE || (x >> 16) % 100 < (op < OPS / 2 ? 45 : 55))) {
			size_t i = (x >> 8) % n;

			obj_check(slab_at(&s, live[i]), ids[i]);
			slab_free(&s, live[i]);
			live[i] = live[--n], ids[i] = ids[n];
		} else {
			ck_assert_ptr_nonnull(o = slab_alloc(&s, &live[n]));
			ck_assert_uint_ne(live[n], 0);
			ck_assert(is_zero(o, sizeof(*o)));
			obj_mark(o, ids[n] = next_id++);
			if (++n > peak)
				peak = n;
		}
	}
	for (size_t i = 0; i < n; i++)
		obj_check(slab_at(&s, live[i]), ids[i]);
	while (slab_next(&s, &idx) != NULL)
		walked++;
	ck_assert_uint_eq(walked, n);
	ck_assert_uint_eq(slab_live(&s), n);
	ck_assert_uint_le(slab_bytes(&s), (peak + PER - 1) / PER * PER * sizeof(struct obj));
	slab_fini(&s);
	free(live);
	free(ids);
}
END_TEST

/* Free bytes inside glibc's heap (holes and the top); 0 under ASan, whose
 * allocator leaves the heap alone and moves every realloc. */
static size_t
heap_free_bytes(void)
{
#ifdef TEST_ASAN
	return 0;
#else
	return mallinfo2().fordblks;
#endif
}

/*
 * A million objects, as the FIB's routes at a full table, with the rest of
 * the daemon allocating small things between chunks: the slab's bookkeeping
 * moves a handful of times, not once per chunk, and (glibc) what it leaves
 * free in the heap is not megabytes of holes that stay resident. It used to
 * realloc a bitmap by 128 bytes per chunk behind each new chunk: 11 MB of
 * holes in the daemon at 1M routes (doc/benchmarks.md).
 */
START_TEST(growing_to_a_million_objects_leaves_no_holes_behind)
{
	enum { N = 1000000, PER = 1024, NOTHER = N / PER + 1 };
	void **other = calloc(NOTHER, sizeof(*other));
	unsigned char **prev = NULL;
	size_t moves = 0, nother = 0, free0;
	struct slab s;
	uint32_t idx;

	ck_assert_ptr_nonnull(other);
	free0 = heap_free_bytes();
	slab_init(&s, 48, PER);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert_ptr_nonnull(slab_alloc(&s, &idx));
		if (s.chunks != prev)
			moves++, prev = s.chunks;
		if (i % PER == 0)
			ck_assert_ptr_nonnull(other[nother++] = malloc(64));
	}
	ck_assert_uint_le(moves, 8);		/* 8, 16, ..., 1024 chunks */
	ck_assert_uint_le(heap_free_bytes(), free0 + 1024 * 1024);
	slab_fini(&s);
	for (size_t i = 0; i < nother; i++)
		free(other[i]);
	free(other);
}
END_TEST

START_TEST(a_slab_too_big_to_exist_fails_cleanly_and_fini_makes_it_new)
{
	struct slab s;
	uint32_t idx;

	slab_init(&s, SIZE_MAX / 4, 8);		/* per_chunk x objsize overflows */
	errno = 0;
	ck_assert_ptr_null(slab_alloc(&s, &idx));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(slab_live(&s), 0);
	slab_fini(&s);
	slab_init(&s, 8, UINT32_MAX);		/* its indices would not fit 32 bits */
	errno = 0;
	ck_assert_ptr_null(slab_alloc(&s, &idx));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(slab_bytes(&s), 0);
	slab_fini(&s);
	slab_init(&s, sizeof(struct obj), 4);
	ck_assert_ptr_nonnull(slab_alloc(&s, &idx));
	slab_fini(&s);				/* with it live: gone with its chunk */
	ck_assert_ptr_nonnull(slab_alloc(&s, &idx));	/* usable again, as new */
	ck_assert_uint_eq(idx, 1);
	ck_assert_uint_eq(slab_live(&s), 1);
	slab_fini(&s);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		sizes_round_up_to_pointer_alignment,
		records_of_32_bit_fields_pack_at_4_bytes_and_keep_it_after_fini,
		indices_from_1_name_objects_that_stay_put_across_chunks,
		a_freed_object_comes_back_first_and_zeroed,
		the_walk_sees_live_objects_in_index_order_and_skips_freed_ones,
		freeing_and_reusing_while_walking_keeps_the_walk_exact,
		a_random_mix_keeps_every_object_and_bounds_the_chunks,
		a_slab_too_big_to_exist_fails_cleanly_and_fini_makes_it_new,
		growing_to_a_million_objects_leaves_no_holes_behind,
	};

	return unit_run("slab", tests, UNIT_COUNT(tests));
}
