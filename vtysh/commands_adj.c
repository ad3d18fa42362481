/*
 * vtysh/commands_adj.c - `show bgp neighbors A.B.C.D advertised-routes
 * [json]`: ask the daemon for CTL_SHOW_BGP_ADVERTISED records and render
 * them (render_adj.c).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/commands_adj.h"
#include "vtysh/render_adj.h"
#include "vtysh/vty.h"

#define ADV_MAX		(16u * 1024 * 1024)	/* prefixes taken */

struct adv_list {
	struct ctl_rib_rec	*v;
	size_t			 n, cap;
};

static int
take_adv(const struct ctl_frame *f, void *arg)
{
	struct adv_list *l = arg;
	struct ctl_rib_rec *r;

	if (l->n == l->cap && l->cap >= ADV_MAX)
		return -1;
	if (ARRAY_GROW(l->v, l->n, l->cap, 64) < 0)
		return -1;
	r = &l->v[l->n];
	if (ctl_record_get(f, r, sizeof(*r)) < 0)
		return -1;
	CTL_STR_FIX(r->route.prefix);
	CTL_STR_FIX(r->path.nexthop);
	CTL_STR_FIX(r->path.originator);
	CTL_STR_FIX(r->path.aspath);
	l->n++;
	return 0;
}

int
cmd_show_bgp_advertised(struct vty *v, const struct cmd_args *a)
{
	struct adv_list l = { 0 };
	struct ctl_neighbor_req req;
	struct ctl_bgp b;
	char err[256];
	int rv = 0;

	if (vty_request_one(v, CTL_SHOW_BGP, &b, sizeof(b)) < 0)
		return -1;
	CTL_STR_FIX(b.router_id);
	if (!b.configured)
		return vty_error(v, "BGP is not configured (no 'router bgp')");
	memset(&req, 0, sizeof(req));
	CTL_STR_SET(req.addr, cmd_arg(a, "A.B.C.D"));
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_ADVERTISED, &req, sizeof(req), take_adv, &l,
	    err, sizeof(err)) < 0)
		rv = vty_error(v, "%s", err);
	else
		render_adj(v->out, &b, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return rv;
}
