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

/* A second socket that hears link changes (RTNLGRP_LINK), non-blocking. */
struct link_nl *tunnel_link_monitor_open(int *err);
int	tunnel_link_fd(const struct link_nl *);
/* Read what is queued; fn gets each link, deleted says RTM_DELLINK. -EAGAIN when drained. */
typedef void link_event_fn(void *arg, const struct link_state *, bool deleted);
MUST_USE int tunnel_link_monitor_read(struct link_nl *, link_event_fn *, void *arg);

#endif
