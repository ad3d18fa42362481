/*
 * bgpd/peer_cfg.h - what the operator sets per neighbor (FRR's
 * `neighbor A.B.C.D ...`), apart from the sessions that use it, so the
 * config readers need neither the codec nor the event loop. Filled from the
 * running YANG tree by bgpd/peer_conf.c.
 */
#ifndef IPIP_BGPD_PEER_CFG_H
#define IPIP_BGPD_PEER_CFG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define PEER_DESC_MAX		80	/* characters, as the YANG model allows */
#define PEER_PASSWORD_MAX	80	/* TCP_MD5SIG_MAXKEYLEN */
#define PEER_SHUTDOWN_MSG_MAX	128
#define PEER_HOLD_DEFAULT	90	/* RFC 4271 §10 */
#define PEER_KEEPALIVE_DEFAULT	30
#define PEER_CONNECT_RETRY_DEFAULT 120
#define PEER_POLICY_NAME_MAX	64	/* CONF_NAME_MAX */
#define PEER_SEND_STANDARD	0x1	/* COMMUNITIES (RFC 1997) */
#define PEER_SEND_EXTENDED	0x2	/* EXTENDED_COMMUNITIES (RFC 4360) */
#define PEER_SEND_LARGE		0x4	/* LARGE_COMMUNITY (RFC 8092) */
#define PEER_SEND_ALL		0x7
#define PEER_TTL_MAX		255	/* iBGP, bare `ebgp-multihop`, GTSM */

/* What the operator sets per neighbor (FRR's `neighbor A.B.C.D ...`). */
struct peer_cfg {
	struct in_addr	remote_addr;
	uint32_t	remote_as;		/* 0 with remote_as_external */
	bool		remote_as_external;	/* any AS but ours, from its OPEN */
	uint32_t	local_as;		/* 0: the router's AS */
	char		description[PEER_DESC_MAX + 1];
	uint16_t	port;			/* remote TCP port; 0: 179 */
	struct in_addr	update_source;		/* INADDR_ANY: the kernel chooses */
	bool		passive;		/* never connect, only accept */
	char		password[PEER_PASSWORD_MAX + 1];	/* TCP MD5 (RFC 2385); "" none */
	uint8_t		ttl_security_hops;	/* GTSM (RFC 5082); 0 off */
	uint8_t		ebgp_multihop;		/* eBGP TTL; 0: 1, a direct neighbor */
	uint16_t	hold_time;		/* 0 or >= 3 */
	uint16_t	keepalive;
	uint16_t	connect_retry;		/* base of the backoff, >= 1 */
	bool		rr_client;		/* route-reflector-client (RFC 4456) */
	bool		next_hop_self;
	uint8_t		allowas_in;		/* own AS allowed this many times in AS_PATH */
	uint32_t	max_prefix;		/* 0: no limit */
	uint16_t	max_prefix_restart;	/* minutes; 0: stay down */
	bool		addpath_tx, addpath_rx;	/* RFC 7911 for IPv4 unicast */
	bool		shutdown;		/* administratively down */
	/* `neighbor X activate` (or `bgp default ipv4-unicast`): false, no IPv4
	 * unicast route is accepted from it or sent to it; the session stays. */
	bool		ipv4_unicast;
	uint16_t	mrai;			/* advertisement-interval, s; 0: at once */
	uint8_t		send_community;		/* PEER_SEND_*: what `no send-community` leaves */
	bool		log_neighbor_changes;	/* up/down at notice level, else debug */
	uint16_t	gr_restart_time;	/* bgp graceful-restart: our restart time; 0 off */
	bool		soft_reconfig_in;	/* accepted only: ROUTE-REFRESH is used */
	char		shutdown_msg[PEER_SHUTDOWN_MSG_MAX + 1];	/* RFC 9003 text */
	/* RFC 8212: nothing in from / out to an eBGP neighbor without a policy
	 * in that direction. The config's default is on (FRR: `no bgp
	 * ebgp-requires-policy` turns it off); peer_cfg_init leaves it off. */
	bool		ebgp_requires_policy;
	/* `neighbor X route-map|prefix-list NAME in|out` (bgpd/policy.h); "" none */
	char		route_map_in[PEER_POLICY_NAME_MAX], route_map_out[PEER_POLICY_NAME_MAX];
	char		prefix_list_in[PEER_POLICY_NAME_MAX], prefix_list_out[PEER_POLICY_NAME_MAX];
};

/* FRR bgp_inbound_policy_exists / _outbound_: a name is configured. */
static inline bool
peer_cfg_has_policy_in(const struct peer_cfg *c)
{
	return c->route_map_in[0] != '\0' || c->prefix_list_in[0] != '\0';
}

static inline bool
peer_cfg_has_policy_out(const struct peer_cfg *c)
{
	return c->route_map_out[0] != '\0' || c->prefix_list_out[0] != '\0';
}

/* Defaults for a neighbor at addr in remote_as: activated, every community sent. */
void	peer_cfg_init(struct peer_cfg *, struct in_addr addr, uint32_t remote_as);

#endif
