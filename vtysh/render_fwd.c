/*
 * vtysh/render_fwd.c - `show tunnel [NAME] [json]`, `show ip route [json]` and
 * `show ip nexthop-group [json]`: the tunnel devices ipip-bgpd owns with
 * their counters, and the routes and nexthop groups it installs with their
 * kernel state.
 */
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "vtysh/render.h"
#include "vtysh/render_fwd.h"

#define J_STR(o, k, v)	json_object_object_add((o), (k), json_object_new_string(v))
#define J_INT(o, k, v)	json_object_object_add((o), (k), json_object_new_int64((int64_t)(v)))
#define J_BOOL(o, k, v)	json_object_object_add((o), (k), json_object_new_boolean(v))

static void
fwd_begin(struct fwd_render *fr, FILE *out, bool json, const char *key)
{
	memset(fr, 0, sizeof(*fr));
	fr->out = out;
	fr->key = key;
	fr->json = json;
	if (json) {
		fr->top = json_object_new_object();
		fr->rows_j = json_object_new_array();
	}
}

/* ------------------------------------------------ show tunnel */

void
render_tunnel_begin(struct fwd_render *fr, FILE *out, const struct ctl_tunnel_rec *h, bool json)
{
	fwd_begin(fr, out, json, "tunnels");
	fr->running = h->running;
	if (json) {
		J_STR(fr->top, "driver", h->driver);
		J_BOOL(fr->top, "running", h->running);
		J_INT(fr->top, "dropsMalformed", h->drops_malformed);
		J_INT(fr->top, "dropsNoTunnel", h->drops_no_tunnel);
		return;
	}
	if (!h->running) {
		fprintf(out, "No tunnel driver running (no router bgp, every overlay mode never, "
		    "or the driver failed)\n");
		return;
	}
	fprintf(out, "Tunnel driver %s; received protocol-4 packets dropped before a tunnel: "
	    "%" PRIu64 " malformed, %" PRIu64 " for no tunnel\n", h->driver, h->drops_malformed,
	    h->drops_no_tunnel);
}

static json_object *
tunnel_json(const struct ctl_tunnel_rec *r)
{
	json_object *o = json_object_new_object();

	J_STR(o, "name", r->name);
	J_INT(o, "ifindex", r->ifindex);
	J_STR(o, "local", r->local);
	J_STR(o, "remote", r->remote);
	J_STR(o, "type", r->nbma ? "nbma" : "point-to-point");
	J_INT(o, "mtu", r->mtu);
	J_INT(o, "users", r->users);
	J_BOOL(o, "adopted", r->adopted);
	J_INT(o, "rxPackets", r->rx_packets);
	J_INT(o, "rxBytes", r->rx_bytes);
	J_INT(o, "rxErrors", r->rx_errors);
	J_INT(o, "txPackets", r->tx_packets);
	J_INT(o, "txBytes", r->tx_bytes);
	J_INT(o, "txErrors", r->tx_errors);
	return o;
}

void
render_tunnel_one_begin(struct fwd_render *fr, FILE *out, const struct ctl_tunnel_rec *h,
    bool json)
{
	fwd_begin(fr, out, json, "tunnels");
	fr->running = h->running;
	fr->detail = true;
	snprintf(fr->driver, sizeof(fr->driver), "%s", h->driver);
	if (json) {
		J_STR(fr->top, "driver", h->driver);
		J_BOOL(fr->top, "running", h->running);
		J_INT(fr->top, "dropsMalformed", h->drops_malformed);
		J_INT(fr->top, "dropsNoTunnel", h->drops_no_tunnel);
	}
}

/* show tunnel NAME: the device once, then a line per remote (NBMA: several). */
static void
tunnel_detail_text(struct fwd_render *fr, const struct ctl_tunnel_rec *r)
{
	if (fr->rows++ == 0) {
		fprintf(fr->out, "Tunnel %s, ifindex %u, driver %s\n", r->name, r->ifindex,
		    fr->driver);
		fprintf(fr->out, "  Style %s, local %s, MTU %u, adopted %s\n",
		    r->nbma ? "nbma" : "point-to-point", r->local, r->mtu, r->adopted ? "yes" : "no");
		fprintf(fr->out, "  RX: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64
		    " errors\n", r->rx_packets, r->rx_bytes, r->rx_errors);
		fprintf(fr->out, "  TX: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64
		    " errors\n", r->tx_packets, r->tx_bytes, r->tx_errors);
	}
	fprintf(fr->out, "  Remote %s, %u user%s\n", r->remote, r->users, r->users == 1 ? "" : "s");
}

void
render_tunnel_row(struct fwd_render *fr, const struct ctl_tunnel_rec *r)
{
	if (fr->json) {
		json_object *o = tunnel_json(r);

		if (fr->detail)
			json_object_object_add(o, "routes", json_object_new_array());
		json_object_array_add(fr->rows_j, o);
		fr->rows++;
		return;
	}
	if (fr->detail) {
		tunnel_detail_text(fr, r);
		return;
	}
	if (fr->rows++ == 0)
		fprintf(fr->out, "%-15s %-15s %-15s %-4s %5s %5s %-7s %10s %12s %6s %10s %12s %6s\n",
		    "Name", "Local", "Remote", "Type", "MTU", "Users", "Adopted", "RX Pkts",
		    "RX Bytes", "RX Err", "TX Pkts", "TX Bytes", "TX Err");
	fprintf(fr->out, "%-15s %-15s %-15s %-4s %5u %5u %-7s %10" PRIu64 " %12" PRIu64
	    " %6" PRIu64 " %10" PRIu64 " %12" PRIu64 " %6" PRIu64 "\n", r->name, r->local,
	    r->remote, r->nbma ? "nbma" : "p2p", r->mtu, r->users, r->adopted ? "yes" : "no",
	    r->rx_packets, r->rx_bytes, r->rx_errors, r->tx_packets, r->tx_bytes, r->tx_errors);
}

/* JSON: the tunnel a route record belongs to: NBMA by its remote, else the first. */
static json_object *
tunnel_routes_of(struct fwd_render *fr, const char *via)
{
	size_t n = json_object_array_length(fr->rows_j);
	json_object *t, *x, *routes;

	for (size_t i = 0; i < n && via[0] != '\0'; i++) {
		t = json_object_array_get_idx(fr->rows_j, i);
		if (json_object_object_get_ex(t, "remote", &x) &&
		    strcmp(json_object_get_string(x), via) == 0 &&
		    json_object_object_get_ex(t, "routes", &routes))
			return routes;
	}
	if (n == 0)
		return NULL;
	t = json_object_array_get_idx(fr->rows_j, 0);
	return json_object_object_get_ex(t, "routes", &routes) ? routes : NULL;
}

void
render_tunnel_route(struct fwd_render *fr, const struct ctl_tunnel_rec *r)
{
	json_object *routes, *o;

	if (fr->json) {
		if ((routes = tunnel_routes_of(fr, r->via)) == NULL)
			return;
		o = json_object_new_object();
		J_STR(o, "prefix", r->prefix);
		if (r->via[0] != '\0')
			J_STR(o, "via", r->via);
		J_STR(o, "state", r->state);
		J_INT(o, "nexthops", r->nexthops);
		json_object_array_add(routes, o);
		fr->routes++;
		return;
	}
	if (fr->routes++ == 0)
		fprintf(fr->out, "  Routes through it:\n");
	fprintf(fr->out, "    %s", r->prefix);
	if (r->via[0] != '\0')
		fprintf(fr->out, " via %s", r->via);
	fprintf(fr->out, ", %s", r->state);
	if (r->nexthops > 1)
		fprintf(fr->out, ", ECMP: 1 of %u next hops", r->nexthops);
	fputc('\n', fr->out);
}

/* ------------------------------------------------ show ip route */

void
render_kroute_begin(struct fwd_render *fr, FILE *out, const struct ctl_kroute_rec *h, bool json)
{
	fwd_begin(fr, out, json, "routes");
	fr->running = h->running;
	if (json) {
		J_BOOL(fr->top, "running", h->running);
		J_INT(fr->top, "protocol", h->protocol);
		J_INT(fr->top, "table", h->table);
		return;
	}
	if (!h->running) {
		fprintf(out, "No kernel FIB (no router bgp, or it failed to start)\n");
		return;
	}
	fprintf(out, "Routes installed by ipip-bgpd (protocol %u, table %u)\n", h->protocol,
	    h->table);
}

static void
kroute_nh_text(FILE *out, const struct ctl_kroute_nh *nh)
{
	if (nh->via[0] != '\0')
		fprintf(out, "via %s ", nh->via);
	fprintf(out, "dev %s", nh->dev[0] ? nh->dev : "?");
	if (nh->onlink)
		fprintf(out, " onlink");
	fprintf(out, " weight %u\n", nh->weight);
}

static json_object *
kroute_json(const struct ctl_kroute_rec *r)
{
	json_object *o = json_object_new_object(), *nhs = json_object_new_array();

	J_STR(o, "prefix", r->prefix);
	J_STR(o, "state", r->state);
	J_BOOL(o, "installed", strcmp(r->state, "installed") == 0);
	J_INT(o, "mtu", r->mtu);
	J_INT(o, "nexthopGroupId", r->nhg_id);
	for (uint32_t i = 0; i < r->nnh && i < CTL_KROUTE_NH_MAX; i++) {
		json_object *n = json_object_new_object();

		if (r->nh[i].via[0] != '\0')
			J_STR(n, "via", r->nh[i].via);
		J_STR(n, "dev", r->nh[i].dev);
		J_INT(n, "ifindex", r->nh[i].ifindex);
		J_BOOL(n, "onlink", r->nh[i].onlink);
		J_INT(n, "weight", r->nh[i].weight);
		json_object_array_add(nhs, n);
	}
	json_object_object_add(o, "nexthops", nhs);
	return o;
}

void
render_kroute_row(struct fwd_render *fr, const struct ctl_kroute_rec *r)
{
	char nhg[16] = "-", mtu[16] = "-";

	if (fr->json) {
		json_object_array_add(fr->rows_j, kroute_json(r));
		fr->rows++;
		return;
	}
	if (fr->rows++ == 0)
		fprintf(fr->out, "%-18s %-9s %10s %5s  %s\n", "Prefix", "State", "NHG", "MTU",
		    "Next Hops");
	if (r->nhg_id != 0)
		snprintf(nhg, sizeof(nhg), "%u", r->nhg_id);
	if (r->mtu != 0)
		snprintf(mtu, sizeof(mtu), "%u", r->mtu);
	fprintf(fr->out, "%-18s %-9s %10s %5s  ", r->prefix, r->state, nhg, mtu);
	if (r->nnh == 0)
		fprintf(fr->out, "-\n");
	for (uint32_t i = 0; i < r->nnh && i < CTL_KROUTE_NH_MAX; i++) {
		if (i > 0)
			fprintf(fr->out, "%-18s %-9s %10s %5s  ", "", "", "", "");
		kroute_nh_text(fr->out, &r->nh[i]);
	}
}

/* ------------------------------------------------ show ip nexthop-group */

void
render_nhg_begin(struct fwd_render *fr, FILE *out, const struct ctl_nhg_rec *h, bool json)
{
	fwd_begin(fr, out, json, "nexthopGroups");
	fr->running = h->running && h->nexthop_objects;
	if (json) {
		J_BOOL(fr->top, "running", h->running);
		J_BOOL(fr->top, "nexthopObjects", h->nexthop_objects);
		J_INT(fr->top, "nexthopCount", h->nexthops);
		return;
	}
	if (!h->running) {
		fprintf(out, "No kernel FIB (no router bgp, or it failed to start)\n");
		return;
	}
	if (!h->nexthop_objects) {
		fprintf(out, "No nexthop groups: routes carry their next hops inline "
		    "(no kernel nexthop objects)\n");
		return;
	}
	fprintf(out, "Nexthop groups installed by ipip-bgpd (%u groups, %u nexthop objects)\n",
	    h->groups, h->nexthops);
}

static void
nhg_nh_text(FILE *out, const struct ctl_nhg_nh *nh)
{
	fprintf(out, "%10u ", nh->id);
	if (nh->gateway[0] != '\0')
		fprintf(out, "via %s ", nh->gateway);
	fprintf(out, "dev %s", nh->dev[0] ? nh->dev : "?");
	if (nh->onlink)
		fprintf(out, " onlink");
	fprintf(out, " weight %u%s\n", nh->weight, nh->installed ? "" : " (not installed)");
}

static json_object *
nhg_json(const struct ctl_nhg_rec *r)
{
	json_object *o = json_object_new_object(), *nhs = json_object_new_array();

	J_INT(o, "id", r->id);
	J_STR(o, "type", r->type);
	J_STR(o, "state", r->state);
	J_INT(o, "refCount", r->refcnt);
	for (uint32_t i = 0; i < r->nnh && i < CTL_NHG_NH_MAX; i++) {
		const struct ctl_nhg_nh *nh = &r->nh[i];
		json_object *n = json_object_new_object();

		J_INT(n, "id", nh->id);
		json_object_object_add(n, "gateway",
		    nh->gateway[0] ? json_object_new_string(nh->gateway) : NULL);
		json_object_object_add(n, "interface",
		    nh->dev[0] ? json_object_new_string(nh->dev) : NULL);
		J_INT(n, "ifindex", nh->ifindex);
		J_BOOL(n, "onlink", nh->onlink);
		J_INT(n, "weight", nh->weight);
		J_BOOL(n, "installed", nh->installed);
		json_object_array_add(nhs, n);
	}
	json_object_object_add(o, "nexthops", nhs);
	return o;
}

void
render_nhg_row(struct fwd_render *fr, const struct ctl_nhg_rec *r)
{
	if (fr->json) {
		json_object_array_add(fr->rows_j, nhg_json(r));
		fr->rows++;
		return;
	}
	if (fr->rows++ == 0)
		fprintf(fr->out, "%10s %-9s %-9s %6s  %10s %s\n", "ID", "Type", "State", "RefCnt",
		    "Nexthop", "Member");
	fprintf(fr->out, "%10u %-9s %-9s %6u  ", r->id, r->type, r->state, r->refcnt);
	if (r->nnh == 0)
		fprintf(fr->out, "%10s -\n", "-");
	for (uint32_t i = 0; i < r->nnh && i < CTL_NHG_NH_MAX; i++) {
		if (i > 0)
			fprintf(fr->out, "%10s %-9s %-9s %6s  ", "", "", "", "");
		nhg_nh_text(fr->out, &r->nh[i]);
	}
}

/* ------------------------------------------------ all */

void
render_fwd_end(struct fwd_render *fr, const char *none)
{
	if (!fr->json) {
		if (fr->rows == 0 && fr->running && none != NULL)
			fprintf(fr->out, "%s\n", none);
		if (fr->detail && fr->rows > 0 && fr->routes == 0)
			fprintf(fr->out, "  No routes through it\n");
		return;
	}
	json_object_object_add(fr->top, fr->key, fr->rows_j);
	J_INT(fr->top, "total", fr->rows);
	render_json_print(fr->out, fr->top);
	fr->top = fr->rows_j = NULL;
}

void
render_fwd_abort(struct fwd_render *fr)
{
	json_object_put(fr->top);
	json_object_put(fr->rows_j);
	fr->top = fr->rows_j = NULL;
}

/* `show ip fib`: one labelled counter a line, or a JSON object. */
static const struct {
	const char	*key, *label;
} fib_counters[CTL_FIB_NCOUNTERS] = {
	[CTL_FIB_ROUTES] = { "routes", "Routes wanted" },
	[CTL_FIB_ROUTES_KERNEL] = { "routesInKernel", "Routes in the kernel" },
	[CTL_FIB_GROUPS] = { "nexthopGroups", "Nexthop groups" },
	[CTL_FIB_NEXTHOPS] = { "nexthops", "Nexthop objects" },
	[CTL_FIB_ROUTE_WRITES] = { "routeWrites", "Route writes" },
	[CTL_FIB_ROUTE_DELS] = { "routeDeletes", "Route deletes" },
	[CTL_FIB_GROUP_WRITES] = { "groupWrites", "Group writes" },
	[CTL_FIB_GROUP_DELS] = { "groupDeletes", "Group deletes" },
	[CTL_FIB_NH_WRITES] = { "nexthopWrites", "Nexthop writes" },
	[CTL_FIB_NH_DELS] = { "nexthopDeletes", "Nexthop deletes" },
	[CTL_FIB_MSGS] = { "netlinkMessages", "Netlink messages" },
	[CTL_FIB_BATCHES] = { "netlinkBatches", "Netlink batches (sendmsg)" },
	[CTL_FIB_FAILURES] = { "failures", "Writes the kernel refused" },
	[CTL_FIB_RETRIES] = { "retries", "Retries" },
	[CTL_FIB_REPAIRED] = { "repaired", "Routes repaired (removed by others)" },
	[CTL_FIB_NH_LOST] = { "nexthopsLost", "Nexthops the kernel dropped" },
	[CTL_FIB_RESYNCS] = { "resyncs", "Resyncs after lost notifications" },
	[CTL_FIB_ADOPTED] = { "adopted", "Objects adopted at start" },
	[CTL_FIB_STALE_REMOVED] = { "staleRemoved", "Stale objects removed" },
	[CTL_FIB_TUNNELS_REMADE] = { "tunnelsRemade", "Tunnels made again (deleted by others)" },
};

void
render_fib_stats(FILE *out, const struct ctl_fib_stats *r, bool json)
{
	json_object *o;

	if (!json) {
		if (!r->running) {
			fprintf(out, "No kernel FIB (no 'router bgp', or it failed to start)\n");
			return;
		}
		fprintf(out, "Kernel FIB: %s, %s\n", r->nexthop_objects ? "nexthop objects" :
		    "inline next hops (no nexthop objects)", r->settled ? "settled" : "not settled yet");
		for (int i = 0; i < CTL_FIB_NCOUNTERS; i++)
			fprintf(out, "  %-40s %llu\n", fib_counters[i].label,
			    (unsigned long long)r->v[i]);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "running", json_object_new_boolean(r->running));
	json_object_object_add(o, "nexthopObjects", json_object_new_boolean(r->nexthop_objects));
	json_object_object_add(o, "settled", json_object_new_boolean(r->settled));
	for (int i = 0; i < CTL_FIB_NCOUNTERS; i++)
		json_object_object_add(o, fib_counters[i].key, json_object_new_int64((int64_t)r->v[i]));
	render_json_print(out, o);
}
