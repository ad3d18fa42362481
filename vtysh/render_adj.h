/*
 * vtysh/render_adj.h - `show bgp neighbors A.B.C.D advertised-routes`: FRR's
 * table, or JSON with FRR's keys (advertisedRoutes, totalPrefixCounter),
 * from struct ctl_rib_rec records whose path is the attributes as sent.
 */
#ifndef IPIP_VTYSH_RENDER_ADJ_H
#define IPIP_VTYSH_RENDER_ADJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

void	render_adj(FILE *, const struct ctl_bgp *, const struct ctl_rib_rec *, size_t n, bool json);

#endif
