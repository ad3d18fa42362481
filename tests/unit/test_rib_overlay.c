/*
 * tests/unit/test_rib_overlay.c - the direct-or-tunnel decision (rib/overlay.h):
 * the Calico mode table, the kernel next hop per style, next hops counted
 * per prefix, and the loop guard.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "rib/overlay.h"
#include "tests/unit/unit.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

START_TEST(decision_table_follows_the_calico_modes)
{
	static const struct { enum overlay_mode m; bool on; enum overlay_kind want; } t[] = {
		{ OVERLAY_MODE_ALWAYS, true, OVERLAY_TUNNEL },
		{ OVERLAY_MODE_ALWAYS, false, OVERLAY_TUNNEL },
		{ OVERLAY_MODE_CROSS_SUBNET, true, OVERLAY_DIRECT },
		{ OVERLAY_MODE_CROSS_SUBNET, false, OVERLAY_TUNNEL },
		{ OVERLAY_MODE_NEVER, true, OVERLAY_DIRECT },
		{ OVERLAY_MODE_NEVER, false, OVERLAY_NONE },
	};

	for (size_t i = 0; i < UNIT_COUNT(t); i++)
		ck_assert_msg(overlay_decide(t[i].m, t[i].on) == t[i].want, "case %zu: %s %d",
		    i, overlay_mode_name(t[i].m), t[i].on);
	ck_assert_int_eq(overlay_decide((enum overlay_mode)7, true), OVERLAY_NONE);
}
END_TEST

START_TEST(kernel_next_hop_per_decision_and_tunnel_style)
{
	struct tunnel_info p2p = { .name = "ipxyz", .ifindex = 9, .mtu = 1480 };
	struct tunnel_info nbma = { .name = "ipn", .ifindex = 11, .mtu = 1400, .onlink = true };
	struct fib_nh nh;
	uint32_t gw = A(10, 9, 0, 2), mtu = 1;

	ck_assert_int_eq(overlay_nh_make(OVERLAY_DIRECT, gw, 4, NULL, 3, &nh, &mtu), 0);
	ck_assert(nh.gateway == gw && nh.ifindex == 4 && !nh.onlink && nh.weight == 3 && mtu == 0);
	ck_assert_int_eq(overlay_nh_make(OVERLAY_TUNNEL, gw, 0, &p2p, 1, &nh, &mtu), 0);
	ck_assert(nh.gateway == 0 && nh.ifindex == 9 && !nh.onlink && mtu == 1480);
	ck_assert_int_eq(overlay_nh_make(OVERLAY_TUNNEL, gw, 0, &nbma, 1, &nh, &mtu), 0);
	ck_assert(nh.gateway == gw && nh.ifindex == 11 && nh.onlink && mtu == 1400);
	ck_assert_int_eq(overlay_nh_make(OVERLAY_NONE, gw, 4, &p2p, 1, &nh, &mtu), -EINVAL);
	ck_assert_int_eq(overlay_nh_make(OVERLAY_DIRECT, gw, 0, NULL, 1, &nh, &mtu), -EINVAL);
	ck_assert_int_eq(overlay_nh_make(OVERLAY_TUNNEL, gw, 0, NULL, 1, &nh, &mtu), -EINVAL);
}
END_TEST

struct seen { size_t n; struct overlay_nh_view v[4]; char why[4][128]; };

static void
collect(void *arg, const struct overlay_nh_view *v)
{
	struct seen *s = arg;

	if (s->n < 4) {
		snprintf(s->why[s->n], sizeof(s->why[0]), "%s", v->why);
		s->v[s->n++] = *v;
	}
}

static struct seen
walk(const struct overlay *o)
{
	struct seen s = { 0 };

	overlay_walk(o, collect, &s);
	return s;
}

/* The fib of the overlay under test: offline, it keeps the words, sends nothing. */
static struct fib *fib;

/* An overlay without loop or tunnels, on 10.0.1.1/24 (ifindex 1: lo, which has a name). */
static struct overlay *
ov_make(enum overlay_mode m)
{
	struct overlay *o;

	fib = fib_new_offline(&(struct fib_opts){ 0 });
	o = overlay_new(NULL, m, fib, NULL);
	overlay_connected_add(o, A(10, 0, 1, 1), 24, 1);
	return o;
}

static void
ov_done(struct overlay *o)
{
	overlay_free(o);
	fib_free(fib, false);
	fib = NULL;
}

struct fib_find { struct prefix p; bool found; struct fib_route_view *v; };

static void
fib_find_one(void *arg, const struct fib_route_view *v)
{
	struct fib_find *ff = arg;

	if (prefix_cmp(&v->pfx, &ff->p) == 0)
		ff->found = true, *ff->v = *v;
}

/* Does the fib want p in the kernel (as show ip route lists it)? Its view in *v. */
static bool
fib_wants(const struct prefix *p, struct fib_route_view *v)
{
	struct fib_find ff = { *p, false, v };
	uint32_t cursor = 0;

	while (fib_route_scan(fib, &cursor, 64, fib_find_one, &ff))
		;
	return ff.found;
}

/* How many times log names s. */
static size_t
mentions(const char *log, const char *s)
{
	size_t n = 0;

	for (const char *at = strstr(log, s); at != NULL; at = strstr(at + 1, s))
		n++;
	return n;
}

START_TEST(next_hops_are_counted_per_prefix_and_go_with_the_last)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix p1 = { A(192, 168, 1, 0), 24 }, p2 = { A(192, 168, 2, 0), 24 };
	struct overlay_hop on = { A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL };
	struct seen s;

	ck_assert_int_eq(overlay_route_set(o, &p1, &on, 1), 0);
	ck_assert_int_eq(overlay_route_set(o, &p2, &on, 1), 0);
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.v[0].kind, OVERLAY_DIRECT);
	ck_assert_uint_eq(s.v[0].prefixes, 2);
	ck_assert_uint_eq(s.v[0].ifindex, 1);
	ck_assert_msg(strstr(s.why[0], "10.0.1.2 is on connected 10.0.1.0/24 via") != NULL,
	    "%s", s.why[0]);
	overlay_route_del(o, &p1);
	ck_assert_uint_eq(walk(o).v[0].prefixes, 1);
	overlay_route_set(o, &p2, &on, 1);	/* same set again: still one user */
	ck_assert_uint_eq(walk(o).v[0].prefixes, 1);
	overlay_route_del(o, &p2);
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

START_TEST(never_mode_off_subnet_is_not_installable_and_says_why)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix p = { A(192, 168, 1, 0), 24 };
	struct overlay_hop off = { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL };
	char log[512];
	struct seen s;

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p, &off, 1), 0);
	unit_log_end();
	s = walk(o);
	ck_assert_int_eq(s.v[0].kind, OVERLAY_NONE);
	ck_assert_msg(strstr(s.why[0], "10.9.0.2 is not on a connected subnet") != NULL, "%s", s.why[0]);
	ck_assert_msg(strstr(log, "not installable") != NULL, "%s", log);
	overlay_route_del(o, &p);
	ov_done(o);
}
END_TEST

START_TEST(cross_subnet_without_tunnels_reports_the_failed_tunnel)
{
	struct overlay *o = ov_make(OVERLAY_MODE_CROSS_SUBNET);
	struct prefix p = { A(192, 168, 1, 0), 24 };
	struct overlay_hop hops[2] = {
		{ A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL }, { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL } };
	struct seen s;
	char log[512];

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p, hops, 2), 0);
	unit_log_end();
	s = walk(o);
	ck_assert_uint_eq(s.n, 2);
	for (size_t i = 0; i < 2; i++)
		ck_assert_int_eq(s.v[i].kind,
		    s.v[i].gateway == A(10, 0, 1, 2) ? OVERLAY_DIRECT : OVERLAY_NONE);
	ck_assert_msg(strstr(log, "tunnel to 10.9.0.2 from 10.0.1.1 failed") != NULL, "%s", log);
	overlay_route_del(o, &p);
	ov_done(o);
}
END_TEST

START_TEST(loop_guard_refuses_a_prefix_covering_our_underlay_once)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix cover = { A(10, 0, 0, 0), 8 }, host = { A(10, 0, 1, 1), 32 };
	struct overlay_hop on = { A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL };
	char log[512];

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &cover, &on, 1), 0);
	ck_assert_int_eq(overlay_route_set(o, &cover, &on, 1), 0);
	ck_assert_int_eq(overlay_route_set(o, &host, &on, 1), 0);
	unit_log_end();
	ck_assert_msg(strstr(log, "10.0.0.0/8 not installed: it covers one of our underlay") != NULL, "%s", log);
	ck_assert_msg(mentions(log, "10.0.0.0/8") == 1, "logged twice: %s", log);
	ck_assert_msg(strstr(log, "10.0.1.1/32 not installed") != NULL, "%s", log);
	overlay_route_del(o, &cover);
	overlay_route_del(o, &host);
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

/*
 * Prefixes the kernel does not get are still the overlay's (their word in the
 * fib holds their set): a re-decision reaches a refused one too, which stays
 * out and is not logged again, while one that was not installable goes in.
 */
START_TEST(a_re_decision_reaches_prefixes_kept_out_of_the_kernel)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix ok = { A(192, 168, 1, 0), 24 }, bad = { A(10, 0, 0, 0), 8 };
	struct overlay_hop far = { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL };
	struct fib_route_view v;
	char log[1024];
	struct seen s;

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &ok, &far, 1), 0);	/* not installable */
	ck_assert_int_eq(overlay_route_set(o, &bad, &far, 1), 0);	/* covers 10.0.1.1 */
	ck_assert(!fib_wants(&ok, &v) && !fib_wants(&bad, &v));
	ck_assert_uint_eq(walk(o).v[0].prefixes, 2);
	overlay_connected_add(o, A(10, 9, 0, 1), 24, 1);	/* far is direct now */
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.v[0].kind, OVERLAY_DIRECT);
	ck_assert_uint_eq(s.v[0].prefixes, 2);		/* the refused one moved too */
	ck_assert(fib_wants(&ok, &v) && v.n == 1 && v.nhs[0].gateway == A(10, 9, 0, 2));
	ck_assert(!fib_wants(&bad, &v));
	overlay_route_del(o, &bad);
	ck_assert_uint_eq(walk(o).v[0].prefixes, 1);
	unit_log_end();
	ck_assert_msg(strstr(log, "10.0.0.0/8 not installed: it covers one of our underlay") != NULL,
	    "%s", log);
	ck_assert_msg(mentions(log, "10.0.0.0/8") == 1, "logged twice: %s", log);
	overlay_route_del(o, &ok);
	ck_assert(!fib_wants(&ok, &v));
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

START_TEST(an_address_change_moves_the_next_hop_between_decisions)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix p1 = { A(192, 168, 1, 0), 24 }, p2 = { A(192, 168, 2, 0), 24 };
	struct overlay_hop far = { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL };
	char log[512];
	struct seen s;

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p1, &far, 1), 0);
	ck_assert_int_eq(overlay_route_set(o, &p2, &far, 1), 0);
	ck_assert_int_eq(walk(o).v[0].kind, OVERLAY_NONE);
	overlay_connected_add(o, A(10, 9, 0, 1), 24, 1);	/* now on a connected subnet */
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.v[0].kind, OVERLAY_DIRECT);
	ck_assert_uint_eq(s.v[0].prefixes, 2);
	ck_assert_msg(strstr(s.why[0], "is on connected 10.9.0.0/24") != NULL, "%s", s.why[0]);
	overlay_connected_del(o, A(10, 9, 0, 1), 24, 1);	/* and gone again */
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.v[0].kind, OVERLAY_NONE);
	ck_assert_uint_eq(s.v[0].prefixes, 2);
	unit_log_end();
	ck_assert_msg(strstr(log, "2 next hops") == NULL && strstr(log, "1 next hops decided again") != NULL,
	    "%s", log);
	overlay_route_del(o, &p1);
	overlay_route_del(o, &p2);
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

static size_t
prefixes_of(const struct seen *s, uint32_t gw)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].gateway == gw)
			return s->v[i].prefixes;
	return 0;
}

/*
 * The route table across many growths, deletes and reuse of freed records: every
 * prefix is counted once on its next hop, and an address change that re-decides
 * a next hop reaches every prefix on it (a walk that missed one would leave it
 * on the old decision, uncounted).
 */
START_TEST(thousands_of_prefixes_through_growth_deletes_and_reuse_are_all_counted)
{
	enum { N = 6000 };
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct overlay_hop far = { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL };
	struct overlay_hop on = { A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL };
	size_t nfar = 0, non = 0;
	struct seen s;
	char log[256];

	unit_log_begin(log, sizeof(log));
	for (uint32_t i = 0; i < N; i++) {
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 };

		ck_assert_int_eq(overlay_route_set(o, &p, i % 2 ? &on : &far, 1), 0);
	}
	for (uint32_t i = 0; i < N; i += 3) {		/* a third go, both kinds */
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 };

		overlay_route_del(o, &p);
	}
	for (uint32_t i = 0; i < N / 3; i++) {		/* new ones, in the freed records */
		struct prefix p = { A(30, 0, 0, 0) + (i << 8), 24 };

		ck_assert_int_eq(overlay_route_set(o, &p, &far, 1), 0);
	}
	for (uint32_t i = 0; i < N; i++)
		if (i % 3 != 0)
			*(i % 2 ? &non : &nfar) += 1;
	nfar += N / 3;
	s = walk(o);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 9, 0, 2)), nfar);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 0, 1, 2)), non);
	overlay_connected_add(o, A(10, 9, 0, 1), 24, 1);	/* far: re-decided, every prefix */
	s = walk(o);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 9, 0, 2)), nfar);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_int_eq(s.v[i].kind, OVERLAY_DIRECT);
	for (uint32_t i = 0; i < N; i++) {
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 }, q = { A(30, 0, 0, 0) + (i << 8), 24 };

		overlay_route_del(o, &p);		/* those gone already: no-ops */
		if (i < N / 3)
			overlay_route_del(o, &q);
	}
	ck_assert_uint_eq(walk(o).n, 0);
	unit_log_end();
	ov_done(o);
}
END_TEST

/* Next-hop sets are shared by id; ids of sets gone are reused by new sets,
 * and a prefix keeps the set it holds through all of it. */
START_TEST(sets_come_and_go_and_every_prefix_keeps_its_own)
{
	enum { N = 200 };
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct overlay_hop h[2] = {
		{ A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL },
		{ A(10, 0, 1, 3), A(10, 0, 1, 1), 1, 0, NULL },
	};
	struct seen s;

	for (uint32_t i = 0; i < N; i++) {		/* N distinct sets: weights differ */
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 };

		h[1].weight = (uint16_t)(1 + i % 200);
		ck_assert_int_eq(overlay_route_set(o, &p, h, 1 + i % 2), 0);
	}
	for (uint32_t i = 0; i < N; i += 2) {		/* every one-hop prefix goes */
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 };

		overlay_route_del(o, &p);
	}
	for (uint32_t i = 0; i < N; i += 2) {		/* new sets in the freed ids */
		struct prefix p = { A(30, 0, 0, 0) + (i << 8), 24 };

		h[1].weight = (uint16_t)(1 + (i + 1) % 200);
		ck_assert_int_eq(overlay_route_set(o, &p, &h[1], 1), 0);
	}
	s = walk(o);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 0, 1, 2)), N / 2);	/* the two-hop ones */
	ck_assert_uint_eq(prefixes_of(&s, A(10, 0, 1, 3)), N);
	overlay_connected_del(o, A(10, 0, 1, 1), 24, 1);	/* every prefix set again */
	overlay_connected_add(o, A(10, 0, 1, 1), 24, 1);
	s = walk(o);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 0, 1, 2)), N / 2);
	ck_assert_uint_eq(prefixes_of(&s, A(10, 0, 1, 3)), N);
	for (uint32_t i = 0; i < N; i++) {
		struct prefix p = { A(20, 0, 0, 0) + (i << 8), 24 }, q = { A(30, 0, 0, 0) + (i << 8), 24 };

		overlay_route_del(o, &p);
		overlay_route_del(o, &q);
	}
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

START_TEST(one_gateway_with_two_modes_gets_two_decisions)
{
	struct overlay *o = ov_make(OVERLAY_MODE_CROSS_SUBNET);
	struct prefix p1 = { A(192, 168, 1, 0), 24 }, p2 = { A(192, 168, 2, 0), 24 };
	struct overlay_hop global = { A(10, 0, 1, 2), A(10, 0, 1, 1), 1, 0, NULL };
	struct overlay_hop nbr = { A(10, 0, 1, 2), A(10, 0, 1, 1), 1, OVERLAY_MODE_ALWAYS,
	    "neighbor 10.0.1.2" };
	char log[512];
	struct seen s;
	size_t d;

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p1, &global, 1), 0);
	ck_assert_int_eq(overlay_route_set(o, &p2, &nbr, 1), 0);
	unit_log_end();
	s = walk(o);
	ck_assert_uint_eq(s.n, 2);
	d = s.v[0].kind == OVERLAY_DIRECT ? 0 : 1;
	ck_assert_int_eq(s.v[d].kind, OVERLAY_DIRECT);		/* on-subnet, cross-subnet */
	ck_assert_int_eq(s.v[d].mode, OVERLAY_MODE_CROSS_SUBNET);
	ck_assert_str_eq(s.v[d].src, "global");
	ck_assert_int_eq(s.v[1 - d].mode, OVERLAY_MODE_ALWAYS);	/* wants a tunnel: none here */
	ck_assert_int_eq(s.v[1 - d].kind, OVERLAY_NONE);
	ck_assert_str_eq(s.v[1 - d].src, "neighbor 10.0.1.2");
	ck_assert_uint_eq(s.v[0].prefixes + s.v[1].prefixes, 2);
	/* the same mode from the same source shares the decision */
	ck_assert_int_eq(overlay_route_set(o, &p1, &nbr, 1), 0);
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.v[0].prefixes, 2);
	overlay_route_del(o, &p1);
	overlay_route_del(o, &p2);
	ck_assert_uint_eq(walk(o).n, 0);
	ov_done(o);
}
END_TEST

START_TEST(a_new_global_mode_decides_prefixes_set_again)
{
	struct overlay *o = ov_make(OVERLAY_MODE_CROSS_SUBNET);
	struct prefix p = { A(192, 168, 1, 0), 24 };
	struct overlay_hop far = { A(10, 9, 0, 2), A(10, 0, 1, 1), 1, 0, NULL };
	char log[512];
	struct seen s;

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p, &far, 1), 0);
	ck_assert_msg(strstr(walk(o).why[0], "tunnel to 10.9.0.2") != NULL, "%s", walk(o).why[0]);
	overlay_mode_set(o, OVERLAY_MODE_NEVER);
	ck_assert_int_eq(overlay_mode_get(o), OVERLAY_MODE_NEVER);
	ck_assert_int_eq(overlay_route_set(o, &p, &far, 1), 0);	/* the caller re-sets */
	unit_log_end();
	s = walk(o);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.v[0].mode, OVERLAY_MODE_NEVER);
	ck_assert_msg(strstr(s.why[0], "(mode never)") != NULL, "%s", s.why[0]);
	ck_assert_msg(strstr(log, "mode cross-subnet -> never") != NULL, "%s", log);
	overlay_route_del(o, &p);
	ov_done(o);
}
END_TEST

/* BGP PIC: a (local, gateway) the RIB says is gone maps to the kernel next hop it installed. */
START_TEST(pic_maps_a_next_hop_to_its_kernel_next_hop)
{
	struct overlay *o = ov_make(OVERLAY_MODE_NEVER);
	struct prefix p = { A(192, 168, 1, 0), 24 };
	struct overlay_hop hops[] = {
		{ .gateway = A(10, 0, 1, 2), .local = A(10, 0, 1, 1), .weight = 3 },
		{ .gateway = A(10, 0, 1, 5), .local = A(10, 0, 1, 1), .weight = 1 },
		{ .gateway = A(10, 9, 0, 2), .local = A(10, 0, 1, 1), .weight = 1 },	/* off-subnet */
	};
	struct fib_nh out[4];
	struct fib_route_view v;
	char log[512];

	unit_log_begin(log, sizeof(log));
	ck_assert_int_eq(overlay_route_set(o, &p, hops, UNIT_COUNT(hops)), 0);
	unit_log_end();
	ck_assert_uint_eq(overlay_nh_fib(o, A(10, 0, 1, 1), A(10, 0, 1, 2), out, 4), 1);
	ck_assert(out[0].gateway == A(10, 0, 1, 2) && out[0].ifindex == 1 && !out[0].onlink &&
	    out[0].weight == 1);
	ck_assert_uint_eq(overlay_nh_fib(o, A(10, 0, 1, 1), A(10, 9, 0, 2), out, 4), 0);
	ck_assert_uint_eq(overlay_nh_fib(o, A(10, 0, 1, 7), A(10, 0, 1, 2), out, 4), 0);
	ck_assert_uint_eq(overlay_nh_fib(o, A(10, 0, 1, 1), A(10, 0, 1, 9), out, 4), 0);
	/* its kernel next hop leaves the prefix's group; the other direct one stays */
	ck_assert_uint_eq(overlay_nh_down(o, A(10, 0, 1, 1), A(10, 0, 1, 2)), 1);
	ck_assert(fib_wants(&p, &v));
	ck_assert_uint_eq(v.n, 1);
	ck_assert(v.nhs[0].gateway == A(10, 0, 1, 5) && v.nhs[0].ifindex == 1);
	overlay_route_del(o, &p);
	ck_assert(!fib_wants(&p, &v));
	ck_assert_uint_eq(overlay_nh_fib(o, A(10, 0, 1, 1), A(10, 0, 1, 2), out, 4), 0);
	ov_done(o);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		decision_table_follows_the_calico_modes,
		kernel_next_hop_per_decision_and_tunnel_style,
		next_hops_are_counted_per_prefix_and_go_with_the_last,
		never_mode_off_subnet_is_not_installable_and_says_why,
		cross_subnet_without_tunnels_reports_the_failed_tunnel,
		loop_guard_refuses_a_prefix_covering_our_underlay_once,
		an_address_change_moves_the_next_hop_between_decisions,
		a_re_decision_reaches_prefixes_kept_out_of_the_kernel,
		thousands_of_prefixes_through_growth_deletes_and_reuse_are_all_counted,
		sets_come_and_go_and_every_prefix_keeps_its_own,
		one_gateway_with_two_modes_gets_two_decisions,
		a_new_global_mode_decides_prefixes_set_again,
		pic_maps_a_next_hop_to_its_kernel_next_hop,
	};

	return unit_run("rib_overlay", tests, UNIT_COUNT(tests));
}
