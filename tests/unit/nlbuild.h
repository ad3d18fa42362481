/*
 * tests/unit/nlbuild.h - build rtnetlink messages for parser tests (libmnl),
 * and hand them to parsers as exact-size heap copies so ASan sees overreads.
 */
#ifndef IPIP_TESTS_NLBUILD_H
#define IPIP_TESTS_NLBUILD_H

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rtnl.h"
#include "tests/unit/unit.h"

struct nlb {
	char		 buf[8192];
	struct nlmsghdr	*h;
};

static inline void *
nlb_start(struct nlb *b, uint16_t type, size_t extra)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->h = mnl_nlmsg_put_header(b->buf);
	b->h->nlmsg_type = type;
	b->h->nlmsg_seq = 7;
	return mnl_nlmsg_put_extra_header(b->h, extra);
}

static inline void
nlb_in4(struct nlb *b, uint16_t type, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	mnl_attr_put(b->h, type, 4, &in);
}

/* A raw attribute header with a chosen (possibly lying) nla_len. */
static inline void
nlb_raw_attr(struct nlb *b, uint16_t type, uint16_t nla_len, size_t room)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(b->h);

	a->nla_type = type;
	a->nla_len = nla_len;
	b->h->nlmsg_len += MNL_ALIGN(room);
}

/* Parse the first message of a heap copy of n bytes (default: nlmsg_len). */
static inline int
nlb_parse_n(struct nlb *b, size_t n, int (*fn)(const struct rtnl_msg *, void *), void *out)
{
	uint8_t *copy = unit_heap(b->buf, n);
	struct cursor c = cur_init(copy, n);
	struct rtnl_msg m;
	int rv = rtnl_msg_next(&c, &m);

	if (rv == 0)
		rv = fn(&m, out);
	free(copy);
	return rv;
}

static inline int nlb_route(const struct rtnl_msg *m, void *o) { return rtnl_route_parse(m, o); }
static inline int nlb_nexthop(const struct rtnl_msg *m, void *o) { return rtnl_nexthop_parse(m, o); }
static inline int nlb_link(const struct rtnl_msg *m, void *o) { return rtnl_link_parse(m, o); }
static inline int nlb_addr(const struct rtnl_msg *m, void *o) { return rtnl_addr_parse(m, o); }

#define NLB_PARSE(b, fn, out)	nlb_parse_n((b), (b)->h->nlmsg_len, (fn), (out))

#endif
