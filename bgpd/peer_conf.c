/*
 * bgpd/peer_conf.c - from the config's `router bgp` block to a running BGP
 * instance, until the YANG config (issue 7) applies changes itself. Reload
 * (SIGHUP) does not touch running sessions yet.
 */
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "bgpd/bgpd.h"
#include "bgpd/peer.h"

/* FRR's choice without `bgp router-id`: the highest IPv4 address not on loopback. */
static uint32_t
router_id_pick(void)
{
	struct ifaddrs *ifs, *i;
	uint32_t best = 0, a;

	if (getifaddrs(&ifs) < 0)
		return 0;
	for (i = ifs; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		if (a > best)
			best = a;
	}
	freeifaddrs(ifs);
	return best;
}

int
bgpd_bgp_start(struct bgpd *b)
{
	const struct bgp_conf *c = &b->conf.bgp;
	uint32_t id = c->router_id;
	struct bgp *bgp;

	if (!c->configured)
		return 0;
	if (id == 0 && (id = router_id_pick()) == 0) {
		log_err("router bgp %u: no 'bgp router-id' and no IPv4 address to take one from",
		    c->asn);
		return -1;
	}
	bgp = bgp_new(b->base, c->asn, id);
	bgp->listen_addr = c->listen_addr;
	bgp->port = c->no_listen ? 0 : c->listen_port ? c->listen_port : BGP_PORT;
	for (size_t i = 0; i < c->npeers; i++)
		if (bgp_peer_add(bgp, &c->peers[i], NULL) < 0)
			fatalx("neighbor listed twice in a checked config");
	if (bgp_start(bgp) < 0) {
		bgp_free(bgp);
		return -1;
	}
	b->bgp = bgp;
	log_notice("BGP: AS %u, router-id %u.%u.%u.%u, %zu neighbors", c->asn, id >> 24,
	    (id >> 16) & 255, (id >> 8) & 255, id & 255, c->npeers);
	return 0;
}

void
bgpd_bgp_stop(struct bgpd *b)
{
	bgp_free(b->bgp);
	b->bgp = NULL;
}
