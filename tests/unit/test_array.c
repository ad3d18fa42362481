/*
 * tests/unit/test_array.c - array_grow: doubling, no-op with room, overflow.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/array.h"
#include "tests/unit/unit.h"

START_TEST(grows_by_doubling_and_keeps_contents)
{
	uint32_t *v = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t i = 0; i < 1000; i++) {
		ck_assert_int_eq(ARRAY_GROW(v, n, cap, 4), 0);
		ck_assert_uint_gt(cap, n);
		v[n++] = i;
	}
	ck_assert_uint_eq(cap, 1024);			/* 4, 8, ... 1024 */
	for (uint32_t i = 0; i < 1000; i++)
		ck_assert_uint_eq(v[i], i);
	free(v);
}
END_TEST

START_TEST(room_left_changes_nothing)
{
	uint32_t *v = malloc(8 * sizeof(*v)), *before = v;
	size_t cap = 8;

	ck_assert_int_eq(ARRAY_GROW(v, 7, cap, 4), 0);
	ck_assert_ptr_eq(v, before);
	ck_assert_uint_eq(cap, 8);
	free(v);
}
END_TEST

START_TEST(overflow_fails_and_leaves_the_array)
{
	uint64_t *v = malloc(sizeof(*v)), *before = v;
	size_t cap = SIZE_MAX / 2 + 1;			/* doubling wraps */

	ck_assert_int_eq(ARRAY_GROW(v, cap, cap, 4), -ENOMEM);
	ck_assert_ptr_eq(v, before);
	ck_assert_uint_eq(cap, SIZE_MAX / 2 + 1);
	cap = SIZE_MAX / 8;				/* doubled times 8 bytes overflows */
	ck_assert_int_eq(ARRAY_GROW(v, cap, cap, 4), -ENOMEM);
	ck_assert_ptr_eq(v, before);
	free(v);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		grows_by_doubling_and_keeps_contents,
		room_left_changes_nothing,
		overflow_fails_and_leaves_the_array,
	};

	return unit_run("array", tests, UNIT_COUNT(tests));
}
