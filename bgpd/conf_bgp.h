/*
 * bgpd/conf_bgp.h - the `router bgp` block of the FRR-style config file,
 * until the YANG-backed config (issue 7) replaces it. conf.c hands every
 * statement it does not know to conf_bgp_line().
 */
#ifndef IPIP_BGPD_CONF_BGP_H
#define IPIP_BGPD_CONF_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/peer_cfg.h"

#define BGP_CONF_PEERS_MAX	128
#define CONF_BGP_NOT_MINE	1

struct bgp_conf {
	bool		configured;	/* `router bgp ASN` seen */
	uint32_t	asn;
	uint32_t	router_id;	/* host order; 0: pick one at start */
	struct in_addr	listen_addr;	/* INADDR_ANY unless `bgp listen-address` */
	uint16_t	listen_port;	/* 0: 179 */
	bool		no_listen;	/* `bgp listen-port 0`: only connect out */
	size_t		npeers;
	struct peer_cfg	peers[BGP_CONF_PEERS_MAX];
};

/*
 * One config statement (already split into words). 0: taken; -1: an error,
 * logged as "FILE:LINE: ..."; CONF_BGP_NOT_MINE: not a BGP statement.
 */
int	conf_bgp_line(const char *file, unsigned lineno, int argc, char *const *argv,
	    struct bgp_conf *);

#endif
