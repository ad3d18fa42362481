/*
 * rib/fib_kernel.c - the FIB's writes to the kernel: messages for nexthops,
 * groups and routes, their ACKs, and the purge at exit. Reconcile and the
 * monitor live in rib/fib_sync.c.
 *
 * Writes use NLM_F_EXCL for what we have not installed yet (a route or an id
 * that is not ours is never replaced: EEXIST instead) and NLM_F_REPLACE for
 * what is ours. Deletes name our protocol, so a route that is not ours
 * cannot match. ACKs arrive through fib_on_ack() (seq -> object). Nothing
 * here decides what to send: fib.c's flush job does (STYLE 5).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/debug.h"
#include "lib/log.h"
#include "rib/fib_int.h"

const char *
fib_obj_name(const struct fib_obj *o, char *buf, size_t n)
{
	const struct fib_route *r = (const struct fib_route *)o;
	const struct fib_nhobj *nh = (const struct fib_nhobj *)o;
	char a[PREFIX_STRLEN];
	struct prefix p;

	if (o->kind == FIB_K_ROUTE) {
		p = fib_route_pfx(r);
		snprintf(buf, n, "route %s", prefix_fmt(&p, a));
	} else if (o->kind == FIB_K_NH)
		snprintf(buf, n, "nexthop id %u via %s ifindex %u", nh->h.id,
		    addr_fmt(nh->key.gateway, a), nh->key.ifindex);
	else
		snprintf(buf, n, "nexthop group id %u", ((const struct fib_idobj *)o)->id);
	return buf;
}

/* ---- messages ---- */

static struct rtmsg *
fib_msg_route_head(struct fib *f, struct nlmsghdr *h, const struct fib_route *r)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->o.r_plen;
	rtm->rtm_table = f->opts.table < 256 ? (uint8_t)f->opts.table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = f->opts.protocol;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(h, RTA_DST, htonl(r->addr));
	mnl_attr_put_u32(h, RTA_TABLE, f->opts.table);
	mnl_attr_put_u32(h, RTA_PRIORITY, f->opts.metric);
	return rtm;
}

static void
fib_msg_hop(struct nlmsghdr *h, const struct fib_member *m)
{
	struct rtnexthop *rh = mnl_nlmsg_get_payload_tail(h);

	h->nlmsg_len += MNL_ALIGN(sizeof(*rh));
	memset(rh, 0, sizeof(*rh));
	rh->rtnh_flags = m->nh->key.onlink ? RTNH_F_ONLINK : 0;
	rh->rtnh_hops = (uint8_t)(m->weight - 1);
	rh->rtnh_ifindex = (int)m->nh->key.ifindex;
	if (m->nh->key.gateway)
		mnl_attr_put_u32(h, RTA_GATEWAY, htonl(m->nh->key.gateway));
	rh->rtnh_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(h) - (char *)rh);
}

/* RTA_MULTIPATH fallback: the next hops inline in the route. */
static void
fib_msg_route_hops(struct nlmsghdr *h, struct rtmsg *rtm, const struct fib_grp *g)
{
	struct nlattr *mp;

	if (g->n == 1) {
		if (g->m[0].nh->key.gateway)
			mnl_attr_put_u32(h, RTA_GATEWAY, htonl(g->m[0].nh->key.gateway));
		mnl_attr_put_u32(h, RTA_OIF, g->m[0].nh->key.ifindex);
		rtm->rtm_flags |= g->m[0].nh->key.onlink ? RTNH_F_ONLINK : 0;
		return;
	}
	mp = mnl_attr_nest_start(h, RTA_MULTIPATH);
	for (size_t i = 0; i < g->n; i++)
		fib_msg_hop(h, &g->m[i]);
	mnl_attr_nest_end(h, mp);
}

/* EXCL for what was never ours in the kernel; REPLACE for what is or may be. */
static uint16_t
fib_write_flags(const struct fib_obj *o)
{
	return NLM_F_CREATE | (o->in_kernel || o->maybe_in ? NLM_F_REPLACE : NLM_F_EXCL);
}

static void
fib_write_route(struct fib *f, struct fib_route *r)
{
	uint16_t fl = fib_write_flags(&r->o);
	struct nlmsghdr *h = nl_batch_begin(f->nl, RTM_NEWROUTE, fl, r);
	struct rtmsg *rtm = fib_msg_route_head(f, h, r);
	struct nlattr *m;

	if (f->nexthops)
		mnl_attr_put_u32(h, RTA_NH_ID, fib_grp_at(f, r->grp)->h.id);
	else
		fib_msg_route_hops(h, rtm, fib_grp_at(f, r->grp));
	if (r->o.r_mtu) {
		m = mnl_attr_nest_start(h, RTA_METRICS);
		mnl_attr_put_u32(h, RTAX_MTU, r->o.r_mtu);
		mnl_attr_nest_end(h, m);
	}
	f->st.route_writes++;
}

static struct nlmsghdr *
fib_msg_nh_head(struct fib *f, uint16_t type, uint16_t fl, struct fib_idobj *o,
    uint8_t family)
{
	struct nlmsghdr *h = nl_batch_begin(f->nl, type, fl, o);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(h, sizeof(*nhm));

	nhm->nh_family = family;
	if (type == RTM_NEWNEXTHOP)	/* a delete must leave the header zero */
		nhm->nh_protocol = f->opts.protocol;
	mnl_attr_put_u32(h, NHA_ID, o->id);
	return h;
}

static void
fib_write_nh(struct fib *f, struct fib_nhobj *nh)
{
	struct nlmsghdr *h = fib_msg_nh_head(f, RTM_NEWNEXTHOP, fib_write_flags(&nh->h.o),
	    &nh->h, AF_INET);
	struct nhmsg *nhm = mnl_nlmsg_get_payload(h);

	nhm->nh_flags = nh->key.onlink ? RTNH_F_ONLINK : 0;
	mnl_attr_put_u32(h, NHA_OIF, nh->key.ifindex);
	if (nh->key.gateway)
		mnl_attr_put_u32(h, NHA_GATEWAY, htonl(nh->key.gateway));
	f->st.nh_writes++;
}

/* The group as the kernel can take it now: members that are installed. */
static void
fib_write_grp(struct fib *f, struct fib_grp *g)
{
	struct nlmsghdr *h = fib_msg_nh_head(f, RTM_NEWNEXTHOP, fib_write_flags(&g->h.o), &g->h,
	    AF_UNSPEC);
	struct nexthop_grp e[FIB_NH_MAX];
	struct nlattr *res;
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++)
		if (fib_obj_usable(&g->m[i].nh->h.o))
			e[n++] = (struct nexthop_grp){ .id = g->m[i].nh->h.id,
			    .weight = (uint8_t)(g->m[i].weight - 1) };
	mnl_attr_put(h, NHA_GROUP, n * sizeof(e[0]), e);
	if (f->opts.resilient) {
		mnl_attr_put_u16(h, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
		res = mnl_attr_nest_start(h, NHA_RES_GROUP);
		mnl_attr_put_u16(h, NHA_RES_GROUP_BUCKETS, f->opts.buckets);
		mnl_attr_nest_end(h, res);
	}
	f->st.group_writes++;
}

static void
fib_batch_end(struct fib *f)
{
	int rv;

	if ((rv = nl_batch_end(f->nl)) < 0)	/* each message was failed to its owner */
		log_warnx("netlink: sendmsg: %s", strerror(-rv));
}

/* `debug fib`: one line per object written or deleted. */
static void
fib_debug(const char *verb, const struct fib_obj *o)
{
	char name[96];

	debugf(DEBUG_FIB, "fib: %s %s", verb, fib_obj_name(o, name, sizeof(name)));
}

void
fib_kernel_write(struct fib *f, struct fib_obj *o)
{
	fib_debug(o->in_kernel ? "replace" : "install", o);
	o->pending = FIB_OP_WRITE;
	if (o->kind == FIB_K_ROUTE)
		fib_write_route(f, (struct fib_route *)o);
	else if (o->kind == FIB_K_NH)
		fib_write_nh(f, (struct fib_nhobj *)o);
	else
		fib_write_grp(f, (struct fib_grp *)o);
	fib_batch_end(f);
}

void
fib_kernel_del(struct fib *f, struct fib_obj *o)
{
	struct nlmsghdr *h;

	fib_debug("delete", o);
	o->pending = FIB_OP_DEL;
	if (o->kind == FIB_K_ROUTE) {
		h = nl_batch_begin(f->nl, RTM_DELROUTE, 0, o);
		(void)fib_msg_route_head(f, h, (struct fib_route *)o);
		f->st.route_dels++;
	} else {
		(void)fib_msg_nh_head(f, RTM_DELNEXTHOP, 0, (struct fib_idobj *)o, AF_UNSPEC);
		*(o->kind == FIB_K_NH ? &f->st.nh_dels : &f->st.group_dels) += 1;
	}
	fib_batch_end(f);
}

void
fib_kernel_flush(struct fib *f)
{
	int rv;

	rv = f->urgent ? nl_batch_flush_now(f->nl) : nl_batch_flush(f->nl);
	if (rv < 0)
		log_warnx("netlink: sendmsg: %s", strerror(-rv));
}

/* Send what is batched and wait for every ACK: nothing is pending after. */
void
fib_kernel_settle(struct fib *f)
{
	int rv;

	if ((rv = nl_sync(f->nl)) < 0)
		log_warnx("netlink: sendmsg: %s", strerror(-rv));
}

/* ---- ACKs ---- */

/* The kernel took r as we want it: it names r's group (or its hops). */
static void
fib_route_now_in(struct fib *f, struct fib_route *r)
{
	if (!r->o.in_kernel)
		f->st.routes_kernel++;
	r->o.in_kernel = true;
	r->o.r_k_mtu = r->o.r_mtu;
	if (!f->nexthops)
		r->k_sig = fib_grp_hops_sig(fib_grp_at(f, r->grp));
	else if (r->k_grp != r->grp) {
		fib_grp_ref(f, fib_grp_at(f, r->grp));
		if (r->k_grp != 0)
			fib_grp_put(f, fib_grp_at(f, r->k_grp));
		r->k_grp = r->grp;
	}
}

void
fib_route_now_out(struct fib *f, struct fib_route *r)
{
	struct fib_grp *kg = fib_route_kgrp(f, r);

	if (r->o.in_kernel)
		f->st.routes_kernel--;
	r->o.in_kernel = false;
	r->k_grp = 0;			/* k_sig too: one field */
	if (kg != NULL)
		fib_grp_put(f, kg);
}

/* A nexthop came or went: groups that have it must be rewritten. */
void
fib_nh_groups_dirty(struct fib *f, struct fib_nhobj *nh)
{
	struct fib_grp *g;

	for (g = fib_grp_next(f, NULL); g != NULL; g = fib_grp_next(f, g))
		if (fib_grp_has_nh(g, nh) && fib_obj_wanted(&g->h.o)) {
			g->h.o.kdirty = true;
			fib_obj_dirty(f, &g->h.o);
		}
}

/*
 * If g is usable, its routes that wait for it can go. Called wherever g
 * may have become usable: its write's ACK, but also a delete's failure
 * (wanted again meanwhile, it stays in the kernel) and a dump that finds it
 * there (fib_sync.c): a route waits for nothing else.
 */
void
fib_grp_wake(struct fib *f, struct fib_grp *g)
{
	struct fib_obj *o;

	if (!fib_obj_usable(&g->h.o))
		return;
	while ((o = fib_queue_first(f, &g->wait)) != NULL)
		fib_obj_dirty(f, o);
}

static void
fib_ack_ok(struct fib *f, struct fib_obj *o, enum fib_op op, bool redo)
{
	bool was_in = o->in_kernel;

	o->logged = false;
	if (op == FIB_OP_DEL) {
		if (o->kind == FIB_K_ROUTE)
			fib_route_now_out(f, (struct fib_route *)o);
		o->in_kernel = o->maybe_in = false;
		if (fib_obj_wanted(o))
			fib_obj_dirty(f, o);
		else
			fib_obj_release(f, o);
		return;
	}
	o->kdirty = redo && o->kdirty;	/* set while in flight: still to do */
	if (o->kind == FIB_K_ROUTE)
		fib_route_now_in(f, (struct fib_route *)o);
	o->in_kernel = true;
	o->maybe_in = false;
	if (!was_in && o->kind == FIB_K_NH)
		fib_nh_groups_dirty(f, (struct fib_nhobj *)o);
	if (o->kind == FIB_K_GRP)
		fib_grp_wake(f, (struct fib_grp *)o);
	if (fib_queue_empty(&f->retry))
		f->retry_ms = FIB_RETRY_MIN_MS;
	if (redo)
		fib_obj_dirty(f, o);
}

/* Lost answers come by the batch (an overrun): a few lines, then a count. */
static bool
fib_lost_log_ok(void)
{
	static struct log_ratelimit rl;
	unsigned dropped = 0;
	bool ok = log_ratelimit_ok(&rl, time(NULL), 10, 60, &dropped);

	if (ok && dropped > 0)
		log_warnx("fib: %u more writes whose answers were lost (ENOBUFS); will retry", dropped);
	return ok;
}

static void
fib_ack_fail(struct fib *f, struct fib_obj *o, enum fib_op op, int err, const char *msg)
{
	char name[96];

	f->st.failures++;
	if (!o->logged && (err != -ENOBUFS || fib_lost_log_ok()))
		log_warnx("fib: %s %s: %s%s%s; will retry", op == FIB_OP_DEL ? "delete" : "install",
		    fib_obj_name(o, name, sizeof(name)), strerror(-err), msg ? ": " : "", msg ? msg : "");
	o->logged = true;
	if (err == -ENOBUFS && op != FIB_OP_DEL)
		o->maybe_in = true;	/* answer lost: the kernel may have it (delete it if unwanted) */
	if (err == -EEXIST && o->kind != FIB_K_ROUTE && !o->in_kernel) {
		fib_id_assign(f, (struct fib_idobj *)o, 0);	/* the id is someone else's */
		fib_obj_dirty(f, o);
		return;
	}
	if (err == -EINVAL && op != FIB_OP_DEL && f->nexthops)
		fib_refs_lost(f, o);	/* maybe an id it names is gone: those go first */
	fib_obj_queue(f, o, FIB_L_RETRY);
	fib_retry_arm(f);
	if (o->kind == FIB_K_GRP)			/* a failed delete: still in */
		fib_grp_wake(f, (struct fib_grp *)o);
	else if (o->kind == FIB_K_NH && op == FIB_OP_DEL && fib_obj_wanted(o))
		fib_nh_groups_dirty(f, (struct fib_nhobj *)o);	/* groups wait for it too */
}

/* Queued again for what changed while its message was in flight. */
static void
fib_ack_redo(struct fib *f, struct fib_obj *o)
{
	if (o->list == FIB_L_RETRY || o->list == FIB_L_NONE)
		fib_obj_dirty(f, o);
}

void
fib_on_ack(void *arg, void *cookie, int err, const char *msg)
{
	struct fib *f = arg;
	struct fib_obj *o = cookie;
	enum fib_op op = o->pending;
	bool redo = o->redo;

	o->pending = FIB_OP_NONE;
	o->redo = false;
	if (err == 0 || (op == FIB_OP_DEL && (err == -ENOENT || err == -ESRCH))) {
		fib_ack_ok(f, o, op, redo);	/* may free o */
		return;
	}
	fib_ack_fail(f, o, op, err, msg);
	if (redo)
		fib_ack_redo(f, o);
}

/* Delete everything of one kind that we have in the kernel (the routes:
 * m NULL); wait for the ACKs. */
static void
fib_purge_map(struct fib *f, struct hmap *m, size_t off, enum fib_kind kind)
{
	struct fib_obj *o;
	struct fib_route *r;

	if (m == NULL) {
		for (uint32_t i = 0; (r = slab_next(&f->route_slab, &i)) != NULL;)
			if (r->o.in_kernel)
				fib_obj_queue(f, &r->o, FIB_L_DEL);
	} else
		for (struct hmap_node *x = hmap_next(m, NULL); x; x = hmap_next(m, x))
			if ((o = (struct fib_obj *)((char *)x - off))->in_kernel)
				fib_obj_queue(f, o, FIB_L_DEL);
	while ((o = fib_queue_first(f, &f->del[kind])) != NULL) {
		fib_obj_queue(f, o, FIB_L_NONE);
		fib_kernel_del(f, o);
	}
	fib_kernel_settle(f);
}

void
fib_kernel_purge(struct fib *f)
{
	fib_purge_map(f, NULL, 0, FIB_K_ROUTE);
	fib_purge_map(f, &f->grps, offsetof(struct fib_grp, h.hn), FIB_K_GRP);
	fib_purge_map(f, &f->nhs, offsetof(struct fib_nhobj, h.hn), FIB_K_NH);
}
