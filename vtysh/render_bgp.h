/*
 * vtysh/render_bgp.h - `show bgp summary` and `show bgp neighbors`, as text
 * laid out like FRR's or as JSON with FRR's keys, from the same records.
 */
#ifndef IPIP_VTYSH_RENDER_BGP_H
#define IPIP_VTYSH_RENDER_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

void	render_bgp_summary(FILE *, const struct ctl_bgp *, const struct ctl_neighbor *,
	    size_t n, bool json);
void	render_bgp_neighbors(FILE *, const struct ctl_neighbor *, size_t n, bool json);
/* head, then n peers (struct ctl_bgp_stats). */
void	render_bgp_statistics(FILE *, const struct ctl_bgp_stats *head,
	    const struct ctl_bgp_stats *peers, size_t n, bool json);

#endif
