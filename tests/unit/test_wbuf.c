/*
 * tests/unit/test_wbuf.c - the write buffer grows, stops at its maximum,
 * and keeps its first error.
 */
#include <errno.h>
#include <string.h>

#include "lib/cursor.h"
#include "lib/wbuf.h"
#include "tests/unit/unit.h"

START_TEST(writes_big_endian_and_reads_back_through_a_cursor)
{
	struct wbuf w;
	struct cursor c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	wbuf_init(&w, 4096);
	wbuf_put_u8(&w, 0xfe);
	wbuf_put_u16(&w, 0x1234);
	wbuf_put_u32(&w, 0xdeadbeef);
	wbuf_put_u64(&w, 0x0102030405060708ULL);
	ck_assert_int_eq(wbuf_error(&w), 0);
	ck_assert_uint_eq(wbuf_len(&w), 15);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(cur_u8(&c, &u8), 0);
	ck_assert_int_eq(cur_u16(&c, &u16), 0);
	ck_assert_int_eq(cur_u32(&c, &u32), 0);
	ck_assert_int_eq(cur_u64(&c, &u64), 0);
	ck_assert_uint_eq(u8, 0xfe);
	ck_assert_uint_eq(u16, 0x1234);
	ck_assert_uint_eq(u32, 0xdeadbeef);
	ck_assert(u64 == 0x0102030405060708ULL);
	wbuf_free(&w);
}
END_TEST

START_TEST(grows_across_many_reallocations)
{
	struct wbuf w;

	wbuf_init(&w, 1 << 20);
	for (uint32_t i = 0; i < 100000; i++)
		wbuf_put_u32(&w, i);
	ck_assert_int_eq(wbuf_error(&w), 0);
	ck_assert_uint_eq(wbuf_len(&w), 400000);
	ck_assert_uint_eq(wbuf_data(&w)[399999], 99999 & 0xff);
	wbuf_free(&w);
}
END_TEST

START_TEST(maximum_is_exact_and_error_is_sticky)
{
	uint8_t blob[10] = { 0 };
	struct wbuf w;

	wbuf_init(&w, 10);
	ck_assert_int_eq(wbuf_put(&w, blob, 10), 0);		/* exactly the maximum */
	ck_assert_int_eq(wbuf_put_u8(&w, 1), -ENOBUFS);		/* one more is refused */
	ck_assert_uint_eq(wbuf_len(&w), 10);
	wbuf_reset(&w);
	ck_assert_int_eq(wbuf_put(&w, blob, 8), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 7), -ENOBUFS);	/* would pass max: nothing written */
	ck_assert_uint_eq(wbuf_len(&w), 8);
	ck_assert_int_eq(wbuf_put_u8(&w, 1), -ENOBUFS);		/* fits, but the error sticks */
	ck_assert_int_eq(wbuf_error(&w), -ENOBUFS);
	wbuf_reset(&w);
	ck_assert_int_eq(wbuf_error(&w), 0);
	ck_assert_int_eq(wbuf_put(&w, blob, SIZE_MAX), -ENOBUFS);	/* no wrap-around */
	wbuf_free(&w);
}
END_TEST

START_TEST(reserved_length_is_patched_in_place)
{
	struct wbuf w;
	size_t off;

	wbuf_init(&w, 64);
	wbuf_put_u8(&w, 0xaa);
	ck_assert_int_eq(wbuf_reserve(&w, 2, &off), 0);
	ck_assert_uint_eq(off, 1);
	wbuf_put_u32(&w, 1);
	ck_assert_int_eq(wbuf_set_u16_at(&w, off, (uint16_t)(wbuf_len(&w) - 3)), 0);
	ck_assert_uint_eq(wbuf_data(&w)[1], 0);
	ck_assert_uint_eq(wbuf_data(&w)[2], 4);
	ck_assert_int_eq(wbuf_set_u16_at(&w, wbuf_len(&w) - 1, 1), -EINVAL);	/* half outside */
	ck_assert_int_eq(wbuf_set_u32_at(&w, wbuf_len(&w), 1), -EINVAL);
	ck_assert_int_eq(wbuf_set_u32_at(&w, SIZE_MAX, 1), -EINVAL);
	ck_assert_int_eq(wbuf_set_u32_at(&w, 3, 0x01020304), 0);
	ck_assert_uint_eq(wbuf_data(&w)[6], 4);
	wbuf_truncate(&w, 3);			/* drop a half-written tail */
	ck_assert_uint_eq(wbuf_len(&w), 3);
	wbuf_truncate(&w, 100);			/* never grows */
	ck_assert_uint_eq(wbuf_len(&w), 3);
	wbuf_free(&w);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		writes_big_endian_and_reads_back_through_a_cursor,
		grows_across_many_reallocations,
		maximum_is_exact_and_error_is_sticky,
		reserved_length_is_patched_in_place,
	};

	return unit_run("wbuf", tests, UNIT_COUNT(tests));
}
