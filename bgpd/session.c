/*
 * bgpd/session.c - BGP messages on a peer's connection: cut the input into
 * messages (the codec's header parser decides what is whole), hand each to
 * the state machine as an event, and build what we send (OPEN, KEEPALIVE,
 * NOTIFICATION). A collision candidate (peer->coll) only ever carries an
 * OPEN exchange (RFC 4271 §6.8). No routes are looked at here: UPDATE bodies
 * go to the RIB glue's hook untouched.
 */
#include <errno.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/session.h"
#include "lib/debug.h"
#include "lib/wbuf.h"

static void
session_stamp(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

/* Queue one whole message we built; counted by its type byte. */
static int
session_write(struct peer *p, struct peer_conn *c, const struct wbuf *w)
{
	int rv;

	if (wbuf_error(w) < 0)
		return wbuf_error(w);
	if ((rv = conn_send(c, wbuf_data(w), wbuf_len(w))) < 0)
		return rv;
	if (wbuf_data(w)[BGP_HDR_LEN - 1] < ARRAY_SIZE(p->stats.msgs_out))
		p->stats.msgs_out[wbuf_data(w)[BGP_HDR_LEN - 1]]++;
	session_stamp(&p->last_write);
	return 0;
}

/* "3 announced (10.9.1.0/24 ...)" or "0 withdrawn" */
static const char *
update_count_fmt(const char *what, const struct nlri *v, size_t n, char *buf, size_t len)
{
	char pfx[PREFIX_STRLEN];

	if (n == 0)
		snprintf(buf, len, "0 %s", what);
	else
		snprintf(buf, len, "%zu %s (%s%s)", n, what, prefix_fmt(&v[0].pfx, pfx),
		    n > 1 ? " ..." : "");
	return buf;
}

void
peer_update_log(const struct peer *p, const char *dir, const struct nlri *ann, size_t nann,
    const struct nlri *wd, size_t nwd, const struct attr_set *attrs)
{
	char a[64], w[64], nh[ADDR_STRLEN];

	if (nann == 0 && nwd == 0 && attrs == NULL) {
		log_topic("neighbor %s: UPDATE %s: End-of-RIB", p->name, dir);
		return;
	}
	log_topic("neighbor %s: UPDATE %s: %s, %s%s%s", p->name, dir,
	    update_count_fmt("announced", ann, nann, a, sizeof(a)),
	    update_count_fmt("withdrawn", wd, nwd, w, sizeof(w)),
	    nann && attrs ? ", next hop " : "", nann && attrs ? addr_fmt(attrs->nexthop, nh) : "");
}

int
peer_send(struct peer *p, const void *msg, size_t len)
{
	const uint8_t *m = msg;
	int rv;

	if (p->conn == NULL || !peer_is_established(p) || len < BGP_HDR_LEN)
		return -ENOTCONN;
	if ((rv = conn_send(p->conn, msg, len)) < 0)
		return rv;
	if (m[BGP_HDR_LEN - 1] < ARRAY_SIZE(p->stats.msgs_out))
		p->stats.msgs_out[m[BGP_HDR_LEN - 1]]++;
	session_stamp(&p->last_write);
	return 0;
}

int
peer_refresh_send(struct peer *p, uint8_t subtype)
{
	struct refresh_msg m = { .afi = AFI_IPV4, .safi = SAFI_UNICAST, .subtype = subtype };
	struct wbuf w;
	int rv;

	if (p->conn == NULL || !peer_is_established(p))
		return -ENOTCONN;
	wbuf_init(&w, BGP_HDR_LEN + 4);
	rv = msg_refresh_write(&w, &m);
	if (rv == 0)
		rv = session_write(p, p->conn, &w);
	wbuf_free(&w);
	return rv;
}

size_t
peer_out_queued(const struct peer *p)
{
	return p->conn ? conn_out_queued(p->conn) : 0;
}

/* What we announce (RFC 5492), from the neighbor's config. */
static void
session_caps_fill(struct peer *p)
{
	struct bgp_caps *c = &p->caps_tx;

	memset(c, 0, sizeof(*c));
	c->mp_ipv4u = true;		/* RFC 4760 */
	c->as4 = true;			/* RFC 6793 */
	c->as4_asn = peer_local_as(p);
	c->route_refresh = true;	/* RFC 2918 */
	c->enhanced_rr = true;		/* RFC 7313: BoRR/EoRR around a refresh */
	c->extmsg = true;		/* RFC 8654: we read up to 65535 */
	c->addpath_ipv4u = (p->cfg.addpath_rx ? ADDPATH_RX : 0) |
	    (p->cfg.addpath_tx ? ADDPATH_TX : 0);
	/* RFC 4724 receiving speaker ("helper"): the capability with no
	 * <AFI, SAFI> tuple says we keep a restarting peer's routes and
	 * understand End-of-RIB, without claiming to preserve our own. */
	c->gr = true;
	c->gr_time = BGP_GR_RESTART_TIME;
	if (p->cfg.gr_restart_time == 0)
		return;
	/* restarting side (`bgp graceful-restart`): IPv4 unicast kept across our
	 * restart; F: it was (our routes were still in the kernel at start) */
	c->gr_time = p->cfg.gr_restart_time;
	c->gr_ipv4u = true;
	c->gr_ipv4u_fwd = p->bgp->gr_restarting;
	if (bgp_gr_restart_bit(p->bgp, p->cfg.gr_restart_time))
		c->gr_flags |= GR_FLAG_RESTART;
}

int
session_open_send(struct peer *p, struct peer_conn *c)
{
	struct wbuf w;
	int rv;

	session_caps_fill(p);
	wbuf_init(&w, BGP_MAX_LEN);
	rv = msg_open_write(&w, peer_local_as(p), p->cfg.hold_time, p->bgp->router_id,
	    &p->caps_tx);
	if (rv == 0)
		rv = session_write(p, c, &w);
	wbuf_free(&w);
	return rv;
}

void
session_keepalive_send(struct peer *p)
{
	struct wbuf w;

	if (p->conn == NULL)
		return;
	wbuf_init(&w, BGP_HDR_LEN);
	if (msg_keepalive_write(&w) == 0 && session_write(p, p->conn, &w) < 0)
		log_peer(p, LOG_DEBUG, "KEEPALIVE not queued: output full");
	else
		debugf(DEBUG_BGP_KEEPALIVES, "neighbor %s: KEEPALIVE sent", p->name);
	wbuf_free(&w);
}

void
session_notify_send(struct peer *p, struct peer_conn *c, const struct bgp_err *e)
{
	char name[96];
	struct wbuf w;

	wbuf_init(&w, BGP_MAX_LEN);
	if (msg_notify_write(&w, e) == 0 && session_write(p, c, &w) == 0)
		peer_stats_notify(p->stats.notify_out, e->code, e->subcode);
	wbuf_free(&w);
	if (c == p->conn) {
		p->last_err = *e;
		p->last_err_sent = true;
		p->notified = true;
	}
	log_peer(p, e->code == BGP_ERR_CEASE ? LOG_NOTICE : LOG_WARNING,
	    "sent NOTIFICATION %u/%u (%s)", e->code, e->subcode,
	    bgp_err_name(e->code, e->subcode, name, sizeof(name)));
}

/* ------------------------------------------------------- received messages */

static void
session_msg_error(struct peer *p, const struct bgp_err *e)
{
	p->pending_err = *e;
	peer_fsm_event(p, FSM_MSG_ERR);
}

/* Parse and check an OPEN against the neighbor's config (§6.2). */
static int
session_open_parse(struct peer *p, struct cursor *body, struct open_msg *m,
    struct bgp_err *e)
{
	struct open_expect x = {
		.remote_as = p->cfg.remote_as,
		.external = p->cfg.remote_as_external,
		.local_as = peer_local_as(p),
		.local_id = p->bgp->router_id,
	};

	memset(e, 0, sizeof(*e));
	if (msg_open_parse(body, m, e) < 0 || open_check(m, &x, e) < 0)
		return -EBADMSG;
	return 0;
}

static void
session_open_rcvd(struct peer *p, struct cursor *body)
{
	struct open_msg m;
	struct bgp_err e;

	if (p->state != PEER_OPENSENT) {
		peer_fsm_event(p, FSM_OPEN_OK);		/* the table makes it an FSM error */
		return;
	}
	if (session_open_parse(p, body, &m, &e) < 0) {
		session_msg_error(p, &e);
		return;
	}
	peer_open_accept(p, &m);
	peer_fsm_event(p, FSM_OPEN_OK);
}

static void
session_update_rcvd(struct peer *p, struct cursor *body)
{
	p->rx_body = *body;
	peer_fsm_event(p, FSM_UPDATE_RCVD);
}

/*
 * Keep a received NOTIFICATION, with its RFC 9003 text if any, as the reason;
 * the session's end logs it once, at this level (bgpd/peer.c peer_drop).
 */
static void
session_notify_log(struct peer *p, const struct bgp_err *n)
{
	char name[96], text[4 * SHUTDOWN_COMM_MAX + 4];

	bgp_err_name(n->code, n->subcode, name, sizeof(name));
	if (notify_shutdown_text(n, text, sizeof(text)) == 0 && text[0] != '\0')
		snprintf(p->last_reason, sizeof(p->last_reason),
		    "received NOTIFICATION %u/%u (%s): \"%.80s\"", n->code, n->subcode, name, text);
	else
		snprintf(p->last_reason, sizeof(p->last_reason),
		    "received NOTIFICATION %u/%u (%s)", n->code, n->subcode, name);
	p->notify_rcvd_level = n->code == BGP_ERR_CEASE ? LOG_NOTICE : LOG_WARNING;
	peer_reason_keep(p);
}

static void
session_notify_rcvd(struct peer *p, struct cursor *body)
{
	struct bgp_err n;

	memset(&n, 0, sizeof(n));
	if (msg_notify_parse(body, &n) < 0)
		n.code = n.subcode = 0;
	peer_stats_notify(p->stats.notify_in, n.code, n.subcode);
	p->last_err = n;
	p->last_err_sent = false;
	p->notified = true;
	session_notify_log(p, &n);
	peer_fsm_event(p, FSM_NOTIFY_RCVD);
}

static void
session_keepalive_rcvd(struct peer *p, struct cursor *body)
{
	debugf(DEBUG_BGP_KEEPALIVES, "neighbor %s: KEEPALIVE received in %s", p->name,
	    peer_state_name(p->state));
	peer_fsm_event(p, FSM_KEEPALIVE_RCVD);
}

static void
session_refresh_rcvd(struct peer *p, struct cursor *body)
{
	struct bgp_err e;

	memset(&e, 0, sizeof(e));
	if (msg_refresh_parse(body, &p->rx_refresh, &e) < 0) {
		session_msg_error(p, &e);
		return;
	}
	peer_fsm_event(p, FSM_REFRESH_RCVD);
}

static void (*const session_rcvd[])(struct peer *, struct cursor *) = {
	[BGP_OPEN] = session_open_rcvd,
	[BGP_UPDATE] = session_update_rcvd,
	[BGP_NOTIFICATION] = session_notify_rcvd,
	[BGP_KEEPALIVE] = session_keepalive_rcvd,
	[BGP_ROUTE_REFRESH] = session_refresh_rcvd,
};

static void
session_coll_drop(struct peer *p, const struct bgp_err *e)
{
	if (e != NULL)
		session_notify_send(p, p->coll, e);
	log_peer(p, LOG_INFO, "colliding connection closed");
	conn_free(p->coll);
	p->coll = NULL;
}

/* The collision candidate: only its OPEN (or a NOTIFICATION) matters. */
static void
session_coll_rcvd(struct peer *p, uint8_t type, struct cursor *body)
{
	struct open_msg m;
	struct bgp_err e;

	if (type == BGP_OPEN && session_open_parse(p, body, &m, &e) == 0) {
		peer_collision_resolve(p, &m);
		return;
	}
	if (type == BGP_NOTIFICATION) {
		session_coll_drop(p, NULL);
		return;
	}
	if (type != BGP_OPEN)
		bgp_err_set(&e, BGP_ERR_FSM, fsm_err_subcode(PEER_OPENSENT), NULL, 0);
	session_coll_drop(p, &e);
}

/* A whole message on the collision candidate; -1 when c is no candidate after it. */
static int
session_coll_input(struct peer *p, struct peer_conn *c, struct evbuffer *in,
    const struct bgp_hdr *h, struct cursor *body)
{
	session_coll_rcvd(p, h->type, body);
	if (p->coll != c && p->conn != c)
		return -1;			/* closed */
	evbuffer_drain(in, h->len);
	if (p->conn == c) {			/* it won: the session goes on on it */
		event_active(p->ev_input, 0, 0);
		return -1;
	}
	return 1;
}

/*
 * One message from the front of c's input. 1: handled and c is still the
 * same connection; 0: not complete yet; -1: c is gone (closed by the event).
 */
static int
session_input_one(struct peer *p, struct peer_conn *c, struct evbuffer *in)
{
	bool coll = c == p->coll;
	unsigned gen = p->conn_gen;
	struct cursor cur, body;
	struct bgp_err e;
	struct bgp_hdr h;
	const uint8_t *buf;

	if (evbuffer_get_length(in) < BGP_HDR_LEN)
		return 0;
	buf = evbuffer_pullup(in, BGP_HDR_LEN);
	cur = cur_init(buf, BGP_HDR_LEN);
	memset(&e, 0, sizeof(e));
	if (msg_header_parse(&cur, !coll && p->ctx.extmsg, &h, &e) < 0) {
		if (coll)
			session_coll_drop(p, &e);
		else
			session_msg_error(p, &e);
		return -1;
	}
	if (evbuffer_get_length(in) < h.len)
		return 0;
	buf = evbuffer_pullup(in, h.len);
	body = cur_init(buf + BGP_HDR_LEN, h.len - BGP_HDR_LEN);
	p->stats.msgs_in[h.type]++;
	session_stamp(&p->last_read);
	if (coll)
		return session_coll_input(p, c, in, &h, &body);
	session_rcvd[h.type](p, &body);
	if (p->conn_gen != gen)
		return -1;
	evbuffer_drain(in, h.len);
	return 1;
}

void
session_input(struct peer_conn *c)
{
	struct peer *p = c->peer;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	bool coll = c == p->coll;
	int rv = 1;

	for (unsigned n = 0; n < PEER_MSGS_PER_TURN && rv > 0; n++)
		rv = session_input_one(p, c, in);
	/* more whole messages may wait: come back after other work (STYLE 7) */
	if (rv > 0 && !coll && evbuffer_get_length(in) >= BGP_HDR_LEN)
		event_active(p->ev_input, 0, 0);
}
