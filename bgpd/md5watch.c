/*
 * bgpd/md5watch.c - say when TCP MD5 is why a session stays down.
 *
 * The kernel drops a segment whose MD5 signature is wrong, missing or
 * unexpected before any socket sees it: with a password that differs
 * between the two ends the connection attempts just time out, and nothing
 * else would tell the operator why. While a neighbor is down, the
 * namespace's TcpExt counters (lib/tcpext.h) are read every few seconds;
 * when they grow, each down neighbor whose configuration matches the kind
 * of drop gets one warning, until it is established again or its password
 * changes. The counters are per namespace, not per socket: the line says
 * "probably". They are also in `show bgp statistics`.
 */
#include <event2/event.h>
#include <inttypes.h>

#include "bgpd/peer.h"
#include "lib/log.h"

#define MD5WATCH_SECS	2

static bool
md5watch_down(const struct peer *p)
{
	return !p->cfg.shutdown && p->state != PEER_ESTABLISHED;
}

static void
md5watch_hint(struct peer *p, const struct tcp_md5_stats *d)
{
	uint64_t bad = d->failure + d->not_found;

	if (p->md5_hinted)
		return;
	if (p->cfg.password[0] != '\0' && bad > 0)
		log_peer(p, LOG_WARNING, "not established, and the kernel dropped %" PRIu64
		    " TCP segments with a wrong (%" PRIu64 ") or missing (%" PRIu64 ") MD5 signature "
		    "in this network namespace meanwhile: the password probably differs between "
		    "the two ends", bad, d->failure, d->not_found);
	else if (p->cfg.password[0] == '\0' && d->unexpected > 0)
		log_peer(p, LOG_WARNING, "not established, and the kernel dropped %" PRIu64
		    " TCP segments signed with MD5 for a connection without a password in this "
		    "network namespace meanwhile: the neighbor probably has a password configured",
		    d->unexpected);
	else
		return;
	p->md5_hinted = true;
}

static void
md5watch_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bgp *b = arg;
	struct tcp_md5_stats now, d;
	bool down = false;

	for (const struct peer *p = b->peers; p != NULL && !down; p = p->next)
		down = md5watch_down(p);
	if (!down || tcp_md5_stats_read(&now) < 0) {
		b->md5_have = false;		/* a baseline again when one goes down */
		return;
	}
	if (b->md5_have) {
		d = (struct tcp_md5_stats){ now.failure - b->md5_last.failure,
		    now.not_found - b->md5_last.not_found, now.unexpected - b->md5_last.unexpected };
		for (struct peer *p = b->peers; p != NULL; p = p->next)
			if (md5watch_down(p))
				md5watch_hint(p, &d);
	}
	b->md5_last = now;
	b->md5_have = true;
}

void
bgp_md5watch_start(struct bgp *b)
{
	struct timeval tv = { MD5WATCH_SECS, 0 };

	if (b->md5_ev == NULL &&
	    (b->md5_ev = event_new(b->base, -1, EV_PERSIST, md5watch_tick, b)) == NULL)
		fatal("md5watch");
	event_add(b->md5_ev, &tv);
}

void
bgp_md5watch_stop(struct bgp *b)
{
	if (b->md5_ev != NULL)
		event_free(b->md5_ev);
	b->md5_ev = NULL;
}
