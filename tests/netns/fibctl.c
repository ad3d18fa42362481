/*
 * tests/netns/fibctl.c - drive one rib/fib from stdin, for the netns tests and
 * bench/fib_insert.sh. One command per line, one answer line each ("ok",
 * "err ...", or a JSON object for stats):
 *   set PREFIX [count N] [mtu M] via GW dev IF [onlink] [weight W] [via ...]
 *   del PREFIX [count N]          nhdown via GW dev IF    settle
 *   sync (answers when nothing is queued)    stats       quit [keep]
 *   block MS: sleep without reading anything (the monitor fills up)
 *   hold PREFIX WORD: keep PREFIX with the caller's word (non-zero), out of the kernel
 *   scan CHUNK [PREFIX count N]: walk the routes as `show ip fib` does, CHUNK
 *     at a time, deleting the N prefixes from PREFIX after the first chunk;
 *     answers {"prefixes": [...]} with what the walk gave, in its order
 * "count N" means N consecutive prefixes of that length from PREFIX.
 * End of input is "quit keep" (like a crash: routes stay).
 * Options: -p proto -t table -m (inline next hops, no nexthop objects)
 *          -r (resilient groups) -C (leave nexthop_compat_mode) -b batch-bytes
 *          -M monitor-rcvbuf-bytes (small: provoke ENOBUFS and the resync)
 *          -S (sendmsg inline: no netlink writer thread)
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "rib/fib.h"

struct ctl {
	struct event_base	*base;
	struct fib		*fib;
	struct evbuffer		*in;
	struct event		*stdin_ev, *idle_ev;
	bool			 waiting;	/* "sync" until the fib is idle */
};

static void ctl_run_lines(struct ctl *);

/* "via GW dev IF [onlink] [weight W]" repeated, from strtok state. */
static int
ctl_parse_hops(struct fib_nh *nhs, size_t *n, uint32_t *mtu, uint32_t *count)
{
	char *w;

	*n = 0;
	while ((w = strtok(NULL, " \t")) != NULL) {
		char *v = strtok(NULL, " \t");

		if (strcmp(w, "onlink") == 0 && *n > 0) {
			nhs[*n - 1].onlink = true;
			if (v == NULL)
				break;
			w = v, v = strtok(NULL, " \t");
		}
		if (v == NULL)
			return -EINVAL;
		if (strcmp(w, "count") == 0)
			*count = (uint32_t)strtoul(v, NULL, 0);
		else if (strcmp(w, "mtu") == 0)
			*mtu = (uint32_t)strtoul(v, NULL, 0);
		else if (strcmp(w, "weight") == 0 && *n > 0)
			nhs[*n - 1].weight = (uint16_t)strtoul(v, NULL, 0);
		else if (strcmp(w, "via") == 0 && *n < FIB_NH_MAX) {
			nhs[*n] = (struct fib_nh){ .weight = 1 };
			if (addr_parse(v, &nhs[*n].gateway) < 0)
				return -EINVAL;
			(*n)++;
		} else if (strcmp(w, "dev") == 0 && *n > 0) {
			if ((nhs[*n - 1].ifindex = if_nametoindex(v)) == 0)
				return -ENODEV;
		} else
			return -EINVAL;
	}
	return 0;
}

static int
ctl_set(struct ctl *c, bool del)
{
	struct fib_nh nhs[FIB_NH_MAX];
	uint32_t mtu = 0, count = 1;
	struct prefix p;
	size_t n;
	char *w = strtok(NULL, " \t");
	int rv;

	if (w == NULL || prefix_parse(w, &p, false) < 0)
		return -EINVAL;
	if ((rv = ctl_parse_hops(nhs, &n, &mtu, &count)) < 0)
		return rv;
	for (uint32_t i = 0; i < count; i++, p.addr += p.len ? 1u << (32 - p.len) : 0) {
		if (del)
			fib_route_del(c->fib, &p, 0);
		else if ((rv = fib_route_set(c->fib, &p, nhs, n, mtu, 0)) < 0)
			return rv;
	}
	return 0;
}

/* hold PFX WORD: keep prefix with the caller's word, out of the kernel. */
static int
ctl_hold(struct ctl *c)
{
	char *w = strtok(NULL, " \t"), *v = strtok(NULL, " \t");
	struct prefix p;

	if (w == NULL || v == NULL || prefix_parse(w, &p, false) < 0 || strtoul(v, NULL, 0) == 0)
		return -EINVAL;
	fib_route_del(c->fib, &p, (uint32_t)strtoul(v, NULL, 0));
	return 0;
}

static int
ctl_nhdown(struct ctl *c)
{
	struct fib_nh nhs[FIB_NH_MAX];
	uint32_t mtu = 0, count = 1;
	size_t n;
	int rv;

	if ((rv = ctl_parse_hops(nhs, &n, &mtu, &count)) < 0 || n != 1)
		return rv < 0 ? rv : -EINVAL;
	printf("groups %zu\n", fib_nh_down(c->fib, &nhs[0]));
	return 1;			/* answered */
}

static void
scan_row(void *arg, const struct fib_route_view *v)
{
	char buf[PREFIX_STRLEN];

	printf("%s\"%s\"", *(bool *)arg ? ", " : "", prefix_fmt(&v->pfx, buf));
	*(bool *)arg = true;
}

static int
ctl_scan(struct ctl *c)
{
	char *w = strtok(NULL, " \t"), *del = strtok(NULL, " \t"), *cw = strtok(NULL, " \t");
	char *cn = strtok(NULL, " \t");
	unsigned long chunk = w ? strtoul(w, NULL, 0) : 0, count = cn ? strtoul(cn, NULL, 0) : 0;
	uint32_t cursor = 0;
	bool more, any = false;
	struct prefix p;

	if (chunk == 0 || (del != NULL && (prefix_parse(del, &p, false) < 0 || cw == NULL ||
	    strcmp(cw, "count") != 0 || count == 0)))
		return -EINVAL;
	printf("{\"prefixes\": [");
	more = fib_route_scan(c->fib, &cursor, chunk, scan_row, &any);
	for (unsigned long i = 0; del != NULL && i < count; i++, p.addr += 1u << (32 - p.len))
		fib_route_del(c->fib, &p, 0);
	while (more)
		more = fib_route_scan(c->fib, &cursor, chunk, scan_row, &any);
	printf("]}\n");
	return 1;			/* answered */
}

static void
ctl_stats(struct ctl *c)
{
	struct fib_stats s;

	fib_stats_get(c->fib, &s);
	printf("{\"routes\": %llu, \"groups\": %llu, \"nexthops\": %llu, \"routes_kernel\": %llu, "
	    "\"route_writes\": %llu, \"route_dels\": %llu, \"group_writes\": %llu, "
	    "\"group_dels\": %llu, \"nh_writes\": %llu, \"nh_dels\": %llu, \"msgs\": %llu, "
	    "\"batches\": %llu, \"failures\": %llu, \"retries\": %llu, \"repaired\": %llu, "
	    "\"nh_lost\": %llu, \"resyncs\": %llu, \"adopted\": %llu, \"notified\": %llu, "
	    "\"settles\": %llu, \"walks\": %llu, \"nexthop_objects\": %s, \"settled\": %s}\n",
	    (unsigned long long)s.routes, (unsigned long long)s.groups,
	    (unsigned long long)s.nexthops, (unsigned long long)s.routes_kernel,
	    (unsigned long long)s.route_writes, (unsigned long long)s.route_dels,
	    (unsigned long long)s.group_writes, (unsigned long long)s.group_dels,
	    (unsigned long long)s.nh_writes, (unsigned long long)s.nh_dels,
	    (unsigned long long)s.msgs, (unsigned long long)s.batches,
	    (unsigned long long)s.failures, (unsigned long long)s.retries,
	    (unsigned long long)s.repaired, (unsigned long long)s.nh_lost,
	    (unsigned long long)s.resyncs, (unsigned long long)s.adopted,
	    (unsigned long long)s.notified, (unsigned long long)s.settles,
	    (unsigned long long)s.walks,
	    s.nexthop_objects ? "true" : "false", s.settled ? "true" : "false");
}

static void
ctl_quit(struct ctl *c, bool keep)
{
	fib_free(c->fib, keep);
	c->fib = NULL;
	printf("ok\n");
	event_base_loopbreak(c->base);
}

/* One command line; returns false when no further line should run now. */
static bool
ctl_line(struct ctl *c, char *line)
{
	char *w = strtok(line, " \t");
	int rv = 0;

	if (w == NULL || w[0] == '#')
		return true;
	if (strcmp(w, "set") == 0 || strcmp(w, "del") == 0)
		rv = ctl_set(c, w[0] == 'd');
	else if (strcmp(w, "hold") == 0)
		rv = ctl_hold(c);
	else if (strcmp(w, "nhdown") == 0)
		rv = ctl_nhdown(c);
	else if (strcmp(w, "scan") == 0)
		rv = ctl_scan(c);
	else if (strcmp(w, "settle") == 0)
		fib_settle(c->fib);
	else if (strcmp(w, "block") == 0 && (w = strtok(NULL, " \t")) != NULL)
		usleep((useconds_t)atoi(w) * 1000);	/* the loop reads nothing meanwhile */
	else if (strcmp(w, "stats") == 0)
		return ctl_stats(c), true;
	else if (strcmp(w, "sync") == 0) {
		c->waiting = true;
		return event_add(c->idle_ev, &(struct timeval){ 0, 2000 }), false;
	} else if (strcmp(w, "quit") == 0) {
		w = strtok(NULL, " \t");
		return ctl_quit(c, w != NULL && strcmp(w, "keep") == 0), false;
	} else
		rv = -EINVAL;
	if (rv < 0)
		printf("err %s\n", strerror(-rv));
	else if (rv == 0)
		printf("ok\n");
	return true;
}

static void
ctl_run_lines(struct ctl *c)
{
	char *line;

	while (!c->waiting && c->fib != NULL &&
	    (line = evbuffer_readln(c->in, NULL, EVBUFFER_EOL_LF)) != NULL) {
		bool go_on = ctl_line(c, line);

		free(line);
		if (!go_on)
			break;
	}
}

static void
ctl_idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *c = arg;

	(void)fd, (void)what;
	if (!fib_is_idle(c->fib)) {
		event_add(c->idle_ev, &(struct timeval){ 0, 2000 });
		return;
	}
	c->waiting = false;
	printf("ok\n");
	ctl_run_lines(c);
}

static void
ctl_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *c = arg;
	int n = evbuffer_read(c->in, fd, 65536);

	(void)what;
	if (n <= 0) {
		event_del(c->stdin_ev);
		evbuffer_add(c->in, "\nquit keep\n", 11);
	}
	ctl_run_lines(c);
}

static int
ctl_opts(int argc, char **argv, struct fib_opts *o)
{
	int ch;

	*o = (struct fib_opts){ .use_nexthops = true };
	while ((ch = getopt(argc, argv, "p:t:mrCb:M:S")) != -1) {
		switch (ch) {
		case 'p': o->protocol = (uint8_t)atoi(optarg); break;
		case 't': o->table = (uint32_t)atoi(optarg); break;
		case 'm': o->use_nexthops = false; break;
		case 'r': o->resilient = true; break;
		case 'C': o->compat = FIB_COMPAT_LEAVE; break;
		case 'b': o->batch_bytes = (size_t)atol(optarg); break;
		case 'M': o->monitor_rcvbuf = atoi(optarg); break;
		case 'S': o->sync_writes = true; break;
		default: return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctl c = { 0 };
	struct fib_opts o;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(stderr, "fibctl", LOG_INFO);
	if (ctl_opts(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: fibctl [-p proto] [-t table] [-m] [-r] [-C] [-b bytes] [-M bytes]\n");
		return 2;
	}
	c.base = event_base_new();
	c.in = evbuffer_new();
	if ((c.fib = fib_new(c.base, &o)) == NULL)
		return 1;
	c.stdin_ev = event_new(c.base, 0, EV_READ | EV_PERSIST, ctl_stdin_cb, &c);
	c.idle_ev = event_new(c.base, -1, 0, ctl_idle_cb, &c);
	event_add(c.stdin_ev, NULL);
	printf("ready\n");
	event_base_dispatch(c.base);
	if (c.fib != NULL)
		fib_free(c.fib, true);
	event_free(c.stdin_ev);
	event_free(c.idle_ev);
	evbuffer_free(c.in);
	event_base_free(c.base);
	return 0;
}
