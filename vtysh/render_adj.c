/*
 * vtysh/render_adj.c - advertised routes as text or JSON (render_adj.h).
 * Toward an ADD-PATH send neighbor (RFC 7911) a prefix may have several
 * paths: each shows its path id (FRR's `addpathTxId`), and in JSON the
 * prefix then maps to an array of them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vtysh/render.h"
#include "vtysh/render_adj.h"

static const char *
origin_name(uint8_t o)
{
	static const char *const names[] = { "IGP", "EGP", "incomplete" };

	return o < 3 ? names[o] : "?";
}

static json_object *
adj_json_route(const struct ctl_rib_rec *r)
{
	const struct ctl_path *p = &r->path;
	json_object *o = json_object_new_object();
	char addr[20];

	snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(r->route.prefix, "/"), r->route.prefix);
	json_object_object_add(o, "addrPrefix", json_object_new_string(addr));
	json_object_object_add(o, "prefixLen",
	    json_object_new_int(atoi(r->route.prefix + strcspn(r->route.prefix, "/") + 1)));
	json_object_object_add(o, "network", json_object_new_string(r->route.prefix));
	json_object_object_add(o, "nextHop", json_object_new_string(p->nexthop));
	if (p->has_med)
		json_object_object_add(o, "metric", json_object_new_int64(p->med));
	if (!p->ebgp)
		json_object_object_add(o, "locPrf", json_object_new_int64(p->local_pref));
	json_object_object_add(o, "path", json_object_new_string(p->aspath));
	json_object_object_add(o, "origin", json_object_new_string(origin_name(p->origin)));
	if (p->has_originator)
		json_object_object_add(o, "originatorId", json_object_new_string(p->originator));
	json_object_object_add(o, "clusterListLength", json_object_new_int64(p->cluster_len));
	if (p->addpath_tx)
		json_object_object_add(o, "addpathTxId", json_object_new_int64(p->path_id));
	return o;
}

/* ADD-PATH: the prefix's array of paths, made on its first path. */
static void
adj_json_add_path(json_object *routes, const struct ctl_rib_rec *r)
{
	json_object *arr;

	if (!json_object_object_get_ex(routes, r->route.prefix, &arr)) {
		arr = json_object_new_array();
		json_object_object_add(routes, r->route.prefix, arr);
	}
	json_object_array_add(arr, adj_json_route(r));
}

static void
adj_json(FILE *out, const struct ctl_bgp *b, const struct ctl_rib_rec *v, size_t n)
{
	json_object *top = json_object_new_object(), *routes = json_object_new_object();

	json_object_object_add(top, "bgpLocalRouterId", json_object_new_string(b->router_id));
	json_object_object_add(top, "defaultLocPrf", json_object_new_int(100));
	json_object_object_add(top, "localAS", json_object_new_int64(b->asn));
	for (size_t i = 0; i < n; i++)
		if (v[i].path.addpath_tx)
			adj_json_add_path(routes, &v[i]);
		else
			json_object_object_add(routes, v[i].route.prefix, adj_json_route(&v[i]));
	json_object_object_add(top, "advertisedRoutes", routes);
	json_object_object_add(top, "totalPrefixCounter", json_object_new_int64((int64_t)n));
	json_object_object_add(top, "filteredPrefixCounter", json_object_new_int(0));
	fprintf(out, "%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY));
	json_object_put(top);
}

static void
adj_text(FILE *out, const struct ctl_bgp *b, const struct ctl_rib_rec *v, size_t n)
{
	fprintf(out, "BGP table version is 0, local router ID is %s, vrf id 0\n", b->router_id);
	fprintf(out, "Default local pref 100, local AS %" PRIu32 "\n", b->asn);
	fprintf(out, "Status codes:  s suppressed, d damped, h history, * valid, > best, "
	    "= multipath,\n               i internal, r RIB-failure, S Stale, R Removed\n");
	fprintf(out, "Origin codes:  i - IGP, e - EGP, ? - incomplete\n\n");
	fprintf(out, "   Network          Next Hop            Metric LocPrf Weight %sPath\n",
	    n > 0 && v[0].path.addpath_tx ? "TxID " : "");
	for (size_t i = 0; i < n; i++) {
		const struct ctl_path *p = &v[i].path;
		char med[12] = "", lp[12] = "", id[16] = "";

		if (p->has_med)
			snprintf(med, sizeof(med), "%u", p->med);
		if (!p->ebgp)
			snprintf(lp, sizeof(lp), "%u", p->local_pref);
		if (p->addpath_tx)
			snprintf(id, sizeof(id), "%4u ", p->path_id);
		fprintf(out, "*> %-16s %-19s %6s %6s %6u %s%s%s%c\n", v[i].route.prefix,
		    p->nexthop, med, lp, 0u, id, p->aspath, p->aspath[0] ? " " : "",
		    p->origin == 0 ? 'i' : p->origin == 1 ? 'e' : '?');
	}
	fprintf(out, "\nTotal number of prefixes %zu\n", n);
}

void
render_adj(FILE *out, const struct ctl_bgp *b, const struct ctl_rib_rec *v, size_t n, bool json)
{
	if (json)
		adj_json(out, b, v, n);
	else
		adj_text(out, b, v, n);
}
