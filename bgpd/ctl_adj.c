/*
 * bgpd/ctl_adj.c - answers to `show bgp neighbors A.B.C.D advertised-routes`:
 * the neighbor's Adj-RIB-Out (adj_out_walk), one struct ctl_rib_rec per
 * path sent (one per prefix unless ADD-PATH send, RFC 7911, is on) with the
 * attributes as they were sent, sorted by prefix and path id. No text here
 * (STYLE 12).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/array.h"
#include "bgpd/adj_out.h"
#include "bgpd/attrs.h"
#include "bgpd/bgpd.h"
#include "bgpd/ctl_adj.h"
#include "bgpd/ctl_rib.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "lib/ctlmsg.h"

struct adv {
	struct prefix		 pfx;
	uint32_t		 path_id;	/* ours, with ADD-PATH send; else 0 */
	const struct attr_set	*a;	/* borrowed for the answer */
};

struct adv_list {
	struct adv	*v;
	size_t		 n, cap;
};

static int
adv_take(void *arg, const struct prefix *pfx, uint32_t path_id, const struct attr_set *a)
{
	struct adv_list *l = arg;

	if (ARRAY_GROW(l->v, l->n, l->cap, 64) < 0)
		fatal("control: advertised routes");
	l->v[l->n++] = (struct adv){ *pfx, path_id, a };
	return 0;
}

static int
adv_cmp(const void *x, const void *y)
{
	const struct adv *a = x, *b = y;
	int c = prefix_cmp(&a->pfx, &b->pfx);

	return c != 0 ? c : a->path_id < b->path_id ? -1 : a->path_id > b->path_id;
}

static void
adv_rec_fill(const struct peer *p, const struct adv *v, struct ctl_rib_rec *r)
{
	struct ctl_path *o = &r->path;
	const struct attr_set *a = v->a;

	memset(r, 0, sizeof(*r));
	prefix_fmt(&v->pfx, r->route.prefix);
	r->route.npaths = 1;
	addr_fmt(ntohl(p->cfg.remote_addr.s_addr), o->peer);
	addr_fmt(p->remote_id, o->peer_id);
	addr_fmt(a->nexthop, o->nexthop);
	o->best = o->valid = 1;
	o->ebgp = p->ctx.ebgp;
	o->addpath_tx = p->ctx.addpath_tx;
	o->path_id = v->path_id;
	o->origin = a->origin;
	o->has_med = (a->present & ATTRF(ATTR_MED)) != 0;
	o->med = a->med;
	o->local_pref = a->present & ATTRF(ATTR_LOCAL_PREF) ? a->local_pref : 0;
	o->has_originator = (a->present & ATTRF(ATTR_ORIGINATOR_ID)) != 0;
	if (o->has_originator)
		addr_fmt(a->originator_id, o->originator);
	o->cluster_len = a->ncluster;
	o->aspath_len = aspath_count(a->aspath, a->aspath_words);
	ctl_rib_attrs_text(a, o);
}

void
ctl_adj_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_neighbor_req req;
	struct adv_list l = { 0 };
	struct ctl_rib_rec r;
	struct in_addr addr;
	struct peer *p;

	if (ctl_record_get(f, &req, sizeof(req)) < 0) {
		ctl_conn_error(c, f->seq, "malformed neighbor request");
		return;
	}
	CTL_STR_FIX(req.addr);
	if (inet_pton(AF_INET, req.addr, &addr) != 1) {
		ctl_conn_error(c, f->seq, "malformed neighbor address '%s'", req.addr);
		return;
	}
	if (b->bgp == NULL || (p = bgp_peer_find(b->bgp, addr)) == NULL) {
		ctl_conn_error(c, f->seq, "No such neighbor or address family");
		return;
	}
	(void)adj_out_walk(rde_adj_out(b->bgp->rde), p, adv_take, &l);	/* down: none */
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), adv_cmp);
	for (size_t i = 0; i < l.n; i++) {
		adv_rec_fill(p, &l.v[i], &r);
		ctl_conn_record(c, f->type, f->seq, &r, sizeof(r));
	}
	free(l.v);
	ctl_conn_end(c, f->seq);
}
