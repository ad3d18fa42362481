/*
 * bgpd/listen.c - the one BGP listener (address and port configurable, 179
 * by default). Only configured neighbors get in: anyone else is closed at
 * once and logged with a rate limit, since a stranger can trigger it. TCP MD5
 * keys live on the listening socket (the kernel checks the SYN, RFC 2385),
 * and TOS CS6 for the SYN-ACKs; TTL or GTSM (RFC 5082) is set on each
 * accepted socket. The SYN-ACK leaves from the listener with TTL 255: a GTSM
 * neighbor sets IP_MINTTL before it connects, and its kernel drops a SYN-ACK
 * below it. Out of file descriptors, the listener pauses (accept.h) rather
 * than spin.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bgpd/session.h"
#include "lib/sockopt.h"

#define REFUSED_BURST		5	/* log lines per interval for strangers */
#define REFUSED_INTERVAL	60

static void
bgp_refuse(struct bgp *b, int fd, struct in_addr from, const char *why)
{
	char addr[INET_ADDRSTRLEN];
	unsigned dropped = 0;

	close(fd);
	if (!log_ratelimit_ok(&b->refused_rl, time(NULL), REFUSED_BURST, REFUSED_INTERVAL,
	    &dropped))
		return;
	inet_ntop(AF_INET, &from, addr, sizeof(addr));
	log_warnx("connection from %s refused: %s%s", addr, why,
	    dropped ? " (more refused, not logged)" : "");
}

static void
bgp_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct bgp *b = arg;
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	struct bufferevent *bev;
	struct peer *p;
	int rv;

	if (sa->sa_family != AF_INET || salen < (int)sizeof(*sin)) {
		close(fd);
		return;
	}
	if ((p = bgp_peer_find(b, sin->sin_addr)) == NULL) {
		bgp_refuse(b, fd, sin->sin_addr, "not a configured neighbor");
		return;
	}
	if (p->cfg.shutdown) {
		p->stats.refused++;
		bgp_refuse(b, fd, sin->sin_addr, "neighbor is shut down");
		return;
	}
	if ((rv = conn_sockopts_set(fd, p)) < 0) {
		log_peer(p, LOG_WARNING, "incoming connection: socket options: %s", strerror(-rv));
		close(fd);
		return;
	}
	if ((bev = bufferevent_socket_new(b->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return;
	}
	peer_conn_accept(p, conn_new(p, bev, true));
}

/* accept() failed in a way libevent does not retry (EMFILE, ENFILE...): pause. */
static void
bgp_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct bgp *b = arg;

	accept_guard_error(&b->listen_guard, EVUTIL_SOCKET_ERROR());
}

static int
bgp_listen_socket(const struct bgp *b)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = b->listen_addr,
	    .sin_port = htons(b->port) };
	int fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    sock_tos_set(fd, SOCK_TOS_CONTROL) < 0 || sock_ttl_set(fd, PEER_TTL_MAX) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0) {
		int rv = -errno;

		close(fd);
		return rv;
	}
	return fd;
}

int
bgp_listen_start(struct bgp *b)
{
	char addr[INET_ADDRSTRLEN];
	int fd;

	inet_ntop(AF_INET, &b->listen_addr, addr, sizeof(addr));
	if ((fd = bgp_listen_socket(b)) < 0) {
		log_err("cannot listen for BGP on %s port %u: %s", addr, b->port, strerror(-fd));
		return fd;
	}
	b->listen_fd = fd;
	b->listener = evconnlistener_new(b->base, bgp_accept_cb, b, LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (b->listener == NULL) {
		close(fd);
		b->listen_fd = -1;
		return -ENOMEM;
	}
	evconnlistener_set_error_cb(b->listener, bgp_accept_error_cb);
	accept_guard_init(&b->listen_guard, b->base, b->listener, "BGP listener",
	    &b->accept_paused);
	for (struct peer *p = b->peers; p != NULL; p = p->next)
		bgp_listen_md5_set(b, p, true);
	log_info("listening for BGP on %s port %u", addr, b->port);
	return 0;
}

void
bgp_listen_stop(struct bgp *b)
{
	if (b->listener != NULL) {
		accept_guard_fini(&b->listen_guard);
		evconnlistener_free(b->listener);
	}
	b->listener = NULL;
	b->listen_fd = -1;
}

void
bgp_listen_md5_set(struct bgp *b, const struct peer *p, bool on)
{
	int rv;

	if (b->listen_fd < 0 || p->cfg.password[0] == '\0')
		return;
	if ((rv = sock_md5_set(b->listen_fd, p->cfg.remote_addr, on ? p->cfg.password : "")) < 0)
		log_peer(p, LOG_WARNING, "TCP MD5 key on the listener: %s", strerror(-rv));
}
