/*
 * rib/rib.h - the RIB core: prefixes -> paths, best path, multipath.
 *
 * The one public header of rib/ (the FIB half adds its own section later).
 * It knows peers only through struct rib_peer and attributes only through
 * struct rib_attrs; bgpd keeps its full attribute sets and points at them
 * with rib_attrs.cookie, so the RIB never copies AS paths or communities.
 *
 * Ownership (STYLE 6):
 *  - struct rib_peer is owned by the caller (bgpd embeds it in its peer) and
 *    borrowed by the RIB from rib_peer_add() to rib_peer_del().
 *  - struct rib_attrs returned by rib_attrs_get() is interned: +1 reference,
 *    released with rib_attrs_put(). rib_path_add() takes its own reference.
 *  - Everything handed to callbacks or returned by rib_lookup()/rib_walk()
 *    is borrowed, valid until the next call that changes the RIB.
 *
 * Change notification: the change callback runs synchronously inside
 * rib_path_add/del, rib_peer_withdraw_all and rib_prefix_reselect, once per
 * prefix whose best path or multipath set changed (members, or the attributes
 * of a member: next hop, weight, and anything bgpd must re-advertise), and
 * never for a no-op update or a change to a path that is not selected. It
 * must not change the RIB.
 */
#ifndef IPIP_RIB_RIB_H
#define IPIP_RIB_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/prefix.h"

struct rib;

#define RIB_MULTIPATH_MAX	64	/* upper bound of maximum-paths */
#define RIB_PEERS_MAX		65535	/* peers are a 16-bit index in each path */
#define RIB_WEIGHT_MAX		256	/* kernel nexthop group weights are 1..256 */
#define RIB_IGP_UNREACHABLE	UINT32_MAX	/* igp_cost(): next hop unresolved */

/* Identity of a BGP session, as far as best path needs it. */
struct rib_peer {
	uint32_t	addr;		/* neighbor address (host order) */
	uint32_t	router_id;	/* its BGP identifier */
	uint32_t	remote_as;
	uint32_t	local_as;
	uint32_t	local_addr;	/* our end of the session */
	bool		ebgp;		/* confederation eBGP counts as iBGP */
	bool		rr_client;
	/* Private to the RIB, set by rib_peer_add(): */
	uint16_t	idx;		/* 1..RIB_PEERS_MAX while registered */
	bool		down;		/* rib_peer_down(): its paths are no candidates */
	uint32_t	withdraw_pos;	/* cursor of rib_peer_withdraw_all() */
	uint32_t	sweep_pos;	/* cursor of rib_peer_sweep(); 0: none under way */
	uint8_t		gen;		/* refresh generation (RFC 7313), paths carry it */
	uint8_t		unswept;	/* refreshes begun since the last whole sweep */
};

enum rib_origin { RIB_ORIGIN_IGP = 0, RIB_ORIGIN_EGP = 1, RIB_ORIGIN_INCOMPLETE = 2 };

#define RIB_ATTR_MED		0x01	/* med is present */
#define RIB_ATTR_ORIGINATOR	0x02	/* originator_id is present (reflected) */
#define RIB_ATTR_LINK_BW	0x04	/* link_bw is present */

/*
 * The best-path-relevant attributes of a path. bgpd fills it from a checked
 * UPDATE (local-pref defaulted to 100 where absent, weight from policy) and
 * interns it. Equal content (cookie included) means one shared copy.
 */
struct rib_attrs {
	uint32_t	weight;		/* local to this router; higher wins */
	uint32_t	local_pref;
	uint32_t	med;		/* valid with RIB_ATTR_MED */
	uint32_t	originator_id;	/* valid with RIB_ATTR_ORIGINATOR */
	uint32_t	nexthop;	/* host order */
	uint32_t	neighbor_as;	/* first AS of the path; 0 if the path is empty */
	uint32_t	link_bw;	/* kbit/s, valid with RIB_ATTR_LINK_BW */
	uint16_t	aspath_len;	/* AS_SET counts 1, confed segments 0 (RFC 4271 9.1.2.2 a) */
	uint16_t	cluster_len;	/* CLUSTER_LIST entries (RFC 4456 9) */
	uint8_t		origin;		/* enum rib_origin */
	uint8_t		flags;		/* RIB_ATTR_* */
	const void	*cookie;	/* bgpd's full attribute set; opaque here */
};

/* The steps of the decision process, in order (RFC 4271 9.1.2.2 + usual). */
enum rib_step {
	RIB_STEP_NONE = 0,	/* not compared / it is the best */
	RIB_STEP_WEIGHT,
	RIB_STEP_LOCAL_PREF,
	RIB_STEP_ASPATH,
	RIB_STEP_ORIGIN,
	RIB_STEP_MED,
	RIB_STEP_EBGP,
	RIB_STEP_IGP_COST,	/* last step that decides multipath equality */
	RIB_STEP_ROUTER_ID,
	RIB_STEP_CLUSTER_LEN,
	RIB_STEP_PEER_ADDR,
	RIB_STEP_PATH_ID,
	RIB_STEP_UNREACHABLE,	/* next hop unresolved: not a candidate */
	RIB_STEP_COUNT
};

/* "higher local-pref", ... : why the winner won. */
const char *rib_step_reason(enum rib_step);

struct rib_opts {
	unsigned	maximum_paths_ebgp;	/* 1..RIB_MULTIPATH_MAX; 0 means 1 */
	unsigned	maximum_paths_ibgp;
	bool		as_path_ignore;		/* bgp bestpath as-path ignore */
	bool		multipath_relax;	/* bgp bestpath as-path multipath-relax */
	bool		always_compare_med;
	bool		deterministic_med;
	bool		med_missing_as_worst;	/* bgp bestpath med missing-as-worst */
	bool		bandwidth;		/* bgp bestpath bandwidth: UCMP */
	/* Cost to reach a next hop; NULL means 0 for all. The FIB glue sets it. */
	uint32_t	(*igp_cost)(void *arg, uint32_t nexthop);
	void		*igp_arg;
	/* Called when an interned rib_attrs is created / freed, so the cookie
	 * can be kept alive exactly as long as the RIB uses it. May be NULL. */
	void		(*cookie_hold)(void *arg, const void *cookie);
	void		(*cookie_release)(void *arg, const void *cookie);
	void		*cookie_arg;
};

/* One member of a selected set, as the FIB needs it. */
struct rib_nexthop {
	const struct rib_peer	*peer;
	const struct rib_attrs	*attrs;		/* attrs->nexthop is the next hop */
	uint32_t		 path_id;
	uint16_t		 weight;	/* 1..RIB_WEIGHT_MAX */
};

/*
 * What a prefix forwards on: the best path and the multipath set, which
 * includes the best, ordered by (next hop, peer address, path id) so equal
 * sets compare equal member by member. Next hops are distinct.
 */
struct rib_selection {
	struct rib_nexthop	best;
	size_t			n;
	struct rib_nexthop	set[RIB_MULTIPATH_MAX];
};

/* sel == NULL: the prefix has no usable path any more. */
typedef void rib_change_fn(void *arg, const struct prefix *, const struct rib_selection *sel);
/*
 * Any path of the prefix was added, replaced with other attributes or
 * removed, or the prefix was re-selected (a next hop may have become usable
 * or not), selected or not: for RFC 7911 ADD-PATH send, which announces
 * every path. Runs after the change callback, under the same rules.
 */
typedef void rib_paths_fn(void *arg, const struct prefix *);

/* NULL on out of memory. opts is copied. */
struct rib	*rib_new(const struct rib_opts *);
/* Frees everything; the RIB must hold no paths or peers (-EBUSY otherwise). */
MUST_USE int	 rib_free(struct rib *);
void		 rib_set_change_cb(struct rib *, rib_change_fn *, void *arg);
void		 rib_set_paths_cb(struct rib *, rib_paths_fn *, void *arg);

/* 0, -ENOSPC (too many peers) or -EEXIST. */
MUST_USE int	 rib_peer_add(struct rib *, struct rib_peer *);
/* 0 or -EBUSY while the peer still has paths (withdraw them first). */
MUST_USE int	 rib_peer_del(struct rib *, struct rib_peer *);
/* Paths the peer holds in the RIB (its received-prefix count); 0 if not registered. */
size_t		 rib_peer_npaths(const struct rib *, const struct rib_peer *);

/* Interned copy of *tmpl: +1 reference. NULL on out of memory. */
const struct rib_attrs *rib_attrs_get(struct rib *, const struct rib_attrs *tmpl);
void		 rib_attrs_put(struct rib *, const struct rib_attrs *);
size_t		 rib_attrs_count(const struct rib *);	/* distinct sets held */

/*
 * Add or replace (same peer and path id) a path. attrs must come from
 * rib_attrs_get() on this RIB; the RIB takes its own reference.
 * 0, -ENOMEM, -ENOENT (peer not registered), -EINVAL (bad prefix).
 */
MUST_USE int	 rib_path_add(struct rib *, const struct prefix *, struct rib_peer *,
		    uint32_t path_id, const struct rib_attrs *attrs);
/* 0 or -ENOENT if there was no such path. */
int		 rib_path_del(struct rib *, const struct prefix *, struct rib_peer *,
		    uint32_t path_id);
/*
 * Withdraw every path of a peer (session down), looking at no more than
 * budget prefixes per call: a chunked job, call again while it returns true.
 * The peer must add no path until it returns false; then rib_peer_del().
 */
bool		 rib_peer_withdraw_all(struct rib *, struct rib_peer *, size_t budget);
/*
 * BGP PIC on session down, before rib_peer_withdraw_all: the peer's paths
 * stop being candidates (a prefix selected again before the withdraw job
 * reaches it no longer uses them), and fn hears each next hop that only
 * this peer's paths use — no path of a peer that is not going down has it
 * (two route reflectors sending the same next hop: nothing is heard). The
 * caller can take those out of forwarding at once, whatever the number of
 * prefixes. Returns how many fn heard; again for the same session: 0.
 * O(next hops of the peer).
 */
typedef void rib_nexthop_fn(void *arg, const struct rib_peer *, uint32_t nexthop);
size_t		 rib_peer_down(struct rib *, struct rib_peer *, rib_nexthop_fn *, void *arg);

/*
 * Enhanced route refresh (RFC 7313), the receiving side, without a second copy
 * of the peer's paths: every path carries the peer's refresh generation.
 * rib_peer_refresh_begin() (BoRR) opens a new generation, so each path the
 * peer has not announced again since is stale. rib_peer_sweep() (EoRR, or a
 * timer when EoRR never comes) withdraws the stale ones, looking at no more
 * than budget prefixes per call: call again while it returns true; *swept
 * (may be NULL) adds the paths withdrawn. A BoRR during a sweep finishes that
 * sweep first. After 255 refreshes begun and none swept, the next begin
 * sweeps first so a generation is never reused by a path still holding it.
 */
void		 rib_peer_refresh_begin(struct rib *, struct rib_peer *);
bool		 rib_peer_sweep(struct rib *, struct rib_peer *, size_t budget, size_t *swept);

/* Re-run selection for a prefix, e.g. after its next hop's IGP cost changed. */
void		 rib_prefix_reselect(struct rib *, const struct prefix *);
/*
 * New options (config reload: maximum-paths, bestpath knobs): taken at once
 * for every later change; existing prefixes follow as rib_reselect_all() runs,
 * a chunked job (call again while it returns true; it also serves after IGP
 * costs changed everywhere). The change callback fires where selection moved.
 */
void		 rib_set_opts(struct rib *, const struct rib_opts *);
bool		 rib_reselect_all(struct rib *, size_t budget);

/* Read side, for show. A route is a prefix with at least one path. */
struct rib_route;
struct rib_path_info {
	const struct rib_peer	*peer;
	const struct rib_attrs	*attrs;
	uint32_t		 path_id;
	bool			 best;
	bool			 multipath;
	enum rib_step		 lost_at;	/* why it is not best; NONE for the best */
};
const struct rib_route	*rib_lookup(const struct rib *, const struct prefix *);
/* The longest prefix with paths that covers pfx (an address: pfx/32), in *found. */
const struct rib_route	*rib_match(const struct rib *, const struct prefix *pfx,
		    struct prefix *found);
size_t		 rib_route_npaths(const struct rib_route *);
void		 rib_route_path(const struct rib *, const struct rib_route *, size_t i,
		    struct rib_path_info *);
/* The current selection of a route (sel->n == 0 if no path is usable). */
void		 rib_route_selection(const struct rib *, const struct rib_route *,
		    struct rib_selection *);

/*
 * Walk prefixes in order (address, then length) strictly after *after (NULL:
 * from the start), at most max of them. Returns how many were visited; the
 * last visited prefix is the resume point. fn returning non-zero stops early.
 */
typedef int rib_walk_fn(void *arg, const struct prefix *, const struct rib_route *);
size_t		 rib_walk(const struct rib *, const struct prefix *after, size_t max,
		    rib_walk_fn *, void *arg);

struct rib_stats {
	size_t	prefixes;
	size_t	paths;
	size_t	attrs;
	size_t	table_bytes;	/* nodes, path arrays, index */
};
void		 rib_stats_get(const struct rib *, struct rib_stats *);

#endif
