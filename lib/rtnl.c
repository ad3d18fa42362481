/*
 * lib/rtnl.c - rtnetlink message parsers: route, nexthop, link, address.
 *
 * Received bytes are read only through struct cursor: a message is cut out of
 * its buffer, its fixed header copied out, then its attributes are checked
 * against a policy table before any parser reads a slot (STYLE 1 and 4).
 * Netlink integers are in host order (copied), addresses in network order
 * (cur_u32 turns them into host order). Nothing here allocates or logs.
 */
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/rtnl.h"

#define ALIGN4(n)	(((n) + 3u) & ~3u)

/* Skip up to n bytes of padding: a last message or attribute may lack it. */
static void
cur_pad(struct cursor *c, size_t n)
{
	if (cur_skip(c, n < c->len ? n : c->len) < 0)
		c->len = 0;
}

int
rtnl_msg_next(struct cursor *buf, struct rtnl_msg *m)
{
	struct nlmsghdr h;
	struct cursor t = *buf;

	if (cur_bytes(&t, &h, sizeof(h)) < 0 || h.nlmsg_len < sizeof(h))
		return -EBADMSG;
	if (cur_split(&t, h.nlmsg_len - sizeof(h), &m->body) < 0)
		return -EBADMSG;
	cur_pad(&t, ALIGN4(h.nlmsg_len) - h.nlmsg_len);
	*buf = t;
	m->len = h.nlmsg_len;
	m->type = h.nlmsg_type;
	m->flags = h.nlmsg_flags;
	m->seq = h.nlmsg_seq;
	m->pid = h.nlmsg_pid;
	return 0;
}

/* Does payload a fit the policy slot p? */
static bool
attr_fits(const struct rtnl_policy *p, const struct cursor *a)
{
	static const uint16_t fixed[] = { [RTNL_U8] = 1, [RTNL_U16] = 2, [RTNL_U32] = 4 };

	switch (p->type) {
	case RTNL_U8:
	case RTNL_U16:
	case RTNL_U32:
		return a->len == fixed[p->type];
	case RTNL_STR:
		return a->len > 0 && memchr(a->p, 0, a->len) != NULL &&
		    (p->len == 0 || a->len <= p->len);
	case RTNL_ANY:
		return p->len == 0 || a->len == p->len;
	case RTNL_NESTED:
	case RTNL_FLAG:
		return true;
	}
	return false;
}

int
rtnl_attrs_parse(struct cursor c, const struct rtnl_policy *pol, uint16_t max,
    struct cursor *tb)
{
	struct nlattr h;
	struct cursor a;
	uint16_t type;

	memset(tb, 0, sizeof(*tb) * (max + 1u));
	while (cur_left(&c) > 0) {
		if (cur_bytes(&c, &h, sizeof(h)) < 0 || h.nla_len < sizeof(h))
			return -EBADMSG;
		if (cur_split(&c, h.nla_len - sizeof(h), &a) < 0)
			return -EBADMSG;
		cur_pad(&c, ALIGN4(h.nla_len) - h.nla_len);
		type = h.nla_type & NLA_TYPE_MASK;
		if (type > max || !pol[type].want)
			continue;			/* not ours: skip, don't fail */
		if (!attr_fits(&pol[type], &a))
			return -EBADMSG;
		tb[type] = a.p != NULL ? a : (struct cursor){ (const uint8_t *)"", 0 };
	}
	return 0;
}

/* Slots the policy vouched for: these reads cannot fail. */
static uint32_t
attr_u32(const struct cursor *a)
{
	struct cursor t = *a;
	uint32_t v = 0;

	return cur_bytes(&t, &v, sizeof(v)) < 0 ? 0 : v;
}

static uint16_t
attr_u16(const struct cursor *a)
{
	struct cursor t = *a;
	uint16_t v = 0;

	return cur_bytes(&t, &v, sizeof(v)) < 0 ? 0 : v;
}

static uint8_t
attr_u8(const struct cursor *a)
{
	struct cursor t = *a;
	uint8_t v = 0;

	return cur_u8(&t, &v) < 0 ? 0 : v;
}

/* An IPv4 address attribute (policy: exactly 4 bytes), to host order. */
static uint32_t
attr_in4(const struct cursor *a)
{
	struct cursor t = *a;
	uint32_t v = 0;

	return cur_u32(&t, &v) < 0 ? 0 : v;
}

static bool
has(const struct cursor *a)
{
	return a->p != NULL;
}

/* Message type, fixed header copied out, attributes checked against pol. */
static int
rtnl_body_parse(const struct rtnl_msg *m, uint16_t t_new, uint16_t t_del, void *hdr,
    size_t hlen, const struct rtnl_policy *pol, uint16_t max, struct cursor *tb)
{
	struct cursor c = m->body;

	if (m->type != t_new && m->type != t_del)
		return -ENOMSG;
	if (cur_bytes(&c, hdr, hlen) < 0)
		return -EBADMSG;
	return rtnl_attrs_parse(c, pol, max, tb);
}

/* ---- routes ---- */

static const struct rtnl_policy route_pol[RTA_MAX + 1] = {
	[RTA_DST] = { true, RTNL_ANY, 4 },	[RTA_GATEWAY] = { true, RTNL_ANY, 4 },
	[RTA_OIF] = { true, RTNL_U32, 0 },	[RTA_PRIORITY] = { true, RTNL_U32, 0 },
	[RTA_TABLE] = { true, RTNL_U32, 0 },	[RTA_METRICS] = { true, RTNL_NESTED, 0 },
	[RTA_MULTIPATH] = { true, RTNL_NESTED, 0 }, [RTA_NH_ID] = { true, RTNL_U32, 0 },
};
static const struct rtnl_policy metrics_pol[RTAX_MAX + 1] = {
	[RTAX_MTU] = { true, RTNL_U32, 0 },
};
static const struct rtnl_policy hop_pol[RTA_MAX + 1] = {
	[RTA_GATEWAY] = { true, RTNL_ANY, 4 },
};

/* One struct rtnexthop and its attributes out of RTA_MULTIPATH. */
static int
route_hop_parse(struct cursor *mp, struct rtnl_hop *h)
{
	struct rtnexthop rh;
	struct cursor attrs, tb[RTA_MAX + 1];
	int rv;

	if (cur_bytes(mp, &rh, sizeof(rh)) < 0 || rh.rtnh_len < sizeof(rh))
		return -EBADMSG;
	if (cur_split(mp, rh.rtnh_len - sizeof(rh), &attrs) < 0)
		return -EBADMSG;
	cur_pad(mp, ALIGN4(rh.rtnh_len) - rh.rtnh_len);
	if ((rv = rtnl_attrs_parse(attrs, hop_pol, RTA_MAX, tb)) < 0)
		return rv;
	if (rh.rtnh_ifindex < 0)
		return -EBADMSG;
	h->ifindex = (uint32_t)rh.rtnh_ifindex;
	h->weight = (uint16_t)(rh.rtnh_hops + 1);
	h->flags = rh.rtnh_flags;
	h->gateway = has(&tb[RTA_GATEWAY]) ? attr_in4(&tb[RTA_GATEWAY]) : 0;
	return 0;
}

static int
route_multipath_parse(struct cursor mp, struct rtnl_route *r)
{
	int rv;

	r->nhops = 0;
	while (cur_left(&mp) > 0) {
		if (r->nhops == RTNL_MPATH_MAX)
			return -E2BIG;
		if ((rv = route_hop_parse(&mp, &r->hop[r->nhops])) < 0)
			return rv;
		r->nhops++;
	}
	return r->nhops > 0 ? 0 : -EBADMSG;
}

static int
route_metrics_parse(struct cursor m, struct rtnl_route *r)
{
	struct cursor tb[RTAX_MAX + 1];
	int rv;

	if ((rv = rtnl_attrs_parse(m, metrics_pol, RTAX_MAX, tb)) < 0)
		return rv;
	r->mtu = has(&tb[RTAX_MTU]) ? attr_u32(&tb[RTAX_MTU]) : 0;
	return 0;
}

/* Fields from the attributes the policy let through. */
static int
route_attrs_apply(struct cursor *tb, struct rtnl_route *r)
{
	int rv;

	if (has(&tb[RTA_DST]))
		r->dst = attr_in4(&tb[RTA_DST]);
	if (r->dst & ~(r->dst_len ? 0xffffffffu << (32 - r->dst_len) : 0))
		return -EBADMSG;			/* host bits set */
	if (has(&tb[RTA_TABLE]))
		r->table = attr_u32(&tb[RTA_TABLE]);
	if (has(&tb[RTA_PRIORITY]))
		r->priority = attr_u32(&tb[RTA_PRIORITY]);
	if (has(&tb[RTA_NH_ID]))
		r->nh_id = attr_u32(&tb[RTA_NH_ID]);
	if (has(&tb[RTA_GATEWAY]) || has(&tb[RTA_OIF])) {
		r->nhops = 1;
		r->hop[0] = (struct rtnl_hop){ .weight = 1, .flags = r->flags_nh };
		if (has(&tb[RTA_GATEWAY]))
			r->hop[0].gateway = attr_in4(&tb[RTA_GATEWAY]);
		if (has(&tb[RTA_OIF]))
			r->hop[0].ifindex = attr_u32(&tb[RTA_OIF]);
	}
	if (has(&tb[RTA_MULTIPATH]) &&
	    (rv = route_multipath_parse(tb[RTA_MULTIPATH], r)) < 0)
		return rv;
	if (has(&tb[RTA_METRICS]))
		return route_metrics_parse(tb[RTA_METRICS], r);
	return 0;
}

int
rtnl_route_parse(const struct rtnl_msg *m, struct rtnl_route *r)
{
	struct cursor tb[RTA_MAX + 1];
	struct rtmsg rtm;
	int rv;

	if ((rv = rtnl_body_parse(m, RTM_NEWROUTE, RTM_DELROUTE, &rtm, sizeof(rtm),
	    route_pol, RTA_MAX, tb)) < 0)
		return rv;
	if (rtm.rtm_family != AF_INET)
		return -EAFNOSUPPORT;
	if (rtm.rtm_dst_len > 32)
		return -EBADMSG;
	memset(r, 0, sizeof(*r) - sizeof(r->hop));
	r->dst_len = rtm.rtm_dst_len;
	r->tos = rtm.rtm_tos;
	r->protocol = rtm.rtm_protocol;
	r->scope = rtm.rtm_scope;
	r->type = rtm.rtm_type;
	r->flags_nh = (uint8_t)rtm.rtm_flags;
	r->table = rtm.rtm_table;
	return route_attrs_apply(tb, r);
}

/* ---- nexthops ---- */

static const struct rtnl_policy nh_pol[NHA_MAX + 1] = {
	[NHA_ID] = { true, RTNL_U32, 0 },	[NHA_GROUP] = { true, RTNL_ANY, 0 },
	[NHA_GROUP_TYPE] = { true, RTNL_U16, 0 }, [NHA_BLACKHOLE] = { true, RTNL_FLAG, 0 },
	[NHA_OIF] = { true, RTNL_U32, 0 },	[NHA_GATEWAY] = { true, RTNL_ANY, 4 },
	[NHA_RES_GROUP] = { true, RTNL_NESTED, 0 },
};
static const struct rtnl_policy res_pol[NHA_RES_GROUP_MAX + 1] = {
	[NHA_RES_GROUP_BUCKETS] = { true, RTNL_U16, 0 },
};

/* NHA_GROUP: an array of struct nexthop_grp; a ragged or empty one is refused. */
/*
 * struct nexthop_grp's layout, spelled out: uapi headers name its sixth byte
 * resvd1 before Linux 6.12 and weight_high since (weights 1..65536), and the
 * installed headers may be either.
 */
struct rtnl_nh_grp_entry {
	uint32_t	id;
	uint8_t		weight, weight_high;
	uint16_t	resvd;
};
_Static_assert(sizeof(struct rtnl_nh_grp_entry) == sizeof(struct nexthop_grp),
    "NHA_GROUP entry layout");

static int
nh_group_parse(struct cursor g, struct rtnl_nexthop *nh)
{
	struct rtnl_nh_grp_entry e;

	if (g.len == 0 || g.len % sizeof(e) != 0)
		return -EBADMSG;
	if (g.len / sizeof(e) > RTNL_GROUP_MAX)
		return -E2BIG;
	nh->is_group = true;
	for (nh->ngroup = 0; cur_left(&g) > 0; nh->ngroup++) {
		if (cur_bytes(&g, &e, sizeof(e)) < 0 || e.id == 0)
			return -EBADMSG;
		nh->group[nh->ngroup].id = e.id;
		nh->group[nh->ngroup].weight = (uint16_t)(((e.weight_high << 8) | e.weight) + 1);
	}
	return 0;
}

static int
nh_res_parse(struct cursor c, struct rtnl_nexthop *nh)
{
	struct cursor tb[NHA_RES_GROUP_MAX + 1];
	int rv;

	if ((rv = rtnl_attrs_parse(c, res_pol, NHA_RES_GROUP_MAX, tb)) < 0)
		return rv;
	if (has(&tb[NHA_RES_GROUP_BUCKETS]))
		nh->buckets = attr_u16(&tb[NHA_RES_GROUP_BUCKETS]);
	return 0;
}

static int
nh_attrs_apply(struct cursor *tb, struct rtnl_nexthop *nh)
{
	int rv;

	if (!has(&tb[NHA_ID]) || (nh->id = attr_u32(&tb[NHA_ID])) == 0)
		return -EBADMSG;
	nh->blackhole = has(&tb[NHA_BLACKHOLE]);
	if (has(&tb[NHA_OIF]))
		nh->ifindex = attr_u32(&tb[NHA_OIF]);
	if (has(&tb[NHA_GATEWAY]))
		nh->gateway = attr_in4(&tb[NHA_GATEWAY]);
	if (has(&tb[NHA_GROUP_TYPE]))
		nh->group_type = attr_u16(&tb[NHA_GROUP_TYPE]);
	if (has(&tb[NHA_GROUP]) && (rv = nh_group_parse(tb[NHA_GROUP], nh)) < 0)
		return rv;
	if (has(&tb[NHA_RES_GROUP]))
		return nh_res_parse(tb[NHA_RES_GROUP], nh);
	return 0;
}

int
rtnl_nexthop_parse(const struct rtnl_msg *m, struct rtnl_nexthop *nh)
{
	struct cursor tb[NHA_MAX + 1];
	struct nhmsg h;
	int rv;

	if ((rv = rtnl_body_parse(m, RTM_NEWNEXTHOP, RTM_DELNEXTHOP, &h, sizeof(h),
	    nh_pol, NHA_MAX, tb)) < 0)
		return rv;
	if (h.nh_family != AF_INET && h.nh_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	memset(nh, 0, offsetof(struct rtnl_nexthop, group));
	nh->protocol = h.nh_protocol;
	nh->flags = h.nh_flags;
	return nh_attrs_apply(tb, nh);
}

/* ---- links and addresses ---- */

static const struct rtnl_policy link_pol[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { true, RTNL_STR, IF_NAMESIZE },
	[IFLA_MTU] = { true, RTNL_U32, 0 },
	[IFLA_OPERSTATE] = { true, RTNL_U8, 0 },
};

int
rtnl_link_parse(const struct rtnl_msg *m, struct rtnl_link *l)
{
	struct cursor tb[IFLA_MAX + 1];
	struct ifinfomsg h;
	int rv;

	if ((rv = rtnl_body_parse(m, RTM_NEWLINK, RTM_DELLINK, &h, sizeof(h),
	    link_pol, IFLA_MAX, tb)) < 0)
		return rv;
	if (h.ifi_index <= 0)
		return -EBADMSG;
	memset(l, 0, sizeof(*l));
	l->ifindex = (uint32_t)h.ifi_index;
	l->flags = h.ifi_flags;
	if (has(&tb[IFLA_MTU]))
		l->mtu = attr_u32(&tb[IFLA_MTU]);
	if (has(&tb[IFLA_OPERSTATE]))
		l->operstate = attr_u8(&tb[IFLA_OPERSTATE]);
	if (has(&tb[IFLA_IFNAME]))	/* policy: NUL inside, <= IF_NAMESIZE */
		memcpy(l->name, tb[IFLA_IFNAME].p, tb[IFLA_IFNAME].len);
	return 0;
}

static const struct rtnl_policy addr_pol[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { true, RTNL_ANY, 4 },
	[IFA_LOCAL] = { true, RTNL_ANY, 4 },
};

int
rtnl_addr_parse(const struct rtnl_msg *m, struct rtnl_addr *a)
{
	struct cursor tb[IFA_MAX + 1];
	struct ifaddrmsg h;
	int rv;

	if ((rv = rtnl_body_parse(m, RTM_NEWADDR, RTM_DELADDR, &h, sizeof(h),
	    addr_pol, IFA_MAX, tb)) < 0)
		return rv;
	if (h.ifa_family != AF_INET)
		return -EAFNOSUPPORT;
	if (h.ifa_prefixlen > 32 || h.ifa_index == 0)
		return -EBADMSG;
	if (!has(&tb[IFA_ADDRESS]) && !has(&tb[IFA_LOCAL]))
		return -EBADMSG;
	memset(a, 0, sizeof(*a));
	a->ifindex = h.ifa_index;
	a->prefixlen = h.ifa_prefixlen;
	a->scope = h.ifa_scope;
	a->addr = has(&tb[IFA_ADDRESS]) ? attr_in4(&tb[IFA_ADDRESS]) : attr_in4(&tb[IFA_LOCAL]);
	a->local = has(&tb[IFA_LOCAL]) ? attr_in4(&tb[IFA_LOCAL]) : a->addr;
	return 0;
}
