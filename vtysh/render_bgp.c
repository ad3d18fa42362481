/*
 * vtysh/render_bgp.c - BGP session printers. See render_bgp.h. JSON keys are
 * FRR's (`show bgp summary json`, `show bgp neighbors json`) so scripts
 * written for FRR read ours.
 */
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "vtysh/render.h"
#include "vtysh/render_bgp.h"

#define J_STR(o, k, v)	json_object_object_add((o), (k), json_object_new_string(v))
#define J_INT(o, k, v)	json_object_object_add((o), (k), json_object_new_int64((int64_t)(v)))
#define J_BOOL(o, k, v)	json_object_object_add((o), (k), json_object_new_boolean(v))

static uint64_t
msgs_total(const uint64_t *m)
{
	uint64_t t = 0;

	for (int i = 0; i < CTL_MSG_TYPES; i++)
		t += m[i];
	return t;
}

static bool
is_established(const struct ctl_neighbor *n)
{
	return strcmp(n->state, "Established") == 0;
}

/* FRR: "never" before the first session, else the time since the last change. */
static const char *
peer_uptime(const struct ctl_neighbor *n, char *buf, size_t len)
{
	if (n->established == 0)
		return "never";
	return render_uptime(n->state_msecs / 1000, buf, len);
}

static json_object *
summary_peer_json(const struct ctl_neighbor *n)
{
	json_object *o = json_object_new_object();
	char up[32];

	J_INT(o, "remoteAs", n->remote_as);
	J_INT(o, "localAs", n->local_as);
	J_INT(o, "version", 4);
	J_INT(o, "msgRcvd", msgs_total(n->msgs_in));
	J_INT(o, "msgSent", msgs_total(n->msgs_out));
	J_INT(o, "tableVersion", 0);
	J_INT(o, "outq", n->out_queued);
	J_INT(o, "inq", 0);
	J_STR(o, "peerUptime", peer_uptime(n, up, sizeof(up)));
	J_INT(o, "peerUptimeMsec", n->state_msecs);
	J_INT(o, "pfxRcd", n->pfx_rcvd);
	J_INT(o, "pfxSnt", n->pfx_sent);
	J_STR(o, "state", n->state);
	J_STR(o, "peerState", n->shutdown ? "Admin" : "OK");
	J_INT(o, "connectionsEstablished", n->established);
	J_INT(o, "connectionsDropped", n->dropped);
	if (n->desc[0])
		J_STR(o, "desc", n->desc);
	if (n->hostname[0])
		J_STR(o, "hostname", n->hostname);
	J_STR(o, "idType", "ipv4");
	return o;
}

static void
summary_json(FILE *out, const struct ctl_bgp *b, const struct ctl_neighbor *v, size_t n)
{
	json_object *top = json_object_new_object(), *af, *peers;
	size_t failed = 0;

	if (!b->configured) {
		render_json_print(out, top);		/* FRR prints {} without an instance */
		return;
	}
	af = json_object_new_object();
	peers = json_object_new_object();
	J_STR(af, "routerId", b->router_id);
	J_INT(af, "as", b->asn);
	J_INT(af, "vrfId", 0);
	J_STR(af, "vrfName", "default");
	J_INT(af, "peerCount", n);
	for (size_t i = 0; i < n; i++) {
		json_object_object_add(peers, v[i].addr, summary_peer_json(&v[i]));
		failed += !is_established(&v[i]);
	}
	json_object_object_add(af, "peers", peers);
	J_INT(af, "failedPeers", failed);
	J_INT(af, "displayedPeers", n);
	J_INT(af, "totalPeers", n);
	json_object_object_add(top, "ipv4Unicast", af);
	render_json_print(out, top);
}

/* FRR's State/PfxRcd column: the prefix count when up, else the state. */
static const char *
summary_state(const struct ctl_neighbor *n, char *buf, size_t len)
{
	if (is_established(n))
		snprintf(buf, len, "%" PRIu64, n->pfx_rcvd);
	else
		snprintf(buf, len, "%s%s", n->state, n->shutdown ? " (Admin)" : "");
	return buf;
}

static void
summary_text(FILE *out, const struct ctl_bgp *b, const struct ctl_neighbor *v, size_t n)
{
	char up[32], st[32];

	if (!b->configured) {
		fprintf(out, "%% BGP instance not found\n");
		return;
	}
	fprintf(out, "IPv4 Unicast Summary:\n");
	fprintf(out, "BGP router identifier %s, local AS number %u vrf-id 0\n", b->router_id, b->asn);
	fprintf(out, "Peers %zu\n\n", n);
	fprintf(out, "Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-15s %1d %10u %9" PRIu64 " %9" PRIu64 " %8d %4d %4u %8s %12s %8" PRIu64 " %s\n",
		    v[i].addr, 4, v[i].remote_as, msgs_total(v[i].msgs_in),
		    msgs_total(v[i].msgs_out), 0, 0, v[i].out_queued,
		    peer_uptime(&v[i], up, sizeof(up)), summary_state(&v[i], st, sizeof(st)),
		    v[i].pfx_sent, v[i].desc[0] ? v[i].desc : "N/A");
	fprintf(out, "\nTotal number of neighbors %zu\n", n);
}

void
render_bgp_summary(FILE *out, const struct ctl_bgp *b, const struct ctl_neighbor *v,
    size_t n, bool json)
{
	if (json)
		summary_json(out, b, v, n);
	else
		summary_text(out, b, v, n);
}

/* ------------------------------------------------------------- neighbors */

static const struct {
	uint32_t	 bit;
	const char	*key, *text;
} cap_names[] = {
	{ CTL_CAP_AS4, "4byteAs", "4 Byte AS" },
	{ CTL_CAP_MP, "multiprotocolIpv4Unicast", "Address Family IPv4 Unicast" },
	{ CTL_CAP_RR, "routeRefresh", "Route refresh" },
	{ CTL_CAP_ENH_RR, "enhancedRouteRefresh", "Enhanced Route Refresh" },
	{ CTL_CAP_EXTMSG, "extendedMessage", "Extended Message" },
	{ CTL_CAP_ADDPATH_TX, "addPathTx", "AddPath send" },
	{ CTL_CAP_ADDPATH_RX, "addPathRx", "AddPath receive" },
	{ CTL_CAP_GR, "gracefulRestart", "Graceful Restart" },
	{ CTL_CAP_FQDN, "hostName", "Hostname" },
};

/* FRR's words: "advertisedAndReceived", "advertised", "received"; NULL: neither. */
static const char *
cap_state(const struct ctl_neighbor *n, uint32_t bit, bool json)
{
	bool a = n->caps_adv & bit, r = n->caps_rcv & bit;

	if (a && r)
		return json ? "advertisedAndReceived" : "advertised and received";
	if (a || r)
		return a ? "advertised" : "received";
	return NULL;
}

static json_object *
neighbor_caps_json(const struct ctl_neighbor *n)
{
	json_object *o = json_object_new_object();
	const char *s;

	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if ((s = cap_state(n, cap_names[i].bit, true)) != NULL)
			J_STR(o, cap_names[i].key, s);
	return o;
}

static json_object *
neighbor_stats_json(const struct ctl_neighbor *n)
{
	json_object *o = json_object_new_object();

	J_INT(o, "depthInq", 0);
	J_INT(o, "depthOutq", n->out_queued);
	J_INT(o, "opensSent", n->msgs_out[1]);
	J_INT(o, "opensRecv", n->msgs_in[1]);
	J_INT(o, "notificationsSent", n->msgs_out[3]);
	J_INT(o, "notificationsRecv", n->msgs_in[3]);
	J_INT(o, "updatesSent", n->msgs_out[2]);
	J_INT(o, "updatesRecv", n->msgs_in[2]);
	J_INT(o, "keepalivesSent", n->msgs_out[4]);
	J_INT(o, "keepalivesRecv", n->msgs_in[4]);
	J_INT(o, "routeRefreshSent", n->msgs_out[5]);
	J_INT(o, "routeRefreshRecv", n->msgs_in[5]);
	J_INT(o, "totalSent", msgs_total(n->msgs_out));
	J_INT(o, "totalRecv", msgs_total(n->msgs_in));
	return o;
}

static void
neighbor_json_conn(json_object *o, const struct ctl_neighbor *n)
{
	char code[8];

	if (n->last_err_code != 0) {
		snprintf(code, sizeof(code), "%02x%02x", n->last_err_code, n->last_err_subcode);
		J_STR(o, "lastErrorCodeSubcode", code);
		J_STR(o, "lastNotificationReason", n->last_err_name);
		J_BOOL(o, "lastNotificationSent", n->last_err_sent);
	}
	if (n->last_reason[0])
		J_STR(o, "lastResetDueTo", n->last_reason);
	if (n->local_addr[0]) {
		J_STR(o, "hostLocal", n->local_addr);
		J_INT(o, "portLocal", n->local_port);
		J_STR(o, "hostForeign", n->remote_addr);
		J_INT(o, "portForeign", n->remote_port);
	}
}

/* UPDATEs bent (RFC 7606) or refused, by CTL_UPD_*: JSON key, text. */
static const struct {
	const char *key, *text;
} upd_event_names[CTL_UPD_EVENTS] = {
	[CTL_UPD_TREAT_AS_WITHDRAW] = { "treatAsWithdraw", "treated as withdraw (RFC 7606)" },
	[CTL_UPD_ATTR_DISCARD] = { "attributeDiscard", "attribute discarded (RFC 7606)" },
	[CTL_UPD_FIRST_AS] = { "firstAsMismatch", "first AS not the neighbor's" },
	[CTL_UPD_AS_LOOP] = { "asPathLoop", "own AS in AS_PATH" },
	[CTL_UPD_ORIGINATOR] = { "originatorIdLoop", "own ORIGINATOR_ID" },
	[CTL_UPD_CLUSTER_LOOP] = { "clusterListLoop", "own cluster-id in CLUSTER_LIST" },
	[CTL_UPD_NEXTHOP_SELF] = { "nexthopIsSelf", "next hop is our address" },
	[CTL_UPD_POLICY] = { "noInboundPolicy", "no inbound policy (RFC 8212)" },
};

/* FRR's addressFamilyInfo counter, and how UPDATEs were bent or refused. */
static void
neighbor_json_rib(json_object *o, const struct ctl_neighbor *n)
{
	json_object *afi = json_object_new_object(), *v4 = json_object_new_object();
	json_object *u = json_object_new_object();

	J_INT(v4, "acceptedPrefixCounter", n->pfx_rcvd);
	J_INT(v4, "enhancedRefreshStaleWithdrawn", n->refresh_swept);
	json_object_object_add(v4, "enhancedRefreshInProgress",
	    json_object_new_boolean(n->in_refresh));
	json_object_object_add(afi, "ipv4Unicast", v4);
	json_object_object_add(o, "addressFamilyInfo", afi);
	J_INT(u, "updatesHandled", n->upd_rcvd);
	for (int i = 0; i < CTL_UPD_EVENTS; i++)
		J_INT(u, upd_event_names[i].key, n->upd_events[i]);
	J_INT(u, "attributesDiscarded", n->attrs_discarded);
	J_INT(u, "sessionResets", n->upd_session_resets);
	json_object_object_add(o, "updateErrors", u);
}

/* {"6/2": count, ...}: the non-zero [code][subcode] slots. */
static json_object *
notify_json(const uint64_t t[CTL_NOTIFY_CODES][CTL_NOTIFY_SUBCODES])
{
	json_object *o = json_object_new_object();
	char key[16];

	for (int i = 0; i < CTL_NOTIFY_CODES; i++)
		for (int j = 0; j < CTL_NOTIFY_SUBCODES; j++)
			if (t[i][j] != 0) {
				snprintf(key, sizeof(key), "%d/%d", i, j);
				J_INT(o, key, t[i][j]);
			}
	return o;
}

static void
notify_text(FILE *out, const char *what, const uint64_t t[CTL_NOTIFY_CODES][CTL_NOTIFY_SUBCODES])
{
	bool any = false;

	for (int i = 0; i < CTL_NOTIFY_CODES; i++)
		for (int j = 0; j < CTL_NOTIFY_SUBCODES; j++)
			if (t[i][j] != 0) {
				fprintf(out, "%s %d/%d x%" PRIu64, any ? "," : what, i, j, t[i][j]);
				any = true;
			}
	if (any)
		fprintf(out, "\n");
}

static void
neighbor_text_rib(FILE *out, const struct ctl_neighbor *n)
{
	fprintf(out, "  For address family: IPv4 Unicast\n    %" PRIu64 " accepted prefixes\n",
	    n->pfx_rcvd);
	for (int i = 0; i < CTL_UPD_EVENTS; i++)
		if (n->upd_events[i] != 0)
			fprintf(out, "    UPDATEs %s: %" PRIu64 "\n", upd_event_names[i].text,
			    n->upd_events[i]);
	if (n->attrs_discarded != 0)
		fprintf(out, "    Attributes discarded (RFC 7606): %" PRIu64 "\n", n->attrs_discarded);
	if (n->in_refresh)
		fprintf(out, "    Enhanced route refresh under way (BoRR received, EoRR awaited)\n");
	if (n->refresh_swept != 0)
		fprintf(out, "    Stale paths withdrawn after EoRR (RFC 7313): %" PRIu64 "\n",
		    n->refresh_swept);
	if (n->upd_session_resets != 0)
		fprintf(out, "    UPDATEs that reset the session: %" PRIu64 "\n",
		    n->upd_session_resets);
}

static json_object *
neighbor_json(const struct ctl_neighbor *n)
{
	json_object *o = json_object_new_object();
	char up[32];

	J_INT(o, "remoteAs", n->remote_as);
	J_INT(o, "localAs", n->local_as);
	J_BOOL(o, n->ebgp ? "nbrExternalLink" : "nbrInternalLink", true);
	if (n->desc[0])
		J_STR(o, "nbrDesc", n->desc);
	if (n->hostname[0])
		J_STR(o, "hostname", n->hostname);
	J_INT(o, "bgpVersion", 4);
	J_STR(o, "remoteRouterId", n->remote_id);
	J_STR(o, "localRouterId", n->local_id);
	J_STR(o, "bgpState", n->state);
	if (is_established(n)) {
		J_INT(o, "bgpTimerUpMsec", n->state_msecs);
		J_STR(o, "bgpTimerUpString", render_uptime(n->state_msecs / 1000, up, sizeof(up)));
	}
	J_INT(o, "bgpTimerLastRead", n->last_read_msecs);
	J_INT(o, "bgpTimerLastWrite", n->last_write_msecs);
	J_INT(o, "bgpTimerConfiguredHoldTimeMsecs", n->hold_cfg * 1000LL);
	J_INT(o, "bgpTimerConfiguredKeepAliveIntervalMsecs", n->keepalive_cfg * 1000LL);
	J_INT(o, "bgpTimerHoldTimeMsecs", n->hold * 1000LL);
	J_INT(o, "bgpTimerKeepAliveIntervalMsecs", n->keepalive * 1000LL);
	J_INT(o, "connectRetryTimer", n->connect_retry);
	J_BOOL(o, "passive", n->passive);
	J_BOOL(o, "adminShutdown", n->shutdown);
	J_BOOL(o, "md5Enabled", n->md5);
	if (n->ttl_hops)
		J_INT(o, "bgpTtlSecurityHops", n->ttl_hops);
	J_INT(o, n->ebgp ? "externalBgpNbrMaxHopsAway" : "internalBgpNbrMaxHopsAway", n->hops_max);
	json_object_object_add(o, "neighborCapabilities", neighbor_caps_json(n));
	json_object_object_add(o, "messageStats", neighbor_stats_json(n));
	J_INT(o, "connectionsEstablished", n->established);
	J_INT(o, "connectionsDropped", n->dropped);
	J_INT(o, "connectionsRefused", n->refused);
	J_INT(o, "connectionsReset", n->resets);
	json_object_object_add(o, "notificationsSentByCode", notify_json(n->notify_out));
	json_object_object_add(o, "notificationsRecvByCode", notify_json(n->notify_in));
	neighbor_json_conn(o, n);
	neighbor_json_rib(o, n);
	return o;
}

static void
neighbor_text_stats(FILE *out, const struct ctl_neighbor *n)
{
	static const char *const names[CTL_MSG_TYPES] = { NULL, "Opens", "Updates",
		"Notifications", "Keepalives", "Route Refresh" };

	fprintf(out, "  Message statistics:\n    Outq depth is %u\n", n->out_queued);
	fprintf(out, "                         Sent       Rcvd\n");
	for (int i = 1; i < CTL_MSG_TYPES; i++)
		fprintf(out, "    %-16s %10" PRIu64 " %10" PRIu64 "\n", names[i], n->msgs_out[i],
		    n->msgs_in[i]);
	fprintf(out, "    %-16s %10" PRIu64 " %10" PRIu64 "\n", "Total", msgs_total(n->msgs_out),
	    msgs_total(n->msgs_in));
}

static void
neighbor_text(FILE *out, const struct ctl_neighbor *n)
{
	const char *s;
	char up[32];

	fprintf(out, "BGP neighbor is %s, remote AS %u, local AS %u, %s link\n", n->addr,
	    n->remote_as, n->local_as, n->ebgp ? "external" : "internal");
	if (n->desc[0])
		fprintf(out, "  Description: %s\n", n->desc);
	if (n->hostname[0])
		fprintf(out, "  Hostname: %s\n", n->hostname);
	fprintf(out, "  BGP version 4, remote router ID %s, local router ID %s\n", n->remote_id,
	    n->local_id);
	fprintf(out, "  BGP state = %s%s, %s %s\n", n->state, n->shutdown ? " (Admin)" : "",
	    is_established(n) ? "up for" : "for", render_uptime(n->state_msecs / 1000, up, sizeof(up)));
	fprintf(out, "  Hold time is %u, keepalive interval is %u seconds\n", n->hold, n->keepalive);
	fprintf(out, "  Configured hold time is %u, keepalive interval is %u seconds, connect retry %u\n",
	    n->hold_cfg, n->keepalive_cfg, n->connect_retry);
	fprintf(out, "  %s BGP neighbor may be up to %u hops away.\n",
	    n->ebgp ? "External" : "Internal", n->hops_max);
	if (n->ttl_hops)
		fprintf(out, "  TTL security (GTSM) is on: received TTL at least %u\n",
		    256u - n->ttl_hops);
	fprintf(out, "  Neighbor capabilities:\n");
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if ((s = cap_state(n, cap_names[i].bit, false)) != NULL)
			fprintf(out, "    %s: %s\n", cap_names[i].text, s);
	neighbor_text_stats(out, n);
	neighbor_text_rib(out, n);
	fprintf(out, "  Connections established %" PRIu64 "; dropped %" PRIu64 "; refused %" PRIu64
	    "; reset %" PRIu64 "\n", n->established, n->dropped, n->refused, n->resets);
	notify_text(out, "  NOTIFICATIONs sent (code/subcode):", n->notify_out);
	notify_text(out, "  NOTIFICATIONs received (code/subcode):", n->notify_in);
	if (n->last_reason[0])
		fprintf(out, "  Last reset due to %s\n", n->last_reason);
	if (n->local_addr[0])
		fprintf(out, "  Local host: %s, Local port: %u\n  Foreign host: %s, Foreign port: %u\n",
		    n->local_addr, n->local_port, n->remote_addr, n->remote_port);
	fprintf(out, "\n");
}

void
render_bgp_neighbors(FILE *out, const struct ctl_neighbor *v, size_t n, bool json)
{
	json_object *o;

	if (!json) {
		for (size_t i = 0; i < n; i++)
			neighbor_text(out, &v[i]);
		return;
	}
	o = json_object_new_object();
	for (size_t i = 0; i < n; i++)
		json_object_object_add(o, v[i].addr, neighbor_json(&v[i]));
	render_json_print(out, o);
}

/* The counters a head and a peer line share, FRR-style keys where FRR has them. */
static void
stats_json_counts(json_object *o, const struct ctl_bgp_stats *s)
{
	J_INT(o, "updatesHandled", s->updates);
	J_INT(o, "notificationsSent", s->notify_out);
	J_INT(o, "notificationsRecv", s->notify_in);
	J_INT(o, "treatAsWithdraw", s->treat_as_withdraw);
	J_INT(o, "attributeDiscard", s->attr_discard);
	J_INT(o, "attributesDiscarded", s->attrs_discarded);
	J_INT(o, "updateSessionResets", s->upd_session_resets);
	J_INT(o, "connectionsReset", s->resets);
	J_INT(o, "connectionsDropped", s->dropped);
}

static void
statistics_json(FILE *out, const struct ctl_bgp_stats *h, const struct ctl_bgp_stats *v, size_t n)
{
	json_object *o = json_object_new_object(), *t = json_object_new_object();
	json_object *peers = json_object_new_object(), *p;

	J_INT(t, "totalPrefixes", h->prefixes);
	J_INT(t, "totalPaths", h->paths);
	J_INT(t, "attributeSets", h->attr_sets);
	J_INT(t, "attributeSetsMemory", h->attr_bytes);
	J_INT(t, "ribAttributeSets", h->rib_attr_sets);
	J_INT(t, "tableMemory", h->table_bytes);
	J_INT(t, "peers", h->npeers);
	J_INT(t, "peersEstablished", h->established);
	J_INT(t, "acceptPaused", h->accept_paused);
	J_INT(t, "tcpMd5Failure", h->md5_failure);
	J_INT(t, "tcpMd5NotFound", h->md5_not_found);
	J_INT(t, "tcpMd5Unexpected", h->md5_unexpected);
	stats_json_counts(t, h);
	json_object_object_add(o, "ipv4Unicast", t);
	for (size_t i = 0; i < n; i++) {
		p = json_object_new_object();
		J_STR(p, "state", v[i].state);
		J_INT(p, "pfxRcd", v[i].prefixes);
		stats_json_counts(p, &v[i]);
		json_object_object_add(peers, v[i].addr, p);
	}
	json_object_object_add(o, "peers", peers);
	render_json_print(out, o);
}

void
render_bgp_statistics(FILE *out, const struct ctl_bgp_stats *h, const struct ctl_bgp_stats *v,
    size_t n, bool json)
{
	if (json) {
		statistics_json(out, h, v, n);
		return;
	}
	fprintf(out, "BGP RIB statistics (IPv4 Unicast)\n");
	fprintf(out, "  Prefixes %" PRIu64 ", paths %" PRIu64 " (%" PRIu64 " bytes)\n", h->prefixes,
	    h->paths, h->table_bytes);
	fprintf(out, "  Attribute sets: %" PRIu64 " interned (%" PRIu64 " bytes), %" PRIu64
	    " in the RIB\n", h->attr_sets, h->attr_bytes, h->rib_attr_sets);
	fprintf(out, "  Neighbors %" PRIu64 ", established %" PRIu64 "\n", h->npeers,
	    h->established);
	fprintf(out, "  Listener paused %" PRIu64 " times (accept failed: out of file "
	    "descriptors)\n", h->accept_paused);
	fprintf(out, "  TCP MD5 drops in this namespace: %" PRIu64 " wrong signature, %" PRIu64
	    " unsigned, %" PRIu64 " signed without a password\n\n", h->md5_failure,
	    h->md5_not_found, h->md5_unexpected);
	fprintf(out, "%-15s %-11s %8s %9s %6s %6s %6s %6s %6s %6s\n", "Neighbor", "State",
	    "PfxRcd", "Updates", "NotOut", "NotIn", "TaW", "AttrDi", "UpdRst", "Resets");
	for (size_t i = 0; i <= n; i++) {
		const struct ctl_bgp_stats *s = i < n ? &v[i] : h;

		fprintf(out, "%-15s %-11s %8" PRIu64 " %9" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6"
		    PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 "\n", i < n ? s->addr : "Total",
		    i < n ? s->state : "", s->prefixes, s->updates, s->notify_out, s->notify_in,
		    s->treat_as_withdraw, s->attrs_discarded, s->upd_session_resets, s->resets);
	}
	fprintf(out, "\nTaW: UPDATEs treated as withdraw; AttrDi: attributes discarded (RFC 7606);\n"
	    "UpdRst: UPDATEs that reset the session; Resets: sessions torn down and restarted\n");
}
