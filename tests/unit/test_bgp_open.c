/*
 * tests/unit/test_bgp_open.c - OPEN and capabilities: what we write parses
 * back equal; each hostile OPEN gets the RFC 4271 §6.2 / RFC 5492 / RFC 7607
 * NOTIFICATION; truncation at every byte is refused; open_check matches the
 * peer against config. Bodies only (no header), heap copies of exact size.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/msg.h"
#include "tests/unit/unit.h"

/* version 4, AS 65001, hold 90, id 10.0.0.1, then opt params */
#define FIXED(plen) 4, 0xfd, 0xe9, 0, 90, 10, 0, 0, 1, plen

static int
parse_body(const uint8_t *w, size_t n, struct open_msg *m, struct bgp_err *e)
{
	uint8_t *b = unit_heap(w, n);
	struct cursor c = cur_init(b, n);
	int rv = msg_open_parse(&c, m, e);

	free(b);
	return rv;
}

struct open_case {
	const char *name;
	uint8_t wire[64];
	size_t len;
	uint8_t code, subcode;
	uint8_t data[6];
	size_t dlen;
};

#define W(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
static const struct open_case open_bad[] = {
	{ "version 3", W(3, 0xfd, 0xe9, 0, 90, 10, 0, 0, 1, 0), 2, 1, { 0, 4 }, 2 },
	{ "AS 0 (RFC 7607)", W(4, 0, 0, 0, 90, 10, 0, 0, 1, 0), 2, 2, {0}, 0 },
	{ "BGP identifier 0", W(4, 0xfd, 0xe9, 0, 90, 0, 0, 0, 0, 0), 2, 3, {0}, 0 },
	{ "hold time 1", W(4, 0xfd, 0xe9, 0, 1, 10, 0, 0, 1, 0), 2, 6, {0}, 0 },
	{ "hold time 2", W(4, 0xfd, 0xe9, 0, 2, 10, 0, 0, 1, 0), 2, 6, {0}, 0 },
	{ "opt len past end", W(FIXED(5), 2, 2, 2, 0), 1, 2, { 0, 33 }, 2 },
	{ "opt len short of end", W(FIXED(2), 2, 0, 0), 1, 2, { 0, 32 }, 2 },
	{ "param overruns block", W(FIXED(4), 2, 3, 2, 0), 2, 0, {0}, 0 },
	{ "auth param (type 1)", W(FIXED(3), 1, 1, 0), 2, 4, {0}, 0 },
	{ "capability overruns param", W(FIXED(4), 2, 2, 65, 4), 2, 0, {0}, 0 },
	{ "AS4 capability of 3 bytes", W(FIXED(7), 2, 5, 65, 3, 0, 0, 1), 2, 0, {0}, 0 },
	{ "AS4 capability says AS 0", W(FIXED(8), 2, 6, 65, 4, 0, 0, 0, 0), 2, 2, {0}, 0 },
	{ "MP capability of 3 bytes", W(FIXED(7), 2, 5, 1, 3, 0, 1, 0), 2, 0, {0}, 0 },
	{ "route refresh with a byte", W(FIXED(5), 2, 3, 2, 1, 0), 2, 0, {0}, 0 },
	{ "GR of 5 bytes", W(FIXED(9), 2, 7, 64, 5, 0, 90, 0, 1, 1), 2, 0, {0}, 0 },
	{ "ADD-PATH of 3 bytes", W(FIXED(7), 2, 5, 69, 3, 0, 1, 1), 2, 0, {0}, 0 },
	{ "FQDN name overruns", W(FIXED(7), 2, 5, 73, 3, 5, 'a', 'b'), 2, 0, {0}, 0 },
	{ "RFC 9072 ext len past end", W(FIXED(255), 255, 0, 9, 2, 0, 2, 2, 0), 1, 2, { 0, 37 }, 2 },
	{ "fixed part cut", W(4, 0xfd, 0xe9, 0, 90, 10, 0, 0, 1), 1, 2, { 0, 28 }, 2 },
};

static void
hostile_open_gets_the_right_notification_one(const struct open_case *k)
{
	struct open_msg m;
	struct bgp_err e = {0};

	ck_assert_msg(parse_body(k->wire, k->len, &m, &e) == -EBADMSG, "%s accepted", k->name);
	ck_assert_msg(e.code == k->code && e.subcode == k->subcode, "%s: got %u/%u",
	    k->name, e.code, e.subcode);
	ck_assert_msg(e.len == k->dlen, "%s: data len %u", k->name, e.len);
	ck_assert_mem_eq(e.data, k->data, k->dlen);
}

START_TEST(hostile_open_gets_the_right_notification)
{
	for (size_t i = 0; i < UNIT_COUNT(open_bad); i++)
		hostile_open_gets_the_right_notification_one(&open_bad[i]);
}
END_TEST

/* FRR-like OPEN: MP, RR, enhanced RR, AS4 4200000001, ADD-PATH rx/tx, GR, FQDN, one unknown. */
static const uint8_t open_full[] = { 4, 0x5b, 0xa0, 0, 180, 192, 0, 2, 1, 51,
	2, 49,
	1, 4, 0, 1, 0, 1,
	2, 0, 70, 0, 6, 0,
	65, 4, 0xfa, 0x56, 0xea, 0x01,
	69, 4, 0, 1, 1, 3,
	64, 6, 0x80, 120, 0, 1, 1, 0x80,
	73, 9, 3, 'r', '\n', '1', 4, 's', 'i', 't', 'e',
	99, 2, 1, 2,
	128, 0 };

START_TEST(full_open_from_frr_decodes_every_capability)
{
	struct open_msg m;
	struct bgp_err e;

	ck_assert_int_eq(parse_body(open_full, sizeof(open_full), &m, &e), 0);
	ck_assert_uint_eq(m.my_as, AS_TRANS);
	ck_assert_uint_eq(open_peer_as(&m), 4200000001u);
	ck_assert_uint_eq(m.hold, 180);
	ck_assert_uint_eq(m.bgp_id, 0xc0000201);
	ck_assert(m.caps.mp_ipv4u && m.caps.route_refresh && m.caps.enhanced_rr);
	ck_assert(m.caps.extmsg);
	ck_assert_uint_eq(m.caps.addpath_ipv4u, ADDPATH_RX | ADDPATH_TX);
	ck_assert(m.caps.gr && m.caps.gr_ipv4u && m.caps.gr_ipv4u_fwd);
	ck_assert_uint_eq(m.caps.gr_flags, GR_FLAG_RESTART);
	ck_assert_uint_eq(m.caps.gr_time, 120);
	ck_assert_str_eq(m.caps.hostname, "r?1");	/* control character made safe */
	ck_assert_str_eq(m.caps.domainname, "site");
	ck_assert_uint_eq(m.caps.unknown, 1);
}
END_TEST

START_TEST(open_truncated_at_every_byte_is_refused)
{
	for (size_t n = 0; n < sizeof(open_full); n++) {
		struct open_msg m;
		struct bgp_err e = {0};

		ck_assert_msg(parse_body(open_full, n, &m, &e) == -EBADMSG, "len %zu", n);
		ck_assert(e.code == BGP_ERR_HEADER || e.code == BGP_ERR_OPEN);
	}
}
END_TEST

START_TEST(rfc9072_extended_parameters_are_read)
{
	static const uint8_t w[] = { FIXED(255), 255, 0, 9, 2, 0, 6, 65, 4, 0, 0, 0xfd, 0xe9 };
	struct open_msg m;
	struct bgp_err e;

	ck_assert_int_eq(parse_body(w, sizeof(w), &m, &e), 0);
	ck_assert(m.ext_params);
	ck_assert_uint_eq(open_peer_as(&m), 65001);
}
END_TEST

START_TEST(hold_zero_and_three_are_accepted)
{
	uint8_t w[] = { FIXED(0) };
	struct open_msg m;
	struct bgp_err e;

	w[3] = 0, w[4] = 0;
	ck_assert_int_eq(parse_body(w, sizeof(w), &m, &e), 0);
	w[4] = 3;
	ck_assert_int_eq(parse_body(w, sizeof(w), &m, &e), 0);
	ck_assert_uint_eq(m.hold, 3);
}
END_TEST

static struct bgp_caps
caps_ours(void)
{
	return (struct bgp_caps){ .mp_ipv4u = true, .as4 = true, .as4_asn = 4200000001u,
		.route_refresh = true, .enhanced_rr = true, .extmsg = true,
		.addpath_ipv4u = ADDPATH_RX, .gr = true, .gr_time = 120,
		.gr_flags = GR_FLAG_NOTIFY, .gr_ipv4u = true, .fqdn = true,
		.hostname = "bgp1", .domainname = "example.net" };
}

static bool
caps_same(const struct bgp_caps *a, const struct bgp_caps *b)
{
	return a->mp_ipv4u == b->mp_ipv4u && a->mp_other == b->mp_other &&
	    a->as4 == b->as4 && a->as4_asn == b->as4_asn &&
	    a->route_refresh == b->route_refresh && a->enhanced_rr == b->enhanced_rr &&
	    a->extmsg == b->extmsg && a->addpath_ipv4u == b->addpath_ipv4u &&
	    a->gr == b->gr && a->gr_flags == b->gr_flags && a->gr_time == b->gr_time &&
	    a->gr_ipv4u == b->gr_ipv4u && a->gr_ipv4u_fwd == b->gr_ipv4u_fwd &&
	    a->fqdn == b->fqdn && strcmp(a->hostname, b->hostname) == 0 &&
	    strcmp(a->domainname, b->domainname) == 0 && a->unknown == b->unknown;
}

START_TEST(written_open_parses_back_equal)
{
	struct bgp_caps caps = caps_ours();
	struct open_msg m;
	struct bgp_hdr h;
	struct bgp_err e;
	struct wbuf w;
	struct cursor c;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_open_write(&w, 4200000001u, 90, 0x0a000001, &caps), 0);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	ck_assert_uint_eq(h.type, BGP_OPEN);
	ck_assert_int_eq(msg_open_parse(&c, &m, &e), 0);
	ck_assert_uint_eq(m.my_as, AS_TRANS);
	ck_assert_uint_eq(m.hold, 90);
	ck_assert_uint_eq(m.bgp_id, 0x0a000001);
	ck_assert(caps_same(&m.caps, &caps));
	wbuf_free(&w);
}
END_TEST

START_TEST(negotiation_takes_what_both_sides_said)
{
	struct bgp_caps a = caps_ours(), b = caps_ours();
	struct msg_ctx ctx;

	b.addpath_ipv4u = ADDPATH_TX;
	b.extmsg = false;
	caps_negotiate(&a, &b, true, &ctx);
	ck_assert(ctx.as4 && ctx.addpath_rx && !ctx.addpath_tx && !ctx.extmsg && ctx.ebgp);
	ck_assert_uint_eq(msg_max_len(&ctx), BGP_MAX_LEN);
	b.addpath_ipv4u = ADDPATH_RX;
	caps_negotiate(&a, &b, false, &ctx);
	ck_assert(!ctx.addpath_rx && !ctx.addpath_tx);
}
END_TEST

static struct open_msg
open_peer(uint32_t as, uint32_t id)
{
	struct open_msg m = { .version = 4, .hold = 90, .bgp_id = id };

	m.my_as = as > 0xffff ? AS_TRANS : (uint16_t)as;
	m.caps.as4 = true;
	m.caps.as4_asn = as;
	m.caps.mp_ipv4u = true;
	return m;
}

START_TEST(open_check_refuses_wrong_remote_as)
{
	struct open_msg m = open_peer(4200000002u, 2);
	struct open_expect x = { .remote_as = 4200000001u, .local_as = 65000, .local_id = 1 };
	struct bgp_err e;

	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.code, 2);
	ck_assert_uint_eq(e.subcode, 2);
	x.remote_as = 4200000002u;
	ck_assert_int_eq(open_check(&m, &x, &e), 0);
}
END_TEST

/* remote-as external: any AS but ours (2/2 Bad Peer AS for ours, as FRR). */
START_TEST(open_check_external_takes_any_as_but_ours)
{
	struct open_msg m = open_peer(4200000002u, 2);
	struct open_expect x = { .external = true, .local_as = 65000, .local_id = 1 };
	struct bgp_err e;

	ck_assert_int_eq(open_check(&m, &x, &e), 0);
	m = open_peer(65000, 2);
	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.code, 2);
	ck_assert_uint_eq(e.subcode, 2);
}
END_TEST

/*
 * remote-as external takes the AS from the OPEN: AS_TRANS (RFC 6793) is no
 * AS of its own, whether in the 4-octet capability or, without it, in My
 * Autonomous System (2/2, as FRR).
 */
START_TEST(open_check_external_refuses_as_trans)
{
	struct open_msg m = open_peer(AS_TRANS, 2);
	struct open_expect x = { .external = true, .local_as = 65000, .local_id = 1 };
	struct bgp_err e;

	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.code, 2);
	ck_assert_uint_eq(e.subcode, 2);
	m.caps.as4 = false;
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.subcode, 2);
}
END_TEST

START_TEST(open_check_refuses_missing_as4_with_unsupported_capability)
{
	struct open_msg m = open_peer(65001, 2);
	struct open_expect x = { .remote_as = 65001, .local_as = 65000, .local_id = 1,
		.require_as4 = true };
	struct bgp_err e;

	m.caps.as4 = false;
	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.code, 2);
	ck_assert_uint_eq(e.subcode, 7);
	ck_assert_uint_eq(e.len, 2);
	ck_assert_uint_eq(e.data[0], CAPA_AS4);
	m.caps.as4 = true;
	m.caps.mp_ipv4u = false;
	x.require_mp = true;
	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.subcode, 7);
	ck_assert_uint_eq(e.data[0], CAPA_MP);
}
END_TEST

START_TEST(open_check_refuses_our_own_identifier_on_ibgp)
{
	struct open_msg m = open_peer(65000, 7);
	struct open_expect x = { .remote_as = 65000, .local_as = 65000, .local_id = 7 };
	struct bgp_err e;

	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.subcode, BGP_OPEN_BAD_ID);
	x.min_hold = 120;
	m.bgp_id = 8;
	ck_assert_int_eq(open_check(&m, &x, &e), -EBADMSG);
	ck_assert_uint_eq(e.subcode, BGP_OPEN_BAD_HOLD);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		hostile_open_gets_the_right_notification,
		full_open_from_frr_decodes_every_capability,
		open_truncated_at_every_byte_is_refused,
		rfc9072_extended_parameters_are_read,
		hold_zero_and_three_are_accepted,
		written_open_parses_back_equal,
		negotiation_takes_what_both_sides_said,
		open_check_refuses_wrong_remote_as,
		open_check_external_takes_any_as_but_ours,
		open_check_external_refuses_as_trans,
		open_check_refuses_missing_as4_with_unsupported_capability,
		open_check_refuses_our_own_identifier_on_ibgp,
	};

	return unit_run("bgp_open", tests, UNIT_COUNT(tests));
}
