/*
 * vtysh/commands_fwd.c - `show tunnel [NAME] [json]`, `show ip route [json]` and
 * `show ip nexthop-group [json]`: ask for CTL_SHOW_TUNNEL /
 * CTL_SHOW_IP_ROUTE / CTL_SHOW_IP_NEXTHOP_GROUP records and render them as
 * they stream in (render_fwd.c). Knows only include/ipip-bgpd/ctl.h.
 */
#include <string.h>

#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/commands_fwd.h"
#include "vtysh/render_fwd.h"
#include "vtysh/vty.h"

struct fwd_take {
	struct fwd_render	 fr;
	FILE			*out;
	bool			 json, have_head;
	bool			 detail;	/* show tunnel NAME */
};

static void
tunnel_fix(struct ctl_tunnel_rec *r)
{
	CTL_STR_FIX(r->name);
	CTL_STR_FIX(r->local);
	CTL_STR_FIX(r->remote);
	CTL_STR_FIX(r->driver);
	CTL_STR_FIX(r->prefix);
	CTL_STR_FIX(r->via);
	CTL_STR_FIX(r->state);
}

static int
take_tunnel(const struct ctl_frame *f, void *arg)
{
	struct fwd_take *t = arg;
	struct ctl_tunnel_rec r;

	if (ctl_record_get(f, &r, sizeof(r)) < 0)
		return -1;
	tunnel_fix(&r);
	if (r.rec == CTL_FWD_HEAD && !t->have_head) {
		if (t->detail)
			render_tunnel_one_begin(&t->fr, t->out, &r, t->json);
		else
			render_tunnel_begin(&t->fr, t->out, &r, t->json);
		t->have_head = true;
	} else if (r.rec == CTL_FWD_ROW && t->have_head)
		render_tunnel_row(&t->fr, &r);
	else if (r.rec == CTL_FWD_ROUTE && t->have_head && t->detail)
		render_tunnel_route(&t->fr, &r);
	else
		return -1;
	return 0;
}

static void
kroute_fix(struct ctl_kroute_rec *r)
{
	CTL_STR_FIX(r->prefix);
	CTL_STR_FIX(r->state);
	if (r->nnh > CTL_KROUTE_NH_MAX)
		r->nnh = CTL_KROUTE_NH_MAX;
	for (uint32_t i = 0; i < r->nnh; i++) {
		CTL_STR_FIX(r->nh[i].via);
		CTL_STR_FIX(r->nh[i].dev);
	}
}

static int
take_kroute(const struct ctl_frame *f, void *arg)
{
	struct fwd_take *t = arg;
	struct ctl_kroute_rec r;

	if (ctl_record_get(f, &r, sizeof(r)) < 0)
		return -1;
	kroute_fix(&r);
	if (r.rec == CTL_FWD_HEAD && !t->have_head) {
		render_kroute_begin(&t->fr, t->out, &r, t->json);
		t->have_head = true;
	} else if (r.rec == CTL_FWD_ROW && t->have_head)
		render_kroute_row(&t->fr, &r);
	else
		return -1;
	return 0;
}

static void
nhg_fix(struct ctl_nhg_rec *r)
{
	CTL_STR_FIX(r->type);
	CTL_STR_FIX(r->state);
	if (r->nnh > CTL_NHG_NH_MAX)
		r->nnh = CTL_NHG_NH_MAX;
	for (uint32_t i = 0; i < r->nnh; i++) {
		CTL_STR_FIX(r->nh[i].gateway);
		CTL_STR_FIX(r->nh[i].dev);
	}
}

static int
take_nhg(const struct ctl_frame *f, void *arg)
{
	struct fwd_take *t = arg;
	struct ctl_nhg_rec r;

	if (ctl_record_get(f, &r, sizeof(r)) < 0)
		return -1;
	nhg_fix(&r);
	if (r.rec == CTL_FWD_HEAD && !t->have_head) {
		render_nhg_begin(&t->fr, t->out, &r, t->json);
		t->have_head = true;
	} else if (r.rec == CTL_FWD_ROW && t->have_head)
		render_nhg_row(&t->fr, &r);
	else
		return -1;
	return 0;
}

/* req/len: the request's payload (NULL, 0: none); detail: show tunnel NAME. */
static int
fwd_request(struct vty *v, const struct cmd_args *a, uint16_t type, const void *req,
    size_t len, ctl_record_fn *take, const char *none)
{
	struct fwd_take t = { .out = v->out, .json = cmd_has(a, "json") };
	char err[256];

	t.detail = req != NULL;
	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, type, req, len, take, &t, err, sizeof(err)) < 0) {
		if (t.have_head)
			render_fwd_abort(&t.fr);
		return vty_error(v, "%s", err);
	}
	if (!t.have_head)
		return vty_error(v, "daemon sent no head record");
	render_fwd_end(&t.fr, none);
	return 0;
}

static int
fwd_show(struct vty *v, const struct cmd_args *a, uint16_t type, ctl_record_fn *take,
    const char *none)
{
	return fwd_request(v, a, type, NULL, 0, take, none);
}

int
cmd_show_tunnel(struct vty *v, const struct cmd_args *a)
{
	const char *name = cmd_arg(a, "NAME");
	struct ctl_tunnel_req req;

	if (name == NULL)
		return fwd_show(v, a, CTL_SHOW_TUNNEL, take_tunnel, "No tunnels");
	if (strlen(name) >= sizeof(req.name))
		return vty_error(v, "no tunnel %s (a device name has at most %zu characters)",
		    name, sizeof(req.name) - 1);
	memset(&req, 0, sizeof(req));
	CTL_STR_SET(req.name, name);
	return fwd_request(v, a, CTL_SHOW_TUNNEL, &req, sizeof(req), take_tunnel, NULL);
}

int
cmd_show_ip_route(struct vty *v, const struct cmd_args *a)
{
	return fwd_show(v, a, CTL_SHOW_IP_ROUTE, take_kroute, "No routes");
}

int
cmd_show_ip_nexthop_group(struct vty *v, const struct cmd_args *a)
{
	return fwd_show(v, a, CTL_SHOW_IP_NEXTHOP_GROUP, take_nhg, "No nexthop groups");
}

int
cmd_show_ip_fib(struct vty *v, const struct cmd_args *a)
{
	struct ctl_fib_stats r;

	if (vty_request_one(v, CTL_SHOW_IP_FIB, &r, sizeof(r)) < 0)
		return -1;
	render_fib_stats(v->out, &r, cmd_has(a, "json"));
	return 0;
}
