/*
 * bgpd/peer.c - a neighbor's life: creation, the timers, and the actions of
 * the state machine (the table itself is fsm.c). Messages are built and sent
 * by session.c; sockets belong to transport.c.
 *
 * Each action is a small function in fsm_actions[]; peer_fsm_event() sets the
 * next state first, then runs the action, which may move on again when its
 * own step fails (a connect that fails at once leaves Connect for Active).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ifaddrs.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "bgpd/session.h"
#include "lib/debug.h"

void
log_peer(const struct peer *p, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_at(level, "neighbor %s: %s", p->name, buf);
}

void
peer_cfg_init(struct peer_cfg *c, struct in_addr addr, uint32_t remote_as)
{
	memset(c, 0, sizeof(*c));
	c->remote_addr = addr;
	c->remote_as = remote_as;
	c->hold_time = PEER_HOLD_DEFAULT;
	c->keepalive = PEER_KEEPALIVE_DEFAULT;
	c->connect_retry = PEER_CONNECT_RETRY_DEFAULT;
	c->ipv4_unicast = true;
	c->send_community = PEER_SEND_ALL;
	c->log_neighbor_changes = true;
}

static void peer_connect_cb(evutil_socket_t, short, void *);
static void peer_hold_cb(evutil_socket_t, short, void *);
static void peer_keepalive_cb(evutil_socket_t, short, void *);
static void peer_idle_hold_cb(evutil_socket_t, short, void *);
static void peer_send_hold_cb(evutil_socket_t, short, void *);
static void peer_input_cb(evutil_socket_t, short, void *);

struct peer *
peer_new(struct bgp *b, const struct peer_cfg *cfg)
{
	struct peer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("peer_new");
	p->cfg = *cfg;
	p->bgp = b;
	p->hooks = b->hooks;
	inet_ntop(AF_INET, &cfg->remote_addr, p->name, sizeof(p->name));
	p->t_connect = evtimer_new(b->base, peer_connect_cb, p);
	p->t_hold = evtimer_new(b->base, peer_hold_cb, p);
	p->t_keepalive = evtimer_new(b->base, peer_keepalive_cb, p);
	p->t_idle_hold = evtimer_new(b->base, peer_idle_hold_cb, p);
	p->t_send_hold = evtimer_new(b->base, peer_send_hold_cb, p);
	p->ev_input = event_new(b->base, -1, 0, peer_input_cb, p);
	if (!p->t_connect || !p->t_hold || !p->t_keepalive || !p->t_idle_hold ||
	    !p->t_send_hold || !p->ev_input)
		fatal("peer_new: timers");
	clock_gettime(CLOCK_MONOTONIC, &p->since);
	return p;
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	conn_free(p->conn);
	conn_free(p->coll);
	event_free(p->t_connect);
	event_free(p->t_hold);
	event_free(p->t_keepalive);
	event_free(p->t_idle_hold);
	event_free(p->t_send_hold);
	event_free(p->ev_input);
	free(p);
}

void
peer_set_update_cb(struct peer *p,
    int (*fn)(struct peer *, struct cursor *, struct bgp_err *, void *), void *arg)
{
	p->hooks.update = fn;
	p->hooks.arg = arg;
}

int64_t
peer_state_msecs(const struct peer *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - p->since.tv_sec) * 1000 +
	    (now.tv_nsec - p->since.tv_nsec) / 1000000;
}

/* ---------------------------------------------------------------- timers */

void
peer_timer_arm(struct peer *p, struct event *t, uint64_t ms)
{
	struct timeval tv = { .tv_sec = (time_t)(ms / 1000),
	    .tv_usec = (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(t, &tv);
}

void
peer_timer_stop(struct event *t)
{
	evtimer_del(t);
}

static void
peer_connect_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_fsm_event(arg, FSM_CONNRETRY_EXPIRED);
}

static void
peer_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_fsm_event(arg, FSM_HOLD_EXPIRED);
}

static void
peer_keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_fsm_event(arg, FSM_KEEPALIVE_EXPIRED);
}

static void
peer_send_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_fsm_event(arg, FSM_SENDHOLD_EXPIRED);
}

static void
peer_idle_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	peer_start(arg);	/* AutomaticStart (§8.1.2 event 3) */
}

static void
peer_input_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;

	if (p->conn != NULL)
		session_input(p->conn);
}

/* --------------------------------------------------------------- actions */

static uint64_t
peer_backoff(unsigned base, unsigned attempts)
{
	return fsm_backoff_ms(base, attempts, arc4random());
}

void
peer_conn_set(struct peer *p, struct peer_conn *c)
{
	p->conn = c;
	p->conn_gen++;
	if (c != NULL) {
		p->local = c->local;
		p->remote = c->remote;
	}
}

static void
peer_state_set(struct peer *p, enum peer_state next)
{
	enum peer_state old = p->state;

	if (old == next)
		return;
	debugf(DEBUG_BGP_NEIGHBOR_EVENTS, "neighbor %s: %s -> %s", p->name, peer_state_name(old),
	    peer_state_name(next));
	if (old == PEER_ESTABLISHED && peer_state_msecs(p) >= PEER_STABLE_SECS * 1000)
		p->flaps = 0;		/* it was stable: this error is not a flap */
	p->state = next;
	if (next == PEER_ESTABLISHED)
		p->md5_hinted = p->ttl_hinted = false;
	clock_gettime(CLOCK_MONOTONIC, &p->since);
}

void
peer_coll_drop(struct peer *p)
{
	struct bgp_err e;

	if (p->coll == NULL)
		return;
	bgp_err_set(&e, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	if (p->coll->open_sent)
		session_notify_send(p, p->coll, &e);
	conn_free(p->coll);
	p->coll = NULL;
}

/*
 * A session that ended before Established. A peer that connects and closes
 * before its OPEN is sent back to Active at once (RFC 4271 §8.2.2, no idle
 * hold), so it could write lines as fast as it connects: 5 a minute, then
 * the number left out (STYLE 3: what a peer can trigger is rate-limited).
 */
static void
peer_fail_log(struct peer *p, int level)
{
	unsigned dropped = 0;

	if (!log_ratelimit_ok(&p->fail_rl, time(NULL), 5, 60, &dropped))
		return;
	if (dropped)
		log_peer(p, level, "session not established: %s (%u more not logged)",
		    p->last_reason, dropped);
	else
		log_peer(p, level, "session not established: %s", p->last_reason);
}

/*
 * The end of a session, one line: "session down" at the neighbor-changes
 * level, or a failed attempt at info; a received NOTIFICATION raises it to
 * its own level (notice for a Cease, warning for an error the peer found).
 */
static void
peer_end_log(struct peer *p, enum peer_state old)
{
	int rcvd = p->notify_rcvd_level, level;

	p->notify_rcvd_level = 0;
	if (old == PEER_ESTABLISHED) {
		level = p->cfg.log_neighbor_changes ? LOG_NOTICE : LOG_DEBUG;
		log_peer(p, rcvd != 0 && rcvd < level ? rcvd : level, "session down: %s",
		    p->last_reason);
	} else if (old >= PEER_OPENSENT) {
		peer_fail_log(p, rcvd != 0 ? rcvd : LOG_INFO);
	} else if (rcvd != 0) {
		log_peer(p, rcvd, "%s", p->last_reason);
	}
}

/* On a subnet of one of our interfaces, or the far end of a point-to-point one. */
static bool
addr_is_connected(struct in_addr a)
{
	struct ifaddrs *ifs, *i;
	bool found = false;
	uint32_t m;

	if (getifaddrs(&ifs) < 0)
		return true;		/* cannot tell: say nothing */
	for (i = ifs; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET || i->ifa_netmask == NULL)
			continue;
		m = ((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr;
		found = ((((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr ^ a.s_addr) & m) == 0 ||
		    (i->ifa_dstaddr != NULL && i->ifa_dstaddr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_dstaddr)->sin_addr.s_addr == a.s_addr);
	}
	freeifaddrs(ifs);
	return found;
}

/*
 * An eBGP session sends with TTL 1 (peer_ttl): a neighbor behind a router
 * never answers, and the symptom (a connect that fails, a hold timer that
 * expires) does not say why. Say it once, until Established, when the
 * neighbor is on no connected subnet. FRR does not even try such a neighbor
 * (its connected check); we try, since loopback peering over one link works.
 */
static void
peer_ttl_hint(struct peer *p)
{
	if (p->ttl_hinted || !peer_is_ebgp(p) || p->cfg.ttl_security_hops > 0 ||
	    peer_ttl(p) > 1 || addr_is_connected(p->cfg.remote_addr))
		return;
	p->ttl_hinted = true;
	log_peer(p, LOG_WARNING, "not established, and it is on no connected subnet while "
	    "eBGP sends with TTL 1: behind a router it needs 'neighbor %s ebgp-multihop N'",
	    p->name);
}

/* Close the session's connection (after sending e, if any); maybe restart later. */
static void
peer_drop(struct peer *p, enum peer_state old, const struct bgp_err *e, bool restart)
{
	if (e != NULL && p->conn != NULL && !p->conn->connecting)
		session_notify_send(p, p->conn, e);
	conn_free(p->conn);
	peer_conn_set(p, NULL);
	conn_free(p->coll);
	p->coll = NULL;
	peer_timer_stop(p->t_connect);
	peer_timer_stop(p->t_hold);
	peer_timer_stop(p->t_keepalive);
	peer_timer_stop(p->t_send_hold);
	event_del(p->ev_input);
	memset(&p->ctx, 0, sizeof(p->ctx));	/* the next session negotiates anew */
	p->hold = p->keepalive = 0;
	if (old == PEER_ESTABLISHED || e != NULL)
		peer_reason_keep(p);
	peer_end_log(p, old);
	if (old == PEER_ESTABLISHED) {
		p->stats.dropped++;
		if (p->hooks.down)		/* after the close: last_reason/last_err are final */
			p->hooks.down(p, p->hooks.arg);
	}
	if (old >= PEER_OPENSENT && restart)
		p->stats.resets++;
	if (!restart || p->bgp->stopping || p->cfg.shutdown) {
		peer_timer_stop(p->t_idle_hold);
		return;
	}
	if (old != PEER_ESTABLISHED)
		peer_ttl_hint(p);	/* an error, not an operator's stop */
	/* §8.1.1 IdleHoldTimer, doubled on each flap (DampPeerOscillations) */
	peer_timer_arm(p, p->t_idle_hold, peer_backoff(PEER_IDLE_HOLD_MIN, p->flaps));
	p->flaps++;
}

/*
 * The connect-retry timer tries again; say so once per cause (EMFILE while
 * the daemon is out of descriptors, an update-source not yet configured),
 * not at every retry. A connect that gets as far as the network clears it.
 */
static void
peer_connect_fail_log(struct peer *p, int err)
{
	if (err == p->connect_err) {
		debugf(DEBUG_BGP_NEIGHBOR_EVENTS, "neighbor %s: cannot connect: %s", p->name,
		    strerror(err));
		return;
	}
	p->connect_err = err;
	log_peer(p, LOG_WARNING, "cannot connect: %s; retrying with the connect-retry timer%s",
	    strerror(err), err == EMFILE || err == ENFILE ? " (out of file descriptors)" : "");
}

static void
peer_connect(struct peer *p)
{
	struct peer_conn *c;
	int rv;

	peer_timer_arm(p, p->t_connect, peer_backoff(p->cfg.connect_retry, p->connect_attempts));
	if ((rv = conn_connect(p, &c)) < 0) {
		peer_connect_fail_log(p, -rv);
		p->connect_attempts++;
		peer_state_set(p, PEER_ACTIVE);
		return;
	}
	p->connect_err = 0;
	peer_conn_set(p, c);
}

static void
fa_none(struct peer *p, enum peer_state old)
{
}

static void
fa_connect(struct peer *p, enum peer_state old)
{
	peer_connect(p);
}

static void
fa_retry(struct peer *p, enum peer_state old)
{
	conn_free(p->conn);
	peer_conn_set(p, NULL);
	p->connect_attempts++;
	peer_connect(p);
}

static void
fa_retry_wait(struct peer *p, enum peer_state old)
{
	peer_drop(p, old, NULL, false);
	peer_ttl_hint(p);
	p->connect_attempts++;
	if (!p->cfg.passive)
		peer_timer_arm(p, p->t_connect,
		    peer_backoff(p->cfg.connect_retry, p->connect_attempts));
}

static void
fa_send_open(struct peer *p, enum peer_state old)
{
	peer_timer_stop(p->t_connect);
	if (session_open_send(p, p->conn) < 0) {
		snprintf(p->last_reason, sizeof(p->last_reason), "cannot send OPEN");
		peer_state_set(p, PEER_IDLE);
		peer_drop(p, old, NULL, true);
		return;
	}
	peer_timer_arm(p, p->t_hold, PEER_HOLD_LARGE * 1000ULL);
}

static void
peer_hold_restart(struct peer *p)
{
	if (p->hold > 0)
		peer_timer_arm(p, p->t_hold, p->hold * 1000ULL);
	else
		peer_timer_stop(p->t_hold);
}

static void
fa_open_accept(struct peer *p, enum peer_state old)
{
	session_keepalive_send(p);
	peer_hold_restart(p);
	if (p->keepalive > 0)
		peer_timer_arm(p, p->t_keepalive, p->keepalive * 1000ULL);
}

static void
fa_establish(struct peer *p, enum peer_state old)
{
	peer_hold_restart(p);
	peer_coll_drop(p);		/* §6.8: a collision with Established loses */
	p->stats.established++;
	p->notified = false;
	log_peer(p, p->cfg.log_neighbor_changes ? LOG_NOTICE : LOG_DEBUG,
	    "session established (AS %u, id %u.%u.%u.%u, hold %us%s%s)",
	    peer_remote_as(p), p->remote_id >> 24, (p->remote_id >> 16) & 255,
	    (p->remote_id >> 8) & 255, p->remote_id & 255, p->hold,
	    p->ctx.as4 ? ", 4-byte AS" : "", p->ctx.extmsg ? ", extended messages" : "");
	if (p->hooks.up)
		p->hooks.up(p, p->hooks.arg);
}

static void
fa_keepalive_send(struct peer *p, enum peer_state old)
{
	session_keepalive_send(p);
	if (p->keepalive > 0)
		peer_timer_arm(p, p->t_keepalive, p->keepalive * 1000ULL);
}

static void
fa_hold_restart(struct peer *p, enum peer_state old)
{
	peer_hold_restart(p);
}

/* RFC 4724 §2: End-of-RIB for IPv4 unicast is an UPDATE with an empty body. */
static bool
update_is_eor(const struct cursor *c)
{
	static const uint8_t eor[4];

	return c->len == sizeof(eor) && memcmp(c->p, eor, sizeof(eor)) == 0;
}

static void
fa_update(struct peer *p, enum peer_state old)
{
	struct bgp_err e;

	peer_hold_restart(p);
	if (update_is_eor(&p->rx_body)) {
		if (p->hooks.eor)
			p->hooks.eor(p, p->hooks.arg);
		return;
	}
	if (p->hooks.update == NULL)
		return;
	memset(&e, 0, sizeof(e));
	if (p->hooks.update(p, &p->rx_body, &e, p->hooks.arg) != 0) {
		p->pending_err = e;
		peer_fsm_event(p, FSM_MSG_ERR);
	}
}

static void
fa_refresh(struct peer *p, enum peer_state old)
{
	const struct refresh_msg *r = &p->rx_refresh;

	peer_hold_restart(p);
	/* RFC 2918 §4, RFC 7313 §5: ignore other AFI/SAFIs and unknown subtypes */
	if (!refresh_is_ipv4u(r) || r->subtype > RR_EORR)
		return;
	if (p->hooks.refresh)
		p->hooks.refresh(p, r->subtype, p->hooks.arg);
}

static void
peer_notify_drop(struct peer *p, enum peer_state old, const struct bgp_err *e)
{
	char name[96];

	snprintf(p->last_reason, sizeof(p->last_reason), "sent NOTIFICATION %u/%u (%s)",
	    e->code, e->subcode, bgp_err_name(e->code, e->subcode, name, sizeof(name)));
	peer_drop(p, old, e, true);
}

static void
fa_notify_fsm(struct peer *p, enum peer_state old)
{
	struct bgp_err e;

	bgp_err_set(&e, BGP_ERR_FSM, fsm_err_subcode(old), NULL, 0);
	peer_notify_drop(p, old, &e);
}

static void
fa_notify_hold(struct peer *p, enum peer_state old)
{
	struct bgp_err e;

	bgp_err_set(&e, BGP_ERR_HOLD, 0, NULL, 0);
	peer_notify_drop(p, old, &e);
}

static void
fa_notify_sendhold(struct peer *p, enum peer_state old)
{
	struct bgp_err e;

	bgp_err_set(&e, BGP_ERR_SEND_HOLD, 0, NULL, 0);	/* RFC 9687 §3: best effort */
	peer_notify_drop(p, old, &e);
}

static void
fa_notify_err(struct peer *p, enum peer_state old)
{
	peer_notify_drop(p, old, &p->pending_err);
}

static void
fa_notify_cease(struct peer *p, enum peer_state old)
{
	peer_drop(p, old, p->pending_err.code != 0 ? &p->pending_err : NULL, false);
}

static void
fa_close_err(struct peer *p, enum peer_state old)
{
	peer_drop(p, old, NULL, true);
}

static void
fa_close_admin(struct peer *p, enum peer_state old)
{
	peer_drop(p, old, NULL, false);
}

static void (*const fsm_actions[FA_MAX])(struct peer *, enum peer_state) = {
	[FA_NONE] = fa_none,
	[FA_CONNECT] = fa_connect,
	[FA_LISTEN] = fa_none,
	[FA_RETRY] = fa_retry,
	[FA_RETRY_WAIT] = fa_retry_wait,
	[FA_SEND_OPEN] = fa_send_open,
	[FA_OPEN_ACCEPT] = fa_open_accept,
	[FA_ESTABLISH] = fa_establish,
	[FA_KEEPALIVE_SEND] = fa_keepalive_send,
	[FA_HOLD_RESTART] = fa_hold_restart,
	[FA_UPDATE] = fa_update,
	[FA_REFRESH] = fa_refresh,
	[FA_NOTIFY_FSM] = fa_notify_fsm,
	[FA_NOTIFY_HOLD] = fa_notify_hold,
	[FA_NOTIFY_SENDHOLD] = fa_notify_sendhold,
	[FA_NOTIFY_ERR] = fa_notify_err,
	[FA_NOTIFY_CEASE] = fa_notify_cease,
	[FA_CLOSE_ERR] = fa_close_err,
	[FA_CLOSE_ADMIN] = fa_close_admin,
};

/* Each message of a running session: for `debug bgp updates|keepalives`, not neighbor-events. */
static bool
peer_step_is_routine(const struct fsm_step *st, enum peer_state old)
{
	return st->next == old && (st->action == FA_KEEPALIVE_SEND || st->action == FA_HOLD_RESTART ||
	    st->action == FA_UPDATE || st->action == FA_REFRESH);
}

void
peer_fsm_event(struct peer *p, enum fsm_event ev)
{
	const struct fsm_step *st = fsm_step(p->state, ev);
	enum peer_state old = p->state;

	if (st->action == FA_NONE && st->next == old)
		return;
	if (!peer_step_is_routine(st, old))
		debugf(DEBUG_BGP_NEIGHBOR_EVENTS, "neighbor %s: %s in %s: %s", p->name,
		    fsm_event_name(ev), peer_state_name(old), fsm_action_name(st->action));
	peer_state_set(p, st->next);
	fsm_actions[st->action](p, old);
}

void
peer_start(struct peer *p)
{
	if (p->cfg.shutdown || p->bgp->stopping)
		return;
	peer_fsm_event(p, p->cfg.passive ? FSM_START_PASSIVE : FSM_START);
}

/* An operator's start (config change, clear bgp): the connect backoff starts over. */
void
peer_start_now(struct peer *p)
{
	p->connect_attempts = 0;
	peer_start(p);
}

/* Why we stop a session, in FRR's words for "Last reset due to". */
static const char *
peer_stop_reason(uint8_t subcode)
{
	switch (subcode) {
	case BGP_CEASE_ADMIN_RESET:
		return "User reset";
	case BGP_CEASE_CONF_CHANGE:
		return "Config change";
	case BGP_CEASE_PEER_DECONF:
		return "Neighbor deleted";
	default:
		return "Admin. shutdown";
	}
}

void
peer_stop(struct peer *p, uint8_t subcode, const char *text)
{
	if (text != NULL && text[0] != '\0')
		notify_shutdown_set(&p->pending_err, subcode, text);	/* RFC 9003 */
	else
		bgp_err_set(&p->pending_err, BGP_ERR_CEASE, subcode, NULL, 0);
	snprintf(p->last_reason, sizeof(p->last_reason), "%s%s%s", peer_stop_reason(subcode),
	    text && text[0] ? ": " : "", text ? text : "");
	peer_fsm_event(p, FSM_STOP);
}

void
peer_stop_graceful(struct peer *p)
{
	memset(&p->pending_err, 0, sizeof(p->pending_err));	/* code 0: none sent */
	snprintf(p->last_reason, sizeof(p->last_reason),
	    "graceful restart: closed without NOTIFICATION (RFC 4724)");
	peer_fsm_event(p, FSM_STOP);
}

void
peer_reset(struct peer *p)
{
	if (p->cfg.shutdown)
		return;
	peer_stop(p, BGP_CEASE_ADMIN_RESET, NULL);
	peer_reason_keep(p);		/* "User reset" (peer_stop), for show */
	peer_start_now(p);
}

void
peer_reason_keep(struct peer *p)
{
	memcpy(p->reset_reason, p->last_reason, sizeof(p->reset_reason));
}

const char *
peer_reset_reason(const struct peer *p)
{
	return p->reset_reason[0] != '\0' ? p->reset_reason : p->last_reason;
}

void
peer_max_prefix_exceeded(struct peer *p)
{
	uint32_t max = p->cfg.max_prefix;
	uint8_t data[7] = { 0, AFI_IPV4, SAFI_UNICAST, (uint8_t)(max >> 24),
	    (uint8_t)(max >> 16), (uint8_t)(max >> 8), (uint8_t)max };

	bgp_err_set(&p->pending_err, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, data, sizeof(data));
	snprintf(p->last_reason, sizeof(p->last_reason), "maximum-prefix %u exceeded", max);
	log_peer(p, LOG_WARNING, "%s%s", p->last_reason,
	    p->cfg.max_prefix_restart ? "; restarting later" : "; staying down");
	peer_fsm_event(p, FSM_STOP);
	if (p->cfg.max_prefix_restart > 0 && !p->bgp->stopping)
		peer_timer_arm(p, p->t_idle_hold, p->cfg.max_prefix_restart * 60000ULL);
}

/* ------------------------------------------------------ OPEN, collisions */

void
peer_open_accept(struct peer *p, const struct open_msg *m)
{
	uint16_t ka = p->cfg.keepalive;

	p->remote_id = m->bgp_id;
	p->caps_rx = m->caps;
	p->open_as = open_peer_as(m);
	caps_negotiate(&p->caps_tx, &m->caps, peer_is_ebgp(p), &p->ctx);
	/* §4.2: the smaller hold time; keepalive at most a third of it (§10) */
	p->hold = m->hold < p->cfg.hold_time ? m->hold : p->cfg.hold_time;
	if (ka == 0 || ka > p->hold / 3)
		ka = p->hold / 3;
	p->keepalive = p->hold > 0 && ka == 0 ? 1 : ka;
	p->connect_attempts = 0;
}

void
peer_conn_accept(struct peer *p, struct peer_conn *c)
{
	if (p->state == PEER_CONNECT || p->state == PEER_ACTIVE) {
		conn_free(p->conn);	/* our own attempt, if any, gives way */
		peer_conn_set(p, c);
		peer_fsm_event(p, FSM_TCP_OK);
		return;
	}
	if ((p->state == PEER_OPENSENT || p->state == PEER_OPENCONFIRM) &&
	    p->coll == NULL && !p->conn->incoming) {
		log_peer(p, LOG_INFO, "connection collision in %s; racing both (RFC 4271 6.8)",
		    peer_state_name(p->state));
		p->coll = c;
		c->open_sent = session_open_send(p, c) == 0;
		return;
	}
	p->stats.refused++;
	if (log_ratelimit_ok(&p->refused_rl, time(NULL), 5, 60, NULL))
		log_peer(p, LOG_INFO, "incoming connection refused in state %s",
		    peer_state_name(p->state));
	conn_free(c);
}

void
peer_collision_resolve(struct peer *p, const struct open_msg *m)
{
	struct peer_conn *c = p->coll;
	struct bgp_err e;
	bool ours = fsm_collision_keep_ours(p->bgp->router_id, m->bgp_id);

	log_peer(p, LOG_INFO, "collision: keeping the connection %s opened",
	    ours ? "we" : "the peer");
	if (ours) {
		peer_coll_drop(p);
		return;
	}
	bgp_err_set(&e, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	session_notify_send(p, p->conn, &e);
	conn_free(p->conn);
	p->coll = NULL;
	peer_conn_set(p, c);
	p->state = PEER_OPENSENT;	/* our OPEN went out on c; its OPEN is next */
	peer_open_accept(p, m);
	peer_fsm_event(p, FSM_OPEN_OK);
}
