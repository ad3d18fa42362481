/*
 * tunnel/bpfdrv.c - the "bpf" driver: the kernel does IPIP through two tc
 * BPF programs we load (tunnel/bpf/ipip.bpf.c, embedded at build time), on
 * kernels that cannot make ipip devices. Per tunnel, a TUN device that we
 * hold open (so that it has carrier and routes and nexthop objects may use
 * it; we read only packets too big for the underlay path, below) with TSO offered (TCP hands it 64 KB super-packets,
 * which stay one skb through the encapsulation); ipip_encap on its tc
 * egress. ipip_decap on the tc ingress of each tunnel's underlay device,
 * the device of the route to its remote (underlay_get: per (local, remote),
 * so NBMA tunnels sharing a TUN may name several), shared and counted per
 * device. A tunnel's packet that arrives elsewhere (asymmetric underlay
 * routing, a route that moved) reaches the stack and our raw protocol-4
 * socket: the event loop decapsulates it into the TUN (the slow path, as
 * the userspace driver would) and attaches ipip_decap to the device it came
 * in on, so the next ones take the fast path (bpfd_learn; such devices keep
 * the filter while any tunnel exists). The maps say which tunnel is
 * which (ipip_bpf.h): encap by the device's ifindex, decap by the outer
 * (destination, source), protocol-4 drops by local address.
 *
 * Our tc filters carry handle and priority BPFD_TC_ID on clsact; ipip_decap
 * filters of an earlier run (one that died) are removed from every device
 * by tunnel_bpf_sweep, which the manager runs at start whatever the driver.
 * Wherever we take a filter of ours off, the clsact goes too
 * if it is left with no filter and no chain of anyone's
 * (bpfd_clsact_del_if_empty), whoever made it. Each TUN is persistent so
 * that a graceful stop can leave it, its filter and the running programs in
 * place; the next run attaches to it and replaces the filter. Needs Linux >= 6.3 (bpf_skb_adjust_room
 * with BPF_F_ADJ_ROOM_DECAP_L3_IPV4). Never logs; libbpf is kept quiet.
 *
 * PMTU: the raw protocol-4 socket (also the slow path) lets the kernel learn
 * the underlay path MTU from ICMP; ipip_encap sees it in its fib lookup and
 * leaves a DF packet too big for it in the TUN, where the event loop reads
 * it and answers with an ICMP fragmentation needed (bpfd_tun_read_cb).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "tunnel/driver.h"
#include "tunnel/gso.h"
#include "tunnel/ipip.h"
#include "tunnel/icmp.h"
#include "tunnel/link.h"
#include "tunnel/tun.h"

#ifdef IPIP_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tunnel/bpf/ipip_bpf.h"

extern const unsigned char ipip_bpf_obj[];	/* tunnel/bpf/ipip_bpf_obj.c, generated */
extern const size_t ipip_bpf_obj_len;

#define BPFD_TC_ID	0x1b9d		/* our filters' handle and priority */
#define BPFD_UNDER_MAX	64		/* underlay devices with ipip_decap */
#define BPFD_TTL	64		/* outer TTL when the inner one is 0 */
#define BPFD_PKT_MAX	65536		/* a TUN read: up to a GSO packet */
#define BPFD_READS	16		/* TUN reads per wake-up */

struct bpfd;

struct bpfd_tun {
	LIST_ENTRY(bpfd_tun) entry;	/* d->tuns */
	int		 fd;		/* the TUN, held for carrier; read for too-big packets */
	unsigned	 ifindex;
	struct ipip_bpf_key key;	/* decap key: (local, remote or 0) */
	struct bpfd	*d;
	struct event	*ev;
	struct icmp_budget icmp;	/* frag-needed rate limit */
	uint64_t	 slow_pkts, slow_bytes, slow_errors;	/* decapsulated by bpfd_raw_read_cb */
	uint32_t	 mtu;		/* the device's (set_mtu), 0: unknown */
};

/*
 * A device with ipip_decap: the device of some tunnel's route to its remote
 * (users: how many), or learned - a tunnel's packets came in there without
 * the filter (asymmetric underlay, a new route): kept while any tunnel is.
 * Not Ethernet: remembered so that we do not try again, slot otherwise idle.
 */
struct bpfd_under {
	unsigned	ifindex, users;
	bool		learned;	/* attached on a packet's arrival */
	bool		refused;	/* not Ethernet: decapsulated in user space */
};

struct bpfd {
	struct bpf_object	*obj;
	struct event_base	*base;
	int			 encap_prog, decap_prog, slow_prog;
	int			 encap_map, decap_map, local_map, stats_map, drops_map, pmtu_map;
	int			 ncpu;
	int			 raw;		/* protocol 4: PMTU learning, the slow path */
	struct link_nl		*nl;		/* counts a clsact's filters */
	struct event		*raw_ev;
	LIST_HEAD(, bpfd_tun)	 tuns;
	uint64_t		 slow_malformed, slow_no_tunnel;
	struct bpfd_under	 under[BPFD_UNDER_MAX];
	uint8_t			 pkt[BPFD_PKT_MAX];
};

static int
bpfd_quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

/* bpf_skb_adjust_room() decapsulates (DECAP_L3_IPV4) from Linux 6.3 on. */
static bool
bpfd_kernel_ok(void)
{
	struct utsname u;
	unsigned maj = 0, min = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return false;
	return maj > 6 || (maj == 6 && min >= 3);
}

static int
bpfd_fds(struct bpfd *d)
{
	struct bpf_program *e = bpf_object__find_program_by_name(d->obj, "ipip_encap");
	struct bpf_program *x = bpf_object__find_program_by_name(d->obj, "ipip_decap");
	struct bpf_program *sl = bpf_object__find_program_by_name(d->obj, "ipip_slow");

	if (e == NULL || x == NULL || sl == NULL)
		return -ENOENT;
	d->encap_prog = bpf_program__fd(e);
	d->decap_prog = bpf_program__fd(x);
	d->slow_prog = bpf_program__fd(sl);
	d->encap_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_encap_map");
	d->decap_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_decap_map");
	d->local_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_local_map");
	d->stats_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_stats_map");
	d->drops_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_drops_map");
	d->pmtu_map = bpf_object__find_map_fd_by_name(d->obj, "ipip_pmtu_map");
	if (d->encap_map < 0 || d->decap_map < 0 || d->local_map < 0 ||
	    d->stats_map < 0 || d->drops_map < 0 || d->pmtu_map < 0)
		return -ENOENT;
	return 0;
}

/*
 * Is the filter BPFD_TC_ID on ifindex's ingress an ipip_decap (of any run)?
 * By the name libbpf gave it ("ipip_decap:[ID]"), from a filter dump: asking
 * the program itself by id needs CAP_SYS_ADMIN, which the unit leaves out.
 */
static bool
bpfd_filter_is_decap(struct link_nl *nl, unsigned ifindex)
{
	static const char decap[] = "ipip_decap";
	char name[64];

	return tunnel_link_clsact_bpf_name(nl, ifindex, TC_H_MIN_INGRESS, BPFD_TC_ID, BPFD_TC_ID,
	    name, sizeof(name)) == 0 && strncmp(name, decap, sizeof(decap) - 1) == 0 &&
	    (name[sizeof(decap) - 1] == '\0' || name[sizeof(decap) - 1] == ':');
}

/*
 * Our filter just left ifindex: remove its clsact qdisc if no filter and no
 * chain (a chain template is someone's configuration) of anyone's is left
 * on either hook; one that holds either is never touched. Whoever made it:
 * tc keeps no owner, and one our filter sat on and that serves nothing now
 * is taken for ours (doc/tunnels.md says the limits). Someone who adds a
 * filter between the count and the removal loses it (tc offers no "delete
 * if empty").
 */
static void
bpfd_clsact_del_if_empty(struct link_nl *nl, unsigned ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = (int)ifindex,
	    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	unsigned n;

	if (tunnel_link_clsact_count(nl, ifindex, &n) == 0 && n == 0)
		(void)bpf_tc_hook_destroy(&h);
}

/*
 * Remove the ipip_decap filters an earlier run left (it died, or stopped
 * gracefully), and the clsact each sat on once nothing is left on it.
 * Also without a driver (tunnel_stale_filters_sweep): needs no object of
 * ours loaded, and no capability beyond CAP_NET_ADMIN.
 */
unsigned
tunnel_bpf_sweep(struct link_nl *nl)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	unsigned n = 0;

	libbpf_set_print(bpfd_quiet);
	for (i = ifs; i != NULL && i->if_index != 0; i++) {
		LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = (int)i->if_index,
		    .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = BPFD_TC_ID, .priority = BPFD_TC_ID);

		if (bpfd_filter_is_decap(nl, i->if_index) && bpf_tc_detach(&h, &o) == 0) {
			bpfd_clsact_del_if_empty(nl, i->if_index);
			n++;
		}
	}
	if (ifs != NULL)
		if_freenameindex(ifs);
	return n;
}

/*
 * The raw protocol-4 socket: through it the kernel learns an underlay path
 * MTU from an ICMP about our outer packets (it does so only when some socket
 * of that protocol hears the error, raw_err), which ipip_encap reads through
 * bpf_fib_lookup(); and it receives what ipip_decap did not take - a
 * tunnel's packets on a device without the filter, with outer options, or
 * reassembled - for bpfd_raw_read_cb. Its filter, ipip_slow, lets only a
 * tunnel's packets up to us; the others are dropped in the kernel, counted.
 */
static int
bpfd_raw_open(int filter)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IPIP), rv;
	int on = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &filter, sizeof(filter)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0) {
		rv = -errno;
		close(fd);
		return rv;
	}
	return fd;
}

static bool
bpfd_under_busy(const struct bpfd_under *u)
{
	return u->users > 0 || u->learned || u->refused;
}

static struct bpfd_under *
bpfd_under_find(struct bpfd *d, unsigned ifindex)
{
	for (struct bpfd_under *u = d->under; u < d->under + BPFD_UNDER_MAX; u++)
		if (bpfd_under_busy(u) && u->ifindex == ifindex)
			return u;
	return NULL;
}

static struct bpfd_under *
bpfd_under_free_slot(struct bpfd *d)
{
	for (struct bpfd_under *u = d->under; u < d->under + BPFD_UNDER_MAX; u++)
		if (!bpfd_under_busy(u))
			return u;
	return NULL;
}

static int bpfd_attach(int prog, unsigned ifindex, enum bpf_tc_attach_point at);
static void bpfd_detach(struct bpfd *d, unsigned ifindex, enum bpf_tc_attach_point at);
static int bpfd_is_ether(unsigned ifindex);

/*
 * A slot for the device of a tunnel's route: a free one, else one that only
 * a packet's arrival took (refused: forgotten; learned: its filter goes, its
 * packets take the slow path until a slot is free again). Devices packets
 * merely came in on (any number of them, gone ones included) must not lock
 * tunnels out.
 */
static struct bpfd_under *
bpfd_under_claim(struct bpfd *d)
{
	struct bpfd_under *u, *learned = NULL;

	if ((u = bpfd_under_free_slot(d)) != NULL)
		return u;
	for (u = d->under; u < d->under + BPFD_UNDER_MAX; u++) {
		if (u->users == 0 && u->refused)
			return u;
		if (u->users == 0 && learned == NULL)
			learned = u;
	}
	if (learned != NULL) {
		bpfd_detach(d, learned->ifindex, BPF_TC_INGRESS);
		*learned = (struct bpfd_under){ 0 };
	}
	return learned;
}

/*
 * A tunnel's packet came in on ifindex and reached the stack, on a device
 * we have not put ipip_decap on (asymmetric underlay, a route that moved):
 * attach it there. A device we track already has it (what reaches the
 * stack there is what the program leaves to it: outer options, fragments),
 * or cannot take it (not Ethernet: it stays on the slow path).
 */
static void
bpfd_learn(struct bpfd *d, unsigned ifindex)
{
	struct bpfd_under *u;

	if (bpfd_under_find(d, ifindex) != NULL || (u = bpfd_under_free_slot(d)) == NULL)
		return;
	*u = (struct bpfd_under){ .ifindex = ifindex };
	if (bpfd_is_ether(ifindex) < 0 ||
	    bpfd_attach(d->decap_prog, ifindex, BPF_TC_INGRESS) < 0) {
		u->refused = true;
		return;
	}
	u->learned = true;
}

/* The last tunnel went: the learned devices lose their filter. */
static void
bpfd_unlearn(struct bpfd *d)
{
	for (struct bpfd_under *u = d->under; u < d->under + BPFD_UNDER_MAX; u++) {
		if (u->users == 0 && u->learned)
			bpfd_detach(d, u->ifindex, BPF_TC_INGRESS);
		u->learned = u->refused = false;
	}
}

/* The tunnel of (local, remote), else the NBMA one of (local, 0), as ipip_decap. */
static struct bpfd_tun *
bpfd_tun_of(struct bpfd *d, struct in_addr local, struct in_addr remote)
{
	struct bpfd_tun *t;

	LIST_FOREACH(t, &d->tuns, entry)
		if (t->key.local == local.s_addr && t->key.remote == remote.s_addr)
			return t;
	LIST_FOREACH(t, &d->tuns, entry)
		if (t->key.local == local.s_addr && t->key.remote == INADDR_ANY)
			return t;
	return NULL;
}

/* One packet from the raw socket into d->pkt; *ifindex: the device it came in on. */
static ssize_t
bpfd_raw_recv(struct bpfd *d, unsigned *ifindex)
{
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} ctl;
	struct iovec iov = { d->pkt, sizeof(d->pkt) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(d->raw, &m, 0);
	struct in_pktinfo pi;

	*ifindex = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); n >= 0 && c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (unsigned)pi.ipi_ifindex;
		}
	return n;
}

/*
 * The slow path, as ipip_decap does it: check, find the tunnel, ECN (RFC
 * 6040), and into the tunnel's TUN, which hands it to the stack as
 * received there. Then make the fast path take the next ones.
 */
static void
bpfd_slow_decap(struct bpfd *d, size_t len, unsigned ifindex)
{
	struct ipip_decap p;
	struct bpfd_tun *t;
	int segs;

	if (ipip_decap_parse(d->pkt, len, &p) < 0) {
		d->slow_malformed++;
		return;
	}
	if ((t = bpfd_tun_of(d, p.dst, p.src)) == NULL) {
		d->slow_no_tunnel++;
		return;
	}
	/* What the underlay's GRO joined goes in as the segments it was. */
	if (ipip_ecn_decap(&p) < 0 ||
	    (segs = gso_tcp_cut_write(t->fd, p.inner.p, p.inner.len, t->mtu)) < 0) {
		t->slow_errors++;
		return;
	}
	t->slow_pkts += (uint64_t)segs;
	t->slow_bytes += p.inner.len;
	if (ifindex != 0)
		bpfd_learn(d, ifindex);
}

static void
bpfd_raw_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bpfd *d = arg;
	unsigned ifindex;
	ssize_t n;

	for (unsigned i = 0; i < BPFD_READS; i++) {
		if ((n = bpfd_raw_recv(d, &ifindex)) < 0)
			return;
		bpfd_slow_decap(d, (size_t)n, ifindex);
	}
}

static void bpfd_close(void *drv, bool keep);

static int
bpfd_open(struct event_base *base, void **drv)
{
	struct bpfd *d;
	int rv;

	if (!bpfd_kernel_ok())
		return -EOPNOTSUPP;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -ENOMEM;
	d->base = base;
	d->raw = -1;
	LIST_INIT(&d->tuns);
	libbpf_set_print(bpfd_quiet);
	d->ncpu = libbpf_num_possible_cpus();
	d->obj = bpf_object__open_mem(ipip_bpf_obj, ipip_bpf_obj_len, NULL);
	if (d->obj == NULL)
		rv = -errno;
	else if ((rv = bpf_object__load(d->obj)) == 0)
		rv = bpfd_fds(d);
	if (rv == 0 && d->ncpu <= 0)
		rv = d->ncpu;
	if (rv == 0 && (d->raw = rv = bpfd_raw_open(d->slow_prog)) >= 0)
		rv = 0;
	if (rv == 0 && (d->nl = tunnel_link_open(&rv)) == NULL && rv == 0)
		rv = -ENOMEM;
	if (rv == 0 && ((d->raw_ev = event_new(base, d->raw, EV_READ | EV_PERSIST,
	    bpfd_raw_read_cb, d)) == NULL || event_add(d->raw_ev, NULL) < 0))
		rv = -ENOMEM;
	if (rv < 0) {
		bpfd_close(d, false);
		return rv;
	}
	*drv = d;
	return 0;
}

static int
bpfd_attach(int prog, unsigned ifindex, enum bpf_tc_attach_point at)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = (int)ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = prog, .handle = BPFD_TC_ID,
	    .priority = BPFD_TC_ID, .flags = BPF_TC_F_REPLACE);
	int rv = bpf_tc_hook_create(&h);

	if (rv < 0 && rv != -EEXIST)
		return rv;
	return bpf_tc_attach(&h, &o);
}

/* Our filter goes; the clsact too if nothing of anyone's is left on it. */
static void
bpfd_detach(struct bpfd *d, unsigned ifindex, enum bpf_tc_attach_point at)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = (int)ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = BPFD_TC_ID, .priority = BPFD_TC_ID);

	(void)bpf_tc_detach(&h, &o);
	bpfd_clsact_del_if_empty(d->nl, ifindex);
}

/* ipip_decap reads a 14-byte Ethernet header: is ifindex an Ethernet device? */
static int
bpfd_is_ether(unsigned ifindex)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rv = 0;

	if (fd < 0)
		return -errno;
	if (if_indextoname(ifindex, ifr.ifr_name) == NULL || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rv = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		rv = -EOPNOTSUPP;
	close(fd);
	return rv;
}

/* +1 tunnel decapsulated on this underlay device; the first attaches ipip_decap. */
static int
bpfd_underlay_get(void *drv, unsigned ifindex)
{
	struct bpfd *d = drv;
	struct bpfd_under *u = bpfd_under_find(d, ifindex);
	int rv;

	if (u != NULL && (u->users > 0 || u->learned)) {
		u->users++;
		return 0;
	}
	if (u == NULL && (u = bpfd_under_claim(d)) == NULL)
		return -ENOSPC;
	if ((rv = bpfd_is_ether(ifindex)) < 0 ||
	    (rv = bpfd_attach(d->decap_prog, ifindex, BPF_TC_INGRESS)) < 0)
		return rv;
	*u = (struct bpfd_under){ .ifindex = ifindex, .users = 1 };
	return 0;
}

static void
bpfd_underlay_put(void *drv, unsigned ifindex, bool keep)
{
	struct bpfd *d = drv;
	struct bpfd_under *u = bpfd_under_find(d, ifindex);

	if (u == NULL || u->users == 0)
		return;
	if (--u->users == 0 && !keep && !u->learned)
		bpfd_detach(d, ifindex, BPF_TC_INGRESS);
}

/*
 * A clean stop takes every ipip_decap of ours off, a route's or learned,
 * whatever became of the TUNs (one deleted by someone and not made again
 * never reached bpfd_unlearn). A graceful stop (keep) leaves them all.
 */
static void
bpfd_close(void *drv, bool keep)
{
	struct bpfd *d = drv;

	for (struct bpfd_under *u = d->under; u < d->under + BPFD_UNDER_MAX; u++)
		if (!keep && (u->users > 0 || u->learned))
			bpfd_detach(d, u->ifindex, BPF_TC_INGRESS);
	tunnel_link_close(d->nl);
	if (d->raw_ev != NULL)
		event_free(d->raw_ev);
	if (d->raw >= 0)
		close(d->raw);
	bpf_object__close(d->obj);
	free(d);
}

/*
 * The TUN with forwarding on: bpf_fib_lookup(), which finds the underlay
 * device and an NBMA route's gateway, answers only for a device that
 * forwards.
 */
static int
bpfd_tun_open(const char *name, unsigned *ifindex)
{
	int fd = tun_open(name, false, ifindex), rv;

	if (fd >= 0 && (rv = tun_conf_set("ipv4", name, "forwarding")) < 0) {
		(void)ioctl(fd, TUNSETPERSIST, 0);
		close(fd);
		return rv;
	}
	return fd;
}

/* The maps' entries of a tunnel: stats first, so that the programs always find them. */
static int
bpfd_maps_add(struct bpfd *d, const struct bpfd_tun *t, const struct tunnel_spec *s)
{
	struct ipip_bpf_encap e = { .local = s->local.s_addr, .remote = s->remote.s_addr,
	    .ttl_default = BPFD_TTL };
	struct ipip_bpf_stats zero[d->ncpu];
	uint32_t n = 0;

	memset(zero, 0, sizeof(zero));
	(void)bpf_map_lookup_elem(d->local_map, &e.local, &n);
	n++;
	if (bpf_map_update_elem(d->stats_map, &t->ifindex, zero, BPF_ANY) < 0 ||
	    bpf_map_update_elem(d->encap_map, &t->ifindex, &e, BPF_ANY) < 0 ||
	    bpf_map_update_elem(d->decap_map, &t->key, &t->ifindex, BPF_ANY) < 0 ||
	    bpf_map_update_elem(d->local_map, &e.local, &n, BPF_ANY) < 0)
		return -errno;
	return 0;
}

static void
bpfd_maps_del(struct bpfd *d, const struct bpfd_tun *t)
{
	uint32_t n = 0;

	(void)bpf_map_delete_elem(d->decap_map, &t->key);
	(void)bpf_map_delete_elem(d->encap_map, &t->ifindex);
	(void)bpf_map_delete_elem(d->stats_map, &t->ifindex);
	(void)bpf_map_delete_elem(d->pmtu_map, &t->ifindex);
	if (bpf_map_lookup_elem(d->local_map, &t->key.local, &n) == 0 && n > 1) {
		n--;
		(void)bpf_map_update_elem(d->local_map, &t->key.local, &n, BPF_ANY);
	} else {
		(void)bpf_map_delete_elem(d->local_map, &t->key.local);
	}
}

/*
 * What ipip_encap left to us: DF packets too big for the underlay path.
 * Answer each sender with an ICMP fragmentation needed of the path MTU the
 * program saw minus 20, written into the TUN (so it arrives from where the
 * inner destination lives), as the kernel's ipip does; at most
 * ICMP_PER_SEC per tunnel and second.
 */
static void
bpfd_tun_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bpfd_tun *t = arg;
	uint8_t icmp[ICMP_FRAG_NEEDED_MAX];
	uint32_t mtu = 0;
	ssize_t n;
	int len;

	for (unsigned i = 0; i < BPFD_READS; i++) {
		if ((n = read(fd, t->d->pkt, sizeof(t->d->pkt))) <= 0)
			return;
		if (!icmp_budget_take(&t->icmp) ||
		    bpf_map_lookup_elem(t->d->pmtu_map, &t->ifindex, &mtu) < 0 ||
		    mtu < 68 + TUNNEL_OVERHEAD || mtu > 65535)
			continue;
		len = icmp_frag_needed(t->d->pkt, (size_t)n, (uint16_t)(mtu - TUNNEL_OVERHEAD), icmp);
		if (len > 0)
			(void)write(fd, icmp, (size_t)len);	/* a full queue loses it */
	}
}

static void bpfd_destroy(void *drv, void *tun, bool keep);

static int
bpfd_create(void *drv, const struct tunnel_spec *s, unsigned *ifindex, void **tun)
{
	struct bpfd *d = drv;
	struct bpfd_tun *t = calloc(1, sizeof(*t));
	int rv;

	if (t == NULL)
		return -ENOMEM;
	t->key = (struct ipip_bpf_key){ s->local.s_addr, s->remote.s_addr };
	t->d = d;
	if ((t->fd = bpfd_tun_open(s->name, &t->ifindex)) < 0) {
		rv = t->fd;
		free(t);
		return rv;
	}
	LIST_INSERT_HEAD(&d->tuns, t, entry);	/* bpfd_destroy takes it off */
	t->ev = event_new(d->base, t->fd, EV_READ | EV_PERSIST, bpfd_tun_read_cb, t);
	if (t->ev == NULL || event_add(t->ev, NULL) < 0)
		rv = -ENOMEM;
	else
		rv = 0;
	if (rv < 0 || (rv = bpfd_maps_add(d, t, s)) < 0 ||
	    (rv = bpfd_attach(d->encap_prog, t->ifindex, BPF_TC_EGRESS)) < 0) {
		bpfd_destroy(d, t, false);
		return rv;
	}
	*ifindex = t->ifindex;
	*tun = t;
	return 0;
}

/*
 * keep: the device, its filter and the programs stay (they hold the maps),
 * so the tunnel carries traffic until the next run takes it over. The
 * manager also says keep for a device someone else deleted: its entries go.
 */
static void
bpfd_destroy(void *drv, void *tun, bool keep)
{
	struct bpfd *d = drv;
	struct bpfd_tun *t = tun;
	char name[IFNAMSIZ];
	bool gone = if_indextoname(t->ifindex, name) == NULL;

	LIST_REMOVE(t, entry);
	if (!keep && LIST_EMPTY(&d->tuns))
		bpfd_unlearn(d);
	if (!keep || gone)
		bpfd_maps_del(d, t);
	if (!keep)
		(void)ioctl(t->fd, TUNSETPERSIST, 0);	/* gone when closed, filter with it */
	if (t->ev != NULL)
		event_free(t->ev);
	close(t->fd);
	free(t);
}

static int
bpfd_set_mtu(void *drv, void *tun, uint32_t mtu)
{
	struct bpfd_tun *t = tun;

	if (mtu < 68 || mtu > 65535 - TUNNEL_OVERHEAD)
		return -EINVAL;
	t->mtu = mtu;			/* the slow path cuts to it */
	return 0;
}

static void
bpfd_counters(void *drv, const void *tun, struct tunnel_counters *c)
{
	struct bpfd *d = drv;
	const struct bpfd_tun *t = tun;
	struct ipip_bpf_stats s[d->ncpu];

	*c = (struct tunnel_counters){ .pkts_in = t->slow_pkts, .bytes_in = t->slow_bytes,
	    .errors_in = t->slow_errors };
	if (bpf_map_lookup_elem(d->stats_map, &t->ifindex, s) < 0)
		return;
	for (int i = 0; i < d->ncpu; i++) {
		c->pkts_in += s[i].pkts_in, c->bytes_in += s[i].bytes_in;
		c->errors_in += s[i].errors_in, c->pkts_out += s[i].pkts_out;
		c->bytes_out += s[i].bytes_out, c->errors_out += s[i].errors_out;
	}
}

static void
bpfd_drops(void *drv, struct tunnel_drops *out)
{
	struct bpfd *d = drv;
	struct ipip_bpf_drops s[d->ncpu];
	uint32_t k = 0;

	*out = (struct tunnel_drops){ .malformed = d->slow_malformed, .no_tunnel = d->slow_no_tunnel };
	if (bpf_map_lookup_elem(d->drops_map, &k, s) < 0)
		return;
	for (int i = 0; i < d->ncpu; i++)
		out->malformed += s[i].malformed, out->no_tunnel += s[i].no_tunnel;
}

#else	/* built without clang or libbpf (configure --disable-bpf) */

static int
bpfd_open(struct event_base *base, void **drv)
{
	return -EOPNOTSUPP;
}

static void bpfd_close(void *drv, bool keep) { }
static int bpfd_create(void *drv, const struct tunnel_spec *s, unsigned *ifindex,
    void **tun) { return -EOPNOTSUPP; }
static void bpfd_destroy(void *drv, void *tun, bool keep) { }
static int bpfd_set_mtu(void *drv, void *tun, uint32_t mtu) { return -EOPNOTSUPP; }
static void bpfd_counters(void *drv, const void *tun, struct tunnel_counters *c)
{
	*c = (struct tunnel_counters){ 0 };
}
static void bpfd_drops(void *drv, struct tunnel_drops *d)
{
	*d = (struct tunnel_drops){ 0 };
}
static int bpfd_underlay_get(void *drv, unsigned ifindex) { return -EOPNOTSUPP; }
unsigned tunnel_bpf_sweep(struct link_nl *nl) { return 0; }
static void bpfd_underlay_put(void *drv, unsigned ifindex, bool keep) { }

#endif

const struct tunnel_driver tunnel_driver_bpf = {
	.name = "bpf",
	.open = bpfd_open,
	.close = bpfd_close,
	.create = bpfd_create,
	.destroy = bpfd_destroy,
	.set_mtu = bpfd_set_mtu,
	.counters = bpfd_counters,
	.drops = bpfd_drops,
	.underlay_get = bpfd_underlay_get,
	.underlay_put = bpfd_underlay_put,
};
