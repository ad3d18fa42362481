/*
 * tests/unit/test_bgp_header.c - message header (RFC 4271 §4.1, §6.1),
 * KEEPALIVE and ROUTE-REFRESH (RFC 2918, RFC 7313). Buffers are heap
 * copies of exactly their size so ASan flags any overread.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/msg.h"
#include "tests/unit/unit.h"

#define M16 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

struct hdr_case {
	const char *name;
	uint8_t wire[BGP_HDR_LEN];
	bool extmsg;
	int rv;
	uint8_t code, subcode;
	uint16_t dlen;
};

static const struct hdr_case hdr_cases[] = {
	{ "keepalive", { M16, 0, 19, 4 }, false, 0, 0, 0, 0 },
	{ "bad marker", { 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 19, 4 }, false, -EBADMSG, 1, 1, 0 },
	{ "length below 19", { M16, 0, 18, 4 }, false, -EBADMSG, 1, 2, 2 },
	{ "keepalive of 20", { M16, 0, 20, 4 }, false, -EBADMSG, 1, 2, 2 },
	{ "open of 28", { M16, 0, 28, 1 }, false, -EBADMSG, 1, 2, 2 },
	{ "update of 22", { M16, 0, 22, 2 }, false, -EBADMSG, 1, 2, 2 },
	{ "notification of 20", { M16, 0, 20, 3 }, false, -EBADMSG, 1, 2, 2 },
	{ "refresh of 22", { M16, 0, 22, 5 }, false, -EBADMSG, 1, 2, 2 },
	{ "update of 4097", { M16, 0x10, 0x01, 2 }, false, -EBADMSG, 1, 2, 2 },
	{ "update of 4097 extmsg", { M16, 0x10, 0x01, 2 }, true, 0, 0, 0, 0 },
	{ "update of 65535 extmsg", { M16, 0xff, 0xff, 2 }, true, 0, 0, 0, 0 },
	{ "open of 4097 extmsg", { M16, 0x10, 0x01, 1 }, true, -EBADMSG, 1, 2, 2 },
	{ "type 0", { M16, 0, 19, 0 }, false, -EBADMSG, 1, 3, 1 },
	{ "type 6", { M16, 0, 19, 6 }, false, -EBADMSG, 1, 3, 1 },
	{ "type 255", { M16, 0, 19, 255 }, false, -EBADMSG, 1, 3, 1 },
};

static void
header_cases_give_rfc4271_errors_one(const struct hdr_case *k)
{
	uint8_t *b = unit_heap(k->wire, BGP_HDR_LEN);
	struct cursor c = cur_init(b, BGP_HDR_LEN);
	struct bgp_hdr h;
	struct bgp_err e = {0};
	int rv = msg_header_parse(&c, k->extmsg, &h, &e);

	ck_assert_msg(rv == k->rv, "%s: rv %d", k->name, rv);
	if (rv == 0) {
		ck_assert_uint_eq(cur_left(&c), 0);
		ck_assert_uint_eq(h.type, k->wire[18]);
	} else {
		ck_assert_msg(e.code == k->code && e.subcode == k->subcode,
		    "%s: %u/%u", k->name, e.code, e.subcode);
		ck_assert_uint_eq(e.len, k->dlen);
		if (k->subcode == BGP_HDR_BAD_LEN)	/* data is the length field */
			ck_assert_mem_eq(e.data, k->wire + 16, 2);
		ck_assert_uint_eq(cur_left(&c), BGP_HDR_LEN);
	}
	free(b);
}

START_TEST(header_cases_give_rfc4271_errors)
{
	for (size_t i = 0; i < UNIT_COUNT(hdr_cases); i++)
		header_cases_give_rfc4271_errors_one(&hdr_cases[i]);
}
END_TEST

START_TEST(short_header_asks_for_more_and_consumes_nothing)
{
	static const uint8_t w[] = { M16, 0, 19, 4 };

	for (size_t n = 0; n < sizeof(w); n++) {
		uint8_t *b = unit_heap(w, n);
		struct cursor c = cur_init(b, n);
		struct bgp_hdr h;
		struct bgp_err e;

		ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), -EAGAIN);
		ck_assert_uint_eq(cur_left(&c), n);
		free(b);
	}
}
END_TEST

START_TEST(keepalive_written_is_19_bytes_and_parses)
{
	struct wbuf w;
	struct cursor c;
	struct bgp_hdr h;
	struct bgp_err e;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_keepalive_write(&w), 0);
	ck_assert_uint_eq(wbuf_len(&w), 19);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	ck_assert_uint_eq(h.type, BGP_KEEPALIVE);
	ck_assert_uint_eq(h.len, 19);
	wbuf_free(&w);
}
END_TEST

START_TEST(refresh_round_trips_with_borr_subtype)
{
	struct refresh_msg r = { AFI_IPV4, RR_BORR, SAFI_UNICAST }, back;
	struct wbuf w;
	struct cursor c;
	struct bgp_hdr h;
	struct bgp_err e;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_refresh_write(&w, &r), 0);
	ck_assert_uint_eq(wbuf_len(&w), 23);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	ck_assert_int_eq(msg_refresh_parse(&c, &back, &e), 0);
	ck_assert_uint_eq(back.subtype, RR_BORR);
	ck_assert(refresh_is_ipv4u(&back));
	wbuf_free(&w);
}
END_TEST

START_TEST(refresh_of_wrong_length_is_7_1_with_whole_message)
{
	static const uint8_t body[] = { 0, 1, 2, 1, 0 };	/* 5 bytes */
	uint8_t *b = unit_heap(body, sizeof(body));
	struct cursor c = cur_init(b, sizeof(body));
	struct refresh_msg r;
	struct bgp_err e;

	ck_assert_int_eq(msg_refresh_parse(&c, &r, &e), -EBADMSG);
	ck_assert_uint_eq(e.code, BGP_ERR_REFRESH);
	ck_assert_uint_eq(e.subcode, BGP_REFRESH_BAD_LEN);
	ck_assert_uint_eq(e.len, 24);
	ck_assert_uint_eq(e.data[17], 24);		/* the length field */
	ck_assert_uint_eq(e.data[18], BGP_ROUTE_REFRESH);
	ck_assert_mem_eq(e.data + 19, body, sizeof(body));
	free(b);
}
END_TEST

START_TEST(error_names_read_like_the_rfc)
{
	char buf[96];

	ck_assert_str_eq(bgp_err_name(2, 2, buf, sizeof(buf)), "OPEN Message Error/Bad Peer AS");
	ck_assert_str_eq(bgp_err_name(6, 2, buf, sizeof(buf)), "Cease/Administrative Shutdown");
	ck_assert_str_eq(bgp_err_name(3, 99, buf, sizeof(buf)), "UPDATE Message Error/99");
	ck_assert_str_eq(bgp_err_name(77, 1, buf, sizeof(buf)), "error 77/1");
	ck_assert_str_eq(bgp_err_name(4, 0, buf, sizeof(buf)), "Hold Timer Expired/Unspecific");
	ck_assert_str_eq(bgp_err_name(6, 0, buf, sizeof(buf)), "Cease/Unspecific");
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		header_cases_give_rfc4271_errors,
		short_header_asks_for_more_and_consumes_nothing,
		keepalive_written_is_19_bytes_and_parses,
		refresh_round_trips_with_borr_subtype,
		refresh_of_wrong_length_is_7_1_with_whole_message,
		error_names_read_like_the_rfc,
	};

	return unit_run("bgp_header", tests, UNIT_COUNT(tests));
}
