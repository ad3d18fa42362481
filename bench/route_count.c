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
 * that made it true was read; exit 1 after -T seconds (default 120). Following
 * notifications costs the DUT's core far less than repeated dumps (a 100k
 * dump is ~50 ms of kernel time). -i bounds one wait for notifications.
 * Routes that use nexthop objects carry their next hops in dumps and
 * notifications only while net.ipv4.nexthop_compat_mode is 1 (the default):
 * gateway counts need it, and a group replace under compat mode 0 sends no
 * route notification (only the 1 s dump would see it).
 *
 * Routes are tracked in a 16 MiB byte map indexed by address >> 8: other
 * prefix lengths are ignored (the feeder sends /24s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct count {
	unsigned	 proto;
	uint32_t	 gw;		/* network order; 0 = none */
	unsigned long	 total, via_gw;
	uint8_t		*state;		/* per /24, indexed by address >> 8 */
	uint64_t	 last_dump;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

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

/* New state of one /24: bit 0 present, bit 1 has a next hop via gw. */
static void
route_apply(struct count *c, const struct nlmsghdr *nlh, const struct rtmsg *rt)
{
	const struct nlattr *a;
	uint32_t dst = 0;
	uint8_t old, now = nlh->nlmsg_type == RTM_NEWROUTE;

	mnl_attr_for_each(a, nlh, sizeof(*rt)) {
		if (mnl_attr_get_payload_len(a) != 4)
			continue;
		if (mnl_attr_get_type(a) == RTA_DST)
			dst = ntohl(mnl_attr_get_u32(a));
		else if (now && c->gw && mnl_attr_get_type(a) == RTA_GATEWAY)
			now |= (uint8_t)((mnl_attr_get_u32(a) == c->gw) << 1);
	}
	mnl_attr_for_each(a, nlh, sizeof(*rt))
		if (now && c->gw && mnl_attr_get_type(a) == RTA_MULTIPATH)
			now |= (uint8_t)(multipath_has_gw(a, c->gw) << 1);
	old = c->state[dst >> 8];
	c->state[dst >> 8] = now;
	c->total += (unsigned long)(now & 1), c->total -= (unsigned long)(old & 1);
	c->via_gw += (unsigned long)(now >> 1), c->via_gw -= (unsigned long)(old >> 1);
}

static int
on_route(const struct nlmsghdr *nlh, void *arg)
{
	struct count *c = arg;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);

	if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)) || rt->rtm_family != AF_INET ||
	    rt->rtm_protocol != c->proto || rt->rtm_table != RT_TABLE_MAIN ||
	    rt->rtm_dst_len != 24)
		return MNL_CB_OK;
	route_apply(c, nlh, rt);
	return MNL_CB_OK;
}

static int
count_dump(struct mnl_socket *nl, struct count *c)
{
	static char buf[1 << 16];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;
	unsigned seq = (unsigned)time(NULL);
	ssize_t n;
	int r;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = AF_INET;
	c->total = c->via_gw = 0;
	memset(c->state, 0, 1u << 24);
	c->last_dump = now_ns();
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) <= 0)
			return -1;
		r = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), on_route, c);
	} while (r > MNL_CB_STOP);
	return r < 0 ? -1 : 0;
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
		if (mnl_cb_run(buf, (size_t)n, 0, 0, on_route, c) < 0)
			return -1;
	}
	return 0;
}

static struct mnl_socket *
monitor_open(void)
{
	struct mnl_socket *mon = mnl_socket_open(NETLINK_ROUTE);
	int sz = 64 << 20;

	if (!mon || mnl_socket_bind(mon, RTMGRP_IPV4_ROUTE, MNL_SOCKET_AUTOPID) < 0)
		return NULL;
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
	uint64_t end = now_ns() + timeout_s * 1000000000ull;
	struct pollfd pfd;

	if (!mon || count_dump(nl, c) < 0)
		return -1;
	pfd = (struct pollfd){ .fd = mnl_socket_get_fd(mon), .events = POLLIN };
	while (!cond_holds(cond, c, v)) {
		if (now_ns() > end) {
			fprintf(stderr, "route_count: timeout, %lu %lu\n", c->total, c->via_gw);
			mnl_socket_close(mon);
			return 1;
		}
		if (poll(&pfd, 1, (int)interval_ms) > 0 && events_read(mon, nl, c) < 0)
			return -1;
		if (now_ns() - c->last_dump > 1000000000ull && count_dump(nl, c) < 0)
			return -1;
	}
	printf("%llu %lu %lu\n", (unsigned long long)now_ns(), c->total, c->via_gw);
	mnl_socket_close(mon);
	return 0;
}

int
main(int argc, char **argv)
{
	struct count c = { 0 };
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
	if (!c.proto || !(c.state = malloc(1u << 24)) || !(nl = mnl_socket_open(NETLINK_ROUTE)) ||
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
	free(c.state);
	return rc ? 1 : 0;
}
