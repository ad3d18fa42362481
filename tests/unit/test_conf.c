/*
 * tests/unit/test_conf.c - the daemon's side of the configuration: loading
 * logs every error as FILE:LINE: PATH: reason and yields nothing, a commit
 * applies hostname and log level, a bad edit changes nothing, and write
 * memory replaces the file whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "bgpd/conf.h"
#include "lib/debug.h"
#include "lib/log.h"
#include "tests/unit/unit.h"

static char logbuf[8192];
static char dir[] = "/tmp/test_conf.XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static struct bgpd *
bgpd_new(void)
{
	struct bgpd *b = calloc(1, sizeof(*b));

	b->log_level_cli = -1;
	b->yang = conf_ctx_new();
	ck_assert_ptr_nonnull(b->yang);
	return b;
}

static void
bgpd_done(struct bgpd *b)
{
	lyd_free_all(b->running);
	conf_ctx_free(b->yang);
	free(b);
	unit_log_end();
}

START_TEST(frr_style_daemon_statements_load_and_apply)
{
	struct bgpd *b = bgpd_new();
	struct lyd_node *t;

	unit_log_begin(logbuf, sizeof(logbuf));
	ck_assert_int_eq(bgpd_conf_load(b->yang, write_file("a.conf",
	    "! site A\nhostname site-a\n\nlog syslog informational\n"), &t), 0);
	bgpd_conf_commit(b, t);
	ck_assert_str_eq(b->conf.hostname, "site-a");
	ck_assert_int_eq(b->conf.log_level, LOG_INFO);
	ck_assert(b->conf.log_syslog);
	ck_assert_int_eq(log_get_level(), LOG_INFO);
	bgpd_done(b);
}
END_TEST

START_TEST(every_bad_line_is_reported_and_nothing_is_loaded)
{
	struct bgpd *b = bgpd_new();
	struct lyd_node *t = (struct lyd_node *)1;
	const char *p;

	unit_log_begin(logbuf, sizeof(logbuf));
	p = write_file("bad.conf", "hostname ok\nfrobnicate\nlog stdout loud\nhostname a b\n");
	ck_assert_int_eq(bgpd_conf_load(b->yang, p, &t), -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(logbuf, "bad.conf:2: /: unknown keyword 'frobnicate'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "bad.conf:3: /: unknown keyword 'loud'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "bad.conf:4: /: unknown keyword 'b'"));
	bgpd_done(b);
}
END_TEST

START_TEST(missing_file_names_the_file)
{
	struct bgpd *b = bgpd_new();
	struct lyd_node *t;

	unit_log_begin(logbuf, sizeof(logbuf));
	ck_assert_int_eq(bgpd_conf_load(b->yang, "/nonexistent/ipip-bgpd.conf", &t), -ENOENT);
	ck_assert_ptr_nonnull(strstr(logbuf,
	    "cannot open config file /nonexistent/ipip-bgpd.conf: No such file or directory"));
	bgpd_done(b);
}
END_TEST

START_TEST(bad_edit_changes_nothing_and_says_why)
{
	struct bgpd *b = bgpd_new();
	const char *bad = "router bgp 65001\nneighbor 10.0.0.2 remote-as 65002\n"
	    "neighbor 10.0.0.2 timers 1 2\n";
	const char *good = "hostname edited\n";
	char errs[1024];

	unit_log_begin(logbuf, sizeof(logbuf));
	ck_assert_int_eq(bgpd_conf_edit(b, good, strlen(good), errs, sizeof(errs)), 0);
	ck_assert_str_eq(b->conf.hostname, "edited");
	ck_assert_int_eq(bgpd_conf_edit(b, bad, strlen(bad), errs, sizeof(errs)), 1);
	ck_assert_str_eq(errs, "line 3: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/timers/hold: "
	    "a hold time is 0 (no keepalives) or 3..65535 seconds (RFC 4271 section 4.2)\n");
	ck_assert_str_eq(b->conf.hostname, "edited");
	ck_assert_ptr_nonnull(strstr(logbuf, "notice: config: edited from the shell (1 changes)"));
	ck_assert_ptr_null(strstr(logbuf, "0 changes"));	/* the refused edit: no notice */
	ck_assert_int_eq(bgpd_conf_edit(b, good, strlen(good), errs, sizeof(errs)), 0);
	ck_assert_ptr_null(strstr(logbuf, "0 changes"));	/* no change: debug only */
	ck_assert_ptr_null(strstr(strstr(logbuf, "(1 changes)"), "edited from the shell"));
	bgpd_done(b);
}
END_TEST

/* What the shell prints for a refused `reload`: the file's errors, FILE:LINE first. */
START_TEST(refused_reload_hands_back_every_error)
{
	struct bgpd *b = bgpd_new();
	char errs[1024], want[512];

	unit_log_begin(logbuf, sizeof(logbuf));
	b->conf_file = write_file("r.conf", "hostname a\n\nfrobnicate\nlog stdout loud\n");
	ck_assert_int_eq(bgpd_conf_reload(b, "reload", errs, sizeof(errs)), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: /: unknown keyword 'frobnicate'", b->conf_file);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "%s", errs);
	snprintf(want, sizeof(want), "\n%s:4: /: unknown keyword 'loud'", b->conf_file);
	ck_assert_msg(strstr(errs, want) != NULL, "%s", errs);
	b->conf_file = "/nonexistent/r.conf";
	ck_assert_int_eq(bgpd_conf_reload(b, "reload", errs, sizeof(errs)), -ENOENT);
	ck_assert_str_eq(errs, "cannot open /nonexistent/r.conf: No such file or directory\n");
	b->conf_file = NULL;
	bgpd_done(b);
}
END_TEST

static void
commit_text(struct bgpd *b, const char *text)
{
	struct lyd_node *t;

	ck_assert_int_eq(bgpd_conf_load(b->yang, write_file("d.conf", text), &t), 0);
	bgpd_conf_commit(b, t);
}

/* A `debug` line that changed sets its topic; the shell's run-time choices for others stay. */
START_TEST(reload_sets_only_the_debug_topics_whose_lines_changed)
{
	struct bgpd *b = bgpd_new();

	unit_log_begin(logbuf, sizeof(logbuf));
	debug_set(0);
	commit_text(b, "debug fib\n");
	ck_assert_uint_eq(debug_get(), DEBUG_BIT(DEBUG_FIB));
	debug_set(DEBUG_BIT(DEBUG_TUNNEL));		/* shell: undebug fib, debug tunnel */
	commit_text(b, "debug fib\ndebug bgp keepalives\n");
	ck_assert_uint_eq(debug_get(), DEBUG_BIT(DEBUG_TUNNEL) | DEBUG_BIT(DEBUG_BGP_KEEPALIVES));
	commit_text(b, "hostname h\n");		/* both lines gone: both topics off */
	ck_assert_uint_eq(debug_get(), DEBUG_BIT(DEBUG_TUNNEL));
	debug_set(0);
	bgpd_done(b);
}
END_TEST

START_TEST(write_memory_replaces_the_file_whole)
{
	struct bgpd *b = bgpd_new();
	const char *edit = "hostname written\nrouter bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n";
	char errs[256], msg[256], *text = NULL;
	size_t cap = 0;
	FILE *f;

	unit_log_begin(logbuf, sizeof(logbuf));
	b->conf_file = write_file("w.conf", "hostname old\n");
	ck_assert_int_eq(bgpd_conf_edit(b, edit, strlen(edit), errs, sizeof(errs)), 0);
	ck_assert_int_eq(bgpd_conf_write(b, msg, sizeof(msg)), 0);
	f = fopen(b->conf_file, "r");
	ck_assert(getdelim(&text, &cap, '\0', f) > 0);
	fclose(f);
	ck_assert_str_eq(text, "hostname written\n!\nrouter bgp 65001\n"
	    " neighbor 10.0.0.2 remote-as 65002\nexit\n!\n");
	free(text);
	bgpd_done(b);
}
END_TEST

struct watched {
	int		resets, nones;
	struct bgpd	*b;
	uint32_t	remote_as_seen;		/* read from b->running inside the callback */
};

static void
on_neighbor(const struct conf_neighbor *n, void *arg)
{
	((struct watched *)arg)->remote_as_seen = n->remote_as;
}

static void
on_change(const struct conf_change *c, void *arg)
{
	struct watched *w = arg;

	w->resets += c->kind == CONF_CHANGE_RESET;
	w->nones += c->kind == CONF_CHANGE_NONE;
	conf_bgp_neighbors(w->b->running, on_neighbor, w);
}

START_TEST(watcher_hears_each_change_with_the_new_tree_running)
{
	struct bgpd *b = bgpd_new();
	struct watched w = { .b = b };
	const char *a = "router bgp 1\nneighbor 10.0.0.2 remote-as 2\n";
	const char *c = "router bgp 1\nneighbor 10.0.0.2 remote-as 3\nneighbor 10.0.0.2 description x\n";
	char errs[256];

	unit_log_begin(logbuf, sizeof(logbuf));
	ck_assert_int_eq(bgpd_conf_edit(b, a, strlen(a), errs, sizeof(errs)), 0);
	bgpd_conf_watch(b, on_change, NULL, &w);
	ck_assert_int_eq(bgpd_conf_edit(b, c, strlen(c), errs, sizeof(errs)), 0);
	ck_assert_int_eq(w.resets, 1);
	ck_assert_int_eq(w.nones, 1);
	ck_assert_uint_eq(w.remote_as_seen, 3);
	bgpd_done(b);
}
END_TEST

/* Not "has errors": the file is not there (a relative -f once made this). */
START_TEST(reload_of_a_missing_file_says_it_is_missing)
{
	struct bgpd *b = bgpd_new();
	char why[512], want[512];

	unit_log_begin(logbuf, sizeof(logbuf));
	b->conf_file = write_file("gone.conf", "hostname x\n");
	unlink(b->conf_file);
	ck_assert_int_eq(bgpd_conf_reload(b, "reload", why, sizeof(why)), -ENOENT);
	snprintf(want, sizeof(want), "cannot open %s: No such file or directory\n", b->conf_file);
	ck_assert_str_eq(why, want);
	b->conf_file = write_file("bad.conf", "frobnicate\n");
	ck_assert_int_eq(bgpd_conf_reload(b, "reload", why, sizeof(why)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: /: unknown keyword 'frobnicate'", b->conf_file);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "%s", why);
	bgpd_done(b);
}
END_TEST

static int
refuse_hostname_no(const struct lyd_node *running, const struct lyd_node *cand, char *why,
    size_t len, void *arg)
{
	struct conf_daemon d;

	conf_daemon_get(cand, &d);
	if (strcmp(d.hostname, "no") != 0)
		return 0;
	snprintf(why, len, "hostname no needs a restart");
	return -1;
}

/* What the daemon cannot apply while it runs is refused whole, shell or reload. */
START_TEST(a_change_the_checker_refuses_changes_nothing)
{
	struct bgpd *b = bgpd_new();
	const char *edit = "hostname no\n";
	char errs[256], why[256];

	unit_log_begin(logbuf, sizeof(logbuf));
	commit_text(b, "hostname yes\n");
	bgpd_conf_check_set(b, refuse_hostname_no, NULL);
	ck_assert_int_eq(bgpd_conf_edit(b, edit, strlen(edit), errs, sizeof(errs)), 1);
	ck_assert_str_eq(errs, "hostname no needs a restart\n");
	ck_assert_str_eq(b->conf.hostname, "yes");
	b->conf_file = write_file("r.conf", edit);
	ck_assert_int_eq(bgpd_conf_reload(b, "reload", why, sizeof(why)), -EBUSY);
	ck_assert_str_eq(why, "hostname no needs a restart\n");
	ck_assert_str_eq(b->conf.hostname, "yes");
	ck_assert_ptr_nonnull(strstr(logbuf, "reload: hostname no needs a restart; keeping the "
	    "running configuration"));
	bgpd_done(b);
}
END_TEST

/* `driver auto` on a kernel without ipip falls back to point-to-point only
 * when the operator did not choose the style: a default libyang filled in
 * must not count as chosen. */
START_TEST(overlay_tunnel_style_is_set_only_when_written)
{
	struct bgpd *b = bgpd_new();
	struct conf_overlay o;
	struct lyd_node *t;

	unit_log_begin(logbuf, sizeof(logbuf));
	ck_assert_int_eq(bgpd_conf_load(b->yang, write_file("o1.conf",
	    "overlay\n mode always\nexit\n"), &t), 0);
	conf_overlay_get(t, &o);
	ck_assert_str_eq(o.tunnel_style, "nbma");
	ck_assert(!o.tunnel_style_set);
	ck_assert_str_eq(o.driver, "auto");
	lyd_free_all(t);
	ck_assert_int_eq(bgpd_conf_load(b->yang, write_file("o2.conf",
	    "overlay\n tunnel-style nbma\nexit\n"), &t), 0);
	conf_overlay_get(t, &o);
	ck_assert_str_eq(o.tunnel_style, "nbma");
	ck_assert(o.tunnel_style_set);
	lyd_free_all(t);
	bgpd_done(b);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		frr_style_daemon_statements_load_and_apply,
		every_bad_line_is_reported_and_nothing_is_loaded,
		missing_file_names_the_file,
		bad_edit_changes_nothing_and_says_why,
		refused_reload_hands_back_every_error,
		write_memory_replaces_the_file_whole,
		reload_sets_only_the_debug_topics_whose_lines_changed,
		watcher_hears_each_change_with_the_new_tree_running,
		overlay_tunnel_style_is_set_only_when_written,
		reload_of_a_missing_file_says_it_is_missing,
		a_change_the_checker_refuses_changes_nothing,
	};
	char cmd[128];
	int rv;

	if (mkdtemp(dir) == NULL)
		return 1;
	rv = unit_run("conf", tests, UNIT_COUNT(tests));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rv = 1;
	return rv;
}
