/*
 * tests/unit/test_rtnl.c - rtnetlink parsers take what the kernel sends and
 * refuse truncated, oversized and hostile messages without reading outside
 * them (messages are exact-size heap copies: ASan flags any overread).
 */
#include <linux/if_addr.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "lib/nl.h"
#include "tests/unit/nlbuild.h"

static struct rtnl_route rt;
static struct rtnl_nexthop nh;
static struct rtnl_link lk;
static struct rtnl_addr ad;

static struct rtmsg *
route_msg(struct nlb *b, uint8_t dst_len)
{
	struct rtmsg *r = nlb_start(b, RTM_NEWROUTE, sizeof(*r));

	r->rtm_family = AF_INET;
	r->rtm_dst_len = dst_len;
	r->rtm_table = RT_TABLE_MAIN;
	r->rtm_protocol = 44;
	r->rtm_type = RTN_UNICAST;
	return r;
}

static void
route_put_multipath(struct nlb *b, int n)
{
	struct nlattr *mp = mnl_attr_nest_start(b->h, RTA_MULTIPATH);

	for (int i = 0; i < n; i++) {
		struct rtnexthop *h = mnl_nlmsg_get_payload_tail(b->h);
		char gw[16];

		b->h->nlmsg_len += MNL_ALIGN(sizeof(*h));
		h->rtnh_ifindex = 3 + i;
		h->rtnh_hops = (uint8_t)i;
		snprintf(gw, sizeof(gw), "10.0.%d.1", i % 250);
		nlb_in4(b, RTA_GATEWAY, gw);
		h->rtnh_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(b->h) - (char *)h);
	}
	mnl_attr_nest_end(b->h, mp);
}

START_TEST(route_with_nexthop_id_and_mtu_parses)
{
	struct nlb b;
	struct nlattr *m;

	route_msg(&b, 24);
	nlb_in4(&b, RTA_DST, "192.0.2.0");
	mnl_attr_put_u32(b.h, RTA_TABLE, 1000);
	mnl_attr_put_u32(b.h, RTA_NH_ID, 77);
	mnl_attr_put_u32(b.h, RTA_PRIORITY, 20);
	m = mnl_attr_nest_start(b.h, RTA_METRICS);
	mnl_attr_put_u32(b.h, RTAX_MTU, 1480);
	mnl_attr_nest_end(b.h, m);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), 0);
	ck_assert_uint_eq(rt.dst, 0xc0000200);
	ck_assert_uint_eq(rt.dst_len, 24);
	ck_assert_uint_eq(rt.table, 1000);
	ck_assert_uint_eq(rt.nh_id, 77);
	ck_assert_uint_eq(rt.priority, 20);
	ck_assert_uint_eq(rt.mtu, 1480);
	ck_assert_uint_eq(rt.protocol, 44);
	ck_assert_uint_eq(rt.nhops, 0);
}
END_TEST

START_TEST(route_multipath_gives_each_hop_and_weight)
{
	struct nlb b;

	route_msg(&b, 0);
	route_put_multipath(&b, 3);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), 0);
	ck_assert_uint_eq(rt.nhops, 3);
	ck_assert_uint_eq(rt.hop[2].gateway, 0x0a000201);
	ck_assert_uint_eq(rt.hop[2].ifindex, 5);
	ck_assert_uint_eq(rt.hop[2].weight, 3);
	ck_assert_uint_eq(rt.hop[0].weight, 1);
}
END_TEST

START_TEST(route_truncated_anywhere_is_refused)
{
	struct nlb b;
	size_t full, hdr = sizeof(struct nlmsghdr) + sizeof(struct rtmsg);

	route_msg(&b, 24);
	nlb_in4(&b, RTA_DST, "192.0.2.0");
	route_put_multipath(&b, 2);
	full = b.h->nlmsg_len;
	for (size_t n = 0; n < full; n++) {
		b.h->nlmsg_len = (uint32_t)full;
		ck_assert_int_eq(nlb_parse_n(&b, n, nlb_route, &rt), -EBADMSG);
	}
	/* nlmsg_len cut inside an attribute: that attribute lies about its length */
	for (size_t n = hdr; n < full; n++) {
		b.h->nlmsg_len = (uint32_t)n;
		ck_assert_int_eq(nlb_parse_n(&b, n, nlb_route, &rt),
		    n == hdr || n == hdr + 8 ? 0 : -EBADMSG);	/* whole attributes */
	}
}
END_TEST

START_TEST(route_attribute_with_bad_nla_len_is_refused)
{
	struct nlb b;

	route_msg(&b, 24);
	nlb_raw_attr(&b, RTA_TABLE, 200, 8);		/* claims more than is there */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	route_msg(&b, 24);
	nlb_raw_attr(&b, RTA_TABLE, 2, 8);		/* shorter than its own header */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	route_msg(&b, 24);
	mnl_attr_put_u16(b.h, RTA_OIF, 3);		/* u32 slot with 2 bytes */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	route_msg(&b, 24);
	mnl_attr_put_u64(b.h, RTA_DST, 1);		/* oversized address */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
}
END_TEST

START_TEST(route_unknown_attributes_are_skipped)
{
	struct nlb b;

	route_msg(&b, 32);
	mnl_attr_put_u64(b.h, RTA_CACHEINFO, 99);
	mnl_attr_put_u32(b.h, 200, 1);			/* beyond RTA_MAX */
	nlb_in4(&b, RTA_DST, "198.51.100.7");
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), 0);
	ck_assert_uint_eq(rt.dst, 0xc6336407);
}
END_TEST

START_TEST(route_hostile_header_fields_are_refused)
{
	struct nlb b;
	struct rtmsg *r;

	r = route_msg(&b, 33);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	r = route_msg(&b, 16);
	nlb_in4(&b, RTA_DST, "10.1.2.0");		/* host bits set */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	r = route_msg(&b, 24);
	r->rtm_family = AF_INET6;
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EAFNOSUPPORT);
	route_msg(&b, 24);
	b.h->nlmsg_type = RTM_NEWLINK;
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -ENOMSG);
}
END_TEST

START_TEST(route_multipath_hostile_entries_are_refused)
{
	struct nlb b;
	struct nlattr *mp;
	struct rtnexthop *h;

	route_msg(&b, 24);
	route_put_multipath(&b, RTNL_MPATH_MAX + 1);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -E2BIG);
	route_msg(&b, 24);
	mp = mnl_attr_nest_start(b.h, RTA_MULTIPATH);
	h = mnl_nlmsg_get_payload_tail(b.h);
	b.h->nlmsg_len += sizeof(*h);
	h->rtnh_len = 4;				/* shorter than rtnexthop */
	mnl_attr_nest_end(b.h, mp);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
	route_msg(&b, 24);
	mp = mnl_attr_nest_start(b.h, RTA_MULTIPATH);
	mnl_attr_nest_end(b.h, mp);			/* empty */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_route, &rt), -EBADMSG);
}
END_TEST

static void
nh_msg(struct nlb *b, uint8_t family, uint32_t id)
{
	struct nhmsg *n = nlb_start(b, RTM_NEWNEXTHOP, sizeof(*n));

	n->nh_family = family;
	n->nh_protocol = 44;
	if (id)
		mnl_attr_put_u32(b->h, NHA_ID, id);
}

START_TEST(nexthop_single_and_group_parse)
{
	struct nlb b;
	struct nexthop_grp g[2] = { { .id = 5, .weight = 0 }, { .id = 6, .weight = 2 } };

	nh_msg(&b, AF_INET, 5);
	mnl_attr_put_u32(b.h, NHA_OIF, 4);
	nlb_in4(&b, NHA_GATEWAY, "10.0.0.2");
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), 0);
	ck_assert_uint_eq(nh.id, 5);
	ck_assert_uint_eq(nh.gateway, 0x0a000002);
	ck_assert_uint_eq(nh.ifindex, 4);
	ck_assert_uint_eq(nh.protocol, 44);
	ck_assert(!nh.is_group);
	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, sizeof(g), g);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), 0);
	ck_assert(nh.is_group);
	ck_assert_uint_eq(nh.ngroup, 2);
	ck_assert_uint_eq(nh.group[1].id, 6);
	ck_assert_uint_eq(nh.group[1].weight, 3);
}
END_TEST

START_TEST(nexthop_group_array_of_wrong_size_is_refused)
{
	struct nlb b;
	uint8_t raw[12] = { 5 };
	struct nexthop_grp zero = { .id = 0 };

	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, sizeof(raw), raw);	/* 1.5 entries */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EBADMSG);
	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, 0, raw);		/* empty */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EBADMSG);
	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, sizeof(zero), &zero);	/* member id 0 */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EBADMSG);
}
END_TEST

START_TEST(nexthop_oversized_group_and_missing_id_are_refused)
{
	static struct nexthop_grp g[RTNL_GROUP_MAX + 1];
	struct nlb b;

	for (size_t i = 0; i < UNIT_COUNT(g); i++)
		g[i].id = (uint32_t)i + 1;
	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, sizeof(g), g);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -E2BIG);
	nh_msg(&b, AF_INET, 0);
	mnl_attr_put_u32(b.h, NHA_OIF, 4);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EBADMSG);
	nh_msg(&b, AF_INET6, 3);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EAFNOSUPPORT);
	nh_msg(&b, AF_INET, 3);
	mnl_attr_put_u64(b.h, NHA_GATEWAY, 1);		/* IPv6-sized in an IPv4 slot */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), -EBADMSG);
}
END_TEST

START_TEST(nexthop_resilient_group_reports_buckets)
{
	struct nlb b;
	struct nexthop_grp g = { .id = 5 };
	struct nlattr *r;

	nh_msg(&b, AF_UNSPEC, 9);
	mnl_attr_put(b.h, NHA_GROUP, sizeof(g), &g);
	mnl_attr_put_u16(b.h, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
	r = mnl_attr_nest_start(b.h, NHA_RES_GROUP);
	mnl_attr_put_u16(b.h, NHA_RES_GROUP_BUCKETS, 64);
	mnl_attr_nest_end(b.h, r);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_nexthop, &nh), 0);
	ck_assert_uint_eq(nh.group_type, NEXTHOP_GRP_TYPE_RES);
	ck_assert_uint_eq(nh.buckets, 64);
}
END_TEST

static struct ifinfomsg *
link_msg(struct nlb *b, int ifindex)
{
	struct ifinfomsg *i = nlb_start(b, RTM_NEWLINK, sizeof(*i));

	i->ifi_index = ifindex;
	i->ifi_flags = IFF_UP;
	return i;
}

START_TEST(link_name_mtu_and_flags_parse)
{
	struct nlb b;

	link_msg(&b, 7);
	mnl_attr_put_strz(b.h, IFLA_IFNAME, "fibv0");
	mnl_attr_put_u32(b.h, IFLA_MTU, 1500);
	mnl_attr_put_u8(b.h, IFLA_OPERSTATE, 6);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_link, &lk), 0);
	ck_assert_str_eq(lk.name, "fibv0");
	ck_assert_uint_eq(lk.ifindex, 7);
	ck_assert_uint_eq(lk.mtu, 1500);
	ck_assert_uint_eq(lk.operstate, 6);
	ck_assert(lk.flags & IFF_UP);
}
END_TEST

START_TEST(link_hostile_name_or_index_is_refused)
{
	struct nlb b;

	link_msg(&b, 7);
	mnl_attr_put(b.h, IFLA_IFNAME, 5, "abcde");		/* no NUL */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_link, &lk), -EBADMSG);
	link_msg(&b, 7);
	mnl_attr_put_strz(b.h, IFLA_IFNAME, "a-name-far-too-long");	/* > IFNAMSIZ */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_link, &lk), -EBADMSG);
	link_msg(&b, 0);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_link, &lk), -EBADMSG);
	link_msg(&b, 7);
	mnl_attr_put_u16(b.h, IFLA_MTU, 1500);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_link, &lk), -EBADMSG);
	link_msg(&b, 7);
	ck_assert_int_eq(nlb_parse_n(&b, b.h->nlmsg_len - 1, nlb_link, &lk), -EBADMSG);
}
END_TEST

static struct ifaddrmsg *
addr_msg(struct nlb *b, uint8_t family, uint8_t plen)
{
	struct ifaddrmsg *a = nlb_start(b, RTM_NEWADDR, sizeof(*a));

	a->ifa_family = family;
	a->ifa_prefixlen = plen;
	a->ifa_index = 3;
	return a;
}

START_TEST(addr_parses_and_hostile_ones_are_refused)
{
	struct nlb b;

	addr_msg(&b, AF_INET, 24);
	nlb_in4(&b, IFA_LOCAL, "10.0.0.1");
	nlb_in4(&b, IFA_ADDRESS, "10.0.0.1");
	ck_assert_int_eq(NLB_PARSE(&b, nlb_addr, &ad), 0);
	ck_assert_uint_eq(ad.local, 0x0a000001);
	ck_assert_uint_eq(ad.prefixlen, 24);
	ck_assert_uint_eq(ad.ifindex, 3);
	addr_msg(&b, AF_INET, 33);
	nlb_in4(&b, IFA_LOCAL, "10.0.0.1");
	ck_assert_int_eq(NLB_PARSE(&b, nlb_addr, &ad), -EBADMSG);
	addr_msg(&b, AF_INET, 24);			/* no address at all */
	ck_assert_int_eq(NLB_PARSE(&b, nlb_addr, &ad), -EBADMSG);
	addr_msg(&b, AF_INET6, 64);
	ck_assert_int_eq(NLB_PARSE(&b, nlb_addr, &ad), -EAFNOSUPPORT);
	addr_msg(&b, AF_INET, 24);
	mnl_attr_put(b.h, IFA_LOCAL, 16, "0123456789abcdef");
	ck_assert_int_eq(NLB_PARSE(&b, nlb_addr, &ad), -EBADMSG);
}
END_TEST

START_TEST(msg_next_walks_a_buffer_and_refuses_lying_lengths)
{
	uint8_t two[64] = { 0 };
	struct nlmsghdr h = { .nlmsg_len = 18, .nlmsg_type = 3 };
	struct cursor c;
	struct rtnl_msg m;

	memcpy(two, &h, sizeof(h));			/* 18 bytes, padded to 20 */
	h.nlmsg_len = 16;
	memcpy(two + 20, &h, sizeof(h));
	c = cur_init(two, 36);
	ck_assert_int_eq(rtnl_msg_next(&c, &m), 0);
	ck_assert_uint_eq(m.body.len, 2);
	ck_assert_int_eq(rtnl_msg_next(&c, &m), 0);
	ck_assert_uint_eq(cur_left(&c), 0);
	h.nlmsg_len = 15;				/* shorter than a header */
	memcpy(two, &h, sizeof(h));
	c = cur_init(two, 64);
	ck_assert_int_eq(rtnl_msg_next(&c, &m), -EBADMSG);
	h.nlmsg_len = 65;				/* longer than the buffer */
	memcpy(two, &h, sizeof(h));
	ck_assert_int_eq(rtnl_msg_next(&c, &m), -EBADMSG);
	ck_assert_uint_eq(cur_left(&c), 64);		/* cursor untouched */
}
END_TEST

START_TEST(ack_gives_error_and_extended_ack_text)
{
	struct nlb b;
	struct nlmsgerr *e = nlb_start(&b, NLMSG_ERROR, sizeof(struct nlmsgerr));
	struct cursor c;
	struct rtnl_msg m;
	char msg[64];
	int err = 0;

	e->error = -EEXIST;
	e->msg.nlmsg_len = 100;				/* ignored with CAP_ACK */
	b.h->nlmsg_flags = NLM_F_ACK_TLVS;
	mnl_attr_put_strz(b.h, NLMSGERR_ATTR_MSG, "Nexthop id already exists");
	c = cur_init(b.buf, b.h->nlmsg_len);
	ck_assert_int_eq(rtnl_msg_next(&c, &m), 0);
	ck_assert_int_eq(nl_ack_parse(&m, true, &err, msg, sizeof(msg)), 0);
	ck_assert_int_eq(err, -EEXIST);
	ck_assert_str_eq(msg, "Nexthop id already exists");
	e->error = 5;					/* positive: not an errno */
	ck_assert_int_eq(nl_ack_parse(&m, true, &err, msg, sizeof(msg)), -EBADMSG);
	e->error = 0;
	m.body.len = 10;				/* truncated ack */
	ck_assert_int_eq(nl_ack_parse(&m, true, &err, msg, sizeof(msg)), -EBADMSG);
	m.body.len = b.h->nlmsg_len - sizeof(struct nlmsghdr);
	e->error = -EINVAL;				/* without CAP_ACK: the whole request */
	m.flags = 0;					/* no TLVs to trip on after it */
	for (uint32_t len = UINT32_MAX - 3; len != 0; len++) {	/* would pad to 0 in 32 bits */
		e->msg.nlmsg_len = len;
		ck_assert_int_eq(nl_ack_parse(&m, false, &err, msg, sizeof(msg)), -EBADMSG);
	}
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		route_with_nexthop_id_and_mtu_parses,
		route_multipath_gives_each_hop_and_weight,
		route_truncated_anywhere_is_refused,
		route_attribute_with_bad_nla_len_is_refused,
		route_unknown_attributes_are_skipped,
		route_hostile_header_fields_are_refused,
		route_multipath_hostile_entries_are_refused,
		nexthop_single_and_group_parse,
		nexthop_group_array_of_wrong_size_is_refused,
		nexthop_oversized_group_and_missing_id_are_refused,
		nexthop_resilient_group_reports_buckets,
		link_name_mtu_and_flags_parse,
		link_hostile_name_or_index_is_refused,
		addr_parses_and_hostile_ones_are_refused,
		msg_next_walks_a_buffer_and_refuses_lying_lengths,
		ack_gives_error_and_extended_ack_text,
	};

	return unit_run("rtnl", tests, UNIT_COUNT(tests));
}
