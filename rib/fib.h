/*
 * rib/fib.h - the desired-state FIB: what we want in the kernel, and the job
 * that makes the kernel agree.
 *
 * The caller (the RIB) says what each prefix should forward to; fib_* keeps
 * one kernel nexthop object per (gateway, ifindex, onlink) and one nexthop
 * group per distinct set of (nexthop, weight), shared by every route that
 * uses it. Changes are queued and flushed by a libevent job in bounded
 * chunks, batched on one netlink socket, every ACK matched to its object;
 * failures are logged once per object and retried with backoff.
 *
 * Everything we put in the kernel carries our protocol number (routes:
 * rtm_protocol, nexthops: nh_protocol); nothing else is ever changed. At
 * fib_new() our leftovers are adopted (a restart does not blink traffic) and
 * only removed after fib_settle(). A monitor socket notices an operator
 * deleting our routes or the kernel dropping our nexthops (link down) and
 * repairs; kernel ENOBUFS triggers a resync (dump and compare).
 *
 * Without kernel nexthop objects (or with opts.use_nexthops false) routes
 * carry their next hops inline (RTA_GATEWAY / RTA_MULTIPATH).
 */
#ifndef IPIP_RIB_FIB_H
#define IPIP_RIB_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/prefix.h"

struct event_base;
struct fib;

/* Our route protocol number, named in /etc/iproute2/rt_protos.d/ipip-bgpd.conf.
 * Not FRR's 186 (bgp) nor BIRD's 12, nor any other entry of iproute2's list. */
#define FIB_RTPROT_DEFAULT	44
#define FIB_METRIC_DEFAULT	20	/* route priority, as FRR's BGP routes */
#define FIB_NH_MAX		64	/* next hops per route */

enum fib_compat {
	FIB_COMPAT_SET0,	/* default: set net.ipv4.nexthop_compat_mode=0 (O(1) replace),
				 * the 1 found put back at stop */
	FIB_COMPAT_LEAVE,	/* leave the sysctl alone (warn when it is 1) */
};

struct fib_opts {
	uint8_t		protocol;	/* 0: FIB_RTPROT_DEFAULT */
	uint32_t	table;		/* 0: main (254) */
	uint32_t	metric;		/* 0: FIB_METRIC_DEFAULT */
	bool		use_nexthops;	/* nexthop objects if the kernel has them */
	bool		resilient;	/* groups of type resilient (flows stay on survivors) */
	uint16_t	buckets;	/* resilient: 0 means 128 */
	enum fib_compat	compat;
	size_t		batch_bytes;	/* bytes per sendmsg; 0: 64 KiB with the writer
					 * thread, libmnl's default (a page) without */
	int		monitor_rcvbuf;	/* 0: NL_SOCK_BUF; tests shrink it to force ENOBUFS */
	bool		sync_writes;	/* sendmsg inline, not on the writer thread */
};

/* One next hop of a route. gateway 0: directly on ifindex. weight 1..256. */
struct fib_nh {
	uint32_t	gateway;	/* host order */
	uint32_t	ifindex;
	bool		onlink;
	uint16_t	weight;
};

struct fib_stats {
	uint64_t	routes, groups, nexthops;	/* wanted now */
	uint64_t	routes_kernel;			/* ours in the kernel (by our view) */
	uint64_t	route_writes, route_dels;
	uint64_t	group_writes, group_dels, nh_writes, nh_dels;
	uint64_t	msgs, batches;			/* netlink messages, sendmsg calls */
	uint64_t	failures, retries;
	uint64_t	repaired;	/* our routes restored after removal from outside */
	uint64_t	nh_lost;	/* our nexthops the kernel dropped (link down) */
	uint64_t	resyncs;	/* monitor overruns (ENOBUFS) answered by a dump */
	uint64_t	notified;	/* kernel notifications the monitor read (not our echo) */
	uint64_t	adopted, stale_removed;
	uint64_t	settles;	/* waits for every ACK before changing a route in flight */
	uint64_t	walks;		/* walks of every route for what groups do not
					 * list: groups gone, inline next hop/link down */
	bool		nexthop_objects, settled;
};

/*
 * Open the netlink sockets, pick nexthop objects or the fallback (logged),
 * handle nexthop_compat_mode, and adopt what the kernel holds with our
 * protocol. NULL if the sockets or the first dump fail (logged).
 */
struct fib	*fib_new(struct event_base *, const struct fib_opts *);
/*
 * A fib that never talks to a kernel (unit tests of its callers): no
 * sockets, no loop; objects, words and counts as fib_new's, but nothing is
 * ever sent, so what is wanted stays pending. fib_free as usual.
 */
struct fib	*fib_new_offline(const struct fib_opts *);
/*
 * keep_routes: leave our routes and nexthops in the kernel (graceful restart).
 * Either way the nexthop_compat_mode 1 that fib_new set to 0 is put back,
 * unless nexthop objects of another protocol are there then (doc/fib.md).
 */
void		 fib_free(struct fib *, bool keep_routes);

/*
 * The caller's word: 32 bits each route carries for the caller (the
 * overlay: its next-hop set and the loop guard's verdict), so a caller
 * with something to keep per prefix needs no table of its own. 0: none.
 * A route with a word stays (out of the kernel if nothing is wanted) until
 * fib_route_del gives it word 0; adopted routes start with 0. The fib
 * never interprets it.
 */

/*
 * Want prefix to forward over nhs[0..n-1] (copied; order does not matter),
 * with this MTU (0: none), and keep word for it. Queued, not sent. 0, or
 * -EINVAL (nothing changed, the word neither) for n == 0, n > FIB_NH_MAX,
 * an MTU above 65535, a weight outside 1..256, ifindex 0 or a repeated
 * next hop.
 */
MUST_USE int	 fib_route_set(struct fib *, const struct prefix *,
		    const struct fib_nh *nhs, size_t n, uint32_t mtu, uint32_t word);
/*
 * Do not want prefix in the kernel any more. word 0: forget it (no-op if
 * unknown); else keep it, with this word, out of the kernel (made if
 * unknown: a prefix the caller holds but does not install).
 */
void		 fib_route_del(struct fib *, const struct prefix *, uint32_t word);
/* The word of prefix, 0 if none or unknown. One lookup by prefix; the
 * fib_route_set/del that follows for the same prefix finds it without. */
uint32_t	 fib_route_word(struct fib *, const struct prefix *);
/*
 * Every route with a word, in no particular order (the route slab's). fn
 * may call fib_route_set/del on any prefix: a route present throughout is
 * visited once, one added or forgotten meanwhile may or may not be.
 */
typedef void fib_word_fn(void *arg, const struct prefix *, uint32_t word);
void		 fib_route_word_walk(struct fib *, fib_word_fn *, void *arg);
/*
 * BGP PIC: this next hop is gone. Drop it from every shared group that has
 * other members: one group replace each, routes untouched, sent before this
 * returns (with nexthop objects; its ACKs read). The caller's later
 * fib_route_set() with the smaller set finds the same group. Returns how
 * many groups changed.
 */
size_t		 fib_nh_down(struct fib *, const struct fib_nh *);
/* End of initial convergence: stale routes and nexthops may now go. */
void		 fib_settle(struct fib *);
/* Nothing queued and nothing in flight: every ACK read (failed changes
 * may still wait for their retry). */
bool		 fib_is_idle(const struct fib *);
void		 fib_stats_get(const struct fib *, struct fib_stats *);

/* One of our routes as the fib sees it, for show ip route. */
enum fib_route_state {
	FIB_ROUTE_INSTALLED,	/* the kernel holds what we want */
	FIB_ROUTE_PENDING,	/* a write is queued or waits for its ACK */
	FIB_ROUTE_FAILED,	/* the kernel refused it; retried with backoff */
	FIB_ROUTE_STALE,	/* adopted from an earlier run, not wanted (yet) */
};
struct fib_route_view {
	struct prefix		 pfx;
	enum fib_route_state	 state;
	uint32_t		 mtu;		/* 0: none */
	uint32_t		 nhg_id;	/* kernel group id; 0 with inline next hops */
	size_t			 n;
	struct fib_nh		 nhs[FIB_NH_MAX];
};
typedef void fib_route_fn(void *arg, const struct fib_route_view *);
const char	*fib_route_state_name(enum fib_route_state);
/*
 * Our routes (wanted or stale; not those being deleted) in chunks of at
 * most max (lib/slab.h slab_next: safe across loop turns with changes in
 * between). *cursor 0 starts; false once complete. No particular order.
 */
bool		 fib_route_scan(const struct fib *, uint32_t *cursor, size_t max,
		    fib_route_fn *, void *arg);

/* One of our kernel nexthop groups, for show ip nexthop-group. */
struct fib_nhg_member {
	uint32_t		 id;		/* kernel nexthop object id */
	struct fib_nh		 nh;		/* weight: in this group */
	bool			 installed;	/* the nexthop object is in the kernel */
};
struct fib_nhg_view {
	uint32_t		 id;
	bool			 resilient;	/* type resilient, else mpath */
	enum fib_route_state	 state;		/* as for routes */
	uint32_t		 routes;	/* routes that want this group */
	size_t			 n;
	struct fib_nhg_member	 m[FIB_NH_MAX];	/* canonical order */
};
typedef void fib_nhg_fn(void *arg, const struct fib_nhg_view *);
/*
 * Our nexthop groups (wanted or stale; not those being deleted), as
 * fib_route_scan: chunks of about max, resumable, *cursor 0 starts, false
 * once complete, hash order. Nothing at all with inline next hops.
 */
bool		 fib_nhg_scan(const struct fib *, uint32_t *cursor, size_t max,
		    fib_nhg_fn *, void *arg);
uint8_t		 fib_protocol(const struct fib *);
uint32_t	 fib_table(const struct fib *);

#endif
