/*
 * tests/unit/test_cursor.c - the cursor never reads outside its window.
 * Buffers are heap copies of exactly their size, so ASan flags any overread.
 */
#include <stdlib.h>

#include "lib/cursor.h"
#include "tests/unit/unit.h"

#define heap unit_heap

START_TEST(reads_big_endian_and_advances)
{
	static const uint8_t w[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	uint8_t *b = heap(w, sizeof(w)), u8;
	struct cursor c = cur_init(b, sizeof(w));
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	ck_assert_int_eq(cur_u8(&c, &u8), 0);
	ck_assert_uint_eq(u8, 0x01);
	ck_assert_int_eq(cur_u16(&c, &u16), 0);
	ck_assert_uint_eq(u16, 0x0203);
	ck_assert_int_eq(cur_u32(&c, &u32), 0);
	ck_assert_uint_eq(u32, 0x04050607);
	ck_assert_int_eq(cur_u64(&c, &u64), 0);
	ck_assert(u64 == 0x08090a0b0c0d0e0fULL);
	ck_assert_uint_eq(cur_left(&c), 0);
	free(b);
}
END_TEST

START_TEST(read_past_end_fails_and_leaves_cursor_unchanged)
{
	static const uint8_t w[] = { 0xaa, 0xbb, 0xcc };
	uint8_t *b = heap(w, sizeof(w)), u8, out[4];
	struct cursor c = cur_init(b, sizeof(w)), sub;
	uint16_t u16 = 0x1234;
	uint32_t u32 = 0x12345678;
	uint64_t u64 = 7;

	ck_assert_int_eq(cur_u32(&c, &u32), -EBADMSG);
	ck_assert_uint_eq(u32, 0x12345678);		/* output untouched */
	ck_assert_int_eq(cur_u64(&c, &u64), -EBADMSG);
	ck_assert_int_eq(cur_bytes(&c, out, 4), -EBADMSG);
	ck_assert_int_eq(cur_skip(&c, 4), -EBADMSG);
	ck_assert_int_eq(cur_split(&c, 4, &sub), -EBADMSG);
	ck_assert_ptr_eq(c.p, b);
	ck_assert_uint_eq(c.len, 3);
	ck_assert_int_eq(cur_u16(&c, &u16), 0);
	ck_assert_int_eq(cur_u16(&c, &u16), -EBADMSG);	/* one byte left */
	ck_assert_uint_eq(u16, 0xaabb);
	ck_assert_int_eq(cur_u8(&c, &u8), 0);
	ck_assert_int_eq(cur_u8(&c, &u8), -EBADMSG);
	free(b);
}
END_TEST

START_TEST(zero_length_cursor_refuses_everything_but_empty_reads)
{
	struct cursor c = cur_init(NULL, 0), sub;
	uint8_t u8;
	uint16_t u16;

	ck_assert_int_eq(cur_u8(&c, &u8), -EBADMSG);
	ck_assert_int_eq(cur_peek_u8(&c, 0, &u8), -EBADMSG);
	ck_assert_int_eq(cur_peek_u16(&c, 0, &u16), -EBADMSG);
	ck_assert_int_eq(cur_skip(&c, 0), 0);
	ck_assert_int_eq(cur_bytes(&c, &u8, 0), 0);
	ck_assert_int_eq(cur_split(&c, 0, &sub), 0);
	ck_assert_uint_eq(cur_left(&sub), 0);
	/* A NULL pointer with a length is treated as empty, not trusted. */
	c = cur_init(NULL, 100);
	ck_assert_uint_eq(cur_left(&c), 0);
}
END_TEST

START_TEST(sub_cursor_cannot_read_into_what_follows)
{
	static const uint8_t w[] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t *b = heap(w, sizeof(w)), u8;
	struct cursor c = cur_init(b, sizeof(w)), sub, subsub;
	uint32_t u32;
	uint16_t u16;

	ck_assert_int_eq(cur_split(&c, 2, &sub), 0);
	ck_assert_uint_eq(cur_left(&c), 3);		/* parent moved past */
	ck_assert_int_eq(cur_u32(&sub, &u32), -EBADMSG);
	ck_assert_int_eq(cur_split(&sub, 1, &subsub), 0);
	ck_assert_int_eq(cur_u16(&subsub, &u16), -EBADMSG);
	ck_assert_int_eq(cur_u8(&subsub, &u8), 0);
	ck_assert_uint_eq(u8, 0x11);
	ck_assert_int_eq(cur_u8(&sub, &u8), 0);
	ck_assert_uint_eq(u8, 0x22);
	ck_assert_int_eq(cur_u8(&sub, &u8), -EBADMSG);
	ck_assert_int_eq(cur_u8(&c, &u8), 0);
	ck_assert_uint_eq(u8, 0x33);
	free(b);
}
END_TEST

START_TEST(peek_checks_offset_without_overflow)
{
	static const uint8_t w[] = { 0x01, 0x02, 0x03 };
	uint8_t *b = heap(w, sizeof(w)), u8;
	struct cursor c = cur_init(b, sizeof(w));
	uint16_t u16;

	ck_assert_int_eq(cur_peek_u8(&c, 2, &u8), 0);
	ck_assert_uint_eq(u8, 3);
	ck_assert_int_eq(cur_peek_u8(&c, 3, &u8), -EBADMSG);
	ck_assert_int_eq(cur_peek_u16(&c, 1, &u16), 0);
	ck_assert_uint_eq(u16, 0x0203);
	ck_assert_int_eq(cur_peek_u16(&c, 2, &u16), -EBADMSG);
	ck_assert_int_eq(cur_peek_u16(&c, SIZE_MAX, &u16), -EBADMSG);
	ck_assert_int_eq(cur_peek_u8(&c, SIZE_MAX, &u8), -EBADMSG);
	ck_assert_uint_eq(cur_left(&c), 3);		/* peeks never move */
	free(b);
}
END_TEST

START_TEST(maximum_lengths_do_not_wrap)
{
	static const uint8_t w[] = { 0x01, 0x02 };
	uint8_t *b = heap(w, sizeof(w));
	struct cursor c = cur_init(b, sizeof(w)), sub;

	ck_assert_int_eq(cur_skip(&c, SIZE_MAX), -EBADMSG);
	ck_assert_int_eq(cur_split(&c, SIZE_MAX, &sub), -EBADMSG);
	ck_assert_int_eq(cur_split(&c, 65535, &sub), -EBADMSG);
	ck_assert_int_eq(cur_split(&c, 2, &sub), 0);
	ck_assert_uint_eq(cur_left(&sub), 2);
	ck_assert_uint_eq(cur_left(&c), 0);
	free(b);
}
END_TEST

/* Walk every prefix of a buffer with every read: nothing may pass its end. */
START_TEST(every_truncation_is_refused)
{
	static const uint8_t w[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	for (size_t n = 0; n <= sizeof(w); n++) {
		uint8_t *b = heap(w, n), u8;
		struct cursor c;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;

		c = cur_init(b, n);
		ck_assert_int_eq(cur_u64(&c, &u64), n >= 8 ? 0 : -EBADMSG);
		c = cur_init(b, n);
		ck_assert_int_eq(cur_u32(&c, &u32), n >= 4 ? 0 : -EBADMSG);
		c = cur_init(b, n);
		ck_assert_int_eq(cur_u16(&c, &u16), n >= 2 ? 0 : -EBADMSG);
		c = cur_init(b, n);
		ck_assert_int_eq(cur_u8(&c, &u8), n >= 1 ? 0 : -EBADMSG);
		free(b);
	}
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		reads_big_endian_and_advances,
		read_past_end_fails_and_leaves_cursor_unchanged,
		zero_length_cursor_refuses_everything_but_empty_reads,
		sub_cursor_cannot_read_into_what_follows,
		peek_checks_offset_without_overflow,
		maximum_lengths_do_not_wrap,
		every_truncation_is_refused,
	};

	return unit_run("cursor", tests, UNIT_COUNT(tests));
}
