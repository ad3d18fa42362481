/*
 * tests/unit/test_policy.c - the policy engine (bgpd/policy.c): prefix-list
 * matching (exact, ge/le edges, /0, /32, first match, implicit deny, empty
 * and missing lists), route-map evaluation (entries in order, match and
 * set, deny entries, no match), and how bgpd applies it: inbound in the
 * UPDATE -> RIB path (bgpd/rde.c), outbound in the Adj-RIB-Out and on
 * `network ... route-map` (bgpd/adj_out.c).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/adj_out.h"
#include "bgpd/attrs.h"
#include "bgpd/msg.h"
#include "bgpd/peer.h"
#include "bgpd/policy.h"
#include "bgpd/rde.h"
#include "bgpd/session.h"
#include "rib/rib.h"
#include "tests/unit/unit.h"

#define OUR_AS		65000u
#define PEER_AS		65001u
#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
pl(struct policy *p, const char *name, uint32_t seq, bool permit, const char *pfx,
    uint8_t ge, uint8_t le)
{
	struct conf_pl_entry e = { .seq = seq, .permit = permit, .ge = ge, .le = le };

	snprintf(e.prefix, sizeof(e.prefix), "%s", pfx);
	ck_assert_int_eq(policy_add_prefix_list(p, name, &e), 0);
}

static struct prefix
P(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, false), 0);
	return p;
}

static const struct {
	const char	*list, *pfx;
	bool		 permit;
} pl_cases[] = {
	{ "EXACT", "10.0.0.0/8", true },		/* no ge/le: only the prefix itself */
	{ "EXACT", "10.1.0.0/16", false },		/* longer: no entry, implicit deny */
	{ "EXACT", "11.0.0.0/8", false },
	{ "RANGE", "192.168.0.0/23", false },		/* ge 24 le 26: below ge */
	{ "RANGE", "192.168.0.0/24", true },		/* = ge */
	{ "RANGE", "192.168.3.64/26", true },		/* = le */
	{ "RANGE", "192.168.3.64/27", false },		/* above le */
	{ "RANGE", "192.169.0.0/24", false },		/* length fits, outside the prefix */
	{ "RANGE", "192.168.0.0/16", false },		/* the prefix itself is below ge */
	{ "GE", "172.16.0.0/19", false },		/* ge 20, no le: up to /32 */
	{ "GE", "172.16.16.0/20", true },
	{ "GE", "172.31.255.255/32", true },
	{ "LE", "100.64.0.0/10", true },		/* le 12, no ge: from the prefix's own length */
	{ "LE", "100.80.0.0/12", true },
	{ "LE", "100.64.0.0/13", false },
	{ "ANY", "0.0.0.0/0", true },			/* 0.0.0.0/0 le 32: everything */
	{ "ANY", "203.0.113.7/32", true },
	{ "DEFAULT", "0.0.0.0/0", true },		/* 0.0.0.0/0 alone: the default route only */
	{ "DEFAULT", "10.0.0.0/8", false },
	{ "HOST", "198.51.100.1/32", true },
	{ "HOST", "198.51.100.0/31", false },
	{ "HOST", "198.51.100.2/32", false },
	{ "FIRST", "10.1.0.0/16", false },		/* seq 10 deny wins over seq 20 permit */
	{ "FIRST", "10.1.2.0/24", true },		/* not seq 10 (exact): seq 20 */
	{ "FIRST", "10.2.0.0/16", true },
	{ "FIRST", "10.2.0.0/25", false },		/* past le 24: implicit deny */
	{ "EMPTY", "10.0.0.0/8", true },		/* FRR: an empty list permits */
	{ "MISSING", "10.0.0.0/8", false },		/* FRR: a missing list denies */
};

static struct policy *
pl_policy(void)
{
	struct policy *p = policy_new();

	pl(p, "EXACT", 5, true, "10.0.0.0/8", 0, 0);
	pl(p, "RANGE", 5, true, "192.168.0.0/16", 24, 26);
	pl(p, "GE", 1, true, "172.16.0.0/12", 20, 0);
	pl(p, "LE", 1, true, "100.64.0.0/10", 0, 12);
	pl(p, "ANY", 1, true, "0.0.0.0/0", 0, 32);
	pl(p, "DEFAULT", 1, true, "0.0.0.0/0", 0, 0);
	pl(p, "HOST", 1, true, "198.51.100.1/32", 0, 0);
	pl(p, "FIRST", 20, true, "10.0.0.0/8", 0, 24);	/* added first, tried second */
	pl(p, "FIRST", 10, false, "10.1.0.0/16", 0, 0);
	ck_assert_int_eq(policy_add_prefix_list(p, "EMPTY", NULL), 0);
	policy_finish(p);
	return p;
}

START_TEST(prefix_list_matching_follows_frr)
{
	struct policy *p = pl_policy();

	for (size_t i = 0; i < UNIT_COUNT(pl_cases); i++) {
		struct prefix x = P(pl_cases[i].pfx);

		ck_assert_msg(policy_prefix_list_permits(p, pl_cases[i].list, &x) ==
		    pl_cases[i].permit, "%s %s: want %s", pl_cases[i].list, pl_cases[i].pfx,
		    pl_cases[i].permit ? "permit" : "deny");
	}
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ route-maps */

static void
cl(struct policy *p, const char *name, uint32_t seq, bool permit, const char *comm)
{
	struct conf_cl_entry e = { .seq = seq, .permit = permit };

	snprintf(e.community, sizeof(e.community), "%s", comm);
	ck_assert_int_eq(policy_add_community_list(p, name, &e), 0);
}

/*
 * RM: 10 deny   match prefix-list BOGONS
 *     20 permit match community CL          set local-preference 300, community 65000:99
 *     30 permit match as-path length 1      set metric 7, ip next-hop 192.0.2.1
 *     (no match: implicit deny)
 */
static struct policy *
rm_policy(void)
{
	struct policy *p = policy_new();
	struct conf_rm_entry e10 = { .seq = 10, .match_prefix_list = "BOGONS" };
	struct conf_rm_entry e20 = { .seq = 20, .permit = true, .match_community_list = "CL",
	    .set_local_pref_set = true, .set_local_pref = 300, .set_community_set = true,
	    .set_community = "65000:99" };
	struct conf_rm_entry e30 = { .seq = 30, .permit = true, .match_aspath_len_set = true,
	    .match_aspath_len = 1, .set_metric_set = true, .set_metric = 7,
	    .set_next_hop = "192.0.2.1" };
	struct conf_rm_entry all = { .seq = 1, .permit = true, .set_metric_set = true,
	    .set_metric = 1 };
	struct conf_rm_entry nocl = { .seq = 1, .permit = true, .match_community_list = "NONE" };

	pl(p, "BOGONS", 5, true, "10.0.0.0/8", 0, 32);
	cl(p, "CL", 10, false, "65001:666");
	cl(p, "CL", 20, true, "65001:1");
	ck_assert_int_eq(policy_add_route_map(p, "RM", &e30), 0);	/* any order */
	ck_assert_int_eq(policy_add_route_map(p, "RM", &e10), 0);
	ck_assert_int_eq(policy_add_route_map(p, "RM", &e20), 0);
	ck_assert_int_eq(policy_add_route_map(p, "ALL", &all), 0);
	ck_assert_int_eq(policy_add_route_map(p, "NOCL", &nocl), 0);
	policy_finish(p);
	return p;
}

static const uint32_t path1[] = { AS_SEQUENCE << 16 | 1, PEER_AS };
static const uint32_t path2[] = { AS_SEQUENCE << 16 | 2, PEER_AS, 65002 };
static const uint32_t comm_ok[] = { 65001u << 16 | 1 };
static const uint32_t comm_bad[] = { 65001u << 16 | 1, 65001u << 16 | 666 };

static struct attr_set
route(const uint32_t *path, uint16_t nwords, const uint32_t *comms, uint16_t ncomms)
{
	return (struct attr_set){ .present = ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) |
	    ATTRF(ATTR_NEXT_HOP) | (ncomms ? ATTRF(ATTR_COMMUNITIES) : 0),
	    .nexthop = IP(10, 0, 0, 1), .aspath = path, .aspath_words = nwords,
	    .comms = comms, .ncomms = ncomms };
}

START_TEST(route_map_entries_in_order_match_then_set)
{
	struct policy *p = rm_policy();
	struct attr_set in, out;
	struct policy_sets done = { 0 };
	struct prefix x = P("192.0.2.0/24"), bogon = P("10.1.0.0/16");

	/* 10: deny entry matches -> rejected, whatever 30 would say */
	in = route(path1, 2, NULL, 0), out = in;
	ck_assert(!policy_route_map_apply(p, "RM", &bogon, &in, &out, &done));
	/* 20: community 65001:1 -> LOCAL_PREF 300 and communities replaced */
	in = route(path2, 3, comm_ok, 1), out = in;
	ck_assert(policy_route_map_apply(p, "RM", &x, &in, &out, &done));
	ck_assert(done.local_pref && done.communities && !done.med && !done.nexthop);
	ck_assert_uint_eq(out.local_pref, 300);
	ck_assert(out.present & ATTRF(ATTR_LOCAL_PREF));
	ck_assert_uint_eq(out.ncomms, 1);
	ck_assert_uint_eq(out.comms[0], 65000u << 16 | 99);
	/* community-list: its first matching entry (666, deny) decides: 20 does not match,
	 * and a 2-AS path does not match 30 either -> no entry: implicit deny */
	in = route(path2, 3, comm_bad, 2), out = in;
	memset(&done, 0, sizeof(done));
	ck_assert(!policy_route_map_apply(p, "RM", &x, &in, &out, &done));
	/* 30: one AS -> MED 7, next hop */
	in = route(path1, 2, comm_bad, 2), out = in;
	ck_assert(policy_route_map_apply(p, "RM", &x, &in, &out, &done));
	ck_assert(done.med && done.nexthop && !done.local_pref);
	ck_assert_uint_eq(out.med, 7);
	ck_assert_uint_eq(out.nexthop, IP(192, 0, 2, 1));
	ck_assert_uint_eq(out.ncomms, 2);		/* untouched */
	/* matches look at the route as it came, sets write only into out */
	ck_assert_uint_eq(in.nexthop, IP(10, 0, 0, 1));
	policy_free(p);
}
END_TEST

START_TEST(route_map_without_match_takes_all_and_missing_objects_deny)
{
	struct policy *p = rm_policy();
	struct attr_set in = route(path2, 3, comm_ok, 1), out = in;
	struct policy_sets done = { 0 };
	struct prefix x = P("192.0.2.0/24");

	ck_assert(policy_route_map_apply(p, "ALL", &x, &in, &out, &done));
	ck_assert_uint_eq(out.med, 1);
	ck_assert(!policy_route_map_apply(p, "NOCL", &x, &in, &out, &done));	/* list missing */
	ck_assert(!policy_route_map_apply(p, "NOSUCH", &x, &in, &out, &done));
	ck_assert(!policy_route_map_apply(NULL, "RM", &x, &in, &out, &done));
	/* a neighbor's filter: prefix-list first, then route-map; "" = none */
	ck_assert(policy_filter(p, "", "", &x, &in, &out, &done));
	ck_assert(!policy_filter(p, "BOGONS", "ALL", &x, &in, &out, &done));
	ck_assert(policy_filter(p, "", "ALL", &x, &in, &out, &done));
	policy_free(p);
}
END_TEST

START_TEST(communities_parse_as_frr_writes_them)
{
	uint32_t c;

	ck_assert_int_eq(policy_community_parse("65000:1", &c), 0);
	ck_assert_uint_eq(c, 65000u << 16 | 1);
	ck_assert_int_eq(policy_community_parse("no-export", &c), 0);
	ck_assert_uint_eq(c, 0xffffff01);
	ck_assert_int_eq(policy_community_parse("65536:1", &c), -EINVAL);
	ck_assert_int_eq(policy_community_parse("1:", &c), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ inbound (rde.c) */

#define ORIGIN_IGP	0x40, 1, 1, 0
#define ASPATH		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9		/* 65001 */
#define NH		0x40, 3, 4, 10, 0, 0, 1
#define BASE		ORIGIN_IGP, ASPATH, NH

struct fx {
	struct event_base	*base;
	struct bgp		*b;
	struct peer		*p;
};

static void
fx_up(struct fx *f, bool requires_policy)
{
	struct peer_cfg cfg;
	struct in_addr a = { htonl(IP(10, 0, 0, 1)) };

	memset(f, 0, sizeof(*f));
	log_init(stderr, "test", LOG_CRIT);
	f->base = event_base_new();
	f->b = bgp_new(f->base, OUR_AS, IP(1, 1, 1, 1));
	peer_cfg_init(&cfg, a, PEER_AS);
	cfg.ebgp_requires_policy = requires_policy;
	ck_assert_int_eq(bgp_peer_add(f->b, &cfg, &f->p), 0);
	f->p->state = PEER_ESTABLISHED;
	f->p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = true };
	f->p->remote_id = 0x02020202;
	f->p->local.sin_addr.s_addr = htonl(IP(10, 0, 0, 9));
	f->p->hooks.up(f->p, f->p->hooks.arg);
}

static void
fx_down(struct fx *f)
{
	bgp_free(f->b);
	event_base_free(f->base);
}

/* One UPDATE announcing 192.0.2.0/24 and 10.1.0.0/16 with attributes at. */
static void
fx_announce(struct fx *f, const uint8_t *at, size_t alen)
{
	static const uint8_t nlri[] = { 24, 192, 0, 2, 16, 10, 1 };
	uint8_t body[256], *copy;
	struct bgp_err e;
	struct cursor c;
	size_t n = 4 + alen + sizeof(nlri);

	body[0] = 0, body[1] = 0, body[2] = 0, body[3] = (uint8_t)alen;
	memcpy(body + 4, at, alen);
	memcpy(body + 4 + alen, nlri, sizeof(nlri));
	copy = unit_heap(body, n);
	c = cur_init(copy, n);
	ck_assert_int_eq(f->p->hooks.update(f->p, &c, &e, f->p->hooks.arg), 0);
	free(copy);
}

/* The RIB's path of pfx, or false. */
static bool
fx_path(const struct fx *f, const char *pfx, struct rib_path_info *pi)
{
	struct prefix x = P(pfx);
	const struct rib_route *r = rib_lookup(rde_rib(f->b->rde), &x);

	if (r == NULL || rib_route_npaths(r) != 1)
		return false;
	rib_route_path(rde_rib(f->b->rde), r, 0, pi);
	return true;
}

/* prefix-list IN: 192.0.2.0/24 only; route-map LP: set local-preference 250, community 65000:7 */
static struct policy *
in_policy(bool permit_doc)
{
	struct policy *p = policy_new();
	struct conf_rm_entry lp = { .seq = 10, .permit = true, .set_local_pref_set = true,
	    .set_local_pref = 250, .set_community_set = true, .set_community = "65000:7" };

	pl(p, "IN", 10, permit_doc, "192.0.2.0/24", 0, 0);
	ck_assert_int_eq(policy_add_route_map(p, "LP", &lp), 0);
	policy_finish(p);
	return p;
}

START_TEST(inbound_prefix_list_keeps_denied_prefixes_out_of_the_rib)
{
	static const uint8_t at[] = { BASE };
	struct rib_path_info pi;
	struct fx f;

	fx_up(&f, false);
	fx_announce(&f, at, sizeof(at));		/* no policy: both in */
	ck_assert(fx_path(&f, "192.0.2.0/24", &pi) && fx_path(&f, "10.1.0.0/16", &pi));
	rde_policy_set(f.b->rde, in_policy(true));
	snprintf(f.p->cfg.prefix_list_in, sizeof(f.p->cfg.prefix_list_in), "IN");
	fx_announce(&f, at, sizeof(at));		/* as a route refresh would */
	ck_assert(fx_path(&f, "192.0.2.0/24", &pi));
	ck_assert(!fx_path(&f, "10.1.0.0/16", &pi));	/* accepted before, withdrawn now */
	rde_policy_set(f.b->rde, in_policy(false));	/* seq 10 now deny */
	fx_announce(&f, at, sizeof(at));
	ck_assert(!fx_path(&f, "192.0.2.0/24", &pi));
	ck_assert(!fx_path(&f, "10.1.0.0/16", &pi));
	fx_down(&f);
}
END_TEST

START_TEST(inbound_route_map_sets_local_pref_of_an_ebgp_route)
{
	static const uint8_t at[] = { BASE };
	struct rib_path_info pi;
	const struct attr_set *a;
	struct fx f;

	fx_up(&f, true);			/* RFC 8212 on: a route-map in is a policy */
	rde_policy_set(f.b->rde, in_policy(true));
	snprintf(f.p->cfg.route_map_in, sizeof(f.p->cfg.route_map_in), "LP");
	fx_announce(&f, at, sizeof(at));
	ck_assert(fx_path(&f, "192.0.2.0/24", &pi));
	ck_assert_uint_eq(pi.attrs->local_pref, 250);
	a = pi.attrs->cookie;			/* what show and the Adj-RIB-Out read */
	ck_assert_uint_eq(a->ncomms, 1);
	ck_assert_uint_eq(a->comms[0], 65000u << 16 | 7);
	ck_assert(fx_path(&f, "10.1.0.0/16", &pi));
	ck_assert_uint_eq(pi.attrs->local_pref, 250);
	fx_down(&f);
}
END_TEST

START_TEST(rfc8212_ebgp_without_inbound_policy_accepts_nothing)
{
	static const uint8_t at[] = { BASE };
	struct rib_path_info pi;
	struct rde_counters c;
	struct fx f;

	fx_up(&f, true);
	fx_announce(&f, at, sizeof(at));
	ck_assert(!fx_path(&f, "192.0.2.0/24", &pi));
	ck_assert(rde_counters_get(f.b->rde, f.p, &c));
	ck_assert_uint_eq(c.events[RDE_EV_POLICY], 1);
	rde_policy_set(f.b->rde, in_policy(true));
	snprintf(f.p->cfg.prefix_list_in, sizeof(f.p->cfg.prefix_list_in), "IN");
	fx_announce(&f, at, sizeof(at));
	ck_assert(fx_path(&f, "192.0.2.0/24", &pi));
	ck_assert(!fx_path(&f, "10.1.0.0/16", &pi));
	fx_down(&f);
}
END_TEST

/* ------------------------------------------------------------ outbound (adj_out.c) */

struct eng {
	struct event_base	*base;
	struct bgp		*b;
	struct peer		*p;
	struct bufferevent	*pair[2];
	struct attrs_tab	*tab;
	struct update_msg	 u;
	struct prefix		 ann[16], wd[16];
	uint32_t		 med[16];
	bool			 has_med[16], has_lp[16];
	size_t			 nann, nwd;
};

/* Networks 20.0.0.0/24 .. 20.0.3.0/24; an eBGP peer that reads. */
static void
eng_up(struct eng *e, struct policy *pol, const char *pl_out, const char *rm_out)
{
	struct peer_cfg cfg;
	struct prefix v[4];

	memset(e, 0, sizeof(*e));
	log_init(stderr, "test", LOG_CRIT);
	e->base = event_base_new();
	e->b = bgp_new(e->base, OUR_AS, IP(1, 1, 1, 1));
	rde_policy_set(e->b->rde, pol);
	peer_cfg_init(&cfg, (struct in_addr){ htonl(IP(10, 0, 0, 1)) }, PEER_AS);
	cfg.ebgp_requires_policy = true;
	snprintf(cfg.prefix_list_out, sizeof(cfg.prefix_list_out), "%s", pl_out);
	snprintf(cfg.route_map_out, sizeof(cfg.route_map_out), "%s", rm_out);
	ck_assert_int_eq(bgp_peer_add(e->b, &cfg, &e->p), 0);
	ck_assert_int_eq(bufferevent_pair_new(e->base, 0, e->pair), 0);
	e->p->conn = conn_new(e->p, e->pair[0], true);
	bufferevent_enable(e->pair[1], EV_READ);
	e->p->state = PEER_ESTABLISHED;
	e->p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = true };
	e->p->local.sin_addr.s_addr = htonl(IP(10, 0, 0, 9));
	for (uint32_t i = 0; i < 4; i++)
		v[i] = (struct prefix){ IP(20, 0, i, 0), 24 };
	adj_out_networks_set(rde_adj_out(e->b->rde), v, 4);
	e->tab = attrs_tab_new();
	msg_update_init(&e->u);
	e->p->hooks.up(e->p, e->p->hooks.arg);
}

/* Run the loop, then collect what the far end got since the last call. */
static void
eng_run(struct eng *e)
{
	struct evbuffer *in = bufferevent_get_input(e->pair[1]);
	uint8_t hdr[BGP_HDR_LEN], *m;
	size_t len;

	e->nann = e->nwd = 0;
	for (int i = 0; i < 20; i++)
		event_base_loop(e->base, EVLOOP_NONBLOCK);
	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == (ev_ssize_t)sizeof(hdr)) {
		len = (size_t)hdr[16] << 8 | hdr[17];
		m = malloc(len);
		ck_assert_int_eq(evbuffer_remove(in, m, len), (int)len);
		if (hdr[18] == BGP_UPDATE) {
			struct cursor c = cur_init(m + BGP_HDR_LEN, len - BGP_HDR_LEN);

			ck_assert_int_eq(msg_update_parse(&c, &e->p->ctx, e->tab, &e->u), V_OK);
			for (size_t i = 0; i < e->u.nannounced && e->nann < 16; i++, e->nann++) {
				e->ann[e->nann] = e->u.announced[i].pfx;
				e->has_med[e->nann] = e->u.attrs->present & ATTRF(ATTR_MED);
				e->has_lp[e->nann] = e->u.attrs->present & ATTRF(ATTR_LOCAL_PREF);
				e->med[e->nann] = e->u.attrs->med;
			}
			for (size_t i = 0; i < e->u.nwithdrawn && e->nwd < 16; i++)
				e->wd[e->nwd++] = e->u.withdrawn[i].pfx;
		}
		free(m);
	}
}

static void
eng_down(struct eng *e)
{
	bufferevent_free(e->pair[1]);
	bgp_free(e->b);
	msg_update_fini(&e->u);
	ck_assert_uint_eq(attrs_tab_free(e->tab), 0);
	event_base_free(e->base);
}

static int
ann_find(const struct eng *e, const char *pfx)
{
	struct prefix x = P(pfx);

	for (size_t i = 0; i < e->nann; i++)
		if (prefix_cmp(&e->ann[i], &x) == 0)
			return (int)i;
	return -1;
}

START_TEST(outbound_prefix_list_limits_what_the_peer_gets)
{
	struct policy *p = policy_new();
	struct eng e;

	pl(p, "OUT", 10, true, "20.0.0.0/23", 24, 24);	/* 20.0.0.0/24, 20.0.1.0/24 */
	policy_finish(p);
	eng_up(&e, p, "OUT", "");
	eng_run(&e);
	ck_assert_uint_eq(e.nann, 2);
	ck_assert_int_ge(ann_find(&e, "20.0.0.0/24"), 0);
	ck_assert_int_ge(ann_find(&e, "20.0.1.0/24"), 0);
	/* the list changes: the table is decided again, only the difference goes out */
	p = policy_new();
	pl(p, "OUT", 10, true, "20.0.1.0/24", 0, 0);
	pl(p, "OUT", 20, true, "20.0.2.0/24", 0, 0);
	policy_finish(p);
	rde_policy_set(e.b->rde, p);
	adj_out_resend(rde_adj_out(e.b->rde), e.p);
	eng_run(&e);
	ck_assert_uint_eq(e.nann, 1);
	ck_assert_int_ge(ann_find(&e, "20.0.2.0/24"), 0);
	ck_assert_uint_eq(e.nwd, 1);
	ck_assert_uint_eq(prefix_cmp(&e.wd[0], &(struct prefix){ IP(20, 0, 0, 0), 24 }), 0);
	eng_down(&e);
}
END_TEST

START_TEST(outbound_route_map_sets_med_and_denies)
{
	struct policy *p = policy_new();
	struct conf_rm_entry deny = { .seq = 10, .match_prefix_list = "TWO" };
	struct conf_rm_entry med = { .seq = 20, .permit = true, .set_metric_set = true,
	    .set_metric = 55, .set_local_pref_set = true, .set_local_pref = 5 };
	struct eng e;
	int i;

	pl(p, "TWO", 10, true, "20.0.2.0/24", 0, 0);
	ck_assert_int_eq(policy_add_route_map(p, "RM", &deny), 0);
	ck_assert_int_eq(policy_add_route_map(p, "RM", &med), 0);
	policy_finish(p);
	eng_up(&e, p, "", "RM");
	eng_run(&e);
	ck_assert_uint_eq(e.nann, 3);
	ck_assert_int_lt(ann_find(&e, "20.0.2.0/24"), 0);
	ck_assert_int_ge((i = ann_find(&e, "20.0.3.0/24")), 0);
	ck_assert(e.has_med[i]);
	ck_assert_uint_eq(e.med[i], 55);
	ck_assert(!e.has_lp[i]);		/* set local-preference: never to eBGP */
	eng_down(&e);
}
END_TEST

START_TEST(rfc8212_ebgp_without_outbound_policy_gets_nothing)
{
	struct eng e;

	eng_up(&e, policy_new(), "", "");
	eng_run(&e);
	ck_assert_uint_eq(e.nann, 0);
	eng_down(&e);
}
END_TEST

START_TEST(network_route_map_sets_attributes_or_keeps_it_unannounced)
{
	struct policy *p = policy_new();
	struct conf_rm_entry lp = { .seq = 10, .permit = true, .set_local_pref_set = true,
	    .set_local_pref = 333, .set_metric_set = true, .set_metric = 9 };
	struct conf_rm_entry deny = { .seq = 10 };
	const struct rib *rib;
	const struct rib_route *r;
	struct rib_path_info pi;
	struct eng e;
	int i;

	ck_assert_int_eq(policy_add_route_map(p, "LP", &lp), 0);
	ck_assert_int_eq(policy_add_route_map(p, "NO", &deny), 0);
	ck_assert_int_eq(policy_add_network(p, "20.0.0.0/24", "LP"), 0);
	ck_assert_int_eq(policy_add_network(p, "20.0.1.0/24", "NO"), 0);
	ck_assert_int_eq(policy_add_prefix_list(p, "ALL", NULL), 0);	/* empty: permits */
	policy_finish(p);
	eng_up(&e, p, "ALL", "");
	rib = rde_rib(e.b->rde);
	ck_assert_ptr_null(rib_lookup(rib, &(struct prefix){ IP(20, 0, 1, 0), 24 }));
	ck_assert_ptr_nonnull((r = rib_lookup(rib, &(struct prefix){ IP(20, 0, 0, 0), 24 })));
	rib_route_path(rib, r, 0, &pi);
	ck_assert_uint_eq(pi.attrs->local_pref, 333);
	eng_run(&e);
	ck_assert_uint_eq(e.nann, 3);
	ck_assert_int_ge((i = ann_find(&e, "20.0.0.0/24")), 0);
	ck_assert_uint_eq(e.med[i], 9);
	eng_down(&e);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		prefix_list_matching_follows_frr,
		route_map_entries_in_order_match_then_set,
		route_map_without_match_takes_all_and_missing_objects_deny,
		communities_parse_as_frr_writes_them,
		inbound_prefix_list_keeps_denied_prefixes_out_of_the_rib,
		inbound_route_map_sets_local_pref_of_an_ebgp_route,
		rfc8212_ebgp_without_inbound_policy_accepts_nothing,
		outbound_prefix_list_limits_what_the_peer_gets,
		outbound_route_map_sets_med_and_denies,
		rfc8212_ebgp_without_outbound_policy_gets_nothing,
		network_route_map_sets_attributes_or_keeps_it_unannounced,
	};

	return unit_run("policy", tests, UNIT_COUNT(tests));
}
