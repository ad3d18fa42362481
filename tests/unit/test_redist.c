/*
 * tests/unit/test_redist.c - which kernel objects `redistribute` announces
 * (bgpd/redist.h): each source's rules, one announcement per prefix however
 * many objects stand behind it, withdrawal with the last one, sources
 * turned on and off, and a re-dump that drops what the kernel lost.
 */
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "bgpd/redist.h"
#include "tests/unit/nlbuild.h"

struct seen {
	char	 log[2048];
	int	 up[REDIST_NSRC];	/* announced now, per source */
};

static void
on_announce(void *arg, enum redist_src s, const struct prefix *p, bool on)
{
	struct seen *x = arg;
	char buf[PREFIX_STRLEN];
	size_t l = strlen(x->log);

	snprintf(x->log + l, sizeof(x->log) - l, "%s%s %s;", on ? "+" : "-",
	    redist_src_name(s), prefix_fmt(p, buf));
	x->up[s] += on ? 1 : -1;
}

/* Feed one message of b to r. */
static void
feed(struct redist *r, struct nlb *b)
{
	struct cursor c = cur_init((const uint8_t *)b->buf, b->h->nlmsg_len);
	struct rtnl_msg m;

	ck_assert_int_eq(rtnl_msg_next(&c, &m), 0);
	redist_kernel_msg(r, &m);
}

static void
route(struct redist *r, uint16_t type, const char *dst, uint8_t len, uint8_t proto,
    uint8_t rtype, uint32_t metric)
{
	struct nlb b;
	struct rtmsg *rtm = nlb_start(&b, type, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = proto;
	rtm->rtm_type = rtype;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put_u32(b.h, RTA_TABLE, RT_TABLE_MAIN);
	if (len > 0)
		nlb_in4(&b, RTA_DST, dst);
	mnl_attr_put_u32(b.h, RTA_PRIORITY, metric);
	feed(r, &b);
}

static void
addr(struct redist *r, uint16_t type, const char *a, uint8_t len, uint32_t ifindex, uint8_t scope)
{
	struct nlb b;
	struct ifaddrmsg *ifa = nlb_start(&b, type, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = len;
	ifa->ifa_index = ifindex;
	ifa->ifa_scope = scope;
	nlb_in4(&b, IFA_LOCAL, a);
	nlb_in4(&b, IFA_ADDRESS, a);
	feed(r, &b);
}

START_TEST(each_source_takes_what_it_should)
{
	struct seen x = { 0 };
	struct redist *r = redist_new(NULL, 44, on_announce, &x);

	for (int s = 0; s < REDIST_NSRC; s++)
		redist_enable(r, s, true);
	addr(r, RTM_NEWADDR, "192.168.77.1", 24, 2, RT_SCOPE_UNIVERSE);
	addr(r, RTM_NEWADDR, "127.0.0.1", 8, 1, RT_SCOPE_HOST);			/* no */
	route(r, RTM_NEWROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	route(r, RTM_NEWROUTE, "172.30.9.0", 24, RTPROT_BOOT, RTN_BLACKHOLE, 0);
	route(r, RTM_NEWROUTE, "172.31.1.0", 24, 99, RTN_UNICAST, 0);
	route(r, RTM_NEWROUTE, "0.0.0.0", 0, RTPROT_STATIC, RTN_UNICAST, 0);		/* no */
	route(r, RTM_NEWROUTE, "172.31.2.0", 24, 44, RTN_UNICAST, 0);		/* ours: no */
	route(r, RTM_NEWROUTE, "192.168.77.0", 24, RTPROT_KERNEL, RTN_UNICAST, 0);	/* no */
	ck_assert_str_eq(x.log, "+connected 192.168.77.0/24;+static 172.30.1.0/24;"
	    "+static 172.30.9.0/24;+kernel 172.31.1.0/24;");
	ck_assert_uint_eq(redist_count(r, REDIST_STATIC), 2);
	redist_free(r);
}
END_TEST

START_TEST(one_announcement_per_prefix_withdrawn_with_the_last_object)
{
	struct seen x = { 0 };
	struct redist *r = redist_new(NULL, 44, on_announce, &x);

	redist_enable(r, REDIST_CONNECTED, true);
	redist_enable(r, REDIST_STATIC, true);
	addr(r, RTM_NEWADDR, "10.1.0.1", 24, 2, RT_SCOPE_UNIVERSE);
	addr(r, RTM_NEWADDR, "10.1.0.2", 24, 3, RT_SCOPE_UNIVERSE);
	addr(r, RTM_NEWADDR, "10.1.0.1", 24, 2, RT_SCOPE_UNIVERSE);	/* repeated */
	route(r, RTM_NEWROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 10);
	route(r, RTM_NEWROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 20);
	ck_assert_str_eq(x.log, "+connected 10.1.0.0/24;+static 172.30.1.0/24;");
	addr(r, RTM_DELADDR, "10.1.0.1", 24, 2, RT_SCOPE_UNIVERSE);
	route(r, RTM_DELROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 10);
	ck_assert_int_eq(x.up[REDIST_CONNECTED], 1);
	ck_assert_int_eq(x.up[REDIST_STATIC], 1);
	addr(r, RTM_DELADDR, "10.1.0.2", 24, 3, RT_SCOPE_UNIVERSE);
	route(r, RTM_DELROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 20);
	route(r, RTM_DELROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 20);	/* again */
	ck_assert_int_eq(x.up[REDIST_CONNECTED], 0);
	ck_assert_int_eq(x.up[REDIST_STATIC], 0);
	ck_assert_uint_eq(redist_count(r, REDIST_STATIC), 0);
	redist_free(r);
}
END_TEST

START_TEST(a_source_off_withdraws_and_on_again_announces)
{
	struct seen x = { 0 };
	struct redist *r = redist_new(NULL, 44, on_announce, &x);

	route(r, RTM_NEWROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	ck_assert_str_eq(x.log, "");				/* not enabled: known, silent */
	redist_enable(r, REDIST_STATIC, true);
	ck_assert_int_eq(x.up[REDIST_STATIC], 1);
	redist_enable(r, REDIST_STATIC, true);			/* again: announced again */
	ck_assert_str_eq(x.log, "+static 172.30.1.0/24;+static 172.30.1.0/24;");
	redist_enable(r, REDIST_STATIC, false);
	ck_assert_int_eq(x.up[REDIST_STATIC], 1);		/* two ons, one off: counted */
	ck_assert(strstr(x.log, "-static 172.30.1.0/24;") != NULL);
	redist_enable(r, REDIST_STATIC, false);			/* off again: nothing */
	ck_assert_str_eq(strstr(x.log, "-static"), "-static 172.30.1.0/24;");
	redist_free(r);
}
END_TEST

START_TEST(a_dump_drops_what_the_kernel_lost)
{
	struct seen x = { 0 };
	struct redist *r = redist_new(NULL, 44, on_announce, &x);

	redist_enable(r, REDIST_STATIC, true);
	route(r, RTM_NEWROUTE, "172.30.1.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	route(r, RTM_NEWROUTE, "172.30.2.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	redist_dump_begin(r);				/* an overrun: the kernel lost .1 */
	route(r, RTM_NEWROUTE, "172.30.2.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	route(r, RTM_NEWROUTE, "172.30.3.0", 24, RTPROT_STATIC, RTN_UNICAST, 0);
	redist_dump_end(r);
	ck_assert(strstr(x.log, "-static 172.30.1.0/24;") != NULL);
	ck_assert(strstr(x.log, "+static 172.30.3.0/24;") != NULL);
	ck_assert(strstr(x.log, "-static 172.30.2.0/24;") == NULL);
	ck_assert_uint_eq(redist_count(r, REDIST_STATIC), 2);
	redist_free(r);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		each_source_takes_what_it_should,
		one_announcement_per_prefix_withdrawn_with_the_last_object,
		a_source_off_withdraws_and_on_again_announces,
		a_dump_drops_what_the_kernel_lost,
	};

	return unit_run("redist", tests, UNIT_COUNT(tests));
}
