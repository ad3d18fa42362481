/*
 * conf/yang.c - the libyang side: the context with the built-in model,
 * loading files (text, JSON, XML), validation, and libyang's error messages
 * said in plain words with the line that caused them (STYLE 11).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf_yang.h"
#include "lib/log.h"

struct ly_ctx *
conf_ctx_new(void)
{
	struct ly_ctx *ctx = NULL;

	ly_log_options(LY_LOSTORE_LAST);	/* errors are ours to report */
	if (ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS, &ctx) != LY_SUCCESS)
		return NULL;
	if (lys_parse_mem(ctx, conf_yang_types, LYS_IN_YANG, NULL) != LY_SUCCESS ||
	    lys_parse_mem(ctx, conf_yang_main, LYS_IN_YANG, NULL) != LY_SUCCESS) {
		ly_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

void
conf_ctx_free(struct ly_ctx *ctx)
{
	if (ctx != NULL)
		ly_ctx_destroy(ctx);
}

void
conf_err_format(char *buf, size_t len, const char *where, unsigned line,
    const char *path, const char *msg)
{
	if (line > 0)
		snprintf(buf, len, "%s:%u: %s: %s", where, line, path ? path : "/", msg);
	else
		snprintf(buf, len, "%s: %s: %s", where, path ? path : "/", msg);
}

char *
conf_path_last_slash(char *path)
{
	char *last = NULL, q = 0;

	for (char *s = path; *s; s++) {
		if (q != 0)
			q = *s == q ? 0 : q;
		else if (*s == '\'' || *s == '"')
			q = *s;
		else if (*s == '/')
			last = s;
	}
	return last;
}

/* The quoted value after prefix in msg, into v. */
static bool
msg_quoted(const char *msg, const char *prefix, char *v, size_t len)
{
	const char *s = strstr(msg, prefix), *e;

	if (s == NULL || (s = strchr(s + strlen(prefix), '"')) == NULL ||
	    (e = strchr(s + 1, '"')) == NULL)
		return false;
	snprintf(v, len, "%.*s", (int)(e - s - 1), s + 1);
	return true;
}

/* "/ipip-bgpd:route-map/name" -> "route-map" */
static void
leafref_target(const char *msg, char *out, size_t len)
{
	char t[256], *slash;

	if (!msg_quoted(msg, "no target instance", t, sizeof(t)) ||
	    (slash = strrchr(t, '/')) == NULL) {
		snprintf(out, len, "target");
		return;
	}
	*slash = '\0';
	slash = strrchr(t, '/');
	slash = slash ? slash + 1 : t;
	snprintf(out, len, "%s", strchr(slash, ':') ? strchr(slash, ':') + 1 : slash);
}

static void
msg_plain(const char *msg, char *buf, size_t len)
{
	char v[128], what[256];

	if (strncmp(msg, "Invalid leafref value", 21) == 0 && msg_quoted(msg, "value", v, sizeof(v))) {
		leafref_target(msg, what, sizeof(what));
		snprintf(buf, len, "there is no %s %s", what, v);
	} else if (strncmp(msg, "Unsatisfied pattern", 19) == 0 && msg_quoted(msg, "-", v, sizeof(v))) {
		snprintf(buf, len, "'%s' is not %s", v, strstr(msg, "/(([0-9])") ?
		    "an IPv4 prefix (A.B.C.D/M)" : strstr(msg, "25[0-5]") ?
		    "an IPv4 address (A.B.C.D)" : "of the form this value takes");
	} else if (strncmp(msg, "Unsatisfied range", 17) == 0 && msg_quoted(msg, "value", v, sizeof(v))) {
		snprintf(buf, len, "%s is out of range", v);
	} else if (strstr(msg, "min/max bounds") && msg_quoted(msg, "Value", v, sizeof(v))) {
		snprintf(buf, len, "%s is out of range", v);
	} else {
		snprintf(buf, len, "%s", msg);
		if ((len = strlen(buf)) > 0 && buf[len - 1] == '.')
			buf[len - 1] = '\0';
	}
}

void
conf_ly_msg(const struct ly_ctx *ctx, char *buf, size_t len)
{
	struct ly_err_item *e = ly_err_last(ctx);

	msg_plain(e && e->msg ? e->msg : "invalid", buf, len);
}

/* libyang 2.1 says 'Data location "/a/b".': the path alone. */
static const char *
err_path(const struct ly_err_item *e, char *buf, size_t len)
{
	const char *q;

	if (e == NULL || e->path == NULL)
		return "/";
	if ((q = strchr(e->path, '"')) == NULL || strrchr(e->path, '"') == q)
		return e->path;
	snprintf(buf, len, "%.*s", (int)(strrchr(e->path, '"') - q - 1), q + 1);
	return buf;
}

/* JSON/XML parse errors carry the line: '..., line number 3.' */
static unsigned
err_line(const struct ly_err_item *e)
{
	const char *l = e && e->path ? strstr(e->path, "line number ") : NULL;

	return l ? (unsigned)strtoul(l + strlen("line number "), NULL, 10) : 0;
}

/*
 * Drop the leaf an error names so validation can go on to the next error
 * (libyang 2.1 stops at the first). Only non-key leaves: nothing in the
 * model refers to a leafref leaf, so its removal adds no error of its own;
 * an error on a key, a list entry or a container ends the search.
 */
static bool
err_drop_leaf(struct lyd_node **tree, const char *path)
{
	struct lyd_node *n = NULL;

	if (*tree == NULL || lyd_find_path(*tree, path, 0, &n) != LY_SUCCESS || n == NULL ||
	    !(n->schema->nodetype & LYD_NODE_TERM) || lysc_is_key(n->schema) ||
	    lyd_parent(n) == NULL)
		return false;
	lyd_free_tree(n);
	return true;
}

#define CONF_VALIDATE_ROUNDS	32

void
conf_validate(struct ly_ctx *ctx, struct lyd_node **tree, const struct conf_parse *p,
    const char *where, conf_err_fn *fn, void *arg, int *errors)
{
	char msg[512], pbuf[CONF_PATH_MAX];
	struct ly_err_item *e;
	const char *path;
	bool more = true;

	for (int i = 0; more && i < CONF_VALIDATE_ROUNDS; i++) {
		if (lyd_validate_all(tree, ctx, LYD_VALIDATE_PRESENT, NULL) == LY_SUCCESS)
			break;
		e = ly_err_last(ctx);
		conf_ly_msg(ctx, msg, sizeof(msg));
		path = err_path(e, pbuf, sizeof(pbuf));
		fn(arg, where, p ? conf_parse_line_of(p, path) : 0, path, msg);
		(*errors)++;
		more = err_drop_leaf(tree, path);
		ly_err_clean(ctx, NULL);
	}
	ly_err_clean(ctx, NULL);
}

static bool
name_has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

/* YANG JSON or XML text into a validated tree. */
static int
conf_parse_data(struct ly_ctx *ctx, const char *text, LYD_FORMAT fmt, const char *where,
    struct lyd_node **out, conf_err_fn *fn, void *arg)
{
	struct lyd_node *tree = NULL;
	char msg[512], pbuf[CONF_PATH_MAX];
	struct ly_err_item *e;

	if (lyd_parse_data_mem(ctx, text, fmt, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
	    LYD_VALIDATE_PRESENT, &tree) != LY_SUCCESS) {
		e = ly_err_last(ctx);
		conf_ly_msg(ctx, msg, sizeof(msg));
		fn(arg, where, err_line(e), err_path(e, pbuf, sizeof(pbuf)), msg);
		ly_err_clean(ctx, NULL);
		return 1;
	}
	*out = tree;
	return 0;
}

int
conf_parse_json(struct ly_ctx *ctx, const char *json, struct lyd_node **out,
    conf_err_fn *fn, void *arg)
{
	return conf_parse_data(ctx, json, LYD_JSON, "json", out, fn, arg);
}

static int
conf_load_data(struct ly_ctx *ctx, FILE *f, const char *name, LYD_FORMAT fmt,
    struct lyd_node **out, conf_err_fn *fn, void *arg)
{
	char *text = NULL;
	size_t cap = 0, n;
	FILE *m = open_memstream(&text, &cap);
	char buf[4096];
	int rv;

	if (m == NULL)
		fatal("config");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	rv = conf_parse_data(ctx, text, fmt, name, out, fn, arg);
	free(text);
	return rv;
}

int
conf_load_stream(struct ly_ctx *ctx, FILE *f, const char *name, struct lyd_node **out,
    conf_err_fn *fn, void *arg)
{
	struct conf_parse *p;
	char *line = NULL;
	size_t cap = 0;
	int errors;

	if (name_has_ext(name, ".json") || name_has_ext(name, ".xml"))
		return conf_load_data(ctx, f, name, name_has_ext(name, ".xml") ? LYD_XML : LYD_JSON,
		    out, fn, arg);
	p = conf_parse_new(ctx, NULL, name, fn, arg);
	while (getline(&line, &cap, f) > 0)
		(void)conf_parse_line(p, line);	/* each error is reported; go on */
	free(line);
	if (ferror(f))
		fn(arg, name, 0, "/", "read error");
	errors = conf_parse_finish(p, out) + (ferror(f) != 0);
	conf_parse_free(p);
	return errors;
}

int
conf_load_file(struct ly_ctx *ctx, const char *path, struct lyd_node **out,
    conf_err_fn *fn, void *arg)
{
	FILE *f = fopen(path, "r");
	char msg[256];
	int rv;

	if (f == NULL) {
		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		fn(arg, path, 0, "/", msg);
		return 1;
	}
	rv = conf_load_stream(ctx, f, path, out, fn, arg);
	fclose(f);
	return rv;
}
