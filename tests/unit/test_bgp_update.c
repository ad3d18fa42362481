/*
 * tests/unit/test_bgp_update.c - UPDATE parsing under RFC 7606: a table of
 * hostile UPDATEs, each asserting its outcome (treat-as-withdraw, attribute
 * discard, or session reset with code/subcode) as the peer would see it:
 * does 192.0.2.0/24 survive, does the session? Plus truncation at every
 * byte, ADD-PATH, AS4_PATH merge and End-of-RIB. Heap copies of exact size.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/msg.h"
#include "tests/unit/unit.h"

#define ORIGIN_IGP	0x40, 1, 1, 0
#define ASPATH4		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9	/* SEQ 65001, 4-octet */
#define ASPATH2		0x40, 2, 4, 2, 1, 0xfd, 0xe9		/* SEQ 65001, 2-octet */
#define NH		0x40, 3, 4, 10, 0, 0, 1
#define BASE4		ORIGIN_IGP, ASPATH4, NH
#define NLRI_24		24, 192, 0, 2

enum { CTX_AS2 = 1, CTX_EBGP = 2, CTX_ADDPATH = 4 };

static struct msg_ctx
ctx_of(unsigned f)
{
	return (struct msg_ctx){ .as4 = !(f & CTX_AS2), .ebgp = (f & CTX_EBGP) != 0,
		.addpath_rx = (f & CTX_ADDPATH) != 0, .addpath_tx = (f & CTX_ADDPATH) != 0 };
}

/* Body = withdrawn len 0, attrs, NLRI 192.0.2.0/24. */
static size_t
body_make(uint8_t *out, const uint8_t *at, size_t alen, const uint8_t *nlri, size_t nlen)
{
	out[0] = 0, out[1] = 0;
	out[2] = (uint8_t)(alen >> 8), out[3] = (uint8_t)alen;
	memcpy(out + 4, at, alen);
	memcpy(out + 4 + alen, nlri, nlen);
	return 4 + alen + nlen;
}

static enum verdict
parse_bytes(const uint8_t *w, size_t n, unsigned f, struct attrs_tab *tab, struct update_msg *u)
{
	uint8_t *b = unit_heap(w, n);
	struct cursor c = cur_init(b, n);
	struct msg_ctx ctx = ctx_of(f);
	enum verdict v = msg_update_parse(&c, &ctx, tab, u);

	free(b);
	return v;
}

struct upd_case {
	const char *name;
	unsigned ctx;
	uint8_t at[96];
	size_t alen;
	enum verdict v;
	uint8_t subcode;		/* for V_SESSION_RESET (code 3) */
	int discarded;			/* attribute type for V_ATTR_DISCARD */
};

#define A(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
static const struct upd_case upd_cases[] = {
	{ "well-formed", 0, A(BASE4), V_OK, 0, 0 },
	{ "ORIGIN 3 (7606 §7.1)", 0, A(0x40, 1, 1, 3, ASPATH4, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "ORIGIN of 2 bytes", 0, A(0x40, 1, 2, 0, 0, ASPATH4, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "ORIGIN flagged optional (§3.c)", 0, A(0xc0, 1, 1, 0, ASPATH4, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "ORIGIN missing (§3.d)", 0, A(ASPATH4, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_PATH missing", 0, A(ORIGIN_IGP, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "NEXT_HOP missing with NLRI", 0, A(ORIGIN_IGP, ASPATH4), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "NEXT_HOP 127.0.0.1 (§7.3)", 0, A(ORIGIN_IGP, ASPATH4, 0x40, 3, 4, 127, 0, 0, 1), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "NEXT_HOP 224.0.0.5", 0, A(ORIGIN_IGP, ASPATH4, 0x40, 3, 4, 224, 0, 0, 5), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "NEXT_HOP of 5 bytes", 0, A(ORIGIN_IGP, ASPATH4, 0x40, 3, 5, 10, 0, 0, 1, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_PATH segment type 5 (§7.2)", 0, A(ORIGIN_IGP, 0x40, 2, 6, 5, 1, 0, 0, 0xfd, 0xe9, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_PATH segment of 0 ASes", 0, A(ORIGIN_IGP, 0x40, 2, 2, 2, 0, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_PATH segment overruns", 0, A(ORIGIN_IGP, 0x40, 2, 6, 2, 2, 0, 0, 0xfd, 0xe9, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_PATH 2-octet on 4-octet session", 0, A(ORIGIN_IGP, ASPATH2, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_CONFED_SEQUENCE from eBGP", CTX_EBGP, A(ORIGIN_IGP, 0x40, 2, 6, 3, 1, 0, 0, 0xfd, 0xe9, NH), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS_CONFED_SEQUENCE from iBGP", 0, A(ORIGIN_IGP, 0x40, 2, 6, 3, 1, 0, 0, 0xfd, 0xe9, NH), V_OK, 0, 0 },
	{ "MED of 3 bytes (§7.4)", 0, A(BASE4, 0x80, 4, 3, 0, 0, 1), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "MED flagged transitive", 0, A(BASE4, 0xc0, 4, 4, 0, 0, 0, 1), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "LOCAL_PREF from eBGP (§7.5)", CTX_EBGP, A(BASE4, 0x40, 5, 4, 0, 0, 0, 200), V_ATTR_DISCARD, 0, ATTR_LOCAL_PREF },
	{ "LOCAL_PREF of 2 bytes from iBGP", 0, A(BASE4, 0x40, 5, 2, 0, 200), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "ATOMIC_AGGREGATE of 1 byte (§7.6)", 0, A(BASE4, 0x40, 6, 1, 0), V_ATTR_DISCARD, 0, ATTR_ATOMIC_AGGR },
	{ "AGGREGATOR of 6 on 4-octet session (§7.7)", 0, A(BASE4, 0xc0, 7, 6, 0xfd, 0xe9, 10, 0, 0, 9), V_ATTR_DISCARD, 0, ATTR_AGGREGATOR },
	{ "AGGREGATOR AS 0 (RFC 7607)", 0, A(BASE4, 0xc0, 7, 8, 0, 0, 0, 0, 10, 0, 0, 9), V_ATTR_DISCARD, 0, ATTR_AGGREGATOR },
	{ "COMMUNITIES of 5 bytes (§7.8)", 0, A(BASE4, 0xc0, 8, 5, 0, 1, 0, 2, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "COMMUNITIES empty", 0, A(BASE4, 0xc0, 8, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "EXTENDED_COMMUNITIES of 7 (§7.14)", 0, A(BASE4, 0xc0, 16, 7, 0, 2, 0, 1, 0, 0, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "LARGE_COMMUNITIES of 11 (RFC 8092 §6)", 0, A(BASE4, 0xc0, 32, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "ORIGINATOR_ID from eBGP (§7.9)", CTX_EBGP, A(BASE4, 0x80, 9, 4, 1, 2, 3, 4), V_ATTR_DISCARD, 0, ATTR_ORIGINATOR_ID },
	{ "ORIGINATOR_ID of 3 from iBGP", 0, A(BASE4, 0x80, 9, 3, 1, 2, 3), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "CLUSTER_LIST of 6 (§7.10)", 0, A(BASE4, 0x80, 10, 6, 1, 2, 3, 4, 5, 6), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "CLUSTER_LIST from eBGP", CTX_EBGP, A(BASE4, 0x80, 10, 4, 1, 2, 3, 4), V_ATTR_DISCARD, 0, ATTR_CLUSTER_LIST },
	{ "duplicate MED (§3.g)", 0, A(BASE4, 0x80, 4, 4, 0, 0, 0, 1, 0x80, 4, 4, 0, 0, 0, 2), V_ATTR_DISCARD, 0, ATTR_MED },
	{ "duplicate MP_UNREACH (§3.g)", 0, A(BASE4, 0x80, 15, 3, 0, 1, 1, 0x80, 15, 3, 0, 1, 1), V_SESSION_RESET, BGP_UPD_MALFORMED_ATTRS, 0 },
	{ "MP_REACH next hop of 16 (§7.11)", 0, A(BASE4, 0x80, 14, 21, 0, 1, 1, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), V_SESSION_RESET, BGP_UPD_OPT_ATTR, 0 },
	{ "MP_REACH NLRI /33 (§5.3)", 0, A(BASE4, 0x80, 14, 14, 0, 1, 1, 4, 10, 0, 0, 1, 0, 33, 1, 2, 3, 4), V_SESSION_RESET, BGP_UPD_OPT_ATTR, 0 },
	{ "MP_UNREACH of 2 bytes", 0, A(BASE4, 0x80, 15, 2, 0, 1), V_SESSION_RESET, BGP_UPD_OPT_ATTR, 0 },
	{ "MP_REACH next hop 0.0.0.0", 0, A(ORIGIN_IGP, ASPATH4, 0x80, 14, 9, 0, 1, 1, 4, 0, 0, 0, 0, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "MP_REACH for IPv6 is skipped", 0, A(BASE4, 0x80, 14, 5, 0, 2, 1, 0, 0), V_OK, 0, 0 },
	{ "unknown well-known type 99 (§6.3)", 0, A(BASE4, 0x40, 99, 1, 7), V_SESSION_RESET, BGP_UPD_UNKNOWN_WELLKNOWN, 0 },
	{ "unknown optional non-transitive", 0, A(BASE4, 0x80, 99, 1, 7), V_OK, 0, 0 },
	{ "unknown optional transitive", 0, A(BASE4, 0xc0, 99, 1, 7), V_OK, 0, 0 },
	{ "attribute length overruns block (§4)", 0, A(BASE4, 0x80, 4, 10, 0, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "attribute header cut (§4)", 0, A(BASE4, 0x80), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "extended length header cut", 0, A(BASE4, 0x90, 4, 0), V_TREAT_AS_WITHDRAW, 0, 0 },
	{ "AS4_PATH on 4-octet session (RFC 6793)", 0, A(BASE4, 0xc0, 17, 6, 2, 1, 0, 0, 0xfd, 0xe9), V_ATTR_DISCARD, 0, ATTR_AS4_PATH },
	{ "AS4_PATH malformed from 2-octet peer", CTX_AS2, A(ORIGIN_IGP, ASPATH2, NH, 0xc0, 17, 3, 2, 1, 0), V_ATTR_DISCARD, 0, ATTR_AS4_PATH },
	{ "AS4_PATH with confed from 2-octet peer", CTX_AS2, A(ORIGIN_IGP, ASPATH2, NH, 0xc0, 17, 6, 3, 1, 0, 0, 0xfd, 0xe9), V_ATTR_DISCARD, 0, ATTR_AS4_PATH },
	{ "AS4_AGGREGATOR of 7", CTX_AS2, A(ORIGIN_IGP, ASPATH2, NH, 0xc0, 18, 7, 0, 0, 1, 0, 10, 0, 0), V_ATTR_DISCARD, 0, ATTR_AS4_AGGREGATOR },
	{ "2-octet AGGREGATOR on 2-octet session", CTX_AS2, A(ORIGIN_IGP, ASPATH2, NH, 0xc0, 7, 6, 0xfd, 0xe9, 10, 0, 0, 9), V_OK, 0, 0 },
};

static void
hostile_update_gets_rfc7606_outcome_one(const struct upd_case *k)
{
	static const uint8_t nlri[] = { NLRI_24 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	uint8_t body[256];
	size_t n = body_make(body, k->at, k->alen, nlri, sizeof(nlri));
	enum verdict v;

	msg_update_init(&u);
	v = parse_bytes(body, n, k->ctx, tab, &u);
	ck_assert_msg(v == k->v, "%s: verdict %d, want %d", k->name, v, k->v);
	if (v == V_SESSION_RESET) {
		ck_assert_msg(u.err.code == BGP_ERR_UPDATE && u.err.subcode == k->subcode,
		    "%s: %u/%u", k->name, u.err.code, u.err.subcode);
	} else if (v == V_TREAT_AS_WITHDRAW) {
		ck_assert_msg(u.nannounced == 0 && u.nwithdrawn == 1 && u.attrs == NULL, "%s", k->name);
		ck_assert_uint_eq(u.withdrawn[0].pfx.addr, 0xc0000200);
	} else {
		ck_assert_msg(u.nannounced == 1 && u.attrs != NULL, "%s: route lost", k->name);
		ck_assert_uint_eq(u.attrs->nexthop, 0x0a000001);
	}
	if (v == V_ATTR_DISCARD) {
		ck_assert(u.discarded & ATTRF(k->discarded));
		ck_assert(!(u.attrs->present & ATTRF(k->discarded)) || k->discarded == ATTR_MED);
	}
	msg_update_fini(&u);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
}

START_TEST(hostile_update_gets_rfc7606_outcome)
{
	for (size_t i = 0; i < UNIT_COUNT(upd_cases); i++)
		hostile_update_gets_rfc7606_outcome_one(&upd_cases[i]);
}
END_TEST

START_TEST(discarded_aggregator_leaves_no_trace_in_the_set)
{
	static const uint8_t at[] = { BASE4, 0xc0, 7, 8, 0, 0, 0, 0, 10, 0, 0, 9 };
	static const uint8_t ok[] = { BASE4 };
	static const uint8_t nlri[] = { NLRI_24 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	const struct attr_set *first;
	uint8_t body[128];

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(body, body_make(body, at, sizeof(at), nlri, 4), 0, tab, &u), V_ATTR_DISCARD);
	first = attrs_ref(u.attrs);
	ck_assert_int_eq(parse_bytes(body, body_make(body, ok, sizeof(ok), nlri, 4), 0, tab, &u), V_OK);
	ck_assert_ptr_eq(u.attrs, first);		/* same set as without the bad attribute */
	attrs_put(first);
	msg_update_fini(&u);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
}
END_TEST

START_TEST(unknown_transitive_is_kept_with_partial_bit)
{
	static const uint8_t at[] = { BASE4, 0xc0, 99, 2, 7, 8, 0x80, 98, 1, 1 };
	static const uint8_t nlri[] = { NLRI_24 };
	static const uint8_t want[] = { 0xe0, 99, 2, 7, 8 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	uint8_t body[128];

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(body, body_make(body, at, sizeof(at), nlri, 4), 0, tab, &u), V_OK);
	ck_assert_uint_eq(u.attrs->unknown_len, sizeof(want));
	ck_assert_mem_eq(u.attrs->unknown, want, sizeof(want));
	ck_assert_uint_eq(u.unknown_skipped, 1);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(bad_lengths_and_nlri_reset_the_session)
{
	static const struct { const char *name; uint8_t w[16]; size_t n; uint8_t sub; } k[] = {
		{ "withdrawn length past end", { 0, 9, 24, 10, 0, 0 }, 6, BGP_UPD_MALFORMED_ATTRS },
		{ "attribute length past end", { 0, 0, 0, 9, 0x40, 1, 1, 0 }, 8, BGP_UPD_MALFORMED_ATTRS },
		{ "withdrawn /33", { 0, 5, 33, 10, 0, 0, 1, 0, 0 }, 9, BGP_UPD_BAD_NETWORK },
		{ "NLRI /33", { 0, 0, 0, 0, 33, 10, 0, 0, 1 }, 9, BGP_UPD_BAD_NETWORK },
		{ "NLRI prefix cut", { 0, 0, 0, 0, 24, 10, 0 }, 7, BGP_UPD_BAD_NETWORK },
		{ "empty body", { 0 }, 0, BGP_UPD_MALFORMED_ATTRS },
		{ "3-byte body", { 0, 0, 0 }, 3, BGP_UPD_MALFORMED_ATTRS },
	};
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;

	msg_update_init(&u);
	for (size_t i = 0; i < UNIT_COUNT(k); i++) {
		ck_assert_msg(parse_bytes(k[i].w, k[i].n, 0, tab, &u) == V_SESSION_RESET, "%s", k[i].name);
		ck_assert_msg(u.err.code == 3 && u.err.subcode == k[i].sub, "%s: %u/%u",
		    k[i].name, u.err.code, u.err.subcode);
	}
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

/* A rich UPDATE: withdrawn 10.9.0.0/16, many attributes, two prefixes. */
static const uint8_t rich[] = { 0, 3, 16, 10, 9,
	0, 71,
	ORIGIN_IGP, ASPATH4, NH,
	0x80, 4, 4, 0, 0, 0, 5,
	0x40, 5, 4, 0, 0, 0, 100,
	0xc0, 8, 8, 0xfd, 0xe9, 0, 1, 0xfd, 0xe9, 0, 2,
	0xc0, 16, 8, 0x40, 4, 0xfd, 0xe9, 0x4b, 0x3e, 0xbc, 0x20,
	0xc0, 32, 12, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2,
	24, 192, 0, 2, 32, 198, 51, 100, 7 };

START_TEST(rich_update_decodes_every_attribute)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	const struct attr_set *a;

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(rich, sizeof(rich), 0, tab, &u), V_OK);
	ck_assert_uint_eq(u.nwithdrawn, 1);
	ck_assert_uint_eq(u.withdrawn[0].pfx.addr, 0x0a090000);
	ck_assert_uint_eq(u.withdrawn[0].pfx.len, 16);
	ck_assert_uint_eq(u.nannounced, 2);
	ck_assert_uint_eq(u.announced[1].pfx.addr, 0xc6336407);
	ck_assert_uint_eq(u.announced[1].pfx.len, 32);
	a = u.attrs;
	ck_assert_uint_eq(a->med, 5);
	ck_assert_uint_eq(a->local_pref, 100);
	ck_assert_uint_eq(a->ncomms, 2);
	ck_assert_uint_eq(a->comms[1], 0xfde90002);
	ck_assert_uint_eq(a->nlcomms, 1);
	ck_assert_uint_eq(a->lcomms[0].global, 65001);
	ck_assert_uint_eq(a->lcomms[0].local2, 2);
	ck_assert_uint_eq(aspath_first_as(a->aspath, a->aspath_words), 65001);
	ck_assert(attrs_link_bw(a) > 12.4e6 && attrs_link_bw(a) < 12.6e6);	/* 100 Mbit/s */
	ck_assert(!u.eor);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(update_truncated_at_every_byte_never_passes_as_whole)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	size_t nlri_at = sizeof(rich) - 9;

	msg_update_init(&u);
	for (size_t n = 0; n < sizeof(rich); n++) {
		enum verdict v = parse_bytes(rich, n, 0, tab, &u);

		if (n < nlri_at) {
			ck_assert_msg(v == V_SESSION_RESET && u.err.subcode == BGP_UPD_MALFORMED_ATTRS, "cut %zu", n);
		} else if (v == V_OK) {		/* cut between two prefixes */
			ck_assert_msg(n == nlri_at || n == nlri_at + 4, "cut %zu", n);
			ck_assert_uint_lt(u.nannounced, 2);
		} else {
			ck_assert_msg(v == V_SESSION_RESET && u.err.subcode == BGP_UPD_BAD_NETWORK, "cut %zu", n);
		}
	}
	msg_update_fini(&u);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
}
END_TEST

START_TEST(addpath_ids_are_read_from_withdrawn_and_nlri)
{
	static const uint8_t w[] = { 0, 7, 0, 0, 0, 9, 16, 10, 9,
		0, 20, BASE4,
		0, 0, 0, 1, 24, 192, 0, 2, 0, 0, 0, 2, 24, 192, 0, 2 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(w, sizeof(w), CTX_ADDPATH, tab, &u), V_OK);
	ck_assert_uint_eq(u.nwithdrawn, 1);
	ck_assert_uint_eq(u.withdrawn[0].path_id, 9);
	ck_assert_uint_eq(u.nannounced, 2);
	ck_assert_uint_eq(u.announced[0].path_id, 1);
	ck_assert_uint_eq(u.announced[1].path_id, 2);
	/* the same bytes without ADD-PATH negotiated do not parse */
	ck_assert_int_eq(parse_bytes(w, sizeof(w), 0, tab, &u), V_SESSION_RESET);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(as4_path_from_two_octet_peer_is_merged)
{
	/* AS_PATH SEQ 65001 23456 23456, AS4_PATH SEQ 4200000001 4200000002, AGGREGATOR AS_TRANS + AS4_AGGREGATOR */
	static const uint8_t at[] = { ORIGIN_IGP, 0x40, 2, 8, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0x5b, 0xa0, NH,
		0xc0, 7, 6, 0x5b, 0xa0, 10, 0, 0, 9,
		0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02,
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x03, 10, 0, 0, 9 };
	static const uint8_t nlri[] = { NLRI_24 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	const struct attr_set *a;
	uint8_t body[128];

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(body, body_make(body, at, sizeof(at), nlri, 4), CTX_AS2, tab, &u), V_OK);
	a = u.attrs;
	ck_assert_uint_eq(aspath_count(a->aspath, a->aspath_words), 3);
	ck_assert_uint_eq(aspath_first_as(a->aspath, a->aspath_words), 65001);
	ck_assert_uint_eq(aspath_has_as(a->aspath, a->aspath_words, 4200000002u), 1);
	ck_assert_uint_eq(aspath_has_as(a->aspath, a->aspath_words, AS_TRANS), 0);
	ck_assert_uint_eq(a->aggr_as, 4200000003u);
	ck_assert(!(a->present & ATTRF(ATTR_AS4_PATH)));
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(as4_path_longer_than_as_path_is_ignored)
{
	static const uint8_t at[] = { ORIGIN_IGP, 0x40, 2, 4, 2, 1, 0x5b, 0xa0, NH,
		0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02 };
	static const uint8_t nlri[] = { NLRI_24 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;
	uint8_t body[128];

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(body, body_make(body, at, sizeof(at), nlri, 4), CTX_AS2, tab, &u), V_OK);
	ck_assert_uint_eq(aspath_first_as(u.attrs->aspath, u.attrs->aspath_words), AS_TRANS);
	ck_assert_uint_eq(aspath_count(u.attrs->aspath, u.attrs->aspath_words), 1);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(end_of_rib_is_recognised_in_both_shapes)
{
	static const uint8_t empty[] = { 0, 0, 0, 0 };
	static const uint8_t mp[] = { 0, 0, 0, 6, 0x80, 15, 3, 0, 1, 1 };
	static const uint8_t notq[] = { 0, 0, 0, 6, 0x80, 15, 3, 0, 2, 1 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(empty, sizeof(empty), 0, tab, &u), V_OK);
	ck_assert(u.eor);
	ck_assert_int_eq(parse_bytes(mp, sizeof(mp), 0, tab, &u), V_OK);
	ck_assert(u.eor);
	ck_assert_int_eq(parse_bytes(notq, sizeof(notq), 0, tab, &u), V_OK);
	ck_assert(!u.eor);				/* IPv6 EoR is not ours */
	ck_assert_int_eq(parse_bytes(rich, sizeof(rich), 0, tab, &u), V_OK);
	ck_assert(!u.eor);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(mp_reach_and_unreach_carry_ipv4_unicast)
{
	static const uint8_t w[] = { 0, 0, 0, 37, ORIGIN_IGP, ASPATH4,
		0x80, 14, 13, 0, 1, 1, 4, 10, 0, 0, 7, 0, 24, 192, 0, 2,
		0x80, 15, 5, 0, 1, 1, 8, 10 };
	struct attrs_tab *tab = attrs_tab_new();
	struct update_msg u;

	msg_update_init(&u);
	ck_assert_int_eq(parse_bytes(w, sizeof(w), 0, tab, &u), V_OK);
	ck_assert_uint_eq(u.nannounced, 1);
	ck_assert_uint_eq(u.nwithdrawn, 1);
	ck_assert_uint_eq(u.withdrawn[0].pfx.addr, 0x0a000000);
	ck_assert_uint_eq(u.attrs->nexthop, 0x0a000007);
	msg_update_fini(&u);
	attrs_tab_free(tab);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		hostile_update_gets_rfc7606_outcome,
		discarded_aggregator_leaves_no_trace_in_the_set,
		unknown_transitive_is_kept_with_partial_bit,
		bad_lengths_and_nlri_reset_the_session,
		rich_update_decodes_every_attribute,
		update_truncated_at_every_byte_never_passes_as_whole,
		addpath_ids_are_read_from_withdrawn_and_nlri,
		as4_path_from_two_octet_peer_is_merged,
		as4_path_longer_than_as_path_is_ignored,
		end_of_rib_is_recognised_in_both_shapes,
		mp_reach_and_unreach_carry_ipv4_unicast,
	};

	return unit_run("bgp_update", tests, UNIT_COUNT(tests));
}
