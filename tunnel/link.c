/*
 * tunnel/link.c - rtnetlink for tunnel/: set alias/MTU/up, delete, get,
 * dump links, ask which device reaches a remote, count the tc filters and
 * chains on a clsact qdisc, name a BPF filter on one. See link.h.
 *
 * Attributes are validated against a policy before use (STYLE 4): only the
 * tb[] slots the policy vouched for are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>		/* before the linux/ headers: they defer to it */
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tunnel/link.h"

struct link_nl {
	struct mnl_socket	*sock;
	uint32_t		 portid, seq;
};

struct nl_policy {
	bool		want;
	enum mnl_attr_data_type type;
};

struct nl_attrs {
	const struct nl_policy	*pol;
	uint16_t		 max;
	const struct nlattr	*tb[IFLA_MAX + RTA_MAX + 2];
};

static const struct nl_policy link_pol[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { true, MNL_TYPE_NUL_STRING },
	[IFLA_IFALIAS] = { true, MNL_TYPE_NUL_STRING },
	[IFLA_MTU] = { true, MNL_TYPE_U32 },
};
static const struct nl_policy route_pol[RTA_MAX + 1] = {
	[RTA_OIF] = { true, MNL_TYPE_U32 },
};

static int
nl_attr_cb(const struct nlattr *a, void *arg)
{
	struct nl_attrs *t = arg;
	uint16_t type = mnl_attr_get_type(a);

	if (type > t->max || !t->pol[type].want)
		return MNL_CB_OK;		/* not ours: skip, don't fail */
	if (mnl_attr_validate(a, t->pol[type].type) < 0)
		return MNL_CB_ERROR;
	t->tb[type] = a;
	return MNL_CB_OK;
}

struct link_nl *
tunnel_link_open(int *err)
{
	struct link_nl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL || (nl->sock = mnl_socket_open(NETLINK_ROUTE)) == NULL ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		tunnel_link_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;
}

void
tunnel_link_close(struct link_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

/* Send one request and run cb on each answer until the ack or the dump's end. */
static int
nl_talk(struct link_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int rv;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		if ((n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf))) < 0)
			return -errno;
		rv = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, cb, arg);
	} while (rv > MNL_CB_STOP);
	return rv < 0 ? -errno : 0;
}

static struct nlmsghdr *
nl_link_msg(char *buf, uint16_t type, uint16_t flags, unsigned ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return nlh;
}

int
tunnel_link_setup(struct link_nl *nl, unsigned ifindex, const char *alias, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

int
tunnel_link_set_mtu(struct link_nl *nl, unsigned ifindex, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

int
tunnel_link_del(struct link_nl *nl, unsigned ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_talk(nl, nl_link_msg(buf, RTM_DELLINK, 0, ifindex), NULL, NULL);
}

struct link_walk {
	link_state_fn	*fn;
	void		*arg;
};

static int
nl_link_parse(const struct nlmsghdr *nlh, struct link_state *ls)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nl_attrs t = { link_pol, IFLA_MAX, { 0 } };
	const char *s;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)) ||
	    mnl_attr_parse(nlh, sizeof(*ifi), nl_attr_cb, &t) < 0 || !t.tb[IFLA_IFNAME])
		return -EBADMSG;
	memset(ls, 0, sizeof(*ls));
	ls->ifindex = (unsigned)ifi->ifi_index;
	if (t.tb[IFLA_MTU])
		ls->mtu = mnl_attr_get_u32(t.tb[IFLA_MTU]);
	s = mnl_attr_get_str(t.tb[IFLA_IFNAME]);
	if (strlen(s) < sizeof(ls->name))
		strcpy(ls->name, s);
	s = t.tb[IFLA_IFALIAS] ? mnl_attr_get_str(t.tb[IFLA_IFALIAS]) : "";
	if (strlen(s) < sizeof(ls->alias))
		strcpy(ls->alias, s);
	return 0;
}

static int
nl_link_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_walk *w = arg;
	struct link_state ls;

	if (nlh->nlmsg_type != RTM_NEWLINK || nl_link_parse(nlh, &ls) < 0)
		return MNL_CB_OK;
	w->fn(w->arg, &ls);
	return MNL_CB_OK;
}

int
tunnel_link_dump(struct link_nl *nl, link_state_fn *fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_walk w = { fn, arg };

	return nl_talk(nl, nl_link_msg(buf, RTM_GETLINK, NLM_F_DUMP, 0), nl_link_cb, &w);
}

static void
link_state_copy(void *arg, const struct link_state *ls)
{
	*(struct link_state *)arg = *ls;
}

int
tunnel_link_get(struct link_nl *nl, const char *name, struct link_state *ls)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_GETLINK, 0, 0);
	struct link_walk w = { link_state_copy, ls };

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	ls->ifindex = 0;
	return nl_talk(nl, nlh, nl_link_cb, &w);
}

static int
nl_route_oif_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nl_attrs t = { route_pol, RTA_MAX, { 0 } };

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_attr_parse(nlh, sizeof(struct rtmsg), nl_attr_cb, &t) < 0 || !t.tb[RTA_OIF])
		return MNL_CB_OK;
	*(unsigned *)arg = mnl_attr_get_u32(t.tb[RTA_OIF]);
	return MNL_CB_OK;
}

static void
link_mtu_of(void *arg, const struct link_state *ls)
{
	*(uint32_t *)arg = ls->mtu;
}

int
tunnel_link_underlay(struct link_nl *nl, struct in_addr local,
    struct in_addr remote, unsigned *ifindex, uint32_t *mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct link_walk w = { link_mtu_of, mtu };
	struct rtmsg *rtm;
	unsigned oif = 0;
	int rv;

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = rtm->rtm_src_len = 32;
	mnl_attr_put(nlh, RTA_DST, 4, &remote);
	mnl_attr_put(nlh, RTA_SRC, 4, &local);
	if ((rv = nl_talk(nl, nlh, nl_route_oif_cb, &oif)) < 0)
		return rv;
	if (oif == 0)
		return -ENETUNREACH;
	*ifindex = oif;
	*mtu = 0;
	rv = nl_talk(nl, nl_link_msg(buf, RTM_GETLINK, 0, oif), nl_link_cb, &w);
	return rv < 0 ? rv : *mtu ? 0 : -ENODEV;
}

struct tc_count {
	uint16_t	type;		/* the answers counted: RTM_NEWTFILTER or RTM_NEWCHAIN */
	unsigned	n;
};

static int
nl_tc_count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct tc_count *c = arg;

	if (nlh->nlmsg_type == c->type)
		c->n++;
	return MNL_CB_OK;
}

/* A dump request (get: RTM_GETTFILTER or RTM_GETCHAIN) of one clsact hook, in buf. */
static struct nlmsghdr *
nl_tc_dump_msg(char *buf, unsigned ifindex, uint16_t hook, uint16_t get)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = get;
	nlh->nlmsg_flags = NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = (int)ifindex;
	tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT, hook);
	return nlh;
}

/*
 * Dump one clsact hook (get: RTM_GETTFILTER or RTM_GETCHAIN) and count the
 * answers. The kernel answers an empty dump when there is no clsact.
 */
static int
nl_tc_dump_count(struct link_nl *nl, unsigned ifindex, uint16_t hook, uint16_t get,
    unsigned *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct tc_count c = { get == RTM_GETCHAIN ? RTM_NEWCHAIN : RTM_NEWTFILTER, 0 };
	int rv;

	if ((rv = nl_talk(nl, nl_tc_dump_msg(buf, ifindex, hook, get), nl_tc_count_cb, &c)) < 0)
		return rv;
	*n += c.n;
	return 0;
}

/*
 * A filter dump of one clsact hook lists, on every chain, each filter
 * priority's head and each filter; a chain dump lists each chain that a
 * filter is on or that someone added (`tc chain add`, with a template or
 * without), chains only actions point to aside. Any answer at all means
 * the hook is in use.
 */
int
tunnel_link_clsact_count(struct link_nl *nl, unsigned ifindex, unsigned *n)
{
	static const uint16_t hooks[] = { TC_H_MIN_INGRESS, TC_H_MIN_EGRESS };
	int rv;

	*n = 0;
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if ((rv = nl_tc_dump_count(nl, ifindex, hooks[i], RTM_GETTFILTER, n)) < 0 ||
		    (rv = nl_tc_dump_count(nl, ifindex, hooks[i], RTM_GETCHAIN, n)) < 0)
			return rv;
	return 0;
}

struct link_nl *
tunnel_link_monitor_open(int *err)
{
	struct link_nl *nl = calloc(1, sizeof(*nl));
	int fd;

	if (nl == NULL || (nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK)) == NULL ||
	    mnl_socket_bind(nl->sock, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		tunnel_link_close(nl);
		return NULL;
	}
	fd = mnl_socket_get_fd(nl->sock);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	nl->portid = mnl_socket_get_portid(nl->sock);
	return nl;
}

int
tunnel_link_fd(const struct link_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

struct link_event_walk {
	link_event_fn	*fn;
	void		*arg;
};

static int
nl_link_event_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_event_walk *w = arg;
	struct link_state ls;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nl_link_parse(nlh, &ls) < 0)
		return MNL_CB_OK;
	w->fn(w->arg, &ls, nlh->nlmsg_type == RTM_DELLINK);
	return MNL_CB_OK;
}

int
tunnel_link_monitor_read(struct link_nl *nl, link_event_fn *fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_event_walk w = { fn, arg };
	ssize_t n;

	for (unsigned i = 0; i < 64; i++) {		/* bounded work per turn */
		if ((n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf))) < 0)
			return -errno;			/* EAGAIN: drained; ENOBUFS: lost some */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, nl_link_event_cb, &w) < 0)
			return -errno;
	}
	return 0;
}

/* What a filter dump's callback looks for, and the name it found. */
struct tc_bpf_find {
	uint32_t	handle, info;	/* tcm_handle; tcm_info's priority half */
	char		*name;
	size_t		 len;
	bool		 found;
};

static const struct nl_policy tc_pol[TCA_MAX + 1] = {
	[TCA_KIND] = { true, MNL_TYPE_NUL_STRING },
	[TCA_OPTIONS] = { true, MNL_TYPE_NESTED },
};
static const struct nl_policy tc_bpf_pol[TCA_BPF_MAX + 1] = {
	[TCA_BPF_NAME] = { true, MNL_TYPE_NUL_STRING },
};

static int nl_nest_walk(const struct nlattr *nest, struct nl_attrs *t);

static int
nl_tc_bpf_name_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct tc_bpf_find *f = arg;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct nl_attrs t = { tc_pol, TCA_MAX, { 0 } }, o = { tc_bpf_pol, TCA_BPF_MAX, { 0 } };

	if (nlh->nlmsg_type != RTM_NEWTFILTER || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*tcm)) ||
	    tcm->tcm_handle != f->handle || TC_H_MAJ(tcm->tcm_info) != f->info)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*tcm), nl_attr_cb, &t) < 0 || t.tb[TCA_KIND] == NULL ||
	    strcmp(mnl_attr_get_str(t.tb[TCA_KIND]), "bpf") != 0 || t.tb[TCA_OPTIONS] == NULL ||
	    nl_nest_walk(t.tb[TCA_OPTIONS], &o) < 0 || o.tb[TCA_BPF_NAME] == NULL)
		return MNL_CB_OK;
	snprintf(f->name, f->len, "%s", mnl_attr_get_str(o.tb[TCA_BPF_NAME]));
	f->found = true;
	return MNL_CB_OK;
}

int
tunnel_link_clsact_bpf_name(struct link_nl *nl, unsigned ifindex, uint16_t hook,
    uint32_t handle, uint16_t prio, char *name, size_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct tc_bpf_find f = { handle, TC_H_MAJ((uint32_t)prio << 16), name, len, false };
	int rv;

	if ((rv = nl_talk(nl, nl_tc_dump_msg(buf, ifindex, hook, RTM_GETTFILTER),
	    nl_tc_bpf_name_cb, &f)) < 0)
		return rv;
	return f.found ? 0 : -ENOENT;
}

/* ---- ipip devices: build, parse, create, get (the kernel driver's calls) ---- */

static const struct nl_policy ipip_link_pol[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { true, MNL_TYPE_NUL_STRING },
	[IFLA_LINKINFO] = { true, MNL_TYPE_NESTED },
	[IFLA_STATS64] = { true, MNL_TYPE_UNSPEC },	/* length checked where read */
};
static const struct nl_policy linkinfo_pol[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { true, MNL_TYPE_NUL_STRING },
	[IFLA_INFO_DATA] = { true, MNL_TYPE_NESTED },
};
static const struct nl_policy iptun_pol[IFLA_IPTUN_MAX + 1] = {
	[IFLA_IPTUN_LOCAL] = { true, MNL_TYPE_U32 },
	[IFLA_IPTUN_REMOTE] = { true, MNL_TYPE_U32 },
	[IFLA_IPTUN_TTL] = { true, MNL_TYPE_U8 },
	[IFLA_IPTUN_PMTUDISC] = { true, MNL_TYPE_U8 },
};

/*
 * Attributes in [p, p + len) through the policy: unlike mnl_attr_parse,
 * which stops quietly at the first attribute that does not fit, a
 * malformed one (or trailing bytes) fails the whole message.
 */
static int
nl_attrs_walk(const void *p, size_t len, struct nl_attrs *t)
{
	const struct nlattr *a = p;
	int left = (int)len;

	while (mnl_attr_ok(a, left)) {
		if (nl_attr_cb(a, t) != MNL_CB_OK)
			return -EBADMSG;
		left -= (int)MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return left <= 0 ? 0 : -EBADMSG;	/* < 0: the last one's padding, absent */
}

static int
nl_nest_walk(const struct nlattr *nest, struct nl_attrs *t)
{
	return nl_attrs_walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), t);
}

/* The first six u64 of struct rtnl_link_stats64; newer kernels append more. */
#define STATS64_USED	(6 * sizeof(uint64_t))

struct nlmsghdr *
tunnel_link_ipip_msg(void *buf, const char *name, struct in_addr local,
    struct in_addr remote, uint32_t mtu)
{
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ipip");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put(nlh, IFLA_IPTUN_LOCAL, 4, &local);
	if (remote.s_addr != INADDR_ANY)	/* none: NBMA, the route's gateway decides */
		mnl_attr_put(nlh, IFLA_IPTUN_REMOTE, 4, &remote);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_TTL, 0);	/* inherit the inner TTL */
	mnl_attr_put_u8(nlh, IFLA_IPTUN_PMTUDISC, 1);	/* DF outside, PMTU discovery works */
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

static int
ipip_data_read(const struct nlattr *data, struct link_ipip *li)
{
	struct nl_attrs t = { iptun_pol, IFLA_IPTUN_MAX, { 0 } };

	if (nl_nest_walk(data, &t) < 0)
		return -EBADMSG;
	if (t.tb[IFLA_IPTUN_LOCAL])
		li->local.s_addr = mnl_attr_get_u32(t.tb[IFLA_IPTUN_LOCAL]);
	if (t.tb[IFLA_IPTUN_REMOTE])
		li->remote.s_addr = mnl_attr_get_u32(t.tb[IFLA_IPTUN_REMOTE]);
	if (t.tb[IFLA_IPTUN_TTL])
		li->ttl = mnl_attr_get_u8(t.tb[IFLA_IPTUN_TTL]);
	if (t.tb[IFLA_IPTUN_PMTUDISC])
		li->pmtudisc = mnl_attr_get_u8(t.tb[IFLA_IPTUN_PMTUDISC]);
	li->is_ipip = true;
	return 0;
}

static int
ipip_linkinfo_read(const struct nlattr *info, struct link_ipip *li)
{
	struct nl_attrs t = { linkinfo_pol, IFLA_INFO_MAX, { 0 } };

	if (nl_nest_walk(info, &t) < 0)
		return -EBADMSG;
	if (!t.tb[IFLA_INFO_KIND] || strcmp(mnl_attr_get_str(t.tb[IFLA_INFO_KIND]), "ipip") != 0)
		return 0;			/* some other kind: not ipip */
	if (t.tb[IFLA_INFO_DATA])
		return ipip_data_read(t.tb[IFLA_INFO_DATA], li);
	li->is_ipip = true;			/* every endpoint "any" */
	return 0;
}

static void
ipip_stats_read(const struct nlattr *a, struct link_ipip *li)
{
	uint64_t v[6];

	if (mnl_attr_get_payload_len(a) < STATS64_USED)
		return;
	memcpy(v, mnl_attr_get_payload(a), sizeof(v));
	/* rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors */
	li->stats = (struct tunnel_counters){ v[0], v[2], v[4], v[1], v[3], v[5] };
	li->has_stats = true;
}

int
tunnel_link_ipip_parse(const void *msg, size_t len, struct link_ipip *li)
{
	const struct nlmsghdr *nlh = msg;
	struct nl_attrs t = { ipip_link_pol, IFLA_MAX, { 0 } };
	const struct ifinfomsg *ifi;
	int rv;

	/* libmnl rounds a message's end up to 4: the padding must be ours to read. */
	if (len > INT32_MAX || !mnl_nlmsg_ok(nlh, (int)len) || MNL_ALIGN(nlh->nlmsg_len) > len ||
	    nlh->nlmsg_len < mnl_nlmsg_size(MNL_ALIGN(sizeof(*ifi))) ||
	    nl_attrs_walk(mnl_nlmsg_get_payload_offset(nlh, sizeof(*ifi)),
	    nlh->nlmsg_len - mnl_nlmsg_size(MNL_ALIGN(sizeof(*ifi))), &t) < 0 || !t.tb[IFLA_IFNAME] ||
	    mnl_attr_get_payload_len(t.tb[IFLA_IFNAME]) > IFNAMSIZ)
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(li, 0, sizeof(*li));
	li->ifindex = (unsigned)ifi->ifi_index;
	strcpy(li->name, mnl_attr_get_str(t.tb[IFLA_IFNAME]));
	if (t.tb[IFLA_LINKINFO] && (rv = ipip_linkinfo_read(t.tb[IFLA_LINKINFO], li)) < 0)
		return rv;
	if (t.tb[IFLA_STATS64])
		ipip_stats_read(t.tb[IFLA_STATS64], li);
	return 0;
}

static int
nl_ipip_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_ipip *li = arg;

	if (nlh->nlmsg_type == RTM_NEWLINK && tunnel_link_ipip_parse(nlh, nlh->nlmsg_len, li) < 0)
		li->ifindex = 0;		/* the caller sees EBADMSG */
	return MNL_CB_OK;
}

int
tunnel_link_ipip_get(struct link_nl *nl, unsigned ifindex, const char *name, struct link_ipip *li)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_GETLINK, 0, ifindex);

	if (name != NULL)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	int rv;

	li->ifindex = 0;
	if ((rv = nl_talk(nl, nlh, nl_ipip_cb, li)) < 0)
		return rv;
	return li->ifindex ? 0 : -EBADMSG;
}

int
tunnel_link_ipip_create(struct link_nl *nl, const char *name, struct in_addr local,
    struct in_addr remote, uint32_t mtu, unsigned *ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_ipip li;
	int rv;

	if ((rv = nl_talk(nl, tunnel_link_ipip_msg(buf, name, local, remote, mtu), NULL, NULL)) < 0)
		return rv;
	if ((rv = tunnel_link_ipip_get(nl, 0, name, &li)) < 0)
		return rv;
	*ifindex = li.ifindex;
	return 0;
}
