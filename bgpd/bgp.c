/*
 * bgpd/bgp.c - the BGP instance: router-wide settings, the peer list, start
 * and stop, and the RIB glue it owns (rde.c). Stopping sends every
 * established or opening session a Cease (RFC 4486 subcode 2, administrative
 * shutdown) before anything is freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd/rde.h"
#include "bgpd/session.h"

struct bgp *
bgp_new(struct event_base *base, uint32_t asn, uint32_t router_id)
{
	struct bgp *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("bgp_new");
	b->base = base;
	b->asn = asn;
	b->router_id = router_id;
	b->port = BGP_PORT;
	b->listen_fd = -1;
	b->rde = rde_new(b);		/* sets the hooks: UPDATEs go to the RIB */
	return b;
}

void
bgp_free(struct bgp *b)
{
	struct peer *p, *next;

	if (b == NULL)
		return;
	b->stopping = true;
	if (b->gr_stop)
		rde_forwarding_keep(b->rde);	/* before the sessions go: no PIC either */
	for (p = b->peers; p != NULL; p = next) {
		next = p->next;
		if (b->gr_stop)
			peer_stop_graceful(p);
		else
			peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
		peer_free(p);
	}
	bgp_listen_stop(b);
	bgp_md5watch_stop(b);
	rde_free(b->rde);		/* after the peers: their paths are withdrawn */
	free(b);
}

void
bgp_graceful_stop(struct bgp *b)
{
	b->gr_stop = true;
}

bool
bgp_gr_restart_bit(const struct bgp *b, uint16_t restart_time)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return b->gr_restarting && now.tv_sec - b->gr_since < restart_time;
}

int
bgp_start(struct bgp *b)
{
	int rv;

	if (b->port != 0 && (rv = bgp_listen_start(b)) < 0)
		return rv;
	b->started = true;
	for (struct peer *p = b->peers; p != NULL; p = p->next)
		peer_start(p);
	bgp_md5watch_start(b);
	return 0;
}

struct peer *
bgp_peer_find(const struct bgp *b, struct in_addr addr)
{
	for (struct peer *p = b->peers; p != NULL; p = p->next)
		if (p->cfg.remote_addr.s_addr == addr.s_addr)
			return p;
	return NULL;
}

int
bgp_peer_add(struct bgp *b, const struct peer_cfg *cfg, struct peer **out)
{
	struct peer *p, **tail;

	if (bgp_peer_find(b, cfg->remote_addr) != NULL)
		return -EEXIST;
	p = peer_new(b, cfg);
	for (tail = &b->peers; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = p;
	bgp_listen_md5_set(b, p, true);
	if (b->started)
		peer_start(p);
	if (out != NULL)
		*out = p;
	return 0;
}

void
bgp_peer_del(struct bgp *b, struct peer *p)
{
	struct peer **pp;

	for (pp = &b->peers; *pp != NULL && *pp != p; pp = &(*pp)->next)
		;
	if (*pp == NULL)
		return;
	*pp = p->next;
	peer_stop(p, BGP_CEASE_PEER_DECONF, NULL);
	bgp_listen_md5_set(b, p, false);
	peer_free(p);
}

/* The session restarts: Cease 6, Other Configuration Change (RFC 4486 §3). */
static void
bgp_peer_restart(struct peer *p, const struct peer_cfg *cfg)
{
	peer_stop(p, BGP_CEASE_CONF_CHANGE, NULL);
	p->cfg = *cfg;
	peer_reason_keep(p);		/* "Config change" (peer_stop), for show */
	peer_start_now(p);
}

void
bgp_peer_update(struct bgp *b, struct peer *p, const struct peer_cfg *cfg, bool reset)
{
	bool key = strcmp(p->cfg.password, cfg->password) != 0;

	if (key) {
		bgp_listen_md5_set(b, p, false);
		p->md5_hinted = false;
	}
	if (cfg->ebgp_multihop != p->cfg.ebgp_multihop)
		p->ttl_hinted = false;
	if (cfg->shutdown && !p->cfg.shutdown) {
		p->cfg = *cfg;		/* no restart once stopped */
		peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, cfg->shutdown_msg);
	} else if (!cfg->shutdown && p->cfg.shutdown) {
		p->cfg = *cfg;
		peer_start_now(p);
	} else if (reset && !cfg->shutdown)
		bgp_peer_restart(p, cfg);
	else
		p->cfg = *cfg;
	if (key)
		bgp_listen_md5_set(b, p, true);
}

int
bgp_listen_set(struct bgp *b, struct in_addr addr, uint16_t port)
{
	struct in_addr old_addr = b->listen_addr;
	uint16_t old_port = b->port;
	int rv;

	if (addr.s_addr == old_addr.s_addr && port == old_port)
		return 0;
	bgp_listen_stop(b);		/* first: the new socket may want the same port */
	b->listen_addr = addr;
	b->port = port;
	if (port == 0 || !b->started || (rv = bgp_listen_start(b)) == 0)
		return 0;
	b->listen_addr = old_addr;
	b->port = old_port;
	if (old_port != 0 && bgp_listen_start(b) == 0)
		log_warnx("BGP: still listening on the old address and port");
	return rv;
}

void
bgp_set_hooks(struct bgp *b, const struct peer_hooks *h)
{
	b->hooks = *h;
	for (struct peer *p = b->peers; p != NULL; p = p->next)
		p->hooks = *h;
}
