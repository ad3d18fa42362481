/*
 * tests/unit/test_tunnel_iptun.c - the kernel driver's netlink: the message
 * that creates an ipip device says what we mean (TTL inherit, pmtudisc,
 * no remote for NBMA), and the link parser reads ipip devices back while
 * refusing hostile messages (truncated, lying lengths, attributes of the
 * wrong size, unterminated names) without reading past them. Messages are
 * heap copies of exactly their length, so ASan flags any overread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>		/* before the linux/ headers: they defer to it */
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/link.h"
#include "tests/unit/unit.h"

static char buf[8192];		/* MNL_SOCKET_BUFFER_SIZE on 4 KB pages */

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int
parse_copy(const struct nlmsghdr *nlh, size_t len, struct link_ipip *li)
{
	void *b = unit_heap(nlh, len);
	int rv = tunnel_link_ipip_parse(b, len, li);

	free(b);
	return rv;
}

/* A link message by hand: name, then kind with one iptun attribute of any size. */
static struct nlmsghdr *
link_msg(const char *kind, uint16_t iptun_type, const void *v, uint16_t vlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "t0");
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put(nlh, iptun_type, vlen, v);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

START_TEST(create_message_reads_back_as_ttl_inherit_pmtudisc_tunnel)
{
	struct nlmsghdr *nlh = tunnel_link_ipip_msg(buf, "ipcccr407336p02",
	    ip("198.51.100.1"), ip("198.51.100.2"), 1480);
	struct link_ipip li;

	ck_assert_uint_eq(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(li.is_ipip);
	ck_assert_str_eq(li.name, "ipcccr407336p02");
	ck_assert_uint_eq(li.local.s_addr, ip("198.51.100.1").s_addr);
	ck_assert_uint_eq(li.remote.s_addr, ip("198.51.100.2").s_addr);
	ck_assert_uint_eq(li.ttl, 0);
	ck_assert_uint_eq(li.pmtudisc, 1);
	ck_assert(!li.has_stats);
}
END_TEST

START_TEST(nbma_message_has_no_remote)
{
	struct in_addr any = { INADDR_ANY };
	struct nlmsghdr *nlh = tunnel_link_ipip_msg(buf, "ipcccr40000000", ip("10.0.0.1"), any, 1480);
	struct link_ipip li;

	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(li.is_ipip);
	ck_assert_uint_eq(li.local.s_addr, ip("10.0.0.1").s_addr);
	ck_assert_uint_eq(li.remote.s_addr, 0);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
	struct nlmsghdr *nlh = tunnel_link_ipip_msg(buf, "t0", ip("10.0.0.1"), ip("10.0.0.2"), 1480);
	uint32_t full = nlh->nlmsg_len;
	struct link_ipip li;

	for (uint32_t n = 0; n < full; n++) {
		ck_assert_int_eq(parse_copy(nlh, n, &li), -EBADMSG);	/* length says more */
		nlh->nlmsg_len = n;		/* and when the header agrees: no overread */
		(void)parse_copy(nlh, n, &li);
		nlh->nlmsg_len = full;
	}
}
END_TEST

START_TEST(wrong_sized_endpoint_is_refused)
{
	static const uint8_t two[2] = { 10, 0 };
	static const uint8_t eight[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	struct nlmsghdr *nlh;
	struct link_ipip li;

	nlh = link_msg("ipip", IFLA_IPTUN_LOCAL, two, sizeof(two));
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
	nlh = link_msg("ipip", IFLA_IPTUN_REMOTE, eight, sizeof(eight));
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
	nlh = link_msg("ipip", IFLA_IPTUN_TTL, eight, 0);
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
}
END_TEST

START_TEST(other_kinds_are_not_ipip_and_unknown_attributes_are_skipped)
{
	static const uint8_t four[4] = { 10, 0, 0, 1 };
	struct nlmsghdr *nlh;
	struct link_ipip li;

	nlh = link_msg("veth", IFLA_IPTUN_LOCAL, four, sizeof(four));
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(!li.is_ipip);
	nlh = link_msg("ipip", 999, four, sizeof(four));
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(li.is_ipip);
	ck_assert_uint_eq(li.local.s_addr, 0);
}
END_TEST

START_TEST(unterminated_or_overlong_name_is_refused)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct link_ipip li;

	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "tun0");		/* no NUL */
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "a-name-of-20-chars!");
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
}
END_TEST

START_TEST(nested_length_beyond_its_parent_is_refused)
{
	struct nlmsghdr *nlh = tunnel_link_ipip_msg(buf, "t0", ip("10.0.0.1"), ip("10.0.0.2"), 1480);
	struct nlattr *a;
	struct link_ipip li;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_LINKINFO)
			break;
	/* IFLA_INFO_KIND inside claims more than IFLA_LINKINFO holds. */
	((struct nlattr *)mnl_attr_get_payload(a))->nla_len = 200;
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), -EBADMSG);
}
END_TEST

START_TEST(stats64_gives_counters_and_short_stats_are_ignored)
{
	struct nlmsghdr *nlh = tunnel_link_ipip_msg(buf, "t0", ip("10.0.0.1"), ip("10.0.0.2"), 1480);
	uint64_t st[24] = { 1, 2, 3, 4, 5, 6 };	/* rx/tx packets, bytes, errors */
	uint32_t len = nlh->nlmsg_len;
	struct link_ipip li;

	mnl_attr_put(nlh, IFLA_STATS64, sizeof(st), st);
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(li.has_stats);
	ck_assert_uint_eq(li.stats.pkts_in, 1);
	ck_assert_uint_eq(li.stats.pkts_out, 2);
	ck_assert_uint_eq(li.stats.bytes_in, 3);
	ck_assert_uint_eq(li.stats.bytes_out, 4);
	ck_assert_uint_eq(li.stats.errors_in, 5);
	ck_assert_uint_eq(li.stats.errors_out, 6);
	nlh->nlmsg_len = len;
	mnl_attr_put(nlh, IFLA_STATS64, 40, st);		/* too short to hold tx_errors */
	ck_assert_int_eq(parse_copy(nlh, nlh->nlmsg_len, &li), 0);
	ck_assert(!li.has_stats);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		create_message_reads_back_as_ttl_inherit_pmtudisc_tunnel,
		nbma_message_has_no_remote,
		every_truncation_is_refused,
		wrong_sized_endpoint_is_refused,
		other_kinds_are_not_ipip_and_unknown_attributes_are_skipped,
		unterminated_or_overlong_name_is_refused,
		nested_length_beyond_its_parent_is_refused,
		stats64_gives_counters_and_short_stats_are_ignored,
	};

	return unit_run("tunnel_iptun", tests, UNIT_COUNT(tests));
}
