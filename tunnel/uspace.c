/*
 * tunnel/uspace.c - the user-space IPIP dataplane: a TUN device per tunnel
 * and one raw socket(AF_INET, SOCK_RAW, IPPROTO_IPIP) for all of them.
 *
 * Encapsulation (encap thread): packets read from the TUN devices (epoll,
 * a bounded number per device per round) go out in one sendmmsg() to the
 * tunnel's remote, behind an outer header we write (IP_HDRINCL: protocol 4,
 * DF, our local address, TTL inherited, ECN copied; the kernel adds ID and
 * checksum), as the kernel's ipip with pmtudisc and "ttl inherit" does
 * (RFC 2003 section 3.1; RFC 6040 section 4.1).
 * Decapsulation (decap thread): recvmmsg() on the raw socket, each packet
 * checked by ipip_decap_parse(), its tunnel found by (outer source, outer
 * destination) = (remote, local), the inner packet written to that TUN;
 * everything else is dropped and counted. TUNs are opened with IFF_VNET_HDR
 * so that consecutive TCP segments of one flow are written as one GSO
 * packet (gro.c), and TSO is offered so the kernel hands us TCP
 * super-packets that we cut ourselves (gso.c) straight into the sendmmsg
 * batch: TCP on both ends works per 64 KB, not per 1480 bytes.
 *
 * Threads: the two dataplane threads hold the read side of a rwlock while
 * they touch tunnels; the manager's thread takes the write side to add or
 * remove one (writers preferred, so a busy dataplane cannot starve it).
 * Counters are written by one thread each and read with relaxed atomics.
 * This file never logs: errors are counted or returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "tunnel/driver.h"
#include "tunnel/gro.h"
#include "tunnel/gso.h"
#include "tunnel/icmp.h"
#include "tunnel/tun.h"
#include "tunnel/ipip.h"

#define USP_TUN_MAX	1024		/* tunnels per manager */
#define USP_HASH	256
#define USP_BATCH	64		/* packets per sendmmsg/recvmmsg */
#define USP_PER_TUN	USP_BATCH	/* packets read from one TUN per round */
#define USP_BUF		65536
#define USP_SOCKBUF	(8 << 20)
#define USP_STOP_KEY	UINT64_MAX

struct usp_tun {
	int		 fd;
	unsigned	 slot;
	uint32_t	 gen;
	struct in_addr	 local, remote;
	uint32_t	 mtu;		/* the device's (set_mtu; atomic), 0: unknown */
	struct usp_tun	*hnext;
	uint64_t	 pkts_in, bytes_in, errors_in;		/* decap thread */
	uint64_t	 pkts_out, bytes_out, errors_out;	/* encap thread */
	struct icmp_budget	 icmp;					/* encap thread */
};

/* One thread's packet buffers and message headers. */
struct usp_batch {
	unsigned		 n;		/* messages filled */
	unsigned		 r;		/* read buffers used (encap) */
	struct usp_tun		*tun[USP_BATCH];
	struct mmsghdr		 msg[USP_BATCH];
	struct iovec		 iov[USP_BATCH][3];	/* outer header, inner headers, payload */
	struct sockaddr_in	 addr[USP_BATCH];
	union {
		char		 buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr	 align;
	} ctl[USP_BATCH];
	uint8_t			 outer[USP_BATCH][TUNNEL_OVERHEAD];
	uint8_t			 hdr[USP_BATCH][GSO_HDR_MAX];
	uint8_t			*pkt[USP_BATCH];
};

struct uspace {
	int			 raw, epfd, stopfd;
	uint8_t			 ttl_default;		/* outer TTL when the inner one is 0 */
	pthread_t		 encap_thr, decap_thr;
	unsigned		 threads;
	pthread_rwlock_t	 lock;
	uint32_t		 gen;
	struct usp_tun		*slot[USP_TUN_MAX];
	struct usp_tun		*hash[USP_HASH];
	uint64_t		 rx_unknown, rx_bad;		/* decap thread */
};

static void
stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static uint64_t
stat_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static unsigned
usp_hash_of(struct in_addr local, struct in_addr remote)
{
	uint32_t h = local.s_addr * 2654435761u ^ remote.s_addr * 2246822519u;

	return (h ^ h >> 16) % USP_HASH;
}

/* Decap lookup: outer source is the remote, outer destination the local. */
static struct usp_tun *
usp_tun_find(const struct uspace *u, struct in_addr src, struct in_addr dst)
{
	struct usp_tun *t = u->hash[usp_hash_of(dst, src)];

	while (t && (t->remote.s_addr != src.s_addr || t->local.s_addr != dst.s_addr))
		t = t->hnext;
	return t;
}

static struct usp_batch *
usp_batch_new(void)
{
	struct usp_batch *b = calloc(1, sizeof(*b));

	for (unsigned i = 0; b && i < USP_BATCH; i++)
		if ((b->pkt[i] = malloc(USP_BUF)) == NULL)
			abort();
	return b;
}

static void
usp_batch_free(struct usp_batch *b)
{
	for (unsigned i = 0; b && i < USP_BATCH; i++)
		free(b->pkt[i]);
	free(b);
}

/* ---- encapsulation: TUN -> raw socket ---- */

/*
 * The outer header (RFC 2003 section 3.1), as the kernel's ipip with
 * pmtudisc and "ttl inherit" writes it: DF, TTL from the inner packet (the
 * default when that is 0), ECN bits from it (RFC 6040 section 4.1). The
 * kernel fills in the ID and the checksum (IP_HDRINCL).
 */
static void
usp_outer_write(uint8_t *h, const struct usp_tun *t, const struct ipip_encap *e,
    size_t inner_len, uint8_t ttl_default)
{
	h[0] = 0x45;
	h[1] = e->tos;
	h[2] = (uint8_t)((TUNNEL_OVERHEAD + inner_len) >> 8);
	h[3] = (uint8_t)(TUNNEL_OVERHEAD + inner_len);
	h[4] = h[5] = 0;			/* ID: the kernel's choice */
	h[6] = 0x40, h[7] = 0;			/* DF */
	h[8] = e->ttl > 0 ? e->ttl : ttl_default;
	h[9] = IPPROTO_IPIP;
	h[10] = h[11] = 0;
	memcpy(h + 12, &t->local, 4);
	memcpy(h + 16, &t->remote, 4);
}

/*
 * Outer header, address and control data of message b->n, whose inner
 * iovec (iov[1..iovcnt]) is already set. IP_PKTINFO still names the source
 * so that the route is looked up as for the header's source.
 */
static void
usp_msg_fill(struct usp_batch *b, struct usp_tun *t, const struct ipip_encap *e,
    size_t iovcnt, uint8_t ttl_default)
{
	unsigned i = b->n++;
	struct msghdr *m = &b->msg[i].msg_hdr;
	struct in_pktinfo pi = { .ipi_spec_dst = t->local };
	struct cmsghdr *c;
	size_t inner = 0;

	for (size_t k = 1; k <= iovcnt; k++)
		inner += b->iov[i][k].iov_len;
	usp_outer_write(b->outer[i], t, e, inner, ttl_default);
	b->iov[i][0] = (struct iovec){ b->outer[i], TUNNEL_OVERHEAD };
	b->tun[i] = t;
	b->addr[i] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = t->remote };
	*m = (struct msghdr){ .msg_name = &b->addr[i], .msg_namelen = sizeof(b->addr[i]),
	    .msg_iov = b->iov[i], .msg_iovlen = iovcnt + 1,
	    .msg_control = b->ctl[i].buf, .msg_controllen = sizeof(b->ctl[i].buf) };
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

/* The path MTU toward t's remote as the kernel knows it now (a PMTU
 * exception learned from an ICMP of the underlay included), or 0. */
static unsigned
usp_path_mtu(const struct usp_tun *t)
{
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_addr = t->local };
	struct sockaddr_in r = { .sin_family = AF_INET, .sin_addr = t->remote, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 0;
	socklen_t sl = sizeof(mtu);

	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&l, sizeof(l)) < 0 ||
	    connect(fd, (struct sockaddr *)&r, sizeof(r)) < 0 ||
	    getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &sl) < 0)
		mtu = 0;
	close(fd);
	return mtu > 0 ? (unsigned)mtu : 0;
}

/* Up to cap bytes of message m's inner packet (its iovec past the outer header), in order. */
static size_t
usp_iov_copy(const struct msghdr *m, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t k = 1; k < m->msg_iovlen && n < cap; k++) {
		size_t take = m->msg_iov[k].iov_len < cap - n ? m->msg_iov[k].iov_len : cap - n;

		memcpy(out + n, m->msg_iov[k].iov_base, take);
		n += take;
	}
	return n;
}

/*
 * Message i did not fit the underlay path (EMSGSIZE: the kernel learned a
 * smaller PMTU toward the remote from the underlay's own ICMP). Tell the
 * inner sender, as the kernel's ipip does, with an ICMP fragmentation-needed
 * carrying the path MTU minus the outer header, written into the tunnel
 * device; at most ICMP_PER_SEC per tunnel and second.
 */
static void
usp_frag_needed(struct usp_batch *b, unsigned i)
{
	struct usp_tun *t = b->tun[i];
	uint8_t inner[ICMP_FRAG_NEEDED_MAX], icmp[ICMP_FRAG_NEEDED_MAX], vnet[GSO_VNET_LEN] = { 0 };
	struct iovec iov[2] = { { vnet, sizeof(vnet) }, { icmp, 0 } };
	unsigned pmtu;
	int n;

	if (!icmp_budget_take(&t->icmp))		/* attempts: each costs a route lookup */
		return;
	if ((pmtu = usp_path_mtu(t)) < 68 + TUNNEL_OVERHEAD)
		return;
	n = icmp_frag_needed(inner, usp_iov_copy(&b->msg[i].msg_hdr, inner, sizeof(inner)),
	    (uint16_t)(pmtu - TUNNEL_OVERHEAD), icmp);
	if (n < 0)
		return;				/* no DF, an ICMP error, ...: nothing owed */
	iov[1].iov_len = (size_t)n;
	(void)writev(t->fd, iov, 2);		/* a full TUN queue loses it, as a router would */
}

/* sendmmsg the batch; a message the kernel refuses is counted and skipped. */
static void
usp_encap_flush(struct uspace *u, struct usp_batch *b)
{
	unsigned i = 0;
	int r;

	while (i < b->n) {
		r = sendmmsg(u->raw, &b->msg[i], b->n - i, 0);
		if (r <= 0) {
			if (r < 0 && errno == EMSGSIZE)
				usp_frag_needed(b, i);
			stat_add(&b->tun[i++]->errors_out, 1);
			continue;
		}
		for (unsigned k = i; k < i + (unsigned)r; k++) {
			stat_add(&b->tun[k]->pkts_out, 1);
			stat_add(&b->tun[k]->bytes_out, b->msg[k].msg_len);
		}
		i += (unsigned)r;
	}
	b->n = 0;
}

/* Cut a TCP super-packet (TSO from the TUN) into segments, flushing as the batch fills. */
static int
usp_encap_gso(struct uspace *u, struct usp_batch *b, struct usp_tun *t,
    const uint8_t *pkt, size_t len, uint16_t mss)
{
	struct ipip_encap e;
	struct gso_tcp g;
	size_t hl;

	if (ipip_encap_parse(pkt, len, &e) < 0 || gso_tcp_init(&g, pkt, len, mss) < 0)
		return -EBADMSG;
	for (;;) {
		if (b->n == USP_BATCH)
			usp_encap_flush(u, b);
		if (!gso_tcp_next(&g, b->hdr[b->n], &hl, &b->iov[b->n][2]))
			return 0;
		b->iov[b->n][1] = (struct iovec){ b->hdr[b->n], hl };
		usp_msg_fill(b, t, &e, 2, u->ttl_default);
	}
}

/* One read from a TUN: virtio_net_hdr, then an IPv4 packet or a TCP super-packet. */
static int
usp_encap_one(struct uspace *u, struct usp_batch *b, struct usp_tun *t, uint8_t *buf, size_t len)
{
	uint8_t *pkt = buf + GSO_VNET_LEN;
	size_t plen = len - GSO_VNET_LEN;
	struct ipip_encap e;
	struct gso_vnet v;

	if (gso_vnet_parse(buf, len, &v) < 0)
		return -EBADMSG;
	if ((v.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4)
		return usp_encap_gso(u, b, t, pkt, plen, v.gso_size);
	if (v.gso_type != VIRTIO_NET_HDR_GSO_NONE || ipip_encap_parse(pkt, plen, &e) < 0)
		return -EPROTONOSUPPORT;
	if ((v.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    gso_csum_finish(pkt, plen, v.csum_start, v.csum_offset) < 0)
		return -EBADMSG;
	if (b->n == USP_BATCH)
		usp_encap_flush(u, b);
	b->iov[b->n][1] = (struct iovec){ pkt, plen };
	usp_msg_fill(b, t, &e, 1, u->ttl_default);
	return 0;
}

/*
 * Read up to USP_PER_TUN packets from one TUN into the batch. A TUN whose
 * device was deleted under us polls as an error forever: stop watching it
 * (the manager hears of the deletion and tells the owner).
 */
static void
usp_encap_read(struct uspace *u, struct usp_batch *b, struct usp_tun *t)
{
	for (unsigned k = 0; k < USP_PER_TUN; k++) {
		ssize_t len;

		if (b->r == USP_BATCH) {	/* every read buffer in use: send, reuse */
			usp_encap_flush(u, b);
			b->r = 0;
		}
		if ((len = read(t->fd, b->pkt[b->r], USP_BUF)) < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				stat_add(&t->errors_out, 1);
				epoll_ctl(u->epfd, EPOLL_CTL_DEL, t->fd, NULL);
			}
			return;			/* EAGAIN: drained */
		}
		if (usp_encap_one(u, b, t, b->pkt[b->r++], (size_t)len) < 0)
			stat_add(&t->errors_out, 1);
	}
}

static struct usp_tun *
usp_slot_get(const struct uspace *u, uint64_t key)
{
	unsigned slot = (unsigned)(key & 0xffffffffu);
	struct usp_tun *t = slot < USP_TUN_MAX ? u->slot[slot] : NULL;

	return t && t->gen == (uint32_t)(key >> 32) ? t : NULL;
}

static void *
usp_encap_main(void *arg)
{
	struct uspace *u = arg;
	struct usp_batch *b = usp_batch_new();
	struct epoll_event ev[USP_BATCH];
	int n;

	for (;;) {
		if ((n = epoll_wait(u->epfd, ev, USP_BATCH, -1)) < 0)
			continue;		/* EINTR */
		pthread_rwlock_rdlock(&u->lock);
		for (int i = 0; i < n; i++) {
			struct usp_tun *t = usp_slot_get(u, ev[i].data.u64);

			if (ev[i].data.u64 == USP_STOP_KEY)
				goto out;
			if (t)
				usp_encap_read(u, b, t);
		}
		usp_encap_flush(u, b);
		b->r = 0;
		pthread_rwlock_unlock(&u->lock);
	}
out:
	pthread_rwlock_unlock(&u->lock);
	usp_batch_free(b);
	return NULL;
}

/* ---- decapsulation: raw socket -> TUN ---- */

/* Write a run of inner packets to its TUN as one (GSO) packet. */
static void
usp_decap_flush(struct usp_tun *t, struct gro_run *r)
{
	struct iovec *iov;
	int n;

	if (t == NULL)
		return;
	n = gro_run_finish(r, &iov, __atomic_load_n(&t->mtu, __ATOMIC_RELAXED));
	if (writev(t->fd, iov, n) < 0) {
		stat_add(&t->errors_in, r->n);
		return;
	}
	stat_add(&t->pkts_in, r->n);
	stat_add(&t->bytes_in, r->bytes);
}

/* Check one received packet and add it to the run, flushing the run it cannot join. */
static struct usp_tun *
usp_decap_one(struct uspace *u, const uint8_t *pkt, size_t len,
    struct usp_tun *cur, struct gro_run *r)
{
	struct ipip_decap d;
	struct usp_tun *t;

	if (ipip_decap_parse(pkt, len, &d) < 0) {
		stat_add(&u->rx_bad, 1);
		return cur;
	}
	if ((t = usp_tun_find(u, d.src, d.dst)) == NULL) {
		stat_add(&u->rx_unknown, 1);
		return cur;
	}
	if (ipip_ecn_decap(&d) < 0) {		/* outer CE on a Not-ECT packet */
		stat_add(&t->errors_in, 1);
		return cur;
	}
	if (t == cur && gro_run_add(r, d.inner.p, d.inner.len))
		return cur;
	usp_decap_flush(cur, r);
	gro_run_start(r, d.inner.p, d.inner.len);
	return t;
}

static void
usp_decap_batch(struct uspace *u, struct usp_batch *b, unsigned n, struct gro_run *r)
{
	struct usp_tun *cur = NULL;

	pthread_rwlock_rdlock(&u->lock);
	for (unsigned i = 0; i < n; i++)
		cur = usp_decap_one(u, b->pkt[i], b->msg[i].msg_len, cur, r);
	usp_decap_flush(cur, r);
	pthread_rwlock_unlock(&u->lock);
}

static void
usp_decap_arm(struct usp_batch *b)
{
	for (unsigned i = 0; i < USP_BATCH; i++) {
		b->iov[i][0] = (struct iovec){ b->pkt[i], USP_BUF };
		b->msg[i].msg_hdr = (struct msghdr){ .msg_iov = b->iov[i], .msg_iovlen = 1 };
	}
}

static void *
usp_decap_main(void *arg)
{
	struct uspace *u = arg;
	struct usp_batch *b = usp_batch_new();
	struct pollfd pf[2] = { { u->raw, POLLIN, 0 }, { u->stopfd, POLLIN, 0 } };
	struct gro_run *r = calloc(1, sizeof(*r));
	int n;

	if (r == NULL)
		abort();
	usp_decap_arm(b);
	for (;;) {
		if (poll(pf, 2, -1) < 0 || pf[1].revents)
			break;
		if ((n = recvmmsg(u->raw, b->msg, USP_BATCH, MSG_DONTWAIT, NULL)) > 0)
			usp_decap_batch(u, b, (unsigned)n, r);
	}
	free(r);
	usp_batch_free(b);
	return NULL;
}

/* ---- the driver ops, on the manager's thread ---- */

/*
 * The raw socket, and the TTL it would use by default. We write the outer
 * header (IP_HDRINCL: the kernel's raw send then copies once instead of
 * assembling the packet as for a datagram); IP_PMTUDISC_DO still makes a
 * packet larger than the path MTU fail with EMSGSIZE.
 */
static int
usp_raw_open(uint8_t *ttl_default)
{
	int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP), v, rv;
	socklen_t sl = sizeof(v);

	if (s < 0)
		return -errno;
	v = IP_PMTUDISC_DO;			/* DF on every outer header */
	rv = setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
	if (rv == 0 && (rv = getsockopt(s, IPPROTO_IP, IP_TTL, &v, &sl)) == 0)
		*ttl_default = v > 0 && v < 256 ? (uint8_t)v : 64;
	v = 1;
	if (rv == 0)
		rv = setsockopt(s, IPPROTO_IP, IP_HDRINCL, &v, sizeof(v));
	v = USP_SOCKBUF;
	if (rv == 0 && setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		rv = setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (rv == 0 && setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		rv = setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (rv < 0) {
		rv = -errno;
		close(s);
		return rv;
	}
	return s;
}

static int
usp_threads_start(struct uspace *u)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = USP_STOP_KEY };

	if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, u->stopfd, &ev) < 0)
		return -errno;
	if ((errno = pthread_create(&u->encap_thr, NULL, usp_encap_main, u)) != 0)
		return -errno;
	pthread_setname_np(u->encap_thr, "ipip-encap");
	u->threads = 1;
	if ((errno = pthread_create(&u->decap_thr, NULL, usp_decap_main, u)) != 0)
		return -errno;
	pthread_setname_np(u->decap_thr, "ipip-decap");
	u->threads = 2;
	return 0;
}

static void usp_close(void *drv, bool keep);

static int
usp_open(struct event_base *base, void **drv)
{
	struct uspace *u = calloc(1, sizeof(*u));
	pthread_rwlockattr_t a;
	int rv;

	if (u == NULL)
		return -ENOMEM;
	u->epfd = u->stopfd = -1;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&u->lock, &a);
	pthread_rwlockattr_destroy(&a);
	if ((u->raw = rv = usp_raw_open(&u->ttl_default)) < 0 ||
	    (u->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (u->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    (rv = usp_threads_start(u)) < 0) {
		rv = rv < 0 ? rv : -errno;
		usp_close(u, false);
		return rv;
	}
	*drv = u;
	return 0;
}

static void usp_destroy(void *drv, void *tun, bool keep);

/* The manager destroyed every tunnel first (keep or not): nothing else of ours is out there. */
static void
usp_close(void *drv, bool keep)
{
	struct uspace *u = drv;
	uint64_t one = 1;

	if (u->threads > 0 && write(u->stopfd, &one, sizeof(one)) < 0)
		abort();			/* cannot stop our own threads */
	if (u->threads > 0)
		pthread_join(u->encap_thr, NULL);
	if (u->threads > 1)
		pthread_join(u->decap_thr, NULL);
	for (unsigned i = 0; i < USP_TUN_MAX; i++)
		if (u->slot[i])
			usp_destroy(u, u->slot[i], false);
	if (u->raw >= 0)
		close(u->raw);
	if (u->epfd >= 0)
		close(u->epfd);
	if (u->stopfd >= 0)
		close(u->stopfd);
	pthread_rwlock_destroy(&u->lock);
	free(u);
}

static int
usp_slot_free(const struct uspace *u)
{
	for (unsigned i = 0; i < USP_TUN_MAX; i++)
		if (u->slot[i] == NULL)
			return (int)i;
	return -ENOSPC;
}

/* Publish t to both threads: slot + hash for decap, epoll for encap. */
static int
usp_tun_attach(struct uspace *u, struct usp_tun *t)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned h = usp_hash_of(t->local, t->remote);
	int rv = 0;

	pthread_rwlock_wrlock(&u->lock);
	t->gen = ++u->gen;
	ev.data.u64 = (uint64_t)t->gen << 32 | t->slot;
	if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, t->fd, &ev) < 0) {
		rv = -errno;
	} else {
		u->slot[t->slot] = t;
		t->hnext = u->hash[h];
		u->hash[h] = t;
	}
	pthread_rwlock_unlock(&u->lock);
	return rv;
}

static int
usp_create(void *drv, const struct tunnel_spec *s, unsigned *ifindex, void **tun)
{
	struct uspace *u = drv;
	struct usp_tun *t;
	int slot = usp_slot_free(u), rv;

	if (slot < 0)
		return slot;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	*t = (struct usp_tun){ .slot = (unsigned)slot, .local = s->local, .remote = s->remote };
	if ((t->fd = tun_open(s->name, true, ifindex)) < 0) {
		rv = t->fd;
		free(t);
		return rv;
	}
	if ((rv = usp_tun_attach(u, t)) < 0) {
		close(t->fd);
		free(t);
		return rv;
	}
	*tun = t;
	return 0;
}

static void
usp_tun_detach(struct uspace *u, struct usp_tun *t)
{
	struct usp_tun **pp = &u->hash[usp_hash_of(t->local, t->remote)];

	pthread_rwlock_wrlock(&u->lock);
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = t->hnext;
	u->slot[t->slot] = NULL;
	epoll_ctl(u->epfd, EPOLL_CTL_DEL, t->fd, NULL);
	pthread_rwlock_unlock(&u->lock);
}

static void
usp_destroy(void *drv, void *tun, bool keep)
{
	struct usp_tun *t = tun;

	usp_tun_detach(drv, t);
	if (!keep)
		(void)ioctl(t->fd, TUNSETPERSIST, 0);	/* gone when closed */
	close(t->fd);
	free(t);
}

/* The decap thread cuts what the underlay's GRO joined to this size (gro.h). */
static int
usp_set_mtu(void *drv, void *tun, uint32_t mtu)
{
	struct usp_tun *t = tun;

	if (mtu < 68 || mtu > USP_BUF - TUNNEL_OVERHEAD)
		return -EINVAL;
	__atomic_store_n(&t->mtu, mtu, __ATOMIC_RELAXED);
	return 0;
}

static void
usp_counters(void *drv, const void *tun, struct tunnel_counters *c)
{
	const struct usp_tun *t = tun;

	*c = (struct tunnel_counters){
		stat_read(&t->pkts_in), stat_read(&t->bytes_in), stat_read(&t->errors_in),
		stat_read(&t->pkts_out), stat_read(&t->bytes_out), stat_read(&t->errors_out),
	};
}

static void
usp_drops(void *drv, struct tunnel_drops *d)
{
	const struct uspace *u = drv;

	d->malformed = stat_read(&u->rx_bad);
	d->no_tunnel = stat_read(&u->rx_unknown);
}

const struct tunnel_driver tunnel_driver_uspace = {
	.name = "userspace",
	.open = usp_open,
	.close = usp_close,
	.create = usp_create,
	.destroy = usp_destroy,
	.set_mtu = usp_set_mtu,
	.counters = usp_counters,
	.drops = usp_drops,
};
