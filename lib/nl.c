/*
 * lib/nl.c - rtnetlink sockets: batched writes matched to their ACKs,
 * dumps that survive NLM_F_DUMP_INTR, monitors that report ENOBUFS.
 *
 * Only the last message of a batch asks for an ACK; the kernel answers a
 * failed message anyway, at once, and works through a batch in order, so an
 * answer also reports every earlier message of its batch as done (one answer
 * per batch to build and read instead of one per message). rtnetlink handles
 * a sendmsg synchronously, so when sendmsg returns every answer of that batch
 * is already queued on our socket: when the writer (lib/nl_writer.h: inline,
 * or a thread of its own) reports a batch sent, nl_sent() reads what is
 * queued (non-blocking), and a batch whose last answer is not there lost it
 * (its messages not yet answered are reported -ENOBUFS). A lost error would
 * pass for a success, so an overrun (ENOBUFS) reports every message already
 * sent as lost - at once, and again when the queue is first seen empty, the
 * kernel reporting no further drops until then; meanwhile an answer does not
 * vouch for the earlier messages of its batch (they are reported lost). With the thread, batches
 * are built on the loop's thread while the kernel works through the previous
 * ones; pending entries and ACKs stay on the loop's thread. Replies are
 * walked with rtnl_msg_next (cursor), never by pointer arithmetic, and the
 * walk goes on past each ACK to the end of the buffer (what STYLE 4's on_ack
 * returning MNL_CB_OK achieves). The event on the fd reads anything that
 * arrives between batches (monitor notifications, stray ACKs), a bounded
 * number of buffers per loop turn (STYLE 7).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <stddef.h>
#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/nl.h"
#include "lib/nl_writer.h"

#define NL_RX_SIZE	(64u * 1024)
#define NL_RX_TURN	64	/* receive buffers per event-loop turn */
#define NL_DUMP_WAIT_MS	5000

struct nl_pending {
	uint32_t	seq;
	uint32_t	from;		/* its batch's first sequence number */
	bool		used;
	void		*cookie;
};

struct nl {
	struct mnl_socket	*sock;
	struct event_base	*base;
	struct event		*ev;
	struct nl_writer	*w;		/* its current buffer is the batch */
	size_t			 limit;		/* bytes per sendmsg */
	uint32_t		 seq, portid;
	int			 send_err;	/* a failed sendmsg, not yet returned */
	size_t			 last_off;	/* the batch's last whole message: it asks for the ACK */
	bool			 congested;	/* ENOBUFS seen, the queue not empty since */
	bool			 cap_ack;
	struct nl_pending	*ring;		/* by seq % nring: every unacked message */
	uint32_t		 nring;
	nl_ack_fn		*ack_cb;
	void			*ack_arg;
	nl_msg_fn		*mon_cb;
	nl_overrun_fn		*ovr_cb;
	void			*mon_arg;
	uint64_t		 msgs, sends;
	uint64_t		 notified;	/* notifications handed to mon_cb */
	uint8_t			 rx[NL_RX_SIZE];
};

static void nl_read_cb(evutil_socket_t, short, void *);
static int nl_writer_setup(struct nl *, size_t limit, bool thread);

/* Large buffers: FORCE needs CAP_NET_ADMIN, the plain one is capped by rmem_max. */
static void
nl_bufs_size(int fd)
{
	int sz = (int)NL_SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

static int
nl_sock_setup(struct nl *nl, const unsigned *groups, size_t ngroups)
{
	int fd = mnl_socket_get_fd(nl->sock), one = 1;

	nl_bufs_size(fd);
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->cap_ack = mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one,
	    sizeof(one)) == 0;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	for (size_t i = 0; i < ngroups; i++)
		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
		    &(int){ (int)groups[i] }, sizeof(int)) < 0)
			return -1;
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

struct nl *
nl_new(struct event_base *base, const unsigned *groups, size_t ngroups)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int e;

	if (nl == NULL)
		return NULL;
	nl->seq = (uint32_t)time(NULL);
	nl->base = base;
	if ((nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL ||
	    nl_sock_setup(nl, groups, ngroups) < 0)
		goto fail;
	if ((e = nl_writer_setup(nl, MNL_SOCKET_BUFFER_SIZE, false)) < 0) {
		errno = -e;
		goto fail;
	}
	nl->ev = event_new(base, mnl_socket_get_fd(nl->sock), EV_READ | EV_PERSIST,
	    nl_read_cb, nl);
	if (nl->ev == NULL || event_add(nl->ev, NULL) < 0)
		goto fail;
	return nl;
fail:
	e = errno;
	nl_free(nl);
	errno = e;
	return NULL;
}

void
nl_free(struct nl *nl)
{
	if (nl == NULL)
		return;
	nl_writer_free(nl->w);		/* submitted batches reach the kernel */
	if (nl->ev != NULL)
		event_free(nl->ev);
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl->ring);
	free(nl);
}

static void nl_sent(void *, const struct nl_wbuf *);

/*
 * A new writer (buffers twice the limit, as a message that does not fit is
 * carried over) and a pending ring for every message that can be unacked:
 * a full buffer of the smallest messages in each buffer of the ring.
 */
static int
nl_writer_setup(struct nl *nl, size_t limit, bool thread)
{
	unsigned bufs = thread ? NL_WRITER_BUFS : 1;
	uint32_t nring = (uint32_t)(bufs * (limit / NLMSG_HDRLEN + 1) + 64);
	struct nl_pending *ring;
	struct nl_writer *w;

	if (nl->w != NULL && nl_writer_cur(nl->w)->len > 0)
		return -EBUSY;
	if ((ring = calloc(nring, sizeof(*ring))) == NULL)
		return -ENOMEM;
	if ((w = nl_writer_new(nl->base, mnl_socket_get_fd(nl->sock), 2 * limit, thread,
	    nl_sent, nl)) == NULL) {
		free(ring);
		return -errno;
	}
	if (nl->w != NULL)
		nl_writer_sync(nl->w);	/* every sent message reported: the ring is empty */
	nl_writer_free(nl->w);
	free(nl->ring);
	nl->w = w;
	nl->ring = ring;
	nl->nring = nring;
	nl->limit = limit;
	return 0;
}

int
nl_set_batch_limit(struct nl *nl, size_t limit)
{
	if (limit < (size_t)MNL_SOCKET_BUFFER_SIZE || limit > NL_BATCH_MAX)
		return -EINVAL;
	return nl_writer_setup(nl, limit, nl_writer_threaded(nl->w));
}

int
nl_set_writer_thread(struct nl *nl, bool on)
{
	return nl_writer_setup(nl, nl->limit, on);
}

int
nl_set_rcvbuf(struct nl *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl->sock);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return 0;
}

int
nl_set_sndbuf(struct nl *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl->sock);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return 0;
}

void
nl_set_ack_cb(struct nl *nl, nl_ack_fn *cb, void *arg)
{
	nl->ack_cb = cb;
	nl->ack_arg = arg;
}

void
nl_set_monitor_cb(struct nl *nl, nl_msg_fn *cb, nl_overrun_fn *ovr, void *arg)
{
	nl->mon_cb = cb;
	nl->ovr_cb = ovr;
	nl->mon_arg = arg;
}

uint32_t
nl_portid(const struct nl *nl)
{
	return nl->portid;
}

uint64_t
nl_stat_notified(const struct nl *nl)
{
	return nl->notified;
}

/*
 * A classic BPF filter on this socket: a message whose nlmsg_pid is the
 * writer's port is dropped in the kernel, before it is queued here. The
 * kernel stamps a notification with the port of the request that caused it,
 * so this is the echo of our own writes, whose ACKs already told us; what
 * others do (an operator, the kernel itself: pid 0) still comes. BPF loads
 * words big-endian, so the port is compared in network order.
 */
int
nl_ignore_echo_of(struct nl *mon, const struct nl *writer)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_pid)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(writer->portid), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),			/* ours: dropped */
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),		/* the rest: whole */
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(mnl_socket_get_fd(mon->sock), SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) < 0)
		return -errno;
	return 0;
}

uint64_t
nl_stat_msgs(const struct nl *nl)
{
	return nl->msgs;
}

uint64_t
nl_stat_sends(const struct nl *nl)
{
	return nl->sends;
}

/* ---- ACKs ---- */

static const struct rtnl_policy ack_pol[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { true, RTNL_STR, 0 },
};

/* The echoed request: its header only with CAP_ACK or on success. */
static int
nl_ack_skip_orig(struct cursor *c, bool cap_ack, int err)
{
	struct nlmsghdr orig;
	struct cursor t = *c;

	if (cur_bytes(&t, &orig, sizeof(orig)) < 0)
		return -EBADMSG;
	if (cap_ack || err == 0)
		return cur_skip(c, sizeof(orig));
	if (orig.nlmsg_len < sizeof(orig))
		return -EBADMSG;
	/* padded in size_t: a length near UINT32_MAX must not wrap to 0 */
	return cur_skip(c, ((size_t)orig.nlmsg_len + 3) & ~(size_t)3) < 0 ?
	    cur_skip(c, orig.nlmsg_len) : 0;
}

int
nl_ack_parse(const struct rtnl_msg *m, bool cap_ack, int *err, char *msg, size_t n)
{
	struct cursor c = m->body, tb[NLMSGERR_ATTR_MAX + 1];
	int32_t e;

	if (n > 0)
		msg[0] = '\0';
	if (cur_bytes(&c, &e, sizeof(e)) < 0 || e > 0 || e < -4095)
		return -EBADMSG;
	*err = e;
	if (nl_ack_skip_orig(&c, cap_ack, e) < 0)
		return -EBADMSG;
	if (!(m->flags & NLM_F_ACK_TLVS))
		return 0;
	if (rtnl_attrs_parse(c, ack_pol, NLMSGERR_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[NLMSGERR_ATTR_MSG].p != NULL && n > 0)
		strncpy(msg, (const char *)tb[NLMSGERR_ATTR_MSG].p, n - 1)[n - 1] = '\0';
	return 0;
}

static struct nl_pending *
nl_pending_of(struct nl *nl, uint32_t seq)
{
	struct nl_pending *p = &nl->ring[seq % nl->nring];

	return p->used && p->seq == seq ? p : NULL;
}

static void
nl_pending_done(struct nl *nl, struct nl_pending *p, int err, const char *msg)
{
	void *cookie = p->cookie;

	p->used = false;
	if (nl->ack_cb != NULL)
		nl->ack_cb(nl->ack_arg, cookie, err, msg);
}

/* Report every message still pending among sequence numbers from .. to - 1, in order. */
static void
nl_pending_range_done(struct nl *nl, uint32_t from, uint32_t to, int err, const char *msg)
{
	struct nl_pending *p;

	for (uint32_t s = from; s != to; s++)
		if ((p = nl_pending_of(nl, s)) != NULL)
			nl_pending_done(nl, p, err, msg);
}

/*
 * The answer to seq: an error, or the ACK that only a batch's last message
 * asks for. The kernel works through a batch in order and answers a
 * failure at once, so the messages of the batch before seq that are still
 * pending succeeded: they are reported first, in order.
 */
static void
nl_on_ack(struct nl *nl, const struct rtnl_msg *m)
{
	struct nl_pending *p = nl_pending_of(nl, m->seq);
	char msg[256];
	int err;

	if (p == NULL)
		return;			/* not ours, or already reported */
	if (nl_ack_parse(m, nl->cap_ack, &err, msg, sizeof(msg)) < 0)
		err = -EBADMSG;
	/* Congested, the kernel may have dropped their errors silently: lost, not done. */
	nl_pending_range_done(nl, p->from, m->seq, nl->congested ? -ENOBUFS : 0,
	    nl->congested ? "answers lost" : NULL);
	nl_pending_done(nl, p, err, msg[0] ? msg : NULL);
}

/*
 * The socket dropped answers (ENOBUFS): a lost error would pass for
 * success once its batch's ACK comes, so every message already handed to
 * the writer is reported lost now (the kernel reports the overrun before
 * any answer queued after it). Their answers, if any come, find nothing.
 */
static void
nl_pending_lose_sent(struct nl *nl)
{
	const struct nl_wbuf *cur = nl_writer_cur(nl->w);
	uint32_t end = cur->len > 0 ? cur->from : nl->seq + 1;	/* not sent from here */

	/* Everything outstanding is among the last nring sequence numbers. */
	nl_pending_range_done(nl, end - nl->nring, end, -ENOBUFS, "answers lost");
}

/* Every message in one receive buffer: ACKs to their cookies, the rest to mon_cb. */
static void
nl_rx(struct nl *nl, const uint8_t *buf, size_t n)
{
	struct cursor c = cur_init(buf, n);
	struct rtnl_msg m;

	while (cur_left(&c) > 0 && rtnl_msg_next(&c, &m) == 0) {
		if (m.type == NLMSG_ERROR)
			nl_on_ack(nl, &m);
		else if (m.type >= NLMSG_MIN_TYPE && nl->mon_cb != NULL) {
			nl->notified++;
			(void)nl->mon_cb(&m, nl->mon_arg);
		}
	}
}

/* recv said ENOBUFS: answers (or notifications) were dropped. */
static void
nl_overrun(struct nl *nl)
{
	nl_pending_lose_sent(nl);
	nl->congested = true;
	if (nl->ovr_cb != NULL)
		nl->ovr_cb(nl->mon_arg);
}

/*
 * After an overrun the kernel drops answers without reporting it again
 * until our receive queue has been empty once: what was sent meanwhile may
 * have lost answers too. Seen empty: report it lost, and trust what follows.
 */
static void
nl_uncongest(struct nl *nl)
{
	if (!nl->congested)
		return;
	nl->congested = false;
	nl_pending_lose_sent(nl);
}

/* Read what is queued, at most max buffers. 1 if more may wait, 0 if drained. */
static int
nl_drain(struct nl *nl, int max)
{
	ssize_t n;

	for (int i = 0; i < max; i++) {
		n = recv(mnl_socket_get_fd(nl->sock), nl->rx, sizeof(nl->rx), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			nl_overrun(nl);
			continue;
		}
		if (n <= 0) {
			nl_uncongest(nl);
			return 0;
		}
		nl_rx(nl, nl->rx, (size_t)n);
	}
	return 1;
}

static void
nl_read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	(void)nl_drain(arg, NL_RX_TURN);	/* level-triggered: the rest next turn */
}

static int
nl_take_err(struct nl *nl)
{
	int rv = nl->send_err;

	nl->send_err = 0;
	return rv;
}

/*
 * The writer sent b (on the loop's thread, in order). A failed sendmsg fails
 * each of its messages; otherwise every ACK of b is queued on the socket by
 * now (the kernel answered inside that sendmsg): read them, and what did not
 * come was dropped.
 */
static void
nl_sent(void *arg, const struct nl_wbuf *b)
{
	struct nl *nl = arg;

	if (b->err < 0) {
		nl_pending_range_done(nl, b->from, b->upto, b->err, NULL);
		if (nl->send_err == 0)
			nl->send_err = b->err;
		return;
	}
	while (nl_drain(nl, NL_RX_TURN) == 1)
		;
	/* What did not come (the batch's ACK at least) was dropped by a full receive buffer. */
	nl_pending_range_done(nl, b->from, b->upto, -ENOBUFS, "ACK lost");
}

/*
 * Close the current batch at messages from .. upto - 1, to be sent. Only
 * its last message asks for an ACK (errors are answered anyway): one answer
 * per batch instead of one per message, for the kernel to build and for us
 * to read.
 */
static void
nl_batch_close(struct nl *nl, uint32_t upto)
{
	struct nl_wbuf *b = nl_writer_cur(nl->w);

	b->upto = upto;
	((struct nlmsghdr *)(b->data + nl->last_off))->nlmsg_flags |= NLM_F_ACK;
	nl->sends++;
}

/* Hand the current batch to the writer: messages from .. upto - 1. */
static void
nl_submit(struct nl *nl, uint32_t upto, size_t carry)
{
	nl_batch_close(nl, upto);
	nl_writer_submit(nl->w, carry);
}

struct nlmsghdr *
nl_batch_begin(struct nl *nl, uint16_t type, uint16_t flags, void *cookie)
{
	struct nl_wbuf *b = nl_writer_cur(nl->w);
	struct nlmsghdr *h = mnl_nlmsg_put_header(b->data + b->len);
	struct nl_pending *p;

	h->nlmsg_type = type;
	h->nlmsg_flags = flags | NLM_F_REQUEST;		/* NLM_F_ACK: nl_batch_close */
	h->nlmsg_seq = ++nl->seq;
	if (b->len == 0)
		b->from = h->nlmsg_seq;
	p = &nl->ring[h->nlmsg_seq % nl->nring];
	*p = (struct nl_pending){ h->nlmsg_seq, b->from, true, cookie };
	nl->msgs++;
	return h;
}

int
nl_batch_end(struct nl *nl)
{
	struct nl_wbuf *b = nl_writer_cur(nl->w);
	size_t n = ((const struct nlmsghdr *)(b->data + b->len))->nlmsg_len;

	if (b->len == 0 || b->len + n <= nl->limit) {
		nl->last_off = b->len;
		b->len += n;
		return nl_take_err(nl);
	}
	/* The last message did not fit: send the others, keep it for the next. */
	nl_submit(nl, nl->seq, n);
	nl_writer_cur(nl->w)->from = nl->seq;
	nl->ring[nl->seq % nl->nring].from = nl->seq;
	nl->last_off = 0;
	return nl_take_err(nl);
}

int
nl_batch_flush(struct nl *nl)
{
	if (nl_writer_cur(nl->w)->len > 0)
		nl_submit(nl, nl->seq + 1, 0);
	return nl_take_err(nl);
}

int
nl_batch_flush_now(struct nl *nl)
{
	if (nl_writer_cur(nl->w)->len > 0) {
		nl_batch_close(nl, nl->seq + 1);
		nl_writer_send_now(nl->w);
	}
	return nl_take_err(nl);
}

int
nl_sync(struct nl *nl)
{
	int rv = nl_batch_flush(nl);

	nl_writer_sync(nl->w);
	return rv < 0 ? rv : nl_take_err(nl);
}

unsigned
nl_inflight(const struct nl *nl)
{
	return nl_writer_inflight(nl->w);
}

bool
nl_has_writer_thread(const struct nl *nl)
{
	return nl_writer_threaded(nl->w);
}

/* ---- dumps ---- */

struct nl_dump_state {
	uint32_t	 seq;
	nl_msg_fn	*cb;
	void		*arg;
	bool		 done, intr;
	int		 err;
};

static void
nl_dump_one(struct nl *nl, struct nl_dump_state *d, const struct rtnl_msg *m)
{
	struct cursor c = m->body;
	int32_t e = 0;

	if (m->seq != d->seq || m->pid != nl->portid) {
		if (m->type == NLMSG_ERROR)
			nl_on_ack(nl, m);
		else if (m->type >= NLMSG_MIN_TYPE && nl->mon_cb != NULL)
			(void)nl->mon_cb(m, nl->mon_arg);
		return;
	}
	if (m->flags & NLM_F_DUMP_INTR)
		d->intr = true;
	if (m->type == NLMSG_DONE || m->type == NLMSG_ERROR) {
		d->done = true;
		if (cur_bytes(&c, &e, sizeof(e)) == 0 && e < 0 && d->err == 0)
			d->err = e;
		return;
	}
	if (m->type >= NLMSG_MIN_TYPE && d->err == 0)
		d->err = d->cb(m, d->arg);
}

static int
nl_dump_read(struct nl *nl, struct nl_dump_state *d)
{
	struct pollfd pfd = { mnl_socket_get_fd(nl->sock), POLLIN, 0 };
	struct cursor c;
	struct rtnl_msg m;
	ssize_t n;

	while (!d->done) {
		if (poll(&pfd, 1, NL_DUMP_WAIT_MS) == 0)
			return -ETIMEDOUT;
		n = recv(pfd.fd, nl->rx, sizeof(nl->rx), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			int e = errno;

			if (e == ENOBUFS)
				nl_overrun(nl);	/* and the dump itself is incomplete */
			return -e;
		}
		c = cur_init(nl->rx, (size_t)n);
		while (cur_left(&c) > 0 && rtnl_msg_next(&c, &m) == 0)
			nl_dump_one(nl, d, &m);
	}
	return d->err;
}

static int
nl_dump_once(struct nl *nl, struct nlmsghdr *req, nl_msg_fn *cb, void *arg)
{
	struct nl_dump_state d = { .cb = cb, .arg = arg };

	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = d.seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	if ((d.err = nl_dump_read(nl, &d)) < 0)
		return d.err;
	return d.intr ? -EINTR : 0;
}

int
nl_dump(struct nl *nl, struct nlmsghdr *req, nl_msg_fn *cb, void *arg)
{
	int rv = -EINTR;

	if (nl_writer_cur(nl->w)->len > 0)
		return -EBUSY;
	nl_writer_sync(nl->w);		/* writes before the dump are in it */
	for (int i = 0; i < NL_DUMP_TRIES && rv == -EINTR; i++)
		rv = nl_dump_once(nl, req, cb, arg);
	return rv;
}

int
nl_dump_ipv4(struct nl *nl, uint16_t type, nl_msg_fn *cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);

	h->nlmsg_type = type;
	if (type == RTM_GETADDR)
		((struct ifaddrmsg *)mnl_nlmsg_put_extra_header(h, sizeof(struct ifaddrmsg)))->ifa_family =
		    AF_INET;
	else
		((struct rtmsg *)mnl_nlmsg_put_extra_header(h, sizeof(struct rtmsg)))->rtm_family =
		    AF_INET;
	return nl_dump(nl, h, cb, arg);
}
