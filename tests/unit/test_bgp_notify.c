/*
 * tests/unit/test_bgp_notify.c - NOTIFICATION (RFC 4271 §4.5) and the
 * shutdown communication (RFC 9003): what an operator reads in the log.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/msg.h"
#include "tests/unit/unit.h"

static int
parse_body(const uint8_t *w, size_t n, struct bgp_err *out)
{
	uint8_t *b = unit_heap(w, n);
	struct cursor c = cur_init(b, n);
	int rv = msg_notify_parse(&c, out);

	if (rv == 0)
		ck_assert_uint_eq(cur_left(&c), 0);
	free(b);
	return rv;
}

START_TEST(notification_round_trips_code_subcode_and_data)
{
	struct bgp_err n = { .code = 3, .subcode = 4, .len = 3, .data = { 0x40, 1, 1 } }, back;
	struct wbuf w;
	struct cursor c;
	struct bgp_hdr h;
	struct bgp_err e;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_notify_write(&w, &n), 0);
	ck_assert_uint_eq(wbuf_len(&w), 24);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	ck_assert_int_eq(msg_notify_parse(&c, &back), 0);
	ck_assert_uint_eq(back.code, 3);
	ck_assert_uint_eq(back.subcode, 4);
	ck_assert_uint_eq(back.len, 3);
	ck_assert_mem_eq(back.data, n.data, 3);
	wbuf_free(&w);
}
END_TEST

START_TEST(notification_shorter_than_two_bytes_is_refused)
{
	static const uint8_t w[] = { 6 };
	struct bgp_err n;

	ck_assert_int_eq(parse_body(w, 0, &n), -EBADMSG);
	ck_assert_int_eq(parse_body(w, 1, &n), -EBADMSG);
}
END_TEST

START_TEST(shutdown_communication_is_shown)
{
	static const uint8_t w[] = { 6, 2, 13, 'm', 'a', 'i', 'n', 't', 0xc3, 0xa9, 'n', 'a',
		'n', 'c', 'e', '\n' };
	struct bgp_err n;
	char buf[300];

	ck_assert_int_eq(parse_body(w, sizeof(w), &n), 0);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "maint\xc3\xa9nance\\x0a");	/* UTF-8 kept, newline escaped */
}
END_TEST

START_TEST(malformed_shutdown_communication_is_reported)
{
	static const uint8_t overrun[] = { 6, 4, 10, 'a', 'b' };
	static const uint8_t bad_utf8[] = { 6, 2, 3, 'a', 0xc3, 'b' };
	static const uint8_t surrogate[] = { 6, 2, 3, 0xed, 0xa0, 0x80 };
	static const uint8_t not_cease[] = { 3, 2, 1, 'a' };
	struct bgp_err n;
	char buf[64];

	ck_assert_int_eq(parse_body(overrun, sizeof(overrun), &n), 0);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), -EBADMSG);
	ck_assert_int_eq(parse_body(bad_utf8, sizeof(bad_utf8), &n), 0);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), -EBADMSG);
	ck_assert_int_eq(parse_body(surrogate, sizeof(surrogate), &n), 0);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), -EBADMSG);
	ck_assert_int_eq(parse_body(not_cease, sizeof(not_cease), &n), 0);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), -ENOENT);
}
END_TEST

START_TEST(long_shutdown_text_is_cut_at_a_character_boundary)
{
	char text[400], buf[1200];
	struct bgp_err n;

	memset(text, 'x', 254);
	memcpy(text + 254, "\xc3\xa9\xc3\xa9", 5);		/* é straddles byte 255 */
	notify_shutdown_set(&n, BGP_CEASE_ADMIN_SHUTDOWN, text);
	ck_assert_uint_eq(n.data[0], 254);
	ck_assert_uint_eq(n.len, 255);
	ck_assert_int_eq(notify_shutdown_text(&n, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(strlen(buf), 254);
	notify_shutdown_set(&n, BGP_CEASE_ADMIN_RESET, "bye");
	ck_assert_int_eq(notify_shutdown_text(&n, buf, 3), 0);	/* small buffer: cut, terminated */
	ck_assert_uint_le(strlen(buf), 2);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
	notification_round_trips_code_subcode_and_data,
	notification_shorter_than_two_bytes_is_refused,
	shutdown_communication_is_shown,
	malformed_shutdown_communication_is_reported,
	long_shutdown_text_is_cut_at_a_character_boundary,
	};

	return unit_run("bgp_notify", tests, UNIT_COUNT(tests));
}
