/*
 * tests/unit/test_adj_out.c - the export rules (bgpd/adj_out_rules.c),
 * table-driven: where a best path came from x whom it goes to -> sent or
 * not, and next hop, AS path, LOCAL_PREF, MED, ORIGINATOR_ID, CLUSTER_LIST.
 * Then the engine (bgpd/adj_out.c) on bufferevent pairs: pausing on a slow
 * peer, and RFC 7911 ADD-PATH send to route-reflector clients.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/adj_out.h"
#include "bgpd/attrs.h"
#include "bgpd/msg.h"
#include "bgpd/peer.h"
#include "bgpd/peer_cfg.h"
#include "bgpd/rde.h"
#include "bgpd/session.h"
#include "tests/unit/unit.h"

#define OUR_AS		65000u
#define CID		0x0a0a0a0au
#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static const struct ao_from F_LOCAL = { .local = true, .router_id = IP(1, 1, 1, 1) };
static const struct ao_from F_EBGP = { .ebgp = true, .addr = IP(10, 0, 0, 2),
	.router_id = IP(2, 2, 2, 2) };
static const struct ao_from F_IBGP = { .addr = IP(10, 0, 1, 2), .router_id = IP(3, 3, 3, 3) };
static const struct ao_from F_CLIENT = { .rr_client = true, .addr = IP(10, 0, 2, 2),
	.router_id = IP(4, 4, 4, 4) };

#define EBGP_AT(as, a, pol)	{ .ebgp = true, .addr = (a), .remote_as = (as), \
	.requires_policy = (pol), .local_as = OUR_AS, .local_addr = IP(10, 0, 5, 1) }
#define TO_EBGP(as)		EBGP_AT(as, IP(10, 0, 5, 2), false)
#define IBGP_AT(a, client, nhs)	{ .addr = (a), .remote_as = OUR_AS, .rr_client = (client), \
	.next_hop_self = (nhs), .local_as = OUR_AS, .local_addr = IP(10, 0, 6, 1) }
#define TO_IBGP()		IBGP_AT(IP(10, 0, 6, 2), false, false)
#define NOT_SENT		false, 0, 0, 0, false, 0, 0

/* What the path carries in: an eBGP-learned path has AS 65001 first. */
enum { IN_EBGP = 1, IN_MED = 2, IN_LP300 = 4, IN_REFLECTED = 8 };

static const struct {
	const char	*name;
	struct ao_from	 from;
	struct ao_to	 to;
	unsigned	 in;
	bool		 sent;
	uint32_t	 nexthop;	/* expected */
	uint16_t	 aspath_asns;	/* ASNs in the one AS_SEQUENCE, 0: empty */
	int64_t		 local_pref;	/* -1: absent */
	bool		 med;
	uint32_t	 originator;	/* 0: absent */
	uint16_t	 ncluster;
} rows[] = {
	{ "local to eBGP: our AS, our address, MED kept", F_LOCAL, TO_EBGP(65005), IN_MED,
	  true, IP(10, 0, 5, 1), 1, -1, true, 0, 0 },
	{ "eBGP to eBGP: prepended, MED not passed on", F_EBGP, TO_EBGP(65005), IN_EBGP | IN_MED,
	  true, IP(10, 0, 5, 1), 2, -1, false, 0, 0 },
	{ "eBGP to eBGP whose AS is in the path: not sent", F_EBGP, TO_EBGP(65001), IN_EBGP, NOT_SENT },
	{ "eBGP back to the same peer: split horizon", F_EBGP,
	  EBGP_AT(65001, IP(10, 0, 0, 2), false), IN_EBGP, NOT_SENT },
	{ "RFC 8212: eBGP without outbound policy gets nothing", F_EBGP,
	  EBGP_AT(65005, IP(10, 0, 5, 2), true), IN_EBGP, NOT_SENT },
	{ "local to eBGP not activated: nothing", F_LOCAL,
	  { .ebgp = true, .not_activated = true, .remote_as = 65005, .local_as = OUR_AS }, 0, NOT_SENT },
	{ "local to iBGP not activated: nothing", F_LOCAL,
	  { .not_activated = true, .remote_as = OUR_AS, .local_as = OUR_AS }, 0, NOT_SENT },
	{ "client to client not activated: nothing", F_CLIENT,
	  { .rr_client = true, .not_activated = true, .addr = IP(10, 0, 6, 2), .remote_as = OUR_AS,
	    .local_as = OUR_AS }, 0, NOT_SENT },
	{ "eBGP to iBGP: next hop unchanged, LOCAL_PREF ours not theirs", F_EBGP, TO_IBGP(),
	  IN_EBGP | IN_MED | IN_LP300, true, IP(10, 0, 0, 2), 1, 100, true, 0, 0 },
	{ "eBGP to iBGP with next-hop-self: our address", F_EBGP,
	  IBGP_AT(IP(10, 0, 6, 2), false, true), IN_EBGP, true, IP(10, 0, 6, 1), 1, 100, false, 0, 0 },
	{ "local to iBGP: our address, LOCAL_PREF 100", F_LOCAL, TO_IBGP(), 0,
	  true, IP(10, 0, 6, 1), 0, 100, false, 0, 0 },
	{ "iBGP to iBGP non-client: not sent", F_IBGP, TO_IBGP(), IN_LP300, NOT_SENT },
	{ "iBGP to iBGP non-client with next-hop-self: still not sent", F_IBGP,
	  IBGP_AT(IP(10, 0, 6, 2), false, true), IN_LP300, NOT_SENT },
	{ "non-client to client: reflected", F_IBGP, IBGP_AT(IP(10, 0, 6, 2), true, false), IN_LP300,
	  true, IP(10, 0, 1, 2), 0, 300, false, IP(3, 3, 3, 3), 1 },
	{ "client to non-client: reflected", F_CLIENT, TO_IBGP(), 0,
	  true, IP(10, 0, 2, 2), 0, 100, false, IP(4, 4, 4, 4), 1 },
	{ "client to client, already reflected: originator kept, cluster-id in front",
	  F_CLIENT, IBGP_AT(IP(10, 0, 6, 2), true, false), IN_REFLECTED,
	  true, IP(10, 0, 2, 2), 0, 100, false, IP(9, 9, 9, 9), 2 },
	{ "client back to itself: split horizon", F_CLIENT,
	  IBGP_AT(IP(10, 0, 2, 2), true, false), 0, NOT_SENT },
	{ "client to eBGP: no ORIGINATOR_ID, CLUSTER_LIST, LOCAL_PREF or MED", F_CLIENT,
	  TO_EBGP(65005), IN_REFLECTED | IN_MED | IN_LP300,
	  true, IP(10, 0, 5, 1), 1, -1, false, 0, 0 },
};

static const uint32_t path_ebgp[] = { AS_SEQUENCE << 16 | 1, 65001 };
static const uint32_t cluster_in[] = { IP(7, 7, 7, 7) };

static void
input_fill(unsigned in, struct attr_set *a)
{
	memset(a, 0, sizeof(*a));
	a->present = ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) | ATTRF(ATTR_NEXT_HOP);
	a->nexthop = in & IN_EBGP ? IP(10, 0, 0, 2) : 0;
	if (in & IN_EBGP) {
		a->aspath = path_ebgp;
		a->aspath_words = 2;
	}
	if (in & IN_MED)
		a->present |= ATTRF(ATTR_MED), a->med = 7;
	if (in & IN_LP300)
		a->present |= ATTRF(ATTR_LOCAL_PREF), a->local_pref = 300;
	if (in & IN_REFLECTED) {
		a->present |= ATTRF(ATTR_ORIGINATOR_ID) | ATTRF(ATTR_CLUSTER_LIST);
		a->originator_id = IP(9, 9, 9, 9);
		a->cluster = cluster_in;
		a->ncluster = 1;
	}
}

/* Non-client paths come with a next hop of their own too. */
static void
input_fix_ibgp(const struct ao_from *f, struct attr_set *a)
{
	if (!f->local && !f->ebgp && a->nexthop == 0)
		a->nexthop = f->addr;
}

static void
check_row(size_t i, const struct attr_set *o)
{
	const char *n = rows[i].name;

	ck_assert_msg(o->nexthop == rows[i].nexthop, "%s: next hop %08x", n, o->nexthop);
	if (rows[i].aspath_asns == 0)
		ck_assert_msg(o->aspath_words == 0, "%s: AS path not empty", n);
	else {
		ck_assert_msg(o->aspath_words == rows[i].aspath_asns + 1u, "%s: AS path words", n);
		ck_assert_msg(o->aspath[0] == (AS_SEQUENCE << 16 | rows[i].aspath_asns) &&
		    o->aspath[1] == (rows[i].to.ebgp ? OUR_AS : 65001), "%s: first AS", n);
	}
	ck_assert_msg(((o->present & ATTRF(ATTR_LOCAL_PREF)) != 0) == (rows[i].local_pref >= 0),
	    "%s: LOCAL_PREF presence", n);
	if (rows[i].local_pref >= 0)
		ck_assert_msg(o->local_pref == rows[i].local_pref, "%s: LOCAL_PREF %u", n,
		    o->local_pref);
	ck_assert_msg(((o->present & ATTRF(ATTR_MED)) != 0) == rows[i].med, "%s: MED", n);
	ck_assert_msg(((o->present & ATTRF(ATTR_ORIGINATOR_ID)) != 0) == (rows[i].originator != 0),
	    "%s: ORIGINATOR_ID presence", n);
	if (rows[i].originator)
		ck_assert_msg(o->originator_id == rows[i].originator, "%s: ORIGINATOR_ID", n);
	ck_assert_msg(o->ncluster == rows[i].ncluster, "%s: CLUSTER_LIST length %u", n, o->ncluster);
	if (o->ncluster > 0)
		ck_assert_msg(o->cluster[0] == CID, "%s: cluster-id not first", n);
	if (o->ncluster > 1)
		ck_assert_msg(o->cluster[1] == IP(7, 7, 7, 7), "%s: old CLUSTER_LIST lost", n);
}

START_TEST(export_rules_table)
{
	static struct ao_scratch s;
	struct attr_set in, out;

	for (size_t i = 0; i < UNIT_COUNT(rows); i++) {
		bool sent;

		input_fill(rows[i].in, &in);
		input_fix_ibgp(&rows[i].from, &in);
		sent = adj_out_export(&rows[i].from, &rows[i].to, CID, &in, &out, &s);
		ck_assert_msg(sent == rows[i].sent, "%s: sent %d", rows[i].name, sent);
		if (sent)
			check_row(i, &out);
	}
}
END_TEST

START_TEST(exported_sets_intern_to_one_per_distinct_content)
{
	static struct ao_scratch s;
	struct attrs_tab *tab = attrs_tab_new();
	struct ao_to t = TO_EBGP(65005);
	struct attr_set in, out;
	const struct attr_set *a, *b;

	input_fill(IN_EBGP, &in);
	ck_assert(adj_out_export(&F_EBGP, &t, CID, &in, &out, &s));
	a = attrs_get(tab, &out);
	ck_assert(adj_out_export(&F_EBGP, &t, CID, &in, &out, &s));
	b = attrs_get(tab, &out);
	ck_assert_ptr_eq(a, b);		/* one UPDATE group for equal exports */
	attrs_put(a);
	attrs_put(b);
	ck_assert_uint_eq(attrs_tab_free(tab), 0);
}
END_TEST

START_TEST(an_as_path_too_long_to_prepend_is_not_sent)
{
	static struct ao_scratch s;
	static uint32_t longpath[AO_ASPATH_MAX + 1];
	struct ao_to t = TO_EBGP(65005);
	struct attr_set in, out;

	input_fill(IN_EBGP, &in);
	longpath[0] = AS_SEQUENCE << 16 | 255;
	for (size_t i = 1; i < UNIT_COUNT(longpath); i++)
		longpath[i] = (i % 256) == 0 ? (AS_SEQUENCE << 16 | 255) : 65100;
	in.aspath = longpath;
	in.aspath_words = AO_ASPATH_MAX;
	ck_assert(!adj_out_export(&F_EBGP, &t, CID, &in, &out, &s));
}
END_TEST

/* ---------------------------------------------------- the engine, on a pair */

#define NNETS		300000		/* /32s: ~1.5 MB of NLRI, above AO_OUT_HIGH */

struct eng {
	struct event_base	*base;
	struct bgp		*b;
	struct peer		*p;
	struct bufferevent	*pair[2];
	struct attrs_tab	*tab;
	struct update_msg	 u;
	size_t			 updates, announced, after_eor;
	bool			 eor;
};

static void
eng_up(struct eng *e)
{
	struct peer_cfg cfg;
	struct in_addr a = { htonl(IP(10, 0, 0, 1)) };
	struct prefix *v = calloc(NNETS, sizeof(*v));

	memset(e, 0, sizeof(*e));
	log_init(stderr, "test", LOG_CRIT);
	e->base = event_base_new();
	e->b = bgp_new(e->base, OUR_AS, IP(1, 1, 1, 1));
	peer_cfg_init(&cfg, a, 65001);
	ck_assert_int_eq(bgp_peer_add(e->b, &cfg, &e->p), 0);
	ck_assert_int_eq(bufferevent_pair_new(e->base, 0, e->pair), 0);
	e->p->conn = conn_new(e->p, e->pair[0], true);
	bufferevent_disable(e->pair[1], EV_READ);	/* a peer that does not read */
	e->p->state = PEER_ESTABLISHED;
	e->p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = true };
	e->p->local.sin_addr.s_addr = htonl(IP(10, 0, 0, 9));
	for (size_t i = 0; i < NNETS; i++)
		v[i] = (struct prefix){ IP(20, 0, 0, 0) + (uint32_t)i, 32 };
	adj_out_networks_set(rde_adj_out(e->b->rde), v, NNETS);
	free(v);
	e->tab = attrs_tab_new();
	msg_update_init(&e->u);
	e->p->hooks.up(e->p, e->p->hooks.arg);
}

/* Parse what the far end got so far: count UPDATEs and prefixes, spot End-of-RIB. */
static void
eng_read(struct eng *e)
{
	struct evbuffer *in = bufferevent_get_input(e->pair[1]);
	uint8_t hdr[BGP_HDR_LEN], *m;
	size_t len;

	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == (ev_ssize_t)sizeof(hdr)) {
		len = (size_t)hdr[16] << 8 | hdr[17];
		if (evbuffer_get_length(in) < len)
			return;
		m = malloc(len);
		ck_assert_int_eq(evbuffer_remove(in, m, len), (int)len);
		if (hdr[18] == BGP_UPDATE) {
			struct cursor c = cur_init(m + BGP_HDR_LEN, len - BGP_HDR_LEN);

			ck_assert_int_eq(msg_update_parse(&c, &e->p->ctx, e->tab, &e->u), V_OK);
			e->after_eor += e->eor;
			e->eor |= e->u.eor;
			e->updates += !e->u.eor;
			e->announced += e->u.nannounced;
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

START_TEST(a_peer_that_does_not_read_pauses_the_dump_which_resumes_on_drain)
{
	struct eng e;
	size_t turns;

	eng_up(&e);
	for (int i = 0; i < 400; i++)
		event_base_loop(e.base, EVLOOP_NONBLOCK);
	/* bounded: at most one chunk of UPDATEs beyond the high mark, the rest waits */
	ck_assert_uint_gt(peer_out_queued(e.p), AO_OUT_HIGH / 2);
	ck_assert_uint_le(peer_out_queued(e.p), AO_OUT_HIGH + AO_FLUSH_CHUNK * 64);
	bufferevent_enable(e.pair[1], EV_READ);
	for (turns = 0; turns < 100000 && !e.eor; turns++) {
		event_base_loop(e.base, EVLOOP_NONBLOCK);
		eng_read(&e);
	}
	ck_assert_msg(e.eor, "no End-of-RIB after %zu turns", turns);
	ck_assert_uint_eq(e.announced, NNETS);		/* every network, once */
	ck_assert_uint_eq(e.after_eor, 0);		/* End-of-RIB comes last */
	ck_assert_uint_lt(e.updates, NNETS / 500);	/* grouped: ~800 per UPDATE */
	eng_down(&e);
}
END_TEST

/* ------------------------------------- ADD-PATH send, on a route reflector */

#define RX_MAX		16
#define PFX_C		((struct prefix){ IP(10, 41, 0, 0), 24 })

/* What one far end has received so far (path ids as the peer parses them). */
struct rx {
	struct nlri	ann[RX_MAX];
	uint32_t	ann_nh[RX_MAX];
	size_t		nann;
	struct nlri	wd[RX_MAX];
	size_t		nwd;
};

struct rr_nbr {
	struct peer		*p;
	struct bufferevent	*far;
	struct rx		 rx;
};

struct rr {
	struct event_base	*base;
	struct bgp		*bgp;
	struct attrs_tab	*tab;
	struct update_msg	 u;
	struct rr_nbr		 a, b, c, d;	/* a, b: site C's two sessions; c, d: clients */
};

static void
rr_nbr_up(struct rr *r, struct rr_nbr *n, uint32_t addr, bool addpath_tx)
{
	struct peer_cfg cfg;
	struct bufferevent *pair[2];

	memset(n, 0, sizeof(*n));
	peer_cfg_init(&cfg, (struct in_addr){ htonl(addr) }, OUR_AS);
	cfg.rr_client = true;
	cfg.addpath_tx = addpath_tx;
	ck_assert_int_eq(bgp_peer_add(r->bgp, &cfg, &n->p), 0);
	ck_assert_int_eq(bufferevent_pair_new(r->base, 0, pair), 0);
	n->p->conn = conn_new(n->p, pair[0], true);
	n->far = pair[1];
	bufferevent_enable(n->far, EV_READ);
	n->p->state = PEER_ESTABLISHED;
	n->p->ctx = (struct msg_ctx){ .as4 = true, .addpath_tx = addpath_tx };
	n->p->remote_id = addr;
	n->p->local.sin_addr.s_addr = htonl(IP(10, 0, 0, 1));
	n->p->hooks.up(n->p, n->p->hooks.arg);
}

static void
rr_up(struct rr *r)
{
	memset(r, 0, sizeof(*r));
	log_init(stderr, "test", LOG_CRIT);
	r->base = event_base_new();
	r->bgp = bgp_new(r->base, OUR_AS, IP(1, 1, 1, 1));
	r->tab = attrs_tab_new();
	msg_update_init(&r->u);
	rr_nbr_up(r, &r->a, IP(10, 0, 1, 2), true);
	rr_nbr_up(r, &r->b, IP(10, 0, 2, 2), false);
	rr_nbr_up(r, &r->c, IP(10, 0, 3, 2), true);
	rr_nbr_up(r, &r->d, IP(10, 0, 4, 2), false);
}

/* Hand the RR an UPDATE from n for PFX_C: announce (next hop n, med) or withdraw. */
static void
rr_feed(struct rr *r, struct rr_nbr *n, bool announce, uint32_t med)
{
	struct attr_set tmpl = { .present = ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) |
	    ATTRF(ATTR_NEXT_HOP) | ATTRF(ATTR_LOCAL_PREF) | ATTRF(ATTR_MED),
	    .nexthop = ntohl(n->p->cfg.remote_addr.s_addr), .local_pref = 100, .med = med };
	struct msg_ctx ctx = { .as4 = true };
	struct nlri nl = { PFX_C, 0 };
	const struct attr_set *a = announce ? attrs_get(r->tab, &tmpl) : NULL;
	struct update_out o = { .attrs = a, .nlri = &nl, .n = 1 };
	struct wbuf w;
	struct bgp_err err;
	struct cursor body;

	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_update_write(&w, &ctx, &o), 0);
	body = cur_init(wbuf_data(&w) + BGP_HDR_LEN, wbuf_len(&w) - BGP_HDR_LEN);
	ck_assert_int_eq(n->p->hooks.update(n->p, &body, &err, n->p->hooks.arg), 0);
	wbuf_free(&w);
	attrs_put(a);
}

static void
rx_take(struct rr *r, struct rr_nbr *n)
{
	struct evbuffer *in = bufferevent_get_input(n->far);
	struct msg_ctx ctx = { .as4 = true, .addpath_rx = n->p->ctx.addpath_tx };
	uint8_t hdr[BGP_HDR_LEN], *m;
	size_t len;

	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == (ev_ssize_t)sizeof(hdr)) {
		len = (size_t)hdr[16] << 8 | hdr[17];
		if (evbuffer_get_length(in) < len)
			return;
		m = malloc(len);
		ck_assert_int_eq(evbuffer_remove(in, m, len), (int)len);
		if (hdr[18] == BGP_UPDATE) {
			struct cursor c = cur_init(m + BGP_HDR_LEN, len - BGP_HDR_LEN);

			ck_assert_int_eq(msg_update_parse(&c, &ctx, r->tab, &r->u), V_OK);
			for (size_t i = 0; i < r->u.nannounced; i++) {
				ck_assert_uint_lt(n->rx.nann, RX_MAX);
				n->rx.ann_nh[n->rx.nann] = r->u.attrs->nexthop;
				n->rx.ann[n->rx.nann++] = r->u.announced[i];
			}
			for (size_t i = 0; i < r->u.nwithdrawn; i++) {
				ck_assert_uint_lt(n->rx.nwd, RX_MAX);
				n->rx.wd[n->rx.nwd++] = r->u.withdrawn[i];
			}
		}
		free(m);
	}
}

/* Let the RR flush, then collect what each neighbor got since the last call. */
static void
rr_run(struct rr *r)
{
	struct rr_nbr *all[] = { &r->a, &r->b, &r->c, &r->d };

	for (size_t i = 0; i < UNIT_COUNT(all); i++)
		memset(&all[i]->rx, 0, sizeof(all[i]->rx));
	for (int i = 0; i < 20; i++)
		event_base_loop(r->base, EVLOOP_NONBLOCK);
	for (size_t i = 0; i < UNIT_COUNT(all); i++)
		rx_take(r, all[i]);
}

/* Index of the announcement with next hop nh, or -1. */
static int
rx_find_nh(const struct rx *x, uint32_t nh)
{
	for (size_t i = 0; i < x->nann; i++)
		if (x->ann_nh[i] == nh)
			return (int)i;
	return -1;
}

static void
rr_down(struct rr *r)
{
	bufferevent_free(r->a.far);
	bufferevent_free(r->b.far);
	bufferevent_free(r->c.far);
	bufferevent_free(r->d.far);
	bgp_free(r->bgp);
	msg_update_fini(&r->u);
	ck_assert_uint_eq(attrs_tab_free(r->tab), 0);
	event_base_free(r->base);
}

/* Site C's prefix over both of its sessions; returns C's path ids of a's and b's paths. */
static void
rr_two_paths(struct rr *r, uint32_t *id_a, uint32_t *id_b)
{
	int ia, ib;

	rr_run(r);			/* the dumps and End-of-RIBs of the empty table */
	rr_feed(r, &r->a, true, 0);
	rr_feed(r, &r->b, true, 0);
	rr_run(r);
	ck_assert_uint_eq(r->c.rx.nann, 2);
	ia = rx_find_nh(&r->c.rx, IP(10, 0, 1, 2));
	ib = rx_find_nh(&r->c.rx, IP(10, 0, 2, 2));
	ck_assert(ia >= 0 && ib >= 0);
	ck_assert(prefix_cmp(&r->c.rx.ann[ia].pfx, &PFX_C) == 0);
	ck_assert(prefix_cmp(&r->c.rx.ann[ib].pfx, &PFX_C) == 0);
	*id_a = r->c.rx.ann[ia].path_id;
	*id_b = r->c.rx.ann[ib].path_id;
	ck_assert_uint_ne(*id_a, *id_b);
}

START_TEST(addpath_client_gets_both_paths_of_a_prefix_with_distinct_ids)
{
	struct rr r;
	uint32_t id_a, id_b;

	rr_up(&r);
	rr_two_paths(&r, &id_a, &id_b);
	ck_assert_uint_ne(id_a, 0);
	ck_assert_uint_ne(id_b, 0);
	ck_assert_uint_eq(r.c.rx.nwd, 0);
	/* a (ADD-PATH too) gets b's path only: never its own back */
	ck_assert_uint_eq(r.a.rx.nann, 1);
	ck_assert_uint_eq(r.a.rx.ann_nh[0], IP(10, 0, 2, 2));
	/* d, without ADD-PATH: the best only, as before (a's: the lower router-id) */
	ck_assert_uint_eq(r.d.rx.nann, 1);
	ck_assert_uint_eq(r.d.rx.ann_nh[0], IP(10, 0, 1, 2));
	ck_assert_uint_eq(r.d.rx.ann[0].path_id, 0);
	rr_down(&r);
}
END_TEST

START_TEST(addpath_a_vanished_path_is_withdrawn_by_its_id_only)
{
	struct rr r;
	uint32_t id_a, id_b;

	rr_up(&r);
	rr_two_paths(&r, &id_a, &id_b);
	rr_feed(&r, &r.b, false, 0);	/* b's path is not the best: no selection change */
	rr_run(&r);
	ck_assert_uint_eq(r.c.rx.nann, 0);
	ck_assert_uint_eq(r.c.rx.nwd, 1);
	ck_assert_uint_eq(r.c.rx.wd[0].path_id, id_b);
	ck_assert(prefix_cmp(&r.c.rx.wd[0].pfx, &PFX_C) == 0);
	ck_assert_uint_eq(r.a.rx.nwd, 1);	/* a had b's path */
	ck_assert_uint_eq(r.d.rx.nann + r.d.rx.nwd, 0);	/* d's best is unchanged */
	rr_feed(&r, &r.a, false, 0);	/* the last path: gone everywhere */
	rr_run(&r);
	ck_assert_uint_eq(r.c.rx.nwd, 1);
	ck_assert_uint_eq(r.c.rx.wd[0].path_id, id_a);
	ck_assert_uint_eq(r.d.rx.nwd, 1);
	ck_assert_uint_eq(r.d.rx.wd[0].path_id, 0);
	rr_down(&r);
}
END_TEST

START_TEST(addpath_a_changed_path_is_reannounced_under_its_id)
{
	struct rr r;
	uint32_t id_a, id_b;

	rr_up(&r);
	rr_two_paths(&r, &id_a, &id_b);
	rr_feed(&r, &r.b, true, 50);	/* b's path gets a MED: still not the best */
	rr_run(&r);
	ck_assert_uint_eq(r.c.rx.nwd, 0);
	ck_assert_uint_eq(r.c.rx.nann, 1);
	ck_assert_uint_eq(r.c.rx.ann[0].path_id, id_b);
	ck_assert_uint_eq(r.c.rx.ann_nh[0], IP(10, 0, 2, 2));
	ck_assert_uint_eq(r.d.rx.nann + r.d.rx.nwd, 0);
	rr_down(&r);
}
END_TEST

/*
 * The neighbor a prefix came from never gets it back (split horizon), so its
 * Adj-RIB-Out keeps no entry for it, not even one queued until the flush: an
 * entry per prefix for the feeder's own session was the heap's high-water
 * mark at a full-table load (issue 5). With and without ADD-PATH.
 */
START_TEST(a_prefix_refused_to_its_source_takes_no_entry_there)
{
	for (int addpath = 0; addpath < 2; addpath++) {
		struct rr r;
		struct adj_out *ao;
		struct rr_nbr *src, *others[3];

		rr_up(&r);
		ao = rde_adj_out(r.bgp->rde);
		src = addpath ? &r.a : &r.b;
		others[0] = addpath ? &r.b : &r.a, others[1] = &r.c, others[2] = &r.d;
		rr_run(&r);
		rr_feed(&r, src, true, 0);
		ck_assert_uint_eq(adj_out_entries(ao, src->p), 0);
		for (size_t i = 0; i < 3; i++)
			ck_assert_uint_eq(adj_out_entries(ao, others[i]->p), 1);	/* queued */
		rr_run(&r);
		ck_assert_uint_eq(src->rx.nann + src->rx.nwd, 0);
		ck_assert_uint_eq(adj_out_entries(ao, src->p), 0);
		for (size_t i = 0; i < 3; i++) {
			ck_assert_uint_eq(others[i]->rx.nann, 1);
			ck_assert_uint_eq(adj_out_prefixes_sent(ao, others[i]->p), 1);
		}
		rr_feed(&r, src, false, 0);
		ck_assert_uint_eq(adj_out_entries(ao, src->p), 0);
		rr_run(&r);
		for (size_t i = 0; i < 3; i++) {
			ck_assert_uint_eq(others[i]->rx.nwd, 1);
			ck_assert_uint_eq(adj_out_entries(ao, others[i]->p), 0);
		}
		rr_down(&r);
	}
}
END_TEST

/* What was sent is still withdrawn when the best moves to the receiver itself. */
START_TEST(a_neighbor_whose_own_path_becomes_best_gets_the_old_one_withdrawn)
{
	struct rr r;
	struct adj_out *ao;

	rr_up(&r);
	ao = rde_adj_out(r.bgp->rde);
	rr_run(&r);
	rr_feed(&r, &r.d, true, 0);	/* d's path, to b */
	rr_run(&r);
	ck_assert_uint_eq(r.b.rx.nann, 1);
	ck_assert_uint_eq(r.b.rx.ann_nh[0], IP(10, 0, 4, 2));
	rr_feed(&r, &r.b, true, 0);	/* b's own wins (lower router-id) */
	rr_run(&r);
	ck_assert_uint_eq(r.b.rx.nann, 0);
	ck_assert_uint_eq(r.b.rx.nwd, 1);
	ck_assert(prefix_cmp(&r.b.rx.wd[0].pfx, &PFX_C) == 0);
	ck_assert_uint_eq(adj_out_entries(ao, r.b.p), 0);
	ck_assert_uint_eq(adj_out_prefixes_sent(ao, r.b.p), 0);
	ck_assert_uint_eq(r.d.rx.nann, 1);	/* and d now gets b's */
	ck_assert_uint_eq(r.d.rx.ann_nh[0], IP(10, 0, 2, 2));
	rr_feed(&r, &r.b, false, 0);	/* b's goes: d's comes back to b */
	rr_run(&r);
	ck_assert_uint_eq(r.b.rx.nann, 1);
	ck_assert_uint_eq(r.b.rx.ann_nh[0], IP(10, 0, 4, 2));
	ck_assert_uint_eq(r.d.rx.nwd, 1);
	rr_down(&r);
}
END_TEST

/* `no neighbor X send-community ...`: the named attributes go, the others stay. */
START_TEST(no_send_community_strips_only_what_it_names)
{
	static const uint32_t comms[] = { 65000u << 16 | 1 };
	static const uint64_t ext[] = { 0x0002fde800000001ull };
	static const struct lcomm large[] = { { 65000, 1, 2 } };
	static const struct {
		uint8_t	strip;
		bool	std, ext, large;
	} cases[] = {
		{ 0, true, true, true },
		{ PEER_SEND_STANDARD, false, true, true },
		{ PEER_SEND_EXTENDED, true, false, true },
		{ PEER_SEND_LARGE, true, true, false },
		{ PEER_SEND_ALL, false, false, false },
	};

	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct ao_to t = TO_EBGP(65005);
		struct attr_set o;

		input_fill(IN_EBGP, &o);
		o.present |= ATTRF(ATTR_COMMUNITIES) | ATTRF(ATTR_EXT_COMMUNITIES) |
		    ATTRF(ATTR_LARGE_COMMUNITIES);
		o.comms = comms, o.ncomms = 1;
		o.ext_comms = ext, o.next_comms = 1;
		o.lcomms = large, o.nlcomms = 1;
		t.strip = cases[i].strip;
		adj_out_strip_communities(&t, &o);
		ck_assert_uint_eq(o.ncomms, cases[i].std);
		ck_assert_uint_eq(o.next_comms, cases[i].ext);
		ck_assert_uint_eq(o.nlcomms, cases[i].large);
		ck_assert_uint_eq((o.present & ATTRF(ATTR_COMMUNITIES)) != 0, cases[i].std);
		ck_assert_uint_eq((o.present & ATTRF(ATTR_EXT_COMMUNITIES)) != 0, cases[i].ext);
		ck_assert_uint_eq((o.present & ATTRF(ATTR_LARGE_COMMUNITIES)) != 0, cases[i].large);
		ck_assert(o.present & ATTRF(ATTR_AS_PATH));	/* nothing else touched */
	}
}
END_TEST

/* ------------------------------- advertisement-interval (MRAI), a small table */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A reading eBGP peer and `network` prefixes 20.0.0.0/32 .. +n-1. */
static void
small_up(struct eng *e, uint16_t mrai, bool activated)
{
	struct peer_cfg cfg;
	struct in_addr a = { htonl(IP(10, 0, 0, 1)) };

	memset(e, 0, sizeof(*e));
	e->base = event_base_new();
	e->b = bgp_new(e->base, OUR_AS, IP(1, 1, 1, 1));
	peer_cfg_init(&cfg, a, 65001);
	cfg.mrai = mrai;
	cfg.ipv4_unicast = activated;
	ck_assert_int_eq(bgp_peer_add(e->b, &cfg, &e->p), 0);
	ck_assert_int_eq(bufferevent_pair_new(e->base, 0, e->pair), 0);
	e->p->conn = conn_new(e->p, e->pair[0], true);
	bufferevent_enable(e->pair[1], EV_READ);
	e->p->state = PEER_ESTABLISHED;
	e->p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = true };
	e->p->local.sin_addr.s_addr = htonl(IP(10, 0, 0, 9));
	e->tab = attrs_tab_new();
	msg_update_init(&e->u);
}

static void
small_nets(struct eng *e, size_t n)
{
	struct prefix v[8];

	for (size_t i = 0; i < n && i < UNIT_COUNT(v); i++)
		v[i] = (struct prefix){ IP(20, 0, 0, 0) + (uint32_t)i, 32 };
	adj_out_networks_set(rde_adj_out(e->b->rde), v, n);
}

static void
small_run(struct eng *e)
{
	for (int i = 0; i < 20; i++)
		event_base_loop(e->base, EVLOOP_NONBLOCK);
	eng_read(e);
}

START_TEST(changes_within_the_advertisement_interval_go_out_together_after_it)
{
	struct eng e;
	double eor_at, sent_at;

	log_init(stderr, "test", LOG_CRIT);
	small_up(&e, 1, true);
	small_nets(&e, 1);
	e.p->hooks.up(e.p, e.p->hooks.arg);
	small_run(&e);			/* the first table and End-of-RIB: not held back */
	ck_assert(e.eor);
	ck_assert_uint_eq(e.announced, 1);
	eor_at = now_s();
	e.updates = e.announced = 0;
	small_nets(&e, 2);		/* a change right after: held */
	small_run(&e);
	ck_assert_uint_eq(e.announced, 0);
	usleep(300 * 1000);
	small_nets(&e, 3);		/* another within the interval: held too */
	small_run(&e);
	ck_assert_uint_eq(e.announced, 0);
	while (e.announced == 0 && now_s() - eor_at < 3) {
		event_base_loop(e.base, EVLOOP_ONCE);	/* sleeps until the MRAI timer */
		eng_read(&e);
	}
	sent_at = now_s();
	ck_assert_uint_eq(e.announced, 2);	/* both, in one flush ... */
	ck_assert_uint_eq(e.updates, 1);	/* ... one UPDATE: equal attributes */
	ck_assert_msg(sent_at - eor_at >= 0.95, "sent after %.3fs", sent_at - eor_at);
	ck_assert_msg(sent_at - eor_at < 1.5, "sent after %.3fs", sent_at - eor_at);
	eng_down(&e);
}
END_TEST

START_TEST(advertisement_interval_0_sends_at_once)
{
	struct eng e;

	log_init(stderr, "test", LOG_CRIT);
	small_up(&e, 0, true);
	small_nets(&e, 1);
	e.p->hooks.up(e.p, e.p->hooks.arg);
	small_run(&e);
	e.announced = 0;
	small_nets(&e, 2);
	small_run(&e);
	ck_assert_uint_eq(e.announced, 1);
	eng_down(&e);
}
END_TEST

START_TEST(a_neighbor_not_activated_gets_only_end_of_rib_and_a_log_line)
{
	static char logs[2048];
	struct eng e;

	small_up(&e, 0, false);
	small_nets(&e, 3);
	unit_log_begin(logs, sizeof(logs));
	e.p->hooks.up(e.p, e.p->hooks.arg);
	small_run(&e);
	unit_log_end();
	log_init(stderr, "test", LOG_CRIT);
	ck_assert(e.eor);
	ck_assert_uint_eq(e.announced, 0);
	ck_assert_ptr_nonnull(strstr(logs, "IPv4 unicast not activated (no neighbor 10.0.0.1 "
	    "activate): nothing accepted from it, nothing announced to it"));
	ck_assert_ptr_null(strstr(logs, "RFC 8212"));	/* one line says it all */
	eng_down(&e);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		export_rules_table,
		exported_sets_intern_to_one_per_distinct_content,
		an_as_path_too_long_to_prepend_is_not_sent,
		a_peer_that_does_not_read_pauses_the_dump_which_resumes_on_drain,
		addpath_client_gets_both_paths_of_a_prefix_with_distinct_ids,
		addpath_a_vanished_path_is_withdrawn_by_its_id_only,
		addpath_a_changed_path_is_reannounced_under_its_id,
		a_prefix_refused_to_its_source_takes_no_entry_there,
		a_neighbor_whose_own_path_becomes_best_gets_the_old_one_withdrawn,
		no_send_community_strips_only_what_it_names,
		changes_within_the_advertisement_interval_go_out_together_after_it,
		advertisement_interval_0_sends_at_once,
		a_neighbor_not_activated_gets_only_end_of_rib_and_a_log_line,
	};

	return unit_run("adj_out", tests, UNIT_COUNT(tests));
}
