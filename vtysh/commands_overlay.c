/*
 * vtysh/commands_overlay.c - `show overlay [json]`: ask for CTL_SHOW_OVERLAY
 * records, render them (render_overlay.c). Knows only include/ipip-bgpd/ctl.h.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/commands_overlay.h"
#include "vtysh/render_overlay.h"
#include "vtysh/vty.h"

#define OVERLAY_NH_MAX	65536	/* records taken per answer */

struct ov_list {
	struct ctl_overlay_rec	 head;
	bool			 have_head;
	struct ctl_overlay_rec	*v;
	size_t			 n, cap;
};

static void
rec_fix(struct ctl_overlay_rec *r)
{
	CTL_STR_FIX(r->mode);
	CTL_STR_FIX(r->driver);
	CTL_STR_FIX(r->nexthop);
	CTL_STR_FIX(r->local);
	CTL_STR_FIX(r->decision);
	CTL_STR_FIX(r->device);
	CTL_STR_FIX(r->reason);
	CTL_STR_FIX(r->mode_source);
}

static int
take_rec(const struct ctl_frame *f, void *arg)
{
	struct ov_list *l = arg;
	struct ctl_overlay_rec r;

	if (ctl_record_get(f, &r, sizeof(r)) < 0)
		return -1;
	rec_fix(&r);
	if (r.rec == CTL_OVERLAY_HEAD) {
		l->head = r, l->have_head = true;
		return 0;
	}
	if (l->n == l->cap && l->cap == OVERLAY_NH_MAX)
		return -1;
	if (ARRAY_GROW(l->v, l->n, l->cap, 16) < 0)
		return -1;
	l->v[l->n++] = r;
	return 0;
}

int
cmd_show_overlay(struct vty *v, const struct cmd_args *a)
{
	struct ov_list l = { 0 };
	char err[256];
	int rv = 0;

	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, CTL_SHOW_OVERLAY, NULL, 0, take_rec, &l, err,
	    sizeof(err)) < 0)
		rv = vty_error(v, "%s", err);
	else if (!l.have_head)
		rv = vty_error(v, "daemon sent no overlay record");
	else
		render_overlay(v->out, &l.head, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return rv;
}
