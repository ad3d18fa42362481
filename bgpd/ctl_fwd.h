/*
 * bgpd/ctl_fwd.h - CTL_SHOW_TUNNEL, CTL_SHOW_IP_ROUTE and
 * CTL_SHOW_IP_NEXTHOP_GROUP: our tunnel devices, kernel routes and nexthop
 * groups, registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_FWD_H
#define IPIP_BGPD_CTL_FWD_H

#include "bgpd/ctl.h"

#define CTL_FWD_CHUNK	512	/* tunnels, routes or groups per loop turn */

ctl_handler_fn ctl_tunnel_show;
ctl_handler_fn ctl_kroute_show;
ctl_handler_fn ctl_nhg_show;
ctl_handler_fn ctl_fib_show;

#endif
