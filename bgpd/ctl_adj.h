/*
 * bgpd/ctl_adj.h - `show bgp neighbors A.B.C.D advertised-routes`
 * (CTL_SHOW_BGP_ADVERTISED), registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_ADJ_H
#define IPIP_BGPD_CTL_ADJ_H

#include "bgpd/ctl.h"

ctl_handler_fn ctl_adj_show;

#endif
