/*
 * tests/unit/test_nl_writer.c - the netlink writer's hand-off, on a
 * SOCK_SEQPACKET socketpair standing in for the kernel: batches arrive whole
 * and in order, each is reported once, in order, with its own sequence
 * range; a failed send is reported against the batch that failed; freeing
 * with batches in flight sends them all first; a writer made before a fork
 * works in the child.
 */
#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/nl_writer.h"
#include "tests/unit/unit.h"

#define CAP	256
#define NB	40	/* batches: several times the ring */

struct seen {
	int		n;
	uint32_t	from[NB], upto[NB];
	int		err[NB];
};

static void
on_done(void *arg, const struct nl_wbuf *b)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, NB);
	s->from[s->n] = b->from;
	s->upto[s->n] = b->upto;
	s->err[s->n] = b->err;
	s->n++;
}

/* Fill the current buffer with batch i: 8 + i bytes of value i, seq 10i..10i+9. */
static void
fill(struct nl_writer *w, int i)
{
	struct nl_wbuf *b = nl_writer_cur(w);

	ck_assert_uint_eq(b->len, 0);
	memset(b->data, i, (size_t)(8 + i));
	b->len = (size_t)(8 + i);
	b->from = (uint32_t)(10 * i);
	b->upto = (uint32_t)(10 * i + 10);
}

static void
pair(int sv[2])
{
	int sz = 1 << 20;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

/* A writer (thread or not) on a socketpair, its event base and what it reported. */
struct wfx {
	struct event_base	*base;
	struct nl_writer	*w;
	int			 sv[2];		/* sv[0] the writer's, sv[1] the "kernel" */
	struct seen		 s;
};

static struct wfx *
wfx_open(bool thread)
{
	static struct wfx f;		/* each test runs in its own process (Check's fork) */

	memset(&f, 0, sizeof(f));
	f.base = event_base_new();
	pair(f.sv);
	f.w = nl_writer_new(f.base, f.sv[0], CAP, thread, on_done, &f.s);
	ck_assert_ptr_nonnull(f.w);
	return &f;
}

/* Free what the test did not free itself (w NULL, sv[i] -1: done already). */
static void
wfx_close(struct wfx *f)
{
	if (f->w != NULL)
		nl_writer_free(f->w);
	for (int i = 0; i < 2; i++)
		if (f->sv[i] >= 0)
			close(f->sv[i]);
	event_base_free(f->base);
}

static void
expect_batches(int fd, int n)
{
	uint8_t buf[CAP];

	for (int i = 0; i < n; i++) {
		ssize_t got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		ck_assert_int_eq(got, 8 + i);			/* whole, in order */
		for (ssize_t k = 0; k < got; k++)
			ck_assert_uint_eq(buf[k], (uint8_t)i);
	}
	ck_assert_int_lt(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 0);	/* nothing more */
}

START_TEST(batches_arrive_in_order_and_each_is_reported_once_with_its_range)
{
	struct wfx *f = wfx_open(true);

	for (int i = 0; i < NB; i++) {
		fill(f->w, i);
		nl_writer_submit(f->w, 0);
		ck_assert_uint_le(nl_writer_inflight(f->w), NL_WRITER_BUFS - 1);	/* bounded */
	}
	nl_writer_sync(f->w);
	ck_assert_uint_eq(nl_writer_inflight(f->w), 0);
	ck_assert_int_eq(f->s.n, NB);
	for (int i = 0; i < NB; i++) {
		ck_assert_uint_eq(f->s.from[i], 10 * i);
		ck_assert_uint_eq(f->s.upto[i], 10 * i + 10);
		ck_assert_int_eq(f->s.err[i], 0);
	}
	expect_batches(f->sv[1], NB);
	wfx_close(f);
}
END_TEST

START_TEST(the_event_loop_reports_what_the_thread_sent)
{
	struct wfx *f = wfx_open(true);

	fill(f->w, 0);
	nl_writer_submit(f->w, 0);
	for (int i = 0; i < 200 && f->s.n == 0; i++)	/* no sync: the eventfd reports */
		event_base_loop(f->base, EVLOOP_ONCE);
	ck_assert_int_eq(f->s.n, 1);
	ck_assert_uint_eq(nl_writer_inflight(f->w), 0);
	wfx_close(f);
}
END_TEST

START_TEST(a_carried_message_starts_the_next_batch)
{
	struct wfx *f = wfx_open(true);
	struct nl_wbuf *b;
	uint8_t buf[CAP];

	b = nl_writer_cur(f->w);
	memcpy(b->data, "firstCARRY", 10);
	b->len = 5;				/* "CARRY" did not fit */
	nl_writer_submit(f->w, 5);
	b = nl_writer_cur(f->w);
	ck_assert_uint_eq(b->len, 5);
	ck_assert_int_eq(memcmp(b->data, "CARRY", 5), 0);
	nl_writer_submit(f->w, 0);
	nl_writer_sync(f->w);
	ck_assert_int_eq(recv(f->sv[1], buf, sizeof(buf), 0), 5);
	ck_assert_int_eq(memcmp(buf, "first", 5), 0);
	ck_assert_int_eq(recv(f->sv[1], buf, sizeof(buf), 0), 5);
	ck_assert_int_eq(memcmp(buf, "CARRY", 5), 0);
	wfx_close(f);
}
END_TEST

START_TEST(a_failed_send_is_reported_against_its_own_batch)
{
	struct wfx *f = wfx_open(true);

	fill(f->w, 0);
	nl_writer_submit(f->w, 0);
	nl_writer_sync(f->w);
	close(f->sv[1]);				/* the peer is gone: sends fail from now on */
	for (int i = 1; i < 4; i++) {
		fill(f->w, i);
		nl_writer_submit(f->w, 0);
	}
	nl_writer_sync(f->w);
	ck_assert_int_eq(f->s.n, 4);
	ck_assert_int_eq(f->s.err[0], 0);
	for (int i = 1; i < 4; i++) {
		ck_assert(f->s.err[i] == -EPIPE || f->s.err[i] == -ECONNRESET);
		ck_assert_uint_eq(f->s.from[i], 10 * i);	/* the right batch's range */
		ck_assert_uint_eq(f->s.upto[i], 10 * i + 10);
	}
	f->sv[1] = -1;				/* closed above */
	wfx_close(f);
}
END_TEST

START_TEST(free_with_batches_in_flight_sends_them_all)
{
	struct wfx *f = wfx_open(true);

	for (int i = 0; i < NL_WRITER_BUFS - 1; i++) {
		fill(f->w, i);
		nl_writer_submit(f->w, 0);		/* never waits: the ring has room */
	}
	nl_writer_free(f->w);			/* joins after sending every one */
	f->w = NULL;
	expect_batches(f->sv[1], NL_WRITER_BUFS - 1);
	wfx_close(f);
}
END_TEST

START_TEST(without_a_thread_submit_sends_and_reports_at_once)
{
	struct wfx *f = wfx_open(false);

	for (int i = 0; i < 5; i++) {
		fill(f->w, i);
		nl_writer_submit(f->w, 0);
		ck_assert_int_eq(f->s.n, i + 1);
		ck_assert_uint_eq(nl_writer_inflight(f->w), 0);
	}
	expect_batches(f->sv[1], 5);
	wfx_close(f);
}
END_TEST

/*
 * The daemon opens its sockets, then forks (daemon(3)): a writer made
 * before the fork must still send in the child (its thread starts with the
 * first batch), not wait for a thread that stayed behind.
 */
START_TEST(a_writer_made_before_a_fork_sends_in_the_child)
{
	struct wfx *f = wfx_open(true);
	int status;
	pid_t pid;

	if ((pid = fork()) == 0) {
		alarm(2);			/* a hang is a failure, not a stuck suite */
		for (int i = 0; i < NB; i++) {
			fill(f->w, i);
			nl_writer_submit(f->w, 0);
		}
		nl_writer_sync(f->w);
		_exit(f->s.n == NB ? 0 : 1);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_batches(f->sv[1], NB);
	wfx_close(f);
}
END_TEST

START_TEST(send_now_goes_from_the_caller_and_is_reported_before_it_returns)
{
	struct wfx *f = wfx_open(true);
	uint8_t buf[CAP];
	int got = 0;

	for (int i = 0; i < 3; i++) {
		fill(f->w, i);
		nl_writer_submit(f->w, 0);
	}
	fill(f->w, 3);
	nl_writer_send_now(f->w);
	ck_assert_int_ge(f->s.n, 1);			/* reported already */
	ck_assert_uint_eq(f->s.from[f->s.n - 1], 30);
	ck_assert_uint_eq(nl_writer_cur(f->w)->len, 0);
	nl_writer_sync(f->w);
	ck_assert_int_eq(f->s.n, 4);
	while (recv(f->sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	ck_assert_int_eq(got, 4);			/* nothing lost, either way round */
	wfx_close(f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		batches_arrive_in_order_and_each_is_reported_once_with_its_range,
		the_event_loop_reports_what_the_thread_sent,
		a_carried_message_starts_the_next_batch,
		a_failed_send_is_reported_against_its_own_batch,
		free_with_batches_in_flight_sends_them_all,
		without_a_thread_submit_sends_and_reports_at_once,
		a_writer_made_before_a_fork_sends_in_the_child,
		send_now_goes_from_the_caller_and_is_reported_before_it_returns,
	};

	return unit_run("nl_writer", tests, UNIT_COUNT(tests));
}
