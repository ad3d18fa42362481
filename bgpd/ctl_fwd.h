/*
 * bgpd/ctl_fwd.h - CTL_SHOW_TUNNEL and CTL_SHOW_IP_ROUTE: our tunnel devices
 * and our kernel routes, registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_FWD_H
#define IPIP_BGPD_CTL_FWD_H

#include "bgpd/ctl.h"

#define CTL_FWD_CHUNK	512	/* tunnels or routes per loop turn */

ctl_handler_fn ctl_tunnel_show;
ctl_handler_fn ctl_kroute_show;

#endif
