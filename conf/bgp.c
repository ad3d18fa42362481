/*
 * conf/bgp.c - the running tree read into plain structs for the BGP speaker
 * and the daemon, so they need not know libyang. Table-driven: one line per
 * leaf.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libyang/libyang.h>

#include "conf/conf_int.h"
#include "lib/debug.h"

enum field_type { F_STR, F_U32, F_U16, F_U8, F_FLAG, F_BOOL };

struct field {
	const char	*path;		/* relative to the neighbor or peer-group */
	enum field_type	 type;
	size_t		 off, size;
};

#define NF(p, t, m)	{ p, t, offsetof(struct conf_neighbor, m), \
			  sizeof(((struct conf_neighbor *)0)->m) }

static const struct field nbr_fields[] = {
	NF("remote-as", F_U32, remote_as),
	NF("remote-as-type", F_STR, remote_as_type),
	NF("local-as", F_U32, local_as),
	NF("description", F_STR, description),
	NF("update-source", F_STR, update_source),
	NF("passive", F_FLAG, passive),
	NF("password", F_STR, password),
	NF("ttl-security-hops", F_U8, ttl_security),
	NF("ebgp-multihop", F_U8, ebgp_multihop),
	NF("timers", F_FLAG, timers.set),
	NF("timers/keepalive", F_U16, timers.keepalive),
	NF("timers/hold", F_U16, timers.hold),
	NF("connect-retry", F_U16, connect_retry),
	NF("port", F_U16, port),
	NF("advertisement-interval", F_U16, advertisement_interval),
	NF("shutdown", F_FLAG, shutdown),
	NF("shutdown/message", F_STR, shutdown_msg),
	NF("ipv4-unicast/route-reflector-client", F_FLAG, rr_client),
	NF("ipv4-unicast/next-hop-self", F_FLAG, next_hop_self),
	NF("ipv4-unicast/allowas-in", F_U8, allowas_in),
	NF("ipv4-unicast/maximum-prefix/limit", F_U32, max_prefix),
	NF("ipv4-unicast/maximum-prefix/restart", F_U16, max_prefix_restart),
	NF("ipv4-unicast/addpath-tx-all-paths", F_FLAG, addpath_tx),
	NF("ipv4-unicast/addpath-rx", F_FLAG, addpath_rx),
	NF("ipv4-unicast/activate", F_FLAG, activate_set),
	NF("ipv4-unicast/activate", F_BOOL, activate),
	NF("ipv4-unicast/soft-reconfiguration-inbound", F_FLAG, soft_reconfig_in),
	NF("ipv4-unicast/send-community/standard", F_BOOL, send_standard),
	NF("ipv4-unicast/send-community/extended", F_BOOL, send_extended),
	NF("ipv4-unicast/send-community/large", F_BOOL, send_large),
	NF("ipv4-unicast/route-map-in", F_STR, route_map_in),
	NF("ipv4-unicast/route-map-out", F_STR, route_map_out),
	NF("ipv4-unicast/prefix-list-in", F_STR, prefix_list_in),
	NF("ipv4-unicast/prefix-list-out", F_STR, prefix_list_out),
};

static void
field_set(void *base, const struct field *f, const char *v)
{
	void *dst = (char *)base + f->off;
	unsigned long n = strtoul(v, NULL, 10);

	switch (f->type) {
	case F_STR: snprintf(dst, f->size, "%s", v); break;
	case F_U32: *(uint32_t *)dst = (uint32_t)n; break;
	case F_U16: *(uint16_t *)dst = (uint16_t)n; break;
	case F_U8: *(uint8_t *)dst = (uint8_t)n; break;
	case F_FLAG: *(bool *)dst = true; break;
	case F_BOOL: *(bool *)dst = strcmp(v, "true") == 0; break;
	}
}

/*
 * Fill what node sets; fields it does not set keep their value. YANG
 * defaults are not settings: a neighbor's default must not hide its
 * peer-group's value (the caller starts from the defaults).
 */
static void
fields_fill(const struct lyd_node *node, const struct field *fs, size_t n, void *base)
{
	struct lyd_node *leaf;

	for (size_t i = 0; i < n; i++) {
		if (lyd_find_path(node, fs[i].path, 0, &leaf) != LY_SUCCESS ||
		    (leaf->flags & LYD_DEFAULT))
			continue;
		field_set(base, &fs[i], lyd_get_value(leaf) ? lyd_get_value(leaf) : "");
	}
}

static const struct lyd_node *
find(const struct lyd_node *tree, const char *path)
{
	struct lyd_node *n = NULL;

	if (tree == NULL || lyd_find_path(tree, path, 0, &n) != LY_SUCCESS)
		return NULL;
	return n;
}

static const char *
value_of(const struct lyd_node *n)
{
	const char *v = n ? lyd_get_value(n) : NULL;

	return v ? v : "";
}

static void
neighbor_fill(const struct lyd_node *tree, const struct lyd_node *nb, struct conf_neighbor *c)
{
	const struct lyd_node *pg = find(nb, "peer-group");
	char path[CONF_PATH_MAX];
	const struct lyd_node *g;

	*c = (struct conf_neighbor){ .send_standard = true, .send_extended = true,
	    .send_large = true };
	snprintf(c->address, sizeof(c->address), "%s", value_of(find(nb, "address")));
	if (pg != NULL) {
		snprintf(c->peer_group, sizeof(c->peer_group), "%s", value_of(pg));
		snprintf(path, sizeof(path), "/ipip-bgpd:bgp/peer-group[name='%s']", c->peer_group);
		if ((g = find(tree, path)) != NULL)
			fields_fill(g, nbr_fields, sizeof(nbr_fields) / sizeof(nbr_fields[0]), c);
	}
	if (find(nb, "remote-as") != NULL || find(nb, "remote-as-type") != NULL) {
		c->remote_as = 0;		/* its own, of either kind, wins over the group's */
		c->remote_as_type[0] = '\0';
	}
	fields_fill(nb, nbr_fields, sizeof(nbr_fields) / sizeof(nbr_fields[0]), c);
}

size_t
conf_bgp_neighbors(const struct lyd_node *tree, conf_neighbor_fn *fn, void *arg)
{
	struct conf_neighbor c;
	struct ly_set *set = NULL;
	size_t n = 0;

	if (tree == NULL || lyd_find_xpath(tree, "/ipip-bgpd:bgp/neighbor", &set) != LY_SUCCESS)
		return 0;
	for (uint32_t i = 0; i < set->count; i++, n++) {
		neighbor_fill(tree, set->dnodes[i], &c);
		fn(&c, arg);
	}
	ly_set_free(set, NULL);
	return n;
}

/* Each entry of the list at xpath as two leaves' values: (key, route-map). */
static size_t
each_with_route_map(const struct lyd_node *tree, const char *xpath, const char *key,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	struct ly_set *set = NULL;
	size_t n = 0;

	if (tree == NULL || lyd_find_xpath(tree, xpath, &set) != LY_SUCCESS)
		return 0;
	for (uint32_t i = 0; i < set->count; i++, n++)
		fn(value_of(find(set->dnodes[i], key)),
		    value_of(find(set->dnodes[i], "route-map")), arg);
	ly_set_free(set, NULL);
	return n;
}

size_t
conf_bgp_networks(const struct lyd_node *tree, conf_network_fn *fn, void *arg)
{
	return each_with_route_map(tree, "/ipip-bgpd:bgp/network", "prefix", fn, arg);
}

size_t
conf_bgp_redistribute(const struct lyd_node *tree, conf_redist_fn *fn, void *arg)
{
	return each_with_route_map(tree, "/ipip-bgpd:bgp/redistribute", "protocol", fn, arg);
}

#define BF(p, t, m)	{ p, t, offsetof(struct conf_bgp, m), sizeof(((struct conf_bgp *)0)->m) }

static const struct field bgp_fields[] = {
	BF("asn", F_U32, asn),
	BF("router-id", F_STR, router_id),
	BF("listen-address", F_STR, listen_address),
	BF("listen-port", F_U16, listen_port),
	BF("timers", F_FLAG, timers.set),
	BF("timers/keepalive", F_U16, timers.keepalive),
	BF("timers/hold", F_U16, timers.hold),
	BF("maximum-paths/ebgp", F_U8, maximum_paths_ebgp),
	BF("maximum-paths/ibgp", F_U8, maximum_paths_ibgp),
	BF("cluster-id", F_STR, cluster_id),
	BF("bestpath/as-path-ignore", F_FLAG, as_path_ignore),
	BF("bestpath/as-path-multipath-relax", F_FLAG, multipath_relax),
	BF("bestpath/compare-routerid", F_FLAG, compare_routerid),
	BF("bestpath/always-compare-med", F_FLAG, always_compare_med),
	BF("bestpath/med-missing-as-worst", F_FLAG, med_missing_as_worst),
	BF("bestpath/deterministic-med", F_FLAG, deterministic_med),
	BF("bestpath/bandwidth", F_STR, bandwidth),
	BF("ebgp-requires-policy", F_BOOL, ebgp_requires_policy),
	BF("log-neighbor-changes", F_BOOL, log_neighbor_changes),
	BF("default-ipv4-unicast", F_BOOL, default_ipv4_unicast),
	BF("graceful-restart", F_FLAG, graceful_restart),
	BF("graceful-restart-time", F_U16, graceful_restart_time),
};

void
conf_bgp_get(const struct lyd_node *tree, struct conf_bgp *b)
{
	const struct lyd_node *bgp = find(tree, "/ipip-bgpd:bgp");

	*b = (struct conf_bgp){ .listen_port = 179, .maximum_paths_ebgp = 1, .maximum_paths_ibgp = 1,
	    .ebgp_requires_policy = true, .log_neighbor_changes = true, .default_ipv4_unicast = true,
	    .graceful_restart_time = 120 };
	if (bgp != NULL)
		fields_fill(bgp, bgp_fields, sizeof(bgp_fields) / sizeof(bgp_fields[0]), b);
}

static const char *const log_levels[] = {	/* index = syslog level */
	"emergencies", "alerts", "critical", "errors", "warnings", "notifications",
	"informational", "debugging",
};

void
conf_daemon_get(const struct lyd_node *tree, struct conf_daemon *d)
{
	const struct lyd_node *n;

	*d = (struct conf_daemon){ .log_level = -1 };
	if ((n = find(tree, "/ipip-bgpd:hostname")) != NULL)
		snprintf(d->hostname, sizeof(d->hostname), "%s", value_of(n));
	if ((n = find(tree, "/ipip-bgpd:log/destination")) != NULL)
		d->log_syslog = strcmp(value_of(n), "syslog") == 0;
	if ((n = find(tree, "/ipip-bgpd:log/level")) != NULL)
		for (int i = 0; i <= LOG_DEBUG; i++)
			if (strcmp(value_of(n), log_levels[i]) == 0)
				d->log_level = i;
	d->debug = conf_debug_get(tree);
}

uint32_t
conf_debug_get(const struct lyd_node *tree)
{
	char path[128];
	uint32_t mask = 0;

	for (unsigned t = 0; t < DEBUG_NTOPICS; t++) {
		snprintf(path, sizeof(path), "/ipip-bgpd:debug/%s", debug_topic(t)->yang);
		if (find(tree, path) != NULL)
			mask |= DEBUG_BIT(t);
	}
	return mask;
}
