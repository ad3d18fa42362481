/*
 * bgpd/conf.c - load, reload, edit and write the running configuration.
 * See conf.h. The model, parser and printer live in conf/; this file only
 * decides when a candidate replaces the running tree and applies what the
 * daemon itself owns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "bgpd/conf.h"
#include "lib/debug.h"
#include "lib/log.h"

/* Error lines for the shell, appended as long as they fit (errs may be NULL). */
struct errlines {
	char	*buf;
	size_t	 len, off;
};

static void PRINTF_LIKE(2, 3)
errlines_add(struct errlines *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (e == NULL || e->buf == NULL || e->off >= e->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->buf + e->off, e->len - e->off, fmt, ap);
	va_end(ap);
	e->off += n > 0 ? (size_t)n : 0;
	if (e->off >= e->len)
		e->off = e->len;
}

/* Each error of a file: logged, and kept for the shell that asked (arg). */
static void
bgpd_conf_log_err(void *arg, const char *where, unsigned line, const char *path,
    const char *msg)
{
	char buf[1024];

	conf_err_format(buf, sizeof(buf), where, line, path, msg);
	log_err("%s", buf);
	errlines_add(arg, "%s\n", buf);
}

static int
bgpd_conf_load_into(struct ly_ctx *ctx, const char *path, struct lyd_node **out,
    struct errlines *e)
{
	FILE *f = fopen(path, "r");
	int errors, rv = -errno;

	*out = NULL;
	if (f == NULL) {
		log_err("cannot open config file %s: %s", path, strerror(-rv));
		errlines_add(e, "cannot open %s: %s\n", path, strerror(-rv));
		return rv;
	}
	errors = conf_load_stream(ctx, f, path, out, bgpd_conf_log_err, e);
	fclose(f);
	return errors > 0 ? -EINVAL : 0;
}

int
bgpd_conf_load(struct ly_ctx *ctx, const char *path, struct lyd_node **out)
{
	return bgpd_conf_load_into(ctx, path, out, NULL);
}

void
bgpd_conf_derive(const struct lyd_node *tree, struct bgpd_conf *c)
{
	struct conf_daemon d;

	conf_daemon_get(tree, &d);
	*c = (struct bgpd_conf){ .log_level = d.log_level, .log_syslog = d.log_syslog,
	    .debug = d.debug };
	snprintf(c->hostname, sizeof(c->hostname), "%s", d.hostname);
}

static void
bgpd_conf_on_change(const struct conf_change *c, void *arg)
{
	static const char *const kinds[] = { "no session reset", "daemon", "soft refresh",
	    "session reset", "overlay" };
	static const char *const ops[] = { "created as ", "deleted", "changed to " };
	bool value = c->value != NULL && c->value[0] != '\0' && c->op != CONF_OP_DELETE;

	struct bgpd *b = arg;

	log_info("config: %s %.*s%s (%s)", c->path, value ? (int)strlen(ops[c->op]) :
	    (int)strcspn(ops[c->op], " "), ops[c->op], value ? c->value : "", kinds[c->kind]);
	if (b->conf_watch != NULL)
		b->conf_watch(c, b->conf_watch_arg);
}

void
bgpd_conf_watch(struct bgpd *b, conf_change_fn *fn, void (*done)(void *), void *arg)
{
	b->conf_watch = fn;
	b->conf_watch_done = done;
	b->conf_watch_arg = arg;
}

void
bgpd_conf_check_set(struct bgpd *b, bgpd_conf_check_fn *fn, void *arg)
{
	b->conf_check = fn;
	b->conf_check_arg = arg;
}

/*
 * A `debug` statement that changed sets its topic; the others keep what the
 * shell made of them at run time (`debug ...` in enable mode, FRR's
 * terminal debugging), so a reload of an unrelated change leaves them be.
 */
static void
bgpd_conf_apply_debug(uint32_t was, uint32_t now)
{
	uint32_t changed = was ^ now;

	if (changed != 0)
		debug_set((debug_get() & ~changed) | (now & changed));
}

static void
bgpd_conf_apply_daemon(struct bgpd *b)
{
	uint32_t debug_was = b->conf.debug;

	bgpd_conf_derive(b->running, &b->conf);
	bgpd_conf_apply_debug(debug_was, b->conf.debug);
	if (b->log_level_cli >= 0)
		log_set_level(b->log_level_cli);
	else
		log_set_level(b->conf.log_level >= 0 ? b->conf.log_level : LOG_INFO);
}

size_t
bgpd_conf_commit(struct bgpd *b, struct lyd_node *candidate)
{
	struct lyd_node *diff = NULL;
	size_t n = 0;
	int rv = conf_diff_new(b->running, candidate, &diff);

	lyd_free_all(b->running);
	b->running = candidate;		/* watchers read the new tree */
	bgpd_conf_apply_daemon(b);
	if (rv < 0)
		log_warnx("config: cannot compute the difference; changes were not announced");
	else
		n = conf_diff_walk(diff, bgpd_conf_on_change, b);
	lyd_free_all(diff);
	if (n > 0 && b->conf_watch_done != NULL)
		b->conf_watch_done(b->conf_watch_arg);
	return n;
}

int
bgpd_conf_apply(struct bgpd *b, struct lyd_node *candidate, size_t *changes, char *why,
    size_t len)
{
	why[0] = '\0';
	if (b->conf_check != NULL &&
	    b->conf_check(b->running, candidate, why, len, b->conf_check_arg) < 0) {
		lyd_free_all(candidate);
		return -EBUSY;
	}
	*changes = bgpd_conf_commit(b, candidate);
	return 0;
}

int
bgpd_conf_reload(struct bgpd *b, const char *who, char *errs, size_t errlen)
{
	struct errlines e = { errs, errlen, 0 };
	struct lyd_node *cand;
	char why[512];
	size_t n;
	int rv;

	if (errs != NULL && errlen > 0)
		errs[0] = '\0';
	if (b->conf_file == NULL) {
		errlines_add(&e, "no config file to reload\n");
		log_notice("%s: no config file to reload", who);
		return -ENOENT;
	}
	if ((rv = bgpd_conf_load_into(b->yang, b->conf_file, &cand, &e)) == -EINVAL) {
		log_warnx("%s: %s has errors; keeping the running configuration", who, b->conf_file);
		return rv;
	}
	if (rv < 0) {
		log_warnx("%s: cannot open %s: %s; keeping the running configuration", who,
		    b->conf_file, strerror(-rv));
		return rv;
	}
	if ((rv = bgpd_conf_apply(b, cand, &n, why, sizeof(why))) < 0) {
		errlines_add(&e, "%s\n", why);
		log_warnx("%s: %s; keeping the running configuration", who, why);
		return rv;
	}
	log_notice("%s: configuration reloaded from %s (%zu changes)", who, b->conf_file, n);
	return 0;
}

/*
 * For the shell: "line N: PATH: reason" (N counts the request's lines, so
 * the shell can name FILE:LINE for -f FILE), or "PATH: reason" without one.
 */
static void
bgpd_conf_collect(void *arg, const char *where, unsigned line, const char *path,
    const char *msg)
{
	if (line > 0)
		errlines_add(arg, "line %u: %s: %s\n", line, path, msg);
	else
		errlines_add(arg, "%s: %s\n", path, msg);
}

int
bgpd_conf_edit(struct bgpd *b, const char *text, size_t len, char *errs, size_t errlen)
{
	struct errlines e = { errs, errlen, 0 };
	struct conf_parse *p = conf_parse_new(b->yang, b->running, "command", bgpd_conf_collect, &e);
	struct lyd_node *cand = NULL;
	char *copy = strndup(text, len), *line, *nl, why[512];
	int errors;
	size_t n;

	if (copy == NULL)
		fatal("config edit");
	errs[0] = '\0';
	for (line = copy; *line != '\0'; line = nl + 1) {	/* empty lines count too */
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		(void)conf_parse_line(p, line);		/* errors are collected */
		if (nl == NULL)
			break;
	}
	free(copy);
	errors = conf_parse_finish(p, &cand);
	conf_parse_free(p);
	if (errors > 0)
		return errors;
	if (bgpd_conf_apply(b, cand, &n, why, sizeof(why)) < 0) {
		snprintf(errs, errlen, "%s\n", why);
		return 1;
	}
	if (n > 0)
		log_notice("config: edited from the shell (%zu changes)", n);
	else
		log_debug("config: edited from the shell (no change)");
	return 0;
}

/* The file keeps its format: YANG JSON or XML by its name, else FRR text. */
static enum conf_fmt
bgpd_conf_file_fmt(const char *path)
{
	size_t n = strlen(path);

	if (n > 5 && strcmp(path + n - 5, ".json") == 0)
		return CONF_FMT_JSON;
	if (n > 4 && strcmp(path + n - 4, ".xml") == 0)
		return CONF_FMT_XML;
	return CONF_FMT_TEXT;
}

static int
bgpd_conf_write_tmp(struct bgpd *b, const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	FILE *f;
	int rv;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		rv = -errno;
		if (fd >= 0)
			close(fd);
		return rv;
	}
	rv = conf_print(b->running, bgpd_conf_file_fmt(b->conf_file), f) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && rv == 0)
		rv = -errno;
	return rv;
}

int
bgpd_conf_write(struct bgpd *b, char *msg, size_t len)
{
	char tmp[4096];
	int rv;

	if (b->conf_file == NULL) {
		snprintf(msg, len, "no config file (start the daemon with -f FILE)");
		return -ENOENT;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", b->conf_file, (long)getpid());
	if ((rv = bgpd_conf_write_tmp(b, tmp)) < 0 || rename(tmp, b->conf_file) < 0) {
		rv = rv < 0 ? rv : -errno;
		unlink(tmp);
		snprintf(msg, len, "cannot write %s: %s", b->conf_file, strerror(-rv));
		return rv;
	}
	snprintf(msg, len, "Configuration saved to %s", b->conf_file);
	log_notice("config: written to %s", b->conf_file);
	return 0;
}
