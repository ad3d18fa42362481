/*
 * tests/unit/test_bgp_attrs.c - attribute sets are shared (interning costs
 * one set per distinct content, however many routes use it), and what we
 * encode parses back to the very same set: 4-octet and 2-octet peers
 * (AS_TRANS + AS4_PATH), ADD-PATH, packing up to 4096 or 65535 bytes,
 * withdrawals and End-of-RIB.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/msg.h"
#include "tests/unit/unit.h"

static const uint32_t path[] = { 2u << 16 | 3, 65001, 4200000001u, 65003, 1u << 16 | 2, 64512, 64513 };
static const uint32_t comms[] = { 0xfde90001, 0xfde90002, 0xffffff01 };
static const uint64_t ext[] = { 0x0002fde900000064ull, 0x4004fde94b3ebc20ull };
static const struct lcomm lc[] = { { 4200000001u, 1, 2 } };
static const uint32_t cluster[] = { 0x0a000001, 0x0a000002 };
static const uint8_t unknown[] = { 0xe0, 99, 2, 7, 8 };

static struct attr_set
set_rich(void)
{
	return (struct attr_set){
		.present = ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) | ATTRF(ATTR_NEXT_HOP) |
		    ATTRF(ATTR_MED) | ATTRF(ATTR_LOCAL_PREF) | ATTRF(ATTR_ATOMIC_AGGR) |
		    ATTRF(ATTR_AGGREGATOR) | ATTRF(ATTR_COMMUNITIES) | ATTRF(ATTR_ORIGINATOR_ID) |
		    ATTRF(ATTR_CLUSTER_LIST) | ATTRF(ATTR_EXT_COMMUNITIES) |
		    ATTRF(ATTR_LARGE_COMMUNITIES),
		.origin = ORIGIN_EGP, .nexthop = 0x0a000001, .med = 7, .local_pref = 150,
		.aggr_as = 4200000009u, .aggr_addr = 0x0a000009, .originator_id = 0x01020304,
		.aspath = path, .aspath_words = UNIT_COUNT(path),
		.comms = comms, .ncomms = UNIT_COUNT(comms),
		.ext_comms = ext, .next_comms = UNIT_COUNT(ext),
		.lcomms = lc, .nlcomms = UNIT_COUNT(lc),
		.cluster = cluster, .ncluster = UNIT_COUNT(cluster),
		.unknown = unknown, .unknown_len = sizeof(unknown),
	};
}

START_TEST(same_content_is_one_shared_set)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct attr_set t = set_rich();
	uint32_t copy[UNIT_COUNT(path)];
	const struct attr_set *a, *b, *c;

	memcpy(copy, path, sizeof(copy));
	a = attrs_get(tab, &t);
	t.aspath = copy;				/* content, not pointers, decides */
	b = attrs_get(tab, &t);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(a->aspath, path);		/* the set owns its arrays */
	t.med = 8;
	c = attrs_get(tab, &t);
	ck_assert_ptr_ne(a, c);
	ck_assert_uint_eq(attrs_tab_count(tab), 2);
	attrs_put(a);
	attrs_put(c);
	ck_assert_uint_eq(attrs_tab_count(tab), 1);
	attrs_put(b);
	ck_assert_uint_eq(attrs_tab_count(tab), 0);
	ck_assert_uint_eq(attrs_tab_bytes(tab), 0);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
}
END_TEST

START_TEST(million_routes_over_300_sets_cost_300_sets)
{
	enum { SETS = 300, ROUTES = 1000000 };
	struct attrs_tab *tab = attrs_tab_new();
	const struct attr_set **held = malloc(ROUTES * sizeof(*held));
	struct attr_set t = set_rich();

	for (size_t i = 0; i < ROUTES; i++) {
		t.med = (uint32_t)(i % SETS);
		held[i] = attrs_get(tab, &t);
	}
	ck_assert_uint_eq(attrs_tab_count(tab), SETS);
	ck_assert_uint_lt(attrs_tab_bytes(tab), SETS * 512);	/* AS path etc. once per set */
	for (size_t i = 0; i < ROUTES; i++)
		attrs_put(held[i]);
	ck_assert_uint_eq(attrs_tab_count(tab), 0);
	free(held);
	attrs_tab_free(tab);
}
END_TEST

static struct nlri *
nlri_many(size_t n)
{
	struct nlri *v = calloc(n, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = (struct nlri){ { 0x0a000000u + ((uint32_t)i << 8), 24 }, (uint32_t)i + 1 };
	return v;
}

/* Write all of o into messages, parse each back; return the message count. */
static size_t
round_trip(const struct msg_ctx *ctx, struct attrs_tab *tab, struct update_out *o,
    const struct attr_set *want, struct nlri *got, size_t *ngot)
{
	struct update_msg u;
	size_t msgs = 0;

	msg_update_init(&u);
	*ngot = 0;
	while (o->done < o->n) {
		struct wbuf w;
		struct cursor c;
		struct bgp_hdr h;
		struct bgp_err e;
		uint8_t *b;

		wbuf_init(&w, msg_max_len(ctx));
		ck_assert_int_eq(msg_update_write(&w, ctx, o), 0);
		ck_assert_uint_le(wbuf_len(&w), msg_max_len(ctx));
		b = unit_heap(wbuf_data(&w), wbuf_len(&w));
		c = cur_init(b, wbuf_len(&w));
		ck_assert_int_eq(msg_header_parse(&c, ctx->extmsg, &h, &e), 0);
		ck_assert_int_eq(msg_update_parse(&c, ctx, tab, &u), V_OK);
		ck_assert_ptr_eq(u.attrs, want);
		memcpy(got + *ngot, want ? u.announced : u.withdrawn,
		    (want ? u.nannounced : u.nwithdrawn) * sizeof(*got));
		*ngot += want ? u.nannounced : u.nwithdrawn;
		free(b);
		wbuf_free(&w);
		msgs++;
	}
	msg_update_fini(&u);
	return msgs;
}

static void
check_round_trip(struct msg_ctx ctx, size_t n, size_t max_msgs)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct attr_set t = set_rich();
	const struct attr_set *a = attrs_get(tab, &t);
	struct nlri *v = nlri_many(n), *got = calloc(n, sizeof(*got));
	struct update_out o = { a, v, n, 0 };
	size_t ngot, msgs = round_trip(&ctx, tab, &o, a, got, &ngot);

	ck_assert_uint_eq(ngot, n);
	ck_assert_uint_le(msgs, max_msgs);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(got[i].pfx.addr, v[i].pfx.addr);
		ck_assert_uint_eq(got[i].path_id, ctx.addpath_tx ? v[i].path_id : 0);
	}
	attrs_put(a);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
	free(v);
	free(got);
}

START_TEST(four_octet_peer_round_trip_packs_4096)
{
	/* ~180 bytes of attributes, 4 bytes per /24: about 970 per message */
	check_round_trip((struct msg_ctx){ .as4 = true }, 5000, 6);
}
END_TEST

START_TEST(two_octet_peer_gets_as_trans_and_as4_path_back_equal)
{
	check_round_trip((struct msg_ctx){ .as4 = false }, 3000, 4);
}
END_TEST

START_TEST(addpath_round_trip_keeps_path_ids)
{
	check_round_trip((struct msg_ctx){ .as4 = true, .addpath_rx = true, .addpath_tx = true }, 3000, 7);	/* 8 bytes a prefix */
}
END_TEST

START_TEST(extended_messages_pack_65535)
{
	check_round_trip((struct msg_ctx){ .as4 = true, .extmsg = true }, 20000, 2);
}
END_TEST

START_TEST(two_octet_wire_carries_as_trans)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct attr_set t = set_rich();
	const struct attr_set *a = attrs_get(tab, &t);
	struct nlri n = { { 0xc0000200, 24 }, 0 };
	struct update_out o = { a, &n, 1, 0 };
	struct msg_ctx ctx = { .as4 = false };
	static const uint8_t aspath2[] = { 0x40, 2, 14, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0xfd, 0xeb,
		1, 2, 0xfc, 0, 0xfc, 1 };
	struct wbuf w;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_update_write(&w, &ctx, &o), 0);
	ck_assert_ptr_nonnull(memmem(wbuf_data(&w), wbuf_len(&w), aspath2, sizeof(aspath2)));
	wbuf_free(&w);
	attrs_put(a);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(withdrawals_round_trip_and_pack)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct nlri *v = nlri_many(2000), *got = calloc(2000, sizeof(*got));
	struct update_out o = { NULL, v, 2000, 0 };
	struct msg_ctx ctx = { .as4 = true };
	size_t ngot;

	ck_assert_uint_le(round_trip(&ctx, tab, &o, NULL, got, &ngot), 2);
	ck_assert_uint_eq(ngot, 2000);
	ck_assert_uint_eq(got[1999].pfx.addr, v[1999].pfx.addr);
	free(v);
	free(got);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(end_of_rib_written_is_an_empty_update)
{
	struct attrs_tab *tab = attrs_tab_new();
	struct msg_ctx ctx = { .as4 = true };
	struct update_msg u;
	struct wbuf w;
	struct cursor c;
	struct bgp_hdr h;
	struct bgp_err e;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_eor_write(&w), 0);
	ck_assert_uint_eq(wbuf_len(&w), 23);
	c = cur_init(wbuf_data(&w), wbuf_len(&w));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	msg_update_init(&u);
	ck_assert_int_eq(msg_update_parse(&c, &ctx, tab, &u), V_OK);
	ck_assert(u.eor);
	msg_update_fini(&u);
	wbuf_free(&w);
	attrs_tab_free(tab);
}
END_TEST

START_TEST(attributes_too_big_for_a_message_are_refused)
{
	struct attrs_tab *tab = attrs_tab_new();
	uint32_t *many = calloc(1100, sizeof(*many));
	struct attr_set t = set_rich();
	const struct attr_set *a;
	struct nlri n = { { 0xc0000200, 24 }, 0 };
	struct update_out o;
	struct msg_ctx ctx = { .as4 = true };
	struct wbuf w;

	t.comms = many, t.ncomms = 1100;		/* 4400 bytes */
	a = attrs_get(tab, &t);
	o = (struct update_out){ a, &n, 1, 0 };
	wbuf_init(&w, 1 << 20);
	ck_assert_int_eq(msg_update_write(&w, &ctx, &o), -ENOBUFS);
	ck_assert_uint_eq(o.done, 0);
	ck_assert_uint_eq(wbuf_len(&w), 0);		/* nothing half-written left behind */
	ctx.extmsg = true;
	ck_assert_int_eq(msg_update_write(&w, &ctx, &o), 0);
	ck_assert_uint_eq(o.done, 1);
	wbuf_free(&w);
	attrs_put(a);
	attrs_tab_free(tab);
	free(many);
}
END_TEST

START_TEST(aspath_helpers_count_find_and_prepend)
{
	uint32_t out[16];
	size_t n;

	ck_assert_uint_eq(aspath_count(path, UNIT_COUNT(path)), 4);	/* SET counts 1 */
	ck_assert_uint_eq(aspath_first_as(path, UNIT_COUNT(path)), 65001);
	ck_assert_uint_eq(aspath_has_as(path, UNIT_COUNT(path), 64513), 1);
	n = aspath_prepend(path, UNIT_COUNT(path), 65000, out, UNIT_COUNT(out));
	ck_assert_uint_eq(n, UNIT_COUNT(path) + 1);
	ck_assert_uint_eq(aspath_first_as(out, (uint16_t)n), 65000);
	ck_assert_uint_eq(aspath_count(out, (uint16_t)n), 5);
	n = aspath_prepend(NULL, 0, 65000, out, UNIT_COUNT(out));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(aspath_count(out, (uint16_t)n), 1);
	ck_assert_uint_eq(aspath_prepend(path, UNIT_COUNT(path), 1, out, 3), 0);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		same_content_is_one_shared_set,
		million_routes_over_300_sets_cost_300_sets,
		four_octet_peer_round_trip_packs_4096,
		two_octet_peer_gets_as_trans_and_as4_path_back_equal,
		addpath_round_trip_keeps_path_ids,
		extended_messages_pack_65535,
		two_octet_wire_carries_as_trans,
		withdrawals_round_trip_and_pack,
		end_of_rib_written_is_an_empty_update,
		attributes_too_big_for_a_message_are_refused,
		aspath_helpers_count_find_and_prepend,
	};

	return unit_run("bgp_attrs", tests, UNIT_COUNT(tests));
}
