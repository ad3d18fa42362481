/*
 * lib/rtnl.h - rtnetlink messages (route, nexthop, link, address) to small structs.
 *
 * Every parser reads received bytes only through struct cursor (STYLE 1):
 * rtnl_msg_next() cuts one netlink message out of a receive buffer, and
 * rtnl_attrs_parse() walks its attributes against a policy table (STYLE 4),
 * checking each attribute's length and type before anyone reads it. Parsers
 * return 0 or -errno (-EBADMSG: malformed, -EAFNOSUPPORT: not IPv4,
 * -ENOMSG: wrong message type) and print nothing. Addresses come out in host
 * byte order, as in lib/prefix.h. Knows nothing of BGP.
 */
#ifndef IPIP_LIB_RTNL_H
#define IPIP_LIB_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/cursor.h"

/* One netlink message: header fields in host order and its payload. */
struct rtnl_msg {
	uint32_t	len;
	uint16_t	type;
	uint16_t	flags;
	uint32_t	seq;
	uint32_t	pid;
	struct cursor	body;	/* nlmsg_len - header, within the buffer */
};

/*
 * Cut the next message out of *buf (a recv() result); *buf moves past it and
 * its alignment padding. -EBADMSG if the header is short or nlmsg_len lies.
 */
MUST_USE int rtnl_msg_next(struct cursor *buf, struct rtnl_msg *);

/* What an attribute must look like to be accepted (one slot per type). */
enum rtnl_type { RTNL_ANY, RTNL_U8, RTNL_U16, RTNL_U32, RTNL_STR, RTNL_NESTED, RTNL_FLAG };
struct rtnl_policy {
	bool		want;
	enum rtnl_type	type;
	uint16_t	len;	/* RTNL_ANY: exact payload length if non-zero; RTNL_STR: max */
};

/*
 * Walk the attributes in c. tb has max + 1 slots; a slot's p stays NULL unless
 * the policy wants that type and the attribute passed its checks. Unwanted
 * types are skipped; a bad length anywhere is -EBADMSG; a duplicate keeps the
 * last one (as the kernel does). NLA_F_NESTED/NET_BYTEORDER bits are masked.
 */
MUST_USE int rtnl_attrs_parse(struct cursor c, const struct rtnl_policy *pol,
    uint16_t max, struct cursor *tb);

#define RTNL_MPATH_MAX	64	/* more next hops in one route is refused */

struct rtnl_hop {
	uint32_t	gateway;	/* 0: none */
	uint32_t	ifindex;
	uint16_t	weight;		/* 1..256 */
	uint8_t		flags;		/* RTNH_F_* (ONLINK) */
};

struct rtnl_route {
	uint8_t		dst_len, tos, protocol, scope, type, flags_nh;
	uint32_t	dst;		/* host order */
	uint32_t	table;
	uint32_t	priority;
	uint32_t	mtu;		/* RTAX_MTU, 0 if absent */
	uint32_t	nh_id;		/* RTA_NH_ID, 0 if absent */
	uint32_t	nhops;		/* entries in hop[] */
	struct rtnl_hop	hop[RTNL_MPATH_MAX];
};

#define RTNL_GROUP_MAX	256

struct rtnl_nexthop {
	uint32_t	id;
	uint8_t		protocol;
	uint32_t	flags;		/* RTNH_F_* */
	uint32_t	gateway;	/* host order, 0 if absent */
	uint32_t	ifindex;	/* 0 if absent */
	bool		blackhole;
	bool		is_group;
	uint16_t	group_type;	/* NEXTHOP_GRP_TYPE_* */
	uint16_t	buckets;	/* resilient groups */
	uint32_t	ngroup;
	struct { uint32_t id; uint16_t weight; } group[RTNL_GROUP_MAX];
};

struct rtnl_link {
	uint32_t	ifindex;
	uint32_t	flags;		/* IFF_* */
	uint32_t	mtu;
	uint8_t		operstate;
	char		name[IF_NAMESIZE];
};

struct rtnl_addr {
	uint32_t	ifindex;
	uint8_t		prefixlen, scope;
	uint32_t	addr;		/* IFA_ADDRESS, host order */
	uint32_t	local;		/* IFA_LOCAL (the interface's own address) */
};

/* RTM_NEWROUTE/RTM_DELROUTE, IPv4 only. */
MUST_USE int rtnl_route_parse(const struct rtnl_msg *, struct rtnl_route *);
/* RTM_NEWNEXTHOP/RTM_DELNEXTHOP, IPv4 or group (AF_UNSPEC). */
MUST_USE int rtnl_nexthop_parse(const struct rtnl_msg *, struct rtnl_nexthop *);
/* RTM_NEWLINK/RTM_DELLINK. */
MUST_USE int rtnl_link_parse(const struct rtnl_msg *, struct rtnl_link *);
/* RTM_NEWADDR/RTM_DELADDR, IPv4 only. */
MUST_USE int rtnl_addr_parse(const struct rtnl_msg *, struct rtnl_addr *);

#endif
