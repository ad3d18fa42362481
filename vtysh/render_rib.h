/*
 * vtysh/render_rib.h - `show bgp ipv4 unicast [A.B.C.D/M]`: FRR's table and
 * detail layouts, or JSON with the keys of FRR's `show bgp ipv4 unicast
 * json`, from the same struct ctl_rib_rec records (STYLE 12). The table is
 * printed as records arrive, so a large RIB does not pile up in the shell.
 */
#ifndef IPIP_VTYSH_RENDER_RIB_H
#define IPIP_VTYSH_RENDER_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

struct json_object;

/* One table being printed: text rows as they come, or JSON at the end. */
struct rib_render {
	FILE			*out;
	bool			 json;
	const struct ctl_bgp	*bgp;		/* router id, AS */
	size_t			 routes, paths;
	struct json_object	*top, *routes_j;	/* JSON only */
};

void	render_rib_begin(struct rib_render *, FILE *, const struct ctl_bgp *, bool json);
void	render_rib_row(struct rib_render *, const struct ctl_rib_rec *);
void	render_rib_end(struct rib_render *);
/* The answer failed half way: drop what was collected. */
void	render_rib_abort(struct rib_render *);
/* Every path of one prefix, with attributes and why each non-best lost. */
void	render_rib_detail(FILE *, const struct ctl_rib_rec *, size_t n, bool json);

#endif
