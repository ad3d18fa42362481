/*
 * bgpd/accept.h - a listener that runs out of file descriptors pauses
 * instead of spinning.
 *
 * accept() failing with EMFILE or ENFILE leaves the connection in the
 * backlog, so the level-triggered listener is woken again at once: without
 * a pause that is 100% CPU and a libevent warning per turn. Here, on any
 * accept() error libevent does not retry itself, the listener is disabled
 * for ACCEPT_PAUSE_MS, the pause is counted and logged (rate-limited: a
 * flood of connections triggers it), and a timer turns accepting back on.
 * OpenBGPD's session engine pauses its listeners for a second the same way.
 */
#ifndef IPIP_BGPD_ACCEPT_H
#define IPIP_BGPD_ACCEPT_H

#include <stdint.h>

#include "lib/log.h"

#define ACCEPT_PAUSE_MS	1000

struct event;
struct event_base;
struct evconnlistener;

struct accept_guard {
	struct evconnlistener	*l;		/* borrowed */
	struct event		*resume;	/* owned */
	const char		*what;		/* "BGP listener", for log lines */
	uint64_t		*paused;	/* borrowed: pauses are counted there */
	struct log_ratelimit	 rl;
};

/* Guard l; paused is kept by the caller so it outlives a listener. */
void	accept_guard_init(struct accept_guard *, struct event_base *,
	    struct evconnlistener *l, const char *what, uint64_t *paused);
void	accept_guard_fini(struct accept_guard *);
/* The listener's error callback calls this with errno: pause, count, log. */
void	accept_guard_error(struct accept_guard *, int err);

#endif
