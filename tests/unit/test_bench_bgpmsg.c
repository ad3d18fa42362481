/*
 * tests/unit/test_bench_bgpmsg.c - the benchmark feeder's BGP pieces: the
 * UPDATEs it writes parse back whole, received bytes are framed correctly,
 * partial input waits, hostile lengths are refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bgpmsg.h"
#include "tests/unit/unit.h"

/* ORIGIN IGP, AS_PATH (65001), NEXT_HOP 172.31.1.2: what the feeder sends. */
static const uint8_t attrs[] = { 0x40, 1, 1, 0,  0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9,
	0x40, 3, 4, 172, 31, 1, 2 };

static void
update_full(struct wbuf *w, unsigned *count)
{
	*count = bgpmsg_update_room(sizeof(attrs));
	wbuf_init(w, 2 * BGPMSG_MAX);
	ck_assert_int_eq(bgpmsg_update_put(w, attrs, sizeof(attrs), 20u << 24, *count), 0);
}

START_TEST(a_full_update_holds_about_1000_prefixes_and_parses_back)
{
	struct cursor c, body;
	struct wbuf w;
	uint64_t n = 0;
	unsigned count;
	uint8_t type, *b;

	update_full(&w, &count);
	ck_assert_uint_ge(count, 1000);
	ck_assert_uint_le(wbuf_len(&w), BGPMSG_MAX);
	b = unit_heap(wbuf_data(&w), wbuf_len(&w));
	c = cur_init(b, wbuf_len(&w));
	ck_assert_int_eq(bgpmsg_next(&c, &type, &body), 0);
	ck_assert_uint_eq(type, BGPMSG_UPDATE);
	ck_assert_uint_eq(cur_left(&c), 0);
	ck_assert_int_eq(bgpmsg_update_count(body, &n), 0);
	ck_assert_uint_eq(n, count);
	/* the last prefix is 20.0.(count-1).0/24 */
	ck_assert_uint_eq(body.p[body.len - 3], 20);
	ck_assert_uint_eq(body.p[body.len - 1], (count - 1) & 0xff);
	free(b);
	/* one prefix more does not fit in 4,096 bytes */
	wbuf_reset(&w);
	ck_assert_int_eq(bgpmsg_update_put(&w, attrs, sizeof(attrs), 0, count + 1), -EMSGSIZE);
	wbuf_free(&w);
}
END_TEST

START_TEST(every_partial_message_waits_for_more)
{
	struct cursor c, body;
	struct wbuf w;
	unsigned count;
	uint8_t type;

	update_full(&w, &count);
	for (size_t n = 0; n < wbuf_len(&w); n += 7) {
		uint8_t *b = unit_heap(wbuf_data(&w), n);

		c = cur_init(b, n);
		ck_assert_int_eq(bgpmsg_next(&c, &type, &body), -EAGAIN);
		ck_assert_uint_eq(cur_left(&c), n);	/* untouched */
		free(b);
	}
	wbuf_free(&w);
}
END_TEST

START_TEST(messages_back_to_back_come_out_in_order)
{
	uint8_t two[2 * BGPMSG_HDR];
	struct cursor c, body;
	uint8_t type;

	memset(two, 0xff, sizeof(two));
	two[16] = 0, two[17] = BGPMSG_HDR, two[18] = BGPMSG_KEEPALIVE;
	two[BGPMSG_HDR + 16] = 0, two[BGPMSG_HDR + 17] = BGPMSG_HDR;
	two[BGPMSG_HDR + 18] = BGPMSG_NOTIFICATION;
	c = cur_init(two, sizeof(two));
	ck_assert_int_eq(bgpmsg_next(&c, &type, &body), 0);
	ck_assert_uint_eq(type, BGPMSG_KEEPALIVE);
	ck_assert_uint_eq(body.len, 0);
	ck_assert_int_eq(bgpmsg_next(&c, &type, &body), 0);
	ck_assert_uint_eq(type, BGPMSG_NOTIFICATION);
	ck_assert_int_eq(bgpmsg_next(&c, &type, &body), -EAGAIN);
}
END_TEST

START_TEST(hostile_headers_are_refused)
{
	static const struct { uint16_t len; uint8_t marker0; } cases[] = {
		{ 0, 0xff }, { 18, 0xff }, { 4097, 0xff }, { 0xffff, 0xff }, { 19, 0x00 },
	};
	uint8_t m[BGPMSG_HDR];
	struct cursor c, body;
	uint8_t type;

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		memset(m, 0xff, sizeof(m));
		m[0] = cases[i].marker0;
		m[16] = (uint8_t)(cases[i].len >> 8), m[17] = (uint8_t)cases[i].len;
		m[18] = BGPMSG_KEEPALIVE;
		c = cur_init(m, sizeof(m));
		ck_assert_int_eq(bgpmsg_next(&c, &type, &body), -EBADMSG);
	}
}
END_TEST

START_TEST(updates_with_lengths_past_their_end_are_refused)
{
	static const struct { uint8_t b[8]; size_t len; } cases[] = {
		{ { 0, 9 }, 2 },				/* withdrawn length past the end */
		{ { 0, 0 }, 1 },				/* no attribute length */
		{ { 0, 0, 0, 5, 1, 2 }, 6 },			/* attributes past the end */
		{ { 0, 0, 0, 0, 33, 1, 2, 3 }, 8 },		/* a /33 */
		{ { 0, 0, 0, 0, 24, 10, 0 }, 7 },		/* /24 with 2 bytes */
	};
	uint64_t n;

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		uint8_t *b = unit_heap(cases[i].b, cases[i].len);

		n = 0;
		ck_assert_int_eq(bgpmsg_update_count(cur_init(b, cases[i].len), &n), -EBADMSG);
		free(b);
	}
	n = 0;		/* End-of-RIB: an empty UPDATE, no prefix */
	ck_assert_int_eq(bgpmsg_update_count(cur_init((uint8_t[4]){ 0 }, 4), &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(open_hold_time_is_read_and_a_short_open_refused)
{
	static const uint8_t open[] = { 4, 0xfd, 0xe8, 0, 90, 10, 0, 0, 1, 0 };
	uint16_t hold = 0;

	ck_assert_int_eq(bgpmsg_open_hold(cur_init(open, sizeof(open)), &hold), 0);
	ck_assert_uint_eq(hold, 90);
	ck_assert_int_eq(bgpmsg_open_hold(cur_init(open, 4), &hold), -EBADMSG);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		a_full_update_holds_about_1000_prefixes_and_parses_back,
		every_partial_message_waits_for_more,
		messages_back_to_back_come_out_in_order,
		hostile_headers_are_refused,
		updates_with_lengths_past_their_end_are_refused,
		open_hold_time_is_read_and_a_short_open_refused,
	};

	return unit_run("bench_bgpmsg", tests, UNIT_COUNT(tests));
}
