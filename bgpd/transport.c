/*
 * bgpd/transport.c - a peer's TCP connections: non-blocking connect with the
 * neighbor's socket options (update-source, TCP MD5, TTL or GTSM, TOS),
 * bufferevents with an input cap (PEER_IN_MAX read ahead) and an output cap
 * (PEER_OUT_MAX), and the RFC 9687 send hold timer, armed while output
 * waits, restarted on each bit of progress and stopped when it drains. Bytes
 * go to session.c; connection news goes to the state machine.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/session.h"
#include "lib/sockopt.h"

/* CS6 as FRR, BIRD and OpenBGPD mark BGP: what control-plane policing matches. */
int
conn_sockopts_set(int fd, const struct peer *p)
{
	const struct peer_cfg *cfg = &p->cfg;
	int rv;

	if (cfg->password[0] != '\0' &&
	    (rv = sock_md5_set(fd, cfg->remote_addr, cfg->password)) < 0)
		return rv;
	if ((rv = sock_tos_set(fd, SOCK_TOS_CONTROL)) < 0)
		return rv;
	if (cfg->ttl_security_hops > 0)
		return sock_gtsm_set(fd, cfg->ttl_security_hops);
	return sock_ttl_set(fd, peer_ttl(p));
}

static void
conn_addrs_get(struct peer_conn *c)
{
	int fd = bufferevent_getfd(c->bev);
	socklen_t len;

	if (fd < 0)
		return;
	len = sizeof(c->local);
	if (getsockname(fd, (struct sockaddr *)&c->local, &len) < 0)
		memset(&c->local, 0, sizeof(c->local));
	len = sizeof(c->remote);
	if (getpeername(fd, (struct sockaddr *)&c->remote, &len) < 0)
		memset(&c->remote, 0, sizeof(c->remote));
}

static uint64_t
conn_send_hold_ms(const struct peer *p)
{
	unsigned secs = 2u * p->hold;	/* RFC 9687 §3: 8 minutes or twice the hold time */

	return (secs > PEER_SEND_HOLD_MIN ? secs : PEER_SEND_HOLD_MIN) * 1000ULL;
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	session_input(arg);
}

/*
 * RFC 9687 §3: the send hold timer runs while output waits, restarts
 * whenever the peer takes some of it (progress), and stops once it is empty.
 */
static void
conn_out_cb(struct evbuffer *out, const struct evbuffer_cb_info *info, void *arg)
{
	struct peer_conn *c = arg;
	struct peer *p = c->peer;

	if (info->n_deleted == 0 || c->closing || c != p->conn)
		return;
	if (evbuffer_get_length(out) == 0)
		peer_timer_stop(p->t_send_hold);
	else
		peer_timer_arm(p, p->t_send_hold, conn_send_hold_ms(p));
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct peer_conn *c = arg;
	struct peer *p = c->peer;
	int err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		c->connecting = false;
		conn_addrs_get(c);
		peer_conn_set(p, c);
		peer_fsm_event(p, FSM_TCP_OK);
		return;
	}
	if (c == p->coll) {
		conn_free(c);
		p->coll = NULL;
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(p->last_reason, sizeof(p->last_reason), "connection closed by the peer");
	else
		snprintf(p->last_reason, sizeof(p->last_reason), "%s: %s",
		    c->connecting ? "connect failed" : "connection error", strerror(err));
	/* debug only: peer_drop() says it once, as "session down" or "not established" */
	log_peer(p, LOG_DEBUG, "%s", p->last_reason);
	peer_fsm_event(p, FSM_TCP_FAIL);
}

struct peer_conn *
conn_new(struct peer *p, struct bufferevent *bev, bool incoming)
{
	struct peer_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("conn_new");
	c->peer = p;
	c->bev = bev;
	c->incoming = incoming;
	bufferevent_setcb(bev, conn_read_cb, NULL, conn_event_cb, c);
	if (evbuffer_add_cb(bufferevent_get_output(bev), conn_out_cb, c) == NULL)
		fatal("conn_new: output callback");
	bufferevent_setwatermark(bev, EV_READ, 0, PEER_IN_MAX);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (incoming)
		conn_addrs_get(c);
	return c;
}

int
conn_connect(struct peer *p, struct peer_conn **out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = p->cfg.remote_addr,
	    .sin_port = htons(p->cfg.port ? p->cfg.port : BGP_PORT) };
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr = p->cfg.update_source };
	struct bufferevent *bev;
	int fd, rv;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rv = conn_sockopts_set(fd, p);
	if (rv == 0 && src.sin_addr.s_addr != INADDR_ANY &&
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		rv = -errno;		/* update-source not (yet) on this host */
	if (rv < 0) {
		close(fd);
		return rv;
	}
	if ((bev = bufferevent_socket_new(p->bgp->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	*out = conn_new(p, bev, false);
	(*out)->connecting = true;
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		rv = errno ? -errno : -ECONNREFUSED;
		conn_free(*out);
		return rv;
	}
	return 0;
}

/* Hand the kernel what is queued (a NOTIFICATION, usually) as far as it takes it now. */
static void
conn_flush(struct peer_conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	int fd = bufferevent_getfd(c->bev);

	if (c->connecting || evbuffer_get_length(out) == 0)
		return;
	if (fd < 0) {
		bufferevent_flush(c->bev, EV_WRITE, BEV_FINISHED);	/* a test's pair */
		return;
	}
	evbuffer_unfreeze(out, 1);	/* libevent freezes a socket bufferevent's output start */
	for (int i = 0; i < 16 && evbuffer_get_length(out) > 0; i++)
		if (evbuffer_write(out, fd) <= 0)
			break;
}

void
conn_free(struct peer_conn *c)
{
	if (c == NULL)
		return;
	c->closing = true;
	conn_flush(c);
	bufferevent_free(c->bev);
	free(c);
}

int
conn_send(struct peer_conn *c, const void *data, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t before = evbuffer_get_length(out);
	struct peer *p = c->peer;

	if (before + len > PEER_OUT_MAX)
		return -ENOBUFS;
	/* armed first: a transport that takes the bytes at once stops it again */
	if (c == p->conn && !evtimer_pending(p->t_send_hold, NULL))
		peer_timer_arm(p, p->t_send_hold, conn_send_hold_ms(p));
	if (evbuffer_add(out, data, len) < 0) {
		if (before == 0 && c == p->conn)
			peer_timer_stop(p->t_send_hold);
		return -ENOMEM;
	}
	return 0;
}

size_t
conn_out_queued(const struct peer_conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}
