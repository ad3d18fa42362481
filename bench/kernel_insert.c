/*
 * bench/kernel_insert.c - the kernel-alone limit: insert N IPv4 /24 routes,
 * then delete them, with libmnl, B route messages per sendmsg and every ACK
 * read (a benchmark tool; run it inside a scratch namespace).
 *
 *   kernel_insert -n N (-H NHID | -g GATEWAY -d DEV) [-b 256] [-s 20.0.0.0] [-P 250] [-k] [-A]
 *
 * -A asks for an ACK on the last message of each batch only (errors are
 * answered anyway), as ipip-bgpd does (lib/nl.c): the kernel then builds,
 * and we read, one answer per batch.
 *
 * -H makes every route reference one existing nexthop object (RTA_NH_ID);
 * -g/-d gives each route its own gateway and device (the "plain" form).
 * Prints "insert_s X delete_s Y" (wall seconds, CLOCK_MONOTONIC); -k keeps
 * the routes (no delete; delete_s is 0), e.g. to time a nexthop-group replace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/clock.h"

#ifndef RTA_NH_ID
#define RTA_NH_ID 30
#endif

struct job {
	unsigned	 n, batch, proto, oif, nhid;
	uint32_t	 start, gw;	/* host order, network order */
	unsigned	 errors;
	int		 keep, ack_last;
};

static void
route_put(struct mnl_nlmsg_batch *b, const struct job *j, uint16_t type, unsigned i, unsigned seq,
    int last)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
	struct rtmsg *rt;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | (!j->ack_last || last ? NLM_F_ACK : 0) |
	    (type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = seq;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	*rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 24,
		.rtm_table = RT_TABLE_MAIN, .rtm_protocol = (uint8_t)j->proto,
		.rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	mnl_attr_put_u32(nlh, RTA_DST, htonl(j->start + (i << 8)));
	if (type == RTM_NEWROUTE && j->nhid) {
		mnl_attr_put_u32(nlh, RTA_NH_ID, j->nhid);
	} else if (type == RTM_NEWROUTE) {
		mnl_attr_put_u32(nlh, RTA_GATEWAY, j->gw);
		mnl_attr_put_u32(nlh, RTA_OIF, j->oif);
	}
	mnl_nlmsg_batch_next(b);
}

static int
on_error(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct job *j = arg;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	if (e->error != 0 && j->errors++ == 0)
		fprintf(stderr, "kernel_insert: seq %u: %s\n", nlh->nlmsg_seq, strerror(-e->error));
	return MNL_CB_OK;
}

/* Read ACKs until the one for `last` arrives. */
static int
acks_read(struct mnl_socket *nl, struct job *j, unsigned last)
{
	static char buf[1 << 17];
	mnl_cb_t cbs[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = on_error };

	for (int rounds = 0; rounds < 100000; rounds++) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const void *)buf;
		int len = (int)n, seen = 0;

		if (n <= 0)
			return -1;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			seen |= nlh->nlmsg_seq == last;
		if (mnl_cb_run2(buf, (size_t)n, 0, mnl_socket_get_portid(nl), NULL, j,
		    cbs, NLMSG_MIN_TYPE) < 0)
			return -1;
		if (seen)
			return 0;
	}
	return -1;
}

static double
run_all(struct mnl_socket *nl, struct job *j, uint16_t type)
{
	static char buf[1 << 20];
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf) / 2);
	double t0 = (double)bench_now_ns() / 1e9;
	unsigned seq = 1;

	for (unsigned i = 0; i < j->n; ) {
		unsigned k = 0;

		for (; k < j->batch && i < j->n; k++, i++)
			route_put(b, j, type, i, seq++, k + 1 == j->batch || i + 1 == j->n);
		if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0 ||
		    acks_read(nl, j, seq - 1) < 0) {
			perror("kernel_insert");
			exit(1);
		}
		mnl_nlmsg_batch_reset(b);
	}
	mnl_nlmsg_batch_stop(b);
	return (double)bench_now_ns() / 1e9 - t0;
}

int
main(int argc, char **argv)
{
	struct job j = { .batch = 256, .proto = 250, .start = 20u << 24 };
	struct in_addr a;
	struct mnl_socket *nl;
	int o, bufsz = 8 << 20;
	double ins, del;

	while ((o = getopt(argc, argv, "n:H:g:d:b:s:P:kA")) != -1) {
		switch (o) {
		case 'n': j.n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'H': j.nhid = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': if (inet_pton(AF_INET, optarg, &j.gw) != 1) exit(2); break;
		case 'd': j.oif = if_nametoindex(optarg); break;
		case 'b': j.batch = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': if (inet_pton(AF_INET, optarg, &a) != 1) exit(2);
			j.start = ntohl(a.s_addr); break;
		case 'P': j.proto = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': j.keep = 1; break;
		case 'A': j.ack_last = 1; break;
		default: exit(2);
		}
	}
	/* each message is < 64 bytes: a batch of 256 fits the 1 MiB buffer */
	if (!j.n || !j.batch || j.batch > 4096 || (!j.nhid && (!j.gw || !j.oif))) {
		fprintf(stderr, "usage: kernel_insert -n N (-H NHID | -g GW -d DEV) [-b B] [-s START] [-P PROTO] [-k] [-A]\n");
		return 2;
	}
	if (!(nl = mnl_socket_open(NETLINK_ROUTE)) || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return perror("netlink"), 1;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	ins = run_all(nl, &j, RTM_NEWROUTE);
	del = j.keep ? 0 : run_all(nl, &j, RTM_DELROUTE);
	printf("insert_s %.4f delete_s %.4f errors %u\n", ins, del, j.errors);
	mnl_socket_close(nl);
	return j.errors ? 1 : 0;
}
