/*
 * bgpd/ctl_bgp.h - control requests about BGP sessions (CTL_SHOW_BGP*),
 * registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_BGP_H
#define IPIP_BGPD_CTL_BGP_H

#include "bgpd/ctl.h"

ctl_handler_fn ctl_bgp_show;
ctl_handler_fn ctl_bgp_show_neighbors;
ctl_handler_fn ctl_bgp_clear;
ctl_handler_fn ctl_bgp_clear_soft;
ctl_handler_fn ctl_bgp_show_statistics;

#endif
