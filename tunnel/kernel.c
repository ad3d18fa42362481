/*
 * tunnel/kernel.c - the kernel ipip driver: one rtnetlink ipip device per
 * tunnel (IFLA_INFO_KIND "ipip", TTL inherit, pmtudisc), counters from
 * IFLA_STATS64, and the probe that tells whether this kernel can make ipip
 * devices at all (driver "auto"). Every netlink call is in link.c; the
 * kernel does the dataplane, so this file keeps no threads and never logs.
 *
 * A point-to-point device has local and remote; an NBMA device (remote
 * 0.0.0.0 in the spec) has only local, and each route through it names the
 * outer destination as its gateway ("via R dev D onlink").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/driver.h"
#include "tunnel/link.h"

struct ktun {
	unsigned	ifindex;
};

static int
kern_open(struct event_base *base, void **drv)
{
	int rv = 0;

	*drv = tunnel_link_open(&rv);
	return *drv ? 0 : rv;
}

static void
kern_close(void *drv, bool keep)
{
	tunnel_link_close(drv);
}

/* Ours of that name (the manager checked the alias): attach if it is what we want. */
static int
kern_attach(const struct link_ipip *li, const struct tunnel_spec *s, unsigned *ifindex)
{
	if (!li->is_ipip || li->local.s_addr != s->local.s_addr ||
	    li->remote.s_addr != s->remote.s_addr)
		return -EEXIST;			/* another kind or other endpoints: remake */
	*ifindex = li->ifindex;
	return 0;
}

static int
kern_create(void *drv, const struct tunnel_spec *s, unsigned *ifindex, void **tun)
{
	struct link_ipip li;
	struct ktun *k;
	int rv = tunnel_link_ipip_get(drv, 0, s->name, &li);

	if (rv == 0)
		rv = kern_attach(&li, s, ifindex);
	else if (rv == -ENODEV)
		rv = tunnel_link_ipip_create(drv, s->name, s->local, s->remote, s->mtu, ifindex);
	if (rv < 0)
		return rv;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -ENOMEM;
	k->ifindex = *ifindex;
	*tun = k;
	return 0;
}

static void
kern_destroy(void *drv, void *tun, bool keep)
{
	struct ktun *k = tun;

	if (!keep && tunnel_link_del(drv, k->ifindex) < 0)
		k->ifindex = 0;			/* gone already, or cannot: nothing to log here */
	free(k);
}

static int
kern_set_mtu(void *drv, void *tun, uint32_t mtu)
{
	return 0;				/* the manager sets IFLA_MTU itself */
}

static void
kern_counters(void *drv, const void *tun, struct tunnel_counters *c)
{
	const struct ktun *k = tun;
	struct link_ipip li;

	if (tunnel_link_ipip_get(drv, k->ifindex, NULL, &li) == 0 && li.has_stats)
		*c = li.stats;
	else
		*c = (struct tunnel_counters){ 0 };
}

static void
kern_drops(void *drv, struct tunnel_drops *d)
{
	*d = (struct tunnel_drops){ 0 };	/* the kernel counts its own */
}

const struct tunnel_driver tunnel_driver_kernel = {
	.name = "kernel",
	.open = kern_open,
	.close = kern_close,
	.create = kern_create,
	.destroy = kern_destroy,
	.set_mtu = kern_set_mtu,
	.counters = kern_counters,
	.drops = kern_drops,
};

/*
 * Create a throwaway ipip device and delete it. It is down, has no address
 * and no route, and its endpoints (127.255.x.y, 127.255.x.y+1 from our pid)
 * match no packet, so it disturbs nothing; its name carries our pid, so
 * two probing processes cannot collide. Loading the ipip module (if that
 * happens) adds a down tunl0 to every namespace, as any ipip use would.
 */
int
tunnel_kernel_probe(const char *prefix)
{
	struct link_nl *nl;
	struct in_addr l, r;
	char name[IFNAMSIZ];
	unsigned ifindex;
	unsigned pid = (unsigned)getpid() & 0xffff;
	int rv = 0;

	if ((nl = tunnel_link_open(&rv)) == NULL)
		return rv;
	snprintf(name, sizeof(name), "%sprobe%u", prefix, (unsigned)getpid() % 10000000);
	l.s_addr = htonl(0x7fff0000u | (pid << 1 & 0xfffe));
	r.s_addr = htonl(ntohl(l.s_addr) + 1);
	rv = tunnel_link_ipip_create(nl, name, l, r, 1280, &ifindex);
	if (rv == 0)
		rv = tunnel_link_del(nl, ifindex);
	tunnel_link_close(nl);
	return rv;
}
