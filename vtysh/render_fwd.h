/*
 * vtysh/render_fwd.h - `show tunnel [NAME]`, `show ip route` and `show ip
 * nexthop-group` as an aligned table
 * (FRR-like) or JSON (camelCase keys) from the same records (STYLE 12).
 * Text rows are printed as records arrive; JSON is printed at the end.
 */
#ifndef IPIP_VTYSH_RENDER_FWD_H
#define IPIP_VTYSH_RENDER_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

struct json_object;

struct fwd_render {
	FILE			*out;
	bool			 json;
	size_t			 rows;
	bool			 running;	/* the head said so */
	bool			 detail;	/* show tunnel NAME: a block per tunnel */
	size_t			 routes;	/* show tunnel NAME: route records seen */
	char			 driver[16];	/* show tunnel NAME: from the head */
	const char		*key;		/* JSON: "tunnels", "routes", "nexthopGroups" */
	struct json_object	*top, *rows_j;	/* JSON only */
};

/* head: the CTL_FWD_HEAD record, then every CTL_FWD_ROW, then end (or abort). */
void	render_tunnel_begin(struct fwd_render *, FILE *, const struct ctl_tunnel_rec *head,
	    bool json);
void	render_tunnel_row(struct fwd_render *, const struct ctl_tunnel_rec *);
/*
 * show tunnel NAME: the head, the CTL_FWD_ROW of each tunnel on the device
 * (render_tunnel_row), then its CTL_FWD_ROUTE records: text in FRR's detail
 * style; JSON the list form's keys, each tunnel with a "routes" array.
 */
void	render_tunnel_one_begin(struct fwd_render *, FILE *, const struct ctl_tunnel_rec *head,
	    bool json);
void	render_tunnel_route(struct fwd_render *, const struct ctl_tunnel_rec *);
void	render_kroute_begin(struct fwd_render *, FILE *, const struct ctl_kroute_rec *head,
	    bool json);
void	render_kroute_row(struct fwd_render *, const struct ctl_kroute_rec *);
void	render_nhg_begin(struct fwd_render *, FILE *, const struct ctl_nhg_rec *head,
	    bool json);
void	render_nhg_row(struct fwd_render *, const struct ctl_nhg_rec *);
void	render_fwd_end(struct fwd_render *, const char *none);	/* none: text for 0 rows */
void	render_fwd_abort(struct fwd_render *);

void	render_fib_stats(FILE *, const struct ctl_fib_stats *, bool json);

#endif
