/*
 * vtysh/render_rib.c - printers for struct ctl_rib_rec (see render_rib.h).
 * Text follows FRR's `show bgp ipv4 unicast` columns; JSON follows FRR's
 * keys (routes -> PREFIX -> [paths]), plus "lost" for a non-best path.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vtysh/render.h"
#include "vtysh/render_rib.h"

#define J_STR(o, k, v)	json_object_object_add((o), (k), json_object_new_string(v))
#define J_INT(o, k, v)	json_object_object_add((o), (k), json_object_new_int64((int64_t)(v)))
#define J_BOOL(o, k, v)	json_object_object_add((o), (k), json_object_new_boolean(v))

#define LOCAL_PREF_DEFAULT	100

static const char *
origin_name(uint8_t o)
{
	static const char *const names[] = { "IGP", "EGP", "incomplete" };

	return o < 3 ? names[o] : "?";
}

static char
origin_code(uint8_t o)
{
	return o == 0 ? 'i' : o == 1 ? 'e' : '?';
}

static bool
path_valid(const struct ctl_path *p)
{
	return p->valid;
}

/* FRR prints LOCAL_PREF for iBGP paths and where the route carries it; not
 * for our own routes (`network`), which show weight 32768 instead. */
static bool
shows_local_pref(const struct ctl_path *p)
{
	return p->has_local_pref || (!p->ebgp && !p->local);
}

/* FRR's pathFrom: our own routes count as external (peer "self" is no iBGP peer). */
static const char *
path_from(const struct ctl_path *p)
{
	return p->ebgp || p->local ? "external" : "internal";
}

static json_object *
nexthops_json(const struct ctl_path *p)
{
	json_object *a = json_object_new_array(), *nh = json_object_new_object();

	J_STR(nh, "ip", p->nexthop);
	J_STR(nh, "afi", "ipv4");
	J_BOOL(nh, "used", true);
	json_object_array_add(a, nh);
	return a;
}

/* FRR's keys for one path of `show bgp ipv4 unicast json`. */
static json_object *
row_json(const struct ctl_rib_rec *r)
{
	const struct ctl_path *p = &r->path;
	json_object *o = json_object_new_object();
	const char *slash = strchr(r->route.prefix, '/');
	char net[20];

	snprintf(net, sizeof(net), "%.*s", slash ? (int)(slash - r->route.prefix) : 19,
	    r->route.prefix);
	J_BOOL(o, "valid", path_valid(p));
	if (p->best)
		J_BOOL(o, "bestpath", true);
	if (p->multipath)
		J_BOOL(o, "multipath", true);
	J_STR(o, "pathFrom", path_from(p));
	J_STR(o, "prefix", net);
	J_INT(o, "prefixLen", slash ? atoi(slash + 1) : 32);
	J_STR(o, "network", r->route.prefix);
	if (p->has_med)
		J_INT(o, "metric", p->med);
	if (shows_local_pref(p))
		J_INT(o, "locPrf", p->local_pref);
	J_INT(o, "weight", p->weight);
	J_STR(o, "peerId", p->local ? "(unspec)" : p->peer);
	J_STR(o, "path", p->aspath);
	J_STR(o, "origin", origin_name(p->origin));
	if (p->path_id)
		J_INT(o, "remotePathId", p->path_id);
	json_object_object_add(o, "nexthops", nexthops_json(p));
	return o;
}

static void
row_status(const struct ctl_path *p, char *buf)
{
	buf[0] = path_valid(p) ? '*' : ' ';
	buf[1] = p->best ? '>' : p->multipath ? '=' : ' ';
	buf[2] = p->ebgp || p->local ? ' ' : 'i';
	buf[3] = '\0';
}

/* FRR: "*> 10.1.0.0/24      10.0.0.2                 0             0 65002 i" */
static void
row_text(FILE *out, const struct ctl_rib_rec *r)
{
	const struct ctl_path *p = &r->path;
	char st[4], med[16] = "", lp[16] = "";

	row_status(p, st);
	if (p->has_med)
		snprintf(med, sizeof(med), "%u", p->med);
	if (shows_local_pref(p))
		snprintf(lp, sizeof(lp), "%u", p->local_pref);
	fprintf(out, "%s%-17s%-16s%10s%7s%7u %s%s%c\n", st,
	    r->route.index == 0 ? r->route.prefix : "", p->nexthop, med, lp, p->weight,
	    p->aspath, p->aspath[0] ? " " : "", origin_code(p->origin));
}

static void
table_header(FILE *out, const struct ctl_bgp *b)
{
	fprintf(out, "BGP table version is 0, local router ID is %s, vrf id 0\n"
	    "Default local pref %u, local AS %u\n"
	    "Status codes:  * valid, > best, = multipath, i internal\n"
	    "Origin codes:  i - IGP, e - EGP, ? - incomplete\n\n"
	    "   Network          Next Hop            Metric LocPrf Weight Path\n",
	    b->router_id, LOCAL_PREF_DEFAULT, b->asn);
}

void
render_rib_begin(struct rib_render *rr, FILE *out, const struct ctl_bgp *b, bool json)
{
	memset(rr, 0, sizeof(*rr));
	rr->out = out;
	rr->json = json;
	rr->bgp = b;
	if (!json)
		return;
	rr->top = json_object_new_object();
	rr->routes_j = json_object_new_object();
	J_INT(rr->top, "vrfId", 0);
	J_STR(rr->top, "vrfName", "default");
	J_INT(rr->top, "tableVersion", 0);
	J_STR(rr->top, "routerId", b->router_id);
	J_INT(rr->top, "defaultLocPrf", LOCAL_PREF_DEFAULT);
	J_INT(rr->top, "localAS", b->asn);
}

void
render_rib_row(struct rib_render *rr, const struct ctl_rib_rec *r)
{
	json_object *a;

	rr->paths++;
	if (r->route.index == 0)
		rr->routes++;
	if (!rr->json) {
		if (rr->paths == 1)
			table_header(rr->out, rr->bgp);
		row_text(rr->out, r);
		return;
	}
	if (!json_object_object_get_ex(rr->routes_j, r->route.prefix, &a)) {
		a = json_object_new_array();
		json_object_object_add(rr->routes_j, r->route.prefix, a);
	}
	json_object_array_add(a, row_json(r));
}

void
render_rib_end(struct rib_render *rr)
{
	if (!rr->json) {
		if (rr->paths == 0)
			fprintf(rr->out, "No BGP prefixes displayed, 0 exist\n");
		else
			fprintf(rr->out, "\nDisplayed  %zu routes and %zu total paths\n",
			    rr->routes, rr->paths);
		return;
	}
	json_object_object_add(rr->top, "routes", rr->routes_j);
	J_INT(rr->top, "totalRoutes", rr->routes);
	J_INT(rr->top, "totalPaths", rr->paths);
	render_json_print(rr->out, rr->top);
}

void
render_rib_abort(struct rib_render *rr)
{
	json_object_put(rr->top);
	json_object_put(rr->routes_j);
	rr->top = rr->routes_j = NULL;
}

/* ------------------------------------------------------------- detail */

static void
lost_text(const struct ctl_path *p, char *buf, size_t len)
{
	if (p->lost_to[0])
		snprintf(buf, len, "not best: lost to %s on %s", p->lost_to, p->lost_reason);
	else
		snprintf(buf, len, "not best: %s", p->lost_reason);
}

static void
str_json(json_object *o, const char *key, const char *s)
{
	json_object *c;

	if (s[0] == '\0')
		return;
	c = json_object_new_object();
	J_STR(c, "string", s);
	json_object_object_add(o, key, c);
}

static json_object *
detail_peer_json(const struct ctl_path *p)
{
	json_object *o = json_object_new_object();

	J_STR(o, "peerId", p->peer);
	J_STR(o, "routerId", p->peer_id);
	J_STR(o, "type", p->local ? "local" : p->ebgp ? "external" : "internal");
	return o;
}

static json_object *
detail_json_path(const struct ctl_path *p)
{
	json_object *o = json_object_new_object(), *c = json_object_new_object();
	char why[128];

	J_STR(c, "string", p->aspath[0] ? p->aspath : "Local");
	J_INT(c, "length", p->aspath_len);
	json_object_object_add(o, "aspath", c);
	J_STR(o, "origin", origin_name(p->origin));
	if (p->has_med)
		J_INT(o, "metric", p->med);
	if (!p->local || p->has_local_pref)
		J_INT(o, "locPrf", p->local_pref);
	J_INT(o, "weight", p->weight);
	J_BOOL(o, "valid", path_valid(p));
	c = json_object_new_object();
	J_BOOL(c, "overall", p->best);
	json_object_object_add(o, "bestpath", c);
	if (p->multipath)
		J_BOOL(o, "multipath", true);
	if (p->local) {				/* FRR: "sourced, local" */
		J_BOOL(o, "sourced", true);
		J_BOOL(o, "local", true);
	}
	str_json(o, "community", p->comms);
	str_json(o, "largeCommunity", p->lcomms);
	str_json(o, "extendedCommunity", p->ext_comms);
	if (p->has_originator)
		J_STR(o, "originatorId", p->originator);
	if (p->cluster_len)
		J_INT(o, "clusterListLength", p->cluster_len);
	if (p->has_link_bw)
		J_INT(o, "linkBandwidthKbps", p->link_bw);
	if (p->path_id)
		J_INT(o, "remotePathId", p->path_id);
	json_object_object_add(o, "nexthops", nexthops_json(p));
	json_object_object_add(o, "peer", detail_peer_json(p));
	if (!p->best) {
		c = json_object_new_object();
		lost_text(p, why, sizeof(why));
		J_STR(c, "to", p->lost_to);
		J_STR(c, "reason", p->lost_reason);
		J_STR(c, "text", why);
		json_object_object_add(o, "lost", c);
	}
	return o;
}

static void
detail_text_path(FILE *out, const struct ctl_path *p)
{
	char why[128];

	fprintf(out, "  %s\n    %s from %s (%s)\n", p->aspath[0] ? p->aspath : "Local",
	    p->nexthop, p->peer, p->peer_id);
	fprintf(out, "      Origin %s", origin_name(p->origin));
	if (p->has_med)
		fprintf(out, ", metric %u", p->med);
	if (!p->local || p->has_local_pref)
		fprintf(out, ", localpref %u", p->local_pref);
	fprintf(out, ", weight %u, %s, %s%s%s\n", p->weight, path_valid(p) ? "valid" : "invalid",
	    p->local ? "sourced, local" : p->ebgp ? "external" : "internal",
	    p->multipath ? ", multipath" : "", p->best ? ", best" : "");
	if (p->comms[0])
		fprintf(out, "      Community: %s\n", p->comms);
	if (p->lcomms[0])
		fprintf(out, "      Large Community: %s\n", p->lcomms);
	if (p->ext_comms[0])
		fprintf(out, "      Extended Community: %s\n", p->ext_comms);
	if (p->has_originator)
		fprintf(out, "      Originator: %s, Cluster list length: %u\n", p->originator,
		    p->cluster_len);
	if (!p->best) {
		lost_text(p, why, sizeof(why));
		fprintf(out, "      %c%s\n", why[0] - 'a' + 'A', why + 1);
	}
}

static size_t
best_index(const struct ctl_rib_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].path.best)
			return i + 1;
	return 0;
}

void
render_rib_detail(FILE *out, const struct ctl_rib_rec *v, size_t n, bool json)
{
	json_object *o, *paths;

	if (n == 0)
		return;
	if (!json) {
		fprintf(out, "BGP routing table entry for %s\nPaths: (%zu available, best #%zu)\n",
		    v[0].route.prefix, n, best_index(v, n));
		for (size_t i = 0; i < n; i++)
			detail_text_path(out, &v[i].path);
		return;
	}
	o = json_object_new_object();
	paths = json_object_new_array();
	J_STR(o, "prefix", v[0].route.prefix);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(paths, detail_json_path(&v[i].path));
	json_object_object_add(o, "paths", paths);
	render_json_print(out, o);
}
