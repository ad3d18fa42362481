/*
 * bgpd/redist.h - `redistribute connected|static|kernel`: which prefixes of
 * the kernel's own table this site announces (doc/redistribute.md).
 *
 * The module follows the kernel (dump, then RTNLGRP_IPV4_IFADDR and
 * RTNLGRP_IPV4_ROUTE; an overrun re-dumps) and keeps, per source, the set of
 * prefixes the kernel has now:
 *   connected  the subnet of every IPv4 address that is not host-scoped;
 *   static     main-table routes with protocol static (4) or boot (3, what a
 *              plain `ip route add` makes);
 *   kernel     main-table routes of any other protocol, except the kernel's
 *              own subnet routes (2) and ours (the overlay's protocol);
 * unicast, blackhole, unreachable and prohibit routes; never the default
 * route (a default into the overlay is the classic loop: announce it with
 * `network 0.0.0.0/0` if you mean it). A prefix is announced once per
 * enabled source that has it, through the announce callback, and withdrawn
 * when the last kernel object behind it goes or the source is disabled.
 */
#ifndef IPIP_BGPD_REDIST_H
#define IPIP_BGPD_REDIST_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/prefix.h"
#include "lib/rtnl.h"

struct event_base;
struct redist;

enum redist_src { REDIST_CONNECTED, REDIST_STATIC, REDIST_KERNEL, REDIST_NSRC };

/* on: announce p from src (again: a route-map may have changed); !on: withdraw. */
typedef void redist_announce_fn(void *arg, enum redist_src, const struct prefix *p, bool on);

/*
 * base NULL: no kernel monitor (unit tests feed redist_kernel_msg()).
 * own_protocol: the rtm_protocol of our own routes, never redistributed.
 */
struct redist	*redist_new(struct event_base *base, uint8_t own_protocol,
		    redist_announce_fn *fn, void *arg);
void		 redist_free(struct redist *);		/* NULL ok; announces nothing */
/* Enable or disable a source; enabled again = every prefix announced again. */
void		 redist_enable(struct redist *, enum redist_src, bool on);
/* One route or address notification (or dump message). */
void		 redist_kernel_msg(struct redist *, const struct rtnl_msg *);
/* Dump bracketing (also used on overrun): objects not seen again go. */
void		 redist_dump_begin(struct redist *);
void		 redist_dump_end(struct redist *);
/* Prefixes the kernel has now for src (announced or not). */
size_t		 redist_count(const struct redist *, enum redist_src);
const char	*redist_src_name(enum redist_src);	/* "connected" */

#endif
