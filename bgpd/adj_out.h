/*
 * bgpd/adj_out.h - what we announce: locally originated `network` routes and
 * the Adj-RIB-Out of every established peer.
 *
 * One struct adj_out per instance, owned by struct rde. It registers a local
 * pseudo-peer in the RIB for the `network` statements, wraps the sessions'
 * hooks (up: table dump then End-of-RIB; down: forget; route refresh:
 * resend), and is fed every RIB change by rde's change callback. Per peer it
 * keeps what was sent (prefix -> interned attr_set; with ADD-PATH send, RFC
 * 7911, one per path and path id), a queue of prefixes to
 * re-decide, and flushes that queue on a timer (MRAI) in bounded chunks,
 * grouping prefixes with equal attributes into one UPDATE and pausing while
 * the peer's output queue is above AO_OUT_HIGH (STYLE 7). A peer with an
 * advertisement-interval (MRAI, RFC 4271 §9.2.1.1) has its queued changes
 * sent no sooner than that long after its previous flush, all together;
 * its first table and End-of-RIB are not held back.
 *
 * Export rules (adj_out_export, pure): RFC 4271 §5.1 and §9.1.3, RFC 4456
 * §6/§8 route reflection, RFC 8212 §2, `no neighbor X activate`, and
 * (after the outbound policy) `no neighbor X send-community` stripping.
 */
#ifndef IPIP_BGPD_ADJ_OUT_H
#define IPIP_BGPD_ADJ_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/redist.h"
#include "lib/prefix.h"

struct adj_out;
struct attr_set;
struct attrs_tab;
struct bgp;
struct peer;
struct rib;
struct rib_peer;
struct rib_selection;

#define AO_WEIGHT_LOCAL		32768	/* FRR: locally originated routes win */
#define AO_LOCAL_PREF_DEFAULT	100	/* RFC 4271 §5.1.5 */
#define AO_OUT_HIGH		(1024 * 1024)	/* bytes queued to a peer: pause above */
#define AO_FLUSH_CHUNK		2048	/* prefixes decided per peer per loop turn */
#define AO_DUMP_CHUNK		4096	/* RIB prefixes walked per peer per loop turn */
#define AO_PAUSE_MS		20	/* recheck a paused peer's queue after */
#define AO_ASPATH_MAX		1024	/* words of an exported AS path */
#define AO_CLUSTER_MAX		256	/* entries of an exported CLUSTER_LIST */

/* Where the best path came from. */
struct ao_from {
	bool		local;		/* `network` statement */
	bool		ebgp;
	bool		rr_client;	/* the peer is our route-reflector-client */
	uint32_t	addr;		/* neighbor address, host order */
	uint32_t	router_id;	/* its BGP identifier (ORIGINATOR_ID, RFC 4456 §8) */
};

/* Who we send to. */
struct ao_to {
	bool		ebgp;
	bool		rr_client;
	bool		next_hop_self;
	bool		requires_policy;	/* RFC 8212 on and no outbound policy */
	bool		not_activated;	/* no neighbor X activate: nothing */
	uint8_t		strip;		/* PEER_SEND_* not to send (no send-community) */
	uint32_t	addr;
	uint32_t	remote_as;
	uint32_t	local_as;	/* the AS we speak as toward it */
	uint32_t	local_addr;	/* our session address, host order */
};

/* Scratch for the rewritten arrays of one exported set. */
struct ao_scratch {
	uint32_t	aspath[AO_ASPATH_MAX];
	uint32_t	cluster[AO_CLUSTER_MAX];
};

/*
 * May the best path `in` (from f) go to t, and with which attributes? On
 * true, *out is a template (arrays may point into *s or into in) ready for
 * attrs_get. cluster_id is ours (already defaulted to the router-id).
 */
bool	adj_out_export(const struct ao_from *f, const struct ao_to *t, uint32_t cluster_id,
	    const struct attr_set *in, struct attr_set *out, struct ao_scratch *s);

/*
 * The first half of adj_out_export: may a path from f with attributes in go
 * to t at all (activation, split horizon, RFC 4456 §6, RFC 8212, the AS-path
 * loop)? Cheap and pure; the outbound policy is not asked.
 */
bool	adj_out_export_allowed(const struct ao_from *f, const struct ao_to *t,
	    const struct attr_set *in);

/* Remove the community attributes t->strip names from o (a template). */
void	adj_out_strip_communities(const struct ao_to *t, struct attr_set *o);

/* A new engine; wraps b's hooks (set them first). fatal() on ENOMEM. */
struct adj_out *adj_out_new(struct bgp *b, struct rib *rib, struct attrs_tab *tab);
/* Withdraw the local routes from the RIB, free every peer's state. NULL ok. */
void	adj_out_free(struct adj_out *);
/* rde's RIB change callback hands every change here (rib.h semantics). */
void	adj_out_rib_change(struct adj_out *, const struct prefix *, const struct rib_selection *);
/* rde's RIB paths callback: any path of pfx changed; for ADD-PATH send peers. */
void	adj_out_rib_paths(struct adj_out *, const struct prefix *);
/* The RFC 4456 cluster-id (host order, 0: router-id), from rde_configure. */
void	adj_out_set_cluster_id(struct adj_out *, uint32_t cluster_id);
/* The policy toward p changed: decide its whole table again, send the difference. */
void	adj_out_resend(struct adj_out *, struct peer *p);
/* `clear bgp … soft out`: the whole table again, changed or not (as RFC 2918 §4). */
void	adj_out_resend_all(struct adj_out *, struct peer *p);
/*
 * The `network` statements now: added/removed in the RIB as the set differs,
 * each through its route-map (rde_network_attrs; denied: not originated).
 */
/* Is rp the pseudo-peer of the routes we originate (`network`, redistribute)? */
bool	adj_out_is_local(const struct adj_out *, const struct rib_peer *rp);
void	adj_out_networks_set(struct adj_out *, const struct prefix *v, size_t n);

/*
 * What we advertised to a peer, in no particular order: one call per path
 * sent, path_id ours (RFC 7911) toward an ADD-PATH send peer, else 0 (one
 * per prefix). fn returning non-zero stops.
 */
typedef int adj_out_walk_fn(void *arg, const struct prefix *, uint32_t path_id,
    const struct attr_set *);
/* -ENOENT if the peer has no Adj-RIB-Out (not Established), else how many visited. */
int	adj_out_walk(const struct adj_out *, const struct peer *, adj_out_walk_fn *, void *arg);
/*
 * `redistribute SRC [route-map NAME]` on or off (bgpd/redist.h says what each
 * source takes from the kernel). Each prefix becomes a local path with
 * origin INCOMPLETE; own_protocol: our routes' rtm_protocol, never taken.
 * On again: every prefix is re-announced through the (new) route-map.
 */
void	adj_out_redistribute(struct adj_out *, enum redist_src, bool on, const char *route_map,
	    uint8_t own_protocol);
/* Prefixes the kernel has now for src (0 when not redistributed). */
size_t	adj_out_redistributed(const struct adj_out *, enum redist_src);
/* Prefixes the neighbor has from us now (PfxSnt); 0 when not Established. */
size_t	adj_out_prefixes_sent(const struct adj_out *, const struct peer *);
/* Prefixes the neighbor's Adj-RIB-Out holds an entry for now (sent, or queued
 * to be decided): its memory, one entry each; 0 when not Established. */
size_t	adj_out_entries(const struct adj_out *, const struct peer *);

#endif
