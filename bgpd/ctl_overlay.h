/*
 * bgpd/ctl_overlay.h - CTL_SHOW_OVERLAY: the direct-or-tunnel decision per
 * next hop, registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_OVERLAY_H
#define IPIP_BGPD_CTL_OVERLAY_H

#include "bgpd/ctl.h"

ctl_handler_fn ctl_overlay_show;

#endif
