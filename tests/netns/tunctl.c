/*
 * tests/netns/tunctl.c - drive a tunnel manager from stdin, for the netns
 * tests (before the daemon uses tunnel/). One command per line, one answer:
 *   add LOCAL REMOTE   -> "ok NAME ifindex N mtu M adopted yes|no[ onlink]" | "error: ..."
 *                         (onlink: NBMA, route "via REMOTE dev NAME onlink")
 *   del LOCAL REMOTE   -> "ok" (one user fewer; the last removes the device)
 *   show               -> "tunnel NAME local L remote R mtu M users U
 *                          in P B E out P B E" per tunnel,
 *                         "drops malformed M no-tunnel N", then "end"
 *   prune              -> "ok pruned N"
 *   ecmp               -> "ok" (a route spreads over tunnels: tunnel_ecmp_in_use)
 *   quit (or EOF)      -> removes our devices, exits 0
 * Changes the manager reports print "event NAME mtu M" / "event NAME down".
 * Usage: tunctl [-k] [-f] [-m MTU] [-p PREFIX] [-d auto|kernel|userspace|bpf]
 * [-s p2p|nbma] [-e layer3|layer4]; prints "ready DRIVER" when listening.
 * -k keeps the devices on quit (graceful restart), -f runs the nftables
 * firewall, -e sets the multipath hash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "tunnel/tunnel.h"

struct ctl {
	struct event_base	*base;
	struct tunnel_mgr	*mgr;
	char			 line[512];
	size_t			 used;
};

static int
ctl_addrs(const char *args, struct in_addr *l, struct in_addr *r)
{
	char a[32], b[32];

	if (sscanf(args, "%31s %31s", a, b) != 2 || inet_pton(AF_INET, a, l) != 1 ||
	    inet_pton(AF_INET, b, r) != 1) {
		printf("error: want LOCAL REMOTE\n");
		return -1;
	}
	return 0;
}

static void
ctl_add(struct ctl *c, const char *args)
{
	const struct tunnel_info *i;
	struct in_addr l, r;
	struct tunnel *t;
	int err = 0;

	if (ctl_addrs(args, &l, &r) < 0)
		return;
	if ((t = tunnel_get(c->mgr, l, r, &err)) == NULL) {
		printf("error: %s\n", strerror(-err));
		return;
	}
	i = tunnel_info(t);
	printf("ok %s ifindex %u mtu %u adopted %s%s\n", i->name, i->ifindex, i->mtu,
	    i->adopted ? "yes" : "no", i->onlink ? " onlink" : "");
}

struct ctl_find {
	struct in_addr		 l, r;
	struct tunnel		*found;
};

static void
ctl_find_one(void *arg, const struct tunnel *t)
{
	struct ctl_find *f = arg;
	const struct tunnel_info *i = tunnel_info(t);

	if (i->local.s_addr == f->l.s_addr && i->remote.s_addr == f->r.s_addr)
		f->found = (struct tunnel *)t;	/* the walk lends const; we own a user */
}

static void
ctl_del(struct ctl *c, const char *args)
{
	struct ctl_find f = { .found = NULL };

	if (ctl_addrs(args, &f.l, &f.r) < 0)
		return;
	tunnel_mgr_walk(c->mgr, ctl_find_one, &f);
	if (f.found == NULL) {
		printf("error: no such tunnel\n");
		return;
	}
	tunnel_put(c->mgr, f.found);
	printf("ok\n");
}

static void
ctl_show_one(void *arg, const struct tunnel *t)
{
	const struct tunnel_info *i = tunnel_info(t);
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	struct tunnel_counters k;

	tunnel_counters_get(arg, t, &k);
	inet_ntop(AF_INET, &i->local, l, sizeof(l));
	inet_ntop(AF_INET, &i->remote, r, sizeof(r));
	printf("tunnel %s local %s remote %s mtu %u users %u in %llu %llu %llu out %llu %llu %llu\n",
	    i->name, l, r, i->mtu, i->users,
	    (unsigned long long)k.pkts_in, (unsigned long long)k.bytes_in,
	    (unsigned long long)k.errors_in, (unsigned long long)k.pkts_out,
	    (unsigned long long)k.bytes_out, (unsigned long long)k.errors_out);
}

static void
ctl_show(struct ctl *c)
{
	struct tunnel_drops d;

	tunnel_mgr_walk(c->mgr, ctl_show_one, c->mgr);
	tunnel_mgr_drops(c->mgr, &d);
	printf("drops malformed %llu no-tunnel %llu\nend\n",
	    (unsigned long long)d.malformed, (unsigned long long)d.no_tunnel);
}

/* One command line; returns false on quit. */
static bool
ctl_command(struct ctl *c, const char *cmd)
{
	if (strncmp(cmd, "add ", 4) == 0)
		ctl_add(c, cmd + 4);
	else if (strncmp(cmd, "del ", 4) == 0)
		ctl_del(c, cmd + 4);
	else if (strcmp(cmd, "show") == 0)
		ctl_show(c);
	else if (strcmp(cmd, "prune") == 0)
		printf("ok pruned %u\n", tunnel_mgr_prune(c->mgr));
	else if (strcmp(cmd, "ecmp") == 0) {
		tunnel_ecmp_in_use(c->mgr);
		printf("ok\n");
	}
	else if (strcmp(cmd, "quit") == 0)
		return false;
	else if (cmd[0] != '\0')
		printf("error: unknown command\n");
	fflush(stdout);
	return true;
}

static void
ctl_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *c = arg;
	ssize_t n = read(fd, c->line + c->used, sizeof(c->line) - 1 - c->used);
	char *nl;

	if (n <= 0) {
		event_base_loopbreak(c->base);
		return;
	}
	c->used += (size_t)n;
	c->line[c->used] = '\0';
	while ((nl = strchr(c->line, '\n')) != NULL) {
		*nl = '\0';
		if (!ctl_command(c, c->line)) {
			event_base_loopbreak(c->base);
			return;
		}
		c->used -= (size_t)(nl + 1 - c->line);
		memmove(c->line, nl + 1, c->used + 1);
	}
	if (c->used == sizeof(c->line) - 1)
		c->used = 0;			/* an overlong line is dropped */
}

static void
ctl_on_change(void *arg, const struct tunnel *t, enum tunnel_change what)
{
	const struct tunnel_info *i = tunnel_info(t);

	if (what == TUNNEL_CHANGE_MTU)
		printf("event %s mtu %u\n", i->name, i->mtu);
	else
		printf("event %s %s\n", i->name, what == TUNNEL_CHANGE_UP ? "up" : "down");
	fflush(stdout);
}

/* The index of word in words (NULL-terminated), or -1. */
static int
ctl_word(const char *word, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

static int
ctl_enum_opt(int ch, const char *arg, struct tunnel_opts *o)
{
	static const char *const drivers[] = { "auto", "userspace", "kernel", "bpf", NULL };
	static const char *const styles[] = { "p2p", "nbma", NULL };
	static const char *const hashes[] = { "unset", "layer3", "layer4", NULL };
	int v = ctl_word(arg, ch == 'd' ? drivers : ch == 's' ? styles : hashes);

	if (v < 0)
		return -1;
	if (ch == 'd')
		o->driver = (enum tunnel_driver_kind)v;
	else if (ch == 's')
		o->style = (enum tunnel_style)v;
	else
		o->ecmp_hash = (enum tunnel_ecmp_hash)v;
	return 0;
}

static int
ctl_opts(int argc, char **argv, struct tunnel_opts *o)
{
	int ch;

	while ((ch = getopt(argc, argv, "kfm:p:d:s:e:")) != -1) {
		if (ch == 'k')
			o->keep_on_exit = true;
		else if (ch == 'f')
			o->firewall = TUNNEL_FIREWALL_NFTABLES;
		else if ((ch == 'd' || ch == 's' || ch == 'e') && ctl_enum_opt(ch, optarg, o) == 0)
			continue;
		else if (ch == 'm')
			o->mtu = (uint32_t)strtoul(optarg, NULL, 10);
		else if (ch == 'p')
			o->prefix = optarg;
		else
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct tunnel_opts o = { .style = TUNNEL_STYLE_P2P, .driver = TUNNEL_DRIVER_AUTO };
	struct ctl c = { .used = 0 };
	struct event *ev;
	int err = 0;

	log_init(stderr, "tunctl", LOG_INFO);
	if (ctl_opts(argc, argv, &o) < 0)
		return 2;
	c.base = event_base_new();
	if ((c.mgr = tunnel_mgr_new(c.base, &o, &err)) == NULL) {
		printf("error: %s\n", strerror(-err));
		event_base_free(c.base);
		return 1;
	}
	tunnel_mgr_set_change_cb(c.mgr, ctl_on_change, &c);
	ev = event_new(c.base, 0, EV_READ | EV_PERSIST, ctl_read_cb, &c);
	event_add(ev, NULL);
	printf("ready %s\n", tunnel_mgr_driver_name(c.mgr));
	fflush(stdout);
	event_base_dispatch(c.base);
	event_free(ev);
	tunnel_mgr_free(c.mgr);
	event_base_free(c.base);
	return 0;
}
