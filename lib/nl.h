/*
 * lib/nl.h - rtnetlink sockets on libmnl, driven by libevent.
 *
 * Two kinds of socket, same object:
 *  - a request socket: writes are batched (many messages per sendmsg,
 *    STYLE 4); every message gets exactly one call of the ack callback with
 *    the caller's cookie, in the order sent within a batch: 0, or the
 *    kernel's error with its extended-ACK text when there is one (only a
 *    batch's last message asks for an ACK; an error, or that ACK, reports
 *    the earlier messages of its batch as done - lib/nl.c);
 *  - a monitor socket (groups given to nl_new): each notification goes to the
 *    message callback; ENOBUFS (the kernel dropped some) goes to the overrun
 *    callback so the owner resyncs instead of silently diverging.
 * Socket buffers are sized for a full table (SO_RCVBUFFORCE when allowed).
 *
 * Writes are sent inline by default: nl_batch_end/flush return with the
 * batch's ACKs read. With nl_set_writer_thread(), a thread of its own does
 * the sendmsg() (lib/nl_writer.h: the kernel inserts one batch while the
 * loop builds the next); the ACKs are still read and matched on the loop's
 * thread, when the batch is reported sent or by the socket's event, and an
 * ACK callback may run later than the flush that sent its message, or inside
 * a later nl_batch_end() that waits for a free buffer. nl_sync() waits for
 * everything sent and acknowledged. Only the batch buffer crosses threads;
 * every nl_* call and every callback stays on the loop's thread.
 * nl_dump() is synchronous and restarts when the kernel flags NLM_F_DUMP_INTR.
 * Knows nothing of BGP; logs nothing (errors are returned).
 */
#ifndef IPIP_LIB_NL_H
#define IPIP_LIB_NL_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/rtnl.h"

struct event_base;
struct nl;

#define NL_SOCK_BUF	(64u << 20)	/* 64 MiB: a full table's notifications */
#define NL_DUMP_TRIES	5
#define NL_BATCH_MAX	(256u * 1024)	/* bytes per sendmsg, at most */

/* err: 0 or -errno from the kernel's ACK; msg: extended-ACK text or NULL. */
typedef void nl_ack_fn(void *arg, void *cookie, int err, const char *msg);
/* One message of a dump or a notification; return 0 or -errno to stop. */
typedef int nl_msg_fn(const struct rtnl_msg *, void *arg);
/* The kernel dropped notifications (ENOBUFS): resync. */
typedef void nl_overrun_fn(void *arg);

/*
 * A NETLINK_ROUTE socket, non-blocking, with an event on its fd in base.
 * groups: RTNLGRP_* numbers to join (monitor), may be NULL. NULL + errno.
 */
struct nl	*nl_new(struct event_base *, const unsigned *groups, size_t ngroups);
void		 nl_free(struct nl *);
/*
 * Bytes per sendmsg (default MNL_SOCKET_BUFFER_SIZE; the buffer is twice
 * that, as libmnl's batch wants). Only while the batch is empty. 0 or -errno.
 */
MUST_USE int	 nl_set_batch_limit(struct nl *, size_t limit);
/* Receive buffer in bytes (tests shrink a monitor's to provoke ENOBUFS). */
MUST_USE int	 nl_set_rcvbuf(struct nl *, int bytes);
/* Send buffer in bytes (tests shrink it: a batch over it fails, EMSGSIZE). */
MUST_USE int	 nl_set_sndbuf(struct nl *, int bytes);
/*
 * Send batches on a thread of its own (on) or inline (off, the default).
 * Only while the batch is empty; waits for what is in flight. 0 or -errno.
 */
MUST_USE int	 nl_set_writer_thread(struct nl *, bool on);
void		 nl_set_ack_cb(struct nl *, nl_ack_fn *, void *arg);
void		 nl_set_monitor_cb(struct nl *, nl_msg_fn *, nl_overrun_fn *, void *arg);
uint32_t	 nl_portid(const struct nl *);

/*
 * Start the next message of the batch: a zeroed header with type, flags |
 * NLM_F_REQUEST (NLM_F_ACK is added to the batch's last message when it is
 * sent) and a fresh sequence number, remembered with
 * cookie. Fill it with mnl_attr_put* / mnl_nlmsg_put_extra_header, then call
 * nl_batch_end(). Never NULL.
 */
struct nlmsghdr	*nl_batch_begin(struct nl *, uint16_t type, uint16_t flags, void *cookie);
/*
 * Close the message; when the batch is full, send it (inline: and read its
 * ACKs). 0, or -errno of a sendmsg that failed since the last call: each of
 * its messages was failed to its cookie (ack callback) already.
 */
MUST_USE int	 nl_batch_end(struct nl *);
/* Send what is batched (inline: and read every ACK). As nl_batch_end. */
MUST_USE int	 nl_batch_flush(struct nl *);
/*
 * Send what is batched now from this thread, ahead of batches queued for
 * the writer thread, and read its ACKs. Only for messages that do not depend
 * on anything queued (a group replace on failover). As nl_batch_end.
 */
MUST_USE int	 nl_batch_flush_now(struct nl *);
/* nl_batch_flush, then wait until every batch is sent and its ACKs read. */
MUST_USE int	 nl_sync(struct nl *);
/* Batches handed to the writer thread and not yet reported sent. */
unsigned	 nl_inflight(const struct nl *);
bool		 nl_has_writer_thread(const struct nl *);
/* Messages sent and batches (sendmsg calls) so far. */
uint64_t	 nl_stat_msgs(const struct nl *);
/* Notifications received (monitor sockets). */
uint64_t	 nl_stat_notified(const struct nl *);
/*
 * Keep the echo of writer's own requests (notifications carrying its port)
 * off this monitor socket, filtered in the kernel: a full-table load does not
 * wake and feed the monitor once per route. 0 or -errno.
 */
MUST_USE int	 nl_ignore_echo_of(struct nl *mon, const struct nl *writer);
uint64_t	 nl_stat_sends(const struct nl *);

/*
 * Dump: send req (NLM_F_DUMP is added) and pass every answer to cb. The
 * batch must be empty (-EBUSY); batches in flight are waited for first. Retries up to NL_DUMP_TRIES times when the dump was
 * interrupted (cb sees the repeated messages again). 0, -EINTR when every
 * try was interrupted, or -errno.
 */
MUST_USE int	 nl_dump(struct nl *, struct nlmsghdr *req, nl_msg_fn *cb, void *arg);
/* nl_dump of every IPv4 route (RTM_GETROUTE) or address (RTM_GETADDR). */
MUST_USE int	 nl_dump_ipv4(struct nl *, uint16_t type, nl_msg_fn *cb, void *arg);

/*
 * Walk one ACK (NLMSG_ERROR payload): *err gets 0 or -errno, msg (size n)
 * the extended-ACK text or "". -EBADMSG if malformed. Exposed for tests.
 */
MUST_USE int	 nl_ack_parse(const struct rtnl_msg *, bool cap_ack, int *err,
		    char *msg, size_t n);

#endif
