/*
 * bgpd/ctl_fwd.c - `show tunnel [NAME]`, `show ip route` and `show ip
 * nexthop-group`: the tunnel devices we own (tunnel/tunnel.h: info and
 * counters), the routes and nexthop groups we install as the fib sees them,
 * with their kernel state (rib/fib.h). Each answer is a head record, then
 * one record per tunnel, route or group, streamed CTL_FWD_CHUNK at a
 * time (STYLE 7), so a 1M-route table never blocks the daemon. No text here.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/bgpd.h"
#include "bgpd/ctl_fwd.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "bgpd/rde_fwd.h"
#include "lib/ctlmsg.h"
#include "lib/log.h"
#include "lib/prefix.h"

/* One streamed answer. The fib and tunnel manager are looked up per chunk:
 * a reload may remove `router bgp` between chunks. */
struct fwd_stream {
	struct bgpd		*bgpd;
	struct ctl_conn		*conn;
	uint32_t		 seq;
	uint16_t		 type;
	uint64_t		 after;		/* tunnels: the last serial sent */
	uint32_t		 cursor;	/* routes, groups: hmap_scan's */
	char			 only[IF_NAMESIZE];	/* show tunnel NAME; "" for all */
	unsigned		 only_ifindex;	/* its device, found at the start */
	bool			 routes;	/* show tunnel NAME: tunnels sent, now routes */
	unsigned		 name_ifindex;	/* the last interface named, for this stream */
	char			 name[IF_NAMESIZE];
};

/*
 * The name of ifindex ("" when it is gone). Routes share a few devices, and
 * if_indextoname() is a socket and an ioctl: one lookup per change of device,
 * not one per next hop of a million routes.
 */
static const char *
fwd_ifname(struct fwd_stream *s, unsigned ifindex)
{
	if (ifindex != s->name_ifindex) {
		s->name_ifindex = ifindex;
		if (if_indextoname(ifindex, s->name) == NULL)
			s->name[0] = '\0';
	}
	return s->name;
}

static const struct rde_fwd *
fwd_of(const struct bgpd *b)
{
	return b->bgp ? rde_forwarding(b->bgp->rde) : NULL;
}

/* ------------------------------------------------ show tunnel */

static void
tunnel_row(void *arg, const struct tunnel *t)
{
	struct fwd_stream *s = arg;
	const struct tunnel_info *ti = tunnel_info(t);
	struct tunnel_counters c;
	struct ctl_tunnel_rec r;

	if (s->only[0] != '\0' && strcmp(ti->name, s->only) != 0)
		return;
	tunnel_counters_get(rde_fwd_tunnels_get(fwd_of(s->bgpd)), t, &c);
	memset(&r, 0, sizeof(r));
	r.rec = CTL_FWD_ROW;
	r.adopted = ti->adopted, r.nbma = ti->onlink;
	r.ifindex = ti->ifindex, r.mtu = ti->mtu, r.users = ti->users;
	CTL_STR_SET(r.name, ti->name);
	addr_fmt(ntohl(ti->local.s_addr), r.local);
	addr_fmt(ntohl(ti->remote.s_addr), r.remote);
	r.rx_packets = c.pkts_in, r.rx_bytes = c.bytes_in, r.rx_errors = c.errors_in;
	r.tx_packets = c.pkts_out, r.tx_bytes = c.bytes_out, r.tx_errors = c.errors_out;
	ctl_conn_record(s->conn, s->type, s->seq, &r, sizeof(r));
}

/* show tunnel NAME: one record per next hop of a route of ours through the device. */
static void
tunnel_route_row(void *arg, const struct fib_route_view *v)
{
	struct fwd_stream *s = arg;
	struct ctl_tunnel_rec r;

	for (size_t i = 0; i < v->n; i++) {
		if (v->nhs[i].ifindex != s->only_ifindex)
			continue;
		memset(&r, 0, sizeof(r));
		r.rec = CTL_FWD_ROUTE;
		r.ifindex = v->nhs[i].ifindex, r.mtu = v->mtu, r.nexthops = (uint32_t)v->n;
		CTL_STR_SET(r.name, s->only);
		prefix_fmt(&v->pfx, r.prefix);
		if (v->nhs[i].gateway != 0)
			addr_fmt(v->nhs[i].gateway, r.via);
		CTL_STR_SET(r.state, fib_route_state_name(v->state));
		ctl_conn_record(s->conn, s->type, s->seq, &r, sizeof(r));
	}
}

/* Tunnels in chunks; for show tunnel NAME then the routes through it, in chunks too. */
static bool
tunnel_more(struct ctl_conn *c, void *arg)
{
	struct fwd_stream *s = arg;
	const struct rde_fwd *fwd = fwd_of(s->bgpd);
	const struct tunnel_mgr *tm = rde_fwd_tunnels_get(fwd);
	const struct fib *fib = rde_fwd_fib(fwd);

	s->conn = c;
	if (!s->routes && tm != NULL &&
	    tunnel_mgr_walk_from(tm, &s->after, CTL_FWD_CHUNK, tunnel_row, s) == CTL_FWD_CHUNK)
		return true;
	s->routes = true;
	if (s->only[0] != '\0' && fib != NULL &&
	    fib_route_scan(fib, &s->cursor, CTL_FWD_CHUNK, tunnel_route_row, s))
		return true;
	ctl_conn_end(c, s->seq);
	return false;
}

static void
tunnel_head(struct ctl_conn *c, const struct ctl_frame *f, const struct rde_fwd *fwd)
{
	const struct tunnel_mgr *tm = rde_fwd_tunnels_get(fwd);
	struct ctl_tunnel_rec h;
	struct tunnel_drops d = { 0 };

	memset(&h, 0, sizeof(h));
	h.rec = CTL_FWD_HEAD;
	h.running = tm != NULL;
	CTL_STR_SET(h.driver, rde_fwd_driver(fwd));
	if (tm != NULL)
		tunnel_mgr_drops(tm, &d);
	h.drops_malformed = d.malformed, h.drops_no_tunnel = d.no_tunnel;
	ctl_conn_record(c, f->type, f->seq, &h, sizeof(h));
}

static struct fwd_stream *
stream_new(struct bgpd *b, const struct ctl_frame *f)
{
	struct fwd_stream *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("control: show");
	s->bgpd = b, s->seq = f->seq, s->type = f->type;
	return s;
}

/* Run a stream (its head already sent): a first chunk, the rest deferred. */
static void
stream_run(struct ctl_conn *c, struct fwd_stream *s, ctl_more_fn *more)
{
	if (more(c, s))
		ctl_conn_defer(c, more, s);
	else
		free(s);
}

static void
stream_start(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f, ctl_more_fn *more)
{
	stream_run(c, stream_new(b, f), more);
}

struct tunnel_find {
	const char	*name;
	unsigned	 ifindex;	/* 0: not found */
};

static void
tunnel_find_cb(void *arg, const struct tunnel *t)
{
	struct tunnel_find *tf = arg;
	const struct tunnel_info *ti = tunnel_info(t);

	if (tf->ifindex == 0 && strcmp(ti->name, tf->name) == 0)
		tf->ifindex = ti->ifindex;
}

/*
 * show tunnel NAME: refuse an unknown name before the head, so the shell
 * prints the error and exits non-zero. The walk compares names only (no
 * syscalls), one pass over the tunnels, which are few next to routes.
 */
static void
tunnel_show_one(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct tunnel_mgr *tm = rde_fwd_tunnels_get(fwd_of(b));
	struct ctl_tunnel_req req;
	struct tunnel_find tf = { 0 };
	struct fwd_stream *s;

	if (ctl_record_get(f, &req, sizeof(req)) < 0) {
		ctl_conn_error(c, f->seq, "malformed tunnel request");
		return;
	}
	CTL_STR_FIX(req.name);
	tf.name = req.name;
	if (tm != NULL)
		tunnel_mgr_walk(tm, tunnel_find_cb, &tf);
	if (tf.ifindex == 0) {
		ctl_conn_error(c, f->seq, "no tunnel %s%s", req.name,
		    tm == NULL ? " (no tunnel driver running)" : "");
		return;
	}
	tunnel_head(c, f, fwd_of(b));
	s = stream_new(b, f);
	CTL_STR_SET(s->only, req.name);
	s->only_ifindex = tf.ifindex;
	stream_run(c, s, tunnel_more);
}

void
ctl_tunnel_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	if (cur_left(&f->payload) != 0) {
		tunnel_show_one(b, c, f);
		return;
	}
	tunnel_head(c, f, fwd_of(b));
	stream_start(b, c, f, tunnel_more);
}

/* ------------------------------------------------ show ip route */

static void
kroute_row(void *arg, const struct fib_route_view *v)
{
	struct fwd_stream *s = arg;
	struct ctl_kroute_rec r;

	memset(&r, 0, sizeof(r));
	r.rec = CTL_FWD_ROW;
	prefix_fmt(&v->pfx, r.prefix);
	CTL_STR_SET(r.state, fib_route_state_name(v->state));
	r.mtu = v->mtu, r.nhg_id = v->nhg_id;
	r.nnh = (uint32_t)(v->n < CTL_KROUTE_NH_MAX ? v->n : CTL_KROUTE_NH_MAX);
	for (uint32_t i = 0; i < r.nnh; i++) {
		struct ctl_kroute_nh *o = &r.nh[i];

		if (v->nhs[i].gateway != 0)
			addr_fmt(v->nhs[i].gateway, o->via);
		CTL_STR_SET(o->dev, fwd_ifname(s, v->nhs[i].ifindex));
		o->ifindex = v->nhs[i].ifindex;
		o->weight = v->nhs[i].weight;
		o->onlink = v->nhs[i].onlink;
	}
	ctl_conn_record(s->conn, s->type, s->seq, &r, sizeof(r));
}

static bool
kroute_more(struct ctl_conn *c, void *arg)
{
	struct fwd_stream *s = arg;
	const struct fib *fib = rde_fwd_fib(fwd_of(s->bgpd));

	s->conn = c;
	if (fib != NULL && fib_route_scan(fib, &s->cursor, CTL_FWD_CHUNK, kroute_row, s))
		return true;
	ctl_conn_end(c, s->seq);
	return false;
}

void
ctl_kroute_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct fib *fib = rde_fwd_fib(fwd_of(b));
	struct ctl_kroute_rec h;

	memset(&h, 0, sizeof(h));
	h.rec = CTL_FWD_HEAD;
	h.running = fib != NULL;
	h.protocol = fib ? fib_protocol(fib) : 0;
	h.table = fib ? fib_table(fib) : 0;
	ctl_conn_record(c, f->type, f->seq, &h, sizeof(h));
	stream_start(b, c, f, kroute_more);
}

/* ------------------------------------------------ show ip nexthop-group */

static void
nhg_row(void *arg, const struct fib_nhg_view *v)
{
	struct fwd_stream *s = arg;
	struct ctl_nhg_rec r;

	memset(&r, 0, sizeof(r));
	r.rec = CTL_FWD_ROW;
	r.id = v->id;
	CTL_STR_SET(r.type, v->resilient ? "resilient" : "mpath");
	CTL_STR_SET(r.state, fib_route_state_name(v->state));
	r.refcnt = v->routes;
	r.nnh = (uint32_t)(v->n < CTL_NHG_NH_MAX ? v->n : CTL_NHG_NH_MAX);
	for (uint32_t i = 0; i < r.nnh; i++) {
		const struct fib_nhg_member *m = &v->m[i];
		struct ctl_nhg_nh *o = &r.nh[i];

		o->id = m->id;
		if (m->nh.gateway != 0)
			addr_fmt(m->nh.gateway, o->gateway);
		CTL_STR_SET(o->dev, fwd_ifname(s, m->nh.ifindex));	/* gone: "" */
		o->ifindex = m->nh.ifindex;
		o->weight = m->nh.weight;
		o->onlink = m->nh.onlink;
		o->installed = m->installed;
	}
	ctl_conn_record(s->conn, s->type, s->seq, &r, sizeof(r));
}

static bool
nhg_more(struct ctl_conn *c, void *arg)
{
	struct fwd_stream *s = arg;
	const struct fib *fib = rde_fwd_fib(fwd_of(s->bgpd));

	s->conn = c;
	if (fib != NULL && fib_nhg_scan(fib, &s->cursor, CTL_FWD_CHUNK, nhg_row, s))
		return true;
	ctl_conn_end(c, s->seq);
	return false;
}

void
ctl_nhg_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct fib *fib = rde_fwd_fib(fwd_of(b));
	struct fib_stats st;
	struct ctl_nhg_rec h;

	memset(&h, 0, sizeof(h));
	h.rec = CTL_FWD_HEAD;
	h.running = fib != NULL;
	if (fib != NULL) {
		fib_stats_get(fib, &st);
		h.nexthop_objects = st.nexthop_objects;
		h.nexthops = (uint32_t)st.nexthops;
		h.groups = (uint32_t)st.groups;
	}
	ctl_conn_record(c, f->type, f->seq, &h, sizeof(h));
	stream_start(b, c, f, nhg_more);
}

/* `show ip fib`: what the FIB did and repaired, for an operator's first look. */
void
ctl_fib_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct rde_fwd *fwd = fwd_of(b);
	const struct fib *fib = rde_fwd_fib(fwd);
	struct ctl_fib_stats r;
	struct fib_stats st;

	memset(&r, 0, sizeof(r));
	if (fib != NULL) {
		fib_stats_get(fib, &st);
		r.running = 1;
		r.nexthop_objects = st.nexthop_objects;
		r.settled = st.settled;
		r.v[CTL_FIB_ROUTES] = st.routes, r.v[CTL_FIB_ROUTES_KERNEL] = st.routes_kernel;
		r.v[CTL_FIB_GROUPS] = st.groups, r.v[CTL_FIB_NEXTHOPS] = st.nexthops;
		r.v[CTL_FIB_ROUTE_WRITES] = st.route_writes, r.v[CTL_FIB_ROUTE_DELS] = st.route_dels;
		r.v[CTL_FIB_GROUP_WRITES] = st.group_writes, r.v[CTL_FIB_GROUP_DELS] = st.group_dels;
		r.v[CTL_FIB_NH_WRITES] = st.nh_writes, r.v[CTL_FIB_NH_DELS] = st.nh_dels;
		r.v[CTL_FIB_MSGS] = st.msgs, r.v[CTL_FIB_BATCHES] = st.batches;
		r.v[CTL_FIB_FAILURES] = st.failures, r.v[CTL_FIB_RETRIES] = st.retries;
		r.v[CTL_FIB_REPAIRED] = st.repaired, r.v[CTL_FIB_NH_LOST] = st.nh_lost;
		r.v[CTL_FIB_RESYNCS] = st.resyncs, r.v[CTL_FIB_ADOPTED] = st.adopted;
		r.v[CTL_FIB_STALE_REMOVED] = st.stale_removed;
		r.v[CTL_FIB_TUNNELS_REMADE] = tunnel_mgr_remade(rde_fwd_tunnels_get(fwd));
	}
	ctl_conn_record(c, f->type, f->seq, &r, sizeof(r));
	ctl_conn_end(c, f->seq);
}
