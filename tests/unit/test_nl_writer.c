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
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	ck_assert_ptr_nonnull(w);
	for (int i = 0; i < NB; i++) {
		fill(w, i);
		nl_writer_submit(w, 0);
		ck_assert_uint_le(nl_writer_inflight(w), NL_WRITER_BUFS - 1);	/* bounded */
	}
	nl_writer_sync(w);
	ck_assert_uint_eq(nl_writer_inflight(w), 0);
	ck_assert_int_eq(s.n, NB);
	for (int i = 0; i < NB; i++) {
		ck_assert_uint_eq(s.from[i], 10 * i);
		ck_assert_uint_eq(s.upto[i], 10 * i + 10);
		ck_assert_int_eq(s.err[i], 0);
	}
	expect_batches(sv[1], NB);
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

START_TEST(the_event_loop_reports_what_the_thread_sent)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	fill(w, 0);
	nl_writer_submit(w, 0);
	for (int i = 0; i < 200 && s.n == 0; i++)	/* no sync: the eventfd reports */
		event_base_loop(base, EVLOOP_ONCE);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(nl_writer_inflight(w), 0);
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

START_TEST(a_carried_message_starts_the_next_batch)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	struct nl_wbuf *b;
	uint8_t buf[CAP];
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	b = nl_writer_cur(w);
	memcpy(b->data, "firstCARRY", 10);
	b->len = 5;				/* "CARRY" did not fit */
	nl_writer_submit(w, 5);
	b = nl_writer_cur(w);
	ck_assert_uint_eq(b->len, 5);
	ck_assert_int_eq(memcmp(b->data, "CARRY", 5), 0);
	nl_writer_submit(w, 0);
	nl_writer_sync(w);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), 0), 5);
	ck_assert_int_eq(memcmp(buf, "first", 5), 0);
	ck_assert_int_eq(recv(sv[1], buf, sizeof(buf), 0), 5);
	ck_assert_int_eq(memcmp(buf, "CARRY", 5), 0);
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

START_TEST(a_failed_send_is_reported_against_its_own_batch)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	fill(w, 0);
	nl_writer_submit(w, 0);
	nl_writer_sync(w);
	close(sv[1]);				/* the peer is gone: sends fail from now on */
	for (int i = 1; i < 4; i++) {
		fill(w, i);
		nl_writer_submit(w, 0);
	}
	nl_writer_sync(w);
	ck_assert_int_eq(s.n, 4);
	ck_assert_int_eq(s.err[0], 0);
	for (int i = 1; i < 4; i++) {
		ck_assert(s.err[i] == -EPIPE || s.err[i] == -ECONNRESET);
		ck_assert_uint_eq(s.from[i], 10 * i);	/* the right batch's range */
		ck_assert_uint_eq(s.upto[i], 10 * i + 10);
	}
	nl_writer_free(w);
	close(sv[0]);
	event_base_free(base);
}
END_TEST

START_TEST(free_with_batches_in_flight_sends_them_all)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	for (int i = 0; i < NL_WRITER_BUFS - 1; i++) {
		fill(w, i);
		nl_writer_submit(w, 0);		/* never waits: the ring has room */
	}
	nl_writer_free(w);			/* joins after sending every one */
	expect_batches(sv[1], NL_WRITER_BUFS - 1);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

START_TEST(without_a_thread_submit_sends_and_reports_at_once)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2];

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, false, on_done, &s);
	for (int i = 0; i < 5; i++) {
		fill(w, i);
		nl_writer_submit(w, 0);
		ck_assert_int_eq(s.n, i + 1);
		ck_assert_uint_eq(nl_writer_inflight(w), 0);
	}
	expect_batches(sv[1], 5);
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

/*
 * The daemon opens its sockets, then forks (daemon(3)): a writer made
 * before the fork must still send in the child (its thread starts with the
 * first batch), not wait for a thread that stayed behind.
 */
START_TEST(a_writer_made_before_a_fork_sends_in_the_child)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	int sv[2], status;
	pid_t pid;

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	if ((pid = fork()) == 0) {
		alarm(2);			/* a hang is a failure, not a stuck suite */
		for (int i = 0; i < NB; i++) {
			fill(w, i);
			nl_writer_submit(w, 0);
		}
		nl_writer_sync(w);
		_exit(s.n == NB ? 0 : 1);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_batches(sv[1], NB);
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
}
END_TEST

START_TEST(send_now_goes_from_the_caller_and_is_reported_before_it_returns)
{
	struct event_base *base = event_base_new();
	static struct seen s;
	struct nl_writer *w;
	uint8_t buf[CAP];
	int sv[2], got = 0;

	pair(sv);
	memset(&s, 0, sizeof(s));
	w = nl_writer_new(base, sv[0], CAP, true, on_done, &s);
	for (int i = 0; i < 3; i++) {
		fill(w, i);
		nl_writer_submit(w, 0);
	}
	fill(w, 3);
	nl_writer_send_now(w);
	ck_assert_int_ge(s.n, 1);			/* reported already */
	ck_assert_uint_eq(s.from[s.n - 1], 30);
	ck_assert_uint_eq(nl_writer_cur(w)->len, 0);
	nl_writer_sync(w);
	ck_assert_int_eq(s.n, 4);
	while (recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	ck_assert_int_eq(got, 4);			/* nothing lost, either way round */
	nl_writer_free(w);
	close(sv[0]), close(sv[1]);
	event_base_free(base);
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
