/*
 * vtysh/commands_rib.c - `show bgp ipv4 unicast [A.B.C.D/M|A.B.C.D] [json]`,
 * `... neighbors A.B.C.D routes` (and FRR's `show ip bgp` spellings): ask the
 * daemon for struct ctl_rib_rec records (CTL_SHOW_BGP_IPV4) and render them
 * (render_rib.c). The table is printed while it streams in; one prefix's
 * paths are collected first.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/ctlmsg.h"
#include "lib/prefix.h"
#include "vtysh/client.h"
#include "vtysh/commands_rib.h"
#include "vtysh/render_rib.h"
#include "vtysh/vty.h"

#define DETAIL_PATHS_MAX	65535	/* paths of one prefix taken */

static int
rec_take(const struct ctl_frame *f, struct ctl_rib_rec *r)
{
	if (ctl_record_get(f, r, sizeof(*r)) < 0)
		return -1;
	CTL_STR_FIX(r->route.prefix);
	CTL_STR_FIX(r->path.peer);
	CTL_STR_FIX(r->path.peer_id);
	CTL_STR_FIX(r->path.nexthop);
	CTL_STR_FIX(r->path.originator);
	CTL_STR_FIX(r->path.lost_to);
	CTL_STR_FIX(r->path.lost_reason);
	CTL_STR_FIX(r->path.aspath);
	CTL_STR_FIX(r->path.comms);
	CTL_STR_FIX(r->path.lcomms);
	CTL_STR_FIX(r->path.ext_comms);
	return 0;
}

static int
take_row(const struct ctl_frame *f, void *arg)
{
	struct ctl_rib_rec r;

	if (rec_take(f, &r) < 0)
		return -1;
	render_rib_row(arg, &r);
	return 0;
}

static int
bgp_get(struct vty *v, struct ctl_bgp *b)
{
	if (vty_request_one(v, CTL_SHOW_BGP, b, sizeof(*b)) < 0)
		return -1;
	CTL_STR_FIX(b->router_id);
	CTL_STR_FIX(b->listen_addr);
	if (!b->configured)
		return vty_error(v, "BGP is not configured (no 'router bgp')");
	return 0;
}

/* The table as it streams in: all of it (req NULL) or what req selects. */
static int
show_table(struct vty *v, const struct cmd_args *a, const struct ctl_rib_req *req)
{
	struct rib_render rr;
	struct ctl_bgp b;
	char err[256];

	if (bgp_get(v, &b) < 0)
		return -1;
	render_rib_begin(&rr, v->out, &b, cmd_has(a, "json"));
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_IPV4, req, req ? sizeof(*req) : 0, take_row,
	    &rr, err, sizeof(err)) < 0) {
		render_rib_abort(&rr);
		return vty_error(v, "%s", err);
	}
	render_rib_end(&rr);
	return 0;
}

int
cmd_show_bgp_ipv4(struct vty *v, const struct cmd_args *a)
{
	return show_table(v, a, NULL);
}

/* `show bgp ipv4 unicast neighbors A.B.C.D routes`: the paths it sent us. */
int
cmd_show_bgp_neighbor_routes(struct vty *v, const struct cmd_args *a)
{
	struct ctl_rib_req req;

	memset(&req, 0, sizeof(req));
	CTL_STR_SET(req.neighbor, cmd_arg(a, "A.B.C.D"));
	return show_table(v, a, &req);
}

/* The rows of prefixes inside one prefix (itself included), then rendered. */
struct longer {
	struct rib_render	rr;
	struct prefix		within;
};

static int
take_longer(const struct ctl_frame *f, void *arg)
{
	struct longer *lp = arg;
	struct ctl_rib_rec r;
	struct prefix p;

	if (rec_take(f, &r) < 0 || prefix_parse(r.route.prefix, &p, true) < 0)
		return -1;
	if (prefix_contains(&lp->within, &p))
		render_rib_row(&lp->rr, &r);
	return 0;
}

/*
 * `show bgp ipv4 unicast A.B.C.D/M longer-prefixes`: FRR's table of that
 * prefix and the more specific ones. The shell filters the streamed table
 * (the daemon has no such query): a walk of the whole table, in chunks.
 */
int
cmd_show_bgp_longer(struct vty *v, const struct cmd_args *a)
{
	const char *p = cmd_arg(a, "A.B.C.D/M");
	struct longer lp;
	struct ctl_bgp b;
	char err[256];

	if (prefix_parse(p, &lp.within, true) < 0)	/* host bits cleared */
		return vty_error(v, "Malformed prefix: %s", p);
	if (bgp_get(v, &b) < 0)
		return -1;
	render_rib_begin(&lp.rr, v->out, &b, cmd_has(a, "json"));
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_IPV4, NULL, 0, take_longer, &lp, err,
	    sizeof(err)) < 0) {
		render_rib_abort(&lp.rr);
		return vty_error(v, "%s", err);
	}
	render_rib_end(&lp.rr);
	return 0;
}

/*
 * `show bgp neighbors A.B.C.D received-routes`: FRR shows the Adj-RIB-In
 * before inbound policy, kept only with soft-reconfiguration inbound, and
 * says so when it is not. ipip-bgpd keeps none (route refresh instead), so
 * this says the same and names what does exist.
 */
int
cmd_show_bgp_received(struct vty *v, const struct cmd_args *a)
{
	return vty_error(v, "Inbound soft reconfiguration not enabled (ipip-bgpd keeps no "
	    "routes before inbound policy); 'show bgp neighbors %s routes' shows the ones "
	    "policy accepted", cmd_arg(a, "A.B.C.D"));
}

struct rec_list {
	struct ctl_rib_rec	*v;
	size_t			 n, cap;
};

static int
take_rec(const struct ctl_frame *f, void *arg)
{
	struct rec_list *l = arg;

	if (l->n == l->cap && l->cap >= DETAIL_PATHS_MAX)
		return -1;
	if (ARRAY_GROW(l->v, l->n, l->cap, 8) < 0)
		return -1;
	return rec_take(f, &l->v[l->n++]);
}

int
cmd_show_bgp_ipv4_prefix(struct vty *v, const struct cmd_args *a)
{
	struct rec_list l = { 0 };
	struct ctl_rib_req req;
	char err[256];
	int rv = 0;

	memset(&req, 0, sizeof(req));
	CTL_STR_SET(req.prefix, cmd_has(a, "A.B.C.D/M") ? cmd_arg(a, "A.B.C.D/M") :
	    cmd_arg(a, "A.B.C.D"));
	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_IPV4, &req, sizeof(req), take_rec, &l, err,
	    sizeof(err)) < 0)
		rv = vty_error(v, "%s", err);
	else if (l.n == 0)		/* FRR: "{}" for json */
		rv = vty_error_json(v, "{}", "Network not in table");
	else
		render_rib_detail(v->out, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return rv;
}
