/*
 * lib/nl_writer.h - the sendmsg() of netlink batches, optionally on a thread
 * of its own, so the kernel's work on one batch (rtnetlink runs a request in
 * the sender's context) overlaps the event loop's building of the next.
 *
 * A ring of buffers (NL_WRITER_BUFS with a thread, 1 without). The
 * loop's thread fills the current buffer and submits it; the writer sends
 * buffers in submission order and reports each one back, in order, to the
 * done callback on the loop's thread (an eventfd read by libevent), with
 * sendmsg's result. Nothing else is shared.
 *
 * Ownership (the only thing that crosses threads is a buffer hand-off, under
 * the writer's mutex):
 *  - the current buffer (nl_writer_cur) belongs to the loop's thread;
 *  - a submitted buffer belongs to the writer thread until it is sent: the
 *    loop's thread must not touch its bytes, len, from or upto;
 *  - a sent buffer belongs to the loop's thread again; it sees the buffer
 *    (err set) in the done callback, then the buffer is reused.
 * The writer thread touches no event base, no callback and no caller state:
 * it sends, writes err, and wakes the loop. It is started by the first
 * submit (after a daemon's fork and privilege drop), with every signal
 * blocked; if it cannot start, batches are sent inline.
 *
 * Backpressure: submitting when every other buffer is in flight waits for
 * the oldest to be sent (and reports it) before it returns; memory stays
 * NL_WRITER_BUFS buffers whatever the rate.
 *
 * Without a thread, nl_writer_submit() sends and reports before it returns.
 * The done callback must not submit (it may read the socket).
 */
#ifndef IPIP_LIB_NL_WRITER_H
#define IPIP_LIB_NL_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct nl_writer;

/*
 * With a thread: one being filled, seven in flight. Enough for the FIB's
 * flush turn (FIB_CHUNK routes, ~300 KB) to be handed over whole at 64 KiB a
 * batch, so the loop goes back to reading UPDATEs while the kernel inserts.
 */
#define NL_WRITER_BUFS	8

struct nl_wbuf {
	uint8_t		*data;		/* cap bytes */
	size_t		 len;		/* bytes of whole messages to send */
	uint32_t	 from, upto;	/* sequence numbers in it: from .. upto - 1 */
	int		 err;		/* once sent: 0 or -errno from sendmsg */
};

/* On the loop's thread, once per submitted buffer, in submission order. */
typedef void nl_writer_done_fn(void *arg, const struct nl_wbuf *);

/*
 * Buffers of cap bytes each, sent on fd (not owned). thread: send on a
 * thread of its own, reporting through an event in base; otherwise inline.
 * NULL + errno.
 */
struct nl_writer *nl_writer_new(struct event_base *, int fd, size_t cap, bool thread,
		    nl_writer_done_fn *, void *arg);
/*
 * Wait until what was submitted is sent (nothing is lost: the kernel gets
 * every submitted batch), stop and join the thread, free. What was sent but
 * not yet reported is not reported: call nl_writer_sync() first for that.
 */
void		 nl_writer_free(struct nl_writer *);
/* The buffer the caller fills now. Never NULL. */
struct nl_wbuf	*nl_writer_cur(struct nl_writer *);
/*
 * Hand the current buffer (its first len bytes) to the writer. The carry
 * bytes right after len (a message that did not fit) become the start of
 * the next current buffer, whose len is carry. May wait for a free buffer,
 * reporting sent ones meanwhile.
 */
void		 nl_writer_submit(struct nl_writer *, size_t carry);
/*
 * Send the current buffer from the caller's thread now, ahead of what is
 * queued, and report it; the buffer is empty after. For what must not wait
 * behind a queue of bulk writes and does not depend on them.
 */
void		 nl_writer_send_now(struct nl_writer *);
/* Wait until every submitted buffer is sent, and report each. */
void		 nl_writer_sync(struct nl_writer *);
/* Submitted buffers not yet reported. */
unsigned	 nl_writer_inflight(const struct nl_writer *);
size_t		 nl_writer_cap(const struct nl_writer *);
bool		 nl_writer_threaded(const struct nl_writer *);

#endif
