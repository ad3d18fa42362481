/*
 * bgpd/peer_conf.c - the BGP speaker from the running configuration (the
 * YANG tree, conf/): `router bgp` becomes struct bgp, each neighbor a struct
 * peer_cfg (conf_bgp_neighbors, conf_bgp_get), and every later commit
 * applies only its difference (issue 7):
 *
 *	new neighbor		added and started
 *	neighbor removed	Cease 3, peer de-configured (RFC 4486), freed
 *	RESET class		new settings, that session alone restarts (Cease 6)
 *	NONE class		updated in place: description at once; hold time,
 *				keepalive and connect-retry from the next session
 *	SOFT class (policy)	the policy is compiled again (bgpd/policy.h); each
 *				neighbor it concerns is re-filtered without a
 *				reset: ROUTE-REFRESH in, its table decided again
 *				out (rde_policy_changed)
 *	asn or router-id	every session restarts (Cease 6)
 *	listen-address/-port	the listener moves; sessions stay
 *	maximum-paths, bgp bestpath, bgp cluster-id
 *				the RIB re-selects every prefix (a chunked job,
 *				rde_configure); sessions stay
 *	`router bgp` removed	every neighbor de-configured, the instance freed
 *
 * The changes of one commit are gathered (bgpd_bgp_on_change) and applied
 * once (bgpd_bgp_apply), so a neighbor with three changed leaves restarts at
 * most once. Peer-group changes apply to the group's members. A candidate
 * with errors never gets here: bgpd/conf.c refuses it whole.
 */
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "lib/array.h"
#include "bgpd/bgpd.h"
#include "bgpd/conf.h"
#include "bgpd/peer.h"
#include "bgpd/policy.h"
#include "bgpd/rde.h"
#include "bgpd/rde_fwd.h"
#include "bgpd/adj_out.h"
#include "rib/rib.h"

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

/* Host order; 0 when neither configured nor any address to take. */
static uint32_t
router_id_of(const struct conf_bgp *g)
{
	struct in_addr a;

	if (g->router_id[0] != '\0' && inet_pton(AF_INET, g->router_id, &a) == 1)
		return ntohl(a.s_addr);
	return router_id_pick();
}

static const char *
id_str(uint32_t id, char *buf, size_t len)
{
	struct in_addr a = { htonl(id) };

	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static struct in_addr
listen_addr_of(const struct conf_bgp *g)
{
	struct in_addr a = { INADDR_ANY };

	if (g->listen_address[0] != '\0')
		(void)inet_pton(AF_INET, g->listen_address, &a);
	return a;
}

/* The neighbor's own timers, else `timers bgp`, else RFC 4271 §10's. */
static void
peer_cfg_from(const struct conf_neighbor *n, const struct conf_bgp *g, struct peer_cfg *c)
{
	const struct conf_timers *t = n->timers.set ? &n->timers : &g->timers;
	struct in_addr a = { INADDR_ANY };

	(void)inet_pton(AF_INET, n->address, &a);	/* the model checked both */
	peer_cfg_init(c, a, n->remote_as);
	if (strcmp(n->remote_as_type, "internal") == 0)
		c->remote_as = n->local_as ? n->local_as : g->asn;
	c->remote_as_external = strcmp(n->remote_as_type, "external") == 0;
	if (n->update_source[0] != '\0')
		(void)inet_pton(AF_INET, n->update_source, &c->update_source);
	if (t->set) {
		c->hold_time = t->hold;
		c->keepalive = t->keepalive;
	}
	if (n->connect_retry != 0)
		c->connect_retry = n->connect_retry;
	c->local_as = n->local_as;
	c->port = n->port;
	c->passive = n->passive;
	c->ttl_security_hops = n->ttl_security;
	c->ebgp_multihop = n->ebgp_multihop;
	c->rr_client = n->rr_client;
	c->next_hop_self = n->next_hop_self;
	c->allowas_in = n->allowas_in;
	c->max_prefix = n->max_prefix;
	c->max_prefix_restart = n->max_prefix_restart;
	c->addpath_tx = n->addpath_tx;
	c->addpath_rx = n->addpath_rx;
	c->shutdown = n->shutdown;
	c->ipv4_unicast = n->activate_set ? n->activate : g->default_ipv4_unicast;
	c->mrai = n->advertisement_interval;
	c->send_community = (n->send_standard ? PEER_SEND_STANDARD : 0) |
	    (n->send_extended ? PEER_SEND_EXTENDED : 0) | (n->send_large ? PEER_SEND_LARGE : 0);
	c->log_neighbor_changes = g->log_neighbor_changes;
	c->gr_restart_time = g->graceful_restart ? g->graceful_restart_time : 0;
	c->soft_reconfig_in = n->soft_reconfig_in;
	snprintf(c->description, sizeof(c->description), "%s", n->description);
	snprintf(c->password, sizeof(c->password), "%s", n->password);
	snprintf(c->shutdown_msg, sizeof(c->shutdown_msg), "%s", n->shutdown_msg);
	c->ebgp_requires_policy = g->ebgp_requires_policy;	/* RFC 8212 */
	snprintf(c->route_map_in, sizeof(c->route_map_in), "%s", n->route_map_in);
	snprintf(c->route_map_out, sizeof(c->route_map_out), "%s", n->route_map_out);
	snprintf(c->prefix_list_in, sizeof(c->prefix_list_in), "%s", n->prefix_list_in);
	snprintf(c->prefix_list_out, sizeof(c->prefix_list_out), "%s", n->prefix_list_out);
}

/*
 * The RIB's selection from `router bgp`. compare-routerid is stored but the
 * RIB has no knob for it (it always breaks ties on router-id, RFC 4271
 * §9.1.2.2). bgp bestpath bandwidth: unset is FRR's default (weights from
 * link bandwidth when every member has one, else equal); skip-missing and
 * default-weight-for-missing behave the same here, the RIB weighting only
 * complete sets (doc/config.md); ignore turns UCMP off.
 */
static void
selection_apply(struct bgp *bgp, const struct conf_bgp *g)
{
	struct rib_opts sel = {
		.maximum_paths_ebgp = g->maximum_paths_ebgp,
		.maximum_paths_ibgp = g->maximum_paths_ibgp,
		.as_path_ignore = g->as_path_ignore,
		.multipath_relax = g->multipath_relax,
		.always_compare_med = g->always_compare_med,
		.med_missing_as_worst = g->med_missing_as_worst,
		.deterministic_med = g->deterministic_med,
		.bandwidth = strcmp(g->bandwidth, "ignore") != 0,
	};
	struct in_addr cid = { INADDR_ANY };

	if (g->cluster_id[0] != '\0')
		(void)inet_pton(AF_INET, g->cluster_id, &cid);	/* the model checked it */
	rde_configure(bgp->rde, &sel, ntohl(cid.s_addr));
}

static enum overlay_mode
mode_of(const char *name)
{
	return strcmp(name, "always") == 0 ? OVERLAY_MODE_ALWAYS :
	    strcmp(name, "never") == 0 ? OVERLAY_MODE_NEVER : OVERLAY_MODE_CROSS_SUBNET;
}

static void
override_collect(bool neighbor, const char *key, const char *mode, void *arg)
{
	struct in_addr a = { INADDR_ANY };

	if (!neighbor)
		rde_fwd_modes_add_prefix_list(arg, key, mode_of(mode));
	else if (inet_pton(AF_INET, key, &a) == 1)	/* the model checked it */
		rde_fwd_modes_add_neighbor(arg, ntohl(a.s_addr), mode_of(mode));
}

/* The global mode and its overrides (doc/overlay.md "Modes per neighbor and prefix-list"). */
static void
modes_from(const struct lyd_node *tree, const struct conf_overlay *o, struct rde_fwd_modes *m)
{
	*m = (struct rde_fwd_modes){ .global = mode_of(o->mode) };
	conf_overlay_overrides(tree, override_collect, m);
}

/*
 * Our routes of an earlier run still in the kernel at start: that run ended
 * by a graceful stop or died, and forwarding went on. Peers that kept our
 * routes hear it in our OPEN (RFC 4724: the R and F bits).
 */
static void
gr_restarting_set(struct bgp *bgp)
{
	uint64_t n = rde_fwd_adopted(rde_forwarding(bgp->rde));
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	bgp->gr_since = now.tv_sec;
	/* Traffic to our own prefixes went on; routes through userspace tunnels
	 * did not (the TUN lost its carrier with the last run: the kernel flushed
	 * them) and are made again as paths arrive (doc/bgp-sessions.md). */
	bgp->gr_restarting = n > 0;
	if (n > 0)
		log_info("graceful restart: %llu objects of an earlier run kept forwarding; "
		    "with bgp graceful-restart, OPENs carry the R and F bits",
		    (unsigned long long)n);
}

/* The `overlay` block: how selected routes reach the kernel (doc/overlay.md). */
static void
forwarding_start(struct bgp *bgp, const struct lyd_node *tree)
{
	struct conf_overlay o;
	struct rde_fwd_cfg c = { .fib = { .use_nexthops = true } };

	conf_overlay_get(tree, &o);
	modes_from(tree, &o, &c.modes);
	c.tunnel.style = strcmp(o.tunnel_style, "point-to-point") == 0 ?
	    TUNNEL_STYLE_P2P : TUNNEL_STYLE_NBMA;
	c.style_defaulted = !o.tunnel_style_set;
	c.tunnel.driver = strcmp(o.driver, "kernel") == 0 ? TUNNEL_DRIVER_KERNEL :
	    strcmp(o.driver, "userspace") == 0 ? TUNNEL_DRIVER_USERSPACE :
	    strcmp(o.driver, "bpf") == 0 ? TUNNEL_DRIVER_BPF : TUNNEL_DRIVER_AUTO;
	c.tunnel.ecmp_hash = strcmp(o.ecmp_hash, "layer4") == 0 ? TUNNEL_ECMP_HASH_LAYER4 :
	    TUNNEL_ECMP_HASH_UNSET;
	c.tunnel.firewall = strcmp(o.firewall, "nftables") == 0 ? TUNNEL_FIREWALL_NFTABLES :
	    TUNNEL_FIREWALL_NONE;
	c.tunnel.mtu = o.mtu;
	c.fib.protocol = o.route_protocol;
	c.fib.table = o.table;
	rde_forwarding_start(bgp->rde, &c);
	rde_fwd_modes_free(&c.modes);
	gr_restarting_set(bgp);
}

/*
 * A reload: the modes (global and overrides) apply at once, every prefix
 * decided again as a chunked job; a prefix-list change does the same when
 * prefix-list overrides exist. The rest of the block needs a restart:
 * forwarding_check refused such a commit before it got here.
 */
static void
forwarding_reload(struct bgpd *b)
{
	struct conf_overlay o;
	struct rde_fwd_modes m;

	conf_overlay_get(b->running, &o);
	modes_from(b->running, &o, &m);
	rde_forwarding_modes(b->bgp->rde, &m, b->bgp_pending.policy);
	rde_fwd_modes_free(&m);
}

/* The value of an overlay leaf as `show running-config` has it ("nbma (default)"). */
static const char *
overlay_style_text(const struct conf_overlay *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", o->tunnel_style, o->tunnel_style_set ? "" : " (default)");
	return buf;
}

static const char *
overlay_mtu_text(uint16_t mtu, char *buf, size_t len)
{
	if (mtu == 0)
		snprintf(buf, len, "unset (underlay - 20)");
	else
		snprintf(buf, len, "%u", mtu);
	return buf;
}

/* The first leaf of the block, other than the modes, that differs: "driver bpf -> userspace". */
static bool
overlay_restart_leaf(const struct conf_overlay *a, const struct conf_overlay *b, char *out,
    size_t len)
{
	char sa[32], sb[32];

	if (strcmp(overlay_style_text(a, sa, sizeof(sa)), overlay_style_text(b, sb, sizeof(sb))))
		snprintf(out, len, "tunnel-style %s -> %s", sa, sb);
	else if (strcmp(a->driver, b->driver) != 0)
		snprintf(out, len, "driver %s -> %s", a->driver, b->driver);
	else if (strcmp(a->ecmp_hash, b->ecmp_hash) != 0)
		snprintf(out, len, "ecmp-hash %s -> %s", a->ecmp_hash, b->ecmp_hash);
	else if (strcmp(a->firewall, b->firewall) != 0)
		snprintf(out, len, "firewall %s -> %s", a->firewall, b->firewall);
	else if (a->mtu != b->mtu)
		snprintf(out, len, "mtu %s -> %s", overlay_mtu_text(a->mtu, sa, sizeof(sa)),
		    overlay_mtu_text(b->mtu, sb, sizeof(sb)));
	else if (a->route_protocol != b->route_protocol)
		snprintf(out, len, "route-protocol %u -> %u", a->route_protocol, b->route_protocol);
	else if (a->table != b->table)
		snprintf(out, len, "table %u -> %u", a->table, b->table);
	else
		return false;
	return true;
}

/* New modes need tunnels, and the running instance has no tunnel driver. */
static bool
overlay_modes_need_restart(const struct bgpd *b, const struct lyd_node *running,
    const struct lyd_node *cand, const struct conf_overlay *was, const struct conf_overlay *now)
{
	struct rde_fwd_modes mw, mn;
	bool restart;

	if (rde_fwd_tunnels_get(rde_forwarding(b->bgp->rde)) != NULL)
		return false;
	modes_from(running, was, &mw);
	modes_from(cand, now, &mn);
	restart = !rde_fwd_modes_equal(&mw, &mn) && rde_fwd_modes_need_tunnels(&mn);
	rde_fwd_modes_free(&mw);
	rde_fwd_modes_free(&mn);
	return restart;
}

/*
 * bgpd_conf_check_fn: an `overlay` change this instance cannot make while it
 * runs is refused whole (doc/config.md), so running-config never shows a
 * driver or mode that is not in effect. Without a running BGP instance, or
 * when the candidate removes `router bgp`, forwarding starts again from the
 * new tree: anything goes.
 */
static int
forwarding_check(const struct lyd_node *running, const struct lyd_node *cand, char *why,
    size_t len, void *arg)
{
	const struct bgpd *b = arg;
	struct conf_overlay was, now;
	struct conf_bgp g;
	char leaf[96];

	conf_bgp_get(cand, &g);
	if (b->bgp == NULL || rde_forwarding(b->bgp->rde) == NULL || g.asn == 0)
		return 0;
	conf_overlay_get(running, &was);
	conf_overlay_get(cand, &now);
	if (overlay_restart_leaf(&was, &now, leaf, sizeof(leaf))) {
		snprintf(why, len, "overlay %s cannot change while ipip-bgpd runs: "
		    "put it in the config file and restart ipip-bgpd", leaf);
		return -1;
	}
	if (overlay_modes_need_restart(b, running, cand, &was, &now)) {
		snprintf(why, len, "overlay: the new modes need tunnels, but ipip-bgpd runs "
		    "without a tunnel driver (it started with every mode never, or none could "
		    "be made): put them in the config file and restart ipip-bgpd");
		return -1;
	}
	return 0;
}

struct nets {
	struct prefix	*v;
	size_t		 n, cap;
};

static void
network_collect(const char *text, const char *route_map, void *arg)
{
	struct nets *ns = arg;
	struct prefix p;

	if (prefix_parse(text, &p, true) < 0)
		return;				/* the model checked it */
	if (ARRAY_GROW(ns->v, ns->n, ns->cap, 16) < 0)
		fatal("config networks");
	ns->v[ns->n++] = p;
}

/* `network` statements into the RIB as locally originated routes. */
static void
networks_apply(struct bgpd *b)
{
	struct nets ns = { 0 };

	conf_bgp_networks(b->running, network_collect, &ns);
	adj_out_networks_set(rde_adj_out(b->bgp->rde), ns.v, ns.n);
	free(ns.v);
}

struct redists {
	bool		 on[REDIST_NSRC];
	const char	*rm[REDIST_NSRC];
};

static void
redist_collect(const char *protocol, const char *route_map, void *arg)
{
	struct redists *rs = arg;

	for (int s = 0; s < REDIST_NSRC; s++)
		if (protocol != NULL && strcmp(protocol, redist_src_name(s)) == 0) {
			rs->on[s] = true;
			rs->rm[s] = route_map && *route_map ? route_map : NULL;	/* "": none */
		}
}

/* `redistribute` statements: each source on (again) or off. */
static void
redistribute_apply(struct bgpd *b)
{
	struct redists rs = { 0 };
	struct conf_overlay o;

	conf_overlay_get(b->running, &o);
	conf_bgp_redistribute(b->running, redist_collect, &rs);
	for (int s = 0; s < REDIST_NSRC; s++)
		adj_out_redistribute(rde_adj_out(b->bgp->rde), s, rs.on[s], rs.rm[s],
		    o.route_protocol);
}

/* ------------------------------------------------ a commit's changes */

static void
pending_mark(struct bgpd_bgp_pending *pd, const char *key, bool group, enum conf_change_kind k)
{
	struct bgpd_bgp_mark *m;

	for (size_t i = 0; i < pd->n; i++) {
		m = &pd->marks[i];
		if (m->group == group && strcmp(m->key, key) == 0) {
			m->kind = k > m->kind ? k : m->kind;
			return;
		}
	}
	if (ARRAY_GROW(pd->marks, pd->n, pd->cap, 16) < 0)
		fatal("config marks");
	m = &pd->marks[pd->n++];
	*m = (struct bgpd_bgp_mark){ .group = group, .kind = k };
	snprintf(m->key, sizeof(m->key), "%s", key);
}

/* The strongest change to the neighbor itself or to its peer-group. */
static enum conf_change_kind
pending_kind(const struct bgpd_bgp_pending *pd, const struct conf_neighbor *n)
{
	enum conf_change_kind k = CONF_CHANGE_NONE;
	const struct bgpd_bgp_mark *m;

	for (size_t i = 0; i < pd->n; i++) {
		m = &pd->marks[i];
		if (strcmp(m->key, m->group ? n->peer_group : n->address) == 0 && m->kind > k)
			k = m->kind;
	}
	return k;
}

static void
bgpd_bgp_on_change(const struct conf_change *c, void *arg)
{
	static const char pg[] = "/ipip-bgpd:bgp/peer-group[name='";
	struct bgpd *b = arg;
	char group[CONF_NAME_MAX];
	const char *name;

	if (c->kind == CONF_CHANGE_SOFT && (strncmp(c->path, "/ipip-bgpd:prefix-list", 22) == 0 ||
	    strncmp(c->path, "/ipip-bgpd:route-map", 20) == 0 ||
	    strncmp(c->path, "/ipip-bgpd:community-list", 25) == 0 ||
	    strcmp(c->path, "/ipip-bgpd:bgp/ebgp-requires-policy") == 0 ||
	    strcmp(c->path, "/ipip-bgpd:bgp/default-ipv4-unicast") == 0))
		b->bgp_pending.policy = true;	/* every neighbor is re-filtered */
	if (c->neighbor != NULL)
		pending_mark(&b->bgp_pending, c->neighbor, false, c->kind);
	else if (strncmp(c->path, pg, sizeof(pg) - 1) == 0) {
		name = c->path + sizeof(pg) - 1;
		snprintf(group, sizeof(group), "%.*s", (int)strcspn(name, "'"), name);
		pending_mark(&b->bgp_pending, group, true, c->kind);
	} else if (strcmp(c->path, "/ipip-bgpd:bgp/asn") == 0 ||
	    strcmp(c->path, "/ipip-bgpd:bgp/router-id") == 0)
		b->bgp_pending.identity = true;
}

/* ------------------------------------------------------ applying them */

struct apply {
	struct bgpd	*b;
	struct conf_bgp	 g;
	bool		 reset_all;
	struct in_addr	*seen;		/* neighbors in the running tree */
	size_t		 nseen, cap;
};

static void
apply_seen(struct apply *a, struct in_addr addr)
{
	if (ARRAY_GROW(a->seen, a->nseen, a->cap, 32) < 0)
		fatal("config apply");
	a->seen[a->nseen++] = addr;
}

static bool
apply_was_seen(const struct apply *a, struct in_addr addr)
{
	for (size_t i = 0; i < a->nseen; i++)
		if (a->seen[i].s_addr == addr.s_addr)
			return true;
	return false;
}

static void
apply_neighbor(const struct conf_neighbor *n, void *arg)
{
	struct apply *a = arg;
	struct bgp *bgp = a->b->bgp;
	struct peer_cfg cfg;
	struct peer *p;
	enum conf_change_kind kind;
	bool reset;

	peer_cfg_from(n, &a->g, &cfg);
	apply_seen(a, cfg.remote_addr);
	p = bgp_peer_find(bgp, cfg.remote_addr);
	if (cfg.soft_reconfig_in && (p == NULL || !p->cfg.soft_reconfig_in))
		log_notice("neighbor %s: soft-reconfiguration inbound accepted for FRR "
		    "compatibility; no Adj-RIB-In is kept, a changed inbound policy is applied "
		    "with ROUTE-REFRESH (RFC 2918)", n->address);
	if (p == NULL) {
		if (bgp_peer_add(bgp, &cfg, &p) < 0 || !bgp->started)
			return;
		if (cfg.remote_as_external)
			log_peer(p, LOG_NOTICE, "configured (AS external)");
		else
			log_peer(p, LOG_NOTICE, "configured (AS %u)", cfg.remote_as);
		return;
	}
	kind = pending_kind(&a->b->bgp_pending, n);
	reset = a->reset_all || kind == CONF_CHANGE_RESET;
	if (reset && !a->reset_all && !cfg.shutdown && !p->cfg.shutdown)
		log_peer(p, LOG_NOTICE, "configuration changed; session restarts");
	bgp_peer_update(bgp, p, &cfg, reset);
	if (!reset && (kind == CONF_CHANGE_SOFT || a->b->bgp_pending.policy))
		rde_policy_changed(bgp->rde, p);	/* soft: no session reset */
}

/* Neighbors no longer in the tree: Cease 3 (peer de-configured) and gone. */
static void
apply_prune(struct apply *a)
{
	struct bgp *bgp = a->b->bgp;
	struct peer *p, *next;

	for (p = bgp->peers; p != NULL; p = next) {
		next = p->next;
		if (apply_was_seen(a, p->cfg.remote_addr))
			continue;
		log_peer(p, LOG_NOTICE, "de-configured");
		bgp_peer_del(bgp, p);
	}
}

/* asn or router-id changed: every session restarts with the new identity. */
static void
apply_identity(struct apply *a)
{
	struct bgp *bgp = a->b->bgp;
	uint32_t id = bgp->router_id;
	char s[INET_ADDRSTRLEN];

	if (a->b->bgp_pending.identity && (id = router_id_of(&a->g)) == 0) {
		log_warnx("BGP: no router-id and no IPv4 address to take one from; keeping the old");
		id = bgp->router_id;
	}
	if (a->g.asn == bgp->asn && id == bgp->router_id)
		return;
	log_notice("BGP: now AS %u, router-id %s; every session restarts", a->g.asn,
	    id_str(id, s, sizeof(s)));
	bgp->asn = a->g.asn;
	bgp->router_id = id;
	a->reset_all = true;
}

static void
bgpd_bgp_free(struct bgpd *b)
{
	bgp_free(b->bgp);
	b->bgp = NULL;
}

static void
bgpd_bgp_remove(struct bgpd *b)
{
	struct peer *p, *next;

	if (b->bgp == NULL)
		return;
	for (p = b->bgp->peers; p != NULL; p = next) {
		next = p->next;
		bgp_peer_del(b->bgp, p);
	}
	bgpd_bgp_free(b);
	log_notice("BGP: router bgp removed; every neighbor de-configured");
}

/* The instance from the running tree; not started. -1 without a router-id. */
static int
bgpd_bgp_create(struct bgpd *b, struct apply *a)
{
	uint32_t id = router_id_of(&a->g);

	if (id == 0) {
		log_err("router bgp %u: no 'bgp router-id' and no IPv4 address to take one from",
		    a->g.asn);
		return -1;
	}
	b->bgp = bgp_new(b->base, a->g.asn, id);
	b->bgp->listen_addr = listen_addr_of(&a->g);
	b->bgp->port = a->g.listen_port;
	selection_apply(b->bgp, &a->g);
	forwarding_start(b->bgp, b->running);
	rde_policy_set(b->bgp->rde, policy_from_conf(b->running));
	networks_apply(b);
	redistribute_apply(b);
	conf_bgp_neighbors(b->running, apply_neighbor, a);
	return 0;
}

static int
bgpd_bgp_begin(struct bgpd *b)
{
	struct apply a = { .b = b };
	char s[INET_ADDRSTRLEN];
	int rv;

	conf_bgp_get(b->running, &a.g);
	if (a.g.asn == 0)
		return 0;
	rv = bgpd_bgp_create(b, &a);
	free(a.seen);
	if (rv < 0 || bgp_start(b->bgp) < 0) {
		bgpd_bgp_free(b);
		return -1;
	}
	log_notice("BGP: AS %u, router-id %s, %zu neighbors", a.g.asn,
	    id_str(b->bgp->router_id, s, sizeof(s)), a.nseen);
	return 0;
}

static void
bgpd_bgp_apply(void *arg)
{
	struct bgpd *b = arg;
	struct apply a = { .b = b };

	conf_bgp_get(b->running, &a.g);
	if (a.g.asn == 0)
		bgpd_bgp_remove(b);
	else if (b->bgp == NULL)
		(void)bgpd_bgp_begin(b);	/* logged */
	else {
		apply_identity(&a);
		bgp_listen_set(b->bgp, listen_addr_of(&a.g), a.g.listen_port);	/* logged */
		selection_apply(b->bgp, &a.g);
		rde_policy_set(b->bgp->rde, policy_from_conf(b->running));
		forwarding_reload(b);
		networks_apply(b);
		redistribute_apply(b);
		conf_bgp_neighbors(b->running, apply_neighbor, &a);
		apply_prune(&a);
	}
	free(a.seen);
	b->bgp_pending.n = 0;
	b->bgp_pending.identity = false;
	b->bgp_pending.policy = false;
}

int
bgpd_bgp_start(struct bgpd *b)
{
	bgpd_conf_watch(b, bgpd_bgp_on_change, bgpd_bgp_apply, b);
	bgpd_conf_check_set(b, forwarding_check, b);
	return bgpd_bgp_begin(b);
}

void
bgpd_bgp_stop(struct bgpd *b)
{
	bgpd_bgp_free(b);
	free(b->bgp_pending.marks);
	b->bgp_pending = (struct bgpd_bgp_pending){ 0 };
}
