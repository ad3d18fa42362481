/*
 * tests/unit/test_rib_multipath.c - which paths share the forwarding of a
 * prefix, in which order and with which weights (what the FIB will install).
 */
#include <stdio.h>

#include "tests/unit/rib_fixture.h"

#define PFX	"192.0.2.0/24"

/* Peers 10.0.0.1..4 (router-id 1..4) in AS 65001, 10.0.0.5 in AS 65002, iBGP 10.0.0.6..7. */
static void
fx_mp(struct fx *f, const struct rib_opts *o)
{
	fx_init(f, o);
	for (uint8_t i = 1; i <= 4; i++)
		fx_peer(f, i, i, 65001, true);
	fx_peer(f, 5, 5, 65002, true);
	fx_peer(f, 6, 6, 65000, false);
	fx_peer(f, 7, 7, 65000, false);
}

static void
add_plain(struct fx *f, size_t peer)
{
	struct rib_attrs a = fx_attrs(f, peer);

	ck_assert_int_eq(fx_add(f, PFX, peer, 0, &a), 0);
}

/* The next hops of the last announced set, as "a.b.c.d,..." */
static const char *
set_str(const struct fx *f, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < f->last.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
		    addr_fmt(f->last.set[i].attrs->nexthop, a));
	return buf;
}

static const struct mp_case {
	const char	*name;
	struct rib_opts	 opts;
	size_t		 peers[4];	/* arrival order; SIZE_MAX ends */
	uint32_t	 cost[8];	/* IGP cost per peer index, 0 default */
	const char	*set;		/* expected next hops, sorted */
} mp_cases[] = {
	{ "maximum-paths 1 is no multipath", { .maximum_paths_ebgp = 1 },
	  { 2, 0, 1, SIZE_MAX }, {0}, "10.0.0.1" },
	{ "equal ebgp paths of one neighbor as", { .maximum_paths_ebgp = 4 },
	  { 2, 0, 1, SIZE_MAX }, {0}, "10.0.0.1,10.0.0.2,10.0.0.3" },
	{ "limit keeps the preferred (lowest router-id)", { .maximum_paths_ebgp = 2 },
	  { 3, 2, 1, 0 }, {0}, "10.0.0.1,10.0.0.2" },
	{ "another neighbor as stays out", { .maximum_paths_ebgp = 4 },
	  { 4, 0, SIZE_MAX }, {0}, "10.0.0.1" },
	{ "multipath-relax lets it in", { .maximum_paths_ebgp = 4, .multipath_relax = true },
	  { 4, 0, SIZE_MAX }, {0}, "10.0.0.1,10.0.0.5" },
	{ "ibgp paths need maximum-paths ibgp", { .maximum_paths_ebgp = 4 },
	  { 5, 6, SIZE_MAX }, {0}, "10.0.0.6" },
	{ "maximum-paths ibgp", { .maximum_paths_ibgp = 2 },
	  { 5, 6, SIZE_MAX }, {0}, "10.0.0.6,10.0.0.7" },
	{ "higher igp cost stays out", { .maximum_paths_ibgp = 2 },
	  { 5, 6, SIZE_MAX }, { [6] = 10 }, "10.0.0.6" },
	{ "equal igp cost joins", { .maximum_paths_ibgp = 2 },
	  { 5, 6, SIZE_MAX }, { [5] = 10, [6] = 10 }, "10.0.0.6,10.0.0.7" },
	{ "ebgp best: ibgp paths never join", { .maximum_paths_ebgp = 4, .maximum_paths_ibgp = 4 },
	  { 5, 0, 6, SIZE_MAX }, {0}, "10.0.0.1" },
};

START_TEST(set_membership_per_rule)
{
	char buf[256];
	struct fx f;

	for (size_t c = 0; c < UNIT_COUNT(mp_cases); c++) {
		const struct mp_case *mc = &mp_cases[c];

		fx_mp(&f, &mc->opts);
		for (size_t i = 0; i < 8; i++)
			if (mc->cost[i] != 0)
				fx_set_cost(&f, 0x0a000001u + (uint32_t)i, mc->cost[i]);
		for (size_t i = 0; i < 4 && mc->peers[i] != SIZE_MAX; i++)
			add_plain(&f, mc->peers[i]);
		ck_assert_msg(strcmp(set_str(&f, buf, sizeof(buf)), mc->set) == 0,
		    "%s: set %s, want %s", mc->name, buf, mc->set);
		for (size_t i = 0; i < f.last.n; i++)
			ck_assert_uint_eq(f.last.set[i].weight, 1);
		fx_fini(&f);
	}
}
END_TEST

START_TEST(set_order_does_not_depend_on_arrival)
{
	const struct rib_opts o = { .maximum_paths_ebgp = 4 };
	uint32_t nh[4], peer[4];
	struct fx f;

	fx_mp(&f, &o);
	for (size_t i = 0; i < 4; i++)
		add_plain(&f, i);
	for (size_t i = 0; i < 4; i++) {	/* values: the pointers die with the RIB */
		nh[i] = f.last.set[i].attrs->nexthop;
		peer[i] = f.last.set[i].peer->addr;
	}
	fx_fini(&f);
	fx_mp(&f, &o);
	for (size_t i = 4; i-- > 0;)
		add_plain(&f, i);
	ck_assert_uint_eq(f.last.n, 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(f.last.set[i].attrs->nexthop, nh[i]);
		ck_assert_uint_eq(f.last.set[i].peer->addr, peer[i]);
	}
	ck_assert_uint_eq(f.last.best.peer->addr, 0x0a000001);
	fx_fini(&f);
}
END_TEST

START_TEST(add_path_paths_are_separate_members)
{
	struct rib_attrs a;
	struct fx f;

	fx_mp(&f, &(struct rib_opts){ .maximum_paths_ibgp = 4 });
	a = fx_attrs(&f, 5);
	for (uint32_t id = 1; id <= 3; id++) {
		a.nexthop = 0x0a010000u + id;
		ck_assert_int_eq(fx_add(&f, PFX, 5, id, &a), 0);
	}
	ck_assert_uint_eq(f.last.n, 3);
	ck_assert_uint_eq(rib_route_npaths(rib_lookup(f.rib, &(struct prefix){ 0xc0000200, 24 })), 3);
	for (uint32_t id = 1; id <= 3; id++) {
		ck_assert_uint_eq(f.last.set[id - 1].path_id, id);
		ck_assert_uint_eq(f.last.set[id - 1].attrs->nexthop, 0x0a010000u + id);
	}
	/* a fourth path to a next hop already in the set adds nothing */
	a.nexthop = 0x0a010002;
	ck_assert_int_eq(fx_add(&f, PFX, 5, 4, &a), 0);
	ck_assert_uint_eq(f.last.n, 3);
	ck_assert(!fx_info(&f, PFX, 5, 4).multipath);
	fx_fini(&f);
}
END_TEST

/*
 * A multihomed site: two iBGP sessions (to two reflectors) from our two
 * addresses bring the same next hop. Each is a member of its own (a tunnel
 * from each address); from one address twice it is one member.
 */
static size_t
fx_peer_from(struct fx *f, uint8_t n, uint32_t local_addr)
{
	size_t i = fx_peer(f, n, n, 65000, false);

	ck_assert_int_eq(rib_peer_del(f->rib, &f->peers[i]), 0);
	f->peers[i].local_addr = local_addr;
	ck_assert_int_eq(rib_peer_add(f->rib, &f->peers[i]), 0);
	return i;
}

START_TEST(one_next_hop_from_two_local_addresses_is_two_members)
{
	struct rib_attrs a;
	struct fx f;
	size_t p1, p2, p3;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ibgp = 4 });
	p1 = fx_peer_from(&f, 8, 0xc6336403);		/* from 198.51.100.3 */
	p2 = fx_peer_from(&f, 9, 0xcb007103);		/* from 203.0.113.3 */
	p3 = fx_peer_from(&f, 10, 0xc6336403);		/* 198.51.100.3 again */
	a = fx_attrs(&f, p1);
	a.nexthop = 0xc0000201;				/* the remote site, 192.0.2.1 */
	ck_assert_int_eq(fx_add(&f, PFX, p1, 0, &a), 0);
	ck_assert_int_eq(fx_add(&f, PFX, p2, 0, &a), 0);
	ck_assert_int_eq(fx_add(&f, PFX, p3, 0, &a), 0);
	ck_assert_uint_eq(f.last.n, 2);
	ck_assert_uint_ne(f.last.set[0].peer->local_addr, f.last.set[1].peer->local_addr);
	ck_assert_uint_eq(f.last.set[0].attrs->nexthop, 0xc0000201);
	ck_assert_uint_eq(f.last.set[1].attrs->nexthop, 0xc0000201);
	ck_assert(!fx_info(&f, PFX, p3, 0).multipath);
	fx_fini(&f);
}
END_TEST

static const struct ucmp_case {
	const char	*name;
	bool		 bandwidth;
	uint32_t	 bw[3];		/* kbit/s, 0 = no link bandwidth */
	uint16_t	 w[3];
} ucmp_cases[] = {
	{ "10G and 1G: 10 to 1", true, { 10000000, 1000000, 0 }, { 10, 1, 0 } },
	{ "1000 and 300: 10 to 3", true, { 1000, 300, 0 }, { 10, 3, 0 } },
	{ "beyond 256: scaled to 256, reduced", true, { 1000, 601, 0 }, { 128, 77, 0 } },
	{ "near-equal rounds to equal", true, { 1000, 999, 0 }, { 1, 1, 0 } },
	{ "equal bandwidth: 1 to 1", true, { 1000000, 1000000, 0 }, { 1, 1, 0 } },
	{ "3 to 2 to 1", true, { 3000, 2000, 1000 }, { 3, 2, 1 } },
	{ "tiny share still gets 1", true, { 100000000, 1, 0 }, { 256, 1, 0 } },
	{ "option off: equal weights", false, { 10000000, 1000000, 0 }, { 1, 1, 0 } },
};

START_TEST(ucmp_weights_follow_link_bandwidth)
{
	struct rib_attrs a;
	struct fx f;

	for (size_t c = 0; c < UNIT_COUNT(ucmp_cases); c++) {
		const struct ucmp_case *uc = &ucmp_cases[c];
		size_t n = uc->bw[2] ? 3 : 2;

		fx_mp(&f, &(struct rib_opts){ .maximum_paths_ebgp = 4, .bandwidth = uc->bandwidth });
		for (size_t i = 0; i < n; i++) {
			a = fx_attrs(&f, i);
			a.flags |= RIB_ATTR_LINK_BW, a.link_bw = uc->bw[i];
			ck_assert_int_eq(fx_add(&f, PFX, i, 0, &a), 0);
		}
		ck_assert_uint_eq(f.last.n, n);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(f.last.set[i].weight == uc->w[i], "%s: member %zu weight %u, want %u",
			    uc->name, i, f.last.set[i].weight, uc->w[i]);
		fx_fini(&f);
	}
}
END_TEST

START_TEST(ucmp_needs_bandwidth_on_every_member)
{
	struct rib_attrs a;
	struct fx f;

	fx_mp(&f, &(struct rib_opts){ .maximum_paths_ebgp = 4, .bandwidth = true });
	a = fx_attrs(&f, 0);
	a.flags |= RIB_ATTR_LINK_BW, a.link_bw = 10000000;
	ck_assert_int_eq(fx_add(&f, PFX, 0, 0, &a), 0);
	add_plain(&f, 1);
	ck_assert_uint_eq(f.last.n, 2);
	ck_assert_uint_eq(f.last.set[0].weight, 1);
	ck_assert_uint_eq(f.last.set[1].weight, 1);
	fx_fini(&f);
}
END_TEST

START_TEST(losing_a_member_shrinks_the_set_once)
{
	struct fx f;
	size_t before;

	fx_mp(&f, &(struct rib_opts){ .maximum_paths_ebgp = 4 });
	add_plain(&f, 0);
	add_plain(&f, 1);
	ck_assert_uint_eq(f.last.n, 2);
	before = f.changes;
	ck_assert_int_eq(fx_del(&f, PFX, 1, 0), 0);
	ck_assert_uint_eq(f.changes, before + 1);
	ck_assert_uint_eq(f.last.n, 1);
	ck_assert_uint_eq(f.last.set[0].attrs->nexthop, 0x0a000001);
	/* a non-member path coming and going changes nothing */
	add_plain(&f, 4);
	ck_assert_int_eq(fx_del(&f, PFX, 4, 0), 0);
	ck_assert_uint_eq(f.changes, before + 1);
	fx_fini(&f);
}
END_TEST

/* maximum-paths 1 -> 2 on reload: only the prefixes with two equal paths move. */
START_TEST(new_options_reach_existing_prefixes_in_chunks)
{
	struct rib_opts o = { .maximum_paths_ebgp = 1 };
	struct rib_attrs a0, a1;
	struct fx f;
	size_t before, calls = 1;

	fx_mp(&f, &o);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	for (uint32_t i = 0; i < 50; i++) {
		struct prefix p = { 0x0a000000u + (i << 8), 24 };
		char buf[PREFIX_STRLEN];

		ck_assert_int_eq(fx_add(&f, prefix_fmt(&p, buf), 0, 0, &a0), 0);
		if (i % 5 == 0)
			ck_assert_int_eq(fx_add(&f, prefix_fmt(&p, buf), 1, 0, &a1), 0);
	}
	before = f.changes;
	o.maximum_paths_ebgp = 2;
	o.igp_cost = NULL;
	rib_set_opts(f.rib, &o);
	ck_assert_uint_eq(f.changes, before);			/* nothing yet */
	for (; rib_reselect_all(f.rib, 10); calls++)
		;
	ck_assert_uint_le(calls, 6);
	ck_assert_uint_eq(f.changes, before + 10);		/* 0, 5, ..., 45 */
	ck_assert_uint_eq(f.last.n, 2);
	ck_assert(!rib_reselect_all(f.rib, 100));		/* again: a no-op */
	ck_assert_uint_eq(f.changes, before + 10);
	fx_fini(&f);
}
END_TEST

/* ADD-PATH send hears of paths that are neither best nor multipath. */
static void
count_paths(void *arg, const struct prefix *p)
{
	(*(size_t *)arg)++;
}

START_TEST(the_paths_callback_hears_of_every_path_change)
{
	struct fx f;
	struct rib_attrs a;
	size_t paths = 0, before;

	fx_mp(&f, NULL);
	rib_set_paths_cb(f.rib, count_paths, &paths);
	add_plain(&f, 0);
	ck_assert_uint_eq(paths, 1);
	before = f.changes;
	add_plain(&f, 4);		/* not selected: the change callback is quiet */
	a = fx_attrs(&f, 4);
	a.med = 5, a.flags |= RIB_ATTR_MED;
	ck_assert_int_eq(fx_add(&f, PFX, 4, 0, &a), 0);
	ck_assert_int_eq(fx_add(&f, PFX, 4, 0, &a), 0);	/* the same again: nothing */
	ck_assert_int_eq(fx_del(&f, PFX, 4, 0), 0);
	ck_assert_uint_eq(f.changes, before);
	ck_assert_uint_eq(paths, 4);
	fx_fini(&f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		set_membership_per_rule,
		set_order_does_not_depend_on_arrival,
		add_path_paths_are_separate_members,
		one_next_hop_from_two_local_addresses_is_two_members,
		ucmp_weights_follow_link_bandwidth,
		ucmp_needs_bandwidth_on_every_member,
		losing_a_member_shrinks_the_set_once,
		new_options_reach_existing_prefixes_in_chunks,
		the_paths_callback_hears_of_every_path_change,
	};

	return unit_run("rib_multipath", tests, UNIT_COUNT(tests));
}
