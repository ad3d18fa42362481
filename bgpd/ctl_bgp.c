/*
 * bgpd/ctl_bgp.c - answers to `show bgp ...`: the instance and one record
 * per neighbor, filled from struct bgp / struct peer. No text here; the
 * shell renders (STYLE 12).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpd/adj_out.h"
#include "bgpd/bgpd.h"
#include "bgpd/ctl_bgp.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "lib/ctlmsg.h"
#include "lib/log.h"

static void
id_str(uint32_t id, char *buf, size_t len)
{
	struct in_addr a = { htonl(id) };

	inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

void
ctl_bgp_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct bgp *bgp = b->bgp;
	struct ctl_bgp r;

	memset(&r, 0, sizeof(r));
	if (bgp != NULL) {
		r.configured = 1;
		r.asn = bgp->asn;
		for (const struct peer *p = bgp->peers; p != NULL; p = p->next)
			r.npeers++;
		r.listen_port = bgp->port;
		id_str(bgp->router_id, r.router_id, sizeof(r.router_id));
		inet_ntop(AF_INET, &bgp->listen_addr, r.listen_addr, sizeof(r.listen_addr));
	}
	ctl_conn_record(c, f->type, f->seq, &r, sizeof(r));
	ctl_conn_end(c, f->seq);
}

static uint32_t
caps_bits(const struct bgp_caps *k)
{
	return (k->mp_ipv4u ? CTL_CAP_MP : 0) | (k->as4 ? CTL_CAP_AS4 : 0) |
	    (k->route_refresh ? CTL_CAP_RR : 0) | (k->enhanced_rr ? CTL_CAP_ENH_RR : 0) |
	    (k->extmsg ? CTL_CAP_EXTMSG : 0) | (k->gr ? CTL_CAP_GR : 0) |
	    (k->fqdn ? CTL_CAP_FQDN : 0) |
	    ((k->addpath_ipv4u & ADDPATH_RX) ? CTL_CAP_ADDPATH_RX : 0) |
	    ((k->addpath_ipv4u & ADDPATH_TX) ? CTL_CAP_ADDPATH_TX : 0);
}

static int64_t
msecs_ago(const struct timespec *t)
{
	struct timespec now;

	if (t->tv_sec == 0 && t->tv_nsec == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void
neighbor_conn_fill(const struct peer *p, struct ctl_neighbor *n)
{
	if (p->conn == NULL || p->state < PEER_OPENSENT)
		return;
	inet_ntop(AF_INET, &p->local.sin_addr, n->local_addr, sizeof(n->local_addr));
	inet_ntop(AF_INET, &p->remote.sin_addr, n->remote_addr, sizeof(n->remote_addr));
	n->local_port = ntohs(p->local.sin_port);
	n->remote_port = ntohs(p->remote.sin_port);
	n->out_queued = (uint32_t)peer_out_queued(p);
}

/* What the RIB glue counted: prefixes of this session, UPDATEs bent or refused. */
static void
neighbor_rde_fill(const struct peer *p, struct ctl_neighbor *n)
{
	struct rde_counters k;

	_Static_assert((int)CTL_UPD_EVENTS == (int)RDE_EV_MAX, "ctl.h CTL_UPD_* follow enum rde_event");
	if (!rde_counters_get(p->bgp->rde, p, &k))
		return;
	n->pfx_rcvd = k.pfx_accepted;
	n->pfx_sent = adj_out_prefixes_sent(rde_adj_out(p->bgp->rde), p);
	n->upd_rcvd = k.updates;
	memcpy(n->upd_events, k.events, sizeof(n->upd_events));
	n->attrs_discarded = k.attrs_discarded;
	n->upd_session_resets = k.session_resets;
	n->refresh_swept = k.refresh_swept;
	n->in_refresh = k.in_refresh;
}

static void
neighbor_fill(const struct peer *p, struct ctl_neighbor *n)
{
	memset(n, 0, sizeof(*n));
	CTL_STR_SET(n->addr, p->name);
	CTL_STR_SET(n->desc, p->cfg.description);
	CTL_STR_SET(n->state, peer_state_name(p->state));
	CTL_STR_SET(n->hostname, p->caps_rx.fqdn ? p->caps_rx.hostname : "");
	n->passive = p->cfg.passive;
	n->shutdown = p->cfg.shutdown;
	n->md5 = p->cfg.password[0] != '\0';
	n->ttl_hops = p->cfg.ttl_security_hops;
	n->remote_as = peer_remote_as(p);	/* 0: external, no OPEN yet */
	n->local_as = peer_local_as(p);
	n->ebgp = peer_is_ebgp(p);
	n->hops_max = n->ttl_hops ? n->ttl_hops : (uint8_t)peer_ttl(p);
	id_str(p->remote_id, n->remote_id, sizeof(n->remote_id));
	id_str(p->bgp->router_id, n->local_id, sizeof(n->local_id));
	n->state_msecs = peer_state_msecs(p);
	n->last_read_msecs = msecs_ago(&p->last_read);
	n->last_write_msecs = msecs_ago(&p->last_write);
	memcpy(n->msgs_in, p->stats.msgs_in, sizeof(n->msgs_in));
	memcpy(n->msgs_out, p->stats.msgs_out, sizeof(n->msgs_out));
	n->established = p->stats.established;
	n->dropped = p->stats.dropped;
	n->refused = p->stats.refused;
	n->resets = p->stats.resets;
	_Static_assert(sizeof(n->notify_in) == sizeof(p->stats.notify_in), "ctl.h CTL_NOTIFY_*");
	memcpy(n->notify_in, p->stats.notify_in, sizeof(n->notify_in));
	memcpy(n->notify_out, p->stats.notify_out, sizeof(n->notify_out));
	n->hold_cfg = p->cfg.hold_time;
	n->keepalive_cfg = p->cfg.keepalive;
	n->hold = p->hold;
	n->keepalive = p->keepalive;
	n->connect_retry = p->cfg.connect_retry;
	n->caps_adv = p->state >= PEER_OPENSENT ? caps_bits(&p->caps_tx) : 0;
	n->caps_rcv = p->state >= PEER_OPENCONFIRM ? caps_bits(&p->caps_rx) : 0;
	neighbor_conn_fill(p, n);
	n->last_err_code = p->last_err.code;
	n->last_err_subcode = p->last_err.subcode;
	n->last_err_sent = p->last_err_sent;
	if (p->last_err.code != 0)
		bgp_err_name(p->last_err.code, p->last_err.subcode, n->last_err_name,
		    sizeof(n->last_err_name));
	CTL_STR_SET(n->last_reason, peer_reset_reason(p));
	neighbor_rde_fill(p, n);
}

/*
 * Which neighbors a request names: *one false = all ("*" or no payload).
 * 0, or -1 after answering with the error; a neighbor not configured is an
 * error only if must_exist (show answers no record: the shell says so).
 */
static int
ctl_bgp_target_name(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f,
    const char *name, bool must_exist, bool *one, struct in_addr *only)
{
	*one = name != NULL && strcmp(name, "*") != 0;
	if (*one && inet_pton(AF_INET, name, only) != 1) {
		ctl_conn_error(c, f->seq, "malformed neighbor address '%s'", name);
		return -1;
	}
	if (b->bgp == NULL) {
		ctl_conn_error(c, f->seq, "BGP is not configured (no 'router bgp')");
		return -1;
	}
	if (must_exist && *one && bgp_peer_find(b->bgp, *only) == NULL) {
		ctl_conn_error(c, f->seq, "No such neighbor %s", name);
		return -1;
	}
	return 0;
}

static int
ctl_bgp_target(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f,
    bool must_exist, bool *one, struct in_addr *only)
{
	struct ctl_neighbor_req req;

	if (cur_left(&f->payload) == 0)
		return ctl_bgp_target_name(b, c, f, NULL, must_exist, one, only);
	if (ctl_record_get(f, &req, sizeof(req)) < 0) {
		ctl_conn_error(c, f->seq, "malformed neighbor request");
		return -1;
	}
	CTL_STR_FIX(req.addr);
	return ctl_bgp_target_name(b, c, f, req.addr, must_exist, one, only);
}

void
ctl_bgp_clear(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct in_addr only = { 0 };
	bool one;

	if (ctl_bgp_target(b, c, f, true, &one, &only) < 0)
		return;
	for (struct peer *p = b->bgp->peers; p != NULL; p = p->next)
		if (!one || p->cfg.remote_addr.s_addr == only.s_addr) {
			log_peer(p, LOG_NOTICE, "reset by the operator (clear bgp)");
			peer_reset(p);
		}
	ctl_conn_end(c, f->seq);
}

/*
 * `clear bgp … soft [in|out]`: in asks the neighbor to send its routes again
 * (ROUTE-REFRESH, RFC 2918), out sends it our table again; no session moves.
 * A neighbor that is down or cannot refresh is said in the answer.
 */
void
ctl_bgp_clear_soft(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_clear_req req;
	struct in_addr only = { 0 };
	char why[128] = "";
	bool one;

	if (ctl_record_get(f, &req, sizeof(req)) < 0) {
		ctl_conn_error(c, f->seq, "malformed clear request");
		return;
	}
	CTL_STR_FIX(req.addr);
	if (ctl_bgp_target_name(b, c, f, req.addr, true, &one, &only) < 0)
		return;
	for (struct peer *p = b->bgp->peers; p != NULL; p = p->next) {
		if (one && p->cfg.remote_addr.s_addr != only.s_addr)
			continue;
		if (!peer_is_established(p)) {	/* only one named neighbor says why */
			snprintf(why, sizeof(why), "%s is not Established", p->name);
			continue;
		}
		if ((req.dir & CTL_SOFT_IN) && !p->caps_rx.route_refresh)
			snprintf(why, sizeof(why), "%s does not do route refresh (RFC 2918)", p->name);
		else if ((req.dir & CTL_SOFT_IN) && peer_refresh_send(p, RR_NORMAL) == 0)
			log_peer(p, LOG_INFO, "soft reset in by the operator: ROUTE-REFRESH sent");
		if (req.dir & CTL_SOFT_OUT) {
			adj_out_resend_all(rde_adj_out(b->bgp->rde), p);
			log_peer(p, LOG_INFO, "soft reset out by the operator: our table sent again");
		}
	}
	if (one && why[0] != '\0')
		ctl_conn_error(c, f->seq, "%s", why);
	else
		ctl_conn_end(c, f->seq);
}

void
ctl_bgp_show_neighbors(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_neighbor n;
	struct in_addr only = { 0 };
	bool one;

	if (ctl_bgp_target(b, c, f, false, &one, &only) < 0)
		return;
	for (const struct peer *p = b->bgp->peers; p != NULL; p = p->next) {
		if (one && p->cfg.remote_addr.s_addr != only.s_addr)
			continue;
		neighbor_fill(p, &n);
		ctl_conn_record(c, f->type, f->seq, &n, sizeof(n));
	}
	ctl_conn_end(c, f->seq);
}

static uint64_t
notify_sum(const uint64_t t[CTL_NOTIFY_CODES][CTL_NOTIFY_SUBCODES])
{
	uint64_t sum = 0;

	for (int i = 0; i < CTL_NOTIFY_CODES; i++)
		for (int j = 0; j < CTL_NOTIFY_SUBCODES; j++)
			sum += t[i][j];
	return sum;
}

/* One peer's line of `show bgp statistics`, from what show neighbors sends. */
static void
stats_peer_fill(const struct ctl_neighbor *n, struct ctl_bgp_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->rec = CTL_STATS_PEER;
	CTL_STR_SET(s->addr, n->addr);
	CTL_STR_SET(s->state, n->state);
	s->prefixes = s->paths = n->pfx_rcvd;
	s->updates = n->upd_rcvd;
	s->notify_in = notify_sum(n->notify_in);
	s->notify_out = notify_sum(n->notify_out);
	s->treat_as_withdraw = n->upd_events[CTL_UPD_TREAT_AS_WITHDRAW];
	s->attr_discard = n->upd_events[CTL_UPD_ATTR_DISCARD];
	s->attrs_discarded = n->attrs_discarded;
	s->upd_session_resets = n->upd_session_resets;
	s->resets = n->resets;
	s->dropped = n->dropped;
}

static void
stats_add(struct ctl_bgp_stats *h, const struct ctl_bgp_stats *s)
{
	h->updates += s->updates;
	h->notify_in += s->notify_in;
	h->notify_out += s->notify_out;
	h->treat_as_withdraw += s->treat_as_withdraw;
	h->attr_discard += s->attr_discard;
	h->attrs_discarded += s->attrs_discarded;
	h->upd_session_resets += s->upd_session_resets;
	h->resets += s->resets;
	h->dropped += s->dropped;
}

void
ctl_bgp_show_statistics(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_bgp_stats head = { .rec = CTL_STATS_HEAD }, *v;
	struct tcp_md5_stats md5;
	struct ctl_neighbor n;
	struct rde_stats r;
	size_t npeers = 0;

	if (b->bgp == NULL) {
		ctl_conn_error(c, f->seq, "BGP is not configured (no 'router bgp')");
		return;
	}
	rde_stats_get(b->bgp->rde, &r);
	head.prefixes = r.prefixes;
	head.paths = r.paths;
	head.attr_sets = r.attr_sets;
	head.attr_bytes = r.attr_bytes;
	head.rib_attr_sets = r.rib_attr_sets;
	head.table_bytes = r.table_bytes;
	head.accept_paused = b->bgp->accept_paused;
	if (tcp_md5_stats_read(&md5) == 0) {
		head.md5_failure = md5.failure;
		head.md5_not_found = md5.not_found;
		head.md5_unexpected = md5.unexpected;
	}
	for (const struct peer *p = b->bgp->peers; p != NULL; p = p->next)
		npeers++;
	if ((v = calloc(npeers ? npeers : 1, sizeof(*v))) == NULL)
		fatal("show bgp statistics");
	npeers = 0;				/* each peer filled once, the head summed from them */
	for (const struct peer *p = b->bgp->peers; p != NULL; p = p->next, npeers++) {
		neighbor_fill(p, &n);
		stats_peer_fill(&n, &v[npeers]);
		stats_add(&head, &v[npeers]);
		head.npeers++;
		head.established += p->state == PEER_ESTABLISHED;
	}
	ctl_conn_record(c, f->type, f->seq, &head, sizeof(head));
	for (size_t i = 0; i < npeers; i++)
		ctl_conn_record(c, f->type, f->seq, &v[i], sizeof(v[i]));
	free(v);
	ctl_conn_end(c, f->seq);
}
