/*
 * tests/unit/test_nl.c - the netlink socket against the running kernel,
 * changing nothing (deletes the kernel refuses): every message of a multi-batch burst gets exactly one
 * ACK, matched to its own cookie, with the kernel's extended-ACK text; a
 * dump hands every message to its callback.
 */
#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "lib/nl.h"
#include "tests/unit/unit.h"

#define BURST	1000
#define NO_ID	0xfffffff0u	/* a nexthop id nobody uses */

struct acks {
	int	count[BURST];
	int	err, order_ok;
	int	last;
	char	msg[128];
};

static void
on_ack(void *arg, void *cookie, int err, const char *msg)
{
	struct acks *a = arg;
	int i = (int)(intptr_t)cookie;

	a->count[i]++;
	a->order_ok += i == a->last + 1;
	a->last = i;
	a->err = err;
	if (msg != NULL)
		snprintf(a->msg, sizeof(a->msg), "%s", msg);
}

START_TEST(every_message_of_a_burst_gets_its_own_ack)
{
	struct event_base *base = event_base_new();
	struct nl *nl = nl_new(base, NULL, 0);
	static struct acks a;

	ck_assert_ptr_nonnull(nl);
	a.last = -1;
	nl_set_ack_cb(nl, on_ack, &a);
	for (int i = 0; i < BURST; i++) {
		struct nlmsghdr *h = nl_batch_begin(nl, RTM_DELNEXTHOP, 0, (void *)(intptr_t)i);
		struct nhmsg *nhm = mnl_nlmsg_put_extra_header(h, sizeof(*nhm));

		nhm->nh_family = AF_UNSPEC;
		nhm->nh_protocol = 44;		/* a delete must not name one: EINVAL */
		mnl_attr_put_u32(h, NHA_ID, NO_ID);
		ck_assert_int_eq(nl_batch_end(nl), 0);
	}
	ck_assert_int_eq(nl_batch_flush(nl), 0);
	for (int i = 0; i < BURST; i++)
		ck_assert_int_eq(a.count[i], 1);
	ck_assert_int_eq(a.order_ok, BURST);
	ck_assert_int_lt(a.err, 0);			/* EINVAL (or EPERM unprivileged) */
	ck_assert_uint_eq(nl_stat_msgs(nl), BURST);
	ck_assert_uint_gt(nl_stat_sends(nl), 1);	/* more than one batch */
	if (a.err == -EINVAL)
		ck_assert_str_eq(a.msg, "Invalid values in header");
	nl_free(nl);
	event_base_free(base);
}
END_TEST

static int
count_link(const struct rtnl_msg *m, void *arg)
{
	struct rtnl_link l;

	if (rtnl_link_parse(m, &l) == 0 && strcmp(l.name, "lo") == 0)
		++*(int *)arg;
	return 0;
}

START_TEST(dump_passes_every_link_to_the_callback)
{
	struct event_base *base = event_base_new();
	struct nl *nl = nl_new(base, NULL, 0);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	int lo = 0;

	g->rtgen_family = AF_UNSPEC;
	h->nlmsg_type = RTM_GETLINK;
	ck_assert_int_eq(nl_dump(nl, h, count_link, &lo), 0);
	ck_assert_int_eq(lo, 1);
	nl_free(nl);
	event_base_free(base);
}
END_TEST

START_TEST(batch_limit_is_checked)
{
	struct event_base *base = event_base_new();
	struct nl *nl = nl_new(base, NULL, 0);

	ck_assert_int_eq(nl_set_batch_limit(nl, 100), -EINVAL);
	ck_assert_int_eq(nl_set_batch_limit(nl, NL_BATCH_MAX + 1), -EINVAL);
	ck_assert_int_eq(nl_set_batch_limit(nl, 65536), 0);
	nl_free(nl);
	event_base_free(base);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		every_message_of_a_burst_gets_its_own_ack,
		dump_passes_every_link_to_the_callback,
		batch_limit_is_checked,
	};

	return unit_run("nl", tests, UNIT_COUNT(tests));
}
