/*
 * tunnel/link.h - the few rtnetlink calls tunnel/ makes, internal to tunnel/.
 *
 * Kept in one file (link.c, libmnl) so it can move onto lib/nl.c later.
 * Synchronous request/ack on a socket of its own; every function returns 0
 * or -errno and logs nothing.
 */
#ifndef IPIP_TUNNEL_LINK_H
#define IPIP_TUNNEL_LINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "tunnel/tunnel.h"

struct link_nl;

struct link_state {
	unsigned	ifindex;
	uint32_t	mtu;
	char		name[IFNAMSIZ];
	char		alias[TUNNEL_ALIAS_MAX];	/* "" when none or too long */
};

typedef void link_state_fn(void *arg, const struct link_state *);

struct link_nl *tunnel_link_open(int *err);
void	tunnel_link_close(struct link_nl *);
/* Alias, MTU and IFF_UP in one RTM_NEWLINK. */
MUST_USE int tunnel_link_setup(struct link_nl *, unsigned ifindex, const char *alias, uint32_t mtu);
MUST_USE int tunnel_link_set_mtu(struct link_nl *, unsigned ifindex, uint32_t mtu);
MUST_USE int tunnel_link_del(struct link_nl *, unsigned ifindex);
/* -ENODEV when there is no such device. */
MUST_USE int tunnel_link_get(struct link_nl *, const char *name, struct link_state *);
MUST_USE int tunnel_link_dump(struct link_nl *, link_state_fn *, void *arg);
/* The device the kernel would send local -> remote through, and its MTU. */
MUST_USE int tunnel_link_underlay(struct link_nl *, struct in_addr local,
	    struct in_addr remote, unsigned *ifindex, uint32_t *mtu);

/*
 * How many tc filters (each priority's head counted too) and chains (each
 * one a filter is on, or someone added: a chain template is configuration)
 * the ingress and egress hooks of ifindex's clsact qdisc hold together: 0
 * when it has none or no clsact (the bpf driver removes an empty clsact).
 */
MUST_USE int tunnel_link_clsact_count(struct link_nl *, unsigned ifindex, unsigned *n);

/*
 * The TCA_BPF_NAME of the bpf filter with this handle and priority on
 * ifindex's clsact hook (TC_H_MIN_INGRESS or _EGRESS), into name: libbpf
 * names a filter "PROG:[ID]" when it attaches it. A filter dump, so it needs
 * no capability (reading a program by its id needs CAP_SYS_ADMIN, which
 * systemd's bounding set leaves out). 0; -ENOENT when there is no such
 * filter, or it has no name; -errno.
 */
MUST_USE int tunnel_link_clsact_bpf_name(struct link_nl *, unsigned ifindex, uint16_t hook,
	    uint32_t handle, uint16_t prio, char *name, size_t len);

/*
 * ipip devices (the kernel driver). tunnel_link_ipip_msg builds the
 * RTM_NEWLINK that creates one (CREATE|EXCL, TTL 0 = inherit, pmtudisc on,
 * no remote when remote is 0.0.0.0) into buf (MNL_SOCKET_BUFFER_SIZE).
 * tunnel_link_ipip_parse reads one RTM_NEWLINK of len bytes from anyone:
 * -EBADMSG unless the message and every attribute we read are well formed;
 * is_ipip is false for other kinds, has_stats when IFLA_STATS64 was there.
 */
struct link_ipip {
	unsigned		ifindex;
	char			name[IFNAMSIZ];
	bool			is_ipip, has_stats;
	struct in_addr		local, remote;		/* 0.0.0.0: any */
	uint8_t			ttl, pmtudisc;
	struct tunnel_counters	stats;
};
struct nlmsghdr *tunnel_link_ipip_msg(void *buf, const char *name, struct in_addr local,
	    struct in_addr remote, uint32_t mtu);
MUST_USE int tunnel_link_ipip_parse(const void *msg, size_t len, struct link_ipip *);
/* Create it and return its ifindex; -EEXIST if the name (or, for the kernel, the endpoints) is taken. */
MUST_USE int tunnel_link_ipip_create(struct link_nl *, const char *name, struct in_addr local,
	    struct in_addr remote, uint32_t mtu, unsigned *ifindex);
/* By ifindex, or by name when ifindex is 0; -ENODEV when there is none. */
MUST_USE int tunnel_link_ipip_get(struct link_nl *, unsigned ifindex, const char *name,
	    struct link_ipip *);

/* A second socket that hears link changes (RTNLGRP_LINK), non-blocking. */
struct link_nl *tunnel_link_monitor_open(int *err);
int	tunnel_link_fd(const struct link_nl *);
/* Read what is queued; fn gets each link, deleted says RTM_DELLINK. -EAGAIN when drained. */
typedef void link_event_fn(void *arg, const struct link_state *, bool deleted);
MUST_USE int tunnel_link_monitor_read(struct link_nl *, link_event_fn *, void *arg);

#endif
