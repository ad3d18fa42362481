/*
 * tests/unit/test_rde.c - the RIB glue (bgpd/rde.c) with a fake peer: hand-
 * built UPDATE bodies go through the real session hooks; each case says
 * whether 192.0.2.0/24 is in the RIB afterwards, which counter moved and the
 * local-pref the RIB got. Every case starts with the prefix already learned,
 * so a refused UPDATE must also remove it (implicit withdraw). Also: session
 * reset verdicts, withdrawals, maximum-prefix, and the chunked peer-down job.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "rib/rib.h"
#include "tests/unit/unit.h"

#define OUR_AS		65000u
#define PEER_AS		65001u		/* the first AS in ASPATH */
#define ROUTER_ID	0x01010101u	/* 1.1.1.1: also our cluster-id */
#define LOCAL_ADDR	0x0a000009u	/* 10.0.0.9: our end of the session */

#define ORIGIN_IGP	0x40, 1, 1, 0
#define ASPATH		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9		/* 65001 */
#define NH		0x40, 3, 4, 10, 0, 0, 1
#define BASE		ORIGIN_IGP, ASPATH, NH
#define NLRI_24		24, 192, 0, 2

struct fx {
	struct event_base	*base;
	struct bgp		*b;
	struct peer		*p;
};

static void
fx_up(struct fx *f, bool ebgp)
{
	struct peer_cfg cfg;
	struct in_addr a = { htonl(0x0a000001) };

	memset(f, 0, sizeof(*f));
	log_init(stderr, "test", LOG_CRIT);
	f->base = event_base_new();
	f->b = bgp_new(f->base, OUR_AS, ROUTER_ID);
	peer_cfg_init(&cfg, a, ebgp ? PEER_AS : OUR_AS);
	ck_assert_int_eq(bgp_peer_add(f->b, &cfg, &f->p), 0);
	f->p->state = PEER_ESTABLISHED;		/* as if the FSM got there */
	f->p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = ebgp };
	f->p->remote_id = 0x02020202;
	f->p->local.sin_addr.s_addr = htonl(LOCAL_ADDR);
	f->p->hooks.up(f->p, f->p->hooks.arg);
}

static void
fx_down(struct fx *f)
{
	bgp_free(f->b);
	event_base_free(f->base);
}

/* Feed one UPDATE body; the hook's return value (non-zero: NOTIFICATION). */
static int
fx_update(struct fx *f, const uint8_t *body, size_t n, struct bgp_err *e)
{
	uint8_t *copy = unit_heap(body, n);
	struct cursor c = cur_init(copy, n);
	int rv;

	memset(e, 0, sizeof(*e));
	rv = f->p->hooks.update(f->p, &c, e, f->p->hooks.arg);
	free(copy);
	return rv;
}

static int
fx_announce(struct fx *f, const uint8_t *at, size_t alen, const uint8_t *nlri, size_t nlen)
{
	uint8_t body[1024];
	struct bgp_err e;

	body[0] = 0, body[1] = 0;
	body[2] = (uint8_t)(alen >> 8), body[3] = (uint8_t)alen;
	memcpy(body + 4, at, alen);
	memcpy(body + 4 + alen, nlri, nlen);
	return fx_update(f, body, 4 + alen + nlen, &e);
}

static const struct rib *
fx_rib(const struct fx *f)
{
	return rde_rib(f->b->rde);
}

static struct rde_counters
fx_counters(const struct fx *f)
{
	struct rde_counters c;

	ck_assert(rde_counters_get(f->b->rde, f->p, &c));
	return c;
}

/* The path of 192.0.2.0/24 in the RIB, or false. */
static bool
fx_lookup(const struct fx *f, struct rib_path_info *pi)
{
	struct prefix pfx = { 0xc0000200, 24 };
	const struct rib_route *r = rib_lookup(fx_rib(f), &pfx);

	if (r == NULL || rib_route_npaths(r) != 1)
		return false;
	rib_route_path(fx_rib(f), r, 0, pi);
	return true;
}

struct rde_case {
	const char	*name;
	bool		 ebgp;
	uint8_t		 allowas_in;
	bool		 requires_policy;
	uint8_t		 at[96];
	size_t		 alen;
	bool		 accepted;	/* 192.0.2.0/24 in the RIB afterwards */
	int		 event;		/* enum rde_event counted once, or -1 */
	uint32_t	 local_pref;	/* in the RIB, when accepted */
	bool		 not_activated;	/* no neighbor X activate */
};

#define A(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"	/* not_activated: false */
static const struct rde_case rde_cases[] = {
	{ "eBGP well-formed", true, 0, false, A(BASE), true, -1, 100 },
	{ "eBGP first AS not the peer's (RFC 4271 6.3)", true, 0, false,
	  A(ORIGIN_IGP, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea, NH), false, RDE_EV_FIRST_AS, 0 },
	{ "eBGP empty AS path", true, 0, false, A(ORIGIN_IGP, 0x40, 2, 0, NH), false, RDE_EV_FIRST_AS, 0 },
	{ "iBGP any first AS", false, 0, false,
	  A(ORIGIN_IGP, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea, NH), true, -1, 100 },
	{ "our AS in the path", true, 0, false,
	  A(ORIGIN_IGP, 0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xe8, NH), false, RDE_EV_AS_LOOP, 0 },
	{ "our AS once with allowas-in 1", true, 1, false,
	  A(ORIGIN_IGP, 0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xe8, NH), true, -1, 100 },
	{ "our AS twice with allowas-in 1", true, 1, false,
	  A(ORIGIN_IGP, 0x40, 2, 14, 2, 3, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe8, NH),
	  false, RDE_EV_AS_LOOP, 0 },
	{ "ORIGINATOR_ID is our router-id (RFC 4456 8)", false, 0, false,
	  A(BASE, 0x80, 9, 4, 1, 1, 1, 1), false, RDE_EV_ORIGINATOR, 0 },
	{ "ORIGINATOR_ID of another router", false, 0, false,
	  A(BASE, 0x80, 9, 4, 3, 3, 3, 3), true, -1, 100 },
	{ "CLUSTER_LIST holds our cluster-id (RFC 4456 8)", false, 0, false,
	  A(BASE, 0x80, 10, 8, 9, 9, 9, 9, 1, 1, 1, 1), false, RDE_EV_CLUSTER_LOOP, 0 },
	{ "next hop is our session address", true, 0, false,
	  A(ORIGIN_IGP, ASPATH, 0x40, 3, 4, 10, 0, 0, 9), false, RDE_EV_NEXTHOP_SELF, 0 },
	{ "RFC 8212: eBGP without inbound policy", true, 0, true, A(BASE), false, RDE_EV_POLICY, 0 },
	{ "RFC 8212 does not apply to iBGP", false, 0, true, A(BASE), true, -1, 100 },
	{ "eBGP not activated: nothing accepted, the earlier path goes", true, 0, false, A(BASE),
	  false, RDE_EV_POLICY, 0, true },
	{ "iBGP not activated: nothing accepted either", false, 0, false, A(BASE),
	  false, RDE_EV_POLICY, 0, true },
	{ "not activated wins over a policy that would accept", true, 0, true, A(BASE),
	  false, RDE_EV_POLICY, 0, true },
	{ "iBGP without LOCAL_PREF gets 100", false, 0, false, A(BASE), true, -1, 100 },
	{ "iBGP LOCAL_PREF 200", false, 0, false, A(BASE, 0x40, 5, 4, 0, 0, 0, 200), true, -1, 200 },
	{ "eBGP LOCAL_PREF is discarded (RFC 7606 7.5)", true, 0, false,
	  A(BASE, 0x40, 5, 4, 0, 0, 0, 200), true, RDE_EV_ATTR_DISCARD, 100 },
	{ "ORIGIN 3: treat-as-withdraw (RFC 7606 7.1)", true, 0, false,
	  A(0x40, 1, 1, 3, ASPATH, NH), false, RDE_EV_TREAT_AS_WITHDRAW, 0 },
	{ "NEXT_HOP missing: treat-as-withdraw", false, 0, false,
	  A(ORIGIN_IGP, ASPATH), false, RDE_EV_TREAT_AS_WITHDRAW, 0 },
};
#pragma GCC diagnostic pop

static void
case_check(const struct rde_case *k, const struct fx *f)
{
	struct rde_counters cnt = fx_counters(f), *c = &cnt;
	struct rib_path_info pi;
	bool in = fx_lookup(f, &pi);

	ck_assert_msg(in == k->accepted, "%s: in RIB %d, want %d", k->name, in, k->accepted);
	ck_assert_msg(c->pfx_accepted == (k->accepted ? 1 : 0), "%s: pfx count", k->name);
	for (int e = 0; e < RDE_EV_MAX; e++)
		ck_assert_msg(c->events[e] == (e == k->event ? 1u : 0u), "%s: %s counted %llu",
		    k->name, rde_event_name(e), (unsigned long long)c->events[e]);
	if (in)
		ck_assert_msg(pi.attrs->local_pref == k->local_pref, "%s: local-pref %u", k->name,
		    pi.attrs->local_pref);
}

START_TEST(update_cases_decide_what_the_rib_holds)
{
	static const uint8_t base[] = { BASE }, nlri[] = { NLRI_24 };

	for (size_t i = 0; i < UNIT_COUNT(rde_cases); i++) {
		const struct rde_case *k = &rde_cases[i];
		struct fx f;

		fx_up(&f, k->ebgp);
		f.p->cfg.allowas_in = k->allowas_in;
		ck_assert_int_eq(fx_announce(&f, base, sizeof(base), nlri, sizeof(nlri)), 0);
		ck_assert_msg(fx_counters(&f).pfx_accepted == 1, "%s: preload", k->name);
		f.p->cfg.ebgp_requires_policy = k->requires_policy;
		f.p->cfg.ipv4_unicast = !k->not_activated;
		ck_assert_int_eq(fx_announce(&f, k->at, k->alen, nlri, sizeof(nlri)), 0);
		case_check(k, &f);
		fx_down(&f);
	}
}
END_TEST

START_TEST(configured_cluster_id_replaces_the_router_id_in_the_loop_check)
{
	static const uint8_t ours[] = { BASE, 0x80, 10, 4, 9, 9, 9, 9 };
	static const uint8_t rid[] = { BASE, 0x80, 10, 4, 1, 1, 1, 1 };
	static const uint8_t nlri[] = { NLRI_24 };
	struct rib_path_info pi;
	struct fx f;

	fx_up(&f, false);
	rde_configure(f.b->rde, &(struct rib_opts){ .maximum_paths_ebgp = 1 }, 0x09090909);
	ck_assert_int_eq(fx_announce(&f, rid, sizeof(rid), nlri, sizeof(nlri)), 0);
	ck_assert(fx_lookup(&f, &pi));			/* the router-id is no longer ours */
	ck_assert_int_eq(fx_announce(&f, ours, sizeof(ours), nlri, sizeof(nlri)), 0);
	ck_assert(!fx_lookup(&f, &pi));
	ck_assert_uint_eq(fx_counters(&f).events[RDE_EV_CLUSTER_LOOP], 1);
	rde_configure(f.b->rde, &(struct rib_opts){ .maximum_paths_ebgp = 1 }, 0);
	ck_assert_int_eq(fx_announce(&f, rid, sizeof(rid), nlri, sizeof(nlri)), 0);
	ck_assert(!fx_lookup(&f, &pi));			/* unset: the router-id again */
	fx_down(&f);
}
END_TEST

START_TEST(malformed_attribute_list_resets_the_session_with_3_1)
{
	/* two MP_UNREACH attributes: RFC 7606 3.g, session reset */
	static const uint8_t at[] = { BASE, 0x80, 15, 3, 0, 1, 1, 0x80, 15, 3, 0, 1, 1 };
	static const uint8_t nlri[] = { NLRI_24 };
	uint8_t body[64];
	struct bgp_err e;
	struct fx f;

	fx_up(&f, true);
	body[0] = 0, body[1] = 0, body[2] = 0, body[3] = sizeof(at);
	memcpy(body + 4, at, sizeof(at));
	memcpy(body + 4 + sizeof(at), nlri, sizeof(nlri));
	ck_assert_int_ne(fx_update(&f, body, 4 + sizeof(at) + sizeof(nlri), &e), 0);
	ck_assert_uint_eq(e.code, BGP_ERR_UPDATE);
	ck_assert_uint_eq(e.subcode, BGP_UPD_MALFORMED_ATTRS);
	ck_assert_uint_eq(rib_lookup(fx_rib(&f), &(struct prefix){ 0xc0000200, 24 }) == NULL, 1);
	ck_assert_uint_eq(fx_counters(&f).session_resets, 1);
	fx_down(&f);
}
END_TEST

START_TEST(withdrawn_routes_leave_the_rib_and_the_count)
{
	static const uint8_t at[] = { BASE, 0x80, 4, 4, 0, 0, 0, 7 };
	static const uint8_t nlri[] = { NLRI_24, 24, 192, 0, 3 };
	static const uint8_t wd[] = { 0, 4, NLRI_24, 0, 0 };	/* withdraw 192.0.2.0/24 */
	struct rib_path_info pi;
	struct bgp_err e;
	struct fx f;

	fx_up(&f, true);
	ck_assert_int_eq(fx_announce(&f, at, sizeof(at), nlri, sizeof(nlri)), 0);
	ck_assert_uint_eq(fx_counters(&f).pfx_accepted, 2);
	ck_assert(fx_lookup(&f, &pi));
	ck_assert_uint_eq(pi.attrs->med, 7);
	ck_assert_uint_eq(pi.attrs->flags & RIB_ATTR_MED, RIB_ATTR_MED);
	ck_assert_uint_eq(pi.attrs->neighbor_as, PEER_AS);
	ck_assert_uint_eq(pi.attrs->aspath_len, 1);
	ck_assert_uint_eq(pi.attrs->nexthop, 0x0a000001);
	ck_assert_uint_eq(pi.peer->addr, 0x0a000001);
	ck_assert(pi.peer->ebgp);
	ck_assert_int_eq(fx_update(&f, wd, sizeof(wd), &e), 0);
	ck_assert(!fx_lookup(&f, &pi));
	ck_assert_uint_eq(fx_counters(&f).pfx_accepted, 1);
	fx_down(&f);
}
END_TEST

/* draft-ietf-idr-link-bandwidth: type 0x40/0x04, AS, IEEE float bytes/s. */
static uint32_t
link_bw_of(const uint8_t f[4], bool *present)
{
	const uint8_t at[] = { BASE, 0xc0, 16, 8, 0x40, 0x04, 0xfd, 0xe9, f[0], f[1], f[2], f[3] };
	static const uint8_t nlri[] = { NLRI_24 };
	struct rib_path_info pi;
	struct fx fx;
	uint32_t bw;

	fx_up(&fx, true);
	ck_assert_int_eq(fx_announce(&fx, at, sizeof(at), nlri, sizeof(nlri)), 0);
	ck_assert(fx_lookup(&fx, &pi));
	*present = (pi.attrs->flags & RIB_ATTR_LINK_BW) != 0;
	bw = pi.attrs->link_bw;
	fx_down(&fx);
	return bw;
}

START_TEST(link_bandwidth_reaches_the_rib_in_kbit_per_second)
{
	static const uint8_t mbit10[4] = { 0x49, 0x98, 0x96, 0x80 };	/* 1.25e6 bytes/s */
	static const uint8_t inf[4] = { 0x7f, 0x80, 0, 0 }, nan[4] = { 0x7f, 0xc0, 0, 0 };
	bool present;

	ck_assert_uint_eq(link_bw_of(mbit10, &present), 10000);
	ck_assert(present);
	ck_assert_uint_eq(link_bw_of(inf, &present), UINT32_MAX);	/* clamped, no overflow */
	ck_assert(present);
	link_bw_of(nan, &present);
	ck_assert(!present);
}
END_TEST

START_TEST(maximum_prefix_passed_stops_the_session_and_withdraws)
{
	static const uint8_t at[] = { BASE };
	static const uint8_t nlri[] = { 24, 192, 0, 1, 24, 192, 0, 2, 24, 192, 0, 3 };
	struct rib_stats st;
	struct fx f;

	fx_up(&f, true);
	f.p->cfg.max_prefix = 2;
	ck_assert_int_eq(fx_announce(&f, at, sizeof(at), nlri, sizeof(nlri)), 0);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert_str_eq(f.p->last_reason, "maximum-prefix 2 exceeded");
	ck_assert_uint_eq(fx_counters(&f).pfx_accepted, 0);
	while (rde_jobs_run(f.b->rde, 1))
		;
	rib_stats_get(fx_rib(&f), &st);
	ck_assert_uint_eq(st.prefixes, 0);
	fx_down(&f);
}
END_TEST

START_TEST(session_down_withdraws_in_bounded_chunks)
{
	static const uint8_t at[] = { BASE };
	uint8_t nlri[4 * 200];
	struct rib_stats st;
	unsigned turns = 0;
	struct fx f;

	for (unsigned i = 0; i < 200; i++) {
		nlri[4 * i] = 24, nlri[4 * i + 1] = 10, nlri[4 * i + 2] = 1;
		nlri[4 * i + 3] = (uint8_t)i;
	}
	fx_up(&f, true);
	ck_assert_int_eq(fx_announce(&f, at, sizeof(at), nlri, sizeof(nlri)), 0);
	rib_stats_get(fx_rib(&f), &st);
	ck_assert_uint_eq(st.prefixes, 200);
	peer_stop(f.p, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
	rib_stats_get(fx_rib(&f), &st);
	ck_assert_uint_eq(st.prefixes, 200);	/* nothing done inside the down hook */
	while (rde_jobs_run(f.b->rde, 50) && turns < 100)
		turns++;
	ck_assert_uint_ge(turns, 3);
	rib_stats_get(fx_rib(&f), &st);
	ck_assert_uint_eq(st.prefixes, 0);
	ck_assert_uint_eq(st.attrs, 0);
	fx_down(&f);
}
END_TEST

START_TEST(a_new_session_counts_from_zero_and_keeps_event_counters)
{
	static const uint8_t bad[] = { 0x40, 1, 1, 3, ASPATH, NH };
	static const uint8_t nlri[] = { NLRI_24 };
	struct fx f;

	fx_up(&f, true);
	ck_assert_int_eq(fx_announce(&f, bad, sizeof(bad), nlri, sizeof(nlri)), 0);
	peer_stop(f.p, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
	f.p->state = PEER_ESTABLISHED;
	f.p->hooks.up(f.p, f.p->hooks.arg);
	ck_assert_uint_eq(fx_counters(&f).events[RDE_EV_TREAT_AS_WITHDRAW], 1);
	ck_assert_uint_eq(fx_counters(&f).pfx_accepted, 0);
	fx_down(&f);
}
END_TEST

START_TEST(discarded_attributes_are_counted_each_and_the_route_kept)
{
	/* ATOMIC_AGGREGATE with a byte, AGGREGATOR of 5 bytes: both discarded (RFC 7606 7.6, 7.7) */
	static const uint8_t at[] = { BASE, 0x40, 6, 1, 0, 0xc0, 7, 5, 0, 0, 0xfd, 0xe9, 1 };
	static const uint8_t bad[] = { 0x40, 1, 1, 3, ASPATH, NH };	/* ORIGIN 3 */
	static const uint8_t nlri[] = { NLRI_24 };
	struct fx f;

	fx_up(&f, true);
	ck_assert_int_eq(fx_announce(&f, at, sizeof(at), nlri, sizeof(nlri)), 0);
	ck_assert_ptr_nonnull(rib_lookup(fx_rib(&f), &(struct prefix){ 0xc0000200, 24 }));
	ck_assert_uint_eq(fx_counters(&f).events[RDE_EV_ATTR_DISCARD], 1);
	ck_assert_uint_eq(fx_counters(&f).attrs_discarded, 2);
	ck_assert_int_eq(fx_announce(&f, bad, sizeof(bad), nlri, sizeof(nlri)), 0);
	ck_assert_uint_eq(fx_counters(&f).events[RDE_EV_TREAT_AS_WITHDRAW], 1);
	ck_assert_uint_eq(fx_counters(&f).attrs_discarded, 2);	/* withdraw discards nothing more */
	ck_assert_uint_eq(fx_counters(&f).session_resets, 0);
	fx_down(&f);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		update_cases_decide_what_the_rib_holds,
		configured_cluster_id_replaces_the_router_id_in_the_loop_check,
		malformed_attribute_list_resets_the_session_with_3_1,
		withdrawn_routes_leave_the_rib_and_the_count,
		link_bandwidth_reaches_the_rib_in_kbit_per_second,
		maximum_prefix_passed_stops_the_session_and_withdraws,
		session_down_withdraws_in_bounded_chunks,
		a_new_session_counts_from_zero_and_keeps_event_counters,
		discarded_attributes_are_counted_each_and_the_route_kept,
	};

	return unit_run("rde", tests, UNIT_COUNT(tests));
}
