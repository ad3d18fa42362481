/*
 * bgpd/rde.c - UPDATEs from sessions into the RIB (see rde.h).
 *
 * Parse (codec) -> verdict (RFC 7606) -> session-context checks -> apply.
 * The RIB sees only whole, checked updates (STYLE 2). Per neighbor there is
 * a struct rde_nbr (counters, kept across sessions) and, while Established,
 * a struct rde_sess holding the RIB's view of the session (rib_peer). On
 * session down the rde_sess moves to the withdraw job list and is freed once
 * rib_peer_withdraw_all() has removed its last path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "bgpd/rde.h"
#include "bgpd/rde_fwd.h"
#include "bgpd/adj_out.h"
#include "bgpd/peer.h"
#include "bgpd/policy.h"
#include "lib/debug.h"
#include "lib/log.h"
#include "rib/rib.h"

#define RDE_LOCAL_PREF_DEFAULT	100	/* RFC 4271 §5.1.5: the usual default */

struct rde_sess {
	struct rib_peer	 rp;
	struct rde_sess	*next;		/* in rde.jobs once down */
	bool		 eor;		/* End-of-RIB received (RFC 4724 §2) */
};

struct rde_nbr {
	struct in_addr		 addr;
	struct rde_sess		*sess;	/* NULL while the session is down */
	struct rde_sess		*stale;	/* RFC 4724: a restarting peer's paths, kept */
	struct event		*gr_ev;	/* restart time, then stale-path time */
	struct event		*err_ev;	/* RFC 7313: how long an EoRR is awaited */
	bool			 in_refresh;	/* between its BoRR and EoRR */
	bool			 sweeping;	/* its stale paths being withdrawn (job) */
	size_t			 swept;		/* by the sweep under way */
	struct rde		*r;
	struct rde_counters	 c;
	struct log_ratelimit	 rl;	/* rejections logged */
	struct rde_nbr		*next;
};

struct rde {
	struct bgp		*bgp;		/* borrowed: our owner */
	struct rib		*rib;		/* owned */
	struct attrs_tab	*attrs;		/* owned; shared by every session */
	struct update_msg	 u;		/* reused from UPDATE to UPDATE */
	struct rde_nbr		*nbrs;
	struct rde_sess		*jobs;		/* sessions whose paths are being withdrawn */
	struct event		*ev_job;
	struct rib_opts		 opts;		/* the RIB's: our hooks, the config's knobs */
	bool			 reselect;	/* rib_reselect_all() job pending */
	uint32_t		 cluster_id;	/* host order; 0: the router-id */
	struct rde_fwd		*fwd;		/* owned; NULL until rde_forwarding_start */
	bool			 refwd;		/* every prefix to the overlay again (modes changed) */
	bool			 refwd_started;	/* refwd_after is valid */
	struct prefix		 refwd_after;	/* the last prefix re-set */
	struct adj_out		*ao;		/* owned: what we announce (adj_out.h) */
	struct policy		*pol;		/* owned: compiled from the config; NULL: none */
};

static const char *const rde_event_names[RDE_EV_MAX] = {
	[RDE_EV_TREAT_AS_WITHDRAW] = "treat-as-withdraw",
	[RDE_EV_ATTR_DISCARD] = "attribute-discard",
	[RDE_EV_FIRST_AS] = "first-as-mismatch",
	[RDE_EV_AS_LOOP] = "as-path-loop",
	[RDE_EV_ORIGINATOR] = "originator-id-loop",
	[RDE_EV_CLUSTER_LOOP] = "cluster-list-loop",
	[RDE_EV_NEXTHOP_SELF] = "nexthop-is-self",
	[RDE_EV_POLICY] = "no-inbound-policy",
};

const char *
rde_event_name(enum rde_event e)
{
	return (unsigned)e < RDE_EV_MAX ? rde_event_names[e] : "unknown";
}

const struct rib *
rde_rib(const struct rde *r)
{
	return r->rib;
}

static struct rde_nbr *
rde_nbr_find(const struct rde *r, struct in_addr a)
{
	for (struct rde_nbr *n = r->nbrs; n != NULL; n = n->next)
		if (n->addr.s_addr == a.s_addr)
			return n;
	return NULL;
}

static struct rde_nbr *
rde_nbr_get(struct rde *r, struct in_addr a)
{
	struct rde_nbr *n = rde_nbr_find(r, a);

	if (n != NULL)
		return n;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		fatal("rde: neighbor");
	n->addr = a;
	n->r = r;
	n->next = r->nbrs;
	r->nbrs = n;
	return n;
}

/* log_peer() for a neighbor whose session may be gone. */
static void PRINTF_LIKE(3, 4)
rde_nbr_log(const struct rde_nbr *n, int level, const char *fmt, ...)
{
	char a[INET_ADDRSTRLEN], buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_at(level, "neighbor %s: %s", inet_ntop(AF_INET, &n->addr, a, sizeof(a)), buf);
}

bool
rde_counters_get(const struct rde *r, const struct peer *p, struct rde_counters *out)
{
	const struct rde_nbr *n = rde_nbr_find(r, p->cfg.remote_addr);

	if (n == NULL)
		return false;
	*out = n->c;
	out->pfx_accepted = n->sess ? rib_peer_npaths(r->rib, &n->sess->rp) : 0;
	out->in_refresh = n->in_refresh;
	return true;
}

void
rde_stats_get(const struct rde *r, struct rde_stats *out)
{
	struct rib_stats st;

	rib_stats_get(r->rib, &st);
	*out = (struct rde_stats){
		.prefixes = st.prefixes, .paths = st.paths, .table_bytes = st.table_bytes,
		.attr_sets = attrs_tab_count(r->attrs), .attr_bytes = attrs_tab_bytes(r->attrs),
		.rib_attr_sets = st.attrs,
	};
}

/* ------------------------------------------------------------ the checks */

/* RFC 4271 §6.3 / FRR enforce-first-as: an eBGP path starts with the peer's AS. */
static bool
check_first_as(const struct peer *p, const struct attr_set *a)
{
	return !p->ctx.ebgp || aspath_first_as(a->aspath, a->aspath_words) == peer_remote_as(p);
}

/* Our AS at most allowas-in times in the path (RFC 4271 §9.1.2). */
static bool
check_as_loop(const struct peer *p, const struct attr_set *a)
{
	unsigned n = aspath_has_as(a->aspath, a->aspath_words, peer_local_as(p));

	if (peer_local_as(p) != p->bgp->asn)
		n += aspath_has_as(a->aspath, a->aspath_words, p->bgp->asn);
	return n <= p->cfg.allowas_in;
}

/* RFC 4456 §8: a reflected route carrying our router-id came back to us. */
static bool
check_originator(const struct peer *p, const struct attr_set *a)
{
	return !(a->present & ATTRF(ATTR_ORIGINATOR_ID)) || a->originator_id != p->bgp->router_id;
}

/* RFC 4456 §8: our cluster-id (`bgp cluster-id`, else the router-id). */
static bool
check_cluster(const struct peer *p, const struct attr_set *a)
{
	uint32_t id = p->bgp->rde->cluster_id ? p->bgp->rde->cluster_id : p->bgp->router_id;

	for (uint16_t i = 0; i < a->ncluster; i++)
		if (a->cluster[i] == id)
			return false;
	return true;
}

static bool
check_nexthop(const struct peer *p, const struct attr_set *a)
{
	return a->nexthop != ntohl(p->local.sin_addr.s_addr);
}

/* RFC 8212 §2: nothing from an eBGP peer without inbound policy (FRR: a name configured). */
static bool
rde_requires_policy_in(const struct peer *p)
{
	return p->cfg.ipv4_unicast && p->ctx.ebgp && p->cfg.ebgp_requires_policy && !peer_cfg_has_policy_in(&p->cfg);
}

static bool
check_policy(const struct peer *p, const struct attr_set *a)
{
	return p->cfg.ipv4_unicast && !rde_requires_policy_in(p);	/* not activated: nothing */
}

static const struct {
	bool		(*ok)(const struct peer *, const struct attr_set *);
	enum rde_event	 ev;
} rde_checks[] = {
	{ check_first_as, RDE_EV_FIRST_AS },
	{ check_as_loop, RDE_EV_AS_LOOP },
	{ check_originator, RDE_EV_ORIGINATOR },
	{ check_cluster, RDE_EV_CLUSTER_LOOP },
	{ check_nexthop, RDE_EV_NEXTHOP_SELF },
	{ check_policy, RDE_EV_POLICY },
};

/* RDE_EV_MAX when a may be accepted from p, else the first failed check. */
static enum rde_event
rde_attrs_check(const struct peer *p, const struct attr_set *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(rde_checks); i++)
		if (!rde_checks[i].ok(p, a))
			return rde_checks[i].ev;
	return RDE_EV_MAX;
}

/* --------------------------------------------------------- into the RIB */

static void
rde_rib_attrs_fill(const struct peer *p, const struct attr_set *a, struct rib_attrs *ra)
{
	float bw = attrs_link_bw(a);

	memset(ra, 0, sizeof(*ra));
	ra->weight = 0;				/* no policy sets it yet (issue 4) */
	/* RFC 4271 §5.1.5: LOCAL_PREF is meaningful only from iBGP peers */
	ra->local_pref = !p->ctx.ebgp && (a->present & ATTRF(ATTR_LOCAL_PREF)) ?
	    a->local_pref : RDE_LOCAL_PREF_DEFAULT;
	if (a->present & ATTRF(ATTR_MED)) {
		ra->med = a->med;
		ra->flags |= RIB_ATTR_MED;
	}
	if (a->present & ATTRF(ATTR_ORIGINATOR_ID)) {
		ra->originator_id = a->originator_id;
		ra->flags |= RIB_ATTR_ORIGINATOR;
	}
	if (bw >= 0) {			/* NaN is not: the float comes off the wire */
		double kbps = (double)bw * 8 / 1000;	/* bytes/s -> kbit/s */

		ra->link_bw = kbps < UINT32_MAX ? (uint32_t)kbps : UINT32_MAX;
		ra->flags |= RIB_ATTR_LINK_BW;
	}
	ra->nexthop = a->nexthop;
	ra->neighbor_as = aspath_first_as(a->aspath, a->aspath_words);
	ra->aspath_len = (uint16_t)aspath_count(a->aspath, a->aspath_words);
	ra->cluster_len = a->ncluster;
	ra->origin = a->origin;
	ra->cookie = a;
}

static void
rde_withdraw(struct rde *r, struct rde_nbr *n, const struct nlri *v, size_t nv)
{
	for (size_t i = 0; i < nv && n->sess != NULL; i++)
		(void)rib_path_del(r->rib, &v[i].pfx, &n->sess->rp, v[i].path_id);	/* -ENOENT: never had it */
}

/* One prefix in; false when maximum-prefix stopped the session. */
static bool
rde_announce_one(struct rde *r, struct rde_nbr *n, struct peer *p,
    const struct nlri *v, const struct rib_attrs *ra)
{
	int rv;

	if ((rv = rib_path_add(r->rib, &v->pfx, &n->sess->rp, v->path_id, ra)) < 0) {
		char buf[PREFIX_STRLEN];
		unsigned dropped;

		if (log_ratelimit_ok(&n->rl, time(NULL), 5, 60, &dropped))
			log_peer(p, LOG_ERR, "%s not added to the RIB: %s", prefix_fmt(&v->pfx, buf),
			    strerror(-rv));
		return true;
	}
	/* RFC 4486 §4: past the limit, Cease 1; the down hook withdraws them all */
	if (p->cfg.max_prefix != 0 && rib_peer_npaths(r->rib, &n->sess->rp) > p->cfg.max_prefix) {
		peer_max_prefix_exceeded(p);
		return false;
	}
	return true;
}

/*
 * a through a prefix-list and a route-map ("" for none), interned: +1
 * reference, or NULL when denied. What the sets changed is in done.
 */
static const struct attr_set *
rde_policy_attrs(struct rde *r, const char *pl, const char *rm, const struct prefix *pfx,
    const struct attr_set *a, struct policy_sets *done)
{
	struct attr_set tmpl;
	const struct attr_set *na;

	attrs_tmpl_from(&tmpl, a);
	if (!policy_filter(r->pol, pl, rm, pfx, a, &tmpl, done))
		return NULL;
	if ((na = attrs_get(r->attrs, &tmpl)) == NULL)
		fatal("rde: policy attributes");
	return na;
}

/*
 * The neighbor's inbound policy on one prefix (prefix-list in, then
 * route-map in, bgpd/policy.h): the RIB attributes to add (+1 reference),
 * or NULL when the policy denies it.
 */
static const struct rib_attrs *
rde_policy_in(struct rde *r, const struct peer *p, const struct prefix *pfx,
    const struct attr_set *a)
{
	struct policy_sets done = { 0 };
	const struct attr_set *na;
	const struct rib_attrs *ra;
	struct rib_attrs rt;

	if ((na = rde_policy_attrs(r, p->cfg.prefix_list_in, p->cfg.route_map_in, pfx, a,
	    &done)) == NULL)
		return NULL;
	rde_rib_attrs_fill(p, na, &rt);
	if (done.local_pref)		/* set by us: meaningful from eBGP too */
		rt.local_pref = na->local_pref;
	if ((ra = rib_attrs_get(r->rib, &rt)) == NULL)
		fatal("rde: rib attributes");
	attrs_put(na);			/* the RIB holds it through cookie_hold */
	return ra;
}

static void
rde_announce(struct rde *r, struct rde_nbr *n, struct peer *p, const struct update_msg *u)
{
	bool filtered = peer_cfg_has_policy_in(&p->cfg);
	/* A prefix-list alone changes no attribute: looked up once, the UPDATE's attributes kept. */
	bool pl_only = filtered && p->cfg.route_map_in[0] == '\0';
	const struct prefix_list *pl = pl_only ? policy_prefix_list(r->pol, p->cfg.prefix_list_in) : NULL;
	const struct rib_attrs *ra, *pra;
	struct rib_attrs tmpl;
	bool more = true;

	rde_rib_attrs_fill(p, u->attrs, &tmpl);
	if ((ra = rib_attrs_get(r->rib, &tmpl)) == NULL)
		fatal("rde: rib attributes");
	for (size_t i = 0; i < u->nannounced && n->sess != NULL && more; i++) {
		const struct nlri *v = &u->announced[i];

		if (!filtered || (pl_only && policy_pl_permits(pl, &v->pfx))) {
			more = rde_announce_one(r, n, p, v, ra);
			continue;
		}
		if (pl_only || (pra = rde_policy_in(r, p, &v->pfx, u->attrs)) == NULL) {
			/* denied: an earlier accepted path of it goes */
			(void)rib_path_del(r->rib, &v->pfx, &n->sess->rp, v->path_id);
			continue;
		}
		more = rde_announce_one(r, n, p, v, pra);
		rib_attrs_put(r->rib, pra);
	}
	rib_attrs_put(r->rib, ra);
}

/* -------------------------------------------------------------- the hooks */

static void
rde_event_count(struct rde_nbr *n, const struct peer *p, enum rde_event ev)
{
	unsigned dropped;

	n->c.events[ev]++;
	/* RFC 8212 refusals are logged once per session, by rde_up_cb */
	if (ev != RDE_EV_ATTR_DISCARD && ev != RDE_EV_TREAT_AS_WITHDRAW && ev != RDE_EV_POLICY &&
	    log_ratelimit_ok(&n->rl, time(NULL), 5, 60, &dropped))
		log_peer(p, LOG_INFO, "UPDATE not accepted: %s", rde_event_name(ev));
}

/* The RFC 7606 verdict: -1 to reset the session, else 0 (counted). */
static int
rde_verdict_apply(struct rde_nbr *n, const struct peer *p, const struct update_msg *u,
    struct bgp_err *err)
{
	if (u->verdict != V_SESSION_RESET)	/* RFC 7606 §2: each a distinct type */
		n->c.attrs_discarded += (uint64_t)__builtin_popcountll(u->discarded);
	switch (u->verdict) {
	case V_SESSION_RESET:
		n->c.session_resets++;
		*err = u->err;
		return -1;
	case V_TREAT_AS_WITHDRAW:
		rde_event_count(n, p, RDE_EV_TREAT_AS_WITHDRAW);
		break;
	case V_ATTR_DISCARD:
		rde_event_count(n, p, RDE_EV_ATTR_DISCARD);
		break;
	case V_OK:
		break;
	}
	return 0;
}

static int
rde_update_cb(struct peer *p, struct cursor *body, struct bgp_err *err, void *arg)
{
	struct rde *r = arg;
	struct rde_nbr *n = rde_nbr_find(r, p->cfg.remote_addr);
	struct update_msg *u = &r->u;
	enum rde_event ev;

	if (n == NULL || n->sess == NULL)
		return 0;		/* not Established: the FSM does not call us then */
	n->c.updates++;
	msg_update_parse(body, &p->ctx, r->attrs, u);
	if (rde_verdict_apply(n, p, u, err) < 0)
		return -1;
	if (debug_on(DEBUG_BGP_UPDATES_IN))
		peer_update_log(p, "in", u->announced, u->nannounced, u->withdrawn, u->nwithdrawn,
		    u->attrs);
	rde_withdraw(r, n, u->withdrawn, u->nwithdrawn);
	if (u->nannounced == 0 || u->attrs == NULL)
		return 0;
	if ((ev = rde_attrs_check(p, u->attrs)) != RDE_EV_MAX) {
		rde_event_count(n, p, ev);	/* RFC 7606 treat-as-withdraw */
		rde_withdraw(r, n, u->announced, u->nannounced);
		return 0;
	}
	rde_announce(r, n, p, u);
	return 0;
}

/* ------------------------------------------------ graceful restart (RFC 4724 §4.2) */

static void rde_job_schedule(struct rde *);
static void rde_refresh_forget(struct rde_nbr *);

/* The stale paths go now (End-of-RIB, a timer, or the peer did not keep its state). */
static void
rde_stale_flush(struct rde_nbr *n, const char *why)
{
	struct rde *r = n->r;
	struct rde_sess *s = n->stale;

	if (s == NULL)
		return;
	if (n->gr_ev != NULL)
		evtimer_del(n->gr_ev);
	n->stale = NULL;
	rde_nbr_log(n, LOG_INFO, "graceful restart: %zu stale paths withdrawn (%s)",
	    rib_peer_npaths(r->rib, &s->rp), why);
	s->next = r->jobs;
	r->jobs = s;
	rde_job_schedule(r);
}

static void
rde_gr_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rde_nbr *n = arg;

	(void)fd, (void)what;
	rde_stale_flush(n, n->sess ? "stale-path time expired before End-of-RIB" :
	    "restart time expired");
}

static void
rde_gr_timer(struct rde_nbr *n, unsigned secs)
{
	struct timeval tv = { secs, 0 };

	if (n->gr_ev == NULL && (n->gr_ev = evtimer_new(n->r->bgp->base, rde_gr_timer_cb, n)) == NULL)
		fatalx("rde: graceful restart timer");
	evtimer_add(n->gr_ev, &tv);
}

/*
 * Does the end of p's session keep its paths (RFC 4724 §4.2)? Only when both
 * sides announced the capability, the peer listed IPv4 unicast, its restart
 * time is not 0, and the session ended without a NOTIFICATION (RFC 8538
 * without the N bit: a NOTIFICATION ends a session the normal way), nor by
 * our own shutdown.
 */
static bool
rde_gr_keeps(const struct peer *p)
{
	return p->caps_tx.gr && p->caps_rx.gr && p->caps_rx.gr_ipv4u && p->caps_rx.gr_time > 0 &&
	    !p->notified && !p->cfg.shutdown && !p->bgp->stopping;
}

static void
rde_up_cb(struct peer *p, void *arg)
{
	struct rde *r = arg;
	struct rde_nbr *n = rde_nbr_get(r, p->cfg.remote_addr);
	struct rde_sess *s;
	int rv;

	if (n->sess != NULL)
		return;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("rde: session");
	s->rp = (struct rib_peer){
		.addr = ntohl(p->cfg.remote_addr.s_addr), .router_id = p->remote_id,
		.remote_as = peer_remote_as(p), .local_as = peer_local_as(p),
		.local_addr = ntohl(p->local.sin_addr.s_addr), .ebgp = p->ctx.ebgp,
		.rr_client = p->cfg.rr_client,
	};
	if ((rv = rib_peer_add(r->rib, &s->rp)) < 0) {
		log_peer(p, LOG_ERR, "not registered in the RIB: %s; its routes are ignored",
		    strerror(-rv));
		free(s);
		return;
	}
	n->sess = s;
	if (n->stale != NULL) {
		if (!p->caps_rx.gr || !p->caps_rx.gr_ipv4u || !p->caps_rx.gr_ipv4u_fwd)
			rde_stale_flush(n, "it did not keep its forwarding state");
		else {
			log_peer(p, LOG_INFO, "graceful restart: back; its %zu stale paths stay "
			    "until End-of-RIB (%u s at most)",
			    rib_peer_npaths(r->rib, &n->stale->rp), BGP_GR_STALEPATH_TIME);
			rde_gr_timer(n, BGP_GR_STALEPATH_TIME);
		}
	}
	if (rde_requires_policy_in(p))
		log_peer(p, LOG_NOTICE, "nothing accepted: eBGP peer without inbound policy "
		    "(RFC 8212)");
}

static void
rde_job_schedule(struct rde *r)
{
	static const struct timeval now = { 0, 0 };

	evtimer_add(r->ev_job, &now);	/* a timer: I/O runs before the next chunk */
}

struct rde_pic {
	struct rde	*r;
	size_t		 groups;
};

static void
rde_pic_nexthop(void *arg, const struct rib_peer *rp, uint32_t nexthop)
{
	struct rde_pic *pic = arg;

	if (pic->r->fwd != NULL)
		pic->groups += rde_fwd_nexthop_down(pic->r->fwd, rp->local_addr, nexthop);
}

/*
 * Session down. BGP PIC first: every next hop that only this session
 * provided leaves the kernel's shared nexthop groups now, a message per
 * group whatever the number of prefixes; then the chunked withdraw job
 * walks the prefixes, and finds their groups already as they should be.
 */
static void
rde_down_cb(struct peer *p, void *arg)
{
	struct rde *r = arg;
	struct rde_nbr *n = rde_nbr_find(r, p->cfg.remote_addr);
	struct rde_pic pic = { r, 0 };
	size_t nhs;

	if (n == NULL || n->sess == NULL)
		return;
	rde_refresh_forget(n);
	rde_stale_flush(n, "the session went down again");
	if (rde_gr_keeps(p)) {
		n->stale = n->sess;
		n->sess = NULL;
		log_peer(p, LOG_NOTICE, "graceful restart: keeping its %zu paths as stale for "
		    "up to %u s (RFC 4724)", rib_peer_npaths(r->rib, &n->stale->rp),
		    p->caps_rx.gr_time);
		rde_gr_timer(n, p->caps_rx.gr_time);
		return;
	}
	nhs = rib_peer_down(r->rib, &n->sess->rp, rde_pic_nexthop, &pic);
	if (nhs > 0)
		log_peer(p, LOG_DEBUG, "down: %zu next hops only it provided leave %zu nexthop "
		    "groups; withdrawing its %zu paths", nhs, pic.groups,
		    rib_peer_npaths(r->rib, &n->sess->rp));
	n->sess->next = r->jobs;
	r->jobs = n->sess;
	n->sess = NULL;
	rde_job_schedule(r);
}

/* One prefix of the re-decision job: its current selection to the overlay again. */
static int
rde_refwd_one(void *arg, const struct prefix *pfx, const struct rib_route *rt)
{
	struct rde *r = arg;
	struct rib_selection sel;

	rib_route_selection(r->rib, rt, &sel);
	if (r->fwd != NULL && sel.n > 0)
		rde_fwd_change(r->fwd, r->pol, pfx, &sel);
	r->refwd_after = *pfx;
	r->refwd_started = true;
	return 0;
}

/* Modes changed: every prefix goes through the overlay again, budget at a time. */
static bool
rde_refwd_run(struct rde *r, size_t budget)
{
	size_t n = rib_walk(r->rib, r->refwd_started ? &r->refwd_after : NULL, budget,
	    rde_refwd_one, r);

	if (n == budget)
		return true;
	log_info("overlay: every prefix decided again with the new modes");
	return false;
}

/* One turn of n's EoRR sweep (SIZE_MAX: to the end); true while it has more to do. */
static bool
rde_sweep_step(struct rde_nbr *n, size_t budget)
{
	struct rde *r = n->r;

	if (!n->sweeping || n->sess == NULL)
		return false;
	if (rib_peer_sweep(r->rib, &n->sess->rp, budget, &n->swept))
		return true;
	n->sweeping = false;
	n->c.refresh_swept += n->swept;
	rde_nbr_log(n, LOG_INFO, "enhanced route refresh: %zu stale paths withdrawn, "
	    "%zu paths kept", n->swept, rib_peer_npaths(r->rib, &n->sess->rp));
	return false;
}

/* One turn of every EoRR sweep under way; true while one has more to do. */
static bool
rde_sweeps_run(struct rde *r, size_t budget)
{
	bool more = false;

	for (struct rde_nbr *n = r->nbrs; n != NULL; n = n->next)
		more |= rde_sweep_step(n, budget);
	return more;
}

bool
rde_jobs_run(struct rde *r, size_t budget)
{
	struct rde_sess *s;

	while ((s = r->jobs) != NULL) {
		if (rib_peer_withdraw_all(r->rib, &s->rp, budget))
			return true;
		if (rib_peer_del(r->rib, &s->rp) < 0)
			fatalx("rde: a withdrawn session still has paths");
		r->jobs = s->next;
		free(s);
	}
	if (rde_sweeps_run(r, budget))
		return true;
	if (r->reselect)
		r->reselect = rib_reselect_all(r->rib, budget);
	if (r->reselect)
		return true;
	if (r->refwd)
		r->refwd = rde_refwd_run(r, budget);
	return r->refwd;
}

static void
rde_job_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rde *r = arg;

	if (rde_jobs_run(r, RDE_WITHDRAW_CHUNK))
		rde_job_schedule(r);
}

/* ------------------------------------------ enhanced route refresh (RFC 7313 §4) */

/* EoRR, or no EoRR in time: what the peer did not announce again goes. */
static void
rde_refresh_end(struct rde_nbr *n)
{
	n->in_refresh = false;
	if (n->err_ev != NULL)
		evtimer_del(n->err_ev);
	n->sweeping = true;
	n->swept = 0;
	rde_job_schedule(n->r);
}

static void
rde_err_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rde_nbr *n = arg;

	(void)fd, (void)what;
	rde_nbr_log(n, LOG_WARNING, "enhanced route refresh: no EoRR within %u s; "
	    "the paths not announced again are withdrawn", BGP_ERR_STALE_TIME);
	rde_refresh_end(n);
}

static void
rde_refresh_begin(struct rde_nbr *n)
{
	struct timeval tv = { BGP_ERR_STALE_TIME, 0 };

	(void)rde_sweep_step(n, SIZE_MAX);	/* the last EoRR's, even if not started: first */
	rib_peer_refresh_begin(n->r->rib, &n->sess->rp);
	n->in_refresh = true;
	if (n->err_ev == NULL &&
	    (n->err_ev = evtimer_new(n->r->bgp->base, rde_err_timer_cb, n)) == NULL)
		fatalx("rde: enhanced route refresh timer");
	evtimer_add(n->err_ev, &tv);
	rde_nbr_log(n, LOG_INFO, "enhanced route refresh: BoRR; its %zu paths are stale "
	    "until announced again before EoRR", rib_peer_npaths(n->r->rib, &n->sess->rp));
}

/* BoRR / EoRR from the peer; a refresh request is adj_out's to answer. */
static void
rde_refresh_cb(struct peer *p, uint8_t subtype, void *arg)
{
	struct rde *r = arg;
	struct rde_nbr *n = rde_nbr_find(r, p->cfg.remote_addr);

	if (subtype == RR_NORMAL || n == NULL || n->sess == NULL)
		return;
	if (!peer_enhanced_rr(p)) {
		log_peer(p, LOG_NOTICE, "%s without enhanced route refresh negotiated: ignored "
		    "(RFC 7313 §4)", subtype == RR_BORR ? "BoRR" : "EoRR");
		return;
	}
	if (subtype == RR_BORR)
		rde_refresh_begin(n);
	else if (n->in_refresh)
		rde_refresh_end(n);
	else
		log_peer(p, LOG_NOTICE, "EoRR without a BoRR before it: ignored");
}

/* The session ended: its paths go as a whole, the refresh with them. */
static void
rde_refresh_forget(struct rde_nbr *n)
{
	n->in_refresh = false;
	n->sweeping = false;
	if (n->err_ev != NULL)
		evtimer_del(n->err_ev);
}

/* -------------------------------------------------------------- life */

static void
rde_cookie_hold(void *arg, const void *cookie)
{
	attrs_ref(cookie);
}

static void
rde_cookie_release(void *arg, const void *cookie)
{
	attrs_put(cookie);
}

/* Settle the fib once every established session has sent End-of-RIB. */
static void
rde_eor_cb(struct peer *p, void *arg)
{
	struct rde *r = arg;
	struct rde_nbr *n = rde_nbr_find(r, p->cfg.remote_addr);

	if (n == NULL || n->sess == NULL)
		return;
	n->sess->eor = true;
	rde_stale_flush(n, "End-of-RIB");
	for (n = r->nbrs; n != NULL; n = n->next)
		if (n->sess != NULL && !n->sess->eor)
			return;
	rde_fwd_settle(r->fwd);
}

void
rde_forwarding_start(struct rde *r, const struct rde_fwd_cfg *c)
{
	if (r->fwd != NULL)
		return;		/* overlay changes need a restart (doc/overlay.md) */
	r->fwd = rde_fwd_new(r->bgp->base, c);
}

void
rde_forwarding_keep(struct rde *r)
{
	if (r->fwd == NULL)
		return;
	rde_fwd_free(r->fwd, true);
	r->fwd = NULL;		/* nothing that follows touches the kernel */
}

void
rde_forwarding_modes(struct rde *r, struct rde_fwd_modes *m, bool policy_changed)
{
	bool changed;

	if (r->fwd == NULL)
		return;
	changed = rde_fwd_modes_set(r->fwd, m);
	if (!changed && !(policy_changed && rde_fwd_has_list_overrides(r->fwd)))
		return;
	r->refwd = true;		/* a job already running starts over */
	r->refwd_started = false;
	rde_job_schedule(r);
}

const struct rde_fwd *
rde_forwarding(const struct rde *r)
{
	return r->fwd;
}

/* The RIB's one change callback, fanned out to its consumers. */
static void
rde_change_cb(void *arg, const struct prefix *pfx, const struct rib_selection *sel)
{
	struct rde *r = arg;

	adj_out_rib_change(r->ao, pfx, sel);
	if (r->fwd != NULL)
		rde_fwd_change(r->fwd, r->pol, pfx, sel);
}

/* Any path of pfx changed: ADD-PATH send peers announce every path. */
static void
rde_paths_cb(void *arg, const struct prefix *pfx)
{
	struct rde *r = arg;

	adj_out_rib_paths(r->ao, pfx);
}

struct adj_out *
rde_adj_out(const struct rde *r)
{
	return r->ao;
}

struct rde *
rde_new(struct bgp *b)
{
	struct peer_hooks h = { .update = rde_update_cb, .up = rde_up_cb,
	    .down = rde_down_cb, .eor = rde_eor_cb, .refresh = rde_refresh_cb };
	struct rde *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("rde_new");
	r->opts = (struct rib_opts){ .maximum_paths_ebgp = 1, .maximum_paths_ibgp = 1,
	    .cookie_hold = rde_cookie_hold, .cookie_release = rde_cookie_release,
	    .cookie_arg = r };
	r->bgp = b;
	if ((r->rib = rib_new(&r->opts)) == NULL || (r->attrs = attrs_tab_new()) == NULL)
		fatal("rde_new");
	if ((r->ev_job = evtimer_new(b->base, rde_job_cb, r)) == NULL)
		fatalx("rde_new: event");
	msg_update_init(&r->u);
	h.arg = r;
	bgp_set_hooks(b, &h);
	r->ao = adj_out_new(b, r->rib, r->attrs);	/* wraps the hooks just set */
	rib_set_change_cb(r->rib, rde_change_cb, r);
	rib_set_paths_cb(r->rib, rde_paths_cb, r);
	return r;
}

static unsigned
paths_clamp(unsigned n)
{
	return n < 1 ? 1 : n > RIB_MULTIPATH_MAX ? RIB_MULTIPATH_MAX : n;
}

static bool
opts_same(const struct rib_opts *a, const struct rib_opts *b)
{
	return a->maximum_paths_ebgp == b->maximum_paths_ebgp &&
	    a->maximum_paths_ibgp == b->maximum_paths_ibgp &&
	    a->as_path_ignore == b->as_path_ignore && a->multipath_relax == b->multipath_relax &&
	    a->always_compare_med == b->always_compare_med &&
	    a->deterministic_med == b->deterministic_med &&
	    a->med_missing_as_worst == b->med_missing_as_worst && a->bandwidth == b->bandwidth;
}

void
rde_configure(struct rde *r, const struct rib_opts *sel, uint32_t cluster_id)
{
	struct rib_opts o = r->opts;

	r->cluster_id = cluster_id;
	adj_out_set_cluster_id(r->ao, cluster_id);
	o.maximum_paths_ebgp = paths_clamp(sel->maximum_paths_ebgp);
	o.maximum_paths_ibgp = paths_clamp(sel->maximum_paths_ibgp);
	o.as_path_ignore = sel->as_path_ignore;
	o.multipath_relax = sel->multipath_relax;
	o.always_compare_med = sel->always_compare_med;
	o.deterministic_med = sel->deterministic_med;
	o.med_missing_as_worst = sel->med_missing_as_worst;
	o.bandwidth = sel->bandwidth;
	if (opts_same(&o, &r->opts))
		return;
	log_info("BGP: selection options changed (maximum-paths ebgp %u ibgp %u); "
	    "re-selecting every prefix", o.maximum_paths_ebgp, o.maximum_paths_ibgp);
	r->opts = o;
	rib_set_opts(r->rib, &r->opts);
	r->reselect = true;
	rde_job_schedule(r);
}

static void
rde_nbrs_free(struct rde *r)
{
	struct rde_nbr *n;

	while ((n = r->nbrs) != NULL) {
		if (n->sess != NULL) {		/* still up: withdraw now */
			n->sess->next = r->jobs;
			r->jobs = n->sess;
		}
		if (n->stale != NULL) {
			n->stale->next = r->jobs;
			r->jobs = n->stale;
		}
		if (n->gr_ev != NULL)
			event_free(n->gr_ev);
		if (n->err_ev != NULL)
			event_free(n->err_ev);
		r->nbrs = n->next;
		free(n);
	}
}

void
rde_free(struct rde *r)
{
	size_t left;

	if (r == NULL)
		return;
	rde_fwd_free(r->fwd, false);	/* clean shutdown: our routes and tunnels go */
	r->fwd = NULL;		/* the withdraw jobs below still call rde_change_cb */
	rde_nbrs_free(r);
	while (rde_jobs_run(r, SIZE_MAX))
		;
	adj_out_free(r->ao);
	r->ao = NULL;
	policy_free(r->pol);
	event_free(r->ev_job);
	msg_update_fini(&r->u);
	if (rib_free(r->rib) < 0)
		log_warnx("rde: RIB not empty at exit");
	if ((left = attrs_tab_free(r->attrs)) != 0)
		log_warnx("rde: %zu attribute sets still referenced at exit", left);
	free(r);
}

/* ------------------------------------------------------------ policy */

void
rde_policy_set(struct rde *r, struct policy *pol)
{
	policy_free(r->pol);
	r->pol = pol;
}

bool
rde_policy_out(struct rde *r, const struct peer *p, const struct prefix *pfx,
    const struct rib_attrs *ra, struct attr_set *out)
{
	struct policy_sets done = { 0 };

	if (!p->ctx.ebgp)		/* what the RIB used, inbound policy included */
		out->local_pref = ra->local_pref;
	if (!peer_cfg_has_policy_out(&p->cfg))
		return true;
	if (!policy_filter(r->pol, p->cfg.prefix_list_out, p->cfg.route_map_out, pfx,
	    ra->cookie, out, &done))
		return false;
	if (p->ctx.ebgp)		/* RFC 4271 §5.1.5: never to another AS */
		out->present &= ~ATTRF(ATTR_LOCAL_PREF);
	return true;
}

const struct rib_attrs *
rde_network_attrs(struct rde *r, const struct prefix *pfx, const struct rib_attrs *base)
{
	return rde_local_attrs(r, pfx, base, policy_network_route_map(r->pol, pfx));
}

const struct rib_attrs *
rde_local_attrs(struct rde *r, const struct prefix *pfx, const struct rib_attrs *base,
    const char *rm)
{
	struct policy_sets done = { 0 };
	const struct attr_set *na;
	const struct rib_attrs *ra;
	struct rib_attrs rt = *base;

	if (rm == NULL)
		return rib_attrs_get(r->rib, base);
	if ((na = rde_policy_attrs(r, "", rm, pfx, base->cookie, &done)) == NULL)
		return NULL;
	rt.cookie = na;
	if (done.local_pref)
		rt.local_pref = na->local_pref;
	if (done.med) {
		rt.med = na->med;
		rt.flags |= RIB_ATTR_MED;
	}
	if (done.nexthop)
		rt.nexthop = na->nexthop;
	if ((ra = rib_attrs_get(r->rib, &rt)) == NULL)
		fatal("rde: rib attributes");
	attrs_put(na);
	return ra;
}

void
rde_policy_changed(struct rde *r, struct peer *p)
{
	if (!peer_is_established(p))
		return;			/* the next session starts with the new policy */
	/* inbound: the peer sends its table again, re-filtered as it arrives */
	if (p->caps_rx.route_refresh) {
		if (peer_refresh_send(p, RR_NORMAL) < 0)
			log_peer(p, LOG_WARNING, "ROUTE-REFRESH not queued");
	} else
		log_peer(p, LOG_NOTICE, "no route refresh capability: the new inbound policy "
		    "applies to routes it sends from now on ('clear bgp %s' applies it to all)",
		    p->name);
	if (rde_requires_policy_in(p))
		log_peer(p, LOG_NOTICE, "nothing accepted: eBGP peer without inbound policy "
		    "(RFC 8212)");
	/* outbound: every prefix decided again; only what changed is sent */
	adj_out_resend(r->ao, p);
}
