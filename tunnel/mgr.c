/*
 * tunnel/mgr.c - the tunnel manager: reference-counted tunnels per
 * (local, remote) pair, their names, ownership alias, MTU, adoption of
 * devices left by an earlier run, and the link monitor that follows the
 * underlay's MTU; the choice of driver (auto probes the kernel), NBMA
 * devices shared per local address, the multipath hash sysctl and the
 * firewall table (host.h); without a manager, the sweep and prune of what an
 * earlier run left (tunnel_stale_*). Drivers (driver.h) make the devices; link.c talks
 * rtnetlink. Runs on one thread; see tunnel.h for the contract.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "lib/debug.h"
#include "lib/log.h"
#include "tunnel/driver.h"
#include "tunnel/host.h"
#include "tunnel/link.h"
#include "tunnel/tunnel.h"

#define MTU_MIN		68		/* RFC 791 section 3.2 */
#define MTU_MAX		(65535 - TUNNEL_OVERHEAD)

struct tunnel {
	TAILQ_ENTRY(tunnel)	 entry;
	struct tunnel_info	 info;
	unsigned		 underlay;	/* ifindex of the underlay device (MTU) */
	unsigned		 rx_underlay;	/* driver's underlay_get: the route to our remote */
	void			*drv_tun;
	bool			 lost;		/* mgr_device_lost: to be told */
	uint64_t		 serial;	/* creation order, from 1: a walk's resume point */
};

/* A device with our alias found at start, not yet claimed. */
struct tunnel_found {
	struct link_state	ls;
	bool			claimed;
};

/* What a link dump found of ours (mgr_found_add); the unclaimed go (mgr_found_prune). */
struct found_list {
	struct tunnel_found	*v;
	size_t			 n;
};

struct tunnel_mgr {
	struct tunnel_opts		 opts;
	char				 prefix[TUNNEL_PREFIX_MAX + 1];
	const struct tunnel_driver	*drv;
	void				*drv_state;
	struct link_nl			*nl, *mon;
	struct event			*mon_ev;
	TAILQ_HEAD(, tunnel)		 tunnels;
	struct found_list		 found;
	tunnel_change_cb		*cb;
	void				*cb_arg;
	struct tunnel_fw		*fw;
	bool				 ecmp_warn;	/* policy 0, not yet warned */
	uint64_t			 serials;	/* the last tunnel's serial */
	uint64_t			 stats_remade;	/* devices deleted under us, made again */
	char				 drv_why[192];	/* why this driver (show overlay) */
	struct event_base		*base;
};

static int
mgr_opts_check(const struct tunnel_opts *o)
{
	char name[IFNAMSIZ];
	struct in_addr any = { 0 };

	if (tunnel_name_encode(o->prefix ? o->prefix : TUNNEL_PREFIX_DEFAULT,
	    any, any, name) < 0)
		return -EINVAL;
	if (o->mtu != 0 && (o->mtu < MTU_MIN || o->mtu > MTU_MAX))
		return -EINVAL;
	if (o->style == TUNNEL_STYLE_NBMA && o->driver == TUNNEL_DRIVER_USERSPACE) {
		log_warnx("tunnel: style nbma needs the kernel or bpf driver: a TUN device "
		    "cannot see a route's gateway, which NBMA uses as the outer destination");
		return -EOPNOTSUPP;
	}
	return 0;
}

static void
mgr_found_add(void *arg, const struct link_state *ls)
{
	struct found_list *fl = arg;
	struct in_addr l, r;
	struct tunnel_found *f;

	if (tunnel_alias_parse(ls->alias, &l, &r) < 0)
		return;				/* not ours: never touched */
	f = realloc(fl->v, (fl->n + 1) * sizeof(*f));
	if (f == NULL)
		fatal("tunnel: adopt list");
	fl->v = f;
	fl->v[fl->n++] = (struct tunnel_found){ *ls, false };
}

static void mgr_monitor_cb(evutil_socket_t, short, void *);

/* Start driver d (m->drv on success, none on failure); 0 or -errno. */
static int
mgr_drv_open(struct tunnel_mgr *m, const struct tunnel_driver *d)
{
	int rv = d->open(m->base, &m->drv_state);

	m->drv = rv == 0 ? d : NULL;
	return rv;
}

static const char *
mgr_bpf_why(int rv)
{
	return rv == -EOPNOTSUPP ? "not built in, or Linux older than 6.3" :
	    rv == -EPERM ? "no permission to load BPF programs (CAP_BPF, CAP_NET_ADMIN)" :
	    strerror(-rv);
}

/* What driver auto started, and why: kept for show overlay, logged once. */
static void mgr_driver_said(struct tunnel_mgr *, const char *, ...) PRINTF_LIKE(2, 3);

static void
mgr_driver_said(struct tunnel_mgr *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->drv_why, sizeof(m->drv_why), fmt, ap);
	va_end(ap);
	log_info("tunnel: driver auto: %s (%s)", m->drv->name, m->drv_why);
}

/*
 * Start the driver asked for; auto: kernel if this kernel makes ipip
 * devices, else bpf if its programs load, else userspace (not for NBMA).
 */
static int
mgr_driver_pick(struct tunnel_mgr *m)
{
	bool nbma = m->opts.style == TUNNEL_STYLE_NBMA;
	int rv, krv, brv;

	snprintf(m->drv_why, sizeof(m->drv_why), "configured");
	switch (m->opts.driver) {
	case TUNNEL_DRIVER_USERSPACE:
		return mgr_drv_open(m, &tunnel_driver_uspace);
	case TUNNEL_DRIVER_BPF:
		if ((rv = mgr_drv_open(m, &tunnel_driver_bpf)) < 0)
			log_warnx("tunnel: driver bpf: %s", mgr_bpf_why(rv));
		return rv;
	case TUNNEL_DRIVER_KERNEL:
		if ((rv = tunnel_kernel_probe(m->prefix)) < 0) {
			log_warnx("tunnel: driver kernel: this kernel cannot make ipip devices: %s",
			    strerror(-rv));
			return rv;
		}
		return mgr_drv_open(m, &tunnel_driver_kernel);
	default:
		break;
	}
	if ((krv = tunnel_kernel_probe(m->prefix)) == 0) {
		if ((rv = mgr_drv_open(m, &tunnel_driver_kernel)) == 0)
			mgr_driver_said(m, "this kernel makes ipip devices");
		return rv;
	}
	if ((brv = mgr_drv_open(m, &tunnel_driver_bpf)) == 0) {
		mgr_driver_said(m, "this kernel cannot make ipip devices: %s; its tc BPF programs "
		    "loaded", strerror(-krv));
		return 0;
	}
	if (nbma) {
		log_warnx("tunnel: driver auto (style nbma needs kernel or bpf): this kernel "
		    "cannot make ipip devices: %s; bpf: %s", strerror(-krv), mgr_bpf_why(brv));
		return krv;
	}
	if ((rv = mgr_drv_open(m, &tunnel_driver_uspace)) == 0)
		mgr_driver_said(m, "this kernel cannot make ipip devices: %s; bpf: %s",
		    strerror(-krv), mgr_bpf_why(brv));
	return rv;
}

/* Set the multipath hash when configured; else note whether to warn later. */
static void
mgr_ecmp_start(struct tunnel_mgr *m)
{
	static const char *const names[] = { "unset", "layer3", "layer4" };
	int want = m->opts.ecmp_hash == TUNNEL_ECMP_HASH_LAYER4;
	int have = tunnel_ecmp_policy_read(), rv;

	if (have < 0) {
		log_warnx("tunnel: net.ipv4.fib_multipath_hash_policy: %s", strerror(-have));
		return;
	}
	m->ecmp_warn = m->opts.ecmp_hash == TUNNEL_ECMP_HASH_UNSET && have == 0;
	if (m->opts.ecmp_hash == TUNNEL_ECMP_HASH_UNSET || have == want)
		return;
	if ((rv = tunnel_ecmp_policy_write(want)) < 0)
		log_warnx("tunnel: ecmp-hash %s: cannot set net.ipv4.fib_multipath_hash_policy: %s",
		    names[m->opts.ecmp_hash], strerror(-rv));
	else
		log_info("tunnel: ecmp-hash %s: net.ipv4.fib_multipath_hash_policy %d -> %d",
		    names[m->opts.ecmp_hash], have, want);
}

void
tunnel_ecmp_in_use(struct tunnel_mgr *m)
{
	if (m == NULL || !m->ecmp_warn)
		return;
	m->ecmp_warn = false;
	log_warnx("tunnel: net.ipv4.fib_multipath_hash_policy is 0: ECMP over tunnels puts "
	    "every flow between two hosts on one tunnel; \"overlay ecmp-hash layer4\" sets it to 1");
}

static int
mgr_fw_start(struct tunnel_mgr *m)
{
	char why[256];
	int rv = 0;

	if (m->opts.firewall != TUNNEL_FIREWALL_NFTABLES)
		return 0;
	if ((m->fw = tunnel_fw_new(&rv, why, sizeof(why))) == NULL) {
		log_warnx("tunnel: firewall nftables: table ip %s: %s", TUNNEL_FW_TABLE, why);
		return rv;
	}
	log_info("tunnel: firewall nftables: table ip %s admits IP protocol 4 only from "
	    "our tunnels' endpoints", TUNNEL_FW_TABLE);
	return 0;
}

static void
mgr_filters_swept(unsigned n)
{
	if (n > 0)
		log_info("tunnel: removed %u ipip_decap filter(s) an earlier run left", n);
}

static int
mgr_start(struct tunnel_mgr *m, struct event_base *base)
{
	int rv = 0;

	m->base = base;
	if ((m->nl = tunnel_link_open(&rv)) == NULL ||
	    (m->mon = tunnel_link_monitor_open(&rv)) == NULL)
		return rv;
	m->mon_ev = event_new(base, tunnel_link_fd(m->mon), EV_READ | EV_PERSIST,
	    mgr_monitor_cb, m);
	if (m->mon_ev == NULL || event_add(m->mon_ev, NULL) < 0)
		return -ENOMEM;
	if ((rv = tunnel_link_dump(m->nl, mgr_found_add, &m->found)) < 0)
		return rv;
	if ((rv = mgr_driver_pick(m)) < 0)
		return rv;
	mgr_filters_swept(tunnel_bpf_sweep(m->nl));	/* whichever driver: none attached yet */
	mgr_ecmp_start(m);
	return mgr_fw_start(m);
}

struct tunnel_mgr *
tunnel_mgr_new(struct event_base *base, const struct tunnel_opts *opts, int *err)
{
	struct tunnel_mgr *m;
	int rv;

	if ((rv = mgr_opts_check(opts)) < 0) {
		*err = rv;
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("tunnel: manager");
	m->opts = *opts;
	strcpy(m->prefix, opts->prefix ? opts->prefix : TUNNEL_PREFIX_DEFAULT);
	m->opts.prefix = m->prefix;
	TAILQ_INIT(&m->tunnels);
	if ((rv = mgr_start(m, base)) < 0) {
		tunnel_mgr_free(m);
		*err = rv;
		return NULL;
	}
	return m;
}

/* Does another tunnel share this device (NBMA)? */
static bool
mgr_dev_is_shared(const struct tunnel_mgr *m, const struct tunnel *t)
{
	const struct tunnel *o;

	TAILQ_FOREACH(o, &m->tunnels, entry)
		if (o != t && o->drv_tun == t->drv_tun)
			return true;
	return false;
}

static void
mgr_tunnel_remove(struct tunnel_mgr *m, struct tunnel *t, bool keep)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];

	debugf(DEBUG_TUNNEL, "tunnel %s: %s -> %s removed%s", t->info.name,
	    inet_ntop(AF_INET, &t->info.local, l, sizeof(l)),
	    inet_ntop(AF_INET, &t->info.remote, r, sizeof(r)),
	    mgr_dev_is_shared(m, t) ? " (device still shared)" : keep ? " (device kept)" : "");
	TAILQ_REMOVE(&m->tunnels, t, entry);
	if (t->rx_underlay != 0)
		m->drv->underlay_put(m->drv_state, t->rx_underlay, keep);
	if (t->drv_tun != NULL && !mgr_dev_is_shared(m, t))	/* NULL: lost, not made again */
		m->drv->destroy(m->drv_state, t->drv_tun, keep);
	free(t);
}

void
tunnel_mgr_keep_on_exit(struct tunnel_mgr *m)
{
	if (m != NULL)
		m->opts.keep_on_exit = true;
}

void
tunnel_mgr_free(struct tunnel_mgr *m)
{
	struct tunnel *t;

	if (m == NULL)
		return;
	while ((t = TAILQ_FIRST(&m->tunnels)) != NULL)
		mgr_tunnel_remove(m, t, m->opts.keep_on_exit);
	if (m->drv)
		m->drv->close(m->drv_state, m->opts.keep_on_exit);
	tunnel_fw_free(m->fw, m->opts.keep_on_exit);
	if (m->mon_ev)
		event_free(m->mon_ev);
	tunnel_link_close(m->mon);
	tunnel_link_close(m->nl);
	free(m->found.v);
	free(m);
}

uint64_t
tunnel_mgr_remade(const struct tunnel_mgr *m)
{
	return m ? m->stats_remade : 0;
}

void
tunnel_mgr_set_change_cb(struct tunnel_mgr *m, tunnel_change_cb *cb, void *arg)
{
	m->cb = cb;
	m->cb_arg = arg;
}

const char *
tunnel_mgr_driver_name(const struct tunnel_mgr *m)
{
	return m->drv->name;
}

const char *
tunnel_mgr_driver_why(const struct tunnel_mgr *m)
{
	return m->drv_why;
}

/* Remove a device of an earlier run: 1 if it went, 0 if not (logged) or gone already. */
static unsigned
mgr_stale_del(struct link_nl *nl, const struct link_state *ls)
{
	int rv = tunnel_link_del(nl, ls->ifindex);

	if (rv == 0)
		log_info("tunnel %s: left by an earlier run, unused: removed", ls->name);
	else if (rv != -ENODEV)
		log_warnx("tunnel %s: left by an earlier run, unused: cannot remove: %s",
		    ls->name, strerror(-rv));
	return rv == 0;
}

/* Remove what fl holds unclaimed and empty it; how many went. */
static unsigned
mgr_found_prune(struct link_nl *nl, struct found_list *fl)
{
	unsigned n = 0;

	for (size_t i = 0; i < fl->n; i++)	/* after the dump: no request inside it */
		if (!fl->v[i].claimed)
			n += mgr_stale_del(nl, &fl->v[i].ls);
	fl->n = 0;
	return n;
}

unsigned
tunnel_mgr_prune(struct tunnel_mgr *m)
{
	return mgr_found_prune(m->nl, &m->found);
}

void
tunnel_stale_filters_sweep(void)
{
	struct link_nl *nl;
	int rv = 0;

	if ((nl = tunnel_link_open(&rv)) == NULL) {
		log_warnx("tunnel: cannot look for filters of an earlier run: %s", strerror(-rv));
		return;
	}
	mgr_filters_swept(tunnel_bpf_sweep(nl));
	tunnel_link_close(nl);
}

unsigned
tunnel_stale_devices_prune(void)
{
	struct found_list fl = { NULL, 0 };
	struct link_nl *nl;
	unsigned n;
	int rv = 0;

	if ((nl = tunnel_link_open(&rv)) == NULL || (rv = tunnel_link_dump(nl, mgr_found_add, &fl)) < 0)
		log_warnx("tunnel: cannot look for devices of an earlier run: %s", strerror(-rv));
	n = mgr_found_prune(nl, &fl);
	free(fl.v);
	tunnel_link_close(nl);
	return n;
}

void
tunnel_mgr_walk(const struct tunnel_mgr *m, void (*fn)(void *, const struct tunnel *), void *arg)
{
	const struct tunnel *t;

	TAILQ_FOREACH(t, &m->tunnels, entry)
		fn(arg, t);
}

size_t
tunnel_mgr_walk_from(const struct tunnel_mgr *m, uint64_t *after, size_t max,
    void (*fn)(void *, const struct tunnel *), void *arg)
{
	const struct tunnel *t;
	size_t n = 0;

	TAILQ_FOREACH(t, &m->tunnels, entry) {
		if (t->serial <= *after)
			continue;
		if (n == max)
			break;
		fn(arg, t);
		*after = t->serial;
		n++;
	}
	return n;
}

static struct tunnel *
mgr_tunnel_find(const struct tunnel_mgr *m, struct in_addr local, struct in_addr remote)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, &m->tunnels, entry)
		if (t->info.local.s_addr == local.s_addr && t->info.remote.s_addr == remote.s_addr)
			return t;
	return NULL;
}

/* Is a device of this name ours for these endpoints (1), absent (0), or someone else's? */
static int
mgr_name_check(struct tunnel_mgr *m, const struct tunnel_spec *s)
{
	struct link_state ls;
	struct in_addr l, r;
	int rv = tunnel_link_get(m->nl, s->name, &ls);

	if (rv == -ENODEV)
		return 0;
	if (rv < 0)
		return rv;
	if (tunnel_alias_parse(ls.alias, &l, &r) < 0 ||
	    l.s_addr != s->local.s_addr || r.s_addr != s->remote.s_addr)
		return -EEXIST;
	for (size_t i = 0; i < m->found.n; i++)
		if (m->found.v[i].ls.ifindex == ls.ifindex)
			m->found.v[i].claimed = true;
	return 1;
}

static int
mgr_spec_make(struct tunnel_mgr *m, struct tunnel *t, struct tunnel_spec *s)
{
	uint32_t mtu;
	int rv;

	*s = (struct tunnel_spec){ .local = t->info.local, .remote = t->info.remote };
	if (m->opts.style == TUNNEL_STYLE_NBMA)
		s->remote.s_addr = INADDR_ANY;	/* the device has no remote */
	if ((rv = tunnel_name_encode(m->prefix, s->local, s->remote, s->name)) < 0)
		return rv;
	rv = tunnel_link_underlay(m->nl, s->local, t->info.remote, &t->underlay, &mtu);
	if (rv == -EINVAL)
		return -EADDRNOTAVAIL;		/* the kernel refuses a source not ours */
	if (rv < 0)
		return rv;
	s->mtu = m->opts.mtu ? m->opts.mtu : mtu - TUNNEL_OVERHEAD;
	return s->mtu >= MTU_MIN ? 0 : -EMSGSIZE;
}

/* Create (or adopt) the device and bring it up with our alias and its MTU. */
static int
mgr_tunnel_create(struct tunnel_mgr *m, struct tunnel *t)
{
	char alias[TUNNEL_ALIAS_MAX];
	struct tunnel_spec s;
	int rv, ours;

	if ((rv = mgr_spec_make(m, t, &s)) < 0 || (ours = rv = mgr_name_check(m, &s)) < 0 ||
	    (rv = tunnel_alias_format(s.local, s.remote, alias, sizeof(alias))) < 0)
		return rv;
	rv = m->drv->create(m->drv_state, &s, &t->info.ifindex, &t->drv_tun);
	/* Ours but the driver cannot attach (another driver made it): recreate. */
	if (rv < 0 && ours && tunnel_link_del(m->nl, if_nametoindex(s.name)) == 0)
		rv = m->drv->create(m->drv_state, &s, &t->info.ifindex, &t->drv_tun);
	if (rv < 0)
		return rv;
	if ((rv = m->drv->set_mtu(m->drv_state, t->drv_tun, s.mtu)) < 0 ||
	    (rv = tunnel_link_setup(m->nl, t->info.ifindex, alias, s.mtu)) < 0) {
		m->drv->destroy(m->drv_state, t->drv_tun, false);
		return rv;
	}
	strcpy(t->info.name, s.name);
	t->info.mtu = s.mtu;
	t->info.adopted = ours == 1;
	return 0;
}

/*
 * Tell the driver where this tunnel's packets arrive (bpf: ipip_decap
 * there): the device of the route to its remote - for an NBMA tunnel that
 * shares a device, its own route, which may differ from the first one's.
 */
static int
mgr_rx_underlay_get(struct tunnel_mgr *m, struct tunnel *t, bool shared)
{
	unsigned ifindex = t->underlay;
	uint32_t mtu;
	int rv;

	if (m->drv->underlay_get == NULL)
		return 0;
	if (shared && (rv = tunnel_link_underlay(m->nl, t->info.local, t->info.remote,
	    &ifindex, &mtu)) < 0)
		return rv;
	if ((rv = m->drv->underlay_get(m->drv_state, ifindex)) < 0)
		return rv;
	t->rx_underlay = ifindex;
	return 0;
}

/* NBMA: the device of another tunnel from the same local, if there is one. */
static bool
mgr_nbma_share(const struct tunnel_mgr *m, struct tunnel *t)
{
	const struct tunnel *o;

	if (m->opts.style != TUNNEL_STYLE_NBMA)
		return false;
	TAILQ_FOREACH(o, &m->tunnels, entry) {
		if (o->info.local.s_addr != t->info.local.s_addr)
			continue;
		t->info = (struct tunnel_info){ .ifindex = o->info.ifindex, .mtu = o->info.mtu,
		    .local = t->info.local, .remote = t->info.remote, .adopted = o->info.adopted };
		strcpy(t->info.name, o->info.name);
		t->underlay = o->underlay;
		t->drv_tun = o->drv_tun;
		return true;
	}
	return false;
}

static int
mgr_fw_add(struct tunnel_mgr *m, const struct tunnel *t)
{
	int rv;

	if (m->fw == NULL || (rv = tunnel_fw_endpoint_add(m->fw, t->info.local, t->info.remote)) == 0)
		return 0;
	log_warnx("tunnel %s: firewall: cannot admit its endpoint: %s", t->info.name,
	    tunnel_fw_error(m->fw));
	return rv;
}

static void
mgr_fw_del(struct tunnel_mgr *m, const struct tunnel *t)
{
	if (m->fw != NULL && tunnel_fw_endpoint_del(m->fw, t->info.local, t->info.remote) < 0)
		log_warnx("tunnel %s: firewall: cannot remove its endpoint: %s", t->info.name,
		    tunnel_fw_error(m->fw));
}

/* `debug tunnel`: one line per tunnel made (or adopted, or sharing a device). */
static void
mgr_tunnel_debug(const struct tunnel *t, bool shared)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];

	debugf(DEBUG_TUNNEL, "tunnel %s: %s -> %s %s, ifindex %u, mtu %u", t->info.name,
	    inet_ntop(AF_INET, &t->info.local, l, sizeof(l)),
	    inet_ntop(AF_INET, &t->info.remote, r, sizeof(r)),
	    shared ? "shares its device" : t->info.adopted ? "adopted" : "created",
	    t->info.ifindex, t->info.mtu);
}

struct tunnel *
tunnel_get(struct tunnel_mgr *m, struct in_addr local, struct in_addr remote, int *err)
{
	struct tunnel *t = mgr_tunnel_find(m, local, remote);
	bool shared;
	int rv;

	if (t != NULL) {
		t->info.users++;
		return t;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		fatal("tunnel: new");
	t->info.local = local;
	t->info.remote = remote;
	if (!(shared = mgr_nbma_share(m, t)) && (rv = mgr_tunnel_create(m, t)) < 0) {
		free(t);
		*err = rv;
		return NULL;
	}
	mgr_tunnel_debug(t, shared);
	t->info.users = 1;
	t->info.onlink = m->opts.style == TUNNEL_STYLE_NBMA;
	t->serial = ++m->serials;
	TAILQ_INSERT_TAIL(&m->tunnels, t, entry);
	if ((rv = mgr_rx_underlay_get(m, t, shared)) < 0 || (rv = mgr_fw_add(m, t)) < 0) {
		mgr_tunnel_remove(m, t, false);
		*err = rv;
		return NULL;
	}
	return t;
}

void
tunnel_put(struct tunnel_mgr *m, struct tunnel *t)
{
	bool keep = m->opts.keep_on_exit;	/* a graceful stop: the overlay lets go */

	if (t == NULL || --t->info.users > 0)
		return;
	if (!keep)
		mgr_fw_del(m, t);
	mgr_tunnel_remove(m, t, keep);
}

const struct tunnel_info *
tunnel_info(const struct tunnel *t)
{
	return &t->info;
}

void
tunnel_counters_get(const struct tunnel_mgr *m, const struct tunnel *t,
    struct tunnel_counters *c)
{
	if (t->drv_tun == NULL) {
		*c = (struct tunnel_counters){ 0 };
		return;
	}
	m->drv->counters(m->drv_state, t->drv_tun, c);
}

void
tunnel_mgr_drops(const struct tunnel_mgr *m, struct tunnel_drops *d)
{
	m->drv->drops(m->drv_state, d);
}

static void
mgr_notify(struct tunnel_mgr *m, const struct tunnel *t, enum tunnel_change what)
{
	if (m->cb)
		m->cb(m->cb_arg, t, what);
}

/* The underlay's MTU moved: follow it unless the MTU is fixed. */
static void
mgr_underlay_changed(struct tunnel_mgr *m, struct tunnel *t, uint32_t underlay_mtu)
{
	uint32_t mtu = underlay_mtu - TUNNEL_OVERHEAD;
	int rv;

	if (m->opts.mtu || underlay_mtu < MTU_MIN + TUNNEL_OVERHEAD || mtu == t->info.mtu)
		return;
	if ((rv = m->drv->set_mtu(m->drv_state, t->drv_tun, mtu)) < 0 ||
	    (rv = tunnel_link_set_mtu(m->nl, t->info.ifindex, mtu)) < 0) {
		log_warnx("tunnel %s: mtu %u: %s", t->info.name, mtu, strerror(-rv));
		(void)m->drv->set_mtu(m->drv_state, t->drv_tun, t->info.mtu);	/* as before */
		return;
	}
	t->info.mtu = mtu;
	mgr_notify(m, t, TUNNEL_CHANGE_MTU);
}

/*
 * Our device ifindex was deleted by someone else (`ip link del`): make it
 * again for every tunnel that used it (NBMA: several share one), so their
 * routes can come back (TUNNEL_CHANGE_UP with the new ifindex); a tunnel
 * whose device cannot be made again is reported TUNNEL_CHANGE_DOWN.
 */
static void
mgr_device_lost(struct tunnel_mgr *m, unsigned ifindex)
{
	struct tunnel *t, *next, *made = NULL;
	void *old = NULL;
	int rv;

	TAILQ_FOREACH(t, &m->tunnels, entry)
		if (t->info.ifindex == ifindex) {
			old = t->drv_tun;
			break;
		}
	if (old == NULL)
		return;
	log_warnx("tunnel %s: device removed by someone else; making it again", t->info.name);
	m->drv->destroy(m->drv_state, old, true);	/* the device is gone already */
	TAILQ_FOREACH(t, &m->tunnels, entry) {		/* every sharer on the new device first */
		if (t->drv_tun != old)
			continue;
		t->drv_tun = NULL;
		t->lost = true;
		if (made != NULL) {			/* NBMA: share the new device */
			t->info.ifindex = made->info.ifindex;
			t->drv_tun = made->drv_tun;
		} else if ((rv = mgr_tunnel_create(m, t)) == 0) {
			made = t;
			m->stats_remade++;
		} else {
			log_warnx("tunnel %s: cannot make it again: %s", t->info.name, strerror(-rv));
			t->info.ifindex = 0;
		}
	}
	/* Then the news: the callback may tunnel_put() the tunnel it is told about. */
	for (t = TAILQ_FIRST(&m->tunnels); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (!t->lost)
			continue;
		t->lost = false;
		mgr_notify(m, t, t->drv_tun != NULL ? TUNNEL_CHANGE_UP : TUNNEL_CHANGE_DOWN);
	}
}

static void
mgr_link_event(void *arg, const struct link_state *ls, bool deleted)
{
	struct tunnel_mgr *m = arg;
	struct tunnel *t, *next;

	if (deleted) {
		mgr_device_lost(m, ls->ifindex);
		return;
	}
	for (t = TAILQ_FIRST(&m->tunnels); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (t->underlay == ls->ifindex && ls->mtu)
			mgr_underlay_changed(m, t, ls->mtu);
	}
}

/* Link events were lost (ENOBUFS): ask again for every tunnel's underlay. */
static void
mgr_resync(struct tunnel_mgr *m)
{
	struct tunnel *t, *next;
	uint32_t mtu;

	for (t = TAILQ_FIRST(&m->tunnels); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (tunnel_link_underlay(m->nl, t->info.local, t->info.remote,
		    &t->underlay, &mtu) == 0)
			mgr_underlay_changed(m, t, mtu);
	}
}

static void
mgr_monitor_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel_mgr *m = arg;
	int rv = tunnel_link_monitor_read(m->mon, mgr_link_event, m);

	if (rv == -ENOBUFS) {
		log_warnx("tunnel: link monitor lost events; rechecking underlays");
		mgr_resync(m);
	} else if (rv < 0 && rv != -EAGAIN) {
		log_warnx("tunnel: link monitor: %s", strerror(-rv));
	}
}
