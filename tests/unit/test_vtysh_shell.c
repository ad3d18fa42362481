/*
 * tests/unit/test_vtysh_shell.c - the shell against a fake daemon (a child
 * process on a temporary control socket): a restarted daemon is reached
 * again without restarting the shell, and a failed `... json` command prints
 * JSON on stdout (FRR's answer where it has one) with one "% " on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/ctlmsg.h"
#include "vtysh/vty.h"
#include "tests/unit/unit.h"

static char sock_path[108];

static int
listen_on(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 4) < 0)
		_exit(90);
	return fd;
}

static void
send_frame(int fd, uint16_t type, uint32_t seq, const void *p, size_t len)
{
	struct wbuf w;

	wbuf_init(&w, CTL_FRAME_MAX);
	if (ctl_frame_write(&w, type, seq, p, len) < 0 ||
	    write(fd, wbuf_data(&w), wbuf_len(&w)) != (ssize_t)wbuf_len(&w))
		_exit(91);
	wbuf_free(&w);
}

/* All neighbors: two eBGP ones in AS 65002, the first down. */
static void
answer_neighbors(int fd, const struct ctl_frame *f)
{
	struct ctl_neighbor n = { .addr = "10.0.0.2", .state = "Active", .ebgp = 1,
	    .remote_as = 65002 };

	if (f->payload.len != 0)	/* one address: none */
		return;
	send_frame(fd, f->type, f->seq, &n, sizeof(n));
	snprintf(n.addr, sizeof(n.addr), "10.0.0.3");
	snprintf(n.state, sizeof(n.state), "Established");
	send_frame(fd, f->type, f->seq, &n, sizeof(n));
}

/* A soft clear, as bgpd/ctl_bgp.c answers it for one named neighbor. */
static bool
answer_clear_soft(int fd, const struct ctl_frame *f)
{
	struct ctl_clear_req r;
	struct ctl_error e = { .msg = "10.0.0.2 is not Established" };

	if (ctl_record_get(f, &r, sizeof(r)) < 0 || strcmp(r.addr, "10.0.0.3") != 0) {
		send_frame(fd, CTL_ERROR, f->seq, &e, sizeof(e));
		return false;
	}
	return true;
}

/* The fake daemon's answer to one request. */
static void
answer(int fd, const struct ctl_frame *f)
{
	struct ctl_version ver = { .version = "9.9.9" };
	struct ctl_error e = { .msg = "BGP is not configured (no 'router bgp')" };

	switch (f->type) {
	case CTL_SHOW_VERSION:
		send_frame(fd, f->type, f->seq, &ver, sizeof(ver));
		break;
	case CTL_SHOW_BGP:		/* no router bgp: an error */
		send_frame(fd, CTL_ERROR, f->seq, &e, sizeof(e));
		return;
	case CTL_SHOW_BGP_NEIGHBORS:
		answer_neighbors(fd, f);
		break;
	case CTL_CLEAR_BGP_SOFT:
		if (!answer_clear_soft(fd, f))
			return;
		break;
	default:			/* neighbors, one prefix: none */
		break;
	}
	send_frame(fd, CTL_END, f->seq, NULL, 0);
}

/* Answer up to n requests on one connection; returns when it closes. */
static void
serve(int lfd, int n)
{
	static uint8_t buf[2 * CTL_FRAME_MAX];
	size_t len = 0, used;
	struct ctl_frame f;
	int fd = accept(lfd, NULL, NULL);
	ssize_t r;

	if (fd < 0)
		_exit(92);
	while (n > 0 && (r = read(fd, buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)r;
		while (n > 0 && ctl_frame_parse(buf, len, &f, &used) == 0) {
			answer(fd, &f);
			memmove(buf, buf + used, len - used);
			len -= used;
			n--;
		}
	}
	close(fd);
}

/*
 * A daemon that answers `first` requests, exits (its socket gone), comes
 * back on the same path, writes a byte to ready, and answers `then` more.
 */
static pid_t
fake_daemon(int first, int then, int ready[2])
{
	pid_t pid;
	int lfd;

	snprintf(sock_path, sizeof(sock_path), "/tmp/ipip-vtysh-test.%d.sock", (int)getpid());
	lfd = listen_on(sock_path);
	ck_assert_int_eq(pipe(ready), 0);
	if ((pid = fork()) != 0) {
		ck_assert_int_ge(pid, 0);
		close(lfd);
		close(ready[1]);
		return pid;
	}
	close(ready[0]);
	serve(lfd, first);
	close(lfd);
	if (then > 0) {
		lfd = listen_on(sock_path);		/* the restarted daemon */
		if (write(ready[1], "r", 1) != 1)
			_exit(93);
		serve(lfd, then);
	}
	_exit(0);
}

/* After vty_free: the daemon sees its connection close and exits. */
static void
fake_daemon_end(pid_t pid, int ready[2])
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(ready[0]);
	unlink(sock_path);
}

/* A shell session on a fake daemon that answers first, then restarts for then. */
struct session {
	struct vty	v;
	int		ready[2];
	pid_t		pid;
};

static void
session_start(struct session *s, int first, int then)
{
	memset(s, 0, sizeof(*s));
	s->pid = fake_daemon(first, then, s->ready);
	s->v.out = stdout;
	s->v.sock = sock_path;
}

static void
session_end(struct session *s)
{
	vty_free(&s->v);
	fake_daemon_end(s->pid, s->ready);
}

struct captured {
	char	out[4096], err[1024];
	int	rv;
};

/* Run line in v, capturing what it prints on stdout (v->out) and stderr. */
static void
run_line(struct vty *v, const char *line, struct captured *c)
{
	FILE *saved = stderr, *out, *err;

	memset(c, 0, sizeof(*c));
	out = fmemopen(c->out, sizeof(c->out) - 1, "w");
	err = fmemopen(c->err, sizeof(c->err) - 1, "w");
	v->out = out;
	stderr = err;
	c->rv = vty_execute(v, line);
	stderr = saved;
	fclose(out);
	fclose(err);
	v->out = stdout;
}

/* Once the daemon is back, `show version` reaches it. */
static void
restarted_daemon_answers(struct session *s)
{
	struct captured c;
	char b;

	ck_assert_int_eq(read(s->ready[0], &b, 1), 1);	/* the daemon is back */
	run_line(&s->v, "show version", &c);
	ck_assert_msg(c.rv == 0 && strstr(c.out, "9.9.9") != NULL, "out '%s' err '%s'", c.out,
	    c.err);
}

START_TEST(a_restarted_daemon_is_reached_again)
{
	struct session s;
	struct captured c;

	session_start(&s, 1, 1);
	run_line(&s.v, "show version", &c);
	ck_assert_int_eq(c.rv, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "9.9.9"));
	restarted_daemon_answers(&s);
	session_end(&s);
}
END_TEST

/*
 * The last answer before the restart was an error: the restarted daemon is
 * reached, not that old error reported again for a command it never saw.
 */
START_TEST(a_restart_after_an_error_answer_is_reached_again)
{
	struct session s;
	struct captured c;

	session_start(&s, 1, 1);
	run_line(&s.v, "show bgp summary", &c);
	ck_assert_int_eq(c.rv, -1);
	ck_assert_str_eq(c.err, "% BGP is not configured (no 'router bgp')\n");
	restarted_daemon_answers(&s);
	session_end(&s);
}
END_TEST

/*
 * `clear bgp external|ASN soft`: as `clear bgp * soft`, a neighbor that is
 * down is passed over; the Established ones after it are still refreshed.
 */
START_TEST(a_soft_group_clear_passes_over_a_neighbor_that_is_down)
{
	static const char *lines[] = { "clear bgp external soft", "clear bgp 65002 soft out" };
	struct session s;
	struct captured c;

	for (size_t i = 0; i < UNIT_COUNT(lines); i++) {
		session_start(&s, 2, 0);	/* the list, then one clear */
		run_line(&s.v, lines[i], &c);
		ck_assert_msg(c.rv == 0, "%s: %s", lines[i], c.err);
		session_end(&s);
	}
}
END_TEST

START_TEST(a_daemon_still_gone_is_said_once_per_command)
{
	struct session s;
	struct captured c;

	session_start(&s, 1, 0);
	run_line(&s.v, "show version", &c);
	ck_assert_int_eq(c.rv, 0);
	ck_assert(!vty_unreachable(&s.v));
	waitpid(s.pid, NULL, 0);			/* gone for good */
	unlink(sock_path);
	run_line(&s.v, "show version", &c);
	ck_assert_int_eq(c.rv, -1);
	ck_assert_msg(strstr(c.err, "% cannot connect to ipip-bgpd at ") == c.err, "%s", c.err);
	ck_assert_ptr_null(strchr(c.err + 1, '%'));
	ck_assert(vty_unreachable(&s.v));		/* -c A -c B exits 2, as documented */
	vty_free(&s.v);
	close(s.ready[0]);
}
END_TEST

/* stdout of a failed json command: one JSON object equal to want. */
static void
json_error_is(struct vty *v, const char *line, const char *want, const char *err)
{
	struct captured c;
	json_object *got, *exp;

	run_line(v, line, &c);
	ck_assert_int_eq(c.rv, -1);
	got = json_tokener_parse(c.out);
	exp = json_tokener_parse(want);
	ck_assert_msg(got != NULL, "%s: stdout is not JSON: '%s'", line, c.out);
	ck_assert_msg(json_object_equal(got, exp), "%s: %s", line, c.out);
	ck_assert_str_eq(c.err, err);
	json_object_put(got);
	json_object_put(exp);
}

START_TEST(failed_json_commands_print_json)
{
	struct session s;
	struct vty *v = &s.v;

	session_start(&s, 16, 0);
	json_error_is(v, "show bgp neighbors 10.91.9.9 json", "{\"bgpNoSuchNeighbor\":true}",
	    "% No such neighbor 10.91.9.9\n");
	json_error_is(v, "show bgp ipv4 unicast 10.99.0.0/16 json", "{}",
	    "% Network not in table\n");
	json_error_is(v, "show ip bgp 10.99.0.1 json", "{}", "% Network not in table\n");
	json_error_is(v, "show bgp summary json",
	    "{\"warning\":\"BGP is not configured (no 'router bgp')\"}",
	    "% BGP is not configured (no 'router bgp')\n");
	json_error_is(v, "show bgp ipv4 unicast json",
	    "{\"warning\":\"BGP is not configured (no 'router bgp')\"}",
	    "% BGP is not configured (no 'router bgp')\n");
	session_end(&s);
}
END_TEST

START_TEST(failed_text_commands_print_nothing_on_stdout)
{
	struct session s;
	struct captured c;

	session_start(&s, 4, 0);
	run_line(&s.v, "show bgp ipv4 unicast 10.99.0.0/16", &c);
	ck_assert_int_eq(c.rv, -1);
	ck_assert_str_eq(c.out, "");
	ck_assert_str_eq(c.err, "% Network not in table\n");
	run_line(&s.v, "show bgp neighbors 10.91.9.9", &c);
	ck_assert_str_eq(c.out, "");
	ck_assert_str_eq(c.err, "% No such neighbor 10.91.9.9\n");
	session_end(&s);
}
END_TEST

/* No daemon at all: a json command still prints JSON. */
START_TEST(unreachable_daemon_json_is_json)
{
	struct vty v = { .sock = "/nonexistent/ipip-bgpd.sock", .out = stdout };
	struct captured c;
	json_object *o, *w;

	run_line(&v, "show version json", &c);
	ck_assert_int_eq(c.rv, -1);
	ck_assert_ptr_nonnull(o = json_tokener_parse(c.out));
	ck_assert(json_object_object_get_ex(o, "warning", &w));
	ck_assert_ptr_nonnull(strstr(json_object_get_string(w), "cannot connect"));
	json_object_put(o);
	vty_free(&v);
}
END_TEST

static int
fail_long(struct vty *v, const struct cmd_args *a)
{
	char msg[2000];

	memset(msg, '"', sizeof(msg) - 1);		/* every byte escaped in JSON */
	msg[sizeof(msg) - 1] = '\0';
	msg[0] = '\\';
	return vty_error(v, "%s", msg);
}

/* A message longer than the shell keeps is cut as text: the JSON stays whole. */
START_TEST(a_long_message_still_makes_valid_json)
{
	static const struct cmd_def def = { "fail [json]", "Fail\nJSON\n", fail_long };
	struct vty v = { .out = stdout };
	struct cmd_args a = { .n = 1, .v = { { .token = "json", .index = 1, .value = "json" } } };
	char out[8192] = "", err[4096] = "";
	FILE *fo = fmemopen(out, sizeof(out) - 1, "w"), *fe = fmemopen(err, sizeof(err) - 1, "w");
	FILE *saved = stderr;
	json_object *o, *w;

	v.out = fo;
	stderr = fe;
	ck_assert_int_eq(vty_run_def(&v, &def, &a), -1);
	stderr = saved;
	fclose(fo);
	fclose(fe);
	ck_assert_msg((o = json_tokener_parse(out)) != NULL, "%s", out);
	ck_assert(json_object_object_get_ex(o, "warning", &w));
	ck_assert_uint_gt(strlen(json_object_get_string(w)), 100);
	ck_assert_int_eq(json_object_get_string(w)[0], '\\');
	json_object_put(o);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		a_restarted_daemon_is_reached_again,
		a_daemon_still_gone_is_said_once_per_command,
		a_soft_group_clear_passes_over_a_neighbor_that_is_down,
		a_restart_after_an_error_answer_is_reached_again,
		failed_json_commands_print_json,
		failed_text_commands_print_nothing_on_stdout,
		unreachable_daemon_json_is_json,
		a_long_message_still_makes_valid_json,
	};

	signal(SIGPIPE, SIG_IGN);
	return unit_run("vtysh_shell", tests, UNIT_COUNT(tests));
}
