/*
 * bgpd/session.h - private to the session files (peer.c, session.c,
 * transport.c, listen.c): one TCP connection and the calls between them.
 * Nothing outside those files includes this.
 */
#ifndef IPIP_BGPD_SESSION_H
#define IPIP_BGPD_SESSION_H

#include <stdbool.h>

#include "bgpd/peer.h"

/* One TCP connection to or from a peer; owned by the peer (conn or coll). */
struct peer_conn {
	struct peer		*peer;		/* borrowed */
	struct bufferevent	*bev;		/* owned; closes the socket when freed */
	bool			 incoming;	/* the peer opened it */
	bool			 connecting;	/* outgoing, not yet connected */
	bool			 open_sent;	/* a collision candidate got our OPEN */
	bool			 closing;	/* conn_free is flushing it */
	struct sockaddr_in	 local, remote;
};

/* transport.c */
/* Start an outgoing connection (non-blocking) with the peer's socket options. */
MUST_USE int conn_connect(struct peer *, struct peer_conn **out);
/* Wrap a connected bufferevent (accepted socket, or a test's pair end). */
struct peer_conn *conn_new(struct peer *, struct bufferevent *, bool incoming);
/* Write out what is queued as far as the socket takes it now, then close. NULL ok. */
void	conn_free(struct peer_conn *);
/* Queue bytes; -ENOBUFS above PEER_OUT_MAX. Arms the send hold timer. */
MUST_USE int conn_send(struct peer_conn *, const void *, size_t);
size_t	conn_out_queued(const struct peer_conn *);
/*
 * The peer's socket options on a connecting or accepted socket: TOS CS6,
 * TTL (peer_ttl) or GTSM, TCP MD5.
 */
MUST_USE int conn_sockopts_set(int fd, const struct peer *);

/* session.c */
/* Read and handle whole messages on c; bounded per call (STYLE 7). */
void	session_input(struct peer_conn *);
MUST_USE int session_open_send(struct peer *, struct peer_conn *);
void	session_keepalive_send(struct peer *);
/* Send n on c (counted), best effort. */
void	session_notify_send(struct peer *, struct peer_conn *, const struct bgp_err *);

/* peer.c */
void	peer_timer_arm(struct peer *, struct event *, uint64_t ms);
void	peer_timer_stop(struct event *);
/* Take an accepted connection (listen.c, tests): adopt it, race it, or refuse. */
void	peer_conn_accept(struct peer *, struct peer_conn *);
/* The collision candidate sent a good OPEN: §6.8 decides which connection stays. */
void	peer_collision_resolve(struct peer *, const struct open_msg *);
/* Accept a checked OPEN on the session's connection (before FSM_OPEN_OK). */
void	peer_open_accept(struct peer *, const struct open_msg *);
/* The connection of the session changed (bumps conn_gen). */
void	peer_conn_set(struct peer *, struct peer_conn *);
/* Close the candidate with Cease 7 (collision resolution, §6.8). */
void	peer_coll_drop(struct peer *);

/* listen.c */
MUST_USE int bgp_listen_start(struct bgp *);
void	bgp_listen_stop(struct bgp *);
/* Install or remove the peer's MD5 key on the listening socket. */
void	bgp_listen_md5_set(struct bgp *, const struct peer *, bool on);

#endif
