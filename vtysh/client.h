/*
 * vtysh/client.h - the shell's end of the control socket: one blocking
 * connection, a request at a time, answers read until CTL_END or CTL_ERROR.
 * A connection the daemon closed (it was restarted) is made again, once, by
 * the next request, as FRR's vtysh does.
 */
#ifndef IPIP_VTYSH_CLIENT_H
#define IPIP_VTYSH_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ctlmsg.h"

#define CTL_CLIENT_TIMEOUT_MS	30000	/* a daemon that says nothing this long is stuck */

struct ctl_client;

/* 0, or -errno with one line for the operator in why. */
int	ctl_client_connect(const char *path, struct ctl_client **, char *why, size_t whylen);
void	ctl_client_free(struct ctl_client *);
/* The daemon went away and connecting again failed (the shell exits 2). */
bool	ctl_client_lost(const struct ctl_client *);

/* Called for each record of the answer; non-zero stops reading (an error). */
typedef int ctl_record_fn(const struct ctl_frame *, void *arg);

/*
 * Send one request and feed every record to fn. 0 when the daemon ended the
 * answer with CTL_END; -1 otherwise, with the daemon's CTL_ERROR text or
 * what went wrong in err. When the send finds the connection closed (the
 * daemon never saw the request), it connects again and sends once more; a
 * connection that breaks during the answer is reported, and made again by
 * the next request.
 */
int	ctl_client_request(struct ctl_client *, uint16_t type, const void *payload,
	    size_t len, ctl_record_fn *fn, void *arg, char *err, size_t errlen);

#endif
