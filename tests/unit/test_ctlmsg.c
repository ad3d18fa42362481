/*
 * tests/unit/test_ctlmsg.c - control framing: whole, partial, hostile frames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ctlmsg.h"
#include "tests/unit/unit.h"

START_TEST(frame_round_trip)
{
	struct ctl_version v = { 0 }, back;
	struct ctl_frame f;
	struct wbuf w;
	size_t used;

	CTL_STR_SET(v.version, "9.9.9");
	wbuf_init(&w, CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_SHOW_VERSION, 77, &v, sizeof(v)), 0);
	ck_assert_uint_eq(wbuf_len(&w), CTL_HDR_LEN + sizeof(v));
	ck_assert_int_eq(ctl_frame_parse(wbuf_data(&w), wbuf_len(&w), &f, &used), 0);
	ck_assert_uint_eq(used, wbuf_len(&w));
	ck_assert_uint_eq(f.type, CTL_SHOW_VERSION);
	ck_assert_uint_eq(f.seq, 77);
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back)), 0);
	ck_assert_str_eq(back.version, "9.9.9");
	/* A record of the wrong size is refused, both ways. */
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back) - 1), -EBADMSG);
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back) + 1), -EBADMSG);
	wbuf_free(&w);
}
END_TEST

/* show tunnel NAME: the request carries the device name; any other size is refused. */
START_TEST(tunnel_request_carries_the_device_name)
{
	struct ctl_tunnel_req req, back;
	struct ctl_frame f;
	struct wbuf w;
	size_t used;

	memset(&req, 'x', sizeof(req));
	CTL_STR_SET(req.name, "ipcccr407336p02");
	wbuf_init(&w, CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_SHOW_TUNNEL, 5, &req, sizeof(req)), 0);
	ck_assert_int_eq(ctl_frame_parse(wbuf_data(&w), wbuf_len(&w), &f, &used), 0);
	ck_assert_uint_eq(f.type, CTL_SHOW_TUNNEL);
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back)), 0);
	CTL_STR_FIX(back.name);
	ck_assert_str_eq(back.name, "ipcccr407336p02");
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back) + 1), -EBADMSG);
	wbuf_free(&w);
	/* a name that fills the field arrives terminated, one character short */
	memset(&req, 'y', sizeof(req));
	wbuf_init(&w, CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_SHOW_TUNNEL, 6, &req, sizeof(req)), 0);
	ck_assert_int_eq(ctl_frame_parse(wbuf_data(&w), wbuf_len(&w), &f, &used), 0);
	ck_assert_int_eq(ctl_record_get(&f, &back, sizeof(back)), 0);
	CTL_STR_FIX(back.name);
	ck_assert_uint_eq(strlen(back.name), sizeof(back.name) - 1);
	wbuf_free(&w);
}
END_TEST

START_TEST(every_partial_frame_asks_for_more)
{
	uint8_t payload[100];
	struct ctl_frame f;
	struct wbuf w;
	size_t used;

	memset(payload, 0x5a, sizeof(payload));
	wbuf_init(&w, CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_END, 1, payload, sizeof(payload)), 0);
	for (size_t n = 0; n < wbuf_len(&w); n++) {
		uint8_t *b = unit_heap(wbuf_data(&w), n);

		ck_assert_int_eq(ctl_frame_parse(b, n, &f, &used), -EAGAIN);
		if (n >= CTL_HDR_LEN)
			ck_assert_uint_eq(used, wbuf_len(&w) - n);	/* bytes still missing */
		else
			ck_assert_uint_eq(used, 0);
		free(b);
	}
	wbuf_free(&w);
}
END_TEST

static void
hdr(uint8_t *b, uint32_t len, uint8_t version, uint16_t type)
{
	b[0] = len >> 24, b[1] = len >> 16, b[2] = len >> 8, b[3] = len;
	b[4] = version, b[5] = 0, b[6] = type >> 8, b[7] = type;
	b[8] = b[9] = b[10] = 0, b[11] = 1;
}

START_TEST(hostile_lengths_and_versions_are_refused)
{
	uint8_t b[CTL_HDR_LEN];
	struct ctl_frame f;
	size_t used;

	hdr(b, 0, CTL_VERSION, CTL_END);
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EBADMSG);
	hdr(b, CTL_HDR_LEN - 1, CTL_VERSION, CTL_END);
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EBADMSG);
	hdr(b, CTL_FRAME_MAX + 1, CTL_VERSION, CTL_END);
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EBADMSG);
	hdr(b, 0xffffffff, CTL_VERSION, CTL_END);
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EBADMSG);
	hdr(b, CTL_HDR_LEN, CTL_VERSION + 1, CTL_END);
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EPROTONOSUPPORT);
	hdr(b, CTL_HDR_LEN, CTL_VERSION, CTL_END);			/* empty payload: fine */
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), 0);
	ck_assert_uint_eq(cur_left(&f.payload), 0);
	hdr(b, CTL_FRAME_MAX, CTL_VERSION, CTL_END);		/* largest: waits for the rest */
	ck_assert_int_eq(ctl_frame_parse(b, sizeof(b), &f, &used), -EAGAIN);
	ck_assert_uint_eq(used, CTL_FRAME_MAX - CTL_HDR_LEN);
}
END_TEST

START_TEST(two_frames_back_to_back_parse_one_at_a_time)
{
	struct ctl_frame f;
	struct wbuf w;
	size_t used;

	wbuf_init(&w, CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_SHOW_DAEMON, 1, "ab", 2), 0);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_END, 2, NULL, 0), 0);
	ck_assert_int_eq(ctl_frame_parse(wbuf_data(&w), wbuf_len(&w), &f, &used), 0);
	ck_assert_uint_eq(used, CTL_HDR_LEN + 2);
	ck_assert_uint_eq(cur_left(&f.payload), 2);
	ck_assert_int_eq(ctl_frame_parse(wbuf_data(&w) + used, wbuf_len(&w) - used, &f, &used), 0);
	ck_assert_uint_eq(f.type, CTL_END);
	ck_assert_uint_eq(f.seq, 2);
	wbuf_free(&w);
}
END_TEST

START_TEST(oversized_payload_is_not_framed)
{
	static uint8_t big[CTL_PAYLOAD_MAX + 1];
	struct wbuf w;

	wbuf_init(&w, 2 * CTL_FRAME_MAX);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_END, 1, big, sizeof(big)), -ENOBUFS);
	ck_assert_uint_eq(wbuf_len(&w), 0);
	ck_assert_int_eq(ctl_frame_write(&w, CTL_END, 1, big, CTL_PAYLOAD_MAX), 0);
	ck_assert_uint_eq(wbuf_len(&w), CTL_FRAME_MAX);
	wbuf_free(&w);
}
END_TEST

START_TEST(strings_are_terminated_and_padded)
{
	char field[8];

	memset(field, 'x', sizeof(field));
	ctl_str_set(field, sizeof(field), "abc");
	ck_assert_str_eq(field, "abc");
	ck_assert_int_eq(field[7], 0);			/* padded */
	ctl_str_set(field, sizeof(field), "0123456789");
	ck_assert_str_eq(field, "0123456");		/* truncated, terminated */
	memset(field, 'y', sizeof(field));		/* as received: no NUL */
	CTL_STR_FIX(field);
	ck_assert_uint_eq(strlen(field), 7);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		frame_round_trip,
		tunnel_request_carries_the_device_name,
		every_partial_frame_asks_for_more,
		hostile_lengths_and_versions_are_refused,
		two_frames_back_to_back_parse_one_at_a_time,
		oversized_payload_is_not_framed,
		strings_are_terminated_and_padded,
	};

	return unit_run("ctlmsg", tests, UNIT_COUNT(tests));
}
