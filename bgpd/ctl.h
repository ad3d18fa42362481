/*
 * bgpd/ctl.h - the control-socket server.
 *
 * A unix stream socket (mode 0660, group CTL_GROUP when it exists) on which
 * ipip-vtysh sends framed requests (include/ipip-bgpd/ctl.h). Connections are
 * non-blocking bufferevents: a slow or stuck client only fills its own output
 * buffer, and is dropped when that passes CTL_OUT_MAX. Peers are checked with
 * SO_PEERCRED: root, the daemon's own user, or a member of CTL_GROUP.
 */
#ifndef IPIP_BGPD_CTL_SERVER_H
#define IPIP_BGPD_CTL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/ctlmsg.h"

#define CTL_CLIENTS_MAX	64
#define CTL_OUT_MAX	(16 * 1024 * 1024)

struct bgpd;
struct ctl_server;
struct ctl_conn;

/*
 * Bind and listen on path. A live daemon already answering there is an
 * error (-EADDRINUSE); a stale socket file is replaced. On error *why holds
 * one line for the operator.
 */
MUST_USE int ctl_server_new(struct bgpd *, const char *path,
    struct ctl_server **out, char *why, size_t whylen);
/* Close every connection, remove the socket file. NULL is fine. */
void	ctl_server_free(struct ctl_server *);
/* Times accepting paused because accept() failed (EMFILE...; bgpd/accept.h). */
uint64_t ctl_server_accept_paused(const struct ctl_server *);

/* For request handlers (ctl_show.c): queue answers on a connection. */
void	ctl_conn_record(struct ctl_conn *, uint16_t type, uint32_t seq,
	    const void *rec, size_t len);
void	ctl_conn_end(struct ctl_conn *, uint32_t seq);
void	ctl_conn_error(struct ctl_conn *, uint32_t seq, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);

/*
 * A long answer in chunks (STYLE 7): after queuing a first chunk, a handler
 * defers the rest; fn runs again each time the client has read everything
 * queued (or on the next loop turn when a chunk queued nothing), until it
 * returns false (having ended the answer). No other request
 * of this connection is read meanwhile. arg is free()d when done or when the
 * client goes away.
 */
typedef bool ctl_more_fn(struct ctl_conn *, void *arg);
void	ctl_conn_defer(struct ctl_conn *, ctl_more_fn *fn, void *arg);

/* A request handler: answer on c, ending with ctl_conn_end or _error. */
typedef void ctl_handler_fn(struct bgpd *, struct ctl_conn *, const struct ctl_frame *);
/* The handler for a request type, or NULL (ctl_show.c). */
ctl_handler_fn *ctl_handler_for(uint16_t type);
/* The configuration requests' handlers, or NULL (ctl_conf.c). */
ctl_handler_fn *ctl_conf_handler_for(uint16_t type);

#endif
