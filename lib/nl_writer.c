/*
 * lib/nl_writer.c - netlink batches sent in order, inline or on a thread;
 * see lib/nl_writer.h for who owns which buffer when.
 *
 * Three counters order the ring: queued (submitted, written by the loop's
 * thread), sent (written by the writer thread) and reaped (reported, loop's
 * thread); reaped <= sent <= queued <= reaped + nbufs - 1, and buffer
 * queued % nbufs is the one being filled. queued and sent change under mu,
 * which also orders the buffer contents between the threads.
 */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/nl_writer.h"

struct nl_writer {
	int			 fd, efd;
	bool			 threaded, started, start_failed, stop, reporting;
	size_t			 cap;
	unsigned		 nbufs;
	uint64_t		 queued, sent, reaped;
	struct nl_wbuf		 buf[NL_WRITER_BUFS];
	pthread_t		 th;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work, done;	/* writer waits on work, loop on done */
	struct event		*ev;
	nl_writer_done_fn	*done_cb;
	void			*arg;
};

static int
nl_writer_send(int fd, const struct nl_wbuf *b)
{
	ssize_t n;

	do
		n = send(fd, b->data, b->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* The writer thread: the next submitted buffer, sent; nothing else. */
static void *
nl_writer_main(void *arg)
{
	struct nl_writer *w = arg;
	const uint64_t one = 1;
	struct nl_wbuf *b;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->sent == w->queued && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->sent == w->queued)
			break;			/* stop, and everything sent */
		b = &w->buf[w->sent % w->nbufs];
		pthread_mutex_unlock(&w->mu);
		b->err = nl_writer_send(w->fd, b);
		pthread_mutex_lock(&w->mu);
		w->sent++;
		pthread_cond_signal(&w->done);
		(void)!write(w->efd, &one, sizeof(one));	/* fails only when saturated */
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Report what the writer has sent, oldest first. */
static void
nl_writer_reap(struct nl_writer *w)
{
	uint64_t sent;

	if (w->reporting)
		return;				/* the outer call goes on */
	w->reporting = true;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		sent = w->sent;
		pthread_mutex_unlock(&w->mu);
		if (w->reaped == sent)
			break;
		w->done_cb(w->arg, &w->buf[w->reaped % w->nbufs]);
		w->reaped++;
	}
	w->reporting = false;
}

/* Wait until the oldest submitted buffer is sent, then report. */
static void
nl_writer_wait_one(struct nl_writer *w)
{
	if (w->reporting)
		fatalx("nl_writer: waiting from its own done callback");
	pthread_mutex_lock(&w->mu);
	while (w->sent == w->reaped)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	nl_writer_reap(w);
}

static void
nl_writer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	(void)!read(fd, &n, sizeof(n));		/* EAGAIN: nothing new; reap anyway */
	nl_writer_reap(arg);
}

static int
nl_writer_event_new(struct nl_writer *w, struct event_base *base)
{
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return -errno;
	w->ev = event_new(base, w->efd, EV_READ | EV_PERSIST, nl_writer_event_cb, w);
	if (w->ev == NULL || event_add(w->ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * The thread starts with the first batch, not in nl_writer_new(): the
 * daemon forks (daemon(3)) and drops privileges after its sockets are open,
 * and a thread does not survive the fork. Signals stay with the loop's
 * thread. If it cannot start, batches are sent inline (start_failed).
 */
static void
nl_writer_start(struct nl_writer *w)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&w->th, NULL, nl_writer_main, w) == 0) {
		w->started = true;
		(void)pthread_setname_np(w->th, "nl-writer");
	} else
		w->start_failed = true;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

struct nl_writer *
nl_writer_new(struct event_base *base, int fd, size_t cap, bool thread,
    nl_writer_done_fn *done, void *arg)
{
	struct nl_writer *w = calloc(1, sizeof(*w));
	int rv = -ENOMEM;

	if (w == NULL)
		return NULL;
	*w = (struct nl_writer){ .fd = fd, .efd = -1, .threaded = thread, .cap = cap,
	    .nbufs = thread ? NL_WRITER_BUFS : 1, .done_cb = done, .arg = arg };
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	for (unsigned i = 0; i < w->nbufs; i++)
		if ((w->buf[i].data = malloc(cap)) == NULL)
			goto fail;
	if (thread && (rv = nl_writer_event_new(w, base)) < 0)
		goto fail;
	return w;
fail:
	nl_writer_free(w);
	errno = -rv;
	return NULL;
}

void
nl_writer_free(struct nl_writer *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;			/* the thread sends what is queued first */
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
	}
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->efd >= 0)
		close(w->efd);
	for (unsigned i = 0; i < w->nbufs; i++)
		free(w->buf[i].data);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

struct nl_wbuf *
nl_writer_cur(struct nl_writer *w)
{
	return &w->buf[w->queued % w->nbufs];
}

/* Without a thread: send, report, and the buffer is current again. */
static void
nl_writer_submit_inline(struct nl_writer *w, size_t carry)
{
	struct nl_wbuf *b = &w->buf[0];

	b->err = nl_writer_send(w->fd, b);
	w->done_cb(w->arg, b);
	memmove(b->data, b->data + b->len, carry);
	b->len = carry;
}

void
nl_writer_submit(struct nl_writer *w, size_t carry)
{
	struct nl_wbuf *b = nl_writer_cur(w), *next;

	if (!w->threaded) {
		nl_writer_submit_inline(w, carry);
		return;
	}
	while (w->queued + 1 - w->reaped > w->nbufs - 1)
		nl_writer_wait_one(w);		/* backpressure: the next buffer is free */
	next = &w->buf[(w->queued + 1) % w->nbufs];
	memcpy(next->data, b->data + b->len, carry);	/* still ours: b not handed yet */
	next->len = carry;
	if (!w->started && !w->start_failed)
		nl_writer_start(w);
	pthread_mutex_lock(&w->mu);
	w->queued++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	if (w->start_failed) {			/* no thread: do its work here */
		b->err = nl_writer_send(w->fd, b);
		pthread_mutex_lock(&w->mu);
		w->sent++;
		pthread_mutex_unlock(&w->mu);
		nl_writer_reap(w);
	}
}

void
nl_writer_send_now(struct nl_writer *w)
{
	struct nl_wbuf *b = nl_writer_cur(w);

	if (!w->threaded) {
		nl_writer_submit(w, 0);
		return;
	}
	b->err = nl_writer_send(w->fd, b);	/* the kernel serialises the two senders */
	w->done_cb(w->arg, b);
	b->len = 0;
}

void
nl_writer_sync(struct nl_writer *w)
{
	while (w->reaped != w->queued)
		nl_writer_wait_one(w);
}

unsigned
nl_writer_inflight(const struct nl_writer *w)
{
	return (unsigned)(w->queued - w->reaped);
}

size_t
nl_writer_cap(const struct nl_writer *w)
{
	return w->cap;
}

bool
nl_writer_threaded(const struct nl_writer *w)
{
	return w->threaded;
}
