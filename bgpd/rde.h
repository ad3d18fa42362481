/*
 * bgpd/rde.h - the Adj-RIB-In -> RIB glue (route decision engine input).
 *
 * One struct rde per BGP instance, owned by struct bgp (bgp_new/bgp_free).
 * It owns the instance's attribute table (attrs.h) and its RIB (rib/rib.h),
 * and installs itself as the sessions' hooks (peer.h): each UPDATE is
 * parsed with the peer's negotiated msg_ctx, its RFC 7606 verdict applied,
 * then the session-context checks the codec cannot make (eBGP first AS,
 * AS-path loop, RFC 4456 loops, next hop = our address, RFC 8212), and what
 * survives goes into the RIB. A session going down withdraws its paths as a
 * chunked job on the event loop (STYLE 7). Nothing here touches the kernel.
 */
#ifndef IPIP_BGPD_RDE_H
#define IPIP_BGPD_RDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bgp;
struct peer;
struct rib;
struct rib_opts;
struct rde_fwd;
struct rde_fwd_cfg;
struct rde_fwd_modes;

#define RDE_WITHDRAW_CHUNK	4096	/* prefixes looked at per loop turn on peer down */
#define RDE_RESELECT_CHUNK	4096	/* prefixes re-selected per loop turn after a config change */

/* Why announced prefixes of an UPDATE were not accepted (or how it was bent). */
enum rde_event {
	RDE_EV_TREAT_AS_WITHDRAW,	/* RFC 7606 §2 verdict from the codec */
	RDE_EV_ATTR_DISCARD,		/* RFC 7606 §2 verdict from the codec */
	RDE_EV_FIRST_AS,		/* eBGP first AS not the peer's (RFC 4271 §6.3) */
	RDE_EV_AS_LOOP,			/* our AS in the path (RFC 4271 §9.1.2) */
	RDE_EV_ORIGINATOR,		/* ORIGINATOR_ID is us (RFC 4456 §8) */
	RDE_EV_CLUSTER_LOOP,		/* our cluster-id in CLUSTER_LIST (RFC 4456 §8) */
	RDE_EV_NEXTHOP_SELF,		/* next hop is our own session address */
	RDE_EV_POLICY,			/* RFC 8212: eBGP without inbound policy; or not activated */
	RDE_EV_MAX
};

struct rde_counters {
	uint64_t	pfx_accepted;		/* paths of the current session in the RIB */
	uint64_t	updates;		/* UPDATEs handled (End-of-RIB excluded) */
	uint64_t	events[RDE_EV_MAX];	/* UPDATEs, by enum rde_event */
	uint64_t	attrs_discarded;	/* attributes dropped (RFC 7606 attribute discard) */
	uint64_t	session_resets;		/* UPDATEs that reset the session (RFC 7606 §2) */
	uint64_t	refresh_swept;		/* stale paths withdrawn after EoRR (RFC 7313) */
	bool		in_refresh;		/* between the peer's BoRR and EoRR now */
};

/* Table-wide figures for `show bgp statistics`. */
struct rde_stats {
	size_t		prefixes, paths;
	size_t		table_bytes;		/* RIB nodes, path arrays, index */
	size_t		attr_sets, attr_bytes;	/* interned attribute sets (bgpd/attrs.h) */
	size_t		rib_attr_sets;		/* distinct RIB attribute sets */
};

/* A new engine for b: RIB, attribute table, hooks set on b. fatal() on ENOMEM. */
struct rde	*rde_new(struct bgp *b);
/* Finish every withdraw job, free the RIB and the attribute table. NULL ok. */
void		 rde_free(struct rde *);
/* What the instance announces (adj_out.h): borrowed. */
struct adj_out	*rde_adj_out(const struct rde *);
/* The instance's RIB: borrowed, for show. */
const struct rib *rde_rib(const struct rde *);
/* Counters of a neighbor (by address) into *out; false if it was never up. */
bool		 rde_counters_get(const struct rde *, const struct peer *, struct rde_counters *out);
/* Short name of an event ("treat-as-withdraw"), for logs and JSON. */
const char	*rde_event_name(enum rde_event);
void		 rde_stats_get(const struct rde *, struct rde_stats *out);
/*
 * The selection knobs of the config (maximum-paths, bgp bestpath ..., read
 * from sel; its hooks are ignored) and the RFC 4456 cluster-id (host order,
 * 0: the router-id). When the knobs changed, every prefix is re-selected as
 * a chunked job on the event loop (STYLE 7). Starts with maximum-paths 1.
 */
void		 rde_configure(struct rde *, const struct rib_opts *sel, uint32_t cluster_id);
/* Run pending withdraw and re-selection jobs now, at most budget prefixes; true while more remain. */
bool		 rde_jobs_run(struct rde *, size_t budget);
/*
 * Install what the RIB selects into the kernel from now on (fib, tunnels,
 * overlay decision: bgpd/rde_fwd.h). Once per instance; later calls are
 * ignored. On failure (logged) the RIB keeps working without a kernel FIB.
 */
void		 rde_forwarding_start(struct rde *, const struct rde_fwd_cfg *);
/* Graceful stop: forwarding ends here, leaving routes and tunnels in the kernel. */
void		 rde_forwarding_keep(struct rde *);
const struct rde_fwd *rde_forwarding(const struct rde *);
/*
 * Overlay modes from a reload (*m taken over). When they changed, or the
 * prefix-lists changed and prefix-list overrides exist, every prefix goes
 * to the overlay again as a chunked job (STYLE 7).
 */
void		 rde_forwarding_modes(struct rde *, struct rde_fwd_modes *m, bool policy_changed);

/* ------------------------------------------------------------ policy (bgpd/policy.h) */
struct policy;
struct prefix;
struct rib_attrs;
struct attr_set;
/* The compiled policy from now on (owned; the old one is freed). NULL: none. */
void		 rde_policy_set(struct rde *, struct policy *);
/*
 * A neighbor's policy changed (or the objects it names): inbound, a
 * ROUTE-REFRESH asks it for its table again (RFC 2918) when it can; outbound,
 * its Adj-RIB-Out is decided again and the difference sent. No session reset.
 */
void		 rde_policy_changed(struct rde *, struct peer *);
/*
 * Outbound, after the export rules (adj_out.c): the LOCAL_PREF the RIB used
 * toward iBGP, then prefix-list out and route-map out (matching on the
 * route as received, setting into *out). false: not sent to p.
 */
bool		 rde_policy_out(struct rde *, const struct peer *p, const struct prefix *,
		    const struct rib_attrs *ra, struct attr_set *out);
/*
 * `network P route-map NAME`: base (the local route's attributes) through
 * the route-map; +1 reference, or NULL when it denies. Without a route-map
 * base itself (+1).
 */
const struct rib_attrs *rde_network_attrs(struct rde *, const struct prefix *,
		    const struct rib_attrs *base);
/* The same through route-map rm (NULL: none): `redistribute … route-map`. */
const struct rib_attrs *rde_local_attrs(struct rde *, const struct prefix *,
		    const struct rib_attrs *base, const char *rm);

#endif
