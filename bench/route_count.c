/*
 * bench/route_count.c - count the IPv4 /24 routes of one protocol in the
 * main table, and optionally wait until a count condition holds (a benchmark
 * tool: cheaper and more precise than polling `ip route | wc -l`).
 *
 *   route_count -P PROTO [-g GATEWAY] [-u COND -v VALUE] [-T SECONDS] [-i MS]
 *
 * Without -u: one dump, prints "TOTAL GW" (/24 routes of PROTO; of those,
 * routes with a next hop via GATEWAY, as RTA_GATEWAY or inside RTA_MULTIPATH).
 * With -u: one dump, then it follows the kernel's route notifications
 * (RTNLGRP_IPV4_ROUTE, 64 MiB buffer; a fresh dump after ENOBUFS and every
 * second) until COND holds - total-ge, total-le, gw-ge, gw-le VALUE - and
 * prints "NS TOTAL GW", NS = CLOCK_MONOTONIC nanoseconds when the notification
 * that made it true was read; exit 1 after -T seconds (default 120). With -u
 * it writes "ready NS" to stderr once its first dump is done. Following
 * notifications costs the DUT's core far less than repeated dumps (a 100k
 * dump is ~50 ms of kernel time). -i bounds one wait for notifications.
 * Routes that use a kernel nexthop object (RTA_NH_ID) count as via GATEWAY
 * when that object, or a member of that group, has GATEWAY: the objects are
 * dumped and followed too (RTNLGRP_NEXTHOP), so a group replace counts at
 * once even with net.ipv4.nexthop_compat_mode=0, which sends no notification
 * for the routes that use the group.
 *
 * Routes are tracked in maps indexed by address >> 8 (16 MiB of state, 64 MiB
 * of nexthop ids touched only where routes are): other prefix lengths are
 * ignored (the feeder sends /24s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/clock.h"

#define NH_SLOTS	4096	/* nexthop objects followed (open addressing) */
#define NH_MEMBERS	32	/* members of a group followed */

struct nh_ent {				/* one kernel nexthop object */
	uint32_t	 id;		/* 0 = free slot */
	uint8_t		 own_gw;	/* its gateway is gw */
	uint8_t		 nmembers;
	uint32_t	 members[NH_MEMBERS];
	unsigned long	 refs;		/* /24 routes that use it */
};

struct count {
	unsigned	 proto;
	uint32_t	 gw;		/* network order; 0 = none */
	unsigned long	 total, via_gw, direct_gw;
	uint8_t		*state;		/* per /24 (address >> 8): bit 0 present, bit 1 via gw */
	uint32_t	*nhid;		/* per /24: its nexthop object, when present */
	struct nh_ent	 nh[NH_SLOTS];
	uint64_t	 last_dump;
};

static int
multipath_has_gw(const struct nlattr *mp, uint32_t gw)
{
	const uint8_t *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);

	while (left >= sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const void *)p;
		const struct nlattr *a;
		size_t alen, step;

		if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
			return 0;
		alen = nh->rtnh_len - sizeof(*nh);
		a = (const void *)(p + sizeof(*nh));
		while (mnl_attr_ok(a, (int)alen)) {
			if (mnl_attr_get_type(a) == RTA_GATEWAY &&
			    mnl_attr_get_payload_len(a) == 4 &&
			    mnl_attr_get_u32(a) == gw)
				return 1;
			alen -= MNL_ALIGN(a->nla_len);
			a = mnl_attr_next(a);
		}
		step = RTNH_ALIGN(nh->rtnh_len);
		if (step >= left)
			return 0;
		left -= step;
		p += step;
	}
	return 0;
}

static struct nh_ent *
nh_find(struct count *c, uint32_t id, int add)
{
	for (unsigned i = 0, h = id * 2654435761u; i < NH_SLOTS; i++) {
		struct nh_ent *e = &c->nh[(h + i) % NH_SLOTS];

		if (e->id == id)
			return e;
		if (e->id == 0) {
			if (!add)
				return NULL;
			e->id = id;
			return e;
		}
	}
	fprintf(stderr, "route_count: more than %d nexthop objects\n", NH_SLOTS);
	exit(1);
}

/* A nexthop object leads to gw itself or through one of its group members. */
static int
nh_via_gw(struct count *c, const struct nh_ent *e)
{
	const struct nh_ent *m;

	if (e->own_gw)
		return 1;
	for (unsigned i = 0; i < e->nmembers; i++)
		if ((m = nh_find(c, e->members[i], 0)) && m->own_gw)
			return 1;
	return 0;
}

/* via_gw = routes with gw among their own next hops + users of objects via gw. */
static void
count_refresh(struct count *c)
{
	c->via_gw = c->direct_gw;
	for (unsigned i = 0; c->gw && i < NH_SLOTS; i++)
		if (c->nh[i].id && c->nh[i].refs && nh_via_gw(c, &c->nh[i]))
			c->via_gw += c->nh[i].refs;
}

static void
nexthop_apply(struct count *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	struct nh_ent *e = NULL;
	uint8_t own = 0, n = 0;
	uint32_t members[NH_MEMBERS];

	mnl_attr_for_each(a, nlh, sizeof(struct nhmsg)) {
		uint16_t len = mnl_attr_get_payload_len(a);
		const struct nexthop_grp *g = mnl_attr_get_payload(a);

		if (mnl_attr_get_type(a) == NHA_ID && len == 4)
			e = nh_find(c, mnl_attr_get_u32(a), 1);
		else if (mnl_attr_get_type(a) == NHA_GATEWAY && len == 4)
			own = c->gw && mnl_attr_get_u32(a) == c->gw;
		else if (mnl_attr_get_type(a) == NHA_GROUP)
			for (size_t i = 0; i < len / sizeof(*g) && n < NH_MEMBERS; i++)
				members[n++] = g[i].id;
	}
	if (!e)
		return;
	if (nlh->nlmsg_type == RTM_DELNEXTHOP)
		own = 0, n = 0;
	e->own_gw = own;
	e->nmembers = n;
	memcpy(e->members, members, n * sizeof(members[0]));
}

/* Replace what one /24 contributed by what this message says of it. */
static void
route_apply(struct count *c, const struct nlmsghdr *nlh, const struct rtmsg *rt)
{
	const struct nlattr *a;
	uint32_t dst = 0, nhid = 0, k;
	uint8_t old, now = nlh->nlmsg_type == RTM_NEWROUTE;

	mnl_attr_for_each(a, nlh, sizeof(*rt)) {
		if (mnl_attr_get_type(a) == RTA_MULTIPATH && now && c->gw)
			now |= (uint8_t)(multipath_has_gw(a, c->gw) << 1);
		if (mnl_attr_get_payload_len(a) != 4)
			continue;
		if (mnl_attr_get_type(a) == RTA_DST)
			dst = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == RTA_NH_ID)
			nhid = mnl_attr_get_u32(a);
		else if (now && c->gw && mnl_attr_get_type(a) == RTA_GATEWAY)
			now |= (uint8_t)((mnl_attr_get_u32(a) == c->gw) << 1);
	}
	k = dst >> 8;
	old = c->state[k];
	if (old & 1) {
		c->total--;
		c->direct_gw -= (unsigned long)(old >> 1);
		if (c->nhid[k])
			nh_find(c, c->nhid[k], 1)->refs--;
	}
	if (nhid)		/* the object decides, not the expanded copy */
		now &= 1;
	c->state[k] = now;
	c->nhid[k] = (now & 1) ? nhid : 0;
	if (now & 1) {
		c->total++;
		c->direct_gw += (unsigned long)(now >> 1);
		if (nhid)
			nh_find(c, nhid, 1)->refs++;
	}
}

static int
on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct count *c = arg;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);

	if ((nlh->nlmsg_type == RTM_NEWNEXTHOP || nlh->nlmsg_type == RTM_DELNEXTHOP) &&
	    nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(struct nhmsg))) {
		nexthop_apply(c, nlh);
		return MNL_CB_OK;
	}
	if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)) || rt->rtm_family != AF_INET ||
	    rt->rtm_protocol != c->proto || rt->rtm_table != RT_TABLE_MAIN ||
	    rt->rtm_dst_len != 24)
		return MNL_CB_OK;
	route_apply(c, nlh, rt);
	return MNL_CB_OK;
}

static int
dump_one(struct mnl_socket *nl, struct count *c, uint16_t type)
{
	static char buf[1 << 16];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned seq = (unsigned)bench_now_ns();
	ssize_t n;
	int r;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETNEXTHOP)
		((struct nhmsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg)))->nh_family = AF_UNSPEC;
	else
		((struct rtmsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)))->rtm_family = AF_INET;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) <= 0)
			return -1;
		r = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), on_msg, c);
	} while (r > MNL_CB_STOP);
	/* a kernel without nexthop objects refuses their dump: nothing to learn */
	return r < 0 && !(type == RTM_GETNEXTHOP && (errno == EINVAL || errno == EOPNOTSUPP)) ? -1 : 0;
}

/* Start over from the kernel's state: nexthop objects, then routes. */
static int
count_dump(struct mnl_socket *nl, struct count *c)
{
	c->total = c->via_gw = c->direct_gw = 0;
	memset(c->state, 0, 1u << 24);		/* c->nhid counts only where state says present */
	memset(c->nh, 0, sizeof(c->nh));
	c->last_dump = bench_now_ns();
	if (dump_one(nl, c, RTM_GETNEXTHOP) < 0 || dump_one(nl, c, RTM_GETROUTE) < 0)
		return -1;
	count_refresh(c);
	return 0;
}

static int
cond_holds(const char *cond, const struct count *c, unsigned long v)
{
	if (!strcmp(cond, "total-ge")) return c->total >= v;
	if (!strcmp(cond, "total-le")) return c->total <= v;
	if (!strcmp(cond, "gw-ge")) return c->via_gw >= v;
	if (!strcmp(cond, "gw-le")) return c->via_gw <= v;
	fprintf(stderr, "route_count: unknown condition %s\n", cond);
	exit(2);
}

/* Read every queued route notification; resync with a dump after ENOBUFS. */
static int
events_read(struct mnl_socket *mon, struct mnl_socket *nl, struct count *c)
{
	static char buf[1 << 18];

	for (int i = 0; i < 4096; i++) {
		ssize_t n = recv(mnl_socket_get_fd(mon), buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS)
			return count_dump(nl, c);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (mnl_cb_run(buf, (size_t)n, 0, 0, on_msg, c) < 0)
			return -1;
		count_refresh(c);
	}
	return 0;
}

static struct mnl_socket *
monitor_open(void)
{
	struct mnl_socket *mon = mnl_socket_open(NETLINK_ROUTE);
	int sz = 64 << 20, grp = RTNLGRP_NEXTHOP;

	if (!mon || mnl_socket_bind(mon, RTMGRP_IPV4_ROUTE, MNL_SOCKET_AUTOPID) < 0)
		return NULL;
	/* older kernels have no such group: then routes carry their next hops */
	(void)mnl_socket_setsockopt(mon, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	if (setsockopt(mnl_socket_get_fd(mon), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(mnl_socket_get_fd(mon), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return mon;
}

/* Follow the table by its notifications (a dump to start, after ENOBUFS and
 * every second as a safety net) until cond holds or the deadline passes. */
static int
count_wait(struct mnl_socket *nl, struct count *c, const char *cond, unsigned long v,
    unsigned long timeout_s, unsigned long interval_ms)
{
	struct mnl_socket *mon = monitor_open();
	uint64_t end = bench_now_ns() + timeout_s * 1000000000ull;
	struct pollfd pfd;

	if (!mon || count_dump(nl, c) < 0)
		return -1;
	fprintf(stderr, "ready %llu\n", (unsigned long long)bench_now_ns());	/* first dump done */
	pfd = (struct pollfd){ .fd = mnl_socket_get_fd(mon), .events = POLLIN };
	while (!cond_holds(cond, c, v)) {
		if (bench_now_ns() > end) {
			fprintf(stderr, "route_count: timeout, %lu %lu\n", c->total, c->via_gw);
			mnl_socket_close(mon);
			return 1;
		}
		if (poll(&pfd, 1, (int)interval_ms) > 0 && events_read(mon, nl, c) < 0)
			return -1;
		if (bench_now_ns() - c->last_dump > 1000000000ull && count_dump(nl, c) < 0)
			return -1;
	}
	printf("%llu %lu %lu\n", (unsigned long long)bench_now_ns(), c->total, c->via_gw);
	mnl_socket_close(mon);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct count c;
	const char *cond = NULL;
	unsigned long value = 0, timeout_s = 120, interval_ms = 5;
	struct mnl_socket *nl;
	int o, rc;

	while ((o = getopt(argc, argv, "P:g:u:v:T:i:")) != -1) {
		switch (o) {
		case 'P': c.proto = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'g': if (inet_pton(AF_INET, optarg, &c.gw) != 1) exit(2); break;
		case 'u': cond = optarg; break;
		case 'v': value = strtoul(optarg, NULL, 10); break;
		case 'T': timeout_s = strtoul(optarg, NULL, 10); break;
		case 'i': interval_ms = strtoul(optarg, NULL, 10); break;
		default: exit(2);
		}
	}
	if (!c.proto || !(c.state = malloc(1u << 24)) ||
	    !(c.nhid = calloc(1u << 24, sizeof(*c.nhid))) || !(nl = mnl_socket_open(NETLINK_ROUTE)) ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "usage: route_count -P PROTO [-g GW] [-u COND -v N] [-T S] [-i MS]\n");
		return 2;
	}
	if (cond) {
		(void)cond_holds(cond, &c, value);	/* reject a bad condition early */
		rc = count_wait(nl, &c, cond, value, timeout_s, interval_ms);
	} else {
		rc = count_dump(nl, &c);
		if (rc == 0)
			printf("%lu %lu\n", c.total, c.via_gw);
	}
	if (rc < 0)
		perror("route_count");
	mnl_socket_close(nl);
	free(c.state), free(c.nhid);
	return rc ? 1 : 0;
}
