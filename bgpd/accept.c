/*
 * bgpd/accept.c - pause a listener when accept() fails. See accept.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "bgpd/accept.h"

#define ACCEPT_LOG_BURST	1	/* log lines per interval */
#define ACCEPT_LOG_INTERVAL	60

static void
accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct accept_guard *g = arg;

	(void)fd, (void)what;
	evconnlistener_enable(g->l);	/* still short of descriptors: paused again */
}

void
accept_guard_init(struct accept_guard *g, struct event_base *base, struct evconnlistener *l,
    const char *what, uint64_t *paused)
{
	*g = (struct accept_guard){ .l = l, .what = what, .paused = paused };
	if ((g->resume = evtimer_new(base, accept_resume_cb, g)) == NULL)
		fatal("%s: timer", what);
}

void
accept_guard_fini(struct accept_guard *g)
{
	if (g->resume != NULL)
		event_free(g->resume);
	g->resume = NULL;
}

static void
accept_guard_log(struct accept_guard *g, int err)
{
	struct rlimit rl = { 0 };
	unsigned dropped = 0;

	if (!log_ratelimit_ok(&g->rl, time(NULL), ACCEPT_LOG_BURST, ACCEPT_LOG_INTERVAL, &dropped))
		return;
	(void)getrlimit(RLIMIT_NOFILE, &rl);
	if (dropped > 0)
		log_warnx("%s: accept: %s; not accepting for %u ms (open files limit %llu; "
		    "%u more pauses since the last line)", g->what, strerror(err), ACCEPT_PAUSE_MS,
		    (unsigned long long)rl.rlim_cur, dropped);
	else
		log_warnx("%s: accept: %s; not accepting for %u ms (open files limit %llu)",
		    g->what, strerror(err), ACCEPT_PAUSE_MS, (unsigned long long)rl.rlim_cur);
}

void
accept_guard_error(struct accept_guard *g, int err)
{
	struct timeval tv = { ACCEPT_PAUSE_MS / 1000, (ACCEPT_PAUSE_MS % 1000) * 1000 };

	evconnlistener_disable(g->l);
	evtimer_add(g->resume, &tv);
	(*g->paused)++;
	accept_guard_log(g, err);
}
